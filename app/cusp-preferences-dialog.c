/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-preferences-dialog.c: binds the preset row (by enum nick) and the switch to GSettings. */
#include "cusp-config.h"
#include "cusp-preferences-dialog.h"

struct _CuspPreferencesDialog {
  AdwPreferencesWindow parent_instance;

  AdwComboRow *window_preset_row;
  GtkSwitch *demo_switch;
  GtkSwitch *segment_switch;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (CuspPreferencesDialog, cusp_preferences_dialog, ADW_TYPE_PREFERENCES_WINDOW)

/* Row order in the .ui == value order in the schema's enums, so "selected" is the enum value. */
static gboolean
cusp_preferences_enum_to_selected (GValue   *value,
                                   GVariant *variant,
                                   gpointer  user_data)
{
  const char *const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    if (g_str_equal (nicks[i], nick))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
cusp_preferences_selected_to_enum (const GValue       *value,
                                   const GVariantType *expected_type,
                                   gpointer            user_data)
{
  const char *const *nicks = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **) nicks))
    return NULL;
  return g_variant_new_string (nicks[selected]);
}

static void
cusp_preferences_dialog_finalize (GObject *object)
{
  CuspPreferencesDialog *self = CUSP_PREFERENCES_DIALOG (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (cusp_preferences_dialog_parent_class)->finalize (object);
}

static void
cusp_preferences_dialog_class_init (CuspPreferencesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = cusp_preferences_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cusp/Cusp/ui/cusp-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CuspPreferencesDialog, window_preset_row);
  gtk_widget_class_bind_template_child (widget_class, CuspPreferencesDialog, demo_switch);
  gtk_widget_class_bind_template_child (widget_class, CuspPreferencesDialog, segment_switch);
}

static void
cusp_preferences_dialog_init (CuspPreferencesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CuspPreferencesDialog *
cusp_preferences_dialog_new (GSettings *settings)
{
  /* Same order as the schema's enums and the rows in cusp-preferences-dialog.ui. */
  static const char *const preset_nicks[] = { "ct-angiography", "calcium", "soft-tissue", "mr-auto", NULL };
  CuspPreferencesDialog *self;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CUSP_TYPE_PREFERENCES_DIALOG, NULL);
  if (settings == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
      return self;
    }

  self->settings = g_object_ref (settings);
  g_settings_bind_with_mapping (settings, "default-window-preset", self->window_preset_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                cusp_preferences_enum_to_selected, cusp_preferences_selected_to_enum,
                                (gpointer) preset_nicks, NULL);
  g_settings_bind (settings, "open-demo-on-start", self->demo_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "segment-on-open", self->segment_switch, "active", G_SETTINGS_BIND_DEFAULT);
  return self;
}
