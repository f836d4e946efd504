/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-marks.h: draws the valve over a slice with cairo, the same in every slice view and
 * the annulus view: the nominal outline (thin, dashed: where the pose puts the undeployed
 * cylinder, following a drag at once), the deployed frame's section (solid, in the 3D view's
 * valve colour: the newest solver answer) and the drag handles (cusp-valve-handles.h): discs for
 * depth and rotation (the rotation knob on a spoke from the axis), a diamond for tilt. */
#pragma once

#include "cusp-valve-handles.h"
#include "cusp-valve-scene.h"

#include <cairo.h>

G_BEGIN_DECLS

#define CUSP_VALVE_HANDLE_RADIUS_PX 7.0
#define CUSP_VALVE_HANDLE_PICK_PX 12.0

/* The handles' fill (RGB 0..1): the 3D view's handle orange, found nowhere else on the slices
 * (tests find them on screen by it); a hovered or dragged handle is lit halfway to white. The
 * palette shared by the views is in DESIGN.md (render). */
void cusp_valve_marks_get_handle_color (double rgb[3]);

/* Draws what `scene` shows on the view `frame`. `handles` (nullable: none drawn) from
 * cusp_valve_handles_layout; `hot` the hovered or dragged handle (CUSP_VALVE_HANDLE_NONE for
 * none). `scratch` is a double GArray reused between draws for the section's segments. */
void cusp_valve_marks_draw (cairo_t                *cr,
                            const CuspSliceFrame   *frame,
                            CuspValveScene         *scene,
                            const CuspValveHandles *handles,
                            CuspValveHandle         hot,
                            GArray                 *scratch);

G_END_DECLS
