/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-valve-handles-tilt.c: the tilt knob on an oblique root like the demo phantom's (axis 40°
 * off the body axis, 35° azimuth; numbers from `cusp-cli phantom --truth`): which slice views
 * show it, where, and the tilt a drag along its drawn path asks for. */
#include "cusp-slice-geometry.h"
#include "cusp-valve-handles.h"

#include <math.h>

/* The phantom's annulus: centre, normal (toward the aorta) and major axis, the root frame's x
 * taken at the major axis' far end the segmentation found (the sign it picked on the demo). */
static const double centre_mm[3] = { 12.3, -31.7, 48.9 };
static const double normal[3] = { -0.5265407845183632, -0.3686878264946123, 0.766044443118978 };
static const double major[3] = { -0.8478445591638615, 0.16141523183069642, -0.5050789308902913 };

/* The Evolut 29 the demo's valve panel picks: 29 mm, 45 mm tall, 3 mm deep. */
static CuspValvePlacement
demo_valve (void)
{
  CuspValvePlacement v = { .pose = { 3.0, 0.0, 0.0 }, .diameter_mm = 29.0, .height_mm = 45.0 };

  for (int i = 0; i < 3; i++)
    {
      v.root.origin_mm[i] = centre_mm[i];
      v.root.axis_x[i] = major[i];
      v.root.axis_z[i] = normal[i];
    }
  v.root.axis_y[0] = normal[1] * major[2] - normal[2] * major[1];
  v.root.axis_y[1] = normal[2] * major[0] - normal[0] * major[2];
  v.root.axis_y[2] = normal[0] * major[1] - normal[1] * major[0];
  return v;
}

/* A standard view through `through` (LPS mm), 400 x 400 px at 0.3 mm per pixel. */
static void
view_frame (CuspSliceFrame *frame, CuspSliceOrientation orientation, const double through[3])
{
  cusp_slice_frame_init (frame, orientation, NULL, through, 1.0, NULL, 400, 400);
  frame->mm_per_px = 0.3;
}

/* The outflow centre of `v` on the view: root (0, -reach sin t, reach cos t), reach = h - depth. */
static void
outflow_on_screen (const CuspSliceFrame *frame, const CuspValvePlacement *v, double *x, double *y)
{
  double t = v->pose.tilt_deg * G_PI / 180.0, reach = v->height_mm - v->pose.depth_mm, p[3];

  for (int i = 0; i < 3; i++)
    p[i] = v->root.origin_mm[i] + reach * (-sin (t) * v->root.axis_y[i] + cos (t) * v->root.axis_z[i]);
  cusp_slice_frame_lps_to_screen (frame, p, x, y);
}

/* The demo's crosshair sits 5 mm right of the annulus centre (the sagittal slice at L 7.1). */
static void
demo_crosshair (double through[3])
{
  through[0] = centre_mm[0] - 5.2;
  through[1] = centre_mm[1];
  through[2] = centre_mm[2];
}

static void
test_views (void)
{
  CuspValvePlacement v = demo_valve ();
  CuspValveHandles h;
  CuspSliceFrame frame;
  double through[3], x, y;

  demo_crosshair (through);

  /* sagittal: the tilt swing lies in the plane (local y 87° off its normal), the axis 32° out
   * of it: the knob shows at the outflow end, with the rotation knob, without the depth handle */
  view_frame (&frame, CUSP_SLICE_SAGITTAL, through);
  g_assert_true (cusp_valve_handles_layout (&frame, &v, &h));
  g_assert_true (h.shown[CUSP_VALVE_HANDLE_TILT]);
  g_assert_false (h.shown[CUSP_VALVE_HANDLE_DEPTH]);
  g_assert_true (h.shown[CUSP_VALVE_HANDLE_ROTATION]);
  outflow_on_screen (&frame, &v, &x, &y);
  g_assert_cmpfloat_with_epsilon (h.x_px[CUSP_VALVE_HANDLE_TILT], x, 1e-9);
  g_assert_cmpfloat_with_epsilon (h.y_px[CUSP_VALVE_HANDLE_TILT], y, 1e-9);
  /* far enough from the rotation knob that a press picks one of them without doubt */
  g_assert_cmpfloat (hypot (h.x_px[CUSP_VALVE_HANDLE_TILT] - h.x_px[CUSP_VALVE_HANDLE_ROTATION],
                            h.y_px[CUSP_VALVE_HANDLE_TILT] - h.y_px[CUSP_VALVE_HANDLE_ROTATION]), >, 24.0);
  g_assert_cmpint (cusp_valve_handles_pick (&h, x + 2.0, y - 3.0, 12.0), ==, CUSP_VALVE_HANDLE_TILT);

  /* coronal: the swing runs 24° off the line of sight: a drag could not show it; depth only */
  view_frame (&frame, CUSP_SLICE_CORONAL, through);
  g_assert_true (cusp_valve_handles_layout (&frame, &v, &h));
  g_assert_true (h.shown[CUSP_VALVE_HANDLE_DEPTH]);
  g_assert_false (h.shown[CUSP_VALVE_HANDLE_TILT]);

  /* axial: the axis 50° out of the plane, the knob too near its foot: rotation only */
  view_frame (&frame, CUSP_SLICE_AXIAL, through);
  g_assert_true (cusp_valve_handles_layout (&frame, &v, &h));
  g_assert_false (h.shown[CUSP_VALVE_HANDLE_TILT]);
  g_assert_true (h.shown[CUSP_VALVE_HANDLE_ROTATION]);

  /* a sagittal slice 30 mm to the left of the whole valve: nothing on unrelated anatomy */
  through[0] = centre_mm[0] + 30.0;
  view_frame (&frame, CUSP_SLICE_SAGITTAL, through);
  cusp_valve_handles_layout (&frame, &v, &h);
  g_assert_false (h.shown[CUSP_VALVE_HANDLE_TILT]);

  /* tilted 20° the swing still lies in the sagittal plane: the knob follows the outflow end */
  demo_crosshair (through);
  v.pose.tilt_deg = 20.0;
  view_frame (&frame, CUSP_SLICE_SAGITTAL, through);
  g_assert_true (cusp_valve_handles_layout (&frame, &v, &h));
  g_assert_true (h.shown[CUSP_VALVE_HANDLE_TILT]);
  outflow_on_screen (&frame, &v, &x, &y);
  g_assert_cmpfloat_with_epsilon (h.x_px[CUSP_VALVE_HANDLE_TILT], x, 1e-9);
  g_assert_cmpfloat_with_epsilon (h.y_px[CUSP_VALVE_HANDLE_TILT], y, 1e-9);
}

/* Drags in the sagittal view: onto where the knob is drawn for a tilt gives that tilt; a drag
 * toward where positive tilts draw the knob tilts positive, the opposite drag negative, by an
 * amount the knob's drawn path accounts for. */
static void
test_sagittal_drag (void)
{
  CuspValvePlacement v = demo_valve (), target;
  CuspValveHandles h0, h1;
  CuspSliceFrame frame;
  CuspSimPose pose;
  double through[3], kx, ky, px, py, dx, dy, length, reach = 45.0 - 3.0;

  demo_crosshair (through);
  view_frame (&frame, CUSP_SLICE_SAGITTAL, through);
  g_assert_true (cusp_valve_handles_layout (&frame, &v, &h0));
  kx = h0.x_px[CUSP_VALVE_HANDLE_TILT];
  ky = h0.y_px[CUSP_VALVE_HANDLE_TILT];

  for (double tilt = -25.0; tilt <= 25.0; tilt += 12.5)
    {
      target = v;
      target.pose.tilt_deg = tilt;
      outflow_on_screen (&frame, &target, &px, &py);
      g_assert_true (cusp_valve_handles_drag (CUSP_VALVE_HANDLE_TILT, &frame, &v, kx, ky, px, py, &pose));
      g_assert_cmpfloat_with_epsilon (pose.tilt_deg, tilt, 1e-6);
      g_assert_cmpfloat (pose.depth_mm, ==, v.pose.depth_mm);
      g_assert_cmpfloat (pose.rotation_deg, ==, v.pose.rotation_deg);
    }

  /* the way positive tilts go on screen, 40 px of it straight */
  target = v;
  target.pose.tilt_deg = 1.0;
  outflow_on_screen (&frame, &target, &px, &py);
  dx = px - kx;
  dy = py - ky;
  length = hypot (dx, dy);
  /* a degree swings the outflow end reach * pi / 180 mm; the sagittal plane shows nearly all */
  g_assert_cmpfloat (length * frame.mm_per_px, >, 0.9 * reach * G_PI / 180.0);
  dx *= 40.0 / length;
  dy *= 40.0 / length;
  g_assert_true (cusp_valve_handles_drag (CUSP_VALVE_HANDLE_TILT, &frame, &v, kx, ky, kx + dx, ky + dy, &pose));
  /* 12 mm of swing on screen over a 42 mm reach: about 16°, a little more as the path curves */
  g_assert_cmpfloat (pose.tilt_deg, >, 14.0);
  g_assert_cmpfloat (pose.tilt_deg, <, 20.0);
  target.pose = pose;
  cusp_valve_handles_layout (&frame, &target, &h1);
  g_assert_true (h1.shown[CUSP_VALVE_HANDLE_TILT]);
  /* the knob ends where its curved path passes nearest the pointer: a degree either way is
   * farther, and the straight drag leaves the path by less than its sagitta (40² / 2 R, R the
   * drawn reach of 140 px: 5.7 px) */
  {
    double gap = hypot (h1.x_px[CUSP_VALVE_HANDLE_TILT] - (kx + dx), h1.y_px[CUSP_VALVE_HANDLE_TILT] - (ky + dy));

    g_assert_cmpfloat (gap, <, 40.0 * 40.0 / (2.0 * reach / frame.mm_per_px));
    for (int side = -1; side <= 1; side += 2)
      {
        target.pose.tilt_deg = pose.tilt_deg + side;
        outflow_on_screen (&frame, &target, &px, &py);
        g_assert_cmpfloat (hypot (px - (kx + dx), py - (ky + dy)), >, gap);
      }
  }

  g_assert_true (cusp_valve_handles_drag (CUSP_VALVE_HANDLE_TILT, &frame, &v, kx, ky, kx - dx, ky - dy, &pose));
  g_assert_cmpfloat (pose.tilt_deg, <, -14.0);
  g_assert_cmpfloat (pose.tilt_deg, >, -20.0);

  /* across the path: the knob cannot go there; the tilt stays near the start */
  g_assert_true (cusp_valve_handles_drag (CUSP_VALVE_HANDLE_TILT, &frame, &v, kx, ky, kx - dy, ky + dx, &pose));
  g_assert_cmpfloat (fabs (pose.tilt_deg), <, 3.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/valve-handles/tilt/oblique-root-views", test_views);
  g_test_add_func ("/render/valve-handles/tilt/sagittal-drag", test_sagittal_drag);
  return g_test_run ();
}
