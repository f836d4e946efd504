/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-cli-devices.c: `cusp-cli devices [--json] [--dir DIR]` lists the valve library: the
 * built-in device files, the user's ($XDG_DATA_HOME/cusp/devices, if present) and DIR.
 *
 * A missing or unreadable DIR is a usage error (exit 2, one line). A malformed device file is not:
 * the good devices are still listed, and each bad file is reported (stderr in text mode, the
 * "problems" array in JSON) with its file, line and key, so a user adding a device sees why it
 * does not show up. */
#include "cusp-config.h"
#include "cusp-device-dirs.h"
#include "cusp-cli.h"
#include "cusp-sim-device.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define COMMAND "devices"

/* Shortest "%.15g" / "%.17g" form that reads back exactly, C locale (JSON has no NaN; a device
 * that passed validation has none either, "null" is the safe fallback). */
static void
json_number (GString *out, double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  g_ascii_formatd (buffer, sizeof buffer, "%.15g", value);
  if (g_ascii_strtod (buffer, NULL) != value)
    g_ascii_formatd (buffer, sizeof buffer, "%.17g", value);
  g_string_append (out, buffer);
}

static void
json_string (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, (char) *p);
    }
  g_string_append_c (out, '"');
}

static void
json_member_number (GString *out, const char *key, double value)
{
  g_string_append_printf (out, "\"%s\":", key);
  json_number (out, value);
  g_string_append_c (out, ',');
}

static void
json_device (GString *out, const CuspDeviceDef *d)
{
  const CuspMaterial *m = &d->material;

  g_string_append (out, "{\"id\":");
  json_string (out, d->id);
  g_string_append (out, ",\"name\":");
  json_string (out, d->display_name);
  g_string_append_printf (out, ",\"family\":\"%s\",\"material\":\"%s\",",
                          cusp_device_family_to_string (d->family), cusp_device_material_to_string (m->kind));
  json_member_number (out, "nominal_diameter_mm", d->nominal_diameter_mm);
  json_member_number (out, "height_mm", d->height_mm);
  json_member_number (out, "inflow_diameter_mm", d->inflow_diameter_mm);
  json_member_number (out, "waist_diameter_mm", d->waist_diameter_mm);
  json_member_number (out, "outflow_diameter_mm", d->outflow_diameter_mm);
  g_string_append_printf (out, "\"cell_rows\":%d,\"cells_per_row\":%d,", d->cell_rows, d->cells_per_row);
  json_member_number (out, "strut_width_mm", d->strut_width_mm);
  json_member_number (out, "strut_thickness_mm", d->strut_thickness_mm);
  json_member_number (out, "skirt_height_mm", d->skirt_height_mm);
  json_member_number (out, "commissure_height_mm", d->commissure_height_mm);
  json_member_number (out, "crimped_diameter_mm", d->crimped_diameter_mm);
  g_string_append_printf (out, "\"sizing\":{\"basis\":\"%s\",\"unit\":\"%s\",\"min\":",
                          cusp_device_sizing_to_string (d->sizing), d->sizing == CUSP_SIZING_BY_AREA ? "mm2" : "mm");
  json_number (out, d->sizing_min);
  g_string_append (out, ",\"max\":");
  json_number (out, d->sizing_max);
  g_string_append (out, "},\"material_constants\":{");
  json_member_number (out, "youngs_modulus_pa", m->youngs_modulus_pa);
  if (m->kind == CUSP_MATERIAL_COBALT_CHROMIUM)
    {
      json_member_number (out, "yield_stress_pa", m->yield_stress_pa);
      json_member_number (out, "hardening_modulus_pa", m->hardening_modulus_pa);
    }
  else
    {
      json_member_number (out, "martensite_modulus_pa", m->martensite_modulus_pa);
      json_member_number (out, "loading_plateau_start_pa", m->loading_plateau_start_pa);
      json_member_number (out, "loading_plateau_end_pa", m->loading_plateau_end_pa);
      json_member_number (out, "unloading_plateau_start_pa", m->unloading_plateau_start_pa);
      json_member_number (out, "unloading_plateau_end_pa", m->unloading_plateau_end_pa);
      json_member_number (out, "transformation_strain", m->transformation_strain);
    }
  g_string_append (out, "\"poisson_ratio\":");
  json_number (out, m->poisson_ratio);
  g_string_append (out, "},\"source\":");
  json_string (out, d->source);
  g_string_append (out, ",\"notes\":");
  json_string (out, d->notes);
  g_string_append_c (out, '}');
}

static void
print_json (const CuspDeviceLibrary *lib, const char *const *dirs, int dir_count)
{
  GString *out = g_string_new ("{\"directories\":[");

  for (int i = 0; i < dir_count; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      json_string (out, dirs[i]);
    }
  g_string_append (out, "],\"devices\":[");
  for (int i = 0; i < lib->device_count; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      json_device (out, &lib->devices[i]);
    }
  g_string_append (out, "],\"problems\":[");
  for (int i = 0; i < lib->problem_count; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"message\":");
      json_string (out, lib->problems[i].message);
      g_string_append_printf (out, ",\"line\":%d}", lib->problems[i].line);
    }
  g_string_append (out, "],\"note\":\"Parametric stand-ins built from published nominal dimensions, not the "
                        "manufacturers' designs. Outputs are model estimates for research, teaching and "
                        "rehearsal, never a diagnosis.\"}\n");
  fputs (out->str, stdout);
  g_string_free (out, TRUE);
}

static void
print_text (const CuspDeviceLibrary *lib)
{
  printf ("%-20s %-19s %-16s %5s %7s  %-26s %s\n", "ID", "FAMILY", "MATERIAL", "SIZE", "HEIGHT", "SIZING", "NAME");
  for (int i = 0; i < lib->device_count; i++)
    {
      const CuspDeviceDef *d = &lib->devices[i];
      char size[G_ASCII_DTOSTR_BUF_SIZE], height[G_ASCII_DTOSTR_BUF_SIZE];
      char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *sizing = NULL;

      g_ascii_formatd (size, sizeof size, "%.0f", d->nominal_diameter_mm);
      g_ascii_formatd (height, sizeof height, "%.1f", d->height_mm);
      g_ascii_formatd (lo, sizeof lo, "%g", d->sizing_min);
      g_ascii_formatd (hi, sizeof hi, "%g", d->sizing_max);
      sizing = g_strdup_printf ("%s %s-%s %s", d->sizing == CUSP_SIZING_BY_AREA ? "area" : "perimeter", lo, hi,
                                d->sizing == CUSP_SIZING_BY_AREA ? "mm2" : "mm");
      printf ("%-20s %-19s %-16s %5s %7s  %-26s %s\n", d->id, cusp_device_family_to_string (d->family),
              cusp_device_material_to_string (d->material.kind), size, height, sizing, d->display_name);
    }
  printf ("\n%d devices. Parametric stand-ins, not the manufacturers' designs; every output is a model\n"
          "estimate for research, teaching and rehearsal, never a diagnosis.\n", lib->device_count);
}

int
cusp_cli_devices (int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *extra_dir = NULL;
  g_auto(GStrv) library_dirs = cusp_device_dirs ();
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &extra_dir, "Also load the device files in DIR", "DIR" },
    { NULL }
  };
  g_autoptr(GPtrArray) dirs = g_ptr_array_new ();
  CuspDeviceLibrary lib;

  context = g_option_context_new ("- list the valve device library");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cusp_cli_fail_error (COMMAND, error);
  if (argc > 1)
    return cusp_cli_fail (COMMAND, "unexpected argument '%s'", argv[1]);
  if (extra_dir != NULL && !g_file_test (extra_dir, G_FILE_TEST_IS_DIR))
    return cusp_cli_fail (COMMAND, "--dir %s: not a readable folder", extra_dir);

  for (int i = 0; library_dirs[i] != NULL; i++)
    g_ptr_array_add (dirs, library_dirs[i]);
  if (extra_dir != NULL)
    g_ptr_array_add (dirs, extra_dir);

  cusp_device_library_load (&lib, (const char *const *) dirs->pdata, (int) dirs->len);
  if (extra_dir != NULL)
    for (int i = 0; i < lib.problem_count; i++)
      if (lib.problems[i].status == CUSP_DEVICE_ERROR_IO && strstr (lib.problems[i].message, extra_dir) == lib.problems[i].message
          && strstr (lib.problems[i].message, "cannot read the device folder") != NULL)
        {
          int status = cusp_cli_fail (COMMAND, "%s", lib.problems[i].message);
          cusp_device_library_clear (&lib);
          return status;
        }

  if (json)
    print_json (&lib, (const char *const *) dirs->pdata, (int) dirs->len);
  else
    {
      for (int i = 0; i < lib.problem_count; i++)
        fprintf (stderr, "cusp-cli %s: %s\n", COMMAND, lib.problems[i].message);
      print_text (&lib);
    }
  cusp_device_library_clear (&lib);
  return 0;
}
