/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-landmark-editor.c: dragging landmarks re-measures at once, a drag is one undoable
 * command, undo/redo restore the exact measurements, unmeasurable landmarks keep the previous
 * values with a reason, and commands outliving their editor do nothing (GTK-free, phantom CT). */
#include "cusp-landmark-editor.h"
#include "cusp-phantom.h"

#include <math.h>

typedef struct {
  CuspVolume *volume;
  CuspPhantomTruth *truth;
  CuspLandmarks landmarks;
} Fixture;

static Fixture fixture;

static CuspLandmarkEditor *
editor_new (CuspUndoStack *undo)
{
  CuspMeasureParams params = cusp_measure_default_params ();
  g_autoptr(GError) error = NULL;
  CuspMeasureContext *context = cusp_measure_context_new (fixture.volume, &params, &error);

  g_assert_no_error (error);
  return cusp_landmark_editor_new (context, &fixture.landmarks, undo);
}

static void
count_changed (CuspLandmarkEditor *editor, int *count)
{
  (*count)++;
}

static void
test_drag_undo_redo (void)
{
  g_autoptr(CuspUndoStack) undo = cusp_undo_stack_new (16);
  g_autoptr(CuspLandmarkEditor) editor = editor_new (undo);
  const CuspMeasurements *m = cusp_landmark_editor_get_measurements (editor);
  double normal[3], ostium[3], height0, perimeter0;
  int changed = 0;

  g_assert_nonnull (m);
  g_assert_null (cusp_landmark_editor_get_error (editor));
  /* The truth landmarks measure the truth (the measurement layer's own tests go further). */
  g_assert_cmpfloat (fabs (m->annulus.perimeter_mm - fixture.truth->annulus.perimeter_mm), <,
                     0.02 * fixture.truth->annulus.perimeter_mm);
  height0 = m->left_coronary_height_mm;
  perimeter0 = m->annulus.perimeter_mm;
  memcpy (normal, m->annulus_normal, sizeof normal);
  g_signal_connect (editor, "changed", G_CALLBACK (count_changed), &changed);

  /* A drag in several motion steps: 2 mm up along the annulus normal. */
  cusp_landmark_editor_begin_move (editor);
  cusp_landmark_editor_get_point (editor, CUSP_LANDMARK_LEFT_OSTIUM, ostium);
  for (int step = 1; step <= 4; step++)
    {
      double p[3];
      for (int a = 0; a < 3; a++)
        p[a] = ostium[a] + 0.5 * step * normal[a];
      cusp_landmark_editor_move (editor, CUSP_LANDMARK_LEFT_OSTIUM, p, TRUE);
      m = cusp_landmark_editor_get_measurements (editor);
      g_assert_cmpfloat_with_epsilon (m->left_coronary_height_mm, height0 + 0.5 * step, 1e-6);
    }
  g_assert_cmpint (changed, ==, 4);
  g_assert_false (cusp_undo_stack_can_undo (undo));   /* not until the drag ends */
  cusp_landmark_editor_end_move (editor, CUSP_LANDMARK_LEFT_OSTIUM);
  g_assert_true (cusp_undo_stack_can_undo (undo));
  g_assert_cmpstr (cusp_undo_stack_undo_label (undo), ==, "Move left coronary ostium");
  g_test_message ("re-measure after a drag: %.2f ms", cusp_landmark_editor_get_last_measure_ms (editor));

  g_assert_true (cusp_undo_stack_undo (undo));
  m = cusp_landmark_editor_get_measurements (editor);
  g_assert_cmpfloat (m->left_coronary_height_mm, ==, height0);
  g_assert_cmpfloat (m->annulus.perimeter_mm, ==, perimeter0);
  g_assert_true (cusp_undo_stack_redo (undo));
  m = cusp_landmark_editor_get_measurements (editor);
  g_assert_cmpfloat_with_epsilon (m->left_coronary_height_mm, height0 + 2.0, 1e-6);
}

/* Hinges pulled onto one line cannot define a plane: the values stay, the reason is given. */
static void
test_unmeasurable_keeps_values (void)
{
  g_autoptr(CuspUndoStack) undo = cusp_undo_stack_new (16);
  g_autoptr(CuspLandmarkEditor) editor = editor_new (undo);
  double right[3], non[3], middle[3], perimeter0;
  const double broken[3] = { NAN, 0, 0 };

  perimeter0 = cusp_landmark_editor_get_measurements (editor)->annulus.perimeter_mm;
  cusp_landmark_editor_get_point (editor, CUSP_LANDMARK_HINGE_RIGHT, right);
  cusp_landmark_editor_get_point (editor, CUSP_LANDMARK_HINGE_NON_CORONARY, non);
  for (int a = 0; a < 3; a++)
    middle[a] = 0.5 * (right[a] + non[a]);

  cusp_landmark_editor_begin_move (editor);
  cusp_landmark_editor_move (editor, CUSP_LANDMARK_HINGE_LEFT, middle, TRUE);
  g_assert_nonnull (cusp_landmark_editor_get_error (editor));
  g_test_message ("collinear hinges: %s", cusp_landmark_editor_get_error (editor));
  g_assert_cmpfloat (cusp_landmark_editor_get_measurements (editor)->annulus.perimeter_mm, ==, perimeter0);
  /* A non-finite position is ignored rather than stored. */
  cusp_landmark_editor_move (editor, CUSP_LANDMARK_HINGE_LEFT, broken, FALSE);
  {
    double now[3];
    cusp_landmark_editor_get_point (editor, CUSP_LANDMARK_HINGE_LEFT, now);
    g_assert_cmpfloat (now[0], ==, middle[0]);
  }
  cusp_landmark_editor_end_move (editor, CUSP_LANDMARK_HINGE_LEFT);
  g_assert_true (cusp_undo_stack_undo (undo));
  g_assert_null (cusp_landmark_editor_get_error (editor));
  g_assert_cmpfloat (cusp_landmark_editor_get_measurements (editor)->annulus.perimeter_mm, ==, perimeter0);
}

/* A replaced editor's commands stay in a shared stack but no longer touch anything. */
static void
test_commands_outlive_editor (void)
{
  g_autoptr(CuspUndoStack) undo = cusp_undo_stack_new (16);
  CuspLandmarkEditor *editor = editor_new (undo);
  double p[3];

  cusp_landmark_editor_begin_move (editor);
  cusp_landmark_editor_get_point (editor, CUSP_LANDMARK_STJ, p);
  p[2] += 1.0;
  cusp_landmark_editor_move (editor, CUSP_LANDMARK_STJ, p, FALSE);
  cusp_landmark_editor_end_move (editor, CUSP_LANDMARK_STJ);
  g_object_unref (editor);
  g_assert_true (cusp_undo_stack_undo (undo));
  g_assert_true (cusp_undo_stack_redo (undo));
}

int
main (int argc, char **argv)
{
  CuspPhantomDef def = cusp_phantom_default_def ();
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  /* A coarser phantom than the demo: these tests are about editing, not accuracy. */
  def.spacing_mm = 0.7;
  fixture.volume = cusp_phantom_generate (&def, &fixture.truth, NULL, &error);
  g_assert_no_error (error);
  cusp_phantom_truth_get_landmarks (fixture.truth, &fixture.landmarks);

  g_test_add_func ("/app/landmark-editor/drag-undo-redo", test_drag_undo_redo);
  g_test_add_func ("/app/landmark-editor/unmeasurable-keeps-values", test_unmeasurable_keeps_values);
  g_test_add_func ("/app/landmark-editor/commands-outlive-editor", test_commands_outlive_editor);
  status = g_test_run ();
  cusp_volume_unref (fixture.volume);
  cusp_phantom_truth_free (fixture.truth);
  return status;
}
