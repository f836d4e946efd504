/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-live-solver.c: worker thread owning a CuspSimWorld, newest pose wins, coalesced delivery
 * of immutable snapshots on a main context (see cusp-live-solver.h). */
#include "cusp-live-solver.h"
#include "cusp-error.h"

#include <string.h>

/* Shared between the worker, the main side and queued idles; freed with its last reference. */
typedef struct {
  gint ref_count;
  GMutex lock;
  GCond cond;
  gboolean has_pending;              /* a pose waits to be started */
  CuspSimPose pending_pose;
  guint64 pending_serial;
  gint64 pending_us;
  guint64 last_serial;
  gboolean quit;
  CuspLiveResult *latest;            /* newest snapshot not yet delivered */
  gboolean idle_pending;
  CuspLiveSolver *owner;             /* NULL once the solver is freed */
  GMainContext *context;
} Core;

struct _CuspLiveSolver {
  Core *core;
  GThread *thread;
  CuspSimWorld *world;               /* used by the worker only, until it is joined */
  CuspLiveSolverParams params;
  CuspLiveSolverFunc func;
  gpointer user_data;
};

CuspLiveResult *
cusp_live_result_ref (CuspLiveResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  g_atomic_int_inc (&result->ref_count);
  return result;
}

void
cusp_live_result_unref (CuspLiveResult *result)
{
  if (result == NULL || !g_atomic_int_dec_and_test (&result->ref_count))
    return;
  g_free (result->node_position_mm);
  g_free (result->gap_mm);
  g_free (result->wall_pressure_pa);
  g_free (result);
}

static Core *
core_ref (Core *core)
{
  g_atomic_int_inc (&core->ref_count);
  return core;
}

static void
core_unref (gpointer data)
{
  Core *core = data;

  if (!g_atomic_int_dec_and_test (&core->ref_count))
    return;
  cusp_live_result_unref (core->latest);
  g_main_context_unref (core->context);
  g_mutex_clear (&core->lock);
  g_cond_clear (&core->cond);
  g_free (core);
}

CuspLiveSolverParams
cusp_live_solver_default_params (void)
{
  /* 3 iterations: about a third of a warm update's median 10 (tests/bench/results/sim-speed.txt),
   * a first answer in a few ms; 6 per chunk bounds how long a newer pose or a shutdown waits */
  CuspLiveSolverParams p = { 3, 6, 300 };
  return p;
}

static CuspLiveResult *
snapshot (const CuspSimWorld *world, CuspSimStatus status, const CuspSimPose *pose,
          guint64 serial, gint64 requested_us, int iterations, gboolean preliminary)
{
  const CuspSimResult *r = cusp_sim_world_result (world);
  CuspLiveResult *s = g_new0 (CuspLiveResult, 1);

  s->ref_count = 1;
  s->serial = serial;
  s->pose = *pose;
  s->status = status;
  s->preliminary = preliminary;
  s->requested_us = requested_us;
  s->iterations = iterations;
  g_strlcpy (s->message, cusp_sim_world_message (world), sizeof s->message);
  if (status == CUSP_SIM_OK)
    {
      s->converged = r->converged;
      s->residual = r->residual;
      s->inflow = r->inflow;
      s->mid = r->mid;
      s->outflow = r->outflow;
      s->apposition_pct = r->apposition_pct;
      s->annulus_peak_areal_stretch = r->annulus_peak_areal_stretch;
      s->peak_contact_pressure_pa = r->peak_contact_pressure_pa;
      s->septum_mean_pressure_pa = r->septum_mean_pressure_pa;
      s->implant_depth_mm = r->implant_depth_mm;
      s->left_ostium_vtc_mm = r->left_ostium_vtc_mm;
      s->right_ostium_vtc_mm = r->right_ostium_vtc_mm;
      s->left_ostium_dlc_mm = r->left_ostium_dlc_mm;
      s->right_ostium_dlc_mm = r->right_ostium_dlc_mm;
      s->node_count = r->node_count;
      s->node_position_mm = g_memdup2 (r->node_position_mm, sizeof (double) * 3 * r->node_count);
      s->gap_angle_count = r->gap.angle_count;
      s->gap_height_count = r->gap.height_count;
      s->gap_mm = g_memdup2 (r->gap.gap_mm, sizeof (double) * r->gap.angle_count * r->gap.height_count);
      s->gap = r->gap;
      s->gap.gap_mm = s->gap_mm;
      s->wall_angle_count = r->wall_angle_count;
      s->wall_height_count = r->wall_height_count;
      s->wall_height0_mm = r->wall_height0_mm;
      s->wall_height_step_mm = r->wall_height_step_mm;
      s->wall_pressure_pa = g_memdup2 (r->wall_pressure_pa,
                                       sizeof (double) * r->wall_angle_count * r->wall_height_count);
      memcpy (s->leaflet, r->leaflet, sizeof s->leaflet);
    }
  s->ready_us = g_get_monotonic_time ();
  return s;
}

static gboolean
deliver (gpointer data)
{
  Core *core = data;
  CuspLiveResult *result;
  CuspLiveSolver *owner;

  g_mutex_lock (&core->lock);
  result = g_steal_pointer (&core->latest);
  core->idle_pending = FALSE;
  owner = core->owner;
  g_mutex_unlock (&core->lock);
  /* owner is cleared only on this context's thread (cusp_live_solver_free), so it stays valid */
  if (owner != NULL && result != NULL)
    owner->func (owner, result, owner->user_data);
  cusp_live_result_unref (result);
  return G_SOURCE_REMOVE;
}

/* Worker side: the newest snapshot replaces an undelivered one; one idle at a time. */
static void
publish (Core *core, CuspLiveResult *result)
{
  g_mutex_lock (&core->lock);
  cusp_live_result_unref (core->latest);
  core->latest = result;
  if (!core->idle_pending && core->owner != NULL)
    {
      GSource *source = g_idle_source_new ();
      core->idle_pending = TRUE;
      /* Not the idle default (below GTK's redraw): during a drag the frame clock and the pose
       * timer keep the loop busy and an idle answer would wait until the drag ends. One
       * coalesced source at most, so it cannot flood the loop. */
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, deliver, core_ref (core), core_unref);
      g_source_set_static_name (source, "[cusp] live solver result");
      g_source_attach (source, core->context);
      g_source_unref (source);
    }
  g_mutex_unlock (&core->lock);
}

/* A newer pose or a shutdown: the current solve is abandoned. */
static gboolean
should_stop (Core *core)
{
  gboolean stop;

  g_mutex_lock (&core->lock);
  stop = core->quit || core->has_pending;
  g_mutex_unlock (&core->lock);
  return stop;
}

static gpointer
worker (gpointer data)
{
  CuspLiveSolver *solver = data;
  Core *core = solver->core;
  const CuspLiveSolverParams *p = &solver->params;

  for (;;)
    {
      CuspSimPose pose;
      guint64 serial;
      gint64 requested_us;
      CuspSimStatus st;
      int iterations;

      g_mutex_lock (&core->lock);
      while (!core->quit && !core->has_pending)
        g_cond_wait (&core->cond, &core->lock);
      if (core->quit)
        {
          g_mutex_unlock (&core->lock);
          break;
        }
      pose = core->pending_pose;
      serial = core->pending_serial;
      requested_us = core->pending_us;
      core->has_pending = FALSE;
      g_mutex_unlock (&core->lock);

      /* the first call's answer is shown even when preliminary: it needs its outputs */
      cusp_sim_world_set_skip_unconverged_outputs (solver->world, FALSE);
      cusp_sim_world_set_budget (solver->world, p->first_iterations, 0.0);
      st = cusp_sim_world_solve (solver->world, &pose);
      iterations = st == CUSP_SIM_OK ? cusp_sim_world_result (solver->world)->iterations : 0;
      if (st != CUSP_SIM_OK || cusp_sim_world_result (solver->world)->converged)
        {
          publish (core, snapshot (solver->world, st, &pose, serial, requested_us, iterations, FALSE));
          continue;
        }
      publish (core, snapshot (solver->world, st, &pose, serial, requested_us, iterations, TRUE));
      cusp_sim_world_set_budget (solver->world, p->chunk_iterations, 0.0);
      /* the chunks in between are never shown: their outputs (~3.6 ms each on the real CT) wait
       * for the answer that is */
      cusp_sim_world_set_skip_unconverged_outputs (solver->world, TRUE);
      while (iterations < p->max_iterations && !should_stop (core))
        {
          st = cusp_sim_world_solve (solver->world, &pose);   /* same pose: continues */
          if (st != CUSP_SIM_OK)
            break;
          iterations += cusp_sim_world_result (solver->world)->iterations;
          if (cusp_sim_world_result (solver->world)->converged)
            break;
        }
      if (st != CUSP_SIM_OK || cusp_sim_world_result (solver->world)->converged
          || iterations >= p->max_iterations)
        {
          if (st == CUSP_SIM_OK && !cusp_sim_world_result (solver->world)->converged)
            cusp_sim_world_compute_outputs (solver->world);
          publish (core, snapshot (solver->world, st, &pose, serial, requested_us, iterations, FALSE));
        }
    }
  return NULL;
}

CuspLiveSolver *
cusp_live_solver_new (const CuspSimWorldDef *def, const CuspLiveSolverParams *params,
                      GMainContext *context, CuspLiveSolverFunc func, gpointer user_data,
                      GError **error)
{
  CuspLiveSolver *solver;
  CuspSimStatus st = CUSP_SIM_OK;
  char message[CUSP_SIM_MESSAGE_MAX] = "";
  CuspSimWorld *world;
  CuspLiveSolverParams p = params != NULL ? *params : cusp_live_solver_default_params ();

  g_return_val_if_fail (def != NULL && func != NULL, NULL);
  if (p.first_iterations < 1 || p.chunk_iterations < 1 || p.max_iterations < p.first_iterations)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "live solver: iteration budgets must be positive and the cap at least the first");
      return NULL;
    }
  world = cusp_sim_world_create (def, &st, message);
  if (world == NULL)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "%s", message);
      return NULL;
    }
  solver = g_new0 (CuspLiveSolver, 1);
  solver->world = world;
  solver->params = p;
  solver->func = func;
  solver->user_data = user_data;
  solver->core = g_new0 (Core, 1);
  solver->core->ref_count = 1;
  g_mutex_init (&solver->core->lock);
  g_cond_init (&solver->core->cond);
  solver->core->owner = solver;
  solver->core->context = context != NULL ? g_main_context_ref (context)
                                          : g_main_context_ref_thread_default ();
  solver->thread = g_thread_new ("cusp-live-solver", worker, solver);
  return solver;
}

guint64
cusp_live_solver_set_pose (CuspLiveSolver *solver, const CuspSimPose *pose)
{
  Core *core;
  guint64 serial;

  g_return_val_if_fail (solver != NULL && pose != NULL, 0);
  core = solver->core;
  g_mutex_lock (&core->lock);
  serial = ++core->last_serial;
  core->pending_pose = *pose;                      /* replaces a request not yet started */
  core->pending_serial = serial;
  core->pending_us = g_get_monotonic_time ();
  core->has_pending = TRUE;
  g_cond_signal (&core->cond);
  g_mutex_unlock (&core->lock);
  return serial;
}

void
cusp_live_solver_free (CuspLiveSolver *solver)
{
  if (solver == NULL)
    return;
  g_mutex_lock (&solver->core->lock);
  solver->core->quit = TRUE;
  solver->core->owner = NULL;                      /* queued idles drop their snapshots */
  g_cond_signal (&solver->core->cond);
  g_mutex_unlock (&solver->core->lock);
  g_thread_join (solver->thread);
  cusp_sim_world_destroy (solver->world);
  core_unref (solver->core);
  g_free (solver);
}
