/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-user-limits.h: the ranges a user may give Cusp for the settings a case keeps, in one place
 * for the panels, the case file and `cusp-cli simulate`, so all refuse the same values. */
#pragma once

/* The calcium threshold in HU (the automatic SCCT rule picks 450 or 850). */
#define CUSP_CALCIUM_THRESHOLD_MIN_HU 130.0
#define CUSP_CALCIUM_THRESHOLD_MAX_HU 3000.0

/* The measured membranous septum length in mm: the range the solver accepts for its septum
 * region (sim/cusp-sim-world.c checks the root definition against the same bounds). */
#define CUSP_SEPTUM_MIN_MM 0.5
#define CUSP_SEPTUM_MAX_MM 30.0
