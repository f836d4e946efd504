/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-vec3.h: the few 3-vector operations the phantom and the measurements share (LPS mm). */
#pragma once

#include <math.h>
#include <string.h>

static inline double
cusp_vec3_dot (const double a[3], const double b[3])
{
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* out = a x b; out may alias a or b. */
static inline void
cusp_vec3_cross (const double a[3], const double b[3], double out[3])
{
  double r[3] = { a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0] };
  memcpy (out, r, sizeof r);
}

/* Scales v to unit length and returns its former length; a zero vector stays zero. */
static inline double
cusp_vec3_normalize (double v[3])
{
  double len = sqrt (cusp_vec3_dot (v, v));
  if (len > 0.0)
    for (int i = 0; i < 3; i++)
      v[i] /= len;
  return len;
}
