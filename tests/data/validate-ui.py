#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# validate-ui.py FILE.ui...: gtk4-builder-tool validate on each file, libadwaita types included.
#
# gtk4-builder-tool knows no libadwaita types and cannot resolve a template's parent, so each
# template is turned into a plain object of its parent class (same properties and children) and
# libadwaita is preloaded so GtkBuilder resolves Adw* types by their get_type symbols.
# Needs a display (the tool creates the widgets): skips (77) without one.
import os
import re
import subprocess
import sys
import tempfile

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    print("no display: gtk4-builder-tool must create the widgets; run under xvfb-run "
          "(build-aux/run-tests does)")
    sys.exit(77)

env = dict(os.environ, LD_PRELOAD="libadwaita-1.so.0")
template = re.compile(r'<template class="([A-Za-z0-9_]+)" parent="([A-Za-z0-9_]+)">')
failed = 0
with tempfile.TemporaryDirectory() as tmp:
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        plain = template.sub(r'<object class="\2" id="\1">', text).replace("</template>", "</object>")
        copy = os.path.join(tmp, os.path.basename(path))
        with open(copy, "w", encoding="utf-8") as f:
            f.write(plain)
        result = subprocess.run(["gtk4-builder-tool", "validate", copy], env=env,
                                capture_output=True, text=True)
        if result.returncode != 0:
            failed += 1
            print(f"{path}: gtk4-builder-tool validate failed ({result.returncode}):")
            print(result.stdout + result.stderr)
        else:
            print(f"{path}: valid")
sys.exit(1 if failed else 0)
