/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sizing.h: transcatheter valve sizing from annulus measurements (DOMAIN.md sections 3-4).
 *
 * Charts (as summarised in SCCT 2019; Navitor ranges unverified):
 *   balloon-expandable (SAPIEN 3 class) by annulus AREA: 20 273-345, 23 338-430, 26 430-546,
 *     29 540-683 mm2; above 683 mm2 is off-label.
 *   self-expanding (Evolut class) by annulus PERIMETER: 23 56.5-62.8, 26 62.8-72.3, 29 72.3-81.7,
 *     34 81.7-94.2 mm, each with a minimum mean SOV diameter (25/27/29/31 mm) and SOV height
 *     (15/15/15/16 mm).
 *   Navitor class by PERIMETER: 23 60-66, 25 66-73, 27 72-79, 29 79-85, 35 (Titan) 85-95 mm.
 * Where two sizes overlap the smaller is chosen and the other named in the note (a heart team
 * decides borderline cases). Oversizing (DOMAIN.md section 4):
 *   area oversizing      = (pi (size/2)^2 / annulus area - 1) x 100
 *   perimeter oversizing = (pi size / annulus perimeter - 1) x 100
 * Risk flags (single-parameter rules):
 *   annular rupture: balloon-expandable area oversizing >= 20 % (Barbanti 2013);
 *   coronary obstruction: left height < 11 mm with mean SOV < 31 mm; right height < 15 mm with
 *   mean SOV < 29 mm (as DOMAIN.md states them); residual sinus (mean SOV - valve size) < 5 mm.
 * These are model estimates for research, teaching and rehearsal, never a recommendation. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CUSP_VALVE_FAMILY_BALLOON_EXPANDABLE,
  CUSP_VALVE_FAMILY_SELF_EXPANDING,
  CUSP_VALVE_FAMILY_NAVITOR,
  CUSP_VALVE_FAMILY_COUNT
} CuspValveFamily;

typedef struct {
  double area_mm2;                /* annulus */
  double perimeter_mm;
  double sov_mean_diameter_mm;    /* NAN when not measured */
  double sov_height_mm;
  double left_coronary_height_mm;
  double right_coronary_height_mm;
  double lvot_calcium_mm3;        /* NAN when not measured */
} CuspSizingInput;

typedef struct {
  gboolean fits;                  /* FALSE: no size of this family fits; `note` says why */
  double size_mm;                 /* nominal valve diameter; NAN when !fits, as the percentages */
  double area_oversizing_pct;
  double perimeter_oversizing_pct;
  gboolean sov_requirements_met;  /* self-expanding only; TRUE elsewhere */
  double residual_sinus_mm;       /* mean SOV - size; NAN without SOV */
  gboolean residual_sinus_flag;   /* < 5 mm */
  gboolean annular_rupture_flag;  /* balloon-expandable, area oversizing >= 20 % */
  char note[256];                 /* one readable sentence: borderline sizes, unmet requirements */
} CuspSizingResult;

typedef struct {
  CuspSizingResult family[CUSP_VALVE_FAMILY_COUNT];
  gboolean left_coronary_flag;
  gboolean right_coronary_flag;
} CuspSizing;

const char *cusp_valve_family_name (CuspValveFamily family);   /* "balloon-expandable", ... */
/* Fills `out`; inputs that are not finite and positive give fits = FALSE with the reason. */
void        cusp_sizing_compute    (const CuspSizingInput *input, CuspSizing *out);

G_END_DECLS
