/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-volume-view.c: the 3D viewport: background and orientation axes (GtkGLArea subclass,
 * realize/unrealize as in GTK's gears demo). */
#include "cusp-volume-view.h"
#include "cusp-gl-program.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#define GIZMO_SIZE_PX 96   /* logical pixels, bottom-left corner */

struct _CuspVolumeView {
  GtkGLArea parent_instance;

  CuspViewLink *link;
  GLuint program;
  GLuint vertex_array;
  GLuint vertex_buffer;
  GLint u_mvp;
};

G_DEFINE_FINAL_TYPE (CuspVolumeView, cusp_volume_view, GTK_TYPE_GL_AREA)

enum {
  PROP_0,
  PROP_LINK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Three axes from the origin toward patient R, A, S (LPS coordinates), with their colours. */
static const float gizmo_vertices[] = {
  /* x, y, z,         r, g, b */
  0, 0, 0,            0.95f, 0.30f, 0.25f,
  -1, 0, 0,           0.95f, 0.30f, 0.25f,   /* Right */
  0, 0, 0,            0.40f, 0.80f, 0.35f,
  0, -1, 0,           0.40f, 0.80f, 0.35f,   /* Anterior */
  0, 0, 0,            0.35f, 0.55f, 0.95f,
  0, 0, 1,            0.35f, 0.55f, 0.95f,   /* Superior */
};

/* Column-major MVP: look at the patient from the front (L to screen right, S up, A toward the
 * viewer), turned 30 degrees about S and tilted 20 degrees so all three axes show. */
static void
gizmo_matrix (float mvp[16])
{
  const double yaw = 30.0 * G_PI / 180.0, pitch = 20.0 * G_PI / 180.0, scale = 0.8;
  /* Rows: eye x, y, z as functions of LPS, from facing the patient: (x, z, -y). */
  const double facing[3][3] = { { 1, 0, 0 }, { 0, 0, 1 }, { 0, -1, 0 } };
  const double cy = cos (yaw), sy = sin (yaw), cp = cos (pitch), sp = sin (pitch);
  const double turn[3][3] = {   /* R_x(pitch) R_y(yaw): seen from slightly above */
    { cy, 0, sy },
    { sp * sy, cp, -sp * cy },
    { -cp * sy, sp, cp * cy },
  };

  for (int i = 0; i < 16; i++)
    mvp[i] = 0.0f;
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 3; c++)
      {
        double sum = 0.0;
        for (int m = 0; m < 3; m++)
          sum += turn[r][m] * facing[m][c];
        mvp[c * 4 + r] = (float) (scale * sum);
      }
  mvp[15] = 1.0f;
}

static void
cusp_volume_view_realize (GtkWidget *widget)
{
  CuspVolumeView *self = CUSP_VOLUME_VIEW (widget);
  GtkGLArea *area = GTK_GL_AREA (widget);
  g_autoptr(GError) error = NULL;

  GTK_WIDGET_CLASS (cusp_volume_view_parent_class)->realize (widget);
  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area) != NULL)
    return;

  self->program = cusp_gl_program_new ("cusp-gizmo.vert.glsl", "cusp-gizmo.frag.glsl", &error);
  if (self->program == 0)
    {
      gtk_gl_area_set_error (area, error);
      return;
    }
  self->u_mvp = glGetUniformLocation (self->program, "u_mvp");
  glGenVertexArrays (1, &self->vertex_array);
  glBindVertexArray (self->vertex_array);
  glGenBuffers (1, &self->vertex_buffer);
  glBindBuffer (GL_ARRAY_BUFFER, self->vertex_buffer);
  glBufferData (GL_ARRAY_BUFFER, sizeof gizmo_vertices, gizmo_vertices, GL_STATIC_DRAW);
  glEnableVertexAttribArray (0);
  glVertexAttribPointer (0, 3, GL_FLOAT, GL_FALSE, 6 * sizeof (float), (void *) 0);
  glEnableVertexAttribArray (1);
  glVertexAttribPointer (1, 3, GL_FLOAT, GL_FALSE, 6 * sizeof (float), (void *) (3 * sizeof (float)));
  glBindVertexArray (0);
  glBindBuffer (GL_ARRAY_BUFFER, 0);
}

static void
cusp_volume_view_unrealize (GtkWidget *widget)
{
  CuspVolumeView *self = CUSP_VOLUME_VIEW (widget);

  gtk_gl_area_make_current (GTK_GL_AREA (widget));
  if (gtk_gl_area_get_error (GTK_GL_AREA (widget)) == NULL)
    {
      if (self->vertex_buffer)
        glDeleteBuffers (1, &self->vertex_buffer);
      if (self->vertex_array)
        glDeleteVertexArrays (1, &self->vertex_array);
      if (self->program)
        glDeleteProgram (self->program);
    }
  self->vertex_buffer = self->vertex_array = self->program = 0;
  GTK_WIDGET_CLASS (cusp_volume_view_parent_class)->unrealize (widget);
}

static gboolean
cusp_volume_view_render (GtkGLArea    *area,
                         GdkGLContext *context)
{
  CuspVolumeView *self = CUSP_VOLUME_VIEW (area);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (area));
  float mvp[16];

  /* Dark slate rather than black, so the empty 3D view reads as a viewport, not a dead slice. */
  glDisable (GL_SCISSOR_TEST);
  glClearColor (0.11f, 0.12f, 0.14f, 1.0f);
  glClear (GL_COLOR_BUFFER_BIT);
  if (self->program == 0)
    return TRUE;

  gizmo_matrix (mvp);
  glViewport (0, 0, GIZMO_SIZE_PX * scale, GIZMO_SIZE_PX * scale);
  glUseProgram (self->program);
  glUniformMatrix4fv (self->u_mvp, 1, GL_FALSE, mvp);
  glBindVertexArray (self->vertex_array);
  glDrawArrays (GL_LINES, 0, 6);
  glBindVertexArray (0);
  glUseProgram (0);
  return TRUE;
}

static void
on_link_notify (CuspViewLink   *link,
                GParamSpec     *pspec,
                CuspVolumeView *self)
{
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

static void
cusp_volume_view_set_link (CuspVolumeView *self, CuspViewLink *link)
{
  if (self->link == link)
    return;
  if (self->link != NULL)
    g_signal_handlers_disconnect_by_data (self->link, self);
  g_set_object (&self->link, link);
  if (link != NULL)
    g_signal_connect (link, "notify::volume", G_CALLBACK (on_link_notify), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINK]);
}

static void
cusp_volume_view_dispose (GObject *object)
{
  CuspVolumeView *self = CUSP_VOLUME_VIEW (object);

  cusp_volume_view_set_link (self, NULL);
  G_OBJECT_CLASS (cusp_volume_view_parent_class)->dispose (object);
}

static void
cusp_volume_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CuspVolumeView *self = CUSP_VOLUME_VIEW (object);

  switch (prop_id)
    {
    case PROP_LINK: g_value_set_object (value, self->link); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cusp_volume_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CuspVolumeView *self = CUSP_VOLUME_VIEW (object);

  switch (prop_id)
    {
    case PROP_LINK: cusp_volume_view_set_link (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cusp_volume_view_class_init (CuspVolumeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkGLAreaClass *area_class = GTK_GL_AREA_CLASS (klass);

  object_class->dispose = cusp_volume_view_dispose;
  object_class->get_property = cusp_volume_view_get_property;
  object_class->set_property = cusp_volume_view_set_property;
  widget_class->realize = cusp_volume_view_realize;
  widget_class->unrealize = cusp_volume_view_unrealize;
  area_class->render = cusp_volume_view_render;

  properties[PROP_LINK] =
    g_param_spec_object ("link", NULL, NULL, CUSP_TYPE_VIEW_LINK,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cusp_volume_view_init (CuspVolumeView *self)
{
  gtk_gl_area_set_required_version (GTK_GL_AREA (self), 3, 3);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("3D view. Axes: red = patient right, green = anterior, blue = superior"));
}

CuspVolumeView *
cusp_volume_view_new (CuspViewLink *link)
{
  g_return_val_if_fail (link == NULL || CUSP_IS_VIEW_LINK (link), NULL);
  return g_object_new (CUSP_TYPE_VOLUME_VIEW, "link", link, NULL);
}

CuspViewLink *
cusp_volume_view_get_link (CuspVolumeView *self)
{
  g_return_val_if_fail (CUSP_IS_VOLUME_VIEW (self), NULL);
  return self->link;
}
