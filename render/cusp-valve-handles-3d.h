/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-handles-3d.h: the valve's drag handles in the 3D view: where they sit, which one
 * the pointer is on, and the pose a drag asks for (GL-free, GTK-free).
 *
 * Pose and frame as in cusp-valve-scene.h: the valve's axis a leaves the inflow centre toward
 * the aorta; the outflow centre O is `height_mm` along it. The handles sit above the valve so
 * they never hide inside the lumen's wall:
 *   depth     a double arrow on the axis from O + 3 mm to O + 13 mm. A drag moves the valve
 *             along its axis by how far the point of the axis nearest the pointer's ray moved
 *             (t, mm), so the grabbed point of the arrow stays under the pointer, perspective
 *             included: toward the aorta is shallower, depth = depth0 - t.
 *   rotation  a ring round the axis at O, radius half the nominal diameter + 3 mm. The pointer
 *             is carried along its ray onto the ring's plane; the rotation changes by the angle
 *             it turned about the axis (right-handed about a) since the drag began.
 *   tilt      a knob on the axis at O + 17 mm. The pointer is carried onto the root's y-z plane
 *             through the annulus centre (the plane the solver tilts in); the tilt changes by how
 *             much atan2(-y, z) (the pose's own tilt angle) changed since the drag began.
 * Picking is in screen pixels (CUSP_HANDLES_3D_PICK_PX), knob first, then arrow, then ring. */
#pragma once

#include <glib.h>

#include "cusp-shape-mesh.h"
#include "cusp-valve-scene.h"
#include "cusp-view-camera.h"

G_BEGIN_DECLS

#define CUSP_HANDLES_3D_PICK_PX 8.0

typedef enum {
  CUSP_HANDLE_3D_NONE = -1,
  CUSP_HANDLE_3D_DEPTH,
  CUSP_HANDLE_3D_ROTATION,
  CUSP_HANDLE_3D_TILT,
  CUSP_HANDLE_3D_COUNT
} CuspHandle3d;

typedef struct {
  CuspSceneFrame frame;
  CuspSimPose pose;
  double axis_lps[3];                /* unit, toward the aorta */
  double outflow_lps[3];
  double arrow_from_lps[3], arrow_to_lps[3];
  double ring_radius_mm;
  double knob_lps[3];
  double knob_radius_mm;
} CuspHandles3d;

void         cusp_handles_3d_layout (const CuspSceneFrame *frame, const CuspSimPose *pose,
                                     double diameter_mm, double height_mm, CuspHandles3d *handles);
/* The handle under widget point (x, y) of a width x height view. */
CuspHandle3d cusp_handles_3d_pick   (const CuspHandles3d *handles, const CuspViewCamera *camera,
                                     double width, double height, double x, double y);
/* The pose a drag of `which` from (x0, y0) to (x, y) asks for, from the layout at the drag's
 * start; FALSE when the pointer gives no answer (its ray parallel to the handle's plane). */
gboolean     cusp_handles_3d_drag   (const CuspHandles3d *start, CuspHandle3d which,
                                     const CuspViewCamera *camera, double width, double height,
                                     double x0, double y0, double x, double y, CuspSimPose *pose);
/* The handles as shapes; `hover` and `active` drawn highlighted. */
void         cusp_handles_3d_build  (const CuspHandles3d *handles, CuspHandle3d hover,
                                     CuspHandle3d active, CuspShapeMesh *shapes);

G_END_DECLS
