/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-case-file.c: the `.cusp-case` JSON format (docs/case-format.md): write, checked read,
 * study content hash. */
#include "cusp-case-file.h"
#include "cusp-user-limits.h"
#include "cusp-error.h"
#include "cusp-measure-json.h"

#include <math.h>
#include <string.h>

/* ---- writing ---- */

static void
add_number_or_null (JsonBuilder *builder, const char *name, double value)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_plan (JsonBuilder *builder, const CuspPlan *plan)
{
  g_autoptr(JsonNode) result = cusp_plan_result_to_json (plan);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, plan->name);
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, plan->device_id);
  json_builder_set_member_name (builder, "pose");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "depth_mm");
  json_builder_add_double_value (builder, plan->depth_mm);
  json_builder_set_member_name (builder, "tilt_deg");
  json_builder_add_double_value (builder, plan->tilt_deg);
  json_builder_set_member_name (builder, "rotation_deg");
  json_builder_add_double_value (builder, plan->rotation_deg);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "result");
  if (result != NULL)
    json_builder_add_value (builder, g_steal_pointer (&result));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

char *
cusp_case_file_to_data (CuspCase *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const CuspLandmarks *landmarks;

  g_return_val_if_fail (CUSP_IS_CASE (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, CUSP_CASE_FILE_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, CUSP_CASE_FILE_VERSION);

  json_builder_set_member_name (builder, "study");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "demo");
  json_builder_add_boolean_value (builder, cusp_case_is_demo (self));
  json_builder_set_member_name (builder, "path");
  if (cusp_case_get_study_path (self) != NULL)
    json_builder_add_string_value (builder, cusp_case_get_study_path (self));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "sha256");
  if (cusp_case_get_study_sha256 (self) != NULL)
    json_builder_add_string_value (builder, cusp_case_get_study_sha256 (self));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "landmarks");
  landmarks = cusp_case_get_landmarks (self);
  if (landmarks != NULL)
    cusp_measure_add_landmarks_json (builder, landmarks);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "plans");
  json_builder_begin_array (builder);
  for (guint i = 0; i < cusp_case_get_n_plans (self); i++)
    add_plan (builder, cusp_case_get_plan (self, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "settings");
  json_builder_begin_object (builder);
  add_number_or_null (builder, "window_center", cusp_case_get_window_center (self));
  add_number_or_null (builder, "window_width", cusp_case_get_window_width (self));
  add_number_or_null (builder, "calcium_threshold_hu", cusp_case_get_calcium_threshold_hu (self));
  add_number_or_null (builder, "membranous_septum_mm", cusp_case_get_septum_mm (self));
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

gboolean
cusp_case_file_save (CuspCase    *self,
                     const char  *path,
                     GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (CUSP_IS_CASE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  data = cusp_case_file_to_data (self);
  /* CONSISTENT = temporary file + fsync + rename, so the rename never exposes a short file. */
  if (!g_file_set_contents_full (path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local_error))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "Cannot save the case: %s",
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- reading: every member checked, errors name the JSON path ---- */

static const char *
node_type_name (JsonNode *node)
{
  if (node == NULL)
    return "missing";
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT: return "an object";
    case JSON_NODE_ARRAY: return "an array";
    case JSON_NODE_NULL: return "null";
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING: return "a string";
        case G_TYPE_BOOLEAN: return "true or false";
        default: return "a number";
        }
    }
  return "something else";
}

static gboolean
wrong_type (const char *path, const char *want, JsonNode *node, GError **error)
{
  if (node == NULL)
    g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                 "This case file is incomplete: %s is missing (it should be %s)", path, want);
  else
    g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                 "This case file is malformed: %s should be %s, not %s", path, want,
                 node_type_name (node));
  return FALSE;
}

static gboolean
node_is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_DOUBLE || type == G_TYPE_INT64;
}

/* A finite number (or, when `nullable`, null -> NAN). */
static gboolean
read_number (JsonObject *object, const char *prefix, const char *name, gboolean nullable,
             double *out, GError **error)
{
  g_autofree char *path = g_strdup_printf ("%s.%s", prefix, name);
  JsonNode *node = json_object_get_member (object, name);

  if (nullable && node != NULL && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NAN;
      return TRUE;
    }
  if (!node_is_number (node))
    return wrong_type (path, nullable ? "a number or null" : "a number", node, error);
  *out = json_node_get_double (node);
  if (!isfinite (*out))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "This case file is malformed: %s is not a finite number", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_string (JsonObject *object, const char *prefix, const char *name, gboolean nullable,
             const char **out, GError **error)
{
  g_autofree char *path = g_strdup_printf ("%s.%s", prefix, name);
  JsonNode *node = json_object_get_member (object, name);

  if (nullable && node != NULL && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NULL;
      return TRUE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (path, nullable ? "a string or null" : "a string", node, error);
  *out = json_node_get_string (node);
  return TRUE;
}

static JsonObject *
read_object (JsonObject *object, const char *prefix, const char *name, GError **error)
{
  g_autofree char *path = prefix ? g_strdup_printf ("%s.%s", prefix, name) : g_strdup (name);
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      wrong_type (path, "an object", node, error);
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
read_study (JsonObject *root, CuspCase *self, GError **error)
{
  JsonObject *study = read_object (root, NULL, "study", error);
  JsonNode *demo;
  const char *path = NULL, *sha256 = NULL;

  if (study == NULL)
    return FALSE;
  demo = json_object_get_member (study, "demo");
  if (demo == NULL || !JSON_NODE_HOLDS_VALUE (demo) || json_node_get_value_type (demo) != G_TYPE_BOOLEAN)
    return wrong_type ("study.demo", "true or false", demo, error);
  if (!read_string (study, "study", "path", json_node_get_boolean (demo), &path, error)
      || !read_string (study, "study", "sha256", TRUE, &sha256, error))
    return FALSE;
  if (json_node_get_boolean (demo) && path != NULL)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "This case file is malformed: study.path should be null for the demo study");
      return FALSE;
    }
  if (sha256 != NULL)
    {
      gboolean hex = strlen (sha256) == 64;

      for (const char *c = sha256; hex && *c; c++)
        hex = g_ascii_isxdigit (*c) && !g_ascii_isupper (*c);
      if (!hex)
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                       "This case file is malformed: study.sha256 should be 64 lower-case hex digits");
          return FALSE;
        }
    }
  cusp_case_set_study (self, path, sha256);
  return TRUE;
}

static gboolean
read_landmarks (JsonObject *root, CuspCase *self, GError **error)
{
  JsonNode *node = json_object_get_member (root, "landmarks");
  g_autofree char *data = NULL;
  g_autofree CuspLandmarks *landmarks = g_new0 (CuspLandmarks, 1);
  g_autoptr(GError) local_error = NULL;

  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type ("landmarks", "an object or null", node, error);
  data = json_to_string (node, FALSE);
  if (!cusp_measure_landmarks_from_json (data, -1, landmarks, &local_error))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "This case file is malformed: in landmarks: %s", local_error->message);
      return FALSE;
    }
  cusp_case_set_landmarks (self, landmarks);
  return TRUE;
}

static gboolean
read_plan (JsonNode *node, guint index, CuspCase *self, GError **error)
{
  g_autofree char *prefix = g_strdup_printf ("plans[%u]", index);
  g_autofree char *pose_prefix = g_strdup_printf ("plans[%u].pose", index);
  g_autoptr(CuspPlan) plan = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object, *pose;
  JsonNode *result;
  const char *name, *device_id;
  double depth_mm, tilt_deg, rotation_deg;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type (prefix, "an object", node, error);
  object = json_node_get_object (node);
  if (!read_string (object, prefix, "name", FALSE, &name, error)
      || !read_string (object, prefix, "device_id", FALSE, &device_id, error)
      || (pose = read_object (object, prefix, "pose", error)) == NULL
      || !read_number (pose, pose_prefix, "depth_mm", FALSE, &depth_mm, error)
      || !read_number (pose, pose_prefix, "tilt_deg", FALSE, &tilt_deg, error)
      || !read_number (pose, pose_prefix, "rotation_deg", FALSE, &rotation_deg, error))
    return FALSE;

  plan = cusp_plan_new (name, device_id, depth_mm, tilt_deg, rotation_deg);
  result = json_object_get_member (object, "result");
  if (result == NULL || (!JSON_NODE_HOLDS_NULL (result) && !JSON_NODE_HOLDS_OBJECT (result)))
    {
      g_autofree char *path = g_strdup_printf ("%s.result", prefix);
      return wrong_type (path, "an object or null", result, error);
    }
  if (JSON_NODE_HOLDS_OBJECT (result)
      && !cusp_plan_set_result_from_json (plan, json_node_get_object (result), &local_error))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "This case file is malformed: in %s.result: %s", prefix, local_error->message);
      return FALSE;
    }
  cusp_case_add_plan (self, g_steal_pointer (&plan));
  return TRUE;
}

CuspCase *
cusp_case_file_from_data (const char  *data,
                          gssize       length,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(CuspCase) self = cusp_case_new ();
  JsonNode *root_node, *node, *plans;
  JsonObject *root, *settings;
  const char *format;
  double center, width, calcium, septum = NAN;

  g_return_val_if_fail (data != NULL, NULL);

  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "This is not a case file (not valid JSON: %s)", parse_error->message);
      return NULL;
    }
  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "This is not a case file (the JSON is not an object)");
      return NULL;
    }
  root = json_node_get_object (root_node);

  node = json_object_get_member (root, "format");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
      || !g_str_equal ((format = json_node_get_string (node)), CUSP_CASE_FILE_FORMAT))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "This is not a case file (format should be \"%s\")", CUSP_CASE_FILE_FORMAT);
      return NULL;
    }
  node = json_object_get_member (root, "version");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      wrong_type ("version", "a whole number", node, error);
      return NULL;
    }
  if (json_node_get_int (node) > CUSP_CASE_FILE_VERSION || json_node_get_int (node) < 1)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_UNSUPPORTED,
                   "This case file has version %" G_GINT64_FORMAT "; this Cusp reads version %d "
                   "and older: open it with a newer Cusp", json_node_get_int (node), CUSP_CASE_FILE_VERSION);
      return NULL;
    }

  if (!read_study (root, self, error) || !read_landmarks (root, self, error))
    return NULL;

  plans = json_object_get_member (root, "plans");
  if (plans == NULL || !JSON_NODE_HOLDS_ARRAY (plans))
    {
      wrong_type ("plans", "an array", plans, error);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (plans)); i++)
    if (!read_plan (json_array_get_element (json_node_get_array (plans), i), i, self, error))
      return NULL;

  settings = read_object (root, NULL, "settings", error);
  if (settings == NULL
      || !read_number (settings, "settings", "window_center", TRUE, &center, error)
      || !read_number (settings, "settings", "window_width", TRUE, &width, error)
      || !read_number (settings, "settings", "calcium_threshold_hu", TRUE, &calcium, error))
    return NULL;
  /* added after version 1 was out: absent in older files, which never measured it */
  if (json_object_has_member (settings, "membranous_septum_mm")
      && !read_number (settings, "settings", "membranous_septum_mm", TRUE, &septum, error))
    return NULL;
  if (isfinite (septum) && !(septum >= CUSP_SEPTUM_MIN_MM && septum <= CUSP_SEPTUM_MAX_MM))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "This case file is malformed: settings.membranous_septum_mm should lie between "
                   "%g and %g mm, not %g", CUSP_SEPTUM_MIN_MM, CUSP_SEPTUM_MAX_MM, septum);
      return NULL;
    }
  if (isfinite (width) != isfinite (center) || (isfinite (width) && width <= 0.0))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "This case file is malformed: settings.window_width should be positive, "
                   "and given together with settings.window_center");
      return NULL;
    }
  cusp_case_set_window (self, center, width);
  cusp_case_set_calcium_threshold_hu (self, calcium);
  cusp_case_set_septum_mm (self, septum);
  cusp_case_mark_clean (self);
  return g_steal_pointer (&self);
}

CuspCase *
cusp_case_file_load (const char  *path,
                     GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, CUSP_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                     ? CUSP_ERROR_NOT_FOUND : CUSP_ERROR_FAILED,
                   "Cannot read the case: %s", local_error->message);
      return NULL;
    }
  return cusp_case_file_from_data (data, (gssize) length, error);
}

/* ---- the study's content hash ---- */

static gboolean
hash_file_into (GChecksum *checksum, GFile *file, GCancellable *cancellable, GError **error)
{
  g_autoptr(GFileInputStream) stream = g_file_read (file, cancellable, error);
  g_autofree guchar *buffer = NULL;
  gssize n;

  if (stream == NULL)
    return FALSE;
  buffer = g_malloc (1 << 20);
  while ((n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, 1 << 20, cancellable, error)) > 0)
    g_checksum_update (checksum, buffer, n);
  return n == 0;
}

static gboolean
list_files (GFile *root, GFile *dir, GPtrArray *paths, GCancellable *cancellable, GError **error)
{
  g_autoptr(GFileEnumerator) enumerator =
    g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, error);

  if (enumerator == NULL)
    return FALSE;
  for (;;)
    {
      GFileInfo *info;
      GFile *child;

      if (!g_file_enumerator_iterate (enumerator, &info, &child, cancellable, error))
        return FALSE;
      if (info == NULL)
        return TRUE;
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          if (!list_files (root, child, paths, cancellable, error))
            return FALSE;
        }
      else if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR)
        g_ptr_array_add (paths, g_file_get_relative_path (root, child));
    }
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

char *
cusp_case_file_hash_study (GFile         *file,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GError) local_error = NULL;
  GFileType type;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  type = g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, cancellable);
  if (type == G_FILE_TYPE_DIRECTORY)
    {
      g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

      if (!list_files (file, file, paths, cancellable, &local_error))
        goto failed;
      g_ptr_array_sort (paths, compare_paths);
      for (guint i = 0; i < paths->len; i++)
        {
          const char *relative = g_ptr_array_index (paths, i);
          g_autoptr(GFile) child = g_file_resolve_relative_path (file, relative);

          g_checksum_update (checksum, (const guchar *) relative, (gssize) strlen (relative) + 1);
          if (!hash_file_into (checksum, child, cancellable, &local_error))
            goto failed;
        }
    }
  else if (!hash_file_into (checksum, file, cancellable, &local_error))
    goto failed;
  return g_strdup (g_checksum_get_string (checksum));

failed:
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, CUSP_ERROR,
                 g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
                   ? CUSP_ERROR_NOT_FOUND : CUSP_ERROR_FAILED,
                 "Cannot read the study to check it: %s", local_error->message);
  return NULL;
}

static void
hash_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  char *hash = cusp_case_file_hash_study (task_data, cancellable, &error);

  if (hash != NULL)
    g_task_return_pointer (task, hash, g_free);
  else
    g_task_return_error (task, error);
}

void
cusp_case_file_hash_study_async (GFile               *file,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cusp_case_file_hash_study_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, hash_thread);
}

char *
cusp_case_file_hash_study_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
