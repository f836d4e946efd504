/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-case-file.h: a CuspCase as a `.cusp-case` JSON file (format in docs/case-format.md),
 * written atomically, read with every field checked, and the study's content hash.
 * GTK-free. */
#pragma once

#include <gio/gio.h>

#include "cusp-case.h"

G_BEGIN_DECLS

#define CUSP_CASE_FILE_FORMAT "cusp-case"
#define CUSP_CASE_FILE_VERSION 1
#define CUSP_CASE_FILE_SUFFIX ".cusp-case"

/* The document as pretty-printed JSON. Numbers round-trip exactly (17 significant digits). */
char     *cusp_case_file_to_data   (CuspCase     *self);
/* Parses and checks everything; the error names the JSON path of the first problem
 * ("plans[1].pose.depth_mm: should be a number, not a string"). */
CuspCase *cusp_case_file_from_data (const char   *data,
                                    gssize        length,
                                    GError      **error);

/* Writes a temporary file beside `path` and renames it over: a crash leaves the old file or the
 * new one, never half of one. Does not mark the case clean (autosave must not). */
gboolean  cusp_case_file_save      (CuspCase     *self,
                                    const char   *path,
                                    GError      **error);
CuspCase *cusp_case_file_load      (const char   *path,
                                    GError      **error);

/* SHA-256 (lower-case hex) of a study's bytes on a worker thread: a file's bytes, or for a folder
 * (a DICOM series) every regular file below it, in byte order of their relative paths, each
 * preceded by that relative path so renaming a slice changes the hash. */
void      cusp_case_file_hash_study_async  (GFile               *file,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
char     *cusp_case_file_hash_study_finish (GAsyncResult        *result,
                                            GError             **error);
char     *cusp_case_file_hash_study        (GFile               *file,
                                            GCancellable        *cancellable,
                                            GError             **error);

G_END_DECLS
