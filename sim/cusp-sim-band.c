/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-band.c: banded Cholesky factorisation and solve. A banded factor in one loop nest is
 * all the lattice needs (its half-bandwidth is a few rows of nodes) and, unlike a threaded BLAS,
 * gives bit-identical results run after run. */
#include "cusp-sim-structure.h"

#include <math.h>
#include <time.h>

/* Storage: a[i * (hb + 1) + j] = A(i, i - j). In place: L with A = L L^T. */
int
cusp_sim_band_factor (double *a, int n, int hb)
{
  int w = hb + 1;

  for (int i = 0; i < n; i++)
    {
      int j0 = i - hb < 0 ? 0 : i - hb;
      for (int j = j0; j <= i; j++)
        {
          /* L(i,j) = (A(i,j) - sum_k L(i,k) L(j,k)) / L(j,j),  k from max(i,j)-hb to j-1 */
          double sum = a[i * w + (i - j)];
          int k0 = j0 > j - hb ? j0 : j - hb;
          for (int k = k0; k < j; k++)
            sum -= a[i * w + (i - k)] * a[j * w + (j - k)];
          if (j == i)
            {
              if (!(sum > 0.0) || !isfinite (sum))
                return 0;
              a[i * w] = sqrt (sum);
            }
          else
            a[i * w + (i - j)] = sum / a[j * w];
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
      double sum = b[i];
      for (int k = k0; k < i; k++)
        sum -= a[i * w + (i - k)] * b[k];
      b[i] = sum / a[i * w];
    }
  for (int i = n - 1; i >= 0; i--)                      /* L^T x = y */
    {
      int k1 = i + hb >= n ? n - 1 : i + hb;
      double sum = b[i];
      for (int k = i + 1; k <= k1; k++)
        sum -= a[k * w + (k - i)] * b[k];
      b[i] = sum / a[i * w];
    }
}

double
cusp_sim_now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}
