/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-itk-segment.h: the few ITK filters segmentation needs, on plain C buffers.
 *
 * Buffers are dims[0] * dims[1] * dims[2] voxels, i fastest, on an axis-aligned grid with the
 * given spacing (the callers resample into such a grid first). Every C++ exception is caught in
 * cusp-itk-segment.cxx and returned as a CUSP_ERROR GError. */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Signed Euclidean distance in mm to the mask boundary: positive inside (mask != 0), negative
 * outside, on the voxel grid (Maurer's exact algorithm). */
gboolean cusp_itk_signed_distance   (const guint8 *mask,
                                     const int     dims[3],
                                     const double  spacing_mm[3],
                                     float        *distance_mm,
                                     GError      **error);

/* Connected components of mask != 0 (26-connected), labels 1..n in `labels`, 0 outside.
 * Returns n, or -1 with `error` set. */
int      cusp_itk_label_components  (const guint8 *mask,
                                     const int     dims[3],
                                     int32_t      *labels,
                                     GError      **error);

/* In-place recursive Gaussian smoothing with standard deviation sigma_mm on every axis. */
gboolean cusp_itk_gaussian_smooth   (float        *values,
                                     const int     dims[3],
                                     const double  spacing_mm[3],
                                     double        sigma_mm,
                                     GError      **error);

G_END_DECLS
