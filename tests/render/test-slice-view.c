/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-slice-view.c: the slice view widgets on a real display (Xvfb in the suite): they draw the
 * study through one shared texture, put the anatomy on the right side, follow the link, and grey
 * their orientation letters when the file has no orientation. */
#include "cusp-slice-view.h"
#include "cusp-volume-texture.h"
#include "cusp-volume-view.h"

#include <math.h>
#include <string.h>

#define VIEW_SIZE 300

typedef struct {
  GtkWidget *window;
  CuspViewLink *link;
  CuspSliceView *views[3];
  GtkWidget *volume_view;
  CuspVolume *volume;
} Fixture;

/* 64 x 56 x 48 voxels of 1 mm, identity direction, a 1000-valued ball 20 mm toward the patient's
 * left of the centre (LPS origin). */
static CuspVolume *
ball_volume (void)
{
  const int dims[3] = { 64, 56, 48 };
  g_autoptr(GError) error = NULL;
  CuspVolume *volume = cusp_volume_new (CUSP_VOXEL_INT16, dims, &error);

  g_assert_no_error (error);
  for (int a = 0; a < 3; a++)
    volume->origin_mm[a] = -0.5 * (dims[a] - 1);
  for (int k = 0; k < dims[2]; k++)
    for (int j = 0; j < dims[1]; j++)
      for (int i = 0; i < dims[0]; i++)
        {
          double x = volume->origin_mm[0] + i - 20.0, y = volume->origin_mm[1] + j,
                 z = volume->origin_mm[2] + k;
          if (x * x + y * y + z * z <= 16.0)
            ((int16_t *) volume->voxels)[((gsize) k * dims[1] + j) * dims[0] + i] = 1000;
        }
  volume->hounsfield = TRUE;
  return volume;
}

static void
count_frame (GdkFrameClock *clock, int *frames)
{
  (*frames)++;
}

/* Lets the window map and paint a few frames (the GL areas render during paint). */
static void
wait_for_frames (GtkWidget *window, int count)
{
  GdkFrameClock *clock;
  int frames = 0;
  gulong handler;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (window) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (window);
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (count_frame), &frames);
  while (frames < count && g_get_monotonic_time () < deadline)
    {
      gtk_widget_queue_draw (window);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, handler);
  g_assert_cmpint (frames, >=, count);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  GtkWidget *grid = gtk_grid_new ();

  f->link = cusp_view_link_new ();
  f->volume = ball_volume ();
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 2 * VIEW_SIZE, 2 * VIEW_SIZE);
  gtk_grid_set_row_homogeneous (GTK_GRID (grid), TRUE);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  for (int o = 0; o < 3; o++)
    {
      f->views[o] = cusp_slice_view_new (f->link, o);
      gtk_widget_set_size_request (GTK_WIDGET (f->views[o]), VIEW_SIZE, VIEW_SIZE);
      gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (f->views[o]), o % 2, o / 2, 1, 1);
    }
  f->volume_view = GTK_WIDGET (cusp_volume_view_new (f->link));
  gtk_grid_attach (GTK_GRID (grid), f->volume_view, 1, 1, 1, 1);
  gtk_window_set_child (GTK_WINDOW (f->window), grid);
  cusp_view_link_set_volume (f->link, f->volume);
  cusp_view_link_set_window (f->link, 500.0, 1000.0);
  gtk_window_present (GTK_WINDOW (f->window));
  wait_for_frames (f->window, 3);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->link);
  g_clear_pointer (&f->volume, cusp_volume_unref);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The widget's pixels as GTK renders them (RGBA, top row first). */
static guint8 *
grab_widget (GtkWidget *widget, const char *png_name, int *width, int *height)
{
  g_autofree char *png_path = g_test_build_filename (G_TEST_BUILT, png_name, NULL);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  guint8 *pixels;

  *width = gtk_widget_get_width (widget);
  *height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), *width, *height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, *width, *height));
  /* Kept for a human to look at: the views as the user sees them, overlays included. */
  if (!gdk_texture_save_to_png (texture, png_path))
    g_test_message ("could not save %s", png_path);
  *width = gdk_texture_get_width (texture);
  *height = gdk_texture_get_height (texture);
  pixels = g_malloc ((gsize) *width * *height * 4);
  gdk_texture_download (texture, pixels, (gsize) *width * 4);   /* Cairo ARGB32: B G R A */
  return pixels;
}

static void
test_draws_shared_study (Fixture *f, gconstpointer data)
{
  CuspVolumeTexture *shared = cusp_volume_texture_peek_shared (G_OBJECT (f->link));

  /* One upload for the three slice views. */
  g_assert_nonnull (shared);
  g_assert_true (shared->volume == f->volume);
  g_assert_cmpint (shared->ref_count, ==, 3);

  for (int o = 0; o < 3; o++)
    {
      g_autofree guint8 *pixels = NULL;
      g_autofree char *png_name = g_strdup_printf ("slice-view-%s.png",
                                                   cusp_slice_orientation_to_string (o));
      int width, height, left = 0, right = 0, above = 0, below = 0;

      g_assert_null (cusp_slice_view_get_error (f->views[o]));
      pixels = grab_widget (GTK_WIDGET (f->views[o]), png_name, &width, &height);
      /* Bright grey pixels away from the edges (the letters and read-outs live there). */
      for (int row = 40; row < height - 40; row++)
        for (int col = 40; col < width - 40; col++)
          {
            const guint8 *p = pixels + ((gsize) row * width + col) * 4;
            if (p[0] > 127 && p[0] == p[1] && p[1] == p[2])
              {
                left += col < width / 2 - 10;
                right += col > width / 2 + 10;
                above += row < height / 2 - 10;
                below += row > height / 2 + 10;
              }
          }
      g_test_message ("%s view: bright pixels left %d right %d above %d below %d",
                      cusp_slice_orientation_to_string (o), left, right, above, below);
      if (o == CUSP_SLICE_SAGITTAL)
        {
          /* The sagittal plane through the centre misses a ball 20 mm to the left. */
          g_assert_cmpint (left + right, ==, 0);
          continue;
        }
      /* Axial and coronal: patient left is screen right. */
      g_assert_cmpint (right, >, 100);
      g_assert_cmpint (left, ==, 0);
      g_assert_cmpint (abs (above - below), <, right / 4 + 10);
    }
}

/* The 3D view: slate background, and the R/A/S axes in red, green and blue at bottom left. */
static void
test_volume_view (Fixture *f, gconstpointer data)
{
  g_autofree guint8 *pixels = NULL;
  int width, height, red = 0, green = 0, blue = 0;
  const guint8 *centre;

  pixels = grab_widget (f->volume_view, "volume-view.png", &width, &height);
  centre = pixels + ((gsize) (height / 2) * width + width / 2) * 4;   /* B G R A */
  g_assert_cmpint (abs (centre[2] - 28), <=, 2);
  g_assert_cmpint (abs (centre[1] - 31), <=, 2);
  g_assert_cmpint (abs (centre[0] - 36), <=, 2);
  for (int row = height - 96; row < height; row++)
    for (int col = 0; col < 96; col++)
      {
        const guint8 *p = pixels + ((gsize) row * width + col) * 4;
        red += p[2] > 180 && p[1] < 120 && p[0] < 120;
        green += p[1] > 150 && p[2] < 140 && p[0] < 140;
        blue += p[0] > 180 && p[2] < 140 && p[1] < 180;
      }
  g_test_message ("gizmo pixels: red %d, green %d, blue %d", red, green, blue);
  g_assert_cmpint (red, >, 4);
  g_assert_cmpint (green, >, 4);
  g_assert_cmpint (blue, >, 4);
}

static void
test_follows_link (Fixture *f, gconstpointer data)
{
  double before[3], after[3];

  cusp_view_link_get_cursor (f->link, before);
  cusp_slice_view_move_slices (f->views[CUSP_SLICE_AXIAL], 3);       /* 3 mm toward S */
  cusp_slice_view_move_slices (f->views[CUSP_SLICE_CORONAL], 2);     /* 2 mm toward A */
  cusp_slice_view_move_slices (f->views[CUSP_SLICE_SAGITTAL], -1);   /* 1 mm toward R */
  cusp_view_link_get_cursor (f->link, after);
  g_assert_cmpfloat_with_epsilon (after[0] - before[0], -1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (after[1] - before[1], -2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (after[2] - before[2], 3.0, 1e-9);

  cusp_slice_view_set_zoom (f->views[0], 1000.0);
  g_assert_cmpfloat (cusp_slice_view_get_zoom (f->views[0]), ==, 64.0);
  cusp_slice_view_reset (f->views[0]);
  g_assert_cmpfloat (cusp_slice_view_get_zoom (f->views[0]), ==, 1.0);
}

static void
collect_labels (GtkWidget *widget, GPtrArray *labels)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (labels, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_labels (child, labels);
}

static GtkWidget *
find_label (GtkWidget *view, const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_labels (view, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_str_equal (gtk_label_get_text (labels->pdata[i]), text))
      return labels->pdata[i];
  return NULL;
}

static void
test_unknown_orientation (Fixture *f, gconstpointer data)
{
  g_autoptr(CuspVolume) unknown = ball_volume ();
  GtkWidget *sagittal = GTK_WIDGET (f->views[CUSP_SLICE_SAGITTAL]);

  g_assert_nonnull (find_label (sagittal, "A"));
  g_assert_null (gtk_widget_get_tooltip_text (find_label (sagittal, "A")));

  unknown->orientation_known = FALSE;
  cusp_view_link_set_volume (f->link, unknown);
  g_assert_null (find_label (sagittal, "A"));
  g_assert_nonnull (find_label (sagittal, "A?"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (find_label (sagittal, "A?")), "unknown"));
  g_assert_nonnull (find_label (sagittal, "S?"));
  /* The views let go of the old study at once, before drawing the new one. */
  g_assert_null (cusp_volume_texture_peek_shared (G_OBJECT (f->link)));
  wait_for_frames (f->window, 2);
  g_assert_true (cusp_volume_texture_peek_shared (G_OBJECT (f->link))->volume == unknown);
  g_assert_cmpint (cusp_volume_texture_peek_shared (G_OBJECT (f->link))->ref_count, ==, 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_message ("no display: the slice view tests need one (the suite runs them under Xvfb)");
      return 77;
    }
  g_test_add ("/render/slice-view/draws-shared-study", Fixture, NULL, fixture_set_up,
              test_draws_shared_study, fixture_tear_down);
  g_test_add ("/render/slice-view/volume-view", Fixture, NULL, fixture_set_up,
              test_volume_view, fixture_tear_down);
  g_test_add ("/render/slice-view/follows-link", Fixture, NULL, fixture_set_up,
              test_follows_link, fixture_tear_down);
  g_test_add ("/render/slice-view/unknown-orientation", Fixture, NULL, fixture_set_up,
              test_unknown_orientation, fixture_tear_down);
  return g_test_run ();
}
