/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-volume-view.h: the 3D viewport of a study: the segmented lumen (translucent) and its
 * calcium (opaque, contrasting colour) with small orientation axes (red: patient Right, green:
 * Anterior, blue: Superior). The camera starts facing the patient (anterior view) and orbits the
 * surfaces' centre: drag to orbit, scroll to zoom, middle-drag (or Ctrl+drag) to pan, double
 * click to reset.
 *
 * The rehearsed valve comes from the link's CuspValveScene: the deployed frame as tubes, the
 * newest answer's overlay (the wall coloured by contact pressure with a legend, open gaps and
 * leak jets, the coronary ostia with their line and distance to the displaced leaflet), and drag
 * handles (depth arrow, rotation ring, tilt knob: cusp-valve-handles-3d.h) that ask the scene
 * for a pose; Escape during a drag puts back the pose it started from.
 *
 * Test hook: CUSP_TEST_VIEW3D_FILE gets, after each frame that changed them, the view's size,
 * the camera's angles, the overlay's jet count, whether the volume is ray-cast, the handles'
 * positions on screen and the legend's box (JSON, logical pixels of the view). */
#pragma once

#include "cusp-carm.h"
#include "cusp-mesh.h"
#include "cusp-transfer-function.h"
#include "cusp-view-link.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CUSP_TYPE_VOLUME_VIEW (cusp_volume_view_get_type ())
G_DECLARE_FINAL_TYPE (CuspVolumeView, cusp_volume_view, CUSP, VOLUME_VIEW, GtkGLArea)

CuspVolumeView *cusp_volume_view_new      (CuspViewLink   *link);
CuspViewLink   *cusp_volume_view_get_link (CuspVolumeView *self);
/* Shows copies of the surfaces (both nullable: NULL removes) and frames them. */
void            cusp_volume_view_set_meshes (CuspVolumeView *self,
                                             const CuspMesh *lumen,
                                             const CuspMesh *calcium);
/* The deployed valve frame is the link's CuspValveScene's (drawn on its ::changed, without
 * moving the camera). */
/* The valve frame's colour (RGB 0..1), for tests that look for it on screen. */
void            cusp_volume_view_get_valve_color (float rgb[3]);
/* Back to the anterior view framing the surfaces. */
void            cusp_volume_view_reset_camera (CuspVolumeView *self);
/* The lumen's colour (RGB 0..1), for tests that look for it on screen. */
void            cusp_volume_view_get_lumen_color (float rgb[3]);
/* The camera of a C-arm at these angles (the eye at the detector, superior up). */
void            cusp_volume_view_set_carm_view (CuspVolumeView *self, const CuspCarmAngles *angles);
/* Looking down the root's axis from the aorta toward the ventricle (the annulus en face);
 * FALSE when there is no root yet. */
gboolean        cusp_volume_view_look_along_annulus (CuspVolumeView *self);
/* GPU ray-cast volume rendering of the link's volume with a transfer-function preset
 * (cusp-raycast-renderer.h), behind the translucent lumen; off by default. While the user drags
 * in the view the volume is left out and drawn again when the drag ends (a frame costs a few
 * hundred ms of CPU on llvmpipe). */
void            cusp_volume_view_set_volume_rendering (CuspVolumeView   *self,
                                                       gboolean          enabled,
                                                       CuspRaycastPreset preset);
gboolean        cusp_volume_view_get_volume_rendering (CuspVolumeView    *self,
                                                       CuspRaycastPreset *preset);

G_END_DECLS
