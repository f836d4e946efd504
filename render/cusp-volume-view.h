/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-volume-view.h: the 3D viewport of a study: the segmented lumen (translucent) and its
 * calcium (opaque, contrasting colour) with small orientation axes (red: patient Right, green:
 * Anterior, blue: Superior). The camera starts facing the patient (anterior view) and orbits the
 * surfaces' centre: drag to orbit, scroll to zoom, middle-drag (or Ctrl+drag) to pan, double
 * click to reset. */
#pragma once

#include "cusp-mesh.h"
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
/* Shows a copy of the deployed valve frame (nullable: NULL removes) without moving the camera;
 * set_meshes removes it (a new root). */
void            cusp_volume_view_set_valve  (CuspVolumeView *self,
                                             const CuspMesh *frame);
/* The valve frame's colour (RGB 0..1), for tests that look for it on screen. */
void            cusp_volume_view_get_valve_color (float rgb[3]);
/* Back to the anterior view framing the surfaces. */
void            cusp_volume_view_reset_camera (CuspVolumeView *self);
/* The lumen's colour (RGB 0..1), for tests that look for it on screen. */
void            cusp_volume_view_get_lumen_color (float rgb[3]);

G_END_DECLS
