/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-carm.c: C-arm angle conversions; the convention is written out in cusp-carm.h. */
#include "cusp-carm.h"

#include <math.h>

#define DEG (G_PI / 180.0)

void
cusp_carm_view_direction (const CuspCarmAngles *angles, double d[3])
{
  double a = angles->lao_deg * DEG, b = angles->cra_deg * DEG;

  d[0] = sin (a) * cos (b);
  d[1] = -cos (a) * cos (b);
  d[2] = sin (b);
}

void
cusp_carm_from_direction (const double d[3], CuspCarmAngles *out)
{
  double len = sqrt (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);

  g_return_if_fail (len > 0.0);
  /* sin b = d_z; (sin a, -cos a) cos b = (d_x, d_y). */
  out->cra_deg = asin (CLAMP (d[2] / len, -1.0, 1.0)) / DEG;
  out->lao_deg = atan2 (d[0], -d[1]) / DEG;
}

gboolean
cusp_carm_coplanar_cra (const double normal[3], double lao_deg, double *cra_deg)
{
  double a = lao_deg * DEG;
  double len = sqrt (normal[0] * normal[0] + normal[1] * normal[1] + normal[2] * normal[2]);

  if (!(len > 0.0) || fabs (normal[2] / len) < 1e-6)
    return FALSE;
  *cra_deg = atan ((normal[1] * cos (a) - normal[0] * sin (a)) / normal[2]) / DEG;
  return TRUE;
}

void
cusp_carm_view_along (const double in_plane_direction[3], CuspCarmAngles *out)
{
  double d[3] = { in_plane_direction[0], in_plane_direction[1], in_plane_direction[2] };

  if (d[1] > 0.0)
    for (int i = 0; i < 3; i++)
      d[i] = -d[i];
  cusp_carm_from_direction (d, out);
}
