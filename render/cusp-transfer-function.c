/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-transfer-function.c: the volume-rendering presets and their baked lookup table. */
#include "cusp-transfer-function.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Voxels sorted to find percentiles: stable to a fraction of a percent, sorted in about 0.1 s. */
#define PERCENTILE_SAMPLES (1 << 20)

/* A control point given either in HU or as a fraction of the voxels that lie below it. */
typedef struct {
  double at;
  float rgba[4];
} PresetPoint;

typedef struct {
  const char *name;
  gboolean shaded;
  int n_hu;
  PresetPoint hu[CUSP_TRANSFER_FUNCTION_MAX_POINTS];          /* on Hounsfield volumes */
  int n_fractions;
  PresetPoint fractions[CUSP_TRANSFER_FUNCTION_MAX_POINTS];   /* on anything else */
} Preset;

/* HU anchors: fat is -100..-50 HU and unenhanced soft tissue 20..80 HU, so every preset is
 * transparent up to 100 HU at least. Arterial-phase contrast blood is 250..500 HU, cortical
 * bone 700..2000 HU. On contrast CT calcium is read above 600..850 HU (DOMAIN.md: 850 HU fixed,
 * 450/850 HU by LVOT enhancement), so the calcium preset opens just below 600 HU and is opaque
 * above it while the contrast lumen stays invisible.
 *
 * The percentile anchors place the same ideas on a volume without HU, as fractions of its
 * foreground (the voxels above air and padding): the blood pool of a cardiac scan is its
 * brightest 15-30 %, bone and calcium its brightest percent or less. */
static const Preset presets[CUSP_RAYCAST_PRESET_COUNT] = {
  [CUSP_RAYCAST_PRESET_CT_CARDIAC] = {
    N_("Cardiac CT"), TRUE,
    5, { { 100.0, { 0.55f, 0.10f, 0.08f, 0.00f } },
         { 180.0, { 0.75f, 0.20f, 0.14f, 0.05f } },
         { 320.0, { 0.92f, 0.42f, 0.30f, 0.40f } },
         { 700.0, { 1.00f, 0.85f, 0.75f, 0.75f } },
         { 2000.0, { 1.00f, 1.00f, 1.00f, 0.95f } } },
    4, { { 0.70, { 0.55f, 0.10f, 0.08f, 0.00f } },
         { 0.85, { 0.92f, 0.42f, 0.30f, 0.40f } },
         { 0.97, { 1.00f, 0.85f, 0.75f, 0.75f } },
         { 1.00, { 1.00f, 1.00f, 1.00f, 0.95f } } },
  },
  [CUSP_RAYCAST_PRESET_CT_BONE] = {
    N_("Bone CT"), TRUE,
    4, { { 200.0, { 0.80f, 0.70f, 0.55f, 0.00f } },
         { 450.0, { 0.92f, 0.85f, 0.72f, 0.40f } },
         { 1000.0, { 1.00f, 0.97f, 0.90f, 0.90f } },
         { 2000.0, { 1.00f, 1.00f, 1.00f, 0.95f } } },
    3, { { 0.95, { 0.80f, 0.70f, 0.55f, 0.00f } },
         { 0.99, { 0.95f, 0.90f, 0.80f, 0.60f } },
         { 1.00, { 1.00f, 1.00f, 1.00f, 0.95f } } },
  },
  [CUSP_RAYCAST_PRESET_CT_CALCIUM] = {
    N_("Calcium CT"), TRUE,
    4, { { 580.0, { 1.00f, 0.90f, 0.55f, 0.00f } },
         { 600.0, { 1.00f, 0.92f, 0.60f, 0.60f } },
         { 650.0, { 1.00f, 0.95f, 0.70f, 0.95f } },
         { 2000.0, { 1.00f, 1.00f, 1.00f, 1.00f } } },
    3, { { 0.995, { 1.00f, 0.90f, 0.55f, 0.00f } },
         { 0.9995, { 1.00f, 0.95f, 0.70f, 0.95f } },
         { 1.00, { 1.00f, 1.00f, 1.00f, 1.00f } } },
  },
  [CUSP_RAYCAST_PRESET_MR_DEFAULT] = {
    N_("MR (intensity)"), TRUE,
    0, { { 0 } },
    4, { { 0.85, { 0.60f, 0.35f, 0.30f, 0.00f } },
         { 0.93, { 0.90f, 0.60f, 0.50f, 0.30f } },
         { 0.99, { 1.00f, 0.95f, 0.90f, 0.80f } },
         { 1.00, { 1.00f, 1.00f, 1.00f, 0.90f } } },
  },
};

const char *
cusp_raycast_preset_name (CuspRaycastPreset preset)
{
  g_return_val_if_fail (preset < CUSP_RAYCAST_PRESET_COUNT, "");
  return _(presets[preset].name);
}

static int
compare_floats (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

void
cusp_transfer_function_percentiles (const CuspVolume *volume,
                                    gboolean          foreground_only,
                                    const double     *fractions,
                                    int               n_fractions,
                                    double           *values)
{
  gsize count, stride, n = 0;
  g_autofree float *samples = NULL;
  gsize first = 0;

  g_return_if_fail (volume != NULL && (n_fractions == 0 || (fractions != NULL && values != NULL)));

  count = cusp_volume_voxel_count (volume);
  /* An odd stride does not keep landing on the same columns of even-sized slices. */
  stride = MAX (count / PERCENTILE_SAMPLES, 1);
  if (stride > 1 && stride % 2 == 0)
    stride++;
  samples = g_new (float, count / stride + 1);
  for (gsize i = 0; i < count; i += stride)
    {
      float v = volume->voxel_type == CUSP_VOXEL_INT16
                ? ((const int16_t *) volume->voxels)[i] : ((const float *) volume->voxels)[i];
      if (isfinite (v))
        samples[n++] = v;
    }
  if (n > 1)
    qsort (samples, n, sizeof *samples, compare_floats);
  if (foreground_only && n > 0)
    {
      double background = samples[0] + 0.02 * ((double) samples[n - 1] - samples[0]);

      /* A volume that is all background keeps all its voxels. */
      while (first < n - 1 && samples[first] <= background)
        first++;
    }
  for (int f = 0; f < n_fractions; f++)
    {
      double fraction = isfinite (fractions[f]) ? CLAMP (fractions[f], 0.0, 1.0) : 0.5;
      values[f] = n > 0 ? samples[first + (gsize) llround (fraction * (n - 1 - first))] : 0.0;
    }
}

void
cusp_transfer_function_init (CuspTransferFunction *tf,
                             CuspRaycastPreset     preset,
                             const CuspVolume     *volume)
{
  const Preset *p;
  const PresetPoint *points;
  double fractions[CUSP_TRANSFER_FUNCTION_MAX_POINTS], values[CUSP_TRANSFER_FUNCTION_MAX_POINTS];

  g_return_if_fail (tf != NULL && volume != NULL);
  g_return_if_fail (preset < CUSP_RAYCAST_PRESET_COUNT);

  p = &presets[preset];
  memset (tf, 0, sizeof *tf);
  tf->preset = preset;
  tf->shaded = p->shaded;
  /* HU numbers only where the values are HU: an MR or an 8-bit export gets percentiles. */
  tf->over_hu = volume->hounsfield && p->n_hu > 0;
  tf->n_points = tf->over_hu ? p->n_hu : p->n_fractions;
  points = tf->over_hu ? p->hu : p->fractions;

  if (tf->over_hu)
    for (int i = 0; i < tf->n_points; i++)
      values[i] = points[i].at;
  else
    {
      for (int i = 0; i < tf->n_points; i++)
        fractions[i] = points[i].at;
      cusp_transfer_function_percentiles (volume, TRUE, fractions, tf->n_points, values);
    }

  for (int i = 0; i < tf->n_points; i++)
    {
      tf->points[i].value = values[i];
      /* Equal percentiles (a mostly constant volume) would make a zero-width segment: keep the
       * points strictly increasing by a step small against the values yet above rounding. */
      if (i > 0 && !(tf->points[i].value > tf->points[i - 1].value))
        {
          double prev = tf->points[i - 1].value;
          tf->points[i].value = prev + MAX (fabs (prev) * 1e-6, 1e-3);
        }
      memcpy (tf->points[i].rgba, points[i].rgba, sizeof tf->points[i].rgba);
    }
}

void
cusp_transfer_function_evaluate (const CuspTransferFunction *tf,
                                 double                      value,
                                 float                       rgba[4])
{
  const CuspTransferPoint *first, *last;

  g_return_if_fail (tf != NULL && tf->n_points >= 2 && rgba != NULL);

  first = &tf->points[0];
  last = &tf->points[tf->n_points - 1];
  if (isnan (value))
    {
      memset (rgba, 0, 4 * sizeof (float));
      return;
    }
  if (value <= first->value)
    {
      memcpy (rgba, first->rgba, 4 * sizeof (float));
      return;
    }
  if (value >= last->value)
    {
      memcpy (rgba, last->rgba, 4 * sizeof (float));
      return;
    }
  for (int i = 1; i < tf->n_points; i++)
    if (value <= tf->points[i].value)
      {
        const CuspTransferPoint *a = &tf->points[i - 1], *b = &tf->points[i];
        double t = (value - a->value) / (b->value - a->value);

        for (int c = 0; c < 4; c++)
          rgba[c] = (float) (a->rgba[c] + t * (b->rgba[c] - a->rgba[c]));
        return;
      }
}

void
cusp_transfer_function_get_range (const CuspTransferFunction *tf,
                                  double                     *min_value,
                                  double                     *max_value)
{
  g_return_if_fail (tf != NULL && tf->n_points >= 2);
  if (min_value)
    *min_value = tf->points[0].value;
  if (max_value)
    *max_value = tf->points[tf->n_points - 1].value;
}

void
cusp_transfer_function_bake (const CuspTransferFunction *tf,
                             float                       table_rgba[CUSP_TRANSFER_FUNCTION_TABLE_SIZE * 4])
{
  double lo, hi;

  g_return_if_fail (tf != NULL && tf->n_points >= 2 && table_rgba != NULL);

  cusp_transfer_function_get_range (tf, &lo, &hi);
  for (int e = 0; e < CUSP_TRANSFER_FUNCTION_TABLE_SIZE; e++)
    cusp_transfer_function_evaluate (tf, lo + e * (hi - lo) / (CUSP_TRANSFER_FUNCTION_TABLE_SIZE - 1),
                                     table_rgba + 4 * e);
}
