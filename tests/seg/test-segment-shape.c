/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-segment-shape.c: one click on a synthetic bright-blood image shaped like the 3 T cardiac
 * MR (cusp-segment-track.c, cusp-segment-shape.c): a wide ascending aorta that bends, at the
 * click, into a root running 45 degrees down to the side, with no sinus bulge, narrowing to the
 * annulus and opening into a spherical LV, and a left atrium lying on the root with no wall in
 * between. The root must be found below the click (not straight down), the annulus at the
 * narrowing, and the atrium left out of the lumen. */
#include "cusp-error.h"
#include "cusp-segment.h"
#include "seg-test-helpers.h"

#include <math.h>
#include <string.h>

#define BLOOD 200.0
#define TISSUE 50.0
#define AORTA_RADIUS_MM 16.0
#define ANNULUS_RADIUS_MM 11.0
#define ROOT_LENGTH_MM 42.0          /* bend -> annulus, along the root axis */
#define TAPER_MM 8.0                 /* the root narrows from the aorta's radius over this length */
#define LV_RADIUS_MM 26.0
#define LA_RADIUS_MM 20.0

static const double bend[3] = { 50, 45, 80 };   /* the click: where the aorta turns into the root */

static void
root_axis (double d[3])
{
  const double raw[3] = { 0.62, 0.25, -0.74 };
  const double len = sqrt (raw[0] * raw[0] + raw[1] * raw[1] + raw[2] * raw[2]);
  for (int a = 0; a < 3; a++)
    d[a] = raw[a] / len;
}

static void
along_root (double t, double p[3])
{
  double d[3];
  root_axis (d);
  for (int a = 0; a < 3; a++)
    p[a] = bend[a] + t * d[a];
}

/* The left atrium: behind the root's middle (+y, posterior), overlapping its wall by 1 mm. */
static void
la_center (double c[3])
{
  along_root (0.5 * ROOT_LENGTH_MM, c);
  c[1] += AORTA_RADIUS_MM + LA_RADIUS_MM - 1;
}

static gboolean
in_blood (const double p[3])
{
  double d[3], lv[3], la[3], q[3];
  root_axis (d);
  /* ascending aorta: vertical, from the bend up */
  if (p[2] >= bend[2] && hypot (p[0] - bend[0], p[1] - bend[1]) <= AORTA_RADIUS_MM)
    return TRUE;
  /* the bend */
  for (int a = 0; a < 3; a++)
    q[a] = p[a] - bend[a];
  if (q[0] * q[0] + q[1] * q[1] + q[2] * q[2] <= AORTA_RADIUS_MM * AORTA_RADIUS_MM)
    return TRUE;
  /* the root: a tube along d, tapering to the annulus over its last TAPER_MM */
  const double t = q[0] * d[0] + q[1] * d[1] + q[2] * d[2];
  const double r2 = q[0] * q[0] + q[1] * q[1] + q[2] * q[2] - t * t;
  if (t >= 0 && t <= ROOT_LENGTH_MM)
    {
      const double from_end = ROOT_LENGTH_MM - t;
      const double radius = from_end >= TAPER_MM ? AORTA_RADIUS_MM
                            : ANNULUS_RADIUS_MM + (AORTA_RADIUS_MM - ANNULUS_RADIUS_MM) * from_end / TAPER_MM;
      if (r2 <= radius * radius)
        return TRUE;
    }
  /* the LV: a sphere just past the annulus */
  along_root (ROOT_LENGTH_MM + LV_RADIUS_MM - 4, lv);
  if ((p[0] - lv[0]) * (p[0] - lv[0]) + (p[1] - lv[1]) * (p[1] - lv[1]) + (p[2] - lv[2]) * (p[2] - lv[2])
      <= LV_RADIUS_MM * LV_RADIUS_MM)
    return TRUE;
  la_center (la);
  return (p[0] - la[0]) * (p[0] - la[0]) + (p[1] - la[1]) * (p[1] - la[1]) + (p[2] - la[2]) * (p[2] - la[2])
         <= LA_RADIUS_MM * LA_RADIUS_MM;
}

/* 1 x 1 x 2 mm voxels (thick slices, as on the MR), a little blur from 2 x 2 x 2 supersampling,
 * noise of +/-15. */
static CuspVolume *
make_image (void)
{
  CuspVolume *image = seg_test_new_mr_volume (150, 130, 62);
  const int *dims = image->dims;
  float *v = image->voxels;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  for (int k = 0; k < dims[2]; k++)
    for (int j = 0; j < dims[1]; j++)
      for (int i = 0; i < dims[0]; i++)
        {
          int inside = 0;
          for (int s = 0; s < 8; s++)
            {
              const double p[3] = { i + 0.5 * ((s & 1) - 0.5), j + 0.5 * (((s >> 1) & 1) - 0.5),
                                    2.0 * k + 1.0 * (((s >> 2) & 1) - 0.5) };
              inside += in_blood (p);
            }
          const double value = TISSUE + (BLOOD - TISSUE) * inside / 8.0 + g_rand_double_range (rand, -15, 15);
          v[((gsize) k * dims[1] + j) * dims[0] + i] = (float) value;
        }
  return image;
}

static double
label_at (const CuspSegmentation *seg, const double p[3])
{
  double ijk[3];
  cusp_volume_lps_to_index (seg->labels, p, ijk);
  return cusp_volume_get_value (seg->labels, (int) lround (ijk[0]), (int) lround (ijk[1]), (int) lround (ijk[2]));
}

static void
test_bent_root (void)
{
  g_autoptr(CuspVolume) image = make_image ();
  CuspSegmentOptions options = cusp_segment_options_default ();
  options.has_seed = TRUE;
  memcpy (options.seed_mm, bend, sizeof options.seed_mm);
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspSegmentation) seg = cusp_segment_root (image, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (seg);
  for (guint w = 0; w < seg->warnings->len; w++)
    g_test_message ("warning: %s", (const char *) g_ptr_array_index (seg->warnings, w));
  /* found as on the MR: the tube walked from the click, the landmarks from its shape */
  g_assert_true (seg_test_has_warning (seg, "followed from the click as a tube"));
  g_assert_true (seg_test_has_warning (seg, "estimated from the vessel's shape"));

  /* the hinges: on a circle about the annulus, in a plane normal to the root */
  double centre[3] = { 0, 0, 0 }, annulus[3], d[3];
  for (int c = 0; c < CUSP_CUSP_COUNT; c++)
    for (int a = 0; a < 3; a++)
      centre[a] += seg->landmarks.hinge_mm[c][a] / 3;
  along_root (ROOT_LENGTH_MM, annulus);
  root_axis (d);
  double off = 0, radius = 0, tilt = 0;
  for (int a = 0; a < 3; a++)
    off += (centre[a] - annulus[a]) * (centre[a] - annulus[a]);
  for (int c = 0; c < CUSP_CUSP_COUNT; c++)
    {
      double r = 0;
      for (int a = 0; a < 3; a++)
        r += (seg->landmarks.hinge_mm[c][a] - centre[a]) * (seg->landmarks.hinge_mm[c][a] - centre[a]);
      radius += sqrt (r) / 3;
    }
  for (int a = 0; a < 3; a++)
    tilt -= seg->annulus_normal[a] * d[a];   /* the normal points up the root, against d */
  g_test_message ("hinge centre (%.1f, %.1f, %.1f), %.1f mm from the annulus (%.1f, %.1f, %.1f); hinge radius %.1f mm "
                  "(annulus %.1f); normal %.0f deg off the root axis",
                  centre[0], centre[1], centre[2], sqrt (off), annulus[0], annulus[1], annulus[2], radius,
                  ANNULUS_RADIUS_MM, acos (CLAMP (tilt, -1, 1)) * 180 / G_PI);
  g_assert_cmpfloat (sqrt (off), <, 5);
  g_assert_cmpfloat (fabs (radius - ANNULUS_RADIUS_MM), <, 2);
  g_assert_cmpfloat (tilt, >, cos (25 * G_PI / 180));

  /* the lumen: the root's middle in, the atrium's far side out */
  double mid[3], la[3];
  along_root (0.5 * ROOT_LENGTH_MM, mid);
  la_center (la);
  la[1] += 0.5 * LA_RADIUS_MM;
  g_assert_cmpfloat (label_at (seg, mid), ==, CUSP_LABEL_LUMEN);
  g_assert_cmpfloat (label_at (seg, la), !=, CUSP_LABEL_LUMEN);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/seg/shape/bent-root", test_bent_root);
  return g_test_run ();
}
