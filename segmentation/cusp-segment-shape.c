/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-segment-shape.c: landmarks from the shape of the aorta tracked as a tube, for a non-HU
 * image whose root shows no sinus bulge (cusp-segment-private.h).
 *
 * Why: on the 3 T cardiac MR (2.5 mm slices) the root lies on the left atrium and the LVOT with
 * no wall visible, so half the rays of every section leak and the sinus lobes drown in the
 * tube's clip; the radius profile along the root has no bulge that cusp_landmarks_detect accepts
 * (or gives a 46 mm "annulus", refused). What the tube does show, its sections oriented to their
 * smallest area, is where it narrows between the wide sinus and aorta above and the left
 * ventricle below (there from ~37 mm to ~25 mm across). The annulus is put at that narrowing: its
 * centre the section's, its radius the section's fitted radius (averaged over three sections),
 * its normal the sections' mean normal. The hinges go 120 degrees apart on it (right cusp
 * anterior, then left and non-coronary counter-clockwise seen from the aorta, as
 * cusp-landmark-detect.c names them), the STJ 0.8 annulus diameters above (a typical adult
 * root), the commissures between the hinges 1 mm below it, the ostia in the middle of their
 * sinuses. Every one is a proposal: the warnings say so and ask for the handles to be dragged. */
#include "cusp-segment-private.h"
#include "cusp-landmark-private.h"
#include "cusp-error.h"
#include "cusp-vec3.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TUBE_SINUS_RATIO 1.15
#define TUBE_LV_RATIO 1.1
#define TUBE_STJ_PER_DIAMETER 0.8
#define TUBE_MIN_ANNULUS_MM 7.0      /* radius: 14-34 mm across, the range every valve chart spans */
#define TUBE_MAX_ANNULUS_MM 17.0

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static const double *
center_at (const CuspTube *tube, guint m)
{
  return &g_array_index (tube->centers, double, 3 * m);
}

static double
fit_radius_at (const CuspTube *tube, guint m)
{
  return g_array_index (tube->radii, double, m) / CUSP_TUBE_CLIP;
}

/* The wall point in direction theta at height h above the annulus plane, at most `limit` out. */
static void
wall_point (const CuspLandmarkInput *in, const GArray *line, const double center[3], const double normal[3],
            const double e1[3], const double e2[3], double theta, double h, double limit, double out[3])
{
  double ctr[3], dir[3];
  cusp_landmark_axis_center_at (line, center, normal, h, ctr);
  cusp_landmark_direction_at (e1, e2, theta, dir);
  const double r = MIN (cusp_landmark_ray_radius (in, ctr, dir, TRUE), limit);
  cusp_landmark_axpy (ctr, r, dir, out);
}

gboolean
cusp_segment_landmarks_from_tube (const CuspLandmarkInput *in, const CuspTube *tube, CuspLandmarkResult *lm,
                                  GPtrArray *warnings, GError **error)
{
  memset (lm, 0, sizeof *lm);
  const guint count = tube->centers != NULL ? tube->centers->len : 0;
  if (count < 8 || tube->axes == NULL || tube->seed_index >= count)
    {
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                           "The aorta followed from the click is too short to hold a root");
      return FALSE;
    }

  /* 1. Annulus level: the narrowest section (radius averaged over three) of the tube below the
   * click, with a section TUBE_SINUS_RATIO wider above it (sinus, aorta) and the LV below it
   * (a section TUBE_LV_RATIO wider, or the walk's end in a chamber). */
  const guint lo = MAX (tube->chamber_count, 1), hi = MIN (tube->seed_index, count - 2);
  g_autofree double *r_avg = g_new0 (double, count);
  for (guint m = 1; m + 1 < count; m++)
    r_avg[m] = (fit_radius_at (tube, m - 1) + fit_radius_at (tube, m) + fit_radius_at (tube, m + 1)) / 3;
  guint m_ann = 0;
  for (guint m = lo; m < hi; m++)
    if (m_ann == 0 || r_avg[m] < r_avg[m_ann])
      m_ann = m;
  gboolean wider_above = FALSE, wider_below = tube->chamber_count > 0;
  for (guint m = m_ann + 1; m_ann > 0 && m < hi; m++)
    wider_above = wider_above || r_avg[m] >= TUBE_SINUS_RATIO * r_avg[m_ann];
  for (guint m = 1; m_ann > 0 && m < m_ann; m++)
    wider_below = wider_below || r_avg[m] >= TUBE_LV_RATIO * r_avg[m_ann];
  if (m_ann == 0 || !wider_above || !wider_below)
    {
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                           "The aorta followed from the click narrows nowhere between the aorta and the "
                           "left ventricle: no annulus could be placed");
      return FALSE;
    }
  double center[3], normal[3] = { 0, 0, 0 }, e1[3], e2[3];
  memcpy (center, center_at (tube, m_ann), sizeof center);
  for (guint m = m_ann > 2 ? m_ann - 2 : 0; m <= MIN (count - 1, m_ann + 2); m++)
    for (int a = 0; a < 3; a++)
      normal[a] += g_array_index (tube->axes, double, 3 * m + a);
  if (cusp_vec3_normalize (normal) < 1e-6)
    {
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                           "The aorta followed from the click has no direction at its narrowing");
      return FALSE;
    }
  cusp_landmark_plane_basis (normal, e1, e2);
  const double radius = r_avg[m_ann];
  if (radius < TUBE_MIN_ANNULUS_MM || radius > TUBE_MAX_ANNULUS_MM)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                   "Where the aorta followed from the click narrows above the left ventricle its section is "
                   "%.0f mm across: not an aortic annulus", 2 * radius);
      return FALSE;
    }

  /* 2. The path as landmark points, from 15 mm below the annulus up (the chamber part included). */
  g_autoptr(GArray) line = g_array_new (FALSE, FALSE, sizeof (CuspLandmarkPoint));
  g_autoptr(GArray) line_radius = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint m = 0; m < count; m++)
    {
      CuspLandmarkPoint p;
      double d[3];
      memcpy (p.p, center_at (tube, m), sizeof p.p);
      cusp_landmark_sub (p.p, center, d);
      if (cusp_vec3_dot (d, normal) < -15)
        continue;
      /* below the annulus the tube runs in the chamber: the annulus bounds it there */
      const double r = m < m_ann ? radius : MAX (radius, fit_radius_at (tube, m));
      g_array_append_val (line, p);
      g_array_append_val (line_radius, r);
    }

  /* 3. Hinges, STJ, commissures, ostia. Theta 0 is anterior (cusp_landmark_plane_basis). */
  const double h_stj = CLAMP (TUBE_STJ_PER_DIAMETER * 2 * radius, 14, 26);
  const double theta[CUSP_CUSP_COUNT] = { [CUSP_CUSP_RIGHT] = 0, [CUSP_CUSP_LEFT] = 2 * G_PI / 3,
                                          [CUSP_CUSP_NON_CORONARY] = 4 * G_PI / 3 };
  CuspLandmarks *out = &lm->landmarks;
  for (int c = 0; c < CUSP_CUSP_COUNT; c++)
    {
      double dir[3];
      cusp_landmark_direction_at (e1, e2, theta[c], dir);
      cusp_landmark_axpy (center, radius, dir, out->hinge_mm[c]);
    }
  double stj_center[3];
  cusp_landmark_axis_center_at (line, center, normal, h_stj, stj_center);
  memcpy (out->stj_center_mm, stj_center, sizeof stj_center);
  const double wall_limit = CUSP_TUBE_CLIP * radius;
  wall_point (in, line, center, normal, e1, e2, G_PI / 3, h_stj - 1, wall_limit,
              out->commissure_mm[CUSP_COMMISSURE_LEFT_RIGHT]);
  wall_point (in, line, center, normal, e1, e2, G_PI, h_stj - 1, wall_limit,
              out->commissure_mm[CUSP_COMMISSURE_NON_LEFT]);
  wall_point (in, line, center, normal, e1, e2, 5 * G_PI / 3, h_stj - 1, wall_limit,
              out->commissure_mm[CUSP_COMMISSURE_RIGHT_NON]);
  wall_point (in, line, center, normal, e1, e2, theta[CUSP_CUSP_LEFT], 0.55 * h_stj, wall_limit, out->left_ostium_mm);
  wall_point (in, line, center, normal, e1, e2, theta[CUSP_CUSP_RIGHT], 0.55 * h_stj, wall_limit, out->right_ostium_mm);

  /* 4. Centerline (at most CUSP_LANDMARKS_MAX_CENTERLINE points) and the radii the lumen uses. */
  const guint stride = MAX (1, (line->len + CUSP_LANDMARKS_MAX_CENTERLINE - 1) / CUSP_LANDMARKS_MAX_CENTERLINE);
  out->centerline_count = 0;
  for (guint m = 0; m < line->len && out->centerline_count < CUSP_LANDMARKS_MAX_CENTERLINE; m += stride)
    {
      lm->centerline_radius_mm[out->centerline_count] = g_array_index (line_radius, double, m);
      memcpy (out->centerline_mm[out->centerline_count++], g_array_index (line, CuspLandmarkPoint, m).p,
              sizeof (double) * 3);
    }

  /* 5. The rest of the result. */
  memcpy (lm->annulus_center_mm, center, sizeof center);
  memcpy (lm->annulus_normal, normal, sizeof normal);
  lm->annulus_radius_mm = radius;
  lm->stj_height_mm = h_stj;
  double above[CUSP_LANDMARKS_MAX_CENTERLINE];
  int n_above = 0;
  for (guint m = m_ann; m < count && n_above < CUSP_LANDMARKS_MAX_CENTERLINE; m++)
    {
      double d[3];
      cusp_landmark_sub (center_at (tube, m), center, d);
      if (cusp_vec3_dot (d, normal) > h_stj)
        above[n_above++] = fit_radius_at (tube, m);
      if (fabs (cusp_vec3_dot (d, normal) - h_stj) < 1.0 && lm->stj_radius_mm == 0)
        lm->stj_radius_mm = fit_radius_at (tube, m);
    }
  if (lm->stj_radius_mm == 0)
    lm->stj_radius_mm = radius;
  qsort (above, n_above, sizeof (double), compare_double);
  lm->ascending_radius_mm = n_above > 0 ? above[n_above / 2] : lm->stj_radius_mm;
  memcpy (lm->level_mm[0], center, sizeof center);
  cusp_landmark_axis_center_at (line, center, normal, 0.5 * h_stj, lm->level_mm[1]);
  memcpy (lm->level_mm[2], stj_center, sizeof stj_center);

  g_ptr_array_add (warnings, g_strdup_printf (
    "The cusp hinges were estimated from the vessel's shape on a non-HU image with no visible sinus "
    "bulge: the annulus was put where the aorta followed from the click narrows above the left "
    "ventricle (%.0f mm across), the hinges 120° apart on that section and the sinotubular "
    "junction %.0f mm above it: drag them onto the cusp nadirs and the junction",
    2 * radius, h_stj));
  g_ptr_array_add (warnings, g_strdup ("The coronary ostia were not found: they are proposed in the middle of "
                                       "the left and right sinuses; drag them onto the ostia"));
  return TRUE;
}
