/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-phantom-cli.c: `cusp-cli phantom` writes an image and a truth that agree, `cusp-cli measure`
 * measures it from those landmarks; bad input exits 2 with one line. */
#include "cusp-image-io.h"
#include "cusp-phantom.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

static char *
cli_path (void)
{
  const char *root = g_getenv ("CUSP_BUILD_ROOT");
  return root ? g_build_filename (root, "cusp-cli", NULL) : NULL;
}

/* Runs `cusp-cli COMMAND args...` (NULL-terminated); returns the exit status. */
static int
run_command (const char *command, const char *const *args, char **out, char **err_out)
{
  g_autofree char *cli = cli_path ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, cli);
  g_ptr_array_add (argv, (char *) command);
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err_out, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static int
run_cli (const char *const *args, char **err_out)
{
  return run_command ("phantom", args, NULL, err_out);
}

static void
test_round_trip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cusp-phantom-XXXXXX", NULL);
  g_autofree char *nii = g_build_filename (dir, "root.nii.gz", NULL);
  g_autofree char *json = g_build_filename (dir, "root.json", NULL);
  g_autofree char *err = NULL;
  const char *args[] = { "--out", nii, "--truth", json, "--seed", "7", "--spacing-mm", "1.0",
                         "--annulus-area-mm2", "500", "--eccentricity", "0.15",
                         "--left-coronary-height-mm", "12.5", "--right-coronary-height-mm", "15",
                         "--calcium-mm3", "250", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL, expected = NULL;
  CuspPhantomDef def = cusp_phantom_default_def ();
  int mismatches = 0;
  JsonObject *root, *annulus, *vol;
  JsonArray *dims, *origin;

  g_assert_cmpint (run_cli (args, &err), ==, 0);
  g_assert_true (json_parser_load_from_file (parser, json, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  annulus = json_object_get_object_member (root, "annulus");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (annulus, "area_mm2"), 500.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (annulus, "eccentricity"), 0.15, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (
      json_object_get_object_member (json_object_get_object_member (root, "coronary"), "left"),
      "height_mm"), 12.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (
      json_object_get_object_member (root, "calcium"), "total_mm3"), 250.0, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (root, "seed"), ==, "7");

  /* The image read back has the geometry the truth describes. */
  volume = cusp_image_read_in_process (nii, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (volume);
  vol = json_object_get_object_member (root, "volume");
  dims = json_object_get_array_member (vol, "dims");
  origin = json_object_get_array_member (vol, "origin_mm");
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpint (volume->dims[i], ==, json_array_get_int_element (dims, i));
      g_assert_cmpfloat_with_epsilon (volume->origin_mm[i], json_array_get_double_element (origin, i), 1e-3);
      g_assert_cmpfloat_with_epsilon (volume->spacing_mm[i], 1.0, 1e-6);
    }
  /* And the very voxels the library makes for the same definition. */
  def.seed = 7;
  def.spacing_mm = 1.0;
  def.annulus_area_mm2 = 500.0;
  def.eccentricity = 0.15;
  def.left_coronary_height_mm = 12.5;
  def.right_coronary_height_mm = 15.0;
  def.calcium_mm3 = 250.0;
  expected = cusp_phantom_generate (&def, NULL, NULL, &error);
  g_assert_no_error (error);
  for (int k = 0; k < volume->dims[2]; k += 3)
    for (int j = 0; j < volume->dims[1]; j += 2)
      for (int i = 0; i < volume->dims[0]; i++)
        if (cusp_volume_get_value (volume, i, j, k) != cusp_volume_get_value (expected, i, j, k))
          mismatches++;
  g_assert_cmpint (mismatches, ==, 0);

  g_unlink (nii);
  g_unlink (json);
  g_rmdir (dir);
}

static void
expect_command_exit_2 (const char *command, const char *const *args, const char *word)
{
  g_autofree char *err = NULL, *prefix = g_strdup_printf ("cusp-cli %s: ", command);

  g_assert_cmpint (run_command (command, args, NULL, &err), ==, 2);
  g_test_message ("%s", err);
  g_assert_true (g_str_has_prefix (err, prefix));
  g_assert_nonnull (strstr (err, word));
  /* Exactly one line. */
  g_assert_cmpint (strchr (err, '\n') - err, ==, (int) strlen (err) - 1);
}

static void
expect_exit_2 (const char *const *args, const char *word)
{
  expect_command_exit_2 ("phantom", args, word);
}

static void
test_bad_input (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cusp-phantom-XXXXXX", NULL);
  g_autofree char *nii = g_build_filename (dir, "x.nii.gz", NULL);
  g_autofree char *json = g_build_filename (dir, "x.json", NULL);
  const char *negative[] = { "--out", nii, "--truth", json, "--annulus-area-mm2", "-450", NULL };
  const char *eccentric[] = { "--out", nii, "--truth", json, "--eccentricity", "1", NULL };
  const char *nan_value[] = { "--out", nii, "--truth", json, "--eccentricity", "nan", NULL };
  const char *spacing[] = { "--out", nii, "--truth", json, "--spacing-mm", "0", NULL };
  const char *tiny[] = { "--out", nii, "--truth", json, "--spacing-mm", "0.06", NULL };
  const char *coronary[] = { "--out", nii, "--truth", json, "--left-coronary-height-mm", "30", NULL };
  const char *garbage[] = { "--out", nii, "--truth", json, "--calcium-mm3", "12abc", NULL };
  const char *seed[] = { "--out", nii, "--truth", json, "--seed", "-3", NULL };
  const char *missing[] = { "--out", nii, NULL };
  const char *unknown[] = { "--out", nii, "--truth", json, "--frobnicate", NULL };

  expect_exit_2 (negative, "area");
  expect_exit_2 (eccentric, "eccentricity");
  expect_exit_2 (nan_value, "finite");
  expect_exit_2 (spacing, "spacing");
  expect_exit_2 (tiny, "too large");
  expect_exit_2 (coronary, "outside the sinus");
  expect_exit_2 (garbage, "12abc");
  expect_exit_2 (seed, "seed");
  expect_exit_2 (missing, "--truth");
  expect_exit_2 (unknown, "frobnicate");
  /* Nothing was written on failure. */
  g_assert_false (g_file_test (nii, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (json, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

static double
member (JsonObject *obj, const char *key)
{
  g_assert_true (json_object_has_member (obj, key));
  return json_object_get_double_member (obj, key);
}

/* `cusp-cli measure` on a written phantom, from its truth landmarks, then again from the
 * landmarks it printed: same numbers. */
static void
test_measure (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cusp-measure-XXXXXX", NULL);
  g_autofree char *nii = g_build_filename (dir, "root.nii.gz", NULL);
  g_autofree char *truth = g_build_filename (dir, "root.json", NULL);
  g_autofree char *again = g_build_filename (dir, "measured.json", NULL);
  g_autofree char *out = NULL, *out2 = NULL, *err = NULL, *junk = g_build_filename (dir, "junk.json", NULL);
  const char *make[] = { "--out", nii, "--truth", truth, "--spacing-mm", "0.6", "--seed", "3", NULL };
  const char *measure[] = { nii, "--json", "--landmarks", truth, NULL };
  const char *remeasure[] = { nii, "--json", "--landmarks", again, NULL };
  const char *missing[] = { "/nonexistent/ct.nii.gz", "--landmarks", truth, NULL };
  const char *bad_landmarks[] = { nii, "--landmarks", junk, NULL };
  const char *no_path[] = { "--json", NULL };
  const char *bad_threshold[] = { nii, "--landmarks", truth, "--lumen-threshold", "abc", NULL };
  g_autoptr(JsonParser) parser = json_parser_new (), truth_parser = json_parser_new (), parser2 = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *m, *m2, *t;
  double area, truth_area;

  g_assert_cmpint (run_cli (make, &err), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_command ("measure", measure, &out, &err), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_file (truth_parser, truth, &error));
  m = json_node_get_object (json_parser_get_root (parser));
  t = json_node_get_object (json_parser_get_root (truth_parser));
  area = member (m, "annulus.area_mm2");
  truth_area = json_object_get_double_member (json_object_get_object_member (t, "annulus"), "area_mm2");
  g_test_message ("annulus area via the CLI %.1f mm², truth %.1f mm²", area, truth_area);
  g_assert_cmpfloat (fabs (area / truth_area - 1.0), <, 0.02);
  g_assert_cmpfloat (member (m, "sizing.balloon_expandable"), ==, 26.0);
  g_assert_cmpfloat_with_epsilon (member (m, "coronary.left_height_mm"), 13.0, 1e-6);
  g_assert_true (json_object_has_member (json_object_get_object_member (m, "landmarks"), "hinges_mm"));

  g_assert_true (g_file_set_contents (again, out, -1, &error));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_command ("measure", remeasure, &out2, &err), ==, 0);
  g_assert_true (json_parser_load_from_data (parser2, out2, -1, &error));
  m2 = json_node_get_object (json_parser_get_root (parser2));
  g_assert_cmpfloat_with_epsilon (member (m2, "annulus.perimeter_mm"), member (m, "annulus.perimeter_mm"), 1e-9);
  g_assert_cmpfloat_with_epsilon (member (m2, "stj.diameter_mm"), member (m, "stj.diameter_mm"), 1e-9);

  /* Segmented from a seed at the truth's STJ centre (a click in the ascending aorta): the same
   * annulus within the sweep's 2 %, and the warnings list is there (empty or not). */
  {
    JsonArray *stj = json_object_get_array_member (json_object_get_object_member (t, "stj"), "center_mm");
    g_autofree char *seed = g_strdup_printf ("%.3f,%.3f,%.3f",
                                             json_array_get_double_element (stj, 0),
                                             json_array_get_double_element (stj, 1),
                                             json_array_get_double_element (stj, 2));
    const char *seeded[] = { nii, "--json", "--seed", seed, NULL };
    const char *bad_seed[] = { nii, "--seed", "1,2", NULL };
    const char *both[] = { nii, "--seed", seed, "--landmarks", truth, NULL };
    g_autofree char *out3 = NULL;
    g_autoptr(JsonParser) parser3 = json_parser_new ();
    JsonObject *m3;

    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_command ("measure", seeded, &out3, &err), ==, 0);
    g_assert_true (json_parser_load_from_data (parser3, out3, -1, &error));
    m3 = json_node_get_object (json_parser_get_root (parser3));
    g_test_message ("seeded annulus area %.1f mm², truth %.1f mm²", member (m3, "annulus.area_mm2"), truth_area);
    g_assert_cmpfloat (fabs (member (m3, "annulus.area_mm2") / truth_area - 1.0), <, 0.02);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (m3, "warnings")));
    expect_command_exit_2 ("measure", bad_seed, "three numbers");
    expect_command_exit_2 ("measure", both, "use one");
  }

  g_assert_true (g_file_set_contents (junk, "{\"hinges_mm\": [1, 2]}", -1, &error));
  expect_command_exit_2 ("measure", missing, "no file");
  expect_command_exit_2 ("measure", bad_landmarks, "hinges_mm");
  expect_command_exit_2 ("measure", no_path, "image");
  expect_command_exit_2 ("measure", bad_threshold, "abc");

  g_unlink (nii);
  g_unlink (truth);
  g_unlink (again);
  g_unlink (junk);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/seg/phantom/cli/round-trip", test_round_trip);
  g_test_add_func ("/seg/phantom/cli/bad-input", test_bad_input);
  g_test_add_func ("/seg/phantom/cli/measure", test_measure);
  return g_test_run ();
}
