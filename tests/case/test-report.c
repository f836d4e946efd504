/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-report.c: writes the report for a case with four plans, renders every page back with
 * pdftoppm and reads its text with pdftotext: every page renders and is not blank, every page
 * carries the disclaimer, and the study description appears only when the user opted in.
 * Pages are left in <build>/tests/case/report/ for people to look at. */
#include "cusp-report.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static CuspPlan *
plan (const char *name, const char *device, double depth_mm, const char *json)
{
  CuspPlan *p = cusp_plan_new (name, device, depth_mm, 0.0, 15.0);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  g_assert_true (cusp_plan_set_result_from_json (p, json_node_get_object (json_parser_get_root (parser)), NULL));
  return p;
}

/* A stand-in for a view snapshot: a dark square with a bright ring. */
static cairo_surface_t *
view_image (double hue)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 320, 240);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 0.05, 0.05, 0.08);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.9, hue, 0.2);
  cairo_set_line_width (cr, 12.0);
  cairo_arc (cr, 160, 120, 70, 0, 2 * G_PI);
  cairo_stroke (cr);
  cairo_destroy (cr);
  return surface;
}

static char *
run (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static gboolean
page_has_ink (const char *png)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (png);
  int w, h, stride, dark = 0;
  unsigned char *data;

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_flush (surface);
  w = cairo_image_surface_get_width (surface);
  h = cairo_image_surface_get_height (surface);
  stride = cairo_image_surface_get_stride (surface);
  data = cairo_image_surface_get_data (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = *(guint32 *) (data + y * stride + 4 * x);
        if (((px >> 16) & 0xff) < 128 && ((px >> 8) & 0xff) < 128 && (px & 0xff) < 128)
          dark++;
      }
  cairo_surface_destroy (surface);
  /* Header, disclaimer and page number alone are a few hundred dark pixels at 50 dpi. */
  return dark > 200;
}

static void
check_report (const char *dir, const char *name, CuspReportContent *content, gboolean expect_description)
{
  g_autofree char *pdf = g_strdup_printf ("%s/%s.pdf", dir, name);
  g_autofree char *prefix = g_strdup_printf ("%s/%s-page", dir, name);
  g_autoptr(GError) error = NULL;
  guint n_pages = 0;
  int digits;

  g_assert_true (cusp_report_write_pdf (content, pdf, &n_pages, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_pages, >=, 2);
  /* pdftoppm pads page numbers to the width of the page count */
  digits = n_pages >= 10 ? (n_pages >= 100 ? 3 : 2) : 1;

  {
    const char *argv[] = { "pdftoppm", "-png", "-r", "50", pdf, prefix, NULL };
    g_free (run (argv));
  }
  for (guint p = 1; p <= n_pages; p++)
    {
      g_autofree char *png = g_strdup_printf ("%s-%0*u.png", prefix, digits, p);
      g_autofree char *page = g_strdup_printf ("%u", p);
      const char *argv[] = { "pdftotext", "-layout", "-f", page, "-l", page, pdf, "-", NULL };
      g_autofree char *text = run (argv);

      g_test_message ("%s page %u: %s", name, p, png);
      g_assert_true (g_file_test (png, G_FILE_TEST_EXISTS));
      g_assert_true (page_has_ink (png));
      g_assert_nonnull (strstr (text, "Not a diagnosis"));
      g_assert_nonnull (strstr (text, "Model estimates for research, teaching and rehearsal"));
      if (!expect_description)
        g_assert_null (strstr (text, "DOE"));
    }
  {
    /* No page beyond the count: pdftoppm wrote exactly n_pages images. */
    g_autofree char *extra = g_strdup_printf ("%s-%0*u.png", prefix, digits, n_pages + 1);
    g_assert_false (g_file_test (extra, G_FILE_TEST_EXISTS));
  }
  {
    const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };
    g_autofree char *all = run (argv);

    g_assert_nonnull (strstr (all, "Compared plans"));
    g_assert_nonnull (strstr (all, "Risk table"));
    g_assert_nonnull (strstr (all, "Barbanti"));
    g_assert_nonnull (strstr (all, "Annulus perimeter"));
    g_assert_nonnull (strstr (all, "worst"));
    g_assert_true ((strstr (all, "DOE^JANE") != NULL) == expect_description);
  }
}

static void
test_report_pages (void)
{
  const char *build = g_getenv ("CUSP_BUILD_ROOT");
  g_autofree char *dir = build ? g_build_filename (build, "tests", "case", "report", NULL)
                               : g_dir_make_tmp ("cusp-report-XXXXXX", NULL);
  g_autoptr(CuspCase) document = cusp_case_new ();
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) cusp_report_image_free);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cusp_report_row_free);
  static const char *captions[] = { "Axial", "Coronal", "Sagittal", "Annulus plane", "3D with the valve" };
  CuspReportContent content = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  cusp_case_set_study (document, "/data/DOE^JANE/ct", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  cusp_case_add_plan (document, plan ("Plan 1", "sapien3-class-26", 3.0,
    "{\"pvl.grade\": \"mild\", \"pvl.regurgitant_volume_ml\": 9.5, \"sealing.apposition_pct\": 93,"
    " \"coronary.left.obstruction_risk\": \"green\", \"coronary.left.vtc_mm\": 6.2, \"rupture.risk\": \"amber\","
    " \"rupture.area_oversizing_pct\": 21.0, \"conduction.risk\": \"green\", \"solve.converged\": 1}"));
  cusp_case_add_plan (document, plan ("Plan 2", "sapien3-class-29", 3.0,
    "{\"pvl.grade\": \"none_trace\", \"pvl.regurgitant_volume_ml\": 1.5, \"sealing.apposition_pct\": 99,"
    " \"coronary.left.obstruction_risk\": \"amber\", \"coronary.left.vtc_mm\": 4.5, \"rupture.risk\": \"red\","
    " \"rupture.area_oversizing_pct\": 38.0, \"conduction.risk\": \"amber\", \"solve.converged\": 1}"));
  cusp_case_add_plan (document, plan ("Plan 3 deep", "evolut-class-29", 7.0,
    "{\"pvl.grade\": \"moderate\", \"pvl.regurgitant_volume_ml\": 35.0, \"sealing.apposition_pct\": 80,"
    " \"coronary.left.obstruction_risk\": \"green\", \"coronary.left.vtc_mm\": 7.0, \"rupture.risk\": \"green\","
    " \"rupture.area_oversizing_pct\": 5.0, \"conduction.risk\": \"red\", \"solve.converged\": 0}"));
  cusp_case_add_plan (document, cusp_plan_new ("Plan 4", "navitor-class-27", 4.0, 0, 0));
  for (guint i = 0; i < G_N_ELEMENTS (captions); i++)
    {
      cairo_surface_t *image = view_image (0.2 * i);
      g_ptr_array_add (images, cusp_report_image_new (captions[i], image));
      cairo_surface_destroy (image);
    }
  g_ptr_array_add (rows, cusp_report_row_new ("Annulus perimeter", "75.4", "mm"));
  g_ptr_array_add (rows, cusp_report_row_new ("Annulus area", "442", "mm²"));

  content.document = document;
  content.case_title = "De-identified study";
  content.study_description = "DOE^JANE CTA TAVI";
  content.images = images;
  content.measurements = rows;
  content.generator = "Cusp test";
  check_report (dir, "de-identified", &content, FALSE);

  content.include_description = TRUE;
  check_report (dir, "with-description", &content, TRUE);
}

/* The gap map image: apposed cells green, a wide gap red, the lowest row at the bottom, a cell
 * without a gap grey; a map without cells or with an impossible scale is refused. */
static guint32
pixel_at (cairo_surface_t *surface, int x, int y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  return ((const guint32 *) (data + y * stride))[x] & 0xffffff;
}

static void
test_gap_map_image (void)
{
  /* 4 angles x 3 heights: row 0 (lowest) apposed, row 1 one wide gap at angle 2, row 2 open */
  double gap_mm[3 * 4] = { 0.0, 0.05, 0.1, 0.0,
                           0.0, 0.0,  5.0, 0.0,
                           1.0, 1.0,  1.0, 1.0 };
  cairo_surface_t *image = cusp_report_gap_map_image (gap_mm, 4, 3, 0, 0.1, 2.0);
  guint32 apposed, wide, half;

  g_assert_nonnull (image);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 4 * 6);
  g_assert_cmpint (cairo_image_surface_get_height (image), >, 3 * 6);
  apposed = pixel_at (image, 1 * 6 + 3, 1 * 6 + 3);     /* row 1, angle 1 (drawn in the middle) */
  wide = pixel_at (image, 2 * 6 + 3, 1 * 6 + 3);        /* row 1, angle 2 */
  half = pixel_at (image, 0 * 6 + 3, 0 * 6 + 3);        /* row 2 (top), angle 0: 1 mm */
  g_assert_cmphex ((apposed >> 8) & 0xff, >, (apposed >> 16) & 0xff);          /* green > red */
  g_assert_cmphex ((wide >> 16) & 0xff, >, 2 * ((wide >> 8) & 0xff));          /* red >> green */
  g_assert_cmphex ((half >> 8) & 0xff, >, (wide >> 8) & 0xff);                 /* 1 mm: more yellow */
  cairo_surface_destroy (image);

  /* a cell without a gap (no wall there) is grey, not a colour of the scale */
  gap_mm[5] = NAN;
  image = cusp_report_gap_map_image (gap_mm, 4, 3, 0, 0.1, 2.0);
  g_assert_nonnull (image);
  g_assert_cmphex (pixel_at (image, 1 * 6 + 3, 1 * 6 + 3), ==, 0x999999);
  cairo_surface_destroy (image);
  g_assert_null (cusp_report_gap_map_image (gap_mm, 0, 3, 0, 0.1, 2.0));
  g_assert_null (cusp_report_gap_map_image (NULL, 4, 3, 0, 0.1, 2.0));
  g_assert_null (cusp_report_gap_map_image (gap_mm, 4, 3, 0, 2.0, 0.1));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/case/report/pages-render", test_report_pages);
  g_test_add_func ("/case/report/gap-map-image", test_gap_map_image);
  return g_test_run ();
}
