/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sim-deploy.c: whole deployments on the analytic root: physics sanity (oversizing seals and
 * leaks less, a deeper implant presses the septum harder, a lower coronary trips its flag),
 * warm starts, budgets, determinism with a golden hash, bad input and a fuzz run. */
#include "cusp-sim.h"
#include "cusp-sim-pvl.h"
#include "cusp-sim-structure.h"
#include "cusp-sim-risk.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* The hash of the default deployment (26 mm balloon-expandable, depth 3 mm), measured with this
 * code on x86-64 (gcc 12, no -ffast-math). A change of the model or the solver changes it on
 * purpose: re-measure with `test-sim-deploy --verbose -p /sim/deploy/determinism`. */
#define GOLDEN_HASH G_GUINT64_CONSTANT (0x0b2d00dcd6d59ef9)

static CuspDeviceDef
load_device (const char *id)
{
  const char *root = g_getenv ("CUSP_SOURCE_ROOT");
  g_autofree char *path = NULL;
  CuspDeviceDef def;
  CuspDeviceError err;

  if (root == NULL)
    root = g_getenv ("G_TEST_SRCDIR") != NULL ? g_getenv ("G_TEST_SRCDIR") : ".";
  path = g_strdup_printf ("%s/data/devices/%s.device", root, id);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_free (path);
      path = g_strdup_printf ("%s/../../data/devices/%s.device", root, id);
    }
  memset (&err, 0, sizeof err);
  if (cusp_device_def_load_file (path, &def, &err) != CUSP_DEVICE_OK)
    g_error ("cannot load %s: %s", path, err.message);
  return def;
}

static CuspSimWorld *
make_world (const CuspSimWorldDef *def)
{
  CuspSimStatus st;
  char msg[CUSP_SIM_MESSAGE_MAX] = "";
  CuspSimWorld *w = cusp_sim_world_create (def, &st, msg);

  if (w == NULL)
    g_error ("world: %s (%s)", msg, cusp_sim_error_string (st));
  return w;
}

static void
assert_result_finite (const CuspSimResult *r)
{
  const double v[] = { r->residual, r->inflow.dmin_mm, r->inflow.dmax_mm, r->mid.dmin_mm,
                       r->outflow.dmax_mm, r->inflow.expansion_pct, r->peak_contact_pressure_pa,
                       r->annulus_peak_areal_stretch, r->septum_mean_pressure_pa,
                       r->septum_peak_pressure_pa, r->implant_depth_mm, r->apposition_pct,
                       r->max_moment_ratio, r->left_ostium_vtc_mm, r->right_ostium_vtc_mm,
                       r->left_ostium_dlc_mm, r->right_ostium_dlc_mm };

  for (guint i = 0; i < G_N_ELEMENTS (v); i++)
    g_assert_true (isfinite (v[i]));
  for (int i = 0; i < 3 * r->node_count; i++)
    g_assert_true (isfinite (r->node_position_mm[i]));
  for (int i = 0; i < r->gap.angle_count * r->gap.height_count; i++)
    g_assert_true (isfinite (r->gap.gap_mm[i]) && r->gap.gap_mm[i] >= 0.0);
  for (int i = 0; i < r->wall_angle_count * r->wall_height_count; i++)
    g_assert_true (isfinite (r->wall_pressure_pa[i]) && r->wall_pressure_pa[i] >= 0.0);
}

static void
test_balloon_default (void)
{
  CuspSimWorldDef def = cusp_sim_default_world_def ();
  CuspSimWorld *w = make_world (&def);
  const CuspSimResult *r;

  g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
  r = cusp_sim_world_result (w);
  g_test_message ("26 mm in the 21.5 x 24.5 mm annulus: %d iterations, residual %.2g, %.1f ms; "
                  "inflow %.2f-%.2f mm (%.1f %%), apposition %.0f %%, peak %.0f Pa, stretch %.3f",
                  r->total_iterations, r->residual, r->solve_ms, r->inflow.dmin_mm,
                  r->inflow.dmax_mm, r->inflow.expansion_pct, r->apposition_pct,
                  r->peak_contact_pressure_pa, r->annulus_peak_areal_stretch);
  g_assert_true (r->converged);
  g_assert_cmpfloat (r->residual, <=, def.residual_tolerance);
  assert_result_finite (r);
  /* the annulus (21.5-24.5 mm) holds the 26 mm frame below nominal, and the frame recoils */
  g_assert_cmpfloat (r->inflow.dmax_mm, <, 26.0);
  g_assert_cmpfloat (r->inflow.dmin_mm, >, 23.0);
  g_assert_cmpfloat (r->inflow.dmax_mm - r->inflow.dmin_mm, >, 0.1);     /* elliptic annulus */
  g_assert_cmpfloat (r->peak_contact_pressure_pa, >, 0.0);
  g_assert_cmpfloat (r->annulus_peak_areal_stretch, >, 1.0);
  g_assert_cmpfloat (r->max_moment_ratio, >, 0.0);
  cusp_sim_world_destroy (w);
}

/* A free frame (no wall) recoils by the elastic springback of its plastic hinge moment. */
static void
test_balloon_free_recoil (void)
{
  CuspSimWorldDef def = cusp_sim_default_world_def ();
  CuspSimWorld *w;
  const CuspSimResult *r;

  def.root.annulus_dmin_mm = def.root.annulus_dmax_mm = 32.0;     /* nothing to touch */
  def.root.lvot_diameter_mm = 32.0;
  def.root.sinus_diameter_mm = 40.0;
  def.root.stj_diameter_mm = 34.0;
  w = make_world (&def);
  g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
  r = cusp_sim_world_result (w);
  g_test_message ("free recoil: %.3f mm (%.2f %%)", 26.0 - r->mid.mean_mm,
                  100.0 - r->mid.expansion_pct);
  g_assert_true (r->converged);
  g_assert_cmpfloat (r->peak_contact_pressure_pa, ==, 0.0);
  /* balloon-expandable frames recoil a few per cent (bench data: 2-6 %) */
  g_assert_cmpfloat (r->mid.expansion_pct, <, 99.5);
  g_assert_cmpfloat (r->mid.expansion_pct, >, 90.0);
  cusp_sim_world_destroy (w);
}

static double
regurgitant_volume (const CuspSimResult *r, double *eroa)
{
  CuspLeakResult leak;
  CuspFlowError err;

  memset (&err, 0, sizeof err);
  g_assert_cmpint (cusp_sim_result_leak (r, &leak, &err), ==, CUSP_FLOW_OK);
  *eroa = leak.eroa_cm2;
  return leak.regurgitant_volume_ml;
}

static void
test_oversize_seals_better (void)
{
  CuspSimWorldDef def = cusp_sim_default_world_def ();
  double appos[2], volume[2], eroa[2];
  const char *ids[2] = { "sapien3-class-20", "sapien3-class-26" };

  for (int k = 0; k < 2; k++)
    {
      CuspSimWorld *w;
      const CuspSimResult *r;
      def.device = load_device (ids[k]);
      w = make_world (&def);
      g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
      r = cusp_sim_world_result (w);
      g_assert_true (r->converged);
      assert_result_finite (r);
      appos[k] = r->apposition_pct;
      volume[k] = regurgitant_volume (r, &eroa[k]);
      g_test_message ("%s: apposition %.1f %%, regurgitant volume %.2f mL, EROA %.3f cm2", ids[k],
                      appos[k], volume[k], eroa[k]);
      cusp_sim_world_destroy (w);
    }
  g_assert_cmpfloat (appos[1], >, appos[0]);
  g_assert_cmpfloat (volume[1], <, volume[0]);
}

static void
test_deeper_presses_septum (void)
{
  CuspSimWorldDef def = cusp_sim_default_world_def ();
  CuspSimWorld *w = make_world (&def);
  CuspSimPose pose = def.pose;
  double p[3];
  const double depths[3] = { 1.0, 3.0, 6.0 };

  for (int k = 0; k < 3; k++)
    {
      const CuspSimResult *r;
      pose.depth_mm = depths[k];
      g_assert_cmpint (cusp_sim_world_solve (w, &pose), ==, CUSP_SIM_OK);
      r = cusp_sim_world_result (w);
      g_assert_true (r->converged);
      p[k] = r->septum_mean_pressure_pa;
      g_test_message ("depth %.1f mm: implant depth %.2f mm, septal pressure %.0f Pa (peak %.0f)",
                      depths[k], r->implant_depth_mm, p[k], r->septum_peak_pressure_pa);
      g_assert_cmpfloat (fabs (r->implant_depth_mm - depths[k]), <, 1.0);
    }
  g_assert_cmpfloat (p[1], >, p[0]);
  g_assert_cmpfloat (p[2], >, p[1]);
  cusp_sim_world_destroy (w);
}

/* Frame radius (mean over the nodes within 20 deg and 3 mm of (theta, z)) and peak wall pressure
 * (cells within 10 deg and 2 mm) of a converged result. */
static void
local_frame (const CuspSimResult *r, double theta_deg, double z_mm, double *radius_mm,
             double *pressure_pa)
{
  double sum = 0.0;
  int n = 0;

  *pressure_pa = 0.0;
  for (int i = 0; i < r->node_count; i++)
    {
      const double *x = r->node_position_mm + 3 * i;
      double th = atan2 (x[1], x[0]) * 180.0 / G_PI;
      if (fabs (remainder (th - theta_deg, 360.0)) < 20.0 && fabs (x[2] - z_mm) < 3.0)
        {
          sum += hypot (x[0], x[1]);
          n++;
        }
    }
  g_assert_cmpint (n, >, 0);
  *radius_mm = sum / n;
  for (int h = 0; h < r->wall_height_count; h++)
    for (int a = 0; a < r->wall_angle_count; a++)
      {
        double th = 360.0 * a / r->wall_angle_count, z = r->wall_height0_mm + h * r->wall_height_step_mm;
        if (fabs (remainder (th - theta_deg, 360.0)) <= 10.0 && fabs (z - z_mm) <= 2.0)
          *pressure_pa = MAX (*pressure_pa, r->wall_pressure_pa[h * r->wall_angle_count + a]);
      }
}

/* Calcium as geometry: a near-rigid nodule standing 1.5 mm into the lumen at the annulus holds
 * the frame in where it sits and raises the contact pressure there, beyond what the same nodule
 * as stiffness only does. */
static void
test_calcium_nodule (void)
{
  const double theta = 90.0, z = 2.0;
  double radius[3], pressure[3];

  for (int k = 0; k < 3; k++)
    {
      CuspSimWorldDef def = cusp_sim_default_world_def ();
      CuspSimWorld *w;
      const CuspSimResult *r;
      if (k > 0)
        {
          def.root.calcium_count = 1;
          def.root.calcium[0] = (CuspSimCalcium) { theta, z, 4.0, k == 2 ? 1.5 : 0.0 };
        }
      w = make_world (&def);
      g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
      r = cusp_sim_world_result (w);
      g_assert_true (r->converged);
      local_frame (r, theta, z, &radius[k], &pressure[k]);
      g_test_message ("%s: frame radius %.3f mm, peak wall pressure %.0f Pa at the nodule",
                      k == 0 ? "no calcium" : k == 1 ? "stiffness only" : "1.5 mm nodule",
                      radius[k], pressure[k]);
      cusp_sim_world_destroy (w);
    }
  /* measured: 12.47, 11.90 and 11.79 mm; 57, 962 and 2737 kPa */
  g_assert_cmpfloat (radius[2], <, radius[0] - 0.3);
  g_assert_cmpfloat (radius[2], <, radius[1] - 0.05);
  g_assert_cmpfloat (pressure[2], >, pressure[0]);
  g_assert_cmpfloat (pressure[2], >, pressure[1]);
}

static void
test_self_expanding (void)
{
  CuspSimWorldDef def = cusp_sim_default_world_def ();
  CuspSimWorld *w;
  const CuspSimResult *r;

  def.device = load_device ("evolut-class-26");
  def.pose.depth_mm = 4.0;
  w = make_world (&def);
  g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
  r = cusp_sim_world_result (w);
  g_test_message ("Evolut-class 26 at 4 mm: %d iterations, %.1f ms, inflow %.2f-%.2f mm, "
                  "apposition %.0f %%, peak %.0f Pa", r->total_iterations, r->solve_ms,
                  r->inflow.dmin_mm, r->inflow.dmax_mm, r->apposition_pct,
                  r->peak_contact_pressure_pa);
  g_assert_true (r->converged);
  assert_result_finite (r);
  /* the 26 mm inflow is held by the 21.5-24.5 mm annulus region, well below its free size */
  g_assert_cmpfloat (r->inflow.dmax_mm, <, 25.9);
  g_assert_cmpfloat (r->peak_contact_pressure_pa, >, 0.0);
  cusp_sim_world_destroy (w);
}

/* The annulus' peak areal stretch stays in a physical range (about 1.0-1.5: the wall is not torn
 * open) for every device of the library on the analytic root, deployed where its family sits;
 * on the real CT the old measure read 3.2-4.4 for every device (see cusp-sim-outputs.c). */
static void
test_stretch_sane (void)
{
  static const char *const ids[] = { "sapien3-class-20", "sapien3-class-23", "sapien3-class-26",
                                     "sapien3-class-29", "evolut-class-23", "evolut-class-26",
                                     "evolut-class-29", "evolut-class-34", "navitor-class-23",
                                     "navitor-class-25", "navitor-class-27", "navitor-class-29" };

  for (guint k = 0; k < G_N_ELEMENTS (ids); k++)
    {
      CuspSimWorldDef def = cusp_sim_default_world_def ();
      CuspSimWorld *w;
      const CuspSimResult *r;
      int calls = 1;

      def.device = load_device (ids[k]);
      def.pose.depth_mm = def.device.family == CUSP_DEVICE_FAMILY_BALLOON_EXPANDABLE ? 3.0 : 4.0;
      w = make_world (&def);
      r = cusp_sim_world_result (w);
      g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
      while (!r->converged && calls < 5)               /* the same pose continues the solve */
        {
          g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
          calls++;
        }
      g_test_message ("%s at %.0f mm: peak areal stretch %.3f, inflow expansion %.0f %%", ids[k],
                      def.pose.depth_mm, r->annulus_peak_areal_stretch, r->inflow.expansion_pct);
      g_assert_true (r->converged);
      assert_result_finite (r);
      g_assert_cmpfloat (r->annulus_peak_areal_stretch, >=, 1.0);
      g_assert_cmpfloat (r->annulus_peak_areal_stretch, <=, 1.5);
      cusp_sim_world_destroy (w);
    }
}

/* The Khan 2023 rule turns on when the coronary sits below the cusp's free edge (14 mm here)
 * and the valve comes within 4 mm of it: in a shallow-sinus root (SOV 27 mm, a 26 mm valve),
 * lower the left ostium step by step. */
static void
test_coronary_lowering (void)
{
  CuspSimWorldDef def = cusp_sim_default_world_def ();
  double on_height = -1.0;

  def.root.sinus_diameter_mm = 27.0;
  def.root.stj_diameter_mm = 26.0;

  for (double h = 16.0; h >= 6.0; h -= 2.0)
    {
      CuspSimWorld *w;
      const CuspSimResult *r;
      CuspCoronaryInput in;
      CuspCoronaryRisk risk;
      CuspRiskError err;

      def.root.left_ostium_height_mm = h;
      w = make_world (&def);
      g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
      r = cusp_sim_world_result (w);
      memset (&in, 0, sizeof in);
      in.side = CUSP_CORONARY_LEFT;
      in.leaflet_height_mm = def.root.leaflet_height_mm;
      in.coronary_height_mm = h;
      in.vtc_mm = r->left_ostium_vtc_mm;
      in.dlc_mm = r->left_ostium_dlc_mm;
      in.coronary_diameter_mm = def.root.coronary_diameter_mm;
      in.sov_diameter_mm = def.root.sinus_diameter_mm;
      in.valve_diameter_mm = def.device.nominal_diameter_mm;
      memset (&err, 0, sizeof err);
      g_assert_cmpint (cusp_risk_coronary (&in, &risk, &err), ==, CUSP_RISK_OK);
      g_test_message ("left ostium at %.0f mm: VTC %.2f mm, DLC %.2f mm, Khan %d", h, in.vtc_mm,
                      in.dlc_mm, risk.khan.flag);
      if (risk.khan.flag && on_height < 0.0)
        on_height = h;
      if (h > def.root.leaflet_height_mm)
        g_assert_false (risk.khan.flag);               /* the rule needs leaflet > coronary */
      cusp_sim_world_destroy (w);
    }
  /* on at the first step below the leaflet height: the VTC <= 4 mm part holds throughout */
  g_assert_cmpfloat (on_height, <, def.root.leaflet_height_mm);
  g_assert_cmpfloat (on_height, >=, def.root.leaflet_height_mm - 2.0);
}

/* Splitting every strut in two changes the deployed frame by little: one beam per strut is the
 * default for speed, and this is what it costs. */
static void
test_strut_refinement (void)
{
  CuspSimWorldDef def = cusp_sim_default_world_def ();
  const CuspSimResult *r;
  double dmin[2], dmax[2], peak[2];

  for (int m = 1; m <= 2; m++)
    {
      CuspSimWorld *w;
      def.elements_per_strut = m;
      def.pose.tilt_deg = 10.0;
      w = make_world (&def);
      g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
      r = cusp_sim_world_result (w);
      g_assert_true (r->converged);
      dmin[m - 1] = r->inflow.dmin_mm;
      dmax[m - 1] = r->inflow.dmax_mm;
      peak[m - 1] = r->peak_contact_pressure_pa;
      cusp_sim_world_destroy (w);
    }
  g_test_message ("tilt 10 deg, 1 vs 2 beams per strut: inflow %.3f-%.3f vs %.3f-%.3f mm, "
                  "peak %.0f vs %.0f Pa", dmin[0], dmax[0], dmin[1], dmax[1], peak[0], peak[1]);
  g_assert_cmpfloat (fabs (dmin[0] - dmin[1]), <, 0.1);
  g_assert_cmpfloat (fabs (dmax[0] - dmax[1]), <, 0.1);
  g_assert_cmpfloat (fabs (peak[0] / peak[1] - 1.0), <, 0.05);
}

/* Solves the default world, then `moved` warm-started from it, and `moved` cold in a new world. */
static void
solve_warm_and_cold (const CuspSimPose *moved, CuspSimWorld **warm, CuspSimWorld **cold)
{
  CuspSimWorldDef def = cusp_sim_default_world_def ();
  const CuspSimResult *a, *b;

  *warm = make_world (&def);
  g_assert_cmpint (cusp_sim_world_solve (*warm, NULL), ==, CUSP_SIM_OK);
  g_assert_cmpint (cusp_sim_world_solve (*warm, moved), ==, CUSP_SIM_OK);
  def.pose = *moved;
  *cold = make_world (&def);
  g_assert_cmpint (cusp_sim_world_solve (*cold, NULL), ==, CUSP_SIM_OK);
  a = cusp_sim_world_result (*warm);
  b = cusp_sim_world_result (*cold);
  g_test_message ("warm %d iterations (%d factorisations), cold %d (%d)", a->iterations,
                  a->factorizations, b->iterations, b->factorizations);
  g_assert_true (a->converged && b->converged);
}

static void
test_warm_matches_cold (void)
{
  CuspSimPose moved = cusp_sim_default_world_def ().pose;
  CuspSimWorld *warm, *cold;
  const CuspSimResult *a, *b;

  moved.depth_mm += 0.5;
  moved.rotation_deg = 10.0;
  solve_warm_and_cold (&moved, &warm, &cold);
  a = cusp_sim_world_result (warm);
  b = cusp_sim_world_result (cold);
  g_assert_cmpfloat (fabs (a->inflow.dmin_mm - b->inflow.dmin_mm), <, 0.02);
  g_assert_cmpfloat (fabs (a->inflow.dmax_mm - b->inflow.dmax_mm), <, 0.02);
  g_assert_cmpfloat (fabs (a->apposition_pct - b->apposition_pct), <=, 100.0 / 72 + 1e-9);
  cusp_sim_world_destroy (warm);
  cusp_sim_world_destroy (cold);
}

/* The live drag: a warm-started 0.5 mm depth change costs fewer factorisations (the cost of a
 * solve: kept factors make the other iterations cheap) than a cold deployment at that depth.
 * (With a 10 deg rotation on top, above, the two cost about the same since the line search on
 * the energy's slope: warm 8, cold 7.) */
static void
test_warm_is_cheaper (void)
{
  CuspSimPose moved = cusp_sim_default_world_def ().pose;
  CuspSimWorld *warm, *cold;

  moved.depth_mm += 0.5;
  solve_warm_and_cold (&moved, &warm, &cold);
  g_assert_cmpint (cusp_sim_world_result (warm)->factorizations, <,
                   cusp_sim_world_result (cold)->factorizations);
  cusp_sim_world_destroy (warm);
  cusp_sim_world_destroy (cold);
}

/* A tiny budget gives a first answer, unconverged; calls with the same pose refine it. */
static void
test_budget_refines (void)
{
  CuspSimWorldDef def = cusp_sim_default_world_def ();
  CuspSimWorld *w;
  const CuspSimResult *r;
  int calls = 0;

  def.max_iterations = 2;
  w = make_world (&def);
  g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
  r = cusp_sim_world_result (w);
  g_assert_false (r->converged);
  g_assert_cmpint (r->iterations, ==, 2);
  assert_result_finite (r);
  while (!r->converged && calls < 50)
    {
      g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
      g_assert_cmpint (r->iterations, <=, 2);
      calls++;
    }
  g_assert_true (r->converged);
  g_assert_cmpfloat (r->residual, <=, def.residual_tolerance);
  cusp_sim_world_destroy (w);
}

static void
test_determinism (void)
{
  CuspSimWorldDef def = cusp_sim_default_world_def ();
  CuspSimWorld *a = make_world (&def), *b = make_world (&def);
  guint64 ha, hb;

  g_assert_cmpint (cusp_sim_world_solve (a, NULL), ==, CUSP_SIM_OK);
  g_assert_cmpint (cusp_sim_world_solve (b, NULL), ==, CUSP_SIM_OK);
  ha = cusp_sim_world_state_hash (a);
  hb = cusp_sim_world_state_hash (b);
  g_test_message ("state hash %016" G_GINT64_MODIFIER "x", ha);
  g_assert_cmphex (ha, ==, hb);
  g_assert_cmphex (ha, ==, GOLDEN_HASH);
  /* warm updates reuse factors kept from earlier calls: the same history, the same state */
  for (int k = 0; k < 3; k++)
    {
      CuspSimPose pose = def.pose;
      pose.depth_mm += 0.5 * (k + 1);
      pose.tilt_deg = 2.0 * k;
      g_assert_cmpint (cusp_sim_world_solve (a, &pose), ==, CUSP_SIM_OK);
      g_assert_cmpint (cusp_sim_world_solve (b, &pose), ==, CUSP_SIM_OK);
      g_assert_cmphex (cusp_sim_world_state_hash (a), ==, cusp_sim_world_state_hash (b));
    }
  cusp_sim_world_destroy (a);
  cusp_sim_world_destroy (b);
}

/* The helper thread splits the assembly, never a sum: one thread and two give the same bits,
 * cold and through warm updates, for a balloon-expandable and a self-expanding frame. */
static void
test_threads_same_bits (void)
{
  const char *ids[] = { "sapien3-class-26", "evolut-class-29" };

  for (guint k = 0; k < G_N_ELEMENTS (ids); k++)
    {
      CuspSimWorldDef def = cusp_sim_default_world_def ();
      CuspSimWorld *one, *two;

      def.device = load_device (ids[k]);
      g_assert_cmpint (def.thread_count, ==, 2);
      two = make_world (&def);
      def.thread_count = 1;
      one = make_world (&def);
      g_assert_cmpint (cusp_sim_world_solve (one, NULL), ==, CUSP_SIM_OK);
      g_assert_cmpint (cusp_sim_world_solve (two, NULL), ==, CUSP_SIM_OK);
      g_assert_true (cusp_sim_world_result (one)->converged);
      g_assert_cmphex (cusp_sim_world_state_hash (one), ==, cusp_sim_world_state_hash (two));
      for (int u = 0; u < 4; u++)
        {
          CuspSimPose pose = def.pose;
          pose.depth_mm += u % 2 ? -0.5 : 0.5;
          g_assert_cmpint (cusp_sim_world_solve (one, &pose), ==, CUSP_SIM_OK);
          g_assert_cmpint (cusp_sim_world_solve (two, &pose), ==, CUSP_SIM_OK);
          g_assert_cmpint (cusp_sim_world_result (one)->iterations, ==,
                           cusp_sim_world_result (two)->iterations);
          g_assert_cmphex (cusp_sim_world_state_hash (one), ==, cusp_sim_world_state_hash (two));
        }
      cusp_sim_world_destroy (one);
      cusp_sim_world_destroy (two);
    }
}

/* The live solver solves in chunks and skips the outputs of the chunks it never shows: the state
 * after each chunk, the iteration counts and the outputs computed at the end are the same bits
 * as with the outputs computed every time (the solve does not read them). */
static void
test_skip_outputs_same_bits (void)
{
  const char *ids[] = { "sapien3-class-26", "evolut-class-29" };

  for (guint k = 0; k < G_N_ELEMENTS (ids); k++)
    {
      CuspSimWorldDef def = cusp_sim_default_world_def ();
      CuspSimWorld *every, *skip;
      const CuspSimResult *re, *rs;
      CuspSimPose pose;
      int chunks = 0, skipped = 0;

      def.device = load_device (ids[k]);
      every = make_world (&def);
      skip = make_world (&def);
      g_assert_cmpint (cusp_sim_world_solve (every, NULL), ==, CUSP_SIM_OK);
      g_assert_cmpint (cusp_sim_world_solve (skip, NULL), ==, CUSP_SIM_OK);
      cusp_sim_world_set_skip_unconverged_outputs (skip, 1);
      cusp_sim_world_set_budget (every, 2, 0.0);
      cusp_sim_world_set_budget (skip, 2, 0.0);
      re = cusp_sim_world_result (every);
      rs = cusp_sim_world_result (skip);
      pose = def.pose;
      pose.depth_mm += 1.0;
      pose.tilt_deg = 3.0;
      do
        {
          g_assert_cmpint (cusp_sim_world_solve (every, &pose), ==, CUSP_SIM_OK);
          g_assert_cmpint (cusp_sim_world_solve (skip, &pose), ==, CUSP_SIM_OK);
          g_assert_cmpint (re->iterations, ==, rs->iterations);
          g_assert_cmpint (re->converged, ==, rs->converged);
          g_assert_cmphex (cusp_sim_world_state_hash (every), ==, cusp_sim_world_state_hash (skip));
          if (!rs->converged)
            {
              g_assert_cmpfloat (rs->profile.outputs_ms, ==, 0.0);
              g_assert_cmpfloat (re->profile.outputs_ms, >, 0.0);
              skipped++;
            }
          chunks++;
        }
      while (!re->converged && chunks < 100);
      g_assert_true (re->converged);
      g_assert_cmpint (skipped, >, 0);
      /* converged: both computed their outputs */
      g_assert_cmpfloat (rs->inflow.dmin_mm, ==, re->inflow.dmin_mm);
      g_assert_cmpfloat (rs->annulus_peak_areal_stretch, ==, re->annulus_peak_areal_stretch);
      /* and asked for in between, they are the unskipped ones */
      pose.depth_mm -= 0.5;
      g_assert_cmpint (cusp_sim_world_solve (every, &pose), ==, CUSP_SIM_OK);
      g_assert_cmpint (cusp_sim_world_solve (skip, &pose), ==, CUSP_SIM_OK);
      g_assert_false (rs->converged);
      cusp_sim_world_compute_outputs (skip);
      g_assert_cmpfloat (rs->mid.dmax_mm, ==, re->mid.dmax_mm);
      g_assert_cmpfloat (rs->septum_mean_pressure_pa, ==, re->septum_mean_pressure_pa);
      g_test_message ("%s: %d chunks of 2 iterations, outputs skipped on %d", ids[k], chunks, skipped);
      cusp_sim_world_destroy (every);
      cusp_sim_world_destroy (skip);
    }
}

/* The frame's topology (for drawing a result) is the one solved: the node count of the result,
 * 2 x crowns beams per strut row, and every beam joins two nodes a strut apart in the deployed
 * frame (a layout read in another order joins nodes across the frame). */
static void
test_frame_topology (void)
{
  const char *ids[] = { "sapien3-class-26", "evolut-class-29" };

  for (guint k = 0; k < G_N_ELEMENTS (ids); k++)
    {
      CuspSimWorldDef def = cusp_sim_default_world_def ();
      CuspSimWorld *w;
      const CuspSimResult *r;
      g_autofree int *beam_nodes = NULL;
      int nodes = 0, beams, levels, crowns;
      double strut_mm, shortest = G_MAXDOUBLE, longest = 0.0;

      def.device = load_device (ids[k]);
      def.pose.depth_mm = def.device.family == CUSP_DEVICE_FAMILY_BALLOON_EXPANDABLE ? 3.0 : 4.0;
      levels = 2 * def.device.cell_rows + 1;
      crowns = def.device.cells_per_row;
      /* the reference strut: a crown level's height over half a cell of arc at nominal */
      strut_mm = hypot (def.device.height_mm / (levels - 1),
                        G_PI * def.device.nominal_diameter_mm / (2.0 * crowns));
      w = make_world (&def);
      g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
      r = cusp_sim_world_result (w);
      beams = cusp_sim_frame_topology (&def.device, 1, &nodes, NULL);
      g_assert_cmpint (nodes, ==, r->node_count);
      g_assert_cmpint (beams, ==, 2 * crowns * (levels - 1));
      beam_nodes = g_new (int, 2 * beams);
      g_assert_cmpint (cusp_sim_frame_topology (&def.device, 1, &nodes, beam_nodes), ==, beams);
      for (int e = 0; e < beams; e++)
        {
          const double *a = r->node_position_mm + 3 * beam_nodes[2 * e];
          const double *b = r->node_position_mm + 3 * beam_nodes[2 * e + 1];
          double len = sqrt ((b[0] - a[0]) * (b[0] - a[0]) + (b[1] - a[1]) * (b[1] - a[1])
                             + (b[2] - a[2]) * (b[2] - a[2]));
          g_assert_cmpint (beam_nodes[2 * e], !=, beam_nodes[2 * e + 1]);
          shortest = MIN (shortest, len);
          longest = MAX (longest, len);
        }
      g_test_message ("%s: %d nodes, %d beams, deployed beam length %.2f-%.2f mm (strut %.2f mm)",
                      ids[k], nodes, beams, shortest, longest, strut_mm);
      g_assert_cmpfloat (shortest, >, 0.6 * strut_mm);
      g_assert_cmpfloat (longest, <, 1.4 * strut_mm);
      cusp_sim_world_destroy (w);
    }
  {
    CuspDeviceDef bad = load_device ("sapien3-class-26");
    int nodes = 0;
    bad.cells_per_row = 2;
    g_assert_cmpint (cusp_sim_frame_topology (&bad, 1, &nodes, NULL), ==, -1);
    g_assert_cmpint (cusp_sim_frame_topology (NULL, 1, &nodes, NULL), ==, -1);
  }
}

static void
expect_create_error (const CuspSimWorldDef *def, CuspSimStatus expected)
{
  CuspSimStatus st = CUSP_SIM_OK;
  char msg[CUSP_SIM_MESSAGE_MAX] = "";
  CuspSimWorld *w = cusp_sim_world_create (def, &st, msg);

  g_assert_null (w);
  g_assert_cmpint (st, ==, expected);
  g_assert_cmpuint (strlen (msg), >, 10);
  g_assert_null (strchr (msg, '\n'));
}

static void
test_bad_input (void)
{
  CuspSimWorldDef def = cusp_sim_default_world_def ();
  CuspSimWorldDef bad;
  CuspSimWorld *w;
  CuspSimPose pose;

  bad = def;
  bad.pose.depth_mm = NAN;
  expect_create_error (&bad, CUSP_SIM_ERROR_NON_FINITE);
  bad = def;
  bad.root.annulus_dmin_mm = INFINITY;
  expect_create_error (&bad, CUSP_SIM_ERROR_NON_FINITE);
  bad = def;
  bad.root.annulus_dmin_mm = -3.0;
  expect_create_error (&bad, CUSP_SIM_ERROR_BAD_ROOT);
  bad = def;
  bad.root.wall_youngs_modulus_mpa = 0.0;
  expect_create_error (&bad, CUSP_SIM_ERROR_BAD_ROOT);
  bad = def;
  bad.device.strut_thickness_mm = 0.0;
  expect_create_error (&bad, CUSP_SIM_ERROR_BAD_DEVICE);
  bad = def;
  bad.device.cells_per_row = 0;
  expect_create_error (&bad, CUSP_SIM_ERROR_BAD_DEVICE);
  bad = def;
  bad.device.nominal_diameter_mm = NAN;
  expect_create_error (&bad, CUSP_SIM_ERROR_NON_FINITE);
  bad = def;
  bad.thread_count = 3;
  expect_create_error (&bad, CUSP_SIM_ERROR_INVALID_ARGUMENT);
  bad.thread_count = -1;
  expect_create_error (&bad, CUSP_SIM_ERROR_INVALID_ARGUMENT);
  expect_create_error (NULL, CUSP_SIM_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (cusp_sim_error_string (CUSP_SIM_ERROR_OUTSIDE_LUMEN), !=, "unknown error");

  w = make_world (&def);
  pose = def.pose;
  pose.tilt_deg = INFINITY;
  g_assert_cmpint (cusp_sim_world_solve (w, &pose), ==, CUSP_SIM_ERROR_NON_FINITE);
  pose = def.pose;
  pose.depth_mm = 40.0;                                    /* far below the modelled LVOT */
  g_assert_cmpint (cusp_sim_world_solve (w, &pose), ==, CUSP_SIM_ERROR_OUTSIDE_LUMEN);
  g_assert_cmpuint (strlen (cusp_sim_world_message (w)), >, 10);
  pose = def.pose;
  pose.tilt_deg = 80.0;
  g_assert_cmpint (cusp_sim_world_solve (w, &pose), ==, CUSP_SIM_ERROR_INVALID_ARGUMENT);
  /* the world still works after refusing bad poses */
  g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
  g_assert_true (cusp_sim_world_result (w)->converged);
  g_assert_cmpint (cusp_sim_world_solve (NULL, NULL), ==, CUSP_SIM_ERROR_INVALID_ARGUMENT);
  cusp_sim_world_destroy (w);
  cusp_sim_world_destroy (NULL);
}

/* Random poses (some absurd) and random device numbers (some impossible): every call returns
 * OK with finite outputs or an error code with a message, within its iteration budget. */
static void
test_fuzz (void)
{
  CuspSimWorldDef base = cusp_sim_default_world_def ();
  GRand *rng = g_rand_new_with_seed (20261121);
  int ok = 0, refused = 0;

  base.max_iterations = 40;
  for (int k = 0; k < 24; k++)
    {
      CuspSimWorldDef def = base;
      CuspSimStatus st;
      char msg[CUSP_SIM_MESSAGE_MAX] = "";
      CuspSimWorld *w;

      def.device.cells_per_row = g_rand_int_range (rng, 6, 18);
      def.device.cell_rows = g_rand_int_range (rng, 1, 6);
      def.device.strut_width_mm = g_rand_double_range (rng, 0.15, 0.5);
      def.device.strut_thickness_mm = g_rand_double_range (rng, 0.2, 0.6);
      def.device.nominal_diameter_mm = g_rand_double_range (rng, 18.0, 30.0);
      def.device.inflow_diameter_mm = def.device.waist_diameter_mm
        = def.device.outflow_diameter_mm = def.device.nominal_diameter_mm;
      switch (g_rand_int_range (rng, 0, 6))         /* one impossible number in three worlds */
        {
        case 0: def.device.strut_width_mm = -0.2; break;
        case 1: def.device.cells_per_row = g_rand_int_range (rng, -3, 3); break;
        default: break;
        }
      w = cusp_sim_world_create (&def, &st, msg);
      if (w == NULL)
        {
          g_assert_cmpint (st, !=, CUSP_SIM_OK);
          g_assert_cmpuint (strlen (msg), >, 0);
          refused++;
          continue;
        }
      for (int j = 0; j < 3; j++)
        {
          CuspSimPose pose;
          double roll = g_rand_double (rng);
          pose.depth_mm = g_rand_double_range (rng, -8.0, 20.0);
          pose.tilt_deg = g_rand_double_range (rng, -50.0, 50.0);
          pose.rotation_deg = g_rand_double_range (rng, -720.0, 720.0);
          if (roll < 0.1)
            pose.depth_mm = NAN;
          else if (roll < 0.2)
            pose.tilt_deg = -INFINITY;
          st = cusp_sim_world_solve (w, &pose);
          if (st == CUSP_SIM_OK)
            {
              const CuspSimResult *r = cusp_sim_world_result (w);
              assert_result_finite (r);
              g_assert_cmpint (r->iterations, <=, base.max_iterations);
              ok++;
            }
          else
            {
              g_assert_cmpuint (strlen (cusp_sim_world_message (w)), >, 0);
              refused++;
            }
        }
      cusp_sim_world_destroy (w);
    }
  g_test_message ("fuzz: %d solved, %d refused", ok, refused);
  g_assert_cmpint (ok, >, 0);
  g_assert_cmpint (refused, >, 0);
  g_rand_free (rng);
}

/* The analytic root tessellated as a triangle mesh (na angles x nz rings); `copies` concentric
 * surfaces (the second 2 mm inside the first) make a mesh that folds on itself. */
typedef struct {
  double *vertices;
  int *triangles;
  CuspSimLumenMesh mesh;
} Tube;

static Tube
tessellate (const CuspSimRootDef *root, int na, int nz, int copies)
{
  Tube t;
  double z0 = -root->lvot_length_mm, z1 = root->stj_height_mm + root->ascending_length_mm;
  int nv = na * nz, nt = 2 * na * (nz - 1), v = 0, k = 0;

  t.vertices = g_new (double, 3 * nv * copies);
  t.triangles = g_new (int, 3 * nt * copies);
  for (int c = 0; c < copies; c++)
    {
      for (int j = 0; j < nz; j++)
        for (int i = 0; i < na; i++)
          {
            double th = 2.0 * G_PI * i / na, z = z0 + (z1 - z0) * j / (nz - 1);
            double r = cusp_sim_root_radius (root, th, z) - 2.0 * c;
            t.vertices[3 * v] = r * cos (th);
            t.vertices[3 * v + 1] = r * sin (th);
            t.vertices[3 * v + 2] = z;
            v++;
          }
      for (int j = 0; j + 1 < nz; j++)
        for (int i = 0; i < na; i++)
          {
            int a = c * nv + j * na + i, b = c * nv + j * na + (i + 1) % na;
            int d = a + na, e = b + na;
            int quad[6] = { a, b, e, a, e, d };
            for (int q = 0; q < 6; q++)
              t.triangles[k++] = quad[q];
          }
    }
  t.mesh.vertices_mm = t.vertices;
  t.mesh.vertex_count = nv * copies;
  t.mesh.triangles = t.triangles;
  t.mesh.triangle_count = nt * copies;
  return t;
}

static void
tube_clear (Tube *t)
{
  g_free (t->vertices);
  g_free (t->triangles);
}

static void
test_mesh_matches_analytic (void)
{
  CuspSimWorldDef def = cusp_sim_default_world_def ();
  Tube t = tessellate (&def.root, 150, 101, 1);        /* 2.4 deg, 0.69 mm: not the grid's */
  CuspSimWorld *analytic = make_world (&def), *meshed;
  const CuspSimResult *a, *b;

  def.use_lumen_mesh = 1;
  def.lumen = t.mesh;
  meshed = make_world (&def);
  g_assert_cmpint (cusp_sim_world_solve (analytic, NULL), ==, CUSP_SIM_OK);
  g_assert_cmpint (cusp_sim_world_solve (meshed, NULL), ==, CUSP_SIM_OK);
  a = cusp_sim_world_result (analytic);
  b = cusp_sim_world_result (meshed);
  g_test_message ("inflow %.3f-%.3f (analytic) vs %.3f-%.3f mm (mesh); apposition %.0f vs %.0f %%",
                  a->inflow.dmin_mm, a->inflow.dmax_mm, b->inflow.dmin_mm, b->inflow.dmax_mm,
                  a->apposition_pct, b->apposition_pct);
  g_assert_true (a->converged && b->converged);
  g_assert_cmpfloat (fabs (a->inflow.dmin_mm - b->inflow.dmin_mm), <, 0.05);
  g_assert_cmpfloat (fabs (a->inflow.dmax_mm - b->inflow.dmax_mm), <, 0.05);
  g_assert_cmpfloat (fabs (a->peak_contact_pressure_pa / b->peak_contact_pressure_pa - 1.0), <, 0.05);
  cusp_sim_world_destroy (analytic);
  cusp_sim_world_destroy (meshed);
  tube_clear (&t);
}

static void
test_bad_wall_mesh (void)
{
  CuspSimWorldDef def = cusp_sim_default_world_def ();
  Tube good = tessellate (&def.root, 60, 40, 1), folded = tessellate (&def.root, 60, 40, 2);
  double saved;
  int saved_index;

  def.use_lumen_mesh = 1;
  def.lumen = good.mesh;
  def.lumen.triangle_count = 0;                                   /* empty */
  expect_create_error (&def, CUSP_SIM_ERROR_BAD_WALL_MESH);
  def.lumen = good.mesh;
  saved = good.vertices[7];
  good.vertices[7] = NAN;                                         /* non-finite vertex */
  expect_create_error (&def, CUSP_SIM_ERROR_BAD_WALL_MESH);
  good.vertices[7] = saved;
  saved_index = good.triangles[4];
  good.triangles[4] = good.mesh.vertex_count + 3;                 /* index out of range */
  expect_create_error (&def, CUSP_SIM_ERROR_BAD_WALL_MESH);
  good.triangles[4] = saved_index;
  {
    /* drop one band of triangles half way up: the rays there meet nothing */
    int per_band = 2 * 60, band = 20;
    int *holed = g_new (int, 3 * good.mesh.triangle_count);
    int n = 0;
    for (int q = 0; q < good.mesh.triangle_count; q++)
      if (q / per_band != band)
        {
          memcpy (holed + 3 * n, good.triangles + 3 * q, 3 * sizeof (int));
          n++;
        }
    def.lumen.triangles = holed;
    def.lumen.triangle_count = n;
    expect_create_error (&def, CUSP_SIM_ERROR_BAD_WALL_MESH);
    g_free (holed);
  }
  def.lumen = folded.mesh;                                        /* two surfaces: folds */
  expect_create_error (&def, CUSP_SIM_ERROR_BAD_WALL_MESH);
  def.lumen = good.mesh;                                          /* and the good one works */
  {
    CuspSimWorld *w = make_world (&def);
    g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
    cusp_sim_world_destroy (w);
  }
  tube_clear (&good);
  tube_clear (&folded);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/deploy/balloon-default", test_balloon_default);
  g_test_add_func ("/sim/deploy/balloon-free-recoil", test_balloon_free_recoil);
  g_test_add_func ("/sim/deploy/oversize-seals-better", test_oversize_seals_better);
  g_test_add_func ("/sim/deploy/deeper-presses-septum", test_deeper_presses_septum);
  g_test_add_func ("/sim/deploy/self-expanding", test_self_expanding);
  g_test_add_func ("/sim/deploy/stretch-sane", test_stretch_sane);
  g_test_add_func ("/sim/deploy/calcium-nodule", test_calcium_nodule);
  g_test_add_func ("/sim/deploy/coronary-lowering", test_coronary_lowering);
  g_test_add_func ("/sim/deploy/strut-refinement", test_strut_refinement);
  g_test_add_func ("/sim/deploy/warm-matches-cold", test_warm_matches_cold);
  g_test_add_func ("/sim/deploy/warm-is-cheaper", test_warm_is_cheaper);
  g_test_add_func ("/sim/deploy/budget-refines", test_budget_refines);
  g_test_add_func ("/sim/deploy/determinism", test_determinism);
  g_test_add_func ("/sim/deploy/threads-same-bits", test_threads_same_bits);
  g_test_add_func ("/sim/deploy/skip-outputs-same-bits", test_skip_outputs_same_bits);
  g_test_add_func ("/sim/deploy/frame-topology", test_frame_topology);
  g_test_add_func ("/sim/bad-input/refused", test_bad_input);
  g_test_add_func ("/sim/bad-input/fuzz", test_fuzz);
  g_test_add_func ("/sim/wall/mesh-matches-analytic", test_mesh_matches_analytic);
  g_test_add_func ("/sim/bad-input/wall-mesh", test_bad_wall_mesh);
  return g_test_run ();
}
