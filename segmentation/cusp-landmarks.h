/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-landmarks.h: the anatomical landmarks of an aortic root, in LPS millimetres.
 *
 * Produced three ways: the phantom's ground truth, automatic detection on a segmented CT, and the
 * user dragging handles. Measurements are computed from landmarks + image, so every one of those
 * sources feeds the same measurement code. Cusp order: left, right, non-coronary. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CUSP_CUSP_LEFT,
  CUSP_CUSP_RIGHT,
  CUSP_CUSP_NON_CORONARY,
  CUSP_CUSP_COUNT
} CuspCusp;

typedef enum {
  CUSP_COMMISSURE_LEFT_RIGHT,
  CUSP_COMMISSURE_RIGHT_NON,
  CUSP_COMMISSURE_NON_LEFT,
  CUSP_COMMISSURE_COUNT
} CuspCommissure;

#define CUSP_LANDMARKS_MAX_CENTERLINE 512

typedef struct {
  double hinge_mm[CUSP_CUSP_COUNT][3];              /* cusp nadirs: define the annulus plane */
  double commissure_mm[CUSP_COMMISSURE_COUNT][3];   /* top of each inter-leaflet triangle */
  double left_ostium_mm[3];                         /* lower edge of the left main ostium */
  double right_ostium_mm[3];                        /* lower edge of the right coronary ostium */
  double stj_center_mm[3];                          /* centre of the sinotubular junction */
  int centerline_count;                             /* points from LVOT up the ascending aorta */
  double centerline_mm[CUSP_LANDMARKS_MAX_CENTERLINE][3];
} CuspLandmarks;

G_END_DECLS
