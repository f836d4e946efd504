/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-undo-stack.h: a generic undo/redo history for the document model (GTK-free).
 *
 * A command is a pair of closures over one piece of data: `apply` does (or redoes) the change,
 * `revert` undoes it. Landmark drags push a before/after snapshot; device and pose changes can
 * push their own commands the same way. Pushing after an undo drops the redo branch, as every
 * editor does. The history is bounded (oldest commands are dropped) so a long session cannot
 * grow it without limit. The "changed" signal lets the UI update its undo/redo actions. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef void (*CuspUndoFunc) (gpointer data);
/* Folds a newer change `from` into the recorded command's data `into` (which keeps its "before"). */
typedef void (*CuspUndoMergeFunc) (gpointer into, gpointer from);

#define CUSP_TYPE_UNDO_STACK (cusp_undo_stack_get_type ())
G_DECLARE_FINAL_TYPE (CuspUndoStack, cusp_undo_stack, CUSP, UNDO_STACK, GObject)

/* `max_depth` > 0: how many commands are kept. */
CuspUndoStack *cusp_undo_stack_new       (guint          max_depth);
/* Records a change that has ALREADY been applied. `label` is for the UI ("Move left hinge");
 * `destroy` (nullable) frees `data` when the command leaves the history. */
void           cusp_undo_stack_push      (CuspUndoStack *self,
                                          const char    *label,
                                          CuspUndoFunc   apply,
                                          CuspUndoFunc   revert,
                                          gpointer       data,
                                          GDestroyNotify destroy);
/* Records like push, unless the newest command takes the change: it was recorded by push_merge
 * with the same `merge_key` (> 0), nothing was undone, redone or pushed since, and its last change
 * was at most `window_us` before `now_us` (a drag or a key repeat: one entry). Then `merge`
 * folds `data` into it, `data` is destroyed and the label stays. Times are the caller's monotonic
 * microseconds, so the rule is testable without waiting. */
void           cusp_undo_stack_push_merge (CuspUndoStack    *self,
                                           const char       *label,
                                           guint             merge_key,
                                           gint64            now_us,
                                           gint64            window_us,
                                           CuspUndoFunc      apply,
                                           CuspUndoFunc      revert,
                                           CuspUndoMergeFunc merge,
                                           gpointer          data,
                                           GDestroyNotify    destroy);
/* The newest command takes no further merges: the next change is an entry of its own (a whole
 * move typed or scripted, a plan taken between two moves). */
void           cusp_undo_stack_seal      (CuspUndoStack *self);
/* Calls `apply` and then records the command. */
void           cusp_undo_stack_run       (CuspUndoStack *self,
                                          const char    *label,
                                          CuspUndoFunc   apply,
                                          CuspUndoFunc   revert,
                                          gpointer       data,
                                          GDestroyNotify destroy);
gboolean       cusp_undo_stack_can_undo  (CuspUndoStack *self);
gboolean       cusp_undo_stack_can_redo  (CuspUndoStack *self);
/* The label of the command undo/redo would act on, or NULL. */
const char    *cusp_undo_stack_undo_label (CuspUndoStack *self);
const char    *cusp_undo_stack_redo_label (CuspUndoStack *self);
/* FALSE when there is nothing to undo / redo. */
gboolean       cusp_undo_stack_undo      (CuspUndoStack *self);
gboolean       cusp_undo_stack_redo      (CuspUndoStack *self);
/* TRUE while a command's apply or revert runs (changes it makes are replays, not new edits). */
gboolean       cusp_undo_stack_is_busy   (CuspUndoStack *self);
/* Forgets every command (a new study, a new segmentation); emits ::changed even when the
 * history was already empty, so listeners can take a new baseline. */
void           cusp_undo_stack_clear     (CuspUndoStack *self);

G_END_DECLS
