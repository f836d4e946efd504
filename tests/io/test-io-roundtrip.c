/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-io-roundtrip.c: write an oblique, odd-sized, non-unit-spacing volume to NIfTI, MetaImage,
 * NRRD and a DICOM series, read it back (in process and through the isolated reader) and
 * compare geometry and every voxel.
 *
 * Tolerances are those of the formats, not of Cusp: NIfTI stores spacing, origin and the
 * rotation (as a quaternion) in float32, so 1e-5 there; DICOM stores decimal strings of at most
 * 16 characters, so 1e-9; MetaImage and NRRD store full-precision text, so 1e-12. Values must be
 * identical everywhere. */
#include "cusp-image-io-private.h"
#include "cusp-io-test-util.h"
#include "cusp-study-loader.h"

#include <math.h>

typedef struct {
  const char *name;       /* file name, or "dicom" for a series */
  double tolerance;
} Format;

static void
assert_same_geometry (const CuspVolume *a, const CuspVolume *b, double tolerance)
{
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpint (a->dims[i], ==, b->dims[i]);
      g_assert_cmpfloat_with_epsilon (a->spacing_mm[i], b->spacing_mm[i], tolerance);
      g_assert_cmpfloat_with_epsilon (a->origin_mm[i], b->origin_mm[i], tolerance * 100.0);
    }
  for (int i = 0; i < 9; i++)
    g_assert_cmpfloat_with_epsilon (a->direction[i], b->direction[i], tolerance);
}

static void
assert_same_values (const CuspVolume *a, const CuspVolume *b)
{
  g_assert_cmpint (a->voxel_type, ==, b->voxel_type);
  g_assert_cmpuint (cusp_volume_byte_count (a), ==, cusp_volume_byte_count (b));
  g_assert_true (memcmp (a->voxels, b->voxels, cusp_volume_byte_count (a)) == 0);
}

static void
test_roundtrip (gconstpointer data)
{
  const Format *format = data;
  const int dims[3] = { 7, 5, 9 };
  g_autoptr(CuspVolume) original = cusp_test_oblique_volume (dims);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cusp-roundtrip-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *target = NULL;
  g_autoptr(CuspVolume) in_process = NULL;
  g_autoptr(CuspVolume) isolated = NULL;
  gboolean dicom = strcmp (format->name, "dicom") == 0;

  g_assert_no_error (error);
  path = g_build_filename (dir, dicom ? "series" : format->name, NULL);
  target = dicom ? g_strconcat ("dicom:", path, NULL) : g_strdup (path);
  g_assert_true (cusp_image_write (original, target, &error));
  g_assert_no_error (error);

  in_process = cusp_image_read_in_process (path, NULL, &error);
  g_assert_no_error (error);
  assert_same_geometry (original, in_process, format->tolerance);
  assert_same_values (original, in_process);

  isolated = cusp_study_load_sync (path, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_same_geometry (original, isolated, format->tolerance);
  assert_same_values (original, isolated);
  g_assert_true (isolated->orientation_known);
  if (dicom)
    {
      /* Only DICOM records the modality; the others keep it through the HU heuristic or not. */
      g_assert_cmpint (isolated->modality, ==, CUSP_MODALITY_CT);
      g_assert_true (isolated->hounsfield);
      g_assert_cmpuint (isolated->warnings->len, ==, 0);
    }
  cusp_test_remove_tree (dir);
}

/* Float voxels that are not integers must stay float and keep their exact values. */
static void
test_float_roundtrip (void)
{
  const int dims[3] = { 5, 4, 3 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = cusp_volume_new (CUSP_VOXEL_FLOAT32, dims, &error);
  g_autofree char *dir = g_dir_make_tmp ("cusp-roundtrip-XXXXXX", &error);
  const char *names[] = { "f.nii.gz", "f.mha", "f.nrrd" };
  float *v = volume->voxels;

  for (gsize i = 0; i < cusp_volume_voxel_count (volume); i++)
    v[i] = (float) i * 0.37f - 3.1f;
  for (gsize n = 0; n < G_N_ELEMENTS (names); n++)
    {
      g_autofree char *path = g_build_filename (dir, names[n], NULL);
      g_autoptr(CuspVolume) back = NULL;

      g_assert_true (cusp_image_write (volume, path, &error));
      back = cusp_image_read_in_process (path, NULL, &error);
      g_assert_no_error (error);
      assert_same_values (volume, back);
    }
  cusp_test_remove_tree (dir);
}

/* A float volume whose values are all small integers comes back as int16 (half the memory). */
static void
test_integral_float_becomes_int16 (void)
{
  const int dims[3] = { 3, 3, 3 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = cusp_volume_new (CUSP_VOXEL_FLOAT32, dims, &error);
  g_autofree char *dir = g_dir_make_tmp ("cusp-roundtrip-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "i.nrrd", NULL);
  g_autoptr(CuspVolume) back = NULL;
  float *v = volume->voxels;

  for (gsize i = 0; i < 27; i++)
    v[i] = (float) i * 100.0f - 1000.0f;
  g_assert_true (cusp_image_write (volume, path, &error));
  back = cusp_image_read_in_process (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->voxel_type, ==, CUSP_VOXEL_INT16);
  for (int i = 0; i < 27; i++)
    g_assert_cmpfloat (cusp_volume_get_value (back, i % 3, (i / 3) % 3, i / 9), ==, v[i]);
  cusp_test_remove_tree (dir);
}

static void
test_write_refusals (void)
{
  const int dims[3] = { 3, 3, 3 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = cusp_volume_new (CUSP_VOXEL_INT16, dims, &error);
  g_autoptr(CuspVolume) floats = cusp_volume_new (CUSP_VOXEL_FLOAT32, dims, &error);
  g_autofree char *dir = g_dir_make_tmp ("cusp-roundtrip-XXXXXX", &error);
  g_autofree char *gz = g_build_filename (dir, "x.nii.gz", NULL);
  g_autofree char *plain = g_build_filename (dir, "x.nii", NULL);
  g_autofree char *odd = g_build_filename (dir, "x.png", NULL);
  g_autofree char *dicom = g_strconcat ("dicom:", dir, "/f", NULL);

  g_assert_true (cusp_image_write (volume, gz, &error));
  g_assert_false (cusp_image_write (volume, plain, &error));
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "x.nii.gz"));
  g_clear_error (&error);
  g_assert_false (g_file_test (plain, G_FILE_TEST_EXISTS));

  g_assert_false (cusp_image_write (volume, odd, &error));
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_false (cusp_image_write (floats, dicom, &error));
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_UNSUPPORTED);
  cusp_test_remove_tree (dir);
}

/* The decimal strings DICOM stores must hold as many digits as 16 characters allow. */
static void
test_dicom_decimal_strings (void)
{
  const double values[] = { 1.0 / 9, -4.0 / 9, -123.456789012345678, 1e-7, 0.625, -0.0 };
  char text[17];

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      cusp_format_dicom_ds (values[i], text);
      g_assert_cmpuint (strlen (text), <=, 16);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (text, NULL), values[i], fabs (values[i]) * 1e-12 + 1e-300);
    }
}

int
main (int argc, char **argv)
{
  static const Format formats[] = {
    { "v.nii", 1e-5 }, { "v.nii.gz", 1e-5 }, { "v.mha", 1e-12 }, { "v.mhd", 1e-12 },
    { "v.nrrd", 1e-12 }, { "v.nhdr", 1e-12 }, { "dicom", 1e-9 },
  };

  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("/io/roundtrip/%s", formats[i].name);
      g_test_add_data_func (name, &formats[i], test_roundtrip);
    }
  g_test_add_func ("/io/roundtrip/float-values", test_float_roundtrip);
  g_test_add_func ("/io/roundtrip/integral-float-becomes-int16", test_integral_float_becomes_int16);
  g_test_add_func ("/io/write/refusals", test_write_refusals);
  g_test_add_func ("/io/write/dicom-decimal-strings", test_dicom_decimal_strings);
  return g_test_run ();
}
