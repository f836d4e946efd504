/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-plan-outcome.h: what the risk rules and the leak model say about one solver answer.
 *
 * The rules are closed-form functions of the solver's outputs, the device and the measured root.
 * This is the one place their inputs are assembled, for the valve panel's lights, the plans and
 * `cusp-cli simulate`, so all three give the same verdict for the same deployment. GTK-free. */
#pragma once

#include <glib.h>

#include "cusp-measure.h"
#include "cusp-sim.h"
#include "cusp-sim-device.h"
#include "cusp-sim-flow.h"
#include "cusp-sim-risk.h"

G_BEGIN_DECLS

/* Everything the rules say about one deployment. */
typedef struct {
  CuspLeakResult leak;
  CuspCoronaryRisk coronary[2];      /* [0] left, [1] right */
  CuspRuptureRisk rupture;
  CuspConductionRisk conduction;
} CuspPlanOutcome;

/* The risk rules alone (coronary per ostium, annular rupture, conduction) with the numbers behind
 * them.
 * `calcium_mm3` (per CuspCalciumRegion) is read only when `calcium_measured`. FALSE +
 * CUSP_ERROR_INVALID_INPUT naming the rule that refused its input; `outcome->leak` is untouched. */
gboolean cusp_plan_risks_evaluate    (const CuspSimResult    *result,
                                      const CuspDeviceDef    *device,
                                      const CuspSimRootDef   *root,
                                      double                  annulus_area_mm2,
                                      gboolean                calcium_measured,
                                      const double            calcium_mm3[CUSP_CALCIUM_REGION_COUNT],
                                      CuspPlanOutcome        *outcome,
                                      GError                **error);

/* `root` is the solver's root definition (cusp_patient_root_def) for measurements `m`. FALSE +
 * CUSP_ERROR_INVALID_INPUT naming the model that refused its input. */
gboolean cusp_plan_outcome_evaluate  (const CuspSimResult    *result,
                                      const CuspDeviceDef    *device,
                                      const CuspSimRootDef   *root,
                                      const CuspMeasurements *m,
                                      CuspPlanOutcome        *outcome,
                                      GError                **error);

G_END_DECLS
