#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# ui-rehearse.py CASE APP [SHOT_DIR]: the rehearsal's valve panel in the real app, CASE 'demo' (the
# built-in phantom) or 'ct' ($CUSP_SHARED_DATA/ct-aortic-root/ct-aortic-root.nii.gz; skipped
# without it). The app segments on its own; the panel picks the recommended size and posts the
# default pose to the live solver. The panel writes what it shows to CUSP_TEST_VALVE_FILE after
# each solver snapshot; this script waits for the first final answer and checks the shown numbers
# are finite, the leak grade is a VARC-2 word and every light is one of the panel's colours; then
# it presses Alt+Down (a real key through XTEST: depth + 0.5 mm) and checks the next final answer
# is for the new depth and its implant depth followed it. Both times the 3D view must show the
# deployed frame: pixels of the valve's blue (seen through the translucent red lumen, so a blend)
# in the view's box. Prints the times to the first and the first final answer, and leaves
# screenshots (ui-rehearse*.png) to look at.
import importlib.util
import json
import math
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name, file_name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file_name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ui = load("ui_test", "ui-test.py")
measure = load("ui_measure_test", "ui-measure-test.py")
log, check, screenshot, App, SKIP = ui.log, ui.check, ui.screenshot, ui.App, ui.SKIP

GRADES = ("none_trace", "mild", "moderate", "severe")
LIGHTS = ("#2ec27e", "#e5a50a", "#e01b24", "#9a9996")
NUMBERS = ("pvl.regurgitant_volume_ml", "pvl.circumferential_extent_pct", "apposition_pct",
           "coronary.left.vtc_mm", "coronary.right.vtc_mm", "conduction.septal_pressure_pa",
           "implant_depth_mm", "rupture.area_oversizing_pct", "rupture.peak_areal_stretch")
ROWS = ("pvl", "apposition", "coronary.left", "coronary.right", "conduction", "rupture")


def alt(xtest, keysym):
    alt_key = xtest.x11.XKeysymToKeycode(xtest.display, 0xffe9)   # Alt_L
    key = xtest.x11.XKeysymToKeycode(xtest.display, keysym)
    for code, down in ((alt_key, 1), (key, 1), (key, 0), (alt_key, 0)):
        xtest.xtst.XTestFakeKeyEvent(xtest.display, code, down, 0)
    xtest._sync()


def valve_like(rgb):
    """The frame's blue (0.35, 0.75, 1.0), alone or behind the red lumen (alpha 0.55): blue
    far above what the lumen alone has (b < 0.6 r), on more than the dark background."""
    r, g, b = rgb
    return b > 90 and b > 0.8 * r and g > 0.35 * b


def check_valve_pixels(shot, measured, name):
    scale = measured.get("scale", 1)
    view3d = measure.box(measured, "view_3d", scale, 0.05)
    n = measure.count_pixels(shot, view3d, valve_like, step=1)
    log(f"{name}: {n} valve-coloured pixels in the 3D view")
    # without a frame the orientation axes and edges give about 500 such pixels (measured on the
    # measure test's 3D view of the same phantom); with it about 6000
    check(n > 2000, f"{name}: the 3D view draws the deployed frame")
    return n


def final(report):
    return report["state"] in ("converged", "final")


def check_shown(report):
    for key in NUMBERS:
        value = report[key]
        check(isinstance(value, (int, float)) and math.isfinite(value), f"{key} = {value} is finite")
    check(report["pvl.grade"] in GRADES, f"the leak grade '{report['pvl.grade']}' is a VARC-2 word")
    for row in ROWS:
        check(report[f"light.{row}"] in LIGHTS, f"the {row} light {report[f'light.{row}']} is a panel colour")
        check(report[f"shown.{row}"] not in ("", "—"), f"the {row} row shows '{report[f'shown.{row}']}'")
    check(report["device"] != "", f"a device is picked ({report['device']})")


def run(case, binary, shot_dir, workdir):
    args, name = [], "ui-rehearse"
    if case == "ct":
        path = os.path.join(os.environ.get("CUSP_SHARED_DATA", ""), "ct-aortic-root", "ct-aortic-root.nii.gz")
        if not os.path.exists(path):
            log(f"skip: {path} is absent (CUSP_SHARED_DATA holds the real images)")
            return SKIP
        args, name = [path], "ui-rehearse-ct"
    elif case != "demo":
        raise SystemExit(f"unknown case {case}")
    measure_file = os.path.join(workdir, "measure.json")
    valve_file = os.path.join(workdir, "valve.json")
    os.environ["CUSP_TEST_MEASURE_FILE"] = measure_file
    os.environ["CUSP_TEST_VALVE_FILE"] = valve_file
    app = App(binary, workdir, args)
    try:
        report = measure.wait_measured(measure_file, app, 240)
        check(report["state"] == "measured", f"segmented and measured ({report['state']})")
        first = measure.wait_report(valve_file, app, 180, final)
        log("first final answer:", json.dumps(first, ensure_ascii=False))
        log(f"time to the first answer {first['first_result_ms']:.0f} ms, to the first final "
            f"answer {first['first_final_ms']:.0f} ms ({first['iterations']} iterations, {first['state']})")
        check_shown(first)
        depth0 = first["pose.depth_mm"]
        check(first["frame_triangles"] > 0, f"the frame was built ({first['frame_triangles']} triangles)")
        shot = screenshot(workdir, shot_dir, name)
        png = os.path.join(shot_dir, name + ".png")
        measure.crop(png, measure.box(report, "view_3d", report.get("scale", 1)),
                     os.path.join(shot_dir, name + "-3d.png"))
        check_valve_pixels(shot, report, "first answer")

        xtest = measure.XTest()
        pressed = time.monotonic()
        alt(xtest, 0xff54)   # Down: 0.5 mm deeper
        moved = measure.wait_report(valve_file, app, 180,
                                    lambda r: final(r) and abs(r["pose.depth_mm"] - (depth0 + 0.5)) < 1e-6)
        log(f"after Alt+Down: depth {moved['pose.depth_mm']} mm, final answer "
            f"{(time.monotonic() - pressed) * 1000:.0f} ms after the key ({moved['iterations']} iterations, "
            f"{moved['state']}); implant depth {first['implant_depth_mm']:.2f} -> {moved['implant_depth_mm']:.2f} mm")
        check_shown(moved)
        check(moved["serial"] > first["serial"], "the answer is for a newer request")
        delta = moved["implant_depth_mm"] - first["implant_depth_mm"]
        check(0.2 < delta < 0.8, f"the implant depth followed the pose (+{delta:.2f} mm for +0.5 mm)")
        shot = screenshot(workdir, shot_dir, name + "-deeper")
        check_valve_pixels(shot, report, "deeper")
    finally:
        app.quit()
    return 0


def main():
    if len(sys.argv) < 3:
        raise SystemExit("usage: ui-rehearse.py CASE APP [SHOT_DIR]")
    case, binary = sys.argv[1], sys.argv[2]
    shot_dir = sys.argv[3] if len(sys.argv) > 3 else os.getcwd()
    if not os.environ.get("DISPLAY"):
        log("skip: no X display; run under xvfb-run (build-aux/run-tests does)")
        return SKIP
    if os.environ.get("CUSP_UI_TEST_BUS") is None and ui.shutil.which("dbus-run-session"):
        env = dict(os.environ, CUSP_UI_TEST_BUS="1")
        return subprocess.run(["dbus-run-session", "--", sys.executable, *sys.argv], env=env).returncode
    os.makedirs(shot_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cusp-ui-rehearse-") as workdir:
        try:
            return run(case, binary, shot_dir, workdir)
        except (AssertionError, RuntimeError, FileNotFoundError, subprocess.CalledProcessError) as e:
            log("FAIL:", e)
            return 1


if __name__ == "__main__":
    sys.exit(main())
