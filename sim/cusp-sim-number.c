/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-number.c: strict number parsing that ignores the process locale.
 *
 * The grammar is checked by hand first, so strtod only ever sees a plain decimal number; it is
 * then called through strtod_l with a "C" locale, because a GTK application runs under the user's
 * LC_NUMERIC, where strtod would stop at the '.' of "0.45" in a decimal-comma locale. */
#define _GNU_SOURCE
#include "cusp-sim-number.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>

static int
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

int
cusp_sim_parse_double (const char *text, double *out)
{
  const char *p = text;
  int mantissa_digits = 0;
  locale_t c_locale;
  char *end = NULL;
  double value;

  if (text == NULL || out == NULL)
    return 0;
  if (*p == '+' || *p == '-')
    p++;
  while (is_digit (*p))
    p++, mantissa_digits++;
  if (*p == '.')
    {
      p++;
      while (is_digit (*p))
        p++, mantissa_digits++;
    }
  if (mantissa_digits == 0)
    return 0;
  if (*p == 'e' || *p == 'E')
    {
      int exponent_digits = 0;
      p++;
      if (*p == '+' || *p == '-')
        p++;
      while (is_digit (*p))
        p++, exponent_digits++;
      if (exponent_digits == 0)
        return 0;
    }
  if (*p != '\0')
    return 0;

  c_locale = newlocale (LC_NUMERIC_MASK, "C", (locale_t) 0);
  if (c_locale == (locale_t) 0)
    return 0;
  errno = 0;
  value = strtod_l (text, &end, c_locale);
  freelocale (c_locale);
  if (end != p || !isfinite (value) || (errno == ERANGE && fabs (value) > 1.0))
    return 0;
  *out = value;
  return 1;
}

int
cusp_sim_parse_int (const char *text, long *out)
{
  const char *p = text;
  char *end = NULL;
  long value;

  if (text == NULL || out == NULL)
    return 0;
  if (*p == '+' || *p == '-')
    p++;
  if (!is_digit (*p))
    return 0;
  while (is_digit (*p))
    p++;
  if (*p != '\0')
    return 0;
  errno = 0;
  value = strtol (text, &end, 10);
  if (errno == ERANGE || end != p)
    return 0;
  *out = value;
  return 1;
}
