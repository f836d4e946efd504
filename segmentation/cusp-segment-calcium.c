/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-segment-calcium.c: calcium candidates next to the root's lumen (HU images only), and the
 * label volume on the image's own grid, calcium labelled by region (DOMAIN.md 2). */
#include "cusp-segment-private.h"
#include "cusp-error.h"
#include "cusp-itk-segment.h"

#include <math.h>

#define CALCIUM_SHELL_MM 3.5            /* the aortic wall (~2 mm) plus the blur of the image */
#define CALCIUM_MAX_MM3 3000.0           /* larger bright structures are dense contrast or bone */
#define CALCIUM_RING_MM 1.5              /* how far around a candidate its surroundings are read */
#define OTHER_POOL_MIN_MM3 1000.0        /* a chamber or vessel, not the halo of a fleck */

/* Multi-source breadth-first growth of the labelled components into their surroundings, up to
 * `radius_mm` (6-connected steps, so a little less along diagonals). `owner` holds the component
 * labels on input and the nearest component's label on output (0 where none reached). */
static void
grow_owners (const CuspGrid *g, int32_t *owner, double radius_mm)
{
  const gsize count = cusp_grid_voxel_count (g);
  const double step_mm = MIN (g->spacing_mm[0], MIN (g->spacing_mm[1], g->spacing_mm[2]));
  const int steps = MAX (1, (int) floor (radius_mm / step_mm + 1e-6));
  g_autoptr(GArray) front = g_array_new (FALSE, FALSE, sizeof (int32_t));
  g_autoptr(GArray) next = g_array_new (FALSE, FALSE, sizeof (int32_t));

  for (gsize v = 0; v < count; v++)
    if (owner[v] > 0)
      {
        int32_t i = (int32_t) v;
        g_array_append_val (front, i);
      }
  for (int s = 0; s < steps && front->len > 0; s++)
    {
      g_array_set_size (next, 0);
      for (guint f = 0; f < front->len; f++)
        {
          const gsize v = (gsize) g_array_index (front, int32_t, f);
          const int i = v % g->dims[0], j = (v / g->dims[0]) % g->dims[1];
          const int k = v / ((gsize) g->dims[0] * g->dims[1]);
          const int n6[6][3] = { { 1, 0, 0 }, { -1, 0, 0 }, { 0, 1, 0 }, { 0, -1, 0 }, { 0, 0, 1 }, { 0, 0, -1 } };
          for (int q = 0; q < 6; q++)
            {
              int i2 = i + n6[q][0], j2 = j + n6[q][1], k2 = k + n6[q][2];
              if (i2 < 0 || j2 < 0 || k2 < 0 || i2 >= g->dims[0] || j2 >= g->dims[1] || k2 >= g->dims[2])
                continue;
              gsize n = cusp_grid_index (g, i2, j2, k2);
              if (owner[n] == 0)
                {
                  int32_t ni = (int32_t) n;
                  owner[n] = owner[v];
                  g_array_append_val (next, ni);
                }
            }
        }
      GArray *swap = front;
      front = next;
      next = swap;
    }
}

/* Calcium candidates on the fine grid: connected components of the voxels at most 100 HU below
 * the calcium threshold or above it (the label itself takes the threshold at native resolution),
 * each kept only when it is the root's own calcium:
 *   - no larger than 3 mL (dense contrast in the SVC or a chamber, bone);
 *   - at least half of it inside the lumen or in a CALCIUM_SHELL_MM shell around it (the wall,
 *     leaflets and annulus); a vein full of undiluted contrast that runs past the root (the left
 *     brachiocephalic vein, the SVC) lies mostly farther out;
 *   - its surroundings (CALCIUM_RING_MM around it) not mostly the blood of another chamber
 *     (contrast swirling in the right atrium, touching the root only through partial volume).
 *     "Other blood" is blood-pool intensity outside the lumen in connected pieces larger than
 *     1 mL: a fleck's own partial-volume halo is smaller than that.
 * The components are found over the whole fine grid, so a structure that reaches near the root
 * is judged as a whole and not by the piece of it near the wall. */
guint8 *
cusp_segment_calcium_candidates (const CuspGridImage *fine, const guint8 *lumen, const float *lumen_distance,
                                 double lumen_threshold, double calcium_threshold, GPtrArray *warnings,
                                 GError **error)
{
  const CuspGrid *g = &fine->grid;
  const gsize count = cusp_grid_voxel_count (g);
  const double voxel_mm3 = g->spacing_mm[0] * g->spacing_mm[1] * g->spacing_mm[2];
  g_autofree guint8 *bright = g_new (guint8, count);
  g_autofree int32_t *components = g_new (int32_t, count);

  for (gsize v = 0; v < count; v++)
    bright[v] = fine->values[v] >= calcium_threshold - 100;
  int n = cusp_itk_label_components (bright, g->dims, components, error);
  if (n < 0)
    return NULL;

  /* other chambers' blood: pool intensity, not lumen, not a candidate, in pieces > 1 mL */
  g_autofree guint8 *other = g_new (guint8, count);
  for (gsize v = 0; v < count; v++)
    other[v] = fine->values[v] >= lumen_threshold && !lumen[v] && !bright[v];
  g_autofree int32_t *pools = g_new (int32_t, count);
  int n_pools = cusp_itk_label_components (other, g->dims, pools, error);
  if (n_pools < 0)
    return NULL;
  g_autofree gsize *pool_sizes = g_new0 (gsize, n_pools + 1);
  for (gsize v = 0; v < count; v++)
    pool_sizes[pools[v]]++;
  for (gsize v = 0; v < count; v++)
    other[v] = pools[v] > 0 && pool_sizes[pools[v]] * voxel_mm3 > OTHER_POOL_MIN_MM3;
  g_clear_pointer (&pools, g_free);

  g_autofree gsize *sizes = g_new0 (gsize, n + 1);
  g_autofree gsize *in_shell = g_new0 (gsize, n + 1);
  g_autofree gsize *ring = g_new0 (gsize, n + 1);
  g_autofree gsize *ring_other = g_new0 (gsize, n + 1);
  for (gsize v = 0; v < count; v++)
    {
      sizes[components[v]]++;
      in_shell[components[v]] += lumen_distance[v] >= -CALCIUM_SHELL_MM;
    }
  g_autofree int32_t *owner = g_memdup2 (components, sizeof (int32_t) * count);
  grow_owners (g, owner, CALCIUM_RING_MM);
  for (gsize v = 0; v < count; v++)
    if (owner[v] > 0 && components[v] == 0)
      {
        ring[owner[v]]++;
        ring_other[owner[v]] += other[v];
      }

  g_autofree guint8 *keep = g_new0 (guint8, n + 1);
  int too_large = 0, outside = 0, in_other = 0;
  for (int c = 1; c <= n; c++)
    {
      if (in_shell[c] == 0)
        continue;                                  /* nowhere near the root: not counted */
      if (sizes[c] * voxel_mm3 > CALCIUM_MAX_MM3)
        too_large++;
      else if (2 * in_shell[c] < sizes[c])
        outside++;
      else if (2 * ring_other[c] > ring[c])
        in_other++;
      else
        keep[c] = 1;
    }
  guint8 *candidates = g_new (guint8, count);
  for (gsize v = 0; v < count; v++)
    candidates[v] = keep[components[v]];
  if (too_large > 0)
    g_ptr_array_add (warnings, g_strdup_printf ("%d large bright structure(s) next to the root "
                                                "(dense contrast or bone) were not counted as calcium",
                                                too_large));
  if (outside + in_other > 0)
    g_ptr_array_add (warnings, g_strdup_printf ("%d bright structure(s) near the root were not counted as "
                                                "calcium: %d lie mostly outside its wall (a vessel "
                                                "running past it, the arch), %d sit in the blood of "
                                                "another chamber", outside + in_other, outside, in_other));
  return candidates;
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
          if (lumen_distance[fv] >= -CALCIUM_SHELL_MM && calcium != NULL && calcium[fv]
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
