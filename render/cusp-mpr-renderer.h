/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-mpr-renderer.h: draws one MPR slice of a volume texture (plain struct, needs a current
 * GL 3.3 core context).
 *
 * Every pixel is mapped to LPS through the view's CuspSliceFrame and from there into the
 * volume's index space (cusp_slice_frame_ndc_to_texture), so the slice is resampled in physical
 * space and any direction matrix shows the right anatomy the right way up. Window/level and the
 * crosshair are applied in the fragment shader; nothing is converted on the CPU per frame.
 */
#pragma once

#include "cusp-slice-geometry.h"
#include "cusp-volume-texture.h"

G_BEGIN_DECLS

/* How a slice is drawn: the display half of Slicer's data/display split. */
typedef struct {
  double window_center;          /* voxel value shown mid-grey */
  double window_width;           /* values from center - width/2 (black) to center + width/2 (white) */
  gboolean show_crosshair;
  double cursor_mm[3];           /* LPS point the crosshair goes through */
  double crosshair_width_px;     /* logical pixels */
  float crosshair_vertical_rgba[4];
  float crosshair_horizontal_rgba[4];
  float background_rgba[4];
} CuspMprStyle;

/* Defaults for a view: a soft-tissue window, black background, and crosshair lines coloured
 * like the planes they show (Slicer's convention: axial red, coronal green, sagittal yellow). */
void cusp_mpr_style_init (CuspMprStyle *style, CuspSliceOrientation orientation);
/* The colour of the plane an orientation shows, as used for its crosshair lines. */
void cusp_slice_orientation_get_color (CuspSliceOrientation orientation, float rgba[4]);

typedef struct _CuspMprRenderer CuspMprRenderer;

/* Compiles the slice program; NULL + error (with the driver's log) when it does not build. */
CuspMprRenderer *cusp_mpr_renderer_new  (GError **error);
/* Deletes the GL objects: the context the renderer was created in must be current. */
void             cusp_mpr_renderer_free (CuspMprRenderer *renderer);

/* Draws into the bound framebuffer, which is fb_width x fb_height device pixels and shows the
 * frame's width_px x height_px logical pixels (so HiDPI scale = fb_width / width_px). With no
 * texture only the background and crosshair are drawn. */
void             cusp_mpr_renderer_draw (CuspMprRenderer      *renderer,
                                         CuspVolumeTexture    *texture,
                                         const CuspSliceFrame *frame,
                                         const CuspMprStyle   *style,
                                         int                   fb_width,
                                         int                   fb_height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspMprRenderer, cusp_mpr_renderer_free)

G_END_DECLS
