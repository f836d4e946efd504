/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-slice-view-input.c: real pointer and key input on the slice views, injected through the
 * X server's XTEST extension (Xvfb in the suite): click moves the crosshair, the wheel changes
 * slice, right-drag sets window/level, middle-drag pans, Ctrl+wheel zooms, double click resets,
 * Page Up changes slice. Skipped with the reason when there is no X11 display or no XTEST. */
#include "cusp-slice-view.h"

#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>
#include <gdk/x11/gdkx.h>
#include <math.h>
#include <string.h>

#define VIEW_SIZE 320

static GtkWidget *window;
static CuspViewLink *view_link;
static CuspSliceView *views[3];
static Display *xdisplay;

/* 64 x 56 x 48 voxels of 1 mm (1.5 mm slices), a value ramp so W/L has something to show. */
static CuspVolume *
ramp_volume (void)
{
  const int dims[3] = { 64, 56, 48 };
  g_autoptr(GError) error = NULL;
  CuspVolume *volume = cusp_volume_new (CUSP_VOXEL_INT16, dims, &error);

  g_assert_no_error (error);
  volume->spacing_mm[2] = 1.5;
  for (gsize n = 0; n < cusp_volume_voxel_count (volume); n++)
    ((int16_t *) volume->voxels)[n] = (int16_t) (n % 64) * 10;
  volume->hounsfield = TRUE;
  return volume;
}

static void
spin (int milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < until)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

/* Waits until the X server has handled what was sent and GTK has dispatched the resulting
 * events; XSync makes the first half exact, the short spin lets GDK read and deliver. */
static void
settle (void)
{
  XSync (xdisplay, False);
  spin (40);
}

/* Widget point -> root window point. */
static void
to_root (GtkWidget *widget, double x, double y, int *root_x, int *root_y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  int scale = gtk_widget_get_scale_factor (widget);   /* X counts device pixels (GDK_SCALE) */
  double wx, wy, sx, sy;
  Window child;

  g_assert_true (gtk_widget_translate_coordinates (widget, GTK_WIDGET (native), x, y, &wx, &wy));
  gtk_native_get_surface_transform (native, &sx, &sy);
  XTranslateCoordinates (xdisplay, gdk_x11_surface_get_xid (gtk_native_get_surface (native)),
                         DefaultRootWindow (xdisplay), (int) lround ((wx + sx) * scale),
                         (int) lround ((wy + sy) * scale), root_x, root_y, &child);
}

static void
move_to (GtkWidget *widget, double x, double y)
{
  int rx, ry;

  to_root (widget, x, y, &rx, &ry);
  XTestFakeMotionEvent (xdisplay, -1, rx, ry, CurrentTime);
  settle ();
}

static void
button (unsigned int number, gboolean press)
{
  XTestFakeButtonEvent (xdisplay, number, press, CurrentTime);
  settle ();
}

static void
click (GtkWidget *widget, unsigned int number, double x, double y)
{
  move_to (widget, x, y);
  button (number, TRUE);
  button (number, FALSE);
}

static void
drag (GtkWidget *widget, unsigned int number, double x, double y, double dx, double dy)
{
  move_to (widget, x, y);
  button (number, TRUE);
  for (int step = 1; step <= 5; step++)
    move_to (widget, x + dx * step / 5, y + dy * step / 5);
  button (number, FALSE);
}

static void
key (KeySym keysym, gboolean press)
{
  XTestFakeKeyEvent (xdisplay, XKeysymToKeycode (xdisplay, keysym), press, CurrentTime);
  settle ();
}

/* The text of the first label under `widget` that contains `part`, or NULL. */
static const char *
find_label_text (GtkWidget *widget, const char *part)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), part) != NULL)
    return gtk_label_get_text (GTK_LABEL (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      const char *found = find_label_text (child, part);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_hover_read_out (void)
{
  GtkWidget *coronal = GTK_WIDGET (views[CUSP_SLICE_CORONAL]);
  CuspSliceFrame frame;
  double lps[3], ijk[3];
  g_autofree char *expected = NULL;
  const char *shown;

  move_to (coronal, 0.25 * VIEW_SIZE, 0.5 * VIEW_SIZE);
  cusp_slice_view_get_frame (views[CUSP_SLICE_CORONAL], &frame);
  cusp_slice_frame_screen_to_lps (&frame, 0.25 * VIEW_SIZE, 0.5 * VIEW_SIZE, lps);
  cusp_volume_lps_to_index (cusp_view_link_get_volume (view_link), lps, ijk);
  /* The ramp: 10 HU per voxel along i. */
  expected = g_strdup_printf ("%d HU", 10 * (int) floor (ijk[0] + 0.5));
  shown = find_label_text (coronal, " HU");
  g_test_message ("under the pointer: %s", shown);
  g_assert_nonnull (shown);
  g_assert_true (g_str_has_prefix (shown, expected));
  g_assert_nonnull (strstr (shown, " mm"));
  g_assert_true (g_str_has_prefix (cusp_view_link_get_hover_text (view_link), expected));

  /* Leaving the views (into the grid's empty fourth cell) clears the status line's read-out. */
  move_to (coronal, 0.5 * VIEW_SIZE, 1.5 * VIEW_SIZE);
  g_assert_cmpstr (cusp_view_link_get_hover_text (view_link), ==, "");
}

static void
test_click_moves_crosshair (void)
{
  GtkWidget *axial = GTK_WIDGET (views[CUSP_SLICE_AXIAL]);
  CuspSliceFrame frame;
  double expected[3], cursor[3], before[3];

  cusp_view_link_get_cursor (view_link, before);
  cusp_slice_view_get_frame (views[CUSP_SLICE_AXIAL], &frame);
  cusp_slice_frame_screen_to_lps (&frame, 0.7 * VIEW_SIZE, 0.3 * VIEW_SIZE, expected);
  click (axial, 1, 0.7 * VIEW_SIZE, 0.3 * VIEW_SIZE);
  cusp_view_link_get_cursor (view_link, cursor);
  /* Snapped to the nearest voxel centre (1 mm grid), on the same axial slice. */
  g_assert_cmpfloat_with_epsilon (cursor[0], expected[0], 0.5 + frame.mm_per_px);
  g_assert_cmpfloat_with_epsilon (cursor[1], expected[1], 0.5 + frame.mm_per_px);
  g_assert_cmpfloat (cursor[2], ==, before[2]);
  /* Toward the screen's upper right: patient left and anterior of the centre. */
  g_assert_cmpfloat (cursor[0], >, before[0]);
  g_assert_cmpfloat (cursor[1], <, before[1]);
}

static void
test_wheel_and_keys_change_slice (void)
{
  GtkWidget *axial = GTK_WIDGET (views[CUSP_SLICE_AXIAL]);
  double before[3], cursor[3];

  cusp_view_link_get_cursor (view_link, before);
  move_to (axial, 0.5 * VIEW_SIZE, 0.5 * VIEW_SIZE);
  button (4, TRUE);   /* wheel up: one slice toward S */
  button (4, FALSE);
  cusp_view_link_get_cursor (view_link, cursor);
  g_assert_cmpfloat_with_epsilon (cursor[2] - before[2], 1.5, 1e-9);

  click (axial, 1, 0.5 * VIEW_SIZE, 0.5 * VIEW_SIZE);   /* focus */
  cusp_view_link_get_cursor (view_link, before);
  key (XK_Page_Down, TRUE);
  key (XK_Page_Down, FALSE);
  key (XK_Page_Down, TRUE);
  key (XK_Page_Down, FALSE);
  cusp_view_link_get_cursor (view_link, cursor);
  g_assert_cmpfloat_with_epsilon (cursor[2] - before[2], -3.0, 1e-9);
}

static void
test_right_drag_window_level (void)
{
  GtkWidget *coronal = GTK_WIDGET (views[CUSP_SLICE_CORONAL]);
  double width, center;

  cusp_view_link_set_window (view_link, 300.0, 400.0);
  drag (coronal, 3, 100, 200, 64, -32);   /* right: wider; up: brighter (lower level) */
  width = cusp_view_link_get_window_width (view_link);
  center = cusp_view_link_get_window_center (view_link);
  g_test_message ("after right-drag: W %.1f L %.1f", width, center);
  g_assert_cmpfloat_with_epsilon (width, 400.0 + 64 * 400.0 / 256, 2.0);
  g_assert_cmpfloat_with_epsilon (center, 300.0 - 32 * 400.0 / 256, 2.0);
}

static void
test_pan_zoom_and_reset (void)
{
  GtkWidget *sagittal = GTK_WIDGET (views[CUSP_SLICE_SAGITTAL]);
  CuspSliceFrame frame;
  double at_before[3], at_after[3], zoom;

  cusp_slice_view_get_frame (views[CUSP_SLICE_SAGITTAL], &frame);
  cusp_slice_frame_screen_to_lps (&frame, 160, 160, at_before);
  drag (sagittal, 2, 160, 160, 40, 20);   /* middle-drag: the image follows the pointer */
  cusp_slice_view_get_frame (views[CUSP_SLICE_SAGITTAL], &frame);
  cusp_slice_frame_screen_to_lps (&frame, 200, 180, at_after);
  for (int a = 0; a < 3; a++)
    g_assert_cmpfloat_with_epsilon (at_after[a], at_before[a], 1.5 * frame.mm_per_px);

  move_to (sagittal, 160, 160);
  key (XK_Control_L, TRUE);
  button (4, TRUE);
  button (4, FALSE);
  button (4, TRUE);
  button (4, FALSE);
  key (XK_Control_L, FALSE);
  zoom = cusp_slice_view_get_zoom (views[CUSP_SLICE_SAGITTAL]);
  g_assert_cmpfloat_with_epsilon (zoom, 1.1 * 1.1, 1e-6);

  move_to (sagittal, 100, 100);
  button (1, TRUE);
  button (1, FALSE);
  button (1, TRUE);
  button (1, FALSE);
  g_assert_cmpfloat (cusp_slice_view_get_zoom (views[CUSP_SLICE_SAGITTAL]), ==, 1.0);
}

int
main (int argc, char **argv)
{
  g_autoptr(CuspVolume) volume = NULL;
  GtkWidget *grid;
  int event, error, major, minor, status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  if (!gtk_init_check ())
    {
      g_test_message ("no X11 display: these tests inject X input (the suite runs them under Xvfb)");
      return 77;
    }
  xdisplay = gdk_x11_display_get_xdisplay (gdk_display_get_default ());
  if (!XTestQueryExtension (xdisplay, &event, &error, &major, &minor))
    {
      g_test_message ("the X server has no XTEST extension to inject input with");
      return 77;
    }

  view_link = cusp_view_link_new ();
  volume = ramp_volume ();
  cusp_view_link_set_volume (view_link, volume);
  window = gtk_window_new ();
  grid = gtk_grid_new ();
  for (int o = 0; o < 3; o++)
    {
      views[o] = cusp_slice_view_new (view_link, o);
      gtk_widget_set_size_request (GTK_WIDGET (views[o]), VIEW_SIZE, VIEW_SIZE);
      gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (views[o]), o % 2, o / 2, 1, 1);
    }
  gtk_window_set_child (GTK_WINDOW (window), grid);
  gtk_window_present (GTK_WINDOW (window));
  spin (500);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (views[0])));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (views[0])), ==, VIEW_SIZE);

  g_test_add_func ("/render/slice-view-input/hover-read-out", test_hover_read_out);
  g_test_add_func ("/render/slice-view-input/click-moves-crosshair", test_click_moves_crosshair);
  g_test_add_func ("/render/slice-view-input/wheel-and-keys-change-slice", test_wheel_and_keys_change_slice);
  g_test_add_func ("/render/slice-view-input/right-drag-window-level", test_right_drag_window_level);
  g_test_add_func ("/render/slice-view-input/pan-zoom-and-reset", test_pan_zoom_and_reset);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&view_link);
  return status;
}
