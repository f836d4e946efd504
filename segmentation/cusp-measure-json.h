/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-measure-json.h: landmarks to and from JSON for `cusp-measure` and `cusp-cli measure`.
 *
 * Landmark object (LPS mm): {"hinges_mm": {"left","right","non_coronary"}, "commissures_mm":
 * {"left_right","right_non","non_left"}, "left_ostium_mm", "right_ostium_mm", "stj_center_mm",
 * "centerline_mm": [[x,y,z], ...]}. The reader also takes that object nested under "landmarks"
 * (what `cusp-cli measure --json` prints) and a phantom truth file (cusp-phantom.h). */
#pragma once

#include <json-glib/json-glib.h>

#include "cusp-landmarks.h"

G_BEGIN_DECLS

/* Adds the landmark object as the builder's next value. */
void     cusp_measure_add_landmarks_json  (JsonBuilder *builder, const CuspLandmarks *landmarks);
gboolean cusp_measure_landmarks_from_json (const char *data, gssize length, CuspLandmarks *out,
                                           GError **error);

G_END_DECLS
