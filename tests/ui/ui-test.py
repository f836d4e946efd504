#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# ui-test.py CASE APP [SHOT_DIR]: starts the real app under the test's X server, waits until it
# reports what it shows (CUSP_TEST_READY_FILE), takes a screenshot of the root window with
# ImageMagick's `import`, checks the rendered pixels and quits the app with SIGTERM, which must
# end it cleanly (exit status 0).
#
# CASE is one of
#   demo         no path: the built-in phantom; three slice views show image content that differs
#   ct           $CUSP_SHARED_DATA/ct-aortic-root/ct-aortic-root.nii.gz, the same checks, and the
#                study is added to the recent studies
#   orientation  a NIfTI written here whose values encode the patient direction (brighter toward
#                Left, Anterior, Superior) stored with a permuted, flipped voxel order: every view
#                must show it the radiological way up (axial R|L A/P, coronal R|L S/I, sagittal
#                A|P S/I)
#   series-picker  a folder holding the real MR and CT series: the app asks which one to open
#   reader-crashes  the demo case, then the eight real DICOM files that kill ITK/GDCM, each
#                handed to the running app: each is reported in words, the app and the demo stay
#   dialogs      About, Preferences and the shortcuts window open (through the app's D-Bus
#                actions) over the demo case without harm
#   broken       a truncated .nii: the app shows an error and keeps running
#   keep-study   the demo case first, then a text file named .nii opened into the same window
#                through a second `cusp PATH` (D-Bus activation): the error is shown and the demo
#                stays
# Screenshots are kept in SHOT_DIR (default: the current directory) for people to look at.
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77


def log(*args):
    print(*args, flush=True)


# ---------------------------------------------------------------- images

def read_ppm(path):
    """Binary PPM (P6, maxval 255) -> (width, height, bytes)."""
    with open(path, "rb") as f:
        data = f.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise RuntimeError(f"{path}: not an 8-bit binary PPM")
    return int(fields[1]), int(fields[2]), data[pos:]


class Shot:
    def __init__(self, path):
        self.width, self.height, self.pixels = read_ppm(path)

    def rgb(self, x, y):
        i = 3 * (y * self.width + x)
        return self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]

    def grey_region(self, x0, y0, x1, y1, step=2):
        """Grey levels of the pixels in [x0, x1) x [y0, y1), every `step` pixels."""
        values = []
        for y in range(max(0, y0), min(self.height, y1), step):
            for x in range(max(0, x0), min(self.width, x1), step):
                r, g, b = self.rgb(x, y)
                values.append((r + g + b) / 3.0)
        return values


def mean(values):
    return sum(values) / len(values) if values else 0.0


def stddev(values):
    m = mean(values)
    return (sum((v - m) ** 2 for v in values) / len(values)) ** 0.5 if values else 0.0


# ---------------------------------------------------------------- test volumes

def write_nifti(path, dims, spacing, srow, values):
    """A NIfTI-1 single file (int16) whose sform maps voxel indices to RAS millimetres."""
    header = bytearray(348)
    struct.pack_into("<i", header, 0, 348)
    struct.pack_into("<c", header, 38, b"r")
    struct.pack_into("<8h", header, 40, 3, dims[0], dims[1], dims[2], 1, 1, 1, 1)
    struct.pack_into("<hh", header, 70, 4, 16)                       # datatype int16, bitpix
    struct.pack_into("<8f", header, 76, 1.0, spacing[0], spacing[1], spacing[2], 1, 1, 1, 1)
    struct.pack_into("<f", header, 108, 352.0)                       # vox_offset
    struct.pack_into("<ff", header, 112, 1.0, 0.0)                   # scl_slope, scl_inter
    struct.pack_into("<B", header, 123, 2)                           # xyzt_units: mm
    struct.pack_into("<hh", header, 252, 0, 1)                       # qform_code, sform_code
    struct.pack_into("<12f", header, 280, *srow[0], *srow[1], *srow[2])
    header[344:348] = b"n+1\0"
    with open(path, "wb") as f:
        f.write(header)
        f.write(b"\0\0\0\0")
        f.write(struct.pack(f"<{len(values)}h", *values))


def write_orientation_volume(path):
    """Value = 100 + 1000 [patient Left half] + 500 [Anterior half] + 250 [Superior half].

    Voxel axes are permuted and flipped against the patient axes (i -> Superior, j -> Left,
    k -> Anterior, all in RAS terms below) so that only a viewer that maps through the direction
    matrix shows it the right way up."""
    dims = (56, 48, 40)                  # i (S), j (L), k (A)
    s = 2.0
    # RAS = srow * (i, j, k, 1). Left is -x in RAS, Anterior +y, Superior +z.
    srow = ((0.0, -s, 0.0, 40.0),
            (0.0, 0.0, s, -30.0),
            (s, 0.0, 0.0, -50.0))
    values = []
    for k in range(dims[2]):
        for j in range(dims[1]):
            for i in range(dims[0]):
                left = j >= dims[1] // 2
                anterior = k >= dims[2] // 2
                superior = i >= dims[0] // 2
                values.append(100 + 1000 * left + 500 * anterior + 250 * superior)
    write_nifti(path, dims, (s, s, s), srow, values)


def write_truncated_nifti(path):
    """A valid header promising 64^3 voxels followed by only 1000 bytes of them, as an
    interrupted copy leaves a file."""
    full = os.path.join(os.path.dirname(path), "full.nii")
    write_nifti(full, (64, 64, 64), (1.0, 1.0, 1.0),
                ((-1, 0, 0, 0), (0, -1, 0, 0), (0, 0, 1, 0)),
                [(i * 7) % 1000 for i in range(64 * 64 * 64)])
    with open(full, "rb") as f:
        data = f.read(352 + 1000)
    os.unlink(full)
    with open(path, "wb") as f:
        f.write(data)


def write_garbage_nifti(path):
    """Text with a .nii name."""
    with open(path, "w", encoding="ascii") as f:
        f.write("this is not an image, just text with the wrong name\n" * 20)


# ---------------------------------------------------------------- the app

class App:
    def __init__(self, binary, workdir, args):
        self.workdir = workdir
        self.ready_file = os.path.join(workdir, "ready.json")
        env = dict(os.environ)
        env["CUSP_TEST_READY_FILE"] = self.ready_file
        # Recent files and caches go to the test's folder, not the user's.
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env[var] = os.path.join(workdir, var.lower())
        self.env = env
        self.binary = binary
        log("starting", binary, *args)
        self.proc = subprocess.Popen([binary, *args], env=env)

    def state(self):
        try:
            with open(self.ready_file, encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def wait_for(self, states, timeout_s, previous=None):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app exited with status {self.proc.returncode} "
                                   "before reporting")
            st = self.state()
            if st is not None and st["state"] in states and st != previous:
                return st
            time.sleep(0.1)
        raise RuntimeError(f"the app did not report {states} within {timeout_s} s "
                           f"(last report: {self.state()})")

    def quit(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            status = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise RuntimeError("the app did not quit within 20 s of SIGTERM")
        if status != 0:
            raise RuntimeError(f"the app exited with status {status} on SIGTERM")
        log("the app quit cleanly")


def screenshot(workdir, shot_dir, name):
    ppm = os.path.join(workdir, name + ".ppm")
    # Give the X server a moment to take the last frame in.
    time.sleep(0.5)
    subprocess.run(["import", "-window", "root", "-depth", "8", ppm], check=True)
    png = os.path.join(shot_dir, name + ".png")
    subprocess.run(["convert", ppm, png], check=True)
    log("screenshot:", png)
    return Shot(ppm)


def view_boxes(state):
    """View name -> (x0, y0, x1, y1) in screenshot pixels, 8% inset to keep off the borders.

    The window sits at the root window's origin: Xvfb has no window manager to move it, and
    without a compositor GTK draws no shadow around it."""
    scale = state.get("scale", 1)
    boxes = {}
    for v in state["views"]:
        x0, y0 = v["x"] * scale, v["y"] * scale
        w, h = v["width"] * scale, v["height"] * scale
        boxes[v["name"]] = (int(x0 + 0.08 * w), int(y0 + 0.08 * h),
                            int(x0 + 0.92 * w), int(y0 + 0.92 * h))
    return boxes


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    log("ok:", message)


def check_views_show_content(shot, state):
    boxes = view_boxes(state)
    for name in ("axial", "coronal", "sagittal"):
        check(name in boxes, f"the {name} view is on screen")
    samples = {}
    for name in ("axial", "coronal", "sagittal"):
        x0, y0, x1, y1 = boxes[name]
        values = shot.grey_region(x0, y0, x1, y1)
        sd = stddev(values)
        bright = sum(1 for v in values if v > 40) / len(values)
        log(f"{name}: box {boxes[name]}, mean {mean(values):.1f}, sd {sd:.1f}, "
            f"{100 * bright:.0f}% of pixels above grey 40")
        check(sd > 8.0, f"the {name} view is not uniform (grey sd {sd:.1f} > 8)")
        check(bright > 0.05, f"the {name} view shows image content (>5% of pixels lit)")
        # A coarse 24x24 thumbnail of each view, to compare the views with each other.
        thumb = []
        for ty in range(24):
            for tx in range(24):
                x = x0 + (x1 - x0) * (tx + 0.5) / 24
                y = y0 + (y1 - y0) * (ty + 0.5) / 24
                r, g, b = shot.rgb(int(x), int(y))
                thumb.append((r + g + b) / 3.0)
        samples[name] = thumb
    names = list(samples)
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            diff = mean([abs(p - q) for p, q in zip(samples[names[a]], samples[names[b]])])
            check(diff > 5.0, f"the {names[a]} and {names[b]} views differ "
                              f"(mean thumbnail difference {diff:.1f} > 5)")


def half_means(shot, box):
    """Mean grey of the left, right, top and bottom halves, leaving out a band around the
    centre lines where the crosshair runs."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    bx, by = (x1 - x0) // 10, (y1 - y0) // 10
    return (mean(shot.grey_region(x0, y0, cx - bx, y1)),
            mean(shot.grey_region(cx + bx, y0, x1, y1)),
            mean(shot.grey_region(x0, y0, x1, cy - by)),
            mean(shot.grey_region(x0, cy + by, x1, y1)))


def check_orientation(shot, state):
    boxes = view_boxes(state)
    # (screen left, screen right, top, bottom) patient directions; brighter toward L, A, S.
    expected = {
        "axial": ("R", "L", "A", "P"),
        "coronal": ("R", "L", "S", "I"),
        "sagittal": ("A", "P", "S", "I"),
    }
    brighter = {"L", "A", "S"}
    for name, (left, right, top, bottom) in expected.items():
        lm, rm, tm, bm = half_means(shot, boxes[name])
        log(f"{name}: left {lm:.1f} right {rm:.1f} top {tm:.1f} bottom {bm:.1f}")
        if right in brighter:
            check(rm > lm + 10, f"{name}: patient {right} is on screen right ({rm:.0f} > {lm:.0f})")
        else:
            check(lm > rm + 10, f"{name}: patient {left} is on screen left ({lm:.0f} > {rm:.0f})")
        if top in brighter:
            check(tm > bm + 10, f"{name}: patient {top} is at the top ({tm:.0f} > {bm:.0f})")
        else:
            check(bm > tm + 10, f"{name}: patient {bottom} is at the bottom ({bm:.0f} > {tm:.0f})")


def check_recent(app, path):
    """An opened study is remembered in GtkRecentManager's list (written asynchronously)."""
    xbel = os.path.join(app.env["XDG_DATA_HOME"], "recently-used.xbel")
    uri_tail = os.path.basename(path)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if os.path.exists(xbel):
            with open(xbel, encoding="utf-8") as f:
                text = f.read()
            if uri_tail in text and "Cusp" in text:
                break
        time.sleep(0.2)
    else:
        raise AssertionError(f"{path} was not added to the recent studies ({xbel})")
    log("ok: the study was added to the recent studies")


# The real files that kill an in-process ITK 5.2 / GDCM reader (SIGSEGV or SIGABRT), from
# dicom-robustness/itk-5.2.1-read-results.txt.
READER_KILLERS = [
    "orthanc_tests/2026-05-06-Deeply-Nested-Sequence.dcm",
    "orthanc_tests/2026-05-26-oob-monochrome-46341.dcm",
    "orthanc_tests/2026-05-26-oob-monochrome-65535.dcm",
    "pydicom_data_github/liver_j2k.dcm",
    "pydicom_data_github/liver_rle.dcm",
    "pydicom_debian_test_files/rtdose_1frame.dcm",
    "pydicom_debian_test_files/rtdose_expb_1frame.dcm",
    "pydicom_debian_test_files/rtdose_rle_1frame.dcm",
]

# ---------------------------------------------------------------- cases

def run(case, binary, shot_dir, workdir):
    ready_timeout_s = 240
    if case in ("demo", "ct", "orientation"):
        args = []
        if case == "ct":
            shared = os.environ.get("CUSP_SHARED_DATA", "")
            path = os.path.join(shared, "ct-aortic-root", "ct-aortic-root.nii.gz")
            if not os.path.exists(path):
                log(f"skip: {path} is absent (CUSP_SHARED_DATA holds the real images)")
                return SKIP
            args = [path]
        elif case == "orientation":
            path = os.path.join(workdir, "orientation.nii")
            write_orientation_volume(path)
            args = [path]
        app = App(binary, workdir, args)
        try:
            state = app.wait_for({"ready", "error"}, ready_timeout_s)
            check(state["state"] == "ready", f"the study loaded ({state['detail']})")
            shot = screenshot(workdir, shot_dir, f"ui-{case}")
            check_views_show_content(shot, state)
            if case == "orientation":
                check(state["warnings"] >= 1, "the warning about values that are not HU is shown")
                check_orientation(shot, state)
            if case == "ct":
                check_recent(app, args[0])
        finally:
            app.quit()
        return 0

    if case == "series-picker":
        shared = os.environ.get("CUSP_SHARED_DATA", "")
        series = [os.path.join(shared, "mr-cardiac-dicom"), os.path.join(shared, "ct-abdomen-j2k-dicom")]
        if not all(os.path.isdir(p) for p in series):
            log(f"skip: {series} are absent (CUSP_SHARED_DATA holds the real images)")
            return SKIP
        folder = os.path.join(workdir, "two-series")
        os.makedirs(folder)
        for p in series:
            os.symlink(p, os.path.join(folder, os.path.basename(p)))
        app = App(binary, workdir, [folder])
        try:
            state = app.wait_for({"choose-series", "ready", "error"}, ready_timeout_s)
            check(state["state"] == "choose-series",
                  f"a folder with two series asks which to open ({state['state']})")
            check(state["detail"] == "2", f"the picker lists both series ({state['detail']})")
            screenshot(workdir, shot_dir, "ui-series-picker")
            check(app.proc.poll() is None, "the app waits for the choice")
        finally:
            app.quit()
        return 0

    if case == "reader-crashes":
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            log("skip: no D-Bus session bus, so a second `cusp PATH` cannot reach the first")
            return SKIP
        root = os.path.join(os.environ.get("CUSP_SHARED_DATA", ""), "dicom-robustness")
        files = [os.path.join(root, f) for f in READER_KILLERS]
        if not all(os.path.exists(f) for f in files):
            log(f"skip: {root} is absent (CUSP_SHARED_DATA holds the real images)")
            return SKIP
        app = App(binary, workdir, [])
        try:
            state = app.wait_for({"ready"}, ready_timeout_s)
            demo = state["study"]
            for path in files:
                subprocess.run([binary, path], env=app.env, timeout=60, check=True)
                state = app.wait_for({"error", "ready"}, ready_timeout_s, previous=state)
                check(state["state"] == "error" and os.path.basename(path) in state["detail"],
                      f"{os.path.basename(path)} is reported in words: {state['detail'][:160]}")
                check(app.proc.poll() is None, "the app keeps running")
            check(state["study"] == demo, "the demo case is still open after all of them")
            shot = screenshot(workdir, shot_dir, "ui-reader-crashes")
            check_views_show_content(shot, state)
        finally:
            app.quit()
        return 0

    if case == "dialogs":
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") or shutil.which("gdbus") is None:
            log("skip: the dialogs are opened through the app's D-Bus actions; no bus or no gdbus")
            return SKIP
        app = App(binary, workdir, [])
        try:
            app.wait_for({"ready"}, ready_timeout_s)
            # About and Preferences are app actions, the shortcuts window a window action; all
            # three are exported on the session bus by GApplication / GtkApplicationWindow.
            for path, action in (("/io/github/cusp/Cusp", "about"),
                                 ("/io/github/cusp/Cusp", "preferences"),
                                 ("/io/github/cusp/Cusp/window/1", "show-help-overlay")):
                subprocess.run(["gdbus", "call", "--session", "--dest", "io.github.cusp.Cusp",
                                "--object-path", path, "--method", "org.gtk.Actions.Activate",
                                action, "[]", "{}"], check=True, env=app.env, timeout=30,
                               stdout=subprocess.DEVNULL)
                time.sleep(1.0)
                check(app.proc.poll() is None, f"the app runs with its {action} window open")
            shot = screenshot(workdir, shot_dir, "ui-dialogs")
            # The shortcuts window (last opened, on top at the root's origin) is light where the
            # axial view was dark.
            corner = shot.grey_region(20, 60, 300, 300)
            check(mean(corner) > 150, f"a light dialog covers the top-left corner ({mean(corner):.0f})")
        finally:
            app.quit()
        return 0

    if case == "broken":
        path = os.path.join(workdir, "truncated.nii")
        write_truncated_nifti(path)
        app = App(binary, workdir, [path])
        try:
            state = app.wait_for({"ready", "error"}, ready_timeout_s)
            check(state["state"] == "error", f"a truncated file is reported: {state['detail']}")
            check(len(state["detail"]) > 20, "the error message says what went wrong in words")
            screenshot(workdir, shot_dir, "ui-broken")
            time.sleep(1.0)
            check(app.proc.poll() is None, "the app keeps running after the error")
        finally:
            app.quit()
        return 0

    if case == "keep-study":
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            log("skip: no D-Bus session bus, so a second `cusp PATH` cannot reach the first")
            return SKIP
        path = os.path.join(workdir, "not-an-image.nii")
        write_garbage_nifti(path)
        app = App(binary, workdir, [])
        try:
            ready = app.wait_for({"ready"}, ready_timeout_s)
            second = subprocess.run([binary, path], env=app.env, timeout=60)
            check(second.returncode == 0, "a second `cusp PATH` hands the file to the running app")
            state = app.wait_for({"error"}, ready_timeout_s, previous=ready)
            check(state["study"] == ready["study"],
                  f"the demo case is still open after the failed load ({state['study']})")
            shot = screenshot(workdir, shot_dir, "ui-keep-study")
            check_views_show_content(shot, state)
        finally:
            app.quit()
        return 0

    raise SystemExit(f"unknown case {case}")


def main():
    if len(sys.argv) < 3:
        raise SystemExit("usage: ui-test.py CASE APP [SHOT_DIR]")
    case, binary = sys.argv[1], sys.argv[2]
    shot_dir = sys.argv[3] if len(sys.argv) > 3 else os.getcwd()
    if not os.environ.get("DISPLAY"):
        log("skip: no X display; run under xvfb-run (build-aux/run-tests does)")
        return SKIP
    for tool in ("import", "convert"):
        if shutil.which(tool) is None:
            log(f"skip: ImageMagick's {tool} is not installed")
            return SKIP
    # Each case gets a private session bus, so the app's single-instance logic can neither
    # reach nor be reached by another test running at the same time.
    if os.environ.get("CUSP_UI_TEST_BUS") is None and shutil.which("dbus-run-session"):
        env = dict(os.environ, CUSP_UI_TEST_BUS="1")
        return subprocess.run(["dbus-run-session", "--", sys.executable, *sys.argv],
                              env=env).returncode
    os.makedirs(shot_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cusp-ui-") as workdir:
        try:
            return run(case, binary, shot_dir, workdir)
        except (AssertionError, RuntimeError) as e:
            log("FAIL:", e)
            return 1


if __name__ == "__main__":
    sys.exit(main())
