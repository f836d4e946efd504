// SPDX-License-Identifier: GPL-3.0-or-later
// cusp-fullscreen.vert.glsl: one triangle covering the viewport, no vertex buffer needed.
#version 330 core

out vec2 v_ndc;   // normalised device coordinates of the fragment, y up

void
main ()
{
  // Vertices (-1,-1), (3,-1), (-1,3): the viewport square is inside the triangle.
  vec2 position = vec2 (gl_VertexID == 1 ? 3.0 : -1.0, gl_VertexID == 2 ? 3.0 : -1.0);
  v_ndc = position;
  gl_Position = vec4 (position, 0.0, 1.0);
}
