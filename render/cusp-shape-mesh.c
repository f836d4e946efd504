/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-shape-mesh.c: coloured tubes, cones, spheres and rings in one mesh (see the header). */
#include "cusp-shape-mesh.h"
#include "cusp-vec3.h"

#include <math.h>
#include <string.h>

struct _CuspShapeMesh {
  GArray *positions;                 /* float x 3 */
  GArray *normals;                   /* float x 3 */
  GArray *colors;                    /* float x 4 */
  GArray *indices;                   /* guint32 x 3 */
};

CuspShapeMesh *
cusp_shape_mesh_new (void)
{
  CuspShapeMesh *shapes = g_new0 (CuspShapeMesh, 1);

  shapes->positions = g_array_new (FALSE, FALSE, sizeof (float));
  shapes->normals = g_array_new (FALSE, FALSE, sizeof (float));
  shapes->colors = g_array_new (FALSE, FALSE, sizeof (float));
  shapes->indices = g_array_new (FALSE, FALSE, sizeof (guint32));
  return shapes;
}

void
cusp_shape_mesh_free (CuspShapeMesh *shapes)
{
  if (shapes == NULL)
    return;
  g_array_unref (shapes->positions);
  g_array_unref (shapes->normals);
  g_array_unref (shapes->colors);
  g_array_unref (shapes->indices);
  g_free (shapes);
}

static guint32
add_vertex (CuspShapeMesh *shapes, const double p[3], const double n[3], const float rgba[4])
{
  float pf[3] = { (float) p[0], (float) p[1], (float) p[2] };
  float nf[3] = { (float) n[0], (float) n[1], (float) n[2] };

  g_array_append_vals (shapes->positions, pf, 3);
  g_array_append_vals (shapes->normals, nf, 3);
  g_array_append_vals (shapes->colors, rgba, 4);
  return shapes->positions->len / 3 - 1;
}

static void
add_triangle (CuspShapeMesh *shapes, guint32 a, guint32 b, guint32 c)
{
  guint32 t[3] = { a, b, c };
  g_array_append_vals (shapes->indices, t, 3);
}

gboolean
cusp_shape_basis (const double axis[3], double u[3], double v[3], double w[3])
{
  double helper[3] = { 1.0, 0.0, 0.0 };

  memcpy (w, axis, 3 * sizeof (double));
  if (!(cusp_vec3_normalize (w) > 1e-9) || !isfinite (w[0] + w[1] + w[2]))
    return FALSE;
  if (fabs (w[0]) > 0.8)             /* a helper far from w */
    helper[0] = 0.0, helper[1] = 1.0;
  cusp_vec3_cross (helper, w, u);
  cusp_vec3_normalize (u);
  cusp_vec3_cross (w, u, v);
  return TRUE;
}

void
cusp_shape_mesh_add_tube (CuspShapeMesh *shapes, const double a[3], const double b[3],
                          double radius_mm, int sides, const float rgba[4])
{
  double axis[3] = { b[0] - a[0], b[1] - a[1], b[2] - a[2] }, u[3], v[3], w[3];
  guint32 first;

  g_return_if_fail (shapes != NULL && sides >= 3);
  if (!cusp_shape_basis (axis, u, v, w) || !(radius_mm > 0.0))
    return;
  first = shapes->positions->len / 3;
  for (int s = 0; s < sides; s++)
    {
      double phi = 2.0 * G_PI * s / sides, n[3], pa[3], pb[3];
      for (int i = 0; i < 3; i++)
        {
          n[i] = cos (phi) * u[i] + sin (phi) * v[i];
          pa[i] = a[i] + radius_mm * n[i];
          pb[i] = b[i] + radius_mm * n[i];
        }
      add_vertex (shapes, pa, n, rgba);
      add_vertex (shapes, pb, n, rgba);
    }
  for (int s = 0; s < sides; s++)
    {
      guint32 i0 = first + 2 * s, i1 = first + 2 * ((s + 1) % sides);
      add_triangle (shapes, i0, i1, i0 + 1);
      add_triangle (shapes, i1, i1 + 1, i0 + 1);
    }
}

void
cusp_shape_mesh_add_cone (CuspShapeMesh *shapes, const double base[3], const double apex[3],
                          double radius_mm, int sides, const float rgba[4])
{
  double axis[3] = { apex[0] - base[0], apex[1] - base[1], apex[2] - base[2] }, u[3], v[3], w[3];
  double height, back[3];
  guint32 first, centre;

  g_return_if_fail (shapes != NULL && sides >= 3);
  if (!cusp_shape_basis (axis, u, v, w) || !(radius_mm > 0.0))
    return;
  height = sqrt (axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
  first = shapes->positions->len / 3;
  for (int s = 0; s < sides; s++)
    {
      double phi = 2.0 * G_PI * s / sides, radial[3], n[3], p[3], len = 0.0;
      for (int i = 0; i < 3; i++)
        {
          radial[i] = cos (phi) * u[i] + sin (phi) * v[i];
          /* the side's normal tilts toward the apex by the half-angle */
          n[i] = height * radial[i] + radius_mm * w[i];
          len += n[i] * n[i];
          p[i] = base[i] + radius_mm * radial[i];
        }
      for (int i = 0; i < 3; i++)
        n[i] /= sqrt (len);
      add_vertex (shapes, p, n, rgba);
      add_vertex (shapes, apex, n, rgba);
    }
  for (int s = 0; s < sides; s++)
    add_triangle (shapes, first + 2 * s, first + 2 * ((s + 1) % sides), first + 2 * s + 1);
  /* the base disc, facing away from the apex */
  for (int i = 0; i < 3; i++)
    back[i] = -w[i];
  centre = add_vertex (shapes, base, back, rgba);
  for (int s = 0; s < sides; s++)
    {
      double phi = 2.0 * G_PI * s / sides, p[3];
      for (int i = 0; i < 3; i++)
        p[i] = base[i] + radius_mm * (cos (phi) * u[i] + sin (phi) * v[i]);
      add_vertex (shapes, p, back, rgba);
    }
  for (int s = 0; s < sides; s++)
    add_triangle (shapes, centre, centre + 1 + (s + 1) % sides, centre + 1 + s);
}

#define SPHERE_SLICES 16
#define SPHERE_STACKS 10

void
cusp_shape_mesh_add_sphere (CuspShapeMesh *shapes, const double centre[3], double radius_mm,
                            const float rgba[4])
{
  guint32 first;

  g_return_if_fail (shapes != NULL);
  if (!(radius_mm > 0.0))
    return;
  first = shapes->positions->len / 3;
  for (int j = 0; j <= SPHERE_STACKS; j++)
    {
      double theta = G_PI * j / SPHERE_STACKS;
      for (int i = 0; i <= SPHERE_SLICES; i++)
        {
          double phi = 2.0 * G_PI * i / SPHERE_SLICES;
          double n[3] = { sin (theta) * cos (phi), sin (theta) * sin (phi), cos (theta) }, p[3];
          for (int k = 0; k < 3; k++)
            p[k] = centre[k] + radius_mm * n[k];
          add_vertex (shapes, p, n, rgba);
        }
    }
  for (int j = 0; j < SPHERE_STACKS; j++)
    for (int i = 0; i < SPHERE_SLICES; i++)
      {
        guint32 a = first + j * (SPHERE_SLICES + 1) + i, b = a + SPHERE_SLICES + 1;
        add_triangle (shapes, a, b, a + 1);
        add_triangle (shapes, a + 1, b, b + 1);
      }
}

#define RING_SEGMENTS 48
#define RING_SIDES 8

void
cusp_shape_mesh_add_ring (CuspShapeMesh *shapes, const double centre[3], const double axis[3],
                          double major_mm, double minor_mm, const float rgba[4])
{
  double u[3], v[3], w[3];
  guint32 first;

  g_return_if_fail (shapes != NULL);
  if (!cusp_shape_basis (axis, u, v, w) || !(major_mm > 0.0) || !(minor_mm > 0.0))
    return;
  first = shapes->positions->len / 3;
  for (int s = 0; s < RING_SEGMENTS; s++)
    {
      double phi = 2.0 * G_PI * s / RING_SEGMENTS, radial[3];
      for (int i = 0; i < 3; i++)
        radial[i] = cos (phi) * u[i] + sin (phi) * v[i];
      for (int k = 0; k < RING_SIDES; k++)
        {
          double psi = 2.0 * G_PI * k / RING_SIDES, n[3], p[3];
          for (int i = 0; i < 3; i++)
            {
              n[i] = cos (psi) * radial[i] + sin (psi) * w[i];
              p[i] = centre[i] + major_mm * radial[i] + minor_mm * n[i];
            }
          add_vertex (shapes, p, n, rgba);
        }
    }
  for (int s = 0; s < RING_SEGMENTS; s++)
    for (int k = 0; k < RING_SIDES; k++)
      {
        guint32 a = first + s * RING_SIDES + k;
        guint32 b = first + ((s + 1) % RING_SEGMENTS) * RING_SIDES + k;
        guint32 a1 = first + s * RING_SIDES + (k + 1) % RING_SIDES;
        guint32 b1 = first + ((s + 1) % RING_SEGMENTS) * RING_SIDES + (k + 1) % RING_SIDES;
        add_triangle (shapes, a, b, a1);
        add_triangle (shapes, a1, b, b1);
      }
}

guint
cusp_shape_mesh_get_vertex_count (const CuspShapeMesh *shapes)
{
  g_return_val_if_fail (shapes != NULL, 0);
  return shapes->positions->len / 3;
}

CuspMesh *
cusp_shape_mesh_to_mesh (const CuspShapeMesh *shapes)
{
  CuspMesh *mesh;

  g_return_val_if_fail (shapes != NULL, NULL);
  if (shapes->indices->len == 0)
    return NULL;
  mesh = g_new0 (CuspMesh, 1);
  mesh->vertex_count = shapes->positions->len / 3;
  mesh->triangle_count = shapes->indices->len / 3;
  mesh->positions_mm = g_memdup2 (shapes->positions->data, shapes->positions->len * sizeof (float));
  mesh->normals = g_memdup2 (shapes->normals->data, shapes->normals->len * sizeof (float));
  mesh->indices = g_memdup2 (shapes->indices->data, shapes->indices->len * sizeof (guint32));
  return mesh;
}

const float *
cusp_shape_mesh_get_colors (const CuspShapeMesh *shapes)
{
  g_return_val_if_fail (shapes != NULL, NULL);
  return (const float *) shapes->colors->data;
}
