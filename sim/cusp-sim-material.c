/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-material.c: piecewise-linear stress-strain laws and their exact section integrals. */
#include "cusp-sim-material.h"

#include <math.h>

#define PA_TO_MPA 1e-6

CuspSimLaw
cusp_sim_law_bilinear (double youngs_modulus_mpa, double yield_stress_mpa,
                       double hardening_modulus_mpa)
{
  CuspSimLaw law = { 0 };

  law.count = 1;
  law.strain[0] = yield_stress_mpa / youngs_modulus_mpa;
  law.stress_mpa[0] = yield_stress_mpa;
  law.tail_modulus_mpa = hardening_modulus_mpa;
  return law;
}

static CuspSimLaw
nitinol_branch (const CuspMaterial *m, double plateau_low_pa, double plateau_high_pa)
{
  CuspSimLaw law = { 0 };
  double ea = m->youngs_modulus_pa * PA_TO_MPA;
  double em = m->martensite_modulus_pa * PA_TO_MPA;
  double lo = plateau_low_pa * PA_TO_MPA;
  double hi = plateau_high_pa * PA_TO_MPA;

  law.count = 2;
  law.strain[0] = lo / ea;                                /* austenite ends */
  law.stress_mpa[0] = lo;
  law.strain[1] = m->transformation_strain + hi / em;     /* fully martensite */
  law.stress_mpa[1] = hi;
  law.tail_modulus_mpa = em;
  return law;
}

CuspSimLaw
cusp_sim_law_nitinol_loading (const CuspMaterial *material)
{
  return nitinol_branch (material, material->loading_plateau_start_pa,
                         material->loading_plateau_end_pa);
}

CuspSimLaw
cusp_sim_law_nitinol_unloading (const CuspMaterial *material)
{
  /* Unloading runs from high strain down: the reverse plateau starts at 165 MPa and ends at
   * 145 MPa, so along increasing strain it goes 145 -> 165. */
  return nitinol_branch (material, material->unloading_plateau_end_pa,
                         material->unloading_plateau_start_pa);
}

CuspSimLaw
cusp_sim_law_for_material (const CuspMaterial *material, int released)
{
  if (material->kind == CUSP_MATERIAL_NITINOL)
    return released ? cusp_sim_law_nitinol_unloading (material)
                    : cusp_sim_law_nitinol_loading (material);
  return cusp_sim_law_bilinear (material->youngs_modulus_pa * PA_TO_MPA,
                                material->yield_stress_pa * PA_TO_MPA,
                                material->hardening_modulus_pa * PA_TO_MPA);
}

double
cusp_sim_law_initial_modulus (const CuspSimLaw *law)
{
  return law->stress_mpa[0] / law->strain[0];
}

double
cusp_sim_law_limit_stress (const CuspSimLaw *law)
{
  return law->stress_mpa[0];
}

double
cusp_sim_law_stress (const CuspSimLaw *law, double strain)
{
  double e = fabs (strain), s;
  double e0 = 0.0, s0 = 0.0;
  int i;

  for (i = 0; i < law->count; i++)
    {
      if (e <= law->strain[i])
        break;
      e0 = law->strain[i];
      s0 = law->stress_mpa[i];
    }
  if (i < law->count)
    s = s0 + (law->stress_mpa[i] - s0) * (e - e0) / (law->strain[i] - e0);
  else
    s = s0 + law->tail_modulus_mpa * (e - e0);
  return strain < 0.0 ? -s : s;
}

/* integral_e0^e1 sigma(e) e de on a segment where sigma = s0 + m (e - e0). */
static double
segment_first_moment (double e0, double e1, double s0, double m)
{
  return (s0 - m * e0) * (e1 * e1 - e0 * e0) / 2.0 + m * (e1 * e1 * e1 - e0 * e0 * e0) / 3.0;
}

double
cusp_sim_section_moment (const CuspSimLaw *law, double width_mm, double depth_mm,
                         double kappa_per_mm)
{
  double c = depth_mm / 2.0;
  double k = fabs (kappa_per_mm);
  double e_max = k * c;
  double g = 0.0, e0 = 0.0, s0 = 0.0, m;
  int i;

  if (e_max <= law->strain[0])               /* elastic: E I kappa, no cancellation */
    return cusp_sim_law_initial_modulus (law) * width_mm * depth_mm * depth_mm * depth_mm / 12.0
           * kappa_per_mm;
  for (i = 0; i < law->count && law->strain[i] < e_max; i++)
    {
      m = (law->stress_mpa[i] - s0) / (law->strain[i] - e0);
      g += segment_first_moment (e0, law->strain[i], s0, m);
      e0 = law->strain[i];
      s0 = law->stress_mpa[i];
    }
  if (i < law->count)
    m = (law->stress_mpa[i] - s0) / (law->strain[i] - e0);
  else
    m = law->tail_modulus_mpa;
  g += segment_first_moment (e0, e_max, s0, m);
  /* M = 2 b / k^2 * G(k c): the fibre at y has strain k y, so y dy = e de / k^2. */
  g = 2.0 * width_mm * g / (k * k);
  return kappa_per_mm < 0.0 ? -g : g;
}

double
cusp_sim_section_yield_moment (const CuspSimLaw *law, double width_mm, double depth_mm)
{
  return cusp_sim_law_limit_stress (law) * width_mm * depth_mm * depth_mm / 6.0;
}

double
cusp_sim_section_plastic_moment (const CuspSimLaw *law, double width_mm, double depth_mm)
{
  return cusp_sim_law_limit_stress (law) * width_mm * depth_mm * depth_mm / 4.0;
}
