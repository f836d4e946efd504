/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-cli.h: the headless tool's subcommands. One file per subcommand (cusp-cli-NAME.c).
 *
 * Contract of every subcommand: return 0 on success; on bad input print ONE readable line to
 * stderr ("cusp-cli NAME: what went wrong") and return 2; on a usage error return 2 too. A
 * subcommand never lets the process die from a signal: anything that might crash (third-party
 * readers) runs in the isolated reader process. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef int (*CuspCliCommandFunc) (int argc, char **argv);

typedef struct {
  const char *name;
  const char *summary;
  CuspCliCommandFunc run;
} CuspCliCommand;

/* Prints "cusp-cli NAME: message" to stderr and returns 2, for `return cusp_cli_fail (...)`. */
int cusp_cli_fail  (const char *command, const char *format, ...) G_GNUC_PRINTF (2, 3);
/* Same, from a GError. */
int cusp_cli_fail_error (const char *command, const GError *error);

/* Subcommands declare their entry points here, one line each. */
int cusp_cli_devices (int argc, char **argv);
int cusp_cli_phantom (int argc, char **argv);
int cusp_cli_measure (int argc, char **argv);
int cusp_cli_info (int argc, char **argv);
int cusp_cli_simulate (int argc, char **argv);

G_END_DECLS
