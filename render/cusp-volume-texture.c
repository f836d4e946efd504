/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-volume-texture.c: one GL 3D texture per volume, shared by the views of a study. */
#include "cusp-volume-texture.h"
#include "cusp-error.h"

/* Uploading in slabs of about this many bytes lets a driver that runs out of memory say so
 * before it has copied everything, and keeps its staging copies small. */
#define SLAB_BYTES (16u << 20)

static const char *shared_key = "cusp-volume-texture-shared";

static gboolean
check_gl (const char *what, GError **error)
{
  GLenum status = glGetError ();

  if (status == GL_NO_ERROR)
    return TRUE;
  while (glGetError () != GL_NO_ERROR)
    ;
  if (status == GL_OUT_OF_MEMORY)
    g_set_error (error, CUSP_ERROR, CUSP_ERROR_OUT_OF_MEMORY,
                 "The graphics card has not enough memory to %s", what);
  else
    g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                 "The graphics driver refused to %s (GL error 0x%04x)", what, status);
  return FALSE;
}

CuspVolumeTexture *
cusp_volume_texture_new (CuspVolume  *volume,
                         GError     **error)
{
  g_autoptr(CuspVolumeTexture) texture = NULL;
  gboolean is_int16;
  GLint max_size = 0;
  gsize slice_bytes;
  int slab_slices;

  g_return_val_if_fail (volume != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  while (glGetError () != GL_NO_ERROR)   /* errors left by others are not ours to report */
    ;
  glGetIntegerv (GL_MAX_3D_TEXTURE_SIZE, &max_size);
  for (int a = 0; a < 3; a++)
    if (volume->dims[a] > max_size)
      {
        g_set_error (error, CUSP_ERROR, CUSP_ERROR_UNSUPPORTED,
                     "The image has %d voxels along one axis; this graphics driver can show at most %d",
                     volume->dims[a], max_size);
        return NULL;
      }

  texture = g_new0 (CuspVolumeTexture, 1);
  texture->ref_count = 1;
  texture->volume = cusp_volume_ref (volume);
  is_int16 = volume->voxel_type == CUSP_VOXEL_INT16;
  /* GL maps a signed 16-bit c to max(c / 32767, -1): only -32768 loses one unit. */
  texture->value_scale = is_int16 ? 32767.0f : 1.0f;

  glGenTextures (1, &texture->id);
  glBindTexture (GL_TEXTURE_3D, texture->id);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_MAX_LEVEL, 0);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_WRAP_R, GL_CLAMP_TO_EDGE);
  glTexImage3D (GL_TEXTURE_3D, 0, is_int16 ? GL_R16_SNORM : GL_R32F,
                volume->dims[0], volume->dims[1], volume->dims[2], 0,
                GL_RED, is_int16 ? GL_SHORT : GL_FLOAT, NULL);
  if (!check_gl ("hold this image", error))
    return NULL;

  /* Rows of int16 voxels are only 2-byte aligned when the width is odd. */
  glPixelStorei (GL_UNPACK_ALIGNMENT, is_int16 ? 2 : 4);
  glPixelStorei (GL_UNPACK_ROW_LENGTH, 0);
  glPixelStorei (GL_UNPACK_IMAGE_HEIGHT, 0);
  glPixelStorei (GL_UNPACK_SKIP_PIXELS, 0);
  glPixelStorei (GL_UNPACK_SKIP_ROWS, 0);
  glPixelStorei (GL_UNPACK_SKIP_IMAGES, 0);
  glBindBuffer (GL_PIXEL_UNPACK_BUFFER, 0);

  slice_bytes = (gsize) volume->dims[0] * volume->dims[1] * cusp_voxel_type_size (volume->voxel_type);
  slab_slices = (int) CLAMP (SLAB_BYTES / slice_bytes, 1, (gsize) volume->dims[2]);
  for (int k = 0; k < volume->dims[2]; k += slab_slices)
    {
      int count = MIN (slab_slices, volume->dims[2] - k);
      const guint8 *first = (const guint8 *) volume->voxels + (gsize) k * slice_bytes;

      glTexSubImage3D (GL_TEXTURE_3D, 0, 0, 0, k, volume->dims[0], volume->dims[1], count,
                       GL_RED, is_int16 ? GL_SHORT : GL_FLOAT, first);
      if (!check_gl ("receive the image", error))
        return NULL;
    }
  glPixelStorei (GL_UNPACK_ALIGNMENT, 4);
  glBindTexture (GL_TEXTURE_3D, 0);
  return g_steal_pointer (&texture);
}

static void
detach_shared (CuspVolumeTexture *texture)
{
  if (texture->shared_owner == NULL)
    return;
  g_object_set_data (texture->shared_owner, shared_key, NULL);
  g_object_remove_weak_pointer (texture->shared_owner, (gpointer *) &texture->shared_owner);
  texture->shared_owner = NULL;
}

CuspVolumeTexture *
cusp_volume_texture_ref (CuspVolumeTexture *texture)
{
  g_return_val_if_fail (texture != NULL, NULL);
  texture->ref_count++;
  return texture;
}

void
cusp_volume_texture_unref (CuspVolumeTexture *texture)
{
  if (texture == NULL || --texture->ref_count > 0)
    return;
  detach_shared (texture);
  if (texture->id != 0)
    glDeleteTextures (1, &texture->id);
  cusp_volume_unref (texture->volume);
  g_free (texture);
}

CuspVolumeTexture *
cusp_volume_texture_acquire_shared (GObject     *owner,
                                    CuspVolume  *volume,
                                    GError     **error)
{
  CuspVolumeTexture *shared, *texture;

  g_return_val_if_fail (G_IS_OBJECT (owner), NULL);
  g_return_val_if_fail (volume != NULL, NULL);

  /* The slot holds no reference: the views do, and the last one to let go deletes the texture
   * with its own context current (the unrealize rule of GtkGLArea). */
  shared = g_object_get_data (owner, shared_key);
  if (shared != NULL && shared->volume == volume)
    return cusp_volume_texture_ref (shared);

  texture = cusp_volume_texture_new (volume, error);
  if (texture == NULL)
    return NULL;
  /* A new study replaces the slot; views still drawing the old one keep their own references. */
  if (shared != NULL)
    detach_shared (shared);
  texture->shared_owner = owner;
  g_object_add_weak_pointer (owner, (gpointer *) &texture->shared_owner);
  g_object_set_data (owner, shared_key, texture);
  return texture;
}

CuspVolumeTexture *
cusp_volume_texture_peek_shared (GObject *owner)
{
  g_return_val_if_fail (G_IS_OBJECT (owner), NULL);
  return g_object_get_data (owner, shared_key);
}
