/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-application.c: startup (accelerators, settings), activate/open, app actions, recent menu. */
#include "cusp-config.h"
#include "cusp-application.h"
#include "cusp-preferences-dialog.h"
#include "cusp-window.h"

#include <epoxy/gl.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#define CUSP_RECENT_GROUP "Cusp"
#define CUSP_RECENT_MAX 10

struct _CuspApplication {
  AdwApplication parent_instance;

  GSettings *settings;
  GMenu *recent_menu;
  gulong recent_changed_id;
};

G_DEFINE_FINAL_TYPE (CuspApplication, cusp_application, ADW_TYPE_APPLICATION)

/* Studies Cusp opened, newest first, as a menu of win.open-recent items. */
static void
cusp_application_rebuild_recent (CuspApplication *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (manager);
  GPtrArray *mine = g_ptr_array_new ();

  for (GList *l = items; l != NULL; l = l->next)
    {
      GtkRecentInfo *info = l->data;

      if (gtk_recent_info_has_group (info, CUSP_RECENT_GROUP) && gtk_recent_info_exists (info))
        g_ptr_array_add (mine, info);
    }

  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; i < mine->len && i < CUSP_RECENT_MAX; i++)
    {
      GtkRecentInfo *newest = NULL;
      guint newest_index = 0;

      /* Selection by modification time, a handful of items: no need for a sort. */
      for (guint j = 0; j < mine->len; j++)
        {
          GtkRecentInfo *info = g_ptr_array_index (mine, j);
          if (info == NULL)
            continue;
          if (newest == NULL
              || g_date_time_compare (gtk_recent_info_get_modified (info),
                                      gtk_recent_info_get_modified (newest)) > 0)
            {
              newest = info;
              newest_index = j;
            }
        }
      if (newest == NULL)
        break;
      g_ptr_array_index (mine, newest_index) = NULL;

      {
        g_autoptr(GMenuItem) item = g_menu_item_new (gtk_recent_info_get_display_name (newest), NULL);
        g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                                 g_variant_new_string (gtk_recent_info_get_uri (newest)));
        g_menu_append_item (self->recent_menu, item);
      }
    }

  g_ptr_array_unref (mine);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

void
cusp_application_add_recent (CuspApplication *self,
                             GFile           *file)
{
  g_autofree char *uri = NULL;
  const char *groups[] = { CUSP_RECENT_GROUP, NULL };
  GtkRecentData data = {
    .display_name = NULL,
    .mime_type = (char *) "application/octet-stream",
    .app_name = (char *) g_get_application_name (),
    .app_exec = (char *) "cusp %u",
    .groups = (char **) groups,
  };

  g_return_if_fail (CUSP_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (file));

  uri = g_file_get_uri (file);
  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
    data.mime_type = (char *) "inode/directory";
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

GMenuModel *
cusp_application_get_recent_menu (CuspApplication *self)
{
  g_return_val_if_fail (CUSP_IS_APPLICATION (self), NULL);
  return G_MENU_MODEL (self->recent_menu);
}

/* The installed schema when there is one, else the one compiled into the build tree, so
 * build/app/cusp runs uninstalled without GSETTINGS_SCHEMA_DIR. */
static GSettings *
cusp_application_create_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaSource) build_source = NULL;
  g_autoptr(GError) error = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      build_source = g_settings_schema_source_new_from_directory (CUSP_BUILD_SCHEMADIR, source,
                                                                  FALSE, &error);
      if (build_source != NULL)
        schema = g_settings_schema_source_lookup (build_source, APP_ID, FALSE);
    }
  if (schema == NULL)
    {
      /* A broken install, not something a user can fix from the UI: keep going with defaults. */
      g_warning ("Settings schema %s not found (%s); preferences will not be kept",
                 APP_ID, error ? error->message : "not installed");
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

GSettings *
cusp_application_get_settings (CuspApplication *self)
{
  g_return_val_if_fail (CUSP_IS_APPLICATION (self), NULL);
  return self->settings;
}

static void
cusp_application_quit_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
cusp_application_about_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { _("The Cusp developers"), NULL };
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  gtk_window_set_transient_for (GTK_WINDOW (about), gtk_application_get_active_window (app));
  adw_about_window_set_application_name (about, _("Cusp"));
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _("The Cusp developers"));
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_website (about, "https://github.com/cusp/cusp");
  adw_about_window_set_comments (about,
    _("Rehearse a transcatheter aortic valve replacement on a CT or MR study.\n\n"
      "Every figure Cusp shows is a model estimate for research, teaching and rehearsal, "
      "not for diagnosis. It must not be used to make clinical decisions."));
  adw_about_window_add_legal_section (about, _("Not for Clinical Use"), NULL, GTK_LICENSE_CUSTOM,
    _("Cusp shows model estimates for research, teaching and rehearsal, not for diagnosis. "
      "Its figures have not been validated for clinical decisions and must not be used to make "
      "them."));
  /* Translators: replace with your names, one per line, to be credited. */
  adw_about_window_set_translator_credits (about, _("translator-credits"));
  gtk_window_present (GTK_WINDOW (about));
}

static void
cusp_application_preferences_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  CuspApplication *self = CUSP_APPLICATION (user_data);
  CuspPreferencesDialog *dialog;

  dialog = cusp_preferences_dialog_new (self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (dialog),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry app_actions[] = {
  { "quit", cusp_application_quit_action, NULL, NULL, NULL, { 0 } },
  { "about", cusp_application_about_action, NULL, NULL, NULL, { 0 } },
  { "preferences", cusp_application_preferences_action, NULL, NULL, NULL, { 0 } },
};

static void
cusp_application_set_accels (GtkApplication *app)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Primary>q", NULL } },
    { "app.preferences", { "<Primary>comma", NULL } },
    { "win.open-study", { "<Primary>o", NULL } },
    { "win.open-folder", { "<Primary><Shift>o", NULL } },
    { "win.open-demo", { "<Primary><Shift>d", NULL } },
    { "win.cancel-load", { "Escape", NULL } },
    { "win.show-warnings", { "<Primary>i", NULL } },
    { "win.window-preset::ct-angiography", { "<Primary>1", NULL } },
    { "win.window-preset::calcium", { "<Primary>2", NULL } },
    { "win.window-preset::soft-tissue", { "<Primary>3", NULL } },
    { "win.window-preset::mr-auto", { "<Primary>4", NULL } },
    { "win.view-layout::grid", { "<Primary><Alt>0", NULL } },
    { "win.view-layout::axial", { "<Primary><Alt>1", NULL } },
    { "win.view-layout::coronal", { "<Primary><Alt>2", NULL } },
    { "win.view-layout::sagittal", { "<Primary><Alt>3", NULL } },
    { "win.view-layout::3d", { "<Primary><Alt>4", NULL } },
    { "win.sidebar", { "F9", NULL } },
    { "win.fullscreen", { "F11", NULL } },
    { "window.close", { "<Primary>w", NULL } },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (app, accels[i].action, accels[i].accels);
}

/* SIGTERM/SIGINT quit through the main loop, so windows close and tests see a clean exit. */
static gboolean
cusp_application_on_signal (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

/* On a software rasteriser (llvmpipe, softpipe) GTK's GL renderer repaints the whole window every
 * frame: Mesa's X11 EGL gives it no buffer age, so it cannot tell what changed. At 1190 x 790 on
 * 2 cores that is about 100 ms a frame, whatever moved. The cairo renderer repaints only what
 * changed, and the views still draw with OpenGL. On the demo drag (bench-interaction) the frame
 * median went from 150-198 ms to 49-65 ms and the lag from 60-153 ms to 65-89 ms. Only when the
 * user did not choose (GSK_RENDERER unset), and before the first window: GTK reads the variable
 * when it first makes a renderer. */
static void
cusp_application_choose_renderer (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GdkGLContext) context = NULL;
  const char *renderer;

  if (g_getenv ("GSK_RENDERER") != NULL || display == NULL)
    return;
  context = gdk_display_create_gl_context (display, NULL);
  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return;
  gdk_gl_context_make_current (context);
  renderer = (const char *) glGetString (GL_RENDERER);
  if (renderer != NULL && (strstr (renderer, "llvmpipe") != NULL || strstr (renderer, "softpipe") != NULL))
    {
      g_debug ("OpenGL is %s (software): GTK draws the window with cairo", renderer);
      g_setenv ("GSK_RENDERER", "cairo", FALSE);
    }
  gdk_gl_context_clear_current ();
}

static void
cusp_application_startup (GApplication *app)
{
  CuspApplication *self = CUSP_APPLICATION (app);

  G_APPLICATION_CLASS (cusp_application_parent_class)->startup (app);
  cusp_application_choose_renderer ();

  self->settings = cusp_application_create_settings ();
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  cusp_application_set_accels (GTK_APPLICATION (app));
  gtk_window_set_default_icon_name (APP_ID);

  self->recent_changed_id =
    g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                             G_CALLBACK (cusp_application_rebuild_recent), self, G_CONNECT_SWAPPED);
  cusp_application_rebuild_recent (self);

  g_unix_signal_add (SIGTERM, cusp_application_on_signal, app);
  g_unix_signal_add (SIGINT, cusp_application_on_signal, app);
}

static void
cusp_application_activate (GApplication *app)
{
  CuspApplication *self = CUSP_APPLICATION (app);
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (app));
  CuspWindow *window;

  /* Launching again (a second `cusp` with no path) raises the window already open. */
  if (active != NULL)
    {
      gtk_window_present (active);
      return;
    }
  window = cusp_window_new (self);
  gtk_window_present (GTK_WINDOW (window));
  if (self->settings == NULL || g_settings_get_boolean (self->settings, "open-demo-on-start"))
    cusp_window_open_demo (window);
}

/* The first file replaces what the active window shows (keeping it if the load fails); any
 * further files get windows of their own. */
static void
cusp_application_open (GApplication  *app,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (app));

  for (int i = 0; i < n_files; i++)
    {
      CuspWindow *window;

      if (i == 0 && CUSP_IS_WINDOW (active))
        window = CUSP_WINDOW (active);
      else
        window = cusp_window_new (CUSP_APPLICATION (app));
      gtk_window_present (GTK_WINDOW (window));
      cusp_window_open_file (window, files[i]);
    }
}

static void
cusp_application_shutdown (GApplication *app)
{
  CuspApplication *self = CUSP_APPLICATION (app);

  g_clear_signal_handler (&self->recent_changed_id, gtk_recent_manager_get_default ());
  G_APPLICATION_CLASS (cusp_application_parent_class)->shutdown (app);
}

static void
cusp_application_finalize (GObject *object)
{
  CuspApplication *self = CUSP_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->recent_menu);
  G_OBJECT_CLASS (cusp_application_parent_class)->finalize (object);
}

static void
cusp_application_class_init (CuspApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = cusp_application_finalize;
  app_class->startup = cusp_application_startup;
  app_class->activate = cusp_application_activate;
  app_class->open = cusp_application_open;
  app_class->shutdown = cusp_application_shutdown;
}

static void
cusp_application_init (CuspApplication *self)
{
  self->recent_menu = g_menu_new ();
}

CuspApplication *
cusp_application_new (void)
{
  return g_object_new (CUSP_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/cusp/Cusp",
                       NULL);
}
