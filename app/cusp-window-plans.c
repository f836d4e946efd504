/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window-plans.c: the case's plans: add (the valve panel's device, pose and live answer),
 * move by numeric entry (simulated by cusp-cli simulate), undo/redo, the comparison. */
#include "cusp-config.h"
#include "cusp-window-case-private.h"
#include "cusp-plan-live.h"
#include "cusp-plan-run.h"

#include <glib/gi18n.h>
#include <math.h>

/* Before a segmentation (no valve on screen) a new plan starts from the last one, or from this. */
#define CUSP_DEFAULT_DEVICE_ID "sapien3-class-26"
#define CUSP_DEFAULT_DEPTH_MM 3.0
/* Add Plan waits this long for the live answer to its pose before simulating it apart. */
#define LIVE_WAIT_US (30 * G_TIME_SPAN_SECOND)
#define LIVE_POLL_MS 50

static void cusp_window_case_run_plan (CuspWindow *self, guint index);

/* CUSP_TEST_READY_FILE: every plan has its result ("N plans, N runs, N live"). */
static void
cusp_window_case_report_plans (CuspWindow *self)
{
  CuspWindowCase *cs = case_state (self);
  g_autofree char *detail = g_strdup_printf ("%u plans, %u runs, %u live",
                                             cusp_case_get_n_plans (cs->document), cs->n_finished,
                                             cs->n_live);

  _cusp_window_case_report (self, "plans-ready", detail);
}

typedef struct {
  CuspWindow *self;
  CuspCase *document;
  guint index;
} PlanRun;

/* The plan's coronary risk is not rated where the panel's ostium is only a proposal. */
static void
cusp_window_case_unrate_proposed_ostia (CuspWindow *self,
                                        CuspPlan   *plan)
{
  CuspValvePanel *panel = _cusp_window_measure_get_valve_panel (self);

  for (int side = 0; panel != NULL && side < 2; side++)
    if (cusp_valve_panel_get_ostium_proposed (panel, side))
      cusp_plan_unrate_ostium (plan, side);
}

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

  /* Cancelled, or for a case (or a window) that is gone: nothing to show. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || cs == NULL
      || run->document != cs->document)
    goto out;
  cs->n_running--;
  cs->n_finished++;
  if (plan == NULL)
    _cusp_window_case_fail (self, _("Cannot simulate the plan"), error);
  else if (run->index < cusp_case_get_n_plans (cs->document))
    {
      const CuspPlan *current = cusp_case_get_plan (cs->document, run->index);

      /* The newest pose wins: a result for a pose the user has since changed is dropped. */
      if (g_str_equal (current->device_id, plan->device_id) && current->depth_mm == plan->depth_mm
          && current->tilt_deg == plan->tilt_deg && current->rotation_deg == plan->rotation_deg)
        {
          cusp_window_case_unrate_proposed_ostia (self, plan);
          cusp_case_update_plan (cs->document, run->index, plan);
        }
    }
  if (cs->n_running == 0 && plan != NULL)
    cusp_window_case_report_plans (self);
  else if (cs->n_running == 0)
    _cusp_window_case_report (self, "error", error->message);
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
                       cusp_case_get_landmarks (cs->document),
                       cusp_case_get_calcium_threshold_hu (cs->document), cusp_case_get_septum_mm (cs->document),
                       cs->cancellable,
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

/* Adds `plan` (taken) as the newest, undoably; without a result it is simulated. */
static void
cusp_window_case_add (CuspWindow *self, CuspPlan *plan)
{
  CuspWindowCase *cs = case_state (self);
  guint n = cusp_case_get_n_plans (cs->document);
  gboolean has_result = plan->has_result;

  cusp_case_add_plan (cs->document, plan);
  cusp_window_case_push_edit (self, _("Add Plan"), n, NULL, cusp_case_get_plan (cs->document, n));
  if (!has_result)
    cusp_window_case_run_plan (self, n);
  else
    {
      cs->n_live++;
      if (cs->n_running == 0)
        cusp_window_case_report_plans (self);
    }
  _cusp_window_case_actions_update (self);
}

typedef enum {
  LIVE_TAKEN,
  LIVE_WAIT,                    /* no answer to this pose yet, or only the preliminary one */
  LIVE_UNUSABLE,                /* its final answer did not converge, or was refused */
} LiveAnswer;

/* The live answer on screen as `plan`'s result, when it is the converged answer to the plan's
 * device and pose. A final answer that did not converge is not taken: cusp-cli iterates further. */
static LiveAnswer
cusp_window_case_take_live (CuspWindow *self, CuspPlan *plan)
{
  CuspValvePanel *panel = _cusp_window_measure_get_valve_panel (self);
  const CuspMeasurements *m = _cusp_window_measure_get_measurements (self);
  const CuspDeviceDef *device = panel != NULL ? cusp_valve_panel_get_device (panel) : NULL;
  CuspLiveResult *live = panel != NULL ? cusp_valve_panel_get_result (panel) : NULL;
  /* the root the panel's solver was built from: the answer's own, measured septum included */
  const CuspSimRootDef *root = panel != NULL ? cusp_valve_panel_get_root_def (panel) : NULL;
  g_autoptr(GError) error = NULL;

  if (live == NULL || live->preliminary || device == NULL || m == NULL || root == NULL
      || !g_str_equal (device->id, plan->device_id) || live->pose.depth_mm != plan->depth_mm
      || live->pose.tilt_deg != plan->tilt_deg || live->pose.rotation_deg != plan->rotation_deg)
    return LIVE_WAIT;
  if (live->status != CUSP_SIM_OK || !live->converged)
    return LIVE_UNUSABLE;
  if (!cusp_plan_set_result_from_live (plan, live, device, root, m, &error))
    {
      /* the child process says the same in its own words, or succeeds */
      g_debug ("Live answer not taken: %s", error->message);
      return LIVE_UNUSABLE;
    }
  cusp_window_case_unrate_proposed_ostia (self, plan);
  return LIVE_TAKEN;
}

static void
cusp_window_case_stop_wait (CuspWindow *self)
{
  CuspWindowCase *cs = case_state (self);

  g_clear_handle_id (&cs->live_wait_id, g_source_remove);
  g_clear_pointer (&cs->live_wait, cusp_plan_free);
  if (cs->live_wait_toast != NULL)
    adw_toast_dismiss (cs->live_wait_toast);
  g_clear_object (&cs->live_wait_toast);
}

void
_cusp_window_plans_cancel_wait (CuspWindow *self)
{
  if (case_state (self) != NULL)
    cusp_window_case_stop_wait (self);
}

/* Polled every LIVE_POLL_MS: the panel has no "answered" signal, and a poll costs nothing. */
static gboolean
cusp_window_case_wait_tick (gpointer user_data)
{
  CuspWindow *self = user_data;
  CuspWindowCase *cs = case_state (self);
  CuspValvePanel *panel = _cusp_window_measure_get_valve_panel (self);
  CuspPlan *plan = cs->live_wait;
  CuspSimPose pose;
  gboolean moved;

  cusp_valve_panel_get_pose (panel, &pose);
  moved = g_strcmp0 (cusp_valve_panel_get_device_id (panel), plan->device_id) != 0
          || pose.depth_mm != plan->depth_mm || pose.tilt_deg != plan->tilt_deg
          || pose.rotation_deg != plan->rotation_deg;
  if (!moved && cusp_window_case_take_live (self, plan) == LIVE_WAIT
      && g_get_monotonic_time () < cs->live_wait_deadline_us)
    return G_SOURCE_CONTINUE;
  /* Taken; or the valve moved on, its answer cannot be used or the solver is slow: the pose
   * asked for is simulated apart. */
  cs->live_wait_id = 0;
  cs->live_wait = NULL;
  cusp_window_case_stop_wait (self);
  cusp_window_case_add (self, plan);
  return G_SOURCE_REMOVE;
}

static void
cusp_window_case_wait_live (CuspWindow *self, CuspPlan *plan)
{
  CuspWindowCase *cs = case_state (self);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *spinner = gtk_spinner_new ();

  cusp_window_case_stop_wait (self);
  cs->live_wait = plan;
  cs->live_wait_deadline_us = g_get_monotonic_time () + LIVE_WAIT_US;
  cs->live_wait_id = g_timeout_add (LIVE_POLL_MS, cusp_window_case_wait_tick, self);
  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_box_append (GTK_BOX (box), spinner);
  gtk_box_append (GTK_BOX (box), gtk_label_new (_("Waiting for the converged answer…")));
  cs->live_wait_toast = g_object_ref (adw_toast_new (""));
  adw_toast_set_custom_title (cs->live_wait_toast, box);
  adw_toast_set_timeout (cs->live_wait_toast, 0);
  adw_toast_set_button_label (cs->live_wait_toast, _("_Cancel"));
  adw_toast_set_action_name (cs->live_wait_toast, "win.cancel-add-plan");
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (cs->live_wait_toast));
}

/* The valve as the panel shows it (device, pose and the live answer, no child process); before a
 * segmentation, the newest plan's device and pose (or a default) simulated by cusp-cli. */
static void
cusp_window_add_plan_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  CuspWindow *self = user_data;
  CuspWindowCase *cs = case_state (self);
  CuspValvePanel *panel = _cusp_window_measure_get_valve_panel (self);
  const char *device_id = panel != NULL ? cusp_valve_panel_get_device_id (panel) : NULL;
  guint n = cusp_case_get_n_plans (cs->document);
  g_autofree char *name = cusp_case_next_plan_name (cs->document);
  const CuspPlan *last = n > 0 ? cusp_case_get_plan (cs->document, n - 1) : NULL;
  CuspPlan *plan;
  CuspSimPose pose;

  /* the pose taken into a plan is a step of its own in the valve's history: a move right after
   * it is not folded into the move before it */
  if (_cusp_window_measure_get_undo (self) != NULL)
    cusp_undo_stack_seal (_cusp_window_measure_get_undo (self));
  if (device_id != NULL && _cusp_window_measure_get_measurements (self) != NULL)
    {
      cusp_valve_panel_get_pose (panel, &pose);
      plan = cusp_plan_new (name, device_id, pose.depth_mm, pose.tilt_deg, pose.rotation_deg);
      if (cusp_window_case_take_live (self, plan) == LIVE_WAIT)
        cusp_window_case_wait_live (self, plan);
      else
        cusp_window_case_add (self, plan);
      return;
    }
  plan = last ? cusp_plan_new (name, last->device_id, last->depth_mm, last->tilt_deg, last->rotation_deg)
              : cusp_plan_new (name, CUSP_DEFAULT_DEVICE_ID, CUSP_DEFAULT_DEPTH_MM, 0.0, 0.0);
  cusp_window_case_add (self, plan);
}

static void
cusp_window_cancel_add_plan_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  cusp_window_case_stop_wait (user_data);
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
  {
    GtkWidget *note = gtk_label_new (_("Model estimates for research, teaching and rehearsal, not a "
                                       "diagnosis. Hover a row's name for its threshold and source."));

    gtk_label_set_wrap (GTK_LABEL (note), TRUE);
    gtk_label_set_xalign (GTK_LABEL (note), 0);
    gtk_widget_add_css_class (note, "dim-label");
    gtk_widget_set_margin_top (note, 12);
    gtk_grid_attach (GTK_GRID (grid), note, 0, 1 + n_keys, 1 + MAX (n, 1), 1);
  }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), grid);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_present (GTK_WINDOW (window));
  {
    g_autofree char *detail = g_strdup_printf ("%u plans compared", n);
    _cusp_window_case_report (self, "compared", detail);
  }
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


static const GActionEntry plan_actions[] = {
  { "add-plan", cusp_window_add_plan_action, NULL, NULL, NULL, { 0 } },
  { "cancel-add-plan", cusp_window_cancel_add_plan_action, NULL, NULL, NULL, { 0 } },
  { "set-plan", cusp_window_set_plan_action, "(sddd)", NULL, NULL, { 0 } },
  { "compare-plans", cusp_window_compare_plans_action, NULL, NULL, NULL, { 0 } },
  { "undo-plan", cusp_window_undo_plan_action, NULL, NULL, NULL, { 0 } },
  { "redo-plan", cusp_window_redo_plan_action, NULL, NULL, NULL, { 0 } },
};

void
_cusp_window_plans_add_actions (CuspWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), plan_actions, G_N_ELEMENTS (plan_actions), self);
}

static void
cusp_window_plans_enable (CuspWindow *self, const char *name, gboolean enabled)
{
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), name)),
                               enabled);
}

void
_cusp_window_plans_update (CuspWindow *self,
                           gboolean    has_case)
{
  CuspWindowCase *cs = case_state (self);
  guint n_plans = has_case ? cusp_case_get_n_plans (cs->document) : 0;

  cusp_window_plans_enable (self, "add-plan", has_case);
  cusp_window_plans_enable (self, "set-plan", n_plans > 0);
  cusp_window_plans_enable (self, "compare-plans", n_plans > 0);
  cusp_window_plans_enable (self, "undo-plan", has_case && cusp_undo_stack_can_undo (cs->undo));
  cusp_window_plans_enable (self, "redo-plan", has_case && cusp_undo_stack_can_redo (cs->undo));
}
