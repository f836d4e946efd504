/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-landmark-detect.c: hinges, commissures, STJ and centerline from the blood pool, and the
 * cusp names from the ostia (found in cusp-landmark-ostium.c). The method is described in
 * cusp-landmark-detect.h. */
#include "cusp-landmark-private.h"
#include "cusp-error.h"
#include "cusp-vec3.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SECTION_RAYS 72
#define SINUS_RAYS 180

void
cusp_grid_index_to_lps (const CuspGrid *grid, const double ijk[3], double lps_mm[3])
{
  for (int a = 0; a < 3; a++)
    lps_mm[a] = grid->origin_mm[a] + ijk[a] * grid->spacing_mm[a];
}

void
cusp_grid_lps_to_index (const CuspGrid *grid, const double lps_mm[3], double ijk[3])
{
  for (int a = 0; a < 3; a++)
    ijk[a] = (lps_mm[a] - grid->origin_mm[a]) / grid->spacing_mm[a];
}

gsize
cusp_grid_voxel_count (const CuspGrid *grid)
{
  return (gsize) grid->dims[0] * grid->dims[1] * grid->dims[2];
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Trilinear sample; -G_MAXFLOAT outside the grid so rays stop at the border. */
double
cusp_landmark_sample (const CuspLandmarkInput *in, const double p[3])
{
  const CuspGrid *g = &in->grid;
  double x[3];
  int i0[3];
  double f[3];

  cusp_grid_lps_to_index (g, p, x);
  for (int a = 0; a < 3; a++)
    {
      if (!(x[a] >= 0 && x[a] <= g->dims[a] - 1))
        return -G_MAXFLOAT;
      i0[a] = MIN ((int) x[a], g->dims[a] - 2 < 0 ? 0 : g->dims[a] - 2);
      f[a] = x[a] - i0[a];
    }
  double value = 0;
  for (int c = 0; c < 8; c++)
    {
      int ii = MIN (i0[0] + (c & 1), g->dims[0] - 1);
      int jj = MIN (i0[1] + ((c >> 1) & 1), g->dims[1] - 1);
      int kk = MIN (i0[2] + ((c >> 2) & 1), g->dims[2] - 1);
      double w = ((c & 1) ? f[0] : 1 - f[0]) * (((c >> 1) & 1) ? f[1] : 1 - f[1])
                 * (((c >> 2) & 1) ? f[2] : 1 - f[2]);
      value += w * in->intensity[((gsize) kk * g->dims[1] + jj) * g->dims[0] + ii];
    }
  return value;
}

/* TRUE when any corner of the trilinear cell holding p belongs to the blood-pool component: the
 * ray's threshold test is trilinear, so a nearest-voxel test would cut it up to half a voxel early. */
static gboolean
in_blood (const CuspLandmarkInput *in, const double p[3])
{
  const CuspGrid *g = &in->grid;
  double x[3];
  int i0[3];

  cusp_grid_lps_to_index (g, p, x);
  for (int a = 0; a < 3; a++)
    {
      i0[a] = (int) floor (x[a]);
      if (i0[a] < 0 || i0[a] >= g->dims[a])
        return FALSE;
    }
  for (int c = 0; c < 8; c++)
    {
      int ii = MIN (i0[0] + (c & 1), g->dims[0] - 1);
      int jj = MIN (i0[1] + ((c >> 1) & 1), g->dims[1] - 1);
      int kk = MIN (i0[2] + ((c >> 2) & 1), g->dims[2] - 1);
      if (in->blood[((gsize) kk * g->dims[1] + jj) * g->dims[0] + ii])
        return TRUE;
    }
  return FALSE;
}

/* Distance from `c` along unit `dir` to the lumen edge (sub-voxel), at most CUSP_LANDMARK_RAY_MAX_MM.
 * `use_mask`: also stop on leaving the blood-pool component (keeps rays out of neighbours). */
double
cusp_landmark_ray_radius (const CuspLandmarkInput *in, const double c[3], const double dir[3], gboolean use_mask)
{
  const double step = 0.3 * MIN (in->grid.spacing_mm[0], MIN (in->grid.spacing_mm[1], in->grid.spacing_mm[2]));
  double prev_value = cusp_landmark_sample (in, c);
  double p[3];

  if (prev_value < in->threshold)
    return 0;
  for (double t = step; t <= CUSP_LANDMARK_RAY_MAX_MM; t += step)
    {
      cusp_landmark_axpy (c, t, dir, p);
      double value = cusp_landmark_sample (in, p);
      if (value < in->threshold)
        {
          if (value <= -G_MAXFLOAT)
            return t - step;
          return t - step + step * (prev_value - in->threshold) / (prev_value - value);
        }
      if (use_mask && !in_blood (in, p))
        return t;
      prev_value = value;
    }
  return CUSP_LANDMARK_RAY_MAX_MM;
}

/* Like ray_radius, but crossing dark gaps up to `gap_mm` long (closed leaflets are thinner than
 * that; the aortic wall with the fat behind it is not) and never beyond `limit_mm`. Used along the
 * cusp lobes, where on a diastolic CT the closed leaflets would otherwise stop the rays above the
 * hinges. */
static double
ray_radius_across_gaps (const CuspLandmarkInput *in, const double c[3], const double dir[3],
                        double gap_mm, double limit_mm)
{
  double r = cusp_landmark_ray_radius (in, c, dir, TRUE);
  const double step = 0.3 * MIN (in->grid.spacing_mm[0], MIN (in->grid.spacing_mm[1], in->grid.spacing_mm[2]));
  for (;;)
    {
      double resume = -1, p[3];
      for (double t = r + step; t <= MIN (r + gap_mm, limit_mm); t += step)
        {
          cusp_landmark_axpy (c, t, dir, p);
          if (cusp_landmark_sample (in, p) >= in->threshold && in_blood (in, p))
            {
              resume = t;
              break;
            }
        }
      if (resume < 0)
        return r;
      double q[3];
      cusp_landmark_axpy (c, resume, dir, q);
      double more = cusp_landmark_ray_radius (in, q, dir, TRUE);
      if (resume + more > limit_mm)
        return r;
      r = resume + more;
    }
}

/* Two unit vectors spanning the plane normal to `n`; e1 is anterior (-y) projected when possible. */
void
cusp_landmark_plane_basis (const double n[3], double e1[3], double e2[3])
{
  const double anterior[3] = { 0, -1, 0 }, left[3] = { 1, 0, 0 };
  const double *ref = fabs (cusp_vec3_dot (anterior, n)) < 0.9 ? anterior : left;
  double d = cusp_vec3_dot (ref, n);
  for (int c = 0; c < 3; c++)
    e1[c] = ref[c] - d * n[c];
  cusp_vec3_normalize (e1);
  cusp_vec3_cross (n, e1, e2);
}

void
cusp_landmark_direction_at (const double e1[3], const double e2[3], double theta, double out[3])
{
  for (int c = 0; c < 3; c++)
    out[c] = cos (theta) * e1[c] + sin (theta) * e2[c];
}

/* Circular median of half-width `half` (in samples): removes single rays escaping through
 * coronary ostia or gaps. */
void
cusp_landmark_circular_median (const double *in, int count, int half, double *out)
{
  double window[64];
  int width = MIN (2 * half + 1, 63);

  for (int i = 0; i < count; i++)
    {
      for (int w = 0; w < width; w++)
        window[w] = in[((i + w - width / 2) % count + count) % count];
      qsort (window, width, sizeof (double), compare_double);
      out[i] = window[width / 2];
    }
}

/* Polar profile in the plane (centre c, basis e1 e2), circular-median filtered. */
void
cusp_landmark_polar_profile (const CuspLandmarkInput *in, const double c[3], const double e1[3],
                             const double e2[3], int rays, int median_half, gboolean use_mask, double *r)
{
  double raw[CUSP_LANDMARK_MAX_RAYS], dir[3];

  g_assert (rays <= CUSP_LANDMARK_MAX_RAYS);
  for (int k = 0; k < rays; k++)
    {
      cusp_landmark_direction_at (e1, e2, 2 * G_PI * k / rays, dir);
      raw[k] = cusp_landmark_ray_radius (in, c, dir, use_mask);
    }
  if (median_half > 0)
    cusp_landmark_circular_median (raw, rays, median_half, r);
  else
    memcpy (r, raw, sizeof (double) * rays);
}

/* Area of the star-shaped polygon given by rays and its centroid offset (in e1/e2 coordinates). */
static double
profile_area (const double *r, int rays, double centroid[2])
{
  double area = 0, cx = 0, cy = 0;
  for (int k = 0; k < rays; k++)
    {
      double t0 = 2 * G_PI * k / rays, t1 = 2 * G_PI * (k + 1) / rays;
      double x0 = r[k] * cos (t0), y0 = r[k] * sin (t0);
      double x1 = r[(k + 1) % rays] * cos (t1), y1 = r[(k + 1) % rays] * sin (t1);
      double cross = x0 * y1 - x1 * y0;
      area += cross / 2;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
  if (centroid != NULL)
    {
      centroid[0] = area > 0 ? cx / (6 * area) : 0;
      centroid[1] = area > 0 ? cy / (6 * area) : 0;
    }
  return area;
}

/* Re-centres `c` in its cross-section (two centroid iterations) and returns the equivalent
 * radius; `open` is set when many rays run to CUSP_LANDMARK_RAY_MAX_MM (a chamber, not a vessel). */
static double
section_radius (const CuspLandmarkInput *in, double c[3], const double n[3], gboolean recenter,
                gboolean *open)
{
  double e1[3], e2[3], r[SECTION_RAYS], centroid[2];
  double area = 0;

  cusp_landmark_plane_basis (n, e1, e2);
  for (int iteration = 0; iteration < (recenter ? 3 : 1); iteration++)
    {
      cusp_landmark_polar_profile (in, c, e1, e2, SECTION_RAYS, 2, TRUE, r);
      area = profile_area (r, SECTION_RAYS, centroid);
      int far = 0;
      for (int k = 0; k < SECTION_RAYS; k++)
        far += r[k] >= CUSP_LANDMARK_RAY_MAX_MM - 1e-6;
      if (iteration < 2 && recenter && area > 0 && far == 0)
        for (int a = 0; a < 3; a++)
          c[a] += centroid[0] * e1[a] + centroid[1] * e2[a];
    }
  if (open != NULL)
    {
      int far = 0;
      for (int k = 0; k < SECTION_RAYS; k++)
        far += r[k] >= CUSP_LANDMARK_RAY_MAX_MM - 1e-6;
      *open = far > SECTION_RAYS / 4;
    }
  /* The median ray, not the area: where a neighbour (pulmonary trunk, left atrium) touches the
   * root through a wall thinner than a voxel, up to half the rays may escape into it. */
  double sorted[SECTION_RAYS];
  memcpy (sorted, r, sizeof sorted);
  qsort (sorted, SECTION_RAYS, sizeof (double), compare_double);
  (void) area;
  return sorted[SECTION_RAYS / 2];
}

/* Resamples the polyline at 1 mm; returns the count. */
static int
resample_polyline (const double *points, int count, double step_mm, GArray *out)
{
  double carry = 0;
  g_array_append_vals (out, points, 1);
  for (int m = 1; m < count; m++)
    {
      double d[3];
      cusp_landmark_sub (points + 3 * m, points + 3 * (m - 1), d);
      double len = sqrt (cusp_vec3_dot (d, d));
      double t = step_mm - carry;
      while (t <= len)
        {
          CuspLandmarkPoint p;
          cusp_landmark_axpy (points + 3 * (m - 1), t / len, d, p.p);
          g_array_append_val (out, p);
          t += step_mm;
        }
      carry = len - (t - step_mm);
    }
  return (int) out->len;
}

static void
smooth_profile (const double *in, int count, int half, double *out)
{
  for (int m = 0; m < count; m++)
    {
      double sum = 0;
      int n = 0;
      for (int w = MAX (0, m - half); w <= MIN (count - 1, m + half); w++, n++)
        sum += in[w];
      out[m] = sum / n;
    }
}

/* Centre of the root at height h above `base` along axis `a`: the centerline point whose
 * projection is nearest to h (the centerline is monotone in h through the root). */
static void
axis_center_near (const GArray *line, const double base[3], const double a[3], double h, int prefer,
                  double out[3])
{
  const CuspLandmarkPoint *pts = (const CuspLandmarkPoint *) line->data;
  int best = 0;
  double best_d = G_MAXDOUBLE;
  /* where the path crosses the height more than once (it can wander inside the LV), the
   * crossing nearest to `prefer` along the path */
  int crossing = -1;
  for (guint m = 0; m + 1 < line->len; m++)
    {
      double d0[3], d1[3];
      cusp_landmark_sub (pts[m].p, base, d0);
      cusp_landmark_sub (pts[m + 1].p, base, d1);
      double h0 = cusp_vec3_dot (d0, a), h1 = cusp_vec3_dot (d1, a);
      if ((h0 - h) * (h1 - h) <= 0 && h1 != h0
          && (crossing < 0 || abs ((int) m - prefer) < abs (crossing - prefer)))
        crossing = (int) m;
    }
  for (guint m = 0; m + 1 < line->len; m++)
    {
      double d0[3], d1[3];
      cusp_landmark_sub (pts[m].p, base, d0);
      cusp_landmark_sub (pts[m + 1].p, base, d1);
      double h0 = cusp_vec3_dot (d0, a), h1 = cusp_vec3_dot (d1, a);
      if ((int) m == crossing)
        {
          double t = (h - h0) / (h1 - h0);
          for (int c = 0; c < 3; c++)
            out[c] = pts[m].p[c] + t * (pts[m + 1].p[c] - pts[m].p[c]);
          /* move onto the exact plane */
          double d[3];
          cusp_landmark_sub (out, base, d);
          double err = cusp_vec3_dot (d, a) - h;
          for (int c = 0; c < 3; c++)
            out[c] -= err * a[c];
          return;
        }
      if (fabs (h0 - h) < best_d)
        {
          best_d = fabs (h0 - h);
          best = (int) m;
        }
    }
  double d[3];
  cusp_landmark_sub (pts[best].p, base, d);
  double err = cusp_vec3_dot (d, a) - h;
  for (int c = 0; c < 3; c++)
    out[c] = pts[best].p[c] - err * a[c];
}

void
cusp_landmark_axis_center_at (const GArray *line, const double base[3], const double a[3], double h, double out[3])
{
  axis_center_near (line, base, a, h, 0, out);
}

/* Hinge level along one lobe: walking down the sinus wall from the sinus level, the first local
 * minimum of r(h) (the wall stops narrowing for 1 mm by more than 0.1 mm). That is the nadir, where
 * the sinus meets the LVOT or the basal ring; on a flat LVOT it is the top of the flat part. */
static int
nadir_index (const double *r, int count, int from, int window)
{
  int best = MIN (from, count - 1), l;
  for (l = best; l >= 0; l--)
    {
      if (r[l] < r[best] - 0.05)
        best = l;                                      /* still narrowing */
      else if (r[l] > r[best] + 0.1 || best - l >= window)
        break;                                         /* widening again, or flat for 1 mm */
    }
  /* the highest sample within 0.03 mm of the minimum among those looked at: the bottom of a dip
   * (a basal ring narrower than the LVOT), or the top of a flat LVOT */
  double r_min = r[best];
  for (int m = MAX (l, 0); m <= best; m++)
    r_min = MIN (r_min, r[m]);
  for (int m = best; m >= MAX (l, 0); m--)
    if (r[m] <= r_min + 0.03)
      return m;
  return best;
}

gboolean
cusp_landmarks_detect (const CuspLandmarkInput *in, CuspLandmarkResult *result, GPtrArray *warnings,
                       GError **error)
{
  g_autoptr(GArray) line = g_array_new (FALSE, FALSE, sizeof (CuspLandmarkPoint));
  memset (result, 0, sizeof *result);

  if (in->centerline_count < 2
      || resample_polyline (in->centerline_mm, in->centerline_count, 1.0, line) < 20)
    {
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                           "The path from the left ventricle into the aorta is too short to hold an "
                           "aortic root; click inside the aortic root");
      return FALSE;
    }
  const int count = (int) line->len;
  CuspLandmarkPoint *pts = (CuspLandmarkPoint *) line->data;
  g_autofree double *radius = g_new0 (double, count);
  g_autofree double *smooth = g_new0 (double, count);
  g_autofree gboolean *open = g_new0 (gboolean, count);

  /* 1. Cross-section radius along the centerline, re-centring each point in its section. */
  for (int m = 0; m < count; m++)
    {
      double t[3];
      cusp_landmark_sub (pts[MIN (count - 1, m + 3)].p, pts[MAX (0, m - 3)].p, t);
      cusp_vec3_normalize (t);
      radius[m] = section_radius (in, pts[m].p, t, TRUE, &open[m]);
    }
  smooth_profile (radius, count, 2, smooth);

  /* 2. Reference: the ascending aorta is the top 15 mm of the path. */
  double top_r[16];
  int top_n = 0;
  for (int m = count - 1; m >= MAX (0, count - 15); m--)
    top_r[top_n++] = smooth[m];
  qsort (top_r, top_n, sizeof (double), compare_double);
  const double r_asc = top_r[top_n / 2];
  if (r_asc < 4)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                   "The vessel found is only %.1f mm wide: it is not an aorta; click inside the aortic root",
                   2 * r_asc);
      return FALSE;
    }

  /* 3. Walk down from the aorta: the chamber (LV) starts where sections open up. */
  int m_lv = 0;
  for (int m = count - 1; m >= 0; m--)
    if (open[m] || smooth[m] > 1.7 * r_asc)
      {
        m_lv = m;
        break;
      }
  /* Walk up from the LV with a hysteresis of 5 % of the aortic radius: the first minimum narrower
   * than the aorta is the annulus / LVOT, the next maximum the sinus, the next minimum the STJ. */
  const double hysteresis = MAX (0.6, 0.05 * r_asc);
  int m_ann = -1, m_sin = -1, m_stj = -1;
  {
    int state = 0, m_ext = m_lv;
    for (int m = m_lv; m < count; m++)
      {
        if (state == 0)
          {
            if (open[m] || smooth[m] < smooth[m_ext])
              m_ext = m;
            else if (smooth[m] > smooth[m_ext] + hysteresis)
              {
                if (smooth[m_ext] < 0.95 * r_asc)
                  {
                    m_ann = m_ext;
                    state = 1;
                  }
                m_ext = m;
              }
          }
        else if (state == 1)
          {
            if (smooth[m] > smooth[m_ext])
              m_ext = m;
            else if (smooth[m] < smooth[m_ext] - hysteresis)
              {
                /* a bump less than 10 % wider than the narrowing (where the LV cavity tapers into
                 * the LVOT) is not the sinus: look for the narrowing again */
                if (smooth[m_ext] >= 1.1 * smooth[m_ann])
                  {
                    m_sin = m_ext;
                    state = 2;
                  }
                else
                  state = 0;
                m_ext = m;
              }
          }
        else
          {
            if (smooth[m] < smooth[m_ext])
              m_ext = m;
            else if (smooth[m] > smooth[m_ext] + hysteresis)
              break;
          }
      }
    if (state == 2)
      m_stj = m_ext;                               /* also when the aorta above is no wider */
  }
  if (in->has_level_hints)
    {
      /* extrema within 6 mm of the coarse levels, in order: min, max, min */
      int level[3];
      for (int q = 0; q < 3; q++)
        {
          double best = G_MAXDOUBLE;
          level[q] = 0;
          for (int m = 0; m < count; m++)
            {
              double d[3];
              cusp_landmark_sub (pts[m].p, in->level_hint_mm[q], d);
              if (cusp_vec3_dot (d, d) < best)
                {
                  best = cusp_vec3_dot (d, d);
                  level[q] = m;
                }
            }
        }
      m_ann = m_sin = m_stj = -1;
      for (int m = MAX (0, level[0] - 6); m <= MIN (count - 1, level[0] + 6); m++)
        if (m_ann < 0 || smooth[m] < smooth[m_ann])
          m_ann = m;
      for (int m = MAX (m_ann + 3, level[1] - 6); m <= MIN (count - 1, level[1] + 6); m++)
        if (m_sin < 0 || smooth[m] > smooth[m_sin])
          m_sin = m;
      if (m_sin >= 0)
        for (int m = MAX (m_sin + 3, level[2] - 6); m <= MIN (count - 1, level[2] + 6); m++)
          if (m_stj < 0 || smooth[m] < smooth[m_stj])
            m_stj = m;
    }
  if (m_ann < 0 || m_sin < 0 || m_stj < 0 || smooth[m_sin] < smooth[m_ann] * 1.05)
    {
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                           "No sinus of Valsalva bulge was found between the left ventricle and the "
                           "aorta; click inside the aortic root");
      return FALSE;
    }

  /* 4. Root axis from the annulus-level centre to the STJ centre. */
  double axis[3];
  cusp_landmark_sub (pts[m_stj].p, pts[m_ann].p, axis);
  if (cusp_vec3_normalize (axis) < 5)
    {
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                           "The aortic root found is implausibly short; click inside the aortic root");
      return FALSE;
    }
  /* Only the LVOT-to-aorta part of the path serves as the root's axis from here on: the LV part
   * wanders through a chamber. */
  memcpy (result->level_mm[0], pts[m_ann].p, sizeof result->level_mm[0]);
  memcpy (result->level_mm[1], pts[m_sin].p, sizeof result->level_mm[1]);
  memcpy (result->level_mm[2], pts[m_stj].p, sizeof result->level_mm[2]);
  const int root_from = MAX (0, m_ann - 15);
  {
    int from = root_from, to = MIN (count, m_stj + 60);
    g_autoptr(GArray) root_line = g_array_new (FALSE, FALSE, sizeof (CuspLandmarkPoint));
    g_array_append_vals (root_line, pts + from, to - from);
    g_array_set_size (line, 0);
    g_array_append_vals (line, root_line->data, root_line->len);
    pts = (CuspLandmarkPoint *) line->data;
    m_ann -= from;
    m_sin -= from;
    m_stj -= from;
  }
  double base[3];
  memcpy (base, pts[m_ann].p, sizeof base);
  double d_sin[3], d_stj[3];
  cusp_landmark_sub (pts[m_sin].p, base, d_sin);
  cusp_landmark_sub (pts[m_stj].p, base, d_stj);
  const double h_sin = cusp_vec3_dot (d_sin, axis), h_stj0 = cusp_vec3_dot (d_stj, axis);

  /* Re-centre the root part in sections normal to the root axis (the path's own sections are
   * oblique where it bends into the LV); the path above the STJ is kept as it is. */
  g_autoptr(GArray) line_radius = g_array_new (FALSE, FALSE, sizeof (double));
  {
    g_autoptr(GArray) axis_line = g_array_new (FALSE, FALSE, sizeof (CuspLandmarkPoint));
    for (double h = -15; h <= h_stj0 + 5; h += 0.5)
      {
        CuspLandmarkPoint c;
        axis_center_near (line, base, axis, h, m_ann, c.p);
        double r = section_radius (in, c.p, axis, TRUE, NULL);
        g_array_append_val (axis_line, c);
        g_array_append_val (line_radius, r);
      }
    for (guint m = 0; m < line->len; m++)
      {
        double d[3];
        cusp_landmark_sub (pts[m].p, base, d);
        if (cusp_vec3_dot (d, axis) > h_stj0 + 5.5)
          {
            double t[3], c[3];
            cusp_landmark_sub (pts[MIN (line->len - 1, m + 3)].p, pts[m >= 3 ? m - 3 : 0].p, t);
            cusp_vec3_normalize (t);
            memcpy (c, pts[m].p, sizeof c);
            double r = section_radius (in, c, t, FALSE, NULL);
            g_array_append_val (axis_line, pts[m]);
            g_array_append_val (line_radius, r);
          }
      }
    g_array_set_size (line, 0);
    g_array_append_vals (line, axis_line->data, axis_line->len);
    pts = (CuspLandmarkPoint *) line->data;
  }

  /* 5. Cusp lobes in the sinus section (normal to the axis): third Fourier harmonic. */
  double e1[3], e2[3], c_sin[3], r_sin[SINUS_RAYS];
  cusp_landmark_plane_basis (axis, e1, e2);
  cusp_landmark_axis_center_at (line, base, axis, h_sin, c_sin);
  cusp_landmark_polar_profile (in, c_sin, e1, e2, SINUS_RAYS, 4, TRUE, r_sin);
  double re = 0, im = 0;
  for (int k = 0; k < SINUS_RAYS; k++)
    {
      double theta = 2 * G_PI * k / SINUS_RAYS;
      re += r_sin[k] * cos (3 * theta);
      im += r_sin[k] * sin (3 * theta);
    }
  if (hypot (re, im) / SINUS_RAYS < 0.15)
    g_ptr_array_add (warnings, g_strdup ("The sinus section shows no clear three-lobed shape: "
                                         "check the cusp hinge points"));
  double lobe[3], comm[3];
  for (int c = 0; c < 3; c++)
    {
      /* peaks of cos(3 theta - phi) at theta = (phi + 2 pi c) / 3; refine to the local maximum */
      double guess = (atan2 (im, re) + 2 * G_PI * c) / 3;
      int k0 = (int) lround (guess / (2 * G_PI) * SINUS_RAYS);
      int best = k0;
      for (int dk = -15; dk <= 15; dk++)
        {
          int k = ((k0 + dk) % SINUS_RAYS + SINUS_RAYS) % SINUS_RAYS;
          if (r_sin[k] > r_sin[((best % SINUS_RAYS) + SINUS_RAYS) % SINUS_RAYS])
            best = k;
        }
      lobe[c] = 2 * G_PI * (((best % SINUS_RAYS) + SINUS_RAYS) % SINUS_RAYS) / SINUS_RAYS;
    }
  /* sort the lobes by angle, then the commissure between consecutive ones is the deepest ray */
  qsort (lobe, 3, sizeof (double), compare_double);
  for (int c = 0; c < 3; c++)
    {
      double from = lobe[c], to = lobe[(c + 1) % 3] + (c == 2 ? 2 * G_PI : 0);
      double best_theta = (from + to) / 2, best_r = G_MAXDOUBLE;
      for (double theta = from + 0.2; theta < to - 0.2; theta += 2 * G_PI / SINUS_RAYS)
        {
          int k = ((int) lround (theta / (2 * G_PI) * SINUS_RAYS) % SINUS_RAYS + SINUS_RAYS) % SINUS_RAYS;
          if (r_sin[k] < best_r)
            {
              best_r = r_sin[k];
              best_theta = theta;
            }
        }
      comm[c] = fmod (best_theta, 2 * G_PI);
    }

  /* 6. Hinges: nadir of r(h) along each lobe direction, h from 10 mm below the narrowest level. */
  const double dh = 0.25;
  const double h_from = -10, h_to = h_sin;
  const int levels = (int) ((h_to - h_from) / dh) + 1;
  double hinge[3][3];
  g_autofree double *profile = g_new0 (double, levels);
  double lobe_limit = 0;
  for (int k = 0; k < SINUS_RAYS; k++)
    lobe_limit = MAX (lobe_limit, r_sin[k]);
  lobe_limit *= 1.15;
  g_autofree double *raw_profile = g_new0 (double, levels);
  for (int c = 0; c < 3; c++)
    {
      double dir[3];
      cusp_landmark_direction_at (e1, e2, lobe[c], dir);
      for (int l = 0; l < levels; l++)
        {
          double ctr[3], r5[5];
          cusp_landmark_axis_center_at (line, base, axis, h_from + l * dh, ctr);
          for (int s = -2; s <= 2; s++)
            {
              double d2[3];
              cusp_landmark_direction_at (e1, e2, lobe[c] + s * 0.06, d2);
              r5[s + 2] = ray_radius_across_gaps (in, ctr, d2, 2.0, lobe_limit);
            }
          qsort (r5, 5, sizeof (double), compare_double);
          raw_profile[l] = r5[2];
        }
      smooth_profile (raw_profile, levels, 2, profile);
      /* start half-way up the sinus wall (the flat top of the lobe would stop the walk) */
      double r_lo = G_MAXDOUBLE, r_hi = profile[levels - 1];
      for (int l = 0; l < levels; l++)
        r_lo = MIN (r_lo, profile[l]);
      int start = levels - 1;
      while (start > 0 && profile[start] > (r_lo + r_hi) / 2)
        start--;
      int k = levels > 8 ? nadir_index (profile, levels, start, (int) (1.0 / dh)) : -1;
      if (k == 0)
        k = -1;                  /* still narrowing at the bottom of the window: no nadir seen */
      if (k < 0)
        {
          k = (int) ((0 - h_from) / dh);
          g_ptr_array_add (warnings, g_strdup ("A cusp hinge point could not be located precisely: "
                                               "check it in the annulus view"));
        }
      /* A flat LVOT below the nadir: blur (partial volume, smoothing) rounds the corner and starts
       * the rise early, so the corner is taken where the steepest tangent of the wall above meets
       * the flat radius. A true dip (a basal ring narrower than the LVOT) is the nadir itself. */
      double h_hinge = h_from + k * dh;
      const int below = (int) (2.0 / dh);
      gboolean flat_below = k >= below && profile[k - below] < profile[k] + 0.1;
      int steep = -1;
      double slope = 0;
      for (int l = k + 2; l <= MIN (levels - 3, k + (int) (4 / dh)); l++)
        {
          double g = (profile[l + 2] - profile[l - 2]) / (4 * dh);
          if (g > slope)
            {
              slope = g;
              steep = l;
            }
        }
      if (flat_below && steep >= 0 && slope > 0.2)
        h_hinge = CLAMP (h_from + steep * dh - (profile[steep] - profile[k]) / slope, h_hinge - 1.0,
                         h_from + steep * dh);
      double ctr[3];
      cusp_landmark_axis_center_at (line, base, axis, h_hinge, ctr);
      cusp_landmark_axpy (ctr, profile[k], dir, hinge[c]);
    }

  /* 7. Annulus plane through the hinges. */
  double u[3], v[3], normal[3], center[3];
  cusp_landmark_sub (hinge[1], hinge[0], u);
  cusp_landmark_sub (hinge[2], hinge[0], v);
  cusp_vec3_cross (u, v, normal);
  if (cusp_vec3_normalize (normal) < 1e-6)
    memcpy (normal, axis, sizeof normal);
  if (cusp_vec3_dot (normal, axis) < 0)
    for (int c = 0; c < 3; c++)
      normal[c] = -normal[c];
  if (cusp_vec3_dot (normal, axis) < cos (G_PI / 4))
    {
      g_ptr_array_add (warnings, g_strdup ("The hinge plane is tilted more than 45 degrees from the "
                                           "root axis; the root axis was used instead"));
      memcpy (normal, axis, sizeof normal);
    }
  for (int c = 0; c < 3; c++)
    center[c] = (hinge[0][c] + hinge[1][c] + hinge[2][c]) / 3;

  /* Heights are now measured from the hinge plane along its normal. */
  double stj_center[3], to_stj[3];
  cusp_landmark_axis_center_at (line, base, axis, h_stj0, stj_center);
  cusp_landmark_sub (stj_center, center, to_stj);
  const double h_stj = cusp_vec3_dot (to_stj, normal);

  /* 8. Commissures: on the wall in the commissure directions, 1 mm below the STJ. */
  double comm_pt[3][3];
  for (int c = 0; c < 3; c++)
    {
      double ctr[3], dir[3];
      cusp_landmark_axis_center_at (line, base, axis, h_stj0 - 1.0, ctr);
      cusp_landmark_direction_at (e1, e2, comm[c], dir);
      cusp_landmark_axpy (ctr, cusp_landmark_ray_radius (in, ctr, dir, TRUE), dir, comm_pt[c]);
    }

  /* 9. Ostia, then which lobe is left / right / non-coronary. */
  int lobe_of[3] = { -1, -1, -1 };   /* CuspCusp -> lobe index */
  double ostium[2][3] = { { 0 } };
  gboolean found[2] = { FALSE, FALSE };
  if (in->find_ostia)
    cusp_landmark_find_branch_ostia (in, line, center, normal, h_stj, ostium, found);

  /* lobe directions as LPS vectors for the cusp assignment */
  double lobe_dir[3][3];
  for (int c = 0; c < 3; c++)
    cusp_landmark_direction_at (e1, e2, lobe[c], lobe_dir[c]);
  /* Cusp names. Seen from the aorta (about the axis, counter-clockwise with this basis) the
   * order is right, left, non-coronary, as in every heart: only the right cusp has to be found.
   * It holds the right ostium when that was found, else is the neighbour before the left ostium's
   * lobe, else the most anterior lobe (LPS -y). The lobes are sorted counter-clockwise. */
  int nearest_lobe[2] = { -1, -1 };
  for (int side = 0; side < 2; side++)
    if (found[side])
      {
        double to[3], best = -G_MAXDOUBLE;
        cusp_landmark_sub (ostium[side], center, to);
        for (int c = 0; c < 3; c++)
          if (cusp_vec3_dot (to, lobe_dir[c]) > best)
            {
              best = cusp_vec3_dot (to, lobe_dir[c]);
              nearest_lobe[side] = c;
            }
      }
  int right_lobe = nearest_lobe[1];
  if (right_lobe < 0 && nearest_lobe[0] >= 0)
    right_lobe = (nearest_lobe[0] + 2) % 3;
  if (right_lobe < 0)
    {
      double best = G_MAXDOUBLE;
      for (int c = 0; c < 3; c++)
        if (lobe_dir[c][1] < best)
          {
            best = lobe_dir[c][1];
            right_lobe = c;
          }
    }
  lobe_of[CUSP_CUSP_RIGHT] = right_lobe;
  lobe_of[CUSP_CUSP_LEFT] = (right_lobe + 1) % 3;
  lobe_of[CUSP_CUSP_NON_CORONARY] = (right_lobe + 2) % 3;
  if (nearest_lobe[0] >= 0 && nearest_lobe[0] != lobe_of[CUSP_CUSP_LEFT])
    g_ptr_array_add (warnings, g_strdup ("The left ostium found does not sit in the left sinus: check "
                                         "the cusp labels and the ostia"));
  /* An ostium not seen is still proposed, on the wall in the middle of its sinus, so that the
   * user drags a handle instead of creating one; the warning says so. */
  for (int side = 0; side < 2; side++)
    if (!found[side])
      {
        double ctr[3], dir[3], h_mid = 0.55 * h_stj;
        const int lobe_index = lobe_of[side == 0 ? CUSP_CUSP_LEFT : CUSP_CUSP_RIGHT];
        const double *lobe_d = lobe_dir[lobe_index];
        if (in->find_ostia)
          {
            /* lobe c lies between commissures c - 1 and c; 10 degrees kept off each */
            double from = comm[(lobe_index + 2) % 3], to = comm[lobe_index];
            if (to < from)
              to += 2 * G_PI;
            gboolean oblique = FALSE;
            if (cusp_landmark_find_sinus_ostium (in, line, center, normal, e1, e2, from + G_PI / 18,
                                                 to - G_PI / 18, 4.0, h_stj, ostium[side], &oblique))
              {
                found[side] = TRUE;
                /* the weakest evidence of the three searches: said so */
                if (oblique)
                  g_ptr_array_add (warnings, g_strdup_printf ("The %s coronary ostium was placed where a thin "
                                                              "vessel running obliquely off the %s sinus joins "
                                                              "it through a faint partial-volume neck: check it",
                                                              side == 0 ? "left" : "right",
                                                              side == 0 ? "left" : "right"));
                continue;
              }
          }
        cusp_landmark_axis_center_at (line, center, normal, h_mid, ctr);
        double along = cusp_vec3_dot (lobe_d, normal);
        for (int a = 0; a < 3; a++)
          dir[a] = lobe_d[a] - along * normal[a];
        cusp_vec3_normalize (dir);
        cusp_landmark_axpy (ctr, cusp_landmark_ray_radius (in, ctr, dir, TRUE), dir, ostium[side]);
        if (in->find_ostia)
          g_ptr_array_add (warnings, g_strdup_printf ("The %s coronary ostium was not found: it is proposed "
                                                      "in the middle of the %s sinus; drag it onto the ostium",
                                                      side == 0 ? "left" : "right", side == 0 ? "left" : "right"));
      }

  /* 10. Fill the result. Commissure c lies between lobes c and c+1 (sorted order). */
  CuspLandmarks *lm = &result->landmarks;
  for (int cusp = 0; cusp < CUSP_CUSP_COUNT; cusp++)
    memcpy (lm->hinge_mm[cusp], hinge[lobe_of[cusp]], sizeof lm->hinge_mm[cusp]);
  for (int c = 0; c < 3; c++)
    {
      int a = c, b = (c + 1) % 3;
      gboolean has_l = lobe_of[CUSP_CUSP_LEFT] == a || lobe_of[CUSP_CUSP_LEFT] == b;
      gboolean has_r = lobe_of[CUSP_CUSP_RIGHT] == a || lobe_of[CUSP_CUSP_RIGHT] == b;
      CuspCommissure which = has_l && has_r ? CUSP_COMMISSURE_LEFT_RIGHT
                             : has_r ? CUSP_COMMISSURE_RIGHT_NON : CUSP_COMMISSURE_NON_LEFT;
      memcpy (lm->commissure_mm[which], comm_pt[c], sizeof lm->commissure_mm[which]);
    }
  memcpy (lm->left_ostium_mm, ostium[0], sizeof lm->left_ostium_mm);
  memcpy (lm->right_ostium_mm, ostium[1], sizeof lm->right_ostium_mm);
  memcpy (lm->stj_center_mm, stj_center, sizeof lm->stj_center_mm);
  /* centerline: from 15 mm below the annulus level up to the top of the path, 1 mm apart */
  const int root_count = (int) line->len;
  int stride = (root_count + CUSP_LANDMARKS_MAX_CENTERLINE - 1) / CUSP_LANDMARKS_MAX_CENTERLINE;
  stride = MAX (1, stride);
  lm->centerline_count = 0;
  for (int m = 0; m < root_count && lm->centerline_count < CUSP_LANDMARKS_MAX_CENTERLINE; m += stride)
    {
      result->centerline_radius_mm[lm->centerline_count] = g_array_index (line_radius, double, m);
      memcpy (lm->centerline_mm[lm->centerline_count++], pts[m].p, sizeof (double) * 3);
    }

  memcpy (result->annulus_center_mm, center, sizeof center);
  memcpy (result->annulus_normal, normal, sizeof normal);
  result->annulus_radius_mm = smooth[m_ann + root_from];
  result->stj_height_mm = h_stj;
  result->stj_radius_mm = smooth[m_stj + root_from];
  result->ascending_radius_mm = r_asc;
  result->ostia_found[0] = found[0];
  result->ostia_found[1] = found[1];
  return TRUE;
}
