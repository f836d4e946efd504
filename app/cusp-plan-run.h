/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-plan-run.h: a plan's result from `cusp-cli simulate --json`, run as a child process.
 *
 * The bridge until the live solver thread drives the plan list: the same pipeline and stable keys
 * as the command line, isolated in its own process (a solver crash costs a plan's result, not the
 * session). The demo study has no file, so its volume is written once to the user cache, named by
 * its content. GTK-free. */
#pragma once

#include <gio/gio.h>

#include "cusp-landmarks.h"
#include "cusp-plan.h"
#include "cusp-volume.h"

G_BEGIN_DECLS

/* `study_path` NULL: the demo, `volume` is written to a cache file first. `landmarks` (nullable)
 * are the corrected ones; NULL lets simulate detect them. `calcium_threshold_hu` and `septum_mm`
 * are the case's settings (NAN: simulate's defaults, the 450 / 850 HU rule and an assumed 8 mm).
 * Finishes with a copy of `plan` that carries the result. */
void      cusp_plan_run_async  (const CuspPlan       *plan,
                                const char           *study_path,
                                CuspVolume           *volume,
                                const CuspLandmarks  *landmarks,
                                double                calcium_threshold_hu,
                                double                septum_mm,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data);
CuspPlan *cusp_plan_run_finish (GAsyncResult         *result,
                                GError              **error);

G_END_DECLS
