/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-mesh-renderer.c: Phong-shaded surface meshes with order-independent single-layer
 * transparency (see the header). */
#include "cusp-mesh-renderer.h"
#include "cusp-gl-program.h"

#include <math.h>
#include <string.h>

typedef struct {
  GLuint vertex_array;
  GLuint buffers[4];          /* interleaved position + normal; indices; colours per vertex;
                               * the coarse indices (0: none) */
  GLsizei index_count;
  GLsizei coarse_index_count; /* 0: the slot has no coarse level and draws in full */
  guint vertex_count;
  gboolean has_colors;
  float rgba[4];
} CuspMeshSlot;

#define COLOR_ATTRIBUTE 2     /* a_color: an array per vertex, or the slot's colour as constant */

/* Meshes above this many triangles get a coarse level. llvmpipe's cost is per triangle (set-up
 * and binning on small triangles), not per pixel: the 52k-triangle lumen, drawn twice by the
 * translucent passes, took 37 of a 3D frame's 47 ms at 375 x 361 (2026-11-22). */
#define COARSE_MIN_TRIANGLES 8000
/* The coarse level aims at a quarter of the triangles at most. */
#define COARSE_FRACTION 0.25

struct _CuspMeshRenderer {
  GLuint program;
  GLint u_view, u_projection;
  gboolean coarse;
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
      glDeleteBuffers (slot->buffers[3] != 0 ? 4 : 3, slot->buffers);
      glDeleteVertexArrays (1, &slot->vertex_array);
    }
  slot->vertex_array = 0;
  memset (slot->buffers, 0, sizeof slot->buffers);
  slot->index_count = 0;
  slot->coarse_index_count = 0;
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

/* ---- the coarse level: vertex clustering onto the mesh's own vertices ---- */

typedef struct {
  double sum[3];
  guint count;
  guint representative;
  double best_d2;
} CoarseCell;

static guint64
cell_key (const float p[3], const double origin[3], double cell_mm)
{
  guint64 key = 0;

  for (int a = 0; a < 3; a++)
    key = (key << 21) | ((guint64) floor ((p[a] - origin[a]) / cell_mm) & 0x1fffff);
  return key;
}

static guint64
triangle_key (guint a, guint b, guint c)
{
  guint t;

  /* the same three vertices in any order or winding are one triangle */
  if (a > b) { t = a; a = b; b = t; }
  if (b > c) { t = b; b = c; c = t; }
  if (a > b) { t = a; a = b; b = t; }
  return ((guint64) a * 0x9E3779B97F4A7C15ull) ^ ((guint64) b << 32) ^ ((guint64) b >> 32)
         ^ ((guint64) c * 0xC2B2AE3D27D4EB4Full);
}

/* Triangles of `mesh` with every vertex replaced by the one nearest its cell's centroid (cells of
 * `cell_mm`); collapsed and repeated triangles dropped (a repeat would be blended twice). The
 * coarse surface keeps the mesh's vertices, so the slot's vertex and colour buffers serve both. */
static GArray *
coarse_indices (const CuspMesh *mesh, double cell_mm)
{
  g_autoptr(GHashTable) cells = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree guint64 *keys = g_new (guint64, mesh->vertex_count);
  g_autofree guint *representative = g_new (guint, mesh->vertex_count);
  GArray *indices = g_array_new (FALSE, FALSE, sizeof (uint32_t));
  double origin[3] = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE };

  for (guint v = 0; v < mesh->vertex_count; v++)
    for (int a = 0; a < 3; a++)
      origin[a] = MIN (origin[a], mesh->positions_mm[3 * v + a]);
  for (guint v = 0; v < mesh->vertex_count; v++)
    {
      const float *p = mesh->positions_mm + 3 * v;
      CoarseCell *cell;

      keys[v] = cell_key (p, origin, cell_mm);
      cell = g_hash_table_lookup (cells, &keys[v]);
      if (cell == NULL)
        {
          cell = g_new0 (CoarseCell, 1);
          cell->best_d2 = G_MAXDOUBLE;
          g_hash_table_insert (cells, g_memdup2 (&keys[v], sizeof keys[v]), cell);
        }
      for (int a = 0; a < 3; a++)
        cell->sum[a] += p[a];
      cell->count++;
    }
  for (guint v = 0; v < mesh->vertex_count; v++)
    {
      const float *p = mesh->positions_mm + 3 * v;
      CoarseCell *cell = g_hash_table_lookup (cells, &keys[v]);
      double d2 = 0.0;

      for (int a = 0; a < 3; a++)
        {
          double d = p[a] - cell->sum[a] / cell->count;
          d2 += d * d;
        }
      if (d2 < cell->best_d2)
        {
          cell->best_d2 = d2;
          cell->representative = v;
        }
    }
  for (guint v = 0; v < mesh->vertex_count; v++)
    representative[v] = ((CoarseCell *) g_hash_table_lookup (cells, &keys[v]))->representative;
  for (guint t = 0; t < mesh->triangle_count; t++)
    {
      uint32_t tri[3];
      guint64 key;

      for (int k = 0; k < 3; k++)
        {
          uint32_t i = mesh->indices[3 * t + k];
          tri[k] = i < mesh->vertex_count ? representative[i] : 0;
        }
      if (tri[0] == tri[1] || tri[1] == tri[2] || tri[0] == tri[2])
        continue;
      key = triangle_key (tri[0], tri[1], tri[2]);
      if (g_hash_table_contains (seen, &key))
        continue;
      g_hash_table_add (seen, g_memdup2 (&key, sizeof key));
      g_array_append_vals (indices, tri, 3);
    }
  return indices;
}

/* Mean edge length of the mesh, mm: the coarse cells start at twice it. */
static double
mean_edge_mm (const CuspMesh *mesh)
{
  double sum = 0.0;
  guint n = 0;

  for (guint t = 0; t < mesh->triangle_count; t++)
    for (int k = 0; k < 3; k++)
      {
        uint32_t i = mesh->indices[3 * t + k], j = mesh->indices[3 * t + (k + 1) % 3];
        double d2 = 0.0;

        if (i >= mesh->vertex_count || j >= mesh->vertex_count)
          continue;
        for (int a = 0; a < 3; a++)
          {
            double d = mesh->positions_mm[3 * i + a] - mesh->positions_mm[3 * j + a];
            d2 += d * d;
          }
        sum += sqrt (d2);
        n++;
      }
  return n > 0 ? sum / n : 0.0;
}

static void
upload_coarse (CuspMeshSlot *slot, const CuspMesh *mesh)
{
  double cell_mm = 2.0 * mean_edge_mm (mesh);
  g_autoptr(GArray) indices = NULL;

  if (mesh->triangle_count < COARSE_MIN_TRIANGLES || !(cell_mm > 0.0))
    return;
  /* a few widenings at most: each removes about 40 % of what is left */
  for (int attempt = 0; attempt < 4; attempt++, cell_mm *= 1.3)
    {
      g_clear_pointer (&indices, g_array_unref);
      indices = coarse_indices (mesh, cell_mm);
      if (indices->len / 3 <= COARSE_FRACTION * mesh->triangle_count)
        break;
    }
  if (indices->len == 0 || indices->len / 3 >= mesh->triangle_count)
    return;
  glGenBuffers (1, &slot->buffers[3]);
  glBindBuffer (GL_ELEMENT_ARRAY_BUFFER, slot->buffers[3]);
  glBufferData (GL_ELEMENT_ARRAY_BUFFER, sizeof (uint32_t) * (gsize) indices->len, indices->data,
                GL_STATIC_DRAW);
  slot->coarse_index_count = (GLsizei) indices->len;
}

static void
set_mesh (CuspMeshRenderer *renderer,
          guint             slot_index,
          const CuspMesh   *mesh,
          const float       rgba[4],
          gboolean          with_coarse)
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
  /* outside the vertex array: its element binding stays the full index buffer */
  if (with_coarse)
    upload_coarse (slot, mesh);
  glBindBuffer (GL_ELEMENT_ARRAY_BUFFER, 0);
  glBindBuffer (GL_ARRAY_BUFFER, 0);
  slot->index_count = (GLsizei) (3 * mesh->triangle_count);
  slot->vertex_count = mesh->vertex_count;
}

void
cusp_mesh_renderer_set_mesh (CuspMeshRenderer *renderer,
                             guint             slot_index,
                             const CuspMesh   *mesh,
                             const float       rgba[4])
{
  set_mesh (renderer, slot_index, mesh, rgba, FALSE);
}

void
cusp_mesh_renderer_set_mesh_lod (CuspMeshRenderer *renderer,
                                 guint             slot_index,
                                 const CuspMesh   *mesh,
                                 const float       rgba[4])
{
  set_mesh (renderer, slot_index, mesh, rgba, TRUE);
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

void
cusp_mesh_renderer_set_coarse (CuspMeshRenderer *renderer,
                               gboolean          coarse)
{
  g_return_if_fail (renderer != NULL);

  renderer->coarse = coarse;
}

guint
cusp_mesh_renderer_get_drawn_triangle_count (CuspMeshRenderer *renderer)
{
  guint n = 0;

  g_return_val_if_fail (renderer != NULL, 0);
  for (guint i = 0; i < CUSP_MESH_RENDERER_SLOTS; i++)
    {
      const CuspMeshSlot *slot = &renderer->slots[i];
      n += (renderer->coarse && slot->coarse_index_count > 0 ? slot->coarse_index_count : slot->index_count) / 3;
    }
  return n;
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
  gboolean coarse = renderer->coarse && slot->coarse_index_count > 0;

  glBindVertexArray (slot->vertex_array);
  /* a disabled attribute array reads the current constant value */
  if (!slot->has_colors)
    glVertexAttrib4fv (COLOR_ATTRIBUTE, slot->rgba);
  if (coarse)
    glBindBuffer (GL_ELEMENT_ARRAY_BUFFER, slot->buffers[3]);
  glDrawElements (GL_TRIANGLES, coarse ? slot->coarse_index_count : slot->index_count, GL_UNSIGNED_INT, NULL);
  if (coarse)   /* the vertex array keeps the full level bound */
    glBindBuffer (GL_ELEMENT_ARRAY_BUFFER, slot->buffers[1]);
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
