# SPDX-License-Identifier: GPL-3.0-or-later
"""What the UI test scripts share.

The scripts' own names have hyphens (ui-test.py, ui-measure-test.py), so they cannot be imported by
name; this module loads them once. A script run as `python3 tests/ui/ui-X.py` has its folder on
sys.path, so `import cusp_ui` finds this file.

- `load(name, path)`: a script as a module.
- `ui`, `measure`: ui-test.py (App, screenshots, checks) and ui-measure-test.py (XTest, reports).
- `press(xtest, keysyms)`: a key chord through XTEST.
- `activate(app, action, parameter)`: a window action over D-Bus (the app's own session bus).
- `measured_demo(binary, workdir)`: the app on the demo case, once it is segmented and measured.
- `main(run, usage, n_args, prefix)`: the common entry: skip without an X display, a private
  session bus, a temporary folder, and a failed check reported as one FAIL line (exit 1).
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ui = load("ui_test", "ui-test.py")
measure = load("ui_measure_test", "ui-measure-test.py")


def press(xtest, keysyms):
    """A chord: the keys pressed in order, released in reverse."""
    codes = [xtest.x11.XKeysymToKeycode(xtest.display, k) for k in keysyms]
    for code in codes:
        xtest.xtst.XTestFakeKeyEvent(xtest.display, code, 1, 0)
    for code in reversed(codes):
        xtest.xtst.XTestFakeKeyEvent(xtest.display, code, 0, 0)
    xtest._sync()


def activate(app, action, parameter="[]"):
    """Activates win.`action` of the app's first window; `parameter` in gdbus's notation, e.g.
    "[<600.0>]" or "[<'path'>]"."""
    subprocess.run(["gdbus", "call", "--session", "--dest", "io.github.cusp.Cusp",
                    "--object-path", "/io/github/cusp/Cusp/window/1",
                    "--method", "org.gtk.Actions.Activate", action, parameter, "{}"],
                   check=True, env=app.env, timeout=30, stdout=subprocess.DEVNULL)


def measured_demo(binary, workdir, timeout_s=240):
    """Starts the app on the demo case and waits until the case is segmented and measured (the
    views move to the root then, so a test acts on them as they stay). The app reports its
    measurements in workdir/measure.json (CUSP_TEST_MEASURE_FILE). The caller quits it."""
    measure_file = os.path.join(workdir, "measure.json")
    os.environ["CUSP_TEST_MEASURE_FILE"] = measure_file
    app = ui.App(binary, workdir, [])
    try:
        app.wait_for({"ready"}, timeout_s)
        report = measure.wait_measured(measure_file, app, timeout_s)
        ui.check(report["state"] == "measured", "the demo case segmented and measured")
    except BaseException:
        app.quit()
        raise
    return app


def main(run, usage, n_args, prefix):
    """sys.argv is ARG1..ARGn [SHOT_DIR]; calls run(ARG1, ..., ARGn, shot_dir, workdir) inside a
    private D-Bus session (so the app's single-instance logic meets no other test) and a temporary
    folder, and returns its exit status."""
    if len(sys.argv) < 1 + n_args:
        raise SystemExit("usage: " + usage)
    args = sys.argv[1:1 + n_args]
    shot_dir = sys.argv[1 + n_args] if len(sys.argv) > 1 + n_args else os.getcwd()
    if not os.environ.get("DISPLAY"):
        ui.log("skip: no X display; run under xvfb-run (build-aux/run-tests does)")
        return ui.SKIP
    if os.environ.get("CUSP_UI_TEST_BUS") is None and shutil.which("dbus-run-session"):
        env = dict(os.environ, CUSP_UI_TEST_BUS="1")
        return subprocess.run(["dbus-run-session", "--", sys.executable, *sys.argv], env=env).returncode
    os.makedirs(shot_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=prefix) as workdir:
        try:
            return run(*args, shot_dir, workdir)
        except (AssertionError, RuntimeError, OSError, subprocess.CalledProcessError) as e:
            ui.log("FAIL:", e)
            return 1
