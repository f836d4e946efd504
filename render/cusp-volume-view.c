/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-volume-view.c: the 3D viewport: surfaces, the valve's overlay and handles, orbit camera
 * and orientation axes (GtkGLArea subclass, realize/unrealize as in GTK's gears demo; the legend
 * and labels are drawn over the GL picture in snapshot). */
#include "cusp-volume-view.h"
#include "cusp-gl-program.h"
#include "cusp-gl-snapshot.h"
#include "cusp-mesh-renderer.h"
#include "cusp-raycast-renderer.h"
#include "cusp-shape-mesh.h"
#include "cusp-valve-handles-3d.h"
#include "cusp-valve-overlay.h"
#include "cusp-view-camera.h"
#include "cusp-volume-texture.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define GIZMO_SIZE_PX 96   /* logical pixels, bottom-left corner */
#define DEFAULT_YAW_DEG 30.0
#define DEFAULT_PITCH_DEG 20.0
/* The legend: a narrow column in the top-right corner, logical pixels. The valve sits in the
 * middle of the view and fills most of its height, so a legend wider than a colour bar and its
 * numbers covers it; the scale's explanation is in the view's tooltip, and the statement that
 * these are model estimates runs along the bottom edge. */
#define LEGEND_WIDTH_PX 84
#define LEGEND_HEIGHT_PX 112
#define LEGEND_MARGIN_PX 8
/* The surfaces are drawn at their coarse level while the view is dragged and until this long
 * after the valve's pose last changed (a drag in another view, keys, a script), then in full. */
#define SETTLE_MS 250

enum { SLOT_CALCIUM, SLOT_LUMEN, SLOT_VALVE, SLOT_OVERLAY, N_SLOTS };
/* The steps of a frame CUSP_DEBUG_RENDER_TIMES times. */
enum { PASS_BEFORE, PASS_CLEAR, PASS_UPLOAD, PASS_OPAQUE, PASS_VOLUME, PASS_TRANSLUCENT, PASS_HANDLES,
       PASS_GIZMO, PASS_READBACK, N_PASSES };

/* Lumen: translucent blood red; calcium: opaque bone white-yellow, which stands out against it. */
static const float lumen_rgba[4] = { 0.86f, 0.22f, 0.20f, 0.55f };
static const float calcium_rgba[4] = { 1.00f, 0.93f, 0.55f, 1.00f };
/* the deployed valve frame: a metallic cyan-blue, apart from the red lumen and yellow calcium */
static const float valve_rgba[4] = { 0.35f, 0.75f, 1.00f, 1.00f };
static const float opaque_rgba[4] = { 1.0f, 1.0f, 1.0f, 1.0f };

struct _CuspVolumeView {
  GtkGLArea parent_instance;

  CuspViewLink *link;
  CuspValveScene *scene;
  GLuint program;
  GLuint vertex_array;
  GLuint vertex_buffer;
  GLint u_mvp;

  /* Surfaces: copies waiting to be uploaded at the next draw (GL needs the context current). */
  CuspMeshRenderer *mesh_renderer;
  CuspMeshRenderer *handle_renderer;   /* drawn last, over everything */
  CuspMesh *meshes[N_SLOTS];           /* SLOT_CALCIUM, SLOT_LUMEN, SLOT_VALVE */
  guint valve_serial;                  /* the scene's frame serial SLOT_VALVE was copied at */
  gboolean meshes_dirty;               /* the lumen and calcium (with their coarse levels) */
  gboolean valve_dirty;                /* the valve frame alone: it changes with every answer */
  gboolean overlay_dirty;              /* lumen colours and overlay shapes */
  /* What the lumen colours, markers and labels were last made from (a reference, so a new
   * answer's overlay never shares an address with it): a pose change alone changes neither. */
  CuspValveOverlay *shown_overlay;
  gboolean has_shown_root;
  CuspSceneFrame shown_root;
  gboolean handles_dirty;

  /* Volume rendering of the study (optional): behind the translucent surfaces, stopped by the
   * opaque ones. Skipped while the view is dragged or the valve moves (a ray-cast frame costs a
   * few hundred ms of CPU on llvmpipe) and drawn when that settles. */
  CuspRaycastRenderer *raycast;
  CuspVolumeTexture *texture;
  gboolean texture_stale;              /* the link's volume changed: drop it at the next draw */
  gboolean volume_rendering;
  CuspRaycastPreset preset;
  gboolean dragging;

  /* Interaction: coarse surfaces while dragging and until settle_id fires (see SETTLE_MS). */
  guint settle_id;
  gboolean has_shown_pose;
  CuspSimPose shown_pose;              /* the pose of the last ::changed, to tell moves apart */

  /* GTK's cairo renderer: each frame read back here in cairo's pixel order, in place of GTK's
   * read-back-and-convert of the GL texture (cusp-gl-snapshot.h) */
  CuspGlSnapshotCache *gl_copies;

  CuspViewCamera camera;
  /* The legend and ostium labels as last drawn (a cairo node: rasterised once, not every frame),
   * with what they were drawn for; rebuilt when the scene, the camera or the size changes. */
  GskRenderNode *labels_node;
  gboolean labels_dirty;
  CuspViewCamera labels_camera;
  int labels_width, labels_height;
  double drag_yaw_deg, drag_pitch_deg, drag_pan_mm[2];
  gboolean drag_pans;

  /* Handles: the layout drawn, the one under the pointer, the one dragged and where from. */
  gboolean has_handles;
  CuspHandles3d handles;
  CuspHandle3d hover;
  CuspHandle3d active;
  CuspHandles3d drag_start;
  double drag_x0, drag_y0;
  gboolean drag_cancelled;             /* Escape: the rest of this gesture does nothing */

  char *test_file;
  char *test_text;                     /* last written, to write only changes */

  /* CUSP_DEBUG_RENDER_TIMES: each pass waited for (glFinish) and timed, printed every 10 frames */
  gboolean debug_times;
  double pass_ms[N_PASSES];
  int timed_frames;
};

G_DEFINE_FINAL_TYPE (CuspVolumeView, cusp_volume_view, GTK_TYPE_GL_AREA)

enum {
  PROP_0,
  PROP_LINK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Three axes from the origin toward patient R, A, S (LPS coordinates), with their colours. */
static const float gizmo_vertices[] = {
  /* x, y, z,         r, g, b */
  0, 0, 0,            0.95f, 0.30f, 0.25f,
  -1, 0, 0,           0.95f, 0.30f, 0.25f,   /* Right */
  0, 0, 0,            0.40f, 0.80f, 0.35f,
  0, -1, 0,           0.40f, 0.80f, 0.35f,   /* Anterior */
  0, 0, 0,            0.35f, 0.55f, 0.95f,
  0, 0, 1,            0.35f, 0.55f, 0.95f,   /* Superior */
};

/* Column-major MVP of the axes: the camera's rotation, orthographic, in the corner viewport. */
static void
gizmo_matrix (double yaw_deg, double pitch_deg, float mvp[16])
{
  const double scale = 0.8;
  double rotation[3][3];

  cusp_view_camera_rotation (yaw_deg, pitch_deg, rotation);
  for (int i = 0; i < 16; i++)
    mvp[i] = 0.0f;
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 3; c++)
      mvp[c * 4 + r] = (float) (scale * rotation[r][c]);
  mvp[15] = 1.0f;
}

static double
view_width (CuspVolumeView *self)
{
  return MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1);
}

static double
view_height (CuspVolumeView *self)
{
  return MAX (gtk_widget_get_height (GTK_WIDGET (self)), 1);
}

static void
cusp_volume_view_realize (GtkWidget *widget)
{
  CuspVolumeView *self = CUSP_VOLUME_VIEW (widget);
  GtkGLArea *area = GTK_GL_AREA (widget);
  g_autoptr(GError) error = NULL;

  GTK_WIDGET_CLASS (cusp_volume_view_parent_class)->realize (widget);
  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area) != NULL)
    return;

  self->program = cusp_gl_program_new ("cusp-gizmo.vert.glsl", "cusp-gizmo.frag.glsl", &error);
  if (self->program == 0)
    {
      gtk_gl_area_set_error (area, error);
      return;
    }
  self->u_mvp = glGetUniformLocation (self->program, "u_mvp");
  glGenVertexArrays (1, &self->vertex_array);
  glBindVertexArray (self->vertex_array);
  glGenBuffers (1, &self->vertex_buffer);
  glBindBuffer (GL_ARRAY_BUFFER, self->vertex_buffer);
  glBufferData (GL_ARRAY_BUFFER, sizeof gizmo_vertices, gizmo_vertices, GL_STATIC_DRAW);
  glEnableVertexAttribArray (0);
  glVertexAttribPointer (0, 3, GL_FLOAT, GL_FALSE, 6 * sizeof (float), (void *) 0);
  glEnableVertexAttribArray (1);
  glVertexAttribPointer (1, 3, GL_FLOAT, GL_FALSE, 6 * sizeof (float), (void *) (3 * sizeof (float)));
  glBindVertexArray (0);
  glBindBuffer (GL_ARRAY_BUFFER, 0);

  self->mesh_renderer = cusp_mesh_renderer_new (&error);
  if (self->mesh_renderer != NULL)
    self->handle_renderer = cusp_mesh_renderer_new (&error);
  if (self->handle_renderer == NULL)
    {
      g_clear_pointer (&self->mesh_renderer, cusp_mesh_renderer_free);
      gtk_gl_area_set_error (area, error);
      return;
    }
  self->meshes_dirty = self->valve_dirty = self->overlay_dirty = self->handles_dirty = TRUE;
  /* without it the view still shows the surfaces: the toggle then does nothing, and says why */
  self->raycast = cusp_raycast_renderer_new (&error);
  if (self->raycast == NULL)
    g_warning ("3D view: no volume rendering: %s", error->message);
}

static void
cusp_volume_view_unrealize (GtkWidget *widget)
{
  CuspVolumeView *self = CUSP_VOLUME_VIEW (widget);

  gtk_gl_area_make_current (GTK_GL_AREA (widget));
  if (gtk_gl_area_get_error (GTK_GL_AREA (widget)) == NULL)
    {
      if (self->vertex_buffer)
        glDeleteBuffers (1, &self->vertex_buffer);
      if (self->vertex_array)
        glDeleteVertexArrays (1, &self->vertex_array);
      if (self->program)
        glDeleteProgram (self->program);
      g_clear_pointer (&self->mesh_renderer, cusp_mesh_renderer_free);
      g_clear_pointer (&self->handle_renderer, cusp_mesh_renderer_free);
      g_clear_pointer (&self->raycast, cusp_raycast_renderer_free);
      g_clear_pointer (&self->texture, cusp_volume_texture_unref);
    }
  self->vertex_buffer = self->vertex_array = self->program = 0;
  GTK_WIDGET_CLASS (cusp_volume_view_parent_class)->unrealize (widget);
}

/* The overlay as the renderer needs it: lumen colours and the markers' mesh. */
static void
upload_overlay (CuspVolumeView *self)
{
  CuspValveOverlay *overlay = self->scene != NULL ? cusp_valve_scene_get_overlay (self->scene) : NULL;
  CuspSceneFrame frame;
  gboolean has_frame = self->scene != NULL && cusp_valve_scene_get_root (self->scene, &frame);
  const CuspMesh *lumen = self->meshes[SLOT_LUMEN];
  g_autoptr(CuspShapeMesh) shapes = cusp_shape_mesh_new ();
  g_autoptr(CuspMesh) markers = NULL;

  if (lumen != NULL)
    {
      if (overlay != NULL && has_frame)
        {
          g_autofree float *rgba = g_new (float, 4 * (gsize) lumen->vertex_count);
          cusp_valve_overlay_color_vertices (overlay, &frame, lumen, lumen_rgba, rgba);
          cusp_mesh_renderer_set_colors (self->mesh_renderer, SLOT_LUMEN, rgba, lumen->vertex_count);
        }
      else
        cusp_mesh_renderer_set_colors (self->mesh_renderer, SLOT_LUMEN, NULL, 0);
    }
  if (overlay != NULL && has_frame)
    cusp_valve_overlay_build_shapes (overlay, &frame, shapes);
  markers = cusp_shape_mesh_to_mesh (shapes);
  cusp_mesh_renderer_set_mesh (self->mesh_renderer, SLOT_OVERLAY, markers, opaque_rgba);
  if (markers != NULL)
    cusp_mesh_renderer_set_colors (self->mesh_renderer, SLOT_OVERLAY, cusp_shape_mesh_get_colors (shapes),
                                   markers->vertex_count);
}

static void
upload_handles (CuspVolumeView *self)
{
  g_autoptr(CuspShapeMesh) shapes = cusp_shape_mesh_new ();
  g_autoptr(CuspMesh) mesh = NULL;

  if (self->has_handles)
    cusp_handles_3d_build (&self->handles, self->hover, self->active, shapes);
  mesh = cusp_shape_mesh_to_mesh (shapes);
  cusp_mesh_renderer_set_mesh (self->handle_renderer, 0, mesh, opaque_rgba);
  if (mesh != NULL)
    cusp_mesh_renderer_set_colors (self->handle_renderer, 0, cusp_shape_mesh_get_colors (shapes),
                                   mesh->vertex_count);
}

static void write_test_file (CuspVolumeView *self);

static void
draw_volume (CuspVolumeView *self, const float view[16], const float projection[16],
             int width_px, int height_px)
{
  CuspVolume *volume = self->link != NULL ? cusp_view_link_get_volume (self->link) : NULL;
  const int viewport[4] = { 0, 0, width_px, height_px };
  float view_projection[16];

  if (self->texture_stale)
    {
      g_clear_pointer (&self->texture, cusp_volume_texture_unref);
      self->texture_stale = FALSE;
    }
  if (self->raycast == NULL || volume == NULL)
    return;
  if (self->texture == NULL)
    {
      g_autoptr(GError) error = NULL;

      /* the slice views' upload, shared through the link */
      self->texture = cusp_volume_texture_acquire_shared (G_OBJECT (self->link), volume, &error);
      if (self->texture == NULL)
        {
          g_warning ("3D view: no volume rendering: %s", error->message);
          self->volume_rendering = FALSE;
          return;
        }
    }
  for (int c = 0; c < 4; c++)           /* column-major: P x V */
    for (int r = 0; r < 4; r++)
      {
        float sum = 0.0f;
        for (int k = 0; k < 4; k++)
          sum += projection[k * 4 + r] * view[c * 4 + k];
        view_projection[c * 4 + r] = sum;
      }
  cusp_raycast_renderer_draw (self->raycast, self->texture, view_projection, viewport, self->preset);
  /* Without this, under Xvfb with llvmpipe the ray-cast pixels did not reach the window (the UI
   * test saw 0 pixels change, 15713 with it; not understood, 2026-11-22). The frame is a few
   * hundred ms of ray casting anyway; the wait adds nothing a user sees. */
  glFinish ();
}

/* Debug path only: the wait makes the passes sequential, so the figures add up. */
static void
debug_mark (CuspVolumeView *self, int pass, gint64 *t_us)
{
  gint64 now;

  if (!self->debug_times)
    return;
  glFinish ();
  now = g_get_monotonic_time ();
  self->pass_ms[pass] += (now - *t_us) / 1000.0;
  *t_us = now;
}

static void
debug_report (CuspVolumeView *self)
{
  static const char *names[N_PASSES] = { "pending-before", "clear", "upload", "opaque", "volume", "translucent",
                                         "handles", "gizmo", "readback" };

  if (!self->debug_times || ++self->timed_frames < 10)
    return;
  g_printerr ("3D view render, mean of %d frames (ms):", self->timed_frames);
  for (int i = 0; i < N_PASSES; i++)
    g_printerr (" %s %.1f", names[i], self->pass_ms[i] / self->timed_frames);
  g_printerr ("; triangles %u, drawn %u\n", cusp_mesh_renderer_get_triangle_count (self->mesh_renderer),
              cusp_mesh_renderer_get_drawn_triangle_count (self->mesh_renderer));
  memset (self->pass_ms, 0, sizeof self->pass_ms);
  self->timed_frames = 0;
}

/* The frame as GTK's cairo renderer draws it: GL_BGRA bytes are cairo's ARGB32 on a little-endian
 * machine, so neither side converts; rows stay in GL's bottom-up order, as GTK's own read-back of
 * the texture gives them (the node above it flips them). */
static void
read_back (CuspVolumeView *self, int width_px, int height_px)
{
  cairo_surface_t *copy;

  if (width_px <= 0 || height_px <= 0 || G_BYTE_ORDER != G_LITTLE_ENDIAN)
    return;
  copy = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width_px, height_px);
  if (cairo_surface_status (copy) != CAIRO_STATUS_SUCCESS
      || cairo_image_surface_get_stride (copy) != 4 * width_px)
    {
      cairo_surface_destroy (copy);
      return;
    }
  cairo_surface_flush (copy);
  glPixelStorei (GL_PACK_ALIGNMENT, 4);
  glReadPixels (0, 0, width_px, height_px, GL_BGRA, GL_UNSIGNED_BYTE, cairo_image_surface_get_data (copy));
  cairo_surface_mark_dirty (copy);
  cusp_gl_snapshot_cache_set_next_copy (self->gl_copies, copy);
}

static gboolean
cusp_volume_view_render (GtkGLArea    *area,
                         GdkGLContext *context)
{
  CuspVolumeView *self = CUSP_VOLUME_VIEW (area);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (area));
  int width = gtk_widget_get_width (GTK_WIDGET (area)), height = gtk_widget_get_height (GTK_WIDGET (area));
  float mvp[16], view[16], projection[16];
  gint64 t_us = g_get_monotonic_time ();
  gboolean interacting = self->dragging || self->settle_id != 0;

  debug_mark (self, PASS_BEFORE, &t_us);
  /* Dark slate rather than black, so the empty 3D view reads as a viewport, not a dead slice. */
  glDisable (GL_SCISSOR_TEST);
  glClearColor (0.11f, 0.12f, 0.14f, 1.0f);
  glClearDepth (1.0);
  glClear (GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
  if (self->program == 0 || self->mesh_renderer == NULL)
    return TRUE;
  debug_mark (self, PASS_CLEAR, &t_us);

  if (self->meshes_dirty)
    {
      cusp_mesh_renderer_set_mesh_lod (self->mesh_renderer, SLOT_CALCIUM, self->meshes[SLOT_CALCIUM], calcium_rgba);
      cusp_mesh_renderer_set_mesh_lod (self->mesh_renderer, SLOT_LUMEN, self->meshes[SLOT_LUMEN], lumen_rgba);
      self->meshes_dirty = FALSE;
      self->overlay_dirty = TRUE;
    }
  if (self->valve_dirty)
    {
      cusp_mesh_renderer_set_mesh (self->mesh_renderer, SLOT_VALVE, self->meshes[SLOT_VALVE], valve_rgba);
      self->valve_dirty = FALSE;
    }
  if (self->overlay_dirty)
    {
      upload_overlay (self);
      self->overlay_dirty = FALSE;
    }
  if (self->handles_dirty)
    {
      upload_handles (self);
      self->handles_dirty = FALSE;
    }
  debug_mark (self, PASS_UPLOAD, &t_us);

  cusp_view_camera_matrices (&self->camera, (double) MAX (width, 1) / MAX (height, 1), view, projection);
  glViewport (0, 0, width * scale, height * scale);
  cusp_mesh_renderer_set_coarse (self->mesh_renderer, interacting);
  cusp_mesh_renderer_draw_opaque (self->mesh_renderer, view, projection);
  debug_mark (self, PASS_OPAQUE, &t_us);
  if (self->volume_rendering && !interacting)
    draw_volume (self, view, projection, width * scale, height * scale);
  debug_mark (self, PASS_VOLUME, &t_us);
  cusp_mesh_renderer_draw_translucent (self->mesh_renderer, view, projection);
  debug_mark (self, PASS_TRANSLUCENT, &t_us);
  if (cusp_mesh_renderer_get_triangle_count (self->handle_renderer) > 0)
    {
      /* handles over everything: they are picked where they are seen */
      glClear (GL_DEPTH_BUFFER_BIT);
      cusp_mesh_renderer_draw (self->handle_renderer, view, projection);
    }
  debug_mark (self, PASS_HANDLES, &t_us);

  gizmo_matrix (self->camera.yaw_deg, self->camera.pitch_deg, mvp);
  glViewport (0, 0, GIZMO_SIZE_PX * scale, GIZMO_SIZE_PX * scale);
  glUseProgram (self->program);
  glUniformMatrix4fv (self->u_mvp, 1, GL_FALSE, mvp);
  glBindVertexArray (self->vertex_array);
  glDrawArrays (GL_LINES, 0, 6);
  glBindVertexArray (0);
  glUseProgram (0);
  debug_mark (self, PASS_GIZMO, &t_us);
  if (cusp_gl_snapshot_uses_cairo (GTK_WIDGET (area)))
    read_back (self, width * scale, height * scale);
  debug_mark (self, PASS_READBACK, &t_us);
  debug_report (self);
  if (self->test_file != NULL)
    write_test_file (self);
  return TRUE;
}

/* ---- legend and labels (cairo over the GL picture) ---- */

static void
legend_box (CuspVolumeView *self, graphene_rect_t *box)
{
  graphene_rect_init (box, view_width (self) - LEGEND_WIDTH_PX - LEGEND_MARGIN_PX, LEGEND_MARGIN_PX,
                      LEGEND_WIDTH_PX, LEGEND_HEIGHT_PX);
}

/* Returns the text's height in pixels, so the next line goes below it. */
static int
draw_text (cairo_t *cr, PangoLayout *layout, double x, double y, const char *text, gboolean bold)
{
  g_autofree char *markup = g_markup_printf_escaped (bold ? "<b>%s</b>" : "%s", text);
  int height;

  pango_layout_set_markup (layout, markup, -1);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_pixel_size (layout, NULL, &height);
  return height;
}

static void
draw_legend (CuspVolumeView *self, cairo_t *cr, const CuspValveOverlay *overlay)
{
  graphene_rect_t box;
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans 7");
  const double bar_x = 6, bar_y = 30, bar_w = 10, bar_h = 50;
  double scale_kpa = overlay->scale_max_pa * 1e-3;
  float rgb[3];
  int text_w, text_h;
  g_autofree char *top = NULL, *middle = NULL, *peak = NULL, *gap = NULL;
  const char *statement = _("Model estimate, not a diagnosis");

  legend_box (self, &box);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  pango_layout_set_width (layout, (int) ((LEGEND_WIDTH_PX - 10) * PANGO_SCALE));
  cairo_save (cr);
  cairo_translate (cr, box.origin.x, box.origin.y);
  cairo_rectangle (cr, 0, 0, box.size.width, box.size.height);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.78);
  cairo_fill (cr);

  cairo_set_source_rgb (cr, 0.95, 0.95, 0.95);
  draw_text (cr, layout, 6, 3, _("Pressure, kPa"), TRUE);
  /* the bar, 0 at the bottom */
  for (int i = 0; i < (int) bar_h; i++)
    {
      cusp_pressure_colormap (1.0 - (i + 0.5) / bar_h, rgb);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_rectangle (cr, bar_x, bar_y + i, bar_w, 1.0);
      cairo_fill (cr);
    }
  top = g_strdup_printf ("%g", scale_kpa);
  /* square-root scale: half way up the bar is a quarter of the top */
  middle = g_strdup_printf ("%g", 0.25 * scale_kpa);
  peak = overlay->peak_pressure_pa > 0.0 ? g_strdup_printf (_("peak %.0f"), overlay->peak_pressure_pa * 1e-3)
                                         : g_strdup (_("no contact"));
  cairo_set_source_rgb (cr, 0.95, 0.95, 0.95);
  draw_text (cr, layout, bar_x + bar_w + 4, bar_y - 6, top, FALSE);
  draw_text (cr, layout, bar_x + bar_w + 4, bar_y + 0.5 * bar_h - 6, middle, FALSE);
  draw_text (cr, layout, bar_x + bar_w + 4, bar_y + bar_h - 6, "0", FALSE);
  draw_text (cr, layout, 6, bar_y + bar_h + 4, peak, FALSE);
  cusp_overlay_gap_color (rgb);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_rectangle (cr, 6, bar_y + bar_h + 21, 8, 8);
  cairo_fill (cr);
  /* Translators: the legend's swatch for open gaps between skirt and wall, and leak jets */
  gap = g_strdup_printf (_("gap > %.1f mm"), overlay->gap_tolerance_mm);
  cairo_set_source_rgb (cr, 0.95, 0.95, 0.95);
  pango_layout_set_width (layout, -1);
  draw_text (cr, layout, 17, bar_y + bar_h + 18, gap, FALSE);
  cairo_restore (cr);

  /* one line along the bottom edge, right-aligned, where the LV below the valve leaves room */
  pango_layout_set_width (layout, -1);
  pango_layout_set_markup (layout, statement, -1);
  pango_layout_get_pixel_size (layout, &text_w, &text_h);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.78);
  cairo_rectangle (cr, view_width (self) - text_w - 12, view_height (self) - text_h - 6, text_w + 8, text_h + 4);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
  cairo_move_to (cr, view_width (self) - text_w - 8, view_height (self) - text_h - 4);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_ostium_labels (CuspVolumeView *self, cairo_t *cr, const CuspValveOverlay *overlay)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans Bold 8");
  graphene_rect_t legend;

  legend_box (self, &legend);
  pango_layout_set_font_description (layout, font);
  for (int side = 0; side < CUSP_OVERLAY_N_OSTIA; side++)
    {
      const CuspOverlayOstium *o = &overlay->ostia[side];
      double x, y;
      int tw, th;
      float rgb[3];
      g_autofree char *text = NULL;

      if (!o->present || !cusp_view_camera_project (&self->camera, view_width (self), view_height (self),
                                                    o->ostium_lps, &x, &y))
        continue;
      /* Translators: the distance from the left (LCA) or right (RCA) coronary ostium to the
       * displaced leaflet, e.g. "LCA DLC 4.2 mm" */
      text = isfinite (o->dlc_mm)
        ? g_strdup_printf (side == CUSP_OVERLAY_OSTIUM_LEFT ? _("LCA DLC %.1f mm")
                                                            : _("RCA DLC %.1f mm"), o->dlc_mm)
        : g_strdup (side == CUSP_OVERLAY_OSTIUM_LEFT ? _("LCA") : _("RCA"));
      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      x += 8;
      y -= th + 4;
      /* not over the legend: to its left */
      if (overlay->pressure_pa != NULL && x + tw > legend.origin.x
          && y < legend.origin.y + legend.size.height && y + th > legend.origin.y)
        x = legend.origin.x - tw - 6;
      cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.75);
      cairo_rectangle (cr, x - 3, y - 1, tw + 6, th + 2);
      cairo_fill (cr);
      cusp_overlay_risk_color (o->risk_level, rgb);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_move_to (cr, x, y);
      pango_cairo_show_layout (cr, layout);
    }
}

static void
parent_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  GTK_WIDGET_CLASS (cusp_volume_view_parent_class)->snapshot (widget, snapshot);
}

static void
cusp_volume_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  CuspVolumeView *self = CUSP_VOLUME_VIEW (widget);
  CuspValveOverlay *overlay = self->scene != NULL ? cusp_valve_scene_get_overlay (self->scene) : NULL;
  int width = (int) view_width (self), height = (int) view_height (self);

  cusp_gl_snapshot_with (widget, snapshot, self->gl_copies, parent_snapshot);
  if (overlay == NULL || gtk_gl_area_get_error (GTK_GL_AREA (widget)) != NULL)
    return;
  if (self->labels_node == NULL || self->labels_dirty || width != self->labels_width
      || height != self->labels_height || memcmp (&self->camera, &self->labels_camera, sizeof self->camera) != 0)
    {
      GtkSnapshot *labels = gtk_snapshot_new ();
      graphene_rect_t bounds;
      cairo_t *cr;

      graphene_rect_init (&bounds, 0, 0, width, height);
      cr = gtk_snapshot_append_cairo (labels, &bounds);
      if (overlay->pressure_pa != NULL)
        draw_legend (self, cr, overlay);
      draw_ostium_labels (self, cr, overlay);
      cairo_destroy (cr);
      g_clear_pointer (&self->labels_node, gsk_render_node_unref);
      self->labels_node = gtk_snapshot_free_to_node (labels);
      self->labels_dirty = FALSE;
      self->labels_camera = self->camera;
      self->labels_width = width;
      self->labels_height = height;
    }
  if (self->labels_node != NULL)
    gtk_snapshot_append_node (snapshot, self->labels_node);
}

/* ---- the valve's handles ---- */

static void
update_handles (CuspVolumeView *self)
{
  CuspSceneFrame frame;
  CuspSimPose pose;
  double diameter_mm, height_mm;
  gboolean had = self->has_handles;

  self->has_handles = self->scene != NULL && cusp_valve_scene_get_root (self->scene, &frame)
                      && cusp_valve_scene_get_valve (self->scene, &pose, &diameter_mm, &height_mm);
  if (self->has_handles)
    cusp_handles_3d_layout (&frame, &pose, diameter_mm, height_mm, &self->handles);
  if (!self->has_handles)
    self->hover = self->active = CUSP_HANDLE_3D_NONE;
  if (had || self->has_handles)
    self->handles_dirty = TRUE;
}

static void
set_hover (CuspVolumeView *self, CuspHandle3d hover)
{
  if (self->hover == hover)
    return;
  self->hover = hover;
  self->handles_dirty = TRUE;
  if (self->active == CUSP_HANDLE_3D_NONE)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), hover != CUSP_HANDLE_3D_NONE ? "grab" : NULL);
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           CuspVolumeView           *self)
{
  if (self->active != CUSP_HANDLE_3D_NONE)
    return;
  set_hover (self, self->has_handles
                   ? cusp_handles_3d_pick (&self->handles, &self->camera, view_width (self),
                                           view_height (self), x, y)
                   : CUSP_HANDLE_3D_NONE);
}

static void
on_leave (GtkEventControllerMotion *controller,
          CuspVolumeView           *self)
{
  if (self->active == CUSP_HANDLE_3D_NONE)
    set_hover (self, CUSP_HANDLE_3D_NONE);
}

static void
end_handle_drag (CuspVolumeView *self)
{
  if (self->active != CUSP_HANDLE_3D_NONE && self->scene != NULL)
    cusp_valve_scene_end_interaction (self->scene);
  self->active = CUSP_HANDLE_3D_NONE;
  self->handles_dirty = TRUE;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), self->hover != CUSP_HANDLE_3D_NONE ? "grab" : NULL);
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CuspVolumeView        *self)
{
  if (keyval != GDK_KEY_Escape || self->active == CUSP_HANDLE_3D_NONE)
    return FALSE;
  /* the pose the drag started from, and the drag ends here */
  cusp_valve_scene_request_pose (self->scene, &self->drag_start.pose);
  self->drag_cancelled = TRUE;
  end_handle_drag (self);
  return TRUE;
}

/* ---- interaction: coarse surfaces until the view settles ---- */

static gboolean
on_settled (gpointer data)
{
  CuspVolumeView *self = data;

  self->settle_id = 0;
  if (!self->dragging)
    gtk_gl_area_queue_render (GTK_GL_AREA (self));
  return G_SOURCE_REMOVE;
}

/* Something moves: frames stay coarse until SETTLE_MS after the last call. */
static void
interaction_step (CuspVolumeView *self)
{
  g_clear_handle_id (&self->settle_id, g_source_remove);
  self->settle_id = g_timeout_add (SETTLE_MS, on_settled, self);
}

/* ---- camera input ---- */

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               CuspVolumeView *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  CuspHandle3d picked = CUSP_HANDLE_3D_NONE;

  self->drag_cancelled = FALSE;
  self->dragging = TRUE;
  g_clear_handle_id (&self->settle_id, g_source_remove);
  if (button == GDK_BUTTON_PRIMARY && (state & GDK_CONTROL_MASK) == 0 && self->has_handles)
    picked = cusp_handles_3d_pick (&self->handles, &self->camera, view_width (self),
                                   view_height (self), x, y);
  if (picked != CUSP_HANDLE_3D_NONE)
    {
      self->active = picked;
      /* one drag, one entry in the window's history */
      cusp_valve_scene_begin_interaction (self->scene);
      self->drag_start = self->handles;
      self->drag_x0 = x;
      self->drag_y0 = y;
      self->handles_dirty = TRUE;
      gtk_widget_grab_focus (GTK_WIDGET (self));   /* for Escape */
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
      gtk_gl_area_queue_render (GTK_GL_AREA (self));
      return;
    }
  self->drag_pans = button == GDK_BUTTON_MIDDLE || (state & GDK_CONTROL_MASK) != 0;
  self->drag_yaw_deg = self->camera.yaw_deg;
  self->drag_pitch_deg = self->camera.pitch_deg;
  self->drag_pan_mm[0] = self->camera.pan_mm[0];
  self->drag_pan_mm[1] = self->camera.pan_mm[1];
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                CuspVolumeView *self)
{
  double height = view_height (self);

  if (self->drag_cancelled)
    return;
  if (self->active != CUSP_HANDLE_3D_NONE)
    {
      CuspSimPose pose;
      /* with the camera as it is now: the drag does not move the camera */
      if (cusp_handles_3d_drag (&self->drag_start, self->active, &self->camera, view_width (self),
                                height, self->drag_x0, self->drag_y0, self->drag_x0 + dx,
                                self->drag_y0 + dy, &pose))
        cusp_valve_scene_request_pose (self->scene, &pose);
      return;
    }
  if (self->drag_pans)
    {
      /* The surfaces follow the pointer: one view height is the framed diameter / zoom. */
      double mm_per_px = 2.0 * self->camera.radius_mm / self->camera.zoom / height;
      self->camera.pan_mm[0] = self->drag_pan_mm[0] - dx * mm_per_px;
      self->camera.pan_mm[1] = self->drag_pan_mm[1] + dy * mm_per_px;
    }
  else
    {
      /* A drag across the whole view height turns the model half a turn. */
      self->camera.yaw_deg = fmod (self->drag_yaw_deg + 180.0 * dx / height, 360.0);
      self->camera.pitch_deg = CLAMP (self->drag_pitch_deg + 180.0 * dy / height, -89.0, 89.0);
    }
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             CuspVolumeView *self)
{
  /* released: the next frame is drawn in full (and ray cast when that is on) */
  self->dragging = FALSE;
  g_clear_handle_id (&self->settle_id, g_source_remove);
  if (self->active != CUSP_HANDLE_3D_NONE)
    end_handle_drag (self);
  else
    gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           CuspVolumeView           *self)
{
  self->camera.zoom = CLAMP (self->camera.zoom * pow (1.1, -dy), 0.2, 20.0);
  interaction_step (self);
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
  return TRUE;
}

static void
on_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  CuspVolumeView  *self)
{
  if (n_press == 2 && self->active == CUSP_HANDLE_3D_NONE && self->hover == CUSP_HANDLE_3D_NONE)
    cusp_volume_view_reset_camera (self);
}

static void
on_link_notify (CuspViewLink   *link,
                GParamSpec     *pspec,
                CuspVolumeView *self)
{
  self->texture_stale = TRUE;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

static CuspMesh *mesh_copy (const CuspMesh *mesh);

/* The deployed frame comes from the scene, its one source; it is copied (and uploaded) only
 * when the scene replaced it, not on every pose change of a drag. */
static void
sync_valve_mesh (CuspVolumeView *self)
{
  guint serial = cusp_valve_scene_get_frame_serial (self->scene);

  if (serial == self->valve_serial)
    return;
  self->valve_serial = serial;
  g_clear_pointer (&self->meshes[SLOT_VALVE], cusp_mesh_free);
  self->meshes[SLOT_VALVE] = mesh_copy (cusp_valve_scene_get_frame_mesh (self->scene, NULL));
  self->valve_dirty = TRUE;
}

/* A new pose is a move (coarse frames follow); a new answer for the same pose is not. */
static void
note_pose (CuspVolumeView *self)
{
  CuspSimPose pose;
  gboolean has = cusp_valve_scene_get_valve (self->scene, &pose, NULL, NULL);

  if (has && self->has_shown_pose && !self->dragging
      && (pose.depth_mm != self->shown_pose.depth_mm || pose.tilt_deg != self->shown_pose.tilt_deg
          || pose.rotation_deg != self->shown_pose.rotation_deg))
    interaction_step (self);
  self->has_shown_pose = has;
  if (has)
    self->shown_pose = pose;
}

/* A new answer's overlay or a new root: colours, markers and labels are made anew; the scene
 * also changes with every pose of a drag, when they stay as they are. */
static void
sync_overlay (CuspVolumeView *self)
{
  CuspValveOverlay *overlay = cusp_valve_scene_get_overlay (self->scene);
  CuspSceneFrame root;
  gboolean has_root = cusp_valve_scene_get_root (self->scene, &root);

  if (overlay == self->shown_overlay && has_root == self->has_shown_root
      && (!has_root || memcmp (&root, &self->shown_root, sizeof root) == 0))
    return;
  if (overlay != NULL)
    cusp_valve_overlay_ref (overlay);
  g_clear_pointer (&self->shown_overlay, cusp_valve_overlay_unref);
  self->shown_overlay = overlay;
  self->has_shown_root = has_root;
  if (has_root)
    self->shown_root = root;
  self->labels_dirty = TRUE;
  self->overlay_dirty = TRUE;
}

static void
on_scene_changed (CuspValveScene *scene,
                  CuspVolumeView *self)
{
  note_pose (self);
  sync_valve_mesh (self);
  sync_overlay (self);
  update_handles (self);
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

static void
cusp_volume_view_set_link (CuspVolumeView *self, CuspViewLink *link)
{
  if (self->link == link)
    return;
  if (self->link != NULL)
    g_signal_handlers_disconnect_by_data (self->link, self);
  if (self->scene != NULL)
    g_signal_handlers_disconnect_by_data (self->scene, self);
  /* a drag still open would keep the window's history merging */
  if (self->scene != NULL && self->active != CUSP_HANDLE_3D_NONE)
    cusp_valve_scene_end_interaction (self->scene);
  self->active = CUSP_HANDLE_3D_NONE;
  g_clear_object (&self->scene);
  self->has_shown_pose = FALSE;
  g_clear_pointer (&self->shown_overlay, cusp_valve_overlay_unref);
  self->has_shown_root = FALSE;
  self->labels_dirty = TRUE;
  g_set_object (&self->link, link);
  if (link != NULL)
    {
      g_signal_connect (link, "notify::volume", G_CALLBACK (on_link_notify), self);
      self->scene = g_object_ref (cusp_view_link_get_valve_scene (link));
      g_signal_connect (self->scene, "changed", G_CALLBACK (on_scene_changed), self);
      self->valve_serial = cusp_valve_scene_get_frame_serial (self->scene) - 1;
      sync_valve_mesh (self);
      sync_overlay (self);
    }
  self->overlay_dirty = TRUE;
  update_handles (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINK]);
}

static void
cusp_volume_view_dispose (GObject *object)
{
  CuspVolumeView *self = CUSP_VOLUME_VIEW (object);

  cusp_volume_view_set_link (self, NULL);
  g_clear_handle_id (&self->settle_id, g_source_remove);
  g_clear_pointer (&self->labels_node, gsk_render_node_unref);
  for (int i = 0; i < N_SLOTS; i++)
    g_clear_pointer (&self->meshes[i], cusp_mesh_free);
  g_clear_pointer (&self->test_file, g_free);
  g_clear_pointer (&self->test_text, g_free);
  G_OBJECT_CLASS (cusp_volume_view_parent_class)->dispose (object);
}

static void
cusp_volume_view_finalize (GObject *object)
{
  cusp_gl_snapshot_cache_free (CUSP_VOLUME_VIEW (object)->gl_copies);
  G_OBJECT_CLASS (cusp_volume_view_parent_class)->finalize (object);
}

static void
cusp_volume_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CuspVolumeView *self = CUSP_VOLUME_VIEW (object);

  switch (prop_id)
    {
    case PROP_LINK: g_value_set_object (value, self->link); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cusp_volume_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CuspVolumeView *self = CUSP_VOLUME_VIEW (object);

  switch (prop_id)
    {
    case PROP_LINK: cusp_volume_view_set_link (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cusp_volume_view_class_init (CuspVolumeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkGLAreaClass *area_class = GTK_GL_AREA_CLASS (klass);

  object_class->dispose = cusp_volume_view_dispose;
  object_class->finalize = cusp_volume_view_finalize;
  object_class->get_property = cusp_volume_view_get_property;
  object_class->set_property = cusp_volume_view_set_property;
  widget_class->realize = cusp_volume_view_realize;
  widget_class->unrealize = cusp_volume_view_unrealize;
  widget_class->snapshot = cusp_volume_view_snapshot;
  area_class->render = cusp_volume_view_render;

  properties[PROP_LINK] =
    g_param_spec_object ("link", NULL, NULL, CUSP_TYPE_VIEW_LINK,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cusp_volume_view_init (CuspVolumeView *self)
{
  GtkGesture *gesture;
  GtkEventController *controller;
  const char *test_file = g_getenv ("CUSP_TEST_VIEW3D_FILE");

  gtk_gl_area_set_required_version (GTK_GL_AREA (self), 3, 3);
  gtk_gl_area_set_has_depth_buffer (GTK_GL_AREA (self), TRUE);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("3D view: lumen (translucent red) and calcium (yellow); with a valve, the wall "
                                 "coloured by contact pressure, open gaps and leak jets (magenta), coronary ostia.\n"
                                 "Pressure colours: square-root scale up to this answer's 90th percentile; above "
                                 "it, the top colour.\n"
                                 "Drag: orbit · Scroll: zoom · Middle-drag or Ctrl+drag: pan · Double-click: reset\n"
                                 "Valve handles: orange arrow = depth, white ring = rotation, orange knob = tilt "
                                 "(Escape cancels a drag)\n"
                                 "Axes: red = patient right, green = anterior, blue = superior"));
  if (test_file != NULL && *test_file != '\0')
    self->test_file = g_strdup (test_file);
  self->debug_times = g_getenv ("CUSP_DEBUG_RENDER_TIMES") != NULL;
  self->gl_copies = cusp_gl_snapshot_cache_new ();
  self->camera.radius_mm = 50.0;
  self->camera.yaw_deg = DEFAULT_YAW_DEG;
  self->camera.pitch_deg = DEFAULT_PITCH_DEG;
  self->camera.zoom = 1.0;
  self->hover = self->active = CUSP_HANDLE_3D_NONE;

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

CuspVolumeView *
cusp_volume_view_new (CuspViewLink *link)
{
  g_return_val_if_fail (link == NULL || CUSP_IS_VIEW_LINK (link), NULL);
  return g_object_new (CUSP_TYPE_VOLUME_VIEW, "link", link, NULL);
}

CuspViewLink *
cusp_volume_view_get_link (CuspVolumeView *self)
{
  g_return_val_if_fail (CUSP_IS_VOLUME_VIEW (self), NULL);
  return self->link;
}

/* An empty surface draws nothing: kept as none. */
static CuspMesh *
mesh_copy (const CuspMesh *mesh)
{
  if (mesh == NULL || mesh->triangle_count == 0)
    return NULL;
  return cusp_mesh_copy (mesh);
}

void
cusp_volume_view_reset_camera (CuspVolumeView *self)
{
  double lo[3] = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE }, hi[3] = { -G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  gboolean any = FALSE;

  g_return_if_fail (CUSP_IS_VOLUME_VIEW (self));

  /* Frame the bounding box of the lumen and calcium. */
  for (int m = SLOT_CALCIUM; m <= SLOT_LUMEN; m++)
    {
      const CuspMesh *mesh = self->meshes[m];

      for (guint v = 0; mesh != NULL && v < mesh->vertex_count; v++)
        for (int a = 0; a < 3; a++)
          {
            lo[a] = MIN (lo[a], mesh->positions_mm[3 * v + a]);
            hi[a] = MAX (hi[a], mesh->positions_mm[3 * v + a]);
            any = TRUE;
          }
    }
  if (any)
    {
      double d2 = 0.0;
      for (int a = 0; a < 3; a++)
        {
          self->camera.target_mm[a] = 0.5 * (lo[a] + hi[a]);
          d2 += (hi[a] - lo[a]) * (hi[a] - lo[a]);
        }
      self->camera.radius_mm = MAX (0.5 * sqrt (d2), 1.0);
    }
  self->camera.yaw_deg = DEFAULT_YAW_DEG;
  self->camera.pitch_deg = DEFAULT_PITCH_DEG;
  self->camera.zoom = 1.0;
  self->camera.pan_mm[0] = self->camera.pan_mm[1] = 0.0;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

void
cusp_volume_view_set_meshes (CuspVolumeView *self,
                             const CuspMesh *lumen,
                             const CuspMesh *calcium)
{
  g_return_if_fail (CUSP_IS_VOLUME_VIEW (self));

  g_clear_pointer (&self->meshes[SLOT_LUMEN], cusp_mesh_free);
  g_clear_pointer (&self->meshes[SLOT_CALCIUM], cusp_mesh_free);
  self->meshes[SLOT_LUMEN] = mesh_copy (lumen);
  self->meshes[SLOT_CALCIUM] = mesh_copy (calcium);
  self->meshes_dirty = TRUE;
  cusp_volume_view_reset_camera (self);
}

void
cusp_volume_view_get_valve_color (float rgb[3])
{
  memcpy (rgb, valve_rgba, 3 * sizeof (float));
}

void
cusp_volume_view_get_lumen_color (float rgb[3])
{
  memcpy (rgb, lumen_rgba, 3 * sizeof (float));
}

void
cusp_volume_view_set_carm_view (CuspVolumeView *self, const CuspCarmAngles *angles)
{
  g_return_if_fail (CUSP_IS_VOLUME_VIEW (self));
  g_return_if_fail (angles != NULL);

  if (!isfinite (angles->lao_deg) || !isfinite (angles->cra_deg))
    return;
  cusp_view_camera_set_carm (&self->camera, angles);
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

gboolean
cusp_volume_view_look_along_annulus (CuspVolumeView *self)
{
  CuspSceneFrame frame;

  g_return_val_if_fail (CUSP_IS_VOLUME_VIEW (self), FALSE);

  if (self->scene == NULL || !cusp_valve_scene_get_root (self->scene, &frame))
    return FALSE;
  /* the eye on the aorta's side of the annulus, looking toward the ventricle, centred on it */
  cusp_view_camera_look_from (&self->camera, frame.axis_z);
  memcpy (self->camera.target_mm, frame.origin_mm, sizeof self->camera.target_mm);
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
  return TRUE;
}

/* ---- test hook ---- */

static void
write_point (GString *text, const char *name, CuspVolumeView *self, const double lps[3])
{
  double x = 0, y = 0;
  char bx[G_ASCII_DTOSTR_BUF_SIZE], by[G_ASCII_DTOSTR_BUF_SIZE];

  if (!cusp_view_camera_project (&self->camera, view_width (self), view_height (self), lps, &x, &y))
    return;
  g_string_append_printf (text, ",\n  \"%s\": [%s, %s]", name,
                          g_ascii_formatd (bx, sizeof bx, "%.1f", x),
                          g_ascii_formatd (by, sizeof by, "%.1f", y));
}

static void
write_test_file (CuspVolumeView *self)
{
  g_autoptr(GString) text = g_string_new ("{");
  char b1[G_ASCII_DTOSTR_BUF_SIZE], b2[G_ASCII_DTOSTR_BUF_SIZE];
  CuspValveOverlay *overlay = self->scene != NULL ? cusp_valve_scene_get_overlay (self->scene) : NULL;
  g_autoptr(GError) error = NULL;

  g_string_append_printf (text, "\n  \"width\": %d, \"height\": %d", (int) view_width (self),
                          (int) view_height (self));
  {
    /* where the view is on the window's surface as it draws, client-side decoration margin
     * included (the window's own report gives widget coordinates, 5 px off a screenshot here, and
     * may predate a layout change): a test cuts its screenshot up with these */
    graphene_rect_t bounds;
    GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
    double surface_x = 0.0, surface_y = 0.0;
    if (root != NULL && gtk_widget_compute_bounds (GTK_WIDGET (self), GTK_WIDGET (root), &bounds))
      {
        gtk_native_get_surface_transform (GTK_NATIVE (root), &surface_x, &surface_y);
        g_string_append_printf (text, ",\n  \"window_x\": %d, \"window_y\": %d",
                                (int) (bounds.origin.x + surface_x), (int) (bounds.origin.y + surface_y));
      }
  }
  g_string_append_printf (text, ",\n  \"yaw_deg\": %s, \"pitch_deg\": %s",
                          g_ascii_formatd (b1, sizeof b1, "%.3f", self->camera.yaw_deg),
                          g_ascii_formatd (b2, sizeof b2, "%.3f", self->camera.pitch_deg));
  g_string_append_printf (text, ",\n  \"overlay\": %s", overlay != NULL ? "true" : "false");
  g_string_append_printf (text, ",\n  \"jets\": %d", overlay != NULL ? overlay->jet_count : 0);
  g_string_append_printf (text, ",\n  \"volume_rendering\": %s",
                          self->volume_rendering && self->raycast != NULL ? "true" : "false");
  if (overlay != NULL && overlay->pressure_pa != NULL)
    {
      graphene_rect_t box;
      legend_box (self, &box);
      g_string_append_printf (text, ",\n  \"legend\": [%d, %d, %d, %d]", (int) box.origin.x,
                              (int) box.origin.y, (int) box.size.width, (int) box.size.height);
    }
  if (self->has_handles)
    {
      double mid[3];
      for (int i = 0; i < 3; i++)
        mid[i] = 0.5 * (self->handles.arrow_from_lps[i] + self->handles.arrow_to_lps[i]);
      write_point (text, "handle.depth", self, mid);
      write_point (text, "handle.tilt", self, self->handles.knob_lps);
      write_point (text, "valve.outflow", self, self->handles.outflow_lps);
    }
  g_string_append (text, "\n}\n");
  if (g_strcmp0 (text->str, self->test_text) == 0)
    return;
  g_free (self->test_text);
  self->test_text = g_strdup (text->str);
  if (!g_file_set_contents (self->test_file, text->str, -1, &error))
    g_warning ("Cannot write %s: %s", self->test_file, error->message);
}

void
cusp_volume_view_set_volume_rendering (CuspVolumeView   *self,
                                       gboolean          enabled,
                                       CuspRaycastPreset preset)
{
  g_return_if_fail (CUSP_IS_VOLUME_VIEW (self));
  g_return_if_fail (preset < CUSP_RAYCAST_PRESET_COUNT);

  self->volume_rendering = enabled;
  self->preset = preset;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

gboolean
cusp_volume_view_get_volume_rendering (CuspVolumeView    *self,
                                       CuspRaycastPreset *preset)
{
  g_return_val_if_fail (CUSP_IS_VOLUME_VIEW (self), FALSE);

  if (preset != NULL)
    *preset = self->preset;
  return self->volume_rendering;
}
