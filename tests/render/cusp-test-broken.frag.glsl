// SPDX-License-Identifier: GPL-3.0-or-later
// cusp-test-broken.frag.glsl: a fragment shader that must not compile (undeclared variable), so
// tests can see the driver's log reach the GError.
#version 330 core

out vec4 frag_color;

void
main ()
{
  frag_color = undeclared_colour;
}
