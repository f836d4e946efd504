/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-case.h: the rehearsal document: which study, the corrected landmarks, the plans and the
 * view settings. Every edit emits ::changed and marks the case dirty; saving marks it clean.
 *
 * Slicer's split: the case refers to the study (path + content hash) and never holds its
 * voxels; window/level lives here, not in the image. GTK-free. */
#pragma once

#include <glib-object.h>

#include "cusp-landmarks.h"
#include "cusp-plan.h"

G_BEGIN_DECLS

#define CUSP_TYPE_CASE (cusp_case_get_type ())
G_DECLARE_FINAL_TYPE (CuspCase, cusp_case, CUSP, CASE, GObject)

CuspCase            *cusp_case_new                 (void);

/* The study: `path` NULL for the built-in demo; `sha256` lower-case hex or NULL when not known
 * yet (it is computed on a worker thread after opening). */
void                 cusp_case_set_study           (CuspCase    *self,
                                                    const char  *path,
                                                    const char  *sha256);
const char          *cusp_case_get_study_path      (CuspCase    *self);
const char          *cusp_case_get_study_sha256    (CuspCase    *self);
gboolean             cusp_case_is_demo             (CuspCase    *self);

/* NULL clears them (not corrected yet: detection will run again). */
void                 cusp_case_set_landmarks       (CuspCase            *self,
                                                    const CuspLandmarks *landmarks);
const CuspLandmarks *cusp_case_get_landmarks       (CuspCase    *self);

/* Takes ownership. */
void                 cusp_case_add_plan            (CuspCase    *self,
                                                    CuspPlan    *plan);
void                 cusp_case_remove_plan         (CuspCase    *self,
                                                    guint        index);
/* Replaces plan `index` with a copy of `plan` (a pose, device or result change). */
void                 cusp_case_update_plan         (CuspCase       *self,
                                                    guint           index,
                                                    const CuspPlan *plan);
guint                cusp_case_get_n_plans         (CuspCase    *self);
const CuspPlan      *cusp_case_get_plan            (CuspCase    *self,
                                                    guint        index);
/* A name not used by any plan yet: "Plan 1", "Plan 2"... */
char                *cusp_case_next_plan_name      (CuspCase    *self);

void                 cusp_case_set_window          (CuspCase    *self,
                                                    double       center,
                                                    double       width);
double               cusp_case_get_window_center   (CuspCase    *self);
double               cusp_case_get_window_width    (CuspCase    *self);
void                 cusp_case_set_calcium_threshold_hu (CuspCase *self,
                                                         double    threshold_hu);
double               cusp_case_get_calcium_threshold_hu (CuspCase *self);
/* The measured membranous septum length (mm) the user entered; NAN: not measured (8 mm assumed). */
void                 cusp_case_set_septum_mm       (CuspCase    *self,
                                                    double       septum_mm);
double               cusp_case_get_septum_mm       (CuspCase    *self);

gboolean             cusp_case_get_dirty           (CuspCase    *self);
void                 cusp_case_mark_clean          (CuspCase    *self);
/* Unsaved work that was not edited here (a recovered autosave); emits ::changed. */
void                 cusp_case_mark_dirty          (CuspCase    *self);

/* Same study, landmarks, plans (with results) and settings. */
gboolean             cusp_case_equal               (CuspCase    *a,
                                                    CuspCase    *b);

G_END_DECLS
