/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-world.c: definitions and their checks, the world (frame + root + arena), posing, the
 * deployment phases with warm starts, and the single solve entry point. */
#include "cusp-sim-world-private.h"
#include "cusp-sim-math.h"
#include "cusp-sim-flow.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEG (M_PI / 180.0)
#define TETHER_N_PER_MM 1e-5
#define PIN_N_PER_MM 10.0
#define MAX_NODES 4000

const char *
cusp_sim_error_string (CuspSimStatus status)
{
  switch (status)
    {
    case CUSP_SIM_OK: return "no error";
    case CUSP_SIM_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case CUSP_SIM_ERROR_NON_FINITE: return "a number is NaN or infinite";
    case CUSP_SIM_ERROR_BAD_DEVICE: return "impossible device numbers";
    case CUSP_SIM_ERROR_BAD_ROOT: return "impossible root geometry or wall constants";
    case CUSP_SIM_ERROR_BAD_WALL_MESH: return "unusable lumen surface";
    case CUSP_SIM_ERROR_OUTSIDE_LUMEN: return "the valve is not inside the lumen";
    case CUSP_SIM_ERROR_SINGULAR: return "the stiffness matrix is singular";
    case CUSP_SIM_ERROR_DIVERGED: return "the solution diverged";
    case CUSP_SIM_ERROR_NO_MEMORY: return "out of memory";
    }
  return "unknown error";
}

CuspSimRootDef
cusp_sim_default_root_def (void)
{
  CuspSimRootDef r;

  memset (&r, 0, sizeof r);
  r.annulus_dmin_mm = 21.5;
  r.annulus_dmax_mm = 24.5;
  r.lvot_diameter_mm = 22.0;                 /* a mild septal narrowing below the annulus */
  r.lvot_length_mm = 12.0;
  r.sinus_diameter_mm = 31.0;
  r.stj_diameter_mm = 27.0;
  r.stj_height_mm = 20.0;
  r.ascending_length_mm = 35.0;
  r.wall_thickness_mm = 2.0;
  r.wall_youngs_modulus_mpa = 2.0;           /* DOMAIN.md 6: 1-4 MPa */
  r.wall_poisson_ratio = 0.45;
  r.calcium_youngs_modulus_mpa = 60.0;       /* top of 4-60 MPa: near-rigid */
  r.ncc_rcc_commissure_deg = 200.0;
  r.membranous_septum_length_mm = 8.0;
  r.septum_half_width_deg = 20.0;
  r.leaflet_height_mm = 14.0;
  r.left_ostium_deg = 20.0;                  /* left cusp centre: commissure + 180 */
  r.left_ostium_height_mm = 13.0;
  r.right_ostium_deg = 260.0;                /* right cusp centre: commissure + 60 */
  r.right_ostium_height_mm = 15.0;
  r.coronary_diameter_mm = 4.0;
  return r;
}

CuspSimWorldDef
cusp_sim_default_world_def (void)
{
  CuspSimWorldDef d;

  memset (&d, 0, sizeof d);
  d.root = cusp_sim_default_root_def ();
  d.device = cusp_device_def_default ();
  d.pose.depth_mm = 3.0;
  d.elements_per_strut = 1;
  d.balloon_pressure_mpa = 0.4;
  d.residual_tolerance = 1e-6;
  d.max_iterations = 60;
  d.max_time_ms = 0.0;
  d.wall_angle_step_deg = 2.0;
  d.wall_height_step_mm = 0.5;
  d.gap_angle_count = 72;
  d.gap_height_step_mm = 0.5;
  d.gap_tolerance_mm = CUSP_GAP_TOLERANCE_MM;        /* shared with the leak model: why there */
  d.thread_count = 2;                                 /* the live target allows 2 cores */
  return d;
}

void
cusp_sim_set_message (char *buffer, const char *format, ...)
{
  va_list args;

  if (buffer == NULL)
    return;
  va_start (args, format);
  vsnprintf (buffer, CUSP_SIM_MESSAGE_MAX, format, args);
  va_end (args);
}

static int
in_range (double v, double lo, double hi)
{
  return isfinite (v) && v >= lo && v <= hi;
}

#define CHECK(cond, code, ...)                                                                     \
  do                                                                                               \
    {                                                                                              \
      if (!(cond))                                                                                 \
        {                                                                                          \
          cusp_sim_set_message (message, __VA_ARGS__);                                                      \
          return code;                                                                             \
        }                                                                                          \
    }                                                                                              \
  while (0)

static CuspSimStatus
check_root (const CuspSimRootDef *r, char *message)
{
  const double *numbers = &r->annulus_dmin_mm;
  int count = (int) ((const double *) &r->calcium_count - numbers);

  for (int i = 0; i < count; i++)
    CHECK (isfinite (numbers[i]), CUSP_SIM_ERROR_NON_FINITE,
           "root: field %d of the root definition is not a finite number", i);
  CHECK (in_range (r->annulus_dmin_mm, 10.0, 40.0) && in_range (r->annulus_dmax_mm, 10.0, 40.0)
         && r->annulus_dmin_mm <= r->annulus_dmax_mm, CUSP_SIM_ERROR_BAD_ROOT,
         "root: annulus diameters %.3g x %.3g mm must be 10-40 mm with min <= max",
         r->annulus_dmin_mm, r->annulus_dmax_mm);
  CHECK (in_range (r->lvot_diameter_mm, 10.0, 45.0) && in_range (r->lvot_length_mm, 2.0, 30.0),
         CUSP_SIM_ERROR_BAD_ROOT, "root: LVOT diameter 10-45 mm and length 2-30 mm expected");
  CHECK (in_range (r->stj_diameter_mm, 10.0, 50.0) && in_range (r->stj_height_mm, 5.0, 40.0)
         && in_range (r->ascending_length_mm, 5.0, 100.0), CUSP_SIM_ERROR_BAD_ROOT,
         "root: STJ diameter 10-50 mm, STJ height 5-40 mm, aorta length 5-100 mm expected");
  CHECK (in_range (r->sinus_diameter_mm, 0.5 * (r->annulus_dmin_mm + r->annulus_dmax_mm), 70.0),
         CUSP_SIM_ERROR_BAD_ROOT, "root: sinus diameter %.3g mm is below the annulus diameter",
         r->sinus_diameter_mm);
  CHECK (in_range (r->wall_thickness_mm, 0.3, 6.0) && in_range (r->wall_youngs_modulus_mpa, 0.05, 50.0)
         && in_range (r->wall_poisson_ratio, 0.0, 0.499), CUSP_SIM_ERROR_BAD_ROOT,
         "root: wall thickness 0.3-6 mm, E 0.05-50 MPa, Poisson ratio 0-0.499 expected");
  CHECK (in_range (r->calcium_youngs_modulus_mpa, r->wall_youngs_modulus_mpa, 1e5),
         CUSP_SIM_ERROR_BAD_ROOT, "root: calcium must be at least as stiff as the wall");
  CHECK (in_range (r->membranous_septum_length_mm, 0.5, 30.0)
         && in_range (r->septum_half_width_deg, 2.0, 90.0) && in_range (r->leaflet_height_mm, 2.0, 30.0)
         && in_range (r->left_ostium_height_mm, 0.5, 40.0)
         && in_range (r->right_ostium_height_mm, 0.5, 40.0)
         && in_range (r->coronary_diameter_mm, 0.5, 15.0), CUSP_SIM_ERROR_BAD_ROOT,
         "root: septum, leaflet or coronary numbers out of range");
  CHECK (r->calcium_count >= 0 && r->calcium_count <= CUSP_SIM_MAX_CALCIUM, CUSP_SIM_ERROR_BAD_ROOT,
         "root: %d calcium nodules (0-%d allowed)", r->calcium_count, CUSP_SIM_MAX_CALCIUM);
  for (int c = 0; c < r->calcium_count; c++)
    {
      const CuspSimCalcium *ca = &r->calcium[c];
      CHECK (isfinite (ca->theta_deg) && isfinite (ca->height_mm) && isfinite (ca->radius_mm)
             && isfinite (ca->protrusion_mm), CUSP_SIM_ERROR_NON_FINITE,
             "root: calcium nodule %d has a non-finite number", c);
      CHECK (in_range (ca->radius_mm, 0.2, 15.0) && in_range (ca->protrusion_mm, 0.0, 6.0),
             CUSP_SIM_ERROR_BAD_ROOT, "root: calcium nodule %d: radius 0.2-15 mm, protrusion 0-6 mm", c);
    }
  return CUSP_SIM_OK;
}

static CuspSimStatus
check_device (const CuspDeviceDef *d, char *message)
{
  CuspDeviceError err;

  memset (&err, 0, sizeof err);
  CHECK (cusp_device_def_validate (d, d->id[0] ? d->id : NULL, &err) == CUSP_DEVICE_OK,
         err.status == CUSP_DEVICE_ERROR_NOT_A_NUMBER ? CUSP_SIM_ERROR_NON_FINITE
                                                      : CUSP_SIM_ERROR_BAD_DEVICE,
         "device: %s", err.message);
  /* the solver's own limits: a lattice it can hold and a section it can bend */
  CHECK (d->cell_rows >= 1 && d->cell_rows <= 12 && d->cells_per_row >= 3 && d->cells_per_row <= 48,
         CUSP_SIM_ERROR_BAD_DEVICE, "device: %d x %d cells is outside 1-12 rows x 3-48 cells",
         d->cell_rows, d->cells_per_row);
  CHECK (d->strut_thickness_mm < 0.25 * d->nominal_diameter_mm, CUSP_SIM_ERROR_BAD_DEVICE,
         "device: strut thickness %.3g mm is impossible for a %.3g mm frame", d->strut_thickness_mm,
         d->nominal_diameter_mm);
  return CUSP_SIM_OK;
}

static CuspSimStatus
check_pose (const CuspSimPose *p, char *message)
{
  CHECK (isfinite (p->depth_mm) && isfinite (p->tilt_deg) && isfinite (p->rotation_deg),
         CUSP_SIM_ERROR_NON_FINITE, "pose: depth, tilt and rotation must be finite numbers");
  CHECK (fabs (p->tilt_deg) <= 45.0, CUSP_SIM_ERROR_INVALID_ARGUMENT,
         "pose: tilt %.3g deg is beyond +-45 deg", p->tilt_deg);
  CHECK (fabs (p->depth_mm) <= 100.0 && fabs (p->rotation_deg) <= 1e6,
         CUSP_SIM_ERROR_OUTSIDE_LUMEN, "pose: depth %.3g mm puts the valve outside the root",
         p->depth_mm);
  return CUSP_SIM_OK;
}

static CuspSimStatus
check_world_def (const CuspSimWorldDef *d, char *message)
{
  CuspSimStatus st;

  CHECK (isfinite (d->balloon_pressure_mpa) && isfinite (d->residual_tolerance)
         && isfinite (d->max_time_ms) && isfinite (d->wall_angle_step_deg)
         && isfinite (d->wall_height_step_mm) && isfinite (d->gap_height_step_mm)
         && isfinite (d->gap_tolerance_mm), CUSP_SIM_ERROR_NON_FINITE,
         "world: a solver setting is not a finite number");
  CHECK (d->elements_per_strut >= 1 && d->elements_per_strut <= 4, CUSP_SIM_ERROR_INVALID_ARGUMENT,
         "world: elements_per_strut %d is outside 1-4", d->elements_per_strut);
  CHECK (in_range (d->balloon_pressure_mpa, 0.05, 2.0), CUSP_SIM_ERROR_INVALID_ARGUMENT,
         "world: balloon pressure %.3g MPa is outside 0.05-2", d->balloon_pressure_mpa);
  CHECK (in_range (d->residual_tolerance, 1e-12, 1e-2) && d->max_iterations >= 1
         && d->max_iterations <= 100000 && d->max_time_ms >= 0.0, CUSP_SIM_ERROR_INVALID_ARGUMENT,
         "world: tolerance 1e-12..1e-2, iterations >= 1 and time budget >= 0 expected");
  CHECK (in_range (d->wall_angle_step_deg, 0.5, 10.0) && in_range (d->wall_height_step_mm, 0.1, 2.0)
         && d->gap_angle_count >= 8 && d->gap_angle_count <= 720
         && in_range (d->gap_height_step_mm, 0.1, 2.0) && in_range (d->gap_tolerance_mm, 0.0, 2.0),
         CUSP_SIM_ERROR_INVALID_ARGUMENT, "world: grid steps or gap settings out of range");
  CHECK (d->thread_count >= 0 && d->thread_count <= 2, CUSP_SIM_ERROR_INVALID_ARGUMENT,
         "world: thread_count %d is outside 1-2", d->thread_count);
  if ((st = check_root (&d->root, message)) != CUSP_SIM_OK)
    return st;
  if ((st = check_device (&d->device, message)) != CUSP_SIM_OK)
    return st;
  return check_pose (&d->pose, message);
}

/* ---- posing -------------------------------------------------------------------------------- */

/* root = Rx(tilt) (Rz(rotation) local + (0, 0, -depth)) */
static void
pose_transform (const CuspSimPose *p, double *q, double *shift)
{
  double rz[9], rx[9], wz[3] = { 0.0, 0.0, p->rotation_deg * DEG }, wx[3] = { p->tilt_deg * DEG, 0.0, 0.0 };
  double down[3] = { 0.0, 0.0, -p->depth_mm };

  cusp_m3_from_rotvec (wz, rz);
  cusp_m3_from_rotvec (wx, rx);
  cusp_m3_mul (rx, rz, q);
  for (int i = 0; i < 3; i++)
    shift[i] = rx[3 * i] * down[0] + rx[3 * i + 1] * down[1] + rx[3 * i + 2] * down[2];
}

static void
to_root (const CuspSimWorld *w, const double *local, double *root)
{
  for (int i = 0; i < 3; i++)
    root[i] = w->pose_rot[3 * i] * local[0] + w->pose_rot[3 * i + 1] * local[1]
              + w->pose_rot[3 * i + 2] * local[2] + w->pose_shift[i];
}

static void
to_local (const CuspSimWorld *w, const double *root, double *local)
{
  double v[3] = { root[0] - w->pose_shift[0], root[1] - w->pose_shift[1], root[2] - w->pose_shift[2] };

  for (int i = 0; i < 3; i++)
    local[i] = w->pose_rot[i] * v[0] + w->pose_rot[3 + i] * v[1] + w->pose_rot[6 + i] * v[2];
}

/* R_local = Q^T R Q and back */
static void
rot_to_local (const CuspSimWorld *w, const double *r, double *out)
{
  double t[9];

  cusp_m3_tmul (w->pose_rot, r, t);
  cusp_m3_mul (t, w->pose_rot, out);
}

static void
rot_to_root (const CuspSimWorld *w, const double *r, double *out)
{
  double t[9], qt[9];

  cusp_m3_mul (w->pose_rot, r, t);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      qt[3 * i + j] = w->pose_rot[3 * j + i];
  cusp_m3_mul (t, qt, out);
}

static void
save_state (CuspSimWorld *w, double *x_local, double *rot_local)
{
  for (int i = 0; i < w->s.node_count; i++)
    {
      to_local (w, w->s.x + 3 * i, x_local + 3 * i);
      rot_to_local (w, w->s.rot + 9 * i, rot_local + 9 * i);
    }
}

static void
load_state (CuspSimWorld *w, const double *x_local, const double *rot_local)
{
  for (int i = 0; i < w->s.node_count; i++)
    {
      to_root (w, x_local + 3 * i, w->s.x + 3 * i);
      rot_to_root (w, rot_local + 9 * i, w->s.rot + 9 * i);
    }
}

/* The balloon's first guess: the frame at nominal, where the balloon will hold it. */
static void
load_reference_state (CuspSimWorld *w)
{
  memcpy (w->s.x, w->s.x0, (size_t) w->s.node_count * 3 * sizeof (double));
  for (int i = 0; i < w->s.node_count; i++)
    cusp_m3_identity (w->s.rot + 9 * i);
}

/* The released frame's first guess: the nominal frame, pulled in to the wall where it overlaps. */
static void
load_fitted_state (CuspSimWorld *w)
{
  double half_t = 0.5 * w->s.strut.thickness_mm;

  for (int i = 0; i < w->s.node_count; i++)
    {
      double *x = w->s.x + 3 * i, rw, kw, r;
      memcpy (x, w->s.x0 + 3 * i, 3 * sizeof (double));
      cusp_m3_identity (w->s.rot + 9 * i);
      r = hypot (x[0], x[1]);
      if (r > 1e-9 && cusp_sim_wall_sample (&w->wall, atan2 (x[1], x[0]), x[2], &rw, &kw)
          && r + half_t > rw)
        {
          double f = (rw - half_t) / r;
          x[0] *= f;
          x[1] *= f;
        }
    }
}

/* Two nodes of the middle crown level, half a turn apart, held circumferentially, the first also
 * axially: the catheter's hold. Uniform expansion moves neither, so they hold only the rigid
 * spin and slide; foreshortening happens about the middle level. */
static void
set_pins (CuspSimWorld *w)
{
  int mid = (w->lattice.levels - 1) / 2, first = -1, second = -1;
  double best = 1e9;

  for (int i = 0; i < w->s.node_count; i++)
    if (w->level[i] == mid && first < 0)
      first = i;
  for (int i = 0; i < w->s.node_count; i++)
    if (w->level[i] == mid)
      {
        double d = fabs (remainder (w->theta_ref[i] - w->theta_ref[first] - M_PI, 2.0 * M_PI));
        if (d < best)
          {
            best = d;
            second = i;
          }
      }
  w->s.pin_count = 3;
  w->s.pin_n_per_mm = PIN_N_PER_MM;
  for (int k = 0; k < 3; k++)
    {
      int i = k == 1 ? second : first;
      double th = w->theta_ref[i], local[3], zero[3] = { 0.0, 0.0, 0.0 }, a[3], b[3];
      if (k == 2)
        {
          local[0] = 0.0;
          local[1] = 0.0;
          local[2] = 1.0;
        }
      else
        {
          local[0] = -sin (th);
          local[1] = cos (th);
          local[2] = 0.0;
        }
      to_root (w, local, a);
      to_root (w, zero, b);
      w->s.pin_node[k] = i;
      for (int c = 0; c < 3; c++)
        w->s.pin_dir[k][c] = a[c] - b[c];
    }
}

/* Places the reference frame at the pose: positions, beam triads, tether, balloon axis. Checks
 * that every crown level's axis point with the crimped frame around it is inside the lumen. */
static CuspSimStatus
apply_pose (CuspSimWorld *w, const CuspSimPose *pose)
{
  double q[9], shift[3], old_q[9], old_shift[3];
  double crimped_r = 0.5 * w->def.device.crimped_diameter_mm;
  double z_lo = w->wall.height0_mm, z_hi = z_lo + (w->wall.height_count - 1) * w->wall.height_step_mm;

  pose_transform (pose, q, shift);
  memcpy (old_q, w->pose_rot, sizeof old_q);
  memcpy (old_shift, w->pose_shift, sizeof old_shift);
  memcpy (w->pose_rot, q, sizeof q);
  memcpy (w->pose_shift, shift, sizeof shift);

  for (int i = 0; i < w->s.node_count; i++)
    {
      double p[3];
      to_root (w, w->x_nominal_local + 3 * i, p);
      if (!(p[2] >= z_lo && p[2] <= z_hi))
        {
          cusp_sim_set_message (w->message, "the frame reaches z = %.1f mm, outside the modelled root "
                       "(%.1f to %.1f mm about the annulus)", p[2], z_lo, z_hi);
          goto outside;
        }
    }
  for (int l = 0; l < w->lattice.levels; l++)
    {
      double local[3] = { 0.0, 0.0, l * w->lattice.height_mm / (w->lattice.levels - 1) }, c[3];
      double rw = 1e9;
      to_root (w, local, c);
      for (int a = 0; a < 36; a++)
        {
          double th = 2.0 * M_PI * a / 36, r, k;
          if (cusp_sim_wall_sample (&w->wall, th, c[2], &r, &k) && r < rw)
            rw = r;
        }
      if (hypot (c[0], c[1]) + crimped_r >= rw)
        {
          cusp_sim_set_message (w->message, "the crimped valve does not fit in the lumen at z = %.1f mm: "
                       "it sits %.1f mm off the root axis in a lumen of radius %.1f mm",
                       c[2], hypot (c[0], c[1]), rw);
          goto outside;
        }
    }

  for (int i = 0; i < w->s.node_count; i++)
    {
      to_root (w, w->x_nominal_local + 3 * i, w->s.x0 + 3 * i);
      memcpy (w->s.tether_target + 3 * i, w->s.x0 + 3 * i, 3 * sizeof (double));
    }
  set_pins (w);
  for (int e = 0; e < w->s.beam_count; e++)
    cusp_m3_mul (q, w->triad_local + 9 * e, w->s.beam[e].triad0);
  memcpy (w->s.balloon_origin, shift, sizeof shift);
  for (int i = 0; i < 3; i++)
    w->s.balloon_axis[i] = q[3 * i + 2];
  return CUSP_SIM_OK;

outside:
  memcpy (w->pose_rot, old_q, sizeof old_q);
  memcpy (w->pose_shift, old_shift, sizeof old_shift);
  return CUSP_SIM_ERROR_OUTSIDE_LUMEN;
}

/* ---- creation ------------------------------------------------------------------------------ */

CuspSimWorld *
cusp_sim_world_create (const CuspSimWorldDef *def, CuspSimStatus *status, char *message)
{
  CuspSimWorld *w;
  CuspSimStatus st;
  const CuspDeviceDef *dev;
  int nodes, beams, n, wall_a, wall_h, gap_h;
  double t, e_mpa;

  if (def == NULL)
    {
      cusp_sim_set_message (message, "world: no definition given");
      if (status)
        *status = CUSP_SIM_ERROR_INVALID_ARGUMENT;
      return NULL;
    }
  if ((st = check_world_def (def, message)) != CUSP_SIM_OK)
    {
      if (status)
        *status = st;
      return NULL;
    }
  w = calloc (1, sizeof *w);
  if (w == NULL)
    goto no_memory;
  w->def = *def;
  dev = &w->def.device;
  t = dev->strut_thickness_mm;
  w->self_expanding = dev->family != CUSP_DEVICE_FAMILY_BALLOON_EXPANDABLE;

  cusp_sim_frame_lattice (dev, w->def.elements_per_strut, &w->lattice);
  cusp_sim_frame_counts (&w->lattice, &nodes, &beams);
  if (nodes > MAX_NODES)
    {
      cusp_sim_set_message (message, "device: %d frame nodes is more than the solver holds (%d)", nodes,
                   MAX_NODES);
      if (status)
        *status = CUSP_SIM_ERROR_BAD_DEVICE;
      free (w);
      return NULL;
    }
  if (!cusp_sim_structure_alloc (&w->s, nodes, beams))
    goto no_memory;
  /* a helper thread that cannot start leaves the world on one thread: the same results */
  cusp_sim_structure_set_threads (&w->s, w->def.thread_count);
  e_mpa = dev->material.youngs_modulus_pa * 1e-6;
  w->s.strut.width_mm = dev->strut_width_mm;
  w->s.strut.thickness_mm = t;
  w->s.strut.youngs_modulus_mpa = e_mpa;
  w->s.strut.shear_modulus_mpa = e_mpa / (2.0 * (1.0 + dev->material.poisson_ratio));
  w->law_deployed = cusp_sim_law_for_material (&dev->material, 1);
  w->s.strut.law = w->law_deployed;
  /* in-plane bending: the width is the depth, the thickness runs across */
  w->yield_moment_nmm = cusp_sim_section_yield_moment (&w->law_deployed, t, dev->strut_width_mm);
  w->plastic_moment_nmm = cusp_sim_section_moment (&w->law_deployed, t, dev->strut_width_mm,
                                                   20.0 * w->law_deployed.strain[0]
                                                   / (0.5 * dev->strut_width_mm));
  w->theta_ref = calloc ((size_t) nodes, sizeof (double));
  w->z_ref = calloc ((size_t) nodes, sizeof (double));
  w->radius_ref = calloc ((size_t) nodes, sizeof (double));
  w->level = calloc ((size_t) nodes, sizeof (int));
  w->x_nominal_local = calloc ((size_t) nodes * 3, sizeof (double));
  w->triad_local = calloc ((size_t) beams * 9, sizeof (double));
  w->balloon_x_local = calloc ((size_t) nodes * 3, sizeof (double));
  w->balloon_rot_local = calloc ((size_t) nodes * 9, sizeof (double));
  w->final_x_local = calloc ((size_t) nodes * 3, sizeof (double));
  w->final_rot_local = calloc ((size_t) nodes * 9, sizeof (double));
  w->node_cyl = calloc ((size_t) nodes * 3, sizeof (double));
  if (!w->theta_ref || !w->z_ref || !w->radius_ref || !w->level || !w->x_nominal_local
      || !w->triad_local || !w->balloon_x_local || !w->balloon_rot_local || !w->final_x_local
      || !w->final_rot_local || !w->node_cyl)
    goto no_memory;
  cusp_sim_frame_build (&w->s, &w->lattice, w->theta_ref, w->z_ref, w->radius_ref, w->level);
  cusp_sim_structure_finish (&w->s);
  w->bands[0] = w->s.band;
  for (int k = 1; k < 3; k++)
    {
      w->bands[k] = calloc ((size_t) nodes * 6 * (size_t) (w->s.half_band + 1), sizeof (double));
      if (w->bands[k] == NULL)
        goto no_memory;
    }
  w->band_slot = 0;
  memcpy (w->x_nominal_local, w->s.x0, (size_t) nodes * 3 * sizeof (double));
  for (int e = 0; e < beams; e++)
    memcpy (w->triad_local + 9 * e, w->s.beam[e].triad0, 9 * sizeof (double));
  for (int i = 0; i < nodes; i++)
    {
      w->s.balloon_radius_mm[i] = w->radius_ref[i];
      w->s.balloon_cap_n[i] = w->def.balloon_pressure_mpa * w->s.area_mm2[i];
    }
  w->s.tether_n_per_mm = TETHER_N_PER_MM;

  wall_a = (int) lround (360.0 / w->def.wall_angle_step_deg);
  if (w->def.use_lumen_mesh)
    {
      double z0, z1;
      if ((st = cusp_sim_mesh_check (&w->def.lumen, &z0, &z1, message)) != CUSP_SIM_OK)
        goto refused;
      wall_h = (int) lround ((z1 - z0) / w->def.wall_height_step_mm) + 1;
      if (wall_h < 2 || wall_h > 4000 || !cusp_sim_wall_alloc (&w->wall, wall_a, wall_h))
        goto no_memory;
      if ((st = cusp_sim_wall_fill_mesh (&w->wall, &w->def.lumen, z0, z1, message)) != CUSP_SIM_OK)
        goto refused;
      cusp_sim_wall_finish (&w->wall, &w->def.root);
    }
  else
    {
      wall_h = (int) lround ((w->def.root.lvot_length_mm + w->def.root.stj_height_mm
                              + w->def.root.ascending_length_mm) / w->def.wall_height_step_mm) + 1;
      if (!cusp_sim_wall_alloc (&w->wall, wall_a, wall_h))
        goto no_memory;
      cusp_sim_wall_fill_root (&w->wall, &w->def.root);
    }
  memset (&w->def.lumen, 0, sizeof w->def.lumen);     /* borrowed: not kept past creation */
  w->s.wall = &w->wall;

  n = w->def.gap_angle_count;
  gap_h = (int) ceil (dev->skirt_height_mm / w->def.gap_height_step_mm) + 1;
  w->gap_height_count = gap_h;
  w->gap_mm = calloc ((size_t) gap_h * n, sizeof (double));
  w->wall_pressure_pa = calloc ((size_t) wall_a * wall_h, sizeof (double));
  if (!w->gap_mm || !w->wall_pressure_pa)
    goto no_memory;

  cusp_m3_identity (w->pose_rot);
  if (status)
    *status = CUSP_SIM_OK;
  return w;

no_memory:
  cusp_sim_set_message (message, "world: out of memory");
  st = CUSP_SIM_ERROR_NO_MEMORY;
refused:
  if (status)
    *status = st;
  cusp_sim_world_destroy (w);
  return NULL;
}

void
cusp_sim_world_destroy (CuspSimWorld *w)
{
  if (w == NULL)
    return;
  if (w->bands[0] != NULL)
    w->s.band = w->bands[0];                       /* the structure frees its own band */
  free (w->bands[1]);
  free (w->bands[2]);
  cusp_sim_structure_free (&w->s);
  cusp_sim_wall_free (&w->wall);
  free (w->theta_ref);
  free (w->z_ref);
  free (w->radius_ref);
  free (w->level);
  free (w->x_nominal_local);
  free (w->triad_local);
  free (w->balloon_x_local);
  free (w->balloon_rot_local);
  free (w->final_x_local);
  free (w->final_rot_local);
  free (w->node_cyl);
  free (w->gap_mm);
  free (w->wall_pressure_pa);
  free (w);
}

void
cusp_sim_world_set_budget (CuspSimWorld *w, int max_iterations, double max_time_ms)
{
  if (w == NULL || max_iterations < 1 || !(max_time_ms >= 0.0) || !isfinite (max_time_ms))
    return;
  w->def.max_iterations = max_iterations;
  w->def.max_time_ms = max_time_ms;
}

void
cusp_sim_world_set_skip_unconverged_outputs (CuspSimWorld *w, int skip)
{
  if (w != NULL)
    w->skip_unconverged_outputs = skip != 0;
}

void
cusp_sim_world_compute_outputs (CuspSimWorld *w)
{
  double t0;

  if (w == NULL)
    return;
  t0 = cusp_sim_now_ms ();
  cusp_sim_outputs_compute (w);
  w->result.profile.outputs_ms = cusp_sim_now_ms () - t0;
}

void
cusp_sim_world_reset (CuspSimWorld *w)
{
  if (w == NULL)
    return;
  w->have_balloon_state = 0;
  w->have_final_state = 0;
  w->have_pose = 0;
  w->phase = CUSP_SIM_PHASE_COLD;
  w->s.factor_valid = 0;                           /* forget every kept factor */
  for (int k = 0; k < 3; k++)
    w->band_valid[k] = 0;
}

const CuspSimResult *
cusp_sim_world_result (const CuspSimWorld *w)
{
  return w != NULL ? &w->result : NULL;
}

const char *
cusp_sim_world_message (const CuspSimWorld *w)
{
  return w != NULL ? w->message : "no world";
}

uint64_t
cusp_sim_world_state_hash (const CuspSimWorld *w)
{
  uint64_t h = 1469598103934665603ull;                  /* FNV-1a 64 */
  const unsigned char *p;
  size_t len;

  if (w == NULL)
    return 0;
  p = (const unsigned char *) w->s.x;
  len = (size_t) w->s.node_count * 3 * sizeof (double);
  for (size_t i = 0; i < len; i++)
    h = (h ^ p[i]) * 1099511628211ull;
  p = (const unsigned char *) w->s.rot;
  len = (size_t) w->s.node_count * 9 * sizeof (double);
  for (size_t i = 0; i < len; i++)
    h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

/* ---- deployment ---------------------------------------------------------------------------- */

/* Elastic local forces of the expansion response (state in x_trial / rot_trial vs x / rot). */
static void
opening_forces (const CuspSimStructure *s, const CuspSimBeam *b, double *st)
{
  double d[6], sl[6], dt[6], dd[6];

  cusp_sim_beam_eval (s, b, s->x, s->rot, d, sl, NULL, NULL);
  cusp_sim_beam_eval (s, b, s->x_trial, s->rot_trial, dt, sl, NULL, NULL);
  for (int k = 0; k < 6; k++)
    dd[k] = dt[k] - d[k];
  cusp_sim_beam_elastic (s, b, dd, st);
}

/* End of the balloon phase: every beam keeps its phase-1 state (d1, s1) and unloads elastically
 * from it. On top, the crowns carry the plastic moment of the expansion: the moment field of a
 * uniform radial expansion (the tangent's response to equal outward loads on every node), scaled
 * so its largest in-plane moment is M_p. */
static int
set_unloading (CuspSimWorld *w)
{
  CuspSimStructure *s = &w->s;
  double biggest = 0.0, lambda;

  memset (s->fext, 0, (size_t) s->node_count * 6 * sizeof (double));
  for (int i = 0; i < s->node_count; i++)
    {
      double v[3] = { s->x[3 * i] - s->balloon_origin[0], s->x[3 * i + 1] - s->balloon_origin[1],
                      s->x[3 * i + 2] - s->balloon_origin[2] };
      double along = cusp_v3_dot (v, s->balloon_axis);
      for (int c = 0; c < 3; c++)
        v[c] -= along * s->balloon_axis[c];
      cusp_v3_normalize (v);
      for (int c = 0; c < 3; c++)
        s->fext[6 * i + c] = v[c];
    }
  {
    const CuspSimWall *wall = s->wall;
    int balloon = s->balloon_on;
    int ok;
    s->wall = NULL;                                  /* the free frame's own response */
    s->balloon_on = 0;
    ok = cusp_sim_structure_linear_response (s, s->fext, s->delta);
    s->wall = wall;
    s->balloon_on = balloon;
    memset (s->fext, 0, (size_t) s->node_count * 6 * sizeof (double));
    if (!ok)
      return 0;
  }
  for (int i = 0; i < s->node_count; i++)       /* the response, composed like a Newton step */
    {
      double wv[3] = { s->delta[6 * i + 3], s->delta[6 * i + 4], s->delta[6 * i + 5] }, dr[9];
      for (int c = 0; c < 3; c++)
        s->x_trial[3 * i + c] = s->x[3 * i + c] + s->delta[6 * i + c];
      cusp_m3_from_rotvec (wv, dr);
      cusp_m3_mul (dr, s->rot + 9 * i, s->rot_trial + 9 * i);
    }
  for (int e = 0; e < s->beam_count; e++)
    {
      double st[6];
      opening_forces (s, &s->beam[e], st);
      if (fabs (st[4]) > biggest)
        biggest = fabs (st[4]);
      if (fabs (st[5]) > biggest)
        biggest = fabs (st[5]);
    }
  if (!(biggest > 0.0))
    return 0;
  lambda = w->plastic_moment_nmm / biggest;
  for (int e = 0; e < s->beam_count; e++)
    {
      CuspSimBeam *b = &s->beam[e];
      double d[6], sl[6], st[6];
      opening_forces (s, b, st);
      cusp_sim_beam_eval (s, b, s->x, s->rot, d, sl, NULL, NULL);
      for (int k = 0; k < 6; k++)
        b->s1[k] = sl[k] + lambda * st[k];
      memcpy (b->d1, d, sizeof d);
      b->unloading = 1;
    }
  return 1;
}

/* Makes band `slot` the structure's band, keeping whether each holds a usable factor. */
static void
use_band (CuspSimWorld *w, int slot)
{
  w->band_valid[w->band_slot] = w->s.factor_valid;
  w->band_slot = slot;
  w->s.band = w->bands[slot];
  w->s.factor_valid = w->band_valid[slot];
}

static void
start_phases (CuspSimWorld *w)
{
  use_band (w, w->self_expanding ? 1 : 0);
  for (int e = 0; e < w->s.beam_count; e++)
    w->s.beam[e].unloading = 0;
  cusp_sim_structure_unstick (&w->s);
  if (w->self_expanding)
    {
      w->phase = CUSP_SIM_PHASE_RELEASED;
      w->s.balloon_on = 0;
      /* released where the catheter puts it: the frame sticks to the wall at its posed place */
      load_fitted_state (w);
      cusp_sim_structure_stick (&w->s);
      if (w->have_final_state)
        load_state (w, w->final_x_local, w->final_rot_local);
    }
  else
    {
      w->phase = CUSP_SIM_PHASE_BALLOON;
      w->s.balloon_on = 1;
      if (w->have_balloon_state)
        load_state (w, w->balloon_x_local, w->balloon_rot_local);
      else
        load_reference_state (w);
    }
}

CuspSimStatus
cusp_sim_world_solve (CuspSimWorld *w, const CuspSimPose *pose_in)
{
  CuspSimResult *res;
  CuspSimPose pose;
  CuspSimStatus st = CUSP_SIM_OK;
  double t0 = cusp_sim_now_ms (), t1;
  int budget;

  if (w == NULL)
    return CUSP_SIM_ERROR_INVALID_ARGUMENT;
  res = &w->result;
  memset (&res->profile, 0, sizeof res->profile);
  pose = pose_in != NULL ? *pose_in : w->def.pose;
  if ((st = check_pose (&pose, w->message)) != CUSP_SIM_OK)
    {
      res->status = st;
      return st;
    }
  if (!w->have_pose || memcmp (&pose, &w->pose, sizeof pose) != 0
      || w->phase == CUSP_SIM_PHASE_COLD)
    {
      if ((st = apply_pose (w, &pose)) != CUSP_SIM_OK)
        {
          res->status = st;
          return st;
        }
      w->pose = pose;
      w->have_pose = 1;
      start_phases (w);
      res->total_iterations = 0;
    }
  t1 = cusp_sim_now_ms ();
  res->profile.pose_ms = t1 - t0;
  res->iterations = 0;
  res->factorizations = 0;
  budget = w->def.max_iterations;
  while (w->phase != CUSP_SIM_PHASE_DONE && budget > 0)
    {
      CuspSimSolveInfo info;
      double left_ms = 0.0;

      if (w->def.max_time_ms > 0.0)
        {
          left_ms = w->def.max_time_ms - (cusp_sim_now_ms () - t0);
          if (left_ms <= 0.0)
            break;
        }
      st = cusp_sim_structure_solve (&w->s, budget, left_ms, w->def.residual_tolerance, &info);
      res->iterations += info.iterations;
      res->factorizations += info.iterations - info.reused;
      res->residual = info.residual;
      res->profile.assemble_ms += info.assemble_ms;
      res->profile.factor_ms += info.factor_ms;
      res->profile.line_search_ms += info.line_search_ms;
      budget -= info.iterations;
      if (st != CUSP_SIM_OK)
        {
          cusp_sim_set_message (w->message, "the solve stopped: %s (after %d iterations)",
                       cusp_sim_error_string (st), res->iterations);
          cusp_sim_world_reset (w);                /* never warm-start from a broken state */
          res->status = st;
          res->converged = 0;
          return st;
        }
      if (!info.converged)
        break;
      if (w->phase == CUSP_SIM_PHASE_BALLOON)
        {
          save_state (w, w->balloon_x_local, w->balloon_rot_local);
          w->have_balloon_state = 1;
          use_band (w, 2);
          if (!set_unloading (w))
            {
              cusp_sim_set_message (w->message, "the frame's expansion response is singular");
              cusp_sim_world_reset (w);
              res->status = CUSP_SIM_ERROR_SINGULAR;
              return res->status;
            }
          w->s.balloon_on = 0;
          use_band (w, 1);
          /* the frame sticks to the wall where the balloon left it */
          cusp_sim_structure_stick (&w->s);
          if (w->have_final_state)
            load_state (w, w->final_x_local, w->final_rot_local);
          w->phase = CUSP_SIM_PHASE_RECOIL;
        }
      else
        {
          save_state (w, w->final_x_local, w->final_rot_local);
          w->have_final_state = 1;
          w->phase = CUSP_SIM_PHASE_DONE;
        }
    }
  res->total_iterations += res->iterations;
  res->converged = w->phase == CUSP_SIM_PHASE_DONE;
  res->status = CUSP_SIM_OK;
  if (res->converged || !w->skip_unconverged_outputs)
    cusp_sim_world_compute_outputs (w);
  res->profile.total_ms = cusp_sim_now_ms () - t0;
  res->solve_ms = res->profile.total_ms;
  if (res->converged)
    cusp_sim_set_message (w->message, "converged in %d iterations", res->total_iterations);
  else
    cusp_sim_set_message (w->message, "not converged yet: residual %.3g after %d iterations",
                 res->residual, res->total_iterations);
  return CUSP_SIM_OK;
}
