/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-flow.c: paravalvular flow model against the analytic oracles of DOMAIN.md 7 (items 5-8),
 * the gap-map analysis, VARC-2 boundaries, bad input and a fuzz loop. */
#include "cusp-sim-flow.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#define MU 3.5e-3                              /* Pa s */
#define MMHG CUSP_PA_PER_MMHG

static void
assert_within (double value, double expected, double rel, const char *what)
{
  g_test_message ("%s: %.6g (expected %.6g, %+.3f %%)", what, value, expected, 100.0 * (value / expected - 1.0));
  g_assert_true (isfinite (value));
  g_assert_cmpfloat (fabs (value / expected - 1.0), <=, rel);
}

/* DOMAIN.md 7.5. Slit: Q = w h^3 dp / (12 mu L) = 0.01 x (2e-4)^3 x 1000 / (12 x 3.5e-3 x 0.005)
 * = 3.810e-7 m3/s = 0.3810 mL/s. Pipe: Q = pi R^4 dp / (8 mu L) = pi x 1e-12 x 1333.2 /
 * (8 x 3.5e-3 x 0.01) = 1.496e-5 m3/s = 14.96 mL/s. */
static void
test_slit_and_pipe (void)
{
  double q;
  CuspFlowError err;

  g_assert_cmpint (cusp_flow_slit (0.2, 5.0, 10.0, 1000.0, MU, &q, &err), ==, CUSP_FLOW_OK);
  assert_within (q, 0.3810, 0.02, "slit");
  g_assert_cmpint (cusp_flow_pipe (1.0, 10.0, 10.0 * MMHG, MU, &q, &err), ==, CUSP_FLOW_OK);
  assert_within (q, 14.96, 0.02, "pipe");
}

/* DOMAIN.md 7.5, eccentric annulus R 11.5 mm, mean gap 0.2 mm, L 5 mm, 1000 Pa. Concentric: the
 * slit law on w = 2 pi 11.5 mm: 0.0722566 x 8e-12 x 1000 / 2.1e-4 = 2.7526 mL/s; the narrow-gap
 * factor 1 + 1.5 e^2 gives x1.375 = 3.7849 and x2.215 = 6.0971. The exact bipolar solution with
 * radii 11.6 / 11.4 mm (mean 11.5) must agree with both. */
static void
test_eccentric_annulus (void)
{
  const double e[] = { 0.0, 0.5, 0.9 };
  const double expected[] = { 2.7526, 3.7849, 6.0971 };
  CuspFlowError err;

  for (gsize i = 0; i < G_N_ELEMENTS (e); i++)
    {
      double narrow, exact;
      g_assert_cmpint (cusp_flow_eccentric_annulus (11.5, 0.2, e[i], 5.0, 1000.0, MU, &narrow, &err), ==, CUSP_FLOW_OK);
      g_assert_cmpint (cusp_flow_eccentric_annulus_exact (11.6, 11.4, e[i], 5.0, 1000.0, MU, &exact, &err), ==, CUSP_FLOW_OK);
      assert_within (narrow, expected[i], 0.02, "eccentric annulus (narrow gap)");
      assert_within (exact, expected[i], 0.02, "eccentric annulus (exact)");
      assert_within (exact, narrow, 0.001, "exact vs narrow-gap law");
    }
  /* Across the e = 0.01 switch inside the exact law the flow is continuous. */
  {
    double a, b;
    g_assert_cmpint (cusp_flow_eccentric_annulus_exact (11.6, 11.4, 0.0099999, 5.0, 1000.0, MU, &a, &err), ==, CUSP_FLOW_OK);
    g_assert_cmpint (cusp_flow_eccentric_annulus_exact (11.6, 11.4, 0.0100001, 5.0, 1000.0, MU, &b, &err), ==, CUSP_FLOW_OK);
    g_assert_cmpfloat (fabs (a / b - 1.0), <, 1e-6);
  }
  /* Thin and thick annuli against the same bipolar formula evaluated with mpmath at 50 digits
   * (outer 12 mm, L 5 mm, 1000 Pa): inner 11.99 mm, e 0.5: 4.93473135912e-4 mL/s (here the code
   * takes its thin-gap branch); inner 11.9 mm, e 0.9: 0.791951038621 mL/s; inner 6 mm, e 0.5:
   * 78996.7749802 mL/s. */
  {
    double q;
    g_assert_cmpint (cusp_flow_eccentric_annulus_exact (12.0, 11.99, 0.5, 5.0, 1000.0, MU, &q, &err), ==, CUSP_FLOW_OK);
    assert_within (q, 4.93473135912e-4, 1e-5, "thin annulus vs 50-digit reference");
    g_assert_cmpint (cusp_flow_eccentric_annulus_exact (12.0, 11.9, 0.9, 5.0, 1000.0, MU, &q, &err), ==, CUSP_FLOW_OK);
    assert_within (q, 0.791951038621, 1e-6, "0.1 mm annulus vs 50-digit reference");
    g_assert_cmpint (cusp_flow_eccentric_annulus_exact (12.0, 6.0, 0.5, 5.0, 1000.0, MU, &q, &err), ==, CUSP_FLOW_OK);
    assert_within (q, 78996.7749802, 1e-6, "thick annulus vs 50-digit reference");
  }
}

/* DOMAIN.md 7.6. w 10 mm, L 5 mm, dp = 70 mmHg = 9332.6 Pa. For h = 0.1 mm: A = 1e-6 m2,
 * R = 12 mu L / (w h^3) = 2.1e10 Pa s/m3, a = 0.5 rho / (Cd A)^2 = 1.4243e15; the positive root of
 * a Q^2 + R Q = dp is Q = 2 dp / (R + sqrt(R^2 + 4 a dp)) = 4.32e-7 m3/s = 0.43 mL/s; the same
 * arithmetic gives 2.62 / 5.61 / 11.41 / 24.87 mL/s for 0.2 / 0.3 / 0.5 / 1.0 mm. */
static void
test_series_model (void)
{
  const double gap[] = { 0.1, 0.2, 0.3, 0.5, 1.0 };
  const double expected[] = { 0.43, 2.62, 5.61, 11.41, 24.87 };
  CuspFlowError err;

  for (gsize i = 0; i < G_N_ELEMENTS (gap); i++)
    {
      double q, q_general;
      g_assert_cmpint (cusp_flow_series_slit (gap[i], 5.0, 10.0, 70.0 * MMHG, NULL, &q, &err), ==, CUSP_FLOW_OK);
      assert_within (q, expected[i], 0.02, "series gap model");
      /* The general form with A = w h and R in Pa s / mL gives the same number. */
      g_assert_cmpint (cusp_flow_series (70.0 * MMHG, 10.0 * gap[i],
                                         12.0 * MU * 5e-3 / (1e-2 * pow (gap[i] * 1e-3, 3)) * 1e-6,
                                         NULL, &q_general, &err), ==, CUSP_FLOW_OK);
      assert_within (q_general, q, 1e-9, "series (area, resistance) form");
    }
}

/* The series model tends to the slit law for thin gaps and to the orifice law for wide ones. */
static void
test_series_limits (void)
{
  CuspFlowOptions o = cusp_flow_default_options ();
  double q_series, q_slit;
  CuspFlowError err;

  g_assert_cmpint (cusp_flow_series_slit (0.01, 5.0, 10.0, 70.0 * MMHG, &o, &q_series, &err), ==, CUSP_FLOW_OK);
  g_assert_cmpint (cusp_flow_slit (0.01, 5.0, 10.0, 70.0 * MMHG, MU, &q_slit, &err), ==, CUSP_FLOW_OK);
  assert_within (q_series, q_slit, 1e-3, "thin gap -> viscous limit");

  g_assert_cmpint (cusp_flow_series_slit (20.0, 5.0, 10.0, 70.0 * MMHG, &o, &q_series, &err), ==, CUSP_FLOW_OK);
  /* Cd A sqrt(2 dp / rho) with A = 200 mm2. */
  assert_within (q_series, 0.61 * 200e-6 * sqrt (2.0 * 70.0 * MMHG / 1060.0) * 1e6, 1e-3, "wide gap -> orifice limit");

  /* Zero pressure or zero gap: no flow, not NaN. */
  g_assert_cmpint (cusp_flow_series_slit (0.0, 5.0, 10.0, 70.0 * MMHG, &o, &q_series, &err), ==, CUSP_FLOW_OK);
  g_assert_cmpfloat (q_series, ==, 0.0);
  g_assert_cmpint (cusp_flow_series_slit (0.2, 5.0, 10.0, 0.0, &o, &q_series, &err), ==, CUSP_FLOW_OK);
  g_assert_cmpfloat (q_series, ==, 0.0);
}

/* DOMAIN.md 7.7. Constant 70 mmHg over 0.5 s: v = sqrt(2 x 9332.6 / 1060) = 4.196 m/s;
 * V = EROA v T = 1e-5 x 4.196 x 0.5 = 2.098e-5 m3 = 21.0 mL for 0.10 cm2; 42.0 and 62.9 mL for
 * 0.20 and 0.30 cm2. DOMAIN.md 7.8. Gorlin: 250 / (44.3 sqrt(40)) = 0.892 cm2. */
static void
test_regurgitant_volume_and_gorlin (void)
{
  const double t[] = { 0.0, 0.5 };
  const double p[] = { 70.0 * MMHG, 70.0 * MMHG };
  const CuspPressureWaveform constant = { t, p, 2 };
  const double eroa[] = { 0.10, 0.20, 0.30 };
  const double expected[] = { 21.0, 42.0, 62.9 };
  CuspFlowError err;
  double v, area;

  for (gsize i = 0; i < G_N_ELEMENTS (eroa); i++)
    {
      g_assert_cmpint (cusp_flow_orifice_volume (eroa[i], &constant, 1060.0, &v, &err), ==, CUSP_FLOW_OK);
      assert_within (v, expected[i], 0.02, "regurgitant volume");
    }
  g_assert_cmpint (cusp_flow_gorlin_area (250.0, 40.0, &area, &err), ==, CUSP_FLOW_OK);
  assert_within (area, 0.892, 0.02, "Gorlin area");
}

/* The default waveform: 30 ms linear ramps and a 70 mmHg plateau. Over a ramp sqrt(p) integrates
 * to 2/3 of its plateau value, so V = EROA sqrt(2 P / rho) (0.44 + 2 x 2/3 x 0.03) s. */
static void
test_default_waveform (void)
{
  CuspPressureWaveform w = cusp_flow_default_waveform ();
  CuspFlowError err;
  double v, expected;

  g_assert_cmpint (cusp_flow_waveform_validate (&w, &err), ==, CUSP_FLOW_OK);
  g_assert_cmpfloat (w.time_s[w.sample_count - 1] - w.time_s[0], ==, 0.5);
  g_assert_cmpint (cusp_flow_orifice_volume (0.1, &w, 1060.0, &v, &err), ==, CUSP_FLOW_OK);
  expected = 1e-5 * sqrt (2.0 * 70.0 * MMHG / 1060.0) * (0.44 + 2.0 * (2.0 / 3.0) * 0.03) * 1e6;
  assert_within (v, expected, 2e-3, "default waveform volume");
}

/* A gap map of n_angles x n_rows filled with `closed`, and columns [first, first + count) (wrapping)
 * opened to `gap` over every row. */
static double *
make_map (CuspGapMap *map, int n_angles, int n_rows, double closed, int first, int count, double gap)
{
  double *g = g_new (double, (gsize) n_angles * n_rows);

  for (int r = 0; r < n_rows; r++)
    for (int c = 0; c < n_angles; c++)
      g[r * n_angles + c] = closed;
  for (int r = 0; r < n_rows; r++)
    for (int j = 0; j < count; j++)
      g[r * n_angles + (first + j) % n_angles] = gap;
  memset (map, 0, sizeof *map);
  map->gap_mm = g;
  map->angle_count = n_angles;
  map->height_count = n_rows;
  map->angle_step_deg = 360.0 / n_angles;
  map->height_step_mm = 0.5;
  map->height0_mm = -3.0;
  map->annulus_row = 6;
  map->seal_row_begin = 0;
  map->seal_row_end = n_rows;
  map->seal_radius_mm = 11.5;
  return g;
}

/* One uniform channel of 8 columns x 5 deg at radius 11.5 mm (w = 8.029 mm) and 0.3 mm over a 10 mm
 * seal (20 rows x 0.5 mm) must carry the series-slit flow of that w, h, L; under a constant
 * waveform the volume is flow x T, and EROA = Q / sqrt(2 dp / rho). The channel wraps round 0 deg. */
static void
test_gap_map_channel (void)
{
  const double t[] = { 0.0, 0.5 };
  const double p[] = { 70.0 * MMHG, 70.0 * MMHG };
  const CuspPressureWaveform constant = { t, p, 2 };
  CuspGapMap map;
  g_autofree double *g = make_map (&map, 72, 20, 0.0, 70, 8, 0.3);
  static CuspLeakResult res;
  CuspFlowError err;
  double q, width_mm = 11.5 * 8 * 5.0 * G_PI / 180.0;

  g_assert_cmpint (cusp_flow_analyze (&map, NULL, &constant, &res, &err), ==, CUSP_FLOW_OK);
  g_assert_cmpint (res.channel_count, ==, 1);
  g_assert_cmpint (res.channels[0].first_column, ==, 70);
  g_assert_cmpint (res.channels[0].column_count, ==, 8);
  /* Columns 70..77 centred on 350..385 deg: the centre is 367.5 = 7.5 deg. */
  g_assert_cmpfloat_with_epsilon (res.channels[0].center_angle_deg, 7.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (res.channels[0].extent_deg, 40.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (res.channels[0].mean_gap_mm, 0.3, 1e-9);

  g_assert_cmpint (cusp_flow_series_slit (0.3, 10.0, width_mm, 70.0 * MMHG, NULL, &q, &err), ==, CUSP_FLOW_OK);
  assert_within (res.peak_flow_ml_s, q, 1e-9, "channel flow vs series slit");
  assert_within (res.regurgitant_volume_ml, q * 0.5, 1e-9, "channel volume");
  assert_within (res.eroa_cm2, q * 1e-6 / sqrt (2.0 * 70.0 * MMHG / 1060.0) * 1e4, 1e-9, "channel EROA");
  assert_within (res.circumferential_extent_pct, 100.0 * 8 / 72, 1e-12, "extent");
  assert_within (res.annulus_apposition_pct, 100.0 * 64 / 72, 1e-12, "apposition");
  g_assert_cmpint (res.grade_driver, ==, CUSP_VARC2_BY_REGURGITANT_VOLUME);
  g_assert_cmpint (res.grade, ==, cusp_varc2_grade_by_volume (res.regurgitant_volume_ml));
  g_assert_cmpint (res.grade_by_extent, ==, CUSP_VARC2_MODERATE);   /* 11.1 % */
  g_assert_false (res.has_regurgitant_fraction);

  /* The instantaneous curve: zero at zero pressure, the peak flow at the plateau. */
  {
    CuspPressureWaveform dw = cusp_flow_default_waveform ();
    double curve[8];
    g_assert_cmpint (dw.sample_count, <=, 8);
    g_assert_cmpint (cusp_flow_channel_curve (&res.channels[0], NULL, &dw, curve, &err), ==, CUSP_FLOW_OK);
    g_assert_cmpfloat (curve[0], ==, 0.0);
    assert_within (curve[1], q, 1e-9, "curve at the plateau");
    g_assert_cmpint (cusp_flow_channel_curve (NULL, NULL, &dw, curve, &err), ==, CUSP_FLOW_ERROR_INVALID_INPUT);
  }

  /* One closed row anywhere in the seal closes the channel. */
  g[7 * 72 + 72 - 1] = 0.0;
  g[7 * 72 + 1] = 0.0;
  g_assert_cmpint (cusp_flow_analyze (&map, NULL, &constant, &res, &err), ==, CUSP_FLOW_OK);
  g_assert_cmpint (res.channel_count, ==, 3);            /* {70}, {0}, {2..5} */
  g[7 * 72 + 0] = 0.0;
  g[7 * 72 + 70] = 0.0;
  g_assert_cmpint (cusp_flow_analyze (&map, NULL, &constant, &res, &err), ==, CUSP_FLOW_OK);
  g_assert_cmpint (res.channel_count, ==, 1);            /* 2..5 only */
  g_assert_cmpint (res.channels[0].first_column, ==, 2);
  g_assert_cmpint (res.channels[0].column_count, ==, 4);
}

/* The inertial loss sits at the narrowest row; the viscous resistance adds along the height. */
static void
test_gap_map_narrowest_row (void)
{
  CuspGapMap map;
  g_autofree double *g = make_map (&map, 36, 10, 0.0, 0, 3, 0.5);
  static CuspLeakResult res;
  CuspFlowError err;

  for (int c = 0; c < 3; c++)
    g[4 * 36 + c] = 0.2;
  g_assert_cmpint (cusp_flow_analyze (&map, NULL, NULL, &res, &err), ==, CUSP_FLOW_OK);
  g_assert_cmpint (res.channel_count, ==, 1);
  g_assert_cmpfloat_with_epsilon (res.channels[0].narrowest_height_mm, -3.0 + 4 * 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (res.channels[0].mean_gap_mm, 0.2, 1e-12);
}

static void
test_gap_map_closed_and_open (void)
{
  CuspGapMap map;
  static CuspLeakResult res;
  CuspFlowError err;
  g_autofree double *closed = make_map (&map, 72, 20, 0.04, 0, 0, 0.0);

  /* Every gap under the CUSP_GAP_TOLERANCE_MM (0.1 mm) tolerance: sealed. */
  g_assert_cmpint (cusp_flow_analyze (&map, NULL, NULL, &res, &err), ==, CUSP_FLOW_OK);
  g_assert_cmpint (res.channel_count, ==, 0);
  g_assert_cmpfloat (res.regurgitant_volume_ml, ==, 0.0);
  g_assert_cmpfloat (res.eroa_cm2, ==, 0.0);
  g_assert_cmpfloat (res.annulus_apposition_pct, ==, 100.0);
  g_assert_cmpint (res.grade, ==, CUSP_VARC2_NONE_TRACE);

  /* A 1 mm gap all round a 11.5 mm radius over 10 mm: about 10 times the 0.5 mm / 10 mm wide
   * series case of 24.9 mL/s (less for the 10 mm length) over 0.47 s: severe by volume. */
  {
    g_autofree double *open = make_map (&map, 72, 20, 1.0, 0, 0, 0.0);
    g_assert_cmpint (cusp_flow_analyze (&map, NULL, NULL, &res, &err), ==, CUSP_FLOW_OK);
    g_assert_cmpint (res.channel_count, ==, 1);
    g_assert_cmpint (res.channels[0].column_count, ==, 72);
    g_assert_cmpfloat (res.circumferential_extent_pct, ==, 100.0);
    g_assert_cmpfloat (res.annulus_apposition_pct, ==, 0.0);
    g_test_message ("1 mm all round: %.1f mL per beat, EROA %.3f cm2", res.regurgitant_volume_ml, res.eroa_cm2);
    g_assert_cmpint (res.grade, ==, CUSP_VARC2_SEVERE);
    g_assert_cmpint (res.grade_by_eroa, ==, CUSP_VARC2_SEVERE);
    g_assert_cmpint (res.grade_by_extent, ==, CUSP_VARC2_SEVERE);
  }
}

/* Wider gaps leak more; the tiny leak is none/trace; a given stroke volume grades the fraction. */
static void
test_gap_map_monotonic_and_grades (void)
{
  double last = 0.0;
  CuspFlowOptions o = cusp_flow_default_options ();
  static CuspLeakResult res;
  CuspFlowError err;

  for (int i = 1; i <= 10; i++)
    {
      CuspGapMap map;
      g_autofree double *g = make_map (&map, 72, 20, 0.0, 10, 6, CUSP_GAP_TOLERANCE_MM + 0.06 * i);
      g_assert_cmpint (cusp_flow_analyze (&map, NULL, NULL, &res, &err), ==, CUSP_FLOW_OK);
      g_assert_cmpfloat (res.regurgitant_volume_ml, >, last);
      last = res.regurgitant_volume_ml;
    }
  {
    CuspGapMap map;
    g_autofree double *g = make_map (&map, 72, 20, 0.0, 10, 1, CUSP_GAP_TOLERANCE_MM + 0.02);
    g_assert_cmpint (cusp_flow_analyze (&map, NULL, NULL, &res, &err), ==, CUSP_FLOW_OK);
    g_assert_cmpint (res.channel_count, ==, 1);
    g_assert_cmpfloat (res.regurgitant_volume_ml, <, o.trace_volume_ml);
    g_assert_cmpint (res.grade, ==, CUSP_VARC2_NONE_TRACE);
    g_assert_cmpint (res.grade_by_volume, ==, CUSP_VARC2_MILD);
  }
  {
    CuspGapMap map;
    g_autofree double *g = make_map (&map, 72, 20, 0.0, 10, 20, 0.5);
    o.lv_stroke_volume_ml = 70.0;
    g_assert_cmpint (cusp_flow_analyze (&map, &o, NULL, &res, &err), ==, CUSP_FLOW_OK);
    g_assert_true (res.has_regurgitant_fraction);
    assert_within (res.regurgitant_fraction_pct, fmin (100.0, 100.0 * res.regurgitant_volume_ml / 70.0), 1e-12, "fraction");
    g_assert_cmpint (res.grade_by_fraction, ==, cusp_varc2_grade_by_fraction (res.regurgitant_fraction_pct));
  }
}

/* VARC-2 (DOMAIN.md 4), on and beside every threshold. */
static void
test_varc2_boundaries (void)
{
  g_assert_cmpint (cusp_varc2_grade_by_volume (0.0), ==, CUSP_VARC2_NONE_TRACE);
  g_assert_cmpint (cusp_varc2_grade_by_volume (0.5), ==, CUSP_VARC2_MILD);
  g_assert_cmpint (cusp_varc2_grade_by_volume (29.999), ==, CUSP_VARC2_MILD);
  g_assert_cmpint (cusp_varc2_grade_by_volume (30.0), ==, CUSP_VARC2_MODERATE);
  g_assert_cmpint (cusp_varc2_grade_by_volume (59.999), ==, CUSP_VARC2_MODERATE);
  g_assert_cmpint (cusp_varc2_grade_by_volume (60.0), ==, CUSP_VARC2_SEVERE);
  g_assert_cmpint (cusp_varc2_grade_by_eroa (0.0999), ==, CUSP_VARC2_MILD);
  g_assert_cmpint (cusp_varc2_grade_by_eroa (0.10), ==, CUSP_VARC2_MODERATE);
  g_assert_cmpint (cusp_varc2_grade_by_eroa (0.2999), ==, CUSP_VARC2_MODERATE);
  g_assert_cmpint (cusp_varc2_grade_by_eroa (0.30), ==, CUSP_VARC2_SEVERE);
  g_assert_cmpint (cusp_varc2_grade_by_extent (9.99), ==, CUSP_VARC2_MILD);
  g_assert_cmpint (cusp_varc2_grade_by_extent (10.0), ==, CUSP_VARC2_MODERATE);
  g_assert_cmpint (cusp_varc2_grade_by_extent (29.99), ==, CUSP_VARC2_MODERATE);
  g_assert_cmpint (cusp_varc2_grade_by_extent (30.0), ==, CUSP_VARC2_SEVERE);
  g_assert_cmpint (cusp_varc2_grade_by_fraction (29.99), ==, CUSP_VARC2_MILD);
  g_assert_cmpint (cusp_varc2_grade_by_fraction (30.0), ==, CUSP_VARC2_MODERATE);
  g_assert_cmpint (cusp_varc2_grade_by_fraction (49.99), ==, CUSP_VARC2_MODERATE);
  g_assert_cmpint (cusp_varc2_grade_by_fraction (50.0), ==, CUSP_VARC2_SEVERE);
  g_assert_cmpint (cusp_varc2_grade_by_volume (NAN), ==, CUSP_VARC2_NONE_TRACE);
  g_assert_cmpint (cusp_varc2_grade_by_eroa (-1.0), ==, CUSP_VARC2_NONE_TRACE);
  g_assert_cmpstr (cusp_varc2_grade_to_string (CUSP_VARC2_MODERATE), ==, "moderate");
  g_assert_cmpstr (cusp_varc2_criterion_to_string (CUSP_VARC2_BY_EROA), ==, "eroa");
}

#define SENTINEL (-12345.0)

/* NaN, inf and negative numbers give an error with a message and leave the output alone. */
static void
test_bad_input (void)
{
  const double bad[] = { NAN, INFINITY, -INFINITY, -1.0 };
  CuspFlowError err;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      double x = bad[i], out = SENTINEL;
#define EXPECT_FAIL(call) \
      do { out = SENTINEL; memset (&err, 0, sizeof err); \
           g_assert_cmpint ((call), ==, CUSP_FLOW_ERROR_INVALID_INPUT); \
           g_assert_cmpint (err.status, ==, CUSP_FLOW_ERROR_INVALID_INPUT); \
           g_assert_cmpstr (err.message, !=, ""); \
           g_assert_cmpfloat (out, ==, SENTINEL); } while (0)
      EXPECT_FAIL (cusp_flow_slit (x, 5, 10, 1000, MU, &out, &err));
      EXPECT_FAIL (cusp_flow_slit (0.2, x, 10, 1000, MU, &out, &err));
      EXPECT_FAIL (cusp_flow_slit (0.2, 5, x, 1000, MU, &out, &err));
      EXPECT_FAIL (cusp_flow_slit (0.2, 5, 10, x, MU, &out, &err));
      EXPECT_FAIL (cusp_flow_slit (0.2, 5, 10, 1000, x, &out, &err));
      EXPECT_FAIL (cusp_flow_pipe (x, 10, 1000, MU, &out, &err));
      EXPECT_FAIL (cusp_flow_pipe (1, 10, x, MU, &out, &err));
      EXPECT_FAIL (cusp_flow_eccentric_annulus (x, 0.2, 0.5, 5, 1000, MU, &out, &err));
      EXPECT_FAIL (cusp_flow_eccentric_annulus (11.5, 0.2, x, 5, 1000, MU, &out, &err));
      EXPECT_FAIL (cusp_flow_eccentric_annulus (11.5, x, 0.5, 5, 1000, MU, &out, &err));
      EXPECT_FAIL (cusp_flow_eccentric_annulus_exact (11.6, x, 0.5, 5, 1000, MU, &out, &err));
      EXPECT_FAIL (cusp_flow_eccentric_annulus_exact (11.6, 11.4, x, 5, 1000, MU, &out, &err));
      EXPECT_FAIL (cusp_flow_series (x, 2.0, 1e4, NULL, &out, &err));
      EXPECT_FAIL (cusp_flow_series (1000, x, 1e4, NULL, &out, &err));
      EXPECT_FAIL (cusp_flow_series (1000, 2.0, x, NULL, &out, &err));
      EXPECT_FAIL (cusp_flow_series_slit (x, 5, 10, 1000, NULL, &out, &err));
      EXPECT_FAIL (cusp_flow_series_slit (0.2, 5, 10, x, NULL, &out, &err));
      EXPECT_FAIL (cusp_flow_gorlin_area (x, 40, &out, &err));
      EXPECT_FAIL (cusp_flow_gorlin_area (250, x, &out, &err));
      {
        const CuspPressureWaveform w = cusp_flow_default_waveform ();
        EXPECT_FAIL (cusp_flow_orifice_volume (x, &w, 1060, &out, &err));
        EXPECT_FAIL (cusp_flow_orifice_volume (0.1, &w, x, &out, &err));
      }
      {
        CuspFlowOptions o = cusp_flow_default_options ();
        o.discharge_coefficient = x;
        EXPECT_FAIL (cusp_flow_series_slit (0.2, 5, 10, 1000, &o, &out, &err));
      }
#undef EXPECT_FAIL
    }
  /* Geometry that is impossible even with finite numbers. */
  {
    double out = SENTINEL;
    g_assert_cmpint (cusp_flow_eccentric_annulus_exact (11.4, 11.6, 0.5, 5, 1000, MU, &out, &err), ==, CUSP_FLOW_ERROR_INVALID_INPUT);
    g_assert_cmpint (cusp_flow_gorlin_area (250, 0.0, &out, &err), ==, CUSP_FLOW_ERROR_INVALID_INPUT);
    g_assert_cmpint (cusp_flow_slit (0.2, 0.0, 10, 1000, MU, &out, &err), ==, CUSP_FLOW_ERROR_INVALID_INPUT);
    g_assert_cmpfloat (out, ==, SENTINEL);
    g_assert_cmpint (cusp_flow_slit (0.2, 5, 10, 1000, MU, NULL, &err), ==, CUSP_FLOW_ERROR_INVALID_INPUT);
  }
  /* Bad waveforms and maps. */
  {
    const double t_back[] = { 0.0, 0.3, 0.2 };
    const double p_ok[] = { 0.0, 9000.0, 0.0 };
    const double p_neg[] = { 0.0, -9000.0, 0.0 };
    const double t_ok[] = { 0.0, 0.25, 0.5 };
    const double p_nan[] = { 0.0, NAN, 0.0 };
    CuspPressureWaveform w;
    CuspGapMap map;
    static CuspLeakResult res;
    g_autofree double *g = make_map (&map, 72, 20, 0.0, 10, 6, 0.3);

    w = (CuspPressureWaveform) { t_back, p_ok, 3 };
    g_assert_cmpint (cusp_flow_waveform_validate (&w, &err), ==, CUSP_FLOW_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (err.message, "must increase"));
    w = (CuspPressureWaveform) { t_ok, p_neg, 3 };
    g_assert_cmpint (cusp_flow_analyze (&map, NULL, &w, &res, &err), ==, CUSP_FLOW_ERROR_INVALID_INPUT);
    w = (CuspPressureWaveform) { t_ok, p_nan, 3 };
    g_assert_cmpint (cusp_flow_analyze (&map, NULL, &w, &res, &err), ==, CUSP_FLOW_ERROR_INVALID_INPUT);
    w = (CuspPressureWaveform) { t_ok, p_ok, 1 };
    g_assert_cmpint (cusp_flow_analyze (&map, NULL, &w, &res, &err), ==, CUSP_FLOW_ERROR_INVALID_INPUT);

    g[5] = NAN;
    g_assert_cmpint (cusp_flow_analyze (&map, NULL, NULL, &res, &err), ==, CUSP_FLOW_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (err.message, "angle index 5"));
    g[5] = -0.1;
    g_assert_cmpint (cusp_flow_analyze (&map, NULL, NULL, &res, &err), ==, CUSP_FLOW_ERROR_INVALID_INPUT);
    g[5] = 0.0;
    map.angle_step_deg = 4.0;                  /* 72 x 4 = 288 deg */
    g_assert_cmpint (cusp_flow_analyze (&map, NULL, NULL, &res, &err), ==, CUSP_FLOW_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (err.message, "full turn"));
    map.angle_step_deg = 5.0;
    map.seal_row_end = 21;
    g_assert_cmpint (cusp_flow_analyze (&map, NULL, NULL, &res, &err), ==, CUSP_FLOW_ERROR_INVALID_INPUT);
    map.seal_row_end = 20;
    map.seal_radius_mm = NAN;
    g_assert_cmpint (cusp_flow_analyze (&map, NULL, NULL, &res, &err), ==, CUSP_FLOW_ERROR_INVALID_INPUT);
    map.seal_radius_mm = 11.5;
    map.gap_mm = NULL;
    g_assert_cmpint (cusp_flow_analyze (&map, NULL, NULL, &res, &err), ==, CUSP_FLOW_ERROR_INVALID_INPUT);
    map.gap_mm = g;
    g_assert_cmpint (cusp_flow_analyze (&map, NULL, NULL, &res, &err), ==, CUSP_FLOW_OK);
  }
}

static void
assert_finite_result (const CuspLeakResult *r)
{
  g_assert_true (isfinite (r->peak_flow_ml_s) && r->peak_flow_ml_s >= 0.0);
  g_assert_true (isfinite (r->regurgitant_volume_ml) && r->regurgitant_volume_ml >= 0.0);
  g_assert_true (isfinite (r->eroa_cm2) && r->eroa_cm2 >= 0.0);
  g_assert_true (r->circumferential_extent_pct >= 0.0 && r->circumferential_extent_pct <= 100.0);
  g_assert_true (r->annulus_apposition_pct >= 0.0 && r->annulus_apposition_pct <= 100.0);
  g_assert_true (r->grade >= CUSP_VARC2_NONE_TRACE && r->grade <= CUSP_VARC2_SEVERE);
  for (int i = 0; i < r->channel_count; i++)
    {
      const CuspLeakChannel *c = &r->channels[i];
      g_assert_true (isfinite (c->peak_flow_ml_s) && isfinite (c->volume_ml) && isfinite (c->eroa_cm2));
      g_assert_true (isfinite (c->viscous_resistance_pa_s_per_ml) && c->viscous_resistance_pa_s_per_ml > 0.0);
      g_assert_true (c->center_angle_deg >= 0.0 && c->center_angle_deg < 360.0);
      g_assert_true (isfinite (c->narrowest_height_mm) && c->narrowest_area_mm2 > 0.0);
    }
}

/* Random maps (sizes, gaps from 0 to 50 mm, zeros, tiny values), random options and waveforms:
 * always an answer, finite, or an error for the poisoned ones. */
static void
test_fuzz (void)
{
  GRand *rand = g_rand_new_with_seed (4);
  static CuspLeakResult res;
  int ok = 0, rejected = 0;

  for (int iter = 0; iter < 3000; iter++)
    {
      const int n_angles_choices[] = { 3, 8, 36, 72, 360, 720 };
      int n = n_angles_choices[g_rand_int_range (rand, 0, G_N_ELEMENTS (n_angles_choices))];
      int rows = g_rand_int_range (rand, 1, 40);
      double *g = g_new (double, (gsize) n * rows);
      double t[6], p[6];
      int samples = g_rand_int_range (rand, 2, 7);
      CuspGapMap map;
      CuspPressureWaveform w = { t, p, samples };
      CuspFlowOptions o = cusp_flow_default_options ();
      CuspFlowError err;
      gboolean poisoned = FALSE;

      for (int i = 0; i < n * rows; i++)
        {
          int kind = g_rand_int_range (rand, 0, 6);
          g[i] = kind == 0 ? 0.0 : kind == 1 ? g_rand_double_range (rand, 0.0, 1e-5)
                 : kind == 2 ? g_rand_double_range (rand, 0.0, 50.0) : g_rand_double_range (rand, 0.0, 1.0);
        }
      t[0] = 0.0;
      p[0] = g_rand_double_range (rand, 0.0, 20000.0);
      for (int i = 1; i < samples; i++)
        {
          t[i] = t[i - 1] + g_rand_double_range (rand, 1e-4, 0.3);
          p[i] = g_rand_double_range (rand, 0.0, 20000.0);
        }
      map = (CuspGapMap) { g, n, rows, 360.0 / n, g_rand_double_range (rand, 0.05, 2.0), -5.0,
                           g_rand_int_range (rand, 0, rows), 0, rows, g_rand_double_range (rand, 5.0, 20.0) };
      map.seal_row_begin = g_rand_int_range (rand, 0, rows);
      map.seal_row_end = g_rand_int_range (rand, map.seal_row_begin + 1, rows + 1);
      o.gap_tolerance_mm = g_rand_boolean (rand) ? 0.0 : g_rand_double_range (rand, 0.0, 0.3);
      o.lv_stroke_volume_ml = g_rand_boolean (rand) ? 0.0 : g_rand_double_range (rand, 1.0, 120.0);
      if (g_rand_int_range (rand, 0, 10) == 0)
        {
          poisoned = TRUE;
          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0: g[g_rand_int_range (rand, 0, n * rows)] = NAN; break;
            case 1: p[g_rand_int_range (rand, 0, samples)] = INFINITY; break;
            case 2: map.height_step_mm = -1.0; break;
            default: o.viscosity_pa_s = NAN; break;
            }
        }
      if (cusp_flow_analyze (&map, &o, &w, &res, &err) == CUSP_FLOW_OK)
        {
          g_assert_false (poisoned);
          assert_finite_result (&res);
          ok++;
        }
      else
        {
          g_assert_true (poisoned);
          g_assert_cmpstr (err.message, !=, "");
          rejected++;
        }
      g_free (g);
    }
  g_test_message ("fuzz: %d maps analysed, %d rejected", ok, rejected);
  g_assert_cmpint (ok, >, 2000);
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/flow/slit-and-pipe", test_slit_and_pipe);
  g_test_add_func ("/sim/flow/eccentric-annulus", test_eccentric_annulus);
  g_test_add_func ("/sim/flow/series-model", test_series_model);
  g_test_add_func ("/sim/flow/series-limits", test_series_limits);
  g_test_add_func ("/sim/flow/regurgitant-volume-and-gorlin", test_regurgitant_volume_and_gorlin);
  g_test_add_func ("/sim/flow/default-waveform", test_default_waveform);
  g_test_add_func ("/sim/flow/gap-map-channel", test_gap_map_channel);
  g_test_add_func ("/sim/flow/gap-map-narrowest-row", test_gap_map_narrowest_row);
  g_test_add_func ("/sim/flow/gap-map-closed-and-open", test_gap_map_closed_and_open);
  g_test_add_func ("/sim/flow/gap-map-monotonic-and-grades", test_gap_map_monotonic_and_grades);
  g_test_add_func ("/sim/flow/varc2-boundaries", test_varc2_boundaries);
  g_test_add_func ("/sim/flow/bad-input", test_bad_input);
  g_test_add_func ("/sim/flow/fuzz", test_fuzz);
  return g_test_run ();
}
