/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-measure-json.c: measurements and landmarks as JSON, and landmarks read back from JSON
 * (a file written here, or a phantom's truth file). */
#include "cusp-measure.h"
#include "cusp-measure-json.h"
#include "cusp-error.h"

#include <math.h>
#include <string.h>

static const char *cusp_names[CUSP_CUSP_COUNT] = { "left", "right", "non_coronary" };
static const char *commissure_names[CUSP_COMMISSURE_COUNT] = { "left_right", "right_non", "non_left" };
static const char *family_keys[CUSP_VALVE_FAMILY_COUNT] = { "balloon_expandable", "self_expanding", "navitor" };

static void
add_point (JsonBuilder *b, const char *name, const double p[3])
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (int i = 0; i < 3; i++)
    json_builder_add_double_value (b, p[i]);
  json_builder_end_array (b);
}

static void
add_bool (JsonBuilder *b, const char *name, gboolean value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

void
cusp_measure_add_landmarks_json (JsonBuilder *b, const CuspLandmarks *lm)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "hinges_mm");
  json_builder_begin_object (b);
  for (int k = 0; k < CUSP_CUSP_COUNT; k++)
    add_point (b, cusp_names[k], lm->hinge_mm[k]);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "commissures_mm");
  json_builder_begin_object (b);
  for (int k = 0; k < CUSP_COMMISSURE_COUNT; k++)
    add_point (b, commissure_names[k], lm->commissure_mm[k]);
  json_builder_end_object (b);
  add_point (b, "left_ostium_mm", lm->left_ostium_mm);
  add_point (b, "right_ostium_mm", lm->right_ostium_mm);
  add_point (b, "stj_center_mm", lm->stj_center_mm);
  json_builder_set_member_name (b, "centerline_mm");
  json_builder_begin_array (b);
  for (int i = 0; i < lm->centerline_count; i++)
    {
      json_builder_begin_array (b);
      for (int k = 0; k < 3; k++)
        json_builder_add_double_value (b, lm->centerline_mm[i][k]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

char *
cusp_measurements_to_json (const CuspMeasurements *m, const CuspLandmarks *landmarks)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const CuspMeasureKey *keys;
  guint n_keys;

  g_return_val_if_fail (m != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "note");
  json_builder_add_string_value (b, "Model estimates for research, teaching and rehearsal; never a diagnosis.");
  /* whether the "_hu" keys are Hounsfield units or, on MR and other non-HU images, image values */
  json_builder_set_member_name (b, "image.hounsfield");
  json_builder_add_boolean_value (b, m->hounsfield);
  keys = cusp_measure_keys (&n_keys);
  for (guint i = 0; i < n_keys; i++)
    {
      double value;
      json_builder_set_member_name (b, keys[i].key);
      if (cusp_measurements_get (m, keys[i].key, &value))
        json_builder_add_double_value (b, value);
      else
        json_builder_add_null_value (b);
    }
  for (int f = 0; f < CUSP_VALVE_FAMILY_COUNT; f++)
    {
      const CuspSizingResult *r = &m->sizing.family[f];
      g_autofree char *note_key = g_strdup_printf ("sizing.%s_note", family_keys[f]);
      json_builder_set_member_name (b, note_key);
      if (r->note[0] != '\0')
        json_builder_add_string_value (b, r->note);
      else
        json_builder_add_null_value (b);
    }
  add_bool (b, "sizing.self_expanding_sov_requirements_met",
            m->sizing.family[CUSP_VALVE_FAMILY_SELF_EXPANDING].sov_requirements_met);
  add_bool (b, "risk.annular_rupture", m->sizing.family[CUSP_VALVE_FAMILY_BALLOON_EXPANDABLE].annular_rupture_flag);
  add_bool (b, "risk.coronary_obstruction_left", m->sizing.left_coronary_flag);
  add_bool (b, "risk.coronary_obstruction_right", m->sizing.right_coronary_flag);
  add_bool (b, "risk.residual_sinus_balloon_expandable",
            m->sizing.family[CUSP_VALVE_FAMILY_BALLOON_EXPANDABLE].residual_sinus_flag);
  add_point (b, "annulus.center_mm", m->annulus_center_mm);
  add_point (b, "annulus.normal", m->annulus_normal);

  if (landmarks != NULL)
    {
      json_builder_set_member_name (b, "landmarks");
      cusp_measure_add_landmarks_json (b, landmarks);
    }
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; m->warnings != NULL && i < m->warnings->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (m->warnings, i));
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

/* ---- reading ---- */

static gboolean
read_point (JsonObject *obj, const char *name, double out[3], GError **error)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, name) : NULL;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (array = json_node_get_array (node)) != 3)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The landmarks file has no point \"%s\" of three numbers", name);
      return FALSE;
    }
  for (int i = 0; i < 3; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      if (json_node_get_value_type (element) != G_TYPE_DOUBLE &&
          json_node_get_value_type (element) != G_TYPE_INT64)
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                       "The landmark \"%s\" holds something that is not a number", name);
          return FALSE;
        }
      out[i] = json_node_get_double (element);
      if (!isfinite (out[i]))
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                       "The landmark \"%s\" is not a finite position", name);
          return FALSE;
        }
    }
  return TRUE;
}

static JsonObject *
object_member (JsonObject *obj, const char *name)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, name) : NULL;
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

gboolean
cusp_measure_landmarks_from_json (const char *data, gssize length, CuspLandmarks *out, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  JsonObject *root, *hinges, *comm;
  JsonNode *root_node, *centerline;
  gboolean truth_format;

  g_return_val_if_fail (data != NULL && out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The landmarks file is not valid JSON: %s", parse_error->message);
      return FALSE;
    }
  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "The landmarks file does not hold a JSON object");
      return FALSE;
    }
  root = json_node_get_object (root_node);
  /* A measurement output nests them under "landmarks"; a phantom truth file has its own names. */
  if (object_member (root, "landmarks") != NULL)
    root = object_member (root, "landmarks");
  truth_format = object_member (root, "coronary") != NULL;
  hinges = object_member (root, "hinges_mm");
  comm = object_member (root, "commissures_mm");
  if (hinges == NULL || comm == NULL)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The landmarks file has no \"%s\" object (points by cusp or commissure name)",
                   hinges == NULL ? "hinges_mm" : "commissures_mm");
      return FALSE;
    }
  for (int k = 0; k < CUSP_CUSP_COUNT; k++)
    if (!read_point (hinges, cusp_names[k], out->hinge_mm[k], error))
      return FALSE;
  for (int k = 0; k < CUSP_COMMISSURE_COUNT; k++)
    if (!read_point (comm, commissure_names[k], out->commissure_mm[k], error))
      return FALSE;
  if (truth_format)
    {
      JsonObject *coronary = object_member (root, "coronary");
      if (!read_point (object_member (coronary, "left"), "ostium_mm", out->left_ostium_mm, error) ||
          !read_point (object_member (coronary, "right"), "ostium_mm", out->right_ostium_mm, error) ||
          !read_point (object_member (root, "stj"), "center_mm", out->stj_center_mm, error))
        return FALSE;
    }
  else if (!read_point (root, "left_ostium_mm", out->left_ostium_mm, error) ||
           !read_point (root, "right_ostium_mm", out->right_ostium_mm, error) ||
           !read_point (root, "stj_center_mm", out->stj_center_mm, error))
    return FALSE;

  centerline = json_object_get_member (root, "centerline_mm");
  if (centerline != NULL && JSON_NODE_HOLDS_ARRAY (centerline))
    {
      JsonArray *array = json_node_get_array (centerline);
      guint n = MIN (json_array_get_length (array), CUSP_LANDMARKS_MAX_CENTERLINE);
      for (guint i = 0; i < n; i++)
        {
          JsonNode *p = json_array_get_element (array, i);
          JsonArray *xyz;
          if (!JSON_NODE_HOLDS_ARRAY (p) || json_array_get_length (xyz = json_node_get_array (p)) != 3)
            {
              g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                           "Centerline point %u is not three numbers", i);
              return FALSE;
            }
          for (int k = 0; k < 3; k++)
            {
              JsonNode *e = json_array_get_element (xyz, k);
              double x = JSON_NODE_HOLDS_VALUE (e) ? json_node_get_double (e) : NAN;
              if (!isfinite (x))
                {
                  g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                               "Centerline point %u is not a finite position", i);
                  return FALSE;
                }
              out->centerline_mm[i][k] = x;
            }
        }
      out->centerline_count = n;
    }
  return TRUE;
}
