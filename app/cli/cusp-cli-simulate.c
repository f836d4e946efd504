/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-cli-simulate.c: `cusp-cli simulate PATH --device ID --depth-mm D [--tilt-deg T]
 * [--rotation-deg R] [--landmarks FILE.json] [--wall segmented|analytic] [--calcium-threshold-hu HU]
 * [--septum-mm L] [--json]` segments and
 * measures the root (landmarks given replace the detected ones), deploys the valve with the
 * embedded solver and prints every output under stable keys.
 *
 * The wall the solver sees is the segmented lumen surface ray-cast into the root frame, with the
 * segmented calcium as stiff patches (cusp-patient-root.h). Where segmentation fails (or with
 * --wall analytic) it is the analytic root given this patient's measured numbers, and
 * "model.warnings" says so. The cusp height is the mean commissure height and the membranous
 * septum the solver's default 8 mm unless --septum-mm gives the measured length: both said in
 * "model.assumed". */
#include "cusp-cli.h"
#include "cusp-cli-number.h"
#include "cusp-config.h"
#include "cusp-device-dirs.h"
#include "cusp-error.h"
#include "cusp-measure.h"
#include "cusp-measure-json.h"
#include "cusp-patient-root.h"
#include "cusp-plan-outcome.h"
#include "cusp-segment.h"
#include "cusp-sim.h"
#include "cusp-sim-pvl.h"
#include "cusp-study-loader.h"
#include "cusp-user-limits.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NAME "simulate"
#define CLI_SOLVE_CALLS 5

static gboolean
load_device (const char *id, CuspDeviceDef *out, GError **error)
{
  g_auto(GStrv) dirs = cusp_device_dirs ();
  CuspDeviceLibrary lib = { 0 };
  const CuspDeviceDef *def;

  cusp_device_library_load (&lib, (const char *const *) dirs, (int) g_strv_length (dirs));
  def = cusp_device_library_find (&lib, id);
  if (def != NULL)
    *out = *def;
  else
    g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                 "no device '%s' in the library (cusp-cli devices lists them)", id);
  cusp_device_library_clear (&lib);
  return def != NULL;
}

static void
json_key_number (GString *out, const char *key, double value, gboolean last)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (isfinite (value))
    g_ascii_formatd (buffer, sizeof buffer, "%.6g", value);
  else
    g_strlcpy (buffer, "null", sizeof buffer);
  g_string_append_printf (out, "  \"%s\": %s%s\n", key, buffer, last ? "" : ",");
}

static void
json_key_string (GString *out, const char *key, const char *value)
{
  g_autofree char *escaped = g_strescape (value, NULL);
  g_string_append_printf (out, "  \"%s\": \"%s\",\n", key, escaped);
}

static const char *
grade_name (CuspVarc2Grade grade)
{
  switch (grade)
    {
    case CUSP_VARC2_NONE_TRACE: return "none_trace";
    case CUSP_VARC2_MILD: return "mild";
    case CUSP_VARC2_MODERATE: return "moderate";
    case CUSP_VARC2_SEVERE: return "severe";
    }
  return "unknown";
}

int
cusp_cli_simulate (int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *landmarks_path = NULL, *device_id = NULL, *depth = NULL, *tilt = NULL;
  g_autofree char *rotation = NULL, *wall_kind = NULL, *calcium = NULL, *septum = NULL;
  GOptionEntry entries[] = {
    { "device", 0, 0, G_OPTION_ARG_STRING, &device_id, "Device id (cusp-cli devices)", "ID" },
    { "depth-mm", 0, 0, G_OPTION_ARG_STRING, &depth, "Implant depth below the annulus", "MM" },
    { "tilt-deg", 0, 0, G_OPTION_ARG_STRING, &tilt, "Tilt of the valve axis (default 0)", "DEG" },
    { "rotation-deg", 0, 0, G_OPTION_ARG_STRING, &rotation, "Spin about the valve axis (default 0)", "DEG" },
    { "landmarks", 0, 0, G_OPTION_ARG_FILENAME, &landmarks_path, "Use these landmarks (JSON) instead of detecting them", "FILE" },
    { "wall", 0, 0, G_OPTION_ARG_STRING, &wall_kind, "segmented (default) or analytic", "KIND" },
    { "calcium-threshold-hu", 0, 0, G_OPTION_ARG_STRING, &calcium, "Calcium threshold (default: 450 or 850 HU by lumen enhancement)", "HU" },
    { "septum-mm", 0, 0, G_OPTION_ARG_STRING, &septum, "Measured membranous septum length (default: 8 mm assumed)", "MM" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON under stable keys", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("PATH");
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL;
  g_autoptr(CuspMeasureContext) measure = NULL;
  g_autoptr(CuspSegmentation) seg = NULL;
  g_autoptr(CuspPatientWall) wall = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *warning_text = NULL;
  CuspRootFrame frame;
  CuspPatientCalcium fallback_calcium = { 0 };
  gboolean want_segmented = TRUE;
  g_autofree CuspLandmarks *landmarks = g_new0 (CuspLandmarks, 1);
  g_autoptr(GString) out = g_string_new (NULL);
  CuspMeasureParams params = cusp_measure_default_params ();
  CuspMeasurements m = { 0 };
  g_autofree CuspSimWorldDef *def = g_new0 (CuspSimWorldDef, 1);
  CuspSimWorld *world = NULL;
  const CuspSimResult *r;
  CuspSimStatus st;
  char message[CUSP_SIM_MESSAGE_MAX] = "";
  CuspPlanOutcome outcome;
  const CuspLeakResult *leak = &outcome.leak;
  const CuspCoronaryRisk *coronary = outcome.coronary;
  double depth_mm = NAN, tilt_deg = 0.0, rotation_deg = 0.0, solve_ms = 0.0;
  double calcium_hu = NAN, septum_mm = NAN;
  g_autofree char *assumed = NULL;

  g_option_context_set_summary (context,
    "Deploys a valve in the measured root with the embedded solver (model estimates).");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cusp_cli_fail_error (NAME, error);
  if (argc != 2)
    return cusp_cli_fail (NAME, argc < 2 ? "give one image file or DICOM folder" : "unexpected argument '%s'", argv[2]);
  if (device_id == NULL || depth == NULL)
    return cusp_cli_fail (NAME, "--device ID and --depth-mm D are required");
  if (!cusp_cli_parse_number ("--depth-mm", depth, &depth_mm, &error)
      || !cusp_cli_parse_number ("--tilt-deg", tilt, &tilt_deg, &error)
      || !cusp_cli_parse_number ("--rotation-deg", rotation, &rotation_deg, &error)
      || !cusp_cli_parse_number ("--calcium-threshold-hu", calcium, &calcium_hu, &error)
      || !cusp_cli_parse_number ("--septum-mm", septum, &septum_mm, &error))
    return cusp_cli_fail_error (NAME, error);
  if (calcium != NULL && !(calcium_hu >= CUSP_CALCIUM_THRESHOLD_MIN_HU && calcium_hu <= CUSP_CALCIUM_THRESHOLD_MAX_HU))
    return cusp_cli_fail (NAME, "--calcium-threshold-hu must lie between %g and %g HU, not %s",
                          CUSP_CALCIUM_THRESHOLD_MIN_HU, CUSP_CALCIUM_THRESHOLD_MAX_HU, calcium);
  /* the solver's own bounds for the septum region */
  if (septum != NULL && !(septum_mm >= CUSP_SEPTUM_MIN_MM && septum_mm <= CUSP_SEPTUM_MAX_MM))
    return cusp_cli_fail (NAME, "--septum-mm must lie between %g and %g mm, not %s",
                          CUSP_SEPTUM_MIN_MM, CUSP_SEPTUM_MAX_MM, septum);
  if (wall_kind != NULL && g_strcmp0 (wall_kind, "segmented") != 0 && g_strcmp0 (wall_kind, "analytic") != 0)
    return cusp_cli_fail (NAME, "--wall is 'segmented' or 'analytic', not '%s'", wall_kind);
  want_segmented = wall_kind == NULL || g_strcmp0 (wall_kind, "segmented") == 0;

  *def = cusp_sim_default_world_def ();
  if (!load_device (device_id, &def->device, &error))
    return cusp_cli_fail_error (NAME, error);

  volume = cusp_study_load_sync (argv[1], NULL, NULL, &error);
  if (volume == NULL)
    return cusp_cli_fail_error (NAME, error);
  if (landmarks_path != NULL)
    {
      g_autofree char *data = NULL;
      gsize length;
      if (!g_file_get_contents (landmarks_path, &data, &length, &error)
          || !cusp_measure_landmarks_from_json (data, length, landmarks, &error))
        return cusp_cli_fail_error (NAME, error);
    }
  if (landmarks_path == NULL || want_segmented)
    {
      CuspSegmentOptions options = cusp_segment_options_default ();
      g_autoptr(GError) seg_error = NULL;
      options.has_calcium_threshold = isfinite (calcium_hu);
      options.calcium_threshold_hu = calcium_hu;
      seg = cusp_segment_root (volume, &options, NULL, NULL, NULL, &seg_error);
      if (seg == NULL && landmarks_path == NULL)
        return cusp_cli_fail_error (NAME, seg_error);
      if (seg == NULL)
        g_ptr_array_add (warnings, g_strdup_printf ("segmentation failed (%s): analytic root "
                                                    "from the measurements", seg_error->message));
      else
        {
          if (landmarks_path == NULL)
            *landmarks = seg->landmarks;
          params.lumen_threshold = seg->lumen_threshold;
        }
    }
  params.calcium_threshold = calcium_hu;
  measure = cusp_measure_context_new (volume, &params, &error);
  if (measure == NULL || !cusp_measure_run (measure, landmarks, &m, &error)
      || !cusp_root_frame_from_annulus (&m.annulus, &frame, &error)
      || !cusp_patient_root_def (&m, landmarks, &frame, &def->root, &error))
    {
      cusp_measurements_clear (&m);
      return cusp_cli_fail_error (NAME, error);
    }
  if (isfinite (septum_mm))
    def->root.membranous_septum_length_mm = septum_mm;
  if (seg != NULL && want_segmented)
    {
      CuspPatientWallParams wp = cusp_patient_wall_default_params ();
      g_autoptr(GError) wall_error = NULL;
      wall = cusp_patient_wall_new (seg->labels, volume, seg->lumen_threshold, &frame, &wp,
                                    &def->root, &wall_error);
      if (wall == NULL)
        {
          /* the analytic wall still gets this patient's calcium, as stiff patches */
          g_ptr_array_add (warnings, g_strdup_printf ("%s: analytic root from the measurements",
                                                      wall_error->message));
          if (cusp_patient_calcium_place (seg->labels, &frame, &wp, &def->root, &fallback_calcium, NULL))
            {
              def->root.calcium_count = fallback_calcium.count;
              memcpy (def->root.calcium, fallback_calcium.nodules, sizeof fallback_calcium.nodules);
            }
        }
      else
        {
          def->use_lumen_mesh = 1;
          cusp_patient_wall_lumen_mesh (wall, &def->lumen);
          def->root.calcium_count = wall->calcium_count;
          memcpy (def->root.calcium, wall->calcium, sizeof wall->calcium);
          for (guint i = 0; i < wall->warnings->len; i++)
            g_ptr_array_add (warnings, g_strdup (g_ptr_array_index (wall->warnings, i)));
        }
    }
  g_ptr_array_add (warnings, NULL);
  warning_text = g_strjoinv ("; ", (char **) warnings->pdata);

  def->pose.depth_mm = depth_mm;
  def->pose.tilt_deg = tilt_deg;
  def->pose.rotation_deg = rotation_deg;
  world = cusp_sim_world_create (def, &st, message);
  if (world == NULL)
    {
      cusp_measurements_clear (&m);
      return cusp_cli_fail (NAME, "%s", message);
    }
  /* Same pose again continues an unconverged solve: a stiff calcium patch can need more than
   * one call's iteration budget. Bounded: at most CLI_SOLVE_CALLS calls. */
  st = cusp_sim_world_solve (world, NULL);
  solve_ms = cusp_sim_world_result (world)->solve_ms;
  for (int call = 1; call < CLI_SOLVE_CALLS && st == CUSP_SIM_OK
                     && !cusp_sim_world_result (world)->converged; call++)
    {
      st = cusp_sim_world_solve (world, NULL);
      solve_ms += cusp_sim_world_result (world)->solve_ms;
    }
  if (st != CUSP_SIM_OK)
    {
      int status = cusp_cli_fail (NAME, "%s", cusp_sim_world_message (world));
      cusp_sim_world_destroy (world);
      cusp_measurements_clear (&m);
      return status;
    }
  r = cusp_sim_world_result (world);

  if (!cusp_plan_outcome_evaluate (r, &def->device, &def->root, &m, &outcome, &error))
    {
      int status = cusp_cli_fail_error (NAME, error);
      cusp_sim_world_destroy (world);
      cusp_measurements_clear (&m);
      return status;
    }

  g_string_append (out, "{\n");
  json_key_string (out, "device.id", def->device.id);
  json_key_number (out, "pose.depth_mm", depth_mm, FALSE);
  json_key_number (out, "pose.tilt_deg", tilt_deg, FALSE);
  json_key_number (out, "pose.rotation_deg", rotation_deg, FALSE);
  json_key_number (out, "frame.inflow_dmin_mm", r->inflow.dmin_mm, FALSE);
  json_key_number (out, "frame.inflow_dmax_mm", r->inflow.dmax_mm, FALSE);
  json_key_number (out, "frame.inflow_expansion_pct", r->inflow.expansion_pct, FALSE);
  json_key_number (out, "frame.mid_dmin_mm", r->mid.dmin_mm, FALSE);
  json_key_number (out, "frame.mid_dmax_mm", r->mid.dmax_mm, FALSE);
  json_key_number (out, "frame.mid_expansion_pct", r->mid.expansion_pct, FALSE);
  json_key_number (out, "frame.outflow_dmin_mm", r->outflow.dmin_mm, FALSE);
  json_key_number (out, "frame.outflow_dmax_mm", r->outflow.dmax_mm, FALSE);
  json_key_number (out, "frame.outflow_expansion_pct", r->outflow.expansion_pct, FALSE);
  json_key_number (out, "frame.max_moment_over_yield", r->max_moment_ratio, FALSE);
  json_key_number (out, "wall.peak_contact_pressure_pa", r->peak_contact_pressure_pa, FALSE);
  json_key_number (out, "annulus.peak_areal_stretch", r->annulus_peak_areal_stretch, FALSE);
  json_key_number (out, "septum.mean_contact_pressure_pa", r->septum_mean_pressure_pa, FALSE);
  json_key_number (out, "septum.peak_contact_pressure_pa", r->septum_peak_pressure_pa, FALSE);
  json_key_number (out, "implant.depth_mm", r->implant_depth_mm, FALSE);
  json_key_number (out, "sealing.apposition_pct", r->apposition_pct, FALSE);
  json_key_number (out, "pvl.eroa_cm2", leak->eroa_cm2, FALSE);
  json_key_number (out, "pvl.regurgitant_volume_ml", leak->regurgitant_volume_ml, FALSE);
  json_key_number (out, "pvl.circumferential_extent_pct", leak->circumferential_extent_pct, FALSE);
  json_key_string (out, "pvl.grade", grade_name (leak->grade));
  for (int side = 0; side < 2; side++)
    {
      const char *s = side == 0 ? "left" : "right";
      g_autofree char *k1 = g_strdup_printf ("coronary.%s.vtc_mm", s);
      g_autofree char *k2 = g_strdup_printf ("coronary.%s.dlc_mm", s);
      g_autofree char *k3 = g_strdup_printf ("coronary.%s.dlc_over_d", s);
      g_autofree char *k4 = g_strdup_printf ("coronary.%s.height_mm", s);
      g_autofree char *k5 = g_strdup_printf ("coronary.%s.obstruction_risk", s);
      g_autofree char *k6 = g_strdup_printf ("coronary.%s.khan_flag", s);
      json_key_number (out, k1, side == 0 ? r->left_ostium_vtc_mm : r->right_ostium_vtc_mm, FALSE);
      json_key_number (out, k2, side == 0 ? r->left_ostium_dlc_mm : r->right_ostium_dlc_mm, FALSE);
      json_key_number (out, k3, coronary[side].dlc_over_d, FALSE);
      json_key_number (out, k4, side == 0 ? def->root.left_ostium_height_mm : def->root.right_ostium_height_mm, FALSE);
      json_key_string (out, k5, cusp_risk_level_to_string (coronary[side].level));
      json_key_number (out, k6, coronary[side].khan.flag, FALSE);
    }
  json_key_number (out, "coronary.leaflet_height_mm", def->root.leaflet_height_mm, FALSE);
  json_key_string (out, "rupture.risk", cusp_risk_level_to_string (outcome.rupture.level));
  json_key_number (out, "rupture.area_oversizing_pct", outcome.rupture.area_oversizing_pct, FALSE);
  json_key_string (out, "conduction.risk", cusp_risk_level_to_string (outcome.conduction.level));
  json_key_number (out, "conduction.depth_minus_septum_mm", outcome.conduction.depth_minus_septum_mm, FALSE);
  json_key_number (out, "solve.converged", r->converged, FALSE);
  json_key_number (out, "solve.iterations", r->total_iterations, FALSE);
  json_key_number (out, "solve.residual", r->residual, FALSE);
  json_key_number (out, "solve.ms", solve_ms, FALSE);
  json_key_string (out, "model.wall", wall != NULL ? "segmented" : "analytic");
  json_key_number (out, "model.wall_calcium_nodules", def->root.calcium_count, FALSE);
  json_key_number (out, "model.wall_calcium_mm3", wall != NULL ? wall->calcium_mm3 : fallback_calcium.volume_mm3, FALSE);
  json_key_string (out, "model.wall_note", wall != NULL
                   ? "segmented lumen ray-cast from the annulus axis, first wall hit (ostia and "
                     "folds bridged), segmented calcium as stiff patches"
                   : "analytic root with this patient's measured annulus, LVOT, SOV, STJ and "
                     "coronary numbers; segmented calcium (if any) as stiff patches");
  json_key_string (out, "model.warnings", warning_text);
  assumed = isfinite (septum_mm)
    ? g_strdup ("cusp height = mean commissure height")
    : g_strdup_printf ("cusp height = mean commissure height; membranous septum %g mm (not measured)",
                       def->root.membranous_septum_length_mm);
  json_key_number (out, "conduction.septum_mm", def->root.membranous_septum_length_mm, FALSE);
  json_key_string (out, "model.assumed", assumed);
  g_string_append (out, "  \"model.note\": \"model estimates for research, teaching and rehearsal; never a diagnosis\"\n}\n");

  if (json)
    fputs (out->str, stdout);
  else
    {
      /* the same keys, one per line, without the braces */
      g_auto (GStrv) lines = g_strsplit (out->str, "\n", -1);
      for (int i = 1; lines[i] != NULL && lines[i][0] != '}'; i++)
        printf ("%s\n", g_strstrip (lines[i]));
    }
  cusp_sim_world_destroy (world);
  cusp_measurements_clear (&m);
  return 0;
}
