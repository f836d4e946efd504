/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-plan.c: plans, their result snapshots and which plan is worst per key. */
#include "cusp-plan.h"
#include "cusp-error.h"

#include <math.h>

/* Thresholds in words with their source (DOMAIN.md 4, sim/cusp-sim-risk.c, sim/cusp-sim-flow.h). */
static const CuspPlanKey keys[] = {
  { "pvl.grade", "Paravalvular leak grade", "", CUSP_PLAN_WORSE_HIGHER, TRUE,
    "VARC-2 by regurgitant volume: < 30 mL mild, 30-59 moderate, >= 60 severe" },
  { "pvl.regurgitant_volume_ml", "Regurgitant volume", "mL/beat", CUSP_PLAN_WORSE_HIGHER, FALSE,
    "VARC-2: >= 30 mL moderate, >= 60 mL severe" },
  { "pvl.eroa_cm2", "Leak EROA", "cm²", CUSP_PLAN_WORSE_HIGHER, FALSE,
    "VARC-2: >= 0.10 cm² moderate, >= 0.30 cm² severe" },
  { "pvl.circumferential_extent_pct", "Leak circumferential extent", "%", CUSP_PLAN_WORSE_HIGHER, FALSE,
    "VARC-2: 10-29 % moderate, >= 30 % severe" },
  { "sealing.apposition_pct", "Apposition", "%", CUSP_PLAN_WORSE_LOWER, FALSE, NULL },
  { "coronary.left.obstruction_risk", "Left coronary risk", "", CUSP_PLAN_WORSE_HIGHER, TRUE,
    "Khan et al., JACC CV Interv 2023; Heitkemper et al., JTCVS 2020" },
  { "coronary.left.vtc_mm", "Left VTC", "mm", CUSP_PLAN_WORSE_LOWER, FALSE,
    "VTC <= 4 mm with leaflet taller than the ostium (Khan et al., JACC CV Interv 2023)" },
  { "coronary.right.obstruction_risk", "Right coronary risk", "", CUSP_PLAN_WORSE_HIGHER, TRUE,
    "Khan et al., JACC CV Interv 2023; Heitkemper et al., JTCVS 2020" },
  { "coronary.right.vtc_mm", "Right VTC", "mm", CUSP_PLAN_WORSE_LOWER, FALSE,
    "VTC <= 4 mm with leaflet taller than the ostium (Khan et al., JACC CV Interv 2023)" },
  { "conduction.risk", "Conduction risk", "", CUSP_PLAN_WORSE_HIGHER, TRUE,
    "implant depth beyond the membranous septum (Hokken et al., CCI 2022)" },
  { "septum.mean_contact_pressure_pa", "Septal contact pressure", "Pa", CUSP_PLAN_WORSE_HIGHER, FALSE,
    "0.52 MPa deep vs 0.018 MPa high implant (Reza/Bluestein 2024, FE proxy)" },
  { "implant.depth_mm", "Implant depth", "mm", CUSP_PLAN_WORSE_HIGHER, FALSE, NULL },
  { "rupture.risk", "Annular rupture risk", "", CUSP_PLAN_WORSE_HIGHER, TRUE,
    "area oversizing >= 20 % (Barbanti et al., Circulation 2013); stretch > 1.8 (Sirset et al., 2023)" },
  { "rupture.area_oversizing_pct", "Area oversizing", "%", CUSP_PLAN_WORSE_HIGHER, FALSE,
    ">= 20 % (Barbanti et al., Circulation 2013)" },
  { "annulus.peak_areal_stretch", "Annulus peak areal stretch", "", CUSP_PLAN_WORSE_HIGHER, FALSE,
    "> 1.8 (Sirset et al., JACC CV Interv 2023)" },
  { "frame.inflow_dmin_mm", "Frame inflow Dmin", "mm", CUSP_PLAN_WORSE_NONE, FALSE, NULL },
  { "frame.inflow_dmax_mm", "Frame inflow Dmax", "mm", CUSP_PLAN_WORSE_NONE, FALSE, NULL },
  { "frame.mid_dmin_mm", "Frame mid Dmin", "mm", CUSP_PLAN_WORSE_NONE, FALSE, NULL },
  { "frame.mid_dmax_mm", "Frame mid Dmax", "mm", CUSP_PLAN_WORSE_NONE, FALSE, NULL },
  { "frame.outflow_dmin_mm", "Frame outflow Dmin", "mm", CUSP_PLAN_WORSE_NONE, FALSE, NULL },
  { "frame.outflow_dmax_mm", "Frame outflow Dmax", "mm", CUSP_PLAN_WORSE_NONE, FALSE, NULL },
  { "frame.mid_expansion_pct", "Frame mid expansion", "%", CUSP_PLAN_WORSE_LOWER, FALSE, NULL },
  { "solve.converged", "Solver converged", "", CUSP_PLAN_WORSE_LOWER, FALSE, NULL },
  { "solve.residual", "Solver residual", "", CUSP_PLAN_WORSE_HIGHER, FALSE, NULL },
};

const CuspPlanKey *
cusp_plan_keys (guint *n_keys)
{
  if (n_keys != NULL)
    *n_keys = G_N_ELEMENTS (keys);
  return keys;
}

int
cusp_plan_key_index (const char *key)
{
  for (guint i = 0; key != NULL && i < G_N_ELEMENTS (keys); i++)
    if (g_str_equal (keys[i].key, key))
      return (int) i;
  return -1;
}

int
cusp_plan_text_rank (const char *text)
{
  static const char *const levels[] = { "green", "amber", "red" };
  static const char *const grades[] = { "none_trace", "mild", "moderate", "severe" };

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (levels); i++)
    if (g_str_equal (text, levels[i]))
      return (int) i;
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (grades); i++)
    if (g_str_equal (text, grades[i]))
      return (int) i;
  return -1;
}

CuspPlan *
cusp_plan_new (const char *name,
               const char *device_id,
               double      depth_mm,
               double      tilt_deg,
               double      rotation_deg)
{
  CuspPlan *plan;

  g_return_val_if_fail (name != NULL && device_id != NULL, NULL);

  plan = g_new0 (CuspPlan, 1);
  plan->name = g_strdup (name);
  plan->device_id = g_strdup (device_id);
  plan->depth_mm = depth_mm;
  plan->tilt_deg = tilt_deg;
  plan->rotation_deg = rotation_deg;
  plan->values = g_new (double, G_N_ELEMENTS (keys));
  plan->texts = g_new0 (char *, G_N_ELEMENTS (keys));
  cusp_plan_clear_result (plan);
  return plan;
}

CuspPlan *
cusp_plan_copy (const CuspPlan *plan)
{
  CuspPlan *copy;

  g_return_val_if_fail (plan != NULL, NULL);

  copy = cusp_plan_new (plan->name, plan->device_id, plan->depth_mm, plan->tilt_deg,
                        plan->rotation_deg);
  copy->has_result = plan->has_result;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      copy->values[i] = plan->values[i];
      copy->texts[i] = g_strdup (plan->texts[i]);
    }
  return copy;
}

void
cusp_plan_free (CuspPlan *plan)
{
  if (plan == NULL)
    return;
  cusp_plan_clear_result (plan);
  g_free (plan->name);
  g_free (plan->device_id);
  g_free (plan->values);
  g_free (plan->texts);
  g_free (plan);
}

void
cusp_plan_clear_result (CuspPlan *plan)
{
  g_return_if_fail (plan != NULL);

  plan->has_result = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      plan->values[i] = NAN;
      g_clear_pointer (&plan->texts[i], g_free);
    }
}

/* Exact equality, NaN equal to NaN: a saved and reopened plan must come back bit for bit
 * (numbers are written with 17 significant digits). */
static gboolean
same_number (double a, double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

gboolean
cusp_plan_equal (const CuspPlan *a,
                 const CuspPlan *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (g_strcmp0 (a->name, b->name) != 0 || g_strcmp0 (a->device_id, b->device_id) != 0
      || !same_number (a->depth_mm, b->depth_mm) || !same_number (a->tilt_deg, b->tilt_deg)
      || !same_number (a->rotation_deg, b->rotation_deg) || a->has_result != b->has_result)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (!same_number (a->values[i], b->values[i]) || g_strcmp0 (a->texts[i], b->texts[i]) != 0)
      return FALSE;
  return TRUE;
}

gboolean
cusp_plan_set_result_from_json (CuspPlan    *plan,
                                JsonObject  *object,
                                GError     **error)
{
  g_autofree double *values = g_new (double, G_N_ELEMENTS (keys));
  g_autofree char **texts = g_new0 (char *, G_N_ELEMENTS (keys));

  g_return_val_if_fail (plan != NULL && object != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      JsonNode *node = json_object_get_member (object, keys[i].key);
      GType type = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node)
                                                                : G_TYPE_INVALID;

      values[i] = NAN;
      /* null is how simulate writes a number it could not compute */
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      if (keys[i].is_text && type == G_TYPE_STRING)
        texts[i] = g_strdup (json_node_get_string (node));
      else if (!keys[i].is_text && (type == G_TYPE_DOUBLE || type == G_TYPE_INT64))
        values[i] = json_node_get_double (node);
      else
        {
          for (guint k = 0; k < i; k++)
            g_free (texts[k]);
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "result key “%s” should be %s",
                       keys[i].key, keys[i].is_text ? "a string" : "a number or null");
          return FALSE;
        }
    }

  cusp_plan_clear_result (plan);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      plan->values[i] = values[i];
      plan->texts[i] = texts[i];
    }
  plan->has_result = TRUE;
  return TRUE;
}

JsonNode *
cusp_plan_result_to_json (const CuspPlan *plan)
{
  g_autoptr(JsonObject) object = NULL;
  JsonNode *node;

  g_return_val_if_fail (plan != NULL, NULL);

  if (!plan->has_result)
    return NULL;
  object = json_object_new ();
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      if (plan->texts[i] != NULL)
        json_object_set_string_member (object, keys[i].key, plan->texts[i]);
      else if (!isnan (plan->values[i]))
        json_object_set_double_member (object, keys[i].key, plan->values[i]);
    }
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);
  return node;
}

void
cusp_plan_unrate_ostium (CuspPlan *plan,
                         int       side)
{
  int index = cusp_plan_key_index (side == 0 ? "coronary.left.obstruction_risk" : "coronary.right.obstruction_risk");

  g_return_if_fail (plan != NULL && (side == 0 || side == 1));
  if (!plan->has_result || index < 0)
    return;
  g_free (plan->texts[index]);
  plan->texts[index] = g_strdup ("not rated");
}

char *
cusp_plan_format_value (const CuspPlan *plan,
                        guint           index)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  const char *unit;
  double value;

  g_return_val_if_fail (plan != NULL && index < G_N_ELEMENTS (keys), NULL);

  /* the stored grade keeps its stable spelling (the case file, the CLI); people read words */
  if (plan->texts[index] != NULL)
    return g_strdup (g_str_equal (plan->texts[index], "none_trace") ? "none/trace" : plan->texts[index]);
  value = plan->values[index];
  if (isnan (value))
    return g_strdup ("—");
  if (g_str_equal (keys[index].key, "solve.converged"))
    return g_strdup (value != 0.0 ? "yes" : "no");
  /* Three significant digits is what the model supports; only the solver's residual needs an
   * exponent ("4.72e-03 cm²" reads as noise to a clinician: 0.00472 cm²). */
  unit = keys[index].unit;
  /* contact pressures read in kPa, as the results panel shows them ("1.45e+04 Pa" did not) */
  if (g_str_equal (unit, "Pa"))
    {
      value /= 1000.0;
      unit = "kPa";
    }
  if (g_str_equal (keys[index].key, "solve.residual"))
    g_ascii_formatd (buffer, sizeof buffer, "%.2e", value);
  else
    g_ascii_formatd (buffer, sizeof buffer, fabs (value) < 5e-5 || fabs (value) >= 1000 ? "%.0f" : "%.3g", value);
  if (*unit == '\0')
    return g_strdup (buffer);
  return g_strdup_printf ("%s %s", buffer, unit);
}

static gboolean
plan_score (const CuspPlan *plan, guint index, double *score)
{
  if (keys[index].is_text)
    {
      int rank = cusp_plan_text_rank (plan->texts[index]);

      *score = rank;
      return rank >= 0;
    }
  *score = plan->values[index];
  return isfinite (*score);
}

int
cusp_plan_worst (CuspPlan *const *plans,
                 guint           n_plans,
                 guint           index)
{
  int worst = -1;
  double worst_score = 0.0;
  gboolean all_equal = TRUE;
  guint n_scored = 0;

  g_return_val_if_fail (index < G_N_ELEMENTS (keys), -1);

  if (keys[index].worse == CUSP_PLAN_WORSE_NONE)
    return -1;
  for (guint i = 0; i < n_plans; i++)
    {
      double score;

      if (!plan_score (plans[i], index, &score))
        continue;
      if (keys[index].worse == CUSP_PLAN_WORSE_LOWER)
        score = -score;
      if (n_scored > 0 && score != worst_score)
        all_equal = FALSE;
      if (worst < 0 || score > worst_score)
        {
          worst = (int) i;
          worst_score = score;
        }
      n_scored++;
    }
  return n_scored >= 2 && !all_equal ? worst : -1;
}
