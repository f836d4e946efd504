/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-plan-live.c: the risk rules and the leak model over one solver answer, into a plan. */
#include "cusp-plan-live.h"
#include "cusp-error.h"
#include "cusp-sim-pvl.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

gboolean
cusp_plan_risks_evaluate (const CuspSimResult  *r,
                          const CuspDeviceDef  *device,
                          const CuspSimRootDef *root,
                          double                annulus_area_mm2,
                          gboolean              calcium_measured,
                          const double          calcium_mm3[CUSP_CALCIUM_REGION_COUNT],
                          CuspPlanOutcome      *outcome,
                          GError              **error)
{
  CuspRiskError risk_error = { 0 };
  CuspRuptureInput rin = { 0 };
  CuspConductionInput cin = { 0 };

  g_return_val_if_fail (r != NULL && device != NULL && root != NULL && outcome != NULL, FALSE);
  g_return_val_if_fail (!calcium_measured || calcium_mm3 != NULL, FALSE);

  for (int side = 0; side < 2; side++)
    {
      CuspCoronaryInput in = { 0 };

      in.side = side == 0 ? CUSP_CORONARY_LEFT : CUSP_CORONARY_RIGHT;
      in.leaflet_height_mm = root->leaflet_height_mm;
      in.coronary_height_mm = side == 0 ? root->left_ostium_height_mm : root->right_ostium_height_mm;
      in.vtc_mm = side == 0 ? r->left_ostium_vtc_mm : r->right_ostium_vtc_mm;
      in.dlc_mm = side == 0 ? r->left_ostium_dlc_mm : r->right_ostium_dlc_mm;
      in.coronary_diameter_mm = root->coronary_diameter_mm;
      /* the culprit leaflet is the one in front of that ostium */
      in.culprit_leaflet_calcium_mm3 = calcium_measured
        ? calcium_mm3[side == 0 ? CUSP_CALCIUM_LEAFLET_LEFT : CUSP_CALCIUM_LEAFLET_RIGHT] : 0.0;
      in.sov_diameter_mm = root->sinus_diameter_mm;
      in.valve_diameter_mm = device->nominal_diameter_mm;
      if (cusp_risk_coronary (&in, &outcome->coronary[side], &risk_error) != CUSP_RISK_OK)
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "coronary risk: %s", risk_error.message);
          return FALSE;
        }
    }
  rin.annulus_area_mm2 = annulus_area_mm2;
  rin.valve_diameter_mm = device->nominal_diameter_mm;
  rin.has_peak_areal_stretch = 1;
  rin.peak_areal_stretch = r->annulus_peak_areal_stretch;
  rin.lvot_calcium_mm3 = calcium_measured ? calcium_mm3[CUSP_CALCIUM_LVOT] : 0.0;
  rin.self_expanding = device->family != CUSP_DEVICE_FAMILY_BALLOON_EXPANDABLE;
  if (cusp_risk_annular_rupture (&rin, &outcome->rupture, &risk_error) != CUSP_RISK_OK)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "rupture risk: %s", risk_error.message);
      return FALSE;
    }
  cin.implant_depth_mm = r->implant_depth_mm;
  cin.membranous_septum_length_mm = root->membranous_septum_length_mm;
  cin.has_septal_pressure = 1;
  cin.septal_contact_pressure_pa = r->septum_mean_pressure_pa;
  if (cusp_risk_conduction (&cin, &outcome->conduction, &risk_error) != CUSP_RISK_OK)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "conduction risk: %s", risk_error.message);
      return FALSE;
    }
  return TRUE;
}

gboolean
cusp_plan_outcome_evaluate (const CuspSimResult    *r,
                            const CuspDeviceDef    *device,
                            const CuspSimRootDef   *root,
                            const CuspMeasurements *m,
                            CuspPlanOutcome        *outcome,
                            GError                **error)
{
  CuspFlowError flow_error = { 0 };

  g_return_val_if_fail (r != NULL && device != NULL && root != NULL && m != NULL, FALSE);
  g_return_val_if_fail (outcome != NULL, FALSE);

  memset (outcome, 0, sizeof *outcome);
  if (cusp_sim_result_leak (r, &outcome->leak, &flow_error) != CUSP_FLOW_OK)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "leak model: %s", flow_error.message);
      return FALSE;
    }
  return cusp_plan_risks_evaluate (r, device, root, m->annulus.area_mm2, m->calcium_measured,
                                   m->calcium_mm3, outcome, error);
}

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
