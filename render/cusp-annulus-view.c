/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-annulus-view.c: the double-oblique annulus view (see the header): a GL slice in the
 * annulus plane under a cairo layer with the contour and the landmark handles. */
#include "cusp-annulus-view.h"
#include "cusp-gl-snapshot.h"
#include "cusp-mpr-renderer.h"
#include "cusp-oblique-frame.h"
#include "cusp-valve-marks.h"
#include "cusp-volume-texture.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define DEFAULT_FIELD_MM 60.0       /* a 20-30 mm annulus with its sinuses around it */
#define HANDLE_RADIUS_PX 6.0
#define PICK_RADIUS_PX 12.0
/* Okabe-Ito bluish green: the valve is sky blue, the hinges red, green and yellow, the
 * commissures white, the ostia orange (DESIGN.md, render: the palette) */
#define ANNULUS_RGBA 0.0, 0.62, 0.45, 1.0
#define ANNULUS_EDGE_RGBA 0.0, 0.0, 0.0, 0.55

struct _CuspAnnulusView {
  GtkWidget parent_instance;

  CuspViewLink *link;
  GtkWidget *overlay;
  GtkWidget *area;
  CuspGlSnapshotCache *gl_copies; /* the area's picture for GTK's cairo renderer */
  GtkWidget *marks;               /* GtkDrawingArea over the image: contour and handles */
  GtkWidget *title_label;
  GtkWidget *message_label;

  CuspMprRenderer *renderer;
  CuspVolumeTexture *texture;
  GError *error;

  gboolean has_plane;
  double centre_mm[3], normal[3];
  double zoom;

  GArray *contour;                /* double[3] LPS points */
  GArray *handles;                /* CuspAnnulusHandle */

  /* The drag in progress: the handle, its depth off the plane and the frame frozen for it. */
  int drag_handle;
  double drag_depth_mm;
  double drag_start_px[2];
  CuspSliceFrame drag_frame;
  gboolean plane_pending;
  double pending_centre_mm[3], pending_normal[3];

  /* The valve (the link's scene) and its handles: the one under the pointer, and for a valve
   * drag the pose and frame it began with. */
  CuspValveScene *scene;
  GArray *valve_scratch;
  CuspValveHandle valve_hover;
  CuspValveHandle valve_drag;
  CuspValvePlacement valve_start;
  CuspSliceFrame valve_frame;
  gboolean pointer_inside;
  double pointer_x, pointer_y;
};

G_DEFINE_FINAL_TYPE (CuspAnnulusView, cusp_annulus_view, GTK_TYPE_WIDGET)

enum { SIGNAL_DRAG_BEGIN, SIGNAL_HANDLE_MOVED, SIGNAL_DRAG_END, N_SIGNALS };
static guint signals[N_SIGNALS];

static const double anterior[3] = { 0.0, -1.0, 0.0 };

gboolean
cusp_annulus_view_get_frame (CuspAnnulusView *self,
                             CuspSliceFrame  *frame)
{
  g_return_val_if_fail (CUSP_IS_ANNULUS_VIEW (self), FALSE);

  if (self->drag_handle >= 0)
    {
      *frame = self->drag_frame;
      return TRUE;
    }
  if (!self->has_plane)
    return FALSE;
  return cusp_oblique_frame_init (frame, self->centre_mm, self->normal, anterior,
                                  DEFAULT_FIELD_MM / self->zoom,
                                  MAX (gtk_widget_get_width (self->area), 1),
                                  MAX (gtk_widget_get_height (self->area), 1));
}

const GError *
cusp_annulus_view_get_error (CuspAnnulusView *self)
{
  g_return_val_if_fail (CUSP_IS_ANNULUS_VIEW (self), NULL);
  return self->error;
}

static void
update_message (CuspAnnulusView *self)
{
  const char *text = NULL;

  if (self->error != NULL)
    text = self->error->message;
  else if (!self->has_plane)
    text = _("No annulus plane yet: segment the study (Ctrl+G)");
  gtk_label_set_text (GTK_LABEL (self->message_label), text ? text : "");
  gtk_widget_set_visible (self->message_label, text != NULL);
}

static void
redraw (CuspAnnulusView *self)
{
  gtk_gl_area_queue_render (GTK_GL_AREA (self->area));
  gtk_widget_queue_draw (self->marks);
}

/* ---- GL ---- */

static void
set_error (CuspAnnulusView *self, const GError *error)
{
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  update_message (self);
}

static void
on_area_realize (GtkGLArea *area, CuspAnnulusView *self)
{
  g_autoptr(GError) error = NULL;

  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area) != NULL)
    {
      set_error (self, gtk_gl_area_get_error (area));
      return;
    }
  self->renderer = cusp_mpr_renderer_new (&error);
  if (self->renderer == NULL)
    {
      gtk_gl_area_set_error (area, error);
      set_error (self, error);
    }
}

static void
on_area_unrealize (GtkGLArea *area, CuspAnnulusView *self)
{
  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area) != NULL)
    return;
  g_clear_pointer (&self->texture, cusp_volume_texture_unref);
  g_clear_pointer (&self->renderer, cusp_mpr_renderer_free);
}

static gboolean
on_area_render (GtkGLArea *area, GdkGLContext *context, CuspAnnulusView *self)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (area));
  CuspVolume *volume = self->link ? cusp_view_link_get_volume (self->link) : NULL;
  CuspSliceFrame frame;
  CuspMprStyle style;

  if (self->renderer == NULL || volume == NULL || !cusp_annulus_view_get_frame (self, &frame))
    {
      glClearColor (0.0f, 0.0f, 0.0f, 1.0f);
      glClear (GL_COLOR_BUFFER_BIT);
      return TRUE;
    }
  if (self->texture != NULL && self->texture->volume != volume)
    g_clear_pointer (&self->texture, cusp_volume_texture_unref);
  if (self->texture == NULL)
    {
      g_autoptr(GError) error = NULL;

      self->texture = cusp_volume_texture_acquire_shared (G_OBJECT (self->link), volume, &error);
      if (self->texture == NULL)
        set_error (self, error);
    }
  cusp_mpr_style_init (&style, CUSP_SLICE_AXIAL);
  style.window_center = cusp_view_link_get_window_center (self->link);
  style.window_width = cusp_view_link_get_window_width (self->link);
  style.show_crosshair = FALSE;
  cusp_mpr_renderer_draw (self->renderer, self->texture, &frame, &style,
                          frame.width_px * scale, frame.height_px * scale);
  return TRUE;
}

/* ---- contour and handles ---- */

/* The valve's handles as the view shows them now; FALSE when it shows none. */
static gboolean
valve_handles (CuspAnnulusView *self, const CuspSliceFrame *frame, CuspValveHandles *handles)
{
  CuspValvePlacement valve;

  if (self->scene == NULL || !cusp_valve_placement_from_scene (self->scene, &valve))
    return FALSE;
  return cusp_valve_handles_layout (frame, &valve, handles);
}

static void
draw_marks (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        data)
{
  CuspAnnulusView *self = data;
  CuspSliceFrame frame;

  if (!cusp_annulus_view_get_frame (self, &frame))
    return;

  /* The array holds x, y, z per point. */
  if (self->contour->len >= 3 * 3)
    {
      for (guint i = 0; i < self->contour->len / 3; i++)
        {
          const double *p = &g_array_index (self->contour, double, 3 * i);
          double x, y;

          cusp_slice_frame_lps_to_screen (&frame, p, &x, &y);
          if (i == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      cairo_close_path (cr);
      /* The measured annulus over a dark edge, legible over the bright lumen and the tissue. */
      cairo_set_source_rgba (cr, ANNULUS_EDGE_RGBA);
      cairo_set_line_width (cr, 3.5);
      cairo_stroke_preserve (cr);
      cairo_set_source_rgba (cr, ANNULUS_RGBA);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }

  /* The valve over the contour and under the landmarks, which stay easy to grab. */
  if (self->scene != NULL)
    {
      CuspValveHandles valve;
      gboolean shown = valve_handles (self, &frame, &valve);

      cusp_valve_marks_draw (cr, &frame, self->scene, shown ? &valve : NULL,
                             self->valve_drag != CUSP_VALVE_HANDLE_NONE ? self->valve_drag : self->valve_hover,
                             self->valve_scratch);
    }

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 11.0);
  for (guint i = 0; i < self->handles->len; i++)
    {
      const CuspAnnulusHandle *h = &g_array_index (self->handles, CuspAnnulusHandle, i);
      double x, y, depth = cusp_slice_frame_lps_to_screen (&frame, h->lps_mm, &x, &y);
      /* On the plane (hinges): filled; off it: a ring at the projected position. */
      gboolean on_plane = fabs (depth) < 1.0;

      cairo_new_path (cr);
      cairo_arc (cr, x, y, HANDLE_RADIUS_PX, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, h->rgba[0], h->rgba[1], h->rgba[2], h->rgba[3]);
      if (on_plane)
        cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 2.0);
      cairo_stroke (cr);
      cairo_move_to (cr, x + HANDLE_RADIUS_PX + 2, y - HANDLE_RADIUS_PX);
      cairo_show_text (cr, h->label);
    }
}

/* ---- input ---- */

static int
pick_handle (CuspAnnulusView *self, const CuspSliceFrame *frame, double x, double y)
{
  double best = PICK_RADIUS_PX * PICK_RADIUS_PX;
  int picked = -1;

  for (guint i = 0; i < self->handles->len; i++)
    {
      const CuspAnnulusHandle *h = &g_array_index (self->handles, CuspAnnulusHandle, i);
      double hx, hy, d2;

      cusp_slice_frame_lps_to_screen (frame, h->lps_mm, &hx, &hy);
      d2 = (hx - x) * (hx - x) + (hy - y) * (hy - y);
      if (d2 < best)
        {
          best = d2;
          picked = (int) i;
        }
    }
  return picked;
}

/* The valve handle under (x, y), unless a landmark handle is nearer (landmarks keep priority
 * on a tie: they are the smaller targets). */
static CuspValveHandle
pick_valve (CuspAnnulusView *self, const CuspSliceFrame *frame, double x, double y)
{
  CuspValveHandles valve;
  CuspValveHandle picked;
  int landmark;

  if (!valve_handles (self, frame, &valve))
    return CUSP_VALVE_HANDLE_NONE;
  picked = cusp_valve_handles_pick (&valve, x, y, CUSP_VALVE_HANDLE_PICK_PX);
  if (picked == CUSP_VALVE_HANDLE_NONE)
    return picked;
  landmark = pick_handle (self, frame, x, y);
  if (landmark >= 0)
    {
      const CuspAnnulusHandle *h = &g_array_index (self->handles, CuspAnnulusHandle, landmark);
      double hx, hy;

      cusp_slice_frame_lps_to_screen (frame, h->lps_mm, &hx, &hy);
      if (hypot (hx - x, hy - y) <= hypot (valve.x_px[picked] - x, valve.y_px[picked] - y))
        return CUSP_VALVE_HANDLE_NONE;
    }
  return picked;
}

static void
set_valve_hover (CuspAnnulusView *self, CuspValveHandle hover)
{
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), self->valve_drag != CUSP_VALVE_HANDLE_NONE ? "grabbing"
                                                      : hover != CUSP_VALVE_HANDLE_NONE ? "grab" : "crosshair");
  if (hover == self->valve_hover)
    return;
  self->valve_hover = hover;
  gtk_widget_queue_draw (self->marks);
}

static void
update_valve_hover (CuspAnnulusView *self)
{
  CuspSliceFrame frame;
  CuspValveHandle hover = CUSP_VALVE_HANDLE_NONE;

  if (self->valve_drag != CUSP_VALVE_HANDLE_NONE)
    hover = self->valve_drag;
  else if (self->pointer_inside && self->drag_handle < 0 && cusp_annulus_view_get_frame (self, &frame))
    hover = pick_valve (self, &frame, self->pointer_x, self->pointer_y);
  set_valve_hover (self, hover);
}

/* Ends a valve drag; `cancel` asks for the pose it began with (Escape). */
static void
end_valve_drag (CuspAnnulusView *self, gboolean cancel)
{
  if (self->valve_drag == CUSP_VALVE_HANDLE_NONE)
    return;
  if (cancel && self->scene != NULL)
    cusp_valve_scene_request_pose (self->scene, &self->valve_start.pose);
  if (self->scene != NULL)
    cusp_valve_scene_end_interaction (self->scene);
  self->valve_drag = CUSP_VALVE_HANDLE_NONE;
  self->valve_hover = CUSP_VALVE_HANDLE_NONE;
  update_valve_hover (self);
  gtk_widget_queue_draw (self->marks);
}

static void
on_motion (GtkEventControllerMotion *controller, double x, double y, CuspAnnulusView *self)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  update_valve_hover (self);
}

static void
on_leave (GtkEventControllerMotion *controller, CuspAnnulusView *self)
{
  self->pointer_inside = FALSE;
  update_valve_hover (self);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller, guint keyval, guint keycode,
                GdkModifierType state, CuspAnnulusView *self)
{
  if (keyval != GDK_KEY_Escape || self->valve_drag == CUSP_VALVE_HANDLE_NONE)
    return FALSE;
  end_valve_drag (self, TRUE);
  return TRUE;
}

static void
on_scene_changed (CuspValveScene *scene, CuspAnnulusView *self)
{
  gtk_widget_queue_draw (self->marks);
  update_valve_hover (self);
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, CuspAnnulusView *self)
{
  CuspSliceFrame frame;
  CuspValveHandle valve;
  int picked;

  if (cusp_annulus_view_get_frame (self, &frame)
      && (valve = pick_valve (self, &frame, x, y)) != CUSP_VALVE_HANDLE_NONE
      && cusp_valve_placement_from_scene (self->scene, &self->valve_start))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      gtk_widget_grab_focus (GTK_WIDGET (self));
      self->valve_frame = frame;
      self->valve_drag = valve;
      /* one drag, one entry in the window's history */
      cusp_valve_scene_begin_interaction (self->scene);
      update_valve_hover (self);
      return;
    }
  if (!cusp_annulus_view_get_frame (self, &frame)
      || (picked = pick_handle (self, &frame, x, y)) < 0)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->drag_frame = frame;
  self->drag_handle = picked;
  self->drag_depth_mm = cusp_slice_frame_lps_to_screen (&frame,
      g_array_index (self->handles, CuspAnnulusHandle, picked).lps_mm,
      &self->drag_start_px[0], &self->drag_start_px[1]);
  self->drag_start_px[0] -= x;   /* keep the grab offset so the handle does not jump */
  self->drag_start_px[1] -= y;
  g_signal_emit (self, signals[SIGNAL_DRAG_BEGIN], 0, picked);
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, CuspAnnulusView *self)
{
  double x0, y0, lps[3];
  CuspAnnulusHandle *h;

  if (self->valve_drag != CUSP_VALVE_HANDLE_NONE)
    {
      CuspSimPose pose;

      gtk_gesture_drag_get_start_point (gesture, &x0, &y0);
      if (cusp_valve_handles_drag (self->valve_drag, &self->valve_frame, &self->valve_start,
                                   x0, y0, x0 + dx, y0 + dy, &pose))
        cusp_valve_handles_request (self->scene, &pose);
      return;
    }
  if (self->drag_handle < 0)
    return;
  gtk_gesture_drag_get_start_point (gesture, &x0, &y0);
  cusp_slice_frame_screen_to_lps (&self->drag_frame, x0 + dx + self->drag_start_px[0],
                                  y0 + dy + self->drag_start_px[1], lps);
  for (int a = 0; a < 3; a++)
    lps[a] += self->drag_depth_mm * self->drag_frame.forward[a];
  h = &g_array_index (self->handles, CuspAnnulusHandle, self->drag_handle);
  memcpy (h->lps_mm, lps, sizeof lps);
  gtk_widget_queue_draw (self->marks);
  g_signal_emit (self, signals[SIGNAL_HANDLE_MOVED], 0, self->drag_handle, h->lps_mm);
}

static void
on_drag_end (GtkGestureDrag *gesture, double dx, double dy, CuspAnnulusView *self)
{
  int handle = self->drag_handle;

  /* The release's offset too, in case its last motion was folded into it. */
  if (self->valve_drag != CUSP_VALVE_HANDLE_NONE)
    on_drag_update (gesture, dx, dy, self);
  end_valve_drag (self, FALSE);
  if (handle < 0)
    return;
  self->drag_handle = -1;
  if (self->plane_pending)
    {
      self->plane_pending = FALSE;
      cusp_annulus_view_set_plane (self, self->pending_centre_mm, self->pending_normal);
    }
  g_signal_emit (self, signals[SIGNAL_DRAG_END], 0, handle);
  redraw (self);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller, double dx, double dy, CuspAnnulusView *self)
{
  if (self->drag_handle >= 0)
    return TRUE;
  self->zoom = CLAMP (self->zoom * pow (1.1, -dy), 0.25, 8.0);
  redraw (self);
  return TRUE;
}

static void
on_link_notify (CuspViewLink *link, GParamSpec *pspec, CuspAnnulusView *self)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_has_prefix (name, "hover") || g_str_has_prefix (name, "cursor"))
    return;
  redraw (self);
}

/* ---- public ---- */

void
cusp_annulus_view_set_plane (CuspAnnulusView *self,
                             const double    *centre_mm,
                             const double    *normal)
{
  CuspSliceFrame probe;

  g_return_if_fail (CUSP_IS_ANNULUS_VIEW (self));

  if (self->drag_handle >= 0 && normal != NULL && centre_mm != NULL)
    {
      memcpy (self->pending_centre_mm, centre_mm, sizeof self->pending_centre_mm);
      memcpy (self->pending_normal, normal, sizeof self->pending_normal);
      self->plane_pending = TRUE;
      return;
    }
  self->has_plane = normal != NULL && centre_mm != NULL
                    && cusp_oblique_frame_init (&probe, centre_mm, normal, anterior, 1.0, 1, 1);
  if (self->has_plane)
    {
      memcpy (self->centre_mm, centre_mm, sizeof self->centre_mm);
      memcpy (self->normal, normal, sizeof self->normal);
    }
  else
    {
      g_array_set_size (self->contour, 0);
      g_array_set_size (self->handles, 0);
    }
  update_message (self);
  redraw (self);
}

void
cusp_annulus_view_set_contour (CuspAnnulusView *self,
                               const double   (*points_mm)[3],
                               int              n_points)
{
  g_return_if_fail (CUSP_IS_ANNULUS_VIEW (self));

  g_array_set_size (self->contour, 0);
  if (points_mm != NULL && n_points > 0)
    g_array_append_vals (self->contour, points_mm, 3 * (guint) n_points);
  gtk_widget_queue_draw (self->marks);
}

void
cusp_annulus_view_set_handles (CuspAnnulusView         *self,
                               const CuspAnnulusHandle *handles,
                               int                      n_handles)
{
  g_return_if_fail (CUSP_IS_ANNULUS_VIEW (self));

  /* The dragged handle follows the pointer, not the (possibly re-projected) model. */
  if (self->drag_handle >= 0)
    return;
  g_array_set_size (self->handles, 0);
  if (handles != NULL && n_handles > 0)
    g_array_append_vals (self->handles, handles, (guint) n_handles);
  gtk_widget_queue_draw (self->marks);
}

/* ---- GObject ---- */

static void
cusp_annulus_view_dispose (GObject *object)
{
  CuspAnnulusView *self = CUSP_ANNULUS_VIEW (object);

  if (self->link != NULL)
    g_signal_handlers_disconnect_by_data (self->link, self);
  if (self->scene != NULL)
    g_signal_handlers_disconnect_by_data (self->scene, self);
  /* a drag still open would keep the window's history merging */
  if (self->scene != NULL && self->valve_drag != CUSP_VALVE_HANDLE_NONE)
    cusp_valve_scene_end_interaction (self->scene);
  self->valve_drag = CUSP_VALVE_HANDLE_NONE;
  g_clear_object (&self->scene);
  g_clear_object (&self->link);
  g_clear_pointer (&self->overlay, gtk_widget_unparent);
  G_OBJECT_CLASS (cusp_annulus_view_parent_class)->dispose (object);
}

static void
cusp_annulus_view_finalize (GObject *object)
{
  CuspAnnulusView *self = CUSP_ANNULUS_VIEW (object);

  g_array_unref (self->contour);
  g_array_unref (self->handles);
  g_array_unref (self->valve_scratch);
  g_clear_error (&self->error);
  cusp_gl_snapshot_cache_free (self->gl_copies);
  G_OBJECT_CLASS (cusp_annulus_view_parent_class)->finalize (object);
}

/* The annulus image read back from GL once, not each time the valve or a landmark over it moves. */
static void
cusp_annulus_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  cusp_gl_snapshot_children (widget, snapshot, CUSP_ANNULUS_VIEW (widget)->gl_copies);
}

static void
cusp_annulus_view_class_init (CuspAnnulusViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cusp_annulus_view_dispose;
  object_class->finalize = cusp_annulus_view_finalize;
  widget_class->snapshot = cusp_annulus_view_snapshot;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);

  /* (handle index) */
  signals[SIGNAL_DRAG_BEGIN] = g_signal_new ("handle-drag-begin", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 1, G_TYPE_INT);
  /* (handle index, const double lps_mm[3]): the handle's new position */
  signals[SIGNAL_HANDLE_MOVED] = g_signal_new ("handle-moved", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_POINTER);
  signals[SIGNAL_DRAG_END] = g_signal_new ("handle-drag-end", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_INT);
}

static GtkWidget *
add_label (CuspAnnulusView *self, GtkAlign halign, GtkAlign valign)
{
  GtkWidget *label = gtk_label_new (NULL);
  PangoAttrList *attributes = pango_attr_list_new ();

  /* Light text over the (dark) image, whatever the theme's label colour is. */
  pango_attr_list_insert (attributes, pango_attr_foreground_new (0xf0f0, 0xf0f0, 0xf0f0));
  /* A dark backing keeps it legible over bright contrast. */
  pango_attr_list_insert (attributes, pango_attr_background_new (0, 0, 0));
  pango_attr_list_insert (attributes, pango_attr_background_alpha_new (0xa000));
  gtk_label_set_attributes (GTK_LABEL (label), attributes);
  pango_attr_list_unref (attributes);
  gtk_widget_set_halign (label, halign);
  gtk_widget_set_valign (label, valign);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_widget_set_can_target (label, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), label);
  return label;
}

static void
cusp_annulus_view_init (CuspAnnulusView *self)
{
  GtkGesture *drag;
  GtkEventController *scroll, *motion, *keys;
  const char *help = _("Annulus plane (double oblique, through the three hinge points), seen from the aorta, anterior up.\n"
                       "Drag a handle to move that landmark: the plane, contour and measurements follow.\n"
                       "Filled handles lie in the plane; rings lie above or below it.\n"
                       "Valve (dashed: nominal size; solid: the deployed frame in this plane): drag the rim handle to rotate it, Escape cancels.\n"
                       "Scroll: zoom · Ctrl+Z / Ctrl+Shift+Z: undo / redo");

  self->zoom = 1.0;
  self->drag_handle = -1;
  self->valve_hover = CUSP_VALVE_HANDLE_NONE;
  self->valve_drag = CUSP_VALVE_HANDLE_NONE;
  self->valve_scratch = g_array_new (FALSE, FALSE, sizeof (double));
  self->contour = g_array_new (FALSE, FALSE, sizeof (double));
  self->handles = g_array_new (FALSE, FALSE, sizeof (CuspAnnulusHandle));

  self->gl_copies = cusp_gl_snapshot_cache_new ();
  self->overlay = gtk_overlay_new ();
  gtk_widget_set_parent (self->overlay, GTK_WIDGET (self));
  self->area = gtk_gl_area_new ();
  gtk_gl_area_set_required_version (GTK_GL_AREA (self->area), 3, 3);
  gtk_overlay_set_child (GTK_OVERLAY (self->overlay), self->area);
  g_signal_connect (self->area, "realize", G_CALLBACK (on_area_realize), self);
  g_signal_connect (self->area, "unrealize", G_CALLBACK (on_area_unrealize), self);
  g_signal_connect (self->area, "render", G_CALLBACK (on_area_render), self);

  self->marks = gtk_drawing_area_new ();
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->marks), draw_marks, self, NULL);
  gtk_widget_set_can_target (self->marks, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->marks);

  self->title_label = add_label (self, GTK_ALIGN_START, GTK_ALIGN_START);
  gtk_label_set_text (GTK_LABEL (self->title_label), _("Annulus plane"));
  gtk_widget_set_can_target (self->title_label, TRUE);
  gtk_widget_set_tooltip_text (self->title_label, help);
  self->message_label = add_label (self, GTK_ALIGN_CENTER, GTK_ALIGN_CENTER);
  gtk_label_set_wrap (GTK_LABEL (self->message_label), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->message_label), GTK_JUSTIFY_CENTER);
  update_message (self);

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Annulus plane"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, help,
                                  -1);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  /* Focusable for Escape during a valve drag (the drag takes the focus). */
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

CuspAnnulusView *
cusp_annulus_view_new (CuspViewLink *link)
{
  CuspAnnulusView *self;

  g_return_val_if_fail (CUSP_IS_VIEW_LINK (link), NULL);
  self = g_object_new (CUSP_TYPE_ANNULUS_VIEW, NULL);
  self->link = g_object_ref (link);
  g_signal_connect (link, "notify", G_CALLBACK (on_link_notify), self);
  self->scene = g_object_ref (cusp_view_link_get_valve_scene (link));
  g_signal_connect (self->scene, "changed", G_CALLBACK (on_scene_changed), self);
  return self;
}
