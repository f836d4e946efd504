/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sizing.c: manufacturer charts and oversizing; see cusp-sizing.h for the sources. */
#include "cusp-sizing.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  double size_mm;
  double lo, hi;                  /* area mm2 (balloon) or perimeter mm (the others) */
  double min_sov_mm, min_sov_height_mm;
} ChartRow;

typedef struct {
  const char *name;
  gboolean by_area;
  const ChartRow *rows;
  int row_count;
} Chart;

static const ChartRow balloon_rows[] = {
  { 20, 273.0, 345.0, 0, 0 }, { 23, 338.0, 430.0, 0, 0 },
  { 26, 430.0, 546.0, 0, 0 }, { 29, 540.0, 683.0, 0, 0 },
};
static const ChartRow self_expanding_rows[] = {
  { 23, 56.5, 62.8, 25, 15 }, { 26, 62.8, 72.3, 27, 15 },
  { 29, 72.3, 81.7, 29, 15 }, { 34, 81.7, 94.2, 31, 16 },
};
static const ChartRow navitor_rows[] = {
  { 23, 60.0, 66.0, 0, 0 }, { 25, 66.0, 73.0, 0, 0 }, { 27, 72.0, 79.0, 0, 0 },
  { 29, 79.0, 85.0, 0, 0 }, { 35, 85.0, 95.0, 0, 0 },
};

static const Chart charts[CUSP_VALVE_FAMILY_COUNT] = {
  { "balloon-expandable", TRUE, balloon_rows, G_N_ELEMENTS (balloon_rows) },
  { "self-expanding", FALSE, self_expanding_rows, G_N_ELEMENTS (self_expanding_rows) },
  { "Navitor-class", FALSE, navitor_rows, G_N_ELEMENTS (navitor_rows) },
};

const char *
cusp_valve_family_name (CuspValveFamily family)
{
  g_return_val_if_fail (family < CUSP_VALVE_FAMILY_COUNT, NULL);
  return charts[family].name;
}

static void
size_family (const Chart *chart, const CuspSizingInput *in, CuspSizingResult *r)
{
  double value = chart->by_area ? in->area_mm2 : in->perimeter_mm;
  const char *what = chart->by_area ? "area" : "perimeter";
  const char *unit = chart->by_area ? "mm²" : "mm";
  const ChartRow *row = NULL, *other = NULL;
  gboolean have_sov = isfinite (in->sov_mean_diameter_mm) && in->sov_mean_diameter_mm > 0.0;

  *r = (CuspSizingResult) { .size_mm = NAN, .area_oversizing_pct = NAN, .perimeter_oversizing_pct = NAN,
                            .sov_requirements_met = TRUE, .residual_sinus_mm = NAN };
  if (!isfinite (value) || value <= 0.0)
    {
      snprintf (r->note, sizeof r->note, "No size: the annulus %s was not measured", what);
      return;
    }
  for (int i = 0; i < chart->row_count; i++)
    if (value >= chart->rows[i].lo && value <= chart->rows[i].hi)
      {
        if (row == NULL)
          row = &chart->rows[i];
        else if (other == NULL)
          other = &chart->rows[i];
      }
  if (row == NULL)
    {
      gboolean below = value < chart->rows[0].lo;
      snprintf (r->note, sizeof r->note,
                "No size fits: annulus %s %.1f %s is %s the chart (%.1f-%.1f %s)%s", what, value, unit,
                below ? "below" : "above", chart->rows[0].lo, chart->rows[chart->row_count - 1].hi,
                unit, below ? "" : "; larger annuli are off-label");
      return;
    }

  r->fits = TRUE;
  r->size_mm = row->size_mm;
  if (isfinite (in->area_mm2) && in->area_mm2 > 0.0)
    r->area_oversizing_pct = (G_PI * 0.25 * row->size_mm * row->size_mm / in->area_mm2 - 1.0) * 100.0;
  else
    r->area_oversizing_pct = NAN;
  if (isfinite (in->perimeter_mm) && in->perimeter_mm > 0.0)
    r->perimeter_oversizing_pct = (G_PI * row->size_mm / in->perimeter_mm - 1.0) * 100.0;
  else
    r->perimeter_oversizing_pct = NAN;
  if (have_sov)
    {
      r->residual_sinus_mm = in->sov_mean_diameter_mm - row->size_mm;
      r->residual_sinus_flag = r->residual_sinus_mm < 5.0;
    }
  if (chart->by_area)
    r->annular_rupture_flag = r->area_oversizing_pct >= 20.0;

  if (row->min_sov_mm > 0.0)
    {
      gboolean sov_ok = have_sov && in->sov_mean_diameter_mm >= row->min_sov_mm;
      gboolean height_ok = isfinite (in->sov_height_mm) && in->sov_height_mm >= row->min_sov_height_mm;
      r->sov_requirements_met = sov_ok && height_ok;
      if (!r->sov_requirements_met)
        {
          snprintf (r->note, sizeof r->note,
                    "Size %.0f needs a mean SOV diameter >= %.0f mm and SOV height >= %.0f mm (measured %.1f and %.1f mm)",
                    row->size_mm, row->min_sov_mm, row->min_sov_height_mm,
                    in->sov_mean_diameter_mm, in->sov_height_mm);
          return;
        }
    }
  /* Both facts can hold at once (a borderline area sized up is the classic rupture case). */
  if (other != NULL)
    snprintf (r->note, sizeof r->note, "Borderline: annulus %s %.1f %s fits size %.0f or %.0f. ",
              what, value, unit, row->size_mm, other->size_mm);
  if (r->annular_rupture_flag)
    {
      gsize used = strlen (r->note);
      snprintf (r->note + used, sizeof r->note - used,
                "Area oversizing %.0f %% >= 20 %%: annular rupture risk%s.", r->area_oversizing_pct,
                isfinite (in->lvot_calcium_mm3) && in->lvot_calcium_mm3 > 0.0 ? ", worse with LVOT calcium" : "");
    }
  g_strchomp (r->note);
}

void
cusp_sizing_compute (const CuspSizingInput *input, CuspSizing *out)
{
  gboolean have_sov;

  g_return_if_fail (input != NULL && out != NULL);

  for (int f = 0; f < CUSP_VALVE_FAMILY_COUNT; f++)
    size_family (&charts[f], input, &out->family[f]);

  have_sov = isfinite (input->sov_mean_diameter_mm);
  out->left_coronary_flag = have_sov && isfinite (input->left_coronary_height_mm) &&
                            input->left_coronary_height_mm < 11.0 && input->sov_mean_diameter_mm < 31.0;
  out->right_coronary_flag = have_sov && isfinite (input->right_coronary_height_mm) &&
                             input->right_coronary_height_mm < 15.0 && input->sov_mean_diameter_mm < 29.0;
}
