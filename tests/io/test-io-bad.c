/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-io-bad.c: bad input gives a CUSP_ERROR with a readable message (or, for a 2D image, a
 * one-slice volume with a warning), through the isolated reader. Inputs are made here, so these
 * tests need no shared data. */
#include "cusp-io-test-util.h"
#include "cusp-study-loader.h"

#include <math.h>

typedef struct {
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("cusp-bad-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  cusp_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
assert_load_fails (const char *path, gint code, const char *phrase)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = cusp_study_load_sync (path, NULL, NULL, &error);

  g_assert_null (volume);
  g_assert_error (error, CUSP_ERROR, code);
  g_assert_nonnull (strstr (error->message, phrase));
  g_assert_null (strchr (error->message, '\n'));
}

static char *
write_file (Fixture *f, const char *name, const void *data, gsize size)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, data, (gssize) size, &error));
  return path;
}

static void
test_missing (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "nothing-here.nii.gz", NULL);
  assert_load_fails (path, CUSP_ERROR_NOT_FOUND, "no file or folder");
}

static void
test_empty_folder (Fixture *f, gconstpointer data)
{
  assert_load_fails (f->dir, CUSP_ERROR_NOT_FOUND, "holds no files");
}

static void
test_folder_of_non_images (Fixture *f, gconstpointer data)
{
  g_autofree char *a = write_file (f, "notes.txt", "not an image\n", 13);
  g_autofree char *b = write_file (f, "data.csv", "1,2,3\n", 6);

  assert_load_fails (f->dir, CUSP_ERROR_NOT_FOUND, "No DICOM image series");
}

static void
test_empty_file (Fixture *f, gconstpointer data)
{
  g_autofree char *path = write_file (f, "empty.nii", "", 0);
  assert_load_fails (path, CUSP_ERROR_INVALID_INPUT, "empty");
}

static void
test_text_file (Fixture *f, gconstpointer data)
{
  g_autofree char *path = write_file (f, "readme.dcm", "hello\n", 6);
  assert_load_fails (path, CUSP_ERROR_INVALID_INPUT, "not an image Cusp can read");
}

static void
test_truncated_nifti (Fixture *f, gconstpointer data)
{
  const int dims[3] = { 8, 8, 8 };
  g_autoptr(CuspVolume) volume = cusp_test_oblique_volume (dims);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "cut.nii", NULL);
  g_autofree char *contents = NULL;
  gsize size;

  g_assert_true (cusp_image_write (volume, path, &error));
  g_assert_true (g_file_get_contents (path, &contents, &size, &error));
  g_assert_true (g_file_set_contents (path, contents, (gssize) (size / 2), &error));
  assert_load_fails (path, CUSP_ERROR_INVALID_INPUT, "cut.nii");
}

/* zlib reads a cut .nii.gz as zeros without complaint: Cusp must notice. And a valid file made
 * of two gzip members (whose trailer does not give the whole size) must still load. */
static void
test_truncated_nifti_gz (Fixture *f, gconstpointer data)
{
  const int dims[3] = { 16, 16, 16 };
  g_autoptr(CuspVolume) volume = cusp_test_oblique_volume (dims);
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = g_build_filename (f->dir, "plain.nii", NULL);
  g_autofree char *two = g_build_filename (f->dir, "two-members.nii.gz", NULL);
  g_autofree char *cut = g_build_filename (f->dir, "cut.nii.gz", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GByteArray) joined = g_byte_array_new ();
  g_autoptr(CuspVolume) back = NULL;
  gsize size;

  g_assert_true (cusp_image_write (volume, plain, &error));
  g_assert_true (g_file_get_contents (plain, &contents, &size, &error));
  first = cusp_test_gzip (contents, size / 2);
  second = cusp_test_gzip (contents + size / 2, size - size / 2);
  g_byte_array_append (joined, g_bytes_get_data (first, NULL), (guint) g_bytes_get_size (first));
  g_byte_array_append (joined, g_bytes_get_data (second, NULL), (guint) g_bytes_get_size (second));
  g_assert_true (g_file_set_contents (two, (char *) joined->data, joined->len, &error));
  back = cusp_study_load_sync (two, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (memcmp (back->voxels, volume->voxels, cusp_volume_byte_count (volume)) == 0);

  g_assert_true (g_file_set_contents (cut, (char *) joined->data, g_bytes_get_size (first) / 2, &error));
  assert_load_fails (cut, CUSP_ERROR_INVALID_INPUT, "truncated");
}

/* MetaIO, too, reads a short payload as zeros: a cut .mha, or an .mhd whose .raw is cut. */
static void
test_truncated_metaimage (Fixture *f, gconstpointer data)
{
  const int dims[3] = { 9, 7, 5 };
  g_autoptr(CuspVolume) volume = cusp_test_oblique_volume (dims);
  g_autoptr(GError) error = NULL;
  g_autofree char *mha = g_build_filename (f->dir, "cut.mha", NULL);
  g_autofree char *mhd = g_build_filename (f->dir, "split.mhd", NULL);
  g_autofree char *raw = g_build_filename (f->dir, "split.raw", NULL);
  g_autofree char *contents = NULL;
  gsize size;

  g_assert_true (cusp_image_write (volume, mha, &error));
  g_assert_true (g_file_get_contents (mha, &contents, &size, &error));
  g_assert_true (g_file_set_contents (mha, contents, (gssize) (size - 10), &error));
  assert_load_fails (mha, CUSP_ERROR_INVALID_INPUT, "truncated");

  g_assert_true (cusp_image_write (volume, mhd, &error));
  g_assert_true (g_file_test (raw, G_FILE_TEST_EXISTS));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (raw, &contents, &size, &error));
  g_assert_true (g_file_set_contents (raw, contents, (gssize) (size / 2), &error));
  assert_load_fails (mhd, CUSP_ERROR_INVALID_INPUT, "truncated");
}

/* NIfTI-2 starts with sizeof_hdr = 540; ITK 5.2 cannot read it, Cusp says so by name. */
static void
test_nifti2 (Fixture *f, gconstpointer data)
{
  guint8 header[560] = { 0 };
  gint32 size = 540;
  g_autofree char *path = NULL;

  memcpy (header, &size, 4);
  memcpy (header + 4, "n+2\0\r\n\032\n", 8);
  path = write_file (f, "two.nii", header, sizeof header);
  assert_load_fails (path, CUSP_ERROR_UNSUPPORTED, "NIfTI-2");
}

/* A 4D NIfTI: turn a written 3D file into two time points by editing dim[0] and dim[4]. */
static void
test_4d (Fixture *f, gconstpointer data)
{
  const int dims[3] = { 4, 3, 2 };
  g_autoptr(CuspVolume) volume = cusp_test_oblique_volume (dims);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "t.nii", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GByteArray) four = g_byte_array_new ();
  gint16 dim[8];
  gsize size;

  g_assert_true (cusp_image_write (volume, path, &error));
  g_assert_true (g_file_get_contents (path, &contents, &size, &error));
  memcpy (dim, contents + 40, sizeof dim);
  dim[0] = 4;
  dim[4] = 2;
  memcpy (contents + 40, dim, sizeof dim);
  g_byte_array_append (four, (guint8 *) contents, (guint) size);
  g_byte_array_append (four, (guint8 *) contents + size - cusp_volume_byte_count (volume),
                       (guint) cusp_volume_byte_count (volume));
  g_assert_true (g_file_set_contents (path, (char *) four->data, four->len, &error));
  assert_load_fails (path, CUSP_ERROR_UNSUPPORTED, "4D image (2 volumes of 4 × 3 × 2)");
}

/* Decision (cusp-image-io.h): a 2D image loads as a one-slice volume and says it is 2D. */
static void
test_2d (Fixture *f, gconstpointer data)
{
  const int dims[3] = { 6, 5, 1 };
  g_autoptr(CuspVolume) volume = cusp_test_oblique_volume (dims);
  g_autoptr(CuspVolume) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "flat.mha", NULL);
  gboolean said = FALSE;

  g_assert_true (cusp_image_write (volume, path, &error));
  back = cusp_study_load_sync (path, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->dims[2], ==, 1);
  for (guint i = 0; i < back->warnings->len; i++)
    said |= strstr (back->warnings->pdata[i], "single 2D image") != NULL;
  g_assert_true (said);
}

/* NaN voxels become 0 with a warning: nothing downstream ever sees a NaN. */
static void
test_nan_voxels (Fixture *f, gconstpointer data)
{
  const int dims[3] = { 3, 3, 3 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = cusp_volume_new (CUSP_VOXEL_FLOAT32, dims, &error);
  g_autoptr(CuspVolume) back = NULL;
  g_autofree char *path = g_build_filename (f->dir, "nan.nrrd", NULL);
  float *v = volume->voxels;
  gboolean said = FALSE;

  for (int i = 0; i < 27; i++)
    v[i] = 0.5f * (float) i;
  v[4] = NAN;
  v[9] = INFINITY;
  g_assert_true (cusp_image_write (volume, path, &error));
  back = cusp_study_load_sync (path, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->voxel_type, ==, CUSP_VOXEL_FLOAT32);
  for (int i = 0; i < 27; i++)
    g_assert_true (isfinite (((float *) back->voxels)[i]));
  g_assert_cmpfloat (((float *) back->voxels)[4], ==, 0.0f);
  for (guint i = 0; i < back->warnings->len; i++)
    said |= strstr (back->warnings->pdata[i], "2 voxels were not numbers") != NULL;
  g_assert_true (said);
}

/* A folder with two series: the largest loads by default and says so; --series picks another. */
static void
test_two_series (Fixture *f, gconstpointer data)
{
  const int big_dims[3] = { 9, 8, 6 }, small_dims[3] = { 5, 4, 3 };
  g_autoptr(CuspVolume) big = cusp_test_oblique_volume (big_dims);
  g_autoptr(CuspVolume) small = cusp_test_oblique_volume (small_dims);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(CuspVolume) first = NULL;
  g_autoptr(CuspVolume) picked = NULL;
  g_autofree char *a = g_strconcat ("dicom:", f->dir, "/a", NULL);
  g_autofree char *b = g_strconcat ("dicom:", f->dir, "/sub/b", NULL);
  gboolean said = FALSE;

  g_assert_true (cusp_image_write (small, a, &error));
  g_assert_true (cusp_image_write (big, b, &error));
  series = cusp_study_scan_sync (f->dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (series->len, ==, 2);
  g_assert_cmpint (((CuspSeriesInfo *) series->pdata[0])->dims[2], ==, 6);
  g_assert_cmpint (((CuspSeriesInfo *) series->pdata[1])->file_count, ==, 3);

  first = cusp_study_load_sync (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first->dims[0], ==, 9);
  for (guint i = 0; i < first->warnings->len; i++)
    said |= strstr (first->warnings->pdata[i], "holds 2 image series") != NULL;
  g_assert_true (said);

  picked = cusp_study_load_sync (f->dir, ((CuspSeriesInfo *) series->pdata[1])->uid, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (picked->dims[0], ==, 5);
  g_assert_cmpint (picked->dims[2], ==, 3);

  {
    g_autoptr(CuspVolume) none = cusp_study_load_sync (f->dir, "1.2.3.4", NULL, &error);
    g_assert_null (none);
    g_assert_error (error, CUSP_ERROR, CUSP_ERROR_NOT_FOUND);
  }
}

/* Slices given in shuffled file order come back sorted along the normal; a removed slice is
 * reported as missing. */
static void
test_sorting_and_gap (Fixture *f, gconstpointer data)
{
  const int dims[3] = { 4, 4, 6 };
  g_autoptr(CuspVolume) volume = cusp_test_oblique_volume (dims);
  g_autoptr(CuspVolume) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = g_strconcat ("dicom:", f->dir, NULL);
  g_autofree char *first = g_build_filename (f->dir, "IM-0001.dcm", NULL);
  g_autofree char *renamed = g_build_filename (f->dir, "ZZ-last.dcm", NULL);
  g_autofree char *third = g_build_filename (f->dir, "IM-0003.dcm", NULL);
  gboolean said = FALSE;

  g_assert_true (cusp_image_write (volume, target, &error));
  /* The first slice now sorts last by name: only the positions can put it back first. */
  g_assert_cmpint (g_rename (first, renamed), ==, 0);
  back = cusp_study_load_sync (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (memcmp (back->voxels, volume->voxels, cusp_volume_byte_count (volume)) == 0);
  g_clear_pointer (&back, cusp_volume_unref);

  g_assert_cmpint (g_unlink (third), ==, 0);
  back = cusp_study_load_sync (f->dir, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->dims[2], ==, 5);
  for (guint i = 0; i < back->warnings->len; i++)
    said |= strstr (back->warnings->pdata[i], "About 1 slice seems to be missing") != NULL;
  g_assert_true (said);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) g_test_add ("/io/bad/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("missing-file", test_missing);
  ADD ("empty-folder", test_empty_folder);
  ADD ("folder-of-non-images", test_folder_of_non_images);
  ADD ("empty-file", test_empty_file);
  ADD ("text-file", test_text_file);
  ADD ("truncated-nifti", test_truncated_nifti);
  ADD ("truncated-nifti-gz", test_truncated_nifti_gz);
  ADD ("truncated-metaimage", test_truncated_metaimage);
  ADD ("nifti-2", test_nifti2);
  ADD ("4d", test_4d);
  ADD ("2d-is-one-slice", test_2d);
  ADD ("nan-voxels", test_nan_voxels);
  ADD ("two-series", test_two_series);
  ADD ("sorting-and-gap", test_sorting_and_gap);
#undef ADD
  return g_test_run ();
}
