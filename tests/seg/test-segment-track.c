/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-segment-track.c: the tube tracker (cusp-segment-track.c) on a synthetic bright-blood image:
 * a tilted aorta whose wall to a neighbouring vessel is missing over 40 mm, as on the 3 T MR, is
 * followed on its own axis with its own radius, and the tube leaves the neighbour out. */
#include "cusp-error.h"
#include "cusp-segment-private.h"
#include "seg-test-helpers.h"

#include <math.h>
#include <string.h>

#define BLOOD 200.0
#define TISSUE 50.0
#define AORTA_RADIUS_MM 12.0
#define NEIGHBOUR_RADIUS_MM 10.0
#define TILT 0.3                  /* aorta centre moves 0.3 mm in x per mm of z */

static void
aorta_center (double z, double c[3])
{
  c[0] = 30 + TILT * z;
  c[1] = 50;
  c[2] = z;
}

/* The neighbour runs parallel, +x of the aorta: 3 mm of wall between them, none for z 40-80 mm
 * where the two overlap by a millimetre. */
static double
neighbour_offset (double z)
{
  return z >= 40 && z <= 80 ? AORTA_RADIUS_MM + NEIGHBOUR_RADIUS_MM - 1
                            : AORTA_RADIUS_MM + NEIGHBOUR_RADIUS_MM + 3;
}

/* Distance from p to the aorta's axis (the line through aorta_center, direction (TILT, 0, 1)). */
static double
distance_to_axis (const double p[3])
{
  double c[3], d[3], axis[3] = { TILT, 0, 1 };
  double len = sqrt (TILT * TILT + 1);
  aorta_center (0, c);
  for (int a = 0; a < 3; a++)
    {
      axis[a] /= len;
      d[a] = p[a] - c[a];
    }
  double t = d[0] * axis[0] + d[1] * axis[1] + d[2] * axis[2];
  return sqrt (MAX (0, d[0] * d[0] + d[1] * d[1] + d[2] * d[2] - t * t));
}

static CuspVolume *
make_image (void)
{
  CuspVolume *image = seg_test_new_mr_volume (110, 100, 60);
  const int *dims = image->dims;
  float *v = image->voxels;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  for (int k = 0; k < dims[2]; k++)
    for (int j = 0; j < dims[1]; j++)
      for (int i = 0; i < dims[0]; i++)
        {
          double z = k * 2.0, c[3];
          aorta_center (z, c);
          double p[3] = { i, j, z };
          /* in-plane (axial) distances: the tilt makes the true sections slightly elliptic */
          double da = hypot (p[0] - c[0], p[1] - c[1]);
          double dn = hypot (p[0] - c[0] - neighbour_offset (z), p[1] - c[1]);
          double value = da <= AORTA_RADIUS_MM * sqrt (TILT * TILT + 1) || dn <= NEIGHBOUR_RADIUS_MM ? BLOOD : TISSUE;
          v[((gsize) k * dims[1] + j) * dims[0] + i] = (float) (value + g_rand_double_range (rand, -15, 15));
        }
  return image;
}

static void
test_track_through_leak (void)
{
  g_autoptr(CuspVolume) image = make_image ();
  CuspIntensityModel model = { BLOOD, TISSUE, (BLOOD + TISSUE) / 2, TRUE };
  double seed[3];
  aorta_center (60, seed);   /* in the middle of the 40 mm where the wall is missing */
  CuspCoarseResult path = { 0 };
  g_auto(CuspTube) tube = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok = cusp_segment_track_tube (image, &model, seed, &path, &tube, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (tube.centers->len, ==, path.path->len);

  /* the centres stay on the aorta's own axis, its radius is its own, along the whole leak */
  double max_off = 0, max_radius_error = 0, z_lo = G_MAXDOUBLE, z_hi = -G_MAXDOUBLE;
  for (guint m = 0; m < tube.centers->len; m++)
    {
      const double *c = &g_array_index (tube.centers, double, 3 * m);
      z_lo = MIN (z_lo, c[2]);
      z_hi = MAX (z_hi, c[2]);
      if (c[2] < 10 || c[2] > 108)   /* the ends of the image */
        continue;
      max_off = MAX (max_off, distance_to_axis (c));
      double radius = g_array_index (tube.radii, double, m) / 1.3;
      max_radius_error = MAX (max_radius_error, fabs (radius - AORTA_RADIUS_MM));
    }
  g_test_message ("%u centres, z %.1f to %.1f mm; largest distance to the axis %.2f mm, radius error %.2f mm",
                  tube.centers->len, z_lo, z_hi, max_off, max_radius_error);
  g_assert_cmpfloat (z_lo, <, 30);          /* down well past the leak (z 40-80) */
  g_assert_cmpfloat (z_hi, >, 100);         /* up to 50 mm above the seed */
  g_assert_cmpfloat (max_off, <, 1.5);
  g_assert_cmpfloat (max_radius_error, <, 1.5);
  /* LV -> aorta: the path runs upward */
  const double *first = &g_array_index (path.path, double, 0);
  const double *last = &g_array_index (path.path, double, 3 * (path.path->len - 1));
  g_assert_cmpfloat (first[2], <, last[2]);
  g_assert_cmpfloat (fabs (path.aorta_radius_mm - AORTA_RADIUS_MM), <, 1.5);

  /* the tube keeps the aorta's axis and drops the neighbour's, where the two touch */
  CuspGrid grid = { { 110, 100, 60 }, { 0, 0, 0 }, { 1, 1, 2 } };
  const gsize count = cusp_grid_voxel_count (&grid);
  g_autofree guint8 *blood = g_new (guint8, count);
  memset (blood, 1, count);
  cusp_segment_tube_restrict (&tube, &grid, blood);
  double c[3];
  aorta_center (60, c);
  g_assert_true (blood[cusp_grid_lps_to_voxel (&grid, c)]);
  c[0] += neighbour_offset (60);
  g_assert_false (blood[cusp_grid_lps_to_voxel (&grid, c)]);
  g_array_unref (path.path);
}

static void
test_seed_in_tissue (void)
{
  g_autoptr(CuspVolume) image = make_image ();
  CuspIntensityModel model = { BLOOD, TISSUE, (BLOOD + TISSUE) / 2, TRUE };
  const double seed[3] = { 5, 5, 60 };
  CuspCoarseResult path = { 0 };
  g_auto(CuspTube) tube = { 0 };
  g_autoptr(GError) error = NULL;
  g_assert_false (cusp_segment_track_tube (image, &model, seed, &path, &tube, &error));
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "click inside the aortic root"));
  g_assert_null (path.path);
  g_assert_null (tube.centers);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/seg/track/through-leak", test_track_through_leak);
  g_test_add_func ("/seg/track/seed-in-tissue", test_seed_in_tissue);
  return g_test_run ();
}
