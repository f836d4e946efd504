/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-segment-contrast.c: the intensity model (blood pool, tissue, lumen threshold) from the
 * image's histogram, in HU or, for MR and other non-HU images, from its intensity distribution. */
#include "cusp-segment-private.h"
#include "cusp-error.h"

#include <math.h>

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
gboolean
cusp_segment_hu_model (const CuspGridImage *g, CuspIntensityModel *model, GError **error)
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
  if (peak <= (120 - LO) / BIN + 1 || smooth[peak] < 1.3 * smooth[below] || n_pool * voxel_mm3 < CUSP_SEGMENT_MIN_BLOOD_POOL_MM3)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                   "No contrast-enhanced blood pool was found (no bright mode between 120 and 900 HU "
                   "holding at least %.0f mL): segmentation needs a contrast CT",
                   CUSP_SEGMENT_MIN_BLOOD_POOL_MM3 / 1000);
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
gboolean
cusp_segment_intensity_model (const CuspGridImage *g, CuspIntensityModel *model, GError **error)
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
  if (n_bright * voxel_mm3 < CUSP_SEGMENT_MIN_BLOOD_POOL_MM3 || n_tissue == 0)
    {
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                           "No bright blood pool stands out in this image's intensities: "
                           "click inside the aortic root");
      return FALSE;
    }
  return TRUE;
}

/* Threshold for connectivity only (see coarse_centerline). */
double
cusp_segment_connect_threshold (const CuspIntensityModel *model)
{
  return model->tissue_mean + 0.3 * (model->lumen_mean - model->tissue_mean);
}

gboolean
cusp_segment_model_from_seed (const CuspVolume *image, gboolean hu, double image_min, const double seed_mm[3],
                              CuspIntensityModel *model, GError **error)
{
  /* the click tells the blood-pool intensity directly */
  double at_seed = cusp_volume_sample_lps (image, seed_mm, NAN);
  if (isnan (at_seed))
    {
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                           "The clicked point lies outside the image");
      return FALSE;
    }
  double near_seed = 0;
  int n = 0;
  for (int dz = -1; dz <= 1; dz++)
    for (int dy = -1; dy <= 1; dy++)
      for (int dx = -1; dx <= 1; dx++)
        {
          double p[3] = { seed_mm[0] + dx * 1.5, seed_mm[1] + dy * 1.5, seed_mm[2] + dz * 1.5 };
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
      if (!(model->tissue_mean > image_min && model->tissue_mean < 0.7 * near_seed))
        model->tissue_mean = image_min + 0.25 * (near_seed - image_min);
      model->lumen_mean = near_seed;
      model->threshold = (model->lumen_mean + model->tissue_mean) / 2;
    }
  else if (near_seed < model->threshold)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                   "The clicked point (%.0f) is darker than the blood pool (%.0f): click inside "
                   "the aortic root or the ascending aorta", near_seed, model->lumen_mean);
      return FALSE;
    }
  return TRUE;
}
