/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-segment-calcium.c: calcium candidates next to the root's lumen (HU images only), and the
 * label volume on the image's own grid, calcium labelled by region (DOMAIN.md 2). */
#include "cusp-segment-private.h"
#include "cusp-error.h"
#include "cusp-itk-segment.h"

#include <math.h>

/* Bright components near the lumen no larger than 3 mL. Larger ones are dense contrast (an
 * undiluted SVC, > 1000 HU on arterial CT) or bone. */
guint8 *
cusp_segment_calcium_candidates (const CuspGridImage *fine, const guint8 *lumen, const float *lumen_distance,
                                 double calcium_threshold, GPtrArray *warnings, GError **error)
{
  const gsize fine_count = cusp_grid_voxel_count (&fine->grid);
  g_autofree guint8 *fine_calcium = g_new0 (guint8, fine_count);
  g_autofree int32_t *components = g_new (int32_t, fine_count);

  (void) lumen;
  for (gsize v = 0; v < fine_count; v++)
    fine_calcium[v] = fine->values[v] >= calcium_threshold - 100 && lumen_distance[v] >= -5.0;
  int n = cusp_itk_label_components (fine_calcium, fine->grid.dims, components, error);
  if (n < 0)
    return NULL;
  g_autofree gsize *sizes = g_new0 (gsize, n + 1);
  for (gsize v = 0; v < fine_count; v++)
    sizes[components[v]]++;
  const double voxel_mm3 = fine->grid.spacing_mm[0] * fine->grid.spacing_mm[1] * fine->grid.spacing_mm[2];
  int dropped = 0;
  for (int c = 1; c <= n; c++)
    dropped += sizes[c] * voxel_mm3 > 3000;
  for (gsize v = 0; v < fine_count; v++)
    fine_calcium[v] = components[v] > 0 && sizes[components[v]] * voxel_mm3 <= 3000;
  if (dropped > 0)
    g_ptr_array_add (warnings, g_strdup_printf ("%d large bright structure(s) next to the root "
                                                "(dense contrast or bone) were not counted as calcium",
                                                dropped));
  return g_steal_pointer (&fine_calcium);
}

/* Lumen from the fine mask; calcium at native resolution where the image itself passes the
 * threshold inside an accepted candidate: LVOT below the annulus plane, leaflets and annulus up
 * to the STJ, aortic wall above. */
CuspVolume *
cusp_segment_label_volume (const CuspVolume *image, const CuspGridImage *fine, const double roi_lo[3],
                           const double roi_hi[3], const guint8 *lumen, const guint8 *calcium,
                           const float *lumen_distance, double calcium_threshold,
                           const CuspLandmarkResult *lm, const CuspClip *clip, GError **error)
{
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
          cusp_grid_lps_to_index (&fine->grid, p, x);
          int f[3];
          gboolean inside = TRUE;
          for (int a = 0; a < 3; a++)
            {
              f[a] = (int) floor (x[a] + 0.5);
              inside = inside && f[a] >= 0 && f[a] < fine->grid.dims[a];
            }
          if (!inside)
            continue;
          gsize fv = cusp_grid_index (&fine->grid, f[0], f[1], f[2]);
          gsize iv = ((gsize) k * image->dims[1] + j) * image->dims[0] + i;
          CuspLabel label = lumen[fv] ? CUSP_LABEL_LUMEN : CUSP_LABEL_BACKGROUND;
          if (lumen_distance[fv] >= -4.0 && calcium != NULL && calcium[fv]
              && cusp_volume_get_value (image, i, j, k) >= calcium_threshold)
            {
              double h = cusp_segment_height_above (lm, p);
              if (h >= clip->h_bottom && h <= clip->h_top)
                label = h < -1.0 ? CUSP_LABEL_CALCIUM_LVOT
                        : h <= lm->stj_height_mm ? CUSP_LABEL_CALCIUM_LEAFLET : CUSP_LABEL_CALCIUM_WALL;
            }
          out[iv] = (int16_t) label;
        }
  return labels;
}

CuspVolume *
cusp_segmentation_calcium_mask (const CuspSegmentation *segmentation, GError **error)
{
  g_return_val_if_fail (segmentation != NULL, NULL);

  if (segmentation->calcium_threshold <= 0.0)
    return NULL;
  g_autoptr(CuspVolume) mask = cusp_volume_new (CUSP_VOXEL_INT16, segmentation->labels->dims, error);
  if (mask == NULL)
    return NULL;
  cusp_volume_copy_geometry (mask, segmentation->labels);
  const int16_t *labels = segmentation->labels->voxels;
  int16_t *out = mask->voxels;
  const gsize n = cusp_volume_voxel_count (mask);
  for (gsize i = 0; i < n; i++)
    out[i] = labels[i] >= CUSP_LABEL_CALCIUM_LEAFLET;
  return g_steal_pointer (&mask);
}
