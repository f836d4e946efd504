/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-structure.h: the solver's inner layer (private to sim/, used by the world and by the
 * validation tests): a beam structure with 6 dof per node, a wall to press on, a balloon, and the
 * Newton solve. Units mm, N, MPa. */
#pragma once

#include "cusp-sim.h"
#include "cusp-sim-material.h"
#include "cusp-sim-pool.h"

/* Lumen radius and Winkler modulus on a (theta, z) grid of the root frame. Angle index wraps. */
typedef struct {
  int angle_count;
  int height_count;
  double height0_mm;
  double height_step_mm;
  double *radius_mm;                 /* [height][angle] free lumen radius */
  double *modulus_mpa_per_mm;        /* [height][angle] Winkler modulus k = p / u */
  double *calcium;                   /* [height][angle] 0..1: calcium share of the patch */
} CuspSimWall;

/* Lame thick tube: k = E (b^2 - a^2) / (a ((1 - nu) a^2 + (1 + nu) b^2)), b = a + t. */
double cusp_sim_wall_lame_modulus (double radius_mm, double thickness_mm, double youngs_modulus_mpa,
                                   double poisson_ratio);
int cusp_sim_wall_alloc (CuspSimWall *wall, int angle_count, int height_count);
void cusp_sim_wall_free (CuspSimWall *wall);
/* A straight tube from z0 to z1. */
void cusp_sim_wall_fill_tube (CuspSimWall *wall, double radius_mm, double thickness_mm,
                              double youngs_modulus_mpa, double poisson_ratio, double z0_mm,
                              double z1_mm);
/* The analytic root (cusp-sim-root.c). */
void cusp_sim_wall_fill_root (CuspSimWall *wall, const CuspSimRootDef *root);
/* Calcium bumps and the Lame modulus over a filled radius grid. */
void cusp_sim_wall_finish (CuspSimWall *wall, const CuspSimRootDef *root);
/* A lumen surface (cusp-sim-mesh.c): checks it, finds its height range (z0, z1). */
CuspSimStatus cusp_sim_mesh_check (const CuspSimLumenMesh *mesh, double *z0_mm, double *z1_mm,
                                   char *message);
/* Casts one ray per grid cell from the axis; fails if a ray finds no wall (a hole) or more than
 * one (a fold or a self-intersection: the wall is then not a radius field). */
CuspSimStatus cusp_sim_wall_fill_mesh (CuspSimWall *wall, const CuspSimLumenMesh *mesh,
                                       double z0_mm, double z1_mm, char *message);
/* Bilinear sample; returns 0 (and leaves the outputs alone) outside the grid's heights. */
int cusp_sim_wall_sample (const CuspSimWall *wall, double theta_rad, double z_mm,
                          double *radius_mm, double *modulus_mpa_per_mm);
/* The same with the radius' slopes (mm per rad, mm per mm). */
int cusp_sim_wall_sample_gradient (const CuspSimWall *wall, double theta_rad, double z_mm,
                                   double *radius_mm, double *modulus_mpa_per_mm,
                                   double *dr_dtheta, double *dr_dz);

typedef struct {
  int a, b;
  double length0_mm;
  double triad0[9];                  /* reference e1 e2 e3 as columns; e3 radial-ish */
  int unloading;                     /* 1: linear about (d1, s1), see the essay */
  double d1[6];                      /* [axial, twist, th_a2, th_b2, th_a3, th_b3] */
  double s1[6];                      /* [N, T, M_a2, M_b2, M_a3, M_b3] */
} CuspSimBeam;

typedef struct {
  double width_mm;                   /* in-surface: depth for bending about e3 */
  double thickness_mm;               /* radial: depth for bending about e2 */
  double youngs_modulus_mpa;
  double shear_modulus_mpa;
  CuspSimLaw law;
} CuspSimStrut;

typedef struct {
  int converged;
  int iterations;
  int fallbacks;                     /* iterations that fell back to the analytic tangent */
  int stalled;                       /* stopped: no step lowered the residual */
  int reused;                        /* iterations that reused the previous factor */
  double residual;
  double factor_ms;
  double assemble_ms;
  double line_search_ms;
} CuspSimSolveInfo;

/* Everything is allocated by cusp_sim_structure_alloc; solves allocate nothing. Hot state per
 * node: x (24 B), rot (72 B), forces (48 B); per beam 160 B. */
typedef struct {
  int node_count;
  int beam_count;
  CuspSimStrut strut;
  double *x0;                        /* [n][3] reference positions */
  double *x;                         /* [n][3] current positions */
  double *rot;                       /* [n][9] nodal rotations from the reference */
  double *area_mm2;                  /* [n] share of the wall patch a node bears on */
  double *fext;                      /* [n][6] external loads, N and N mm */
  unsigned char *fixed;              /* [n][6] 1 = held at its reference value */
  double *tether_target;             /* [n][3] */
  double tether_n_per_mm;
  double *balloon_radius_mm;         /* [n] centroid radius the balloon drives a node to */
  double *balloon_cap_n;             /* [n] the most the balloon can push that node */
  int balloon_on;
  double balloon_ramp_mm;            /* force goes 0 -> cap over this distance */
  double balloon_origin[3];          /* the balloon's axis: it pushes away from it */
  double balloon_axis[3];            /* unit */
  const CuspSimWall *wall;           /* NULL: no wall */
  double contact_smooth_mm;          /* the overlap over which contact force is rounded in */
  double *stick_n_per_mm;            /* [n] sticking friction: a spring in the wall's tangent */
  double *stick_anchor;              /* [n][3] plane to where the node stood; 0 = none */
  int pin_count;                     /* springs along a direction at single nodes: the delivery */
  int pin_node[4];                   /* system holding spin and axial slide, which frictionless */
  double pin_dir[4][3];              /* radial contact leaves free */
  double pin_n_per_mm;
  CuspSimBeam *beam;

  /* arena */
  int half_band;                     /* in dofs */
  double *band;                      /* [6n][half_band + 1] lower band, see cusp_sim_band_factor */
  int factor_valid;                  /* band holds the factor of a tangent of this phase's problem;
                                      * cleared when the problem changes (phase, reset) */
  double *residual;                  /* [6n] */
  double *delta;                     /* [6n] */
  double *x_trial;                   /* [n][3] */
  double *rot_trial;                 /* [n][9] */
  double *contact_n;                 /* [n] radial contact force of the last evaluation */
  double *balloon_n;                 /* [n] */
  double contact_total_n;
  /* The per-element terms of an evaluation, each computed on its own (on either thread) and
   * then added in element order, so two threads give the same bits as one */
  CuspSimPool *pool;                 /* NULL: one thread */
  double *beam_terms;                /* [beams][12 + 144] internal forces, tangent */
  double *node_terms;                /* [n][14] load, k3, contact force, balloon force */
} CuspSimStructure;

int cusp_sim_structure_alloc (CuspSimStructure *s, int node_count, int beam_count);
void cusp_sim_structure_free (CuspSimStructure *s);
/* 1: evaluate on the calling thread only; 2: with a helper thread (same results to the bit).
 * Returns 0 if the thread could not start (the structure then stays on one thread). */
int cusp_sim_structure_set_threads (CuspSimStructure *s, int thread_count);
/* Computes reference lengths and triads (after x0 and the beam ends are set), the band width and
 * resets x = x0, rot = I. `radial_hint` chooses e3: 1 = the root-frame radial direction. */
void cusp_sim_structure_finish (CuspSimStructure *s);
/* Makes the current state the new reference shape of every beam without stress. */
void cusp_sim_structure_rebase (CuspSimStructure *s);

/* Beam kernel (cusp-sim-beam.c): local deformations d and forces s of beam `e` at state (x, rot);
 * if `ke` is not NULL, the 12 x 12 tangent [xa wa xb wb] and `fe` the 12 internal forces. */
void cusp_sim_beam_eval (const CuspSimStructure *s, const CuspSimBeam *beam, const double *x,
                         const double *rot, double *d, double *sl, double *fe, double *ke);
/* The symmetric consistent tangent by central differences (12 x 12, [xa wa xb wb]). */
void cusp_sim_beam_tangent (const CuspSimStructure *s, const CuspSimBeam *beam, const double *x,
                            const double *rot, double *ke);
/* The local elastic stiffness applied to d (used for unloading). */
void cusp_sim_beam_elastic (const CuspSimStructure *s, const CuspSimBeam *beam, const double *d,
                            double *sl);

/* Newton solve to ||r|| / reference <= tolerance or the budget. */
CuspSimStatus cusp_sim_structure_solve (CuspSimStructure *s, int max_iterations,
                                        double max_time_ms, double tolerance,
                                        CuspSimSolveInfo *info);
/* Linear response of the current state's tangent to `load` ([n][6]): delta = K^-1 load. The wall
 * and balloon terms are included as they are set; returns 0 if K is not positive definite. */
int cusp_sim_structure_linear_response (CuspSimStructure *s, const double *load, double *delta);

/* Sticking friction for the nodes in contact now: each gets a tangential spring as stiff as its
 * wall contact, anchored where it stands (the set is frozen so the residual stays smooth). */
void cusp_sim_structure_stick (CuspSimStructure *s);
void cusp_sim_structure_unstick (CuspSimStructure *s);

/* Residual norm of the current state (also fills contact_n). */
double cusp_sim_structure_residual (CuspSimStructure *s, double *reference_n);

/* Banded Cholesky (cusp-sim-band.c): a[i][p], p = 0..hb, holds A(i, i - hb + p) (the diagonal
 * at p = hb). Returns 0 if not positive definite. */
int cusp_sim_band_factor (double *a, int n, int hb);
void cusp_sim_band_solve (const double *a, int n, int hb, double *b);

double cusp_sim_now_ms (void);

/* vsnprintf into a CUSP_SIM_MESSAGE_MAX buffer; NULL-safe (cusp-sim-world.c). */
void cusp_sim_set_message (char *buffer, const char *format, ...)
  __attribute__ ((format (printf, 2, 3)));
