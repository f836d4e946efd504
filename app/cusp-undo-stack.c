/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-undo-stack.c: undo/redo history of apply/revert closures (see the header). */
#include "cusp-undo-stack.h"

typedef struct {
  char *label;
  CuspUndoFunc apply;
  CuspUndoFunc revert;
  gpointer data;
  GDestroyNotify destroy;
  guint merge_key;              /* 0: never merged into */
  gint64 last_change_us;        /* of the newest change merged in */
} CuspUndoCommand;

struct _CuspUndoStack {
  GObject parent_instance;

  /* commands[0 .. position) are done (undoable), commands[position .. len) undone (redoable). */
  GPtrArray *commands;
  guint position;
  guint max_depth;
  /* TRUE while a command runs: a closure that pushes would corrupt the history. */
  gboolean busy;
  /* The newest command may take merges: nothing was undone, redone or pushed after it. */
  gboolean top_mergeable;
};

G_DEFINE_FINAL_TYPE (CuspUndoStack, cusp_undo_stack, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
cusp_undo_command_free (gpointer pointer)
{
  CuspUndoCommand *command = pointer;

  if (command->destroy != NULL)
    command->destroy (command->data);
  g_free (command->label);
  g_free (command);
}

static void
cusp_undo_stack_finalize (GObject *object)
{
  CuspUndoStack *self = CUSP_UNDO_STACK (object);

  g_ptr_array_unref (self->commands);
  G_OBJECT_CLASS (cusp_undo_stack_parent_class)->finalize (object);
}

static void
cusp_undo_stack_class_init (CuspUndoStackClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cusp_undo_stack_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cusp_undo_stack_init (CuspUndoStack *self)
{
  self->commands = g_ptr_array_new_with_free_func (cusp_undo_command_free);
}

CuspUndoStack *
cusp_undo_stack_new (guint max_depth)
{
  CuspUndoStack *self;

  g_return_val_if_fail (max_depth > 0, NULL);
  self = g_object_new (CUSP_TYPE_UNDO_STACK, NULL);
  self->max_depth = max_depth;
  return self;
}

void
cusp_undo_stack_push (CuspUndoStack *self,
                      const char    *label,
                      CuspUndoFunc   apply,
                      CuspUndoFunc   revert,
                      gpointer       data,
                      GDestroyNotify destroy)
{
  CuspUndoCommand *command;

  g_return_if_fail (CUSP_IS_UNDO_STACK (self));
  g_return_if_fail (apply != NULL && revert != NULL);
  g_return_if_fail (!self->busy);

  /* A new change after some undos: the undone branch can no longer be redone. */
  if (self->position < self->commands->len)
    g_ptr_array_remove_range (self->commands, self->position, self->commands->len - self->position);

  command = g_new0 (CuspUndoCommand, 1);
  command->label = g_strdup (label ? label : "");
  command->apply = apply;
  command->revert = revert;
  command->data = data;
  command->destroy = destroy;
  g_ptr_array_add (self->commands, command);

  while (self->commands->len > self->max_depth)
    g_ptr_array_remove_index (self->commands, 0);
  self->position = self->commands->len;
  self->top_mergeable = FALSE;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
cusp_undo_stack_push_merge (CuspUndoStack    *self,
                            const char       *label,
                            guint             merge_key,
                            gint64            now_us,
                            gint64            window_us,
                            CuspUndoFunc      apply,
                            CuspUndoFunc      revert,
                            CuspUndoMergeFunc merge,
                            gpointer          data,
                            GDestroyNotify    destroy)
{
  CuspUndoCommand *top;

  g_return_if_fail (CUSP_IS_UNDO_STACK (self));
  g_return_if_fail (apply != NULL && revert != NULL && merge != NULL);
  g_return_if_fail (!self->busy);

  top = self->top_mergeable && self->position > 0 && self->position == self->commands->len
        ? g_ptr_array_index (self->commands, self->position - 1) : NULL;
  if (top != NULL && merge_key != 0 && top->merge_key == merge_key && top->apply == apply
      && now_us >= top->last_change_us && now_us - top->last_change_us <= window_us)
    {
      merge (top->data, data);
      if (destroy != NULL)
        destroy (data);
      top->last_change_us = now_us;
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
      return;
    }
  cusp_undo_stack_push (self, label, apply, revert, data, destroy);
  top = g_ptr_array_index (self->commands, self->position - 1);
  top->merge_key = merge_key;
  top->last_change_us = now_us;
  self->top_mergeable = merge_key != 0;
}

void
cusp_undo_stack_seal (CuspUndoStack *self)
{
  g_return_if_fail (CUSP_IS_UNDO_STACK (self));
  self->top_mergeable = FALSE;
}

void
cusp_undo_stack_run (CuspUndoStack *self,
                     const char    *label,
                     CuspUndoFunc   apply,
                     CuspUndoFunc   revert,
                     gpointer       data,
                     GDestroyNotify destroy)
{
  g_return_if_fail (CUSP_IS_UNDO_STACK (self));
  g_return_if_fail (apply != NULL && revert != NULL);
  g_return_if_fail (!self->busy);

  self->busy = TRUE;
  apply (data);
  self->busy = FALSE;
  cusp_undo_stack_push (self, label, apply, revert, data, destroy);
}

gboolean
cusp_undo_stack_can_undo (CuspUndoStack *self)
{
  g_return_val_if_fail (CUSP_IS_UNDO_STACK (self), FALSE);
  return self->position > 0;
}

gboolean
cusp_undo_stack_can_redo (CuspUndoStack *self)
{
  g_return_val_if_fail (CUSP_IS_UNDO_STACK (self), FALSE);
  return self->position < self->commands->len;
}

const char *
cusp_undo_stack_undo_label (CuspUndoStack *self)
{
  CuspUndoCommand *command;

  if (!cusp_undo_stack_can_undo (self))
    return NULL;
  command = g_ptr_array_index (self->commands, self->position - 1);
  return command->label;
}

const char *
cusp_undo_stack_redo_label (CuspUndoStack *self)
{
  CuspUndoCommand *command;

  if (!cusp_undo_stack_can_redo (self))
    return NULL;
  command = g_ptr_array_index (self->commands, self->position);
  return command->label;
}

gboolean
cusp_undo_stack_undo (CuspUndoStack *self)
{
  CuspUndoCommand *command;

  if (!cusp_undo_stack_can_undo (self) || self->busy)
    return FALSE;
  command = g_ptr_array_index (self->commands, self->position - 1);
  self->busy = TRUE;
  command->revert (command->data);
  self->busy = FALSE;
  self->position--;
  self->top_mergeable = FALSE;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

gboolean
cusp_undo_stack_redo (CuspUndoStack *self)
{
  CuspUndoCommand *command;

  if (!cusp_undo_stack_can_redo (self) || self->busy)
    return FALSE;
  command = g_ptr_array_index (self->commands, self->position);
  self->busy = TRUE;
  command->apply (command->data);
  self->busy = FALSE;
  self->position++;
  self->top_mergeable = FALSE;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

gboolean
cusp_undo_stack_is_busy (CuspUndoStack *self)
{
  g_return_val_if_fail (CUSP_IS_UNDO_STACK (self), FALSE);
  return self->busy;
}

void
cusp_undo_stack_clear (CuspUndoStack *self)
{
  g_return_if_fail (CUSP_IS_UNDO_STACK (self));
  g_return_if_fail (!self->busy);

  /* ::changed even when nothing was there: a clear marks a new start (a new study or
   * segmentation), and listeners take their baseline then, the first time too. */
  g_ptr_array_set_size (self->commands, 0);
  self->position = 0;
  self->top_mergeable = FALSE;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}
