/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-reader-protocol.h: what the isolated `cusp-reader` process and cusp-study-loader.c say
 * to each other.
 *
 *   cusp-reader read [--series UID] [--voxels-fd N] -- PATH
 *   cusp-reader scan -- PATH
 *
 * The reader writes text lines to stdout, fields separated by tabs, numbers in the C locale with
 * 17 significant digits (exact for doubles):
 *
 *   progress  FRACTION  MESSAGE
 *   series    UID  MODALITY  DIM_I  DIM_J  DIM_K  FILE_COUNT  DESCRIPTION      (scan, repeated)
 *   volume    VOXEL_TYPE  DIM_I  DIM_J  DIM_K  MODALITY  HOUNSFIELD  ORIENTATION_KNOWN
 *   geometry  SPACING(3)  ORIGIN(3)  DIRECTION(9, row-major)  (each field space-separated)
 *   description  TEXT
 *   warning   TEXT                                                             (repeated)
 *   error     CUSP_ERROR_CODE  MESSAGE
 *   done
 *
 * Voxels go into the file descriptor given by --voxels-fd (a memfd or an unlinked temp file the
 * parent created), from offset 0, exactly dims[0]*dims[1]*dims[2]*voxel size bytes. The parent
 * maps that file and wraps the mapping in the volume's GBytes, so voxels are copied once, by the
 * reader's write(). Everything the reader's libraries print on stderr is kept by the parent only
 * to explain a crash. The reader exits 0 after "done", 1 after "error", 2 on a usage error.
 */
#pragma once

#define CUSP_READER_VOXELS_FD 3

#define CUSP_READER_TAG_PROGRESS    "progress"
#define CUSP_READER_TAG_SERIES      "series"
#define CUSP_READER_TAG_VOLUME      "volume"
#define CUSP_READER_TAG_GEOMETRY    "geometry"
#define CUSP_READER_TAG_DESCRIPTION "description"
#define CUSP_READER_TAG_WARNING     "warning"
#define CUSP_READER_TAG_ERROR       "error"
#define CUSP_READER_TAG_DONE        "done"
