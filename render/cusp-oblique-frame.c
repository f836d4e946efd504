/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-oblique-frame.c: frames of double-oblique planes (see the header). */
#include "cusp-oblique-frame.h"

#include <math.h>

static double
dot3 (const double a[3], const double b[3])
{
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static void
cross3 (const double a[3], const double b[3], double out[3])
{
  out[0] = a[1] * b[2] - a[2] * b[1];
  out[1] = a[2] * b[0] - a[0] * b[2];
  out[2] = a[0] * b[1] - a[1] * b[0];
}

static gboolean
normalize3 (double v[3])
{
  double length = sqrt (dot3 (v, v));

  if (!(length > 1e-9) || !isfinite (length))
    return FALSE;
  for (int a = 0; a < 3; a++)
    v[a] /= length;
  return TRUE;
}

/* `hint` minus its component along the unit `n`, normalised; FALSE when nearly parallel. */
static gboolean
project_into_plane (const double hint[3], const double n[3], double out[3])
{
  double along = dot3 (hint, n), length;

  for (int a = 0; a < 3; a++)
    out[a] = hint[a] - along * n[a];
  length = sqrt (dot3 (out, out));
  /* Below ~10 degrees from the normal the projection swings wildly with small tilts. */
  if (!(length > 0.17 * sqrt (dot3 (hint, hint))))
    return FALSE;
  return normalize3 (out);
}

gboolean
cusp_oblique_frame_init (CuspSliceFrame *frame,
                         const double    centre_mm[3],
                         const double    normal[3],
                         const double    up_hint[3],
                         double          field_mm,
                         int             width_px,
                         int             height_px)
{
  static const double superior[3] = { 0, 0, 1 }, left[3] = { 1, 0, 0 };
  double forward[3] = { normal[0], normal[1], normal[2] }, up[3], right[3];

  g_return_val_if_fail (frame != NULL, FALSE);
  if (!normalize3 (forward) || !(field_mm > 0.0) || !isfinite (field_mm)
      || width_px <= 0 || height_px <= 0)
    return FALSE;
  if (!(up_hint != NULL && project_into_plane (up_hint, forward, up))
      && !project_into_plane (superior, forward, up)
      && !project_into_plane (left, forward, up))
    return FALSE;
  cross3 (forward, up, right);   /* axial: S x A = L, screen right as in the axial view */
  normalize3 (right);

  for (int a = 0; a < 3; a++)
    {
      frame->centre_mm[a] = centre_mm[a];
      frame->right[a] = right[a];
      frame->up[a] = up[a];
      frame->forward[a] = forward[a];
    }
  frame->width_px = width_px;
  frame->height_px = height_px;
  frame->mm_per_px = field_mm / MIN (width_px, height_px);
  return TRUE;
}
