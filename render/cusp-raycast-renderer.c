/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-raycast-renderer.c: the ray-cast program, its transfer-function table and the scene
 * depth copy (see the header). */
#include "cusp-raycast-renderer.h"
#include "cusp-gl-program.h"

#include <math.h>
#include <string.h>

/* Voxels along each side of an empty-space block: 8 keeps the block grid of a 512 x 512 x 400 CT
 * at 64 x 64 x 50 (800 kB) while a ray through air skips 16 steps per block fetch. */
#define BLOCK_VOXELS 8

/* A ray never takes more steps than this, whatever the volume: bounds a frame's cost on a
 * pathological geometry (a huge, thin box) rather than hanging the driver. */
#define MAX_STEPS 16384

struct _CuspRaycastRenderer {
  GLuint program;
  GLuint vertex_array;     /* core profile needs one bound even for buffer-less draws */
  GLuint table;            /* GL_TEXTURE_1D, the baked transfer function */
  GLuint depth;            /* GL_TEXTURE_2D, copy of the scene's depth inside the viewport */
  int depth_width, depth_height;

  /* Highest voxel value each block's samples can interpolate (GL_TEXTURE_3D, R32F): a block
   * whose highest value the preset shows as transparent is crossed in one jump. */
  GLuint blocks;
  CuspVolume *blocks_volume;
  int block_count[3];
  float *block_max;        /* the same grid on the CPU, for the visible bounds */

  /* What the table was baked for: a new preset or a new volume rebakes it. The volume
   * reference keeps a freed volume's address from being mistaken for the new one's. */
  CuspVolume *table_volume;
  CuspRaycastPreset table_preset;
  CuspTransferFunction tf;

  GLint u_volume, u_table, u_depth, u_has_depth, u_viewport, u_inverse_view_projection;
  GLint u_lps_to_texture, u_index_gradient_to_lps, u_texel, u_table_map, u_step_mm;
  GLint u_max_steps, u_shaded, u_blocks, u_block_scale, u_skip_at_most, u_box_lo, u_box_hi;
  GLint u_depth_scale;

  /* Reduced resolution: rays go into low_color, which is then drawn scaled up. */
  double resolution_scale;
  GLuint upscale_program;
  GLint u_image;
  GLuint low_framebuffer, low_color;
  int low_width, low_height;
};

CuspRaycastRenderer *
cusp_raycast_renderer_new (GError **error)
{
  CuspRaycastRenderer *renderer;
  GLuint program;

  GLuint upscale;

  program = cusp_gl_program_new ("cusp-fullscreen.vert.glsl", "cusp-raycast.frag.glsl", error);
  if (program == 0)
    return NULL;
  upscale = cusp_gl_program_new ("cusp-fullscreen.vert.glsl", "cusp-raycast-upscale.frag.glsl", error);
  if (upscale == 0)
    {
      glDeleteProgram (program);
      return NULL;
    }

  renderer = g_new0 (CuspRaycastRenderer, 1);
  renderer->program = program;
  renderer->upscale_program = upscale;
  renderer->u_image = glGetUniformLocation (upscale, "u_image");
  renderer->resolution_scale = 1.0;
  glGenVertexArrays (1, &renderer->vertex_array);
#define LOCATE(name) renderer->name = glGetUniformLocation (program, #name)
  LOCATE (u_volume);
  LOCATE (u_table);
  LOCATE (u_depth);
  LOCATE (u_has_depth);
  LOCATE (u_viewport);
  LOCATE (u_inverse_view_projection);
  LOCATE (u_lps_to_texture);
  LOCATE (u_index_gradient_to_lps);
  LOCATE (u_texel);
  LOCATE (u_table_map);
  LOCATE (u_step_mm);
  LOCATE (u_max_steps);
  LOCATE (u_shaded);
  LOCATE (u_blocks);
  LOCATE (u_block_scale);
  LOCATE (u_skip_at_most);
  LOCATE (u_box_lo);
  LOCATE (u_box_hi);
  LOCATE (u_depth_scale);
#undef LOCATE

  glGenTextures (1, &renderer->table);
  glBindTexture (GL_TEXTURE_1D, renderer->table);
  glTexParameteri (GL_TEXTURE_1D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_1D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_1D, GL_TEXTURE_MAX_LEVEL, 0);
  glTexParameteri (GL_TEXTURE_1D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexImage1D (GL_TEXTURE_1D, 0, GL_RGBA16F, CUSP_TRANSFER_FUNCTION_TABLE_SIZE, 0, GL_RGBA, GL_FLOAT, NULL);
  glBindTexture (GL_TEXTURE_1D, 0);

  glGenTextures (1, &renderer->blocks);
  glBindTexture (GL_TEXTURE_3D, renderer->blocks);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_MAX_LEVEL, 0);
  glBindTexture (GL_TEXTURE_3D, 0);

  glGenTextures (1, &renderer->depth);
  glBindTexture (GL_TEXTURE_2D, renderer->depth);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, 0);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_COMPARE_MODE, GL_NONE);
  glBindTexture (GL_TEXTURE_2D, 0);
  return renderer;
}

void
cusp_raycast_renderer_free (CuspRaycastRenderer *renderer)
{
  if (renderer == NULL)
    return;
  glDeleteTextures (1, &renderer->table);
  glDeleteTextures (1, &renderer->depth);
  glDeleteTextures (1, &renderer->blocks);
  glDeleteTextures (1, &renderer->low_color);
  glDeleteFramebuffers (1, &renderer->low_framebuffer);
  glDeleteVertexArrays (1, &renderer->vertex_array);
  glDeleteProgram (renderer->program);
  glDeleteProgram (renderer->upscale_program);
  g_clear_pointer (&renderer->table_volume, cusp_volume_unref);
  g_clear_pointer (&renderer->blocks_volume, cusp_volume_unref);
  g_free (renderer->block_max);
  g_free (renderer);
}

void
cusp_raycast_renderer_set_resolution_scale (CuspRaycastRenderer *renderer, double scale)
{
  g_return_if_fail (renderer != NULL);
  renderer->resolution_scale = isfinite (scale) ? CLAMP (scale, 0.25, 1.0) : 1.0;
}

/* The reduced-resolution colour target, (re)allocated at width x height; FALSE if the driver
 * cannot make it complete (then the draw happens at full resolution). */
static gboolean
ensure_low_target (CuspRaycastRenderer *renderer, int width, int height)
{
  GLint draw_fb = 0;
  gboolean ok;

  if (renderer->low_framebuffer != 0 && renderer->low_width == width && renderer->low_height == height)
    return TRUE;
  glGetIntegerv (GL_DRAW_FRAMEBUFFER_BINDING, &draw_fb);
  if (renderer->low_color == 0)
    {
      glGenTextures (1, &renderer->low_color);
      glGenFramebuffers (1, &renderer->low_framebuffer);
    }
  glActiveTexture (GL_TEXTURE0);
  glBindTexture (GL_TEXTURE_2D, renderer->low_color);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, 0);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
  glBindTexture (GL_TEXTURE_2D, 0);
  glBindFramebuffer (GL_DRAW_FRAMEBUFFER, renderer->low_framebuffer);
  glFramebufferTexture2D (GL_DRAW_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, renderer->low_color, 0);
  ok = glCheckFramebufferStatus (GL_DRAW_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
  glBindFramebuffer (GL_DRAW_FRAMEBUFFER, draw_fb);
  renderer->low_width = ok ? width : 0;
  renderer->low_height = ok ? height : 0;
  return ok;
}

static void
update_table (CuspRaycastRenderer *renderer, CuspVolume *volume, CuspRaycastPreset preset)
{
  float table[CUSP_TRANSFER_FUNCTION_TABLE_SIZE * 4];

  if (renderer->table_volume == volume && renderer->table_preset == preset)
    return;
  cusp_transfer_function_init (&renderer->tf, preset, volume);
  cusp_transfer_function_bake (&renderer->tf, table);
  glBindTexture (GL_TEXTURE_1D, renderer->table);
  glTexSubImage1D (GL_TEXTURE_1D, 0, 0, CUSP_TRANSFER_FUNCTION_TABLE_SIZE, GL_RGBA, GL_FLOAT, table);
  glBindTexture (GL_TEXTURE_1D, 0);
  g_clear_pointer (&renderer->table_volume, cusp_volume_unref);
  renderer->table_volume = cusp_volume_ref (volume);
  renderer->table_preset = preset;
}

static inline float
voxel_at (const CuspVolume *volume, gsize index)
{
  return volume->voxel_type == CUSP_VOXEL_INT16
         ? ((const int16_t *) volume->voxels)[index] : ((const float *) volume->voxels)[index];
}

/* The block grid of `volume`: each block's maximum over its voxels and the one-voxel rim around
 * them, because trilinear samples inside a block blend in the neighbouring voxels. Computed as
 * per-block maxima first, then each block takes its 26 neighbours' maxima too (a superset of
 * the rim, much cheaper than revisiting the voxels). NaN voxels never make a block visible. */
static void
update_blocks (CuspRaycastRenderer *renderer, CuspVolume *volume)
{
  g_autofree float *own = NULL;
  float *dilated;
  int *n = renderer->block_count;
  gsize count;

  if (renderer->blocks_volume == volume)
    return;
  for (int a = 0; a < 3; a++)
    n[a] = (volume->dims[a] + BLOCK_VOXELS - 1) / BLOCK_VOXELS;
  count = (gsize) n[0] * n[1] * n[2];
  own = g_new (float, count);
  dilated = g_new (float, count);
  for (gsize b = 0; b < count; b++)
    own[b] = -G_MAXFLOAT;

  /* One pass in memory order, a block's run of voxels along a row at a time. */
  for (int k = 0; k < volume->dims[2]; k++)
    for (int j = 0; j < volume->dims[1]; j++)
      {
        gsize row = ((gsize) k * volume->dims[1] + j) * volume->dims[0];
        float *block_row = own + ((gsize) (k / BLOCK_VOXELS) * n[1] + j / BLOCK_VOXELS) * n[0];

        for (int bi = 0; bi < n[0]; bi++)
          {
            int end = MIN ((bi + 1) * BLOCK_VOXELS, volume->dims[0]);
            float m = block_row[bi];

            for (int i = bi * BLOCK_VOXELS; i < end; i++)
              {
                float v = voxel_at (volume, row + i);

                if (v > m)   /* false for NaN */
                  m = v;
              }
            block_row[bi] = m;
          }
      }

  for (int bk = 0; bk < n[2]; bk++)
    for (int bj = 0; bj < n[1]; bj++)
      for (int bi = 0; bi < n[0]; bi++)
        {
          float m = -G_MAXFLOAT;

          for (int dk = MAX (bk - 1, 0); dk <= MIN (bk + 1, n[2] - 1); dk++)
            for (int dj = MAX (bj - 1, 0); dj <= MIN (bj + 1, n[1] - 1); dj++)
              for (int di = MAX (bi - 1, 0); di <= MIN (bi + 1, n[0] - 1); di++)
                m = MAX (m, own[((gsize) dk * n[1] + dj) * n[0] + di]);
          dilated[((gsize) bk * n[1] + bj) * n[0] + bi] = m;
        }

  glBindTexture (GL_TEXTURE_3D, renderer->blocks);
  glPixelStorei (GL_UNPACK_ALIGNMENT, 4);
  glTexImage3D (GL_TEXTURE_3D, 0, GL_R32F, n[0], n[1], n[2], 0, GL_RED, GL_FLOAT, dilated);
  glBindTexture (GL_TEXTURE_3D, 0);
  g_clear_pointer (&renderer->blocks_volume, cusp_volume_unref);
  renderer->blocks_volume = cusp_volume_ref (volume);
  g_free (renderer->block_max);
  renderer->block_max = dilated;
}

/* The texture-space box around every block the preset can show (values above `skip_at_most`):
 * rays that miss it are not marched at all, and the scissor shrinks to its projection, which
 * matters most for the sparse presets (calcium, bone). FALSE when nothing is visible. */
static gboolean
visible_bounds (CuspRaycastRenderer *renderer, const CuspVolume *volume, double skip_at_most,
                double box_lo[3], double box_hi[3])
{
  const int *n = renderer->block_count;
  int lo[3] = { G_MAXINT, G_MAXINT, G_MAXINT }, hi[3] = { -1, -1, -1 };

  for (int bk = 0; bk < n[2]; bk++)
    for (int bj = 0; bj < n[1]; bj++)
      {
        const float *row = renderer->block_max + ((gsize) bk * n[1] + bj) * n[0];

        for (int bi = 0; bi < n[0]; bi++)
          if (row[bi] > skip_at_most)
            {
              const int b[3] = { bi, bj, bk };

              for (int a = 0; a < 3; a++)
                {
                  lo[a] = MIN (lo[a], b[a]);
                  hi[a] = MAX (hi[a], b[a]);
                }
            }
      }
  if (hi[0] < 0)
    return FALSE;
  for (int a = 0; a < 3; a++)
    {
      box_lo[a] = (double) lo[a] * BLOCK_VOXELS / volume->dims[a];
      box_hi[a] = MIN ((double) (hi[a] + 1) * BLOCK_VOXELS / volume->dims[a], 1.0);
    }
  return TRUE;
}

/* Copies the bound draw framebuffer's depth inside the viewport into renderer->depth; FALSE
 * when that framebuffer has no depth buffer (or the driver refuses the copy). */
static gboolean
copy_scene_depth (CuspRaycastRenderer *renderer, const int viewport[4])
{
  GLint draw_fb = 0, read_fb = 0, depth_bits = 0, attachment = GL_NONE;
  gboolean ok;

  glGetIntegerv (GL_DRAW_FRAMEBUFFER_BINDING, &draw_fb);
  if (draw_fb != 0)
    {
      glGetFramebufferAttachmentParameteriv (GL_DRAW_FRAMEBUFFER, GL_DEPTH_ATTACHMENT,
                                             GL_FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE, &attachment);
      if (attachment == GL_NONE)
        return FALSE;
    }
  else
    {
      glGetFramebufferAttachmentParameteriv (GL_DRAW_FRAMEBUFFER, GL_DEPTH,
                                             GL_FRAMEBUFFER_ATTACHMENT_DEPTH_SIZE, &depth_bits);
      if (depth_bits == 0)
        return FALSE;
    }

  while (glGetError () != GL_NO_ERROR)   /* others' leftovers would read as our failure */
    ;
  glGetIntegerv (GL_READ_FRAMEBUFFER_BINDING, &read_fb);
  glBindFramebuffer (GL_READ_FRAMEBUFFER, draw_fb);
  glActiveTexture (GL_TEXTURE2);
  glBindTexture (GL_TEXTURE_2D, renderer->depth);
  if (renderer->depth_width != viewport[2] || renderer->depth_height != viewport[3])
    {
      glTexImage2D (GL_TEXTURE_2D, 0, GL_DEPTH_COMPONENT24, viewport[2], viewport[3], 0,
                    GL_DEPTH_COMPONENT, GL_UNSIGNED_INT, NULL);
      renderer->depth_width = viewport[2];
      renderer->depth_height = viewport[3];
    }
  glCopyTexSubImage2D (GL_TEXTURE_2D, 0, 0, 0, viewport[0], viewport[1], viewport[2], viewport[3]);
  ok = glGetError () == GL_NO_ERROR;
  if (!ok)
    renderer->depth_width = renderer->depth_height = 0;   /* reallocate next time */
  glBindFramebuffer (GL_READ_FRAMEBUFFER, read_fb);
  glActiveTexture (GL_TEXTURE0);
  return ok;
}

/* Inverse of a column-major 4x4 by cofactors; FALSE when singular or not finite. */
static gboolean
invert_4x4 (const double m[16], double out[16])
{
  double inv[16], det;

  inv[0] = m[5] * m[10] * m[15] - m[5] * m[11] * m[14] - m[9] * m[6] * m[15] + m[9] * m[7] * m[14] + m[13] * m[6] * m[11] - m[13] * m[7] * m[10];
  inv[4] = -m[4] * m[10] * m[15] + m[4] * m[11] * m[14] + m[8] * m[6] * m[15] - m[8] * m[7] * m[14] - m[12] * m[6] * m[11] + m[12] * m[7] * m[10];
  inv[8] = m[4] * m[9] * m[15] - m[4] * m[11] * m[13] - m[8] * m[5] * m[15] + m[8] * m[7] * m[13] + m[12] * m[5] * m[11] - m[12] * m[7] * m[9];
  inv[12] = -m[4] * m[9] * m[14] + m[4] * m[10] * m[13] + m[8] * m[5] * m[14] - m[8] * m[6] * m[13] - m[12] * m[5] * m[10] + m[12] * m[6] * m[9];
  inv[1] = -m[1] * m[10] * m[15] + m[1] * m[11] * m[14] + m[9] * m[2] * m[15] - m[9] * m[3] * m[14] - m[13] * m[2] * m[11] + m[13] * m[3] * m[10];
  inv[5] = m[0] * m[10] * m[15] - m[0] * m[11] * m[14] - m[8] * m[2] * m[15] + m[8] * m[3] * m[14] + m[12] * m[2] * m[11] - m[12] * m[3] * m[10];
  inv[9] = -m[0] * m[9] * m[15] + m[0] * m[11] * m[13] + m[8] * m[1] * m[15] - m[8] * m[3] * m[13] - m[12] * m[1] * m[11] + m[12] * m[3] * m[9];
  inv[13] = m[0] * m[9] * m[14] - m[0] * m[10] * m[13] - m[8] * m[1] * m[14] + m[8] * m[2] * m[13] + m[12] * m[1] * m[10] - m[12] * m[2] * m[9];
  inv[2] = m[1] * m[6] * m[15] - m[1] * m[7] * m[14] - m[5] * m[2] * m[15] + m[5] * m[3] * m[14] + m[13] * m[2] * m[7] - m[13] * m[3] * m[6];
  inv[6] = -m[0] * m[6] * m[15] + m[0] * m[7] * m[14] + m[4] * m[2] * m[15] - m[4] * m[3] * m[14] - m[12] * m[2] * m[7] + m[12] * m[3] * m[6];
  inv[10] = m[0] * m[5] * m[15] - m[0] * m[7] * m[13] - m[4] * m[1] * m[15] + m[4] * m[3] * m[13] + m[12] * m[1] * m[7] - m[12] * m[3] * m[5];
  inv[14] = -m[0] * m[5] * m[14] + m[0] * m[6] * m[13] + m[4] * m[1] * m[14] - m[4] * m[2] * m[13] - m[12] * m[1] * m[6] + m[12] * m[2] * m[5];
  inv[3] = -m[1] * m[6] * m[11] + m[1] * m[7] * m[10] + m[5] * m[2] * m[11] - m[5] * m[3] * m[10] - m[9] * m[2] * m[7] + m[9] * m[3] * m[6];
  inv[7] = m[0] * m[6] * m[11] - m[0] * m[7] * m[10] - m[4] * m[2] * m[11] + m[4] * m[3] * m[10] + m[8] * m[2] * m[7] - m[8] * m[3] * m[6];
  inv[11] = -m[0] * m[5] * m[11] + m[0] * m[7] * m[9] + m[4] * m[1] * m[11] - m[4] * m[3] * m[9] - m[8] * m[1] * m[7] + m[8] * m[3] * m[5];
  inv[15] = m[0] * m[5] * m[10] - m[0] * m[6] * m[9] - m[4] * m[1] * m[10] + m[4] * m[2] * m[9] + m[8] * m[1] * m[6] - m[8] * m[2] * m[5];

  det = m[0] * inv[0] + m[1] * inv[4] + m[2] * inv[8] + m[3] * inv[12];
  if (!isfinite (det) || det == 0.0)
    return FALSE;
  for (int i = 0; i < 16; i++)
    {
      out[i] = inv[i] / det;
      if (!isfinite (out[i]))
        return FALSE;
    }
  return TRUE;
}

static void
lps_to_texture (const CuspVolume *volume, const double lps_mm[3], double tex[3])
{
  double ijk[3];

  cusp_volume_lps_to_index (volume, lps_mm, ijk);
  for (int a = 0; a < 3; a++)
    tex[a] = (ijk[a] + 0.5) / volume->dims[a];   /* texel a's centre sits at (a + 0.5) / n */
}

/* The volume's geometry as the shader needs it; FALSE when it is broken (zero or non-finite
 * spacing, singular direction), which draws nothing rather than a made-up picture. */
static gboolean
volume_geometry (const CuspVolume *volume,
                 float             lps_to_texture_4x4[16],
                 float             index_gradient_to_lps[9],
                 double           *step_mm,
                 double           *diagonal_mm)
{
  static const double zero[3] = { 0.0, 0.0, 0.0 };
  double t0[3], min_spacing = G_MAXDOUBLE, diagonal2 = 0.0;

  for (int a = 0; a < 3; a++)
    {
      if (!isfinite (volume->spacing_mm[a]) || volume->spacing_mm[a] <= 0.0)
        return FALSE;
      min_spacing = MIN (min_spacing, volume->spacing_mm[a]);
      diagonal2 += (volume->dims[a] * volume->spacing_mm[a]) * (volume->dims[a] * volume->spacing_mm[a]);
    }

  /* LPS -> texture is affine: its value at the origin and its change per mm along each axis. */
  lps_to_texture (volume, zero, t0);
  memset (lps_to_texture_4x4, 0, 16 * sizeof (float));
  for (int a = 0; a < 3; a++)
    {
      double axis[3] = { 0.0, 0.0, 0.0 }, t[3];

      axis[a] = 1.0;
      lps_to_texture (volume, axis, t);
      for (int r = 0; r < 3; r++)
        {
          double per_mm = t[r] - t0[r];

          /* J^T, with J = d index / d LPS = (d tex / d LPS) * dims. */
          index_gradient_to_lps[r * 3 + a] = (float) (per_mm * volume->dims[r]);
          lps_to_texture_4x4[a * 4 + r] = (float) per_mm;
        }
    }
  for (int r = 0; r < 3; r++)
    lps_to_texture_4x4[12 + r] = (float) t0[r];
  lps_to_texture_4x4[15] = 1.0f;
  for (int i = 0; i < 16; i++)
    if (!isfinite (lps_to_texture_4x4[i]) || (i < 9 && !isfinite (index_gradient_to_lps[i])))
      return FALSE;

  /* Half the finest spacing: trilinear data changes at most once per voxel along each axis,
   * so two samples per voxel catch thin bright structures such as a calcium fleck. */
  *step_mm = 0.5 * min_spacing;
  *diagonal_mm = sqrt (diagonal2);
  return TRUE;
}

/* Pixels of the viewport the volume's box can cover, from its corners' projections; the whole
 * viewport when a corner is behind the eye. FALSE when the box is entirely off screen. */
static gboolean
box_scissor (const CuspVolume *volume, const double box_lo[3], const double box_hi[3],
             const double view_projection[16], const int viewport[4], int scissor[4])
{
  double lo[2] = { G_MAXDOUBLE, G_MAXDOUBLE }, hi[2] = { -G_MAXDOUBLE, -G_MAXDOUBLE };

  for (int corner = 0; corner < 8; corner++)
    {
      double ijk[3], lps[3], clip[4];

      for (int a = 0; a < 3; a++)
        ijk[a] = ((corner >> a) & 1 ? box_hi[a] : box_lo[a]) * volume->dims[a] - 0.5;
      cusp_volume_index_to_lps (volume, ijk, lps);
      for (int r = 0; r < 4; r++)
        clip[r] = view_projection[r] * lps[0] + view_projection[4 + r] * lps[1]
                  + view_projection[8 + r] * lps[2] + view_projection[12 + r];
      if (!(clip[3] > 1e-9))
        {
          memcpy (scissor, viewport, 4 * sizeof (int));
          return TRUE;
        }
      for (int a = 0; a < 2; a++)
        {
          lo[a] = MIN (lo[a], clip[a] / clip[3]);
          hi[a] = MAX (hi[a], clip[a] / clip[3]);
        }
    }
  if (lo[0] > 1.0 || lo[1] > 1.0 || hi[0] < -1.0 || hi[1] < -1.0)
    return FALSE;
  for (int a = 0; a < 2; a++)
    {
      double first = floor (viewport[a] + 0.5 * (MAX (lo[a], -1.0) + 1.0) * viewport[2 + a]);
      double last = ceil (viewport[a] + 0.5 * (MIN (hi[a], 1.0) + 1.0) * viewport[2 + a]);

      scissor[a] = (int) first;
      scissor[2 + a] = (int) MAX (last - first, 1.0);
    }
  return TRUE;
}

void
cusp_raycast_renderer_draw (CuspRaycastRenderer *renderer,
                            CuspVolumeTexture   *texture,
                            const float          view_projection[16],
                            const int            viewport[4],
                            CuspRaycastPreset    preset)
{
  double vp[16], inverse[16], step_mm, diagonal_mm, lo, hi, per_value, box_lo[3], box_hi[3];
  float inverse_f[16], lps_to_tex[16], gradient_to_lps[9];
  int scissor[4], pass_viewport[4], pass_scissor[4];
  GLint target_fb = 0;
  CuspVolume *volume;
  gboolean has_depth, low;

  g_return_if_fail (renderer != NULL && view_projection != NULL && viewport != NULL);
  g_return_if_fail (preset < CUSP_RAYCAST_PRESET_COUNT);

  if (texture == NULL || viewport[2] <= 0 || viewport[3] <= 0)
    return;
  volume = texture->volume;
  for (int i = 0; i < 16; i++)
    vp[i] = view_projection[i];
  if (!invert_4x4 (vp, inverse))
    return;
  if (!volume_geometry (volume, lps_to_tex, gradient_to_lps, &step_mm, &diagonal_mm))
    return;
  for (int i = 0; i < 16; i++)
    inverse_f[i] = (float) inverse[i];

  update_table (renderer, volume, preset);
  update_blocks (renderer, volume);
  cusp_transfer_function_get_range (&renderer->tf, &lo, &hi);
  if (!visible_bounds (renderer, volume, lo, box_lo, box_hi))
    return;
  if (!box_scissor (volume, box_lo, box_hi, vp, viewport, scissor))
    return;
  /* Entry e of the table sits at texel centre (e + 0.5) / N and holds value lo + e (hi - lo) / (N - 1). */
  per_value = (CUSP_TRANSFER_FUNCTION_TABLE_SIZE - 1.0) / CUSP_TRANSFER_FUNCTION_TABLE_SIZE / (hi - lo);
  has_depth = copy_scene_depth (renderer, viewport);

  memcpy (pass_viewport, viewport, sizeof pass_viewport);
  memcpy (pass_scissor, scissor, sizeof pass_scissor);
  glGetIntegerv (GL_DRAW_FRAMEBUFFER_BINDING, &target_fb);
  low = renderer->resolution_scale < 1.0
        && ensure_low_target (renderer, MAX ((int) lround (viewport[2] * renderer->resolution_scale), 1),
                              MAX ((int) lround (viewport[3] * renderer->resolution_scale), 1));
  if (low)
    {
      float clear_rgba[4];
      double sx = (double) renderer->low_width / viewport[2], sy = (double) renderer->low_height / viewport[3];

      pass_viewport[0] = pass_viewport[1] = 0;
      pass_viewport[2] = renderer->low_width;
      pass_viewport[3] = renderer->low_height;
      pass_scissor[0] = (int) floor ((scissor[0] - viewport[0]) * sx);
      pass_scissor[1] = (int) floor ((scissor[1] - viewport[1]) * sy);
      pass_scissor[2] = (int) ceil (scissor[2] * sx) + 1;
      pass_scissor[3] = (int) ceil (scissor[3] * sy) + 1;
      glBindFramebuffer (GL_DRAW_FRAMEBUFFER, renderer->low_framebuffer);
      glGetFloatv (GL_COLOR_CLEAR_VALUE, clear_rgba);
      glDisable (GL_SCISSOR_TEST);
      glClearColor (0.0f, 0.0f, 0.0f, 0.0f);
      glClear (GL_COLOR_BUFFER_BIT);
      glClearColor (clear_rgba[0], clear_rgba[1], clear_rgba[2], clear_rgba[3]);
    }

  glViewport (pass_viewport[0], pass_viewport[1], pass_viewport[2], pass_viewport[3]);
  glEnable (GL_SCISSOR_TEST);
  glScissor (pass_scissor[0], pass_scissor[1], pass_scissor[2], pass_scissor[3]);
  glDisable (GL_DEPTH_TEST);   /* the shader stops rays at the scene depth itself */
  glDisable (GL_CULL_FACE);
  glEnable (GL_BLEND);
  glBlendFunc (GL_ONE, GL_ONE_MINUS_SRC_ALPHA);

  glUseProgram (renderer->program);
  glActiveTexture (GL_TEXTURE0);
  glBindTexture (GL_TEXTURE_3D, texture->id);
  glActiveTexture (GL_TEXTURE1);
  glBindTexture (GL_TEXTURE_1D, renderer->table);
  glActiveTexture (GL_TEXTURE2);
  glBindTexture (GL_TEXTURE_2D, renderer->depth);
  glActiveTexture (GL_TEXTURE3);
  glBindTexture (GL_TEXTURE_3D, renderer->blocks);
  glUniform1i (renderer->u_blocks, 3);
  glUniform3f (renderer->u_block_scale, volume->dims[0] / (float) BLOCK_VOXELS,
               volume->dims[1] / (float) BLOCK_VOXELS, volume->dims[2] / (float) BLOCK_VOXELS);
  /* Every preset is transparent up to its first point (cusp-transfer-function.h). */
  glUniform1f (renderer->u_skip_at_most, (float) lo);
  glUniform3f (renderer->u_box_lo, (float) box_lo[0], (float) box_lo[1], (float) box_lo[2]);
  glUniform3f (renderer->u_box_hi, (float) box_hi[0], (float) box_hi[1], (float) box_hi[2]);
  glUniform1i (renderer->u_volume, 0);
  glUniform1i (renderer->u_table, 1);
  glUniform1i (renderer->u_depth, 2);
  glUniform1i (renderer->u_has_depth, has_depth);
  glUniform4f (renderer->u_viewport, pass_viewport[0], pass_viewport[1], pass_viewport[2], pass_viewport[3]);
  /* The scene depth stays at full resolution: a reduced pixel reads the one under its corner. */
  glUniform2f (renderer->u_depth_scale, (float) viewport[2] / pass_viewport[2],
               (float) viewport[3] / pass_viewport[3]);
  glUniformMatrix4fv (renderer->u_inverse_view_projection, 1, GL_FALSE, inverse_f);
  glUniformMatrix4fv (renderer->u_lps_to_texture, 1, GL_FALSE, lps_to_tex);
  glUniformMatrix3fv (renderer->u_index_gradient_to_lps, 1, GL_FALSE, gradient_to_lps);
  glUniform3f (renderer->u_texel, 1.0f / volume->dims[0], 1.0f / volume->dims[1], 1.0f / volume->dims[2]);
  glUniform2f (renderer->u_table_map, (float) (texture->value_scale * per_value),
               (float) (0.5 / CUSP_TRANSFER_FUNCTION_TABLE_SIZE - lo * per_value));
  glUniform1f (renderer->u_step_mm, (float) step_mm);
  glUniform1i (renderer->u_max_steps, (int) MIN (ceil (diagonal_mm / step_mm) + 2.0, MAX_STEPS));
  glUniform1i (renderer->u_shaded, renderer->tf.shaded);

  glBindVertexArray (renderer->vertex_array);
  glDrawArrays (GL_TRIANGLES, 0, 3);
  glBindVertexArray (0);

  glBindTexture (GL_TEXTURE_3D, 0);
  glActiveTexture (GL_TEXTURE2);
  glBindTexture (GL_TEXTURE_2D, 0);
  glActiveTexture (GL_TEXTURE1);
  glBindTexture (GL_TEXTURE_1D, 0);
  glActiveTexture (GL_TEXTURE0);
  glBindTexture (GL_TEXTURE_3D, 0);

  if (low)
    {
      /* Scale the premultiplied picture up over the scene (linear filtering of premultiplied
       * colour is exact), inside the same screen rectangle. */
      glBindFramebuffer (GL_DRAW_FRAMEBUFFER, target_fb);
      glViewport (viewport[0], viewport[1], viewport[2], viewport[3]);
      glScissor (scissor[0], scissor[1], scissor[2], scissor[3]);
      glUseProgram (renderer->upscale_program);
      glBindTexture (GL_TEXTURE_2D, renderer->low_color);
      glUniform1i (renderer->u_image, 0);
      glBindVertexArray (renderer->vertex_array);
      glDrawArrays (GL_TRIANGLES, 0, 3);
      glBindVertexArray (0);
      glBindTexture (GL_TEXTURE_2D, 0);
    }
  glUseProgram (0);
  glDisable (GL_BLEND);
  glDisable (GL_SCISSOR_TEST);
}
