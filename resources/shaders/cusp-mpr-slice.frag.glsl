// SPDX-License-Identifier: GPL-3.0-or-later
// cusp-mpr-slice.frag.glsl: one MPR slice: resample the volume on a patient plane, apply
// window/level, draw the crosshair.
#version 330 core

uniform sampler3D u_volume;
uniform mat3 u_ndc_to_texture;  // texture coordinate = M * (ndc.x, ndc.y, 1): plane in LPS -> ijk
uniform float u_value_scale;    // texel value -> voxel value (32767 for int16 stored as R16_SNORM)
uniform vec2 u_window;          // (value shown black, 1 / window width)
uniform vec4 u_background;
uniform vec2 u_cross_first_px;  // first pixel column / row of the crosshair lines (origin bottom-left)
uniform float u_cross_width_px; // line width in whole framebuffer pixels; 0 hides the crosshair
uniform vec4 u_cross_vertical_color;
uniform vec4 u_cross_horizontal_color;

in vec2 v_ndc;
out vec4 frag_color;

void
main ()
{
  vec3 tex = u_ndc_to_texture * vec3 (v_ndc, 1.0);
  vec4 color = u_background;

  // Inside the outer faces of the voxels; outside stays background rather than a clamped edge.
  if (all (greaterThanEqual (tex, vec3 (0.0))) && all (lessThanEqual (tex, vec3 (1.0))))
    {
      float value = texture (u_volume, tex).r * u_value_scale;
      float grey = isnan (value) ? 0.0 : clamp ((value - u_window.x) * u_window.y, 0.0, 1.0);
      color = vec4 (grey, grey, grey, 1.0);
    }

  if (u_cross_width_px > 0.0)
    {
      vec2 into_line = floor (gl_FragCoord.xy) - u_cross_first_px;   // whole pixels
      if (into_line.x >= 0.0 && into_line.x < u_cross_width_px)
        color = u_cross_vertical_color;
      else if (into_line.y >= 0.0 && into_line.y < u_cross_width_px)
        color = u_cross_horizontal_color;
    }

  frag_color = color;
}
