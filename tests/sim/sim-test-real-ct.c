/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sim-test-real-ct.c: the shared real CT for the sim tests (sim-test-real-ct.h). */
#include "sim-test-real-ct.h"

#include <string.h>

gboolean
sim_test_real_ct_load (SimTestRealCt *ct, CuspSimRootDef *root)
{
  const char *shared = g_getenv ("CUSP_SHARED_DATA");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspMeasureContext) ctx = NULL;
  CuspSegmentOptions options = cusp_segment_options_default ();
  CuspMeasureParams params = cusp_measure_default_params ();

  memset (ct, 0, sizeof *ct);
  if (shared == NULL || !g_file_test (shared, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("CUSP_SHARED_DATA is not a folder: the real CT is not here");
      return FALSE;
    }
  path = g_build_filename (shared, "ct-aortic-root", "ct-aortic-root.nii.gz", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("ct-aortic-root/ct-aortic-root.nii.gz is missing from the shared data");
      return FALSE;
    }
  ct->volume = cusp_image_read_in_process (path, NULL, &error);
  g_assert_no_error (error);
  ct->seg = cusp_segment_root (ct->volume, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  ct->landmarks = ct->seg->landmarks;
  params.lumen_threshold = ct->seg->lumen_threshold;
  ctx = cusp_measure_context_new (ct->volume, &params, &error);
  g_assert_no_error (error);
  g_assert_true (cusp_measure_run (ctx, &ct->landmarks, &ct->m, &error));
  g_assert_true (cusp_root_frame_from_annulus (&ct->m.annulus, &ct->frame, &error));
  g_assert_true (cusp_patient_root_def (&ct->m, &ct->landmarks, &ct->frame, root, &error));
  return TRUE;
}

void
sim_test_real_ct_clear (SimTestRealCt *ct)
{
  g_clear_pointer (&ct->seg, cusp_segmentation_free);
  g_clear_pointer (&ct->volume, cusp_volume_unref);
  cusp_measurements_clear (&ct->m);
}
