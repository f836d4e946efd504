/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-landmark-private.h: the ray geometry that cusp-landmark-detect.c (root, hinges, STJ) and
 * cusp-landmark-ostium.c (coronary ostia) share. Not installed, not used elsewhere. */
#pragma once

#include "cusp-landmark-detect.h"

G_BEGIN_DECLS

#define CUSP_LANDMARK_RAY_MAX_MM 40.0
#define CUSP_LANDMARK_MAX_RAYS 240   /* the most rays a polar profile may have */

/* A point of a path, as a GArray element. */
typedef struct {
  double p[3];
} CuspLandmarkPoint;

static inline void
cusp_landmark_sub (const double a[3], const double b[3], double out[3])
{
  for (int c = 0; c < 3; c++)
    out[c] = a[c] - b[c];
}

static inline void
cusp_landmark_axpy (const double base[3], double t, const double dir[3], double out[3])
{
  for (int c = 0; c < 3; c++)
    out[c] = base[c] + t * dir[c];
}

/* Trilinear sample of the input image; -G_MAXFLOAT outside the grid. */
double cusp_landmark_sample          (const CuspLandmarkInput *in, const double p[3]);
/* Distance from c along unit dir to the lumen edge (sub-voxel), at most CUSP_LANDMARK_RAY_MAX_MM;
 * with use_mask also where the ray leaves the blood-pool component. */
double cusp_landmark_ray_radius      (const CuspLandmarkInput *in, const double c[3], const double dir[3],
                                      gboolean use_mask);
/* Two unit vectors spanning the plane normal to n; e1 is anterior (-y) projected when possible. */
void   cusp_landmark_plane_basis     (const double n[3], double e1[3], double e2[3]);
void   cusp_landmark_direction_at    (const double e1[3], const double e2[3], double theta, double out[3]);
/* Circular median of half-width `half` samples. */
void   cusp_landmark_circular_median (const double *in, int count, int half, double *out);
/* Ray radii at `rays` angles (at most CUSP_LANDMARK_MAX_RAYS) in the plane of e1/e2 through c,
 * circular-median filtered over median_half samples (none when 0). */
void   cusp_landmark_polar_profile   (const CuspLandmarkInput *in, const double c[3], const double e1[3],
                                      const double e2[3], int rays, int median_half, gboolean use_mask,
                                      double *r);
/* Centre of the root at height h above `base` along axis a, from the path `line` of
 * CuspLandmarkPoint. */
void   cusp_landmark_axis_center_at  (const GArray *line, const double base[3], const double a[3], double h,
                                      double out[3]);

/* cusp-landmark-ostium.c. Coronary branches: rays escaping the sinus wall in planes parallel to
 * the hinge plane (1 mm up to 3 mm above the STJ), paired into left and right by side; sets
 * found[] and ostium[] (0 left, 1 right) for those seen. */
void     cusp_landmark_find_branch_ostia (const CuspLandmarkInput *in, const GArray *line,
                                          const double center[3], const double normal[3], double h_stj,
                                          double ostium[2][3], gboolean found[2]);
/* An ostium in one sinus (theta_from..theta_to in the plane of e1/e2, h_from..h_to above the hinge
 * plane) that joins it only through a partial-volume neck: radially, else vessel first (then
 * *oblique is set: the weaker evidence). FALSE when none is seen. */
gboolean cusp_landmark_find_sinus_ostium (const CuspLandmarkInput *in, const GArray *line,
                                          const double center[3], const double normal[3],
                                          const double e1[3], const double e2[3], double theta_from,
                                          double theta_to, double h_from, double h_to, double point[3],
                                          gboolean *oblique);

G_END_DECLS
