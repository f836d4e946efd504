/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-landmark-editor.c: editable landmarks with live re-measure and undo (see the header). */
#include "cusp-config.h"
#include "cusp-landmark-editor.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

struct _CuspLandmarkEditor {
  GObject parent_instance;

  CuspMeasureContext *context;
  CuspUndoStack *undo;
  CuspLandmarks *landmarks;          /* ~12 kB each: on the heap */
  CuspLandmarks *move_before;        /* at begin_move, until end_move */
  CuspMeasurements measurements;
  gboolean measured;
  char *error;
  double last_measure_ms;
};

G_DEFINE_FINAL_TYPE (CuspLandmarkEditor, cusp_landmark_editor, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static double *
landmark_point (CuspLandmarks *l, CuspLandmarkId id)
{
  switch (id)
    {
    case CUSP_LANDMARK_HINGE_LEFT: return l->hinge_mm[CUSP_CUSP_LEFT];
    case CUSP_LANDMARK_HINGE_RIGHT: return l->hinge_mm[CUSP_CUSP_RIGHT];
    case CUSP_LANDMARK_HINGE_NON_CORONARY: return l->hinge_mm[CUSP_CUSP_NON_CORONARY];
    case CUSP_LANDMARK_COMMISSURE_LEFT_RIGHT: return l->commissure_mm[CUSP_COMMISSURE_LEFT_RIGHT];
    case CUSP_LANDMARK_COMMISSURE_RIGHT_NON: return l->commissure_mm[CUSP_COMMISSURE_RIGHT_NON];
    case CUSP_LANDMARK_COMMISSURE_NON_LEFT: return l->commissure_mm[CUSP_COMMISSURE_NON_LEFT];
    case CUSP_LANDMARK_LEFT_OSTIUM: return l->left_ostium_mm;
    case CUSP_LANDMARK_RIGHT_OSTIUM: return l->right_ostium_mm;
    case CUSP_LANDMARK_STJ: return l->stj_center_mm;
    case CUSP_LANDMARK_COUNT: break;
    }
  g_return_val_if_reached (NULL);
}

const char *
cusp_landmark_id_to_string (CuspLandmarkId id)
{
  static const char *const names[CUSP_LANDMARK_COUNT] = {
    N_("left hinge"), N_("right hinge"), N_("non-coronary hinge"),
    N_("L-R commissure"), N_("R-N commissure"), N_("N-L commissure"),
    N_("left coronary ostium"), N_("right coronary ostium"), N_("sinotubular junction"),
  };

  g_return_val_if_fail (id < CUSP_LANDMARK_COUNT, "");
  return _(names[id]);
}

gboolean
cusp_landmark_editor_remeasure (CuspLandmarkEditor *self)
{
  CuspMeasurements fresh = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 start;
  gboolean ok;

  g_return_val_if_fail (CUSP_IS_LANDMARK_EDITOR (self), FALSE);

  start = g_get_monotonic_time ();
  ok = cusp_measure_run (self->context, self->landmarks, &fresh, &error);
  self->last_measure_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_clear_pointer (&self->error, g_free);
  if (ok)
    {
      if (self->measured)
        cusp_measurements_clear (&self->measurements);
      self->measurements = fresh;
      self->measured = TRUE;
    }
  else
    self->error = g_strdup (error->message);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return ok;
}

/* ---- undo commands: the landmarks before and after, and a weak editor ---- */

typedef struct {
  GWeakRef editor;
  CuspLandmarks before, after;
} CuspLandmarkMove;

static void
landmark_move_free (gpointer data)
{
  CuspLandmarkMove *move = data;

  g_weak_ref_clear (&move->editor);
  g_free (move);
}

static void
landmark_move_set (CuspLandmarkMove *move, const CuspLandmarks *landmarks)
{
  g_autoptr(CuspLandmarkEditor) self = g_weak_ref_get (&move->editor);

  if (self == NULL)
    return;   /* a newer segmentation replaced this editor */
  *self->landmarks = *landmarks;
  cusp_landmark_editor_remeasure (self);
}

static void move_apply (gpointer data)  { CuspLandmarkMove *m = data; landmark_move_set (m, &m->after); }
static void move_revert (gpointer data) { CuspLandmarkMove *m = data; landmark_move_set (m, &m->before); }

void
cusp_landmark_editor_begin_move (CuspLandmarkEditor *self)
{
  g_return_if_fail (CUSP_IS_LANDMARK_EDITOR (self));

  g_free (self->move_before);
  self->move_before = g_memdup2 (self->landmarks, sizeof *self->landmarks);
}

void
cusp_landmark_editor_move (CuspLandmarkEditor *self,
                           CuspLandmarkId      id,
                           const double        lps_mm[3],
                           gboolean            remeasure)
{
  double *point;

  g_return_if_fail (CUSP_IS_LANDMARK_EDITOR (self));
  g_return_if_fail (id < CUSP_LANDMARK_COUNT);

  point = landmark_point (self->landmarks, id);
  for (int a = 0; a < 3; a++)
    if (!isfinite (lps_mm[a]))
      return;   /* a broken pointer position must not poison the landmarks */
  memcpy (point, lps_mm, 3 * sizeof (double));
  if (remeasure)
    cusp_landmark_editor_remeasure (self);
}

void
cusp_landmark_editor_end_move (CuspLandmarkEditor *self,
                               CuspLandmarkId      id)
{
  g_autofree CuspLandmarks *before = NULL;
  CuspLandmarkMove *move;
  g_autofree char *label = NULL;

  g_return_if_fail (CUSP_IS_LANDMARK_EDITOR (self));

  before = g_steal_pointer (&self->move_before);
  cusp_landmark_editor_remeasure (self);
  if (before == NULL || self->undo == NULL || memcmp (before, self->landmarks, sizeof *before) == 0)
    return;
  move = g_new0 (CuspLandmarkMove, 1);
  g_weak_ref_init (&move->editor, self);
  move->before = *before;
  move->after = *self->landmarks;
  /* Translators: an undo label, "Move left hinge". */
  label = g_strdup_printf (_("Move %s"), cusp_landmark_id_to_string (id));
  cusp_undo_stack_push (self->undo, label, move_apply, move_revert, move, landmark_move_free);
}

/* ---- accessors, lifecycle ---- */

const CuspLandmarks *
cusp_landmark_editor_get_landmarks (CuspLandmarkEditor *self)
{
  g_return_val_if_fail (CUSP_IS_LANDMARK_EDITOR (self), NULL);
  return self->landmarks;
}

const CuspMeasurements *
cusp_landmark_editor_get_measurements (CuspLandmarkEditor *self)
{
  g_return_val_if_fail (CUSP_IS_LANDMARK_EDITOR (self), NULL);
  return self->measured ? &self->measurements : NULL;
}

const char *
cusp_landmark_editor_get_error (CuspLandmarkEditor *self)
{
  g_return_val_if_fail (CUSP_IS_LANDMARK_EDITOR (self), NULL);
  return self->error;
}

double
cusp_landmark_editor_get_last_measure_ms (CuspLandmarkEditor *self)
{
  g_return_val_if_fail (CUSP_IS_LANDMARK_EDITOR (self), 0.0);
  return self->last_measure_ms;
}

void
cusp_landmark_editor_get_point (CuspLandmarkEditor *self,
                                CuspLandmarkId      id,
                                double              lps_mm[3])
{
  g_return_if_fail (CUSP_IS_LANDMARK_EDITOR (self));
  g_return_if_fail (id < CUSP_LANDMARK_COUNT);
  memcpy (lps_mm, landmark_point (self->landmarks, id), 3 * sizeof (double));
}

static void
cusp_landmark_editor_finalize (GObject *object)
{
  CuspLandmarkEditor *self = CUSP_LANDMARK_EDITOR (object);

  g_clear_pointer (&self->context, cusp_measure_context_free);
  g_clear_object (&self->undo);
  g_free (self->landmarks);
  g_free (self->move_before);
  if (self->measured)
    cusp_measurements_clear (&self->measurements);
  g_free (self->error);
  G_OBJECT_CLASS (cusp_landmark_editor_parent_class)->finalize (object);
}

static void
cusp_landmark_editor_class_init (CuspLandmarkEditorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cusp_landmark_editor_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cusp_landmark_editor_init (CuspLandmarkEditor *self)
{
}

CuspLandmarkEditor *
cusp_landmark_editor_new (CuspMeasureContext  *context,
                          const CuspLandmarks *landmarks,
                          CuspUndoStack       *undo)
{
  CuspLandmarkEditor *self;

  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail (landmarks != NULL, NULL);

  self = g_object_new (CUSP_TYPE_LANDMARK_EDITOR, NULL);
  self->context = context;
  self->landmarks = g_memdup2 (landmarks, sizeof *landmarks);
  self->undo = undo ? g_object_ref (undo) : NULL;
  cusp_landmark_editor_remeasure (self);
  return self;
}
