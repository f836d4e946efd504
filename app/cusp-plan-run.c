/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-plan-run.c: runs `cusp-cli simulate --json` for a plan on a worker thread. */
#include "cusp-config.h"
#include "cusp-plan-run.h"
#include "cusp-error.h"
#include "cusp-image-io.h"
#include "cusp-measure-json.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

typedef struct {
  CuspPlan *plan;
  char *study_path;
  CuspVolume *volume;
  CuspLandmarks *landmarks;
} RunData;

static void
run_data_free (RunData *data)
{
  cusp_plan_free (data->plan);
  g_free (data->study_path);
  g_clear_pointer (&data->volume, cusp_volume_unref);
  g_free (data->landmarks);
  g_free (data);
}

/* CUSP_CLI, else the one built next to this build's reader, else the one on PATH. */
static char *
find_cli (void)
{
  const char *env = g_getenv ("CUSP_CLI");
  g_autofree char *build_root = g_path_get_dirname (CUSP_BUILD_LIBEXECDIR);
  g_autofree char *built = g_build_filename (build_root, "cusp-cli", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&built);
  return g_find_program_in_path ("cusp-cli");
}

static char *
number_arg (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value));
}

static gboolean
write_temp (const char *template, const char *contents, char **path, GError **error)
{
  int fd = g_file_open_tmp (template, path, error);

  if (fd < 0)
    return FALSE;
  close (fd);
  return g_file_set_contents (*path, contents, -1, error);
}

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RunData *data = task_data;
  g_autofree char *cli = find_cli ();
  g_autofree char *image = NULL;
  g_autofree char *landmarks_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *depth = number_arg (data->plan->depth_mm);
  g_autofree char *tilt = number_arg (data->plan->tilt_deg);
  g_autofree char *rotation = number_arg (data->plan->rotation_deg);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(CuspPlan) plan = cusp_plan_copy (data->plan);
  GError *error = NULL;

  if (cli == NULL)
    {
      g_task_return_new_error (task, CUSP_ERROR, CUSP_ERROR_NOT_FOUND,
                               "cusp-cli was not found: it computes the plan's results");
      return;
    }
  if (data->study_path == NULL)
    {
      g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "cusp", NULL);

      image = g_build_filename (dir, "demo-case.mha", NULL);
      if (g_mkdir_with_parents (dir, 0700) != 0
          || (!g_file_test (image, G_FILE_TEST_EXISTS) && !cusp_image_write (data->volume, image, &error)))
        {
          g_task_return_new_error (task, CUSP_ERROR, CUSP_ERROR_FAILED,
                                   "Cannot write the demo study for the solver: %s",
                                   error ? error->message : g_strerror (errno));
          g_clear_error (&error);
          return;
        }
    }
  if (data->landmarks != NULL)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *json = NULL;

      cusp_measure_add_landmarks_json (builder, data->landmarks);
      root = json_builder_get_root (builder);
      json = json_to_string (root, FALSE);
      if (!write_temp ("cusp-landmarks-XXXXXX.json", json, &landmarks_path, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }

  g_ptr_array_add (argv, cli);
  g_ptr_array_add (argv, "simulate");
  g_ptr_array_add (argv, data->study_path ? data->study_path : image);
  g_ptr_array_add (argv, "--device");
  g_ptr_array_add (argv, data->plan->device_id);
  g_ptr_array_add (argv, "--depth-mm");
  g_ptr_array_add (argv, depth);
  g_ptr_array_add (argv, "--tilt-deg");
  g_ptr_array_add (argv, tilt);
  g_ptr_array_add (argv, "--rotation-deg");
  g_ptr_array_add (argv, rotation);
  if (landmarks_path != NULL)
    {
      g_ptr_array_add (argv, "--landmarks");
      g_ptr_array_add (argv, landmarks_path);
    }
  g_ptr_array_add (argv, "--json");
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  if (process != NULL && !g_subprocess_communicate_utf8 (process, NULL, cancellable, &out, &err, &error))
    g_subprocess_force_exit (process);
  if (landmarks_path != NULL)
    g_unlink (landmarks_path);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      /* cusp-cli prints one line "cusp-cli simulate: message" */
      g_task_return_new_error (task, CUSP_ERROR, CUSP_ERROR_FAILED, "The simulation failed: %s",
                               err && *err ? g_strstrip (err) : "cusp-cli simulate stopped");
      return;
    }
  if (!json_parser_load_from_data (parser, out, -1, &error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
      || !cusp_plan_set_result_from_json (plan, json_node_get_object (json_parser_get_root (parser)), &error))
    {
      g_task_return_new_error (task, CUSP_ERROR, CUSP_ERROR_FAILED,
                               "cusp-cli simulate printed an unexpected answer: %s",
                               error ? error->message : "not a JSON object");
      g_clear_error (&error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&plan), (GDestroyNotify) cusp_plan_free);
}

void
cusp_plan_run_async (const CuspPlan       *plan,
                     const char           *study_path,
                     CuspVolume           *volume,
                     const CuspLandmarks  *landmarks,
                     GCancellable         *cancellable,
                     GAsyncReadyCallback   callback,
                     gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  RunData *data;

  g_return_if_fail (plan != NULL);
  g_return_if_fail (study_path != NULL || volume != NULL);

  data = g_new0 (RunData, 1);
  data->plan = cusp_plan_copy (plan);
  data->study_path = g_strdup (study_path);
  data->volume = volume ? cusp_volume_ref (volume) : NULL;
  data->landmarks = landmarks ? g_memdup2 (landmarks, sizeof *landmarks) : NULL;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cusp_plan_run_async);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (task, run_thread);
}

CuspPlan *
cusp_plan_run_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
