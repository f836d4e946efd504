/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-segment.c: the segmentation pipeline (cusp-segment.h); each stage is in its own file
 * (cusp-segment-private.h lists them). */
#include "cusp-segment-private.h"
#include "cusp-error.h"
#include "cusp-itk-segment.h"

#include <math.h>
#include <string.h>

#define COARSE_SPACING_MM 2.0
#define FINE_SPACING_MM 0.5

static gboolean
report (CuspProgressFunc progress, gpointer data, GCancellable *cancellable, double fraction,
        const char *message, GError **error)
{
  if (progress != NULL)
    progress (fraction, message, data);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

double
cusp_segment_calcium_threshold_for (double lvot_enhancement_hu)
{
  return lvot_enhancement_hu < 300 ? 450 : 850;
}

CuspSegmentOptions
cusp_segment_options_default (void)
{
  CuspSegmentOptions options = { 0 };
  return options;
}

static gboolean
validate_image (const CuspVolume *image, GError **error)
{
  int thin = 0;
  for (int a = 0; a < 3; a++)
    thin += image->dims[a] < 8;
  if (thin > 0)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The image is %d × %d × %d voxels: segmentation needs a 3D volume with at least "
                   "8 voxels along every axis", image->dims[0], image->dims[1], image->dims[2]);
      return FALSE;
    }
  for (int a = 0; a < 3; a++)
    if (!(image->spacing_mm[a] > 0 && image->spacing_mm[a] < 50))
      {
        g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                     "The voxel spacing %g mm is not usable for segmentation", image->spacing_mm[a]);
        return FALSE;
      }
  double lo, hi;
  cusp_volume_get_range (image, &lo, &hi);
  if (!(hi > lo))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "Every voxel of the image has the value %g: there is nothing to segment", lo);
      return FALSE;
    }
  double extent[3];
  for (int a = 0; a < 3; a++)
    extent[a] = image->dims[a] * image->spacing_mm[a];
  if (extent[0] < 40 || extent[1] < 40 || extent[2] < 40)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The image covers only %.0f × %.0f × %.0f mm: too small to hold an aortic root",
                   extent[0], extent[1], extent[2]);
      return FALSE;
    }
  return TRUE;
}

/* A seeded run on a non-HU image that still finds no root: asking for a click again would send
 * the user round in circles. On the 3 T cardiac MR (0.625 x 0.625 x 2.5 mm) the aorta joins the
 * pulmonary artery, the SVC and the atria through walls about a millimetre thick at any
 * threshold; there the tube tracked from the click and its shape now place the root, but a click
 * outside the aorta, or a vessel with no narrowing above a chamber, still ends here. The message
 * says what went wrong and what can be done instead. */
static void
explain_seeded_failure (const CuspVolume *image, const CuspSegmentOptions *options,
                        const CuspIntensityModel *model, GError **error)
{
  if (error == NULL || *error == NULL || !options->has_seed || image->hounsfield
      || !g_error_matches (*error, CUSP_ERROR, CUSP_ERROR_FAILED))
    return;
  g_autofree char *reason = g_strdup ((*error)->message);
  char *cut = strstr (reason, "click inside");
  if (cut != NULL)
    {
      while (cut > reason && (cut[-1] == ' ' || cut[-1] == ';' || cut[-1] == ':' || cut[-1] == ','))
        cut--;
      *cut = '\0';
    }
  const double slice_mm = MAX (image->spacing_mm[0], MAX (image->spacing_mm[1], image->spacing_mm[2]));
  g_clear_error (error);
  g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
               "The aortic root could not be separated from the chambers around it, even from the "
               "clicked point: at the clicked blood intensity (%.0f; tissue %.0f) the aorta in this "
               "non-HU image most likely joins its neighbours through walls thinner than its %.1f mm voxels "
               "(%s). A click in the middle of the ascending aorta may still work; if it does not, "
               "this image cannot be segmented: measure from landmarks placed by hand "
               "(cusp-cli measure --landmarks FILE.json) or use a contrast CT",
               model->lumen_mean, model->tissue_mean, slice_mm, reason);
}

/* A tube holds whatever the track ran into: its root is kept only with an annulus of 7-17 mm
 * radius (14-34 mm across, beyond every valve chart), not a chamber taken for one. */
static gboolean
tube_root_plausible (const CuspLandmarkResult *lm)
{
  if (lm->annulus_radius_mm >= 7 && lm->annulus_radius_mm <= 17)
    return TRUE;
  g_debug ("the tube's root has an annulus of %.1f mm radius: refused", lm->annulus_radius_mm);
  return FALSE;
}

/* The coarse path (found, or the tube's when `tube` is given) and a first landmark pass on it.
 * A tube whose radius profile shows no sinus bulge gets its landmarks from its shape
 * (cusp-segment-shape.c); *from_shape says so. */
static gboolean
locate_root (const CuspGridImage *coarse, const CuspIntensityModel *model, const CuspSegmentOptions *options,
             const CuspTube *tube, CuspCoarseResult *path, CuspLandmarkResult *lm, gboolean *from_shape,
             GPtrArray *warnings, GError **error)
{
  *from_shape = FALSE;
  if (tube == NULL && !cusp_segment_coarse_centerline (coarse, model, options, path, warnings, error))
    return FALSE;
  const gsize count = cusp_grid_voxel_count (&coarse->grid);
  g_autofree guint8 *blood = g_new (guint8, count);
  for (gsize v = 0; v < count; v++)
    blood[v] = coarse->values[v] >= model->threshold;
  if (tube != NULL)
    cusp_segment_tube_restrict (tube, &coarse->grid, blood);
  CuspLandmarkInput input = { coarse->grid, coarse->values, blood, model->threshold,
                              (const double *) path->path->data, (int) path->path->len, FALSE, FALSE, { { 0 } } };
  g_autoptr(GPtrArray) ignored = g_ptr_array_new_with_free_func (g_free);
  if (!cusp_landmarks_detect (&input, lm, ignored, error) || (tube != NULL && !tube_root_plausible (lm)))
    {
      g_autoptr(GError) shape_error = NULL;
      if (error != NULL && *error == NULL)
        g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                     "The root found along the aorta followed from the click has an annulus %.0f mm across",
                     2 * lm->annulus_radius_mm);
      if (tube != NULL && cusp_segment_landmarks_from_tube (&input, tube, lm, ignored, &shape_error))
        {
          g_clear_error (error);
          *from_shape = TRUE;
          return TRUE;
        }
      if (shape_error != NULL)
        g_debug ("landmarks from the tube's shape: %s", shape_error->message);
      g_clear_pointer (&path->path, g_array_unref);
      return FALSE;
    }
  return TRUE;
}

/* The second chance of a clicked non-HU image: the aorta tracked from the click as a tube. */
static gboolean
track_root (const CuspVolume *image, const CuspGridImage *coarse, const CuspIntensityModel *model,
            const CuspSegmentOptions *options, CuspTube *tube, CuspCoarseResult *path, CuspLandmarkResult *lm,
            gboolean *from_shape, GPtrArray *warnings)
{
  g_autoptr(GError) local = NULL;
  if (image->hounsfield || !options->has_seed)
    return FALSE;
  g_clear_pointer (&path->path, g_array_unref);
  if (!cusp_segment_track_tube (image, model, options->seed_mm, path, tube, &local)
      || !locate_root (coarse, model, options, tube, path, lm, from_shape, warnings, &local))
    {
      g_debug ("tube tracking from the click failed: %s", local->message);
      cusp_tube_clear (tube);
      return FALSE;
    }
  if (!tube_root_plausible (lm))
    {
      g_clear_pointer (&path->path, g_array_unref);
      cusp_tube_clear (tube);
      return FALSE;
    }
  g_ptr_array_add (warnings, g_strdup ("The aorta's blood pool joins its neighbours in this image: the "
                                       "aorta was followed from the click as a tube, cutting each "
                                       "section at 1.3 times its fitted radius"));
  return TRUE;
}

CuspSegmentation *
cusp_segment_root (const CuspVolume *image, const CuspSegmentOptions *options_in, GCancellable *cancellable,
                   CuspProgressFunc progress, gpointer progress_data, GError **error)
{
  CuspSegmentOptions options = options_in != NULL ? *options_in : cusp_segment_options_default ();
  g_auto(CuspGridImage) coarse = { 0 };
  g_auto(CuspGridImage) fine = { 0 };
  CuspCoarseResult path = { 0 };
  CuspIntensityModel model = { 0 };
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  double lo[3], hi[3];

  g_return_val_if_fail (image != NULL, NULL);

  if (!validate_image (image, error))
    return NULL;
  if (options.has_calcium_threshold && !(options.calcium_threshold_hu > 0 && options.calcium_threshold_hu < 4000))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "A calcium threshold of %g HU is outside the usable range (0-4000 HU)",
                   options.calcium_threshold_hu);
      return NULL;
    }
  if (!report (progress, progress_data, cancellable, 0.02, "Resampling", error))
    return NULL;

  /* 1. Coarse grid over the whole image; intensity model. */
  cusp_segment_image_bounds (image, lo, hi);
  double vmin, vmax;
  cusp_volume_get_range (image, &vmin, &vmax);
  if (!cusp_segment_resample (image, lo, hi, COARSE_SPACING_MM, TRUE, vmin, &coarse, error))
    return NULL;
  if (!cusp_itk_gaussian_smooth (coarse.values, coarse.grid.dims, coarse.grid.spacing_mm,
                                 COARSE_SPACING_MM / 2, error))
    return NULL;
  if (!report (progress, progress_data, cancellable, 0.15, "Measuring the contrast", error))
    return NULL;

  const gboolean hu = image->hounsfield;
  if (hu)
    {
      if (!cusp_segment_hu_model (&coarse, &model, error))
        return NULL;
    }
  else
    {
      GError *local = NULL;
      if (!cusp_segment_intensity_model (&coarse, &model, &local))
        {
          if (!options.has_seed)
            {
              g_propagate_error (error, local);
              return NULL;
            }
          g_clear_error (&local);
        }
      g_ptr_array_add (warnings, g_strdup ("The image is not in Hounsfield units: the lumen was "
                                           "segmented from its intensity distribution and calcium "
                                           "was not labelled"));
    }
  if (options.has_seed && !cusp_segment_model_from_seed (image, hu, vmin, options.seed_mm, &model, error))
    return NULL;
  if (!report (progress, progress_data, cancellable, 0.25, "Finding the aorta", error))
    return NULL;

  /* 2-3. Aorta and centerline on the coarse grid; a first landmark pass to place the root. A
   * clicked non-HU image whose blood pool leaks into its neighbours gets a second chance: the
   * aorta tracked from the click as a tube (cusp-segment-track.c). */
  g_auto(CuspTube) tube = { 0 };
  CuspLandmarkResult coarse_lm;
  gboolean from_shape = FALSE;
  {
    g_autoptr(GPtrArray) first_warnings = g_ptr_array_new_with_free_func (g_free);
    GError *first_error = NULL;
    if (locate_root (&coarse, &model, &options, NULL, &path, &coarse_lm, &from_shape, first_warnings, &first_error))
      {
        for (guint w = 0; w < first_warnings->len; w++)
          g_ptr_array_add (warnings, g_strdup (g_ptr_array_index (first_warnings, w)));
      }
    else if (!track_root (image, &coarse, &model, &options, &tube, &path, &coarse_lm, &from_shape, warnings))
      {
        g_propagate_error (error, first_error);
        explain_seeded_failure (image, &options, &model, error);
        return NULL;
      }
    else
      g_clear_error (&first_error);
  }
  if (!report (progress, progress_data, cancellable, 0.4, "Segmenting the aortic root", error))
    {
      g_array_unref (path.path);
      return NULL;
    }

  /* 4. Fine grid around the root: 25 mm below the annulus to 50 mm above the STJ. */
  double roi_lo[3] = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE }, roi_hi[3] = { -G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  /* sinus lobes reach ~1.3 x the aortic radius; coronary stubs are looked for 8 mm beyond */
  const double margin = 1.3 * path.aorta_radius_mm + 10;
  g_autoptr(GArray) fine_path = g_array_new (FALSE, FALSE, sizeof (double) * 3);
  for (guint m = 0; m < path.path->len; m++)
    {
      const double *p = &g_array_index (path.path, double, 3 * m);
      double h = cusp_segment_height_above (&coarse_lm, p);
      if (h < -25 || h > coarse_lm.stj_height_mm + 50)
        continue;
      g_array_append_vals (fine_path, p, 1);
      for (int a = 0; a < 3; a++)
        {
          roi_lo[a] = MIN (roi_lo[a], p[a] - margin);
          roi_hi[a] = MAX (roi_hi[a], p[a] + margin);
        }
    }
  g_array_unref (path.path);
  for (int a = 0; a < 3; a++)
    {
      roi_lo[a] = MAX (roi_lo[a], lo[a]);
      roi_hi[a] = MIN (roi_hi[a], hi[a]);
    }
  if (fine_path->len < 10)
    {
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                           "The aortic root found is too short; click inside the aortic root");
      return NULL;
    }
  if (!cusp_segment_resample (image, roi_lo, roi_hi, FINE_SPACING_MM, TRUE, vmin, &fine, error))
    return NULL;
  const double fine_min_spacing = MIN (fine.grid.spacing_mm[0], MIN (fine.grid.spacing_mm[1], fine.grid.spacing_mm[2]));
  if (!cusp_itk_gaussian_smooth (fine.values, fine.grid.dims, fine.grid.spacing_mm, 0.6 * fine_min_spacing, error))
    return NULL;
  const gsize fine_count = cusp_grid_voxel_count (&fine.grid);
  g_autofree guint8 *blood = g_new (guint8, fine_count);
  for (gsize v = 0; v < fine_count; v++)
    blood[v] = fine.values[v] >= model.threshold;
  if (tube.centers != NULL)
    cusp_segment_tube_restrict (&tube, &fine.grid, blood);
  /* keep the blood-pool component that the centerline runs through (its middle point) */
  {
    const double *mid = &g_array_index (fine_path, double, 3 * (fine_path->len / 2));
    if (!cusp_grid_keep_component (&fine.grid, blood, cusp_grid_lps_to_voxel (&fine.grid, mid)))
      {
        g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                             "The aortic root lumen was lost at full resolution; click inside the aortic root");
        return NULL;
      }
  }
  if (!report (progress, progress_data, cancellable, 0.6, "Placing landmarks", error))
    return NULL;

  /* 5. Landmarks at full resolution. */
  CuspLandmarkResult lm;
  CuspLandmarkInput input = { fine.grid, fine.values, blood, model.threshold,
                              (const double *) fine_path->data, (int) fine_path->len, TRUE, TRUE, { { 0 } } };
  memcpy (input.level_hint_mm, coarse_lm.level_mm, sizeof input.level_hint_mm);
  if (from_shape ? !cusp_segment_landmarks_from_tube (&input, &tube, &lm, warnings, error)
                 : !cusp_landmarks_detect (&input, &lm, warnings, error))
    {
      explain_seeded_failure (image, &options, &model, error);
      return NULL;
    }
  if (tube.centers != NULL && !tube_root_plausible (&lm))
    {
      g_set_error_literal (error, CUSP_ERROR, CUSP_ERROR_FAILED,
                           "No aortic annulus of a plausible size was found along the aorta followed from the click");
      explain_seeded_failure (image, &options, &model, error);
      return NULL;
    }
  if (!report (progress, progress_data, cancellable, 0.75, "Cutting the lumen", error))
    return NULL;

  CuspClip clip = { -15, MIN (lm.stj_height_mm + 45, 200) };
  g_autofree float *grown_distance = g_new (float, fine_count);
  const double open_mm = CLAMP (0.3 * lm.annulus_radius_mm, 1.5, 3.0);
  g_autofree guint8 *lumen = cusp_segment_fine_lumen (&fine.grid, blood, &lm, &clip, open_mm, grown_distance, error);
  if (lumen == NULL)
    return NULL;

  double calcium_threshold = 0;
  double lvot_mean = cusp_segment_lvot_enhancement (&fine, lumen, &lm);
  if (hu)
    {
      calcium_threshold = options.has_calcium_threshold
                            ? options.calcium_threshold_hu
                            : cusp_segment_calcium_threshold_for (isnan (lvot_mean) ? model.lumen_mean : lvot_mean);
      if (!options.has_calcium_threshold && calcium_threshold < model.lumen_mean + 100)
        g_ptr_array_add (warnings, g_strdup_printf ("The calcium threshold %.0f HU is close to the lumen "
                                                    "enhancement (%.0f HU): check the calcium labels",
                                                    calcium_threshold, model.lumen_mean));
    }
  if (!report (progress, progress_data, cancellable, 0.85, "Labelling calcium", error))
    return NULL;

  g_autofree guint8 *fine_calcium = NULL;
  if (hu)
    {
      fine_calcium = cusp_segment_calcium_candidates (&fine, lumen, grown_distance, model.threshold,
                                                      calcium_threshold, warnings, error);
      if (fine_calcium == NULL)
        return NULL;
    }

  /* 6. Labels on the image's own grid. */
  CuspVolume *labels = cusp_segment_label_volume (image, &fine, roi_lo, roi_hi, lumen, fine_calcium,
                                                  grown_distance, calcium_threshold, &lm, &clip, error);
  if (labels == NULL)
    return NULL;

  CuspSegmentation *seg = g_new0 (CuspSegmentation, 1);
  seg->labels = labels;
  seg->lumen_threshold = model.threshold;
  seg->calcium_threshold = calcium_threshold;
  seg->lumen_mean = isnan (lvot_mean) ? model.lumen_mean : lvot_mean;
  seg->tissue_mean = model.tissue_mean;
  seg->intensity_based = model.intensity_based || !hu;
  seg->used_seed = options.has_seed;
  seg->landmarks = lm.landmarks;
  seg->ostia_found[0] = lm.ostia_found[0];
  seg->ostia_found[1] = lm.ostia_found[1];
  memcpy (seg->annulus_normal, lm.annulus_normal, sizeof seg->annulus_normal);
  seg->stj_radius_mm = lm.stj_radius_mm;
  seg->warnings = g_steal_pointer (&warnings);
  report (progress, progress_data, NULL, 1.0, "Done", NULL);
  return seg;
}

double
cusp_segmentation_label_volume_mm3 (const CuspSegmentation *segmentation, CuspLabel label)
{
  const CuspVolume *labels = segmentation->labels;
  const int16_t *v = labels->voxels;
  gsize n = 0, count = cusp_volume_voxel_count (labels);
  for (gsize i = 0; i < count; i++)
    n += v[i] == (int16_t) label;
  return n * labels->spacing_mm[0] * labels->spacing_mm[1] * labels->spacing_mm[2];
}

void
cusp_segmentation_free (CuspSegmentation *segmentation)
{
  if (segmentation == NULL)
    return;
  g_clear_pointer (&segmentation->labels, cusp_volume_unref);
  g_clear_pointer (&segmentation->warnings, g_ptr_array_unref);
  g_free (segmentation);
}
