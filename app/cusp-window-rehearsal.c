/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window-rehearsal.c: the valve's device and pose in the window's edit history, the valve
 * actions scripts drive, and the interaction benchmark's drag.
 *
 * Every change of the valve panel's device or pose becomes a command in the window's one history
 * (the one Ctrl+Z undoes landmark drags with): "Move Valve", "Change Device". A drag or a key
 * repeat is one entry: pose changes less than MERGE_WINDOW_US apart merge into the newest
 * command (cusp_undo_stack_push_merge). Undo and redo set the panel back through its public API
 * with `replaying` set, so the panel's own signals do not record the replay again.
 *
 * The panel says what changed, not what it was before: the last seen device and pose are kept
 * here. They are taken afresh whenever the history is emptied (a new study or segmentation), after
 * the panel has settled on that root's recommended size.
 *
 * Benchmark hook: with CUSP_TEST_DRAG_SECONDS=N, win.bench-drag first redraws the 3D view every
 * frame for 3 s with nothing else changing (the reference: what the view alone costs on this
 * machine now), then moves the valve's depth at 60 Hz for N seconds (as a pointer drag would)
 * while a tick callback on the 3D view records its frame intervals and the age of the displayed
 * answer; after the drag it waits for the answer to the final pose and writes the figures to
 * CUSP_TEST_BENCH_FILE. */
#define _GNU_SOURCE 1   /* RUSAGE_THREAD */
#include "cusp-config.h"
#include "cusp-window-case-private.h"
#include "cusp-error.h"
#include "cusp-user-limits.h"
#include "cusp-view-link.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/resource.h>

/* Changes closer than this are one gesture (spin button auto-repeat is 20-100 ms apart). */
#define MERGE_WINDOW_US (600 * G_TIME_SPAN_MILLISECOND)
#define MERGE_KEY_POSE 1
#define DRAG_PERIOD_MS 16
#define DRAG_AMPLITUDE_MM 2.0
#define DRAG_CYCLE_S 2.0
/* After the drag, how long the benchmark waits for the converged answer before saying so. */
#define SETTLE_TIMEOUT_US (30 * G_TIME_SPAN_SECOND)
/* Before the drag: the 3D view redrawn every frame with nothing else changing, the reference. */
#define REFERENCE_US (3 * G_TIME_SPAN_SECOND)

typedef enum { BENCH_REFERENCE, BENCH_DRAG, BENCH_SETTLE } BenchPhase;

typedef struct {
  CuspWindow *window;
  CuspValvePanel *panel;
  CuspUndoStack *undo;
  CuspValveScene *scene;            /* the views' valve: brackets handle drags (owned) */
  gboolean drag_entry_open;         /* the running handle drag has its history entry */
  char *device_id;                  /* last seen; NULL: none chosen */
  CuspSimPose pose;
  gboolean replaying;
  guint baseline_id;
  CuspLandmarks *detected;          /* the landmarks the segmentation gave (or the case's) */

  /* the benchmark */
  double drag_seconds;
  char *bench_file;
  guint drag_id;
  guint tick_id;
  BenchPhase phase;
  gint64 reference_start_us;
  GArray *reference_ms;             /* (element-type double) frames of the 3D view alone */
  gint64 drag_start_us;
  gint64 drag_end_us;
  gint64 last_frame_us;
  double base_depth_mm;
  CuspSimPose final_pose;
  GArray *frame_ms;                 /* (element-type double) during the drag */
  GArray *age_ms;                   /* displayed answer's request age at each frame */
  /* CPU time during the drag (getrusage): wall-clock frame times follow the machine's other
   * load, the CPU the app spends per frame much less */
  double drag_main_cpu_ms;          /* start values, then the totals */
  double drag_process_cpu_ms;
  guint n_preliminary_frames;
  gint64 first_shown_us;            /* after the drag: any answer to the final pose on screen */
} Rehearsal;

static GQuark
rehearsal_quark (void)
{
  return g_quark_from_static_string ("cusp-window-rehearsal");
}

static Rehearsal *
rehearsal_of (CuspWindow *self)
{
  return g_object_get_qdata (G_OBJECT (self), rehearsal_quark ());
}

static gboolean
same_pose (const CuspSimPose *a, const CuspSimPose *b)
{
  return a->depth_mm == b->depth_mm && a->tilt_deg == b->tilt_deg && a->rotation_deg == b->rotation_deg;
}

static void
remember_panel (Rehearsal *r)
{
  g_free (r->device_id);
  r->device_id = g_strdup (cusp_valve_panel_get_device_id (r->panel));
  cusp_valve_panel_get_pose (r->panel, &r->pose);
}

/* ---- the valve in the history ------------------------------------------------------------- */

typedef struct {
  CuspWindow *self;                 /* the window owns the history: commands never outlive it */
  char *device_before;
  char *device_after;
  CuspSimPose before;
  CuspSimPose after;
} ValveEdit;

static void
valve_edit_free (gpointer data)
{
  ValveEdit *edit = data;

  g_free (edit->device_before);
  g_free (edit->device_after);
  g_free (edit);
}

static void
valve_edit_set (ValveEdit *edit, const char *device_id, const CuspSimPose *pose)
{
  Rehearsal *r = rehearsal_of (edit->self);

  if (r == NULL)
    return;
  r->replaying = TRUE;
  if (device_id != NULL && g_strcmp0 (device_id, cusp_valve_panel_get_device_id (r->panel)) != 0)
    cusp_valve_panel_set_device_id (r->panel, device_id);
  cusp_valve_panel_set_pose (r->panel, pose);
  r->replaying = FALSE;
  remember_panel (r);
}

static void
valve_edit_apply (gpointer data)
{
  ValveEdit *edit = data;
  valve_edit_set (edit, edit->device_after, &edit->after);
}

static void
valve_edit_revert (gpointer data)
{
  ValveEdit *edit = data;
  valve_edit_set (edit, edit->device_before, &edit->before);
}

/* A later pose of the same gesture: the command now ends there. */
static void
valve_edit_merge (gpointer into, gpointer from)
{
  ValveEdit *a = into, *b = from;

  a->after = b->after;
  g_free (a->device_after);
  a->device_after = g_strdup (b->device_after);
}

static ValveEdit *
valve_edit_new (Rehearsal *r)
{
  ValveEdit *edit = g_new0 (ValveEdit, 1);

  edit->self = r->window;
  edit->device_before = g_strdup (r->device_id);
  edit->before = r->pose;
  edit->device_after = g_strdup (cusp_valve_panel_get_device_id (r->panel));
  cusp_valve_panel_get_pose (r->panel, &edit->after);
  return edit;
}

static gboolean
is_replay (Rehearsal *r)
{
  return r->replaying || r->undo == NULL || cusp_undo_stack_is_busy (r->undo);
}

static void
on_pose_changed (CuspValvePanel *panel, Rehearsal *r)
{
  CuspSimPose pose;
  gboolean dragging;

  cusp_valve_panel_get_pose (panel, &pose);
  if (is_replay (r) || same_pose (&pose, &r->pose))
    {
      remember_panel (r);
      return;
    }
  /* A handle drag is one entry of its own, however long it pauses: sealed before its first
   * change (a nudge just before is not part of it) and when it ends. */
  dragging = r->scene != NULL && cusp_valve_scene_is_interacting (r->scene);
  if (dragging && !r->drag_entry_open)
    {
      cusp_undo_stack_seal (r->undo);
      r->drag_entry_open = TRUE;
    }
  cusp_undo_stack_push_merge (r->undo, _("Move Valve"), MERGE_KEY_POSE, g_get_monotonic_time (),
                              dragging ? G_MAXINT64 : MERGE_WINDOW_US,
                              valve_edit_apply, valve_edit_revert, valve_edit_merge,
                              valve_edit_new (r), valve_edit_free);
  remember_panel (r);
}

/* A handle drag ended: its entry takes no more changes (the next drag or nudge is its own). */
static void
on_interaction_ended (CuspValveScene *scene, Rehearsal *r)
{
  if (r->undo != NULL)
    cusp_undo_stack_seal (r->undo);
  r->drag_entry_open = FALSE;
}

static void
on_device_changed (CuspValvePanel *panel, Rehearsal *r)
{
  if (is_replay (r) || g_strcmp0 (cusp_valve_panel_get_device_id (panel), r->device_id) == 0)
    {
      remember_panel (r);
      return;
    }
  cusp_undo_stack_push (r->undo, _("Change Device"), valve_edit_apply, valve_edit_revert,
                        valve_edit_new (r), valve_edit_free);
  remember_panel (r);
}

static gboolean
take_baseline (gpointer data)
{
  Rehearsal *r = data;
  const CuspLandmarks *landmarks;

  r->baseline_id = 0;
  remember_panel (r);
  landmarks = _cusp_window_measure_get_landmarks (r->window);
  g_clear_pointer (&r->detected, g_free);
  if (landmarks != NULL)
    r->detected = g_memdup2 (landmarks, sizeof *landmarks);
  return G_SOURCE_REMOVE;
}

/* An emptied history is a new root: the panel may pick that root's recommended size without
 * saying so, and the landmarks are the detected ones; look again once the segmentation's result
 * has been handed out. Landmarks that differ from those are the user's: they go into the case. */
static void
on_undo_changed (CuspUndoStack *undo, Rehearsal *r)
{
  const CuspLandmarks *landmarks = _cusp_window_measure_get_landmarks (r->window);

  _cusp_window_case_show_history (r->window, undo);
  if (!cusp_undo_stack_can_undo (undo) && !cusp_undo_stack_can_redo (undo) && r->baseline_id == 0)
    r->baseline_id = g_idle_add (take_baseline, r);
  if (landmarks != NULL && (cusp_undo_stack_can_undo (undo) || cusp_undo_stack_can_redo (undo)))
    _cusp_window_case_keep_landmarks (r->window, landmarks,
                                      r->detected == NULL || memcmp (landmarks, r->detected, sizeof *landmarks) != 0);
}

/* ---- actions: the valve as a script moves it ---------------------------------------------- */

static void
valve_device_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  Rehearsal *r = rehearsal_of (user_data);
  const char *id = g_variant_get_string (parameter, NULL);

  if (r != NULL && !cusp_valve_panel_set_device_id (r->panel, id))
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                             _("There is no device “%s” in the library."), id);
      _cusp_window_show_error (r->window, _("Cannot choose the device"), error);
    }
}

static void
valve_pose_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  Rehearsal *r = rehearsal_of (user_data);
  CuspSimPose pose;

  g_variant_get (parameter, "(ddd)", &pose.depth_mm, &pose.tilt_deg, &pose.rotation_deg);
  /* the panel ignores non-finite values and clamps to its ranges; a whole pose given at once is
   * one edit of its own, never folded into a drag before or after it */
  if (r == NULL)
    return;
  if (r->undo != NULL)
    cusp_undo_stack_seal (r->undo);
  cusp_valve_panel_set_pose (r->panel, &pose);
  if (r->undo != NULL)
    cusp_undo_stack_seal (r->undo);
}

/* ---- the interaction benchmark ------------------------------------------------------------ */

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
add_distribution (JsonBuilder *b, const char *name, GArray *values)
{
  double *v = (double *) values->data;
  guint n = values->len;

  g_array_sort (values, compare_doubles);
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, n);
  if (n > 0)
    {
      json_builder_set_member_name (b, "median");
      json_builder_add_double_value (b, v[n / 2]);
      json_builder_set_member_name (b, "p90");
      json_builder_add_double_value (b, v[MIN (n - 1, (guint) ceil (0.90 * n) - 1)]);
      json_builder_set_member_name (b, "p99");
      json_builder_add_double_value (b, v[MIN (n - 1, (guint) ceil (0.99 * n) - 1)]);
      json_builder_set_member_name (b, "max");
      json_builder_add_double_value (b, v[n - 1]);
    }
  json_builder_end_object (b);
}

static void
bench_write (Rehearsal *r, gint64 settled_us, const CuspLiveResult *result)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *view = r->window->views[CUSP_WINDOW_VIEW_3D];

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "drag_s");
  json_builder_add_double_value (b, (r->drag_end_us - r->drag_start_us) / 1e6);
  json_builder_set_member_name (b, "view_width");
  json_builder_add_int_value (b, gtk_widget_get_width (view));
  json_builder_set_member_name (b, "view_height");
  json_builder_add_int_value (b, gtk_widget_get_height (view));
  json_builder_set_member_name (b, "window_width");
  json_builder_add_int_value (b, gtk_widget_get_width (GTK_WIDGET (r->window)));
  json_builder_set_member_name (b, "window_height");
  json_builder_add_int_value (b, gtk_widget_get_height (GTK_WIDGET (r->window)));
  add_distribution (b, "reference_frame_ms", r->reference_ms);
  add_distribution (b, "frame_ms", r->frame_ms);
  add_distribution (b, "answer_age_ms", r->age_ms);
  json_builder_set_member_name (b, "drag_main_cpu_ms");
  json_builder_add_double_value (b, r->drag_main_cpu_ms);
  json_builder_set_member_name (b, "drag_process_cpu_ms");
  json_builder_add_double_value (b, r->drag_process_cpu_ms);
  json_builder_set_member_name (b, "preliminary_frames");
  json_builder_add_int_value (b, r->n_preliminary_frames);
  json_builder_set_member_name (b, "settled");
  json_builder_add_boolean_value (b, settled_us > 0);
  json_builder_set_member_name (b, "lag_ms");
  json_builder_add_double_value (b, settled_us > 0 ? (settled_us - r->drag_end_us) / 1000.0 : -1.0);
  json_builder_set_member_name (b, "final_converged");
  json_builder_add_boolean_value (b, result != NULL && result->converged);
  json_builder_set_member_name (b, "final_iterations");
  json_builder_add_int_value (b, result != NULL ? result->iterations : -1);
  json_builder_set_member_name (b, "first_answer_lag_ms");
  json_builder_add_double_value (b, r->first_shown_us > 0 ? (r->first_shown_us - r->drag_end_us) / 1000.0 : -1.0);
  json_builder_set_member_name (b, "published_after_drag_ms");
  json_builder_add_double_value (b, result != NULL ? (result->ready_us - r->drag_end_us) / 1000.0 : -1.0);
  json_builder_set_member_name (b, "final_answer_ms");
  json_builder_add_double_value (b, result != NULL ? (result->ready_us - result->requested_us) / 1000.0 : -1.0);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  if (r->bench_file != NULL && !g_file_set_contents (r->bench_file, text, -1, &error))
    g_warning ("Cannot write %s: %s", r->bench_file, error->message);
}

static gboolean drag_step (gpointer data);

/* User + system CPU, ms, of the calling thread (RUSAGE_THREAD) or the whole process. */
static double
cpu_ms (int who)
{
  struct rusage usage;

  if (getrusage (who, &usage) != 0)
    return 0.0;
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

static void
record_interval (Rehearsal *r, GArray *into, gint64 now)
{
  if (r->last_frame_us > 0)
    {
      double ms = (now - r->last_frame_us) / 1000.0;
      g_array_append_val (into, ms);
    }
  r->last_frame_us = now;
}

/* Every frame of the 3D view: first the reference (the view alone redrawn each frame), then its
 * interval and the displayed answer's age during the drag, then whether the displayed answer is
 * the final one for the pose the drag ended on. */
static gboolean
bench_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  Rehearsal *r = data;
  gint64 now = g_get_monotonic_time ();
  CuspLiveResult *result = cusp_valve_panel_get_result (r->panel);

  switch (r->phase)
    {
    case BENCH_REFERENCE:
      record_interval (r, r->reference_ms, now);
      if (now - r->reference_start_us < REFERENCE_US)
        {
          gtk_widget_queue_draw (widget);
          return G_SOURCE_CONTINUE;
        }
      r->phase = BENCH_DRAG;
      r->last_frame_us = now;
      r->drag_start_us = now;
      r->drag_main_cpu_ms = cpu_ms (RUSAGE_THREAD);
      r->drag_process_cpu_ms = cpu_ms (RUSAGE_SELF);
      r->drag_id = g_timeout_add (DRAG_PERIOD_MS, drag_step, r);
      return G_SOURCE_CONTINUE;
    case BENCH_DRAG:
      record_interval (r, r->frame_ms, now);
      if (result != NULL)
        {
          double age = (now - result->requested_us) / 1000.0;
          g_array_append_val (r->age_ms, age);
          r->n_preliminary_frames += result->preliminary;
        }
      return G_SOURCE_CONTINUE;
    case BENCH_SETTLE:
      break;
    }
  if (r->first_shown_us == 0 && result != NULL && same_pose (&result->pose, &r->final_pose))
    r->first_shown_us = now;
  if (result != NULL && !result->preliminary && same_pose (&result->pose, &r->final_pose))
    {
      /* shown: this frame is the first to find it on screen */
      bench_write (r, now, result);
      _cusp_window_report_after_frames (r->window, "drag-done", "settled");
    }
  else if (now - r->drag_end_us < SETTLE_TIMEOUT_US)
    return G_SOURCE_CONTINUE;
  else
    {
      bench_write (r, 0, NULL);
      _cusp_window_report_after_frames (r->window, "drag-done", "not settled");
    }
  r->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
drag_step (gpointer data)
{
  Rehearsal *r = data;
  gint64 now = g_get_monotonic_time ();
  double t = (now - r->drag_start_us) / 1e6;
  CuspSimPose pose;

  cusp_valve_panel_get_pose (r->panel, &pose);
  pose.depth_mm = r->base_depth_mm + DRAG_AMPLITUDE_MM * sin (2 * G_PI * t / DRAG_CYCLE_S);
  if (t >= r->drag_seconds)
    /* end a little off the start, so the final pose is a new one */
    pose.depth_mm = r->base_depth_mm + 0.5 * DRAG_AMPLITUDE_MM;
  cusp_valve_panel_set_pose (r->panel, &pose);
  if (t < r->drag_seconds)
    return G_SOURCE_CONTINUE;
  /* the pose the spins hold (rounded by them) is what the answer must be for */
  cusp_valve_panel_get_pose (r->panel, &r->final_pose);
  r->drag_end_us = g_get_monotonic_time ();
  r->drag_main_cpu_ms = cpu_ms (RUSAGE_THREAD) - r->drag_main_cpu_ms;
  r->drag_process_cpu_ms = cpu_ms (RUSAGE_SELF) - r->drag_process_cpu_ms;
  r->drag_id = 0;
  r->phase = BENCH_SETTLE;
  return G_SOURCE_REMOVE;
}

static void
bench_drag_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  Rehearsal *r = rehearsal_of (user_data);
  CuspSimPose pose;

  if (r == NULL || r->drag_seconds <= 0 || r->drag_id != 0 || r->tick_id != 0)
    return;
  cusp_valve_panel_get_pose (r->panel, &pose);
  r->base_depth_mm = pose.depth_mm;
  g_array_set_size (r->reference_ms, 0);
  g_array_set_size (r->frame_ms, 0);
  g_array_set_size (r->age_ms, 0);
  r->n_preliminary_frames = 0;
  r->last_frame_us = 0;
  r->first_shown_us = 0;
  r->phase = BENCH_REFERENCE;
  r->reference_start_us = g_get_monotonic_time ();
  r->tick_id = gtk_widget_add_tick_callback (r->window->views[CUSP_WINDOW_VIEW_3D], bench_tick, r, NULL);
}

/* ---- setup -------------------------------------------------------------------------------- */

/* win.septum-length (mm; 0 = not measured): the valve panel's control and scripts. Kept in the
 * case and handed to the panel, whose solver restarts with it. */
static void
septum_length_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  CuspWindow *self = CUSP_WINDOW (user_data);
  CuspValvePanel *panel = _cusp_window_measure_get_valve_panel (self);
  double requested_mm = g_variant_get_double (parameter);
  double septum_mm = requested_mm == 0.0 ? NAN : requested_mm;

  if (panel == NULL)
    return;
  if (requested_mm != 0.0 && !(requested_mm >= CUSP_SEPTUM_MIN_MM
                               && requested_mm <= CUSP_SEPTUM_MAX_MM))
    {
      g_autoptr(GError) error = g_error_new (CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                                             "a membranous septum length lies between %.1f and %.0f mm, not %g",
                                             CUSP_SEPTUM_MIN_MM, CUSP_SEPTUM_MAX_MM,
                                             requested_mm);
      _cusp_window_show_error (self, _("Cannot use that septum length"), error);
      return;
    }
  _cusp_window_case_set_septum_mm (self, septum_mm);
  cusp_valve_panel_set_septum_mm (panel, septum_mm);
}

static const GActionEntry valve_actions[] = {
  { "valve-device", valve_device_action, "s", NULL, NULL, { 0 } },
  { "valve-pose", valve_pose_action, "(ddd)", NULL, NULL, { 0 } },
  { "septum-length", septum_length_action, "d", NULL, NULL, { 0 } },
  { "bench-drag", bench_drag_action, NULL, NULL, NULL, { 0 } },
};

static void
rehearsal_free (gpointer data)
{
  Rehearsal *r = data;

  g_clear_handle_id (&r->baseline_id, g_source_remove);
  g_clear_handle_id (&r->drag_id, g_source_remove);
  g_array_unref (r->reference_ms);
  g_array_unref (r->frame_ms);
  g_array_unref (r->age_ms);
  g_clear_object (&r->scene);
  g_free (r->bench_file);
  g_free (r->device_id);
  g_free (r->detected);
  g_free (r);
}

void
_cusp_window_rehearsal_init (CuspWindow *self)
{
  Rehearsal *r = g_new0 (Rehearsal, 1);
  const char *seconds = g_getenv ("CUSP_TEST_DRAG_SECONDS");
  const char *bench_file = g_getenv ("CUSP_TEST_BENCH_FILE");

  r->window = self;
  r->panel = _cusp_window_measure_get_valve_panel (self);
  r->undo = _cusp_window_measure_get_undo (self);
  r->reference_ms = g_array_new (FALSE, FALSE, sizeof (double));
  r->frame_ms = g_array_new (FALSE, FALSE, sizeof (double));
  r->age_ms = g_array_new (FALSE, FALSE, sizeof (double));
  if (seconds != NULL)
    {
      r->drag_seconds = g_ascii_strtod (seconds, NULL);
      if (!isfinite (r->drag_seconds) || r->drag_seconds < 0 || r->drag_seconds > 600)
        r->drag_seconds = 0;
    }
  if (bench_file != NULL && *bench_file != '\0')
    r->bench_file = g_strdup (bench_file);
  g_object_set_qdata_full (G_OBJECT (self), rehearsal_quark (), r, rehearsal_free);
  g_return_if_fail (r->panel != NULL && r->undo != NULL);

  remember_panel (r);
  g_signal_connect (r->panel, "pose-changed", G_CALLBACK (on_pose_changed), r);
  g_signal_connect (r->panel, "device-changed", G_CALLBACK (on_device_changed), r);
  g_signal_connect (r->undo, "changed", G_CALLBACK (on_undo_changed), r);
  r->scene = g_object_ref (cusp_view_link_get_valve_scene (CUSP_VIEW_LINK (self->view_link)));
  g_signal_connect (r->scene, "interaction-ended", G_CALLBACK (on_interaction_ended), r);
  g_action_map_add_action_entries (G_ACTION_MAP (self), valve_actions, G_N_ELEMENTS (valve_actions), self);
}

void
_cusp_window_rehearsal_dispose (CuspWindow *self)
{
  Rehearsal *r = rehearsal_of (self);

  if (r == NULL)
    return;
  if (r->tick_id != 0)
    gtk_widget_remove_tick_callback (self->views[CUSP_WINDOW_VIEW_3D], r->tick_id);
  r->tick_id = 0;
  if (r->panel != NULL)
    g_signal_handlers_disconnect_by_data (r->panel, r);
  if (r->undo != NULL)
    g_signal_handlers_disconnect_by_data (r->undo, r);
  if (r->scene != NULL)
    g_signal_handlers_disconnect_by_data (r->scene, r);
  /* commands still in the history find no state and do nothing */
  g_object_set_qdata (G_OBJECT (self), rehearsal_quark (), NULL);
}
