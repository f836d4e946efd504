/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-scene.h: what the views show of the rehearsed valve, in patient coordinates (LPS,
 * mm), shared by every view of a window through its CuspViewLink (GL-free, GTK-free).
 *
 * One writer, many readers. The valve panel writes: the root frame of the segmented root, the
 * valve's pose and size, and the deployed frame of the newest solver answer. The 3D and slice
 * views read it and redraw on ::changed. A view that lets the user drag the valve never moves it
 * itself: it asks with cusp_valve_scene_request_pose, the panel (which owns the pose, the solver
 * and the undo history) decides and writes the pose back, so every path that moves the valve —
 * spin buttons, keys, drags in any view, undo — goes through one place.
 *
 * Pose (sim/cusp-sim.h CuspSimPose, in the root frame): depth_mm from the annular plane down to
 * the frame's inflow edge (> 0 ventricular), tilt_deg about the root frame's x axis around the
 * annulus centre, rotation_deg about the valve's own axis. */
#pragma once

#include <glib-object.h>

#include "cusp-carm.h"
#include "cusp-mesh.h"
#include "cusp-sim.h"

G_BEGIN_DECLS

/* The root frame: origin at the annulus centroid, z along the annulus normal toward the aorta,
 * x along the annulus major axis, y = z x x; all LPS, axes unit. */
typedef struct {
  double origin_mm[3];
  double axis_x[3];
  double axis_y[3];
  double axis_z[3];
} CuspSceneFrame;

/* Maps a root-frame point to LPS and back. */
void cusp_scene_frame_to_lps   (const CuspSceneFrame *frame, const double root_mm[3], double lps_mm[3]);
void cusp_scene_frame_from_lps (const CuspSceneFrame *frame, const double lps_mm[3], double root_mm[3]);

/* The valve's own axis and inflow-edge centre in LPS for a pose (what a drag handle sits on). */
void cusp_scene_frame_valve_axis (const CuspSceneFrame *frame, const CuspSimPose *pose,
                                  double inflow_centre_lps[3], double axis_lps[3]);

#define CUSP_TYPE_VALVE_SCENE (cusp_valve_scene_get_type ())
G_DECLARE_FINAL_TYPE (CuspValveScene, cusp_valve_scene, CUSP, VALVE_SCENE, GObject)

CuspValveScene *cusp_valve_scene_new (void);

/* NULL frame: no root (and no valve). Clears the deployed frame. Emits ::changed. */
void     cusp_valve_scene_set_root  (CuspValveScene *self, const CuspSceneFrame *frame);
gboolean cusp_valve_scene_get_root  (CuspValveScene *self, CuspSceneFrame *frame);

/* The valve placed: its pose and its nominal size (device chosen). has_valve FALSE: none. */
void     cusp_valve_scene_set_valve (CuspValveScene    *self,
                                     gboolean           has_valve,
                                     const CuspSimPose *pose,
                                     double             nominal_diameter_mm,
                                     double             height_mm);
/* FALSE when there is no root or no valve; the outputs are untouched then. Any output nullable. */
gboolean cusp_valve_scene_get_valve (CuspValveScene *self,
                                     CuspSimPose    *pose,
                                     double         *nominal_diameter_mm,
                                     double         *height_mm);

/* The deployed frame of the newest answer as a triangle mesh in LPS (copied; NULL removes), and
 * whether that answer is converged. Emits ::changed. */
void            cusp_valve_scene_set_frame_mesh (CuspValveScene *self, const CuspMesh *mesh,
                                                 gboolean converged);
/* Borrowed; NULL when none. */
const CuspMesh *cusp_valve_scene_get_frame_mesh (CuspValveScene *self, gboolean *converged);
/* Changes whenever the frame mesh is replaced or removed (set_frame_mesh, set_root): a view
 * keeping a GPU copy re-uploads only then, not on every pose change. */
guint           cusp_valve_scene_get_frame_serial (CuspValveScene *self);

/* What the newest answer paints over the root (cusp-valve-overlay.h): a reference is taken; NULL
 * removes. Emits ::changed. set_root removes it. */
typedef struct _CuspValveOverlay CuspValveOverlay;
void              cusp_valve_scene_set_overlay (CuspValveScene *self, CuspValveOverlay *overlay);
/* Borrowed; NULL when none. */
CuspValveOverlay *cusp_valve_scene_get_overlay (CuspValveScene *self);

/* The fluoroscopic views of this root from the measurements (cusp-carm.h): the coplanar
 * three-cusp view and the cusp-overlap view; NULL: not known. Emits ::changed. */
void     cusp_valve_scene_set_carm (CuspValveScene *self, const CuspCarmAngles *coplanar,
                                    const CuspCarmAngles *cusp_overlap);
/* FALSE when not known (outputs untouched; each nullable). */
gboolean cusp_valve_scene_get_carm (CuspValveScene *self, CuspCarmAngles *coplanar,
                                    CuspCarmAngles *cusp_overlap);

/* A view asks for the valve to move (emits ::pose-requested with the pose; the owner applies it
 * or not). Ignored without a root and valve. */
void     cusp_valve_scene_request_pose (CuspValveScene *self, const CuspSimPose *pose);
/* A view brackets a handle drag (its many pose requests) with begin/end, so the owner's history
 * keeps the drag as one entry however slowly it goes; end emits ::interaction-ended. Nested
 * brackets count (two views could not drag at once, but an unbalanced end is ignored). */
void     cusp_valve_scene_begin_interaction (CuspValveScene *self);
void     cusp_valve_scene_end_interaction   (CuspValveScene *self);
gboolean cusp_valve_scene_is_interacting    (CuspValveScene *self);

G_END_DECLS
