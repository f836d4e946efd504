/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-phantom-truth.c: the phantom's ground truth as JSON and as landmarks (format in
 * cusp-phantom.h). */
#include "cusp-phantom.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

static void
add_vec (JsonBuilder *b, const char *name, const double *v, int n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    json_builder_add_double_value (b, v[i]);
  json_builder_end_array (b);
}

static void
add_num (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

static void
begin_object_member (JsonBuilder *b, const char *name)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
}

static void
add_ellipse (JsonBuilder *b, const CuspPhantomEllipse *e)
{
  add_vec (b, "center_mm", e->center_mm, 3);
  add_num (b, "semi_major_mm", e->semi_major_mm);
  add_num (b, "semi_minor_mm", e->semi_minor_mm);
  add_num (b, "area_mm2", e->area_mm2);
  add_num (b, "perimeter_mm", e->perimeter_mm);
  add_num (b, "dmin_mm", e->dmin_mm);
  add_num (b, "dmax_mm", e->dmax_mm);
  add_num (b, "area_derived_diameter_mm", 2.0 * sqrt (e->area_mm2 / G_PI));
  add_num (b, "perimeter_derived_diameter_mm", e->perimeter_mm / G_PI);
  add_num (b, "eccentricity", e->eccentricity);
}

static void
add_coronary (JsonBuilder *b, const char *name, const CuspPhantomCoronary *c)
{
  begin_object_member (b, name);
  add_vec (b, "ostium_mm", c->ostium_mm, 3);
  add_num (b, "height_mm", c->height_mm);
  add_num (b, "radius_mm", c->radius_mm);
  add_vec (b, "direction", c->direction, 3);
  json_builder_end_object (b);
}

static const char *
region_name (CuspPhantomRegion region)
{
  static const char *names[] = { "leaflet_left", "leaflet_right", "leaflet_non", "lvot" };
  return names[region];
}

char *
cusp_phantom_truth_to_json (const CuspPhantomTruth *truth)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *seed = NULL;
  const CuspPhantomDef *def;
  static const char *cusp_names[] = { "left", "right", "non_coronary" };
  static const char *commissure_names[] = { "left_right", "right_non", "non_left" };

  g_return_val_if_fail (truth != NULL, NULL);
  def = &truth->def;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "cusp-phantom-truth");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  /* A string: JSON numbers lose 64-bit integers in most readers. */
  seed = g_strdup_printf ("%" G_GUINT64_FORMAT, def->seed);
  json_builder_set_member_name (b, "seed");
  json_builder_add_string_value (b, seed);
  json_builder_set_member_name (b, "note");
  json_builder_add_string_value (b, "Synthetic phantom for research, teaching and rehearsal; not patient data.");

  begin_object_member (b, "volume");
  json_builder_set_member_name (b, "dims");
  json_builder_begin_array (b);
  for (int i = 0; i < 3; i++)
    json_builder_add_int_value (b, truth->dims[i]);
  json_builder_end_array (b);
  add_vec (b, "spacing_mm", truth->spacing_mm, 3);
  add_vec (b, "origin_mm", truth->origin_mm, 3);
  add_vec (b, "direction", truth->direction, 9);
  json_builder_end_object (b);

  begin_object_member (b, "hu");
  add_num (b, "lumen", def->lumen_hu);
  add_num (b, "myocardium", def->myocardium_hu);
  add_num (b, "wall", def->wall_hu);
  add_num (b, "fat", def->fat_hu);
  add_num (b, "lung", def->lung_hu);
  add_num (b, "calcium", def->calcium_hu);
  add_num (b, "noise_sigma", def->noise_hu);
  json_builder_end_object (b);

  begin_object_member (b, "axis");
  add_num (b, "tilt_deg", def->axis_tilt_deg);
  add_num (b, "azimuth_deg", def->axis_azimuth_deg);
  add_vec (b, "root_axis", truth->root_axis, 3);
  json_builder_end_object (b);

  begin_object_member (b, "annulus");
  add_ellipse (b, &truth->annulus);
  add_vec (b, "normal", truth->root_axis, 3);
  add_vec (b, "major_axis", truth->major_axis, 3);
  add_vec (b, "minor_axis", truth->minor_axis, 3);
  json_builder_end_object (b);

  begin_object_member (b, "lvot");
  add_num (b, "offset_below_annulus_mm", truth->lvot_offset_mm);
  add_ellipse (b, &truth->lvot);
  add_num (b, "length_mm", def->lvot_length_mm);
  json_builder_end_object (b);

  begin_object_member (b, "hinges_mm");
  for (int c = 0; c < CUSP_CUSP_COUNT; c++)
    add_vec (b, cusp_names[c], truth->hinge_mm[c], 3);
  json_builder_end_object (b);
  begin_object_member (b, "commissures_mm");
  for (int c = 0; c < CUSP_COMMISSURE_COUNT; c++)
    add_vec (b, commissure_names[c], truth->commissure_mm[c], 3);
  json_builder_end_object (b);
  add_num (b, "commissure_height_mm", truth->commissure_height_mm);

  begin_object_member (b, "sov");
  add_num (b, "height_mm", truth->stj_height_mm);
  add_num (b, "measure_height_mm", truth->sov_measure_height_mm);
  add_vec (b, "diameters_mm", truth->sov_diameter_mm, CUSP_CUSP_COUNT);
  add_num (b, "mean_diameter_mm", truth->sov_mean_diameter_mm);
  add_num (b, "bulge_mm", def->sov_bulge_mm);
  json_builder_end_object (b);

  begin_object_member (b, "stj");
  add_vec (b, "center_mm", truth->stj_center_mm, 3);
  add_num (b, "diameter_mm", truth->stj_diameter_mm);
  add_num (b, "height_mm", truth->stj_height_mm);
  json_builder_end_object (b);

  begin_object_member (b, "ascending");
  add_num (b, "height_mm", truth->ascending_height_mm);
  add_vec (b, "center_mm", truth->ascending_center_mm, 3);
  add_num (b, "diameter_mm", truth->ascending_diameter_mm);
  json_builder_end_object (b);

  begin_object_member (b, "coronary");
  add_coronary (b, "left", &truth->left_coronary);
  add_coronary (b, "right", &truth->right_coronary);
  json_builder_end_object (b);

  begin_object_member (b, "calcium");
  add_num (b, "total_mm3", truth->calcium_total_mm3);
  for (int r = 0; r < CUSP_PHANTOM_REGION_COUNT; r++)
    {
      g_autofree char *key = g_strdup_printf ("%s_mm3", region_name (r));
      add_num (b, key, truth->calcium_region_mm3[r]);
    }
  add_num (b, "leaflets_mm3", truth->calcium_total_mm3 - truth->calcium_region_mm3[CUSP_PHANTOM_REGION_LVOT]);
  json_builder_set_member_name (b, "nodules");
  json_builder_begin_array (b);
  for (int i = 0; i < truth->nodule_count; i++)
    {
      json_builder_begin_object (b);
      add_vec (b, "center_mm", truth->nodules[i].center_mm, 3);
      add_num (b, "radius_mm", truth->nodules[i].radius_mm);
      json_builder_set_member_name (b, "region");
      json_builder_add_string_value (b, region_name (truth->nodules[i].region));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  {
    CuspLandmarks lm;
    cusp_phantom_truth_get_landmarks (truth, &lm);
    json_builder_set_member_name (b, "centerline_mm");
    json_builder_begin_array (b);
    for (int i = 0; i < lm.centerline_count; i++)
      {
        json_builder_begin_array (b);
        for (int k = 0; k < 3; k++)
          json_builder_add_double_value (b, lm.centerline_mm[i][k]);
        json_builder_end_array (b);
      }
    json_builder_end_array (b);
  }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

void
cusp_phantom_truth_get_landmarks (const CuspPhantomTruth *truth, CuspLandmarks *out)
{
  double h_lo, h_hi;

  g_return_if_fail (truth != NULL && out != NULL);

  memset (out, 0, sizeof *out);
  memcpy (out->hinge_mm, truth->hinge_mm, sizeof out->hinge_mm);
  memcpy (out->commissure_mm, truth->commissure_mm, sizeof out->commissure_mm);
  memcpy (out->left_ostium_mm, truth->left_coronary.ostium_mm, sizeof out->left_ostium_mm);
  memcpy (out->right_ostium_mm, truth->right_coronary.ostium_mm, sizeof out->right_ostium_mm);
  memcpy (out->stj_center_mm, truth->stj_center_mm, sizeof out->stj_center_mm);

  /* The root is straight: its centerline is the axis, LVOT to the top of the box, 1 mm apart. */
  h_lo = -truth->def.lvot_length_mm;
  h_hi = truth->def.extent_above_mm - 2.0;
  for (double h = h_lo; h <= h_hi && out->centerline_count < CUSP_LANDMARKS_MAX_CENTERLINE; h += 1.0)
    {
      double *p = out->centerline_mm[out->centerline_count++];
      for (int i = 0; i < 3; i++)
        p[i] = truth->annulus.center_mm[i] + h * truth->root_axis[i];
    }
}

void
cusp_phantom_truth_free (CuspPhantomTruth *truth)
{
  if (truth == NULL)
    return;
  g_free (truth->nodules);
  g_free (truth);
}
