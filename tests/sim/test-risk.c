/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-risk.c: truth tables of the risk rules at and around every threshold of DOMAIN.md 4, the
 * levels they set, the numbers and sources they carry, and bad input. */
#include "cusp-sim-risk.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* A left ostium well clear of everything: GREEN. */
static CuspCoronaryInput
safe_left (void)
{
  CuspCoronaryInput in = {
    .side = CUSP_CORONARY_LEFT,
    .leaflet_height_mm = 10.0,
    .coronary_height_mm = 14.0,
    .vtc_mm = 6.0,
    .dlc_mm = 5.0,
    .coronary_diameter_mm = 4.0,
    .culprit_leaflet_calcium_mm3 = 100.0,
    .sov_diameter_mm = 33.0,
    .valve_diameter_mm = 26.0,
  };
  return in;
}

static CuspCoronaryRisk
coronary (const CuspCoronaryInput *in)
{
  CuspCoronaryRisk r;
  CuspRiskError err;

  g_assert_cmpint (cusp_risk_coronary (in, &r, &err), ==, CUSP_RISK_OK);
  g_assert_cmpstr (r.khan.source, !=, "");
  g_assert_cmpstr (r.khan.detail, !=, "");
  g_assert_nonnull (strstr (r.dlc_ratio.source, "Heitkemper"));
  return r;
}

/* Khan 2023: leaflet height > coronary height AND (VTC <= 4 mm OR calcium > 600 mm3). */
static void
test_khan_truth_table (void)
{
  const struct { double leaflet, height, vtc, calcium; int flag; } rows[] = {
    { 14.0, 10.0, 3.0, 0.0, 1 },      /* taller, near */
    { 14.0, 10.0, 4.0, 0.0, 1 },      /* VTC exactly 4: <= */
    { 14.0, 10.0, 4.01, 0.0, 0 },     /* VTC just above */
    { 14.0, 10.0, 8.0, 600.0, 0 },    /* calcium exactly 600: not > */
    { 14.0, 10.0, 8.0, 600.5, 1 },    /* calcium just above */
    { 10.0, 10.0, 3.0, 900.0, 0 },    /* leaflet height equal to coronary height: not > */
    { 10.01, 10.0, 3.0, 0.0, 1 },     /* just taller */
    { 9.0, 10.0, 1.0, 900.0, 0 },     /* short leaflet: rule off whatever else */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    for (int side = 0; side < 2; side++)
      {
        CuspCoronaryInput in = safe_left ();
        CuspCoronaryRisk r;
        in.side = side;
        in.leaflet_height_mm = rows[i].leaflet;
        in.coronary_height_mm = rows[i].height;
        in.vtc_mm = rows[i].vtc;
        in.culprit_leaflet_calcium_mm3 = rows[i].calcium;
        in.sov_diameter_mm = 40.0;   /* keep the single cut-offs off */
        r = coronary (&in);
        g_test_message ("row %zu side %d: %s", i, side, r.khan.detail);
        g_assert_cmpint (r.khan.flag, ==, rows[i].flag);
        if (rows[i].flag)
          g_assert_cmpint (r.level, ==, CUSP_RISK_RED);
        g_assert_nonnull (strstr (r.khan.source, side == CUSP_CORONARY_LEFT ? "AUC 0.93" : "AUC 0.94"));
      }
}

/* Heitkemper 2020: DLC/d < 0.7. */
static void
test_dlc_ratio (void)
{
  const struct { double dlc, d; int flag; } rows[] = {
    { 2.8, 4.0, 0 },   /* 0.70 exactly: not < */
    { 2.79, 4.0, 1 },
    { 2.81, 4.0, 0 },
    { 0.0, 4.0, 1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      CuspCoronaryInput in = safe_left ();
      CuspCoronaryRisk r;
      in.dlc_mm = rows[i].dlc;
      in.coronary_diameter_mm = rows[i].d;
      r = coronary (&in);
      g_assert_cmpfloat_with_epsilon (r.dlc_over_d, rows[i].dlc / rows[i].d, 1e-12);
      g_assert_cmpint (r.dlc_ratio.flag, ==, rows[i].flag);
      g_assert_cmpint (r.level, ==, rows[i].flag ? CUSP_RISK_RED : CUSP_RISK_GREEN);
    }
}

/* Single cut-offs: left height < 11 with SOV < 31; right height < 15 with SOV < 29; residual sinus
 * (SOV - valve) < 5 mm. Each alone sets AMBER. */
static void
test_single_cutoffs (void)
{
  const struct { int side; double height, sov; int flag; } rows[] = {
    { CUSP_CORONARY_LEFT, 10.9, 30.9, 1 },
    { CUSP_CORONARY_LEFT, 11.0, 30.9, 0 },
    { CUSP_CORONARY_LEFT, 10.9, 31.0, 0 },
    { CUSP_CORONARY_RIGHT, 14.9, 28.9, 1 },
    { CUSP_CORONARY_RIGHT, 15.0, 28.9, 0 },
    { CUSP_CORONARY_RIGHT, 14.9, 29.0, 0 },
    { CUSP_CORONARY_LEFT, 12.0, 28.0, 0 },   /* right thresholds would not apply to the left */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      CuspCoronaryInput in = safe_left ();
      CuspCoronaryRisk r;
      in.side = rows[i].side;
      in.coronary_height_mm = rows[i].height;
      in.leaflet_height_mm = 8.0;            /* below the ostium: Khan off, no "taller" amber */
      in.sov_diameter_mm = rows[i].sov;
      in.valve_diameter_mm = 20.0;           /* residual sinus >= 8 mm: off */
      r = coronary (&in);
      g_assert_cmpint (r.height_and_sov.flag, ==, rows[i].flag);
      g_assert_false (r.residual_sinus.flag);
      g_assert_cmpint (r.level, ==, rows[i].flag ? CUSP_RISK_AMBER : CUSP_RISK_GREEN);
    }

  {
    const struct { double sov, valve; int flag; } sinus[] = { { 31.0, 26.0, 0 }, { 30.9, 26.0, 1 }, { 35.0, 29.0, 0 } };
    for (gsize i = 0; i < G_N_ELEMENTS (sinus); i++)
      {
        CuspCoronaryInput in = safe_left ();
        CuspCoronaryRisk r;
        in.sov_diameter_mm = sinus[i].sov;
        in.valve_diameter_mm = sinus[i].valve;
        r = coronary (&in);
        g_assert_cmpfloat_with_epsilon (r.residual_sinus_mm, sinus[i].sov - sinus[i].valve, 1e-12);
        g_assert_cmpint (r.residual_sinus.flag, ==, sinus[i].flag);
        g_assert_cmpint (r.level, ==, sinus[i].flag ? CUSP_RISK_AMBER : CUSP_RISK_GREEN);
      }
  }

  /* The leaflet taller than the ostium is high, with no other finding: AMBER. */
  {
    CuspCoronaryInput in = safe_left ();
    in.leaflet_height_mm = 15.0;
    g_assert_cmpint (coronary (&in).level, ==, CUSP_RISK_AMBER);
  }
}

/* Barbanti: area oversizing >= 20 %; stretch > 1.8 (1.7 women); LVOT calcium. */
static void
test_annular_rupture (void)
{
  /* A 26 mm valve has area pi 13^2 = 530.93 mm2; an annulus of 530.93 / 1.2 = 442.44 mm2 puts it at
   * exactly 20 % oversizing. */
  const double valve_area = G_PI * 13.0 * 13.0;
  const struct { double annulus, calcium; int has_stretch; double stretch; int female; int oversized, stretched;
                 CuspRiskLevel level; } rows[] = {
    { valve_area / 1.2, 0.0, 0, 0.0, 0, 1, 0, CUSP_RISK_AMBER },           /* exactly 20 % */
    { valve_area / 1.1999, 0.0, 0, 0.0, 0, 0, 0, CUSP_RISK_GREEN },        /* 19.99 % */
    { valve_area / 1.2, 50.0, 0, 0.0, 0, 1, 0, CUSP_RISK_RED },            /* + LVOT calcium */
    { valve_area / 1.1, 50.0, 0, 0.0, 0, 0, 0, CUSP_RISK_GREEN },          /* calcium alone */
    { valve_area / 1.1, 0.0, 1, 1.80, 0, 0, 0, CUSP_RISK_GREEN },          /* 1.8 exactly: not > */
    { valve_area / 1.1, 0.0, 1, 1.81, 0, 0, 1, CUSP_RISK_RED },
    { valve_area / 1.1, 0.0, 1, 1.70, 1, 0, 0, CUSP_RISK_GREEN },          /* women: 1.7 */
    { valve_area / 1.1, 0.0, 1, 1.71, 1, 0, 1, CUSP_RISK_RED },
    { valve_area / 1.1, 0.0, 1, 1.75, 0, 0, 0, CUSP_RISK_GREEN },          /* 1.75 is fine in men */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      CuspRuptureInput in = { rows[i].annulus, 26.0, rows[i].has_stretch, rows[i].stretch, rows[i].female, rows[i].calcium };
      CuspRuptureRisk r;
      CuspRiskError err;

      g_assert_cmpint (cusp_risk_annular_rupture (&in, &r, &err), ==, CUSP_RISK_OK);
      g_test_message ("row %zu: %s | %s -> %s", i, r.oversizing.detail, r.stretch.detail, cusp_risk_level_to_string (r.level));
      g_assert_cmpfloat_with_epsilon (r.area_oversizing_pct, (valve_area / rows[i].annulus - 1.0) * 100.0, 1e-9);
      g_assert_cmpint (r.oversizing.flag, ==, rows[i].oversized);
      g_assert_cmpint (r.stretch.flag, ==, rows[i].stretched);
      g_assert_cmpint (r.level, ==, rows[i].level);
      g_assert_cmpfloat (r.stretch_threshold, ==, rows[i].female ? 1.7 : 1.8);
      g_assert_nonnull (strstr (r.oversizing.source, "Barbanti"));
      g_assert_nonnull (strstr (r.oversizing.source, "20 %"));
    }
}

/* The area-oversizing rule is a balloon-expandable criterion: a self-expanding 34 mm frame on a
 * 465 mm2 annulus is 95 % "oversized" by area, which means nothing for a perimeter-sized frame. */
static void
test_annular_rupture_self_expanding (void)
{
  CuspRuptureInput in = { 465.0, 34.0, 1, 1.30, 0, 50.0, 1 };
  CuspRuptureRisk r;
  CuspRiskError err;

  g_assert_cmpint (cusp_risk_annular_rupture (&in, &r, &err), ==, CUSP_RISK_OK);
  g_assert_cmpfloat (r.area_oversizing_pct, >, 90.0);        /* still computed, for reference */
  g_assert_false (r.oversizing.flag);
  g_assert_nonnull (strstr (r.oversizing.detail, "not applied"));
  g_assert_cmpint (r.level, ==, CUSP_RISK_GREEN);             /* LVOT calcium alone does not raise it */

  in.peak_areal_stretch = 1.85;                               /* the simulated stretch still counts */
  g_assert_cmpint (cusp_risk_annular_rupture (&in, &r, &err), ==, CUSP_RISK_OK);
  g_assert_true (r.stretch.flag);
  g_assert_cmpint (r.level, ==, CUSP_RISK_RED);

  in.self_expanding = 0;                                      /* same numbers, balloon-expandable */
  in.peak_areal_stretch = 1.30;
  g_assert_cmpint (cusp_risk_annular_rupture (&in, &r, &err), ==, CUSP_RISK_OK);
  g_assert_true (r.oversizing.flag);
  g_assert_cmpint (r.level, ==, CUSP_RISK_RED);               /* oversized + LVOT calcium */
}

/* Hokken: septum < 3 / 3-6 / > 6 mm bands; depth beyond the septum; septal pressure >= 0.1 MPa. */
static void
test_conduction (void)
{
  const struct { double depth, ms; int has_p; double p_pa; double band; int beyond, short_ms, pressure;
                 CuspRiskLevel level; } rows[] = {
    { 3.0, 8.0, 0, 0.0, 6.0, 0, 0, 0, CUSP_RISK_GREEN },
    { 6.0, 6.0, 0, 0.0, 15.0, 0, 0, 0, CUSP_RISK_GREEN },        /* depth == septum: not beyond; 6 is in 3-6 */
    { 6.1, 6.0, 0, 0.0, 15.0, 1, 0, 0, CUSP_RISK_RED },
    { 1.0, 3.0, 0, 0.0, 15.0, 0, 0, 0, CUSP_RISK_GREEN },        /* 3 exactly: 15 % band, not short */
    { 1.0, 2.99, 0, 0.0, 30.0, 0, 1, 0, CUSP_RISK_AMBER },
    { 1.0, 6.01, 0, 0.0, 6.0, 0, 0, 0, CUSP_RISK_GREEN },
    { 2.0, 8.0, 1, 0.1e6, 6.0, 0, 0, 1, CUSP_RISK_AMBER },       /* 0.1 MPa exactly: >= */
    { 2.0, 8.0, 1, 0.0999e6, 6.0, 0, 0, 0, CUSP_RISK_GREEN },
    { 2.0, 8.0, 1, 0.52e6, 6.0, 0, 0, 1, CUSP_RISK_AMBER },      /* the deep-implant figure */
    { -2.0, 1.0, 1, 0.018e6, 30.0, 0, 1, 0, CUSP_RISK_AMBER },   /* supra-annular, short septum */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      CuspConductionInput in = { rows[i].depth, rows[i].ms, rows[i].has_p, rows[i].p_pa };
      CuspConductionRisk r;
      CuspRiskError err;

      g_assert_cmpint (cusp_risk_conduction (&in, &r, &err), ==, CUSP_RISK_OK);
      g_test_message ("row %zu: %s | %s | %s", i, r.depth_beyond_septum.detail, r.short_septum.detail, r.septal_pressure.detail);
      g_assert_cmpfloat_with_epsilon (r.depth_minus_septum_mm, rows[i].depth - rows[i].ms, 1e-12);
      g_assert_cmpfloat (r.baseline_pacemaker_pct, ==, rows[i].band);
      g_assert_cmpint (r.depth_beyond_septum.flag, ==, rows[i].beyond);
      g_assert_cmpint (r.short_septum.flag, ==, rows[i].short_ms);
      g_assert_cmpint (r.septal_pressure.flag, ==, rows[i].pressure);
      g_assert_cmpint (r.level, ==, rows[i].level);
      g_assert_nonnull (strstr (r.short_septum.source, "Hokken"));
    }
}

/* NaN, inf and negative inputs to every function: an error with a message, output untouched. */
static void
test_bad_input (void)
{
  const double bad[] = { NAN, INFINITY, -INFINITY, -1.0 };
  CuspRiskError err;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      for (int field = 0; field < 8; field++)
        {
          CuspCoronaryInput in = safe_left ();
          CuspCoronaryRisk r;
          double *fields[] = { &in.leaflet_height_mm, &in.coronary_height_mm, &in.vtc_mm, &in.dlc_mm,
                               &in.coronary_diameter_mm, &in.culprit_leaflet_calcium_mm3, &in.sov_diameter_mm,
                               &in.valve_diameter_mm };
          *fields[field] = bad[i];
          memset (&r, 0x77, sizeof r);
          g_assert_cmpint (cusp_risk_coronary (&in, &r, &err), ==, CUSP_RISK_ERROR_INVALID_INPUT);
          g_assert_cmpint (err.status, ==, CUSP_RISK_ERROR_INVALID_INPUT);
          g_assert_cmpstr (err.message, !=, "");
          g_assert_cmpint (((unsigned char *) &r)[0], ==, 0x77);
        }
      for (int field = 0; field < 4; field++)
        {
          CuspRuptureInput in = { 442.0, 26.0, 1, 1.5, 0, 0.0 };
          CuspRuptureRisk r;
          double *fields[] = { &in.annulus_area_mm2, &in.valve_diameter_mm, &in.peak_areal_stretch, &in.lvot_calcium_mm3 };
          *fields[field] = bad[i];
          g_assert_cmpint (cusp_risk_annular_rupture (&in, &r, &err), ==, CUSP_RISK_ERROR_INVALID_INPUT);
          g_assert_cmpstr (err.message, !=, "");
        }
      for (int field = 0; field < 3; field++)
        {
          CuspConductionInput in = { 3.0, 5.0, 1, 1e5 };
          CuspConductionRisk r;
          double *fields[] = { &in.implant_depth_mm, &in.membranous_septum_length_mm, &in.septal_contact_pressure_pa };
          *fields[field] = bad[i];
          /* A negative implant depth is a supra-annular implant, not an error. */
          if (field == 0 && bad[i] == -1.0)
            {
              g_assert_cmpint (cusp_risk_conduction (&in, &r, &err), ==, CUSP_RISK_OK);
              continue;
            }
          g_assert_cmpint (cusp_risk_conduction (&in, &r, &err), ==, CUSP_RISK_ERROR_INVALID_INPUT);
          g_assert_cmpstr (err.message, !=, "");
        }
    }
  /* A stretch that is not available is not read. */
  {
    CuspRuptureInput in = { 442.0, 26.0, 0, NAN, 0, 0.0 };
    CuspRuptureRisk r;
    g_assert_cmpint (cusp_risk_annular_rupture (&in, &r, &err), ==, CUSP_RISK_OK);
    g_assert_false (r.stretch.flag);
  }
  g_assert_cmpint (cusp_risk_coronary (NULL, NULL, &err), ==, CUSP_RISK_ERROR_INVALID_INPUT);
  g_assert_cmpint (cusp_risk_conduction (NULL, NULL, NULL), ==, CUSP_RISK_ERROR_INVALID_INPUT);
  {
    CuspCoronaryInput in = safe_left ();
    CuspCoronaryRisk r;
    in.side = (CuspCoronarySide) 7;
    g_assert_cmpint (cusp_risk_coronary (&in, &r, &err), ==, CUSP_RISK_ERROR_INVALID_INPUT);
  }
  g_assert_cmpstr (cusp_risk_level_to_string (CUSP_RISK_AMBER), ==, "amber");
}

/* Random inputs: never a crash, every accepted answer finite with a level in range. */
static void
test_fuzz (void)
{
  GRand *rand = g_rand_new_with_seed (7);

  for (int iter = 0; iter < 20000; iter++)
    {
      CuspCoronaryInput c = {
        g_rand_int_range (rand, 0, 2), g_rand_double_range (rand, -5, 45), g_rand_double_range (rand, -5, 65),
        g_rand_double_range (rand, -5, 65), g_rand_double_range (rand, -5, 65), g_rand_double_range (rand, 0, 16),
        g_rand_double_range (rand, -100, 21000), g_rand_double_range (rand, 5, 85), g_rand_double_range (rand, 5, 55) };
      CuspRuptureInput u = { g_rand_double_range (rand, 0, 3500), g_rand_double_range (rand, 5, 55), g_rand_boolean (rand),
                             g_rand_double_range (rand, 0, 12), g_rand_boolean (rand), g_rand_double_range (rand, -10, 100) };
      CuspConductionInput k = { g_rand_double_range (rand, -40, 50), g_rand_double_range (rand, -1, 35),
                                g_rand_boolean (rand), g_rand_double_range (rand, -1e3, 2e6) };
      CuspCoronaryRisk cr;
      CuspRuptureRisk ur;
      CuspConductionRisk kr;

      if (cusp_risk_coronary (&c, &cr, NULL) == CUSP_RISK_OK)
        g_assert_true (isfinite (cr.dlc_over_d) && isfinite (cr.residual_sinus_mm) && cr.level <= CUSP_RISK_RED);
      if (cusp_risk_annular_rupture (&u, &ur, NULL) == CUSP_RISK_OK)
        g_assert_true (isfinite (ur.area_oversizing_pct) && ur.level <= CUSP_RISK_RED);
      if (cusp_risk_conduction (&k, &kr, NULL) == CUSP_RISK_OK)
        g_assert_true (isfinite (kr.depth_minus_septum_mm) && kr.level <= CUSP_RISK_RED);
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/risk/coronary/khan", test_khan_truth_table);
  g_test_add_func ("/sim/risk/coronary/dlc-ratio", test_dlc_ratio);
  g_test_add_func ("/sim/risk/coronary/single-cutoffs", test_single_cutoffs);
  g_test_add_func ("/sim/risk/annular-rupture", test_annular_rupture);
  g_test_add_func ("/sim/risk/annular-rupture-self-expanding", test_annular_rupture_self_expanding);
  g_test_add_func ("/sim/risk/conduction", test_conduction);
  g_test_add_func ("/sim/risk/bad-input", test_bad_input);
  g_test_add_func ("/sim/risk/fuzz", test_fuzz);
  return g_test_run ();
}
