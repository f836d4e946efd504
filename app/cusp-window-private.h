/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window-private.h: the window's instance struct, shared by its concern files:
 *   cusp-window.c          construction, study display, status line, test hook
 *   cusp-window-actions.c  actions and whether each is enabled
 *   cusp-window-load.c     opening studies: progress, cancel, series picker, errors
 *   cusp-window-dnd.c      drag and drop of files and folders
 *   cusp-window-views.c    the 2x2 view grid, window/level presets, the cursor read-out
 *   cusp-window-layout.c   the grid or one view alone, the sidebar, full screen
 *   cusp-window-measure.c  segmentation, measurement panel, annulus view, landmark undo, export */
#pragma once

#include "cusp-window.h"
#include "cusp-load-progress.h"
#include "cusp-undo-stack.h"
#include "cusp-valve-panel.h"

G_BEGIN_DECLS

/* views[0..2] are the axial, coronal and sagittal CuspSliceViews, views[3] the 3D view. */
#define CUSP_WINDOW_N_SLICE_VIEWS 3
#define CUSP_WINDOW_VIEW_3D CUSP_WINDOW_N_SLICE_VIEWS

struct _CuspWindow {
  AdwApplicationWindow parent_instance;

  /* Template children. */
  AdwWindowTitle *window_title;
  GtkMenuButton *recent_button;
  GtkMenuButton *preset_button;
  GtkMenuButton *warnings_button;
  GtkListBox *warnings_list;
  GtkRevealer *load_revealer;
  GtkLabel *load_label;
  GtkProgressBar *load_progress;
  GtkRevealer *warnings_revealer;
  GtkLabel *warnings_label;
  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  AdwStatusPage *empty_page;
  GtkGrid *view_grid;
  GtkLabel *cursor_label;
  GtkBox *measure_sidebar;

  /* The shown document; replaced only when a new one has loaded. */
  CuspStudy *study;

  /* The load in flight: one at a time per window, cancelled by win.cancel-load or a new load. */
  GCancellable *load_cancellable;
  CuspLoadProgress *load_progress_model;
  guint pulse_id;

  /* What the empty page says when no error has taken it over (from the template). */
  char *empty_title;
  char *empty_description;

  /* The newest error shown in a toast, for win.show-error. */
  AdwToast *error_toast;
  char *last_error_title;
  char *last_error_message;

  /* The views (render/): one link shared by the three slice views and the 3D view. */
  GObject *view_link;
  GtkWidget *views[CUSP_WINDOW_N_SLICE_VIEWS + 1];

  /* The case: plans, save/open, autosave, report (cusp-window-case.c). */
  struct _CuspWindowCase *case_state;

  /* The "window-preset" property (win.window-preset's state): the nick of the preset the window
   * and level came from, "" once the user has dragged them elsewhere. */
  char *window_preset;
  double preset_center;
  double preset_width;

  /* Segmentation and measurements (cusp-window-measure.c). */
  struct _CuspWindowMeasure *measure;

  /* CUSP_TEST_READY_FILE: a JSON report of what is on screen, written once it has been drawn. */
  char *ready_file;
  char *pending_state;
  char *pending_detail;
  gulong after_paint_id;
  guint frames_since_change;
};

/* cusp-window-actions.c */
void _cusp_window_class_actions_init (GtkWidgetClass *widget_class);
void _cusp_window_actions_update     (CuspWindow *self);

/* cusp-window-load.c */
void _cusp_window_load_dispose       (CuspWindow *self);
void _cusp_window_cancel_load        (CuspWindow *self);
gboolean _cusp_window_is_loading     (CuspWindow *self);

/* cusp-window-case.c */
void _cusp_window_case_init          (CuspWindow *self);
void _cusp_window_case_dispose       (CuspWindow *self);
/* A study was shown: a new case for it, or the opened case that was waiting for it. */
void _cusp_window_case_study_changed (CuspWindow *self,
                                      CuspStudy  *study);
void _cusp_window_case_actions_update (CuspWindow *self);
/* TRUE when `file` is a .cusp-case: it is opened (or why not is shown). */
gboolean _cusp_window_case_open_file (CuspWindow *self,
                                      GFile      *file);

/* The case's corrected landmarks: kept from the window's edits (`edited`: they differ from the
 * detected ones), and handed to the segmentation of the case's study in place of the detected
 * ones (FALSE: the case has none). */
void     _cusp_window_case_keep_landmarks (CuspWindow *self, const CuspLandmarks *landmarks,
                                           gboolean edited);
gboolean _cusp_window_case_take_landmarks (CuspWindow *self, CuspLandmarks *landmarks);
/* The case's calcium threshold in HU; NAN: the automatic 450 / 850 HU rule. */
double   _cusp_window_case_get_calcium_threshold_hu (CuspWindow *self);
void     _cusp_window_case_set_calcium_threshold_hu (CuspWindow *self, double threshold_hu);
/* The membranous septum length the user measured (mm; NAN: not measured). */
void     _cusp_window_case_set_septum_mm (CuspWindow *self, double septum_mm);

/* cusp-window-rehearsal.c: the valve's device and pose in the window's history, valve actions */
void _cusp_window_rehearsal_init     (CuspWindow *self);
void _cusp_window_rehearsal_dispose  (CuspWindow *self);

/* cusp-window-dnd.c */
void _cusp_window_dnd_init           (CuspWindow *self);

/* cusp-window-views.c */
void _cusp_window_views_init         (CuspWindow *self);
void _cusp_window_views_dispose      (CuspWindow *self);
void _cusp_window_views_set_volume   (CuspWindow *self,
                                      CuspVolume *volume);
/* FALSE (after showing why) when a view could not draw: no OpenGL 3.3, a shader failed. */
gboolean _cusp_window_views_check_drawn  (CuspWindow *self);
/* Notifies "window-preset"; implemented in cusp-window.c. */
void _cusp_window_notify_preset      (CuspWindow *self);
/* `preset` is a nick of the schema's WindowPreset enum; FALSE when it is unknown. */
gboolean _cusp_window_views_apply_preset (CuspWindow *self,
                                          const char *preset);

/* cusp-window-layout.c: win.view-layout ("grid", "axial", "coronal", "sagittal", "3d"),
 * win.sidebar, win.fullscreen */
void _cusp_window_layout_init        (CuspWindow *self);
const char *_cusp_window_layout_get  (CuspWindow *self);

/* cusp-window-measure.c */
void _cusp_window_class_measure_init (GtkWidgetClass *widget_class);
void _cusp_window_measure_init       (CuspWindow *self);
CuspUndoStack  *_cusp_window_measure_get_undo        (CuspWindow *self);
CuspValvePanel *_cusp_window_measure_get_valve_panel (CuspWindow *self);
/* The current (maybe dragged) landmarks and their measurements; NULL before a segmentation. */
const CuspLandmarks    *_cusp_window_measure_get_landmarks    (CuspWindow *self);
const CuspMeasurements *_cusp_window_measure_get_measurements (CuspWindow *self);
void _cusp_window_measure_dispose    (CuspWindow *self);
void _cusp_window_measure_set_study  (CuspWindow *self,
                                      CuspStudy  *study);

/* cusp-window.c */
void _cusp_window_set_study          (CuspWindow *self,
                                      CuspStudy  *study);
/* Shows a user-caused failure in words; the shown study is left alone. */
void _cusp_window_show_error         (CuspWindow   *self,
                                      const char   *title,
                                      const GError *error);
void _cusp_window_show_last_error    (CuspWindow *self);
/* The empty page goes back to offering to open a study. */
void _cusp_window_clear_error        (CuspWindow *self);
void _cusp_window_show_warnings      (CuspWindow *self);
void _cusp_window_dismiss_warnings   (CuspWindow *self);
/* Writes `state` to CUSP_TEST_READY_FILE (when set) once what it describes has been drawn. */
void _cusp_window_report_after_frames (CuspWindow *self,
                                       const char *state,
                                       const char *detail);

G_END_DECLS
