/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-fake-reader.c: stands in for cusp-reader (through $CUSP_READER) to make the loader face
 * each way a reader can fail. $CUSP_FAKE_READER_MODE picks one:
 *   segv      dies from SIGSEGV after a progress line
 *   kill      dies from SIGKILL (what the kernel's OOM killer does)
 *   hang      reports progress, then sleeps forever
 *   allocate  allocates and touches memory until malloc fails (under RLIMIT_AS), then aborts
 *   garbage   prints lines outside the protocol and exits 0
 *   silent    exits 0 without saying anything */
#include <glib.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  const char *mode = g_getenv ("CUSP_FAKE_READER_MODE");

  printf ("progress\t0.1\tPretending to read\n");
  fflush (stdout);
  if (mode == NULL)
    return 2;
  if (strcmp (mode, "segv") == 0)
    raise (SIGSEGV);
  else if (strcmp (mode, "kill") == 0)
    raise (SIGKILL);
  else if (strcmp (mode, "hang") == 0)
    for (;;)
      pause ();
  else if (strcmp (mode, "allocate") == 0)
    {
      /* Never freed on purpose: the point is to reach the address-space limit. */
      for (;;)
        {
          char *block = malloc (64 << 20);
          if (block == NULL)
            {
              fprintf (stderr, "fake reader: failed to allocate 67108864 bytes\n");
              abort ();
            }
          memset (block, 1, 64 << 20);
        }
    }
  else if (strcmp (mode, "garbage") == 0)
    {
      printf ("this is not the protocol\nvolume\tint16\n");
      return 0;
    }
  else if (strcmp (mode, "silent") == 0)
    return 0;
  return 2;
}
