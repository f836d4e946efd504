/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-beam.c: the 3D corotational Euler-Bernoulli beam. The element frame follows the chord
 * (e1) and the mean of the two nodal triads (e3); the six deformation modes in that frame are the
 * axial stretch, the twist and the two end rotations in each bending plane, so the local law is
 * the small-strain one while the element turns freely. */
#include "cusp-sim-structure.h"
#include "cusp-sim-math.h"

#include <string.h>

/* Saint-Venant torsion constant of a b x h rectangle (b >= h), Roark's approximation. */
static double
torsion_constant (double b, double h)
{
  double t;

  if (h > b)
    {
      t = b;
      b = h;
      h = t;
    }
  return b * h * h * h * (1.0 / 3.0 - 0.21 * (h / b) * (1.0 - h * h * h * h / (12.0 * b * b * b * b)));
}

/* Secant factor of the section law in one bending plane: M_law(kappa) / (E I kappa), kappa taken
 * from the root mean square of the two elastic end moments. For a strut bent into an S (equal
 * ends: the zig-zag's own mode) that is the end moment itself; where the ends differ it is
 * smooth, unlike the larger of the two, whose switch where the ends cross made Newton creep on
 * frames that yield unevenly (bench-sim-patient: Evolut-class 29 on the real CT, warm update
 * 116 -> 52 iterations; Evolut-class 34 on the analytic root, cold 169 -> 43). */
static double
bending_secant (const CuspSimStrut *st, double across_mm, double depth_mm, double ei, double ma,
                double mb)
{
  double m = sqrt (0.5 * (ma * ma + mb * mb));
  double kappa = m / ei;

  if (kappa * depth_mm * 0.5 <= st->law.strain[0])
    return 1.0;
  return cusp_sim_section_moment (&st->law, across_mm, depth_mm, kappa) / m;
}

static void
local_stiffness (const CuspSimStructure *s, const CuspSimBeam *beam, const double *d,
                 int elastic_only, double *sl, double *kd)
{
  const CuspSimStrut *st = &s->strut;
  double L = beam->length0_mm;
  double w = st->width_mm, t = st->thickness_mm;
  double area = w * t;
  double e = st->youngs_modulus_mpa;
  double i2 = w * t * t * t / 12.0;                  /* bending about e2: depth = thickness */
  double i3 = t * w * w * w / 12.0;                  /* bending about e3: depth = width */
  double eps = d[0] / L;
  double ea = e * area;
  double s2 = 1.0, s3 = 1.0;
  double ma2 = e * i2 / L * (4.0 * d[2] + 2.0 * d[3]);
  double mb2 = e * i2 / L * (2.0 * d[2] + 4.0 * d[3]);
  double ma3 = e * i3 / L * (4.0 * d[4] + 2.0 * d[5]);
  double mb3 = e * i3 / L * (2.0 * d[4] + 4.0 * d[5]);

  if (!elastic_only)
    {
      if (fabs (eps) > st->law.strain[0])
        ea = area * cusp_sim_law_stress (&st->law, eps) / eps;
      s2 = bending_secant (st, w, t, e * i2, ma2, mb2);
      s3 = bending_secant (st, t, w, e * i3, ma3, mb3);
    }
  sl[0] = ea / L * d[0];
  sl[1] = st->shear_modulus_mpa * torsion_constant (w, t) / L * d[1];
  sl[2] = s2 * ma2;
  sl[3] = s2 * mb2;
  sl[4] = s3 * ma3;
  sl[5] = s3 * mb3;
  if (kd != NULL)
    {
      memset (kd, 0, 36 * sizeof (double));
      kd[0] = ea / L;
      kd[7] = st->shear_modulus_mpa * torsion_constant (w, t) / L;
      kd[14] = 4.0 * s2 * e * i2 / L;
      kd[15] = kd[20] = 2.0 * s2 * e * i2 / L;
      kd[21] = kd[14];
      kd[28] = 4.0 * s3 * e * i3 / L;
      kd[29] = kd[34] = 2.0 * s3 * e * i3 / L;
      kd[35] = kd[28];
    }
}

void
cusp_sim_beam_elastic (const CuspSimStructure *s, const CuspSimBeam *beam, const double *d,
                       double *sl)
{
  local_stiffness (s, beam, d, 1, sl, NULL);
}

void
cusp_sim_beam_eval (const CuspSimStructure *s, const CuspSimBeam *beam, const double *x,
                    const double *rot, double *d, double *sl, double *fe, double *ke)
{
  const double *xa = x + 3 * beam->a, *xb = x + 3 * beam->b;
  const double *ra = rot + 9 * beam->a, *rb = rot + 9 * beam->b;
  double e1[3] = { xb[0] - xa[0], xb[1] - xa[1], xb[2] - xa[2] };
  double t3[3] = { beam->triad0[2], beam->triad0[5], beam->triad0[8] };
  double pa[3], pb[3], p[3], e2[3], e3[3], frame[9], qa[9], qb[9], ma[9], mb[9], wa[3], wb[3];
  double L, kd[36], b[6][12];

  L = cusp_v3_normalize (e1);
  for (int i = 0; i < 3; i++)
    {
      pa[i] = ra[3 * i] * t3[0] + ra[3 * i + 1] * t3[1] + ra[3 * i + 2] * t3[2];
      pb[i] = rb[3 * i] * t3[0] + rb[3 * i + 1] * t3[1] + rb[3 * i + 2] * t3[2];
      p[i] = 0.5 * (pa[i] + pb[i]);
    }
  cusp_v3_cross (p, e1, e2);
  cusp_v3_normalize (e2);
  cusp_v3_cross (e1, e2, e3);
  for (int i = 0; i < 3; i++)
    {
      frame[3 * i] = e1[i];
      frame[3 * i + 1] = e2[i];
      frame[3 * i + 2] = e3[i];
    }
  /* Nodal triads relative to the element frame: E^T R E0. */
  cusp_m3_mul (ra, beam->triad0, qa);
  cusp_m3_mul (rb, beam->triad0, qb);
  cusp_m3_tmul (frame, qa, ma);
  cusp_m3_tmul (frame, qb, mb);
  cusp_m3_to_rotvec (ma, wa);
  cusp_m3_to_rotvec (mb, wb);
  d[0] = L - beam->length0_mm;
  d[1] = wb[0] - wa[0];
  d[2] = wa[1];
  d[3] = wb[1];
  d[4] = wa[2];
  d[5] = wb[2];

  if (beam->unloading)
    {
      double dd[6], ds[6];
      for (int i = 0; i < 6; i++)
        dd[i] = d[i] - beam->d1[i];
      local_stiffness (s, beam, dd, 1, ds, kd);
      for (int i = 0; i < 6; i++)
        sl[i] = beam->s1[i] + ds[i];
    }
  else
    local_stiffness (s, beam, d, 0, sl, ke != NULL ? kd : NULL);

  if (fe == NULL && ke == NULL)
    return;

  /* B: d(d) / d[xa wa xb wb], the element frame's spin linearised (see cusp-sim.h). */
  memset (b, 0, sizeof b);
  for (int i = 0; i < 3; i++)
    {
      b[0][i] = -e1[i];          b[0][6 + i] = e1[i];
      b[1][3 + i] = -e1[i];      b[1][9 + i] = e1[i];
      b[2][i] = -e3[i] / L;      b[2][3 + i] = e2[i];     b[2][6 + i] = e3[i] / L;
      b[3][i] = -e3[i] / L;      b[3][9 + i] = e2[i];     b[3][6 + i] = e3[i] / L;
      b[4][i] = e2[i] / L;       b[4][3 + i] = e3[i];     b[4][6 + i] = -e2[i] / L;
      b[5][i] = e2[i] / L;       b[5][9 + i] = e3[i];     b[5][6 + i] = -e2[i] / L;
    }
  if (fe != NULL)
    for (int j = 0; j < 12; j++)
      {
        double sum = 0.0;
        for (int i = 0; i < 6; i++)
          sum += b[i][j] * sl[i];
        fe[j] = sum;
      }
  if (ke != NULL)
    {
      double db[6][12];
      for (int i = 0; i < 6; i++)
        for (int j = 0; j < 12; j++)
          {
            double sum = 0.0;
            for (int k = 0; k < 6; k++)
              sum += kd[6 * i + k] * b[k][j];
            db[i][j] = sum;
          }
      for (int i = 0; i < 12; i++)
        for (int j = 0; j < 12; j++)
          {
            double sum = 0.0;
            for (int k = 0; k < 6; k++)
              sum += b[k][i] * db[k][j];
            ke[12 * i + j] = sum;
          }
      /* Tension stiffens the chord against sideways motion: N / L (I - e1 e1^T). Compression is
       * left out so the tangent stays positive definite. */
      if (sl[0] > 0.0)
        {
          double g = sl[0] / L;
          for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
              {
                double v = g * ((i == j ? 1.0 : 0.0) - e1[i] * e1[j]);
                ke[12 * i + j] += v;
                ke[12 * (6 + i) + 6 + j] += v;
                ke[12 * i + 6 + j] -= v;
                ke[12 * (6 + i) + j] -= v;
              }
        }
    }
}

/* The consistent tangent of one beam by central differences of its internal forces, made
 * symmetric. The analytic tangent above leaves out the geometric stiffness of the end moments
 * and uses the secant of the section law; near a plastic hinge or on the nitinol plateau that
 * costs Newton its quadratic convergence. Differencing 12 dofs costs 24 force evaluations of
 * one beam (about a microsecond each), far less than the factorisation it speeds up. */
void
cusp_sim_beam_tangent (const CuspSimStructure *s, const CuspSimBeam *beam, const double *x,
                       const double *rot, double *ke)
{
  double xl[6], rl[18], xs[6], rs[18], fp[12], fm[12], d[6], sl[6];
  double h = 1e-6 * (beam->length0_mm > 0.0 ? beam->length0_mm : 1.0);
  int nodes[2] = { beam->a, beam->b };
  /* a private two-node copy: positions and rotations of a and b in x / rot layout */
  double *px[2] = { xl, xl + 3 }, *pr[2] = { rl, rl + 9 };
  CuspSimBeam local = *beam;

  (void) xs;
  (void) rs;
  for (int n = 0; n < 2; n++)
    {
      memcpy (px[n], x + 3 * nodes[n], 3 * sizeof (double));
      memcpy (pr[n], rot + 9 * nodes[n], 9 * sizeof (double));
    }
  local.a = 0;
  local.b = 1;
  for (int j = 0; j < 12; j++)
    {
      int n = j / 6, c = j % 6;
      double saved_x = 0.0, saved_r[9];
      for (int sign = 0; sign < 2; sign++)
        {
          double step = sign == 0 ? h : -h;
          if (c < 3)
            {
              saved_x = px[n][c];
              px[n][c] += step;
            }
          else
            {
              double w[3] = { 0.0, 0.0, 0.0 }, dr[9];
              memcpy (saved_r, pr[n], sizeof saved_r);
              w[c - 3] = step;
              cusp_m3_from_rotvec (w, dr);
              cusp_m3_mul (dr, saved_r, pr[n]);
            }
          cusp_sim_beam_eval (s, &local, xl, rl, d, sl, sign == 0 ? fp : fm, NULL);
          if (c < 3)
            px[n][c] = saved_x;
          else
            memcpy (pr[n], saved_r, sizeof saved_r);
        }
      for (int i = 0; i < 12; i++)
        ke[12 * i + j] = (fp[i] - fm[i]) / (2.0 * h);
    }
  for (int i = 0; i < 12; i++)
    for (int j = 0; j < i; j++)
      {
        double m = 0.5 * (ke[12 * i + j] + ke[12 * j + i]);
        ke[12 * i + j] = ke[12 * j + i] = m;
      }
}
