/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-application.h: the application: windows, app-wide actions, settings, recent studies. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CUSP_TYPE_APPLICATION (cusp_application_get_type ())
G_DECLARE_FINAL_TYPE (CuspApplication, cusp_application, CUSP, APPLICATION, AdwApplication)

CuspApplication *cusp_application_new          (void);
/* The io.github.cusp.Cusp settings; from the build tree's compiled schema when not installed. */
GSettings       *cusp_application_get_settings (CuspApplication *self);
/* Remembers a successfully opened study in GtkRecentManager and refreshes the recent menu. */
void             cusp_application_add_recent   (CuspApplication *self,
                                                GFile           *file);
/* The recent-studies menu (items activate win.open-recent with the study's URI). */
GMenuModel      *cusp_application_get_recent_menu (CuspApplication *self);

G_END_DECLS
