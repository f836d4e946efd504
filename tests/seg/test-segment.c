/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-segment.c: automatic root segmentation on a small synthetic root, and bad input. */
#include "cusp-error.h"
#include "cusp-segment.h"

#include <math.h>
#include <string.h>

/* A straight synthetic root along +z (LPS superior), 1 mm voxels: LV ellipsoid, LVOT cylinder
 * (r 11 mm) up to the annulus at z = 50 mm, three sinus lobes bulging 6 mm up to the STJ at
 * z = 70 mm (r 12.5 mm), ascending aorta r 14 mm above z = 80 mm, a left coronary (r 2 mm) whose
 * lower edge is 12 mm above the annulus toward theta = 120 deg (anterior -> left). Myocardium
 * around the LV and LVOT; fat elsewhere. Cusp centres at theta 0 (right), 120 (left), 240 (non). */
#define N_XY 110
#define N_Z 130
#define ANNULUS_Z 50.0
#define STJ_Z 70.0
#define LEFT_HEIGHT 12.0

static double
lumen_radius (double theta, double z)
{
  if (z < ANNULUS_Z)
    return 11;
  if (z <= STJ_Z)
    {
      double t = (z - ANNULUS_Z) / (STJ_Z - ANNULUS_Z);
      double lobe = (1 - cos (3 * (theta - G_PI / 3))) / 2;
      return (1 - t) * 11 + t * 12.5 + 6 * sin (G_PI * t) * lobe;
    }
  if (z <= 80)
    return 12.5 + (z - STJ_Z) / 10 * 1.5;
  return 14;
}

static double
tissue_at (double x, double y, double z, double lumen_hu)
{
  /* x toward patient left, -y anterior; theta from anterior toward left */
  double r = hypot (x, y), theta = atan2 (x, -y);
  double lv = (x * x + y * y) / (26.0 * 26.0) + (z - 22) * (z - 22) / (22.0 * 22.0);
  if (lv <= 1 || (z >= 35 && z < 200 && r <= lumen_radius (theta, z)))
    return lumen_hu;
  /* left coronary: tube along theta = 120 deg, axis height = lower edge + 2 mm */
  double dir[2] = { sin (2 * G_PI / 3), -cos (2 * G_PI / 3) };
  double along = x * dir[0] + y * dir[1];
  double across = -x * dir[1] + y * dir[0];
  double cz = ANNULUS_Z + LEFT_HEIGHT + 2;
  if (along > 5 && along < 40 && hypot (across, z - cz) <= 2)
    return lumen_hu;
  if (lv <= 1.5 || (z < ANNULUS_Z + 5 && z >= 30 && r <= 19))
    return 100;
  if (z >= ANNULUS_Z && r <= lumen_radius (theta, z) + 2)
    return 60;
  return -100;
}

static CuspVolume *
synthetic_root (double lumen_hu, double noise_hu)
{
  const int dims[3] = { N_XY, N_XY, N_Z };
  g_autoptr(GError) error = NULL;
  CuspVolume *volume = cusp_volume_new (CUSP_VOXEL_INT16, dims, &error);
  g_assert_no_error (error);
  volume->origin_mm[0] = -(N_XY - 1) / 2.0;
  volume->origin_mm[1] = -(N_XY - 1) / 2.0;
  volume->origin_mm[2] = 0;
  volume->hounsfield = TRUE;
  volume->modality = CUSP_MODALITY_CT;
  int16_t *v = volume->voxels;
  GRand *rand = g_rand_new_with_seed (7);
  gsize o = 0;
  for (int k = 0; k < N_Z; k++)
    for (int j = 0; j < N_XY; j++)
      for (int i = 0; i < N_XY; i++, o++)
        {
          /* 2 x 2 x 2 sub-samples for a little partial volume */
          double sum = 0;
          for (int s = 0; s < 8; s++)
            sum += tissue_at (volume->origin_mm[0] + i + ((s & 1) ? 0.25 : -0.25),
                              volume->origin_mm[1] + j + ((s & 2) ? 0.25 : -0.25),
                              k + ((s & 4) ? 0.25 : -0.25), lumen_hu);
          v[o] = (int16_t) lround (sum / 8 + noise_hu * g_rand_double_range (rand, -1.7, 1.7));
        }
  g_rand_free (rand);
  return volume;
}

static double
height (const double p[3])
{
  return p[2] - ANNULUS_Z;
}

static void
test_synthetic_root (void)
{
  g_autoptr(CuspVolume) image = synthetic_root (400, 15);
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspSegmentation) seg = cusp_segment_root (image, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (seg);

  const CuspLandmarks *lm = &seg->landmarks;
  for (guint w = 0; w < seg->warnings->len; w++)
    g_test_message ("warning: %s", (const char *) g_ptr_array_index (seg->warnings, w));
  for (int c = 0; c < CUSP_CUSP_COUNT; c++)
    g_test_message ("hinge %d: %.2f %.2f %.2f (h %.2f)", c, lm->hinge_mm[c][0], lm->hinge_mm[c][1],
                    lm->hinge_mm[c][2], height (lm->hinge_mm[c]));
  g_test_message ("left ostium %.2f %.2f %.2f (h %.2f)", lm->left_ostium_mm[0], lm->left_ostium_mm[1],
                  lm->left_ostium_mm[2], height (lm->left_ostium_mm));
  g_test_message ("stj %.2f %.2f %.2f", lm->stj_center_mm[0], lm->stj_center_mm[1], lm->stj_center_mm[2]);
  g_test_message ("threshold %.1f, lumen %.1f", seg->lumen_threshold, seg->lumen_mean);

  /* threshold half-way between 400 HU blood and ~100 HU myocardium */
  g_assert_cmpfloat (seg->lumen_threshold, >, 200);
  g_assert_cmpfloat (seg->lumen_threshold, <, 300);
  g_assert_cmpfloat (seg->calcium_threshold, ==, 850);
  /* hinges near the annulus plane and at the lobe centres */
  for (int c = 0; c < CUSP_CUSP_COUNT; c++)
    {
      g_assert_cmpfloat (fabs (height (lm->hinge_mm[c])), <, 2.0);
      g_assert_cmpfloat (fabs (hypot (lm->hinge_mm[c][0], lm->hinge_mm[c][1]) - 11), <, 1.0);
    }
  double left_theta = atan2 (lm->hinge_mm[CUSP_CUSP_LEFT][0], -lm->hinge_mm[CUSP_CUSP_LEFT][1]);
  double right_theta = atan2 (lm->hinge_mm[CUSP_CUSP_RIGHT][0], -lm->hinge_mm[CUSP_CUSP_RIGHT][1]);
  g_assert_cmpfloat (fabs (left_theta - 2 * G_PI / 3), <, 0.2);
  g_assert_cmpfloat (fabs (right_theta), <, 0.2);
  /* STJ centre on the axis, near z = 70 */
  g_assert_cmpfloat (fabs (lm->stj_center_mm[2] - STJ_Z), <, 3.0);
  g_assert_cmpfloat (hypot (lm->stj_center_mm[0], lm->stj_center_mm[1]), <, 1.5);
  /* left ostium: lower edge 12 mm above the annulus, on the left lobe */
  g_assert_cmpfloat (fabs (height (lm->left_ostium_mm) - LEFT_HEIGHT), <, 1.0);
  double ostium_theta = atan2 (lm->left_ostium_mm[0], -lm->left_ostium_mm[1]);
  g_assert_cmpfloat (fabs (ostium_theta - 2 * G_PI / 3), <, 0.15);
  /* lumen volume: LVOT from 15 mm below + root; the analytic root part alone exceeds 20 mL */
  double lumen_mm3 = cusp_segmentation_label_volume_mm3 (seg, CUSP_LABEL_LUMEN);
  g_test_message ("lumen %.0f mm3", lumen_mm3);
  g_assert_cmpfloat (lumen_mm3, >, 20000);
  g_assert_cmpfloat (lumen_mm3, <, 90000);
  g_assert_cmpint (lm->centerline_count, >, 40);
}

static void
test_seeded_root (void)
{
  g_autoptr(CuspVolume) image = synthetic_root (400, 15);
  g_autoptr(GError) error = NULL;
  CuspSegmentOptions options = cusp_segment_options_default ();
  options.has_seed = TRUE;
  options.seed_mm[0] = 2;
  options.seed_mm[1] = -1;
  options.seed_mm[2] = 60;
  g_autoptr(CuspSegmentation) seg = cusp_segment_root (image, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (seg->used_seed);
  for (int c = 0; c < CUSP_CUSP_COUNT; c++)
    g_assert_cmpfloat (fabs (height (seg->landmarks.hinge_mm[c])), <, 2.0);

  /* a click in the fat is refused with a message, not a crash */
  g_autoptr(GError) bad = NULL;
  options.seed_mm[0] = 45;
  options.seed_mm[1] = 45;
  g_autoptr(CuspSegmentation) none = cusp_segment_root (image, &options, NULL, NULL, NULL, &bad);
  g_assert_null (none);
  g_assert_error (bad, CUSP_ERROR, CUSP_ERROR_FAILED);
  g_test_message ("%s", bad->message);
}

static void
test_calcium_override (void)
{
  g_autoptr(CuspVolume) image = synthetic_root (400, 15);
  int16_t *v = image->voxels;
  /* a 3 mm radius nodule of 1200 HU inside the right sinus, 6 mm above the annulus */
  double centre[3] = { 0, -9, ANNULUS_Z + 6 }, analytic = 4.0 / 3 * G_PI * 27;
  for (int k = 0; k < N_Z; k++)
    for (int j = 0; j < N_XY; j++)
      for (int i = 0; i < N_XY; i++)
        {
          double p[3] = { image->origin_mm[0] + i, image->origin_mm[1] + j, k };
          if (pow (p[0] - centre[0], 2) + pow (p[1] - centre[1], 2) + pow (p[2] - centre[2], 2) <= 9)
            v[((gsize) k * N_XY + j) * N_XY + i] = 1200;
        }
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspSegmentation) seg = cusp_segment_root (image, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  double leaflet = cusp_segmentation_label_volume_mm3 (seg, CUSP_LABEL_CALCIUM_LEAFLET);
  g_test_message ("leaflet calcium %.1f mm3 (voxelised sphere %.1f)", leaflet, analytic);
  g_assert_cmpfloat (fabs (leaflet - analytic) / analytic, <, 0.25);
  g_assert_cmpfloat (cusp_segmentation_label_volume_mm3 (seg, CUSP_LABEL_CALCIUM_LVOT), ==, 0);

  /* an override above the nodule's value removes it */
  CuspSegmentOptions options = cusp_segment_options_default ();
  options.has_calcium_threshold = TRUE;
  options.calcium_threshold_hu = 1300;
  g_autoptr(CuspSegmentation) high = cusp_segment_root (image, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (high->calcium_threshold, ==, 1300);
  g_assert_cmpfloat (cusp_segmentation_label_volume_mm3 (high, CUSP_LABEL_CALCIUM_LEAFLET), ==, 0);
}

static void
test_calcium_rule (void)
{
  g_assert_cmpfloat (cusp_segment_calcium_threshold_for (250), ==, 450);
  g_assert_cmpfloat (cusp_segment_calcium_threshold_for (299.9), ==, 450);
  g_assert_cmpfloat (cusp_segment_calcium_threshold_for (300), ==, 850);
}

static void
expect_failure (CuspVolume *image, int code, const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspSegmentation) seg = cusp_segment_root (image, NULL, NULL, NULL, NULL, &error);
  g_assert_null (seg);
  g_assert_error (error, CUSP_ERROR, code);
  g_assert_cmpuint (strlen (error->message), >, 20);
  g_test_message ("%s: %s", what, error->message);
}

static void
test_bad_input (void)
{
  g_autoptr(GError) error = NULL;
  const int flat[3] = { 64, 64, 1 }, cube[3] = { 40, 40, 40 };
  g_autoptr(CuspVolume) slice = cusp_volume_new (CUSP_VOXEL_INT16, flat, &error);
  slice->hounsfield = TRUE;
  ((int16_t *) slice->voxels)[5] = 300;
  expect_failure (slice, CUSP_ERROR_INVALID_INPUT, "2D image");

  g_autoptr(CuspVolume) zero = cusp_volume_new (CUSP_VOXEL_INT16, cube, &error);
  zero->spacing_mm[0] = zero->spacing_mm[1] = zero->spacing_mm[2] = 2;
  zero->hounsfield = TRUE;
  expect_failure (zero, CUSP_ERROR_INVALID_INPUT, "all-zero");

  /* the same anatomy without contrast: blood at 40 HU */
  g_autoptr(CuspVolume) plain = synthetic_root (40, 10);
  expect_failure (plain, CUSP_ERROR_FAILED, "no contrast");

  /* contrast but no aorta: one bright ball (a chamber with no vessel) */
  g_autoptr(CuspVolume) ball = synthetic_root (400, 10);
  int16_t *v = ball->voxels;
  for (int k = 0; k < N_Z; k++)
    for (int j = 0; j < N_XY; j++)
      for (int i = 0; i < N_XY; i++)
        {
          double x = ball->origin_mm[0] + i, y = ball->origin_mm[1] + j;
          v[((gsize) k * N_XY + j) * N_XY + i] = x * x + y * y + (k - 60.0) * (k - 60.0) < 35 * 35 ? 400 : 50;
        }
  expect_failure (ball, CUSP_ERROR_FAILED, "no aorta");

  /* non-HU data without a clear bright pool and without a click asks for a click */
  g_autoptr(CuspVolume) mr = cusp_volume_new (CUSP_VOXEL_FLOAT32, cube, &error);
  mr->spacing_mm[0] = mr->spacing_mm[1] = mr->spacing_mm[2] = 2;
  float *f = mr->voxels;
  for (gsize i = 0; i < cusp_volume_voxel_count (mr); i++)
    f[i] = (float) (i % 7);
  g_autoptr(GError) mr_error = NULL;
  g_autoptr(CuspSegmentation) mr_seg = cusp_segment_root (mr, NULL, NULL, NULL, NULL, &mr_error);
  g_assert_null (mr_seg);
  g_assert_nonnull (mr_error);
  g_assert_nonnull (strstr (mr_error->message, "click inside the aortic root"));
}

static void
test_cancel (void)
{
  g_autoptr(CuspVolume) image = synthetic_root (400, 15);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_cancellable_cancel (cancellable);
  g_autoptr(CuspSegmentation) seg = cusp_segment_root (image, NULL, cancellable, NULL, NULL, &error);
  g_assert_null (seg);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/seg/synthetic/root", test_synthetic_root);
  g_test_add_func ("/seg/synthetic/seed", test_seeded_root);
  g_test_add_func ("/seg/synthetic/calcium", test_calcium_override);
  g_test_add_func ("/seg/calcium-rule", test_calcium_rule);
  g_test_add_func ("/seg/bad-input", test_bad_input);
  g_test_add_func ("/seg/cancel", test_cancel);
  return g_test_run ();
}
