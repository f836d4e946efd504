/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-overlay.c: one answer's pressure, gaps, jets and ostia for the 3D view (see the
 * header). */
#include "cusp-valve-overlay.h"

#include <math.h>
#include <string.h>

#define MAX_GRID_CELLS (4 * 1024 * 1024)   /* far above the solver's grids (180 x 120) */

static void
overlay_clear (gpointer data)
{
  CuspValveOverlay *overlay = data;

  g_free (overlay->pressure_pa);
  g_free (overlay->gap_mm);
}

CuspValveOverlay *
cusp_valve_overlay_new (void)
{
  return g_rc_box_new0 (CuspValveOverlay);
}

CuspValveOverlay *
cusp_valve_overlay_ref (CuspValveOverlay *overlay)
{
  g_return_val_if_fail (overlay != NULL, NULL);
  return g_rc_box_acquire (overlay);
}

void
cusp_valve_overlay_unref (CuspValveOverlay *overlay)
{
  if (overlay != NULL)
    g_rc_box_release_full (overlay, overlay_clear);
}

static gboolean
grid_ok (int angle_count, int height_count, double height_step_mm, const double *values)
{
  if (values == NULL || angle_count < 2 || height_count < 1
      || (gint64) angle_count * height_count > MAX_GRID_CELLS
      || !isfinite (height_step_mm) || height_step_mm <= 0.0)
    return FALSE;
  for (gint64 i = 0; i < (gint64) angle_count * height_count; i++)
    if (!isfinite (values[i]) || values[i] < 0.0)
      return FALSE;
  return TRUE;
}

double
cusp_pressure_scale_max_pa (double peak_pa)
{
  static const double steps[] = { 1.0, 2.0, 2.5, 5.0, 10.0 };
  double decade;

  if (!isfinite (peak_pa) || peak_pa <= 0.0)
    return 100e3;
  decade = pow (10.0, floor (log10 (peak_pa)));
  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] * decade >= peak_pa * (1.0 - 1e-12))
      return steps[i] * decade;
  return 10.0 * decade;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

double
cusp_pressure_scale_percentile_pa (const double *pressure_pa, gsize count)
{
  g_autofree double *loaded = g_new (double, MAX (count, 1));
  gsize n = 0;

  for (gsize i = 0; i < count; i++)
    if (pressure_pa[i] > 0.0)
      loaded[n++] = pressure_pa[i];
  if (n == 0)
    return 0.0;
  qsort (loaded, n, sizeof (double), compare_double);
  return loaded[(gsize) floor (CUSP_OVERLAY_SCALE_PERCENTILE / 100.0 * (n - 1))];
}

gboolean
cusp_valve_overlay_set_pressure (CuspValveOverlay *overlay, int angle_count, int height_count,
                                 double height0_mm, double height_step_mm, const double *pressure_pa)
{
  gsize n;
  double peak = 0.0;

  g_return_val_if_fail (overlay != NULL, FALSE);
  if (!grid_ok (angle_count, height_count, height_step_mm, pressure_pa) || !isfinite (height0_mm))
    return FALSE;
  n = (gsize) angle_count * height_count;
  g_free (overlay->pressure_pa);
  overlay->pressure_pa = g_memdup2 (pressure_pa, n * sizeof (double));
  overlay->pressure_angle_count = angle_count;
  overlay->pressure_height_count = height_count;
  overlay->pressure_height0_mm = height0_mm;
  overlay->pressure_height_step_mm = height_step_mm;
  for (gsize i = 0; i < n; i++)
    peak = MAX (peak, pressure_pa[i]);
  overlay->peak_pressure_pa = peak;
  overlay->scale_max_pa = cusp_pressure_scale_max_pa (cusp_pressure_scale_percentile_pa (pressure_pa, n));
  return TRUE;
}

gboolean
cusp_valve_overlay_set_gap (CuspValveOverlay *overlay, int angle_count, int height_count,
                            double angle_step_deg, double height0_mm, double height_step_mm,
                            double tolerance_mm, const double *gap_mm)
{
  g_return_val_if_fail (overlay != NULL, FALSE);
  if (!grid_ok (angle_count, height_count, height_step_mm, gap_mm) || !isfinite (height0_mm)
      || !isfinite (angle_step_deg) || fabs (angle_count * angle_step_deg - 360.0) > 1e-6
      || !isfinite (tolerance_mm) || tolerance_mm < 0.0)
    return FALSE;
  g_free (overlay->gap_mm);
  overlay->gap_mm = g_memdup2 (gap_mm, (gsize) angle_count * height_count * sizeof (double));
  overlay->gap_angle_count = angle_count;
  overlay->gap_height_count = height_count;
  overlay->gap_angle_step_deg = angle_step_deg;
  overlay->gap_height0_mm = height0_mm;
  overlay->gap_height_step_mm = height_step_mm;
  overlay->gap_tolerance_mm = tolerance_mm;
  return TRUE;
}

static int
by_volume_descending (const void *a, const void *b)
{
  const CuspLeakChannel *ca = *(const CuspLeakChannel * const *) a;
  const CuspLeakChannel *cb = *(const CuspLeakChannel * const *) b;

  return (ca->volume_ml < cb->volume_ml) - (ca->volume_ml > cb->volume_ml);
}

/* How far below the skirt's inflow edge a jet reaches: a readable length at the root's scale,
 * not a modelled jet length. */
#define JET_REACH_MM 8.0

void
cusp_valve_overlay_set_jets (CuspValveOverlay *overlay, const CuspLeakResult *leak,
                             double skirt_radius_mm, double inflow_z_mm)
{
  const CuspLeakChannel *sorted[CUSP_FLOW_MAX_CHANNELS];
  int n = 0;

  g_return_if_fail (overlay != NULL);
  overlay->jet_count = 0;
  if (leak == NULL || !isfinite (skirt_radius_mm) || !isfinite (inflow_z_mm)
      || !(leak->regurgitant_volume_ml > 0.0))
    return;
  for (int i = 0; i < leak->channel_count && i < CUSP_FLOW_MAX_CHANNELS; i++)
    if (leak->channels[i].volume_ml > 0.0 && isfinite (leak->channels[i].volume_ml))
      sorted[n++] = &leak->channels[i];
  qsort (sorted, n, sizeof sorted[0], by_volume_descending);
  for (int i = 0; i < n && i < CUSP_OVERLAY_MAX_JETS; i++)
    {
      const CuspLeakChannel *c = sorted[i];
      CuspOverlayJet *jet = &overlay->jets[overlay->jet_count++];

      jet->angle_deg = c->center_angle_deg;
      jet->radius_mm = skirt_radius_mm + 0.5 * c->mean_gap_mm;
      jet->start_z_mm = MAX (c->narrowest_height_mm, inflow_z_mm);
      jet->end_z_mm = inflow_z_mm - JET_REACH_MM;
      jet->share = CLAMP (c->volume_ml / leak->regurgitant_volume_ml, 0.0, 1.0);
      jet->volume_ml = c->volume_ml;
    }
}

void
cusp_valve_overlay_set_ostium (CuspValveOverlay *overlay, int side, const CuspSceneFrame *frame,
                               const double ostium_lps[3], double free_edge_radius_mm,
                               double free_edge_height_mm, double dlc_mm, int risk_level)
{
  CuspOverlayOstium *o;
  double root[3], theta, edge[3];

  g_return_if_fail (overlay != NULL && frame != NULL && ostium_lps != NULL);
  g_return_if_fail (side >= 0 && side < CUSP_OVERLAY_N_OSTIA);

  o = &overlay->ostia[side];
  o->present = FALSE;
  if (!isfinite (ostium_lps[0]) || !isfinite (ostium_lps[1]) || !isfinite (ostium_lps[2])
      || !isfinite (free_edge_radius_mm) || !isfinite (free_edge_height_mm))
    return;
  /* the ostium's meridian: the half-plane through the root axis and the ostium */
  cusp_scene_frame_from_lps (frame, ostium_lps, root);
  theta = atan2 (root[1], root[0]);
  edge[0] = free_edge_radius_mm * cos (theta);
  edge[1] = free_edge_radius_mm * sin (theta);
  edge[2] = free_edge_height_mm;
  memcpy (o->ostium_lps, ostium_lps, sizeof o->ostium_lps);
  cusp_scene_frame_to_lps (frame, edge, o->leaflet_lps);
  o->dlc_mm = isfinite (dlc_mm) ? dlc_mm : NAN;
  o->risk_level = risk_level >= 0 && risk_level <= 2 ? risk_level : -1;
  o->present = TRUE;
}

static double
wrap_deg (double theta_deg)
{
  double t = fmod (theta_deg, 360.0);
  return t < 0.0 ? t + 360.0 : t;
}

double
cusp_valve_overlay_pressure_at (const CuspValveOverlay *overlay, double theta_deg, double z_mm)
{
  int na, nh, a0, a1, h0;
  double fa, fh, u, v, p0, p1;
  const double *p;

  if (overlay == NULL || overlay->pressure_pa == NULL || !isfinite (theta_deg) || !isfinite (z_mm))
    return 0.0;
  na = overlay->pressure_angle_count;
  nh = overlay->pressure_height_count;
  p = overlay->pressure_pa;
  fh = (z_mm - overlay->pressure_height0_mm) / overlay->pressure_height_step_mm;
  if (fh < 0.0 || fh > nh - 1)
    return 0.0;
  fa = wrap_deg (theta_deg) / 360.0 * na;
  a0 = (int) floor (fa);
  u = fa - a0;
  a0 %= na;
  a1 = (a0 + 1) % na;
  h0 = MIN ((int) floor (fh), MAX (nh - 2, 0));
  v = nh > 1 ? fh - h0 : 0.0;
  p0 = (1.0 - u) * p[h0 * na + a0] + u * p[h0 * na + a1];
  if (nh == 1)
    return p0;
  p1 = (1.0 - u) * p[(h0 + 1) * na + a0] + u * p[(h0 + 1) * na + a1];
  return (1.0 - v) * p0 + v * p1;
}

gboolean
cusp_valve_overlay_gap_open_at (const CuspValveOverlay *overlay, double theta_deg, double z_mm)
{
  int a, h;

  if (overlay == NULL || overlay->gap_mm == NULL || !isfinite (theta_deg) || !isfinite (z_mm))
    return FALSE;
  h = (int) lround ((z_mm - overlay->gap_height0_mm) / overlay->gap_height_step_mm);
  if (h < 0 || h >= overlay->gap_height_count)
    return FALSE;
  a = (int) lround (wrap_deg (theta_deg) / overlay->gap_angle_step_deg) % overlay->gap_angle_count;
  return overlay->gap_mm[h * overlay->gap_angle_count + a] > overlay->gap_tolerance_mm;
}

double
cusp_pressure_fraction (double pressure_pa, double scale_max_pa)
{
  if (!isfinite (pressure_pa) || !isfinite (scale_max_pa) || scale_max_pa <= 0.0 || pressure_pa <= 0.0)
    return 0.0;
  return sqrt (MIN (pressure_pa / scale_max_pa, 1.0));
}

void
cusp_pressure_colormap (double fraction, float rgb[3])
{
  /* viridis (van der Walt and Smith, matplotlib 2015) at five stops, linear in between */
  static const float stops[5][3] = {
    { 0.267f, 0.005f, 0.329f },
    { 0.229f, 0.322f, 0.546f },
    { 0.128f, 0.567f, 0.551f },
    { 0.369f, 0.789f, 0.383f },
    { 0.993f, 0.906f, 0.144f },
  };
  double f = isfinite (fraction) ? CLAMP (fraction, 0.0, 1.0) : 0.0;
  int i = MIN ((int) (f * 4.0), 3);
  double t = f * 4.0 - i;

  for (int c = 0; c < 3; c++)
    rgb[c] = (float) ((1.0 - t) * stops[i][c] + t * stops[i + 1][c]);
}

void
cusp_overlay_gap_color (float rgb[3])
{
  rgb[0] = 0.95f;
  rgb[1] = 0.25f;
  rgb[2] = 0.85f;
}

void
cusp_valve_overlay_color_vertices (const CuspValveOverlay *overlay, const CuspSceneFrame *frame,
                                   const CuspMesh *lumen, const float base_rgba[4], float *rgba)
{
  float gap_rgb[3];

  g_return_if_fail (lumen != NULL && base_rgba != NULL && rgba != NULL);

  cusp_overlay_gap_color (gap_rgb);
  for (guint v = 0; v < lumen->vertex_count; v++)
    {
      float *out = rgba + 4 * (gsize) v;
      double lps[3], root[3], radius, theta_deg, p;

      memcpy (out, base_rgba, 4 * sizeof (float));
      if (overlay == NULL || frame == NULL)
        continue;
      for (int i = 0; i < 3; i++)
        lps[i] = lumen->positions_mm[3 * v + i];
      cusp_scene_frame_from_lps (frame, lps, root);
      radius = hypot (root[0], root[1]);
      if (radius > overlay->frame_radius_mm + CUSP_OVERLAY_WALL_REACH_MM)
        continue;
      theta_deg = atan2 (root[1], root[0]) * 180.0 / G_PI;
      p = cusp_valve_overlay_pressure_at (overlay, theta_deg, root[2]);
      if (p > 0.0)
        {
          cusp_pressure_colormap (cusp_pressure_fraction (p, overlay->scale_max_pa), out);
          out[3] = CUSP_OVERLAY_TINT_ALPHA;
        }
      else if (cusp_valve_overlay_gap_open_at (overlay, theta_deg, root[2]))
        {
          memcpy (out, gap_rgb, sizeof gap_rgb);
          out[3] = CUSP_OVERLAY_TINT_ALPHA;
        }
    }
}

double
cusp_overlay_jet_radius_mm (double share)
{
  /* 0.3 mm for a trace, 1.5 mm for a jet that carries the whole leak */
  return 0.3 + 1.2 * sqrt (isfinite (share) ? CLAMP (share, 0.0, 1.0) : 0.0);
}

void
cusp_overlay_risk_color (int risk_level, float rgb[3])
{
  /* the panel's lights: #2ec27e, #e5a50a, #e01b24, grey #9a9996 */
  static const float lights[4][3] = {
    { 0.180f, 0.761f, 0.494f }, { 0.898f, 0.647f, 0.039f }, { 0.878f, 0.106f, 0.141f },
    { 0.604f, 0.600f, 0.588f },
  };
  memcpy (rgb, lights[risk_level >= 0 && risk_level <= 2 ? risk_level : 3], 3 * sizeof (float));
}

void
cusp_valve_overlay_build_shapes (const CuspValveOverlay *overlay, const CuspSceneFrame *frame,
                                 CuspShapeMesh *shapes)
{
  float rgba[4] = { 0, 0, 0, 1.0f };

  g_return_if_fail (shapes != NULL);
  if (overlay == NULL || frame == NULL)
    return;
  cusp_overlay_gap_color (rgba);
  for (int j = 0; j < overlay->jet_count; j++)
    {
      const CuspOverlayJet *jet = &overlay->jets[j];
      double t = jet->angle_deg * G_PI / 180.0, r = cusp_overlay_jet_radius_mm (jet->share);
      double length = jet->start_z_mm - jet->end_z_mm, head = MIN (3.0 * r + 1.0, 0.5 * length);
      double root_a[3] = { jet->radius_mm * cos (t), jet->radius_mm * sin (t), jet->start_z_mm };
      double root_b[3] = { root_a[0], root_a[1], jet->end_z_mm + head };
      double root_c[3] = { root_a[0], root_a[1], jet->end_z_mm };
      double a[3], b[3], c[3];

      cusp_scene_frame_to_lps (frame, root_a, a);
      cusp_scene_frame_to_lps (frame, root_b, b);
      cusp_scene_frame_to_lps (frame, root_c, c);
      cusp_shape_mesh_add_tube (shapes, a, b, r, 10, rgba);
      cusp_shape_mesh_add_cone (shapes, b, c, 2.0 * r, 12, rgba);
    }
  for (int side = 0; side < CUSP_OVERLAY_N_OSTIA; side++)
    {
      const CuspOverlayOstium *o = &overlay->ostia[side];

      if (!o->present)
        continue;
      cusp_overlay_risk_color (o->risk_level, rgba);
      cusp_shape_mesh_add_sphere (shapes, o->ostium_lps, 1.5, rgba);
      cusp_shape_mesh_add_tube (shapes, o->ostium_lps, o->leaflet_lps, 0.3, 8, rgba);
      cusp_shape_mesh_add_sphere (shapes, o->leaflet_lps, 0.7, rgba);
    }
}
