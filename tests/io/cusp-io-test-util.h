/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-io-test-util.h: small helpers shared by the image I/O tests (header-only). */
#pragma once

#include "cusp-error.h"
#include "cusp-image-io.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

/* $CUSP_SHARED_DATA/<relative>, or NULL after g_test_skip when the shared data is absent. */
static inline char *
cusp_test_shared_path (const char *relative)
{
  const char *root = g_getenv ("CUSP_SHARED_DATA");
  char *path;

  if (root == NULL || !g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the shared data folder ($CUSP_SHARED_DATA, ../shared/data) is absent");
      return NULL;
    }
  path = g_build_filename (root, relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *message = g_strdup_printf ("%s is absent from the shared data", relative);
      g_test_skip (message);
      g_free (path);
      return NULL;
    }
  return path;
}

/* An odd-sized int16 volume with an oblique direction (a rotation with entries k/9), non-unit
 * spacing and a value pattern that covers negative numbers and both int16 extremes. */
static inline CuspVolume *
cusp_test_oblique_volume (const int dims[3])
{
  static const double rotation[9] = { 1.0 / 9, -4.0 / 9, 8.0 / 9,
                                      8.0 / 9, 4.0 / 9, 1.0 / 9,
                                      -4.0 / 9, 7.0 / 9, 4.0 / 9 };
  g_autoptr(GError) error = NULL;
  CuspVolume *volume = cusp_volume_new (CUSP_VOXEL_INT16, dims, &error);
  int16_t *v;
  gsize n;

  g_assert_no_error (error);
  v = volume->voxels;
  n = cusp_volume_voxel_count (volume);
  for (gsize i = 0; i < n; i++)
    v[i] = (int16_t) ((int) ((i * 7919u) % 4001u) - 1024);
  v[0] = G_MININT16;
  v[n - 1] = G_MAXINT16;
  volume->spacing_mm[0] = 0.625;
  volume->spacing_mm[1] = 1.375;
  volume->spacing_mm[2] = 2.5;
  volume->origin_mm[0] = -120.5;
  volume->origin_mm[1] = 33.25;
  volume->origin_mm[2] = 17.125;
  memcpy (volume->direction, rotation, sizeof rotation);
  volume->modality = CUSP_MODALITY_CT;
  volume->hounsfield = TRUE;
  return volume;
}

/* Removes a temporary folder and the files directly in it (tests write no deeper trees
 * except where they remove them themselves). */
static inline void
cusp_test_remove_tree (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        cusp_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_dir_close (d);
  g_rmdir (dir);
}

/* `data` as one gzip member. */
static inline GBytes *
cusp_test_gzip (const void *data, gsize size)
{
  g_autoptr(GZlibCompressor) gzip = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GInputStream) plain = g_memory_input_stream_new_from_data (data, (gssize) size, NULL);
  g_autoptr(GInputStream) packed = g_converter_input_stream_new (plain, G_CONVERTER (gzip));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_output_stream_splice (out, packed, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}
