/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-measure.c: phantom generation time, and the cost of re-measuring everything after one
 * landmark moves (issue 3 target: under 16 ms per drag step). */
#include "cusp-measure.h"
#include "cusp-phantom.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
cpu_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double
thread_cpu_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static CuspVolume *
timed_phantom (double spacing_mm, CuspPhantomTruth **truth)
{
  CuspPhantomDef def = cusp_phantom_default_def ();
  g_autoptr(GError) error = NULL;
  gint64 start;
  double cpu0, wall_s, cpu_s;
  CuspVolume *volume;

  def.spacing_mm = spacing_mm;
  start = g_get_monotonic_time ();
  cpu0 = cpu_seconds ();
  volume = cusp_phantom_generate (&def, truth, NULL, &error);
  wall_s = (g_get_monotonic_time () - start) / 1e6;
  cpu_s = cpu_seconds () - cpu0;
  if (volume == NULL)
    {
      fprintf (stderr, "bench-measure: %s\n", error->message);
      exit (1);
    }
  printf ("phantom %.1f mm: %d x %d x %d voxels, %.3f s wall on %u threads, %.3f s CPU (one-core equivalent)\n",
          spacing_mm, volume->dims[0], volume->dims[1], volume->dims[2], wall_s,
          MIN (g_get_num_processors (), 8), cpu_s);
  return volume;
}

int
main (void)
{
  enum { STEPS = 60 };
  g_autoptr(CuspPhantomTruth) demo_truth = NULL, truth = NULL;
  g_autoptr(CuspVolume) demo = NULL, volume = NULL;
  g_autoptr(CuspMeasureContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  CuspMeasurements m;
  CuspLandmarks lm;
  double times_ms[STEPS], cpu_ms[STEPS], sum = 0.0;
  gint64 start;

  demo = timed_phantom (0.8, &demo_truth);
  volume = timed_phantom (0.5, &truth);
  cusp_phantom_truth_get_landmarks (truth, &lm);

  start = g_get_monotonic_time ();
  ctx = cusp_measure_context_new (volume, NULL, &error);
  if (ctx == NULL)
    {
      fprintf (stderr, "bench-measure: %s\n", error->message);
      return 1;
    }
  printf ("measurement context (calcium candidates): %.1f ms\n", (g_get_monotonic_time () - start) / 1e3);

  /* A drag: the left hinge moves 0.1 mm per step along the root axis, everything re-measured. */
  for (int s = 0; s < STEPS; s++)
    {
      for (int i = 0; i < 3; i++)
        lm.hinge_mm[CUSP_CUSP_LEFT][i] += 0.1 * ((s / 10) % 2 ? -1.0 : 1.0) * truth->root_axis[i];
      start = g_get_monotonic_time ();
      cpu_ms[s] = thread_cpu_ms ();
      if (!cusp_measure_run (ctx, &lm, &m, &error))
        {
          fprintf (stderr, "bench-measure: %s\n", error->message);
          return 1;
        }
      times_ms[s] = (g_get_monotonic_time () - start) / 1e3;
      cpu_ms[s] = thread_cpu_ms () - cpu_ms[s];
      sum += times_ms[s];
      cusp_measurements_clear (&m);
    }
  qsort (times_ms, STEPS, sizeof *times_ms, compare_double);
  qsort (cpu_ms, STEPS, sizeof *cpu_ms, compare_double);
  printf ("re-measure after one landmark moves (%d steps, 0.5 mm phantom): wall median %.2f ms, mean %.2f ms, "
          "max %.2f ms; CPU median %.2f ms, max %.2f ms (target < 16 ms)\n", STEPS, times_ms[STEPS / 2],
          sum / STEPS, times_ms[STEPS - 1], cpu_ms[STEPS / 2], cpu_ms[STEPS - 1]);
  return 0;
}
