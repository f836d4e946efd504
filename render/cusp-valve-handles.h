/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-handles.h: where a view puts the valve's drag handles, which one the pointer is on,
 * and the pose a drag asks for (plain maths in a view's logical pixels, no GL, no GTK).
 *
 * The pose is the solver's (cusp-valve-scene.h): root = Rx(tilt) (Rz(rotation) local +
 * (0, 0, -depth)) in the root frame (origin at the annulus centre, z up the root toward the
 * aorta, x along the annulus major axis). The handles:
 *
 *   depth     on the valve axis, midway. Shown in a view whose plane holds the axis within 30°
 *             and cuts the nominal cylinder (coronal, sagittal, any long-axis view). Dragging
 *             moves the valve along its own axis by the drag's component along the axis as
 *             drawn: t = (drag · a_p) / |a_p|², a_p the axis projected into the plane, so the
 *             handle stays under the pointer's foot on the axis line. Toward the outflow
 *             (aorta) is shallower, toward the ventricle deeper: depth = depth0 - t.
 *   tilt      at the outflow end of the axis. Shown where the view's plane cuts the valve
 *             somewhere along its length, the axis lies within 45° of the plane (the knob stands
 *             apart from the pivot) and the view shows the knob's path: the tilt swings the
 *             outflow end about the annulus centre along the valve's local y (Rx(tilt) y_root),
 *             which must lie within 60° of the plane (in a view along it the tilt would only
 *             move the knob toward the viewer). On an oblique root this may be a view without
 *             the depth handle (the demo's sagittal view) and not the coronal one. The
 *             pointer's offset since the drag began is added to where the knob was drawn, and
 *             the tilt (within 90° of the start) whose knob is drawn nearest that point is
 *             asked for: the knob follows the pointer along its drawn path, whatever the view's
 *             obliquity, and a pointer on the path gives exactly the tilt drawn there.
 *   rotation  on the rim at the frame's local x direction (Rz(rotation) x in the valve's
 *             cross-section), at the level where the view's plane crosses the axis (clamped to
 *             the valve's length). Shown in a view looking down the axis within 60° (the
 *             annulus view; an axial view of an upright root). The pointer is carried along the
 *             line of sight onto the valve's cross-section plane at that level and its angle
 *             about the axis is read; the rotation changes by how much it changed, wrapped into
 *             -180..180°.
 */
#pragma once

#include "cusp-slice-geometry.h"
#include "cusp-valve-scene.h"

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CUSP_VALVE_HANDLE_NONE = -1,
  CUSP_VALVE_HANDLE_DEPTH,
  CUSP_VALVE_HANDLE_TILT,
  CUSP_VALVE_HANDLE_ROTATION,
  CUSP_VALVE_N_HANDLES
} CuspValveHandle;

/* Everything the handles depend on: the root, the pose and the nominal size. */
typedef struct {
  CuspSceneFrame root;
  CuspSimPose pose;
  double diameter_mm;
  double height_mm;
} CuspValvePlacement;

/* FALSE when the scene has no root or no valve (placement untouched). */
gboolean cusp_valve_placement_from_scene (CuspValveScene *scene, CuspValvePlacement *placement);

typedef struct {
  gboolean shown[CUSP_VALVE_N_HANDLES];
  double x_px[CUSP_VALVE_N_HANDLES];
  double y_px[CUSP_VALVE_N_HANDLES];
  double stem_px[2];       /* where the rotation knob's spoke starts (the axis at the knob's level) */
} CuspValveHandles;

/* Lays the handles out for one view; returns whether any is shown. */
gboolean        cusp_valve_handles_layout (const CuspSliceFrame     *frame,
                                           const CuspValvePlacement *valve,
                                           CuspValveHandles         *handles);
/* The shown handle nearest (x, y) within radius_px, or CUSP_VALVE_HANDLE_NONE. */
CuspValveHandle cusp_valve_handles_pick   (const CuspValveHandles   *handles,
                                           double                    x_px,
                                           double                    y_px,
                                           double                    radius_px);
/* The pose a drag of `handle` from (x0, y0) to (x1, y1) asks for, with `frame` and `start` as
 * they were when the drag began. FALSE (pose untouched) when the view cannot say (the line of
 * sight runs along the handle's plane of motion) or a number is not finite. */
gboolean        cusp_valve_handles_drag   (CuspValveHandle           handle,
                                           const CuspSliceFrame     *frame,
                                           const CuspValvePlacement *start,
                                           double                    x0_px,
                                           double                    y0_px,
                                           double                    x1_px,
                                           double                    y1_px,
                                           CuspSimPose              *pose);

/* Asks the scene for `pose` (cusp_valve_scene_request_pose) unless it already shows it: a drag
 * repeats the pose at its release, and an unchanged pose need not reach the solver again. */
void            cusp_valve_handles_request (CuspValveScene          *scene,
                                            const CuspSimPose       *pose);

G_END_DECLS
