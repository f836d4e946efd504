/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim.h: the embedded structural solver: deploy a parametric valve frame into an aortic root
 * and report the mechanical outputs (frame diameters, wall contact pressure, stretch, septal
 * pressure, skirt-to-wall gap map, apposition, displaced native leaflets). Plain C17 + libm.
 *
 * ---- Design essay (keep it true) -------------------------------------------------------------
 *
 * Units. Inside sim/ everything is mm, N, MPa (= N/mm^2), N mm, radians, milliseconds. Every
 * identifier that carries a unit says so (radius_mm, pressure_mpa); outputs meant for people carry
 * their clinical unit (contact pressure in Pa, angles in degrees). Device files (cusp-sim-device.h)
 * are in SI; cusp_sim_world_create converts once.
 *
 * Coordinates. The "root frame": z along the root's centerline, z = 0 on the annular plane,
 * z < 0 the LVOT, z > 0 the sinuses and the aorta; theta measured from +x, which is the
 * annulus major axis. Mapping the root frame to patient LPS is the caller's job.
 *
 * Frame. A closed-cell zig-zag lattice (cusp-sim-frame.c): 2 cell_rows + 1 crown levels of
 * cells_per_row nodes (a closed cell spans two strut rows), every strut split into
 * `elements_per_strut` (1 by default) 3D corotational Euler-Bernoulli beams (cusp-sim-beam.c:
 * 2 nodes, 6 dof per node, the element frame follows the chord and the mean nodal triad; six
 * deformation modes in that frame: stretch, twist, two end rotations in each bending plane).
 * Material (cusp-sim-material.c) is a section law: an odd, piecewise-linear stress-strain curve
 * integrated exactly over the rectangular strut section gives N(eps) and M(kappa); a beam uses
 * the secant of that law at the root mean square of its two end moments in each plane
 * (deformation theory: exact for monotone loading; for an S-bent strut, equal ends, it is the end
 * moment itself). Cobalt-chromium is
 * bilinear elastic-plastic (M_p / M_y = 1.5 for the rectangle without hardening); nitinol
 * deploys on the SE508 unloading branch (the loading branch is there for crimping, which the
 * world does not simulate).
 *
 * Deployment (cusp-sim-world.c).
 * - Balloon-expandable: phase 1, the non-compliant balloon pushes each node radially (about the
 *   frame's own axis) towards the nominal radius with a force capped at balloon pressure x the
 *   node's share of the frame surface, so tissue and calcium stop it where they resist more than
 *   the balloon can push. The plastic expansion from the crimped state is not followed step by
 *   step: the frame's reference geometry is the nominal lattice and, at the end of phase 1, every
 *   crown carries the plastic moment M_p in the opening sense (a frame opened plastically ends at
 *   its plastic hinge moment): the moment field of the frame's own elastic response to a uniform
 *   expansion, scaled so its largest in-plane moment is M_p. Phase 2 removes the balloon: every
 *   beam unloads elastically from its phase-1 state (f = f1 + f_plastic + K_el (d - d1)), so the
 *   frame recoils until the wall holds it. Free recoil of the 26 mm frame: 0.15 mm (0.6 %,
 *   test-sim-deploy), below the 2-5 % reported for real frames, whose rounded crowns do not form
 *   the sharp hinge assumed here: a known underestimate.
 * - Self-expanding: the reference is the heat-set (free) shape; the struts follow the SE508
 *   unloading branch (chronic outward force). The frame starts crimped-in-place at the pose,
 *   pulled in to the free lumen, and is released into the root; the release depth enters through
 *   where the frame sits (the sequence of release, which end opens first, is not modelled).
 * Friction: during recoil and after release, the nodes in contact at the start of the phase stick
 * to the wall (a tangential spring as stiff as their wall contact, anchored where they stood; the
 * set is frozen so the residual stays smooth; the Coulomb limit is not checked). Rigid modes left
 * free by the rest (spin and slide of a frame not yet touching) are held by a tether of 1e-5 N/mm
 * per node to the posed reference and by the "catheter": two nodes of the middle crown level, half
 * a turn apart, held circumferentially and one of them axially at 10 N/mm; uniform expansion moves
 * neither, so they carry no load in a symmetric deployment.
 *
 * Root wall (cusp-sim-root.c). The lumen is a radius field r(theta, z) sampled on a grid: a
 * height-field signed distance (phi = r - r_wall(theta, z)). The analytic root has an elliptic
 * annulus, a tapering LVOT, three sinus lobes, an STJ and a tubular aorta; calcium nodules are
 * bumps that narrow the lumen and stiffen the wall. The wall is a Winkler foundation whose modulus
 * is derived from Lame's thick tube (plane stress, open ends): for internal pressure p the inner
 * radial displacement is  u = p a ((1 - nu) a^2 + (1 + nu) b^2) / (E (b^2 - a^2)),  b = a + t,
 * so k(theta, z) = p / u in MPa/mm, evaluated with the local radius a. It is exact for the
 * axisymmetric oracles (DOMAIN.md 7.1, 7.2) and neglects the wall's membrane coupling between
 * neighbouring patches: the load is a patch average over each node's share of the frame surface.
 * Calcium replaces E by calcium_youngs_modulus_mpa (near-rigid by default, 60 MPa = 30 x wall).
 * A triangle-mesh lumen (CuspSimLumenMesh, cusp-sim-mesh.c) replaces the analytic radius: one ray
 * per grid cell from the axis; a hole (no hit) or a fold / self-intersection (two hits) is refused
 * with CUSP_SIM_ERROR_BAD_WALL_MESH. app/cusp-patient-root.h maps a segmented CT into the root
 * frame (a star-shaped tube ray-cast from the label volume, calcium as stiff patches).
 *
 * Contact. Against the signed distance field: a node whose outer surface (r + thickness / 2)
 * passes the wall's free radius stores E = k A overlap^2 / 2 (A its wall patch), so the force is
 * -k A overlap grad(phi), along the wall normal: frictionless in itself (friction as above). The
 * Winkler spring is the contact law, so the "penalty" is the physical wall stiffness, not a
 * numerical parameter, and wall displacement equals overlap. The first 5 um of overlap are rounded
 * (force k A o^2 / (2 * 5 um)) so that nodes touching and leaving do not make Newton cycle.
 *
 * Solver (cusp-sim-structure.c). Newton-Raphson on all frame dofs with a banded Cholesky
 * factorisation (cusp-sim-band.c; the lattice numbered crown level by crown level, and round each
 * level in fold order, gives a half-bandwidth of about 6 (cells_per_row + 2) dofs; a banded factor
 * in our own loop is also bit-deterministic, which a threaded BLAS under CHOLMOD is not). The
 * tangent of each beam is its consistent one, by central differences of its internal forces,
 * symmetrised; so is each node's wall term (contact and sticking, by central differences: the
 * turning of the contact normal over a curved wall, which on a segmented wall outweighs the
 * Gauss-Newton term). Where the assembled matrix is not positive definite (stress terms in a
 * frame held only by weak supports, the nitinol plateau, a concave wall) that iteration falls
 * back to the analytic tangent (elastic + axial tension, Gauss-Newton wall). Each call's first
 * assembly uses that analytic tangent too (25 times cheaper): a structure near its linear
 * response needs no more; the first step that does not halve the residual switches the call to
 * the consistent one. While full steps halve the residual, the next step reuses the factor
 * (Shamanskii's variant: it saves the assembly and factorisation that dominate a live update);
 * the factor is kept across calls, one per phase (balloon; recoil or release), so a warm update's
 * first step in each phase tries the last factor of that phase; one that does not even give a
 * descent direction is dropped without a step (CuspSimResult.factorizations counts the rest); a
 * kept factor's step is taken whole or not at all. A step limit (0.5 mm, 0.2 rad) and a line
 * search keep it safe. The search along a fresh tangent's step looks for the minimum of the
 * energy along it, not of the residual norm: the point where the work of the residual along the
 * step has fallen to half its start (regula falsi, at most 8 trial states). The problem is nearly
 * conservative (beams, contact, balloon; not exactly: the secant of the section law, the frozen
 * friction), and on a nitinol frame on its plateau the residual norm is a poor guide: the
 * tangent is soft in whole-frame modes and the norm rises over a step that lowers the energy,
 * so backtracking on it crept at steps of a few percent (Evolut-class 34 on the real CT: warm
 * update median 150 -> 34 Newton iterations). Where a step is not a descent direction of the energy,
 * the search backtracks on the residual norm. When the step found does not lower the residual
 * norm, far from the solution the full (limited) step is taken anyway, near it (relative
 * residual <= 1e-4) the call stops unconverged rather than wander. The wall radius is
 * interpolated C1 (Catmull-Rom) so the contact normal turns smoothly under a sliding node. Convergence: ||r|| / max(||f_ext||, ||f_contact||, ||f_balloon||, beam force level,
 * 1e-3 N) <= residual_tolerance (1e-6 by default). Each call has an iteration budget and an
 * optional time budget; the result says `converged`. A call with the same pose continues an
 * unconverged solve; a call with a new pose warm-starts from the last deformed frame (expressed in
 * the frame's own coordinates and re-posed). With no time budget, the same inputs give a
 * bit-identical state (cusp_sim_world_state_hash); the golden hash is the same at -O0 to -O3 and
 * under -fsanitize=address,undefined with gcc 12 on x86-64.
 *
 * Two cores (cusp-sim-pool.c; CuspSimWorldDef.thread_count, 2 by default). The world owns one
 * helper thread, started with it and joined when it is destroyed, asleep between evaluations.
 * Each evaluation of the residual (and tangent) is cut into 8 fixed slices of beams and nodes;
 * whichever thread is free claims the next slice, and each beam's forces and 12 x 12 tangent and
 * each node's wall, tether and balloon terms go to their own slot. The calling thread then adds
 * the slots into the residual and the band in element order, as one thread did: no sum depends on
 * which thread ran what, so the state is bit-identical for 1 and 2 threads (the golden hash is
 * unchanged; tests/sim /sim/deploy/threads-same-bits). Since the caller claims slices too, a
 * helper the system has not scheduled yet costs one wake-up call, never a wait. The banded
 * factorisation stays on the calling thread.
 *
 * Arena. cusp_sim_world_create allocates everything (node and element arrays, the band matrix,
 * the grids, the outputs) once; solves allocate nothing.
 *
 * Outputs (cusp-sim-outputs.c): see CuspSimResult. Between nodes the frame's outer radius is an
 * inverse-distance interpolation of the deformed nodes within half a strut row in height. The wall
 * conforms where the frame stands beyond the free lumen: wall displacement u = max(0, r_frame -
 * r_wall), pressure p = k u (the per-node map). The gap map is row-major [height][angle] doubles
 * in mm (skirt outer surface to wall: max(0, r_wall - r_frame)), angle 0 at theta = 0 and stepping
 * by angle_step_deg, row 0 at the frame's inflow edge, rows up to the skirt's top; `annulus_row`
 * is the row at z = 0. Apposition = % of the annulus row's angles with gap <= gap_tolerance_mm
 * (CUSP_GAP_TOLERANCE_MM, 0.1 mm, in cusp-sim-flow.h with its reason; the leak model closes
 * the same gaps), 0 if the skirt does not reach the annulus. Areal stretch = the displaced
 * wall's area element over the free wall's (both radius fields, |X_t x X_z| = sqrt (R^2 (1 +
 * R_z^2) + R_t^2), slopes over a wall thickness), peak over |z| <= 2 mm. Septal pressure =
 * contact force of the nodes in the region (|theta - NCC/RCC commissure| <= septum_half_width_deg,
 * -membranous_septum_length_mm <= z <= 0) over the region's area. A native leaflet is a rigid flap
 * of leaflet_height_mm hinged on the wall at the annulus, falling inward as far as the frame lets
 * it; DLC = distance from that flap to the ostium (lower edge) in the ostium's meridian plane;
 * VTC = distance from the frame's outer surface to the ostium in that plane.
 *
 * Validated against (tests/sim): DOMAIN.md 7.1 Lame tube, 7.2 ring-in-tube, 7.3 zig-zag ring
 * radial stiffness (CoCr -3 %, nitinol -2 %: the oracle is a flat zig-zag, the curvature of the
 * real ring softens it, 0.03 % at 96 crowns), 7.4 beam deflections and M_p / M_y; and CalculiX
 * (tests/bench/bench-sim-ccx.c: ring-in-tube displacement -0.04 %, force -1.5 % against an
 * axisymmetric continuum; zig-zag ring on a tube +0.3 % against ccx's finest deck, B31 x 16 per
 * strut, after +5.5 / +1.9 / +1.5 % with B32 x 4, B32 x 8, B31 x 8: ccx's expansion of beams
 * into solids converging with its mesh). Approximate, not validated: the plastic history of
 * balloon expansion (replaced by the plastic-hinge state above), friction (full stick), leaflet
 * mechanics (a rigid flap), the membrane coupling of the wall, patient geometry (segmented
 * lumen, holes filled from the measured root; calcium as nodules standing into the lumen by
 * their mean thickness, see app/cusp-patient-root.h). Every output is a model estimate for
 * research, teaching and rehearsal. */
#pragma once

#include "cusp-sim-device.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CUSP_SIM_MAX_CALCIUM   16
#define CUSP_SIM_MESSAGE_MAX   256

typedef enum {
  CUSP_SIM_OK = 0,
  CUSP_SIM_ERROR_INVALID_ARGUMENT,   /* NULL pointer, or a definition field out of its range */
  CUSP_SIM_ERROR_NON_FINITE,         /* NaN or inf in a pose or a definition */
  CUSP_SIM_ERROR_BAD_DEVICE,         /* impossible device numbers */
  CUSP_SIM_ERROR_BAD_ROOT,           /* impossible root geometry or wall constants */
  CUSP_SIM_ERROR_BAD_WALL_MESH,      /* empty, non-finite or self-intersecting lumen surface */
  CUSP_SIM_ERROR_OUTSIDE_LUMEN,      /* the posed valve does not sit inside the modelled lumen */
  CUSP_SIM_ERROR_SINGULAR,           /* the stiffness matrix lost positive definiteness */
  CUSP_SIM_ERROR_DIVERGED,           /* the state became non-finite or absurd */
  CUSP_SIM_ERROR_NO_MEMORY
} CuspSimStatus;

const char *cusp_sim_error_string (CuspSimStatus status);

/* A calcium nodule on the wall: centre angle and height in the root frame, footprint radius and
 * how far it stands into the lumen. */
typedef struct {
  double theta_deg;
  double height_mm;
  double radius_mm;
  double protrusion_mm;
} CuspSimCalcium;

/* Analytic aortic root (root frame, see the essay). Cusps: the right coronary cusp spans
 * [ncc_rcc_commissure_deg, +120], the left [+120, +240], the non-coronary [+240, +360]. */
typedef struct {
  double annulus_dmin_mm;
  double annulus_dmax_mm;
  double lvot_diameter_mm;           /* mean diameter at z = -lvot_length_mm */
  double lvot_length_mm;
  double sinus_diameter_mm;          /* SOV: cusp centre to opposite commissure, at mid-sinus */
  double stj_diameter_mm;
  double stj_height_mm;
  double ascending_length_mm;        /* tube above the STJ that the model keeps */
  double wall_thickness_mm;
  double wall_youngs_modulus_mpa;
  double wall_poisson_ratio;
  double calcium_youngs_modulus_mpa;
  double ncc_rcc_commissure_deg;     /* the membranous septum lies below this commissure */
  double membranous_septum_length_mm;
  double septum_half_width_deg;      /* angular half-width of the septal region */
  double leaflet_height_mm;          /* cusp height: hinge to free edge */
  double left_ostium_deg;
  double left_ostium_height_mm;      /* lower edge of the ostium above the annulus */
  double right_ostium_deg;
  double right_ostium_height_mm;
  double coronary_diameter_mm;
  int calcium_count;
  CuspSimCalcium calcium[CUSP_SIM_MAX_CALCIUM];
} CuspSimRootDef;

/* A lumen surface in the root frame (e.g. segmentation's mesh mapped from LPS): a triangle
 * soup, borrowed. The wall must be a radius field about the z axis: every ray from the axis
 * meets it once. */
typedef struct {
  const double *vertices_mm;         /* [vertex_count][3] */
  int vertex_count;
  const int *triangles;              /* [triangle_count][3] vertex indices */
  int triangle_count;
} CuspSimLumenMesh;

/* A 23 mm-class tricuspid root (annulus 21.5 x 24.5 mm, area about 414 mm2), no calcium. */
CuspSimRootDef cusp_sim_default_root_def (void);

/* The analytic root's free lumen radius at (theta, z) in the root frame, without calcium. */
double cusp_sim_root_radius (const CuspSimRootDef *root, double theta_rad, double z_mm);

/* Where the valve is put. depth_mm: annular plane down to the frame's inflow edge (> 0 means
 * ventricular). tilt_deg: frame axis tilted from the root axis, about the root-frame x axis,
 * around the annulus centre. rotation_deg: spin of the frame about its own axis. */
typedef struct {
  double depth_mm;
  double tilt_deg;
  double rotation_deg;
} CuspSimPose;

typedef struct {
  CuspSimRootDef root;
  CuspDeviceDef device;              /* copied; validated by the world */
  CuspSimPose pose;
  int use_lumen_mesh;                /* 1: the wall's shape comes from `lumen` (the root def
                                      * still gives wall constants, calcium, landmarks) */
  CuspSimLumenMesh lumen;
  int elements_per_strut;            /* 1 */
  double balloon_pressure_mpa;       /* 0.4 (4 atm nominal inflation) */
  double residual_tolerance;         /* 1e-6, relative */
  int max_iterations;                /* Newton iterations per solve call, 60 */
  double max_time_ms;                /* 0: no time budget (deterministic) */
  double wall_angle_step_deg;        /* wall grid, 2 */
  double wall_height_step_mm;        /* 0.5 */
  int gap_angle_count;               /* 72 */
  double gap_height_step_mm;         /* 0.5 */
  double gap_tolerance_mm;           /* CUSP_GAP_TOLERANCE_MM (0.1) */
  int thread_count;                  /* 2: assembly on a helper thread too; 1 (or 0): the
                                      * calling thread only. Results are the same to the bit */
} CuspSimWorldDef;

CuspSimWorldDef cusp_sim_default_world_def (void);

/* Timings of the last solve call, ms. */
typedef struct {
  double pose_ms;                    /* warm start / re-posing */
  double assemble_ms;                /* internal forces, tangent, contact */
  double factor_ms;                  /* banded Cholesky and back substitution */
  double line_search_ms;
  double outputs_ms;
  double total_ms;
} CuspSimProfile;

/* Frame diameters at one height: from the deformed nodes of one crown level. */
typedef struct {
  double dmin_mm;
  double dmax_mm;
  double mean_mm;
  double expansion_pct;              /* mean diameter / nominal x 100 */
} CuspSimSection;

typedef struct {
  int angle_count;
  int height_count;
  double angle_step_deg;
  double height_step_mm;
  double height0_mm;                 /* root-frame z of row 0 */
  int annulus_row;
  double seal_radius_mm;             /* mean skirt radius: turns angle into width */
  double tolerance_mm;               /* the world's gap_tolerance_mm: at or below it, apposed */
  const double *gap_mm;              /* [height_count][angle_count] */
} CuspSimGapMap;

typedef struct {
  double free_edge_radius_mm;        /* mean radius of the displaced free edge */
  double free_edge_height_mm;        /* root-frame z of the displaced free edge */
  double centre_deg;
} CuspSimLeaflet;

enum { CUSP_SIM_LEAFLET_RIGHT = 0, CUSP_SIM_LEAFLET_LEFT, CUSP_SIM_LEAFLET_NON };

typedef struct {
  CuspSimStatus status;
  int converged;
  int iterations;                    /* Newton iterations in this call */
  int total_iterations;              /* since the last cold start */
  int factorizations;                /* tangents assembled and factored in this call: the cost;
                                      * the other iterations reused a kept factor */
  double residual;                   /* relative residual reached */
  double solve_ms;

  int node_count;
  const double *node_position_mm;    /* [node_count][3], root frame, deformed */
  CuspSimSection inflow, mid, outflow;

  int wall_angle_count;
  int wall_height_count;
  double wall_height0_mm;
  double wall_height_step_mm;
  const double *wall_pressure_pa;    /* [wall_height_count][wall_angle_count] */
  double peak_contact_pressure_pa;
  double annulus_peak_areal_stretch;
  double septum_mean_pressure_pa;    /* contact force on the septal region / its area */
  double septum_peak_pressure_pa;
  double implant_depth_mm;           /* annular plane to the deformed frame's lowest point on the
                                      * septal side, > 0 ventricular */
  CuspSimGapMap gap;
  double apposition_pct;
  double max_moment_ratio;           /* max |M| / M_yield over the struts at the end */
  CuspSimLeaflet leaflet[3];
  double left_ostium_vtc_mm;         /* deformed frame's outer surface to the ostium (VTC) */
  double right_ostium_vtc_mm;
  double left_ostium_dlc_mm;         /* displaced native leaflet to the ostium (DLC) */
  double right_ostium_dlc_mm;
  CuspSimProfile profile;
} CuspSimResult;

typedef struct CuspSimWorld CuspSimWorld;

/* Validates the definition and allocates everything the solves will need. On failure returns NULL
 * and, if status/message are not NULL, why (message: one line, CUSP_SIM_MESSAGE_MAX bytes). */
CuspSimWorld *cusp_sim_world_create (const CuspSimWorldDef *def,
                                     CuspSimStatus *status,
                                     char *message);
void cusp_sim_world_destroy (CuspSimWorld *world);

/* The one entry point: deploy at `pose` (NULL: the definition's pose). Warm-starts from the last
 * state; with the same pose as the last unconverged call it continues refining. */
CuspSimStatus cusp_sim_world_solve (CuspSimWorld *world, const CuspSimPose *pose);

/* Changes the per-call budget (iterations > 0; time_ms 0 = none). */
void cusp_sim_world_set_budget (CuspSimWorld *world, int max_iterations, double max_time_ms);

/* With `skip` set, a call that ends unconverged leaves the outputs (sections, wall pressure, gap
 * map, septum: about a quarter of a warm update on a patient root) as they were: a caller that
 * solves in chunks and shows only the last answer computes them when it shows one, with
 * cusp_sim_world_compute_outputs. Converged calls always compute them. The solve itself does not
 * depend on the outputs: the same calls give the same state either way. */
void cusp_sim_world_set_skip_unconverged_outputs (CuspSimWorld *world, int skip);
void cusp_sim_world_compute_outputs (CuspSimWorld *world);

/* Forgets the warm-start state: the next solve starts from the crimped / nominal state. */
void cusp_sim_world_reset (CuspSimWorld *world);

/* Valid until the next solve or destroy. */
const CuspSimResult *cusp_sim_world_result (const CuspSimWorld *world);
const char *cusp_sim_world_message (const CuspSimWorld *world);

/* FNV-1a over the bytes of the deformed node positions and rotations. */
uint64_t cusp_sim_world_state_hash (const CuspSimWorld *world);

/* The frame's topology as a world builds it for `device` with `elements_per_strut` (1 in the
 * default world), for drawing a result: *node_count gets the node count (that of
 * CuspSimResult.node_position_mm, whose order is the solver's own, crown level by crown level in
 * fold order round each); returns the beam count and, if beam_nodes is not NULL, fills
 * beam_nodes[2 e] and beam_nodes[2 e + 1] with the two nodes of beam e. -1 for a lattice the
 * solver does not hold (cusp_sim_world_create says why) or out of memory. */
int cusp_sim_frame_topology (const CuspDeviceDef *device, int elements_per_strut, int *node_count,
                             int *beam_nodes);

#ifdef __cplusplus
}
#endif
