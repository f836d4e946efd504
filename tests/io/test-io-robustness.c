/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-io-robustness.c: every file in ../shared/data/dicom-robustness, given to `cusp-cli info
 * --json`, ends in exit 0 with the documented JSON or exit 2 with one readable line on stderr,
 * never in a signal. The files GDCM is known to kill its process on must come back as exit 2.
 * The reader's time limit is shortened (CUSP_READER_TIMEOUT_S=20) so the walk stays short. */
#include "cusp-io-test-util.h"

#include <json-glib/json-glib.h>
#include <sys/wait.h>

/* From itk-5.2.1-read-results.txt: SIGSEGV/SIGABRT inside GDCM when read in process. */
static const char *const known_killers[] = {
  "orthanc_tests/2026-05-06-Deeply-Nested-Sequence.dcm",
  "orthanc_tests/2026-05-26-oob-monochrome-46341.dcm",
  "orthanc_tests/2026-05-26-oob-monochrome-65535.dcm",
  "pydicom_data_github/liver_j2k.dcm",
  "pydicom_data_github/liver_rle.dcm",
  "pydicom_debian_test_files/rtdose_1frame.dcm",
  "pydicom_debian_test_files/rtdose_expb_1frame.dcm",
  "pydicom_debian_test_files/rtdose_rle_1frame.dcm",
};

static void
collect (const char *dir, GPtrArray *files)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      char *child = g_build_filename (dir, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          collect (child, files);
          g_free (child);
        }
      else
        g_ptr_array_add (files, child);
    }
  g_dir_close (d);
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
assert_valid_json (const char *out, const char *file)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  if (!json_parser_load_from_data (parser, out, -1, &error))
    g_error ("%s: output is not JSON: %s", file, error->message);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_nonnull (root);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "dims")), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "spacing_mm")), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "direction")), ==, 9);
  g_assert_true (json_object_has_member (root, "hounsfield"));
  g_assert_true (json_object_has_member (root, "warnings"));
}

static void
test_walk (void)
{
  g_autofree char *root = cusp_test_shared_path ("dicom-robustness");
  g_autofree char *cli = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) envp = NULL;
  int loaded = 0, refused = 0;

  if (root == NULL)
    return;
  cli = g_build_filename (g_getenv ("CUSP_BUILD_ROOT"), "cusp-cli", NULL);
  envp = g_environ_setenv (g_get_environ (), "CUSP_READER_TIMEOUT_S", "20", TRUE);
  collect (root, files);
  g_ptr_array_sort (files, compare_paths);
  g_assert_cmpuint (files->len, >, 100);

  for (guint i = 0; i < files->len; i++)
    {
      const char *file = files->pdata[i];
      const char *argv[] = { cli, "info", file, "--json", NULL };
      g_autofree char *out = NULL, *err = NULL;
      g_autoptr(GError) error = NULL;
      int status = -1;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                                   &error));
      if (!WIFEXITED (status))
        g_error ("%s: cusp-cli died from signal %d", file, WTERMSIG (status));
      if (WEXITSTATUS (status) == 0)
        {
          assert_valid_json (out, file);
          loaded++;
        }
      else
        {
          if (WEXITSTATUS (status) != 2)
            g_error ("%s: exit status %d", file, WEXITSTATUS (status));
          g_assert_true (g_str_has_prefix (err, "cusp-cli info: "));
          /* exactly one line */
          g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
          refused++;
          for (gsize k = 0; k < G_N_ELEMENTS (known_killers); k++)
            if (g_str_has_suffix (file, known_killers[k]))
              g_test_message ("%s -> %s", known_killers[k], err);
        }
      for (gsize k = 0; k < G_N_ELEMENTS (known_killers); k++)
        if (g_str_has_suffix (file, known_killers[k]))
          g_assert_cmpint (WEXITSTATUS (status), ==, 2);
    }
  g_test_message ("%u files: %d loaded, %d refused with a message", files->len, loaded, refused);
  g_assert_cmpint (loaded + refused, ==, (int) files->len);
  g_assert_cmpint (loaded, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/robustness/walk-all-files", test_walk);
  return g_test_run ();
}
