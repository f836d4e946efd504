/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-test-egl.c: surfaceless EGL context + FBO; see the header. */
#include "cusp-test-egl.h"

#include <epoxy/egl.h>
#include <gtk/gtk.h>
#include <string.h>

struct _CuspTestEgl {
  EGLDisplay display;
  EGLContext context;
  GLuint framebuffer;
  GLuint color;
  int width;
  int height;
};

CuspTestEgl *
cusp_test_egl_new (int width, int height, char **why_not)
{
  static const EGLint context_attribs[] = {
    EGL_CONTEXT_MAJOR_VERSION, 3,
    EGL_CONTEXT_MINOR_VERSION, 3,
    EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
    EGL_NONE
  };
  g_autoptr(CuspTestEgl) egl = g_new0 (CuspTestEgl, 1);
  const char *client_extensions = eglQueryString (EGL_NO_DISPLAY, EGL_EXTENSIONS);
  EGLint major, minor;

  egl->width = width;
  egl->height = height;
  if (client_extensions == NULL || strstr (client_extensions, "EGL_MESA_platform_surfaceless") == NULL)
    {
      *why_not = g_strdup ("EGL has no surfaceless platform (needs Mesa's EGL_MESA_platform_surfaceless)");
      return NULL;
    }
  egl->display = eglGetPlatformDisplayEXT (EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
  if (egl->display == EGL_NO_DISPLAY || !eglInitialize (egl->display, &major, &minor))
    {
      *why_not = g_strdup_printf ("cannot initialise the surfaceless EGL display (0x%x)", eglGetError ());
      egl->display = EGL_NO_DISPLAY;
      return NULL;
    }
  if (!epoxy_has_egl_extension (egl->display, "EGL_KHR_surfaceless_context") ||
      !epoxy_has_egl_extension (egl->display, "EGL_KHR_no_config_context"))
    {
      *why_not = g_strdup ("EGL lacks EGL_KHR_surfaceless_context or EGL_KHR_no_config_context");
      return NULL;
    }
  if (!eglBindAPI (EGL_OPENGL_API))
    {
      *why_not = g_strdup ("EGL cannot bind desktop OpenGL");
      return NULL;
    }
  egl->context = eglCreateContext (egl->display, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, context_attribs);
  if (egl->context == EGL_NO_CONTEXT)
    {
      *why_not = g_strdup_printf ("no OpenGL 3.3 core context (EGL error 0x%x)", eglGetError ());
      return NULL;
    }
  if (!eglMakeCurrent (egl->display, EGL_NO_SURFACE, EGL_NO_SURFACE, egl->context))
    {
      *why_not = g_strdup_printf ("cannot make the context current (EGL error 0x%x)", eglGetError ());
      return NULL;
    }

  glGenRenderbuffers (1, &egl->color);
  glBindRenderbuffer (GL_RENDERBUFFER, egl->color);
  glRenderbufferStorage (GL_RENDERBUFFER, GL_RGBA8, width, height);
  glGenFramebuffers (1, &egl->framebuffer);
  glBindFramebuffer (GL_FRAMEBUFFER, egl->framebuffer);
  glFramebufferRenderbuffer (GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, egl->color);
  if (glCheckFramebufferStatus (GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE)
    {
      *why_not = g_strdup ("the offscreen framebuffer is incomplete");
      return NULL;
    }
  return g_steal_pointer (&egl);
}

void
cusp_test_egl_free (CuspTestEgl *egl)
{
  if (egl == NULL)
    return;
  if (egl->context != EGL_NO_CONTEXT)
    {
      eglMakeCurrent (egl->display, EGL_NO_SURFACE, EGL_NO_SURFACE, egl->context);
      if (egl->framebuffer)
        glDeleteFramebuffers (1, &egl->framebuffer);
      if (egl->color)
        glDeleteRenderbuffers (1, &egl->color);
      eglMakeCurrent (egl->display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
      eglDestroyContext (egl->display, egl->context);
    }
  if (egl->display != EGL_NO_DISPLAY)
    eglTerminate (egl->display);
  g_free (egl);
}

void
cusp_test_egl_bind (CuspTestEgl *egl)
{
  glBindFramebuffer (GL_FRAMEBUFFER, egl->framebuffer);
}

guint8 *
cusp_test_egl_read_rgba (CuspTestEgl *egl)
{
  gsize stride = (gsize) egl->width * 4;
  g_autofree guint8 *bottom_up = g_malloc (stride * egl->height);
  guint8 *top_down = g_malloc (stride * egl->height);

  glBindFramebuffer (GL_FRAMEBUFFER, egl->framebuffer);
  glPixelStorei (GL_PACK_ALIGNMENT, 1);
  glReadPixels (0, 0, egl->width, egl->height, GL_RGBA, GL_UNSIGNED_BYTE, bottom_up);
  for (int row = 0; row < egl->height; row++)
    memcpy (top_down + row * stride, bottom_up + (gsize) (egl->height - 1 - row) * stride, stride);
  return top_down;
}

gboolean
cusp_test_save_png (const guint8 *rgba, int width, int height, const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (rgba, (gsize) width * height * 4);
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8,
                                                           bytes, (gsize) width * 4);

  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot write %s", path);
      return FALSE;
    }
  return TRUE;
}
