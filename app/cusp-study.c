/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-study.c: the document model (volume + source + warnings). Opening lives in
 * cusp-study-open.c. */
#include "cusp-config.h"
#include "cusp-study.h"

#include <glib/gi18n.h>

struct _CuspStudy {
  GObject parent_instance;

  CuspVolume *volume;
  GFile *file;
  char *title;
  GPtrArray *no_warnings;
};

G_DEFINE_FINAL_TYPE (CuspStudy, cusp_study, G_TYPE_OBJECT)

static void
cusp_study_finalize (GObject *object)
{
  CuspStudy *self = CUSP_STUDY (object);

  g_clear_pointer (&self->volume, cusp_volume_unref);
  g_clear_object (&self->file);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->no_warnings, g_ptr_array_unref);
  G_OBJECT_CLASS (cusp_study_parent_class)->finalize (object);
}

static void
cusp_study_class_init (CuspStudyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cusp_study_finalize;
}

static void
cusp_study_init (CuspStudy *self)
{
  self->no_warnings = g_ptr_array_new ();
}

CuspStudy *
cusp_study_new (CuspVolume *volume,
                GFile      *file,
                const char *title)
{
  CuspStudy *self;

  g_return_val_if_fail (volume != NULL, NULL);
  g_return_val_if_fail (file == NULL || G_IS_FILE (file), NULL);

  self = g_object_new (CUSP_TYPE_STUDY, NULL);
  self->volume = cusp_volume_ref (volume);
  self->file = file ? g_object_ref (file) : NULL;
  if (title != NULL)
    self->title = g_strdup (title);
  else if (file != NULL)
    self->title = g_file_get_basename (file);
  else
    self->title = g_strdup (_("Untitled study"));
  return self;
}

CuspVolume *
cusp_study_get_volume (CuspStudy *self)
{
  g_return_val_if_fail (CUSP_IS_STUDY (self), NULL);
  return self->volume;
}

GFile *
cusp_study_get_file (CuspStudy *self)
{
  g_return_val_if_fail (CUSP_IS_STUDY (self), NULL);
  return self->file;
}

const char *
cusp_study_get_title (CuspStudy *self)
{
  g_return_val_if_fail (CUSP_IS_STUDY (self), NULL);
  return self->title;
}

gboolean
cusp_study_is_demo (CuspStudy *self)
{
  g_return_val_if_fail (CUSP_IS_STUDY (self), FALSE);
  return self->file == NULL;
}

GPtrArray *
cusp_study_get_warnings (CuspStudy *self)
{
  g_return_val_if_fail (CUSP_IS_STUDY (self), NULL);
  return self->volume->warnings ? self->volume->warnings : self->no_warnings;
}

char *
cusp_study_describe (CuspStudy *self)
{
  const CuspVolume *v;
  const char *values;

  g_return_val_if_fail (CUSP_IS_STUDY (self), NULL);

  v = self->volume;
  /* Translators: how the voxel values of a study are described in its header subtitle. */
  values = v->hounsfield ? _("HU") : _("not HU");
  /* Translators: image size · voxel size · modality (value kind), e.g.
   * "512 × 512 × 300 · 0.70 × 0.70 × 1.00 mm · CT (HU)". */
  return g_strdup_printf (_("%d × %d × %d · %.2f × %.2f × %.2f mm · %s (%s)"),
                          v->dims[0], v->dims[1], v->dims[2],
                          v->spacing_mm[0], v->spacing_mm[1], v->spacing_mm[2],
                          cusp_modality_to_string (v->modality), values);
}
