/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-segment-private.h: what the files of the segmentation share, one stage per file:
 *   cusp-segment.c           the pipeline (cusp_segment_root), input checks, results
 *   cusp-segment-grid.c      working grids: resampling, voxel <-> LPS, connected component
 *   cusp-segment-contrast.c  intensity model: blood pool and tissue levels, HU or not, seed
 *   cusp-segment-aorta.c     coarse stage: the aorta, the LV, the centerline between them
 *   cusp-segment-track.c     the aorta tracked from a click as a tube (non-HU images that leak)
 *   cusp-segment-shape.c     landmarks from that tube's shape when it shows no sinus bulge
 *   cusp-segment-lumen.c     fine stage: the lumen grown from the centerline, seen from the axis
 *   cusp-segment-calcium.c   calcium in the root's wall, leaflets and LVOT; the label volume */
#pragma once

#include "cusp-landmark-detect.h"
#include "cusp-segment.h"

G_BEGIN_DECLS

#define CUSP_SEGMENT_MIN_BLOOD_POOL_MM3 15000.0   /* an aortic root + LVOT alone holds > 15 mL */
#define CUSP_SEGMENT_CORE_EROSION_MM 3.0          /* cuts partial-volume bridges between touching vessels */

/* ---- working grids (cusp-segment-grid.c) ---- */

typedef struct {
  CuspGrid grid;
  float *values;
} CuspGridImage;

void     cusp_grid_image_clear     (CuspGridImage *g);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CuspGridImage, cusp_grid_image_clear)

static inline gsize
cusp_grid_index (const CuspGrid *g, int i, int j, int k)
{
  return ((gsize) k * g->dims[1] + j) * g->dims[0] + i;
}

/* LPS bounding box of the image's voxel centres. */
void     cusp_segment_image_bounds (const CuspVolume *image, double lo[3], double hi[3]);
/* [lo, hi] of the image on an LPS-aligned grid near target_mm (block means when aligned). */
gboolean cusp_segment_resample     (const CuspVolume *image, const double lo[3], const double hi[3],
                                    double target_mm, gboolean block_average, double outside,
                                    CuspGridImage *out, GError **error);
gsize    cusp_grid_lps_to_voxel    (const CuspGrid *g, const double p[3]);
void     cusp_grid_voxel_to_lps    (const CuspGrid *g, gsize v, double p[3]);
/* Keeps only the 26-connected component of `mask` holding `seed`; FALSE if the seed is outside. */
gboolean cusp_grid_keep_component  (const CuspGrid *g, guint8 *mask, gsize seed);

/* ---- intensity model (cusp-segment-contrast.c) ---- */

typedef struct {
  double lumen_mean, tissue_mean, threshold;
  gboolean intensity_based;
} CuspIntensityModel;

gboolean cusp_segment_hu_model          (const CuspGridImage *g, CuspIntensityModel *model, GError **error);
gboolean cusp_segment_intensity_model   (const CuspGridImage *g, CuspIntensityModel *model, GError **error);
/* Adapts the model to the blood intensity at the user's click (FALSE + error when unusable). */
gboolean cusp_segment_model_from_seed   (const CuspVolume *image, gboolean hu, double image_min,
                                         const double seed_mm[3], CuspIntensityModel *model,
                                         GError **error);
/* Threshold for connectivity only: 30 % of the way from tissue to blood. */
double   cusp_segment_connect_threshold (const CuspIntensityModel *model);

/* ---- coarse stage (cusp-segment-aorta.c) ---- */

typedef struct {
  GArray *path;        /* Vec of double[3], LV -> ascending aorta */
  double aorta_radius_mm;
} CuspCoarseResult;

gboolean cusp_segment_coarse_centerline (const CuspGridImage *coarse, const CuspIntensityModel *model,
                                         const CuspSegmentOptions *options, CuspCoarseResult *result,
                                         GPtrArray *warnings, GError **error);

/* ---- the aorta as a tube tracked from a click (cusp-segment-track.c) ---- */

#define CUSP_TUBE_CLIP 1.3   /* the tube's radius over its sections' fitted radius (sinus lobes) */

typedef struct {
  GArray *centers;     /* Vec of double[3], LV -> ascending aorta */
  GArray *radii;       /* double per centre: CUSP_TUBE_CLIP x the section's fitted radius, mm */
  GArray *axes;        /* Vec of double[3] per centre: its section's unit normal, up the tube */
  guint chamber_count; /* the first centres run straight on into the chamber the vessel opened
                        * into (the LV); 0 when the walk down did not end in one */
  guint seed_index;    /* the centre of the clicked section */
} CuspTube;

void     cusp_tube_clear                (CuspTube *tube);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CuspTube, cusp_tube_clear)
/* Tracks the vessel holding seed_mm up and down as a tube of clipped sections; `path` receives
 * its centres (a new reference) and the ascending aorta's radius. */
gboolean cusp_segment_track_tube        (const CuspVolume *image, const CuspIntensityModel *model,
                                         const double seed_mm[3], CuspCoarseResult *path, CuspTube *tube,
                                         GError **error);
/* Clears the blood voxels of `blood` that lie outside the tube (union of its sections' balls). */
void     cusp_segment_tube_restrict     (const CuspTube *tube, const CuspGrid *g, guint8 *blood);

/* ---- landmarks from the tube's shape (cusp-segment-shape.c) ---- */

/* For a non-HU image whose tube shows no sinus bulge: the annulus where the tube opens into the
 * chamber below it, hinges 120 degrees apart on its section, the STJ above, ostia proposed, all
 * with a warning that says so. `in` gives the grid, image and (tube-restricted) blood. FALSE +
 * CUSP_ERROR_FAILED when the tube did not open into a chamber or its section is implausible. */
gboolean cusp_segment_landmarks_from_tube (const CuspLandmarkInput *in, const CuspTube *tube,
                                           CuspLandmarkResult *lm, GPtrArray *warnings, GError **error);

/* ---- fine stage: lumen (cusp-segment-lumen.c) ---- */

typedef struct {
  double h_bottom, h_top;          /* lumen kept between these heights above the annulus */
} CuspClip;

double   cusp_segment_height_above      (const CuspLandmarkResult *lm, const double p[3]);
double   cusp_segment_distance_to_axis  (const CuspLandmarkResult *lm, const double p[3]);
/* The lumen mask; `grown_distance` receives the signed distance (mm, positive inside) to the
 * grown region before the opening. */
guint8  *cusp_segment_fine_lumen        (const CuspGrid *g, const guint8 *blood, const CuspLandmarkResult *lm,
                                         const CuspClip *clip, double open_mm, float *grown_distance,
                                         GError **error);
double   cusp_segment_lvot_enhancement  (const CuspGridImage *fine, const guint8 *lumen,
                                         const CuspLandmarkResult *lm);

/* ---- calcium and labels (cusp-segment-calcium.c) ---- */

/* Calcium candidates on the fine grid (see cusp-segment-calcium.c); NULL + error on failure. */
guint8     *cusp_segment_calcium_candidates (const CuspGridImage *fine, const guint8 *lumen,
                                             const float *lumen_distance, double lumen_threshold,
                                             double calcium_threshold, GPtrArray *warnings,
                                             GError **error);
/* The label volume on the image's own grid (CuspLabel values). `calcium` may be NULL. */
CuspVolume *cusp_segment_label_volume       (const CuspVolume *image, const CuspGridImage *fine,
                                             const double roi_lo[3], const double roi_hi[3],
                                             const guint8 *lumen, const guint8 *calcium,
                                             const float *lumen_distance, double calcium_threshold,
                                             const CuspLandmarkResult *lm, const CuspClip *clip,
                                             GError **error);

G_END_DECLS
