/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-raycast-transfer.c: the volume-rendering presets (no GL): what each one hides and shows
 * on HU data, percentile placement on data without HU, and the baked table. */
#include "cusp-transfer-function.h"

#include <math.h>
#include <string.h>

/* A small volume of `type` whose voxels take the values first, first + 1, ... in order. */
static CuspVolume *
ramp_volume (CuspVoxelType type, double first, double scale, gboolean hounsfield, CuspModality modality)
{
  const int dims[3] = { 20, 25, 40 };   /* 20000 voxels */
  g_autoptr(GError) error = NULL;
  CuspVolume *volume = cusp_volume_new (type, dims, &error);
  gsize count;

  g_assert_no_error (error);
  count = cusp_volume_voxel_count (volume);
  for (gsize i = 0; i < count; i++)
    {
      double v = (first + (double) i) * scale;
      if (type == CUSP_VOXEL_INT16)
        ((int16_t *) volume->voxels)[i] = (int16_t) v;
      else
        ((float *) volume->voxels)[i] = (float) v;
    }
  volume->hounsfield = hounsfield;
  volume->modality = modality;
  return volume;
}

static float
opacity_at (const CuspTransferFunction *tf, double value)
{
  float rgba[4];

  cusp_transfer_function_evaluate (tf, value, rgba);
  return rgba[3];
}

static void
test_ct_presets_hide_air_and_fat (void)
{
  g_autoptr(CuspVolume) ct = ramp_volume (CUSP_VOXEL_INT16, -1024.0, 0.2, TRUE, CUSP_MODALITY_CT);

  for (CuspRaycastPreset p = CUSP_RAYCAST_PRESET_CT_CARDIAC; p <= CUSP_RAYCAST_PRESET_CT_CALCIUM; p++)
    {
      CuspTransferFunction tf;

      cusp_transfer_function_init (&tf, p, ct);
      g_assert_true (tf.over_hu);
      g_assert_cmpint (tf.n_points, >=, 2);
      /* Air, lung, fat and unenhanced soft tissue. */
      for (double hu = -1024.0; hu <= 60.0; hu += 4.0)
        g_assert_cmpfloat (opacity_at (&tf, hu), ==, 0.0f);
      g_assert_cmpfloat (opacity_at (&tf, -3000.0), ==, 0.0f);
      g_assert_cmpfloat (opacity_at (&tf, NAN), ==, 0.0f);
      /* Dense bone is shown by every CT preset, and opacity never falls with density there. */
      g_assert_cmpfloat (opacity_at (&tf, 1500.0), >, 0.5f);
      for (double hu = 700.0; hu < 3000.0; hu += 10.0)
        g_assert_cmpfloat (opacity_at (&tf, hu + 10.0), >=, opacity_at (&tf, hu));
    }
}

static void
test_cardiac_shows_contrast_blood (void)
{
  g_autoptr(CuspVolume) ct = ramp_volume (CUSP_VOXEL_INT16, -1024.0, 0.2, TRUE, CUSP_MODALITY_CT);
  CuspTransferFunction tf;

  cusp_transfer_function_init (&tf, CUSP_RAYCAST_PRESET_CT_CARDIAC, ct);
  /* Arterial-phase blood 250..500 HU: visible and denser blood more opaque. */
  g_assert_cmpfloat (opacity_at (&tf, 300.0), >, 0.2f);
  g_assert_cmpfloat (opacity_at (&tf, 450.0), >, opacity_at (&tf, 300.0));
  g_assert_cmpfloat (opacity_at (&tf, 300.0), >, opacity_at (&tf, 150.0));
}

static void
test_bone_and_calcium_thresholds (void)
{
  g_autoptr(CuspVolume) ct = ramp_volume (CUSP_VOXEL_INT16, -1024.0, 0.2, TRUE, CUSP_MODALITY_CT);
  CuspTransferFunction bone, calcium;

  cusp_transfer_function_init (&bone, CUSP_RAYCAST_PRESET_CT_BONE, ct);
  g_assert_cmpfloat (opacity_at (&bone, 150.0), ==, 0.0f);        /* enhanced myocardium */
  g_assert_cmpfloat (opacity_at (&bone, 1000.0), >, 0.8f);        /* cortical bone */

  cusp_transfer_function_init (&calcium, CUSP_RAYCAST_PRESET_CT_CALCIUM, ct);
  /* The brightest contrast lumen stays invisible; calcium from 600 HU shows. */
  g_assert_cmpfloat (opacity_at (&calcium, 550.0), ==, 0.0f);
  g_assert_cmpfloat (opacity_at (&calcium, 600.0), >=, 0.5f);
  g_assert_cmpfloat (opacity_at (&calcium, 700.0), >, 0.9f);
}

static void
test_mr_uses_percentiles (void)
{
  /* 20000 voxels with values 0..19999 (float): percentile f is about f * 19999. */
  g_autoptr(CuspVolume) mr = ramp_volume (CUSP_VOXEL_FLOAT32, 0.0, 1.0, FALSE, CUSP_MODALITY_MR);
  g_autoptr(CuspVolume) mr10 = ramp_volume (CUSP_VOXEL_FLOAT32, 0.0, 10.0, FALSE, CUSP_MODALITY_MR);
  const double fractions[3] = { 0.0, 0.5, 1.0 };
  double values[3];
  CuspTransferFunction tf, tf10;
  double lo, hi;

  cusp_transfer_function_percentiles (mr, FALSE, fractions, 3, values);
  g_assert_cmpfloat_with_epsilon (values[0], 0.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (values[1], 10000.0, 1.0);
  g_assert_cmpfloat_with_epsilon (values[2], 19999.0, 1e-9);
  /* The foreground starts above 2 % of the range (400): the median moves to about 10200. */
  cusp_transfer_function_percentiles (mr, TRUE, fractions, 3, values);
  g_assert_cmpfloat_with_epsilon (values[0], 400.0, 1.0);
  g_assert_cmpfloat_with_epsilon (values[1], 0.5 * (400.0 + 19999.0), 1.0);

  cusp_transfer_function_init (&tf, CUSP_RAYCAST_PRESET_MR_DEFAULT, mr);
  g_assert_false (tf.over_hu);
  cusp_transfer_function_get_range (&tf, &lo, &hi);
  /* The ramp starts at the foreground's 85th percentile and ends at the maximum. */
  g_assert_cmpfloat_with_epsilon (lo, 400.0 + 0.85 * (19999.0 - 400.0), 2.0);
  g_assert_cmpfloat_with_epsilon (hi, 19999.0, 1e-9);
  g_assert_cmpfloat (opacity_at (&tf, 0.5 * 19999.0), ==, 0.0f);
  g_assert_cmpfloat (opacity_at (&tf, 0.995 * 19999.0), >, 0.5f);

  /* The same anatomy scanned with ten times the gain gets the same picture: the points scale. */
  cusp_transfer_function_init (&tf10, CUSP_RAYCAST_PRESET_MR_DEFAULT, mr10);
  for (int i = 0; i < tf.n_points; i++)
    g_assert_cmpfloat_with_epsilon (tf10.points[i].value, 10.0 * tf.points[i].value, 1e-3 * tf10.points[i].value + 1e-6);
}

static void
test_ct_presets_without_hu (void)
{
  /* An 8-bit export (values 0..255, not HU): a 600 HU threshold would show nothing at all. */
  g_autoptr(CuspVolume) ct8 = ramp_volume (CUSP_VOXEL_INT16, 0.0, 255.0 / 19999.0, FALSE, CUSP_MODALITY_CT);

  for (CuspRaycastPreset p = 0; p < CUSP_RAYCAST_PRESET_COUNT; p++)
    {
      CuspTransferFunction tf;
      double lo, hi;

      cusp_transfer_function_init (&tf, p, ct8);
      g_assert_false (tf.over_hu);
      cusp_transfer_function_get_range (&tf, &lo, &hi);
      g_assert_cmpfloat (lo, >=, 0.0);
      g_assert_cmpfloat (hi, <=, 255.0);
      g_assert_cmpfloat (hi, >, lo);
      g_assert_cmpfloat (opacity_at (&tf, 255.0), >, 0.5f);
      g_assert_cmpfloat (opacity_at (&tf, 10.0), ==, 0.0f);
    }
}

/* An export that is mostly zero padding (like the 8-bit chest CT: 84 % zeros): the ramps must
 * sit inside the body's values, not at the padding. */
static void
test_padding_ignored (void)
{
  g_autoptr(CuspVolume) padded = ramp_volume (CUSP_VOXEL_FLOAT32, 0.0, 1.0, FALSE, CUSP_MODALITY_CT);
  gsize count = cusp_volume_voxel_count (padded);
  CuspTransferFunction tf;

  for (gsize i = 0; i < count * 8 / 10; i++)
    ((float *) padded->voxels)[i] = 0.0f;
  cusp_transfer_function_init (&tf, CUSP_RAYCAST_PRESET_CT_CARDIAC, padded);
  /* Body values are 16000..19999; the 70th percentile of those is about 18800. */
  g_assert_cmpfloat (tf.points[0].value, >, 16000.0);
  g_assert_cmpfloat (opacity_at (&tf, 0.0), ==, 0.0f);
  g_assert_cmpfloat (opacity_at (&tf, 17000.0), ==, 0.0f);
  g_assert_cmpfloat (opacity_at (&tf, 19999.0), >, 0.5f);
}

static void
test_constant_volume (void)
{
  g_autoptr(CuspVolume) flat = ramp_volume (CUSP_VOXEL_FLOAT32, 0.0, 0.0, FALSE, CUSP_MODALITY_MR);
  float table[CUSP_TRANSFER_FUNCTION_TABLE_SIZE * 4];
  CuspTransferFunction tf;

  cusp_transfer_function_init (&tf, CUSP_RAYCAST_PRESET_MR_DEFAULT, flat);
  for (int i = 1; i < tf.n_points; i++)
    g_assert_cmpfloat (tf.points[i].value, >, tf.points[i - 1].value);
  cusp_transfer_function_bake (&tf, table);
  for (int i = 0; i < CUSP_TRANSFER_FUNCTION_TABLE_SIZE * 4; i++)
    g_assert_true (isfinite (table[i]));
}

static void
test_bake_matches_evaluate (void)
{
  g_autoptr(CuspVolume) ct = ramp_volume (CUSP_VOXEL_INT16, -1024.0, 0.2, TRUE, CUSP_MODALITY_CT);
  float table[CUSP_TRANSFER_FUNCTION_TABLE_SIZE * 4];
  CuspTransferFunction tf;
  double lo, hi;

  cusp_transfer_function_init (&tf, CUSP_RAYCAST_PRESET_CT_CARDIAC, ct);
  cusp_transfer_function_bake (&tf, table);
  cusp_transfer_function_get_range (&tf, &lo, &hi);
  g_assert_cmpfloat (table[3], ==, 0.0f);                  /* first entry: transparent */
  for (int e = 0; e < CUSP_TRANSFER_FUNCTION_TABLE_SIZE; e += 17)
    {
      float rgba[4];

      cusp_transfer_function_evaluate (&tf, lo + e * (hi - lo) / (CUSP_TRANSFER_FUNCTION_TABLE_SIZE - 1), rgba);
      for (int c = 0; c < 4; c++)
        g_assert_cmpfloat_with_epsilon (table[4 * e + c], rgba[c], 1e-6);
    }
  g_assert_cmpfloat (table[4 * (CUSP_TRANSFER_FUNCTION_TABLE_SIZE - 1) + 3], ==, opacity_at (&tf, hi));
}

static void
test_preset_names (void)
{
  for (CuspRaycastPreset p = 0; p < CUSP_RAYCAST_PRESET_COUNT; p++)
    {
      const char *name = cusp_raycast_preset_name (p);

      g_assert_nonnull (name);
      g_assert_cmpuint (strlen (name), >, 2);
      for (CuspRaycastPreset q = 0; q < p; q++)
        g_assert_cmpstr (cusp_raycast_preset_name (q), !=, name);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/raycast/transfer/ct-hides-air-and-fat", test_ct_presets_hide_air_and_fat);
  g_test_add_func ("/render/raycast/transfer/cardiac-contrast-blood", test_cardiac_shows_contrast_blood);
  g_test_add_func ("/render/raycast/transfer/bone-and-calcium", test_bone_and_calcium_thresholds);
  g_test_add_func ("/render/raycast/transfer/mr-percentiles", test_mr_uses_percentiles);
  g_test_add_func ("/render/raycast/transfer/ct-without-hu", test_ct_presets_without_hu);
  g_test_add_func ("/render/raycast/transfer/padding-ignored", test_padding_ignored);
  g_test_add_func ("/render/raycast/transfer/constant-volume", test_constant_volume);
  g_test_add_func ("/render/raycast/transfer/bake", test_bake_matches_evaluate);
  g_test_add_func ("/render/raycast/transfer/names", test_preset_names);
  return g_test_run ();
}
