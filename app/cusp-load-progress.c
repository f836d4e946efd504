/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-load-progress.c: thread-safe progress with one coalesced main-thread notification. */
#include "cusp-load-progress.h"

struct _CuspLoadProgress {
  GObject parent_instance;

  GMutex mutex;
  /* Guarded by `mutex`: what the worker last reported. */
  double pending_fraction;
  char *pending_message;
  guint idle_id;

  /* Main thread only: what the properties report. */
  double fraction;
  char *message;
};

G_DEFINE_FINAL_TYPE (CuspLoadProgress, cusp_load_progress, G_TYPE_OBJECT)

enum { PROP_0, PROP_FRACTION, PROP_MESSAGE, N_PROPS };
static GParamSpec *properties[N_PROPS];

static gboolean
cusp_load_progress_publish (gpointer data)
{
  CuspLoadProgress *self = data;
  double fraction;
  g_autofree char *message = NULL;

  g_mutex_lock (&self->mutex);
  fraction = self->pending_fraction;
  message = g_strdup (self->pending_message);
  self->idle_id = 0;
  g_mutex_unlock (&self->mutex);

  if (fraction != self->fraction)
    {
      self->fraction = fraction;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }
  if (g_strcmp0 (message, self->message) != 0)
    {
      g_free (self->message);
      self->message = g_steal_pointer (&message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }
  return G_SOURCE_REMOVE;
}

void
cusp_load_progress_update (CuspLoadProgress *self,
                           double            fraction,
                           const char       *message)
{
  g_return_if_fail (CUSP_IS_LOAD_PROGRESS (self));

  g_mutex_lock (&self->mutex);
  self->pending_fraction = fraction < 0.0 ? -1.0 : CLAMP (fraction, 0.0, 1.0);
  if (message != NULL && g_strcmp0 (message, self->pending_message) != 0)
    {
      g_free (self->pending_message);
      self->pending_message = g_strdup (message);
    }
  /* The idle holds a reference so a window closed mid-load cannot leave it dangling. */
  if (self->idle_id == 0)
    self->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, cusp_load_progress_publish,
                                     g_object_ref (self), g_object_unref);
  g_mutex_unlock (&self->mutex);
}

double
cusp_load_progress_get_fraction (CuspLoadProgress *self)
{
  g_return_val_if_fail (CUSP_IS_LOAD_PROGRESS (self), 0.0);
  return self->fraction;
}

const char *
cusp_load_progress_get_message (CuspLoadProgress *self)
{
  g_return_val_if_fail (CUSP_IS_LOAD_PROGRESS (self), NULL);
  return self->message;
}

static void
cusp_load_progress_finalize (GObject *object)
{
  CuspLoadProgress *self = CUSP_LOAD_PROGRESS (object);

  g_free (self->pending_message);
  g_free (self->message);
  g_mutex_clear (&self->mutex);
  G_OBJECT_CLASS (cusp_load_progress_parent_class)->finalize (object);
}

static void
cusp_load_progress_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CuspLoadProgress *self = CUSP_LOAD_PROGRESS (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cusp_load_progress_class_init (CuspLoadProgressClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cusp_load_progress_finalize;
  object_class->get_property = cusp_load_progress_get_property;

  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, -1.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cusp_load_progress_init (CuspLoadProgress *self)
{
  g_mutex_init (&self->mutex);
}

CuspLoadProgress *
cusp_load_progress_new (void)
{
  return g_object_new (CUSP_TYPE_LOAD_PROGRESS, NULL);
}
