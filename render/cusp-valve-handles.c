/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-handles.c: valve handle layout, picking and the drag -> pose mapping (see the
 * header for the mapping of each handle). */
#include "cusp-valve-handles.h"
#include "cusp-vec3.h"

#include <math.h>

#define IN_PLANE_MAX_COS 0.5      /* |axis . normal| <= cos 60°: the axis within 30° of the plane */
#define DOWN_AXIS_MIN_COS 0.5     /* |axis . normal| >= cos 60°: looking down the axis within 60° */
#define TILT_MOTION_MIN 0.5       /* the tilt knob's path at least half as long on screen as in space */
/* |axis . normal| <= cos 45°: the valve drawn at least 0.7 of its length, so the tilt knob at
 * its outflow end stands apart from the pivot (the demo's root, 40° off the body axis, lies 32°
 * out of the sagittal plane: the tilt knob shows there, and the rotation knob too) */
#define TILT_AXIS_MAX_COS 0.7071
#define TILT_RANGE_DEG 90.0       /* a tilt drag looks this far either side of the start */
/* Below this the view sees a handle's motion (nearly) edge-on: a pixel would be many mm, so the
 * drag asks for nothing. */
#define SIGHT_MIN_COS 0.1
/* The depth drag needs the drawn axis at least this long per mm (17° off the line of sight). */
#define AXIS_MIN_IN_PLANE 0.3

/* A root-frame direction as an LPS vector. */
static void
root_direction (const CuspSceneFrame *root, const double d[3], double out[3])
{
  for (int i = 0; i < 3; i++)
    out[i] = d[0] * root->axis_x[i] + d[1] * root->axis_y[i] + d[2] * root->axis_z[i];
}

/* The valve's local x and y (the spin's zero and quarter turn) in LPS: Rx(tilt) applied to the
 * root's x and y, before the spin. */
static void
valve_cross_axes (const CuspValvePlacement *valve, double u[3], double v[3])
{
  double t = valve->pose.tilt_deg * G_PI / 180.0;
  const double x_root[3] = { 1.0, 0.0, 0.0 };
  double y_root[3] = { 0.0, cos (t), sin (t) };

  root_direction (&valve->root, x_root, u);
  root_direction (&valve->root, y_root, v);
}

static void
project (const CuspSliceFrame *frame, const double p[3], double *x, double *y)
{
  cusp_slice_frame_lps_to_screen (frame, p, x, y);
}

static double
wrap_deg (double angle)
{
  angle = fmod (angle, 360.0);
  if (angle > 180.0)
    angle -= 360.0;
  else if (angle <= -180.0)
    angle += 360.0;
  return angle;
}

/* Whether the view's plane comes within `radius` of the axis between inflow and outflow: the
 * slice goes through the valve (or grazes it). */
static gboolean
slice_cuts_valve (const CuspSliceFrame *frame, const double inflow[3], const double outflow[3],
                  double radius)
{
  double d0[3], d1[3], s0, s1;

  for (int i = 0; i < 3; i++)
    {
      d0[i] = inflow[i] - frame->centre_mm[i];
      d1[i] = outflow[i] - frame->centre_mm[i];
    }
  s0 = cusp_vec3_dot (d0, frame->forward);
  s1 = cusp_vec3_dot (d1, frame->forward);
  return MIN (s0, s1) <= radius && MAX (s0, s1) >= -radius;
}

gboolean
cusp_valve_placement_from_scene (CuspValveScene *scene, CuspValvePlacement *placement)
{
  CuspValvePlacement p;

  g_return_val_if_fail (CUSP_IS_VALVE_SCENE (scene) && placement != NULL, FALSE);

  if (!cusp_valve_scene_get_root (scene, &p.root)
      || !cusp_valve_scene_get_valve (scene, &p.pose, &p.diameter_mm, &p.height_mm))
    return FALSE;
  *placement = p;
  return TRUE;
}

gboolean
cusp_valve_handles_layout (const CuspSliceFrame     *frame,
                           const CuspValvePlacement *valve,
                           CuspValveHandles         *handles)
{
  double inflow[3], axis[3], mid[3], outflow[3], d[3];
  double radius, along, cos_axis;
  gboolean any = FALSE;

  g_return_val_if_fail (frame != NULL && valve != NULL && handles != NULL, FALSE);

  for (int h = 0; h < CUSP_VALVE_N_HANDLES; h++)
    handles->shown[h] = FALSE;
  radius = 0.5 * valve->diameter_mm;
  if (!(radius > 0.0) || !(valve->height_mm > 0.0) || !isfinite (radius) || !isfinite (valve->height_mm))
    return FALSE;
  cusp_scene_frame_valve_axis (&valve->root, &valve->pose, inflow, axis);
  for (int i = 0; i < 3; i++)
    {
      mid[i] = inflow[i] + 0.5 * valve->height_mm * axis[i];
      outflow[i] = inflow[i] + valve->height_mm * axis[i];
      d[i] = mid[i] - frame->centre_mm[i];
    }
  cos_axis = fabs (cusp_vec3_dot (axis, frame->forward));

  /* Along the axis: only where the slice goes through the valve, so the handles sit on what is
   * drawn of it rather than over unrelated anatomy of a distant slice. */
  if (cos_axis <= IN_PLANE_MAX_COS && fabs (cusp_vec3_dot (d, frame->forward)) <= radius)
    {
      project (frame, mid, &handles->x_px[CUSP_VALVE_HANDLE_DEPTH], &handles->y_px[CUSP_VALVE_HANDLE_DEPTH]);
      handles->shown[CUSP_VALVE_HANDLE_DEPTH] = TRUE;
      any = TRUE;
    }

  /* The tilt knob wherever its swing shows and the slice cuts the valve somewhere along its
   * length: it sits on the drawn outline's outflow end, which is a projection like the outline.
   * Tying it to the depth handle's stricter test hid it on an oblique root, whose tilt swing
   * lies across the coronal plane and whose axis lies too far out of the sagittal one. */
  if (cos_axis <= TILT_AXIS_MAX_COS && slice_cuts_valve (frame, inflow, outflow, radius))
    {
      double u[3], v[3], v_n;

      valve_cross_axes (valve, u, v);
      v_n = cusp_vec3_dot (v, frame->forward);
      /* the knob moves along the valve's local y: shown where that shows */
      if (1.0 - v_n * v_n >= TILT_MOTION_MIN * TILT_MOTION_MIN)
        {
          project (frame, outflow, &handles->x_px[CUSP_VALVE_HANDLE_TILT], &handles->y_px[CUSP_VALVE_HANDLE_TILT]);
          handles->shown[CUSP_VALVE_HANDLE_TILT] = TRUE;
          any = TRUE;
        }
    }

  if (cos_axis >= DOWN_AXIS_MIN_COS)
    {
      double u[3], v[3], level[3], knob[3], r = valve->pose.rotation_deg * G_PI / 180.0;

      for (int i = 0; i < 3; i++)
        d[i] = frame->centre_mm[i] - inflow[i];
      along = CLAMP (cusp_vec3_dot (d, frame->forward) / cusp_vec3_dot (axis, frame->forward), 0.0, valve->height_mm);
      valve_cross_axes (valve, u, v);
      for (int i = 0; i < 3; i++)
        {
          level[i] = inflow[i] + along * axis[i];
          knob[i] = level[i] + radius * (cos (r) * u[i] + sin (r) * v[i]);
        }
      project (frame, knob, &handles->x_px[CUSP_VALVE_HANDLE_ROTATION], &handles->y_px[CUSP_VALVE_HANDLE_ROTATION]);
      project (frame, level, &handles->stem_px[0], &handles->stem_px[1]);
      handles->shown[CUSP_VALVE_HANDLE_ROTATION] = TRUE;
      any = TRUE;
    }
  return any;
}

CuspValveHandle
cusp_valve_handles_pick (const CuspValveHandles *handles,
                         double                  x_px,
                         double                  y_px,
                         double                  radius_px)
{
  CuspValveHandle picked = CUSP_VALVE_HANDLE_NONE;
  double best = radius_px * radius_px;

  g_return_val_if_fail (handles != NULL, CUSP_VALVE_HANDLE_NONE);

  for (int h = 0; h < CUSP_VALVE_N_HANDLES; h++)
    {
      double dx = handles->x_px[h] - x_px, dy = handles->y_px[h] - y_px;

      if (handles->shown[h] && dx * dx + dy * dy <= best)
        {
          best = dx * dx + dy * dy;
          picked = (CuspValveHandle) h;
        }
    }
  return picked;
}

/* The point where the line of sight through screen (x, y) meets the plane through `point` with
 * unit normal `normal`, relative to `point`. FALSE when the line runs (nearly) along the plane. */
static gboolean
sight_on_plane (const CuspSliceFrame *frame, double x, double y, const double point[3],
                const double normal[3], double q[3])
{
  double p[3], d[3], along = cusp_vec3_dot (frame->forward, normal), s;

  if (fabs (along) < SIGHT_MIN_COS)
    return FALSE;
  cusp_slice_frame_screen_to_lps (frame, x, y, p);
  for (int i = 0; i < 3; i++)
    d[i] = p[i] - point[i];
  s = -cusp_vec3_dot (d, normal) / along;
  for (int i = 0; i < 3; i++)
    q[i] = d[i] + s * frame->forward[i];
  return TRUE;
}

/* Where the tilt knob (the outflow centre) is drawn for a tilt: root = Rx(tilt) (0, 0, h - depth). */
static void
knob_on_screen (const CuspSliceFrame *frame, const CuspValvePlacement *valve, double tilt_deg,
                double *x, double *y)
{
  double t = tilt_deg * G_PI / 180.0, reach = valve->height_mm - valve->pose.depth_mm, p[3];
  double root[3] = { 0.0, -reach * sin (t), reach * cos (t) };

  cusp_scene_frame_to_lps (&valve->root, root, p);
  project (frame, p, x, y);
}

static double
knob_distance2 (const CuspSliceFrame *frame, const CuspValvePlacement *valve, double tilt_deg,
                double x, double y)
{
  double kx, ky;

  knob_on_screen (frame, valve, tilt_deg, &kx, &ky);
  return (kx - x) * (kx - x) + (ky - y) * (ky - y);
}

/* The tilt within TILT_RANGE_DEG of the start whose knob is drawn nearest (x, y): every whole
 * degree tried, then the best one's neighbourhood narrowed by golden sections. */
static double
nearest_tilt (const CuspSliceFrame *frame, const CuspValvePlacement *valve, double x, double y)
{
  const double ratio = 0.5 * (sqrt (5.0) - 1.0);
  double best = valve->pose.tilt_deg, best_d2 = G_MAXDOUBLE, lo, hi, a, b, fa, fb;

  for (double t = -TILT_RANGE_DEG; t <= TILT_RANGE_DEG; t += 1.0)
    {
      double d2 = knob_distance2 (frame, valve, valve->pose.tilt_deg + t, x, y);

      if (d2 < best_d2)
        {
          best_d2 = d2;
          best = valve->pose.tilt_deg + t;
        }
    }
  lo = best - 1.0;
  hi = best + 1.0;
  a = hi - ratio * (hi - lo);
  b = lo + ratio * (hi - lo);
  fa = knob_distance2 (frame, valve, a, x, y);
  fb = knob_distance2 (frame, valve, b, x, y);
  while (hi - lo > 1e-9)
    {
      if (fa < fb)
        {
          hi = b;
          b = a;
          fb = fa;
          a = hi - ratio * (hi - lo);
          fa = knob_distance2 (frame, valve, a, x, y);
        }
      else
        {
          lo = a;
          a = b;
          fa = fb;
          b = lo + ratio * (hi - lo);
          fb = knob_distance2 (frame, valve, b, x, y);
        }
    }
  return 0.5 * (lo + hi);
}

gboolean
cusp_valve_handles_drag (CuspValveHandle           handle,
                         const CuspSliceFrame     *frame,
                         const CuspValvePlacement *start,
                         double                    x0_px,
                         double                    y0_px,
                         double                    x1_px,
                         double                    y1_px,
                         CuspSimPose              *pose)
{
  CuspSimPose out;
  double inflow[3], axis[3], q0[3], q1[3];

  g_return_val_if_fail (frame != NULL && start != NULL && pose != NULL, FALSE);

  out = start->pose;
  cusp_scene_frame_valve_axis (&start->root, &start->pose, inflow, axis);
  switch (handle)
    {
    case CUSP_VALVE_HANDLE_DEPTH:
      {
        double drag[3], axis_in_plane[3], a_n = cusp_vec3_dot (axis, frame->forward), length2;
        double du = (x1_px - x0_px) * frame->mm_per_px, dv = (y0_px - y1_px) * frame->mm_per_px;

        for (int i = 0; i < 3; i++)
          {
            drag[i] = du * frame->right[i] + dv * frame->up[i];
            axis_in_plane[i] = axis[i] - a_n * frame->forward[i];
          }
        length2 = cusp_vec3_dot (axis_in_plane, axis_in_plane);
        if (length2 < AXIS_MIN_IN_PLANE * AXIS_MIN_IN_PLANE)
          return FALSE;
        out.depth_mm = start->pose.depth_mm - cusp_vec3_dot (drag, axis_in_plane) / length2;
        break;
      }
    case CUSP_VALVE_HANDLE_TILT:
      {
        double kx, ky;

        knob_on_screen (frame, start, start->pose.tilt_deg, &kx, &ky);
        out.tilt_deg = nearest_tilt (frame, start, kx + x1_px - x0_px, ky + y1_px - y0_px);
        break;
      }
    case CUSP_VALVE_HANDLE_ROTATION:
      {
        double u[3], v[3], level[3], d[3], along, a0, a1;

        for (int i = 0; i < 3; i++)
          d[i] = frame->centre_mm[i] - inflow[i];
        if (fabs (cusp_vec3_dot (axis, frame->forward)) < SIGHT_MIN_COS)
          return FALSE;
        along = CLAMP (cusp_vec3_dot (d, frame->forward) / cusp_vec3_dot (axis, frame->forward), 0.0, start->height_mm);
        for (int i = 0; i < 3; i++)
          level[i] = inflow[i] + along * axis[i];
        if (!sight_on_plane (frame, x0_px, y0_px, level, axis, q0)
            || !sight_on_plane (frame, x1_px, y1_px, level, axis, q1))
          return FALSE;
        valve_cross_axes (start, u, v);
        a0 = atan2 (cusp_vec3_dot (q0, v), cusp_vec3_dot (q0, u));
        a1 = atan2 (cusp_vec3_dot (q1, v), cusp_vec3_dot (q1, u));
        out.rotation_deg = wrap_deg (start->pose.rotation_deg + (a1 - a0) * 180.0 / G_PI);
        break;
      }
    case CUSP_VALVE_HANDLE_NONE:
    case CUSP_VALVE_N_HANDLES:
    default:
      return FALSE;
    }
  if (!isfinite (out.depth_mm) || !isfinite (out.tilt_deg) || !isfinite (out.rotation_deg))
    return FALSE;
  *pose = out;
  return TRUE;
}

void
cusp_valve_handles_request (CuspValveScene *scene, const CuspSimPose *pose)
{
  CuspSimPose shown;

  g_return_if_fail (CUSP_IS_VALVE_SCENE (scene) && pose != NULL);

  if (cusp_valve_scene_get_valve (scene, &shown, NULL, NULL) && shown.depth_mm == pose->depth_mm
      && shown.tilt_deg == pose->tilt_deg && shown.rotation_deg == pose->rotation_deg)
    return;
  cusp_valve_scene_request_pose (scene, pose);
}
