/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-mesh-renderer.c: Phong-shaded surface meshes with order-independent single-layer
 * transparency (see the header). */
#include "cusp-mesh-renderer.h"
#include "cusp-gl-program.h"

#include <string.h>

typedef struct {
  GLuint vertex_array;
  GLuint buffers[3];          /* interleaved position + normal; indices; colours per vertex */
  GLsizei index_count;
  guint vertex_count;
  gboolean has_colors;
  float rgba[4];
} CuspMeshSlot;

#define COLOR_ATTRIBUTE 2     /* a_color: an array per vertex, or the slot's colour as constant */

struct _CuspMeshRenderer {
  GLuint program;
  GLint u_view, u_projection;
  CuspMeshSlot slots[CUSP_MESH_RENDERER_SLOTS];
};

CuspMeshRenderer *
cusp_mesh_renderer_new (GError **error)
{
  CuspMeshRenderer *renderer;
  GLuint program = cusp_gl_program_new ("cusp-mesh.vert.glsl", "cusp-mesh.frag.glsl", error);

  if (program == 0)
    return NULL;
  renderer = g_new0 (CuspMeshRenderer, 1);
  renderer->program = program;
  renderer->u_view = glGetUniformLocation (program, "u_view");
  renderer->u_projection = glGetUniformLocation (program, "u_projection");
  return renderer;
}

static void
slot_clear (CuspMeshSlot *slot)
{
  if (slot->vertex_array != 0)
    {
      glDeleteBuffers (3, slot->buffers);
      glDeleteVertexArrays (1, &slot->vertex_array);
    }
  slot->vertex_array = 0;
  slot->buffers[0] = slot->buffers[1] = slot->buffers[2] = 0;
  slot->index_count = 0;
  slot->vertex_count = 0;
  slot->has_colors = FALSE;
}

void
cusp_mesh_renderer_free (CuspMeshRenderer *renderer)
{
  if (renderer == NULL)
    return;
  for (guint i = 0; i < CUSP_MESH_RENDERER_SLOTS; i++)
    slot_clear (&renderer->slots[i]);
  glDeleteProgram (renderer->program);
  g_free (renderer);
}

void
cusp_mesh_renderer_set_mesh (CuspMeshRenderer *renderer,
                             guint             slot_index,
                             const CuspMesh   *mesh,
                             const float       rgba[4])
{
  CuspMeshSlot *slot;
  g_autofree float *interleaved = NULL;

  g_return_if_fail (renderer != NULL);
  g_return_if_fail (slot_index < CUSP_MESH_RENDERER_SLOTS);

  slot = &renderer->slots[slot_index];
  slot_clear (slot);
  if (rgba != NULL)
    memcpy (slot->rgba, rgba, sizeof slot->rgba);
  if (mesh == NULL || mesh->triangle_count == 0 || mesh->vertex_count == 0)
    return;

  /* One interleaved buffer: each vertex's position and normal share a cache line. */
  interleaved = g_new (float, 6 * (gsize) mesh->vertex_count);
  for (guint v = 0; v < mesh->vertex_count; v++)
    {
      memcpy (interleaved + 6 * v, mesh->positions_mm + 3 * v, 3 * sizeof (float));
      memcpy (interleaved + 6 * v + 3, mesh->normals + 3 * v, 3 * sizeof (float));
    }

  glGenVertexArrays (1, &slot->vertex_array);
  glBindVertexArray (slot->vertex_array);
  glGenBuffers (3, slot->buffers);
  glBindBuffer (GL_ARRAY_BUFFER, slot->buffers[0]);
  glBufferData (GL_ARRAY_BUFFER, 6 * sizeof (float) * (gsize) mesh->vertex_count, interleaved, GL_STATIC_DRAW);
  glEnableVertexAttribArray (0);
  glVertexAttribPointer (0, 3, GL_FLOAT, GL_FALSE, 6 * sizeof (float), (void *) 0);
  glEnableVertexAttribArray (1);
  glVertexAttribPointer (1, 3, GL_FLOAT, GL_FALSE, 6 * sizeof (float), (void *) (3 * sizeof (float)));
  glBindBuffer (GL_ELEMENT_ARRAY_BUFFER, slot->buffers[1]);
  glBufferData (GL_ELEMENT_ARRAY_BUFFER, 3 * sizeof (uint32_t) * (gsize) mesh->triangle_count,
                mesh->indices, GL_STATIC_DRAW);
  glBindVertexArray (0);
  glBindBuffer (GL_ARRAY_BUFFER, 0);
  slot->index_count = (GLsizei) (3 * mesh->triangle_count);
  slot->vertex_count = mesh->vertex_count;
}

void
cusp_mesh_renderer_set_colors (CuspMeshRenderer *renderer,
                               guint             slot_index,
                               const float      *rgba,
                               guint             vertex_count)
{
  CuspMeshSlot *slot;

  g_return_if_fail (renderer != NULL);
  g_return_if_fail (slot_index < CUSP_MESH_RENDERER_SLOTS);

  slot = &renderer->slots[slot_index];
  if (slot->vertex_array == 0)
    return;
  glBindVertexArray (slot->vertex_array);
  slot->has_colors = rgba != NULL && vertex_count == slot->vertex_count;
  if (slot->has_colors)
    {
      glBindBuffer (GL_ARRAY_BUFFER, slot->buffers[2]);
      glBufferData (GL_ARRAY_BUFFER, 4 * sizeof (float) * (gsize) vertex_count, rgba, GL_DYNAMIC_DRAW);
      glEnableVertexAttribArray (COLOR_ATTRIBUTE);
      glVertexAttribPointer (COLOR_ATTRIBUTE, 4, GL_FLOAT, GL_FALSE, 4 * sizeof (float), (void *) 0);
      glBindBuffer (GL_ARRAY_BUFFER, 0);
    }
  else
    glDisableVertexAttribArray (COLOR_ATTRIBUTE);
  glBindVertexArray (0);
}

guint
cusp_mesh_renderer_get_triangle_count (CuspMeshRenderer *renderer)
{
  guint n = 0;

  g_return_val_if_fail (renderer != NULL, 0);
  for (guint i = 0; i < CUSP_MESH_RENDERER_SLOTS; i++)
    n += renderer->slots[i].index_count / 3;
  return n;
}

static void
draw_slot (CuspMeshRenderer *renderer, const CuspMeshSlot *slot)
{
  glBindVertexArray (slot->vertex_array);
  /* a disabled attribute array reads the current constant value */
  if (!slot->has_colors)
    glVertexAttrib4fv (COLOR_ATTRIBUTE, slot->rgba);
  glDrawElements (GL_TRIANGLES, slot->index_count, GL_UNSIGNED_INT, NULL);
}

static void
begin_draw (CuspMeshRenderer *renderer, const float view[16], const float projection[16])
{
  glUseProgram (renderer->program);
  glUniformMatrix4fv (renderer->u_view, 1, GL_FALSE, view);
  glUniformMatrix4fv (renderer->u_projection, 1, GL_FALSE, projection);
  glEnable (GL_DEPTH_TEST);
  glDepthFunc (GL_LESS);
  glDepthMask (GL_TRUE);
  glDisable (GL_CULL_FACE);   /* clipped surfaces are open: their inside shows */
  glDisable (GL_BLEND);
}

static void
end_draw (void)
{
  glBindVertexArray (0);
  glUseProgram (0);
  glDisable (GL_DEPTH_TEST);
}

void
cusp_mesh_renderer_draw_opaque (CuspMeshRenderer *renderer,
                                const float       view[16],
                                const float       projection[16])
{
  g_return_if_fail (renderer != NULL);

  begin_draw (renderer, view, projection);
  for (guint i = 0; i < CUSP_MESH_RENDERER_SLOTS; i++)
    if (renderer->slots[i].index_count > 0 && renderer->slots[i].rgba[3] >= 1.0f)
      draw_slot (renderer, &renderer->slots[i]);
  end_draw ();
}

void
cusp_mesh_renderer_draw_translucent (CuspMeshRenderer *renderer,
                                     const float       view[16],
                                     const float       projection[16])
{
  g_return_if_fail (renderer != NULL);

  begin_draw (renderer, view, projection);
  for (guint i = 0; i < CUSP_MESH_RENDERER_SLOTS; i++)
    {
      const CuspMeshSlot *slot = &renderer->slots[i];

      if (slot->index_count == 0 || slot->rgba[3] >= 1.0f)
        continue;
      /* Pass 1: the nearest depth of this surface, no colour. */
      glColorMask (GL_FALSE, GL_FALSE, GL_FALSE, GL_FALSE);
      glDepthFunc (GL_LESS);
      draw_slot (renderer, slot);
      /* Pass 2: blend only the fragments that won pass 1. */
      glColorMask (GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
      glDepthFunc (GL_LEQUAL);
      glDepthMask (GL_FALSE);
      glEnable (GL_BLEND);
      glBlendFuncSeparate (GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
      draw_slot (renderer, slot);
      glDisable (GL_BLEND);
      glDepthMask (GL_TRUE);
      glDepthFunc (GL_LESS);
    }
  end_draw ();
}

void
cusp_mesh_renderer_draw (CuspMeshRenderer *renderer,
                         const float       view[16],
                         const float       projection[16])
{
  cusp_mesh_renderer_draw_opaque (renderer, view, projection);
  cusp_mesh_renderer_draw_translucent (renderer, view, projection);
}
