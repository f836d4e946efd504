// SPDX-License-Identifier: GPL-3.0-or-later
// cusp-raycast.frag.glsl: one ray per pixel through the volume box, front-to-back compositing
// through a 1D transfer function, stopped at the scene's surfaces.
#version 330 core

uniform sampler3D u_volume;
uniform sampler1D u_table;            // RGBA: colour and opacity per mm of material
uniform sampler2D u_depth;            // the scene's window depth inside the viewport
uniform bool u_has_depth;
uniform vec4 u_viewport;              // x, y, width, height in framebuffer pixels
uniform vec2 u_depth_scale;           // scene depth pixels per framebuffer pixel (1, or 1 / resolution scale)
uniform mat4 u_inverse_view_projection;   // clip -> LPS mm
uniform mat4 u_lps_to_texture;        // LPS mm -> texture coordinate (0..1 over the voxels' outer faces)
uniform mat3 u_index_gradient_to_lps; // gradient per index step -> gradient per mm (J^T)
uniform vec3 u_texel;                 // one voxel in texture coordinates, per axis
uniform vec2 u_table_map;             // texel value -> table coordinate: value * x + y
uniform float u_step_mm;
uniform int u_max_steps;
uniform bool u_shaded;
uniform sampler3D u_blocks;           // per block of voxels: the highest value its samples can take
uniform vec3 u_block_scale;           // texture coordinate -> block coordinate
uniform float u_skip_at_most;         // blocks whose highest value is this or less are transparent
uniform vec3 u_box_lo;                // texture-space box around every block that can show
uniform vec3 u_box_hi;

in vec2 v_ndc;
out vec4 frag_color;

vec3
unproject (vec3 ndc)
{
  vec4 p = u_inverse_view_projection * vec4 (ndc, 1.0);
  return p.xyz / p.w;
}

float
sample_value (vec3 tex)
{
  return texture (u_volume, tex).r;
}

// Headlight on the iso-surface through the sample: light comes from the eye, both faces lit
// (a clipped or thin structure may be seen from inside).
vec3
shade (vec3 rgb, vec3 tex, vec3 ray_dir)
{
  vec3 gradient_index = 0.5 * vec3 (
    sample_value (tex + vec3 (u_texel.x, 0.0, 0.0)) - sample_value (tex - vec3 (u_texel.x, 0.0, 0.0)),
    sample_value (tex + vec3 (0.0, u_texel.y, 0.0)) - sample_value (tex - vec3 (0.0, u_texel.y, 0.0)),
    sample_value (tex + vec3 (0.0, 0.0, u_texel.z)) - sample_value (tex - vec3 (0.0, 0.0, u_texel.z)));
  vec3 gradient = u_index_gradient_to_lps * gradient_index;
  float magnitude = length (gradient);

  if (!(magnitude > 1e-12))
    return rgb;     // flat material: no surface to light
  float facing = abs (dot (gradient / magnitude, ray_dir));
  return rgb * (0.25 + 0.75 * facing) + vec3 (0.2 * pow (facing, 24.0));
}

void
main ()
{
  vec3 near_mm = unproject (vec3 (v_ndc, -1.0));
  vec3 far_mm = unproject (vec3 (v_ndc, 1.0));
  vec3 ray_dir = far_mm - near_mm;
  float ray_length = length (ray_dir);

  if (!(ray_length > 0.0))
    discard;
  ray_dir /= ray_length;

  // The ray in texture space, still parametrised in mm from the near plane.
  vec3 origin = (u_lps_to_texture * vec4 (near_mm, 1.0)).xyz;
  vec3 along = mat3 (u_lps_to_texture) * ray_dir;
  // Slab test against the visible part of the unit box; a zero component would divide by zero.
  vec3 safe = mix (along, vec3 (1e-20), lessThan (abs (along), vec3 (1e-20)));
  vec3 t_a = (u_box_lo - origin) / safe;
  vec3 t_b = (u_box_hi - origin) / safe;
  vec3 t_near = min (t_a, t_b), t_far = max (t_a, t_b);
  float enter = max (max (t_near.x, t_near.y), max (t_near.z, 0.0));
  float leave = min (min (t_far.x, t_far.y), t_far.z);

  if (u_has_depth)
    {
      float depth = texelFetch (u_depth, ivec2 ((gl_FragCoord.xy - u_viewport.xy) * u_depth_scale), 0).r;
      // 1.0 is a cleared pixel: no surface, and no far plane cutting the volume either.
      if (depth < 1.0)
        leave = min (leave, dot (unproject (vec3 (v_ndc, 2.0 * depth - 1.0)) - near_mm, ray_dir));
    }
  if (!(leave > enter))
    discard;

  // A per-pixel offset within the first step turns slicing rings into fine noise.
  float jitter = fract (sin (dot (gl_FragCoord.xy, vec2 (12.9898, 78.233))) * 43758.5453);
  float t = enter + jitter * u_step_mm;
  int steps = int (min (ceil ((leave - t) / u_step_mm), float (u_max_steps)));
  vec4 sum = vec4 (0.0);

  ivec3 last_block = textureSize (u_blocks, 0) - 1;
  // Block jumps keep t on the same lattice of steps, so skipping changes no sample position.
  for (int i = 0; i < steps && t < leave; i++, t += u_step_mm)
    {
      vec3 tex = origin + t * along;
      vec3 block = tex * u_block_scale;
      vec3 block_index = vec3 (clamp (ivec3 (floor (block)), ivec3 (0), last_block));

      if (texelFetch (u_blocks, ivec3 (block_index), 0).r <= u_skip_at_most)
        {
          // The ray leaves this block where it crosses the first face it heads for.
          vec3 exit_face = (block_index + step (vec3 (0.0), safe)) / u_block_scale;
          vec3 t_face = (exit_face - origin) / safe;
          float t_exit = min (min (t_face.x, t_face.y), t_face.z);
          float skipped = max (ceil ((t_exit - t) / u_step_mm), 1.0);

          i += int (skipped) - 1;
          t += (skipped - 1.0) * u_step_mm;
          continue;
        }

      float value = sample_value (tex);

      if (isnan (value))
        continue;
      vec4 material = texture (u_table, value * u_table_map.x + u_table_map.y);
      if (!(material.a > 0.0))
        continue;
      // Opacity is per mm: a step of s mm lets (1 - a)^s through.
      float alpha = 1.0 - pow (1.0 - min (material.a, 0.9999), u_step_mm);
      vec3 rgb = u_shaded ? shade (material.rgb, tex, ray_dir) : material.rgb;
      sum += (1.0 - sum.a) * vec4 (alpha * rgb, alpha);
      if (sum.a > 0.99)
        break;    // nothing behind would show
    }

  if (!(sum.a > 0.0))
    discard;
  frag_color = sum;   // premultiplied
}
