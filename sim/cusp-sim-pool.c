/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-pool.c: the solver's second core. One worker thread, created with the world and
 * joined with it, sleeps on a condition variable between jobs; a job's chunks are claimed from
 * an atomic counter by whichever thread is free, so a worker that wakes late costs nothing but
 * the wake-up call. */
#include "cusp-sim-pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

struct CuspSimPool {
  pthread_mutex_t lock;
  pthread_cond_t wake;
  pthread_t thread;
  unsigned generation;               /* bumped per job, under lock */
  int quit;
  /* the job: written under lock only while no worker holds it (users == 0) */
  CuspSimPoolFn fn;
  void *context;
  int chunk_count;
  atomic_int next;                   /* next unclaimed chunk */
  atomic_int finished;               /* chunks done */
  atomic_int users;                  /* workers inside the job (taken under lock) */
};

static void
work (CuspSimPool *pool)
{
  for (;;)
    {
      int c = atomic_fetch_add (&pool->next, 1);
      if (c >= pool->chunk_count)
        break;
      pool->fn (pool->context, c);
      atomic_fetch_add (&pool->finished, 1);
    }
}

static void *
worker_main (void *data)
{
  CuspSimPool *pool = data;
  unsigned seen = 0;

  pthread_mutex_lock (&pool->lock);
  for (;;)
    {
      while (!pool->quit && pool->generation == seen)
        pthread_cond_wait (&pool->wake, &pool->lock);
      if (pool->quit)
        break;
      seen = pool->generation;
      atomic_fetch_add (&pool->users, 1);
      pthread_mutex_unlock (&pool->lock);
      work (pool);
      atomic_fetch_sub (&pool->users, 1);
      pthread_mutex_lock (&pool->lock);
    }
  pthread_mutex_unlock (&pool->lock);
  return NULL;
}

CuspSimPool *
cusp_sim_pool_new (void)
{
  CuspSimPool *pool = calloc (1, sizeof *pool);

  if (pool == NULL)
    return NULL;
  pthread_mutex_init (&pool->lock, NULL);
  pthread_cond_init (&pool->wake, NULL);
  atomic_init (&pool->next, 0);
  atomic_init (&pool->finished, 0);
  atomic_init (&pool->users, 0);
  if (pthread_create (&pool->thread, NULL, worker_main, pool) != 0)
    {
      pthread_cond_destroy (&pool->wake);
      pthread_mutex_destroy (&pool->lock);
      free (pool);
      return NULL;
    }
  return pool;
}

void
cusp_sim_pool_free (CuspSimPool *pool)
{
  if (pool == NULL)
    return;
  pthread_mutex_lock (&pool->lock);
  pool->quit = 1;
  pthread_cond_broadcast (&pool->wake);
  pthread_mutex_unlock (&pool->lock);
  pthread_join (pool->thread, NULL);
  pthread_cond_destroy (&pool->wake);
  pthread_mutex_destroy (&pool->lock);
  free (pool);
}

void
cusp_sim_pool_run (CuspSimPool *pool, CuspSimPoolFn fn, void *context, int chunk_count)
{
  if (pool == NULL || chunk_count <= 1)
    {
      for (int c = 0; c < chunk_count; c++)
        fn (context, c);
      return;
    }
  pthread_mutex_lock (&pool->lock);
  /* a worker that woke late for the last job may still be leaving it (every chunk taken):
   * the job's fields are its until it has */
  while (atomic_load (&pool->users) > 0)
    {
      pthread_mutex_unlock (&pool->lock);
      sched_yield ();
      pthread_mutex_lock (&pool->lock);
    }
  pool->fn = fn;
  pool->context = context;
  pool->chunk_count = chunk_count;
  atomic_store (&pool->finished, 0);
  atomic_store (&pool->next, 0);
  pool->generation++;
  pthread_cond_signal (&pool->wake);
  pthread_mutex_unlock (&pool->lock);
  work (pool);
  /* only chunks the worker is running now are left: short, unless it was preempted */
  while (atomic_load (&pool->finished) < chunk_count)
    sched_yield ();
}
