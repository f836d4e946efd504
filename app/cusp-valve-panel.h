/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-panel.h: the rehearsal side panel: device picker with the sizing chart for this
 * annulus, numeric and keyboard pose entry, and the live solver's results with traffic lights.
 *
 * The panel owns the CuspLiveSolver of the window's segmented root: cusp_valve_panel_set_root
 * hands it the segmentation and measurements; the wall and the solver are rebuilt after a short
 * pause (a landmark drag re-measures every frame), and every pose change only posts the newest
 * pose to the solver thread: the UI never waits on a solve.
 *
 * The panel writes the window's CuspValveScene (the volume view's link's): root frame, pose and
 * deployed frame, and applies the poses the views request by dragging (::pose-requested). */
#pragma once

#include <gtk/gtk.h>

#include "cusp-landmarks.h"
#include "cusp-live-solver.h"
#include "cusp-measure.h"
#include "cusp-segment.h"
#include "cusp-sim-device.h"
#include "cusp-volume.h"
#include "cusp-volume-view.h"

G_BEGIN_DECLS

#define CUSP_TYPE_VALVE_PANEL (cusp_valve_panel_get_type ())
G_DECLARE_FINAL_TYPE (CuspValvePanel, cusp_valve_panel, CUSP, VALVE_PANEL, GtkBox)

CuspValvePanel *cusp_valve_panel_new      (void);
/* All NULL: no root (the panel says why it waits). `labels`/`image` are referenced, the rest is
 * copied: the caller may free them after the call. */
void            cusp_valve_panel_set_root (CuspValvePanel         *self,
                                           const CuspSegmentation *segmentation,
                                           CuspVolume             *image,
                                           const CuspMeasurements *measurements,
                                           const CuspLandmarks    *landmarks);
/* The 3D view whose link's CuspValveScene the panel writes (weak; NULL: none): every view of
 * that link draws the valve from it. */
void            cusp_valve_panel_set_volume_view (CuspValvePanel *self,
                                                  CuspVolumeView *view);
/* The newest displayed result (borrowed; NULL before the first). */
CuspLiveResult *cusp_valve_panel_get_result (CuspValvePanel *self);

/* The pose the spins show (what the solver was last asked for). set_pose moves the valve as the
 * user would (clamped to the spins' ranges; non-finite values are ignored); both it and every
 * user change emit ::pose-changed. */
void            cusp_valve_panel_get_pose   (CuspValvePanel *self, CuspSimPose *pose);
void            cusp_valve_panel_set_pose   (CuspValvePanel *self, const CuspSimPose *pose);
/* The chosen device (NULL: none); set_device_id picks one from the library (FALSE: unknown id).
 * A device change restarts the solver and emits ::device-changed. */
const char          *cusp_valve_panel_get_device_id (CuspValvePanel *self);
gboolean             cusp_valve_panel_set_device_id (CuspValvePanel *self, const char *device_id);
const CuspDeviceDef *cusp_valve_panel_get_device    (CuspValvePanel *self);
/* The membranous septum length (mm) the user measured, NAN when not measured (the solver's 8 mm
 * is assumed, and the conduction row says so). The panel's controls ask for a change through
 * win.septum-length ("d", mm; 0 = not measured); set_septum_mm shows it and restarts the solver. */
void                 cusp_valve_panel_set_septum_mm (CuspValvePanel *self, double septum_mm);
/* The root definition the panel's solver was built from (measured septum included); NULL
 * without a root. The rules read it when a plan takes the answer on screen. */
const CuspSimRootDef *cusp_valve_panel_get_root_def (CuspValvePanel *self);
double               cusp_valve_panel_get_septum_mm (CuspValvePanel *self);
/* Whether the root's coronary ostium (left 0, right 1) is only the segmentation's proposal, not
 * found and not moved by the user: its risk is not rated. */
gboolean             cusp_valve_panel_get_ostium_proposed (CuspValvePanel *self,
                                                           int             side);

G_END_DECLS
