/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-risk.h: literature risk rules (coronary obstruction, annular rupture, conduction) with a
 * traffic-light level, the numbers behind each decision and the source of each threshold, for the
 * CLI's JSON and the app's hover text. Plain C17 + libm.
 *
 * Thresholds (DOMAIN.md 4). Comparisons follow the published wording: "<=", ">=" include the
 * threshold, "<", ">" exclude it. A computed value within 1e-9 of a threshold counts as on it, so
 * (26 mm valve, annulus area exactly 20 % smaller) is ">= 20 %" whatever the rounding.
 *
 * Levels. RED: a rule with published discrimination for the event fires. AMBER: a screening
 * criterion (high sensitivity, low specificity) or one part of a combined rule fires. GREEN: none.
 * Each function's comment says exactly which rule sets which level.
 *
 * Every input is checked first: NaN, inf, negative or impossible numbers return
 * CUSP_RISK_ERROR_INVALID_INPUT with a message and leave the output untouched. Every output is a
 * model estimate for research, teaching and rehearsal, never a diagnosis. */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

#define CUSP_RISK_TEXT_MAX 320

typedef enum {
  CUSP_RISK_OK = 0,
  CUSP_RISK_ERROR_INVALID_INPUT
} CuspRiskStatus;

typedef struct {
  CuspRiskStatus status;
  char message[CUSP_RISK_TEXT_MAX];
} CuspRiskError;

typedef enum {
  CUSP_RISK_GREEN = 0,
  CUSP_RISK_AMBER,
  CUSP_RISK_RED
} CuspRiskLevel;

/* One rule: whether it fires, the numbers in words and the threshold's source. */
typedef struct {
  int flag;
  char detail[CUSP_RISK_TEXT_MAX];   /* e.g. "DLC/d = 0.62 (DLC 2.5 mm, d 4.0 mm) < 0.7" */
  char source[CUSP_RISK_TEXT_MAX];   /* e.g. "Heitkemper et al., JTCVS 2020: DLC/d < 0.7 ..." */
} CuspRiskRule;

typedef enum {
  CUSP_CORONARY_LEFT = 0,
  CUSP_CORONARY_RIGHT
} CuspCoronarySide;

typedef struct {
  CuspCoronarySide side;
  double leaflet_height_mm;          /* cusp height, hinge to free edge, of the leaflet facing the ostium */
  double coronary_height_mm;         /* annular plane to the ostium's lower edge */
  double vtc_mm;                     /* virtual valve (frame) to coronary ostium distance */
  double dlc_mm;                     /* displaced leaflet to coronary ostium distance */
  double coronary_diameter_mm;       /* ostium diameter d */
  double culprit_leaflet_calcium_mm3;
  double sov_diameter_mm;            /* mean sinus of Valsalva diameter */
  double valve_diameter_mm;          /* nominal size of the chosen valve */
} CuspCoronaryInput;

typedef struct {
  CuspCoronarySide side;
  CuspRiskLevel level;
  double dlc_over_d;
  double residual_sinus_mm;          /* SOV - valve size, as DOMAIN.md 4 writes it */
  CuspRiskRule khan;                 /* leaflet height > coronary height AND (VTC <= 4 mm OR calcium > 600 mm3) */
  CuspRiskRule dlc_ratio;            /* DLC/d < 0.7 */
  CuspRiskRule height_and_sov;       /* left: height < 11 mm with SOV < 31 mm; right: < 15 mm with SOV < 29 mm */
  CuspRiskRule residual_sinus;       /* SOV - valve size < 5 mm */
} CuspCoronaryRisk;

/* Level: RED if the Khan rule or DLC/d < 0.7 fires; AMBER if a single cut-off (height with SOV,
 * residual sinus) fires or the leaflet is taller than the ostium is high; GREEN otherwise. */
CuspRiskStatus cusp_risk_coronary (const CuspCoronaryInput *input, CuspCoronaryRisk *out, CuspRiskError *error);

typedef struct {
  double annulus_area_mm2;
  double valve_diameter_mm;          /* nominal */
  int has_peak_areal_stretch;        /* 0 when no simulation ran */
  double peak_areal_stretch;         /* deformed / undeformed wall area, >= ~1 */
  int female;                        /* stretch threshold 1.7 instead of 1.8 */
  double lvot_calcium_mm3;           /* > 0 = LVOT calcium present */
  int self_expanding;                /* 1 for self-expanding frames (Evolut, Navitor class): the area-
                                      * oversizing rule is not applied to them (see below) */
} CuspRuptureInput;

typedef struct {
  CuspRiskLevel level;
  double area_oversizing_pct;        /* (pi d^2 / 4 / annulus area - 1) x 100 */
  double stretch_threshold;          /* 1.8 or 1.7 */
  CuspRiskRule oversizing;           /* >= 20 % */
  CuspRiskRule stretch;              /* > 1.8 (1.7 women) */
  CuspRiskRule lvot_calcium;         /* present */
} CuspRuptureRisk;

/* Level: RED if the simulated peak areal stretch passes its threshold, or oversizing >= 20 % with
 * LVOT calcium; AMBER if oversizing >= 20 % alone (a screening criterion: sensitivity 100 %,
 * specificity 56 %); GREEN otherwise. The oversizing criterion was derived for balloon-expandable
 * valves, which are forced open to their nominal size; self-expanding frames are sized by
 * perimeter and stop where their bounded radial force meets the wall, so for them the rule is
 * reported as not applied and only the simulated stretch can raise the level. */
CuspRiskStatus cusp_risk_annular_rupture (const CuspRuptureInput *input, CuspRuptureRisk *out, CuspRiskError *error);

typedef struct {
  double implant_depth_mm;           /* annular plane to the frame's lowest point on the septal side,
                                      * > 0 ventricular */
  double membranous_septum_length_mm;
  int has_septal_pressure;           /* 0 when no simulation ran */
  double septal_contact_pressure_pa; /* simulated contact pressure on the septal region */
} CuspConductionInput;

typedef struct {
  CuspRiskLevel level;
  double depth_minus_septum_mm;      /* implant depth - membranous septum length (> 0: deeper than the septum) */
  double baseline_pacemaker_pct;     /* 30 / 15 / 6 % by septum length band */
  CuspRiskRule depth_beyond_septum;  /* implant depth > membranous septum length */
  CuspRiskRule short_septum;         /* membranous septum < 3 mm */
  CuspRiskRule septal_pressure;      /* >= 0.1 MPa (chosen, see the .c) */
} CuspConductionRisk;

/* Level: RED if the implant is deeper than the membranous septum is long; AMBER if the septum is
 * shorter than 3 mm or the septal contact pressure is >= 0.1 MPa; GREEN otherwise. */
CuspRiskStatus cusp_risk_conduction (const CuspConductionInput *input, CuspConductionRisk *out, CuspRiskError *error);

const char *cusp_risk_level_to_string (CuspRiskLevel level);   /* "green" | "amber" | "red" */

#ifdef __cplusplus
}
#endif
