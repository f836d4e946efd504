/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-live-solver.c: the solver thread for the rehearsal UI: 100 quick pose changes end with a
 * converged answer to the last pose (matching a direct solve), older poses dropped, snapshots in
 * request order; a refused pose answered with its error; shutdown in the middle of a solve is
 * prompt and silences the callback. */
#include "cusp-live-solver.h"

#include <glib.h>
#include <math.h>
#include <string.h>

typedef struct {
  GPtrArray *results;                /* (element-type CuspLiveResult) */
  guint64 wait_serial;
  gboolean done;                     /* a final answer to wait_serial arrived */
} Collect;

static void
on_result (CuspLiveSolver *solver, CuspLiveResult *result, gpointer user_data)
{
  Collect *c = user_data;

  g_ptr_array_add (c->results, cusp_live_result_ref (result));
  if (result->serial == c->wait_serial && !result->preliminary)
    c->done = TRUE;
}

static CuspSimWorldDef *
world_def (void)
{
  const char *root = g_getenv ("CUSP_SOURCE_ROOT");
  g_autofree char *path = g_strdup_printf ("%s/data/devices/sapien3-class-26.device", root != NULL ? root : "..");
  CuspSimWorldDef *def = g_new0 (CuspSimWorldDef, 1);
  CuspDeviceError err = { 0 };

  *def = cusp_sim_default_world_def ();
  if (cusp_device_def_load_file (path, &def->device, &err) != CUSP_DEVICE_OK)
    g_error ("cannot load %s: %s", path, err.message);
  def->pose.depth_mm = 3.0;
  return def;
}

static void
wait_for (Collect *c, double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!c->done && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
}

static void
test_hundred_poses (void)
{
  g_autofree CuspSimWorldDef *def = world_def ();
  Collect c = { g_ptr_array_new_with_free_func ((GDestroyNotify) cusp_live_result_unref), 0, FALSE };
  g_autoptr(GError) error = NULL;
  CuspLiveSolver *solver = cusp_live_solver_new (def, NULL, NULL, on_result, &c, &error);
  CuspSimPose pose = def->pose;
  CuspLiveResult *last;
  guint64 previous = 0;
  int distinct = 0, preliminary = 0;

  g_assert_no_error (error);
  for (int i = 0; i < 100; i++)
    {
      pose.depth_mm = 2.0 + 0.03 * i;                  /* a drag from 2 to 5 mm */
      pose.rotation_deg = 0.1 * i;
      c.wait_serial = cusp_live_solver_set_pose (solver, &pose);
      if (i == 49)                                      /* half-way, let one answer through so */
        while (c.results->len == 0)                     /* the last pose is a warm update */
          g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (c.wait_serial, ==, 100);
  wait_for (&c, 60.0);
  g_assert_true (c.done);
  last = g_ptr_array_index (c.results, c.results->len - 1);
  g_assert_cmpuint (last->serial, ==, 100);
  g_assert_true (memcmp (&last->pose, &pose, sizeof pose) == 0);
  g_assert_cmpint (last->status, ==, CUSP_SIM_OK);
  g_assert_true (last->converged);
  g_assert_false (last->preliminary);
  g_assert_cmpfloat (last->residual, <=, def->residual_tolerance);
  g_assert_cmpint (last->ready_us, >=, last->requested_us);
  for (guint i = 0; i < c.results->len; i++)
    {
      CuspLiveResult *r = g_ptr_array_index (c.results, i);
      g_assert_cmpuint (r->serial, >=, previous);         /* never an older answer after a newer */
      distinct += r->serial != previous;
      preliminary += r->preliminary;
      previous = r->serial;
      g_assert_true (isfinite (r->inflow.dmin_mm) && isfinite (r->apposition_pct));
    }
  g_test_message ("%u snapshots for 100 poses (%d poses answered, %d preliminary); last: %d "
                  "iterations, residual %.2g, %.1f ms after its request", c.results->len, distinct,
                  preliminary, last->iterations, last->residual,
                  (last->ready_us - last->requested_us) / 1000.0);
  /* the 100 requests take microseconds and one solve milliseconds: most poses are dropped */
  g_assert_cmpint (distinct, <, 50);

  g_assert_cmpint (distinct, >=, 2);
  /* the same answer as a direct solve of the last pose from cold (warm vs cold: 0.02 mm) */
  {
    CuspSimStatus st;
    char message[CUSP_SIM_MESSAGE_MAX];
    CuspSimWorld *w;
    const CuspSimResult *r;
    def->pose = pose;
    w = cusp_sim_world_create (def, &st, message);
    g_assert_nonnull (w);
    g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
    r = cusp_sim_world_result (w);
    g_assert_true (r->converged);
    g_assert_cmpfloat (fabs (r->inflow.dmin_mm - last->inflow.dmin_mm), <, 0.02);
    g_assert_cmpfloat (fabs (r->inflow.dmax_mm - last->inflow.dmax_mm), <, 0.02);
    cusp_sim_world_destroy (w);
  }

  /* a refused pose is answered with its error, and the solver goes on */
  {
    CuspSimPose bad = pose;
    bad.depth_mm = NAN;
    c.done = FALSE;
    c.wait_serial = cusp_live_solver_set_pose (solver, &bad);
    wait_for (&c, 10.0);
    g_assert_true (c.done);
    last = g_ptr_array_index (c.results, c.results->len - 1);
    g_assert_cmpint (last->status, ==, CUSP_SIM_ERROR_NON_FINITE);
    g_assert_cmpstr (last->message, !=, "");
    c.done = FALSE;
    c.wait_serial = cusp_live_solver_set_pose (solver, &pose);
    wait_for (&c, 30.0);
    g_assert_true (c.done);
    last = g_ptr_array_index (c.results, c.results->len - 1);
    g_assert_true (last->converged);
  }
  cusp_live_solver_free (solver);
  g_ptr_array_unref (c.results);
}

/* Freed while it solves: it returns within one chunk, and the callback stays silent after. */
static void
test_shutdown_mid_solve (void)
{
  g_autofree CuspSimWorldDef *def = world_def ();
  Collect c = { g_ptr_array_new_with_free_func ((GDestroyNotify) cusp_live_result_unref), 0, FALSE };
  g_autoptr(GError) error = NULL;
  CuspLiveSolverParams params = cusp_live_solver_default_params ();
  CuspLiveSolver *solver;
  gint64 t0;
  guint seen;

  params.first_iterations = 1;                          /* the first answer comes at once */
  params.chunk_iterations = 1;
  solver = cusp_live_solver_new (def, &params, NULL, on_result, &c, &error);
  g_assert_no_error (error);
  c.wait_serial = cusp_live_solver_set_pose (solver, &def->pose);
  while (c.results->len == 0)                           /* the preliminary answer: mid-solve */
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (((CuspLiveResult *) g_ptr_array_index (c.results, 0))->preliminary);
  cusp_live_solver_set_pose (solver, &def->pose);       /* and one more in flight */
  t0 = g_get_monotonic_time ();
  cusp_live_solver_free (solver);
  g_test_message ("freed mid-solve in %.1f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 2 * G_USEC_PER_SEC);
  seen = c.results->len;
  for (int i = 0; i < 20; i++)                           /* queued idles, if any, stay silent */
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
  g_assert_cmpuint (c.results->len, ==, seen);
  g_ptr_array_unref (c.results);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/live/hundred-poses", test_hundred_poses);
  g_test_add_func ("/sim/live/shutdown-mid-solve", test_shutdown_mid_solve);
  return g_test_run ();
}
