/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-phantom.h: a parametric synthetic contrast CT of the aortic root with exact ground truth.
 *
 * It is the app's built-in demo case and the fixture of the measurement tests, so every number a
 * measurement can be compared with is recorded in a CuspPhantomTruth.
 *
 * Geometry (all in LPS millimetres). The root has its own right-handed frame:
 *   C  annulus centre (def->annulus_center_mm)
 *   n  root axis, from the LV toward the aortic arch: superior, tilted by axis_tilt_deg toward a
 *      direction in the axial plane axis_azimuth_deg from patient right (-x) toward anterior (-y),
 *      so it points superior, rightward and anterior like a real heart and no plane is axis-aligned.
 *   r0 projection of anterior (-y) onto the annulus plane; q0 = n x r0 (toward the patient's left).
 * A point p has height h = (p - C).n above the annulus plane and in-plane polar angle theta,
 * measured from r0 toward q0. Cusp centres sit at theta = 0 (right), 120 (left), 240 deg
 * (non-coronary); commissures at 60 (L-R), 180 (N-L) and 300 deg (R-N).
 * The annulus is the ellipse in the plane h = 0 with semi-axes a >= b, pi a b = annulus_area_mm2,
 * b/a = 1 - eccentricity, major axis at theta = major_axis_angle_deg. The lumen radius at
 * (theta, h) is
 *   LVOT   h in [-lvot_length_mm, 0]: an ellipse whose semi-axes go from (a, b) at h = 0 to
 *          (a, b) * lvot_scale at h <= -3 mm along S(-h / 3) (so the LVOT 4 mm below is exact);
 *   sinus  h in [0, h_stj]: R = (1-S(t)) R_ellipse(theta) + S(t) r_stj + bulge sin^2(pi t) L(theta),
 *          t = h / h_stj, L = (1 - cos 3(theta - 60 deg)) / 2 (1 at cusp centres, 0 at commissures);
 *   STJ    the circle r_stj at h = h_stj; above it the radius goes along S over 10 mm to the
 *          ascending radius and stays there.
 * S(t) = 3t^2 - 2t^3 (smoothstep): every measurement plane is a smooth waist or plateau, so the
 * partial-volume neighbourhood of the plane holds nearly the plane's own section.
 * Below the LVOT an ellipsoidal LV cavity; myocardium 8 mm thick around LV and LVOT; an aortic wall
 * 2 mm thick above the annulus; fat outside, and aerated lung beyond extent_radius_mm - 1 mm from
 * the axis (the box's corners): a real CT holds air, and readers recognise CT values by it. The
 * coronary arteries are straight tubes leaving the centre of the left / right sinus parallel to
 * the annulus plane, their lowest line at exactly the
 * requested height, so the ostium's lower edge (where that line meets the sinus wall) has that
 * height. Calcium nodules are spheres (exact analytic volume) lying in the lumen at least 1 mm
 * from the wall: on the leaflets of each cusp (above the annulus plane) and, optionally, in the
 * LVOT (well clear of the 4 mm LVOT plane). Leaflet tissue itself is not drawn (systole: the open
 * leaflets are nearly invisible on contrast CT).
 *
 * Voxels: each voxel is the mean of the piecewise-constant tissue values over 4 x 4 x 4
 * sub-samples wherever its corners disagree (partial volume, so sub-voxel measurement means
 * something), plus Gaussian noise from a counter-based splitmix64 stream: bit-identical for a seed
 * whatever the thread count. Direction is identity (axial CT), the box just holds the root region.
 *
 * Truth JSON (cusp_phantom_truth_to_json), one object, lengths in mm, points [x,y,z] LPS:
 *   "format": "cusp-phantom-truth", "version": 1, "seed": N (as a string: 64-bit),
 *   "volume":    {"dims":[i,j,k], "spacing_mm":[..3], "origin_mm":[..3], "direction":[9, row-major]},
 *   "hu":        {"lumen","myocardium","wall","fat","lung","calcium","noise_sigma"},
 *   "axis":      {"tilt_deg","azimuth_deg","root_axis":[..3]},
 *   "annulus":   {"center_mm","normal","major_axis","minor_axis","semi_major_mm","semi_minor_mm",
 *                 "area_mm2","perimeter_mm","dmin_mm","dmax_mm","area_derived_diameter_mm",
 *                 "perimeter_derived_diameter_mm","eccentricity"},
 *   "lvot":      {"offset_below_annulus_mm":4, "center_mm", same set as annulus, "length_mm"},
 *   "hinges_mm": {"left","right","non_coronary"}, "commissures_mm": {"left_right","right_non",
 *                 "non_left"}, "commissure_height_mm",
 *   "sov":       {"height_mm" (annulus to STJ), "measure_height_mm", "diameters_mm":[L,R,N]
 *                 (cusp centre to opposite commissure, in the plane at measure_height_mm),
 *                 "mean_diameter_mm", "bulge_mm"},
 *   "stj":       {"center_mm","diameter_mm","height_mm"},
 *   "ascending": {"height_mm","center_mm","diameter_mm"},
 *   "coronary":  {"left":{"ostium_mm","height_mm","radius_mm","direction"}, "right":{...}},
 *   "calcium":   {"total_mm3","leaflet_left_mm3","leaflet_right_mm3","leaflet_non_mm3",
 *                 "leaflets_mm3","lvot_mm3","nodules":[{"center_mm","radius_mm","region"}]},
 *   "centerline_mm": [[x,y,z], ...] (on the root axis, LVOT to ascending aorta, 1 mm apart).
 */
#pragma once

#include <gio/gio.h>

#include "cusp-landmarks.h"
#include "cusp-volume.h"

G_BEGIN_DECLS

/* LVOT calcium nodules lie within this depth below the annulus (the measurement's LVOT region). */
#define CUSP_PHANTOM_LVOT_CALCIUM_DEPTH_MM 10.0

typedef struct {
  guint64 seed;
  double spacing_mm;                 /* isotropic voxel size */
  double annulus_area_mm2;
  double eccentricity;               /* SCCT: 1 - Dmin/Dmax */
  double left_coronary_height_mm;    /* lower ostium edge above the annulus plane, perpendicular */
  double right_coronary_height_mm;
  double calcium_mm3;                /* total analytic nodule volume */
  double lvot_calcium_fraction;      /* share of calcium_mm3 placed in the LVOT, 0..1 */
  double noise_hu;                   /* Gaussian noise sigma */
  double lumen_hu;                   /* contrast blood pool (LV, LVOT, root, coronaries) */
  double myocardium_hu;
  double wall_hu;                    /* aortic wall */
  double fat_hu;                     /* background */
  double lung_hu;                    /* beyond extent_radius_mm - 1 from the axis (box corners) */
  double calcium_hu;
  double annulus_center_mm[3];       /* LPS */
  double axis_tilt_deg;              /* root axis angle from superior */
  double axis_azimuth_deg;           /* direction of the tilt: 0 = toward patient right, 90 = anterior */
  double major_axis_angle_deg;       /* annulus major axis angle theta (see above) */
  double lvot_scale;                 /* LVOT semi-axes / annulus semi-axes */
  double lvot_length_mm;
  double sinus_height_mm;            /* annulus plane to STJ */
  double sov_bulge_mm;               /* extra radius at the middle of each sinus; <= 0: 0.3 x D_area */
  double stj_diameter_mm;            /* <= 0: 1.12 x area-derived annulus diameter */
  double ascending_diameter_mm;      /* <= 0: 1.25 x area-derived annulus diameter */
  double extent_below_mm;            /* the box holds heights -extent_below .. +extent_above */
  double extent_above_mm;
  double extent_radius_mm;           /* and this far from the root axis; <= 0: automatic */
} CuspPhantomDef;

typedef enum {
  CUSP_PHANTOM_REGION_LEAFLET_LEFT,
  CUSP_PHANTOM_REGION_LEAFLET_RIGHT,
  CUSP_PHANTOM_REGION_LEAFLET_NON,
  CUSP_PHANTOM_REGION_LVOT,
  CUSP_PHANTOM_REGION_COUNT
} CuspPhantomRegion;

typedef struct {
  double center_mm[3];
  double radius_mm;
  CuspPhantomRegion region;
} CuspPhantomNodule;

typedef struct {
  double center_mm[3];
  double semi_major_mm, semi_minor_mm;
  double area_mm2, perimeter_mm, dmin_mm, dmax_mm, eccentricity;
} CuspPhantomEllipse;

typedef struct {
  double ostium_mm[3];               /* lower edge of the ostium, on the sinus wall */
  double height_mm;
  double radius_mm;
  double direction[3];               /* tube axis, leaving the root */
} CuspPhantomCoronary;

/* Plain struct so tests and the app can read every number; allocate only through
 * cusp_phantom_generate. */
typedef struct _CuspPhantomTruth {
  CuspPhantomDef def;                /* resolved: no automatic (<= 0) values left */
  int dims[3];
  double spacing_mm[3], origin_mm[3], direction[9];
  double root_axis[3];               /* n */
  double major_axis[3], minor_axis[3];
  double ref_anterior[3], ref_left[3]; /* r0, q0 */
  CuspPhantomEllipse annulus;
  CuspPhantomEllipse lvot;           /* 4 mm below the annulus */
  double lvot_offset_mm;             /* 4 */
  double hinge_mm[CUSP_CUSP_COUNT][3];
  double commissure_mm[CUSP_COMMISSURE_COUNT][3];
  double commissure_height_mm;
  double sov_measure_height_mm;
  double sov_diameter_mm[CUSP_CUSP_COUNT];
  double sov_mean_diameter_mm;
  double stj_center_mm[3], stj_diameter_mm, stj_height_mm;
  double ascending_height_mm, ascending_center_mm[3], ascending_diameter_mm;
  CuspPhantomCoronary left_coronary, right_coronary;
  double calcium_region_mm3[CUSP_PHANTOM_REGION_COUNT];
  double calcium_total_mm3;
  int nodule_count;
  CuspPhantomNodule *nodules;
} CuspPhantomTruth;

CuspPhantomDef cusp_phantom_default_def        (void);
/* FALSE + CUSP_ERROR_INVALID_INPUT with a readable message for impossible parameters. */
gboolean       cusp_phantom_def_validate       (const CuspPhantomDef *def,
                                                GError              **error);
/* A new int16 HU CT volume; `truth_out` (nullable) receives the ground truth. */
CuspVolume    *cusp_phantom_generate           (const CuspPhantomDef *def,
                                                CuspPhantomTruth    **truth_out,
                                                GCancellable         *cancellable,
                                                GError              **error);
char          *cusp_phantom_truth_to_json      (const CuspPhantomTruth *truth);
void           cusp_phantom_truth_get_landmarks (const CuspPhantomTruth *truth,
                                                CuspLandmarks          *out);
void           cusp_phantom_truth_free         (CuspPhantomTruth *truth);

/* Exact perimeter of an ellipse (trapezoidal rule on the periodic integrand: exponentially
 * convergent, 1e-12 relative with 256 nodes for any eccentricity the phantom accepts). */
double         cusp_ellipse_perimeter          (double semi_major_mm, double semi_minor_mm);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspPhantomTruth, cusp_phantom_truth_free)

G_END_DECLS
