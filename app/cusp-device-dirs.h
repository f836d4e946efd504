/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-device-dirs.h: where the valve device library is read from, for the app and cusp-cli. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The built-in folder (the source tree's data/devices when running uninstalled, else the installed
 * copy), then the user's $XDG_DATA_HOME/cusp/devices when that folder exists. Later folders may
 * add devices; a bad file in any of them is reported by the loader, not here. NULL-terminated. */
GStrv cusp_device_dirs (void);

G_END_DECLS
