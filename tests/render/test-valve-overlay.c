/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-valve-overlay.c: the 3D view's overlay maths without GL: pressure sampling on the wall,
 * colour scale, lumen vertex colours, leak jet placement, the ostium's leaflet point. */
#include "cusp-valve-overlay.h"

#include <math.h>

/* The identity root frame: root coordinates are LPS. */
static CuspSceneFrame
identity_frame (void)
{
  CuspSceneFrame f = { { 0, 0, 0 }, { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
  return f;
}

/* 4 angles (0, 90, 180, 270 deg) x 3 heights (z = -1, 0, 1 mm) */
static const double grid_pa[3 * 4] = {
  0, 0, 0, 0,
  100, 200, 300, 400,
  1000, 1000, 1000, 1000,
};

static void
test_pressure_sampling (void)
{
  g_autoptr(CuspValveOverlay) o = cusp_valve_overlay_new ();

  g_assert_cmpfloat (cusp_valve_overlay_pressure_at (o, 0, 0), ==, 0.0);   /* no grid */
  g_assert_true (cusp_valve_overlay_set_pressure (o, 4, 3, -1.0, 1.0, grid_pa));
  g_assert_cmpfloat_with_epsilon (cusp_valve_overlay_pressure_at (o, 90, 0), 200, 1e-9);
  /* bilinear: half way between 90 and 180 deg, and half way between z = 0 and 1 */
  g_assert_cmpfloat_with_epsilon (cusp_valve_overlay_pressure_at (o, 135, 0), 250, 1e-9);
  g_assert_cmpfloat_with_epsilon (cusp_valve_overlay_pressure_at (o, 135, 0.5), 625, 1e-9);
  /* the angle wraps: 315 deg is between 270 (400) and 0 = 360 (100); -45 is the same place */
  g_assert_cmpfloat_with_epsilon (cusp_valve_overlay_pressure_at (o, 315, 0), 250, 1e-9);
  g_assert_cmpfloat_with_epsilon (cusp_valve_overlay_pressure_at (o, -45, 0), 250, 1e-9);
  /* outside the grid's heights: no contact */
  g_assert_cmpfloat (cusp_valve_overlay_pressure_at (o, 90, 1.5), ==, 0.0);
  g_assert_cmpfloat (cusp_valve_overlay_pressure_at (o, 90, -1.01), ==, 0.0);
  g_assert_cmpfloat (cusp_valve_overlay_pressure_at (o, NAN, 0), ==, 0.0);
  g_assert_cmpfloat (o->peak_pressure_pa, ==, 1000);
}

static void
test_bad_grids (void)
{
  g_autoptr(CuspValveOverlay) o = cusp_valve_overlay_new ();
  double bad[12];

  memcpy (bad, grid_pa, sizeof bad);
  bad[5] = NAN;
  g_assert_false (cusp_valve_overlay_set_pressure (o, 4, 3, -1.0, 1.0, bad));
  bad[5] = -1.0;
  g_assert_false (cusp_valve_overlay_set_pressure (o, 4, 3, -1.0, 1.0, bad));
  g_assert_false (cusp_valve_overlay_set_pressure (o, 4, 3, -1.0, 0.0, grid_pa));
  g_assert_false (cusp_valve_overlay_set_pressure (o, 0, 3, -1.0, 1.0, grid_pa));
  g_assert_null (o->pressure_pa);
  /* a gap map must cover a full turn */
  g_assert_false (cusp_valve_overlay_set_gap (o, 4, 3, 80.0, -1.0, 1.0, 0.1, grid_pa));
  g_assert_true (cusp_valve_overlay_set_gap (o, 4, 3, 90.0, -1.0, 1.0, 0.1, grid_pa));
}

static void
test_colormap_ends (void)
{
  float rgb[3], rgb2[3];

  /* viridis: dark purple at 0, yellow at 1 */
  cusp_pressure_colormap (0.0, rgb);
  g_assert_cmpfloat_with_epsilon (rgb[0], 0.267, 1e-6);
  g_assert_cmpfloat_with_epsilon (rgb[1], 0.005, 1e-6);
  g_assert_cmpfloat_with_epsilon (rgb[2], 0.329, 1e-6);
  cusp_pressure_colormap (1.0, rgb);
  g_assert_cmpfloat_with_epsilon (rgb[0], 0.993, 1e-6);
  g_assert_cmpfloat_with_epsilon (rgb[1], 0.906, 1e-6);
  g_assert_cmpfloat_with_epsilon (rgb[2], 0.144, 1e-6);
  /* clamped, and NaN is the bottom */
  cusp_pressure_colormap (7.0, rgb2);
  g_assert_cmpmem (rgb, sizeof rgb, rgb2, sizeof rgb2);
  cusp_pressure_colormap (NAN, rgb);
  cusp_pressure_colormap (-3.0, rgb2);
  g_assert_cmpmem (rgb, sizeof rgb, rgb2, sizeof rgb2);
  g_assert_cmpfloat_with_epsilon (rgb[0], 0.267, 1e-6);
  /* the middle is the teal stop: green above red, which is what the UI test looks for */
  cusp_pressure_colormap (0.5, rgb);
  g_assert_cmpfloat (rgb[1], >, rgb[0] + 0.3);
  /* lightness grows along the map (viridis is monotone in lightness) */
  for (int i = 0; i < 10; i++)
    {
      cusp_pressure_colormap (i / 10.0, rgb);
      cusp_pressure_colormap ((i + 1) / 10.0, rgb2);
      g_assert_cmpfloat (0.3 * rgb2[0] + 0.59 * rgb2[1] + 0.11 * rgb2[2], >,
                         0.3 * rgb[0] + 0.59 * rgb[1] + 0.11 * rgb[2]);
    }
}

static void
test_scale (void)
{
  double loaded[5] = { 0, 10e3, 20e3, 30e3, 400e3 };

  g_assert_cmpfloat (cusp_pressure_scale_max_pa (280e3), ==, 500e3);
  g_assert_cmpfloat (cusp_pressure_scale_max_pa (193755), ==, 200e3);
  g_assert_cmpfloat (cusp_pressure_scale_max_pa (20e3), ==, 20e3);
  g_assert_cmpfloat (cusp_pressure_scale_max_pa (2.1e3), ==, 2.5e3);
  g_assert_cmpfloat (cusp_pressure_scale_max_pa (0.0), ==, 100e3);
  g_assert_cmpfloat (cusp_pressure_scale_max_pa (NAN), ==, 100e3);
  /* 90th percentile of the 4 loaded cells (index floor(0.9 x 3) = 2): 30 kPa, not the 400 peak */
  g_assert_cmpfloat (cusp_pressure_scale_percentile_pa (loaded, 5), ==, 30e3);
  g_assert_cmpfloat (cusp_pressure_scale_percentile_pa (loaded, 1), ==, 0.0);
  /* square root: a quarter of the scale sits half way */
  g_assert_cmpfloat_with_epsilon (cusp_pressure_fraction (25e3, 100e3), 0.5, 1e-12);
  g_assert_cmpfloat (cusp_pressure_fraction (300e3, 100e3), ==, 1.0);
  g_assert_cmpfloat (cusp_pressure_fraction (NAN, 100e3), ==, 0.0);
  g_assert_cmpfloat (cusp_pressure_fraction (1e3, 0.0), ==, 0.0);
}

static void
test_vertex_colors (void)
{
  g_autoptr(CuspValveOverlay) o = cusp_valve_overlay_new ();
  CuspSceneFrame frame = identity_frame ();
  /* v0: on the wall at 90 deg, z 0, loaded; v1: at 180 deg, z -1, no load, gap open there;
   * v2: loaded angle but 30 mm out (beyond the frame's reach); v3: 0 deg, z 5 (above both maps) */
  float positions[4 * 3] = { 0, 12, 0, -12, 0, -1, 0, 30, 0, 12, 0, 5 };
  float normals[4 * 3] = { 0 };
  uint32_t indices[3] = { 0, 1, 2 };
  CuspMesh mesh = { 4, 1, positions, normals, indices };
  const double gap_mm[3 * 4] = { 0, 0, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  static const float base[4] = { 0.86f, 0.22f, 0.20f, 0.55f };
  float rgba[4 * 4], expected[3], gap_rgb[3];

  g_assert_true (cusp_valve_overlay_set_pressure (o, 4, 3, -1.0, 1.0, grid_pa));
  g_assert_true (cusp_valve_overlay_set_gap (o, 4, 3, 90.0, -1.0, 1.0, 0.1, gap_mm));
  o->frame_radius_mm = 12.5;
  cusp_valve_overlay_color_vertices (o, &frame, &mesh, base, rgba);

  cusp_pressure_colormap (cusp_pressure_fraction (200, o->scale_max_pa), expected);
  g_assert_cmpmem (rgba, 3 * sizeof (float), expected, sizeof expected);
  g_assert_cmpfloat (rgba[3], ==, CUSP_OVERLAY_TINT_ALPHA);
  cusp_overlay_gap_color (gap_rgb);
  g_assert_cmpmem (rgba + 4, 3 * sizeof (float), gap_rgb, sizeof gap_rgb);
  g_assert_cmpmem (rgba + 8, 4 * sizeof (float), base, sizeof base);
  g_assert_cmpmem (rgba + 12, 4 * sizeof (float), base, sizeof base);
  /* no overlay: all plain */
  cusp_valve_overlay_color_vertices (NULL, &frame, &mesh, base, rgba);
  for (int v = 0; v < 4; v++)
    g_assert_cmpmem (rgba + 4 * v, 4 * sizeof (float), base, sizeof base);
}

static void
test_jets (void)
{
  g_autoptr(CuspValveOverlay) o = cusp_valve_overlay_new ();
  g_autofree CuspLeakResult *leak = g_new0 (CuspLeakResult, 1);

  leak->channel_count = 3;
  leak->channels[0] = (CuspLeakChannel) { .center_angle_deg = 40, .narrowest_height_mm = 1.0,
                                          .mean_gap_mm = 0.4, .volume_ml = 1.0 };
  leak->channels[1] = (CuspLeakChannel) { .center_angle_deg = 200, .narrowest_height_mm = -2.0,
                                          .mean_gap_mm = 0.8, .volume_ml = 3.0 };
  leak->channels[2] = (CuspLeakChannel) { .center_angle_deg = 300, .volume_ml = 0.0 };
  leak->regurgitant_volume_ml = 4.0;
  cusp_valve_overlay_set_jets (o, leak, 13.0, -4.0);

  g_assert_cmpint (o->jet_count, ==, 2);                     /* the dry channel is no jet */
  g_assert_cmpfloat (o->jets[0].angle_deg, ==, 200);         /* the largest first */
  g_assert_cmpfloat_with_epsilon (o->jets[0].share, 0.75, 1e-12);
  g_assert_cmpfloat_with_epsilon (o->jets[1].share, 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (o->jets[0].radius_mm, 13.4, 1e-12);   /* inside the gap */
  g_assert_cmpfloat (o->jets[0].start_z_mm, ==, -2.0);
  /* toward the ventricle: ends below the skirt's inflow edge */
  g_assert_cmpfloat (o->jets[0].end_z_mm, <, -4.0);
  g_assert_cmpfloat (o->jets[1].end_z_mm, <, o->jets[1].start_z_mm);
  g_assert_cmpfloat (cusp_overlay_jet_radius_mm (o->jets[0].share), >, cusp_overlay_jet_radius_mm (o->jets[1].share));

  /* the shapes hold the arrows */
  {
    g_autoptr(CuspShapeMesh) shapes = cusp_shape_mesh_new ();
    CuspSceneFrame frame = identity_frame ();
    cusp_valve_overlay_build_shapes (o, &frame, shapes);
    g_assert_cmpuint (cusp_shape_mesh_get_vertex_count (shapes), >, 0);
  }

  /* no leak: no jet */
  leak->regurgitant_volume_ml = 0.0;
  cusp_valve_overlay_set_jets (o, leak, 13.0, -4.0);
  g_assert_cmpint (o->jet_count, ==, 0);
}

static void
test_ostium (void)
{
  g_autoptr(CuspValveOverlay) o = cusp_valve_overlay_new ();
  /* a root frame turned 90 deg about z and moved: root x = LPS y, root y = -LPS x */
  CuspSceneFrame frame = { { 10, 20, 30 }, { 0, 1, 0 }, { -1, 0, 0 }, { 0, 0, 1 } };
  double ostium_root[3] = { 0, 14, 12 }, ostium_lps[3], expected_root[3] = { 0, 8, 11 }, expected[3];

  cusp_scene_frame_to_lps (&frame, ostium_root, ostium_lps);
  cusp_valve_overlay_set_ostium (o, CUSP_OVERLAY_OSTIUM_LEFT, &frame, ostium_lps, 8.0, 11.0, 4.5, 2);
  g_assert_true (o->ostia[CUSP_OVERLAY_OSTIUM_LEFT].present);
  /* the ostium sits at 90 deg: the free edge in that meridian is (0, 8, 11) in the root frame */
  cusp_scene_frame_to_lps (&frame, expected_root, expected);
  for (int i = 0; i < 3; i++)
    g_assert_cmpfloat_with_epsilon (o->ostia[0].leaflet_lps[i], expected[i], 1e-9);
  g_assert_cmpint (o->ostia[0].risk_level, ==, 2);
  g_assert_false (o->ostia[CUSP_OVERLAY_OSTIUM_RIGHT].present);
  ostium_lps[1] = NAN;
  cusp_valve_overlay_set_ostium (o, CUSP_OVERLAY_OSTIUM_RIGHT, &frame, ostium_lps, 8.0, 11.0, 4.5, 7);
  g_assert_false (o->ostia[CUSP_OVERLAY_OSTIUM_RIGHT].present);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/overlay/pressure-sampling", test_pressure_sampling);
  g_test_add_func ("/render/overlay/bad-grids", test_bad_grids);
  g_test_add_func ("/render/overlay/colormap-ends", test_colormap_ends);
  g_test_add_func ("/render/overlay/scale", test_scale);
  g_test_add_func ("/render/overlay/vertex-colors", test_vertex_colors);
  g_test_add_func ("/render/overlay/jets", test_jets);
  g_test_add_func ("/render/overlay/ostium", test_ostium);
  return g_test_run ();
}
