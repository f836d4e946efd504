/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-flow.c: reduced-order paravalvular leak model (see the design notes in cusp-sim-flow.h).
 * Internally everything is SI (m, Pa, m3/s); the API speaks mm, Pa, mL/s and cm2. */
#include "cusp-sim-flow.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define M_PER_MM    1e-3
#define M3_PER_ML   1e-6
#define M2_PER_CM2  1e-4
#define M2_PER_MM2  1e-6
#define SUBSTEPS_PER_SEGMENT 32   /* Q(dp) is concave: 32 trapezoids per linear piece of the
                                   * waveform keep the integral within 1e-4 of the exact one */
#define GORLIN_CONSTANT 44.3

static CuspFlowStatus
fail (CuspFlowError *error, const char *format, ...)
{
  va_list args;

  if (error != NULL)
    {
      error->status = CUSP_FLOW_ERROR_INVALID_INPUT;
      va_start (args, format);
      vsnprintf (error->message, sizeof error->message, format, args);
      va_end (args);
    }
  return CUSP_FLOW_ERROR_INVALID_INPUT;
}

static void
clear_error (CuspFlowError *error)
{
  if (error != NULL)
    {
      error->status = CUSP_FLOW_OK;
      error->message[0] = '\0';
    }
}

/* A finite number in [lo, hi] (or (lo, hi] when lo_open); `what` names it in the message. */
static int
in_range (double v, double lo, int lo_open, double hi, const char *what, CuspFlowError *error)
{
  if (!isfinite (v))
    {
      fail (error, "%s is not a finite number", what);
      return 0;
    }
  if ((lo_open ? v <= lo : v < lo) || v > hi)
    {
      fail (error, "%s = %g is out of range (%s%g to %g)", what, v, lo_open ? "above " : "", lo, hi);
      return 0;
    }
  return 1;
}

CuspFlowOptions
cusp_flow_default_options (void)
{
  CuspFlowOptions o;

  o.density_kg_m3 = 1060.0;
  o.viscosity_pa_s = 3.5e-3;
  o.discharge_coefficient = 0.61;
  o.gap_tolerance_mm = CUSP_GAP_TOLERANCE_MM;
  o.trace_volume_ml = 1.0;
  o.lv_stroke_volume_ml = 0.0;
  return o;
}

static const double default_time_s[] = { 0.0, 0.03, 0.47, 0.50 };
static const double default_pressure_pa[] = { 0.0, 70.0 * CUSP_PA_PER_MMHG, 70.0 * CUSP_PA_PER_MMHG, 0.0 };

CuspPressureWaveform
cusp_flow_default_waveform (void)
{
  CuspPressureWaveform w = { default_time_s, default_pressure_pa, 4 };
  return w;
}

static int
options_valid (const CuspFlowOptions *o, CuspFlowError *error)
{
  return in_range (o->density_kg_m3, 100.0, 0, 10000.0, "blood density (kg/m3)", error)
         && in_range (o->viscosity_pa_s, 0.0, 1, 1.0, "blood viscosity (Pa s)", error)
         && in_range (o->discharge_coefficient, 0.0, 1, 1.0, "discharge coefficient", error)
         && in_range (o->gap_tolerance_mm, 0.0, 0, 5.0, "gap tolerance (mm)", error)
         && in_range (o->trace_volume_ml, 0.0, 0, 1000.0, "trace volume (mL)", error)
         && in_range (o->lv_stroke_volume_ml, 0.0, 0, 1000.0, "LV stroke volume (mL)", error);
}

/* ---- elementary laws -------------------------------------------------------------------- */

CuspFlowStatus
cusp_flow_slit (double gap_mm, double length_mm, double width_mm, double dp_pa, double viscosity_pa_s,
                double *flow_ml_s, CuspFlowError *error)
{
  double h, q;

  clear_error (error);
  if (flow_ml_s == NULL)
    return fail (error, "no output given");
  if (!in_range (gap_mm, 0.0, 0, 100.0, "gap (mm)", error)
      || !in_range (length_mm, 0.0, 1, 1000.0, "length (mm)", error)
      || !in_range (width_mm, 0.0, 0, 1000.0, "width (mm)", error)
      || !in_range (dp_pa, 0.0, 0, 1e7, "pressure difference (Pa)", error)
      || !in_range (viscosity_pa_s, 0.0, 1, 1.0, "viscosity (Pa s)", error))
    return CUSP_FLOW_ERROR_INVALID_INPUT;
  h = gap_mm * M_PER_MM;
  q = width_mm * M_PER_MM * h * h * h * dp_pa / (12.0 * viscosity_pa_s * length_mm * M_PER_MM);
  *flow_ml_s = q / M3_PER_ML;
  return CUSP_FLOW_OK;
}

CuspFlowStatus
cusp_flow_pipe (double radius_mm, double length_mm, double dp_pa, double viscosity_pa_s,
                double *flow_ml_s, CuspFlowError *error)
{
  double r, q;

  clear_error (error);
  if (flow_ml_s == NULL)
    return fail (error, "no output given");
  if (!in_range (radius_mm, 0.0, 0, 100.0, "radius (mm)", error)
      || !in_range (length_mm, 0.0, 1, 1000.0, "length (mm)", error)
      || !in_range (dp_pa, 0.0, 0, 1e7, "pressure difference (Pa)", error)
      || !in_range (viscosity_pa_s, 0.0, 1, 1.0, "viscosity (Pa s)", error))
    return CUSP_FLOW_ERROR_INVALID_INPUT;
  r = radius_mm * M_PER_MM;
  q = M_PI * r * r * r * r * dp_pa / (8.0 * viscosity_pa_s * length_mm * M_PER_MM);
  *flow_ml_s = q / M3_PER_ML;
  return CUSP_FLOW_OK;
}

CuspFlowStatus
cusp_flow_eccentric_annulus (double radius_mm, double mean_gap_mm, double eccentricity, double length_mm,
                             double dp_pa, double viscosity_pa_s, double *flow_ml_s, CuspFlowError *error)
{
  double concentric_ml_s;

  clear_error (error);
  if (flow_ml_s == NULL)
    return fail (error, "no output given");
  if (!in_range (radius_mm, 0.0, 1, 100.0, "radius (mm)", error)
      || !in_range (eccentricity, 0.0, 0, 1.0, "eccentricity", error))
    return CUSP_FLOW_ERROR_INVALID_INPUT;
  if (mean_gap_mm >= radius_mm)
    return fail (error, "mean gap %g mm is not small against the radius %g mm (use the exact annulus law)",
                 mean_gap_mm, radius_mm);
  /* The gap h(theta) = h0 (1 + e cos theta) carries Q ~ h^3 locally; averaging (1 + e cos)^3 over
   * a turn gives 1 + 1.5 e^2. */
  if (cusp_flow_slit (mean_gap_mm, length_mm, 2.0 * M_PI * radius_mm, dp_pa, viscosity_pa_s,
                      &concentric_ml_s, error) != CUSP_FLOW_OK)
    return CUSP_FLOW_ERROR_INVALID_INPUT;
  *flow_ml_s = concentric_ml_s * (1.0 + 1.5 * eccentricity * eccentricity);
  return CUSP_FLOW_OK;
}

CuspFlowStatus
cusp_flow_eccentric_annulus_exact (double outer_radius_mm, double inner_radius_mm, double eccentricity,
                                   double length_mm, double dp_pa, double viscosity_pa_s,
                                   double *flow_ml_s, CuspFlowError *error)
{
  double a, b, k, concentric, q;

  clear_error (error);
  if (flow_ml_s == NULL)
    return fail (error, "no output given");
  if (!in_range (outer_radius_mm, 0.0, 1, 100.0, "outer radius (mm)", error)
      || !in_range (inner_radius_mm, 0.0, 1, 100.0, "inner radius (mm)", error)
      || !in_range (eccentricity, 0.0, 0, 0.999, "eccentricity", error)
      || !in_range (length_mm, 0.0, 1, 1000.0, "length (mm)", error)
      || !in_range (dp_pa, 0.0, 0, 1e7, "pressure difference (Pa)", error)
      || !in_range (viscosity_pa_s, 0.0, 1, 1.0, "viscosity (Pa s)", error))
    return CUSP_FLOW_ERROR_INVALID_INPUT;
  if (inner_radius_mm >= outer_radius_mm * (1.0 - 1e-9))
    return fail (error, "inner radius %g mm must be below the outer radius %g mm", inner_radius_mm, outer_radius_mm);

  a = outer_radius_mm * M_PER_MM;
  b = inner_radius_mm * M_PER_MM;
  k = M_PI * dp_pa / (8.0 * viscosity_pa_s * length_mm * M_PER_MM);
  concentric = k * (a * a * a * a - b * b * b * b - (a * a - b * b) * (a * a - b * b) / log (a / b));

  if ((a - b) / (0.5 * (a + b)) < 0.005)
    {
      /* Every term of the bipolar form is of order a^4 while the flow is of order a^4 (gap/a)^3:
       * for gaps under 0.5 % of the radius doubles lose too many digits (0.25 % error at
       * gap/a = 1/1200). There the narrow-gap law is exact to O((gap/a)^2) < 1e-5. */
      double gap = a - b;
      q = 2.0 * M_PI * 0.5 * (a + b) * gap * gap * gap * dp_pa / (12.0 * viscosity_pa_s * length_mm * M_PER_MM)
          * (1.0 + 1.5 * eccentricity * eccentricity);
    }
  else if (eccentricity < 0.01)
    {
      /* The bipolar form cancels catastrophically as the offset goes to 0; below e = 0.01 the
       * small-e expansion 1 + 1.5 e^2 agrees with it to 1e-7 (checked against e = 0.01). */
      q = concentric * (1.0 + 1.5 * eccentricity * eccentricity);
    }
  else
    {
      double c = eccentricity * (a - b);                    /* centre offset */
      double f = (a * a - b * b + c * c) / (2.0 * c);
      double m = sqrt (f * f - a * a);
      double alpha = 0.5 * log ((f + m) / (f - m));
      double beta = 0.5 * log ((f - c + m) / (f - c - m));
      double sum = 0.0;

      /* Terms fall like exp(-2 n alpha): at most a few thousand even for thin gaps; the cap only
       * bounds the loop. */
      for (int n = 1; n <= 200000; n++)
        {
          double term = n * exp (-n * (beta + alpha)) / sinh (n * (beta - alpha));
          sum += term;
          if (!(term > 1e-17 * sum))
            break;
        }
      q = k * (a * a * a * a - b * b * b * b - 4.0 * c * c * m * m / (beta - alpha) - 8.0 * c * c * m * m * sum);
    }
  if (!isfinite (q) || q < 0.0)
    return fail (error, "the eccentric annulus law did not give a finite flow for these radii");
  *flow_ml_s = q / M3_PER_ML;
  return CUSP_FLOW_OK;
}

/* Positive root of 0.5 rho (Q / (Cd A))^2 + R Q - dp = 0, SI units, written as
 * Q = 2 dp / (R + sqrt(R^2 + 4 a dp)) with a = 0.5 rho / (Cd A)^2 so no difference of near
 * equal numbers is taken when the viscous term dominates. */
static double
series_flow_si (double dp_pa, double area_m2, double resistance_si, double density, double cd)
{
  double a, disc;

  if (dp_pa <= 0.0 || area_m2 <= 0.0)
    return 0.0;
  a = 0.5 * density / ((cd * area_m2) * (cd * area_m2));
  disc = resistance_si * resistance_si + 4.0 * a * dp_pa;
  return 2.0 * dp_pa / (resistance_si + sqrt (disc));
}

CuspFlowStatus
cusp_flow_series (double dp_pa, double area_mm2, double viscous_resistance_pa_s_per_ml,
                  const CuspFlowOptions *options, double *flow_ml_s, CuspFlowError *error)
{
  CuspFlowOptions o = options ? *options : cusp_flow_default_options ();

  clear_error (error);
  if (flow_ml_s == NULL)
    return fail (error, "no output given");
  if (!options_valid (&o, error)
      || !in_range (dp_pa, 0.0, 0, 1e7, "pressure difference (Pa)", error)
      || !in_range (area_mm2, 0.0, 0, 1e5, "channel area (mm2)", error)
      || !in_range (viscous_resistance_pa_s_per_ml, 0.0, 0, 1e15, "viscous resistance (Pa s/mL)", error))
    return CUSP_FLOW_ERROR_INVALID_INPUT;
  *flow_ml_s = series_flow_si (dp_pa, area_mm2 * M2_PER_MM2, viscous_resistance_pa_s_per_ml / M3_PER_ML,
                               o.density_kg_m3, o.discharge_coefficient) / M3_PER_ML;
  return CUSP_FLOW_OK;
}

CuspFlowStatus
cusp_flow_series_slit (double gap_mm, double length_mm, double width_mm, double dp_pa,
                       const CuspFlowOptions *options, double *flow_ml_s, CuspFlowError *error)
{
  CuspFlowOptions o = options ? *options : cusp_flow_default_options ();
  double h, w, r_si;

  clear_error (error);
  if (flow_ml_s == NULL)
    return fail (error, "no output given");
  if (!options_valid (&o, error)
      || !in_range (gap_mm, 0.0, 0, 100.0, "gap (mm)", error)
      || !in_range (length_mm, 0.0, 1, 1000.0, "length (mm)", error)
      || !in_range (width_mm, 0.0, 0, 1000.0, "width (mm)", error)
      || !in_range (dp_pa, 0.0, 0, 1e7, "pressure difference (Pa)", error))
    return CUSP_FLOW_ERROR_INVALID_INPUT;
  if (gap_mm <= 0.0 || width_mm <= 0.0)
    {
      *flow_ml_s = 0.0;
      return CUSP_FLOW_OK;
    }
  h = gap_mm * M_PER_MM;
  w = width_mm * M_PER_MM;
  r_si = 12.0 * o.viscosity_pa_s * length_mm * M_PER_MM / (w * h * h * h);
  *flow_ml_s = series_flow_si (dp_pa, w * h, r_si, o.density_kg_m3, o.discharge_coefficient) / M3_PER_ML;
  return CUSP_FLOW_OK;
}

CuspFlowStatus
cusp_flow_waveform_validate (const CuspPressureWaveform *w, CuspFlowError *error)
{
  clear_error (error);
  if (w == NULL || w->time_s == NULL || w->pressure_pa == NULL)
    return fail (error, "no pressure waveform given");
  if (w->sample_count < 2 || w->sample_count > CUSP_FLOW_MAX_SAMPLES)
    return fail (error, "a pressure waveform needs 2 to %d samples, got %d", CUSP_FLOW_MAX_SAMPLES, w->sample_count);
  for (int i = 0; i < w->sample_count; i++)
    {
      if (!isfinite (w->time_s[i]) || !isfinite (w->pressure_pa[i]))
        return fail (error, "pressure waveform sample %d is not a finite number", i);
      if (w->pressure_pa[i] < 0.0 || w->pressure_pa[i] > 1e6)
        return fail (error, "pressure waveform sample %d: %g Pa is out of range (0 to 1e6 Pa; the aorta-to-ventricle "
                     "difference in diastole is positive)", i, w->pressure_pa[i]);
      if (i > 0 && !(w->time_s[i] > w->time_s[i - 1]))
        return fail (error, "pressure waveform times must increase (sample %d)", i);
    }
  if (w->time_s[w->sample_count - 1] - w->time_s[0] > 10.0)
    return fail (error, "pressure waveform longer than 10 s: not one diastole");
  return CUSP_FLOW_OK;
}

/* Integral over the waveform of flow(dp) for a channel (area, resistance), plus the peak flow. */
static void
integrate_channel (const CuspPressureWaveform *w, double area_m2, double resistance_si, const CuspFlowOptions *o,
                   double *volume_m3, double *peak_flow_m3_s)
{
  double volume = 0.0, peak = 0.0;

  for (int i = 0; i + 1 < w->sample_count; i++)
    {
      double t0 = w->time_s[i], t1 = w->time_s[i + 1];
      double p0 = w->pressure_pa[i], p1 = w->pressure_pa[i + 1];
      double dt = (t1 - t0) / SUBSTEPS_PER_SEGMENT;
      double q_prev = series_flow_si (p0, area_m2, resistance_si, o->density_kg_m3, o->discharge_coefficient);

      for (int s = 1; s <= SUBSTEPS_PER_SEGMENT; s++)
        {
          double p = p0 + (p1 - p0) * s / SUBSTEPS_PER_SEGMENT;
          double q = series_flow_si (p, area_m2, resistance_si, o->density_kg_m3, o->discharge_coefficient);
          volume += 0.5 * (q_prev + q) * dt;
          q_prev = q;
        }
    }
  for (int i = 0; i < w->sample_count; i++)
    {
      double q = series_flow_si (w->pressure_pa[i], area_m2, resistance_si, o->density_kg_m3, o->discharge_coefficient);
      if (q > peak)
        peak = q;
    }
  *volume_m3 = volume;
  *peak_flow_m3_s = peak;
}

CuspFlowStatus
cusp_flow_orifice_volume (double eroa_cm2, const CuspPressureWaveform *waveform, double density_kg_m3,
                          double *volume_ml, CuspFlowError *error)
{
  double volume = 0.0;

  clear_error (error);
  if (volume_ml == NULL)
    return fail (error, "no output given");
  if (!in_range (eroa_cm2, 0.0, 0, 100.0, "EROA (cm2)", error)
      || !in_range (density_kg_m3, 100.0, 0, 10000.0, "density (kg/m3)", error)
      || cusp_flow_waveform_validate (waveform, error) != CUSP_FLOW_OK)
    return CUSP_FLOW_ERROR_INVALID_INPUT;
  for (int i = 0; i + 1 < waveform->sample_count; i++)
    {
      double t0 = waveform->time_s[i], t1 = waveform->time_s[i + 1];
      double p0 = waveform->pressure_pa[i], p1 = waveform->pressure_pa[i + 1];
      double dt = (t1 - t0) / SUBSTEPS_PER_SEGMENT;

      for (int s = 0; s < SUBSTEPS_PER_SEGMENT; s++)
        {
          double pa = p0 + (p1 - p0) * s / SUBSTEPS_PER_SEGMENT;
          double pb = p0 + (p1 - p0) * (s + 1) / SUBSTEPS_PER_SEGMENT;
          volume += 0.5 * (sqrt (2.0 * pa / density_kg_m3) + sqrt (2.0 * pb / density_kg_m3)) * dt;
        }
    }
  *volume_ml = eroa_cm2 * M2_PER_CM2 * volume / M3_PER_ML;
  return CUSP_FLOW_OK;
}

CuspFlowStatus
cusp_flow_gorlin_area (double flow_ml_s, double dp_mmhg, double *area_cm2, CuspFlowError *error)
{
  clear_error (error);
  if (area_cm2 == NULL)
    return fail (error, "no output given");
  if (!in_range (flow_ml_s, 0.0, 0, 1e5, "flow (mL/s)", error)
      || !in_range (dp_mmhg, 0.0, 1, 1000.0, "pressure difference (mmHg)", error))
    return CUSP_FLOW_ERROR_INVALID_INPUT;
  *area_cm2 = flow_ml_s / (GORLIN_CONSTANT * sqrt (dp_mmhg));
  return CUSP_FLOW_OK;
}

/* ---- gap map analysis -------------------------------------------------------------------- */

CuspFlowStatus
cusp_flow_gap_map_validate (const CuspGapMap *m, CuspFlowError *error)
{
  clear_error (error);
  if (m == NULL || m->gap_mm == NULL)
    return fail (error, "no gap map given");
  if (m->angle_count < 3 || m->angle_count > CUSP_FLOW_MAX_ANGLES)
    return fail (error, "gap map: %d angles, expected 3 to %d", m->angle_count, CUSP_FLOW_MAX_ANGLES);
  if (m->height_count < 1 || m->height_count > CUSP_FLOW_MAX_HEIGHTS)
    return fail (error, "gap map: %d heights, expected 1 to %d", m->height_count, CUSP_FLOW_MAX_HEIGHTS);
  if (!in_range (m->angle_step_deg, 0.0, 1, 120.0, "gap map angle step (deg)", error)
      || !in_range (m->height_step_mm, 0.0, 1, 20.0, "gap map height step (mm)", error)
      || !in_range (m->height0_mm, -200.0, 0, 200.0, "gap map first row height (mm)", error)
      || !in_range (m->seal_radius_mm, 1.0, 0, 50.0, "gap map seal radius (mm)", error))
    return CUSP_FLOW_ERROR_INVALID_INPUT;
  if (fabs (m->angle_count * m->angle_step_deg - 360.0) > 1e-6 * 360.0)
    return fail (error, "gap map: %d angles x %g deg do not make a full turn", m->angle_count, m->angle_step_deg);
  if (m->annulus_row < 0 || m->annulus_row >= m->height_count)
    return fail (error, "gap map: annulus row %d is not one of the %d rows", m->annulus_row, m->height_count);
  if (m->seal_row_begin < 0 || m->seal_row_end > m->height_count || m->seal_row_begin >= m->seal_row_end)
    return fail (error, "gap map: seal rows [%d, %d) are not a non-empty range of the %d rows",
                 m->seal_row_begin, m->seal_row_end, m->height_count);
  for (int i = 0; i < m->angle_count * m->height_count; i++)
    {
      double g = m->gap_mm[i];
      if (!isfinite (g) || g < 0.0 || g > 50.0)
        return fail (error, "gap map: gap at row %d, angle index %d is %g mm (expected a finite 0 to 50 mm)",
                     i / m->angle_count, i % m->angle_count, g);
    }
  return CUSP_FLOW_OK;
}

CuspFlowStatus
cusp_flow_analyze (const CuspGapMap *map, const CuspFlowOptions *options, const CuspPressureWaveform *waveform,
                   CuspLeakResult *result, CuspFlowError *error)
{
  CuspFlowOptions o = options ? *options : cusp_flow_default_options ();
  CuspPressureWaveform w = waveform ? *waveform : cusp_flow_default_waveform ();
  /* Per-column scratch, 2 x 720 doubles + flags: small enough for the stack. */
  double column_resistance[CUSP_FLOW_MAX_ANGLES];
  unsigned char open[CUSP_FLOW_MAX_ANGLES];
  double width_m, dz_m, peak_dp = 0.0, jet_speed;
  int n, start, open_count = 0, apposed_at_annulus = 0;

  clear_error (error);
  if (result == NULL)
    return fail (error, "no result given");
  if (cusp_flow_gap_map_validate (map, error) != CUSP_FLOW_OK
      || !options_valid (&o, error)
      || cusp_flow_waveform_validate (&w, error) != CUSP_FLOW_OK)
    return CUSP_FLOW_ERROR_INVALID_INPUT;

  memset (result, 0, sizeof *result);
  n = map->angle_count;
  width_m = map->seal_radius_mm * M_PER_MM * map->angle_step_deg * M_PI / 180.0;
  dz_m = map->height_step_mm * M_PER_MM;
  for (int i = 0; i < w.sample_count; i++)
    if (w.pressure_pa[i] > peak_dp)
      peak_dp = w.pressure_pa[i];
  result->peak_pressure_pa = peak_dp;

  for (int c = 0; c < n; c++)
    {
      double r = 0.0;
      open[c] = 1;
      for (int row = map->seal_row_begin; row < map->seal_row_end; row++)
        {
          /* The floor only keeps h^3 from underflowing; gaps this small are closed anyway unless
           * the tolerance is 0. */
          double h = fmax (map->gap_mm[row * n + c], 1e-6) * M_PER_MM;
          if (map->gap_mm[row * n + c] <= o.gap_tolerance_mm)
            open[c] = 0;
          r += 12.0 * o.viscosity_pa_s * dz_m / (width_m * h * h * h);
        }
      column_resistance[c] = r;
      open_count += open[c];
      if (map->gap_mm[map->annulus_row * n + c] <= o.gap_tolerance_mm)
        apposed_at_annulus++;
    }
  result->circumferential_extent_pct = 100.0 * open_count / n;
  result->annulus_apposition_pct = 100.0 * apposed_at_annulus / n;

  /* Start the run scan just after a sealed column so runs never straddle the wrap; if every column
   * is open the whole turn is one channel. */
  start = 0;
  for (int c = 0; c < n; c++)
    if (!open[c])
      {
        start = (c + 1) % n;
        break;
      }

  jet_speed = peak_dp > 0.0 ? sqrt (2.0 * peak_dp / o.density_kg_m3) : 0.0;
  for (int k = 0; k < n && open_count > 0;)
    {
      int c = (start + k) % n;
      CuspLeakChannel *ch;
      double conductance = 0.0, best_area = INFINITY, volume_m3, peak_m3_s;
      int best_row = map->seal_row_begin;

      if (!open[c])
        {
          k++;
          continue;
        }
      ch = &result->channels[result->channel_count++];
      ch->first_column = c;
      while (k < n && open[(start + k) % n])
        {
          conductance += 1.0 / column_resistance[(start + k) % n];
          ch->column_count++;
          k++;
        }
      for (int row = map->seal_row_begin; row < map->seal_row_end; row++)
        {
          double area = 0.0;
          for (int j = 0; j < ch->column_count; j++)
            area += width_m * map->gap_mm[row * n + (ch->first_column + j) % n] * M_PER_MM;
          if (area < best_area)
            best_area = area, best_row = row;
        }
      integrate_channel (&w, best_area, 1.0 / conductance, &o, &volume_m3, &peak_m3_s);

      ch->extent_deg = ch->column_count * map->angle_step_deg;
      ch->center_angle_deg = fmod ((ch->first_column + 0.5 * (ch->column_count - 1)) * map->angle_step_deg, 360.0);
      ch->narrowest_height_mm = map->height0_mm + best_row * map->height_step_mm;
      ch->narrowest_area_mm2 = best_area / M2_PER_MM2;
      ch->mean_gap_mm = best_area / (width_m * ch->column_count) / M_PER_MM;
      ch->viscous_resistance_pa_s_per_ml = (1.0 / conductance) * M3_PER_ML;
      ch->peak_flow_ml_s = peak_m3_s / M3_PER_ML;
      ch->volume_ml = volume_m3 / M3_PER_ML;
      ch->eroa_cm2 = jet_speed > 0.0 ? peak_m3_s / jet_speed / M2_PER_CM2 : 0.0;

      result->peak_flow_ml_s += ch->peak_flow_ml_s;
      result->regurgitant_volume_ml += ch->volume_ml;
      result->eroa_cm2 += ch->eroa_cm2;
    }

  if (o.lv_stroke_volume_ml > 0.0)
    {
      result->has_regurgitant_fraction = 1;
      result->regurgitant_fraction_pct = fmin (100.0, 100.0 * result->regurgitant_volume_ml / o.lv_stroke_volume_ml);
      result->grade_by_fraction = cusp_varc2_grade_by_fraction (result->regurgitant_fraction_pct);
    }
  result->grade_by_volume = cusp_varc2_grade_by_volume (result->regurgitant_volume_ml);
  result->grade_by_eroa = cusp_varc2_grade_by_eroa (result->eroa_cm2);
  result->grade_by_extent = cusp_varc2_grade_by_extent (result->circumferential_extent_pct);
  result->grade_driver = CUSP_VARC2_BY_REGURGITANT_VOLUME;
  result->grade = (result->channel_count == 0 || result->regurgitant_volume_ml < o.trace_volume_ml)
                  ? CUSP_VARC2_NONE_TRACE : result->grade_by_volume;
  return CUSP_FLOW_OK;
}

CuspFlowStatus
cusp_flow_channel_curve (const CuspLeakChannel *channel, const CuspFlowOptions *options,
                         const CuspPressureWaveform *waveform, double *flow_ml_s, CuspFlowError *error)
{
  CuspFlowOptions o = options ? *options : cusp_flow_default_options ();
  CuspPressureWaveform w = waveform ? *waveform : cusp_flow_default_waveform ();

  clear_error (error);
  if (channel == NULL || flow_ml_s == NULL)
    return fail (error, "no channel or no output given");
  if (!options_valid (&o, error)
      || cusp_flow_waveform_validate (&w, error) != CUSP_FLOW_OK
      || !in_range (channel->narrowest_area_mm2, 0.0, 1, 1e5, "channel area (mm2)", error)
      || !in_range (channel->viscous_resistance_pa_s_per_ml, 0.0, 1, 1e15, "channel viscous resistance (Pa s/mL)", error))
    return CUSP_FLOW_ERROR_INVALID_INPUT;
  for (int i = 0; i < w.sample_count; i++)
    flow_ml_s[i] = series_flow_si (w.pressure_pa[i], channel->narrowest_area_mm2 * M2_PER_MM2,
                                   channel->viscous_resistance_pa_s_per_ml / M3_PER_ML,
                                   o.density_kg_m3, o.discharge_coefficient) / M3_PER_ML;
  return CUSP_FLOW_OK;
}

/* ---- VARC-2 ----------------------------------------------------------------------------- */

/* Three-band grading: (0, moderate) mild, [moderate, severe) moderate, [severe, inf) severe. */
static CuspVarc2Grade
grade_bands (double v, double moderate_from, double severe_from)
{
  if (!isfinite (v) || v <= 0.0)
    return CUSP_VARC2_NONE_TRACE;
  if (v >= severe_from)
    return CUSP_VARC2_SEVERE;
  if (v >= moderate_from)
    return CUSP_VARC2_MODERATE;
  return CUSP_VARC2_MILD;
}

CuspVarc2Grade cusp_varc2_grade_by_volume (double ml)    { return grade_bands (ml, 30.0, 60.0); }
CuspVarc2Grade cusp_varc2_grade_by_eroa (double cm2)     { return grade_bands (cm2, 0.10, 0.30); }
CuspVarc2Grade cusp_varc2_grade_by_extent (double pct)   { return grade_bands (pct, 10.0, 30.0); }
CuspVarc2Grade cusp_varc2_grade_by_fraction (double pct) { return grade_bands (pct, 30.0, 50.0); }

const char *
cusp_varc2_grade_to_string (CuspVarc2Grade grade)
{
  switch (grade)
    {
    case CUSP_VARC2_NONE_TRACE: return "none_trace";
    case CUSP_VARC2_MILD:       return "mild";
    case CUSP_VARC2_MODERATE:   return "moderate";
    case CUSP_VARC2_SEVERE:     return "severe";
    default:                    return "unknown";
    }
}

const char *
cusp_varc2_criterion_to_string (CuspVarc2Criterion criterion)
{
  switch (criterion)
    {
    case CUSP_VARC2_BY_REGURGITANT_VOLUME:     return "regurgitant_volume";
    case CUSP_VARC2_BY_EROA:                   return "eroa";
    case CUSP_VARC2_BY_CIRCUMFERENTIAL_EXTENT: return "circumferential_extent";
    case CUSP_VARC2_BY_REGURGITANT_FRACTION:   return "regurgitant_fraction";
    default:                                   return "unknown";
    }
}
