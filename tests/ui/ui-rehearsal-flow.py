#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# ui-rehearsal-flow.py CASE APP SHOT_DIR: the whole rehearsal in the real app, driven through its
# window actions over D-Bus and real keys and pointer drags (XTEST), CASE 'demo' (the built-in
# phantom) or 'ct' ($CUSP_SHARED_DATA/ct-aortic-root; skipped without it):
#   open the study, segment (on open), drag the left hinge (a corrected landmark), pick another
#   size (win.valve-device), move the valve (win.valve-pose), wait for the converged answer, add a
#   plan from it, move again, add a second plan, Ctrl+Z / Shift+Ctrl+Z the move, compare, save,
#   reopen: the reopened case equals the saved one (plans with device, pose and result, the
#   landmarks) and the measurements equal those before saving; export the report: pdftoppm
#   renders every page, none is blank, and it holds the gap map, the measurements, the compared
#   plans and the risk table.
# Screenshots and the report's pages go to SHOT_DIR/rehearsal-flow-CASE/, emptied first, so a file
# left by an earlier run is never counted.
import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ui = load("ui_test", os.path.join(HERE, "ui-test.py"))
measure = load("ui_measure_test", os.path.join(HERE, "ui-measure-test.py"))
rehearse = load("ui_rehearse", os.path.join(HERE, "ui-rehearse.py"))
case_test = load("ui_case_test", os.path.join(HERE, "..", "case", "ui-case-test.py"))
log, check, screenshot, App, SKIP = ui.log, ui.check, ui.screenshot, ui.App, ui.SKIP
activate, gvariant_string, load_json = case_test.activate, case_test.gvariant_string, case_test.load_json

SOLVE_TIMEOUT_S = 240


def pose_tuple(depth, tilt, rotation):
    return f"<({depth:.6f}, {tilt:.6f}, {rotation:.6f})>"


def at_pose(report, pose, device=None):
    return (all(abs(report[f"pose.{k}"] - v) < 1e-6 for k, v in pose.items())
            and (device is None or report["device"] == device))


def final_at(pose, device=None):
    return lambda r: rehearse.final(r) and at_pose(r, pose, device)


def converged_at(app, valve_file, pose, device, strict):
    """The final answer to `pose`. On the demo it must have converged (the plan is added from it);
    on the real CT the solver may stop at its iteration cap, and Add Plan then simulates the pose
    with cusp-cli instead."""
    answer = measure.wait_report(valve_file, app, SOLVE_TIMEOUT_S, final_at(pose, device))
    message = f"{device} at {pose}: {answer['state']} answer, {answer['iterations']} iterations"
    if strict:
        check(answer["state"] == "converged", message)
    else:
        log(message)
    return answer


def other_size(device):
    """A neighbouring size of the same family: the next one down, else the next one up."""
    family, size = device.rsplit("-", 1)
    sizes = sorted(int(f.rsplit("-", 1)[1].split(".")[0])
                   for f in os.listdir(os.path.join(HERE, "..", "..", "data", "devices"))
                   if f.startswith(family + "-") and f.endswith(".device"))
    i = sizes.index(int(size))
    return f"{family}-{sizes[i - 1] if i > 0 else sizes[i + 1]}"


def ctrl_shift(xtest, keysym):
    control = xtest.x11.XKeysymToKeycode(xtest.display, 0xffe3)
    shift = xtest.x11.XKeysymToKeycode(xtest.display, 0xffe1)
    key = xtest.x11.XKeysymToKeycode(xtest.display, keysym)
    for code, down in ((control, 1), (shift, 1), (key, 1), (key, 0), (shift, 0), (control, 0)):
        xtest.xtst.XTestFakeKeyEvent(xtest.display, code, down, 0)
    xtest._sync()


def drag_left_hinge(app, xtest, measure_file, report):
    """A real pointer drag of the left hinge in the annulus view; the measurements it leaves."""
    scale = report.get("scale", 1)
    hinge = [h for h in report["handles"] if h["name"] == "left hinge"][0]
    x0, y0 = int(hinge["x"] * scale), int(hinge["y"] * scale)
    xtest.drag(x0, y0, x0 + 12 * scale, y0 + 6 * scale)
    moved = measure.wait_report(measure_file, app, 60, lambda r: r["can_undo"])
    changed = [k for k in report["values"]
               if k in moved["values"] and abs(moved["values"][k] - report["values"][k]) > 1e-6]
    check("sov.left_diameter_mm" in changed, f"the hinge drag re-measured the root ({', '.join(changed)})")
    return moved


def wait_plans(app, state, n_plans, answer):
    """Add Plan's report; a converged answer on screen must have been taken as the result."""
    state = app.wait_for({"plans-ready", "error"}, SOLVE_TIMEOUT_S * 2, state)
    check(state["state"] == "plans-ready", f"plan {n_plans} was added ({state['detail']})")
    n_live = int(state["detail"].split(", ")[2].split()[0])
    if answer["state"] == "converged":
        check(n_live == n_plans, f"plan {n_plans} is the live answer ({state['detail']})")
    return state, n_live


def check_pages(workdir, out_dir, pdf, n_pages):
    pages_dir = os.path.join(workdir, "pages")
    os.makedirs(pages_dir)
    subprocess.run(["pdftoppm", "-png", "-r", "60", pdf, os.path.join(pages_dir, "page")], check=True)
    pages = sorted(f for f in os.listdir(pages_dir) if f.endswith(".png"))
    check(len(pages) == n_pages, f"pdftoppm rendered all {n_pages} pages ({len(pages)} files)")
    for page in pages:
        shutil.copy(os.path.join(pages_dir, page), os.path.join(out_dir, "report-" + page))
        m, s = case_test.png_stats(workdir, os.path.join(pages_dir, page), page)
        check(s > 10.0, f"{page} is not blank (grey mean {m:.0f}, spread {s:.1f})")


def run(case, binary, out_dir, workdir):
    args, strict = [], case == "demo"
    if case == "ct":
        path = os.path.join(os.environ.get("CUSP_SHARED_DATA", ""), "ct-aortic-root", "ct-aortic-root.nii.gz")
        if not os.path.exists(path):
            log(f"skip: {path} is absent (CUSP_SHARED_DATA holds the real images)")
            return SKIP
        args = [path]
    measure_file = os.path.join(workdir, "measure.json")
    valve_file = os.path.join(workdir, "valve.json")
    os.environ["CUSP_TEST_MEASURE_FILE"] = measure_file
    os.environ["CUSP_TEST_VALVE_FILE"] = valve_file
    app = App(binary, workdir, args)
    try:
        state = app.wait_for({"ready"}, 240)
        report = measure.wait_measured(measure_file, app, 300)
        check(report["state"] == "measured", f"segmented and measured ({report['state']})")
        first = measure.wait_report(valve_file, app, SOLVE_TIMEOUT_S, rehearse.final)
        log(f"first answer: {first['device']} at depth {first['pose.depth_mm']} mm, {first['state']}")
        xtest = measure.XTest()

        corrected = drag_left_hinge(app, xtest, measure_file, report)

        device = other_size(first["device"])
        activate(app, "valve-device", gvariant_string(device))
        pose1 = {"depth_mm": 4.0, "tilt_deg": 1.0, "rotation_deg": 15.0}
        activate(app, "valve-pose", pose_tuple(4.0, 1.0, 15.0))
        t0 = time.monotonic()
        answer1 = converged_at(app, valve_file, pose1, device, strict)
        log(f"{device} at {pose1}: {answer1['state']} answer {time.monotonic() - t0:.1f} s after the move, "
            f"PVL {answer1['pvl.grade']}, apposition {answer1['apposition_pct']:.1f} %")
        rehearse.check_shown(answer1)
        activate(app, "add-plan")
        state, _ = wait_plans(app, state, 1, answer1)

        pose2 = {"depth_mm": 2.0, "tilt_deg": 0.0, "rotation_deg": 0.0}
        activate(app, "valve-pose", pose_tuple(2.0, 0.0, 0.0))
        answer2 = converged_at(app, valve_file, pose2, device, strict)
        shot = screenshot(workdir, out_dir, "flow-valve")
        measure.crop(os.path.join(out_dir, "flow-valve.png"),
                     measure.box(corrected, "view_3d", corrected.get("scale", 1)),
                     os.path.join(out_dir, "flow-valve-3d.png"))
        rehearse.check_valve_pixels(shot, corrected, "second pose")
        # The contact-pressure colouring of the wall is checked once it is drawn in the 3D view
        # (render/cusp-volume-view.c); it was not yet when this test was written.
        activate(app, "add-plan")
        state, n_live = wait_plans(app, state, 2, answer2)

        # The deployed frame as a surface: a binary STL whose header count is the app's triangles.
        frame_stl = os.path.join(workdir, "valve-frame.stl")
        activate(app, "export-valve-to", gvariant_string(frame_stl))
        state = app.wait_for({"valve-exported", "error"}, 30, state)
        check(state["state"] == "valve-exported", f"the valve frame was exported ({state['detail']})")
        with open(frame_stl, "rb") as f:
            blob = f.read()
        n_stl = int.from_bytes(blob[80:84], "little")
        check(n_stl == int(state["detail"].split()[0]) and n_stl > 1000
              and len(blob) == 84 + 50 * n_stl,
              f"the frame STL holds the drawn frame ({n_stl} triangles, {len(blob)} bytes)")

        # One history: Ctrl+Z takes the valve back to the first pose, Shift+Ctrl+Z forward again.
        xtest.ctrl(ord("z"))
        measure.wait_report(valve_file, app, SOLVE_TIMEOUT_S, lambda r: at_pose(r, pose1, device))
        log("Ctrl+Z: the valve is back at", pose1)
        ctrl_shift(xtest, ord("Z"))
        measure.wait_report(valve_file, app, SOLVE_TIMEOUT_S, final_at(pose2, device))
        log("Shift+Ctrl+Z: the valve is at", pose2, "again")

        activate(app, "compare-plans")
        state = app.wait_for({"compared"}, 30, state)
        check(state["detail"] == "2 plans compared", "two plans are compared")
        shot = screenshot(workdir, out_dir, "flow-compare")
        check(ui.mean(shot.grey_region(20, 60, 300, 300)) > 150, "the comparison table is on screen")

        saved = os.path.join(workdir, "flow.cusp-case")
        activate(app, "save-case-to", gvariant_string(saved))
        state = app.wait_for({"case-saved", "error"}, 30, state)
        check(state["state"] == "case-saved", "the case was saved")
        case = load_json(saved)
        plans = case["plans"]
        check(len(plans) == 2 and all(p["device_id"] == device for p in plans), f"two plans of {device}")
        check(plans[0]["pose"] == pose1 and plans[1]["pose"] == pose2, "each plan keeps its pose")
        for p, answer in zip(plans, (answer1, answer2)):
            r = p["result"]
            if answer["state"] != "converged":
                check(r is not None and "pvl.grade" in r,
                      f"{p['name']} was simulated by cusp-cli: PVL {r.get('pvl.grade')}, converged "
                      f"{r.get('solve.converged')}")
                continue
            check(r is not None and r["pvl.grade"] == answer["pvl.grade"]
                  and math.isclose(r["sealing.apposition_pct"], answer["apposition_pct"], rel_tol=1e-9)
                  and math.isclose(r["implant.depth_mm"], answer["implant_depth_mm"], rel_tol=1e-9),
                  f"{p['name']} carries the answer shown for its pose: PVL {r['pvl.grade']}, "
                  f"apposition {r['sealing.apposition_pct']:.1f} %, oversizing "
                  f"{r['rupture.area_oversizing_pct']:.1f} %, converged {r['solve.converged']}")
        check(case["landmarks"] is not None, "the corrected landmarks are in the case")

        # Both reports start afresh: a wait below must see the reopened case's answers, not the
        # ones written before it (on the real CT the stale answer made the report race the solver).
        os.remove(measure_file)
        if os.path.exists(valve_file):
            os.remove(valve_file)
        activate(app, "open-case-from", gvariant_string(saved))
        state = app.wait_for({"case-opened", "error"}, 120, state)
        check(state["state"] == "case-opened", "the saved case was reopened")
        reopened = measure.wait_measured(measure_file, app, 300)
        differ = [k for k in corrected["values"]
                  if abs(reopened["values"].get(k, float("nan")) - corrected["values"][k]) > 1e-9]
        check(not differ, f"the reopened case measures as saved (differ: {', '.join(differ) or 'none'})")
        again = os.path.join(workdir, "again.cusp-case")
        activate(app, "save-case-to", gvariant_string(again))
        state = app.wait_for({"case-saved", "error"}, 30, state)
        check(load_json(again) == case, "the reopened case equals the saved one")

        measure.wait_report(valve_file, app, SOLVE_TIMEOUT_S, final_at(pose2, device))
        pdf = os.path.join(workdir, "report.pdf")
        activate(app, "export-report-to", gvariant_string(pdf))
        state = app.wait_for({"report-written", "error"}, 60, state)
        check(state["state"] == "report-written", f"the report was written ({state['detail']})")
        shutil.copy(pdf, os.path.join(out_dir, "report.pdf"))
        check_pages(workdir, out_dir, pdf, int(state["detail"].split()[0]))
        text = subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True,
                              capture_output=True, text=True).stdout
        for words in ("Gap map", "annulus.perimeter_mm", "Compared plans", "Risk table", "Not a diagnosis"):
            check(words in text, f"the report has '{words}'")
    finally:
        app.quit()
    return 0


def main():
    if len(sys.argv) < 4:
        raise SystemExit("usage: ui-rehearsal-flow.py CASE APP SHOT_DIR")
    case, binary, shot_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    if case not in ("demo", "ct"):
        raise SystemExit(f"unknown case {case}")
    if not os.environ.get("DISPLAY"):
        log("skip: no X display; run under xvfb-run (build-aux/run-tests does)")
        return SKIP
    for tool in ("import", "convert", "gdbus", "pdftoppm", "pdftotext", "dbus-run-session"):
        if shutil.which(tool) is None:
            log(f"skip: {tool} is not installed")
            return SKIP
    if os.environ.get("CUSP_UI_TEST_BUS") is None:
        env = dict(os.environ, CUSP_UI_TEST_BUS="1")
        return subprocess.run(["dbus-run-session", "--", sys.executable, *sys.argv], env=env).returncode
    out_dir = os.path.join(shot_dir, f"rehearsal-flow-{case}")
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    with tempfile.TemporaryDirectory(prefix="cusp-flow-") as workdir:
        try:
            return run(case, binary, out_dir, workdir)
        except (AssertionError, RuntimeError, FileNotFoundError, subprocess.CalledProcessError) as e:
            log("FAIL:", e)
            return 1


if __name__ == "__main__":
    sys.exit(main())
