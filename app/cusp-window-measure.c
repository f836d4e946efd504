/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window-measure.c: segmentation, measurements, landmark editing and surfaces in the window.
 *
 * Segmentation + landmark detection + the first measurement + the surface meshes run as one
 * cancellable GTask on a worker thread, reporting progress through a CuspLoadProgress (updated
 * under its lock, delivered by one coalesced idle). Each run and each study bumps `generation`,
 * so a result that arrives after the user moved on is dropped. Everything after that (dragging a
 * landmark, undo, redo) goes through the GTK-free CuspLandmarkEditor and re-measures on the main
 * thread: the measurement layer takes a few ms, and motion events are coalesced to one re-measure
 * per frame with a tick callback.
 *
 * Layout: the sidebar (a GtkPaned end child in the window template) holds the double-oblique
 * annulus view over the measurement panel; the 3D view of the grid gets the meshes. */
#include "cusp-config.h"
#include "cusp-window-private.h"
#include "cusp-annulus-view.h"
#include "cusp-landmark-editor.h"
#include "cusp-measure-panel.h"
#include "cusp-user-limits.h"
#include "cusp-mesh.h"
#include "cusp-segment.h"
#include "cusp-undo-stack.h"
#include "cusp-valve-panel.h"
#include "cusp-view-link.h"
#include "cusp-volume-view.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>

#define UNDO_DEPTH 200

enum { MESH_LUMEN, MESH_CALCIUM, N_MESHES };


struct _CuspWindowMeasure {
  CuspWindow *window;               /* owner; this struct dies in its dispose */
  CuspAnnulusView *annulus_view;
  CuspMeasurePanel *panel;
  CuspValvePanel *valve_panel;      /* the rehearsal: device, pose, live solver */

  guint generation;
  GCancellable *cancellable;        /* the segmentation in flight, or NULL */
  CuspLoadProgress *progress;

  /* The result shown; the editor holds the landmarks (maybe dragged) and their measurements. */
  CuspSegmentation *segmentation;
  CuspVolume *calcium_mask;         /* used by the editor's measurement context */
  CuspLandmarkEditor *editor;
  CuspMesh *meshes[N_MESHES];

  CuspUndoStack *undo;
  guint remeasure_tick;

  /* A failed automatic run asks for a seed: the next crosshair move sets it. */
  gboolean seed_mode;
  gboolean has_seed;
  double seed_mm[3];
  guint runs;                       /* segmentations started for this study */

  /* CUSP_TEST_MEASURE_FILE: the measurements as shown, written two frames after they change;
   * with it, the text last copied to the clipboard (a test cannot read the X clipboard here). */
  char *test_file;
  guint test_tick;
  guint test_frames;
  char *test_state;
  char *test_copied;
};

typedef struct _CuspWindowMeasure CuspWindowMeasure;

static void measure_actions_update (CuspWindow *self);
static void measure_report (CuspWindow *self, const char *state);

/* ---- the worker ---------------------------------------------------------------------------- */

/* Workers still running when the process exits would run ITK and VTK code while their static
 * objects are destroyed (crashes in itk::TimeStamp and in VTK's flying edges were seen on
 * SIGTERM mid-segmentation). The application's "shutdown" (main thread, before main returns and
 * any destructor runs) cancels every worker in flight and waits for it; an atexit handler does
 * the same for exits that skip shutdown. */
static GMutex workers_lock;
static GCond workers_done;
static GPtrArray *workers_in_flight;   /* (element-type GCancellable) */

static void
workers_wait_at_exit (void)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;

  g_mutex_lock (&workers_lock);
  for (guint i = 0; i < workers_in_flight->len; i++)
    g_cancellable_cancel (g_ptr_array_index (workers_in_flight, i));
  while (workers_in_flight->len > 0)
    if (!g_cond_wait_until (&workers_done, &workers_lock, deadline))
      break;
  g_mutex_unlock (&workers_lock);
}

static void
workers_wait_at_shutdown (GApplication *application)
{
  workers_wait_at_exit ();
}

static void
worker_started (GCancellable *cancellable)
{
  g_mutex_lock (&workers_lock);
  if (workers_in_flight == NULL)
    {
      GApplication *application = g_application_get_default ();

      workers_in_flight = g_ptr_array_new_with_free_func (g_object_unref);
      atexit (workers_wait_at_exit);
      if (application != NULL)
        g_signal_connect (application, "shutdown", G_CALLBACK (workers_wait_at_shutdown), NULL);
    }
  g_ptr_array_add (workers_in_flight, g_object_ref (cancellable));
  g_mutex_unlock (&workers_lock);
}

static void
worker_finished (GCancellable *cancellable)
{
  g_mutex_lock (&workers_lock);
  g_ptr_array_remove (workers_in_flight, cancellable);
  g_cond_broadcast (&workers_done);
  g_mutex_unlock (&workers_lock);
}

typedef struct {
  CuspVolume *volume;
  CuspSegmentOptions options;
  CuspLoadProgress *progress;
  guint generation;
} SegmentJob;

typedef struct {
  CuspSegmentation *segmentation;
  CuspVolume *calcium_mask;
  CuspMeasureContext *context;      /* NULL when the image cannot be measured */
  char *measure_error;              /* why, or NULL */
  CuspMesh *meshes[N_MESHES];
  double seconds;
} SegmentResult;

static void
segment_job_free (gpointer data)
{
  SegmentJob *job = data;

  g_clear_pointer (&job->volume, cusp_volume_unref);
  g_clear_object (&job->progress);
  g_free (job);
}

static void
segment_result_free (gpointer data)
{
  SegmentResult *result = data;

  g_clear_pointer (&result->segmentation, cusp_segmentation_free);
  g_clear_pointer (&result->calcium_mask, cusp_volume_unref);
  g_clear_pointer (&result->context, cusp_measure_context_free);
  for (int i = 0; i < N_MESHES; i++)
    g_clear_pointer (&result->meshes[i], cusp_mesh_free);
  g_free (result->measure_error);
  g_free (result);
}

static void
segment_progress (double fraction, const char *message, gpointer data)
{
  /* The segmentation is about three quarters of the run; measuring and meshing the rest. */
  cusp_load_progress_update (data, 0.75 * fraction, message);
}

static void
segment_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SegmentJob *job = task_data;
  SegmentResult *result = g_new0 (SegmentResult, 1);
  CuspMeasureParams params = cusp_measure_default_params ();
  gint64 start = g_get_monotonic_time ();
  GError *error = NULL;
  CuspMeshOptions lumen_options = cusp_mesh_options_default (CUSP_LABEL_LUMEN, CUSP_LABEL_LUMEN);
  CuspMeshOptions calcium_options = cusp_mesh_options_default (CUSP_LABEL_CALCIUM_LEAFLET, CUSP_LABEL_CALCIUM_WALL);

  result->segmentation = cusp_segment_root (job->volume, &job->options, cancellable,
                                            segment_progress, job->progress, &error);
  if (result->segmentation == NULL)
    goto fail;

  result->calcium_mask = cusp_segmentation_calcium_mask (result->segmentation, &error);
  if (error != NULL || g_cancellable_set_error_if_cancelled (cancellable, &error))
    goto fail;

  /* The context caches the calcium candidates (the slow part); the landmarks are measured on
   * the main thread by the editor, a few ms. */
  cusp_load_progress_update (job->progress, 0.8, _("Preparing measurements"));
  params.lumen_threshold = result->segmentation->lumen_threshold;
  params.calcium_mask = result->calcium_mask;
  if (result->segmentation->calcium_threshold > 0.0)
    params.calcium_threshold = result->segmentation->calcium_threshold;
  {
    g_autoptr(GError) measure_error = NULL;

    result->context = cusp_measure_context_new (job->volume, &params, &measure_error);
    if (result->context == NULL)
      result->measure_error = g_strdup (measure_error->message);
  }
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    goto fail;

  /* Calcium: a lighter smoothing keeps small plaques from shrinking away. */
  cusp_load_progress_update (job->progress, 0.85, _("Building surfaces"));
  calcium_options.smoothing_iterations = 8;
  calcium_options.target_reduction = 0.3;
  result->meshes[MESH_LUMEN] = cusp_mesh_from_labels (result->segmentation->labels, &lumen_options, &error);
  if (result->meshes[MESH_LUMEN] == NULL || g_cancellable_set_error_if_cancelled (cancellable, &error))
    goto fail;
  if (result->calcium_mask != NULL)
    {
      result->meshes[MESH_CALCIUM] = cusp_mesh_from_labels (result->segmentation->labels, &calcium_options, &error);
      if (result->meshes[MESH_CALCIUM] == NULL)
        goto fail;
    }
  cusp_load_progress_update (job->progress, 1.0, _("Done"));
  result->seconds = (g_get_monotonic_time () - start) / 1e6;
  g_task_return_pointer (task, result, segment_result_free);
  worker_finished (cancellable);
  return;

fail:
  segment_result_free (result);
  g_task_return_error (task, error);
  worker_finished (cancellable);
}

/* ---- showing a result ---------------------------------------------------------------------- */

static CuspWindowMeasure *
measure_of (CuspWindow *self)
{
  return self->measure;
}

static void
handle_init (CuspAnnulusHandle *h, const double lps[3], float r, float g, float b, const char *label)
{
  memcpy (h->lps_mm, lps, sizeof h->lps_mm);
  h->rgba[0] = r;
  h->rgba[1] = g;
  h->rgba[2] = b;
  h->rgba[3] = 1.0f;
  g_strlcpy (h->label, label, sizeof h->label);
}

static void
show_landmarks (CuspWindowMeasure *m)
{
  static const char *const hinge_labels[CUSP_CUSP_COUNT] = { "L", "R", "N" };
  static const char *const commissure_labels[CUSP_COMMISSURE_COUNT] = { "L-R", "R-N", "N-L" };
  /* Cusp colours as in most planning tools: left red, right green, non-coronary yellow. */
  static const float hinge_rgb[CUSP_CUSP_COUNT][3] = { { 1.0f, 0.3f, 0.3f }, { 0.3f, 0.9f, 0.3f }, { 1.0f, 0.9f, 0.2f } };
  /* Handle i is CuspLandmarkId i. */
  CuspAnnulusHandle handles[CUSP_LANDMARK_COUNT];
  const CuspLandmarks *l;

  if (m->editor == NULL)
    {
      cusp_annulus_view_set_handles (m->annulus_view, NULL, 0);
      return;
    }
  l = cusp_landmark_editor_get_landmarks (m->editor);
  for (int c = 0; c < CUSP_CUSP_COUNT; c++)
    handle_init (&handles[CUSP_LANDMARK_HINGE_LEFT + c], l->hinge_mm[c],
                 hinge_rgb[c][0], hinge_rgb[c][1], hinge_rgb[c][2], hinge_labels[c]);
  for (int c = 0; c < CUSP_COMMISSURE_COUNT; c++)
    handle_init (&handles[CUSP_LANDMARK_COMMISSURE_LEFT_RIGHT + c], l->commissure_mm[c], 0.9f, 0.9f, 0.95f, commissure_labels[c]);
  handle_init (&handles[CUSP_LANDMARK_LEFT_OSTIUM], l->left_ostium_mm, 1.0f, 0.55f, 0.1f, "LCA");
  handle_init (&handles[CUSP_LANDMARK_RIGHT_OSTIUM], l->right_ostium_mm, 1.0f, 0.55f, 0.1f, "RCA");
  handle_init (&handles[CUSP_LANDMARK_STJ], l->stj_center_mm, 0.3f, 0.85f, 1.0f, "STJ");
  cusp_annulus_view_set_handles (m->annulus_view, handles, CUSP_LANDMARK_COUNT);
}

static void
show_measurements (CuspWindowMeasure *m)
{
  const CuspMeasurements *meas = m->editor ? cusp_landmark_editor_get_measurements (m->editor) : NULL;

  cusp_measure_panel_set_measurements (m->panel, meas);
  cusp_valve_panel_set_root (m->valve_panel, meas != NULL ? m->segmentation : NULL,
                             m->window->study != NULL ? cusp_study_get_volume (m->window->study) : NULL,
                             meas, m->editor != NULL ? cusp_landmark_editor_get_landmarks (m->editor) : NULL);
  if (meas != NULL && meas->annulus.valid)
    {
      cusp_annulus_view_set_plane (m->annulus_view, meas->annulus_center_mm, meas->annulus_normal);
      cusp_annulus_view_set_contour (m->annulus_view,
                                     (const double (*)[3]) meas->annulus.points_mm,
                                     meas->annulus.point_count);
    }
  else
    cusp_annulus_view_set_contour (m->annulus_view, NULL, 0);
  show_landmarks (m);
}

/* After every re-measure (drag, undo, redo): on failure the previous values stay, with why. */
static void
on_editor_changed (CuspLandmarkEditor *editor, CuspWindow *self)
{
  CuspWindowMeasure *m = measure_of (self);
  const char *error = cusp_landmark_editor_get_error (editor);

  if (m == NULL || m->editor != editor)
    return;
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot measure these landmarks: %s"), error);
      cusp_measure_panel_set_status (m->panel, text, TRUE);
    }
  else
    cusp_measure_panel_set_status (m->panel, NULL, FALSE);
  show_measurements (m);
  measure_actions_update (self);
  measure_report (self, "measured");
}

static void
measure_clear_result (CuspWindowMeasure *m)
{
  /* The editor's context may read the calcium mask: it goes first. */
  if (m->editor != NULL)
    g_signal_handlers_disconnect_by_func (m->editor, on_editor_changed, m->window);
  g_clear_object (&m->editor);
  g_clear_pointer (&m->segmentation, cusp_segmentation_free);
  g_clear_pointer (&m->calcium_mask, cusp_volume_unref);
  for (int i = 0; i < N_MESHES; i++)
    g_clear_pointer (&m->meshes[i], cusp_mesh_free);
  if (m->undo != NULL)
    cusp_undo_stack_clear (m->undo);
}

static void
segment_done (GObject      *source,
              GAsyncResult *async_result,
              gpointer      user_data)
{
  CuspWindow *self = CUSP_WINDOW (source);
  CuspWindowMeasure *m = measure_of (self);
  SegmentJob *job = g_task_get_task_data (G_TASK (async_result));
  g_autoptr(GError) error = NULL;
  SegmentResult *result = g_task_propagate_pointer (G_TASK (async_result), &error);
  CuspVolumeView *volume_view;

  /* The window is gone, or another study or run replaced this one. */
  if (m == NULL || job->generation != m->generation)
    {
      g_clear_pointer (&result, segment_result_free);
      return;
    }
  g_clear_object (&m->cancellable);
  cusp_measure_panel_set_progress (m->panel, FALSE, 0, NULL);

  if (result == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        cusp_measure_panel_set_status (m->panel, _("Segmentation cancelled. Segment again with Ctrl+G."), FALSE);
      else if (strstr (error->message, "click inside") != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("%s.\nThe next click in a slice view sets that seed; then press Segment (Ctrl+G)."),
                                                   error->message);
          m->seed_mode = TRUE;
          cusp_measure_panel_set_status (m->panel, text, TRUE);
        }
      else
        cusp_measure_panel_set_status (m->panel, error->message, TRUE);
      measure_actions_update (self);
      measure_report (self, "segment-error");
      return;
    }

  measure_clear_result (m);
  m->seed_mode = FALSE;
  m->segmentation = g_steal_pointer (&result->segmentation);
  m->calcium_mask = g_steal_pointer (&result->calcium_mask);
  if (result->context != NULL)
    {
      _cusp_window_case_take_landmarks (self, &m->segmentation->landmarks);
      m->editor = cusp_landmark_editor_new (g_steal_pointer (&result->context),
                                            &m->segmentation->landmarks, m->undo);
      if (cusp_landmark_editor_get_error (m->editor) != NULL)
        result->measure_error = g_strdup (cusp_landmark_editor_get_error (m->editor));
      g_signal_connect (m->editor, "changed", G_CALLBACK (on_editor_changed), self);
    }
  for (int i = 0; i < N_MESHES; i++)
    m->meshes[i] = g_steal_pointer (&result->meshes[i]);

  {
    g_autoptr(GString) status = g_string_new (NULL);

    if (result->measure_error != NULL)
      g_string_append_printf (status, _("Segmented, but the landmarks could not be measured: %s. Drag the landmarks in the annulus view."),
                              result->measure_error);
    else
      g_string_append_printf (status, _("Segmented in %.1f s. Drag a landmark in the annulus view to correct it."),
                              result->seconds);
    if (m->segmentation->intensity_based)
      g_string_append (status, _(" Intensity-based (not HU): no calcium was labelled."));
    for (guint i = 0; i < m->segmentation->warnings->len; i++)
      g_string_append_printf (status, "\n%s", (const char *) m->segmentation->warnings->pdata[i]);
    cusp_measure_panel_set_status (m->panel, status->str, result->measure_error != NULL);
  }
  segment_result_free (result);

  cusp_measure_panel_set_calcium_threshold (m->panel, m->segmentation->calcium_threshold,
                                            !isfinite (_cusp_window_case_get_calcium_threshold_hu (self)));
  volume_view = CUSP_VOLUME_VIEW (self->views[CUSP_WINDOW_VIEW_3D]);
  cusp_volume_view_set_meshes (volume_view, m->meshes[MESH_LUMEN], m->meshes[MESH_CALCIUM]);
  show_measurements (m);
  measure_actions_update (self);
  measure_report (self, "measured");
}

static void
on_progress_notify (CuspLoadProgress *progress,
                    GParamSpec       *pspec,
                    CuspWindow       *self)
{
  CuspWindowMeasure *m = measure_of (self);

  if (m == NULL || m->progress != progress || m->cancellable == NULL)
    return;
  cusp_measure_panel_set_progress (m->panel, TRUE, cusp_load_progress_get_fraction (progress),
                                   cusp_load_progress_get_message (progress));
}

static void
measure_cancel (CuspWindowMeasure *m)
{
  if (m->cancellable != NULL)
    g_cancellable_cancel (m->cancellable);
  g_clear_object (&m->cancellable);
}

static void
segment_start (CuspWindow *self)
{
  CuspWindowMeasure *m = measure_of (self);
  SegmentJob *job;
  GTask *task;

  if (m == NULL || self->study == NULL)
    return;
  measure_cancel (m);
  m->generation++;

  job = g_new0 (SegmentJob, 1);
  job->volume = cusp_volume_ref (cusp_study_get_volume (self->study));
  job->options = cusp_segment_options_default ();
  if (m->has_seed)
    {
      job->options.has_seed = TRUE;
      memcpy (job->options.seed_mm, m->seed_mm, sizeof m->seed_mm);
    }
  /* the case's threshold, when the user set one: every segmentation of the study uses it */
  job->options.calcium_threshold_hu = _cusp_window_case_get_calcium_threshold_hu (self);
  job->options.has_calcium_threshold = isfinite (job->options.calcium_threshold_hu);
  job->generation = m->generation;
  m->runs++;
  if (m->progress != NULL)
    g_signal_handlers_disconnect_by_data (m->progress, self);
  g_clear_object (&m->progress);
  m->progress = cusp_load_progress_new ();
  g_signal_connect (m->progress, "notify", G_CALLBACK (on_progress_notify), self);
  job->progress = g_object_ref (m->progress);

  m->cancellable = g_cancellable_new ();
  cusp_measure_panel_set_status (m->panel, NULL, FALSE);
  cusp_measure_panel_set_progress (m->panel, TRUE, 0.0, _("Segmenting the aortic root"));

  worker_started (m->cancellable);
  task = g_task_new (self, m->cancellable, segment_done, NULL);
  g_task_set_source_tag (task, segment_start);
  g_task_set_task_data (task, job, segment_job_free);
  g_task_run_in_thread (task, segment_thread);
  g_object_unref (task);
  measure_actions_update (self);
}

/* ---- landmark drags, undo ------------------------------------------------------------------ */

static gboolean
remeasure_tick (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  CuspWindowMeasure *m = measure_of (CUSP_WINDOW (data));

  if (m != NULL)
    {
      m->remeasure_tick = 0;
      if (m->editor != NULL)
        cusp_landmark_editor_remeasure (m->editor);
    }
  return G_SOURCE_REMOVE;
}

static void
on_handle_drag_begin (CuspAnnulusView *view, int handle, CuspWindow *self)
{
  CuspWindowMeasure *m = measure_of (self);

  if (m->editor != NULL)
    cusp_landmark_editor_begin_move (m->editor);
}

static void
on_handle_moved (CuspAnnulusView *view, int handle, gpointer lps_mm, CuspWindow *self)
{
  CuspWindowMeasure *m = measure_of (self);

  if (m->editor == NULL || handle < 0 || handle >= CUSP_LANDMARK_COUNT)
    return;
  cusp_landmark_editor_move (m->editor, handle, lps_mm, FALSE);
  /* One re-measure per frame however many motion events arrive. */
  if (m->remeasure_tick == 0)
    m->remeasure_tick = gtk_widget_add_tick_callback (GTK_WIDGET (view), remeasure_tick, self, NULL);
}

static void
on_handle_drag_end (CuspAnnulusView *view, int handle, CuspWindow *self)
{
  CuspWindowMeasure *m = measure_of (self);

  if (m->remeasure_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (view), m->remeasure_tick);
      m->remeasure_tick = 0;
    }
  if (m->editor != NULL && handle >= 0 && handle < CUSP_LANDMARK_COUNT)
    cusp_landmark_editor_end_move (m->editor, handle);
}

static void
on_undo_changed (CuspUndoStack *undo, CuspWindow *self)
{
  measure_actions_update (self);
}

/* ---- seed click ---------------------------------------------------------------------------- */

static void
on_cursor_changed (CuspViewLink *link, GParamSpec *pspec, CuspWindow *self)
{
  CuspWindowMeasure *m = measure_of (self);
  g_autofree char *where = NULL, *text = NULL;

  /* The crosshair is three properties (cursor-x-mm, ...); a click sets them together. */
  if (m == NULL || !m->seed_mode || !g_str_has_prefix (g_param_spec_get_name (pspec), "cursor-"))
    return;
  cusp_view_link_get_cursor (link, m->seed_mm);
  m->has_seed = TRUE;
  where = cusp_format_lps (m->seed_mm);
  text = g_strdup_printf (_("Seed set at %s. Segment again (Ctrl+G), or click elsewhere to move it."), where);
  cusp_measure_panel_set_status (m->panel, text, FALSE);
  measure_report (self, "seed-set");
}

/* ---- actions ------------------------------------------------------------------------------- */

static void
segment_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  segment_start (CUSP_WINDOW (widget));
}

/* win.calcium-threshold (HU; 0 = the automatic 450 / 850 HU rule): kept in the case, and the
 * root is segmented again with it (the calcium labels, volumes and surfaces all follow). */
static void
calcium_threshold_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CuspWindow *self = CUSP_WINDOW (user_data);
  CuspWindowMeasure *m = measure_of (self);
  double requested_hu = g_variant_get_double (parameter);
  double threshold_hu = requested_hu == 0.0 ? NAN : requested_hu;
  double current_hu = _cusp_window_case_get_calcium_threshold_hu (self);
  CuspVolume *volume = self->study != NULL ? cusp_study_get_volume (self->study) : NULL;

  if (m == NULL || volume == NULL)
    return;
  if (!volume->hounsfield)
    {
      cusp_measure_panel_set_status (m->panel, _("This image is not in Hounsfield units: calcium is not labelled "
                                                 "by a threshold here."), TRUE);
      return;
    }
  if (isfinite (threshold_hu) != (requested_hu != 0.0)
      || (isfinite (threshold_hu) && (threshold_hu < CUSP_CALCIUM_THRESHOLD_MIN_HU
                                      || threshold_hu > CUSP_CALCIUM_THRESHOLD_MAX_HU)))
    {
      g_autofree char *text = g_strdup_printf (_("A calcium threshold must lie between %.0f and %.0f HU "
                                                 "(or be automatic); %g HU was not applied."),
                                               CUSP_CALCIUM_THRESHOLD_MIN_HU,
                                               CUSP_CALCIUM_THRESHOLD_MAX_HU, requested_hu);
      cusp_measure_panel_set_status (m->panel, text, TRUE);
      measure_report (self, "calcium-refused");
      return;
    }
  if (isfinite (threshold_hu) == isfinite (current_hu) && (!isfinite (threshold_hu) || threshold_hu == current_hu))
    return;
  _cusp_window_case_set_calcium_threshold_hu (self, threshold_hu);
  segment_start (self);
}

static void
cancel_segment_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CuspWindow *self = CUSP_WINDOW (widget);
  CuspWindowMeasure *m = measure_of (self);

  /* The task still completes (with CANCELLED) and says so in the panel. */
  if (m->cancellable != NULL)
    g_cancellable_cancel (m->cancellable);
}

static void
copy_measurements_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CuspWindow *self = CUSP_WINDOW (widget);
  CuspWindowMeasure *m = measure_of (self);
  g_autofree char *text = NULL;

  const CuspMeasurements *meas = m->editor ? cusp_landmark_editor_get_measurements (m->editor) : NULL;

  if (meas == NULL)
    return;
  text = cusp_measurements_format_text (meas, self->study ? cusp_study_get_title (self->study) : NULL);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Measurements copied as text")));
  if (m->test_file != NULL)
    {
      g_free (m->test_copied);
      m->test_copied = g_steal_pointer (&text);
      measure_report (self, "copied");
    }
}

static void
undo_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  cusp_undo_stack_undo (measure_of (CUSP_WINDOW (widget))->undo);
}

static void
redo_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  cusp_undo_stack_redo (measure_of (CUSP_WINDOW (widget))->undo);
}

typedef struct {
  CuspWindow *window;
  guint generation;
  int mesh;
} ExportJob;

static void
export_response (GtkNativeDialog *dialog, int response, gpointer data)
{
  ExportJob *job = data;
  CuspWindowMeasure *m = measure_of (job->window);

  if (response == GTK_RESPONSE_ACCEPT && m != NULL && m->generation == job->generation
      && m->meshes[job->mesh] != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _("Choose a local file (STL, OBJ or VTP)."));
      if (path == NULL || !cusp_mesh_export (m->meshes[job->mesh], path, &error))
        _cusp_window_show_error (job->window, _("Cannot export the surface"), error);
      else
        {
          g_autofree char *base = g_path_get_basename (path);
          g_autofree char *text = g_strdup_printf (_("Saved %s"), base);
          adw_toast_overlay_add_toast (job->window->toast_overlay, adw_toast_new (text));
        }
    }
  g_object_unref (job->window);
  g_free (job);
  g_object_unref (dialog);
}

static void
export_surface_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CuspWindow *self = CUSP_WINDOW (widget);
  CuspWindowMeasure *m = measure_of (self);
  const char *which = g_variant_get_string (parameter, NULL);
  int mesh = g_str_equal (which, "calcium") ? MESH_CALCIUM : MESH_LUMEN;
  static const char *const patterns[][2] = {
    { N_("STL (binary)"), "*.stl" }, { N_("Wavefront OBJ"), "*.obj" }, { N_("VTK PolyData (VTP)"), "*.vtp" },
  };
  GtkFileChooserNative *dialog;
  ExportJob *job;

  if (m->meshes[mesh] == NULL || m->meshes[mesh]->triangle_count == 0)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                                     mesh == MESH_CALCIUM ? _("No calcium was segmented in this study.")
                                                                          : _("Segment the study first (Ctrl+G)."));
      _cusp_window_show_error (self, _("No surface to export"), error);
      return;
    }
  if (m->test_file != NULL && g_getenv ("CUSP_TEST_EXPORT_DIR") != NULL)
    {
      /* UI test: no file chooser; the surface in every format into that folder */
      static const char *const extensions[] = { "stl", "obj", "vtp" };
      for (gsize i = 0; i < G_N_ELEMENTS (extensions); i++)
        {
          g_autofree char *name = g_strdup_printf ("%s.%s", which, extensions[i]);
          g_autofree char *path = g_build_filename (g_getenv ("CUSP_TEST_EXPORT_DIR"), name, NULL);
          g_autoptr(GError) error = NULL;
          if (!cusp_mesh_export (m->meshes[mesh], path, &error))
            _cusp_window_show_error (self, _("Cannot export the surface"), error);
        }
      measure_report (self, "exported");
      return;
    }
  dialog = gtk_file_chooser_native_new (mesh == MESH_CALCIUM ? _("Export Calcium Surface") : _("Export Lumen Surface"),
                                        GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), mesh == MESH_CALCIUM ? "calcium.stl" : "lumen.stl");
  for (gsize i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _(patterns[i][0]));
      gtk_file_filter_add_pattern (filter, patterns[i][1]);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
      g_object_unref (filter);
    }
  job = g_new0 (ExportJob, 1);
  job->window = g_object_ref (self);
  job->generation = m->generation;
  job->mesh = mesh;
  g_signal_connect (dialog, "response", G_CALLBACK (export_response), job);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
measure_actions_update (CuspWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  CuspWindowMeasure *m = measure_of (self);
  gboolean running = m != NULL && m->cancellable != NULL;
  gboolean has_meshes = m != NULL && m->meshes[MESH_LUMEN] != NULL;

  gtk_widget_action_set_enabled (widget, "win.segment", self->study != NULL && !running);
  gtk_widget_action_set_enabled (widget, "win.cancel-segment", running);
  gtk_widget_action_set_enabled (widget, "win.copy-measurements",
                                 m != NULL && m->editor != NULL && cusp_landmark_editor_get_measurements (m->editor) != NULL);
  gtk_widget_action_set_enabled (widget, "win.export-surface", has_meshes);
  gtk_widget_action_set_enabled (widget, "win.undo", m != NULL && cusp_undo_stack_can_undo (m->undo));
  gtk_widget_action_set_enabled (widget, "win.redo", m != NULL && cusp_undo_stack_can_redo (m->undo));
}

/* ---- test hook ----------------------------------------------------------------------------- */

static void
add_bounds (JsonBuilder *builder, CuspWindow *self, const char *name, GtkWidget *widget)
{
  graphene_rect_t bounds;

  if (!gtk_widget_compute_bounds (widget, GTK_WIDGET (self), &bounds))
    return;
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "x");
  json_builder_add_int_value (builder, (gint64) bounds.origin.x);
  json_builder_set_member_name (builder, "y");
  json_builder_add_int_value (builder, (gint64) bounds.origin.y);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, (gint64) bounds.size.width);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, (gint64) bounds.size.height);
  json_builder_end_object (builder);
}

/* The panel's export menu button (a menu button whose menu exports surfaces), for a test to click. */
static GtkWidget *
find_export_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget))
    {
      GMenuModel *model = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget));
      g_autofree char *action = NULL;
      if (model != NULL && g_menu_model_get_n_items (model) > 0
          && g_menu_model_get_item_attribute (model, 0, G_MENU_ATTRIBUTE_ACTION, "s", &action)
          && g_str_equal (action, "win.export-surface"))
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_export_button (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
measure_write_report (CuspWindow *self)
{
  CuspWindowMeasure *m = measure_of (self);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  const CuspMeasureKey *keys;
  guint n_keys;
  float lumen_rgb[3];
  const CuspMeasurements *meas = m->editor ? cusp_landmark_editor_get_measurements (m->editor) : NULL;

  keys = cusp_measure_keys (&n_keys);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, m->test_state);
  json_builder_set_member_name (builder, "study");
  json_builder_add_string_value (builder, self->study ? cusp_study_get_title (self->study) : "");
  json_builder_set_member_name (builder, "scale");
  json_builder_add_int_value (builder, gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  json_builder_set_member_name (builder, "runs");
  json_builder_add_int_value (builder, m->runs);
  json_builder_set_member_name (builder, "has_seed");
  json_builder_add_boolean_value (builder, m->has_seed);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, cusp_measure_panel_get_status (m->panel));
  json_builder_set_member_name (builder, "flags");
  json_builder_add_string_value (builder, cusp_measure_panel_get_flags (m->panel));
  json_builder_set_member_name (builder, "remeasure_ms");
  json_builder_add_double_value (builder, m->editor ? cusp_landmark_editor_get_last_measure_ms (m->editor) : 0.0);
  /* What the panel shows, and the numbers behind it. */
  json_builder_set_member_name (builder, "shown");
  json_builder_begin_object (builder);
  for (guint i = 0; i < n_keys; i++)
    {
      json_builder_set_member_name (builder, keys[i].key);
      json_builder_add_string_value (builder, cusp_measure_panel_get_shown (m->panel, keys[i].key));
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "values");
  json_builder_begin_object (builder);
  for (guint i = 0; meas != NULL && i < n_keys; i++)
    {
      double value;

      if (cusp_measurements_get (meas, keys[i].key, &value) && isfinite (value))
        {
          json_builder_set_member_name (builder, keys[i].key);
          json_builder_add_double_value (builder, value);
        }
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "lumen_triangles");
  json_builder_add_int_value (builder, m->meshes[MESH_LUMEN] ? m->meshes[MESH_LUMEN]->triangle_count : 0);
  json_builder_set_member_name (builder, "calcium_triangles");
  json_builder_add_int_value (builder, m->meshes[MESH_CALCIUM] ? m->meshes[MESH_CALCIUM]->triangle_count : 0);
  cusp_volume_view_get_lumen_color (lumen_rgb);
  json_builder_set_member_name (builder, "lumen_rgb");
  json_builder_begin_array (builder);
  for (int i = 0; i < 3; i++)
    json_builder_add_double_value (builder, lumen_rgb[i]);
  json_builder_end_array (builder);
  /* Where each landmark's handle is drawn, in window coordinates, so a test can drag it. */
  json_builder_set_member_name (builder, "handles");
  json_builder_begin_array (builder);
  {
    CuspSliceFrame frame;
    graphene_point_t origin;

    if (m->editor != NULL && cusp_annulus_view_get_frame (m->annulus_view, &frame)
        && gtk_widget_compute_point (GTK_WIDGET (m->annulus_view), GTK_WIDGET (self),
                                     &GRAPHENE_POINT_INIT (0, 0), &origin))
      for (int id = 0; id < CUSP_LANDMARK_COUNT; id++)
        {
          double lps[3], x, y;

          cusp_landmark_editor_get_point (m->editor, id, lps);
          cusp_slice_frame_lps_to_screen (&frame, lps, &x, &y);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, cusp_landmark_id_to_string (id));
          json_builder_set_member_name (builder, "x");
          json_builder_add_double_value (builder, origin.x + x);
          json_builder_set_member_name (builder, "y");
          json_builder_add_double_value (builder, origin.y + y);
          json_builder_end_object (builder);
        }
  }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "can_undo");
  json_builder_add_boolean_value (builder, cusp_undo_stack_can_undo (m->undo));
  add_bounds (builder, self, "view_3d", self->views[CUSP_WINDOW_VIEW_3D]);
  add_bounds (builder, self, "annulus_view", GTK_WIDGET (m->annulus_view));
  {
    GtkWidget *button = find_export_button (GTK_WIDGET (m->panel));
    if (button != NULL)
      add_bounds (builder, self, "export_button", button);
  }
  json_builder_set_member_name (builder, "copied");
  json_builder_add_string_value (builder, m->test_copied != NULL ? m->test_copied : "");
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json = json_to_string (root, TRUE);
  if (!g_file_set_contents (m->test_file, json, -1, &error))
    g_warning ("Cannot write %s: %s", m->test_file, error->message);
}

/* Two frames after a change, so a screenshot shows what the report describes. */
static gboolean
measure_report_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  CuspWindow *self = CUSP_WINDOW (widget);
  CuspWindowMeasure *m = measure_of (self);

  if (m == NULL)
    return G_SOURCE_REMOVE;
  if (++m->test_frames < 3)
    {
      gtk_widget_queue_draw (widget);
      return G_SOURCE_CONTINUE;
    }
  m->test_tick = 0;
  measure_write_report (self);
  return G_SOURCE_REMOVE;
}

static void
measure_report (CuspWindow *self, const char *state)
{
  CuspWindowMeasure *m = measure_of (self);

  if (m->test_file == NULL)
    return;
  g_free (m->test_state);
  m->test_state = g_strdup (state);
  m->test_frames = 0;
  if (m->test_tick == 0)
    m->test_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), measure_report_tick, NULL, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- lifecycle ----------------------------------------------------------------------------- */

void
_cusp_window_class_measure_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, measure_sidebar);

  gtk_widget_class_install_action (widget_class, "win.segment", NULL, segment_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-segment", NULL, cancel_segment_action);
  gtk_widget_class_install_action (widget_class, "win.copy-measurements", NULL, copy_measurements_action);
  gtk_widget_class_install_action (widget_class, "win.export-surface", "s", export_surface_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, redo_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK, "win.segment", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_C, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.copy-measurements", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
}

/* The window's edit history (Ctrl+Z): landmark drags, and the valve's device and pose changes
 * pushed by the rehearsal. Plans keep their own (Ctrl+Alt+Z). */
CuspUndoStack *
_cusp_window_measure_get_undo (CuspWindow *self)
{
  return self->measure != NULL ? self->measure->undo : NULL;
}

/* The valve panel (rehearsal: device, pose, live solver). */
CuspValvePanel *
_cusp_window_measure_get_valve_panel (CuspWindow *self)
{
  return self->measure != NULL ? self->measure->valve_panel : NULL;
}

/* Once the sidebar has a height: the measurements about three fifths of it, the valve's results
 * the rest. Later the divider is the user's. */
static void
on_split_sized (GtkPaned   *split,
                GParamSpec *pspec,
                gpointer    data)
{
  int max_position = 0;

  g_object_get (split, "max-position", &max_position, NULL);
  if (max_position <= 0)
    return;
  gtk_paned_set_position (split, (int) (0.62 * max_position));
  g_signal_handlers_disconnect_by_func (split, on_split_sized, data);
}

void
_cusp_window_measure_init (CuspWindow *self)
{
  CuspWindowMeasure *m = g_new0 (CuspWindowMeasure, 1);
  const char *test_file = g_getenv ("CUSP_TEST_MEASURE_FILE");
  GtkWidget *frame;

  /* in the window's action map, so it is scriptable over D-Bus too */
  static const GActionEntry measure_entries[] = {
    { "calcium-threshold", calcium_threshold_action, "d", NULL, NULL, { 0 } },
  };

  self->measure = m;
  m->window = self;
  g_action_map_add_action_entries (G_ACTION_MAP (self), measure_entries, G_N_ELEMENTS (measure_entries), self);
  m->undo = cusp_undo_stack_new (UNDO_DEPTH);
  g_signal_connect (m->undo, "changed", G_CALLBACK (on_undo_changed), self);
  if (test_file != NULL && *test_file != '\0')
    m->test_file = g_strdup (test_file);

  m->annulus_view = cusp_annulus_view_new (CUSP_VIEW_LINK (self->view_link));
  gtk_widget_set_size_request (GTK_WIDGET (m->annulus_view), 300, 300);
  frame = gtk_frame_new (NULL);
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (m->annulus_view));
  gtk_box_append (self->measure_sidebar, frame);
  g_signal_connect (m->annulus_view, "handle-drag-begin", G_CALLBACK (on_handle_drag_begin), self);
  g_signal_connect (m->annulus_view, "handle-moved", G_CALLBACK (on_handle_moved), self);
  g_signal_connect (m->annulus_view, "handle-drag-end", G_CALLBACK (on_handle_drag_end), self);

  m->panel = cusp_measure_panel_new ();
  gtk_widget_set_vexpand (GTK_WIDGET (m->panel), TRUE);

  /* Scrolled, so the sidebar's minimum height stays that of the annulus view. */
  m->valve_panel = cusp_valve_panel_new ();
  cusp_valve_panel_set_volume_view (m->valve_panel, CUSP_VOLUME_VIEW (self->views[CUSP_WINDOW_VIEW_3D]));
  frame = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (frame), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (frame), GTK_WIDGET (m->valve_panel));
  gtk_widget_set_vexpand (frame, TRUE);
  /* The measurements above the valve, the divider the user's to move: on a laptop's 800 pixels
   * the two shared what the annulus view leaves, and the table showed six rows. */
  {
    GtkWidget *split = gtk_paned_new (GTK_ORIENTATION_VERTICAL);

    gtk_paned_set_wide_handle (GTK_PANED (split), TRUE);
    /* In a vertical paned a wrapping label is measured for the height its pane gets, and then
     * asks for its whole text's width: the sidebar swelled over the views. A scrolled window
     * that does not propagate natural width keeps the panel at its minimum width. */
    GtkWidget *measure_scroller = gtk_scrolled_window_new ();

    gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (measure_scroller), GTK_POLICY_NEVER, GTK_POLICY_NEVER);
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (measure_scroller), GTK_WIDGET (m->panel));
    gtk_paned_set_start_child (GTK_PANED (split), measure_scroller);
    gtk_paned_set_end_child (GTK_PANED (split), frame);
    gtk_paned_set_shrink_start_child (GTK_PANED (split), FALSE);
    gtk_paned_set_shrink_end_child (GTK_PANED (split), FALSE);
    gtk_widget_set_vexpand (split, TRUE);
    g_signal_connect (split, "notify::max-position", G_CALLBACK (on_split_sized), NULL);
    gtk_box_append (self->measure_sidebar, split);
  }

  g_signal_connect (self->view_link, "notify", G_CALLBACK (on_cursor_changed), self);
  measure_actions_update (self);
}

void
_cusp_window_measure_dispose (CuspWindow *self)
{
  CuspWindowMeasure *m = self->measure;

  if (m == NULL)
    return;
  measure_cancel (m);
  if (m->remeasure_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (m->annulus_view), m->remeasure_tick);
  if (m->test_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), m->test_tick);
  if (self->view_link != NULL)
    g_signal_handlers_disconnect_by_func (self->view_link, on_cursor_changed, self);
  if (m->progress != NULL)
    g_signal_handlers_disconnect_by_data (m->progress, self);
  g_clear_object (&m->progress);
  /* The undo commands point at the window: they go before it. */
  g_signal_handlers_disconnect_by_data (m->undo, self);
  measure_clear_result (m);
  g_clear_object (&m->undo);
  g_free (m->test_file);
  g_free (m->test_state);
  g_free (m->test_copied);
  g_free (m);
  self->measure = NULL;
}

/* A new study: forget the old result and (unless the preference says no) segment the new one. */
void
_cusp_window_measure_set_study (CuspWindow *self,
                                CuspStudy  *study)
{
  CuspWindowMeasure *m = measure_of (self);
  GSettings *settings;
  gboolean automatic = TRUE;

  measure_cancel (m);
  m->generation++;
  measure_clear_result (m);
  m->seed_mode = FALSE;
  m->has_seed = FALSE;
  m->runs = 0;
  cusp_measure_panel_set_progress (m->panel, FALSE, 0, NULL);
  cusp_measure_panel_set_status (m->panel, NULL, FALSE);
  cusp_annulus_view_set_plane (m->annulus_view, NULL, NULL);
  show_measurements (m);
  cusp_volume_view_set_meshes (CUSP_VOLUME_VIEW (self->views[CUSP_WINDOW_VIEW_3D]), NULL, NULL);

  /* The preference is read only where the schema has it (older compiled schemas do not). */
  settings = cusp_application_get_settings (CUSP_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
  if (settings != NULL)
    {
      g_autoptr(GSettingsSchema) schema = NULL;

      g_object_get (settings, "settings-schema", &schema, NULL);
      if (schema != NULL && g_settings_schema_has_key (schema, "segment-on-open"))
        automatic = g_settings_get_boolean (settings, "segment-on-open");
    }
  if (study != NULL && automatic)
    segment_start (self);
  else
    {
      cusp_measure_panel_set_status (m->panel, _("Press Segment (Ctrl+G) to segment and measure the aortic root."), FALSE);
      measure_actions_update (self);
    }
}

/* The case saves these (the user's corrections) and compares plans on these measurements. */
const CuspLandmarks *
_cusp_window_measure_get_landmarks (CuspWindow *self)
{
  CuspWindowMeasure *m = measure_of (self);
  return m != NULL && m->editor != NULL ? cusp_landmark_editor_get_landmarks (m->editor) : NULL;
}

const CuspMeasurements *
_cusp_window_measure_get_measurements (CuspWindow *self)
{
  CuspWindowMeasure *m = measure_of (self);
  return m != NULL && m->editor != NULL ? cusp_landmark_editor_get_measurements (m->editor) : NULL;
}
