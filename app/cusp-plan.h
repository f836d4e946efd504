/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-plan.h: one candidate plan (device, pose, name) and the snapshot of its last result.
 *
 * The result keys are the stable keys of `cusp-cli simulate --json`; each key has a label, a
 * unit and which direction is worse, so a comparison can name the worst plan for every row
 * without knowing what the key means. GTK-free: the case file, the report and the tests use it. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  CUSP_PLAN_WORSE_NONE,         /* informative only: no plan is "worst" */
  CUSP_PLAN_WORSE_HIGHER,
  CUSP_PLAN_WORSE_LOWER,
} CuspPlanWorse;

typedef struct {
  const char *key;              /* stable key of `cusp-cli simulate --json` */
  const char *label;            /* for people, untranslated English (the report is English) */
  const char *unit;             /* "" when dimensionless */
  CuspPlanWorse worse;
  gboolean is_text;             /* a level ("green"...) or a grade ("mild"...), ranked by cusp_plan_text_rank */
  const char *threshold;        /* the rule and its source, NULL when none applies */
} CuspPlanKey;

/* The compared keys, in table order. */
const CuspPlanKey *cusp_plan_keys       (guint *n_keys);
/* Index of `key` in cusp_plan_keys(), -1 when it is not one. */
int                cusp_plan_key_index  (const char *key);
/* Severity of a level or grade ("green" 0, "amber" 1, "red" 2; "none_trace" 0 ... "severe" 3),
 * -1 for anything else. */
int                cusp_plan_text_rank  (const char *text);

typedef struct {
  char *name;
  char *device_id;              /* a device library id, e.g. "sapien3-class-26" */
  double depth_mm;              /* below the annulus plane, along the root axis */
  double tilt_deg;
  double rotation_deg;          /* about the valve axis (commissural alignment) */
  /* The last result: one slot per cusp_plan_keys() entry; NAN / NULL where the key is absent.
   * has_result is FALSE until a simulation finished for this very pose. */
  gboolean has_result;
  double *values;
  char **texts;
} CuspPlan;

CuspPlan  *cusp_plan_new            (const char     *name,
                                     const char     *device_id,
                                     double          depth_mm,
                                     double          tilt_deg,
                                     double          rotation_deg);
CuspPlan  *cusp_plan_copy           (const CuspPlan *plan);
void       cusp_plan_free           (CuspPlan       *plan);
gboolean   cusp_plan_equal          (const CuspPlan *a,
                                     const CuspPlan *b);
/* Forgets the result: the pose or device changed. */
void       cusp_plan_clear_result   (CuspPlan       *plan);

/* Takes the result from the object `cusp-cli simulate --json` prints. Keys it does not know are
 * ignored; a known key of the wrong type is an error naming the key. */
gboolean   cusp_plan_set_result_from_json (CuspPlan    *plan,
                                           JsonObject  *object,
                                           GError     **error);
/* The result as {key: number | string}, only the keys present; NULL without a result. */
JsonNode  *cusp_plan_result_to_json (const CuspPlan *plan);

/* For a coronary ostium the segmentation only proposed (left 0, right 1), the plan's obstruction
 * risk reads "not rated": a light on an ostium nobody has seen would be a guess shown as a
 * finding. No-op for a plan without a result. */
void       cusp_plan_unrate_ostium  (CuspPlan       *plan,
                                     int             side);

/* The displayed text of key `index` for this plan ("12.3 mm", "mild", "—"). */
char      *cusp_plan_format_value   (const CuspPlan *plan,
                                     guint           index);
/* Which of `n_plans` plans is worst for key `index`, -1 when none is (all equal, no direction,
 * fewer than two values). */
int        cusp_plan_worst          (CuspPlan *const *plans,
                                     guint           n_plans,
                                     guint           index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspPlan, cusp_plan_free)

G_END_DECLS
