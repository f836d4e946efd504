/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-slice-geometry.h: where an MPR view's pixels lie in the patient (plain maths, no GL).
 *
 * A slice view shows a plane of the patient, never a plane of the voxel grid: the plane is spanned
 * by two LPS unit vectors fixed per view, and the renderer maps every pixel back to LPS and then
 * into the volume's index space. So any direction matrix (RAS-flipped NIfTI, LPI slice order,
 * permuted axes, an oblique acquisition) displays the same anatomy the same way up.
 *
 * Display convention (radiological; as 3D Slicer, ITK-SNAP and PACS viewers show it):
 *
 *   view      screen left  screen right  top  bottom   looking from
 *   axial     R            L             A    P        the feet
 *   coronal   R            L             S    I        the front
 *   sagittal  A            P             S    I        the patient's left
 *
 * Screen coordinates are the widget's logical pixels, x to the right and y downward, with (0, 0)
 * at the top-left corner of the top-left pixel.
 */
#pragma once

#include "cusp-volume.h"

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CUSP_SLICE_AXIAL,
  CUSP_SLICE_CORONAL,
  CUSP_SLICE_SAGITTAL,
} CuspSliceOrientation;

#define CUSP_TYPE_SLICE_ORIENTATION (cusp_slice_orientation_get_type ())
GType cusp_slice_orientation_get_type (void) G_GNUC_CONST;

typedef enum {
  CUSP_SLICE_EDGE_LEFT,
  CUSP_SLICE_EDGE_RIGHT,
  CUSP_SLICE_EDGE_TOP,
  CUSP_SLICE_EDGE_BOTTOM,
} CuspSliceEdge;

/* One view's mapping between logical pixels and LPS millimetres. */
typedef struct {
  double centre_mm[3];   /* LPS point at the centre of the viewport (pan and slice depth included) */
  double right[3];       /* unit LPS vector toward screen right */
  double up[3];          /* unit LPS vector toward screen top */
  double forward[3];     /* unit LPS vector of "next slice" (Page Up): S, A or L */
  double mm_per_px;      /* size of one logical pixel */
  int width_px;
  int height_px;
} CuspSliceFrame;

/* Screen right, screen up and the next-slice direction of a view, as LPS unit vectors. */
void         cusp_slice_orientation_get_axes (CuspSliceOrientation orientation,
                                              double               right[3],
                                              double               up[3],
                                              double               forward[3]);
const char  *cusp_slice_orientation_to_string (CuspSliceOrientation orientation);  /* translated */
/* The patient direction letter (R L A P S I) shown at an edge of a view. */
const char  *cusp_slice_orientation_edge_letter (CuspSliceOrientation orientation,
                                                 CuspSliceEdge        edge);
/* The letter (R L A P S I) of the patient axis closest to an LPS direction. */
const char  *cusp_lps_direction_letter (const double direction[3]);

/* Builds the frame of a view of `width_px` x `height_px` logical pixels. zoom 1 fits the whole
 * volume (its voxels' outer faces) in the view; pan_mm shifts the volume's centre on screen, in mm
 * along (right, up); the slice passes through cursor_mm. With no volume a 200 mm square around
 * the LPS origin is framed. */
void         cusp_slice_frame_init       (CuspSliceFrame       *frame,
                                          CuspSliceOrientation  orientation,
                                          const CuspVolume     *volume,
                                          const double          cursor_mm[3],
                                          double                zoom,
                                          const double          pan_mm[2],
                                          int                   width_px,
                                          int                   height_px);
void         cusp_slice_frame_screen_to_lps (const CuspSliceFrame *frame,
                                             double                x_px,
                                             double                y_px,
                                             double                lps_mm[3]);
/* Projects an LPS point onto the view; returns its signed distance (mm) in front of the plane
 * along `forward`. */
double       cusp_slice_frame_lps_to_screen (const CuspSliceFrame *frame,
                                             const double          lps_mm[3],
                                             double               *x_px,
                                             double               *y_px);
/* The affine map from normalised device coordinates (x, y in -1..1, y up) to the volume's 3D
 * texture coordinates (0..1 across the outer voxel faces), as a column-major 3x3 matrix M with
 * tex = M * (x, y, 1). */
void         cusp_slice_frame_ndc_to_texture (const CuspSliceFrame *frame,
                                              const CuspVolume     *volume,
                                              float                 matrix[9]);
/* Distance between slices along the view's normal: one voxel step in index space. */
double       cusp_slice_frame_slice_step_mm (const CuspSliceFrame *frame,
                                             const CuspVolume     *volume);
/* A round scale-bar length (1, 2 or 5 x 10^n mm) close to `target_px` pixels long. */
double       cusp_slice_frame_scale_bar_mm (const CuspSliceFrame *frame,
                                            double                target_px);

G_END_DECLS
