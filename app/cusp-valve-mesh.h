/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-mesh.h: the deployed frame of a live solver result as shaded tubes in LPS, for the
 * 3D view (GTK-free).
 *
 * The solver's result carries the deformed nodes but not its beams, so the struts are rebuilt from
 * the device's lattice as sim/cusp-sim-frame.c lays it out with one element per strut (the default
 * world): crown levels 0 .. 2 x cell_rows from the inflow, `cells_per_row` nodes each, node
 * (level, j) at index level x cells_per_row + j; strut row i joins (i, j) to (i + 1, j) and to
 * (i + 1, j - 1) on even rows, (i + 1, j + 1) on odd rows. A result whose node count does not
 * match that layout is refused (NULL), so a change of layout shows as no frame, never as a wrong
 * one. */
#pragma once

#include "cusp-live-solver.h"
#include "cusp-mesh.h"
#include "cusp-patient-root.h"
#include "cusp-sim-device.h"

G_BEGIN_DECLS

/* Tubes of `radius_mm` (the strut's half width is a good value) with `sides` faces (>= 3). */
CuspMesh *cusp_valve_mesh_new (const CuspLiveResult *result, const CuspDeviceDef *device,
                               const CuspRootFrame *frame, double radius_mm, int sides);

G_END_DECLS
