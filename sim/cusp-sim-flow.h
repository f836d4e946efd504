/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-flow.h: reduced-order paravalvular leak model: gap flow laws, the skirt-to-wall gap
 * map -> leak channels -> flow over a diastolic pressure waveform -> EROA, regurgitant volume,
 * circumferential extent and VARC-2 grade. Plain C17 + libm.
 *
 * Physics (DOMAIN.md 6). A paravalvular gap is a thin channel between the frame's sealing skirt
 * and the annulus wall. Real gaps (0.1-1 mm wide, 5-10 mm long) sit where viscous and inertial
 * losses are comparable, so the pressure drop across a channel is the series sum
 *
 *     dp = 0.5 rho (Q / (Cd A))^2  +  R Q                       (orifice + Poiseuille slit)
 *
 * with A the narrowest cross-section, Cd = 0.61 (sharp-edged orifice) and R the viscous
 * resistance of the channel, R = 12 mu L / (w h^3) for a uniform slit. This is solved for Q
 * exactly: Q = 2 dp / (R + sqrt(R^2 + 2 rho dp / (Cd A)^2)) (the quadratic's positive root written
 * without cancellation), so Q -> A Cd sqrt(2 dp / rho) for wide gaps and dp / R for narrow ones.
 *
 * Gap map -> channels. The map holds the skirt-to-wall gap over angle (columns, a full turn) and
 * height (rows). Blood leaks from the aorta to the ventricle along the height. A column whose gap
 * falls to the tolerance (apposition) at any row of the seal is sealed; a LEAK CHANNEL is a
 * contiguous run of columns (wrapping round 360 deg) that stays open over every seal row. Within a
 * channel, each column is a chain of slit segments in series (R_col = sum 12 mu dz / (w h^3)), the
 * columns act in parallel (1/R = sum 1/R_col), and the inertial loss sits at the narrowest row of
 * the channel (A = min over rows of sum over columns of w h). Flow around closed patches (a
 * tortuous path from one column to the next) is neglected: the model then under-estimates leaks
 * through staggered gaps. Channels are independent and their flows add.
 *
 * Effective regurgitant orifice area (EROA) is defined as echo defines it, the vena-contracta area
 * a Bernoulli jet would need to carry the peak flow at the peak pressure difference:
 *     EROA = Q_peak / sqrt(2 dp_peak / rho)
 * so EROA x sqrt(2 dp / rho) x T is the regurgitant volume of a constant dp over T (DOMAIN.md 7
 * item 7). The Gorlin area (clinical constant 44.3, mmHg, mL/s) is provided separately.
 *
 * VARC-2 grade: the grade is driven by the regurgitant volume per beat (< 30 mild, 30-59 moderate,
 * >= 60 severe mL), the criterion this model integrates over the whole waveform. The grades by EROA,
 * circumferential extent and (when the LV stroke volume is given) regurgitant fraction are
 * reported beside it. "None/trace" means no open channel or a volume under trace_volume_ml.
 *
 * Every function checks its inputs first: NaN, inf, negative or impossible values return
 * CUSP_FLOW_ERROR_INVALID_INPUT with a message, and outputs are then left untouched. No output is
 * ever NaN. Every output is a model estimate, never a diagnosis. */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

#define CUSP_FLOW_MAX_ANGLES   720        /* gap map columns (0.5 deg resolution) */
#define CUSP_FLOW_MAX_HEIGHTS  400        /* gap map rows */
#define CUSP_FLOW_MAX_CHANNELS (CUSP_FLOW_MAX_ANGLES / 2)
#define CUSP_FLOW_MAX_SAMPLES  4096       /* pressure waveform samples */
#define CUSP_FLOW_ERROR_MAX    256

#define CUSP_PA_PER_MMHG 133.322387415

typedef enum {
  CUSP_FLOW_OK = 0,
  CUSP_FLOW_ERROR_INVALID_INPUT
} CuspFlowStatus;

typedef struct {
  CuspFlowStatus status;
  char message[CUSP_FLOW_ERROR_MAX];
} CuspFlowError;

typedef enum {
  CUSP_VARC2_NONE_TRACE = 0,
  CUSP_VARC2_MILD,
  CUSP_VARC2_MODERATE,
  CUSP_VARC2_SEVERE
} CuspVarc2Grade;

typedef enum {
  CUSP_VARC2_BY_REGURGITANT_VOLUME = 0,
  CUSP_VARC2_BY_EROA,
  CUSP_VARC2_BY_CIRCUMFERENTIAL_EXTENT,
  CUSP_VARC2_BY_REGURGITANT_FRACTION
} CuspVarc2Criterion;

/* The one apposition tolerance: a skirt-to-wall gap at or below it is closed, both for the
 * solver's sealing % (CuspSimWorldDef.gap_tolerance_mm) and for this model's leak channels
 * (CuspFlowOptions.gap_tolerance_mm; cusp_sim_result_leak passes the solver's value on). Why 0.1 mm:
 * by the series law (DOMAIN.md 7.6) a 10 mm wide run of 0.1 mm gap, 5 mm long, passes 0.43 mL/s at
 * 70 mmHg, about 0.2 mL per 0.5 s diastole, a fifth of the 1 mL trace volume, so calling it closed
 * changes no grade; a 0.2 mm gap passes 2.6 mL/s (1.3 mL per beat), a leak that must count.
 * Chosen, not measured: skirt fabric and tissue roughness are of this order. */
#define CUSP_GAP_TOLERANCE_MM 0.1

/* Blood and model constants. */
typedef struct {
  double density_kg_m3;                /* 1060 */
  double viscosity_pa_s;               /* 3.5e-3 */
  double discharge_coefficient;        /* 0.61, sharp-edged orifice */
  double gap_tolerance_mm;             /* a gap at or below this is apposed: CUSP_GAP_TOLERANCE_MM */
  double trace_volume_ml;              /* below this a leak is none/trace: 1.0 mL (chosen; VARC-2
                                        * gives no number for trace) */
  double lv_stroke_volume_ml;          /* total LV stroke volume for the regurgitant fraction;
                                        * 0 = unknown, fraction not graded */
} CuspFlowOptions;

/* Aorta-minus-ventricle pressure difference over one diastole: samples (time_s[i], pressure_pa[i]),
 * time strictly increasing, pressure >= 0, linear in between. The arrays are borrowed. */
typedef struct {
  const double *time_s;
  const double *pressure_pa;
  int sample_count;
} CuspPressureWaveform;

/* Skirt-to-wall gap map, laid out as the structural solver's CuspSimGapMap (cusp-sim.h) so its
 * fields copy across one to one:
 *   gap_mm[row * angle_count + column]: radial gap between the skirt's outer surface and the wall
 *     (mm, >= 0; 0 = contact). Row-major [height][angle].
 *   column c is centred on angle c * angle_step_deg, so angle_count * angle_step_deg must be 360
 *     (a full turn; runs wrap from the last column to the first).
 *   row r sits at height height0_mm + r * height_step_mm (root frame, z up toward the aorta);
 *     annulus_row is the row in the annular plane (used for apposition).
 *   rows [seal_row_begin, seal_row_end) are covered by the skirt: the seal (all rows when the map
 *     covers the skirt only). Rows outside it are ignored for leaks (blood passes freely through
 *     the open cells above the skirt).
 *   seal_radius_mm: radius of the skirt at the seal, to turn angle into width: w = r dtheta (the
 *     structural solver's mean inflow diameter / 2 is a good value). */
typedef struct {
  const double *gap_mm;
  int angle_count;
  int height_count;
  double angle_step_deg;
  double height_step_mm;
  double height0_mm;
  int annulus_row;
  int seal_row_begin;
  int seal_row_end;
  double seal_radius_mm;
} CuspGapMap;

/* One leak channel; also the jet shown in the 3D view (center angle, narrowest height, flow). */
typedef struct {
  int first_column;                    /* run of columns [first, first + column_count), wrapping */
  int column_count;
  double center_angle_deg;             /* [0, 360) */
  double extent_deg;
  double narrowest_height_mm;          /* root-frame z of the narrowest row */
  double narrowest_area_mm2;           /* geometric cross-section A */
  double mean_gap_mm;                  /* at the narrowest row */
  double viscous_resistance_pa_s_per_ml;
  double peak_flow_ml_s;
  double volume_ml;                    /* per beat */
  double eroa_cm2;
} CuspLeakChannel;

typedef struct {
  CuspLeakChannel channels[CUSP_FLOW_MAX_CHANNELS];
  int channel_count;

  double peak_pressure_pa;             /* of the waveform */
  double peak_flow_ml_s;               /* all channels, at the waveform peak */
  double regurgitant_volume_ml;        /* per beat */
  double eroa_cm2;
  double circumferential_extent_pct;   /* leak columns / all columns */
  double annulus_apposition_pct;       /* columns apposed at the annulus row */
  int has_regurgitant_fraction;
  double regurgitant_fraction_pct;     /* 0 when !has_regurgitant_fraction */

  CuspVarc2Grade grade;                /* = grade_by_volume, or none/trace (see top) */
  CuspVarc2Criterion grade_driver;     /* always CUSP_VARC2_BY_REGURGITANT_VOLUME today */
  CuspVarc2Grade grade_by_volume;
  CuspVarc2Grade grade_by_eroa;
  CuspVarc2Grade grade_by_extent;
  CuspVarc2Grade grade_by_fraction;    /* NONE_TRACE when !has_regurgitant_fraction */
} CuspLeakResult;

CuspFlowOptions cusp_flow_default_options (void);

/* The default diastole: 70 mmHg (DOMAIN.md 6) for 0.5 s, reached and left by 30 ms linear ramps
 * (isovolumic relaxation and contraction). Points to static storage. */
CuspPressureWaveform cusp_flow_default_waveform (void);

/* ---- elementary flow laws (mm, Pa, mL/s) ---- */

/* Poiseuille flow between parallel plates: Q = w h^3 dp / (12 mu L). */
CuspFlowStatus cusp_flow_slit (double gap_mm, double length_mm, double width_mm, double dp_pa,
                               double viscosity_pa_s, double *flow_ml_s, CuspFlowError *error);

/* Hagen-Poiseuille pipe flow: Q = pi R^4 dp / (8 mu L). */
CuspFlowStatus cusp_flow_pipe (double radius_mm, double length_mm, double dp_pa,
                               double viscosity_pa_s, double *flow_ml_s, CuspFlowError *error);

/* Narrow eccentric annular gap: the slit law on the circumference 2 pi R times (1 + 1.5 e^2),
 * e = centre offset / mean gap in [0, 1]. Valid for gap << R. */
CuspFlowStatus cusp_flow_eccentric_annulus (double radius_mm, double mean_gap_mm, double eccentricity,
                                            double length_mm, double dp_pa, double viscosity_pa_s,
                                            double *flow_ml_s, CuspFlowError *error);

/* Exact Poiseuille flow in an eccentric annulus (bipolar-coordinate solution, White, Viscous
 * Fluid Flow, 3rd ed., eq. 3-52), outer radius > inner radius, e in [0, 1). */
CuspFlowStatus cusp_flow_eccentric_annulus_exact (double outer_radius_mm, double inner_radius_mm,
                                                  double eccentricity, double length_mm, double dp_pa,
                                                  double viscosity_pa_s, double *flow_ml_s,
                                                  CuspFlowError *error);

/* Series orifice + viscous model for a channel of cross-section area_mm2 and viscous resistance
 * (Pa s / mL), solved exactly for Q. */
CuspFlowStatus cusp_flow_series (double dp_pa, double area_mm2, double viscous_resistance_pa_s_per_ml,
                                 const CuspFlowOptions *options, double *flow_ml_s, CuspFlowError *error);

/* The same for a uniform slit: A = w h, R = 12 mu L / (w h^3). */
CuspFlowStatus cusp_flow_series_slit (double gap_mm, double length_mm, double width_mm, double dp_pa,
                                      const CuspFlowOptions *options, double *flow_ml_s,
                                      CuspFlowError *error);

/* Regurgitant volume of a fixed effective orifice over a waveform: V = integral of
 * EROA sqrt(2 dp(t) / rho) dt. */
CuspFlowStatus cusp_flow_orifice_volume (double eroa_cm2, const CuspPressureWaveform *waveform,
                                         double density_kg_m3, double *volume_ml, CuspFlowError *error);

/* Gorlin orifice area, A = Q / (44.3 sqrt(dp)), Q in mL/s, dp in mmHg, A in cm2 (orifice
 * coefficient 1 as for the aortic valve; 44.3 = sqrt(2 x 980 cm/s2)). */
CuspFlowStatus cusp_flow_gorlin_area (double flow_ml_s, double dp_mmhg, double *area_cm2,
                                      CuspFlowError *error);

/* Checks a waveform (2..CUSP_FLOW_MAX_SAMPLES samples, finite, increasing time, dp >= 0,
 * duration <= 10 s). */
CuspFlowStatus cusp_flow_waveform_validate (const CuspPressureWaveform *waveform, CuspFlowError *error);

/* Checks a gap map (sizes, steps, a full turn, finite gaps >= 0 and <= 50 mm). */
CuspFlowStatus cusp_flow_gap_map_validate (const CuspGapMap *map, CuspFlowError *error);

/* The whole leak analysis. `options` and `waveform` may be NULL for the defaults. */
CuspFlowStatus cusp_flow_analyze (const CuspGapMap *map, const CuspFlowOptions *options,
                                  const CuspPressureWaveform *waveform, CuspLeakResult *result,
                                  CuspFlowError *error);

/* Flow through one analysed channel at each sample of a waveform (flow_ml_s has
 * waveform->sample_count entries): the instantaneous leak for plots and jet animation. The same
 * series law as cusp_flow_analyze, from the channel's narrowest area and viscous resistance. */
CuspFlowStatus cusp_flow_channel_curve (const CuspLeakChannel *channel, const CuspFlowOptions *options,
                                        const CuspPressureWaveform *waveform, double *flow_ml_s,
                                        CuspFlowError *error);

/* VARC-2 thresholds (DOMAIN.md 4). A value exactly on a threshold takes the worse grade
 * (e.g. 30.0 mL is moderate). The volume and EROA grades return mild for any positive value below
 * the mild/moderate threshold; "none/trace" is decided by the caller (see top). Negative or
 * non-finite input returns CUSP_VARC2_NONE_TRACE. */
CuspVarc2Grade cusp_varc2_grade_by_volume (double regurgitant_volume_ml);
CuspVarc2Grade cusp_varc2_grade_by_eroa (double eroa_cm2);
CuspVarc2Grade cusp_varc2_grade_by_extent (double circumferential_extent_pct);
CuspVarc2Grade cusp_varc2_grade_by_fraction (double regurgitant_fraction_pct);

const char *cusp_varc2_grade_to_string (CuspVarc2Grade grade);         /* "none_trace", "mild", ... */
const char *cusp_varc2_criterion_to_string (CuspVarc2Criterion criterion);

#ifdef __cplusplus
}
#endif
