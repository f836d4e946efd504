/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-view-link.h: the state that linked MPR views share (a model: no widgets, no GL).
 *
 * One study's slice views all show the same volume through the same crosshair point and the
 * same window/level; each view keeps its own zoom and pan. The link also carries the value and
 * position under the mouse for the application's status line. Views bind to these properties
 * and write them back in response to user input.
 */
#pragma once

#include "cusp-valve-scene.h"
#include "cusp-volume.h"

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  CUSP_WINDOW_PRESET_CT_ANGIOGRAPHY,   /* W 600 L 200: contrast lumen against wall and fat */
  CUSP_WINDOW_PRESET_CALCIUM,          /* W 1500 L 450: calcium stands out from bright lumen */
  CUSP_WINDOW_PRESET_SOFT_TISSUE,      /* W 400 L 40 */
  CUSP_WINDOW_PRESET_AUTO,             /* 0.5th to 99.5th percentile of the voxel values (MR) */
} CuspWindowPreset;

#define CUSP_TYPE_WINDOW_PRESET (cusp_window_preset_get_type ())
GType cusp_window_preset_get_type (void) G_GNUC_CONST;

#define CUSP_TYPE_VIEW_LINK (cusp_view_link_get_type ())
G_DECLARE_FINAL_TYPE (CuspViewLink, cusp_view_link, CUSP, VIEW_LINK, GObject)

CuspViewLink *cusp_view_link_new            (void);

/* Setting a volume centres the cursor in it and applies CT angiography (HU data) or the auto
 * window (anything else). NULL clears the views. */
void          cusp_view_link_set_volume     (CuspViewLink     *self,
                                             CuspVolume       *volume);
CuspVolume   *cusp_view_link_get_volume     (CuspViewLink     *self);
/* The rehearsed valve the linked views draw (owned by the link; one per window). */
CuspValveScene *cusp_view_link_get_valve_scene (CuspViewLink *self);

/* The crosshair point in LPS mm. It is clamped into the volume, and on volumes whose axes are
 * aligned with the patient axes moved to the nearest voxel centre, so that every view shows
 * whole slices rather than blends of two. */
void          cusp_view_link_set_cursor     (CuspViewLink     *self,
                                             const double      lps_mm[3]);
void          cusp_view_link_get_cursor     (CuspViewLink     *self,
                                             double            lps_mm[3]);

void          cusp_view_link_set_window     (CuspViewLink     *self,
                                             double            center,
                                             double            width);
double        cusp_view_link_get_window_center (CuspViewLink  *self);
double        cusp_view_link_get_window_width  (CuspViewLink  *self);
void          cusp_view_link_apply_preset   (CuspViewLink     *self,
                                             CuspWindowPreset  preset);

/* The point under the mouse (NULL: the mouse left the views). The value is that of the nearest
 * voxel, as ITK-SNAP and Slicer report it. */
void          cusp_view_link_set_hover      (CuspViewLink     *self,
                                             const double     *lps_mm);
/* FALSE when nothing is hovered or the point is outside the volume. */
gboolean      cusp_view_link_get_hover      (CuspViewLink     *self,
                                             double            lps_mm[3],
                                             double           *value);
/* e.g. "-45 HU · R 12.3 A 40.1 S 88.0 mm", or "" when nothing is hovered. */
const char   *cusp_view_link_get_hover_text (CuspViewLink     *self);

/* The value of the volume's nearest voxel at an LPS point; FALSE outside the volume. */
gboolean      cusp_view_nearest_value       (const CuspVolume *volume,
                                             const double      lps_mm[3],
                                             double           *value);
/* "-45 HU" for Hounsfield data, "123" for other integers, "0.0123" for floats. */
char         *cusp_format_voxel_value       (const CuspVolume *volume,
                                             double            value);
/* "R 12.3 A 40.1 S 88.0 mm": each coordinate with the patient direction it lies toward. */
char         *cusp_format_lps               (const double      lps_mm[3]);

G_END_DECLS
