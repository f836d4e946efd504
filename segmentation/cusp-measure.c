/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-measure.c: the measurement pass over landmarks + image, and the table of stable keys with
 * their hover definitions (conventions in cusp-measure.h). */
#include "cusp-measure-private.h"
#include "cusp-error.h"
#include "cusp-vec3.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#define LVOT_CALCIUM_DEPTH_MM 10.0
#define ASCENDING_CALCIUM_SPAN_MM 20.0
#define MIN_STJ_HEIGHT_MM 3.0
/* Leaflet gaps the annulus rays cross: a closed leaflet crossed at a slant on a 1.5 mm CT (three
 * voxels), only while the ray is inside 85 % of the hinge circle; a bridged ray that runs on past
 * 1.5 x that circle went through a thin wall into a neighbour and falls back to its last gap
 * (cusp-measure-section.c). Tuned by looking at the real CT's hinge plane (seg-dump-planes). */
#define ANNULUS_BRIDGE_GAP_MM 4.5
#define ANNULUS_BRIDGE_FRACTION 0.85

typedef struct {
  float lps_mm[3];
  float value;
} CalciumCandidate;

struct _CuspMeasureContext {
  CuspVolume *volume;
  CuspMeasureParams params;
  gboolean calcium_available;
  double candidate_floor;        /* candidates hold every voxel >= this (or in the mask) */
  GArray *candidates;            /* (element-type CalciumCandidate) */
  double voxel_mm3;
};


CuspMeasureParams
cusp_measure_default_params (void)
{
  return (CuspMeasureParams) {
    .lumen_threshold = NAN,
    .calcium_threshold = NAN,
    .calcium_mask = NULL,
    .lvot_offset_mm = 4.0,
    .ascending_height_mm = 40.0,
    .max_radius_mm = 40.0,
  };
}

static void
collect_candidates (CuspMeasureContext *ctx)
{
  const CuspVolume *vol = ctx->volume, *mask = ctx->params.calcium_mask;

  ctx->candidates = g_array_new (FALSE, FALSE, sizeof (CalciumCandidate));
  for (int k = 0; k < vol->dims[2]; k++)
    for (int j = 0; j < vol->dims[1]; j++)
      for (int i = 0; i < vol->dims[0]; i++)
        {
          double value = cusp_volume_get_value (vol, i, j, k), ijk[3] = { i, j, k }, lps[3];
          CalciumCandidate c;
          if (mask != NULL ? cusp_volume_get_value (mask, i, j, k) == 0.0 : !(value >= ctx->candidate_floor))
            continue;
          cusp_volume_index_to_lps (vol, ijk, lps);
          for (int a = 0; a < 3; a++)
            c.lps_mm[a] = lps[a];
          c.value = mask != NULL ? G_MAXFLOAT : value;
          g_array_append_val (ctx->candidates, c);
        }
}

CuspMeasureContext *
cusp_measure_context_new (CuspVolume *volume, const CuspMeasureParams *params, GError **error)
{
  g_autoptr(CuspMeasureContext) ctx = NULL;
  const CuspMeasureParams defaults = cusp_measure_default_params ();

  g_return_val_if_fail (volume != NULL, NULL);

  if (volume->dims[0] < 8 || volume->dims[1] < 8 || volume->dims[2] < 8)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "A %d × %d × %d image is too small to measure an aortic root in",
                   volume->dims[0], volume->dims[1], volume->dims[2]);
      return NULL;
    }
  ctx = g_new0 (CuspMeasureContext, 1);
  ctx->volume = cusp_volume_ref (volume);
  ctx->params = params != NULL ? *params : defaults;
  if (!(ctx->params.lvot_offset_mm > 0.0 && ctx->params.lvot_offset_mm < 20.0))
    ctx->params.lvot_offset_mm = defaults.lvot_offset_mm;
  if (!(ctx->params.ascending_height_mm > 0.0 && ctx->params.ascending_height_mm < 120.0))
    ctx->params.ascending_height_mm = defaults.ascending_height_mm;
  if (!(ctx->params.max_radius_mm > 5.0 && ctx->params.max_radius_mm < 100.0))
    ctx->params.max_radius_mm = defaults.max_radius_mm;
  ctx->voxel_mm3 = volume->spacing_mm[0] * volume->spacing_mm[1] * volume->spacing_mm[2];

  if (ctx->params.calcium_mask != NULL)
    {
      const CuspVolume *mask = ctx->params.calcium_mask;
      if (memcmp (mask->dims, volume->dims, sizeof volume->dims) != 0)
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                       "The calcium mask (%d × %d × %d) does not match the image (%d × %d × %d)",
                       mask->dims[0], mask->dims[1], mask->dims[2],
                       volume->dims[0], volume->dims[1], volume->dims[2]);
          return NULL;
        }
      ctx->calcium_available = TRUE;
    }
  else if (isfinite (ctx->params.calcium_threshold))
    {
      ctx->candidate_floor = ctx->params.calcium_threshold;
      ctx->calcium_available = TRUE;
    }
  else if (volume->hounsfield)
    {
      /* The automatic threshold is 450 or 850 HU: keep everything from the lower one. */
      ctx->candidate_floor = 450.0;
      ctx->calcium_available = TRUE;
    }
  if (ctx->calcium_available)
    collect_candidates (ctx);
  return g_steal_pointer (&ctx);
}

void
cusp_measure_context_free (CuspMeasureContext *ctx)
{
  if (ctx == NULL)
    return;
  cusp_volume_unref (ctx->volume);
  if (ctx->candidates != NULL)
    g_array_unref (ctx->candidates);
  g_free (ctx);
}

void
cusp_measurements_clear (CuspMeasurements *m)
{
  if (m->warnings != NULL)
    g_ptr_array_unref (m->warnings);
  memset (m, 0, sizeof *m);
}

static void
warn (CuspMeasurements *m, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
warn (CuspMeasurements *m, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_ptr_array_add (m->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

static gboolean
landmarks_finite (const CuspLandmarks *lm)
{
  const double *points[] = { lm->hinge_mm[0], lm->hinge_mm[1], lm->hinge_mm[2], lm->commissure_mm[0],
                             lm->commissure_mm[1], lm->commissure_mm[2], lm->left_ostium_mm,
                             lm->right_ostium_mm, lm->stj_center_mm };

  for (gsize p = 0; p < G_N_ELEMENTS (points); p++)
    for (int i = 0; i < 3; i++)
      if (!isfinite (points[p][i]) || fabs (points[p][i]) > 1e5)
        return FALSE;
  if (lm->centerline_count < 0 || lm->centerline_count > CUSP_LANDMARKS_MAX_CENTERLINE)
    return FALSE;
  for (int c = 0; c < lm->centerline_count; c++)
    for (int i = 0; i < 3; i++)
      if (!isfinite (lm->centerline_mm[c][i]))
        return FALSE;
  return TRUE;
}

/* Mean intensity over a small disk of the section's inner half: the lumen enhancement. */
static double
section_lumen_mean (const CuspVolume *volume, const CuspSection *s)
{
  double sum = 0.0;
  int n = 0;

  for (int i = 0; i < s->point_count; i += 10)
    for (double f = 0.1; f < 0.55; f += 0.15)
      {
        double p[3];
        for (int k = 0; k < 3; k++)
          p[k] = s->centroid_mm[k] + f * (s->points_mm[i][k] - s->centroid_mm[k]);
        sum += cusp_volume_sample_lps (volume, p, 0.0);
        n++;
      }
  return n > 0 ? sum / n : NAN;
}

static void
invalidate_section (CuspSection *s)
{
  s->valid = FALSE;
  s->area_mm2 = s->perimeter_mm = s->dmin_mm = s->dmax_mm = NAN;
  s->area_diameter_mm = s->perimeter_diameter_mm = s->eccentricity = NAN;
}

static void
measure_section (const CuspRayCaster *caster, const double center[3], const double normal[3],
                 CuspSection *s, CuspMeasurements *m, const char *name)
{
  if (!cusp_section_measure (caster, center, normal, s))
    {
      invalidate_section (s);
      warn (m, "The %s could not be measured: no closed lumen around its centre", name);
    }
  else if (s->bridged_rays > CUSP_MEASURE_RAYS / 10)
    warn (m, "%d of %d rays of the %s contour were bridged over an opening (branch, ostium or "
          "leak): check the contour", s->bridged_rays, CUSP_MEASURE_RAYS, name);
}

/* Point and tangent of the centerline at `height` above the annulus; FALSE without one. */
static gboolean
centerline_at_height (const CuspLandmarks *lm, const double c[3], const double n[3], double height,
                      double point[3], double tangent[3])
{
  for (int i = 0; i + 1 < lm->centerline_count; i++)
    {
      const double *a = lm->centerline_mm[i], *b = lm->centerline_mm[i + 1];
      double da[3] = { a[0] - c[0], a[1] - c[1], a[2] - c[2] };
      double db[3] = { b[0] - c[0], b[1] - c[1], b[2] - c[2] };
      double ha = cusp_vec3_dot (da, n), hb = cusp_vec3_dot (db, n), t;
      if ((ha - height) * (hb - height) > 0.0 || ha == hb)
        continue;
      t = (height - ha) / (hb - ha);
      for (int k = 0; k < 3; k++)
        {
          point[k] = a[k] + t * (b[k] - a[k]);
          tangent[k] = (b[k] - a[k]) * (hb > ha ? 1.0 : -1.0);
        }
      return cusp_vec3_normalize (tangent) > 0.0;
    }
  return FALSE;
}

/* In-plane angle of p about the axis (c, n) against basis (u, v). */
static double
plane_angle (const double p[3], const double c[3], const double u[3], const double v[3])
{
  double d[3] = { p[0] - c[0], p[1] - c[1], p[2] - c[2] };
  return atan2 (cusp_vec3_dot (d, v), cusp_vec3_dot (d, u));
}

static double
wrap_2pi (double a)
{
  a = fmod (a, 2.0 * G_PI);
  return a < 0.0 ? a + 2.0 * G_PI : a;
}

static void
measure_calcium (CuspMeasureContext *ctx, const CuspLandmarks *lm, CuspMeasurements *m)
{
  double u[3], v[3], hinge_angle[CUSP_CUSP_COUNT], comm_angle[CUSP_COMMISSURE_COUNT];
  double r_lvot, r_valve, r_asc, threshold;
  /* The two commissures bounding each cusp. */
  static const int bounds[CUSP_CUSP_COUNT][2] = {
    { CUSP_COMMISSURE_NON_LEFT, CUSP_COMMISSURE_LEFT_RIGHT },
    { CUSP_COMMISSURE_LEFT_RIGHT, CUSP_COMMISSURE_RIGHT_NON },
    { CUSP_COMMISSURE_RIGHT_NON, CUSP_COMMISSURE_NON_LEFT },
  };
  const double *c = m->annulus_center_mm, *n = m->annulus_normal;

  for (int r = 0; r < CUSP_CALCIUM_REGION_COUNT; r++)
    m->calcium_mm3[r] = NAN;
  m->calcium_valve_mm3 = m->calcium_total_mm3 = m->calcium_threshold = NAN;
  if (!ctx->calcium_available)
    {
      warn (m, "Calcium was not measured: the image is not in Hounsfield units and no calcium "
               "threshold or mask was given");
      return;
    }
  if (ctx->params.calcium_mask != NULL)
    {
      threshold = -G_MAXDOUBLE;      /* every masked voxel counts */
      /* the threshold the mask was labelled with, when the caller says */
      m->calcium_threshold = ctx->params.calcium_threshold;
    }
  else
    {
      if (isfinite (ctx->params.calcium_threshold))
        threshold = ctx->params.calcium_threshold;
      else
        threshold = isfinite (m->lumen_hu) && m->lumen_hu < 300.0 ? 450.0 : 850.0;
      m->calcium_threshold = threshold;
    }

  cusp_plane_basis (n, u, v);
  for (int k = 0; k < CUSP_CUSP_COUNT; k++)
    hinge_angle[k] = plane_angle (lm->hinge_mm[k], c, u, v);
  for (int k = 0; k < CUSP_COMMISSURE_COUNT; k++)
    comm_angle[k] = plane_angle (lm->commissure_mm[k], c, u, v);
  r_lvot = (isfinite (m->annulus.dmax_mm) ? 0.5 * m->annulus.dmax_mm : 15.0) + 5.0;
  r_valve = 0.0;
  for (int k = 0; k < CUSP_CUSP_COUNT; k++)
    r_valve = fmax (r_valve, isfinite (m->sov_diameter_mm[k]) ? 0.5 * m->sov_diameter_mm[k] : 0.0);
  r_valve = (r_valve > 0.0 ? r_valve : r_lvot) + 3.0;
  r_asc = (isfinite (m->stj_diameter_mm) ? 0.5 * m->stj_diameter_mm : r_valve) + 6.0;

  for (int r = 0; r < CUSP_CALCIUM_REGION_COUNT; r++)
    m->calcium_mm3[r] = 0.0;
  for (guint i = 0; i < ctx->candidates->len; i++)
    {
      const CalciumCandidate *cand = &g_array_index (ctx->candidates, CalciumCandidate, i);
      double d[3] = { cand->lps_mm[0] - c[0], cand->lps_mm[1] - c[1], cand->lps_mm[2] - c[2] };
      double h, rho2;
      int region = -1;

      if (cand->value < threshold)
        continue;
      h = cusp_vec3_dot (d, n);
      rho2 = cusp_vec3_dot (d, d) - h * h;
      if (h < 0.0 && h >= -LVOT_CALCIUM_DEPTH_MM && rho2 <= r_lvot * r_lvot)
        region = CUSP_CALCIUM_LVOT;
      else if (h >= 0.0 && h <= m->stj_height_mm && rho2 <= r_valve * r_valve)
        {
          double phi = atan2 (cusp_vec3_dot (d, v), cusp_vec3_dot (d, u));
          for (int k = 0; k < CUSP_CUSP_COUNT && region < 0; k++)
            {
              double a0 = comm_angle[bounds[k][0]];
              double span = wrap_2pi (comm_angle[bounds[k][1]] - a0);
              double hinge = wrap_2pi (hinge_angle[k] - a0), x = wrap_2pi (phi - a0);
              /* The cusp's arc is the one from a0 to the other commissure that holds its hinge. */
              gboolean inside = hinge <= span ? x <= span : x >= span;
              if (inside)
                region = CUSP_CALCIUM_LEAFLET_LEFT + k;
            }
        }
      else if (h > m->stj_height_mm && h <= m->stj_height_mm + ASCENDING_CALCIUM_SPAN_MM &&
               rho2 <= r_asc * r_asc)
        region = CUSP_CALCIUM_ASCENDING;
      if (region >= 0)
        m->calcium_mm3[region] += ctx->voxel_mm3;
    }
  m->calcium_valve_mm3 = m->calcium_mm3[CUSP_CALCIUM_LEAFLET_LEFT] + m->calcium_mm3[CUSP_CALCIUM_LEAFLET_RIGHT] +
                         m->calcium_mm3[CUSP_CALCIUM_LEAFLET_NON];
  m->calcium_total_mm3 = m->calcium_valve_mm3 + m->calcium_mm3[CUSP_CALCIUM_LVOT] +
                         m->calcium_mm3[CUSP_CALCIUM_ASCENDING];
  m->calcium_measured = TRUE;
}

static void
measure_carm (CuspMeasurements *m, const CuspLandmarks *lm)
{
  const double *n = m->annulus_normal;
  double overlap[3], three[3], along;

  m->coplanar_ap.lao_deg = 0.0;
  if (!cusp_carm_coplanar_cra (n, 0.0, &m->coplanar_ap.cra_deg))
    m->coplanar_ap.cra_deg = NAN;
  /* CRA/CAU 0 on the S-curve: n_y cos a = n_x sin a. */
  m->coplanar_lao_at_cra0_deg = fabs (n[0]) > 1e-9 ? atan (n[1] / n[0]) * 180.0 / G_PI : 90.0;

  for (int i = 0; i < 3; i++)
    {
      overlap[i] = lm->hinge_mm[CUSP_CUSP_RIGHT][i] - lm->hinge_mm[CUSP_CUSP_LEFT][i];
      three[i] = lm->hinge_mm[CUSP_CUSP_RIGHT][i] - m->annulus_center_mm[i];
    }
  along = cusp_vec3_dot (three, n);
  for (int i = 0; i < 3; i++)
    three[i] -= along * n[i];
  along = cusp_vec3_dot (overlap, n);
  for (int i = 0; i < 3; i++)
    overlap[i] -= along * n[i];
  cusp_carm_view_along (overlap, &m->cusp_overlap);
  cusp_carm_view_along (three, &m->three_cusp);
}

gboolean
cusp_measure_run (CuspMeasureContext *ctx, const CuspLandmarks *lm, CuspMeasurements *m, GError **error)
{
  CuspRayCaster caster, lvot_caster, annulus_caster;
  const CuspVolume *vol;
  double g[3] = { 0 }, n[3], e1[3], e2[3], stj_d[3], c[3], p[3], t[3], mid[3], lumen_guess;
  double min_spacing;
  CuspSizingInput sizing_in;

  g_return_val_if_fail (ctx != NULL && lm != NULL && m != NULL, FALSE);
  vol = ctx->volume;

  memset (m, 0, sizeof *m);
  m->warnings = g_ptr_array_new_with_free_func (g_free);

  if (!landmarks_finite (lm))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The landmarks hold a point that is not a finite position in millimetres");
      return FALSE;
    }
  /* Annulus plane through the hinges, normal toward the STJ. */
  for (int k = 0; k < CUSP_CUSP_COUNT; k++)
    for (int i = 0; i < 3; i++)
      g[i] += lm->hinge_mm[k][i] / CUSP_CUSP_COUNT;
  for (int i = 0; i < 3; i++)
    {
      e1[i] = lm->hinge_mm[CUSP_CUSP_RIGHT][i] - lm->hinge_mm[CUSP_CUSP_LEFT][i];
      e2[i] = lm->hinge_mm[CUSP_CUSP_NON_CORONARY][i] - lm->hinge_mm[CUSP_CUSP_LEFT][i];
      stj_d[i] = lm->stj_center_mm[i] - g[i];
    }
  cusp_vec3_cross (e1, e2, n);
  if (cusp_vec3_normalize (n) < 2.0)   /* twice the hinge triangle's area, mm² */
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The three hinge points are (nearly) on one line: they do not define an annulus plane");
      return FALSE;
    }
  /* Seen from the aorta the cusps run left -> right -> non-coronary clockwise, so this cross
   * product points into the LV: flip it to point up the root. The STJ then has to be above. */
  for (int i = 0; i < 3; i++)
    n[i] = -n[i];
  m->stj_height_mm = cusp_vec3_dot (stj_d, n);
  if (m->stj_height_mm < MIN_STJ_HEIGHT_MM)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The STJ landmark lies %.1f mm above the annulus plane: it must be at least %.0f mm "
                   "above it (or the cusps are labelled in mirror order)", m->stj_height_mm, MIN_STJ_HEIGHT_MM);
      return FALSE;
    }
  memcpy (m->annulus_normal, n, sizeof n);

  /* Lumen threshold: given, or halfway between the lumen at the annulus and soft tissue. */
  min_spacing = fmin (vol->spacing_mm[0], fmin (vol->spacing_mm[1], vol->spacing_mm[2]));
  /* One voxel per step: a wall is never thinner than the partial-volume edge it makes. */
  caster = (CuspRayCaster) { .volume = vol, .step_mm = min_spacing,
                             .max_radius_mm = ctx->params.max_radius_mm };
  lumen_guess = cusp_volume_sample_lps (vol, g, NAN);
  if (isfinite (ctx->params.lumen_threshold))
    caster.threshold = ctx->params.lumen_threshold;
  else if (!vol->hounsfield)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "This image is not in Hounsfield units: give a lumen threshold (or a seed) to measure it");
      return FALSE;
    }
  else if (isnan (lumen_guess))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The annulus centre (between the hinge points) lies outside the image");
      return FALSE;
    }
  else if (!(lumen_guess >= 150.0))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The annulus centre reads %.0f HU: no contrast-filled lumen there (check the hinge "
                   "points or give a lumen threshold)", lumen_guess);
      return FALSE;
    }
  else
    caster.threshold = 0.5 * (lumen_guess + 75.0);
  m->lumen_threshold = caster.threshold;
  m->hounsfield = vol->hounsfield;

  /* Annulus: once from the hinge centroid, again from the contour's centroid, each moved onto
   * lumen when a closed leaflet sits there. Its rays cross the thin dark lines of closed leaflets
   * inside the hinge circle (cusp_ray_radius): the SCCT annulus is the lumen's outer boundary. */
  annulus_caster = caster;
  annulus_caster.bridge_gap_mm = ANNULUS_BRIDGE_GAP_MM;
  annulus_caster.bridge_fraction = ANNULUS_BRIDGE_FRACTION;
  cusp_ray_caster_bridge_hinges (&annulus_caster, lm->hinge_mm[0], lm->hinge_mm[1], lm->hinge_mm[2]);
  /* Not in Hounsfield units (MR): walls thinner than a voxel may not show at all; where they do
   * not, the contour follows the hinge circle, and a warning below says how much of it. */
  annulus_caster.fill_from_hinge_circle = !vol->hounsfield;
  if (!cusp_section_lumen_origin (&annulus_caster, g, n, c) ||
      !cusp_section_measure (&annulus_caster, c, n, &m->annulus) ||
      !cusp_section_lumen_origin (&annulus_caster, m->annulus.centroid_mm, n, c) ||
      !cusp_section_measure (&annulus_caster, c, n, &m->annulus))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "No closed lumen around the annulus centre at threshold %.0f: check the hinge points "
                   "or the threshold", caster.threshold);
      return FALSE;
    }
  if (m->annulus.hinge_circle_rays > 0)
    warn (m, "The annulus wall showed on %d of %d rays of this non-HU image; the rest of the contour "
          "follows the circle through the three hinge points, so the annulus perimeter and area are "
          "%s: place the hinges on the cusp nadirs",
          CUSP_MEASURE_RAYS - m->annulus.hinge_circle_rays, CUSP_MEASURE_RAYS,
          m->annulus.hinge_circle_rays > CUSP_MEASURE_RAYS / 2 ? "mostly an estimate from the hinges"
                                                                : "partly an estimate from the hinges");
  if (m->annulus.bridged_rays > CUSP_MEASURE_RAYS / 10)
    warn (m, "%d of %d rays of the annulus contour were bridged: check the contour",
          m->annulus.bridged_rays, CUSP_MEASURE_RAYS);
  memcpy (c, m->annulus.centroid_mm, sizeof c);
  memcpy (m->annulus_center_mm, c, sizeof c);

  for (int i = 0; i < 3; i++)
    p[i] = c[i] - ctx->params.lvot_offset_mm * n[i];
  /* Below the annulus the LVOT can open into the LV past a thin mitral leaflet: rays beyond 1.5
   * annulus radii are escapes, bridged like an ostium. */
  lvot_caster = caster;
  lvot_caster.max_radius_mm = fmin (caster.max_radius_mm, 0.75 * m->annulus.dmax_mm);
  measure_section (&lvot_caster, p, n, &m->lvot, m, "LVOT");
  m->lumen_hu = m->lvot.valid ? section_lumen_mean (vol, &m->lvot) : section_lumen_mean (vol, &m->annulus);

  measure_section (&caster, lm->stj_center_mm, n, &m->stj, m, "STJ");
  m->stj_diameter_mm = m->stj.area_diameter_mm;

  /* Sinus diameters halfway up, along each hinge's direction through the axis. */
  for (int i = 0; i < 3; i++)
    mid[i] = 0.5 * (c[i] + lm->stj_center_mm[i]);
  m->sov_height_mm = m->stj_height_mm;
  m->sov_mean_diameter_mm = 0.0;
  for (int k = 0; k < CUSP_CUSP_COUNT; k++)
    {
      double d[3], back[3], along;
      for (int i = 0; i < 3; i++)
        d[i] = lm->hinge_mm[k][i] - c[i];
      along = cusp_vec3_dot (d, n);
      for (int i = 0; i < 3; i++)
        d[i] -= along * n[i];
      cusp_vec3_normalize (d);
      for (int i = 0; i < 3; i++)
        back[i] = -d[i];
      m->sov_diameter_mm[k] = cusp_robust_radius (&caster, mid, n, d) + cusp_robust_radius (&caster, mid, n, back);
      m->sov_mean_diameter_mm += m->sov_diameter_mm[k] / CUSP_CUSP_COUNT;
    }
  if (!isfinite (m->sov_mean_diameter_mm))
    warn (m, "The sinus diameters could not be measured halfway between annulus and STJ");

  if (!centerline_at_height (lm, c, n, ctx->params.ascending_height_mm, p, t))
    for (int i = 0; i < 3; i++)
      {
        p[i] = c[i] + ctx->params.ascending_height_mm * n[i];
        t[i] = n[i];
      }
  measure_section (&caster, p, t, &m->ascending, m, "ascending aorta");
  m->ascending_diameter_mm = m->ascending.area_diameter_mm;

  for (int i = 0; i < 3; i++)
    {
      e1[i] = lm->left_ostium_mm[i] - g[i];
      e2[i] = lm->right_ostium_mm[i] - g[i];
    }
  m->left_coronary_height_mm = cusp_vec3_dot (e1, n);
  m->right_coronary_height_mm = cusp_vec3_dot (e2, n);
  if (m->left_coronary_height_mm < 0.0 || m->left_coronary_height_mm > m->stj_height_mm)
    warn (m, "The left ostium landmark lies %.1f mm from the annulus plane, outside the sinus "
          "(0 to %.1f mm): check it", m->left_coronary_height_mm, m->stj_height_mm);
  if (m->right_coronary_height_mm < 0.0 || m->right_coronary_height_mm > m->stj_height_mm)
    warn (m, "The right ostium landmark lies %.1f mm from the annulus plane, outside the sinus "
          "(0 to %.1f mm): check it", m->right_coronary_height_mm, m->stj_height_mm);

  measure_calcium (ctx, lm, m);
  measure_carm (m, lm);

  sizing_in = (CuspSizingInput) {
    .area_mm2 = m->annulus.area_mm2,
    .perimeter_mm = m->annulus.perimeter_mm,
    .sov_mean_diameter_mm = m->sov_mean_diameter_mm,
    .sov_height_mm = m->sov_height_mm,
    .left_coronary_height_mm = m->left_coronary_height_mm,
    .right_coronary_height_mm = m->right_coronary_height_mm,
    .lvot_calcium_mm3 = m->calcium_mm3[CUSP_CALCIUM_LVOT],
  };
  cusp_sizing_compute (&sizing_in, &m->sizing);
  return TRUE;
}

/* ---- the table of stable keys ---- */

#define AT(member) offsetof (CuspMeasurements, member)

typedef struct {
  CuspMeasureKey key;
  gsize offset;                  /* of a double in CuspMeasurements */
} KeyEntry;

static const KeyEntry key_table[] = {
  { { "annulus.perimeter_mm", "mm", "Perimeter of the lumen contour in the plane through the three cusp hinge points (SCCT 2019)." }, AT (annulus.perimeter_mm) },
  { { "annulus.area_mm2", "mm²", "Area enclosed by the annulus contour in the plane of the three hinge points." }, AT (annulus.area_mm2) },
  { { "annulus.dmin_mm", "mm", "Minimum caliper width of the annulus contour (its narrowest diameter)." }, AT (annulus.dmin_mm) },
  { { "annulus.dmax_mm", "mm", "Maximum caliper width of the annulus contour (its widest diameter)." }, AT (annulus.dmax_mm) },
  { { "annulus.area_derived_diameter_mm", "mm", "Diameter of the circle with the annulus area: 2 sqrt(area / pi)." }, AT (annulus.area_diameter_mm) },
  { { "annulus.perimeter_derived_diameter_mm", "mm", "Diameter of the circle with the annulus perimeter: perimeter / pi." }, AT (annulus.perimeter_diameter_mm) },
  { { "annulus.eccentricity", "", "1 - Dmin / Dmax of the annulus: 0 for a circle." }, AT (annulus.eccentricity) },
  { { "lvot.perimeter_mm", "mm", "Perimeter of the LVOT lumen 4 mm below the annulus plane, parallel to it." }, AT (lvot.perimeter_mm) },
  { { "lvot.area_mm2", "mm²", "Area of the LVOT lumen 4 mm below the annulus plane, parallel to it." }, AT (lvot.area_mm2) },
  { { "lvot.dmin_mm", "mm", "Minimum caliper width of the LVOT contour 4 mm below the annulus." }, AT (lvot.dmin_mm) },
  { { "lvot.dmax_mm", "mm", "Maximum caliper width of the LVOT contour 4 mm below the annulus." }, AT (lvot.dmax_mm) },
  { { "lvot.area_derived_diameter_mm", "mm", "2 sqrt(LVOT area / pi)." }, AT (lvot.area_diameter_mm) },
  { { "lvot.perimeter_derived_diameter_mm", "mm", "LVOT perimeter / pi." }, AT (lvot.perimeter_diameter_mm) },
  { { "lvot.eccentricity", "", "1 - Dmin / Dmax of the LVOT contour." }, AT (lvot.eccentricity) },
  { { "sov.left_diameter_mm", "mm", "Left sinus: from the wall behind the left cusp through the root axis to the opposite commissure, halfway between annulus and STJ." }, AT (sov_diameter_mm[CUSP_CUSP_LEFT]) },
  { { "sov.right_diameter_mm", "mm", "Right sinus: from the wall behind the right cusp through the root axis to the opposite commissure, halfway between annulus and STJ." }, AT (sov_diameter_mm[CUSP_CUSP_RIGHT]) },
  { { "sov.non_coronary_diameter_mm", "mm", "Non-coronary sinus: from the wall behind the non-coronary cusp through the axis to the opposite commissure, halfway between annulus and STJ." }, AT (sov_diameter_mm[CUSP_CUSP_NON_CORONARY]) },
  { { "sov.mean_diameter_mm", "mm", "Mean of the three cusp-to-opposite-commissure sinus diameters." }, AT (sov_mean_diameter_mm) },
  { { "sov.height_mm", "mm", "Height of the sinuses: annulus plane to the sinotubular junction." }, AT (sov_height_mm) },
  { { "stj.diameter_mm", "mm", "Area-derived diameter of the lumen at the sinotubular junction, parallel to the annulus." }, AT (stj_diameter_mm) },
  { { "stj.height_mm", "mm", "Distance of the sinotubular junction centre above the annulus plane." }, AT (stj_height_mm) },
  { { "ascending.diameter_mm", "mm", "Area-derived diameter of the ascending aorta 40 mm above the annulus, across the centerline." }, AT (ascending_diameter_mm) },
  { { "coronary.left_height_mm", "mm", "Distance from the annulus plane to the lower edge of the left main ostium, perpendicular to the plane." }, AT (left_coronary_height_mm) },
  { { "coronary.right_height_mm", "mm", "Distance from the annulus plane to the lower edge of the right coronary ostium, perpendicular to the plane." }, AT (right_coronary_height_mm) },
  { { "calcium.total_mm3", "mm³", "Calcium volume (voxels at or above the calcium threshold) of leaflets, LVOT and ascending wall." }, AT (calcium_total_mm3) },
  { { "calcium.valve_mm3", "mm³", "Calcium volume of the three leaflets and the annulus (annulus plane to STJ)." }, AT (calcium_valve_mm3) },
  { { "calcium.leaflet_left_mm3", "mm³", "Calcium volume in the sector of the left cusp, annulus to STJ." }, AT (calcium_mm3[CUSP_CALCIUM_LEAFLET_LEFT]) },
  { { "calcium.leaflet_right_mm3", "mm³", "Calcium volume in the sector of the right cusp, annulus to STJ." }, AT (calcium_mm3[CUSP_CALCIUM_LEAFLET_RIGHT]) },
  { { "calcium.leaflet_non_mm3", "mm³", "Calcium volume in the sector of the non-coronary cusp, annulus to STJ." }, AT (calcium_mm3[CUSP_CALCIUM_LEAFLET_NON]) },
  { { "calcium.lvot_mm3", "mm³", "Calcium volume in the LVOT, 0-10 mm below the annulus plane." }, AT (calcium_mm3[CUSP_CALCIUM_LVOT]) },
  { { "calcium.ascending_mm3", "mm³", "Calcium volume of the aortic wall from the STJ to 20 mm above it." }, AT (calcium_mm3[CUSP_CALCIUM_ASCENDING]) },
  { { "calcium.threshold_hu", "HU", "Calcium threshold used: 850 HU when the lumen is at least 300 HU, else 450 HU, unless given." }, AT (calcium_threshold) },
  { { "lumen.mean_hu", "HU", "Mean lumen enhancement in the LVOT section." }, AT (lumen_hu) },
  { { "lumen.threshold", "", "Lumen boundary threshold used for every contour." }, AT (lumen_threshold) },
  { { "carm.coplanar_ap_cra_deg", "deg", "Coplanar (annulus edge-on) view at LAO/RAO 0: its CRA (+) / CAU (-) angle." }, AT (coplanar_ap.cra_deg) },
  { { "carm.coplanar_lao_at_cra0_deg", "deg", "Coplanar view with no CRA/CAU tilt: its LAO (+) / RAO (-) angle." }, AT (coplanar_lao_at_cra0_deg) },
  { { "carm.cusp_overlap_lao_deg", "deg", "Cusp-overlap view (left and right cusps superimposed): LAO (+) / RAO (-)." }, AT (cusp_overlap.lao_deg) },
  { { "carm.cusp_overlap_cra_deg", "deg", "Cusp-overlap view: CRA (+) / CAU (-)." }, AT (cusp_overlap.cra_deg) },
  { { "carm.three_cusp_lao_deg", "deg", "Coplanar three-cusp view with the right cusp in the middle: LAO (+) / RAO (-)." }, AT (three_cusp.lao_deg) },
  { { "carm.three_cusp_cra_deg", "deg", "Coplanar three-cusp view: CRA (+) / CAU (-)." }, AT (three_cusp.cra_deg) },
  { { "sizing.balloon_expandable", "size", "Balloon-expandable (SAPIEN 3 class) size by annulus area, SCCT 2019 chart." }, AT (sizing.family[CUSP_VALVE_FAMILY_BALLOON_EXPANDABLE].size_mm) },
  { { "sizing.balloon_expandable_area_oversizing_pct", "%", "(valve nominal area / annulus area - 1) x 100 for the balloon-expandable size." }, AT (sizing.family[CUSP_VALVE_FAMILY_BALLOON_EXPANDABLE].area_oversizing_pct) },
  { { "sizing.self_expanding", "size", "Self-expanding (Evolut class) size by annulus perimeter, with its SOV requirements." }, AT (sizing.family[CUSP_VALVE_FAMILY_SELF_EXPANDING].size_mm) },
  { { "sizing.self_expanding_perimeter_oversizing_pct", "%", "(pi x valve diameter / annulus perimeter - 1) x 100 for the self-expanding size." }, AT (sizing.family[CUSP_VALVE_FAMILY_SELF_EXPANDING].perimeter_oversizing_pct) },
  { { "sizing.navitor", "size", "Navitor-class size by annulus perimeter (ranges unverified)." }, AT (sizing.family[CUSP_VALVE_FAMILY_NAVITOR].size_mm) },
  { { "sizing.navitor_perimeter_oversizing_pct", "%", "(pi x valve diameter / annulus perimeter - 1) x 100 for the Navitor-class size." }, AT (sizing.family[CUSP_VALVE_FAMILY_NAVITOR].perimeter_oversizing_pct) },
};

const CuspMeasureKey *
cusp_measure_keys (guint *n_keys)
{
  static CuspMeasureKey keys[G_N_ELEMENTS (key_table)];
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      for (gsize i = 0; i < G_N_ELEMENTS (key_table); i++)
        keys[i] = key_table[i].key;
      g_once_init_leave (&initialised, 1);
    }
  if (n_keys != NULL)
    *n_keys = G_N_ELEMENTS (key_table);
  return keys;
}

gboolean
cusp_measurements_get (const CuspMeasurements *m, const char *key, double *value)
{
  g_return_val_if_fail (m != NULL && key != NULL, FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (key_table); i++)
    if (strcmp (key_table[i].key.key, key) == 0)
      {
        double x = *(const double *) ((const char *) m + key_table[i].offset);
        if (!isfinite (x))
          return FALSE;
        if (value != NULL)
          *value = x;
        return TRUE;
      }
  return FALSE;
}
