#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Count meson's testlog.json and print the closing line CI reads: 'N passed, N failed, N skipped'.
Exit 1 when anything failed or when no test ran at all (a suite that ran nothing is not green)."""
import json
import sys

passed = failed = skipped = 0
try:
    with open(sys.argv[1], encoding="utf-8") as log:
        for line in log:
            line = line.strip()
            if not line:
                continue
            result = json.loads(line).get("result", "")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
except FileNotFoundError:
    print(f"no test log at {sys.argv[1]}: the suite did not run", file=sys.stderr)
    failed += 1

print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
