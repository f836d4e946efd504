/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-segment-aorta.c: the coarse stage: the ascending aorta found as a round bright tube (or at
 * the seed), the left ventricle below it, and the minimal path from the LV up the aorta. */
#include "cusp-segment-private.h"
#include "cusp-error.h"
#include "cusp-itk-segment.h"

#include <math.h>
#include <string.h>

typedef struct {
  int k_top, k_bottom;
  double top_mm[3], bottom_mm[3], middle_mm[3];
  double radius_mm, area_mm2;
  double radius_sum, area_sum;
  int slices;
  gboolean opens;
  gboolean reaches_bottom;
} Tube;

typedef struct {
  double center[2];   /* i, j */
  double area_mm2, radius_mm;
  gboolean round;
} SliceBlob;

/* 2D components of one axial slice of the mask (8-connected). */
static GArray *
slice_blobs (const CuspGrid *g, const guint8 *mask, const float *distance, int k, int *labels)
{
  GArray *blobs = g_array_new (FALSE, TRUE, sizeof (SliceBlob));
  const int nx = g->dims[0], ny = g->dims[1];
  g_autofree int *stack = g_new (int, (gsize) nx * ny);
  const double pixel_mm2 = g->spacing_mm[0] * g->spacing_mm[1];

  memset (labels, 0, sizeof (int) * nx * ny);
  for (int s = 0; s < nx * ny; s++)
    {
      if (!mask[cusp_grid_index (g, s % nx, s / nx, k)] || labels[s] != 0)
        continue;
      SliceBlob blob = { { 0, 0 }, 0, 0, FALSE };
      int top = 0, n = 0;
      stack[top++] = s;
      labels[s] = (int) blobs->len + 1;
      while (top > 0)
        {
          int c = stack[--top], i = c % nx, j = c / nx;
          blob.center[0] += i;
          blob.center[1] += j;
          n++;
          blob.radius_mm = MAX (blob.radius_mm, distance[cusp_grid_index (g, i, j, k)]);
          for (int dj = -1; dj <= 1; dj++)
            for (int di = -1; di <= 1; di++)
              {
                int i2 = i + di, j2 = j + dj;
                if (i2 < 0 || j2 < 0 || i2 >= nx || j2 >= ny)
                  continue;
                int c2 = j2 * nx + i2;
                if (labels[c2] == 0 && mask[cusp_grid_index (g, i2, j2, k)])
                  {
                    labels[c2] = (int) blobs->len + 1;
                    stack[top++] = c2;
                  }
              }
        }
      blob.center[0] /= n;
      blob.center[1] /= n;
      blob.area_mm2 = n * pixel_mm2;
      /* the mask is the pool eroded by CUSP_SEGMENT_CORE_EROSION_MM: compare with the eroded disc */
      double core = blob.radius_mm - CUSP_SEGMENT_CORE_EROSION_MM;
      blob.round = blob.radius_mm >= 7 && blob.radius_mm <= 25 && core > 0
                   && blob.area_mm2 <= 1.8 * G_PI * core * core + 4 * pixel_mm2;
      g_array_append_val (blobs, blob);
    }
  return blobs;
}

/* Stacks round axial blobs into tubes from the top slice down; returns the tubes. */
static GArray *
find_tubes (const CuspGrid *g, const guint8 *mask, const float *distance)
{
  GArray *tubes = g_array_new (FALSE, TRUE, sizeof (Tube));
  const int nx = g->dims[0], ny = g->dims[1];
  g_autofree int *labels = g_new (int, (gsize) nx * ny);
  g_autoptr(GArray) open_tubes = g_array_new (FALSE, FALSE, sizeof (int));   /* indices into tubes */

  for (int k = g->dims[2] - 1; k >= 0; k--)
    {
      g_autoptr(GArray) blobs = slice_blobs (g, mask, distance, k, labels);
      g_autoptr(GArray) still_open = g_array_new (FALSE, FALSE, sizeof (int));
      g_autofree gboolean *used = g_new0 (gboolean, blobs->len + 1);

      for (guint t = 0; t < open_tubes->len; t++)
        {
          int ti = g_array_index (open_tubes, int, t);
          Tube *tube = &g_array_index (tubes, Tube, ti);
          double last[3];
          cusp_grid_lps_to_index (g, tube->bottom_mm, last);
          int li = CLAMP ((int) lround (last[0]), 0, nx - 1), lj = CLAMP ((int) lround (last[1]), 0, ny - 1);
          int label = labels[lj * nx + li];
          gboolean continued = FALSE;
          if (label > 0)
            {
              SliceBlob *b = &g_array_index (blobs, SliceBlob, label - 1);
              double mean_area = tube->area_sum / tube->slices;
              if (b->round && !used[label] && b->area_mm2 < 1.8 * mean_area)
                {
                  double ijk[3] = { b->center[0], b->center[1], k };
                  cusp_grid_index_to_lps (g, ijk, tube->bottom_mm);
                  tube->k_bottom = k;
                  tube->radius_sum += b->radius_mm;
                  tube->area_sum += b->area_mm2;
                  tube->slices++;
                  used[label] = TRUE;
                  continued = TRUE;
                  g_array_append_val (still_open, ti);
                }
              else if (b->area_mm2 > 2.2 * mean_area)
                tube->opens = TRUE;       /* it widens into a chamber: the root on the LV */
            }
          if (!continued && k == 0)
            tube->reaches_bottom = TRUE;
        }
      for (guint b = 0; b < blobs->len; b++)
        {
          SliceBlob *blob = &g_array_index (blobs, SliceBlob, b);
          if (!blob->round || used[b + 1])
            continue;
          Tube tube = { 0 };
          double ijk[3] = { blob->center[0], blob->center[1], k };
          cusp_grid_index_to_lps (g, ijk, tube.top_mm);
          memcpy (tube.bottom_mm, tube.top_mm, sizeof tube.top_mm);
          tube.k_top = tube.k_bottom = k;
          tube.radius_sum = blob->radius_mm;
          tube.area_sum = blob->area_mm2;
          tube.slices = 1;
          g_array_append_val (tubes, tube);
          int ti = (int) tubes->len - 1;
          g_array_append_val (still_open, ti);
        }
      g_array_set_size (open_tubes, 0);
      g_array_append_vals (open_tubes, still_open->data, still_open->len);
    }
  for (guint t = 0; t < open_tubes->len; t++)
    {
      Tube *tube = &g_array_index (tubes, Tube, g_array_index (open_tubes, int, t));
      if (tube->k_bottom == 0)
        tube->reaches_bottom = TRUE;
    }
  for (guint t = 0; t < tubes->len; t++)
    {
      Tube *tube = &g_array_index (tubes, Tube, t);
      tube->radius_mm = tube->radius_sum / tube->slices;
      tube->area_mm2 = tube->area_sum / tube->slices;
      for (int a = 0; a < 3; a++)
        tube->middle_mm[a] = (tube->top_mm[a] + tube->bottom_mm[a]) / 2;
    }
  return tubes;
}

/* ---- geodesics ---------------------------------------------------------------------------- */

typedef struct {
  float *cost;        /* accumulated cost, G_MAXFLOAT where unreached */
  int32_t *parent;
} Geodesic;

static void
geodesic_clear (Geodesic *geo)
{
  g_clear_pointer (&geo->cost, g_free);
  g_clear_pointer (&geo->parent, g_free);
}

typedef struct {
  float key;
  int32_t voxel;
} HeapItem;

static void
heap_push (GArray *heap, float key, int32_t voxel)
{
  HeapItem item = { key, voxel };
  g_array_append_val (heap, item);
  HeapItem *h = (HeapItem *) heap->data;
  guint i = heap->len - 1;
  while (i > 0 && h[(i - 1) / 2].key > h[i].key)
    {
      HeapItem t = h[i];
      h[i] = h[(i - 1) / 2];
      h[(i - 1) / 2] = t;
      i = (i - 1) / 2;
    }
}

static HeapItem
heap_pop (GArray *heap)
{
  HeapItem *h = (HeapItem *) heap->data;
  HeapItem top = h[0];
  h[0] = h[heap->len - 1];
  g_array_set_size (heap, heap->len - 1);
  guint i = 0, n = heap->len;
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i;
      if (l < n && h[l].key < h[m].key)
        m = l;
      if (r < n && h[r].key < h[m].key)
        m = r;
      if (m == i)
        break;
      HeapItem t = h[i];
      h[i] = h[m];
      h[m] = t;
      i = m;
    }
  return top;
}

/* Dijkstra over `region` (26-neighbours); step cost = length * (1 + (r_ref / distance)^2), so the
 * path keeps to the middle of wide vessels. */
static void
geodesic_from (const CuspGrid *g, const guint8 *region, const float *distance, double r_ref,
               gsize source, Geodesic *geo)
{
  const gsize count = cusp_grid_voxel_count (g);
  g_autoptr(GArray) heap = g_array_new (FALSE, FALSE, sizeof (HeapItem));

  geo->cost = g_new (float, count);
  geo->parent = g_new (int32_t, count);
  for (gsize v = 0; v < count; v++)
    {
      geo->cost[v] = G_MAXFLOAT;
      geo->parent[v] = -1;
    }
  geo->cost[source] = 0;
  heap_push (heap, 0, (int32_t) source);
  while (heap->len > 0)
    {
      HeapItem item = heap_pop (heap);
      if (item.key > geo->cost[item.voxel])
        continue;
      int i = item.voxel % g->dims[0], j = (item.voxel / g->dims[0]) % g->dims[1];
      int k = item.voxel / (g->dims[0] * g->dims[1]);
      for (int dk = -1; dk <= 1; dk++)
        for (int dj = -1; dj <= 1; dj++)
          for (int di = -1; di <= 1; di++)
            {
              int i2 = i + di, j2 = j + dj, k2 = k + dk;
              if ((di | dj | dk) == 0 || i2 < 0 || j2 < 0 || k2 < 0 || i2 >= g->dims[0]
                  || j2 >= g->dims[1] || k2 >= g->dims[2])
                continue;
              gsize n = cusp_grid_index (g, i2, j2, k2);
              if (!region[n])
                continue;
              double len = sqrt (di * di * g->spacing_mm[0] * g->spacing_mm[0]
                                 + dj * dj * g->spacing_mm[1] * g->spacing_mm[1]
                                 + dk * dk * g->spacing_mm[2] * g->spacing_mm[2]);
              double d = MAX (distance[n], 0.5);
              float cost = (float) (item.key + len * (1 + (r_ref / d) * (r_ref / d)));
              if (cost < geo->cost[n])
                {
                  geo->cost[n] = cost;
                  geo->parent[n] = item.voxel;
                  heap_push (heap, cost, (int32_t) n);
                }
            }
    }
}

gboolean
cusp_segment_coarse_centerline (const CuspGridImage *coarse, const CuspIntensityModel *model,
                                const CuspSegmentOptions *options, CuspCoarseResult *result,
                                GPtrArray *warnings, GError **error)
{
  const CuspGrid *g = &coarse->grid;
  const gsize count = cusp_grid_voxel_count (g);
  g_autofree guint8 *mask = g_new (guint8, count);
  g_autofree float *distance = g_new (float, count);
  double seed_mm[3], top_mm[3], r_ref, bottom_mm[3] = { 0, 0, 0 };

  for (gsize v = 0; v < count; v++)
    mask[v] = coarse->values[v] >= model->threshold;
  if (!cusp_itk_signed_distance (mask, g->dims, g->spacing_mm, distance, error))
    return FALSE;

  if (options->has_seed)
    {
      gsize s = cusp_grid_lps_to_voxel (g, options->seed_mm);
      double x[3];
      cusp_grid_lps_to_index (g, options->seed_mm, x);
      gboolean inside = TRUE;
      for (int a = 0; a < 3; a++)
        inside = inside && x[a] > -0.5 && x[a] < g->dims[a] - 0.5;
      if (!inside || !mask[s])
        {
          g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                               "The clicked point is not inside a bright blood pool: click inside "
                               "the aortic root or the ascending aorta");
          return FALSE;
        }
      /* the local vessel radius: the widest inscribed sphere within 10 mm of the click */
      r_ref = 0;
      for (gsize v = 0; v < count; v++)
        if (mask[v])
          {
            double p[3];
            cusp_grid_voxel_to_lps (g, v, p);
            double d2 = 0;
            for (int a = 0; a < 3; a++)
              d2 += (p[a] - options->seed_mm[a]) * (p[a] - options->seed_mm[a]);
            if (d2 < 100 && distance[v] > r_ref)
              {
                r_ref = distance[v];
                cusp_grid_voxel_to_lps (g, v, seed_mm);
              }
          }
      memcpy (top_mm, seed_mm, sizeof top_mm);
    }
  else
    {
      /* Axial blobs of the pool eroded by 3 mm: touching vessels (aorta, pulmonary trunk, SVC)
       * share partial-volume voxels at the threshold and would merge into one blob. */
      g_autofree guint8 *core = g_new (guint8, count);
      for (gsize v = 0; v < count; v++)
        core[v] = distance[v] >= CUSP_SEGMENT_CORE_EROSION_MM;
      g_autoptr(GArray) tubes = find_tubes (g, core, distance);
      const Tube *best = NULL;
      double best_score = -G_MAXDOUBLE;
      for (guint t = 0; t < tubes->len; t++)
        {
          const Tube *tube = &g_array_index (tubes, Tube, t);
          double length = (tube->k_top - tube->k_bottom) * g->spacing_mm[2];
          /* a tube leaving through the top of the image may show only a short stretch */
          double min_length = tube->k_top >= g->dims[2] - 2 ? 4 : 14;
          if (length < min_length || tube->reaches_bottom || tube->radius_mm < 7)
            continue;
          /* wide, long, and opening into a chamber; the LVOT can look like a short tube too */
          double score = tube->radius_mm + length / 10 + (tube->opens ? 3 : 0);
          if (score > best_score)
            {
              best_score = score;
              best = tube;
            }
        }
      if (best == NULL)
        {
          g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                               "No ascending aorta was found automatically (no round bright vessel "
                               "opening into a heart chamber): click inside the aortic root");
          return FALSE;
        }
      memcpy (seed_mm, best->middle_mm, sizeof seed_mm);
      memcpy (top_mm, best->top_mm, sizeof top_mm);
      memcpy (bottom_mm, best->bottom_mm, sizeof bottom_mm);
      r_ref = best->radius_mm;
    }

  /* The thick part of the pool connected to the aorta: partial-volume bridges to other chambers
   * and the coronaries are thinner than ~45 % of the aortic radius. */
  /* From here on the pool is taken at a lower threshold, 30 % of the way up from tissue to blood:
   * closed (diastolic) leaflets are thinner than a voxel and fall just below the lumen threshold,
   * which would cut the aorta off the LV; the thickness test below still rejects thin bridges. */
  for (gsize v = 0; v < count; v++)
    mask[v] = coarse->values[v] >= cusp_segment_connect_threshold (model);
  if (!cusp_itk_signed_distance (mask, g->dims, g->spacing_mm, distance, error))
    return FALSE;
  g_autofree guint8 *thick = g_new (guint8, count);
  for (gsize v = 0; v < count; v++)
    thick[v] = distance[v] >= 0.45 * r_ref;
  if (!options->has_seed)
    {
      /* Nothing above the tube's top slice: that is where the arch begins, and through the arch
       * the descending aorta would pass for a chamber. */
      double top_index[3];
      cusp_grid_lps_to_index (g, top_mm, top_index);
      for (gsize v = 0; v < count; v++)
        if ((double) (v / ((gsize) g->dims[0] * g->dims[1])) > top_index[2] + 0.5)
          thick[v] = 0;
    }
  gsize seed_voxel = cusp_grid_lps_to_voxel (g, seed_mm);
  gsize top_voxel = cusp_grid_lps_to_voxel (g, top_mm);
  if (!cusp_grid_keep_component (g, thick, seed_voxel))
    {
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                           "The aorta found is too thin to follow: click inside the aortic root");
      return FALSE;
    }
  if (!thick[top_voxel])
    top_voxel = seed_voxel;

  /* The LV: the widest inscribed sphere below the aorta's lower end, slightly penalised by its
   * geodesic cost from the aorta (the LA, reached only through the LV, scores lower than the LV;
   * the sinuses are narrower than the LV). Costs run ~2.5 per mm along the middle of a vessel. */
  Geodesic from_aorta = { 0 };
  geodesic_from (g, thick, distance, r_ref, seed_voxel, &from_aorta);
  const double below_z = (options->has_seed ? seed_mm[2] : bottom_mm[2]) - 25;
  const double *root_mm = options->has_seed ? seed_mm : bottom_mm;
  gsize lv = G_MAXSIZE;
  double lv_score = -G_MAXDOUBLE;
  for (gsize v = 0; v < count; v++)
    {
      if (!thick[v] || from_aorta.cost[v] >= G_MAXFLOAT)
        continue;
      double p[3];
      cusp_grid_voxel_to_lps (g, v, p);
      /* The LV lies below the root, to its left (LPS +x) and never far behind it; the left
       * atrium, which the root touches through a thin wall, sits posterior at about the root's
       * level, and the liver, bright on some MR, lies to the right. */
      if (p[2] > below_z || p[1] - root_mm[1] > 0.6 * (root_mm[2] - p[2]) || p[0] < root_mm[0] - 10)
        continue;
      double score = distance[v] - 0.02 * from_aorta.cost[v];
      if (score > lv_score)
        {
          lv_score = score;
          lv = v;
        }
    }
  if (lv != G_MAXSIZE && distance[lv] < 1.1 * r_ref)
    g_ptr_array_add (warnings, g_strdup ("No heart chamber wider than the aorta was found below it: "
                                         "the LVOT end of the centerline may be short"));
  if (lv == G_MAXSIZE)
    {
      geodesic_clear (&from_aorta);
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                           "The aorta found does not lead to the left ventricle: click inside the aortic root");
      return FALSE;
    }
  if (options->has_seed)
    {
      /* Continue up the vessel beyond the click: the point farthest from the LV among those within
       * a geodesic cost of 100 of the click (about 40 mm along the middle of the vessel, where
       * each mm costs 1 + (r / d)^2 ~ 2.5). */
      Geodesic from_lv0 = { 0 };
      geodesic_from (g, thick, distance, r_ref, lv, &from_lv0);
      for (gsize v = 0; v < count; v++)
        if (thick[v] && from_aorta.cost[v] < 100 && from_lv0.cost[v] < G_MAXFLOAT
            && from_lv0.cost[v] > from_lv0.cost[top_voxel])
          top_voxel = v;
      geodesic_clear (&from_lv0);
    }
  geodesic_clear (&from_aorta);

  Geodesic from_lv = { 0 };
  geodesic_from (g, thick, distance, r_ref, lv, &from_lv);
  g_autoptr(GArray) reversed = g_array_new (FALSE, FALSE, sizeof (double) * 3);
  for (int32_t v = (int32_t) top_voxel; v >= 0; v = from_lv.parent[v])
    {
      double p[3];
      cusp_grid_voxel_to_lps (g, (gsize) v, p);
      g_array_append_vals (reversed, p, 1);
      if ((gsize) v == lv)
        break;
    }
  geodesic_clear (&from_lv);
  if (reversed->len < 5)
    {
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                           "No path from the aorta into the left ventricle was found: click inside the aortic root");
      return FALSE;
    }
  /* LV -> aorta, smoothed over 5 points (the voxel path zig-zags) */
  result->path = g_array_new (FALSE, FALSE, sizeof (double) * 3);
  const double (*rp)[3] = (const double (*)[3]) reversed->data;
  const int n = (int) reversed->len;
  for (int m = n - 1; m >= 0; m--)
    {
      double p[3] = { 0, 0, 0 };
      int w = 0;
      for (int q = MAX (0, m - 2); q <= MIN (n - 1, m + 2); q++, w++)
        for (int a = 0; a < 3; a++)
          p[a] += rp[q][a];
      for (int a = 0; a < 3; a++)
        p[a] /= w;
      g_array_append_vals (result->path, p, 1);
    }
  result->aorta_radius_mm = r_ref;
  return TRUE;
}
