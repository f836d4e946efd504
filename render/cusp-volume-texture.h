/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-volume-texture.h: a CuspVolume uploaded once as a GL 3D texture.
 *
 * int16 voxels go up unconverted as GL_R16_SNORM (2 bytes a voxel, linearly filterable; the
 * shader multiplies by value_scale = 32767 to get HU back), float32 voxels as GL_R32F. A
 * 512 x 512 x 400 CT is therefore 200 MB on the GPU and never a float copy on the CPU.
 *
 * GTK 4 creates every GL context of a display in one share group, so the three slice views of a
 * study use one texture: cusp_volume_texture_acquire_shared() hands out the texture stored on an
 * owner object (the views' CuspViewLink) and uploads it only for the first view. (Views of one
 * owner on two displays would not share a group; Cusp opens one display.)
 */
#pragma once

#include "cusp-volume.h"

#include <epoxy/gl.h>
#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _CuspVolumeTexture CuspVolumeTexture;

struct _CuspVolumeTexture {
  int ref_count;          /* main thread only, like every GL object */
  GLuint id;              /* GL_TEXTURE_3D, i along x, j along y, k along z */
  float value_scale;      /* texel value * value_scale = voxel value */
  CuspVolume *volume;     /* the uploaded volume (owned reference) */
  GObject *shared_owner;  /* weak: the object whose shared slot names this texture, or NULL */
};

/* Uploads `volume`; needs a current context. Fails with a readable error when the driver cannot
 * hold the volume (too many voxels along an axis, or out of GPU memory). */
CuspVolumeTexture *cusp_volume_texture_new    (CuspVolume         *volume,
                                               GError            **error);
CuspVolumeTexture *cusp_volume_texture_ref    (CuspVolumeTexture  *texture);
/* The last unref deletes the GL texture: a context of the same share group must be current. */
void               cusp_volume_texture_unref  (CuspVolumeTexture  *texture);

/* The texture of `volume` kept on `owner` for every view of that owner, uploaded on first use;
 * a context of the views' share group must be current. Returns a new reference. */
CuspVolumeTexture *cusp_volume_texture_acquire_shared (GObject     *owner,
                                                       CuspVolume  *volume,
                                                       GError     **error);

/* The texture currently shared on `owner`, without a reference (NULL if none): lets tests and
 * diagnostics check that the views of a study share one upload. */
CuspVolumeTexture *cusp_volume_texture_peek_shared    (GObject     *owner);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspVolumeTexture, cusp_volume_texture_unref)

G_END_DECLS
