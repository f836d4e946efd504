/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-segment-track.c: the aorta tracked from a click as a tube, section by section, for non-HU
 * images where region growing leaks into the neighbours (cusp-segment-private.h).
 *
 * Why a tube: on a bright-blood MR with 2.5 mm slices the walls between the aorta, the pulmonary
 * artery and the left atrium are thinner than a voxel, so any threshold joins them into pools
 * 40 mm wide. Seen from the aorta's own axis, such a leak is a few rays that run far beyond the
 * others. Each section (48 rays in the plane normal to the axis) clips its rays at 1.3 x the smaller
 * of its median and the recent sections' radius (sinus lobes reach ~1.2 x the mean radius), fits a
 * circle through the walls the other rays found (its centre and radius do not follow a leak on
 * half the rays, a centroid would), and steps 1.5 mm on along the axis of the last centres. The
 * tube is the union of balls of 1.3 x the fitted radius about the centres.
 *
 * Up from the click the walk runs straight up. Down, the way is chosen (walk_down): the click may
 * sit where the ascending aorta bends into the root, and the root is the way that ends in the
 * LV. The chosen way is walked again with each section turned to its smallest area (orient),
 * which keeps the tube on the root's own axis down through the annulus, where it narrows, into
 * the LV. */
#include "cusp-segment-private.h"
#include "cusp-error.h"
#include "cusp-vec3.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TRACK_RAYS 48
/* Wall level, of the way from tissue to the clicked blood. On the 3 T MR the walls are partial-
 * volume dips rather than dark lines: at 0.5 the sections at the seed leak on 27 % of their rays,
 * at 0.65 on 23 %. */
#define TRACK_LEVEL 0.65
#define TRACK_RAY_STEP_MM 0.25
#define TRACK_MAX_RAY_MM 45.0
#define TRACK_STEP_MM 1.5
#define TRACK_CLIP CUSP_TUBE_CLIP      /* rays beyond 1.3 x the median are a leak through a thin wall */
#define TRACK_UP_MM 50.0             /* the ascending aorta above the click; the arch is not needed */
#define TRACK_DOWN_MM 90.0
#define TRACK_AREA_JUMP 2.0          /* a section twice the recent ones: the LV or a chamber */
#define TRACK_LV_EXTENSION_MM 12.0   /* straight on into the LV, so the LVOT narrowing is seen */
#define TRACK_MAX_LEAK 0.75            /* most rays run on: the section opens into a chamber */
#define TRACK_MAX_SHIFT_MM 1.0         /* sideways per step, about 35 degrees of bend */
#define TRACK_MIN_RADIUS_MM 3.0
#define TRACK_MAX_RADIUS_MM 30.0
#define TRACK_PROBE_MM 15.0            /* the first section down is looked for this far from the click */
#define TRACK_PROBE_MAX_TILT 70.0      /* degrees from straight down */
#define TRACK_LINE_GAP_MM 1.0
#define TRACK_MIN_ROOT_WALK_MM 12.0    /* a walk into a chamber shorter than this did not follow a vessel */

typedef struct {
  double center[3];
  double median_mm, clip_mm, area_mm2;
  double leak_fraction;    /* rays beyond the clip radius */
  double axis[3];          /* the section's normal, the way the walk went */
  double fit_radius_mm;    /* the circle through the non-leaking rays' wall points */
} Section;

void
cusp_tube_clear (CuspTube *tube)
{
  g_clear_pointer (&tube->centers, g_array_unref);
  g_clear_pointer (&tube->radii, g_array_unref);
  g_clear_pointer (&tube->axes, g_array_unref);
  tube->chamber_count = 0;
  tube->seed_index = 0;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
sub3 (const double a[3], const double b[3], double out[3])
{
  for (int i = 0; i < 3; i++)
    out[i] = a[i] - b[i];
}

static void
plane_basis (const double n[3], double e1[3], double e2[3])
{
  double ref[3] = { 1, 0, 0 };
  if (fabs (n[0]) > 0.8)
    ref[0] = 0, ref[1] = 1;
  cusp_vec3_cross (n, ref, e1);
  cusp_vec3_normalize (e1);
  cusp_vec3_cross (n, e1, e2);
}

/* Distance along the ray where the image first falls below the threshold (sub-sample). */
static double
ray_length (const CuspVolume *image, double threshold, const double c[3], const double dir[3])
{
  double prev = cusp_volume_sample_lps (image, c, -G_MAXDOUBLE);
  for (double t = TRACK_RAY_STEP_MM; t <= TRACK_MAX_RAY_MM; t += TRACK_RAY_STEP_MM)
    {
      double p[3] = { c[0] + t * dir[0], c[1] + t * dir[1], c[2] + t * dir[2] };
      double v = cusp_volume_sample_lps (image, p, -G_MAXDOUBLE);
      if (v < threshold)
        {
          double f = prev > v ? (prev - threshold) / (prev - v) : 0;
          return t - TRACK_RAY_STEP_MM + CLAMP (f, 0, 1) * TRACK_RAY_STEP_MM;
        }
      prev = v;
    }
  return TRACK_MAX_RAY_MM;
}

/* Kasa's algebraic circle fit to the wall points of the rays no longer than `clip` (in the
 * section plane, relative to the rays' origin), twice, the second time without the points more
 * than 2.5 mm off the first circle. FALSE with fewer than 8 points. */
static gboolean
fit_circle (const double *r, double clip, double *cu, double *cv, double *radius)
{
  gboolean use[TRACK_RAYS];
  for (int k = 0; k < TRACK_RAYS; k++)
    use[k] = r[k] <= clip;
  for (int round = 0; round < 2; round++)
    {
      double m[3][4] = { { 0 } };
      int n = 0;
      for (int k = 0; k < TRACK_RAYS; k++)
        {
          if (!use[k])
            continue;
          double u = r[k] * cos (2 * G_PI * k / TRACK_RAYS), v = r[k] * sin (2 * G_PI * k / TRACK_RAYS);
          double row[3] = { u, v, 1 }, rhs = -(u * u + v * v);
          for (int i = 0; i < 3; i++)
            {
              for (int j = 0; j < 3; j++)
                m[i][j] += row[i] * row[j];
              m[i][3] += row[i] * rhs;
            }
          n++;
        }
      if (n < 8)
        return FALSE;
      /* Gauss-Jordan on the 3 x 3 normal equations */
      for (int i = 0; i < 3; i++)
        {
          int pivot = i;
          for (int j = i + 1; j < 3; j++)
            if (fabs (m[j][i]) > fabs (m[pivot][i]))
              pivot = j;
          for (int j = 0; j < 4; j++)
            {
              double t = m[i][j];
              m[i][j] = m[pivot][j];
              m[pivot][j] = t;
            }
          if (fabs (m[i][i]) < 1e-9)
            return FALSE;
          for (int j = 0; j < 3; j++)
            if (j != i)
              {
                double f = m[j][i] / m[i][i];
                for (int l = i; l < 4; l++)
                  m[j][l] -= f * m[i][l];
              }
        }
      double d = m[0][3] / m[0][0], e = m[1][3] / m[1][1], f = m[2][3] / m[2][2];
      *cu = -d / 2;
      *cv = -e / 2;
      double r2 = *cu * *cu + *cv * *cv - f;
      if (!(r2 > 0))
        return FALSE;
      *radius = sqrt (r2);
      for (int k = 0; k < TRACK_RAYS; k++)
        {
          double u = r[k] * cos (2 * G_PI * k / TRACK_RAYS), v = r[k] * sin (2 * G_PI * k / TRACK_RAYS);
          use[k] = r[k] <= clip && fabs (hypot (u - *cu, v - *cv) - *radius) < 2.5;
        }
    }
  return TRUE;
}

/* The section through c normal to n: rays clipped at TRACK_CLIP x their median, re-centred on
 * the clipped polygon's centroid three times. FALSE when c is not in blood. */
static gboolean
measure_section (const CuspVolume *image, double threshold, const double c_in[3], const double n[3],
                 double prior_mm, double max_shift_mm, Section *out)
{
  double e1[3], e2[3], c[3], r[TRACK_RAYS], sorted[TRACK_RAYS];
  plane_basis (n, e1, e2);
  memcpy (c, c_in, sizeof c);
  for (int pass = 0; pass < 4; pass++)
    {
      if (cusp_volume_sample_lps (image, c, -G_MAXDOUBLE) < threshold)
        return FALSE;
      double dirs[TRACK_RAYS][3];
      for (int k = 0; k < TRACK_RAYS; k++)
        {
          double th = 2 * G_PI * k / TRACK_RAYS;
          for (int a = 0; a < 3; a++)
            dirs[k][a] = cos (th) * e1[a] + sin (th) * e2[a];
          r[k] = ray_length (image, threshold, c, dirs[k]);
        }
      memcpy (sorted, r, sizeof r);
      qsort (sorted, TRACK_RAYS, sizeof (double), compare_double);
      out->median_mm = 0.5 * (sorted[TRACK_RAYS / 2 - 1] + sorted[TRACK_RAYS / 2]);
      /* the recent sections' radius bounds the clip: where most rays leak (the aorta lying on
       * the left atrium), the section's own median would follow the leak */
      out->clip_mm = TRACK_CLIP * (prior_mm > 0 ? MIN (out->median_mm, prior_mm) : out->median_mm);
      /* a leaking ray takes the radius interpolated between its nearest non-leaking neighbours, so
       * neither the area nor the centre is pulled toward the neighbour it leaks into */
      double kept[TRACK_RAYS];
      int good = 0;
      for (int k = 0; k < TRACK_RAYS; k++)
        good += r[k] <= out->clip_mm;
      out->leak_fraction = 1 - good / (double) TRACK_RAYS;
      for (int k = 0; k < TRACK_RAYS; k++)
        {
          kept[k] = r[k];
          if (r[k] <= out->clip_mm || good == 0)
            continue;
          int before = 1, after = 1;
          while (r[(k - before + TRACK_RAYS) % TRACK_RAYS] > out->clip_mm)
            before++;
          while (r[(k + after) % TRACK_RAYS] > out->clip_mm)
            after++;
          double rb = r[(k - before + TRACK_RAYS) % TRACK_RAYS], ra = r[(k + after) % TRACK_RAYS];
          kept[k] = rb + (ra - rb) * before / (double) (before + after);
        }
      double area2 = 0, cu = 0, cv = 0;
      for (int k = 0; k < TRACK_RAYS; k++)
        {
          int k2 = (k + 1) % TRACK_RAYS;
          double ra = kept[k], rb = kept[k2];
          double ua = ra * cos (2 * G_PI * k / TRACK_RAYS), va = ra * sin (2 * G_PI * k / TRACK_RAYS);
          double ub = rb * cos (2 * G_PI * k2 / TRACK_RAYS), vb = rb * sin (2 * G_PI * k2 / TRACK_RAYS);
          double cross = ua * vb - ub * va;
          area2 += cross;
          cu += (ua + ub) * cross;
          cv += (va + vb) * cross;
        }
      out->area_mm2 = area2 / 2;
      memcpy (out->center, c, sizeof c);
      if (pass == 3)
        break;
      /* the centre and radius from a circle through the walls the good rays found: half the
       * rays leaking does not move it, where the centroid of the patched polygon would */
      if (!fit_circle (r, out->clip_mm, &cu, &cv, &out->fit_radius_mm))
        return FALSE;
      for (int a = 0; a < 3; a++)
        c[a] += cu * e1[a] + cv * e2[a];
      /* a vessel does not jump sideways: keep the centre near where the axis predicted it */
      if (max_shift_mm > 0)
        {
          double d[3];
          sub3 (c, c_in, d);
          double len = sqrt (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
          if (len > max_shift_mm)
            for (int a = 0; a < 3; a++)
              c[a] = c_in[a] + d[a] * max_shift_mm / len;
        }
    }
  return out->area_mm2 > 0;
}

/* Turns the section at p toward its smallest area: of the normals within 20 degrees of `axis`
 * (rings at 10 and 20 degrees, 8 each), the one whose section, leaking rays counted double, is
 * smallest (an oblique cut is larger than the true one). `s` (measured along `axis`) becomes that
 * section; `axis` moves half-way toward its normal. */
static void
orient (const CuspVolume *image, double threshold, const double p[3], double prior_mm, double axis[3], Section *s)
{
  double e1[3], e2[3], best_n[3], best_score = s->area_mm2 * (1 + s->leak_fraction);
  memcpy (best_n, axis, sizeof best_n);
  plane_basis (axis, e1, e2);
  for (int ring = 1; ring <= 2; ring++)
    for (int q = 0; q < 8; q++)
      {
        const double tilt = ring * 10 * G_PI / 180, phi = 2 * G_PI * q / 8;
        double n[3];
        Section c;
        for (int a = 0; a < 3; a++)
          n[a] = cos (tilt) * axis[a] + sin (tilt) * (cos (phi) * e1[a] + sin (phi) * e2[a]);
        if (!measure_section (image, threshold, p, n, prior_mm, TRACK_MAX_SHIFT_MM, &c)
            || c.fit_radius_mm < TRACK_MIN_RADIUS_MM || c.leak_fraction > TRACK_MAX_LEAK)
          continue;
        if (c.area_mm2 * (1 + c.leak_fraction) < best_score)
          {
            best_score = c.area_mm2 * (1 + c.leak_fraction);
            *s = c;
            memcpy (best_n, n, sizeof best_n);
          }
      }
  memcpy (s->axis, best_n, sizeof s->axis);
  for (int a = 0; a < 3; a++)
    axis[a] = 0.5 * axis[a] + 0.5 * best_n[a];
  cusp_vec3_normalize (axis);
}

/* Walks from the seed section along the unit `seed_axis`, appending sections to `out` (with
 * `refine`, each section turned to its smallest area first, see orient).
 * Returns TRUE when the walk stopped at a chamber (an area jump or most rays leaking). */
static gboolean
walk (const CuspVolume *image, double threshold, const Section *seed, const double seed_axis[3], double limit_mm,
      gboolean refine, GArray *out)
{
  double axis[3], start_axis[3];
  memcpy (axis, seed_axis, sizeof axis);
  memcpy (start_axis, seed_axis, sizeof start_axis);
  GArray *areas = g_array_new (FALSE, FALSE, sizeof (double));
  Section last = *seed;
  gboolean chamber = FALSE;
  g_array_append_val (areas, seed->area_mm2);
  for (double travelled = TRACK_STEP_MM; travelled <= limit_mm; travelled += TRACK_STEP_MM)
    {
      double p[3];
      Section s;
      for (int a = 0; a < 3; a++)
        p[a] = last.center[a] + TRACK_STEP_MM * axis[a];
      double prior[5];
      int np = MIN (5, (int) out->len);
      for (int m = 0; m < np; m++)
        prior[m] = g_array_index (out, Section, out->len - 1 - m).fit_radius_mm;
      if (np == 0)
        prior[np++] = seed->fit_radius_mm;
      qsort (prior, np, sizeof (double), compare_double);
      if (!measure_section (image, threshold, p, axis, prior[np / 2], TRACK_MAX_SHIFT_MM, &s))
        break;
      if (refine)
        orient (image, threshold, p, prior[np / 2], axis, &s);
      else
        memcpy (s.axis, axis, sizeof s.axis);
      const double radius_mm = s.fit_radius_mm;
      if (radius_mm < TRACK_MIN_RADIUS_MM || radius_mm > TRACK_MAX_RADIUS_MM)
        break;
      if (s.leak_fraction > TRACK_MAX_LEAK)
        {
          chamber = TRUE;
          break;
        }
      /* reference: the median area of the last five sections */
      double recent[5];
      int n = MIN (5, (int) areas->len);
      for (int m = 0; m < n; m++)
        recent[m] = g_array_index (areas, double, areas->len - 1 - m);
      qsort (recent, n, sizeof (double), compare_double);
      if (s.area_mm2 > TRACK_AREA_JUMP * recent[n / 2])
        {
          chamber = TRUE;
          break;
        }
      g_debug ("track: (%.1f, %.1f, %.1f) axis (%.2f, %.2f, %.2f) median %.1f mm fit %.1f mm area %.0f mm2 leak %.2f",
               s.center[0], s.center[1], s.center[2], axis[0], axis[1], axis[2],
               s.median_mm, s.fit_radius_mm, s.area_mm2, s.leak_fraction);
      g_array_append_val (out, s);
      g_array_append_val (areas, s.area_mm2);
      last = s;
      /* the axis from the centres 4 steps apart, half-way blended with the last one */
      if (out->len >= 4)
        {
          const Section *back = &g_array_index (out, Section, out->len - 4);
          double d[3];
          sub3 (s.center, back->center, d);
          if (cusp_vec3_normalize (d) > 0)
            {
              for (int a = 0; a < 3; a++)
                axis[a] = 0.5 * axis[a] + 0.5 * d[a];
              cusp_vec3_normalize (axis);
            }
          if (cusp_vec3_dot (axis, start_axis) < 0.5)   /* turned > 60 degrees: the arch */
            break;
        }
    }
  g_array_unref (areas);
  return chamber;
}

/* TRUE when the straight line from a to b stays in blood (no dark stretch longer than
 * TRACK_LINE_GAP_MM: a wall between the click and a neighbouring vessel). */
static gboolean
line_in_blood (const CuspVolume *image, double threshold, const double a[3], const double b[3])
{
  double d[3];
  sub3 (b, a, d);
  const double length = sqrt (cusp_vec3_dot (d, d));
  double dark = 0;
  for (double t = 0; t <= length; t += TRACK_RAY_STEP_MM)
    {
      double p[3];
      for (int k = 0; k < 3; k++)
        p[k] = a[k] + d[k] * t / length;
      dark = cusp_volume_sample_lps (image, p, -G_MAXDOUBLE) < threshold ? dark + TRACK_RAY_STEP_MM : 0;
      if (dark > TRACK_LINE_GAP_MM)
        return FALSE;
    }
  return TRUE;
}

/* One way down from the click: the sections walked from a start TRACK_PROBE_MM along `axis`. */
typedef struct {
  double axis[3];
  Section start;
  GArray *walked;          /* Section */
  gboolean chamber;        /* the walk ended where the vessel opens into a chamber */
  double mean_leak;
} DownWalk;

static void
down_walk_clear (DownWalk *w)
{
  g_clear_pointer (&w->walked, g_array_unref);
}

/* Where the vessel goes down from the click. The walk straight down is the first candidate. A
 * click where the ascending aorta bends into the root sits in a bulb whose sections are about as
 * large whichever way it is cut (the 3 T MR: ~20 mm radius in every direction; the root leaves it
 * about 45 degrees toward the patient's left and back), so neither the section at the click nor
 * a straight walk says where the root is: straight down it walks into the atria. What does is
 * where a walk ends: the root opens into the left ventricle (the walk stops on an area jump or
 * on most rays leaking), a walk into the atria or the cava runs on or fades out. So walks start
 * TRACK_PROBE_MM out along each direction within TRACK_PROBE_MAX_TILT degrees of straight down
 * (10 degree rings, 8 azimuths) from a point still joined to the click through blood; of those
 * ending in a chamber after at least TRACK_MIN_ROOT_WALK_MM, the one whose sections leak least
 * wins and is walked again from its start with its sections oriented (orient); without any,
 * the straight walk is kept (as before this search). On the 3 T MR three directions 30-60
 * degrees toward the patient's left end in the LV; the oriented walk of the best runs through
 * the root's narrowing (fitted radius 18-19 mm in the sinus, 12-13.5 mm at about (65, -8, 37) mm)
 * into the LV. */
static void
walk_down (const CuspVolume *image, double threshold, const Section *seed, DownWalk *best)
{
  const double straight[3] = { 0, 0, -1 };
  memcpy (best->axis, straight, sizeof best->axis);
  best->start = *seed;
  best->walked = g_array_new (FALSE, FALSE, sizeof (Section));
  best->chamber = walk (image, threshold, seed, straight, TRACK_DOWN_MM, FALSE, best->walked);
  gboolean best_probed = FALSE;
  for (int t = 1; t * 10 <= TRACK_PROBE_MAX_TILT; t++)
    for (int q = 0; q < 8; q++)
      {
        const double tilt = t * 10 * G_PI / 180, phi = 2 * G_PI * q / 8;
        DownWalk w = { { sin (tilt) * cos (phi), sin (tilt) * sin (phi), -cos (tilt) }, { { 0 } }, NULL, FALSE, 0 };
        double p[3];
        for (int a = 0; a < 3; a++)
          p[a] = seed->center[a] + TRACK_PROBE_MM * w.axis[a];
        if (!line_in_blood (image, threshold, seed->center, p)
            || !measure_section (image, threshold, p, w.axis, 0, 0, &w.start)
            || w.start.fit_radius_mm < TRACK_MIN_RADIUS_MM || w.start.fit_radius_mm > TRACK_MAX_RADIUS_MM)
          continue;
        w.walked = g_array_new (FALSE, FALSE, sizeof (Section));
        w.chamber = walk (image, threshold, &w.start, w.axis, TRACK_DOWN_MM - TRACK_PROBE_MM, FALSE, w.walked);
        for (guint m = 0; m < w.walked->len; m++)
          w.mean_leak += g_array_index (w.walked, Section, m).leak_fraction / w.walked->len;
        const gboolean root_like = w.chamber && w.walked->len * TRACK_STEP_MM >= TRACK_MIN_ROOT_WALK_MM;
        g_debug ("track down (%.2f, %.2f, %.2f): %u sections, chamber %d, mean leak %.2f", w.axis[0], w.axis[1],
                 w.axis[2], w.walked->len, w.chamber, w.mean_leak);
        if (root_like && (!best_probed || w.mean_leak < best->mean_leak))
          {
            down_walk_clear (best);
            *best = w;
            best_probed = TRUE;
          }
        else
          down_walk_clear (&w);
      }
  if (best_probed)
    {
      g_array_set_size (best->walked, 0);
      best->chamber = walk (image, threshold, &best->start, best->axis, TRACK_DOWN_MM, TRUE, best->walked);
    }
}

/* The tube's radius at a section: the fitted circle widened for the sinus lobes. */
static double
tube_radius (const Section *s)
{
  return TRACK_CLIP * s->fit_radius_mm;
}

gboolean
cusp_segment_track_tube (const CuspVolume *image, const CuspIntensityModel *model, const double seed_mm[3],
                         CuspCoarseResult *path, CuspTube *tube, GError **error)
{
  const double threshold = model->tissue_mean + TRACK_LEVEL * (model->lumen_mean - model->tissue_mean);
  const double up[3] = { 0, 0, 1 };
  Section seed;
  if (!measure_section (image, threshold, seed_mm, up, 0, 0, &seed) || seed.median_mm < TRACK_MIN_RADIUS_MM
      || seed.median_mm > TRACK_MAX_RADIUS_MM)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                   "No vessel of 3-25 mm radius was found around the clicked point (%.0f, %.0f, %.0f) mm; "
                   "click inside the aortic root", seed_mm[0], seed_mm[1], seed_mm[2]);
      return FALSE;
    }
  g_autoptr(GArray) above = g_array_new (FALSE, FALSE, sizeof (Section));
  g_autoptr(GArray) below = g_array_new (FALSE, FALSE, sizeof (Section));
  walk (image, threshold, &seed, up, TRACK_UP_MM, FALSE, above);
  /* down: the stretch from the click to the chosen walk's start filled in (radius interpolated) */
  DownWalk way_down;
  walk_down (image, threshold, &seed, &way_down);
  {
      double to_start[3];
      sub3 (way_down.start.center, seed.center, to_start);
      const double gap_mm = sqrt (cusp_vec3_dot (to_start, to_start));
      for (double t = TRACK_STEP_MM; t < gap_mm - 0.5 * TRACK_STEP_MM; t += TRACK_STEP_MM)
        {
          Section s = way_down.start;
          memcpy (s.axis, way_down.axis, sizeof s.axis);
          const double f = t / gap_mm;
          for (int a = 0; a < 3; a++)
            s.center[a] = seed.center[a] + f * to_start[a];
          s.fit_radius_mm = seed.fit_radius_mm + f * (way_down.start.fit_radius_mm - seed.fit_radius_mm);
          g_array_append_val (below, s);
        }
      memcpy (way_down.start.axis, way_down.axis, sizeof way_down.start.axis);
      if (gap_mm > 0.1)
        g_array_append_val (below, way_down.start);
  }
  g_array_append_vals (below, way_down.walked->data, way_down.walked->len);
  const gboolean chamber = way_down.chamber;
  down_walk_clear (&way_down);
  if (below->len * TRACK_STEP_MM < 15)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                   "The vessel at the clicked point could be followed only %.0f mm down toward the "
                   "heart; click inside the aortic root", below->len * TRACK_STEP_MM);
      return FALSE;
    }

  /* LV -> aorta: straight on past the last section into the chamber, then up */
  tube->centers = g_array_new (FALSE, FALSE, sizeof (double) * 3);
  tube->radii = g_array_new (FALSE, FALSE, sizeof (double));
  tube->axes = g_array_new (FALSE, FALSE, sizeof (double) * 3);
  const Section *bottom = &g_array_index (below, Section, below->len - 1);
  const Section *above_bottom = &g_array_index (below, Section, MAX (0, (int) below->len - 5));
  double down[3];
  sub3 (bottom->center, above_bottom->center, down);
  if (cusp_vec3_normalize (down) == 0)
    down[0] = down[1] = 0, down[2] = -1;
  const double extension = chamber ? TRACK_LV_EXTENSION_MM : 0;
  tube->chamber_count = 0;
  for (double t = extension; t > 0; t -= TRACK_STEP_MM)
    {
      tube->chamber_count++;
      double p[3];
      for (int a = 0; a < 3; a++)
        p[a] = bottom->center[a] + t * down[a];
      g_array_append_vals (tube->centers, p, 1);
      double r = tube_radius (bottom);
      g_array_append_val (tube->radii, r);
      const double up_tube[3] = { -down[0], -down[1], -down[2] };
      g_array_append_vals (tube->axes, up_tube, 1);
    }
  for (int m = (int) below->len - 1; m >= 0; m--)
    {
      const Section *s = &g_array_index (below, Section, m);
      g_array_append_vals (tube->centers, s->center, 1);
      double r = tube_radius (s);
      g_array_append_val (tube->radii, r);
      const double up_tube[3] = { -s->axis[0], -s->axis[1], -s->axis[2] };
      g_array_append_vals (tube->axes, up_tube, 1);
    }
  tube->seed_index = tube->centers->len;
  g_array_append_vals (tube->centers, seed.center, 1);
  double seed_r = tube_radius (&seed);
  g_array_append_val (tube->radii, seed_r);
  g_array_append_vals (tube->axes, up, 1);
  g_autoptr(GArray) up_radii = g_array_new (FALSE, FALSE, sizeof (double));
  g_array_append_val (up_radii, seed.median_mm);
  for (guint m = 0; m < above->len; m++)
    {
      const Section *s = &g_array_index (above, Section, m);
      g_array_append_vals (tube->centers, s->center, 1);
      double r = tube_radius (s);
      g_array_append_val (tube->radii, r);
      g_array_append_vals (tube->axes, s->axis, 1);
      g_array_append_val (up_radii, s->median_mm);
    }
  g_array_sort (up_radii, compare_double);

  path->path = g_array_ref (tube->centers);
  path->aorta_radius_mm = g_array_index (up_radii, double, up_radii->len / 2);
  return TRUE;
}

void
cusp_segment_tube_restrict (const CuspTube *tube, const CuspGrid *g, guint8 *blood)
{
  const gsize count = cusp_grid_voxel_count (g);
  g_autofree guint8 *inside = g_new0 (guint8, count);
  for (guint m = 0; m < tube->centers->len; m++)
    {
      const double *c = &g_array_index (tube->centers, double, 3 * m);
      const double r = g_array_index (tube->radii, double, m);
      int lo[3], hi[3];
      for (int a = 0; a < 3; a++)
        {
          lo[a] = MAX (0, (int) floor ((c[a] - r - g->origin_mm[a]) / g->spacing_mm[a]));
          hi[a] = MIN (g->dims[a] - 1, (int) ceil ((c[a] + r - g->origin_mm[a]) / g->spacing_mm[a]));
        }
      for (int k = lo[2]; k <= hi[2]; k++)
        for (int j = lo[1]; j <= hi[1]; j++)
          for (int i = lo[0]; i <= hi[0]; i++)
            {
              double dx = g->origin_mm[0] + i * g->spacing_mm[0] - c[0];
              double dy = g->origin_mm[1] + j * g->spacing_mm[1] - c[1];
              double dz = g->origin_mm[2] + k * g->spacing_mm[2] - c[2];
              if (dx * dx + dy * dy + dz * dz <= r * r)
                inside[cusp_grid_index (g, i, j, k)] = 1;
            }
    }
  for (gsize v = 0; v < count; v++)
    blood[v] = blood[v] && inside[v];
}
