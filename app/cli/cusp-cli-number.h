/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-cli-number.h: reading numeric options the same way in every subcommand. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses `text` (nullable: then `out` is left alone) as a whole, finite, locale-independent
 * number; FALSE + G_OPTION_ERROR_BAD_VALUE naming `option` otherwise. */
gboolean cusp_cli_parse_number (const char *option, const char *text, double *out, GError **error);

G_END_DECLS
