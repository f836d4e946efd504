/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-sim-patient.c: solver speed on segmented roots (the wall `cusp-cli simulate` uses): a
 * 0.5 mm phantom CT and the real CT in $CUSP_SHARED_DATA, each segmented, measured and ray-cast
 * into the root frame (cusp-patient-root.h), then the same timing run as bench-sim. Prints the
 * preparation times and why a case could not run; never fails for speed. */
#include "bench-sim-run.h"
#include "cusp-measure.h"
#include "cusp-patient-root.h"
#include "cusp-phantom.h"
#include "cusp-segment.h"
#include "cusp-study-loader.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

static void
run_case (const char *name, CuspVolume *volume, const CuspLandmarks *given)
{
  CuspSegmentOptions options = cusp_segment_options_default ();
  CuspMeasureParams params = cusp_measure_default_params ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspSegmentation) seg = NULL;
  g_autoptr(CuspMeasureContext) ctx = NULL;
  g_autoptr(CuspPatientWall) wall = NULL;
  CuspPatientWallParams wp = cusp_patient_wall_default_params ();
  CuspMeasurements m = { 0 };
  CuspLandmarks landmarks;
  CuspRootFrame frame;
  CuspSimWorldDef def = cusp_sim_default_world_def ();
  gint64 t0 = g_get_monotonic_time (), t1;

  seg = cusp_segment_root (volume, &options, NULL, NULL, NULL, &error);
  if (seg == NULL)
    {
      printf ("%s: segmentation failed: %s\n", name, error->message);
      return;
    }
  landmarks = given != NULL ? *given : seg->landmarks;
  params.lumen_threshold = seg->lumen_threshold;
  t1 = g_get_monotonic_time ();
  ctx = cusp_measure_context_new (volume, &params, &error);
  if (ctx == NULL || !cusp_measure_run (ctx, &landmarks, &m, &error)
      || !cusp_root_frame_from_annulus (&m.annulus, &frame, &error)
      || !cusp_patient_root_def (&m, &landmarks, &frame, &def.root, &error))
    {
      printf ("%s: measurement failed: %s\n", name, error->message);
      cusp_measurements_clear (&m);
      return;
    }
  /* time the segmented wall even where simulate would fall back to the analytic root (printed
   * below) */
  wp.required_fraction = 0.0;
  wp.max_gap_mm2 = G_MAXDOUBLE;
  wall = cusp_patient_wall_new (seg->labels, volume, seg->lumen_threshold, &frame, &wp,
                                &def.root, &error);
  if (wall == NULL)
    {
      printf ("%s: no segmented wall: %s\n", name, error->message);
      cusp_measurements_clear (&m);
      return;
    }
  printf ("%s: segmentation %.2f s, measurement + wall %.2f s; annulus %.1f x %.1f mm, "
          "%d calcium nodules (%.0f mm3), %d of %d wall cells filled (%d hits dropped as "
          "outliers), %.0f %% of the valve region hit, largest hole %.0f mm2 (simulate needs "
          "%.0f %% and no hole over %.0f mm2, else the analytic root)\n", name,
          (t1 - t0) / 1e6, (g_get_monotonic_time () - t1) / 1e6, m.annulus.dmin_mm,
          m.annulus.dmax_mm, wall->calcium_count, wall->calcium_mm3, wall->filled_cells,
          wall->params.angle_count * wall->height_count, wall->rejected_cells,
          100.0 * wall->hit_fraction_valve_region, wall->largest_gap_mm2,
          100.0 * cusp_patient_wall_default_params ().required_fraction,
          cusp_patient_wall_default_params ().max_gap_mm2);
  def.use_lumen_mesh = 1;
  cusp_patient_wall_lumen_mesh (wall, &def.lumen);
  def.root.calcium_count = wall->calcium_count;
  memcpy (def.root.calcium, wall->calcium, sizeof wall->calcium);
  def.max_iterations = 300;                   /* cold deployments on calcified walls need more */
  cusp_bench_sim_run (&def, "sapien3-class-26", 3.0);
  cusp_bench_sim_run (&def, "sapien3-class-29", 3.0);
  cusp_bench_sim_run (&def, "evolut-class-26", 4.0);
  cusp_bench_sim_run (&def, "evolut-class-29", 4.0);
  cusp_bench_sim_run (&def, "evolut-class-34", 4.0);
  cusp_measurements_clear (&m);
}

int
main (void)
{
  const char *data = g_getenv ("CUSP_SHARED_DATA");

  printf ("bench-sim-patient: segmented roots (cusp-patient-root.h), %d thread(s) "
          "(CUSP_SIM_THREADS)\n", cusp_bench_sim_threads ());
  {
    CuspPhantomDef def = cusp_phantom_default_def ();
    g_autoptr(GError) error = NULL;
    g_autoptr(CuspPhantomTruth) truth = NULL;
    g_autoptr(CuspVolume) volume = NULL;
    CuspLandmarks landmarks;
    def.spacing_mm = 0.5;
    volume = cusp_phantom_generate (&def, &truth, NULL, &error);
    if (volume == NULL)
      printf ("phantom: %s\n", error->message);
    else
      {
        cusp_phantom_truth_get_landmarks (truth, &landmarks);
        run_case ("phantom 0.5 mm (default: 450 mm2 annulus, 300 mm3 calcium), true landmarks",
                  volume, &landmarks);
      }
  }
  if (data != NULL)
    {
      g_autofree char *path = g_build_filename (data, "ct-aortic-root", "ct-aortic-root.nii.gz", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(CuspVolume) volume = NULL;
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        volume = cusp_study_load_sync (path, NULL, NULL, &error);
      if (volume == NULL)
        printf ("real CT: %s\n", error != NULL ? error->message : "not in CUSP_SHARED_DATA");
      else
        run_case ("real CT ct-aortic-root.nii.gz, detected landmarks", volume, NULL);
    }
  else
    printf ("real CT: CUSP_SHARED_DATA is not set\n");
  return 0;
}
