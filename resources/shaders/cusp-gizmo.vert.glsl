// SPDX-License-Identifier: GPL-3.0-or-later
// cusp-gizmo.vert.glsl: the orientation axes of the 3D view: coloured lines from the origin.
#version 330 core

layout (location = 0) in vec3 a_position;
layout (location = 1) in vec3 a_color;

uniform mat4 u_mvp;

out vec3 v_color;

void
main ()
{
  v_color = a_color;
  gl_Position = u_mvp * vec4 (a_position, 1.0);
}
