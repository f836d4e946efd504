/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-segment.h: automatic segmentation of the aortic root lumen and its calcium, with landmarks.
 *
 * Pipeline (cusp-segment*.c, one stage per file as cusp-segment-private.h lists; cusp-landmark-detect.c):
 *   1. Intensity model. HU images: the contrast blood pool is the brightest large histogram mode
 *      (120-900 HU); the lumen threshold is half-way between it and the soft-tissue mode (the 50 %
 *      crossing of a blurred edge). Non-HU images (MR, rescaled CT): the same from two nested Otsu
 *      splits, or from the intensity at the user's seed. HU thresholds are never applied to non-HU
 *      data, and calcium is only labelled on HU data.
 *   2. Aorta. On a ~2 mm grid: round bright axial cross-sections of the pool eroded by 3 mm
 *      (touching vessels share partial-volume voxels) stacked into tubes; the ascending aorta is
 *      the widest, longest tube that does not run out of the bottom of the image (the descending
 *      aorta does). A seed click replaces this step.
 *   3. Centerline. The pool at a lower, connectivity-only threshold (30 % of the way from tissue
 *      to blood: closed leaflets are thinner than a voxel), kept where the distance to its edge is
 *      at least 45 % of the aortic radius (cuts thin bridges to other chambers) and not above the
 *      tube (the arch). LV = widest inscribed sphere below the root, to its left and not behind
 *      it; minimal path weighted by 1 + (r / distance)^2 from the LV up the aorta.
 *   4. Landmarks on that ~2 mm grid, then again at full resolution (~0.5 mm) around the root,
 *      the levels searched within 6 mm of the coarse ones (cusp-landmark-detect.h).
 *   5. Lumen: the full-resolution pool grown from the centerline, 15 mm below the annulus to
 *      45 mm above the STJ, within 1.25 x the local median section radius + 2 mm of the
 *      centerline, and seen from the axis: the straight line from the nearest path point (from
 *      the annulus axis at the voxel's height at and below the annulus) crosses at most 1.5 mm
 *      outside the pool (a closed leaflet), so a chamber touching the root through a wall thinner
 *      than the blur (right atrium, RVOT) is not labelled; coronary stubs removed by an opening
 *      (two distance maps). The rays run on one thread per core (up to 4).
 *   6. Calcium (HU only): image voxels above the calcium threshold within 3.5 mm of the lumen
 *      (the wall, leaflets, annulus, LVOT), in bright components judged whole: up to 3 mL
 *      (larger ones are dense contrast or bone), at least half within that shell (not a vein
 *      full of contrast running past the root, nor the arch), not sitting in another chamber's
 *      blood (right-atrial contrast swirls). LVOT below the annulus plane, leaflet up to the
 *      STJ, wall above.
 */
#pragma once

#include <gio/gio.h>

#include "cusp-landmarks.h"
#include "cusp-progress.h"
#include "cusp-volume.h"

G_BEGIN_DECLS

typedef enum {
  CUSP_LABEL_BACKGROUND = 0,
  CUSP_LABEL_LUMEN = 1,
  CUSP_LABEL_CALCIUM_LEAFLET = 2,   /* leaflets and annulus: annulus plane up to the STJ */
  CUSP_LABEL_CALCIUM_LVOT = 3,      /* below the annulus plane */
  CUSP_LABEL_CALCIUM_WALL = 4,      /* aortic wall above the STJ */
} CuspLabel;

typedef struct {
  gboolean has_seed;
  double seed_mm[3];                /* LPS point inside the aortic lumen (root or ascending aorta) */
  gboolean has_calcium_threshold;
  double calcium_threshold_hu;      /* user override of the 450 / 850 HU rule */
} CuspSegmentOptions;

typedef struct {
  CuspVolume *labels;               /* int16 CuspLabel values, same geometry as the image */
  double lumen_threshold;           /* image units (HU when the image is HU) */
  double calcium_threshold;         /* HU; 0 when calcium was not labelled (non-HU image) */
  double lumen_mean;                /* measured enhancement of the blood pool, image units */
  double tissue_mean;               /* surrounding soft tissue, image units */
  gboolean intensity_based;         /* TRUE when no HU threshold was used (MR, non-HU) */
  gboolean used_seed;
  CuspLandmarks landmarks;          /* proposed automatically; the user may drag them */
  gboolean ostia_found[2];          /* left, right: FALSE when the ostium is only proposed mid-sinus */
  double annulus_normal[3];         /* unit normal of the hinge plane, toward the aorta */
  double stj_radius_mm;             /* equivalent radius of the STJ cross-section */
  GPtrArray *warnings;              /* (element-type utf8) */
} CuspSegmentation;

/* Calcium threshold per DOMAIN.md 2: LVOT enhancement < 300 HU -> 450 HU, else 850 HU. */
double            cusp_segment_calcium_threshold_for (double lvot_enhancement_hu);

CuspSegmentOptions cusp_segment_options_default      (void);

/* Runs the whole pipeline. Cancellable; `progress` (nullable) is called from this thread.
 * Errors (CUSP_ERROR): INVALID_INPUT for 2D, empty or constant images; FAILED with a message in
 * words when no contrast or no aorta is found ("click inside the aortic root" when a seed would
 * help); G_IO_ERROR_CANCELLED when cancelled. */
CuspSegmentation *cusp_segment_root                  (const CuspVolume         *image,
                                                      const CuspSegmentOptions *options,
                                                      GCancellable             *cancellable,
                                                      CuspProgressFunc          progress,
                                                      gpointer                  progress_data,
                                                      GError                  **error);

/* Calcium volume (mm3) carrying `label` in the label volume. */
double            cusp_segmentation_label_volume_mm3 (const CuspSegmentation *segmentation,
                                                      CuspLabel               label);
/* The calcium labels as a 0/1 int16 mask on the label grid (the measurement's calcium mask: it
 * holds only calcium of the root, no bone or neighbouring contrast). NULL without an error when
 * no calcium was labelled (non-HU image); NULL with `error` set when out of memory. */
CuspVolume       *cusp_segmentation_calcium_mask     (const CuspSegmentation *segmentation,
                                                      GError                **error);
void              cusp_segmentation_free             (CuspSegmentation *segmentation);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspSegmentation, cusp_segmentation_free)

G_END_DECLS
