/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-autosave.h: writes a dirty case to $XDG_STATE_HOME/cusp/autosave/<id>.cusp-case a few
 * seconds after its last change, so a crash loses at most those seconds; a clean close removes
 * the file. At start the app lists what is left (cusp_autosave_list_orphans) and offers it back.
 * GTK-free: a GLib timeout on the thread-default main context. */
#pragma once

#include "cusp-case.h"

G_BEGIN_DECLS

#define CUSP_AUTOSAVE_DEFAULT_DELAY_MS 5000

#define CUSP_TYPE_AUTOSAVE (cusp_autosave_get_type ())
G_DECLARE_FINAL_TYPE (CuspAutosave, cusp_autosave, CUSP, AUTOSAVE, GObject)

/* Watches `document` (a weak reference: the window owns it). */
CuspAutosave *cusp_autosave_new           (CuspCase     *document,
                                           guint         delay_ms);
/* $XDG_STATE_HOME/cusp/autosave (CUSP_AUTOSAVE_DIR overrides it, for tests). */
char         *cusp_autosave_dir           (void);
const char   *cusp_autosave_get_path      (CuspAutosave *self);
/* Number of autosave writes so far (for tests and the status line). */
guint         cusp_autosave_get_n_writes  (CuspAutosave *self);
/* Writes now if a change is pending (e.g. before a risky operation); TRUE when nothing failed. */
gboolean      cusp_autosave_flush         (CuspAutosave *self,
                                           GError      **error);
/* A clean close: stop watching and delete the file. */
void          cusp_autosave_discard       (CuspAutosave *self);

/* Autosave files left by a previous run, newest first (element-type filename). */
GPtrArray    *cusp_autosave_list_orphans  (void);

G_END_DECLS
