/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-transfer-function.h: colour and opacity of each voxel value for volume rendering
 * (GL-free: the ray-cast renderer uploads the baked table).
 *
 * A transfer function is piecewise linear between a few control points. On a CT whose values
 * are Hounsfield units the CT presets use fixed HU points (air and fat always transparent). On
 * any other volume (MR, or a CT without a valid rescale such as an 8-bit export) no HU number
 * means anything, so every preset places its points at percentiles of that volume's own
 * intensity distribution instead (of its foreground: most of a scan is air or padding, which
 * would otherwise pull every percentile down to the background); the MR preset always does.
 *
 * Opacity is per millimetre of material: a ray crossing L mm of a value with opacity a keeps
 * (1 - a)^L of the light behind it, whatever the sampling step (the renderer corrects for its
 * step), so a preset looks the same on a 0.4 mm and a 1.5 mm scan.
 */
#pragma once

#include "cusp-volume.h"

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CUSP_RAYCAST_PRESET_CT_CARDIAC,   /* contrast blood pool and myocardium, bone white */
  CUSP_RAYCAST_PRESET_CT_BONE,      /* bone (and the brightest contrast) only */
  CUSP_RAYCAST_PRESET_CT_CALCIUM,   /* calcium and metal: >= 600 HU only */
  CUSP_RAYCAST_PRESET_MR_DEFAULT,   /* the brightest tissue of any volume, from its percentiles */
  CUSP_RAYCAST_PRESET_COUNT
} CuspRaycastPreset;

/* Translated label for menus ("Cardiac CT", ...). */
const char *cusp_raycast_preset_name (CuspRaycastPreset preset);

#define CUSP_TRANSFER_FUNCTION_MAX_POINTS 8
/* Entries of the baked table (cusp_transfer_function_bake). */
#define CUSP_TRANSFER_FUNCTION_TABLE_SIZE 256

typedef struct {
  double value;       /* voxel value (HU on a Hounsfield volume) */
  float rgba[4];      /* colour 0..1 and opacity per mm of material, 0..1 */
} CuspTransferPoint;

typedef struct {
  CuspRaycastPreset preset;
  gboolean over_hu;   /* TRUE: points are fixed HU; FALSE: placed at the volume's percentiles */
  gboolean shaded;    /* the renderer lights the gradient (surfaces), else emission only */
  int n_points;       /* >= 2, values strictly increasing */
  CuspTransferPoint points[CUSP_TRANSFER_FUNCTION_MAX_POINTS];
} CuspTransferFunction;

/* The preset for `volume`. Values below the first point take the first point's colour and
 * opacity (always transparent), values above the last take the last's. */
void     cusp_transfer_function_init      (CuspTransferFunction       *tf,
                                           CuspRaycastPreset           preset,
                                           const CuspVolume           *volume);
/* Colour and opacity at one voxel value (linear between points; NaN is transparent). */
void     cusp_transfer_function_evaluate  (const CuspTransferFunction *tf,
                                           double                      value,
                                           float                       rgba[4]);
/* The value range the baked table spans: its first and last control points. */
void     cusp_transfer_function_get_range (const CuspTransferFunction *tf,
                                           double                     *min_value,
                                           double                     *max_value);
/* CUSP_TRANSFER_FUNCTION_TABLE_SIZE RGBA entries; entry e holds the value
 * min + e * (max - min) / (TABLE_SIZE - 1) of cusp_transfer_function_get_range(). */
void     cusp_transfer_function_bake      (const CuspTransferFunction *tf,
                                           float                       table_rgba[CUSP_TRANSFER_FUNCTION_TABLE_SIZE * 4]);

/* Values below which the given fractions (0..1, any order) of the volume's voxels lie, from a
 * regular subsample of at most about a million voxels (exact for smaller volumes). With
 * `foreground_only`, only voxels above the background count: above the lowest value plus 2 % of
 * the value range, which drops the zero padding of exports and the noise floor of MR air. */
void     cusp_transfer_function_percentiles (const CuspVolume           *volume,
                                           gboolean                    foreground_only,
                                           const double               *fractions,
                                           int                         n_fractions,
                                           double                     *values);

G_END_DECLS
