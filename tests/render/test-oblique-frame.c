/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-oblique-frame.c: the annulus-plane view geometry: screen <-> LPS round trips on a tilted
 * plane through three hinge points, orthonormal right-handed axes, refusals. */
#include "cusp-oblique-frame.h"

#include <math.h>

static void
plane_from_hinges (const double h[3][3], double centre[3], double normal[3])
{
  double a[3], b[3], length;

  for (int i = 0; i < 3; i++)
    {
      centre[i] = (h[0][i] + h[1][i] + h[2][i]) / 3.0;
      a[i] = h[1][i] - h[0][i];
      b[i] = h[2][i] - h[0][i];
    }
  normal[0] = a[1] * b[2] - a[2] * b[1];
  normal[1] = a[2] * b[0] - a[0] * b[2];
  normal[2] = a[0] * b[1] - a[1] * b[0];
  length = sqrt (normal[0] * normal[0] + normal[1] * normal[1] + normal[2] * normal[2]);
  for (int i = 0; i < 3; i++)
    normal[i] /= length;
}

static void
test_round_trip (void)
{
  /* Hinges of a root tilted about 35 degrees, as in a real CT (not along any patient axis). */
  const double hinges[3][3] = { { 12.0, -40.0, 101.0 }, { -1.5, -52.0, 93.0 }, { -9.0, -33.0, 88.5 } };
  const double anterior[3] = { 0, -1, 0 };
  double centre[3], normal[3];
  CuspSliceFrame frame;

  plane_from_hinges (hinges, centre, normal);
  g_assert_true (cusp_oblique_frame_init (&frame, centre, normal, anterior, 60.0, 320, 240));
  g_assert_cmpfloat_with_epsilon (frame.mm_per_px, 60.0 / 240, 1e-12);

  /* Orthonormal and right-handed like the axial view: right x up = -forward. */
  {
    const double *r = frame.right, *u = frame.up, *f = frame.forward;
    double c[3] = { r[1] * u[2] - r[2] * u[1], r[2] * u[0] - r[0] * u[2], r[0] * u[1] - r[1] * u[0] };
    g_assert_cmpfloat_with_epsilon (r[0] * u[0] + r[1] * u[1] + r[2] * u[2], 0.0, 1e-12);
    g_assert_cmpfloat_with_epsilon (r[0] * f[0] + r[1] * f[1] + r[2] * f[2], 0.0, 1e-12);
    for (int a = 0; a < 3; a++)
      g_assert_cmpfloat_with_epsilon (c[a], -f[a], 1e-12);
    /* Screen up leans anterior (LPS -y). */
    g_assert_cmpfloat (u[1], <, -0.5);
  }

  /* Every hinge lies in the view's plane, and screen -> LPS -> screen is the identity. */
  for (int i = 0; i < 3; i++)
    {
      double x, y, back[3];
      double depth = cusp_slice_frame_lps_to_screen (&frame, hinges[i], &x, &y);

      g_assert_cmpfloat (fabs (depth), <, 1e-9);
      cusp_slice_frame_screen_to_lps (&frame, x, y, back);
      for (int a = 0; a < 3; a++)
        g_assert_cmpfloat_with_epsilon (back[a], hinges[i][a], 1e-9);
    }
  for (double x = 0; x <= 320; x += 37.5)
    for (double y = 0; y <= 240; y += 41.25)
      {
        double lps[3], x2, y2, depth;

        cusp_slice_frame_screen_to_lps (&frame, x, y, lps);
        depth = cusp_slice_frame_lps_to_screen (&frame, lps, &x2, &y2);
        g_assert_cmpfloat_with_epsilon (x2, x, 1e-9);
        g_assert_cmpfloat_with_epsilon (y2, y, 1e-9);
        g_assert_cmpfloat (fabs (depth), <, 1e-9);
      }

  /* The view's centre pixel is the plane centre. */
  {
    double lps[3];
    cusp_slice_frame_screen_to_lps (&frame, 160, 120, lps);
    for (int a = 0; a < 3; a++)
      g_assert_cmpfloat_with_epsilon (lps[a], centre[a], 1e-9);
  }
}

/* An axial normal gives exactly the axial view's axes. */
static void
test_axial_matches (void)
{
  const double centre[3] = { 0, 0, 0 }, normal[3] = { 0, 0, 2 }, anterior[3] = { 0, -1, 0 };
  double right[3], up[3], forward[3];
  CuspSliceFrame frame;

  g_assert_true (cusp_oblique_frame_init (&frame, centre, normal, anterior, 100.0, 100, 100));
  cusp_slice_orientation_get_axes (CUSP_SLICE_AXIAL, right, up, forward);
  for (int a = 0; a < 3; a++)
    {
      g_assert_cmpfloat_with_epsilon (frame.right[a], right[a], 1e-12);
      g_assert_cmpfloat_with_epsilon (frame.up[a], up[a], 1e-12);
      g_assert_cmpfloat_with_epsilon (frame.forward[a], forward[a], 1e-12);
    }
}

static void
test_refusals (void)
{
  const double centre[3] = { 0, 0, 0 }, zero[3] = { 0, 0, 0 }, nan3[3] = { NAN, 0, 1 };
  const double coronal_normal[3] = { 0, -1, 0 }, anterior[3] = { 0, -1, 0 };
  CuspSliceFrame frame = { 0 };

  g_assert_false (cusp_oblique_frame_init (&frame, centre, zero, anterior, 60, 10, 10));
  g_assert_false (cusp_oblique_frame_init (&frame, centre, nan3, anterior, 60, 10, 10));
  g_assert_false (cusp_oblique_frame_init (&frame, centre, coronal_normal, anterior, 0, 10, 10));
  g_assert_false (cusp_oblique_frame_init (&frame, centre, coronal_normal, anterior, 60, 0, 10));
  /* A hint along the normal falls back to superior. */
  g_assert_true (cusp_oblique_frame_init (&frame, centre, coronal_normal, anterior, 60, 10, 10));
  g_assert_cmpfloat_with_epsilon (frame.up[2], 1.0, 1e-12);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/oblique-frame/round-trip", test_round_trip);
  g_test_add_func ("/render/oblique-frame/axial-matches", test_axial_matches);
  g_test_add_func ("/render/oblique-frame/refusals", test_refusals);
  return g_test_run ();
}
