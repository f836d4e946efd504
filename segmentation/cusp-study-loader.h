/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-study-loader.h: the safe way to open a study. Parsing runs in the isolated `cusp-reader`
 * process (cusp-reader-protocol.h), so a file that crashes, hangs or exhausts memory in
 * ITK/GDCM becomes a GError and the caller keeps running:
 *
 *   CUSP_ERROR_READER_CRASHED   the reader died from a signal (a GDCM assert, a segfault)
 *   CUSP_ERROR_TIMED_OUT        it took longer than the time limit (60 s + 1 s per 5 MB of input,
 *                               or CUSP_READER_TIMEOUT_S seconds when that variable is set)
 *   CUSP_ERROR_OUT_OF_MEMORY    it exceeded its address-space limit (4 GiB + 8x the input size,
 *                               at most the machine's RAM, or CUSP_READER_MEMORY_LIMIT_MB)
 *   G_IO_ERROR_CANCELLED        the cancellable fired; the reader was killed
 *
 * The reader is found through $CUSP_READER, else CUSP_BUILD_LIBEXECDIR/cusp-reader when it
 * exists (running from the build tree), else CUSP_LIBEXECDIR/cusp-reader.
 *
 * Voxels come back in a mapping of the file the reader wrote (no second copy). Progress is
 * delivered on the thread-default main context of the thread that started the operation,
 * coalesced: a slow main loop sees the newest value, not a backlog.
 */
#pragma once

#include <gio/gio.h>

#include "cusp-image-io.h"
#include "cusp-progress.h"
#include "cusp-volume.h"

G_BEGIN_DECLS

/* Lists the series in `path`: one entry for a plain file, every series of a DICOM folder
 * (scanned recursively), most voxels first. (element-type CuspSeriesInfo) */
void        cusp_study_scan_async   (const char          *path,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
GPtrArray  *cusp_study_scan_finish  (GAsyncResult  *result,
                                     GError       **error);
GPtrArray  *cusp_study_scan_sync    (const char    *path,
                                     GCancellable  *cancellable,
                                     GError       **error);

/* Loads a file or a DICOM folder; `series_uid` (nullable) picks a series, else the largest.
 * `progress_notify` frees `progress_data` once no more progress can come. */
void        cusp_study_load_async   (const char          *path,
                                     const char          *series_uid,
                                     GCancellable        *cancellable,
                                     CuspProgressFunc     progress,
                                     gpointer             progress_data,
                                     GDestroyNotify       progress_notify,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
CuspVolume *cusp_study_load_finish  (GAsyncResult  *result,
                                     GError       **error);
/* Blocks the calling thread (for the CLI and tests); same isolation, no progress. */
CuspVolume *cusp_study_load_sync    (const char    *path,
                                     const char    *series_uid,
                                     GCancellable  *cancellable,
                                     GError       **error);

G_END_DECLS
