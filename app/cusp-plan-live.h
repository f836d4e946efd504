/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-plan-live.h: a plan's result taken from a solver answer instead of a child process.
 *
 * The risk rules and the leak model are closed-form functions of the solver's outputs, the
 * device and the measured root: this evaluates them once (CuspPlanOutcome) and fills a plan's
 * stable keys the way `cusp-cli simulate --json` names them, so a plan added from the live
 * answer on screen and one simulated by the command line compare row by row. GTK-free. */
#pragma once

#include <glib.h>

#include "cusp-live-solver.h"
#include "cusp-measure.h"
#include "cusp-plan.h"
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
 * them; the one place the app assembles their inputs (the valve panel's lights and the plans).
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

/* The solver's outputs a live snapshot carries, as the CuspSimResult the rules read (borrows its
 * gap map and node arrays: valid while `live` is). */
void     cusp_plan_sim_result_from_live (const CuspLiveResult *live,
                                         CuspSimResult        *result);

/* Fills every key of cusp_plan_keys() from a live answer. FALSE (plan untouched) when the answer
 * is not a solved pose (status not OK) or a rule refused its input. The caller checks the answer
 * is for this plan's device and pose. */
gboolean cusp_plan_set_result_from_live (CuspPlan               *plan,
                                         const CuspLiveResult   *live,
                                         const CuspDeviceDef    *device,
                                         const CuspSimRootDef   *root,
                                         const CuspMeasurements *m,
                                         GError                **error);

G_END_DECLS
