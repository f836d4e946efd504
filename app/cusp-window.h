/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window.h: the main window: one study shown in linked axial/coronal/sagittal + 3D views. */
#pragma once

#include <adwaita.h>

#include "cusp-application.h"
#include "cusp-study.h"

G_BEGIN_DECLS

#define CUSP_TYPE_WINDOW (cusp_window_get_type ())
G_DECLARE_FINAL_TYPE (CuspWindow, cusp_window, CUSP, WINDOW, AdwApplicationWindow)

CuspWindow *cusp_window_new          (CuspApplication *application);
/* The shown study, or NULL while none has loaded yet. */
CuspStudy  *cusp_window_get_study    (CuspWindow      *self);
/* Opens `file` (a study file or a DICOM folder); a folder with several series asks which one.
 * The current study stays until the new one has loaded; a failure is shown, never fatal. */
void        cusp_window_open_file    (CuspWindow      *self,
                                      GFile           *file);
/* Generates and shows the built-in demo case. */
void        cusp_window_open_demo    (CuspWindow      *self);

G_END_DECLS
