/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-pvl.h: the solver's skirt-to-wall gap map handed to the paravalvular leak model
 * (cusp-sim-flow.h). The map covers the skirt only, so every row seals. */
#pragma once

#include "cusp-sim.h"
#include "cusp-sim-flow.h"

/* Fills `map` (which borrows the result's gap array) from a solve's result. */
void cusp_sim_result_gap_map (const CuspSimResult *result, CuspGapMap *map);

/* The leak analysis of a solve with the default waveform and options, except the gap tolerance:
 * the solver's own (CuspSimGapMap.tolerance_mm), so sealing % and leak channels agree. */
CuspFlowStatus cusp_sim_result_leak (const CuspSimResult *result, CuspLeakResult *leak,
                                     CuspFlowError *error);
