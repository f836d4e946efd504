/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-phantom.c: builds the synthetic aortic root (geometry, calcium, voxels); see cusp-phantom.h
 * for the anatomy and the coordinate frame. */
#include "cusp-phantom.h"
#include "cusp-error.h"
#include "cusp-vec3.h"

#include <math.h>
#include <string.h>

#define DEG (G_PI / 180.0)
#define SUPERSAMPLE 4                       /* sub-samples per axis in partial-volume voxels */
#define MYOCARDIUM_MM 8.0
#define WALL_MM 2.0
#define LVOT_TRANSITION_MM 3.0              /* annulus -> LVOT ellipse blend (keeps -4 mm exact) */
#define ASCENDING_TRANSITION_MM 10.0
#define COMMISSURE_BELOW_STJ_MM 1.5
#define LEFT_CORONARY_RADIUS_MM 2.0
#define RIGHT_CORONARY_RADIUS_MM 1.6
#define CORONARY_OUTSIDE_MM 14.0            /* tube length beyond the sinus wall */
#define NODULE_WALL_GAP_MM 1.0              /* calcium stays this far inside the lumen */
#define MAX_VOXEL_BYTES (G_GUINT64_CONSTANT (1) << 30)
#define MAX_CALCIUM_MM3 1500.0

typedef enum {
  TISSUE_LUNG,
  TISSUE_FAT,
  TISSUE_WALL,
  TISSUE_MYOCARDIUM,
  TISSUE_LUMEN,
  TISSUE_CALCIUM,
  TISSUE_COUNT
} Tissue;

/* Everything the per-point tissue test needs, resolved once. */
typedef struct {
  double c[3], n[3], r0[3], q0[3];
  double a, b;                        /* annulus semi-axes */
  double cos_psi, sin_psi;            /* major-axis angle */
  double lvot_scale, lvot_length;
  double h_stj, r_stj, r_asc, bulge;
  double h_top;                       /* the aorta runs out of the box below this height */
  double lung_radius;                 /* beyond this distance from the axis: lung */
  double lv_center[3], lv_axis[3], lv_semi_long, lv_semi_short;
  double cor_origin[2][3], cor_dir[2][3], cor_radius[2], cor_length[2];
  const CuspPhantomNodule *nodules;
  int nodule_count;
  double nodule_h_min, nodule_h_max;
  double hu[TISSUE_COUNT];
} Geom;


/* p = c + h n + rho (cos t r0 + sin t q0) */
static void
frame_point (const Geom *g, double h, double rho, double theta_deg, double out[3])
{
  double ct = cos (theta_deg * DEG), st = sin (theta_deg * DEG);
  for (int i = 0; i < 3; i++)
    out[i] = g->c[i] + h * g->n[i] + rho * (ct * g->r0[i] + st * g->q0[i]);
}

static void
frame_direction (const Geom *g, double theta_deg, double out[3])
{
  double ct = cos (theta_deg * DEG), st = sin (theta_deg * DEG);
  for (int i = 0; i < 3; i++)
    out[i] = ct * g->r0[i] + st * g->q0[i];
}

/* Polar radius of the ellipse with semi-axes (a, b) whose major axis is at psi. */
static inline double
ellipse_radius (const Geom *g, double a, double b, double ct, double st)
{
  double cm = ct * g->cos_psi + st * g->sin_psi;   /* cos (theta - psi) */
  double sm = st * g->cos_psi - ct * g->sin_psi;   /* sin (theta - psi) */
  return a * b / sqrt (b * b * cm * cm + a * a * sm * sm);
}

/* Sinus lobe weight: 1 at cusp centres (0, 120, 240 deg), 0 at commissures (60, 180, 300 deg). */
static inline double
lobe (double ct, double st)
{
  double c = 0.5 * ct + 0.8660254037844386 * st;   /* cos (theta - 60 deg) */
  double c3 = 4.0 * c * c * c - 3.0 * c;
  return 0.5 * (1.0 - c3);
}

/* 0 -> 1 with zero slope at both ends, so the annulus and the STJ are smooth waists: a measurement
 * plane's partial-volume neighbourhood then holds nearly the plane's own section. */
static inline double
smoothstep (double t)
{
  t = CLAMP (t, 0.0, 1.0);
  return t * t * (3.0 - 2.0 * t);
}

/* Lumen radius of the root at in-plane direction (ct, st) and height h; 0 outside its span. */
static inline double
lumen_radius (const Geom *g, double ct, double st, double h)
{
  if (h < -g->lvot_length || h > g->h_top)
    return 0.0;
  if (h <= 0.0)
    {
      double s = 1.0 + smoothstep (-h / LVOT_TRANSITION_MM) * (g->lvot_scale - 1.0);
      return ellipse_radius (g, g->a * s, g->b * s, ct, st);
    }
  if (h <= g->h_stj)
    {
      double t = h / g->h_stj, w = smoothstep (t), bulge = sin (G_PI * t);
      return (1.0 - w) * ellipse_radius (g, g->a, g->b, ct, st) + w * g->r_stj
             + g->bulge * bulge * bulge * lobe (ct, st);
    }
  return g->r_stj + (g->r_asc - g->r_stj) * smoothstep ((h - g->h_stj) / ASCENDING_TRANSITION_MM);
}

/* Normalised ellipsoid radius of p about the LV: < 1 inside the cavity. */
static inline double
lv_q (const Geom *g, const double d[3], double grow_mm)
{
  double along = cusp_vec3_dot (d, g->lv_axis);
  double perp2 = cusp_vec3_dot (d, d) - along * along;
  double l = g->lv_semi_long + grow_mm, s = g->lv_semi_short + grow_mm;
  return along * along / (l * l) + perp2 / (s * s);
}

static Tissue
tissue_at (const Geom *g, const double p[3])
{
  double d[3] = { p[0] - g->c[0], p[1] - g->c[1], p[2] - g->c[2] };
  double h = cusp_vec3_dot (d, g->n);
  double x = cusp_vec3_dot (d, g->r0), y = cusp_vec3_dot (d, g->q0);
  double rho = sqrt (x * x + y * y);
  double ct = rho > 1e-9 ? x / rho : 1.0, st = rho > 1e-9 ? y / rho : 0.0;
  double radius = lumen_radius (g, ct, st, h);
  double lv_d[3];

  if (h >= g->nodule_h_min && h <= g->nodule_h_max)
    for (int i = 0; i < g->nodule_count; i++)
      {
        const CuspPhantomNodule *nod = &g->nodules[i];
        double e[3] = { p[0] - nod->center_mm[0], p[1] - nod->center_mm[1], p[2] - nod->center_mm[2] };
        if (cusp_vec3_dot (e, e) < nod->radius_mm * nod->radius_mm)
          return TISSUE_CALCIUM;
      }

  if (rho < radius)
    return TISSUE_LUMEN;
  for (int k = 0; k < 2; k++)
    {
      double e[3] = { p[0] - g->cor_origin[k][0], p[1] - g->cor_origin[k][1], p[2] - g->cor_origin[k][2] };
      double s = cusp_vec3_dot (e, g->cor_dir[k]);
      if (s >= 0.0 && s <= g->cor_length[k] && cusp_vec3_dot (e, e) - s * s < g->cor_radius[k] * g->cor_radius[k])
        return TISSUE_LUMEN;
    }
  for (int i = 0; i < 3; i++)
    lv_d[i] = p[i] - g->lv_center[i];
  /* The LV is clipped just above the LVOT's lower end so it never reaches the annulus. */
  if (h < -g->lvot_length + 1.0 && lv_q (g, lv_d, 0.0) < 1.0)
    return TISSUE_LUMEN;
  if (rho > g->lung_radius)
    return TISSUE_LUNG;
  if (h < -g->lvot_length + 1.0 + MYOCARDIUM_MM && lv_q (g, lv_d, MYOCARDIUM_MM) < 1.0)
    return TISSUE_MYOCARDIUM;
  if (h <= 0.0 && h >= -g->lvot_length && rho < radius + MYOCARDIUM_MM)
    return TISSUE_MYOCARDIUM;
  if (h > 0.0 && rho < radius + WALL_MM)
    return TISSUE_WALL;
  return TISSUE_FAT;
}

/* ---- deterministic random numbers: splitmix64, counter based ---- */

static inline guint64
splitmix64 (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return x ^ (x >> 31);
}

static inline double
unit_open (guint64 bits)     /* (0, 1] */
{
  return ((bits >> 11) + 1) * (1.0 / 9007199254740992.0);
}

/* Standard normal for stream `key` of `seed` (Box-Muller on two hashed counters). */
static inline double
gaussian (guint64 seed, guint64 key)
{
  guint64 h = splitmix64 (seed ^ splitmix64 (key));
  double u1 = unit_open (h), u2 = unit_open (splitmix64 (h));
  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

typedef struct { guint64 state; } Rng;

static double
rng_uniform (Rng *rng)
{
  rng->state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  return (splitmix64 (rng->state) >> 11) * (1.0 / 9007199254740992.0);   /* [0, 1) */
}

/* ---- definition ---- */

CuspPhantomDef
cusp_phantom_default_def (void)
{
  return (CuspPhantomDef) {
    .seed = 1,
    .spacing_mm = 0.5,
    .annulus_area_mm2 = 450.0,
    .eccentricity = 0.2,
    .left_coronary_height_mm = 13.0,
    .right_coronary_height_mm = 16.0,
    .calcium_mm3 = 300.0,
    .lvot_calcium_fraction = 0.1,
    .noise_hu = 20.0,
    .lumen_hu = 400.0,
    .myocardium_hu = 100.0,
    .wall_hu = 70.0,
    .fat_hu = -100.0,
    .lung_hu = -900.0,       /* aerated lung: real CTs hold air, and readers recognise CT by it */
    .calcium_hu = 1300.0,    /* so that 850 HU sits halfway between lumen and calcium */
    .annulus_center_mm = { 12.3, -31.7, 48.9 },
    .axis_tilt_deg = 40.0,
    .axis_azimuth_deg = 35.0,
    .major_axis_angle_deg = 80.0,
    .lvot_scale = 1.04,
    .lvot_length_mm = 14.0,
    .sinus_height_mm = 22.0,
    .sov_bulge_mm = 0.0,
    .stj_diameter_mm = 0.0,
    .ascending_diameter_mm = 0.0,
    .extent_below_mm = 30.0,
    .extent_above_mm = 50.0,
    .extent_radius_mm = 0.0,
  };
}

static double
area_diameter (const CuspPhantomDef *def)
{
  return 2.0 * sqrt (def->annulus_area_mm2 / G_PI);
}

/* Fills the automatic (<= 0) fields. Call only on a validated def. */
static void
resolve_def (CuspPhantomDef *def)
{
  double d = area_diameter (def);

  if (def->sov_bulge_mm <= 0.0)
    def->sov_bulge_mm = 0.3 * d;
  if (def->stj_diameter_mm <= 0.0)
    def->stj_diameter_mm = 1.12 * d;
  if (def->ascending_diameter_mm <= 0.0)
    def->ascending_diameter_mm = 1.25 * d;
  if (def->extent_radius_mm <= 0.0)
    {
      double a = sqrt (def->annulus_area_mm2 / (G_PI * (1.0 - def->eccentricity)));
      double r_max = MAX (MAX (a * def->lvot_scale, 0.5 * def->ascending_diameter_mm),
                          0.5 * (a + def->stj_diameter_mm * 0.5) + def->sov_bulge_mm);
      def->extent_radius_mm = r_max + MYOCARDIUM_MM + 3.0;
    }
}

static gboolean
check_range (const char *what, double value, double lo, double hi, const char *unit, GError **error)
{
  if (isfinite (value) && value >= lo && value <= hi)
    return TRUE;
  g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
               "The phantom's %s must be a number between %g and %g%s%s (got %g)",
               what, lo, hi, *unit ? " " : "", unit, value);
  return FALSE;
}

/* The axis-aligned box holding the cylinder of radius extent_radius about the root axis. */
static void
compute_box (const CuspPhantomDef *def, const double c[3], const double n[3],
             double box_min[3], double box_max[3])
{
  for (int i = 0; i < 3; i++)
    {
      double e0 = c[i] - def->extent_below_mm * n[i], e1 = c[i] + def->extent_above_mm * n[i];
      double r = def->extent_radius_mm * sqrt (fmax (0.0, 1.0 - n[i] * n[i]));
      box_min[i] = fmin (e0, e1) - r;
      box_max[i] = fmax (e0, e1) + r;
    }
}

static void
root_axis (const CuspPhantomDef *def, double n[3])
{
  double t = def->axis_tilt_deg * DEG, az = def->axis_azimuth_deg * DEG;
  /* Patient right is -x and anterior is -y in LPS. */
  n[0] = -sin (t) * cos (az);
  n[1] = -sin (t) * sin (az);
  n[2] = cos (t);
}

static void
compute_dims (const CuspPhantomDef *def, int dims[3], double origin[3])
{
  double n[3], lo[3], hi[3];

  root_axis (def, n);
  compute_box (def, def->annulus_center_mm, n, lo, hi);
  for (int i = 0; i < 3; i++)
    {
      dims[i] = (int) ceil ((hi[i] - lo[i]) / def->spacing_mm) + 1;
      origin[i] = lo[i];
    }
}

gboolean
cusp_phantom_def_validate (const CuspPhantomDef *def, GError **error)
{
  CuspPhantomDef r;
  double max_left, max_right;
  int dims[3];
  double origin[3];
  double bytes;

  g_return_val_if_fail (def != NULL, FALSE);

  if (!check_range ("voxel spacing", def->spacing_mm, 0.05, 5.0, "mm", error) ||
      !check_range ("annulus area", def->annulus_area_mm2, 150.0, 1200.0, "mm²", error) ||
      !check_range ("annulus eccentricity (1 - Dmin/Dmax)", def->eccentricity, 0.0, 0.6, "", error) ||
      !check_range ("calcium volume", def->calcium_mm3, 0.0, MAX_CALCIUM_MM3, "mm³", error) ||
      !check_range ("LVOT share of the calcium", def->lvot_calcium_fraction, 0.0, 1.0, "", error) ||
      !check_range ("noise sigma", def->noise_hu, 0.0, 300.0, "HU", error) ||
      !check_range ("lumen value", def->lumen_hu, -1000.0, 3000.0, "HU", error) ||
      !check_range ("myocardium value", def->myocardium_hu, -1000.0, 3000.0, "HU", error) ||
      !check_range ("aortic wall value", def->wall_hu, -1000.0, 3000.0, "HU", error) ||
      !check_range ("fat value", def->fat_hu, -1000.0, 3000.0, "HU", error) ||
      !check_range ("lung value", def->lung_hu, -1024.0, 3000.0, "HU", error) ||
      !check_range ("calcium value", def->calcium_hu, -1000.0, 3000.0, "HU", error) ||
      !check_range ("axis tilt", def->axis_tilt_deg, 0.0, 80.0, "degrees", error) ||
      !check_range ("axis azimuth", def->axis_azimuth_deg, -360.0, 360.0, "degrees", error) ||
      !check_range ("annulus major-axis angle", def->major_axis_angle_deg, -360.0, 360.0, "degrees", error) ||
      !check_range ("LVOT scale", def->lvot_scale, 0.7, 1.4, "", error) ||
      !check_range ("LVOT length", def->lvot_length_mm, 8.0, 30.0, "mm", error) ||
      !check_range ("sinus height", def->sinus_height_mm, 12.0, 30.0, "mm", error) ||
      !check_range ("sinus bulge (0 = automatic)", def->sov_bulge_mm, -1.0, 15.0, "mm", error) ||
      !check_range ("STJ diameter (0 = automatic)", def->stj_diameter_mm, -1.0, 50.0, "mm", error) ||
      !check_range ("ascending aorta diameter (0 = automatic)", def->ascending_diameter_mm, -1.0, 60.0, "mm", error) ||
      !check_range ("extent below the annulus", def->extent_below_mm, 8.0, 80.0, "mm", error) ||
      !check_range ("extent above the annulus", def->extent_above_mm, 45.0, 120.0, "mm", error) ||
      !check_range ("extent around the axis (0 = automatic)", def->extent_radius_mm, -1.0, 80.0, "mm", error))
    return FALSE;
  for (int i = 0; i < 3; i++)
    if (!check_range ("annulus centre coordinate", def->annulus_center_mm[i], -1000.0, 1000.0, "mm", error))
      return FALSE;
  if (def->stj_diameter_mm > 0.0 && def->stj_diameter_mm < 15.0)
    return check_range ("STJ diameter", def->stj_diameter_mm, 15.0, 50.0, "mm", error);
  if (def->ascending_diameter_mm > 0.0 && def->ascending_diameter_mm < 15.0)
    return check_range ("ascending aorta diameter", def->ascending_diameter_mm, 15.0, 60.0, "mm", error);
  if (def->lumen_hu < MAX (MAX (def->myocardium_hu, def->wall_hu), def->fat_hu) + 100.0 ||
      def->calcium_hu < def->lumen_hu + 100.0)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The phantom needs contrast: lumen at least 100 HU above tissue and calcium at "
                   "least 100 HU above lumen (got lumen %g, calcium %g HU)",
                   def->lumen_hu, def->calcium_hu);
      return FALSE;
    }

  /* A tube's lowest line sits at the height; the whole tube must fit below the commissures. */
  max_left = def->sinus_height_mm - COMMISSURE_BELOW_STJ_MM - 2.0 * LEFT_CORONARY_RADIUS_MM;
  max_right = def->sinus_height_mm - COMMISSURE_BELOW_STJ_MM - 2.0 * RIGHT_CORONARY_RADIUS_MM;
  if (!isfinite (def->left_coronary_height_mm) || def->left_coronary_height_mm < 3.0 ||
      def->left_coronary_height_mm > max_left)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The left coronary height %g mm is outside the sinus: it must lie between 3 and "
                   "%.1f mm for a sinus height of %g mm", def->left_coronary_height_mm, max_left,
                   def->sinus_height_mm);
      return FALSE;
    }
  if (!isfinite (def->right_coronary_height_mm) || def->right_coronary_height_mm < 3.0 ||
      def->right_coronary_height_mm > max_right)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The right coronary height %g mm is outside the sinus: it must lie between 3 and "
                   "%.1f mm for a sinus height of %g mm", def->right_coronary_height_mm, max_right,
                   def->sinus_height_mm);
      return FALSE;
    }

  r = *def;
  resolve_def (&r);
  compute_dims (&r, dims, origin);
  bytes = (double) dims[0] * dims[1] * dims[2] * sizeof (gint16);
  if (bytes > (double) MAX_VOXEL_BYTES)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "A voxel spacing of %g mm makes a %d × %d × %d phantom (%.0f MB): too large, "
                   "use a larger spacing", def->spacing_mm, dims[0], dims[1], dims[2], bytes / 1e6);
      return FALSE;
    }
  return TRUE;
}

/* ---- geometry ---- */

double
cusp_ellipse_perimeter (double semi_major_mm, double semi_minor_mm)
{
  const int nodes = 256;
  double sum = 0.0;

  for (int i = 0; i < nodes; i++)
    {
      double t = 2.0 * G_PI * i / nodes;
      double s = sin (t), c = cos (t);
      sum += sqrt (semi_major_mm * semi_major_mm * s * s + semi_minor_mm * semi_minor_mm * c * c);
    }
  return sum * 2.0 * G_PI / nodes;
}

static void
fill_ellipse (CuspPhantomEllipse *e, const double center[3], double a, double b)
{
  memcpy (e->center_mm, center, sizeof e->center_mm);
  e->semi_major_mm = a;
  e->semi_minor_mm = b;
  e->area_mm2 = G_PI * a * b;
  e->perimeter_mm = cusp_ellipse_perimeter (a, b);
  e->dmin_mm = 2.0 * b;
  e->dmax_mm = 2.0 * a;
  e->eccentricity = 1.0 - b / a;
}

static double
radius_at_deg (const Geom *g, double theta_deg, double h)
{
  return lumen_radius (g, cos (theta_deg * DEG), sin (theta_deg * DEG), h);
}

static void
build_geom (Geom *g, const CuspPhantomDef *def)
{
  /* Apex direction of the LV from its base: anterior, left and inferior. */
  double apex[3] = { 0.55, -0.45, -0.70 };
  double anterior[3] = { 0.0, -1.0, 0.0 };
  double psi = def->major_axis_angle_deg * DEG;
  double along;

  memset (g, 0, sizeof *g);
  memcpy (g->c, def->annulus_center_mm, sizeof g->c);
  root_axis (def, g->n);
  along = cusp_vec3_dot (anterior, g->n);
  for (int i = 0; i < 3; i++)
    g->r0[i] = anterior[i] - along * g->n[i];
  cusp_vec3_normalize (g->r0);
  cusp_vec3_cross (g->n, g->r0, g->q0);

  g->a = sqrt (def->annulus_area_mm2 / (G_PI * (1.0 - def->eccentricity)));
  g->b = g->a * (1.0 - def->eccentricity);
  g->cos_psi = cos (psi);
  g->sin_psi = sin (psi);
  g->lvot_scale = def->lvot_scale;
  g->lvot_length = def->lvot_length_mm;
  g->h_stj = def->sinus_height_mm;
  g->r_stj = 0.5 * def->stj_diameter_mm;
  g->r_asc = 0.5 * def->ascending_diameter_mm;
  g->bulge = def->sov_bulge_mm;
  g->h_top = def->extent_above_mm + 20.0;
  g->lung_radius = def->extent_radius_mm - 1.0;

  cusp_vec3_normalize (apex);
  memcpy (g->lv_axis, apex, sizeof apex);
  g->lv_semi_long = 40.0;
  g->lv_semi_short = 20.0 + 0.3 * g->a;
  for (int i = 0; i < 3; i++)
    g->lv_center[i] = g->c[i] - g->lvot_length * g->n[i] + 0.8 * g->lv_semi_long * apex[i];

  g->hu[TISSUE_LUNG] = def->lung_hu;
  g->hu[TISSUE_FAT] = def->fat_hu;
  g->hu[TISSUE_WALL] = def->wall_hu;
  g->hu[TISSUE_MYOCARDIUM] = def->myocardium_hu;
  g->hu[TISSUE_LUMEN] = def->lumen_hu;
  g->hu[TISSUE_CALCIUM] = def->calcium_hu;
}

static const double cusp_angle_deg[CUSP_CUSP_COUNT] = { 120.0, 0.0, 240.0 };       /* L, R, N */
static const double commissure_angle_deg[CUSP_COMMISSURE_COUNT] = { 60.0, 300.0, 180.0 }; /* LR, RN, NL */

static void
build_coronary (Geom *g, int k, CuspPhantomCoronary *cor, double height, double radius, double theta)
{
  double wall = radius_at_deg (g, theta, height);

  frame_direction (g, theta, cor->direction);
  frame_point (g, height, wall, theta, cor->ostium_mm);
  cor->height_mm = height;
  cor->radius_mm = radius;
  /* The axis starts on the root axis, one radius above the requested lower edge. */
  frame_point (g, height + radius, 0.0, theta, g->cor_origin[k]);
  memcpy (g->cor_dir[k], cor->direction, sizeof cor->direction);
  g->cor_radius[k] = radius;
  g->cor_length[k] = wall + CORONARY_OUTSIDE_MM;
}

static gboolean
nodule_fits (const CuspPhantomNodule *nodules, int count, const double c[3], double r)
{
  for (int i = 0; i < count; i++)
    {
      double e[3] = { c[0] - nodules[i].center_mm[0], c[1] - nodules[i].center_mm[1], c[2] - nodules[i].center_mm[2] };
      double gap = nodules[i].radius_mm + r + 0.5;
      if (cusp_vec3_dot (e, e) < gap * gap)
        return FALSE;
    }
  return TRUE;
}

/* Places the nodules of one region; volumes split by random weights, exact in sum. */
static gboolean
place_region (const Geom *g, Rng *rng, CuspPhantomTruth *truth, CuspPhantomRegion region,
              double volume_mm3, GError **error)
{
  int count;
  double weights[64], weight_sum = 0.0;

  if (volume_mm3 <= 0.0)
    return TRUE;
  /* LVOT nodules are smaller: they must fit between the 4 mm measurement plane and 10 mm. */
  count = region == CUSP_PHANTOM_REGION_LVOT ? CLAMP ((int) ceil (volume_mm3 / 20.0), 1, 64)
                                             : CLAMP ((int) ceil (volume_mm3 / 35.0), 2, 64);
  for (int i = 0; i < count; i++)
    weight_sum += weights[i] = 0.6 + 0.8 * rng_uniform (rng);

  for (int i = 0; i < count; i++)
    {
      double vol = volume_mm3 * weights[i] / weight_sum;
      double r = cbrt (vol * 3.0 / (4.0 * G_PI));
      gboolean placed = FALSE;

      for (int attempt = 0; attempt < 4000 && !placed; attempt++)
        {
          double theta, h, lo, hi, wall, rho, c[3];

          if (region == CUSP_PHANTOM_REGION_LVOT)
            {
              theta = 360.0 * rng_uniform (rng);
              lo = -fmin (g->lvot_length, CUSP_PHANTOM_LVOT_CALCIUM_DEPTH_MM) + r + 0.25;
              hi = -4.0 - r - 0.75;         /* clear of the LVOT measurement plane */
            }
          else
            {
              theta = cusp_angle_deg[region] + 70.0 * (rng_uniform (rng) - 0.5);
              lo = r + 0.75;                /* above the annulus plane */
              hi = 0.55 * g->h_stj;
            }
          if (hi < lo)
            break;
          h = lo + (hi - lo) * rng_uniform (rng);
          wall = radius_at_deg (g, theta, h);
          rho = wall - r - NODULE_WALL_GAP_MM - 3.0 * rng_uniform (rng);
          if (rho < r + 2.0)
            continue;
          frame_point (g, h, rho, theta, c);
          /* The whole sphere must stay 1 mm inside the wall along every direction we sample. */
          if (radius_at_deg (g, theta, h + r) - rho < r + NODULE_WALL_GAP_MM ||
              radius_at_deg (g, theta, h - r) - rho < r + NODULE_WALL_GAP_MM ||
              !nodule_fits (truth->nodules, truth->nodule_count, c, r))
            continue;
          memcpy (truth->nodules[truth->nodule_count].center_mm, c, sizeof c);
          truth->nodules[truth->nodule_count].radius_mm = r;
          truth->nodules[truth->nodule_count].region = region;
          truth->nodule_count++;
          placed = TRUE;
        }
      if (!placed)
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                       "%.0f mm³ of calcium does not fit in the %s of this phantom; use less calcium",
                       volume_mm3, region == CUSP_PHANTOM_REGION_LVOT ? "LVOT" : "sinus");
          return FALSE;
        }
    }
  truth->calcium_region_mm3[region] = volume_mm3;
  return TRUE;
}

static gboolean
build_truth (Geom *g, CuspPhantomTruth *truth, GError **error)
{
  const CuspPhantomDef *def = &truth->def;
  double center[3];
  double lvot_volume = def->calcium_mm3 * def->lvot_calcium_fraction;
  Rng rng = { splitmix64 (def->seed ^ G_GUINT64_CONSTANT (0xC0FFEE)) };
  double h_lo, h_hi;

  memcpy (truth->root_axis, g->n, sizeof g->n);
  memcpy (truth->ref_anterior, g->r0, sizeof g->r0);
  memcpy (truth->ref_left, g->q0, sizeof g->q0);
  frame_direction (g, def->major_axis_angle_deg, truth->major_axis);
  frame_direction (g, def->major_axis_angle_deg + 90.0, truth->minor_axis);

  fill_ellipse (&truth->annulus, g->c, g->a, g->b);
  truth->lvot_offset_mm = 4.0;
  frame_point (g, -truth->lvot_offset_mm, 0.0, 0.0, center);
  fill_ellipse (&truth->lvot, center, g->a * g->lvot_scale, g->b * g->lvot_scale);

  for (int c = 0; c < CUSP_CUSP_COUNT; c++)
    frame_point (g, 0.0, radius_at_deg (g, cusp_angle_deg[c], 0.0), cusp_angle_deg[c], truth->hinge_mm[c]);
  truth->commissure_height_mm = g->h_stj - COMMISSURE_BELOW_STJ_MM;
  for (int c = 0; c < CUSP_COMMISSURE_COUNT; c++)
    frame_point (g, truth->commissure_height_mm,
                 radius_at_deg (g, commissure_angle_deg[c], truth->commissure_height_mm),
                 commissure_angle_deg[c], truth->commissure_mm[c]);

  truth->sov_measure_height_mm = 0.5 * g->h_stj;
  truth->sov_mean_diameter_mm = 0.0;
  for (int c = 0; c < CUSP_CUSP_COUNT; c++)
    {
      double h = truth->sov_measure_height_mm;
      truth->sov_diameter_mm[c] = radius_at_deg (g, cusp_angle_deg[c], h) +
                                  radius_at_deg (g, cusp_angle_deg[c] + 180.0, h);
      truth->sov_mean_diameter_mm += truth->sov_diameter_mm[c] / CUSP_CUSP_COUNT;
    }

  truth->stj_height_mm = g->h_stj;
  truth->stj_diameter_mm = 2.0 * g->r_stj;
  frame_point (g, g->h_stj, 0.0, 0.0, truth->stj_center_mm);
  truth->ascending_height_mm = 40.0;
  truth->ascending_diameter_mm = 2.0 * radius_at_deg (g, 0.0, 40.0);
  frame_point (g, 40.0, 0.0, 0.0, truth->ascending_center_mm);

  build_coronary (g, 0, &truth->left_coronary, def->left_coronary_height_mm,
                  LEFT_CORONARY_RADIUS_MM, cusp_angle_deg[CUSP_CUSP_LEFT]);
  build_coronary (g, 1, &truth->right_coronary, def->right_coronary_height_mm,
                  RIGHT_CORONARY_RADIUS_MM, cusp_angle_deg[CUSP_CUSP_RIGHT]);

  truth->nodules = g_new0 (CuspPhantomNodule, 4 * 64);
  for (int region = CUSP_PHANTOM_REGION_LEAFLET_LEFT; region <= CUSP_PHANTOM_REGION_LEAFLET_NON; region++)
    if (!place_region (g, &rng, truth, region, (def->calcium_mm3 - lvot_volume) / 3.0, error))
      return FALSE;
  if (!place_region (g, &rng, truth, CUSP_PHANTOM_REGION_LVOT, lvot_volume, error))
    return FALSE;
  truth->calcium_total_mm3 = def->calcium_mm3;

  h_lo = G_MAXDOUBLE;
  h_hi = -G_MAXDOUBLE;
  for (int i = 0; i < truth->nodule_count; i++)
    {
      const CuspPhantomNodule *nod = &truth->nodules[i];
      double d[3] = { nod->center_mm[0] - g->c[0], nod->center_mm[1] - g->c[1], nod->center_mm[2] - g->c[2] };
      double h = cusp_vec3_dot (d, g->n);
      h_lo = fmin (h_lo, h - nod->radius_mm);
      h_hi = fmax (h_hi, h + nod->radius_mm);
    }
  g->nodules = truth->nodules;
  g->nodule_count = truth->nodule_count;
  g->nodule_h_min = h_lo;
  g->nodule_h_max = h_hi;
  return TRUE;
}

/* ---- voxels ---- */

typedef struct {
  const Geom *g;
  guint64 seed;
  double noise_hu;
  int dims[3];
  double spacing, origin[3];
  guint8 *corners;                     /* (dims+1)^3 tissue labels at voxel corners */
  gint16 *voxels;
  gint next_plane;
  int plane_count;
  GCancellable *cancellable;
  void (*plane_func) (gpointer job, int plane);
} Job;

static inline gsize
corner_index (const Job *job, int i, int j, int k)
{
  return ((gsize) k * (job->dims[1] + 1) + j) * (job->dims[0] + 1) + i;
}

static void
corner_plane (gpointer data, int k)
{
  Job *job = data;

  for (int j = 0; j <= job->dims[1]; j++)
    for (int i = 0; i <= job->dims[0]; i++)
      {
        double p[3] = { job->origin[0] + (i - 0.5) * job->spacing,
                        job->origin[1] + (j - 0.5) * job->spacing,
                        job->origin[2] + (k - 0.5) * job->spacing };
        job->corners[corner_index (job, i, j, k)] = tissue_at (job->g, p);
      }
}

static double
voxel_mean (const Job *job, int i, int j, int k)
{
  const guint8 *c = job->corners;
  Tissue t = c[corner_index (job, i, j, k)];
  gboolean pure = TRUE;
  double p[3] = { job->origin[0] + i * job->spacing, job->origin[1] + j * job->spacing,
                  job->origin[2] + k * job->spacing };
  double sum = 0.0;

  for (int dk = 0; dk < 2 && pure; dk++)
    for (int dj = 0; dj < 2 && pure; dj++)
      for (int di = 0; di < 2 && pure; di++)
        pure = c[corner_index (job, i + di, j + dj, k + dk)] == t;
  if (pure && tissue_at (job->g, p) == t)
    return job->g->hu[t];

  for (int sk = 0; sk < SUPERSAMPLE; sk++)
    for (int sj = 0; sj < SUPERSAMPLE; sj++)
      for (int si = 0; si < SUPERSAMPLE; si++)
        {
          double q[3] = { p[0] + ((si + 0.5) / SUPERSAMPLE - 0.5) * job->spacing,
                          p[1] + ((sj + 0.5) / SUPERSAMPLE - 0.5) * job->spacing,
                          p[2] + ((sk + 0.5) / SUPERSAMPLE - 0.5) * job->spacing };
          sum += job->g->hu[tissue_at (job->g, q)];
        }
  return sum / (SUPERSAMPLE * SUPERSAMPLE * SUPERSAMPLE);
}

static void
voxel_plane (gpointer data, int k)
{
  Job *job = data;

  for (int j = 0; j < job->dims[1]; j++)
    for (int i = 0; i < job->dims[0]; i++)
      {
        gsize index = ((gsize) k * job->dims[1] + j) * job->dims[0] + i;
        double value = voxel_mean (job, i, j, k);
        if (job->noise_hu > 0.0)
          value += job->noise_hu * gaussian (job->seed, index);
        job->voxels[index] = (gint16) CLAMP (lround (value), G_MININT16, G_MAXINT16);
      }
}

static gpointer
worker (gpointer data)
{
  Job *job = data;

  for (;;)
    {
      int k = g_atomic_int_add (&job->next_plane, 1);
      if (k >= job->plane_count || g_cancellable_is_cancelled (job->cancellable))
        break;
      job->plane_func (job, k);
    }
  return NULL;
}

/* Runs plane_func over every plane on a few threads; planes are independent. */
static void
run_planes (Job *job, void (*plane_func) (gpointer, int), int plane_count)
{
  GThread *threads[8];
  int n_threads = CLAMP ((int) g_get_num_processors (), 1, 8);

  job->plane_func = plane_func;
  job->plane_count = plane_count;
  job->next_plane = 0;
  for (int t = 0; t < n_threads; t++)
    threads[t] = g_thread_new ("cusp-phantom", worker, job);
  for (int t = 0; t < n_threads; t++)
    g_thread_join (threads[t]);
}

CuspVolume *
cusp_phantom_generate (const CuspPhantomDef *def_in,
                       CuspPhantomTruth    **truth_out,
                       GCancellable         *cancellable,
                       GError              **error)
{
  g_autoptr(CuspPhantomTruth) truth = NULL;
  g_autoptr(CuspVolume) volume = NULL;
  g_autofree guint8 *corners = NULL;
  Geom g;
  Job job = { 0 };
  gsize corner_count;

  g_return_val_if_fail (def_in != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  if (!cusp_phantom_def_validate (def_in, error))
    return NULL;

  truth = g_new0 (CuspPhantomTruth, 1);
  truth->def = *def_in;
  resolve_def (&truth->def);
  build_geom (&g, &truth->def);
  if (!build_truth (&g, truth, error))
    return NULL;

  compute_dims (&truth->def, truth->dims, truth->origin_mm);
  volume = cusp_volume_new (CUSP_VOXEL_INT16, truth->dims, error);
  if (volume == NULL)
    return NULL;
  for (int i = 0; i < 3; i++)
    {
      volume->spacing_mm[i] = truth->spacing_mm[i] = truth->def.spacing_mm;
      volume->origin_mm[i] = truth->origin_mm[i];
    }
  memcpy (truth->direction, volume->direction, sizeof truth->direction);
  volume->modality = CUSP_MODALITY_CT;
  volume->hounsfield = TRUE;
  volume->orientation_known = TRUE;
  volume->description = g_strdup_printf ("Cusp synthetic aortic root (seed %" G_GUINT64_FORMAT ")",
                                         truth->def.seed);

  corner_count = (gsize) (truth->dims[0] + 1) * (truth->dims[1] + 1) * (truth->dims[2] + 1);
  corners = g_try_malloc (corner_count);
  if (corners == NULL)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_OUT_OF_MEMORY, "Not enough memory for the phantom");
      return NULL;
    }

  job.g = &g;
  job.seed = truth->def.seed;
  job.noise_hu = truth->def.noise_hu;
  memcpy (job.dims, truth->dims, sizeof job.dims);
  job.spacing = truth->def.spacing_mm;
  memcpy (job.origin, truth->origin_mm, sizeof job.origin);
  job.corners = corners;
  job.voxels = volume->voxels;
  job.cancellable = cancellable;
  run_planes (&job, corner_plane, truth->dims[2] + 1);
  if (!g_cancellable_is_cancelled (cancellable))
    run_planes (&job, voxel_plane, truth->dims[2]);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (truth_out != NULL)
    *truth_out = g_steal_pointer (&truth);
  return g_steal_pointer (&volume);
}
