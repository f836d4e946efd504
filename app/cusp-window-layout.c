/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window-layout.c: which views fill the window — the 2x2 grid or one view alone — whether the
 * measurement sidebar shows, and full screen.
 *
 * At a heart-team meeting the case is discussed on a projector: the 3D view or the annulus plane
 * has to fill the screen, as in the layouts of 3mensio or Slicer. The views themselves are not
 * touched: a view left out of the layout is hidden, so the GtkGrid gives its space to the one that
 * stays, and it comes back with its camera, slice and zoom as they were. */
#include "cusp-config.h"
#include "cusp-window-private.h"

/* win.view-layout's targets, by view index; "grid" shows all four. */
static const char *const layout_names[CUSP_WINDOW_N_SLICE_VIEWS + 1] = {
  "axial", "coronal", "sagittal", "3d",
};

/* The grid cell holding view `index`: the 3D view sits in an overlay with its View button. */
static GtkWidget *
cusp_window_layout_cell (CuspWindow *self,
                         guint       index)
{
  GtkWidget *cell = self->views[index];

  while (cell != NULL && gtk_widget_get_parent (cell) != GTK_WIDGET (self->view_grid))
    cell = gtk_widget_get_parent (cell);
  return cell;
}

static gboolean
cusp_window_layout_is_known (const char *layout)
{
  if (g_str_equal (layout, "grid"))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (layout_names); i++)
    if (g_str_equal (layout, layout_names[i]))
      return TRUE;
  return FALSE;
}

static void
cusp_window_layout_apply (CuspWindow *self,
                          const char *layout)
{
  gboolean grid = g_str_equal (layout, "grid");

  for (guint i = 0; i < G_N_ELEMENTS (layout_names); i++)
    {
      GtkWidget *cell = cusp_window_layout_cell (self, i);

      if (cell != NULL)
        gtk_widget_set_visible (cell, grid || g_str_equal (layout, layout_names[i]));
    }
}

static void
cusp_window_view_layout_change (GSimpleAction *action,
                                GVariant      *value,
                                gpointer       user_data)
{
  CuspWindow *self = CUSP_WINDOW (user_data);
  const char *layout = g_variant_get_string (value, NULL);
  g_autoptr(GVariant) old = g_action_get_state (G_ACTION (action));

  /* Choosing the view that is already alone goes back to the grid, so one key toggles. */
  if (!g_str_equal (layout, "grid") && g_str_equal (g_variant_get_string (old, NULL), layout))
    layout = "grid";
  if (!cusp_window_layout_is_known (layout))
    {
      g_warning ("Unknown view layout '%s'", layout);
      return;
    }
  cusp_window_layout_apply (self, layout);
  g_simple_action_set_state (action, g_variant_new_string (layout));
  _cusp_window_report_after_frames (self, "layout", layout);
}

static void
cusp_window_sidebar_change (GSimpleAction *action,
                            GVariant      *value,
                            gpointer       user_data)
{
  CuspWindow *self = CUSP_WINDOW (user_data);

  gtk_widget_set_visible (GTK_WIDGET (self->measure_sidebar), g_variant_get_boolean (value));
  g_simple_action_set_state (action, value);
  _cusp_window_report_after_frames (self, "layout", g_variant_get_boolean (value) ? "sidebar" : "no sidebar");
}

static void
cusp_window_fullscreen_change (GSimpleAction *action,
                               GVariant      *value,
                               gpointer       user_data)
{
  CuspWindow *self = CUSP_WINDOW (user_data);

  if (g_variant_get_boolean (value))
    gtk_window_fullscreen (GTK_WINDOW (self));
  else
    gtk_window_unfullscreen (GTK_WINDOW (self));
}

/* The window manager decides whether full screen happened (and Escape or a WM key may end it):
 * the action's state follows the window, not the request. */
static void
cusp_window_fullscreened_changed (CuspWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "fullscreen");

  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (gtk_window_is_fullscreen (GTK_WINDOW (self))));
}

static const GActionEntry layout_actions[] = {
  { "view-layout", NULL, "s", "'grid'", cusp_window_view_layout_change, { 0 } },
  { "sidebar", NULL, NULL, "true", cusp_window_sidebar_change, { 0 } },
  { "fullscreen", NULL, NULL, "false", cusp_window_fullscreen_change, { 0 } },
};

void
_cusp_window_layout_init (CuspWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), layout_actions, G_N_ELEMENTS (layout_actions), self);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (cusp_window_fullscreened_changed), NULL);
}

const char *
_cusp_window_layout_get (CuspWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "view-layout");
  g_autoptr(GVariant) state = g_action_get_state (action);

  /* the interned copy outlives the variant */
  return g_intern_string (g_variant_get_string (state, NULL));
}
