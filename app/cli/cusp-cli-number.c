/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-cli-number.c: numeric options arrive as strings so they are read in the C locale and
 * checked whole ("12abc" and "nan" are refused, not half-read). */
#include "cusp-cli-number.h"

#include <math.h>

gboolean
cusp_cli_parse_number (const char *option, const char *text, double *out, GError **error)
{
  char *end = NULL;
  double value;

  if (text == NULL)
    return TRUE;
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (value))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s needs a finite number, not '%s'", option, text);
      return FALSE;
    }
  *out = value;
  return TRUE;
}
