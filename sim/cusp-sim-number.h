/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-number.h: strict, locale-independent number parsing for sim/ text files (private). */
#pragma once

/* Parses the whole of `text` as `[+-]digits[.digits][(e|E)[+-]digits]` (a leading or trailing
 * point is allowed when the other side has digits). No hex, inf, nan, blanks or trailing text,
 * whatever LC_NUMERIC says. Returns 1 and a finite value, or 0 (overflow included). */
int cusp_sim_parse_double (const char *text, double *out);

/* Parses the whole of `text` as `[+-]digits` into a long. Returns 1, or 0 on anything else or
 * overflow. */
int cusp_sim_parse_int (const char *text, long *out);
