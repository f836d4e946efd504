/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-measure-private.h: the contour ray caster shared by the measurement files. */
#pragma once

#include "cusp-measure.h"

G_BEGIN_DECLS

typedef struct {
  const CuspVolume *volume;
  double threshold;
  double step_mm;                /* march step along a ray; bisection refines the crossing */
  double max_radius_mm;
} CuspRayCaster;

/* In-plane orthonormal basis (u, v) of a unit normal, n x u = v; deterministic. */
void     cusp_plane_basis      (const double normal[3], double u[3], double v[3]);
/* Distance from `origin` along unit `dir` to the first fall below the threshold; NAN when the
 * origin is not above it or no crossing happens within max_radius_mm. */
double   cusp_ray_radius       (const CuspRayCaster *caster, const double origin[3], const double dir[3]);
/* The lumen section in the plane (center, normal); FALSE (out->valid FALSE) when fewer than half
 * the rays find a wall. */
gboolean cusp_section_measure  (const CuspRayCaster *caster, const double center[3],
                                const double normal[3], CuspSection *out);
/* Robust wall distance along in-plane `dir` (at angle 0) in the plane of `normal`: rays over
 * +/-20 deg, outliers (escapes through ostia) dropped, a quadratic in angle fitted, read at 0. */
double   cusp_robust_radius    (const CuspRayCaster *caster, const double origin[3],
                                const double normal[3], const double dir[3]);

G_END_DECLS
