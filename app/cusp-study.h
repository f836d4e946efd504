/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-study.h: the document a window shows: one loaded volume, where it came from, its warnings.
 *
 * A study is immutable once made. Opening another study makes a new CuspStudy; the window swaps
 * it in only when loading succeeded, so a failed load never costs the user the open study. */
#pragma once

#include <gio/gio.h>

#include "cusp-load-progress.h"
#include "cusp-volume.h"

G_BEGIN_DECLS

#define CUSP_TYPE_STUDY (cusp_study_get_type ())
G_DECLARE_FINAL_TYPE (CuspStudy, cusp_study, CUSP, STUDY, GObject)

/* `file` is NULL for the built-in demo case; `title` is what the header bar shows. */
CuspStudy   *cusp_study_new              (CuspVolume   *volume,
                                          GFile        *file,
                                          const char   *title);
CuspVolume  *cusp_study_get_volume       (CuspStudy    *self);
GFile       *cusp_study_get_file         (CuspStudy    *self);
const char  *cusp_study_get_title        (CuspStudy    *self);
gboolean     cusp_study_is_demo          (CuspStudy    *self);
/* (element-type utf8): readable non-fatal problems found while loading; never NULL. */
GPtrArray   *cusp_study_get_warnings     (CuspStudy    *self);
/* "512 × 512 × 300 · 0.70 × 0.70 × 1.00 mm · CT (HU)", for the header subtitle. */
char        *cusp_study_describe         (CuspStudy    *self);

/* The built-in demo case: the synthetic aortic root, generated on a worker thread. */
void         cusp_study_new_demo_async   (GCancellable        *cancellable,
                                          CuspLoadProgress    *progress,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
CuspStudy   *cusp_study_new_demo_finish  (GAsyncResult        *result,
                                          GError             **error);

/* A file, or one series (`series_uid`, NULL for the only/first one) of a DICOM folder, read by
 * the isolated reader process. */
void         cusp_study_open_async       (GFile               *file,
                                          const char          *series_uid,
                                          GCancellable        *cancellable,
                                          CuspLoadProgress    *progress,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
CuspStudy   *cusp_study_open_finish      (GAsyncResult        *result,
                                          GError             **error);

/* The image series in a file or a DICOM folder (recursive), largest first, listed by the
 * isolated reader process. (element-type CuspSeriesInfo) */
void         cusp_study_list_series_async  (GFile               *file,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GPtrArray   *cusp_study_list_series_finish (GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
