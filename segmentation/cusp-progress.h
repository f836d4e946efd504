/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-progress.h: the one progress callback shape shared by loading and segmentation. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Called from the worker thread; `fraction` in [0, 1], `message` a short phrase for the UI. */
typedef void (*CuspProgressFunc) (double fraction, const char *message, gpointer user_data);

G_END_DECLS
