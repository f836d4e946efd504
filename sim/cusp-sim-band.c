/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-band.c: banded Cholesky factorisation and solve. A banded factor in one loop nest is
 * all the lattice needs (its half-bandwidth is about one crown level of nodes) and, unlike a
 * threaded BLAS, gives bit-identical results run after run: the sums below always run in the
 * same order. */
#include "cusp-sim-structure.h"

#include <math.h>
#include <time.h>

/* Storage: row i holds A(i, i - hb .. i) left to right: a[i * (hb + 1) + (j - i + hb)], so the
 * inner products below walk both rows forwards. In place: L with A = L L^T. */
#define AT(i, j) a[(size_t) (i) * w + ((j) - (i) + hb)]

static double
dot (const double *x, const double *y, int n)
{
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  int k = 0;

  for (; k + 4 <= n; k += 4)                  /* four chains: the adds overlap in the pipeline */
    {
      s0 += x[k] * y[k];
      s1 += x[k + 1] * y[k + 1];
      s2 += x[k + 2] * y[k + 2];
      s3 += x[k + 3] * y[k + 3];
    }
  for (; k < n; k++)
    s0 += x[k] * y[k];
  return (s0 + s1) + (s2 + s3);
}

int
cusp_sim_band_factor (double *a, int n, int hb)
{
  int w = hb + 1;

  for (int i = 0; i < n; i++)
    {
      int j0 = i - hb < 0 ? 0 : i - hb;
      for (int j = j0; j <= i; j++)
        {
          /* L(i,j) = (A(i,j) - sum_k L(i,k) L(j,k)) / L(j,j), k = j0 .. j-1 */
          double sum = AT (i, j) - dot (&AT (i, j0), &AT (j, j0), j - j0);
          if (j == i)
            {
              if (!(sum > 0.0) || !isfinite (sum))
                return 0;
              AT (i, i) = sqrt (sum);
            }
          else
            AT (i, j) = sum / AT (j, j);
        }
    }
  return 1;
}

void
cusp_sim_band_solve (const double *a, int n, int hb, double *b)
{
  int w = hb + 1;

  for (int i = 0; i < n; i++)                           /* L y = b */
    {
      int k0 = i - hb < 0 ? 0 : i - hb;
      b[i] = (b[i] - dot (&AT (i, k0), &b[k0], i - k0)) / AT (i, i);
    }
  for (int i = n - 1; i >= 0; i--)                      /* L^T x = y */
    {
      int k1 = i + hb >= n ? n - 1 : i + hb;
      double sum = b[i];
      for (int k = i + 1; k <= k1; k++)
        sum -= AT (k, i) * b[k];
      b[i] = sum / AT (i, i);
    }
}

double
cusp_sim_now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}
