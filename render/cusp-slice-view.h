/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-slice-view.h: one axial, coronal or sagittal MPR view of a CuspViewLink.
 *
 * A GtkOverlay around a GtkGLArea that draws the slice (CuspMprRenderer), with the orientation
 * letters, slice position, window/level, the value under the pointer and a scale bar on top.
 * Mouse and keys (also in the view title's tooltip), chosen to match ITK-SNAP and 3D Slicer:
 *
 *   primary click / drag            move the crosshair (the other views follow)
 *   right drag, or Shift + drag     window/level: right = wider window, up = brighter
 *   middle drag, or Ctrl + drag     pan
 *   scroll, Page Up/Down, arrows    next / previous slice
 *   Ctrl + scroll, pinch            zoom about the pointer
 *   double click                    reset zoom and pan
 *   primary drag on a valve handle  move the valve (cusp-valve-handles.h); Escape cancels
 *
 * The valve of the link's CuspValveScene is drawn over the slice (cusp-valve-marks.h).
 */
#pragma once

#include "cusp-slice-geometry.h"
#include "cusp-view-link.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CUSP_TYPE_SLICE_VIEW (cusp_slice_view_get_type ())
G_DECLARE_FINAL_TYPE (CuspSliceView, cusp_slice_view, CUSP, SLICE_VIEW, GtkWidget)

CuspSliceView        *cusp_slice_view_new             (CuspViewLink         *link,
                                                       CuspSliceOrientation  orientation);
CuspViewLink         *cusp_slice_view_get_link        (CuspSliceView        *self);
CuspSliceOrientation  cusp_slice_view_get_orientation (CuspSliceView        *self);
/* 1 fits the volume in the view; clamped to 0.1 .. 64. */
void                  cusp_slice_view_set_zoom        (CuspSliceView        *self,
                                                       double                zoom);
double                cusp_slice_view_get_zoom        (CuspSliceView        *self);
/* Back to zoom 1 and no pan (what a double click does). */
void                  cusp_slice_view_reset           (CuspSliceView        *self);
/* Moves the crosshair `count` slices along the view's next-slice direction (S, A or L). */
void                  cusp_slice_view_move_slices     (CuspSliceView        *self,
                                                       int                   count);
/* The view's current pixel <-> LPS mapping, for callers (and tests) that place things on it. */
void                  cusp_slice_view_get_frame       (CuspSliceView        *self,
                                                       CuspSliceFrame       *frame);
/* The distance caliper's length in mm (Ctrl+Shift+drag on the view), 0 when there is none;
 * notified as "ruler-length-mm". */
double                cusp_slice_view_get_ruler_length_mm (CuspSliceView   *self);
/* Why the view cannot draw (no GL 3.3, shader or texture failure), or NULL. */
const GError         *cusp_slice_view_get_error       (CuspSliceView        *self);

G_END_DECLS
