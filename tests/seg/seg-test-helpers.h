/* SPDX-License-Identifier: GPL-3.0-or-later */
/* seg-test-helpers.h: small checks shared by the segmentation tests. */
#pragma once

#include <string.h>

#include "cusp-segment.h"

/* TRUE when one of the segmentation's warnings contains `part`. */
static inline gboolean
seg_test_has_warning (const CuspSegmentation *seg, const char *part)
{
  for (guint w = 0; w < seg->warnings->len; w++)
    if (strstr (g_ptr_array_index (seg->warnings, w), part) != NULL)
      return TRUE;
  return FALSE;
}

/* A zero-filled float32 MR volume of 1 x 1 x 2 mm voxels (thick slices, as on the 3 T MR), for
 * the synthetic bright-blood images. */
static inline CuspVolume *
seg_test_new_mr_volume (int nx, int ny, int nz)
{
  const int dims[3] = { nx, ny, nz };
  g_autoptr(GError) error = NULL;
  CuspVolume *image = cusp_volume_new (CUSP_VOXEL_FLOAT32, dims, &error);
  g_assert_no_error (error);
  image->spacing_mm[0] = image->spacing_mm[1] = 1.0;
  image->spacing_mm[2] = 2.0;
  image->modality = CUSP_MODALITY_MR;
  return image;
}
