/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-mpr.c: MPR cost on this machine's GL (llvmpipe in CI): uploading a 512 x 512 x 400
 * int16 CT as a 3D texture, and redrawing a 512 x 512 slice view, against reslicing the same
 * slice on the CPU (trilinear, cusp_volume_sample_lps) measured in the same run.
 *
 * Prints figures; never fails for being slow. Exits 77 without EGL surfaceless. */
#include "cusp-mpr-renderer.h"
#include "cusp-test-egl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define VIEW_PX 512
#define DRAWS 40

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* CPU time of the whole process (all llvmpipe threads): unlike wall time it barely changes
 * when other jobs share the machine. */
static double
cpu_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct {
  double wall_s;
  double cpu_s;
} Cost;

/* A deterministic CT-like volume: a bright ellipsoid (contrast) inside soft tissue inside air,
 * with texture so no two slices are alike. */
static CuspVolume *
make_volume (void)
{
  const int dims[3] = { 512, 512, 400 };
  g_autoptr(GError) error = NULL;
  CuspVolume *volume = cusp_volume_new (CUSP_VOXEL_INT16, dims, &error);
  int16_t *v;

  if (volume == NULL)
    g_error ("%s", error->message);
  v = volume->voxels;
  volume->spacing_mm[0] = volume->spacing_mm[1] = 0.7;
  volume->spacing_mm[2] = 0.6;
  volume->hounsfield = TRUE;
  for (int k = 0; k < dims[2]; k++)
    for (int j = 0; j < dims[1]; j++)
      for (int i = 0; i < dims[0]; i++)
        {
          double x = (i - 256) / 220.0, y = (j - 256) / 180.0, z = (k - 200) / 190.0;
          double r2 = x * x + y * y + z * z;
          int value = r2 < 0.15 ? 400 : r2 < 1.0 ? 40 : -1000;
          v[((gsize) k * dims[1] + j) * dims[0] + i] = (int16_t) (value + ((i * 7 + j * 13 + k * 3) % 41) - 20);
        }
  return volume;
}

static Cost
time_gpu_draws (CuspMprRenderer *renderer, CuspVolumeTexture *texture, CuspTestEgl *egl,
                CuspSliceOrientation orientation, double zoom)
{
  CuspVolume *volume = texture->volume;
  double centre_ijk[3], cursor[3], start, start_cpu;
  CuspMprStyle style;
  CuspSliceFrame frame;
  guint8 probe[4];

  for (int a = 0; a < 3; a++)
    centre_ijk[a] = 0.5 * (volume->dims[a] - 1);
  cusp_volume_index_to_lps (volume, centre_ijk, cursor);
  cusp_mpr_style_init (&style, orientation);
  cusp_test_egl_bind (egl);

  start = now_s ();
  start_cpu = cpu_s ();
  for (int n = 0; n < DRAWS; n++)
    {
      /* A different slice every frame, as when scrolling. */
      cursor[orientation == CUSP_SLICE_AXIAL ? 2 : orientation == CUSP_SLICE_CORONAL ? 1 : 0] += 0.6;
      memcpy (style.cursor_mm, cursor, sizeof cursor);
      cusp_slice_frame_init (&frame, orientation, volume, cursor, zoom, NULL, VIEW_PX, VIEW_PX);
      cusp_mpr_renderer_draw (renderer, texture, &frame, &style, VIEW_PX, VIEW_PX);
      /* Reading one pixel waits for the frame, as presenting it would. */
      glReadPixels (0, 0, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, probe);
    }
  return (Cost) { (now_s () - start) / DRAWS, (cpu_s () - start_cpu) / DRAWS };
}

static Cost
time_cpu_reslice (CuspVolume *volume, CuspSliceOrientation orientation)
{
  double centre_ijk[3], cursor[3], lps[3], start, start_cpu, sum = 0.0;
  CuspSliceFrame frame;
  const int repeats = 3;

  for (int a = 0; a < 3; a++)
    centre_ijk[a] = 0.5 * (volume->dims[a] - 1);
  cusp_volume_index_to_lps (volume, centre_ijk, cursor);
  cusp_slice_frame_init (&frame, orientation, volume, cursor, 1.0, NULL, VIEW_PX, VIEW_PX);

  start = now_s ();
  start_cpu = cpu_s ();
  for (int n = 0; n < repeats; n++)
    for (int y = 0; y < VIEW_PX; y++)
      for (int x = 0; x < VIEW_PX; x++)
        {
          cusp_slice_frame_screen_to_lps (&frame, x + 0.5, y + 0.5, lps);
          sum += cusp_volume_sample_lps (volume, lps, -1000.0);
        }
  if (!isfinite (sum))
    printf ("(cpu reslice produced a non-finite sum)\n");
  return (Cost) { (now_s () - start) / repeats, (cpu_s () - start_cpu) / repeats };
}

int
main (int argc, char **argv)
{
  g_autoptr(CuspTestEgl) egl = NULL;
  g_autoptr(CuspMprRenderer) renderer = NULL;
  g_autoptr(CuspVolumeTexture) texture = NULL;
  g_autoptr(CuspVolume) volume = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *why_not = NULL;
  double start, start_cpu, upload_s, upload_cpu_s;

  egl = cusp_test_egl_new (VIEW_PX, VIEW_PX, &why_not);
  if (egl == NULL)
    {
      printf ("bench-mpr: skipped: %s\n", why_not);
      return 77;
    }
  renderer = cusp_mpr_renderer_new (&error);
  if (renderer == NULL)
    g_error ("%s", error->message);

  printf ("bench-mpr: GL renderer %s, %s\n", glGetString (GL_RENDERER), glGetString (GL_VERSION));
  volume = make_volume ();
  printf ("volume: %d x %d x %d int16 (%.0f MB)\n", volume->dims[0], volume->dims[1],
          volume->dims[2], cusp_volume_byte_count (volume) / 1e6);

  start = now_s ();
  start_cpu = cpu_s ();
  texture = cusp_volume_texture_new (volume, &error);
  if (texture == NULL)
    g_error ("%s", error->message);
  glFinish ();
  upload_s = now_s () - start;
  upload_cpu_s = cpu_s () - start_cpu;
  printf ("upload as GL_R16_SNORM 3D texture: %.3f s wall, %.3f s cpu (%.0f MB/s wall)\n",
          upload_s, upload_cpu_s, cusp_volume_byte_count (volume) / 1e6 / upload_s);
  /* The first draw after an upload may lay the texture out for sampling: time it apart. */
  {
    Cost first = time_gpu_draws (renderer, texture, egl, CUSP_SLICE_AXIAL, 1.0);
    printf ("first %d axial redraws after upload: %.2f ms wall, %.2f ms cpu each\n",
            DRAWS, first.wall_s * 1e3, first.cpu_s * 1e3);
  }

  printf ("per redraw, wall / cpu (cpu = all threads of this process)\n");
  printf ("%-9s %20s %20s %20s %12s\n", "view", "gpu zoom 1", "gpu zoom 4", "cpu reslice", "cpu/gpu (cpu)");
  for (CuspSliceOrientation o = CUSP_SLICE_AXIAL; o <= CUSP_SLICE_SAGITTAL; o++)
    {
      Cost gpu = time_gpu_draws (renderer, texture, egl, o, 1.0);
      Cost gpu_zoomed = time_gpu_draws (renderer, texture, egl, o, 4.0);
      Cost cpu = time_cpu_reslice (volume, o);

      printf ("%-9s %8.2f / %6.2f ms %8.2f / %6.2f ms %8.2f / %6.2f ms %11.1fx\n",
              cusp_slice_orientation_to_string (o), gpu.wall_s * 1e3, gpu.cpu_s * 1e3,
              gpu_zoomed.wall_s * 1e3, gpu_zoomed.cpu_s * 1e3, cpu.wall_s * 1e3, cpu.cpu_s * 1e3,
              cpu.cpu_s / gpu.cpu_s);
    }
  printf ("(%d x %d px view, %d redraws per figure, each on a new slice, window/level and crosshair on;\n"
          " cpu reslice = the same slice by cusp_volume_sample_lps per pixel, one thread)\n",
          VIEW_PX, VIEW_PX, DRAWS);
  return 0;
}
