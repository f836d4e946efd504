/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-volume-view.c: the 3D viewport: surfaces, orbit camera and orientation axes (GtkGLArea
 * subclass, realize/unrealize as in GTK's gears demo). */
#include "cusp-volume-view.h"
#include "cusp-gl-program.h"
#include "cusp-mesh-renderer.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define GIZMO_SIZE_PX 96   /* logical pixels, bottom-left corner */
#define DEFAULT_YAW_DEG 30.0
#define DEFAULT_PITCH_DEG 20.0
#define FIELD_OF_VIEW_DEG 30.0

enum { SLOT_CALCIUM, SLOT_LUMEN, SLOT_VALVE, N_SLOTS };

/* Lumen: translucent blood red; calcium: opaque bone white-yellow, which stands out against it. */
static const float lumen_rgba[4] = { 0.86f, 0.22f, 0.20f, 0.55f };
static const float calcium_rgba[4] = { 1.00f, 0.93f, 0.55f, 1.00f };
/* the deployed valve frame: a metallic cyan-blue, apart from the red lumen and yellow calcium */
static const float valve_rgba[4] = { 0.35f, 0.75f, 1.00f, 1.00f };

struct _CuspVolumeView {
  GtkGLArea parent_instance;

  CuspViewLink *link;
  GLuint program;
  GLuint vertex_array;
  GLuint vertex_buffer;
  GLint u_mvp;

  /* Surfaces: copies waiting to be uploaded at the next draw (GL needs the context current). */
  CuspMeshRenderer *mesh_renderer;
  CuspMesh *meshes[N_SLOTS];    /* SLOT_CALCIUM, SLOT_LUMEN, SLOT_VALVE */
  gboolean meshes_dirty;

  /* Orbit camera around `target_mm` (LPS); `radius_mm` frames the surfaces. */
  double target_mm[3];
  double radius_mm;
  double yaw_deg, pitch_deg;
  double zoom;                  /* 1: the surfaces fill the view */
  double pan_mm[2];             /* along screen right and up */
  double drag_yaw_deg, drag_pitch_deg, drag_pan_mm[2];
  gboolean drag_pans;
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

/* Eye rotation (rows: eye x, y, z as functions of LPS): look at the patient from the front
 * (L to screen right, S up, A toward the viewer), turned `yaw` about S and tilted `pitch`. */
static void
camera_rotation (double yaw_deg, double pitch_deg, double rotation[3][3])
{
  const double yaw = yaw_deg * G_PI / 180.0, pitch = pitch_deg * G_PI / 180.0;
  const double facing[3][3] = { { 1, 0, 0 }, { 0, 0, 1 }, { 0, -1, 0 } };
  const double cy = cos (yaw), sy = sin (yaw), cp = cos (pitch), sp = sin (pitch);
  const double turn[3][3] = {   /* R_x(pitch) R_y(yaw): seen from slightly above */
    { cy, 0, sy },
    { sp * sy, cp, -sp * cy },
    { -cp * sy, sp, cp * cy },
  };

  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 3; c++)
      {
        double sum = 0.0;
        for (int m = 0; m < 3; m++)
          sum += turn[r][m] * facing[m][c];
        rotation[r][c] = sum;
      }
}

/* Column-major MVP of the axes: the camera's rotation, orthographic, in the corner viewport. */
static void
gizmo_matrix (double yaw_deg, double pitch_deg, float mvp[16])
{
  const double scale = 0.8;
  double rotation[3][3];

  camera_rotation (yaw_deg, pitch_deg, rotation);
  for (int i = 0; i < 16; i++)
    mvp[i] = 0.0f;
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 3; c++)
      mvp[c * 4 + r] = (float) (scale * rotation[r][c]);
  mvp[15] = 1.0f;
}

/* Column-major view (rigid) and perspective projection of the orbit camera. */
static void
camera_matrices (CuspVolumeView *self, double aspect, float view[16], float projection[16])
{
  const double half_fov = 0.5 * FIELD_OF_VIEW_DEG * G_PI / 180.0;
  double rotation[3][3], distance, near_mm, far_mm, f;

  camera_rotation (self->yaw_deg, self->pitch_deg, rotation);
  /* Far enough that a sphere of radius_mm fits the narrower side, divided by the zoom. */
  distance = self->radius_mm / sin (half_fov) / MAX (aspect < 1.0 ? aspect : 1.0, 0.1) / self->zoom;
  for (int i = 0; i < 16; i++)
    view[i] = projection[i] = 0.0f;
  for (int r = 0; r < 3; r++)
    {
      double t = 0.0;
      for (int c = 0; c < 3; c++)
        {
          view[c * 4 + r] = (float) rotation[r][c];
          t -= rotation[r][c] * self->target_mm[c];
        }
      if (r < 2)
        t -= self->pan_mm[r];
      else
        t -= distance;
      view[12 + r] = (float) t;
    }
  view[15] = 1.0f;

  near_mm = MAX (distance - 2.0 * self->radius_mm, 0.01 * distance);
  far_mm = distance + 2.0 * self->radius_mm;
  f = 1.0 / tan (half_fov);
  projection[0] = (float) (f / aspect);
  projection[5] = (float) f;
  projection[10] = (float) ((far_mm + near_mm) / (near_mm - far_mm));
  projection[11] = -1.0f;
  projection[14] = (float) (2.0 * far_mm * near_mm / (near_mm - far_mm));
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

  self->mesh_renderer = cusp_mesh_renderer_new (&error);
  if (self->mesh_renderer == NULL)
    {
      gtk_gl_area_set_error (area, error);
      return;
    }
  self->meshes_dirty = TRUE;
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
      g_clear_pointer (&self->mesh_renderer, cusp_mesh_renderer_free);
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
  glClearDepth (1.0);
  glClear (GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
  if (self->program == 0 || self->mesh_renderer == NULL)
    return TRUE;

  if (self->meshes_dirty)
    {
      cusp_mesh_renderer_set_mesh (self->mesh_renderer, SLOT_CALCIUM, self->meshes[SLOT_CALCIUM], calcium_rgba);
      cusp_mesh_renderer_set_mesh (self->mesh_renderer, SLOT_LUMEN, self->meshes[SLOT_LUMEN], lumen_rgba);
      cusp_mesh_renderer_set_mesh (self->mesh_renderer, SLOT_VALVE, self->meshes[SLOT_VALVE], valve_rgba);
      self->meshes_dirty = FALSE;
    }
  if (cusp_mesh_renderer_get_triangle_count (self->mesh_renderer) > 0)
    {
      int width = gtk_widget_get_width (GTK_WIDGET (area)), height = gtk_widget_get_height (GTK_WIDGET (area));
      float view[16], projection[16];

      camera_matrices (self, (double) MAX (width, 1) / MAX (height, 1), view, projection);
      glViewport (0, 0, width * scale, height * scale);
      cusp_mesh_renderer_draw (self->mesh_renderer, view, projection);
    }

  gizmo_matrix (self->yaw_deg, self->pitch_deg, mvp);
  glViewport (0, 0, GIZMO_SIZE_PX * scale, GIZMO_SIZE_PX * scale);
  glUseProgram (self->program);
  glUniformMatrix4fv (self->u_mvp, 1, GL_FALSE, mvp);
  glBindVertexArray (self->vertex_array);
  glDrawArrays (GL_LINES, 0, 6);
  glBindVertexArray (0);
  glUseProgram (0);
  return TRUE;
}

/* ---- camera input ---- */

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               CuspVolumeView *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  self->drag_pans = button == GDK_BUTTON_MIDDLE || (state & GDK_CONTROL_MASK) != 0;
  self->drag_yaw_deg = self->yaw_deg;
  self->drag_pitch_deg = self->pitch_deg;
  self->drag_pan_mm[0] = self->pan_mm[0];
  self->drag_pan_mm[1] = self->pan_mm[1];
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                CuspVolumeView *self)
{
  int height = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 1);

  if (self->drag_pans)
    {
      /* The surfaces follow the pointer: one view height is the framed diameter / zoom. */
      double mm_per_px = 2.0 * self->radius_mm / self->zoom / height;
      self->pan_mm[0] = self->drag_pan_mm[0] - dx * mm_per_px;
      self->pan_mm[1] = self->drag_pan_mm[1] + dy * mm_per_px;
    }
  else
    {
      /* A drag across the whole view height turns the model half a turn. */
      self->yaw_deg = fmod (self->drag_yaw_deg + 180.0 * dx / height, 360.0);
      self->pitch_deg = CLAMP (self->drag_pitch_deg + 180.0 * dy / height, -89.0, 89.0);
    }
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           CuspVolumeView           *self)
{
  self->zoom = CLAMP (self->zoom * pow (1.1, -dy), 0.2, 20.0);
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
  return TRUE;
}

static void
on_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  CuspVolumeView  *self)
{
  if (n_press == 2)
    cusp_volume_view_reset_camera (self);
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
  g_clear_pointer (&self->meshes[SLOT_CALCIUM], cusp_mesh_free);
  g_clear_pointer (&self->meshes[SLOT_LUMEN], cusp_mesh_free);
  g_clear_pointer (&self->meshes[SLOT_VALVE], cusp_mesh_free);
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
  GtkGesture *gesture;
  GtkEventController *controller;

  gtk_gl_area_set_required_version (GTK_GL_AREA (self), 3, 3);
  gtk_gl_area_set_has_depth_buffer (GTK_GL_AREA (self), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("3D view: lumen (translucent red) and calcium (yellow).\n"
                                 "Drag: orbit · Scroll: zoom · Middle-drag or Ctrl+drag: pan · Double-click: reset\n"
                                 "Axes: red = patient right, green = anterior, blue = superior"));
  self->radius_mm = 50.0;
  self->yaw_deg = DEFAULT_YAW_DEG;
  self->pitch_deg = DEFAULT_PITCH_DEG;
  self->zoom = 1.0;

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
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

/* An empty surface draws nothing: kept as none. */
static CuspMesh *
mesh_copy (const CuspMesh *mesh)
{
  if (mesh == NULL || mesh->triangle_count == 0)
    return NULL;
  return cusp_mesh_copy (mesh);
}

void
cusp_volume_view_reset_camera (CuspVolumeView *self)
{
  double lo[3] = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE }, hi[3] = { -G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  gboolean any = FALSE;

  g_return_if_fail (CUSP_IS_VOLUME_VIEW (self));

  /* Frame the bounding box of every surface. */
  for (int m = 0; m < 2; m++)
    {
      const CuspMesh *mesh = self->meshes[m];

      for (guint v = 0; mesh != NULL && v < mesh->vertex_count; v++)
        for (int a = 0; a < 3; a++)
          {
            lo[a] = MIN (lo[a], mesh->positions_mm[3 * v + a]);
            hi[a] = MAX (hi[a], mesh->positions_mm[3 * v + a]);
            any = TRUE;
          }
    }
  if (any)
    {
      double d2 = 0.0;
      for (int a = 0; a < 3; a++)
        {
          self->target_mm[a] = 0.5 * (lo[a] + hi[a]);
          d2 += (hi[a] - lo[a]) * (hi[a] - lo[a]);
        }
      self->radius_mm = MAX (0.5 * sqrt (d2), 1.0);
    }
  self->yaw_deg = DEFAULT_YAW_DEG;
  self->pitch_deg = DEFAULT_PITCH_DEG;
  self->zoom = 1.0;
  self->pan_mm[0] = self->pan_mm[1] = 0.0;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

void
cusp_volume_view_set_meshes (CuspVolumeView *self,
                             const CuspMesh *lumen,
                             const CuspMesh *calcium)
{
  g_return_if_fail (CUSP_IS_VOLUME_VIEW (self));

  g_clear_pointer (&self->meshes[SLOT_LUMEN], cusp_mesh_free);
  g_clear_pointer (&self->meshes[SLOT_CALCIUM], cusp_mesh_free);
  g_clear_pointer (&self->meshes[SLOT_VALVE], cusp_mesh_free);
  self->meshes[SLOT_LUMEN] = mesh_copy (lumen);
  self->meshes[SLOT_CALCIUM] = mesh_copy (calcium);
  self->meshes_dirty = TRUE;
  cusp_volume_view_reset_camera (self);
}

void
cusp_volume_view_set_valve (CuspVolumeView *self,
                            const CuspMesh *frame)
{
  g_return_if_fail (CUSP_IS_VOLUME_VIEW (self));

  g_clear_pointer (&self->meshes[SLOT_VALVE], cusp_mesh_free);
  self->meshes[SLOT_VALVE] = mesh_copy (frame);
  self->meshes_dirty = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
cusp_volume_view_get_valve_color (float rgb[3])
{
  memcpy (rgb, valve_rgba, 3 * sizeof (float));
}

void
cusp_volume_view_get_lumen_color (float rgb[3])
{
  memcpy (rgb, lumen_rgba, 3 * sizeof (float));
}
