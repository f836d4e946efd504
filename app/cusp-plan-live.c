/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-plan-live.c: a solver answer on screen, into a plan. */
#include "cusp-plan-live.h"
#include "cusp-error.h"
#include "cusp-sim-pvl.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

void
cusp_plan_sim_result_from_live (const CuspLiveResult *live,
                                CuspSimResult        *r)
{
  g_return_if_fail (live != NULL && r != NULL);

  memset (r, 0, sizeof *r);
  r->status = live->status;
  r->converged = live->converged;
  r->iterations = live->iterations;
  r->total_iterations = live->iterations;
  r->residual = live->residual;
  r->node_count = live->node_count;
  r->node_position_mm = live->node_position_mm;
  r->inflow = live->inflow;
  r->mid = live->mid;
  r->outflow = live->outflow;
  r->peak_contact_pressure_pa = live->peak_contact_pressure_pa;
  r->annulus_peak_areal_stretch = live->annulus_peak_areal_stretch;
  r->septum_mean_pressure_pa = live->septum_mean_pressure_pa;
  r->implant_depth_mm = live->implant_depth_mm;
  r->gap = live->gap;
  r->apposition_pct = live->apposition_pct;
  r->left_ostium_vtc_mm = live->left_ostium_vtc_mm;
  r->right_ostium_vtc_mm = live->right_ostium_vtc_mm;
  r->left_ostium_dlc_mm = live->left_ostium_dlc_mm;
  r->right_ostium_dlc_mm = live->right_ostium_dlc_mm;
}

static void
set_number (JsonObject *object, const char *key, double value)
{
  /* the command line writes null for a number it could not compute */
  if (isfinite (value))
    json_object_set_double_member (object, key, value);
  else
    json_object_set_null_member (object, key);
}

gboolean
cusp_plan_set_result_from_live (CuspPlan               *plan,
                                const CuspLiveResult   *live,
                                const CuspDeviceDef    *device,
                                const CuspSimRootDef   *root,
                                const CuspMeasurements *m,
                                GError                **error)
{
  g_autofree CuspSimResult *r = g_new0 (CuspSimResult, 1);
  g_autoptr(JsonObject) object = json_object_new ();
  CuspPlanOutcome outcome;

  g_return_val_if_fail (plan != NULL && live != NULL, FALSE);

  if (live->status != CUSP_SIM_OK)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "the solver refused this pose: %s",
                   live->message);
      return FALSE;
    }
  cusp_plan_sim_result_from_live (live, r);
  if (!cusp_plan_outcome_evaluate (r, device, root, m, &outcome, error))
    return FALSE;

  /* The keys of cusp_plan_keys(), named as `cusp-cli simulate --json` names them. */
  json_object_set_string_member (object, "pvl.grade", cusp_varc2_grade_to_string (outcome.leak.grade));
  set_number (object, "pvl.regurgitant_volume_ml", outcome.leak.regurgitant_volume_ml);
  set_number (object, "pvl.eroa_cm2", outcome.leak.eroa_cm2);
  set_number (object, "pvl.circumferential_extent_pct", outcome.leak.circumferential_extent_pct);
  set_number (object, "sealing.apposition_pct", r->apposition_pct);
  json_object_set_string_member (object, "coronary.left.obstruction_risk",
                                 cusp_risk_level_to_string (outcome.coronary[0].level));
  set_number (object, "coronary.left.vtc_mm", r->left_ostium_vtc_mm);
  json_object_set_string_member (object, "coronary.right.obstruction_risk",
                                 cusp_risk_level_to_string (outcome.coronary[1].level));
  set_number (object, "coronary.right.vtc_mm", r->right_ostium_vtc_mm);
  json_object_set_string_member (object, "conduction.risk", cusp_risk_level_to_string (outcome.conduction.level));
  set_number (object, "septum.mean_contact_pressure_pa", r->septum_mean_pressure_pa);
  set_number (object, "implant.depth_mm", r->implant_depth_mm);
  json_object_set_string_member (object, "rupture.risk", cusp_risk_level_to_string (outcome.rupture.level));
  set_number (object, "rupture.area_oversizing_pct", outcome.rupture.area_oversizing_pct);
  set_number (object, "annulus.peak_areal_stretch", r->annulus_peak_areal_stretch);
  set_number (object, "frame.inflow_dmin_mm", r->inflow.dmin_mm);
  set_number (object, "frame.inflow_dmax_mm", r->inflow.dmax_mm);
  set_number (object, "frame.mid_dmin_mm", r->mid.dmin_mm);
  set_number (object, "frame.mid_dmax_mm", r->mid.dmax_mm);
  set_number (object, "frame.outflow_dmin_mm", r->outflow.dmin_mm);
  set_number (object, "frame.outflow_dmax_mm", r->outflow.dmax_mm);
  set_number (object, "frame.mid_expansion_pct", r->mid.expansion_pct);
  set_number (object, "solve.converged", r->converged ? 1.0 : 0.0);
  set_number (object, "solve.residual", r->residual);
  return cusp_plan_set_result_from_json (plan, object, error);
}
