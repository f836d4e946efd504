/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-mesh.h: the deployed frame of a live solver result as shaded tubes in LPS, for the
 * 3D view (GTK-free).
 *
 * The solver's result carries the deformed nodes in the solver's own order; the struts are the
 * frame's beams as sim/ builds them (cusp_sim_frame_topology, one element per strut as in the
 * default world). A result whose node count does not match that topology is refused (NULL), so a
 * change of layout shows as no frame, never as a wrong one. */
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
