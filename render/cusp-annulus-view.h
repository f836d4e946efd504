/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-annulus-view.h: the double-oblique view of the annulus plane, with the annulus contour
 * and the landmarks as draggable handles.
 *
 * The plane comes from the measurement layer (through the three hinge points, normal up the
 * root); the view looks down the root from the aorta side as the axial view looks from the feet,
 * screen up toward patient anterior (cusp-oblique-frame.h). The image is resampled in the plane
 * by the MPR renderer from the view link's shared volume texture, at the link's window/level.
 *
 * Handles lying off the plane (commissures, ostia) are drawn where they project, hollow. Dragging
 * a handle moves it within the plane at its own depth; the view keeps its plane for the whole
 * drag (a hinge drag tilts the plane; following it mid-drag would move the handle away from the
 * pointer) and takes the newest plane when the drag ends.
 *
 * The valve of the link's CuspValveScene is drawn in the plane (cusp-valve-marks.h), with its
 * rotation knob on the rim (cusp-valve-handles.h); a landmark nearer the pointer wins the press. */
#pragma once

#include "cusp-slice-geometry.h"
#include "cusp-view-link.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct {
  double lps_mm[3];
  float rgba[4];
  char label[8];            /* drawn beside the handle: "L", "R", "N", "L-R", "LCA", "STJ" */
} CuspAnnulusHandle;

#define CUSP_TYPE_ANNULUS_VIEW (cusp_annulus_view_get_type ())
G_DECLARE_FINAL_TYPE (CuspAnnulusView, cusp_annulus_view, CUSP, ANNULUS_VIEW, GtkWidget)

CuspAnnulusView *cusp_annulus_view_new         (CuspViewLink            *link);
/* NULL `normal` (or a degenerate one): no plane; the view shows why instead of an image. */
void             cusp_annulus_view_set_plane   (CuspAnnulusView         *self,
                                                const double            *centre_mm,
                                                const double            *normal);
void             cusp_annulus_view_set_contour (CuspAnnulusView         *self,
                                                const double           (*points_mm)[3],
                                                int                      n_points);
void             cusp_annulus_view_set_handles (CuspAnnulusView         *self,
                                                const CuspAnnulusHandle *handles,
                                                int                      n_handles);
/* The current pixel <-> LPS mapping; FALSE while there is no plane. */
gboolean         cusp_annulus_view_get_frame   (CuspAnnulusView         *self,
                                                CuspSliceFrame          *frame);
/* Why the view cannot draw (no GL 3.3, a shader failed), or NULL. */
const GError    *cusp_annulus_view_get_error   (CuspAnnulusView         *self);

G_END_DECLS
