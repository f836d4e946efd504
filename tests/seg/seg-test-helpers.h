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
