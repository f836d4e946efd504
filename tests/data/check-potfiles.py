#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# check-potfiles.py SOURCE_ROOT: every source or data file with translatable text is listed in
# po/POTFILES.in, every listed file exists, and xgettext extracts the list without an error (as
# `ninja cusp-pot` would). Prints what is wrong and exits 1 on any problem.
import os
import re
import shutil
import subprocess
import sys
import tempfile

root = sys.argv[1]
scanned_dirs = ["app", "render", "segmentation", "resources", "data"]
extensions = (".c", ".h", ".cxx", ".ui", ".xml", ".in", ".desktop")
# _("..."), N_(, C_(, NC_(, ngettext / g_dngettext, and translatable="yes" in .ui / .xml.
c_marker = re.compile(r'(?<![A-Za-z0-9_])(N?C?_|g_dn?gettext|ngettext)\s*\(')

listed = []
with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            listed.append(line)

problems = []
for path in listed:
    if not os.path.exists(os.path.join(root, path)):
        problems.append(f"po/POTFILES.in lists {path}, which does not exist")

needed = []
for top in scanned_dirs:
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
        for name in sorted(filenames):
            if not name.endswith(extensions):
                continue
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            with open(full, encoding="utf-8", errors="replace") as f:
                text = f.read()
            if name.endswith((".c", ".h", ".cxx")):
                # Strings passed to _() and friends, ignoring the #define of _ itself.
                hit = any(c_marker.search(line) and "#define" not in line
                          and "gi18n" not in line for line in text.splitlines())
            elif name.endswith(".gschema.xml"):
                hit = "<summary>" in text or "<description>" in text
            else:
                hit = 'translatable="yes"' in text or name.endswith((".desktop.in", ".metainfo.xml.in"))
            if hit:
                needed.append(rel)
                if rel not in listed:
                    problems.append(f"{rel} has translatable text but is not in po/POTFILES.in")

xgettext = shutil.which("xgettext")
if xgettext is not None and not problems:
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "cusp.pot")
        # The keywords of meson's i18n 'glib' preset.
        result = subprocess.run(
            [xgettext, "--from-code=UTF-8", "--add-comments", "--keyword=_", "--keyword=N_",
             "--keyword=C_:1c,2", "--keyword=NC_:1c,2", "--keyword=g_dcgettext:2",
             "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
             "--directory", root, "--files-from", os.path.join(root, "po", "POTFILES.in"),
             "--output", pot],
            capture_output=True, text=True)
        if result.returncode != 0:
            problems.append("xgettext failed on po/POTFILES.in: " + result.stderr.strip())
        else:
            with open(pot, encoding="utf-8") as f:
                count = f.read().count("\nmsgid ") - 1   # less the header entry
            print(f"xgettext extracted {count} messages")
            if count <= 0:
                problems.append("xgettext extracted no messages")

for p in problems:
    print(p)
print(f"{len(needed)} files with translatable text, {len(listed)} listed, {len(problems)} problems")
sys.exit(1 if problems else 0)
