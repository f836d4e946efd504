/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-pool.h: a persistent helper thread that shares numbered chunks of work with the
 * caller (private to sim/). Which thread runs a chunk varies from run to run; what a chunk
 * computes does not, so callers that give each chunk its own output and combine the outputs in
 * chunk order get the same bits as one thread. */
#pragma once

typedef struct CuspSimPool CuspSimPool;

/* Runs chunk `chunk` of a job; chunks of one job must not write to the same memory. */
typedef void (*CuspSimPoolFn) (void *context, int chunk);

/* One worker beside the caller (two threads in all); NULL if the thread cannot start. */
CuspSimPool *cusp_sim_pool_new (void);
void cusp_sim_pool_free (CuspSimPool *pool);
/* Runs fn (context, c) for every c in 0 .. chunk_count - 1 and returns when all are done. The
 * caller claims chunks too, so it never waits for a worker the system has not scheduled yet:
 * at worst it runs them all. NULL pool: the caller runs them in order. */
void cusp_sim_pool_run (CuspSimPool *pool, CuspSimPoolFn fn, void *context, int chunk_count);
