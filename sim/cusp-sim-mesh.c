/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-mesh.c: a triangle-mesh lumen turned into the wall's radius grid. One ray per grid
 * cell from the axis point (0, 0, z) along theta; triangles are binned by grid row so a ray tests
 * only the few that span its height. A ray that finds no wall means a hole in the surface; one
 * that finds it twice means a fold or a self-intersection: either is refused with a message
 * naming where, because the solver's wall is a radius field. */
#include "cusp-sim-structure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MESH_TRIANGLES 4000000
#define SAME_HIT_MM 1e-6                      /* a ray through a shared edge hits twice */
#define BARY_EPS 1e-9                         /* ...and must not slip between the two */

CuspSimStatus
cusp_sim_mesh_check (const CuspSimLumenMesh *mesh, double *z0_mm, double *z1_mm, char *message)
{
  double lo = INFINITY, hi = -INFINITY;
  int good = 0;

  if (mesh->triangle_count <= 0 || mesh->vertex_count < 3 || mesh->vertices_mm == NULL
      || mesh->triangles == NULL)
    {
      cusp_sim_set_message (message, "lumen mesh: it is empty (%d vertices, %d triangles)", mesh->vertex_count,
           mesh->triangle_count);
      return CUSP_SIM_ERROR_BAD_WALL_MESH;
    }
  if (mesh->triangle_count > MAX_MESH_TRIANGLES)
    {
      cusp_sim_set_message (message, "lumen mesh: %d triangles is more than %d", mesh->triangle_count,
           MAX_MESH_TRIANGLES);
      return CUSP_SIM_ERROR_BAD_WALL_MESH;
    }
  for (int v = 0; v < mesh->vertex_count; v++)
    for (int c = 0; c < 3; c++)
      if (!isfinite (mesh->vertices_mm[3 * v + c]) || fabs (mesh->vertices_mm[3 * v + c]) > 1e4)
        {
          cusp_sim_set_message (message, "lumen mesh: vertex %d has a non-finite or absurd coordinate", v);
          return CUSP_SIM_ERROR_BAD_WALL_MESH;
        }
  for (int t = 0; t < mesh->triangle_count; t++)
    {
      const int *tri = mesh->triangles + 3 * t;
      double e1[3], e2[3], n[3];
      for (int k = 0; k < 3; k++)
        if (tri[k] < 0 || tri[k] >= mesh->vertex_count)
          {
            cusp_sim_set_message (message, "lumen mesh: triangle %d names vertex %d of %d", t, tri[k],
                 mesh->vertex_count);
            return CUSP_SIM_ERROR_BAD_WALL_MESH;
          }
      for (int c = 0; c < 3; c++)
        {
          e1[c] = mesh->vertices_mm[3 * tri[1] + c] - mesh->vertices_mm[3 * tri[0] + c];
          e2[c] = mesh->vertices_mm[3 * tri[2] + c] - mesh->vertices_mm[3 * tri[0] + c];
        }
      n[0] = e1[1] * e2[2] - e1[2] * e2[1];
      n[1] = e1[2] * e2[0] - e1[0] * e2[2];
      n[2] = e1[0] * e2[1] - e1[1] * e2[0];
      if (n[0] * n[0] + n[1] * n[1] + n[2] * n[2] > 1e-18)
        good++;
      for (int k = 0; k < 3; k++)
        {
          double z = mesh->vertices_mm[3 * tri[k] + 2];
          lo = z < lo ? z : lo;
          hi = z > hi ? z : hi;
        }
    }
  if (good == 0 || !(hi - lo > 1.0))
    {
      cusp_sim_set_message (message, "lumen mesh: no usable triangles (all degenerate, or under 1 mm tall)");
      return CUSP_SIM_ERROR_BAD_WALL_MESH;
    }
  *z0_mm = lo;
  *z1_mm = hi;
  return CUSP_SIM_OK;
}

/* Moller-Trumbore for a ray (o, d) with d horizontal; returns the distance or -1. */
static double
ray_triangle (const double *o, const double *d, const double *p0, const double *p1,
              const double *p2)
{
  double e1[3], e2[3], pv[3], tv[3], qv[3], det, u, v, t;

  for (int c = 0; c < 3; c++)
    {
      e1[c] = p1[c] - p0[c];
      e2[c] = p2[c] - p0[c];
    }
  pv[0] = d[1] * e2[2] - d[2] * e2[1];
  pv[1] = d[2] * e2[0] - d[0] * e2[2];
  pv[2] = d[0] * e2[1] - d[1] * e2[0];
  det = e1[0] * pv[0] + e1[1] * pv[1] + e1[2] * pv[2];
  if (fabs (det) < 1e-14)
    return -1.0;
  for (int c = 0; c < 3; c++)
    tv[c] = o[c] - p0[c];
  u = (tv[0] * pv[0] + tv[1] * pv[1] + tv[2] * pv[2]) / det;
  if (u < -BARY_EPS || u > 1.0 + BARY_EPS)
    return -1.0;
  qv[0] = tv[1] * e1[2] - tv[2] * e1[1];
  qv[1] = tv[2] * e1[0] - tv[0] * e1[2];
  qv[2] = tv[0] * e1[1] - tv[1] * e1[0];
  v = (d[0] * qv[0] + d[1] * qv[1] + d[2] * qv[2]) / det;
  if (v < -BARY_EPS || u + v > 1.0 + BARY_EPS)
    return -1.0;
  t = (e2[0] * qv[0] + e2[1] * qv[1] + e2[2] * qv[2]) / det;
  return t > 0.0 ? t : -1.0;
}

CuspSimStatus
cusp_sim_wall_fill_mesh (CuspSimWall *wall, const CuspSimLumenMesh *mesh, double z0_mm,
                         double z1_mm, char *message)
{
  int na = wall->angle_count, nh = wall->height_count, tc = mesh->triangle_count;
  int *start = calloc ((size_t) nh + 1, sizeof (int)), *list = NULL, total = 0;
  CuspSimStatus status = CUSP_SIM_OK;

  if (start == NULL)
    return CUSP_SIM_ERROR_NO_MEMORY;
  wall->height0_mm = z0_mm;
  wall->height_step_mm = (z1_mm - z0_mm) / (nh - 1);
  /* rows a triangle spans: count, then fill (CSR) */
  for (int pass = 0; pass < 2; pass++)
    {
      int *fill = pass == 1 ? calloc ((size_t) nh, sizeof (int)) : NULL;
      if (pass == 1)
        {
          for (int h = 0; h < nh; h++)
            start[h + 1] += start[h];
          total = start[nh];
          list = malloc ((size_t) (total > 0 ? total : 1) * sizeof (int));
          if (fill == NULL || list == NULL)
            {
              free (fill);
              free (list);
              free (start);
              return CUSP_SIM_ERROR_NO_MEMORY;
            }
        }
      for (int t = 0; t < tc; t++)
        {
          const int *tri = mesh->triangles + 3 * t;
          double lo = INFINITY, hi = -INFINITY;
          int h_lo, h_hi;
          for (int k = 0; k < 3; k++)
            {
              double z = mesh->vertices_mm[3 * tri[k] + 2];
              lo = z < lo ? z : lo;
              hi = z > hi ? z : hi;
            }
          h_lo = (int) ceil ((lo - z0_mm) / wall->height_step_mm - 1e-9);
          h_hi = (int) floor ((hi - z0_mm) / wall->height_step_mm + 1e-9);
          h_lo = h_lo < 0 ? 0 : h_lo;
          h_hi = h_hi > nh - 1 ? nh - 1 : h_hi;
          for (int h = h_lo; h <= h_hi; h++)
            {
              if (pass == 0)
                start[h + 1]++;
              else
                list[start[h] + fill[h]++] = t;
            }
        }
      free (fill);
    }

  for (int h = 0; h < nh && status == CUSP_SIM_OK; h++)
    {
      /* the end rows sit exactly on the mesh's rim: sample just inside it */
      double z = z0_mm + h * wall->height_step_mm;
      double inset = 1e-3 * wall->height_step_mm;
      double o[3] = { 0.0, 0.0, h == 0 ? z + inset : (h == nh - 1 ? z - inset : z) };
      for (int a = 0; a < na; a++)
        {
          double th = 2.0 * M_PI * a / na, d[3] = { cos (th), sin (th), 0.0 };
          double first = -1.0;
          int hits = 0;
          for (int k = start[h]; k < start[h + 1]; k++)
            {
              const int *tri = mesh->triangles + 3 * list[k];
              double t = ray_triangle (o, d, mesh->vertices_mm + 3 * tri[0],
                                       mesh->vertices_mm + 3 * tri[1], mesh->vertices_mm + 3 * tri[2]);
              if (t < 0.0)
                continue;
              if (hits == 0)
                {
                  first = t;
                  hits = 1;
                }
              else if (fabs (t - first) > SAME_HIT_MM)
                hits++;
            }
          if (hits != 1)
            {
              cusp_sim_set_message (message, "lumen mesh: the ray from the axis at %.0f deg, z = %.1f mm meets the "
                   "wall %s", th * 180.0 / M_PI, z, hits == 0 ? "nowhere (a hole in the surface)"
                   : "more than once (it folds back or intersects itself)");
              status = CUSP_SIM_ERROR_BAD_WALL_MESH;
              break;
            }
          wall->radius_mm[h * na + a] = first;
        }
    }
  free (list);
  free (start);
  return status;
}
