/* SPDX-License-Identifier: GPL-3.0-or-later */
/* seg-dump-oblique.c: a developer tool (not a test) that writes oblique planes of an image, so a
 * person can look along a vessel that runs across thick slices, and at what a click segmented
 * even when the measurement then refuses it (seg-dump-planes needs the measurement).
 *
 *   seg-dump-oblique plane IMAGE OUT.ppm L1,P1,S1 L2,P2,S2 L3,P3,S3
 *
 * The plane through three LPS points (160 mm square, 0.5 mm pixels, centred on their centroid,
 * right = from the first point toward the second, grey window 2-98 % of the plane's values), the
 * points marked red, green and blue.
 *
 *   seg-dump-oblique root IMAGE OUTDIR SEED_L SEED_P SEED_S
 *
 * Segments from the click (cusp_segment_root) and writes OUTDIR/root-long-1.ppm and
 * root-long-2.ppm (two long-axis planes through the hinge centroid, the annulus normal pointing
 * up) and root-annulus.ppm (the hinge plane): the lumen label's edge green, hinges red,
 * commissures blue, STJ centre magenta, centerline orange (within 1.5 mm of the plane). Prints the
 * hinge centroid, the normal and the segmentation's warnings. Convert with ImageMagick. */
#include "cusp-image-io.h"
#include "cusp-segment.h"
#include "cusp-vec3.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIDE 321
#define STEP_MM 0.5

typedef struct {
  double c[3], u[3], v[3], n[3];   /* centre, rightward, downward, normal */
} Plane;

static int
compare_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

static void
plane_point (const Plane *pl, int x, int y, double p[3])
{
  for (int a = 0; a < 3; a++)
    p[a] = pl->c[a] + (x - SIDE / 2) * STEP_MM * pl->u[a] + (y - SIDE / 2) * STEP_MM * pl->v[a];
}

/* The image's grey values on the plane, windowed 2-98 % of the values inside the image. */
static void
render_grey (const CuspVolume *image, const Plane *pl, guint8 *rgb)
{
  g_autofree float *values = g_new (float, SIDE * SIDE);
  g_autofree float *sorted = g_new (float, SIDE * SIDE);
  int n = 0;
  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < SIDE; x++)
      {
        double p[3];
        plane_point (pl, x, y, p);
        values[y * SIDE + x] = (float) cusp_volume_sample_lps (image, p, NAN);
        if (!isnan (values[y * SIDE + x]))
          sorted[n++] = values[y * SIDE + x];
      }
  double lo = 0, hi = 1;
  if (n > 0)
    {
      qsort (sorted, n, sizeof (float), compare_float);
      lo = sorted[n / 50];
      hi = MAX (sorted[n - 1 - n / 50], lo + 1e-6);
    }
  for (int i = 0; i < SIDE * SIDE; i++)
    {
      double grey = isnan (values[i]) ? 0 : CLAMP ((values[i] - lo) / (hi - lo), 0, 1) * 255;
      rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (guint8) grey;
    }
}

static void
mark (guint8 *rgb, const Plane *pl, const double p[3], guint8 r, guint8 g, guint8 b)
{
  double d[3] = { p[0] - pl->c[0], p[1] - pl->c[1], p[2] - pl->c[2] };
  if (fabs (cusp_vec3_dot (d, pl->n)) > 1.5)
    return;
  int x = (int) lround (cusp_vec3_dot (d, pl->u) / STEP_MM) + SIDE / 2;
  int y = (int) lround (cusp_vec3_dot (d, pl->v) / STEP_MM) + SIDE / 2;
  for (int dy = -2; dy <= 2; dy++)
    for (int dx = -2; dx <= 2; dx++)
      if (x + dx >= 0 && y + dy >= 0 && x + dx < SIDE && y + dy < SIDE)
        {
          guint8 *px = &rgb[3 * ((y + dy) * SIDE + x + dx)];
          px[0] = r, px[1] = g, px[2] = b;
        }
}

static gboolean
write_ppm (const char *name, const guint8 *rgb)
{
  FILE *f = fopen (name, "wb");
  if (f == NULL)
    {
      fprintf (stderr, "cannot write %s\n", name);
      return FALSE;
    }
  fprintf (f, "P6\n%d %d\n255\n", SIDE, SIDE);
  gboolean ok = fwrite (rgb, 3, SIDE * SIDE, f) == SIDE * SIDE;
  return fclose (f) == 0 && ok;
}

static gboolean
parse_point (const char *text, double p[3])
{
  char *end = NULL;
  const char *s = text;
  for (int a = 0; a < 3; a++)
    {
      p[a] = g_ascii_strtod (s, &end);
      if (end == s || !isfinite (p[a]) || (a < 2 && *end != ',') || (a == 2 && *end != '\0'))
        return FALSE;
      s = end + 1;
    }
  return TRUE;
}

static CuspVolume *
read_image (const char *path)
{
  g_autoptr(GError) error = NULL;
  CuspVolume *image = cusp_image_read_in_process (path, NULL, &error);
  if (image == NULL)
    fprintf (stderr, "%s\n", error->message);
  return image;
}

static int
dump_plane (char **argv)
{
  double q[3][3];
  Plane pl = { { 0 } };
  for (int m = 0; m < 3; m++)
    if (!parse_point (argv[4 + m], q[m]))
      {
        fprintf (stderr, "not a point L,P,S in mm: %s\n", argv[4 + m]);
        return 2;
      }
  for (int a = 0; a < 3; a++)
    {
      pl.c[a] = (q[0][a] + q[1][a] + q[2][a]) / 3;
      pl.u[a] = q[1][a] - q[0][a];
      pl.v[a] = q[2][a] - q[0][a];
    }
  cusp_vec3_cross (pl.u, pl.v, pl.n);
  if (cusp_vec3_normalize (pl.u) < 1e-6 || cusp_vec3_normalize (pl.n) < 1e-6)
    {
      fprintf (stderr, "the three points are on one line\n");
      return 2;
    }
  cusp_vec3_cross (pl.n, pl.u, pl.v);
  g_autoptr(CuspVolume) image = read_image (argv[2]);
  if (image == NULL)
    return 1;
  g_autofree guint8 *rgb = g_new0 (guint8, 3 * SIDE * SIDE);
  render_grey (image, &pl, rgb);
  mark (rgb, &pl, q[0], 255, 0, 0);
  mark (rgb, &pl, q[1], 0, 255, 0);
  mark (rgb, &pl, q[2], 0, 0, 255);
  return write_ppm (argv[3], rgb) ? 0 : 1;
}

static void
write_root_plane (const CuspVolume *image, const CuspSegmentation *seg, const Plane *pl, const char *dir,
                  const char *file)
{
  const CuspLandmarks *lm = &seg->landmarks;
  const CuspVolume *labels = seg->labels;
  g_autofree guint8 *rgb = g_new0 (guint8, 3 * SIDE * SIDE);
  g_autofree guint8 *lumen = g_new0 (guint8, SIDE * SIDE);
  render_grey (image, pl, rgb);
  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < SIDE; x++)
      {
        double p[3], ijk[3];
        plane_point (pl, x, y, p);
        cusp_volume_lps_to_index (labels, p, ijk);
        int i = (int) lround (ijk[0]), j = (int) lround (ijk[1]), k = (int) lround (ijk[2]);
        if (i >= 0 && j >= 0 && k >= 0 && i < labels->dims[0] && j < labels->dims[1] && k < labels->dims[2])
          lumen[y * SIDE + x] = cusp_volume_get_value (labels, i, j, k) == CUSP_LABEL_LUMEN;
      }
  for (int y = 1; y + 1 < SIDE; y++)
    for (int x = 1; x + 1 < SIDE; x++)
      {
        const guint8 *m = &lumen[y * SIDE + x];
        if (m[0] && (!m[-1] || !m[1] || !m[-SIDE] || !m[SIDE]))
          {
            guint8 *px = &rgb[3 * (y * SIDE + x)];
            px[0] = 0, px[1] = 230, px[2] = 0;
          }
      }
  for (int q = 0; q < CUSP_CUSP_COUNT; q++)
    mark (rgb, pl, lm->hinge_mm[q], 255, 0, 0);
  for (int q = 0; q < CUSP_COMMISSURE_COUNT; q++)
    mark (rgb, pl, lm->commissure_mm[q], 60, 60, 255);
  for (int q = 0; q < lm->centerline_count; q++)
    mark (rgb, pl, lm->centerline_mm[q], 255, 140, 0);
  mark (rgb, pl, lm->stj_center_mm, 255, 0, 255);
  g_autofree char *name = g_build_filename (dir, file, NULL);
  write_ppm (name, rgb);
}

static int
dump_root (char **argv)
{
  g_autoptr(GError) error = NULL;
  CuspSegmentOptions options = cusp_segment_options_default ();
  options.has_seed = TRUE;
  for (int a = 0; a < 3; a++)
    {
      char *end = NULL;
      options.seed_mm[a] = g_ascii_strtod (argv[4 + a], &end);
      if (end == argv[4 + a] || *end != '\0')
        {
          fprintf (stderr, "not a number: %s\n", argv[4 + a]);
          return 2;
        }
    }
  g_autoptr(CuspVolume) image = read_image (argv[2]);
  if (image == NULL)
    return 1;
  g_autoptr(CuspSegmentation) seg = cusp_segment_root (image, &options, NULL, NULL, NULL, &error);
  if (seg == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  const CuspLandmarks *lm = &seg->landmarks;
  Plane along = { { 0 } };
  for (int q = 0; q < CUSP_CUSP_COUNT; q++)
    for (int a = 0; a < 3; a++)
      along.c[a] += lm->hinge_mm[q][a] / CUSP_CUSP_COUNT;
  /* u toward patient left as far as the annulus plane allows, w = n x u in the plane */
  const double *n = seg->annulus_normal;
  double u[3], w[3], left[3] = { 1, 0, 0 }, along_n = cusp_vec3_dot (left, n);
  for (int a = 0; a < 3; a++)
    u[a] = left[a] - along_n * n[a];
  cusp_vec3_normalize (u);
  cusp_vec3_cross (n, u, w);
  printf ("hinge centroid %.1f %.1f %.1f mm, annulus normal %.2f %.2f %.2f\n", along.c[0], along.c[1],
          along.c[2], n[0], n[1], n[2]);
  Plane long2 = along, annulus = along;
  for (int a = 0; a < 3; a++)
    {
      along.u[a] = u[a], along.v[a] = -n[a], along.n[a] = -w[a];
      long2.u[a] = w[a], long2.v[a] = -n[a], long2.n[a] = u[a];
      annulus.u[a] = u[a], annulus.v[a] = w[a], annulus.n[a] = n[a];
    }
  write_root_plane (image, seg, &along, argv[3], "root-long-1.ppm");
  write_root_plane (image, seg, &long2, argv[3], "root-long-2.ppm");
  write_root_plane (image, seg, &annulus, argv[3], "root-annulus.ppm");
  for (guint q = 0; q < seg->warnings->len; q++)
    printf ("warning: %s\n", (const char *) g_ptr_array_index (seg->warnings, q));
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc == 7 && strcmp (argv[1], "plane") == 0)
    return dump_plane (argv);
  if (argc == 7 && strcmp (argv[1], "root") == 0)
    return dump_root (argv);
  fprintf (stderr, "usage: %s plane IMAGE OUT.ppm L1,P1,S1 L2,P2,S2 L3,P3,S3\n"
                   "       %s root IMAGE OUTDIR SEED_L SEED_P SEED_S\n", argv[0], argv[0]);
  return 2;
}
