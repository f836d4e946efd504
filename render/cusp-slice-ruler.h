/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-slice-ruler.h: the distance caliper of a slice view, as every PACS and 3mensio have it.
 *
 * The ruler's ends are kept in patient coordinates (LPS mm), not in pixels: it stays on the
 * anatomy while the view is panned or zoomed, and its length is the true distance between the two
 * points whatever the view's scale. It belongs to the slice it was drawn on: when the view moves
 * to another slice it is hidden, and it comes back on its own slice. Plain cairo and maths. */
#pragma once

#include "cusp-slice-geometry.h"

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gboolean placed;          /* FALSE: no ruler */
  double start_lps[3];
  double end_lps[3];
} CuspSliceRuler;

/* Shorter than this on screen, a ruler is taken for a click and dropped. */
#define CUSP_SLICE_RULER_MIN_PX 3.0

double   cusp_slice_ruler_length_mm (const CuspSliceRuler *ruler);
/* TRUE when both ends lie within `tolerance_mm` of the view's plane. */
gboolean cusp_slice_ruler_on_plane  (const CuspSliceRuler *ruler,
                                     const CuspSliceFrame *frame,
                                     double                tolerance_mm);
/* The label drawn beside the ruler: "23.4 mm" (one decimal: what a 0.5 mm voxel supports). */
char    *cusp_slice_ruler_label     (const CuspSliceRuler *ruler);
/* Draws the ruler (a light line on a dark outline, end ticks, the label on a dark band) when it
 * is placed and on the view's plane. */
void     cusp_slice_ruler_draw      (cairo_t              *cr,
                                     const CuspSliceRuler *ruler,
                                     const CuspSliceFrame *frame,
                                     double                tolerance_mm);
/* The ruler's colour (RGB 0..1): white, on a black outline. */
void     cusp_slice_ruler_get_color (double rgb[3]);

G_END_DECLS
