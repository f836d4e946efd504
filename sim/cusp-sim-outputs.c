/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-outputs.c: the mechanical outputs of one solve, computed from the deformed frame and
 * its contact forces: frame sections, wall pressure and stretch, the septal region, the
 * skirt-to-wall gap map and apposition, the displaced native leaflets and the ostium distances. */
#include "cusp-sim-world-private.h"

#include <math.h>
#include <string.h>

#define DEG (M_PI / 180.0)
#define MPA_TO_PA 1e6

static double
wrap_angle (double a)
{
  /* the same value as remainder (a, 2 pi), which was a tenth of a live update's CPU: a
   * difference of two angles lies in (-2 pi, 2 pi), where one shift is exact (Sterbenz) */
  if (a > M_PI && a < 2.0 * M_PI)
    return a - 2.0 * M_PI;
  if (a < -M_PI && a > -2.0 * M_PI)
    return a + 2.0 * M_PI;
  if (a >= -M_PI && a <= M_PI)
    return a;
  return remainder (a, 2.0 * M_PI);
}

/* The frame's outer radius about the root axis at (theta, z), by inverse-distance weighting of
 * the deformed nodes within `window_mm` in height. Returns 0 where no node is that close. */
static int
frame_radius_at (const CuspSimWorld *w, double theta, double z, double window_mm, double *radius)
{
  const double *cyl = w->node_cyl;
  double r_mean = 0.25 * (w->def.root.annulus_dmin_mm + w->def.root.annulus_dmax_mm);
  double sum_w = 0.0, sum_r = 0.0;
  int lo = 0, hi = w->s.node_count;

  while (lo < hi)                              /* first node with z >= z - window */
    {
      int mid = (lo + hi) / 2;
      if (cyl[3 * mid + 1] < z - window_mm)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (int i = lo; i < w->s.node_count && cyl[3 * i + 1] <= z + window_mm; i++)
    {
      double dz = cyl[3 * i + 1] - z, ds, d2, wt;
      ds = r_mean * wrap_angle (cyl[3 * i] - theta);
      d2 = ds * ds + dz * dz;
      wt = 1.0 / (d2 + 1e-2);
      sum_w += wt;
      sum_r += wt * cyl[3 * i + 2];
    }
  if (sum_w <= 0.0)
    return 0;
  *radius = sum_r / sum_w;
  return 1;
}

static void
section_at_level (const CuspSimWorld *w, int level, CuspSimSection *out)
{
  const CuspSimStructure *s = &w->s;
  double centre[3] = { 0.0, 0.0, 0.0 }, r[64], th[64];
  int idx[64], n = 0;
  double nominal = w->def.device.nominal_diameter_mm, t = s->strut.thickness_mm, sum = 0.0;

  for (int i = 0; i < s->node_count && n < 64; i++)
    if (w->level[i] == level)
      idx[n++] = i;
  memset (out, 0, sizeof *out);
  if (n < 3)
    return;
  for (int k = 0; k < n; k++)
    for (int c = 0; c < 3; c++)
      centre[c] += s->x[3 * idx[k] + c] / n;
  for (int k = 0; k < n; k++)                 /* in the plane normal to the frame's axis */
    {
      double v[3], along;
      for (int c = 0; c < 3; c++)
        v[c] = s->x[3 * idx[k] + c] - centre[c];
      along = v[0] * s->balloon_axis[0] + v[1] * s->balloon_axis[1] + v[2] * s->balloon_axis[2];
      for (int c = 0; c < 3; c++)
        v[c] -= along * s->balloon_axis[c];
      r[k] = sqrt (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) + 0.5 * t;
      th[k] = w->theta_ref[idx[k]];
      sum += r[k];
    }
  out->dmin_mm = 1e9;
  out->dmax_mm = 0.0;
  for (int k = 0; k < n; k++)
    {
      /* the radius on the opposite side, linear between the two nodes around theta + pi */
      double target = th[k] + M_PI, best_lo = -1e9, best_hi = 1e9, r_lo = r[k], r_hi = r[k], d;
      for (int j = 0; j < n; j++)
        {
          double a = wrap_angle (th[j] - target);
          if (a <= 0.0 && a > best_lo)
            {
              best_lo = a;
              r_lo = r[j];
            }
          if (a >= 0.0 && a < best_hi)
            {
              best_hi = a;
              r_hi = r[j];
            }
        }
      d = best_hi - best_lo > 1e-12 ? r_lo + (r_hi - r_lo) * (-best_lo) / (best_hi - best_lo) : r_lo;
      d += r[k];
      if (d < out->dmin_mm)
        out->dmin_mm = d;
      if (d > out->dmax_mm)
        out->dmax_mm = d;
    }
  out->mean_mm = 2.0 * sum / n;
  out->expansion_pct = 100.0 * out->mean_mm / nominal;
}

/* Half a strut row: between two crown levels every point has a node this close in height. */
static double
frame_window (const CuspSimWorld *w)
{
  return 0.75 * w->lattice.height_mm / (w->lattice.levels - 1);
}

/* The wall conforms to the frame where the frame stands beyond the free lumen (the contact law
 * makes wall displacement equal overlap), so u = max(0, r_frame - r_wall) and p = k u: the
 * Winkler pressure, interpolated between the nodes instead of lumped on them. */
static void
wall_pressure (CuspSimWorld *w)
{
  CuspSimWall *wall = &w->wall;
  int na = wall->angle_count, nh = wall->height_count;
  double window = frame_window (w), z_lo = 1e9, z_hi = -1e9;

  memset (w->wall_pressure_pa, 0, (size_t) na * nh * sizeof (double));
  for (int i = 0; i < w->s.node_count; i++)
    {
      if (w->node_cyl[3 * i + 1] < z_lo)
        z_lo = w->node_cyl[3 * i + 1];
      if (w->node_cyl[3 * i + 1] > z_hi)
        z_hi = w->node_cyl[3 * i + 1];
    }
  w->result.peak_contact_pressure_pa = 0.0;
  for (int h = 0; h < nh; h++)
    {
      double z = wall->height0_mm + h * wall->height_step_mm;
      if (z < z_lo - window || z > z_hi + window)
        continue;
      for (int a = 0; a < na; a++)
        {
          double rf, u, p;
          if (!frame_radius_at (w, 2.0 * M_PI * a / na, z, window, &rf))
            continue;
          u = rf - wall->radius_mm[h * na + a];
          if (u <= 0.0)
            continue;
          p = wall->modulus_mpa_per_mm[h * na + a] * u * MPA_TO_PA;
          w->wall_pressure_pa[h * na + a] = p;
          if (p > w->result.peak_contact_pressure_pa)
            w->result.peak_contact_pressure_pa = p;
        }
    }
}

static double
wall_displacement (const CuspSimWorld *w, int h, int a)
{
  int na = w->wall.angle_count;
  return w->wall_pressure_pa[h * na + a] / MPA_TO_PA / w->wall.modulus_mpa_per_mm[h * na + a];
}

/* Area element of the radius-field surface X = (R cos t, R sin t, z) at cell (h, a) of the free
 * lumen radius (plus the wall displacement if `displaced`): |X_t x X_z| = sqrt (R^2 (1 + R_z^2)
 * + R_t^2), its slopes by central differences over the wall's thickness either way (a wall
 * spreads a load over about its thickness; over one 0.5 mm cell the slopes are those of the
 * frame's strut pattern and of the segmented wall's voxels). */
static double
area_element (const CuspSimWorld *w, int h, int a, int displaced)
{
  const CuspSimWall *wall = &w->wall;
  int na = wall->angle_count, nh = wall->height_count;
  const double *r = wall->radius_mm;
  double t = w->def.root.wall_thickness_mm, c = r[h * na + a], up, dn, right, left, rz, rt;
  int dh = (int) lround (t / wall->height_step_mm), da = (int) lround (t / (c * 2.0 * M_PI / na));
  int hu, hd, ar, al;

  dh = dh < 1 ? 1 : dh;
  da = da < 1 ? 1 : (da > na / 8 ? na / 8 : da);
  hu = h + dh < nh ? h + dh : nh - 1;
  hd = h - dh >= 0 ? h - dh : 0;
  ar = (a + da) % na;
  al = (a + na - da) % na;
  up = r[hu * na + a];
  dn = r[hd * na + a];
  right = r[h * na + ar];
  left = r[h * na + al];
  if (displaced)
    {
      c += wall_displacement (w, h, a);
      up += wall_displacement (w, hu, a);
      dn += wall_displacement (w, hd, a);
      right += wall_displacement (w, h, ar);
      left += wall_displacement (w, h, al);
    }
  rz = (up - dn) / ((hu - hd) * wall->height_step_mm);
  rt = (right - left) / (2.0 * da * 2.0 * M_PI / na);
  return sqrt (c * c * (1.0 + rz * rz) + rt * rt);
}

/* Areal stretch of the wall surface: the displaced surface's area element over the free
 * lumen's, both radius fields over the same (theta, z) cell; the peak over the annulus band
 * |z| <= 2 mm. (Until 2026-11-22 it multiplied the hoop stretch by the tilt of the displacement
 * field alone over one cell, as if the free wall were flat: the displacement u = r_frame - r_wall
 * carries the segmented wall's roughness and the step at the frame's edge, and the analytic
 * root's 26 mm balloon-expandable case read 1.64, now 1.19. On the real CT 26-34 mm frames read
 * 1.5-3 until the patient wall stopped taking a lumen label cut inside the blood pool for the wall
 * (app/cusp-patient-root.h): it stood 6.4 mm from the axis over 260-300 deg at the annulus, 5-7 mm
 * inside the frame.) */
static void
annulus_stretch (CuspSimWorld *w)
{
  const CuspSimWall *wall = &w->wall;
  int na = wall->angle_count;
  double peak = 1.0;

  for (int h = 0; h < wall->height_count; h++)
    {
      double z = wall->height0_mm + h * wall->height_step_mm;
      if (fabs (z) > 2.0)
        continue;
      for (int a = 0; a < na; a++)
        {
          double areal;
          if (wall_displacement (w, h, a) <= 0.0)
            continue;                              /* the free wall keeps its area */
          areal = area_element (w, h, a, 1) / area_element (w, h, a, 0);
          if (areal > peak)
            peak = areal;
        }
    }
  w->result.annulus_peak_areal_stretch = peak;
}

static void
septum (CuspSimWorld *w)
{
  const CuspSimRootDef *root = &w->def.root;
  double centre = root->ncc_rcc_commissure_deg * DEG, half = root->septum_half_width_deg * DEG;
  double r_mean = 0.25 * (root->annulus_dmin_mm + root->annulus_dmax_mm);
  double area = r_mean * 2.0 * half * root->membranous_septum_length_mm, force = 0.0, peak = 0.0;
  double lowest = 1e9, lowest_all = 1e9;

  for (int i = 0; i < w->s.node_count; i++)
    {
      const double *x = w->s.x + 3 * i;          /* node_cyl is sorted: use the node itself */
      double th = atan2 (x[1], x[0]), z = x[2];
      int in_sector = fabs (wrap_angle (th - centre)) <= half;
      if (z < lowest_all)
        lowest_all = z;
      if (!in_sector)
        continue;
      if (z < lowest)
        lowest = z;
      if (z <= 0.0 && z >= -root->membranous_septum_length_mm && w->s.contact_n[i] > 0.0)
        {
          double p = w->s.contact_n[i] / w->s.area_mm2[i] * MPA_TO_PA;
          force += w->s.contact_n[i];
          if (p > peak)
            peak = p;
        }
    }
  w->result.septum_mean_pressure_pa = force / area * MPA_TO_PA;
  w->result.septum_peak_pressure_pa = peak;
  w->result.implant_depth_mm = -(lowest < 1e8 ? lowest : lowest_all);
}

static void
gap_map (CuspSimWorld *w)
{
  CuspSimGapMap *g = &w->result.gap;
  int na = w->def.gap_angle_count, nh = w->gap_height_count, closed = 0;
  double window = frame_window (w), z_annulus_row;

  g->angle_count = na;
  g->height_count = nh;
  g->angle_step_deg = 360.0 / na;
  g->height_step_mm = w->def.gap_height_step_mm;
  g->height0_mm = w->pose_shift[2];
  g->gap_mm = w->gap_mm;
  g->seal_radius_mm = 0.25 * (w->result.inflow.dmin_mm + w->result.inflow.dmax_mm);
  g->tolerance_mm = w->def.gap_tolerance_mm;
  for (int h = 0; h < nh; h++)
    for (int a = 0; a < na; a++)
      {
        /* skirt outer surface to the wall: the free lumen where the frame stays inside it, 0
         * where the frame has pushed the wall out (the wall then conforms) */
        double th = a * g->angle_step_deg * DEG, z = g->height0_mm + h * g->height_step_mm;
        double rf, rw, k, gap = 0.0;
        if (frame_radius_at (w, th, z, window, &rf) && cusp_sim_wall_sample (&w->wall, th, z, &rw, &k))
          gap = rw - rf;
        w->gap_mm[h * na + a] = gap > 0.0 ? gap : 0.0;
      }
  g->annulus_row = (int) lround (-g->height0_mm / g->height_step_mm);
  z_annulus_row = g->height0_mm + g->annulus_row * g->height_step_mm;
  if (g->annulus_row < 0)
    g->annulus_row = 0;
  if (g->annulus_row > nh - 1)
    g->annulus_row = nh - 1;
  if (fabs (z_annulus_row) > 0.5 * g->height_step_mm + 1e-9)
    {
      w->result.apposition_pct = 0.0;                /* the skirt does not reach the annulus */
      return;
    }
  for (int a = 0; a < na; a++)
    if (w->gap_mm[g->annulus_row * na + a] <= w->def.gap_tolerance_mm)
      closed++;
  w->result.apposition_pct = 100.0 * closed / na;
}

/* A native leaflet is a rigid flap hinged on the wall at the annulus; the frame holds it open.
 * It falls as far inward (angle phi from vertical) as the frame lets it. Returns the hinge and
 * free-edge points in the meridian plane (r, z). */
static void
leaflet_flap (const CuspSimWorld *w, double theta, double *hinge_r, double *tip_r, double *tip_z)
{
  double length = w->def.root.leaflet_height_mm, rh, k, phi_deg;
  double window = frame_window (w);

  if (!cusp_sim_wall_sample (&w->wall, theta, 0.0, &rh, &k))
    rh = 0.5 * w->def.root.annulus_dmax_mm;
  for (phi_deg = 85.0; phi_deg > 0.0; phi_deg -= 1.0)
    {
      double phi = phi_deg * DEG;
      int blocked = 0;
      for (int j = 1; j <= 12 && !blocked; j++)
        {
          double sj = length * j / 12.0, r = rh - sj * sin (phi), z = sj * cos (phi), rf;
          if (frame_radius_at (w, theta, z, window, &rf) && r < rf)
            blocked = 1;
        }
      if (!blocked)
        break;
    }
  *hinge_r = rh;
  *tip_r = rh - length * sin (phi_deg * DEG);
  *tip_z = length * cos (phi_deg * DEG);
}

static double
segment_distance (double r0, double z0, double r1, double z1, double pr, double pz)
{
  double dr = r1 - r0, dz = z1 - z0, len2 = dr * dr + dz * dz, t = 0.0;

  if (len2 > 0.0)
    t = ((pr - r0) * dr + (pz - z0) * dz) / len2;
  t = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
  return hypot (pr - (r0 + t * dr), pz - (z0 + t * dz));
}

static void
ostium (const CuspSimWorld *w, double theta_deg, double height_mm, double *vtc, double *dlc)
{
  double th = theta_deg * DEG, ro, k, hr, tr, tz, best = 1e9;
  double window = frame_window (w);

  if (!cusp_sim_wall_sample (&w->wall, th, height_mm, &ro, &k))
    ro = 0.5 * w->def.root.sinus_diameter_mm;
  leaflet_flap (w, th, &hr, &tr, &tz);
  *dlc = segment_distance (hr, 0.0, tr, tz, ro, height_mm);
  for (double z = height_mm - 15.0; z <= height_mm + 15.0; z += 0.25)
    {
      double rf;
      if (frame_radius_at (w, th, z, window, &rf))
        {
          double d = hypot (ro - rf, height_mm - z);
          if (d < best)
            best = d;
        }
    }
  *vtc = best;
}

void
cusp_sim_outputs_compute (CuspSimWorld *w)
{
  CuspSimResult *res = &w->result;
  const CuspSimRootDef *root = &w->def.root;
  double ref, m_max = 0.0;

  cusp_sim_structure_residual (&w->s, &ref);           /* contact forces of this state */
  for (int i = 0; i < w->s.node_count; i++)  /* insertion sort by z: nodes come level by level */
    {
      const double *x = w->s.x + 3 * i;
      double c[3] = { atan2 (x[1], x[0]), x[2], hypot (x[0], x[1]) + 0.5 * w->s.strut.thickness_mm };
      int j = i;
      while (j > 0 && w->node_cyl[3 * (j - 1) + 1] > c[1])
        {
          memcpy (w->node_cyl + 3 * j, w->node_cyl + 3 * (j - 1), 3 * sizeof (double));
          j--;
        }
      memcpy (w->node_cyl + 3 * j, c, sizeof c);
    }
  res->node_count = w->s.node_count;
  res->node_position_mm = w->s.x;
  section_at_level (w, 0, &res->inflow);
  section_at_level (w, (w->lattice.levels - 1) / 2, &res->mid);
  section_at_level (w, w->lattice.levels - 1, &res->outflow);

  wall_pressure (w);
  res->wall_angle_count = w->wall.angle_count;
  res->wall_height_count = w->wall.height_count;
  res->wall_height0_mm = w->wall.height0_mm;
  res->wall_height_step_mm = w->wall.height_step_mm;
  res->wall_pressure_pa = w->wall_pressure_pa;
  annulus_stretch (w);
  septum (w);
  gap_map (w);

  for (int e = 0; e < w->s.beam_count; e++)
    {
      double d[6], sl[6];
      cusp_sim_beam_eval (&w->s, &w->s.beam[e], w->s.x, w->s.rot, d, sl, NULL, NULL);
      if (fabs (sl[4]) > m_max)
        m_max = fabs (sl[4]);
      if (fabs (sl[5]) > m_max)
        m_max = fabs (sl[5]);
    }
  res->max_moment_ratio = m_max / w->yield_moment_nmm;

  for (int k = 0; k < 3; k++)
    {
      double th = (root->ncc_rcc_commissure_deg + 60.0 + 120.0 * k) * DEG, hr, tr, tz;
      leaflet_flap (w, th, &hr, &tr, &tz);
      res->leaflet[k].centre_deg = fmod (root->ncc_rcc_commissure_deg + 60.0 + 120.0 * k, 360.0);
      res->leaflet[k].free_edge_radius_mm = tr;
      res->leaflet[k].free_edge_height_mm = tz;
    }
  ostium (w, root->left_ostium_deg, root->left_ostium_height_mm, &res->left_ostium_vtc_mm,
          &res->left_ostium_dlc_mm);
  ostium (w, root->right_ostium_deg, root->right_ostium_height_mm, &res->right_ostium_vtc_mm,
          &res->right_ostium_dlc_mm);
}
