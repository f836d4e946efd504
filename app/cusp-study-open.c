/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-study-open.c: making studies: the demo phantom on a worker thread, and files through the
 * isolated reader process (cusp-study-loader.h), both as cancellable async pairs. */
#include "cusp-config.h"
#include "cusp-study.h"
#include "cusp-error.h"
#include "cusp-phantom.h"
#include "cusp-study-loader.h"

#include <glib/gi18n.h>

/* ---- demo case ---- */

static void
cusp_study_demo_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  CuspPhantomDef def = cusp_phantom_default_def ();
  g_autoptr(CuspVolume) volume = NULL;
  GError *error = NULL;

  volume = cusp_phantom_generate (&def, NULL, cancellable, &error);
  if (volume == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (volume->description == NULL)
    volume->description = g_strdup (_("Synthetic aortic root"));
  g_task_return_pointer (task, cusp_study_new (volume, NULL, _("Demo case: synthetic aortic root")),
                         g_object_unref);
}

void
cusp_study_new_demo_async (GCancellable        *cancellable,
                           CuspLoadProgress    *progress,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (progress == NULL || CUSP_IS_LOAD_PROGRESS (progress));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cusp_study_new_demo_async);
  g_task_set_name (task, "cusp-study-demo");
  /* The generator reports no fraction: the bar pulses with this message. */
  if (progress != NULL)
    cusp_load_progress_update (progress, -1.0, _("Generating the demo case…"));
  g_task_run_in_thread (task, cusp_study_demo_thread);
}

CuspStudy *
cusp_study_new_demo_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cusp_study_new_demo_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- files, through the reader process ---- */

static void
cusp_study_forward_progress (double      fraction,
                             const char *message,
                             gpointer    user_data)
{
  cusp_load_progress_update (CUSP_LOAD_PROGRESS (user_data), fraction, message);
}

static void
cusp_study_file_loaded (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GFile *file = g_task_get_task_data (task);
  g_autoptr(CuspVolume) volume = NULL;
  g_autofree char *title = NULL;
  GError *error = NULL;

  volume = cusp_study_load_finish (result, &error);
  if (volume == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* A folder is better named by its series than by the folder. */
  if (volume->description != NULL && *volume->description != '\0'
      && g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
    {
      g_autofree char *folder = g_file_get_basename (file);
      title = g_strdup_printf ("%s — %s", folder, volume->description);
    }
  g_task_return_pointer (task, cusp_study_new (volume, file, title), g_object_unref);
}

void
cusp_study_open_async (GFile               *file,
                       const char          *series_uid,
                       GCancellable        *cancellable,
                       CuspLoadProgress    *progress,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;
  g_autofree char *path = NULL;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (progress == NULL || CUSP_IS_LOAD_PROGRESS (progress));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cusp_study_open_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_task_return_new_error (task, CUSP_ERROR, CUSP_ERROR_UNSUPPORTED,
                               _("%s is not a local file; copy it to this computer first"), uri);
      g_object_unref (task);
      return;
    }

  cusp_study_load_async (path, series_uid, cancellable,
                         progress ? cusp_study_forward_progress : NULL,
                         progress ? g_object_ref (progress) : NULL,
                         progress ? g_object_unref : NULL,
                         cusp_study_file_loaded, task);
}

CuspStudy *
cusp_study_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cusp_study_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
cusp_study_series_scanned (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GPtrArray *series;
  GError *error = NULL;

  series = cusp_study_scan_finish (result, &error);
  if (series == NULL)
    g_task_return_error (task, error);
  else if (series->len == 0)
    {
      g_ptr_array_unref (series);
      g_task_return_new_error (task, CUSP_ERROR, CUSP_ERROR_NOT_FOUND,
                               _("No image series was found in this folder"));
    }
  else
    g_task_return_pointer (task, series, (GDestroyNotify) g_ptr_array_unref);
}

void
cusp_study_list_series_async (GFile               *file,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  g_autofree char *path = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cusp_study_list_series_async);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_task_return_new_error (task, CUSP_ERROR, CUSP_ERROR_UNSUPPORTED,
                               _("%s is not a local folder; copy it to this computer first"), uri);
      g_object_unref (task);
      return;
    }
  cusp_study_scan_async (path, cancellable, cusp_study_series_scanned, task);
}

GPtrArray *
cusp_study_list_series_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cusp_study_list_series_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
