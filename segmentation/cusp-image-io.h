/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-image-io.h: in-process image reading and writing through ITK (C view of cusp-itk-io.cxx).
 *
 * Formats: DICOM (a single file or a folder scanned recursively), NIfTI-1 (.nii, .nii.gz),
 * NRRD (.nrrd, .nhdr) and MetaImage (.mha, .mhd).
 *
 * These functions run ITK/GDCM inside the calling process. GDCM kills its process (SIGSEGV or
 * SIGABRT from asserts) on some malformed files, so the application and the CLI never call the
 * readers here on user input: they go through cusp-study-loader.h, which runs them in the
 * isolated `cusp-reader` process. The readers here serve that process, the phantom writer and
 * tests.
 *
 * Decisions a caller can rely on:
 * - Voxels are int16 when every value is an integer in [-32768, 32767] after the rescale
 *   slope/intercept, float32 otherwise. Non-finite float values become 0 with a warning.
 * - A 2D image is accepted as a one-slice volume with a warning (so a single DICOM slice can still
 *   be looked at); 4D images and NIfTI-2 are refused with CUSP_ERROR_UNSUPPORTED.
 * - A DICOM folder holding several series loads the one given by `series_uid`, else the one with
 *   the most voxels, and says so in a warning.
 * - Colour images are converted to grey (luminance) with a warning.
 */
#pragma once

#include "cusp-volume.h"

G_BEGIN_DECLS

/* One image series found in a file or folder. `uid` is the DICOM Series Instance UID (split by
 * orientation and matrix size when one UID holds several stacks: then "UID#N"), or the file name
 * for a plain file. dims[2] counts slices (frames for a multi-frame file). */
typedef struct {
  char *uid;
  char *description;
  char *modality;      /* "CT", "MR", ... as the file says; "OT" when it says nothing */
  int dims[3];
  int file_count;
} CuspSeriesInfo;

void        cusp_series_info_free          (CuspSeriesInfo *info);
CuspSeriesInfo *cusp_series_info_copy      (const CuspSeriesInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspSeriesInfo, cusp_series_info_free)

/* Called from the reading thread with fraction in [0, 1]. */
typedef void (*CuspImageProgressFunc) (double fraction, const char *message, void *user_data);

/* Writes by extension: .nii .nii.gz .mha .mhd .nrrd .nhdr. A path of the form "dicom:DIR" writes
 * a DICOM series into DIR (created if needed), one file per slice named IM-NNNN.dcm, with the
 * geometry written to 16 significant characters (the DS limit). Refuses to write X.nii next to an
 * existing X.nii.gz and the reverse (ITK mixes their headers and voxels when reading). */
gboolean    cusp_image_write               (const CuspVolume *volume,
                                            const char       *path,
                                            GError          **error);

/* Reads a file or a DICOM folder; `series_uid` (nullable) picks a series in a folder. */
CuspVolume *cusp_image_read_in_process     (const char  *path,
                                            const char  *series_uid,
                                            GError     **error);
/* Same, reporting progress (nullable callback). */
CuspVolume *cusp_image_read_with_progress  (const char            *path,
                                            const char            *series_uid,
                                            CuspImageProgressFunc  progress,
                                            void                  *progress_data,
                                            GError               **error);

/* Lists the series in a file (one entry) or a DICOM folder (recursive), largest first.
 * (element-type CuspSeriesInfo) */
GPtrArray  *cusp_image_scan_in_process     (const char  *path,
                                            GError     **error);

G_END_DECLS
