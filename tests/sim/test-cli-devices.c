/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli-devices.c: `cusp-cli devices` end to end — the JSON listing, a bad --dir (exit 2, one
 * line) and a folder with a malformed file (listed problems, good devices still there). */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

typedef struct {
  int exit_status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

static Run
run_cli (const char *arg1, const char *arg2, const char *arg3)
{
  const char *root = g_getenv ("CUSP_BUILD_ROOT");
  g_autofree char *cli = NULL;
  const char *argv[6];
  int argc = 0, wait_status = 0;
  Run run = { 0 };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = NULL;

  g_assert_nonnull (root);
  cli = g_build_filename (root, "cusp-cli", NULL);
  argv[argc++] = cli;
  argv[argc++] = "devices";
  if (arg1) argv[argc++] = arg1;
  if (arg2) argv[argc++] = arg2;
  if (arg3) argv[argc++] = arg3;
  argv[argc] = NULL;
  /* No user device folder: the listing must be the built-in library only, whoever runs the test. */
  envp = g_environ_setenv (g_get_environ (), "XDG_DATA_HOME", "/nonexistent/cusp-test-xdg", TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &run.out, &run.err,
                               &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run.exit_status = WEXITSTATUS (wait_status);
  return run;
}

static void
test_json (void)
{
  Run run = run_cli ("--json", NULL, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *devices;
  gboolean found = FALSE;

  g_assert_cmpint (run.exit_status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, run.out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  devices = json_object_get_array_member (root, "devices");
  g_assert_cmpuint (json_array_get_length (devices), ==, 12);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "problems")), ==, 0);
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *d = json_array_get_object_element (devices, i);
      if (strcmp (json_object_get_string_member (d, "id"), "sapien3-class-26") == 0)
        {
          JsonObject *sizing = json_object_get_object_member (d, "sizing");
          found = TRUE;
          g_assert_cmpfloat (json_object_get_double_member (d, "nominal_diameter_mm"), ==, 26.0);
          g_assert_cmpfloat (json_object_get_double_member (d, "strut_width_mm"), ==, 0.30);
          g_assert_cmpstr (json_object_get_string_member (d, "material"), ==, "cobalt_chromium");
          g_assert_cmpstr (json_object_get_string_member (sizing, "basis"), ==, "area");
          g_assert_cmpfloat (json_object_get_double_member (sizing, "min"), ==, 430.0);
        }
    }
  g_assert_true (found);
  /* Numbers are written shortest-exact, not 0.29999999999999999. */
  g_assert_nonnull (strstr (run.out, "\"strut_width_mm\":0.3,"));
  run_clear (&run);
}

static void
test_bad_dir (void)
{
  Run run = run_cli ("--dir", "/nonexistent/cusp-devices", NULL);

  g_assert_cmpint (run.exit_status, ==, 2);
  g_assert_true (g_str_has_prefix (run.err, "cusp-cli devices: "));
  g_assert_nonnull (strstr (run.err, "/nonexistent/cusp-devices"));
  {
    int lines = 0;
    for (const char *c = run.err; *c; c++)
      lines += *c == '\n';
    g_assert_cmpint (lines, ==, 1);
  }
  g_assert_cmpstr (run.out, ==, "");
  run_clear (&run);

  run = run_cli ("--bogus", NULL, NULL);
  g_assert_cmpint (run.exit_status, ==, 2);
  run_clear (&run);
}

static void
test_bad_file_in_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cusp-cli-devices-XXXXXX", &error);
  g_autofree char *bad = g_build_filename (dir, "broken.device", NULL);
  Run run;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (bad, "id = broken\nheight_mm = nan\n", -1, NULL));
  run = run_cli ("--dir", dir, NULL);
  g_assert_cmpint (run.exit_status, ==, 0);
  g_assert_nonnull (strstr (run.err, "broken.device:2: key 'height_mm'"));
  g_assert_nonnull (strstr (run.out, "sapien3-class-29"));
  run_clear (&run);

  run = run_cli ("--json", "--dir", dir);
  g_assert_cmpint (run.exit_status, ==, 0);
  g_assert_nonnull (strstr (run.out, "\"problems\":[{\"message\":"));
  g_assert_nonnull (strstr (run.out, "broken.device"));
  run_clear (&run);

  g_unlink (bad);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/cli/devices/json", test_json);
  g_test_add_func ("/sim/cli/devices/bad-dir", test_bad_dir);
  g_test_add_func ("/sim/cli/devices/bad-file-in-dir", test_bad_file_in_dir);
  return g_test_run ();
}
