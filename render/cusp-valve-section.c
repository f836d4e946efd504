/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-section.c: the frame mesh cut by a view's plane and the nominal cylinder projected
 * onto it (see the header). */
#include "cusp-valve-section.h"
#include "cusp-vec3.h"

#include <math.h>
#include <string.h>

typedef void (*SegmentFunc) (const double a[3], const double b[3], gpointer data);

/* Every triangle with corners on both sides gives the segment between the points where its two
 * crossing edges meet the plane. A corner exactly on the plane counts as the positive side, so
 * a triangle touching the plane at a corner or an edge is cut once, never twice by its two
 * neighbours. */
static guint
cut_mesh (const CuspMesh *mesh, const double point[3], const double normal[3],
          SegmentFunc func, gpointer data)
{
  guint n = 0;

  if (mesh == NULL || mesh->positions_mm == NULL || mesh->indices == NULL)
    return 0;
  for (guint t = 0; t < mesh->triangle_count; t++)
    {
      double p[3][3], d[3], ends[2][3];
      int n_ends = 0;
      gboolean valid = TRUE;

      for (int k = 0; k < 3; k++)
        {
          uint32_t v = mesh->indices[3 * t + k];

          if (v >= mesh->vertex_count)
            {
              valid = FALSE;
              break;
            }
          for (int i = 0; i < 3; i++)
            p[k][i] = mesh->positions_mm[3 * v + i];
          d[k] = (p[k][0] - point[0]) * normal[0] + (p[k][1] - point[1]) * normal[1]
                 + (p[k][2] - point[2]) * normal[2];
          if (!isfinite (d[k]))
            valid = FALSE;
        }
      if (!valid)
        continue;
      for (int k = 0; k < 3; k++)
        {
          int j = (k + 1) % 3;
          double s;

          if ((d[k] >= 0.0) == (d[j] >= 0.0))
            continue;
          s = d[k] / (d[k] - d[j]);                      /* d_k + s (d_j - d_k) = 0 */
          for (int i = 0; i < 3; i++)
            ends[n_ends][i] = p[k][i] + s * (p[j][i] - p[k][i]);
          n_ends++;
        }
      if (n_ends != 2)
        continue;
      func (ends[0], ends[1], data);
      n++;
    }
  return n;
}

static void
append_lps (const double a[3], const double b[3], gpointer data)
{
  GArray *segments = data;
  double row[6] = { a[0], a[1], a[2], b[0], b[1], b[2] };

  g_array_append_vals (segments, row, 6);
}

typedef struct {
  const CuspSliceFrame *frame;
  GArray *segments;
} ScreenCut;

static void
append_screen (const double a[3], const double b[3], gpointer data)
{
  ScreenCut *cut = data;
  double row[4];

  cusp_slice_frame_lps_to_screen (cut->frame, a, &row[0], &row[1]);
  cusp_slice_frame_lps_to_screen (cut->frame, b, &row[2], &row[3]);
  g_array_append_vals (cut->segments, row, 4);
}

guint
cusp_valve_section_cut_lps (const CuspMesh *mesh,
                            const double    plane_point_mm[3],
                            const double    plane_normal[3],
                            GArray         *segments_mm)
{
  g_return_val_if_fail (plane_point_mm != NULL && plane_normal != NULL && segments_mm != NULL, 0);
  return cut_mesh (mesh, plane_point_mm, plane_normal, append_lps, segments_mm);
}

guint
cusp_valve_section_cut (const CuspMesh       *mesh,
                        const CuspSliceFrame *frame,
                        GArray               *segments)
{
  ScreenCut cut = { frame, segments };

  g_return_val_if_fail (frame != NULL && segments != NULL, 0);
  return cut_mesh (mesh, frame->centre_mm, frame->forward, append_screen, &cut);
}

gboolean
cusp_valve_outline_project (const CuspSliceFrame *frame,
                            const double          inflow_centre_mm[3],
                            const double          axis[3],
                            double                diameter_mm,
                            double                height_mm,
                            CuspValveOutline     *outline)
{
  double a[3], u[3], v[3], outflow[3], length, radius = 0.5 * diameter_mm;
  const double x_axis[3] = { 1.0, 0.0, 0.0 }, y_axis[3] = { 0.0, 1.0, 0.0 };

  g_return_val_if_fail (frame != NULL && inflow_centre_mm != NULL && axis != NULL && outline != NULL, FALSE);

  memcpy (a, axis, sizeof a);
  length = cusp_vec3_normalize (a);
  if (!(radius > 0.0) || !(height_mm > 0.0) || !isfinite (radius) || !isfinite (height_mm)
      || !(length > 1e-9) || !isfinite (length))
    return FALSE;
  for (int i = 0; i < 3; i++)
    outflow[i] = inflow_centre_mm[i] + height_mm * a[i];

  /* The silhouette lines lie where the cylinder's radial direction is across the line of sight:
   * along +-(a x forward). Looking straight down the axis there is none, and any radial
   * direction serves for the circles. */
  cusp_vec3_cross (a, frame->forward, u);
  outline->has_silhouette = cusp_vec3_normalize (u) > 1e-9;
  if (!outline->has_silhouette)
    {
      cusp_vec3_cross (a, fabs (a[0]) < 0.9 ? x_axis : y_axis, u);
      cusp_vec3_normalize (u);
    }
  cusp_vec3_cross (a, u, v);

  for (int k = 0; k < CUSP_VALVE_OUTLINE_CIRCLE_POINTS; k++)
    {
      double angle = 2.0 * G_PI * k / CUSP_VALVE_OUTLINE_CIRCLE_POINTS;
      double c = radius * cos (angle), s = radius * sin (angle), p[3], q[3];

      for (int i = 0; i < 3; i++)
        {
          p[i] = inflow_centre_mm[i] + c * u[i] + s * v[i];
          q[i] = outflow[i] + c * u[i] + s * v[i];
        }
      cusp_slice_frame_lps_to_screen (frame, p, &outline->inflow_px[k][0], &outline->inflow_px[k][1]);
      cusp_slice_frame_lps_to_screen (frame, q, &outline->outflow_px[k][0], &outline->outflow_px[k][1]);
    }
  for (int sgn = 0; sgn < 2; sgn++)
    {
      double r = sgn == 0 ? radius : -radius, p[3], q[3];

      for (int i = 0; i < 3; i++)
        {
          p[i] = inflow_centre_mm[i] + r * u[i];
          q[i] = outflow[i] + r * u[i];
        }
      cusp_slice_frame_lps_to_screen (frame, p, &outline->silhouette_px[sgn][0][0], &outline->silhouette_px[sgn][0][1]);
      cusp_slice_frame_lps_to_screen (frame, q, &outline->silhouette_px[sgn][1][0], &outline->silhouette_px[sgn][1][1]);
    }
  cusp_slice_frame_lps_to_screen (frame, inflow_centre_mm, &outline->axis_px[0][0], &outline->axis_px[0][1]);
  cusp_slice_frame_lps_to_screen (frame, outflow, &outline->axis_px[1][0], &outline->axis_px[1][1]);
  return TRUE;
}
