/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-view-camera.c: the 3D view's camera without GL: the C-arm views put the eye where the
 * detector is, screen orientation, and the pointer ray against the projection. */
#include "cusp-view-camera.h"

#include <math.h>

static CuspViewCamera
camera_at (double x, double y, double z)
{
  CuspViewCamera c = { { x, y, z }, 40.0, 0.0, 0.0, 1.0, { 0.0, 0.0 } };
  return c;
}

/* The eye's position relative to the target, as a unit vector. */
static void
eye_direction (const CuspViewCamera *c, double d[3])
{
  double origin[3], direction[3], len = 0.0;

  cusp_view_camera_ray (c, 800, 600, 400, 300, origin, direction);
  for (int i = 0; i < 3; i++)
    {
      d[i] = origin[i] - c->target_mm[i];
      len += d[i] * d[i];
    }
  for (int i = 0; i < 3; i++)
    d[i] /= sqrt (len);
}

static void
assert_vec (const double a[3], double x, double y, double z)
{
  g_assert_cmpfloat_with_epsilon (a[0], x, 1e-9);
  g_assert_cmpfloat_with_epsilon (a[1], y, 1e-9);
  g_assert_cmpfloat_with_epsilon (a[2], z, 1e-9);
}

/* By hand: LAO 90 puts the detector on the patient's left, +x in LPS; the eye looks from there. */
static void
test_lao_90 (void)
{
  CuspViewCamera c = camera_at (5, -7, 100);
  CuspCarmAngles lao = { 90.0, 0.0 };
  double d[3], x, y, superior[3] = { 5, -7, 110 }, anterior[3] = { 5, -17, 100 };

  cusp_view_camera_set_carm (&c, &lao);
  eye_direction (&c, d);
  assert_vec (d, 1.0, 0.0, 0.0);
  /* superior is up on screen; from the left side the patient's anterior (-y) is on screen left */
  g_assert_true (cusp_view_camera_project (&c, 800, 600, superior, &x, &y));
  g_assert_cmpfloat (y, <, 300.0 - 1.0);
  g_assert_cmpfloat_with_epsilon (x, 400.0, 1e-6);
  g_assert_true (cusp_view_camera_project (&c, 800, 600, anterior, &x, &y));
  g_assert_cmpfloat (x, <, 400.0 - 1.0);
}

/* By hand: CRA 30 at LAO 0 tilts the detector toward the head: eye direction
 * (0, -cos 30, sin 30), above the anterior view. */
static void
test_cranial (void)
{
  CuspViewCamera c = camera_at (0, 0, 0);
  CuspCarmAngles cra = { 0.0, 30.0 }, ap = { 0.0, 0.0 };
  double d[3], left[3] = { 10, 0, 0 }, x, y;

  cusp_view_camera_set_carm (&c, &cra);
  eye_direction (&c, d);
  assert_vec (d, 0.0, -cos (G_PI / 6), 0.5);
  g_assert_cmpfloat_with_epsilon (c.pitch_deg, 30.0, 1e-9);

  /* the anterior view: the eye in front (-y), the patient's left (+x) on screen right */
  cusp_view_camera_set_carm (&c, &ap);
  eye_direction (&c, d);
  assert_vec (d, 0.0, -1.0, 0.0);
  g_assert_true (cusp_view_camera_project (&c, 800, 600, left, &x, &y));
  g_assert_cmpfloat (x, >, 401.0);
  g_assert_cmpfloat_with_epsilon (y, 300.0, 1e-6);
}

/* Every C-arm view matches cusp-carm.h's direction, and look_from takes any direction. */
static void
test_carm_matches_direction (void)
{
  for (double lao = -90; lao <= 90; lao += 15)
    for (double cra = -40; cra <= 40; cra += 10)
      {
        CuspViewCamera c = camera_at (1, 2, 3);
        CuspCarmAngles a = { lao, cra };
        double d[3], expected[3];

        cusp_view_camera_set_carm (&c, &a);
        cusp_carm_view_direction (&a, expected);
        eye_direction (&c, d);
        assert_vec (d, expected[0], expected[1], expected[2]);
      }
  {
    CuspViewCamera c = camera_at (0, 0, 0);
    double normal[3] = { -0.3, -0.5, 0.8 }, d[3], len = sqrt (0.09 + 0.25 + 0.64);
    cusp_view_camera_look_from (&c, normal);
    eye_direction (&c, d);
    assert_vec (d, normal[0] / len, normal[1] / len, normal[2] / len);
  }
}

/* The ray through where a point is drawn passes through the point, with pan, zoom and any
 * angle. */
static void
test_ray_through_projection (void)
{
  CuspViewCamera c = camera_at (10, -20, 30);
  double points[3][3] = { { 10, -20, 30 }, { 25, -5, 48 }, { -3, -31, 12 } };

  c.yaw_deg = 37.0;
  c.pitch_deg = -12.0;
  c.zoom = 1.7;
  c.pan_mm[0] = 4.0;
  c.pan_mm[1] = -2.5;
  for (int k = 0; k < 3; k++)
    {
      double x, y, origin[3], direction[3], to_point[3], along = 0.0, miss = 0.0;

      g_assert_true (cusp_view_camera_project (&c, 640, 480, points[k], &x, &y));
      cusp_view_camera_ray (&c, 640, 480, x, y, origin, direction);
      for (int i = 0; i < 3; i++)
        {
          to_point[i] = points[k][i] - origin[i];
          along += to_point[i] * direction[i];
        }
      g_assert_cmpfloat (along, >, 0.0);
      for (int i = 0; i < 3; i++)
        miss += pow (to_point[i] - along * direction[i], 2);
      g_assert_cmpfloat (sqrt (miss), <, 1e-6);
    }
  /* the target with no pan lands in the middle */
  {
    double x, y;
    c.pan_mm[0] = c.pan_mm[1] = 0.0;
    g_assert_true (cusp_view_camera_project (&c, 640, 480, c.target_mm, &x, &y));
    g_assert_cmpfloat_with_epsilon (x, 320.0, 1e-9);
    g_assert_cmpfloat_with_epsilon (y, 240.0, 1e-9);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/camera/lao-90", test_lao_90);
  g_test_add_func ("/render/camera/cranial", test_cranial);
  g_test_add_func ("/render/camera/carm-matches-direction", test_carm_matches_direction);
  g_test_add_func ("/render/camera/ray-through-projection", test_ray_through_projection);
  return g_test_run ();
}
