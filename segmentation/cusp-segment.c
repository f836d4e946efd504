/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-segment.c: aortic root lumen + calcium segmentation; the pipeline is in cusp-segment.h. */
#include "cusp-segment.h"
#include "cusp-error.h"
#include "cusp-itk-segment.h"
#include "cusp-landmark-detect.h"

#include <math.h>
#include <string.h>

#define COARSE_SPACING_MM 2.0
#define FINE_SPACING_MM 0.5
#define MIN_BLOOD_POOL_MM3 15000.0   /* an aortic root + LVOT alone holds > 15 mL */
#define CORE_EROSION_MM 3.0          /* cuts partial-volume bridges between touching vessels */

typedef struct {
  CuspGrid grid;
  float *values;
} GridImage;

static void
grid_image_clear (GridImage *g)
{
  g_clear_pointer (&g->values, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GridImage, grid_image_clear)

static inline gsize
grid_index (const CuspGrid *g, int i, int j, int k)
{
  return ((gsize) k * g->dims[1] + j) * g->dims[0] + i;
}

static gboolean
report (CuspProgressFunc progress, gpointer data, GCancellable *cancellable, double fraction,
        const char *message, GError **error)
{
  if (progress != NULL)
    progress (fraction, message, data);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

double
cusp_segment_calcium_threshold_for (double lvot_enhancement_hu)
{
  return lvot_enhancement_hu < 300 ? 450 : 850;
}

CuspSegmentOptions
cusp_segment_options_default (void)
{
  CuspSegmentOptions options = { 0 };
  return options;
}

static gboolean
is_identity (const double d[9])
{
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 3; c++)
      if (fabs (d[3 * r + c] - (r == c)) > 1e-6)
        return FALSE;
  return TRUE;
}

/* LPS bounding box of the image's voxel centres. */
static void
image_bounds (const CuspVolume *image, double lo[3], double hi[3])
{
  for (int a = 0; a < 3; a++)
    {
      lo[a] = G_MAXDOUBLE;
      hi[a] = -G_MAXDOUBLE;
    }
  for (int corner = 0; corner < 8; corner++)
    {
      double ijk[3], p[3];
      for (int a = 0; a < 3; a++)
        ijk[a] = (corner >> a) & 1 ? image->dims[a] - 1 : 0;
      cusp_volume_index_to_lps (image, ijk, p);
      for (int a = 0; a < 3; a++)
        {
          lo[a] = MIN (lo[a], p[a]);
          hi[a] = MAX (hi[a], p[a]);
        }
    }
}

/* Resamples [lo, hi] of the image onto an LPS-aligned grid. With an identity direction the grid
 * sits on voxel centres and each sample is the mean of a stride^3 block (noise averages out);
 * otherwise trilinear. Outside the image: `outside`. */
static gboolean
resample (const CuspVolume *image, const double lo[3], const double hi[3], double target_mm,
          gboolean block_average, double outside, GridImage *out, GError **error)
{
  int stride[3] = { 1, 1, 1 };
  int first[3] = { 0, 0, 0 };

  /* Voxels finer than 90 % of the target would cost more than they bring (a 0.4 mm CT has twice
   * the voxels of a 0.5 mm grid): those are resampled trilinearly onto the target grid. */
  gboolean aligned = is_identity (image->direction);
  for (int a = 0; a < 3; a++)
    if (image->spacing_mm[a] < 0.9 * target_mm && lround (target_mm / image->spacing_mm[a]) < 2)
      aligned = FALSE;
  for (int a = 0; a < 3; a++)
    {
      if (aligned)
        {
          stride[a] = MAX (1, (int) lround (target_mm / image->spacing_mm[a]));
          out->grid.spacing_mm[a] = image->spacing_mm[a] * stride[a];
          first[a] = MAX (0, (int) floor ((lo[a] - image->origin_mm[a]) / image->spacing_mm[a]));
          int last = MIN (image->dims[a] - 1, (int) ceil ((hi[a] - image->origin_mm[a]) / image->spacing_mm[a]));
          out->grid.dims[a] = MAX (1, (last - first[a]) / stride[a] + 1);
          out->grid.origin_mm[a] = image->origin_mm[a] + first[a] * image->spacing_mm[a]
                                   + (stride[a] - 1) * image->spacing_mm[a] / 2 * block_average;
        }
      else
        {
          double h = MAX (target_mm, MIN (image->spacing_mm[0], MIN (image->spacing_mm[1], image->spacing_mm[2])));
          (void) block_average;
          out->grid.spacing_mm[a] = h;
          out->grid.dims[a] = MAX (1, (int) floor ((hi[a] - lo[a]) / h) + 1);
          out->grid.origin_mm[a] = lo[a];
        }
    }
  gsize count = cusp_grid_voxel_count (&out->grid);
  out->values = g_try_new (float, count);
  if (out->values == NULL)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_OUT_OF_MEMORY,
                   "Not enough memory to segment (%" G_GSIZE_FORMAT " working voxels)", count);
      return FALSE;
    }
  gsize o = 0;
  for (int k = 0; k < out->grid.dims[2]; k++)
    for (int j = 0; j < out->grid.dims[1]; j++)
      for (int i = 0; i < out->grid.dims[0]; i++, o++)
        {
          if (aligned)
            {
              int base[3] = { first[0] + i * stride[0], first[1] + j * stride[1], first[2] + k * stride[2] };
              if (!block_average)
                {
                  out->values[o] = (float) cusp_volume_get_value (image, MIN (base[0], image->dims[0] - 1),
                                                                   MIN (base[1], image->dims[1] - 1),
                                                                   MIN (base[2], image->dims[2] - 1));
                  continue;
                }
              double sum = 0;
              int n = 0;
              for (int c = 0; c < stride[2]; c++)
                for (int b = 0; b < stride[1]; b++)
                  {
                    int jj = base[1] + b, kk = base[2] + c;
                    if (jj >= image->dims[1] || kk >= image->dims[2])
                      continue;
                    gsize row = ((gsize) kk * image->dims[1] + jj) * image->dims[0];
                    int last = MIN (base[0] + stride[0], image->dims[0]);
                    if (image->voxel_type == CUSP_VOXEL_INT16)
                      for (int ii = base[0]; ii < last; ii++)
                        sum += ((const int16_t *) image->voxels)[row + ii];
                    else
                      for (int ii = base[0]; ii < last; ii++)
                        sum += ((const float *) image->voxels)[row + ii];
                    n += MAX (0, last - base[0]);
                  }
              out->values[o] = (float) (n > 0 ? sum / n : outside);
            }
          else
            {
              double ijk[3] = { i, j, k }, p[3];
              cusp_grid_index_to_lps (&out->grid, ijk, p);
              out->values[o] = (float) cusp_volume_sample_lps (image, p, outside);
            }
        }
  return TRUE;
}

/* ---- intensity model ---------------------------------------------------------------------- */

typedef struct {
  double lumen_mean, tissue_mean, threshold;
  gboolean intensity_based;
} IntensityModel;

static double
otsu (const float *values, gsize count, double lo, double hi)
{
  enum { BINS = 256 };
  double hist[BINS] = { 0 }, total = 0, sum = 0;
  for (gsize v = 0; v < count; v++)
    if (values[v] >= lo && values[v] <= hi)
      {
        int b = MIN (BINS - 1, (int) ((values[v] - lo) / (hi - lo) * BINS));
        hist[b]++;
        total++;
        sum += b;
      }
  double w0 = 0, sum0 = 0, best = -1;
  int best_b = BINS / 2;
  for (int b = 0; b < BINS - 1; b++)
    {
      w0 += hist[b];
      sum0 += b * hist[b];
      double w1 = total - w0;
      if (w0 == 0 || w1 == 0)
        continue;
      double m0 = sum0 / w0, m1 = (sum - sum0) / w1;
      double between = w0 * w1 * (m0 - m1) * (m0 - m1);
      if (between > best)
        {
          best = between;
          best_b = b;
        }
    }
  return lo + (best_b + 1) * (hi - lo) / BINS;
}

static double
mean_in (const float *values, gsize count, double lo, double hi, gsize *n_out)
{
  double sum = 0;
  gsize n = 0;
  for (gsize v = 0; v < count; v++)
    if (values[v] >= lo && values[v] < hi)
      {
        sum += values[v];
        n++;
      }
  if (n_out != NULL)
    *n_out = n;
  return n > 0 ? sum / n : 0;
}

/* HU: the contrast blood pool is the dominant histogram mode in 120..900 HU. */
static gboolean
hu_model (const GridImage *g, IntensityModel *model, GError **error)
{
  enum { LO = -1000, BIN = 10, BINS = 300 };
  double hist[BINS] = { 0 }, smooth[BINS] = { 0 };
  const gsize count = cusp_grid_voxel_count (&g->grid);
  const double voxel_mm3 = g->grid.spacing_mm[0] * g->grid.spacing_mm[1] * g->grid.spacing_mm[2];

  for (gsize v = 0; v < count; v++)
    {
      int b = (int) floor ((g->values[v] - LO) / BIN);
      if (b >= 0 && b < BINS)
        hist[b]++;
    }
  for (int b = 0; b < BINS; b++)
    for (int w = MAX (0, b - 3); w <= MIN (BINS - 1, b + 3); w++)
      smooth[b] += hist[w] / 7;
  /* the highest local maximum (over +-50 HU) in 120..900 HU: the soft-tissue mode's tail can be
   * taller than the blood mode at 120 HU, but it is not a peak there */
  int peak = -1;
  for (int b = (120 - LO) / BIN; b <= (900 - LO) / BIN; b++)
    {
      gboolean local_max = smooth[b] > 0;
      for (int w = MAX (0, b - 5); w <= MIN (BINS - 1, b + 5) && local_max; w++)
        local_max = smooth[w] <= smooth[b];
      if (local_max && (peak < 0 || smooth[b] > smooth[peak]))
        peak = b;
    }
  if (peak < 0)
    peak = (120 - LO) / BIN;
  const double peak_hu = LO + (peak + 0.5) * BIN;
  const int below = peak - 100 / BIN;
  gsize n_pool = 0;
  const double pool = mean_in (g->values, count, peak_hu - 100, peak_hu + 150, &n_pool);
  if (peak <= (120 - LO) / BIN + 1 || smooth[peak] < 1.3 * smooth[below] || n_pool * voxel_mm3 < MIN_BLOOD_POOL_MM3)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                   "No contrast-enhanced blood pool was found (no bright mode between 120 and 900 HU "
                   "holding at least %.0f mL): segmentation needs a contrast CT",
                   MIN_BLOOD_POOL_MM3 / 1000);
      return FALSE;
    }
  /* soft tissue next to the lumen (myocardium, vessel wall): the mode in -50 .. pool - 120 HU */
  int tissue = -1;
  for (int b = (-50 - LO) / BIN; b <= MIN (BINS - 1, (int) ((pool - 120 - LO) / BIN)); b++)
    if (tissue < 0 || smooth[b] > smooth[tissue])
      tissue = b;
  model->lumen_mean = pool;
  model->tissue_mean = tissue >= 0 ? LO + (tissue + 0.5) * BIN : 50;
  model->threshold = (model->lumen_mean + model->tissue_mean) / 2;
  model->intensity_based = FALSE;
  return TRUE;
}

/* Non-HU: background | tissue | bright blood from two nested Otsu splits. */
static gboolean
intensity_model (const GridImage *g, IntensityModel *model, GError **error)
{
  const gsize count = cusp_grid_voxel_count (&g->grid);
  const double voxel_mm3 = g->grid.spacing_mm[0] * g->grid.spacing_mm[1] * g->grid.spacing_mm[2];
  float lo = G_MAXFLOAT, hi = -G_MAXFLOAT;
  for (gsize v = 0; v < count; v++)
    {
      lo = MIN (lo, g->values[v]);
      hi = MAX (hi, g->values[v]);
    }
  if (!(hi > lo))
    {
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                           "The image has the same value everywhere: there is nothing to segment");
      return FALSE;
    }
  double t1 = otsu (g->values, count, lo, hi);
  double t2 = otsu (g->values, count, t1, hi);
  gsize n_bright = 0, n_tissue = 0;
  model->lumen_mean = mean_in (g->values, count, t2, hi + 1, &n_bright);
  model->tissue_mean = mean_in (g->values, count, t1, t2, &n_tissue);
  model->threshold = (model->lumen_mean + model->tissue_mean) / 2;
  model->intensity_based = TRUE;
  if (n_bright * voxel_mm3 < MIN_BLOOD_POOL_MM3 || n_tissue == 0)
    {
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                           "No bright blood pool stands out in this image's intensities: "
                           "click inside the aortic root");
      return FALSE;
    }
  return TRUE;
}

/* Threshold for connectivity only (see coarse_centerline). */
static double
connect_threshold (const IntensityModel *model)
{
  return model->tissue_mean + 0.3 * (model->lumen_mean - model->tissue_mean);
}

/* ---- aorta search on the coarse grid ------------------------------------------------------ */

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
      if (!mask[grid_index (g, s % nx, s / nx, k)] || labels[s] != 0)
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
          blob.radius_mm = MAX (blob.radius_mm, distance[grid_index (g, i, j, k)]);
          for (int dj = -1; dj <= 1; dj++)
            for (int di = -1; di <= 1; di++)
              {
                int i2 = i + di, j2 = j + dj;
                if (i2 < 0 || j2 < 0 || i2 >= nx || j2 >= ny)
                  continue;
                int c2 = j2 * nx + i2;
                if (labels[c2] == 0 && mask[grid_index (g, i2, j2, k)])
                  {
                    labels[c2] = (int) blobs->len + 1;
                    stack[top++] = c2;
                  }
              }
        }
      blob.center[0] /= n;
      blob.center[1] /= n;
      blob.area_mm2 = n * pixel_mm2;
      /* the mask is the pool eroded by CORE_EROSION_MM: compare with the eroded disc */
      double core = blob.radius_mm - CORE_EROSION_MM;
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
              gsize n = grid_index (g, i2, j2, k2);
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

static gsize
lps_to_voxel (const CuspGrid *g, const double p[3])
{
  double x[3];
  int idx[3];
  cusp_grid_lps_to_index (g, p, x);
  for (int a = 0; a < 3; a++)
    idx[a] = CLAMP ((int) lround (x[a]), 0, g->dims[a] - 1);
  return grid_index (g, idx[0], idx[1], idx[2]);
}

static void
voxel_to_lps (const CuspGrid *g, gsize v, double p[3])
{
  double ijk[3] = { (double) (v % g->dims[0]), (double) ((v / g->dims[0]) % g->dims[1]),
                    (double) (v / ((gsize) g->dims[0] * g->dims[1])) };
  cusp_grid_index_to_lps (g, ijk, p);
}

/* Keeps only the 26-connected component of `mask` holding `seed`; FALSE if the seed is outside. */
static gboolean
keep_component (const CuspGrid *g, guint8 *mask, gsize seed)
{
  const gsize count = cusp_grid_voxel_count (g);
  if (!mask[seed])
    return FALSE;
  g_autofree int32_t *stack = g_new (int32_t, count);
  gsize top = 0;
  for (gsize v = 0; v < count; v++)
    mask[v] = mask[v] ? 1 : 0;
  mask[seed] = 2;
  stack[top++] = (int32_t) seed;
  while (top > 0)
    {
      gsize v = (gsize) stack[--top];
      int i = v % g->dims[0], j = (v / g->dims[0]) % g->dims[1], k = v / ((gsize) g->dims[0] * g->dims[1]);
      for (int dk = -1; dk <= 1; dk++)
        for (int dj = -1; dj <= 1; dj++)
          for (int di = -1; di <= 1; di++)
            {
              int i2 = i + di, j2 = j + dj, k2 = k + dk;
              if (i2 < 0 || j2 < 0 || k2 < 0 || i2 >= g->dims[0] || j2 >= g->dims[1] || k2 >= g->dims[2])
                continue;
              gsize n = grid_index (g, i2, j2, k2);
              if (mask[n] == 1)
                {
                  mask[n] = 2;
                  stack[top++] = (int32_t) n;
                }
            }
    }
  for (gsize v = 0; v < count; v++)
    mask[v] = mask[v] == 2;
  return TRUE;
}

/* ---- the coarse stage: from the whole image to a centerline -------------------------------- */

typedef struct {
  GArray *path;        /* Vec of double[3], LV -> ascending aorta */
  double aorta_radius_mm;
} CoarseResult;

static gboolean
coarse_centerline (const GridImage *coarse, const IntensityModel *model, const CuspSegmentOptions *options,
                   CoarseResult *result, GPtrArray *warnings, GError **error)
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
      gsize s = lps_to_voxel (g, options->seed_mm);
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
            voxel_to_lps (g, v, p);
            double d2 = 0;
            for (int a = 0; a < 3; a++)
              d2 += (p[a] - options->seed_mm[a]) * (p[a] - options->seed_mm[a]);
            if (d2 < 100 && distance[v] > r_ref)
              {
                r_ref = distance[v];
                voxel_to_lps (g, v, seed_mm);
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
        core[v] = distance[v] >= CORE_EROSION_MM;
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
    mask[v] = coarse->values[v] >= connect_threshold (model);
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
  gsize seed_voxel = lps_to_voxel (g, seed_mm);
  gsize top_voxel = lps_to_voxel (g, top_mm);
  if (!keep_component (g, thick, seed_voxel))
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
      voxel_to_lps (g, v, p);
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
      voxel_to_lps (g, (gsize) v, p);
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

/* ---- the fine stage: lumen, landmarks, calcium --------------------------------------------- */

static double
height_above (const CuspLandmarkResult *lm, const double p[3])
{
  double h = 0;
  for (int a = 0; a < 3; a++)
    h += (p[a] - lm->annulus_center_mm[a]) * lm->annulus_normal[a];
  return h;
}

static double
distance_to_axis (const CuspLandmarkResult *lm, const double p[3])
{
  double d[3], h = height_above (lm, p), s = 0;
  for (int a = 0; a < 3; a++)
    {
      d[a] = p[a] - lm->annulus_center_mm[a] - h * lm->annulus_normal[a];
      s += d[a] * d[a];
    }
  return sqrt (s);
}

typedef struct {
  double h_bottom, h_top;          /* lumen kept between these heights above the annulus */
} Clip;

#define VISIBILITY_STEP_MM 0.5
#define VISIBILITY_GAP_MM 1.5

/* Inside the clip heights and within 1.25 x the local median section radius + 2 mm of the
 * nearest centerline point: sinus lobes reach ~1.2 x the median, while a neighbour touching the
 * root (pulmonary trunk, atria) lies farther out. */
static gboolean
inside_clip (const CuspLandmarkResult *lm, const Clip *clip, const double p[3], int *nearest)
{
  double h = height_above (lm, p);
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
      if (blood[lps_to_voxel (g, q)])
        run = 0;
      else if ((run += length / steps) > VISIBILITY_GAP_MM)
        return FALSE;
    }
  return TRUE;
}

/* Lumen on the fine grid: the blood pool grown from the centerline inside the clip, then opened
 * with a ball of `open_mm` (two distance maps) to drop coronary stubs. `grown_distance` receives
 * the signed distance to the grown region (used for calcium proximity). */
static guint8 *
fine_lumen (const CuspGrid *g, const guint8 *blood, const CuspLandmarkResult *lm, const Clip *clip,
            double open_mm, float *grown_distance, GError **error)
{
  const gsize count = cusp_grid_voxel_count (g);
  g_autofree guint8 *allowed = g_new0 (guint8, count);
  guint8 *lumen = g_new0 (guint8, count);

  for (gsize v = 0; v < count; v++)
    if (blood[v])
      {
        double p[3];
        int m;
        voxel_to_lps (g, v, p);
        if (!inside_clip (lm, clip, p, &m))
          continue;
        /* Seen from the nearest path point; at or below the annulus, or where that point is,
         * from the annulus axis at the voxel's height instead: the path from the LV can enter
         * the LVOT from the side (through a chamber that only touches it) and would see that
         * chamber. */
        const double *c = lm->landmarks.centerline_mm[m];
        double axis_point[3];
        double h = height_above (lm, p);
        if (h < 0 || height_above (lm, c) < 0)
          {
            for (int a = 0; a < 3; a++)
              axis_point[a] = lm->annulus_center_mm[a] + h * lm->annulus_normal[a];
            c = axis_point;
          }
        allowed[v] = visible_from_axis (g, blood, c, p);
      }
  gsize seed = G_MAXSIZE;
  for (int m = 0; m < lm->landmarks.centerline_count && seed == G_MAXSIZE; m++)
    {
      gsize v = lps_to_voxel (g, lm->landmarks.centerline_mm[m]);
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
  keep_component (g, allowed, seed);
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
static double
lvot_enhancement (const GridImage *fine, const guint8 *lumen, const CuspLandmarkResult *lm)
{
  const gsize count = cusp_grid_voxel_count (&fine->grid);
  double sum = 0;
  gsize n = 0;
  for (gsize v = 0; v < count; v++)
    if (lumen[v])
      {
        double p[3];
        voxel_to_lps (&fine->grid, v, p);
        double h = height_above (lm, p);
        if (h >= -10 && h <= -2 && distance_to_axis (lm, p) <= 0.6 * lm->annulus_radius_mm)
          {
            sum += fine->values[v];
            n++;
          }
      }
  return n > 0 ? sum / n : NAN;
}

static gboolean
validate_image (const CuspVolume *image, GError **error)
{
  int thin = 0;
  for (int a = 0; a < 3; a++)
    thin += image->dims[a] < 8;
  if (thin > 0)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The image is %d × %d × %d voxels: segmentation needs a 3D volume with at least "
                   "8 voxels along every axis", image->dims[0], image->dims[1], image->dims[2]);
      return FALSE;
    }
  for (int a = 0; a < 3; a++)
    if (!(image->spacing_mm[a] > 0 && image->spacing_mm[a] < 50))
      {
        g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                     "The voxel spacing %g mm is not usable for segmentation", image->spacing_mm[a]);
        return FALSE;
      }
  double lo, hi;
  cusp_volume_get_range (image, &lo, &hi);
  if (!(hi > lo))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "Every voxel of the image has the value %g: there is nothing to segment", lo);
      return FALSE;
    }
  double extent[3];
  for (int a = 0; a < 3; a++)
    extent[a] = image->dims[a] * image->spacing_mm[a];
  if (extent[0] < 40 || extent[1] < 40 || extent[2] < 40)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The image covers only %.0f × %.0f × %.0f mm: too small to hold an aortic root",
                   extent[0], extent[1], extent[2]);
      return FALSE;
    }
  return TRUE;
}

CuspSegmentation *
cusp_segment_root (const CuspVolume *image, const CuspSegmentOptions *options_in, GCancellable *cancellable,
                   CuspProgressFunc progress, gpointer progress_data, GError **error)
{
  CuspSegmentOptions options = options_in != NULL ? *options_in : cusp_segment_options_default ();
  g_auto(GridImage) coarse = { 0 };
  g_auto(GridImage) fine = { 0 };
  CoarseResult path = { 0 };
  IntensityModel model = { 0 };
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  double lo[3], hi[3];

  g_return_val_if_fail (image != NULL, NULL);

  if (!validate_image (image, error))
    return NULL;
  if (options.has_calcium_threshold && !(options.calcium_threshold_hu > 0 && options.calcium_threshold_hu < 4000))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "A calcium threshold of %g HU is outside the usable range (0-4000 HU)",
                   options.calcium_threshold_hu);
      return NULL;
    }
  if (!report (progress, progress_data, cancellable, 0.02, "Resampling", error))
    return NULL;

  /* 1. Coarse grid over the whole image; intensity model. */
  image_bounds (image, lo, hi);
  double vmin, vmax;
  cusp_volume_get_range (image, &vmin, &vmax);
  if (!resample (image, lo, hi, COARSE_SPACING_MM, TRUE, vmin, &coarse, error))
    return NULL;
  if (!cusp_itk_gaussian_smooth (coarse.values, coarse.grid.dims, coarse.grid.spacing_mm,
                                 COARSE_SPACING_MM / 2, error))
    return NULL;
  if (!report (progress, progress_data, cancellable, 0.15, "Measuring the contrast", error))
    return NULL;

  const gboolean hu = image->hounsfield;
  if (hu)
    {
      if (!hu_model (&coarse, &model, error))
        return NULL;
    }
  else
    {
      GError *local = NULL;
      if (!intensity_model (&coarse, &model, &local))
        {
          if (!options.has_seed)
            {
              g_propagate_error (error, local);
              return NULL;
            }
          g_clear_error (&local);
        }
      g_ptr_array_add (warnings, g_strdup ("The image is not in Hounsfield units: the lumen was "
                                           "segmented from its intensity distribution and calcium "
                                           "was not labelled"));
    }
  if (options.has_seed)
    {
      /* the click tells the blood-pool intensity directly */
      double at_seed = cusp_volume_sample_lps (image, options.seed_mm, NAN);
      if (isnan (at_seed))
        {
          g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                               "The clicked point lies outside the image");
          return NULL;
        }
      double near_seed = 0;
      int n = 0;
      for (int dz = -1; dz <= 1; dz++)
        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++)
            {
              double p[3] = { options.seed_mm[0] + dx * 1.5, options.seed_mm[1] + dy * 1.5,
                              options.seed_mm[2] + dz * 1.5 };
              double v = cusp_volume_sample_lps (image, p, NAN);
              if (!isnan (v))
                {
                  near_seed += v;
                  n++;
                }
            }
      near_seed /= n;
      if (!hu)
        {
          /* Non-HU (MR): the click tells the blood intensity better than any histogram (fat and
           * coil-near skin are as bright as blood). Tissue: the histogram's middle class when it
           * is clearly darker than the click, else a quarter of the way up from the darkest value. */
          if (!(model.tissue_mean > vmin && model.tissue_mean < 0.7 * near_seed))
            model.tissue_mean = vmin + 0.25 * (near_seed - vmin);
          model.lumen_mean = near_seed;
          model.threshold = (model.lumen_mean + model.tissue_mean) / 2;
        }
      else if (near_seed < model.threshold)
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                       "The clicked point (%.0f) is darker than the blood pool (%.0f): click inside "
                       "the aortic root or the ascending aorta", near_seed, model.lumen_mean);
          return NULL;
        }
    }
  if (!report (progress, progress_data, cancellable, 0.25, "Finding the aorta", error))
    return NULL;

  /* 2-3. Aorta and centerline on the coarse grid; a first landmark pass to place the root. */
  if (!coarse_centerline (&coarse, &model, &options, &path, warnings, error))
    return NULL;
  CuspLandmarkResult coarse_lm;
  {
    const gsize count = cusp_grid_voxel_count (&coarse.grid);
    g_autofree guint8 *blood = g_new (guint8, count);
    for (gsize v = 0; v < count; v++)
      blood[v] = coarse.values[v] >= model.threshold;
    CuspLandmarkInput input = { coarse.grid, coarse.values, blood, model.threshold,
                                (const double *) path.path->data, (int) path.path->len, FALSE, FALSE, { { 0 } } };
    g_autoptr(GPtrArray) ignored = g_ptr_array_new_with_free_func (g_free);
    gboolean ok = cusp_landmarks_detect (&input, &coarse_lm, ignored, error);
    if (!ok)
      {
        g_array_unref (path.path);
        return NULL;
      }
  }
  if (!report (progress, progress_data, cancellable, 0.4, "Segmenting the aortic root", error))
    {
      g_array_unref (path.path);
      return NULL;
    }

  /* 4. Fine grid around the root: 25 mm below the annulus to 50 mm above the STJ. */
  double roi_lo[3] = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE }, roi_hi[3] = { -G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  /* sinus lobes reach ~1.3 x the aortic radius; coronary stubs are looked for 8 mm beyond */
  const double margin = 1.3 * path.aorta_radius_mm + 10;
  g_autoptr(GArray) fine_path = g_array_new (FALSE, FALSE, sizeof (double) * 3);
  for (guint m = 0; m < path.path->len; m++)
    {
      const double *p = &g_array_index (path.path, double, 3 * m);
      double h = height_above (&coarse_lm, p);
      if (h < -25 || h > coarse_lm.stj_height_mm + 50)
        continue;
      g_array_append_vals (fine_path, p, 1);
      for (int a = 0; a < 3; a++)
        {
          roi_lo[a] = MIN (roi_lo[a], p[a] - margin);
          roi_hi[a] = MAX (roi_hi[a], p[a] + margin);
        }
    }
  g_array_unref (path.path);
  for (int a = 0; a < 3; a++)
    {
      roi_lo[a] = MAX (roi_lo[a], lo[a]);
      roi_hi[a] = MIN (roi_hi[a], hi[a]);
    }
  if (fine_path->len < 10)
    {
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                           "The aortic root found is too short; click inside the aortic root");
      return NULL;
    }
  if (!resample (image, roi_lo, roi_hi, FINE_SPACING_MM, TRUE, vmin, &fine, error))
    return NULL;
  const double fine_min_spacing = MIN (fine.grid.spacing_mm[0], MIN (fine.grid.spacing_mm[1], fine.grid.spacing_mm[2]));
  if (!cusp_itk_gaussian_smooth (fine.values, fine.grid.dims, fine.grid.spacing_mm, 0.6 * fine_min_spacing, error))
    return NULL;
  const gsize fine_count = cusp_grid_voxel_count (&fine.grid);
  g_autofree guint8 *blood = g_new (guint8, fine_count);
  for (gsize v = 0; v < fine_count; v++)
    blood[v] = fine.values[v] >= model.threshold;
  /* keep the blood-pool component that the centerline runs through (its middle point) */
  {
    const double *mid = &g_array_index (fine_path, double, 3 * (fine_path->len / 2));
    if (!keep_component (&fine.grid, blood, lps_to_voxel (&fine.grid, mid)))
      {
        g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                             "The aortic root lumen was lost at full resolution; click inside the aortic root");
        return NULL;
      }
  }
  if (!report (progress, progress_data, cancellable, 0.6, "Placing landmarks", error))
    return NULL;

  /* 5. Landmarks at full resolution. */
  CuspLandmarkResult lm;
  CuspLandmarkInput input = { fine.grid, fine.values, blood, model.threshold,
                              (const double *) fine_path->data, (int) fine_path->len, TRUE, TRUE, { { 0 } } };
  memcpy (input.level_hint_mm, coarse_lm.level_mm, sizeof input.level_hint_mm);
  if (!cusp_landmarks_detect (&input, &lm, warnings, error))
    return NULL;
  if (!report (progress, progress_data, cancellable, 0.75, "Cutting the lumen", error))
    return NULL;

  Clip clip = { -15, MIN (lm.stj_height_mm + 45, 200) };
  g_autofree float *grown_distance = g_new (float, fine_count);
  const double open_mm = CLAMP (0.3 * lm.annulus_radius_mm, 1.5, 3.0);
  g_autofree guint8 *lumen = fine_lumen (&fine.grid, blood, &lm, &clip, open_mm, grown_distance, error);
  if (lumen == NULL)
    return NULL;

  double calcium_threshold = 0;
  double lvot_mean = lvot_enhancement (&fine, lumen, &lm);
  if (hu)
    {
      calcium_threshold = options.has_calcium_threshold
                            ? options.calcium_threshold_hu
                            : cusp_segment_calcium_threshold_for (isnan (lvot_mean) ? model.lumen_mean : lvot_mean);
      if (!options.has_calcium_threshold && calcium_threshold < model.lumen_mean + 100)
        g_ptr_array_add (warnings, g_strdup_printf ("The calcium threshold %.0f HU is close to the lumen "
                                                    "enhancement (%.0f HU): check the calcium labels",
                                                    calcium_threshold, model.lumen_mean));
    }
  if (!report (progress, progress_data, cancellable, 0.85, "Labelling calcium", error))
    return NULL;

  /* Calcium candidates on the fine grid: bright components near the lumen no larger than 3 mL.
   * Larger ones are dense contrast (an undiluted SVC, > 1000 HU on arterial CT) or bone. */
  g_autofree guint8 *fine_calcium = g_new0 (guint8, fine_count);
  if (hu)
    {
      g_autofree int32_t *components = g_new (int32_t, fine_count);
      for (gsize v = 0; v < fine_count; v++)
        fine_calcium[v] = fine.values[v] >= calcium_threshold - 100 && grown_distance[v] >= -5.0;
      int n = cusp_itk_label_components (fine_calcium, fine.grid.dims, components, error);
      if (n < 0)
        return NULL;
      g_autofree gsize *sizes = g_new0 (gsize, n + 1);
      for (gsize v = 0; v < fine_count; v++)
        sizes[components[v]]++;
      const double voxel_mm3 = fine.grid.spacing_mm[0] * fine.grid.spacing_mm[1] * fine.grid.spacing_mm[2];
      int dropped = 0;
      for (int c = 1; c <= n; c++)
        dropped += sizes[c] * voxel_mm3 > 3000;
      for (gsize v = 0; v < fine_count; v++)
        fine_calcium[v] = components[v] > 0 && sizes[components[v]] * voxel_mm3 <= 3000;
      if (dropped > 0)
        g_ptr_array_add (warnings, g_strdup_printf ("%d large bright structure(s) next to the root "
                                                    "(dense contrast or bone) were not counted as calcium",
                                                    dropped));
    }

  /* 6. Labels on the image's own grid: lumen from the fine mask; calcium at native resolution
   * where the image itself passes the threshold inside an accepted candidate. */
  CuspVolume *labels = cusp_volume_new (CUSP_VOXEL_INT16, image->dims, error);
  if (labels == NULL)
    return NULL;
  cusp_volume_copy_geometry (labels, image);
  labels->hounsfield = FALSE;
  int16_t *out = labels->voxels;
  int ilo[3], ihi[3];
  {
    double blo[3] = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE }, bhi[3] = { -G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
    for (int corner = 0; corner < 8; corner++)
      {
        double p[3], x[3];
        for (int a = 0; a < 3; a++)
          p[a] = (corner >> a) & 1 ? roi_hi[a] : roi_lo[a];
        cusp_volume_lps_to_index (image, p, x);
        for (int a = 0; a < 3; a++)
          {
            blo[a] = MIN (blo[a], x[a]);
            bhi[a] = MAX (bhi[a], x[a]);
          }
      }
    for (int a = 0; a < 3; a++)
      {
        ilo[a] = CLAMP ((int) floor (blo[a]), 0, image->dims[a] - 1);
        ihi[a] = CLAMP ((int) ceil (bhi[a]), 0, image->dims[a] - 1);
      }
  }
  for (int k = ilo[2]; k <= ihi[2]; k++)
    for (int j = ilo[1]; j <= ihi[1]; j++)
      for (int i = ilo[0]; i <= ihi[0]; i++)
        {
          double ijk[3] = { i, j, k }, p[3], x[3];
          cusp_volume_index_to_lps (image, ijk, p);
          cusp_grid_lps_to_index (&fine.grid, p, x);
          int f[3];
          gboolean inside = TRUE;
          for (int a = 0; a < 3; a++)
            {
              f[a] = (int) floor (x[a] + 0.5);
              inside = inside && f[a] >= 0 && f[a] < fine.grid.dims[a];
            }
          if (!inside)
            continue;
          gsize fv = grid_index (&fine.grid, f[0], f[1], f[2]);
          gsize iv = ((gsize) k * image->dims[1] + j) * image->dims[0] + i;
          CuspLabel label = lumen[fv] ? CUSP_LABEL_LUMEN : CUSP_LABEL_BACKGROUND;
          if (hu && grown_distance[fv] >= -4.0 && fine_calcium[fv]
              && cusp_volume_get_value (image, i, j, k) >= calcium_threshold)
            {
              double h = height_above (&lm, p);
              if (h >= clip.h_bottom && h <= clip.h_top)
                label = h < -1.0 ? CUSP_LABEL_CALCIUM_LVOT
                        : h <= lm.stj_height_mm ? CUSP_LABEL_CALCIUM_LEAFLET : CUSP_LABEL_CALCIUM_WALL;
            }
          out[iv] = (int16_t) label;
        }

  CuspSegmentation *seg = g_new0 (CuspSegmentation, 1);
  seg->labels = labels;
  seg->lumen_threshold = model.threshold;
  seg->calcium_threshold = calcium_threshold;
  seg->lumen_mean = isnan (lvot_mean) ? model.lumen_mean : lvot_mean;
  seg->tissue_mean = model.tissue_mean;
  seg->intensity_based = model.intensity_based || !hu;
  seg->used_seed = options.has_seed;
  seg->landmarks = lm.landmarks;
  memcpy (seg->annulus_normal, lm.annulus_normal, sizeof seg->annulus_normal);
  seg->stj_radius_mm = lm.stj_radius_mm;
  seg->warnings = g_steal_pointer (&warnings);
  report (progress, progress_data, NULL, 1.0, "Done", NULL);
  return seg;
}

double
cusp_segmentation_label_volume_mm3 (const CuspSegmentation *segmentation, CuspLabel label)
{
  const CuspVolume *labels = segmentation->labels;
  const int16_t *v = labels->voxels;
  gsize n = 0, count = cusp_volume_voxel_count (labels);
  for (gsize i = 0; i < count; i++)
    n += v[i] == (int16_t) label;
  return n * labels->spacing_mm[0] * labels->spacing_mm[1] * labels->spacing_mm[2];
}

void
cusp_segmentation_free (CuspSegmentation *segmentation)
{
  if (segmentation == NULL)
    return;
  g_clear_pointer (&segmentation->labels, cusp_volume_unref);
  g_clear_pointer (&segmentation->warnings, g_ptr_array_unref);
  g_free (segmentation);
}
