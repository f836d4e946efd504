// SPDX-License-Identifier: GPL-3.0-or-later
// cusp-mesh.vert.glsl: surface meshes (lumen, calcium) in LPS millimetres, lit in eye space.
#version 330 core

layout (location = 0) in vec3 a_position;
layout (location = 1) in vec3 a_normal;
layout (location = 2) in vec4 a_color;   // per vertex, or the slot's one colour as a constant

uniform mat4 u_view;         // LPS mm -> eye (rigid: rotation + translation)
uniform mat4 u_projection;

out vec3 v_eye_position;
out vec3 v_eye_normal;
out vec4 v_color;

void
main ()
{
  vec4 eye = u_view * vec4 (a_position, 1.0);
  v_eye_position = eye.xyz;
  v_color = a_color;
  // The view is rigid, so its upper 3x3 is its own normal matrix.
  v_eye_normal = mat3 (u_view) * a_normal;
  gl_Position = u_projection * eye;
}
