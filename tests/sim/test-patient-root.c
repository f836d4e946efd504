/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-patient-root.c: the segmented lumen of a phantom ray-cast into the solver's root frame
 * matches the phantom's true annulus and STJ, its calcium lands as nodules, and the wall feeds a
 * converged deployment; a valve closed on the axis and a band no ray sees still give the
 * annulus (the hole reported as such); an empty label volume is refused in words. The real CT's
 * wall feeds converged cold and warm-started Evolut-class deployments within the default budget. */
#include "cusp-error.h"
#include "cusp-measure.h"
#include "cusp-patient-root.h"
#include "cusp-phantom.h"
#include "cusp-segment.h"
#include "cusp-study-loader.h"

#include <glib.h>
#include <math.h>
#include <string.h>

typedef struct {
  CuspVolume *volume;
  CuspPhantomTruth *truth;
  CuspSegmentation *seg;
  CuspLandmarks landmarks;
  CuspMeasurements m;
  CuspRootFrame frame;
} Case;

static CuspDeviceDef
load_device (const char *id)
{
  const char *root = g_getenv ("CUSP_SOURCE_ROOT");
  g_autofree char *path = g_strdup_printf ("%s/data/devices/%s.device", root != NULL ? root : "..", id);
  CuspDeviceDef def;
  CuspDeviceError err = { 0 };

  if (cusp_device_def_load_file (path, &def, &err) != CUSP_DEVICE_OK)
    g_error ("cannot load %s: %s", path, err.message);
  return def;
}

static void
case_init (Case *c)
{
  CuspPhantomDef def = cusp_phantom_default_def ();
  CuspSegmentOptions options = cusp_segment_options_default ();
  CuspMeasureParams params = cusp_measure_default_params ();
  g_autoptr(CuspMeasureContext) ctx = NULL;
  g_autoptr(GError) error = NULL;

  def.spacing_mm = 1.0;
  c->volume = cusp_phantom_generate (&def, &c->truth, NULL, &error);
  g_assert_no_error (error);
  c->seg = cusp_segment_root (c->volume, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  cusp_phantom_truth_get_landmarks (c->truth, &c->landmarks);
  params.lumen_threshold = c->seg->lumen_threshold;
  ctx = cusp_measure_context_new (c->volume, &params, &error);
  g_assert_no_error (error);
  g_assert_true (cusp_measure_run (ctx, &c->landmarks, &c->m, &error));
  g_assert_true (cusp_root_frame_from_annulus (&c->m.annulus, &c->frame, &error));
}

static void
case_clear (Case *c)
{
  cusp_measurements_clear (&c->m);
  cusp_segmentation_free (c->seg);
  cusp_phantom_truth_free (c->truth);
  cusp_volume_unref (c->volume);
}

/* The root frame is orthonormal, maps the annulus centre to the origin and its normal to +z. */
static void
test_frame (Case *c)
{
  const CuspRootFrame *f = &c->frame;
  double q[3], back[3], tip[3];

  g_assert_cmpfloat (fabs (f->axis_x[0] * f->axis_y[0] + f->axis_x[1] * f->axis_y[1] + f->axis_x[2] * f->axis_y[2]), <, 1e-12);
  cusp_root_frame_from_lps (f, c->truth->annulus.center_mm, q);
  g_assert_cmpfloat (hypot (hypot (q[0], q[1]), q[2]), <, 0.5);
  for (int k = 0; k < 3; k++)
    tip[k] = c->truth->annulus.center_mm[k] + 10.0 * c->truth->root_axis[k];
  cusp_root_frame_from_lps (f, tip, q);
  g_assert_cmpfloat (q[2], >, 9.9);                         /* the normal: within 2.6 deg */
  cusp_root_frame_to_lps (f, q, back);
  for (int k = 0; k < 3; k++)
    g_assert_cmpfloat (fabs (back[k] - tip[k]), <, 1e-9);
}

/* Ray-cast radius against the true ellipse at z = 0 and the STJ circle on a 1 mm phantom: mean
 * error under a quarter voxel, worst under half a voxel (measured: 0.05 / 0.15 mm). */
static void
test_wall_geometry (Case *c)
{
  CuspPatientWallParams p = cusp_patient_wall_default_params ();
  g_autoptr(GError) error = NULL;
  CuspSimRootDef expected;
  g_autoptr(CuspPatientWall) w = NULL;
  double tip[3], major_deg, sum = 0.0, worst = 0.0, sum_stj = 0.0, worst_stj = 0.0;
  double a = c->truth->annulus.semi_major_mm, b = c->truth->annulus.semi_minor_mm;
  double stj_z, r_stj = 0.5 * c->truth->stj_diameter_mm;
  CuspSimLumenMesh mesh;

  g_assert_true (cusp_patient_root_def (&c->m, &c->landmarks, &c->frame, &expected, &error));
  w = cusp_patient_wall_new (c->seg->labels, c->volume, c->seg->lumen_threshold, &c->frame, &p,
                             &expected, &error);
  g_assert_no_error (error);
  g_assert_nonnull (w);
  g_assert_cmpfloat (w->hit_fraction_valve_region, >, 0.95);
  for (int k = 0; k < 3; k++)
    tip[k] = c->truth->annulus.center_mm[k] + c->truth->major_axis[k];
  major_deg = cusp_root_frame_angle_deg (&c->frame, tip);
  {
    double q[3];
    cusp_root_frame_from_lps (&c->frame, c->truth->stj_center_mm, q);
    stj_z = q[2];
  }
  for (int i = 0; i < 72; i++)
    {
      double th = 5.0 * i, phi = (th - major_deg) * G_PI / 180.0;
      double truth = a * b / sqrt (pow (b * cos (phi), 2) + pow (a * sin (phi), 2));
      double e = fabs (cusp_patient_wall_radius (w, th, 0.0) - truth);
      double es = fabs (cusp_patient_wall_radius (w, th, stj_z) - r_stj);
      sum += e / 72;
      worst = MAX (worst, e);
      sum_stj += es / 72;
      worst_stj = MAX (worst_stj, es);
    }
  g_test_message ("annulus: mean |error| %.3f mm, worst %.3f mm; STJ (z %.1f mm): mean %.3f, worst %.3f; "
                  "%d nodules, %.0f mm3 (truth %.0f mm3); filled %d of %d cells",
                  sum, worst, stj_z, sum_stj, worst_stj, w->calcium_count, w->calcium_mm3,
                  c->truth->calcium_total_mm3, w->filled_cells, w->params.angle_count * w->height_count);
  g_assert_cmpfloat (sum, <, 0.25);
  g_assert_cmpfloat (worst, <, 0.5);
  g_assert_cmpfloat (sum_stj, <, 0.25);
  g_assert_cmpfloat (worst_stj, <, 0.5);

  /* calcium: every nodule within the wall's range, volume within 40 % of the analytic spheres
   * (thresholding a 1 mm partial-volume image loses the rims) */
  g_assert_cmpint (w->calcium_count, >=, 1);
  g_assert_cmpfloat (fabs (w->calcium_mm3 - c->truth->calcium_total_mm3), <, 0.4 * c->truth->calcium_total_mm3);
  for (int i = 0; i < w->calcium_count; i++)
    {
      g_assert_true (w->calcium[i].theta_deg >= 0.0 && w->calcium[i].theta_deg < 360.0);
      g_assert_cmpfloat (w->calcium[i].height_mm, >=, p.height0_mm);
      g_assert_cmpfloat (w->calcium[i].height_mm, <=, p.height1_mm);
      g_assert_cmpfloat (w->calcium[i].radius_mm, >=, 1.0);
      /* calcium as geometry: it stands into the lumen by its mean thickness */
      g_assert_cmpfloat (w->calcium[i].protrusion_mm, >, 0.0);
      g_assert_cmpfloat (w->calcium[i].protrusion_mm, <=, CUSP_PATIENT_CALCIUM_MAX_PROTRUSION_MM);
    }

  /* the wall feeds the solver: a 26 mm frame 3 mm deep converges */
  cusp_patient_wall_lumen_mesh (w, &mesh);
  {
    g_autofree CuspSimWorldDef *def = g_new0 (CuspSimWorldDef, 1);
    CuspSimStatus st;
    char message[CUSP_SIM_MESSAGE_MAX] = "";
    CuspSimWorld *world;
    const CuspSimResult *r;
    *def = cusp_sim_default_world_def ();
    g_assert_true (cusp_patient_root_def (&c->m, &c->landmarks, &c->frame, &def->root, &error));
    def->device = load_device ("sapien3-class-26");
    def->use_lumen_mesh = 1;
    def->lumen = mesh;
    def->root.calcium_count = w->calcium_count;
    memcpy (def->root.calcium, w->calcium, sizeof w->calcium);
    def->pose.depth_mm = 3.0;
    def->max_iterations = 300;
    world = cusp_sim_world_create (def, &st, message);
    g_assert_cmpstr (message, ==, "");
    g_assert_nonnull (world);
    g_assert_cmpint (cusp_sim_world_solve (world, NULL), ==, CUSP_SIM_OK);
    r = cusp_sim_world_result (world);
    g_test_message ("segmented wall: %d iterations, residual %.2g, inflow %.2f-%.2f mm, apposition %.0f %%",
                    r->total_iterations, r->residual, r->inflow.dmin_mm, r->inflow.dmax_mm, r->apposition_pct);
    g_assert_true (r->converged);
    g_assert_cmpfloat (r->inflow.dmin_mm, >, 2.0 * b - 1.0);        /* held open by the annulus */
    g_assert_cmpfloat (r->inflow.dmax_mm, <, 26.0 * 1.05);
    cusp_sim_world_destroy (world);
  }
}

/* A copy of the labels with every voxel whose root-frame point is within radius_mm of the axis
 * and between z0_mm and z1_mm made background. */
static CuspVolume *
labels_blanked (Case *c, double radius_mm, double z0_mm, double z1_mm)
{
  const CuspVolume *src = c->seg->labels;
  g_autoptr(GError) error = NULL;
  CuspVolume *copy = cusp_volume_new (CUSP_VOXEL_INT16, src->dims, &error);
  gint16 *vox;

  g_assert_no_error (error);
  cusp_volume_copy_geometry (copy, src);
  vox = copy->voxels;
  memcpy (vox, src->voxels, cusp_volume_byte_count (src));
  for (int k = 0; k < src->dims[2]; k++)
    for (int j = 0; j < src->dims[1]; j++)
      for (int i = 0; i < src->dims[0]; i++)
        {
          double ijk[3] = { i, j, k }, p[3], q[3];
          cusp_volume_index_to_lps (src, ijk, p);
          cusp_root_frame_from_lps (&c->frame, p, q);
          if (q[2] >= z0_mm && q[2] <= z1_mm && hypot (q[0], q[1]) <= radius_mm)
            vox[((gsize) k * src->dims[1] + j) * src->dims[0] + i] = CUSP_LABEL_BACKGROUND;
        }
  return copy;
}

/* The wall of `labels` with the measured analytic root as the expected shape. */
static CuspPatientWall *
wall_of (Case *c, const CuspVolume *labels, const CuspPatientWallParams *p, GError **error)
{
  CuspSimRootDef expected;

  g_assert_true (cusp_patient_root_def (&c->m, &c->landmarks, &c->frame, &expected, NULL));
  return cusp_patient_wall_new (labels, c->volume, c->seg->lumen_threshold, &c->frame, p,
                                &expected, error);
}

/* Mean |error| of the wall against the phantom's true annulus ellipse at height z_mm. */
static double
annulus_error_mm (Case *c, const CuspPatientWall *w, double z_mm)
{
  double a = c->truth->annulus.semi_major_mm, b = c->truth->annulus.semi_minor_mm, tip[3], sum = 0.0;
  double major_deg;

  for (int k = 0; k < 3; k++)
    tip[k] = c->truth->annulus.center_mm[k] + c->truth->major_axis[k];
  major_deg = cusp_root_frame_angle_deg (&c->frame, tip);
  for (int i = 0; i < 72; i++)
    {
      double th = 5.0 * i, phi = (th - major_deg) * G_PI / 180.0;
      double truth = a * b / sqrt (pow (b * cos (phi), 2) + pow (a * sin (phi), 2));
      sum += fabs (cusp_patient_wall_radius (w, th, z_mm) - truth) / 72;
    }
  return sum;
}

/* A closed valve, as on the real (diastolic) CT: the leaflets meet on the axis around the
 * annulus, so the axis point is not lumen there. The rays walk out to the lumen first and still
 * find the annulus (without that, 92 % of the valve region was hit). */
static void
test_closed_valve (Case *c)
{
  CuspPatientWallParams p = cusp_patient_wall_default_params ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) labels = labels_blanked (c, 4.0, -1.0, 2.0);
  g_autoptr(CuspPatientWall) w = wall_of (c, labels, &p, &error);
  double e;

  g_assert_no_error (error);
  e = annulus_error_mm (c, w, 0.5);
  g_test_message ("closed valve: %.1f %% of the valve region hit, annulus mean |error| %.3f mm",
                  100.0 * w->hit_fraction_valve_region, e);
  g_assert_cmpfloat (w->hit_fraction_valve_region, >, 0.95);
  g_assert_cmpfloat (e, <, 0.25);
}

/* A band no ray can see (no lumen at all between -1 and 2.5 mm): it is reported as a hole, not
 * hit, and filled with the measured annulus' shape blended into the wall around it; a stricter
 * hole limit refuses the same wall in words. */
static void
test_hidden_band (Case *c)
{
  CuspPatientWallParams p = cusp_patient_wall_default_params ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) labels = labels_blanked (c, 40.0, -1.0, 2.5);
  g_autoptr(CuspPatientWall) w = wall_of (c, labels, &p, &error);
  int na = p.angle_count, row = (int) lround ((0.5 - p.height0_mm) / p.height_step_mm), band_hits = 0;
  double e, band_mm2 = 3.5 * G_PI * 0.5 * (c->m.annulus.dmin_mm + c->m.annulus.dmax_mm);

  g_assert_no_error (error);
  for (int a = 0; a < na; a++)
    band_hits += w->hit_mask[row * na + a];
  e = annulus_error_mm (c, w, 0.5);
  g_test_message ("hidden band: %.1f %% hit, largest hole %.0f mm2 (band about %.0f mm2), "
                  "annulus mean |error| %.3f mm", 100.0 * w->hit_fraction_valve_region,
                  w->largest_gap_mm2, band_mm2, e);
  g_assert_cmpint (band_hits, ==, 0);
  g_assert_cmpfloat (w->hit_fraction_valve_region, <, 0.95);
  g_assert_cmpfloat (w->largest_gap_mm2, >, 0.7 * band_mm2);
  g_assert_cmpfloat (w->largest_gap_mm2, <, 1.5 * band_mm2);
  g_assert_cmpuint (w->warnings->len, >=, 1);
  g_assert_cmpfloat (e, <, 0.5);
  g_clear_pointer (&w, cusp_patient_wall_free);

  p.max_gap_mm2 = 0.5 * band_mm2;
  w = wall_of (c, labels, &p, &error);
  g_assert_null (w);
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "without a wall"));
}

/* An empty label volume gives no wall and says why. */
static void
test_empty_labels (Case *c)
{
  CuspPatientWallParams p = cusp_patient_wall_default_params ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) empty = cusp_volume_new (CUSP_VOXEL_INT16, c->seg->labels->dims, &error);
  CuspPatientWall *w;
  CuspSimRootDef expected = cusp_sim_default_root_def ();

  g_assert_no_error (error);
  cusp_volume_copy_geometry (empty, c->seg->labels);
  w = cusp_patient_wall_new (empty, NULL, 0.0, &c->frame, &p, &expected, &error);
  g_assert_null (w);
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "valve region"));
}

/* The real CT ($CUSP_SHARED_DATA), segmented with detected landmarks, its wall in the solver: an
 * Evolut-class 29 deploys cold within two calls of the default budget (60 iterations each) and a
 * 0.5 mm deeper pose, warm-started, converges within one. Before the line search on the energy's
 * slope the cold deployment took 142 iterations and a warm update a median of 44. */
static void
test_real_ct (void)
{
  const char *data = g_getenv ("CUSP_SHARED_DATA");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL;
  g_autoptr(CuspSegmentation) seg = NULL;
  g_autoptr(CuspMeasureContext) ctx = NULL;
  g_autoptr(CuspPatientWall) wall = NULL;
  CuspSegmentOptions options = cusp_segment_options_default ();
  CuspMeasureParams params = cusp_measure_default_params ();
  CuspPatientWallParams wp = cusp_patient_wall_default_params ();
  CuspSimWorldDef def = cusp_sim_default_world_def ();
  CuspMeasurements m = { 0 };
  CuspRootFrame frame;
  CuspSimWorld *w;
  CuspSimPose deeper;
  const CuspSimResult *r;
  CuspSimStatus st;
  char msg[CUSP_SIM_MESSAGE_MAX] = "";
  int cold_iterations;

  if (data != NULL)
    path = g_build_filename (data, "ct-aortic-root", "ct-aortic-root.nii.gz", NULL);
  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the real CT is not in $CUSP_SHARED_DATA (a fresh clone without shared/)");
      return;
    }
  volume = cusp_study_load_sync (path, NULL, NULL, &error);
  g_assert_no_error (error);
  seg = cusp_segment_root (volume, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  params.lumen_threshold = seg->lumen_threshold;
  ctx = cusp_measure_context_new (volume, &params, &error);
  g_assert_no_error (error);
  g_assert_true (cusp_measure_run (ctx, &seg->landmarks, &m, &error));
  g_assert_true (cusp_root_frame_from_annulus (&m.annulus, &frame, &error));
  g_assert_true (cusp_patient_root_def (&m, &seg->landmarks, &frame, &def.root, &error));
  wall = cusp_patient_wall_new (seg->labels, volume, seg->lumen_threshold, &frame, &wp, &def.root,
                                &error);
  g_assert_no_error (error);
  def.use_lumen_mesh = 1;
  cusp_patient_wall_lumen_mesh (wall, &def.lumen);
  def.root.calcium_count = wall->calcium_count;
  memcpy (def.root.calcium, wall->calcium, sizeof wall->calcium);
  def.device = load_device ("evolut-class-29");
  def.pose.depth_mm = 4.0;
  w = cusp_sim_world_create (&def, &st, msg);
  g_assert_nonnull (w);
  r = cusp_sim_world_result (w);
  g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
  if (!r->converged)
    g_assert_cmpint (cusp_sim_world_solve (w, NULL), ==, CUSP_SIM_OK);
  cold_iterations = r->total_iterations;
  g_assert_true (r->converged);
  g_assert_cmpfloat (r->residual, <=, def.residual_tolerance);
  deeper = def.pose;
  deeper.depth_mm += 0.5;
  g_assert_cmpint (cusp_sim_world_solve (w, &deeper), ==, CUSP_SIM_OK);
  g_test_message ("real CT, Evolut-class 29 at 4 mm: cold %d iterations, 0.5 mm deeper %d "
                  "(residual %.2g), peak areal stretch %.2f", cold_iterations, r->iterations,
                  r->residual, r->annulus_peak_areal_stretch);
  g_assert_true (r->converged);
  g_assert_cmpfloat (r->residual, <=, def.residual_tolerance);
  g_assert_true (isfinite (r->annulus_peak_areal_stretch) && r->annulus_peak_areal_stretch >= 1.0);
  cusp_sim_world_destroy (w);
  cusp_measurements_clear (&m);
}

static void
test_all (void)
{
  Case c = { 0 };

  case_init (&c);
  test_frame (&c);
  test_wall_geometry (&c);
  test_closed_valve (&c);
  test_hidden_band (&c);
  test_empty_labels (&c);
  case_clear (&c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/patient-root/phantom", test_all);
  g_test_add_func ("/sim/patient-root/real-ct", test_real_ct);
  return g_test_run ();
}
