/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-shape-mesh.h: small coloured shapes for the 3D view (tubes, cones, spheres, rings) built
 * into one triangle mesh with a colour per vertex (GL-free). Arrows, markers and handles are a
 * few hundred triangles: rebuilt whole whenever they change. */
#pragma once

#include <glib.h>

#include "cusp-mesh.h"

G_BEGIN_DECLS

typedef struct _CuspShapeMesh CuspShapeMesh;

/* u, v, w right-handed orthonormal with w = `axis` normalised (u, v span the plane normal to
 * it); FALSE for a zero or non-finite axis. */
gboolean       cusp_shape_basis               (const double axis[3], double u[3], double v[3],
                                               double w[3]);

CuspShapeMesh *cusp_shape_mesh_new            (void);
void           cusp_shape_mesh_free           (CuspShapeMesh *shapes);
/* Open cylinder from a to b (nothing when a == b). */
void           cusp_shape_mesh_add_tube       (CuspShapeMesh *shapes, const double a[3], const double b[3],
                                               double radius_mm, int sides, const float rgba[4]);
/* Cone with its base disc, apex at `apex`. */
void           cusp_shape_mesh_add_cone       (CuspShapeMesh *shapes, const double base[3],
                                               const double apex[3], double radius_mm, int sides,
                                               const float rgba[4]);
void           cusp_shape_mesh_add_sphere     (CuspShapeMesh *shapes, const double centre[3],
                                               double radius_mm, const float rgba[4]);
/* Ring (torus) of `major_mm` about `axis` (unit) through `centre`, tube radius `minor_mm`. */
void           cusp_shape_mesh_add_ring       (CuspShapeMesh *shapes, const double centre[3],
                                               const double axis[3], double major_mm,
                                               double minor_mm, const float rgba[4]);
guint          cusp_shape_mesh_get_vertex_count (const CuspShapeMesh *shapes);
/* The geometry as a CuspMesh (a copy; NULL when empty) and the colours, 4 per vertex
 * (borrowed, valid until the next add or free). */
CuspMesh      *cusp_shape_mesh_to_mesh        (const CuspShapeMesh *shapes);
const float   *cusp_shape_mesh_get_colors     (const CuspShapeMesh *shapes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspShapeMesh, cusp_shape_mesh_free)

G_END_DECLS
