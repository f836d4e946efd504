/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sim-test-real-ct.h: the shared real CT as the sim tests use it: read, segmented and measured
 * without a click, its root frame and the solver's root definition from the measurements. */
#pragma once

#include "cusp-image-io.h"
#include "cusp-measure.h"
#include "cusp-patient-root.h"
#include "cusp-segment.h"

typedef struct {
  CuspVolume *volume;
  CuspSegmentation *seg;
  CuspLandmarks landmarks;
  CuspMeasurements m;
  CuspRootFrame frame;
} SimTestRealCt;

/* Fills `ct` and `root` (from cusp_patient_root_def); FALSE after g_test_skip when
 * $CUSP_SHARED_DATA or the CT in it is absent. Asserts on everything else. */
gboolean sim_test_real_ct_load  (SimTestRealCt *ct, CuspSimRootDef *root);
void     sim_test_real_ct_clear (SimTestRealCt *ct);
