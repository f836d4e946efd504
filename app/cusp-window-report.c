/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window-report.c: what the views show as images and surfaces: PNG export of any view, the
 * deployed valve frame as STL/OBJ/VTP, and the report (cusp-report.c) with the views, the
 * measurements and the compared plans. */
#include "cusp-config.h"
#include "cusp-window-case-private.h"
#include "cusp-annulus-view.h"
#include "cusp-error.h"
#include "cusp-measure-panel.h"
#include "cusp-report.h"
#include "cusp-view-link.h"

#include <glib/gi18n.h>

/* The gap map's colour scale ends here: wider gaps show in the same full red. */
#define GAP_FULL_SCALE_MM 2.0

static const char *const view_names[CUSP_WINDOW_N_SLICE_VIEWS + 1] = {
  "axial", "coronal", "sagittal", "3d",
};
static const char *const view_titles[CUSP_WINDOW_N_SLICE_VIEWS + 1] = {
  N_("Axial"), N_("Coronal"), N_("Sagittal"), N_("3D"),
};

/* What the view shows now, as an image: its paintable rendered by the window's renderer. For a
 * GL view that is the texture of its last frame. NULL when the view has not been drawn. */
static cairo_surface_t *
cusp_window_case_snapshot_view (GtkWidget *view)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  cairo_surface_t *surface;
  int width = gtk_widget_get_width (view), height = gtk_widget_get_height (view);

  if (!gtk_widget_get_mapped (view) || width <= 0 || height <= 0)
    return NULL;
  renderer = gtk_native_get_renderer (gtk_widget_get_native (view));
  paintable = gtk_widget_paintable_new (view);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL || renderer == NULL)
    return NULL;
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, gdk_texture_get_width (texture),
                                        gdk_texture_get_height (texture));
  /* gdk_texture_download writes cairo's ARGB32 layout (premultiplied, native endian). */
  gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* "axial", "coronal", "sagittal", "3d" or "annulus"; NULL when not in this window. */
static GtkWidget *
cusp_window_case_view (CuspWindow *self,
                       const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (view_names); i++)
    if (g_str_equal (view_names[i], name))
      return self->views[i];
  if (g_str_equal (name, "annulus"))
    return _cusp_window_case_find_widget (GTK_WIDGET (self), CUSP_TYPE_ANNULUS_VIEW);
  return NULL;
}

static gboolean
cusp_window_case_export_view_to (CuspWindow *self,
                                 const char *view_name,
                                 const char *path)
{
  GtkWidget *view = cusp_window_case_view (self, view_name);
  cairo_surface_t *surface = view ? cusp_window_case_snapshot_view (view) : NULL;
  cairo_status_t status;
  g_autofree char *detail = NULL;

  if (surface == NULL)
    {
      g_autoptr(GError) error = g_error_new (CUSP_ERROR, CUSP_ERROR_FAILED,
                                             "the %s view is not on screen", view_name);
      _cusp_window_case_fail (self, _("Cannot export the view"), error);
      return FALSE;
    }
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autoptr(GError) error = g_error_new (CUSP_ERROR, CUSP_ERROR_FAILED, "%s: %s", path,
                                             cairo_status_to_string (status));
      _cusp_window_case_fail (self, _("Cannot export the view"), error);
      return FALSE;
    }
  detail = g_strdup_printf ("%s %s", view_name, path);
  _cusp_window_case_report (self, "view-exported", detail);
  return TRUE;
}

static void
cusp_window_case_png_chosen (CuspWindow *self, GFile *file, GtkFileChooser *chooser)
{
  g_autofree char *path = g_file_get_path (file);
  const char *view = g_object_get_data (G_OBJECT (chooser), "cusp-view");

  if (path != NULL)
    cusp_window_case_export_view_to (self, view, path);
}

static void
cusp_window_export_view_png_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  const char *view = g_variant_get_string (parameter, NULL);
  g_autofree char *name = g_strdup_printf ("cusp-%s.png", view);
  GtkFileFilter *filter = gtk_file_filter_new ();
  GtkFileChooser *chooser;

  if (cusp_window_case_view (user_data, view) == NULL)
    return;
  gtk_file_filter_set_name (filter, _("PNG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  chooser = _cusp_window_case_chooser (user_data, _("Export the View as PNG"), GTK_FILE_CHOOSER_ACTION_SAVE,
                                      _("_Export"), filter, name, cusp_window_case_png_chosen);
  g_object_set_data_full (G_OBJECT (chooser), "cusp-view", g_strdup (view), g_free);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cusp_window_export_view_png_to_action (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  const char *view, *path;

  g_variant_get (parameter, "(&s&s)", &view, &path);
  cusp_window_case_export_view_to (user_data, view, path);
}


/* The measurements, written as the panel writes them (cusp_measurement_format_value), from the
 * window's own measurements rather than from the panel's label text. */
static void
cusp_window_case_add_measurements (CuspWindow *self,
                                   GPtrArray  *rows)
{
  const CuspMeasurements *m = _cusp_window_measure_get_measurements (self);
  guint n_keys;
  const CuspMeasureKey *keys = cusp_measure_keys (&n_keys);

  for (guint i = 0; m != NULL && i < n_keys; i++)
    {
      g_autofree char *shown = cusp_measurement_format_value (&keys[i], m);
      g_autofree char *name = NULL;
      g_autofree char *label = NULL;
      g_autofree char *unit_suffix = NULL;
      g_autofree char *value = NULL;
      const char *unit = "";

      if (shown == NULL || g_str_equal (shown, "—"))
        continue;
      /* the unit gets its column when the shown text ends with it ("85.2 mm"); C-arm angles
       * ("LAO 24°") and sizes keep their words */
      unit_suffix = g_strconcat (" ", keys[i].unit, NULL);
      if (keys[i].unit[0] != '\0' && g_str_has_suffix (shown, unit_suffix))
        {
          value = g_strndup (shown, strlen (shown) - strlen (unit_suffix));
          unit = keys[i].unit;
        }
      else
        value = g_strdup (shown);
      /* the stable key too, so a row can be matched with `cusp-cli measure --json` */
      name = cusp_measurement_display_name (keys[i].key);
      label = g_strdup_printf ("%s (%s)", name, keys[i].key);
      g_ptr_array_add (rows, cusp_report_row_new (label, value, unit));
    }
}

static gboolean
cusp_window_case_report_to (CuspWindow *self,
                            const char *path,
                            gboolean    include_description)
{
  CuspWindowCase *cs = case_state (self);
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) cusp_report_image_free);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cusp_report_row_free);
  g_autofree char *description = cusp_study_describe (self->study);
  g_autofree char *generator = g_strdup_printf ("Cusp %s", PACKAGE_VERSION);
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  CuspReportContent content = { 0 };
  guint n_pages = 0;
  g_autoptr(GPtrArray) left_out = g_ptr_array_new ();
  g_autofree char *toast = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (view_names); i++)
    {
      cairo_surface_t *image = self->views[i] ? cusp_window_case_snapshot_view (self->views[i]) : NULL;

      if (image == NULL)
        {
          /* a view left out of the layout has no picture: say so rather than drop it quietly */
          g_ptr_array_add (left_out, (gpointer) _(view_titles[i]));
          continue;
        }
      g_ptr_array_add (images, cusp_report_image_new (_(view_titles[i]), image));
      cairo_surface_destroy (image);
    }
  {
    GtkWidget *annulus = cusp_window_case_view (self, "annulus");
    cairo_surface_t *image = annulus ? cusp_window_case_snapshot_view (annulus) : NULL;

    if (image != NULL)
      {
        g_ptr_array_add (images, cusp_report_image_new (_("Annulus plane"), image));
        cairo_surface_destroy (image);
      }
    else if (annulus != NULL)
      g_ptr_array_add (left_out, (gpointer) _("Annulus plane"));
  }
  {
    CuspValvePanel *panel = _cusp_window_measure_get_valve_panel (self);
    CuspLiveResult *live = panel != NULL ? cusp_valve_panel_get_result (panel) : NULL;
    const char *device_id = panel != NULL ? cusp_valve_panel_get_device_id (panel) : NULL;
    cairo_surface_t *image = NULL;

    if (live != NULL && live->status == CUSP_SIM_OK && device_id != NULL)
      image = cusp_report_gap_map_image (live->gap_mm, live->gap_angle_count, live->gap_height_count,
                                         live->gap.annulus_row, live->gap.tolerance_mm, GAP_FULL_SCALE_MM);
    if (image != NULL)
      {
        g_autofree char *caption = g_strdup_printf (_("Gap map, skirt to wall (%s, depth %.1f mm, tilt %.1f°, "
                                                      "rotation %.0f°, %s): around the annulus across, "
                                                      "up the root; green apposed, yellow to red 0–%.0f mm "
                                                      "gap; line: annulus"),
                                                    device_id, live->pose.depth_mm, live->pose.tilt_deg,
                                                    live->pose.rotation_deg,
                                                    live->preliminary ? _("preliminary") :
                                                    live->converged ? _("converged") : _("not converged"),
                                                    GAP_FULL_SCALE_MM);
        g_ptr_array_add (images, cusp_report_image_new (caption, image));
        cairo_surface_destroy (image);
      }
  }
  cusp_window_case_add_measurements (self, rows);

  content.document = cs->document;
  if (cusp_case_is_demo (cs->document))
    content.case_title = _("Demo case");
  else
    content.case_title = include_description ? cusp_study_get_title (self->study) : _("De-identified study");
  content.study_description = description;
  content.include_description = include_description;
  content.images = images;
  content.measurements = rows;
  content.generator = generator;
  if (!cusp_report_write_pdf (&content, path, &n_pages, &error))
    {
      _cusp_window_case_fail (self, _("Cannot export the report"), error);
      return FALSE;
    }
  detail = g_strdup_printf ("%u pages %s", n_pages, path);
  if (left_out->len > 0)
    {
      g_autofree char *names = NULL;

      g_ptr_array_add (left_out, NULL);
      names = g_strjoinv (", ", (char **) left_out->pdata);
      /* short enough for a toast; the Layout menu brings the views back */
      toast = g_strdup_printf (_("Report written (%u pages) without %s: not on screen"), n_pages, names);
    }
  else
    toast = g_strdup_printf (_("Report written (%u pages)"), n_pages);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (toast));
  _cusp_window_case_report (self, "report-written", detail);
  return TRUE;
}

static void
cusp_window_case_report_chosen (CuspWindow *self, GFile *file, GtkFileChooser *chooser)
{
  g_autofree char *path = g_file_get_path (file);
  const char *describe = gtk_file_chooser_get_choice (chooser, "describe");

  if (path != NULL)
    cusp_window_case_report_to (self, path, g_strcmp0 (describe, "true") == 0);
}

static void
cusp_window_export_report_action (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  GtkFileChooser *chooser;

  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  chooser = _cusp_window_case_chooser (user_data, _("Export the Report"), GTK_FILE_CHOOSER_ACTION_SAVE,
                                      _("_Export"), filter, "cusp-report.pdf", cusp_window_case_report_chosen);
  /* De-identified unless the user asks: the description can carry identifying text. */
  gtk_file_chooser_add_choice (chooser, "describe", _("Include the study's name and description"), NULL, NULL);
  gtk_file_chooser_set_choice (chooser, "describe", "false");
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- the deployed frame as a surface ------------------------------------------------------- */

/* The frame of the answer on screen, as the views draw it (tubes in LPS mm), in the format its
 * extension names (.stl, .obj, .vtp). A preliminary answer is exported as it is and said so. */
static gboolean
cusp_window_export_valve_to (CuspWindow *self, const char *path)
{
  CuspValveScene *scene = cusp_view_link_get_valve_scene (CUSP_VIEW_LINK (self->view_link));
  gboolean converged = FALSE;
  const CuspMesh *mesh = cusp_valve_scene_get_frame_mesh (scene, &converged);
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;

  if (mesh == NULL || mesh->triangle_count == 0)
    {
      error = g_error_new (CUSP_ERROR, CUSP_ERROR_FAILED,
                           _("no valve is deployed yet: segment the root and wait for the solver's answer"));
      _cusp_window_case_fail (self, _("Cannot export the valve frame"), error);
      return FALSE;
    }
  if (!cusp_mesh_export (mesh, path, &error))
    {
      _cusp_window_case_fail (self, _("Cannot export the valve frame"), error);
      return FALSE;
    }
  detail = g_strdup_printf ("%u %s %s", mesh->triangle_count, converged ? "converged" : "preliminary", path);
  _cusp_window_case_report (self, "valve-exported", detail);
  return TRUE;
}

static void
cusp_window_case_valve_chosen (CuspWindow *self, GFile *file, GtkFileChooser *chooser)
{
  g_autofree char *path = g_file_get_path (file);

  if (path != NULL)
    cusp_window_export_valve_to (self, path);
}

static void
cusp_window_export_valve_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  GtkFileChooser *chooser;

  gtk_file_filter_set_name (filter, _("Surfaces (STL, OBJ, VTP)"));
  gtk_file_filter_add_pattern (filter, "*.stl");
  gtk_file_filter_add_pattern (filter, "*.obj");
  gtk_file_filter_add_pattern (filter, "*.vtp");
  chooser = _cusp_window_case_chooser (user_data, _("Export the Deployed Valve Frame"),
                                      GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), filter,
                                      "valve-frame.stl", cusp_window_case_valve_chosen);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cusp_window_export_valve_to_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  cusp_window_export_valve_to (user_data, g_variant_get_string (parameter, NULL));
}

static void
cusp_window_export_report_to_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  cusp_window_case_report_to (user_data, g_variant_get_string (parameter, NULL), FALSE);
}


static const GActionEntry report_actions[] = {
  { "export-report", cusp_window_export_report_action, NULL, NULL, NULL, { 0 } },
  { "export-report-to", cusp_window_export_report_to_action, "s", NULL, NULL, { 0 } },
  { "export-view-png", cusp_window_export_view_png_action, "s", NULL, NULL, { 0 } },
  { "export-view-png-to", cusp_window_export_view_png_to_action, "(ss)", NULL, NULL, { 0 } },
  { "export-valve", cusp_window_export_valve_action, NULL, NULL, NULL, { 0 } },
  { "export-valve-to", cusp_window_export_valve_to_action, "s", NULL, NULL, { 0 } },
};

void
_cusp_window_report_add_actions (CuspWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), report_actions, G_N_ELEMENTS (report_actions), self);
}
