/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-flow.c: cost of the paravalvular leak analysis (cusp_flow_analyze) per live update, on
 * gap maps of the structural solver's default size (72 angles x 0.5 mm rows) and finer.
 *
 * The gap maps are geometric, not solved: a rigid circular skirt in an elliptic annulus (the
 * default root of cusp-sim.h, 21.5 x 24.5 mm) leaves crescent gaps along the major axis, plus a
 * calcium-like bump that props the skirt off the wall. They exercise the analysis with
 * realistic channel counts; the printed leak figures describe these shapes, not a deployment. */
#include "cusp-sim-flow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define REPEATS 400

static double
now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

static int
compare (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Gap between a circular skirt of radius r_valve and an ellipse (semi-axes a, b), plus a bump of
 * height bump_mm and half-width 15 deg at 200 deg that lifts the skirt off the wall beside it. */
static void
fill_map (double *gap, int n_angles, int n_rows, double a, double b, double r_valve, double bump_mm)
{
  for (int c = 0; c < n_angles; c++)
    {
      double th = 2.0 * M_PI * c / n_angles;
      double r_wall = a * b / sqrt (pow (b * cos (th), 2) + pow (a * sin (th), 2));
      double d_deg = fabs (fmod (360.0 * c / n_angles - 200.0 + 540.0, 360.0) - 180.0);
      double lift = d_deg < 30.0 ? bump_mm * (1.0 - d_deg / 30.0) : 0.0;
      for (int r = 0; r < n_rows; r++)
        {
          /* The wall flares 0.05 mm per row toward the sinus: gaps open higher up. */
          double g = r_wall + 0.05 * r - r_valve;
          gap[r * n_angles + c] = fmax (0.0, g) + (d_deg < 15.0 ? 0.0 : lift * 0.5);
        }
    }
}

static void
run_case (const char *label, int n_angles, int n_rows, double r_valve)
{
  double *gap = malloc (sizeof *gap * n_angles * n_rows);
  double times[REPEATS];
  static CuspLeakResult res;
  CuspFlowError err;
  CuspGapMap map = { gap, n_angles, n_rows, 360.0 / n_angles, 0.5, -2.0, 4, 0, n_rows, r_valve };

  fill_map (gap, n_angles, n_rows, 24.5 / 2.0, 21.5 / 2.0, r_valve, 0.6);
  for (int i = 0; i < REPEATS; i++)
    {
      double t0 = now_us ();
      if (cusp_flow_analyze (&map, NULL, NULL, &res, &err) != CUSP_FLOW_OK)
        {
          printf ("%s: error: %s\n", label, err.message);
          free (gap);
          return;
        }
      times[i] = now_us () - t0;
    }
  qsort (times, REPEATS, sizeof times[0], compare);
  printf ("%-34s %4d x %3d  median %8.1f us  p95 %8.1f us  (%.2f %% of a 16 ms frame)\n", label, n_angles, n_rows,
          times[REPEATS / 2], times[REPEATS * 95 / 100], 100.0 * times[REPEATS / 2] / 16000.0);
  printf ("    channels %d, peak flow %.2f mL/s, regurgitant volume %.2f mL, EROA %.4f cm2, extent %.1f %%, "
          "grade %s (by volume; EROA says %s, extent says %s)\n",
          res.channel_count, res.peak_flow_ml_s, res.regurgitant_volume_ml, res.eroa_cm2,
          res.circumferential_extent_pct, cusp_varc2_grade_to_string (res.grade),
          cusp_varc2_grade_to_string (res.grade_by_eroa), cusp_varc2_grade_to_string (res.grade_by_extent));
  free (gap);
}

int
main (void)
{
  printf ("cusp_flow_analyze, default waveform (70 mmHg, 0.5 s), %d repeats each; geometric gap maps\n"
          "(rigid circular skirt in a 21.5 x 24.5 mm elliptic annulus, see the source), not solver output.\n\n",
          REPEATS);
  run_case ("23 mm skirt, solver-default grid", 72, 40, 11.5);
  run_case ("22 mm skirt, solver-default grid", 72, 40, 11.0);
  run_case ("22 mm skirt, 1 deg x 0.5 mm", 360, 40, 11.0);
  run_case ("22 mm skirt, 0.5 deg x 0.5 mm", 720, 80, 11.0);
  return 0;
}
