/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-math.h: 3-vectors and 3x3 rotations for the solver (private, header-only). Matrices are
 * row-major double[9]; a "triad" stores the basis vectors as its columns. */
#pragma once

#include <math.h>

static inline double
cusp_v3_dot (const double *a, const double *b)
{
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static inline void
cusp_v3_cross (const double *a, const double *b, double *out)
{
  double t[3] = { a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0] };
  out[0] = t[0];
  out[1] = t[1];
  out[2] = t[2];
}

static inline double
cusp_v3_normalize (double *a)
{
  double n = sqrt (cusp_v3_dot (a, a));
  if (n > 0.0)
    {
      a[0] /= n;
      a[1] /= n;
      a[2] /= n;
    }
  return n;
}

/* out = a * b (row-major 3x3). out may not alias. */
static inline void
cusp_m3_mul (const double *a, const double *b, double *out)
{
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      out[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
}

/* out = a^T * b. */
static inline void
cusp_m3_tmul (const double *a, const double *b, double *out)
{
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      out[3 * i + j] = a[i] * b[j] + a[3 + i] * b[3 + j] + a[6 + i] * b[6 + j];
}

static inline void
cusp_m3_identity (double *m)
{
  for (int i = 0; i < 9; i++)
    m[i] = (i % 4 == 0) ? 1.0 : 0.0;
}

/* Rodrigues: the rotation by the rotation vector w (axis * angle). */
static inline void
cusp_m3_from_rotvec (const double *w, double *r)
{
  double t = sqrt (cusp_v3_dot (w, w));
  double a, b;

  if (t < 1e-8)
    {
      a = 1.0 - t * t / 6.0;                    /* sin t / t */
      b = 0.5 - t * t / 24.0;                   /* (1 - cos t) / t^2 */
    }
  else
    {
      a = sin (t) / t;
      b = (1.0 - cos (t)) / (t * t);
    }
  r[0] = 1.0 - b * (w[1] * w[1] + w[2] * w[2]);
  r[1] = -a * w[2] + b * w[0] * w[1];
  r[2] = a * w[1] + b * w[0] * w[2];
  r[3] = a * w[2] + b * w[0] * w[1];
  r[4] = 1.0 - b * (w[0] * w[0] + w[2] * w[2]);
  r[5] = -a * w[0] + b * w[1] * w[2];
  r[6] = -a * w[1] + b * w[0] * w[2];
  r[7] = a * w[0] + b * w[1] * w[2];
  r[8] = 1.0 - b * (w[0] * w[0] + w[1] * w[1]);
}

/* The rotation vector of r (inverse of Rodrigues), valid below pi. */
static inline void
cusp_m3_to_rotvec (const double *r, double *w)
{
  double v[3] = { 0.5 * (r[7] - r[5]), 0.5 * (r[2] - r[6]), 0.5 * (r[3] - r[1]) };
  double s = sqrt (cusp_v3_dot (v, v));
  double c = 0.5 * (r[0] + r[4] + r[8] - 1.0);
  double f = s < 1e-12 ? 1.0 : atan2 (s, c) / s;

  w[0] = v[0] * f;
  w[1] = v[1] * f;
  w[2] = v[2] * f;
}
