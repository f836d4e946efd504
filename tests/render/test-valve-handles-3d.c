/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-valve-handles-3d.c: the 3D view's valve handles without GL: layout, picking in screen
 * pixels, and the pose each drag asks for. */
#include "cusp-valve-handles-3d.h"

#include <math.h>

#define W 800.0
#define H 600.0

/* A root frame tilted from LPS (z up the root toward the patient's left, front and head). */
static CuspSceneFrame
tilted_frame (void)
{
  CuspSceneFrame f = { { 5, -10, 20 }, { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 } };
  double z[3] = { 0.5, -0.5, sqrt (0.5) }, x[3] = { sqrt (0.5), sqrt (0.5), 0 };

  for (int i = 0; i < 3; i++)
    f.axis_z[i] = z[i], f.axis_x[i] = x[i];
  f.axis_y[0] = z[1] * x[2] - z[2] * x[1];
  f.axis_y[1] = z[2] * x[0] - z[0] * x[2];
  f.axis_y[2] = z[0] * x[1] - z[1] * x[0];
  return f;
}

static CuspViewCamera
camera_looking_from (const double target[3], const double toward_eye[3])
{
  CuspViewCamera c = { { target[0], target[1], target[2] }, 40.0, 0.0, 0.0, 1.0, { 0, 0 } };
  cusp_view_camera_look_from (&c, toward_eye);
  return c;
}

static void
test_layout (void)
{
  CuspSceneFrame f = { { 0, 0, 0 }, { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
  CuspSimPose pose = { 4.0, 0.0, 0.0 };
  CuspHandles3d h;

  cusp_handles_3d_layout (&f, &pose, 26.0, 45.0, &h);
  /* inflow 4 mm below the annulus, outflow 45 mm above it along the root axis */
  g_assert_cmpfloat_with_epsilon (h.outflow_lps[2], 41.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (h.arrow_from_lps[2], 44.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (h.arrow_to_lps[2], 54.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (h.knob_lps[2], 58.0, 1e-12);
  g_assert_cmpfloat (h.ring_radius_mm, ==, 16.0);
  /* tilted 10 deg about x: the axis leans toward -y */
  pose.tilt_deg = 10.0;
  cusp_handles_3d_layout (&f, &pose, 26.0, 45.0, &h);
  g_assert_cmpfloat_with_epsilon (h.axis_lps[1], -sin (G_PI / 18), 1e-12);
  g_assert_cmpfloat_with_epsilon (h.axis_lps[2], cos (G_PI / 18), 1e-12);
}

static void
test_pick (void)
{
  CuspSceneFrame f = tilted_frame ();
  CuspSimPose pose = { 3.0, 0.0, 0.0 };
  CuspHandles3d h;
  CuspViewCamera c;
  double side[3], mid[3], x, y, u[3];

  cusp_handles_3d_layout (&f, &pose, 26.0, 30.0, &h);
  /* seen from the side (along the root's x axis): the arrow, knob and ring are apart */
  c = camera_looking_from (h.outflow_lps, f.axis_x);
  for (int i = 0; i < 3; i++)
    mid[i] = 0.5 * (h.arrow_from_lps[i] + h.arrow_to_lps[i]);
  g_assert_true (cusp_view_camera_project (&c, W, H, mid, &x, &y));
  g_assert_cmpint (cusp_handles_3d_pick (&h, &c, W, H, x + 3, y), ==, CUSP_HANDLE_3D_DEPTH);
  g_assert_true (cusp_view_camera_project (&c, W, H, h.knob_lps, &x, &y));
  g_assert_cmpint (cusp_handles_3d_pick (&h, &c, W, H, x, y + 2), ==, CUSP_HANDLE_3D_TILT);
  /* a point of the ring: the outflow centre + radius along the root's y axis */
  for (int i = 0; i < 3; i++)
    {
      u[i] = f.axis_y[i];
      side[i] = h.outflow_lps[i] + h.ring_radius_mm * u[i];
    }
  g_assert_true (cusp_view_camera_project (&c, W, H, side, &x, &y));
  g_assert_cmpint (cusp_handles_3d_pick (&h, &c, W, H, x, y), ==, CUSP_HANDLE_3D_ROTATION);
  /* far from all */
  g_assert_cmpint (cusp_handles_3d_pick (&h, &c, W, H, 5, 5), ==, CUSP_HANDLE_3D_NONE);
}

static void
test_drag_depth (void)
{
  CuspSceneFrame f = tilted_frame ();
  CuspSimPose pose = { 3.0, 5.0, 20.0 }, asked;
  CuspHandles3d h;
  CuspViewCamera c;
  double eye[3] = { 0.3, -1.0, 0.2 }, mid[3], lower[3], x0, y0, x1, y1;

  cusp_handles_3d_layout (&f, &pose, 26.0, 30.0, &h);
  c = camera_looking_from (h.outflow_lps, eye);
  for (int i = 0; i < 3; i++)
    {
      mid[i] = 0.5 * (h.arrow_from_lps[i] + h.arrow_to_lps[i]);
      lower[i] = mid[i] - 2.0 * h.axis_lps[i];             /* 2 mm toward the ventricle */
    }
  g_assert_true (cusp_view_camera_project (&c, W, H, mid, &x0, &y0));
  g_assert_true (cusp_view_camera_project (&c, W, H, lower, &x1, &y1));
  g_assert_true (cusp_handles_3d_drag (&h, CUSP_HANDLE_3D_DEPTH, &c, W, H, x0, y0, x1, y1, &asked));
  /* the grabbed point of the arrow follows the pointer exactly */
  g_assert_cmpfloat_with_epsilon (asked.depth_mm, 5.0, 1e-6);
  g_assert_cmpfloat (asked.tilt_deg, ==, 5.0);
  g_assert_cmpfloat (asked.rotation_deg, ==, 20.0);
  /* a drag across the axis on screen asks for (almost: perspective) no change in depth */
  {
    double dx = x1 - x0, dy = y1 - y0;
    g_assert_true (cusp_handles_3d_drag (&h, CUSP_HANDLE_3D_DEPTH, &c, W, H, x0, y0, x0 - dy, y0 + dx, &asked));
    g_assert_cmpfloat_with_epsilon (asked.depth_mm, 3.0, 0.05);
  }
}

/* Looking down the valve's axis from the aorta, a pointer turning counter-clockwise on screen
 * about the axis turns the valve by the same angle, right-handed about the axis (toward the
 * aorta). */
static void
test_drag_rotation (void)
{
  CuspSceneFrame f = tilted_frame ();
  CuspSimPose pose = { 3.0, 0.0, 170.0 }, asked;
  CuspHandles3d h;
  CuspViewCamera c;
  double p0[3], p1[3], x0, y0, x1, y1;

  cusp_handles_3d_layout (&f, &pose, 26.0, 30.0, &h);
  c = camera_looking_from (h.outflow_lps, h.axis_lps);
  for (int i = 0; i < 3; i++)
    {
      /* 0 deg and 30 deg about the axis in the (x, y) plane of the root frame (tilt 0) */
      p0[i] = h.outflow_lps[i] + h.ring_radius_mm * f.axis_x[i];
      p1[i] = h.outflow_lps[i] + h.ring_radius_mm * (cos (G_PI / 6) * f.axis_x[i] + sin (G_PI / 6) * f.axis_y[i]);
    }
  g_assert_true (cusp_view_camera_project (&c, W, H, p0, &x0, &y0));
  g_assert_true (cusp_view_camera_project (&c, W, H, p1, &x1, &y1));
  g_assert_true (cusp_handles_3d_drag (&h, CUSP_HANDLE_3D_ROTATION, &c, W, H, x0, y0, x1, y1, &asked));
  /* 170 + 30 wraps to -160 */
  g_assert_cmpfloat_with_epsilon (asked.rotation_deg, -160.0, 1e-6);
  g_assert_cmpfloat (asked.depth_mm, ==, 3.0);
}

/* Seen from the root's +x side, carrying the knob to where a 10 deg tilt puts it asks for
 * tilt + 10 deg; a pointer ray parallel to the tilt plane gives no answer. */
static void
test_drag_tilt (void)
{
  CuspSceneFrame f = tilted_frame ();
  CuspSimPose pose = { 3.0, -4.0, 0.0 }, tilted = { 3.0, 6.0, 0.0 }, asked;
  CuspHandles3d h, h2;
  CuspViewCamera c;
  double x0, y0, x1, y1;

  cusp_handles_3d_layout (&f, &pose, 26.0, 30.0, &h);
  cusp_handles_3d_layout (&f, &tilted, 26.0, 30.0, &h2);
  c = camera_looking_from (f.origin_mm, f.axis_x);
  g_assert_true (cusp_view_camera_project (&c, W, H, h.knob_lps, &x0, &y0));
  g_assert_true (cusp_view_camera_project (&c, W, H, h2.knob_lps, &x1, &y1));
  g_assert_true (cusp_handles_3d_drag (&h, CUSP_HANDLE_3D_TILT, &c, W, H, x0, y0, x1, y1, &asked));
  g_assert_cmpfloat_with_epsilon (asked.tilt_deg, 6.0, 1e-6);

  /* looking along the root's y axis: the line of sight lies in the tilt plane */
  c = camera_looking_from (f.origin_mm, f.axis_y);
  g_assert_false (cusp_handles_3d_drag (&h, CUSP_HANDLE_3D_TILT, &c, W, H, W / 2, H / 2, W / 2, H / 2 + 10, &asked));
}

static void
test_build (void)
{
  CuspSceneFrame f = tilted_frame ();
  CuspSimPose pose = { 3.0, 0.0, 0.0 };
  CuspHandles3d h;
  g_autoptr(CuspShapeMesh) plain = cusp_shape_mesh_new ();
  g_autoptr(CuspShapeMesh) lit = cusp_shape_mesh_new ();
  g_autoptr(CuspMesh) a = NULL, b = NULL;
  gboolean differs = FALSE;

  cusp_handles_3d_layout (&f, &pose, 26.0, 30.0, &h);
  cusp_handles_3d_build (&h, CUSP_HANDLE_3D_NONE, CUSP_HANDLE_3D_NONE, plain);
  cusp_handles_3d_build (&h, CUSP_HANDLE_3D_DEPTH, CUSP_HANDLE_3D_NONE, lit);
  a = cusp_shape_mesh_to_mesh (plain);
  b = cusp_shape_mesh_to_mesh (lit);
  g_assert_nonnull (a);
  g_assert_cmpuint (a->vertex_count, ==, b->vertex_count);
  /* hovering changes colours, not shapes */
  g_assert_cmpmem (a->positions_mm, 3 * sizeof (float) * a->vertex_count, b->positions_mm,
                   3 * sizeof (float) * b->vertex_count);
  for (guint i = 0; i < 4 * a->vertex_count; i++)
    differs |= cusp_shape_mesh_get_colors (plain)[i] != cusp_shape_mesh_get_colors (lit)[i];
  g_assert_true (differs);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/handles-3d/layout", test_layout);
  g_test_add_func ("/render/handles-3d/pick", test_pick);
  g_test_add_func ("/render/handles-3d/drag-depth", test_drag_depth);
  g_test_add_func ("/render/handles-3d/drag-rotation", test_drag_rotation);
  g_test_add_func ("/render/handles-3d/drag-tilt", test_drag_tilt);
  g_test_add_func ("/render/handles-3d/build", test_build);
  return g_test_run ();
}
