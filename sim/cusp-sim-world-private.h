/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-world-private.h: the world's state, shared by the deployment (cusp-sim-world.c) and
 * the outputs (cusp-sim-outputs.c). */
#pragma once

#include "cusp-sim.h"
#include "cusp-sim-frame.h"
#include "cusp-sim-structure.h"

typedef enum {
  CUSP_SIM_PHASE_COLD = 0,           /* nothing solved yet */
  CUSP_SIM_PHASE_BALLOON,            /* balloon-expandable, balloon inflated */
  CUSP_SIM_PHASE_RECOIL,             /* balloon-expandable, balloon removed */
  CUSP_SIM_PHASE_RELEASED,           /* self-expanding */
  CUSP_SIM_PHASE_DONE
} CuspSimPhase;

struct CuspSimWorld {
  CuspSimWorldDef def;
  int self_expanding;
  int skip_unconverged_outputs;      /* cusp_sim_world_set_skip_unconverged_outputs */
  CuspSimLatticeDef lattice;
  CuspSimStructure s;
  CuspSimWall wall;
  CuspSimLaw law_deployed;           /* CoCr bilinear, or nitinol unloading */
  double plastic_moment_nmm;         /* in-plane bending, M_p of the strut */
  double yield_moment_nmm;

  /* frame-local reference, per node */
  double *theta_ref;
  double *z_ref;
  double *radius_ref;                /* centroid radius at the reference */
  int *level;
  double *x_nominal_local;           /* [n][3] */
  double *triad_local;               /* [beams][9] reference triads before posing */

  /* warm start: last states in frame-local coordinates */
  int have_balloon_state;
  int have_final_state;
  double *balloon_x_local;           /* [n][3] */
  double *balloon_rot_local;         /* [n][9] */
  double *final_x_local;
  double *final_rot_local;

  CuspSimPose pose;
  int have_pose;
  double pose_rot[9];                /* root = pose_rot * local + pose_shift */
  double pose_shift[3];
  CuspSimPhase phase;
  /* One banded factor per problem, kept across solve calls so a warm update's first Newton step
   * in each phase can reuse the last factor of that phase (cusp_sim_structure_solve):
   * [0] balloon phase, [1] recoil / released phase, [2] scratch for the expansion response.
   * s.band points at one of them; band_valid holds the others' factor_valid. */
  double *bands[3];
  int band_valid[3];
  int band_slot;

  /* outputs (arena) */
  CuspSimResult result;
  double *wall_pressure_pa;          /* [wall h][wall a] */
  double *gap_mm;                    /* [gap h][gap a] */
  int gap_height_count;
  double *node_cyl;                  /* [n][3] theta, z, outer radius of the deformed nodes,
                                      * sorted by z */
  char message[CUSP_SIM_MESSAGE_MAX];
};

/* cusp-sim-outputs.c */
void cusp_sim_outputs_compute (CuspSimWorld *w);
