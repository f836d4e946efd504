/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-raycast-glarea.c: the ray caster inside a real GtkGLArea with a depth buffer (Xvfb in the
 * suite), as the 3D view will use it: GTK's own framebuffer and depth format, an orthographic
 * camera, a surface in front of the volume on one half of the view and behind it on the other. */
#include "cusp-raycast-renderer.h"

#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#define VIEW_SIZE 160
#define HALF_WIDTH_MM 40.0    /* the view shows 80 x 80 mm */
#define HALF_DEPTH_MM 100.0

static const double ball_mm[3] = { 15.0, 0.0, 10.0 };   /* toward Left and Superior */
#define BALL_RADIUS_MM 6.0

typedef struct {
  CuspVolume *volume;
  CuspRaycastRenderer *renderer;
  CuspVolumeTexture *texture;
  guint8 *rgba;              /* bottom row first, as GL reads */
  int width, height;
  char *error;
} Scene;

/* 64 x 56 x 48 voxels of 1 mm centred on the LPS origin: air and a 1200 HU ball. */
static CuspVolume *
ball_volume (void)
{
  const int dims[3] = { 64, 56, 48 };
  g_autoptr(GError) error = NULL;
  CuspVolume *volume = cusp_volume_new (CUSP_VOXEL_INT16, dims, &error);

  g_assert_no_error (error);
  volume->hounsfield = TRUE;
  volume->modality = CUSP_MODALITY_CT;
  for (int a = 0; a < 3; a++)
    volume->origin_mm[a] = -0.5 * (dims[a] - 1);
  for (int k = 0; k < dims[2]; k++)
    for (int j = 0; j < dims[1]; j++)
      for (int i = 0; i < dims[0]; i++)
        {
          double d[3] = { volume->origin_mm[0] + i - ball_mm[0], volume->origin_mm[1] + j - ball_mm[1],
                          volume->origin_mm[2] + k - ball_mm[2] };
          gboolean inside = d[0] * d[0] + d[1] * d[1] + d[2] * d[2] <= BALL_RADIUS_MM * BALL_RADIUS_MM;

          ((int16_t *) volume->voxels)[((gsize) k * dims[1] + j) * dims[0] + i] = inside ? 1200 : -1000;
        }
  return volume;
}

/* Column-major orthographic view from the front: screen right = patient Left (+x), screen up =
 * Superior (+z), depth grows toward Posterior (+y). */
static void
anterior_ortho (float view_projection[16])
{
  memset (view_projection, 0, 16 * sizeof (float));
  view_projection[0] = (float) (1.0 / HALF_WIDTH_MM);    /* x -> clip x */
  view_projection[9] = (float) (1.0 / HALF_WIDTH_MM);    /* z -> clip y */
  view_projection[6] = (float) (1.0 / HALF_DEPTH_MM);    /* y -> clip z */
  view_projection[15] = 1.0f;
}

static double
window_depth_at_y (double y_mm)
{
  return 0.5 * (y_mm / HALF_DEPTH_MM + 1.0);
}

static gboolean
on_render (GtkGLArea *area, GdkGLContext *context, Scene *scene)
{
  g_autoptr(GError) error = NULL;
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (area));
  int viewport[4] = { 0, 0, gtk_widget_get_width (GTK_WIDGET (area)) * scale,
                      gtk_widget_get_height (GTK_WIDGET (area)) * scale };
  float view_projection[16];
  int split;

  if (scene->rgba != NULL || scene->error != NULL)
    return TRUE;
  if (gtk_gl_area_get_error (area) != NULL)
    {
      scene->error = g_strdup (gtk_gl_area_get_error (area)->message);
      return TRUE;
    }
  scene->renderer = cusp_raycast_renderer_new (&error);
  if (scene->renderer != NULL)
    scene->texture = cusp_volume_texture_new (scene->volume, &error);
  if (error != NULL)
    {
      scene->error = g_strdup (error->message);
      return TRUE;
    }

  /* Left of the ball's centre a blue surface 8 mm in front of the ball's centre (so in front of
   * its near side), right of it one 8 mm behind (behind its far side). */
  split = (int) floor ((ball_mm[0] / HALF_WIDTH_MM + 1.0) * 0.5 * viewport[2]);
  glViewport (viewport[0], viewport[1], viewport[2], viewport[3]);
  glClearColor (0.0f, 0.0f, 1.0f, 1.0f);
  glEnable (GL_SCISSOR_TEST);
  glScissor (0, 0, split, viewport[3]);
  glClearDepth (window_depth_at_y (ball_mm[1] - BALL_RADIUS_MM - 2.0));
  glClear (GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
  glScissor (split, 0, viewport[2] - split, viewport[3]);
  glClearDepth (window_depth_at_y (ball_mm[1] + BALL_RADIUS_MM + 2.0));
  glClear (GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
  glDisable (GL_SCISSOR_TEST);
  glClearDepth (1.0);

  anterior_ortho (view_projection);
  cusp_raycast_renderer_draw (scene->renderer, scene->texture, view_projection, viewport,
                              CUSP_RAYCAST_PRESET_CT_BONE);
  g_assert_cmpint (glGetError (), ==, GL_NO_ERROR);

  scene->width = viewport[2];
  scene->height = viewport[3];
  scene->rgba = g_malloc ((gsize) scene->width * scene->height * 4);
  glPixelStorei (GL_PACK_ALIGNMENT, 1);
  glReadPixels (0, 0, scene->width, scene->height, GL_RGBA, GL_UNSIGNED_BYTE, scene->rgba);
  return TRUE;
}

static void
on_unrealize (GtkGLArea *area, Scene *scene)
{
  gtk_gl_area_make_current (area);
  g_clear_pointer (&scene->texture, cusp_volume_texture_unref);
  g_clear_pointer (&scene->renderer, cusp_raycast_renderer_free);
}

static void
test_in_gl_area (void)
{
  Scene scene = { 0 };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *area = gtk_gl_area_new ();
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  int front_kept = 0, front_total = 0, behind_ball = 0;
  double centre_x, centre_y;

  scene.volume = ball_volume ();
  gtk_gl_area_set_required_version (GTK_GL_AREA (area), 3, 3);
  gtk_gl_area_set_has_depth_buffer (GTK_GL_AREA (area), TRUE);
  gtk_widget_set_size_request (area, VIEW_SIZE, VIEW_SIZE);
  g_signal_connect (area, "render", G_CALLBACK (on_render), &scene);
  g_signal_connect (area, "unrealize", G_CALLBACK (on_unrealize), &scene);
  gtk_window_set_child (GTK_WINDOW (window), area);
  gtk_window_present (GTK_WINDOW (window));
  while (scene.rgba == NULL && scene.error == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;

  if (scene.error != NULL)
    {
      g_autofree char *why = g_strdup_printf ("no usable GL in GtkGLArea here: %s", scene.error);

      g_test_skip (why);
      g_free (scene.error);
      cusp_volume_unref (scene.volume);
      return;
    }
  g_assert_nonnull (scene.rgba);

  /* The ball's centre in GL pixel coordinates (bottom-left origin). */
  centre_x = (ball_mm[0] / HALF_WIDTH_MM + 1.0) * 0.5 * scene.width;
  centre_y = (ball_mm[2] / HALF_WIDTH_MM + 1.0) * 0.5 * scene.height;
  for (int row = 0; row < scene.height; row++)
    for (int col = 0; col < scene.width; col++)
      {
        const guint8 *p = scene.rgba + ((gsize) row * scene.width + col) * 4;
        double r = hypot (col + 0.5 - centre_x, row + 0.5 - centre_y);

        if (r > 0.8 * BALL_RADIUS_MM / (2.0 * HALF_WIDTH_MM) * scene.width)
          continue;     /* well inside the ball's outline only */
        if (col + 1.0 < centre_x)
          {
            front_total++;
            front_kept += p[0] == 0 && p[1] == 0 && p[2] == 255;
          }
        else if (col > centre_x + 1.0)
          behind_ball += p[0] > 100;   /* bone colour over the blue surface */
      }
  g_test_message ("GtkGLArea %d x %d: surface kept on %d of %d px in front, ball over %d px behind",
                  scene.width, scene.height, front_kept, front_total, behind_ball);
  g_assert_cmpint (front_total, >, 20);
  g_assert_cmpint (front_kept, ==, front_total);
  g_assert_cmpint (behind_ball, >, 20);

  g_free (scene.rgba);
  cusp_volume_unref (scene.volume);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_message ("no display: the GtkGLArea test needs one (the suite runs it under Xvfb)");
      return 77;
    }
  g_test_add_func ("/render/raycast/in-gl-area", test_in_gl_area);
  return g_test_run ();
}
