/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-mpr-render.c: the MPR renderer's pixels, read back from an offscreen EGL framebuffer.
 *
 * Synthetic volumes carry one bright ball 20 mm toward a known patient direction; whatever the
 * direction matrix (identity, RAS-flipped as NIfTI often is, LPI slice order, permuted, oblique),
 * the ball must land on the side of the screen the radiological convention says. */
#include "cusp-mpr-renderer.h"
#include "cusp-error.h"
#include "cusp-gl-program.h"
#include "cusp-image-io.h"
#include "cusp-test-egl.h"
#include "cusp-view-link.h"

#include <math.h>
#include <string.h>

#define FB_SIZE 256

static CuspTestEgl *egl;
static CuspMprRenderer *renderer;
static char *why_no_gl;

static gboolean
need_gl (void)
{
  if (renderer != NULL)
    return TRUE;
  g_test_skip (why_no_gl);
  return FALSE;
}

/* A zero volume whose geometric centre sits at centre_mm. */
static CuspVolume *
new_volume (CuspVoxelType type, const int dims[3], const double spacing_mm[3],
            const double direction[9], const double centre_mm[3])
{
  g_autoptr(GError) error = NULL;
  CuspVolume *volume = cusp_volume_new (type, dims, &error);
  double half[3], offset[3];

  g_assert_no_error (error);
  memcpy (volume->spacing_mm, spacing_mm, sizeof volume->spacing_mm);
  memcpy (volume->direction, direction, sizeof volume->direction);
  for (int a = 0; a < 3; a++)
    half[a] = 0.5 * (dims[a] - 1);
  memset (volume->origin_mm, 0, sizeof volume->origin_mm);
  cusp_volume_index_to_lps (volume, half, offset);
  for (int a = 0; a < 3; a++)
    volume->origin_mm[a] = centre_mm[a] - offset[a];
  return volume;
}

static void
paint_ball (CuspVolume *volume, const double centre_mm[3], double radius_mm, double value)
{
  for (int k = 0; k < volume->dims[2]; k++)
    for (int j = 0; j < volume->dims[1]; j++)
      for (int i = 0; i < volume->dims[0]; i++)
        {
          double lps[3], d2 = 0.0;
          gsize at = ((gsize) k * volume->dims[1] + j) * volume->dims[0] + i;

          cusp_volume_index_to_lps (volume, (double[3]) { i, j, k }, lps);
          for (int a = 0; a < 3; a++)
            d2 += (lps[a] - centre_mm[a]) * (lps[a] - centre_mm[a]);
          if (d2 <= radius_mm * radius_mm)
            {
              if (volume->voxel_type == CUSP_VOXEL_INT16)
                ((int16_t *) volume->voxels)[at] = (int16_t) value;
              else
                ((float *) volume->voxels)[at] = (float) value;
            }
        }
}

/* Draws one view of `volume` through `cursor_mm` and returns its RGBA pixels, top row first. */
static guint8 *
render_view (CuspVolume *volume, CuspSliceOrientation orientation, const double cursor_mm[3],
             CuspMprStyle *style, CuspSliceFrame *frame)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolumeTexture) texture = cusp_volume_texture_new (volume, &error);

  g_assert_no_error (error);
  cusp_slice_frame_init (frame, orientation, volume, cursor_mm, 1.0, NULL, FB_SIZE, FB_SIZE);
  memcpy (style->cursor_mm, cursor_mm, sizeof style->cursor_mm);
  cusp_test_egl_bind (egl);
  cusp_mpr_renderer_draw (renderer, texture, frame, style, FB_SIZE, FB_SIZE);
  g_assert_cmpint (glGetError (), ==, GL_NO_ERROR);
  return cusp_test_egl_read_rgba (egl);
}

/* Centroid (pixel centres, y down) of the pixels brighter than mid-grey. */
static int
bright_centroid (const guint8 *rgba, double *x, double *y)
{
  double sx = 0.0, sy = 0.0;
  int count = 0;

  for (int row = 0; row < FB_SIZE; row++)
    for (int col = 0; col < FB_SIZE; col++)
      if (rgba[(row * FB_SIZE + col) * 4] > 127)
        {
          sx += col + 0.5;
          sy += row + 0.5;
          count++;
        }
  *x = count ? sx / count : NAN;
  *y = count ? sy / count : NAN;
  return count;
}

typedef struct {
  const char *name;
  double direction[9];   /* row-major; column c = LPS direction of index axis c */
} DirectionCase;

static void
rotation (double angle_z, double angle_x, double out[9])
{
  double cz = cos (angle_z), sz = sin (angle_z), cx = cos (angle_x), sx = sin (angle_x);
  double rz[9] = { cz, -sz, 0, sz, cz, 0, 0, 0, 1 };
  double rx[9] = { 1, 0, 0, 0, cx, -sx, 0, sx, cx };

  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 3; c++)
      {
        out[r * 3 + c] = 0.0;
        for (int m = 0; m < 3; m++)
          out[r * 3 + c] += rz[r * 3 + m] * rx[m * 3 + c];
      }
}

static void
test_marker_sides (void)
{
  DirectionCase cases[] = {
    { "identity (LPS)", { 1, 0, 0, 0, 1, 0, 0, 0, 1 } },
    { "RAS-flipped (NIfTI)", { -1, 0, 0, 0, -1, 0, 0, 0, 1 } },
    { "LPI slice order", { 1, 0, 0, 0, 1, 0, 0, 0, -1 } },
    { "permuted (sagittal acquisition)", { 0, 0, -1, 1, 0, 0, 0, -1, 0 } },
    { "oblique", { 0 } },
  };
  /* Where a ball 20 mm toward a patient direction must appear: screen x (+1 right) and screen
   * y (+1 down), written out from the convention, not from the code's tables. */
  static const struct {
    CuspSliceOrientation view;
    double toward[3];     /* LPS */
    const char *letter;
    int dx, dy;
  } placements[] = {
    { CUSP_SLICE_AXIAL, { 1, 0, 0 }, "L", +1, 0 },
    { CUSP_SLICE_AXIAL, { 0, -1, 0 }, "A", 0, -1 },
    { CUSP_SLICE_CORONAL, { 1, 0, 0 }, "L", +1, 0 },
    { CUSP_SLICE_CORONAL, { 0, 0, 1 }, "S", 0, -1 },
    { CUSP_SLICE_SAGITTAL, { 0, -1, 0 }, "A", -1, 0 },
    { CUSP_SLICE_SAGITTAL, { 0, 0, 1 }, "S", 0, -1 },
  };
  const int dims[3] = { 64, 56, 48 };
  const double spacing[3] = { 1.0, 1.2, 1.5 };
  const double centre[3] = { 10.0, -20.0, 30.0 };
  const double offset_mm = 20.0;

  if (!need_gl ())
    return;
  rotation (0.45, 0.3, cases[4].direction);

  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    for (gsize p = 0; p < G_N_ELEMENTS (placements); p++)
      for (int type = 0; type < 2; type++)
        {
          g_autoptr(CuspVolume) volume = new_volume (type ? CUSP_VOXEL_FLOAT32 : CUSP_VOXEL_INT16,
                                                     dims, spacing, cases[c].direction, centre);
          g_autofree guint8 *rgba = NULL;
          CuspMprStyle style;
          CuspSliceFrame frame;
          double ball[3], x, y, expect_px;
          int count;

          for (int a = 0; a < 3; a++)
            ball[a] = centre[a] + offset_mm * placements[p].toward[a];
          paint_ball (volume, ball, 4.0, 1000.0);

          cusp_mpr_style_init (&style, placements[p].view);
          style.window_center = 500.0;
          style.window_width = 1000.0;
          style.show_crosshair = FALSE;
          rgba = render_view (volume, placements[p].view, centre, &style, &frame);

          count = bright_centroid (rgba, &x, &y);
          g_test_message ("%s, %s view, ball toward %s (%s): %d px at (%.1f, %.1f)",
                          cases[c].name, cusp_slice_orientation_to_string (placements[p].view),
                          placements[p].letter, type ? "float32" : "int16", count, x, y);
          g_assert_cmpint (count, >, 50);
          expect_px = offset_mm / frame.mm_per_px;
          g_assert_cmpfloat_with_epsilon (x - FB_SIZE / 2.0, placements[p].dx * expect_px, 1.5);
          g_assert_cmpfloat_with_epsilon (y - FB_SIZE / 2.0, placements[p].dy * expect_px, 1.5);
        }
}

static void
test_window_level (void)
{
  const int dims[3] = { 64, 8, 8 };
  const double spacing[3] = { 1.0, 1.0, 1.0 };
  const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  const double centre[3] = { 0.0, 0.0, 0.0 };

  if (!need_gl ())
    return;

  for (int type = 0; type < 2; type++)
    {
      g_autoptr(CuspVolume) volume = new_volume (type ? CUSP_VOXEL_FLOAT32 : CUSP_VOXEL_INT16,
                                                 dims, spacing, identity, centre);
      g_autofree guint8 *rgba = NULL;
      CuspMprStyle style;
      CuspSliceFrame frame;
      int checked = 0, black = 0, white = 0;
      const int row = FB_SIZE / 2;

      /* A ramp along i: -300 HU at i = 0, +330 HU at i = 63. */
      for (gsize n = 0; n < cusp_volume_voxel_count (volume); n++)
        {
          double v = 10.0 * (n % dims[0]) - 300.0;
          if (type)
            ((float *) volume->voxels)[n] = (float) v;
          else
            ((int16_t *) volume->voxels)[n] = (int16_t) v;
        }
      cusp_mpr_style_init (&style, CUSP_SLICE_AXIAL);
      style.window_center = 0.0;
      style.window_width = 400.0;
      style.show_crosshair = FALSE;
      rgba = render_view (volume, CUSP_SLICE_AXIAL, centre, &style, &frame);

      for (int col = 0; col < FB_SIZE; col++)
        {
          double lps[3], ijk[3], value, expected;
          const guint8 *px = rgba + (row * FB_SIZE + col) * 4;

          cusp_slice_frame_screen_to_lps (&frame, col + 0.5, row + 0.5, lps);
          cusp_volume_lps_to_index (volume, lps, ijk);
          if (ijk[0] < -0.5 || ijk[0] > dims[0] - 0.5)
            {
              g_assert_cmpint (px[0], ==, 0);   /* outside the volume: background */
              continue;
            }
          value = 10.0 * CLAMP (ijk[0], 0.0, dims[0] - 1.0) - 300.0;
          expected = 255.0 * CLAMP ((value + 200.0) / 400.0, 0.0, 1.0);
          g_assert_cmpfloat_with_epsilon (px[0], expected, 1.6);
          g_assert_cmpint (px[0], ==, px[1]);
          g_assert_cmpint (px[1], ==, px[2]);
          checked++;
          black += px[0] == 0;
          white += px[0] == 255;
        }
      g_assert_cmpint (checked, >, 200);
      g_assert_cmpint (black, >, 10);   /* below the window: black */
      g_assert_cmpint (white, >, 10);   /* above it: white */
    }
}

static void
test_crosshair (void)
{
  const int dims[3] = { 40, 30, 20 };
  const double spacing[3] = { 0.8, 0.8, 2.0 };
  const double direction[9] = { -1, 0, 0, 0, -1, 0, 0, 0, 1 };
  const double centre[3] = { 5.0, 5.0, 5.0 };
  const double cursor[3] = { 9.0, 1.0, 7.0 };   /* 4 mm left, 4 mm anterior of the centre */

  if (!need_gl ())
    return;

  for (CuspSliceOrientation o = CUSP_SLICE_AXIAL; o <= CUSP_SLICE_SAGITTAL; o++)
    {
      g_autoptr(CuspVolume) volume = new_volume (CUSP_VOXEL_INT16, dims, spacing, direction, centre);
      g_autofree guint8 *rgba = NULL;
      CuspMprStyle style;
      CuspSliceFrame frame;
      double x, y, lps[3], depth;
      int best_col = -1, best_row = -1, best_col_count = 0, best_row_count = 0;
      guint8 vertical[3], horizontal[3];

      cusp_mpr_style_init (&style, o);
      style.crosshair_width_px = 1.0;
      for (int a = 0; a < 3; a++)
        {
          vertical[a] = (guint8) lround (style.crosshair_vertical_rgba[a] * 255);
          horizontal[a] = (guint8) lround (style.crosshair_horizontal_rgba[a] * 255);
        }
      rgba = render_view (volume, o, cursor, &style, &frame);

      for (int n = 0; n < FB_SIZE; n++)
        {
          int col_count = 0, row_count = 0;
          for (int m = 0; m < FB_SIZE; m++)
            {
              col_count += memcmp (rgba + (m * FB_SIZE + n) * 4, vertical, 3) == 0;
              row_count += memcmp (rgba + (n * FB_SIZE + m) * 4, horizontal, 3) == 0;
            }
          if (col_count > best_col_count)
            best_col_count = col_count, best_col = n;
          if (row_count > best_row_count)
            best_row_count = row_count, best_row = n;
        }
      /* A full-height line and a full-width line (less the one crossing pixel). */
      g_assert_cmpint (best_col_count, >=, FB_SIZE - 1);
      g_assert_cmpint (best_row_count, >=, FB_SIZE - 1);

      /* The lines sit where the cursor projects, and that pixel maps back to the cursor. */
      depth = cusp_slice_frame_lps_to_screen (&frame, cursor, &x, &y);
      g_assert_cmpfloat_with_epsilon (depth, 0.0, 1e-9);
      g_assert_cmpfloat_with_epsilon (best_col + 0.5, x, 1.0);
      g_assert_cmpfloat_with_epsilon (best_row + 0.5, y, 1.0);
      cusp_slice_frame_screen_to_lps (&frame, best_col + 0.5, best_row + 0.5, lps);
      for (int a = 0; a < 3; a++)
        g_assert_cmpfloat_with_epsilon (lps[a], cursor[a], frame.mm_per_px);
    }
}

/* Columns of the framebuffer (top-first RGBA) entirely in `color` but for `allowance` pixels. */
static int
count_full_columns (const guint8 *rgba, const guint8 color[3], int allowance)
{
  int columns = 0;

  for (int col = 0; col < FB_SIZE; col++)
    {
      int count = 0;
      for (int row = 0; row < FB_SIZE; row++)
        count += memcmp (rgba + (row * FB_SIZE + col) * 4, color, 3) == 0;
      columns += count >= FB_SIZE - allowance;
    }
  return columns;
}

/* A one-pixel crosshair is one device pixel wide at scale 1 and two at scale 2 (HiDPI). */
static void
test_crosshair_hidpi (void)
{
  const int dims[3] = { 10, 10, 10 };
  const double unit[3] = { 1.0, 1.0, 1.0 };
  const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  const double cursor[3] = { 0.3, -1.2, 0.0 };

  if (!need_gl ())
    return;
  for (int scale = 1; scale <= 2; scale++)
    {
      g_autoptr(CuspVolume) volume = new_volume (CUSP_VOXEL_INT16, dims, unit, identity, cursor);
      g_autoptr(GError) error = NULL;
      g_autoptr(CuspVolumeTexture) texture = cusp_volume_texture_new (volume, &error);
      g_autofree guint8 *rgba = NULL;
      CuspMprStyle style;
      CuspSliceFrame frame;
      guint8 vertical[3];

      g_assert_no_error (error);
      cusp_mpr_style_init (&style, CUSP_SLICE_AXIAL);
      memcpy (style.cursor_mm, cursor, sizeof cursor);
      for (int a = 0; a < 3; a++)
        vertical[a] = (guint8) lround (style.crosshair_vertical_rgba[a] * 255);
      cusp_slice_frame_init (&frame, CUSP_SLICE_AXIAL, volume, cursor, 1.0, NULL,
                             FB_SIZE / scale, FB_SIZE / scale);
      cusp_test_egl_bind (egl);
      cusp_mpr_renderer_draw (renderer, texture, &frame, &style, FB_SIZE, FB_SIZE);
      rgba = cusp_test_egl_read_rgba (egl);
      /* Full height but for the horizontal line's crossing. */
      g_assert_cmpint (count_full_columns (rgba, vertical, scale), ==, scale);
    }
}

static void
test_bad_texture_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL;
  g_autoptr(CuspVolumeTexture) texture = NULL;
  GLint max_size = 0;
  int dims[3] = { 1, 1, 1 };

  if (!need_gl ())
    return;
  glGetIntegerv (GL_MAX_3D_TEXTURE_SIZE, &max_size);
  dims[0] = max_size + 1;
  volume = cusp_volume_new (CUSP_VOXEL_INT16, dims, &error);
  g_assert_no_error (error);
  texture = cusp_volume_texture_new (volume, &error);
  g_assert_null (texture);
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "at most"));
}

typedef struct {
  int count;
  double x, y;      /* centroid, pixel centres, y down */
  int halves[4];    /* pixels in the left, right, top and bottom halves */
} MaskStats;

/* Pixels of one view whose value lies in [low_hu, high_hu), found by rendering two binary
 * windows (a window one unit wide is a threshold) over a red background that marks "outside
 * the volume". Only pixels in rows [first_row, last_row) count. */
static MaskStats
mask_stats (CuspVolume *volume, CuspSliceOrientation orientation, const double cursor[3],
            double low_hu, double high_hu, int first_row, int last_row)
{
  g_autofree guint8 *above_low = NULL;
  g_autofree guint8 *above_high = NULL;
  MaskStats stats = { 0 };
  CuspMprStyle style;
  CuspSliceFrame frame;

  cusp_mpr_style_init (&style, orientation);
  style.show_crosshair = FALSE;
  style.background_rgba[0] = 1.0f;
  style.window_width = 1.0;
  style.window_center = low_hu;
  above_low = render_view (volume, orientation, cursor, &style, &frame);
  style.window_center = high_hu;
  above_high = render_view (volume, orientation, cursor, &style, &frame);

  for (int row = first_row; row < last_row; row++)
    for (int col = 0; col < FB_SIZE; col++)
      {
        const guint8 *lo = above_low + (row * FB_SIZE + col) * 4;
        const guint8 *hi = above_high + (row * FB_SIZE + col) * 4;
        gboolean inside = lo[1] == lo[0];   /* grey; the red background is not */

        if (!inside || lo[0] < 128 || hi[0] >= 128)
          continue;
        stats.count++;
        stats.x += col + 0.5;
        stats.y += row + 0.5;
        stats.halves[col < FB_SIZE / 2 ? 0 : 1]++;
        stats.halves[row < FB_SIZE / 2 ? 2 : 3]++;
      }
  if (stats.count > 0)
    {
      stats.x /= stats.count;
      stats.y /= stats.count;
    }
  return stats;
}

/* Shader problems reach the caller as errors in words, with the driver's own log. */
static void
test_shader_errors (void)
{
  g_autoptr(GError) error = NULL;
  GLuint program;

  if (!need_gl ())
    return;
  program = cusp_gl_program_new ("cusp-fullscreen.vert.glsl", "no-such-shader.frag.glsl", &error);
  g_assert_cmpuint (program, ==, 0);
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "no-such-shader.frag.glsl is missing"));
  g_clear_error (&error);

  /* tests/render/cusp-test-broken.frag.glsl uses an undeclared variable. */
  program = cusp_gl_program_new ("cusp-fullscreen.vert.glsl", "cusp-test-broken.frag.glsl", &error);
  g_assert_cmpuint (program, ==, 0);
  g_assert_error (error, CUSP_ERROR, CUSP_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "could not compile the shader cusp-test-broken.frag.glsl"));
  g_assert_nonnull (strstr (error->message, "undeclared_colour"));
  g_assert_cmpint (glGetError (), ==, GL_NO_ERROR);
}

/* Volumes no loader should produce still draw, without GL errors, NaN or crashes. */
static void
test_degenerate_volumes (void)
{
  const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  const double centre[3] = { 0.0, 0.0, 0.0 };
  const double unit[3] = { 1.0, 1.0, 1.0 };

  if (!need_gl ())
    return;

  /* One voxel: it fills the fitted view. */
  {
    g_autoptr(CuspVolume) volume = new_volume (CUSP_VOXEL_INT16, (int[3]) { 1, 1, 1 }, unit, identity, centre);
    g_autofree guint8 *rgba = NULL;
    CuspMprStyle style;
    CuspSliceFrame frame;

    ((int16_t *) volume->voxels)[0] = 1000;
    cusp_mpr_style_init (&style, CUSP_SLICE_CORONAL);
    style.window_center = 500.0;
    style.window_width = 1000.0;
    style.show_crosshair = FALSE;
    rgba = render_view (volume, CUSP_SLICE_CORONAL, centre, &style, &frame);
    g_assert_cmpint (rgba[(FB_SIZE / 2 * FB_SIZE + FB_SIZE / 2) * 4], ==, 255);
  }

  /* NaN and infinite float voxels show black, not undefined colours. */
  {
    g_autoptr(CuspVolume) volume = new_volume (CUSP_VOXEL_FLOAT32, (int[3]) { 4, 4, 4 }, unit, identity, centre);
    g_autofree guint8 *rgba = NULL;
    CuspMprStyle style;
    CuspSliceFrame frame;

    for (int n = 0; n < 64; n++)
      ((float *) volume->voxels)[n] = NAN;
    cusp_mpr_style_init (&style, CUSP_SLICE_AXIAL);
    style.show_crosshair = FALSE;
    style.window_width = NAN;   /* a nonsense window falls back to the narrowest one */
    rgba = render_view (volume, CUSP_SLICE_AXIAL, centre, &style, &frame);
    g_assert_cmpint (rgba[(FB_SIZE / 2 * FB_SIZE + FB_SIZE / 2) * 4], ==, 0);
  }

  /* Zero spacing (a broken header): nothing is inside, only the background is drawn. */
  {
    g_autoptr(CuspVolume) volume = new_volume (CUSP_VOXEL_INT16, (int[3]) { 4, 4, 4 },
                                               (double[3]) { 1.0, 0.0, 1.0 }, identity, centre);
    g_autofree guint8 *rgba = NULL;
    CuspMprStyle style;
    CuspSliceFrame frame;

    cusp_mpr_style_init (&style, CUSP_SLICE_SAGITTAL);
    style.show_crosshair = FALSE;
    style.background_rgba[2] = 1.0f;
    rgba = render_view (volume, CUSP_SLICE_SAGITTAL, centre, &style, &frame);
    g_assert_true (isfinite (frame.mm_per_px) && frame.mm_per_px > 0.0);
    g_assert_cmpint (rgba[(FB_SIZE / 2 * FB_SIZE + FB_SIZE / 2) * 4 + 2], ==, 255);
  }
}

/* The real contrast CT, one slice per view through the volume centre, saved as PNGs for a
 * human to look at (build dir: mpr-ct-{axial,coronal,sagittal}.png). */
static void
test_real_ct (void)
{
  const char *shared = g_getenv ("CUSP_SHARED_DATA");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL;
  double centre_ijk[3], centre[3];

  if (!need_gl ())
    return;
  path = g_build_filename (shared ? shared : "", "ct-aortic-root", "ct-aortic-root.nii.gz", NULL);
  if (shared == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the real CT (CUSP_SHARED_DATA/ct-aortic-root) is not on this machine");
      return;
    }
  volume = cusp_image_read_in_process (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (volume->hounsfield);
  for (int a = 0; a < 3; a++)
    centre_ijk[a] = 0.5 * (volume->dims[a] - 1);
  cusp_volume_index_to_lps (volume, centre_ijk, centre);

  for (CuspSliceOrientation o = CUSP_SLICE_AXIAL; o <= CUSP_SLICE_SAGITTAL; o++)
    {
      g_autofree guint8 *rgba = NULL;
      g_autofree char *name = g_strdup_printf ("mpr-ct-%s.png", cusp_slice_orientation_to_string (o));
      g_autofree char *png = g_test_build_filename (G_TEST_BUILT, name, NULL);
      CuspMprStyle style;
      CuspSliceFrame frame;

      cusp_mpr_style_init (&style, o);
      style.window_center = 200.0;   /* CT angiography */
      style.window_width = 600.0;
      rgba = render_view (volume, o, centre, &style, &frame);
      if (!cusp_test_save_png (rgba, FB_SIZE, FB_SIZE, png, &error))
        g_test_message ("%s", error->message);
      g_clear_error (&error);
    }

  /* Anatomy this scan shows (checked by eye on the PNGs), which only the right orientation puts
   * on these sides of the screen:
   * - coronal: the lungs (< -500 HU) lie above the diaphragm and liver: top half;
   * - sagittal: cortical bone (> 700 HU) through the midline is the vertebral column: posterior,
   *   screen right;
   * - axial, posterior quarter: the descending aorta (250-500 HU) runs on the patient's left
   *   of the spine (> 500 HU): screen right of it. */
  {
    MaskStats lung, bone, spine, aorta;

    lung = mask_stats (volume, CUSP_SLICE_CORONAL, centre, -2000, -500, 0, FB_SIZE);
    g_test_message ("coronal lung: %d px, top %d, bottom %d", lung.count, lung.halves[2], lung.halves[3]);
    g_assert_cmpint (lung.count, >, 1000);
    g_assert_cmpint (lung.halves[2], >, 2 * lung.halves[3]);

    bone = mask_stats (volume, CUSP_SLICE_SAGITTAL, centre, 700, 4000, 0, FB_SIZE);
    g_test_message ("sagittal bone: %d px, left %d, right %d", bone.count, bone.halves[0], bone.halves[1]);
    g_assert_cmpint (bone.count, >, 100);
    g_assert_cmpint (bone.halves[1], >, 4 * bone.halves[0]);

    spine = mask_stats (volume, CUSP_SLICE_AXIAL, centre, 500, 4000, 3 * FB_SIZE / 4, FB_SIZE);
    aorta = mask_stats (volume, CUSP_SLICE_AXIAL, centre, 250, 500, 3 * FB_SIZE / 4, FB_SIZE);
    g_test_message ("axial posterior quarter: spine %d px at x %.1f, aorta %d px at x %.1f",
                    spine.count, spine.x, aorta.count, aorta.x);
    g_assert_cmpint (spine.count, >, 50);
    g_assert_cmpint (aorta.count, >, 200);
    g_assert_cmpfloat (aorta.x - spine.x, >, 20.0);
  }
}

/* Every other real study, three views each, written as PNGs (mpr-<study>-<view>.png) for a human
 * to check the way up; the checks here are that each loads, uploads and draws without error. */
static void
test_real_studies (void)
{
  static const char *studies[][2] = {
    { "mr-cardiac", "mr-cardiac-dicom" },
    { "ct-chest-8bit", "ct-chest-8bit/ct-chest-8bit.mha" },
    { "ct-abdomen-j2k", "ct-abdomen-j2k-dicom" },
  };
  const char *shared = g_getenv ("CUSP_SHARED_DATA");

  if (!need_gl ())
    return;
  if (shared == NULL || !g_file_test (shared, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the real studies (CUSP_SHARED_DATA) are not on this machine");
      return;
    }
  for (gsize s = 0; s < G_N_ELEMENTS (studies); s++)
    {
      g_autofree char *path = g_build_filename (shared, studies[s][1], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(CuspVolume) volume = cusp_image_read_in_process (path, NULL, &error);
      g_autoptr(CuspViewLink) link = cusp_view_link_new ();
      double centre_ijk[3], centre[3];

      g_assert_no_error (error);
      /* The window the app would open it with: CT angiography for HU, else the auto window. */
      cusp_view_link_set_volume (link, volume);
      for (int a = 0; a < 3; a++)
        centre_ijk[a] = 0.5 * (volume->dims[a] - 1);
      cusp_volume_index_to_lps (volume, centre_ijk, centre);
      for (CuspSliceOrientation o = CUSP_SLICE_AXIAL; o <= CUSP_SLICE_SAGITTAL; o++)
        {
          g_autofree guint8 *rgba = NULL;
          g_autofree char *name = g_strdup_printf ("mpr-%s-%s.png", studies[s][0],
                                                   cusp_slice_orientation_to_string (o));
          g_autofree char *png = g_test_build_filename (G_TEST_BUILT, name, NULL);
          CuspMprStyle style;
          CuspSliceFrame frame;
          int lit = 0, inside = 0;

          cusp_mpr_style_init (&style, o);
          style.show_crosshair = FALSE;
          style.background_rgba[0] = 1.0f;   /* red: outside the volume */
          style.window_center = cusp_view_link_get_window_center (link);
          style.window_width = cusp_view_link_get_window_width (link);
          rgba = render_view (volume, o, centre, &style, &frame);
          for (int n = 0; n < FB_SIZE * FB_SIZE; n++)
            if (rgba[n * 4 + 1] == rgba[n * 4])
              {
                inside++;
                lit += rgba[n * 4] > 0;
              }
          g_test_message ("%s %s: %d of %d pixels inside the volume above black", studies[s][0],
                          cusp_slice_orientation_to_string (o), lit, inside);
          g_assert_cmpint (inside, >, 1000);
          g_assert_cmpint (lit, >, inside / 10);   /* an image, not a blank */
          for (int n = 0; n < FB_SIZE * FB_SIZE; n++)
            if (rgba[n * 4 + 1] != rgba[n * 4])
              rgba[n * 4] = 0;   /* back to black for the eye */
          if (!cusp_test_save_png (rgba, FB_SIZE, FB_SIZE, png, &error))
            g_test_message ("%s", error->message);
          g_clear_error (&error);
        }
    }
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  egl = cusp_test_egl_new (FB_SIZE, FB_SIZE, &why_no_gl);
  if (egl != NULL)
    {
      renderer = cusp_mpr_renderer_new (&error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/render/mpr/marker-sides", test_marker_sides);
  g_test_add_func ("/render/mpr/window-level", test_window_level);
  g_test_add_func ("/render/mpr/crosshair", test_crosshair);
  g_test_add_func ("/render/mpr/crosshair-hidpi", test_crosshair_hidpi);
  g_test_add_func ("/render/mpr/texture-too-large", test_bad_texture_input);
  g_test_add_func ("/render/mpr/shader-errors", test_shader_errors);
  g_test_add_func ("/render/mpr/degenerate-volumes", test_degenerate_volumes);
  g_test_add_func ("/render/mpr/real-ct", test_real_ct);
  g_test_add_func ("/render/mpr/real-studies", test_real_studies);
  status = g_test_run ();

  g_clear_pointer (&renderer, cusp_mpr_renderer_free);
  g_clear_pointer (&egl, cusp_test_egl_free);
  g_free (why_no_gl);
  return status;
}
