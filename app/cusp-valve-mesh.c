/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-mesh.c: the deployed frame as tubes (layout and refusal: see the header). */
#include "cusp-valve-mesh.h"

#include <math.h>

static void
normalize (double v[3])
{
  double n = sqrt (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);

  if (n > 0.0)
    for (int k = 0; k < 3; k++)
      v[k] /= n;
}

static void
cross (const double a[3], const double b[3], double out[3])
{
  out[0] = a[1] * b[2] - a[2] * b[1];
  out[1] = a[2] * b[0] - a[0] * b[2];
  out[2] = a[0] * b[1] - a[1] * b[0];
}

/* One open prism from a to b (LPS): `sides` quads, outward normals per ring vertex. */
static void
add_tube (CuspMesh *mesh, const double a[3], const double b[3], double radius_mm, int sides)
{
  double axis[3] = { b[0] - a[0], b[1] - a[1], b[2] - a[2] }, u[3], v[3];
  double helper[3] = { 1.0, 0.0, 0.0 };
  guint base = mesh->vertex_count;

  normalize (axis);
  if (fabs (axis[0]) > 0.9)
    helper[0] = 0.0, helper[1] = 1.0;
  cross (axis, helper, u);
  normalize (u);
  cross (axis, u, v);
  for (int s = 0; s < sides; s++)
    {
      double angle = 2.0 * G_PI * s / sides, n[3];

      for (int k = 0; k < 3; k++)
        n[k] = cos (angle) * u[k] + sin (angle) * v[k];
      for (int end = 0; end < 2; end++)
        {
          const double *p = end == 0 ? a : b;
          guint index = mesh->vertex_count++;

          for (int k = 0; k < 3; k++)
            {
              mesh->positions_mm[3 * index + k] = (float) (p[k] + radius_mm * n[k]);
              mesh->normals[3 * index + k] = (float) n[k];
            }
        }
    }
  for (int s = 0; s < sides; s++)
    {
      guint a0 = base + 2 * s, b0 = a0 + 1;
      guint a1 = base + 2 * ((s + 1) % sides), b1 = a1 + 1;
      guint32 *t = mesh->indices + 3 * mesh->triangle_count;

      /* counter-clockwise seen from outside: u -> v turns about the axis a -> b */
      t[0] = a0, t[1] = a1, t[2] = b1;
      t[3] = a0, t[4] = b1, t[5] = b0;
      mesh->triangle_count += 2;
    }
}

CuspMesh *
cusp_valve_mesh_new (const CuspLiveResult *result, const CuspDeviceDef *device,
                     const CuspRootFrame *frame, double radius_mm, int sides)
{
  g_autofree int *beam_nodes = NULL;
  int nodes = 0, beams;
  CuspMesh *mesh;

  if (result == NULL || result->node_position_mm == NULL || device == NULL || sides < 3
      || !(radius_mm > 0.0))
    return NULL;
  beams = cusp_sim_frame_topology (device, 1, &nodes, NULL);
  if (beams < 1 || result->node_count != nodes)
    return NULL;
  beam_nodes = g_new (int, 2 * (gsize) beams);
  if (cusp_sim_frame_topology (device, 1, &nodes, beam_nodes) != beams)
    return NULL;
  mesh = g_new0 (CuspMesh, 1);
  mesh->positions_mm = g_new (float, 3 * (gsize) beams * 2 * sides);
  mesh->normals = g_new (float, 3 * (gsize) beams * 2 * sides);
  mesh->indices = g_new (guint32, 3 * (gsize) beams * 2 * sides);
  for (int e = 0; e < beams; e++)
    {
      const double *ra = result->node_position_mm + 3 * beam_nodes[2 * e];
      const double *rb = result->node_position_mm + 3 * beam_nodes[2 * e + 1];
      double a[3], b[3];

      if (!isfinite (ra[0] + ra[1] + ra[2] + rb[0] + rb[1] + rb[2]))
        continue;
      cusp_root_frame_to_lps (frame, ra, a);
      cusp_root_frame_to_lps (frame, rb, b);
      add_tube (mesh, a, b, radius_mm, sides);
    }
  return mesh;
}
