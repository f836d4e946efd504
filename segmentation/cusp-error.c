/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cusp-error.h"

G_DEFINE_QUARK (cusp-error-quark, cusp_error)
