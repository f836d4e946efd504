// SPDX-License-Identifier: GPL-3.0-or-later
// cusp-mesh.frag.glsl: Phong shading with a headlight; two-sided, so the inside of a clipped
// lumen is lit as well as its outside.
#version 330 core

in vec3 v_eye_position;
in vec3 v_eye_normal;
in vec4 v_color;             // straight (not premultiplied) alpha

out vec4 o_color;

void
main ()
{
  vec3 n = normalize (v_eye_normal);
  vec3 to_eye = normalize (-v_eye_position);
  if (dot (n, to_eye) < 0.0)
    n = -n;
  // The light sits at the eye, slightly above it, so shapes read as in a lit room.
  vec3 to_light = normalize (to_eye + vec3 (0.0, 0.35, 0.0));
  float diffuse = max (dot (n, to_light), 0.0);
  float specular = pow (max (dot (reflect (-to_light, n), to_eye), 0.0), 32.0);
  vec3 rgb = v_color.rgb * (0.25 + 0.75 * diffuse) + vec3 (0.35 * specular);
  o_color = vec4 (rgb, v_color.a);
}
