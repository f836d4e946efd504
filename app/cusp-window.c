/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window.c: the main window: template, study display, warnings, status line, test hook. */
#include "cusp-config.h"
#include "cusp-window-private.h"
#include "cusp-slice-view.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

G_DEFINE_FINAL_TYPE (CuspWindow, cusp_window, ADW_TYPE_APPLICATION_WINDOW)

enum { PROP_0, PROP_WINDOW_PRESET, N_PROPS };
static GParamSpec *properties[N_PROPS];

static const char *const view_names[CUSP_WINDOW_N_SLICE_VIEWS + 1] = {
  "axial", "coronal", "sagittal", "3d",
};

CuspStudy *
cusp_window_get_study (CuspWindow *self)
{
  g_return_val_if_fail (CUSP_IS_WINDOW (self), NULL);
  return self->study;
}

void
_cusp_window_show_error (CuspWindow   *self,
                         const char   *title,
                         const GError *error)
{
  const char *message = error ? error->message : _("unknown error");
  g_autofree char *text = g_strdup_printf ("%s: %s", title, message);

  if (self->study != NULL)
    {
      /* The study stays on screen. A toast has room for one short line, so the whole message
       * is a click away (win.show-error) and the toast stays until dismissed. */
      AdwToast *toast = adw_toast_new (title);

      g_free (self->last_error_title);
      g_free (self->last_error_message);
      self->last_error_title = g_strdup (title);
      self->last_error_message = g_strdup (message);
      adw_toast_set_timeout (toast, 0);
      adw_toast_set_button_label (toast, _("_Details"));
      adw_toast_set_action_name (toast, "win.show-error");
      /* Only the newest error waits to be read: Details shows that one. */
      if (self->error_toast != NULL)
        adw_toast_dismiss (self->error_toast);
      g_set_object (&self->error_toast, toast);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  else
    {
      /* The description is markup; a file name may hold '&' or '<'. */
      g_autofree char *escaped = g_markup_escape_text (message, -1);

      adw_status_page_set_title (self->empty_page, title);
      adw_status_page_set_description (self->empty_page, escaped);
      gtk_stack_set_visible_child_name (self->main_stack, "empty");
    }
  _cusp_window_report_after_frames (self, "error", text);
}

void
_cusp_window_clear_error (CuspWindow *self)
{
  adw_status_page_set_title (self->empty_page, self->empty_title);
  adw_status_page_set_description (self->empty_page, self->empty_description);
}

void
_cusp_window_show_last_error (CuspWindow *self)
{
  GtkWidget *dialog;

  if (self->last_error_message == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), self->last_error_title, self->last_error_message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- warnings: a bar under the header while fresh, a header button always ---- */

static void
cusp_window_update_warnings (CuspWindow *self)
{
  GPtrArray *warnings = self->study ? cusp_study_get_warnings (self->study) : NULL;
  guint n = warnings ? warnings->len : 0;
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->warnings_list))) != NULL)
    gtk_list_box_remove (self->warnings_list, row);

  for (guint i = 0; i < n; i++)
    {
      GtkWidget *label = gtk_label_new (g_ptr_array_index (warnings, i));

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_list_box_append (self->warnings_list, label);
    }

  if (n > 0)
    {
      g_autofree char *text = NULL;

      if (n == 1)
        text = g_strdup (g_ptr_array_index (warnings, 0));
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u warning about this image",
                                             "%u warnings about this image", n), n);
      gtk_label_set_text (self->warnings_label, text);
      /* one line (a wrapping label in the revealer broke GTK 4.8's height-for-width); the whole
       * text on hover and under Show */
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->warnings_label), text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_button), n > 0);
  gtk_revealer_set_reveal_child (self->warnings_revealer, n > 0);
}

void
_cusp_window_show_warnings (CuspWindow *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->warnings_button)))
    gtk_menu_button_popup (self->warnings_button);
}

void
_cusp_window_dismiss_warnings (CuspWindow *self)
{
  gtk_revealer_set_reveal_child (self->warnings_revealer, FALSE);
}

/* ---- test hook: CUSP_TEST_READY_FILE gets a small JSON report of what is on screen ---- */

static gint64
cusp_window_count_children (GtkWidget *widget)
{
  gint64 n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

static void
cusp_window_report_test_state (CuspWindow *self,
                               const char *state,
                               const char *detail)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  if (self->ready_file == NULL)
    return;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, state);
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, detail ? detail : "");
  json_builder_set_member_name (builder, "study");
  json_builder_add_string_value (builder, self->study ? cusp_study_get_title (self->study) : "");
  /* The warnings a user can read: rows in the header button's list, while the button shows. */
  json_builder_set_member_name (builder, "warnings");
  json_builder_add_int_value (builder, gtk_widget_get_visible (GTK_WIDGET (self->warnings_button))
                                         ? cusp_window_count_children (GTK_WIDGET (self->warnings_list)) : 0);
  json_builder_set_member_name (builder, "layout");
  json_builder_add_string_value (builder, _cusp_window_layout_get (self));
  json_builder_set_member_name (builder, "scale");
  json_builder_add_int_value (builder, gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  /* Where each shown view lies in the window, in logical pixels, so a screenshot can be cut up. */
  json_builder_set_member_name (builder, "views");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (self->views); i++)
    {
      graphene_rect_t bounds;

      /* a view left out of the layout is not on screen */
      if (self->views[i] == NULL || !gtk_widget_get_mapped (self->views[i])
          || !gtk_widget_compute_bounds (self->views[i], GTK_WIDGET (self), &bounds))
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, view_names[i]);
      json_builder_set_member_name (builder, "x");
      json_builder_add_int_value (builder, (gint64) bounds.origin.x);
      json_builder_set_member_name (builder, "y");
      json_builder_add_int_value (builder, (gint64) bounds.origin.y);
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, (gint64) bounds.size.width);
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, (gint64) bounds.size.height);
      if (CUSP_IS_SLICE_VIEW (self->views[i]))
        {
          CuspSliceFrame frame;

          cusp_slice_view_get_frame (CUSP_SLICE_VIEW (self->views[i]), &frame);
          json_builder_set_member_name (builder, "mm_per_px");
          json_builder_add_double_value (builder, frame.mm_per_px);
          json_builder_set_member_name (builder, "ruler_mm");
          json_builder_add_double_value (builder, cusp_slice_view_get_ruler_length_mm (CUSP_SLICE_VIEW (self->views[i])));
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json = json_to_string (root, TRUE);
  /* g_file_set_contents writes a temporary file and renames it: a reader never sees half. */
  if (!g_file_set_contents (self->ready_file, json, -1, &error))
    g_warning ("Cannot write %s: %s", self->ready_file, error->message);
}

/* The views draw during the frame clock's paint phase; two completed frames after a change
 * means it has been drawn and handed to the display, so a screenshot shows it. */
static void
cusp_window_after_paint (GdkFrameClock *clock,
                         CuspWindow    *self)
{
  g_autofree char *state = NULL;
  g_autofree char *detail = NULL;

  self->frames_since_change++;
  if (self->frames_since_change < 2)
    {
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  g_clear_signal_handler (&self->after_paint_id, clock);
  state = g_steal_pointer (&self->pending_state);
  detail = g_steal_pointer (&self->pending_detail);
  if (g_str_equal (state, "ready") && !_cusp_window_views_check_drawn (self))
    return;
  cusp_window_report_test_state (self, state, detail);
}

static void
cusp_window_watch_frames (CuspWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  /* Not realized yet: cusp_window_realize() starts watching. */
  if (clock == NULL)
    return;
  if (self->after_paint_id != 0)
    g_clear_signal_handler (&self->after_paint_id, clock);
  self->frames_since_change = 0;
  self->after_paint_id = g_signal_connect (clock, "after-paint",
                                           G_CALLBACK (cusp_window_after_paint), self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_cusp_window_report_after_frames (CuspWindow *self,
                                  const char *state,
                                  const char *detail)
{
  if (self->ready_file == NULL)
    return;
  g_free (self->pending_state);
  g_free (self->pending_detail);
  self->pending_state = g_strdup (state);
  self->pending_detail = g_strdup (detail);
  cusp_window_watch_frames (self);
}

/* ---- the study ---- */

void
_cusp_window_set_study (CuspWindow *self,
                        CuspStudy  *study)
{
  g_autofree char *subtitle = NULL;

  g_return_if_fail (CUSP_IS_WINDOW (self));
  g_return_if_fail (CUSP_IS_STUDY (study));

  g_set_object (&self->study, study);

  subtitle = cusp_study_describe (study);
  adw_window_title_set_title (self->window_title, cusp_study_get_title (study));
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), cusp_study_get_title (study));

  _cusp_window_views_set_volume (self, cusp_study_get_volume (study));
  _cusp_window_measure_set_study (self, study);
  cusp_window_update_warnings (self);
  gtk_stack_set_visible_child_name (self->main_stack, "views");
  _cusp_window_actions_update (self);
  _cusp_window_report_after_frames (self, "ready", cusp_study_get_title (study));
  /* Last: an opened or recovered case reports itself over "ready". */
  _cusp_window_case_study_changed (self, study);
}

/* ---- lifecycle ---- */

static void
cusp_window_realize (GtkWidget *widget)
{
  CuspWindow *self = CUSP_WINDOW (widget);

  GTK_WIDGET_CLASS (cusp_window_parent_class)->realize (widget);
  /* Something may have happened before the window had a frame clock. */
  if (self->pending_state != NULL)
    cusp_window_watch_frames (self);
}

static void
cusp_window_unrealize (GtkWidget *widget)
{
  CuspWindow *self = CUSP_WINDOW (widget);

  if (self->after_paint_id != 0)
    g_clear_signal_handler (&self->after_paint_id, gtk_widget_get_frame_clock (widget));
  GTK_WIDGET_CLASS (cusp_window_parent_class)->unrealize (widget);
}

static void
cusp_window_dispose (GObject *object)
{
  CuspWindow *self = CUSP_WINDOW (object);

  _cusp_window_case_dispose (self);
  _cusp_window_load_dispose (self);
  _cusp_window_rehearsal_dispose (self);
  _cusp_window_measure_dispose (self);
  _cusp_window_views_dispose (self);
  g_clear_object (&self->study);
  g_clear_object (&self->error_toast);
  G_OBJECT_CLASS (cusp_window_parent_class)->dispose (object);
}

static void
cusp_window_finalize (GObject *object)
{
  CuspWindow *self = CUSP_WINDOW (object);

  g_free (self->ready_file);
  g_free (self->pending_state);
  g_free (self->pending_detail);
  g_free (self->last_error_title);
  g_free (self->last_error_message);
  g_free (self->empty_title);
  g_free (self->empty_description);
  G_OBJECT_CLASS (cusp_window_parent_class)->finalize (object);
}

void
_cusp_window_notify_preset (CuspWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW_PRESET]);
}

static void
cusp_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CuspWindow *self = CUSP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_WINDOW_PRESET:
      g_value_set_string (value, self->window_preset ? self->window_preset : "");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cusp_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CuspWindow *self = CUSP_WINDOW (object);
  const char *preset;

  switch (prop_id)
    {
    case PROP_WINDOW_PRESET:
      preset = g_value_get_string (value);
      /* "" is what a drag leaves behind; choosing it from outside changes nothing. */
      if (preset != NULL && *preset != '\0' && !_cusp_window_views_apply_preset (self, preset))
        g_warning ("Unknown window preset '%s'", preset);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cusp_window_class_init (CuspWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cusp_window_dispose;
  object_class->finalize = cusp_window_finalize;
  object_class->get_property = cusp_window_get_property;
  object_class->set_property = cusp_window_set_property;

  /* The window/level preset in use: a nick of the schema's WindowPreset, or "" after a drag. */
  properties[PROP_WINDOW_PRESET] =
    g_param_spec_string ("window-preset", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  widget_class->realize = cusp_window_realize;
  widget_class->unrealize = cusp_window_unrealize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cusp/Cusp/ui/cusp-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, recent_button);
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, preset_button);
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, warnings_button);
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, warnings_list);
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, load_revealer);
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, load_label);
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, load_progress);
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, warnings_revealer);
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, warnings_label);
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, view_grid);
  gtk_widget_class_bind_template_child (widget_class, CuspWindow, cursor_label);

  _cusp_window_class_actions_init (widget_class);
  _cusp_window_class_measure_init (widget_class);
}

/* Test hook: a ruler drawn, moved or removed in a slice view. */
static void
cusp_window_ruler_changed (CuspWindow *self,
                           GParamSpec *pspec,
                           GObject    *view)
{
  for (guint i = 0; i < CUSP_WINDOW_N_SLICE_VIEWS; i++)
    if (self->views[i] == GTK_WIDGET (view))
      _cusp_window_report_after_frames (self, "ruler", view_names[i]);
}

static void
cusp_window_init (CuspWindow *self)
{
  const char *ready_file = g_getenv ("CUSP_TEST_READY_FILE");

  gtk_widget_init_template (GTK_WIDGET (self));
  self->empty_title = g_strdup (adw_status_page_get_title (self->empty_page));
  self->empty_description = g_strdup (adw_status_page_get_description (self->empty_page));
  if (ready_file != NULL && *ready_file != '\0')
    self->ready_file = g_strdup (ready_file);

  _cusp_window_views_init (self);
  _cusp_window_layout_init (self);
  for (guint i = 0; i < CUSP_WINDOW_N_SLICE_VIEWS; i++)
    g_signal_connect_object (self->views[i], "notify::ruler-length-mm",
                             G_CALLBACK (cusp_window_ruler_changed), self, G_CONNECT_SWAPPED);
  _cusp_window_case_init (self);
  _cusp_window_measure_init (self);
  _cusp_window_rehearsal_init (self);
  _cusp_window_dnd_init (self);
  _cusp_window_actions_update (self);
}

/* An empty recent-studies menu would open an empty popover: the button waits for a study. */
static void
cusp_window_recent_changed (GMenuModel *recent,
                            int         position,
                            int         removed,
                            int         added,
                            CuspWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->recent_button), g_menu_model_get_n_items (recent) > 0);
}

CuspWindow *
cusp_window_new (CuspApplication *application)
{
  CuspWindow *self;
  GMenuModel *recent;
  GSettings *settings;

  g_return_val_if_fail (CUSP_IS_APPLICATION (application), NULL);

  self = g_object_new (CUSP_TYPE_WINDOW, "application", application, NULL);
  recent = cusp_application_get_recent_menu (application);
  gtk_menu_button_set_menu_model (self->recent_button, recent);
  g_signal_connect_object (recent, "items-changed", G_CALLBACK (cusp_window_recent_changed), self, 0);
  cusp_window_recent_changed (recent, 0, 0, 0, self);

  settings = cusp_application_get_settings (application);
  if (settings != NULL)
    {
      g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
    }
  return self;
}
