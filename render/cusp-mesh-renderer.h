/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-mesh-renderer.h: draws triangle surfaces (CuspMesh: lumen, calcium) with Phong shading
 * (plain struct, needs a current GL 3.3 core context).
 *
 * A few slots, each one mesh with one colour, or a colour per vertex (the lumen tinted by the
 * wall's contact pressure, the overlay's markers); the slot's own alpha still decides whether it
 * is drawn as opaque or translucent. Opaque slots are drawn first. Each translucent
 * slot is then drawn in two passes: depth only, then colour with depth test LEQUAL and blending.
 * Only the nearest layer of a translucent surface is blended, so the picture does not depend on
 * triangle order (no sorting needed) and opaque calcium shows through the lumen wall in front.
 *
 * A large surface can also get a coarse level (about a quarter of the triangles, on the mesh's own
 * vertices, so per-vertex colours apply to both) that the view draws while the user drags: on
 * llvmpipe a frame's cost is per triangle. Only smooth, large surfaces (lumen, calcium) should:
 * clustering vertices would collapse thin tubes such as the valve frame's struts. */
#pragma once

#include "cusp-mesh.h"

#include <glib.h>

G_BEGIN_DECLS

#define CUSP_MESH_RENDERER_SLOTS 8

typedef struct _CuspMeshRenderer CuspMeshRenderer;

/* Compiles the program; NULL + error (with the driver's log) when it does not build. */
CuspMeshRenderer *cusp_mesh_renderer_new      (GError **error);
/* Deletes the GL objects: the context the renderer was created in must be current. */
void              cusp_mesh_renderer_free     (CuspMeshRenderer *renderer);
/* Uploads `mesh` (copied into GL buffers; nullable: empties the slot) with an RGBA colour;
 * alpha < 1 makes the slot translucent. */
void              cusp_mesh_renderer_set_mesh (CuspMeshRenderer *renderer,
                                               guint             slot,
                                               const CuspMesh   *mesh,
                                               const float       rgba[4]);
/* The same, and a coarse level when the mesh has more than a few thousand triangles. */
void              cusp_mesh_renderer_set_mesh_lod (CuspMeshRenderer *renderer,
                                                   guint             slot,
                                                   const CuspMesh   *mesh,
                                                   const float       rgba[4]);
/* Colours per vertex of the slot's mesh (RGBA, 4 x vertex_count floats, copied), replacing its
 * one colour; NULL, or a count that does not match the uploaded mesh, goes back to the one
 * colour. */
void              cusp_mesh_renderer_set_colors (CuspMeshRenderer *renderer,
                                                 guint             slot,
                                                 const float      *rgba,
                                                 guint             vertex_count);
/* Triangles currently uploaded in all slots (the full level). */
guint             cusp_mesh_renderer_get_triangle_count (CuspMeshRenderer *renderer);
/* TRUE: the following draws use each slot's coarse level where it has one. */
void              cusp_mesh_renderer_set_coarse (CuspMeshRenderer *renderer,
                                                 gboolean          coarse);
/* Triangles the next draw sends (the coarse level where it is in use). */
guint             cusp_mesh_renderer_get_drawn_triangle_count (CuspMeshRenderer *renderer);
/* Draws every slot into the bound framebuffer with column-major 4x4 view and projection
 * matrices. The caller clears and sets the viewport. */
void              cusp_mesh_renderer_draw     (CuspMeshRenderer *renderer,
                                               const float       view[16],
                                               const float       projection[16]);
/* The same in two halves, so a volume can be ray-cast between them (it stops at the opaque
 * surfaces' depth and lies behind the translucent ones): the opaque slots, then the
 * translucent ones. */
void              cusp_mesh_renderer_draw_opaque      (CuspMeshRenderer *renderer,
                                                       const float       view[16],
                                                       const float       projection[16]);
void              cusp_mesh_renderer_draw_translucent (CuspMeshRenderer *renderer,
                                                       const float       view[16],
                                                       const float       projection[16]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspMeshRenderer, cusp_mesh_renderer_free)

G_END_DECLS
