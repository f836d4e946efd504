/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-frame.h: the zig-zag closed-cell lattice builder (private to sim/ and its tests). */
#pragma once

#include "cusp-sim-structure.h"

/* Crown levels 0..levels-1 from the inflow (z = 0) to the outflow (z = height_mm); each level has
 * `crowns` nodes, odd levels turned by half a cell. Strut rows of 2 x crowns struts join levels,
 * so a closed diamond cell spans two strut rows. Centroid diameters vary linearly inflow -> waist
 * (mid-height) -> outflow. */
typedef struct {
  int levels;
  int crowns;
  int elements_per_strut;
  double height_mm;
  double inflow_diameter_mm;         /* strut centroid diameters */
  double waist_diameter_mm;
  double outflow_diameter_mm;
} CuspSimLatticeDef;

/* The lattice of a device's frame (outer diameters turned into strut centroid diameters). */
void cusp_sim_frame_lattice (const CuspDeviceDef *device, int elements_per_strut,
                             CuspSimLatticeDef *def);
void cusp_sim_frame_counts (const CuspSimLatticeDef *def, int *node_count, int *beam_count);
/* Fills s->x0 (frame-local: axis z, inflow at z = 0), the beams and area_mm2 of an allocated
 * structure; the per-node arrays (may be NULL) get the reference angle, height, centroid radius
 * and crown level (-1 for nodes inside a strut). Call cusp_sim_structure_finish afterwards. */
void cusp_sim_frame_build (CuspSimStructure *s, const CuspSimLatticeDef *def, double *theta_rad,
                           double *z_mm, double *radius_mm, int *level);
/* Centroid diameter at frame height z. */
double cusp_sim_frame_diameter_at (const CuspSimLatticeDef *def, double z_mm);
