#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# ui-calcium-threshold.py APP [SHOT_DIR]: the calcium threshold set in the running app on the demo
# case (win.calcium-threshold over D-Bus, as the measurement panel's Auto check and spin button
# send it):
#   600 HU    the root is segmented again with it: calcium.threshold_hu reads 600 and the calcium
#             volume grows (more of each nodule's blurred rim is above 600 than above the automatic
#             850 HU); the saved case keeps it (settings.calcium_threshold_hu)
#   50 HU     refused in words (outside 130-3000 HU); nothing is segmented again
#   0 (Auto)  back to the automatic rule: the first threshold and volume again
import json
import os
import sys

import cusp_ui

ui, measure, activate = cusp_ui.ui, cusp_ui.measure, cusp_ui.activate
log, check, screenshot, SKIP = ui.log, ui.check, ui.screenshot, ui.SKIP


def run(binary, shot_dir, workdir):
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        log("skip: no session bus (the threshold is set over D-Bus)")
        return SKIP
    measure_file = os.path.join(workdir, "measure.json")
    app = cusp_ui.measured_demo(binary, workdir)
    try:
        first = measure.wait_measured(measure_file, app, 60)
        auto_hu, auto_mm3 = first["values"]["calcium.threshold_hu"], first["values"]["calcium.total_mm3"]
        check(auto_hu in (450.0, 850.0), f"the automatic rule chose {auto_hu:.0f} HU")
        check(auto_mm3 > 0.0, f"the demo's calcium: {auto_mm3:.1f} mm3")

        activate(app, "calcium-threshold", "[<600.0>]")
        lower = measure.wait_report(measure_file, app, 240,
                                    lambda r: r["runs"] == first["runs"] + 1 and r["state"] == "measured")
        check(lower["values"]["calcium.threshold_hu"] == 600.0, "segmented again at 600 HU")
        check(lower["values"]["calcium.total_mm3"] > auto_mm3,
              f"a lower threshold labels more calcium ({lower['values']['calcium.total_mm3']:.1f} > {auto_mm3:.1f} mm3)")
        screenshot(workdir, shot_dir, "ui-calcium-threshold-600")
        case = os.path.join(workdir, "threshold.cusp-case")
        activate(app, "save-case-to", "[<'" + case + "'>]")
        ui_state = app.wait_for({"case-saved", "error"}, 60)
        check(ui_state["state"] == "case-saved", "the case was saved")
        with open(case, encoding="utf-8") as f:
            saved = json.load(f)
        check(saved["settings"]["calcium_threshold_hu"] == 600.0, "the case keeps the threshold")

        activate(app, "calcium-threshold", "[<50.0>]")
        refused = measure.wait_report(measure_file, app, 60, lambda r: r["state"] == "calcium-refused")
        check("130" in refused["status"] and "50 HU" in refused["status"],
              f"an impossible threshold is refused in words: {refused['status']}")
        check(refused["runs"] == lower["runs"], "and nothing is segmented again")

        activate(app, "calcium-threshold", "[<0.0>]")
        back = measure.wait_report(measure_file, app, 240,
                                   lambda r: r["runs"] == lower["runs"] + 1 and r["state"] == "measured")
        check(back["values"]["calcium.threshold_hu"] == auto_hu
              and abs(back["values"]["calcium.total_mm3"] - auto_mm3) < 1e-6,
              "Auto brings the automatic threshold and its volume back")
    finally:
        app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(cusp_ui.main(run, "ui-calcium-threshold.py APP [SHOT_DIR]", 1, "cusp-ui-calcium-"))
