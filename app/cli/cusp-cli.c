/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-cli.c: dispatch to the subcommands listed in `commands`. */
#include "cusp-config.h"
#include "cusp-cli.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

static const CuspCliCommand commands[] = {
  /* Subcommands register here, one line each. */
  { "devices", "list the valve device library", cusp_cli_devices },
  { "phantom", "write a synthetic aortic-root CT and its ground truth", cusp_cli_phantom },
  { "measure", "measure an aortic root (SCCT 2019) and size valves", cusp_cli_measure },
  { "info", "describe a CT/MR study: geometry, modality, warnings", cusp_cli_info },
  { "simulate", "deploy a valve in the measured root and print the solver's outputs", cusp_cli_simulate },
  { NULL, NULL, NULL }
};

int
cusp_cli_fail (const char *command, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* One line, whatever the message held. */
  g_strdelimit (message, "\r\n", ' ');
  fprintf (stderr, "cusp-cli %s: %s\n", command, message);
  return 2;
}

int
cusp_cli_fail_error (const char *command, const GError *error)
{
  return cusp_cli_fail (command, "%s", error ? error->message : "unknown error");
}

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: cusp-cli COMMAND [OPTIONS]\n\nCommands:\n");
  for (gsize i = 0; commands[i].name != NULL; i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun 'cusp-cli COMMAND --help' for a command's options.\n"
                "Every figure Cusp prints is a model estimate for research, teaching and rehearsal,\n"
                "never a diagnosis.\n");
}

int
main (int argc, char **argv)
{
  /* Numbers in JSON must not follow the user's locale (decimal commas). */
  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C");

  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("cusp-cli %s\n", PACKAGE_VERSION);
      return 0;
    }
  for (gsize i = 0; commands[i].name != NULL; i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, "cusp-cli: unknown command '%s'\n", argv[1]);
  print_usage (stderr);
  return 2;
}
