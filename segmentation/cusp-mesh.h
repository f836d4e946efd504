/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-mesh.h: triangle surfaces of labelled regions (lumen, calcium) for the 3D view and export.
 *
 * Built in cusp-vtk-mesh.cxx with VTK: flying edges on the label mask, windowed-sinc smoothing,
 * quadric decimation. The result is a plain struct so renderers and tests never see VTK. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "cusp-volume.h"

G_BEGIN_DECLS

typedef struct {
  guint vertex_count;
  guint triangle_count;
  float *positions_mm;      /* 3 * vertex_count, LPS millimetres */
  float *normals;           /* 3 * vertex_count, unit, pointing out of the region */
  uint32_t *indices;        /* 3 * triangle_count, counter-clockwise seen from outside */
} CuspMesh;

typedef struct {
  int label_min, label_max;     /* voxels with label_min <= value <= label_max are inside */
  int smoothing_iterations;     /* windowed-sinc iterations; 0: no smoothing */
  double smoothing_passband;    /* windowed-sinc pass band, (0, 2); smaller = smoother */
  double target_reduction;      /* fraction of triangles decimation removes, [0, 1) */
} CuspMeshOptions;

/* Lumen defaults: 20 iterations, pass band 0.05, 50 % decimation. Decimation also keeps any
 * surface to 16000 triangles at most (what a software rasteriser draws in time). */
CuspMeshOptions cusp_mesh_options_default (int label_min, int label_max);

/* Surface of the labelled region. A region with no voxel gives an empty mesh (0 triangles), not
 * an error; NULL + error only when VTK fails or memory runs out. */
CuspMesh *cusp_mesh_from_labels     (const CuspVolume      *labels,
                                     const CuspMeshOptions *options,
                                     GError               **error);
/* Enclosed volume by the divergence theorem (mm3); meaningful for closed surfaces. */
double    cusp_mesh_enclosed_volume (const CuspMesh *mesh);
/* Writes by extension: .stl (binary), .obj, .vtp. An empty mesh is refused with a message. */
gboolean  cusp_mesh_export          (const CuspMesh *mesh,
                                     const char     *path,
                                     GError        **error);
/* A deep copy (NULL for NULL). */
CuspMesh *cusp_mesh_copy            (const CuspMesh *mesh);
void      cusp_mesh_free            (CuspMesh *mesh);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspMesh, cusp_mesh_free)

G_END_DECLS
