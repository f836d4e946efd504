/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-frame.c: builds the zig-zag closed-cell lattice of a valve frame as beams. Nodes are
 * numbered level by level, and inside a level in "fold" order (0, 1, n-1, 2, n-2, ...) so that
 * neighbours around the circle stay within two places: the stiffness band then spans about one
 * level of nodes instead of wrapping round the whole ring. */
#include "cusp-sim-frame.h"

#include <math.h>
#include <string.h>

static int
fold (int j, int n)
{
  if (j == 0)
    return 0;
  return 2 * j <= n ? 2 * j - 1 : 2 * (n - j);
}

void
cusp_sim_frame_lattice (const CuspDeviceDef *device, int elements_per_strut, CuspSimLatticeDef *def)
{
  double t = device->strut_thickness_mm;

  /* a closed-cell row is two strut rows: cell_rows rows need 2 cell_rows + 1 crown levels */
  def->levels = 2 * device->cell_rows + 1;
  def->crowns = device->cells_per_row;
  def->elements_per_strut = elements_per_strut;
  def->height_mm = device->height_mm;
  def->inflow_diameter_mm = device->inflow_diameter_mm - t;       /* outer -> centroid */
  def->waist_diameter_mm = device->waist_diameter_mm - t;
  def->outflow_diameter_mm = device->outflow_diameter_mm - t;
}

int
cusp_sim_frame_topology (const CuspDeviceDef *device, int elements_per_strut, int *node_count,
                         int *beam_nodes)
{
  CuspSimLatticeDef def;
  CuspSimStructure s;
  int nodes, beams;

  if (device == NULL || node_count == NULL || device->cell_rows < 1 || device->cell_rows > 12
      || device->cells_per_row < 3 || device->cells_per_row > 48 || elements_per_strut < 1
      || elements_per_strut > 4)
    return -1;
  cusp_sim_frame_lattice (device, elements_per_strut, &def);
  cusp_sim_frame_counts (&def, &nodes, &beams);
  *node_count = nodes;
  if (beam_nodes == NULL)
    return beams;
  /* the builder itself, so the topology cannot drift from what the world solves */
  if (!cusp_sim_structure_alloc (&s, nodes, beams))
    {
      cusp_sim_structure_free (&s);
      return -1;
    }
  cusp_sim_frame_build (&s, &def, NULL, NULL, NULL, NULL);
  for (int e = 0; e < beams; e++)
    {
      beam_nodes[2 * e] = s.beam[e].a;
      beam_nodes[2 * e + 1] = s.beam[e].b;
    }
  cusp_sim_structure_free (&s);
  return beams;
}

void
cusp_sim_frame_counts (const CuspSimLatticeDef *def, int *node_count, int *beam_count)
{
  int rows = def->levels - 1, m = def->elements_per_strut, n = def->crowns;

  *node_count = def->levels * n + rows * 2 * n * (m - 1);
  *beam_count = rows * 2 * n * m;
}

double
cusp_sim_frame_diameter_at (const CuspSimLatticeDef *def, double z)
{
  double t = def->height_mm > 0.0 ? z / def->height_mm : 0.0;

  if (t < 0.0)
    t = 0.0;
  if (t > 1.0)
    t = 1.0;
  if (t < 0.5)
    return def->inflow_diameter_mm + (def->waist_diameter_mm - def->inflow_diameter_mm) * 2.0 * t;
  return def->waist_diameter_mm + (def->outflow_diameter_mm - def->waist_diameter_mm) * (2.0 * t - 1.0);
}

static void
put_node (CuspSimStructure *s, const CuspSimLatticeDef *def, int idx, double theta, double z,
          int lvl, double *theta_rad, double *z_mm, double *radius_mm, int *level)
{
  double r = 0.5 * cusp_sim_frame_diameter_at (def, z);

  s->x0[3 * idx] = r * cos (theta);
  s->x0[3 * idx + 1] = r * sin (theta);
  s->x0[3 * idx + 2] = z;
  if (theta_rad)
    theta_rad[idx] = theta;
  if (z_mm)
    z_mm[idx] = z;
  if (radius_mm)
    radius_mm[idx] = r;
  if (level)
    level[idx] = lvl;
}

void
cusp_sim_frame_build (CuspSimStructure *s, const CuspSimLatticeDef *def, double *theta_rad,
                      double *z_mm, double *radius_mm, int *level)
{
  int n = def->crowns, m = def->elements_per_strut, rows = def->levels - 1;
  int block = n + 2 * n * (m - 1);
  double dz = def->height_mm / rows, cell = 2.0 * M_PI / n;
  double total_length = 0.0, band_area = 0.0;
  int e = 0;

  memset (s->area_mm2, 0, (size_t) s->node_count * sizeof (double));
  for (int i = 0; i < def->levels; i++)
    for (int j = 0; j < n; j++)
      put_node (s, def, i * block + fold (j, n), cell * (j + 0.5 * (i % 2)), i * dz, i,
                theta_rad, z_mm, radius_mm, level);

  for (int i = 0; i < rows; i++)
    for (int j = 0; j < n; j++)
      for (int side = 0; side < 2; side++)
        {
          /* even level: partners j and j-1 (at +-half a cell); odd level: j and j+1 */
          int jp = side == 0 ? j : (i % 2 == 0 ? (j + n - 1) % n : (j + 1) % n);
          double th0 = cell * (j + 0.5 * (i % 2));
          double th1 = th0 + (side == 0 ? 0.5 : -0.5) * cell * (i % 2 == 0 ? 1.0 : -1.0);
          int a = i * block + fold (j, n), b = (i + 1) * block + fold (jp, n);
          int prev = a;

          for (int k = 1; k <= m; k++)
            {
              int cur;
              if (k < m)
                {
                  double t = (double) k / m;
                  cur = i * block + n + (2 * fold (j, n) + side) * (m - 1) + (k - 1);
                  put_node (s, def, cur, th0 + t * (th1 - th0), (i + t) * dz, -1, theta_rad, z_mm,
                            radius_mm, level);
                }
              else
                cur = b;
              s->beam[e].a = prev < cur ? prev : cur;
              s->beam[e].b = prev < cur ? cur : prev;
              e++;
              prev = cur;
            }
        }

  /* Each node bears on the wall patch of its share of strut length (half of each beam). */
  for (int k = 0; k < s->beam_count; k++)
    {
      const double *pa = s->x0 + 3 * s->beam[k].a, *pb = s->x0 + 3 * s->beam[k].b;
      double len = sqrt ((pb[0] - pa[0]) * (pb[0] - pa[0]) + (pb[1] - pa[1]) * (pb[1] - pa[1])
                         + (pb[2] - pa[2]) * (pb[2] - pa[2]));
      s->area_mm2[s->beam[k].a] += 0.5 * len;
      s->area_mm2[s->beam[k].b] += 0.5 * len;
      total_length += len;
    }
  for (int i = 0; i < rows; i++)
    band_area += M_PI * cusp_sim_frame_diameter_at (def, (i + 0.5) * dz) * dz;
  for (int i = 0; i < s->node_count; i++)
    s->area_mm2[i] *= band_area / total_length;
}
