/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-sim-run.c: one device's cold deployment, warm updates after 0.5 mm depth changes (the
 * live drag) and first answers, timed in CPU and wall time; shared by bench-sim (analytic root)
 * and bench-sim-patient (segmented roots). Prints figures; never fails for speed. */
#include "bench-sim-run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define UPDATES 50
#define FIRST_ANSWERS 20
#define FIRST_ITERATIONS 3
#define COLD_RUNS 7

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, int n)
{
  qsort (v, (size_t) n, sizeof (double), compare_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* CPU time of this thread, ms: on a shared machine the wall clock also counts other jobs. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

/* CPU time of the whole process, ms: the solver's helper thread included. */
static double
process_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

int
cusp_bench_sim_threads (void)
{
  const char *v = getenv ("CUSP_SIM_THREADS");

  return v != NULL && atoi (v) == 1 ? 1 : 2;
}

int
cusp_bench_sim_load_device (const char *id, CuspDeviceDef *out)
{
  const char *root = getenv ("CUSP_SOURCE_ROOT");
  char path[1024];
  CuspDeviceError err;

  snprintf (path, sizeof path, "%s/data/devices/%s.device", root ? root : ".", id);
  memset (&err, 0, sizeof err);
  if (cusp_device_def_load_file (path, out, &err) != CUSP_DEVICE_OK)
    {
      fprintf (stderr, "bench-sim: %s\n", err.message);
      return 0;
    }
  return 1;
}

void
cusp_bench_sim_run (const CuspSimWorldDef *base, const char *id, double depth_mm)
{
  CuspSimWorldDef def = *base;
  CuspSimStatus st;
  char msg[CUSP_SIM_MESSAGE_MAX];
  double cold_ms[COLD_RUNS], warm_ms[UPDATES], cold_cpu[COLD_RUNS], warm_cpu[UPDATES];
  double warm_process[UPDATES], p0;
  double worst_residual = 0.0, c0, first_cpu[FIRST_ANSWERS];
  int first_converged = 0;
  int cold_iterations = 0, warm_iterations[UPDATES], unconverged = 0, nodes = 0;
  CuspSimProfile prof = { 0 };

  if (!cusp_bench_sim_load_device (id, &def.device))
    return;
  def.pose.depth_mm = depth_mm;
  def.thread_count = cusp_bench_sim_threads ();
  for (int k = 0; k < COLD_RUNS; k++)
    {
      CuspSimWorld *w = cusp_sim_world_create (&def, &st, msg);
      const CuspSimResult *r;
      if (w == NULL)
        {
          printf ("%s: cannot create: %s\n", id, msg);
          return;
        }
      c0 = cpu_ms ();
      st = cusp_sim_world_solve (w, NULL);
      cold_cpu[k] = cpu_ms () - c0;
      r = cusp_sim_world_result (w);
      if (st != CUSP_SIM_OK || !r->converged)
        {
          printf ("%s: cold deployment did not converge: %s\n", id, cusp_sim_world_message (w));
          cusp_sim_world_destroy (w);
          return;
        }
      cold_ms[k] = r->solve_ms;
      cold_iterations = r->total_iterations;
      nodes = r->node_count;
      if (k == 0)
        printf ("%s at depth %.1f mm: %d nodes (%d dofs); cold deployment %d Newton iterations, "
                "residual %.2g (tolerance %.0e)\n", id, depth_mm, nodes, 6 * nodes,
                cold_iterations, r->residual, def.residual_tolerance);
      if (k == COLD_RUNS - 1)
        {
          CuspSimPose pose = def.pose;
          /* the live drag: depth walks up and down in 0.5 mm steps, each solve warm-started */
          for (int u = 0; u < UPDATES; u++)
            {
              int step = u % 16;
              pose.depth_mm = depth_mm + 0.5 * (step < 8 ? step + 1 : 15 - step) - 2.0;
              c0 = cpu_ms ();
              p0 = process_cpu_ms ();
              st = cusp_sim_world_solve (w, &pose);
              warm_cpu[u] = cpu_ms () - c0;
              warm_process[u] = process_cpu_ms () - p0;
              if (st != CUSP_SIM_OK)
                {
                  printf ("%s: update %d failed: %s\n", id, u, cusp_sim_world_message (w));
                  break;
                }
              warm_ms[u] = r->solve_ms;
              warm_iterations[u] = r->iterations;
              if (!r->converged)
                unconverged++;
              if (r->residual > worst_residual)
                worst_residual = r->residual;
              prof.pose_ms += r->profile.pose_ms / UPDATES;
              prof.assemble_ms += r->profile.assemble_ms / UPDATES;
              prof.factor_ms += r->profile.factor_ms / UPDATES;
              prof.line_search_ms += r->profile.line_search_ms / UPDATES;
              prof.outputs_ms += r->profile.outputs_ms / UPDATES;
            }
          /* the live path's first answer: a 0.5 mm change with a 3-iteration budget (what
           * CuspLiveSolver publishes as preliminary), then refined untimed to convergence */
          for (int u = 0; u < FIRST_ANSWERS; u++)
            {
              pose.depth_mm = depth_mm + (u % 2 ? 0.5 : 0.0);
              cusp_sim_world_set_budget (w, FIRST_ITERATIONS, 0.0);
              c0 = cpu_ms ();
              st = cusp_sim_world_solve (w, &pose);
              first_cpu[u] = cpu_ms () - c0;
              if (st != CUSP_SIM_OK)
                break;
              first_converged += r->converged;
              cusp_sim_world_set_budget (w, def.max_iterations, 0.0);
              for (int more = 0; more < 10 && !r->converged && st == CUSP_SIM_OK; more++)
                st = cusp_sim_world_solve (w, &pose);
            }
        }
      cusp_sim_world_destroy (w);
    }
  {
    double it[UPDATES];
    for (int u = 0; u < UPDATES; u++)
      it[u] = warm_iterations[u];
    printf ("  cold deployment from crimped: median %.1f ms wall, %.1f ms CPU over %d runs "
            "(target < 200 ms)\n", median (cold_ms, COLD_RUNS), median (cold_cpu, COLD_RUNS),
            COLD_RUNS);
    printf ("  warm update after a 0.5 mm depth change: median %.1f ms wall, %.1f ms CPU "
            "(calling thread), %.1f ms CPU (all threads) over %d updates (target < 16 ms), "
            "median %.0f iterations, %d unconverged (budget %d), worst residual %.2g\n",
            median (warm_ms, UPDATES), median (warm_cpu, UPDATES),
            median (warm_process, UPDATES), UPDATES, median (it, UPDATES), unconverged,
            def.max_iterations, worst_residual);
    printf ("  warm update profile (mean ms): pose %.2f, assemble %.2f, factor %.2f, "
            "line search %.2f, outputs %.2f\n", prof.pose_ms, prof.assemble_ms, prof.factor_ms,
            prof.line_search_ms, prof.outputs_ms);
    printf ("  first answer (budget %d iterations) after a 0.5 mm change: median %.1f ms CPU over "
            "%d, %d of them already converged\n", FIRST_ITERATIONS,
            median (first_cpu, FIRST_ANSWERS), FIRST_ANSWERS, first_converged);
  }
}

