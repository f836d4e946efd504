/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-structure.c: assembly of the beam structure with wall contact, balloon and tether, and
 * the Newton-Raphson solve with a backtracking line search. */
#include "cusp-sim-structure.h"
#include "cusp-sim-math.h"

#include <stdlib.h>
#include <string.h>

#define CONTACT_FLOOR_N    1e-3                  /* residual reference floor, N */
#define MAX_STEP_MM        0.5                   /* largest nodal move per Newton step */
#define MAX_STEP_RAD       0.2
#define LINE_SEARCH_HALVINGS 8
#define ENERGY_SEARCH_TRIALS 8
#define STALL_RESIDUAL     1e-4                  /* relative: below it a failed search stops */
#define BEAM_TERMS         (12 + 144)
#define NODE_TERMS         14                    /* load 3, k3 9, contact, balloon */
#define EVALUATE_CHUNKS    8                     /* per evaluation, claimed by either thread */
#define BALLOON_ROUND_MM   0.004                 /* half-width of the balloon force's rounded
                                                  * corners (a fifth of its 20 um ramp) */
#define KRYLOV_DIM         10                    /* GMRES basis of the corrected step */
#define KRYLOV_PROBE_MM    1e-7                  /* largest move of a J v difference */
#define KRYLOV_TOLERANCE   1e-3                  /* GMRES stops at this fraction of |r| */
#define REUSE_RATIO        0.5                   /* reuse a factor while full steps halve the
                                                  * residual: measured on bench-sim, 0.5 beat
                                                  * 0.25 by 10-40 % CPU per warm update */

int
cusp_sim_structure_alloc (CuspSimStructure *s, int node_count, int beam_count)
{
  memset (s, 0, sizeof *s);
  if (node_count < 2 || beam_count < 1)
    return 0;
  s->node_count = node_count;
  s->beam_count = beam_count;
  s->x0 = calloc ((size_t) node_count * 3, sizeof (double));
  s->x = calloc ((size_t) node_count * 3, sizeof (double));
  s->rot = calloc ((size_t) node_count * 9, sizeof (double));
  s->area_mm2 = calloc ((size_t) node_count, sizeof (double));
  s->fext = calloc ((size_t) node_count * 6, sizeof (double));
  s->fixed = calloc ((size_t) node_count * 6, 1);
  s->tether_target = calloc ((size_t) node_count * 3, sizeof (double));
  s->balloon_radius_mm = calloc ((size_t) node_count, sizeof (double));
  s->balloon_cap_n = calloc ((size_t) node_count, sizeof (double));
  s->residual = calloc ((size_t) node_count * 6, sizeof (double));
  s->delta = calloc ((size_t) node_count * 6, sizeof (double));
  s->x_trial = calloc ((size_t) node_count * 3, sizeof (double));
  s->rot_trial = calloc ((size_t) node_count * 9, sizeof (double));
  s->contact_n = calloc ((size_t) node_count, sizeof (double));
  s->balloon_n = calloc ((size_t) node_count, sizeof (double));
  s->beam = calloc ((size_t) beam_count, sizeof (CuspSimBeam));
  s->stick_anchor = calloc ((size_t) node_count * 3, sizeof (double));
  s->stick_n_per_mm = calloc ((size_t) node_count, sizeof (double));
  s->beam_terms = calloc ((size_t) beam_count * BEAM_TERMS, sizeof (double));
  s->node_terms = calloc ((size_t) node_count * NODE_TERMS, sizeof (double));
  s->balloon_ramp_mm = 0.02;
  s->contact_smooth_mm = 0.005;                  /* 5 um: far below imaging resolution */
  s->balloon_axis[2] = 1.0;
  return s->x0 && s->x && s->rot && s->area_mm2 && s->fext && s->fixed && s->tether_target
         && s->balloon_radius_mm && s->balloon_cap_n && s->residual && s->delta && s->x_trial
         && s->rot_trial && s->contact_n && s->balloon_n && s->beam && s->stick_anchor
         && s->stick_n_per_mm && s->beam_terms && s->node_terms;
}

int
cusp_sim_structure_set_threads (CuspSimStructure *s, int thread_count)
{
  cusp_sim_pool_free (s->pool);
  s->pool = NULL;
  if (thread_count >= 2)
    s->pool = cusp_sim_pool_new ();
  return thread_count < 2 || s->pool != NULL;
}

void
cusp_sim_structure_free (CuspSimStructure *s)
{
  if (s == NULL)
    return;
  free (s->x0);
  free (s->x);
  free (s->rot);
  free (s->area_mm2);
  free (s->fext);
  free (s->fixed);
  free (s->tether_target);
  free (s->balloon_radius_mm);
  free (s->balloon_cap_n);
  free (s->residual);
  free (s->delta);
  free (s->x_trial);
  free (s->rot_trial);
  free (s->contact_n);
  free (s->balloon_n);
  free (s->beam);
  free (s->stick_anchor);
  free (s->stick_n_per_mm);
  free (s->band);
  free (s->beam_terms);
  free (s->node_terms);
  cusp_sim_pool_free (s->pool);
  memset (s, 0, sizeof *s);
}

/* Reference triad of a beam from positions p: e1 along the chord, e3 the radial direction about
 * the z axis made normal to e1 (any normal if the beam is radial or on the axis). */
static void
beam_triad (const double *pa, const double *pb, double *triad)
{
  double e1[3] = { pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2] };
  double e3[3] = { 0.5 * (pa[0] + pb[0]), 0.5 * (pa[1] + pb[1]), 0.0 };
  double e2[3], dot;

  cusp_v3_normalize (e1);
  dot = cusp_v3_dot (e3, e1);
  for (int i = 0; i < 3; i++)
    e3[i] -= dot * e1[i];
  if (cusp_v3_normalize (e3) < 1e-9)
    {
      double z[3] = { 0.0, 0.0, 1.0 }, y[3] = { 0.0, 1.0, 0.0 };
      cusp_v3_cross (e1, fabs (e1[2]) < 0.9 ? z : y, e3);
      cusp_v3_normalize (e3);
    }
  cusp_v3_cross (e3, e1, e2);
  for (int i = 0; i < 3; i++)
    {
      triad[3 * i] = e1[i];
      triad[3 * i + 1] = e2[i];
      triad[3 * i + 2] = e3[i];
    }
}

void
cusp_sim_structure_finish (CuspSimStructure *s)
{
  int hb = 0;

  for (int e = 0; e < s->beam_count; e++)
    {
      CuspSimBeam *b = &s->beam[e];
      const double *pa = s->x0 + 3 * b->a, *pb = s->x0 + 3 * b->b;
      double d[3] = { pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2] };
      int gap = abs (b->a - b->b);

      b->length0_mm = sqrt (cusp_v3_dot (d, d));
      beam_triad (pa, pb, b->triad0);
      b->unloading = 0;
      if (6 * gap + 5 > hb)
        hb = 6 * gap + 5;
    }
  if (hb != s->half_band || s->band == NULL)
    {
      free (s->band);
      s->half_band = hb;
      s->band = calloc ((size_t) s->node_count * 6 * (size_t) (hb + 1), sizeof (double));
    }
  memcpy (s->x, s->x0, (size_t) s->node_count * 3 * sizeof (double));
  for (int i = 0; i < s->node_count; i++)
    cusp_m3_identity (s->rot + 9 * i);
}

void
cusp_sim_structure_rebase (CuspSimStructure *s)
{
  memcpy (s->x0, s->x, (size_t) s->node_count * 3 * sizeof (double));
  for (int e = 0; e < s->beam_count; e++)
    {
      CuspSimBeam *b = &s->beam[e];
      const double *pa = s->x + 3 * b->a, *pb = s->x + 3 * b->b;
      double d[3] = { pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2] };
      b->length0_mm = sqrt (cusp_v3_dot (d, d));
      beam_triad (pa, pb, b->triad0);
      b->unloading = 0;
    }
  for (int i = 0; i < s->node_count; i++)
    cusp_m3_identity (s->rot + 9 * i);
}

static void
band_add (double *band, int hb, int i, int j, double v)
{
  if (j > i)
    return;                                         /* the lower triangle is stored */
  band[(size_t) i * (hb + 1) + (j - i + hb)] += v;
}

/* Adds a 3 x 3 block k at node-dof offsets (i, i): symmetric, lower part only. */
static void
band_add_block3 (double *band, int hb, int base, const double *k)
{
  for (int r = 0; r < 3; r++)
    for (int c = 0; c <= r; c++)
      band_add (band, hb, base + r, base + c, k[3 * r + c]);
}

/* Wall contact and sticking friction on node i at xi: adds the load to `load`, its Gauss-Newton
 * tangent (-d load / d x without the turning of the directions) to k3 if not NULL, and returns
 * the contact force along the wall normal. */
static double
wall_load (const CuspSimStructure *s, int i, const double *xi, double *load, double *k3)
{
  double rad = hypot (xi[0], xi[1]), er[3], et[3], rw, kw, drt, drz, contact_f = 0.0;

  if (s->wall == NULL || !(rad > 1e-9))
    return 0.0;
  er[0] = xi[0] / rad;
  er[1] = xi[1] / rad;
  er[2] = 0.0;
  et[0] = -er[1];
  et[1] = er[0];
  et[2] = 0.0;
  /* phi = r - r_wall(theta, z) is the height-field signed distance; the wall stores
   * E = k A overlap^2 / 2, so the force is -k A overlap grad(phi): along the wall's
   * normal, frictionless, and the Gauss-Newton tangent k A grad grad^T is symmetric. */
  if (cusp_sim_wall_sample_gradient (s->wall, atan2 (xi[1], xi[0]), xi[2], &rw, &kw, &drt, &drz))
    {
      double overlap = rad + 0.5 * s->strut.thickness_mm - rw;
      if (overlap > 0.0)
        {
          /* k A overlap, with the first contact_smooth_mm of overlap rounded (force
           * k A o^2 / 2 s there) so the force has a slope everywhere: Newton stops
           * cycling on nodes that touch and leave */
          double kc = kw * s->area_mm2[i];             /* N/mm */
          double sm = s->contact_smooth_mm;
          double f = overlap < sm ? kc * overlap * overlap / (2.0 * sm) : kc * (overlap - 0.5 * sm);
          double kt = overlap < sm ? kc * overlap / sm : kc;
          double g[3];
          for (int c = 0; c < 3; c++)
            g[c] = er[c] - drt / rad * et[c];
          g[2] -= drz;
          contact_f = f;
          for (int c = 0; c < 3; c++)
            load[c] -= f * g[c];
          if (k3 != NULL)
            for (int p = 0; p < 3; p++)
              for (int q = 0; q < 3; q++)
                k3[3 * p + q] += kt * g[p] * g[q];
        }
    }
  if (s->stick_n_per_mm[i] > 0.0)
    {
      /* tangential (axial and circumferential) spring to the anchor */
      double ks = s->stick_n_per_mm[i], dx[3], dn;
      for (int c = 0; c < 3; c++)
        dx[c] = xi[c] - s->stick_anchor[3 * i + c];
      dn = cusp_v3_dot (dx, er);
      for (int c = 0; c < 3; c++)
        load[c] -= ks * (dx[c] - dn * er[c]);
      if (k3 != NULL)
        for (int p = 0; p < 3; p++)
          for (int q = 0; q < 3; q++)
            k3[3 * p + q] += ks * ((p == q ? 1.0 : 0.0) - er[p] * er[q]);
    }
  return contact_f;
}

/* The consistent tangent of node i's wall loads, added to k3: central differences of
 * wall_load, symmetrised. Beyond the Gauss-Newton terms it holds the turning of the contact
 * normal over the wall's curvature and of the radial direction (f / r across it), and the slope
 * of the wall's modulus. On a segmented wall the curvature times a contact force of a few N
 * outweighs k A grad grad^T: with the Gauss-Newton tangent alone a warm update on the real CT
 * took 66 Newton iterations, with this one 37 (bench-sim-patient, SAPIEN 3-class 26). */
static void
wall_tangent (const CuspSimStructure *s, int i, const double *xi, double *k3)
{
  const double h = 1e-6;                          /* mm: the wall field is cubic between cells */
  double kfd[9];

  for (int q = 0; q < 3; q++)
    {
      double xp[3] = { xi[0], xi[1], xi[2] }, xm[3] = { xi[0], xi[1], xi[2] };
      double lp[3] = { 0.0, 0.0, 0.0 }, lm[3] = { 0.0, 0.0, 0.0 };
      xp[q] += h;
      xm[q] -= h;
      wall_load (s, i, xp, lp, NULL);
      wall_load (s, i, xm, lm, NULL);
      for (int p = 0; p < 3; p++)
        kfd[3 * p + q] = -(lp[p] - lm[p]) / (2.0 * h);
    }
  for (int p = 0; p < 3; p++)
    for (int q = 0; q < 3; q++)
      k3[3 * p + q] += 0.5 * (kfd[3 * p + q] + kfd[3 * q + p]);
}

/* The balloon on node i: pushes radially about its own axis (which a tilted pose turns away from
 * the root's), up to its cap. Adds the load and the Gauss-Newton tangent; returns the force. */
static double
balloon_load (const CuspSimStructure *s, int i, const double *xi, double *load, double *k3)
{
  double v[3] = { xi[0] - s->balloon_origin[0], xi[1] - s->balloon_origin[1],
                  xi[2] - s->balloon_origin[2] };
  double along = cusp_v3_dot (v, s->balloon_axis), rb, eb[3];

  for (int c = 0; c < 3; c++)
    eb[c] = v[c] - along * s->balloon_axis[c];
  rb = cusp_v3_normalize (eb);
  if (rb > 1e-9 && s->balloon_radius_mm[i] - rb > -BALLOON_ROUND_MM)
    {
      double gap = s->balloon_radius_mm[i] - rb, cap = s->balloon_cap_n[i];
      double ramp = s->balloon_ramp_mm, h = BALLOON_ROUND_MM, k = cap / ramp, f, kb;
      /* k gap between 0 and the cap, with both corners rounded over +-h (force and slope
       * continuous; unchanged beyond h of each corner). With sharp corners the nodes the balloon
       * only just reaches switch it on and off between Newton iterations: a SAPIEN-class 29 warm
       * update on the real CT stalled at residual 5e-5 with 14 nodes within 2 um of the edge. */
      if (gap < h)
        {
          f = k * (gap + h) * (gap + h) / (4.0 * h);
          kb = k * (gap + h) / (2.0 * h);
        }
      else if (gap <= ramp - h)
        {
          f = k * gap;
          kb = k;
        }
      else if (gap < ramp + h)
        {
          f = cap - k * (ramp + h - gap) * (ramp + h - gap) / (4.0 * h);
          kb = k * (ramp + h - gap) / (2.0 * h);
        }
      else
        {
          f = cap;
          kb = 0.0;
        }
      for (int c = 0; c < 3; c++)
        load[c] += f * eb[c];
      if (k3 != NULL)
        for (int p = 0; p < 3; p++)
          for (int q = 0; q < 3; q++)
            k3[3 * p + q] += kb * eb[p] * eb[q];
      return f;
    }
  return 0.0;
}

typedef struct {
  const CuspSimStructure *s;
  const double *x;
  const double *rot;
  int tangent;                       /* 1: the tangents too */
  int consistent;
} EvaluateJob;

/* One chunk of an evaluation: the beams and nodes of a fixed slice, each into its own slot of
 * beam_terms / node_terms (nothing shared is written, nothing is summed across elements). */
static void
evaluate_chunk (void *context, int chunk)
{
  const EvaluateJob *job = context;
  const CuspSimStructure *s = job->s;
  int e0 = (int) ((long) s->beam_count * chunk / EVALUATE_CHUNKS);
  int e1 = (int) ((long) s->beam_count * (chunk + 1) / EVALUATE_CHUNKS);
  int i0 = (int) ((long) s->node_count * chunk / EVALUATE_CHUNKS);
  int i1 = (int) ((long) s->node_count * (chunk + 1) / EVALUATE_CHUNKS);
  int exact = job->tangent && job->consistent;

  for (int e = e0; e < e1; e++)
    {
      const CuspSimBeam *b = &s->beam[e];
      double d[6], sl[6], *fe = s->beam_terms + (size_t) e * BEAM_TERMS, *ke = fe + 12;

      cusp_sim_beam_eval (s, b, job->x, job->rot, d, sl, fe, job->tangent && !exact ? ke : NULL);
      if (exact)
        cusp_sim_beam_tangent (s, b, job->x, job->rot, ke);
    }
  for (int i = i0; i < i1; i++)
    {
      const double *xi = job->x + 3 * i;
      double *load = s->node_terms + (size_t) i * NODE_TERMS, *k3 = load + 3;
      double contact_f, balloon_f = 0.0;

      for (int k = 0; k < 12; k++)
        load[k] = 0.0;                                  /* load and k3 */
      for (int c = 0; c < 3; c++)                     /* tether */
        {
          load[c] = s->tether_n_per_mm * (s->tether_target[3 * i + c] - xi[c]);
          k3[4 * c] += s->tether_n_per_mm;
        }
      contact_f = wall_load (s, i, xi, load, job->tangent && !exact ? k3 : NULL);
      if (exact && (contact_f > 0.0 || s->stick_n_per_mm[i] > 0.0))
        wall_tangent (s, i, xi, k3);
      if (s->balloon_on)
        balloon_f = balloon_load (s, i, xi, load, k3);
      load[12] = contact_f;
      load[13] = balloon_f;
    }
}

/* Residual r = loads - internal forces at (x, rot); with `band` not NULL also the tangent.
 * Returns ||r|| over the free dofs and the reference force in *reference_n. */
static double
evaluate (CuspSimStructure *s, const double *x, const double *rot, double *band,
          double *reference_n, int consistent)
{
  int n = s->node_count, ndof = 6 * n, hb = s->half_band;
  double *r = s->residual;
  double fext2 = 0.0, fc2 = 0.0, fb2 = 0.0, fint2 = 0.0, norm2 = 0.0;

  memcpy (r, s->fext, (size_t) ndof * sizeof (double));
  for (int i = 0; i < ndof; i++)
    fext2 += s->fext[i] * s->fext[i];
  if (band != NULL)
    memset (band, 0, (size_t) ndof * (hb + 1) * sizeof (double));

  {
    EvaluateJob job = { s, x, rot, band != NULL, consistent };
    cusp_sim_pool_run (s->pool, evaluate_chunk, &job, EVALUATE_CHUNKS);
  }

  for (int e = 0; e < s->beam_count; e++)
    {
      const CuspSimBeam *b = &s->beam[e];
      const double *fe = s->beam_terms + (size_t) e * BEAM_TERMS, *ke = fe + 12;
      int base[2] = { 6 * b->a, 6 * b->b };

      for (int k = 0; k < 12; k++)
        {
          r[base[k / 6] + k % 6] -= fe[k];
          fint2 += fe[k] * fe[k];
        }
      if (band == NULL)
        continue;
      for (int p = 0; p < 12; p++)
        for (int q = 0; q < 12; q++)
          {
            int gi = base[p / 6] + p % 6, gj = base[q / 6] + q % 6;
            if (gj <= gi)
              band_add (band, hb, gi, gj, ke[12 * p + q]);
          }
    }

  s->contact_total_n = 0.0;
  for (int i = 0; i < n; i++)
    {
      const double *terms = s->node_terms + (size_t) i * NODE_TERMS;
      const double *load = terms, *k3 = terms + 3;
      double contact_f = terms[12], balloon_f = terms[13];

      for (int c = 0; c < 3; c++)
        r[6 * i + c] += load[c];
      s->contact_n[i] = contact_f;
      s->balloon_n[i] = balloon_f;
      s->contact_total_n += contact_f;
      fc2 += contact_f * contact_f;
      fb2 += balloon_f * balloon_f;
      if (band != NULL)
        band_add_block3 (band, hb, 6 * i, k3);
    }

  for (int k = 0; k < s->pin_count; k++)
    {
      int i = s->pin_node[k];
      const double *d = s->pin_dir[k];
      double off = 0.0, k3[9];
      for (int c = 0; c < 3; c++)
        off += d[c] * (x[3 * i + c] - s->tether_target[3 * i + c]);
      for (int c = 0; c < 3; c++)
        r[6 * i + c] -= s->pin_n_per_mm * off * d[c];
      for (int p = 0; p < 3; p++)
        for (int q = 0; q < 3; q++)
          k3[3 * p + q] = s->pin_n_per_mm * d[p] * d[q];
      if (band != NULL)
        band_add_block3 (band, hb, 6 * i, k3);
    }

  for (int k = 0; k < ndof; k++)
    {
      if (s->fixed[k])
        {
          r[k] = 0.0;
          if (band != NULL)
            {
              for (int j = 0; j <= hb; j++)
                band[(size_t) k * (hb + 1) + j] = 0.0;
              for (int i = k + 1; i <= k + hb && i < ndof; i++)
                band[(size_t) i * (hb + 1) + (k - i + hb)] = 0.0;
              band[(size_t) k * (hb + 1) + hb] = 1.0;
            }
        }
      norm2 += r[k] * r[k];
    }
  {
    double ref = sqrt (fext2);
    if (sqrt (fc2) > ref)
      ref = sqrt (fc2);
    if (sqrt (fb2) > ref)
      ref = sqrt (fb2);
    if (sqrt (0.5 * fint2) > ref)                  /* the beams' own force level (unassembled) */
      ref = sqrt (0.5 * fint2);
    if (ref < CONTACT_FLOOR_N)
      ref = CONTACT_FLOOR_N;
    *reference_n = ref;
  }
  return sqrt (norm2);
}

double
cusp_sim_structure_residual (CuspSimStructure *s, double *reference_n)
{
  return evaluate (s, s->x, s->rot, NULL, reference_n, 0);
}

void
cusp_sim_structure_stick (CuspSimStructure *s)
{
  double ref;

  evaluate (s, s->x, s->rot, NULL, &ref, 0);
  for (int i = 0; i < s->node_count; i++)
    {
      double rw, kw;
      const double *xi = s->x + 3 * i;
      s->stick_n_per_mm[i] = 0.0;
      if (s->contact_n[i] > 0.0 && s->wall != NULL
          && cusp_sim_wall_sample (s->wall, atan2 (xi[1], xi[0]), xi[2], &rw, &kw))
        s->stick_n_per_mm[i] = kw * s->area_mm2[i];
      memcpy (s->stick_anchor + 3 * i, xi, 3 * sizeof (double));
    }
}

void
cusp_sim_structure_unstick (CuspSimStructure *s)
{
  memset (s->stick_n_per_mm, 0, (size_t) s->node_count * sizeof (double));
}

int
cusp_sim_structure_linear_response (CuspSimStructure *s, const double *load, double *delta)
{
  int ndof = 6 * s->node_count;
  double ref;

  s->factor_valid = 0;                         /* the band now holds another problem's factor */
  evaluate (s, s->x, s->rot, s->band, &ref, 0);
  if (!cusp_sim_band_factor (s->band, ndof, s->half_band))
    return 0;
  for (int k = 0; k < ndof; k++)
    delta[k] = s->fixed[k] ? 0.0 : load[k];
  cusp_sim_band_solve (s->band, ndof, s->half_band, delta);
  return 1;
}

/* trial = state + alpha * delta (rotations composed on the left: R' = exp(alpha dw) R). */
static void
make_trial (CuspSimStructure *s, double alpha)
{
  for (int i = 0; i < s->node_count; i++)
    {
      double w[3], dr[9];
      for (int c = 0; c < 3; c++)
        {
          s->x_trial[3 * i + c] = s->x[3 * i + c] + alpha * s->delta[6 * i + c];
          w[c] = alpha * s->delta[6 * i + 3 + c];
        }
      cusp_m3_from_rotvec (w, dr);
      cusp_m3_mul (dr, s->rot + 9 * i, s->rot_trial + 9 * i);
    }
}

static double
work_dot (const double *a, const double *b, int n)
{
  double sum = 0.0;

  for (int k = 0; k < n; k++)
    sum += a[k] * b[k];
  return sum;
}

/* The work the residual r does along the step delta: sum r . delta over the free dofs (forces
 * times moves, moments times turns). */
static double
work_along (const CuspSimStructure *s, const double *r)
{
  double sum = 0.0;

  for (int k = 0; k < 6 * s->node_count; k++)
    sum += r[k] * s->delta[k];
  return sum;
}

/* J v, J = -d residual / d state, by a forward difference of the residual along v; r0 is the
 * residual at the state. Leaves s->residual and the trial state as the probe's. */
static void
jacobian_times (CuspSimStructure *s, const double *r0, const double *v, double *jv)
{
  int ndof = 6 * s->node_count;
  double vmax = 0.0, eps, ref;

  for (int k = 0; k < ndof; k++)
    if (fabs (v[k]) > vmax)
      vmax = fabs (v[k]);
  if (!(vmax > 0.0))
    {
      memset (jv, 0, (size_t) ndof * sizeof (double));
      return;
    }
  eps = KRYLOV_PROBE_MM / vmax;
  memcpy (s->delta, v, (size_t) ndof * sizeof (double));
  make_trial (s, eps);
  evaluate (s, s->x_trial, s->rot_trial, NULL, &ref, 0);
  for (int k = 0; k < ndof; k++)
    jv[k] = s->fixed[k] ? 0.0 : -(s->residual[k] - r0[k]) / eps;
}

/* The Newton step of the true Jacobian, J delta = r, by GMRES preconditioned with the factor in
 * the band (the symmetrised tangent), starting from that factor's step already in s->delta.
 * The assembled tangent is symmetrised (the band solver needs it), but the residual is not
 * quite the gradient of an energy (differenced wall tangents carry a skew part of 3 % of their
 * norm where the frame sticks): near the solution the symmetric tangent's step can then fail to
 * lower the residual at all (bench-sim-patient, phantom Evolut-class 34 and real-CT
 * SAPIEN-class 29: J delta differed from r by 96-124 % along it, the same at every probe length
 * from 1e-1 to 1e-6 of the step, so a wrong slope, not a kink), and Newton stalled. Each basis vector costs
 * one residual evaluation and one solve with the existing factor, no assembly. Returns 0 (and
 * leaves the factor's step) if memory runs out or the result is not finite. */
static int
krylov_step (CuspSimStructure *s)
{
  int ndof = 6 * s->node_count, m = KRYLOV_DIM, j, ok = 1;
  double *mem = malloc ((size_t) (m + 4) * ndof * sizeof (double));
  double h[KRYLOV_DIM + 1][KRYLOV_DIM], g[KRYLOV_DIM + 1], cs[KRYLOV_DIM], sn[KRYLOV_DIM];
  double y[KRYLOV_DIM], beta, target;
  double *r0, *z, *z0, *w, *v;

  if (mem == NULL)
    return 0;
  r0 = mem;
  z = r0 + ndof;
  z0 = z + ndof;
  w = z0 + ndof;
  v = w + ndof;
  memcpy (r0, s->residual, (size_t) ndof * sizeof (double));
  memcpy (z, s->delta, (size_t) ndof * sizeof (double));
  memcpy (z0, z, (size_t) ndof * sizeof (double));   /* the probes overwrite s->delta */
  /* preconditioned on the right, so GMRES minimises the residual in forces, as the solve's
   * acceptance and tolerance measure it (on the left, stiff directions hid errors of N) */
  target = KRYLOV_TOLERANCE * sqrt (work_dot (r0, r0, ndof));
  jacobian_times (s, r0, z, w);
  for (int k = 0; k < ndof; k++)
    w[k] = r0[k] - w[k];
  beta = sqrt (work_dot (w, w, ndof));
  memset (g, 0, sizeof g);
  g[0] = beta;
  if (beta > 0.0)
    for (int k = 0; k < ndof; k++)
      v[k] = w[k] / beta;
  /* Arnoldi: v holds the basis v_0 .. v_(m-1); the last new direction needs no storage beyond
   * w, which is free once v_0 is made */
  j = 0;
  while (j < m && fabs (g[j]) > target && isfinite (g[j]))
    {
      double *vj = v + (size_t) j * ndof;
      double *vn = j + 1 < m ? v + (size_t) (j + 1) * ndof : w;
      memcpy (vn, vj, (size_t) ndof * sizeof (double));
      cusp_sim_band_solve (s->band, ndof, s->half_band, vn);
      jacobian_times (s, r0, vn, vn);
      for (int i = 0; i <= j; i++)                 /* modified Gram-Schmidt */
        {
          double *vi = v + (size_t) i * ndof;
          h[i][j] = work_dot (vn, vi, ndof);
          for (int k = 0; k < ndof; k++)
            vn[k] -= h[i][j] * vi[k];
        }
      h[j + 1][j] = sqrt (work_dot (vn, vn, ndof));
      if (h[j + 1][j] > 0.0)
        for (int k = 0; k < ndof; k++)
          vn[k] /= h[j + 1][j];
      for (int i = 0; i < j; i++)                  /* the earlier Givens rotations */
        {
          double t = cs[i] * h[i][j] + sn[i] * h[i + 1][j];
          h[i + 1][j] = -sn[i] * h[i][j] + cs[i] * h[i + 1][j];
          h[i][j] = t;
        }
      {
        double d = hypot (h[j][j], h[j + 1][j]);
        cs[j] = d > 0.0 ? h[j][j] / d : 1.0;
        sn[j] = d > 0.0 ? h[j + 1][j] / d : 0.0;
        h[j][j] = d;
        h[j + 1][j] = 0.0;
        g[j + 1] = -sn[j] * g[j];
        g[j] = cs[j] * g[j];
      }
      j++;
    }
  for (int i = j - 1; i >= 0; i--)                 /* back substitution: H y = g */
    {
      double t = g[i];
      for (int l = i + 1; l < j; l++)
        t -= h[i][l] * y[l];
      y[i] = h[i][i] != 0.0 ? t / h[i][i] : 0.0;
    }
  memset (w, 0, (size_t) ndof * sizeof (double));
  for (int i = 0; i < j; i++)
    for (int k = 0; k < ndof; k++)
      w[k] += y[i] * v[(size_t) i * ndof + k];
  cusp_sim_band_solve (s->band, ndof, s->half_band, w);
  for (int k = 0; k < ndof; k++)
    z[k] += w[k];
  for (int k = 0; k < ndof && ok; k++)
    ok = isfinite (z[k]);
  memcpy (s->delta, ok ? z : z0, (size_t) ndof * sizeof (double));
  memcpy (s->residual, r0, (size_t) ndof * sizeof (double));
  free (mem);
  return ok;
}

/* Line search on the work of the residual along the step (the slope of the potential energy
 * along it, for the conservative part of the problem): finds alpha in (0, 1] where that slope
 * has dropped to at most half of its start (a strong Wolfe condition), by regula falsi with the
 * Illinois modification. Returns the residual norm at the trial state left in x_trial. */
static double
energy_search (CuspSimStructure *s, double scale, double *alpha_out, double *ref_trial)
{
  double g0 = work_along (s, s->residual);
  double a_lo = 0.0, g_lo = g0, a_hi = 1.0, g_hi = 0.0, a = 1.0, rn = 0.0, g;
  int side = 0;

  for (int k = 0; k < ENERGY_SEARCH_TRIALS; k++)
    {
      *alpha_out = a;                                /* the trial state's own alpha */
      make_trial (s, a * scale);
      rn = evaluate (s, s->x_trial, s->rot_trial, NULL, ref_trial, 0);
      if (!isfinite (rn))
        {
          a_hi = a;
          g_hi = -INFINITY;
          a = 0.5 * (a_lo + a);
          continue;
        }
      g = work_along (s, s->residual);
      if (fabs (g) <= 0.5 * g0 || (k == 0 && g > 0.0))
        break;                                       /* full step still descending: take it */
      if (g > 0.0)
        {
          a_lo = a;
          g_lo = g;
          if (side == 1)
            g_hi *= 0.5;
          side = 1;
        }
      else
        {
          a_hi = a;
          g_hi = g;
          if (side == -1)
            g_lo *= 0.5;
          side = -1;
        }
      if (isfinite (g_hi))
        a = a_lo + (a_hi - a_lo) * g_lo / (g_lo - g_hi);
      else
        a = 0.5 * (a_lo + a_hi);
      if (a < a_lo + 0.05 * (a_hi - a_lo) || a > a_hi - 0.05 * (a_hi - a_lo))
        a = 0.5 * (a_lo + a_hi);
    }
  return rn;
}

CuspSimStatus
cusp_sim_structure_solve (CuspSimStructure *s, int max_iterations, double max_time_ms,
                          double tolerance, CuspSimSolveInfo *info)
{
  int ndof = 6 * s->node_count;
  double t_start = cusp_sim_now_ms ();
  double ref, rn;
  /* the band holds a factor worth trying first: the last one, kept across calls (a warm update
   * after a small pose change starts from nearly the same tangent) */
  int reuse = s->factor_valid;
  /* Each call tries the analytic tangent first (one force evaluation per beam instead of 25):
   * where it is good enough, as in a structure that stays near its linear response (the
   * ring-in-tube of bench-sim-ccx: 1 iteration either way, 0.47 -> 0.16 ms), it is all Newton
   * needs; the first step that does not halve the residual switches the call to the consistent
   * one. Deployments barely notice (bench-sim: the same warm iteration counts). */
  int consistent = 0;
  /* the last evaluation was of the current state: s->residual, contact_n, ... are its own */
  int current = 1;
  /* the symmetric tangent's step stalled near the solution: correct each step by GMRES on the
   * true Jacobian (krylov_step) for the rest of the call */
  int krylov = 0;

  memset (info, 0, sizeof *info);
  rn = evaluate (s, s->x, s->rot, NULL, &ref, 0);
  for (;;)
    {
      double t0, t1, scale = 1.0, alpha = 1.0, rn_trial = rn, ref_trial = ref;
      double big_t = 0.0, big_r = 0.0;

      if (!isfinite (rn))
        return CUSP_SIM_ERROR_DIVERGED;
      info->residual = rn / ref;
      if (info->residual <= tolerance)
        {
          info->converged = 1;
          break;
        }
      if (info->iterations >= max_iterations
          || (max_time_ms > 0.0 && cusp_sim_now_ms () - t_start > max_time_ms))
        break;

      t0 = cusp_sim_now_ms ();
      if (reuse)
        {
          /* the last full step cut the residual by REUSE_RATIO or more: the factor of the previous
           * tangent is still good enough for one more step (Shamanskii's variant of Newton),
           * and it saves the assembly and factorisation that dominate a live update */
          if (!current)
            evaluate (s, s->x, s->rot, NULL, &ref, 0);
          memcpy (s->delta, s->residual, (size_t) ndof * sizeof (double));
          t1 = cusp_sim_now_ms ();
          info->reused++;
        }
      else
        {
          /* the consistent tangent (or the analytic one, see `consistent`); where its stress
           * terms make it indefinite (a prestressed frame held only by weak supports), the
           * analytic one, which is positive definite */
          evaluate (s, s->x, s->rot, s->band, &ref, consistent);
          memcpy (s->delta, s->residual, (size_t) ndof * sizeof (double));
          t1 = cusp_sim_now_ms ();
          info->assemble_ms += t1 - t0;
          if (!cusp_sim_band_factor (s->band, ndof, s->half_band))
            {
              evaluate (s, s->x, s->rot, s->band, &ref, 0);
              info->fallbacks++;
              s->factor_valid = 0;
              if (!cusp_sim_band_factor (s->band, ndof, s->half_band))
                return CUSP_SIM_ERROR_SINGULAR;
            }
          s->factor_valid = 1;
        }
      cusp_sim_band_solve (s->band, ndof, s->half_band, s->delta);
      t0 = cusp_sim_now_ms ();
      info->factor_ms += t0 - t1;
      if (krylov && !krylov_step (s))
        krylov = 0;

      for (int i = 0; i < s->node_count; i++)     /* step limit: a trust region in disguise */
        {
          double *dl = s->delta + 6 * i;
          double t = sqrt (dl[0] * dl[0] + dl[1] * dl[1] + dl[2] * dl[2]);
          double w = sqrt (dl[3] * dl[3] + dl[4] * dl[4] + dl[5] * dl[5]);
          if (t > big_t)
            big_t = t;
          if (w > big_r)
            big_r = w;
        }
      if (big_t > MAX_STEP_MM)
        scale = MAX_STEP_MM / big_t;
      if (big_r * scale > MAX_STEP_RAD)
        scale = MAX_STEP_RAD / big_r;
      if (!isfinite (scale))
        return CUSP_SIM_ERROR_DIVERGED;
      if (!reuse && !krylov && work_along (s, s->residual) > 0.0)
        {
          /* a fresh tangent's step: search along it on the energy's slope */
          rn_trial = energy_search (s, scale, &alpha, &ref_trial);
          current = 0;
        }
      else if (reuse && !krylov)
        {
          /* an old factor: its full step or nothing (below). A shorter step chosen on the
           * residual norm would undo what the searches on the energy's slope gained */
          make_trial (s, scale);
          rn_trial = evaluate (s, s->x_trial, s->rot_trial, NULL, &ref_trial, 0);
          current = 0;
        }
      else
        for (int h = 0; h <= LINE_SEARCH_HALVINGS; h++)
          {
            /* a step that is not a descent direction of the energy (a non-conservative
             * part dominates): backtrack on the residual norm */
            make_trial (s, alpha * scale);
            rn_trial = evaluate (s, s->x_trial, s->rot_trial, NULL, &ref_trial, 0);
            current = 0;
            if (isfinite (rn_trial) && rn_trial < rn * (1.0 - 1e-4 * alpha))
              break;
            alpha *= 0.5;
          }
      if (reuse && !(isfinite (rn_trial) && rn_trial < rn))
        {
          /* an old factor that does not even give a descent direction: drop it, assemble */
          reuse = 0;
          info->iterations++;
          info->line_search_ms += cusp_sim_now_ms () - t0;
          continue;
        }
      if (!(isfinite (rn_trial) && rn_trial < rn))
        {
          /* No step along this direction lowers the residual. Far from the solution (contact
           * changing) take the whole Newton step anyway: non-monotone, it usually gets through.
           * Close to it, the state is as good as this tangent can make it: stop rather than
           * wander (the result says not converged). */
          if (rn / ref <= STALL_RESIDUAL && !krylov && !reuse)
            {
              /* the same factor, now as GMRES's preconditioner */
              krylov = 1;
              reuse = 1;
              info->iterations++;
              info->line_search_ms += cusp_sim_now_ms () - t0;
              continue;
            }
          if (rn / ref <= STALL_RESIDUAL)
            {
              info->stalled = 1;
              break;
            }
          make_trial (s, scale);
          rn_trial = evaluate (s, s->x_trial, s->rot_trial, NULL, &ref_trial, 0);
          if (!isfinite (rn_trial))
            return CUSP_SIM_ERROR_DIVERGED;
        }
      memcpy (s->x, s->x_trial, (size_t) s->node_count * 3 * sizeof (double));
      memcpy (s->rot, s->rot_trial, (size_t) s->node_count * 9 * sizeof (double));
      current = 1;                                 /* the trial taken is the last evaluated */
      /* keep the factor while full steps cut the residual by REUSE_RATIO (Shamanskii's Newton:
       * linear convergence at least that fast, each step without assembly or factorisation) */
      reuse = alpha == 1.0 && scale == 1.0 && rn_trial < REUSE_RATIO * rn;
      if (krylov)
        reuse = 1;                                 /* a preconditioner may age: GMRES corrects */
      if (!reuse)
        consistent = 1;
      rn = rn_trial;
      ref = ref_trial;
      info->iterations++;
      info->line_search_ms += cusp_sim_now_ms () - t0;
    }
  /* leave contact_n etc. consistent with the state */
  if (!current)
    evaluate (s, s->x, s->rot, NULL, &ref, 0);
  return CUSP_SIM_OK;
}
