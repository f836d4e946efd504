/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-view-camera.c: orbit camera maths of the 3D view (see the header). */
#include "cusp-view-camera.h"

#include <math.h>

void
cusp_view_camera_rotation (double yaw_deg, double pitch_deg, double rotation[3][3])
{
  const double yaw = yaw_deg * G_PI / 180.0, pitch = pitch_deg * G_PI / 180.0;
  /* anterior view: L to screen right, S up, A toward the viewer */
  const double facing[3][3] = { { 1, 0, 0 }, { 0, 0, 1 }, { 0, -1, 0 } };
  const double cy = cos (yaw), sy = sin (yaw), cp = cos (pitch), sp = sin (pitch);
  const double turn[3][3] = {   /* R_x(pitch) R_y(yaw) in eye space */
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

double
cusp_view_camera_distance (const CuspViewCamera *camera, double aspect)
{
  const double half_fov = 0.5 * CUSP_VIEW_CAMERA_FOV_DEG * G_PI / 180.0;

  /* far enough that the framed sphere fits the narrower side, divided by the zoom */
  return camera->radius_mm / sin (half_fov) / MAX (aspect < 1.0 ? aspect : 1.0, 0.1) / camera->zoom;
}

void
cusp_view_camera_matrices (const CuspViewCamera *camera, double aspect, float view[16],
                           float projection[16])
{
  const double half_fov = 0.5 * CUSP_VIEW_CAMERA_FOV_DEG * G_PI / 180.0;
  double rotation[3][3], distance = cusp_view_camera_distance (camera, aspect), near_mm, far_mm, f;

  cusp_view_camera_rotation (camera->yaw_deg, camera->pitch_deg, rotation);
  for (int i = 0; i < 16; i++)
    view[i] = projection[i] = 0.0f;
  for (int r = 0; r < 3; r++)
    {
      double t = 0.0;
      for (int c = 0; c < 3; c++)
        {
          view[c * 4 + r] = (float) rotation[r][c];
          t -= rotation[r][c] * camera->target_mm[c];
        }
      t -= r < 2 ? camera->pan_mm[r] : distance;
      view[12 + r] = (float) t;
    }
  view[15] = 1.0f;

  near_mm = MAX (distance - 2.0 * camera->radius_mm, 0.01 * distance);
  far_mm = distance + 2.0 * camera->radius_mm;
  f = 1.0 / tan (half_fov);
  projection[0] = (float) (f / aspect);
  projection[5] = (float) f;
  projection[10] = (float) ((far_mm + near_mm) / (near_mm - far_mm));
  projection[11] = -1.0f;
  projection[14] = (float) (2.0 * far_mm * near_mm / (near_mm - far_mm));
}

void
cusp_view_camera_look_from (CuspViewCamera *camera, const double toward_eye[3])
{
  double len = sqrt (toward_eye[0] * toward_eye[0] + toward_eye[1] * toward_eye[1]
                     + toward_eye[2] * toward_eye[2]);

  if (!(len > 0.0) || !isfinite (len))
    return;
  /* e = (-cos p sin y, -cos p cos y, sin p) solved for y and p; straight up or down keeps y */
  camera->pitch_deg = asin (CLAMP (toward_eye[2] / len, -1.0, 1.0)) * 180.0 / G_PI;
  if (hypot (toward_eye[0], toward_eye[1]) > 1e-9 * len)
    camera->yaw_deg = atan2 (-toward_eye[0], -toward_eye[1]) * 180.0 / G_PI;
  camera->pan_mm[0] = camera->pan_mm[1] = 0.0;
}

void
cusp_view_camera_set_carm (CuspViewCamera *camera, const CuspCarmAngles *angles)
{
  double d[3];

  cusp_carm_view_direction (angles, d);
  cusp_view_camera_look_from (camera, d);
}

/* eye = R (p - target) - (pan_x, pan_y, distance), so p = target + R^T (eye + (pan, distance)) */
static void
eye_to_lps (const CuspViewCamera *camera, const double rotation[3][3], double distance,
            const double eye[3], gboolean is_point, double out[3])
{
  double e[3] = { eye[0], eye[1], eye[2] };

  if (is_point)
    {
      e[0] += camera->pan_mm[0];
      e[1] += camera->pan_mm[1];
      e[2] += distance;
    }
  for (int c = 0; c < 3; c++)
    {
      out[c] = is_point ? camera->target_mm[c] : 0.0;
      for (int r = 0; r < 3; r++)
        out[c] += rotation[r][c] * e[r];
    }
}

void
cusp_view_camera_ray (const CuspViewCamera *camera, double width, double height, double x,
                      double y, double origin[3], double direction[3])
{
  const double f = 1.0 / tan (0.5 * CUSP_VIEW_CAMERA_FOV_DEG * G_PI / 180.0);
  double aspect = MAX (width, 1.0) / MAX (height, 1.0), rotation[3][3], zero[3] = { 0, 0, 0 };
  double distance = cusp_view_camera_distance (camera, aspect);
  double ndc_x = 2.0 * x / MAX (width, 1.0) - 1.0, ndc_y = 1.0 - 2.0 * y / MAX (height, 1.0);
  double eye_dir[3] = { ndc_x * aspect / f, ndc_y / f, -1.0 }, len;

  cusp_view_camera_rotation (camera->yaw_deg, camera->pitch_deg, rotation);
  eye_to_lps (camera, rotation, distance, zero, TRUE, origin);
  eye_to_lps (camera, rotation, distance, eye_dir, FALSE, direction);
  len = sqrt (direction[0] * direction[0] + direction[1] * direction[1] + direction[2] * direction[2]);
  for (int i = 0; i < 3; i++)
    direction[i] /= len;
}

gboolean
cusp_view_camera_project (const CuspViewCamera *camera, double width, double height,
                          const double point[3], double *x, double *y)
{
  const double f = 1.0 / tan (0.5 * CUSP_VIEW_CAMERA_FOV_DEG * G_PI / 180.0);
  double aspect = MAX (width, 1.0) / MAX (height, 1.0), rotation[3][3], eye[3];
  double distance = cusp_view_camera_distance (camera, aspect);

  cusp_view_camera_rotation (camera->yaw_deg, camera->pitch_deg, rotation);
  for (int r = 0; r < 3; r++)
    {
      eye[r] = 0.0;
      for (int c = 0; c < 3; c++)
        eye[r] += rotation[r][c] * (point[c] - camera->target_mm[c]);
    }
  eye[0] -= camera->pan_mm[0];
  eye[1] -= camera->pan_mm[1];
  eye[2] -= distance;
  if (eye[2] > -1e-6)
    return FALSE;
  *x = 0.5 * (1.0 + f / aspect * eye[0] / -eye[2]) * width;
  *y = 0.5 * (1.0 - f * eye[1] / -eye[2]) * height;
  return TRUE;
}
