/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window-case.c: the window's case: plans and their results, save/open (.cusp-case),
 * autosave and recovery, the unsaved-changes prompt, the PDF report and PNG export of a view.
 *
 * The actions live in the window's action map (win.*) so they are exported on D-Bus with the
 * window's other actions; the *-to variants take a path instead of asking for one, for scripts
 * and the UI tests. */
#include "cusp-config.h"
#include "cusp-window-private.h"
#include "cusp-autosave.h"
#include "cusp-case-file.h"
#include "cusp-error.h"
#include "cusp-annulus-view.h"
#include "cusp-measure-panel.h"
#include "cusp-plan-run.h"
#include "cusp-report.h"
#include "cusp-undo-stack.h"
#include "cusp-view-link.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>

/* Until the device picker lands, a new plan starts from the last one, or from this. */
#define CUSP_DEFAULT_DEVICE_ID "sapien3-class-26"
#define CUSP_DEFAULT_DEPTH_MM 3.0

static const char *const view_names[CUSP_WINDOW_N_SLICE_VIEWS + 1] = {
  "axial", "coronal", "sagittal", "3d",
};
static const char *const view_titles[CUSP_WINDOW_N_SLICE_VIEWS + 1] = {
  N_("Axial"), N_("Coronal"), N_("Sagittal"), N_("3D"),
};

typedef struct _CuspWindowCase CuspWindowCase;

struct _CuspWindowCase {
  CuspCase *document;
  CuspAutosave *autosave;
  char *path;                   /* where it was last saved or opened from; NULL: never saved */
  CuspCase *pending;            /* an opened case waiting for its study to load */
  char *pending_autosave;       /* the recovered autosave file, removed once adopted */
  GCancellable *cancellable;    /* hash and plan runs of this document */
  guint n_running;              /* plan simulations in flight */
  guint n_finished;             /* for the test report: each finish is a new state */
  CuspUndoStack *undo;          /* plan edits of this document (landmarks have their own) */
  gboolean closing;             /* the unsaved-changes prompt said Discard or saved */
  gboolean offered_recovery;
};

static CuspWindowCase *
case_state (CuspWindow *self)
{
  return self->case_state;
}

static void
cusp_window_case_report (CuspWindow *self, const char *state, const char *detail)
{
  _cusp_window_report_after_frames (self, state, detail);
}

static void
cusp_window_case_fail (CuspWindow *self, const char *title, const GError *error)
{
  _cusp_window_show_error (self, title, error);
}

static void
cusp_window_case_toast (CuspWindow *self, const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/* ---- the document ---- */

static void
cusp_window_case_update_title (CuspWindow *self)
{
  CuspWindowCase *cs = case_state (self);
  g_autofree char *title = NULL;

  if (self->study == NULL || cs->document == NULL)
    return;
  /* GNOME's convention: a leading bullet marks unsaved changes. */
  title = g_strdup_printf ("%s%s", cusp_case_get_dirty (cs->document) ? "• " : "",
                           cusp_study_get_title (self->study));
  adw_window_title_set_title (self->window_title, title);
}

static void
cusp_window_case_changed (CuspCase   *document,
                          CuspWindow *self)
{
  cusp_window_case_update_title (self);
  _cusp_window_case_actions_update (self);
}

static void
cusp_window_case_set_document (CuspWindow *self,
                               CuspCase   *document)
{
  CuspWindowCase *cs = case_state (self);

  if (cs->document != NULL)
    g_signal_handlers_disconnect_by_data (cs->document, self);
  g_cancellable_cancel (cs->cancellable);
  g_clear_object (&cs->cancellable);
  cs->cancellable = g_cancellable_new ();
  cs->n_running = 0;
  /* The old document was either saved, discarded by the user, or is being replaced by the
   * same work (a reopened case): its autosave has done its job. */
  if (cs->autosave != NULL)
    cusp_autosave_discard (cs->autosave);
  g_clear_object (&cs->autosave);
  g_set_object (&cs->document, document);
  cusp_undo_stack_clear (cs->undo);
  cs->autosave = cusp_autosave_new (document, CUSP_AUTOSAVE_DEFAULT_DELAY_MS);
  g_signal_connect (document, "changed", G_CALLBACK (cusp_window_case_changed), self);
  cusp_window_case_update_title (self);
}

/* The views' window/level is part of the case. */
static void
cusp_window_case_link_changed (GObject    *link,
                               GParamSpec *pspec,
                               CuspWindow *self)
{
  CuspWindowCase *cs = case_state (self);
  double center = cusp_view_link_get_window_center (CUSP_VIEW_LINK (link));
  double width = cusp_view_link_get_window_width (CUSP_VIEW_LINK (link));

  if (cs->document != NULL && self->study != NULL && isfinite (center) && isfinite (width))
    cusp_case_set_window (cs->document, center, width);
}

static void
cusp_window_case_hashed (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(CuspWindow) self = user_data;
  CuspWindowCase *cs = case_state (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = cusp_case_file_hash_study_finish (result, &error);
  const char *expected;
  gboolean was_dirty;

  if (hash == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot hash the study: %s", error->message);
      return;
    }
  if (cs->document == NULL)
    return;
  expected = cusp_case_get_study_sha256 (cs->document);
  if (expected != NULL && !g_str_equal (expected, hash))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("The Study Has Changed"),
        _("The study's content differs from the one this case was saved with. The landmarks and "
          "plans may not fit it. Open the study the case was made on with Open Study, or keep "
          "this one: saving then records it as the case's study."));

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      cusp_window_case_report (self, "study-changed", hash);
    }
  /* Knowing the hash is no edit of the user's. */
  was_dirty = cusp_case_get_dirty (cs->document);
  cusp_case_set_study (cs->document, cusp_case_get_study_path (cs->document), hash);
  if (!was_dirty)
    cusp_case_mark_clean (cs->document);
  cusp_window_case_update_title (self);
}

static void
cusp_window_case_apply_settings (CuspWindow *self, CuspCase *document)
{
  double center = cusp_case_get_window_center (document);
  double width = cusp_case_get_window_width (document);

  if (isfinite (center) && isfinite (width))
    cusp_view_link_set_window (CUSP_VIEW_LINK (self->view_link), center, width);
}

void
_cusp_window_case_study_changed (CuspWindow *self,
                                 CuspStudy  *study)
{
  CuspWindowCase *cs = case_state (self);
  g_autoptr(CuspCase) document = NULL;
  GFile *file = cusp_study_get_file (study);
  g_autofree char *path = file ? g_file_get_path (file) : NULL;

  if (cs->pending != NULL)
    {
      gboolean recovered = cs->pending_autosave != NULL;

      document = g_steal_pointer (&cs->pending);
      /* A relocated study: the case now refers to where it is. */
      if (g_strcmp0 (path, cusp_case_get_study_path (document)) != 0)
        cusp_case_set_study (document, path, cusp_case_get_study_sha256 (document));
      else if (!recovered)
        cusp_case_mark_clean (document);
      cusp_window_case_apply_settings (self, document);
      cusp_window_case_set_document (self, document);
      if (recovered)
        {
          /* Recovered work is unsaved work; the new autosave replaces the old file. */
          cusp_case_mark_dirty (document);
          g_remove (cs->pending_autosave);
          g_clear_pointer (&cs->pending_autosave, g_free);
        }
      cusp_window_case_report (self, recovered ? "case-restored" : "case-opened",
                               cs->path ? cs->path : "");
    }
  else
    {
      g_clear_pointer (&cs->path, g_free);
      document = cusp_case_new ();
      cusp_case_set_study (document, path, NULL);
      cusp_case_mark_clean (document);
      cusp_window_case_set_document (self, document);
    }
  if (file != NULL)
    cusp_case_file_hash_study_async (file, cs->cancellable, cusp_window_case_hashed, g_object_ref (self));
  _cusp_window_case_actions_update (self);
}

/* ---- plans ---- */

static void cusp_window_case_run_plan (CuspWindow *self, guint index);

typedef struct {
  CuspWindow *self;
  CuspCase *document;
  guint index;
} PlanRun;

static void
cusp_window_case_plan_ran (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  PlanRun *run = user_data;
  CuspWindow *self = run->self;
  CuspWindowCase *cs = case_state (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspPlan) plan = cusp_plan_run_finish (result, &error);
  g_autofree char *detail = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || run->document != cs->document)
    goto out;
  cs->n_running--;
  cs->n_finished++;
  if (plan == NULL)
    cusp_window_case_fail (self, _("Cannot simulate the plan"), error);
  else if (run->index < cusp_case_get_n_plans (cs->document))
    {
      const CuspPlan *current = cusp_case_get_plan (cs->document, run->index);

      /* The newest pose wins: a result for a pose the user has since changed is dropped. */
      if (g_str_equal (current->device_id, plan->device_id) && current->depth_mm == plan->depth_mm
          && current->tilt_deg == plan->tilt_deg && current->rotation_deg == plan->rotation_deg)
        cusp_case_update_plan (cs->document, run->index, plan);
    }
  if (cs->n_running == 0)
    {
      detail = g_strdup_printf ("%u plans, %u runs", cusp_case_get_n_plans (cs->document), cs->n_finished);
      cusp_window_case_report (self, plan != NULL ? "plans-ready" : "error",
                               plan != NULL ? detail : error->message);
    }
out:
  g_object_unref (run->self);
  g_object_unref (run->document);
  g_free (run);
}

static void
cusp_window_case_run_plan (CuspWindow *self,
                           guint       index)
{
  CuspWindowCase *cs = case_state (self);
  PlanRun *run = g_new0 (PlanRun, 1);

  run->self = g_object_ref (self);
  run->document = g_object_ref (cs->document);
  run->index = index;
  cs->n_running++;
  cusp_plan_run_async (cusp_case_get_plan (cs->document, index),
                       cusp_case_get_study_path (cs->document), cusp_study_get_volume (self->study),
                       cusp_case_get_landmarks (cs->document), cs->cancellable,
                       cusp_window_case_plan_ran, run);
}

/* One plan edit for the undo stack: `before` NULL means the edit added the plan. */
typedef struct {
  CuspWindow *self;             /* the window owns the stack: commands never outlive it */
  CuspCase *document;
  guint index;
  CuspPlan *before;
  CuspPlan *after;
} PlanEdit;

static void
plan_edit_free (gpointer data)
{
  PlanEdit *edit = data;

  g_object_unref (edit->document);
  cusp_plan_free (edit->before);
  cusp_plan_free (edit->after);
  g_free (edit);
}

static void
plan_edit_set (PlanEdit *edit, const CuspPlan *plan)
{
  CuspWindowCase *cs = case_state (edit->self);

  if (edit->document != cs->document)
    return;
  if (plan == NULL)
    cusp_case_remove_plan (cs->document, edit->index);
  else if (edit->index == cusp_case_get_n_plans (cs->document))
    cusp_case_add_plan (cs->document, cusp_plan_copy (plan));
  else
    cusp_case_update_plan (cs->document, edit->index, plan);
  /* A pose whose result was never computed (or was dropped as stale) is simulated again. */
  if (plan != NULL && !plan->has_result)
    cusp_window_case_run_plan (edit->self, edit->index);
}

static void
plan_edit_apply (gpointer data)
{
  PlanEdit *edit = data;
  plan_edit_set (edit, edit->after);
}

static void
plan_edit_revert (gpointer data)
{
  PlanEdit *edit = data;
  plan_edit_set (edit, edit->before);
}

static void
cusp_window_case_push_edit (CuspWindow     *self,
                            const char     *label,
                            guint           index,
                            const CuspPlan *before,
                            const CuspPlan *after)
{
  CuspWindowCase *cs = case_state (self);
  PlanEdit *edit = g_new0 (PlanEdit, 1);

  edit->self = self;
  edit->document = g_object_ref (cs->document);
  edit->index = index;
  edit->before = before ? cusp_plan_copy (before) : NULL;
  edit->after = cusp_plan_copy (after);
  cusp_undo_stack_push (cs->undo, label, plan_edit_apply, plan_edit_revert, edit, plan_edit_free);
}

static void
cusp_window_add_plan_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  CuspWindow *self = user_data;
  CuspWindowCase *cs = case_state (self);
  guint n = cusp_case_get_n_plans (cs->document);
  g_autofree char *name = cusp_case_next_plan_name (cs->document);
  const CuspPlan *last = n > 0 ? cusp_case_get_plan (cs->document, n - 1) : NULL;

  cusp_case_add_plan (cs->document,
                      last ? cusp_plan_new (name, last->device_id, last->depth_mm, last->tilt_deg, last->rotation_deg)
                           : cusp_plan_new (name, CUSP_DEFAULT_DEVICE_ID, CUSP_DEFAULT_DEPTH_MM, 0.0, 0.0));
  cusp_window_case_push_edit (self, _("Add Plan"), n, NULL, cusp_case_get_plan (cs->document, n));
  cusp_window_case_run_plan (self, n);
  _cusp_window_case_actions_update (self);
}

/* (device id, depth mm, tilt deg, rotation deg) for the newest plan: numeric entry until the
 * device picker and the drag handles drive it. */
static void
cusp_window_set_plan_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  CuspWindow *self = user_data;
  CuspWindowCase *cs = case_state (self);
  guint n = cusp_case_get_n_plans (cs->document);
  g_autoptr(CuspPlan) plan = NULL;
  const char *device_id;
  double depth_mm, tilt_deg, rotation_deg;

  g_variant_get (parameter, "(&sddd)", &device_id, &depth_mm, &tilt_deg, &rotation_deg);
  if (n == 0 || !isfinite (depth_mm) || !isfinite (tilt_deg) || !isfinite (rotation_deg)
      || *device_id == '\0')
    return;
  plan = cusp_plan_copy (cusp_case_get_plan (cs->document, n - 1));
  g_free (plan->device_id);
  plan->device_id = g_strdup (device_id);
  plan->depth_mm = depth_mm;
  plan->tilt_deg = tilt_deg;
  plan->rotation_deg = rotation_deg;
  cusp_plan_clear_result (plan);
  cusp_window_case_push_edit (self, _("Move Valve"), n - 1, cusp_case_get_plan (cs->document, n - 1), plan);
  cusp_case_update_plan (cs->document, n - 1, plan);
  cusp_window_case_run_plan (self, n - 1);
}

/* One column per plan, one row per key; the worst plan of each row in red. */
static void
cusp_window_compare_plans_action (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  CuspWindow *self = user_data;
  CuspWindowCase *cs = case_state (self);
  guint n = cusp_case_get_n_plans (cs->document), n_keys;
  const CuspPlanKey *keys = cusp_plan_keys (&n_keys);
  g_autofree CuspPlan **plans = g_new0 (CuspPlan *, MAX (n, 1));
  GtkWidget *window = gtk_window_new ();
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *grid = gtk_grid_new ();

  for (guint i = 0; i < n; i++)
    plans[i] = (CuspPlan *) cusp_case_get_plan (cs->document, i);
  gtk_window_set_title (GTK_WINDOW (window), _("Compare Plans"));
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 640);
  gtk_window_set_titlebar (GTK_WINDOW (window), header);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_widget_set_margin_start (grid, 18);
  gtk_widget_set_margin_end (grid, 18);
  gtk_widget_set_margin_top (grid, 12);
  gtk_widget_set_margin_bottom (grid, 12);

  for (guint p = 0; p < n; p++)
    {
      g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>\n<small>%s</small>", plans[p]->name,
                                                         plans[p]->device_id);
      GtkWidget *label = gtk_label_new (NULL);

      gtk_label_set_markup (GTK_LABEL (label), markup);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_grid_attach (GTK_GRID (grid), label, 1 + p, 0, 1, 1);
    }
  for (guint k = 0; k < n_keys; k++)
    {
      int worst = cusp_plan_worst (plans, n, k);
      GtkWidget *label = gtk_label_new (keys[k].label);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      if (keys[k].threshold != NULL)
        gtk_widget_set_tooltip_text (label, keys[k].threshold);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_grid_attach (GTK_GRID (grid), label, 0, 1 + k, 1, 1);
      for (guint p = 0; p < n; p++)
        {
          g_autofree char *value = cusp_plan_format_value (plans[p], k);
          GtkWidget *cell = gtk_label_new (value);

          gtk_label_set_xalign (GTK_LABEL (cell), 0);
          gtk_label_set_selectable (GTK_LABEL (cell), TRUE);
          if ((int) p == worst)
            {
              g_autofree char *tip = g_strdup_printf (_("The worst of the compared plans for %s"), keys[k].label);
              gtk_widget_add_css_class (cell, "error");
              gtk_widget_add_css_class (cell, "heading");
              gtk_widget_set_tooltip_text (cell, tip);
            }
          gtk_grid_attach (GTK_GRID (grid), cell, 1 + p, 1 + k, 1, 1);
        }
    }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), grid);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_present (GTK_WINDOW (window));
  {
    g_autofree char *detail = g_strdup_printf ("%u plans compared", n);
    cusp_window_case_report (self, "compared", detail);
  }
}

/* ---- save and open ---- */

static gboolean
cusp_window_case_save_to (CuspWindow *self,
                          const char *path)
{
  CuspWindowCase *cs = case_state (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;

  if (!cusp_case_file_save (cs->document, path, &error))
    {
      cusp_window_case_fail (self, _("Cannot save the case"), error);
      return FALSE;
    }
  if (cs->path != path)
    {
      g_free (cs->path);
      cs->path = g_strdup (path);
    }
  cusp_case_mark_clean (cs->document);
  cusp_window_case_update_title (self);
  cusp_window_case_toast (self, _("Case saved"));
  detail = g_strdup_printf ("saved %s", path);
  cusp_window_case_report (self, "case-saved", detail);
  return TRUE;
}

static GtkFileFilter *
cusp_window_case_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Cusp cases"));
  gtk_file_filter_add_pattern (filter, "*" CUSP_CASE_FILE_SUFFIX);
  return filter;
}

typedef void (*ChosenFunc) (CuspWindow *self, GFile *file, GtkFileChooser *chooser);

static void
cusp_window_case_chooser_response (GtkNativeDialog *dialog,
                                   int              response,
                                   CuspWindow      *self)
{
  ChosenFunc chosen = g_object_get_data (G_OBJECT (dialog), "cusp-chosen");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        chosen (self, file, GTK_FILE_CHOOSER (dialog));
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static GtkFileChooser *
cusp_window_case_chooser (CuspWindow           *self,
                          const char           *title,
                          GtkFileChooserAction  action,
                          const char           *accept,
                          GtkFileFilter        *filter,
                          const char           *name,
                          ChosenFunc            chosen)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                                               accept, _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (filter != NULL)
    {
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
      g_object_unref (filter);
    }
  if (name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "cusp-chosen", chosen);
  g_signal_connect (chooser, "response", G_CALLBACK (cusp_window_case_chooser_response), self);
  return GTK_FILE_CHOOSER (chooser);
}

static void
cusp_window_case_save_chosen (CuspWindow *self, GFile *file, GtkFileChooser *chooser)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *with_suffix = NULL;

  if (path == NULL)
    return;
  if (!g_str_has_suffix (path, CUSP_CASE_FILE_SUFFIX))
    with_suffix = g_strconcat (path, CUSP_CASE_FILE_SUFFIX, NULL);
  if (cusp_window_case_save_to (self, with_suffix ? with_suffix : path)
      && case_state (self)->closing)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
cusp_window_save_case_as (CuspWindow *self)
{
  GtkFileChooser *chooser = cusp_window_case_chooser (self, _("Save the Case"), GTK_FILE_CHOOSER_ACTION_SAVE,
                                                      _("_Save"), cusp_window_case_filter (),
                                                      "case" CUSP_CASE_FILE_SUFFIX, cusp_window_case_save_chosen);

  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cusp_window_save_case_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  CuspWindow *self = user_data;
  CuspWindowCase *cs = case_state (self);

  if (cs->path != NULL)
    cusp_window_case_save_to (self, cs->path);
  else
    cusp_window_save_case_as (self);
}

static void
cusp_window_save_case_as_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  cusp_window_save_case_as (user_data);
}

static void
cusp_window_save_case_to_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  cusp_window_case_save_to (user_data, g_variant_get_string (parameter, NULL));
}

static void cusp_window_case_open_case (CuspWindow *self, CuspCase *document, const char *path);

static void
cusp_window_case_locate_chosen (CuspWindow *self, GFile *file, GtkFileChooser *chooser)
{
  /* The pending case is adopted when this study has loaded (_cusp_window_case_study_changed). */
  cusp_window_open_file (self, file);
}

static void
cusp_window_case_moved_response (AdwMessageDialog *dialog,
                                 const char       *response,
                                 CuspWindow       *self)
{
  CuspWindowCase *cs = case_state (self);
  const char *old_path;
  GtkFileChooser *chooser;

  if (!g_str_equal (response, "locate") || cs->pending == NULL)
    {
      g_clear_object (&cs->pending);
      return;
    }
  old_path = cusp_case_get_study_path (cs->pending);
  /* A study path without an extension is a DICOM folder. */
  chooser = cusp_window_case_chooser (self, _("Locate the Study"),
                                      strchr (strrchr (old_path, '/') ? strrchr (old_path, '/') : old_path, '.')
                                        ? GTK_FILE_CHOOSER_ACTION_OPEN : GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                      _("_Open"), NULL, NULL, cusp_window_case_locate_chosen);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cusp_window_case_open_case (CuspWindow *self,
                            CuspCase   *document,
                            const char *path)
{
  CuspWindowCase *cs = case_state (self);
  const char *study_path = cusp_case_get_study_path (document);

  g_set_object (&cs->pending, document);
  if (path != NULL)
    {
      g_free (cs->path);
      cs->path = g_strdup (path);
    }
  if (cusp_case_is_demo (document))
    cusp_window_open_demo (self);
  else if (g_file_test (study_path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GFile) file = g_file_new_for_path (study_path);
      cusp_window_open_file (self, file);
    }
  else
    {
      g_autofree char *body = g_strdup_printf (_("The case's study is no longer at %s. Locate it to "
                                                 "open the case."), study_path);
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("The Study Has Moved"), body);

      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                        "locate", _("_Locate…"), NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "locate",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "locate");
      g_signal_connect (dialog, "response", G_CALLBACK (cusp_window_case_moved_response), self);
      gtk_window_present (GTK_WINDOW (dialog));
      cusp_window_case_report (self, "study-moved", study_path);
    }
}

gboolean
_cusp_window_case_open_file (CuspWindow *self,
                             GFile      *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspCase) document = NULL;

  if (path == NULL || !g_str_has_suffix (path, CUSP_CASE_FILE_SUFFIX))
    return FALSE;
  document = cusp_case_file_load (path, &error);
  if (document == NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *title = g_strdup_printf (_("Cannot open %s"), name);
      cusp_window_case_fail (self, title, error);
      return TRUE;
    }
  cusp_window_case_open_case (self, document, path);
  return TRUE;
}

static void
cusp_window_case_open_chosen (CuspWindow *self, GFile *file, GtkFileChooser *chooser)
{
  _cusp_window_case_open_file (self, file);
}

static void
cusp_window_open_case_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  GtkFileChooser *chooser = cusp_window_case_chooser (user_data, _("Open a Case"), GTK_FILE_CHOOSER_ACTION_OPEN,
                                                      _("_Open"), cusp_window_case_filter (), NULL,
                                                      cusp_window_case_open_chosen);

  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cusp_window_open_case_from_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  if (!_cusp_window_case_open_file (user_data, file))
    {
      g_autoptr(GError) error = g_error_new (CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                                             "a case file name ends in %s", CUSP_CASE_FILE_SUFFIX);
      cusp_window_case_fail (user_data, _("Cannot open the case"), error);
    }
}

/* ---- autosave recovery ---- */

static void
cusp_window_restore_autosave (CuspWindow *self,
                              const char *path)
{
  CuspWindowCase *cs = case_state (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspCase) document = cusp_case_file_load (path, &error);

  if (document == NULL)
    {
      cusp_window_case_fail (self, _("Cannot recover the unsaved case"), error);
      return;
    }
  g_free (cs->pending_autosave);
  cs->pending_autosave = g_strdup (path);
  g_clear_pointer (&cs->path, g_free);
  cusp_window_case_open_case (self, document, NULL);
}

static void
cusp_window_restore_autosave_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  cusp_window_restore_autosave (user_data, g_variant_get_string (parameter, NULL));
}

static void
cusp_window_case_recovery_response (AdwMessageDialog *dialog,
                                    const char       *response,
                                    CuspWindow       *self)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "cusp-autosave");

  if (g_str_equal (response, "restore"))
    cusp_window_restore_autosave (self, path);
  else if (g_str_equal (response, "discard"))
    g_remove (path);
}

/* Offered once per window, after it is shown: the newest autosave left by a crash. */
static void
cusp_window_case_offer_recovery (CuspWindow *self)
{
  CuspWindowCase *cs = case_state (self);
  g_autoptr(GPtrArray) orphans = NULL;
  const char *own = cs->autosave ? cusp_autosave_get_path (cs->autosave) : NULL;
  GtkWidget *dialog;
  const char *path = NULL;

  if (cs->offered_recovery)
    return;
  cs->offered_recovery = TRUE;
  orphans = cusp_autosave_list_orphans ();
  for (guint i = 0; i < orphans->len && path == NULL; i++)
    if (g_strcmp0 (g_ptr_array_index (orphans, i), own) != 0)
      path = g_ptr_array_index (orphans, i);
  if (path == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Recover Unsaved Case?"),
                                   _("Cusp did not close normally last time. The case you were "
                                     "working on was saved automatically and can be restored."));
  g_object_set_data_full (G_OBJECT (dialog), "cusp-autosave", g_strdup (path), g_free);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "later", _("_Not Now"),
                                    "discard", _("_Discard"), "restore", _("_Restore"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "restore");
  g_signal_connect (dialog, "response", G_CALLBACK (cusp_window_case_recovery_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
  cusp_window_case_report (self, "recovery-offered", path);
}

static gboolean
cusp_window_case_offer_recovery_idle (gpointer user_data)
{
  cusp_window_case_offer_recovery (user_data);
  return G_SOURCE_REMOVE;
}

/* After the window's own surface is up, so the dialog is stacked above it. */
static void
cusp_window_case_mapped (GtkWidget *widget,
                         gpointer   user_data)
{
  if (!case_state (CUSP_WINDOW (widget))->offered_recovery)
    g_idle_add_full (G_PRIORITY_LOW, cusp_window_case_offer_recovery_idle, g_object_ref (widget),
                     g_object_unref);
}

/* ---- unsaved changes on close ---- */

static void
cusp_window_case_close_response (AdwMessageDialog *dialog,
                                 const char       *response,
                                 CuspWindow       *self)
{
  CuspWindowCase *cs = case_state (self);

  if (g_str_equal (response, "discard"))
    {
      cs->closing = TRUE;
      cusp_case_mark_clean (cs->document);
      gtk_window_destroy (GTK_WINDOW (self));
    }
  else if (g_str_equal (response, "save"))
    {
      cs->closing = TRUE;
      if (cs->path != NULL)
        {
          if (cusp_window_case_save_to (self, cs->path))
            gtk_window_destroy (GTK_WINDOW (self));
        }
      else
        cusp_window_save_case_as (self);
    }
}

static gboolean
cusp_window_case_close_request (GtkWindow *window,
                                gpointer   user_data)
{
  CuspWindow *self = CUSP_WINDOW (window);
  CuspWindowCase *cs = case_state (self);
  GtkWidget *dialog;

  if (cs->closing || cs->document == NULL || !cusp_case_get_dirty (cs->document))
    return FALSE;
  dialog = adw_message_dialog_new (window, _("Save Changes?"),
                                   _("The case has unsaved changes. Changes which are not saved "
                                     "will be permanently lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "discard", _("_Discard"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (cusp_window_case_close_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* ---- view snapshots, PNG export, the report ---- */

/* What the view shows now, as an image: its paintable rendered by the window's renderer. For a
 * GL view that is the texture of its last frame. NULL when the view has not been drawn. */
static cairo_surface_t *
cusp_window_case_snapshot_view (GtkWidget *view)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  cairo_surface_t *surface;
  int width = gtk_widget_get_width (view), height = gtk_widget_get_height (view);

  if (!gtk_widget_get_mapped (view) || width <= 0 || height <= 0)
    return NULL;
  renderer = gtk_native_get_renderer (gtk_widget_get_native (view));
  paintable = gtk_widget_paintable_new (view);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL || renderer == NULL)
    return NULL;
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, gdk_texture_get_width (texture),
                                        gdk_texture_get_height (texture));
  /* gdk_texture_download writes cairo's ARGB32 layout (premultiplied, native endian). */
  gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* The first widget of `type` below `widget`: the annulus view and the measurement panel belong
 * to cusp-window-measure.c, which keeps them private. */
static GtkWidget *
cusp_window_case_find_widget (GtkWidget *widget,
                              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = cusp_window_case_find_widget (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* "axial", "coronal", "sagittal", "3d" or "annulus"; NULL when not in this window. */
static GtkWidget *
cusp_window_case_view (CuspWindow *self,
                       const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (view_names); i++)
    if (g_str_equal (view_names[i], name))
      return self->views[i];
  if (g_str_equal (name, "annulus"))
    return cusp_window_case_find_widget (GTK_WIDGET (self), CUSP_TYPE_ANNULUS_VIEW);
  return NULL;
}

static gboolean
cusp_window_case_export_view_to (CuspWindow *self,
                                 const char *view_name,
                                 const char *path)
{
  GtkWidget *view = cusp_window_case_view (self, view_name);
  cairo_surface_t *surface = view ? cusp_window_case_snapshot_view (view) : NULL;
  cairo_status_t status;
  g_autofree char *detail = NULL;

  if (surface == NULL)
    {
      g_autoptr(GError) error = g_error_new (CUSP_ERROR, CUSP_ERROR_FAILED,
                                             "the %s view is not on screen", view_name);
      cusp_window_case_fail (self, _("Cannot export the view"), error);
      return FALSE;
    }
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autoptr(GError) error = g_error_new (CUSP_ERROR, CUSP_ERROR_FAILED, "%s: %s", path,
                                             cairo_status_to_string (status));
      cusp_window_case_fail (self, _("Cannot export the view"), error);
      return FALSE;
    }
  detail = g_strdup_printf ("%s %s", view_name, path);
  cusp_window_case_report (self, "view-exported", detail);
  return TRUE;
}

static void
cusp_window_case_png_chosen (CuspWindow *self, GFile *file, GtkFileChooser *chooser)
{
  g_autofree char *path = g_file_get_path (file);
  const char *view = g_object_get_data (G_OBJECT (chooser), "cusp-view");

  if (path != NULL)
    cusp_window_case_export_view_to (self, view, path);
}

static void
cusp_window_export_view_png_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  const char *view = g_variant_get_string (parameter, NULL);
  g_autofree char *name = g_strdup_printf ("cusp-%s.png", view);
  GtkFileFilter *filter = gtk_file_filter_new ();
  GtkFileChooser *chooser;

  if (cusp_window_case_view (user_data, view) == NULL)
    return;
  gtk_file_filter_set_name (filter, _("PNG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  chooser = cusp_window_case_chooser (user_data, _("Export the View as PNG"), GTK_FILE_CHOOSER_ACTION_SAVE,
                                      _("_Export"), filter, name, cusp_window_case_png_chosen);
  g_object_set_data_full (G_OBJECT (chooser), "cusp-view", g_strdup (view), g_free);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cusp_window_export_view_png_to_action (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  const char *view, *path;

  g_variant_get (parameter, "(&s&s)", &view, &path);
  cusp_window_case_export_view_to (user_data, view, path);
}


/* The measurements as the panel shows them (its text carries the unit). The window keeps the
 * measurements private to cusp-window-measure.c, so the panel is where they can be read. */
static void
cusp_window_case_add_measurements (CuspWindow *self,
                                   GPtrArray  *rows)
{
  GtkWidget *found = cusp_window_case_find_widget (GTK_WIDGET (self), CUSP_TYPE_MEASURE_PANEL);
  CuspMeasurePanel *panel = found ? CUSP_MEASURE_PANEL (found) : NULL;
  guint n_keys;
  const CuspMeasureKey *keys = cusp_measure_keys (&n_keys);

  for (guint i = 0; panel != NULL && i < n_keys; i++)
    {
      const char *shown = cusp_measure_panel_get_shown (panel, keys[i].key);

      if (shown != NULL && !g_str_equal (shown, "—"))
        g_ptr_array_add (rows, cusp_report_row_new (keys[i].key, shown, ""));
    }
}

static gboolean
cusp_window_case_report_to (CuspWindow *self,
                            const char *path,
                            gboolean    include_description)
{
  CuspWindowCase *cs = case_state (self);
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) cusp_report_image_free);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cusp_report_row_free);
  g_autofree char *description = cusp_study_describe (self->study);
  g_autofree char *generator = g_strdup_printf ("Cusp %s", PACKAGE_VERSION);
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  CuspReportContent content = { 0 };
  guint n_pages = 0;

  for (guint i = 0; i < G_N_ELEMENTS (view_names); i++)
    {
      cairo_surface_t *image = self->views[i] ? cusp_window_case_snapshot_view (self->views[i]) : NULL;

      if (image == NULL)
        continue;
      g_ptr_array_add (images, cusp_report_image_new (_(view_titles[i]), image));
      cairo_surface_destroy (image);
    }
  {
    GtkWidget *annulus = cusp_window_case_view (self, "annulus");
    cairo_surface_t *image = annulus ? cusp_window_case_snapshot_view (annulus) : NULL;

    if (image != NULL)
      {
        g_ptr_array_add (images, cusp_report_image_new (_("Annulus plane"), image));
        cairo_surface_destroy (image);
      }
  }
  cusp_window_case_add_measurements (self, rows);

  content.document = cs->document;
  if (cusp_case_is_demo (cs->document))
    content.case_title = _("Demo case");
  else
    content.case_title = include_description ? cusp_study_get_title (self->study) : _("De-identified study");
  content.study_description = description;
  content.include_description = include_description;
  content.images = images;
  content.measurements = rows;
  content.generator = generator;
  if (!cusp_report_write_pdf (&content, path, &n_pages, &error))
    {
      cusp_window_case_fail (self, _("Cannot export the report"), error);
      return FALSE;
    }
  detail = g_strdup_printf ("%u pages %s", n_pages, path);
  cusp_window_case_report (self, "report-written", detail);
  return TRUE;
}

static void
cusp_window_case_report_chosen (CuspWindow *self, GFile *file, GtkFileChooser *chooser)
{
  g_autofree char *path = g_file_get_path (file);
  const char *describe = gtk_file_chooser_get_choice (chooser, "describe");

  if (path != NULL)
    cusp_window_case_report_to (self, path, g_strcmp0 (describe, "true") == 0);
}

static void
cusp_window_export_report_action (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  GtkFileChooser *chooser;

  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  chooser = cusp_window_case_chooser (user_data, _("Export the Report"), GTK_FILE_CHOOSER_ACTION_SAVE,
                                      _("_Export"), filter, "cusp-report.pdf", cusp_window_case_report_chosen);
  /* De-identified unless the user asks: the description can carry identifying text. */
  gtk_file_chooser_add_choice (chooser, "describe", _("Include the study's name and description"), NULL, NULL);
  gtk_file_chooser_set_choice (chooser, "describe", "false");
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cusp_window_export_report_to_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  cusp_window_case_report_to (user_data, g_variant_get_string (parameter, NULL), FALSE);
}

static void
cusp_window_undo_plan_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  cusp_undo_stack_undo (case_state (user_data)->undo);
}

static void
cusp_window_redo_plan_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  cusp_undo_stack_redo (case_state (user_data)->undo);
}

/* ---- setup ---- */

static const GActionEntry case_actions[] = {
  { "save-case", cusp_window_save_case_action, NULL, NULL, NULL, { 0 } },
  { "save-case-as", cusp_window_save_case_as_action, NULL, NULL, NULL, { 0 } },
  { "save-case-to", cusp_window_save_case_to_action, "s", NULL, NULL, { 0 } },
  { "open-case", cusp_window_open_case_action, NULL, NULL, NULL, { 0 } },
  { "open-case-from", cusp_window_open_case_from_action, "s", NULL, NULL, { 0 } },
  { "restore-autosave", cusp_window_restore_autosave_action, "s", NULL, NULL, { 0 } },
  { "add-plan", cusp_window_add_plan_action, NULL, NULL, NULL, { 0 } },
  { "set-plan", cusp_window_set_plan_action, "(sddd)", NULL, NULL, { 0 } },
  { "compare-plans", cusp_window_compare_plans_action, NULL, NULL, NULL, { 0 } },
  { "undo-plan", cusp_window_undo_plan_action, NULL, NULL, NULL, { 0 } },
  { "redo-plan", cusp_window_redo_plan_action, NULL, NULL, NULL, { 0 } },
  { "export-report", cusp_window_export_report_action, NULL, NULL, NULL, { 0 } },
  { "export-report-to", cusp_window_export_report_to_action, "s", NULL, NULL, { 0 } },
  { "export-view-png", cusp_window_export_view_png_action, "s", NULL, NULL, { 0 } },
  { "export-view-png-to", cusp_window_export_view_png_to_action, "(ss)", NULL, NULL, { 0 } },
};

/* Actions that need a study (or plans) are off without one; decided here only. */
void
_cusp_window_case_actions_update (CuspWindow *self)
{
  CuspWindowCase *cs = case_state (self);
  gboolean has_case = cs != NULL && cs->document != NULL && self->study != NULL;
  guint n_plans = has_case ? cusp_case_get_n_plans (cs->document) : 0;
  static const char *const need_case[] = {
    "save-case", "save-case-as", "save-case-to", "add-plan", "export-report", "export-report-to",
    "export-view-png", "export-view-png-to",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (need_case); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), need_case[i])),
                                 has_case);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "set-plan")),
                               n_plans > 0);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "compare-plans")),
                               n_plans > 0);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "undo-plan")),
                               has_case && cusp_undo_stack_can_undo (cs->undo));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "redo-plan")),
                               has_case && cusp_undo_stack_can_redo (cs->undo));
}

void
_cusp_window_case_init (CuspWindow *self)
{
  static const struct {
    const char *trigger;
    const char *action;
  } shortcuts[] = {
    { "<Control>s", "win.save-case" },
    { "<Control><Shift>s", "win.save-case-as" },
    { "<Control>p", "win.export-report" },
    { "<Control>e", "win.export-report" },
    { "<Control>n", "win.add-plan" },
    { "<Control>k", "win.compare-plans" },
    /* Ctrl+Z is the landmarks' history (cusp-window-measure.c); plans have their own. */
    { "<Control><Alt>z", "win.undo-plan" },
    { "<Control><Alt><Shift>z", "win.redo-plan" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  self->case_state = g_new0 (CuspWindowCase, 1);
  self->case_state->undo = cusp_undo_stack_new (100);
  g_signal_connect_swapped (self->case_state->undo, "changed", G_CALLBACK (_cusp_window_case_actions_update), self);
  g_action_map_add_action_entries (G_ACTION_MAP (self), case_actions, G_N_ELEMENTS (case_actions), self);
  /* Window-scoped, so the shortcuts work without touching the application's accelerator table. */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_MANAGED);
  for (gsize i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string (shortcuts[i].trigger),
                                                            gtk_named_action_new (shortcuts[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  g_signal_connect (self, "close-request", G_CALLBACK (cusp_window_case_close_request), NULL);
  g_signal_connect (self, "map", G_CALLBACK (cusp_window_case_mapped), NULL);
  g_signal_connect_object (self->view_link, "notify::window-center",
                           G_CALLBACK (cusp_window_case_link_changed), self, 0);
  g_signal_connect_object (self->view_link, "notify::window-width",
                           G_CALLBACK (cusp_window_case_link_changed), self, 0);
  _cusp_window_case_actions_update (self);
}

void
_cusp_window_case_dispose (CuspWindow *self)
{
  CuspWindowCase *cs = case_state (self);

  if (cs == NULL)
    return;
  g_cancellable_cancel (cs->cancellable);
  g_clear_object (&cs->cancellable);
  if (cs->document != NULL)
    g_signal_handlers_disconnect_by_data (cs->document, self);
  /* A clean close removes the autosave; unsaved work keeps it, so quitting never loses it. */
  if (cs->autosave != NULL)
    {
      if (cs->document == NULL || !cusp_case_get_dirty (cs->document))
        cusp_autosave_discard (cs->autosave);
      else
        {
          g_autoptr(GError) error = NULL;
          if (!cusp_autosave_flush (cs->autosave, &error))
            g_warning ("Cannot keep the unsaved case: %s", error->message);
        }
    }
  g_clear_object (&cs->autosave);
  /* The commands point at the window: they go first. */
  g_signal_handlers_disconnect_by_data (cs->undo, self);
  g_clear_object (&cs->undo);
  g_clear_object (&cs->document);
  g_clear_object (&cs->pending);
  g_free (cs->pending_autosave);
  g_free (cs->path);
  g_clear_pointer (&self->case_state, g_free);
}
