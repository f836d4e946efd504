/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-marks.c: the valve's outline, section and handles drawn with cairo (see the header). */
#include "cusp-valve-marks.h"
#include "cusp-valve-section.h"
#include "cusp-volume-view.h"

#include <math.h>

/* The 3D view's handle orange (cusp-valve-handles-3d.c): one colour means "drag me" in every
 * view, apart from the valve's blue, the leak magenta and the planes' red, green and yellow. */
static const double handle_rgb[3] = { 0.95, 0.55, 0.10 };

void
cusp_valve_marks_get_handle_color (double rgb[3])
{
  for (int i = 0; i < 3; i++)
    rgb[i] = handle_rgb[i];
}

static void
trace_loop (cairo_t *cr, const double (*points)[2], int n)
{
  cairo_move_to (cr, points[0][0], points[0][1]);
  for (int k = 1; k < n; k++)
    cairo_line_to (cr, points[k][0], points[k][1]);
  cairo_close_path (cr);
}

static void
draw_outline (cairo_t *cr, const CuspSliceFrame *frame, CuspValveScene *scene, const float rgb[3])
{
  CuspValvePlacement valve;
  CuspValveOutline outline;
  double inflow[3], axis[3];
  const double dash[2] = { 6.0, 4.0 }, dots[2] = { 2.0, 4.0 };

  if (!cusp_valve_placement_from_scene (scene, &valve))
    return;
  cusp_scene_frame_valve_axis (&valve.root, &valve.pose, inflow, axis);
  if (!cusp_valve_outline_project (frame, inflow, axis, valve.diameter_mm, valve.height_mm, &outline))
    return;

  cairo_save (cr);
  cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], 0.7);
  cairo_set_line_width (cr, 1.0);
  cairo_set_dash (cr, dash, 2, 0.0);
  trace_loop (cr, (const double (*)[2]) outline.inflow_px, CUSP_VALVE_OUTLINE_CIRCLE_POINTS);
  trace_loop (cr, (const double (*)[2]) outline.outflow_px, CUSP_VALVE_OUTLINE_CIRCLE_POINTS);
  if (outline.has_silhouette)
    for (int side = 0; side < 2; side++)
      {
        cairo_move_to (cr, outline.silhouette_px[side][0][0], outline.silhouette_px[side][0][1]);
        cairo_line_to (cr, outline.silhouette_px[side][1][0], outline.silhouette_px[side][1][1]);
      }
  cairo_stroke (cr);
  /* the axis, dotted: what the depth handle slides along */
  cairo_set_dash (cr, dots, 2, 0.0);
  cairo_move_to (cr, outline.axis_px[0][0], outline.axis_px[0][1]);
  cairo_line_to (cr, outline.axis_px[1][0], outline.axis_px[1][1]);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_section (cairo_t *cr, const CuspSliceFrame *frame, CuspValveScene *scene, const float rgb[3],
              GArray *scratch)
{
  const CuspMesh *mesh = cusp_valve_scene_get_frame_mesh (scene, NULL);
  guint n;

  if (mesh == NULL)
    return;
  g_array_set_size (scratch, 0);
  n = cusp_valve_section_cut (mesh, frame, scratch);
  if (n == 0)
    return;
  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, 2.0);
  cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], 1.0);
  for (guint i = 0; i < n; i++)
    {
      const double *s = &g_array_index (scratch, double, 4 * i);

      cairo_move_to (cr, s[0], s[1]);
      cairo_line_to (cr, s[2], s[3]);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_handles (cairo_t *cr, const CuspValveHandles *handles, CuspValveHandle hot)
{
  cairo_save (cr);
  if (handles->shown[CUSP_VALVE_HANDLE_ROTATION])
    {
      /* the spoke from the axis to the knob: the frame's reference direction */
      cairo_set_source_rgba (cr, handle_rgb[0], handle_rgb[1], handle_rgb[2], 0.9);
      cairo_set_line_width (cr, 1.5);
      cairo_move_to (cr, handles->stem_px[0], handles->stem_px[1]);
      cairo_line_to (cr, handles->x_px[CUSP_VALVE_HANDLE_ROTATION], handles->y_px[CUSP_VALVE_HANDLE_ROTATION]);
      cairo_stroke (cr);
    }
  for (int h = 0; h < CUSP_VALVE_N_HANDLES; h++)
    {
      double radius = CUSP_VALVE_HANDLE_RADIUS_PX + (h == (int) hot ? 1.5 : 0.0);

      if (!handles->shown[h])
        continue;
      cairo_new_path (cr);
      if (h == CUSP_VALVE_HANDLE_TILT)
        {
          /* a diamond: told from the depth disc on the same axis at a glance */
          double x = handles->x_px[h], y = handles->y_px[h], d = 1.3 * radius;

          cairo_move_to (cr, x, y - d);
          cairo_line_to (cr, x + d, y);
          cairo_line_to (cr, x, y + d);
          cairo_line_to (cr, x - d, y);
          cairo_close_path (cr);
        }
      else
        cairo_arc (cr, handles->x_px[h], handles->y_px[h], radius, 0.0, 2.0 * G_PI);
      /* hovered or dragged: lit halfway to white, as the 3D view lights its handles */
      if (h == (int) hot)
        cairo_set_source_rgb (cr, 0.5 * (handle_rgb[0] + 1.0), 0.5 * (handle_rgb[1] + 1.0), 0.5 * (handle_rgb[2] + 1.0));
      else
        cairo_set_source_rgb (cr, handle_rgb[0], handle_rgb[1], handle_rgb[2]);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0.0, 0.0, 0.0, 0.8);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

void
cusp_valve_marks_draw (cairo_t                *cr,
                       const CuspSliceFrame   *frame,
                       CuspValveScene         *scene,
                       const CuspValveHandles *handles,
                       CuspValveHandle         hot,
                       GArray                 *scratch)
{
  float rgb[3];

  g_return_if_fail (cr != NULL && frame != NULL && scratch != NULL);

  if (scene == NULL)
    return;
  cusp_volume_view_get_valve_color (rgb);
  draw_outline (cr, frame, scene, rgb);
  draw_section (cr, frame, scene, rgb, scratch);
  if (handles != NULL)
    draw_handles (cr, handles, hot);
}
