/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-raycast-render.c: the ray caster's pixels, read back from an offscreen EGL framebuffer.
 *
 * A synthetic CT holds bright balls at known LPS positions off the volume's centre. Whatever the
 * direction matrix, a ball must cover the pixels where the test's own camera matrix projects its
 * centre, everything else must stay transparent, presets must change what is shown, and a
 * surface already in the depth buffer must hide the volume behind it but not in front of it. */
#include "cusp-raycast-renderer.h"
#include "cusp-image-io.h"
#include "cusp-test-egl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FB_SIZE 192

static CuspTestEgl *egl;
static CuspRaycastRenderer *renderer;
static char *why_no_gl;

/* An offscreen target like GtkGLArea's: RGBA8 colour and, optionally, a depth buffer. */
typedef struct {
  GLuint framebuffer, color, depth;
} Target;

static gboolean
need_gl (void)
{
  if (renderer != NULL)
    return TRUE;
  g_test_skip (why_no_gl);
  return FALSE;
}

static void
target_init (Target *target, GLenum depth_format)
{
  memset (target, 0, sizeof *target);
  glGenFramebuffers (1, &target->framebuffer);
  glBindFramebuffer (GL_FRAMEBUFFER, target->framebuffer);
  glGenRenderbuffers (1, &target->color);
  glBindRenderbuffer (GL_RENDERBUFFER, target->color);
  glRenderbufferStorage (GL_RENDERBUFFER, GL_RGBA8, FB_SIZE, FB_SIZE);
  glFramebufferRenderbuffer (GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, target->color);
  if (depth_format != 0)
    {
      glGenRenderbuffers (1, &target->depth);
      glBindRenderbuffer (GL_RENDERBUFFER, target->depth);
      glRenderbufferStorage (GL_RENDERBUFFER, depth_format, FB_SIZE, FB_SIZE);
      glFramebufferRenderbuffer (GL_FRAMEBUFFER,
                                 depth_format == GL_DEPTH24_STENCIL8 ? GL_DEPTH_STENCIL_ATTACHMENT : GL_DEPTH_ATTACHMENT,
                                 GL_RENDERBUFFER, target->depth);
    }
  g_assert_cmpint (glCheckFramebufferStatus (GL_FRAMEBUFFER), ==, GL_FRAMEBUFFER_COMPLETE);
  glClearColor (0, 0, 0, 0);
  glClearDepth (1.0);
  glClear (GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
}

static void
target_clear (Target *target)
{
  glDeleteFramebuffers (1, &target->framebuffer);
  glDeleteRenderbuffers (1, &target->color);
  if (target->depth)
    glDeleteRenderbuffers (1, &target->depth);
  glBindFramebuffer (GL_FRAMEBUFFER, 0);
}

/* RGBA rows of the bound framebuffer, top row first. */
static guint8 *
read_rgba (void)
{
  gsize stride = FB_SIZE * 4;
  g_autofree guint8 *bottom_up = g_malloc (stride * FB_SIZE);
  guint8 *top_down = g_malloc (stride * FB_SIZE);

  glPixelStorei (GL_PACK_ALIGNMENT, 1);
  glReadPixels (0, 0, FB_SIZE, FB_SIZE, GL_RGBA, GL_UNSIGNED_BYTE, bottom_up);
  for (int row = 0; row < FB_SIZE; row++)
    memcpy (top_down + row * stride, bottom_up + (gsize) (FB_SIZE - 1 - row) * stride, stride);
  return top_down;
}

/* A camera's eye and basis, for casting the same rays on the CPU. */
typedef struct {
  double eye[3], forward[3], side[3], up[3];
  double focal;       /* 1 / tan (half the vertical field of view) */
  double far_mm;
} Camera;

#define NEAR_MM 100.0
#define FAR_MM 500.0

/* Column-major perspective camera looking from `eye` at `target`, +z (Superior) up. */
static void
camera_full (const double eye[3], const double target[3], float view_projection[16], Camera *out)
{
  const double near_mm = NEAR_MM, far_mm = FAR_MM, f = 1.0 / tan (0.5 * 30.0 * G_PI / 180.0);
  double forward[3], side[3], up[3] = { 0, 0, 1 }, n;
  double view[16] = { 0 }, projection[16] = { 0 };

  for (int a = 0; a < 3; a++)
    forward[a] = target[a] - eye[a];
  n = sqrt (forward[0] * forward[0] + forward[1] * forward[1] + forward[2] * forward[2]);
  for (int a = 0; a < 3; a++)
    forward[a] /= n;
  side[0] = forward[1] * up[2] - forward[2] * up[1];
  side[1] = forward[2] * up[0] - forward[0] * up[2];
  side[2] = forward[0] * up[1] - forward[1] * up[0];
  n = sqrt (side[0] * side[0] + side[1] * side[1] + side[2] * side[2]);
  for (int a = 0; a < 3; a++)
    side[a] /= n;
  up[0] = side[1] * forward[2] - side[2] * forward[1];
  up[1] = side[2] * forward[0] - side[0] * forward[2];
  up[2] = side[0] * forward[1] - side[1] * forward[0];
  for (int a = 0; a < 3; a++)
    {
      view[a * 4 + 0] = side[a];
      view[a * 4 + 1] = up[a];
      view[a * 4 + 2] = -forward[a];
    }
  view[12] = -(side[0] * eye[0] + side[1] * eye[1] + side[2] * eye[2]);
  view[13] = -(up[0] * eye[0] + up[1] * eye[1] + up[2] * eye[2]);
  view[14] = forward[0] * eye[0] + forward[1] * eye[1] + forward[2] * eye[2];
  view[15] = 1.0;
  projection[0] = f;
  projection[5] = f;
  projection[10] = (far_mm + near_mm) / (near_mm - far_mm);
  projection[11] = -1.0;
  projection[14] = 2.0 * far_mm * near_mm / (near_mm - far_mm);
  for (int c = 0; c < 4; c++)
    for (int r = 0; r < 4; r++)
      {
        double s = 0.0;
        for (int m = 0; m < 4; m++)
          s += projection[m * 4 + r] * view[c * 4 + m];
        view_projection[c * 4 + r] = (float) s;
      }
  if (out != NULL)
    {
      memcpy (out->eye, eye, sizeof out->eye);
      memcpy (out->forward, forward, sizeof out->forward);
      memcpy (out->side, side, sizeof out->side);
      memcpy (out->up, up, sizeof out->up);
      out->focal = f;
      out->far_mm = far_mm;
    }
}

static void
camera (const double eye[3], const double target[3], float view_projection[16])
{
  camera_full (eye, target, view_projection, NULL);
}

/* Pixel (x right, y down, pixel centres at +0.5) and window depth of an LPS point. */
static void
project (const float view_projection[16], const double lps[3], double *x, double *y, double *depth)
{
  double clip[4];

  for (int r = 0; r < 4; r++)
    clip[r] = view_projection[r] * lps[0] + view_projection[4 + r] * lps[1]
              + view_projection[8 + r] * lps[2] + view_projection[12 + r];
  *x = 0.5 * (clip[0] / clip[3] + 1.0) * FB_SIZE;
  *y = 0.5 * (1.0 - clip[1] / clip[3]) * FB_SIZE;
  if (depth)
    *depth = 0.5 * (clip[2] / clip[3] + 1.0);
}

/* An air-filled CT (-1000 HU) whose geometric centre sits at centre_mm. */
static CuspVolume *
new_volume (CuspVoxelType type, const double direction[9], const double centre_mm[3])
{
  const int dims[3] = { 64, 56, 48 };
  const double spacing_mm[3] = { 1.0, 1.2, 1.5 };
  g_autoptr(GError) error = NULL;
  CuspVolume *volume = cusp_volume_new (type, dims, &error);
  double half[3], offset[3];
  gsize count;

  g_assert_no_error (error);
  memcpy (volume->spacing_mm, spacing_mm, sizeof volume->spacing_mm);
  memcpy (volume->direction, direction, sizeof volume->direction);
  volume->modality = CUSP_MODALITY_CT;
  volume->hounsfield = TRUE;
  for (int a = 0; a < 3; a++)
    half[a] = 0.5 * (dims[a] - 1);
  cusp_volume_index_to_lps (volume, half, offset);
  for (int a = 0; a < 3; a++)
    volume->origin_mm[a] = centre_mm[a] - offset[a];
  count = cusp_volume_voxel_count (volume);
  for (gsize i = 0; i < count; i++)
    {
      if (type == CUSP_VOXEL_INT16)
        ((int16_t *) volume->voxels)[i] = -1000;
      else
        ((float *) volume->voxels)[i] = -1000.0f;
    }
  return volume;
}

static void
paint_ball (CuspVolume *volume, const double centre_mm[3], double radius_mm, double value)
{
  for (int k = 0; k < volume->dims[2]; k++)
    for (int j = 0; j < volume->dims[1]; j++)
      for (int i = 0; i < volume->dims[0]; i++)
        {
          double lps[3], d2 = 0.0;
          gsize at = ((gsize) k * volume->dims[1] + j) * volume->dims[0] + i;

          cusp_volume_index_to_lps (volume, (double[3]) { i, j, k }, lps);
          for (int a = 0; a < 3; a++)
            d2 += (lps[a] - centre_mm[a]) * (lps[a] - centre_mm[a]);
          if (d2 <= radius_mm * radius_mm)
            {
              if (volume->voxel_type == CUSP_VOXEL_INT16)
                ((int16_t *) volume->voxels)[at] = (int16_t) value;
              else
                ((float *) volume->voxels)[at] = (float) value;
            }
        }
}

static guint8 *
render (CuspVolume *volume, Target *target, const float view_projection[16], CuspRaycastPreset preset)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolumeTexture) texture = cusp_volume_texture_new (volume, &error);
  const int viewport[4] = { 0, 0, FB_SIZE, FB_SIZE };

  g_assert_no_error (error);
  glBindFramebuffer (GL_FRAMEBUFFER, target->framebuffer);
  cusp_raycast_renderer_draw (renderer, texture, view_projection, viewport, preset);
  g_assert_cmpint (glGetError (), ==, GL_NO_ERROR);
  return read_rgba ();
}

/* Count and centroid of the pixels with alpha above `min_alpha`. */
static int
opaque_centroid (const guint8 *rgba, int min_alpha, double *x, double *y)
{
  double sx = 0.0, sy = 0.0;
  int count = 0;

  for (int row = 0; row < FB_SIZE; row++)
    for (int col = 0; col < FB_SIZE; col++)
      if (rgba[(row * FB_SIZE + col) * 4 + 3] > min_alpha)
        {
          sx += col + 0.5;
          sy += row + 0.5;
          count++;
        }
  *x = count ? sx / count : NAN;
  *y = count ? sy / count : NAN;
  return count;
}

static void
rotation (double angle_z, double angle_x, double out[9])
{
  double cz = cos (angle_z), sz = sin (angle_z), cx = cos (angle_x), sx = sin (angle_x);
  double rz[9] = { cz, -sz, 0, sz, cz, 0, 0, 0, 1 };
  double rx[9] = { 1, 0, 0, 0, cx, -sx, 0, sx, cx };

  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 3; c++)
      {
        out[r * 3 + c] = 0.0;
        for (int m = 0; m < 3; m++)
          out[r * 3 + c] += rz[r * 3 + m] * rx[m * 3 + c];
      }
}

static const double centre_mm[3] = { 10.0, -20.0, 30.0 };
static const double ball_offset_mm[3] = { 14.0, -9.0, 8.0 };
#define BALL_RADIUS_MM 6.0

static void
view_from (const double direction_to_eye[3], float view_projection[16])
{
  double eye[3];

  for (int a = 0; a < 3; a++)
    eye[a] = centre_mm[a] + 300.0 * direction_to_eye[a];
  camera (eye, centre_mm, view_projection);
}

static void
test_ball_lands_at_projection (void)
{
  struct { const char *name; double direction[9]; } cases[] = {
    { "identity (LPS)", { 1, 0, 0, 0, 1, 0, 0, 0, 1 } },
    { "RAS-flipped (NIfTI)", { -1, 0, 0, 0, -1, 0, 0, 0, 1 } },
    { "LPI slice order", { 1, 0, 0, 0, 1, 0, 0, 0, -1 } },
    { "permuted (sagittal acquisition)", { 0, 0, -1, 1, 0, 0, 0, -1, 0 } },
    { "oblique", { 0 } },
  };
  /* Anterior, left-superior-oblique and from below-behind: each sees the ball elsewhere. */
  const double eyes[3][3] = { { 0, -1, 0 }, { 0.6, -0.6, 0.53 }, { -0.3, 0.7, -0.65 } };

  if (!need_gl ())
    return;
  rotation (0.45, 0.3, cases[4].direction);

  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    for (int type = 0; type < 2; type++)
      {
        g_autoptr(CuspVolume) volume = new_volume (type ? CUSP_VOXEL_FLOAT32 : CUSP_VOXEL_INT16,
                                                   cases[c].direction, centre_mm);
        double ball[3];

        for (int a = 0; a < 3; a++)
          ball[a] = centre_mm[a] + ball_offset_mm[a];
        paint_ball (volume, ball, BALL_RADIUS_MM, 1200.0);

        for (int e = 0; e < 3; e++)
          {
            g_autofree guint8 *rgba = NULL;
            float view_projection[16];
            double expect_x, expect_y, x, y, radius_px, edge_px, probe[3], side_n;
            Target target;
            int count, stray = 0;

            view_from (eyes[e], view_projection);
            project (view_projection, ball, &expect_x, &expect_y, NULL);
            /* The ball's apparent radius: project a point one radius off it across the view
             * (along eye x Superior, never parallel to the view here). */
            side_n = hypot (eyes[e][0], eyes[e][1]);
            probe[0] = ball[0] + BALL_RADIUS_MM * eyes[e][1] / side_n;
            probe[1] = ball[1] - BALL_RADIUS_MM * eyes[e][0] / side_n;
            probe[2] = ball[2];
            project (view_projection, probe, &edge_px, &radius_px, NULL);
            radius_px = hypot (edge_px - expect_x, radius_px - expect_y);

            target_init (&target, GL_DEPTH24_STENCIL8);
            rgba = render (volume, &target, view_projection, CUSP_RAYCAST_PRESET_CT_BONE);
            target_clear (&target);

            count = opaque_centroid (rgba, 127, &x, &y);
            for (int row = 0; row < FB_SIZE; row++)
              for (int col = 0; col < FB_SIZE; col++)
                if (hypot (col + 0.5 - expect_x, row + 0.5 - expect_y) > radius_px + 3.0
                    && rgba[(row * FB_SIZE + col) * 4 + 3] != 0)
                  stray++;
            g_test_message ("%s (%s), eye %d: %d px at (%.1f, %.1f), expected (%.1f, %.1f) r %.1f px, %d stray",
                            cases[c].name, type ? "float32" : "int16", e, count, x, y,
                            expect_x, expect_y, radius_px, stray);
            g_assert_cmpfloat (count, >, 0.7 * G_PI * radius_px * radius_px);
            g_assert_cmpfloat (count, <, 1.3 * G_PI * radius_px * radius_px);
            g_assert_cmpfloat_with_epsilon (x, expect_x, 1.0);
            g_assert_cmpfloat_with_epsilon (y, expect_y, 1.0);
            g_assert_cmpint (stray, ==, 0);
          }
      }
}

/* A large contrast-blood ball (350 HU) and a small calcium ball (1000 HU) apart from it. */
static CuspVolume *
blood_and_calcium (double blood_mm[3], double calcium_mm[3])
{
  static const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  CuspVolume *volume = new_volume (CUSP_VOXEL_INT16, identity, centre_mm);

  for (int a = 0; a < 3; a++)
    {
      blood_mm[a] = centre_mm[a] + ball_offset_mm[a];
      calcium_mm[a] = centre_mm[a] - ball_offset_mm[a];
    }
  paint_ball (volume, blood_mm, 9.0, 350.0);
  paint_ball (volume, calcium_mm, 4.0, 1000.0);
  return volume;
}

static int
alpha_at (const guint8 *rgba, double x, double y)
{
  return rgba[((int) y * FB_SIZE + (int) x) * 4 + 3];
}

static void
test_presets_change_pixels (void)
{
  static const double anterior[3] = { 0, -1, 0 };
  g_autoptr(CuspVolume) volume = NULL;
  g_autofree guint8 *cardiac = NULL;
  g_autofree guint8 *calcium = NULL;
  double blood[3], calc[3], bx, by, cx, cy;
  float view_projection[16];
  Target target;
  int differing = 0;

  if (!need_gl ())
    return;
  volume = blood_and_calcium (blood, calc);
  view_from (anterior, view_projection);
  project (view_projection, blood, &bx, &by, NULL);
  project (view_projection, calc, &cx, &cy, NULL);

  target_init (&target, GL_DEPTH24_STENCIL8);
  cardiac = render (volume, &target, view_projection, CUSP_RAYCAST_PRESET_CT_CARDIAC);
  glClear (GL_COLOR_BUFFER_BIT);
  calcium = render (volume, &target, view_projection, CUSP_RAYCAST_PRESET_CT_CALCIUM);
  target_clear (&target);

  g_test_message ("blood ball alpha: cardiac %d, calcium %d; calcium ball alpha: cardiac %d, calcium %d",
                  alpha_at (cardiac, bx, by), alpha_at (calcium, bx, by),
                  alpha_at (cardiac, cx, cy), alpha_at (calcium, cx, cy));
  g_assert_cmpint (alpha_at (cardiac, bx, by), >, 200);   /* contrast blood shown... */
  g_assert_cmpint (alpha_at (calcium, bx, by), ==, 0);    /* ...and hidden by the calcium preset */
  g_assert_cmpint (alpha_at (cardiac, cx, cy), >, 200);
  g_assert_cmpint (alpha_at (calcium, cx, cy), >, 200);
  for (gsize i = 0; i < (gsize) FB_SIZE * FB_SIZE * 4; i++)
    differing += cardiac[i] != calcium[i];
  g_assert_cmpint (differing, >, 100);
}

/* Window depth of the point `fraction` of the way from the eye side of the ball (-1) through its
 * centre (0) to its far side (+1). */
static double
depth_through_ball (const float view_projection[16], const double eye_direction[3],
                    const double ball[3], double fraction)
{
  double point[3], x, y, depth;

  for (int a = 0; a < 3; a++)
    point[a] = ball[a] - fraction * BALL_RADIUS_MM * 1.5 * eye_direction[a];
  project (view_projection, point, &x, &y, &depth);
  return depth;
}

/* margin_px: columns next to the split left out (a reduced-resolution picture blurs across it). */
static void
run_depth_case (GLenum depth_format, int margin_px)
{
  static const double anterior[3] = { 0, -1, 0 };
  static const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  static const guint8 surface[4] = { 0, 0, 255, 255 };
  g_autoptr(CuspVolume) volume = new_volume (CUSP_VOXEL_INT16, identity, centre_mm);
  g_autofree guint8 *rgba = NULL;
  g_autofree guint8 *plain = NULL;
  float view_projection[16];
  double ball[3], bx, by;
  Target target;
  int split, front_kept = 0, front_ball = 0, front_plain = 0, behind_ball = 0, behind_plain = 0;

  for (int a = 0; a < 3; a++)
    ball[a] = centre_mm[a] + ball_offset_mm[a];
  paint_ball (volume, ball, BALL_RADIUS_MM, 1200.0);
  view_from (anterior, view_projection);
  project (view_projection, ball, &bx, &by, NULL);
  split = (int) floor (bx);

  /* Left of the ball's centre column a blue surface in front of the ball, right of it one
   * behind the ball, both written straight into colour and depth with scissored clears. */
  target_init (&target, depth_format);
  glEnable (GL_SCISSOR_TEST);
  glScissor (0, 0, split, FB_SIZE);
  glClearColor (0.0f, 0.0f, 1.0f, 1.0f);
  glClearDepth (depth_through_ball (view_projection, anterior, ball, -1.0));
  glClear (GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
  glScissor (split, 0, FB_SIZE - split, FB_SIZE);
  glClearDepth (depth_through_ball (view_projection, anterior, ball, 1.0));
  glClear (GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
  glDisable (GL_SCISSOR_TEST);
  glClearColor (0, 0, 0, 0);
  glClearDepth (1.0);
  rgba = render (volume, &target, view_projection, CUSP_RAYCAST_PRESET_CT_BONE);
  target_clear (&target);

  /* The same view with nothing in the depth buffer: how much of the ball a surface behind it
   * must leave visible. */
  target_init (&target, depth_format);
  plain = render (volume, &target, view_projection, CUSP_RAYCAST_PRESET_CT_BONE);
  target_clear (&target);

  for (int row = 0; row < FB_SIZE; row++)
    for (int col = 0; col < FB_SIZE; col++)
      {
        const guint8 *p = rgba + (row * FB_SIZE + col) * 4;
        gboolean on_ball = hypot (col + 0.5 - bx, row + 0.5 - by) < 10.0;

        if (!on_ball)
          continue;
        if (col < split - margin_px)
          {
            front_ball++;
            front_kept += memcmp (p, surface, 4) == 0;
            front_plain += plain[(row * FB_SIZE + col) * 4 + 3] > 127;
          }
        else if (col > split + margin_px)
          {
            behind_plain += plain[(row * FB_SIZE + col) * 4 + 3] > 127;
            behind_ball += p[0] > 50;   /* bone colour over the blue surface */
          }
      }
  g_test_message ("depth format 0x%x: surface kept on %d of %d px in front, ball over %d px behind (%d without surfaces)",
                  depth_format, front_kept, front_ball, behind_ball, behind_plain);
  g_assert_cmpint (front_ball, >, 50);
  g_assert_cmpint (front_plain, >, 30);        /* the ball is there to be hidden */
  g_assert_cmpint (front_kept, ==, front_ball);
  g_assert_cmpint (behind_plain, >, 20);
  g_assert_cmpint (behind_ball, >=, behind_plain - margin_px * 4);
}

static void
test_depth (void)
{
  if (!need_gl ())
    return;
  run_depth_case (GL_DEPTH24_STENCIL8, 1);   /* what GtkGLArea allocates */
  run_depth_case (GL_DEPTH_COMPONENT24, 1);
}

static void
test_no_depth_buffer (void)
{
  static const double anterior[3] = { 0, -1, 0 };
  static const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  g_autoptr(CuspVolume) volume = new_volume (CUSP_VOXEL_INT16, identity, centre_mm);
  g_autofree guint8 *rgba = NULL;
  float view_projection[16];
  double ball[3], bx, by, x, y;
  Target target;

  if (!need_gl ())
    return;
  for (int a = 0; a < 3; a++)
    ball[a] = centre_mm[a] + ball_offset_mm[a];
  paint_ball (volume, ball, BALL_RADIUS_MM, 1200.0);
  view_from (anterior, view_projection);
  project (view_projection, ball, &bx, &by, NULL);
  target_init (&target, 0);
  rgba = render (volume, &target, view_projection, CUSP_RAYCAST_PRESET_CT_BONE);
  target_clear (&target);
  g_assert_cmpint (opaque_centroid (rgba, 127, &x, &y), >, 50);
  g_assert_cmpfloat_with_epsilon (x, bx, 1.0);
  g_assert_cmpfloat_with_epsilon (y, by, 1.0);
}

static void
test_bad_input_draws_nothing (void)
{
  static const double anterior[3] = { 0, -1, 0 };
  static const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  static const int viewport[4] = { 0, 0, FB_SIZE, FB_SIZE };
  g_autoptr(CuspVolume) volume = new_volume (CUSP_VOXEL_INT16, identity, centre_mm);
  g_autoptr(CuspVolume) broken = new_volume (CUSP_VOXEL_INT16, identity, centre_mm);
  g_autoptr(CuspVolumeTexture) texture = NULL;
  g_autoptr(CuspVolumeTexture) broken_texture = NULL;
  g_autoptr(GError) error = NULL;
  float view_projection[16], singular[16] = { 0 }, not_finite[16];
  double ball[3];
  Target target;

  if (!need_gl ())
    return;
  for (int a = 0; a < 3; a++)
    ball[a] = centre_mm[a] + ball_offset_mm[a];
  paint_ball (volume, ball, BALL_RADIUS_MM, 1200.0);
  paint_ball (broken, ball, BALL_RADIUS_MM, 1200.0);
  broken->spacing_mm[1] = 0.0;
  texture = cusp_volume_texture_new (volume, &error);
  g_assert_no_error (error);
  broken_texture = cusp_volume_texture_new (broken, &error);
  g_assert_no_error (error);
  view_from (anterior, view_projection);
  memcpy (not_finite, view_projection, sizeof not_finite);
  not_finite[5] = NAN;

  target_init (&target, GL_DEPTH24_STENCIL8);
  cusp_raycast_renderer_draw (renderer, NULL, view_projection, viewport, CUSP_RAYCAST_PRESET_CT_BONE);
  cusp_raycast_renderer_draw (renderer, texture, singular, viewport, CUSP_RAYCAST_PRESET_CT_BONE);
  cusp_raycast_renderer_draw (renderer, texture, not_finite, viewport, CUSP_RAYCAST_PRESET_CT_BONE);
  cusp_raycast_renderer_draw (renderer, broken_texture, view_projection, viewport, CUSP_RAYCAST_PRESET_CT_BONE);
  cusp_raycast_renderer_draw (renderer, texture, view_projection, (int[4]) { 0, 0, 0, 0 }, CUSP_RAYCAST_PRESET_CT_BONE);
  g_assert_cmpint (glGetError (), ==, GL_NO_ERROR);
  {
    g_autofree guint8 *rgba = read_rgba ();
    double x, y;

    g_assert_cmpint (opaque_centroid (rgba, 0, &x, &y), ==, 0);
  }
  /* The same texture with a good matrix does draw: the checks above are not vacuous. */
  cusp_raycast_renderer_draw (renderer, texture, view_projection, viewport, CUSP_RAYCAST_PRESET_CT_BONE);
  {
    g_autofree guint8 *rgba = read_rgba ();
    double x, y;

    g_assert_cmpint (opaque_centroid (rgba, 127, &x, &y), >, 50);
  }
  target_clear (&target);
}

/* The alpha a pixel must get, composited on the CPU along the same ray from the exact preset
 * and cusp_volume_sample_lps (an independent path: no texture, no baked table, no shader). */
static double
reference_alpha (const CuspVolume *volume, const CuspTransferFunction *tf, const Camera *cam,
                 double x_px, double y_px, double step_mm)
{
  double ndc_x = 2.0 * x_px / FB_SIZE - 1.0, ndc_y = 1.0 - 2.0 * y_px / FB_SIZE, dir[3], n = 0.0;
  double sum = 0.0;

  for (int a = 0; a < 3; a++)
    {
      dir[a] = cam->forward[a] + (ndc_x * cam->side[a] + ndc_y * cam->up[a]) / cam->focal;
      n += dir[a] * dir[a];
    }
  for (int a = 0; a < 3; a++)
    dir[a] /= sqrt (n);
  for (double t = NEAR_MM; t < cam->far_mm * 1.5 && sum <= 0.99; t += step_mm)
    {
      double p[3], value;
      float rgba[4];

      for (int a = 0; a < 3; a++)
        p[a] = cam->eye[a] + t * dir[a];
      value = cusp_volume_sample_lps (volume, p, NAN);
      if (isnan (value))
        continue;
      cusp_transfer_function_evaluate (tf, value, rgba);
      if (rgba[3] > 0.0f)
        {
          double alpha = 1.0 - pow (1.0 - MIN (rgba[3], 0.9999), step_mm);
          sum += (1.0 - sum) * alpha;
        }
    }
  return sum;
}

typedef struct {
  int compared;       /* pixels where either side is not transparent */
  double mean_error;  /* mean |alpha - reference| over those, 0..1 */
  double p95_error;   /* 95th percentile of the same */
  double bias;        /* mean alpha - reference: skipped or lost material shows as negative */
  int missed;         /* pixels the reference shows (alpha > 0.3) and the renderer leaves empty */
} AlphaAgreement;

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Renders `volume` from `eye_direction` and compares the alpha of every pixel_stride-th pixel
 * along rows and columns with the CPU's. */
static AlphaAgreement
agree_with_reference_every (CuspVolume *volume, const double look_at[3], double distance_mm,
                            const double eye_direction[3], CuspRaycastPreset preset,
                            const char *png_name, int pixel_stride)
{
  g_autofree guint8 *rgba = NULL;
  g_autofree double *errors = g_new (double, FB_SIZE * FB_SIZE);
  AlphaAgreement agreement = { 0 };
  CuspTransferFunction tf;
  float view_projection[16];
  double eye[3], step_mm;
  Camera cam;
  Target target;

  for (int a = 0; a < 3; a++)
    eye[a] = look_at[a] + distance_mm * eye_direction[a];
  camera_full (eye, look_at, view_projection, &cam);
  target_init (&target, GL_DEPTH24_STENCIL8);
  rgba = render (volume, &target, view_projection, preset);
  target_clear (&target);
  if (png_name != NULL)
    {
      g_autofree char *png = g_test_build_filename (G_TEST_BUILT, png_name, NULL);
      g_autoptr(GError) error = NULL;

      if (!cusp_test_save_png (rgba, FB_SIZE, FB_SIZE, png, &error))
        g_test_message ("%s", error->message);
    }

  cusp_transfer_function_init (&tf, preset, volume);
  step_mm = 0.5 * MIN (MIN (volume->spacing_mm[0], volume->spacing_mm[1]), volume->spacing_mm[2]);
  for (int row = 1; row < FB_SIZE; row += pixel_stride)
    for (int col = 1; col < FB_SIZE; col += pixel_stride)
      {
        double gpu = rgba[(row * FB_SIZE + col) * 4 + 3] / 255.0;
        double cpu = reference_alpha (volume, &tf, &cam, col + 0.5, row + 0.5, step_mm);

        if (gpu == 0.0 && cpu < 0.5 / 255.0)
          continue;
        agreement.missed += cpu > 0.3 && gpu == 0.0;
        errors[agreement.compared++] = fabs (gpu - cpu);
        agreement.mean_error += fabs (gpu - cpu);
        agreement.bias += gpu - cpu;
      }
  if (agreement.compared > 0)
    {
      agreement.mean_error /= agreement.compared;
      agreement.bias /= agreement.compared;
      qsort (errors, agreement.compared, sizeof *errors, compare_doubles);
      agreement.p95_error = errors[(int) (0.95 * (agreement.compared - 1))];
    }
  return agreement;
}

static AlphaAgreement
agree_with_reference (CuspVolume *volume, const double look_at[3], double distance_mm,
                      const double eye_direction[3], CuspRaycastPreset preset, const char *png_name)
{
  return agree_with_reference_every (volume, look_at, distance_mm, eye_direction, preset, png_name, 2);
}

static void
test_matches_cpu_reference (void)
{
  double direction[9], blob[3];
  const double eyes[2][3] = { { 0, -1, 0 }, { 0.6, -0.6, 0.53 } };
  g_autoptr(CuspVolume) volume = NULL;

  if (!need_gl ())
    return;
  /* A soft Gaussian blob in an oblique volume: every pixel at its rim is partly transparent,
   * so the opacity-per-mm correction and the compositing are measured, not only coverage. */
  rotation (0.45, 0.3, direction);
  volume = new_volume (CUSP_VOXEL_INT16, direction, centre_mm);
  for (int a = 0; a < 3; a++)
    blob[a] = centre_mm[a] + ball_offset_mm[a];
  for (int k = 0; k < volume->dims[2]; k++)
    for (int j = 0; j < volume->dims[1]; j++)
      for (int i = 0; i < volume->dims[0]; i++)
        {
          double lps[3], r2 = 0.0;

          cusp_volume_index_to_lps (volume, (double[3]) { i, j, k }, lps);
          for (int a = 0; a < 3; a++)
            r2 += (lps[a] - blob[a]) * (lps[a] - blob[a]);
          ((int16_t *) volume->voxels)[((gsize) k * volume->dims[1] + j) * volume->dims[0] + i] =
            (int16_t) lround (-1000.0 + 2200.0 * exp (-r2 / (2.0 * 7.0 * 7.0)));
        }

  for (int e = 0; e < 2; e++)
    for (CuspRaycastPreset p = CUSP_RAYCAST_PRESET_CT_CARDIAC; p <= CUSP_RAYCAST_PRESET_CT_CALCIUM; p++)
      {
        AlphaAgreement agreement = agree_with_reference (volume, centre_mm, 300.0, eyes[e], p, NULL);

        g_test_message ("blob, eye %d, %s: %d px compared, alpha error mean %.4f, 95th percentile %.4f, bias %+.4f",
                        e, cusp_raycast_preset_name (p), agreement.compared, agreement.mean_error,
                        agreement.p95_error, agreement.bias);
        g_assert_cmpint (agreement.compared, >, 30);
        g_assert_cmpint (agreement.missed, ==, 0);
        g_assert_cmpfloat (fabs (agreement.bias), <, 0.005);
        g_assert_cmpfloat (agreement.mean_error, <, 0.01);
        g_assert_cmpfloat (agreement.p95_error, <, 0.03);
      }
}

/* Half resolution: the ball at the same place with about the same area, surfaces still in
 * front and behind (away from the split, which a reduced picture blurs). */
static void
test_half_resolution (void)
{
  static const double oblique_eye[3] = { 0.6, -0.6, 0.53 };
  static const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  g_autoptr(CuspVolume) volume = new_volume (CUSP_VOXEL_INT16, identity, centre_mm);
  float view_projection[16];
  double ball[3], x[2], y[2];
  int count[2];

  if (!need_gl ())
    return;
  for (int a = 0; a < 3; a++)
    ball[a] = centre_mm[a] + ball_offset_mm[a];
  paint_ball (volume, ball, BALL_RADIUS_MM, 1200.0);
  view_from (oblique_eye, view_projection);
  for (int half = 0; half < 2; half++)
    {
      g_autofree guint8 *rgba = NULL;
      Target target;

      cusp_raycast_renderer_set_resolution_scale (renderer, half ? 0.5 : 1.0);
      target_init (&target, GL_DEPTH24_STENCIL8);
      rgba = render (volume, &target, view_projection, CUSP_RAYCAST_PRESET_CT_BONE);
      target_clear (&target);
      count[half] = opaque_centroid (rgba, 127, &x[half], &y[half]);
    }
  g_test_message ("full resolution: %d px at (%.1f, %.1f); half: %d px at (%.1f, %.1f)",
                  count[0], x[0], y[0], count[1], x[1], y[1]);
  g_assert_cmpint (count[0], >, 50);
  g_assert_cmpint (abs (count[1] - count[0]), <, count[0] / 5);
  g_assert_cmpfloat_with_epsilon (x[1], x[0], 1.0);
  g_assert_cmpfloat_with_epsilon (y[1], y[0], 1.0);

  cusp_raycast_renderer_set_resolution_scale (renderer, 0.5);
  run_depth_case (GL_DEPTH24_STENCIL8, 3);
  cusp_raycast_renderer_set_resolution_scale (renderer, 1.0);
}

/* A float volume whose background is NaN (no data) around a ball: the ball is drawn where it
 * projects and the NaN neither shows nor stains it. */
static void
test_nan_voxels (void)
{
  static const double anterior[3] = { 0, -1, 0 };
  static const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  g_autoptr(CuspVolume) volume = new_volume (CUSP_VOXEL_FLOAT32, identity, centre_mm);
  g_autofree guint8 *rgba = NULL;
  float view_projection[16];
  double ball[3], bx, by, x, y;
  gsize count = cusp_volume_voxel_count (volume);
  Target target;
  int drawn;

  if (!need_gl ())
    return;
  for (gsize i = 0; i < count; i++)
    ((float *) volume->voxels)[i] = NAN;
  for (int a = 0; a < 3; a++)
    ball[a] = centre_mm[a] + ball_offset_mm[a];
  paint_ball (volume, ball, BALL_RADIUS_MM, 1200.0);
  view_from (anterior, view_projection);
  project (view_projection, ball, &bx, &by, NULL);
  target_init (&target, GL_DEPTH24_STENCIL8);
  rgba = render (volume, &target, view_projection, CUSP_RAYCAST_PRESET_CT_BONE);
  target_clear (&target);
  drawn = opaque_centroid (rgba, 0, &x, &y);
  g_test_message ("NaN background: %d px drawn around (%.1f, %.1f), ball at (%.1f, %.1f)", drawn, x, y, bx, by);
  g_assert_cmpint (drawn, >, 50);
  g_assert_cmpint (drawn, <, 400);
  g_assert_cmpfloat_with_epsilon (x, bx, 1.0);
  g_assert_cmpfloat_with_epsilon (y, by, 1.0);
}

/* Lone bright voxels on both sides of empty-space block faces (blocks are 8 voxels) and one
 * voxel inside the volume's corners and faces: a block must never be skipped when a neighbour's
 * voxel bleeds into its trilinear samples. (Voxels on the volume's faces themselves would differ
 * by convention: the texture holds them out to the voxels' outer faces, the CPU sampler only to
 * their centres.) */
static void
test_single_voxels_at_block_edges (void)
{
  static const int voxels[][3] = {
    { 7, 7, 7 }, { 8, 20, 31 }, { 15, 40, 16 }, { 24, 23, 39 }, { 62, 54, 46 }, { 1, 1, 1 },
    { 40, 8, 1 }, { 47, 31, 24 },
  };
  static const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  const double eyes[2][3] = { { 0, -1, 0 }, { 0.6, -0.6, 0.53 } };
  g_autoptr(CuspVolume) volume = NULL;

  if (!need_gl ())
    return;
  volume = new_volume (CUSP_VOXEL_INT16, identity, centre_mm);
  for (gsize v = 0; v < G_N_ELEMENTS (voxels); v++)
    ((int16_t *) volume->voxels)[((gsize) voxels[v][2] * volume->dims[1] + voxels[v][1]) * volume->dims[0] + voxels[v][0]] = 3000;

  for (int e = 0; e < 2; e++)
    {
      AlphaAgreement agreement = agree_with_reference_every (volume, centre_mm, 300.0, eyes[e],
                                                             CUSP_RAYCAST_PRESET_CT_BONE, NULL, 1);

      g_test_message ("lone voxels, eye %d: %d px compared, %d missed, alpha error mean %.4f, bias %+.4f",
                      e, agreement.compared, agreement.missed, agreement.mean_error, agreement.bias);
      g_assert_cmpint (agreement.compared, >, 2 * (int) G_N_ELEMENTS (voxels));
      g_assert_cmpint (agreement.missed, ==, 0);
      g_assert_cmpfloat (fabs (agreement.bias), <, 0.05);
    }
}

static void
test_real_ct (void)
{
  const char *shared = g_getenv ("CUSP_SHARED_DATA");
  static const double anterior[3] = { 0, -1, 0 };
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL;
  double centre_ijk[3], centre[3];

  if (!need_gl ())
    return;
  path = g_build_filename (shared ? shared : "", "ct-aortic-root", "ct-aortic-root.nii.gz", NULL);
  if (shared == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the real CT (CUSP_SHARED_DATA/ct-aortic-root) is not on this machine");
      return;
    }
  volume = cusp_image_read_in_process (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (volume->hounsfield);
  for (int a = 0; a < 3; a++)
    centre_ijk[a] = 0.5 * (volume->dims[a] - 1);
  cusp_volume_index_to_lps (volume, centre_ijk, centre);

  for (CuspRaycastPreset p = CUSP_RAYCAST_PRESET_CT_CARDIAC; p <= CUSP_RAYCAST_PRESET_CT_CALCIUM; p++)
    {
      g_autofree char *png = g_strdup_printf ("raycast-ct-preset-%d.png", p);
      AlphaAgreement agreement = agree_with_reference (volume, centre, 420.0, anterior, p, png);

      g_test_message ("real CT, anterior, %s: %d px compared, %d missed, alpha error mean %.4f, 95th percentile %.4f, bias %+.4f",
                      cusp_raycast_preset_name (p), agreement.compared, agreement.missed,
                      agreement.mean_error, agreement.p95_error, agreement.bias);
      g_assert_cmpint (agreement.compared, >, 100);
      g_assert_cmpfloat (fabs (agreement.bias), <, 0.02);
      /* Calcium flecks are one or two 1.5 mm voxels thick: a ray's alpha through one depends on
       * where its 0.75 mm samples fall, and the shader jitters that per pixel, so single pixels
       * differ more there (measured: mean 0.04, 95th percentile 0.23, bias +0.005, 21 of 2872
       * pixels empty where the CPU's samples caught a fleck: the same with block skipping off). */
      g_assert_cmpint (agreement.missed, <=, p == CUSP_RAYCAST_PRESET_CT_CALCIUM ? agreement.compared / 50 : 0);
      g_assert_cmpfloat (agreement.mean_error, <, p == CUSP_RAYCAST_PRESET_CT_CALCIUM ? 0.06 : 0.02);
      g_assert_cmpfloat (agreement.p95_error, <, p == CUSP_RAYCAST_PRESET_CT_CALCIUM ? 0.3 : 0.06);
    }
}

/* Volumes without HU: the real MR (MR preset) and an 8-bit CT export (cardiac preset), both with
 * their ramps at their own percentiles, drawn where the CPU says. */
static void
test_real_without_hu (void)
{
  const char *shared = g_getenv ("CUSP_SHARED_DATA");
  static const double anterior[3] = { 0, -1, 0 };
  static const struct {
    const char *path;
    CuspRaycastPreset preset;
  } cases[] = {
    { "mr-cardiac-dicom", CUSP_RAYCAST_PRESET_MR_DEFAULT },
    { "ct-chest-8bit/ct-chest-8bit.mha", CUSP_RAYCAST_PRESET_CT_CARDIAC },
  };

  if (!need_gl ())
    return;
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *path = g_build_filename (shared ? shared : "", cases[c].path, NULL);
      g_autofree char *png = g_strdup_printf ("raycast-non-hu-%d.png", (int) c);
      g_autoptr(GError) error = NULL;
      g_autoptr(CuspVolume) volume = NULL;
      CuspTransferFunction tf;
      AlphaAgreement agreement;
      double centre_ijk[3], centre[3];

      if (shared == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_test_skip ("the real MR and 8-bit CT (CUSP_SHARED_DATA) are not on this machine");
          return;
        }
      volume = cusp_image_read_in_process (path, NULL, &error);
      g_assert_no_error (error);
      g_assert_false (volume->hounsfield);
      cusp_transfer_function_init (&tf, cases[c].preset, volume);
      g_assert_false (tf.over_hu);
      for (int a = 0; a < 3; a++)
        centre_ijk[a] = 0.5 * (volume->dims[a] - 1);
      cusp_volume_index_to_lps (volume, centre_ijk, centre);
      agreement = agree_with_reference_every (volume, centre, 420.0, anterior, cases[c].preset, png, 4);
      g_test_message ("%s, %s: ramp %.1f .. %.1f, %d px compared, alpha error mean %.4f, 95th percentile %.4f, bias %+.4f",
                      cases[c].path, cusp_raycast_preset_name (cases[c].preset), tf.points[0].value,
                      tf.points[tf.n_points - 1].value, agreement.compared, agreement.mean_error,
                      agreement.p95_error, agreement.bias);
      g_assert_cmpint (agreement.compared, >, 100);
      g_assert_cmpint (agreement.missed, ==, 0);
      g_assert_cmpfloat (fabs (agreement.bias), <, 0.02);
      g_assert_cmpfloat (agreement.mean_error, <, 0.03);
    }
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
      renderer = cusp_raycast_renderer_new (&error);
      g_assert_no_error (error);
    }
  g_test_add_func ("/render/raycast/ball-at-projection", test_ball_lands_at_projection);
  g_test_add_func ("/render/raycast/presets-change-pixels", test_presets_change_pixels);
  g_test_add_func ("/render/raycast/depth-against-scene", test_depth);
  g_test_add_func ("/render/raycast/no-depth-buffer", test_no_depth_buffer);
  g_test_add_func ("/render/raycast/bad-input-draws-nothing", test_bad_input_draws_nothing);
  g_test_add_func ("/render/raycast/matches-cpu-reference", test_matches_cpu_reference);
  g_test_add_func ("/render/raycast/half-resolution", test_half_resolution);
  g_test_add_func ("/render/raycast/nan-voxels", test_nan_voxels);
  g_test_add_func ("/render/raycast/single-voxels-at-block-edges", test_single_voxels_at_block_edges);
  g_test_add_func ("/render/raycast/real-ct", test_real_ct);
  g_test_add_func ("/render/raycast/real-without-hu", test_real_without_hu);
  status = g_test_run ();
  g_clear_pointer (&renderer, cusp_raycast_renderer_free);
  g_clear_pointer (&egl, cusp_test_egl_free);
  return status;
}
