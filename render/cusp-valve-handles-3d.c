/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-handles-3d.c: drag handles of the valve in the 3D view (see the header). */
#include "cusp-valve-handles-3d.h"
#include "cusp-vec3.h"

#include <math.h>
#include <string.h>

#define ARROW_FROM_MM 3.0
#define ARROW_TO_MM 13.0
#define KNOB_AT_MM 17.0
#define RING_MARGIN_MM 3.0
#define RING_PICK_SAMPLES 72

/* Orange and white: none of the lumen's red, the calcium's yellow, the frame's blue, the
 * pressure map's viridis or the gaps' magenta. */
static const float depth_rgba[4] = { 0.95f, 0.55f, 0.10f, 1.0f };
static const float rotation_rgba[4] = { 0.90f, 0.90f, 0.90f, 1.0f };
static const float tilt_rgba[4] = { 0.95f, 0.55f, 0.10f, 1.0f };

static void
along (const double p[3], const double a[3], double t, double out[3])
{
  for (int i = 0; i < 3; i++)
    out[i] = p[i] + t * a[i];
}

void
cusp_handles_3d_layout (const CuspSceneFrame *frame, const CuspSimPose *pose, double diameter_mm,
                        double height_mm, CuspHandles3d *h)
{
  double inflow[3];

  g_return_if_fail (frame != NULL && pose != NULL && h != NULL);
  memset (h, 0, sizeof *h);
  h->frame = *frame;
  h->pose = *pose;
  cusp_scene_frame_valve_axis (frame, pose, inflow, h->axis_lps);
  along (inflow, h->axis_lps, height_mm, h->outflow_lps);
  along (h->outflow_lps, h->axis_lps, ARROW_FROM_MM, h->arrow_from_lps);
  along (h->outflow_lps, h->axis_lps, ARROW_TO_MM, h->arrow_to_lps);
  along (h->outflow_lps, h->axis_lps, KNOB_AT_MM, h->knob_lps);
  h->ring_radius_mm = 0.5 * diameter_mm + RING_MARGIN_MM;
  h->knob_radius_mm = 1.6;
}

/* Distance from (x, y) to the segment (ax, ay)-(bx, by), pixels. */
static double
segment_distance (double x, double y, double ax, double ay, double bx, double by)
{
  double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
  double t = len2 > 0.0 ? CLAMP (((x - ax) * dx + (y - ay) * dy) / len2, 0.0, 1.0) : 0.0;

  return hypot (x - (ax + t * dx), y - (ay + t * dy));
}

CuspHandle3d
cusp_handles_3d_pick (const CuspHandles3d *h, const CuspViewCamera *camera, double width,
                      double height, double x, double y)
{
  double ax, ay, bx, by, kx, ky, u[3], v[3], w[3], best = G_MAXDOUBLE, px = 0, py = 0;
  gboolean have_prev = FALSE;

  g_return_val_if_fail (h != NULL && camera != NULL, CUSP_HANDLE_3D_NONE);

  if (cusp_view_camera_project (camera, width, height, h->knob_lps, &kx, &ky)
      && hypot (x - kx, y - ky) <= CUSP_HANDLES_3D_PICK_PX + 2.0)
    return CUSP_HANDLE_3D_TILT;
  if (cusp_view_camera_project (camera, width, height, h->arrow_from_lps, &ax, &ay)
      && cusp_view_camera_project (camera, width, height, h->arrow_to_lps, &bx, &by)
      && segment_distance (x, y, ax, ay, bx, by) <= CUSP_HANDLES_3D_PICK_PX)
    return CUSP_HANDLE_3D_DEPTH;
  cusp_shape_basis (h->axis_lps, u, v, w);
  for (int s = 0; s <= RING_PICK_SAMPLES; s++)
    {
      double phi = 2.0 * G_PI * s / RING_PICK_SAMPLES, p[3], sx, sy;
      for (int i = 0; i < 3; i++)
        p[i] = h->outflow_lps[i] + h->ring_radius_mm * (cos (phi) * u[i] + sin (phi) * v[i]);
      if (!cusp_view_camera_project (camera, width, height, p, &sx, &sy))
        {
          have_prev = FALSE;
          continue;
        }
      if (have_prev)
        best = MIN (best, segment_distance (x, y, px, py, sx, sy));
      px = sx, py = sy, have_prev = TRUE;
    }
  return best <= CUSP_HANDLES_3D_PICK_PX ? CUSP_HANDLE_3D_ROTATION : CUSP_HANDLE_3D_NONE;
}

/* Where the ray meets the plane through `point` with unit normal `normal`. */
static gboolean
ray_plane (const double origin[3], const double direction[3], const double point[3],
           const double normal[3], double hit[3])
{
  double denominator = cusp_vec3_dot (direction, normal), d[3], t;

  if (fabs (denominator) < 1e-6)
    return FALSE;
  for (int i = 0; i < 3; i++)
    d[i] = point[i] - origin[i];
  t = cusp_vec3_dot (d, normal) / denominator;
  if (t <= 0.0)
    return FALSE;
  along (origin, direction, t, hit);
  return TRUE;
}

static double
wrap_180 (double deg)
{
  deg = fmod (deg + 180.0, 360.0);
  return (deg < 0.0 ? deg + 360.0 : deg) - 180.0;
}

/* The angle (degrees) of the pointer's ray where it meets a plane, about `centre`, in (u, v). */
static gboolean
pointer_angle (const CuspViewCamera *camera, double width, double height, double x, double y,
               const double centre[3], const double normal[3], const double u[3],
               const double v[3], double *angle_deg)
{
  double origin[3], direction[3], hit[3], r[3];

  cusp_view_camera_ray (camera, width, height, x, y, origin, direction);
  if (!ray_plane (origin, direction, centre, normal, hit))
    return FALSE;
  for (int i = 0; i < 3; i++)
    r[i] = hit[i] - centre[i];
  *angle_deg = atan2 (cusp_vec3_dot (r, v), cusp_vec3_dot (r, u)) * 180.0 / G_PI;
  return TRUE;
}

/* The point of the valve's axis nearest the pointer's ray, as its distance s (mm) from the
 * outflow centre along the axis: with w = O - E, b = a . d, the closest approach of O + s a and
 * E + u d is s = (b (d . w) - a . w) / (1 - b^2). FALSE when the ray runs along the axis. */
static gboolean
axis_under_pointer (const CuspHandles3d *h, const CuspViewCamera *camera, double width,
                    double height, double x, double y, double *s)
{
  double origin[3], direction[3], w[3], b;

  cusp_view_camera_ray (camera, width, height, x, y, origin, direction);
  for (int i = 0; i < 3; i++)
    w[i] = h->outflow_lps[i] - origin[i];
  b = cusp_vec3_dot (h->axis_lps, direction);
  if (1.0 - b * b < 1e-4)       /* within about 0.8 deg of looking down the axis */
    return FALSE;
  *s = (b * cusp_vec3_dot (direction, w) - cusp_vec3_dot (h->axis_lps, w)) / (1.0 - b * b);
  return TRUE;
}

gboolean
cusp_handles_3d_drag (const CuspHandles3d *h, CuspHandle3d which, const CuspViewCamera *camera,
                      double width, double height, double x0, double y0, double x, double y,
                      CuspSimPose *pose)
{
  g_return_val_if_fail (h != NULL && camera != NULL && pose != NULL, FALSE);

  *pose = h->pose;
  switch (which)
    {
    case CUSP_HANDLE_3D_DEPTH:
      {
        double s0, s1;
        if (!axis_under_pointer (h, camera, width, height, x0, y0, &s0)
            || !axis_under_pointer (h, camera, width, height, x, y, &s1))
          return FALSE;
        pose->depth_mm = h->pose.depth_mm - (s1 - s0);
        return TRUE;
      }
    case CUSP_HANDLE_3D_ROTATION:
      {
        double u[3], v[3], w[3], a0, a1;
        cusp_shape_basis (h->axis_lps, u, v, w);
        if (!pointer_angle (camera, width, height, x0, y0, h->outflow_lps, h->axis_lps, u, v, &a0)
            || !pointer_angle (camera, width, height, x, y, h->outflow_lps, h->axis_lps, u, v, &a1))
          return FALSE;
        pose->rotation_deg = wrap_180 (h->pose.rotation_deg + wrap_180 (a1 - a0));
        return TRUE;
      }
    case CUSP_HANDLE_3D_TILT:
      {
        /* in the root's y-z plane, angle atan2(-y, z): basis u = z, v = -y */
        double u[3], v[3], a0, a1;
        for (int i = 0; i < 3; i++)
          u[i] = h->frame.axis_z[i], v[i] = -h->frame.axis_y[i];
        if (!pointer_angle (camera, width, height, x0, y0, h->frame.origin_mm, h->frame.axis_x, u, v, &a0)
            || !pointer_angle (camera, width, height, x, y, h->frame.origin_mm, h->frame.axis_x, u, v, &a1))
          return FALSE;
        pose->tilt_deg = h->pose.tilt_deg + wrap_180 (a1 - a0);
        return TRUE;
      }
    case CUSP_HANDLE_3D_NONE:
    case CUSP_HANDLE_3D_COUNT:
    default:
      return FALSE;
    }
}

static void
shade (const float rgba[4], gboolean lit, float out[4])
{
  /* highlighted: halfway to white */
  for (int i = 0; i < 3; i++)
    out[i] = lit ? 0.5f * (rgba[i] + 1.0f) : rgba[i];
  out[3] = 1.0f;
}

void
cusp_handles_3d_build (const CuspHandles3d *h, CuspHandle3d hover, CuspHandle3d active,
                       CuspShapeMesh *shapes)
{
  float rgba[4];
  double shaft_from[3], shaft_to[3], ring_centre[3];

  g_return_if_fail (h != NULL && shapes != NULL);

  shade (depth_rgba, hover == CUSP_HANDLE_3D_DEPTH || active == CUSP_HANDLE_3D_DEPTH, rgba);
  along (h->arrow_from_lps, h->axis_lps, 2.5, shaft_from);
  along (h->arrow_to_lps, h->axis_lps, -2.5, shaft_to);
  cusp_shape_mesh_add_tube (shapes, shaft_from, shaft_to, 0.45, 10, rgba);
  cusp_shape_mesh_add_cone (shapes, shaft_to, h->arrow_to_lps, 1.1, 12, rgba);
  cusp_shape_mesh_add_cone (shapes, shaft_from, h->arrow_from_lps, 1.1, 12, rgba);

  shade (rotation_rgba, hover == CUSP_HANDLE_3D_ROTATION || active == CUSP_HANDLE_3D_ROTATION, rgba);
  memcpy (ring_centre, h->outflow_lps, sizeof ring_centre);
  cusp_shape_mesh_add_ring (shapes, ring_centre, h->axis_lps, h->ring_radius_mm, 0.4, rgba);

  shade (tilt_rgba, hover == CUSP_HANDLE_3D_TILT || active == CUSP_HANDLE_3D_TILT, rgba);
  cusp_shape_mesh_add_tube (shapes, h->arrow_to_lps, h->knob_lps, 0.25, 8, rgba);
  cusp_shape_mesh_add_sphere (shapes, h->knob_lps, h->knob_radius_mm, rgba);
}
