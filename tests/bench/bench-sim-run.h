/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-sim-run.h: the timing run shared by the solver benchmarks. */
#pragma once

#include "cusp-sim.h"

/* Loads $CUSP_SOURCE_ROOT/data/devices/ID.device; 0 (and a line on stderr) if it cannot. */
int cusp_bench_sim_load_device (const char *id, CuspDeviceDef *out);
/* The solver's thread_count for this run: 2 (the default), or 1 with CUSP_SIM_THREADS=1. */
int cusp_bench_sim_threads (void);
/* `base` gives the root (analytic or a lumen mesh) and settings; the device and depth are set. */
void cusp_bench_sim_run (const CuspSimWorldDef *base, const char *id, double depth_mm);
