/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-live-solver.h: the embedded solver on its own thread for the rehearsal UI (GTK-free).
 *
 * One worker thread owns the CuspSimWorld. The main thread calls cusp_live_solver_set_pose as the
 * valve is dragged; the newest pose wins: a pose not yet started when a newer one arrives is
 * dropped, and a solve in progress is abandoned at its next chunk boundary. For each pose the
 * worker first runs a small iteration budget and publishes a PRELIMINARY snapshot (a first answer
 * within a few milliseconds), then refines in chunks with the same pose (the world continues
 * where it stopped) and publishes the FINAL snapshot, converged or not after the iteration cap.
 * Iteration budgets, not time budgets, keep every snapshot reproducible.
 *
 * Snapshots are immutable and refcounted; they carry the pose and the request serial they answer
 * and when that request was made, so a receiver can tell how old the answer is. Publication is
 * coalesced (Sysprof's loader style): the worker stores the newest snapshot under the lock and
 * schedules one idle on the solver's main context if none is pending; that idle delivers only the
 * newest, so a busy main loop never queues stale answers. Freeing the solver stops the worker at
 * its next chunk boundary, joins it, and guarantees the callback is not called afterwards (an
 * idle already queued finds the solver gone and drops its snapshot). */
#pragma once

#include <glib.h>

#include "cusp-sim.h"

G_BEGIN_DECLS

typedef struct {
  volatile gint ref_count;
  guint64 serial;                    /* of the set_pose call it answers, from 1 */
  CuspSimPose pose;
  gboolean preliminary;              /* first answer of a pose: refinement follows */
  gboolean converged;
  CuspSimStatus status;              /* not OK: the pose was refused or the solve failed */
  char message[CUSP_SIM_MESSAGE_MAX];
  int iterations;                    /* since the pose was applied */
  double residual;
  gint64 requested_us;               /* g_get_monotonic_time () at set_pose */
  gint64 ready_us;                   /* when the worker published it */
  /* the solver's outputs (cusp-sim.h CuspSimResult), copied */
  CuspSimSection inflow, mid, outflow;
  double apposition_pct;
  double annulus_peak_areal_stretch;
  double peak_contact_pressure_pa;
  double septum_mean_pressure_pa;
  double implant_depth_mm;
  double left_ostium_vtc_mm, right_ostium_vtc_mm;
  double left_ostium_dlc_mm, right_ostium_dlc_mm;
  int node_count;
  double *node_position_mm;          /* [node_count][3], root frame */
  int gap_angle_count, gap_height_count;
  double *gap_mm;                    /* [gap_height_count][gap_angle_count] */
  CuspSimGapMap gap;                 /* the map's geometry; gap.gap_mm points at gap_mm */
  /* wall contact pressure, root frame: row h at wall_height0_mm + h x wall_height_step_mm,
   * column a at theta = 360 a / wall_angle_count degrees */
  int wall_angle_count, wall_height_count;
  double wall_height0_mm, wall_height_step_mm;
  double *wall_pressure_pa;          /* [wall_height_count][wall_angle_count] */
  CuspSimLeaflet leaflet[3];         /* displaced native leaflets (CUSP_SIM_LEAFLET_RIGHT, ...) */
} CuspLiveResult;

CuspLiveResult *cusp_live_result_ref   (CuspLiveResult *result);
void            cusp_live_result_unref (CuspLiveResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspLiveResult, cusp_live_result_unref)

typedef struct _CuspLiveSolver CuspLiveSolver;

/* Called on the solver's main context with the newest snapshot (borrowed: ref it to keep it). */
typedef void (*CuspLiveSolverFunc) (CuspLiveSolver *solver, CuspLiveResult *result,
                                    gpointer user_data);

typedef struct {
  int first_iterations;              /* budget of the preliminary answer: 3 */
  int chunk_iterations;              /* refinement between checks for a newer pose: 6 */
  int max_iterations;                /* per pose, then the final answer stands: 300 */
} CuspLiveSolverParams;

CuspLiveSolverParams cusp_live_solver_default_params (void);

/* Creates the world (NULL + CUSP_ERROR_INVALID_INPUT with the solver's message when `def` is
 * refused) and starts the worker, idle until the first pose. `context`: where `func` runs
 * (NULL: the thread-default context of the caller). */
CuspLiveSolver *cusp_live_solver_new      (const CuspSimWorldDef      *def,
                                           const CuspLiveSolverParams *params,
                                           GMainContext               *context,
                                           CuspLiveSolverFunc          func,
                                           gpointer                    user_data,
                                           GError                    **error);
/* Any thread. Returns the request's serial. */
guint64         cusp_live_solver_set_pose (CuspLiveSolver *solver, const CuspSimPose *pose);
/* Stops the worker (at its next chunk boundary), joins it and frees everything; `func` is not
 * called after this returns. */
void            cusp_live_solver_free     (CuspLiveSolver *solver);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspLiveSolver, cusp_live_solver_free)

G_END_DECLS
