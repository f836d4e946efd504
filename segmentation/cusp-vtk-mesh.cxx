// SPDX-License-Identifier: GPL-3.0-or-later
// cusp-vtk-mesh.cxx: label mask -> flying edges -> windowed sinc -> quadric decimation -> CuspMesh,
// and STL / OBJ / VTP export. VTK error events are caught by an observer and become GErrors.
#include "cusp-mesh.h"
#include "cusp-error.h"

#include <vtkCallbackCommand.h>
#include <vtkCellArray.h>
#include <vtkCommand.h>
#include <vtkFlyingEdges3D.h>
#include <vtkFloatArray.h>
#include <vtkIdList.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkOBJWriter.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataNormals.h>
#include <vtkQuadricDecimation.h>
#include <vtkSTLWriter.h>
#include <vtkSmartPointer.h>
#include <vtkTriangleFilter.h>
#include <vtkUnsignedCharArray.h>
#include <vtkWindowedSincPolyDataFilter.h>
#include <vtkXMLPolyDataWriter.h>

#include <cmath>
#include <exception>
#include <string>

namespace {

// Collects the first error a VTK algorithm reports instead of letting it print to stderr only.
struct ErrorTrap
{
  std::string message;
  vtkNew<vtkCallbackCommand> command;

  ErrorTrap ()
  {
    command->SetClientData (this);
    command->SetCallback ([] (vtkObject *, unsigned long, void *client, void *call_data) {
      auto *trap = static_cast<ErrorTrap *> (client);
      if (trap->message.empty ())
        trap->message = call_data != nullptr ? static_cast<const char *> (call_data) : "unknown VTK error";
    });
  }
  void watch (vtkObject *object) { object->AddObserver (vtkCommand::ErrorEvent, command); }
  bool failed (GError **error, const char *what)
  {
    if (message.empty ())
      return false;
    g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "%s failed: %s", what, message.c_str ());
    return true;
  }
};

bool
in_range (const CuspVolume *labels, gsize index, const CuspMeshOptions *options)
{
  double value = labels->voxel_type == CUSP_VOXEL_INT16
                   ? ((const int16_t *) labels->voxels)[index]
                   : ((const float *) labels->voxels)[index];
  return value >= options->label_min && value <= options->label_max;
}

CuspMesh *
empty_mesh ()
{
  return g_new0 (CuspMesh, 1);
}

double
determinant3 (const double m[9])
{
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
         + m[2] * (m[3] * m[7] - m[4] * m[6]);
}

// Polydata in LPS from a CuspMesh, for the writers.
vtkSmartPointer<vtkPolyData>
to_polydata (const CuspMesh *mesh)
{
  vtkNew<vtkPoints> points;
  points->SetDataTypeToFloat ();
  points->SetNumberOfPoints (mesh->vertex_count);
  for (guint v = 0; v < mesh->vertex_count; v++)
    points->SetPoint (v, mesh->positions_mm[3 * v], mesh->positions_mm[3 * v + 1],
                      mesh->positions_mm[3 * v + 2]);
  vtkNew<vtkFloatArray> normals;
  normals->SetName ("Normals");
  normals->SetNumberOfComponents (3);
  normals->SetNumberOfTuples (mesh->vertex_count);
  for (guint v = 0; v < mesh->vertex_count; v++)
    normals->SetTypedTuple (v, mesh->normals + 3 * v);
  vtkNew<vtkCellArray> polys;
  for (guint t = 0; t < mesh->triangle_count; t++)
    {
      vtkIdType ids[3] = { mesh->indices[3 * t], mesh->indices[3 * t + 1], mesh->indices[3 * t + 2] };
      polys->InsertNextCell (3, ids);
    }
  auto polydata = vtkSmartPointer<vtkPolyData>::New ();
  polydata->SetPoints (points);
  polydata->SetPolys (polys);
  polydata->GetPointData ()->SetNormals (normals);
  return polydata;
}

// The fraction decimation removes: the caller's, or more when the surface would otherwise keep
// over MAX_TRIANGLES. The 3D view draws the translucent lumen in two passes and a software
// rasteriser pays per triangle: the demo phantom's fine grid gave 52k triangles at 50 %, whose
// translucent pass took 22-25 ms a frame on llvmpipe (the real CT's lumen has 6.9k). Quadric
// decimation keeps its triangles where the curvature is, so a root stays smooth at this budget
// (tests/bench/results/interaction.txt says what the screenshots showed).
constexpr double MAX_TRIANGLES = 16000.0;

double
decimation_reduction (double requested, vtkIdType triangle_count)
{
  double reduction = CLAMP (requested, 0.0, 0.95);
  if (triangle_count > MAX_TRIANGLES)
    reduction = MAX (reduction, 1.0 - MAX_TRIANGLES / (double) triangle_count);
  return CLAMP (reduction, 0.0, 0.95);
}

} // namespace

extern "C" CuspMeshOptions
cusp_mesh_options_default (int label_min, int label_max)
{
  CuspMeshOptions options = { label_min, label_max, 20, 0.05, 0.5 };
  return options;
}

extern "C" CuspMesh *
cusp_mesh_from_labels (const CuspVolume *labels, const CuspMeshOptions *options, GError **error)
{
  g_return_val_if_fail (labels != NULL && options != NULL, NULL);

  // Bounding box of the region first: the surface of a root inside a whole-chest grid only needs
  // the few percent of voxels around it.
  int lo[3] = { labels->dims[0], labels->dims[1], labels->dims[2] }, hi[3] = { -1, -1, -1 };
  gsize index = 0;
  for (int k = 0; k < labels->dims[2]; k++)
    for (int j = 0; j < labels->dims[1]; j++)
      for (int i = 0; i < labels->dims[0]; i++, index++)
        if (in_range (labels, index, options))
          {
            const int ijk[3] = { i, j, k };
            for (int a = 0; a < 3; a++)
              {
                lo[a] = MIN (lo[a], ijk[a]);
                hi[a] = MAX (hi[a], ijk[a]);
              }
          }
  if (hi[0] < 0)
    return empty_mesh ();

  try
    {
      // One voxel of background on every side so the surface is closed where the region touches
      // the image border.
      int box[3];
      for (int a = 0; a < 3; a++)
        {
          lo[a] -= 1;
          hi[a] += 1;
          box[a] = hi[a] - lo[a] + 1;
        }
      vtkNew<vtkImageData> image;
      image->SetDimensions (box);
      image->SetSpacing (labels->spacing_mm);
      image->SetOrigin (lo[0] * labels->spacing_mm[0], lo[1] * labels->spacing_mm[1],
                        lo[2] * labels->spacing_mm[2]);
      vtkNew<vtkUnsignedCharArray> scalars;
      scalars->SetNumberOfTuples ((vtkIdType) box[0] * box[1] * box[2]);
      unsigned char *out = scalars->GetPointer (0);
      gsize o = 0;
      for (int k = lo[2]; k <= hi[2]; k++)
        for (int j = lo[1]; j <= hi[1]; j++)
          for (int i = lo[0]; i <= hi[0]; i++, o++)
            {
              gboolean inside = i >= 0 && j >= 0 && k >= 0 && i < labels->dims[0]
                                && j < labels->dims[1] && k < labels->dims[2]
                                && in_range (labels, ((gsize) k * labels->dims[1] + j) * labels->dims[0] + i,
                                             options);
              out[o] = inside ? 1 : 0;
            }
      image->GetPointData ()->SetScalars (scalars);

      ErrorTrap trap;
      vtkNew<vtkFlyingEdges3D> contour;
      trap.watch (contour);
      contour->SetInputData (image);
      contour->SetValue (0, 0.5);
      contour->ComputeNormalsOff ();
      contour->ComputeGradientsOff ();
      contour->ComputeScalarsOff ();
      contour->Update ();
      if (trap.failed (error, "Surface extraction"))
        return nullptr;

      vtkSmartPointer<vtkPolyData> surface = contour->GetOutput ();
      if (options->smoothing_iterations > 0 && surface->GetNumberOfPolys () > 0)
        {
          vtkNew<vtkWindowedSincPolyDataFilter> smooth;
          trap.watch (smooth);
          smooth->SetInputData (surface);
          smooth->SetNumberOfIterations (options->smoothing_iterations);
          smooth->SetPassBand (options->smoothing_passband);
          smooth->BoundarySmoothingOff ();
          smooth->FeatureEdgeSmoothingOff ();
          smooth->NonManifoldSmoothingOn ();
          smooth->NormalizeCoordinatesOn ();
          smooth->Update ();
          if (trap.failed (error, "Surface smoothing"))
            return nullptr;
          surface = smooth->GetOutput ();
        }
      const double reduction = decimation_reduction (options->target_reduction, surface->GetNumberOfPolys ());
      if (reduction > 0 && surface->GetNumberOfPolys () > 64)
        {
          vtkNew<vtkTriangleFilter> triangles;
          triangles->SetInputData (surface);
          vtkNew<vtkQuadricDecimation> decimate;
          trap.watch (decimate);
          decimate->SetInputConnection (triangles->GetOutputPort ());
          decimate->SetTargetReduction (reduction);
          decimate->VolumePreservationOn ();
          decimate->Update ();
          if (trap.failed (error, "Surface decimation"))
            return nullptr;
          surface = decimate->GetOutput ();
        }
      vtkNew<vtkPolyDataNormals> normals;
      trap.watch (normals);
      normals->SetInputData (surface);
      normals->SplittingOff ();
      normals->ConsistencyOn ();
      normals->AutoOrientNormalsOn ();
      normals->ComputePointNormalsOn ();
      normals->Update ();
      if (trap.failed (error, "Surface normals"))
        return nullptr;
      vtkPolyData *result = normals->GetOutput ();

      const vtkIdType vertex_count = result->GetNumberOfPoints ();
      const vtkIdType triangle_count = result->GetNumberOfPolys ();
      if (vertex_count == 0 || triangle_count == 0)
        return empty_mesh ();
      if ((guint64) vertex_count > G_MAXUINT32 || (guint64) triangle_count > G_MAXUINT32 / 3)
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "The surface is too large (%lld triangles)",
                       (long long) triangle_count);
          return nullptr;
        }
      CuspMesh *mesh = g_new0 (CuspMesh, 1);
      mesh->vertex_count = (guint) vertex_count;
      mesh->positions_mm = (float *) g_try_malloc (sizeof (float) * 3 * vertex_count);
      mesh->normals = (float *) g_try_malloc (sizeof (float) * 3 * vertex_count);
      mesh->indices = (uint32_t *) g_try_malloc (sizeof (uint32_t) * 3 * triangle_count);
      if (mesh->positions_mm == nullptr || mesh->normals == nullptr || mesh->indices == nullptr)
        {
          cusp_mesh_free (mesh);
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_OUT_OF_MEMORY, "Not enough memory for the surface");
          return nullptr;
        }

      // Index-aligned millimetres -> LPS: p = origin + D p'. Normals rotate with D; a mirroring
      // direction (det < 0) reverses the winding so triangles stay counter-clockwise outside.
      const double *D = labels->direction;
      const gboolean mirrored = determinant3 (D) < 0;
      vtkDataArray *point_normals = result->GetPointData ()->GetNormals ();
      for (vtkIdType v = 0; v < vertex_count; v++)
        {
          double p[3], n[3] = { 0, 0, 1 };
          result->GetPoint (v, p);
          if (point_normals != nullptr)
            point_normals->GetTuple (v, n);
          for (int r = 0; r < 3; r++)
            {
              mesh->positions_mm[3 * v + r] = (float) (labels->origin_mm[r] + D[3 * r] * p[0]
                                                       + D[3 * r + 1] * p[1] + D[3 * r + 2] * p[2]);
              mesh->normals[3 * v + r] = (float) (D[3 * r] * n[0] + D[3 * r + 1] * n[1] + D[3 * r + 2] * n[2]);
            }
        }
      vtkCellArray *polys = result->GetPolys ();
      vtkNew<vtkIdList> ids;
      guint t = 0;
      polys->InitTraversal ();
      while (polys->GetNextCell (ids) && t < (guint) triangle_count)
        {
          if (ids->GetNumberOfIds () != 3)
            continue;
          mesh->indices[3 * t] = (uint32_t) ids->GetId (0);
          mesh->indices[3 * t + 1] = (uint32_t) ids->GetId (mirrored ? 2 : 1);
          mesh->indices[3 * t + 2] = (uint32_t) ids->GetId (mirrored ? 1 : 2);
          t++;
        }
      mesh->triangle_count = t;
      return mesh;
    }
  catch (const std::exception &e)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "Surface extraction failed: %s", e.what ());
      return nullptr;
    }
}

extern "C" double
cusp_mesh_enclosed_volume (const CuspMesh *mesh)
{
  double volume = 0;
  for (guint t = 0; t < mesh->triangle_count; t++)
    {
      const float *a = mesh->positions_mm + 3 * mesh->indices[3 * t];
      const float *b = mesh->positions_mm + 3 * mesh->indices[3 * t + 1];
      const float *c = mesh->positions_mm + 3 * mesh->indices[3 * t + 2];
      volume += (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0])
                 + a[2] * (b[0] * c[1] - b[1] * c[0])) / 6.0;          // signed tetrahedron to origin
    }
  return volume;
}

extern "C" gboolean
cusp_mesh_export (const CuspMesh *mesh, const char *path, GError **error)
{
  g_return_val_if_fail (mesh != NULL && path != NULL, FALSE);

  // vtkSTLWriter logs "No data to write!" and returns without a file for an empty mesh: refuse
  // here with a message instead.
  if (mesh->triangle_count == 0)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The surface is empty: there is nothing to export to %s", path);
      return FALSE;
    }
  g_autofree char *lower = g_ascii_strdown (path, -1);
  try
    {
      vtkSmartPointer<vtkPolyData> polydata = to_polydata (mesh);
      ErrorTrap trap;
      int ok = 0;
      if (g_str_has_suffix (lower, ".stl"))
        {
          vtkNew<vtkSTLWriter> writer;
          trap.watch (writer);
          writer->SetFileName (path);
          writer->SetFileTypeToBinary ();
          writer->SetInputData (polydata);
          ok = writer->Write ();
        }
      else if (g_str_has_suffix (lower, ".obj"))
        {
          vtkNew<vtkOBJWriter> writer;
          trap.watch (writer);
          writer->SetFileName (path);
          writer->SetInputData (polydata);
          ok = writer->Write ();
        }
      else if (g_str_has_suffix (lower, ".vtp"))
        {
          vtkNew<vtkXMLPolyDataWriter> writer;
          trap.watch (writer);
          writer->SetFileName (path);
          writer->SetDataModeToBinary ();
          writer->SetInputData (polydata);
          ok = writer->Write ();
        }
      else
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_UNSUPPORTED,
                       "Cannot export a surface to %s: use a .stl, .obj or .vtp file name", path);
          return FALSE;
        }
      if (trap.failed (error, "Writing the surface"))
        return FALSE;
      if (ok != 1 || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "Could not write the surface to %s", path);
          return FALSE;
        }
      return TRUE;
    }
  catch (const std::exception &e)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "Writing %s failed: %s", path, e.what ());
      return FALSE;
    }
}

extern "C" CuspMesh *
cusp_mesh_copy (const CuspMesh *mesh)
{
  if (mesh == nullptr)
    return nullptr;
  CuspMesh *copy = g_new0 (CuspMesh, 1);
  copy->vertex_count = mesh->vertex_count;
  copy->triangle_count = mesh->triangle_count;
  copy->positions_mm = (float *) g_memdup2 (mesh->positions_mm, 3 * sizeof (float) * (gsize) mesh->vertex_count);
  copy->normals = (float *) g_memdup2 (mesh->normals, 3 * sizeof (float) * (gsize) mesh->vertex_count);
  copy->indices = (uint32_t *) g_memdup2 (mesh->indices, 3 * sizeof (uint32_t) * (gsize) mesh->triangle_count);
  return copy;
}

void
cusp_mesh_free (CuspMesh *mesh)
{
  if (mesh == nullptr)
    return;
  g_free (mesh->positions_mm);
  g_free (mesh->normals);
  g_free (mesh->indices);
  g_free (mesh);
}
