/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-report.c: lays out the rehearsal report on A4 pages with cairo and Pango. */
#include "cusp-report.h"
#include "cusp-error.h"

#include <cairo-pdf.h>
#include <math.h>
#include <pango/pangocairo.h>

#define PAGE_WIDTH_PT 595.28          /* A4 */
#define PAGE_HEIGHT_PT 841.89
#define MARGIN_PT 48.0
#define BODY_TOP_PT (MARGIN_PT + 28.0)         /* below the running header */
#define BODY_BOTTOM_PT (PAGE_HEIGHT_PT - MARGIN_PT - 34.0)   /* above the disclaimer */
#define BODY_WIDTH_PT (PAGE_WIDTH_PT - 2.0 * MARGIN_PT)
#define CELL_PAD_PT 3.0
#define PLANS_PER_TABLE 3

CuspReportImage *
cusp_report_image_new (const char      *caption,
                       cairo_surface_t *image)
{
  CuspReportImage *self = g_new0 (CuspReportImage, 1);

  self->caption = g_strdup (caption);
  self->image = cairo_surface_reference (image);
  return self;
}

void
cusp_report_image_free (CuspReportImage *image)
{
  if (image == NULL)
    return;
  g_free (image->caption);
  cairo_surface_destroy (image->image);
  g_free (image);
}

/* A cell's colour: green when apposed, then yellow (just open) to red (full scale). */
static void
gap_colour (double gap_mm, double tolerance_mm, double full_scale_mm, double rgb[3])
{
  double t;

  if (gap_mm <= tolerance_mm)
    {
      rgb[0] = 0.18; rgb[1] = 0.76; rgb[2] = 0.49;
      return;
    }
  t = CLAMP ((gap_mm - tolerance_mm) / (full_scale_mm - tolerance_mm), 0.0, 1.0);
  rgb[0] = 0.96 - 0.08 * t;
  rgb[1] = 0.83 * (1.0 - t) + 0.11 * t;
  rgb[2] = 0.18 * (1.0 - t) + 0.14 * t;
}

cairo_surface_t *
cusp_report_gap_map_image (const double *gap_mm,
                           int           angle_count,
                           int           height_count,
                           int           annulus_row,
                           double        tolerance_mm,
                           double        full_scale_mm)
{
  const int cell = 6, legend = 18;
  cairo_surface_t *surface;
  cairo_t *cr;
  int width, height;

  if (gap_mm == NULL || angle_count <= 0 || height_count <= 0 || angle_count > 4096 || height_count > 4096
      || !isfinite (tolerance_mm) || !isfinite (full_scale_mm) || full_scale_mm <= tolerance_mm)
    return NULL;
  width = angle_count * cell;
  height = height_count * cell + legend;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  /* row 0 is the lowest: drawn at the bottom, the aorta up as in the views */
  for (int h = 0; h < height_count; h++)
    for (int a = 0; a < angle_count; a++)
      {
        double rgb[3];

        double gap = gap_mm[h * angle_count + a];

        /* no wall in that direction (an ostium, the edge of the segmented lumen): grey */
        if (isfinite (gap))
          gap_colour (gap, tolerance_mm, full_scale_mm, rgb);
        else
          rgb[0] = rgb[1] = rgb[2] = 0.6;
        cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
        cairo_rectangle (cr, a * cell, (height_count - 1 - h) * cell, cell, cell);
        cairo_fill (cr);
      }
  if (annulus_row >= 0 && annulus_row < height_count)
    {
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      cairo_set_line_width (cr, 1.5);
      cairo_move_to (cr, 0, (height_count - annulus_row - 0.5) * cell);
      cairo_line_to (cr, width, (height_count - annulus_row - 0.5) * cell);
      cairo_stroke (cr);
    }
  /* the colour scale under the map: apposed, then 0 .. full scale */
  for (int x = 0; x < width; x++)
    {
      double rgb[3];

      gap_colour (tolerance_mm + (full_scale_mm - tolerance_mm) * x / (double) width * 1.0001 - (x == 0),
                  tolerance_mm, full_scale_mm, rgb);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_rectangle (cr, x, height_count * cell + 6, 1, legend - 8);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

CuspReportRow *
cusp_report_row_new (const char *label,
                     const char *value,
                     const char *unit)
{
  CuspReportRow *self = g_new0 (CuspReportRow, 1);

  self->label = g_strdup (label);
  self->value = g_strdup (value);
  self->unit = g_strdup (unit ? unit : "");
  return self;
}

void
cusp_report_row_free (CuspReportRow *row)
{
  if (row == NULL)
    return;
  g_free (row->label);
  g_free (row->value);
  g_free (row->unit);
  g_free (row);
}

typedef double CuspRgb[3];

typedef struct {
  cairo_t *cr;
  const CuspReportContent *content;
  double y;                     /* top of the next block, in points */
  guint page;                   /* 1-based */
  /* The header row of the table being written, repeated on a page the table runs onto. */
  guint header_n;
  const double *header_widths;
  char **header_cells;
} Writer;

/* Draws `markup` in a box `width` wide at (x, y) and returns its height; draws nothing when
 * `measure_only`. */
static double
text_at (Writer *w, double x, double y, double width, const char *markup, double size_pt,
         gboolean measure_only)
{
  PangoLayout *layout = pango_cairo_create_layout (w->cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");
  int height;

  pango_font_description_set_absolute_size (font, size_pt * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_markup (layout, markup, -1);
  pango_layout_get_size (layout, NULL, &height);
  if (!measure_only)
    {
      cairo_move_to (w->cr, x, y);
      pango_cairo_show_layout (w->cr, layout);
    }
  pango_font_description_free (font);
  g_object_unref (layout);
  return (double) height / PANGO_SCALE;
}

static void
begin_page (Writer *w)
{
  g_autofree char *title = g_markup_printf_escaped ("<span foreground='#555555'>Cusp rehearsal report · %s</span>",
                                                    w->content->case_title);
  g_autofree char *page = g_strdup_printf ("<span foreground='#555555'>Page %u</span>", w->page);

  cairo_set_source_rgb (w->cr, 0, 0, 0);
  text_at (w, MARGIN_PT, MARGIN_PT, BODY_WIDTH_PT - 60.0, title, 8.0, FALSE);
  text_at (w, PAGE_WIDTH_PT - MARGIN_PT - 50.0, MARGIN_PT, 50.0, page, 8.0, FALSE);
  cairo_set_source_rgb (w->cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (w->cr, 0.5);
  cairo_move_to (w->cr, MARGIN_PT, MARGIN_PT + 14.0);
  cairo_line_to (w->cr, PAGE_WIDTH_PT - MARGIN_PT, MARGIN_PT + 14.0);
  cairo_move_to (w->cr, MARGIN_PT, BODY_BOTTOM_PT + 8.0);
  cairo_line_to (w->cr, PAGE_WIDTH_PT - MARGIN_PT, BODY_BOTTOM_PT + 8.0);
  cairo_stroke (w->cr);
  /* The statement stands on every page: a page torn out of the report still carries it. */
  cairo_set_source_rgb (w->cr, 0.55, 0.0, 0.0);
  text_at (w, MARGIN_PT, BODY_BOTTOM_PT + 12.0, BODY_WIDTH_PT, "<b>" CUSP_REPORT_DISCLAIMER "</b>", 8.5, FALSE);
  cairo_set_source_rgb (w->cr, 0, 0, 0);
  w->y = BODY_TOP_PT;
}

static void
new_page (Writer *w)
{
  cairo_show_page (w->cr);
  w->page++;
  begin_page (w);
}

static void
ensure_room (Writer *w, double height)
{
  if (w->y + height > BODY_BOTTOM_PT && w->y > BODY_TOP_PT)
    new_page (w);
}

static void
paragraph (Writer *w, const char *markup, double size_pt, double space_after_pt)
{
  double height = text_at (w, MARGIN_PT, w->y, BODY_WIDTH_PT, markup, size_pt, TRUE);

  ensure_room (w, height);
  text_at (w, MARGIN_PT, w->y, BODY_WIDTH_PT, markup, size_pt, FALSE);
  w->y += height + space_after_pt;
}

static void
heading (Writer *w, const char *text)
{
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", text);

  /* Keep a heading with at least a few lines of what follows it. */
  ensure_room (w, 80.0);
  w->y += 6.0;
  paragraph (w, markup, 13.0, 6.0);
}

/* One table row: cells are markup; `fill` (nullable, one per cell) is a background colour. */
static void
table_row (Writer *w, guint n, const double *widths, char **cells, const CuspRgb *fill,
           gboolean header)
{
  double height = 0.0, x = MARGIN_PT;

  for (guint i = 0; i < n; i++)
    height = MAX (height, text_at (w, 0, 0, widths[i] - 2 * CELL_PAD_PT, cells[i], 8.5, TRUE));
  height += 2 * CELL_PAD_PT;
  if (!header && w->y + height > BODY_BOTTOM_PT && w->header_cells != NULL)
    {
      new_page (w);
      table_row (w, w->header_n, w->header_widths, w->header_cells, NULL, TRUE);
    }
  ensure_room (w, height);
  for (guint i = 0; i < n; i++)
    {
      if (header || (fill != NULL && fill[i][0] >= 0.0))
        {
          if (header)
            cairo_set_source_rgb (w->cr, 0.88, 0.90, 0.93);
          else
            cairo_set_source_rgb (w->cr, fill[i][0], fill[i][1], fill[i][2]);
          cairo_rectangle (w->cr, x, w->y, widths[i], height);
          cairo_fill (w->cr);
        }
      cairo_set_source_rgb (w->cr, 0.75, 0.75, 0.75);
      cairo_set_line_width (w->cr, 0.4);
      cairo_rectangle (w->cr, x, w->y, widths[i], height);
      cairo_stroke (w->cr);
      cairo_set_source_rgb (w->cr, 0, 0, 0);
      text_at (w, x + CELL_PAD_PT, w->y + CELL_PAD_PT, widths[i] - 2 * CELL_PAD_PT, cells[i], 8.5, FALSE);
      x += widths[i];
    }
  w->y += height;
}

/* ---- sections ---- */

static void
write_summary (Writer *w)
{
  CuspCase *document = w->content->document;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d %H:%M UTC");
  g_autofree char *title = g_markup_printf_escaped ("<b>%s</b>", "Cusp rehearsal report");
  g_autofree char *meta = NULL;
  g_autofree char *study = NULL;
  const char *sha256 = cusp_case_get_study_sha256 (document);

  paragraph (w, title, 20.0, 4.0);
  meta = g_markup_printf_escaped ("Generated %s by %s.", date, w->content->generator);
  paragraph (w, meta, 9.0, 10.0);

  heading (w, "Case");
  if (cusp_case_is_demo (document))
    study = g_markup_printf_escaped ("<b>%s</b>: the built-in synthetic aortic root (no patient).",
                                     w->content->case_title);
  else if (w->content->include_description && w->content->study_description != NULL)
    study = g_markup_printf_escaped ("<b>%s</b>. Study: %s. Content hash (SHA-256) %.16s….",
                                     w->content->case_title, w->content->study_description,
                                     sha256 ? sha256 : "not computed");
  else
    study = g_markup_printf_escaped ("<b>%s</b>. De-identified: no patient name, ID, birth date or "
                                     "study description. Content hash (SHA-256) %.16s….",
                                     w->content->case_title, sha256 ? sha256 : "not computed");
  paragraph (w, study, 10.0, 4.0);
  paragraph (w, cusp_case_get_landmarks (document) != NULL
                  ? "Landmarks: corrected by the user and saved with the case."
                  : "Landmarks: as detected automatically (not corrected).", 10.0, 6.0);
}

static void
write_measurements (Writer *w)
{
  GPtrArray *rows = w->content->measurements;
  double widths[3] = { BODY_WIDTH_PT * 0.70, BODY_WIDTH_PT * 0.18, BODY_WIDTH_PT * 0.12 };
  char *header[3] = { "<b>Measurement (SCCT 2019)</b>", "<b>Value</b>", "<b>Unit</b>" };

  heading (w, "Measurements");
  if (rows == NULL || rows->len == 0)
    {
      paragraph (w, "No measurements yet: the root has not been segmented and measured.", 10.0, 6.0);
      return;
    }
  table_row (w, 3, widths, header, NULL, TRUE);
  w->header_n = 3;
  w->header_widths = widths;
  w->header_cells = header;
  for (guint i = 0; i < rows->len; i++)
    {
      CuspReportRow *row = g_ptr_array_index (rows, i);
      g_autofree char *label = g_markup_escape_text (row->label, -1);
      g_autofree char *value = g_markup_escape_text (row->value, -1);
      g_autofree char *unit = g_markup_escape_text (row->unit, -1);
      char *cells[3] = { label, value, unit };

      table_row (w, 3, widths, cells, NULL, FALSE);
    }
  w->header_cells = NULL;
  w->y += 8.0;
}

static void
write_images (Writer *w)
{
  GPtrArray *images = w->content->images;
  const double gap_pt = 14.0, cell_w = (BODY_WIDTH_PT - gap_pt) / 2.0, max_h = 210.0;
  double row_h = 0.0;

  if (images == NULL || images->len == 0)
    return;
  heading (w, "Key images");
  for (guint i = 0; i < images->len; i++)
    {
      CuspReportImage *image = g_ptr_array_index (images, i);
      int iw = cairo_image_surface_get_width (image->image);
      int ih = cairo_image_surface_get_height (image->image);
      double scale = iw > 0 && ih > 0 ? MIN (cell_w / iw, max_h / ih) : 0.0;
      double x = MARGIN_PT + (i % 2) * (cell_w + gap_pt);
      g_autofree char *caption = g_markup_escape_text (image->caption, -1);
      double caption_h = text_at (w, 0, 0, cell_w, caption, 9.0, TRUE);
      double h = ih * scale + 4.0 + caption_h + 10.0;

      if (i % 2 == 0)
        {
          /* Both images of a row must fit. */
          double next_h = h;

          if (i + 1 < images->len)
            {
              CuspReportImage *next = g_ptr_array_index (images, i + 1);
              int nw = cairo_image_surface_get_width (next->image);
              int nh = cairo_image_surface_get_height (next->image);
              double ns = nw > 0 && nh > 0 ? MIN (cell_w / nw, max_h / nh) : 0.0;
              next_h = nh * ns + 4.0 + caption_h + 10.0;
            }
          row_h = MAX (h, next_h);
          ensure_room (w, row_h);
        }
      if (scale > 0.0)
        {
          cairo_save (w->cr);
          cairo_translate (w->cr, x, w->y);
          cairo_scale (w->cr, scale, scale);
          cairo_set_source_surface (w->cr, image->image, 0, 0);
          cairo_paint (w->cr);
          cairo_restore (w->cr);
        }
      text_at (w, x, w->y + ih * scale + 4.0, cell_w, caption, 9.0, FALSE);
      if (i % 2 == 1 || i + 1 == images->len)
        w->y += row_h;
    }
}

/* Traffic light of a level or grade; FALSE for a number. */
static gboolean
light_colour (const char *text, double rgb[3])
{
  int rank = cusp_plan_text_rank (text);
  gboolean grade = text != NULL && (g_str_equal (text, "none_trace") || g_str_equal (text, "mild")
                                    || g_str_equal (text, "moderate") || g_str_equal (text, "severe"));
  static const double colours[3][3] = { { 0.80, 0.93, 0.80 }, { 1.0, 0.90, 0.65 }, { 1.0, 0.75, 0.75 } };

  if (rank < 0)
    return FALSE;
  if (grade)                    /* none/trace and mild are acceptable, moderate amber, severe red */
    rank = rank <= 1 ? 0 : rank - 1;
  for (int k = 0; k < 3; k++)
    rgb[k] = colours[rank][k];
  return TRUE;
}

/* Rows `only_thresholds` (the risk table) or every key (the comparison), plans [first, last). */
static void
write_plan_table (Writer *w, CuspPlan **plans, guint n_plans, guint first, guint last,
                  gboolean risk_table)
{
  guint n_keys, n_cols = 1 + (last - first) + (risk_table ? 1 : 0);
  const CuspPlanKey *keys = cusp_plan_keys (&n_keys);
  g_autofree double *widths = g_new (double, n_cols);
  g_autofree char **cells = g_new0 (char *, n_cols);
  g_auto(GStrv) header = g_new0 (char *, n_cols + 1);
  g_autofree CuspRgb *fill = g_new (CuspRgb, n_cols);
  double label_w = risk_table ? 120.0 : 170.0;
  double plan_w = risk_table ? 78.0 : (BODY_WIDTH_PT - label_w) / (last - first);

  widths[0] = label_w;
  for (guint p = first; p < last; p++)
    widths[1 + p - first] = plan_w;
  if (risk_table)
    widths[n_cols - 1] = BODY_WIDTH_PT - label_w - plan_w * (last - first);

  header[0] = g_strdup (risk_table ? "<b>Risk</b>" : "<b>Result</b>");
  for (guint p = first; p < last; p++)
    header[1 + p - first] = g_markup_printf_escaped ("<b>%s</b>\n%s", plans[p]->name, plans[p]->device_id);
  if (risk_table)
    header[n_cols - 1] = g_strdup ("<b>Threshold and source</b>");
  table_row (w, n_cols, widths, header, NULL, TRUE);
  w->header_n = n_cols;
  w->header_widths = widths;
  w->header_cells = header;

  for (guint k = 0; k < n_keys; k++)
    {
      int worst = cusp_plan_worst (plans, n_plans, k);

      if (risk_table && keys[k].threshold == NULL)
        continue;
      for (guint c = 0; c < n_cols; c++)
        fill[c][0] = -1.0;
      cells[0] = g_markup_escape_text (keys[k].label, -1);
      for (guint p = first; p < last; p++)
        {
          g_autofree char *value = cusp_plan_format_value (plans[p], k);
          guint c = 1 + p - first;

          /* The worst plan of the row in bold with a red rim of colour; levels in their light. */
          if ((int) p == worst)
            cells[c] = g_markup_printf_escaped ("<b>%s</b> ▲ worst", value);
          else
            cells[c] = g_markup_escape_text (value, -1);
          if (!light_colour (plans[p]->texts[k], fill[c]) && (int) p == worst)
            {
              fill[c][0] = 1.0;
              fill[c][1] = 0.85;
              fill[c][2] = 0.85;
            }
        }
      if (risk_table)
        cells[n_cols - 1] = g_markup_escape_text (keys[k].threshold, -1);
      table_row (w, n_cols, widths, cells, fill, FALSE);
      for (guint c = 0; c < n_cols; c++)
        g_clear_pointer (&cells[c], g_free);
    }
  w->header_cells = NULL;
  w->y += 10.0;
}

static void
write_plans (Writer *w)
{
  CuspCase *document = w->content->document;
  guint n = cusp_case_get_n_plans (document);
  g_autofree CuspPlan **plans = g_new0 (CuspPlan *, MAX (n, 1));

  heading (w, "Plans");
  if (n == 0)
    {
      paragraph (w, "No plans yet.", 10.0, 6.0);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      char depth[G_ASCII_DTOSTR_BUF_SIZE], tilt[G_ASCII_DTOSTR_BUF_SIZE], rotation[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *line = NULL;

      plans[i] = (CuspPlan *) cusp_case_get_plan (document, i);
      g_ascii_formatd (depth, sizeof depth, "%.1f", plans[i]->depth_mm);
      g_ascii_formatd (tilt, sizeof tilt, "%.1f", plans[i]->tilt_deg);
      g_ascii_formatd (rotation, sizeof rotation, "%.0f", plans[i]->rotation_deg);
      line = g_markup_printf_escaped ("<b>%s</b>: %s, depth %s mm, tilt %s°, rotation %s°%s",
                                      plans[i]->name, plans[i]->device_id, depth, tilt, rotation,
                                      plans[i]->has_result ? "" : " (not simulated yet)");
      paragraph (w, line, 10.0, 2.0);
    }
  w->y += 6.0;

  heading (w, "Compared plans");
  paragraph (w, "One column per plan; the worst value of each row is marked ▲ and shaded.", 9.0, 4.0);
  for (guint first = 0; first < n; first += PLANS_PER_TABLE)
    write_plan_table (w, plans, n, first, MIN (n, first + PLANS_PER_TABLE), FALSE);

  heading (w, "Risk table");
  paragraph (w, "Traffic lights: green none, amber a screening criterion fires, red a rule with "
                "published discrimination fires (sim/cusp-sim-risk.h). Leak grades: VARC-2.", 9.0, 4.0);
  for (guint first = 0; first < n; first += PLANS_PER_TABLE)
    write_plan_table (w, plans, n, first, MIN (n, first + PLANS_PER_TABLE), TRUE);
}

gboolean
cusp_report_write_pdf (const CuspReportContent  *content,
                       const char               *path,
                       guint                    *n_pages,
                       GError                  **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  Writer w = { 0 };

  g_return_val_if_fail (content != NULL && CUSP_IS_CASE (content->document), FALSE);
  g_return_val_if_fail (content->case_title != NULL && content->generator != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  surface = cairo_pdf_surface_create (path, PAGE_WIDTH_PT, PAGE_HEIGHT_PT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, "Cusp rehearsal report");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, content->generator);
  w.cr = cairo_create (surface);
  w.content = content;
  w.page = 1;
  begin_page (&w);
  write_summary (&w);
  write_measurements (&w);
  write_images (&w);
  write_plans (&w);
  cairo_show_page (w.cr);
  cairo_destroy (w.cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "Cannot write the report %s: %s", path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  if (n_pages != NULL)
    *n_pages = w.page;
  return TRUE;
}
