/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-measure-section.c: sub-voxel lumen contours in an oblique plane by ray casting, and the
 * perimeter, area and calipers of those contours (conventions in cusp-measure.h). */
#include "cusp-measure-private.h"
#include "cusp-vec3.h"

#include <math.h>
#include <string.h>

#define N CUSP_MEASURE_RAYS
#define HARMONICS 24                 /* low-pass of the radius function r(phi) */
/* The annulus (bridged) keeps fewer: its leaflet flecks leave ripples of a few degrees that add
 * perimeter but no area; an adult annulus (an ellipse up to eccentricity 0.35: its radius
 * harmonics fall as 0.21^k) needs far fewer than 12. */
#define BRIDGED_HARMONICS 12
#define MEDIAN_HALF_WINDOW 15        /* rays each side for the outlier median (+/-15 deg) */
#define OUTLIER_MM 2.5
#define BISECTIONS 7
#define BRIDGE_OVERSHOOT 1.5         /* a bridged ray may end this far past the hinge circle */
#define DENT_MEDIAN_HALF_WINDOW 30   /* rays each side for the inward-dent median */
#define DENT_FRACTION 0.75           /* a ray shorter than this x that median is a dent */
#define DENT_HALF_WINDOW 5           /* rays (deg) each side for closing leaflet dents */
/* A ray past 1.25 x the hinge circle crossed no wall: the sinus bulges reach ~1.2 x the annulus
 * radius well above the hinges, the annulus itself does not (fill_from_hinge_circle only). */
#define FILL_LEAK_FACTOR 1.25


void
cusp_plane_basis (const double normal[3], double u[3], double v[3])
{
  /* u = normal x (the LPS axis least aligned with the normal), normalised. */
  double axis[3] = { 0.0, 0.0, 0.0 };
  int best = 0;

  for (int i = 1; i < 3; i++)
    if (fabs (normal[i]) < fabs (normal[best]))
      best = i;
  axis[best] = 1.0;
  cusp_vec3_cross (normal, axis, u);
  cusp_vec3_normalize (u);
  cusp_vec3_cross (normal, u, v);
}

#define OUTSIDE_VOLUME (-1e30)

/* Trilinear sample, specialised by voxel type: this is the measurement's inner loop (about 10^5
 * samples per re-measure), so it avoids the generic per-corner type switch of
 * cusp_volume_sample_index. Same result inside the volume; OUTSIDE_VOLUME beyond the centres. */
#define TRILINEAR(T)                                                                          \
  do {                                                                                        \
    const T *v = (const T *) vol->voxels + ((gsize) k * ny + j) * nx + i;                     \
    double c00 = v[0] + fx * (v[1] - v[0]);                                                   \
    double c10 = v[nx] + fx * (v[nx + 1] - v[nx]);                                            \
    double c01 = v[nxy] + fx * (v[nxy + 1] - v[nxy]);                                         \
    double c11 = v[nxy + nx] + fx * (v[nxy + nx + 1] - v[nxy + nx]);                          \
    double c0 = c00 + fy * (c10 - c00), c1 = c01 + fy * (c11 - c01);                          \
    return c0 + fz * (c1 - c0);                                                               \
  } while (0)

static inline double
sample_along (const CuspRayCaster *c, const double ijk0[3], const double dijk[3], double r)
{
  const CuspVolume *vol = c->volume;
  const int nx = vol->dims[0], ny = vol->dims[1];
  const gsize nxy = (gsize) nx * ny;
  double x = ijk0[0] + r * dijk[0], y = ijk0[1] + r * dijk[1], z = ijk0[2] + r * dijk[2];
  int i, j, k;
  double fx, fy, fz;

  if (!(x >= 0.0 && x <= nx - 1 && y >= 0.0 && y <= ny - 1 && z >= 0.0 && z <= vol->dims[2] - 1))
    return OUTSIDE_VOLUME;
  /* The last cell is used for points on the far face (fraction 1). */
  i = MIN ((int) x, nx - 2);
  j = MIN ((int) y, ny - 2);
  k = MIN ((int) z, vol->dims[2] - 2);
  fx = x - i;
  fy = y - j;
  fz = z - k;
  if (vol->voxel_type == CUSP_VOXEL_INT16)
    TRILINEAR (gint16);
  else
    TRILINEAR (float);
}

/* How far along the ray (origin inside the plane of the hinge circle) the circle lies: the
 * radius a ray of an annulus that went through the hinges would have; NAN without bridging. */
static double
bridge_limit (const CuspRayCaster *c, const double origin[3], const double dir[3])
{
  double o[3], b, q, disc;

  if (!(c->bridge_gap_mm > 0.0 && c->bridge_radius_mm > 0.0))
    return NAN;
  for (int k = 0; k < 3; k++)
    o[k] = origin[k] - c->bridge_center_mm[k];
  b = cusp_vec3_dot (dir, o);
  q = cusp_vec3_dot (o, o) - c->bridge_radius_mm * c->bridge_radius_mm;
  disc = b * b - q;
  if (q >= 0.0 || disc < 0.0)
    return NAN;                      /* origin outside the circle: no leaflet prior there */
  return c->bridge_fraction * (-b + sqrt (disc));
}

double
cusp_ray_radius (const CuspRayCaster *caster, const double origin[3], const double dir[3])
{
  double ijk0[3], ijk1[3], end[3], dijk[3];
  double lo, hi, v_lo, v_hi = 0.0, limit, gap_lo = 0.0, gap_hi = 0.0, gap_v_lo = 0.0, gap_v_hi = 0.0;
  gboolean bridged = FALSE;

  /* Work in index space: one matrix product per ray instead of one per sample. */
  for (int i = 0; i < 3; i++)
    end[i] = origin[i] + dir[i];
  cusp_volume_lps_to_index (caster->volume, origin, ijk0);
  cusp_volume_lps_to_index (caster->volume, end, ijk1);
  for (int i = 0; i < 3; i++)
    dijk[i] = ijk1[i] - ijk0[i];
  limit = bridge_limit (caster, origin, dir);

  v_lo = sample_along (caster, ijk0, dijk, 0.0);
  if (!(v_lo >= caster->threshold))
    return NAN;
  lo = 0.0;
  for (hi = caster->step_mm; hi <= caster->max_radius_mm; hi += caster->step_mm)
    {
      v_hi = sample_along (caster, ijk0, dijk, hi);
      if (v_hi < caster->threshold && v_hi != OUTSIDE_VOLUME && lo < limit)
        {
          /* Closed (diastolic) leaflets and their coaptation lines are thin dark lines inside
           * the annulus ring; the SCCT annulus is the lumen's outer boundary through the hinges,
           * so a ray well inside the hinge circle crosses such a gap when lumen follows within
           * bridge_gap_mm. Beyond the limit no gap is crossed: that is where a thin wall can
           * separate the root from a neighbouring chamber. */
          double resume = NAN;
          for (double g = hi + caster->step_mm; g <= hi + caster->bridge_gap_mm; g += caster->step_mm)
            {
              double v = sample_along (caster, ijk0, dijk, g);
              if (v >= caster->threshold)
                {
                  resume = g;
                  break;
                }
            }
          if (isfinite (resume))
            {
              bridged = TRUE;
              gap_lo = lo, gap_hi = hi, gap_v_lo = v_lo, gap_v_hi = v_hi;
              hi = resume;
              lo = hi;
              v_lo = sample_along (caster, ijk0, dijk, hi);
              continue;
            }
        }
      if (v_hi < caster->threshold)
        break;
      lo = hi;
      v_lo = v_hi;
    }
  /* A bridged ray must end near the hinge circle: lumen that runs on past it came through a
   * thin wall into a neighbour, so the wall is taken where the last bridged gap began (a short
   * ray there is an inward dent, which cusp_section_measure drops and fills). */
  if (bridged && (hi > caster->max_radius_mm || v_hi == OUTSIDE_VOLUME ||
                  hi > limit / caster->bridge_fraction * BRIDGE_OVERSHOOT))
    lo = gap_lo, hi = gap_hi, v_lo = gap_v_lo, v_hi = gap_v_hi;
  /* Leaving the image is an escape, not a wall. */
  else if (hi > caster->max_radius_mm || v_hi == OUTSIDE_VOLUME)
    return NAN;
  for (int b = 0; b < BISECTIONS; b++)
    {
      double mid = 0.5 * (lo + hi), v_mid = sample_along (caster, ijk0, dijk, mid);
      if (v_mid >= caster->threshold)
        lo = mid, v_lo = v_mid;
      else
        hi = mid, v_hi = v_mid;
    }
  return lo + (hi - lo) * (v_lo - caster->threshold) / (v_lo - v_hi);
}

gboolean
cusp_ray_caster_bridge_hinges (CuspRayCaster *caster, const double a[3], const double b[3],
                               const double c[3])
{
  double u[3], w[3], n[3], nu[3], wn[3], nn;

  caster->bridge_radius_mm = 0.0;
  for (int k = 0; k < 3; k++)
    {
      u[k] = b[k] - a[k];
      w[k] = c[k] - a[k];
    }
  cusp_vec3_cross (u, w, n);
  nn = cusp_vec3_dot (n, n);
  if (!(nn > 1e-6))
    return FALSE;
  /* Circumcentre: a + (|u|^2 (w x n) + |w|^2 (n x u)) / (2 |n|^2). */
  cusp_vec3_cross (w, n, wn);
  cusp_vec3_cross (n, u, nu);
  for (int k = 0; k < 3; k++)
    caster->bridge_center_mm[k] = a[k] + (cusp_vec3_dot (u, u) * wn[k] + cusp_vec3_dot (w, w) * nu[k]) / (2.0 * nn);
  for (int k = 0; k < 3; k++)
    u[k] = caster->bridge_center_mm[k] - a[k];
  caster->bridge_radius_mm = sqrt (cusp_vec3_dot (u, u));
  return TRUE;
}

gboolean
cusp_section_lumen_origin (const CuspRayCaster *caster, const double center[3], const double normal[3],
                           double origin[3])
{
  double u[3], v[3];

  memcpy (origin, center, 3 * sizeof (double));
  if (cusp_volume_sample_lps (caster->volume, center, -G_MAXDOUBLE) >= caster->threshold)
    return TRUE;
  cusp_plane_basis (normal, u, v);
  /* Nearest first: rings every 0.5 mm, 48 directions each. */
  for (double r = 0.5; r <= 8.0; r += 0.5)
    for (int a = 0; a < 48; a++)
      {
        double phi = 2.0 * G_PI * a / 48, p[3];
        for (int k = 0; k < 3; k++)
          p[k] = center[k] + r * (cos (phi) * u[k] + sin (phi) * v[k]);
        if (cusp_volume_sample_lps (caster->volume, p, -G_MAXDOUBLE) >= caster->threshold)
          {
            memcpy (origin, p, 3 * sizeof (double));
            return TRUE;
          }
      }
  return FALSE;
}

/* The median of a[0..n-1] (upper median for even n); reorders a. Quickselect: this runs once per
 * ray, so no qsort callback. */
static double
median_inplace (double *a, int n)
{
  int lo = 0, hi = n - 1, want = n / 2;

  while (lo < hi)
    {
      double pivot = a[(lo + hi) / 2];
      int i = lo, j = hi;
      while (i <= j)
        {
          while (a[i] < pivot)
            i++;
          while (a[j] > pivot)
            j--;
          if (i <= j)
            {
              double t = a[i];
              a[i++] = a[j];
              a[j--] = t;
            }
        }
      if (want <= j)
        hi = j;
      else if (want >= i)
        lo = i;
      else
        break;
    }
  return a[want];
}

/* median[i]: the median of the finite r within +/-half_window rays of i, circularly (NAN when
 * none is finite). */
static void
local_medians (const double *r, int n, int half_window, double *median)
{
  double *window = g_newa (double, 2 * half_window + 1);

  for (int i = 0; i < n; i++)
    {
      int m = 0;
      for (int j = -half_window; j <= half_window; j++)
        {
          double x = r[((i + j) % n + n) % n];
          if (isfinite (x))
            window[m++] = x;
        }
      median[i] = m == 0 ? NAN : median_inplace (window, m);
    }
}

/* Marks escaped rays and spikes (> OUTLIER_MM above the local median) as NAN; returns how many
 * rays remain good. */
static int
drop_outliers (double *r, int n, int half_window)
{
  double *median = g_newa (double, n);
  int good = 0;

  local_medians (r, n, half_window, median);
  for (int i = 0; i < n; i++)
    {
      if (!isfinite (r[i]) || !isfinite (median[i]) || r[i] > median[i] + OUTLIER_MM)
        r[i] = NAN;
      else
        good++;
    }
  return good;
}

/* Marks rays shorter than DENT_FRACTION of the median of +/-half rays as NAN (a leaflet fleck
 * too thick to bridge stops a ray well inside the ring); returns how many rays remain good. */
static int
drop_dents (double *r, int n, int half_window)
{
  double *median = g_newa (double, n);
  int good = 0;

  local_medians (r, n, half_window, median);
  for (int i = 0; i < n; i++)
    {
      if (isfinite (r[i]) && isfinite (median[i]) && r[i] < DENT_FRACTION * median[i])
        r[i] = NAN;
      good += isfinite (r[i]);
    }
  return good;
}

/* Fills NAN rays by linear interpolation (in angle) between the nearest good rays, circularly. */
static void
bridge_gaps (double *r, int n)
{
  for (int i = 0; i < n; i++)
    {
      int before = 1, after = 1;
      if (isfinite (r[i]))
        continue;
      while (!isfinite (r[((i - before) % n + n) % n]))
        before++;
      while (!isfinite (r[(i + after) % n]))
        after++;
      /* Filling in order keeps a gap on one straight line: a filled ray lies on the line
       * between the gap's good ends, so the next ray of the gap interpolates on the same line. */
      r[i] = (r[((i - before) % n + n) % n] * after + r[(i + after) % n] * before) / (before + after);
    }
}

/* Morphological closing of the periodic radius function (max then min over +/-half rays):
 * removes inward dents narrower than the window, which on an annulus are rays stopped by a
 * leaflet fleck too thick to bridge; a smooth contour moves by r'' w^2 / 2 at most (< 0.1 mm
 * for an adult ellipse at 5 deg). Outward spikes were dropped before, by drop_outliers. */
static void
close_dents (double *r, int n, int half)
{
  double *dilated = g_newa (double, n);

  for (int i = 0; i < n; i++)
    {
      dilated[i] = r[i];
      for (int j = -half; j <= half; j++)
        dilated[i] = fmax (dilated[i], r[((i + j) % n + n) % n]);
    }
  for (int i = 0; i < n; i++)
    {
      r[i] = dilated[i];
      for (int j = -half; j <= half; j++)
        r[i] = fmin (r[i], dilated[((i + j) % n + n) % n]);
    }
}

/* Keeps harmonics 0..harmonics (at most HARMONICS) of the periodic radius function. */
static void
low_pass (double *r, int n, int harmonics)
{
  double a[HARMONICS + 1], b[HARMONICS + 1];
  double *cos_table = g_newa (double, n), *sin_table = g_newa (double, n);

  for (int m = 0; m < n; m++)
    {
      cos_table[m] = cos (2.0 * G_PI * m / n);
      sin_table[m] = sin (2.0 * G_PI * m / n);
    }
  for (int k = 0; k <= harmonics; k++)
    {
      a[k] = b[k] = 0.0;
      for (int i = 0; i < n; i++)
        {
          int m = (k * i) % n;
          a[k] += r[i] * cos_table[m];
          b[k] += r[i] * sin_table[m];
        }
      a[k] *= (k == 0 ? 1.0 : 2.0) / n;
      b[k] *= 2.0 / n;
    }
  for (int i = 0; i < n; i++)
    {
      double x = a[0];
      for (int k = 1; k <= harmonics; k++)
        {
          int m = (k * i) % n;
          x += a[k] * cos_table[m] + b[k] * sin_table[m];
        }
      r[i] = x;
    }
}

static double
caliper_width (const double *x, const double *y, int n, double theta)
{
  double c = cos (theta), s = sin (theta), lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;

  for (int i = 0; i < n; i++)
    {
      double p = x[i] * c + y[i] * s;
      lo = p < lo ? p : lo;
      hi = p > hi ? p : hi;
    }
  return hi - lo;
}

/* Vertex of the parabola through three equally spaced widths: the extreme between samples. */
static double
parabola_peak (double w_minus, double w0, double w_plus)
{
  double denom = w_minus - 2.0 * w0 + w_plus;
  double t = denom != 0.0 ? CLAMP (0.5 * (w_minus - w_plus) / denom, -0.5, 0.5) : 0.0;
  return w0 + 0.5 * t * (w_plus - w_minus) + 0.5 * t * t * denom;
}

/* Where a non-HU image shows no wall (the ray escapes or runs on past FILL_LEAK_FACTOR x the
 * hinge circle into a chamber the root touches without a visible wall), the contour follows the
 * circle through the hinges: the only prior there is. Spikes and dents among the walls that did
 * show are dropped as usual and take the circle too. FALSE when the origin is not inside the
 * hinge circle. */
static gboolean
fill_from_hinge_circle (const CuspRayCaster *caster, const double center[3], const double u[3],
                        const double v[3], double *r, int *filled)
{
  double circle[N];

  for (int i = 0; i < N; i++)
    {
      double phi = 2.0 * G_PI * i / N, dir[3];
      for (int k = 0; k < 3; k++)
        dir[k] = cos (phi) * u[k] + sin (phi) * v[k];
      circle[i] = bridge_limit (caster, center, dir) / caster->bridge_fraction;
      if (!isfinite (circle[i]))
        return FALSE;
      if (!(r[i] <= FILL_LEAK_FACTOR * circle[i]))
        r[i] = NAN;
    }
  drop_outliers (r, N, MEDIAN_HALF_WINDOW);
  drop_dents (r, N, DENT_MEDIAN_HALF_WINDOW);
  *filled = 0;
  for (int i = 0; i < N; i++)
    if (!isfinite (r[i]))
      {
        r[i] = circle[i];
        (*filled)++;
      }
  return TRUE;
}

/* Minimum and maximum caliper width: every 1 deg over half a turn, refined parabolically. */
static void
caliper_extremes (const double *x, const double *y, int n, double *dmin, double *dmax)
{
  enum { STEPS = 180 };
  double w[STEPS];
  int imin = 0, imax = 0;

  for (int t = 0; t < STEPS; t++)
    {
      w[t] = caliper_width (x, y, n, G_PI * t / STEPS);
      imin = w[t] < w[imin] ? t : imin;
      imax = w[t] > w[imax] ? t : imax;
    }
  /* Widths repeat every half turn, so the neighbours wrap around. */
  *dmin = parabola_peak (w[(imin + STEPS - 1) % STEPS], w[imin], w[(imin + 1) % STEPS]);
  *dmax = parabola_peak (w[(imax + STEPS - 1) % STEPS], w[imax], w[(imax + 1) % STEPS]);
}

gboolean
cusp_section_measure (const CuspRayCaster *caster, const double center[3], const double normal[3],
                      CuspSection *out)
{
  double u[3], v[3], r[N], x[N], y[N];
  double area2 = 0.0, cx = 0.0, cy = 0.0, perimeter = 0.0, dmin, dmax;
  int good;

  memset (out, 0, sizeof *out);
  memcpy (out->center_mm, center, sizeof out->center_mm);
  memcpy (out->normal, normal, sizeof out->normal);
  out->area_mm2 = out->perimeter_mm = out->dmin_mm = out->dmax_mm = NAN;
  out->area_diameter_mm = out->perimeter_diameter_mm = out->eccentricity = NAN;
  for (int i = 0; i < 3; i++)
    out->centroid_mm[i] = NAN;

  cusp_plane_basis (normal, u, v);
  for (int i = 0; i < N; i++)
    {
      double phi = 2.0 * G_PI * i / N, dir[3];
      for (int k = 0; k < 3; k++)
        dir[k] = cos (phi) * u[k] + sin (phi) * v[k];
      r[i] = cusp_ray_radius (caster, center, dir);
    }
  if (caster->fill_from_hinge_circle)
    {
      if (!fill_from_hinge_circle (caster, center, u, v, r, &out->hinge_circle_rays))
        return FALSE;
    }
  else
    {
      good = drop_outliers (r, N, MEDIAN_HALF_WINDOW);
      if (caster->bridge_gap_mm > 0.0)
        good = drop_dents (r, N, DENT_MEDIAN_HALF_WINDOW);
      if (good < N / 2)
        return FALSE;
      out->bridged_rays = N - good;
      bridge_gaps (r, N);
    }
  if (caster->bridge_gap_mm > 0.0)
    close_dents (r, N, DENT_HALF_WINDOW);
  low_pass (r, N, caster->bridge_gap_mm > 0.0 ? BRIDGED_HARMONICS : HARMONICS);

  for (int i = 0; i < N; i++)
    {
      double phi = 2.0 * G_PI * i / N;
      x[i] = r[i] * cos (phi);
      y[i] = r[i] * sin (phi);
      for (int k = 0; k < 3; k++)
        out->points_mm[i][k] = center[k] + x[i] * u[k] + y[i] * v[k];
    }
  out->point_count = N;
  for (int i = 0; i < N; i++)
    {
      int j = (i + 1) % N;
      double cross = x[i] * y[j] - x[j] * y[i];
      area2 += cross;
      cx += (x[i] + x[j]) * cross;
      cy += (y[i] + y[j]) * cross;
      perimeter += hypot (x[j] - x[i], y[j] - y[i]);
    }
  caliper_extremes (x, y, N, &dmin, &dmax);

  out->area_mm2 = 0.5 * fabs (area2);
  cx /= 3.0 * area2;
  cy /= 3.0 * area2;
  for (int k = 0; k < 3; k++)
    out->centroid_mm[k] = center[k] + cx * u[k] + cy * v[k];
  out->perimeter_mm = perimeter;
  out->dmin_mm = dmin;
  out->dmax_mm = dmax;
  out->area_diameter_mm = 2.0 * sqrt (out->area_mm2 / G_PI);
  out->perimeter_diameter_mm = perimeter / G_PI;
  out->eccentricity = 1.0 - dmin / dmax;
  out->valid = TRUE;
  return TRUE;
}

double
cusp_robust_radius (const CuspRayCaster *caster, const double origin[3], const double normal[3],
                    const double dir[3])
{
  enum { HALF = 20 };
  double side[3], r[2 * HALF + 1];
  double s[5] = { 0 }, t[3] = { 0 }, det;
  int good;

  cusp_vec3_cross (normal, dir, side);
  for (int j = -HALF; j <= HALF; j++)
    {
      double phi = j * G_PI / 180.0, d[3];
      for (int k = 0; k < 3; k++)
        d[k] = cos (phi) * dir[k] + sin (phi) * side[k];
      r[j + HALF] = cusp_ray_radius (caster, origin, d);
    }
  /* Not circular here: the median window simply covers the whole fan. */
  good = 0;
  {
    double sorted[2 * HALF + 1], median;
    int m = 0;
    for (int j = 0; j < 2 * HALF + 1; j++)
      if (isfinite (r[j]))
        sorted[m++] = r[j];
    if (m < HALF)
      return NAN;
    median = median_inplace (sorted, m);
    for (int j = 0; j < 2 * HALF + 1; j++)
      if (!isfinite (r[j]) || r[j] > median + OUTLIER_MM)
        r[j] = NAN;
      else
        good++;
  }
  if (good < HALF)
    return NAN;

  /* Least squares r = c0 + c1 phi + c2 phi^2 (normal equations, phi in radians); read c0. */
  for (int j = 0; j < 2 * HALF + 1; j++)
    {
      double phi = (j - HALF) * G_PI / 180.0, p = 1.0;
      if (!isfinite (r[j]))
        continue;
      for (int k = 0; k < 5; k++, p *= phi)
        {
          s[k] += p;
          if (k < 3)
            t[k] += p * r[j];
        }
    }
  /* Solve [[s0 s1 s2][s1 s2 s3][s2 s3 s4]] c = t by Cramer's rule for c0. */
  det = s[0] * (s[2] * s[4] - s[3] * s[3]) - s[1] * (s[1] * s[4] - s[3] * s[2]) + s[2] * (s[1] * s[3] - s[2] * s[2]);
  if (fabs (det) < 1e-18)
    return NAN;
  return (t[0] * (s[2] * s[4] - s[3] * s[3]) - s[1] * (t[1] * s[4] - s[3] * t[2]) +
          s[2] * (t[1] * s[3] - s[2] * t[2])) / det;
}
