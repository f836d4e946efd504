/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-reader-main.c: the isolated reader process. It parses one study with ITK/GDCM and hands
 * the result back over the protocol in cusp-reader-protocol.h. If GDCM crashes or hangs on a
 * malformed file, only this process dies; the parent turns that into an error message. */
#include "cusp-config.h"
#include "cusp-error.h"
#include "cusp-image-io-private.h"
#include "cusp-reader-protocol.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Progress lines are rate-limited: ITK reports per slice, the parent needs a few per second. */
typedef struct {
  gint64 last_us;
  double last_fraction;
} ProgressState;

/* Tabs and line breaks would break the line protocol: replace them. */
static char *
clean (const char *text)
{
  char *copy = g_strdup (text ? text : "");
  g_strdelimit (copy, "\t\r\n", ' ');
  return copy;
}

static void
emit (const char *tag, const char *fields)
{
  printf ("%s\t%s\n", tag, fields);
  fflush (stdout);
}

static void
on_progress (double fraction, const char *message, void *user_data)
{
  ProgressState *state = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *text = NULL;
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  if (now - state->last_us < 50000 && fraction - state->last_fraction < 0.05 && fraction < 1.0)
    return;
  state->last_us = now;
  state->last_fraction = fraction;
  text = clean (message);
  g_ascii_formatd (number, sizeof number, "%.4f", fraction);
  printf ("%s\t%s\t%s\n", CUSP_READER_TAG_PROGRESS, number, text);
  fflush (stdout);
}

static int
fail (const GError *error)
{
  g_autofree char *text = clean (error->message);
  int code = error->domain == CUSP_ERROR ? error->code : CUSP_ERROR_FAILED;

  printf ("%s\t%d\t%s\n", CUSP_READER_TAG_ERROR, code, text);
  fflush (stdout);
  return 1;
}

static void
append_numbers (GString *out, const double *values, int count)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (out, '\t');
  for (int i = 0; i < count; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, g_ascii_formatd (number, sizeof number, "%.17g", values[i]));
    }
}

static gboolean
write_all (int fd, const void *data, gsize size, GError **error)
{
  const guint8 *p = data;

  while (size > 0)
    {
      ssize_t n = write (fd, p, MIN (size, (gsize) 1 << 30));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          g_set_error (error, CUSP_ERROR, saved == ENOSPC || saved == ENOMEM ? CUSP_ERROR_OUT_OF_MEMORY
                                                                               : CUSP_ERROR_FAILED,
                       "Could not hand the voxels over: %s", g_strerror (saved));
          return FALSE;
        }
      p += n;
      size -= (gsize) n;
    }
  return TRUE;
}

/* The voxel file, mapped so that ITK decodes straight into it: no copy on the way out. */
typedef struct {
  int fd;
  void *address;
  gsize size;
} SharedVoxels;

static void
unmap_shared (gpointer data)
{
  SharedVoxels *shared = data;

  munmap (shared->address, shared->size);
  shared->address = NULL;
}

static void *
allocate_shared (gsize bytes, GDestroyNotify *free_func, gpointer *free_data, void *user_data)
{
  SharedVoxels *shared = user_data;
  void *address;

  if (shared->address != NULL || ftruncate (shared->fd, (off_t) bytes) != 0)
    return NULL;
  /* Populated up front: one batched allocation instead of a page fault per 4 KiB while decoding. */
  address = mmap (NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, shared->fd, 0);
  if (address == MAP_FAILED)
    {
      (void) ftruncate (shared->fd, 0);
      return NULL;
    }
  shared->address = address;
  shared->size = bytes;
  *free_func = unmap_shared;
  *free_data = shared;
  return address;
}

static int
run_read (const char *path, const char *series_uid, int voxels_fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  ProgressState state = { 0, -1.0 };
  SharedVoxels shared = { voxels_fd, NULL, 0 };

  volume = cusp_image_read_into (path, series_uid, on_progress, &state, allocate_shared, &shared, &error);
  if (volume == NULL)
    return fail (error);
  /* Voxels that needed converting live in private memory: copy them into the file. */
  if (shared.address == NULL || volume->voxels != shared.address)
    {
      if (ftruncate (voxels_fd, 0) != 0 || lseek (voxels_fd, 0, SEEK_SET) != 0 ||
          !write_all (voxels_fd, volume->voxels, cusp_volume_byte_count (volume), &error))
        {
          if (error == NULL)
            g_set_error (&error, CUSP_ERROR, CUSP_ERROR_FAILED, "Could not hand the voxels over: %s",
                         g_strerror (errno));
          return fail (error);
        }
    }

  g_string_printf (line, "%s\t%d\t%d\t%d\t%s\t%d\t%d", volume->voxel_type == CUSP_VOXEL_INT16 ? "int16" : "float32",
                   volume->dims[0], volume->dims[1], volume->dims[2], cusp_modality_to_string (volume->modality),
                   volume->hounsfield ? 1 : 0, volume->orientation_known ? 1 : 0);
  emit (CUSP_READER_TAG_VOLUME, line->str);

  g_string_truncate (line, 0);
  append_numbers (line, volume->spacing_mm, 3);
  append_numbers (line, volume->origin_mm, 3);
  append_numbers (line, volume->direction, 9);
  emit (CUSP_READER_TAG_GEOMETRY, line->str + 1);

  if (volume->description)
    {
      g_autofree char *text = clean (volume->description);
      emit (CUSP_READER_TAG_DESCRIPTION, text);
    }
  for (guint i = 0; i < volume->warnings->len; i++)
    {
      g_autofree char *text = clean (volume->warnings->pdata[i]);
      emit (CUSP_READER_TAG_WARNING, text);
    }
  printf ("%s\n", CUSP_READER_TAG_DONE);
  fflush (stdout);
  return 0;
}

static int
run_scan (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) series = cusp_image_scan_in_process (path, &error);

  if (series == NULL)
    return fail (error);
  for (guint i = 0; i < series->len; i++)
    {
      const CuspSeriesInfo *info = series->pdata[i];
      g_autofree char *uid = clean (info->uid);
      g_autofree char *modality = clean (info->modality);
      g_autofree char *description = clean (info->description);

      printf ("%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", CUSP_READER_TAG_SERIES, uid, modality, info->dims[0],
              info->dims[1], info->dims[2], info->file_count, description);
    }
  printf ("%s\n", CUSP_READER_TAG_DONE);
  fflush (stdout);
  return 0;
}

static int
usage (void)
{
  fprintf (stderr, "usage: cusp-reader read [--series UID] [--voxels-fd N] -- PATH\n"
                   "       cusp-reader scan -- PATH\n"
                   "(internal helper of Cusp; see cusp-reader-protocol.h)\n");
  return 2;
}

int
main (int argc, char **argv)
{
  const char *mode, *path = NULL, *series_uid = NULL;
  int voxels_fd = CUSP_READER_VOXELS_FD;

  setlocale (LC_ALL, "C");
  if (argc < 3)
    return usage ();
  mode = argv[1];
  for (int i = 2; i < argc; i++)
    {
      if (strcmp (argv[i], "--series") == 0 && i + 1 < argc)
        series_uid = argv[++i];
      else if (strcmp (argv[i], "--voxels-fd") == 0 && i + 1 < argc)
        voxels_fd = atoi (argv[++i]);
      else if (strcmp (argv[i], "--") == 0 && i + 1 < argc)
        {
          path = argv[++i];
          break;
        }
      else
        return usage ();
    }
  if (path == NULL)
    return usage ();
  if (strcmp (mode, "read") == 0)
    return run_read (path, series_uid, voxels_fd);
  if (strcmp (mode, "scan") == 0)
    return run_scan (path);
  return usage ();
}
