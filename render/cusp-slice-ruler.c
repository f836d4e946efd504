/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-slice-ruler.c: the distance caliper drawn over a slice (see the header). */
#include "cusp-slice-ruler.h"

#include <math.h>

/* White on a black outline, as PACS calipers are: apart from the valve's sky blue, the handles'
 * orange and the crosshair's red, green and yellow (DESIGN.md, render: the palette). */
static const double ruler_rgb[3] = { 1.0, 1.0, 1.0 };

#define TICK_HALF_PX 5.0
#define LABEL_OFFSET_PX 8.0

void
cusp_slice_ruler_get_color (double rgb[3])
{
  for (int i = 0; i < 3; i++)
    rgb[i] = ruler_rgb[i];
}

double
cusp_slice_ruler_length_mm (const CuspSliceRuler *ruler)
{
  double sum = 0.0;

  g_return_val_if_fail (ruler != NULL, NAN);
  if (!ruler->placed)
    return NAN;
  for (int i = 0; i < 3; i++)
    sum += (ruler->end_lps[i] - ruler->start_lps[i]) * (ruler->end_lps[i] - ruler->start_lps[i]);
  return sqrt (sum);
}

gboolean
cusp_slice_ruler_on_plane (const CuspSliceRuler *ruler,
                           const CuspSliceFrame *frame,
                           double                tolerance_mm)
{
  double x, y;

  g_return_val_if_fail (ruler != NULL && frame != NULL, FALSE);
  return ruler->placed
         && fabs (cusp_slice_frame_lps_to_screen (frame, ruler->start_lps, &x, &y)) <= tolerance_mm
         && fabs (cusp_slice_frame_lps_to_screen (frame, ruler->end_lps, &x, &y)) <= tolerance_mm;
}

char *
cusp_slice_ruler_label (const CuspSliceRuler *ruler)
{
  double length_mm = cusp_slice_ruler_length_mm (ruler);

  if (!isfinite (length_mm))
    return NULL;
  return g_strdup_printf ("%.1f mm", length_mm);
}

static void
trace_ruler (cairo_t *cr, const double a[2], const double b[2])
{
  double dx = b[0] - a[0], dy = b[1] - a[1], length = hypot (dx, dy);
  double nx = length > 0.0 ? -dy / length : 0.0, ny = length > 0.0 ? dx / length : 1.0;

  cairo_move_to (cr, a[0], a[1]);
  cairo_line_to (cr, b[0], b[1]);
  for (int end = 0; end < 2; end++)
    {
      const double *p = end == 0 ? a : b;
      cairo_move_to (cr, p[0] - nx * TICK_HALF_PX, p[1] - ny * TICK_HALF_PX);
      cairo_line_to (cr, p[0] + nx * TICK_HALF_PX, p[1] + ny * TICK_HALF_PX);
    }
}

void
cusp_slice_ruler_draw (cairo_t              *cr,
                       const CuspSliceRuler *ruler,
                       const CuspSliceFrame *frame,
                       double                tolerance_mm)
{
  double a[2], b[2], mid[2], dx, dy, length, nx, ny;
  g_autofree char *label = NULL;
  cairo_text_extents_t extents;
  double lx, ly;

  g_return_if_fail (cr != NULL && ruler != NULL && frame != NULL);
  if (!cusp_slice_ruler_on_plane (ruler, frame, tolerance_mm))
    return;
  cusp_slice_frame_lps_to_screen (frame, ruler->start_lps, &a[0], &a[1]);
  cusp_slice_frame_lps_to_screen (frame, ruler->end_lps, &b[0], &b[1]);

  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  /* a dark outline under the light line: readable on white contrast and on black air alike */
  trace_ruler (cr, a, b);
  cairo_set_source_rgba (cr, 0.0, 0.0, 0.0, 0.75);
  cairo_set_line_width (cr, 3.5);
  cairo_stroke (cr);
  trace_ruler (cr, a, b);
  cairo_set_source_rgb (cr, ruler_rgb[0], ruler_rgb[1], ruler_rgb[2]);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);

  /* the label beside the middle, on the side away from the line, on a dark band */
  label = cusp_slice_ruler_label (ruler);
  mid[0] = 0.5 * (a[0] + b[0]);
  mid[1] = 0.5 * (a[1] + b[1]);
  dx = b[0] - a[0];
  dy = b[1] - a[1];
  length = hypot (dx, dy);
  nx = length > 0.0 ? -dy / length : 0.0;
  ny = length > 0.0 ? dx / length : -1.0;
  if (ny > 0.0)               /* above the line rather than below it */
    {
      nx = -nx;
      ny = -ny;
    }
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 12.0);
  cairo_text_extents (cr, label, &extents);
  lx = mid[0] + nx * LABEL_OFFSET_PX - (nx < 0.0 ? extents.x_advance : 0.0);
  ly = mid[1] + ny * LABEL_OFFSET_PX;
  cairo_set_source_rgba (cr, 0.0, 0.0, 0.0, 0.6);
  cairo_rectangle (cr, lx - 3.0, ly + extents.y_bearing - 2.0, extents.x_advance + 6.0, extents.height + 4.0);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, ruler_rgb[0], ruler_rgb[1], ruler_rgb[2]);
  cairo_move_to (cr, lx, ly);
  cairo_show_text (cr, label);
  cairo_restore (cr);
}
