/* SPDX-License-Identifier: GPL-3.0-or-later */
/* seg-dump-planes.c: a developer tool (not a test) that segments and measures an image and writes
 * PPM pictures of planes parallel to the annulus, so a person can look at what was detected.
 *
 *   seg-dump-planes IMAGE OUTDIR [SEED_L SEED_P SEED_S]
 *   seg-dump-planes --axial IMAGE OUTDIR      (slices of the image itself, to read a seed off)
 *
 * Writes OUTDIR/plane-<height>.ppm for heights -4 .. 24 mm above the hinge plane (60 x 60 mm,
 * 0.25 mm pixels, grey window by the lumen threshold). Overlays: lumen label edge (yellow), the
 * measured annulus / LVOT / STJ contours (cyan), landmarks within 1.5 mm of the plane (hinges red,
 * commissures blue, ostia green, STJ magenta, centerline orange;
 * calcium label voxels red). Also long-1/long-2.ppm, two long-axis views through
 * the annulus centre, and 12 intensity profiles of the annulus plane on stdout. With
 * DUMP_BINARY=1 the grey is the lumen threshold mask instead. Convert with ImageMagick.
 * More views, by environment: DUMP_STEP_MM (plane spacing), DUMP_TOP_MM (highest plane, up to
 * 40 mm: the right coronary can leave near the STJ), DUMP_RADIAL_DEG (long-axis planes rotated
 * about the annulus normal every so many degrees, radial-<angle>.ppm), DUMP_WINDOW=LO,HI (grey
 * window in image units, e.g. -150,550 to tell a thin vessel from fat). */
#include "cusp-image-io.h"
#include "cusp-measure.h"
#include "cusp-segment.h"
#include "cusp-vec3.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HALF 160
#define STEP_MM 0.25
#define SIDE (2 * HALF + 1)

static void
put (guint8 *rgb, int x, int y, guint8 r, guint8 g, guint8 b)
{
  if (x < 0 || y < 0 || x >= SIDE || y >= SIDE)
    return;
  rgb[3 * (y * SIDE + x)] = r;
  rgb[3 * (y * SIDE + x) + 1] = g;
  rgb[3 * (y * SIDE + x) + 2] = b;
}

static void
mark (guint8 *rgb, const double c[3], const double u[3], const double v[3], const double n[3],
      const double p[3], guint8 r, guint8 g, guint8 b)
{
  double d[3] = { p[0] - c[0], p[1] - c[1], p[2] - c[2] };
  int x, y;

  if (fabs (cusp_vec3_dot (d, n)) > 1.5)
    return;
  x = (int) lround (cusp_vec3_dot (d, u) / STEP_MM) + HALF;
  y = (int) lround (cusp_vec3_dot (d, v) / STEP_MM) + HALF;
  for (int dy = -3; dy <= 3; dy++)
    for (int dx = -3; dx <= 3; dx++)
      if (abs (dx) + abs (dy) <= 3)
        put (rgb, x + dx, y + dy, r, g, b);
}

/* axis 0: the plane parallel to the annulus at `height`; otherwise a long-axis plane containing
 * the annulus normal, its horizontal at `angle_deg` from patient left toward posterior (0 =
 * left, 90 = posterior, 180 = right, 270 = anterior), named long-1 (0), long-2 (90) or
 * radial-<angle>. */
static void
dump_plane (const char *dir, const CuspVolume *image, const CuspSegmentation *seg,
            const CuspMeasurements *m, const CuspLandmarks *lm, double height, int axis,
            int angle_deg)
{
  double c[3], u[3], v[3], n_buf[3];
  const double *n = m->annulus_normal;
  g_autofree guint8 *rgb = g_new0 (guint8, 3 * SIDE * SIDE);
  g_autofree guint8 *lumen = g_new0 (guint8, SIDE * SIDE);
  double lo = seg->tissue_mean - 0.5 * (seg->lumen_mean - seg->tissue_mean);
  double hi = seg->lumen_mean + 0.6 * (seg->lumen_mean - seg->tissue_mean);
  /* DUMP_WINDOW=LO,HI sets the grey window in image units (e.g. -100,600 to tell fat from a
   * thin contrast-filled vessel). */
  if (g_getenv ("DUMP_WINDOW") != NULL)
    {
      char *end = NULL;
      double w_lo = g_ascii_strtod (g_getenv ("DUMP_WINDOW"), &end);
      if (end != NULL && *end == ',')
        {
          double w_hi = g_ascii_strtod (end + 1, NULL);
          if (w_hi > w_lo)
            {
              lo = w_lo;
              hi = w_hi;
            }
        }
    }
  g_autofree char *name = axis == 0 ? g_strdup_printf ("%s/plane-%+03d.ppm", dir, (int) height)
                         : axis < 3 ? g_strdup_printf ("%s/long-%d.ppm", dir, axis)
                                    : g_strdup_printf ("%s/radial-%03d.ppm", dir, angle_deg);
  FILE *f;

  for (int k = 0; k < 3; k++)
    c[k] = m->annulus_center_mm[k] + height * n[k];
  /* u toward patient left (+L) as far as the plane allows, v = n x u: a fixed orientation. */
  {
    double left[3] = { 1, 0, 0 }, along = cusp_vec3_dot (left, n);
    for (int k = 0; k < 3; k++)
      u[k] = left[k] - along * n[k];
    cusp_vec3_normalize (u);
    cusp_vec3_cross (n, u, v);
  }
  /* Long-axis views: the picture's vertical is the annulus normal (up = toward the aorta at the
   * top after the flip below), the horizontal the in-plane direction at angle_deg; c moves up
   * 15 mm. */
  if (axis != 0)
    {
      double side[3], a = angle_deg * G_PI / 180;
      for (int k = 0; k < 3; k++)
        {
          side[k] = cos (a) * u[k] + sin (a) * v[k];
          n_buf[k] = -sin (a) * u[k] + cos (a) * v[k];
        }
      for (int k = 0; k < 3; k++)
        {
          v[k] = -n[k];
          u[k] = side[k];
          c[k] += 15.0 * n[k];
        }
      n = n_buf;
    }
  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < SIDE; x++)
      {
        double p[3], ijk[3], value, grey;
        for (int k = 0; k < 3; k++)
          p[k] = c[k] + (x - HALF) * STEP_MM * u[k] + (y - HALF) * STEP_MM * v[k];
        value = cusp_volume_sample_lps (image, p, lo);
        grey = g_getenv ("DUMP_BINARY") != NULL ? (value >= seg->lumen_threshold ? 200 : 40) : CLAMP ((value - lo) / (hi - lo), 0.0, 1.0) * 255.0;
        put (rgb, x, y, grey, grey, grey);
        cusp_volume_lps_to_index (seg->labels, p, ijk);
        {
          int i = (int) lround (ijk[0]), j = (int) lround (ijk[1]), kk = (int) lround (ijk[2]);
          if (i >= 0 && j >= 0 && kk >= 0 && i < seg->labels->dims[0] && j < seg->labels->dims[1] &&
              kk < seg->labels->dims[2])
            {
              double label = cusp_volume_get_value (seg->labels, i, j, kk);
              lumen[y * SIDE + x] = label == CUSP_LABEL_LUMEN;
              if (label >= CUSP_LABEL_CALCIUM_LEAFLET)
                put (rgb, x, y, 255, 60, 60);
            }
        }
      }
  for (int y = 1; y + 1 < SIDE; y++)
    for (int x = 1; x + 1 < SIDE; x++)
      if (lumen[y * SIDE + x] && (!lumen[y * SIDE + x - 1] || !lumen[y * SIDE + x + 1] ||
                                  !lumen[(y - 1) * SIDE + x] || !lumen[(y + 1) * SIDE + x]))
        put (rgb, x, y, 220, 200, 0);
  {
    const CuspSection *sections[] = { &m->annulus, &m->lvot, &m->stj };
    for (gsize s = 0; s < G_N_ELEMENTS (sections); s++)
      if (sections[s]->valid)
        for (int i = 0; i < sections[s]->point_count; i++)
          {
            double d[3];
            for (int k = 0; k < 3; k++)
              d[k] = sections[s]->points_mm[i][k] - c[k];
            if (fabs (cusp_vec3_dot (d, n)) < 0.5)
              put (rgb, (int) lround (cusp_vec3_dot (d, u) / STEP_MM) + HALF,
                   (int) lround (cusp_vec3_dot (d, v) / STEP_MM) + HALF, 0, 230, 230);
          }
  }
  for (int k = 0; k < CUSP_CUSP_COUNT; k++)
    {
      mark (rgb, c, u, v, n, lm->hinge_mm[k], 255, 0, 0);
      mark (rgb, c, u, v, n, lm->commissure_mm[k], 60, 60, 255);
    }
  for (int i = 0; i < lm->centerline_count; i++)
    mark (rgb, c, u, v, n, lm->centerline_mm[i], 255, 140, 0);
  mark (rgb, c, u, v, n, lm->left_ostium_mm, 0, 255, 0);
  mark (rgb, c, u, v, n, lm->right_ostium_mm, 0, 160, 0);
  mark (rgb, c, u, v, n, lm->stj_center_mm, 255, 0, 255);
  f = fopen (name, "wb");
  if (f == NULL)
    return;
  fprintf (f, "P6\n%d %d\n255\n", SIDE, SIDE);
  fwrite (rgb, 3, SIDE * SIDE, f);
  fclose (f);
}

/* --axial mode: every 2nd slice of the image's own grid, window 1-99 % of the range, with the
 * LPS position of each slice's first voxel and the spacing printed (to read a seed off). */
static int
dump_axial (const char *path, const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) image = cusp_image_read_in_process (path, NULL, &error);
  double lo, hi;

  if (image == NULL)
    {
      fprintf (stderr, "seg-dump-planes: %s\n", error->message);
      return 1;
    }
  cusp_volume_get_range (image, &lo, &hi);
  hi = lo + 0.6 * (hi - lo);
  for (int k = 0; k < image->dims[2]; k += 2)
    {
      g_autofree char *name = g_strdup_printf ("%s/axial-%03d.pgm", dir, k);
      double ijk[3] = { 0, 0, k }, lps[3];
      FILE *f = fopen (name, "wb");
      if (f == NULL)
        return 1;
      cusp_volume_index_to_lps (image, ijk, lps);
      printf ("slice %d: voxel (0,0) at LPS (%.1f %.1f %.1f)\n", k, lps[0], lps[1], lps[2]);
      fprintf (f, "P5\n%d %d\n255\n", image->dims[0], image->dims[1]);
      for (int j = 0; j < image->dims[1]; j++)
        for (int i = 0; i < image->dims[0]; i++)
          fputc ((int) CLAMP ((cusp_volume_get_value (image, i, j, k) - lo) / (hi - lo) * 255.0, 0, 255), f);
      fclose (f);
    }
  printf ("spacing %.3f %.3f %.3f, direction %.2f %.2f %.2f / %.2f %.2f %.2f / %.2f %.2f %.2f\n",
          image->spacing_mm[0], image->spacing_mm[1], image->spacing_mm[2], image->direction[0],
          image->direction[1], image->direction[2], image->direction[3], image->direction[4],
          image->direction[5], image->direction[6], image->direction[7], image->direction[8]);
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) image = NULL;
  g_autoptr(CuspSegmentation) seg = NULL;
  g_autoptr(CuspMeasureContext) context = NULL;
  CuspSegmentOptions options = cusp_segment_options_default ();
  CuspMeasureParams params = cusp_measure_default_params ();
  CuspMeasurements m;

  if (argc == 4 && strcmp (argv[1], "--axial") == 0)
    return dump_axial (argv[2], argv[3]);
  if (argc != 3 && argc != 6)
    {
      fprintf (stderr, "usage: seg-dump-planes IMAGE OUTDIR [SEED_L SEED_P SEED_S]\n");
      return 2;
    }
  image = cusp_image_read_in_process (argv[1], NULL, &error);
  if (image == NULL)
    goto fail;
  if (argc == 6)
    {
      options.has_seed = TRUE;
      for (int k = 0; k < 3; k++)
        options.seed_mm[k] = g_ascii_strtod (argv[3 + k], NULL);
    }
  seg = cusp_segment_root (image, &options, NULL, NULL, NULL, &error);
  if (seg == NULL)
    goto fail;
  for (guint w = 0; w < seg->warnings->len; w++)
    printf ("segment warning: %s\n", (const char *) seg->warnings->pdata[w]);
  params.lumen_threshold = seg->lumen_threshold;
  context = cusp_measure_context_new (image, &params, &error);
  if (context == NULL || !cusp_measure_run (context, &seg->landmarks, &m, &error))
    goto fail;
  printf ("annulus area %.1f perimeter %.1f (dA %.1f dP %.1f) Dmin %.1f Dmax %.1f bridged %d\n",
          m.annulus.area_mm2, m.annulus.perimeter_mm, m.annulus.area_diameter_mm,
          m.annulus.perimeter_diameter_mm, m.annulus.dmin_mm, m.annulus.dmax_mm, m.annulus.bridged_rays);
  printf ("lvot area %.1f perimeter %.1f; sov %.1f; stj %.1f at %.1f; asc %.1f; cor L %.1f R %.1f\n",
          m.lvot.area_mm2, m.lvot.perimeter_mm, m.sov_mean_diameter_mm, m.stj_diameter_mm,
          m.stj_height_mm, m.ascending_diameter_mm, m.left_coronary_height_mm, m.right_coronary_height_mm);
  for (guint w = 0; w < m.warnings->len; w++)
    printf ("measure warning: %s\n", (const char *) m.warnings->pdata[w]);
  /* Intensity profiles of 12 rays in the annulus plane, every 0.5 mm (to read gaps and walls). */
  {
    double u[3], v[3];
    cusp_vec3_cross (m.annulus_normal, (double[3]) { 1, 0, 0 }, v);
    cusp_vec3_normalize (v);
    cusp_vec3_cross (v, m.annulus_normal, u);
    for (int a = 0; a < 360; a += 30)
      {
        printf ("ray %3d:", a);
        for (double r = 0; r <= 24; r += 0.5)
          {
            double p[3];
            for (int k = 0; k < 3; k++)
              p[k] = m.annulus_center_mm[k] + r * (cos (a * G_PI / 180) * u[k] + sin (a * G_PI / 180) * v[k]);
            printf (" %4.0f", cusp_volume_sample_lps (image, p, NAN));
          }
        printf ("\n");
      }
  }
  /* DUMP_STEP_MM=1 writes more planes (default every 4 mm), DUMP_TOP_MM the highest (default
   * 24 mm; the right coronary can leave near or above the STJ). */
  {
    int step = g_getenv ("DUMP_STEP_MM") != NULL ? CLAMP (atoi (g_getenv ("DUMP_STEP_MM")), 1, 10) : 4;
    int top = g_getenv ("DUMP_TOP_MM") != NULL ? CLAMP (atoi (g_getenv ("DUMP_TOP_MM")), 0, 40) : 24;
    for (int h = -4; h <= top; h += step)
      dump_plane (argv[2], image, seg, &m, &seg->landmarks, h, 0, 0);
  }
  dump_plane (argv[2], image, seg, &m, &seg->landmarks, 0, 1, 0);
  dump_plane (argv[2], image, seg, &m, &seg->landmarks, 0, 2, 90);
  /* DUMP_RADIAL_DEG=15 adds long-axis planes rotated about the annulus normal every 15 degrees
   * (each shows two opposite sides of the root, so 0 .. 180 covers it all). */
  if (g_getenv ("DUMP_RADIAL_DEG") != NULL)
    {
      int step = CLAMP (atoi (g_getenv ("DUMP_RADIAL_DEG")), 1, 90);
      for (int a = 0; a < 180; a += step)
        dump_plane (argv[2], image, seg, &m, &seg->landmarks, 0, 3, a);
    }
  cusp_measurements_clear (&m);
  return 0;

fail:
  fprintf (stderr, "seg-dump-planes: %s\n", error->message);
  return 1;
}
