/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-case.c: the rehearsal document and its dirty flag. */
#include "cusp-case.h"

#include <math.h>
#include <string.h>

struct _CuspCase {
  GObject parent_instance;

  char *study_path;
  char *study_sha256;
  CuspLandmarks *landmarks;     /* NULL: not corrected */
  GPtrArray *plans;             /* (element-type CuspPlan) */
  double window_center;         /* NAN: the study's automatic window */
  double window_width;
  double calcium_threshold_hu;  /* NAN: automatic (450 / 850 HU rule) */
  double septum_mm;             /* NAN: not measured */
  gboolean dirty;
};

G_DEFINE_FINAL_TYPE (CuspCase, cusp_case, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* One place marks dirty and tells listeners (autosave, the window's title, undo). */
static void
cusp_case_changed (CuspCase *self)
{
  self->dirty = TRUE;
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
cusp_case_finalize (GObject *object)
{
  CuspCase *self = CUSP_CASE (object);

  g_free (self->study_path);
  g_free (self->study_sha256);
  g_free (self->landmarks);
  g_ptr_array_unref (self->plans);
  G_OBJECT_CLASS (cusp_case_parent_class)->finalize (object);
}

static void
cusp_case_class_init (CuspCaseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cusp_case_finalize;

  /* Emitted after every edit of the document (not after cusp_case_mark_clean). */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cusp_case_init (CuspCase *self)
{
  self->plans = g_ptr_array_new_with_free_func ((GDestroyNotify) cusp_plan_free);
  self->window_center = NAN;
  self->window_width = NAN;
  self->calcium_threshold_hu = NAN;
  self->septum_mm = NAN;
}

CuspCase *
cusp_case_new (void)
{
  return g_object_new (CUSP_TYPE_CASE, NULL);
}

void
cusp_case_set_study (CuspCase   *self,
                     const char *path,
                     const char *sha256)
{
  g_return_if_fail (CUSP_IS_CASE (self));

  if (g_strcmp0 (path, self->study_path) == 0 && g_strcmp0 (sha256, self->study_sha256) == 0)
    return;
  {
    /* Copy first: the caller may pass this case's own strings. */
    char *new_path = g_strdup (path);
    char *new_sha256 = g_strdup (sha256);

    g_free (self->study_path);
    g_free (self->study_sha256);
    self->study_path = new_path;
    self->study_sha256 = new_sha256;
  }
  cusp_case_changed (self);
}

const char *
cusp_case_get_study_path (CuspCase *self)
{
  g_return_val_if_fail (CUSP_IS_CASE (self), NULL);
  return self->study_path;
}

const char *
cusp_case_get_study_sha256 (CuspCase *self)
{
  g_return_val_if_fail (CUSP_IS_CASE (self), NULL);
  return self->study_sha256;
}

gboolean
cusp_case_is_demo (CuspCase *self)
{
  g_return_val_if_fail (CUSP_IS_CASE (self), FALSE);
  return self->study_path == NULL;
}

void
cusp_case_set_landmarks (CuspCase            *self,
                         const CuspLandmarks *landmarks)
{
  g_return_if_fail (CUSP_IS_CASE (self));

  g_clear_pointer (&self->landmarks, g_free);
  if (landmarks != NULL)
    self->landmarks = g_memdup2 (landmarks, sizeof *landmarks);
  cusp_case_changed (self);
}

const CuspLandmarks *
cusp_case_get_landmarks (CuspCase *self)
{
  g_return_val_if_fail (CUSP_IS_CASE (self), NULL);
  return self->landmarks;
}

void
cusp_case_add_plan (CuspCase *self,
                    CuspPlan *plan)
{
  g_return_if_fail (CUSP_IS_CASE (self));
  g_return_if_fail (plan != NULL);

  g_ptr_array_add (self->plans, plan);
  cusp_case_changed (self);
}

void
cusp_case_remove_plan (CuspCase *self,
                       guint     index)
{
  g_return_if_fail (CUSP_IS_CASE (self));
  g_return_if_fail (index < self->plans->len);

  g_ptr_array_remove_index (self->plans, index);
  cusp_case_changed (self);
}

void
cusp_case_update_plan (CuspCase       *self,
                       guint           index,
                       const CuspPlan *plan)
{
  g_return_if_fail (CUSP_IS_CASE (self));
  g_return_if_fail (index < self->plans->len && plan != NULL);

  cusp_plan_free (g_ptr_array_index (self->plans, index));
  g_ptr_array_index (self->plans, index) = cusp_plan_copy (plan);
  cusp_case_changed (self);
}

guint
cusp_case_get_n_plans (CuspCase *self)
{
  g_return_val_if_fail (CUSP_IS_CASE (self), 0);
  return self->plans->len;
}

const CuspPlan *
cusp_case_get_plan (CuspCase *self,
                    guint     index)
{
  g_return_val_if_fail (CUSP_IS_CASE (self), NULL);
  g_return_val_if_fail (index < self->plans->len, NULL);
  return g_ptr_array_index (self->plans, index);
}

char *
cusp_case_next_plan_name (CuspCase *self)
{
  g_return_val_if_fail (CUSP_IS_CASE (self), NULL);

  for (guint n = self->plans->len + 1;; n++)
    {
      char *name = g_strdup_printf ("Plan %u", n);
      gboolean used = FALSE;

      for (guint i = 0; i < self->plans->len && !used; i++)
        used = g_str_equal (((CuspPlan *) g_ptr_array_index (self->plans, i))->name, name);
      if (!used)
        return name;
      g_free (name);
    }
}

void
cusp_case_set_window (CuspCase *self,
                      double    center,
                      double    width)
{
  g_return_if_fail (CUSP_IS_CASE (self));

  if (center == self->window_center && width == self->window_width)
    return;
  self->window_center = center;
  self->window_width = width;
  cusp_case_changed (self);
}

double
cusp_case_get_window_center (CuspCase *self)
{
  g_return_val_if_fail (CUSP_IS_CASE (self), NAN);
  return self->window_center;
}

double
cusp_case_get_window_width (CuspCase *self)
{
  g_return_val_if_fail (CUSP_IS_CASE (self), NAN);
  return self->window_width;
}

void
cusp_case_set_calcium_threshold_hu (CuspCase *self,
                                    double    threshold_hu)
{
  g_return_if_fail (CUSP_IS_CASE (self));

  self->calcium_threshold_hu = threshold_hu;
  cusp_case_changed (self);
}

double
cusp_case_get_calcium_threshold_hu (CuspCase *self)
{
  g_return_val_if_fail (CUSP_IS_CASE (self), NAN);
  return self->calcium_threshold_hu;
}

void
cusp_case_set_septum_mm (CuspCase *self,
                         double    septum_mm)
{
  g_return_if_fail (CUSP_IS_CASE (self));

  self->septum_mm = septum_mm;
  cusp_case_changed (self);
}

double
cusp_case_get_septum_mm (CuspCase *self)
{
  g_return_val_if_fail (CUSP_IS_CASE (self), NAN);
  return self->septum_mm;
}

gboolean
cusp_case_get_dirty (CuspCase *self)
{
  g_return_val_if_fail (CUSP_IS_CASE (self), FALSE);
  return self->dirty;
}

void
cusp_case_mark_clean (CuspCase *self)
{
  g_return_if_fail (CUSP_IS_CASE (self));
  self->dirty = FALSE;
}

void
cusp_case_mark_dirty (CuspCase *self)
{
  g_return_if_fail (CUSP_IS_CASE (self));
  cusp_case_changed (self);
}

static gboolean
same (double a, double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

gboolean
cusp_case_equal (CuspCase *a,
                 CuspCase *b)
{
  g_return_val_if_fail (CUSP_IS_CASE (a) && CUSP_IS_CASE (b), FALSE);

  if (g_strcmp0 (a->study_path, b->study_path) != 0
      || g_strcmp0 (a->study_sha256, b->study_sha256) != 0
      || (a->landmarks == NULL) != (b->landmarks == NULL)
      || !same (a->window_center, b->window_center) || !same (a->window_width, b->window_width)
      || !same (a->calcium_threshold_hu, b->calcium_threshold_hu) || !same (a->septum_mm, b->septum_mm)
      || a->plans->len != b->plans->len)
    return FALSE;
  /* Only the used centreline points count: the rest of the array is not part of the case. */
  if (a->landmarks != NULL
      && (memcmp (a->landmarks, b->landmarks, G_STRUCT_OFFSET (CuspLandmarks, centerline_count)) != 0
          || a->landmarks->centerline_count != b->landmarks->centerline_count
          || memcmp (a->landmarks->centerline_mm, b->landmarks->centerline_mm,
                     sizeof (double[3]) * (gsize) a->landmarks->centerline_count) != 0))
    return FALSE;
  for (guint i = 0; i < a->plans->len; i++)
    if (!cusp_plan_equal (g_ptr_array_index (a->plans, i), g_ptr_array_index (b->plans, i)))
      return FALSE;
  return TRUE;
}
