/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-device.c: the device library — built-in files, malformed files, the directory loader,
 * locale independence and a fuzz loop over device numbers and file bytes. */
#include "cusp-sim-device.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

static char *
builtin_dir (void)
{
  const char *root = g_getenv ("CUSP_SOURCE_ROOT");
  return root ? g_build_filename (root, "data", "devices", NULL)
              : g_test_build_filename (G_TEST_DIST, "..", "..", "data", "devices", NULL);
}

/* A valid file the malformed cases are made from, one key per line so a case can replace a line. */
static const char *good_text =
  "# a test device\n"
  "id = test-26\n"
  "name = Test 26 mm\n"
  "family = balloon_expandable\n"
  "material = cobalt_chromium\n"
  "nominal_diameter_mm = 26\n"
  "height_mm = 20\n"
  "inflow_diameter_mm = 26\n"
  "waist_diameter_mm = 26\n"
  "outflow_diameter_mm = 26\n"
  "cell_rows = 4\n"
  "cells_per_row = 12\n"
  "strut_width_mm = 0.30\n"
  "strut_thickness_mm = 0.45   # radial\n"
  "skirt_height_mm = 9\n"
  "commissure_height_mm = 16\n"
  "crimped_diameter_mm = 6.5\n"
  "annulus_area_min_mm2 = 430\n"
  "annulus_area_max_mm2 = 546\n"
  "source = test\n";

/* good_text with the line starting with `key =` replaced by `replacement` (NULL: deleted), or
 * `replacement` appended when key is NULL. */
static char *
edit_text (const char *key, const char *replacement)
{
  g_auto(GStrv) lines = g_strsplit (good_text, "\n", -1);
  GString *out = g_string_new (NULL);
  g_autofree char *prefix = key ? g_strdup_printf ("%s =", key) : NULL;
  gboolean replaced = FALSE;

  for (int i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0' && lines[i + 1] == NULL)
        break;
      if (prefix && !replaced && g_str_has_prefix (lines[i], prefix))
        {
          replaced = TRUE;
          if (replacement)
            g_string_append_printf (out, "%s\n", replacement);
          continue;
        }
      g_string_append_printf (out, "%s\n", lines[i]);
    }
  if (key == NULL)
    g_string_append_printf (out, "%s\n", replacement);
  else
    g_assert_true (replaced);
  return g_string_free (out, FALSE);
}

static void
test_builtin_files (void)
{
  g_autofree char *dir = builtin_dir ();
  const char *dirs[] = { dir };
  CuspDeviceLibrary lib;
  int families[3] = { 0 };
  const char *expected[] = { "sapien3-class-20", "sapien3-class-23", "sapien3-class-26", "sapien3-class-29",
                             "evolut-class-23", "evolut-class-26", "evolut-class-29", "evolut-class-34",
                             "navitor-class-23", "navitor-class-25", "navitor-class-27", "navitor-class-29" };

  g_assert_cmpint (cusp_device_library_load (&lib, dirs, 1), ==, CUSP_DEVICE_OK);
  for (int i = 0; i < lib.problem_count; i++)
    g_test_message ("problem: %s", lib.problems[i].message);
  g_assert_cmpint (lib.problem_count, ==, 0);
  g_assert_cmpint (lib.device_count, ==, 12);
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const CuspDeviceDef *d = cusp_device_library_find (&lib, expected[i]);
      g_autofree char *path = g_strdup_printf ("%s/%s.device", dir, expected[i]);
      g_autofree char *text = NULL;
      CuspDeviceError err;

      g_assert_nonnull (d);
      g_assert_cmpint (cusp_device_def_validate (d, NULL, &err), ==, CUSP_DEVICE_OK);
      families[d->family]++;
      /* The labelled size in the id is the nominal diameter. */
      g_assert_cmpfloat (d->nominal_diameter_mm, ==, g_ascii_strtod (strrchr (expected[i], '-') + 1, NULL));
      g_assert_true (d->material.kind == (d->family == CUSP_DEVICE_FAMILY_BALLOON_EXPANDABLE
                                          ? CUSP_MATERIAL_COBALT_CHROMIUM : CUSP_MATERIAL_NITINOL));
      /* Every file says it is a stand-in and which values were chosen. */
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_assert_nonnull (strstr (text, "PARAMETRIC STAND-IN"));
      g_assert_nonnull (strstr (text, "CHOSEN"));
      g_assert_cmpstr (d->source, !=, "");
    }
  g_assert_cmpint (families[CUSP_DEVICE_FAMILY_BALLOON_EXPANDABLE], ==, 4);
  g_assert_cmpint (families[CUSP_DEVICE_FAMILY_SELF_EXPANDING], ==, 4);
  g_assert_cmpint (families[CUSP_DEVICE_FAMILY_NAVITOR_CLASS], ==, 4);

  /* Sizing charts of DOMAIN.md 3. */
  {
    const CuspDeviceDef *s26 = cusp_device_library_find (&lib, "sapien3-class-26");
    const CuspDeviceDef *e34 = cusp_device_library_find (&lib, "evolut-class-34");
    g_assert_cmpint (s26->sizing, ==, CUSP_SIZING_BY_AREA);
    g_assert_cmpfloat (s26->sizing_min, ==, 430.0);
    g_assert_cmpfloat (s26->sizing_max, ==, 546.0);
    g_assert_cmpfloat (s26->height_mm, ==, 20.0);
    g_assert_cmpint (e34->sizing, ==, CUSP_SIZING_BY_PERIMETER);
    g_assert_cmpfloat (e34->sizing_min, ==, 81.7);
    g_assert_cmpfloat (e34->sizing_max, ==, 94.2);
    /* SE508 defaults (DOMAIN.md 6). */
    g_assert_cmpfloat (e34->material.loading_plateau_start_pa, ==, 395e6);
    g_assert_cmpfloat (e34->material.martensite_modulus_pa, ==, 24.75e9);
    g_assert_cmpfloat_with_epsilon (e34->material.transformation_strain, 0.042, 1e-15);
  }
  cusp_device_library_clear (&lib);
  g_assert_null (lib.devices);
  g_assert_cmpint (lib.device_count, ==, 0);
}

static void
test_good_text_and_overrides (void)
{
  CuspDeviceDef d;
  CuspDeviceError err;
  g_autofree char *crlf = NULL;
  g_autofree char *with_material = edit_text (NULL, "youngs_modulus_gpa = 240\nyield_stress_mpa = 5.0e2");

  g_assert_cmpint (cusp_device_def_parse (good_text, strlen (good_text), "good", &d, &err), ==, CUSP_DEVICE_OK);
  g_assert_cmpstr (d.id, ==, "test-26");
  g_assert_cmpstr (d.display_name, ==, "Test 26 mm");
  g_assert_cmpfloat (d.strut_thickness_mm, ==, 0.45);
  g_assert_cmpint (d.cells_per_row, ==, 12);
  g_assert_cmpfloat (d.material.youngs_modulus_pa, ==, 233e9);

  g_assert_cmpint (cusp_device_def_parse (with_material, strlen (with_material), "m", &d, &err), ==, CUSP_DEVICE_OK);
  g_assert_cmpfloat (d.material.youngs_modulus_pa, ==, 240e9);
  g_assert_cmpfloat (d.material.yield_stress_pa, ==, 500e6);

  /* Windows line endings. */
  {
    g_auto(GStrv) lines = g_strsplit (good_text, "\n", -1);
    crlf = g_strjoinv ("\r\n", lines);
  }
  g_assert_cmpint (cusp_device_def_parse (crlf, strlen (crlf), "crlf", &d, &err), ==, CUSP_DEVICE_OK);
  g_assert_cmpfloat (d.sizing_max, ==, 546.0);

  /* The default definition is valid. */
  d = cusp_device_def_default ();
  g_assert_cmpint (cusp_device_def_validate (&d, NULL, &err), ==, CUSP_DEVICE_OK);
}

typedef struct {
  const char *file;            /* file name in the temp dir */
  const char *key;             /* line to replace (NULL: append) */
  const char *replacement;     /* NULL: delete the line */
  const char *key2, *replacement2;
  CuspDeviceStatus status;
  const char *message_part;
  int line;                    /* expected line, 0: not checked, -1: must be 0 */
} BadCase;

static const BadCase bad_cases[] = {
  { "unknown-key.device", NULL, "colour = red", NULL, NULL, CUSP_DEVICE_ERROR_UNKNOWN_KEY, "unknown key 'colour'", 21 },
  { "missing-key.device", "height_mm", NULL, NULL, NULL, CUSP_DEVICE_ERROR_MISSING_KEY, "missing key 'height_mm'", -1 },
  { "word.device", "height_mm", "height_mm = twenty", NULL, NULL, CUSP_DEVICE_ERROR_NOT_A_NUMBER, "key 'height_mm': 'twenty' is not a number", 7 },
  { "nan.device", "height_mm", "height_mm = nan", NULL, NULL, CUSP_DEVICE_ERROR_NOT_A_NUMBER, "'nan' is not a number", 7 },
  { "inf.device", "strut_width_mm", "strut_width_mm = inf", NULL, NULL, CUSP_DEVICE_ERROR_NOT_A_NUMBER, "key 'strut_width_mm'", 13 },
  { "comma.device", "strut_width_mm", "strut_width_mm = 0,30", NULL, NULL, CUSP_DEVICE_ERROR_NOT_A_NUMBER, "'0,30' is not a number", 13 },
  { "unit-text.device", "height_mm", "height_mm = 20 mm", NULL, NULL, CUSP_DEVICE_ERROR_NOT_A_NUMBER, "'20 mm'", 7 },
  { "hex.device", "height_mm", "height_mm = 0x14", NULL, NULL, CUSP_DEVICE_ERROR_NOT_A_NUMBER, "'0x14'", 7 },
  { "overflow.device", "height_mm", "height_mm = 1e999", NULL, NULL, CUSP_DEVICE_ERROR_NOT_A_NUMBER, "'1e999'", 7 },
  { "negative.device", "height_mm", "height_mm = -20", NULL, NULL, CUSP_DEVICE_ERROR_OUT_OF_RANGE, "key 'height_mm': -20 mm is impossible", 7 },
  { "zero-height.device", "height_mm", "height_mm = 0", NULL, NULL, CUSP_DEVICE_ERROR_OUT_OF_RANGE, "key 'height_mm'", 7 },
  { "fractional-rows.device", "cell_rows", "cell_rows = 2.5", NULL, NULL, CUSP_DEVICE_ERROR_NOT_A_NUMBER, "not a whole number", 11 },
  { "wide-strut.device", "strut_width_mm", "strut_width_mm = 1.9", "cell_rows", "cell_rows = 8", CUSP_DEVICE_ERROR_INCONSISTENT, "do not fit 8 rows", 13 },
  { "wide-strut-cells.device", "strut_width_mm", "strut_width_mm = 1.2", "cells_per_row", "cells_per_row = 40", CUSP_DEVICE_ERROR_INCONSISTENT, "do not fit 40 cells", 13 },
  { "crimped.device", "crimped_diameter_mm", "crimped_diameter_mm = 26", NULL, NULL, CUSP_DEVICE_ERROR_INCONSISTENT, "key 'crimped_diameter_mm': the crimped diameter 26 mm must be below", 17 },
  { "skirt.device", "skirt_height_mm", "skirt_height_mm = 25", NULL, NULL, CUSP_DEVICE_ERROR_INCONSISTENT, "reaches above the frame", 15 },
  { "twice.device", NULL, "height_mm = 21", NULL, NULL, CUSP_DEVICE_ERROR_DUPLICATE_KEY, "key 'height_mm' given twice (first on line 7)", 21 },
  { "family.device", "family", "family = balloon", NULL, NULL, CUSP_DEVICE_ERROR_BAD_VALUE, "'balloon' is not balloon_expandable", 4 },
  { "no-equals.device", "height_mm", "height_mm 20", NULL, NULL, CUSP_DEVICE_ERROR_SYNTAX, "expected 'key = value'", 7 },
  { "empty-value.device", "height_mm", "height_mm =", NULL, NULL, CUSP_DEVICE_ERROR_BAD_VALUE, "has no value", 7 },
  { "se-cocr.device", "family", "family = self_expanding", NULL, NULL, CUSP_DEVICE_ERROR_INCONSISTENT, "must be superelastic", 5 },
  { "units.device", "annulus_area_min_mm2", "annulus_perimeter_min_mm = 430", "annulus_area_max_mm2", "annulus_perimeter_max_mm = 546",
    CUSP_DEVICE_ERROR_INCONSISTENT, "key 'annulus_perimeter_min_mm': the sizing range (annulus 136.9-173.8 mm across)", 18 },
  { "both-sizings.device", NULL, "annulus_perimeter_min_mm = 75", NULL, NULL, CUSP_DEVICE_ERROR_INCONSISTENT, "not both", 21 },
  { "half-sizing.device", "annulus_area_max_mm2", NULL, NULL, NULL, CUSP_DEVICE_ERROR_MISSING_KEY, "missing key 'annulus_area_max_mm2'", -1 },
  { "no-sizing.device", "annulus_area_min_mm2", NULL, "annulus_area_max_mm2", "# no sizing", CUSP_DEVICE_ERROR_MISSING_KEY,
    "missing key 'annulus_area_min_mm2' (with annulus_area_max_mm2) or 'annulus_perimeter_min_mm'", -1 },
  { "wrong-material-key.device", NULL, "martensite_modulus_gpa = 20", NULL, NULL, CUSP_DEVICE_ERROR_UNKNOWN_KEY, "does not apply to material cobalt_chromium", 21 },
  { "bad-id.device", "id", "id = Test 26", NULL, NULL, CUSP_DEVICE_ERROR_BAD_VALUE, "may hold only", 2 },
  { "nu.device", NULL, "poisson_ratio = 0.6", NULL, NULL, CUSP_DEVICE_ERROR_OUT_OF_RANGE, "key 'poisson_ratio'", 21 },
};

static char *
bad_case_text (const BadCase *c)
{
  g_autofree char *once = edit_text (c->key, c->replacement);
  if (c->key2 == NULL)
    return g_steal_pointer (&once);
  {
    /* Apply the second edit on top of the first. */
    g_auto(GStrv) lines = g_strsplit (once, "\n", -1);
    g_autofree char *prefix = g_strdup_printf ("%s =", c->key2);
    for (int i = 0; lines[i] != NULL; i++)
      if (g_str_has_prefix (lines[i], prefix))
        {
          g_free (lines[i]);
          lines[i] = g_strdup (c->replacement2);
        }
    return g_strjoinv ("\n", lines);
  }
}

static void
test_malformed_files (void)
{
  g_autoptr(GError) gerr = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cusp-devices-XXXXXX", &gerr);
  g_autofree char *good_path = NULL;
  const char *dirs[1];
  CuspDeviceLibrary lib;

  g_assert_no_error (gerr);
  good_path = g_build_filename (dir, "a-good.device", NULL);
  g_assert_true (g_file_set_contents (good_path, good_text, -1, NULL));

  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      const BadCase *c = &bad_cases[i];
      g_autofree char *text = bad_case_text (c);
      g_autofree char *path = g_build_filename (dir, c->file, NULL);
      CuspDeviceDef d;
      CuspDeviceError err;
      CuspDeviceStatus s;

      g_assert_true (g_file_set_contents (path, text, -1, NULL));
      memset (&d, 0x5a, sizeof d);
      s = cusp_device_def_load_file (path, &d, &err);
      g_test_message ("%s -> %d: %s", c->file, s, err.message);
      g_assert_cmpint (s, ==, c->status);
      g_assert_cmpint (err.status, ==, c->status);
      g_assert_nonnull (strstr (err.message, c->message_part));
      g_assert_nonnull (strstr (err.message, path));            /* names the file */
      g_assert_null (strchr (err.message, '\n'));               /* one line */
      if (c->line > 0)
        {
          g_autofree char *where = g_strdup_printf ("%s:%d:", path, c->line);
          g_assert_cmpint (err.line, ==, c->line);
          g_assert_nonnull (strstr (err.message, where));
        }
      else if (c->line < 0)
        g_assert_cmpint (err.line, ==, 0);
      /* Nothing is written to the output on failure. */
      g_assert_cmpint (((unsigned char *) &d)[0], ==, 0x5a);
    }

  /* A NUL byte in the file. */
  {
    g_autofree char *path = g_build_filename (dir, "binary.device", NULL);
    const char bytes[] = "id = x\0\nname = y\n";
    CuspDeviceDef d;
    CuspDeviceError err;
    g_assert_true (g_file_set_contents (path, bytes, sizeof bytes - 1, NULL));
    g_assert_cmpint (cusp_device_def_load_file (path, &d, &err), ==, CUSP_DEVICE_ERROR_SYNTAX);
    g_assert_nonnull (strstr (err.message, "NUL byte"));
  }

  /* The loader keeps the good file and reports every bad one. */
  dirs[0] = dir;
  g_assert_cmpint (cusp_device_library_load (&lib, dirs, 1), !=, CUSP_DEVICE_OK);
  g_assert_cmpint (lib.device_count, ==, 1);
  g_assert_cmpstr (lib.devices[0].id, ==, "test-26");
  g_assert_cmpint (lib.problem_count, ==, (int) G_N_ELEMENTS (bad_cases) + 1);
  for (int i = 0; i < lib.problem_count; i++)
    g_assert_nonnull (strstr (lib.problems[i].message, dir));
  cusp_device_library_clear (&lib);
  cusp_device_library_clear (NULL);

  {
    GDir *d = g_dir_open (dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);
        g_unlink (p);
      }
    g_dir_close (d);
    g_rmdir (dir);
  }
}

static void
test_library_dirs (void)
{
  g_autofree char *builtin = builtin_dir ();
  g_autoptr(GError) gerr = NULL;
  g_autofree char *user = g_dir_make_tmp ("cusp-user-devices-XXXXXX", &gerr);
  g_autofree char *dup_path = g_build_filename (user, "copy.device", NULL);
  g_autofree char *own_path = g_build_filename (user, "own.device", NULL);
  g_autofree char *ignored_path = g_build_filename (user, "readme.txt", NULL);
  g_autofree char *copy = NULL;
  g_autofree char *own = edit_text ("id", "id = my-own-26");
  const char *dirs[3];
  CuspDeviceLibrary lib;

  g_assert_no_error (gerr);
  g_autofree char *builtin_26 = g_build_filename (builtin, "sapien3-class-26.device", NULL);

  g_assert_true (g_file_get_contents (builtin_26, &copy, NULL, NULL));
  g_assert_true (g_file_set_contents (dup_path, copy, -1, NULL));
  g_assert_true (g_file_set_contents (own_path, own, -1, NULL));
  g_assert_true (g_file_set_contents (ignored_path, "not a device", -1, NULL));

  dirs[0] = builtin;
  dirs[1] = user;
  dirs[2] = "/nonexistent/cusp/devices";
  g_assert_cmpint (cusp_device_library_load (&lib, dirs, 3), ==, CUSP_DEVICE_ERROR_DUPLICATE_ID);
  g_assert_cmpint (lib.device_count, ==, 13);
  g_assert_nonnull (cusp_device_library_find (&lib, "my-own-26"));
  g_assert_null (cusp_device_library_find (&lib, "nope"));
  g_assert_cmpint (lib.problem_count, ==, 2);
  g_assert_cmpint (lib.problems[0].status, ==, CUSP_DEVICE_ERROR_DUPLICATE_ID);
  g_assert_nonnull (strstr (lib.problems[0].message, "copy.device"));
  g_assert_nonnull (strstr (lib.problems[0].message, "'sapien3-class-26' is already used"));
  g_assert_cmpint (lib.problems[1].status, ==, CUSP_DEVICE_ERROR_IO);
  g_assert_nonnull (strstr (lib.problems[1].message, "/nonexistent/cusp/devices"));
  cusp_device_library_clear (&lib);

  g_unlink (dup_path);
  g_unlink (own_path);
  g_unlink (ignored_path);
  g_rmdir (user);
}

static void
test_locale_independent (void)
{
  const char *locales[] = { "de_DE.UTF-8", "fr_FR.UTF-8", "de_DE", "fr_FR" };
  const char *found = NULL;
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));
  CuspDeviceDef d;
  CuspDeviceError err;

  for (gsize i = 0; i < G_N_ELEMENTS (locales) && !found; i++)
    if (setlocale (LC_NUMERIC, locales[i]) != NULL)
      found = locales[i];
  if (found == NULL)
    {
      g_test_skip ("no decimal-comma locale (de_DE / fr_FR) is installed on this machine");
      return;
    }
  g_assert_cmpint (cusp_device_def_parse (good_text, strlen (good_text), "good", &d, &err), ==, CUSP_DEVICE_OK);
  g_assert_cmpfloat (d.strut_width_mm, ==, 0.30);
  setlocale (LC_NUMERIC, saved);
}

/* The SCCT 2019 charts (DOMAIN.md 3), inclusive at both ends, and the oversizing formulas of
 * DOMAIN.md 4: a 26 mm valve on a 442.44 mm2 annulus is pi 13^2 / 442.44 - 1 = 20.0 % oversized. */
static void
test_sizing_check (void)
{
  g_autofree char *dir = builtin_dir ();
  const char *dirs[] = { dir };
  CuspDeviceLibrary lib;
  const CuspDeviceDef *s26, *e29;
  CuspSizingCheck c;
  CuspDeviceError err;

  cusp_device_library_load (&lib, dirs, 1);
  s26 = cusp_device_library_find (&lib, "sapien3-class-26");
  e29 = cusp_device_library_find (&lib, "evolut-class-29");
  g_assert_nonnull (s26);
  g_assert_nonnull (e29);

  /* Area chart 430-546 mm2; perimeters chosen consistent with each area (circle + 2 %). */
#define PERIM(a) (1.02 * 2.0 * sqrt (G_PI * (a)))
  g_assert_cmpint (cusp_device_sizing_check (s26, 430.0, PERIM (430.0), &c, &err), ==, CUSP_DEVICE_OK);
  g_assert_cmpint (c.fit, ==, CUSP_SIZING_IN_RANGE);
  g_assert_cmpint (cusp_device_sizing_check (s26, 546.0, PERIM (546.0), &c, &err), ==, CUSP_DEVICE_OK);
  g_assert_cmpint (c.fit, ==, CUSP_SIZING_IN_RANGE);
  g_assert_cmpint (cusp_device_sizing_check (s26, 429.9, PERIM (429.9), &c, &err), ==, CUSP_DEVICE_OK);
  g_assert_cmpint (c.fit, ==, CUSP_SIZING_ANNULUS_TOO_SMALL);
  g_assert_cmpint (cusp_device_sizing_check (s26, 546.1, PERIM (546.1), &c, &err), ==, CUSP_DEVICE_OK);
  g_assert_cmpint (c.fit, ==, CUSP_SIZING_ANNULUS_TOO_LARGE);
  g_assert_cmpint (cusp_device_sizing_check (s26, G_PI * 169.0 / 1.2, 80.0, &c, &err), ==, CUSP_DEVICE_OK);
  g_assert_cmpfloat_with_epsilon (c.area_oversizing_pct, 20.0, 1e-9);
  g_assert_cmpfloat (c.annulus_value, ==, G_PI * 169.0 / 1.2);

  /* Perimeter chart 72.3-81.7 mm; the area plays no part in the fit. */
  g_assert_cmpint (cusp_device_sizing_check (e29, 400.0, 72.3, &c, &err), ==, CUSP_DEVICE_OK);
  g_assert_cmpint (c.fit, ==, CUSP_SIZING_IN_RANGE);
  g_assert_cmpfloat_with_epsilon (c.perimeter_oversizing_pct, (G_PI * 29.0 / 72.3 - 1.0) * 100.0, 1e-9);
  g_assert_cmpint (cusp_device_sizing_check (e29, 400.0, 72.2, &c, &err), ==, CUSP_DEVICE_OK);
  g_assert_cmpint (c.fit, ==, CUSP_SIZING_ANNULUS_TOO_SMALL);
  g_assert_cmpint (cusp_device_sizing_check (e29, 500.0, 81.8, &c, &err), ==, CUSP_DEVICE_OK);
  g_assert_cmpint (c.fit, ==, CUSP_SIZING_ANNULUS_TOO_LARGE);
#undef PERIM

  /* Impossible measurements. */
  g_assert_cmpint (cusp_device_sizing_check (s26, NAN, 75.0, &c, &err), ==, CUSP_DEVICE_ERROR_OUT_OF_RANGE);
  g_assert_cmpint (cusp_device_sizing_check (s26, 450.0, -75.0, &c, &err), ==, CUSP_DEVICE_ERROR_OUT_OF_RANGE);
  g_assert_cmpint (cusp_device_sizing_check (s26, 450.0, INFINITY, &c, &err), ==, CUSP_DEVICE_ERROR_OUT_OF_RANGE);
  g_assert_cmpint (cusp_device_sizing_check (s26, 450.0, 60.0, &c, &err), ==, CUSP_DEVICE_ERROR_INCONSISTENT);
  g_assert_nonnull (strstr (err.message, "cannot fit inside a perimeter"));
  g_assert_cmpint (cusp_device_sizing_check (NULL, 450.0, 80.0, &c, &err), ==, CUSP_DEVICE_ERROR_INVALID_ARGUMENT);
  cusp_device_library_clear (&lib);
}

static void
test_fuzz (void)
{
  GRand *rand = g_rand_new_with_seed (20261121);
  const double specials[] = { NAN, INFINITY, -INFINITY, -1.0, 0.0, 1e300, -1e-300, 1e-300 };
  int accepted = 0, rejected = 0;

  /* Random numbers in a definition: validate never crashes, and what it accepts is sane. */
  for (int iter = 0; iter < 20000; iter++)
    {
      CuspDeviceDef d = cusp_device_def_default ();
      double *fields[] = { &d.nominal_diameter_mm, &d.height_mm, &d.inflow_diameter_mm, &d.waist_diameter_mm,
                           &d.outflow_diameter_mm, &d.strut_width_mm, &d.strut_thickness_mm, &d.skirt_height_mm,
                           &d.commissure_height_mm, &d.crimped_diameter_mm, &d.sizing_min, &d.sizing_max,
                           &d.material.youngs_modulus_pa, &d.material.poisson_ratio, &d.material.yield_stress_pa };
      int changes = g_rand_int_range (rand, 1, 4);
      CuspDeviceError err;

      for (int k = 0; k < changes; k++)
        {
          int f = g_rand_int_range (rand, 0, G_N_ELEMENTS (fields));
          if (g_rand_boolean (rand))
            *fields[f] = specials[g_rand_int_range (rand, 0, G_N_ELEMENTS (specials))];
          else
            *fields[f] *= g_rand_double_range (rand, 0.3, 1.7);
        }
      if (g_rand_int_range (rand, 0, 10) == 0)
        d.cells_per_row = g_rand_int_range (rand, -5, 100);
      if (g_rand_int_range (rand, 0, 10) == 0)
        d.cell_rows = g_rand_int_range (rand, -5, 50);

      if (cusp_device_def_validate (&d, "fuzz", &err) == CUSP_DEVICE_OK)
        {
          accepted++;
          for (gsize f = 0; f < G_N_ELEMENTS (fields); f++)
            g_assert_true (isfinite (*fields[f]) && *fields[f] > 0.0);
          g_assert_cmpfloat (d.crimped_diameter_mm, <, d.nominal_diameter_mm);
          g_assert_cmpfloat (d.skirt_height_mm, <=, d.height_mm);
          g_assert_cmpint (d.cells_per_row, >=, 3);
        }
      else
        {
          rejected++;
          g_assert_cmpstr (err.message, !=, "");
          g_assert_nonnull (strstr (err.message, "fuzz"));
        }
    }
  g_test_message ("fuzz: %d definitions accepted, %d rejected", accepted, rejected);
  g_assert_cmpint (accepted, >, 100);
  g_assert_cmpint (rejected, >, 100);

  /* Random byte edits of a good file: the parser answers, never crashes or reads past the end. */
  for (int iter = 0; iter < 5000; iter++)
    {
      gsize n = strlen (good_text);
      char *text = g_memdup2 (good_text, n);
      int edits = g_rand_int_range (rand, 1, 6);
      CuspDeviceDef d;
      CuspDeviceError err;
      CuspDeviceStatus s;

      for (int k = 0; k < edits; k++)
        text[g_rand_int_range (rand, 0, n)] = (char) g_rand_int_range (rand, 0, 256);
      s = cusp_device_def_parse (text, g_rand_int_range (rand, 0, n + 1), "bytes", &d, &err);
      if (s == CUSP_DEVICE_OK)
        g_assert_cmpint (cusp_device_def_validate (&d, NULL, NULL), ==, CUSP_DEVICE_OK);
      else
        g_assert_cmpstr (err.message, !=, "");
      g_free (text);
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sim/device/builtin-files", test_builtin_files);
  g_test_add_func ("/sim/device/good-text-and-overrides", test_good_text_and_overrides);
  g_test_add_func ("/sim/device/malformed-files", test_malformed_files);
  g_test_add_func ("/sim/device/library-dirs", test_library_dirs);
  g_test_add_func ("/sim/device/locale-independent", test_locale_independent);
  g_test_add_func ("/sim/device/sizing-check", test_sizing_check);
  g_test_add_func ("/sim/device/fuzz", test_fuzz);
  return g_test_run ();
}
