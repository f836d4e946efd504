/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-overlay.h: what the 3D view paints over the root for one solver answer: the wall's
 * contact pressure, the open skirt-to-wall gaps, the leak jets and the coronary ostia with their
 * distance to the displaced leaflet (GL-free, GTK-free; immutable once handed to the scene).
 *
 * Everything the solver gives is in the root frame (cusp-valve-scene.h CuspSceneFrame: z up the
 * root toward the aorta, theta from +x toward +y); the ostia come from the landmarks in LPS. The
 * valve panel builds one overlay per answer and hands it to the CuspValveScene; the volume view
 * turns it into vertex colours of the lumen and small meshes (cusp-valve-overlay-mesh.h).
 *
 * Pressure colour scale: viridis (perceptually uniform, readable in grey and by red-green colour
 * blind readers, and far from the lumen's red, the calcium's yellow-white and the frame's blue),
 * from 0 to the 90th percentile of this answer's loaded wall cells rounded up to a readable step
 * (cusp_pressure_scale_max_pa), on a square-root scale (cusp_pressure_fraction); higher
 * pressures take the top colour, and the legend says so and gives the peak. Why: contact
 * pressure is skewed. On the demo's converged answer the peak was 280 kPa, the 95th percentile
 * 50 kPa and 70 % of the loaded cells were under a fifth of that: a linear scale to the peak (or
 * to a fixed clinical 500 kPa) left almost all the contact in the darkest purple. The scale
 * follows the answer so that where the wall is loaded always reads; the legend's numbers are
 * what compare between plans. */
#pragma once

#include <glib.h>

#include "cusp-mesh.h"
#include "cusp-shape-mesh.h"
#include "cusp-sim-flow.h"
#include "cusp-valve-scene.h"

G_BEGIN_DECLS

#define CUSP_OVERLAY_MAX_JETS 12
/* Wall vertices farther than this outside the deployed frame's widest radius are not the wall
 * the frame presses on (a coronary artery, the ventricle beyond): left untinted. */
#define CUSP_OVERLAY_WALL_REACH_MM 4.0
/* The lumen where it shows a result: still see-through, but the colour reads. */
#define CUSP_OVERLAY_TINT_ALPHA 0.6f
/* The colour scale's top: this percentile of the loaded cells' pressures (see above). */
#define CUSP_OVERLAY_SCALE_PERCENTILE 90.0

/* One leak channel drawn as an arrow from where its gap is narrowest down past the skirt's
 * inflow edge into the ventricle (regurgitant flow: aorta -> LV), root frame. */
typedef struct {
  double angle_deg;                  /* channel centre */
  double radius_mm;                  /* skirt radius + half the gap: inside the gap */
  double start_z_mm;                 /* the channel's narrowest row */
  double end_z_mm;                   /* below the skirt's inflow edge */
  double share;                      /* of the regurgitant volume, (0, 1] */
  double volume_ml;                  /* per beat */
} CuspOverlayJet;

/* A coronary ostium and the displaced leaflet's free edge in its meridian (LPS). */
typedef struct {
  gboolean present;
  double ostium_lps[3];
  double leaflet_lps[3];
  double dlc_mm;                     /* the solver's DLC */
  int risk_level;                    /* 0 green, 1 amber, 2 red; -1 not graded */
} CuspOverlayOstium;

enum { CUSP_OVERLAY_OSTIUM_LEFT = 0, CUSP_OVERLAY_OSTIUM_RIGHT, CUSP_OVERLAY_N_OSTIA };

struct _CuspValveOverlay {
  int pressure_angle_count, pressure_height_count;
  double pressure_height0_mm, pressure_height_step_mm;
  double *pressure_pa;               /* [height][angle], column a at 360 a / angle_count deg */
  double peak_pressure_pa;
  double scale_max_pa;               /* top of the colour scale (see the top) */

  int gap_angle_count, gap_height_count;
  double gap_angle_step_deg, gap_height0_mm, gap_height_step_mm;
  double gap_tolerance_mm;
  double *gap_mm;                    /* [height][angle], column a at a x angle_step_deg */

  double frame_radius_mm;            /* the deployed frame's widest outer radius */
  int jet_count;
  CuspOverlayJet jets[CUSP_OVERLAY_MAX_JETS];
  CuspOverlayOstium ostia[CUSP_OVERLAY_N_OSTIA];
};

typedef struct _CuspValveOverlay CuspValveOverlay;

/* Empty (no pressure, no gap, no jet, no ostium), reference count 1 (g_rc_box). */
CuspValveOverlay *cusp_valve_overlay_new   (void);
CuspValveOverlay *cusp_valve_overlay_ref   (CuspValveOverlay *overlay);
void              cusp_valve_overlay_unref (CuspValveOverlay *overlay);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspValveOverlay, cusp_valve_overlay_unref)

/* Copies the pressure grid; FALSE (overlay untouched) for bad sizes or non-finite values.
 * Sets the peak and the colour scale's top. */
gboolean cusp_valve_overlay_set_pressure (CuspValveOverlay *overlay, int angle_count, int height_count,
                                          double height0_mm, double height_step_mm,
                                          const double *pressure_pa);
/* Copies the gap map (cusp-sim.h CuspSimGapMap fields); FALSE as above. */
gboolean cusp_valve_overlay_set_gap      (CuspValveOverlay *overlay, int angle_count, int height_count,
                                          double angle_step_deg, double height0_mm,
                                          double height_step_mm, double tolerance_mm,
                                          const double *gap_mm);
/* The leak model's channels as jets: those carrying volume, largest first, at most
 * CUSP_OVERLAY_MAX_JETS; `skirt_radius_mm` the seal radius, `inflow_z_mm` the skirt's lower edge. */
void     cusp_valve_overlay_set_jets     (CuspValveOverlay *overlay, const CuspLeakResult *leak,
                                          double skirt_radius_mm, double inflow_z_mm);
/* An ostium (LPS) and the free edge of the displaced leaflet (`free_edge_radius_mm` at
 * `free_edge_height_mm`, root frame) in the ostium's meridian. */
void     cusp_valve_overlay_set_ostium   (CuspValveOverlay *overlay, int side,
                                          const CuspSceneFrame *frame, const double ostium_lps[3],
                                          double free_edge_radius_mm, double free_edge_height_mm,
                                          double dlc_mm, int risk_level);

/* Contact pressure at (theta, z) of the root frame, bilinear, the angle wrapping round; 0
 * outside the grid or without one. */
double   cusp_valve_overlay_pressure_at  (const CuspValveOverlay *overlay, double theta_deg, double z_mm);
/* Whether the skirt-to-wall gap at (theta, z) is open (above the tolerance; nearest cell); FALSE
 * outside the skirt's rows. */
gboolean cusp_valve_overlay_gap_open_at  (const CuspValveOverlay *overlay, double theta_deg, double z_mm);

/* The top of the scale for a peak: the peak rounded up to 1, 2, 2.5 or 5 x 10^n Pa; 100 kPa
 * for no contact. */
double   cusp_pressure_scale_max_pa      (double peak_pa);
/* The CUSP_OVERLAY_SCALE_PERCENTILE-th percentile of the positive pressures (0 when none). */
double   cusp_pressure_scale_percentile_pa (const double *pressure_pa, gsize count);
/* Where a pressure sits on the colour scale: sqrt(p / scale_max), clamped to [0, 1] (0 for
 * NaN or a scale <= 0). */
double   cusp_pressure_fraction          (double pressure_pa, double scale_max_pa);
/* Viridis at `fraction` of the scale, clamped to [0, 1] (NaN: the bottom). */
void     cusp_pressure_colormap          (double fraction, float rgb[3]);
/* The colour of an open gap on the wall and of the leak jets: magenta, apart from everything. */
void     cusp_overlay_gap_color          (float rgb[3]);

/* RGBA of each vertex of the lumen surface (LPS): the pressure colour where the wall is loaded,
 * the gap colour where the skirt stands off it, `base_rgba` elsewhere. `rgba` holds
 * 4 x lumen->vertex_count floats. NULL overlay: all base. */
void     cusp_valve_overlay_color_vertices (const CuspValveOverlay *overlay,
                                            const CuspSceneFrame   *frame,
                                            const CuspMesh         *lumen,
                                            const float             base_rgba[4],
                                            float                  *rgba);

/* The jets (arrows in the gap colour, shaft radius growing with the square root of the jet's
 * share of the volume, so its cross-section follows the share) and the ostia (a sphere at each
 * ostium and a line to the leaflet's free edge, in the risk light's colour) as shapes in LPS. */
void     cusp_valve_overlay_build_shapes (const CuspValveOverlay *overlay,
                                          const CuspSceneFrame   *frame,
                                          CuspShapeMesh          *shapes);
/* A jet's shaft radius for a share of the regurgitant volume. */
double   cusp_overlay_jet_radius_mm      (double share);
/* The traffic light's colour of a risk level (0 green, 1 amber, 2 red, else grey), as the valve
 * panel shows it. */
void     cusp_overlay_risk_color         (int risk_level, float rgb[3]);

G_END_DECLS
