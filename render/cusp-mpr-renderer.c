/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-mpr-renderer.c: the slice program and its per-frame uniforms. */
#include "cusp-mpr-renderer.h"
#include "cusp-gl-program.h"

#include <math.h>
#include <string.h>

struct _CuspMprRenderer {
  GLuint program;
  GLuint vertex_array;   /* core profile needs one bound even for buffer-less draws */
  GLint u_volume;
  GLint u_ndc_to_texture;
  GLint u_value_scale;
  GLint u_window;
  GLint u_background;
  GLint u_cross_first_px;
  GLint u_cross_width_px;
  GLint u_cross_vertical_color;
  GLint u_cross_horizontal_color;
};

/* Slicer's slice colours (Red, Green, Yellow), which users of MPR viewers recognise. */
static const float plane_colors[3][4] = {
  { 0.953f, 0.290f, 0.200f, 1.0f },  /* axial */
  { 0.431f, 0.690f, 0.294f, 1.0f },  /* coronal */
  { 0.929f, 0.835f, 0.298f, 1.0f },  /* sagittal */
};

void
cusp_slice_orientation_get_color (CuspSliceOrientation orientation, float rgba[4])
{
  g_return_if_fail (orientation <= CUSP_SLICE_SAGITTAL);
  memcpy (rgba, plane_colors[orientation], sizeof plane_colors[orientation]);
}

/* The plane whose slices are the lines of constant screen coordinate along `axis`. */
static CuspSliceOrientation
plane_across (const double axis[3])
{
  CuspSliceOrientation best = CUSP_SLICE_AXIAL;
  double best_dot = -1.0;

  for (CuspSliceOrientation o = CUSP_SLICE_AXIAL; o <= CUSP_SLICE_SAGITTAL; o++)
    {
      double right[3], up[3], forward[3], d;

      cusp_slice_orientation_get_axes (o, right, up, forward);
      d = fabs (axis[0] * forward[0] + axis[1] * forward[1] + axis[2] * forward[2]);
      if (d > best_dot)
        {
          best_dot = d;
          best = o;
        }
    }
  return best;
}

void
cusp_mpr_style_init (CuspMprStyle *style, CuspSliceOrientation orientation)
{
  double right[3], up[3], forward[3];

  g_return_if_fail (style != NULL);

  memset (style, 0, sizeof *style);
  style->window_center = 40.0;     /* soft tissue, in HU */
  style->window_width = 400.0;
  style->show_crosshair = TRUE;
  style->crosshair_width_px = 1.0;
  style->background_rgba[3] = 1.0f;
  cusp_slice_orientation_get_axes (orientation, right, up, forward);
  cusp_slice_orientation_get_color (plane_across (right), style->crosshair_vertical_rgba);
  cusp_slice_orientation_get_color (plane_across (up), style->crosshair_horizontal_rgba);
}

CuspMprRenderer *
cusp_mpr_renderer_new (GError **error)
{
  CuspMprRenderer *renderer;
  GLuint program;

  program = cusp_gl_program_new ("cusp-fullscreen.vert.glsl", "cusp-mpr-slice.frag.glsl", error);
  if (program == 0)
    return NULL;

  renderer = g_new0 (CuspMprRenderer, 1);
  renderer->program = program;
  glGenVertexArrays (1, &renderer->vertex_array);
#define LOCATE(name) renderer->name = glGetUniformLocation (program, #name)
  LOCATE (u_volume);
  LOCATE (u_ndc_to_texture);
  LOCATE (u_value_scale);
  LOCATE (u_window);
  LOCATE (u_background);
  LOCATE (u_cross_first_px);
  LOCATE (u_cross_width_px);
  LOCATE (u_cross_vertical_color);
  LOCATE (u_cross_horizontal_color);
#undef LOCATE
  return renderer;
}

void
cusp_mpr_renderer_free (CuspMprRenderer *renderer)
{
  if (renderer == NULL)
    return;
  glDeleteVertexArrays (1, &renderer->vertex_array);
  glDeleteProgram (renderer->program);
  g_free (renderer);
}

void
cusp_mpr_renderer_draw (CuspMprRenderer      *renderer,
                        CuspVolumeTexture    *texture,
                        const CuspSliceFrame *frame,
                        const CuspMprStyle   *style,
                        int                   fb_width,
                        int                   fb_height)
{
  static const float all_outside[9] = { 0, 0, 0, 0, 0, 0, -1, -1, -1 };  /* all outside */
  float ndc_to_texture[9];
  double scale, width, cross_x, cross_y, line_px;

  g_return_if_fail (renderer != NULL && frame != NULL && style != NULL);

  if (fb_width <= 0 || fb_height <= 0)
    return;
  scale = (double) fb_width / frame->width_px;
  /* A zero or negative width would divide by zero in the shader: keep at least one unit. */
  width = isfinite (style->window_width) ? MAX (style->window_width, 1.0) : 1.0;

  memcpy (ndc_to_texture, all_outside, sizeof ndc_to_texture);
  if (texture != NULL)
    {
      cusp_slice_frame_ndc_to_texture (frame, texture->volume, ndc_to_texture);
      /* A broken geometry (zero spacing) gives inf/NaN, and shaders need not compare NaN the
       * IEEE way (llvmpipe samples it): then show nothing rather than a made-up image. */
      for (int i = 0; i < 9; i++)
        if (!isfinite (ndc_to_texture[i]))
          {
            memcpy (ndc_to_texture, all_outside, sizeof ndc_to_texture);
            break;
          }
    }

  cusp_slice_frame_lps_to_screen (frame, style->cursor_mm, &cross_x, &cross_y);

  glViewport (0, 0, fb_width, fb_height);
  glDisable (GL_BLEND);
  glDisable (GL_DEPTH_TEST);
  glDisable (GL_SCISSOR_TEST);
  glDisable (GL_CULL_FACE);
  glUseProgram (renderer->program);
  glActiveTexture (GL_TEXTURE0);
  glBindTexture (GL_TEXTURE_3D, texture != NULL ? texture->id : 0);
  glUniform1i (renderer->u_volume, 0);
  glUniformMatrix3fv (renderer->u_ndc_to_texture, 1, GL_FALSE, ndc_to_texture);
  glUniform1f (renderer->u_value_scale, texture != NULL ? texture->value_scale : 0.0f);
  glUniform2f (renderer->u_window,
               (float) (style->window_center - 0.5 * width), (float) (1.0 / width));
  glUniform4fv (renderer->u_background, 1, style->background_rgba);
  /* Whole device pixels, counted from the bottom-left corner as gl_FragCoord is: a line of
   * n pixels is exactly n pixels wide at any scale, never two half-lit ones. */
  line_px = MAX (round (style->crosshair_width_px * scale), 1.0);
  glUniform2f (renderer->u_cross_first_px,
               (float) floor (cross_x * scale - 0.5 * line_px + 0.5),
               (float) floor ((frame->height_px - cross_y) * (double) fb_height / frame->height_px - 0.5 * line_px + 0.5));
  glUniform1f (renderer->u_cross_width_px, style->show_crosshair ? (float) line_px : 0.0f);
  glUniform4fv (renderer->u_cross_vertical_color, 1, style->crosshair_vertical_rgba);
  glUniform4fv (renderer->u_cross_horizontal_color, 1, style->crosshair_horizontal_rgba);

  glBindVertexArray (renderer->vertex_array);
  glDrawArrays (GL_TRIANGLES, 0, 3);
  glBindVertexArray (0);
  glBindTexture (GL_TEXTURE_3D, 0);
  glUseProgram (0);
}
