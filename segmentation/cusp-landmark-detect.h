/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-landmark-detect.h: aortic root landmarks from a blood-pool mask, its image and a centerline.
 *
 * Plain C geometry on an axis-aligned LPS grid (the segmentation resamples into one). The
 * primitive is a ray from a centre point that stops where the smoothed image falls below the lumen
 * threshold (linear interpolation between samples: sub-voxel) or leaves the blood-pool mask.
 *   - Section radius profile along the centerline (median ray, robust to a neighbour touching the
 *     root through a wall thinner than a voxel): walking up from the LV with hysteresis, the
 *     narrowing (LVOT / basal ring), the sinus bulge, the STJ.
 *   - Sinus cross-section: its three lobes from the third Fourier harmonic of r(theta) give the
 *     cusp directions; the deepest rays between them the commissure directions.
 *   - Hinge (nadir) of each cusp: walking down the lobe's wall r(h), its first minimum; on a flat
 *     LVOT, where the steepest tangent of the wall meets the flat radius (blur rounds the corner).
 *   - Coronary ostia: angular runs of rays reaching > 4 mm beyond the circular median of their
 *     neighbours in planes parallel to the annulus; the lowest such plane is the lower ostium edge.
 *     Left vs right by anatomy in LPS (left main toward patient left/posterior, RCA anterior/right);
 *     the cusps are then named in their fixed order about the aorta (right, left, non-coronary).
 *     A sinus where no ray escapes (a 1-1.5 mm CT, where the ostium is a partial-volume neck
 *     below the lumen threshold) is searched for the ray whose darkest sample between the lumen
 *     edge and a thin bright vessel 1.5-8 mm outside is brightest (at least 70 % of the lumen
 *     threshold); the ostium is put on the wall at that ray, at its lower edge: the lowest
 *     height (walking down from the brightest neck) where the neck keeps half its contrast.
 *     A coronary leaving obliquely (no radial ray through its neck, as the RCA on the real CT) is
 *     looked for vessel first: thin bright points 3-12 mm outside the sinus wall, each joined by
 *     the straight segment to a sinus edge point whose darkest sample is brightest (at least half
 *     the lumen threshold); placed at that edge point's lower edge, with a warning to check it.
 *     An ostium not seen is proposed in the middle of its sinus, with a warning.
 */
#pragma once

#include <glib.h>

#include "cusp-landmarks.h"

G_BEGIN_DECLS

typedef struct {
  int dims[3];
  double origin_mm[3];   /* LPS centre of voxel (0,0,0); index axes are +x, +y, +z of LPS */
  double spacing_mm[3];
} CuspGrid;

typedef struct {
  CuspGrid grid;
  const float *intensity;        /* (smoothed) image on the grid */
  const guint8 *blood;           /* blood-pool component that holds the aorta */
  double threshold;              /* lumen threshold, image units */
  const double *centerline_mm;   /* 3 * count LPS points, from the LV up the ascending aorta */
  int centerline_count;
  gboolean find_ostia;           /* FALSE on coarse grids where coronaries are not resolved */
  /* Optional: the narrowest, sinus and STJ levels found on a coarser grid (points on the path).
   * The levels are then searched only within 6 mm of these, which keeps a leak into a touching
   * chamber, visible only at full resolution, from passing for the root's shape. */
  gboolean has_level_hints;
  double level_hint_mm[3][3];
} CuspLandmarkInput;

typedef struct {
  CuspLandmarks landmarks;
  double annulus_center_mm[3];   /* mean of the three hinges */
  double annulus_normal[3];      /* unit, toward the aorta */
  double annulus_radius_mm;      /* equivalent radius of the section at the annulus */
  double stj_height_mm;          /* above the annulus plane */
  double stj_radius_mm;
  double ascending_radius_mm;
  gboolean ostia_found[2];       /* left, right */
  double level_mm[3][3];         /* path points at the narrowest, sinus and STJ levels */
  /* median section radius at each landmarks.centerline point (robust to touching neighbours) */
  double centerline_radius_mm[CUSP_LANDMARKS_MAX_CENTERLINE];
} CuspLandmarkResult;

/* FALSE + CUSP_ERROR_FAILED with a message in words when the profile shows no aortic root. */
gboolean cusp_landmarks_detect (const CuspLandmarkInput *input,
                                CuspLandmarkResult      *result,
                                GPtrArray               *warnings,
                                GError                 **error);

/* Helpers shared with cusp-segment.c. */
void     cusp_grid_index_to_lps (const CuspGrid *grid, const double ijk[3], double lps_mm[3]);
void     cusp_grid_lps_to_index (const CuspGrid *grid, const double lps_mm[3], double ijk[3]);
gsize    cusp_grid_voxel_count  (const CuspGrid *grid);

G_END_DECLS
