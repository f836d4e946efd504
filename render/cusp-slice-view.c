/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-slice-view.c: an MPR slice widget: GL drawing, overlay read-outs and pointer/keys. */
#include "cusp-slice-view.h"
#include "cusp-gl-snapshot.h"
#include "cusp-mpr-renderer.h"
#include "cusp-slice-ruler.h"
#include "cusp-valve-marks.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#define MIN_ZOOM 0.1
#define MAX_ZOOM 64.0
#define ZOOM_PER_SCROLL_STEP 1.1
#define SCALE_BAR_TARGET_FRACTION 0.2   /* of the view width */
#define OVERLAY_MARGIN_PX 8
/* Overlay text sits on a translucent dark band so it stays readable over white contrast. */
#define OVERLAY_SPAN "<span foreground='#ececec' background='#000000' bgalpha='45%%'"

typedef enum {
  DRAG_NONE,
  DRAG_CURSOR,
  DRAG_WINDOW,
  DRAG_PAN,
  DRAG_VALVE,
  DRAG_RULER,
} DragMode;

struct _CuspSliceView {
  GtkWidget parent_instance;

  CuspViewLink *link;
  CuspSliceOrientation orientation;
  double zoom;
  double pan_mm[2];

  GtkWidget *overlay;
  GtkWidget *area;
  CuspGlSnapshotCache *gl_copies;  /* the area's picture for GTK's cairo renderer */
  GtkWidget *valve_marks;  /* GtkDrawingArea over the image: the valve, its handles, the ruler */
  GtkWidget *letters[4];   /* indexed by CuspSliceEdge */
  GtkWidget *title_label;
  GtkWidget *window_label;
  GtkWidget *info_label;
  GtkWidget *error_label;

  CuspMprRenderer *renderer;
  CuspVolumeTexture *texture;
  CuspVolume *failed_volume;   /* its upload failed: not retried every frame */
  GError *error;

  DragMode drag_mode;
  double drag_start_x, drag_start_y;
  double drag_start_pan[2];
  double drag_start_center, drag_start_width;
  double pinch_start_zoom;
  double scroll_steps;         /* fractional smooth-scroll steps not yet turned into slices */
  gboolean pointer_inside;
  double pointer_x, pointer_y;

  /* The valve (the link's scene): the handle under the pointer, and for a handle drag the pose
   * and view as they were when it began (the view's frame is kept: the crosshair may move). */
  CuspValveScene *scene;
  GArray *valve_scratch;
  CuspValveHandle hover_handle;
  CuspValveHandle drag_handle;
  CuspValvePlacement drag_valve;
  CuspSliceFrame drag_frame;

  /* The distance caliper (Ctrl+Shift+drag), and the one it replaces while a drag may still be
   * cancelled with Escape. */
  CuspSliceRuler ruler;
  CuspSliceRuler ruler_before_drag;
};

G_DEFINE_FINAL_TYPE (CuspSliceView, cusp_slice_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LINK,
  PROP_ORIENTATION,
  PROP_ZOOM,
  PROP_RULER_LENGTH_MM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

double
cusp_slice_view_get_ruler_length_mm (CuspSliceView *self)
{
  g_return_val_if_fail (CUSP_IS_SLICE_VIEW (self), 0.0);
  return self->ruler.placed ? cusp_slice_ruler_length_mm (&self->ruler) : 0.0;
}

void
cusp_slice_view_get_frame (CuspSliceView  *self,
                           CuspSliceFrame *frame)
{
  CuspVolume *volume = NULL;
  double cursor[3] = { 0.0, 0.0, 0.0 };

  g_return_if_fail (CUSP_IS_SLICE_VIEW (self));

  if (self->link != NULL)
    {
      volume = cusp_view_link_get_volume (self->link);
      cusp_view_link_get_cursor (self->link, cursor);
    }
  cusp_slice_frame_init (frame, self->orientation, volume, cursor, self->zoom, self->pan_mm,
                         gtk_widget_get_width (GTK_WIDGET (self)),
                         gtk_widget_get_height (GTK_WIDGET (self)));
}

static CuspVolume *
current_volume (CuspSliceView *self)
{
  return self->link != NULL ? cusp_view_link_get_volume (self->link) : NULL;
}

static void
show_error (CuspSliceView *self, const GError *error)
{
  g_autofree char *text = NULL;

  g_clear_error (&self->error);
  if (error == NULL)
    {
      gtk_widget_set_visible (self->error_label, FALSE);
      return;
    }
  self->error = g_error_copy (error);
  /* Translators: shown in place of an image when the graphics driver fails. */
  text = g_strdup_printf (_("This view cannot draw: %s"), error->message);
  gtk_label_set_text (GTK_LABEL (self->error_label), text);
  gtk_widget_set_visible (self->error_label, TRUE);
}

/* ---- overlay read-outs ------------------------------------------------------------------- */

static void
update_letters (CuspSliceView *self)
{
  CuspVolume *volume = current_volume (self);
  gboolean known = volume == NULL || volume->orientation_known;

  for (CuspSliceEdge edge = CUSP_SLICE_EDGE_LEFT; edge <= CUSP_SLICE_EDGE_BOTTOM; edge++)
    {
      const char *letter = cusp_slice_orientation_edge_letter (self->orientation, edge);
      g_autofree char *markup = NULL;

      if (known)
        markup = g_markup_printf_escaped (OVERLAY_SPAN " weight='bold'>%s</span>", letter);
      else
        markup = g_markup_printf_escaped (OVERLAY_SPAN " weight='bold' alpha='55%%'>%s?</span>", letter);
      gtk_label_set_markup (GTK_LABEL (self->letters[edge]), markup);
      gtk_widget_set_tooltip_text (self->letters[edge], known ? NULL :
        _("Orientation unknown: the file records no patient orientation, so these directions are a guess"));
    }
}

static void
set_overlay_text (GtkWidget *label, const char *text)
{
  g_autofree char *markup = g_markup_printf_escaped (OVERLAY_SPAN " size='small'>%s</span>", text);
  gtk_label_set_markup (GTK_LABEL (label), markup);
}

static void
update_title (CuspSliceView *self)
{
  CuspVolume *volume = current_volume (self);
  CuspSliceFrame frame;
  g_autoptr(GString) text = g_string_new (cusp_slice_orientation_to_string (self->orientation));

  if (volume != NULL)
    {
      double cursor[3], along, toward[3], ijk[3];

      cusp_view_link_get_cursor (self->link, cursor);
      cusp_slice_frame_init (&frame, self->orientation, volume, cursor, 1.0, NULL, 1, 1);
      along = cursor[0] * frame.forward[0] + cursor[1] * frame.forward[1] + cursor[2] * frame.forward[2];
      for (int a = 0; a < 3; a++)
        toward[a] = along < 0.0 ? -frame.forward[a] : frame.forward[a];
      g_string_append_printf (text, "\n%s %.1f mm", cusp_lps_direction_letter (toward), fabs (along));

      /* Where the view's normal is an index axis, also say which slice of how many. */
      cusp_volume_lps_to_index (volume, cursor, ijk);
      for (int c = 0; c < 3; c++)
        {
          double d = 0.0;
          for (int r = 0; r < 3; r++)
            d += frame.forward[r] * volume->direction[r * 3 + c];
          if (fabs (d) > 0.9999)
            g_string_append_printf (text, " · %d/%d", (int) floor (ijk[c] + 0.5) + 1, volume->dims[c]);
        }
    }
  set_overlay_text (self->title_label, text->str);
}

static void
update_window_label (CuspSliceView *self)
{
  g_autofree char *text = NULL;

  if (current_volume (self) == NULL)
    {
      set_overlay_text (self->window_label, "");
      return;
    }
  /* Translators: window width and level (centre) of the grey-scale mapping. */
  text = g_strdup_printf (_("W %.0f L %.0f"), cusp_view_link_get_window_width (self->link),
                          cusp_view_link_get_window_center (self->link));
  set_overlay_text (self->window_label, text);
}

static void
update_info (CuspSliceView *self)
{
  CuspVolume *volume = current_volume (self);
  CuspSliceFrame frame;
  double lps[3], value;
  g_autofree char *value_text = NULL;
  g_autofree char *position = NULL;
  g_autofree char *text = NULL;

  if (volume == NULL || !self->pointer_inside)
    {
      set_overlay_text (self->info_label, "");
      return;
    }
  cusp_slice_view_get_frame (self, &frame);
  cusp_slice_frame_screen_to_lps (&frame, self->pointer_x, self->pointer_y, lps);
  position = cusp_format_lps (lps);
  if (cusp_view_nearest_value (volume, lps, &value))
    value_text = cusp_format_voxel_value (volume, value);
  text = g_strdup_printf ("%s\n%s", value_text ? value_text : "—", position);
  set_overlay_text (self->info_label, text);
}

/* ---- the valve ----------------------------------------------------------------------------- */

/* The valve's handles as this view shows them now; FALSE when it shows none. */
static gboolean
valve_handles (CuspSliceView *self, CuspValveHandles *handles)
{
  CuspValvePlacement valve;
  CuspSliceFrame frame;

  if (self->scene == NULL || current_volume (self) == NULL
      || !cusp_valve_placement_from_scene (self->scene, &valve))
    return FALSE;
  cusp_slice_view_get_frame (self, &frame);
  return cusp_valve_handles_layout (&frame, &valve, handles);
}

static void
draw_valve (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        data)
{
  CuspSliceView *self = data;
  CuspValveHandles handles;
  CuspSliceFrame frame;
  gboolean shown;

  if (current_volume (self) == NULL)
    return;
  shown = self->scene != NULL && valve_handles (self, &handles);
  cusp_slice_view_get_frame (self, &frame);
  cusp_valve_marks_draw (cr, &frame, self->scene, shown ? &handles : NULL,
                         self->drag_handle != CUSP_VALVE_HANDLE_NONE ? self->drag_handle : self->hover_handle,
                         self->valve_scratch);
  /* on this slice: within half a voxel step of the plane it was drawn on */
  cusp_slice_ruler_draw (cr, &self->ruler, &frame,
                         0.5 * cusp_slice_frame_slice_step_mm (&frame, current_volume (self)) + 1e-3);
}

/* Hover highlight and cursor: a hand over a handle, the crosshair elsewhere. */
static void
update_hover (CuspSliceView *self)
{
  CuspValveHandle hover = CUSP_VALVE_HANDLE_NONE;
  CuspValveHandles handles;

  if (self->drag_handle != CUSP_VALVE_HANDLE_NONE)
    hover = self->drag_handle;
  else if (self->pointer_inside && self->drag_mode == DRAG_NONE && valve_handles (self, &handles))
    hover = cusp_valve_handles_pick (&handles, self->pointer_x, self->pointer_y, CUSP_VALVE_HANDLE_PICK_PX);
  gtk_widget_set_cursor_from_name (self->area, self->drag_handle != CUSP_VALVE_HANDLE_NONE ? "grabbing"
                                               : hover != CUSP_VALVE_HANDLE_NONE ? "grab" : "crosshair");
  if (hover == self->hover_handle)
    return;
  self->hover_handle = hover;
  gtk_widget_queue_draw (self->valve_marks);
}

static void
on_scene_changed (CuspValveScene *scene,
                  CuspSliceView  *self)
{
  gtk_widget_queue_draw (self->valve_marks);
  update_hover (self);
}

static void
view_changed (CuspSliceView *self)
{
  update_title (self);
  update_info (self);
  gtk_gl_area_queue_render (GTK_GL_AREA (self->area));
  gtk_widget_queue_draw (self->valve_marks);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_link_notify (CuspViewLink  *link,
                GParamSpec    *pspec,
                CuspSliceView *self)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "hover-valid") || g_str_equal (name, "hover-text"))
    return;   /* the app's status line; this view shows its own pointer */
  if (g_str_equal (name, "volume"))
    {
      g_clear_pointer (&self->failed_volume, cusp_volume_unref);
      /* Let go of the old study's texture now, not at this view's next draw (which a hidden
       * view may never do): the last view to let go frees its GPU memory. */
      if (self->texture != NULL && self->renderer != NULL)
        {
          gtk_gl_area_make_current (GTK_GL_AREA (self->area));
          g_clear_pointer (&self->texture, cusp_volume_texture_unref);
        }
      update_letters (self);
    }
  update_window_label (self);
  view_changed (self);
}

/* ---- GL ------------------------------------------------------------------------------------ */

static void
on_area_realize (GtkGLArea     *area,
                 CuspSliceView *self)
{
  g_autoptr(GError) error = NULL;
  GdkGLContext *context;
  int major = 0, minor = 0;

  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area) != NULL)
    {
      show_error (self, gtk_gl_area_get_error (area));
      return;
    }
  context = gtk_gl_area_get_context (area);
  gdk_gl_context_get_version (context, &major, &minor);
  if (gdk_gl_context_get_use_es (context) || major * 10 + minor < 33)
    {
      g_set_error (&error, GDK_GL_ERROR, GDK_GL_ERROR_NOT_AVAILABLE,
                   _("desktop OpenGL 3.3 is needed, this system offers %s %d.%d"),
                   gdk_gl_context_get_use_es (context) ? "OpenGL ES" : "OpenGL", major, minor);
      gtk_gl_area_set_error (area, error);
      show_error (self, error);
      return;
    }
  self->renderer = cusp_mpr_renderer_new (&error);
  if (self->renderer == NULL)
    {
      gtk_gl_area_set_error (area, error);
      show_error (self, error);
    }
}

static void
on_area_unrealize (GtkGLArea     *area,
                   CuspSliceView *self)
{
  /* GL objects die with this context current, before GtkGLArea drops it (GTK's GL demos).
   * With a context error nothing was created: the texture and renderer exist only after a
   * successful realize. */
  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area) != NULL)
    return;
  g_clear_pointer (&self->texture, cusp_volume_texture_unref);
  g_clear_pointer (&self->renderer, cusp_mpr_renderer_free);
}

static void
sync_texture (CuspSliceView *self, CuspVolume *volume)
{
  g_autoptr(GError) error = NULL;

  if (self->texture != NULL && self->texture->volume != volume)
    g_clear_pointer (&self->texture, cusp_volume_texture_unref);
  if (volume == NULL || self->texture != NULL || volume == self->failed_volume)
    return;
  self->texture = cusp_volume_texture_acquire_shared (G_OBJECT (self->link), volume, &error);
  if (self->texture == NULL)
    {
      g_clear_pointer (&self->failed_volume, cusp_volume_unref);
      self->failed_volume = cusp_volume_ref (volume);
      show_error (self, error);
    }
  else
    show_error (self, NULL);
}

static gboolean
on_area_render (GtkGLArea     *area,
                GdkGLContext  *context,
                CuspSliceView *self)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (area));
  CuspSliceFrame frame;
  CuspMprStyle style;

  if (self->renderer == NULL)
    {
      glClearColor (0.0f, 0.0f, 0.0f, 1.0f);
      glClear (GL_COLOR_BUFFER_BIT);
      return TRUE;
    }
  sync_texture (self, current_volume (self));

  cusp_slice_view_get_frame (self, &frame);
  cusp_mpr_style_init (&style, self->orientation);
  if (self->link != NULL)
    {
      style.window_center = cusp_view_link_get_window_center (self->link);
      style.window_width = cusp_view_link_get_window_width (self->link);
      cusp_view_link_get_cursor (self->link, style.cursor_mm);
    }
  style.show_crosshair = self->texture != NULL;
  /* The frame is the view's logical size; GtkGLArea's framebuffer is that times the scale. */
  cusp_mpr_renderer_draw (self->renderer, self->texture, &frame, &style,
                          frame.width_px * scale, frame.height_px * scale);
  return TRUE;
}

/* ---- input --------------------------------------------------------------------------------- */

static void
pointer_to_lps (CuspSliceView *self, double x, double y, double lps[3])
{
  CuspSliceFrame frame;

  cusp_slice_view_get_frame (self, &frame);
  cusp_slice_frame_screen_to_lps (&frame, x, y, lps);
}

static void
set_cursor_at (CuspSliceView *self, double x, double y)
{
  double lps[3];

  if (current_volume (self) == NULL)
    return;
  pointer_to_lps (self, x, y, lps);
  cusp_view_link_set_cursor (self->link, lps);
}

/* Changes the zoom keeping the patient point under (x, y) where it is. */
static void
zoom_about (CuspSliceView *self, double zoom, double x, double y)
{
  CuspSliceFrame frame;
  double lps[3], new_x, new_y;

  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  if (!isfinite (zoom) || zoom == self->zoom)
    return;
  pointer_to_lps (self, x, y, lps);
  self->zoom = zoom;
  cusp_slice_view_get_frame (self, &frame);
  cusp_slice_frame_lps_to_screen (&frame, lps, &new_x, &new_y);
  self->pan_mm[0] += (x - new_x) * frame.mm_per_px;
  self->pan_mm[1] += (new_y - y) * frame.mm_per_px;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  view_changed (self);
}

/* A press on a valve handle starts a valve drag, which never moves the crosshair. */
static gboolean
begin_valve_drag (CuspSliceView *self, double x, double y)
{
  CuspValveHandles handles;
  CuspValveHandle picked;

  if (!valve_handles (self, &handles))
    return FALSE;
  picked = cusp_valve_handles_pick (&handles, x, y, CUSP_VALVE_HANDLE_PICK_PX);
  if (picked == CUSP_VALVE_HANDLE_NONE || !cusp_valve_placement_from_scene (self->scene, &self->drag_valve))
    return FALSE;
  cusp_slice_view_get_frame (self, &self->drag_frame);
  self->drag_handle = picked;
  self->hover_handle = CUSP_VALVE_HANDLE_NONE;
  /* one drag, one entry in the window's history, however slow */
  cusp_valve_scene_begin_interaction (self->scene);
  update_hover (self);
  return TRUE;
}

/* Ends a valve drag; `cancel` asks for the pose it began with (Escape). */
static void
end_valve_drag (CuspSliceView *self, gboolean cancel)
{
  if (self->drag_handle == CUSP_VALVE_HANDLE_NONE)
    return;
  if (cancel && self->scene != NULL)
    cusp_valve_scene_request_pose (self->scene, &self->drag_valve.pose);
  if (self->scene != NULL)
    cusp_valve_scene_end_interaction (self->scene);
  self->drag_handle = CUSP_VALVE_HANDLE_NONE;
  self->drag_mode = DRAG_NONE;
  update_hover (self);
  gtk_widget_queue_draw (self->valve_marks);
}

static void
ruler_changed (CuspSliceView *self)
{
  gtk_widget_queue_draw (self->valve_marks);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RULER_LENGTH_MM]);
}

/* The ruler's end follows the pointer in the plane of the slice the drag began on. */
static void
ruler_drag_to (CuspSliceView *self, double x, double y)
{
  cusp_slice_frame_screen_to_lps (&self->drag_frame, x, y, self->ruler.end_lps);
  ruler_changed (self);
}

static void
end_ruler_drag (CuspSliceView *self, gboolean cancel)
{
  double ax, ay, bx, by;

  cusp_slice_frame_lps_to_screen (&self->drag_frame, self->ruler.start_lps, &ax, &ay);
  cusp_slice_frame_lps_to_screen (&self->drag_frame, self->ruler.end_lps, &bx, &by);
  /* a click is not a measurement: the ruler there before stays */
  if (cancel || hypot (bx - ax, by - ay) < CUSP_SLICE_RULER_MIN_PX)
    self->ruler = self->ruler_before_drag;
  self->drag_mode = DRAG_NONE;
  ruler_changed (self);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               CuspSliceView  *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_start_x = x;
  self->drag_start_y = y;
  self->drag_start_pan[0] = self->pan_mm[0];
  self->drag_start_pan[1] = self->pan_mm[1];
  if (self->link != NULL)
    {
      self->drag_start_center = cusp_view_link_get_window_center (self->link);
      self->drag_start_width = cusp_view_link_get_window_width (self->link);
    }

  if (button == GDK_BUTTON_PRIMARY && !(state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK))
      && begin_valve_drag (self, x, y))
    self->drag_mode = DRAG_VALVE;
  else if (button == GDK_BUTTON_PRIMARY && (state & GDK_CONTROL_MASK) && (state & GDK_SHIFT_MASK)
           && current_volume (self) != NULL)
    {
      self->drag_mode = DRAG_RULER;
      self->ruler_before_drag = self->ruler;
      cusp_slice_view_get_frame (self, &self->drag_frame);
      cusp_slice_frame_screen_to_lps (&self->drag_frame, x, y, self->ruler.start_lps);
      self->ruler.placed = TRUE;
      ruler_drag_to (self, x, y);
    }
  else if (button == GDK_BUTTON_MIDDLE || (button == GDK_BUTTON_PRIMARY && (state & GDK_CONTROL_MASK)))
    self->drag_mode = DRAG_PAN;
  else if (button == GDK_BUTTON_SECONDARY || (button == GDK_BUTTON_PRIMARY && (state & GDK_SHIFT_MASK)))
    self->drag_mode = DRAG_WINDOW;
  else if (button == GDK_BUTTON_PRIMARY)
    {
      self->drag_mode = DRAG_CURSOR;
      set_cursor_at (self, x, y);
    }
  else
    {
      self->drag_mode = DRAG_NONE;
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                CuspSliceView  *self)
{
  CuspSliceFrame frame;
  double step;

  switch (self->drag_mode)
    {
    case DRAG_CURSOR:
      set_cursor_at (self, self->drag_start_x + dx, self->drag_start_y + dy);
      break;
    case DRAG_VALVE:
      {
        CuspSimPose pose;

        if (cusp_valve_handles_drag (self->drag_handle, &self->drag_frame, &self->drag_valve,
                                     self->drag_start_x, self->drag_start_y,
                                     self->drag_start_x + dx, self->drag_start_y + dy, &pose))
          cusp_valve_handles_request (self->scene, &pose);
      }
      break;
    case DRAG_RULER:
      ruler_drag_to (self, self->drag_start_x + dx, self->drag_start_y + dy);
      break;
    case DRAG_PAN:
      cusp_slice_view_get_frame (self, &frame);
      self->pan_mm[0] = self->drag_start_pan[0] + dx * frame.mm_per_px;
      self->pan_mm[1] = self->drag_start_pan[1] - dy * frame.mm_per_px;
      view_changed (self);
      break;
    case DRAG_WINDOW:
      if (self->link == NULL)
        break;
      /* Proportional steps, so a 256-pixel sweep doubles or empties the window whatever its
       * size: fine control over a 80 HU brain window and a 2000 HU bone window alike. */
      step = MAX (self->drag_start_width, 10.0) / 256.0;
      cusp_view_link_set_window (self->link, self->drag_start_center + dy * step,
                                 self->drag_start_width + dx * step);
      break;
    case DRAG_NONE:
    default:
      break;
    }
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             CuspSliceView  *self)
{
  /* The release's offset too, in case its last motion was folded into it. */
  if (self->drag_mode == DRAG_VALVE || self->drag_mode == DRAG_RULER)
    on_drag_update (gesture, dx, dy, self);
  if (self->drag_mode == DRAG_RULER)
    end_ruler_drag (self, FALSE);
  end_valve_drag (self, FALSE);
  self->drag_mode = DRAG_NONE;
}

static void
on_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  CuspSliceView   *self)
{
  if (n_press == 2 && self->hover_handle == CUSP_VALVE_HANDLE_NONE)
    cusp_slice_view_reset (self);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           CuspSliceView            *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  int steps;

  if (state & GDK_CONTROL_MASK)
    {
      double x = self->pointer_inside ? self->pointer_x : 0.5 * gtk_widget_get_width (GTK_WIDGET (self));
      double y = self->pointer_inside ? self->pointer_y : 0.5 * gtk_widget_get_height (GTK_WIDGET (self));
      zoom_about (self, self->zoom * pow (ZOOM_PER_SCROLL_STEP, -dy), x, y);
      return TRUE;
    }
  /* Touchpads send fractions of a step: keep the remainder so slow swipes still move. */
  self->scroll_steps -= dy;
  steps = (int) trunc (self->scroll_steps);
  self->scroll_steps -= steps;
  if (steps != 0)
    cusp_slice_view_move_slices (self, steps);
  return TRUE;
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                CuspSliceView    *self)
{
  self->pinch_start_zoom = self->zoom;
}

static void
on_pinch_scale_changed (GtkGestureZoom *gesture,
                        double          scale,
                        CuspSliceView  *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    {
      x = 0.5 * gtk_widget_get_width (GTK_WIDGET (self));
      y = 0.5 * gtk_widget_get_height (GTK_WIDGET (self));
    }
  zoom_about (self, self->pinch_start_zoom * scale, x, y);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           CuspSliceView            *self)
{
  double lps[3];

  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  update_info (self);
  update_hover (self);
  if (current_volume (self) != NULL)
    {
      pointer_to_lps (self, x, y, lps);
      cusp_view_link_set_hover (self->link, lps);
    }
}

static void
on_leave (GtkEventControllerMotion *controller,
          CuspSliceView            *self)
{
  self->pointer_inside = FALSE;
  update_info (self);
  update_hover (self);
  if (self->link != NULL)
    cusp_view_link_set_hover (self->link, NULL);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CuspSliceView         *self)
{
  switch (keyval)
    {
    case GDK_KEY_Escape:
      if (self->drag_mode == DRAG_RULER)
        {
          end_ruler_drag (self, TRUE);
          return TRUE;
        }
      if (self->drag_handle == CUSP_VALVE_HANDLE_NONE)
        return FALSE;
      end_valve_drag (self, TRUE);
      return TRUE;
    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
    case GDK_KEY_BackSpace:
      if (!self->ruler.placed || self->drag_mode == DRAG_RULER)
        return FALSE;
      self->ruler.placed = FALSE;
      ruler_changed (self);
      return TRUE;
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      cusp_slice_view_move_slices (self, 1);
      return TRUE;
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      cusp_slice_view_move_slices (self, -1);
      return TRUE;
    default:
      return FALSE;
    }
}

/* ---- GtkWidget ----------------------------------------------------------------------------- */

/* The scale bar is drawn here rather than as a label because its length and text follow the
 * view's size and zoom, which are only final at snapshot time. */
static void
cusp_slice_view_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  CuspSliceView *self = CUSP_SLICE_VIEW (widget);
  const GdkRGBA shadow = { 0.0f, 0.0f, 0.0f, 0.6f };
  const GdkRGBA ink = { 0.91f, 0.91f, 0.91f, 1.0f };
  g_autoptr(PangoLayout) layout = NULL;
  g_autofree char *text = NULL;
  PangoAttrList *attributes;
  CuspSliceFrame frame;
  int text_width, text_height;
  float right, top, length;
  double bar_mm;

  /* the slice image read back from GL once, not each time the valve over it moves */
  cusp_gl_snapshot_children (widget, snapshot, self->gl_copies);

  if (current_volume (self) == NULL)
    return;
  cusp_slice_view_get_frame (self, &frame);
  bar_mm = cusp_slice_frame_scale_bar_mm (&frame, SCALE_BAR_TARGET_FRACTION * frame.width_px);
  if (bar_mm <= 0.0)
    return;
  length = (float) (bar_mm / frame.mm_per_px);

  text = g_strdup_printf ("%g mm", bar_mm);
  layout = gtk_widget_create_pango_layout (widget, text);
  attributes = pango_attr_list_new ();
  pango_attr_list_insert (attributes, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_layout_set_attributes (layout, attributes);
  pango_attr_list_unref (attributes);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);

  right = (float) (frame.width_px - OVERLAY_MARGIN_PX);
  top = (float) (frame.height_px - OVERLAY_MARGIN_PX - text_height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (right - text_width, top));
  gtk_snapshot_append_layout (snapshot, layout, &ink);
  gtk_snapshot_restore (snapshot);

  top -= 6.0f;
  gtk_snapshot_append_color (snapshot, &shadow,
                             &GRAPHENE_RECT_INIT (right - length - 1.0f, top - 1.0f, length + 2.0f, 5.0f));
  gtk_snapshot_append_color (snapshot, &ink, &GRAPHENE_RECT_INIT (right - length, top, length, 3.0f));
}

static GtkWidget *
add_overlay_label (CuspSliceView *self, GtkAlign halign, GtkAlign valign)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_halign (label, halign);
  gtk_widget_set_valign (label, valign);
  gtk_widget_set_margin_start (label, OVERLAY_MARGIN_PX);
  gtk_widget_set_margin_end (label, OVERLAY_MARGIN_PX);
  gtk_widget_set_margin_top (label, OVERLAY_MARGIN_PX);
  gtk_widget_set_margin_bottom (label, OVERLAY_MARGIN_PX);
  gtk_widget_set_can_target (label, FALSE);   /* the pointer goes through to the image */
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), label);
  return label;
}

static void
cusp_slice_view_set_link (CuspSliceView *self, CuspViewLink *link)
{
  if (self->link == link)
    return;
  if (self->link != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->link, self);
      /* The old link's shared texture is not for the new one; let it go with a current context. */
      if (self->texture != NULL && gtk_widget_get_realized (self->area))
        {
          gtk_gl_area_make_current (GTK_GL_AREA (self->area));
          g_clear_pointer (&self->texture, cusp_volume_texture_unref);
        }
    }
  g_set_object (&self->link, link);
  if (link != NULL)
    g_signal_connect (link, "notify", G_CALLBACK (on_link_notify), self);
  end_valve_drag (self, FALSE);
  if (self->scene != NULL)
    g_signal_handlers_disconnect_by_data (self->scene, self);
  g_clear_object (&self->scene);
  if (link != NULL)
    self->scene = g_object_ref (cusp_view_link_get_valve_scene (link));
  if (self->scene != NULL)
    g_signal_connect (self->scene, "changed", G_CALLBACK (on_scene_changed), self);
  update_letters (self);
  update_window_label (self);
  view_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINK]);
}

static void
cusp_slice_view_constructed (GObject *object)
{
  CuspSliceView *self = CUSP_SLICE_VIEW (object);
  g_autofree char *help = NULL;

  G_OBJECT_CLASS (cusp_slice_view_parent_class)->constructed (object);

  update_letters (self);
  update_title (self);
  /* Translators: the tooltip of a slice view's title; keep the key and button names short. */
  help = g_strdup_printf (_("%s view (radiological convention)\n"
                            "Click or drag: move the crosshair\n"
                            "Right-drag or Shift+drag: window/level (left/right: narrower/wider window, up/down: brighter/darker)\n"
                            "Middle-drag or Ctrl+drag: pan\n"
                            "Scroll, Page Up/Down, arrow keys: change slice\n"
                            "Ctrl+scroll or pinch: zoom\n"
                            "Double-click: reset zoom and pan\n"
                            "Ctrl+Shift+drag: measure a distance on this slice (Delete removes it)\n"
                            "Valve (dashed: nominal size at the pose; solid: the deployed frame cut by this slice):\n"
                            "drag the middle handle along the axis to change the depth, the outflow handle sideways to tilt, "
                            "the rim handle (looking down the valve) to rotate; Escape cancels a drag"),
                          cusp_slice_orientation_to_string (self->orientation));
  gtk_widget_set_tooltip_text (self->title_label, help);
  gtk_widget_set_can_target (self->title_label, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, cusp_slice_orientation_to_string (self->orientation),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, help,
                                  -1);
}

static void
cusp_slice_view_dispose (GObject *object)
{
  CuspSliceView *self = CUSP_SLICE_VIEW (object);

  if (self->link != NULL)
    g_signal_handlers_disconnect_by_data (self->link, self);
  end_valve_drag (self, FALSE);
  if (self->scene != NULL)
    g_signal_handlers_disconnect_by_data (self->scene, self);
  g_clear_object (&self->scene);
  g_clear_pointer (&self->overlay, gtk_widget_unparent);
  g_clear_object (&self->link);
  G_OBJECT_CLASS (cusp_slice_view_parent_class)->dispose (object);
}

static void
cusp_slice_view_finalize (GObject *object)
{
  CuspSliceView *self = CUSP_SLICE_VIEW (object);

  g_clear_pointer (&self->failed_volume, cusp_volume_unref);
  g_clear_error (&self->error);
  g_array_unref (self->valve_scratch);
  cusp_gl_snapshot_cache_free (self->gl_copies);
  G_OBJECT_CLASS (cusp_slice_view_parent_class)->finalize (object);
}

static void
cusp_slice_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CuspSliceView *self = CUSP_SLICE_VIEW (object);

  switch (prop_id)
    {
    case PROP_LINK: g_value_set_object (value, self->link); break;
    case PROP_ORIENTATION: g_value_set_enum (value, self->orientation); break;
    case PROP_ZOOM: g_value_set_double (value, self->zoom); break;
    case PROP_RULER_LENGTH_MM: g_value_set_double (value, cusp_slice_view_get_ruler_length_mm (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cusp_slice_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CuspSliceView *self = CUSP_SLICE_VIEW (object);

  switch (prop_id)
    {
    case PROP_LINK: cusp_slice_view_set_link (self, g_value_get_object (value)); break;
    case PROP_ORIENTATION: self->orientation = g_value_get_enum (value); break;
    case PROP_ZOOM: cusp_slice_view_set_zoom (self, g_value_get_double (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cusp_slice_view_class_init (CuspSliceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cusp_slice_view_constructed;
  object_class->dispose = cusp_slice_view_dispose;
  object_class->finalize = cusp_slice_view_finalize;
  object_class->get_property = cusp_slice_view_get_property;
  object_class->set_property = cusp_slice_view_set_property;
  widget_class->snapshot = cusp_slice_view_snapshot;

  properties[PROP_LINK] =
    g_param_spec_object ("link", NULL, NULL, CUSP_TYPE_VIEW_LINK,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ORIENTATION] =
    g_param_spec_enum ("orientation", NULL, NULL, CUSP_TYPE_SLICE_ORIENTATION, CUSP_SLICE_AXIAL,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, MIN_ZOOM, MAX_ZOOM, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* 0 while there is no ruler */
  properties[PROP_RULER_LENGTH_MM] =
    g_param_spec_double ("ruler-length-mm", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "cusp-slice-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
cusp_slice_view_init (CuspSliceView *self)
{
  GtkEventController *controller;
  GtkGesture *gesture, *drag;

  self->zoom = 1.0;
  self->hover_handle = CUSP_VALVE_HANDLE_NONE;
  self->drag_handle = CUSP_VALVE_HANDLE_NONE;
  self->valve_scratch = g_array_new (FALSE, FALSE, sizeof (double));

  self->gl_copies = cusp_gl_snapshot_cache_new ();
  self->overlay = gtk_overlay_new ();
  gtk_widget_set_parent (self->overlay, GTK_WIDGET (self));
  self->area = gtk_gl_area_new ();
  gtk_gl_area_set_required_version (GTK_GL_AREA (self->area), 3, 3);
  gtk_widget_set_cursor_from_name (self->area, "crosshair");
  gtk_overlay_set_child (GTK_OVERLAY (self->overlay), self->area);
  g_signal_connect (self->area, "realize", G_CALLBACK (on_area_realize), self);
  g_signal_connect (self->area, "unrealize", G_CALLBACK (on_area_unrealize), self);
  g_signal_connect (self->area, "render", G_CALLBACK (on_area_render), self);

  /* Under the text overlays, so the read-outs stay legible over the valve. */
  self->valve_marks = gtk_drawing_area_new ();
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->valve_marks), draw_valve, self, NULL);
  gtk_widget_set_can_target (self->valve_marks, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->valve_marks);

  self->letters[CUSP_SLICE_EDGE_LEFT] = add_overlay_label (self, GTK_ALIGN_START, GTK_ALIGN_CENTER);
  self->letters[CUSP_SLICE_EDGE_RIGHT] = add_overlay_label (self, GTK_ALIGN_END, GTK_ALIGN_CENTER);
  self->letters[CUSP_SLICE_EDGE_TOP] = add_overlay_label (self, GTK_ALIGN_CENTER, GTK_ALIGN_START);
  self->letters[CUSP_SLICE_EDGE_BOTTOM] = add_overlay_label (self, GTK_ALIGN_CENTER, GTK_ALIGN_END);
  for (int edge = 0; edge < 4; edge++)
    gtk_widget_set_can_target (self->letters[edge], TRUE);   /* for the "orientation unknown" tooltip */
  self->title_label = add_overlay_label (self, GTK_ALIGN_START, GTK_ALIGN_START);
  self->window_label = add_overlay_label (self, GTK_ALIGN_END, GTK_ALIGN_START);
  self->info_label = add_overlay_label (self, GTK_ALIGN_START, GTK_ALIGN_END);
  self->error_label = add_overlay_label (self, GTK_ALIGN_CENTER, GTK_ALIGN_CENTER);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->error_label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_visible (self->error_label, FALSE);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  /* Counts presses for the double click; it sees them even though the drag claims them,
   * because it emits "pressed" on the press itself (tests/render/test-slice-view-input.c). */
  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (on_pinch_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/* ---- public -------------------------------------------------------------------------------- */

CuspSliceView *
cusp_slice_view_new (CuspViewLink         *link,
                     CuspSliceOrientation  orientation)
{
  g_return_val_if_fail (link == NULL || CUSP_IS_VIEW_LINK (link), NULL);
  return g_object_new (CUSP_TYPE_SLICE_VIEW, "orientation", orientation, "link", link, NULL);
}

CuspViewLink *
cusp_slice_view_get_link (CuspSliceView *self)
{
  g_return_val_if_fail (CUSP_IS_SLICE_VIEW (self), NULL);
  return self->link;
}

CuspSliceOrientation
cusp_slice_view_get_orientation (CuspSliceView *self)
{
  g_return_val_if_fail (CUSP_IS_SLICE_VIEW (self), CUSP_SLICE_AXIAL);
  return self->orientation;
}

void
cusp_slice_view_set_zoom (CuspSliceView *self,
                          double         zoom)
{
  g_return_if_fail (CUSP_IS_SLICE_VIEW (self));
  zoom_about (self, zoom, 0.5 * gtk_widget_get_width (GTK_WIDGET (self)),
              0.5 * gtk_widget_get_height (GTK_WIDGET (self)));
}

double
cusp_slice_view_get_zoom (CuspSliceView *self)
{
  g_return_val_if_fail (CUSP_IS_SLICE_VIEW (self), 1.0);
  return self->zoom;
}

void
cusp_slice_view_reset (CuspSliceView *self)
{
  g_return_if_fail (CUSP_IS_SLICE_VIEW (self));

  self->pan_mm[0] = self->pan_mm[1] = 0.0;
  if (self->zoom != 1.0)
    {
      self->zoom = 1.0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
    }
  view_changed (self);
}

void
cusp_slice_view_move_slices (CuspSliceView *self,
                             int            count)
{
  CuspVolume *volume;
  CuspSliceFrame frame;
  double cursor[3], step;

  g_return_if_fail (CUSP_IS_SLICE_VIEW (self));

  volume = current_volume (self);
  if (volume == NULL || count == 0)
    return;
  cusp_slice_view_get_frame (self, &frame);
  step = cusp_slice_frame_slice_step_mm (&frame, volume);
  cusp_view_link_get_cursor (self->link, cursor);
  for (int a = 0; a < 3; a++)
    cursor[a] += count * step * frame.forward[a];
  cusp_view_link_set_cursor (self->link, cursor);
}

const GError *
cusp_slice_view_get_error (CuspSliceView *self)
{
  g_return_val_if_fail (CUSP_IS_SLICE_VIEW (self), NULL);
  return self->error;
}
