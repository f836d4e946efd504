/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window-dnd.c: dropping study files or DICOM folders onto the window opens them. */
#include "cusp-config.h"
#include "cusp-window-private.h"

static gboolean
cusp_window_drop (GtkDropTarget *target,
                  const GValue  *value,
                  double         x,
                  double         y,
                  CuspWindow    *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  if (files == NULL)
    return FALSE;

  /* One study per window: the first dropped item wins, the way a file chooser would pick one. */
  cusp_window_open_file (self, G_FILE (files->data));
  g_slist_free (files);
  return TRUE;
}

void
_cusp_window_dnd_init (CuspWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect (target, "drop", G_CALLBACK (cusp_window_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}
