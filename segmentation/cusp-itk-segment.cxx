// SPDX-License-Identifier: GPL-3.0-or-later
// cusp-itk-segment.cxx: ITK distance maps, connected components and smoothing behind a C API.
//
// The buffers are wrapped without copying (ImportImageContainer with no ownership) and every
// filter runs inside a try block, so no C++ exception ever crosses into C.
#include "cusp-itk-segment.h"
#include "cusp-error.h"

#include <itkConnectedComponentImageFilter.h>
#include <itkImage.h>
#include <itkImportImageFilter.h>
#include <itkSignedMaurerDistanceMapImageFilter.h>
#include <itkSmoothingRecursiveGaussianImageFilter.h>

#include <cstring>
#include <exception>

namespace {

template <typename TPixel>
typename itk::Image<TPixel, 3>::Pointer
wrap (const TPixel *buffer, const int dims[3], const double spacing_mm[3])
{
  using Image = itk::Image<TPixel, 3>;
  using Importer = itk::ImportImageFilter<TPixel, 3>;
  auto importer = Importer::New ();
  typename Importer::SizeType size;
  typename Importer::IndexType start;
  double spacing[3], origin[3] = { 0, 0, 0 };
  for (int a = 0; a < 3; a++)
    {
      size[a] = (itk::SizeValueType) dims[a];
      start[a] = 0;
      spacing[a] = spacing_mm[a];
    }
  typename Importer::RegionType region (start, size);
  importer->SetRegion (region);
  importer->SetSpacing (spacing);
  importer->SetOrigin (origin);
  const itk::SizeValueType count = size[0] * size[1] * size[2];
  // The importer never writes through this pointer: the filters read it as their input.
  importer->SetImportPointer (const_cast<TPixel *> (buffer), count, false);
  importer->Update ();
  typename Image::Pointer image = importer->GetOutput ();
  image->DisconnectPipeline ();
  return image;
}

gsize
voxel_count (const int dims[3])
{
  return (gsize) dims[0] * dims[1] * dims[2];
}

void
set_exception_error (GError **error, const char *what_failed, const std::exception &e)
{
  g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "%s failed: %s", what_failed, e.what ());
}

} // namespace

extern "C" gboolean
cusp_itk_signed_distance (const guint8 *mask, const int dims[3], const double spacing_mm[3],
                          float *distance_mm, GError **error)
{
  try
    {
      using Mask = itk::Image<guint8, 3>;
      using Distance = itk::Image<float, 3>;
      auto input = wrap<guint8> (mask, dims, spacing_mm);
      auto filter = itk::SignedMaurerDistanceMapImageFilter<Mask, Distance>::New ();
      filter->SetInput (input);
      filter->SetUseImageSpacing (true);
      filter->SetSquaredDistance (false);
      filter->SetInsideIsPositive (true);
      filter->SetBackgroundValue (0);
      filter->Update ();
      std::memcpy (distance_mm, filter->GetOutput ()->GetBufferPointer (),
                   voxel_count (dims) * sizeof (float));
      return TRUE;
    }
  catch (const std::exception &e)
    {
      set_exception_error (error, "The distance map", e);
      return FALSE;
    }
}

extern "C" int
cusp_itk_label_components (const guint8 *mask, const int dims[3], int32_t *labels, GError **error)
{
  try
    {
      using Mask = itk::Image<guint8, 3>;
      using Labels = itk::Image<int32_t, 3>;
      const double unit[3] = { 1, 1, 1 };
      auto input = wrap<guint8> (mask, dims, unit);
      auto filter = itk::ConnectedComponentImageFilter<Mask, Labels>::New ();
      filter->SetInput (input);
      filter->SetFullyConnected (true);
      filter->SetBackgroundValue (0);
      filter->Update ();
      std::memcpy (labels, filter->GetOutput ()->GetBufferPointer (),
                   voxel_count (dims) * sizeof (int32_t));
      return (int) filter->GetObjectCount ();
    }
  catch (const std::exception &e)
    {
      set_exception_error (error, "Connected-component labelling", e);
      return -1;
    }
}

extern "C" gboolean
cusp_itk_gaussian_smooth (float *values, const int dims[3], const double spacing_mm[3],
                          double sigma_mm, GError **error)
{
  try
    {
      using Image = itk::Image<float, 3>;
      auto input = wrap<float> (values, dims, spacing_mm);
      auto filter = itk::SmoothingRecursiveGaussianImageFilter<Image, Image>::New ();
      filter->SetInput (input);
      filter->SetSigma (sigma_mm);
      filter->Update ();
      std::memcpy (values, filter->GetOutput ()->GetBufferPointer (),
                   voxel_count (dims) * sizeof (float));
      return TRUE;
    }
  catch (const std::exception &e)
    {
      set_exception_error (error, "Smoothing", e);
      return FALSE;
    }
}
