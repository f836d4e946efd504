/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-measure.c: SCCT measurements from landmarks, checked against phantom truth, and the C-arm
 * sign convention against hand-derived views. */
#include "cusp-error.h"
#include "cusp-measure.h"
#include "cusp-measure-json.h"
#include "cusp-phantom.h"

#include <math.h>
#include <string.h>

typedef struct {
  guint64 seed;
  double area_mm2, eccentricity, left_mm, right_mm, calcium_mm3, tilt_deg, azimuth_deg;
} SweepCase;

/* Sizes from small to large annuli, round to oval, low to high coronaries, and several tilts. */
static const SweepCase sweep[] = {
  { 11, 300.0, 0.00, 10.0, 13.0, 150.0, 40.0, 35.0 },
  { 12, 350.0, 0.10, 12.0, 15.0, 300.0, 30.0, 20.0 },
  { 13, 400.0, 0.25, 9.0, 12.0, 450.0, 50.0, 60.0 },
  { 14, 450.0, 0.20, 13.0, 16.0, 300.0, 40.0, 35.0 },
  { 15, 480.0, 0.30, 14.0, 11.0, 600.0, 45.0, 10.0 },
  { 16, 520.0, 0.05, 11.0, 14.0, 100.0, 35.0, 45.0 },
  { 17, 560.0, 0.15, 15.5, 16.5, 800.0, 55.0, 30.0 },
  { 18, 600.0, 0.22, 10.5, 13.5, 250.0, 25.0, 70.0 },
  { 19, 650.0, 0.12, 12.5, 15.5, 500.0, 40.0, 0.0 },
  { 20, 700.0, 0.18, 16.0, 17.0, 350.0, 60.0, 40.0 },
  { 21, 380.0, 0.35, 8.0, 9.5, 200.0, 42.0, 25.0 },
  { 22, 420.0, 0.08, 14.5, 10.0, 700.0, 33.0, 50.0 },
};

static CuspPhantomDef
sweep_def (const SweepCase *c)
{
  CuspPhantomDef def = cusp_phantom_default_def ();

  def.seed = c->seed;
  def.spacing_mm = 0.5;
  def.annulus_area_mm2 = c->area_mm2;
  def.eccentricity = c->eccentricity;
  def.left_coronary_height_mm = c->left_mm;
  def.right_coronary_height_mm = c->right_mm;
  def.calcium_mm3 = c->calcium_mm3;
  def.axis_tilt_deg = c->tilt_deg;
  def.axis_azimuth_deg = c->azimuth_deg;
  def.lvot_calcium_fraction = 0.15;
  /* Crop to the root: LVOT calcium (10 mm) to the ascending aorta at 40 mm. */
  def.extent_below_mm = 14.0;
  def.extent_above_mm = 46.0;
  return def;
}

static double
rel (double measured, double truth)
{
  return fabs (measured / truth - 1.0);
}

/* Measures the phantom from its truth landmarks; returns the context for more runs. */
static CuspMeasureContext *
measure_phantom_context (const CuspPhantomDef *def, CuspPhantomTruth **truth, CuspMeasurements *m,
                         CuspLandmarks *lm)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = cusp_phantom_generate (def, truth, NULL, &error);
  CuspMeasureContext *ctx;
  gboolean ok;

  g_assert_no_error (error);
  cusp_phantom_truth_get_landmarks (*truth, lm);
  ctx = cusp_measure_context_new (volume, NULL, &error);
  g_assert_no_error (error);
  ok = cusp_measure_run (ctx, lm, m, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  return ctx;
}

static void
measure_phantom (const CuspPhantomDef *def, CuspPhantomTruth **truth, CuspMeasurements *m,
                 CuspLandmarks *lm)
{
  cusp_measure_context_free (measure_phantom_context (def, truth, m, lm));
}

/* Moves every point landmark by up to +/-0.3 mm per coordinate (a careful user's placement). */
static void
jitter_landmarks (CuspLandmarks *lm, GRand *rand)
{
  double *points[] = { lm->hinge_mm[0], lm->hinge_mm[1], lm->hinge_mm[2], lm->left_ostium_mm,
                       lm->right_ostium_mm, lm->stj_center_mm, lm->commissure_mm[0],
                       lm->commissure_mm[1], lm->commissure_mm[2] };

  for (gsize p = 0; p < G_N_ELEMENTS (points); p++)
    for (int i = 0; i < 3; i++)
      points[p][i] += g_rand_double_range (rand, -0.3, 0.3);
}

static void
test_sweep (void)
{
  double worst_area = 0, worst_perimeter = 0, worst_coronary = 0, worst_stj = 0, worst_calcium = 0;
  double worst_lvot = 0, worst_sov = 0, worst_asc = 0;
  double jitter_area = 0, jitter_perimeter = 0, jitter_coronary = 0, jitter_stj = 0;
  g_autoptr(GRand) rand = g_rand_new_with_seed (2019);

  g_test_message ("seed  area(truth)       perim(truth)    ecc(truth)   L/R height err  STJ err  Ca mm3(truth)");
  for (gsize i = 0; i < G_N_ELEMENTS (sweep); i++)
    {
      CuspPhantomDef def = sweep_def (&sweep[i]);
      g_autoptr(CuspPhantomTruth) t = NULL;
      g_autoptr(CuspMeasureContext) ctx = NULL;
      g_autoptr(GError) error = NULL;
      CuspMeasurements m, mj;
      CuspLandmarks lm;
      double cor, cor_j;

      ctx = measure_phantom_context (&def, &t, &m, &lm);
      cor = fmax (fabs (m.left_coronary_height_mm - t->left_coronary.height_mm),
                  fabs (m.right_coronary_height_mm - t->right_coronary.height_mm));
      g_test_message ("%4" G_GUINT64_FORMAT "  %6.1f (%6.1f)  %5.2f (%5.2f)  %.3f (%.3f)  %.3f mm  %5.2f %%  %6.1f (%6.1f)",
                      def.seed, m.annulus.area_mm2, t->annulus.area_mm2, m.annulus.perimeter_mm,
                      t->annulus.perimeter_mm, m.annulus.eccentricity, t->annulus.eccentricity, cor,
                      100.0 * rel (m.stj_diameter_mm, t->stj_diameter_mm), m.calcium_total_mm3,
                      t->calcium_total_mm3);
      worst_area = fmax (worst_area, rel (m.annulus.area_mm2, t->annulus.area_mm2));
      worst_perimeter = fmax (worst_perimeter, rel (m.annulus.perimeter_mm, t->annulus.perimeter_mm));
      worst_coronary = fmax (worst_coronary, cor);
      worst_stj = fmax (worst_stj, rel (m.stj_diameter_mm, t->stj_diameter_mm));
      worst_calcium = fmax (worst_calcium, rel (m.calcium_total_mm3, t->calcium_total_mm3));
      worst_lvot = fmax (worst_lvot, rel (m.lvot.area_mm2, t->lvot.area_mm2));
      worst_sov = fmax (worst_sov, rel (m.sov_mean_diameter_mm, t->sov_mean_diameter_mm));
      worst_asc = fmax (worst_asc, rel (m.ascending_diameter_mm, t->ascending_diameter_mm));

      /* Issue 3's acceptance figures. */
      g_assert_cmpfloat (rel (m.annulus.area_mm2, t->annulus.area_mm2), <, 0.02);
      g_assert_cmpfloat (rel (m.annulus.perimeter_mm, t->annulus.perimeter_mm), <, 0.02);
      g_assert_cmpfloat (cor, <, 0.75);
      g_assert_cmpfloat (rel (m.stj_diameter_mm, t->stj_diameter_mm), <, 0.03);
      g_assert_cmpfloat (rel (m.calcium_total_mm3, t->calcium_total_mm3), <, 0.10);
      /* The rest of the set, against the same truth. */
      g_assert_cmpfloat (rel (m.annulus.dmin_mm, t->annulus.dmin_mm), <, 0.03);
      g_assert_cmpfloat (rel (m.annulus.dmax_mm, t->annulus.dmax_mm), <, 0.03);
      g_assert_cmpfloat (fabs (m.annulus.eccentricity - t->annulus.eccentricity), <, 0.03);
      g_assert_cmpfloat (rel (m.lvot.area_mm2, t->lvot.area_mm2), <, 0.03);
      g_assert_cmpfloat (rel (m.sov_mean_diameter_mm, t->sov_mean_diameter_mm), <, 0.03);
      g_assert_cmpfloat (fabs (m.stj_height_mm - t->stj_height_mm), <, 0.1);
      g_assert_cmpfloat (rel (m.ascending_diameter_mm, t->ascending_diameter_mm), <, 0.03);
      g_assert_cmpfloat (rel (m.calcium_mm3[CUSP_CALCIUM_LVOT], t->calcium_region_mm3[CUSP_PHANTOM_REGION_LVOT]), <, 0.15);
      for (int k = 0; k < CUSP_CUSP_COUNT; k++)
        g_assert_cmpfloat (rel (m.calcium_mm3[CUSP_CALCIUM_LEAFLET_LEFT + k], t->calcium_region_mm3[k]), <, 0.15);
      g_assert_cmpfloat (m.calcium_mm3[CUSP_CALCIUM_ASCENDING], ==, 0.0);
      g_assert_cmpfloat (m.calcium_threshold, ==, 850.0);

      /* The same phantom from landmarks placed 0.3 mm off: the acceptance figures still hold,
       * so the coronary heights above are not just the truth read back. */
      jitter_landmarks (&lm, rand);
      g_assert_true (cusp_measure_run (ctx, &lm, &mj, &error));
      g_assert_no_error (error);
      cor_j = fmax (fabs (mj.left_coronary_height_mm - t->left_coronary.height_mm),
                    fabs (mj.right_coronary_height_mm - t->right_coronary.height_mm));
      jitter_area = fmax (jitter_area, rel (mj.annulus.area_mm2, t->annulus.area_mm2));
      jitter_perimeter = fmax (jitter_perimeter, rel (mj.annulus.perimeter_mm, t->annulus.perimeter_mm));
      jitter_coronary = fmax (jitter_coronary, cor_j);
      jitter_stj = fmax (jitter_stj, rel (mj.stj_diameter_mm, t->stj_diameter_mm));
      g_assert_cmpfloat (rel (mj.annulus.area_mm2, t->annulus.area_mm2), <, 0.02);
      g_assert_cmpfloat (rel (mj.annulus.perimeter_mm, t->annulus.perimeter_mm), <, 0.02);
      g_assert_cmpfloat (cor_j, <, 0.75);
      g_assert_cmpfloat (rel (mj.stj_diameter_mm, t->stj_diameter_mm), <, 0.03);
      g_assert_cmpfloat (rel (mj.calcium_total_mm3, t->calcium_total_mm3), <, 0.10);
      cusp_measurements_clear (&m);
      cusp_measurements_clear (&mj);
    }
  g_test_message ("with landmarks jittered by up to 0.3 mm: worst area %.2f %%, perimeter %.2f %%, STJ %.2f %%, "
                  "coronary height %.3f mm", 100 * jitter_area, 100 * jitter_perimeter, 100 * jitter_stj,
                  jitter_coronary);
  g_test_message ("worst relative errors over %u phantoms: area %.2f %%, perimeter %.2f %%, STJ %.2f %%, "
                  "calcium %.2f %%, LVOT area %.2f %%, SOV mean %.2f %%, ascending %.2f %%; coronary height %.3f mm",
                  (guint) G_N_ELEMENTS (sweep), 100 * worst_area, 100 * worst_perimeter, 100 * worst_stj,
                  100 * worst_calcium, 100 * worst_lvot, 100 * worst_sov, 100 * worst_asc, worst_coronary);
}

/* C-arm convention, derived by hand (DOMAIN.md section 2):
 * d(a, b) = (sin a cos b, -cos a cos b, sin b), coplanar when d.n = 0, tan b = (n_y cos a - n_x sin a)/n_z.
 *
 * Case 1: n = (-1, 0, 1)/sqrt 2, the root tilted 45 deg toward the patient's right (-x).
 *   AP (a = 0): tan b = n_y / n_z = 0, so AP itself is coplanar: d = (0, -1, 0) has no x or z.
 *   LAO 90: tan b = -n_x / n_z = 1, so CRA 45: d = (1, 0, 1)/sqrt 2, and d.n = (-1 + 1)/2 = 0.
 *   RAO 30 (a = -30): tan b = (0 - (1/sqrt 2)(1/2)) ... careful: -n_x sin a = (1/sqrt 2)(-1/2), over
 *   n_z = 1/sqrt 2 gives -1/2, so CAU 26.565 deg.
 * Case 2: n = (0, -1, 1)/sqrt 2, the root tilted 45 deg anterior (-y): at AP the detector must tilt
 *   toward the feet to see the ring edge-on: tan b = n_y / n_z = -1, CAU 45; at LAO 90 (detector at
 *   the patient's left, looking along x) the ring is edge-on with no tilt: b = 0.
 * Cusp overlap with hinges L = (10, 0, 0) and R = (0, -10, 0), n = (0, 0, 1): d is parallel to
 *   R - L = (-10, -10, 0); with the detector above the table (d_y < 0) d = (-1, -1, 0)/sqrt 2, i.e.
 *   sin a = -1/sqrt 2, cos a = 1/sqrt 2: RAO 45, CRA 0. */
static void
test_carm_convention (void)
{
  double n1[3] = { -M_SQRT1_2, 0.0, M_SQRT1_2 }, n2[3] = { 0.0, -M_SQRT1_2, M_SQRT1_2 };
  double d[3], overlap[3] = { -10.0, -10.0, 0.0 }, cra;
  CuspCarmAngles angles;

  g_assert_true (cusp_carm_coplanar_cra (n1, 0.0, &cra));
  g_assert_cmpfloat_with_epsilon (cra, 0.0, 1e-9);
  g_assert_true (cusp_carm_coplanar_cra (n1, 90.0, &cra));
  g_assert_cmpfloat_with_epsilon (cra, 45.0, 1e-9);
  g_assert_true (cusp_carm_coplanar_cra (n1, -30.0, &cra));
  g_assert_cmpfloat_with_epsilon (cra, -26.56505117707799, 1e-9);
  g_assert_true (cusp_carm_coplanar_cra (n2, 0.0, &cra));
  g_assert_cmpfloat_with_epsilon (cra, -45.0, 1e-9);
  g_assert_true (cusp_carm_coplanar_cra (n2, 90.0, &cra));
  g_assert_cmpfloat_with_epsilon (cra, 0.0, 1e-9);

  angles = (CuspCarmAngles) { 90.0, 45.0 };
  cusp_carm_view_direction (&angles, d);
  g_assert_cmpfloat_with_epsilon (d[0], M_SQRT1_2, 1e-12);
  g_assert_cmpfloat_with_epsilon (d[1], 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (d[2], M_SQRT1_2, 1e-12);
  angles = (CuspCarmAngles) { 0.0, 0.0 };
  cusp_carm_view_direction (&angles, d);
  g_assert_cmpfloat_with_epsilon (d[1], -1.0, 1e-12);   /* AP: detector anterior */

  cusp_carm_view_along (overlap, &angles);
  g_assert_cmpfloat_with_epsilon (angles.lao_deg, -45.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (angles.cra_deg, 0.0, 1e-9);
  /* The opposite direction is the same projection: it must give the same answer. */
  for (int i = 0; i < 3; i++)
    overlap[i] = -overlap[i];
  cusp_carm_view_along (overlap, &angles);
  g_assert_cmpfloat_with_epsilon (angles.lao_deg, -45.0, 1e-9);
}

/* On the default phantom (root tilted 40 deg toward right-anterior) every reported view must see
 * the annulus edge-on, and the S-curve runs from LAO-cranial to RAO-caudal as in real roots. */
static void
test_carm_on_phantom (void)
{
  CuspPhantomDef def = cusp_phantom_default_def ();
  g_autoptr(CuspPhantomTruth) t = NULL;
  CuspMeasurements m;
  CuspLandmarks lm;
  CuspCarmAngles views[3];
  double cra;

  def.spacing_mm = 0.8;
  def.extent_below_mm = 12.0;
  measure_phantom (&def, &t, &m, &lm);
  views[0] = m.coplanar_ap;
  views[1] = m.cusp_overlap;
  views[2] = m.three_cusp;
  for (int v = 0; v < 3; v++)
    {
      double d[3], dot = 0.0;
      cusp_carm_view_direction (&views[v], d);
      for (int i = 0; i < 3; i++)
        dot += d[i] * t->root_axis[i];
      g_assert_cmpfloat (fabs (dot), <, 0.01);
    }
  g_test_message ("coplanar AP CRA %.1f, LAO at CRA 0 %.1f, cusp overlap LAO %.1f CRA %.1f, "
                  "three-cusp LAO %.1f CRA %.1f", m.coplanar_ap.cra_deg, m.coplanar_lao_at_cra0_deg,
                  m.cusp_overlap.lao_deg, m.cusp_overlap.cra_deg, m.three_cusp.lao_deg, m.three_cusp.cra_deg);
  g_assert_cmpfloat (m.coplanar_ap.cra_deg, <, 0.0);              /* AP needs caudal */
  g_assert_true (cusp_carm_coplanar_cra (m.annulus_normal, 60.0, &cra));
  g_assert_cmpfloat (cra, >, 0.0);                                /* LAO side is cranial */
  g_assert_cmpfloat (m.cusp_overlap.lao_deg, <, 0.0);             /* cusp overlap: RAO ... */
  g_assert_cmpfloat (m.cusp_overlap.cra_deg, <, 0.0);             /* ... caudal */
  cusp_measurements_clear (&m);
}

static void
test_sizing_charts (void)
{
  CuspSizingInput in = { .area_mm2 = 450.0, .perimeter_mm = 75.9, .sov_mean_diameter_mm = 32.0,
                         .sov_height_mm = 22.0, .left_coronary_height_mm = 13.0,
                         .right_coronary_height_mm = 16.0, .lvot_calcium_mm3 = 0.0 };
  CuspSizing s;
  const CuspSizingResult *be = &s.family[CUSP_VALVE_FAMILY_BALLOON_EXPANDABLE];
  const CuspSizingResult *se = &s.family[CUSP_VALVE_FAMILY_SELF_EXPANDING];
  const CuspSizingResult *nav = &s.family[CUSP_VALVE_FAMILY_NAVITOR];

  cusp_sizing_compute (&in, &s);
  g_assert_true (be->fits);
  g_assert_cmpfloat (be->size_mm, ==, 26.0);
  /* pi 13^2 = 530.93 mm2 over 450: 17.98 % */
  g_assert_cmpfloat_with_epsilon (be->area_oversizing_pct, 17.9847, 1e-3);
  g_assert_false (be->annular_rupture_flag);
  g_assert_cmpfloat (se->size_mm, ==, 29.0);
  /* pi 29 / 75.9 = 1.2003: 20.03 % */
  g_assert_cmpfloat_with_epsilon (se->perimeter_oversizing_pct, 20.0343, 1e-3);
  g_assert_true (se->sov_requirements_met);
  g_assert_cmpfloat (nav->size_mm, ==, 27.0);
  g_assert_false (s.left_coronary_flag);
  g_assert_false (s.right_coronary_flag);

  /* 435 mm2 -> 26: 530.93/435 = 1.2205, rupture flag; small sinus and low ostia flag the coronaries. */
  in.area_mm2 = 435.0;
  in.sov_mean_diameter_mm = 28.0;
  in.left_coronary_height_mm = 10.0;
  in.right_coronary_height_mm = 14.0;
  cusp_sizing_compute (&in, &s);
  g_assert_true (be->annular_rupture_flag);
  g_assert_nonnull (strstr (be->note, "rupture"));
  g_assert_true (s.left_coronary_flag);
  g_assert_true (s.right_coronary_flag);
  g_assert_true (be->residual_sinus_flag);                         /* 28 - 26 < 5 */
  g_assert_false (se->sov_requirements_met);                       /* size 29 needs SOV >= 29 */
  g_assert_nonnull (strstr (se->note, "SOV"));

  /* Borderline 340 mm2: 20 or 23; sized 20 it is not oversized (pi 10^2 = 314 mm2). */
  in.area_mm2 = 340.0;
  cusp_sizing_compute (&in, &s);
  g_assert_cmpfloat (be->size_mm, ==, 20.0);
  g_assert_nonnull (strstr (be->note, "23"));
  g_assert_false (be->annular_rupture_flag);
  /* Borderline 541 mm2 (26 or 29) sized 26: 530.9 / 541 under-sizes, no flag either. */
  in.area_mm2 = 541.0;
  cusp_sizing_compute (&in, &s);
  g_assert_cmpfloat (be->size_mm, ==, 26.0);
  g_assert_nonnull (strstr (be->note, "29"));
  g_assert_cmpfloat (be->area_oversizing_pct, <, 0.0);

  /* Out of range: no size, with the reason, and no number. */
  in.area_mm2 = 720.0;
  in.perimeter_mm = 99.0;
  cusp_sizing_compute (&in, &s);
  g_assert_false (be->fits);
  g_assert_true (isnan (be->size_mm));
  g_assert_nonnull (strstr (be->note, "above"));
  g_assert_false (se->fits);
  in.area_mm2 = 200.0;
  in.perimeter_mm = 50.0;
  cusp_sizing_compute (&in, &s);
  g_assert_false (be->fits);
  g_assert_nonnull (strstr (be->note, "below"));
  g_assert_false (nav->fits);
  in.area_mm2 = NAN;
  cusp_sizing_compute (&in, &s);
  g_assert_false (be->fits);
  g_assert_nonnull (strstr (be->note, "not measured"));
}

static void
expect_run_error (CuspMeasureContext *ctx, const CuspLandmarks *lm, const char *word)
{
  g_autoptr(GError) error = NULL;
  CuspMeasurements m;

  g_assert_false (cusp_measure_run (ctx, lm, &m, &error));
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, word));
  cusp_measurements_clear (&m);
}

static void
test_bad_input (void)
{
  CuspPhantomDef def = cusp_phantom_default_def ();
  g_autoptr(CuspPhantomTruth) t = NULL;
  g_autoptr(CuspVolume) volume = NULL, zero = NULL, flat = NULL;
  g_autoptr(CuspMeasureContext) ctx = NULL, zero_ctx = NULL, mr_ctx = NULL;
  g_autoptr(GError) error = NULL;
  CuspLandmarks lm, bad;
  int dims[3] = { 64, 64, 64 }, flat_dims[3] = { 64, 64, 1 };

  def.spacing_mm = 0.8;
  def.extent_below_mm = 12.0;
  volume = cusp_phantom_generate (&def, &t, NULL, &error);
  g_assert_no_error (error);
  cusp_phantom_truth_get_landmarks (t, &lm);
  ctx = cusp_measure_context_new (volume, NULL, &error);
  g_assert_no_error (error);

  bad = lm;
  memcpy (bad.hinge_mm[2], bad.hinge_mm[0], sizeof bad.hinge_mm[0]);
  expect_run_error (ctx, &bad, "one line");
  bad = lm;
  for (int i = 0; i < 3; i++)
    bad.stj_center_mm[i] = t->annulus.center_mm[i] - 5.0 * t->root_axis[i];
  expect_run_error (ctx, &bad, "STJ");
  bad = lm;
  bad.left_ostium_mm[1] = NAN;
  expect_run_error (ctx, &bad, "finite");
  bad = lm;
  for (int k = 0; k < 3; k++)
    bad.hinge_mm[k][0] += 22.0;   /* hinges moved off the root, into fat */
  bad.stj_center_mm[0] += 22.0;
  expect_run_error (ctx, &bad, "contrast");
  for (int k = 0; k < 3; k++)
    bad.hinge_mm[k][0] += 500.0;
  bad.stj_center_mm[0] += 500.0;
  expect_run_error (ctx, &bad, "outside the image");

  /* An all-zero volume: no contrast anywhere. */
  zero = cusp_volume_new (CUSP_VOXEL_INT16, dims, &error);
  zero->hounsfield = TRUE;
  for (int i = 0; i < 3; i++)
    zero->origin_mm[i] = t->annulus.center_mm[i] - 32.0;
  zero_ctx = cusp_measure_context_new (zero, NULL, &error);
  g_assert_no_error (error);
  expect_run_error (zero_ctx, &lm, "HU");
  /* Not HU (an MR): never a silent HU threshold. */
  zero->hounsfield = FALSE;
  mr_ctx = cusp_measure_context_new (zero, NULL, &error);
  g_assert_no_error (error);
  expect_run_error (mr_ctx, &lm, "Hounsfield");
  /* A 2D image. */
  flat = cusp_volume_new (CUSP_VOXEL_INT16, flat_dims, &error);
  g_assert_null (cusp_measure_context_new (flat, NULL, &error));
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT);
}

/* A bright-blood image (not HU) whose root touches a chamber with no wall between them at the
 * annulus: rays there run on into the chamber. Measured as HU data they take the chamber into the
 * annulus; as non-HU data the contour follows the hinge circle where no wall shows, near the
 * truth, and a warning says how much of it is the circle. */
static void
test_hidden_wall (void)
{
  CuspPhantomDef def = cusp_phantom_default_def ();
  g_autoptr(CuspPhantomTruth) t = NULL;
  g_autoptr(CuspVolume) volume = NULL;
  g_autoptr(GError) error = NULL;
  CuspMeasureParams params = cusp_measure_default_params ();
  CuspLandmarks lm;
  CuspMeasurements as_hu, as_mr;
  double u[3], radius_mm;
  gint16 *voxels;
  int opened = 0;

  def.spacing_mm = 0.6;
  def.noise_hu = 10.0;
  volume = cusp_phantom_generate (&def, &t, NULL, &error);
  g_assert_no_error (error);
  cusp_phantom_truth_get_landmarks (t, &lm);
  radius_mm = sqrt (t->annulus.area_mm2 / G_PI);
  /* u: in the annulus plane, toward the first hinge */
  for (int i = 0; i < 3; i++)
    u[i] = lm.hinge_mm[0][i] - t->annulus.center_mm[i];
  {
    double along = u[0] * t->root_axis[0] + u[1] * t->root_axis[1] + u[2] * t->root_axis[2], norm;
    for (int i = 0; i < 3; i++)
      u[i] -= along * t->root_axis[i];
    norm = sqrt (u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
    for (int i = 0; i < 3; i++)
      u[i] /= norm;
  }
  /* The chamber: a slab 12 mm thick about the annulus plane, from 0.6 to 2.4 annulus radii out
   * toward that hinge, all blood: the wall there is gone over about 100 degrees of the ring. */
  voxels = volume->voxels;
  for (int k = 0; k < volume->dims[2]; k++)
    for (int j = 0; j < volume->dims[1]; j++)
      for (int i = 0; i < volume->dims[0]; i++)
        {
          double ijk[3] = { i, j, k }, p[3], d[3], height = 0.0, out_mm = 0.0, side2 = 0.0;
          cusp_volume_index_to_lps (volume, ijk, p);
          for (int a = 0; a < 3; a++)
            d[a] = p[a] - t->annulus.center_mm[a];
          for (int a = 0; a < 3; a++)
            {
              height += d[a] * t->root_axis[a];
              out_mm += d[a] * u[a];
            }
          for (int a = 0; a < 3; a++)
            {
              double r = d[a] - height * t->root_axis[a] - out_mm * u[a];
              side2 += r * r;
            }
          if (fabs (height) < 6.0 && out_mm > 0.6 * radius_mm && out_mm < 2.4 * radius_mm
              && side2 < 1.6 * radius_mm * 1.6 * radius_mm)
            {
              voxels[((gsize) k * volume->dims[1] + j) * volume->dims[0] + i] = (gint16) def.lumen_hu;
              opened++;
            }
        }
  g_assert_cmpint (opened, >, 1000);
  params.lumen_threshold = 0.5 * (def.lumen_hu + def.myocardium_hu);

  {
    g_autoptr(CuspMeasureContext) ctx = cusp_measure_context_new (volume, &params, &error);
    g_assert_no_error (error);
    g_assert_true (cusp_measure_run (ctx, &lm, &as_hu, &error));
    g_assert_no_error (error);
  }
  volume->hounsfield = FALSE;
  volume->modality = CUSP_MODALITY_MR;
  {
    g_autoptr(CuspMeasureContext) ctx = cusp_measure_context_new (volume, &params, &error);
    g_assert_no_error (error);
    g_assert_true (cusp_measure_run (ctx, &lm, &as_mr, &error));
    g_assert_no_error (error);
  }
  g_test_message ("truth: annulus area %.1f mm2, perimeter %.1f mm; as HU: %.1f mm2, %.1f mm; "
                  "as non-HU: %.1f mm2, %.1f mm, %d of %d rays on the hinge circle",
                  t->annulus.area_mm2, t->annulus.perimeter_mm, as_hu.annulus.area_mm2, as_hu.annulus.perimeter_mm,
                  as_mr.annulus.area_mm2, as_mr.annulus.perimeter_mm, as_mr.annulus.hinge_circle_rays,
                  CUSP_MEASURE_RAYS);
  /* as HU the chamber is taken into the annulus */
  g_assert_cmpfloat (rel (as_hu.annulus.area_mm2, t->annulus.area_mm2), >, 0.10);
  g_assert_cmpint (as_hu.annulus.hinge_circle_rays, ==, 0);
  /* as non-HU: the hidden quarter follows the hinge circle */
  g_assert_cmpint (as_mr.annulus.hinge_circle_rays, >, CUSP_MEASURE_RAYS / 8);
  g_assert_cmpint (as_mr.annulus.hinge_circle_rays, <, CUSP_MEASURE_RAYS / 2);
  g_assert_cmpfloat (rel (as_mr.annulus.area_mm2, t->annulus.area_mm2), <, 0.05);
  g_assert_cmpfloat (rel (as_mr.annulus.perimeter_mm, t->annulus.perimeter_mm), <, 0.05);
  {
    gboolean warned = FALSE;
    for (guint w = 0; w < as_mr.warnings->len; w++)
      warned |= strstr (g_ptr_array_index (as_mr.warnings, w), "circle through the three hinge points") != NULL;
    g_assert_true (warned);
  }
  cusp_measurements_clear (&as_hu);
  cusp_measurements_clear (&as_mr);
}

static void
test_keys_and_json (void)
{
  CuspPhantomDef def = cusp_phantom_default_def ();
  g_autoptr(CuspPhantomTruth) t = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *json = NULL, *truth_json = NULL;
  const CuspMeasureKey *keys;
  const char *required[] = { "annulus.perimeter_mm", "annulus.area_mm2", "annulus.dmin_mm", "annulus.dmax_mm",
                             "annulus.eccentricity", "lvot.area_mm2", "sov.mean_diameter_mm", "stj.diameter_mm",
                             "stj.height_mm", "coronary.left_height_mm", "coronary.right_height_mm",
                             "calcium.total_mm3", "calcium.lvot_mm3", "sizing.balloon_expandable",
                             "sizing.self_expanding" };
  CuspMeasurements m;
  CuspLandmarks lm, back;
  JsonObject *root;
  guint n_keys;
  double value;

  def.spacing_mm = 0.8;
  def.extent_below_mm = 12.0;
  measure_phantom (&def, &t, &m, &lm);
  keys = cusp_measure_keys (&n_keys);
  for (guint i = 0; i < n_keys; i++)
    {
      g_assert_false (g_hash_table_contains (seen, keys[i].key));
      g_hash_table_add (seen, (gpointer) keys[i].key);
      g_assert_cmpuint (strlen (keys[i].definition), >, 10);
      g_assert_true (g_str_has_suffix (keys[i].definition, "."));
    }
  for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_assert_true (g_hash_table_contains (seen, required[i]));
      g_assert_true (cusp_measurements_get (&m, required[i], &value));
      g_assert_true (isfinite (value));
    }
  g_assert_false (cusp_measurements_get (&m, "no.such_key", &value));

  json = cusp_measurements_to_json (&m, &lm);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (root, "annulus.area_mm2"), m.annulus.area_mm2, 1e-9);
  g_assert_cmpfloat (json_object_get_double_member (root, "sizing.balloon_expandable"), ==, 26.0);
  g_assert_true (json_object_get_boolean_member (root, "image.hounsfield"));

  /* Landmarks survive the measurement output and the phantom truth file. */
  g_assert_true (cusp_measure_landmarks_from_json (json, -1, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (&back, sizeof back, &lm, sizeof lm);
  truth_json = cusp_phantom_truth_to_json (t);
  g_assert_true (cusp_measure_landmarks_from_json (truth_json, -1, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (&back, sizeof back, &lm, sizeof lm);
  g_assert_false (cusp_measure_landmarks_from_json ("{\"hinges_mm\": 3}", -1, &back, &error));
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (cusp_measure_landmarks_from_json ("not json", -1, &back, &error));
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT);
  cusp_measurements_clear (&m);
}

/* Dragging the STJ handle 2 mm up the axis moves the STJ height by 2 mm and nothing below it. */
static void
test_drag_updates (void)
{
  CuspPhantomDef def = cusp_phantom_default_def ();
  g_autoptr(CuspPhantomTruth) t = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL;
  g_autoptr(CuspMeasureContext) ctx = NULL;
  CuspMeasurements a, b;
  CuspLandmarks lm;

  def.spacing_mm = 0.8;
  def.extent_below_mm = 12.0;
  volume = cusp_phantom_generate (&def, &t, NULL, &error);
  cusp_phantom_truth_get_landmarks (t, &lm);
  ctx = cusp_measure_context_new (volume, NULL, &error);
  g_assert_true (cusp_measure_run (ctx, &lm, &a, &error));
  for (int i = 0; i < 3; i++)
    lm.stj_center_mm[i] += 2.0 * t->root_axis[i];
  g_assert_true (cusp_measure_run (ctx, &lm, &b, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (b.stj_height_mm - a.stj_height_mm, 2.0, 1e-9);
  g_assert_cmpfloat (b.annulus.area_mm2, ==, a.annulus.area_mm2);
  g_assert_cmpfloat (b.stj_diameter_mm, >, a.stj_diameter_mm);  /* above the STJ waist */
  cusp_measurements_clear (&a);
  cusp_measurements_clear (&b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/seg/measure/phantom-sweep", test_sweep);
  g_test_add_func ("/seg/measure/carm-convention", test_carm_convention);
  g_test_add_func ("/seg/measure/carm-on-phantom", test_carm_on_phantom);
  g_test_add_func ("/seg/measure/sizing-charts", test_sizing_charts);
  g_test_add_func ("/seg/measure/bad-input", test_bad_input);
  g_test_add_func ("/seg/measure/hidden-wall", test_hidden_wall);
  g_test_add_func ("/seg/measure/keys-and-json", test_keys_and_json);
  g_test_add_func ("/seg/measure/drag-updates", test_drag_updates);
  return g_test_run ();
}
