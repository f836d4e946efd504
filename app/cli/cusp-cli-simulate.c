/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-cli-simulate.c: `cusp-cli simulate PATH --device ID --depth-mm D [--tilt-deg T]
 * [--rotation-deg R] [--landmarks FILE.json] [--json]` segments and measures the root (or takes
 * the landmarks given), deploys the valve with the embedded solver and prints every output under
 * stable keys.
 *
 * The wall the solver sees is the analytic root (cusp_sim_default_root_def) given this patient's
 * measured numbers: annulus Dmin / Dmax, LVOT, mean SOV, STJ diameter and height, coronary heights
 * and the angles of the commissures and ostia about the annulus axis. The segmented lumen surface
 * itself is not used yet, nor the calcium (it is measured but not placed as nodules); the cusp
 * height is taken as the mean commissure height and the membranous septum as the solver's
 * default 8 mm: all said in the output's "model" notes. */
#include "cusp-cli.h"
#include "cusp-cli-number.h"
#include "cusp-config.h"
#include "cusp-error.h"
#include "cusp-measure.h"
#include "cusp-measure-json.h"
#include "cusp-segment.h"
#include "cusp-sim.h"
#include "cusp-sim-pvl.h"
#include "cusp-sim-risk.h"
#include "cusp-study-loader.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NAME "simulate"

static double
dot3 (const double *a, const double *b)
{
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* Angle of point p about the annulus axis, in the root frame (x = the annulus contour's farthest
 * point from the centroid, i.e. its major axis; z = the annulus normal). */
static double
root_angle_deg (const double *p, const double *centre, const double *e1, const double *e2)
{
  double v[3] = { p[0] - centre[0], p[1] - centre[1], p[2] - centre[2] };
  double a = atan2 (dot3 (v, e2), dot3 (v, e1)) * 180.0 / G_PI;

  return a < 0.0 ? a + 360.0 : a;
}

static gboolean
root_from_measurements (const CuspMeasurements *m, const CuspLandmarks *lm, CuspSimRootDef *root,
                        GError **error)
{
  const CuspSection *ann = &m->annulus;
  const double *c = ann->centroid_mm, *n = ann->normal;
  double e1[3] = { 0.0, 0.0, 0.0 }, e2[3], best = -1.0, len, commissure_height = 0.0;

  if (!ann->valid || !isfinite (ann->dmin_mm) || !isfinite (ann->dmax_mm))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "the annulus could not be measured");
      return FALSE;
    }
  for (int i = 0; i < ann->point_count; i++)       /* the major axis: the farthest contour point */
    {
      double v[3] = { ann->points_mm[i][0] - c[0], ann->points_mm[i][1] - c[1],
                      ann->points_mm[i][2] - c[2] };
      double along = dot3 (v, n), d;
      for (int k = 0; k < 3; k++)
        v[k] -= along * n[k];
      d = dot3 (v, v);
      if (d > best)
        {
          best = d;
          memcpy (e1, v, sizeof e1);
        }
    }
  len = sqrt (dot3 (e1, e1));
  if (!(len > 0.0))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "the annulus contour is degenerate");
      return FALSE;
    }
  for (int k = 0; k < 3; k++)
    e1[k] /= len;
  e2[0] = n[1] * e1[2] - n[2] * e1[1];
  e2[1] = n[2] * e1[0] - n[0] * e1[2];
  e2[2] = n[0] * e1[1] - n[1] * e1[0];

  *root = cusp_sim_default_root_def ();
  root->annulus_dmin_mm = ann->dmin_mm;
  root->annulus_dmax_mm = ann->dmax_mm;
  if (m->lvot.valid && isfinite (m->lvot.area_diameter_mm))
    root->lvot_diameter_mm = m->lvot.area_diameter_mm;
  if (isfinite (m->sov_mean_diameter_mm))
    root->sinus_diameter_mm = m->sov_mean_diameter_mm;
  if (isfinite (m->stj_diameter_mm))
    root->stj_diameter_mm = m->stj_diameter_mm;
  if (isfinite (m->stj_height_mm))
    root->stj_height_mm = m->stj_height_mm;
  if (isfinite (m->left_coronary_height_mm))
    root->left_ostium_height_mm = m->left_coronary_height_mm;
  if (isfinite (m->right_coronary_height_mm))
    root->right_ostium_height_mm = m->right_coronary_height_mm;
  root->ncc_rcc_commissure_deg = root_angle_deg (lm->commissure_mm[CUSP_COMMISSURE_RIGHT_NON], c,
                                                 e1, e2);
  root->left_ostium_deg = root_angle_deg (lm->left_ostium_mm, c, e1, e2);
  root->right_ostium_deg = root_angle_deg (lm->right_ostium_mm, c, e1, e2);
  for (int k = 0; k < CUSP_COMMISSURE_COUNT; k++)
    {
      double v[3] = { lm->commissure_mm[k][0] - c[0], lm->commissure_mm[k][1] - c[1],
                      lm->commissure_mm[k][2] - c[2] };
      commissure_height += dot3 (v, n) / CUSP_COMMISSURE_COUNT;
    }
  if (isfinite (commissure_height) && commissure_height > 2.0)
    root->leaflet_height_mm = commissure_height;
  return TRUE;
}

static gboolean
load_device (const char *id, CuspDeviceDef *out, GError **error)
{
  g_autofree char *source = g_build_filename (CUSP_SOURCE_DATADIR, "devices", NULL);
  g_autofree char *installed = g_build_filename (CUSP_DATADIR, "devices", NULL);
  g_autofree char *user = g_build_filename (g_get_user_data_dir (), "cusp", "devices", NULL);
  const char *dirs[2] = { g_file_test (source, G_FILE_TEST_IS_DIR) ? source : installed, user };
  CuspDeviceLibrary lib = { 0 };
  const CuspDeviceDef *def;

  cusp_device_library_load (&lib, dirs, g_file_test (user, G_FILE_TEST_IS_DIR) ? 2 : 1);
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
  g_autofree char *rotation = NULL;
  GOptionEntry entries[] = {
    { "device", 0, 0, G_OPTION_ARG_STRING, &device_id, "Device id (cusp-cli devices)", "ID" },
    { "depth-mm", 0, 0, G_OPTION_ARG_STRING, &depth, "Implant depth below the annulus", "MM" },
    { "tilt-deg", 0, 0, G_OPTION_ARG_STRING, &tilt, "Tilt of the valve axis (default 0)", "DEG" },
    { "rotation-deg", 0, 0, G_OPTION_ARG_STRING, &rotation, "Spin about the valve axis (default 0)", "DEG" },
    { "landmarks", 0, 0, G_OPTION_ARG_FILENAME, &landmarks_path, "Use these landmarks (JSON) instead of detecting them", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON under stable keys", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("PATH");
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL;
  g_autoptr(CuspMeasureContext) measure = NULL;
  g_autofree CuspLandmarks *landmarks = g_new0 (CuspLandmarks, 1);
  g_autoptr(GString) out = g_string_new (NULL);
  CuspMeasureParams params = cusp_measure_default_params ();
  CuspMeasurements m = { 0 };
  g_autofree CuspSimWorldDef *def = g_new0 (CuspSimWorldDef, 1);
  CuspSimWorld *world = NULL;
  const CuspSimResult *r;
  CuspSimStatus st;
  char message[CUSP_SIM_MESSAGE_MAX] = "";
  CuspLeakResult leak;
  CuspFlowError flow_error = { 0 };
  CuspCoronaryRisk coronary[2];
  CuspRuptureRisk rupture;
  CuspConductionRisk conduction;
  CuspRiskError risk_error = { 0 };
  double depth_mm = NAN, tilt_deg = 0.0, rotation_deg = 0.0;

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
      || !cusp_cli_parse_number ("--rotation-deg", rotation, &rotation_deg, &error))
    return cusp_cli_fail_error (NAME, error);

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
  else
    {
      CuspSegmentOptions options = cusp_segment_options_default ();
      g_autoptr(CuspSegmentation) seg = cusp_segment_root (volume, &options, NULL, NULL, NULL, &error);
      if (seg == NULL)
        return cusp_cli_fail_error (NAME, error);
      *landmarks = seg->landmarks;
      params.lumen_threshold = seg->lumen_threshold;
    }
  measure = cusp_measure_context_new (volume, &params, &error);
  if (measure == NULL || !cusp_measure_run (measure, landmarks, &m, &error)
      || !root_from_measurements (&m, landmarks, &def->root, &error))
    {
      cusp_measurements_clear (&m);
      return cusp_cli_fail_error (NAME, error);
    }

  def->pose.depth_mm = depth_mm;
  def->pose.tilt_deg = tilt_deg;
  def->pose.rotation_deg = rotation_deg;
  world = cusp_sim_world_create (def, &st, message);
  if (world == NULL)
    {
      cusp_measurements_clear (&m);
      return cusp_cli_fail (NAME, "%s", message);
    }
  st = cusp_sim_world_solve (world, NULL);
  if (st != CUSP_SIM_OK)
    {
      int status = cusp_cli_fail (NAME, "%s", cusp_sim_world_message (world));
      cusp_sim_world_destroy (world);
      cusp_measurements_clear (&m);
      return status;
    }
  r = cusp_sim_world_result (world);

  if (cusp_sim_result_leak (r, &leak, &flow_error) != CUSP_FLOW_OK)
    {
      int status = cusp_cli_fail (NAME, "leak model: %s", flow_error.message);
      cusp_sim_world_destroy (world);
      cusp_measurements_clear (&m);
      return status;
    }
  for (int side = 0; side < 2; side++)
    {
      CuspCoronaryInput in = { 0 };
      in.side = side == 0 ? CUSP_CORONARY_LEFT : CUSP_CORONARY_RIGHT;
      in.leaflet_height_mm = def->root.leaflet_height_mm;
      in.coronary_height_mm = side == 0 ? def->root.left_ostium_height_mm : def->root.right_ostium_height_mm;
      in.vtc_mm = side == 0 ? r->left_ostium_vtc_mm : r->right_ostium_vtc_mm;
      in.dlc_mm = side == 0 ? r->left_ostium_dlc_mm : r->right_ostium_dlc_mm;
      in.coronary_diameter_mm = def->root.coronary_diameter_mm;
      in.culprit_leaflet_calcium_mm3 = m.calcium_measured
        ? m.calcium_mm3[side == 0 ? CUSP_CALCIUM_LEAFLET_LEFT : CUSP_CALCIUM_LEAFLET_RIGHT] : 0.0;
      in.sov_diameter_mm = def->root.sinus_diameter_mm;
      in.valve_diameter_mm = def->device.nominal_diameter_mm;
      memset (&coronary[side], 0, sizeof coronary[side]);
      cusp_risk_coronary (&in, &coronary[side], &risk_error);
    }
  {
    CuspRuptureInput in = { 0 };
    CuspConductionInput cin = { 0 };
    in.annulus_area_mm2 = m.annulus.area_mm2;
    in.valve_diameter_mm = def->device.nominal_diameter_mm;
    in.has_peak_areal_stretch = 1;
    in.peak_areal_stretch = r->annulus_peak_areal_stretch;
    in.lvot_calcium_mm3 = m.calcium_measured ? m.calcium_mm3[CUSP_CALCIUM_LVOT] : 0.0;
    memset (&rupture, 0, sizeof rupture);
    cusp_risk_annular_rupture (&in, &rupture, &risk_error);
    cin.implant_depth_mm = r->implant_depth_mm;
    cin.membranous_septum_length_mm = def->root.membranous_septum_length_mm;
    cin.has_septal_pressure = 1;
    cin.septal_contact_pressure_pa = r->septum_mean_pressure_pa;
    memset (&conduction, 0, sizeof conduction);
    cusp_risk_conduction (&cin, &conduction, &risk_error);
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
  json_key_number (out, "pvl.eroa_cm2", leak.eroa_cm2, FALSE);
  json_key_number (out, "pvl.regurgitant_volume_ml", leak.regurgitant_volume_ml, FALSE);
  json_key_number (out, "pvl.circumferential_extent_pct", leak.circumferential_extent_pct, FALSE);
  json_key_string (out, "pvl.grade", grade_name (leak.grade));
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
  json_key_string (out, "rupture.risk", cusp_risk_level_to_string (rupture.level));
  json_key_number (out, "rupture.area_oversizing_pct", rupture.area_oversizing_pct, FALSE);
  json_key_string (out, "conduction.risk", cusp_risk_level_to_string (conduction.level));
  json_key_number (out, "conduction.depth_minus_septum_mm", conduction.depth_minus_septum_mm, FALSE);
  json_key_number (out, "solve.converged", r->converged, FALSE);
  json_key_number (out, "solve.iterations", r->total_iterations, FALSE);
  json_key_number (out, "solve.residual", r->residual, FALSE);
  json_key_number (out, "solve.ms", r->solve_ms, FALSE);
  json_key_string (out, "model.wall", "analytic root with this patient's measured annulus, LVOT, "
                   "SOV, STJ and coronary numbers; segmented surface and calcium not used yet");
  json_key_string (out, "model.assumed", "cusp height = mean commissure height; membranous septum "
                   "8 mm (not measured)");
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
