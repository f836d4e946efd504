/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-landmark-ostium.c: the coronary ostia on the sinus wall (branches, partial-volume necks and
 * oblique vessels). The method is described in cusp-landmark-detect.h. */
#include "cusp-landmark-private.h"
#include "cusp-vec3.h"

#include <math.h>
#include <string.h>

#define OSTIUM_RAYS 240
#define OSTIUM_EXCESS_MM 4.0
#define OSTIUM_NECK_GAP_MM 8.0
#define OSTIUM_NECK_MIN_GAP_MM 1.5
#define OSTIUM_NECK_MIN_FRACTION 0.7
#define OSTIUM_NECK_MAX_LONG_RUNS 6
#define OSTIUM_VESSEL_FROM_MM 3.0
#define OSTIUM_VESSEL_TO_MM 12.0
#define OSTIUM_VESSEL_REACH_MM 12.0
#define OSTIUM_VESSEL_MIN_FRACTION 0.5

G_STATIC_ASSERT (OSTIUM_RAYS <= CUSP_LANDMARK_MAX_RAYS);

/* direction_at projected onto the plane normal to n, unit: e1/e2 span the plane normal to the
 * root axis, which the hinge plane is tilted against. */
static void
plane_direction_at (const double e1[3], const double e2[3], const double n[3], double theta, double out[3])
{
  cusp_landmark_direction_at (e1, e2, theta, out);
  double along = cusp_vec3_dot (out, n);
  for (int c = 0; c < 3; c++)
    out[c] -= along * n[c];
  cusp_vec3_normalize (out);
}

typedef struct {
  double theta;
  double h_low;
  double r_wall;
  int cells;
} OstiumCandidate;

/* Coronary candidates: runs of rays that escape > OSTIUM_EXCESS_MM beyond the circular median in
 * planes normal to n from h_from to h_to; clustered over neighbouring angles and heights. */
static GArray *
find_ostium_candidates (const CuspLandmarkInput *in, const GArray *line, const double base[3],
                        const double n[3], double h_from, double h_to)
{
  const double dh = 0.25;
  const int levels = (int) ((h_to - h_from) / dh) + 1;
  g_autofree guint8 *hit = g_new0 (guint8, (gsize) levels * OSTIUM_RAYS);
  g_autofree double *wall = g_new0 (double, (gsize) levels * OSTIUM_RAYS);
  g_autofree int *cluster = g_new0 (int, (gsize) levels * OSTIUM_RAYS);
  GArray *candidates = g_array_new (FALSE, TRUE, sizeof (OstiumCandidate));
  double e1[3], e2[3];

  cusp_landmark_plane_basis (n, e1, e2);
  for (int l = 0; l < levels; l++)
    {
      double c[3], raw[OSTIUM_RAYS], base_r[OSTIUM_RAYS];
      cusp_landmark_axis_center_at (line, base, n, h_from + l * dh, c);
      cusp_landmark_polar_profile (in, c, e1, e2, OSTIUM_RAYS, 0, FALSE, raw);
      cusp_landmark_circular_median (raw, OSTIUM_RAYS, 15, base_r);
      for (int k = 0; k < OSTIUM_RAYS; k++)
        {
          hit[l * OSTIUM_RAYS + k] = raw[k] - base_r[k] > OSTIUM_EXCESS_MM && base_r[k] > 3;
          wall[l * OSTIUM_RAYS + k] = base_r[k];
        }
    }

  /* Flood-fill clusters over (level, angle), angle wrapping around. */
  int next = 0;
  g_autofree int *stack = g_new (int, (gsize) levels * OSTIUM_RAYS);
  for (int seed = 0; seed < levels * OSTIUM_RAYS; seed++)
    {
      if (!hit[seed] || cluster[seed] != 0)
        continue;
      next++;
      int top = 0;
      double sx = 0, sy = 0, low = G_MAXDOUBLE, r_low = 0;
      int cells = 0, min_level = levels, max_level = -1;
      stack[top++] = seed;
      cluster[seed] = next;
      while (top > 0)
        {
          int cell = stack[--top];
          int l = cell / OSTIUM_RAYS, k = cell % OSTIUM_RAYS;
          double theta = 2 * G_PI * k / OSTIUM_RAYS;
          sx += cos (theta);
          sy += sin (theta);
          cells++;
          min_level = MIN (min_level, l);
          max_level = MAX (max_level, l);
          if (h_from + l * dh < low)
            {
              low = h_from + l * dh;
              r_low = wall[cell];
            }
          for (int dl = -1; dl <= 1; dl++)
            for (int dk = -1; dk <= 1; dk++)
              {
                int l2 = l + dl, k2 = ((k + dk) % OSTIUM_RAYS + OSTIUM_RAYS) % OSTIUM_RAYS;
                if (l2 < 0 || l2 >= levels)
                  continue;
                int c2 = l2 * OSTIUM_RAYS + k2;
                if (hit[c2] && cluster[c2] == 0)
                  {
                    cluster[c2] = next;
                    stack[top++] = c2;
                  }
              }
        }
      /* A coronary ostium is a few mm wide and tall: reject single rays and whole neighbours. */
      double height_span = (max_level - min_level) * dh;
      if (cells < 6 || height_span < 0.75 || height_span > 12)
        continue;
      OstiumCandidate candidate = { atan2 (sy, sx), low, r_low, cells };
      if (candidate.theta < 0)
        candidate.theta += 2 * G_PI;
      g_array_append_val (candidates, candidate);
    }
  return candidates;
}

/* Length (mm, at most limit_mm) of the run of samples at or above the lumen threshold from p
 * along unit dir. */
static double
bright_run (const CuspLandmarkInput *in, const double p[3], const double dir[3], double limit_mm)
{
  double q[3];
  for (double t = 0; t <= limit_mm; t += 0.25)
    {
      cusp_landmark_axpy (p, t, dir, q);
      if (cusp_landmark_sample (in, q) < in->threshold)
        return t;
    }
  return limit_mm;
}

/* TRUE when the bright structure around p is thin (a vessel): of the 26 grid directions, few see
 * it extend beyond 7 mm. A chamber (right atrium, RVOT, left atrium) is bright in most of them. */
static gboolean
bright_is_thin (const CuspLandmarkInput *in, const double p[3])
{
  int long_runs = 0;
  for (int dx = -1; dx <= 1; dx++)
    for (int dy = -1; dy <= 1; dy++)
      for (int dz = -1; dz <= 1; dz++)
        {
          double d[3] = { dx, dy, dz };
          if (dx == 0 && dy == 0 && dz == 0)
            continue;
          cusp_vec3_normalize (d);
          long_runs += bright_run (in, p, d, 7.0) >= 7.0;
        }
  return long_runs <= OSTIUM_NECK_MAX_LONG_RUNS;
}

typedef struct {
  double neck;        /* lowest intensity between the lumen edge and the vessel, image units */
  double h;           /* height above the hinge plane of the ostium's lower edge */
  double theta;
  double point[3];    /* on the lumen edge */
} OstiumNeck;

/* One ray of the neck search, in the plane at height h above the hinge plane, at angle theta
 * (e1/e2 projected onto that plane). The darkest sample between the lumen edge and the first run
 * of >= 1.5 mm above the threshold that starts OSTIUM_NECK_MIN_GAP_MM..OSTIUM_NECK_GAP_MM beyond
 * the edge; -G_MAXDOUBLE when there is no such run. `vessel` (may be NULL) gets a point inside
 * the run, `edge` (may be NULL) the lumen edge. */
static double
ray_neck (const CuspLandmarkInput *in, const GArray *line, const double center[3], const double normal[3],
          const double e1[3], const double e2[3], double h, double theta, double edge[3], double vessel[3])
{
  double ctr[3], dir[3], p[3];
  cusp_landmark_axis_center_at (line, center, normal, h, ctr);
  plane_direction_at (e1, e2, normal, theta, dir);
  double r_wall = cusp_landmark_ray_radius (in, ctr, dir, FALSE);
  if (r_wall <= 3 || r_wall >= CUSP_LANDMARK_RAY_MAX_MM - 1)
    return -G_MAXDOUBLE;
  double neck = G_MAXDOUBLE;
  for (double s = 0.25; s <= OSTIUM_NECK_GAP_MM; s += 0.25)
    {
      cusp_landmark_axpy (ctr, r_wall + s, dir, p);
      double value = cusp_landmark_sample (in, p);
      if (value >= in->threshold && bright_run (in, p, dir, 1.5) >= 1.5)
        {
          if (s < OSTIUM_NECK_MIN_GAP_MM)
            return -G_MAXDOUBLE;
          if (edge != NULL)
            cusp_landmark_axpy (ctr, r_wall, dir, edge);
          if (vessel != NULL)
            cusp_landmark_axpy (ctr, r_wall + s + 0.75, dir, vessel);
          return neck;
        }
      neck = MIN (neck, value);
    }
  return -G_MAXDOUBLE;
}

/* The brightest neck is the middle of the ostium; SCCT heights go to its lower edge, taken where
 * the neck falls to half its contrast over the tissue around it. The tissue level is estimated
 * from the threshold, which lies half-way between tissue and blood (cusp-segment-contrast.c). */
static double
neck_half_contrast (const CuspLandmarkInput *in, const GArray *line, const double center[3],
                    const double normal[3], const OstiumNeck *neck)
{
  double ctr[3];
  cusp_landmark_axis_center_at (line, center, normal, neck->h, ctr);
  const double lumen = MAX (in->threshold, cusp_landmark_sample (in, ctr));
  const double tissue = MIN (2 * in->threshold - lumen, in->threshold);
  return 0.5 * (neck->neck + tissue);
}

/* The partial-volume neck of a coronary ostium in a coarse CT (1-1.5 mm voxels): the coronary
 * does not reach the lumen threshold where it joins the sinus, but along the ray through the
 * ostium the intensity just outside the lumen edge stays higher than anywhere else on the sinus
 * wall, and a thin bright vessel follows within OSTIUM_NECK_GAP_MM. Searched over the sinus's
 * angles (theta_from..theta_to in the plane of e1/e2) and heights h_from..h_to above the hinge
 * plane; FALSE when no ray of the sinus reaches a thin vessel through a neck of at least
 * OSTIUM_NECK_MIN_FRACTION of the lumen threshold. */
static gboolean
find_ostium_neck (const CuspLandmarkInput *in, const GArray *line, const double center[3],
                  const double normal[3], const double e1[3], const double e2[3], double theta_from,
                  double theta_to, double h_from, double h_to, OstiumNeck *best)
{
  best->neck = -G_MAXDOUBLE;
  for (double h = h_from; h <= h_to; h += 0.5)
    for (double theta = theta_from; theta <= theta_to; theta += G_PI / 90)
      {
        double edge[3], vessel[3];
        double neck = ray_neck (in, line, center, normal, e1, e2, h, theta, edge, vessel);
        if (neck <= best->neck || neck < OSTIUM_NECK_MIN_FRACTION * in->threshold
            || !bright_is_thin (in, vessel))
          continue;
        best->neck = neck;
        best->h = h;
        best->theta = theta;
        memcpy (best->point, edge, sizeof best->point);
      }
  if (best->neck <= -G_MAXDOUBLE)
    return FALSE;
  const double half = neck_half_contrast (in, line, center, normal, best);
  for (double h = best->h - 0.25; h >= MAX (0.0, best->h - 4.0); h -= 0.25)
    {
      double edge[3];
      if (ray_neck (in, line, center, normal, e1, e2, h, best->theta, edge, NULL) < half)
        break;
      best->h = h;
      memcpy (best->point, edge, sizeof best->point);
    }
  return TRUE;
}

/* Lowest sample on the straight segment from a vessel point to a lumen edge point, leaving out
 * the vessel's own bright run at the start and the last half millimetre before the edge. Returns
 * -G_MAXDOUBLE when the segment is shorter than OSTIUM_NECK_MIN_GAP_MM or never falls below the
 * threshold (no neck: a bright connection the other searches see). */
static double
segment_neck (const CuspLandmarkInput *in, const double vessel[3], const double edge[3])
{
  double d[3], p[3];
  cusp_landmark_sub (edge, vessel, d);
  const double length = cusp_vec3_normalize (d);
  if (length < OSTIUM_NECK_MIN_GAP_MM)
    return -G_MAXDOUBLE;
  double s = 0;
  for (; s < length - 0.5; s += 0.25)
    {
      cusp_landmark_axpy (vessel, s, d, p);
      if (cusp_landmark_sample (in, p) < in->threshold)
        break;
    }
  double neck = G_MAXDOUBLE;
  for (; s < length - 0.5; s += 0.25)
    {
      cusp_landmark_axpy (vessel, s, d, p);
      neck = MIN (neck, cusp_landmark_sample (in, p));
    }
  return neck < in->threshold ? neck : -G_MAXDOUBLE;
}

typedef struct {
  double h, theta;
  double point[3];
} SinusEdge;

/* A coronary that leaves its sinus obliquely (the RCA on the real 1.5 mm CT runs off about 55
 * degrees from the radial direction, rising as it goes): no radial ray passes through its
 * partial-volume neck, so the vessel is looked for first. Seeds are thin bright points
 * (bright_is_thin) at a local maximum along radial rays OSTIUM_VESSEL_FROM_MM..OSTIUM_VESSEL_TO_MM
 * outside the sinus wall (the circular median of the lumen radius over +-22 degrees, so that the
 * blood behind an open leaflet lying in its sinus is no seed). The neck of a seed is the best
 * straight segment to a lumen edge point of the sinus within OSTIUM_VESSEL_REACH_MM
 * (segment_neck); the brightest neck of at least OSTIUM_NECK_MIN_FRACTION of the threshold wins,
 * and the ostium is put on its edge point, at its lower edge: the lowest edge point (walking
 * down at the same angle) whose segment to the seed keeps half the neck's contrast over tissue. */
static gboolean
find_ostium_vessel (const CuspLandmarkInput *in, const GArray *line, const double center[3],
                    const double normal[3], const double e1[3], const double e2[3], double theta_from,
                    double theta_to, double h_from, double h_to, OstiumNeck *best)
{
  enum { WALL_RAYS = 180 };
  const double dh = 0.5, dtheta = G_PI / 90;
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (SinusEdge));
  g_autoptr(GArray) seeds = g_array_new (FALSE, FALSE, sizeof (CuspLandmarkPoint));

  for (int level = 0; h_from + level * dh <= h_to; level++)
    {
      const double h = h_from + level * dh;
      double ctr[3], raw[WALL_RAYS], wall[WALL_RAYS], dir[3];
      cusp_landmark_axis_center_at (line, center, normal, h, ctr);
      for (int k = 0; k < WALL_RAYS; k++)
        {
          plane_direction_at (e1, e2, normal, 2 * G_PI * k / WALL_RAYS, dir);
          raw[k] = cusp_landmark_ray_radius (in, ctr, dir, FALSE);
        }
      cusp_landmark_circular_median (raw, WALL_RAYS, 11, wall);
      for (int step = 0; theta_from + step * dtheta <= theta_to; step++)
        {
          const double theta = theta_from + step * dtheta;
          int k = ((int) lround (theta / (2 * G_PI) * WALL_RAYS) % WALL_RAYS + WALL_RAYS) % WALL_RAYS;
          plane_direction_at (e1, e2, normal, theta, dir);
          double r_wall = cusp_landmark_ray_radius (in, ctr, dir, FALSE);
          if (r_wall <= 3 || r_wall >= CUSP_LANDMARK_RAY_MAX_MM - 1 || wall[k] <= 3
              || wall[k] >= CUSP_LANDMARK_RAY_MAX_MM - 1)
            continue;
          SinusEdge edge = { h, theta, { 0 } };
          cusp_landmark_axpy (ctr, r_wall, dir, edge.point);
          g_array_append_val (edges, edge);
          /* seeds every 1 mm and 4 degrees are enough for a vessel 2-4 mm wide */
          if (level % 2 != 0 || step % 2 != 0)
            continue;
          for (double r = wall[k] + OSTIUM_VESSEL_FROM_MM; r <= wall[k] + OSTIUM_VESSEL_TO_MM; r += 0.5)
            {
              CuspLandmarkPoint seed;
              double before[3], after[3];
              cusp_landmark_axpy (ctr, r, dir, seed.p);
              cusp_landmark_axpy (ctr, r - 0.5, dir, before);
              cusp_landmark_axpy (ctr, r + 0.5, dir, after);
              double value = cusp_landmark_sample (in, seed.p);
              if (value >= in->threshold && value >= cusp_landmark_sample (in, before)
                  && value >= cusp_landmark_sample (in, after) && bright_is_thin (in, seed.p))
                g_array_append_val (seeds, seed);
            }
        }
    }

  best->neck = -G_MAXDOUBLE;
  int best_seed = -1;
  for (guint i = 0; i < seeds->len; i++)
    for (guint j = 0; j < edges->len; j++)
      {
        const CuspLandmarkPoint *seed = &g_array_index (seeds, CuspLandmarkPoint, i);
        const SinusEdge *edge = &g_array_index (edges, SinusEdge, j);
        double d[3];
        cusp_landmark_sub (edge->point, seed->p, d);
        if (cusp_vec3_dot (d, d) > OSTIUM_VESSEL_REACH_MM * OSTIUM_VESSEL_REACH_MM)
          continue;
        double neck = segment_neck (in, seed->p, edge->point);
        if (neck <= best->neck || neck < OSTIUM_VESSEL_MIN_FRACTION * in->threshold)
          continue;
        best->neck = neck;
        best->h = edge->h;
        best->theta = edge->theta;
        memcpy (best->point, edge->point, sizeof best->point);
        best_seed = (int) i;
      }
  if (best_seed < 0)
    return FALSE;

  /* lower edge: same angle, walking down while the neck keeps half its contrast (as in
   * find_ostium_neck) */
  const CuspLandmarkPoint *seed = &g_array_index (seeds, CuspLandmarkPoint, best_seed);
  const double half = neck_half_contrast (in, line, center, normal, best);
  for (double h = best->h - 0.25; h >= MAX (0.0, best->h - 4.0); h -= 0.25)
    {
      double ctr[3], dir[3], edge[3];
      cusp_landmark_axis_center_at (line, center, normal, h, ctr);
      plane_direction_at (e1, e2, normal, best->theta, dir);
      cusp_landmark_axpy (ctr, cusp_landmark_ray_radius (in, ctr, dir, FALSE), dir, edge);
      if (segment_neck (in, seed->p, edge) < half)
        break;
      best->h = h;
      memcpy (best->point, edge, sizeof best->point);
    }
  return TRUE;
}

static double
angle_distance (double a, double b)
{
  double d = fmod (fabs (a - b), 2 * G_PI);
  return d > G_PI ? 2 * G_PI - d : d;
}

void
cusp_landmark_find_branch_ostia (const CuspLandmarkInput *in, const GArray *line, const double center[3],
                                 const double normal[3], double h_stj, double ostium[2][3],
                                 gboolean found[2])
{
  double n_e1[3], n_e2[3];
  cusp_landmark_plane_basis (normal, n_e1, n_e2);
  g_autoptr(GArray) cand = find_ostium_candidates (in, line, center, normal, 1.0,
                                                   MAX (2.0, h_stj + 3));
  const double left_dir[3] = { 0.8, 0.6, 0 }, right_dir[3] = { -0.45, -0.89, 0 };
  double best_score = -G_MAXDOUBLE;
  int best_l = -1, best_r = -1;
  for (guint i = 0; i < cand->len; i++)
    for (guint j = 0; j < cand->len; j++)
      {
        if (i == j)
          continue;
        const OstiumCandidate *ci = &g_array_index (cand, OstiumCandidate, i);
        const OstiumCandidate *cj = &g_array_index (cand, OstiumCandidate, j);
        double di[3], dj[3];
        cusp_landmark_direction_at (n_e1, n_e2, ci->theta, di);
        cusp_landmark_direction_at (n_e1, n_e2, cj->theta, dj);
        if (angle_distance (ci->theta, cj->theta) < G_PI / 4)
          continue;
        double score = cusp_vec3_dot (di, left_dir) + cusp_vec3_dot (dj, right_dir);
        if (score > best_score)
          {
            best_score = score;
            best_l = (int) i;
            best_r = (int) j;
          }
      }
  if (best_l < 0 && cand->len == 1)
    {
      /* one branch only: left or right by its side */
      const OstiumCandidate *c0 = &g_array_index (cand, OstiumCandidate, 0);
      double d0[3];
      cusp_landmark_direction_at (n_e1, n_e2, c0->theta, d0);
      if (cusp_vec3_dot (d0, left_dir) > cusp_vec3_dot (d0, right_dir))
        best_l = 0;
      else
        best_r = 0;
    }
  for (int side = 0; side < 2; side++)
    {
      int idx = side == 0 ? best_l : best_r;
      if (idx < 0)
        continue;
      const OstiumCandidate *oc = &g_array_index (cand, OstiumCandidate, idx);
      double ctr[3], dir[3];
      cusp_landmark_axis_center_at (line, center, normal, oc->h_low, ctr);
      cusp_landmark_direction_at (n_e1, n_e2, oc->theta, dir);
      cusp_landmark_axpy (ctr, oc->r_wall, dir, ostium[side]);
      found[side] = TRUE;
    }
}

gboolean
cusp_landmark_find_sinus_ostium (const CuspLandmarkInput *in, const GArray *line, const double center[3],
                                 const double normal[3], const double e1[3], const double e2[3],
                                 double theta_from, double theta_to, double h_from, double h_to,
                                 double point[3], gboolean *oblique)
{
  OstiumNeck neck;
  *oblique = FALSE;
  if (!find_ostium_neck (in, line, center, normal, e1, e2, theta_from, theta_to, h_from, h_to, &neck)
      && !(*oblique = find_ostium_vessel (in, line, center, normal, e1, e2, theta_from, theta_to, h_from,
                                          h_to, &neck)))
    return FALSE;
  memcpy (point, neck.point, sizeof neck.point);
  return TRUE;
}
