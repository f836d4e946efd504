/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-undo-merge.c: a drag or a key repeat is one history entry (cusp_undo_stack_push_merge, the
 * rule the valve's pose changes use), and an undo, a redo or another edit ends the gesture. */
#include "cusp-undo-stack.h"

#define WINDOW_US (600 * G_TIME_SPAN_MILLISECOND)
#define KEY_POSE 1
#define KEY_OTHER 2

/* A pose change of one number, as the valve's are recorded: before and after. */
typedef struct {
  double *value;
  double before, after;
  int *freed;
} Move;

static void move_apply (gpointer data)  { Move *m = data; *m->value = m->after; }
static void move_revert (gpointer data) { Move *m = data; *m->value = m->before; }
static void move_free (gpointer data)   { Move *m = data; (*m->freed)++; g_free (m); }
static void move_merge (gpointer into, gpointer from) { ((Move *) into)->after = ((Move *) from)->after; }

/* Sets the value as a user would, then records it the way the window does. */
static void
move (CuspUndoStack *stack, double *value, double to, guint key, gint64 now_us, int *freed)
{
  Move *m = g_new0 (Move, 1);

  m->value = value;
  m->before = *value;
  m->after = to;
  m->freed = freed;
  *value = to;
  cusp_undo_stack_push_merge (stack, "Move Valve", key, now_us, WINDOW_US, move_apply, move_revert,
                              move_merge, m, move_free);
}

static int
depth (CuspUndoStack *stack)
{
  int n = 0;

  while (cusp_undo_stack_undo (stack))
    n++;
  for (int i = 0; i < n; i++)
    g_assert_true (cusp_undo_stack_redo (stack));
  return n;
}

/* 60 Hz moves for 2 s (gaps of 16 ms) are one entry; undo goes back to before the first. */
static void
test_drag_is_one_entry (void)
{
  g_autoptr(CuspUndoStack) stack = cusp_undo_stack_new (50);
  double value = 3.0;
  int freed = 0;

  for (int i = 1; i <= 120; i++)
    move (stack, &value, 3.0 + 0.01 * i, KEY_POSE, i * 16 * G_TIME_SPAN_MILLISECOND, &freed);
  g_assert_cmpfloat (value, ==, 3.0 + 0.01 * 120);
  g_assert_cmpint (freed, ==, 119);                  /* every merged change was freed at once */
  g_assert_cmpint (depth (stack), ==, 1);
  g_assert_cmpstr (cusp_undo_stack_undo_label (stack), ==, "Move Valve");
  g_assert_true (cusp_undo_stack_undo (stack));
  g_assert_cmpfloat (value, ==, 3.0);
  g_assert_true (cusp_undo_stack_redo (stack));
  g_assert_cmpfloat (value, ==, 3.0 + 0.01 * 120);
}

/* A pause longer than the window starts a new entry; exactly at the window still merges. */
static void
test_pause_splits (void)
{
  g_autoptr(CuspUndoStack) stack = cusp_undo_stack_new (50);
  double value = 0.0;
  int freed = 0;

  move (stack, &value, 1.0, KEY_POSE, 0, &freed);
  move (stack, &value, 2.0, KEY_POSE, WINDOW_US, &freed);
  move (stack, &value, 3.0, KEY_POSE, 2 * WINDOW_US + 1, &freed);
  g_assert_cmpint (depth (stack), ==, 2);
  g_assert_true (cusp_undo_stack_undo (stack));
  g_assert_cmpfloat (value, ==, 2.0);
  g_assert_true (cusp_undo_stack_undo (stack));
  g_assert_cmpfloat (value, ==, 0.0);
}

/* After an undo the next change is a new entry (and drops the redo branch), as after a redo, an
 * ordinary push, another merge key, or a clock that went backwards. */
static void
test_gesture_ends (void)
{
  g_autoptr(CuspUndoStack) stack = cusp_undo_stack_new (50);
  double value = 0.0, other = 0.0;
  int freed = 0;

  move (stack, &value, 1.0, KEY_POSE, 0, &freed);
  move (stack, &value, 2.0, KEY_POSE, 1000, &freed);
  g_assert_true (cusp_undo_stack_undo (stack));
  g_assert_cmpfloat (value, ==, 0.0);
  move (stack, &value, 5.0, KEY_POSE, 2000, &freed);
  g_assert_false (cusp_undo_stack_can_redo (stack));
  g_assert_cmpint (depth (stack), ==, 1);

  g_assert_true (cusp_undo_stack_undo (stack));
  g_assert_true (cusp_undo_stack_redo (stack));
  move (stack, &value, 6.0, KEY_POSE, 3000, &freed);
  g_assert_cmpint (depth (stack), ==, 2);

  move (stack, &other, 1.0, KEY_OTHER, 4000, &freed);
  g_assert_cmpint (depth (stack), ==, 3);
  move (stack, &value, 7.0, KEY_POSE, 5000, &freed);
  g_assert_cmpint (depth (stack), ==, 4);
  move (stack, &value, 8.0, KEY_POSE, 4000, &freed);
  g_assert_cmpint (depth (stack), ==, 5);

  /* key 0 never merges */
  move (stack, &value, 9.0, 0, 6000, &freed);
  move (stack, &value, 10.0, 0, 6001, &freed);
  g_assert_cmpint (depth (stack), ==, 7);

  while (cusp_undo_stack_undo (stack))
    ;
  g_assert_cmpfloat (value, ==, 0.0);
  g_assert_cmpfloat (other, ==, 0.0);
}

/* A command pushed with cusp_undo_stack_push (a landmark drag) between two pose changes splits
 * them, and the history stays bounded when merging. */
static void
test_push_between (void)
{
  g_autoptr(CuspUndoStack) stack = cusp_undo_stack_new (3);
  double value = 0.0, landmark = 0.0;
  int freed = 0;
  Move *m;

  move (stack, &value, 1.0, KEY_POSE, 0, &freed);
  m = g_new0 (Move, 1);
  m->value = &landmark;
  m->before = 0.0;
  m->after = 4.0;
  m->freed = &freed;
  cusp_undo_stack_run (stack, "Move left hinge", move_apply, move_revert, m, move_free);
  move (stack, &value, 2.0, KEY_POSE, 100, &freed);
  g_assert_cmpint (depth (stack), ==, 3);
  for (int i = 0; i < 10; i++)
    move (stack, &value, 10.0 + i, KEY_POSE, 2 * WINDOW_US * (i + 1), &freed);
  g_assert_cmpint (depth (stack), ==, 3);
  g_assert_true (cusp_undo_stack_undo (stack));
  g_assert_cmpfloat (value, ==, 18.0);
}

/* While a command replays, the stack says so: the window's listeners do not record the replay. */
static gboolean seen_busy;

static void
replay_apply (gpointer data)
{
  seen_busy = cusp_undo_stack_is_busy (data);
}

static void
test_busy_during_replay (void)
{
  g_autoptr(CuspUndoStack) stack = cusp_undo_stack_new (4);

  cusp_undo_stack_push (stack, "x", replay_apply, replay_apply, stack, NULL);
  g_assert_false (cusp_undo_stack_is_busy (stack));
  seen_busy = FALSE;
  g_assert_true (cusp_undo_stack_undo (stack));
  g_assert_true (seen_busy);
  g_assert_false (cusp_undo_stack_is_busy (stack));
}

/* A sealed entry takes no merge: a pose typed or scripted, or one taken into a plan, stays its own
 * step even when the next move follows within the window. */
static void
test_seal_splits (void)
{
  g_autoptr(CuspUndoStack) stack = cusp_undo_stack_new (50);
  double value = 0.0;
  int freed = 0;

  move (stack, &value, 1.0, KEY_POSE, 0, &freed);
  cusp_undo_stack_seal (stack);
  move (stack, &value, 2.0, KEY_POSE, 10 * G_TIME_SPAN_MILLISECOND, &freed);
  move (stack, &value, 2.5, KEY_POSE, 20 * G_TIME_SPAN_MILLISECOND, &freed);
  g_assert_cmpint (depth (stack), ==, 2);
  g_assert_true (cusp_undo_stack_undo (stack));
  g_assert_cmpfloat (value, ==, 1.0);
  g_assert_true (cusp_undo_stack_undo (stack));
  g_assert_cmpfloat (value, ==, 0.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/case/undo/drag-is-one-entry", test_drag_is_one_entry);
  g_test_add_func ("/case/undo/pause-splits", test_pause_splits);
  g_test_add_func ("/case/undo/gesture-ends", test_gesture_ends);
  g_test_add_func ("/case/undo/push-between", test_push_between);
  g_test_add_func ("/case/undo/busy-during-replay", test_busy_during_replay);
  g_test_add_func ("/case/undo/seal-splits", test_seal_splits);
  return g_test_run ();
}
