/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-plan-outcome.c: the risk rules and the leak model over one solver answer. */
#include "cusp-plan-outcome.h"
#include "cusp-error.h"
#include "cusp-sim-pvl.h"

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
