/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-measure.h: SCCT-2019 aortic root measurements from a CT and its landmarks.
 *
 * Input: a volume, a lumen threshold (or automatic for HU data), optionally a calcium mask, and
 * CuspLandmarks (automatic, dragged by the user, or a phantom's truth). Everything is recomputed
 * from the landmarks, quickly enough (a few ms) to follow a dragged handle.
 *
 * Conventions, in the words the hover texts use (table in cusp-measure.c):
 * - Annulus plane: through the three hinge points; normal up the root, from the cusp order (left,
 *   right, non-coronary run clockwise seen from the aorta); the STJ must lie above it. Annulus
 *   centre: the area centroid of the annulus contour.
 * - Contours: rays from the centre every 1 deg in the plane; each stops where trilinear
 *   interpolated intensity first falls below the lumen threshold (sub-voxel, refined by
 *   bisection). Rays that escape (a coronary or branch) or jump more than 2.5 mm above their
 *   neighbourhood's median are bridged from their neighbours; the radius function is low-passed
 *   (Fourier, 24 harmonics; 12 for the annulus) to remove noise before perimeter and area are
 *   taken from the polygon.
 * - Annulus only: the SCCT annulus is the lumen's outer boundary through the hinges, and closed
 *   (diastolic) leaflets draw thin dark lines inside it. Its rays start on lumen (moved off a
 *   leaflet at the centre), cross dark gaps up to 4.5 mm while inside 0.85 x the circle through
 *   the hinges, and fall back to the last gap when they then run on past 1.5 x that circle (a
 *   neighbour behind a thin wall); rays shorter than 0.75 x their +/-30 deg median are dropped
 *   and filled, and dents narrower than 10 deg closed.
 * - Dmin / Dmax: minimum and maximum caliper width of the contour (for an ellipse, the minor and
 *   major axis). Area-derived diameter 2 sqrt(A/pi); perimeter-derived P/pi; eccentricity
 *   1 - Dmin/Dmax.
 * - LVOT: the same set in the plane parallel to the annulus, 4 mm below it; rays longer than 1.5
 *   annulus radii (0.75 Dmax) count as escapes into the LV and are bridged.
 * - SOV: in the plane parallel to the annulus halfway to the STJ, through the axis (annulus
 *   centre -> STJ centre): from the wall behind each cusp (direction of its hinge) straight through
 *   the axis to the opposite wall (the commissure). SOV height = STJ height.
 * - STJ: diameter = area-derived diameter of the section through the STJ landmark parallel to the
 *   annulus; height = its distance above the annulus plane.
 * - Ascending aorta: area-derived diameter of the section 40 mm above the annulus, perpendicular
 *   to the centerline there (parallel to the annulus without a centerline).
 * - Coronary heights: distance of each ostium landmark (lower edge) from the annulus plane.
 * - Calcium: voxels at or above the calcium threshold (or in the mask) near the root, split by
 *   height and angle: LVOT (0-10 mm below the annulus, within annulus Dmax/2 + 5 mm of the
 *   axis), each leaflet (annulus to STJ, within the largest sinus radius + 3 mm, in the sector
 *   between the cusp's two commissures), ascending wall (STJ to 20 mm above it). The threshold
 *   follows DOMAIN.md: 850 HU when the lumen (measured in the LVOT) is >= 300 HU, else 450 HU.
 */
#pragma once

#include "cusp-carm.h"
#include "cusp-landmarks.h"
#include "cusp-sizing.h"
#include "cusp-volume.h"

G_BEGIN_DECLS

#define CUSP_MEASURE_RAYS 360

typedef struct {
  double lumen_threshold;        /* NAN: automatic (HU data only) */
  double calcium_threshold;      /* NAN: automatic (HU data only) */
  const CuspVolume *calcium_mask;/* nullable; same grid as the volume; nonzero = calcium; with it,
                                  * calcium_threshold is only reported (what the mask was made with) */
  double lvot_offset_mm;         /* 4 */
  double ascending_height_mm;    /* 40 */
  double max_radius_mm;          /* rays give up beyond this; 40 */
} CuspMeasureParams;

typedef struct {
  gboolean valid;
  double center_mm[3];           /* where the rays start */
  double centroid_mm[3];         /* area centroid of the contour */
  double normal[3];
  int point_count;
  double points_mm[CUSP_MEASURE_RAYS][3];
  int bridged_rays;              /* rays replaced from their neighbours */
  int hinge_circle_rays;         /* rays that saw no wall and follow the hinge circle (non-HU only) */
  double area_mm2, perimeter_mm, dmin_mm, dmax_mm;
  double area_diameter_mm, perimeter_diameter_mm, eccentricity;
} CuspSection;

typedef enum {
  CUSP_CALCIUM_LEAFLET_LEFT,
  CUSP_CALCIUM_LEAFLET_RIGHT,
  CUSP_CALCIUM_LEAFLET_NON,
  CUSP_CALCIUM_LVOT,
  CUSP_CALCIUM_ASCENDING,
  CUSP_CALCIUM_REGION_COUNT
} CuspCalciumRegion;

typedef struct {
  double annulus_center_mm[3], annulus_normal[3];
  CuspSection annulus, lvot, stj, ascending;
  double sov_diameter_mm[CUSP_CUSP_COUNT];   /* NAN when a ray failed */
  double sov_mean_diameter_mm, sov_height_mm;
  double stj_diameter_mm, stj_height_mm;
  double ascending_diameter_mm;
  double left_coronary_height_mm, right_coronary_height_mm;
  double lumen_hu;                            /* mean in the LVOT section (image value when not HU) */
  gboolean hounsfield;                        /* the image's values are HU: "_hu" keys are HU */
  double lumen_threshold, calcium_threshold;  /* as used */
  double calcium_mm3[CUSP_CALCIUM_REGION_COUNT];
  double calcium_valve_mm3;                   /* the three leaflets */
  double calcium_total_mm3;                   /* valve + LVOT + ascending */
  gboolean calcium_measured;
  CuspCarmAngles coplanar_ap;                 /* the S-curve at LAO/RAO 0 */
  double coplanar_lao_at_cra0_deg;            /* the S-curve's crossing of CRA/CAU 0 */
  CuspCarmAngles cusp_overlap, three_cusp;
  CuspSizing sizing;
  GPtrArray *warnings;                        /* (element-type utf8) readable, non-fatal */
} CuspMeasurements;

typedef struct _CuspMeasureContext CuspMeasureContext;

CuspMeasureParams   cusp_measure_default_params (void);
/* Checks the volume and caches what does not depend on landmarks (calcium candidates). */
CuspMeasureContext *cusp_measure_context_new  (CuspVolume              *volume,
                                               const CuspMeasureParams *params,
                                               GError                 **error);
void                cusp_measure_context_free (CuspMeasureContext *context);
/* Measures everything from `landmarks` into `out` (cleared first; free with
 * cusp_measurements_clear). FALSE + error when the landmarks cannot define a root (collinear
 * hinges, STJ below the annulus, annulus centre outside the lumen). */
gboolean            cusp_measure_run          (CuspMeasureContext      *context,
                                               const CuspLandmarks     *landmarks,
                                               CuspMeasurements        *out,
                                               GError                 **error);
void                cusp_measurements_clear   (CuspMeasurements *m);

/* The stable keys, in display order, each with a unit and a one-sentence definition. */
typedef struct {
  const char *key;               /* "annulus.perimeter_mm" */
  const char *unit;              /* "mm", "mm²", "mm³", "", "deg", "size" */
  const char *definition;
} CuspMeasureKey;

const CuspMeasureKey *cusp_measure_keys (guint *n_keys);
/* The value of a numeric key; FALSE when unknown, not numeric or not measured. */
gboolean    cusp_measurements_get     (const CuspMeasurements *m, const char *key, double *value);
/* {"annulus.perimeter_mm": 75.9, ..., "sizing.balloon_expandable": 26, ...,
 *  "landmarks": {...}, "warnings": [...]}; unmeasured values are null. */
char       *cusp_measurements_to_json (const CuspMeasurements *m, const CuspLandmarks *landmarks);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspMeasureContext, cusp_measure_context_free)

G_END_DECLS
