/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-view-camera.h: the 3D view's orbit camera as plain maths (GL-free, GTK-free): its
 * matrices, the ray under a pointer, where a point lands on screen, and the standard views.
 *
 * The eye looks at `target_mm` (LPS) from `distance` away, turned by yaw about the patient's
 * superior axis and pitch above the horizontal. yaw 0, pitch 0 is the anterior view (patient's
 * left on screen right, superior up). The direction from the target toward the eye is
 *   e = (-cos p sin y, -cos p cos y, sin p)
 * which is the C-arm detector direction of cusp-carm.h, d = (sin a cos b, -cos a cos b, sin b),
 * for y = -a (LAO a) and p = b (CRA b): a C-arm view is yaw = -LAO, pitch = CRA, and the screen
 * shows what the detector sees, superior up. Widget coordinates are logical pixels, y down. */
#pragma once

#include <glib.h>

#include "cusp-carm.h"

G_BEGIN_DECLS

#define CUSP_VIEW_CAMERA_FOV_DEG 30.0

typedef struct {
  double target_mm[3];               /* LPS point orbited */
  double radius_mm;                  /* of the sphere framed at zoom 1 */
  double yaw_deg, pitch_deg;         /* pitch in [-90, 90] */
  double zoom;                       /* 1: the sphere fills the narrower side */
  double pan_mm[2];                  /* along screen right and up */
} CuspViewCamera;

/* Rows: the eye's x (screen right), y (screen up), z (toward the viewer) in LPS. */
void     cusp_view_camera_rotation   (double yaw_deg, double pitch_deg, double rotation[3][3]);
double   cusp_view_camera_distance   (const CuspViewCamera *camera, double aspect);
/* Column-major view (rigid) and perspective projection. */
void     cusp_view_camera_matrices   (const CuspViewCamera *camera, double aspect,
                                      float view[16], float projection[16]);
/* Looks along -toward_eye: the eye sits on the target's `toward_eye` side (need not be unit). */
void     cusp_view_camera_look_from  (CuspViewCamera *camera, const double toward_eye[3]);
/* The view of a C-arm at these angles (the eye at the detector). */
void     cusp_view_camera_set_carm   (CuspViewCamera *camera, const CuspCarmAngles *angles);
/* The eye's position (LPS) and the ray through widget point (x, y) of a width x height view:
 * origin at the eye, unit direction. */
void     cusp_view_camera_ray        (const CuspViewCamera *camera, double width, double height,
                                      double x, double y, double origin[3], double direction[3]);
/* Where an LPS point lands in the widget; FALSE when it is behind the eye. */
gboolean cusp_view_camera_project    (const CuspViewCamera *camera, double width, double height,
                                      const double point[3], double *x, double *y);

G_END_DECLS
