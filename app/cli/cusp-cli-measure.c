/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-cli-measure.c: `cusp-cli measure PATH [--json] [--landmarks FILE.json] [--seed X,Y,Z]`
 * prints every
 * SCCT measurement under its stable key, and the landmarks they came from (LPS mm).
 *
 * Landmarks come from --landmarks (a file this command wrote, possibly corrected by hand, or a
 * phantom's truth file) or, without it, from automatic detection (detect_landmarks below, the
 * one place that calls the segmentation), optionally from a seed point inside the aortic lumen
 * (LPS mm: what a click in the app gives; needed where the automatic search fails, e.g. MR).
 * The segmentation's warnings (an ostium not found, a landmark guessed) come first in the
 * measurement's warnings. The image loads through the isolated reader. */
#include "cusp-cli.h"
#include "cusp-cli-number.h"
#include "cusp-measure.h"
#include "cusp-measure-json.h"
#include "cusp-segment.h"
#include "cusp-study-loader.h"

#include <math.h>
#include <stdio.h>

#define NAME "measure"

/* Automatic landmarks: the segmentation's proposal, its lumen threshold, and its calcium labels
 * as the calcium mask (they exclude bone and calcium away from the root). */
static gboolean
detect_landmarks (CuspVolume               *volume,
                  const CuspSegmentOptions *options,
                  CuspLandmarks            *landmarks,
                  double                   *lumen_threshold,
                  CuspVolume              **calcium_mask,
                  GPtrArray                *warnings,
                  GError                  **error)
{
  g_autoptr(CuspSegmentation) seg = cusp_segment_root (volume, options, NULL, NULL, NULL, error);
  g_autoptr(GError) mask_error = NULL;

  if (seg == NULL)
    return FALSE;
  *landmarks = seg->landmarks;
  *lumen_threshold = seg->lumen_threshold;
  for (guint i = 0; seg->warnings != NULL && i < seg->warnings->len; i++)
    g_ptr_array_add (warnings, g_strdup (g_ptr_array_index (seg->warnings, i)));
  *calcium_mask = cusp_segmentation_calcium_mask (seg, &mask_error);   /* NULL on non-HU images */
  if (mask_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&mask_error));
      return FALSE;
    }
  return TRUE;
}

static void
print_text (const CuspMeasurements *m)
{
  const CuspMeasureKey *keys;
  guint n_keys;

  keys = cusp_measure_keys (&n_keys);
  for (guint i = 0; i < n_keys; i++)
    {
      double value;
      /* an MR's "_hu" values are image values, never printed as HU */
      const char *unit = g_str_equal (keys[i].unit, "HU") && !m->hounsfield ? "(image value, not HU)" : keys[i].unit;
      if (cusp_measurements_get (m, keys[i].key, &value))
        printf ("%-46s %10.2f %s\n", keys[i].key, value, unit);
      else
        printf ("%-46s %10s\n", keys[i].key, "-");
    }
  for (int f = 0; f < CUSP_VALVE_FAMILY_COUNT; f++)
    if (m->sizing.family[f].note[0] != '\0')
      printf ("%s: %s\n", cusp_valve_family_name (f), m->sizing.family[f].note);
  for (guint i = 0; i < m->warnings->len; i++)
    printf ("warning: %s\n", (const char *) m->warnings->pdata[i]);
  printf ("Model estimates for research, teaching and rehearsal; never a diagnosis.\n");
}

/* "X,Y,Z" in LPS mm, three finite numbers. */
static gboolean
parse_seed (const char *text, CuspSegmentOptions *options, GError **error)
{
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return TRUE;
  parts = g_strsplit (text, ",", -1);
  if (g_strv_length (parts) != 3)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--seed needs three numbers X,Y,Z (LPS mm), not '%s'", text);
      return FALSE;
    }
  for (int i = 0; i < 3; i++)
    if (!cusp_cli_parse_number ("--seed", g_strstrip (parts[i]), &options->seed_mm[i], error))
      return FALSE;
  options->has_seed = TRUE;
  return TRUE;
}

int
cusp_cli_measure (int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *landmarks_path = NULL, *series = NULL, *lumen = NULL, *calcium = NULL, *seed = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (stable keys, landmarks, warnings)", NULL },
    { "landmarks", 0, 0, G_OPTION_ARG_FILENAME, &landmarks_path, "Measure from these landmarks (JSON) instead of detecting them", "FILE" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed, "A point inside the aortic lumen to segment from (LPS mm)", "X,Y,Z" },
    { "series", 0, 0, G_OPTION_ARG_STRING, &series, "DICOM series to load from a folder", "UID" },
    { "lumen-threshold", 0, 0, G_OPTION_ARG_STRING, &lumen, "Lumen boundary value (default: automatic on HU data)", "VALUE" },
    { "calcium-threshold-hu", 0, 0, G_OPTION_ARG_STRING, &calcium, "Calcium threshold (default: 450 or 850 HU by lumen enhancement)", "HU" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("PATH");
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL, mask = NULL;
  g_autoptr(CuspMeasureContext) measure = NULL;
  CuspMeasureParams params = cusp_measure_default_params ();
  CuspMeasurements m = { 0 };
  CuspSegmentOptions options = cusp_segment_options_default ();
  g_autoptr(GPtrArray) segment_warnings = g_ptr_array_new_with_free_func (g_free);
  g_autofree CuspLandmarks *landmarks = g_new0 (CuspLandmarks, 1);   /* ~12 kB: not on the stack */
  int status;

  g_option_context_set_summary (context,
    "Measures an aortic root (SCCT 2019) and sizes valves from its landmarks.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cusp_cli_fail_error (NAME, error);
  if (argc != 2)
    return cusp_cli_fail (NAME, argc < 2 ? "give one image file or DICOM folder" : "unexpected argument '%s'", argv[2]);
  if (!cusp_cli_parse_number ("--lumen-threshold", lumen, &params.lumen_threshold, &error) ||
      !cusp_cli_parse_number ("--calcium-threshold-hu", calcium, &params.calcium_threshold, &error) ||
      !parse_seed (seed, &options, &error))
    return cusp_cli_fail_error (NAME, error);

  volume = cusp_study_load_sync (argv[1], series, NULL, &error);
  if (volume == NULL)
    return cusp_cli_fail_error (NAME, error);

  if (landmarks_path != NULL && seed != NULL)
    return cusp_cli_fail (NAME, "--seed segments to find landmarks; --landmarks gives them: use one");
  if (landmarks_path != NULL)
    {
      g_autofree char *data = NULL;
      gsize length;
      if (!g_file_get_contents (landmarks_path, &data, &length, &error) ||
          !cusp_measure_landmarks_from_json (data, length, landmarks, &error))
        return cusp_cli_fail_error (NAME, error);
    }
  else
    {
      double threshold = NAN;
      if (!detect_landmarks (volume, &options, landmarks, &threshold, &mask, segment_warnings, &error))
        return cusp_cli_fail_error (NAME, error);
      if (!isfinite (params.lumen_threshold))
        params.lumen_threshold = threshold;
      if (!isfinite (params.calcium_threshold))
        params.calcium_mask = mask;
    }

  measure = cusp_measure_context_new (volume, &params, &error);
  if (measure == NULL || !cusp_measure_run (measure, landmarks, &m, &error))
    {
      status = cusp_cli_fail_error (NAME, error);
      cusp_measurements_clear (&m);
      return status;
    }
  for (guint i = 0; i < segment_warnings->len; i++)
    g_ptr_array_insert (m.warnings, i, g_strdup (g_ptr_array_index (segment_warnings, i)));
  if (json)
    {
      g_autofree char *text = cusp_measurements_to_json (&m, landmarks);
      printf ("%s\n", text);
    }
  else
    print_text (&m);
  cusp_measurements_clear (&m);
  return 0;
}
