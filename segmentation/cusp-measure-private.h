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
  /* Optional leaflet bridging (the annulus): a ray whose lumen ends inside bridge_fraction x the
   * circle through the hinge points may cross a dark gap up to bridge_gap_mm long when lumen
   * follows it (see cusp_ray_radius). bridge_gap_mm 0 turns it off. */
  double bridge_gap_mm;
  double bridge_fraction;
  double bridge_center_mm[3];
  double bridge_radius_mm;
  /* Non-HU images only (a bright-blood MR with walls thinner than its voxels): a ray that finds
   * no wall, or runs on past FILL_LEAK_FACTOR x the hinge circle, has leaked into a neighbour;
   * cusp_section_measure then takes the hinge circle there instead of failing (needs bridging). */
  gboolean fill_from_hinge_circle;
} CuspRayCaster;

/* In-plane orthonormal basis (u, v) of a unit normal, n x u = v; deterministic. */
void     cusp_plane_basis      (const double normal[3], double u[3], double v[3]);
/* Distance from `origin` along unit `dir` to the first fall below the threshold (past bridged
 * leaflet gaps, when the caster bridges); NAN when the origin is not above it or no crossing
 * happens within max_radius_mm. */
double   cusp_ray_radius       (const CuspRayCaster *caster, const double origin[3], const double dir[3]);
/* The lumen section in the plane (center, normal); FALSE (out->valid FALSE) when fewer than half
 * the rays find a wall (with fill_from_hinge_circle: when the centre is outside the hinge circle;
 * out->hinge_circle_rays says how many rays took the circle). */
gboolean cusp_section_measure  (const CuspRayCaster *caster, const double center[3],
                                const double normal[3], CuspSection *out);
/* Sets bridge_center_mm / bridge_radius_mm to the circle through three points (the hinges);
 * FALSE (bridging off) when they are nearly collinear. */
gboolean cusp_ray_caster_bridge_hinges (CuspRayCaster *caster, const double a[3], const double b[3],
                                        const double c[3]);
/* `center` itself when the image there is above the threshold, else the nearest such point in
 * the plane within 8 mm (a leaflet or the coaptation line can sit on a section's centre);
 * FALSE when there is none. */
gboolean cusp_section_lumen_origin     (const CuspRayCaster *caster, const double center[3],
                                        const double normal[3], double origin[3]);
/* Robust wall distance along in-plane `dir` (at angle 0) in the plane of `normal`: rays over
 * +/-20 deg, outliers (escapes through ostia) dropped, a quadratic in angle fitted, read at 0. */
double   cusp_robust_radius    (const CuspRayCaster *caster, const double origin[3],
                                const double normal[3], const double dir[3]);

G_END_DECLS
