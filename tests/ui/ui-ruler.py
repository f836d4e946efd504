#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# ui-ruler.py APP [SHOT_DIR]: the distance caliper of the slice views, in the real app on the demo
# case, driven by real pointer and key events through XTEST:
#   Ctrl+Shift+drag  across the axial view: the app reports a ruler whose length is the dragged
#                    distance times the view's mm per pixel (the ends are kept in patient mm), and
#                    the ruler's white line is on screen along the drag
#   Page Up          one slice up: the ruler belongs to its slice and is not drawn there
#   Page Down        back: it is drawn again
#   Delete           removes it (length 0)
import math
import sys

import cusp_ui

ui, measure = cusp_ui.ui, cusp_ui.measure
log, check, screenshot, SKIP = ui.log, ui.check, ui.screenshot, ui.SKIP

XK_CONTROL_L, XK_SHIFT_L = 0xffe3, 0xffe1
XK_PAGE_UP, XK_PAGE_DOWN, XK_DELETE = 0xff55, 0xff56, 0xffff


def key(xtest, keysym, down):
    xtest.xtst.XTestFakeKeyEvent(xtest.display, xtest.x11.XKeysymToKeycode(xtest.display, keysym),
                                 1 if down else 0, 0)
    xtest._sync()


def ruler_pixels(shot, a, b):
    """White pixels (the ruler's colour, cusp_slice_ruler_get_color) within 2.5 px of the segment
    a-b: the line itself, not the label beside it nor the crosshair's coloured lines."""
    (ax, ay), (bx, by) = a, b
    length2 = (bx - ax) ** 2 + (by - ay) ** 2
    count = 0
    for y in range(min(ay, by) - 3, max(ay, by) + 4):
        for x in range(min(ax, bx) - 3, max(ax, bx) + 4):
            t = max(0.0, min(1.0, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / length2))
            if math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)) <= 2.5 and min(shot.rgb(x, y)) >= 235:
                count += 1
    return count


def axial(state):
    return next(v for v in state["views"] if v["name"] == "axial")


def run(binary, shot_dir, workdir):
    try:
        xtest = measure.XTest()
    except (OSError, FileNotFoundError) as e:
        log(f"skip: no XTEST ({e}): the ruler is drawn with real pointer events")
        return SKIP
    app = cusp_ui.measured_demo(binary, workdir)
    try:
        ready = app.state()
        view = axial(ready)
        scale = ready.get("scale", 1)
        # a drag in the view's upper left quarter, away from the crosshair's centre
        x0 = int((view["x"] + 0.25 * view["width"]) * scale)
        y0 = int((view["y"] + 0.30 * view["height"]) * scale)
        dx, dy = int(0.35 * view["width"] * scale), int(0.25 * view["height"] * scale)

        key(xtest, XK_CONTROL_L, True)
        key(xtest, XK_SHIFT_L, True)
        xtest.drag(x0, y0, x0 + dx, y0 + dy)
        key(xtest, XK_SHIFT_L, False)
        key(xtest, XK_CONTROL_L, False)
        drawn = app.wait_for({"ruler"}, 60, previous=ready)
        view = axial(drawn)
        expected_mm = math.hypot(dx, dy) / scale * view["mm_per_px"]
        check(abs(view["ruler_mm"] - expected_mm) <= 0.02 * expected_mm + 0.2,
              f"the ruler measures the dragged distance: {view['ruler_mm']:.2f} mm "
              f"(expected {expected_mm:.2f} mm = {math.hypot(dx, dy):.0f} px x {view['mm_per_px']:.4f} mm/px)")
        along = ((x0, y0), (x0 + dx, y0 + dy))
        shot = screenshot(workdir, shot_dir, "ui-ruler")
        lit = ruler_pixels(shot, *along)
        check(lit > 0.3 * math.hypot(dx, dy), f"the ruler's white line is on screen along the drag ({lit} pixels)")

        # the ruler belongs to its slice (the view has the keyboard focus since the drag)
        key(xtest, XK_PAGE_UP, True)
        key(xtest, XK_PAGE_UP, False)
        shot = screenshot(workdir, shot_dir, "ui-ruler-other-slice")
        hidden = ruler_pixels(shot, *along)
        check(hidden < 0.1 * lit, f"one slice up the ruler is not drawn ({hidden} pixels)")
        key(xtest, XK_PAGE_DOWN, True)
        key(xtest, XK_PAGE_DOWN, False)
        shot = screenshot(workdir, shot_dir, "ui-ruler-back")
        back = ruler_pixels(shot, *along)
        check(back > 0.8 * lit, f"back on its slice it is drawn again ({back} pixels)")

        key(xtest, XK_DELETE, True)
        key(xtest, XK_DELETE, False)
        removed = app.wait_for({"ruler"}, 60, previous=drawn)
        check(axial(removed)["ruler_mm"] == 0.0, "Delete removes the ruler")
        shot = screenshot(workdir, shot_dir, "ui-ruler-removed")
        check(ruler_pixels(shot, *along) < 0.1 * lit, "and it is gone from the screen")
    finally:
        app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(cusp_ui.main(run, "ui-ruler.py APP [SHOT_DIR]", 1, "cusp-ui-ruler-"))
