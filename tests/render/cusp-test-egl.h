/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-test-egl.h: a display-less GL 3.3 core context (Mesa EGL surfaceless) with an offscreen
 * framebuffer, for renderer tests and benchmarks. */
#pragma once

#include <epoxy/gl.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct _CuspTestEgl CuspTestEgl;

/* NULL + a reason when this machine has no surfaceless EGL or no GL 3.3 core context; tests
 * then skip with that reason. */
CuspTestEgl *cusp_test_egl_new            (int width, int height, char **why_not);
void         cusp_test_egl_free           (CuspTestEgl *egl);
/* Binds the offscreen framebuffer (RGBA8, width x height) for drawing. */
void         cusp_test_egl_bind           (CuspTestEgl *egl);
/* Reads the framebuffer as RGBA rows, top row first (GL reads bottom-up; this flips). */
guint8      *cusp_test_egl_read_rgba      (CuspTestEgl *egl);
/* Writes RGBA top-first pixels as a PNG; FALSE + error on failure. */
gboolean     cusp_test_save_png           (const guint8 *rgba, int width, int height,
                                           const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspTestEgl, cusp_test_egl_free)

G_END_DECLS
