/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-measure-panel.h: the side panel with every measurement, the sizing, the risk flags and
 * the C-arm angles, the segmentation progress with Cancel, and the "model estimates" notice.
 *
 * The rows are generated from the measurement layer's key table (cusp_measure_keys), so a new
 * key shows up here with its unit and its definition as the row's tooltip without UI changes.
 * The panel only shows: the window owns the segmentation and the measurements and pushes them
 * in (cusp-window-measure.c). */
#pragma once

#include "cusp-measure.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CUSP_TYPE_MEASURE_PANEL (cusp_measure_panel_get_type ())
G_DECLARE_FINAL_TYPE (CuspMeasurePanel, cusp_measure_panel, CUSP, MEASURE_PANEL, GtkBox)

CuspMeasurePanel *cusp_measure_panel_new              (void);
/* NULL: no measurements (every value shows "—"). */
void              cusp_measure_panel_set_measurements (CuspMeasurePanel       *self,
                                                       const CuspMeasurements *m);
/* While `running`, a progress bar with `message` and a Cancel button (win.cancel-segment). */
void              cusp_measure_panel_set_progress     (CuspMeasurePanel       *self,
                                                       gboolean                running,
                                                       double                  fraction,
                                                       const char             *message);
/* A line under the buttons: what happened or what the user should do; NULL hides it. */
void              cusp_measure_panel_set_status       (CuspMeasurePanel       *self,
                                                       const char             *text,
                                                       gboolean                is_error);
const char       *cusp_measure_panel_get_status       (CuspMeasurePanel       *self);
/* The flags and measurement warnings shown under the table ("" when none). */
const char       *cusp_measure_panel_get_flags        (CuspMeasurePanel       *self);
/* The calcium threshold control (win.calcium-threshold, "d": HU, 0 = the automatic rule): shows
 * the threshold `used_hu` of the last segmentation and whether it came from the automatic rule,
 * without asking for a new one. */
void              cusp_measure_panel_set_calcium_threshold (CuspMeasurePanel *self,
                                                            double            used_hu,
                                                            gboolean          automatic);
/* The text shown for a key's value ("75.9 mm", "LAO 12°", "—"), or NULL for an unknown key. */
const char       *cusp_measure_panel_get_shown        (CuspMeasurePanel       *self,
                                                       const char             *key);

/* The measurement table as plain text (for the clipboard): one line per key with its value
 * and unit, the sizing notes, the flags and the notice that these are model estimates. */
char             *cusp_measurements_format_text       (const CuspMeasurements *m,
                                                       const char             *study_title);
/* What a person calls a key: "Annulus: Perimeter" for "annulus.perimeter_mm" (section title,
 * then the row's name without its unit suffix). */
char             *cusp_measurement_display_name       (const char             *key);
/* One value as shown: C-arm angles as "LAO 12°" / "CAU 5°", sizes as "26 mm", "—" when unmeasured. */
char             *cusp_measurement_format_value       (const CuspMeasureKey   *key,
                                                       const CuspMeasurements *m);

G_END_DECLS
