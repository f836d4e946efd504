/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-progress.h: the one progress callback shape shared by loading and segmentation. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `fraction` in [0, 1], `message` a short phrase for the UI. Which thread it runs on is said by
 * the function that takes it: the study loader calls it on the caller's main context, coalesced;
 * cusp_segment_root calls it from the worker thread. */
typedef void (*CuspProgressFunc) (double fraction, const char *message, gpointer user_data);

G_END_DECLS
