/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-volume-view.h: the 3D viewport of a study. For now it clears to a background and shows
 * small orientation axes (red: patient Right, green: Anterior, blue: Superior); later issues
 * draw the segmented root and the valve into it. */
#pragma once

#include "cusp-view-link.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CUSP_TYPE_VOLUME_VIEW (cusp_volume_view_get_type ())
G_DECLARE_FINAL_TYPE (CuspVolumeView, cusp_volume_view, CUSP, VOLUME_VIEW, GtkGLArea)

CuspVolumeView *cusp_volume_view_new      (CuspViewLink   *link);
CuspViewLink   *cusp_volume_view_get_link (CuspVolumeView *self);

G_END_DECLS
