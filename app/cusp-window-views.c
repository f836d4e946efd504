/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window-views.c: the 2x2 grid (axial, coronal, sagittal, 3D) around one CuspViewLink, the
 * window/level presets, the 3D view's standard camera buttons and the status line's read-out of
 * the point under the pointer. */
#include "cusp-config.h"
#include "cusp-window-private.h"
#include "cusp-slice-view.h"
#include "cusp-view-link.h"
#include "cusp-volume-view.h"

#include <glib/gi18n.h>
#include <math.h>

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

/* ---- the 3D view's standard views ---- */

typedef enum {
  VIEW_3D_ANTERIOR,
  VIEW_3D_LAO_30,
  VIEW_3D_RAO_30,
  VIEW_3D_CRANIAL_30,
  VIEW_3D_ANNULUS,
  VIEW_3D_COPLANAR,
  VIEW_3D_CUSP_OVERLAP,
  N_VIEWS_3D
} CuspView3d;

/* The buttons over the 3D view: the two fluoroscopic ones are relabelled with this root's angles. */
typedef struct {
  CuspVolumeView *view;
  CuspValveScene *scene;
  GtkWidget *popover;
  GtkWidget *buttons[N_VIEWS_3D];
  GtkCheckButton *volume_check;      /* volume rendering on / off */
  GtkDropDown *preset_drop;          /* its transfer-function preset */
} CuspViewButtons;

static void
view_buttons_free (gpointer data)
{
  CuspViewButtons *b = data;

  g_signal_handlers_disconnect_by_data (b->scene, b);
  g_object_unref (b->scene);
  g_free (b);
}

/* "LAO 12° CAU 8°" */
static char *
carm_words (const CuspCarmAngles *a)
{
  return g_strdup_printf ("%s %.0f° %s %.0f°", a->lao_deg >= 0.0 ? _("LAO") : _("RAO"), fabs (a->lao_deg),
                          a->cra_deg >= 0.0 ? _("CRA") : _("CAU"), fabs (a->cra_deg));
}

static void
view_buttons_update (CuspValveScene *scene, CuspViewButtons *b)
{
  CuspCarmAngles coplanar, overlap;
  gboolean has_carm = cusp_valve_scene_get_carm (scene, &coplanar, &overlap);
  gboolean has_root = cusp_valve_scene_get_root (scene, NULL);
  g_autofree char *c = has_carm ? carm_words (&coplanar) : NULL;
  g_autofree char *o = has_carm ? carm_words (&overlap) : NULL;
  g_autofree char *coplanar_label = NULL, *overlap_label = NULL;

  /* Translators: a 3D view button, e.g. "Coplanar LAO 12° CAU 8°" */
  coplanar_label = has_carm ? g_strdup_printf (_("Coplanar %s"), c) : g_strdup (_("Coplanar"));
  /* Translators: a 3D view button, e.g. "Cusp overlap RAO 5° CAU 20°" */
  overlap_label = has_carm ? g_strdup_printf (_("Cusp overlap %s"), o) : g_strdup (_("Cusp overlap"));
  gtk_button_set_label (GTK_BUTTON (b->buttons[VIEW_3D_COPLANAR]), coplanar_label);
  gtk_button_set_label (GTK_BUTTON (b->buttons[VIEW_3D_CUSP_OVERLAP]), overlap_label);
  gtk_widget_set_sensitive (b->buttons[VIEW_3D_COPLANAR], has_carm);
  gtk_widget_set_sensitive (b->buttons[VIEW_3D_CUSP_OVERLAP], has_carm);
  gtk_widget_set_sensitive (b->buttons[VIEW_3D_ANNULUS], has_root);
}

static void
view_buttons_apply (CuspViewButtons *b, CuspView3d which)
{
  /* C-arm angles of the fixed views: LAO (+) / RAO (-), CRA (+) / CAU (-) */
  static const CuspCarmAngles fixed[] = {
    [VIEW_3D_ANTERIOR] = { 0.0, 0.0 },
    [VIEW_3D_LAO_30] = { 30.0, 0.0 },
    [VIEW_3D_RAO_30] = { -30.0, 0.0 },
    [VIEW_3D_CRANIAL_30] = { 0.0, 30.0 },
  };
  CuspCarmAngles coplanar, overlap;

  switch (which)
    {
    case VIEW_3D_ANTERIOR:
    case VIEW_3D_LAO_30:
    case VIEW_3D_RAO_30:
    case VIEW_3D_CRANIAL_30:
      cusp_volume_view_set_carm_view (b->view, &fixed[which]);
      break;
    case VIEW_3D_ANNULUS:
      cusp_volume_view_look_along_annulus (b->view);
      break;
    case VIEW_3D_COPLANAR:
    case VIEW_3D_CUSP_OVERLAP:
      if (cusp_valve_scene_get_carm (b->scene, &coplanar, &overlap))
        cusp_volume_view_set_carm_view (b->view, which == VIEW_3D_COPLANAR ? &coplanar : &overlap);
      break;
    case N_VIEWS_3D:
    default:
      break;
    }
}

static void
on_view_button_clicked (GtkButton *button, CuspViewButtons *b)
{
  gtk_popover_popdown (GTK_POPOVER (b->popover));
  view_buttons_apply (b, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "cusp-view-3d")));
}

static void
volume_rendering_apply (CuspViewButtons *b)
{
  cusp_volume_view_set_volume_rendering (b->view, gtk_check_button_get_active (b->volume_check),
                                         gtk_drop_down_get_selected (b->preset_drop));
}

static void
on_volume_rendering_changed (GObject *object, GParamSpec *pspec, CuspViewButtons *b)
{
  volume_rendering_apply (b);
}

static gboolean
on_volume_shortcut (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  CuspViewButtons *b = g_object_get_data (G_OBJECT (widget), "cusp-view-buttons");

  if (b == NULL)
    return FALSE;
  gtk_check_button_set_active (b->volume_check, !gtk_check_button_get_active (b->volume_check));
  return TRUE;
}

/* The presets' names, in CuspRaycastPreset order. */
static GtkStringList *
preset_names (void)
{
  GtkStringList *names = gtk_string_list_new (NULL);

  for (int p = 0; p < CUSP_RAYCAST_PRESET_COUNT; p++)
    gtk_string_list_append (names, cusp_raycast_preset_name (p));
  return names;
}

static gboolean
on_view_shortcut (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  CuspViewButtons *b = g_object_get_data (G_OBJECT (widget), "cusp-view-buttons");
  int which = g_variant_get_int32 (args);

  if (b == NULL || !gtk_widget_get_sensitive (b->buttons[which]))
    return FALSE;
  view_buttons_apply (b, which);
  return TRUE;
}

/* The 3D view in an overlay with a small "View" button (top left) whose popover holds the
 * standard views (Alt+1 .. Alt+7) and the volume rendering toggle (Alt+0) with its preset. A popover rather than a row: in the 2 x 2 grid the
 * 3D view is a few hundred pixels wide, and a row of seven buttons covered its picture. */
static GtkWidget *
view_3d_with_buttons (CuspVolumeView *view, CuspViewLink *link)
{
  static const struct {
    const char *label;
    const char *tooltip;
  } names[N_VIEWS_3D] = {
    { N_("Anterior (AP)"), N_("From the patient's front (Alt+1)") },
    { N_("LAO 30°"), N_("Left anterior oblique 30° (Alt+2)") },
    { N_("RAO 30°"), N_("Right anterior oblique 30° (Alt+3)") },
    { N_("Cranial 30°"), N_("From the front, tilted toward the head (Alt+4)") },
    { N_("Along Annulus Normal"), N_("Looking down the root from the aorta (Alt+5)") },
    { N_("Coplanar"), N_("Fluoroscopic coplanar three-cusp view from the measurements: where a C-arm at these angles looks from (Alt+6)") },
    { N_("Cusp overlap"), N_("Fluoroscopic cusp-overlap view from the measurements: left and right cusps superimposed (Alt+7)") },
  };
  CuspViewButtons *b = g_new0 (CuspViewButtons, 1);
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *menu = gtk_menu_button_new ();
  GtkWidget *list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  b->view = view;
  b->scene = g_object_ref (cusp_view_link_get_valve_scene (link));
  gtk_overlay_set_child (GTK_OVERLAY (overlay), GTK_WIDGET (view));
  gtk_menu_button_set_label (GTK_MENU_BUTTON (menu), _("View"));
  gtk_widget_set_tooltip_text (menu, _("Standard 3D views: anterior, LAO/RAO, cranial, along the annulus, "
                                       "and the fluoroscopic coplanar and cusp-overlap views (Alt+1 … Alt+7)"));
  gtk_widget_add_css_class (menu, "osd");
  gtk_widget_set_halign (menu, GTK_ALIGN_START);
  gtk_widget_set_valign (menu, GTK_ALIGN_START);
  gtk_widget_set_margin_start (menu, 4);
  gtk_widget_set_margin_top (menu, 4);
  b->popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (b->popover), list);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (menu), b->popover);
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  for (int i = 0; i < N_VIEWS_3D; i++)
    {
      GtkShortcut *shortcut;

      b->buttons[i] = gtk_button_new_with_label (_(names[i].label));
      gtk_widget_set_tooltip_text (b->buttons[i], _(names[i].tooltip));
      gtk_widget_add_css_class (b->buttons[i], "flat");
      gtk_label_set_xalign (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (b->buttons[i]))), 0.0f);
      g_object_set_data (G_OBJECT (b->buttons[i]), "cusp-view-3d", GINT_TO_POINTER (i));
      g_signal_connect (b->buttons[i], "clicked", G_CALLBACK (on_view_button_clicked), b);
      gtk_box_append (GTK_BOX (list), b->buttons[i]);
      shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_1 + i, GDK_ALT_MASK),
                                   gtk_callback_action_new (on_view_shortcut, NULL, NULL));
      gtk_shortcut_set_arguments (shortcut, g_variant_new_int32 (i));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), shortcut);
    }
  gtk_box_append (GTK_BOX (list), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  b->volume_check = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (_("_Volume Rendering")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (b->volume_check),
                               _("Ray-cast the study's volume behind the translucent lumen (Alt+0). "
                                 "Left out while you drag in the view, drawn when you stop."));
  b->preset_drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (preset_names ()), NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (b->preset_drop), _("Transfer-function preset of the volume rendering"));
  g_signal_connect (b->volume_check, "notify::active", G_CALLBACK (on_volume_rendering_changed), b);
  g_signal_connect (b->preset_drop, "notify::selected", G_CALLBACK (on_volume_rendering_changed), b);
  gtk_box_append (GTK_BOX (list), GTK_WIDGET (b->volume_check));
  gtk_box_append (GTK_BOX (list), GTK_WIDGET (b->preset_drop));
  {
    GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_0, GDK_ALT_MASK),
                                              gtk_callback_action_new (on_volume_shortcut, NULL, NULL));
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), shortcut);
  }
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), menu);
  gtk_widget_add_controller (overlay, shortcuts);
  g_object_set_data_full (G_OBJECT (overlay), "cusp-view-buttons", b, view_buttons_free);
  g_signal_connect (b->scene, "changed", G_CALLBACK (view_buttons_update), b);
  view_buttons_update (b->scene, b);
  return overlay;
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
      GtkWidget *cell = i == CUSP_WINDOW_VIEW_3D
                        ? view_3d_with_buttons (CUSP_VOLUME_VIEW (self->views[i]), link) : self->views[i];

      gtk_widget_set_hexpand (self->views[i], TRUE);
      gtk_widget_set_vexpand (self->views[i], TRUE);
      gtk_grid_attach (self->view_grid, cell, i % 2, i / 2, 1, 1);
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
