/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-gl-program.c: shader compile/link with the driver's log surfaced as a GError. */
#include "cusp-gl-program.h"
#include "cusp-error.h"

#include <gio/gio.h>

static char *
info_log (GLuint object, gboolean is_program)
{
  GLint length = 0;
  char *log;

  if (is_program)
    glGetProgramiv (object, GL_INFO_LOG_LENGTH, &length);
  else
    glGetShaderiv (object, GL_INFO_LOG_LENGTH, &length);
  log = g_malloc0 (MAX (length, 1) + 1);
  if (length > 0)
    {
      if (is_program)
        glGetProgramInfoLog (object, length, NULL, log);
      else
        glGetShaderInfoLog (object, length, NULL, log);
    }
  return g_strstrip (log);
}

static GLuint
compile_shader (GLenum type, const char *name, GError **error)
{
  g_autofree char *path = g_strconcat (CUSP_SHADER_RESOURCE_PATH, name, NULL);
  g_autoptr(GBytes) source = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *text;
  GLint length, status = GL_FALSE;
  GLuint shader;

  source = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
  if (source == NULL)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                   "The shader %s is missing from the application's resources: %s",
                   name, local_error->message);
      return 0;
    }
  text = g_bytes_get_data (source, NULL);
  length = (GLint) g_bytes_get_size (source);

  shader = glCreateShader (type);
  glShaderSource (shader, 1, &text, &length);
  glCompileShader (shader);
  glGetShaderiv (shader, GL_COMPILE_STATUS, &status);
  if (status != GL_TRUE)
    {
      g_autofree char *log = info_log (shader, FALSE);
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                   "The graphics driver could not compile the shader %s: %s", name, log);
      glDeleteShader (shader);
      return 0;
    }
  return shader;
}

GLuint
cusp_gl_program_new (const char  *vertex_name,
                     const char  *fragment_name,
                     GError     **error)
{
  GLuint vertex, fragment, program;
  GLint status = GL_FALSE;

  g_return_val_if_fail (vertex_name != NULL && fragment_name != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  vertex = compile_shader (GL_VERTEX_SHADER, vertex_name, error);
  if (vertex == 0)
    return 0;
  fragment = compile_shader (GL_FRAGMENT_SHADER, fragment_name, error);
  if (fragment == 0)
    {
      glDeleteShader (vertex);
      return 0;
    }

  program = glCreateProgram ();
  glAttachShader (program, vertex);
  glAttachShader (program, fragment);
  glLinkProgram (program);
  glGetProgramiv (program, GL_LINK_STATUS, &status);
  /* A linked program keeps its code; the shader objects can go either way. */
  glDetachShader (program, vertex);
  glDetachShader (program, fragment);
  glDeleteShader (vertex);
  glDeleteShader (fragment);
  if (status != GL_TRUE)
    {
      g_autofree char *log = info_log (program, TRUE);
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                   "The graphics driver could not link the shaders %s and %s: %s",
                   vertex_name, fragment_name, log);
      glDeleteProgram (program);
      return 0;
    }
  return program;
}
