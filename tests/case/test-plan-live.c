/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-plan-live.c: a plan's result taken from the live solver's converged answer equals the
 * result of a direct solve of the same world and pose put through the risk rules and the leak
 * model the way `cusp-cli simulate` does; every compared key is filled; a refused pose fills
 * nothing. */
#include "cusp-live-solver.h"
#include "cusp-plan-live.h"
#include "cusp-sim-pvl.h"

#include <math.h>
#include <string.h>

static CuspSimWorldDef *
world_def (void)
{
  const char *root = g_getenv ("CUSP_SOURCE_ROOT");
  g_autofree char *path = g_strdup_printf ("%s/data/devices/sapien3-class-23.device", root != NULL ? root : "..");
  CuspSimWorldDef *def = g_new0 (CuspSimWorldDef, 1);
  CuspDeviceError err = { 0 };

  *def = cusp_sim_default_world_def ();
  if (cusp_device_def_load_file (path, &def->device, &err) != CUSP_DEVICE_OK)
    g_error ("cannot load %s: %s", path, err.message);
  def->pose.depth_mm = 4.0;
  def->pose.tilt_deg = 1.0;
  def->pose.rotation_deg = 20.0;
  return def;
}

/* The measurements the rules read: the analytic root's elliptic annulus, no calcium. */
static void
measurements_of (const CuspSimWorldDef *def, CuspMeasurements *m)
{
  double a = def->root.annulus_dmax_mm / 2.0, b = def->root.annulus_dmin_mm / 2.0;

  memset (m, 0, sizeof *m);
  m->annulus.valid = TRUE;
  m->annulus.area_mm2 = G_PI * a * b;
  m->calcium_measured = FALSE;
}

static void
on_result (CuspLiveSolver *solver, CuspLiveResult *result, gpointer user_data)
{
  CuspLiveResult **final = user_data;

  if (!result->preliminary && *final == NULL)
    *final = cusp_live_result_ref (result);
}

static CuspLiveResult *
live_answer (const CuspSimWorldDef *def)
{
  CuspLiveResult *final = NULL;
  g_autoptr(GError) error = NULL;
  CuspLiveSolver *solver = cusp_live_solver_new (def, NULL, NULL, on_result, &final, &error);
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_assert_no_error (error);
  cusp_live_solver_set_pose (solver, &def->pose);
  while (final == NULL && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
  cusp_live_solver_free (solver);
  g_assert_nonnull (final);
  return final;
}

static double
value_of (const CuspPlan *plan, const char *key)
{
  int i = cusp_plan_key_index (key);

  g_assert_cmpint (i, >=, 0);
  return plan->values[i];
}

static const char *
text_of (const CuspPlan *plan, const char *key)
{
  int i = cusp_plan_key_index (key);

  g_assert_cmpint (i, >=, 0);
  return plan->texts[i];
}

static void
test_matches_direct_solve (void)
{
  g_autofree CuspSimWorldDef *def = world_def ();
  g_autoptr(CuspLiveResult) live = live_answer (def);
  g_autoptr(CuspPlan) plan = cusp_plan_new ("Plan 1", def->device.id, def->pose.depth_mm,
                                            def->pose.tilt_deg, def->pose.rotation_deg);
  g_autoptr(GError) error = NULL;
  CuspMeasurements m;
  CuspSimStatus status;
  char message[CUSP_SIM_MESSAGE_MAX] = "";
  CuspSimWorld *world;
  const CuspSimResult *r;
  CuspLeakResult leak;
  CuspFlowError flow_error = { 0 };
  CuspRuptureInput rin = { 0 };
  CuspRuptureRisk rupture;
  CuspRiskError risk_error = { 0 };
  guint n_keys;
  const CuspPlanKey *keys = cusp_plan_keys (&n_keys);

  g_assert_true (live->converged);
  measurements_of (def, &m);
  g_assert_true (cusp_plan_set_result_from_live (plan, live, &def->device, &def->root, &m, &error));
  g_assert_no_error (error);
  g_assert_true (plan->has_result);
  for (guint k = 0; k < n_keys; k++)
    {
      if (keys[k].is_text)
        g_assert_true (cusp_plan_text_rank (plan->texts[k]) >= 0);
      else
        g_assert_true (isfinite (plan->values[k]));
    }

  /* The reference: one world solved directly (as cusp-cli simulate solves), until converged. */
  world = cusp_sim_world_create (def, &status, message);
  g_assert_nonnull (world);
  for (int call = 0; call < 5; call++)
    {
      g_assert_cmpint (cusp_sim_world_solve (world, NULL), ==, CUSP_SIM_OK);
      if (cusp_sim_world_result (world)->converged)
        break;
    }
  r = cusp_sim_world_result (world);
  g_assert_true (r->converged);
  g_assert_cmpint (cusp_sim_result_leak (r, &leak, &flow_error), ==, CUSP_FLOW_OK);
  rin.annulus_area_mm2 = m.annulus.area_mm2;
  rin.valve_diameter_mm = def->device.nominal_diameter_mm;
  rin.has_peak_areal_stretch = 1;
  rin.peak_areal_stretch = r->annulus_peak_areal_stretch;
  rin.self_expanding = def->device.family != CUSP_DEVICE_FAMILY_BALLOON_EXPANDABLE;
  g_assert_cmpint (cusp_risk_annular_rupture (&rin, &rupture, &risk_error), ==, CUSP_RISK_OK);

  /* Both are converged answers to the same pose from the same cold start (measured: equal to the
   * printed digits); the bounds leave room for a different chunking of the iterations only. A
   * 23 mm valve in the default 21.5 x 24.5 mm annulus leaks (about 15 mL/beat): the leak is compared. */
  g_assert_cmpfloat (leak.regurgitant_volume_ml, >, 1.0);
  g_assert_cmpfloat_with_epsilon (value_of (plan, "sealing.apposition_pct"), r->apposition_pct, 0.01);
  g_assert_cmpfloat_with_epsilon (value_of (plan, "implant.depth_mm"), r->implant_depth_mm, 1e-3);
  g_assert_cmpfloat_with_epsilon (value_of (plan, "frame.mid_dmin_mm"), r->mid.dmin_mm, 1e-3);
  g_assert_cmpfloat_with_epsilon (value_of (plan, "coronary.left.vtc_mm"), r->left_ostium_vtc_mm, 1e-3);
  g_assert_cmpfloat_with_epsilon (value_of (plan, "pvl.regurgitant_volume_ml"), leak.regurgitant_volume_ml,
                                  1e-3 * leak.regurgitant_volume_ml);
  g_assert_cmpstr (text_of (plan, "pvl.grade"), ==, cusp_varc2_grade_to_string (leak.grade));
  /* oversizing depends on the device and the annulus only: exactly the rule's number */
  g_assert_cmpfloat (value_of (plan, "rupture.area_oversizing_pct"), ==, rupture.area_oversizing_pct);
  g_assert_cmpstr (text_of (plan, "rupture.risk"), ==, cusp_risk_level_to_string (rupture.level));
  g_assert_cmpfloat (value_of (plan, "solve.converged"), ==, 1.0);
  g_test_message ("live vs direct: apposition %.2f / %.2f %%, regurgitant volume %.3f / %.3f mL, "
                  "implant depth %.3f / %.3f mm", value_of (plan, "sealing.apposition_pct"), r->apposition_pct,
                  value_of (plan, "pvl.regurgitant_volume_ml"), leak.regurgitant_volume_ml,
                  value_of (plan, "implant.depth_mm"), r->implant_depth_mm);
  cusp_sim_world_destroy (world);

  /* Through the case file's form and back: the same plan. */
  {
    g_autoptr(JsonNode) node = cusp_plan_result_to_json (plan);
    g_autoptr(CuspPlan) again = cusp_plan_new ("Plan 1", def->device.id, def->pose.depth_mm,
                                               def->pose.tilt_deg, def->pose.rotation_deg);

    g_assert_true (cusp_plan_set_result_from_json (again, json_node_get_object (node), &error));
    g_assert_true (cusp_plan_equal (plan, again));
  }
}

static void
test_refused_pose (void)
{
  g_autofree CuspSimWorldDef *def = world_def ();
  g_autofree CuspLiveResult *refused = g_new0 (CuspLiveResult, 1);
  g_autoptr(CuspPlan) plan = cusp_plan_new ("Plan 1", def->device.id, 4.0, 0.0, 0.0);
  g_autoptr(GError) error = NULL;
  CuspMeasurements m;

  measurements_of (def, &m);
  refused->status = CUSP_SIM_ERROR_NON_FINITE;
  g_strlcpy (refused->message, "the pose has a NaN", sizeof refused->message);
  g_assert_false (cusp_plan_set_result_from_live (plan, refused, &def->device, &def->root, &m, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "NaN"));
  g_assert_false (plan->has_result);
  g_assert_true (isnan (value_of (plan, "sealing.apposition_pct")));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/case/plan-live/matches-direct-solve", test_matches_direct_solve);
  g_test_add_func ("/case/plan-live/refused-pose", test_refused_pose);
  return g_test_run ();
}
