/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-load-progress.h: progress of a background job, written from any thread, read on the main thread.
 *
 * Sysprof's loader pattern: the worker calls cusp_load_progress_update() as often as it likes; the
 * values are kept under a mutex and ONE idle callback on the main context turns them into
 * "notify::fraction" / "notify::message", so a progress bar can bind to the properties and a
 * busy worker cannot flood the main loop. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CUSP_TYPE_LOAD_PROGRESS (cusp_load_progress_get_type ())
G_DECLARE_FINAL_TYPE (CuspLoadProgress, cusp_load_progress, CUSP, LOAD_PROGRESS, GObject)

CuspLoadProgress *cusp_load_progress_new          (void);
/* Thread-safe. `fraction` in [0, 1], or negative when the job cannot tell (the bar pulses).
 * `message` may be NULL to keep the previous one. */
void              cusp_load_progress_update       (CuspLoadProgress *self,
                                                   double            fraction,
                                                   const char       *message);
double            cusp_load_progress_get_fraction (CuspLoadProgress *self);
/* Main thread only; the returned string belongs to `self` until the next notify. */
const char       *cusp_load_progress_get_message  (CuspLoadProgress *self);

G_END_DECLS
