/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-window-case-private.h: the window's case state, shared by its three concern files:
 *   cusp-window-case.c    the document, save/open, autosave recovery, the close prompt, setup
 *   cusp-window-plans.c   plans, their simulation, undo/redo, the comparison table
 *   cusp-window-report.c  view snapshots, PNG export, the PDF report */
#pragma once

#include "cusp-window-private.h"
#include "cusp-autosave.h"
#include "cusp-undo-stack.h"

G_BEGIN_DECLS

typedef struct _CuspWindowCase CuspWindowCase;

struct _CuspWindowCase {
  CuspCase *document;
  CuspAutosave *autosave;
  char *path;                   /* where it was last saved or opened from; NULL: never saved */
  CuspCase *pending;            /* an opened case waiting for its study to load */
  char *pending_path;           /* its file (NULL for a recovered autosave) */
  char *pending_study;          /* the study it waits for (canonical path; NULL: the demo) */
  char *pending_autosave;       /* the recovered autosave file, removed once adopted */
  GCancellable *cancellable;    /* hash and plan runs of this document */
  guint n_running;              /* plan simulations in flight */
  guint n_finished;             /* for the test report: each finish is a new state */
  CuspUndoStack *undo;          /* plan edits of this document (landmarks have their own) */
  CuspPlan *live_wait;          /* Add Plan waiting for the live answer to its pose, or NULL */
  guint live_wait_id;
  gint64 live_wait_deadline_us;
  AdwToast *live_wait_toast;
  guint n_live;                 /* plans whose result was the live answer (for the test report) */
  GMenu *history_menu;          /* the Case menu's Undo/Redo items, named after the command */
  char *undo_text;              /* what they say now */
  char *redo_text;
  gboolean closing;             /* the unsaved-changes prompt said Discard or saved */
  gboolean offered_recovery;
};

static inline CuspWindowCase *
case_state (CuspWindow *self)
{
  return self->case_state;
}

/* A file chooser's answer. */
typedef void (*CuspChosenFunc) (CuspWindow *self, GFile *file, GtkFileChooser *chooser);

/* cusp-window-case.c */
/* CUSP_TEST_READY_FILE state, and a user-caused failure shown in words. */
void            _cusp_window_case_report  (CuspWindow   *self,
                                           const char   *state,
                                           const char   *detail);
void            _cusp_window_case_fail    (CuspWindow   *self,
                                           const char   *title,
                                           const GError *error);
/* A modal native chooser that calls `chosen` on accept; takes `filter` (nullable). */
GtkFileChooser *_cusp_window_case_chooser (CuspWindow           *self,
                                           const char           *title,
                                           GtkFileChooserAction  action,
                                           const char           *accept,
                                           GtkFileFilter        *filter,
                                           const char           *name,
                                           CuspChosenFunc        chosen);
/* The Case menu's Undo/Redo items say what they would undo ("Undo Move Valve"). */
void            _cusp_window_case_show_history (CuspWindow    *self,
                                                CuspUndoStack *undo);
/* The first widget of `type` below `widget` (itself included), NULL when there is none. */
GtkWidget      *_cusp_window_case_find_widget (GtkWidget *widget,
                                               GType      type);

/* cusp-window-plans.c */
void _cusp_window_plans_add_actions  (CuspWindow *self);
void _cusp_window_plans_update       (CuspWindow *self,
                                      gboolean    has_case);
/* Stops Add Plan waiting for a live answer (the document is replaced or the window goes). */
void _cusp_window_plans_cancel_wait  (CuspWindow *self);

/* cusp-window-report.c */
void _cusp_window_report_add_actions (CuspWindow *self);

G_END_DECLS
