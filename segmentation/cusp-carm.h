/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-carm.h: fluoroscopic C-arm angles for TAVR deployment views (DOMAIN.md section 2).
 *
 * Convention (LPS patient coordinates, supine patient): alpha = LAO (+) / RAO (-), beta =
 * CRA (+) / CAU (-), both in degrees. The view direction, from the patient toward the image
 * detector, is
 *   d = (sin a cos b, -cos a cos b, sin b)
 * so AP (0, 0) has the detector anterior (-y), LAO 90 on the patient's left (+x) and CRA tilts it
 * toward the head (+z). A view shows the annulus edge-on (coplanar) when d is perpendicular to
 * the annulus normal n:
 *   tan b = (n_y cos a - n_x sin a) / n_z                     (the "S-curve")
 * Cusp-overlap view: the coplanar view with the left and right hinges superimposed (d parallel to
 * right hinge - left hinge), the non-coronary cusp free. Three-cusp view: the coplanar view looking
 * at the right cusp (d along centre -> right hinge), right cusp in the middle. Of the two opposite
 * d that give the same projection, the one with the detector above the table (d_y < 0) is
 * reported. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  double lao_deg;   /* + LAO, - RAO */
  double cra_deg;   /* + CRA, - CAU */
} CuspCarmAngles;

/* The view direction of an angle pair. */
void     cusp_carm_view_direction (const CuspCarmAngles *angles, double d[3]);
/* The angle pair of a view direction (normalised inside); the detector side is d as given. */
void     cusp_carm_from_direction (const double d[3], CuspCarmAngles *out);
/* The S-curve's CRA/CAU angle at a LAO/RAO angle; FALSE when n_z ~ 0 (every angle is a pure
 * cranial/caudal one: the root lies in an axial plane, not an anatomy Cusp expects). */
gboolean cusp_carm_coplanar_cra   (const double normal[3], double lao_deg, double *cra_deg);
/* Coplanar view along a direction lying in the annulus plane (sign chosen so d_y <= 0). */
void     cusp_carm_view_along     (const double in_plane_direction[3], CuspCarmAngles *out);

G_END_DECLS
