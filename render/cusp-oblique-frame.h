/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-oblique-frame.h: the CuspSliceFrame of an arbitrary (double-oblique) plane, such as the
 * annulus plane through the three hinge points (plain maths, no GL).
 *
 * The view looks along -normal, like the axial view looks from the feet: `normal` is the frame's
 * "next slice" direction (forward). Screen up is the patient direction `up_hint` (e.g. anterior)
 * projected into the plane, so the view turns as little as possible away from the familiar axial
 * picture; when the hint is (nearly) along the normal, superior and then left are tried. Screen
 * right = forward x up, which makes the frame right-handed the same way as the axial view. */
#pragma once

#include "cusp-slice-geometry.h"

G_BEGIN_DECLS

/* FALSE (frame untouched) when `normal` is zero or not finite, `field_mm` <= 0 or the size is
 * not positive. `field_mm` is what the shorter side of the view shows. */
gboolean cusp_oblique_frame_init (CuspSliceFrame *frame,
                                  const double    centre_mm[3],
                                  const double    normal[3],
                                  const double    up_hint[3],
                                  double          field_mm,
                                  int             width_px,
                                  int             height_px);

G_END_DECLS
