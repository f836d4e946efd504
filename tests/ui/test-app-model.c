/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-app-model.c: the app's GTK-free models: CuspLoadProgress (thread-safe, coalesced) and
 * CuspStudy (the document). */
#include "cusp-config.h"
#include "cusp-load-progress.h"
#include "cusp-error.h"
#include "cusp-image-io.h"
#include "cusp-study.h"

#include <glib/gstdio.h>
#include <string.h>

#define WORKER_UPDATES 20000

typedef struct {
  guint fraction_notifies;
  guint message_notifies;
} NotifyCount;

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  NotifyCount *count = user_data;

  if (g_str_equal (pspec->name, "fraction"))
    count->fraction_notifies++;
  else if (g_str_equal (pspec->name, "message"))
    count->message_notifies++;
}

static gpointer
worker (gpointer data)
{
  CuspLoadProgress *progress = data;

  for (guint i = 0; i < WORKER_UPDATES; i++)
    {
      g_autofree char *message = g_strdup_printf ("slice %u", i);
      cusp_load_progress_update (progress, (double) i / (WORKER_UPDATES - 1), message);
    }
  return NULL;
}

/* A worker's burst of updates reaches the main thread as one notification per property carrying
 * the newest values, never as a backlog. */
static void
test_progress_coalesced (void)
{
  g_autoptr(CuspLoadProgress) progress = cusp_load_progress_new ();
  NotifyCount count = { 0 };
  GThread *thread;

  g_signal_connect (progress, "notify", G_CALLBACK (count_notify), &count);
  thread = g_thread_new ("progress-worker", worker, progress);
  g_thread_join (thread);

  /* Nothing is delivered on the worker's thread. */
  g_assert_cmpuint (count.fraction_notifies, ==, 0);
  g_assert_cmpfloat (cusp_load_progress_get_fraction (progress), ==, 0.0);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (count.fraction_notifies, ==, 1);
  g_assert_cmpuint (count.message_notifies, ==, 1);
  g_assert_cmpfloat (cusp_load_progress_get_fraction (progress), ==, 1.0);
  g_assert_cmpstr (cusp_load_progress_get_message (progress), ==, "slice 19999");
}

/* Out-of-range fractions are clamped, negative means "unknown" (the bar pulses), and a NULL
 * message keeps the previous one. */
static void
test_progress_ranges (void)
{
  g_autoptr(CuspLoadProgress) progress = cusp_load_progress_new ();

  cusp_load_progress_update (progress, 1.7, "reading");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpfloat (cusp_load_progress_get_fraction (progress), ==, 1.0);
  g_assert_cmpstr (cusp_load_progress_get_message (progress), ==, "reading");

  cusp_load_progress_update (progress, -0.2, NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpfloat (cusp_load_progress_get_fraction (progress), ==, -1.0);
  g_assert_cmpstr (cusp_load_progress_get_message (progress), ==, "reading");
}

/* A progress object dropped by its window while an update is queued must not be touched after
 * it is gone: the queued idle holds its own reference. */
static void
test_progress_outlives_owner (void)
{
  CuspLoadProgress *progress = cusp_load_progress_new ();
  GWeakRef weak;

  g_weak_ref_init (&weak, progress);
  cusp_load_progress_update (progress, 0.5, "half");
  g_object_unref (progress);
  {
    g_autoptr(CuspLoadProgress) alive = g_weak_ref_get (&weak);
    g_assert_nonnull (alive);
  }
  while (g_main_context_iteration (NULL, FALSE))
    ;
  {
    g_autoptr(CuspLoadProgress) gone = g_weak_ref_get (&weak);
    g_assert_null (gone);
  }
  g_weak_ref_clear (&weak);
}

static CuspVolume *
make_volume (gboolean hounsfield)
{
  const int dims[3] = { 4, 5, 6 };
  g_autoptr(GError) error = NULL;
  CuspVolume *volume = cusp_volume_new (CUSP_VOXEL_INT16, dims, &error);

  g_assert_no_error (error);
  volume->spacing_mm[0] = 0.5;
  volume->spacing_mm[1] = 0.75;
  volume->spacing_mm[2] = 1.25;
  volume->modality = hounsfield ? CUSP_MODALITY_CT : CUSP_MODALITY_MR;
  volume->hounsfield = hounsfield;
  return volume;
}

static void
test_study_document (void)
{
  g_autoptr(CuspVolume) volume = make_volume (TRUE);
  g_autoptr(GFile) file = g_file_new_for_path ("/data/patient-17/root.nii.gz");
  g_autoptr(CuspStudy) study = cusp_study_new (volume, file, NULL);
  g_autoptr(CuspStudy) demo = cusp_study_new (volume, NULL, "Demo");
  g_autofree char *description = NULL;

  /* The title defaults to the file name; a study without a file is the demo case. */
  g_assert_cmpstr (cusp_study_get_title (study), ==, "root.nii.gz");
  g_assert_false (cusp_study_is_demo (study));
  g_assert_true (cusp_study_is_demo (demo));
  g_assert_true (cusp_study_get_volume (study) == volume);
  g_assert_true (g_file_equal (cusp_study_get_file (study), file));

  /* The volume's warnings are the study's; a volume without a list still gives an empty
   * list, never NULL. */
  g_assert_cmpuint (cusp_study_get_warnings (study)->len, ==, 0);
  cusp_volume_add_warning (volume, "Gantry tilt of %d degrees", 18);
  g_assert_cmpuint (cusp_study_get_warnings (study)->len, ==, 1);
  g_clear_pointer (&volume->warnings, g_ptr_array_unref);
  g_assert_nonnull (cusp_study_get_warnings (study));
  g_assert_cmpuint (cusp_study_get_warnings (study)->len, ==, 0);
  volume->warnings = g_ptr_array_new_with_free_func (g_free);

  description = cusp_study_describe (study);
  g_assert_cmpstr (description, ==, "4 × 5 × 6 · 0.50 × 0.75 × 1.25 mm · CT (HU)");
}

static void
test_study_describe_not_hu (void)
{
  g_autoptr(CuspVolume) volume = make_volume (FALSE);
  g_autoptr(CuspStudy) study = cusp_study_new (volume, NULL, NULL);
  g_autofree char *description = cusp_study_describe (study);

  g_assert_cmpstr (description, ==, "4 × 5 × 6 · 0.50 × 0.75 × 1.25 mm · MR (not HU)");
}

/* ---- opening through the reader process ---- */

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static char *
shared_data_path (const char *relative)
{
  const char *shared = g_getenv ("CUSP_SHARED_DATA");
  g_autofree char *path = NULL;

  if (shared == NULL)
    return NULL;
  path = g_build_filename (shared, relative, NULL);
  return g_file_test (path, G_FILE_TEST_EXISTS) ? g_steal_pointer (&path) : NULL;
}

/* A broken file comes back as a CUSP_ERROR in words, and progress reporting does not get in
 * the way. */
static void
test_study_open_broken (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cusp-app-model-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "broken.nii", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(CuspLoadProgress) progress = cusp_load_progress_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CuspStudy) study = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "not an image, only text\n", -1, NULL));
  cusp_study_open_async (file, NULL, NULL, progress, store_result, &result);
  study = cusp_study_open_finish (wait_for_result (&result), &error);
  g_assert_null (study);
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "broken.nii"));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_study_open_real_ct (void)
{
  g_autofree char *path = shared_data_path ("ct-aortic-root/ct-aortic-root.nii.gz");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CuspStudy) study = NULL;
  g_autoptr(GError) error = NULL;
  CuspVolume *volume;

  if (path == NULL)
    {
      g_test_skip ("CUSP_SHARED_DATA/ct-aortic-root is absent");
      return;
    }
  file = g_file_new_for_path (path);
  cusp_study_open_async (file, NULL, NULL, NULL, store_result, &result);
  study = cusp_study_open_finish (wait_for_result (&result), &error);
  g_assert_no_error (error);
  volume = cusp_study_get_volume (study);
  g_assert_cmpint (volume->dims[0], ==, 120);
  g_assert_cmpint (volume->dims[1], ==, 126);
  g_assert_cmpint (volume->dims[2], ==, 164);
  g_assert_cmpstr (cusp_study_get_title (study), ==, "ct-aortic-root.nii.gz");
  g_assert_false (cusp_study_is_demo (study));
}

/* Cancelling right away kills the reader and reports G_IO_ERROR_CANCELLED, not a volume. */
static void
test_study_open_cancelled (void)
{
  g_autofree char *path = shared_data_path ("mr-cardiac-dicom");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CuspStudy) study = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    {
      g_test_skip ("CUSP_SHARED_DATA/mr-cardiac-dicom is absent");
      return;
    }
  file = g_file_new_for_path (path);
  cusp_study_open_async (file, NULL, cancellable, NULL, store_result, &result);
  g_cancellable_cancel (cancellable);
  study = cusp_study_open_finish (wait_for_result (&result), &error);
  g_assert_null (study);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_study_list_series (void)
{
  g_autofree char *path = shared_data_path ("mr-cardiac-dicom");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(GError) error = NULL;
  const CuspSeriesInfo *info;

  if (path == NULL)
    {
      g_test_skip ("CUSP_SHARED_DATA/mr-cardiac-dicom is absent");
      return;
    }
  file = g_file_new_for_path (path);
  cusp_study_list_series_async (file, NULL, store_result, &result);
  series = cusp_study_list_series_finish (wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (series->len, ==, 1);
  info = g_ptr_array_index (series, 0);
  g_assert_cmpint (info->dims[0], ==, 640);
  g_assert_cmpint (info->dims[1], ==, 640);
  g_assert_cmpint (info->dims[2], ==, 44);
  g_assert_cmpstr (info->modality, ==, "MR");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/load-progress/coalesced", test_progress_coalesced);
  g_test_add_func ("/app/load-progress/ranges", test_progress_ranges);
  g_test_add_func ("/app/load-progress/outlives-owner", test_progress_outlives_owner);
  g_test_add_func ("/app/study/document", test_study_document);
  g_test_add_func ("/app/study/describe-not-hu", test_study_describe_not_hu);
  g_test_add_func ("/app/study/open-broken", test_study_open_broken);
  g_test_add_func ("/app/study/open-real-ct", test_study_open_real_ct);
  g_test_add_func ("/app/study/open-cancelled", test_study_open_cancelled);
  g_test_add_func ("/app/study/list-series", test_study_list_series);
  return g_test_run ();
}
