/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-valve-section.c: the valve in the slice views without GL: the frame mesh cut by a plane,
 * the nominal cylinder projected onto a view, and the handles' layout, picking and drag -> pose
 * mapping. */
#include "cusp-oblique-frame.h"
#include "cusp-valve-handles.h"
#include "cusp-valve-section.h"

#include <math.h>

#define SIDES 64
#define RINGS 5
#define RADIUS_MM 13.0
#define HEIGHT_MM 20.0

/* A closed-side cylinder around the z axis from z = 0 to HEIGHT_MM: SIDES facets, RINGS rings. */
static CuspMesh *
cylinder_mesh (void)
{
  CuspMesh *mesh = g_new0 (CuspMesh, 1);
  guint t = 0;

  mesh->vertex_count = SIDES * RINGS;
  mesh->triangle_count = 2 * SIDES * (RINGS - 1);
  mesh->positions_mm = g_new (float, 3 * mesh->vertex_count);
  mesh->normals = g_new (float, 3 * mesh->vertex_count);
  mesh->indices = g_new (uint32_t, 3 * mesh->triangle_count);
  for (int r = 0; r < RINGS; r++)
    for (int s = 0; s < SIDES; s++)
      {
        double angle = 2.0 * G_PI * s / SIDES;
        float *p = &mesh->positions_mm[3 * (r * SIDES + s)];
        float *n = &mesh->normals[3 * (r * SIDES + s)];

        p[0] = (float) (RADIUS_MM * cos (angle));
        p[1] = (float) (RADIUS_MM * sin (angle));
        p[2] = (float) (HEIGHT_MM * r / (RINGS - 1));
        n[0] = (float) cos (angle);
        n[1] = (float) sin (angle);
        n[2] = 0.0f;
      }
  for (int r = 0; r < RINGS - 1; r++)
    for (int s = 0; s < SIDES; s++)
      {
        uint32_t a = r * SIDES + s, b = r * SIDES + (s + 1) % SIDES, c = a + SIDES, d = b + SIDES;
        uint32_t tri[6] = { a, b, d, a, d, c };

        for (int k = 0; k < 6; k++)
          mesh->indices[3 * t + k] = tri[k];
        t += 2;
      }
  return mesh;
}

/* A plane through the axis, turned half a facet off the vertices: it cuts each side along the
 * middle of a facet, at r cos(pi / SIDES) from the axis. Two lines, each as long as the valve. */
static void
test_cut_along_axis (void)
{
  g_autoptr(CuspMesh) mesh = cylinder_mesh ();
  g_autoptr(GArray) segments = g_array_new (FALSE, FALSE, sizeof (double));
  double angle = G_PI / SIDES + 2.0 * G_PI * 5 / SIDES, normal[3] = { -sin (angle), cos (angle), 0.0 };
  double point[3] = { 0.0, 0.0, 7.0 }, along[3] = { cos (angle), sin (angle), 0.0 };
  double length[2] = { 0.0, 0.0 }, inner = RADIUS_MM * cos (G_PI / SIDES);
  guint n = cusp_valve_section_cut_lps (mesh, point, normal, segments);

  g_assert_cmpuint (n, ==, 2 * 2 * (RINGS - 1));
  g_assert_cmpuint (segments->len, ==, 6 * n);
  for (guint i = 0; i < n; i++)
    {
      const double *s = &g_array_index (segments, double, 6 * i);
      double d0 = s[0] * along[0] + s[1] * along[1], d1 = s[3] * along[0] + s[4] * along[1];

      /* both ends in the plane, at the facet's distance from the axis, on one side */
      g_assert_cmpfloat (fabs (s[0] * normal[0] + s[1] * normal[1]), <, 1e-5);
      g_assert_cmpfloat (fabs (s[3] * normal[0] + s[4] * normal[1]), <, 1e-5);
      g_assert_cmpfloat (fabs (fabs (d0) - inner), <, 1e-4);
      g_assert_cmpfloat (fabs (fabs (d1) - inner), <, 1e-4);
      g_assert_cmpfloat (d0 * d1, >, 0.0);
      length[d0 > 0.0] += fabs (s[5] - s[2]);
    }
  /* each side is one straight line as long as the valve: within float rounding */
  g_assert_cmpfloat_with_epsilon (length[0], HEIGHT_MM, 1e-4);
  g_assert_cmpfloat_with_epsilon (length[1], HEIGHT_MM, 1e-4);
  /* +-radius: the facets sit within r (1 - cos(pi/64)) = 0.016 mm of the true cylinder */
  g_assert_cmpfloat (RADIUS_MM - inner, <, 0.02);
}

/* Across the axis between two rings: a closed polygon of SIDES chords, 2 pi r long to 0.05 %. */
static void
test_cut_across (void)
{
  g_autoptr(CuspMesh) mesh = cylinder_mesh ();
  g_autoptr(GArray) segments = g_array_new (FALSE, FALSE, sizeof (double));
  double point[3] = { 1.0, 2.0, 0.37 * HEIGHT_MM }, normal[3] = { 0.0, 0.0, 1.0 }, total = 0.0;
  guint n = cusp_valve_section_cut_lps (mesh, point, normal, segments);

  g_assert_cmpuint (n, ==, 2 * SIDES);
  for (guint i = 0; i < n; i++)
    {
      const double *s = &g_array_index (segments, double, 6 * i);

      g_assert_cmpfloat_with_epsilon (s[2], point[2], 1e-5);
      g_assert_cmpfloat_with_epsilon (s[5], point[2], 1e-5);
      total += sqrt ((s[3] - s[0]) * (s[3] - s[0]) + (s[4] - s[1]) * (s[4] - s[1]));
    }
  g_assert_cmpfloat_with_epsilon (total, 2.0 * SIDES * RADIUS_MM * sin (G_PI / SIDES), 1e-4);
  g_assert_cmpfloat (fabs (total - 2.0 * G_PI * RADIUS_MM) / (2.0 * G_PI * RADIUS_MM), <, 5e-4);

  /* a plane beside the valve cuts nothing; a plane through a ring of vertices cuts once */
  g_array_set_size (segments, 0);
  point[2] = HEIGHT_MM + 1.0;
  g_assert_cmpuint (cusp_valve_section_cut_lps (mesh, point, normal, segments), ==, 0);
  point[2] = HEIGHT_MM / (RINGS - 1);
  g_assert_cmpuint (cusp_valve_section_cut_lps (mesh, point, normal, segments), ==, 2 * SIDES);
}

/* The screen cut is the LPS cut projected: a coronal view through the axis shows every segment
 * end on the two screen columns at +-r. */
static void
test_cut_on_screen (void)
{
  g_autoptr(CuspMesh) mesh = cylinder_mesh ();
  g_autoptr(GArray) segments = g_array_new (FALSE, FALSE, sizeof (double));
  double cursor[3] = { 0.0, 0.0, 5.0 }, x, y, left[3] = { -RADIUS_MM, 0.0, 0.0 }, rightp[3] = { RADIUS_MM, 0.0, 0.0 };
  double x_minus, x_plus;
  CuspSliceFrame frame;
  guint n;

  cusp_slice_frame_init (&frame, CUSP_SLICE_CORONAL, NULL, cursor, 1.0, NULL, 400, 400);
  n = cusp_valve_section_cut (mesh, &frame, segments);
  g_assert_cmpuint (n, ==, 2 * 2 * (RINGS - 1));
  cusp_slice_frame_lps_to_screen (&frame, left, &x_minus, &y);
  cusp_slice_frame_lps_to_screen (&frame, rightp, &x_plus, &y);
  for (guint i = 0; i < 2 * n; i++)
    {
      x = g_array_index (segments, double, 2 * i);
      /* the coronal plane y = 0 goes through two vertex columns: exactly +-r */
      g_assert_cmpfloat (MIN (fabs (x - x_minus), fabs (x - x_plus)), <, 1e-3);
    }

  /* bad input: an out-of-range index or a NaN corner is skipped, never drawn */
  mesh->indices[0] = mesh->vertex_count + 5;
  mesh->positions_mm[3 * mesh->indices[3]] = NAN;
  g_array_set_size (segments, 0);
  n = cusp_valve_section_cut (mesh, &frame, segments);
  for (guint i = 0; i < 4 * n; i++)
    g_assert_true (isfinite (g_array_index (segments, double, i)));
  g_assert_cmpuint (cusp_valve_section_cut (NULL, &frame, segments), ==, 0);
}

/* An upright valve seen from the front: a rectangle r wide each side of the axis, the end
 * circles flat lines; seen from above: one circle of radius r. */
static void
test_outline (void)
{
  double cursor[3] = { 0.0, 0.0, 0.0 }, inflow[3] = { 0.0, 0.0, -4.0 }, axis[3] = { 0.0, 0.0, 1.0 };
  double diameter = 26.0, height = 45.0, cx, cy;
  CuspValveOutline outline;
  CuspSliceFrame frame;

  cusp_slice_frame_init (&frame, CUSP_SLICE_CORONAL, NULL, cursor, 1.0, NULL, 300, 300);
  g_assert_true (cusp_valve_outline_project (&frame, inflow, axis, diameter, height, &outline));
  g_assert_true (outline.has_silhouette);
  for (int side = 0; side < 2; side++)
    {
      double dx = outline.silhouette_px[side][0][0] - outline.axis_px[0][0];
      double dy = outline.silhouette_px[side][1][1] - outline.silhouette_px[side][0][1];

      g_assert_cmpfloat_with_epsilon (fabs (dx) * frame.mm_per_px, 0.5 * diameter, 1e-9);
      g_assert_cmpfloat_with_epsilon (-dy * frame.mm_per_px, height, 1e-9);   /* outflow up */
    }
  for (int k = 0; k < CUSP_VALVE_OUTLINE_CIRCLE_POINTS; k++)
    g_assert_cmpfloat_with_epsilon (outline.inflow_px[k][1], outline.axis_px[0][1], 1e-9);

  cusp_slice_frame_init (&frame, CUSP_SLICE_AXIAL, NULL, cursor, 1.0, NULL, 300, 300);
  g_assert_true (cusp_valve_outline_project (&frame, inflow, axis, diameter, height, &outline));
  g_assert_false (outline.has_silhouette);
  cx = outline.axis_px[0][0];
  cy = outline.axis_px[0][1];
  for (int k = 0; k < CUSP_VALVE_OUTLINE_CIRCLE_POINTS; k++)
    {
      double r = hypot (outline.outflow_px[k][0] - cx, outline.outflow_px[k][1] - cy);
      g_assert_cmpfloat_with_epsilon (r * frame.mm_per_px, 0.5 * diameter, 1e-9);
    }

  g_assert_false (cusp_valve_outline_project (&frame, inflow, axis, NAN, height, &outline));
  g_assert_false (cusp_valve_outline_project (&frame, inflow, axis, diameter, 0.0, &outline));
  axis[2] = 0.0;
  g_assert_false (cusp_valve_outline_project (&frame, inflow, axis, diameter, height, &outline));
}

/* An upright root (z superior) whose x axis points anterior, so y = z x x points patient left:
 * the coronal view looks along x and shows a tilt as a swing to the left or right. */
static CuspValvePlacement
upright_valve (void)
{
  CuspValvePlacement v = {
    .root = { { 5.0, -3.0, 10.0 }, { 0.0, -1.0, 0.0 }, { 1.0, 0.0, 0.0 }, { 0.0, 0.0, 1.0 } },
    .pose = { 4.0, 0.0, 0.0 },
    .diameter_mm = 26.0,
    .height_mm = 20.0,
  };
  return v;
}

static void
coronal_frame (CuspSliceFrame *frame, const CuspValvePlacement *v)
{
  cusp_slice_frame_init (frame, CUSP_SLICE_CORONAL, NULL, v->root.origin_mm, 1.0, NULL, 400, 400);
}

static void
test_handles_layout (void)
{
  CuspValvePlacement v = upright_valve ();
  CuspValveHandles h;
  CuspSliceFrame frame;
  double mid[3], x, y;

  coronal_frame (&frame, &v);
  g_assert_true (cusp_valve_handles_layout (&frame, &v, &h));
  g_assert_true (h.shown[CUSP_VALVE_HANDLE_DEPTH]);
  g_assert_true (h.shown[CUSP_VALVE_HANDLE_TILT]);
  g_assert_false (h.shown[CUSP_VALVE_HANDLE_ROTATION]);
  /* the depth handle midway up the valve: 4 mm below the annulus + 10 mm */
  mid[0] = v.root.origin_mm[0];
  mid[1] = v.root.origin_mm[1];
  mid[2] = v.root.origin_mm[2] - 4.0 + 10.0;
  cusp_slice_frame_lps_to_screen (&frame, mid, &x, &y);
  g_assert_cmpfloat_with_epsilon (h.x_px[CUSP_VALVE_HANDLE_DEPTH], x, 1e-9);
  g_assert_cmpfloat_with_epsilon (h.y_px[CUSP_VALVE_HANDLE_DEPTH], y, 1e-9);
  g_assert_cmpfloat_with_epsilon ((h.y_px[CUSP_VALVE_HANDLE_DEPTH] - h.y_px[CUSP_VALVE_HANDLE_TILT]) * frame.mm_per_px,
                                  10.0, 1e-9);
  g_assert_cmpint (cusp_valve_handles_pick (&h, x + 3.0, y - 2.0, 12.0), ==, CUSP_VALVE_HANDLE_DEPTH);
  g_assert_cmpint (cusp_valve_handles_pick (&h, x + 30.0, y, 12.0), ==, CUSP_VALVE_HANDLE_NONE);

  /* the sagittal view looks along the tilt knob's path: depth, no tilt */
  cusp_slice_frame_init (&frame, CUSP_SLICE_SAGITTAL, NULL, v.root.origin_mm, 1.0, NULL, 400, 400);
  g_assert_true (cusp_valve_handles_layout (&frame, &v, &h));
  g_assert_true (h.shown[CUSP_VALVE_HANDLE_DEPTH]);
  g_assert_false (h.shown[CUSP_VALVE_HANDLE_TILT]);

  /* a coronal slice 20 mm in front of the valve shows no handle on unrelated anatomy */
  {
    double away[3] = { v.root.origin_mm[0], v.root.origin_mm[1] - 20.0, v.root.origin_mm[2] };
    cusp_slice_frame_init (&frame, CUSP_SLICE_CORONAL, NULL, away, 1.0, NULL, 400, 400);
    g_assert_false (cusp_valve_handles_layout (&frame, &v, &h));
  }

  /* the axial view looks down the axis: only the rotation knob, on the rim */
  cusp_slice_frame_init (&frame, CUSP_SLICE_AXIAL, NULL, v.root.origin_mm, 1.0, NULL, 400, 400);
  g_assert_true (cusp_valve_handles_layout (&frame, &v, &h));
  g_assert_false (h.shown[CUSP_VALVE_HANDLE_DEPTH]);
  g_assert_true (h.shown[CUSP_VALVE_HANDLE_ROTATION]);
  g_assert_cmpfloat_with_epsilon (hypot (h.x_px[CUSP_VALVE_HANDLE_ROTATION] - h.stem_px[0],
                                         h.y_px[CUSP_VALVE_HANDLE_ROTATION] - h.stem_px[1]) * frame.mm_per_px,
                                  13.0, 1e-9);
}

/* Dragging the depth handle 5 mm down the screen in the coronal view (toward the feet, the
 * ventricle) makes the valve 5 mm deeper; 5 mm up, 5 mm shallower. A sideways drag does not
 * change the depth. */
static void
test_depth_drag (void)
{
  CuspValvePlacement v = upright_valve ();
  CuspSliceFrame frame;
  CuspSimPose pose;
  double px5, x, y;
  CuspValveHandles h;

  coronal_frame (&frame, &v);
  cusp_valve_handles_layout (&frame, &v, &h);
  x = h.x_px[CUSP_VALVE_HANDLE_DEPTH];
  y = h.y_px[CUSP_VALVE_HANDLE_DEPTH];
  px5 = 5.0 / frame.mm_per_px;
  g_assert_true (cusp_valve_handles_drag (CUSP_VALVE_HANDLE_DEPTH, &frame, &v, x, y, x, y + px5, &pose));
  g_assert_cmpfloat_with_epsilon (pose.depth_mm, 9.0, 1e-9);
  g_assert_cmpfloat (pose.tilt_deg, ==, 0.0);
  g_assert_cmpfloat (pose.rotation_deg, ==, 0.0);
  g_assert_true (cusp_valve_handles_drag (CUSP_VALVE_HANDLE_DEPTH, &frame, &v, x, y, x, y - px5, &pose));
  g_assert_cmpfloat_with_epsilon (pose.depth_mm, -1.0, 1e-9);
  g_assert_true (cusp_valve_handles_drag (CUSP_VALVE_HANDLE_DEPTH, &frame, &v, x, y, x + 40.0, y, &pose));
  g_assert_cmpfloat_with_epsilon (pose.depth_mm, 4.0, 1e-9);
}

/* A tilted valve in an oblique long-axis view: dragging the depth handle from where it is drawn
 * to where it is drawn 5 mm deeper asks for exactly 5 mm more depth, and the tilt knob dragged
 * to where the 12° pose draws it asks for 12°. */
static void
test_round_trips (void)
{
  CuspValvePlacement v = upright_valve (), target;
  const double up_hint[3] = { 0.0, 0.0, 1.0 };
  double normal[3] = { 0.3, 0.93, 0.2 };
  CuspValveHandles h0, h1;
  CuspSliceFrame frame;
  CuspSimPose pose;

  v.pose.tilt_deg = -6.0;
  v.pose.rotation_deg = 30.0;
  /* the plane through the annulus centre, seeing the root's y-z plane at about 20° */
  g_assert_true (cusp_oblique_frame_init (&frame, v.root.origin_mm, normal, up_hint, 80.0, 500, 400));
  g_assert_true (cusp_valve_handles_layout (&frame, &v, &h0));
  g_assert_true (h0.shown[CUSP_VALVE_HANDLE_DEPTH] && h0.shown[CUSP_VALVE_HANDLE_TILT]);

  target = v;
  target.pose.depth_mm += 5.0;
  cusp_valve_handles_layout (&frame, &target, &h1);
  g_assert_true (cusp_valve_handles_drag (CUSP_VALVE_HANDLE_DEPTH, &frame, &v,
                                          h0.x_px[0], h0.y_px[0], h1.x_px[0], h1.y_px[0], &pose));
  g_assert_cmpfloat_with_epsilon (pose.depth_mm, 9.0, 1e-9);

  target = v;
  target.pose.tilt_deg = 12.0;
  cusp_valve_handles_layout (&frame, &target, &h1);
  g_assert_true (cusp_valve_handles_drag (CUSP_VALVE_HANDLE_TILT, &frame, &v,
                                          h0.x_px[1], h0.y_px[1], h1.x_px[1], h1.y_px[1], &pose));
  g_assert_cmpfloat_with_epsilon (pose.tilt_deg, 12.0, 1e-6);
  g_assert_cmpfloat (pose.depth_mm, ==, 4.0);

  /* rotation in the annulus view (looking down the root axis): 30° -> -100° */
  normal[0] = 0.0;
  normal[1] = 0.0;
  normal[2] = 1.0;
  {
    const double anterior[3] = { 0.0, -1.0, 0.0 };
    g_assert_true (cusp_oblique_frame_init (&frame, v.root.origin_mm, normal, anterior, 60.0, 400, 400));
  }
  g_assert_true (cusp_valve_handles_layout (&frame, &v, &h0));
  g_assert_true (h0.shown[CUSP_VALVE_HANDLE_ROTATION]);
  target = v;
  target.pose.rotation_deg = -100.0;
  cusp_valve_handles_layout (&frame, &target, &h1);
  g_assert_true (cusp_valve_handles_drag (CUSP_VALVE_HANDLE_ROTATION, &frame, &v,
                                          h0.x_px[2], h0.y_px[2], h1.x_px[2], h1.y_px[2], &pose));
  g_assert_cmpfloat_with_epsilon (pose.rotation_deg, -100.0, 1e-9);
  g_assert_cmpfloat (pose.tilt_deg, ==, -6.0);

  /* no such handle, or a view along the plane of motion: no pose */
  g_assert_false (cusp_valve_handles_drag (CUSP_VALVE_HANDLE_NONE, &frame, &v, 0, 0, 1, 1, &pose));
  g_assert_false (cusp_valve_handles_drag (CUSP_VALVE_HANDLE_DEPTH, &frame, &v, 0, 0, 1, 1, &pose));
}

static void
count_request (CuspValveScene *scene, const CuspSimPose *pose, int *count)
{
  (*count)++;
}

/* A drag asks only for changes: the pose the scene already shows is not asked for again. */
static void
test_request_only_changes (void)
{
  g_autoptr(CuspValveScene) scene = cusp_valve_scene_new ();
  CuspValvePlacement v = upright_valve ();
  CuspSimPose pose = v.pose;
  int count = 0;

  g_signal_connect (scene, "pose-requested", G_CALLBACK (count_request), &count);
  cusp_valve_scene_set_root (scene, &v.root);
  cusp_valve_scene_set_valve (scene, TRUE, &v.pose, v.diameter_mm, v.height_mm);
  cusp_valve_handles_request (scene, &pose);
  g_assert_cmpint (count, ==, 0);
  pose.depth_mm += 0.25;
  cusp_valve_handles_request (scene, &pose);
  g_assert_cmpint (count, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/valve-section/cut-along-axis", test_cut_along_axis);
  g_test_add_func ("/render/valve-section/cut-across", test_cut_across);
  g_test_add_func ("/render/valve-section/cut-on-screen", test_cut_on_screen);
  g_test_add_func ("/render/valve-section/outline", test_outline);
  g_test_add_func ("/render/valve-handles/layout", test_handles_layout);
  g_test_add_func ("/render/valve-handles/depth-drag", test_depth_drag);
  g_test_add_func ("/render/valve-handles/round-trips", test_round_trips);
  g_test_add_func ("/render/valve-handles/request-only-changes", test_request_only_changes);
  return g_test_run ();
}
