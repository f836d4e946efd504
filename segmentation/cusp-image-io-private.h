/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-image-io-private.h: what file headers say that ITK does not tell us (cusp-image-io.c).
 * Shared by the ITK bridge and the tests; not part of the public API. */
#pragma once

#include "cusp-image-io.h"

G_BEGIN_DECLS

typedef enum {
  CUSP_IMAGE_FORMAT_DICOM,      /* anything not recognised by name: GDCM decides */
  CUSP_IMAGE_FORMAT_NIFTI,      /* .nii .nii.gz .hdr .img (.gz) */
  CUSP_IMAGE_FORMAT_METAIMAGE,  /* .mha .mhd */
  CUSP_IMAGE_FORMAT_NRRD,       /* .nrrd .nhdr */
} CuspImageFormat;

typedef struct {
  CuspImageFormat format;
  gboolean orientation_known;   /* the header places the image in patient space */
  gboolean modality_known;      /* the header names the modality (MetaImage only) */
  CuspModality modality;
} CuspHeaderFacts;

CuspImageFormat cusp_image_format_from_name (const char *path);

/* Reads the header of a non-DICOM file. Fails with CUSP_ERROR_UNSUPPORTED for NIfTI-2 and with
 * CUSP_ERROR_INVALID_INPUT for an empty or unreadable file. */
gboolean        cusp_image_sniff_header     (const char      *path,
                                             CuspHeaderFacts *facts,
                                             GError         **error);

/* Gives the reader a buffer of `bytes` to decode voxels into, or NULL to let ITK allocate;
 * `*free_func (*free_data)` releases it. The reader process uses it to decode straight into the
 * shared voxel file. */
typedef void *(*CuspVoxelAllocator) (gsize           bytes,
                                     GDestroyNotify *free_func,
                                     gpointer       *free_data,
                                     void           *user_data);

/* cusp_image_read_with_progress () that decodes int16 (and uint16) voxels into a buffer from
 * `allocate` when it can; other types are converted into memory of their own. */
CuspVolume     *cusp_image_read_into        (const char            *path,
                                             const char            *series_uid,
                                             CuspImageProgressFunc  progress,
                                             void                  *progress_data,
                                             CuspVoxelAllocator     allocate,
                                             void                  *allocate_data,
                                             GError               **error);

/* Formats `value` as a DICOM decimal string: at most 16 characters, as many digits as fit. */
void            cusp_format_dicom_ds        (double value, char out[17]);

G_END_DECLS
