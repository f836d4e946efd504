/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-mesh-renderer.c: the surface renderer's coarse level (drawn while the 3D view is dragged)
 * against its full level, in pixels read back from an offscreen EGL framebuffer.
 *
 * A finely tessellated sphere (lumen-like: ~2 px triangles at this size) must get a coarse level
 * of at most a quarter of its triangles that covers the same pixels and shades them alike, both
 * opaque and translucent; a small mesh, or one uploaded without a coarse level (the valve frame's
 * tubes), draws the same either way. */
#include "cusp-mesh-renderer.h"
#include "cusp-test-egl.h"

#include <math.h>
#include <string.h>

#define FB_SIZE 200

static CuspTestEgl *egl;
static CuspMeshRenderer *renderer;
static char *why_no_gl;
static GLuint depth_buffer;
/* the 3D view's calcium (opaque) and lumen (translucent) colours */
static const float calcium_rgba[4] = { 1.0f, 0.93f, 0.55f, 1.0f };
static const float lumen_rgba[4] = { 0.86f, 0.22f, 0.20f, 0.55f };

static gboolean
need_gl (void)
{
  if (renderer != NULL)
    return TRUE;
  g_test_skip (why_no_gl);
  return FALSE;
}

/* A UV sphere of radius_mm around the origin, rings x segments quads split in two. */
static CuspMesh *
sphere_new (int rings, int segments, double radius_mm)
{
  CuspMesh *mesh = g_new0 (CuspMesh, 1);
  guint t = 0;

  mesh->vertex_count = (guint) ((rings + 1) * (segments + 1));
  mesh->positions_mm = g_new (float, 3 * mesh->vertex_count);
  mesh->normals = g_new (float, 3 * mesh->vertex_count);
  for (int r = 0; r <= rings; r++)
    for (int s = 0; s <= segments; s++)
      {
        double theta = G_PI * r / rings, phi = 2.0 * G_PI * s / segments;
        double n[3] = { sin (theta) * cos (phi), sin (theta) * sin (phi), cos (theta) };
        guint v = (guint) (r * (segments + 1) + s);

        for (int a = 0; a < 3; a++)
          {
            mesh->normals[3 * v + a] = (float) n[a];
            mesh->positions_mm[3 * v + a] = (float) (radius_mm * n[a]);
          }
      }
  mesh->triangle_count = (guint) (2 * rings * segments);
  mesh->indices = g_new (uint32_t, 3 * mesh->triangle_count);
  for (int r = 0; r < rings; r++)
    for (int s = 0; s < segments; s++)
      {
        uint32_t a = (uint32_t) (r * (segments + 1) + s), b = a + 1;
        uint32_t c = a + (uint32_t) (segments + 1), d = c + 1;
        uint32_t quad[6] = { a, c, b, b, c, d };

        memcpy (mesh->indices + 3 * t, quad, sizeof quad);
        t += 2;
      }
  return mesh;
}

/* Looking down -z from 60 mm at the origin, a 40 mm wide field. */
static void
camera (float view[16], float projection[16])
{
  const float n = 1.0f, f = 200.0f, half = 20.0f;

  memset (view, 0, 16 * sizeof (float));
  view[0] = view[5] = view[10] = view[15] = 1.0f;
  view[14] = -60.0f;
  memset (projection, 0, 16 * sizeof (float));
  projection[0] = projection[5] = 1.0f / half;
  projection[10] = -2.0f / (f - n);
  projection[14] = -(f + n) / (f - n);
  projection[15] = 1.0f;
}

static guint8 *
draw (gboolean coarse)
{
  float view[16], projection[16];

  cusp_test_egl_bind (egl);
  glViewport (0, 0, FB_SIZE, FB_SIZE);
  glClearColor (0.0f, 0.0f, 0.0f, 1.0f);
  glClearDepth (1.0);
  glClear (GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
  camera (view, projection);
  cusp_mesh_renderer_set_coarse (renderer, coarse);
  cusp_mesh_renderer_draw (renderer, view, projection);
  g_assert_cmpint (glGetError (), ==, GL_NO_ERROR);
  return cusp_test_egl_read_rgba (egl);
}

typedef struct {
  guint covered_full, covered_coarse, covered_either, covered_both;
  double mean_abs_diff;          /* over pixels both cover, 0..255 per channel */
} Comparison;

static void
compare (const guint8 *full, const guint8 *coarse, Comparison *c)
{
  double sum = 0.0;

  memset (c, 0, sizeof *c);
  for (int i = 0; i < FB_SIZE * FB_SIZE; i++)
    {
      gboolean a = full[4 * i] + full[4 * i + 1] + full[4 * i + 2] > 0;
      gboolean b = coarse[4 * i] + coarse[4 * i + 1] + coarse[4 * i + 2] > 0;

      c->covered_full += a;
      c->covered_coarse += b;
      c->covered_either += a || b;
      if (a && b)
        {
          c->covered_both++;
          for (int k = 0; k < 3; k++)
            sum += fabs ((double) full[4 * i + k] - coarse[4 * i + k]);
        }
    }
  c->mean_abs_diff = c->covered_both > 0 ? sum / (3.0 * c->covered_both) : 0.0;
}

static void
check_sphere (const float rgba[4])
{
  g_autoptr(CuspMesh) sphere = sphere_new (120, 160, 15.0);   /* 38400 triangles */
  g_autofree guint8 *full = NULL, *coarse = NULL;
  guint full_count, coarse_count;
  Comparison c;

  cusp_mesh_renderer_set_mesh_lod (renderer, 0, sphere, rgba);
  cusp_mesh_renderer_set_coarse (renderer, FALSE);
  full_count = cusp_mesh_renderer_get_drawn_triangle_count (renderer);
  cusp_mesh_renderer_set_coarse (renderer, TRUE);
  coarse_count = cusp_mesh_renderer_get_drawn_triangle_count (renderer);
  g_assert_cmpuint (full_count, ==, sphere->triangle_count);
  g_assert_cmpuint (cusp_mesh_renderer_get_triangle_count (renderer), ==, sphere->triangle_count);
  g_assert_cmpuint (coarse_count, >, 0);
  g_assert_cmpuint (coarse_count, <=, sphere->triangle_count / 4);

  full = draw (FALSE);
  coarse = draw (TRUE);
  compare (full, coarse, &c);
  g_test_message ("triangles %u -> %u; covered %u full, %u coarse, %u differ; mean |diff| %.2f",
                  full_count, coarse_count, c.covered_full, c.covered_coarse,
                  c.covered_either - c.covered_both, c.mean_abs_diff);
  /* the disc of radius 15 mm in a 40 mm field: about 0.44 of the pixels */
  g_assert_cmpuint (c.covered_full, >, FB_SIZE * FB_SIZE / 3);
  /* the same silhouette within a pixel-wide rim (the rim is ~2 % of the disc) */
  g_assert_cmpuint (c.covered_either - c.covered_both, <, c.covered_full / 25);
  /* and alike shading: a few grey levels on average */
  g_assert_cmpfloat (c.mean_abs_diff, <, 6.0);
  cusp_mesh_renderer_set_mesh (renderer, 0, NULL, NULL);
}

/* The sphere drawn coarse and in full; opaque or translucent by its alpha. */
static void
test_coarse_level (gconstpointer data)
{
  const float *rgba = data;

  if (!need_gl ())
    return;
  check_sphere (rgba);
}

/* A mesh without a coarse level draws the same pixels with the coarse level asked for. */
static void
check_full_only (int rings, int segments, gboolean lod)
{
  const float rgba[4] = { 0.35f, 0.75f, 1.0f, 1.0f };
  g_autoptr(CuspMesh) sphere = sphere_new (rings, segments, 15.0);
  g_autofree guint8 *full = NULL, *coarse = NULL;

  if (!need_gl ())
    return;
  (lod ? cusp_mesh_renderer_set_mesh_lod : cusp_mesh_renderer_set_mesh) (renderer, 0, sphere, rgba);
  cusp_mesh_renderer_set_coarse (renderer, TRUE);
  g_assert_cmpuint (cusp_mesh_renderer_get_drawn_triangle_count (renderer), ==, sphere->triangle_count);
  full = draw (FALSE);
  coarse = draw (TRUE);
  g_assert_cmpmem (full, 4 * FB_SIZE * FB_SIZE, coarse, 4 * FB_SIZE * FB_SIZE);
  cusp_mesh_renderer_set_mesh (renderer, 0, NULL, NULL);
  g_assert_cmpuint (cusp_mesh_renderer_get_drawn_triangle_count (renderer), ==, 0);
}

/* 2400 triangles: below the size that gets a coarse level. */
static void
test_small_mesh_has_no_coarse_level (void)
{
  check_full_only (30, 40, TRUE);
}

/* The valve frame's thin tubes are uploaded without a coarse level, however many triangles. */
static void
test_plain_mesh_has_no_coarse_level (void)
{
  check_full_only (120, 160, FALSE);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  egl = cusp_test_egl_new (FB_SIZE, FB_SIZE, &why_no_gl);
  if (egl != NULL)
    {
      /* the renderer tests depth: give the offscreen framebuffer a depth buffer */
      cusp_test_egl_bind (egl);
      glGenRenderbuffers (1, &depth_buffer);
      glBindRenderbuffer (GL_RENDERBUFFER, depth_buffer);
      glRenderbufferStorage (GL_RENDERBUFFER, GL_DEPTH_COMPONENT24, FB_SIZE, FB_SIZE);
      glFramebufferRenderbuffer (GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, depth_buffer);
      g_assert_cmpint (glCheckFramebufferStatus (GL_FRAMEBUFFER), ==, GL_FRAMEBUFFER_COMPLETE);
      renderer = cusp_mesh_renderer_new (&error);
      g_assert_no_error (error);
    }
  g_test_add_data_func ("/render/mesh/coarse-level-opaque", calcium_rgba, test_coarse_level);
  g_test_add_data_func ("/render/mesh/coarse-level-translucent", lumen_rgba, test_coarse_level);
  g_test_add_func ("/render/mesh/small-mesh-has-no-coarse-level", test_small_mesh_has_no_coarse_level);
  g_test_add_func ("/render/mesh/plain-mesh-has-no-coarse-level", test_plain_mesh_has_no_coarse_level);
  status = g_test_run ();
  g_clear_pointer (&renderer, cusp_mesh_renderer_free);
  if (depth_buffer != 0)
    glDeleteRenderbuffers (1, &depth_buffer);
  g_clear_pointer (&egl, cusp_test_egl_free);
  g_free (why_no_gl);
  return status;
}
