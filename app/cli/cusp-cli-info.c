/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-cli-info.c: `cusp-cli info PATH [--json] [--series UID] [--list-series]` describes a
 * study (geometry, modality, warnings). It loads through the isolated reader, so no file can
 * crash it. */
#include "cusp-cli.h"
#include "cusp-study-loader.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#define COMMAND "info"

/* Shortest of %.15g / %.17g that reads back exactly, in the C locale; JSON has no NaN. */
static void
print_number (FILE *out, double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      fputs ("null", out);
      return;
    }
  if (value == 0.0)
    value = 0.0;                       /* no "-0" */
  g_ascii_formatd (buffer, sizeof buffer, "%.15g", value);
  if (g_ascii_strtod (buffer, NULL) != value)
    g_ascii_formatd (buffer, sizeof buffer, "%.17g", value);
  fputs (buffer, out);
}

static void
print_numbers (FILE *out, const double *values, int count)
{
  fputc ('[', out);
  for (int i = 0; i < count; i++)
    {
      if (i > 0)
        fputc (',', out);
      print_number (out, values[i]);
    }
  fputc (']', out);
}

static void
print_json_string (FILE *out, const char *text)
{
  fputc ('"', out);
  for (const unsigned char *p = (const unsigned char *) text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        fprintf (out, "\\%c", *p);
      else if (*p < 0x20)
        fprintf (out, "\\u%04x", *p);
      else
        fputc (*p, out);
    }
  fputc ('"', out);
}

static void
print_json (const CuspVolume *volume)
{
  FILE *out = stdout;

  fprintf (out, "{\"dims\":[%d,%d,%d],\"spacing_mm\":", volume->dims[0], volume->dims[1], volume->dims[2]);
  print_numbers (out, volume->spacing_mm, 3);
  fputs (",\"origin_mm\":", out);
  print_numbers (out, volume->origin_mm, 3);
  fputs (",\"direction\":", out);
  print_numbers (out, volume->direction, 9);
  fprintf (out, ",\"modality\":\"%s\",\"hounsfield\":%s,\"warnings\":[", cusp_modality_to_string (volume->modality),
           volume->hounsfield ? "true" : "false");
  for (guint i = 0; i < volume->warnings->len; i++)
    {
      if (i > 0)
        fputc (',', out);
      print_json_string (out, volume->warnings->pdata[i]);
    }
  fputs ("]}\n", out);
}

static void
print_text (const char *path, const CuspVolume *volume)
{
  double lo, hi;
  const double *d = volume->direction;

  cusp_volume_get_range (volume, &lo, &hi);
  printf ("Study:        %s\n", path);
  if (volume->description)
    printf ("Description:  %s\n", volume->description);
  printf ("Size:         %d × %d × %d voxels (%s)\n", volume->dims[0], volume->dims[1], volume->dims[2],
          volume->voxel_type == CUSP_VOXEL_INT16 ? "int16" : "float32");
  printf ("Spacing:      %g × %g × %g mm\n", volume->spacing_mm[0], volume->spacing_mm[1], volume->spacing_mm[2]);
  printf ("Origin:       %g, %g, %g mm (LPS)\n", volume->origin_mm[0], volume->origin_mm[1], volume->origin_mm[2]);
  printf ("Direction:    i → (%.4f, %.4f, %.4f)  j → (%.4f, %.4f, %.4f)  k → (%.4f, %.4f, %.4f)\n",
          d[0], d[3], d[6], d[1], d[4], d[7], d[2], d[5], d[8]);
  printf ("Orientation:  %s\n", volume->orientation_known ? "recorded in the file" : "unknown");
  printf ("Modality:     %s, values %g to %g%s\n", cusp_modality_to_string (volume->modality), lo, hi,
          volume->hounsfield ? " HU" : " (not Hounsfield units)");
  if (volume->warnings->len > 0)
    {
      printf ("Warnings:\n");
      for (guint i = 0; i < volume->warnings->len; i++)
        printf ("  - %s\n", (const char *) volume->warnings->pdata[i]);
    }
}

static int
list_series (const char *path, gboolean json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) series = cusp_study_scan_sync (path, NULL, &error);

  if (series == NULL)
    return cusp_cli_fail_error (COMMAND, error);
  if (json)
    fputc ('[', stdout);
  for (guint i = 0; i < series->len; i++)
    {
      const CuspSeriesInfo *info = series->pdata[i];
      if (json)
        {
          if (i > 0)
            fputc (',', stdout);
          fputs ("{\"uid\":", stdout);
          print_json_string (stdout, info->uid);
          fputs (",\"description\":", stdout);
          print_json_string (stdout, info->description);
          fputs (",\"modality\":", stdout);
          print_json_string (stdout, info->modality);
          printf (",\"dims\":[%d,%d,%d],\"file_count\":%d}", info->dims[0], info->dims[1], info->dims[2],
                  info->file_count);
        }
      else
        printf ("%s\n  %s, %s, %d × %d × %d, %d file%s\n", info->uid, info->description, info->modality,
                info->dims[0], info->dims[1], info->dims[2], info->file_count, info->file_count == 1 ? "" : "s");
    }
  if (json)
    fputs ("]\n", stdout);
  return 0;
}

static void
print_help (FILE *out)
{
  fprintf (out, "Usage: cusp-cli info PATH [--json] [--series UID] [--list-series]\n\n"
                "Describe a CT/MR study: a DICOM folder or file, NIfTI-1, NRRD or MetaImage.\n"
                "  --json         print {\"dims\",\"spacing_mm\",\"origin_mm\",\"direction\",\"modality\",\n"
                "                 \"hounsfield\",\"warnings\"} on one line\n"
                "  --series UID   pick a series of a DICOM folder (default: the largest)\n"
                "  --list-series  list the series in PATH instead\n"
                "Exit status: 0 on success, 2 on bad input (one line on stderr).\n");
}

int
cusp_cli_info (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL;
  const char *path = NULL, *series_uid = NULL;
  gboolean json = FALSE, list = FALSE;

  /* A closed stdout must give an error, not a SIGPIPE death. */
  signal (SIGPIPE, SIG_IGN);
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--json") == 0)
        json = TRUE;
      else if (strcmp (argv[i], "--list-series") == 0)
        list = TRUE;
      else if (strcmp (argv[i], "--series") == 0 && i + 1 < argc)
        series_uid = argv[++i];
      else if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          print_help (stdout);
          return 0;
        }
      else if (argv[i][0] == '-' && argv[i][1] != '\0')
        return cusp_cli_fail (COMMAND, "unknown option '%s' (see cusp-cli info --help)", argv[i]);
      else if (path == NULL)
        path = argv[i];
      else
        return cusp_cli_fail (COMMAND, "only one study at a time (got '%s' and '%s')", path, argv[i]);
    }
  if (path == NULL)
    return cusp_cli_fail (COMMAND, "no study given (usage: cusp-cli info PATH [--json])");

  if (list)
    return list_series (path, json);
  volume = cusp_study_load_sync (path, series_uid, NULL, &error);
  if (volume == NULL)
    return cusp_cli_fail_error (COMMAND, error);
  if (json)
    print_json (volume);
  else
    print_text (path, volume);
  if (fflush (stdout) != 0 || ferror (stdout))
    return cusp_cli_fail (COMMAND, "could not write the output");
  return 0;
}
