/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-raycast.c: GPU ray-cast frame time at 1280 x 800 on this machine's GL (llvmpipe in CI,
 * EGL surfaceless) for a generated 256^3 and a 512 x 512 x 400 int16 chest-like CT, per preset,
 * median of N frames with the camera orbiting 3 degrees a frame as when dragging; and at half
 * resolution (cusp_raycast_renderer_set_resolution_scale), the setting meant for drags.
 *
 * Prints figures; never fails for being slow. Exits 77 without EGL surfaceless. */
#include "cusp-raycast-renderer.h"
#include "cusp-test-egl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define VIEW_WIDTH 1280
#define VIEW_HEIGHT 800

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* CPU time of the whole process (all llvmpipe threads): barely changes when other jobs share
 * the machine, unlike wall time. */
static double
cpu_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A chest-like CT filling the box: air outside an elliptic body of fat and soft tissue, a
 * contrast-filled aorta (350 HU) rising through it, a spine (800 HU) behind, and calcium
 * flecks (900 HU) on the aortic root; mild texture so no two rays are alike. */
static CuspVolume *
make_volume (int nx, int ny, int nz, double spacing_xy_mm, double spacing_z_mm)
{
  const int dims[3] = { nx, ny, nz };
  g_autoptr(GError) error = NULL;
  CuspVolume *volume = cusp_volume_new (CUSP_VOXEL_INT16, dims, &error);
  int16_t *v;

  if (volume == NULL)
    g_error ("%s", error->message);
  v = volume->voxels;
  volume->spacing_mm[0] = volume->spacing_mm[1] = spacing_xy_mm;
  volume->spacing_mm[2] = spacing_z_mm;
  volume->modality = CUSP_MODALITY_CT;
  volume->hounsfield = TRUE;
  for (int k = 0; k < nz; k++)
    for (int j = 0; j < ny; j++)
      for (int i = 0; i < nx; i++)
        {
          double x = (i + 0.5) / nx - 0.5, y = (j + 0.5) / ny - 0.5, z = (k + 0.5) / nz;
          double body = (x * x) / 0.2 + (y * y) / 0.14;
          double ax = x - 0.05 * sin (3.0 * z), ay = y + 0.05;       /* aorta centreline */
          double sx = x, sy = y - 0.3;                                /* spine */
          int value;

          if (body > 1.0)
            value = -1000;
          else if (ax * ax + ay * ay < 0.006)
            value = (ax * ax + ay * ay > 0.0052 && z > 0.45 && z < 0.5 && ((i / 4 + j / 4) % 5) == 0)
                    ? 900 : 350;
          else if (sx * sx + sy * sy < 0.004)
            value = 800;
          else
            value = body > 0.8 ? -90 : 40;
          v[((gsize) k * ny + j) * nx + i] = (int16_t) (value + ((i * 7 + j * 13 + k * 3) % 21) - 10);
        }
  return volume;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Column-major view-projection orbiting the volume's centre at `angle` around Superior,
 * framing its bounding sphere in the view's height. */
static void
orbit_camera (const CuspVolume *volume, double angle, float view_projection[16])
{
  const double half_fov = 0.5 * 30.0 * G_PI / 180.0, aspect = (double) VIEW_WIDTH / VIEW_HEIGHT;
  double centre_ijk[3], centre[3], radius = 0.0, distance, near_mm, far_mm, f;
  double eye_dir[3] = { sin (angle), -cos (angle), 0.0 }, side[3], up[3] = { 0, 0, 1 };
  double view[16] = { 0 }, projection[16] = { 0 }, eye[3];

  for (int a = 0; a < 3; a++)
    {
      centre_ijk[a] = 0.5 * (volume->dims[a] - 1);
      radius += 0.25 * (volume->dims[a] * volume->spacing_mm[a]) * (volume->dims[a] * volume->spacing_mm[a]);
    }
  radius = sqrt (radius);
  cusp_volume_index_to_lps (volume, centre_ijk, centre);
  distance = radius / sin (half_fov);
  near_mm = distance - radius;
  far_mm = distance + radius;
  f = 1.0 / tan (half_fov);
  for (int a = 0; a < 3; a++)
    eye[a] = centre[a] + distance * eye_dir[a];
  /* side = forward x up with forward = -eye_dir and up = Superior. */
  side[0] = -eye_dir[1];
  side[1] = eye_dir[0];
  side[2] = 0.0;
  for (int a = 0; a < 3; a++)
    {
      view[a * 4 + 0] = side[a];
      view[a * 4 + 1] = up[a];
      view[a * 4 + 2] = eye_dir[a];
    }
  for (int r = 0; r < 3; r++)
    view[12 + r] = -(view[r] * eye[0] + view[4 + r] * eye[1] + view[8 + r] * eye[2]);
  view[15] = 1.0;
  projection[0] = f / aspect;
  projection[5] = f;
  projection[10] = (far_mm + near_mm) / (near_mm - far_mm);
  projection[11] = -1.0;
  projection[14] = 2.0 * far_mm * near_mm / (near_mm - far_mm);
  for (int c = 0; c < 4; c++)
    for (int r = 0; r < 4; r++)
      {
        double s = 0.0;
        for (int m = 0; m < 4; m++)
          s += projection[m * 4 + r] * view[c * 4 + m];
        view_projection[c * 4 + r] = (float) s;
      }
}

static void
time_preset (CuspRaycastRenderer *renderer, CuspVolumeTexture *texture, CuspRaycastPreset preset,
             int frames)
{
  static const int viewport[4] = { 0, 0, VIEW_WIDTH, VIEW_HEIGHT };
  g_autofree double *wall = g_new (double, frames);
  g_autofree double *cpu = g_new (double, frames);
  float view_projection[16];
  guint8 probe[4];
  int covered = 0;

  for (int n = -1; n < frames; n++)   /* frame -1 builds the table and warms the caches */
    {
      double start = now_s (), start_cpu = cpu_s ();

      orbit_camera (texture->volume, (n + 1) * 3.0 * G_PI / 180.0, view_projection);
      glClearColor (0, 0, 0, 0);
      glClearDepth (1.0);
      glClear (GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
      cusp_raycast_renderer_draw (renderer, texture, view_projection, viewport, preset);
      /* Reading one pixel waits for the frame, as presenting it would. */
      glReadPixels (0, 0, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, probe);
      if (n >= 0)
        {
          wall[n] = now_s () - start;
          cpu[n] = cpu_s () - start_cpu;
        }
      else
        printf ("  (%s first frame: %.1f ms wall)\n", cusp_raycast_preset_name (preset), (now_s () - start) * 1e3);
    }
  {
    g_autofree guint8 *rgba = g_malloc ((gsize) VIEW_WIDTH * VIEW_HEIGHT * 4);

    glReadPixels (0, 0, VIEW_WIDTH, VIEW_HEIGHT, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    for (gsize i = 0; i < (gsize) VIEW_WIDTH * VIEW_HEIGHT; i++)
      covered += rgba[4 * i + 3] > 0;
  }
  qsort (wall, frames, sizeof *wall, compare_doubles);
  qsort (cpu, frames, sizeof *cpu, compare_doubles);
  printf ("  %-16s median %8.1f ms wall (min %8.1f, max %8.1f), %8.1f ms cpu; %4.1f %% of pixels drawn\n",
          cusp_raycast_preset_name (preset), wall[frames / 2] * 1e3, wall[0] * 1e3,
          wall[frames - 1] * 1e3, cpu[frames / 2] * 1e3, 100.0 * covered / (VIEW_WIDTH * VIEW_HEIGHT));
}

static void
bench_volume (CuspRaycastRenderer *renderer, int nx, int ny, int nz, double xy_mm, double z_mm,
              int frames)
{
  g_autoptr(CuspVolume) volume = make_volume (nx, ny, nz, xy_mm, z_mm);
  g_autoptr(CuspVolumeTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = cusp_volume_texture_new (volume, &error);
  if (texture == NULL)
    g_error ("%s", error->message);
  printf ("volume %d x %d x %d int16, %.2f x %.2f x %.2f mm (step %.2f mm), median of %d frames:\n",
          nx, ny, nz, xy_mm, xy_mm, z_mm, 0.5 * MIN (xy_mm, z_mm), frames);
  for (CuspRaycastPreset p = CUSP_RAYCAST_PRESET_CT_CARDIAC; p <= CUSP_RAYCAST_PRESET_CT_CALCIUM; p++)
    time_preset (renderer, texture, p, frames);
  /* What a view can draw while the camera is being dragged. */
  printf (" at resolution scale 0.5 (rays for 640 x 400, scaled up):\n");
  cusp_raycast_renderer_set_resolution_scale (renderer, 0.5);
  time_preset (renderer, texture, CUSP_RAYCAST_PRESET_CT_CARDIAC, frames);
  time_preset (renderer, texture, CUSP_RAYCAST_PRESET_CT_BONE, frames);
  cusp_raycast_renderer_set_resolution_scale (renderer, 1.0);
}

int
main (int argc, char **argv)
{
  g_autoptr(CuspTestEgl) egl = NULL;
  g_autoptr(CuspRaycastRenderer) renderer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *why_not = NULL;
  GLuint depth;

  setvbuf (stdout, NULL, _IOLBF, 0);   /* each line as it comes: a run takes minutes */
  egl = cusp_test_egl_new (VIEW_WIDTH, VIEW_HEIGHT, &why_not);
  if (egl == NULL)
    {
      printf ("bench-raycast: skipped: %s\n", why_not);
      return 77;
    }
  /* A depth buffer as GtkGLArea has, so each frame pays for copying the scene's depth too. */
  cusp_test_egl_bind (egl);
  glGenRenderbuffers (1, &depth);
  glBindRenderbuffer (GL_RENDERBUFFER, depth);
  glRenderbufferStorage (GL_RENDERBUFFER, GL_DEPTH24_STENCIL8, VIEW_WIDTH, VIEW_HEIGHT);
  glFramebufferRenderbuffer (GL_FRAMEBUFFER, GL_DEPTH_STENCIL_ATTACHMENT, GL_RENDERBUFFER, depth);
  renderer = cusp_raycast_renderer_new (&error);
  if (renderer == NULL)
    g_error ("%s", error->message);

  printf ("bench-raycast: GL renderer %s, %s; %d x %d px\n", glGetString (GL_RENDERER),
          glGetString (GL_VERSION), VIEW_WIDTH, VIEW_HEIGHT);
  bench_volume (renderer, 256, 256, 256, 1.0, 1.0, 7);
  bench_volume (renderer, 512, 512, 400, 0.7, 0.6, 5);
  glDeleteRenderbuffers (1, &depth);
  return 0;
}
