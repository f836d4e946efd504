/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-autosave.c: a debounced atomic write of the case after each change. */
#include "cusp-autosave.h"
#include "cusp-case-file.h"

#include <errno.h>
#include <glib/gstdio.h>

struct _CuspAutosave {
  GObject parent_instance;

  GWeakRef document;
  gulong changed_id;
  guint delay_ms;
  guint timeout_id;
  char *path;
  guint n_writes;
};

G_DEFINE_FINAL_TYPE (CuspAutosave, cusp_autosave, G_TYPE_OBJECT)

char *
cusp_autosave_dir (void)
{
  const char *override = g_getenv ("CUSP_AUTOSAVE_DIR");

  if (override != NULL && *override != '\0')
    return g_strdup (override);
  return g_build_filename (g_get_user_state_dir (), "cusp", "autosave", NULL);
}

static gboolean
cusp_autosave_write (CuspAutosave *self, GError **error)
{
  g_autoptr(CuspCase) document = g_weak_ref_get (&self->document);
  g_autofree char *dir = NULL;

  if (document == NULL)
    return TRUE;
  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "Cannot create the autosave folder %s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  if (!cusp_case_file_save (document, self->path, error))
    return FALSE;
  self->n_writes++;
  return TRUE;
}

static gboolean
cusp_autosave_timeout (gpointer user_data)
{
  CuspAutosave *self = user_data;
  g_autoptr(GError) error = NULL;

  self->timeout_id = 0;
  /* Nothing to show the user from here: the next change retries, and a failed autosave does not
   * touch the case the user is editing. */
  if (!cusp_autosave_write (self, &error))
    g_warning ("Autosave failed: %s", error->message);
  return G_SOURCE_REMOVE;
}

static void
cusp_autosave_changed (CuspCase     *document,
                       CuspAutosave *self)
{
  /* Restart the delay: a drag of the valve is many changes, one write after it stops. */
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add (self->delay_ms, cusp_autosave_timeout, self);
}

static void
cusp_autosave_disconnect (CuspAutosave *self)
{
  g_autoptr(CuspCase) document = g_weak_ref_get (&self->document);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (document != NULL && self->changed_id != 0)
    g_signal_handler_disconnect (document, self->changed_id);
  self->changed_id = 0;
  g_weak_ref_set (&self->document, NULL);
}

static void
cusp_autosave_finalize (GObject *object)
{
  CuspAutosave *self = CUSP_AUTOSAVE (object);

  cusp_autosave_disconnect (self);
  g_weak_ref_clear (&self->document);
  g_free (self->path);
  G_OBJECT_CLASS (cusp_autosave_parent_class)->finalize (object);
}

static void
cusp_autosave_class_init (CuspAutosaveClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cusp_autosave_finalize;
}

static void
cusp_autosave_init (CuspAutosave *self)
{
  g_weak_ref_init (&self->document, NULL);
}

CuspAutosave *
cusp_autosave_new (CuspCase *document,
                   guint     delay_ms)
{
  CuspAutosave *self;
  g_autofree char *dir = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (CUSP_IS_CASE (document), NULL);

  self = g_object_new (CUSP_TYPE_AUTOSAVE, NULL);
  g_weak_ref_set (&self->document, document);
  self->delay_ms = delay_ms;
  dir = cusp_autosave_dir ();
  uuid = g_uuid_string_random ();
  name = g_strconcat (uuid, ".cusp-case", NULL);
  self->path = g_build_filename (dir, name, NULL);
  self->changed_id = g_signal_connect (document, "changed", G_CALLBACK (cusp_autosave_changed), self);
  return self;
}

const char *
cusp_autosave_get_path (CuspAutosave *self)
{
  g_return_val_if_fail (CUSP_IS_AUTOSAVE (self), NULL);
  return self->path;
}

guint
cusp_autosave_get_n_writes (CuspAutosave *self)
{
  g_return_val_if_fail (CUSP_IS_AUTOSAVE (self), 0);
  return self->n_writes;
}

gboolean
cusp_autosave_flush (CuspAutosave  *self,
                     GError       **error)
{
  g_return_val_if_fail (CUSP_IS_AUTOSAVE (self), FALSE);

  if (self->timeout_id == 0)
    return TRUE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  return cusp_autosave_write (self, error);
}

void
cusp_autosave_discard (CuspAutosave *self)
{
  g_return_if_fail (CUSP_IS_AUTOSAVE (self));

  cusp_autosave_disconnect (self);
  if (g_unlink (self->path) != 0 && errno != ENOENT)
    g_warning ("Cannot remove the autosave %s: %s", self->path, g_strerror (errno));
}

typedef struct {
  char *path;
  gint64 mtime;
} Orphan;

static int
compare_newest_first (gconstpointer a, gconstpointer b)
{
  const Orphan *x = *(Orphan *const *) a, *y = *(Orphan *const *) b;

  return x->mtime < y->mtime ? 1 : x->mtime > y->mtime ? -1 : 0;
}

GPtrArray *
cusp_autosave_list_orphans (void)
{
  g_autofree char *dir_path = cusp_autosave_dir ();
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      Orphan *orphan;
      GStatBuf st;

      if (!g_str_has_suffix (name, ".cusp-case"))
        continue;
      orphan = g_new0 (Orphan, 1);
      orphan->path = g_build_filename (dir_path, name, NULL);
      orphan->mtime = g_stat (orphan->path, &st) == 0 ? (gint64) st.st_mtime : 0;
      g_ptr_array_add (found, orphan);
    }
  g_ptr_array_sort (found, compare_newest_first);
  for (guint i = 0; i < found->len; i++)
    {
      Orphan *orphan = g_ptr_array_index (found, i);

      g_ptr_array_add (paths, orphan->path);
      g_free (orphan);
    }
  return paths;
}
