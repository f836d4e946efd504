/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-valve-scene.c: the views' valve model: frame maths, the valve axis of a pose, and the
 * request path (a view's drag reaches the owner only when there is a valve to move). */
#include "cusp-valve-scene.h"

#include <math.h>

/* An oblique frame: the root axis leans toward patient left-anterior, as on a real CT. */
static CuspSceneFrame
oblique_frame (void)
{
  CuspSceneFrame f = { { 10.0, -20.0, 30.0 }, { 0 }, { 0 }, { 0 } };
  double z[3] = { 0.3, -0.4, 0.866 }, n = sqrt (0.09 + 0.16 + 0.866 * 0.866);
  double x0[3] = { 1.0, 0.0, 0.0 }, d;

  for (int i = 0; i < 3; i++)
    f.axis_z[i] = z[i] / n;
  d = x0[0] * f.axis_z[0];
  for (int i = 0; i < 3; i++)
    f.axis_x[i] = x0[i] - d * f.axis_z[i];
  n = sqrt (f.axis_x[0] * f.axis_x[0] + f.axis_x[1] * f.axis_x[1] + f.axis_x[2] * f.axis_x[2]);
  for (int i = 0; i < 3; i++)
    f.axis_x[i] /= n;
  f.axis_y[0] = f.axis_z[1] * f.axis_x[2] - f.axis_z[2] * f.axis_x[1];
  f.axis_y[1] = f.axis_z[2] * f.axis_x[0] - f.axis_z[0] * f.axis_x[2];
  f.axis_y[2] = f.axis_z[0] * f.axis_x[1] - f.axis_z[1] * f.axis_x[0];
  return f;
}

static void
test_round_trip (void)
{
  CuspSceneFrame f = oblique_frame ();
  double root[3] = { 3.0, -7.5, 12.25 }, lps[3], back[3];

  cusp_scene_frame_to_lps (&f, root, lps);
  cusp_scene_frame_from_lps (&f, lps, back);
  for (int i = 0; i < 3; i++)
    g_assert_cmpfloat_with_epsilon (back[i], root[i], 1e-9);
}

/* Depth 4 mm, no tilt: the inflow centre is 4 mm below the origin along -z. Tilt 10 deg about x:
 * the axis leaves z toward -y by sin 10 deg, and the inflow centre stays 4 mm from the origin. */
static void
test_valve_axis (void)
{
  CuspSceneFrame f = oblique_frame ();
  CuspSimPose pose = { 4.0, 0.0, 33.0 };
  double centre[3], axis[3], root[3];

  cusp_scene_frame_valve_axis (&f, &pose, centre, axis);
  cusp_scene_frame_from_lps (&f, centre, root);
  g_assert_cmpfloat_with_epsilon (root[0], 0.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (root[1], 0.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (root[2], -4.0, 1e-9);
  for (int i = 0; i < 3; i++)
    g_assert_cmpfloat_with_epsilon (axis[i], f.axis_z[i], 1e-9);

  pose.tilt_deg = 10.0;
  cusp_scene_frame_valve_axis (&f, &pose, centre, axis);
  cusp_scene_frame_from_lps (&f, centre, root);
  g_assert_cmpfloat_with_epsilon (sqrt (root[0] * root[0] + root[1] * root[1] + root[2] * root[2]), 4.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (root[1], 4.0 * sin (10.0 * G_PI / 180.0), 1e-9);
  {
    double axis_root[3] = { 0 };
    for (int i = 0; i < 3; i++)
      {
        axis_root[0] += axis[i] * f.axis_x[i];
        axis_root[1] += axis[i] * f.axis_y[i];
        axis_root[2] += axis[i] * f.axis_z[i];
      }
    g_assert_cmpfloat_with_epsilon (axis_root[0], 0.0, 1e-9);
    g_assert_cmpfloat_with_epsilon (axis_root[1], -sin (10.0 * G_PI / 180.0), 1e-9);
    g_assert_cmpfloat_with_epsilon (axis_root[2], cos (10.0 * G_PI / 180.0), 1e-9);
  }
}

static void
on_request (CuspValveScene *scene, const CuspSimPose *pose, gpointer data)
{
  CuspSimPose *got = data;

  *got = *pose;
}

static void
on_changed (CuspValveScene *scene, gpointer data)
{
  (*(int *) data)++;
}

static void
test_requests (void)
{
  g_autoptr(CuspValveScene) scene = cusp_valve_scene_new ();
  CuspSceneFrame f = oblique_frame ();
  CuspSimPose got = { -99.0, 0.0, 0.0 }, pose = { 5.5, 2.0, 15.0 }, shown;
  CuspSimPose bad = { NAN, 0.0, 0.0 };
  double diameter = 0.0;
  int changes = 0;

  g_signal_connect (scene, "pose-requested", G_CALLBACK (on_request), &got);
  g_signal_connect (scene, "changed", G_CALLBACK (on_changed), &changes);

  /* no root, no valve: nothing to move */
  cusp_valve_scene_request_pose (scene, &pose);
  g_assert_cmpfloat (got.depth_mm, ==, -99.0);
  g_assert_false (cusp_valve_scene_get_valve (scene, &shown, NULL, NULL));

  cusp_valve_scene_set_root (scene, &f);
  cusp_valve_scene_request_pose (scene, &pose);
  g_assert_cmpfloat (got.depth_mm, ==, -99.0);

  cusp_valve_scene_set_valve (scene, TRUE, &pose, 26.0, 19.0);
  g_assert_true (cusp_valve_scene_get_valve (scene, &shown, &diameter, NULL));
  g_assert_cmpfloat (shown.rotation_deg, ==, 15.0);
  g_assert_cmpfloat (diameter, ==, 26.0);
  cusp_valve_scene_request_pose (scene, &bad);
  g_assert_cmpfloat (got.depth_mm, ==, -99.0);
  cusp_valve_scene_request_pose (scene, &pose);
  g_assert_cmpfloat (got.depth_mm, ==, 5.5);
  g_assert_cmpint (changes, ==, 2);

  /* a new root forgets the old deployed frame */
  {
    float positions[9] = { 0, 0, 0, 1, 0, 0, 0, 1, 0 }, normals[9] = { 0, 0, 1, 0, 0, 1, 0, 0, 1 };
    uint32_t indices[3] = { 0, 1, 2 };
    CuspMesh mesh = { 3, 1, positions, normals, indices };
    gboolean converged = FALSE;

    guint serial = cusp_valve_scene_get_frame_serial (scene);

    cusp_valve_scene_set_frame_mesh (scene, &mesh, TRUE);
    g_assert_cmpuint (cusp_valve_scene_get_frame_serial (scene), !=, serial);
    serial = cusp_valve_scene_get_frame_serial (scene);
    cusp_valve_scene_set_valve (scene, TRUE, &pose, 26.0, 19.0);   /* a pose change keeps it */
    g_assert_cmpuint (cusp_valve_scene_get_frame_serial (scene), ==, serial);
    g_assert_nonnull (cusp_valve_scene_get_frame_mesh (scene, &converged));
    g_assert_true (converged);
    cusp_valve_scene_set_root (scene, &f);
    g_assert_null (cusp_valve_scene_get_frame_mesh (scene, NULL));
    g_assert_cmpuint (cusp_valve_scene_get_frame_serial (scene), !=, serial);
  }
}

static void
on_interaction_ended (CuspValveScene *scene, int *ended)
{
  (*ended)++;
}

/* A view's handle drag is bracketed, so the owner can keep it as one history entry. */
static void
test_interaction (void)
{
  g_autoptr(CuspValveScene) scene = cusp_valve_scene_new ();
  int ended = 0;

  g_signal_connect (scene, "interaction-ended", G_CALLBACK (on_interaction_ended), &ended);
  g_assert_false (cusp_valve_scene_is_interacting (scene));
  cusp_valve_scene_end_interaction (scene);                 /* unbalanced: ignored */
  g_assert_cmpint (ended, ==, 0);
  cusp_valve_scene_begin_interaction (scene);
  cusp_valve_scene_begin_interaction (scene);
  g_assert_true (cusp_valve_scene_is_interacting (scene));
  cusp_valve_scene_end_interaction (scene);
  g_assert_true (cusp_valve_scene_is_interacting (scene));
  g_assert_cmpint (ended, ==, 0);
  cusp_valve_scene_end_interaction (scene);
  g_assert_false (cusp_valve_scene_is_interacting (scene));
  g_assert_cmpint (ended, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/valve-scene/frame-round-trip", test_round_trip);
  g_test_add_func ("/render/valve-scene/valve-axis", test_valve_axis);
  g_test_add_func ("/render/valve-scene/requests", test_requests);
  g_test_add_func ("/render/valve-scene/interaction", test_interaction);
  return g_test_run ();
}
