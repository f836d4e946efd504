/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-dicom-scan.h: find DICOM series in a file or folder, sort their slices along the slice
 * normal and describe their geometry problems (C view of cusp-dicom-scan.cxx, built on GDCM's
 * header-only scanner, so it never decodes pixels).
 *
 * Private to the image I/O code; the rest of Cusp lists series through cusp-study-loader.h. */
#pragma once

#include "cusp-image-io.h"

G_BEGIN_DECLS

typedef struct {
  CuspSeriesInfo info;
  GPtrArray *files;          /* (element-type filename) sorted by position along the normal */
  GPtrArray *warnings;       /* (element-type utf8) geometry problems, readable sentences */
  gboolean positions_known;  /* every slice has ImagePositionPatient + ImageOrientationPatient */
  double row_dir[3];         /* LPS direction of increasing column index i (IOP, first three) */
  double col_dir[3];         /* LPS direction of increasing row index j (IOP, last three) */
  double normal[3];          /* row_dir x col_dir: the direction slices are sorted along */
  double origin_mm[3];       /* ImagePositionPatient of the first sorted slice */
  double slice_spacing_mm;   /* mean distance between slices along the normal; 0 if unknown */
  gboolean hounsfield;       /* modality CT (rescale to HU is applied by the reader) */
} CuspDicomSeries;

void       cusp_dicom_series_free (CuspDicomSeries *series);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspDicomSeries, cusp_dicom_series_free)

/* Scans `path` (a DICOM file, or a folder walked recursively) and returns its image series,
 * most voxels first. Files that are not DICOM images (reports, plans, DICOMDIR, text) are
 * skipped. CUSP_ERROR_NOT_FOUND when there is no image series. (element-type CuspDicomSeries) */
GPtrArray *cusp_dicom_scan        (const char            *path,
                                   CuspImageProgressFunc  progress,
                                   void                  *progress_data,
                                   GError               **error);

G_END_DECLS
