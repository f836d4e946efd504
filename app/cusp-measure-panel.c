/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-measure-panel.c: the measurement side panel (see the header). Built in code rather than
 * from a .ui template because its rows come from the measurement layer's key table. */
#include "cusp-config.h"
#include "cusp-measure-panel.h"
#include "cusp-user-limits.h"

#include <glib/gi18n.h>
#include <math.h>

struct _CuspMeasurePanel {
  GtkBox parent_instance;

  GtkWidget *progress_box;
  GtkWidget *progress_label;
  GtkWidget *progress_bar;
  GtkWidget *status_label;
  GtkWidget *flags_label;
  GHashTable *value_labels;      /* key -> GtkLabel (borrowed: the grid owns it) */
  const CuspMeasureKey *keys;
  guint n_keys;

  /* The calcium threshold the user asks for (win.calcium-threshold, 0 = automatic), sent once
   * the spin button has rested: each change segments again. */
  GtkWidget *calcium_spin;
  GtkWidget *calcium_auto;
  guint calcium_send_id;
};

#define CALCIUM_SEND_DELAY_MS 600

G_DEFINE_FINAL_TYPE (CuspMeasurePanel, cusp_measure_panel, GTK_TYPE_BOX)

/* Section titles by key prefix, in the table's order. */
static const struct {
  const char *prefix;
  const char *title;
} sections[] = {
  { "annulus", N_("Annulus") },
  { "lvot", N_("LVOT (4 mm below the annulus)") },
  { "sov", N_("Sinuses of Valsalva") },
  { "stj", N_("Sinotubular junction") },
  { "ascending", N_("Ascending aorta") },
  { "coronary", N_("Coronary heights") },
  { "calcium", N_("Calcium") },
  { "lumen", N_("Lumen") },
  { "carm", N_("C-arm angles") },
  { "sizing", N_("Valve sizing") },
};

static const char *
section_title (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (sections); i++)
    if (g_str_has_prefix (key, sections[i].prefix) && key[strlen (sections[i].prefix)] == '.')
      return _(sections[i].title);
  return NULL;
}

/* Rows whose name cannot be read off the key: the words a cardiologist uses (SCCT 2019). */
static const struct {
  const char *key;
  const char *name;
} row_names[] = {
  { "annulus.area_derived_diameter_mm", N_("Area-derived diameter") },
  { "annulus.perimeter_derived_diameter_mm", N_("Perimeter-derived diameter") },
  { "lvot.area_derived_diameter_mm", N_("Area-derived diameter") },
  { "lvot.perimeter_derived_diameter_mm", N_("Perimeter-derived diameter") },
  { "sov.left_diameter_mm", N_("Left sinus diameter") },
  { "sov.right_diameter_mm", N_("Right sinus diameter") },
  { "sov.non_coronary_diameter_mm", N_("Non-coronary sinus diameter") },
  { "coronary.left_height_mm", N_("Left coronary ostium height") },
  { "coronary.right_height_mm", N_("Right coronary ostium height") },
  { "calcium.valve_mm3", N_("Valve (all leaflets)") },
  { "calcium.leaflet_left_mm3", N_("Left coronary leaflet") },
  { "calcium.leaflet_right_mm3", N_("Right coronary leaflet") },
  { "calcium.leaflet_non_mm3", N_("Non-coronary leaflet") },
  { "calcium.lvot_mm3", N_("LVOT") },
  { "calcium.ascending_mm3", N_("Ascending aorta wall") },
  { "lumen.mean_hu", N_("Mean enhancement") },
  { "lumen.threshold", N_("Segmentation threshold") },
  { "carm.coplanar_ap_cra_deg", N_("Coplanar view at AP: cranial/caudal") },
  { "carm.coplanar_lao_at_cra0_deg", N_("Coplanar view at 0° cranial: LAO/RAO") },
  { "carm.cusp_overlap_lao_deg", N_("Cusp-overlap view: LAO/RAO") },
  { "carm.cusp_overlap_cra_deg", N_("Cusp-overlap view: cranial/caudal") },
  { "carm.three_cusp_lao_deg", N_("Three-cusp view: LAO/RAO") },
  { "carm.three_cusp_cra_deg", N_("Three-cusp view: cranial/caudal") },
  { "sizing.balloon_expandable", N_("Balloon-expandable size") },
  { "sizing.balloon_expandable_area_oversizing_pct", N_("Balloon-expandable area oversizing") },
  { "sizing.self_expanding", N_("Self-expanding size") },
  { "sizing.self_expanding_perimeter_oversizing_pct", N_("Self-expanding perimeter oversizing") },
  { "sizing.navitor", N_("Navitor-class size") },
  { "sizing.navitor_perimeter_oversizing_pct", N_("Navitor-class perimeter oversizing") },
};

/* "annulus.dmin_mm" -> "Dmin": the unit is in its own column. */
static char *
row_name (const char *key)
{
  static const char *const unit_suffixes[] = { "_mm2", "_mm3", "_mm", "_deg", "_pct", "_hu" };
  const char *dot = strchr (key, '.');
  char *name;

  for (gsize i = 0; i < G_N_ELEMENTS (row_names); i++)
    if (g_str_equal (key, row_names[i].key))
      return g_strdup (_(row_names[i].name));
  name = g_strdup (dot ? dot + 1 : key);

  for (gsize i = 0; i < G_N_ELEMENTS (unit_suffixes); i++)
    if (g_str_has_suffix (name, unit_suffixes[i]))
      {
        name[strlen (name) - strlen (unit_suffixes[i])] = '\0';
        break;
      }
  g_strdelimit (name, "_", ' ');
  name[0] = g_ascii_toupper (name[0]);
  return name;
}

char *
cusp_measurement_display_name (const char *key)
{
  const char *title = section_title (key);
  g_autofree char *name = row_name (key);

  g_return_val_if_fail (key != NULL, NULL);
  return title != NULL ? g_strdup_printf ("%s: %s", title, name) : g_steal_pointer (&name);
}

char *
cusp_measurement_format_value (const CuspMeasureKey   *key,
                               const CuspMeasurements *m)
{
  double value;

  if (m == NULL || !cusp_measurements_get (m, key->key, &value) || !isfinite (value))
    return g_strdup ("—");
  if (g_str_has_suffix (key->key, "_lao_deg") || strstr (key->key, "_lao_at_") != NULL)
    return g_strdup_printf ("%s %.0f°", value >= 0 ? "LAO" : "RAO", fabs (value));
  if (g_str_has_suffix (key->key, "_cra_deg"))
    return g_strdup_printf ("%s %.0f°", value >= 0 ? "CRA" : "CAU", fabs (value));
  if (g_str_equal (key->unit, "size"))
    return g_strdup_printf ("%.0f mm", value);
  if (g_str_equal (key->unit, "%"))
    return g_strdup_printf ("%+.1f %%", value);
  if (g_str_equal (key->unit, ""))
    return g_strdup_printf ("%.2f", value);
  /* an MR's "lumen.mean_hu" is an image value: never written as HU */
  if (g_str_equal (key->unit, "HU") && !m->hounsfield)
    return g_strdup_printf (_("%.0f (image value, not HU)"), value);
  if (g_str_equal (key->unit, "mm³") || g_str_equal (key->unit, "HU"))
    return g_strdup_printf ("%.0f %s", value, key->unit);
  return g_strdup_printf ("%.1f %s", value, key->unit);
}

/* The readable flags: rupture and coronary obstruction rules, sinus room, per-family notes. */
static GPtrArray *
collect_flags (const CuspMeasurements *m)
{
  GPtrArray *flags = g_ptr_array_new_with_free_func (g_free);
  const CuspSizing *s = &m->sizing;

  if (s->family[CUSP_VALVE_FAMILY_BALLOON_EXPANDABLE].annular_rupture_flag)
    g_ptr_array_add (flags, g_strdup (_("Annular rupture risk: balloon-expandable area oversizing ≥ 20 %")));
  if (s->left_coronary_flag)
    g_ptr_array_add (flags, g_strdup (_("Coronary obstruction risk: left coronary height below the threshold")));
  if (s->right_coronary_flag)
    g_ptr_array_add (flags, g_strdup (_("Coronary obstruction risk: right coronary height below the threshold")));
  for (int f = 0; f < CUSP_VALVE_FAMILY_COUNT; f++)
    {
      if (s->family[f].residual_sinus_flag)
        g_ptr_array_add (flags, g_strdup_printf (_("%s: less than 5 mm between valve and sinus"),
                                                 cusp_valve_family_name (f)));
      if (s->family[f].note[0] != '\0')
        g_ptr_array_add (flags, g_strdup_printf ("%s: %s", cusp_valve_family_name (f), s->family[f].note));
    }
  for (guint i = 0; m->warnings != NULL && i < m->warnings->len; i++)
    g_ptr_array_add (flags, g_strdup (g_ptr_array_index (m->warnings, i)));
  return flags;
}

char *
cusp_measurements_format_text (const CuspMeasurements *m,
                               const char             *study_title)
{
  GString *text = g_string_new (NULL);
  const CuspMeasureKey *keys;
  guint n_keys;
  const char *section = NULL;
  g_autoptr(GPtrArray) flags = NULL;

  g_return_val_if_fail (m != NULL, NULL);

  keys = cusp_measure_keys (&n_keys);
  g_string_append_printf (text, "%s%s%s\n", _("Cusp aortic root measurements (SCCT 2019)"),
                          study_title ? " — " : "", study_title ? study_title : "");
  for (guint i = 0; i < n_keys; i++)
    {
      const char *title = section_title (keys[i].key);
      g_autofree char *name = row_name (keys[i].key);
      g_autofree char *value = cusp_measurement_format_value (&keys[i], m);

      if (title != NULL && title != section)
        {
          g_string_append_printf (text, "\n%s\n", title);
          section = title;
        }
      /* The stable key too, so a pasted table can be matched to cusp-cli measure --json. */
      g_string_append_printf (text, "  %-38s %14s   %s\n", name, value, keys[i].key);
    }
  flags = collect_flags (m);
  if (flags->len > 0)
    {
      g_string_append_printf (text, "\n%s\n", _("Flags and notes"));
      for (guint i = 0; i < flags->len; i++)
        g_string_append_printf (text, "  - %s\n", (const char *) flags->pdata[i]);
    }
  g_string_append_printf (text, "\n%s\n",
                          _("Model estimates for research, teaching and rehearsal; never a diagnosis."));
  return g_string_free (text, FALSE);
}

void
cusp_measure_panel_set_measurements (CuspMeasurePanel       *self,
                                     const CuspMeasurements *m)
{
  g_autoptr(GPtrArray) flags = NULL;

  g_return_if_fail (CUSP_IS_MEASURE_PANEL (self));

  for (guint i = 0; i < self->n_keys; i++)
    {
      GtkLabel *label = g_hash_table_lookup (self->value_labels, self->keys[i].key);
      g_autofree char *value = cusp_measurement_format_value (&self->keys[i], m);

      if (g_strcmp0 (gtk_label_get_text (label), value) != 0)
        gtk_label_set_text (label, value);
    }

  if (m == NULL)
    {
      gtk_widget_set_visible (self->flags_label, FALSE);
      return;
    }
  flags = collect_flags (m);
  if (flags->len > 0)
    {
      g_ptr_array_add (flags, NULL);
      g_autofree char *joined = g_strjoinv ("\n", (char **) flags->pdata);
      gtk_label_set_text (GTK_LABEL (self->flags_label), joined);
    }
  gtk_widget_set_visible (self->flags_label, flags->len > 0);
}

void
cusp_measure_panel_set_progress (CuspMeasurePanel *self,
                                 gboolean          running,
                                 double            fraction,
                                 const char       *message)
{
  g_return_if_fail (CUSP_IS_MEASURE_PANEL (self));

  gtk_widget_set_visible (self->progress_box, running);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar), CLAMP (fraction, 0.0, 1.0));
  gtk_label_set_text (GTK_LABEL (self->progress_label), message ? message : "");
}

void
cusp_measure_panel_set_status (CuspMeasurePanel *self,
                               const char       *text,
                               gboolean          is_error)
{
  g_return_if_fail (CUSP_IS_MEASURE_PANEL (self));

  gtk_label_set_text (GTK_LABEL (self->status_label), text ? text : "");
  gtk_widget_set_visible (self->status_label, text != NULL && *text != '\0');
  if (is_error)
    gtk_widget_add_css_class (self->status_label, "error");
  else
    gtk_widget_remove_css_class (self->status_label, "error");
}

const char *
cusp_measure_panel_get_flags (CuspMeasurePanel *self)
{
  g_return_val_if_fail (CUSP_IS_MEASURE_PANEL (self), NULL);
  return gtk_widget_get_visible (self->flags_label) ? gtk_label_get_text (GTK_LABEL (self->flags_label)) : "";
}

const char *
cusp_measure_panel_get_status (CuspMeasurePanel *self)
{
  g_return_val_if_fail (CUSP_IS_MEASURE_PANEL (self), NULL);
  return gtk_label_get_text (GTK_LABEL (self->status_label));
}

const char *
cusp_measure_panel_get_shown (CuspMeasurePanel *self,
                              const char       *key)
{
  GtkLabel *label;

  g_return_val_if_fail (CUSP_IS_MEASURE_PANEL (self), NULL);
  label = g_hash_table_lookup (self->value_labels, key);
  return label ? gtk_label_get_text (label) : NULL;
}

static GtkWidget *
wrapped_label (const char *text, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
action_button (const char *label, const char *action, const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static GMenuModel *
export_menu (void)
{
  GMenu *menu = g_menu_new ();

  g_menu_append (menu, _("Lumen Surface…"), "win.export-surface::lumen");
  g_menu_append (menu, _("Calcium Surface…"), "win.export-surface::calcium");
  return G_MENU_MODEL (menu);
}

/* ---- the calcium threshold ---------------------------------------------------------------- */

static gboolean
calcium_send (gpointer data)
{
  CuspMeasurePanel *self = data;
  gboolean automatic = gtk_check_button_get_active (GTK_CHECK_BUTTON (self->calcium_auto));
  double threshold_hu = automatic ? 0.0 : gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->calcium_spin));

  self->calcium_send_id = 0;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.calcium-threshold", "d", threshold_hu);
  return G_SOURCE_REMOVE;
}

static void
on_calcium_changed (CuspMeasurePanel *self)
{
  gtk_widget_set_sensitive (self->calcium_spin, !gtk_check_button_get_active (GTK_CHECK_BUTTON (self->calcium_auto)));
  g_clear_handle_id (&self->calcium_send_id, g_source_remove);
  self->calcium_send_id = g_timeout_add (CALCIUM_SEND_DELAY_MS, calcium_send, self);
}

static GtkWidget *
calcium_controls (CuspMeasurePanel *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->calcium_spin = gtk_spin_button_new_with_range (CUSP_CALCIUM_THRESHOLD_MIN_HU,
                                                       CUSP_CALCIUM_THRESHOLD_MAX_HU, 10.0);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (self->calcium_spin), 0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->calcium_spin), 850.0);
  gtk_widget_set_sensitive (self->calcium_spin, FALSE);
  gtk_widget_set_tooltip_text (self->calcium_spin,
                               _("Calcium threshold in HU. Changing it segments the root again; the "
                                 "case keeps it."));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->calcium_spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Calcium threshold (HU)"), -1);
  self->calcium_auto = gtk_check_button_new_with_mnemonic (_("_Auto"));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (self->calcium_auto), TRUE);
  gtk_widget_set_tooltip_text (self->calcium_auto,
                               _("SCCT rule: 850 HU when the lumen enhances to at least 300 HU, else 450 HU"));
  g_signal_connect_swapped (self->calcium_spin, "value-changed", G_CALLBACK (on_calcium_changed), self);
  g_signal_connect_swapped (self->calcium_auto, "toggled", G_CALLBACK (on_calcium_changed), self);
  gtk_box_append (GTK_BOX (box), self->calcium_auto);
  gtk_box_append (GTK_BOX (box), self->calcium_spin);
  gtk_widget_set_halign (box, GTK_ALIGN_END);
  return box;
}

void
cusp_measure_panel_set_calcium_threshold (CuspMeasurePanel *self,
                                          double            used_hu,
                                          gboolean          automatic)
{
  g_return_if_fail (CUSP_IS_MEASURE_PANEL (self));

  /* showing what was used is no request: the handlers stay quiet */
  g_signal_handlers_block_by_func (self->calcium_spin, on_calcium_changed, self);
  g_signal_handlers_block_by_func (self->calcium_auto, on_calcium_changed, self);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (self->calcium_auto), automatic);
  if (isfinite (used_hu) && used_hu > 0.0)
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->calcium_spin), used_hu);
  gtk_widget_set_sensitive (self->calcium_spin, !automatic);
  g_signal_handlers_unblock_by_func (self->calcium_auto, on_calcium_changed, self);
  g_signal_handlers_unblock_by_func (self->calcium_spin, on_calcium_changed, self);
}

static void
cusp_measure_panel_dispose (GObject *object)
{
  CuspMeasurePanel *self = CUSP_MEASURE_PANEL (object);

  g_clear_handle_id (&self->calcium_send_id, g_source_remove);
  G_OBJECT_CLASS (cusp_measure_panel_parent_class)->dispose (object);
}

static void
cusp_measure_panel_finalize (GObject *object)
{
  CuspMeasurePanel *self = CUSP_MEASURE_PANEL (object);

  g_hash_table_unref (self->value_labels);
  G_OBJECT_CLASS (cusp_measure_panel_parent_class)->finalize (object);
}

static void
cusp_measure_panel_class_init (CuspMeasurePanelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cusp_measure_panel_dispose;
  G_OBJECT_CLASS (klass)->finalize = cusp_measure_panel_finalize;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "cusp-measure-panel");
}

static void
cusp_measure_panel_init (CuspMeasurePanel *self)
{
  GtkWidget *buttons, *export_button, *cancel, *scrolled, *grid, *notice, *content;
  g_autoptr(GMenuModel) menu = export_menu ();
  const char *section = NULL;
  int row = 0;

  self->value_labels = g_hash_table_new (g_str_hash, g_str_equal);
  self->keys = cusp_measure_keys (&self->n_keys);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_widget_set_margin_start (GTK_WIDGET (self), 8);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 8);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 6);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (buttons),
                  action_button (_("_Segment"), "win.segment",
                                 _("Segment the aortic root and measure it (Ctrl+G)")));
  gtk_box_append (GTK_BOX (buttons),
                  action_button (_("_Copy"), "win.copy-measurements",
                                 _("Copy the measurement table as text (Ctrl+Shift+C)")));
  export_button = gtk_menu_button_new ();
  gtk_menu_button_set_label (GTK_MENU_BUTTON (export_button), _("Export"));
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (export_button), menu);
  gtk_widget_set_tooltip_text (export_button, _("Save a surface as STL, OBJ or VTP"));
  gtk_box_append (GTK_BOX (buttons), export_button);
  gtk_box_append (GTK_BOX (self), buttons);

  self->progress_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->progress_label = gtk_label_new (NULL);
  gtk_label_set_ellipsize (GTK_LABEL (self->progress_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (self->progress_label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->progress_label), 0);
  self->progress_bar = gtk_progress_bar_new ();
  gtk_widget_set_valign (self->progress_bar, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (self->progress_bar, 80, -1);
  cancel = action_button (_("C_ancel"), "win.cancel-segment", _("Stop the segmentation"));
  gtk_box_append (GTK_BOX (self->progress_box), self->progress_label);
  gtk_box_append (GTK_BOX (self->progress_box), self->progress_bar);
  gtk_box_append (GTK_BOX (self->progress_box), cancel);
  gtk_widget_set_visible (self->progress_box, FALSE);
  gtk_box_append (GTK_BOX (self), self->progress_box);

  /* The status (with the segmentation's warnings, several lines on a real scan), the notice and
   * the table scroll together: a long status must not take the table's place. */
  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->status_label = wrapped_label (NULL, NULL);
  gtk_label_set_selectable (GTK_LABEL (self->status_label), TRUE);
  gtk_widget_set_visible (self->status_label, FALSE);
  gtk_box_append (GTK_BOX (content), self->status_label);

  notice = wrapped_label (_("Model estimates for research and teaching, not for diagnosis. "
                            "Hover a row for its definition."), "dim-label");
  gtk_widget_add_css_class (notice, "caption");
  gtk_box_append (GTK_BOX (content), notice);

  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  for (guint i = 0; i < self->n_keys; i++)
    {
      const CuspMeasureKey *key = &self->keys[i];
      const char *title = section_title (key->key);
      g_autofree char *name = row_name (key->key);
      GtkWidget *name_label, *value_label;

      if (title != NULL && title != section)
        {
          GtkWidget *heading = gtk_label_new (title);

          gtk_widget_add_css_class (heading, "heading");
          gtk_label_set_xalign (GTK_LABEL (heading), 0);
          gtk_widget_set_margin_top (heading, row > 0 ? 8 : 0);
          gtk_grid_attach (GTK_GRID (grid), heading, 0, row++, 2, 1);
          section = title;
        }
      name_label = gtk_label_new (name);
      gtk_label_set_xalign (GTK_LABEL (name_label), 0);
      gtk_widget_set_hexpand (name_label, TRUE);
      gtk_label_set_ellipsize (GTK_LABEL (name_label), PANGO_ELLIPSIZE_END);
      value_label = gtk_label_new ("—");
      gtk_label_set_xalign (GTK_LABEL (value_label), 1);
      gtk_widget_add_css_class (value_label, "numeric");
      gtk_label_set_selectable (GTK_LABEL (value_label), FALSE);
      /* The definition on hover, with the stable key for cross-checks against the CLI. */
      {
        g_autofree char *tip = g_strdup_printf ("%s\n(%s)", key->definition, key->key);
        gtk_widget_set_tooltip_text (name_label, tip);
        gtk_widget_set_tooltip_text (value_label, tip);
      }
      gtk_grid_attach (GTK_GRID (grid), name_label, 0, row, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value_label, 1, row++, 1, 1);
      g_hash_table_insert (self->value_labels, (gpointer) key->key, value_label);
      /* the threshold used, then the one the user may set instead */
      if (g_str_equal (key->key, "calcium.threshold_hu"))
        gtk_grid_attach (GTK_GRID (grid), calcium_controls (self), 0, row++, 2, 1);
    }

  self->flags_label = wrapped_label (NULL, "warning");
  gtk_widget_set_margin_top (self->flags_label, 8);
  gtk_widget_set_visible (self->flags_label, FALSE);
  gtk_grid_attach (GTK_GRID (grid), self->flags_label, 0, row++, 2, 1);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_box_append (GTK_BOX (content), grid);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), content);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (self), scrolled);
}

CuspMeasurePanel *
cusp_measure_panel_new (void)
{
  return g_object_new (CUSP_TYPE_MEASURE_PANEL, NULL);
}
