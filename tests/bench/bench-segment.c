/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-segment.c: automatic segmentation + landmarks + measurements + meshes on a generated
 * 512 x 512 x 400 CT (the phantom at 0.4 mm, its box padded with lung to exactly that grid, the
 * size issue 3 names). Prints the time of every stage (taken from the progress callback), the total
 * against the 10 s target, and the peak memory. */
#include "cusp-measure.h"
#include "cusp-mesh.h"
#include "cusp-phantom.h"
#include "cusp-segment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

typedef struct {
  gint64 last_us;
  double last_cpu_s;
  char *last_message;
} Stages;

/* Process CPU time (all threads): the machine is shared, so wall time alone overstates a stage. */
static double
cpu_s (void)
{
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static void
on_progress (double fraction, const char *message, gpointer user_data)
{
  Stages *stages = user_data;
  gint64 now = g_get_monotonic_time ();
  double cpu = cpu_s ();
  if (stages->last_message != NULL)
    printf ("  %-28s %7.3f s wall %7.3f s CPU\n", stages->last_message, (now - stages->last_us) / 1e6,
            cpu - stages->last_cpu_s);
  g_free (stages->last_message);
  stages->last_message = g_strdup (message);
  stages->last_us = now;
  stages->last_cpu_s = cpu;
}

/* The phantom's box follows its tilted root, so its grid is not a scanner's: place it in the middle
 * of a 512 x 512 x 400 grid, the rest air-filled lung as in the box's own corners (cropped
 * symmetrically on an axis where the box is larger). */
static CuspVolume *
pad_to_scanner_grid (const CuspVolume *box, gint16 fill_hu, GError **error)
{
  const int dims[3] = { 512, 512, 400 };
  CuspVolume *grid = cusp_volume_new (CUSP_VOXEL_INT16, dims, error);
  if (grid == NULL)
    return NULL;
  int offset[3];
  for (int a = 0; a < 3; a++)
    {
      offset[a] = (dims[a] - box->dims[a]) / 2;
      grid->spacing_mm[a] = box->spacing_mm[a];
      grid->origin_mm[a] = box->origin_mm[a] - offset[a] * box->spacing_mm[a];
    }
  memcpy (grid->direction, box->direction, sizeof grid->direction);
  grid->modality = box->modality;
  grid->hounsfield = box->hounsfield;
  grid->orientation_known = box->orientation_known;

  gint16 *out = grid->voxels;
  const gint16 *in = box->voxels;
  for (gsize v = 0; v < cusp_volume_voxel_count (grid); v++)
    out[v] = fill_hu;
  for (int k = MAX (0, offset[2]); k < MIN (dims[2], box->dims[2] + offset[2]); k++)
    for (int j = MAX (0, offset[1]); j < MIN (dims[1], box->dims[1] + offset[1]); j++)
      {
        int i0 = MAX (0, offset[0]), i1 = MIN (dims[0], box->dims[0] + offset[0]);
        const gint16 *row = in + ((gsize) (k - offset[2]) * box->dims[1] + (j - offset[1])) * box->dims[0];
        memcpy (out + ((gsize) k * dims[1] + j) * dims[0] + i0, row + (i0 - offset[0]),
                (gsize) (i1 - i0) * sizeof (gint16));
      }
  return grid;
}

static double
peak_mb (void)
{
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  CuspPhantomDef def = cusp_phantom_default_def ();
  def.spacing_mm = 0.4;
  def.extent_radius_mm = 75;
  def.extent_below_mm = 35;
  def.extent_above_mm = 60;
  CuspPhantomTruth *truth = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(CuspVolume) box = cusp_phantom_generate (&def, &truth, NULL, &error);
  g_autoptr(CuspVolume) image = box != NULL ? pad_to_scanner_grid (box, (gint16) def.lung_hu, &error) : NULL;
  if (image == NULL)
    {
      fprintf (stderr, "bench-segment: %s\n", error->message);
      return 1;
    }
  printf ("generated CT %d x %d x %d (%.1f M voxels, %.1f mm; the phantom's %d x %d x %d box padded with lung) "
          "in %.2f s; peak memory so far %.0f MB (both copies)\n",
          image->dims[0], image->dims[1], image->dims[2], cusp_volume_voxel_count (image) / 1e6,
          def.spacing_mm, box->dims[0], box->dims[1], box->dims[2], (g_get_monotonic_time () - t0) / 1e6, peak_mb ());
  g_clear_pointer (&box, cusp_volume_unref);

  Stages stages = { g_get_monotonic_time (), cpu_s (), NULL };
  double cpu_start = cpu_s ();
  gint64 start = g_get_monotonic_time ();
  printf ("segmentation + landmarks, by stage:\n");
  g_autoptr(CuspSegmentation) seg = cusp_segment_root (image, NULL, NULL, on_progress, &stages, &error);
  g_free (stages.last_message);
  if (seg == NULL)
    {
      fprintf (stderr, "bench-segment: %s\n", error->message);
      return 1;
    }
  double seg_s = (g_get_monotonic_time () - start) / 1e6;
  printf ("segmentation + landmarks: %.2f s\n", seg_s);

  start = g_get_monotonic_time ();
  CuspMeasureParams params = cusp_measure_default_params ();
  params.lumen_threshold = seg->lumen_threshold;
  g_autoptr(CuspMeasureContext) context = cusp_measure_context_new (image, &params, &error);
  CuspMeasurements m;
  if (context == NULL || !cusp_measure_run (context, &seg->landmarks, &m, &error))
    {
      fprintf (stderr, "bench-segment: %s\n", error->message);
      return 1;
    }
  double measure_s = (g_get_monotonic_time () - start) / 1e6;
  printf ("measurements: %.3f s (annulus area %.1f mm2 vs truth %.1f, %+.2f %%)\n", measure_s,
          m.annulus.area_mm2, truth->annulus.area_mm2, 100 * (m.annulus.area_mm2 / truth->annulus.area_mm2 - 1));
  cusp_measurements_clear (&m);

  start = g_get_monotonic_time ();
  CuspMeshOptions lumen_options = cusp_mesh_options_default (CUSP_LABEL_LUMEN, CUSP_LABEL_LUMEN);
  g_autoptr(CuspMesh) lumen = cusp_mesh_from_labels (seg->labels, &lumen_options, &error);
  double lumen_s = (g_get_monotonic_time () - start) / 1e6;
  start = g_get_monotonic_time ();
  CuspMeshOptions calcium_options = cusp_mesh_options_default (CUSP_LABEL_CALCIUM_LEAFLET, CUSP_LABEL_CALCIUM_WALL);
  calcium_options.target_reduction = 0.2;
  g_autoptr(CuspMesh) calcium = cusp_mesh_from_labels (seg->labels, &calcium_options, &error);
  double calcium_s = (g_get_monotonic_time () - start) / 1e6;
  if (lumen == NULL || calcium == NULL)
    {
      fprintf (stderr, "bench-segment: %s\n", error->message);
      return 1;
    }
  printf ("lumen mesh: %.2f s (%u triangles); calcium mesh: %.2f s (%u triangles)\n", lumen_s,
          lumen->triangle_count, calcium_s, calcium->triangle_count);
  double total = seg_s + measure_s + lumen_s + calcium_s;
  printf ("total segmentation + landmarks + measurements + meshes: %.2f s wall (target <= 10 s, ratio %.2f), "
          "%.2f s CPU over all threads; peak memory %.0f MB (the input CT alone is %.0f MB)\n", total,
          total / 10.0, cpu_s () - cpu_start, peak_mb (), cusp_volume_byte_count (image) / 1048576.0);
  cusp_phantom_truth_free (truth);
  return 0;
}
