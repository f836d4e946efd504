/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-view-link.c: shared cursor, window/level and hover state of linked MPR views. */
#include "cusp-view-link.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Voxels looked at to find the auto window: enough for stable percentiles, quick to sort. */
#define AUTO_WINDOW_SAMPLES (1 << 18)

G_DEFINE_ENUM_TYPE (CuspWindowPreset, cusp_window_preset,
  G_DEFINE_ENUM_VALUE (CUSP_WINDOW_PRESET_CT_ANGIOGRAPHY, "ct-angiography"),
  G_DEFINE_ENUM_VALUE (CUSP_WINDOW_PRESET_CALCIUM, "calcium"),
  G_DEFINE_ENUM_VALUE (CUSP_WINDOW_PRESET_SOFT_TISSUE, "soft-tissue"),
  G_DEFINE_ENUM_VALUE (CUSP_WINDOW_PRESET_AUTO, "auto"))

struct _CuspViewLink {
  GObject parent_instance;

  CuspVolume *volume;
  double cursor_mm[3];
  double window_center;
  double window_width;
  gboolean hover_valid;
  double hover_mm[3];
  double hover_value;
  char *hover_text;
  CuspValveScene *valve_scene;
};

G_DEFINE_FINAL_TYPE (CuspViewLink, cusp_view_link, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_VOLUME,
  PROP_CURSOR_X_MM,
  PROP_CURSOR_Y_MM,
  PROP_CURSOR_Z_MM,
  PROP_WINDOW_CENTER,
  PROP_WINDOW_WIDTH,
  PROP_HOVER_VALID,
  PROP_HOVER_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

gboolean
cusp_view_nearest_value (const CuspVolume *volume,
                         const double      lps_mm[3],
                         double           *value)
{
  double ijk[3];
  int idx[3];

  if (volume == NULL)
    return FALSE;
  cusp_volume_lps_to_index (volume, lps_mm, ijk);
  for (int a = 0; a < 3; a++)
    {
      double rounded = floor (ijk[a] + 0.5);
      if (!(rounded >= 0.0 && rounded < volume->dims[a]))   /* also rejects NaN */
        return FALSE;
      idx[a] = (int) rounded;
    }
  if (value)
    *value = cusp_volume_get_value (volume, idx[0], idx[1], idx[2]);
  return TRUE;
}

char *
cusp_format_voxel_value (const CuspVolume *volume,
                         double            value)
{
  if (volume != NULL && volume->hounsfield)
    return g_strdup_printf ("%.0f HU", value);
  if (volume == NULL || volume->voxel_type == CUSP_VOXEL_INT16)
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%.4g", value);   /* display text: the user's own decimal mark */
}

char *
cusp_format_lps (const double lps_mm[3])
{
  static const char *negative = "RAI", *positive = "LPS";
  GString *text = g_string_new (NULL);

  for (int a = 0; a < 3; a++)
    g_string_append_printf (text, "%c %.1f ", lps_mm[a] < 0.0 ? negative[a] : positive[a],
                            fabs (lps_mm[a]));
  g_string_append (text, "mm");
  return g_string_free (text, FALSE);
}

static gboolean
direction_is_axis_aligned (const CuspVolume *volume)
{
  for (int i = 0; i < 9; i++)
    {
      double d = fabs (volume->direction[i]);
      if (d > 1e-6 && fabs (d - 1.0) > 1e-6)
        return FALSE;
    }
  return TRUE;
}

static void
constrain_cursor (const CuspVolume *volume, const double in_mm[3], double out_mm[3])
{
  double ijk[3];
  gboolean snap = direction_is_axis_aligned (volume);

  cusp_volume_lps_to_index (volume, in_mm, ijk);
  for (int a = 0; a < 3; a++)
    {
      if (!isfinite (ijk[a]))
        ijk[a] = 0.5 * (volume->dims[a] - 1);
      ijk[a] = CLAMP (ijk[a], 0.0, volume->dims[a] - 1.0);
      if (snap)
        ijk[a] = floor (ijk[a] + 0.5);
    }
  cusp_volume_index_to_lps (volume, ijk, out_mm);
}

static int
compare_floats (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

/* 0.5th and 99.5th percentiles of an evenly strided sample of the voxels. */
static void
auto_window (const CuspVolume *volume, double *center, double *width)
{
  gsize count = cusp_volume_voxel_count (volume);
  gsize stride = MAX (count / AUTO_WINDOW_SAMPLES, 1);
  g_autofree float *samples = g_new (float, count / stride + 1);
  gsize n = 0;
  double low, high;

  for (gsize i = 0; i < count; i += stride)
    {
      float v = volume->voxel_type == CUSP_VOXEL_INT16
                ? ((const int16_t *) volume->voxels)[i] : ((const float *) volume->voxels)[i];
      if (isfinite (v))
        samples[n++] = v;
    }
  if (n == 0)
    {
      *center = 0.0;
      *width = 1.0;
      return;
    }
  qsort (samples, n, sizeof *samples, compare_floats);
  low = samples[(gsize) (0.005 * (n - 1))];
  high = samples[(gsize) (0.995 * (n - 1))];
  *center = 0.5 * (low + high);
  *width = MAX (high - low, 1.0);
}

static void
update_hover_text (CuspViewLink *self)
{
  g_autofree char *value = NULL;
  g_autofree char *position = NULL;

  g_clear_pointer (&self->hover_text, g_free);
  if (!self->hover_valid)
    {
      self->hover_text = g_strdup ("");
      return;
    }
  value = cusp_format_voxel_value (self->volume, self->hover_value);
  position = cusp_format_lps (self->hover_mm);
  self->hover_text = g_strdup_printf ("%s · %s", value, position);
}

static void
cusp_view_link_finalize (GObject *object)
{
  CuspViewLink *self = CUSP_VIEW_LINK (object);

  g_clear_pointer (&self->volume, cusp_volume_unref);
  g_clear_pointer (&self->hover_text, g_free);
  g_clear_object (&self->valve_scene);
  G_OBJECT_CLASS (cusp_view_link_parent_class)->finalize (object);
}

static void
cusp_view_link_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CuspViewLink *self = CUSP_VIEW_LINK (object);

  switch (prop_id)
    {
    case PROP_VOLUME: g_value_set_boxed (value, self->volume); break;
    case PROP_CURSOR_X_MM: g_value_set_double (value, self->cursor_mm[0]); break;
    case PROP_CURSOR_Y_MM: g_value_set_double (value, self->cursor_mm[1]); break;
    case PROP_CURSOR_Z_MM: g_value_set_double (value, self->cursor_mm[2]); break;
    case PROP_WINDOW_CENTER: g_value_set_double (value, self->window_center); break;
    case PROP_WINDOW_WIDTH: g_value_set_double (value, self->window_width); break;
    case PROP_HOVER_VALID: g_value_set_boolean (value, self->hover_valid); break;
    case PROP_HOVER_TEXT: g_value_set_string (value, self->hover_text); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cusp_view_link_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CuspViewLink *self = CUSP_VIEW_LINK (object);
  double cursor[3];

  switch (prop_id)
    {
    case PROP_VOLUME:
      cusp_view_link_set_volume (self, g_value_get_boxed (value));
      break;
    case PROP_CURSOR_X_MM:
    case PROP_CURSOR_Y_MM:
    case PROP_CURSOR_Z_MM:
      memcpy (cursor, self->cursor_mm, sizeof cursor);
      cursor[prop_id - PROP_CURSOR_X_MM] = g_value_get_double (value);
      cusp_view_link_set_cursor (self, cursor);
      break;
    case PROP_WINDOW_CENTER:
      cusp_view_link_set_window (self, g_value_get_double (value), self->window_width);
      break;
    case PROP_WINDOW_WIDTH:
      cusp_view_link_set_window (self, self->window_center, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cusp_view_link_class_init (CuspViewLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = cusp_view_link_finalize;
  object_class->get_property = cusp_view_link_get_property;
  object_class->set_property = cusp_view_link_set_property;

  properties[PROP_VOLUME] =
    g_param_spec_boxed ("volume", NULL, NULL, CUSP_TYPE_VOLUME, rw);
  /* The cursor is three numbers so that each can be bound; LPS: x toward patient Left,
   * y toward Posterior, z toward Superior. */
  properties[PROP_CURSOR_X_MM] =
    g_param_spec_double ("cursor-x-mm", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, rw);
  properties[PROP_CURSOR_Y_MM] =
    g_param_spec_double ("cursor-y-mm", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, rw);
  properties[PROP_CURSOR_Z_MM] =
    g_param_spec_double ("cursor-z-mm", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, rw);
  properties[PROP_WINDOW_CENTER] =
    g_param_spec_double ("window-center", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 40.0, rw);
  properties[PROP_WINDOW_WIDTH] =
    g_param_spec_double ("window-width", NULL, NULL, 1.0, G_MAXDOUBLE, 400.0, rw);
  properties[PROP_HOVER_VALID] =
    g_param_spec_boolean ("hover-valid", NULL, NULL, FALSE, ro);
  properties[PROP_HOVER_TEXT] =
    g_param_spec_string ("hover-text", NULL, NULL, "", ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cusp_view_link_init (CuspViewLink *self)
{
  self->window_center = 40.0;
  self->window_width = 400.0;
  self->hover_text = g_strdup ("");
  self->valve_scene = cusp_valve_scene_new ();
}

CuspViewLink *
cusp_view_link_new (void)
{
  return g_object_new (CUSP_TYPE_VIEW_LINK, NULL);
}

void
cusp_view_link_set_volume (CuspViewLink *self,
                           CuspVolume   *volume)
{
  double centre_ijk[3], centre_mm[3] = { 0.0, 0.0, 0.0 };

  g_return_if_fail (CUSP_IS_VIEW_LINK (self));

  if (self->volume == volume)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  g_clear_pointer (&self->volume, cusp_volume_unref);
  if (volume != NULL)
    {
      self->volume = cusp_volume_ref (volume);
      for (int a = 0; a < 3; a++)
        centre_ijk[a] = 0.5 * (volume->dims[a] - 1);
      cusp_volume_index_to_lps (volume, centre_ijk, centre_mm);
      cusp_view_link_apply_preset (self, volume->hounsfield ? CUSP_WINDOW_PRESET_CT_ANGIOGRAPHY
                                                            : CUSP_WINDOW_PRESET_AUTO);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VOLUME]);
  cusp_view_link_set_cursor (self, centre_mm);
  cusp_view_link_set_hover (self, NULL);
  g_object_thaw_notify (G_OBJECT (self));
}

CuspVolume *
cusp_view_link_get_volume (CuspViewLink *self)
{
  g_return_val_if_fail (CUSP_IS_VIEW_LINK (self), NULL);
  return self->volume;
}

void
cusp_view_link_set_cursor (CuspViewLink *self,
                           const double  lps_mm[3])
{
  double cursor[3];

  g_return_if_fail (CUSP_IS_VIEW_LINK (self));
  g_return_if_fail (lps_mm != NULL);

  if (self->volume != NULL)
    constrain_cursor (self->volume, lps_mm, cursor);
  else
    for (int a = 0; a < 3; a++)
      cursor[a] = isfinite (lps_mm[a]) ? lps_mm[a] : 0.0;

  g_object_freeze_notify (G_OBJECT (self));
  for (int a = 0; a < 3; a++)
    if (cursor[a] != self->cursor_mm[a])
      {
        self->cursor_mm[a] = cursor[a];
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURSOR_X_MM + a]);
      }
  g_object_thaw_notify (G_OBJECT (self));
}

void
cusp_view_link_get_cursor (CuspViewLink *self,
                           double        lps_mm[3])
{
  g_return_if_fail (CUSP_IS_VIEW_LINK (self));
  memcpy (lps_mm, self->cursor_mm, sizeof self->cursor_mm);
}

void
cusp_view_link_set_window (CuspViewLink *self,
                           double        center,
                           double        width)
{
  g_return_if_fail (CUSP_IS_VIEW_LINK (self));

  if (!isfinite (center) || !isfinite (width))
    return;
  width = MAX (width, 1.0);
  g_object_freeze_notify (G_OBJECT (self));
  if (center != self->window_center)
    {
      self->window_center = center;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW_CENTER]);
    }
  if (width != self->window_width)
    {
      self->window_width = width;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW_WIDTH]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

double
cusp_view_link_get_window_center (CuspViewLink *self)
{
  g_return_val_if_fail (CUSP_IS_VIEW_LINK (self), 0.0);
  return self->window_center;
}

double
cusp_view_link_get_window_width (CuspViewLink *self)
{
  g_return_val_if_fail (CUSP_IS_VIEW_LINK (self), 1.0);
  return self->window_width;
}

void
cusp_view_link_apply_preset (CuspViewLink     *self,
                             CuspWindowPreset  preset)
{
  double center = 40.0, width = 400.0;

  g_return_if_fail (CUSP_IS_VIEW_LINK (self));

  switch (preset)
    {
    case CUSP_WINDOW_PRESET_CT_ANGIOGRAPHY: center = 200.0; width = 600.0; break;
    case CUSP_WINDOW_PRESET_CALCIUM: center = 450.0; width = 1500.0; break;
    case CUSP_WINDOW_PRESET_SOFT_TISSUE: center = 40.0; width = 400.0; break;
    case CUSP_WINDOW_PRESET_AUTO:
      if (self->volume != NULL)
        auto_window (self->volume, &center, &width);
      break;
    default:
      g_return_if_reached ();
    }
  cusp_view_link_set_window (self, center, width);
}

void
cusp_view_link_set_hover (CuspViewLink *self,
                          const double *lps_mm)
{
  gboolean was_valid;

  g_return_if_fail (CUSP_IS_VIEW_LINK (self));

  was_valid = self->hover_valid;
  self->hover_valid = lps_mm != NULL && cusp_view_nearest_value (self->volume, lps_mm, &self->hover_value);
  if (self->hover_valid)
    memcpy (self->hover_mm, lps_mm, sizeof self->hover_mm);
  if (!self->hover_valid && !was_valid)
    return;
  update_hover_text (self);
  g_object_freeze_notify (G_OBJECT (self));
  if (was_valid != self->hover_valid)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOVER_VALID]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOVER_TEXT]);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
cusp_view_link_get_hover (CuspViewLink *self,
                          double        lps_mm[3],
                          double       *value)
{
  g_return_val_if_fail (CUSP_IS_VIEW_LINK (self), FALSE);

  if (!self->hover_valid)
    return FALSE;
  if (lps_mm)
    memcpy (lps_mm, self->hover_mm, sizeof self->hover_mm);
  if (value)
    *value = self->hover_value;
  return TRUE;
}

const char *
cusp_view_link_get_hover_text (CuspViewLink *self)
{
  g_return_val_if_fail (CUSP_IS_VIEW_LINK (self), "");
  return self->hover_text;
}

CuspValveScene *
cusp_view_link_get_valve_scene (CuspViewLink *self)
{
  g_return_val_if_fail (CUSP_IS_VIEW_LINK (self), NULL);
  return self->valve_scene;
}
