/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sim-cli.c: `cusp-cli simulate` end to end on a synthetic phantom with its true landmarks:
 * every contract key present and finite, a converged solve, and bad input refused in one line. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

typedef struct {
  char *out;
  char *err;
  int status;
} Run;

static Run
run_cli (const char *const *args)
{
  const char *root = g_getenv ("CUSP_BUILD_ROOT");
  g_autofree char *cli = g_build_filename (root != NULL ? root : ".", "cusp-cli", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  int wait_status = 0;

  g_ptr_array_add (argv, cli);
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &run.out, &run.err, &wait_status, &error));
  g_assert_no_error (error);
  run.status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  return run;
}

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

static void
test_simulate_phantom (void)
{
  const char *root = g_getenv ("CUSP_BUILD_ROOT");
  g_autofree char *dir = NULL;
  g_autofree char *image = NULL, *truth = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *keys[] = { "frame.inflow_dmin_mm", "frame.inflow_dmax_mm", "sealing.apposition_pct",
                         "pvl.eroa_cm2", "pvl.regurgitant_volume_ml", "coronary.left.vtc_mm",
                         "coronary.right.vtc_mm", "annulus.peak_areal_stretch", "solve.iterations",
                         "solve.residual", "solve.ms", "septum.mean_contact_pressure_pa",
                         "implant.depth_mm", "coronary.left.dlc_mm" };
  JsonObject *obj;
  Run run;

  if (root == NULL || !g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("CUSP_BUILD_ROOT is not set: run through meson test");
      return;
    }
  dir = g_dir_make_tmp ("cusp-sim-cli-XXXXXX", &error);
  g_assert_no_error (error);
  image = g_build_filename (dir, "phantom.nii", NULL);
  truth = g_build_filename (dir, "phantom.json", NULL);
  {
    const char *args[] = { "phantom", "--out", image, "--truth", truth, "--spacing-mm", "1.0", NULL };
    run = run_cli (args);
    g_assert_cmpint (run.status, ==, 0);
    run_clear (&run);
  }
  {
    const char *args[] = { "simulate", image, "--device", "sapien3-class-26", "--depth-mm", "3",
                           "--landmarks", truth, "--json", NULL };
    run = run_cli (args);
    g_test_message ("%s", run.err);
    g_assert_cmpint (run.status, ==, 0);
    json_parser_load_from_data (parser, run.out, -1, &error);
    g_assert_no_error (error);
    obj = json_node_get_object (json_parser_get_root (parser));
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        g_assert_true (json_object_has_member (obj, keys[i]));
        g_assert_true (isfinite (json_object_get_double_member (obj, keys[i])));
      }
    g_assert_cmpint (json_object_get_int_member (obj, "solve.converged"), ==, 1);
    g_assert_nonnull (json_object_get_string_member (obj, "pvl.grade"));
    g_assert_nonnull (json_object_get_string_member (obj, "coronary.left.obstruction_risk"));
    g_assert_cmpfloat (json_object_get_double_member (obj, "frame.inflow_dmax_mm"), <, 27.0);
    g_assert_cmpfloat (json_object_get_double_member (obj, "frame.inflow_dmin_mm"), >, 20.0);
    run_clear (&run);
  }
  {
    const char *args[] = { "simulate", image, "--device", "no-such-valve", "--depth-mm", "3",
                           "--landmarks", truth, NULL };
    g_auto (GStrv) lines = NULL;
    run = run_cli (args);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_true (g_str_has_prefix (run.err, "cusp-cli simulate: "));
    lines = g_strsplit (run.err, "\n", -1);
    g_assert_cmpint (g_strv_length (lines), <=, 2);                /* one line (+ its end) */
    run_clear (&run);
  }
  {
    const char *args[] = { "simulate", image, "--device", "sapien3-class-26", "--depth-mm", "45",
                           "--landmarks", truth, NULL };
    run = run_cli (args);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "outside"));
    run_clear (&run);
  }
  g_remove (image);
  g_remove (truth);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/cli/simulate-phantom", test_simulate_phantom);
  return g_test_run ();
}
