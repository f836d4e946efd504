/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-root.c: the root wall as a height-field signed distance on a (theta, z) grid: the free
 * lumen radius and the Winkler modulus derived from Lame's thick tube, from an analytic root (an
 * elliptic annulus, tapering LVOT, three sinus lobes, STJ and aorta) or a plain tube. */
#include "cusp-sim-structure.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEG (M_PI / 180.0)

double
cusp_sim_wall_lame_modulus (double radius_mm, double thickness_mm, double youngs_modulus_mpa,
                            double poisson_ratio)
{
  double a = radius_mm, b = radius_mm + thickness_mm;

  /* u(a) = p a ((1 - nu) a^2 + (1 + nu) b^2) / (E (b^2 - a^2)), plane stress, open ends */
  return youngs_modulus_mpa * (b * b - a * a)
         / (a * ((1.0 - poisson_ratio) * a * a + (1.0 + poisson_ratio) * b * b));
}

int
cusp_sim_wall_alloc (CuspSimWall *wall, int angle_count, int height_count)
{
  size_t cells = (size_t) angle_count * (size_t) height_count;

  memset (wall, 0, sizeof *wall);
  if (angle_count < 8 || height_count < 2)
    return 0;
  wall->angle_count = angle_count;
  wall->height_count = height_count;
  wall->radius_mm = calloc (cells, sizeof (double));
  wall->modulus_mpa_per_mm = calloc (cells, sizeof (double));
  wall->calcium = calloc (cells, sizeof (double));
  return wall->radius_mm && wall->modulus_mpa_per_mm && wall->calcium;
}

void
cusp_sim_wall_free (CuspSimWall *wall)
{
  if (wall == NULL)
    return;
  free (wall->radius_mm);
  free (wall->modulus_mpa_per_mm);
  free (wall->calcium);
  memset (wall, 0, sizeof *wall);
}

void
cusp_sim_wall_fill_tube (CuspSimWall *wall, double radius_mm, double thickness_mm,
                         double youngs_modulus_mpa, double poisson_ratio, double z0_mm,
                         double z1_mm)
{
  double k = cusp_sim_wall_lame_modulus (radius_mm, thickness_mm, youngs_modulus_mpa,
                                         poisson_ratio);
  size_t cells = (size_t) wall->angle_count * (size_t) wall->height_count;

  wall->height0_mm = z0_mm;
  wall->height_step_mm = (z1_mm - z0_mm) / (wall->height_count - 1);
  for (size_t i = 0; i < cells; i++)
    {
      wall->radius_mm[i] = radius_mm;
      wall->modulus_mpa_per_mm[i] = k;
      wall->calcium[i] = 0.0;
    }
}

static double
annulus_radius (const CuspSimRootDef *root, double theta)
{
  double a = 0.5 * root->annulus_dmax_mm, b = 0.5 * root->annulus_dmin_mm;
  double c = b * cos (theta), s = a * sin (theta);

  return a * b / sqrt (c * c + s * s);
}

double
cusp_sim_root_radius (const CuspSimRootDef *root, double theta, double z)
{
  double r_ann = annulus_radius (root, theta);
  double r_mean = 0.25 * (root->annulus_dmax_mm + root->annulus_dmin_mm);
  double r_stj = 0.5 * root->stj_diameter_mm;

  if (z <= 0.0)
    {
      double f = root->lvot_length_mm > 0.0 ? -z / root->lvot_length_mm : 1.0;
      if (f > 1.0)
        f = 1.0;
      return r_ann * (1.0 - f) + r_ann * (0.5 * root->lvot_diameter_mm / r_mean) * f;
    }
  if (z < root->stj_height_mm)
    {
      double h = root->stj_height_mm;
      double base = r_ann * (1.0 - z / h) + r_stj * z / h;
      double bulge = root->sinus_diameter_mm - (r_mean + r_stj);  /* D_sov - 2 base(h/2) */
      double centre = (root->ncc_rcc_commissure_deg + 60.0) * DEG;
      double lobe = cos (1.5 * (theta - centre));
      if (bulge < 0.0)
        bulge = 0.0;
      return base + bulge * sin (M_PI * z / h) * lobe * lobe;
    }
  return r_stj;
}

void
cusp_sim_wall_finish (CuspSimWall *wall, const CuspSimRootDef *root)
{
  int na = wall->angle_count, nh = wall->height_count;
  double r_mean = 0.25 * (root->annulus_dmax_mm + root->annulus_dmin_mm);

  for (int h = 0; h < nh; h++)
    for (int a = 0; a < na; a++)
      {
        double theta = 2.0 * M_PI * a / na;
        double z = wall->height0_mm + h * wall->height_step_mm;
        double r = wall->radius_mm[h * na + a];
        double calc = 0.0, dent = 0.0, kw, kc;

        for (int c = 0; c < root->calcium_count; c++)
          {
            const CuspSimCalcium *ca = &root->calcium[c];
            double dth = remainder (theta - ca->theta_deg * DEG, 2.0 * M_PI);
            double s = r_mean * dth, dz = z - ca->height_mm;
            double rho = sqrt (s * s + dz * dz);
            if (rho < ca->radius_mm)
              {
                double w = cos (0.5 * M_PI * rho / ca->radius_mm);
                w *= w;
                if (w > calc)
                  calc = w;
                if (w * ca->protrusion_mm > dent)
                  dent = w * ca->protrusion_mm;
              }
          }
        r -= dent;
        kw = cusp_sim_wall_lame_modulus (r, root->wall_thickness_mm, root->wall_youngs_modulus_mpa,
                                         root->wall_poisson_ratio);
        kc = kw * root->calcium_youngs_modulus_mpa / root->wall_youngs_modulus_mpa;
        wall->radius_mm[h * na + a] = r;
        wall->modulus_mpa_per_mm[h * na + a] = kw * (1.0 - calc) + kc * calc;
        wall->calcium[h * na + a] = calc;
      }
}

void
cusp_sim_wall_fill_root (CuspSimWall *wall, const CuspSimRootDef *root)
{
  int na = wall->angle_count, nh = wall->height_count;
  double z0 = -root->lvot_length_mm;
  double z1 = root->stj_height_mm + root->ascending_length_mm;

  wall->height0_mm = z0;
  wall->height_step_mm = (z1 - z0) / (nh - 1);
  for (int h = 0; h < nh; h++)
    for (int a = 0; a < na; a++)
      wall->radius_mm[h * na + a] = cusp_sim_root_radius (root, 2.0 * M_PI * a / na,
                                                          z0 + h * wall->height_step_mm);
  cusp_sim_wall_finish (wall, root);
}

int
cusp_sim_wall_sample (const CuspSimWall *wall, double theta, double z, double *radius_mm,
                      double *modulus_mpa_per_mm)
{
  double dt, dz;

  return cusp_sim_wall_sample_gradient (wall, theta, z, radius_mm, modulus_mpa_per_mm, &dt, &dz);
}

/* Catmull-Rom weights for the four samples around t in [0, 1) and their derivatives: the
 * interpolant is C1, so the contact normal turns smoothly as a node slides over the grid. */
static void
catmull_rom (double t, double *w, double *dw)
{
  double t2 = t * t, t3 = t2 * t;

  w[0] = 0.5 * (-t3 + 2.0 * t2 - t);
  w[1] = 0.5 * (3.0 * t3 - 5.0 * t2 + 2.0);
  w[2] = 0.5 * (-3.0 * t3 + 4.0 * t2 + t);
  w[3] = 0.5 * (t3 - t2);
  dw[0] = 0.5 * (-3.0 * t2 + 4.0 * t - 1.0);
  dw[1] = 0.5 * (9.0 * t2 - 10.0 * t);
  dw[2] = 0.5 * (-9.0 * t2 + 8.0 * t + 1.0);
  dw[3] = 0.5 * (3.0 * t2 - 2.0 * t);
}

int
cusp_sim_wall_sample_gradient (const CuspSimWall *wall, double theta, double z, double *radius_mm,
                               double *modulus_mpa_per_mm, double *dr_dtheta, double *dr_dz)
{
  int na = wall->angle_count, nh = wall->height_count;
  double fz = (z - wall->height0_mm) / wall->height_step_mm;
  double fa = theta / (2.0 * M_PI) * na;
  double ta, tz, wa[4], dwa[4], wz[4], dwz[4], r = 0.0, rt = 0.0, rz = 0.0;
  int h0, a0;

  if (!(fz >= 0.0) || fz > nh - 1 || !isfinite (fa))
    return 0;
  h0 = (int) fz;
  if (h0 >= nh - 1)
    h0 = nh - 2;
  tz = fz - h0;
  fa = fmod (fa, (double) na);
  if (fa < 0.0)
    fa += na;
  a0 = (int) fa;
  if (a0 >= na)
    a0 = na - 1;
  ta = fa - a0;
  catmull_rom (ta, wa, dwa);
  catmull_rom (tz, wz, dwz);
  for (int j = 0; j < 4; j++)
    {
      int h = h0 - 1 + j;
      h = h < 0 ? 0 : (h > nh - 1 ? nh - 1 : h);          /* clamped at the ends */
      for (int i = 0; i < 4; i++)
        {
          int a = ((a0 - 1 + i) % na + na) % na;             /* periodic round the axis */
          double v = wall->radius_mm[h * na + a];
          r += wa[i] * wz[j] * v;
          rt += dwa[i] * wz[j] * v;
          rz += wa[i] * dwz[j] * v;
        }
    }
  *radius_mm = r;
  *dr_dtheta = rt * na / (2.0 * M_PI);
  *dr_dz = rz / wall->height_step_mm;
  {
    int a1 = (a0 + 1) % na;
#define AT(hh, aa) wall->modulus_mpa_per_mm[(hh) * na + (aa)]
    *modulus_mpa_per_mm = (1.0 - tz) * ((1.0 - ta) * AT (h0, a0) + ta * AT (h0, a1))
                          + tz * ((1.0 - ta) * AT (h0 + 1, a0) + ta * AT (h0 + 1, a1));
#undef AT
  }
  return 1;
}
