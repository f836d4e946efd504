/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-load.c: what reading through the isolated reader process costs. Writes a 512 x 512 x 400
 * int16 DICOM series into a temporary folder, then loads it alternately through the reader
 * process (cusp_study_load_sync) and in process (cusp_image_read_in_process), several rounds in
 * the same run, and prints times, their ratio (target: reader <= 1.3x in-process) and peak
 * resident memory relative to the voxel bytes (target <= 2.5x):
 *   - this process: VmHWM, reset before each load through /proc/self/clear_refs;
 *   - the reader process: getrusage (RUSAGE_CHILDREN) ru_maxrss.
 * Every load is followed by a pass over all voxels, so mapped pages are really resident.
 * Usage: bench-load [DIM_I DIM_J DIM_K [ROUNDS]]. The series is deleted at the end. */
#include "cusp-error.h"
#include "cusp-image-io.h"
#include "cusp-io-test-util.h"
#include "cusp-study-loader.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static guint64
vm_hwm_bytes (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmHWM:");
  return line ? g_ascii_strtoull (line + 6, NULL, 10) * 1024 : 0;
}

static void
reset_hwm (void)
{
  /* "5" resets the peak RSS counter (Linux >= 4.0). Not g_file_set_contents: it renames. */
  FILE *f = fopen ("/proc/self/clear_refs", "w");

  if (f != NULL)
    {
      fputs ("5", f);
      fclose (f);
    }
}

static guint64
children_peak_bytes (void)
{
  struct rusage usage;

  getrusage (RUSAGE_CHILDREN, &usage);
  return (guint64) usage.ru_maxrss * 1024;
}

static double
touch (const CuspVolume *volume)
{
  double lo, hi;

  cusp_volume_get_range (volume, &lo, &hi);
  return hi - lo;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  int dims[3] = { 512, 512, 400 };
  int rounds = 7;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *series = NULL;
  g_autofree char *target = NULL;
  double reader_s[16], inproc_s[16];
  guint64 reader_hwm = 0, inproc_hwm = 0, voxel_bytes, baseline;
  gint64 start;

  if (argc >= 4)
    for (int a = 0; a < 3; a++)
      dims[a] = atoi (argv[a + 1]);
  if (argc >= 5)
    rounds = CLAMP (atoi (argv[4]), 1, 16);

  tmp = g_dir_make_tmp ("cusp-bench-load-XXXXXX", &error);
  g_assert_no_error (error);
  series = g_build_filename (tmp, "series", NULL);
  target = g_strconcat ("dicom:", series, NULL);
  {
    g_autoptr(CuspVolume) volume = cusp_volume_new (CUSP_VOXEL_INT16, dims, &error);
    int16_t *v;

    g_assert_no_error (error);
    v = volume->voxels;
    /* A smooth body-like pattern plus deterministic texture: realistic for codecs and for
     * nothing else here (the series is written uncompressed). */
    for (int k = 0; k < dims[2]; k++)
      for (int j = 0; j < dims[1]; j++)
        for (int i = 0; i < dims[0]; i++)
          {
            int di = i - dims[0] / 2, dj = j - dims[1] / 2;
            int inside = di * di + dj * dj < (dims[0] / 3) * (dims[0] / 3);
            v[((gsize) k * dims[1] + j) * dims[0] + i] = (int16_t) (inside ? 40 + ((i * 31 + j * 17 + k * 7) % 97)
                                                                           : -1000 + (i ^ j) % 13);
          }
    volume->spacing_mm[0] = volume->spacing_mm[1] = 0.7;
    volume->spacing_mm[2] = 0.625;
    volume->modality = CUSP_MODALITY_CT;
    volume->hounsfield = TRUE;
    start = g_get_monotonic_time ();
    if (!cusp_image_write (volume, target, &error))
      g_error ("could not write the series: %s", error->message);
    voxel_bytes = cusp_volume_byte_count (volume);
    printf ("series: %d x %d x %d int16, %.1f MB of voxels, written in %.2f s to %s\n", dims[0], dims[1], dims[2],
            voxel_bytes / 1e6, (g_get_monotonic_time () - start) / 1e6, series);
  }

  reset_hwm ();
  baseline = vm_hwm_bytes ();
  for (int r = 0; r < rounds; r++)
    {
      g_autoptr(CuspVolume) a = NULL;
      g_autoptr(CuspVolume) b = NULL;

      reset_hwm ();
      start = g_get_monotonic_time ();
      a = cusp_study_load_sync (series, NULL, NULL, &error);
      reader_s[r] = (g_get_monotonic_time () - start) / 1e6;
      if (a == NULL)
        g_error ("reader load failed: %s", error->message);
      touch (a);
      reader_hwm = MAX (reader_hwm, vm_hwm_bytes ());
      g_clear_pointer (&a, cusp_volume_unref);

      reset_hwm ();
      start = g_get_monotonic_time ();
      b = cusp_image_read_in_process (series, NULL, &error);
      inproc_s[r] = (g_get_monotonic_time () - start) / 1e6;
      if (b == NULL)
        g_error ("in-process load failed: %s", error->message);
      touch (b);
      inproc_hwm = MAX (inproc_hwm, vm_hwm_bytes ());
      printf ("round %d: reader process %.3f s, in process %.3f s, ratio %.2f\n", r + 1, reader_s[r], inproc_s[r],
              reader_s[r] / inproc_s[r]);
    }
  qsort (reader_s, rounds, sizeof (double), compare_doubles);
  qsort (inproc_s, rounds, sizeof (double), compare_doubles);
  printf ("median of %d rounds: reader process %.3f s, in process %.3f s, ratio %.2f (target <= 1.3)\n", rounds,
          reader_s[rounds / 2], inproc_s[rounds / 2], reader_s[rounds / 2] / inproc_s[rounds / 2]);
  /* On a shared machine the best round of each is the least disturbed by other work. */
  printf ("best of %d rounds:   reader process %.3f s, in process %.3f s, ratio %.2f\n", rounds, reader_s[0],
          inproc_s[0], reader_s[0] / inproc_s[0]);
  printf ("peak RSS / voxel bytes: this process during reader loads %.2f, reader process %.2f, "
          "in-process loads %.2f (target <= 2.5)\n", (double) reader_hwm / voxel_bytes,
          (double) children_peak_bytes () / voxel_bytes, (double) inproc_hwm / voxel_bytes);
  printf ("(peaks include code and libraries: this process starts at %.0f MB before any load)\n", baseline / 1e6);
  cusp_test_remove_tree (tmp);
  return 0;
}
