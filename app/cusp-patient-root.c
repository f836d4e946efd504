/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-patient-root.c: root frame, analytic root def from the measurements, and the segmented
 * lumen wall and calcium ray-cast into the solver's root frame (see cusp-patient-root.h). */
#include "cusp-patient-root.h"
#include "cusp-error.h"
#include "cusp-segment.h"

#include <math.h>
#include <string.h>

#define RAY_STEP_MM 0.2
#define REFINE_MM 2.0
#define CALCIUM_BIN_DEG 12.0
#define CALCIUM_BIN_MM 2.0

static double
dot3 (const double *a, const double *b)
{
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

gboolean
cusp_root_frame_from_annulus (const CuspSection *ann, CuspRootFrame *f, GError **error)
{
  const double *c = ann->centroid_mm, *n = ann->normal;
  double e1[3] = { 0.0, 0.0, 0.0 }, best = -1.0, len;

  if (!ann->valid || !isfinite (ann->dmin_mm) || !isfinite (ann->dmax_mm) || ann->point_count < 3
      || !(fabs (dot3 (n, n) - 1.0) < 1e-6))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "the annulus could not be measured");
      return FALSE;
    }
  for (int i = 0; i < ann->point_count; i++)       /* the major axis: the farthest contour point */
    {
      double v[3] = { ann->points_mm[i][0] - c[0], ann->points_mm[i][1] - c[1],
                      ann->points_mm[i][2] - c[2] };
      double along = dot3 (v, n), d;
      for (int k = 0; k < 3; k++)
        v[k] -= along * n[k];
      d = dot3 (v, v);
      if (d > best)
        {
          best = d;
          memcpy (e1, v, sizeof e1);
        }
    }
  len = sqrt (dot3 (e1, e1));
  if (!(len > 0.0) || !isfinite (len))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "the annulus contour is degenerate");
      return FALSE;
    }
  for (int k = 0; k < 3; k++)
    {
      f->origin_mm[k] = c[k];
      f->axis_x[k] = e1[k] / len;
      f->axis_z[k] = n[k];
    }
  f->axis_y[0] = n[1] * f->axis_x[2] - n[2] * f->axis_x[1];       /* y = z x x */
  f->axis_y[1] = n[2] * f->axis_x[0] - n[0] * f->axis_x[2];
  f->axis_y[2] = n[0] * f->axis_x[1] - n[1] * f->axis_x[0];
  return TRUE;
}

void
cusp_root_frame_from_lps (const CuspRootFrame *f, const double p[3], double out[3])
{
  double v[3] = { p[0] - f->origin_mm[0], p[1] - f->origin_mm[1], p[2] - f->origin_mm[2] };

  out[0] = dot3 (v, f->axis_x);
  out[1] = dot3 (v, f->axis_y);
  out[2] = dot3 (v, f->axis_z);
}

void
cusp_root_frame_to_lps (const CuspRootFrame *f, const double q[3], double out[3])
{
  for (int k = 0; k < 3; k++)
    out[k] = f->origin_mm[k] + q[0] * f->axis_x[k] + q[1] * f->axis_y[k] + q[2] * f->axis_z[k];
}

double
cusp_root_frame_angle_deg (const CuspRootFrame *f, const double p[3])
{
  double q[3], a;

  cusp_root_frame_from_lps (f, p, q);
  a = atan2 (q[1], q[0]) * 180.0 / G_PI;
  return a < 0.0 ? a + 360.0 : a;
}

gboolean
cusp_patient_root_def (const CuspMeasurements *m, const CuspLandmarks *lm, const CuspRootFrame *f,
                       CuspSimRootDef *root, GError **error)
{
  double commissure_height = 0.0;

  if (!m->annulus.valid || !isfinite (m->annulus.dmin_mm) || !isfinite (m->annulus.dmax_mm))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "the annulus could not be measured");
      return FALSE;
    }
  *root = cusp_sim_default_root_def ();
  root->annulus_dmin_mm = m->annulus.dmin_mm;
  root->annulus_dmax_mm = m->annulus.dmax_mm;
  if (m->lvot.valid && isfinite (m->lvot.area_diameter_mm))
    root->lvot_diameter_mm = m->lvot.area_diameter_mm;
  if (isfinite (m->sov_mean_diameter_mm))
    root->sinus_diameter_mm = m->sov_mean_diameter_mm;
  if (isfinite (m->stj_diameter_mm))
    root->stj_diameter_mm = m->stj_diameter_mm;
  if (isfinite (m->stj_height_mm))
    root->stj_height_mm = m->stj_height_mm;
  if (isfinite (m->left_coronary_height_mm))
    root->left_ostium_height_mm = m->left_coronary_height_mm;
  if (isfinite (m->right_coronary_height_mm))
    root->right_ostium_height_mm = m->right_coronary_height_mm;
  root->ncc_rcc_commissure_deg = cusp_root_frame_angle_deg (f, lm->commissure_mm[CUSP_COMMISSURE_RIGHT_NON]);
  root->left_ostium_deg = cusp_root_frame_angle_deg (f, lm->left_ostium_mm);
  root->right_ostium_deg = cusp_root_frame_angle_deg (f, lm->right_ostium_mm);
  for (int k = 0; k < CUSP_COMMISSURE_COUNT; k++)
    {
      double q[3];
      cusp_root_frame_from_lps (f, lm->commissure_mm[k], q);
      commissure_height += q[2] / CUSP_COMMISSURE_COUNT;
    }
  if (isfinite (commissure_height) && commissure_height > 2.0)
    root->leaflet_height_mm = commissure_height;
  return TRUE;
}

CuspPatientWallParams
cusp_patient_wall_default_params (void)
{
  /* -14 .. 60 mm: segmentation keeps 15 mm below the annulus and up to 45 mm above the STJ
   * (cusp-segment.h). The top leaves room for a 46 mm self-expanding frame set 3 mm deep and
   * tilted: with 44 mm, Evolut-class 34 on the real CT was refused from a 4 degree tilt. The
   * required region holds a 20-29 mm balloon-expandable frame from 10 mm deep and the sealing
   * part of a self-expanding one. */
  CuspPatientWallParams p = { -14.0, 60.0, 0.5, 180, 40.0, -10.0, 25.0, 0.6,
                              CUSP_PATIENT_WALL_MAX_GAP_MM2 };
  return p;
}

/* Lumen indicator at an LPS point: trilinear interpolation of (label == lumen) over the 8
 * surrounding voxels; 0 outside the volume. */
static double
lumen_indicator (const CuspVolume *labels, const gint16 *vox, const double lps[3])
{
  double ijk[3], v = 0.0;
  int i0[3];
  double t[3];

  cusp_volume_lps_to_index (labels, lps, ijk);
  for (int c = 0; c < 3; c++)
    {
      if (!(ijk[c] >= 0.0) || ijk[c] > labels->dims[c] - 1)
        return 0.0;
      i0[c] = (int) floor (ijk[c]);
      if (i0[c] >= labels->dims[c] - 1)
        i0[c] = MAX (labels->dims[c] - 2, 0);
      t[c] = ijk[c] - i0[c];
    }
  for (int corner = 0; corner < 8; corner++)
    {
      int i = MIN (i0[0] + (corner & 1), labels->dims[0] - 1);
      int j = MIN (i0[1] + ((corner >> 1) & 1), labels->dims[1] - 1);
      int k = MIN (i0[2] + ((corner >> 2) & 1), labels->dims[2] - 1);
      double w = ((corner & 1) ? t[0] : 1.0 - t[0]) * (((corner >> 1) & 1) ? t[1] : 1.0 - t[1])
                 * (((corner >> 2) & 1) ? t[2] : 1.0 - t[2]);
      gsize index = ((gsize) k * labels->dims[1] + j) * labels->dims[0] + i;
      if (vox[index] != CUSP_LABEL_BACKGROUND)         /* lumen, or calcium: see the header */
        v += w;
    }
  return v;
}

/* The image's own edge near the label edge s_label: the crossing of the lumen threshold (going
 * out, from above to below) nearest to it within REFINE_MM, by linear interpolation between
 * RAY_STEP_MM samples of the trilinear intensity; s_label itself if there is none.
 *
 * A label that ends inside the blood pool (the image still above the threshold REFINE_MM beyond
 * its edge) is not the wall: the segmentation clips the lumen around its centerline and opens
 * it, and on the real CT those cut edges lay 2-8 mm inside the image's lumen below the annulus
 * and between the closed leaflets (the wall enclosed 284 mm2 at the annulus where the measured
 * section has 465 mm2, and a 29 mm frame was crushed to a 13.5 mm inflow). There the ray goes on
 * to the image's own first crossing, up to limit_mm; -1 (a miss, filled) if it has none. */
static double
refine_edge (const CuspVolume *image, double threshold, const CuspRootFrame *f, double theta,
             double z, double s_label, double limit_mm)
{
  double best = s_label, best_d = INFINITY, prev = NAN, s;
  double end = MAX (limit_mm, s_label + REFINE_MM);

  for (s = MAX (s_label - REFINE_MM, 0.0); s <= end; s += RAY_STEP_MM)
    {
      double q[3] = { s * cos (theta), s * sin (theta), z }, p[3], v;
      if (s > s_label + REFINE_MM && (isfinite (best_d) || prev < threshold))
        break;                                         /* near the label edge: the image's edge */
      cusp_root_frame_to_lps (f, q, p);
      v = cusp_volume_sample_lps (image, p, -1e9);
      if (prev >= threshold && v < threshold)
        {
          double at = s - RAY_STEP_MM + RAY_STEP_MM * (prev - threshold) / (prev - v);
          if (s > s_label + REFINE_MM)
            return at;                                 /* the label was cut inside the blood */
          if (fabs (at - s_label) < best_d)
            {
              best_d = fabs (at - s_label);
              best = at;
            }
        }
      prev = v;
    }
  if (!isfinite (best_d) && s > end && prev >= threshold)
    return -1.0;
  return best;
}

/* First wall along the ray at height z that starts start_mm from the axis: the distance where
 * the indicator crosses 1/2 going out and stays below it for CUSP_PATIENT_WALL_MIN_WALL_MM. If
 * the start is not in the lumen, the ray first walks out (at most to max_radius_mm) until it is:
 * -2 if it never gets there, -1 if no wall follows within max_radius_mm. */
static double
cast_ray (const CuspVolume *labels, const gint16 *vox, const CuspRootFrame *f, double theta,
          double z, double start_mm, double max_radius_mm)
{
  double q[3] = { start_mm * cos (theta), start_mm * sin (theta), z }, p[3], prev, s;
  int need = (int) ceil (CUSP_PATIENT_WALL_MIN_WALL_MM / RAY_STEP_MM);

  cusp_root_frame_to_lps (f, q, p);
  prev = lumen_indicator (labels, vox, p);
  for (s = start_mm + RAY_STEP_MM; prev < 0.5 && s <= max_radius_mm; s += RAY_STEP_MM)
    {
      q[0] = s * cos (theta);
      q[1] = s * sin (theta);
      cusp_root_frame_to_lps (f, q, p);
      prev = lumen_indicator (labels, vox, p);
    }
  if (prev < 0.5)
    return -2.0;
  for (; s <= max_radius_mm; s += RAY_STEP_MM)
    {
      double v;
      q[0] = s * cos (theta);
      q[1] = s * sin (theta);
      cusp_root_frame_to_lps (f, q, p);
      v = lumen_indicator (labels, vox, p);
      if (v < 0.5)
        {
          gboolean solid = TRUE;
          for (int k = 1; k <= need && solid; k++)
            {
              double qq[3] = { (s + k * RAY_STEP_MM) * cos (theta), (s + k * RAY_STEP_MM) * sin (theta), z };
              double pp[3];
              cusp_root_frame_to_lps (f, qq, pp);
              solid = lumen_indicator (labels, vox, pp) < 0.5;
            }
          if (solid)
            return s - RAY_STEP_MM + RAY_STEP_MM * (prev - 0.5) / (prev - v);
        }
      prev = v;
    }
  return -1.0;
}

/* Hits that stand more than CUSP_PATIENT_WALL_OUTLIER_MM off the median of the hits around them
 * (WINDOW_CELLS either way in angle, WINDOW_ROWS in height) are specks, leaflets or a ray that
 * slipped through a gap: they become misses (< 0). Returns how many. On the real CT these were
 * islands of 1-3 mm dents in the sinus wall, each a contact bump the frame had to climb. */
#define WINDOW_CELLS 6
#define WINDOW_ROWS 4

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static int
reject_outliers (double *r, int na, int nh)
{
  g_autofree double *copy = g_memdup2 (r, sizeof (double) * na * nh);
  double around[(2 * WINDOW_CELLS + 1) * (2 * WINDOW_ROWS + 1)];
  int rejected = 0;

  for (int h = 0; h < nh; h++)
    for (int a = 0; a < na; a++)
      {
        int n = 0;
        double median;
        if (copy[h * na + a] < 0.0)
          continue;
        for (int dh = -WINDOW_ROWS; dh <= WINDOW_ROWS; dh++)
          for (int da = -WINDOW_CELLS; da <= WINDOW_CELLS; da++)
            {
              int hh = h + dh, aa = (a + da + na) % na;
              if (hh >= 0 && hh < nh && copy[hh * na + aa] >= 0.0)
                around[n++] = copy[hh * na + aa];
            }
        qsort (around, (size_t) n, sizeof (double), compare_doubles);
        median = n % 2 ? around[n / 2] : 0.5 * (around[n / 2 - 1] + around[n / 2]);
        if (fabs (copy[h * na + a] - median) > CUSP_PATIENT_WALL_OUTLIER_MM)
          {
            r[h * na + a] = -1.0;
            rejected++;
          }
      }
  return rejected;
}

/* The largest 4-connected patch (periodic in angle) of the valve region without a hit, mm2 on a
 * wall of the measured annulus' mean radius. */
static double
largest_gap_mm2 (const CuspPatientWall *w, const CuspSimRootDef *expected)
{
  int na = w->params.angle_count, nh = w->height_count, largest = 0;
  double cell_mm2 = 2.0 * G_PI * 0.25 * (expected->annulus_dmin_mm + expected->annulus_dmax_mm) / na
                    * w->params.height_step_mm;
  g_autofree guint8 *seen = g_new0 (guint8, (gsize) na * nh);
  g_autofree int *stack = g_new (int, (gsize) na * nh);
  int h0 = (int) ceil ((w->params.required_from_mm - w->params.height0_mm) / w->params.height_step_mm - 1e-9);
  int h1 = (int) floor ((w->params.required_to_mm - w->params.height0_mm) / w->params.height_step_mm + 1e-9);

  h0 = MAX (h0, 0);
  h1 = MIN (h1, nh - 1);
  for (int start = h0 * na; start < (h1 + 1) * na; start++)
    {
      int top = 0, size = 0;
      if (w->hit_mask[start] || seen[start])
        continue;
      seen[start] = 1;
      stack[top++] = start;
      while (top > 0)
        {
          int c = stack[--top], ch = c / na, ca = c % na;
          int next[4] = { ch * na + (ca + 1) % na, ch * na + (ca + na - 1) % na,
                          ch > h0 ? c - na : -1, ch < h1 ? c + na : -1 };
          size++;
          for (int k = 0; k < 4; k++)
            if (next[k] >= 0 && !w->hit_mask[next[k]] && !seen[next[k]])
              {
                seen[next[k]] = 1;
                stack[top++] = next[k];
              }
        }
      largest = MAX (largest, size);
    }
  return largest * cell_mm2;
}

/* Fills the cells without a hit. Between the first and the last row with hits, the difference
 * from the analytic root of the measurements (`prior`) is a membrane stretched over the hits
 * (Laplace's equation in mm, periodic in angle, solved by SOR from zero): a hole takes the
 * measured root's shape, offset to meet its rim in angle and height alike. A band with no hit
 * at all (on the real CT the closed leaflets hide the annulus from every ray) is the measured
 * annulus blended into the segmented wall above and below. Rows beyond that range continue the
 * nearest as a tube. */
#define FILL_SWEEPS 400
#define FILL_OVERRELAX 1.8

static void
fill_field (double *r, const guint8 *hit, const double *prior, int na, int nh, int first,
            int last, double arc_mm, double step_mm)
{
  double wa = 1.0 / (arc_mm * arc_mm), wz = 1.0 / (step_mm * step_mm);

  for (int c = first * na; c < (last + 1) * na; c++)
    r[c] = hit[c] ? r[c] - prior[c] : 0.0;
  for (int sweep = 0; sweep < FILL_SWEEPS; sweep++)
    for (int h = first; h <= last; h++)
      for (int a = 0; a < na; a++)
        {
          double up, down, gs;
          if (hit[h * na + a])
            continue;
          down = r[(h > first ? h - 1 : h + (h < last)) * na + a];
          up = r[(h < last ? h + 1 : h - (h > first)) * na + a];
          gs = (wa * (r[h * na + (a + 1) % na] + r[h * na + (a + na - 1) % na]) + wz * (up + down))
               / (2.0 * wa + 2.0 * wz);
          r[h * na + a] += FILL_OVERRELAX * (gs - r[h * na + a]);
        }
  for (int c = first * na; c < (last + 1) * na; c++)
    r[c] += prior[c];
  for (int h = 0; h < nh; h++)
    if (h < first || h > last)
      memcpy (r + (gsize) h * na, r + (gsize) (h < first ? first : last) * na, sizeof (double) * na);
}

static void
smooth_field (double *r, int na, int nh)
{
  g_autofree double *tmp = g_new (double, (gsize) na * nh);

  for (int h = 0; h < nh; h++)
    for (int a = 0; a < na; a++)
      {
        double s = 0.0, w = 0.0;
        for (int dh = -1; dh <= 1; dh++)
          for (int da = -1; da <= 1; da++)
            {
              int hh = CLAMP (h + dh, 0, nh - 1), aa = (a + da + na) % na;
              double k = (dh == 0 ? 2.0 : 1.0) * (da == 0 ? 2.0 : 1.0);
              s += k * r[hh * na + aa];
              w += k;
            }
        tmp[h * na + a] = s / w;
      }
  memcpy (r, tmp, sizeof (double) * na * nh);
}

static void
build_mesh (CuspPatientWall *w)
{
  int na = w->params.angle_count, nh = w->height_count;

  w->vertex_count = na * nh;
  w->triangle_count = 2 * na * (nh - 1);
  w->vertices_mm = g_new (double, 3 * (gsize) w->vertex_count);
  w->triangles = g_new (int, 3 * (gsize) w->triangle_count);
  for (int h = 0; h < nh; h++)
    for (int a = 0; a < na; a++)
      {
        /* vertices half a step off the solver's ray angles (multiples of its 2 deg grid), so its
         * rays cross triangle interiors rather than shared vertices */
        double th = 2.0 * G_PI * (a + 0.5) / na, r = w->radius_mm[h * na + a];
        double *v = w->vertices_mm + 3 * (h * na + a);
        v[0] = r * cos (th);
        v[1] = r * sin (th);
        v[2] = w->params.height0_mm + h * w->params.height_step_mm;
      }
  for (int h = 0, t = 0; h < nh - 1; h++)
    for (int a = 0; a < na; a++, t += 2)
      {
        int a1 = (a + 1) % na;
        int v00 = h * na + a, v01 = h * na + a1, v10 = (h + 1) * na + a, v11 = (h + 1) * na + a1;
        int *tri = w->triangles + 3 * t;
        tri[0] = v00; tri[1] = v01; tri[2] = v11;
        tri[3] = v00; tri[4] = v11; tri[5] = v10;
      }
}

/* The value the field stores at (a, h) is the mean over a cell centred at angle (a + 0.5) steps. */
double
cusp_patient_wall_radius (const CuspPatientWall *w, double theta_deg, double z_mm)
{
  int na = w->params.angle_count, nh = w->height_count;
  double fa = theta_deg / 360.0 * na - 0.5, fz = (z_mm - w->params.height0_mm) / w->params.height_step_mm;
  int a0, h0;
  double ta, tz;

  fz = CLAMP (fz, 0.0, nh - 1.0);
  fa = fmod (fa, (double) na);
  if (fa < 0.0)
    fa += na;
  a0 = (int) fa;
  h0 = MIN ((int) fz, nh - 2);
  ta = fa - a0;
  tz = fz - h0;
#define R(hh, aa) w->radius_mm[(hh) * na + ((aa) % na)]
  return (1.0 - tz) * ((1.0 - ta) * R (h0, a0) + ta * R (h0, a0 + 1))
         + tz * ((1.0 - ta) * R (h0 + 1, a0) + ta * R (h0 + 1, a0 + 1));
#undef R
}

typedef struct {
  double volume_mm3, sum_z, sum_c, sum_s;
  int first_bin;
} Nodule;

static int
compare_nodules (gconstpointer a, gconstpointer b)
{
  const Nodule *x = a, *y = b;
  return (x->volume_mm3 < y->volume_mm3) - (x->volume_mm3 > y->volume_mm3);
}

/* Calcium voxels -> nodules: bins on the wall (angle x height), 8-connected bins (periodic in
 * angle) are one nodule. */
static void
place_calcium (const CuspVolume *labels, const gint16 *vox, const CuspRootFrame *frame,
               const CuspPatientWallParams *params, double r_mean_mm, CuspPatientCalcium *out)
{
  int nba = (int) (360.0 / CALCIUM_BIN_DEG);
  int nbz = (int) ceil ((params->height1_mm - params->height0_mm) / CALCIUM_BIN_MM);
  g_autofree int *bin_count = g_new0 (int, (gsize) nba * nbz);
  g_autofree int *bin_label = g_new (int, (gsize) nba * nbz);
  g_autofree int *stack = g_new (int, (gsize) nba * nbz);
  g_autoptr(GArray) nodules = g_array_new (FALSE, TRUE, sizeof (Nodule));
  double voxel_mm3 = labels->spacing_mm[0] * labels->spacing_mm[1] * labels->spacing_mm[2];
  gsize n = cusp_volume_voxel_count (labels);
  int kept;

  for (int pass = 0; pass < 2; pass++)
    {
      for (gsize index = 0; index < n; index++)
        {
          double ijk[3], p[3], q[3], th;
          int ba, bz;
          if (vox[index] != CUSP_LABEL_CALCIUM_LEAFLET && vox[index] != CUSP_LABEL_CALCIUM_LVOT)
            continue;
          ijk[0] = (double) (index % labels->dims[0]);
          ijk[1] = (double) ((index / labels->dims[0]) % labels->dims[1]);
          ijk[2] = (double) (index / ((gsize) labels->dims[0] * labels->dims[1]));
          cusp_volume_index_to_lps (labels, ijk, p);
          cusp_root_frame_from_lps (frame, p, q);
          if (q[2] < params->height0_mm || q[2] >= params->height1_mm)
            continue;
          th = atan2 (q[1], q[0]);
          if (th < 0.0)
            th += 2.0 * G_PI;
          ba = MIN ((int) (th * 180.0 / G_PI / CALCIUM_BIN_DEG), nba - 1);
          bz = MIN ((int) ((q[2] - params->height0_mm) / CALCIUM_BIN_MM), nbz - 1);
          if (pass == 0)
            bin_count[bz * nba + ba]++;
          else
            {
              Nodule *nd = &g_array_index (nodules, Nodule, bin_label[bz * nba + ba]);
              nd->volume_mm3 += voxel_mm3;
              nd->sum_z += q[2];
              nd->sum_c += cos (th);
              nd->sum_s += sin (th);
            }
        }
      if (pass == 0)                                   /* label connected bins */
        {
          for (int b = 0; b < nba * nbz; b++)
            bin_label[b] = -1;
          for (int b = 0; b < nba * nbz; b++)
            {
              int top = 0;
              Nodule nd = { 0 };
              if (bin_count[b] == 0 || bin_label[b] >= 0)
                continue;
              nd.first_bin = b;
              g_array_append_val (nodules, nd);
              bin_label[b] = nodules->len - 1;
              stack[top++] = b;
              while (top > 0)
                {
                  int c = stack[--top], ca = c % nba, cz = c / nba;
                  for (int dz = -1; dz <= 1; dz++)
                    for (int da = -1; da <= 1; da++)
                      {
                        int zz = cz + dz, aa = (ca + da + nba) % nba, nb = zz * nba + aa;
                        if (zz < 0 || zz >= nbz || bin_count[nb] == 0 || bin_label[nb] >= 0)
                          continue;
                        bin_label[nb] = nodules->len - 1;
                        stack[top++] = nb;
                      }
                }
            }
        }
    }
  /* footprint: the farthest occupied bin corner from the centroid, on the wall */
  for (guint i = 0; i < nodules->len; i++)
    {
      Nodule *nd = &g_array_index (nodules, Nodule, i);
      double count = nd->volume_mm3 / voxel_mm3;
      nd->sum_z /= count;
      nd->sum_c = atan2 (nd->sum_s, nd->sum_c);        /* centroid angle, radians */
      nd->sum_s = 0.0;                                 /* now: footprint radius */
      for (int b = 0; b < nba * nbz; b++)
        if (bin_label[b] == (int) i)
          for (int corner = 0; corner < 4; corner++)
            {
              double th = ((b % nba) + (corner & 1)) * CALCIUM_BIN_DEG * G_PI / 180.0;
              double z = params->height0_mm + ((b / nba) + (corner >> 1)) * CALCIUM_BIN_MM;
              double s = r_mean_mm * remainder (th - nd->sum_c, 2.0 * G_PI), dz = z - nd->sum_z;
              nd->sum_s = MAX (nd->sum_s, sqrt (s * s + dz * dz));
            }
    }
  g_array_sort (nodules, compare_nodules);
  kept = MIN ((int) nodules->len, CUSP_SIM_MAX_CALCIUM);
  out->count = kept;
  out->dropped = (int) nodules->len - kept;
  out->volume_mm3 = 0.0;
  for (int i = 0; i < kept; i++)
    {
      const Nodule *nd = &g_array_index (nodules, Nodule, i);
      double deg = nd->sum_c * 180.0 / G_PI;
      out->nodules[i].theta_deg = deg < 0.0 ? deg + 360.0 : deg;
      out->nodules[i].height_mm = nd->sum_z;
      out->nodules[i].radius_mm = CLAMP (nd->sum_s, 1.0, 15.0);
      /* its mean thickness over the footprint: how far it stands into the lumen (header) */
      out->nodules[i].protrusion_mm = CLAMP (nd->volume_mm3 / (G_PI * out->nodules[i].radius_mm
                                                               * out->nodules[i].radius_mm),
                                             0.0, CUSP_PATIENT_CALCIUM_MAX_PROTRUSION_MM);
      out->volume_mm3 += nd->volume_mm3;
    }
}

gboolean
cusp_patient_calcium_place (const CuspVolume *labels, const CuspRootFrame *frame,
                            const CuspPatientWallParams *params, const CuspSimRootDef *expected,
                            CuspPatientCalcium *out, GError **error)
{
  g_return_val_if_fail (labels != NULL && frame != NULL && params != NULL && expected != NULL
                        && out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  if (labels->voxel_type != CUSP_VOXEL_INT16 || labels->voxels == NULL
      || !(params->height1_mm > params->height0_mm) || !(expected->annulus_dmin_mm > 2.0))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "calcium: not an int16 label volume, or impossible wall heights or annulus");
      return FALSE;
    }
  place_calcium (labels, labels->voxels, frame, params,
                 0.25 * (expected->annulus_dmin_mm + expected->annulus_dmax_mm), out);
  return TRUE;
}

CuspPatientWall *
cusp_patient_wall_new (const CuspVolume *labels, const CuspVolume *image, double lumen_threshold,
                       const CuspRootFrame *frame, const CuspPatientWallParams *params,
                       const CuspSimRootDef *expected, GError **error)
{
  g_autoptr(CuspPatientWall) w = g_new0 (CuspPatientWall, 1);
  const gint16 *vox;
  int na, nh, required = 0, required_hit = 0, first_valid = -1, last_valid = -1;

  g_return_val_if_fail (labels != NULL && frame != NULL && params != NULL, NULL);
  if (labels->voxel_type != CUSP_VOXEL_INT16 || labels->voxels == NULL)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "the label volume is not int16");
      return NULL;
    }
  if (!(params->height1_mm > params->height0_mm + 2.0 * params->height_step_mm)
      || !(params->height_step_mm > 0.05) || params->angle_count < 36 || params->angle_count > 3600
      || !(params->max_radius_mm > 5.0) || expected == NULL
      || !(expected->annulus_dmin_mm > 2.0) || !(expected->annulus_dmax_mm >= expected->annulus_dmin_mm))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "impossible wall grid parameters");
      return NULL;
    }
  vox = labels->voxels;
  w->frame = *frame;
  w->params = *params;
  w->warnings = g_ptr_array_new_with_free_func (g_free);
  na = params->angle_count;
  nh = w->height_count = (int) floor ((params->height1_mm - params->height0_mm) / params->height_step_mm + 1e-9) + 1;
  w->radius_mm = g_new (double, (gsize) na * nh);

  w->hit_mask = g_new0 (guint8, (gsize) na * nh);
  for (int h = 0; h < nh; h++)
    {
      double z = params->height0_mm + h * params->height_step_mm;
      double *row = w->radius_mm + (gsize) h * na;
      for (int a = 0; a < na; a++)
        {
          double th = 2.0 * G_PI * (a + 0.5) / na;
          double inner = CUSP_PATIENT_WALL_MIN_FRACTION * cusp_sim_root_radius (expected, th, z);
          double outer = CUSP_PATIENT_WALL_MAX_FRACTION * inner / CUSP_PATIENT_WALL_MIN_FRACTION;
          row[a] = cast_ray (labels, vox, frame, th, z, 0.0, params->max_radius_mm);
          if (row[a] < inner)
            {
              /* the axis is blocked (a closed valve: on the real CT the leaflets met on the
               * axis from 1 mm below the annulus to 2 mm above it) or the ray stopped on a
               * leaflet or fold across the lumen: start again from the inner limit */
              row[a] = cast_ray (labels, vox, frame, th, z, inner, params->max_radius_mm);
              if (row[a] < inner)
                row[a] = -1.0;
            }
          if (row[a] > outer)
            row[a] = -1.0;                              /* through a gap into the next chamber */
          if (row[a] >= 0.0 && image != NULL)
            row[a] = refine_edge (image, lumen_threshold, frame, th, z, row[a],
                                  MIN (CUSP_PATIENT_WALL_CUT_MAX_FRACTION * inner
                                       / CUSP_PATIENT_WALL_MIN_FRACTION, params->max_radius_mm));
        }
    }
  w->rejected_cells = reject_outliers (w->radius_mm, na, nh);
  for (int h = 0; h < nh; h++)
    {
      double z = params->height0_mm + h * params->height_step_mm;
      gboolean in_region = z >= params->required_from_mm && z <= params->required_to_mm;
      const double *row = w->radius_mm + (gsize) h * na;
      int hits = 0;
      for (int a = 0; a < na; a++)
        {
          w->hit_mask[h * na + a] = row[a] >= 0.0;
          hits += row[a] >= 0.0;
        }
      w->hit_cells += hits;
      if (in_region)
        {
          required += na;
          required_hit += hits;
        }
      if (hits > 0)
        {
          if (first_valid < 0)
            first_valid = h;
          last_valid = h;
        }
    }
  w->filled_cells = na * nh - w->hit_cells;
  w->hit_fraction_valve_region = required > 0 ? (double) required_hit / required : 0.0;
  w->largest_gap_mm2 = largest_gap_mm2 (w, expected);
  if (first_valid < 0 || w->hit_fraction_valve_region < params->required_fraction
      || w->largest_gap_mm2 > params->max_gap_mm2)
    {
      if (first_valid >= 0 && w->hit_fraction_valve_region >= params->required_fraction)
        g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                     "the segmented lumen leaves a %.0f mm2 patch of the valve region without a "
                     "wall (%.0f to %.0f mm about the annulus; at most %.0f mm2 is filled in)",
                     w->largest_gap_mm2, params->required_from_mm, params->required_to_mm,
                     params->max_gap_mm2);
      else
        g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                     "the segmented lumen gives a wall for only %.0f %% of the valve region "
                     "(%.0f to %.0f mm about the annulus; %.0f %% needed)",
                     100.0 * w->hit_fraction_valve_region, params->required_from_mm,
                     params->required_to_mm, 100.0 * params->required_fraction);
      return NULL;
    }
  {
    g_autofree double *prior = g_new (double, (gsize) na * nh);
    for (int h = 0; h < nh; h++)
      for (int a = 0; a < na; a++)
        prior[h * na + a] = cusp_sim_root_radius (expected, 2.0 * G_PI * (a + 0.5) / na,
                                                  params->height0_mm + h * params->height_step_mm);
    fill_field (w->radius_mm, w->hit_mask, prior, na, nh, first_valid, last_valid,
                2.0 * G_PI * 0.25 * (expected->annulus_dmin_mm + expected->annulus_dmax_mm) / na,
                params->height_step_mm);
  }
  if (first_valid > 0 || last_valid < nh - 1)
    g_ptr_array_add (w->warnings,
                     g_strdup_printf ("the segmented wall covers %.1f to %.1f mm about the annulus; "
                                      "beyond that it is continued as a tube",
                                      params->height0_mm + first_valid * params->height_step_mm,
                                      params->height0_mm + last_valid * params->height_step_mm));
  if (w->hit_fraction_valve_region < 0.98)
    g_ptr_array_add (w->warnings,
                     g_strdup_printf ("the rays found the wall on %.0f %% of the valve region; the "
                                      "rest (largest patch %.0f mm2) takes the measured root's "
                                      "shape, blended into the segmented wall around it",
                                      100.0 * w->hit_fraction_valve_region, w->largest_gap_mm2));
  smooth_field (w->radius_mm, na, nh);
  {
    CuspPatientCalcium c;
    place_calcium (labels, vox, frame, params,
                   0.25 * (expected->annulus_dmin_mm + expected->annulus_dmax_mm), &c);
    w->calcium_count = c.count;
    memcpy (w->calcium, c.nodules, sizeof w->calcium);
    w->calcium_mm3 = c.volume_mm3;
    w->calcium_dropped = c.dropped;
    if (c.dropped > 0)
      g_ptr_array_add (w->warnings,
                       g_strdup_printf ("%d small calcium nodules were left out of the wall "
                                        "(the solver takes the %d largest)", c.dropped,
                                        CUSP_SIM_MAX_CALCIUM));
  }
  build_mesh (w);
  return g_steal_pointer (&w);
}

void
cusp_patient_wall_lumen_mesh (const CuspPatientWall *w, CuspSimLumenMesh *mesh)
{
  mesh->vertices_mm = w->vertices_mm;
  mesh->vertex_count = w->vertex_count;
  mesh->triangles = w->triangles;
  mesh->triangle_count = w->triangle_count;
}

void
cusp_patient_wall_free (CuspPatientWall *w)
{
  if (w == NULL)
    return;
  g_free (w->radius_mm);
  g_free (w->hit_mask);
  g_free (w->vertices_mm);
  g_free (w->triangles);
  if (w->warnings != NULL)
    g_ptr_array_unref (w->warnings);
  g_free (w);
}
