/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-gl-snapshot.c: a GtkGLArea's picture through cusp_gl_snapshot_children under GTK's cairo
 * renderer (Xvfb in the suite): no GL texture is left in the node, the picture keeps its
 * orientation (green above blue), and a new GL render is shown, not the old copy. */
#include "cusp-gl-snapshot.h"

#include <epoxy/gl.h>

#define VIEW_SIZE 64

static gboolean have_display;

/* A widget holding the GL area, snapshotting it as the slice views do; it keeps the last node. */
#define TEST_TYPE_HOST (test_host_get_type ())
G_DECLARE_FINAL_TYPE (TestHost, test_host, TEST, HOST, GtkWidget)

struct _TestHost {
  GtkWidget parent_instance;
  CuspGlSnapshotCache *cache;
  GskRenderNode *last;
  int snapshots;
};

G_DEFINE_FINAL_TYPE (TestHost, test_host, GTK_TYPE_WIDGET)

static void
test_host_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  TestHost *self = TEST_HOST (widget);
  GtkSnapshot *inner = gtk_snapshot_new ();

  cusp_gl_snapshot_children (widget, inner, self->cache);
  g_clear_pointer (&self->last, gsk_render_node_unref);
  self->last = gtk_snapshot_free_to_node (inner);
  if (self->last != NULL)
    gtk_snapshot_append_node (snapshot, self->last);
  self->snapshots++;
}

static void
test_host_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (test_host_parent_class)->dispose (object);
}

static void
test_host_finalize (GObject *object)
{
  TestHost *self = TEST_HOST (object);

  g_clear_pointer (&self->last, gsk_render_node_unref);
  cusp_gl_snapshot_cache_free (self->cache);
  G_OBJECT_CLASS (test_host_parent_class)->finalize (object);
}

static void
test_host_class_init (TestHostClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = test_host_dispose;
  G_OBJECT_CLASS (klass)->finalize = test_host_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = test_host_snapshot;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static void
test_host_init (TestHost *self)
{
  self->cache = cusp_gl_snapshot_cache_new ();
}

/* The GL picture: the top half one colour, the bottom half another. */
typedef struct {
  float top[3], bottom[3];
  int renders;
} Picture;

static gboolean
on_render (GtkGLArea *area, GdkGLContext *context, Picture *picture)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (area));
  int width = gtk_widget_get_width (GTK_WIDGET (area)) * scale;
  int height = gtk_widget_get_height (GTK_WIDGET (area)) * scale;

  glDisable (GL_SCISSOR_TEST);
  glClearColor (picture->bottom[0], picture->bottom[1], picture->bottom[2], 1.0f);
  glClear (GL_COLOR_BUFFER_BIT);
  glEnable (GL_SCISSOR_TEST);
  glScissor (0, height / 2, width, height - height / 2);   /* GL's y grows upward */
  glClearColor (picture->top[0], picture->top[1], picture->top[2], 1.0f);
  glClear (GL_COLOR_BUFFER_BIT);
  glDisable (GL_SCISSOR_TEST);
  picture->renders++;
  return TRUE;
}

/* Texture nodes holding a GL texture, and cairo nodes, anywhere in the node. */
static void
count_nodes (GskRenderNode *node, int *gl_textures, int *cairo_nodes)
{
  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_TEXTURE_NODE:
      *gl_textures += GDK_IS_GL_TEXTURE (gsk_texture_node_get_texture (node));
      break;
    case GSK_CAIRO_NODE:
      (*cairo_nodes)++;
      break;
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        count_nodes (gsk_container_node_get_child (node, i), gl_textures, cairo_nodes);
      break;
    case GSK_TRANSFORM_NODE:
      count_nodes (gsk_transform_node_get_child (node), gl_textures, cairo_nodes);
      break;
    case GSK_CLIP_NODE:
      count_nodes (gsk_clip_node_get_child (node), gl_textures, cairo_nodes);
      break;
    case GSK_DEBUG_NODE:
      count_nodes (gsk_debug_node_get_child (node), gl_textures, cairo_nodes);
      break;
    default:
      break;
    }
}

/* The node as the window's renderer draws it, one pixel (x, y from the top left) as 0-255 RGB. */
static void
pixel_at (GtkWidget *window, GskRenderNode *node, int x, int y, int rgb[3])
{
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  graphene_rect_t viewport = GRAPHENE_RECT_INIT (0, 0, VIEW_SIZE, VIEW_SIZE);
  g_autoptr(GdkTexture) texture = gsk_renderer_render_texture (renderer, node, &viewport);
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  g_autofree guint32 *argb = g_new (guint32, (gsize) width * height);

  g_assert_cmpint (x, <, width);
  g_assert_cmpint (y, <, height);
  gdk_texture_download (texture, (guchar *) argb, 4 * (gsize) width);
  rgb[0] = (argb[y * width + x] >> 16) & 0xff;
  rgb[1] = (argb[y * width + x] >> 8) & 0xff;
  rgb[2] = argb[y * width + x] & 0xff;
}

static void
assert_rgb (const int rgb[3], int r, int g, int b)
{
  g_assert_cmpint (ABS (rgb[0] - r), <=, 2);
  g_assert_cmpint (ABS (rgb[1] - g), <=, 2);
  g_assert_cmpint (ABS (rgb[2] - b), <=, 2);
}

static void
wait_for_snapshots (TestHost *host, int count)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  while (host->snapshots < count && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (host->snapshots, >=, count);
}

static void
test_cairo_copies (void)
{
  GtkWidget *window = gtk_window_new ();
  TestHost *host = g_object_new (TEST_TYPE_HOST, NULL);
  GtkWidget *area = gtk_gl_area_new ();
  Picture picture = { { 0.0f, 1.0f, 0.0f }, { 0.0f, 0.0f, 1.0f }, 0 };
  int gl_textures = 0, cairo_nodes = 0, rgb[3], snapshots;

  if (!have_display)
    {
      g_test_skip ("no display: run under xvfb-run");
      g_object_ref_sink (host);
      g_object_unref (host);
      g_object_ref_sink (area);
      g_object_unref (area);
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }
  gtk_widget_set_size_request (area, VIEW_SIZE, VIEW_SIZE);
  g_signal_connect (area, "render", G_CALLBACK (on_render), &picture);
  gtk_widget_set_parent (area, GTK_WIDGET (host));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (host));
  gtk_window_set_default_size (GTK_WINDOW (window), VIEW_SIZE, VIEW_SIZE);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_snapshots (host, 1);
  while (picture.renders == 0 || host->last == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      if (gtk_gl_area_get_error (GTK_GL_AREA (area)) != NULL)
        {
          g_test_skip (gtk_gl_area_get_error (GTK_GL_AREA (area))->message);
          gtk_window_destroy (GTK_WINDOW (window));
          return;
        }
    }
  g_assert_true (cusp_gl_snapshot_uses_cairo (GTK_WIDGET (host)));

  /* the GL texture is gone from the node, a cairo node draws its copy, the right way up */
  count_nodes (host->last, &gl_textures, &cairo_nodes);
  g_assert_cmpint (gl_textures, ==, 0);
  g_assert_cmpint (cairo_nodes, ==, 1);
  pixel_at (window, host->last, VIEW_SIZE / 2, VIEW_SIZE / 4, rgb);
  assert_rgb (rgb, 0, 255, 0);
  pixel_at (window, host->last, VIEW_SIZE / 2, 3 * VIEW_SIZE / 4, rgb);
  assert_rgb (rgb, 0, 0, 255);

  /* the host redrawn alone: GL does not render again, the copy is still what is shown */
  snapshots = host->snapshots;
  gtk_widget_queue_draw (GTK_WIDGET (host));
  wait_for_snapshots (host, snapshots + 1);
  g_assert_cmpint (picture.renders, ==, 1);
  pixel_at (window, host->last, VIEW_SIZE / 2, VIEW_SIZE / 4, rgb);
  assert_rgb (rgb, 0, 255, 0);

  /* a new GL picture replaces the copy */
  picture.top[0] = 1.0f;
  picture.top[1] = 0.0f;
  gtk_gl_area_queue_render (GTK_GL_AREA (area));
  snapshots = host->snapshots;
  wait_for_snapshots (host, snapshots + 1);
  g_assert_cmpint (picture.renders, ==, 2);
  pixel_at (window, host->last, VIEW_SIZE / 2, VIEW_SIZE / 4, rgb);
  assert_rgb (rgb, 255, 0, 0);
  pixel_at (window, host->last, VIEW_SIZE / 2, 3 * VIEW_SIZE / 4, rgb);
  assert_rgb (rgb, 0, 0, 255);

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int argc, char **argv)
{
  /* what the app picks on llvmpipe (cusp-application.c), here whatever the GL driver */
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();
  g_test_add_func ("/render/gl-snapshot/cairo-copies", test_cairo_copies);
  return g_test_run ();
}
