/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-plan-live.h: a plan's result taken from a solver answer instead of a child process.
 *
 * It evaluates the rules once (cusp_plan_outcome_evaluate) and fills a plan's stable keys the way
 * `cusp-cli simulate --json` names them, so a plan added from the live answer on screen and one
 * simulated by the command line compare row by row. GTK-free. */
#pragma once

#include <glib.h>

#include "cusp-live-solver.h"
#include "cusp-plan.h"
#include "cusp-plan-outcome.h"

G_BEGIN_DECLS

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
