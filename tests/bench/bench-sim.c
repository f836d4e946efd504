/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-sim.c: speed of the embedded structural solver on the analytic (phantom-like) root with
 * full-size devices: a full converged deployment from the crimped state (cold) and warm-started
 * updates after 0.5 mm depth changes (the live drag). Prints figures; never fails for speed. */
#include "bench-sim-run.h"

#include <stdio.h>

int
main (void)
{
  printf ("bench-sim: analytic root 21.5 x 24.5 mm annulus (cusp_sim_default_root_def), "
          "%d thread(s) (CUSP_SIM_THREADS)\n", cusp_bench_sim_threads ());
  CuspSimWorldDef def = cusp_sim_default_world_def ();

  cusp_bench_sim_run (&def, "sapien3-class-26", 3.0);
  cusp_bench_sim_run (&def, "sapien3-class-29", 3.0);
  cusp_bench_sim_run (&def, "evolut-class-26", 4.0);
  cusp_bench_sim_run (&def, "evolut-class-29", 4.0);
  return 0;
}
