/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-slice-geometry.c: pixel <-> LPS mapping of MPR views; see the header for the convention. */
#include "cusp-slice-geometry.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

G_DEFINE_ENUM_TYPE (CuspSliceOrientation, cusp_slice_orientation,
  G_DEFINE_ENUM_VALUE (CUSP_SLICE_AXIAL, "axial"),
  G_DEFINE_ENUM_VALUE (CUSP_SLICE_CORONAL, "coronal"),
  G_DEFINE_ENUM_VALUE (CUSP_SLICE_SAGITTAL, "sagittal"))

/* Rows: axial, coronal, sagittal. LPS: +x patient Left, +y Posterior, +z Superior. */
static const double view_axes[3][3][3] = {
  /*  screen right     screen up        next slice */
  { { 1, 0, 0 },     { 0, -1, 0 },    { 0, 0, 1 } },   /* axial: L right, A up, toward S */
  { { 1, 0, 0 },     { 0, 0, 1 },     { 0, -1, 0 } },  /* coronal: L right, S up, toward A */
  { { 0, 1, 0 },     { 0, 0, 1 },     { 1, 0, 0 } },   /* sagittal: P right, S up, toward L */
};

static inline double
dot3 (const double a[3], const double b[3])
{
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

void
cusp_slice_orientation_get_axes (CuspSliceOrientation orientation,
                                 double               right[3],
                                 double               up[3],
                                 double               forward[3])
{
  g_return_if_fail (orientation <= CUSP_SLICE_SAGITTAL);

  memcpy (right, view_axes[orientation][0], sizeof (double) * 3);
  memcpy (up, view_axes[orientation][1], sizeof (double) * 3);
  memcpy (forward, view_axes[orientation][2], sizeof (double) * 3);
}

const char *
cusp_slice_orientation_to_string (CuspSliceOrientation orientation)
{
  switch (orientation)
    {
    case CUSP_SLICE_AXIAL: return _("Axial");
    case CUSP_SLICE_CORONAL: return _("Coronal");
    case CUSP_SLICE_SAGITTAL: return _("Sagittal");
    default: g_return_val_if_reached ("");
    }
}

const char *
cusp_lps_direction_letter (const double direction[3])
{
  static const char *letters[3][2] = { { "R", "L" }, { "A", "P" }, { "I", "S" } };
  int axis = 0;

  for (int a = 1; a < 3; a++)
    if (fabs (direction[a]) > fabs (direction[axis]))
      axis = a;
  return letters[axis][direction[axis] > 0.0];
}

const char *
cusp_slice_orientation_edge_letter (CuspSliceOrientation orientation,
                                    CuspSliceEdge        edge)
{
  double right[3], up[3], forward[3], toward[3];
  double sign = (edge == CUSP_SLICE_EDGE_LEFT || edge == CUSP_SLICE_EDGE_BOTTOM) ? -1.0 : 1.0;
  const double *axis;

  cusp_slice_orientation_get_axes (orientation, right, up, forward);
  axis = (edge == CUSP_SLICE_EDGE_LEFT || edge == CUSP_SLICE_EDGE_RIGHT) ? right : up;
  for (int a = 0; a < 3; a++)
    toward[a] = sign * axis[a];
  return cusp_lps_direction_letter (toward);
}

/* In-plane bounds of the volume's outer voxel faces: the eight corners projected on right/up. */
static void
volume_extent (const CuspVolume *volume,
               const double      right[3],
               const double      up[3],
               double            u_range[2],
               double            v_range[2])
{
  u_range[0] = v_range[0] = G_MAXDOUBLE;
  u_range[1] = v_range[1] = -G_MAXDOUBLE;
  for (int corner = 0; corner < 8; corner++)
    {
      double ijk[3], lps[3], u, v;

      for (int a = 0; a < 3; a++)
        ijk[a] = ((corner >> a) & 1) ? volume->dims[a] - 0.5 : -0.5;
      cusp_volume_index_to_lps (volume, ijk, lps);
      u = dot3 (lps, right);
      v = dot3 (lps, up);
      u_range[0] = MIN (u_range[0], u);
      u_range[1] = MAX (u_range[1], u);
      v_range[0] = MIN (v_range[0], v);
      v_range[1] = MAX (v_range[1], v);
    }
}

void
cusp_slice_frame_init (CuspSliceFrame       *frame,
                       CuspSliceOrientation  orientation,
                       const CuspVolume     *volume,
                       const double          cursor_mm[3],
                       double                zoom,
                       const double          pan_mm[2],
                       int                   width_px,
                       int                   height_px)
{
  double u_range[2] = { -100.0, 100.0 }, v_range[2] = { -100.0, 100.0 };
  double mid_u, mid_v, depth, fit_mm_per_px;

  g_return_if_fail (frame != NULL);

  memset (frame, 0, sizeof *frame);
  cusp_slice_orientation_get_axes (orientation, frame->right, frame->up, frame->forward);
  frame->width_px = MAX (width_px, 1);
  frame->height_px = MAX (height_px, 1);
  if (volume != NULL)
    volume_extent (volume, frame->right, frame->up, u_range, v_range);

  if (!(zoom > 0.0) || !isfinite (zoom))
    zoom = 1.0;
  fit_mm_per_px = MAX ((u_range[1] - u_range[0]) / frame->width_px,
                       (v_range[1] - v_range[0]) / frame->height_px);
  frame->mm_per_px = MAX (fit_mm_per_px, 1e-6) / zoom;

  mid_u = 0.5 * (u_range[0] + u_range[1]) - (pan_mm ? pan_mm[0] : 0.0);
  mid_v = 0.5 * (v_range[0] + v_range[1]) - (pan_mm ? pan_mm[1] : 0.0);
  depth = cursor_mm ? dot3 (cursor_mm, frame->forward) : 0.0;
  /* right, up and forward are orthonormal, so the three coordinates add up independently. */
  for (int a = 0; a < 3; a++)
    frame->centre_mm[a] = mid_u * frame->right[a] + mid_v * frame->up[a] + depth * frame->forward[a];
}

void
cusp_slice_frame_screen_to_lps (const CuspSliceFrame *frame,
                                double                x_px,
                                double                y_px,
                                double                lps_mm[3])
{
  double u = (x_px - 0.5 * frame->width_px) * frame->mm_per_px;
  double v = (0.5 * frame->height_px - y_px) * frame->mm_per_px;

  for (int a = 0; a < 3; a++)
    lps_mm[a] = frame->centre_mm[a] + u * frame->right[a] + v * frame->up[a];
}

double
cusp_slice_frame_lps_to_screen (const CuspSliceFrame *frame,
                                const double          lps_mm[3],
                                double               *x_px,
                                double               *y_px)
{
  double d[3];

  for (int a = 0; a < 3; a++)
    d[a] = lps_mm[a] - frame->centre_mm[a];
  if (x_px)
    *x_px = 0.5 * frame->width_px + dot3 (d, frame->right) / frame->mm_per_px;
  if (y_px)
    *y_px = 0.5 * frame->height_px - dot3 (d, frame->up) / frame->mm_per_px;
  return dot3 (d, frame->forward);
}

static void
lps_to_texture (const CuspVolume *volume, const double lps_mm[3], double tex[3])
{
  double ijk[3];

  cusp_volume_lps_to_index (volume, lps_mm, ijk);
  for (int a = 0; a < 3; a++)
    tex[a] = (ijk[a] + 0.5) / volume->dims[a];   /* texel a's centre sits at (a + 0.5) / n */
}

void
cusp_slice_frame_ndc_to_texture (const CuspSliceFrame *frame,
                                 const CuspVolume     *volume,
                                 float                 matrix[9])
{
  double half_u = 0.5 * frame->width_px * frame->mm_per_px;
  double half_v = 0.5 * frame->height_px * frame->mm_per_px;
  double at_right[3], at_top[3], t0[3], tr[3], tt[3];

  g_return_if_fail (volume != NULL);

  /* Pixel -> LPS -> texture is affine, so three points give the whole map exactly. */
  for (int a = 0; a < 3; a++)
    {
      at_right[a] = frame->centre_mm[a] + half_u * frame->right[a];
      at_top[a] = frame->centre_mm[a] + half_v * frame->up[a];
    }
  lps_to_texture (volume, frame->centre_mm, t0);
  lps_to_texture (volume, at_right, tr);
  lps_to_texture (volume, at_top, tt);
  for (int a = 0; a < 3; a++)
    {
      matrix[0 + a] = (float) (tr[a] - t0[a]);   /* column 0: per unit of ndc x */
      matrix[3 + a] = (float) (tt[a] - t0[a]);   /* column 1: per unit of ndc y */
      matrix[6 + a] = (float) t0[a];             /* column 2: at the centre */
    }
}

double
cusp_slice_frame_slice_step_mm (const CuspSliceFrame *frame,
                                const CuspVolume     *volume)
{
  double index_per_mm2 = 0.0;

  if (volume == NULL)
    return 1.0;
  /* Moving t mm along forward moves index axis c by t (forward . dir_c) / spacing_c; the step
   * is the t that moves one voxel in index space, so an axis-aligned view steps one slice. */
  for (int c = 0; c < 3; c++)
    {
      double along = 0.0;
      for (int r = 0; r < 3; r++)
        along += frame->forward[r] * volume->direction[r * 3 + c];
      along /= volume->spacing_mm[c];
      index_per_mm2 += along * along;
    }
  return index_per_mm2 > 0.0 ? 1.0 / sqrt (index_per_mm2) : 1.0;
}

double
cusp_slice_frame_scale_bar_mm (const CuspSliceFrame *frame,
                               double                target_px)
{
  double target_mm = target_px * frame->mm_per_px;
  double decade, best;

  if (!(target_mm > 0.0) || !isfinite (target_mm))
    return 0.0;
  decade = pow (10.0, floor (log10 (target_mm)));
  best = decade;
  if (2.0 * decade <= target_mm)
    best = 2.0 * decade;
  if (5.0 * decade <= target_mm)
    best = 5.0 * decade;
  return best;
}
