/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-device-dirs.c: the device library's folders, in the order they are read. */
#include "cusp-config.h"
#include "cusp-device-dirs.h"

GStrv
cusp_device_dirs (void)
{
  g_autoptr(GStrvBuilder) dirs = g_strv_builder_new ();
  g_autofree char *source = g_build_filename (CUSP_SOURCE_DATADIR, "devices", NULL);
  g_autofree char *installed = g_build_filename (CUSP_DATADIR, "devices", NULL);
  g_autofree char *user = g_build_filename (g_get_user_data_dir (), "cusp", "devices", NULL);

  g_strv_builder_add (dirs, g_file_test (source, G_FILE_TEST_IS_DIR) ? source : installed);
  /* the user folder is optional: only one that exists is read */
  if (g_file_test (user, G_FILE_TEST_IS_DIR))
    g_strv_builder_add (dirs, user);
  return g_strv_builder_end (dirs);
}
