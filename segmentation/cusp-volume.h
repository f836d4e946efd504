/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-volume.h: the one in-memory image model every layer shares.
 *
 * A volume is a 3D scalar grid in patient coordinates (DICOM LPS: +x toward the patient's Left,
 * +y Posterior, +z Superior), exactly as ITK holds it:
 *
 *   lps = origin_mm + direction * diag(spacing_mm) * ijk
 *
 * where column c of the row-major 3x3 `direction` is the unit LPS direction of index axis c and
 * ijk are voxel-centre indices (i fastest in memory). Display settings (window/level) are not
 * stored here: that is the view's business (Slicer's data/display split).
 *
 * A volume is reference counted and, once handed to another thread or layer, immutable. Its
 * voxels live in a GBytes so that a loader can hand over an mmap()ed file without a copy.
 */
#pragma once

#include <glib-object.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef enum {
  CUSP_VOXEL_INT16,    /* CT in HU and any integer data that fits after rescale */
  CUSP_VOXEL_FLOAT32,  /* everything else */
} CuspVoxelType;

typedef enum {
  CUSP_MODALITY_OTHER,
  CUSP_MODALITY_CT,
  CUSP_MODALITY_MR,
} CuspModality;

typedef struct _CuspVolume CuspVolume;

struct _CuspVolume {
  int dims[3];                /* voxel counts along i, j, k */
  double spacing_mm[3];       /* distance between voxel centres along i, j, k */
  double origin_mm[3];        /* LPS position of the centre of voxel (0,0,0) */
  double direction[9];        /* row-major; column c = LPS unit vector of index axis c */
  CuspVoxelType voxel_type;
  CuspModality modality;
  gboolean hounsfield;        /* values are Hounsfield units (CT with a valid rescale) */
  gboolean orientation_known; /* FALSE when the file carries no patient orientation */
  char *description;          /* series description or file name; may be NULL */
  GPtrArray *warnings;        /* (element-type utf8): readable, non-fatal problems */
  void *voxels;               /* dims[0]*dims[1]*dims[2] values of voxel_type; owned by voxel_bytes */
  GBytes *voxel_bytes;
};

#define CUSP_TYPE_VOLUME (cusp_volume_get_type ())
GType        cusp_volume_get_type        (void) G_GNUC_CONST;

/* Allocates zeroed voxels, identity direction, unit spacing, zero origin. NULL + error when the
 * dimensions are not positive or the allocation would overflow or fail. */
CuspVolume  *cusp_volume_new             (CuspVoxelType  voxel_type,
                                          const int      dims[3],
                                          GError       **error);
/* Takes a reference on `voxel_bytes`, which must hold exactly the voxels' byte count. */
CuspVolume  *cusp_volume_new_for_bytes   (CuspVoxelType  voxel_type,
                                          const int      dims[3],
                                          GBytes        *voxel_bytes,
                                          GError       **error);
CuspVolume  *cusp_volume_ref             (CuspVolume    *volume);
void         cusp_volume_unref           (CuspVolume    *volume);

gsize        cusp_volume_voxel_count     (const CuspVolume *volume);
gsize        cusp_voxel_type_size        (CuspVoxelType     voxel_type);
gsize        cusp_volume_byte_count      (const CuspVolume *volume);
const char  *cusp_modality_to_string     (CuspModality      modality); /* "CT", "MR", "OT" */

/* Value at integer index, as double; no bounds check beyond a g_return_val_if_fail. */
double       cusp_volume_get_value       (const CuspVolume *volume, int i, int j, int k);
/* Trilinear sample at a continuous index; `outside` when ijk is beyond the voxel centres. */
double       cusp_volume_sample_index    (const CuspVolume *volume, const double ijk[3], double outside);
/* Trilinear sample at an LPS point. */
double       cusp_volume_sample_lps      (const CuspVolume *volume, const double lps_mm[3], double outside);
void         cusp_volume_index_to_lps    (const CuspVolume *volume, const double ijk[3], double lps_mm[3]);
void         cusp_volume_lps_to_index    (const CuspVolume *volume, const double lps_mm[3], double ijk[3]);
void         cusp_volume_get_range       (const CuspVolume *volume, double *min_value, double *max_value);
/* Copies geometry (spacing, origin, direction) and metadata, not voxels. */
void         cusp_volume_copy_geometry   (CuspVolume *dest, const CuspVolume *src);
void         cusp_volume_add_warning     (CuspVolume *volume, const char *format, ...) G_GNUC_PRINTF (2, 3);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspVolume, cusp_volume_unref)

G_END_DECLS
