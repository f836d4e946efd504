/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window-load.c: opening a study in a window: progress bar with Cancel, series picker for
 * folders holding several series, errors in words. The shown study is replaced only on success,
 * so a failed or cancelled load never loses what the user had open. */
#include "cusp-config.h"
#include "cusp-window-private.h"
#include "cusp-image-io.h"

#include <glib/gi18n.h>

gboolean
_cusp_window_is_loading (CuspWindow *self)
{
  return self->load_cancellable != NULL;
}

/* The progress bar pulses while the job reports no fraction (negative). */
static gboolean
cusp_window_pulse (gpointer data)
{
  CuspWindow *self = data;

  if (self->load_progress_model != NULL
      && cusp_load_progress_get_fraction (self->load_progress_model) < 0.0)
    gtk_progress_bar_pulse (self->load_progress);
  return G_SOURCE_CONTINUE;
}

static void
cusp_window_progress_changed (CuspLoadProgress *progress,
                              GParamSpec       *pspec,
                              CuspWindow       *self)
{
  double fraction = cusp_load_progress_get_fraction (progress);
  const char *message = cusp_load_progress_get_message (progress);

  if (fraction >= 0.0)
    gtk_progress_bar_set_fraction (self->load_progress, fraction);
  if (message != NULL)
    gtk_label_set_text (self->load_label, message);
}

static void
cusp_window_end_load (CuspWindow *self)
{
  g_clear_object (&self->load_cancellable);
  if (self->load_progress_model != NULL)
    g_signal_handlers_disconnect_by_data (self->load_progress_model, self);
  g_clear_object (&self->load_progress_model);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  gtk_revealer_set_reveal_child (self->load_revealer, FALSE);
  if (self->study == NULL)
    gtk_stack_set_visible_child_name (self->main_stack, "empty");
  _cusp_window_actions_update (self);
}

/* Starts a new load, cancelling any in flight; returns the cancellable that identifies it. */
static GCancellable *
cusp_window_begin_load (CuspWindow *self,
                        const char *message)
{
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  cusp_window_end_load (self);

  self->load_cancellable = g_cancellable_new ();
  self->load_progress_model = cusp_load_progress_new ();
  g_signal_connect (self->load_progress_model, "notify",
                    G_CALLBACK (cusp_window_progress_changed), self);
  cusp_load_progress_update (self->load_progress_model, -1.0, message);
  gtk_label_set_text (self->load_label, message);
  gtk_progress_bar_set_fraction (self->load_progress, 0.0);
  self->pulse_id = g_timeout_add (100, cusp_window_pulse, self);
  gtk_revealer_set_reveal_child (self->load_revealer, TRUE);
  /* With nothing shown yet, the page says a study is on its way rather than offering to open
   * one; an earlier failure is old news. */
  _cusp_window_clear_error (self);
  if (self->study == NULL)
    gtk_stack_set_visible_child_name (self->main_stack, "loading");
  _cusp_window_actions_update (self);
  return self->load_cancellable;
}

void
_cusp_window_cancel_load (CuspWindow *self)
{
  if (self->load_cancellable == NULL)
    return;
  g_cancellable_cancel (self->load_cancellable);
  cusp_window_end_load (self);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Loading cancelled")));
}

void
_cusp_window_load_dispose (CuspWindow *self)
{
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  cusp_window_end_load (self);
}

/* A result belongs to the load in flight only if that load's cancellable is still current: a
 * cancelled or superseded load's result is dropped. */
static gboolean
cusp_window_result_is_current (CuspWindow   *self,
                               GAsyncResult *result)
{
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  return cancellable != NULL && cancellable == self->load_cancellable
         && !g_cancellable_is_cancelled (cancellable);
}

static void
cusp_window_study_loaded (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data,
                          gboolean      demo)
{
  g_autoptr(CuspWindow) self = user_data;
  g_autoptr(CuspStudy) study = NULL;
  g_autoptr(GError) error = NULL;

  if (!cusp_window_result_is_current (self, result))
    return;

  study = demo ? cusp_study_new_demo_finish (result, &error)
               : cusp_study_open_finish (result, &error);
  cusp_window_end_load (self);
  if (study == NULL)
    {
      _cusp_window_show_error (self, demo ? _("Cannot create the demo case")
                                          : _("Cannot open the study"), error);
      return;
    }

  if (cusp_study_get_file (study) != NULL)
    cusp_application_add_recent (CUSP_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))),
                                 cusp_study_get_file (study));
  _cusp_window_set_study (self, study);
}

static void
cusp_window_file_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  cusp_window_study_loaded (source, result, user_data, FALSE);
}

static void
cusp_window_demo_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  cusp_window_study_loaded (source, result, user_data, TRUE);
}

static void
cusp_window_load_series (CuspWindow *self,
                         GFile      *file,
                         const char *series_uid)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *message = g_strdup_printf (_("Reading %s…"), name);
  GCancellable *cancellable = cusp_window_begin_load (self, message);

  cusp_study_open_async (file, series_uid, cancellable, self->load_progress_model,
                         cusp_window_file_loaded, g_object_ref (self));
}

/* ---- the series picker ---- */

typedef struct {
  CuspWindow *self;
  GFile *file;
  GPtrArray *series;    /* (element-type CuspSeriesInfo) */
  GtkListBox *list;
} SeriesChoice;

static void
series_choice_free (SeriesChoice *choice)
{
  g_object_unref (choice->self);
  g_object_unref (choice->file);
  g_ptr_array_unref (choice->series);
  g_free (choice);
}

static void
cusp_window_series_chosen (AdwMessageDialog *dialog,
                           const char       *response,
                           SeriesChoice     *choice)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (choice->list);

  if (g_str_equal (response, "open") && row != NULL)
    {
      const CuspSeriesInfo *info = g_ptr_array_index (choice->series, gtk_list_box_row_get_index (row));
      cusp_window_load_series (choice->self, choice->file, info->uid);
    }
}

static char *
cusp_window_describe_series (const CuspSeriesInfo *info)
{
  /* Translators: a series in the picker: modality · slices · in-plane size, e.g.
   * "CT · 300 slices · 512 × 512". */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %d slice · %d × %d",
                                       "%s · %d slices · %d × %d", info->dims[2]),
                          info->modality ? info->modality : "OT", info->dims[2],
                          info->dims[0], info->dims[1]);
}

static void
cusp_window_pick_series (CuspWindow *self,
                         GFile      *file,
                         GPtrArray  *series)
{
  SeriesChoice *choice = g_new0 (SeriesChoice, 1);
  GtkWidget *dialog;
  GtkWidget *scrolled;

  choice->self = g_object_ref (self);
  choice->file = g_object_ref (file);
  choice->series = g_ptr_array_ref (series);
  choice->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (choice->list, GTK_SELECTION_BROWSE);
  gtk_widget_add_css_class (GTK_WIDGET (choice->list), "boxed-list");

  for (guint i = 0; i < series->len; i++)
    {
      const CuspSeriesInfo *info = g_ptr_array_index (series, i);
      g_autofree char *subtitle = cusp_window_describe_series (info);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     info->description && *info->description
                                       ? info->description : _("Unnamed series"));
      /* Descriptions come from the files: never let them be read as markup. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (choice->list, row);
    }
  gtk_list_box_select_row (choice->list, gtk_list_box_get_row_at_index (choice->list, 0));

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 360);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (choice->list));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Choose a Series"),
                                   _("This folder holds several image series. Which one should Cusp open?"));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "open", _("_Open"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "open");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (cusp_window_series_chosen), choice,
                         (GClosureNotify) (void (*) (void)) series_choice_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  {
    g_autofree char *count = g_strdup_printf ("%u", series->len);
    _cusp_window_report_after_frames (self, "choose-series", count);
  }
}

typedef struct {
  CuspWindow *self;
  GFile *file;
} FolderScan;

static void
folder_scan_free (FolderScan *scan)
{
  g_object_unref (scan->self);
  g_object_unref (scan->file);
  g_free (scan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FolderScan, folder_scan_free)

static void
cusp_window_series_listed (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(FolderScan) scan = user_data;
  CuspWindow *self = scan->self;
  GFile *file = scan->file;
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(GError) error = NULL;

  if (!cusp_window_result_is_current (self, result))
    return;

  series = cusp_study_list_series_finish (result, &error);
  if (series == NULL)
    {
      cusp_window_end_load (self);
      _cusp_window_show_error (self, _("Cannot open the folder"), error);
      return;
    }
  if (series->len == 1)
    {
      cusp_window_load_series (self, file, ((CuspSeriesInfo *) g_ptr_array_index (series, 0))->uid);
      return;
    }
  cusp_window_end_load (self);
  cusp_window_pick_series (self, file, series);
}

void
cusp_window_open_file (CuspWindow *self,
                       GFile      *file)
{
  g_return_if_fail (CUSP_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (_cusp_window_case_open_file (self, file))
    return;
  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *message = g_strdup_printf (_("Looking for image series in %s…"), name);
      GCancellable *cancellable = cusp_window_begin_load (self, message);
      FolderScan *scan = g_new0 (FolderScan, 1);

      scan->self = g_object_ref (self);
      scan->file = g_object_ref (file);
      cusp_study_list_series_async (file, cancellable, cusp_window_series_listed, scan);
      return;
    }
  cusp_window_load_series (self, file, NULL);
}

void
cusp_window_open_demo (CuspWindow *self)
{
  GCancellable *cancellable;

  g_return_if_fail (CUSP_IS_WINDOW (self));

  cancellable = cusp_window_begin_load (self, _("Generating the demo case…"));
  cusp_study_new_demo_async (cancellable, self->load_progress_model,
                             cusp_window_demo_loaded, g_object_ref (self));
}
