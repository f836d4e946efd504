/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-segment-lumen.c: the fine stage's lumen: the blood pool grown from the centerline inside
 * the root's clip, seen from its axis, opened to drop coronary stubs; LVOT enhancement. */
#include "cusp-segment-private.h"
#include "cusp-error.h"
#include "cusp-itk-segment.h"

#include <math.h>
#include <string.h>

double
cusp_segment_height_above (const CuspLandmarkResult *lm, const double p[3])
{
  double h = 0;
  for (int a = 0; a < 3; a++)
    h += (p[a] - lm->annulus_center_mm[a]) * lm->annulus_normal[a];
  return h;
}

double
cusp_segment_distance_to_axis (const CuspLandmarkResult *lm, const double p[3])
{
  double d[3], h = cusp_segment_height_above (lm, p), s = 0;
  for (int a = 0; a < 3; a++)
    {
      d[a] = p[a] - lm->annulus_center_mm[a] - h * lm->annulus_normal[a];
      s += d[a] * d[a];
    }
  return sqrt (s);
}

#define VISIBILITY_STEP_MM 0.5
#define VISIBILITY_GAP_MM 1.5

/* Inside the clip heights and within 1.25 x the local median section radius + 2 mm of the
 * nearest centerline point: sinus lobes reach ~1.2 x the median, while a neighbour touching the
 * root (pulmonary trunk, atria) lies farther out. */
static gboolean
inside_clip (const CuspLandmarkResult *lm, const CuspClip *clip, const double p[3], int *nearest)
{
  double h = cusp_segment_height_above (lm, p);
  if (h < clip->h_bottom || h > clip->h_top)
    return FALSE;
  /* nearest centerline point: every 8th point first, then the neighbours of the best (the points
   * are 0.5-1 mm apart along a gently curved line, so the coarse pass lands within 8 of it) */
  const int n = lm->landmarks.centerline_count;
  double best = G_MAXDOUBLE;
  int best_m = 0;
  for (int pass = 0; pass < 2; pass++)
    {
      int from = pass == 0 ? 0 : MAX (0, best_m - 8), to = pass == 0 ? n - 1 : MIN (n - 1, best_m + 8);
      int step = pass == 0 ? 8 : 1;
      for (int m = from; m <= to; m += step)
        {
          const double *c = lm->landmarks.centerline_mm[m];
          double s = (p[0] - c[0]) * (p[0] - c[0]) + (p[1] - c[1]) * (p[1] - c[1]) + (p[2] - c[2]) * (p[2] - c[2]);
          if (s < best)
            {
              best = s;
              best_m = m;
            }
        }
    }
  /* below the annulus the path may run into a chamber: never wider than the annulus allows */
  double r_cap = h < 0 ? 1.2 * lm->annulus_radius_mm
                       : 1.3 * MAX (lm->annulus_radius_mm, MAX (lm->stj_radius_mm, lm->ascending_radius_mm));
  double bound = 1.25 * MIN (lm->centerline_radius_mm[best_m], r_cap) + 2;
  *nearest = best_m;
  return best <= bound * bound;
}

/* TRUE when the straight segment from the centerline point `c` to `p` stays in the blood pool
 * except for runs of at most VISIBILITY_GAP_MM. The root's lumen, sinus lobes included, is
 * star-shaped about its axis; a neighbour that touches it through a wall thinner than the blur
 * (right atrium, RVOT, pulmonary trunk on a 1.5 mm CT) joins the pool somewhere, but is seen
 * from the axis only through that wall. The gap lets a ray pass a closed leaflet or a fleck. */
static gboolean
visible_from_axis (const CuspGrid *g, const guint8 *blood, const double c[3], const double p[3])
{
  double d[3] = { p[0] - c[0], p[1] - c[1], p[2] - c[2] };
  double length = sqrt (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]), run = 0;
  int steps = (int) ceil (length / VISIBILITY_STEP_MM);

  for (int s = 1; s < steps; s++)
    {
      double q[3];
      for (int a = 0; a < 3; a++)
        q[a] = c[a] + d[a] * s / steps;
      if (blood[cusp_grid_lps_to_voxel (g, q)])
        run = 0;
      else if ((run += length / steps) > VISIBILITY_GAP_MM)
        return FALSE;
    }
  return TRUE;
}

typedef struct {
  const CuspGrid *g;
  const guint8 *blood;
  const CuspLandmarkResult *lm;
  const CuspClip *clip;
  guint8 *allowed;
  gsize from, to;                  /* voxel range of this worker */
} VisibilityJob;

/* The blood voxels in [from, to) inside the clip and seen from the axis. */
static gpointer
visibility_run (gpointer data)
{
  const VisibilityJob *job = data;
  const CuspLandmarkResult *lm = job->lm;

  for (gsize v = job->from; v < job->to; v++)
    if (job->blood[v])
      {
        double p[3];
        int m;
        cusp_grid_voxel_to_lps (job->g, v, p);
        if (!inside_clip (lm, job->clip, p, &m))
          continue;
        /* Seen from the nearest path point; at or below the annulus, or where that point is,
         * from the annulus axis at the voxel's height instead: the path from the LV can enter
         * the LVOT from the side (through a chamber that only touches it) and would see that
         * chamber. */
        const double *c = lm->landmarks.centerline_mm[m];
        double axis_point[3];
        double h = cusp_segment_height_above (lm, p);
        if (h < 0 || cusp_segment_height_above (lm, c) < 0)
          {
            for (int a = 0; a < 3; a++)
              axis_point[a] = lm->annulus_center_mm[a] + h * lm->annulus_normal[a];
            c = axis_point;
          }
        job->allowed[v] = visible_from_axis (job->g, job->blood, c, p);
      }
  return NULL;
}

/* Lumen on the fine grid: the blood pool grown from the centerline inside the clip, then opened
 * with a ball of `open_mm` (two distance maps) to drop coronary stubs. `grown_distance` receives
 * the signed distance to the grown region (used for calcium proximity). */
guint8 *
cusp_segment_fine_lumen (const CuspGrid *g, const guint8 *blood, const CuspLandmarkResult *lm, const CuspClip *clip,
                         double open_mm, float *grown_distance, GError **error)
{
  const gsize count = cusp_grid_voxel_count (g);
  g_autofree guint8 *allowed = g_new0 (guint8, count);
  guint8 *lumen = g_new0 (guint8, count);

  /* The visibility rays are the slowest part of the segmentation and independent per voxel:
   * one worker per core (up to 4), each on its own range of voxels. */
  const guint workers = CLAMP (g_get_num_processors (), 1, 4);
  VisibilityJob jobs[4];
  GThread *threads[4] = { NULL };
  for (guint w = 0; w < workers; w++)
    {
      jobs[w] = (VisibilityJob) { g, blood, lm, clip, allowed, count * w / workers, count * (w + 1) / workers };
      if (w > 0)
        threads[w] = g_thread_new ("cusp-lumen", visibility_run, &jobs[w]);
    }
  visibility_run (&jobs[0]);
  for (guint w = 1; w < workers; w++)
    g_thread_join (threads[w]);
  gsize seed = G_MAXSIZE;
  for (int m = 0; m < lm->landmarks.centerline_count && seed == G_MAXSIZE; m++)
    {
      gsize v = cusp_grid_lps_to_voxel (g, lm->landmarks.centerline_mm[m]);
      if (allowed[v])
        seed = v;
    }
  if (seed == G_MAXSIZE)
    {
      g_free (lumen);
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                           "The centerline does not run through the blood pool; click inside the aortic root");
      return NULL;
    }
  cusp_grid_keep_component (g, allowed, seed);
  if (!cusp_itk_signed_distance (allowed, g->dims, g->spacing_mm, grown_distance, error))
    {
      g_free (lumen);
      return NULL;
    }
  g_autofree guint8 *eroded = g_new (guint8, count);
  g_autofree float *eroded_distance = g_new (float, count);
  gsize eroded_count = 0;
  for (gsize v = 0; v < count; v++)
    eroded_count += eroded[v] = grown_distance[v] > open_mm;
  if (eroded_count == 0)
    {
      memcpy (lumen, allowed, count);
      return lumen;
    }
  if (!cusp_itk_signed_distance (eroded, g->dims, g->spacing_mm, eroded_distance, error))
    {
      g_free (lumen);
      return NULL;
    }
  /* dilate back by the same radius, plus half a voxel for the discrete boundary */
  const double half_voxel = 0.5 * MAX (g->spacing_mm[0], MAX (g->spacing_mm[1], g->spacing_mm[2]));
  for (gsize v = 0; v < count; v++)
    lumen[v] = allowed[v] && eroded_distance[v] > -(open_mm + half_voxel);
  return lumen;
}

/* Mean image value in the LVOT, 2-10 mm below the annulus within 60 % of its radius. */
double
cusp_segment_lvot_enhancement (const CuspGridImage *fine, const guint8 *lumen, const CuspLandmarkResult *lm)
{
  const gsize count = cusp_grid_voxel_count (&fine->grid);
  double sum = 0;
  gsize n = 0;
  for (gsize v = 0; v < count; v++)
    if (lumen[v])
      {
        double p[3];
        cusp_grid_voxel_to_lps (&fine->grid, v, p);
        double h = cusp_segment_height_above (lm, p);
        if (h >= -10 && h <= -2 && cusp_segment_distance_to_axis (lm, p) <= 0.6 * lm->annulus_radius_mm)
          {
            sum += fine->values[v];
            n++;
          }
      }
  return n > 0 ? sum / n : NAN;
}
