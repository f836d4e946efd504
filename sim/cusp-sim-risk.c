/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-risk.c: the risk rules of cusp-sim-risk.h, each threshold next to its source. */
#include "cusp-sim-risk.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A computed value this close to a threshold counts as on it (see the header). */
#define ON_THRESHOLD_EPS 1e-9

/* Khan et al., JACC CV Interv 2023 (60 obstructions vs 1381 controls). */
#define KHAN_VTC_MAX_MM            4.0
#define KHAN_CALCIUM_MIN_MM3       600.0
/* Heitkemper et al., JTCVS 2020. */
#define HEITKEMPER_DLC_RATIO_MAX   0.7
/* Single cut-offs reported with the Khan rule (DOMAIN.md 4). */
#define LEFT_HEIGHT_MAX_MM         11.0
#define LEFT_SOV_MAX_MM            31.0
#define RIGHT_HEIGHT_MAX_MM        15.0
#define RIGHT_SOV_MAX_MM           29.0
#define RESIDUAL_SINUS_MAX_MM      5.0
/* Barbanti, Circulation 2013; Sirset, JACC CV Interv 2023. */
#define RUPTURE_OVERSIZING_MIN_PCT 20.0
#define RUPTURE_STRETCH_MEN        1.8
#define RUPTURE_STRETCH_WOMEN      1.7
/* Hokken, IJC 2021; CCI 2022;100:868. */
#define SEPTUM_SHORT_MM            3.0
#define SEPTUM_LONG_MM             6.0
/* Reza/Bluestein 2024 report 0.52 MPa on the septum for a deep implant and 0.018 MPa for a high
 * one. No validated cut-off exists; 0.1 MPa is CHOSEN as the geometric mean of the two
 * (sqrt(0.52 x 0.018) = 0.097 MPa), the midpoint on the log scale the two groups span. */
#define SEPTAL_PRESSURE_PA         0.1e6

static CuspRiskStatus
fail (CuspRiskError *error, const char *format, ...)
{
  va_list args;

  if (error != NULL)
    {
      error->status = CUSP_RISK_ERROR_INVALID_INPUT;
      va_start (args, format);
      vsnprintf (error->message, sizeof error->message, format, args);
      va_end (args);
    }
  return CUSP_RISK_ERROR_INVALID_INPUT;
}

static int
check (double v, double lo, double hi, const char *what, CuspRiskError *error)
{
  if (!isfinite (v))
    {
      fail (error, "%s is not a finite number", what);
      return 0;
    }
  if (v < lo || v > hi)
    {
      fail (error, "%s = %g is out of range (%g to %g)", what, v, lo, hi);
      return 0;
    }
  return 1;
}

static void
rule_set (CuspRiskRule *rule, int flag, const char *source, const char *format, ...)
{
  va_list args;

  rule->flag = flag;
  va_start (args, format);
  vsnprintf (rule->detail, sizeof rule->detail, format, args);
  va_end (args);
  snprintf (rule->source, sizeof rule->source, "%s", source);
}

static int at_most (double v, double t)   { return v <= t + ON_THRESHOLD_EPS; }
static int at_least (double v, double t)  { return v >= t - ON_THRESHOLD_EPS; }
static int below (double v, double t)     { return v < t - ON_THRESHOLD_EPS; }
static int above (double v, double t)     { return v > t + ON_THRESHOLD_EPS; }

CuspRiskStatus
cusp_risk_coronary (const CuspCoronaryInput *in, CuspCoronaryRisk *out, CuspRiskError *error)
{
  CuspCoronaryRisk r;
  int taller, near, calcified, left;
  double height_max, sov_max;

  if (error != NULL)
    error->status = CUSP_RISK_OK, error->message[0] = '\0';
  if (in == NULL || out == NULL)
    return fail (error, "no coronary input or output given");
  if (in->side != CUSP_CORONARY_LEFT && in->side != CUSP_CORONARY_RIGHT)
    return fail (error, "coronary side is neither left nor right");
  if (!check (in->leaflet_height_mm, 0.0, 40.0, "leaflet height (mm)", error)
      || !check (in->coronary_height_mm, 0.0, 60.0, "coronary height (mm)", error)
      || !check (in->vtc_mm, 0.0, 60.0, "VTC (mm)", error)
      || !check (in->dlc_mm, 0.0, 60.0, "DLC (mm)", error)
      || !check (in->coronary_diameter_mm, 0.5, 15.0, "coronary ostium diameter (mm)", error)
      || !check (in->culprit_leaflet_calcium_mm3, 0.0, 20000.0, "culprit-leaflet calcium (mm3)", error)
      || !check (in->sov_diameter_mm, 10.0, 80.0, "sinus of Valsalva diameter (mm)", error)
      || !check (in->valve_diameter_mm, 10.0, 50.0, "valve size (mm)", error))
    return CUSP_RISK_ERROR_INVALID_INPUT;

  memset (&r, 0, sizeof r);
  r.side = in->side;
  left = in->side == CUSP_CORONARY_LEFT;

  taller = above (in->leaflet_height_mm, in->coronary_height_mm);
  near = at_most (in->vtc_mm, KHAN_VTC_MAX_MM);
  calcified = above (in->culprit_leaflet_calcium_mm3, KHAN_CALCIUM_MIN_MM3);
  rule_set (&r.khan, taller && (near || calcified),
            left ? "Khan et al., JACC CV Interv 2023: leaflet height > coronary height AND (VTC <= 4 mm OR "
                   "culprit-leaflet calcium > 600 mm3); AUC 0.93 for the left coronary"
                 : "Khan et al., JACC CV Interv 2023: leaflet height > coronary height AND (VTC <= 4 mm OR "
                   "culprit-leaflet calcium > 600 mm3); AUC 0.94 for the right coronary",
            "leaflet height %.1f mm %s coronary height %.1f mm; VTC %.1f mm %s 4 mm; calcium %.0f mm3 %s 600 mm3",
            in->leaflet_height_mm, taller ? ">" : "<=", in->coronary_height_mm,
            in->vtc_mm, near ? "<=" : ">", in->culprit_leaflet_calcium_mm3, calcified ? ">" : "<=");

  r.dlc_over_d = in->dlc_mm / in->coronary_diameter_mm;
  rule_set (&r.dlc_ratio, below (r.dlc_over_d, HEITKEMPER_DLC_RATIO_MAX),
            "Heitkemper et al., JTCVS 2020: displaced-leaflet-to-coronary distance / coronary diameter "
            "(DLC/d) < 0.7; sensitivity 100 %, specificity 95.7 %",
            "DLC/d = %.2f (DLC %.1f mm, d %.1f mm) %s 0.7", r.dlc_over_d, in->dlc_mm,
            in->coronary_diameter_mm, below (r.dlc_over_d, HEITKEMPER_DLC_RATIO_MAX) ? "<" : ">=");

  height_max = left ? LEFT_HEIGHT_MAX_MM : RIGHT_HEIGHT_MAX_MM;
  sov_max = left ? LEFT_SOV_MAX_MM : RIGHT_SOV_MAX_MM;
  {
    int low = below (in->coronary_height_mm, height_max);
    int narrow = below (in->sov_diameter_mm, sov_max);
    rule_set (&r.height_and_sov, low && narrow,
              left ? "Khan et al., JACC CV Interv 2023, single cut-off: left coronary height < 11 mm with SOV < 31 mm"
                   : "Khan et al., JACC CV Interv 2023, single cut-off: right coronary height < 15 mm with SOV < 29 mm",
              "coronary height %.1f mm %s %.0f mm; SOV %.1f mm %s %.0f mm",
              in->coronary_height_mm, low ? "<" : ">=", height_max, in->sov_diameter_mm, narrow ? "<" : ">=", sov_max);
  }

  r.residual_sinus_mm = in->sov_diameter_mm - in->valve_diameter_mm;
  rule_set (&r.residual_sinus, below (r.residual_sinus_mm, RESIDUAL_SINUS_MAX_MM),
            "Khan et al., JACC CV Interv 2023, single cut-off: residual sinus (SOV - valve size) < 5 mm",
            "residual sinus %.1f mm (SOV %.1f mm - valve %.0f mm) %s 5 mm", r.residual_sinus_mm,
            in->sov_diameter_mm, in->valve_diameter_mm,
            below (r.residual_sinus_mm, RESIDUAL_SINUS_MAX_MM) ? "<" : ">=");

  if (r.khan.flag || r.dlc_ratio.flag)
    r.level = CUSP_RISK_RED;
  else if (r.height_and_sov.flag || r.residual_sinus.flag || taller)
    r.level = CUSP_RISK_AMBER;
  else
    r.level = CUSP_RISK_GREEN;
  *out = r;
  return CUSP_RISK_OK;
}

CuspRiskStatus
cusp_risk_annular_rupture (const CuspRuptureInput *in, CuspRuptureRisk *out, CuspRiskError *error)
{
  CuspRuptureRisk r;
  double valve_area_mm2;

  if (error != NULL)
    error->status = CUSP_RISK_OK, error->message[0] = '\0';
  if (in == NULL || out == NULL)
    return fail (error, "no rupture input or output given");
  if (!check (in->annulus_area_mm2, 50.0, 3000.0, "annulus area (mm2)", error)
      || !check (in->valve_diameter_mm, 10.0, 50.0, "valve size (mm)", error)
      || !check (in->lvot_calcium_mm3, 0.0, 20000.0, "LVOT calcium (mm3)", error)
      || (in->has_peak_areal_stretch && !check (in->peak_areal_stretch, 0.1, 10.0, "peak areal stretch", error)))
    return CUSP_RISK_ERROR_INVALID_INPUT;

  memset (&r, 0, sizeof r);
  valve_area_mm2 = M_PI * in->valve_diameter_mm * in->valve_diameter_mm / 4.0;
  r.area_oversizing_pct = (valve_area_mm2 / in->annulus_area_mm2 - 1.0) * 100.0;
  if (in->self_expanding)
    rule_set (&r.oversizing, 0,
              "Barbanti et al., Circulation 2013: area oversizing >= 20 %, derived for balloon-expandable valves; "
              "not applied to self-expanding frames (sized by perimeter, bounded radial force)",
              "not applied: self-expanding valve (area oversizing %.1f %% shown for reference only)",
              r.area_oversizing_pct);
  else
    rule_set (&r.oversizing, at_least (r.area_oversizing_pct, RUPTURE_OVERSIZING_MIN_PCT),
              "Barbanti et al., Circulation 2013: area oversizing >= 20 % (sensitivity 100 %, specificity 56 %), "
              "worse with LVOT calcium",
              "area oversizing %.1f %% (valve %.0f mm = %.0f mm2 on annulus %.0f mm2) %s 20 %%",
              r.area_oversizing_pct, in->valve_diameter_mm, valve_area_mm2, in->annulus_area_mm2,
              at_least (r.area_oversizing_pct, RUPTURE_OVERSIZING_MIN_PCT) ? ">=" : "<");

  r.stretch_threshold = in->female ? RUPTURE_STRETCH_WOMEN : RUPTURE_STRETCH_MEN;
  if (in->has_peak_areal_stretch)
    rule_set (&r.stretch, above (in->peak_areal_stretch, r.stretch_threshold),
              "Sirset et al., JACC CV Interv 2023; CCI 2016;87:807: simulated peak areal stretch of the annulus > 1.8 "
              "(1.7 in women)",
              "peak areal stretch %.2f %s %.1f (%s threshold)", in->peak_areal_stretch,
              above (in->peak_areal_stretch, r.stretch_threshold) ? ">" : "<=", r.stretch_threshold,
              in->female ? "women's" : "men's");
  else
    rule_set (&r.stretch, 0, "Sirset et al., JACC CV Interv 2023: simulated peak areal stretch > 1.8 (1.7 in women)",
              "no simulated stretch available");

  rule_set (&r.lvot_calcium, in->lvot_calcium_mm3 > 0.0,
            "Barbanti et al., Circulation 2013: LVOT calcification raises the rupture risk of oversizing",
            "LVOT calcium %.0f mm3 (%s)", in->lvot_calcium_mm3, in->lvot_calcium_mm3 > 0.0 ? "present" : "none");

  if (r.stretch.flag || (r.oversizing.flag && r.lvot_calcium.flag))
    r.level = CUSP_RISK_RED;
  else if (r.oversizing.flag)
    r.level = CUSP_RISK_AMBER;
  else
    r.level = CUSP_RISK_GREEN;
  *out = r;
  return CUSP_RISK_OK;
}

CuspRiskStatus
cusp_risk_conduction (const CuspConductionInput *in, CuspConductionRisk *out, CuspRiskError *error)
{
  CuspConductionRisk r;
  double ms;

  if (error != NULL)
    error->status = CUSP_RISK_OK, error->message[0] = '\0';
  if (in == NULL || out == NULL)
    return fail (error, "no conduction input or output given");
  if (!check (in->implant_depth_mm, -30.0, 40.0, "implant depth (mm)", error)
      || !check (in->membranous_septum_length_mm, 0.0, 30.0, "membranous septum length (mm)", error)
      || (in->has_septal_pressure
          && !check (in->septal_contact_pressure_pa, 0.0, 1e8, "septal contact pressure (Pa)", error)))
    return CUSP_RISK_ERROR_INVALID_INPUT;

  memset (&r, 0, sizeof r);
  ms = in->membranous_septum_length_mm;
  r.depth_minus_septum_mm = in->implant_depth_mm - ms;
  /* Hokken bands: < 3 mm 30 %, 3-6 mm 15 %, > 6 mm 6 % pacemaker implantation. */
  r.baseline_pacemaker_pct = below (ms, SEPTUM_SHORT_MM) ? 30.0 : above (ms, SEPTUM_LONG_MM) ? 6.0 : 15.0;

  rule_set (&r.depth_beyond_septum, above (r.depth_minus_septum_mm, 0.0),
            "Hokken et al., CCI 2022;100:868: implant depth beyond the membranous septum length (delta-MSID) "
            "predicts pacemaker implantation",
            "implant depth %.1f mm - septum %.1f mm = %.1f mm %s 0", in->implant_depth_mm, ms,
            r.depth_minus_septum_mm, above (r.depth_minus_septum_mm, 0.0) ? ">" : "<=");
  rule_set (&r.short_septum, below (ms, SEPTUM_SHORT_MM),
            "Hokken et al., IJC 2021: membranous septum < 3 mm: 30 % pacemaker; 3-6 mm: 15 %; > 6 mm: 6 %",
            "membranous septum %.1f mm: %.0f %% pacemaker band", ms, r.baseline_pacemaker_pct);
  if (in->has_septal_pressure)
    rule_set (&r.septal_pressure, at_least (in->septal_contact_pressure_pa, SEPTAL_PRESSURE_PA),
              "Reza/Bluestein 2024: septal contact pressure 0.52 MPa (deep) vs 0.018 MPa (high implant); "
              "0.1 MPa is Cusp's chosen midpoint, not a validated cut-off",
              "septal contact pressure %.3f MPa %s 0.1 MPa", in->septal_contact_pressure_pa * 1e-6,
              at_least (in->septal_contact_pressure_pa, SEPTAL_PRESSURE_PA) ? ">=" : "<");
  else
    rule_set (&r.septal_pressure, 0, "Reza/Bluestein 2024 (FE proxy)", "no simulated septal pressure available");

  if (r.depth_beyond_septum.flag)
    r.level = CUSP_RISK_RED;
  else if (r.short_septum.flag || r.septal_pressure.flag)
    r.level = CUSP_RISK_AMBER;
  else
    r.level = CUSP_RISK_GREEN;
  *out = r;
  return CUSP_RISK_OK;
}

const char *
cusp_risk_level_to_string (CuspRiskLevel level)
{
  switch (level)
    {
    case CUSP_RISK_GREEN: return "green";
    case CUSP_RISK_AMBER: return "amber";
    case CUSP_RISK_RED:   return "red";
    default:              return "unknown";
    }
}
