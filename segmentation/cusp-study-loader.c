/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-study-loader.c: run the isolated reader process, watch it (time limit, memory limit,
 * cancellation), relay its progress and turn its reply into a volume or a series list.
 * The protocol is described in cusp-reader-protocol.h; the limits in cusp-study-loader.h. */
#define _GNU_SOURCE
#include "cusp-config.h"
#include "cusp-error.h"
#include "cusp-reader-protocol.h"
#include "cusp-study-loader.h"

#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define STDERR_TAIL_BYTES 4096
#define TIMEOUT_BASE_S 60.0
#define TIMEOUT_BYTES_PER_S 5e6          /* slowest expected decoding: JPEG 2000 on one core */
#define MEMORY_BASE_BYTES ((guint64) 4 << 30)
#define MEMORY_INPUT_FACTOR 8            /* compressed input expands; ITK may hold two copies */

typedef struct {
  char *path;
  char *series_uid;
  gboolean scan;

  /* Progress, delivered on `context` by one coalesced idle source. */
  GTask *task;                           /* not a reference: the task owns this job */
  GMainContext *context;
  CuspProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_notify;
  GMutex lock;
  double fraction;
  char *message;
  gboolean idle_pending;
  gboolean finished;
} Job;

/* What the reader said, parsed line by line. */
typedef struct {
  GString *pending;                      /* stdout bytes not yet ending in '\n' */
  GString *stderr_tail;                  /* the last bytes of stderr, to explain a crash */
  GPtrArray *series;                     /* (element-type CuspSeriesInfo) */
  GPtrArray *warnings;
  char *description;
  gboolean have_volume, have_geometry, done, malformed;
  CuspVoxelType voxel_type;
  int dims[3];
  CuspModality modality;
  gboolean hounsfield, orientation_known;
  double spacing_mm[3], origin_mm[3], direction[9];
  int error_code;
  char *error_message;
} Reply;

typedef struct {
  rlim_t address_space_bytes;            /* 0: no limit */
} ChildLimits;

typedef struct {
  GDestroyNotify notify;
  gpointer data;
} Notify;

static gboolean
run_notify (gpointer user_data)
{
  Notify *n = user_data;

  n->notify (n->data);
  g_free (n);
  return G_SOURCE_REMOVE;
}

static void
job_free (gpointer data)
{
  Job *job = data;

  /* The last reference may drop on the worker thread: free the caller's data on its context. */
  if (job->progress_notify && job->context)
    {
      Notify *n = g_new (Notify, 1);
      n->notify = job->progress_notify;
      n->data = job->progress_data;
      g_main_context_invoke (job->context, run_notify, n);
    }
  else if (job->progress_notify)
    job->progress_notify (job->progress_data);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_mutex_clear (&job->lock);
  g_free (job->message);
  g_free (job->path);
  g_free (job->series_uid);
  g_free (job);
}

static Job *
job_new (const char *path, const char *series_uid, gboolean scan)
{
  Job *job = g_new0 (Job, 1);

  job->path = g_strdup (path);
  job->series_uid = g_strdup (series_uid);
  job->scan = scan;
  g_mutex_init (&job->lock);
  return job;
}

static gboolean
deliver_progress (gpointer data)
{
  GTask *task = data;
  Job *job = g_task_get_task_data (task);
  g_autofree char *message = NULL;
  double fraction;
  gboolean finished;

  g_mutex_lock (&job->lock);
  fraction = job->fraction;
  message = g_steal_pointer (&job->message);
  job->idle_pending = FALSE;
  finished = job->finished;
  g_mutex_unlock (&job->lock);

  /* After the result is out, a late progress value would only confuse the caller. */
  if (!finished && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    job->progress (fraction, message ? message : "", job->progress_data);
  return G_SOURCE_REMOVE;
}

/* Called from the worker thread: keep the newest value, schedule at most one idle. */
static void
job_set_progress (Job *job, double fraction, const char *message)
{
  if (job->progress == NULL || job->task == NULL)
    return;
  g_mutex_lock (&job->lock);
  job->fraction = fraction;
  g_free (job->message);
  job->message = g_strdup (message);
  if (!job->idle_pending)
    {
      GSource *source = g_idle_source_new ();

      job->idle_pending = TRUE;
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, deliver_progress, g_object_ref (job->task), g_object_unref);
      g_source_set_static_name (source, "[cusp] load progress");
      g_source_attach (source, job->context);
      g_source_unref (source);
    }
  g_mutex_unlock (&job->lock);
}

static void
job_mark_finished (Job *job)
{
  g_mutex_lock (&job->lock);
  job->finished = TRUE;
  g_mutex_unlock (&job->lock);
}

static void
reply_clear (Reply *reply)
{
  g_string_free (reply->pending, TRUE);
  g_string_free (reply->stderr_tail, TRUE);
  g_ptr_array_unref (reply->series);
  g_ptr_array_unref (reply->warnings);
  g_free (reply->description);
  g_free (reply->error_message);
}

static gboolean
parse_numbers (const char *text, double *out, int count)
{
  const char *p = text;

  for (int i = 0; i < count; i++)
    {
      char *end = NULL;
      out[i] = g_ascii_strtod (p, &end);
      if (end == p || !isfinite (out[i]))
        return FALSE;
      p = end;
    }
  return *p == '\0';
}

static gboolean
parse_int (const char *text, int *out)
{
  gint64 v;

  if (!g_ascii_string_to_signed (text, 10, G_MININT, G_MAXINT, &v, NULL))
    return FALSE;
  *out = (int) v;
  return TRUE;
}

static CuspModality
modality_from_string (const char *text)
{
  if (g_strcmp0 (text, "CT") == 0)
    return CUSP_MODALITY_CT;
  if (g_strcmp0 (text, "MR") == 0)
    return CUSP_MODALITY_MR;
  return CUSP_MODALITY_OTHER;
}

static void
reply_handle_line (Reply *reply, Job *job, char *line)
{
  g_auto(GStrv) f = g_strsplit (line, "\t", -1);
  guint n = g_strv_length (f);
  const char *tag = n > 0 ? f[0] : "";

  if (strcmp (tag, CUSP_READER_TAG_PROGRESS) == 0 && n >= 3)
    {
      double fraction = g_ascii_strtod (f[1], NULL);
      if (isfinite (fraction))
        job_set_progress (job, CLAMP (fraction, 0.0, 1.0), f[2]);
    }
  else if (strcmp (tag, CUSP_READER_TAG_SERIES) == 0 && n == 8)
    {
      CuspSeriesInfo *info = g_new0 (CuspSeriesInfo, 1);
      gboolean ok = parse_int (f[3], &info->dims[0]) && parse_int (f[4], &info->dims[1]) &&
                    parse_int (f[5], &info->dims[2]) && parse_int (f[6], &info->file_count);
      info->uid = g_strdup (f[1]);
      info->modality = g_strdup (f[2]);
      info->description = g_strdup (f[7]);
      g_ptr_array_add (reply->series, info);
      reply->malformed |= !ok;
    }
  else if (strcmp (tag, CUSP_READER_TAG_VOLUME) == 0 && n == 8)
    {
      int hounsfield = 0, orientation = 0;
      gboolean ok = parse_int (f[2], &reply->dims[0]) && parse_int (f[3], &reply->dims[1]) &&
                    parse_int (f[4], &reply->dims[2]) && parse_int (f[6], &hounsfield) &&
                    parse_int (f[7], &orientation) &&
                    (strcmp (f[1], "int16") == 0 || strcmp (f[1], "float32") == 0);
      reply->voxel_type = strcmp (f[1], "int16") == 0 ? CUSP_VOXEL_INT16 : CUSP_VOXEL_FLOAT32;
      reply->modality = modality_from_string (f[5]);
      reply->hounsfield = hounsfield != 0;
      reply->orientation_known = orientation != 0;
      reply->have_volume = ok;
      reply->malformed |= !ok;
    }
  else if (strcmp (tag, CUSP_READER_TAG_GEOMETRY) == 0 && n == 4)
    {
      gboolean ok = parse_numbers (f[1], reply->spacing_mm, 3) && parse_numbers (f[2], reply->origin_mm, 3) &&
                    parse_numbers (f[3], reply->direction, 9);
      for (int a = 0; a < 3; a++)
        ok = ok && reply->spacing_mm[a] > 0.0;
      reply->have_geometry = ok;
      reply->malformed |= !ok;
    }
  else if (strcmp (tag, CUSP_READER_TAG_DESCRIPTION) == 0 && n == 2)
    {
      g_free (reply->description);
      reply->description = g_strdup (f[1]);
    }
  else if (strcmp (tag, CUSP_READER_TAG_WARNING) == 0 && n == 2)
    g_ptr_array_add (reply->warnings, g_strdup (f[1]));
  else if (strcmp (tag, CUSP_READER_TAG_ERROR) == 0 && n == 3)
    {
      if (!parse_int (f[1], &reply->error_code) || reply->error_code < 0 ||
          reply->error_code > CUSP_ERROR_OUT_OF_MEMORY)
        reply->error_code = CUSP_ERROR_FAILED;
      g_free (reply->error_message);
      reply->error_message = g_strdup (f[2]);
    }
  else if (strcmp (tag, CUSP_READER_TAG_DONE) == 0)
    reply->done = TRUE;
  else if (*line != '\0')
    reply->malformed = TRUE;
}

static void
reply_feed_stdout (Reply *reply, Job *job, const char *data, gsize size)
{
  char *newline;

  g_string_append_len (reply->pending, data, size);
  while ((newline = memchr (reply->pending->str, '\n', reply->pending->len)) != NULL)
    {
      *newline = '\0';
      reply_handle_line (reply, job, reply->pending->str);
      g_string_erase (reply->pending, 0, newline - reply->pending->str + 1);
    }
  /* A reader that never ends its line is not speaking the protocol. */
  if (reply->pending->len > 1 << 20)
    {
      reply->malformed = TRUE;
      g_string_truncate (reply->pending, 0);
    }
}

static void
reply_feed_stderr (Reply *reply, const char *data, gsize size)
{
  g_string_append_len (reply->stderr_tail, data, size);
  if (reply->stderr_tail->len > STDERR_TAIL_BYTES)
    g_string_erase (reply->stderr_tail, 0, reply->stderr_tail->len - STDERR_TAIL_BYTES);
}

/* The last non-empty stderr line, shortened: often the assert that killed the reader. */
static char *
reply_last_stderr_line (Reply *reply)
{
  g_auto(GStrv) lines = g_strsplit (reply->stderr_tail->str, "\n", -1);
  for (int i = (int) g_strv_length (lines) - 1; i >= 0; i--)
    {
      char *line = g_strstrip (lines[i]);
      if (*line != '\0')
        {
          if (!g_utf8_validate (line, -1, NULL))
            return NULL;
          if (g_utf8_strlen (line, -1) > 160)
            *g_utf8_offset_to_pointer (line, 160) = '\0';
          return g_strdup (line);
        }
    }
  return NULL;
}

static char *
find_reader (void)
{
  const char *env = g_getenv ("CUSP_READER");
  g_autofree char *built = g_build_filename (CUSP_BUILD_LIBEXECDIR, "cusp-reader", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&built);
  return g_build_filename (CUSP_LIBEXECDIR, "cusp-reader", NULL);
}

static guint64
input_bytes (const char *path, int depth)
{
  GStatBuf st;
  guint64 total = 0;
  GDir *dir;
  const char *name;

  if (g_stat (path, &st) != 0)
    return 0;
  if (!S_ISDIR (st.st_mode))
    return (guint64) st.st_size;
  if (depth > 16 || (dir = g_dir_open (path, 0, NULL)) == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      total += input_bytes (child, depth + 1);
    }
  g_dir_close (dir);
  return total;
}

static double
env_double (const char *name, double fallback)
{
  const char *text = g_getenv (name);
  double value;

  if (text == NULL || *text == '\0')
    return fallback;
  value = g_ascii_strtod (text, NULL);
  return isfinite (value) && value > 0.0 ? value : fallback;
}

static rlim_t
memory_limit_bytes (guint64 input)
{
#if defined(__SANITIZE_ADDRESS__)
  /* AddressSanitizer reserves terabytes of shadow address space: no limit can apply. */
  (void) input;
  return 0;
#else
  double override_mb = env_double ("CUSP_READER_MEMORY_LIMIT_MB", 0.0);
  guint64 ram = (guint64) sysconf (_SC_PHYS_PAGES) * (guint64) sysconf (_SC_PAGESIZE);
  guint64 limit;

  if (override_mb > 0.0)
    return (rlim_t) (override_mb * 1024.0 * 1024.0);
  limit = MEMORY_BASE_BYTES + MEMORY_INPUT_FACTOR * input;
  if (ram > MEMORY_BASE_BYTES && limit > ram)
    limit = ram;
  return (rlim_t) limit;
#endif
}

/* Runs in the forked child before exec: async-signal-safe calls only. */
static void
child_setup (gpointer data)
{
  const ChildLimits *limits = data;
  struct rlimit none = { 0, 0 };

  setrlimit (RLIMIT_CORE, &none);     /* a GDCM assert must not leave core files behind */
  if (limits->address_space_bytes > 0)
    {
      struct rlimit as = { limits->address_space_bytes, limits->address_space_bytes };
      setrlimit (RLIMIT_AS, &as);
    }
}

static int
create_voxel_file (GError **error)
{
  int fd = memfd_create ("cusp-voxels", MFD_CLOEXEC);

  if (fd < 0)
    {
      /* No memfd (old kernel, seccomp): an unlinked temporary file does the same job. */
      g_autofree char *name = NULL;
      fd = g_file_open_tmp ("cusp-voxels-XXXXXX", &name, error);
      if (fd < 0)
        {
          g_prefix_error (error, "Could not create space for the voxels: ");
          return -1;
        }
      g_unlink (name);
    }
  return fd;
}

typedef struct {
  void *address;
  gsize size;
} Mapping;

static void
mapping_free (gpointer data)
{
  Mapping *mapping = data;

  munmap (mapping->address, mapping->size);
  g_free (mapping);
}

static CuspVolume *
volume_from_reply (Reply *reply, int voxel_fd, const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  CuspVolume *volume;
  gsize expected = cusp_voxel_type_size (reply->voxel_type);
  struct stat st;
  Mapping *mapping;

  for (int a = 0; a < 3; a++)
    if (reply->dims[a] <= 0 || !g_size_checked_mul (&expected, expected, (gsize) reply->dims[a]))
      {
        g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "The image reader reported an impossible size for “%s”",
                     path);
        return NULL;
      }
  if (fstat (voxel_fd, &st) != 0 || (guint64) st.st_size != (guint64) expected)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                   "The image reader handed back %" G_GUINT64_FORMAT " bytes of voxels for “%s” instead of %"
                   G_GSIZE_FORMAT, (guint64) st.st_size, path, expected);
      return NULL;
    }
  mapping = g_new0 (Mapping, 1);
  mapping->size = expected;
  /* Private and writable: pages are shared with the file until someone writes, so a consumer
   * that breaks the "immutable once shared" rule gets a private copy instead of a crash. */
  mapping->address = mmap (NULL, expected, PROT_READ | PROT_WRITE, MAP_PRIVATE, voxel_fd, 0);
  if (mapping->address == MAP_FAILED)
    {
      int saved = errno;
      g_free (mapping);
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_OUT_OF_MEMORY, "Could not map the voxels of “%s”: %s", path,
                   g_strerror (saved));
      return NULL;
    }
  bytes = g_bytes_new_with_free_func (mapping->address, expected, mapping_free, mapping);
  volume = cusp_volume_new_for_bytes (reply->voxel_type, reply->dims, bytes, error);
  if (volume == NULL)
    return NULL;
  memcpy (volume->spacing_mm, reply->spacing_mm, sizeof volume->spacing_mm);
  memcpy (volume->origin_mm, reply->origin_mm, sizeof volume->origin_mm);
  memcpy (volume->direction, reply->direction, sizeof volume->direction);
  volume->modality = reply->modality;
  volume->hounsfield = reply->hounsfield;
  volume->orientation_known = reply->orientation_known;
  volume->description = g_strdup (reply->description);
  for (guint i = 0; i < reply->warnings->len; i++)
    cusp_volume_add_warning (volume, "%s", (const char *) reply->warnings->pdata[i]);
  return volume;
}

static void
on_waited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *waited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *waited = TRUE;
}

static gboolean
on_expired (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Reaps the reader; kills it if it is still alive after `remaining_ms`. Returns TRUE when it
 * had to be killed. */
static gboolean
reap (GSubprocess *process, gint64 remaining_ms)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  gboolean waited = FALSE, expired = FALSE;
  GSource *timer;

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (process, NULL, on_waited, &waited);
  timer = g_timeout_source_new ((guint) CLAMP (remaining_ms, 0, G_MAXUINT));
  g_source_set_callback (timer, on_expired, &expired, NULL);
  g_source_attach (timer, context);
  while (!waited && !expired)
    g_main_context_iteration (context, TRUE);
  if (!waited)
    {
      g_subprocess_force_exit (process);
      while (!waited)
        g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (timer);
  g_source_unref (timer);
  g_main_context_pop_thread_default (context);
  return expired;
}

static gboolean
read_some (int fd, Reply *reply, Job *job, gboolean is_stdout)
{
  char buffer[65536];
  ssize_t n = read (fd, buffer, sizeof buffer);

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return TRUE;
  if (n <= 0)
    return FALSE;
  if (is_stdout)
    reply_feed_stdout (reply, job, buffer, (gsize) n);
  else
    reply_feed_stderr (reply, buffer, (gsize) n);
  return TRUE;
}

/* Spawns the reader, relays its output until it exits, and checks how it ended. On success the
 * reply is complete; `voxel_fd` (or -1 for a scan) holds the voxels. */
static gboolean
run_reader (Job *job, int voxel_fd, Reply *reply, GCancellable *cancellable, GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *reader = find_reader ();
  guint64 input = input_bytes (job->path, 0);
  double timeout_s = env_double ("CUSP_READER_TIMEOUT_S", TIMEOUT_BASE_S + (double) input / TIMEOUT_BYTES_PER_S);
  ChildLimits *limits = g_new0 (ChildLimits, 1);
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  gboolean out_open = TRUE, err_open = TRUE, cancelled = FALSE, timed_out = FALSE;
  GPollFD cancel_fd = { -1, 0, 0 };
  gboolean have_cancel_fd;
  int out_fd, err_fd;
  rlim_t as_limit;

  limits->address_space_bytes = memory_limit_bytes (input);
  as_limit = limits->address_space_bytes;
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, limits, g_free);
  /* Fewer malloc arenas keep the address space (what RLIMIT_AS counts) near what is used. */
  g_subprocess_launcher_setenv (launcher, "MALLOC_ARENA_MAX", "2", TRUE);
  if (voxel_fd >= 0)
    {
      int copy = dup (voxel_fd);
      if (copy < 0)
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "Could not pass the voxel file to the reader: %s",
                       g_strerror (errno));
          return FALSE;
        }
      g_subprocess_launcher_take_fd (launcher, copy, CUSP_READER_VOXELS_FD);
    }

  g_ptr_array_add (argv, reader);
  g_ptr_array_add (argv, job->scan ? "scan" : "read");
  if (job->series_uid != NULL && !job->scan)
    {
      g_ptr_array_add (argv, "--series");
      g_ptr_array_add (argv, job->series_uid);
    }
  g_ptr_array_add (argv, "--");
  g_ptr_array_add (argv, job->path);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
  if (process == NULL)
    {
      g_prefix_error (error, "Could not start the image reader %s: ", reader);
      if (error && *error)
        {
          (*error)->domain = CUSP_ERROR;
          (*error)->code = CUSP_ERROR_FAILED;
        }
      return FALSE;
    }
  out_fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stdout_pipe (process)));
  err_fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stderr_pipe (process)));
  have_cancel_fd = g_cancellable_make_pollfd (cancellable, &cancel_fd);

  while (out_open || err_open)
    {
      struct pollfd fds[3];
      nfds_t count = 0;
      int out_index = -1, err_index = -1, cancel_index = -1;
      gint64 now = g_get_monotonic_time ();

      if (g_cancellable_is_cancelled (cancellable))
        {
          cancelled = TRUE;
          break;
        }
      if (now >= deadline)
        {
          timed_out = TRUE;
          break;
        }
      if (out_open)
        {
          out_index = (int) count;
          fds[count++] = (struct pollfd) { out_fd, POLLIN, 0 };
        }
      if (err_open)
        {
          err_index = (int) count;
          fds[count++] = (struct pollfd) { err_fd, POLLIN, 0 };
        }
      if (have_cancel_fd)
        {
          cancel_index = (int) count;
          fds[count++] = (struct pollfd) { cancel_fd.fd, POLLIN, 0 };
        }
      if (poll (fds, count, (int) MIN ((deadline - now) / 1000 + 1, 1000)) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (cancel_index >= 0 && fds[cancel_index].revents != 0)
        continue;                              /* noticed at the top of the loop */
      if (out_index >= 0 && fds[out_index].revents != 0)
        out_open = read_some (out_fd, reply, job, TRUE);
      if (err_index >= 0 && fds[err_index].revents != 0)
        err_open = read_some (err_fd, reply, job, FALSE);
      if (reply->done || reply->error_message != NULL)
        break;
    }
  if (have_cancel_fd)
    g_cancellable_release_fd (cancellable);

  /* The reply is complete (the voxels were in the file before "done"): do not wait for the
   * reader to tear down its mappings and libraries. Closing the pipes means it cannot block on
   * them; GSubprocess reaps it in the background. */
  if (!cancelled && !timed_out && (reply->done || reply->error_message != NULL))
    {
      g_input_stream_close (g_subprocess_get_stdout_pipe (process), NULL, NULL);
      g_input_stream_close (g_subprocess_get_stderr_pipe (process), NULL, NULL);
      if (reply->error_message != NULL)
        {
          g_set_error_literal (error, CUSP_ERROR, reply->error_code, reply->error_message);
          return FALSE;
        }
      if (reply->malformed)
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_READER_CRASHED,
                       "The image reader sent a malformed reply reading “%s”", job->path);
          return FALSE;
        }
      return TRUE;
    }

  if (cancelled || timed_out)
    {
      g_subprocess_force_exit (process);
      reap (process, G_MAXINT);
    }
  else if (reap (process, MAX ((deadline - g_get_monotonic_time ()) / 1000, 0)))
    timed_out = TRUE;

  if (cancelled)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Loading “%s” was cancelled", job->path);
      return FALSE;
    }
  if (timed_out)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_TIMED_OUT,
                   "Reading “%s” took longer than %.0f s, so the image reader was stopped; the file may be "
                   "malformed (set CUSP_READER_TIMEOUT_S to allow longer)", job->path, timeout_s);
      return FALSE;
    }

  if (g_subprocess_get_if_signaled (process))
    {
      int sig = g_subprocess_get_term_sig (process);
      g_autofree char *said = reply_last_stderr_line (reply);
      gboolean oom = sig == SIGKILL || (said && (strstr (said, "failed to allocate") || strstr (said, "bad_alloc")));

      if (oom && as_limit > 0)
        g_set_error (error, CUSP_ERROR, CUSP_ERROR_OUT_OF_MEMORY,
                     "The image reader ran out of memory reading “%s” (limit %.1f GB); the file may claim an "
                     "impossible size", job->path, as_limit / 1e9);
      else if (oom)
        g_set_error (error, CUSP_ERROR, CUSP_ERROR_OUT_OF_MEMORY,
                     "The image reader ran out of memory reading “%s”; the file may claim an impossible size",
                     job->path);
      else
        g_set_error (error, CUSP_ERROR, CUSP_ERROR_READER_CRASHED,
                     "The image reader crashed (%s) reading “%s”: the file is probably malformed or uses a "
                     "feature the DICOM library cannot handle%s%s", g_strsignal (sig), job->path,
                     said ? "; last message: " : "", said ? said : "");
      return FALSE;
    }
  if (reply->error_message != NULL)
    {
      g_set_error_literal (error, CUSP_ERROR, reply->error_code, reply->error_message);
      return FALSE;
    }
  if (!reply->done || reply->malformed || g_subprocess_get_exit_status (process) != 0)
    {
      g_autofree char *said = reply_last_stderr_line (reply);
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_READER_CRASHED,
                   "The image reader stopped unexpectedly (exit status %d) reading “%s”%s%s",
                   g_subprocess_get_exit_status (process), job->path, said ? "; last message: " : "",
                   said ? said : "");
      return FALSE;
    }
  return TRUE;
}

static gpointer
run_job (Job *job, GCancellable *cancellable, GError **error)
{
  Reply reply = { 0 };
  gpointer result = NULL;
  int voxel_fd = -1;

  reply.pending = g_string_new (NULL);
  reply.stderr_tail = g_string_new (NULL);
  reply.series = g_ptr_array_new_with_free_func ((GDestroyNotify) cusp_series_info_free);
  reply.warnings = g_ptr_array_new_with_free_func (g_free);

  if (!job->scan && (voxel_fd = create_voxel_file (error)) < 0)
    goto out;
  if (!run_reader (job, voxel_fd, &reply, cancellable, error))
    goto out;
  if (job->scan)
    {
      if (reply.series->len == 0)
        g_set_error (error, CUSP_ERROR, CUSP_ERROR_NOT_FOUND, "No image series in “%s”", job->path);
      else
        result = g_ptr_array_ref (reply.series);
    }
  else if (!reply.have_volume || !reply.have_geometry)
    g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "The image reader gave no volume for “%s”", job->path);
  else
    result = volume_from_reply (&reply, voxel_fd, job->path, error);

out:
  if (voxel_fd >= 0)
    close (voxel_fd);
  reply_clear (&reply);
  return result;
}

static void
job_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  gpointer result = run_job (job, cancellable, &error);

  job_mark_finished (job);
  if (result == NULL)
    g_task_return_error (task, error);
  else if (job->scan)
    g_task_return_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) cusp_volume_unref);
}

static void
start_job (Job *job, gpointer source_tag, GCancellable *cancellable, GAsyncReadyCallback callback,
           gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, job->scan ? "[cusp] scan study" : "[cusp] load study");
  job->task = task;
  job->context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, job_thread);
}

void
cusp_study_scan_async (const char *path, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (path != NULL);
  start_job (job_new (path, NULL, TRUE), cusp_study_scan_async, cancellable, callback, user_data);
}

GPtrArray *
cusp_study_scan_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cusp_study_scan_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The blocking variants run the same job in the calling thread, without progress. */
static gpointer
run_job_here (Job *job, GCancellable *cancellable, GError **error)
{
  gpointer result = run_job (job, cancellable, error);

  job_free (job);
  return result;
}

GPtrArray *
cusp_study_scan_sync (const char *path, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return run_job_here (job_new (path, NULL, TRUE), cancellable, error);
}

void
cusp_study_load_async (const char          *path,
                       const char          *series_uid,
                       GCancellable        *cancellable,
                       CuspProgressFunc     progress,
                       gpointer             progress_data,
                       GDestroyNotify       progress_notify,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  Job *job;

  g_return_if_fail (path != NULL);
  job = job_new (path, series_uid, FALSE);
  job->progress = progress;
  job->progress_data = progress_data;
  job->progress_notify = progress_notify;
  start_job (job, cusp_study_load_async, cancellable, callback, user_data);
}

CuspVolume *
cusp_study_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cusp_study_load_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

CuspVolume *
cusp_study_load_sync (const char *path, const char *series_uid, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return run_job_here (job_new (path, series_uid, FALSE), cancellable, error);
}
