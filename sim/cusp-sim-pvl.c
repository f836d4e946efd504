/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-pvl.c: gap map of a solve -> paravalvular leak model. */
#include "cusp-sim-pvl.h"

#include <string.h>

void
cusp_sim_result_gap_map (const CuspSimResult *r, CuspGapMap *map)
{
  memset (map, 0, sizeof *map);
  map->gap_mm = r->gap.gap_mm;
  map->angle_count = r->gap.angle_count;
  map->height_count = r->gap.height_count;
  map->angle_step_deg = r->gap.angle_step_deg;
  map->height_step_mm = r->gap.height_step_mm;
  map->height0_mm = r->gap.height0_mm;
  map->annulus_row = r->gap.annulus_row;
  map->seal_row_begin = 0;
  map->seal_row_end = r->gap.height_count;
  map->seal_radius_mm = r->gap.seal_radius_mm;
}

CuspFlowStatus
cusp_sim_result_leak (const CuspSimResult *result, CuspLeakResult *leak, CuspFlowError *error)
{
  CuspGapMap map;
  CuspFlowOptions options = cusp_flow_default_options ();

  cusp_sim_result_gap_map (result, &map);
  options.gap_tolerance_mm = result->gap.tolerance_mm;      /* the gaps the solver called apposed */
  memset (leak, 0, sizeof *leak);
  return cusp_flow_analyze (&map, &options, NULL, leak, error);
}
