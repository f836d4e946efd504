/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-material.h: section laws of the strut materials (internal to sim/ and its tests).
 * Units: strain dimensionless, stress MPa, lengths mm, moments N mm, curvature 1/mm. */
#pragma once

#include "cusp-sim-device.h"

#define CUSP_SIM_LAW_MAX_POINTS 6

/* An odd, piecewise-linear stress-strain curve through (0, 0) and `count` points of increasing
 * strain; beyond the last point the slope is `tail_modulus_mpa`. */
typedef struct {
  int count;
  double strain[CUSP_SIM_LAW_MAX_POINTS];
  double stress_mpa[CUSP_SIM_LAW_MAX_POINTS];
  double tail_modulus_mpa;
} CuspSimLaw;

/* Cobalt-chromium: elastic to the yield stress, then linear hardening. */
CuspSimLaw cusp_sim_law_bilinear (double youngs_modulus_mpa, double yield_stress_mpa,
                                  double hardening_modulus_mpa);
/* Nitinol SE508 (DOMAIN.md 6): austenite to the plateau start, plateau over the transformation
 * strain plus the martensite's elastic share (end at eps_L + sigma_end / E_M, 5.96 % for the
 * loading branch), then martensite. */
CuspSimLaw cusp_sim_law_nitinol_loading (const CuspMaterial *material);
/* The unloading (chronic outward force) branch: austenite up to the lower plateau's end stress
 * (145 MPa at 0.246 %), the reverse plateau up to eps_L + sigma_start / E_M, then martensite. */
CuspSimLaw cusp_sim_law_nitinol_unloading (const CuspMaterial *material);
/* The law a device material uses once deployed. */
CuspSimLaw cusp_sim_law_for_material (const CuspMaterial *material, int released);

double cusp_sim_law_stress (const CuspSimLaw *law, double strain);
double cusp_sim_law_initial_modulus (const CuspSimLaw *law);
/* Stress at the first breakpoint: the end of the linear range. */
double cusp_sim_law_limit_stress (const CuspSimLaw *law);

/* Bending moment of a rectangle (`width_mm` across the bending plane, `depth_mm` in it) at
 * curvature `kappa`: M = 2 b / kappa^2 * integral_0^(kappa h/2) sigma(e) e de, exact for the
 * piecewise-linear law. Odd in kappa. */
double cusp_sim_section_moment (const CuspSimLaw *law, double width_mm, double depth_mm,
                                double kappa_per_mm);
/* M_y = sigma_y b h^2 / 6 and the fully plastic moment of the perfectly plastic law, b h^2 / 4. */
double cusp_sim_section_yield_moment (const CuspSimLaw *law, double width_mm, double depth_mm);
double cusp_sim_section_plastic_moment (const CuspSimLaw *law, double width_mm, double depth_mm);
