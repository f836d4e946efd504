/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-error.h: the error domain for everything a user can cause (bad files, bad parameters). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CUSP_ERROR (cusp_error_quark ())

typedef enum {
  CUSP_ERROR_FAILED,          /* anything else; the message says what */
  CUSP_ERROR_INVALID_INPUT,   /* malformed file or impossible parameter */
  CUSP_ERROR_UNSUPPORTED,     /* well-formed, but not something Cusp can use (e.g. NIfTI-2, 4D) */
  CUSP_ERROR_NOT_FOUND,       /* no such file, no image series in a folder */
  CUSP_ERROR_READER_CRASHED,  /* the isolated reader process died from a signal */
  CUSP_ERROR_TIMED_OUT,       /* the isolated reader process exceeded its time limit */
  CUSP_ERROR_OUT_OF_MEMORY,   /* the isolated reader process exceeded its memory limit */
} CuspError;

GQuark cusp_error_quark (void);

G_END_DECLS
