/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-panel.c: device picker, pose entry and live solver results for the rehearsal.
 *
 * The root (frame, analytic def, segmented wall) is rebuilt REBUILD_DELAY_MS after the last
 * set_root, so a landmark drag that re-measures every frame does not ray-cast the wall every
 * frame. A device change needs a new solver world (the device is part of its definition); a pose
 * change only posts the pose. Risk rules and the leak model run here on the main thread on each
 * delivered snapshot: they are closed-form and take microseconds.
 *
 * Test hook: CUSP_TEST_VALVE_FILE gets the displayed values as JSON after each snapshot. */
#include "cusp-config.h"
#include "cusp-valve-panel.h"
#include "cusp-user-limits.h"
#include "cusp-device-dirs.h"
#include "cusp-valve-mesh.h"
#include "cusp-valve-overlay.h"
#include "cusp-patient-root.h"
#include "cusp-plan-live.h"
#include "cusp-sim-device.h"
#include "cusp-sim-pvl.h"
#include "cusp-sim-risk.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#define REBUILD_DELAY_MS 250
#define DEFAULT_DEPTH_MM 3.0    /* a common target below the annulus; the user moves it */
#define DEPTH_NUDGE_MM 0.5
#define ROTATION_NUDGE_DEG 5.0
#define TILT_NUDGE_DEG 1.0
/* Tubes thicker than the struts (0.3-0.45 mm) so the frame reads at the 3D view's scale. */
#define FRAME_TUBE_RADIUS_MM 0.45
#define FRAME_TUBE_SIDES 6

enum { ROW_PVL, ROW_APPOSITION, ROW_LEFT, ROW_RIGHT, ROW_CONDUCTION, ROW_RUPTURE, N_ROWS };

/* A light with no published threshold behind it (apposition alone): grey, not green. */
#define LIGHT_NONE (-1)

struct _CuspValvePanel {
  GtkBox parent_instance;

  CuspDeviceLibrary library;
  GtkStringList *device_names;
  GtkDropDown *device_drop;
  GtkLabel *sizing_label;
  GtkSpinButton *depth_spin;
  GtkSpinButton *tilt_spin;
  GtkSpinButton *rotation_spin;
  GtkSpinButton *septum_spin;
  GtkCheckButton *septum_measured;
  double septum_mm;                 /* NAN: not measured, root_septum_mm assumed */
  double root_septum_mm;            /* what the root definition assumes */
  GtkLabel *status_label;
  GtkLabel *dots[N_ROWS];
  GtkLabel *values[N_ROWS];
  GtkWidget *names[N_ROWS];

  /* The root from the newest measurements. */
  gboolean has_root;
  gboolean device_chosen;
  CuspRootFrame frame;
  CuspSimRootDef root;
  double annulus_area_mm2;
  double annulus_perimeter_mm;
  gboolean calcium_measured;
  double calcium_mm3[CUSP_CALCIUM_REGION_COUNT];
  CuspVolume *labels;
  CuspVolume *image;
  double lumen_threshold;
  guint rebuild_id;
  CuspPatientWall *wall;             /* NULL: the analytic root */
  CuspPatientCalcium fallback_calcium;
  char *model_note;
  gboolean has_ostia;                /* the landmarks' coronary ostia, LPS */
  gboolean ostium_proposed[2];       /* left, right: not found by the segmentation, not yet moved */
  double ostium_lps[CUSP_OVERLAY_N_OSTIA][3];
  gboolean has_carm;                 /* the measured fluoroscopic views */
  CuspCarmAngles coplanar, cusp_overlap;

  CuspLiveSolver *solver;
  CuspLiveResult *result;
  CuspVolumeView *volume_view;       /* weak: whose link's scene the panel writes */
  CuspValveScene *scene;             /* the views' copy of root, pose and frame (the link's) */
  gboolean applying_pose;            /* set_pose moves three spins: post once */
  guint frame_triangles;             /* of the frame last drawn, for the test hook */
  gint64 root_ready_us;              /* when the solver got its first pose */
  double first_result_ms;            /* from the solver's start to its first snapshot */
  double first_final_ms;

  char *status_base;                 /* the indicator without the result's age */
  guint age_id;

  char *test_file;
};

G_DEFINE_FINAL_TYPE (CuspValvePanel, cusp_valve_panel, GTK_TYPE_BOX)

enum { SIGNAL_POSE_CHANGED, SIGNAL_DEVICE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct _Shown Shown;

static void start_solver (CuspValvePanel *self);
static void show_status_age (CuspValvePanel *self);
static void show_frame (CuspValvePanel *self, const CuspLiveResult *result, const CuspDeviceDef *device);
static void show_overlay (CuspValvePanel *self, const CuspLiveResult *result, const Shown *shown);
static void on_device_selected (GtkDropDown *drop, GParamSpec *pspec, CuspValvePanel *self);
static void apply_septum (CuspValvePanel *self);

/* ---- devices and the sizing chart --------------------------------------------------------- */

static void
load_library (CuspValvePanel *self)
{
  g_auto(GStrv) dirs = cusp_device_dirs ();

  /* Bad files are skipped: the good devices are still offered. */
  cusp_device_library_load (&self->library, (const char *const *) dirs, (int) g_strv_length (dirs));
}

static gboolean
sizing_of (CuspValvePanel *self, int index, CuspSizingCheck *check)
{
  CuspDeviceError error;

  if (!self->has_root || index < 0 || index >= self->library.device_count)
    return FALSE;
  return cusp_device_sizing_check (&self->library.devices[index], self->annulus_area_mm2,
                                   self->annulus_perimeter_mm, check, &error) == CUSP_DEVICE_OK;
}

static const char *
fit_words (CuspSizingFit fit)
{
  switch (fit)
    {
    case CUSP_SIZING_IN_RANGE: return _("in range");
    case CUSP_SIZING_ANNULUS_TOO_SMALL: return _("too big for this annulus");
    case CUSP_SIZING_ANNULUS_TOO_LARGE: return _("too small for this annulus");
    }
  return "";
}

static char *
device_line (CuspValvePanel *self, int index)
{
  const CuspDeviceDef *d = &self->library.devices[index];
  CuspSizingCheck check;

  if (!sizing_of (self, index, &check))
    return g_strdup (d->display_name);
  return g_strdup_printf (_("%s: %+.0f %% area, %s"), d->display_name, check.area_oversizing_pct,
                          fit_words (check.fit));
}

static void
refresh_device_names (CuspValvePanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->device_drop);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  for (int i = 0; i < self->library.device_count; i++)
    g_ptr_array_add (lines, device_line (self, i));
  g_ptr_array_add (lines, NULL);
  /* Splicing replaces the model's items: the selection is put back without a solver rebuild. */
  g_signal_handlers_block_by_func (self->device_drop, on_device_selected, self);
  gtk_string_list_splice (self->device_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->device_names)),
                          (const char * const *) lines->pdata);
  gtk_drop_down_set_selected (self->device_drop, selected);
  g_signal_handlers_unblock_by_func (self->device_drop, on_device_selected, self);
}

/* In this family, the size whose chart range is centred nearest this annulus among those in
 * range; -1 when no size fits. */
static int
recommended_in_family (CuspValvePanel *self, CuspDeviceFamily family)
{
  int best = -1;
  double best_distance = G_MAXDOUBLE;

  for (int i = 0; i < self->library.device_count; i++)
    {
      const CuspDeviceDef *d = &self->library.devices[i];
      CuspSizingCheck check;
      double distance;

      if (d->family != family || !sizing_of (self, i, &check) || check.fit != CUSP_SIZING_IN_RANGE)
        continue;
      distance = fabs (check.annulus_value - 0.5 * (d->sizing_min + d->sizing_max))
                 / (d->sizing_max - d->sizing_min);
      if (distance < best_distance)
        {
          best_distance = distance;
          best = i;
        }
    }
  return best;
}

static int
recommended_device (CuspValvePanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->device_drop);
  int best = -1;

  if (selected < (guint) self->library.device_count)
    best = recommended_in_family (self, self->library.devices[selected].family);
  for (int i = 0; best < 0 && i < self->library.device_count; i++)
    best = recommended_in_family (self, self->library.devices[i].family);
  return best;
}

static void
show_sizing (CuspValvePanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->device_drop);
  const CuspDeviceDef *d;
  CuspSizingCheck check;
  g_autofree char *text = NULL;

  if (!sizing_of (self, selected, &check))
    {
      gtk_label_set_text (self->sizing_label, "");
      return;
    }
  d = &self->library.devices[selected];
  if (d->sizing == CUSP_SIZING_BY_AREA)
    text = g_strdup_printf (_("Annulus area %.0f mm² on a chart of %.0f–%.0f mm²: %s. Area oversizing %+.1f %%, perimeter %+.1f %%."),
                            check.annulus_value, d->sizing_min, d->sizing_max, fit_words (check.fit),
                            check.area_oversizing_pct, check.perimeter_oversizing_pct);
  else
    text = g_strdup_printf (_("Annulus perimeter %.1f mm on a chart of %.1f–%.1f mm: %s. Area oversizing %+.1f %%, perimeter %+.1f %%."),
                            check.annulus_value, d->sizing_min, d->sizing_max, fit_words (check.fit),
                            check.area_oversizing_pct, check.perimeter_oversizing_pct);
  gtk_label_set_text (self->sizing_label, text);
}

/* ---- results -------------------------------------------------------------------------------- */

/* Only what changed: GTK 4.8 answers every tooltip set with a tooltip query that asks the X
 * server where the pointer is (a round trip), and a label's new text re-lays out the panel; with
 * every answer of a drag that was a tenth of the main thread (perf, demo drag). */
static void
set_tooltip (GtkWidget *widget, const char *tooltip)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) != 0)
    gtk_widget_set_tooltip_text (widget, tooltip);
}

static void
set_row (CuspValvePanel *self, int row, int level, const char *value, const char *tooltip)
{
  static const char *colours[] = { "#2ec27e", "#e5a50a", "#e01b24" };
  const char *colour = level >= 0 && level <= 2 ? colours[level] : "#9a9996";
  g_autofree char *markup = g_strdup_printf ("<span foreground=\"%s\">●</span>", colour);

  if (g_strcmp0 (gtk_label_get_label (self->dots[row]), markup) != 0)
    gtk_label_set_markup (self->dots[row], markup);
  if (g_strcmp0 (gtk_label_get_label (self->values[row]), value) != 0)
    gtk_label_set_text (self->values[row], value);
  set_tooltip (self->names[row], tooltip);
  set_tooltip (GTK_WIDGET (self->dots[row]), tooltip);
  set_tooltip (GTK_WIDGET (self->values[row]), tooltip);
}

static void
clear_rows (CuspValvePanel *self)
{
  for (int row = 0; row < N_ROWS; row++)
    set_row (self, row, LIGHT_NONE, "—", NULL);
}

static char *
rule_text (const CuspRiskRule *rule)
{
  return g_strdup_printf ("%s%s\n%s", rule->flag ? "▲ " : "", rule->detail, rule->source);
}

static int
grade_level (CuspVarc2Grade grade)
{
  switch (grade)
    {
    case CUSP_VARC2_NONE_TRACE: return CUSP_RISK_GREEN;
    case CUSP_VARC2_MILD: return CUSP_RISK_AMBER;
    case CUSP_VARC2_MODERATE:
    case CUSP_VARC2_SEVERE: return CUSP_RISK_RED;
    }
  return LIGHT_NONE;
}

static const char *
grade_words (CuspVarc2Grade grade)
{
  switch (grade)
    {
    case CUSP_VARC2_NONE_TRACE: return _("None/trace");
    case CUSP_VARC2_MILD: return _("Mild");
    case CUSP_VARC2_MODERATE: return _("Moderate");
    case CUSP_VARC2_SEVERE: return _("Severe");
    }
  return "";
}

/* Everything the rows show for one snapshot, also written to the test file. */
struct _Shown {
  gboolean leak_ok;
  CuspLeakResult leak;
  CuspCoronaryRisk coronary[2];
  CuspRuptureRisk rupture;
  CuspConductionRisk conduction;
  gboolean risk_ok;
};

static void
evaluate (CuspValvePanel *self, const CuspLiveResult *r, const CuspDeviceDef *device, Shown *s)
{
  g_autofree CuspSimResult *sim = g_new0 (CuspSimResult, 1);
  CuspFlowError flow_error = { 0 };
  CuspPlanOutcome outcome = { 0 };

  cusp_plan_sim_result_from_live (r, sim);
  s->leak_ok = cusp_sim_result_leak (sim, &s->leak, &flow_error) == CUSP_FLOW_OK;
  /* a refused rule greys the risk lights; the leak row stands on its own */
  s->risk_ok = cusp_plan_risks_evaluate (sim, device, &self->root, self->annulus_area_mm2,
                                         self->calcium_measured, self->calcium_mm3, &outcome, NULL);
  memcpy (s->coronary, outcome.coronary, sizeof s->coronary);
  s->rupture = outcome.rupture;
  s->conduction = outcome.conduction;
}

static void
show_rows (CuspValvePanel *self, const CuspLiveResult *r, const Shown *s)
{
  for (int side = 0; side < 2; side++)
    {
      const CuspCoronaryRisk *c = &s->coronary[side];
      g_autofree char *value = g_strdup_printf (_("VTC %.1f mm, DLC/d %.2f"),
                                                side == 0 ? r->left_ostium_vtc_mm : r->right_ostium_vtc_mm,
                                                c->dlc_over_d);
      g_autofree char *t1 = rule_text (&c->khan), *t2 = rule_text (&c->dlc_ratio);
      g_autofree char *t3 = rule_text (&c->height_and_sov), *t4 = rule_text (&c->residual_sinus);
      g_autofree char *tip = g_strjoin ("\n\n", t1, t2, t3, t4, NULL);
      if (self->ostium_proposed[side])
        {
          /* a risk light on an ostium nobody has seen would be a guess shown as a finding */
          g_autofree char *proposed = g_strdup_printf (_("%s; not rated: the ostium is only proposed, drag it onto the ostium"),
                                                       value);
          set_row (self, side == 0 ? ROW_LEFT : ROW_RIGHT, LIGHT_NONE, proposed,
                   _("The segmentation did not find this coronary ostium and proposed it in the middle of its "
                     "sinus. Its risk is rated once you place it on the ostium in the annulus or slice views."));
          continue;
        }
      set_row (self, side == 0 ? ROW_LEFT : ROW_RIGHT, s->risk_ok ? (int) c->level : LIGHT_NONE, value, tip);
    }
  {
    /* kPa: the septal pressures seen are 0-500 kPa against a 100 kPa (0.1 MPa) threshold */
    g_autofree char *value = isfinite (self->septum_mm)
      ? g_strdup_printf (_("septum %.1f kPa, depth %.1f mm (MS %.1f mm)"),
                         r->septum_mean_pressure_pa * 1e-3, r->implant_depth_mm, self->septum_mm)
      : g_strdup_printf (_("septum %.1f kPa, depth %.1f mm (MS %.0f mm assumed)"),
                         r->septum_mean_pressure_pa * 1e-3, r->implant_depth_mm, self->root_septum_mm);
    g_autofree char *t1 = rule_text (&s->conduction.depth_beyond_septum);
    g_autofree char *t2 = rule_text (&s->conduction.short_septum);
    g_autofree char *t3 = rule_text (&s->conduction.septal_pressure);
    g_autofree char *tip = g_strjoin ("\n\n", t1, t2, t3, NULL);
    set_row (self, ROW_CONDUCTION, s->risk_ok ? (int) s->conduction.level : LIGHT_NONE, value, tip);
  }
  {
    g_autofree char *value = g_strdup_printf (_("oversizing %+.1f %%, stretch %.2f"),
                                              s->rupture.area_oversizing_pct, r->annulus_peak_areal_stretch);
    g_autofree char *t1 = rule_text (&s->rupture.oversizing);
    g_autofree char *t2 = rule_text (&s->rupture.stretch);
    g_autofree char *t3 = rule_text (&s->rupture.lvot_calcium);
    g_autofree char *tip = g_strjoin ("\n\n", t1, t2, t3, NULL);
    set_row (self, ROW_RUPTURE, s->risk_ok ? (int) s->rupture.level : LIGHT_NONE, value, tip);
  }
  if (s->leak_ok)
    {
      g_autofree char *value = g_strdup_printf (_("%s, %.1f mL/beat, %.0f %% of the circumference"),
                                                grade_words (s->leak.grade), s->leak.regurgitant_volume_ml,
                                                s->leak.circumferential_extent_pct);
      set_row (self, ROW_PVL, grade_level (s->leak.grade), value,
               _("VARC-2 grade by regurgitant volume per beat: < 30 mL mild, 30–59 mL moderate, ≥ 60 mL severe "
                 "(Kappetein et al., VARC-2, JACC 2012). Green: none/trace, amber: mild, red: moderate or severe."));
    }
  else
    set_row (self, ROW_PVL, LIGHT_NONE, _("the leak model refused this gap map"), NULL);
  {
    g_autofree char *value = g_strdup_printf (_("%.0f %% of the annulus"), r->apposition_pct);
    set_row (self, ROW_APPOSITION, LIGHT_NONE, value,
             _("Share of the annulus circumference where the skirt touches the wall (gap ≤ 0.1 mm). "
               "No published threshold: read it with the leak grade."));
  }
}

static void
write_test_file (CuspValvePanel *self, const CuspLiveResult *r, const CuspDeviceDef *device,
                 const Shown *s)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  static const char *row_keys[N_ROWS] = { "pvl", "apposition", "coronary.left", "coronary.right",
                                          "conduction", "rupture" };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, r->preliminary ? "preliminary" : r->converged ? "converged" : "final");
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, gtk_label_get_text (self->status_label));
  json_builder_set_member_name (b, "serial");
  json_builder_add_int_value (b, (gint64) r->serial);
  json_builder_set_member_name (b, "device");
  json_builder_add_string_value (b, device->id);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, self->model_note);
  json_builder_set_member_name (b, "pose.depth_mm");
  json_builder_add_double_value (b, r->pose.depth_mm);
  json_builder_set_member_name (b, "pose.tilt_deg");
  json_builder_add_double_value (b, r->pose.tilt_deg);
  json_builder_set_member_name (b, "pose.rotation_deg");
  json_builder_add_double_value (b, r->pose.rotation_deg);
  json_builder_set_member_name (b, "frame_triangles");
  json_builder_add_int_value (b, self->frame_triangles);
  json_builder_set_member_name (b, "iterations");
  json_builder_add_int_value (b, r->iterations);
  json_builder_set_member_name (b, "answer_ms");
  json_builder_add_double_value (b, (r->ready_us - r->requested_us) / 1000.0);
  json_builder_set_member_name (b, "first_result_ms");
  json_builder_add_double_value (b, self->first_result_ms);
  json_builder_set_member_name (b, "first_final_ms");
  json_builder_add_double_value (b, self->first_final_ms);
  json_builder_set_member_name (b, "pvl.grade");
  json_builder_add_string_value (b, s->leak_ok ? cusp_varc2_grade_to_string (s->leak.grade) : "");
  json_builder_set_member_name (b, "pvl.regurgitant_volume_ml");
  json_builder_add_double_value (b, s->leak_ok ? s->leak.regurgitant_volume_ml : NAN);
  json_builder_set_member_name (b, "pvl.circumferential_extent_pct");
  json_builder_add_double_value (b, s->leak_ok ? s->leak.circumferential_extent_pct : NAN);
  json_builder_set_member_name (b, "apposition_pct");
  json_builder_add_double_value (b, r->apposition_pct);
  json_builder_set_member_name (b, "coronary.left.vtc_mm");
  json_builder_add_double_value (b, r->left_ostium_vtc_mm);
  json_builder_set_member_name (b, "coronary.right.vtc_mm");
  json_builder_add_double_value (b, r->right_ostium_vtc_mm);
  json_builder_set_member_name (b, "conduction.septal_pressure_pa");
  json_builder_add_double_value (b, r->septum_mean_pressure_pa);
  json_builder_set_member_name (b, "conduction.septum_mm");
  json_builder_add_double_value (b, self->root.membranous_septum_length_mm);
  json_builder_set_member_name (b, "conduction.septum_measured");
  json_builder_add_boolean_value (b, isfinite (self->septum_mm));
  json_builder_set_member_name (b, "conduction.depth_minus_septum_mm");
  json_builder_add_double_value (b, s->risk_ok ? s->conduction.depth_minus_septum_mm : NAN);
  json_builder_set_member_name (b, "implant_depth_mm");
  json_builder_add_double_value (b, r->implant_depth_mm);
  json_builder_set_member_name (b, "rupture.area_oversizing_pct");
  json_builder_add_double_value (b, s->rupture.area_oversizing_pct);
  json_builder_set_member_name (b, "rupture.peak_areal_stretch");
  json_builder_add_double_value (b, r->annulus_peak_areal_stretch);
  /* what each row shows, with its light's colour */
  for (int row = 0; row < N_ROWS; row++)
    {
      g_autofree char *key = g_strdup_printf ("shown.%s", row_keys[row]);
      g_autofree char *light = g_strdup_printf ("light.%s", row_keys[row]);
      const char *markup = gtk_label_get_label (self->dots[row]);
      const char *colour = strstr (markup, "#");

      json_builder_set_member_name (b, key);
      json_builder_add_string_value (b, gtk_label_get_text (self->values[row]));
      json_builder_set_member_name (b, light);
      if (colour != NULL)
        {
          g_autofree char *hex = g_strndup (colour, 7);
          json_builder_add_string_value (b, hex);
        }
      else
        json_builder_add_string_value (b, "");
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  if (!g_file_set_contents (self->test_file, text, -1, &error))
    g_warning ("Cannot write %s: %s", self->test_file, error->message);
}

static void
on_result (CuspLiveSolver *solver, CuspLiveResult *result, gpointer user_data)
{
  CuspValvePanel *self = user_data;
  guint selected = gtk_drop_down_get_selected (self->device_drop);
  const CuspDeviceDef *device;
  g_autofree char *status = NULL;
  Shown shown = { 0 };
  double answer_ms = (result->ready_us - result->requested_us) / 1000.0;

  if (selected >= (guint) self->library.device_count)
    return;
  device = &self->library.devices[selected];
  g_clear_pointer (&self->result, cusp_live_result_unref);
  self->result = cusp_live_result_ref (result);
  if (self->first_result_ms < 0)
    self->first_result_ms = (result->ready_us - self->root_ready_us) / 1000.0;
  if (!result->preliminary && self->first_final_ms < 0)
    self->first_final_ms = (result->ready_us - self->root_ready_us) / 1000.0;

  if (result->status != CUSP_SIM_OK)
    {
      status = g_strdup_printf (_("The solver refused this pose: %s"), result->message);
      gtk_label_set_text (self->status_label, status);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
      clear_rows (self);
      show_frame (self, NULL, NULL);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  if (result->preliminary)
    status = g_strdup_printf (_("Preliminary… (%d iterations, answered in %.0f ms)"),
                              result->iterations, answer_ms);
  else if (result->converged)
    status = g_strdup_printf (_("Converged (%d iterations, answered in %.0f ms)"),
                              result->iterations, answer_ms);
  else
    status = g_strdup_printf (_("Not converged after %d iterations (residual %.1e): read with care"),
                              result->iterations, result->residual);
  g_free (self->status_base);
  self->status_base = g_steal_pointer (&status);
  show_status_age (self);

  evaluate (self, result, device, &shown);
  show_rows (self, result, &shown);
  show_frame (self, result, device);
  show_overlay (self, result, &shown);
  if (self->test_file != NULL)
    write_test_file (self, result, device, &shown);
}

static void
show_frame (CuspValvePanel *self, const CuspLiveResult *result, const CuspDeviceDef *device)
{
  CuspMesh *mesh = NULL;

  if (result != NULL && device != NULL)
    mesh = cusp_valve_mesh_new (result, device, &self->frame, FRAME_TUBE_RADIUS_MM, FRAME_TUBE_SIDES);
  self->frame_triangles = mesh != NULL ? mesh->triangle_count : 0;
  if (self->scene != NULL)
    cusp_valve_scene_set_frame_mesh (self->scene, mesh, result != NULL && result->converged);
  if (self->scene != NULL && result == NULL)
    cusp_valve_scene_set_overlay (self->scene, NULL);
  cusp_mesh_free (mesh);
}

/* The answer painted over the root in the 3D view: pressure, gaps, jets, ostia. */
static void
show_overlay (CuspValvePanel *self, const CuspLiveResult *r, const Shown *s)
{
  g_autoptr(CuspValveOverlay) overlay = NULL;
  CuspSceneFrame frame;
  static const int leaflet_of_side[CUSP_OVERLAY_N_OSTIA] = { CUSP_SIM_LEAFLET_LEFT, CUSP_SIM_LEAFLET_RIGHT };

  if (self->scene == NULL || !cusp_valve_scene_get_root (self->scene, &frame))
    return;
  overlay = cusp_valve_overlay_new ();
  if (r->wall_pressure_pa != NULL)
    cusp_valve_overlay_set_pressure (overlay, r->wall_angle_count, r->wall_height_count,
                                     r->wall_height0_mm, r->wall_height_step_mm, r->wall_pressure_pa);
  if (r->gap_mm != NULL)
    cusp_valve_overlay_set_gap (overlay, r->gap_angle_count, r->gap_height_count, r->gap.angle_step_deg,
                                r->gap.height0_mm, r->gap.height_step_mm, r->gap.tolerance_mm, r->gap_mm);
  for (int i = 0; i < r->node_count; i++)
    overlay->frame_radius_mm = MAX (overlay->frame_radius_mm,
                                    hypot (r->node_position_mm[3 * i], r->node_position_mm[3 * i + 1]));
  if (s->leak_ok)
    cusp_valve_overlay_set_jets (overlay, &s->leak, r->gap.seal_radius_mm, r->gap.height0_mm);
  for (int side = 0; self->has_ostia && side < CUSP_OVERLAY_N_OSTIA; side++)
    {
      const CuspSimLeaflet *leaflet = &r->leaflet[leaflet_of_side[side]];
      cusp_valve_overlay_set_ostium (overlay, side, &frame, self->ostium_lps[side],
                                     leaflet->free_edge_radius_mm, leaflet->free_edge_height_mm,
                                     side == CUSP_OVERLAY_OSTIUM_LEFT ? r->left_ostium_dlc_mm : r->right_ostium_dlc_mm,
                                     s->risk_ok && !self->ostium_proposed[side] ? (int) s->coronary[side].level : -1);
    }
  cusp_valve_scene_set_overlay (self->scene, overlay);
}

/* The indicator says how old the shown answer is, once a second: a stalled solver shows. */
static void
show_status_age (CuspValvePanel *self)
{
  double age_s;
  g_autofree char *text = NULL;

  if (self->result == NULL || self->status_base == NULL)
    return;
  age_s = (g_get_monotonic_time () - self->result->ready_us) / 1e6;
  text = g_strdup_printf (_("%s · shown for %.0f s"), self->status_base, age_s);
  gtk_label_set_text (self->status_label, text);
}

static gboolean
age_tick (gpointer data)
{
  show_status_age (data);
  return G_SOURCE_CONTINUE;
}

/* ---- the solver ----------------------------------------------------------------------------- */

static const CuspDeviceDef *
selected_device (CuspValvePanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->device_drop);

  return selected < (guint) self->library.device_count ? &self->library.devices[selected] : NULL;
}

static void
show_root_in_scene (CuspValvePanel *self)
{
  CuspSceneFrame frame;

  memcpy (frame.origin_mm, self->frame.origin_mm, sizeof frame.origin_mm);
  memcpy (frame.axis_x, self->frame.axis_x, sizeof frame.axis_x);
  memcpy (frame.axis_y, self->frame.axis_y, sizeof frame.axis_y);
  memcpy (frame.axis_z, self->frame.axis_z, sizeof frame.axis_z);
  cusp_valve_scene_set_root (self->scene, &frame);
  cusp_valve_scene_set_carm (self->scene, self->has_carm ? &self->coplanar : NULL,
                             self->has_carm ? &self->cusp_overlap : NULL);
}

/* The views draw the valve where the spins say, at once: the solver's frame follows. */
static void
show_pose_in_scene (CuspValvePanel *self)
{
  const CuspDeviceDef *device = selected_device (self);
  CuspSimPose pose;

  if (self->scene == NULL)
    return;
  cusp_valve_panel_get_pose (self, &pose);
  cusp_valve_scene_set_valve (self->scene, self->has_root && device != NULL, &pose,
                              device != NULL ? device->nominal_diameter_mm : 0.0,
                              device != NULL ? device->height_mm : 0.0);
}

static void
post_pose (CuspValvePanel *self)
{
  CuspSimPose pose;

  show_pose_in_scene (self);
  if (self->solver == NULL)
    return;
  cusp_valve_panel_get_pose (self, &pose);
  cusp_live_solver_set_pose (self->solver, &pose);
  g_clear_pointer (&self->status_base, g_free);
  /* the shown answer stays until the new one arrives: only the indicator changes */
  gtk_label_set_text (self->status_label, _("Preliminary… (solving the new pose)"));
}

static void
stop_solver (CuspValvePanel *self)
{
  g_clear_pointer (&self->status_base, g_free);
  show_frame (self, NULL, NULL);
  g_clear_pointer (&self->solver, cusp_live_solver_free);
  g_clear_pointer (&self->result, cusp_live_result_unref);
}

static void
start_solver (CuspValvePanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->device_drop);
  g_autofree CuspSimWorldDef *def = g_new0 (CuspSimWorldDef, 1);
  CuspLiveSolverParams params = cusp_live_solver_default_params ();
  g_autoptr(GError) error = NULL;

  stop_solver (self);
  clear_rows (self);
  if (!self->has_root || selected >= (guint) self->library.device_count)
    return;
  *def = cusp_sim_default_world_def ();
  def->root = self->root;
  def->device = self->library.devices[selected];
  if (self->wall != NULL)
    {
      def->use_lumen_mesh = 1;
      cusp_patient_wall_lumen_mesh (self->wall, &def->lumen);
      def->root.calcium_count = self->wall->calcium_count;
      memcpy (def->root.calcium, self->wall->calcium, sizeof self->wall->calcium);
    }
  else
    {
      def->root.calcium_count = self->fallback_calcium.count;
      memcpy (def->root.calcium, self->fallback_calcium.nodules, sizeof self->fallback_calcium.nodules);
    }
  def->pose.depth_mm = gtk_spin_button_get_value (self->depth_spin);
  def->pose.tilt_deg = gtk_spin_button_get_value (self->tilt_spin);
  def->pose.rotation_deg = gtk_spin_button_get_value (self->rotation_spin);
  self->solver = cusp_live_solver_new (def, &params, NULL, on_result, self, &error);
  if (self->solver == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The solver cannot start: %s"), error->message);
      gtk_label_set_text (self->status_label, text);
      return;
    }
  self->root_ready_us = g_get_monotonic_time ();
  self->first_result_ms = -1;
  self->first_final_ms = -1;
  post_pose (self);
}

/* The wall is ray-cast from the labels once per root; a failure falls back to the analytic root
 * with this patient's calcium, and says so. */
static gboolean
rebuild_root (gpointer data)
{
  CuspValvePanel *self = data;
  CuspPatientWallParams params = cusp_patient_wall_default_params ();
  g_autoptr(GError) error = NULL;

  self->rebuild_id = 0;
  g_clear_pointer (&self->wall, cusp_patient_wall_free);
  memset (&self->fallback_calcium, 0, sizeof self->fallback_calcium);
  g_clear_pointer (&self->model_note, g_free);
  if (self->labels != NULL)
    self->wall = cusp_patient_wall_new (self->labels, self->image, self->lumen_threshold,
                                        &self->frame, &params, &self->root, &error);
  if (self->wall != NULL)
    self->model_note = g_strdup (_("segmented wall"));
  else
    {
      if (self->labels != NULL)
        cusp_patient_calcium_place (self->labels, &self->frame, &params, &self->root,
                                    &self->fallback_calcium, NULL);
      self->model_note = g_strdup_printf (_("analytic root from the measurements (%s)"),
                                          error != NULL ? error->message : _("no segmentation"));
    }
  start_solver (self);
  return G_SOURCE_REMOVE;
}

void
cusp_valve_panel_set_root (CuspValvePanel         *self,
                           const CuspSegmentation *segmentation,
                           CuspVolume             *image,
                           const CuspMeasurements *measurements,
                           const CuspLandmarks    *landmarks)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CUSP_IS_VALVE_PANEL (self));

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  stop_solver (self);
  clear_rows (self);
  g_clear_pointer (&self->labels, cusp_volume_unref);
  g_clear_pointer (&self->image, cusp_volume_unref);
  self->has_root = self->has_ostia = self->has_carm = FALSE;
  if (self->scene != NULL)
    cusp_valve_scene_set_root (self->scene, NULL);
  if (measurements == NULL || landmarks == NULL || !measurements->annulus.valid)
    {
      gtk_label_set_text (self->status_label, _("Segment and measure the root (Ctrl+G) to rehearse a valve."));
      refresh_device_names (self);
      show_sizing (self);
      return;
    }
  if (!cusp_root_frame_from_annulus (&measurements->annulus, &self->frame, &error)
      || !cusp_patient_root_def (measurements, landmarks, &self->frame, &self->root, &error))
    {
      g_autofree char *text = g_strdup_printf (_("No valve can be placed in this root: %s"), error->message);
      gtk_label_set_text (self->status_label, text);
      refresh_device_names (self);
      show_sizing (self);
      return;
    }
  self->root_septum_mm = self->root.membranous_septum_length_mm;
  apply_septum (self);
  self->has_root = TRUE;
  self->has_ostia = TRUE;
  memcpy (self->ostium_lps[CUSP_OVERLAY_OSTIUM_LEFT], landmarks->left_ostium_mm, 3 * sizeof (double));
  memcpy (self->ostium_lps[CUSP_OVERLAY_OSTIUM_RIGHT], landmarks->right_ostium_mm, 3 * sizeof (double));
  for (int side = 0; side < 2; side++)
    {
      const double *now = side == 0 ? landmarks->left_ostium_mm : landmarks->right_ostium_mm;
      const double *proposal = segmentation == NULL ? NULL
                               : side == 0 ? segmentation->landmarks.left_ostium_mm
                                           : segmentation->landmarks.right_ostium_mm;
      /* the user's ostium once it has moved off the segmentation's proposal */
      self->ostium_proposed[side] = proposal != NULL && !segmentation->ostia_found[side]
                                    && fabs (now[0] - proposal[0]) + fabs (now[1] - proposal[1])
                                       + fabs (now[2] - proposal[2]) < 1e-6;
    }
  /* the three-cusp view is the coplanar view deployments are watched in */
  self->has_carm = TRUE;
  self->coplanar = measurements->three_cusp;
  self->cusp_overlap = measurements->cusp_overlap;
  if (self->scene != NULL)
    show_root_in_scene (self);
  self->annulus_area_mm2 = measurements->annulus.area_mm2;
  self->annulus_perimeter_mm = measurements->annulus.perimeter_mm;
  self->calcium_measured = measurements->calcium_measured;
  memcpy (self->calcium_mm3, measurements->calcium_mm3, sizeof self->calcium_mm3);
  if (segmentation != NULL)
    {
      self->labels = cusp_volume_ref (segmentation->labels);
      self->lumen_threshold = segmentation->lumen_threshold;
      if (image != NULL)
        self->image = cusp_volume_ref (image);
    }
  refresh_device_names (self);
  if (!self->device_chosen)
    {
      int best = recommended_device (self);
      if (best >= 0)
        {
          g_signal_handlers_block_by_func (self->device_drop, on_device_selected, self);
          gtk_drop_down_set_selected (self->device_drop, best);
          g_signal_handlers_unblock_by_func (self->device_drop, on_device_selected, self);
        }
      self->device_chosen = TRUE;
    }
  show_sizing (self);
  show_pose_in_scene (self);
  gtk_label_set_text (self->status_label, _("Preparing the solver…"));
  self->rebuild_id = g_timeout_add (REBUILD_DELAY_MS, rebuild_root, self);
}

static void
on_pose_requested (CuspValveScene *scene, const CuspSimPose *pose, CuspValvePanel *self)
{
  cusp_valve_panel_set_pose (self, pose);
}

static void
set_scene (CuspValvePanel *self, CuspValveScene *scene)
{
  if (self->scene != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->scene, self);
      cusp_valve_scene_set_root (self->scene, NULL);
    }
  g_set_object (&self->scene, scene);
  if (scene == NULL)
    return;
  g_signal_connect (scene, "pose-requested", G_CALLBACK (on_pose_requested), self);
  if (self->has_root)
    show_root_in_scene (self);
  show_pose_in_scene (self);
}

void
cusp_valve_panel_set_volume_view (CuspValvePanel *self,
                                  CuspVolumeView *view)
{
  g_return_if_fail (CUSP_IS_VALVE_PANEL (self));

  if (self->volume_view != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->volume_view), (gpointer *) &self->volume_view);
  self->volume_view = view;
  if (view != NULL)
    g_object_add_weak_pointer (G_OBJECT (view), (gpointer *) &self->volume_view);
  set_scene (self, view != NULL ? cusp_view_link_get_valve_scene (cusp_volume_view_get_link (view)) : NULL);
}

CuspLiveResult *
cusp_valve_panel_get_result (CuspValvePanel *self)
{
  g_return_val_if_fail (CUSP_IS_VALVE_PANEL (self), NULL);
  return self->result;
}

void
cusp_valve_panel_get_pose (CuspValvePanel *self, CuspSimPose *pose)
{
  g_return_if_fail (CUSP_IS_VALVE_PANEL (self));
  g_return_if_fail (pose != NULL);

  pose->depth_mm = gtk_spin_button_get_value (self->depth_spin);
  pose->tilt_deg = gtk_spin_button_get_value (self->tilt_spin);
  pose->rotation_deg = gtk_spin_button_get_value (self->rotation_spin);
}

/* The spins clamp to their ranges (depth -10..15 mm, tilt +-20 deg, rotation +-180 deg). */
void
cusp_valve_panel_set_pose (CuspValvePanel *self, const CuspSimPose *pose)
{
  g_return_if_fail (CUSP_IS_VALVE_PANEL (self));
  g_return_if_fail (pose != NULL);

  if (!isfinite (pose->depth_mm) || !isfinite (pose->tilt_deg) || !isfinite (pose->rotation_deg))
    return;
  self->applying_pose = TRUE;
  gtk_spin_button_set_value (self->depth_spin, pose->depth_mm);
  gtk_spin_button_set_value (self->tilt_spin, pose->tilt_deg);
  gtk_spin_button_set_value (self->rotation_spin, pose->rotation_deg);
  self->applying_pose = FALSE;
  post_pose (self);
  g_signal_emit (self, signals[SIGNAL_POSE_CHANGED], 0);
}

const char *
cusp_valve_panel_get_device_id (CuspValvePanel *self)
{
  const CuspDeviceDef *device;

  g_return_val_if_fail (CUSP_IS_VALVE_PANEL (self), NULL);
  device = selected_device (self);
  return device != NULL ? device->id : NULL;
}

gboolean
cusp_valve_panel_set_device_id (CuspValvePanel *self, const char *device_id)
{
  g_return_val_if_fail (CUSP_IS_VALVE_PANEL (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);

  for (int i = 0; i < self->library.device_count; i++)
    if (g_str_equal (self->library.devices[i].id, device_id))
      {
        self->device_chosen = TRUE;
        gtk_drop_down_set_selected (self->device_drop, i);
        return TRUE;
      }
  return FALSE;
}

const CuspDeviceDef *
cusp_valve_panel_get_device (CuspValvePanel *self)
{
  g_return_val_if_fail (CUSP_IS_VALVE_PANEL (self), NULL);
  return selected_device (self);
}

static void on_septum_changed (CuspValvePanel *self);

/* The root the solver gets: the measured septum when there is one. */
static void
apply_septum (CuspValvePanel *self)
{
  self->root.membranous_septum_length_mm = isfinite (self->septum_mm) ? self->septum_mm : self->root_septum_mm;
}

void
cusp_valve_panel_set_septum_mm (CuspValvePanel *self,
                                double          septum_mm)
{
  gboolean measured = isfinite (septum_mm);

  g_return_if_fail (CUSP_IS_VALVE_PANEL (self));
  g_return_if_fail (!measured || (septum_mm >= CUSP_SEPTUM_MIN_MM
                                  && septum_mm <= CUSP_SEPTUM_MAX_MM));

  g_signal_handlers_block_by_func (self->septum_spin, on_septum_changed, self);
  g_signal_handlers_block_by_func (self->septum_measured, on_septum_changed, self);
  gtk_check_button_set_active (self->septum_measured, measured);
  gtk_spin_button_set_value (self->septum_spin, measured ? septum_mm : self->root_septum_mm);
  gtk_widget_set_sensitive (GTK_WIDGET (self->septum_spin), measured);
  g_signal_handlers_unblock_by_func (self->septum_measured, on_septum_changed, self);
  g_signal_handlers_unblock_by_func (self->septum_spin, on_septum_changed, self);
  if (measured == isfinite (self->septum_mm) && (!measured || septum_mm == self->septum_mm))
    return;
  self->septum_mm = septum_mm;
  apply_septum (self);
  if (self->has_root)
    start_solver (self);
}

const CuspSimRootDef *
cusp_valve_panel_get_root_def (CuspValvePanel *self)
{
  g_return_val_if_fail (CUSP_IS_VALVE_PANEL (self), NULL);
  return self->has_root ? &self->root : NULL;
}

gboolean
cusp_valve_panel_get_ostium_proposed (CuspValvePanel *self,
                                      int             side)
{
  g_return_val_if_fail (CUSP_IS_VALVE_PANEL (self) && (side == 0 || side == 1), FALSE);
  return self->has_ostia && self->ostium_proposed[side];
}

double
cusp_valve_panel_get_septum_mm (CuspValvePanel *self)
{
  g_return_val_if_fail (CUSP_IS_VALVE_PANEL (self), NAN);
  return self->septum_mm;
}

/* ---- input ---------------------------------------------------------------------------------- */

/* The user's change goes through the window (win.septum-length), which keeps it in the case and
 * hands it back with cusp_valve_panel_set_septum_mm. */
static void
on_septum_changed (CuspValvePanel *self)
{
  gboolean measured = gtk_check_button_get_active (self->septum_measured);

  gtk_widget_set_sensitive (GTK_WIDGET (self->septum_spin), measured);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.septum-length", "d",
                              measured ? gtk_spin_button_get_value (self->septum_spin) : 0.0);
}

static void
on_device_selected (GtkDropDown *drop, GParamSpec *pspec, CuspValvePanel *self)
{
  show_sizing (self);
  show_pose_in_scene (self);
  if (self->has_root && self->rebuild_id == 0)
    start_solver (self);
  g_signal_emit (self, signals[SIGNAL_DEVICE_CHANGED], 0);
}

static void
on_recommended (GtkButton *button, CuspValvePanel *self)
{
  int best = recommended_device (self);

  if (best >= 0)
    gtk_drop_down_set_selected (self->device_drop, best);
  else
    gtk_label_set_text (self->status_label, _("No size in the library fits this annulus."));
}

static void
on_pose_changed (GtkSpinButton *spin, CuspValvePanel *self)
{
  if (self->applying_pose)
    return;
  post_pose (self);
  g_signal_emit (self, signals[SIGNAL_POSE_CHANGED], 0);
}

static gboolean
nudge (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  CuspValvePanel *self = CUSP_VALVE_PANEL (widget);
  const char *which;
  double step;
  GtkSpinButton *spin;

  g_variant_get (args, "(&sd)", &which, &step);
  spin = g_str_equal (which, "depth") ? self->depth_spin
         : g_str_equal (which, "tilt") ? self->tilt_spin : self->rotation_spin;
  gtk_spin_button_set_value (spin, gtk_spin_button_get_value (spin) + step);
  return TRUE;
}

/* The next labelled size up (+1) or down (-1) in the chosen device's family: trying sizes one
 * after another is what a heart team does most. */
static int
neighbour_size (CuspValvePanel *self, int direction)
{
  guint selected = gtk_drop_down_get_selected (self->device_drop);
  const CuspDeviceDef *current;
  int best = -1;

  if (selected >= (guint) self->library.device_count)
    return -1;
  current = &self->library.devices[selected];
  for (int i = 0; i < self->library.device_count; i++)
    {
      const CuspDeviceDef *d = &self->library.devices[i];
      double step_mm = direction * (d->nominal_diameter_mm - current->nominal_diameter_mm);

      if (d->family != current->family || step_mm <= 0.0)
        continue;
      if (best < 0 || step_mm < direction * (self->library.devices[best].nominal_diameter_mm
                                             - current->nominal_diameter_mm))
        best = i;
    }
  return best;
}

static gboolean
step_size (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  CuspValvePanel *self = CUSP_VALVE_PANEL (widget);
  int next = neighbour_size (self, g_variant_get_int32 (args));

  if (next >= 0)
    gtk_drop_down_set_selected (self->device_drop, next);
  else
    gtk_widget_error_bell (widget);
  return TRUE;
}

static void
add_size_keys (GtkShortcutController *controller)
{
  for (int direction = -1; direction <= 1; direction += 2)
    {
      GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (direction > 0 ? GDK_KEY_Up : GDK_KEY_Down,
                                                                        GDK_ALT_MASK | GDK_SHIFT_MASK),
                                                gtk_callback_action_new (step_size, NULL, NULL));
      gtk_shortcut_set_arguments (shortcut, g_variant_new_int32 (direction));
      gtk_shortcut_controller_add_shortcut (controller, shortcut);
    }
}

static void
add_nudge (GtkShortcutController *controller, guint key, const char *which, double step)
{
  GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (key, GDK_ALT_MASK),
                                            gtk_callback_action_new (nudge, NULL, NULL));
  gtk_shortcut_set_arguments (shortcut, g_variant_new ("(sd)", which, step));
  gtk_shortcut_controller_add_shortcut (controller, shortcut);
}

/* ---- construction --------------------------------------------------------------------------- */

/* The popup shows each size's whole line; the button only the name up to its first " (" or
 * ":" (family and size, e.g. "Evolut-class 29 mm"), so the long sizing words do not widen the
 * sidebar (the line below the picker repeats them for the chosen size). */
static void
item_setup (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer ellipsize)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  if (GPOINTER_TO_INT (ellipsize))
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 18);
    }
  gtk_list_item_set_child (item, label);
}

static void
item_bind (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer ellipsize)
{
  const char *text = gtk_string_object_get_string (gtk_list_item_get_item (item));
  g_autofree char *shown = g_strdup (text);

  if (GPOINTER_TO_INT (ellipsize))
    shown[strcspn (shown, "(:")] = '\0';
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), g_strstrip (shown));
}

static GtkListItemFactory *
item_factory (gboolean ellipsize)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (item_setup), GINT_TO_POINTER (ellipsize));
  g_signal_connect (factory, "bind", G_CALLBACK (item_bind), GINT_TO_POINTER (ellipsize));
  return factory;
}

static GtkSpinButton *
add_spin (CuspValvePanel *self, GtkGrid *grid, int row, const char *label, const char *tooltip,
          double lower, double upper, double step, double value)
{
  GtkWidget *name = gtk_label_new (label);
  GtkSpinButton *spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (lower, upper, step));

  gtk_label_set_xalign (GTK_LABEL (name), 0.0f);
  gtk_spin_button_set_digits (spin, 1);
  gtk_spin_button_set_value (spin, value);
  gtk_widget_set_hexpand (GTK_WIDGET (spin), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (spin), tooltip);
  gtk_grid_attach (grid, name, 0, row, 1, 1);
  gtk_grid_attach (grid, GTK_WIDGET (spin), 1, row, 1, 1);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_pose_changed), self);
  return spin;
}

static void
cusp_valve_panel_dispose (GObject *object)
{
  CuspValvePanel *self = CUSP_VALVE_PANEL (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  g_clear_handle_id (&self->age_id, g_source_remove);
  stop_solver (self);
  cusp_valve_panel_set_volume_view (self, NULL);
  set_scene (self, NULL);
  g_clear_pointer (&self->wall, cusp_patient_wall_free);
  g_clear_pointer (&self->labels, cusp_volume_unref);
  g_clear_pointer (&self->image, cusp_volume_unref);
  G_OBJECT_CLASS (cusp_valve_panel_parent_class)->dispose (object);
}

static void
cusp_valve_panel_finalize (GObject *object)
{
  CuspValvePanel *self = CUSP_VALVE_PANEL (object);

  cusp_device_library_clear (&self->library);
  g_free (self->model_note);
  g_free (self->status_base);
  g_free (self->test_file);
  G_OBJECT_CLASS (cusp_valve_panel_parent_class)->finalize (object);
}

static void
cusp_valve_panel_class_init (CuspValvePanelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cusp_valve_panel_dispose;
  G_OBJECT_CLASS (klass)->finalize = cusp_valve_panel_finalize;

  /* Any change of depth, tilt or rotation, from any source (spins, keys, views, set_pose). */
  signals[SIGNAL_POSE_CHANGED] = g_signal_new ("pose-changed", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 0);
  /* The chosen device (family and size) changed, by the user or set_device_id. */
  signals[SIGNAL_DEVICE_CHANGED] = g_signal_new ("device-changed", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 0);
}

static void
cusp_valve_panel_init (CuspValvePanel *self)
{
  static const char *row_names[N_ROWS] = {
    N_("Paravalvular leak"), N_("Apposition"), N_("Left coronary"), N_("Right coronary"),
    N_("Conduction"), N_("Annular rupture")
  };
  GtkWidget *title = gtk_label_new (_("Valve"));

  self->septum_mm = NAN;
  self->root_septum_mm = cusp_sim_default_root_def ().membranous_septum_length_mm;
  GtkWidget *row_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("Use _Recommended Size"));
  GtkGrid *pose = GTK_GRID (gtk_grid_new ());
  GtkGrid *results = GTK_GRID (gtk_grid_new ());
  GtkWidget *note = gtk_label_new (_("Model estimate for research and teaching, never a diagnosis."));
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  const char *test_file = g_getenv ("CUSP_TEST_VALVE_FILE");

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_widget_set_margin_start (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 6);
  if (test_file != NULL && *test_file != '\0')
    self->test_file = g_strdup (test_file);
  self->first_result_ms = -1;
  self->first_final_ms = -1;

  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (self), title);

  /* The answers first: they stay in sight while the keys move the valve. */
  self->status_label = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_label_set_xalign (self->status_label, 0.0f);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->status_label));

  gtk_grid_set_row_spacing (results, 2);
  gtk_grid_set_column_spacing (results, 6);
  for (int row = 0; row < N_ROWS; row++)
    {
      self->dots[row] = GTK_LABEL (gtk_label_new (NULL));
      self->names[row] = gtk_label_new (_(row_names[row]));
      self->values[row] = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (GTK_LABEL (self->names[row]), 0.0f);
      gtk_label_set_xalign (self->values[row], 0.0f);
      gtk_label_set_wrap (self->values[row], TRUE);
      gtk_widget_set_hexpand (GTK_WIDGET (self->values[row]), TRUE);
      gtk_label_set_selectable (self->values[row], FALSE);
      gtk_grid_attach (results, GTK_WIDGET (self->dots[row]), 0, row, 1, 1);
      gtk_grid_attach (results, self->names[row], 1, row, 1, 1);
      gtk_grid_attach (results, GTK_WIDGET (self->values[row]), 2, row, 1, 1);
    }
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (results));
  clear_rows (self);


  load_library (self);
  self->device_names = gtk_string_list_new (NULL);
  self->device_drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (self->device_names), NULL));
  gtk_widget_set_hexpand (GTK_WIDGET (self->device_drop), TRUE);
  {
    g_autoptr(GtkListItemFactory) button_factory = item_factory (TRUE);
    g_autoptr(GtkListItemFactory) list_factory = item_factory (FALSE);

    gtk_drop_down_set_factory (self->device_drop, button_factory);
    gtk_drop_down_set_list_factory (self->device_drop, list_factory);
  }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->device_drop),
                               _("Device family and size, with the area oversizing and where this annulus sits on the size's chart "
                                 "(Alt+Shift+Up / Alt+Shift+Down: the next size up or down)"));
  refresh_device_names (self);
  g_signal_connect (self->device_drop, "notify::selected", G_CALLBACK (on_device_selected), self);
  g_signal_connect (button, "clicked", G_CALLBACK (on_recommended), self);
  gtk_box_append (GTK_BOX (row_box), GTK_WIDGET (self->device_drop));
  gtk_box_append (GTK_BOX (row_box), button);
  gtk_box_append (GTK_BOX (self), row_box);

  self->sizing_label = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_wrap (self->sizing_label, TRUE);
  gtk_label_set_xalign (self->sizing_label, 0.0f);
  gtk_widget_add_css_class (GTK_WIDGET (self->sizing_label), "dim-label");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->sizing_label));

  gtk_grid_set_row_spacing (pose, 4);
  gtk_grid_set_column_spacing (pose, 8);
  self->depth_spin = add_spin (self, pose, 0, _("Depth (mm)"),
                               _("Implant depth below the annulus, ventricular positive (Alt+Up / Alt+Down: 0.5 mm)"),
                               -10.0, 15.0, DEPTH_NUDGE_MM, DEFAULT_DEPTH_MM);
  self->tilt_spin = add_spin (self, pose, 1, _("Tilt (°)"),
                              _("Tilt of the valve axis from the annulus normal (Alt+Page Up / Alt+Page Down: 1°)"),
                              -20.0, 20.0, TILT_NUDGE_DEG, 0.0);
  self->rotation_spin = add_spin (self, pose, 2, _("Rotation (°)"),
                                  _("Spin about the valve axis: commissural alignment (Alt+Left / Alt+Right: 5°)"),
                                  -180.0, 180.0, ROTATION_NUDGE_DEG, 0.0);
  {
    GtkWidget *name = gtk_label_new (_("Septum (mm)"));
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

    gtk_label_set_xalign (GTK_LABEL (name), 0.0f);
    self->septum_measured = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (_("_Measured")));
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->septum_measured),
                                 _("Cusp does not measure the membranous septum: measure it on a coronal "
                                   "view (annulus to the top of the muscular septum) and enter it. Until "
                                   "then 8 mm is assumed for the conduction risk."));
    self->septum_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (CUSP_SEPTUM_MIN_MM,
                                                                         CUSP_SEPTUM_MAX_MM, 0.5));
    gtk_spin_button_set_digits (self->septum_spin, 1);
    gtk_spin_button_set_value (self->septum_spin, self->root_septum_mm);
    gtk_widget_set_sensitive (GTK_WIDGET (self->septum_spin), FALSE);
    gtk_widget_set_hexpand (GTK_WIDGET (self->septum_spin), TRUE);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->septum_spin),
                                 _("Membranous septum length in mm (Hokken 2021: < 3 mm 30 % pacemaker, "
                                   "3-6 mm 15 %, > 6 mm 6 %)"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->septum_spin),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, _("Membranous septum length (mm)"), -1);
    g_signal_connect_swapped (self->septum_measured, "toggled", G_CALLBACK (on_septum_changed), self);
    g_signal_connect_swapped (self->septum_spin, "value-changed", G_CALLBACK (on_septum_changed), self);
    gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->septum_measured));
    gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->septum_spin));
    gtk_grid_attach (pose, name, 0, 3, 1, 1);
    gtk_grid_attach (pose, box, 1, 3, 1, 1);
  }
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (pose));

  /* Global scope: the nudges work wherever the focus is in the window. */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  add_nudge (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Up, "depth", -DEPTH_NUDGE_MM);
  add_nudge (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Down, "depth", DEPTH_NUDGE_MM);
  add_nudge (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Left, "rotation", -ROTATION_NUDGE_DEG);
  add_nudge (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Right, "rotation", ROTATION_NUDGE_DEG);
  add_nudge (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Page_Up, "tilt", TILT_NUDGE_DEG);
  add_nudge (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Page_Down, "tilt", -TILT_NUDGE_DEG);
  add_size_keys (GTK_SHORTCUT_CONTROLLER (shortcuts));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);


  gtk_label_set_wrap (GTK_LABEL (note), TRUE);
  gtk_label_set_xalign (GTK_LABEL (note), 0.0f);
  gtk_widget_add_css_class (note, "caption");
  gtk_widget_add_css_class (note, "dim-label");
  gtk_box_append (GTK_BOX (self), note);

  gtk_label_set_text (self->status_label, _("Segment and measure the root (Ctrl+G) to rehearse a valve."));
  self->age_id = g_timeout_add_seconds (1, age_tick, self);
}

CuspValvePanel *
cusp_valve_panel_new (void)
{
  return g_object_new (CUSP_TYPE_VALVE_PANEL, NULL);
}
