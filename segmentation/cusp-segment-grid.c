/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-segment-grid.c: the segmentation's working grids: the image resampled onto an LPS-aligned
 * grid, voxel <-> LPS on it, and the connected component holding a voxel. */
#include "cusp-segment-private.h"
#include "cusp-error.h"

#include <math.h>
#include <string.h>

void
cusp_grid_image_clear (CuspGridImage *g)
{
  g_clear_pointer (&g->values, g_free);
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
void
cusp_segment_image_bounds (const CuspVolume *image, double lo[3], double hi[3])
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
gboolean
cusp_segment_resample (const CuspVolume *image, const double lo[3], const double hi[3], double target_mm,
                       gboolean block_average, double outside, CuspGridImage *out, GError **error)
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

gsize
cusp_grid_lps_to_voxel (const CuspGrid *g, const double p[3])
{
  double x[3];
  int idx[3];
  cusp_grid_lps_to_index (g, p, x);
  for (int a = 0; a < 3; a++)
    idx[a] = CLAMP ((int) lround (x[a]), 0, g->dims[a] - 1);
  return cusp_grid_index (g, idx[0], idx[1], idx[2]);
}

void
cusp_grid_voxel_to_lps (const CuspGrid *g, gsize v, double p[3])
{
  double ijk[3] = { (double) (v % g->dims[0]), (double) ((v / g->dims[0]) % g->dims[1]),
                    (double) (v / ((gsize) g->dims[0] * g->dims[1])) };
  cusp_grid_index_to_lps (g, ijk, p);
}

/* Keeps only the 26-connected component of `mask` holding `seed`; FALSE if the seed is outside. */
gboolean
cusp_grid_keep_component (const CuspGrid *g, guint8 *mask, gsize seed)
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
              gsize n = cusp_grid_index (g, i2, j2, k2);
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
