/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window-actions.c: the window's actions; whether each is enabled is decided in
 * _cusp_window_actions_update() only. */
#include "cusp-config.h"
#include "cusp-window-private.h"

#include <glib/gi18n.h>

static void
cusp_window_open_study_response (GtkNativeDialog *dialog,
                                 int              response,
                                 CuspWindow      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        cusp_window_open_file (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static GtkFileFilter *
cusp_window_study_filter (void)
{
  static const char *const patterns[] = {
    "*.nii", "*.nii.gz", "*.nrrd", "*.nhdr", "*.mha", "*.mhd", "*.dcm", "*.DCM", "*.ima", "*.IMA",
    "*.cusp-case",
  };
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Studies (DICOM, NIfTI, NRRD, MetaImage)"));
  for (gsize i = 0; i < G_N_ELEMENTS (patterns); i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  gtk_file_filter_add_mime_type (filter, "application/dicom");
  return filter;
}

/* Files and DICOM folders: GtkFileChooserNative picks one or the other, so the chooser offers a
 * choice between the two modes. */
static void
cusp_window_open_chooser (CuspWindow           *self,
                          GtkFileChooserAction  action)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) studies = NULL;
  g_autoptr(GtkFileFilter) all = NULL;

  chooser = gtk_file_chooser_native_new (action == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                           ? _("Open a DICOM Folder") : _("Open a Study"),
                                         GTK_WINDOW (self), action, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (action == GTK_FILE_CHOOSER_ACTION_OPEN)
    {
      studies = cusp_window_study_filter ();
      all = gtk_file_filter_new ();
      gtk_file_filter_set_name (all, _("All files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), studies);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (cusp_window_open_study_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cusp_window_open_study_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  cusp_window_open_chooser (CUSP_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
cusp_window_open_folder_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  cusp_window_open_chooser (CUSP_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
}

static void
cusp_window_open_recent_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  cusp_window_open_file (CUSP_WINDOW (widget), file);
}

static void
cusp_window_open_demo_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  cusp_window_open_demo (CUSP_WINDOW (widget));
}

static void
cusp_window_cancel_load_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  _cusp_window_cancel_load (CUSP_WINDOW (widget));
}

static void
cusp_window_show_warnings_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  _cusp_window_show_warnings (CUSP_WINDOW (widget));
}

static void
cusp_window_show_error_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  _cusp_window_show_last_error (CUSP_WINDOW (widget));
}

static void
cusp_window_dismiss_warnings_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  _cusp_window_dismiss_warnings (CUSP_WINDOW (widget));
}

void
_cusp_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open-study", NULL, cusp_window_open_study_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, cusp_window_open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", cusp_window_open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, cusp_window_open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-load", NULL, cusp_window_cancel_load_action);
  gtk_widget_class_install_action (widget_class, "win.show-warnings", NULL, cusp_window_show_warnings_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-warnings", NULL, cusp_window_dismiss_warnings_action);
  gtk_widget_class_install_action (widget_class, "win.show-error", NULL, cusp_window_show_error_action);
  /* Stateful, so the preset menu shows which preset is in use as a radio item. */
  gtk_widget_class_install_property_action (widget_class, "win.window-preset", "window-preset");
}

void
_cusp_window_actions_update (CuspWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean has_study = self->study != NULL;
  gboolean has_warnings = has_study && cusp_study_get_warnings (self->study)->len > 0;

  gtk_widget_action_set_enabled (widget, "win.cancel-load", _cusp_window_is_loading (self));
  gtk_widget_action_set_enabled (widget, "win.show-warnings", has_warnings);
  gtk_widget_action_set_enabled (widget, "win.dismiss-warnings", has_warnings);
  gtk_widget_action_set_enabled (widget, "win.window-preset", has_study);
}
