/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-mesh.c: label surfaces (flying edges + smoothing + decimation) and STL/OBJ/VTP export. */
#include "cusp-error.h"
#include "cusp-mesh.h"

#include <glib/gstdio.h>
#include <math.h>

#define RADIUS_MM 10.0

/* A ball of label 2 (radius 10 mm, centre c) inside a box of label 1 voxels that must not count,
 * on a 0.5 mm grid whose direction is a rotation about z combined with a mirror of the i axis. */
static CuspVolume *
ball_labels (const double c[3], gboolean mirrored)
{
  const int dims[3] = { 56, 56, 56 };
  g_autoptr(GError) error = NULL;
  CuspVolume *labels = cusp_volume_new (CUSP_VOXEL_INT16, dims, &error);
  g_assert_no_error (error);
  const double a = 0.5;                  /* rad */
  const double s = mirrored ? -1 : 1;
  double D[9] = { s * cos (a), -sin (a), 0, s * sin (a), cos (a), 0, 0, 0, 1 };
  for (int q = 0; q < 9; q++)
    labels->direction[q] = D[q];
  for (int q = 0; q < 3; q++)
    labels->spacing_mm[q] = 0.5;
  /* origin so that the grid centre sits at c */
  double half[3] = { 27.5 * 0.5, 27.5 * 0.5, 27.5 * 0.5 };
  for (int r = 0; r < 3; r++)
    labels->origin_mm[r] = c[r] - (D[3 * r] * half[0] + D[3 * r + 1] * half[1] + D[3 * r + 2] * half[2]);
  int16_t *v = labels->voxels;
  gsize o = 0;
  for (int k = 0; k < dims[2]; k++)
    for (int j = 0; j < dims[1]; j++)
      for (int i = 0; i < dims[0]; i++, o++)
        {
          double ijk[3] = { i, j, k }, p[3];
          cusp_volume_index_to_lps (labels, ijk, p);
          double d = sqrt ((p[0] - c[0]) * (p[0] - c[0]) + (p[1] - c[1]) * (p[1] - c[1]) + (p[2] - c[2]) * (p[2] - c[2]));
          v[o] = d <= RADIUS_MM ? 2 : (k < 3 ? 1 : 0);
        }
  return labels;
}

static void
check_ball (gboolean mirrored)
{
  const double c[3] = { 12.0, -40.0, 95.0 };
  g_autoptr(CuspVolume) labels = ball_labels (c, mirrored);
  CuspMeshOptions options = cusp_mesh_options_default (2, 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspMesh) mesh = cusp_mesh_from_labels (labels, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mesh);
  g_assert_cmpuint (mesh->triangle_count, >, 500);

  double volume = cusp_mesh_enclosed_volume (mesh);
  double exact = 4.0 / 3.0 * G_PI * pow (RADIUS_MM, 3);
  g_test_message ("%s: %u vertices, %u triangles, volume %.0f mm3 vs %.0f (%+.2f %%)",
                  mirrored ? "mirrored" : "rotated", mesh->vertex_count, mesh->triangle_count, volume,
                  exact, 100 * (volume / exact - 1));
  g_assert_cmpfloat (fabs (volume / exact - 1), <, 0.03);

  /* positions on the sphere in LPS, normals pointing outward */
  guint outward = 0;
  double worst = 0;
  for (guint v = 0; v < mesh->vertex_count; v++)
    {
      const float *p = mesh->positions_mm + 3 * v, *n = mesh->normals + 3 * v;
      double d[3] = { p[0] - c[0], p[1] - c[1], p[2] - c[2] };
      double r = sqrt (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
      worst = MAX (worst, fabs (r - RADIUS_MM));
      outward += (d[0] * n[0] + d[1] * n[1] + d[2] * n[2]) > 0;
    }
  g_test_message ("largest radial deviation %.2f mm; %u of %u normals outward", worst, outward, mesh->vertex_count);
  g_assert_cmpfloat (worst, <, 0.6);
  g_assert_cmpuint (outward, ==, mesh->vertex_count);
  for (guint t = 0; t < 3 * mesh->triangle_count; t++)
    g_assert_cmpuint (mesh->indices[t], <, mesh->vertex_count);
}

static void
test_ball (void)
{
  check_ball (FALSE);
}

static void
test_ball_mirrored (void)
{
  check_ball (TRUE);
}

static void
test_export (void)
{
  const double c[3] = { 0, 0, 0 };
  g_autoptr(CuspVolume) labels = ball_labels (c, FALSE);
  CuspMeshOptions options = cusp_mesh_options_default (2, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspMesh) mesh = cusp_mesh_from_labels (labels, &options, &error);
  g_assert_no_error (error);
  g_autofree char *dir = g_dir_make_tmp ("cusp-mesh-XXXXXX", &error);
  g_assert_no_error (error);
  const char *names[] = { "lumen.stl", "lumen.obj", "lumen.vtp", "LUMEN.STL" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autoptr(GError) export_error = NULL;
      g_assert_true (cusp_mesh_export (mesh, path, &export_error));
      g_assert_no_error (export_error);
      GStatBuf st;
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_test_message ("%s: %lld bytes", names[i], (long long) st.st_size);
      /* binary STL: 84-byte header + 50 bytes per triangle */
      if (g_str_has_suffix (names[i], ".stl"))
        g_assert_cmpint (st.st_size, ==, 84 + 50 * (gint64) mesh->triangle_count);
      else
        g_assert_cmpint (st.st_size, >, 1000);
      g_unlink (path);
    }

  /* refusals with a message, no crash: unknown extension, unwritable folder, empty surface */
  g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL;
  g_autofree char *ply = g_build_filename (dir, "lumen.ply", NULL);
  g_assert_false (cusp_mesh_export (mesh, ply, &e1));
  g_assert_error (e1, CUSP_ERROR, CUSP_ERROR_UNSUPPORTED);
  g_assert_false (cusp_mesh_export (mesh, "/nonexistent-folder/x.stl", &e2));
  g_assert_nonnull (e2);
  g_test_message ("%s", e2->message);
  CuspMeshOptions none = cusp_mesh_options_default (7, 7);
  g_autoptr(CuspMesh) empty = cusp_mesh_from_labels (labels, &none, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->triangle_count, ==, 0);
  g_autofree char *stl = g_build_filename (dir, "empty.stl", NULL);
  g_assert_false (cusp_mesh_export (empty, stl, &e3));
  g_assert_error (e3, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT);
  g_assert_false (g_file_test (stl, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/seg/mesh/ball", test_ball);
  g_test_add_func ("/seg/mesh/ball-mirrored", test_ball_mirrored);
  g_test_add_func ("/seg/mesh/export", test_export);
  return g_test_run ();
}
