/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-io-loader.c: the isolated reader's failures become errors and the caller lives on
 * (crash, kill, hang, memory limit, garbage, missing reader); async loading delivers coalesced
 * progress on the caller's context without blocking its main loop, and can be cancelled. */
#include "cusp-io-test-util.h"
#include "cusp-study-loader.h"

#include <stdlib.h>

typedef struct {
  char *dir;
  char *study;           /* a small DICOM series written by set-up */
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const int dims[3] = { 64, 48, 40 };
  g_autoptr(CuspVolume) volume = cusp_test_oblique_volume (dims);
  g_autoptr(GError) error = NULL;
  g_autofree char *target = NULL;

  f->dir = g_dir_make_tmp ("cusp-loader-XXXXXX", &error);
  g_assert_no_error (error);
  f->study = g_build_filename (f->dir, "series", NULL);
  target = g_strconcat ("dicom:", f->study, NULL);
  g_assert_true (cusp_image_write (volume, target, &error));
  g_unsetenv ("CUSP_READER");
  g_unsetenv ("CUSP_FAKE_READER_MODE");
  g_unsetenv ("CUSP_READER_TIMEOUT_S");
  g_unsetenv ("CUSP_READER_MEMORY_LIMIT_MB");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_unsetenv ("CUSP_READER");
  g_unsetenv ("CUSP_FAKE_READER_MODE");
  g_unsetenv ("CUSP_READER_TIMEOUT_S");
  g_unsetenv ("CUSP_READER_MEMORY_LIMIT_MB");
  cusp_test_remove_tree (f->dir);
  g_free (f->study);
  g_free (f->dir);
}

static void
use_fake_reader (const char *mode)
{
  g_setenv ("CUSP_READER", CUSP_FAKE_READER, TRUE);
  g_setenv ("CUSP_FAKE_READER_MODE", mode, TRUE);
}

static void
assert_fails (Fixture *f, gint code, const char *phrase, double max_seconds)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(CuspVolume) volume = cusp_study_load_sync (f->study, NULL, NULL, &error);
  double seconds = (g_get_monotonic_time () - start) / 1e6;

  g_assert_null (volume);
  g_assert_error (error, CUSP_ERROR, code);
  g_assert_nonnull (strstr (error->message, phrase));
  g_assert_cmpfloat (seconds, <, max_seconds);
}

static void
test_crash (Fixture *f, gconstpointer data)
{
  use_fake_reader ("segv");
  /* No signal name here: under AddressSanitizer the SIGSEGV becomes a report and SIGABRT. */
  assert_fails (f, CUSP_ERROR_READER_CRASHED, "The image reader crashed (", 10.0);
}

static void
test_killed_is_out_of_memory (Fixture *f, gconstpointer data)
{
  use_fake_reader ("kill");
  assert_fails (f, CUSP_ERROR_OUT_OF_MEMORY, "ran out of memory", 10.0);
}

static void
test_hang_times_out (Fixture *f, gconstpointer data)
{
  use_fake_reader ("hang");
  g_setenv ("CUSP_READER_TIMEOUT_S", "1", TRUE);
  assert_fails (f, CUSP_ERROR_TIMED_OUT, "longer than 1 s", 10.0);
}

static void
test_memory_limit (Fixture *f, gconstpointer data)
{
#if defined(__SANITIZE_ADDRESS__)
  g_test_skip ("AddressSanitizer builds run the reader without an address-space limit");
#else
  use_fake_reader ("allocate");
  g_setenv ("CUSP_READER_MEMORY_LIMIT_MB", "256", TRUE);
  assert_fails (f, CUSP_ERROR_OUT_OF_MEMORY, "ran out of memory", 30.0);
#endif
}

/* The real reader under a small memory limit, on a .nii.gz whose header claims 2 GiB of voxels
 * and whose gzip trailer agrees (a hostile file: the size check passes, the allocation fails). */
static void
test_real_reader_memory_limit (Fixture *f, gconstpointer data)
{
#if defined(__SANITIZE_ADDRESS__)
  g_test_skip ("AddressSanitizer builds run the reader without an address-space limit");
#else
  const int dims[3] = { 8, 8, 8 };
  g_autoptr(CuspVolume) volume = cusp_test_oblique_volume (dims);
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = g_build_filename (f->dir, "huge.nii", NULL);
  g_autofree char *path = g_build_filename (f->dir, "huge.nii.gz", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(CuspVolume) back = NULL;
  g_autoptr(GBytes) packed = NULL;
  g_autofree guint8 *bytes = NULL;
  guint32 isize = GUINT32_TO_LE ((guint32) (352u + 1024u * 1024u * 1024u * 2u));
  gint16 dim[8];
  gsize size, packed_size;

  g_assert_true (cusp_image_write (volume, plain, &error));
  g_assert_true (g_file_get_contents (plain, &contents, &size, &error));
  memcpy (dim, contents + 40, sizeof dim);
  dim[1] = dim[2] = dim[3] = 1024;
  memcpy (contents + 40, dim, sizeof dim);
  /* Incompressible filler keeps the (wrong) gzip trailer out of reach of the header read. */
  {
    g_autoptr(GByteArray) body = g_byte_array_sized_new (352 + (2 << 20));
    guint32 x = 2463534242u;

    g_byte_array_append (body, (guint8 *) contents, 352);
    for (int i = 0; i < (2 << 20) / 4; i++)
      {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        g_byte_array_append (body, (guint8 *) &x, 4);
      }
    packed = cusp_test_gzip (body->data, body->len);
  }
  bytes = g_bytes_unref_to_data (g_steal_pointer (&packed), &packed_size);
  memcpy (bytes + packed_size - 4, &isize, 4);
  g_assert_true (g_file_set_contents (path, (char *) bytes, (gssize) packed_size, &error));
  g_setenv ("CUSP_READER_MEMORY_LIMIT_MB", "600", TRUE);
  back = cusp_study_load_sync (path, NULL, NULL, &error);
  g_assert_null (back);
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_OUT_OF_MEMORY);
#endif
}

static void
test_garbage (Fixture *f, gconstpointer data)
{
  use_fake_reader ("garbage");
  assert_fails (f, CUSP_ERROR_READER_CRASHED, "stopped unexpectedly", 10.0);
}

static void
test_silent (Fixture *f, gconstpointer data)
{
  use_fake_reader ("silent");
  assert_fails (f, CUSP_ERROR_READER_CRASHED, "stopped unexpectedly", 10.0);
}

static void
test_missing_reader (Fixture *f, gconstpointer data)
{
  g_setenv ("CUSP_READER", "/nonexistent/cusp-reader", TRUE);
  assert_fails (f, CUSP_ERROR_FAILED, "Could not start the image reader", 10.0);
}

/* The real GDCM crash from the shared data: the reader dies, this process does not. */
static void
test_real_crash (Fixture *f, gconstpointer data)
{
  g_autofree char *path = cusp_test_shared_path ("dicom-robustness/pydicom_data_github/liver_rle.dcm");
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL;

  if (path == NULL)
    return;
  volume = cusp_study_load_sync (path, NULL, NULL, &error);
  g_assert_null (volume);
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_READER_CRASHED);
  g_assert_nonnull (strstr (error->message, "Aborted"));
}

typedef struct {
  GMainLoop *loop;
  GThread *main_thread;
  GAsyncResult *result;
  int progress_calls;
  double last_fraction;
  gboolean fraction_in_range;
  gboolean progress_on_main_thread;
  int ticks;                    /* main-loop ticks while loading: proves it was not blocked */
  gboolean notified;
} AsyncState;

static void
on_progress (double fraction, const char *message, gpointer user_data)
{
  AsyncState *state = user_data;

  state->progress_calls++;
  state->fraction_in_range &= fraction >= 0.0 && fraction <= 1.0 && message != NULL;
  state->progress_on_main_thread &= g_thread_self () == state->main_thread;
  state->last_fraction = fraction;
}

static void
on_progress_notify (gpointer user_data)
{
  ((AsyncState *) user_data)->notified = TRUE;
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *state = user_data;

  state->result = g_object_ref (result);
  g_main_loop_quit (state->loop);
}

static gboolean
on_tick (gpointer user_data)
{
  ((AsyncState *) user_data)->ticks++;
  return G_SOURCE_CONTINUE;
}

static void
async_state_init (AsyncState *state)
{
  memset (state, 0, sizeof *state);
  state->loop = g_main_loop_new (NULL, FALSE);
  state->main_thread = g_thread_self ();
  state->fraction_in_range = TRUE;
  state->progress_on_main_thread = TRUE;
}

static void
test_async_progress (Fixture *f, gconstpointer data)
{
  AsyncState state;
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL;
  guint tick;

  async_state_init (&state);
  tick = g_timeout_add (5, on_tick, &state);
  cusp_study_load_async (f->study, NULL, NULL, on_progress, &state, on_progress_notify, on_done, &state);
  g_main_loop_run (state.loop);
  g_source_remove (tick);

  volume = cusp_study_load_finish (state.result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (volume->dims[0], ==, 64);
  g_assert_cmpint (volume->dims[2], ==, 40);
  g_assert_cmpint (state.progress_calls, >=, 1);
  g_assert_true (state.fraction_in_range);
  g_assert_true (state.progress_on_main_thread);
  g_assert_cmpint (state.ticks, >=, 1);
  g_clear_object (&state.result);
  g_main_loop_unref (state.loop);
  /* The notify comes on this context once the task and any pending progress idle are gone. */
  for (gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC; !state.notified && g_get_monotonic_time () < end;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_true (state.notified);
}

static gboolean
cancel_soon (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_async_cancel (Fixture *f, gconstpointer data)
{
  AsyncState state;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CuspVolume) volume = NULL;
  gint64 start;

  use_fake_reader ("hang");
  async_state_init (&state);
  start = g_get_monotonic_time ();
  g_timeout_add (200, cancel_soon, cancellable);
  cusp_study_load_async (f->study, NULL, cancellable, NULL, NULL, NULL, on_done, &state);
  g_main_loop_run (state.loop);
  volume = cusp_study_load_finish (state.result, &error);
  g_assert_null (volume);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat ((g_get_monotonic_time () - start) / 1e6, <, 5.0);
  g_clear_object (&state.result);
  g_main_loop_unref (state.loop);
}

static void
on_scanned (GObject *source, GAsyncResult *result, gpointer user_data)
{
  on_done (source, result, user_data);
}

static void
test_async_scan (Fixture *f, gconstpointer data)
{
  AsyncState state;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) series = NULL;
  const CuspSeriesInfo *info;

  async_state_init (&state);
  cusp_study_scan_async (f->dir, NULL, on_scanned, &state);
  g_main_loop_run (state.loop);
  series = cusp_study_scan_finish (state.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (series->len, ==, 1);
  info = series->pdata[0];
  g_assert_cmpint (info->dims[0], ==, 64);
  g_assert_cmpint (info->dims[1], ==, 48);
  g_assert_cmpint (info->dims[2], ==, 40);
  g_assert_cmpint (info->file_count, ==, 40);
  g_assert_cmpstr (info->modality, ==, "CT");
  g_clear_object (&state.result);
  g_main_loop_unref (state.loop);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) g_test_add ("/io/loader/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("crash", test_crash);
  ADD ("killed-is-out-of-memory", test_killed_is_out_of_memory);
  ADD ("hang-times-out", test_hang_times_out);
  ADD ("memory-limit", test_memory_limit);
  ADD ("real-reader-memory-limit", test_real_reader_memory_limit);
  ADD ("garbage-reply", test_garbage);
  ADD ("silent-reply", test_silent);
  ADD ("missing-reader", test_missing_reader);
  ADD ("real-gdcm-crash", test_real_crash);
  ADD ("async-progress", test_async_progress);
  ADD ("async-cancel", test_async_cancel);
  ADD ("async-scan", test_async_scan);
#undef ADD
  return g_test_run ();
}
