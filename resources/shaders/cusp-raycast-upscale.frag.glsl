// SPDX-License-Identifier: GPL-3.0-or-later
// cusp-raycast-upscale.frag.glsl: the ray-cast picture drawn at reduced resolution, scaled up
// over the scene (premultiplied alpha, linear filtering).
#version 330 core

uniform sampler2D u_image;

in vec2 v_ndc;
out vec4 frag_color;

void
main ()
{
  vec4 color = texture (u_image, 0.5 * v_ndc + 0.5);

  if (!(color.a > 0.0))
    discard;
  frag_color = color;
}
