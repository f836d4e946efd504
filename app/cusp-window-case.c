/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window-case.c: the window's case: the document for the shown study, save/open
 * (.cusp-case), autosave and recovery, the unsaved-changes prompt, and the case actions' setup
 * (plans: cusp-window-plans.c; images and the report: cusp-window-report.c).
 *
 * The actions live in the window's action map (win.*) so they are exported on D-Bus with the
 * window's other actions; the *-to variants take a path instead of asking for one, for scripts
 * and the UI tests. */
#include "cusp-config.h"
#include "cusp-window-case-private.h"
#include "cusp-case-file.h"
#include "cusp-error.h"
#include "cusp-view-link.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

void
_cusp_window_case_report (CuspWindow *self, const char *state, const char *detail)
{
  _cusp_window_report_after_frames (self, state, detail);
}

void
_cusp_window_case_fail (CuspWindow *self, const char *title, const GError *error)
{
  _cusp_window_show_error (self, title, error);
}

static void
cusp_window_case_toast (CuspWindow *self, const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/* ---- the document ---- */

static void cusp_window_case_schedule_recovery (CuspWindow *self, guint delay_ms);

static void
cusp_window_case_update_title (CuspWindow *self)
{
  CuspWindowCase *cs = case_state (self);
  g_autofree char *title = NULL;

  if (self->study == NULL || cs->document == NULL)
    return;
  /* GNOME's convention: a leading bullet marks unsaved changes. */
  title = g_strdup_printf ("%s%s", cusp_case_get_dirty (cs->document) ? "• " : "",
                           cusp_study_get_title (self->study));
  adw_window_title_set_title (self->window_title, title);
}

static void
cusp_window_case_changed (CuspCase   *document,
                          CuspWindow *self)
{
  cusp_window_case_update_title (self);
  _cusp_window_case_actions_update (self);
}

static void
cusp_window_case_set_document (CuspWindow *self,
                               CuspCase   *document)
{
  CuspWindowCase *cs = case_state (self);

  if (cs->document != NULL)
    g_signal_handlers_disconnect_by_data (cs->document, self);
  _cusp_window_plans_cancel_wait (self);
  g_cancellable_cancel (cs->cancellable);
  g_clear_object (&cs->cancellable);
  cs->cancellable = g_cancellable_new ();
  cs->n_running = 0;
  /* The old document was either saved, discarded by the user, or is being replaced by the
   * same work (a reopened case): its autosave has done its job. */
  if (cs->autosave != NULL)
    cusp_autosave_discard (cs->autosave);
  g_clear_object (&cs->autosave);
  g_set_object (&cs->document, document);
  cusp_undo_stack_clear (cs->undo);
  cs->autosave = cusp_autosave_new (document, CUSP_AUTOSAVE_DEFAULT_DELAY_MS);
  g_signal_connect (document, "changed", G_CALLBACK (cusp_window_case_changed), self);
  cusp_window_case_update_title (self);
}

/* The views' window/level is part of the case. */
static void
cusp_window_case_link_changed (GObject    *link,
                               GParamSpec *pspec,
                               CuspWindow *self)
{
  CuspWindowCase *cs = case_state (self);
  double center = cusp_view_link_get_window_center (CUSP_VIEW_LINK (link));
  double width = cusp_view_link_get_window_width (CUSP_VIEW_LINK (link));

  if (cs->document != NULL && self->study != NULL && isfinite (center) && isfinite (width))
    cusp_case_set_window (cs->document, center, width);
}

static void
cusp_window_case_hashed (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(CuspWindow) self = user_data;
  CuspWindowCase *cs = case_state (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = cusp_case_file_hash_study_finish (result, &error);
  const char *expected;
  gboolean was_dirty;

  if (hash == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot hash the study: %s", error->message);
      return;
    }
  if (cs == NULL || cs->document == NULL)
    return;
  expected = cusp_case_get_study_sha256 (cs->document);
  if (expected != NULL && !g_str_equal (expected, hash))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("The Study Has Changed"),
        _("The study's content differs from the one this case was saved with. The landmarks and "
          "plans may not fit it. Open the study the case was made on with Open Study, or keep "
          "this one: saving then records it as the case's study."));

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      _cusp_window_case_report (self, "study-changed", hash);
    }
  /* Knowing the hash is no edit of the user's. */
  was_dirty = cusp_case_get_dirty (cs->document);
  cusp_case_set_study (cs->document, cusp_case_get_study_path (cs->document), hash);
  if (!was_dirty)
    cusp_case_mark_clean (cs->document);
  cusp_window_case_update_title (self);
}

static void
cusp_window_case_apply_settings (CuspWindow *self, CuspCase *document)
{
  double center = cusp_case_get_window_center (document);
  double width = cusp_case_get_window_width (document);

  CuspValvePanel *panel = _cusp_window_measure_get_valve_panel (self);

  if (isfinite (center) && isfinite (width))
    cusp_view_link_set_window (CUSP_VIEW_LINK (self->view_link), center, width);
  if (panel != NULL)
    cusp_valve_panel_set_septum_mm (panel, cusp_case_get_septum_mm (document));
}

/* An opened case shows its newest plan's valve: the rehearsal goes on where it was saved. */
static void
cusp_window_case_show_newest_plan (CuspWindow *self, CuspCase *document)
{
  CuspValvePanel *panel = _cusp_window_measure_get_valve_panel (self);
  guint n = cusp_case_get_n_plans (document);
  const CuspPlan *plan = n > 0 ? cusp_case_get_plan (document, n - 1) : NULL;
  CuspSimPose pose;

  if (panel == NULL || plan == NULL)
    return;
  /* an id the library no longer has keeps the panel's device; the plan still names it */
  cusp_valve_panel_set_device_id (panel, plan->device_id);
  pose.depth_mm = plan->depth_mm;
  pose.tilt_deg = plan->tilt_deg;
  pose.rotation_deg = plan->rotation_deg;
  cusp_valve_panel_set_pose (panel, &pose);
}

static void
cusp_window_case_clear_pending (CuspWindowCase *cs)
{
  g_clear_object (&cs->pending);
  g_clear_pointer (&cs->pending_path, g_free);
  g_clear_pointer (&cs->pending_study, g_free);
  g_clear_pointer (&cs->pending_autosave, g_free);
}

void
_cusp_window_case_study_changed (CuspWindow *self,
                                 CuspStudy  *study)
{
  CuspWindowCase *cs = case_state (self);
  g_autoptr(CuspCase) document = NULL;
  GFile *file = cusp_study_get_file (study);
  g_autofree char *path = file ? g_file_get_path (file) : NULL;

  /* A study other than the one the opened case waits for (its load failed and the user opened
   * something else): the case is dropped rather than pinned on the wrong study. */
  if (cs->pending != NULL && g_strcmp0 (path, cs->pending_study) != 0)
    cusp_window_case_clear_pending (cs);
  if (cs->pending != NULL)
    {
      gboolean recovered = cs->pending_autosave != NULL;

      document = g_steal_pointer (&cs->pending);
      g_free (cs->path);
      cs->path = g_steal_pointer (&cs->pending_path);
      /* A relocated study: the case now refers to where it is. */
      if (g_strcmp0 (path, cusp_case_get_study_path (document)) != 0)
        cusp_case_set_study (document, path, cusp_case_get_study_sha256 (document));
      else if (!recovered)
        cusp_case_mark_clean (document);
      cusp_window_case_apply_settings (self, document);
      cusp_window_case_set_document (self, document);
      cusp_window_case_show_newest_plan (self, document);
      if (recovered)
        {
          /* Recovered work is unsaved work; the new autosave replaces the old file. */
          cusp_case_mark_dirty (document);
          g_remove (cs->pending_autosave);
          g_clear_pointer (&cs->pending_autosave, g_free);
        }
      _cusp_window_case_report (self, recovered ? "case-restored" : "case-opened",
                               cs->path ? cs->path : "");
    }
  else
    {
      g_clear_pointer (&cs->path, g_free);
      document = cusp_case_new ();
      cusp_case_set_study (document, path, NULL);
      cusp_case_mark_clean (document);
      cusp_window_case_set_document (self, document);
    }
  if (file != NULL)
    cusp_case_file_hash_study_async (file, cs->cancellable, cusp_window_case_hashed, g_object_ref (self));
  _cusp_window_case_actions_update (self);
  cusp_window_case_schedule_recovery (self, 200);
}

/* A case without landmarks (detect them again) gets them once they were edited; one that has them
 * follows every change, an undo back to the detected ones included. Only a real change marks it. */
void
_cusp_window_case_keep_landmarks (CuspWindow          *self,
                                  const CuspLandmarks *landmarks,
                                  gboolean             edited)
{
  CuspWindowCase *cs = case_state (self);
  const CuspLandmarks *kept;

  if (cs == NULL || cs->document == NULL || self->study == NULL || landmarks == NULL)
    return;
  kept = cusp_case_get_landmarks (cs->document);
  if ((kept == NULL && edited) || (kept != NULL && memcmp (kept, landmarks, sizeof *landmarks) != 0))
    cusp_case_set_landmarks (cs->document, landmarks);
}

/* The case's landmarks are the user's corrections: they win over detection on every segmentation
 * of its study, so the measurements are the saved ones. */
gboolean
_cusp_window_case_take_landmarks (CuspWindow    *self,
                                  CuspLandmarks *landmarks)
{
  CuspWindowCase *cs = case_state (self);
  const CuspLandmarks *kept = cs != NULL && cs->document != NULL ? cusp_case_get_landmarks (cs->document) : NULL;

  if (kept == NULL)
    return FALSE;
  *landmarks = *kept;
  return TRUE;
}

/* The case's calcium threshold (HU), NAN for the automatic 450 / 850 HU rule: read by every
 * segmentation of the study, set from the measurement panel. */
double
_cusp_window_case_get_calcium_threshold_hu (CuspWindow *self)
{
  CuspWindowCase *cs = case_state (self);

  return cs != NULL && cs->document != NULL ? cusp_case_get_calcium_threshold_hu (cs->document) : NAN;
}

void
_cusp_window_case_set_calcium_threshold_hu (CuspWindow *self,
                                            double      threshold_hu)
{
  CuspWindowCase *cs = case_state (self);

  if (cs != NULL && cs->document != NULL)
    cusp_case_set_calcium_threshold_hu (cs->document, threshold_hu);
}

void
_cusp_window_case_set_septum_mm (CuspWindow *self,
                                 double      septum_mm)
{
  CuspWindowCase *cs = case_state (self);

  if (cs != NULL && cs->document != NULL)
    cusp_case_set_septum_mm (cs->document, septum_mm);
}

/* ---- save and open ---- */

static gboolean
cusp_window_case_save_to (CuspWindow *self,
                          const char *path)
{
  CuspWindowCase *cs = case_state (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;

  if (!cusp_case_file_save (cs->document, path, &error))
    {
      _cusp_window_case_fail (self, _("Cannot save the case"), error);
      return FALSE;
    }
  if (cs->path != path)
    {
      g_free (cs->path);
      cs->path = g_strdup (path);
    }
  cusp_case_mark_clean (cs->document);
  cusp_window_case_update_title (self);
  cusp_window_case_toast (self, _("Case saved"));
  detail = g_strdup_printf ("saved %s", path);
  _cusp_window_case_report (self, "case-saved", detail);
  return TRUE;
}

static GtkFileFilter *
cusp_window_case_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Cusp cases"));
  gtk_file_filter_add_pattern (filter, "*" CUSP_CASE_FILE_SUFFIX);
  return filter;
}

typedef void (*CuspChosenFunc) (CuspWindow *self, GFile *file, GtkFileChooser *chooser);

static void
cusp_window_case_chooser_response (GtkNativeDialog *dialog,
                                   int              response,
                                   CuspWindow      *self)
{
  CuspChosenFunc chosen = g_object_get_data (G_OBJECT (dialog), "cusp-chosen");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        chosen (self, file, GTK_FILE_CHOOSER (dialog));
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

GtkFileChooser *
_cusp_window_case_chooser (CuspWindow           *self,
                          const char           *title,
                          GtkFileChooserAction  action,
                          const char           *accept,
                          GtkFileFilter        *filter,
                          const char           *name,
                          CuspChosenFunc            chosen)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                                               accept, _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (filter != NULL)
    {
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
      g_object_unref (filter);
    }
  if (name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "cusp-chosen", chosen);
  g_signal_connect (chooser, "response", G_CALLBACK (cusp_window_case_chooser_response), self);
  return GTK_FILE_CHOOSER (chooser);
}

static void
cusp_window_case_save_chosen (CuspWindow *self, GFile *file, GtkFileChooser *chooser)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *with_suffix = NULL;

  if (path == NULL)
    return;
  if (!g_str_has_suffix (path, CUSP_CASE_FILE_SUFFIX))
    with_suffix = g_strconcat (path, CUSP_CASE_FILE_SUFFIX, NULL);
  if (cusp_window_case_save_to (self, with_suffix ? with_suffix : path)
      && case_state (self)->closing)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
cusp_window_save_case_as (CuspWindow *self)
{
  GtkFileChooser *chooser = _cusp_window_case_chooser (self, _("Save the Case"), GTK_FILE_CHOOSER_ACTION_SAVE,
                                                      _("_Save"), cusp_window_case_filter (),
                                                      "case" CUSP_CASE_FILE_SUFFIX, cusp_window_case_save_chosen);

  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cusp_window_save_case_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  CuspWindow *self = user_data;
  CuspWindowCase *cs = case_state (self);

  if (cs->path != NULL)
    cusp_window_case_save_to (self, cs->path);
  else
    cusp_window_save_case_as (self);
}

static void
cusp_window_save_case_as_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  cusp_window_save_case_as (user_data);
}

static void
cusp_window_save_case_to_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  cusp_window_case_save_to (user_data, g_variant_get_string (parameter, NULL));
}

static void cusp_window_case_open_case (CuspWindow *self, CuspCase *document, const char *path);

static void
cusp_window_case_locate_chosen (CuspWindow *self, GFile *file, GtkFileChooser *chooser)
{
  CuspWindowCase *cs = case_state (self);

  /* The pending case is adopted when this study has loaded (_cusp_window_case_study_changed). */
  g_free (cs->pending_study);
  cs->pending_study = g_file_get_path (file);
  cusp_window_open_file (self, file);
}

static void
cusp_window_case_moved_response (AdwMessageDialog *dialog,
                                 const char       *response,
                                 CuspWindow       *self)
{
  CuspWindowCase *cs = case_state (self);
  const char *old_path;
  GtkFileChooser *chooser;

  if (!g_str_equal (response, "locate") || cs->pending == NULL)
    {
      cusp_window_case_clear_pending (cs);
      return;
    }
  old_path = cusp_case_get_study_path (cs->pending);
  /* A study path without an extension is a DICOM folder. */
  chooser = _cusp_window_case_chooser (self, _("Locate the Study"),
                                      strchr (strrchr (old_path, '/') ? strrchr (old_path, '/') : old_path, '.')
                                        ? GTK_FILE_CHOOSER_ACTION_OPEN : GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                      _("_Open"), NULL, NULL, cusp_window_case_locate_chosen);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cusp_window_case_open_case (CuspWindow *self,
                            CuspCase   *document,
                            const char *path)
{
  CuspWindowCase *cs = case_state (self);
  const char *study_path = cusp_case_get_study_path (document);

  g_set_object (&cs->pending, document);
  g_free (cs->pending_path);
  cs->pending_path = g_strdup (path);
  g_clear_pointer (&cs->pending_study, g_free);
  g_clear_pointer (&cs->pending_autosave, g_free);
  if (!cusp_case_is_demo (document))
    {
      /* The name the study will come back under: GFile paths are canonical. */
      g_autoptr(GFile) study = g_file_new_for_path (study_path);
      cs->pending_study = g_file_get_path (study);
    }
  if (cusp_case_is_demo (document))
    cusp_window_open_demo (self);
  else if (g_file_test (study_path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GFile) file = g_file_new_for_path (study_path);
      cusp_window_open_file (self, file);
    }
  else
    {
      g_autofree char *body = g_strdup_printf (_("The case's study is no longer at %s. Locate it to "
                                                 "open the case."), study_path);
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("The Study Has Moved"), body);

      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                        "locate", _("_Locate…"), NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "locate",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "locate");
      g_signal_connect (dialog, "response", G_CALLBACK (cusp_window_case_moved_response), self);
      gtk_window_present (GTK_WINDOW (dialog));
      _cusp_window_case_report (self, "study-moved", study_path);
    }
}

gboolean
_cusp_window_case_open_file (CuspWindow *self,
                             GFile      *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspCase) document = NULL;

  if (path == NULL || !g_str_has_suffix (path, CUSP_CASE_FILE_SUFFIX))
    return FALSE;
  document = cusp_case_file_load (path, &error);
  if (document == NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *title = g_strdup_printf (_("Cannot open %s"), name);
      _cusp_window_case_fail (self, title, error);
      return TRUE;
    }
  cusp_window_case_open_case (self, document, path);
  return TRUE;
}

static void
cusp_window_case_open_chosen (CuspWindow *self, GFile *file, GtkFileChooser *chooser)
{
  _cusp_window_case_open_file (self, file);
}

static void
cusp_window_open_case_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  GtkFileChooser *chooser = _cusp_window_case_chooser (user_data, _("Open a Case"), GTK_FILE_CHOOSER_ACTION_OPEN,
                                                      _("_Open"), cusp_window_case_filter (), NULL,
                                                      cusp_window_case_open_chosen);

  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cusp_window_open_case_from_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  if (!_cusp_window_case_open_file (user_data, file))
    {
      g_autoptr(GError) error = g_error_new (CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                                             "a case file name ends in %s", CUSP_CASE_FILE_SUFFIX);
      _cusp_window_case_fail (user_data, _("Cannot open the case"), error);
    }
}

/* ---- autosave recovery ---- */

static void
cusp_window_restore_autosave (CuspWindow *self,
                              const char *path)
{
  CuspWindowCase *cs = case_state (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspCase) document = cusp_case_file_load (path, &error);

  if (document == NULL)
    {
      _cusp_window_case_fail (self, _("Cannot recover the unsaved case"), error);
      return;
    }
  cusp_window_case_open_case (self, document, NULL);
  /* After open_case: it resets the pending state of an earlier open. */
  cs->pending_autosave = g_strdup (path);
}

static void
cusp_window_restore_autosave_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  cusp_window_restore_autosave (user_data, g_variant_get_string (parameter, NULL));
}

static void
cusp_window_case_recovery_response (AdwMessageDialog *dialog,
                                    const char       *response,
                                    CuspWindow       *self)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "cusp-autosave");

  if (g_str_equal (response, "restore"))
    cusp_window_restore_autosave (self, path);
  else if (g_str_equal (response, "discard"))
    g_remove (path);
}

/* Offered once per window, after it is shown: the newest autosave left by a crash. */
static void
cusp_window_case_offer_recovery (CuspWindow *self)
{
  CuspWindowCase *cs = case_state (self);
  g_autoptr(GPtrArray) orphans = NULL;
  const char *own = cs->autosave ? cusp_autosave_get_path (cs->autosave) : NULL;
  GtkWidget *dialog;
  const char *path = NULL;

  if (cs->offered_recovery)
    return;
  cs->offered_recovery = TRUE;
  orphans = cusp_autosave_list_orphans ();
  for (guint i = 0; i < orphans->len && path == NULL; i++)
    if (g_strcmp0 (g_ptr_array_index (orphans, i), own) != 0)
      path = g_ptr_array_index (orphans, i);
  if (path == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Recover Unsaved Case?"),
                                   _("Cusp did not close normally last time. The case you were "
                                     "working on was saved automatically and can be restored."));
  g_object_set_data_full (G_OBJECT (dialog), "cusp-autosave", g_strdup (path), g_free);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "later", _("_Not Now"),
                                    "discard", _("_Discard"), "restore", _("_Restore"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "restore");
  g_signal_connect (dialog, "response", G_CALLBACK (cusp_window_case_recovery_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
  _cusp_window_case_report (self, "recovery-offered", path);
}

static gboolean
cusp_window_case_offer_recovery_idle (gpointer user_data)
{
  /* The window may have been closed while this waited. */
  if (case_state (user_data) != NULL)
    cusp_window_case_offer_recovery (user_data);
  return G_SOURCE_REMOVE;
}

/* Offered once the first study is on screen, or two seconds after the window appeared when no
 * study opens: either way well after the window's own surface is up, so the dialog is stacked
 * above it (an X server without a window manager stacks in the order windows are mapped). */
static void
cusp_window_case_schedule_recovery (CuspWindow *self,
                                    guint       delay_ms)
{
  if (!case_state (self)->offered_recovery)
    g_timeout_add_full (G_PRIORITY_LOW, delay_ms, cusp_window_case_offer_recovery_idle,
                        g_object_ref (self), g_object_unref);
}

static void
cusp_window_case_mapped (GtkWidget *widget,
                         gpointer   user_data)
{
  cusp_window_case_schedule_recovery (CUSP_WINDOW (widget), 2000);
}

/* ---- unsaved changes on close ---- */

static void
cusp_window_case_close_response (AdwMessageDialog *dialog,
                                 const char       *response,
                                 CuspWindow       *self)
{
  CuspWindowCase *cs = case_state (self);

  if (g_str_equal (response, "discard"))
    {
      cs->closing = TRUE;
      cusp_case_mark_clean (cs->document);
      gtk_window_destroy (GTK_WINDOW (self));
    }
  else if (g_str_equal (response, "save"))
    {
      cs->closing = TRUE;
      if (cs->path != NULL)
        {
          if (cusp_window_case_save_to (self, cs->path))
            gtk_window_destroy (GTK_WINDOW (self));
        }
      else
        cusp_window_save_case_as (self);
    }
}

static gboolean
cusp_window_case_close_request (GtkWindow *window,
                                gpointer   user_data)
{
  CuspWindow *self = CUSP_WINDOW (window);
  CuspWindowCase *cs = case_state (self);
  GtkWidget *dialog;

  if (cs->closing || cs->document == NULL || !cusp_case_get_dirty (cs->document))
    return FALSE;
  dialog = adw_message_dialog_new (window, _("Save Changes?"),
                                   _("The case has unsaved changes. Changes which are not saved "
                                     "will be permanently lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "discard", _("_Discard"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (cusp_window_case_close_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* ---- setup ---- */

static const GActionEntry case_actions[] = {
  { "save-case", cusp_window_save_case_action, NULL, NULL, NULL, { 0 } },
  { "save-case-as", cusp_window_save_case_as_action, NULL, NULL, NULL, { 0 } },
  { "save-case-to", cusp_window_save_case_to_action, "s", NULL, NULL, { 0 } },
  { "open-case", cusp_window_open_case_action, NULL, NULL, NULL, { 0 } },
  { "open-case-from", cusp_window_open_case_from_action, "s", NULL, NULL, { 0 } },
  { "restore-autosave", cusp_window_restore_autosave_action, "s", NULL, NULL, { 0 } },
};

/* Actions that need a study (or plans) are off without one; decided here only. */
void
_cusp_window_case_actions_update (CuspWindow *self)
{
  CuspWindowCase *cs = case_state (self);
  gboolean has_case = cs != NULL && cs->document != NULL && self->study != NULL;
  static const char *const need_case[] = {
    "save-case", "save-case-as", "save-case-to", "export-report", "export-report-to",
    "export-view-png", "export-view-png-to", "export-valve", "export-valve-to",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (need_case); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), need_case[i])),
                                 has_case);
  _cusp_window_plans_update (self, has_case);
}

/* The first widget of `type` below `widget`: the annulus view and the measurement panel belong
 * to cusp-window-measure.c, which keeps them private. */
GtkWidget *
_cusp_window_case_find_widget (GtkWidget *widget,
                               GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = _cusp_window_case_find_widget (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The case's shortcuts, window-scoped (see _cusp_window_case_init); the menu shows them too. */
static const struct {
  const char *trigger;
  const char *action;
  gboolean bound_elsewhere;          /* only shown here: the window class binds it */
} case_shortcuts[] = {
  { "<Control>s", "win.save-case", FALSE },
  { "<Control><Shift>s", "win.save-case-as", FALSE },
  { "<Control>p", "win.export-report", FALSE },
  { "<Control>e", "win.export-report", FALSE },
  { "<Control>n", "win.add-plan", FALSE },
  { "<Control>k", "win.compare-plans", FALSE },
  /* Ctrl+Z is the landmarks' history (cusp-window-measure.c); plans have their own. */
  { "<Control><Alt>z", "win.undo-plan", FALSE },
  { "<Control><Alt><Shift>z", "win.redo-plan", FALSE },
  { "<Control>z", "win.undo", TRUE },
  { "<Control><Shift>z", "win.redo", TRUE },
};

/* A menu item with its shortcut shown at the right, as GNOME menus do. */
static void
menu_append (GMenu *menu, const char *label, const char *action)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, action);

  for (gsize i = 0; i < G_N_ELEMENTS (case_shortcuts); i++)
    if (g_str_equal (case_shortcuts[i].action, action))
      {
        g_menu_item_set_attribute (item, "accel", "s", case_shortcuts[i].trigger);
        break;
      }
  g_menu_append_item (menu, item);
}

void
_cusp_window_case_show_history (CuspWindow    *self,
                                CuspUndoStack *undo)
{
  CuspWindowCase *cs = case_state (self);
  const char *undo_label = cusp_undo_stack_undo_label (undo);
  const char *redo_label = cusp_undo_stack_redo_label (undo);
  g_autofree char *undo_text = NULL, *redo_text = NULL;

  if (cs == NULL || cs->history_menu == NULL)
    return;
  /* TRANSLATORS: %s is what the command did, e.g. "Move Valve" */
  undo_text = undo_label != NULL ? g_strdup_printf (_("_Undo %s"), undo_label) : g_strdup (_("_Undo"));
  redo_text = redo_label != NULL ? g_strdup_printf (_("_Redo %s"), redo_label) : g_strdup (_("_Redo"));
  /* a drag merges into one command 60 times a second: the menu changes only with its name */
  if (g_strcmp0 (undo_text, cs->undo_text) == 0 && g_strcmp0 (redo_text, cs->redo_text) == 0)
    return;
  g_free (cs->undo_text);
  cs->undo_text = g_strdup (undo_text);
  g_free (cs->redo_text);
  cs->redo_text = g_strdup (redo_text);
  g_menu_remove_all (cs->history_menu);
  menu_append (cs->history_menu, undo_text, "win.undo");
  menu_append (cs->history_menu, redo_text, "win.redo");
}

/* A "Case" menu at the end of the header bar: the case's actions, with their shortcuts.
 * Built here so the window's template stays the window's. */
static void
cusp_window_case_add_menu (CuspWindow *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) file = g_menu_new ();
  g_autoptr(GMenu) plans = g_menu_new ();
  g_autoptr(GMenu) export = g_menu_new ();
  GtkWidget *header = _cusp_window_case_find_widget (GTK_WIDGET (self), ADW_TYPE_HEADER_BAR);
  CuspWindowCase *cs = case_state (self);
  GtkWidget *button;

  if (header == NULL)
    return;
  menu_append (file, _("_Open Case…"), "win.open-case");
  menu_append (file, _("_Save Case"), "win.save-case");
  menu_append (file, _("Save Case _As…"), "win.save-case-as");
  menu_append (plans, _("_Add Plan"), "win.add-plan");
  menu_append (plans, _("_Compare Plans"), "win.compare-plans");
  menu_append (plans, _("_Undo Plan Change"), "win.undo-plan");
  menu_append (plans, _("_Redo Plan Change"), "win.redo-plan");
  menu_append (export, _("Export _Report…"), "win.export-report");
  menu_append (export, _("Export 3D View as PNG…"), "win.export-view-png::3d");
  menu_append (export, _("Export Annulus View as PNG…"), "win.export-view-png::annulus");
  menu_append (export, _("Export Axial View as PNG…"), "win.export-view-png::axial");
  menu_append (export, _("Export Deployed _Valve Frame (STL, OBJ, VTP)…"), "win.export-valve");
  cs->history_menu = g_menu_new ();
  menu_append (cs->history_menu, _("_Undo"), "win.undo");
  menu_append (cs->history_menu, _("_Redo"), "win.redo");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (cs->history_menu));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (file));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (plans));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (export));
  button = gtk_menu_button_new ();
  gtk_menu_button_set_label (GTK_MENU_BUTTON (button), _("Case"));
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (button, _("Plans, saving and the report"));
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), button);
}

void
_cusp_window_case_init (CuspWindow *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  self->case_state = g_new0 (CuspWindowCase, 1);
  self->case_state->undo = cusp_undo_stack_new (100);
  g_signal_connect_swapped (self->case_state->undo, "changed", G_CALLBACK (_cusp_window_case_actions_update), self);
  g_action_map_add_action_entries (G_ACTION_MAP (self), case_actions, G_N_ELEMENTS (case_actions), self);
  _cusp_window_plans_add_actions (self);
  _cusp_window_report_add_actions (self);
  cusp_window_case_add_menu (self);
  /* Window-scoped, so the shortcuts work without touching the application's accelerator table. */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_MANAGED);
  for (gsize i = 0; i < G_N_ELEMENTS (case_shortcuts); i++)
    if (!case_shortcuts[i].bound_elsewhere)
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                            gtk_shortcut_new (gtk_shortcut_trigger_parse_string (case_shortcuts[i].trigger),
                                                              gtk_named_action_new (case_shortcuts[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  g_signal_connect (self, "close-request", G_CALLBACK (cusp_window_case_close_request), NULL);
  g_signal_connect (self, "map", G_CALLBACK (cusp_window_case_mapped), NULL);
  g_signal_connect_object (self->view_link, "notify::window-center",
                           G_CALLBACK (cusp_window_case_link_changed), self, 0);
  g_signal_connect_object (self->view_link, "notify::window-width",
                           G_CALLBACK (cusp_window_case_link_changed), self, 0);
  _cusp_window_case_actions_update (self);
}

void
_cusp_window_case_dispose (CuspWindow *self)
{
  CuspWindowCase *cs = case_state (self);

  if (cs == NULL)
    return;
  _cusp_window_plans_cancel_wait (self);
  g_cancellable_cancel (cs->cancellable);
  g_clear_object (&cs->cancellable);
  if (cs->document != NULL)
    g_signal_handlers_disconnect_by_data (cs->document, self);
  /* A clean close removes the autosave; unsaved work keeps it, so quitting never loses it. */
  if (cs->autosave != NULL)
    {
      if (cs->document == NULL || !cusp_case_get_dirty (cs->document))
        cusp_autosave_discard (cs->autosave);
      else
        {
          g_autoptr(GError) error = NULL;
          if (!cusp_autosave_flush (cs->autosave, &error))
            g_warning ("Cannot keep the unsaved case: %s", error->message);
        }
    }
  g_clear_object (&cs->autosave);
  /* The commands point at the window: they go first. */
  g_signal_handlers_disconnect_by_data (cs->undo, self);
  g_clear_object (&cs->undo);
  g_clear_object (&cs->history_menu);
  g_clear_pointer (&cs->undo_text, g_free);
  g_clear_pointer (&cs->redo_text, g_free);
  g_clear_object (&cs->document);
  cusp_window_case_clear_pending (cs);
  g_free (cs->path);
  g_clear_pointer (&self->case_state, g_free);
}

