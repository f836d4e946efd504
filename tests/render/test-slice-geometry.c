/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-slice-geometry.c: MPR view geometry and the linked-view model, without GL. */
#include "cusp-slice-geometry.h"
#include "cusp-view-link.h"

#include <math.h>

static CuspVolume *
new_volume (const int dims[3], const double spacing_mm[3], const double direction[9])
{
  g_autoptr(GError) error = NULL;
  CuspVolume *volume = cusp_volume_new (CUSP_VOXEL_INT16, dims, &error);

  g_assert_no_error (error);
  for (int a = 0; a < 3; a++)
    volume->spacing_mm[a] = spacing_mm[a];
  for (int i = 0; i < 9; i++)
    volume->direction[i] = direction[i];
  volume->origin_mm[0] = -31.0;
  volume->origin_mm[1] = 12.5;
  volume->origin_mm[2] = 140.0;
  return volume;
}

static const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };

/* Radiological convention, written out independently of the code's axis table. */
static void
test_edge_letters (void)
{
  static const struct { CuspSliceOrientation view; const char *left, *right, *top, *bottom; } expected[] = {
    { CUSP_SLICE_AXIAL, "R", "L", "A", "P" },
    { CUSP_SLICE_CORONAL, "R", "L", "S", "I" },
    { CUSP_SLICE_SAGITTAL, "A", "P", "S", "I" },
  };

  for (gsize n = 0; n < G_N_ELEMENTS (expected); n++)
    {
      g_assert_cmpstr (cusp_slice_orientation_edge_letter (expected[n].view, CUSP_SLICE_EDGE_LEFT), ==, expected[n].left);
      g_assert_cmpstr (cusp_slice_orientation_edge_letter (expected[n].view, CUSP_SLICE_EDGE_RIGHT), ==, expected[n].right);
      g_assert_cmpstr (cusp_slice_orientation_edge_letter (expected[n].view, CUSP_SLICE_EDGE_TOP), ==, expected[n].top);
      g_assert_cmpstr (cusp_slice_orientation_edge_letter (expected[n].view, CUSP_SLICE_EDGE_BOTTOM), ==, expected[n].bottom);
    }
}

static void
test_round_trip (void)
{
  const int dims[3] = { 64, 48, 30 };
  const double spacing[3] = { 0.7, 0.8, 2.5 };
  g_autoptr(CuspVolume) volume = new_volume (dims, spacing, identity);
  const double cursor[3] = { -10.0, 30.0, 170.0 };
  const double pan[2] = { 7.0, -3.0 };
  GRand *rand = g_rand_new_with_seed (7);

  for (CuspSliceOrientation o = CUSP_SLICE_AXIAL; o <= CUSP_SLICE_SAGITTAL; o++)
    {
      CuspSliceFrame frame;
      double lps[3], x, y, depth;

      cusp_slice_frame_init (&frame, o, volume, cursor, 2.5, pan, 333, 211);
      for (int n = 0; n < 100; n++)
        {
          double px = g_rand_double_range (rand, -50, 400), py = g_rand_double_range (rand, -50, 300);

          cusp_slice_frame_screen_to_lps (&frame, px, py, lps);
          depth = cusp_slice_frame_lps_to_screen (&frame, lps, &x, &y);
          g_assert_cmpfloat_with_epsilon (x, px, 1e-9);
          g_assert_cmpfloat_with_epsilon (y, py, 1e-9);
          /* Every pixel lies on the plane through the cursor. */
          g_assert_cmpfloat_with_epsilon (depth, cusp_slice_frame_lps_to_screen (&frame, cursor, NULL, NULL), 1e-9);
        }
      /* The cursor's own depth is zero: the slice passes through it. */
      g_assert_cmpfloat_with_epsilon (cusp_slice_frame_lps_to_screen (&frame, cursor, NULL, NULL), 0.0, 1e-9);

      /* Pan moves the volume's centre by pan mm right and up from the viewport centre. */
      {
        double centre_ijk[3] = { 31.5, 23.5, 14.5 }, centre[3];
        cusp_volume_index_to_lps (volume, centre_ijk, centre);
        cusp_slice_frame_lps_to_screen (&frame, centre, &x, &y);
        g_assert_cmpfloat_with_epsilon ((x - 333 / 2.0) * frame.mm_per_px, pan[0], 1e-9);
        g_assert_cmpfloat_with_epsilon ((211 / 2.0 - y) * frame.mm_per_px, pan[1], 1e-9);
      }
    }
  g_rand_free (rand);
}

static void
test_fit_and_zoom (void)
{
  const int dims[3] = { 100, 50, 20 };
  const double spacing[3] = { 1.0, 1.0, 2.0 };
  g_autoptr(CuspVolume) volume = new_volume (dims, spacing, identity);
  CuspSliceFrame frame;

  /* Axial shows 100 mm (L-R) x 50 mm (A-P): in 200 x 200 px the width decides, 0.5 mm/px. */
  cusp_slice_frame_init (&frame, CUSP_SLICE_AXIAL, volume, volume->origin_mm, 1.0, NULL, 200, 200);
  g_assert_cmpfloat_with_epsilon (frame.mm_per_px, 0.5, 1e-12);
  cusp_slice_frame_init (&frame, CUSP_SLICE_AXIAL, volume, volume->origin_mm, 4.0, NULL, 200, 200);
  g_assert_cmpfloat_with_epsilon (frame.mm_per_px, 0.125, 1e-12);
  /* Sagittal: 50 mm (A-P) x 40 mm (S-I) in 100 x 20 px: the height decides, 2 mm/px. */
  cusp_slice_frame_init (&frame, CUSP_SLICE_SAGITTAL, volume, volume->origin_mm, 1.0, NULL, 100, 20);
  g_assert_cmpfloat_with_epsilon (frame.mm_per_px, 2.0, 1e-12);
  /* Nonsense sizes and zooms still give a usable, finite frame. */
  cusp_slice_frame_init (&frame, CUSP_SLICE_CORONAL, volume, volume->origin_mm, NAN, NULL, 0, -5);
  g_assert_true (isfinite (frame.mm_per_px) && frame.mm_per_px > 0.0);
  cusp_slice_frame_init (&frame, CUSP_SLICE_CORONAL, NULL, NULL, 1.0, NULL, 100, 100);
  g_assert_cmpfloat_with_epsilon (frame.mm_per_px, 2.0, 1e-12);
}

static void
test_slice_step (void)
{
  const int dims[3] = { 10, 10, 10 };
  const double spacing[3] = { 0.7, 0.8, 2.5 };
  const double c = cos (G_PI / 4), s = sin (G_PI / 4);
  const double oblique[9] = { c, -s, 0, s, c, 0, 0, 0, 1 };   /* 45 degrees about S */
  const double permuted[9] = { 0, 0, -1, 1, 0, 0, 0, -1, 0 };  /* i->P, j->I, k->R */
  g_autoptr(CuspVolume) aligned = new_volume (dims, spacing, identity);
  g_autoptr(CuspVolume) rotated = new_volume (dims, (double[3]) { 1.0, 1.0, 2.5 }, oblique);
  g_autoptr(CuspVolume) sagittal = new_volume (dims, spacing, permuted);
  CuspSliceFrame frame;

  cusp_slice_frame_init (&frame, CUSP_SLICE_AXIAL, aligned, NULL, 1.0, NULL, 100, 100);
  g_assert_cmpfloat_with_epsilon (cusp_slice_frame_slice_step_mm (&frame, aligned), 2.5, 1e-12);
  cusp_slice_frame_init (&frame, CUSP_SLICE_CORONAL, aligned, NULL, 1.0, NULL, 100, 100);
  g_assert_cmpfloat_with_epsilon (cusp_slice_frame_slice_step_mm (&frame, aligned), 0.8, 1e-12);
  cusp_slice_frame_init (&frame, CUSP_SLICE_SAGITTAL, aligned, NULL, 1.0, NULL, 100, 100);
  g_assert_cmpfloat_with_epsilon (cusp_slice_frame_slice_step_mm (&frame, aligned), 0.7, 1e-12);
  /* Rotated about S: axial slices still step one k spacing; coronal steps 1 mm in-plane. */
  cusp_slice_frame_init (&frame, CUSP_SLICE_AXIAL, rotated, NULL, 1.0, NULL, 100, 100);
  g_assert_cmpfloat_with_epsilon (cusp_slice_frame_slice_step_mm (&frame, rotated), 2.5, 1e-12);
  cusp_slice_frame_init (&frame, CUSP_SLICE_CORONAL, rotated, NULL, 1.0, NULL, 100, 100);
  g_assert_cmpfloat_with_epsilon (cusp_slice_frame_slice_step_mm (&frame, rotated), 1.0, 1e-12);
  /* A sagittal acquisition (k along R-L): the sagittal view steps the 2.5 mm slices. */
  cusp_slice_frame_init (&frame, CUSP_SLICE_SAGITTAL, sagittal, NULL, 1.0, NULL, 100, 100);
  g_assert_cmpfloat_with_epsilon (cusp_slice_frame_slice_step_mm (&frame, sagittal), 2.5, 1e-12);
}

static void
test_scale_bar (void)
{
  CuspSliceFrame frame = { .mm_per_px = 0.37, .width_px = 100, .height_px = 100 };

  g_assert_cmpfloat (cusp_slice_frame_scale_bar_mm (&frame, 100), ==, 20.0);   /* 37 mm -> 20 */
  frame.mm_per_px = 0.6;
  g_assert_cmpfloat (cusp_slice_frame_scale_bar_mm (&frame, 100), ==, 50.0);   /* 60 mm -> 50 */
  frame.mm_per_px = 0.012;
  g_assert_cmpfloat (cusp_slice_frame_scale_bar_mm (&frame, 100), ==, 1.0);    /* 1.2 mm -> 1 */
  frame.mm_per_px = NAN;
  g_assert_cmpfloat (cusp_slice_frame_scale_bar_mm (&frame, 100), ==, 0.0);
}

static void
count_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(int *) user_data)++;
}

static void
test_link_cursor (void)
{
  const int dims[3] = { 20, 10, 8 };
  const double spacing[3] = { 0.5, 1.0, 3.0 };
  const double c = cos (0.3), s = sin (0.3);
  const double oblique[9] = { c, 0, s, 0, 1, 0, -s, 0, c };
  g_autoptr(CuspVolume) volume = new_volume (dims, spacing, identity);
  g_autoptr(CuspVolume) tilted = new_volume (dims, spacing, oblique);
  g_autoptr(CuspViewLink) link = cusp_view_link_new ();
  double cursor[3], ijk[3];
  int notified = 0;

  g_signal_connect (link, "notify::cursor-z-mm", G_CALLBACK (count_notify), &notified);
  cusp_view_link_set_volume (link, volume);
  /* Centred, then snapped to the voxel centre nearest the geometric centre. */
  cusp_view_link_get_cursor (link, cursor);
  cusp_volume_lps_to_index (volume, cursor, ijk);
  g_assert_cmpfloat (ijk[0], ==, 10.0);
  g_assert_cmpfloat (ijk[1], ==, 5.0);
  g_assert_cmpfloat (ijk[2], ==, 4.0);
  g_assert_cmpint (notified, ==, 1);

  /* Far outside: clamped to the last voxel centre; between centres: snapped. */
  cusp_view_link_set_cursor (link, (double[3]) { 1000.0, -1000.0, volume->origin_mm[2] + 4.4 });
  cusp_view_link_get_cursor (link, cursor);
  cusp_volume_lps_to_index (volume, cursor, ijk);
  g_assert_cmpfloat (ijk[0], ==, 19.0);
  g_assert_cmpfloat (ijk[1], ==, 0.0);
  g_assert_cmpfloat (ijk[2], ==, 1.0);
  g_assert_cmpint (notified, ==, 2);

  /* NaN never reaches the views. */
  cusp_view_link_set_cursor (link, (double[3]) { NAN, INFINITY, 0.0 });
  cusp_view_link_get_cursor (link, cursor);
  g_assert_true (isfinite (cursor[0]) && isfinite (cursor[1]) && isfinite (cursor[2]));

  /* Oblique volumes are not snapped (a voxel centre is not on any patient plane) but clamped. */
  cusp_view_link_set_volume (link, tilted);
  cusp_view_link_set_cursor (link, (double[3]) { -29.0, 16.0, 141.0 });
  cusp_view_link_get_cursor (link, cursor);
  cusp_volume_lps_to_index (tilted, cursor, ijk);
  g_assert_cmpfloat (ijk[0], >=, 0.0);
  g_assert_cmpfloat (ijk[2], >=, 0.0);
  g_assert_cmpfloat (fabs (ijk[0] - round (ijk[0])) + fabs (ijk[2] - round (ijk[2])), >, 1e-3);
}

static void
test_link_hover_and_window (void)
{
  const int dims[3] = { 4, 4, 4 };
  const double spacing[3] = { 1.0, 1.0, 1.0 };
  g_autoptr(CuspVolume) ct = new_volume (dims, spacing, identity);
  g_autoptr(CuspVolume) mr = NULL;
  g_autoptr(CuspViewLink) link = cusp_view_link_new ();
  g_autoptr(GError) error = NULL;
  double lps[3], value;
  const int mr_dims[3] = { 100, 10, 10 };

  ct->hounsfield = TRUE;
  ((int16_t *) ct->voxels)[(2 * 4 + 1) * 4 + 3] = -45;   /* i=3, j=1, k=2 */
  cusp_view_link_set_volume (link, ct);
  g_assert_cmpfloat (cusp_view_link_get_window_center (link), ==, 200.0);
  g_assert_cmpfloat (cusp_view_link_get_window_width (link), ==, 600.0);

  cusp_volume_index_to_lps (ct, (double[3]) { 3.2, 0.9, 1.6 }, lps);   /* nearest: (3, 1, 2) */
  cusp_view_link_set_hover (link, lps);
  g_assert_true (cusp_view_link_get_hover (link, NULL, &value));
  g_assert_cmpfloat (value, ==, -45.0);
  g_assert_cmpstr (cusp_view_link_get_hover_text (link), ==, "-45 HU · R 27.8 P 13.4 S 141.6 mm");
  cusp_volume_index_to_lps (ct, (double[3]) { 3.6, 0.0, 0.0 }, lps);   /* beyond the last voxel */
  cusp_view_link_set_hover (link, lps);
  g_assert_false (cusp_view_link_get_hover (link, NULL, NULL));
  g_assert_cmpstr (cusp_view_link_get_hover_text (link), ==, "");

  cusp_view_link_apply_preset (link, CUSP_WINDOW_PRESET_CALCIUM);
  g_assert_cmpfloat (cusp_view_link_get_window_width (link), ==, 1500.0);
  cusp_view_link_set_window (link, 10.0, -5.0);   /* a width below one voxel unit is raised */
  g_assert_cmpfloat (cusp_view_link_get_window_width (link), ==, 1.0);

  /* MR auto window: values 0..999 evenly -> about 5 .. 994. */
  mr = cusp_volume_new (CUSP_VOXEL_FLOAT32, mr_dims, &error);
  g_assert_no_error (error);
  for (int n = 0; n < 10000; n++)
    ((float *) mr->voxels)[n] = (float) ((n * 7919) % 1000);
  cusp_view_link_set_volume (link, mr);
  g_assert_cmpfloat_with_epsilon (cusp_view_link_get_window_center (link), 499.5, 1.0);
  g_assert_cmpfloat_with_epsilon (cusp_view_link_get_window_width (link), 989.0, 2.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/geometry/edge-letters", test_edge_letters);
  g_test_add_func ("/render/geometry/screen-lps-round-trip", test_round_trip);
  g_test_add_func ("/render/geometry/fit-and-zoom", test_fit_and_zoom);
  g_test_add_func ("/render/geometry/slice-step", test_slice_step);
  g_test_add_func ("/render/geometry/scale-bar", test_scale_bar);
  g_test_add_func ("/render/link/cursor", test_link_cursor);
  g_test_add_func ("/render/link/hover-and-window", test_link_hover_and_window);
  return g_test_run ();
}
