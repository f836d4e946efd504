#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# ui-size-keys.py APP [SHOT_DIR]: trying sizes from the keyboard on the demo case, by real key
# presses (XTEST), as a heart team does at the big screen:
#   Alt+Shift+Up     the next labelled size up in the family (Evolut-class 29 -> 34); the solver
#                    answers for it
#   Ctrl+Z           one undo step puts the 29 back
#   Alt+Shift+Down   twice: 26, then 23; a third time at the family's smallest size stays at 23
#   Alt+R            the "Use Recommended Size" button's mnemonic: back to the recommended 29
import os
import sys

import cusp_ui

ui, measure, press = cusp_ui.ui, cusp_ui.measure, cusp_ui.press
log, check, screenshot, SKIP = ui.log, ui.check, ui.screenshot, ui.SKIP

ALT, SHIFT, CTRL = 0xffe9, 0xffe1, 0xffe3
UP, DOWN, KEY_Z, KEY_R = 0xff52, 0xff54, ord("z"), ord("r")


def run(binary, shot_dir, workdir):
    try:
        xtest = measure.XTest()
    except (OSError, FileNotFoundError) as e:
        log(f"skip: no XTEST ({e})")
        return SKIP
    valve_file = os.path.join(workdir, "valve.json")
    os.environ["CUSP_TEST_VALVE_FILE"] = valve_file
    app = cusp_ui.measured_demo(binary, workdir)

    def answer_for(device):
        return measure.wait_report(valve_file, app, 120,
                                   lambda r: r["device"] == device and r["state"] in ("converged", "final"))

    try:
        first = measure.wait_report(valve_file, app, 240, lambda r: r["state"] in ("converged", "final"))
        check(first["device"] == "evolut-class-29", f"the demo starts on the recommended size: {first['device']}")

        press(xtest, [ALT, SHIFT, UP])
        up = answer_for("evolut-class-34")
        check(up["rupture.area_oversizing_pct"] > first["rupture.area_oversizing_pct"],
              "Alt+Shift+Up: the solver answered for the next size up, 34, which oversizes more")
        screenshot(workdir, shot_dir, "ui-size-keys-34")

        press(xtest, [CTRL, KEY_Z])
        answer_for("evolut-class-29")
        log("ok: Ctrl+Z put the 29 back")

        press(xtest, [ALT, SHIFT, DOWN])
        answer_for("evolut-class-26")
        press(xtest, [ALT, SHIFT, DOWN])
        smallest = answer_for("evolut-class-23")
        press(xtest, [ALT, SHIFT, DOWN])
        # the key at the family's smallest size rings the bell and changes nothing: no new
        # answer for another device comes (a change would show within a few answers)
        try:
            other = measure.wait_report(valve_file, app, 5, lambda r: r["device"] != "evolut-class-23")
        except RuntimeError:
            other = None
        check(other is None, "Alt+Shift+Down at the smallest size keeps the 23")
        check(smallest["rupture.area_oversizing_pct"] < first["rupture.area_oversizing_pct"],
              "the smaller size oversizes this annulus less")

        press(xtest, [ALT, KEY_R])
        answer_for("evolut-class-29")
        log("ok: Alt+R took the recommended size again")
    finally:
        app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(cusp_ui.main(run, "ui-size-keys.py APP [SHOT_DIR]", 1, "cusp-ui-size-keys-"))
