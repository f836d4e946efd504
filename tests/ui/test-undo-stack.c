/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-undo-stack.c: the document model's undo/redo history (GTK-free). */
#include "cusp-undo-stack.h"

/* A command that sets an integer document value from `before` to `after`. */
typedef struct {
  int *value;
  int before, after;
  int *freed;
} SetValue;

static void set_apply (gpointer data)  { SetValue *s = data; *s->value = s->after; }
static void set_revert (gpointer data) { SetValue *s = data; *s->value = s->before; }
static void set_free (gpointer data)   { SetValue *s = data; (*s->freed)++; g_free (s); }

static SetValue *
set_value_new (int *value, int after, int *freed)
{
  SetValue *s = g_new0 (SetValue, 1);

  s->value = value;
  s->before = *value;
  s->after = after;
  s->freed = freed;
  return s;
}

static void
count_changed (CuspUndoStack *stack, int *count)
{
  (*count)++;
}

static void
test_undo_redo (void)
{
  g_autoptr(CuspUndoStack) stack = cusp_undo_stack_new (16);
  int value = 0, freed = 0, changed = 0;

  g_signal_connect (stack, "changed", G_CALLBACK (count_changed), &changed);
  g_assert_false (cusp_undo_stack_can_undo (stack));
  g_assert_false (cusp_undo_stack_undo (stack));

  cusp_undo_stack_run (stack, "one", set_apply, set_revert, set_value_new (&value, 1, &freed), set_free);
  cusp_undo_stack_run (stack, "two", set_apply, set_revert, set_value_new (&value, 2, &freed), set_free);
  g_assert_cmpint (value, ==, 2);
  g_assert_cmpstr (cusp_undo_stack_undo_label (stack), ==, "two");
  g_assert_cmpint (changed, ==, 2);

  g_assert_true (cusp_undo_stack_undo (stack));
  g_assert_cmpint (value, ==, 1);
  g_assert_true (cusp_undo_stack_can_redo (stack));
  g_assert_cmpstr (cusp_undo_stack_redo_label (stack), ==, "two");
  g_assert_true (cusp_undo_stack_undo (stack));
  g_assert_cmpint (value, ==, 0);
  g_assert_false (cusp_undo_stack_undo (stack));

  g_assert_true (cusp_undo_stack_redo (stack));
  g_assert_cmpint (value, ==, 1);
  g_assert_true (cusp_undo_stack_redo (stack));
  g_assert_cmpint (value, ==, 2);
  g_assert_false (cusp_undo_stack_redo (stack));
  g_assert_cmpint (freed, ==, 0);
  g_assert_cmpint (changed, ==, 6);
}

/* A change pushed after an undo drops the redo branch (and frees its data). */
static void
test_branch (void)
{
  g_autoptr(CuspUndoStack) stack = cusp_undo_stack_new (16);
  int value = 0, freed = 0;

  cusp_undo_stack_run (stack, "one", set_apply, set_revert, set_value_new (&value, 1, &freed), set_free);
  cusp_undo_stack_run (stack, "two", set_apply, set_revert, set_value_new (&value, 2, &freed), set_free);
  cusp_undo_stack_undo (stack);
  /* Already applied by the caller (a finished drag): push records without applying. */
  value = 5;
  {
    SetValue *s = set_value_new (&value, 5, &freed);
    s->before = 1;
    cusp_undo_stack_push (stack, "five", set_apply, set_revert, s, set_free);
  }
  g_assert_cmpint (freed, ==, 1);
  g_assert_false (cusp_undo_stack_can_redo (stack));
  g_assert_true (cusp_undo_stack_undo (stack));
  g_assert_cmpint (value, ==, 1);
  g_assert_true (cusp_undo_stack_undo (stack));
  g_assert_cmpint (value, ==, 0);
  g_assert_true (cusp_undo_stack_redo (stack));
  g_assert_true (cusp_undo_stack_redo (stack));
  g_assert_cmpint (value, ==, 5);
}

/* The oldest commands fall off a bounded history; clear frees everything, and says so even on
 * an empty history (the window takes its baseline from that signal after a new segmentation). */
static void
test_depth_and_clear (void)
{
  CuspUndoStack *stack = cusp_undo_stack_new (3);
  int value = 0, freed = 0, undos = 0, changed = 0;

  for (int i = 1; i <= 5; i++)
    cusp_undo_stack_run (stack, "step", set_apply, set_revert, set_value_new (&value, i, &freed), set_free);
  g_assert_cmpint (freed, ==, 2);
  while (cusp_undo_stack_undo (stack))
    undos++;
  g_assert_cmpint (undos, ==, 3);
  g_assert_cmpint (value, ==, 2);
  cusp_undo_stack_clear (stack);
  g_assert_cmpint (freed, ==, 5);
  g_assert_false (cusp_undo_stack_can_redo (stack));
  g_signal_connect (stack, "changed", G_CALLBACK (count_changed), &changed);
  cusp_undo_stack_clear (stack);
  g_assert_cmpint (changed, ==, 1);
  g_object_unref (stack);
  g_assert_cmpint (freed, ==, 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/undo-stack/undo-redo", test_undo_redo);
  g_test_add_func ("/app/undo-stack/branch", test_branch);
  g_test_add_func ("/app/undo-stack/depth-and-clear", test_depth_and_clear);
  return g_test_run ();
}
