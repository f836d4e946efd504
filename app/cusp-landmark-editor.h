/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-landmark-editor.h: the landmarks of a segmented study as an editable document (GTK-free).
 *
 * Holds the measurement context, the current landmarks and the measurements taken from them.
 * A drag is begin_move, any number of move calls (each may re-measure: the measurement layer
 * takes a few ms), then end_move, which re-measures and records one undoable command with the
 * landmarks before and after. Undo and redo go through a shared CuspUndoStack, whose commands
 * hold only a weak reference to the editor: after a new segmentation replaced it they do
 * nothing. "changed" is emitted after every re-measure, successful or not. */
#pragma once

#include <glib-object.h>

#include "cusp-measure.h"
#include "cusp-undo-stack.h"

G_BEGIN_DECLS

typedef enum {
  CUSP_LANDMARK_HINGE_LEFT,
  CUSP_LANDMARK_HINGE_RIGHT,
  CUSP_LANDMARK_HINGE_NON_CORONARY,
  CUSP_LANDMARK_COMMISSURE_LEFT_RIGHT,
  CUSP_LANDMARK_COMMISSURE_RIGHT_NON,
  CUSP_LANDMARK_COMMISSURE_NON_LEFT,
  CUSP_LANDMARK_LEFT_OSTIUM,
  CUSP_LANDMARK_RIGHT_OSTIUM,
  CUSP_LANDMARK_STJ,
  CUSP_LANDMARK_COUNT
} CuspLandmarkId;

#define CUSP_TYPE_LANDMARK_EDITOR (cusp_landmark_editor_get_type ())
G_DECLARE_FINAL_TYPE (CuspLandmarkEditor, cusp_landmark_editor, CUSP, LANDMARK_EDITOR, GObject)

/* Takes ownership of `context`; measures `landmarks` once. `undo` (nullable) receives the moves. */
CuspLandmarkEditor     *cusp_landmark_editor_new          (CuspMeasureContext  *context,
                                                           const CuspLandmarks *landmarks,
                                                           CuspUndoStack       *undo);
const CuspLandmarks    *cusp_landmark_editor_get_landmarks (CuspLandmarkEditor *self);
/* The newest successful measurement, or NULL when the landmarks never measured. */
const CuspMeasurements *cusp_landmark_editor_get_measurements (CuspLandmarkEditor *self);
/* Why the newest re-measure failed (the previous values stay), or NULL. */
const char             *cusp_landmark_editor_get_error    (CuspLandmarkEditor *self);
double                  cusp_landmark_editor_get_last_measure_ms (CuspLandmarkEditor *self);
void                    cusp_landmark_editor_get_point    (CuspLandmarkEditor *self,
                                                           CuspLandmarkId      id,
                                                           double              lps_mm[3]);
/* A translated name: "left hinge", "L-R commissure", ... */
const char             *cusp_landmark_id_to_string        (CuspLandmarkId      id);

void                    cusp_landmark_editor_begin_move   (CuspLandmarkEditor *self);
/* Moves one landmark; with `remeasure` the measurements follow at once. */
void                    cusp_landmark_editor_move         (CuspLandmarkEditor *self,
                                                           CuspLandmarkId      id,
                                                           const double        lps_mm[3],
                                                           gboolean            remeasure);
/* Re-measures the current landmarks; FALSE when they cannot be measured. */
gboolean                cusp_landmark_editor_remeasure    (CuspLandmarkEditor *self);
/* Re-measures and records the whole move as one command (if anything moved). */
void                    cusp_landmark_editor_end_move     (CuspLandmarkEditor *self,
                                                           CuspLandmarkId      id);

G_END_DECLS
