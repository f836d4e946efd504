/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-raycast-renderer.h: GPU ray-cast volume rendering of a CT or MR in the 3D view (plain
 * struct, needs a current GL 3.3 core context).
 *
 * Every pixel casts one ray through the volume's box, found in the shader from the inverse
 * view-projection and the volume's index <-> LPS mapping (so any direction matrix, oblique or
 * flipped, shows the anatomy where it is), and composites front to back through a transfer
 * function preset (cusp-transfer-function.h) with early termination, in steps of half the
 * smallest voxel spacing, with headlight gradient shading on the presets that want surfaces.
 * Empty space costs little: the volume is split into 8^3-voxel blocks whose highest value is
 * kept; rays only enter the box around the blocks the preset can show, and cross a block the
 * preset shows as transparent in one jump (no sample moves, so the picture is the same).
 *
 * Cost (tests/bench/results/raycast.txt, llvmpipe on 2 shared cores, 1280 x 800): about
 * 0.3-0.6 s of CPU a frame for a 256^3 or a 512 x 512 x 400 CT, so on a machine without a GPU
 * a view should redraw it when the camera stops rather than on every drag event. The block grid
 * is built on the CPU on the first draw of a volume (one pass over the voxels), the preset's
 * table on the first draw with each preset.
 *
 * Surfaces already in the framebuffer stay in front where they are nearer: the renderer copies
 * the bound framebuffer's depth buffer and stops each ray at the surface it meets, so a valve
 * frame inside the root hides the volume behind it and the volume in front of it stays visible.
 * Draw opaque surfaces first, then the volume, then translucent surfaces (the volume writes no
 * depth). A depth of 1.0 (cleared, nothing drawn) does not stop rays, so the volume is not cut
 * by a far plane chosen for the surfaces; it is cut by the near plane.
 */
#pragma once

#include "cusp-transfer-function.h"
#include "cusp-volume-texture.h"

G_BEGIN_DECLS

typedef struct _CuspRaycastRenderer CuspRaycastRenderer;

/* Compiles the program; NULL + error (with the driver's log) when it does not build. */
CuspRaycastRenderer *cusp_raycast_renderer_new  (GError **error);
/* Deletes the GL objects: the context the renderer was created in must be current. */
void                 cusp_raycast_renderer_free (CuspRaycastRenderer *renderer);

/* Draws `texture` (nullable: draws nothing) into the bound framebuffer, blended over what is
 * there (premultiplied alpha), depth-tested against the framebuffer's depth buffer if it has one.
 * view_projection: column-major 4x4 of the 3D view (LPS mm -> clip). viewport: x, y, width,
 * height in framebuffer pixels (the renderer sets glViewport to it). A singular or non-finite
 * matrix, or a volume with a broken geometry, draws nothing. The preset's table is rebuilt only
 * when the preset or the volume changes. */
void                 cusp_raycast_renderer_draw (CuspRaycastRenderer *renderer,
                                                 CuspVolumeTexture   *texture,
                                                 const float          view_projection[16],
                                                 const int            viewport[4],
                                                 CuspRaycastPreset    preset);

/* Casts rays for a reduced picture, `scale` times the viewport along each side (0.25 .. 1,
 * default 1), and scales it up: about 1 / scale^2 times cheaper and softer, with surfaces' edges
 * a reduced pixel wide. Meant for camera drags on slow GL (llvmpipe); draw at 1 when still. */
void                 cusp_raycast_renderer_set_resolution_scale (CuspRaycastRenderer *renderer,
                                                                 double               scale);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspRaycastRenderer, cusp_raycast_renderer_free)

G_END_DECLS
