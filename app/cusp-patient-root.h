/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-patient-root.h: this patient's root handed to the solver: the root frame (LPS <-> the
 * solver's frame), the analytic root def from the measurements, and the segmented lumen wall and
 * calcium in that frame.
 *
 * Root frame (sim/cusp-sim.h): origin at the annulus contour's area centroid, z along the annulus
 * normal toward the aorta (z = 0 on the annular plane), x along the annulus major axis (the
 * contour's farthest point from the centroid, projected into the plane), y = z x x.
 *
 * Wall. The solver's wall is a radius field r(theta, z) about the z axis. It is ray-cast from the
 * segmentation's label volume: for each grid cell a ray leaves the axis point (0, 0, z) along
 * theta and stops at the FIRST place where the lumen indicator (the trilinear interpolation of
 * "label is lumen or calcium") falls below one half and stays below it for
 * CUSP_PATIENT_WALL_MIN_WALL_MM (specks of noise and leaflets seen across the lumen, thinner than
 * that with lumen behind them, are crossed; the label holds the aortic component only, so
 * nothing beyond the wall is lumen); that edge is then moved to the image's own crossing of the
 * lumen threshold within 2 mm, because the label edge sits about a voxel inside the true lumen
 * (measured on the 1 mm phantom: 1.1 mm mean). Where the image is still lumen 2 mm beyond the
 * label's edge, the label was cut inside the blood pool (the segmentation clips it about its
 * centerline and opens it; below the annulus and between closed leaflets): the ray goes on to
 * the image's first crossing, or misses beyond CUSP_PATIENT_WALL_CUT_MAX_FRACTION (below the
 * annulus the blood pool runs on into the LV where no wall shows at 1.5 mm: with the wider
 * limit, 1.6, the real CT's LVOT bulged 5 mm over 30 degrees, 408 mm2 against a measured 354).
 * On the real CT those cut edges had made the wall's annulus 284 mm2 against a measured 465 mm2
 * (458 mm2 now); on the default phantom they were the last 3 mm of the LVOT (9.1 mm mean radius
 * there, now 12.7 mm, truth about 12.5 mm) and patches of the sinus lobes' flanks, now 1-2.5 mm
 * wider; its annulus and STJ did not move. Taking the first hit is what makes a star-shaped
 * field of any lumen: a coronary ostium or a fold ends the ray where the lumen first narrows, so
 * the wall there is the inner envelope (the coronary's opening is bridged). A ray whose axis
 * point is not lumen, or whose hit is nearer the axis than CUSP_PATIENT_WALL_MIN_FRACTION of the
 * measured analytic root's radius, is cast again from that inner limit (first walking out to the
 * lumen): on the real CT, a diastolic scan, the closed leaflets meet on the axis from 1 mm below
 * the annulus to 2 mm above it, and the first hits near the annulus were 2-5 mm from the axis in
 * a 10-12 mm annulus. A hit still inside that limit, beyond CUSP_PATIENT_WALL_MAX_FRACTION of the
 * measured radius (the ray left the root), or more than CUSP_PATIENT_WALL_OUTLIER_MM off the
 * median of the hits around it (specks, leaflet edges) is dropped. Calcium counts as lumen for
 * the ray because leaflet calcium stands free in the systolic lumen and the frame presses it,
 * with its leaflet, against the wall: it enters as nodules (below), not as the wall's shape.
 *
 * Cells without a hit are filled: the difference between the wall and the measured analytic
 * root is stretched over them as a membrane (Laplace's equation, in angle and height alike), so
 * a hole takes the measured root's shape offset to meet its rim; on the real CT the band of the
 * annulus itself, hidden from every ray by the closed leaflets, is the measured annulus blended
 * into the segmented wall above and below. Rows beyond the first and last row with hits continue
 * as a tube. Coverage is reported as it is (hit_fraction_valve_region: rays that found the wall,
 * largest_gap_mm2: the largest patch without one, hit_mask: where); the wall is refused (GError)
 * and the caller falls back to the analytic root with a warning when less than
 * required_fraction of the region a valve touches was hit or a hole there is larger than
 * max_gap_mm2. The field is smoothed once with a 3 x 3 binomial kernel (about 1 mm) so the
 * voxel staircase does not reach the solver's contact normals.
 *
 * Found on 2026-11-22 (fixed by the cut-label rule above): on the real CT the wall over
 * 260-300 deg stood 6.4-7 mm from the axis from 8 mm below to 4 mm above the annulus, whose
 * measured radii are 10.6-15 mm: the aortic label stopped about 6.5 mm out while the image stayed
 * above the lumen threshold to about 10 mm. A 26-34 mm frame stood 5-7 mm beyond that wall, the
 * solver's hardest deployments, with the Evolut-class inflow crushed to 13.5 mm. Tried first and
 * not kept: a MIN_FRACTION of 0.8 (only 43 % of the valve region hit: simulate fell back to the
 * analytic root), and 0.7 or a stricter limit near the annulus only (the fill carried the low
 * neighbours in). The label's edge itself is the segmentation's to fix.
 *
 * Calcium. Voxels labelled calcium (leaflet and LVOT) within the wall's height range are binned on
 * the wall (angle x height); connected bins form nodules (the largest CUSP_SIM_MAX_CALCIUM by
 * volume are kept, a warning names how many were dropped), placed at their centroid with the
 * footprint of their farthest bin corner, near-rigid (the root def's calcium modulus), standing
 * into the lumen by their mean thickness (volume over footprint area, at most
 * CUSP_PATIENT_CALCIUM_MAX_PROTRUSION_MM): pressed against the wall with its leaflet, a nodule
 * narrows the lumen where it sits. (Until 2026-11-22 they entered as stiffness only: with the
 * larger of a beam's end moments setting its plastic secant, the solver did not converge on the
 * default phantom's nodules; with the smooth secant it does, tests/sim/test-patient-root.) */
#pragma once

#include "cusp-landmarks.h"
#include "cusp-measure.h"
#include "cusp-sim.h"
#include "cusp-volume.h"

G_BEGIN_DECLS

#define CUSP_PATIENT_WALL_MIN_WALL_MM 3.0    /* thinner non-lumen runs with lumen behind them are
                                              * crossed: noise, leaflets (1-2 mm) */
#define CUSP_PATIENT_WALL_MIN_FRACTION 0.6   /* hits nearer than this x the measured root's radius
                                              * are leaflets or folds: filled from neighbours */
#define CUSP_PATIENT_WALL_MAX_FRACTION 1.6   /* hits beyond this x the measured root's radius ran
                                              * out of the root (LV, atrium): filled */
#define CUSP_PATIENT_WALL_CUT_MAX_FRACTION 1.25 /* a ray going on past a label cut inside the
                                                 * blood ends within this x the measured root's
                                                 * radius, or it ran into the LV: filled */
#define CUSP_PATIENT_WALL_OUTLIER_MM 2.0     /* hits this far off the median around them: filled */
#define CUSP_PATIENT_CALCIUM_MAX_PROTRUSION_MM 3.0 /* thicker is a segmentation artefact */
#define CUSP_PATIENT_WALL_MAX_GAP_MM2 1000.0 /* a larger hole in the valve region (about a third
                                              * of it) is refused */

typedef struct {
  double origin_mm[3];               /* LPS: annulus centroid */
  double axis_x[3];                  /* LPS unit vectors of the root frame's axes */
  double axis_y[3];
  double axis_z[3];
} CuspRootFrame;

/* The root frame from the measured annulus (FALSE + CUSP_ERROR_FAILED if it was not measured). */
gboolean cusp_root_frame_from_annulus (const CuspSection *annulus, CuspRootFrame *frame,
                                       GError **error);
void     cusp_root_frame_from_lps     (const CuspRootFrame *frame, const double lps_mm[3],
                                       double root_mm[3]);
void     cusp_root_frame_to_lps       (const CuspRootFrame *frame, const double root_mm[3],
                                       double lps_mm[3]);
/* Angle about the root axis, degrees in [0, 360), from +x toward +y. */
double   cusp_root_frame_angle_deg    (const CuspRootFrame *frame, const double lps_mm[3]);

/* The analytic root given this patient's measured numbers (annulus Dmin / Dmax, LVOT, SOV, STJ,
 * coronary heights, commissure and ostium angles, cusp height = mean commissure height). */
gboolean cusp_patient_root_def        (const CuspMeasurements *m, const CuspLandmarks *landmarks,
                                       const CuspRootFrame *frame, CuspSimRootDef *root,
                                       GError **error);

typedef struct {
  double height0_mm;                 /* root-frame z range of the wall: -14 */
  double height1_mm;                 /* 44 */
  double height_step_mm;             /* 0.5 */
  int angle_count;                   /* 180 (2 deg) */
  double max_radius_mm;              /* rays give up beyond: 40 */
  double required_from_mm;           /* the valve region that must be covered: -10 .. 25 */
  double required_to_mm;
  double required_fraction;          /* of the cells in that region: 0.6 */
  double max_gap_mm2;                /* largest patch of it without a hit that is filled in:
                                      * CUSP_PATIENT_WALL_MAX_GAP_MM2 */
} CuspPatientWallParams;

typedef struct {
  CuspRootFrame frame;
  CuspPatientWallParams params;
  int height_count;
  double *radius_mm;                 /* [height_count][angle_count], root frame, smoothed */
  int hit_cells;                     /* cells whose ray found the wall (and kept) */
  int filled_cells;                  /* cells filled from neighbours: the others */
  double hit_fraction_valve_region;  /* over required_from_mm .. required_to_mm */
  int calcium_count;
  CuspSimCalcium calcium[CUSP_SIM_MAX_CALCIUM];
  double calcium_mm3;                /* of the nodules kept */
  int calcium_dropped;               /* nodules beyond CUSP_SIM_MAX_CALCIUM */
  int vertex_count, triangle_count;  /* the field as a closed-round tube for CuspSimLumenMesh */
  double *vertices_mm;
  int *triangles;
  GPtrArray *warnings;               /* (element-type utf8) readable, non-fatal */
  guint8 *hit_mask;                  /* [height_count][angle_count] 1: the ray's wall, 0: filled */
  int rejected_cells;                /* hits dropped as outliers (CUSP_PATIENT_WALL_OUTLIER_MM) */
  double largest_gap_mm2;            /* largest patch of the valve region without a hit */
} CuspPatientWall;

CuspPatientWallParams cusp_patient_wall_default_params (void);

typedef struct {
  int count;
  CuspSimCalcium nodules[CUSP_SIM_MAX_CALCIUM];
  double volume_mm3;                 /* of the nodules kept */
  int dropped;                       /* nodules beyond CUSP_SIM_MAX_CALCIUM */
} CuspPatientCalcium;

/* The segmented calcium as nodules in the root frame (see "Calcium" above), on its own: for the
 * analytic root when the wall could not be used. */
gboolean cusp_patient_calcium_place (const CuspVolume *labels, const CuspRootFrame *frame,
                                     const CuspPatientWallParams *params,
                                     const CuspSimRootDef *expected, CuspPatientCalcium *out,
                                     GError **error);

/* `labels`: the segmentation's int16 CuspLabel volume; `image` (nullable): the image on the same
 * patient axes and the lumen threshold the segmentation used, to put each label edge on the
 * image's own sub-voxel threshold crossing. `expected`: the analytic root from the measurements
 * (cusp_patient_root_def): hits far inside it are refused, its annulus radius turns nodule angles
 * into arc length. NULL + CUSP_ERROR_FAILED when the lumen does not give a usable wall in the
 * valve region. */
CuspPatientWall *cusp_patient_wall_new        (const CuspVolume *labels, const CuspVolume *image,
                                               double lumen_threshold, const CuspRootFrame *frame,
                                               const CuspPatientWallParams *params,
                                               const CuspSimRootDef *expected, GError **error);
/* Borrows the wall's arrays: valid while the wall lives. */
void             cusp_patient_wall_lumen_mesh (const CuspPatientWall *wall, CuspSimLumenMesh *mesh);
/* Free lumen radius at (theta, z) by bilinear interpolation of the field (for tests). */
double           cusp_patient_wall_radius     (const CuspPatientWall *wall, double theta_deg,
                                               double z_mm);
void             cusp_patient_wall_free       (CuspPatientWall *wall);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspPatientWall, cusp_patient_wall_free)

G_END_DECLS
