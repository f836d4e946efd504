/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-gl-program.h: build a GL 3.3 core program from shader sources in the GResource bundle. */
#pragma once

#include <epoxy/gl.h>
#include <glib.h>

G_BEGIN_DECLS

/* Shaders live under this resource folder (resources/shaders/). */
#define CUSP_SHADER_RESOURCE_PATH "/io/github/cusp/Cusp/shaders/"

/* Compiles and links a program from two resource names relative to CUSP_SHADER_RESOURCE_PATH
 * (e.g. "cusp-mpr-slice.frag.glsl"). Needs a current context. On any failure returns 0 and an
 * error whose message carries the driver's compile or link log. */
GLuint cusp_gl_program_new (const char  *vertex_name,
                            const char  *fragment_name,
                            GError     **error);

G_END_DECLS
