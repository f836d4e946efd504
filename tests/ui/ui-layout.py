#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# ui-layout.py APP [SHOT_DIR]: the layout for a heart-team screen, in the real app on the demo case
# (segmented on open), driven by real key presses through XTEST:
#   Ctrl+Alt+4  the 3D view alone: it takes the grid's space and draws the root
#   F9          the measurement sidebar hidden: the view widens
#   report      written in that layout (win.export-report-to over D-Bus): it pictures the 3D view
#               and leaves out the hidden views instead of drawing them blank
#   Ctrl+Alt+4  again: the 2x2 grid is back
#   Ctrl+Alt+1  the axial view alone, showing the image
# The app's test hook (CUSP_TEST_READY_FILE, state "layout") reports which views are on screen
# and where, two frames after each change.
import os
import shutil
import subprocess
import sys

import cusp_ui

ui, measure, press = cusp_ui.ui, cusp_ui.measure, cusp_ui.press
log, check, screenshot, SKIP = ui.log, ui.check, ui.screenshot, ui.SKIP

XK_CONTROL_L, XK_ALT_L, XK_F9 = 0xffe3, 0xffe9, 0xffc6


def area(view):
    return view["width"] * view["height"]


def names(state):
    return [v["name"] for v in state["views"]]


def view_sd(shot, state, name):
    x0, y0, x1, y1 = ui.view_boxes(state)[name]
    return ui.stddev(shot.grey_region(x0, y0, x1, y1, step=4))


def run(binary, shot_dir, workdir):
    if shutil.which("gdbus") is None or not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        log("skip: no gdbus or no session bus (the report is asked for over D-Bus)")
        return SKIP
    try:
        xtest = measure.XTest()
    except (OSError, FileNotFoundError) as e:
        log(f"skip: no XTEST ({e}): the layout is driven by real key presses")
        return SKIP
    app = cusp_ui.measured_demo(binary, workdir)
    try:
        # the pointer off the views, so no tooltip covers them in the screenshots
        xtest.xtst.XTestFakeMotionEvent(xtest.display, -1, 5, 5, 0)
        xtest._sync()

        press(xtest, [XK_CONTROL_L, XK_ALT_L, ord("4")])
        alone = app.wait_for({"layout"}, 60)
        check(alone["layout"] == "3d" and names(alone) == ["3d"],
              f"Ctrl+Alt+4: only the 3D view is on screen ({names(alone)})")
        shot = screenshot(workdir, shot_dir, "ui-layout-3d")
        big = alone["views"][0]
        check(big["width"] > 600 and big["height"] > 600,
              f"the 3D view takes the grid's space ({big['width']} x {big['height']})")
        sd = view_sd(shot, alone, "3d")
        check(sd > 8.0, f"the enlarged 3D view draws the root (grey sd {sd:.1f})")

        press(xtest, [XK_F9])
        wide = app.wait_for({"layout"}, 60, previous=alone)
        check(wide["detail"] == "no sidebar" and wide["views"][0]["width"] > big["width"] + 200,
              f"F9 hides the sidebar and the view widens ({wide['views'][0]['width']} > {big['width']} + 200)")
        screenshot(workdir, shot_dir, "ui-layout-3d-no-sidebar")

        # the report pictures what is on screen: the 3D view, not the hidden ones
        pdf = os.path.join(workdir, "report.pdf")
        cusp_ui.activate(app, "export-report-to", "[<'" + pdf + "'>]")
        written = app.wait_for({"report-written", "error"}, 120, previous=wide)
        check(written["state"] == "report-written", f"the report was written ({written['detail']})")
        if shutil.which("pdftotext") is not None:
            text = subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True,
                                  capture_output=True, text=True).stdout
            captions = [line.strip() for line in text.splitlines()]
            check("3D" in captions and "Axial" not in captions and "Annulus plane" not in captions,
                  "the report pictures the 3D view only (the others are not on screen)")

        press(xtest, [XK_CONTROL_L, XK_ALT_L, ord("4")])
        back = app.wait_for({"layout"}, 60, previous=written)
        check(back["layout"] == "grid" and len(back["views"]) == 4,
              "Ctrl+Alt+4 again brings the 2x2 grid back")
        check(all(area(v) < area(wide["views"][0]) / 3 for v in back["views"]), "the four views share the space again")

        press(xtest, [XK_CONTROL_L, XK_ALT_L, ord("1")])
        axial = app.wait_for({"layout"}, 60, previous=back)
        check(names(axial) == ["axial"], f"Ctrl+Alt+1: the axial view alone ({names(axial)})")
        shot = screenshot(workdir, shot_dir, "ui-layout-axial")
        sd = view_sd(shot, axial, "axial")
        check(sd > 8.0, f"the enlarged axial view shows the image (grey sd {sd:.1f})")
    finally:
        app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(cusp_ui.main(run, "ui-layout.py APP [SHOT_DIR]", 1, "cusp-ui-layout-"))
