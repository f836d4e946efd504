// SPDX-License-Identifier: GPL-3.0-or-later
// cusp-itk-io.cxx: the ITK bridge behind cusp-image-io.h. Reads DICOM (file or sorted series),
// NIfTI-1, NRRD and MetaImage into a CuspVolume and writes volumes back. Every exception stops
// here and becomes a GError; what ITK cannot catch (GDCM asserts) is why the application reads
// through the isolated reader process instead (cusp-study-loader.c).
//
// Memory: voxels are read straight into the type they will keep when the file's type allows it
// (int16 from 8/16-bit signed data, uint16 reinterpreted in place when it fits), and ITK's buffer
// is handed to the volume's GBytes without a copy. Only data that needs a type change (int32 or
// float that turns out to fit int16, uint16 above 32767) is converted into a second buffer.
#include "cusp-dicom-scan.h"
#include "cusp-error.h"
#include "cusp-image-io-private.h"

#include <itkGDCMImageIO.h>
#include <itkGDCMImageIOFactory.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkImageIOFactory.h>
#include <itkImageSeriesReader.h>
#include <itkImageSeriesWriter.h>
#include <itkImportImageFilter.h>
#include <itkMetaImageIOFactory.h>
#include <itkNiftiImageIOFactory.h>
#include <itkNrrdImageIOFactory.h>
#include <itkOutputWindow.h>
#include <gdcmTrace.h>
#include <gdcmUIDGenerator.h>

#include <glib/gstdio.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>
#include <utility>
#include <string>
#include <vector>

namespace {

using ShortImage = itk::Image<int16_t, 3>;
using UShortImage = itk::Image<uint16_t, 3>;
using FloatImage = itk::Image<float, 3>;

// How one read reports progress and where its voxels may go.
struct Reading {
  CuspImageProgressFunc func;
  void *data;
  CuspVoxelAllocator allocate;
  void *allocate_data;
  void report (double fraction, const char *message) const
  {
    if (func)
      func (CLAMP (fraction, 0.0, 1.0), message, data);
  }
};

void
setup_itk (void)
{
  static std::once_flag once;
  std::call_once (once, [] {
    itk::NiftiImageIOFactory::RegisterOneFactory ();
    itk::MetaImageIOFactory::RegisterOneFactory ();
    itk::NrrdImageIOFactory::RegisterOneFactory ();
    itk::GDCMImageIOFactory::RegisterOneFactory ();
    // ITK and GDCM chatter on stderr; problems that matter reach the user as errors or warnings.
    itk::Object::GlobalWarningDisplayOff ();
    gdcm::Trace::SetDebug (false);
    gdcm::Trace::SetWarning (false);
    gdcm::Trace::SetError (false);
  });
}

// Takes the pixel buffer away from an ITK image: ITK allocated it with new[], the GBytes frees it.
template <typename T>
GBytes *
steal_buffer (typename itk::Image<T, 3> *image)
{
  auto *container = image->GetPixelContainer ();
  T *pointer = container->GetImportPointer ();
  gsize count = container->Size ();
  container->SetContainerManageMemory (false);
  return g_bytes_new_with_free_func (pointer, count * sizeof (T),
                                     [] (gpointer p) { delete[] static_cast<T *> (p); }, pointer);
}

// Decoded voxels: an ITK image, whose buffer may be the caller's (then `external` owns it).
template <typename T>
struct Pixels {
  typename itk::Image<T, 3>::Pointer image;
  GBytes *external = nullptr;

  ~Pixels () { g_clear_pointer (&external, g_bytes_unref); }
  // The voxels as bytes, taken from whoever holds them.
  GBytes *take () { return external ? std::exchange (external, nullptr) : steal_buffer<T> (image); }
};

template <typename T>
void
copy_geometry (typename itk::Image<T, 3> *image, CuspVolume *volume)
{
  for (int a = 0; a < 3; a++)
    {
      volume->spacing_mm[a] = image->GetSpacing ()[a];
      volume->origin_mm[a] = image->GetOrigin ()[a];
      for (int c = 0; c < 3; c++)
        volume->direction[a * 3 + c] = image->GetDirection ()(a, c);
    }
}

// Converts a float buffer to int16 when every value is an integer that fits; else keeps float,
// replacing non-finite values by 0.
CuspVolume *
volume_from_float (FloatImage *image, const int dims[3], GError **error)
{
  auto *container = image->GetPixelContainer ();
  float *values = container->GetImportPointer ();
  gsize n = container->Size ();
  gsize non_finite = 0;
  bool fits_int16 = true;

  for (gsize i = 0; i < n; i++)
    {
      float v = values[i];
      if (!std::isfinite (v))
        {
          values[i] = 0.0f;
          non_finite++;
          fits_int16 = false;
        }
      else if (fits_int16 && (v != std::nearbyint (v) || v < -32768.0f || v > 32767.0f))
        fits_int16 = false;
    }

  CuspVolume *volume = nullptr;
  if (fits_int16)
    {
      int16_t *shorts = static_cast<int16_t *> (g_try_malloc (n * sizeof (int16_t)));
      if (shorts == nullptr)
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_OUT_OF_MEMORY, "Not enough memory to convert the voxels");
          return nullptr;
        }
      for (gsize i = 0; i < n; i++)
        shorts[i] = (int16_t) values[i];
      g_autoptr(GBytes) bytes = g_bytes_new_take (shorts, n * sizeof (int16_t));
      volume = cusp_volume_new_for_bytes (CUSP_VOXEL_INT16, dims, bytes, error);
    }
  else
    {
      g_autoptr(GBytes) bytes = steal_buffer<float> (image);
      volume = cusp_volume_new_for_bytes (CUSP_VOXEL_FLOAT32, dims, bytes, error);
    }
  if (volume && non_finite > 0)
    cusp_volume_add_warning (volume, "%" G_GSIZE_FORMAT " voxels were not numbers (NaN or infinite) and were set to 0.",
                             non_finite);
  if (volume)
    copy_geometry<float> (image, volume);
  return volume;
}

CuspVolume *
volume_from_ushort (Pixels<uint16_t> &pixels, const int dims[3], GError **error)
{
  UShortImage *image = pixels.image;
  auto *container = image->GetPixelContainer ();
  uint16_t *values = container->GetImportPointer ();
  gsize n = container->Size ();
  uint16_t max_value = 0;
  CuspVolume *volume;

  for (gsize i = 0; i < n; i++)
    max_value = MAX (max_value, values[i]);
  if (max_value <= 32767)
    {
      // Same bits, same size: reinterpret in place instead of copying.
      g_autoptr(GBytes) bytes = pixels.take ();
      volume = cusp_volume_new_for_bytes (CUSP_VOXEL_INT16, dims, bytes, error);
    }
  else
    {
      float *floats = static_cast<float *> (g_try_malloc (n * sizeof (float)));
      if (floats == nullptr)
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_OUT_OF_MEMORY, "Not enough memory to convert the voxels");
          return nullptr;
        }
      for (gsize i = 0; i < n; i++)
        floats[i] = values[i];
      g_autoptr(GBytes) bytes = g_bytes_new_take (floats, n * sizeof (float));
      volume = cusp_volume_new_for_bytes (CUSP_VOXEL_FLOAT32, dims, bytes, error);
    }
  if (volume)
    copy_geometry<uint16_t> (image, volume);
  return volume;
}

// Offers ITK the caller's buffer (the reader process: its shared voxel file) to decode into.
template <typename T>
void
provide_buffer (itk::Image<T, 3> *output, gsize count, const Reading &reading, Pixels<T> &pixels)
{
  GDestroyNotify free_func = nullptr;
  gpointer free_data = nullptr;
  void *buffer;

  if (reading.allocate == nullptr || count == 0)
    return;
  buffer = reading.allocate (count * sizeof (T), &free_func, &free_data, reading.allocate_data);
  if (buffer == nullptr)
    return;
  output->GetPixelContainer ()->SetImportPointer (static_cast<T *> (buffer), count, false);
  pixels.external = g_bytes_new_with_free_func (buffer, count * sizeof (T), free_func, free_data);
}

template <typename T, typename Reader>
void
run_reader (Reader *reader, gsize count, const Reading &progress, Pixels<T> &pixels)
{
  reader->AddObserver (itk::ProgressEvent (), [reader, &progress] (const itk::EventObject &) {
    progress.report (0.1 + 0.85 * reader->GetProgress (), "Reading voxels");
  });
  // Keep the buffer set below: by default ITK re-initialises outputs before an update.
  reader->ReleaseDataBeforeUpdateFlagOff ();
  provide_buffer<T> (reader->GetOutput (), count, progress, pixels);
  reader->Update ();
  pixels.image = reader->GetOutput ();
  pixels.image->DisconnectPipeline ();
  // ITK may have reallocated (a size we did not foresee): then the caller's buffer is unused.
  if (pixels.external && (const void *) pixels.image->GetBufferPointer () != g_bytes_get_data (pixels.external, nullptr))
    g_clear_pointer (&pixels.external, g_bytes_unref);
}

template <typename T>
void
read_pixels (itk::ImageIOBase *io, const std::vector<std::string> &files, const Reading &progress, Pixels<T> &pixels)
{
  using ImageType = itk::Image<T, 3>;
  gsize count = (gsize) io->GetDimensions (0) * io->GetDimensions (1);

  if (files.size () == 1)
    {
      auto reader = itk::ImageFileReader<ImageType>::New ();
      reader->SetImageIO (io);
      reader->SetFileName (files[0]);
      for (unsigned int d = 2; d < io->GetNumberOfDimensions (); d++)
        count *= io->GetDimensions (d);
      run_reader<T> (reader.GetPointer (), count, progress, pixels);
      return;
    }
  auto reader = itk::ImageSeriesReader<ImageType>::New ();
  reader->SetImageIO (io);
  reader->SetFileNames (files);
  run_reader<T> (reader.GetPointer (), count * files.size (), progress, pixels);
}

// Reads pixels in the narrowest type that holds the file's values and wraps them in a volume.
CuspVolume *
read_volume (itk::ImageIOBase *io, const std::vector<std::string> &files, const Reading &progress, GError **error)
{
  int dims[3];
  CuspVolume *volume = nullptr;

  switch (io->GetComponentType ())
    {
    case itk::IOComponentEnum::UCHAR:
    case itk::IOComponentEnum::CHAR:
    case itk::IOComponentEnum::SHORT:
      {
        Pixels<int16_t> pixels;
        read_pixels<int16_t> (io, files, progress, pixels);
        for (int a = 0; a < 3; a++)
          dims[a] = (int) pixels.image->GetLargestPossibleRegion ().GetSize ()[a];
        g_autoptr(GBytes) bytes = pixels.take ();
        volume = cusp_volume_new_for_bytes (CUSP_VOXEL_INT16, dims, bytes, error);
        if (volume)
          copy_geometry<int16_t> (pixels.image, volume);
        break;
      }
    case itk::IOComponentEnum::USHORT:
      {
        Pixels<uint16_t> pixels;
        read_pixels<uint16_t> (io, files, progress, pixels);
        for (int a = 0; a < 3; a++)
          dims[a] = (int) pixels.image->GetLargestPossibleRegion ().GetSize ()[a];
        volume = volume_from_ushort (pixels, dims, error);
        break;
      }
    default:
      {
        // Float data needs converting or checking anyway: let ITK allocate.
        Pixels<float> pixels;
        read_pixels<float> (io, files, Reading { progress.func, progress.data, nullptr, nullptr }, pixels);
        for (int a = 0; a < 3; a++)
          dims[a] = (int) pixels.image->GetLargestPossibleRegion ().GetSize ()[a];
        volume = volume_from_float (pixels.image, dims, error);
        break;
      }
    }
  return volume;
}

// Makes spacing, origin and direction usable whatever the header said.
void
sanitise_geometry (CuspVolume *volume)
{
  bool bad_spacing = false, bad_origin = false;
  for (int a = 0; a < 3; a++)
    {
      if (!(std::isfinite (volume->spacing_mm[a]) && volume->spacing_mm[a] > 0.0))
        {
          volume->spacing_mm[a] = 1.0;
          bad_spacing = true;
        }
      if (!std::isfinite (volume->origin_mm[a]))
        {
          volume->origin_mm[a] = 0.0;
          bad_origin = true;
        }
    }
  if (bad_spacing)
    cusp_volume_add_warning (volume, "The file gives no valid voxel spacing for some axes; 1 mm is assumed there, "
                                     "so sizes and distances are not real.");
  if (bad_origin)
    cusp_volume_add_warning (volume, "The file gives no valid image position; the origin is set to 0.");

  double worst = 0.0;
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 3; c++)
      {
        double sum = 0.0;
        for (int k = 0; k < 3; k++)
          sum += volume->direction[k * 3 + r] * volume->direction[k * 3 + c];
        double expected = r == c ? 1.0 : 0.0;
        worst = std::isfinite (sum) ? MAX (worst, std::fabs (sum - expected)) : 1.0;
      }
  if (worst > 1e-4)
    {
      std::memset (volume->direction, 0, sizeof volume->direction);
      for (int a = 0; a < 3; a++)
        volume->direction[a * 3 + a] = 1.0;
      volume->orientation_known = FALSE;
      cusp_volume_add_warning (volume, "The file's orientation is not a rotation (axes not perpendicular); "
                                       "the image is shown unrotated.");
    }
}

// Without a modality in the file, CT is recognised by its values: air near -1000 HU.
void
settle_modality (CuspVolume *volume, const CuspHeaderFacts &facts)
{
  double lo = 0.0, hi = 0.0;

  if (facts.modality_known)
    {
      volume->modality = facts.modality;
      volume->hounsfield = facts.modality == CUSP_MODALITY_CT;
      return;
    }
  cusp_volume_get_range (volume, &lo, &hi);
  if (volume->voxel_type == CUSP_VOXEL_INT16 && lo >= -1100.0 && lo <= -900.0 && hi >= 200.0)
    {
      volume->modality = CUSP_MODALITY_CT;
      volume->hounsfield = TRUE;
      cusp_volume_add_warning (volume, "The file does not say which modality it is; its values (%g to %g) look "
                                       "like CT Hounsfield units, so it is treated as CT.", lo, hi);
    }
  else
    {
      volume->modality = CUSP_MODALITY_OTHER;
      volume->hounsfield = FALSE;
    }
}

void
add_closing_warnings (CuspVolume *volume, bool was_2d, const char *pixel_note)
{
  if (was_2d)
    cusp_volume_add_warning (volume, "This is a single 2D image, shown as a one-slice volume.");
  if (pixel_note)
    cusp_volume_add_warning (volume, "%s", pixel_note);
  if (!volume->hounsfield)
    cusp_volume_add_warning (volume, "The values are not Hounsfield units (%s): thresholds meant for CT do not "
                                     "apply.", cusp_modality_to_string (volume->modality));
  if (!volume->orientation_known)
    cusp_volume_add_warning (volume, "The file does not record the patient orientation: the left/right and "
                                     "anterior/posterior labels may be wrong.");
}

// Checks the image's shape before decoding any voxel; fills the notes to report later.
bool
check_shape (itk::ImageIOBase *io, const char *path, bool *was_2d, const char **pixel_note, GError **error)
{
  unsigned int n = io->GetNumberOfDimensions ();
  *was_2d = false;
  *pixel_note = nullptr;

  if (n < 2)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_UNSUPPORTED, "“%s” is a one-dimensional signal, not an image", path);
      return false;
    }
  for (unsigned int d = 3; d < n; d++)
    if (io->GetDimensions (d) > 1)
      {
        g_set_error (error, CUSP_ERROR, CUSP_ERROR_UNSUPPORTED,
                     "“%s” is a %uD image (%zu volumes of %zu × %zu × %zu): Cusp reads 3D volumes only; "
                     "extract one time point first", path, n, io->GetDimensions (d), io->GetDimensions (0),
                     io->GetDimensions (1), io->GetDimensions (2));
        return false;
      }
  if (n == 2 || io->GetDimensions (2) <= 1)
    *was_2d = true;
  switch (io->GetPixelType ())
    {
    case itk::IOPixelEnum::SCALAR:
      break;
    case itk::IOPixelEnum::RGB:
    case itk::IOPixelEnum::RGBA:
      *pixel_note = "This is a colour image; it was converted to grey (luminance).";
      break;
    case itk::IOPixelEnum::COMPLEX:
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_UNSUPPORTED, "“%s” holds complex values, not an image Cusp can show",
                   path);
      return false;
    default:
      *pixel_note = "Each voxel holds several values; only their grey level is shown.";
      break;
    }
  if (io->GetComponentType () == itk::IOComponentEnum::UNKNOWNCOMPONENTTYPE)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_UNSUPPORTED, "“%s” has a voxel type Cusp cannot read", path);
      return false;
    }
  return true;
}

CuspVolume *
read_dicom (const char *path, const char *series_uid, const Reading &progress, GError **error)
{
  // The scan is the first tenth of the work.
  CuspImageProgressFunc scan_progress = [] (double f, const char *m, void *d) {
    static_cast<const Reading *> (d)->report (0.1 * f, m);
  };
  g_autoptr(GPtrArray) all = cusp_dicom_scan (path, scan_progress, (void *) &progress, error);
  if (all == nullptr)
    return nullptr;

  CuspDicomSeries *series = static_cast<CuspDicomSeries *> (all->pdata[0]);
  if (series_uid != nullptr)
    {
      series = nullptr;
      for (guint i = 0; i < all->len; i++)
        if (g_strcmp0 (static_cast<CuspDicomSeries *> (all->pdata[i])->info.uid, series_uid) == 0)
          series = static_cast<CuspDicomSeries *> (all->pdata[i]);
      if (series == nullptr)
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_NOT_FOUND, "“%s” holds no series with UID %s (it holds %u series)",
                       path, series_uid, all->len);
          return nullptr;
        }
    }
  if (series->files->len > 1 && series->info.dims[2] != (int) series->files->len)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_UNSUPPORTED,
                   "The series “%s” is made of several multi-frame files, which Cusp cannot stack", series->info.uid);
      return nullptr;
    }

  std::vector<std::string> files;
  for (guint i = 0; i < series->files->len; i++)
    files.emplace_back (static_cast<const char *> (series->files->pdata[i]));

  // No CanReadFile () here: it wants the "DICM" preamble, which older files lack although GDCM
  // parses them; ReadImageInformation () throws for anything it cannot handle.
  auto io = itk::GDCMImageIO::New ();
  io->SetFileName (files[0]);
  io->ReadImageInformation ();
  bool was_2d;
  const char *pixel_note;
  if (!check_shape (io, files[0].c_str (), &was_2d, &pixel_note, error))
    return nullptr;
  was_2d = was_2d && files.size () == 1;

  CuspVolume *volume = read_volume (io, files, progress, error);
  if (volume == nullptr)
    return nullptr;

  // The series reader's slice axis comes from the positions; ours is the slice normal, which
  // keeps the direction a rotation even for tilted stacks (the tilt is reported as a warning).
  if (files.size () > 1 && series->positions_known)
    {
      for (int r = 0; r < 3; r++)
        {
          volume->origin_mm[r] = series->origin_mm[r];
          volume->direction[r * 3 + 0] = series->row_dir[r];
          volume->direction[r * 3 + 1] = series->col_dir[r];
          volume->direction[r * 3 + 2] = series->normal[r];
        }
      if (series->slice_spacing_mm > 1e-6)
        volume->spacing_mm[2] = series->slice_spacing_mm;
    }
  volume->orientation_known = series->positions_known;
  volume->modality = g_strcmp0 (series->info.modality, "CT") == 0 ? CUSP_MODALITY_CT
                   : g_strcmp0 (series->info.modality, "MR") == 0 ? CUSP_MODALITY_MR : CUSP_MODALITY_OTHER;
  volume->hounsfield = series->hounsfield;
  volume->description = g_strdup (series->info.description);
  if (all->len > 1 && series_uid == nullptr)
    cusp_volume_add_warning (volume, "This folder holds %u image series; the largest, “%s” (%d × %d × %d), is shown. "
                                     "Pick another from the series list.", all->len, series->info.description,
                             series->info.dims[0], series->info.dims[1], series->info.dims[2]);
  for (guint i = 0; i < series->warnings->len; i++)
    cusp_volume_add_warning (volume, "%s", static_cast<const char *> (series->warnings->pdata[i]));
  sanitise_geometry (volume);
  add_closing_warnings (volume, was_2d, pixel_note);
  return volume;
}

CuspVolume *
read_file (const char *path, const Reading &progress, GError **error)
{
  CuspHeaderFacts facts;
  if (!cusp_image_sniff_header (path, &facts, error))
    return nullptr;

  itk::ImageIOBase::Pointer io = itk::ImageIOFactory::CreateImageIO (path, itk::IOFileModeEnum::ReadMode);
  if (io.IsNull ())
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "“%s” is not an image Cusp can read (DICOM, NIfTI-1, NRRD or MetaImage)", path);
      return nullptr;
    }
  if (dynamic_cast<itk::GDCMImageIO *> (io.GetPointer ()) != nullptr)
    return read_dicom (path, nullptr, progress, error);

  io->SetFileName (path);
  io->ReadImageInformation ();
  bool was_2d;
  const char *pixel_note;
  if (!check_shape (io, path, &was_2d, &pixel_note, error))
    return nullptr;
  progress.report (0.1, "Reading voxels");
  CuspVolume *volume = read_volume (io, { path }, progress, error);
  if (volume == nullptr)
    return nullptr;
  volume->orientation_known = facts.orientation_known;
  volume->description = g_path_get_basename (path);
  sanitise_geometry (volume);
  settle_modality (volume, facts);
  add_closing_warnings (volume, was_2d, pixel_note);
  return volume;
}

CuspVolume *
read_any (const char *path, const char *series_uid, const Reading &progress, GError **error)
{
  setup_itk ();
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return read_dicom (path, series_uid, progress, error);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_NOT_FOUND, "There is no file or folder “%s”", path);
      return nullptr;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "“%s” is not a regular file", path);
      return nullptr;
    }
  return read_file (path, progress, error);
}

// One line of an ITK exception, without the "ITK ERROR: Class(0x...): " noise in front.
std::string
exception_text (const itk::ExceptionObject &e)
{
  std::string text = e.GetDescription ();
  const std::string noise = "ITK ERROR: ";
  if (text.compare (0, noise.size (), noise) == 0)
    {
      size_t close = text.find ("): ");
      text = close != std::string::npos ? text.substr (close + 3) : text.substr (noise.size ());
    }
  for (char &c : text)
    if (c == '\n' || c == '\r')
      c = ' ';
  while (!text.empty () && text.back () == ' ')
    text.pop_back ();
  return text;
}

// --- writing -------------------------------------------------------------------------------

template <typename T>
typename itk::ImportImageFilter<T, 3>::Pointer
import_volume (const CuspVolume *volume)
{
  using Importer = itk::ImportImageFilter<T, 3>;
  auto importer = Importer::New ();
  typename Importer::SizeType size;
  typename Importer::IndexType start;
  itk::SpacePrecisionType origin[3], spacing[3];
  typename Importer::DirectionType direction;

  for (int a = 0; a < 3; a++)
    {
      size[a] = (itk::SizeValueType) volume->dims[a];
      start[a] = 0;
      origin[a] = volume->origin_mm[a];
      spacing[a] = volume->spacing_mm[a];
      for (int c = 0; c < 3; c++)
        direction (a, c) = volume->direction[a * 3 + c];
    }
  importer->SetRegion (typename Importer::RegionType (start, size));
  importer->SetOrigin (origin);
  importer->SetSpacing (spacing);
  importer->SetDirection (direction);
  // ITK never writes through this pointer when writing; it does not own it.
  importer->SetImportPointer (static_cast<T *> (volume->voxels), cusp_volume_voxel_count (volume), false);
  return importer;
}

template <typename T>
void
write_file (const CuspVolume *volume, const char *path)
{
  auto importer = import_volume<T> (volume);
  auto writer = itk::ImageFileWriter<itk::Image<T, 3>>::New ();
  writer->SetInput (importer->GetOutput ());
  writer->SetFileName (path);
  writer->Update ();
}

std::string
ds (double value)
{
  char text[17];
  cusp_format_dicom_ds (value, text);
  return text;
}

std::string
new_uid (void)
{
  gdcm::UIDGenerator generator;
  return generator.Generate ();
}

void
write_dicom (const CuspVolume *volume, const char *dir)
{
  using Image3 = itk::Image<int16_t, 3>;
  using Image2 = itk::Image<int16_t, 2>;
  const int slices = volume->dims[2];
  const char *modality = cusp_modality_to_string (volume->modality);
  const char *sop_class = volume->modality == CUSP_MODALITY_CT ? "1.2.840.10008.5.1.4.1.1.2"
                        : volume->modality == CUSP_MODALITY_MR ? "1.2.840.10008.5.1.4.1.1.4"
                        : "1.2.840.10008.5.1.4.1.1.7";       // CT / MR / Secondary Capture Image Storage
  const std::string study = new_uid (), series = new_uid (), frame = new_uid ();
  const double *d = volume->direction;
  std::string orientation = ds (d[0]) + "\\" + ds (d[3]) + "\\" + ds (d[6]) + "\\" +
                            ds (d[1]) + "\\" + ds (d[4]) + "\\" + ds (d[7]);
  std::vector<itk::MetaDataDictionary> dictionaries (slices);
  std::vector<itk::MetaDataDictionary *> pointers;
  std::vector<std::string> names;

  for (int k = 0; k < slices; k++)
    {
      itk::MetaDataDictionary &dict = dictionaries[k];
      double ijk[3] = { 0.0, 0.0, (double) k }, lps[3];
      cusp_volume_index_to_lps (volume, ijk, lps);
      auto put = [&dict] (const char *tag, const std::string &value) {
        itk::EncapsulateMetaData<std::string> (dict, tag, value);
      };
      put ("0008|0008", "DERIVED\\SECONDARY");
      put ("0008|0016", sop_class);
      put ("0008|0018", new_uid ());
      put ("0008|0060", modality);
      put ("0008|103e", volume->description ? std::string (volume->description).substr (0, 64) : "Cusp volume");
      put ("0010|0010", "Anonymous");
      put ("0010|0020", "CUSP");
      put ("0020|000d", study);
      put ("0020|000e", series);
      put ("0020|0052", frame);
      put ("0020|0013", std::to_string (k + 1));
      put ("0020|0032", ds (lps[0]) + "\\" + ds (lps[1]) + "\\" + ds (lps[2]));
      put ("0020|0037", orientation);
      put ("0028|0030", ds (volume->spacing_mm[1]) + "\\" + ds (volume->spacing_mm[0]));
      put ("0018|0050", ds (volume->spacing_mm[2]));
      put ("0018|0088", ds (volume->spacing_mm[2]));
      put ("0028|0004", "MONOCHROME2");
      put ("0028|1052", "0");
      put ("0028|1053", "1");
      if (volume->hounsfield)
        put ("0028|1054", "HU");
      pointers.push_back (&dict);
      g_autofree char *name = g_strdup_printf ("IM-%04d.dcm", k + 1);
      g_autofree char *file = g_build_filename (dir, name, nullptr);
      names.emplace_back (file);
    }

  auto importer = import_volume<int16_t> (volume);
  auto io = itk::GDCMImageIO::New ();
  io->KeepOriginalUIDOn ();
  auto writer = itk::ImageSeriesWriter<Image3, Image2>::New ();
  writer->SetInput (importer->GetOutput ());
  writer->SetImageIO (io);
  writer->SetFileNames (names);
  writer->SetMetaDataDictionaryArray (&pointers);
  writer->Update ();
}

bool
check_write_target (const CuspVolume *volume, const char *path, std::string &dicom_dir, GError **error)
{
  if (g_str_has_prefix (path, "dicom:"))
    {
      dicom_dir = path + strlen ("dicom:");
      if (dicom_dir.empty ())
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "“dicom:” needs a folder name after it");
          return false;
        }
      if (volume->voxel_type != CUSP_VOXEL_INT16)
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_UNSUPPORTED,
                       "Only int16 volumes can be written as DICOM; write float volumes as NIfTI, NRRD or MetaImage");
          return false;
        }
      if (g_mkdir_with_parents (dicom_dir.c_str (), 0755) != 0)
        {
          int saved = errno;
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "Could not create the folder “%s”: %s", dicom_dir.c_str (),
                       g_strerror (saved));
          return false;
        }
      return true;
    }

  g_autofree char *lower = g_ascii_strdown (path, -1);
  static const char *const suffixes[] = { ".nii", ".nii.gz", ".mha", ".mhd", ".nrrd", ".nhdr" };
  bool known = false;
  for (const char *suffix : suffixes)
    known = known || g_str_has_suffix (lower, suffix);
  if (!known)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "Cannot tell the format of “%s”: use .nii, .nii.gz, .mha, .mhd, .nrrd, .nhdr or dicom:FOLDER", path);
      return false;
    }
  // X.nii beside X.nii.gz confuses ITK's NIfTI reader (header of one, voxels of the other).
  std::string twin;
  if (g_str_has_suffix (lower, ".nii.gz"))
    twin = std::string (path, strlen (path) - 3);
  else if (g_str_has_suffix (lower, ".nii"))
    twin = std::string (path) + ".gz";
  if (!twin.empty () && g_file_test (twin.c_str (), G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "Refusing to write “%s” next to “%s”: NIfTI readers mix up the two; remove one first", path,
                   twin.c_str ());
      return false;
    }
  return true;
}

} // namespace

extern "C" CuspVolume *
cusp_image_read_into (const char *path, const char *series_uid, CuspImageProgressFunc progress, void *progress_data,
                      CuspVoxelAllocator allocate, void *allocate_data, GError **error)
{
  g_return_val_if_fail (path != nullptr, nullptr);
  g_return_val_if_fail (error == nullptr || *error == nullptr, nullptr);
  const Reading reporter = { progress, progress_data, allocate, allocate_data };

  try
    {
      CuspVolume *volume = read_any (path, series_uid, reporter, error);
      if (volume)
        reporter.report (1.0, "Done");
      return volume;
    }
  catch (const itk::ExceptionObject &e)
    {
      // ITK reports a failed buffer allocation as a plain exception; it is a memory problem.
      std::string text = exception_text (e);
      bool memory = text.find ("allocate memory") != std::string::npos;
      g_set_error (error, CUSP_ERROR, memory ? CUSP_ERROR_OUT_OF_MEMORY : CUSP_ERROR_INVALID_INPUT,
                   "Could not read “%s”: %s%s", path, text.c_str (),
                   memory ? " (the file may claim an impossible image size)" : "");
    }
  catch (const std::bad_alloc &)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_OUT_OF_MEMORY,
                   "Not enough memory to read “%s” (the file may claim an impossible image size)", path);
    }
  catch (const std::exception &e)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "Could not read “%s”: %s", path, e.what ());
    }
  catch (...)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "Could not read “%s”", path);
    }
  return nullptr;
}

extern "C" CuspVolume *
cusp_image_read_with_progress (const char *path, const char *series_uid, CuspImageProgressFunc progress,
                               void *progress_data, GError **error)
{
  return cusp_image_read_into (path, series_uid, progress, progress_data, nullptr, nullptr, error);
}

extern "C" CuspVolume *
cusp_image_read_in_process (const char *path, const char *series_uid, GError **error)
{
  return cusp_image_read_with_progress (path, series_uid, nullptr, nullptr, error);
}

extern "C" GPtrArray *
cusp_image_scan_in_process (const char *path, GError **error)
{
  g_return_val_if_fail (path != nullptr, nullptr);

  setup_itk ();
  if (g_file_test (path, G_FILE_TEST_IS_DIR) || cusp_image_format_from_name (path) == CUSP_IMAGE_FORMAT_DICOM)
    {
      g_autoptr(GPtrArray) found = cusp_dicom_scan (path, nullptr, nullptr, error);
      if (found == nullptr)
        return nullptr;
      GPtrArray *infos = g_ptr_array_new_with_free_func ((GDestroyNotify) cusp_series_info_free);
      for (guint i = 0; i < found->len; i++)
        g_ptr_array_add (infos, cusp_series_info_copy (&static_cast<CuspDicomSeries *> (found->pdata[i])->info));
      return infos;
    }

  // A plain file is one series: read its header only.
  CuspHeaderFacts facts;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_NOT_FOUND, "There is no file or folder “%s”", path);
      return nullptr;
    }
  if (!cusp_image_sniff_header (path, &facts, error))
    return nullptr;
  try
    {
      itk::ImageIOBase::Pointer io = itk::ImageIOFactory::CreateImageIO (path, itk::IOFileModeEnum::ReadMode);
      if (io.IsNull ())
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                       "“%s” is not an image Cusp can read (DICOM, NIfTI-1, NRRD or MetaImage)", path);
          return nullptr;
        }
      io->SetFileName (path);
      io->ReadImageInformation ();
      CuspSeriesInfo *info = g_new0 (CuspSeriesInfo, 1);
      info->uid = g_path_get_basename (path);
      info->description = g_path_get_basename (path);
      info->modality = g_strdup (facts.modality_known ? cusp_modality_to_string (facts.modality) : "OT");
      for (unsigned int a = 0; a < 3; a++)
        info->dims[a] = a < io->GetNumberOfDimensions () ? (int) io->GetDimensions (a) : 1;
      info->file_count = 1;
      GPtrArray *infos = g_ptr_array_new_with_free_func ((GDestroyNotify) cusp_series_info_free);
      g_ptr_array_add (infos, info);
      return infos;
    }
  catch (const itk::ExceptionObject &e)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "Could not read “%s”: %s", path,
                   exception_text (e).c_str ());
    }
  catch (...)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "Could not read “%s”", path);
    }
  return nullptr;
}

extern "C" gboolean
cusp_image_write (const CuspVolume *volume, const char *path, GError **error)
{
  g_return_val_if_fail (volume != nullptr, FALSE);
  g_return_val_if_fail (path != nullptr, FALSE);

  setup_itk ();
  try
    {
      std::string dicom_dir;
      if (!check_write_target (volume, path, dicom_dir, error))
        return FALSE;
      if (!dicom_dir.empty ())
        write_dicom (volume, dicom_dir.c_str ());
      else if (volume->voxel_type == CUSP_VOXEL_INT16)
        write_file<int16_t> (volume, path);
      else
        write_file<float> (volume, path);
      return TRUE;
    }
  catch (const itk::ExceptionObject &e)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "Could not write “%s”: %s", path, exception_text (e).c_str ());
    }
  catch (const std::bad_alloc &)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_OUT_OF_MEMORY, "Not enough memory to write “%s”", path);
    }
  catch (const std::exception &e)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "Could not write “%s”: %s", path, e.what ());
    }
  catch (...)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_FAILED, "Could not write “%s”", path);
    }
  return FALSE;
}
