/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-io-real.c: the real studies in ../shared/data load with the geometry, modality and
 * warnings their README documents, through the isolated reader and through `cusp-cli info`.
 * Every test skips when the shared data is absent (a fresh clone). */
#include "cusp-io-test-util.h"
#include "cusp-study-loader.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <sys/wait.h>

typedef struct {
  const char *relative;
  int dims[3];
  double spacing_mm[3];
  CuspModality modality;
  gboolean hounsfield;
  gboolean orientation_known;
  const char *warning;          /* a phrase one warning must contain, or NULL for "no warning needed" */
} RealCase;

static const RealCase cases[] = {
  { "mr-cardiac-dicom", { 640, 640, 44 }, { 0.625, 0.625, 2.5 }, CUSP_MODALITY_MR, FALSE, TRUE, "not Hounsfield" },
  { "ct-aortic-root/ct-aortic-root.nii.gz", { 120, 126, 164 }, { 1.5, 1.5, 1.5 }, CUSP_MODALITY_CT, TRUE, TRUE, NULL },
  { "ct-abdomen-j2k-dicom", { 512, 512, 20 }, { 0.9765625, 0.9765625, 2.0 }, CUSP_MODALITY_CT, TRUE, TRUE, NULL },
  { "ct-chest-8bit/ct-chest-8bit.mha", { 256, 256, 133 }, { 1.40625, 1.40625, 2.5 }, CUSP_MODALITY_OTHER, FALSE, FALSE,
    "orientation" },
  { "dicom-robustness/dcm_qa_ct_GE_gantry_tilt_variable_spacing", { 512, 512, 28 }, { 0.4882812, 0.4882812, -1 },
    CUSP_MODALITY_CT, TRUE, TRUE, "Gantry tilt of 18.5" },
  { "dicom-robustness/vmtk_test_data/mr-dicom.dcm", { 256, 256, 16 }, { 1, 1, -1 }, CUSP_MODALITY_MR, FALSE, FALSE,
    "multi-frame" },
};

static gboolean
has_warning (const CuspVolume *volume, const char *phrase)
{
  for (guint i = 0; i < volume->warnings->len; i++)
    if (strstr (volume->warnings->pdata[i], phrase) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_real_load (gconstpointer data)
{
  const RealCase *c = data;
  g_autofree char *path = cusp_test_shared_path (c->relative);
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL;

  if (path == NULL)
    return;
  volume = cusp_study_load_sync (path, NULL, NULL, &error);
  g_assert_no_error (error);
  for (int a = 0; a < 3; a++)
    {
      g_assert_cmpint (volume->dims[a], ==, c->dims[a]);
      if (c->spacing_mm[a] > 0)
        g_assert_cmpfloat_with_epsilon (volume->spacing_mm[a], c->spacing_mm[a], 1e-6);
    }
  g_assert_cmpint (volume->modality, ==, c->modality);
  g_assert_cmpint (volume->hounsfield, ==, c->hounsfield);
  g_assert_cmpint (volume->orientation_known, ==, c->orientation_known);
  if (c->warning)
    g_assert_true (has_warning (volume, c->warning));
  if (!c->hounsfield)
    g_assert_true (has_warning (volume, "not Hounsfield units"));
}

/* The tilted GE series: slices advance along z while the slice plane is tilted, so the stack is
 * sheared, and 4 mm and 7 mm series are interleaved, so the spacing is uneven. */
static void
test_gantry_tilt_spacing (void)
{
  g_autofree char *path = cusp_test_shared_path ("dicom-robustness/dcm_qa_ct_GE_gantry_tilt_variable_spacing");
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL;

  if (path == NULL)
    return;
  volume = cusp_study_load_sync (path, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (has_warning (volume, "not uniform"));
  /* The direction stays a rotation: its slice axis is the slice normal, tilted 18.5° from z. */
  g_assert_cmpfloat_with_epsilon (volume->direction[8], cos (18.5 * G_PI / 180.0), 2e-3);
}

static void
test_real_scan (void)
{
  g_autofree char *path = cusp_test_shared_path ("mr-cardiac-dicom");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) series = NULL;
  const CuspSeriesInfo *info;

  if (path == NULL)
    return;
  series = cusp_study_scan_sync (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (series->len, ==, 1);
  info = series->pdata[0];
  g_assert_cmpint (info->dims[0], ==, 640);
  g_assert_cmpint (info->dims[1], ==, 640);
  g_assert_cmpint (info->dims[2], ==, 44);
  g_assert_cmpint (info->file_count, ==, 44);
  g_assert_cmpstr (info->modality, ==, "MR");
  g_assert_nonnull (info->uid);
  g_assert_nonnull (info->description);
}

static char *
cli_path (void)
{
  return g_build_filename (g_getenv ("CUSP_BUILD_ROOT"), "cusp-cli", NULL);
}

/* `cusp-cli info PATH --json` prints exactly the documented object, keys in order. */
static void
test_cli_json (gconstpointer data)
{
  const RealCase *c = data;
  g_autofree char *path = cusp_test_shared_path (c->relative);
  g_autofree char *cli = cli_path ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *keys[] = { "{\"dims\":", ",\"spacing_mm\":", ",\"origin_mm\":", ",\"direction\":", ",\"modality\":",
                         ",\"hounsfield\":", ",\"warnings\":" };
  const char *argv[] = { cli, "info", NULL, "--json", NULL };
  const char *at;
  JsonObject *root;
  JsonArray *dims, *spacing;
  int status = -1;

  if (path == NULL)
    return;
  argv[2] = path;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  at = out;
  for (gsize k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      const char *found = strstr (at, keys[k]);
      g_assert_nonnull (found);
      at = found;
    }
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  dims = json_object_get_array_member (root, "dims");
  spacing = json_object_get_array_member (root, "spacing_mm");
  for (guint a = 0; a < 3; a++)
    {
      g_assert_cmpint (json_array_get_int_element (dims, a), ==, c->dims[a]);
      if (c->spacing_mm[a] > 0)
        g_assert_cmpfloat_with_epsilon (json_array_get_double_element (spacing, a), c->spacing_mm[a], 1e-6);
    }
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "direction")), ==, 9);
  g_assert_cmpstr (json_object_get_string_member (root, "modality"), ==, cusp_modality_to_string (c->modality));
  g_assert_cmpint (json_object_get_boolean_member (root, "hounsfield"), ==, c->hounsfield);
}

/* Text mode and --list-series say something readable; a missing file is one line and exit 2. */
static void
test_cli_text_and_errors (void)
{
  g_autofree char *path = cusp_test_shared_path ("mr-cardiac-dicom");
  g_autofree char *cli = cli_path ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (path == NULL)
    return;
  {
    const char *argv[] = { cli, "info", path, NULL };
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    g_assert_nonnull (strstr (out, "640 × 640 × 44"));
    g_assert_nonnull (strstr (out, "0.625 × 0.625 × 2.5 mm"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { cli, "info", path, "--list-series", NULL };
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    g_assert_nonnull (strstr (out, "MR, 640 × 640 × 44, 44 files"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { cli, "info", "/nonexistent/study.nii.gz", "--json", NULL };
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 2);
    g_assert_cmpstr (out, ==, "");
    g_assert_true (g_str_has_prefix (err, "cusp-cli info: "));
    g_assert_nonnull (strstr (err, "no file or folder"));
    g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *base = g_path_get_basename (cases[i].relative);
      g_autofree char *load = g_strdup_printf ("/io/real/load/%s", base);
      g_test_add_data_func (load, &cases[i], test_real_load);
      if (i < 3)
        {
          g_autofree char *json = g_strdup_printf ("/io/real/cli-json/%s", base);
          g_test_add_data_func (json, &cases[i], test_cli_json);
        }
    }
  g_test_add_func ("/io/real/gantry-tilt-geometry", test_gantry_tilt_spacing);
  g_test_add_func ("/io/real/scan", test_real_scan);
  g_test_add_func ("/io/real/cli-text-and-errors", test_cli_text_and_errors);
  return g_test_run ();
}
