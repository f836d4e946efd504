/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-device.c: device definitions — defaults, validation, the key = value file parser and
 * the directory loader. The file format is documented in cusp-sim-device.h. */
#include "cusp-sim-device.h"
#include "cusp-sim-number.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 1024
#define FILE_MAX_BYTES (1024 * 1024)

static void
set_error (CuspDeviceError *error, CuspDeviceStatus status, int line, const char *format, ...)
{
  va_list args;

  if (error == NULL)
    return;
  error->status = status;
  error->line = line;
  va_start (args, format);
  vsnprintf (error->message, sizeof error->message, format, args);
  va_end (args);
  /* One line whatever went in (a file name with a newline in it, say). */
  for (char *p = error->message; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
}

static const char *
name_or_default (const char *file_name)
{
  return file_name != NULL ? file_name : "<device>";
}

/* ---- defaults ---------------------------------------------------------------------------- */

CuspMaterial
cusp_device_material_default (CuspMaterialKind kind)
{
  CuspMaterial m;

  memset (&m, 0, sizeof m);
  m.kind = kind;
  if (kind == CUSP_MATERIAL_NITINOL)
    {
      /* SE508 at 37 C (DOMAIN.md 6). 395 MPa / 59 GPa = 0.669 % strain at the plateau start. */
      m.youngs_modulus_pa = 59e9;
      m.poisson_ratio = 0.33;
      m.martensite_modulus_pa = 24.75e9;
      m.loading_plateau_start_pa = 395e6;
      m.loading_plateau_end_pa = 435e6;
      m.unloading_plateau_start_pa = 165e6;
      m.unloading_plateau_end_pa = 145e6;
      m.transformation_strain = 0.042;
    }
  else
    {
      /* L605 / MP35N class: E 233-243 GPa, yield 414-500 MPa (DOMAIN.md 6, unverified). The low
       * ends are taken: a softer frame recoils more, the conservative side for sealing. The
       * hardening modulus (about 1 % of E) is a common choice in stent FE papers, not a measured
       * value for any one alloy lot. */
      m.youngs_modulus_pa = 233e9;
      m.poisson_ratio = 0.30;
      m.yield_stress_pa = 414e6;
      m.hardening_modulus_pa = 2.0e9;
    }
  return m;
}

CuspDeviceDef
cusp_device_def_default (void)
{
  CuspDeviceDef d;

  memset (&d, 0, sizeof d);
  snprintf (d.id, sizeof d.id, "%s", "default-be-26");
  snprintf (d.display_name, sizeof d.display_name, "%s", "Default balloon-expandable 26 mm");
  d.family = CUSP_DEVICE_FAMILY_BALLOON_EXPANDABLE;
  d.material = cusp_device_material_default (CUSP_MATERIAL_COBALT_CHROMIUM);
  d.nominal_diameter_mm = 26.0;
  d.height_mm = 20.0;
  d.inflow_diameter_mm = 26.0;
  d.waist_diameter_mm = 26.0;
  d.outflow_diameter_mm = 26.0;
  d.cell_rows = 4;
  d.cells_per_row = 12;
  d.strut_width_mm = 0.30;
  d.strut_thickness_mm = 0.45;
  d.skirt_height_mm = 8.0;
  d.commissure_height_mm = 18.0;
  d.crimped_diameter_mm = 7.0;
  d.sizing = CUSP_SIZING_BY_AREA;
  d.sizing_min = 430.0;
  d.sizing_max = 546.0;
  snprintf (d.source, sizeof d.source, "%s", "cusp_device_def_default()");
  return d;
}

/* ---- validation -------------------------------------------------------------------------- */

/* The file key of a sizing bound, so messages name the key the user wrote. */
static const char *
sizing_key (CuspSizingBasis sizing, int upper)
{
  if (sizing == CUSP_SIZING_BY_AREA)
    return upper ? "annulus_area_max_mm2" : "annulus_area_min_mm2";
  return upper ? "annulus_perimeter_max_mm" : "annulus_perimeter_min_mm";
}

/* Range check for one number: finite and in (lo, hi] (or [lo, hi] when lo_inclusive). */
static int
check_range (const char *file, const char *key, double v, double lo, int lo_inclusive, double hi,
             const char *unit, CuspDeviceError *error)
{
  if (!isfinite (v))
    {
      set_error (error, CUSP_DEVICE_ERROR_NOT_A_NUMBER, 0, "%s: key '%s': value is not a finite number",
                 name_or_default (file), key);
      return 0;
    }
  if ((lo_inclusive ? v < lo : v <= lo) || v > hi)
    {
      const char *sep = unit[0] != '\0' ? " " : "";
      set_error (error, CUSP_DEVICE_ERROR_OUT_OF_RANGE, 0,
                 "%s: key '%s': %g%s%s is impossible (expected %s%g to %g%s%s)",
                 name_or_default (file), key, v, sep, unit, lo_inclusive ? "" : "more than ", lo, hi, sep, unit);
      return 0;
    }
  return 1;
}

static int
inconsistent (CuspDeviceError *error, const char *file, const char *key, const char *format, ...)
{
  char detail[CUSP_DEVICE_ERROR_MAX];
  va_list args;

  va_start (args, format);
  vsnprintf (detail, sizeof detail, format, args);
  va_end (args);
  set_error (error, CUSP_DEVICE_ERROR_INCONSISTENT, 0, "%s: key '%s': %s", name_or_default (file), key, detail);
  return 0;
}

static int
validate_material (const CuspMaterial *m, const char *file, CuspDeviceError *error)
{
  if (!check_range (file, "youngs_modulus_gpa", m->youngs_modulus_pa * 1e-9, 1.0, 0, 1000.0, "GPa", error)
      || !check_range (file, "poisson_ratio", m->poisson_ratio, 0.0, 0, 0.499, "", error))
    return 0;
  if (m->kind == CUSP_MATERIAL_COBALT_CHROMIUM)
    {
      if (!check_range (file, "yield_stress_mpa", m->yield_stress_pa * 1e-6, 10.0, 0, 5000.0, "MPa", error)
          || !check_range (file, "hardening_modulus_mpa", m->hardening_modulus_pa * 1e-6, 0.0, 1, 1e6, "MPa", error))
        return 0;
      if (m->hardening_modulus_pa >= m->youngs_modulus_pa)
        return inconsistent (error, file, "hardening_modulus_mpa",
                             "the hardening modulus must be below Young's modulus");
      if (m->yield_stress_pa / m->youngs_modulus_pa > 0.05)
        return inconsistent (error, file, "yield_stress_mpa",
                             "a yield strain above 5 %% is not a metal");
      return 1;
    }
  if (!check_range (file, "martensite_modulus_gpa", m->martensite_modulus_pa * 1e-9, 1.0, 0, 1000.0, "GPa", error)
      || !check_range (file, "loading_plateau_start_mpa", m->loading_plateau_start_pa * 1e-6, 1.0, 0, 5000.0, "MPa", error)
      || !check_range (file, "loading_plateau_end_mpa", m->loading_plateau_end_pa * 1e-6, 1.0, 0, 5000.0, "MPa", error)
      || !check_range (file, "unloading_plateau_start_mpa", m->unloading_plateau_start_pa * 1e-6, 1.0, 0, 5000.0, "MPa", error)
      || !check_range (file, "unloading_plateau_end_mpa", m->unloading_plateau_end_pa * 1e-6, 1.0, 0, 5000.0, "MPa", error)
      || !check_range (file, "transformation_strain_pct", m->transformation_strain * 100.0, 0.0, 0, 20.0, "%", error))
    return 0;
  if (m->loading_plateau_end_pa < m->loading_plateau_start_pa)
    return inconsistent (error, file, "loading_plateau_end_mpa",
                         "the loading plateau must not fall (end %g MPa < start %g MPa)",
                         m->loading_plateau_end_pa * 1e-6, m->loading_plateau_start_pa * 1e-6);
  if (m->unloading_plateau_start_pa >= m->loading_plateau_start_pa)
    return inconsistent (error, file, "unloading_plateau_start_mpa",
                         "the unloading plateau must lie below the loading plateau (hysteresis)");
  if (m->unloading_plateau_end_pa > m->unloading_plateau_start_pa)
    return inconsistent (error, file, "unloading_plateau_end_mpa",
                         "the unloading plateau must not rise (end above start)");
  return 1;
}

CuspDeviceStatus
cusp_device_def_validate (const CuspDeviceDef *d, const char *file, CuspDeviceError *error)
{
  double min_free_diameter_mm;
  double cell_pitch_mm, cell_height_mm;
  CuspDeviceError local;

  /* The checks below report through `error`; without one they still need somewhere to say which
   * status they hit. */
  if (error == NULL)
    error = &local;

  if (d == NULL)
    {
      set_error (error, CUSP_DEVICE_ERROR_INVALID_ARGUMENT, 0, "%s: no device definition given",
                 name_or_default (file));
      return CUSP_DEVICE_ERROR_INVALID_ARGUMENT;
    }
  error->status = CUSP_DEVICE_OK;

  if (d->id[0] == '\0')
    {
      set_error (error, CUSP_DEVICE_ERROR_MISSING_KEY, 0, "%s: key 'id': empty", name_or_default (file));
      return CUSP_DEVICE_ERROR_MISSING_KEY;
    }
  if ((unsigned) d->family > CUSP_DEVICE_FAMILY_NAVITOR_CLASS
      || (unsigned) d->material.kind > CUSP_MATERIAL_NITINOL
      || (unsigned) d->sizing > CUSP_SIZING_BY_PERIMETER)
    {
      set_error (error, CUSP_DEVICE_ERROR_BAD_VALUE, 0, "%s: family, material or sizing is not a known value",
                 name_or_default (file));
      return CUSP_DEVICE_ERROR_BAD_VALUE;
    }

  /* Each number alone. TAVR frames run 20-34 mm; the bounds below are generous "physically
   * impossible for a transcatheter aortic valve" limits, not sizing advice. */
  if (!check_range (file, "nominal_diameter_mm", d->nominal_diameter_mm, 10.0, 0, 50.0, "mm", error)
      || !check_range (file, "height_mm", d->height_mm, 0.0, 0, 80.0, "mm", error)
      || !check_range (file, "inflow_diameter_mm", d->inflow_diameter_mm, 0.0, 0, 60.0, "mm", error)
      || !check_range (file, "waist_diameter_mm", d->waist_diameter_mm, 0.0, 0, 60.0, "mm", error)
      || !check_range (file, "outflow_diameter_mm", d->outflow_diameter_mm, 0.0, 0, 60.0, "mm", error)
      || !check_range (file, "cell_rows", d->cell_rows, 1.0, 1, 30.0, "", error)
      || !check_range (file, "cells_per_row", d->cells_per_row, 3.0, 1, 60.0, "", error)
      || !check_range (file, "strut_width_mm", d->strut_width_mm, 0.0, 0, 2.0, "mm", error)
      || !check_range (file, "strut_thickness_mm", d->strut_thickness_mm, 0.0, 0, 2.0, "mm", error)
      || !check_range (file, "skirt_height_mm", d->skirt_height_mm, 0.0, 0, 80.0, "mm", error)
      || !check_range (file, "commissure_height_mm", d->commissure_height_mm, 0.0, 0, 80.0, "mm", error)
      || !check_range (file, "crimped_diameter_mm", d->crimped_diameter_mm, 0.0, 0, 50.0, "mm", error)
      || !check_range (file, sizing_key (d->sizing, 0), d->sizing_min, 0.0, 0, 5000.0,
                       d->sizing == CUSP_SIZING_BY_AREA ? "mm2" : "mm", error)
      || !check_range (file, sizing_key (d->sizing, 1), d->sizing_max, 0.0, 0, 5000.0,
                       d->sizing == CUSP_SIZING_BY_AREA ? "mm2" : "mm", error))
    return error->status;

  if (!validate_material (&d->material, file, error))
    return error->status;

  /* Numbers together. */
#define FAIL_INCONSISTENT(key, ...) \
  do { inconsistent (error, file, key, __VA_ARGS__); return CUSP_DEVICE_ERROR_INCONSISTENT; } while (0)

  if (d->family == CUSP_DEVICE_FAMILY_BALLOON_EXPANDABLE && d->material.kind != CUSP_MATERIAL_COBALT_CHROMIUM)
    FAIL_INCONSISTENT ("material", "a balloon-expandable frame must be plastically deformable (cobalt_chromium)");
  if (d->family != CUSP_DEVICE_FAMILY_BALLOON_EXPANDABLE && d->material.kind != CUSP_MATERIAL_NITINOL)
    FAIL_INCONSISTENT ("material", "a self-expanding frame must be superelastic (nitinol)");

  const double diameters[3] = { d->inflow_diameter_mm, d->waist_diameter_mm, d->outflow_diameter_mm };
  const char *diameter_keys[3] = { "inflow_diameter_mm", "waist_diameter_mm", "outflow_diameter_mm" };
  min_free_diameter_mm = d->nominal_diameter_mm;
  for (int i = 0; i < 3; i++)
    {
      /* A labelled size far from the frame's own diameters means a typo or a unit mistake. */
      if (diameters[i] < 0.5 * d->nominal_diameter_mm || diameters[i] > 2.0 * d->nominal_diameter_mm)
        FAIL_INCONSISTENT (diameter_keys[i], "%g mm is not within 0.5-2 x the nominal %g mm",
                           diameters[i], d->nominal_diameter_mm);
      if (d->family == CUSP_DEVICE_FAMILY_BALLOON_EXPANDABLE && fabs (diameters[i] - d->nominal_diameter_mm) > 1.0)
        FAIL_INCONSISTENT (diameter_keys[i], "a balloon-expandable frame is a cylinder: %g mm differs from the nominal %g mm by more than 1 mm",
                           diameters[i], d->nominal_diameter_mm);
      if (diameters[i] < min_free_diameter_mm)
        min_free_diameter_mm = diameters[i];
    }
  if (d->crimped_diameter_mm >= min_free_diameter_mm)
    FAIL_INCONSISTENT ("crimped_diameter_mm", "the crimped diameter %g mm must be below every free diameter (smallest %g mm)",
                       d->crimped_diameter_mm, min_free_diameter_mm);
  if (d->skirt_height_mm > d->height_mm)
    FAIL_INCONSISTENT ("skirt_height_mm", "the skirt (%g mm) reaches above the frame (%g mm)", d->skirt_height_mm, d->height_mm);
  if (d->commissure_height_mm > d->height_mm)
    FAIL_INCONSISTENT ("commissure_height_mm", "the commissures (%g mm) sit above the frame (%g mm)",
                       d->commissure_height_mm, d->height_mm);

  /* A diamond cell is two struts wide around the circumference and two struts tall. */
  cell_pitch_mm = M_PI * min_free_diameter_mm / d->cells_per_row;
  cell_height_mm = d->height_mm / d->cell_rows;
  if (2.0 * d->strut_width_mm >= cell_pitch_mm)
    FAIL_INCONSISTENT ("strut_width_mm", "struts %g mm wide do not fit %d cells around %g mm (cell pitch %.3g mm)",
                       d->strut_width_mm, d->cells_per_row, min_free_diameter_mm, cell_pitch_mm);
  if (2.0 * d->strut_width_mm >= cell_height_mm)
    FAIL_INCONSISTENT ("strut_width_mm", "struts %g mm wide do not fit %d rows in %g mm (cell height %.3g mm)",
                       d->strut_width_mm, d->cell_rows, d->height_mm, cell_height_mm);
  /* Crimped, the 2 x cells_per_row struts of a row lie side by side. */
  if (2.0 * d->cells_per_row * d->strut_width_mm > M_PI * d->crimped_diameter_mm)
    FAIL_INCONSISTENT ("crimped_diameter_mm", "%d struts %g mm wide cannot fit around a %g mm crimped frame",
                       2 * d->cells_per_row, d->strut_width_mm, d->crimped_diameter_mm);
  if (d->strut_thickness_mm * 4.0 > d->crimped_diameter_mm)
    FAIL_INCONSISTENT ("strut_thickness_mm", "a %g mm thick wall leaves no lumen in a %g mm crimped frame",
                       d->strut_thickness_mm, d->crimped_diameter_mm);

  if (d->sizing_max <= d->sizing_min)
    FAIL_INCONSISTENT (sizing_key (d->sizing, 1), "the sizing range is empty (%g to %g)", d->sizing_min, d->sizing_max);
  {
    /* The diameter the sizing range stands for must be near the labelled size: catches a
     * perimeter given as an area or the reverse. */
    double lo_mm, hi_mm;
    if (d->sizing == CUSP_SIZING_BY_AREA)
      {
        lo_mm = 2.0 * sqrt (d->sizing_min / M_PI);
        hi_mm = 2.0 * sqrt (d->sizing_max / M_PI);
      }
    else
      {
        lo_mm = d->sizing_min / M_PI;
        hi_mm = d->sizing_max / M_PI;
      }
    if (hi_mm < 0.6 * d->nominal_diameter_mm || lo_mm > 1.4 * d->nominal_diameter_mm)
      FAIL_INCONSISTENT (sizing_key (d->sizing, 0), "the sizing range (annulus %.1f-%.1f mm across) does not fit a %g mm valve; "
                         "check the units (this key takes %s)", lo_mm, hi_mm, d->nominal_diameter_mm,
                         d->sizing == CUSP_SIZING_BY_AREA ? "an area in mm2" : "a perimeter in mm");
  }
#undef FAIL_INCONSISTENT
  return CUSP_DEVICE_OK;
}

/* ---- parser ------------------------------------------------------------------------------ */

typedef enum { KEY_TEXT, KEY_ID, KEY_NUMBER, KEY_INT, KEY_FAMILY, KEY_MATERIAL } KeyType;

typedef struct {
  const char *name;
  KeyType type;
  int required;
  int repeatable;        /* text joined with a space */
  double scale;          /* file unit -> struct unit */
} KeySpec;

enum {
  K_ID, K_NAME, K_FAMILY, K_MATERIAL, K_NOMINAL, K_HEIGHT, K_INFLOW, K_WAIST, K_OUTFLOW,
  K_ROWS, K_CELLS, K_STRUT_W, K_STRUT_T, K_SKIRT, K_COMMISSURE, K_CRIMPED,
  K_AREA_MIN, K_AREA_MAX, K_PERIMETER_MIN, K_PERIMETER_MAX, K_SOURCE, K_NOTE,
  K_E, K_NU, K_YIELD, K_HARDENING, K_E_MARTENSITE, K_LOAD_START, K_LOAD_END, K_UNLOAD_START,
  K_UNLOAD_END, K_TRANSFORMATION, K_COUNT
};

static const KeySpec keys[K_COUNT] = {
  [K_ID]             = { "id", KEY_ID, 1, 0, 1 },
  [K_NAME]           = { "name", KEY_TEXT, 1, 0, 1 },
  [K_FAMILY]         = { "family", KEY_FAMILY, 1, 0, 1 },
  [K_MATERIAL]       = { "material", KEY_MATERIAL, 1, 0, 1 },
  [K_NOMINAL]        = { "nominal_diameter_mm", KEY_NUMBER, 1, 0, 1 },
  [K_HEIGHT]         = { "height_mm", KEY_NUMBER, 1, 0, 1 },
  [K_INFLOW]         = { "inflow_diameter_mm", KEY_NUMBER, 1, 0, 1 },
  [K_WAIST]          = { "waist_diameter_mm", KEY_NUMBER, 1, 0, 1 },
  [K_OUTFLOW]        = { "outflow_diameter_mm", KEY_NUMBER, 1, 0, 1 },
  [K_ROWS]           = { "cell_rows", KEY_INT, 1, 0, 1 },
  [K_CELLS]          = { "cells_per_row", KEY_INT, 1, 0, 1 },
  [K_STRUT_W]        = { "strut_width_mm", KEY_NUMBER, 1, 0, 1 },
  [K_STRUT_T]        = { "strut_thickness_mm", KEY_NUMBER, 1, 0, 1 },
  [K_SKIRT]          = { "skirt_height_mm", KEY_NUMBER, 1, 0, 1 },
  [K_COMMISSURE]     = { "commissure_height_mm", KEY_NUMBER, 1, 0, 1 },
  [K_CRIMPED]        = { "crimped_diameter_mm", KEY_NUMBER, 1, 0, 1 },
  /* Exactly one of the two sizing pairs: checked after the loop. */
  [K_AREA_MIN]       = { "annulus_area_min_mm2", KEY_NUMBER, 0, 0, 1 },
  [K_AREA_MAX]       = { "annulus_area_max_mm2", KEY_NUMBER, 0, 0, 1 },
  [K_PERIMETER_MIN]  = { "annulus_perimeter_min_mm", KEY_NUMBER, 0, 0, 1 },
  [K_PERIMETER_MAX]  = { "annulus_perimeter_max_mm", KEY_NUMBER, 0, 0, 1 },
  [K_SOURCE]         = { "source", KEY_TEXT, 1, 1, 1 },
  [K_NOTE]           = { "note", KEY_TEXT, 0, 1, 1 },
  [K_E]              = { "youngs_modulus_gpa", KEY_NUMBER, 0, 0, 1e9 },
  [K_NU]             = { "poisson_ratio", KEY_NUMBER, 0, 0, 1 },
  [K_YIELD]          = { "yield_stress_mpa", KEY_NUMBER, 0, 0, 1e6 },
  [K_HARDENING]      = { "hardening_modulus_mpa", KEY_NUMBER, 0, 0, 1e6 },
  [K_E_MARTENSITE]   = { "martensite_modulus_gpa", KEY_NUMBER, 0, 0, 1e9 },
  [K_LOAD_START]     = { "loading_plateau_start_mpa", KEY_NUMBER, 0, 0, 1e6 },
  [K_LOAD_END]       = { "loading_plateau_end_mpa", KEY_NUMBER, 0, 0, 1e6 },
  [K_UNLOAD_START]   = { "unloading_plateau_start_mpa", KEY_NUMBER, 0, 0, 1e6 },
  [K_UNLOAD_END]     = { "unloading_plateau_end_mpa", KEY_NUMBER, 0, 0, 1e6 },
  [K_TRANSFORMATION] = { "transformation_strain_pct", KEY_NUMBER, 0, 0, 0.01 },
};

typedef struct {
  char text[CUSP_DEVICE_TEXT_MAX];
  double number;
  long integer;
} KeyValue;

static int
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

static void
append_text (char *dest, size_t dest_size, const char *text)
{
  size_t used = strlen (dest);

  if (used > 0 && used + 1 < dest_size)
    dest[used++] = ' ', dest[used] = '\0';
  if (used < dest_size)
    snprintf (dest + used, dest_size - used, "%s", text);
}

/* Lengths were checked when the key was read; this only guarantees termination. */
static void
copy_text (char *dest, size_t dest_size, const char *text)
{
  size_t n = strlen (text);

  if (n >= dest_size)
    n = dest_size - 1;
  memcpy (dest, text, n);
  dest[n] = '\0';
}

static int
material_keys_apply (const CuspMaterialKind kind, int k)
{
  switch (k)
    {
    case K_YIELD: case K_HARDENING:
      return kind == CUSP_MATERIAL_COBALT_CHROMIUM;
    case K_E_MARTENSITE: case K_LOAD_START: case K_LOAD_END: case K_UNLOAD_START: case K_UNLOAD_END:
    case K_TRANSFORMATION:
      return kind == CUSP_MATERIAL_NITINOL;
    default:
      return 1;
    }
}

CuspDeviceStatus
cusp_device_def_parse (const char *text, size_t length, const char *file_name, CuspDeviceDef *out,
                       CuspDeviceError *error)
{
  const char *file = name_or_default (file_name);
  KeyValue *values;
  int seen[K_COUNT] = { 0 };
  int seen_line[K_COUNT] = { 0 };
  CuspDeviceDef d;
  size_t pos = 0;
  int line_no = 0;
  CuspDeviceStatus status = CUSP_DEVICE_OK;

  if (out == NULL || (text == NULL && length > 0))
    {
      set_error (error, CUSP_DEVICE_ERROR_INVALID_ARGUMENT, 0, "%s: no text or no output given", file);
      return CUSP_DEVICE_ERROR_INVALID_ARGUMENT;
    }
  values = calloc (K_COUNT, sizeof *values);
  if (values == NULL)
    {
      set_error (error, CUSP_DEVICE_ERROR_IO, 0, "%s: out of memory", file);
      return CUSP_DEVICE_ERROR_IO;
    }

  while (pos < length && status == CUSP_DEVICE_OK)
    {
      char line[LINE_MAX_BYTES + 1];
      size_t n = 0;
      char *key, *value, *eq, *end;
      int k;

      line_no++;
      while (pos < length && text[pos] != '\n')
        {
          if (text[pos] == '\0')
            {
              set_error (error, status = CUSP_DEVICE_ERROR_SYNTAX, line_no, "%s:%d: a NUL byte: this is not a text file", file, line_no);
              break;
            }
          if (n >= LINE_MAX_BYTES)
            {
              set_error (error, status = CUSP_DEVICE_ERROR_SYNTAX, line_no, "%s:%d: line longer than %d bytes", file, line_no, LINE_MAX_BYTES);
              break;
            }
          line[n++] = text[pos++];
        }
      if (status != CUSP_DEVICE_OK)
        break;
      pos++;                                   /* the '\n' */
      line[n] = '\0';
      if ((end = strchr (line, '#')) != NULL)
        *end = '\0';
      if ((end = strchr (line, '\r')) != NULL && end[1] == '\0')
        *end = '\0';
      for (key = line; is_blank (*key); key++)
        ;
      if (*key == '\0')
        continue;
      eq = strchr (key, '=');
      if (eq == NULL)
        {
          set_error (error, status = CUSP_DEVICE_ERROR_SYNTAX, line_no, "%s:%d: expected 'key = value', got '%s'", file, line_no, key);
          break;
        }
      for (end = eq; end > key && is_blank (end[-1]); end--)
        ;
      *end = '\0';
      for (value = eq + 1; is_blank (*value); value++)
        ;
      for (end = value + strlen (value); end > value && is_blank (end[-1]); end--)
        ;
      *end = '\0';

      for (k = 0; k < K_COUNT; k++)
        if (strcmp (key, keys[k].name) == 0)
          break;
      if (k == K_COUNT)
        {
          set_error (error, status = CUSP_DEVICE_ERROR_UNKNOWN_KEY, line_no, "%s:%d: unknown key '%s'", file, line_no, key);
          break;
        }
      if (seen[k] && !keys[k].repeatable)
        {
          set_error (error, status = CUSP_DEVICE_ERROR_DUPLICATE_KEY, line_no, "%s:%d: key '%s' given twice (first on line %d)",
                     file, line_no, key, seen_line[k]);
          break;
        }
      if (*value == '\0')
        {
          set_error (error, status = CUSP_DEVICE_ERROR_BAD_VALUE, line_no, "%s:%d: key '%s' has no value", file, line_no, key);
          break;
        }
      if (!seen[k])
        seen_line[k] = line_no;
      seen[k] = 1;

      switch (keys[k].type)
        {
        case KEY_TEXT:
          if (k == K_NAME && strlen (value) >= CUSP_DEVICE_NAME_MAX)
            {
              set_error (error, status = CUSP_DEVICE_ERROR_BAD_VALUE, line_no, "%s:%d: key 'name': longer than %d characters",
                         file, line_no, CUSP_DEVICE_NAME_MAX - 1);
              break;
            }
          append_text (values[k].text, sizeof values[k].text, value);
          break;
        case KEY_ID:
          if (strlen (value) >= CUSP_DEVICE_ID_MAX)
            {
              set_error (error, status = CUSP_DEVICE_ERROR_BAD_VALUE, line_no, "%s:%d: key 'id': longer than %d characters",
                         file, line_no, CUSP_DEVICE_ID_MAX - 1);
              break;
            }
          for (const char *c = value; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.'))
              {
                set_error (error, status = CUSP_DEVICE_ERROR_BAD_VALUE, line_no,
                           "%s:%d: key 'id': '%s' may hold only a-z, 0-9, '-', '_' and '.'", file, line_no, value);
                break;
              }
          snprintf (values[k].text, sizeof values[k].text, "%s", value);
          break;
        case KEY_NUMBER:
          if (!cusp_sim_parse_double (value, &values[k].number))
            set_error (error, status = CUSP_DEVICE_ERROR_NOT_A_NUMBER, line_no,
                       "%s:%d: key '%s': '%s' is not a number (write e.g. 26 or 0.45, with a decimal point)",
                       file, line_no, key, value);
          else
            values[k].number *= keys[k].scale;
          break;
        case KEY_INT:
          if (!cusp_sim_parse_int (value, &values[k].integer))
            set_error (error, status = CUSP_DEVICE_ERROR_NOT_A_NUMBER, line_no,
                       "%s:%d: key '%s': '%s' is not a whole number", file, line_no, key, value);
          break;
        case KEY_FAMILY:
          if (strcmp (value, "balloon_expandable") == 0)
            values[k].integer = CUSP_DEVICE_FAMILY_BALLOON_EXPANDABLE;
          else if (strcmp (value, "self_expanding") == 0)
            values[k].integer = CUSP_DEVICE_FAMILY_SELF_EXPANDING;
          else if (strcmp (value, "navitor_class") == 0)
            values[k].integer = CUSP_DEVICE_FAMILY_NAVITOR_CLASS;
          else
            set_error (error, status = CUSP_DEVICE_ERROR_BAD_VALUE, line_no,
                       "%s:%d: key 'family': '%s' is not balloon_expandable, self_expanding or navitor_class",
                       file, line_no, value);
          break;
        case KEY_MATERIAL:
          if (strcmp (value, "cobalt_chromium") == 0)
            values[k].integer = CUSP_MATERIAL_COBALT_CHROMIUM;
          else if (strcmp (value, "nitinol") == 0)
            values[k].integer = CUSP_MATERIAL_NITINOL;
          else
            set_error (error, status = CUSP_DEVICE_ERROR_BAD_VALUE, line_no,
                       "%s:%d: key 'material': '%s' is not cobalt_chromium or nitinol", file, line_no, value);
          break;
        }
    }

  for (int k = 0; k < K_COUNT && status == CUSP_DEVICE_OK; k++)
    if (keys[k].required && !seen[k])
      set_error (error, status = CUSP_DEVICE_ERROR_MISSING_KEY, 0, "%s: missing key '%s'", file, keys[k].name);

  if (status == CUSP_DEVICE_OK)
    {
      /* Sizing: an area pair (balloon-expandable charts) or a perimeter pair (self-expanding
       * charts), whole, and not both: the unit then follows from the keys. */
      int area = seen[K_AREA_MIN] + seen[K_AREA_MAX];
      int perimeter = seen[K_PERIMETER_MIN] + seen[K_PERIMETER_MAX];
      if (area > 0 && perimeter > 0)
        set_error (error, status = CUSP_DEVICE_ERROR_INCONSISTENT, seen_line[seen[K_PERIMETER_MIN] ? K_PERIMETER_MIN : K_PERIMETER_MAX],
                   "%s:%d: key '%s': give the annulus sizing range as an area or as a perimeter, not both", file,
                   seen_line[seen[K_PERIMETER_MIN] ? K_PERIMETER_MIN : K_PERIMETER_MAX],
                   keys[seen[K_PERIMETER_MIN] ? K_PERIMETER_MIN : K_PERIMETER_MAX].name);
      else if (area == 0 && perimeter == 0)
        set_error (error, status = CUSP_DEVICE_ERROR_MISSING_KEY, 0,
                   "%s: missing key 'annulus_area_min_mm2' (with annulus_area_max_mm2) or 'annulus_perimeter_min_mm' "
                   "(with annulus_perimeter_max_mm)", file);
      else if (area == 1 || perimeter == 1)
        {
          int missing = area == 1 ? (seen[K_AREA_MIN] ? K_AREA_MAX : K_AREA_MIN)
                                  : (seen[K_PERIMETER_MIN] ? K_PERIMETER_MAX : K_PERIMETER_MIN);
          set_error (error, status = CUSP_DEVICE_ERROR_MISSING_KEY, 0, "%s: missing key '%s'", file, keys[missing].name);
        }
    }

  if (status == CUSP_DEVICE_OK)
    {
      CuspMaterialKind kind = (CuspMaterialKind) values[K_MATERIAL].integer;
      for (int k = K_E; k < K_COUNT && status == CUSP_DEVICE_OK; k++)
        if (seen[k] && !material_keys_apply (kind, k))
          set_error (error, status = CUSP_DEVICE_ERROR_UNKNOWN_KEY, seen_line[k],
                     "%s:%d: key '%s' does not apply to material %s", file, seen_line[k], keys[k].name,
                     cusp_device_material_to_string (kind));
    }

  if (status == CUSP_DEVICE_OK)
    {
      memset (&d, 0, sizeof d);
      copy_text (d.id, sizeof d.id, values[K_ID].text);
      copy_text (d.display_name, sizeof d.display_name, values[K_NAME].text);
      d.family = (CuspDeviceFamily) values[K_FAMILY].integer;
      d.material = cusp_device_material_default ((CuspMaterialKind) values[K_MATERIAL].integer);
      d.nominal_diameter_mm = values[K_NOMINAL].number;
      d.height_mm = values[K_HEIGHT].number;
      d.inflow_diameter_mm = values[K_INFLOW].number;
      d.waist_diameter_mm = values[K_WAIST].number;
      d.outflow_diameter_mm = values[K_OUTFLOW].number;
      /* Clamped into int range here; validation rejects anything out of its own range. */
      d.cell_rows = values[K_ROWS].integer > 100000 || values[K_ROWS].integer < -100000 ? -1 : (int) values[K_ROWS].integer;
      d.cells_per_row = values[K_CELLS].integer > 100000 || values[K_CELLS].integer < -100000 ? -1 : (int) values[K_CELLS].integer;
      d.strut_width_mm = values[K_STRUT_W].number;
      d.strut_thickness_mm = values[K_STRUT_T].number;
      d.skirt_height_mm = values[K_SKIRT].number;
      d.commissure_height_mm = values[K_COMMISSURE].number;
      d.crimped_diameter_mm = values[K_CRIMPED].number;
      d.sizing = seen[K_AREA_MIN] ? CUSP_SIZING_BY_AREA : CUSP_SIZING_BY_PERIMETER;
      d.sizing_min = values[d.sizing == CUSP_SIZING_BY_AREA ? K_AREA_MIN : K_PERIMETER_MIN].number;
      d.sizing_max = values[d.sizing == CUSP_SIZING_BY_AREA ? K_AREA_MAX : K_PERIMETER_MAX].number;
      snprintf (d.source, sizeof d.source, "%s", values[K_SOURCE].text);
      snprintf (d.notes, sizeof d.notes, "%s", values[K_NOTE].text);
      if (seen[K_E]) d.material.youngs_modulus_pa = values[K_E].number;
      if (seen[K_NU]) d.material.poisson_ratio = values[K_NU].number;
      if (seen[K_YIELD]) d.material.yield_stress_pa = values[K_YIELD].number;
      if (seen[K_HARDENING]) d.material.hardening_modulus_pa = values[K_HARDENING].number;
      if (seen[K_E_MARTENSITE]) d.material.martensite_modulus_pa = values[K_E_MARTENSITE].number;
      if (seen[K_LOAD_START]) d.material.loading_plateau_start_pa = values[K_LOAD_START].number;
      if (seen[K_LOAD_END]) d.material.loading_plateau_end_pa = values[K_LOAD_END].number;
      if (seen[K_UNLOAD_START]) d.material.unloading_plateau_start_pa = values[K_UNLOAD_START].number;
      if (seen[K_UNLOAD_END]) d.material.unloading_plateau_end_pa = values[K_UNLOAD_END].number;
      if (seen[K_TRANSFORMATION]) d.material.transformation_strain = values[K_TRANSFORMATION].number;

      status = cusp_device_def_validate (&d, file, error);
      if (status != CUSP_DEVICE_OK && error != NULL)
        {
          /* Point at the line of the offending key when the message names one. */
          for (int k = 0; k < K_COUNT; k++)
            {
              char quoted[80];
              snprintf (quoted, sizeof quoted, "key '%s'", keys[k].name);
              if (seen_line[k] > 0 && strstr (error->message, quoted) != NULL)
                {
                  char rest[CUSP_DEVICE_ERROR_MAX];
                  size_t prefix = strlen (file) + 2;     /* "FILE: " */
                  snprintf (rest, sizeof rest, "%s", strlen (error->message) > prefix ? error->message + prefix : error->message);
                  set_error (error, status, seen_line[k], "%s:%d: %s", file, seen_line[k], rest);
                  break;
                }
            }
        }
      if (status == CUSP_DEVICE_OK)
        *out = d;
    }

  free (values);
  return status;
}

CuspDeviceStatus
cusp_device_def_load_file (const char *path, CuspDeviceDef *out, CuspDeviceError *error)
{
  FILE *f;
  char *buffer;
  size_t length;
  CuspDeviceStatus status;

  if (path == NULL || out == NULL)
    {
      set_error (error, CUSP_DEVICE_ERROR_INVALID_ARGUMENT, 0, "no file name or no output given");
      return CUSP_DEVICE_ERROR_INVALID_ARGUMENT;
    }
  f = fopen (path, "rb");
  if (f == NULL)
    {
      set_error (error, CUSP_DEVICE_ERROR_IO, 0, "%s: cannot open: %s", path, strerror (errno));
      return CUSP_DEVICE_ERROR_IO;
    }
  buffer = malloc (FILE_MAX_BYTES + 1);
  if (buffer == NULL)
    {
      fclose (f);
      set_error (error, CUSP_DEVICE_ERROR_IO, 0, "%s: out of memory", path);
      return CUSP_DEVICE_ERROR_IO;
    }
  length = fread (buffer, 1, FILE_MAX_BYTES + 1, f);
  if (ferror (f))
    {
      set_error (error, status = CUSP_DEVICE_ERROR_IO, 0, "%s: cannot read: %s", path, strerror (errno));
    }
  else if (length > FILE_MAX_BYTES)
    {
      set_error (error, status = CUSP_DEVICE_ERROR_IO, 0, "%s: larger than %d bytes: not a device file", path, FILE_MAX_BYTES);
    }
  else
    status = cusp_device_def_parse (buffer, length, path, out, error);
  fclose (f);
  free (buffer);
  return status;
}

/* ---- library ----------------------------------------------------------------------------- */

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
ends_with (const char *s, const char *suffix)
{
  size_t ls = strlen (s), lx = strlen (suffix);
  return ls > lx && strcmp (s + ls - lx, suffix) == 0;
}

static int
push_problem (CuspDeviceLibrary *lib, const CuspDeviceError *problem)
{
  CuspDeviceError *grown = realloc (lib->problems, (size_t) (lib->problem_count + 1) * sizeof *grown);
  if (grown == NULL)
    return 0;
  lib->problems = grown;
  lib->problems[lib->problem_count++] = *problem;
  return 1;
}

static int
push_device (CuspDeviceLibrary *lib, const CuspDeviceDef *def)
{
  CuspDeviceDef *grown = realloc (lib->devices, (size_t) (lib->device_count + 1) * sizeof *grown);
  if (grown == NULL)
    return 0;
  lib->devices = grown;
  lib->devices[lib->device_count++] = *def;
  return 1;
}

static void
load_directory (CuspDeviceLibrary *lib, const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *entry;
  char **names = NULL;
  size_t count = 0, capacity = 0;
  CuspDeviceError problem;

  if (d == NULL)
    {
      set_error (&problem, CUSP_DEVICE_ERROR_IO, 0, "%s: cannot read the device folder: %s", dir, strerror (errno));
      push_problem (lib, &problem);
      return;
    }
  while ((entry = readdir (d)) != NULL)
    {
      if (entry->d_name[0] == '.' || !ends_with (entry->d_name, ".device"))
        continue;
      if (count == capacity)
        {
          size_t new_capacity = capacity ? 2 * capacity : 16;
          char **grown = realloc (names, new_capacity * sizeof *grown);
          if (grown == NULL)
            break;
          names = grown;
          capacity = new_capacity;
        }
      names[count] = strdup (entry->d_name);
      if (names[count] != NULL)
        count++;
    }
  closedir (d);
  /* readdir order is the file system's: sort so the library is the same on every machine. */
  if (count > 0)
    qsort (names, count, sizeof *names, compare_names);

  for (size_t i = 0; i < count; i++)
    {
      size_t path_len = strlen (dir) + strlen (names[i]) + 2;
      char *path = malloc (path_len);
      CuspDeviceDef def;

      if (path == NULL)
        continue;
      snprintf (path, path_len, "%s/%s", dir, names[i]);
      if (cusp_device_def_load_file (path, &def, &problem) != CUSP_DEVICE_OK)
        push_problem (lib, &problem);
      else if (cusp_device_library_find (lib, def.id) != NULL)
        {
          set_error (&problem, CUSP_DEVICE_ERROR_DUPLICATE_ID, 0,
                     "%s: id '%s' is already used by another device file; this one is ignored", path, def.id);
          push_problem (lib, &problem);
        }
      else
        push_device (lib, &def);
      free (path);
      free (names[i]);
    }
  free (names);
}

CuspDeviceStatus
cusp_device_library_load (CuspDeviceLibrary *library, const char *const *dirs, int dir_count)
{
  if (library == NULL || (dirs == NULL && dir_count > 0) || dir_count < 0)
    return CUSP_DEVICE_ERROR_INVALID_ARGUMENT;
  memset (library, 0, sizeof *library);
  for (int i = 0; i < dir_count; i++)
    if (dirs[i] != NULL)
      load_directory (library, dirs[i]);
  return library->problem_count > 0 ? library->problems[0].status : CUSP_DEVICE_OK;
}

void
cusp_device_library_clear (CuspDeviceLibrary *library)
{
  if (library == NULL)
    return;
  free (library->devices);
  free (library->problems);
  memset (library, 0, sizeof *library);
}

const CuspDeviceDef *
cusp_device_library_find (const CuspDeviceLibrary *library, const char *id)
{
  if (library == NULL || id == NULL)
    return NULL;
  for (int i = 0; i < library->device_count; i++)
    if (strcmp (library->devices[i].id, id) == 0)
      return &library->devices[i];
  return NULL;
}

CuspDeviceStatus
cusp_device_sizing_check (const CuspDeviceDef *def, double area_mm2, double perimeter_mm, CuspSizingCheck *out,
                          CuspDeviceError *error)
{
  CuspSizingCheck c;
  double d;

  if (def == NULL || out == NULL)
    {
      set_error (error, CUSP_DEVICE_ERROR_INVALID_ARGUMENT, 0, "no device or no output given");
      return CUSP_DEVICE_ERROR_INVALID_ARGUMENT;
    }
  if (!isfinite (area_mm2) || !isfinite (perimeter_mm) || area_mm2 <= 0.0 || perimeter_mm <= 0.0
      || area_mm2 > 5000.0 || perimeter_mm > 500.0)
    {
      set_error (error, CUSP_DEVICE_ERROR_OUT_OF_RANGE, 0,
                 "annulus area %g mm2 and perimeter %g mm are not a measurement (expected finite, positive)",
                 area_mm2, perimeter_mm);
      return CUSP_DEVICE_ERROR_OUT_OF_RANGE;
    }
  /* The isoperimetric inequality P^2 >= 4 pi A: a closed curve cannot hold more area. 1e-9 lets a
   * perfect circle through. */
  if (perimeter_mm * perimeter_mm < 4.0 * M_PI * area_mm2 * (1.0 - 1e-9))
    {
      set_error (error, CUSP_DEVICE_ERROR_INCONSISTENT, 0,
                 "annulus area %g mm2 cannot fit inside a perimeter of %g mm (a circle of that perimeter holds %.0f mm2)",
                 area_mm2, perimeter_mm, perimeter_mm * perimeter_mm / (4.0 * M_PI));
      return CUSP_DEVICE_ERROR_INCONSISTENT;
    }
  d = def->nominal_diameter_mm;
  c.annulus_value = def->sizing == CUSP_SIZING_BY_AREA ? area_mm2 : perimeter_mm;
  c.fit = c.annulus_value < def->sizing_min ? CUSP_SIZING_ANNULUS_TOO_SMALL
          : c.annulus_value > def->sizing_max ? CUSP_SIZING_ANNULUS_TOO_LARGE : CUSP_SIZING_IN_RANGE;
  c.area_oversizing_pct = (M_PI * d * d / 4.0 / area_mm2 - 1.0) * 100.0;
  c.perimeter_oversizing_pct = (M_PI * d / perimeter_mm - 1.0) * 100.0;
  *out = c;
  return CUSP_DEVICE_OK;
}

const char *
cusp_device_family_to_string (CuspDeviceFamily family)
{
  switch (family)
    {
    case CUSP_DEVICE_FAMILY_BALLOON_EXPANDABLE: return "balloon_expandable";
    case CUSP_DEVICE_FAMILY_SELF_EXPANDING:     return "self_expanding";
    case CUSP_DEVICE_FAMILY_NAVITOR_CLASS:      return "navitor_class";
    default:                                    return "unknown";
    }
}

const char *
cusp_device_material_to_string (CuspMaterialKind kind)
{
  switch (kind)
    {
    case CUSP_MATERIAL_COBALT_CHROMIUM: return "cobalt_chromium";
    case CUSP_MATERIAL_NITINOL:         return "nitinol";
    default:                            return "unknown";
    }
}

const char *
cusp_device_sizing_to_string (CuspSizingBasis sizing)
{
  switch (sizing)
    {
    case CUSP_SIZING_BY_AREA:      return "area";
    case CUSP_SIZING_BY_PERIMETER: return "perimeter";
    default:                       return "unknown";
    }
}
