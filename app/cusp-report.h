/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-report.h: the rehearsal report as a multi-page A4 PDF (cairo-pdf, Pango for text): the
 * case de-identified, key images, the measurements, the compared plans and the risk table, and
 * on every page the statement that these are model estimates, not a diagnosis.
 *
 * GTK-free: the window snapshots its views into image surfaces and hands them over, so the
 * report can also be written from a test or a tool. */
#pragma once

#include <cairo.h>

#include "cusp-case.h"

G_BEGIN_DECLS

#define CUSP_REPORT_DISCLAIMER \
  "Model estimates for research, teaching and rehearsal only. Not a diagnosis; not for clinical decisions."

typedef struct {
  char *caption;
  cairo_surface_t *image;       /* an image surface (ARGB32 or RGB24) */
} CuspReportImage;

typedef struct {
  char *label;
  char *value;                  /* already formatted, e.g. "23.4" */
  char *unit;                   /* "mm", "" */
} CuspReportRow;

typedef struct {
  CuspCase *document;
  /* Shown as the case's name; the window passes "Demo case" or the study's file name only when
   * the user opted in, else "De-identified study". */
  const char *case_title;
  /* The study's description (series description, modality). Printed only when
   * include_description is TRUE: it can carry identifying text. */
  const char *study_description;
  gboolean include_description;
  GPtrArray *images;            /* (element-type CuspReportImage) (nullable) */
  GPtrArray *measurements;      /* (element-type CuspReportRow) (nullable) */
  const char *generator;        /* "Cusp 0.1.0" */
} CuspReportContent;

CuspReportImage *cusp_report_image_new  (const char      *caption,
                                         cairo_surface_t *image);
void             cusp_report_image_free (CuspReportImage *image);
CuspReportRow   *cusp_report_row_new    (const char      *label,
                                         const char      *value,
                                         const char      *unit);
void             cusp_report_row_free   (CuspReportRow   *row);

/* The gap map of one deployment as an image: angle around the annulus across (0-360 degrees from
 * the root frame's x axis), height along the root axis up, gap between skirt and wall in colour
 * (green at or below the apposition tolerance, yellow to red up to `full_scale_mm` and beyond),
 * a cell without a finite gap in grey, the annulus row marked. `gap_mm` is
 * [height_count][angle_count]. NULL when the map is empty or the scale is not. */
cairo_surface_t *cusp_report_gap_map_image (const double *gap_mm,
                                            int           angle_count,
                                            int           height_count,
                                            int           annulus_row,
                                            double        tolerance_mm,
                                            double        full_scale_mm);

/* Writes the PDF; `n_pages` (nullable) receives how many pages it has. */
gboolean         cusp_report_write_pdf  (const CuspReportContent *content,
                                         const char              *path,
                                         guint                   *n_pages,
                                         GError                 **error);

G_END_DECLS
