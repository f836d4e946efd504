#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# ui-mpr-valve.py APP CLI [SHOT_DIR [demo|ct]]: the valve in the slice views of the real app.
# demo (the built-in phantom): the app segments on its own and the valve panel places the
# recommended valve; once the first final solver answer is in (CUSP_TEST_VALVE_FILE), the
# screenshot must show the valve's blue in the coronal and sagittal views and the annulus view,
# and the orange drag handles. The views' scales and the root's geometry come from the phantom's
# own description (`cusp-cli phantom --truth`: the volume's grid, which zoom 1 fits in the view,
# the root axis, the annulus' major axis). Then, with real pointer events (XTEST):
#   - the coronal view's depth handle dragged down the drawn axis (toward the ventricle) by a
#     distance worth 5 mm: the panel must report a depth about 5 mm deeper (the valve's axis is
#     the segmented annulus normal, within a few degrees of the phantom's), the handle must be
#     drawn where it was let go, and the crosshair must not have moved;
#   - the depth handle dragged again and Escape pressed before the release: the depth must
#     come back to where it was;
#   - the rotation knob in the annulus view dragged a quarter turn about the view's centre, then
#     an eighth back: the rotation must change by about +-90° and then about 45° the other way;
#   - the tilt knob in the sagittal view (the demo root's tilt swing lies across the coronal
#     plane) dragged 30 px along its path each way (check_tilt), then flicked and undone.
# ct ($CUSP_SHARED_DATA/ct-aortic-root/ct-aortic-root.nii.gz; skipped without it): the tilt knob
# found, its path learnt from a scripted tilt, dragged both ways and undone (run_ct).
# Screenshots (ui-mpr-valve*.png, with cut-outs of the views) are left to look at.
import collections
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
import math

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # also when loaded by path from tests/bench (bench-interaction.py)
import cusp_ui  # noqa: E402

ui, measure = cusp_ui.ui, cusp_ui.measure
log, check, screenshot, App, SKIP = ui.log, ui.check, ui.screenshot, ui.App, ui.SKIP


def valve_like(rgb):
    """The valve's blue (0.35, 0.75, 1.0), solid or as the 70 % dashed outline over grey."""
    r, g, b = rgb
    return b > 170 and b > r + 70 and g > 0.55 * b


def handle_like(rgb):
    """The handles' orange (0.95, 0.55, 0.10): red high, green between, blue low. The axial
    plane's red line has g < 80, the sagittal plane's yellow g > 200."""
    r, g, b = rgb
    return r > 200 and 100 < g < 180 and b < 90


CORE = 2   # a handle is a filled disc of radius 7: pixels with a 5 x 5 square of the colour round them


def blobs(shot, region, predicate):
    """Filled discs of matching pixels in region: list of (n, centre_x, centre_y), largest first,
    n the connected group's size and the centre that of its core (pixels with a 5 x 5 square of
    the group round them), so a knob's spoke does not pull it and the annulus view's hollow
    orange ostium rings and their labels (no such square) are left out."""
    x0, y0, x1, y1 = region
    hits = set()
    for y in range(max(0, y0), min(shot.height, y1)):
        for x in range(max(0, x0), min(shot.width, x1)):
            if predicate(shot.rgb(x, y)):
                hits.add((x, y))
    found = []
    while hits:
        seed = hits.pop()
        queue, members = collections.deque([seed]), [seed]
        while queue:
            x, y = queue.popleft()
            for nb in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if nb in hits:
                    hits.remove(nb)
                    queue.append(nb)
                    members.append(nb)
        group = set(members)
        core = [(x, y) for x, y in members
                if all((x + i, y + j) in group for i in range(-CORE, CORE + 1) for j in range(-CORE, CORE + 1))]
        if core:
            found.append((len(members), sum(p[0] for p in core) / len(core), sum(p[1] for p in core) / len(core)))
    return sorted(found, reverse=True)


def device_height_mm(device_id):
    root = os.environ.get("CUSP_SOURCE_ROOT", os.path.join(HERE, "..", ".."))
    for path in glob.glob(os.path.join(root, "data", "devices", "*.device")):
        values = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.split("#", 1)[0]
                if "=" in line:
                    key, value = line.split("=", 1)
                    values[key.strip()] = value.strip()
        if values.get("id") == device_id:
            return float(values["height_mm"])
    raise RuntimeError(f"no device file with id {device_id}")


def crosshair(shot, box):
    """The coronal view's crosshair: the column of the sagittal plane's yellow line and the row
    of the axial plane's red line (the pixels of each colour counted per column / row)."""
    x0, y0, x1, y1 = box
    columns, rows = collections.Counter(), collections.Counter()
    for y in range(y0, y1):
        for x in range(x0, x1):
            r, g, b = shot.rgb(x, y)
            if r > 200 and g > 180 and b < 120:
                columns[x] += 1
            elif r > 200 and g < 120 and b < 100:
                rows[y] += 1
    check(columns and rows, "the coronal view shows its crosshair")
    return columns.most_common(1)[0][0], rows.most_common(1)[0][0]


def wrap_deg(angle):
    return (angle + 180.0) % 360.0 - 180.0


def knob_at(workdir, shot_dir, name, box, centre):
    """The rotation knob on a fresh screenshot: the handle blob farthest from the view's centre."""
    time.sleep(0.5)
    shot = screenshot(workdir, shot_dir, name)
    found = [b for b in blobs(shot, box, handle_like) if b[0] >= 40]
    check(found, f"{name}: the annulus view shows the rotation knob")
    knob = max(found, key=lambda b: math.hypot(b[1] - centre[0], b[2] - centre[1]))
    return knob[1], knob[2]


def turn_about(xtest, centre, start, turn_deg, steps=12):
    """Drags from `start` along the arc about `centre` by turn_deg (screen angles, y down);
    returns where the button was let go."""
    radius = math.dist(start, centre)
    a0 = math.atan2(start[1] - centre[1], start[0] - centre[0])
    xtest.xtst.XTestFakeMotionEvent(xtest.display, -1, round(start[0]), round(start[1]), 0)
    xtest._sync()
    xtest.xtst.XTestFakeButtonEvent(xtest.display, 1, 1, 0)
    xtest._sync()
    for i in range(1, steps + 1):
        a = a0 + math.radians(turn_deg) * i / steps
        x, y = round(centre[0] + radius * math.cos(a)), round(centre[1] + radius * math.sin(a))
        xtest.xtst.XTestFakeMotionEvent(xtest.display, -1, x, y, 0)
        xtest._sync()
    xtest.xtst.XTestFakeButtonEvent(xtest.display, 1, 0, 0)
    xtest._sync()
    xtest.xtst.XTestFakeMotionEvent(xtest.display, -1, 5, 5, 0)
    xtest._sync()
    return x, y


def phantom_truth(cli, workdir):
    image, truth_path = os.path.join(workdir, "demo.nii"), os.path.join(workdir, "truth.json")
    subprocess.run([cli, "phantom", "--out", image, "--truth", truth_path], check=True)
    os.unlink(image)
    with open(truth_path, encoding="utf-8") as f:
        return json.load(f)


def coronal_scale(truth, bounds):
    """mm per logical pixel of the coronal view at zoom 1: the volume's outer faces fitted
    (cusp_slice_frame_init), for the phantom's axis-aligned grid; screen right L, up S."""
    vol = truth["volume"]
    check(vol["direction"] == [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0], "the phantom's grid is axis-aligned")
    width_mm = vol["dims"][0] * vol["spacing_mm"][0]
    height_mm = vol["dims"][2] * vol["spacing_mm"][2]
    return max(width_mm / bounds["width"], height_mm / bounds["height"])


def final(report):
    return report["state"] in ("converged", "final")


def wait_settled(path, app, accept, timeout_s=180, quiet_s=3.0):
    """The newest answer once the solver has caught up: a drag asks for many poses and the
    solver may finish one from the middle of it first, so wait until a final report that
    `accept`s has stood for quiet_s with no newer answer."""
    deadline = time.monotonic() + timeout_s
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        report = measure.wait_report(path, app, max(1.0, deadline - time.monotonic()), lambda r: True)
        if last is None or report["serial"] != last["serial"] or report["state"] != last["state"]:
            last, since = report, time.monotonic()
        elif final(last) and accept(last) and time.monotonic() - since >= quiet_s:
            return last
        time.sleep(0.2)
    raise RuntimeError(f"no settled answer within {timeout_s} s (last report: {last})")


def press_drag(xtest, x0, y0, x1, y1, steps=10, escape=False):
    """A left-button drag; with escape, Escape is pressed before the button is let go."""
    xtest.xtst.XTestFakeMotionEvent(xtest.display, -1, x0, y0, 0)
    xtest._sync()
    xtest.xtst.XTestFakeButtonEvent(xtest.display, 1, 1, 0)
    xtest._sync()
    for i in range(1, steps + 1):
        xtest.xtst.XTestFakeMotionEvent(xtest.display, -1, round(x0 + (x1 - x0) * i / steps),
                                        round(y0 + (y1 - y0) * i / steps), 0)
        xtest._sync()
    if escape:
        key = xtest.x11.XKeysymToKeycode(xtest.display, 0xff1b)   # Escape
        xtest.xtst.XTestFakeKeyEvent(xtest.display, key, 1, 0)
        xtest.xtst.XTestFakeKeyEvent(xtest.display, key, 0, 0)
        xtest._sync()
    xtest.xtst.XTestFakeButtonEvent(xtest.display, 1, 0, 0)
    xtest._sync()
    # off the handle, so the hover highlight does not hide the handle's colour in a screenshot
    xtest.xtst.XTestFakeMotionEvent(xtest.display, -1, 5, 5, 0)
    xtest._sync()


def ctrl_z(xtest):
    ctrl = xtest.x11.XKeysymToKeycode(xtest.display, 0xffe3)   # Control_L
    key = xtest.x11.XKeysymToKeycode(xtest.display, ord("z"))
    for code, down in ((ctrl, 1), (key, 1), (key, 0), (ctrl, 0)):
        xtest.xtst.XTestFakeKeyEvent(xtest.display, code, down, 0)
    xtest._sync()


def sagittal_scale(truth, bounds):
    """mm per logical pixel of the sagittal view at zoom 1 (as coronal_scale); screen right P,
    up S."""
    vol = truth["volume"]
    width_mm = vol["dims"][1] * vol["spacing_mm"][1]
    height_mm = vol["dims"][2] * vol["spacing_mm"][2]
    return max(width_mm / bounds["width"], height_mm / bounds["height"])


def cross(a, b):
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]


def tilt_path(truth, reach_mm, mm_per_px):
    """The tilt knob's path in the sagittal view from the phantom's truth: the outflow centre
    reach_mm up the annulus normal n, swung by t about the annulus' major axis m, lies at
    reach (cos t n - sin t (n x m)) from the annulus centre (the solver's Rx(tilt), up to the
    sign the segmentation gives m). Returns a function t (degrees) -> screen offset (pixels,
    x right = P, y down = I) from where the knob is at t = 0."""
    n, m = truth["annulus"]["normal"], truth["annulus"]["major_axis"]
    y = cross(n, m)

    def at(t_deg):
        t = math.radians(t_deg)
        p = [reach_mm * (math.cos(t) * n[i] - math.sin(t) * y[i]) for i in range(3)]
        return p[1] / mm_per_px, -p[2] / mm_per_px

    x0, y0 = at(0.0)
    return lambda t_deg: (at(t_deg)[0] - x0, at(t_deg)[1] - y0)


def slice_view_bounds(state, report):
    """The slice views' bounds now (logical pixels). The ready report gave them before the
    measurement sidebar narrowed the view grid; the measure report gives the 3D view's now. The
    grid is 2 x 2 (axial, coronal / sagittal, 3D): the coronal view shares the 3D view's
    column, the others the first column, up to the grid's spacing; the rows must not have
    changed."""
    ready = {v["name"]: v for v in state["views"]}
    now = report["view_3d"]
    # within a pixel: the two reports round the same bounds at different times (seen 434+337
    # against 433+338 on the real CT with GTK's cairo renderer)
    check(abs(ready["3d"]["y"] - now["y"]) <= 1 and abs(ready["3d"]["height"] - now["height"]) <= 1,
          f"the view grid's rows are as the ready report gave them ({ready['3d']['y']}+{ready['3d']['height']} / {now['y']}+{now['height']})")
    spacing = ready["coronal"]["x"] - ready["axial"]["x"] - ready["axial"]["width"]
    bounds = {}
    for name in ("axial", "coronal", "sagittal"):
        b = dict(ready[name])
        if name == "coronal":
            b["x"], b["width"] = now["x"], now["width"]
        else:
            b["width"] = now["x"] - spacing - b["x"]
        bounds[name] = b
    return bounds


def box_of(bounds, scale, inset=0.03):
    x0, y0 = bounds["x"] * scale, bounds["y"] * scale
    w, h = bounds["width"] * scale, bounds["height"] * scale
    return (int(x0 + inset * w), int(y0 + inset * h), int(x0 + (1 - inset) * w), int(y0 + (1 - inset) * h))


def handle_near(workdir, shot_dir, shot_name, box, x, y):
    """On a fresh screenshot (and a cut-out of the view), the handle drawn nearest (x, y)."""
    time.sleep(1.0)
    shot = screenshot(workdir, shot_dir, shot_name)
    measure.crop(os.path.join(shot_dir, shot_name + ".png"), box, os.path.join(shot_dir, shot_name + "-view.png"))
    after = [b for b in blobs(shot, box, handle_like) if b[0] >= 40]
    check(after, f"{shot_name}: the view still shows its handles")
    return min(after, key=lambda b: math.hypot(b[1] - x, b[2] - y))


def check_tilt(app, xtest, truth, bounds, box, scale, valve_file, start, height, workdir, shot_dir, name):
    """The tilt knob in the sagittal view, where the demo's tilt swing lies in the plane (the
    coronal view looks nearly along it): dragged 30 px along its path each way, it must follow
    the pointer (the valve's outflow end goes where it is pulled), the tilt must change by what
    the phantom's geometry gives for that swing (sign set by the segmentation's choice of the
    annulus' major axis end, so the two drags are checked for opposite signs), depth and
    rotation must stay, and Ctrl+Z must put the tilt back each time."""
    shot = screenshot(workdir, shot_dir, name + "-sagittal-0")
    found = blobs(shot, box, handle_like)
    found = [b for b in found if b[0] >= 40]
    log("sagittal: handles at " + ", ".join(f"({x:.0f}, {y:.0f}) {k} px" for k, x, y in found))
    check(len(found) == 2, "the sagittal view shows the tilt knob and the rotation knob")
    # the tilt knob sits on the outflow end, 42 mm up a root rising 50° from the horizontal;
    # the rotation knob at the slice's level, near the annulus: the knob nearer the head
    knob = min(found, key=lambda b: b[2])[1:]
    mm_per_px = sagittal_scale(truth, bounds) / scale
    reach = height - start["pose.depth_mm"]
    path = tilt_path(truth, reach, mm_per_px)
    ex, ey = path(1.0)
    along = (ex / math.hypot(ex, ey), ey / math.hypot(ex, ey))
    log(f"sagittal: {mm_per_px:.3f} mm per pixel; tilt knob at ({knob[0]:.0f}, {knob[1]:.0f}), "
        f"its path along ({along[0]:.2f}, {along[1]:.2f}) on screen, reach {reach:.1f} mm")
    tilt0, depth0, rotation0 = start["pose.tilt_deg"], start["pose.depth_mm"], start["pose.rotation_deg"]
    tilts = []
    for sign in (1, -1):
        dx, dy = sign * 30.0 * along[0], sign * 30.0 * along[1]
        x0, y0 = round(knob[0]), round(knob[1])
        x1, y1 = round(x0 + dx), round(y0 + dy)
        # the tilt whose knob the truth's path puts nearest the release point
        expected = min((t / 10.0 for t in range(-900, 901)),
                       key=lambda t: math.dist(path(t), (x1 - x0, y1 - y0)))
        before = start["serial"] if not tilts else undone["serial"]
        press_drag(xtest, x0, y0, x1, y1)
        tilted = wait_settled(valve_file, app, lambda r: r["serial"] > before and abs(r["pose.tilt_deg"] - tilt0) > 2.0)
        delta = tilted["pose.tilt_deg"] - tilt0
        log(f"tilt knob dragged ({x0}, {y0}) -> ({x1}, {y1}): tilt {tilt0:.2f} -> {tilted['pose.tilt_deg']:.2f}° "
            f"(the phantom's geometry: {abs(expected):.2f}° either way)")
        check(abs(abs(delta) - abs(expected)) < 0.15 * abs(expected) + 1.0,
              f"the tilt changed by what the swing on screen gives ({delta:+.2f}°)")
        check(abs(tilted["pose.depth_mm"] - depth0) < 1e-6 and abs(tilted["pose.rotation_deg"] - rotation0) < 1e-6,
              "a tilt drag keeps the depth and the rotation")
        tilts.append(delta)
        moved = handle_near(workdir, shot_dir, f"{name}-sagittal-tilt-{'plus' if sign > 0 else 'minus'}", box, x1, y1)
        # the knob's path curves away from the straight drag by up to 30² / 2R px (R the drawn
        # reach, 100 px and more) and the segmented axis is a few degrees off the phantom's
        check(math.hypot(moved[1] - x1, moved[2] - y1) < 6,
              f"the tilt knob followed the pointer: drawn at ({moved[1]:.0f}, {moved[2]:.0f}), let go at ({x1}, {y1})")
        undone, presses = undo_until(app, xtest, valve_file, tilted, tilt0)
        log(f"{presses} Ctrl+Z: tilt {undone['pose.tilt_deg']:.2f}°, depth {undone['pose.depth_mm']:.2f} mm")
        check(abs(undone["pose.tilt_deg"] - tilt0) < 1e-6 and abs(undone["pose.depth_mm"] - depth0) < 1e-6
              and abs(undone["pose.rotation_deg"] - rotation0) < 1e-6, "Ctrl+Z put the tilt back")
        # the drag (8 motions 0.15 s apart, longer than the 600 ms merge window) is one entry:
        # the views bracket a handle drag and the history seals it when it ends
        check(presses == 1, f"one Ctrl+Z undid the whole drag ({presses})")
    check(tilts[0] * tilts[1] < 0, f"opposite drags tilt opposite ways ({tilts[0]:+.2f}°, {tilts[1]:+.2f}°)")

    # A quick flick (one motion between press and release) is one history step whatever the
    # machine's speed: one Ctrl+Z must undo it.
    x0, y0 = round(knob[0]), round(knob[1])
    press_drag(xtest, x0, y0, round(x0 + 20 * along[0]), round(y0 + 20 * along[1]), steps=1)
    flicked = wait_settled(valve_file, app, lambda r: r["serial"] > undone["serial"] and abs(r["pose.tilt_deg"] - tilt0) > 2.0)
    ctrl_z(xtest)
    back = wait_settled(valve_file, app, lambda r: r["serial"] > flicked["serial"])
    log(f"flick: tilt {tilt0:.2f} -> {flicked['pose.tilt_deg']:.2f}°, one Ctrl+Z -> {back['pose.tilt_deg']:.2f}°")
    check(abs(back["pose.tilt_deg"] - tilt0) < 1e-6, "one Ctrl+Z undid the flicked tilt")


def run(binary, cli, shot_dir, workdir):
    truth = phantom_truth(cli, workdir)
    measure_file = os.path.join(workdir, "measure.json")
    valve_file = os.path.join(workdir, "valve.json")
    os.environ["CUSP_TEST_MEASURE_FILE"] = measure_file
    os.environ["CUSP_TEST_VALVE_FILE"] = valve_file
    app = App(binary, workdir, [])
    try:
        state = app.wait_for(("ready",), 120)
        report = measure.wait_measured(measure_file, app, 240)
        check(report["state"] == "measured", f"segmented and measured ({report['state']})")
        first = measure.wait_report(valve_file, app, 180, final)
        height = device_height_mm(first["device"])
        log(f"valve {first['device']} (height {height} mm) at depth {first['pose.depth_mm']} mm, "
            f"tilt {first['pose.tilt_deg']}°, rotation {first['pose.rotation_deg']}°, "
            f"{first['frame_triangles']} frame triangles")
        check(first["frame_triangles"] > 0, "the deployed frame is built")
        # let the deployed frame's section reach the slice views
        time.sleep(1.0)
        name = "ui-mpr-valve"
        shot = screenshot(workdir, shot_dir, name)
        png = os.path.join(shot_dir, name + ".png")
        scale = state.get("scale", 1)
        bounds = slice_view_bounds(state, report)
        boxes = {k: box_of(v, scale) for k, v in bounds.items()}
        boxes["annulus"] = measure.box(report, "annulus_view", report.get("scale", 1), 0.02)
        for view in ("coronal", "sagittal", "axial", "annulus"):
            measure.crop(png, boxes[view], os.path.join(shot_dir, f"{name}-{view}.png"))

        handles = {}
        for view in ("coronal", "sagittal", "axial", "annulus"):
            n = measure.count_pixels(shot, boxes[view], valve_like, step=1)
            handles[view] = [b for b in blobs(shot, boxes[view], handle_like) if b[0] >= 40]
            log(f"{view}: {n} valve-coloured pixels, handles at "
                + ", ".join(f"({x:.0f}, {y:.0f}) {k} px" for k, x, y in handles[view]))
            if view != "axial":
                check(n > 150, f"the {view} view draws the valve")
        check(len(handles["coronal"]) == 1, "the coronal view shows the depth handle")
        depth = handles["coronal"][0][1:]
        mm_per_px = coronal_scale(truth, bounds["coronal"]) / scale
        axis = truth["axis"]["root_axis"]
        in_plane = math.hypot(axis[0], axis[2])
        # toward the ventricle (-axis) on screen: right is L (+x), down is I (-z)
        ux, uy = -axis[0] / in_plane, axis[2] / in_plane
        log(f"coronal: {mm_per_px:.3f} mm per pixel, the root axis {in_plane:.2f} in the plane, "
            f"toward the ventricle ({ux:.2f}, {uy:.2f}) on screen")
        check(len(handles["annulus"]) >= 1, "the annulus view shows the rotation knob")

        xtest = measure.XTest()
        depth0 = first["pose.depth_mm"]
        cross0 = crosshair(shot, boxes["coronal"])
        # 5 mm deeper: along the drawn axis the valve moves |a_p| mm on screen per mm of depth
        drag_px = 5.0 * in_plane / mm_per_px
        x0, y0 = round(depth[0]), round(depth[1])
        x1, y1 = round(x0 + ux * drag_px), round(y0 + uy * drag_px)
        expected = depth0 + ((x1 - x0) * ux + (y1 - y0) * uy) * mm_per_px / in_plane
        press_drag(xtest, x0, y0, x1, y1)
        # the segmented axis is within a few degrees of the phantom's; a pixel is a pixel
        tolerance = 0.1 * abs(expected - depth0) + 1.5 * mm_per_px / in_plane
        moved = wait_settled(valve_file, app, lambda r: abs(r["pose.depth_mm"] - depth0) > 0.5)
        log(f"dragged ({x0}, {y0}) -> ({x1}, {y1}): depth {depth0:.2f} -> {moved['pose.depth_mm']:.2f} mm "
            f"(expected {expected:.2f} ± {tolerance:.2f})")
        check(abs(moved["pose.depth_mm"] - expected) < tolerance,
              "the depth followed the drag: toward the ventricle is deeper, by the dragged distance")
        check(abs(moved["pose.tilt_deg"] - first["pose.tilt_deg"]) < 1e-9
              and abs(moved["pose.rotation_deg"] - first["pose.rotation_deg"]) < 1e-9,
              "a depth drag changes neither tilt nor rotation")
        time.sleep(1.0)
        shot = screenshot(workdir, shot_dir, name + "-deeper")
        measure.crop(os.path.join(shot_dir, name + "-deeper.png"), boxes["coronal"],
                     os.path.join(shot_dir, f"{name}-deeper-coronal.png"))
        cross1 = crosshair(shot, boxes["coronal"])
        check(cross1 == cross0, f"the handle drag left the crosshair where it was {cross0} -> {cross1}")
        after = [b for b in blobs(shot, boxes["coronal"], handle_like) if b[0] >= 40]
        moved_handle = min(after, key=lambda b: math.hypot(b[1] - x1, b[2] - y1))
        check(math.hypot(moved_handle[1] - x1, moved_handle[2] - y1) < 3,
              f"the depth handle is drawn where it was let go ({moved_handle[1]:.0f}, {moved_handle[2]:.0f})")

        # Escape in the middle of a drag: back to the pose the drag began with.
        depth1 = moved["pose.depth_mm"]
        serial = moved["serial"]
        press_drag(xtest, x1, y1, round(x1 - 2 * ux * drag_px), round(y1 - 2 * uy * drag_px), escape=True)
        back = wait_settled(valve_file, app, lambda r: r["serial"] > serial)
        log(f"after Escape: depth {back['pose.depth_mm']:.2f} mm (serial {serial} -> {back['serial']})")
        check(abs(back["pose.depth_mm"] - depth1) < 1e-6, "Escape put the valve back where the drag began")

        # The rotation knob turned a quarter turn about the annulus view's centre, then an eighth
        # back. The knob turns about the valve axis, which crosses the annulus plane a few pixels
        # from where the test takes the view's centre to be (the window's frame offsets the
        # reported bounds a little), so the angles match the pointer's only to about 20°.
        ab = boxes["annulus"]
        centre = ((ab[0] + ab[2]) / 2, (ab[1] + ab[3]) / 2)
        knob = knob_at(workdir, shot_dir, name + "-annulus-0", ab, centre)
        rotations = [back["pose.rotation_deg"]]
        for i, turn_deg in enumerate((90.0, -45.0)):
            turn_about(xtest, centre, knob, turn_deg)
            before = rotations[-1]
            turned = wait_settled(valve_file, app,
                                  lambda r: abs(r["pose.rotation_deg"] - before) > 0.3 * abs(turn_deg))
            rotations.append(turned["pose.rotation_deg"])
            check(abs(turned["pose.depth_mm"] - depth1) < 1e-6, "a rotation drag keeps the depth")
            knob = knob_at(workdir, shot_dir, f"{name}-annulus-{i + 1}", ab, centre)
        deltas = [wrap_deg(rotations[i + 1] - rotations[i]) for i in range(2)]
        log(f"rotation {rotations[0]:.1f} -> {rotations[1]:.1f} -> {rotations[2]:.1f}° "
            f"for a quarter turn and an eighth back on screen")
        check(70 < abs(deltas[0]) < 110, f"a quarter turn turned the valve by about that ({deltas[0]:+.1f}°)")
        check(deltas[0] * deltas[1] < 0 and 25 < abs(deltas[1]) < 65,
              f"an eighth back turned it back by about that ({deltas[1]:+.1f}°)")

        check_tilt(app, xtest, truth, bounds["sagittal"], boxes["sagittal"], scale, valve_file,
                   turned, height, workdir, shot_dir, name)
    finally:
        app.quit()
    return 0


def set_pose(app, pose):
    """win.valve-pose over D-Bus: a scripted pose, a history step of its own."""
    subprocess.run(["gdbus", "call", "--session", "--dest", "io.github.cusp.Cusp",
                    "--object-path", "/io/github/cusp/Cusp/window/1", "--method",
                    "org.gtk.Actions.Activate", "valve-pose", "[<(%r, %r, %r)>]" % tuple(pose), "{}"],
                   check=True, env=app.env, timeout=30, stdout=subprocess.DEVNULL)


def undo_until(app, xtest, valve_file, report, tilt0):
    """Ctrl+Z until the tilt is back at tilt0 (at most 10); each press must bring it nearer.
    The history merges pose changes less than 600 ms apart into one step (cusp-window-
    rehearsal.c), so a drag on a busy machine may leave more than one. Returns (report, presses)."""
    presses = 0
    while presses < 10 and abs(report["pose.tilt_deg"] - tilt0) > 1e-6:
        previous = report
        ctrl_z(xtest)
        presses += 1
        report = wait_settled(valve_file, app, lambda r: r["serial"] > previous["serial"])
        check(abs(report["pose.tilt_deg"] - tilt0) < abs(previous["pose.tilt_deg"] - tilt0) - 1e-6,
              f"Ctrl+Z took the tilt back toward the start ({report['pose.tilt_deg']:.2f}°)")
    return report, presses


def run_ct(binary, cli, shot_dir, workdir):
    """The real CT: the tilt knob in the first of the sagittal, coronal and axial views that shows
    handles (the disc nearest the head). Without a truth, the knob's path is learnt from the app's
    own drawing: a scripted tilt of +8° (win.valve-pose over D-Bus) must move that disc, and its
    displacement gives the way and the pixels per degree of positive tilts. Then, undone with
    Ctrl+Z, the knob is dragged 5 px along that way and back the other way: the tilt must change
    with the same sign as the script's (positive toward where positive tilts draw it), by
    5 px / (px per degree) within 35 % and a degree, the knob must come within 5 px of the
    release point and the depth must stay; Ctrl+Z must put the tilt back each time.
    The room is small: the valve is first set 6 mm deep (a scripted pose), as the recommended
    46 mm frame at 3 mm reaches 43 mm above the annulus and the solver refuses a frame beyond the
    modelled root's 44 mm (cusp-cli simulate: at a 4° tilt); 6 mm deep it refuses tilts of 10°
    and more (the crimped frame no longer fits the narrow sinotubular lumen), and at zoom 1
    (0.73 mm per pixel) a degree is under a pixel of the knob's path: hence 5 px."""
    path = os.path.join(os.environ.get("CUSP_SHARED_DATA", ""), "ct-aortic-root", "ct-aortic-root.nii.gz")
    if not os.path.exists(path):
        log(f"skip: {path} is absent (CUSP_SHARED_DATA holds the real images)")
        return SKIP
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") or ui.shutil.which("gdbus") is None:
        log("skip: no session bus or no gdbus for the scripted pose")
        return SKIP
    measure_file = os.path.join(workdir, "measure.json")
    valve_file = os.path.join(workdir, "valve.json")
    os.environ["CUSP_TEST_MEASURE_FILE"] = measure_file
    os.environ["CUSP_TEST_VALVE_FILE"] = valve_file
    name = "ui-mpr-valve-ct"
    app = App(binary, workdir, [path])
    try:
        state = app.wait_for(("ready",), 120)
        report = measure.wait_measured(measure_file, app, 240)
        check(report["state"] == "measured", f"segmented and measured ({report['state']})")
        first = measure.wait_report(valve_file, app, 180, final)
        log(f"valve {first['device']} at depth {first['pose.depth_mm']} mm, "
            f"tilt {first['pose.tilt_deg']}°, rotation {first['pose.rotation_deg']}°")
        time.sleep(1.0)
        shot = screenshot(workdir, shot_dir, name)
        png = os.path.join(shot_dir, name + ".png")
        scale = state.get("scale", 1)
        boxes = {k: box_of(v, scale) for k, v in slice_view_bounds(state, report).items()}
        found = {}
        for view in ("sagittal", "coronal", "axial"):
            measure.crop(png, boxes[view], os.path.join(shot_dir, f"{name}-{view}.png"))
            found[view] = [b for b in blobs(shot, boxes[view], handle_like) if b[0] >= 40]
            log(f"{view}: handles at " + ", ".join(f"({x:.0f}, {y:.0f}) {k} px" for k, x, y in found[view]))
        view = next((v for v in ("sagittal", "coronal", "axial") if found[v]), None)
        check(view is not None, "a slice view shows the valve's handles")
        box = boxes[view]
        knob = min(found[view], key=lambda b: b[2])[1:]
        tilt0, depth0, rotation0 = first["pose.tilt_deg"], 6.0, first["pose.rotation_deg"]
        set_pose(app, (depth0, tilt0, rotation0))
        deeper = wait_settled(valve_file, app, lambda r: abs(r["pose.depth_mm"] - depth0) < 1e-6)
        time.sleep(1.0)
        shot = screenshot(workdir, shot_dir, name + "-deeper")
        knob = min((b for b in blobs(shot, box, handle_like) if b[0] >= 40),
                   key=lambda b: math.hypot(b[1] - knob[0], b[2] - knob[1]))[1:]

        set_pose(app, (depth0, tilt0 + 8.0, rotation0))
        probed = wait_settled(valve_file, app, lambda r: r["serial"] > deeper["serial"]
                              and abs(r["pose.tilt_deg"] - (tilt0 + 8.0)) < 1e-6)
        time.sleep(1.0)
        shot = screenshot(workdir, shot_dir, name + "-probe")
        moved = min((b for b in blobs(shot, box, handle_like) if b[0] >= 40),
                    key=lambda b: math.hypot(b[1] - knob[0], b[2] - knob[1]))
        step = (moved[1] - knob[0], moved[2] - knob[1])
        px_per_deg = math.hypot(*step) / 8.0
        log(f"{view}: the knob at ({knob[0]:.0f}, {knob[1]:.0f}) is drawn at ({moved[1]:.0f}, {moved[2]:.0f}) "
            f"for a scripted +8° ({px_per_deg:.2f} px per degree)")
        check(px_per_deg > 0.3, f"a scripted tilt moves the {view} view's top handle: it is the tilt knob")
        along = (step[0] / math.hypot(*step), step[1] / math.hypot(*step))
        xtest = measure.XTest()
        undone, presses = undo_until(app, xtest, valve_file, probed, tilt0)
        check(presses == 1 and abs(undone["pose.tilt_deg"] - tilt0) < 1e-6, "one Ctrl+Z undid the scripted tilt")

        last, tilts = undone, []
        for sign in (1, -1):
            x0, y0 = round(knob[0]), round(knob[1])
            x1, y1 = round(x0 + sign * 5 * along[0]), round(y0 + sign * 5 * along[1])
            expected = sign * math.hypot(x1 - x0, y1 - y0) / px_per_deg
            before = last["serial"]
            press_drag(xtest, x0, y0, x1, y1)
            tilted = wait_settled(valve_file, app, lambda r: r["serial"] > before and abs(r["pose.tilt_deg"] - tilt0) > 1.0, 60)
            delta = tilted["pose.tilt_deg"] - tilt0
            log(f"{view}: the knob dragged ({x0}, {y0}) -> ({x1}, {y1}): tilt {tilt0:.2f} -> "
                f"{tilted['pose.tilt_deg']:.2f}° (about {expected:+.1f}° from the scripted tilt's drawing)")
            check(delta * expected > 0 and abs(delta - expected) < 0.35 * abs(expected) + 1.0,
                  f"the tilt went the way the drag pulled, by about that ({delta:+.2f}°)")
            check(abs(tilted["pose.depth_mm"] - depth0) < 1e-6 and abs(tilted["pose.rotation_deg"] - rotation0) < 1e-6,
                  "a tilt drag keeps the depth and the rotation")
            tilts.append(delta)
            drawn = handle_near(workdir, shot_dir, f"{name}-{view}-tilt-{'plus' if sign > 0 else 'minus'}", box, x1, y1)
            check(math.hypot(drawn[1] - x1, drawn[2] - y1) < 5,
                  f"the tilt knob followed the pointer: drawn at ({drawn[1]:.0f}, {drawn[2]:.0f}), let go at ({x1}, {y1})")
            last, presses = undo_until(app, xtest, valve_file, tilted, tilt0)
            log(f"{presses} Ctrl+Z: tilt {last['pose.tilt_deg']:.2f}°")
            check(abs(last["pose.tilt_deg"] - tilt0) < 1e-6 and abs(last["pose.depth_mm"] - depth0) < 1e-6,
                  "Ctrl+Z put the tilt back")
    finally:
        app.quit()
    return 0


def main():
    if len(sys.argv) < 3:
        raise SystemExit("usage: ui-mpr-valve.py APP CLI [SHOT_DIR [demo|ct]]")
    binary, cli = sys.argv[1], sys.argv[2]
    shot_dir = sys.argv[3] if len(sys.argv) > 3 else os.getcwd()
    case = sys.argv[4] if len(sys.argv) > 4 else "demo"
    if case not in ("demo", "ct"):
        raise SystemExit(f"unknown case {case}")
    if not os.environ.get("DISPLAY"):
        log("skip: no X display; run under xvfb-run (build-aux/run-tests does)")
        return SKIP
    if os.environ.get("CUSP_UI_TEST_BUS") is None and ui.shutil.which("dbus-run-session"):
        env = dict(os.environ, CUSP_UI_TEST_BUS="1")
        return subprocess.run(["dbus-run-session", "--", sys.executable, *sys.argv], env=env).returncode
    os.makedirs(shot_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cusp-ui-mpr-valve-") as workdir:
        try:
            return (run if case == "demo" else run_ct)(binary, cli, shot_dir, workdir)
        except (AssertionError, RuntimeError, FileNotFoundError, OSError, subprocess.CalledProcessError) as e:
            log("FAIL:", e)
            return 1


if __name__ == "__main__":
    sys.exit(main())
