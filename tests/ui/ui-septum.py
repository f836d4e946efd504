#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# ui-septum.py APP [SHOT_DIR]: the membranous septum length entered in the running app on the demo
# case (win.septum-length over D-Bus, as the valve panel's Measured check and spin button send it):
#   before    the conduction row says 8 mm is assumed (conduction.septum_measured false)
#   2.0 mm    the solver restarts with it: the answer uses 2 mm, its depth-minus-septum is the
#             implant depth minus 2, and the conduction light is not green (< 3 mm: 30 % pacemaker
#             band, Hokken 2021); the saved case keeps it
#   45 mm     refused in words; the answer keeps 2 mm
import json
import os
import sys

import cusp_ui

ui, measure, activate = cusp_ui.ui, cusp_ui.measure, cusp_ui.activate
log, check, screenshot, SKIP = ui.log, ui.check, ui.screenshot, ui.SKIP


AMBER, RED = "#e5a50a", "#e01b24"     # the valve panel's traffic lights


def final(report):
    return report["state"] in ("converged", "final")


def run(binary, shot_dir, workdir):
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        log("skip: no session bus (the septum is set over D-Bus)")
        return SKIP
    valve_file = os.path.join(workdir, "valve.json")
    os.environ["CUSP_TEST_VALVE_FILE"] = valve_file
    app = cusp_ui.measured_demo(binary, workdir)
    try:
        first = measure.wait_report(valve_file, app, 240, final)
        check(not first["conduction.septum_measured"] and first["conduction.septum_mm"] == 8.0,
              "before any entry the solver assumes an 8 mm septum")
        check("assumed" in first["shown.conduction"], f"and the conduction row says so: {first['shown.conduction']}")

        activate(app, "septum-length", "[<2.0>]")
        short = measure.wait_report(valve_file, app, 240,
                                    lambda r: final(r) and r["conduction.septum_measured"])
        check(short["conduction.septum_mm"] == 2.0, "the answer uses the measured 2 mm")
        check(abs(short["conduction.depth_minus_septum_mm"] - (short["implant_depth_mm"] - 2.0)) < 1e-6,
              f"depth minus septum = {short['implant_depth_mm']:.2f} - 2 mm")
        check(short["light.conduction"] in (AMBER, RED),
              f"a 2 mm septum lights the conduction row ({first['light.conduction']} -> {short['light.conduction']})")
        check("2.0 mm" in short["shown.conduction"], f"the row shows the measured length: {short['shown.conduction']}")
        screenshot(workdir, shot_dir, "ui-septum-2mm")

        case = os.path.join(workdir, "septum.cusp-case")
        activate(app, "save-case-to", "[<'" + case + "'>]")
        saved = app.wait_for({"case-saved", "error"}, 60)
        check(saved["state"] == "case-saved", "the case was saved")
        with open(case, encoding="utf-8") as f:
            check(json.load(f)["settings"]["membranous_septum_mm"] == 2.0, "the case keeps the septum length")

        activate(app, "septum-length", "[<45.0>]")
        refused = app.wait_for({"error"}, 60, previous=saved)
        check("between 0.5 and 30 mm" in refused["detail"], f"45 mm is refused in words: {refused['detail']}")
        with open(valve_file, encoding="utf-8") as f:
            check(json.load(f)["conduction.septum_mm"] == 2.0, "the answer keeps 2 mm")
    finally:
        app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(cusp_ui.main(run, "ui-septum.py APP [SHOT_DIR]", 1, "cusp-ui-septum-"))
