/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-preferences-dialog.h: the preferences window, every row bound to a GSettings key. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CUSP_TYPE_PREFERENCES_DIALOG (cusp_preferences_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CuspPreferencesDialog, cusp_preferences_dialog, CUSP, PREFERENCES_DIALOG,
                      AdwPreferencesWindow)

/* `settings` may be NULL (no schema found): the rows then show defaults and are insensitive. */
CuspPreferencesDialog *cusp_preferences_dialog_new (GSettings *settings);

G_END_DECLS
