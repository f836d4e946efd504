#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# ui-measure-test.py CASE APP CLI [SHOT_DIR]: the real app segments a study on its own after it
# opens, fills the measurement panel and draws the surfaces. The app writes what the panel
# shows to CUSP_TEST_MEASURE_FILE two frames after it changed; this script waits for it, takes
# a screenshot (ui-test.py's helpers), cuts out the annulus view and the 3D view, and checks:
#
#   measure-demo  the built-in phantom: the panel's annulus perimeter and area, STJ diameter,
#                 coronary heights and calcium match the phantom's truth (written by
#                 `cusp-cli phantom` with the demo's defaults) within the tolerances,
#                 the shown text carries the same numbers, the 3D view shows lumen-coloured
#                 pixels and the annulus view draws the bluish-green contour; then a real drag (XTEST)
#                 of the left hinge handle re-measures while it moves, leaves one undo step, and
#                 Ctrl+Z brings back exactly the first values
#   measure-ct    $CUSP_SHARED_DATA/ct-aortic-root/ct-aortic-root.nii.gz without a click: every
#                 headline measurement is plausible for an adult, the same pixel checks
#   measure-mr-seed  $CUSP_SHARED_DATA/mr-cardiac-dicom (MR, not HU): if the automatic run asks
#                 for a seed, real clicks and Page Up presses (XTEST) in the axial view put it in
#                 the ascending aorta (the click of /seg/real/mr-cardiac), Ctrl+G segments again
#                 from it, and the root is measured: an adult-sized annulus, said to be mostly an
#                 estimate from the hinges (no wall shows between root and atrium at 2.5 mm)
import ctypes
import ctypes.util
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("ui_test", os.path.join(HERE, "ui-test.py"))
ui = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ui)
log, check, screenshot, App, SKIP = ui.log, ui.check, ui.screenshot, ui.App, ui.SKIP


def wait_measured(path, app, timeout_s):
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        if app.proc.poll() is not None:
            raise RuntimeError(f"the app exited with status {app.proc.returncode}")
        try:
            with open(path, encoding="utf-8") as f:
                last = json.load(f)
        except (OSError, ValueError):
            last = None
        if last is not None and last["state"] in ("measured", "segment-error"):
            return last
        time.sleep(0.2)
    raise RuntimeError(f"no measurement within {timeout_s} s (last report: {last})")


def box(report, name, shot_scale, inset=0.0):
    b = report[name]
    x0, y0 = b["x"] * shot_scale, b["y"] * shot_scale
    w, h = b["width"] * shot_scale, b["height"] * shot_scale
    return (int(x0 + inset * w), int(y0 + inset * h), int(x0 + (1 - inset) * w), int(y0 + (1 - inset) * h))


def crop(shot_png, region, out_png):
    x0, y0, x1, y1 = region
    subprocess.run(["convert", shot_png, "-crop", f"{x1 - x0}x{y1 - y0}+{x0}+{y0}", "+repage", out_png],
                   check=True)
    log("cut out:", out_png)


def count_pixels(shot, region, predicate, step=2):
    x0, y0, x1, y1 = region
    n = 0
    for y in range(max(0, y0), min(shot.height, y1), step):
        for x in range(max(0, x0), min(shot.width, x1), step):
            if predicate(shot.rgb(x, y)):
                n += 1
    return n


def lumen_like(rgb):
    """A shaded translucent red over the dark slate background: red clearly dominates."""
    r, g, b = rgb
    return r > 60 and r > 1.6 * g and r > 1.6 * b


def contour_like(rgb):
    """The annulus contour's bluish green (0.0, 0.62, 0.45): green well above red, blue between
    (the valve's sky blue has b > g, the right hinge's green b far below g, grey b = g)."""
    r, g, b = rgb
    return g > 110 and r < 0.45 * g and 0.5 * g < b < 0.9 * g


def check_pixels(shot, report):
    scale = report.get("scale", 1)
    view3d = box(report, "view_3d", scale, 0.05)
    lumen = count_pixels(shot, view3d, lumen_like)
    total = ((view3d[2] - view3d[0]) // 2) * ((view3d[3] - view3d[1]) // 2)
    log(f"3D view: {lumen} of {total} sampled pixels are lumen-coloured")
    check(lumen > 0.02 * total, "the 3D view shows the lumen surface in its colour")
    annulus = box(report, "annulus_view", scale, 0.02)
    contour = count_pixels(shot, annulus, contour_like, step=1)
    log(f"annulus view: {contour} contour-coloured pixels")
    check(contour > 100, "the annulus view draws the annulus contour")


def within(value, truth, rel=None, absolute=None):
    if rel is not None:
        return abs(value - truth) <= rel * abs(truth)
    return abs(value - truth) <= absolute


def shown_number(text):
    """"75.9 mm" -> 75.9"""
    return float(text.split()[0])


def check_demo(report, truth):
    v, shown = report["values"], report["shown"]
    pairs = [
        ("annulus.perimeter_mm", truth["annulus"]["perimeter_mm"], dict(rel=0.02)),
        ("annulus.area_mm2", truth["annulus"]["area_mm2"], dict(rel=0.02)),
        ("stj.diameter_mm", truth["stj"]["diameter_mm"], dict(rel=0.03)),
        ("coronary.left_height_mm", truth["coronary"]["left"]["height_mm"], dict(absolute=0.75)),
        ("coronary.right_height_mm", truth["coronary"]["right"]["height_mm"], dict(absolute=0.75)),
        ("calcium.total_mm3", truth["calcium"]["total_mm3"], dict(rel=0.10)),
    ]
    for key, expected, tol in pairs:
        check(key in v, f"{key} is measured")
        check(within(v[key], expected, **tol), f"{key} {v[key]:.2f} vs truth {expected:.2f} ({tol})")
        # The panel shows the same number, rounded as displayed.
        digits = 0 if key.startswith("calcium") else 1
        check(abs(shown_number(shown[key]) - round(v[key], digits)) < 10 ** -digits,
              f"the panel shows {key} as {shown[key]}")


def check_adult(report):
    v = report["values"]
    ranges = {
        "annulus.perimeter_mm": (55, 100),
        "annulus.area_mm2": (250, 750),
        "annulus.eccentricity": (0.0, 0.4),
        "sov.mean_diameter_mm": (22, 45),
        "stj.diameter_mm": (18, 42),
        "stj.height_mm": (10, 35),
        "coronary.left_height_mm": (5, 25),
        "coronary.right_height_mm": (5, 28),
        "ascending.diameter_mm": (20, 50),
    }
    for key, (lo, hi) in ranges.items():
        check(key in v and lo <= v[key] <= hi, f"{key} = {v.get(key)} is plausible for an adult ({lo}-{hi})")
    # A convex-ish annulus cannot be longer around than a circle of its largest width: a longer
    # perimeter means a jagged contour, whatever the range says.
    check(v["annulus.perimeter_mm"] <= 1.05 * 3.14159265 * v["annulus.dmax_mm"],
          f"the annulus perimeter {v['annulus.perimeter_mm']:.1f} mm fits its Dmax {v['annulus.dmax_mm']:.1f} mm")


class XTest:
    """Real pointer and key events through the XTEST extension (libXtst via ctypes)."""

    def __init__(self):
        x11_path, xtst_path = ctypes.util.find_library("X11"), ctypes.util.find_library("Xtst")
        if x11_path is None or xtst_path is None:
            raise FileNotFoundError("libX11 / libXtst")
        self.x11, self.xtst = ctypes.CDLL(x11_path), ctypes.CDLL(xtst_path)
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self.x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self.xtst.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_ulong]
        self.xtst.XTestFakeButtonEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
        self.xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
        self.display = self.x11.XOpenDisplay(None)
        if not self.display:
            raise FileNotFoundError("cannot open the X display")

    def _sync(self):
        self.x11.XSync(self.display, 0)
        time.sleep(0.15)

    def click(self, x, y):
        self.xtst.XTestFakeMotionEvent(self.display, -1, x, y, 0)
        self._sync()
        self.xtst.XTestFakeButtonEvent(self.display, 1, 1, 0)
        self._sync()
        self.xtst.XTestFakeButtonEvent(self.display, 1, 0, 0)
        self._sync()

    def drag(self, x0, y0, x1, y1, steps=8):
        self.xtst.XTestFakeMotionEvent(self.display, -1, x0, y0, 0)
        self._sync()
        self.xtst.XTestFakeButtonEvent(self.display, 1, 1, 0)
        self._sync()
        for i in range(1, steps + 1):
            self.xtst.XTestFakeMotionEvent(self.display, -1, x0 + (x1 - x0) * i // steps,
                                           y0 + (y1 - y0) * i // steps, 0)
            self._sync()
        self.xtst.XTestFakeButtonEvent(self.display, 1, 0, 0)
        self._sync()

    def key(self, keysym):
        code = self.x11.XKeysymToKeycode(self.display, keysym)
        self.xtst.XTestFakeKeyEvent(self.display, code, 1, 0)
        self.xtst.XTestFakeKeyEvent(self.display, code, 0, 0)
        self._sync()

    def ctrl(self, keysym):
        control = self.x11.XKeysymToKeycode(self.display, 0xffe3)   # Control_L
        key = self.x11.XKeysymToKeycode(self.display, keysym)
        for code, down in ((control, 1), (key, 1), (key, 0), (control, 0)):
            self.xtst.XTestFakeKeyEvent(self.display, code, down, 0)
        self._sync()


def wait_report(path, app, timeout_s, accept):
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        if app.proc.poll() is not None:
            raise RuntimeError(f"the app exited with status {app.proc.returncode}")
        try:
            with open(path, encoding="utf-8") as f:
                last = json.load(f)
        except (OSError, ValueError):
            last = None
        if last is not None and accept(last):
            return last
        time.sleep(0.2)
    raise RuntimeError(f"no matching report within {timeout_s} s (last report: {last})")


def check_drag_and_undo(app, measure_file, report):
    try:
        xtest = XTest()
    except (OSError, FileNotFoundError) as e:
        log(f"no XTEST ({e}): the drag is not tried")
        return
    scale = report.get("scale", 1)
    hinge = [h for h in report["handles"] if h["name"] == "left hinge"][0]
    x0, y0 = int(hinge["x"] * scale), int(hinge["y"] * scale)
    before = report["values"]
    xtest.drag(x0, y0, x0 + 25 * scale, y0 + 10 * scale)
    moved = wait_report(measure_file, app, 30, lambda r: r["can_undo"])
    hinge2 = [h for h in moved["handles"] if h["name"] == "left hinge"][0]
    check(abs(hinge2["x"] - hinge["x"] - 25) < 3 and abs(hinge2["y"] - hinge["y"] - 10) < 3,
          f"the left hinge followed the pointer ({hinge['x']:.0f},{hinge['y']:.0f}) -> "
          f"({hinge2['x']:.0f},{hinge2['y']:.0f})")
    changed = [k for k in before if k in moved["values"] and abs(moved["values"][k] - before[k]) > 1e-6]
    log(f"re-measure {moved['remeasure_ms']:.2f} ms; changed: {', '.join(changed)}")
    check("sov.left_diameter_mm" in changed, "the left sinus diameter follows the left hinge")
    xtest.ctrl(ord("z"))
    undone = wait_report(measure_file, app, 30, lambda r: not r["can_undo"])
    same = all(abs(undone["values"].get(k, float("nan")) - before[k]) < 1e-9 for k in before)
    check(same, "Ctrl+Z restores every value exactly")


# The click of /seg/real/mr-cardiac (tests/seg/test-segment-real.c): the middle of the ascending
# aorta on axial slice 34, LPS mm, where it bends into the root.
MR_SEED_LPS = (31.0, -19.0, 68.0)
PAGE_UP, PAGE_DOWN = 0xff55, 0xff56


def seed_in(report):
    """The seed's LPS position from the status "Seed set at L 31.0 P 19.0 S 68.0 mm. ..."."""
    words = report["status"].split("Seed set at ", 1)[1].split(" mm", 1)[0].split()
    signs = {"L": 1, "R": -1, "P": 1, "A": -1, "S": 1, "I": -1}
    return tuple(signs[words[2 * i]] * float(words[2 * i + 1]) for i in range(3))


def click_seed(xtest, measure_file, app, x, y, previous):
    """A real click in the axial view; returns the seed it set and its report."""
    xtest.click(int(x), int(y))
    report = wait_report(measure_file, app, 30,
                         lambda r: r["state"] == "seed-set" and r["status"] != previous)
    return seed_in(report), report


def run_mr_seed(binary, shot_dir, workdir):
    shared = os.environ.get("CUSP_SHARED_DATA", "")
    path = os.path.join(shared, "mr-cardiac-dicom")
    if not os.path.isdir(path):
        log(f"skip: {path} is absent (CUSP_SHARED_DATA holds the real images)")
        return SKIP
    try:
        xtest = XTest()
    except (OSError, FileNotFoundError) as e:
        log(f"skip: no XTEST ({e})")
        return SKIP
    measure_file = os.path.join(workdir, "measure.json")
    os.environ["CUSP_TEST_MEASURE_FILE"] = measure_file
    valve_file = os.path.join(workdir, "valve.json")
    os.environ["CUSP_TEST_VALVE_FILE"] = valve_file
    app = App(binary, workdir, [path])
    try:
        first = wait_measured(measure_file, app, 240)
        log(f"automatic run: {first['state']}: {first['status']}")
        if first["state"] == "measured":
            check(True, "the MR segmented without a click")
            return 0
        check("click" in first["status"] and len(first["status"]) > 40,
              "the failed automatic run asks for a click, in words")
        ready = app.state()
        axial = [v for v in ready["views"] if v["name"] == "axial"][0]
        scale = ready.get("scale", 1)
        mm_per_px = axial["mm_per_px"]
        # Find the seed's slice and point by real clicks and Page Up presses in the axial view, as
        # a person would: a click, read where it went (the status says), correct.
        x = (axial["x"] + 0.5 * axial["width"]) * scale
        y = (axial["y"] + 0.5 * axial["height"]) * scale
        seed, seeded = click_seed(xtest, measure_file, app, x, y, first["status"])
        xtest.key(PAGE_UP)
        moved, seeded = click_seed(xtest, measure_file, app, x + 1, y, seeded["status"])
        per_page_mm = moved[2] - seed[2]
        check(abs(per_page_mm) > 1.0, f"Page Up moves the axial view a slice ({per_page_mm:+.1f} mm)")
        pages = round((MR_SEED_LPS[2] - moved[2]) / per_page_mm)
        for _ in range(abs(pages)):
            xtest.key(PAGE_UP if pages > 0 else PAGE_DOWN)
        seed = moved
        for _ in range(3):
            # axial view: screen right is patient left (+x), screen down posterior (+y)
            x += (MR_SEED_LPS[0] - seed[0]) / mm_per_px * scale
            y += (MR_SEED_LPS[1] - seed[1]) / mm_per_px * scale
            seed, seeded = click_seed(xtest, measure_file, app, x, y, seeded["status"])
        off_mm = [abs(seed[i] - MR_SEED_LPS[i]) for i in range(3)]
        check(max(off_mm[:2]) < 2.0 and off_mm[2] < 1.5,
              f"the click set the seed in the ascending aorta: {seeded['status']}")
        xtest.ctrl(ord("g"))
        second = wait_report(measure_file, app, 240,
                             lambda r: r["runs"] == 2 and r["state"] in ("measured", "segment-error"))
        log(f"seeded run: {second['state']}: {second['status']}")
        check(second["status"] != first["status"], "Ctrl+G segmented again from the seed")
        screenshot(workdir, shot_dir, "ui-measure-mr-seed")
        check(second["state"] == "measured", f"the MR segmented and measured from the one click: {second['status']}")
        log("shown:", json.dumps(second["shown"], ensure_ascii=False))
        perimeter, area = second["values"]["annulus.perimeter_mm"], second["values"]["annulus.area_mm2"]
        check(60 < perimeter < 110 and 250 < area < 900,
              f"the annulus is adult-sized: perimeter {perimeter:.1f} mm, area {area:.0f} mm2")
        check("estimate from the hinges" in second["flags"],
              "and the panel says it is mostly an estimate from the hinges")
        check("HU" not in second["shown"]["lumen.mean_hu"].replace("not HU", ""),
              f"the MR's lumen value is not written as HU: {second['shown']['lumen.mean_hu']}")
        # The ostia were only proposed mid-sinus: the rehearsal shows their VTC but no risk light.
        valve = wait_report(valve_file, app, 120, lambda r: r["state"] in ("converged", "final"))
        for side in ("left", "right"):
            shown, light = valve[f"shown.coronary.{side}"], valve[f"light.coronary.{side}"]
            check("only proposed" in shown and light == "#9a9996",
                  f"the {side} coronary risk is not rated on a proposed ostium: {shown} ({light})")
    finally:
        app.quit()
    return 0


def run(case, binary, cli, shot_dir, workdir):
    if case == "measure-mr-seed":
        return run_mr_seed(binary, shot_dir, workdir)
    args = []
    truth = None
    if case == "measure-ct":
        shared = os.environ.get("CUSP_SHARED_DATA", "")
        path = os.path.join(shared, "ct-aortic-root", "ct-aortic-root.nii.gz")
        if not os.path.exists(path):
            log(f"skip: {path} is absent (CUSP_SHARED_DATA holds the real images)")
            return SKIP
        args = [path]
    elif case == "measure-demo":
        image = os.path.join(workdir, "demo.nii")
        truth_path = os.path.join(workdir, "truth.json")
        subprocess.run([cli, "phantom", "--out", image, "--truth", truth_path], check=True)
        os.unlink(image)
        with open(truth_path, encoding="utf-8") as f:
            truth = json.load(f)
    else:
        raise SystemExit(f"unknown case {case}")

    measure_file = os.path.join(workdir, "measure.json")
    os.environ["CUSP_TEST_MEASURE_FILE"] = measure_file
    app = App(binary, workdir, args)
    try:
        report = wait_measured(measure_file, app, 240)
        check(report["state"] == "measured", f"segmented and measured ({report['state']})")
        log("shown:", json.dumps(report["shown"], ensure_ascii=False))
        log(f"lumen {report['lumen_triangles']} triangles, calcium {report['calcium_triangles']}")
        shot = screenshot(workdir, shot_dir, f"ui-{case}")
        png = os.path.join(shot_dir, f"ui-{case}.png")
        scale = report.get("scale", 1)
        crop(png, box(report, "annulus_view", scale), os.path.join(shot_dir, f"ui-{case}-annulus.png"))
        crop(png, box(report, "view_3d", scale), os.path.join(shot_dir, f"ui-{case}-3d.png"))
        check(report["lumen_triangles"] > 1000, "the lumen surface was built")
        check_pixels(shot, report)
        if truth is not None:
            check_demo(report, truth)
            check_drag_and_undo(app, measure_file, report)
        else:
            check_adult(report)
    finally:
        app.quit()
    return 0


def main():
    if len(sys.argv) < 4:
        raise SystemExit("usage: ui-measure-test.py CASE APP CLI [SHOT_DIR]")
    case, binary, cli = sys.argv[1], sys.argv[2], sys.argv[3]
    shot_dir = sys.argv[4] if len(sys.argv) > 4 else os.getcwd()
    if not os.environ.get("DISPLAY"):
        log("skip: no X display; run under xvfb-run (build-aux/run-tests does)")
        return SKIP
    if os.environ.get("CUSP_UI_TEST_BUS") is None and ui.shutil.which("dbus-run-session"):
        env = dict(os.environ, CUSP_UI_TEST_BUS="1")
        return subprocess.run(["dbus-run-session", "--", sys.executable, *sys.argv], env=env).returncode
    os.makedirs(shot_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cusp-ui-measure-") as workdir:
        try:
            return run(case, binary, cli, shot_dir, workdir)
        except (AssertionError, RuntimeError, subprocess.CalledProcessError) as e:
            log("FAIL:", e)
            return 1


if __name__ == "__main__":
    sys.exit(main())
