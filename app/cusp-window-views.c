/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window-views.c: the 2x2 grid (axial, coronal, sagittal, 3D) around one CuspViewLink, the
 * window/level presets and the status line's read-out of the point under the pointer. */
#include "cusp-config.h"
#include "cusp-window-private.h"
#include "cusp-slice-view.h"
#include "cusp-view-link.h"
#include "cusp-volume-view.h"

#include <glib/gi18n.h>

/* Nicks of the schema's WindowPreset enum, in the order of render's CuspWindowPreset. */
static const struct {
  const char *nick;
  CuspWindowPreset preset;
} presets[] = {
  { "ct-angiography", CUSP_WINDOW_PRESET_CT_ANGIOGRAPHY },
  { "calcium", CUSP_WINDOW_PRESET_CALCIUM },
  { "soft-tissue", CUSP_WINDOW_PRESET_SOFT_TISSUE },
  { "mr-auto", CUSP_WINDOW_PRESET_AUTO },
};

static CuspViewLink *
cusp_window_link (CuspWindow *self)
{
  return CUSP_VIEW_LINK (self->view_link);
}

/* The point under the pointer while there is one, else the crosshair point. */
static void
cusp_window_update_cursor_label (CuspWindow *self)
{
  CuspViewLink *link = cusp_window_link (self);
  CuspVolume *volume = cusp_view_link_get_volume (link);
  const char *hover = cusp_view_link_get_hover_text (link);
  double cursor_mm[3];
  double value;
  g_autofree char *position = NULL;
  g_autofree char *value_text = NULL;
  g_autofree char *text = NULL;

  if (volume == NULL)
    {
      gtk_label_set_text (self->cursor_label, "");
      return;
    }
  if (hover != NULL && *hover != '\0')
    {
      gtk_label_set_text (self->cursor_label, hover);
      return;
    }

  cusp_view_link_get_cursor (link, cursor_mm);
  position = cusp_format_lps (cursor_mm);
  if (cusp_view_nearest_value (volume, cursor_mm, &value))
    value_text = cusp_format_voxel_value (volume, value);
  /* Translators: the status line when the pointer is not over a view:
   * "Crosshair: -45 HU · R 12.3 A 40.1 S 88.0 mm". */
  text = g_strdup_printf (_("Crosshair: %s · %s"), value_text ? value_text : "—", position);
  gtk_label_set_text (self->cursor_label, text);
}

/* Remembers which preset the link's window/level now comes from ("" for none). */
static void
cusp_window_set_preset_nick (CuspWindow *self,
                             const char *nick)
{
  CuspViewLink *link = cusp_window_link (self);

  self->preset_center = cusp_view_link_get_window_center (link);
  self->preset_width = cusp_view_link_get_window_width (link);
  if (g_strcmp0 (self->window_preset, nick) == 0)
    return;
  g_free (self->window_preset);
  self->window_preset = g_strdup (nick);
  _cusp_window_notify_preset (self);
}

static void
cusp_window_link_changed (CuspViewLink *link,
                          GParamSpec   *pspec,
                          CuspWindow   *self)
{
  cusp_window_update_cursor_label (self);
  /* A drag moved the window/level off the preset: the preset menu stops claiming it. */
  if (self->window_preset != NULL && *self->window_preset != '\0'
      && (cusp_view_link_get_window_center (link) != self->preset_center
          || cusp_view_link_get_window_width (link) != self->preset_width))
    cusp_window_set_preset_nick (self, "");
}

void
_cusp_window_views_init (CuspWindow *self)
{
  static const CuspSliceOrientation orientations[CUSP_WINDOW_N_SLICE_VIEWS] = {
    CUSP_SLICE_AXIAL, CUSP_SLICE_CORONAL, CUSP_SLICE_SAGITTAL,
  };
  CuspViewLink *link = cusp_view_link_new ();

  self->view_link = G_OBJECT (link);
  g_signal_connect_object (link, "notify", G_CALLBACK (cusp_window_link_changed), self, 0);

  /* Radiology reading layout: axial top left, coronal top right, sagittal bottom left. */
  for (guint i = 0; i < G_N_ELEMENTS (orientations); i++)
    self->views[i] = GTK_WIDGET (cusp_slice_view_new (link, orientations[i]));
  self->views[CUSP_WINDOW_VIEW_3D] = GTK_WIDGET (cusp_volume_view_new (link));

  for (guint i = 0; i < G_N_ELEMENTS (self->views); i++)
    {
      gtk_widget_set_hexpand (self->views[i], TRUE);
      gtk_widget_set_vexpand (self->views[i], TRUE);
      gtk_grid_attach (self->view_grid, self->views[i], i % 2, i / 2, 1, 1);
    }
}

void
_cusp_window_views_dispose (CuspWindow *self)
{
  /* The grid owns the widgets; they go with the template. */
  memset (self->views, 0, sizeof self->views);
  if (self->view_link != NULL)
    g_signal_handlers_disconnect_by_data (self->view_link, self);
  g_clear_object (&self->view_link);
  g_clear_pointer (&self->window_preset, g_free);
}

void
_cusp_window_views_set_volume (CuspWindow *self,
                               CuspVolume *volume)
{
  CuspViewLink *link = cusp_window_link (self);
  GSettings *settings;

  /* The link picks CT angiography for HU data and the automatic window otherwise; a CT then gets
   * the user's preferred preset instead. */
  cusp_view_link_set_volume (link, volume);
  cusp_window_set_preset_nick (self, volume != NULL && volume->hounsfield ? "ct-angiography" : "mr-auto");
  settings = cusp_application_get_settings (CUSP_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
  if (volume != NULL && volume->hounsfield && settings != NULL)
    {
      g_autofree char *nick = g_settings_get_string (settings, "default-window-preset");
      _cusp_window_views_apply_preset (self, nick);
    }
  cusp_window_update_cursor_label (self);
}

gboolean
_cusp_window_views_check_drawn (CuspWindow *self)
{
  for (guint i = 0; i < CUSP_WINDOW_N_SLICE_VIEWS; i++)
    {
      const GError *error = cusp_slice_view_get_error (CUSP_SLICE_VIEW (self->views[i]));

      if (error != NULL)
        {
          _cusp_window_show_error (self, _("Cannot draw the views"), error);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
_cusp_window_views_apply_preset (CuspWindow *self,
                                 const char *preset)
{
  for (gsize i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_str_equal (presets[i].nick, preset))
      {
        cusp_view_link_apply_preset (cusp_window_link (self), presets[i].preset);
        cusp_window_set_preset_nick (self, presets[i].nick);
        return TRUE;
      }
  return FALSE;
}
