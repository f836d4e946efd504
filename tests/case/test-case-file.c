/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-case-file.c: plans, the case document, the .cusp-case format (round trip and every kind of
 * malformed file), the study hash and the autosave timer. */
#include "cusp-autosave.h"
#include "cusp-case-file.h"
#include "cusp-error.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* What `cusp-cli simulate --json` prints, trimmed to some keys plus one it does not compare. */
static const char *simulate_json =
  "{\"device.id\": \"sapien3-class-26\", \"pvl.grade\": \"mild\", \"pvl.regurgitant_volume_ml\": 12.5,"
  " \"sealing.apposition_pct\": 91.25, \"coronary.left.vtc_mm\": 6.1, \"coronary.left.obstruction_risk\": \"green\","
  " \"rupture.area_oversizing_pct\": 8.0, \"solve.converged\": 1, \"solve.residual\": 3.5e-07,"
  " \"pvl.eroa_cm2\": null, \"model.note\": \"model estimates\"}";

static CuspPlan *
plan_with_result (const char *name, double depth_mm, const char *json)
{
  CuspPlan *plan = cusp_plan_new (name, "sapien3-class-26", depth_mm, 1.5, -20.0);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  g_assert_true (cusp_plan_set_result_from_json (plan, json_node_get_object (json_parser_get_root (parser)), &error));
  g_assert_no_error (error);
  return plan;
}

static CuspCase *
make_case (void)
{
  CuspCase *document = cusp_case_new ();
  CuspLandmarks *landmarks = g_new0 (CuspLandmarks, 1);

  for (int c = 0; c < CUSP_CUSP_COUNT; c++)
    for (int k = 0; k < 3; k++)
      {
        landmarks->hinge_mm[c][k] = 10.0 * c + k + 0.1;
        landmarks->commissure_mm[c][k] = 20.0 * c - k + 1.0 / 3.0;
      }
  for (int k = 0; k < 3; k++)
    {
      landmarks->left_ostium_mm[k] = 5.5 + k;
      landmarks->right_ostium_mm[k] = -5.5 - k;
      landmarks->stj_center_mm[k] = 0.25 * k;
    }
  landmarks->centerline_count = 3;
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < 3; k++)
      landmarks->centerline_mm[i][k] = i * 7.0 + k / 7.0;

  cusp_case_set_study (document, "/data/ct/patient-0001", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  cusp_case_set_landmarks (document, landmarks);
  cusp_case_add_plan (document, plan_with_result ("Plan 1", 3.0, simulate_json));
  cusp_case_add_plan (document, cusp_plan_new ("Deep, no result yet", "evolut-class-29", 6.25, 0.0, 0.0));
  cusp_case_set_window (document, 300.0, 800.0);
  cusp_case_set_calcium_threshold_hu (document, 850.0);
  cusp_case_set_septum_mm (document, 4.5);
  g_free (landmarks);
  return document;
}

static void
test_plan_result (void)
{
  g_autoptr(CuspPlan) plan = plan_with_result ("A", 3.0, simulate_json);
  int grade = cusp_plan_key_index ("pvl.grade");
  int volume = cusp_plan_key_index ("pvl.regurgitant_volume_ml");
  int eroa = cusp_plan_key_index ("pvl.eroa_cm2");
  g_autofree char *text = cusp_plan_format_value (plan, volume);
  g_autofree char *absent = cusp_plan_format_value (plan, eroa);

  g_assert_cmpint (grade, >=, 0);
  g_assert_true (plan->has_result);
  g_assert_cmpstr (plan->texts[grade], ==, "mild");
  g_assert_cmpfloat (plan->values[volume], ==, 12.5);
  g_assert_true (isnan (plan->values[eroa]));
  g_assert_cmpstr (text, ==, "12.5 mL/beat");
  g_assert_cmpstr (absent, ==, "—");
  g_assert_cmpint (cusp_plan_key_index ("model.note"), ==, -1);
}

/* What people read: words for the grade, no exponent on a small leak area or a large value (one
 * on the residual), contact pressure in kPa. */
static void
test_plan_format (void)
{
  g_autoptr(CuspPlan) plan = plan_with_result ("F", 3.0,
    "{\"pvl.grade\": \"none_trace\", \"pvl.eroa_cm2\": 0.00472, \"pvl.regurgitant_volume_ml\": 0.00001,"
    " \"solve.residual\": 3.5e-07, \"septum.mean_contact_pressure_pa\": 14512.0, \"implant.depth_mm\": 1234.0}");
  g_autofree char *grade = cusp_plan_format_value (plan, cusp_plan_key_index ("pvl.grade"));
  g_autofree char *eroa = cusp_plan_format_value (plan, cusp_plan_key_index ("pvl.eroa_cm2"));
  g_autofree char *volume = cusp_plan_format_value (plan, cusp_plan_key_index ("pvl.regurgitant_volume_ml"));
  g_autofree char *residual = cusp_plan_format_value (plan, cusp_plan_key_index ("solve.residual"));
  g_autofree char *septum = cusp_plan_format_value (plan, cusp_plan_key_index ("septum.mean_contact_pressure_pa"));
  g_autofree char *large = cusp_plan_format_value (plan, cusp_plan_key_index ("implant.depth_mm"));

  g_assert_cmpstr (plan->texts[cusp_plan_key_index ("pvl.grade")], ==, "none_trace");
  g_assert_cmpstr (septum, ==, "14.5 kPa");
  g_assert_cmpstr (large, ==, "1234 mm");
  g_assert_cmpstr (grade, ==, "none/trace");
  g_assert_cmpstr (eroa, ==, "0.00472 cm²");
  g_assert_cmpstr (volume, ==, "0 mL/beat");
  g_assert_cmpstr (residual, ==, "3.50e-07");
}

/* An ostium the segmentation only proposed: the plan keeps its VTC but rates no risk there, and
 * the comparison does not count it. */
static void
test_plan_unrated_ostium (void)
{
  g_autoptr(CuspPlan) a = plan_with_result ("A", 3.0,
    "{\"coronary.left.obstruction_risk\": \"red\", \"coronary.right.obstruction_risk\": \"amber\","
    " \"coronary.left.vtc_mm\": 2.5}");
  g_autoptr(CuspPlan) b = plan_with_result ("B", 3.0,
    "{\"coronary.left.obstruction_risk\": \"green\", \"coronary.right.obstruction_risk\": \"green\"}");
  int left = cusp_plan_key_index ("coronary.left.obstruction_risk");
  int right = cusp_plan_key_index ("coronary.right.obstruction_risk");
  CuspPlan *plans[2];
  g_autofree char *shown = NULL, *vtc = NULL;

  cusp_plan_unrate_ostium (a, 0);
  cusp_plan_unrate_ostium (b, 0);
  shown = cusp_plan_format_value (a, left);
  vtc = cusp_plan_format_value (a, cusp_plan_key_index ("coronary.left.vtc_mm"));
  g_assert_cmpstr (shown, ==, "not rated");
  g_assert_cmpstr (vtc, ==, "2.5 mm");
  g_assert_cmpstr (a->texts[right], ==, "amber");
  plans[0] = a;
  plans[1] = b;
  g_assert_cmpint (cusp_plan_worst (plans, 2, left), ==, -1);
  g_assert_cmpint (cusp_plan_worst (plans, 2, right), ==, 0);
}

static void
test_plan_result_wrong_type (void)
{
  g_autoptr(CuspPlan) plan = cusp_plan_new ("A", "x", 0, 0, 0);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, "{\"pvl.grade\": 3}", -1, NULL));
  g_assert_false (cusp_plan_set_result_from_json (plan, json_node_get_object (json_parser_get_root (parser)), &error));
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "pvl.grade"));
  g_assert_false (plan->has_result);
}

static void
test_plan_worst (void)
{
  CuspPlan *plans[3] = {
    plan_with_result ("A", 3.0, "{\"pvl.grade\": \"mild\", \"sealing.apposition_pct\": 90, \"frame.mid_dmin_mm\": 24}"),
    plan_with_result ("B", 5.0, "{\"pvl.grade\": \"moderate\", \"sealing.apposition_pct\": 95, \"frame.mid_dmin_mm\": 25}"),
    plan_with_result ("C", 7.0, "{\"pvl.grade\": \"none_trace\", \"sealing.apposition_pct\": 90, \"frame.mid_dmin_mm\": 26}"),
  };

  g_assert_cmpint (cusp_plan_worst (plans, 3, cusp_plan_key_index ("pvl.grade")), ==, 1);
  /* lower apposition is worse; the first of equal worst values is named */
  g_assert_cmpint (cusp_plan_worst (plans, 3, cusp_plan_key_index ("sealing.apposition_pct")), ==, 0);
  /* frame diameters have no worse direction */
  g_assert_cmpint (cusp_plan_worst (plans, 3, cusp_plan_key_index ("frame.mid_dmin_mm")), ==, -1);
  /* a key no plan has */
  g_assert_cmpint (cusp_plan_worst (plans, 3, cusp_plan_key_index ("pvl.eroa_cm2")), ==, -1);
  /* one plan alone is never "worst" */
  g_assert_cmpint (cusp_plan_worst (plans, 1, cusp_plan_key_index ("pvl.grade")), ==, -1);
  for (int i = 0; i < 3; i++)
    cusp_plan_free (plans[i]);
}

static void
count_changes (CuspCase *document, guint *n)
{
  (*n)++;
}

static void
test_case_dirty (void)
{
  g_autoptr(CuspCase) document = cusp_case_new ();
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  guint n = 0;

  g_signal_connect (document, "changed", G_CALLBACK (count_changes), &n);
  g_assert_false (cusp_case_get_dirty (document));
  first = cusp_case_next_plan_name (document);
  g_assert_cmpstr (first, ==, "Plan 1");
  cusp_case_add_plan (document, cusp_plan_new (first, "sapien3-class-26", 3.0, 0, 0));
  g_assert_true (cusp_case_get_dirty (document));
  g_assert_cmpuint (n, ==, 1);
  cusp_case_mark_clean (document);
  g_assert_false (cusp_case_get_dirty (document));
  second = cusp_case_next_plan_name (document);
  g_assert_cmpstr (second, ==, "Plan 2");
  cusp_case_set_window (document, 40.0, 400.0);
  g_assert_true (cusp_case_get_dirty (document));
  g_assert_cmpuint (n, ==, 2);

  /* The window passes the case's own path back with a new hash. */
  cusp_case_set_study (document, "/data/study.nii.gz", NULL);
  cusp_case_set_study (document, cusp_case_get_study_path (document),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_cmpstr (cusp_case_get_study_path (document), ==, "/data/study.nii.gz");
}

static void
test_round_trip (void)
{
  g_autoptr(CuspCase) saved = make_case ();
  g_autoptr(CuspCase) opened = NULL;
  g_autoptr(CuspCase) demo = cusp_case_new ();
  g_autoptr(CuspCase) demo_opened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cusp-case-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "round-trip.cusp-case", NULL);
  g_autofree char *data = NULL;
  g_autofree char *again = NULL;

  g_assert_no_error (error);
  g_assert_true (cusp_case_file_save (saved, path, &error));
  g_assert_no_error (error);
  opened = cusp_case_file_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (opened);
  g_assert_true (cusp_case_equal (saved, opened));
  g_assert_false (cusp_case_get_dirty (opened));
  g_assert_cmpuint (cusp_case_get_n_plans (opened), ==, 2);
  g_assert_false (cusp_case_get_plan (opened, 1)->has_result);

  /* Writing the opened case gives the same bytes. */
  data = cusp_case_file_to_data (saved);
  again = cusp_case_file_to_data (opened);
  g_assert_cmpstr (data, ==, again);

  /* A change makes them differ: equal() can fail. */
  g_assert_cmpfloat (cusp_case_get_septum_mm (opened), ==, 4.5);
  cusp_case_set_septum_mm (opened, NAN);
  g_assert_false (cusp_case_equal (saved, opened));
  cusp_case_set_septum_mm (opened, 4.5);
  g_assert_true (cusp_case_equal (saved, opened));
  cusp_case_set_calcium_threshold_hu (opened, 450.0);
  g_assert_false (cusp_case_equal (saved, opened));

  /* A version-1 file written before the septum was kept opens with it unmeasured. */
  {
    g_autoptr(GString) older = g_string_new (data);
    const char *member = strstr (older->str, ",\n    \"membranous_septum_mm\" : 4.5");
    g_autoptr(CuspCase) old_case = NULL;

    g_assert_nonnull (member);
    g_string_erase (older, member - older->str, (gssize) strlen (",\n    \"membranous_septum_mm\" : 4.5"));
    old_case = cusp_case_file_from_data (older->str, -1, &error);
    g_assert_no_error (error);
    g_assert_true (isnan (cusp_case_get_septum_mm (old_case)));
  }

  /* The demo case: no path, no landmarks, automatic settings. */
  g_clear_pointer (&data, g_free);
  data = cusp_case_file_to_data (demo);
  demo_opened = cusp_case_file_from_data (data, -1, &error);
  g_assert_no_error (error);
  g_assert_true (cusp_case_is_demo (demo_opened));
  g_assert_null (cusp_case_get_landmarks (demo_opened));
  g_assert_true (isnan (cusp_case_get_window_width (demo_opened)));
  g_assert_true (cusp_case_equal (demo, demo_opened));

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Replaces the first occurrence of `from` in a valid file by `to` and checks the error. */
typedef struct {
  const char *from;
  const char *to;
  int code;
  const char *words;            /* the message must name this */
} Broken;

static void
test_malformed (void)
{
  static const Broken cases[] = {
    { "\"format\" : \"cusp-case\"", "\"format\" : \"cusp-plan\"", CUSP_ERROR_INVALID_INPUT, "not a case file" },
    { "\"version\" : 1", "\"version\" : 2", CUSP_ERROR_UNSUPPORTED, "newer Cusp" },
    { "\"version\" : 1", "\"version\" : \"1\"", CUSP_ERROR_INVALID_INPUT, "version should be a whole number" },
    { "\"depth_mm\" : 3.0", "\"depth_mm\" : \"3\"", CUSP_ERROR_INVALID_INPUT, "plans[0].pose.depth_mm should be a number, not a string" },
    { "\"depth_mm\" : 3.0", "\"depth_mm\" : 1e999", CUSP_ERROR_INVALID_INPUT, "plans[0].pose.depth_mm is not a finite number" },
    { "\"depth_mm\" : 6.25", "\"depth\" : 6.25", CUSP_ERROR_INVALID_INPUT, "plans[1].pose.depth_mm is missing" },
    { "\"device_id\" : \"evolut-class-29\"", "\"device_id\" : null", CUSP_ERROR_INVALID_INPUT, "plans[1].device_id should be a string, not null" },
    { "\"pvl.grade\" : \"mild\"", "\"pvl.grade\" : 2", CUSP_ERROR_INVALID_INPUT, "plans[0].result" },
    { "\"window_width\" : 800.0", "\"window_width\" : -800.0", CUSP_ERROR_INVALID_INPUT, "window_width should be positive" },
    { "\"settings\" :", "\"options\" :", CUSP_ERROR_INVALID_INPUT, "settings is missing" },
    { "\"plans\" : [", "\"plans\" : 3, \"x\" : [", CUSP_ERROR_INVALID_INPUT, "plans should be an array, not a number" },
    { "\"sha256\" : \"0123", "\"sha256\" : \"X123", CUSP_ERROR_INVALID_INPUT, "study.sha256" },
    { "\"demo\" : false", "\"demo\" : 0", CUSP_ERROR_INVALID_INPUT, "study.demo should be true or false" },
    { "\"hinges_mm\"", "\"hinge_points\"", CUSP_ERROR_INVALID_INPUT, "landmarks" },
    { "{", "[", CUSP_ERROR_INVALID_INPUT, "not a case file" },
    { "\"membranous_septum_mm\" : 4.5", "\"membranous_septum_mm\" : 45", CUSP_ERROR_INVALID_INPUT,
      "settings.membranous_septum_mm should lie between 0.5 and 30 mm" },
    { "\"membranous_septum_mm\" : 4.5", "\"membranous_septum_mm\" : \"4.5\"", CUSP_ERROR_INVALID_INPUT,
      "settings.membranous_septum_mm should be a number or null" },
  };
  g_autoptr(CuspCase) document = make_case ();
  g_autofree char *valid = cusp_case_file_to_data (document);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *at = strstr (valid, cases[i].from);
      g_autoptr(GString) broken = g_string_new (valid);
      g_autoptr(GError) error = NULL;
      g_autoptr(CuspCase) opened = NULL;

      g_test_message ("case %" G_GSIZE_FORMAT ": %s -> %s", i, cases[i].from, cases[i].to);
      g_assert_nonnull (at);
      g_string_erase (broken, at - valid, (gssize) strlen (cases[i].from));
      g_string_insert (broken, at - valid, cases[i].to);
      opened = cusp_case_file_from_data (broken->str, -1, &error);
      g_assert_null (opened);
      g_assert_error (error, CUSP_ERROR, cases[i].code);
      g_test_message ("  -> %s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].words));
    }
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspCase) opened = cusp_case_file_load ("/nonexistent/cusp/x.cusp-case", &error);

  g_assert_null (opened);
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_NOT_FOUND);
}

static void
hashed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  char **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = cusp_case_file_hash_study_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_hash (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cusp-hash-XXXXXX", &error);
  g_autofree char *sub = g_build_filename (dir, "series", NULL);
  g_autofree char *a = g_build_filename (sub, "IM0001.dcm", NULL);
  g_autofree char *b = g_build_filename (sub, "IM0002.dcm", NULL);
  g_autoptr(GFile) file_a = g_file_new_for_path (a);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autofree char *hash_a = NULL;
  g_autofree char *hash_folder = NULL;
  g_autofree char *hash_async = NULL;
  g_autofree char *hash_changed = NULL;
  g_autofree char *missing = NULL;
  g_autoptr(GFile) nowhere = g_file_new_for_path ("/nonexistent/cusp/study.nii.gz");

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_assert_true (g_file_set_contents (a, "abc", 3, NULL));
  g_assert_true (g_file_set_contents (b, "slice two", -1, NULL));

  /* SHA-256("abc"), FIPS 180-2 appendix B.1 */
  hash_a = cusp_case_file_hash_study (file_a, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hash_a, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  hash_folder = cusp_case_file_hash_study (folder, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (hash_folder), ==, 64);
  cusp_case_file_hash_study_async (folder, NULL, hashed, &hash_async);
  while (hash_async == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (hash_async, ==, hash_folder);

  g_assert_true (g_file_set_contents (b, "slice 2", -1, NULL));
  hash_changed = cusp_case_file_hash_study (folder, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hash_changed, !=, hash_folder);

  missing = cusp_case_file_hash_study (nowhere, NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_NOT_FOUND);

  g_unlink (a);
  g_unlink (b);
  g_rmdir (sub);
  g_rmdir (dir);
}

static gboolean
quit_loop (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
test_autosave (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cusp-autosave-XXXXXX", &error);
  g_autoptr(CuspCase) document = cusp_case_new ();
  g_autoptr(CuspAutosave) autosave = NULL;
  g_autoptr(CuspCase) recovered = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) orphans = NULL;
  g_autoptr(GPtrArray) none = NULL;

  g_assert_no_error (error);
  g_setenv ("CUSP_AUTOSAVE_DIR", dir, TRUE);
  autosave = cusp_autosave_new (document, 100);

  /* Five quick edits, then quiet: one write, 100 ms after the last one. */
  for (int i = 0; i < 5; i++)
    cusp_case_add_plan (document, cusp_plan_new ("P", "sapien3-class-26", i, 0, 0));
  g_assert_cmpuint (cusp_autosave_get_n_writes (autosave), ==, 0);
  g_timeout_add (50, quit_loop, loop);
  g_main_loop_run (loop);
  g_assert_cmpuint (cusp_autosave_get_n_writes (autosave), ==, 0);
  g_assert_false (g_file_test (cusp_autosave_get_path (autosave), G_FILE_TEST_EXISTS));
  g_timeout_add (300, quit_loop, loop);
  g_main_loop_run (loop);
  g_assert_cmpuint (cusp_autosave_get_n_writes (autosave), ==, 1);

  orphans = cusp_autosave_list_orphans ();
  g_assert_cmpuint (orphans->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (orphans, 0), ==, cusp_autosave_get_path (autosave));
  recovered = cusp_case_file_load (g_ptr_array_index (orphans, 0), &error);
  g_assert_no_error (error);
  g_assert_true (cusp_case_equal (document, recovered));

  /* A clean close removes it. */
  cusp_autosave_discard (autosave);
  none = cusp_autosave_list_orphans ();
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_unsetenv ("CUSP_AUTOSAVE_DIR");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/case/plan/result", test_plan_result);
  g_test_add_func ("/case/plan/unrated-ostium", test_plan_unrated_ostium);
  g_test_add_func ("/case/plan/format", test_plan_format);
  g_test_add_func ("/case/plan/result-wrong-type", test_plan_result_wrong_type);
  g_test_add_func ("/case/plan/worst", test_plan_worst);
  g_test_add_func ("/case/document/dirty", test_case_dirty);
  g_test_add_func ("/case/file/round-trip", test_round_trip);
  g_test_add_func ("/case/file/malformed", test_malformed);
  g_test_add_func ("/case/file/missing", test_missing_file);
  g_test_add_func ("/case/file/study-hash", test_hash);
  g_test_add_func ("/case/autosave/debounce-recover-discard", test_autosave);
  return g_test_run ();
}
