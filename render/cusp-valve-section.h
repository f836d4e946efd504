/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-section.h: the valve as a slice view draws it, in 2D (plain maths, no GL, no GTK).
 *
 * Two drawings of the one valve, both in a view's logical pixels:
 *
 *  - the section: the deployed frame mesh (tubes, LPS) cut by the view's plane. Each triangle
 *    whose corners lie on both sides of the plane gives one exact line segment (the two points
 *    where its crossing edges meet the plane), so a strut cut across shows as its tube's outline
 *    and a strut lying in the plane as two lines along it.
 *  - the nominal outline: the undeployed cylinder (nominal diameter x height at the pose)
 *    projected orthographically onto the view, with its axis: both end circles (ellipses on
 *    screen; lines in a view along the axis, one circle looking down it) and the two silhouette
 *    lines along the cylinder where the line of sight grazes it. A long-axis view therefore shows
 *    a rectangle, the annulus view a circle. It follows the pose at once, while the deployed
 *    frame waits for the solver, and it shows where the valve is from any slice.
 */
#pragma once

#include "cusp-mesh.h"
#include "cusp-slice-geometry.h"

#include <glib.h>

G_BEGIN_DECLS

/* Appends to `segments` (an array of double, 4 per segment: x0 y0 x1 y1 in logical pixels) the
 * cut of `mesh` by the frame's plane. Returns the number of segments added. */
guint cusp_valve_section_cut (const CuspMesh       *mesh,
                              const CuspSliceFrame *frame,
                              GArray               *segments);

/* The same cut in LPS (6 doubles per segment: both ends), for callers that measure it. */
guint cusp_valve_section_cut_lps (const CuspMesh *mesh,
                                  const double    plane_point_mm[3],
                                  const double    plane_normal[3],
                                  GArray         *segments_mm);

#define CUSP_VALVE_OUTLINE_CIRCLE_POINTS 72

/* The nominal cylinder projected onto a view, in logical pixels. */
typedef struct {
  double inflow_px[CUSP_VALVE_OUTLINE_CIRCLE_POINTS][2];    /* closed: last joins first */
  double outflow_px[CUSP_VALVE_OUTLINE_CIRCLE_POINTS][2];
  gboolean has_silhouette;            /* FALSE looking straight down the axis */
  double silhouette_px[2][2][2];      /* [side][inflow end, outflow end][x, y] */
  double axis_px[2][2];               /* inflow centre, outflow centre */
} CuspValveOutline;

/* FALSE (outline untouched) for a non-positive or non-finite size or a zero axis. `axis` is a
 * unit LPS vector from the inflow toward the outflow. */
gboolean cusp_valve_outline_project (const CuspSliceFrame *frame,
                                     const double          inflow_centre_mm[3],
                                     const double          axis[3],
                                     double                diameter_mm,
                                     double                height_mm,
                                     CuspValveOutline     *outline);

G_END_DECLS
