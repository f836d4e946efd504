/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-sim-device.h: parametric transcatheter valve frames (device definitions), their text file
 * format and a directory loader. Plain C17 + libm + POSIX: no GLib.
 *
 * A CuspDeviceDef holds every number the structural solver needs to build a frame: nominal and
 * flared diameters, height, cell grid, strut section, skirt and commissure heights, crimped
 * diameter and the material constants. The built-in files (data/devices/ *.device) are parametric
 * stand-ins built from published nominal dimensions, NOT the manufacturers' designs.
 *
 * File format (one `key = value` per line, UTF-8, `#` starts a comment anywhere on a line, blank
 * lines ignored, every key at most once, units in the key names):
 *
 *   id = sapien3-class-26                 # [a-z0-9._-], unique in a library
 *   name = SAPIEN 3-class 26 mm (parametric stand-in)
 *   family = balloon_expandable           # | self_expanding | navitor_class
 *   material = cobalt_chromium            # | nitinol
 *   nominal_diameter_mm = 26
 *   height_mm = 20
 *   inflow_diameter_mm = 26               # flared self-expanding frames differ along the height
 *   waist_diameter_mm = 26
 *   outflow_diameter_mm = 26
 *   cell_rows = 4
 *   cells_per_row = 12
 *   strut_width_mm = 0.30                 # in the frame surface (circumferential bending)
 *   strut_thickness_mm = 0.45             # radial wall thickness
 *   skirt_height_mm = 8                   # outer sealing skirt, measured from the inflow edge
 *   commissure_height_mm = 18             # leaflet (commissure post) top, from the inflow edge
 *   crimped_diameter_mm = 7
 *   annulus_area_min_mm2 = 430            # sizing range: this area pair (balloon-expandable
 *   annulus_area_max_mm2 = 546            # charts) OR annulus_perimeter_min_mm / _max_mm
 *   source = ...                          # free text, may repeat (lines are joined)
 *   note = ...                            # free text, may repeat
 *
 * Optional material keys override the defaults of DOMAIN.md section 6 (cusp_device_material_default):
 *   youngs_modulus_gpa, poisson_ratio, yield_stress_mpa, hardening_modulus_mpa (cobalt-chromium),
 *   martensite_modulus_gpa, loading_plateau_start_mpa, loading_plateau_end_mpa,
 *   unloading_plateau_start_mpa, unloading_plateau_end_mpa, transformation_strain_pct (nitinol).
 *
 * Numbers are parsed locale-independently: `[+-]digits[.digits][e[+-]digits]`, nothing else
 * (no hex, no inf/nan, no decimal comma, no trailing text).
 *
 * Errors: every function that can fail returns a CuspDeviceStatus and, when `error` is not NULL,
 * fills it with the status and ONE line naming the file, the line and the key. */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CUSP_DEVICE_ID_MAX    64
#define CUSP_DEVICE_NAME_MAX  128
#define CUSP_DEVICE_TEXT_MAX  2048
#define CUSP_DEVICE_ERROR_MAX 512

typedef enum {
  CUSP_DEVICE_OK = 0,
  CUSP_DEVICE_ERROR_IO,              /* file or directory cannot be read */
  CUSP_DEVICE_ERROR_SYNTAX,          /* a line that is not `key = value`, or too long */
  CUSP_DEVICE_ERROR_UNKNOWN_KEY,
  CUSP_DEVICE_ERROR_DUPLICATE_KEY,
  CUSP_DEVICE_ERROR_MISSING_KEY,
  CUSP_DEVICE_ERROR_NOT_A_NUMBER,    /* includes nan/inf and trailing text */
  CUSP_DEVICE_ERROR_BAD_VALUE,       /* unknown enum word, bad id characters, empty text */
  CUSP_DEVICE_ERROR_OUT_OF_RANGE,    /* a number impossible on its own (negative, zero, huge) */
  CUSP_DEVICE_ERROR_INCONSISTENT,    /* numbers impossible together (strut wider than a cell,
                                      * crimped >= nominal, skirt above the frame, ...) */
  CUSP_DEVICE_ERROR_DUPLICATE_ID,    /* library: a second file with an id already loaded */
  CUSP_DEVICE_ERROR_INVALID_ARGUMENT /* programmer error: NULL pointer */
} CuspDeviceStatus;

typedef struct {
  CuspDeviceStatus status;
  int line;                          /* 1-based, 0 when not about one line */
  char message[CUSP_DEVICE_ERROR_MAX];
} CuspDeviceError;

typedef enum {
  CUSP_DEVICE_FAMILY_BALLOON_EXPANDABLE = 0, /* SAPIEN-3 class: plastically expanded to nominal */
  CUSP_DEVICE_FAMILY_SELF_EXPANDING,         /* Evolut class: supra-annular, flared, tall */
  CUSP_DEVICE_FAMILY_NAVITOR_CLASS           /* self-expanding, intra-annular leaflets, sealing cuff */
} CuspDeviceFamily;

typedef enum {
  CUSP_MATERIAL_COBALT_CHROMIUM = 0, /* elastic-plastic, linear hardening */
  CUSP_MATERIAL_NITINOL              /* superelastic, SE508 plateaus */
} CuspMaterialKind;

typedef enum {
  CUSP_SIZING_BY_AREA = 0,           /* annulus area, mm2 (balloon-expandable charts) */
  CUSP_SIZING_BY_PERIMETER           /* annulus perimeter, mm (self-expanding charts) */
} CuspSizingBasis;

/* Material constants, SI units. Fields a kind does not use are 0. */
typedef struct {
  CuspMaterialKind kind;
  double youngs_modulus_pa;          /* nitinol: austenite modulus */
  double poisson_ratio;
  /* cobalt-chromium */
  double yield_stress_pa;
  double hardening_modulus_pa;       /* tangent modulus after yield */
  /* nitinol (SE508 at 37 C, DOMAIN.md 6) */
  double martensite_modulus_pa;
  double loading_plateau_start_pa;   /* 395 MPa: start of A->M at 0.669 % strain */
  double loading_plateau_end_pa;     /* 435 MPa */
  double unloading_plateau_start_pa; /* 165 MPa */
  double unloading_plateau_end_pa;   /* 145 MPa */
  double transformation_strain;      /* 0.042 (dimensionless, not %) */
} CuspMaterial;

typedef struct {
  char id[CUSP_DEVICE_ID_MAX];
  char display_name[CUSP_DEVICE_NAME_MAX];
  CuspDeviceFamily family;
  CuspMaterial material;

  /* Diameters are OUTER diameters of the frame (strut outer surface), as sizing charts use. */
  double nominal_diameter_mm;        /* the labelled size */
  double height_mm;                  /* frame height, inflow edge to outflow edge */
  double inflow_diameter_mm;         /* free (unconstrained) diameters along the frame; */
  double waist_diameter_mm;          /* all equal to nominal for balloon-expandable frames */
  double outflow_diameter_mm;
  int cell_rows;                     /* rows of closed cells along the height */
  int cells_per_row;                 /* cells around the circumference */
  double strut_width_mm;             /* in-surface width */
  double strut_thickness_mm;         /* radial thickness */
  double skirt_height_mm;            /* sealing skirt extent from the inflow edge */
  double commissure_height_mm;       /* leaflet / commissure top from the inflow edge */
  double crimped_diameter_mm;

  CuspSizingBasis sizing;
  double sizing_min;                 /* mm2 (area) or mm (perimeter), see `sizing`; from the
                                      * annulus_area_* or annulus_perimeter_* keys */
  double sizing_max;

  char source[CUSP_DEVICE_TEXT_MAX]; /* where the numbers come from */
  char notes[CUSP_DEVICE_TEXT_MAX];  /* which values were chosen and why */
} CuspDeviceDef;

/* A loaded library: the good devices (sorted by file name within each directory, directories in
 * the order given) and one CuspDeviceError per bad file, the file named in its message. */
typedef struct {
  CuspDeviceDef *devices;
  int device_count;
  CuspDeviceError *problems;
  int problem_count;
} CuspDeviceLibrary;

/* Defaults from DOMAIN.md section 6 for a material kind. */
CuspMaterial cusp_device_material_default (CuspMaterialKind kind);

/* A 26 mm balloon-expandable cobalt-chromium frame that passes validation: a starting point for
 * tests and for code that builds a definition by hand (Box2D-style b2DefaultXDef). */
CuspDeviceDef cusp_device_def_default (void);

/* Checks every number alone and together. `file_name` (may be NULL) prefixes the message. */
CuspDeviceStatus cusp_device_def_validate (const CuspDeviceDef *def,
                                           const char *file_name,
                                           CuspDeviceError *error);

/* Parses the text of one device file (`length` bytes, need not be NUL-terminated; an embedded
 * NUL is a syntax error). `file_name` is used in messages only. Validates on success. */
CuspDeviceStatus cusp_device_def_parse (const char *text,
                                        size_t length,
                                        const char *file_name,
                                        CuspDeviceDef *out,
                                        CuspDeviceError *error);

/* Reads and parses one file (at most 1 MiB). */
CuspDeviceStatus cusp_device_def_load_file (const char *path,
                                            CuspDeviceDef *out,
                                            CuspDeviceError *error);

/* Loads every `*.device` file of each directory in `dirs` (NULL entries are skipped). A missing or
 * unreadable directory is reported as a problem too. Returns CUSP_DEVICE_OK when every file loaded,
 * else the status of the first problem; the good devices are loaded either way. */
CuspDeviceStatus cusp_device_library_load (CuspDeviceLibrary *library,
                                           const char *const *dirs,
                                           int dir_count);

/* Frees the arrays and zeroes the struct; NULL-safe. */
void cusp_device_library_clear (CuspDeviceLibrary *library);

/* The device with this id, or NULL. */
const CuspDeviceDef *cusp_device_library_find (const CuspDeviceLibrary *library, const char *id);

/* Where a measured annulus falls in a device's sizing chart. */
typedef enum {
  CUSP_SIZING_IN_RANGE = 0,
  CUSP_SIZING_ANNULUS_TOO_SMALL,     /* below sizing_min: the valve is too big */
  CUSP_SIZING_ANNULUS_TOO_LARGE      /* above sizing_max: the valve is too small */
} CuspSizingFit;

typedef struct {
  CuspSizingFit fit;
  double annulus_value;              /* the measurement the chart uses: area mm2 or perimeter mm */
  double area_oversizing_pct;        /* (pi d^2 / 4 / annulus area - 1) x 100 (DOMAIN.md 4) */
  double perimeter_oversizing_pct;   /* (pi d / annulus perimeter - 1) x 100 */
} CuspSizingCheck;

/* Checks a measured annulus (area mm2 and perimeter mm, both > 0, perimeter at least that of a
 * circle of that area) against the device's chart; the bounds are inclusive. */
CuspDeviceStatus cusp_device_sizing_check (const CuspDeviceDef *def, double annulus_area_mm2,
                                           double annulus_perimeter_mm, CuspSizingCheck *out,
                                           CuspDeviceError *error);

const char *cusp_device_family_to_string (CuspDeviceFamily family);   /* "balloon_expandable" ... */
const char *cusp_device_material_to_string (CuspMaterialKind kind);   /* "cobalt_chromium" ... */
const char *cusp_device_sizing_to_string (CuspSizingBasis sizing);    /* "area" | "perimeter" */

#ifdef __cplusplus
}
#endif
