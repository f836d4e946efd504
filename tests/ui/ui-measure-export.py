#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# ui-measure-export.py APP [SHOT_DIR]: the measurement table copied as text and the lumen surface
# exported, in the real app on the built-in demo case (the phantom, segmented on open).
#
#   copy    Ctrl+Shift+C (a real key press through XTEST) runs win.copy-measurements; the app's
#           test hook (CUSP_TEST_MEASURE_FILE) reports the text it put on the clipboard, which
#           must hold the annulus perimeter line with the value the panel shows
#   export  a real click on the panel's export menu button, then Return on the menu's first item
#           (Lumen Surface, focused when the menu opens): win.export-surface::lumen; with CUSP_TEST_EXPORT_DIR the app
#           writes lumen.stl, lumen.obj and lumen.vtp there instead of asking for a file; each
#           must parse and hold the surface's triangles
import os
import re
import struct
import sys
import time

import cusp_ui

ui, measure, keys = cusp_ui.ui, cusp_ui.measure, cusp_ui.press
log, check, screenshot, App, SKIP = ui.log, ui.check, ui.screenshot, ui.App, ui.SKIP

XK_SHIFT_L, XK_CONTROL_L, XK_RETURN = 0xffe1, 0xffe3, 0xff0d


def check_copied(report):
    text = report["copied"]
    lines = [line for line in text.splitlines() if line.rstrip().endswith("annulus.perimeter_mm")]
    check(len(lines) == 1, "the copied text has one annulus perimeter line")
    log("copied:", lines[0].strip())
    number = re.search(r"(\d+\.\d+)\s*mm", lines[0])
    check(number is not None, "the perimeter line carries a value in mm")
    value = report["values"]["annulus.perimeter_mm"]
    check(abs(float(number.group(1)) - round(value, 1)) < 0.051,
          f"the copied perimeter {number.group(1)} mm is the measured {value:.2f} mm")
    check("never a diagnosis" in text, "the copied text says the values are model estimates")
    # rows are named in a clinician's words, not by the stable key alone
    for key, name in (("coronary.left_height_mm", "Left coronary ostium height"),
                      ("calcium.leaflet_non_mm3", "Non-coronary leaflet"),
                      ("carm.cusp_overlap_lao_deg", "Cusp-overlap view: LAO/RAO")):
        row = [line for line in text.splitlines() if line.rstrip().endswith(key)]
        check(len(row) == 1 and name in row[0], f"the {key} row reads '{name}'")


def stl_triangles(path):
    with open(path, "rb") as f:
        data = f.read()
    check(len(data) >= 84, f"{path} holds an STL header")
    (count,) = struct.unpack_from("<I", data, 80)
    check(len(data) == 84 + 50 * count, f"{path} is a binary STL of {count} triangles")
    finite = all(v == v and abs(v) < 1e5
                 for t in range(count) for v in struct.unpack_from("<12f", data, 84 + 50 * t))
    check(finite, "every STL normal and corner is finite")
    return count


def obj_triangles(path):
    vertices, faces, bad = 0, 0, 0
    with open(path, encoding="ascii") as f:
        for line in f:
            if line.startswith("v "):
                bad += len(line.split()) != 4
                vertices += 1
            elif line.startswith("f "):
                corners = [int(c.split("/")[0]) for c in line.split()[1:]]
                bad += len(corners) != 3 or not all(1 <= c <= vertices for c in corners)
                faces += 1
    check(vertices > 0 and bad == 0, f"{path}: {vertices} vertices, {faces} triangles of listed vertices")
    return faces


def vtp_triangles(path):
    with open(path, "rb") as f:
        head = f.read(4096).decode("ascii", errors="replace")
    check("<VTKFile" in head and 'type="PolyData"' in head, f"{path} is a VTK PolyData file")
    polys = re.search(r'NumberOfPolys="(\d+)"', head)
    check(polys is not None, "the VTP piece gives its polygon count")
    return int(polys.group(1))


def run(binary, shot_dir, workdir):
    try:
        xtest = measure.XTest()
    except (OSError, FileNotFoundError) as e:
        log(f"skip: no XTEST ({e}): the copy and export are driven by real key presses and clicks")
        return SKIP
    measure_file = os.path.join(workdir, "measure.json")
    export_dir = os.path.join(workdir, "export")
    os.makedirs(export_dir)
    os.environ["CUSP_TEST_MEASURE_FILE"] = measure_file
    os.environ["CUSP_TEST_EXPORT_DIR"] = export_dir
    app = App(binary, workdir, [])
    try:
        report = measure.wait_measured(measure_file, app, 240)
        check(report["state"] == "measured", f"the demo case segmented and measured ({report['state']})")

        keys(xtest, [XK_CONTROL_L, XK_SHIFT_L, ord("c")])
        copied = measure.wait_report(measure_file, app, 30, lambda r: r["state"] == "copied")
        check_copied(copied)

        check("export_button" in copied, "the report gives the export menu button's place")
        b, scale = copied["export_button"], copied.get("scale", 1)
        xtest.click(int((b["x"] + b["width"] / 2) * scale), int((b["y"] + b["height"] / 2) * scale))
        time.sleep(0.5)
        screenshot(workdir, shot_dir, "ui-measure-export-menu")
        keys(xtest, [XK_RETURN])                   # the popover opens on its first item
        measure.wait_report(measure_file, app, 30, lambda r: r["state"] == "exported")
        screenshot(workdir, shot_dir, "ui-measure-export")
        log("exported:", sorted(os.listdir(export_dir)))
        triangles = copied["lumen_triangles"]
        counts = {
            "stl": stl_triangles(os.path.join(export_dir, "lumen.stl")),
            "obj": obj_triangles(os.path.join(export_dir, "lumen.obj")),
            "vtp": vtp_triangles(os.path.join(export_dir, "lumen.vtp")),
        }
        log(f"lumen surface: {triangles} triangles in the app; exported {counts}")
        for fmt, count in counts.items():
            check(count == triangles and count > 1000, f"the {fmt.upper()} file holds the {triangles} triangles")
    finally:
        app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(cusp_ui.main(run, "ui-measure-export.py APP [SHOT_DIR]", 1, "cusp-ui-export-"))
