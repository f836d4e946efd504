// SPDX-License-Identifier: GPL-3.0-or-later
// cusp-dicom-scan.cxx: list DICOM series with GDCM's header scanner, sort slices along the slice
// normal, and turn geometry problems (tilt, gaps, uneven spacing, stacked frames) into warnings.
//
// Why our own scan instead of itk::GDCMSeriesFileNames: we need the per-slice positions anyway to
// detect gantry tilt and missing slices, and a series list with modality and description for the
// user to pick from. Only headers are read here; pixel decoding happens in cusp-itk-io.cxx.
#include "cusp-dicom-scan.h"
#include "cusp-error.h"

#include <gdcmScanner.h>
#include <gdcmTrace.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <new>
#include <string>
#include <vector>

namespace {

const gdcm::Tag kSeriesUid (0x0020, 0x000e);
const gdcm::Tag kSeriesDescription (0x0008, 0x103e);
const gdcm::Tag kModality (0x0008, 0x0060);
const gdcm::Tag kRows (0x0028, 0x0010);
const gdcm::Tag kColumns (0x0028, 0x0011);
const gdcm::Tag kPosition (0x0020, 0x0032);
const gdcm::Tag kOrientation (0x0020, 0x0037);
const gdcm::Tag kFrames (0x0028, 0x0008);
const gdcm::Tag kGantryTilt (0x0018, 0x1120);
const gdcm::Tag kInstanceNumber (0x0020, 0x0013);

constexpr int kMaxDepth = 16;            // folder recursion limit: protects against symlink loops
constexpr size_t kScanChunk = 64;        // files per scanner pass, so progress moves

struct Slice {
  std::string file;
  std::string uid;
  std::string description;
  std::string modality;
  int rows = 0, columns = 0, frames = 1, instance = 0;
  bool has_position = false, has_orientation = false;
  double position[3] = { 0, 0, 0 };
  double orientation[6] = { 1, 0, 0, 0, 1, 0 };
  double gantry_tilt_deg = 0.0;
  double distance_mm = 0.0;               // position projected on the slice normal
};

std::string
trimmed (const char *value)
{
  if (value == nullptr)
    return std::string ();
  std::string s (value);
  size_t end = s.find_last_not_of (std::string (" \t\r\n\0", 5));
  if (end == std::string::npos)
    return std::string ();
  size_t start = s.find_first_not_of (" \t");
  return s.substr (start, end - start + 1);
}

// Parses a backslash-separated decimal string (DS) into exactly `count` finite numbers.
bool
parse_ds (const char *value, double *out, int count)
{
  if (value == nullptr)
    return false;
  const char *p = value;
  for (int n = 0; n < count; n++)
    {
      char *end = nullptr;
      while (*p == ' ')
        p++;
      out[n] = g_ascii_strtod (p, &end);
      if (end == p || !std::isfinite (out[n]))
        return false;
      p = end;
      while (*p == ' ')
        p++;
      if (n + 1 < count)
        {
          if (*p != '\\')
            return false;
          p++;
        }
    }
  return true;
}

int
parse_int (const char *value, int fallback)
{
  std::string s = trimmed (value);
  if (s.empty ())
    return fallback;
  char *end = nullptr;
  gint64 v = g_ascii_strtoll (s.c_str (), &end, 10);
  if (end == s.c_str () || v < G_MININT32 || v > G_MAXINT32)
    return fallback;
  return (int) v;
}

void
cross (const double a[3], const double b[3], double out[3])
{
  out[0] = a[1] * b[2] - a[2] * b[1];
  out[1] = a[2] * b[0] - a[0] * b[2];
  out[2] = a[0] * b[1] - a[1] * b[0];
}

double
dot (const double a[3], const double b[3])
{
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

bool
normalise (double v[3])
{
  double n = std::sqrt (dot (v, v));
  if (!(n > 1e-6))
    return false;
  for (int a = 0; a < 3; a++)
    v[a] /= n;
  return true;
}

void
collect_files (const std::string &dir, int depth, std::vector<std::string> &files)
{
  if (depth > kMaxDepth)
    return;
  GDir *d = g_dir_open (dir.c_str (), 0, nullptr);
  if (d == nullptr)
    return;
  std::vector<std::string> names;
  for (const char *name; (name = g_dir_read_name (d)) != nullptr;)
    names.emplace_back (name);
  g_dir_close (d);
  std::sort (names.begin (), names.end ());
  for (const std::string &name : names)
    {
      g_autofree char *child = g_build_filename (dir.c_str (), name.c_str (), nullptr);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        collect_files (child, depth + 1, files);
      else if (g_file_test (child, G_FILE_TEST_IS_REGULAR))
        files.emplace_back (child);
    }
}

void
add_warning (CuspDicomSeries *series, char *text)
{
  g_ptr_array_add (series->warnings, text);
}

// Sorts one group of slices and fills `series` with its geometry and warnings.
void
describe_group (std::vector<Slice> &slices, CuspDicomSeries *series)
{
  const Slice &first = slices.front ();
  const size_t n = slices.size ();

  series->positions_known = std::all_of (slices.begin (), slices.end (),
                                         [] (const Slice &s) { return s.has_position && s.has_orientation; });
  std::memcpy (series->row_dir, first.orientation, sizeof series->row_dir);
  std::memcpy (series->col_dir, first.orientation + 3, sizeof series->col_dir);
  cross (series->row_dir, series->col_dir, series->normal);
  if (!normalise (series->row_dir) || !normalise (series->col_dir) || !normalise (series->normal))
    {
      series->positions_known = FALSE;
      const double row[3] = { 1, 0, 0 }, col[3] = { 0, 1, 0 }, nrm[3] = { 0, 0, 1 };
      std::memcpy (series->row_dir, row, sizeof row);
      std::memcpy (series->col_dir, col, sizeof col);
      std::memcpy (series->normal, nrm, sizeof nrm);
    }

  if (series->positions_known)
    {
      for (Slice &s : slices)
        s.distance_mm = dot (s.position, series->normal);
      std::stable_sort (slices.begin (), slices.end (),
                        [] (const Slice &a, const Slice &b) { return a.distance_mm < b.distance_mm; });
    }
  else
    {
      std::stable_sort (slices.begin (), slices.end (),
                        [] (const Slice &a, const Slice &b) { return a.instance < b.instance; });
      if (n > 1)
        add_warning (series, g_strdup ("Some slices have no position or orientation: they are stacked by "
                                       "instance number, and the slice spacing and orientation are unknown."));
    }

  for (const Slice &s : slices)
    g_ptr_array_add (series->files, g_strdup (s.file.c_str ()));
  std::memcpy (series->origin_mm, slices.front ().position, sizeof series->origin_mm);

  double tilt_deg = 0.0;
  for (const Slice &s : slices)
    tilt_deg = std::max (tilt_deg, std::fabs (s.gantry_tilt_deg));

  if (series->positions_known && n > 1)
    {
      std::vector<double> gaps;
      int shared = 0;
      for (size_t i = 1; i < n; i++)
        {
          double gap = slices[i].distance_mm - slices[i - 1].distance_mm;
          if (gap < 1e-3)
            shared++;
          else
            gaps.push_back (gap);
        }
      double extent = slices.back ().distance_mm - slices.front ().distance_mm;
      series->slice_spacing_mm = extent / (double) (n - 1);
      if (shared > 0)
        add_warning (series, g_strdup_printf ("%d slices share their position with another slice: the series "
                                              "may hold several time points or acquisitions stacked together.",
                                              shared));
      if (!gaps.empty ())
        {
          std::vector<double> sorted = gaps;
          std::sort (sorted.begin (), sorted.end ());
          double median = sorted[sorted.size () / 2];
          double lo = sorted.front (), hi = sorted.back ();
          int missing = 0;
          bool uneven = false;
          for (double gap : gaps)
            {
              double ratio = gap / median;
              double whole = std::round (ratio);
              if (whole >= 2.0 && std::fabs (ratio - whole) < 0.1)
                missing += (int) whole - 1;
              else if (std::fabs (gap - median) > 0.01 * median + 1e-3)
                uneven = true;
            }
          if (missing > 0)
            add_warning (series, g_strdup_printf ("About %d %s to be missing: there are gaps of up to "
                                                  "%.3g mm where slices are %.3g mm apart.", missing,
                                                  missing == 1 ? "slice seems" : "slices seem", hi, median));
          if (uneven)
            add_warning (series, g_strdup_printf ("Slice spacing is not uniform (%.3g to %.3g mm); the volume "
                                                  "uses the mean, %.3g mm, so distances across slices are "
                                                  "approximate.", lo, hi, series->slice_spacing_mm));
        }

      // Positions that do not advance along the normal mean the stack is sheared (gantry tilt).
      double step[3];
      for (int a = 0; a < 3; a++)
        step[a] = slices.back ().position[a] - slices.front ().position[a];
      double len = std::sqrt (dot (step, step));
      if (len > 1e-6)
        {
          double c = std::min (1.0, std::fabs (dot (step, series->normal)) / len);
          tilt_deg = std::max (tilt_deg, std::acos (c) * 180.0 / G_PI);
        }
    }
  if (tilt_deg > 0.5)
    add_warning (series, g_strdup_printf ("Gantry tilt of %.1f°: the slices are sheared relative to the slice "
                                          "plane, so the volume is not a true box and distances across slices "
                                          "are approximate.", tilt_deg));

  int frames = first.frames;
  if (n == 1 && frames > 1)
    add_warning (series, g_strdup_printf ("This is a multi-frame file with %d frames: frames may be time points "
                                          "rather than slices, and the slice spacing may be made up by the "
                                          "reader.", frames));

  series->info.dims[0] = first.columns;
  series->info.dims[1] = first.rows;
  series->info.dims[2] = n == 1 ? std::max (frames, 1) : (int) n;
  series->info.file_count = (int) n;
  series->info.description = g_strdup (first.description.empty () ? "(no description)" : first.description.c_str ());
  series->info.modality = g_strdup (first.modality.empty () ? "OT" : first.modality.c_str ());
  series->hounsfield = first.modality == "CT";
}

CuspDicomSeries *
series_new (void)
{
  CuspDicomSeries *series = g_new0 (CuspDicomSeries, 1);
  series->files = g_ptr_array_new_with_free_func (g_free);
  series->warnings = g_ptr_array_new_with_free_func (g_free);
  return series;
}

GPtrArray *
scan (const char *path, CuspImageProgressFunc progress, void *progress_data, GError **error)
{
  std::vector<std::string> files;
  bool is_dir = g_file_test (path, G_FILE_TEST_IS_DIR);

  if (is_dir)
    collect_files (path, 0, files);
  else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    files.emplace_back (path);
  else
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_NOT_FOUND, "There is no file or folder “%s”", path);
      return nullptr;
    }
  if (files.empty ())
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_NOT_FOUND, "The folder “%s” holds no files", path);
      return nullptr;
    }

  gdcm::Trace::SetDebug (false);
  gdcm::Trace::SetWarning (false);
  gdcm::Trace::SetError (false);

  std::vector<Slice> slices;
  for (size_t start = 0; start < files.size (); start += kScanChunk)
    {
      std::vector<std::string> chunk (files.begin () + start,
                                      files.begin () + std::min (files.size (), start + kScanChunk));
      gdcm::Scanner scanner;
      for (const gdcm::Tag &tag : { kSeriesUid, kSeriesDescription, kModality, kRows, kColumns, kPosition,
                                    kOrientation, kFrames, kGantryTilt, kInstanceNumber })
        scanner.AddTag (tag);
      scanner.Scan (chunk);
      for (const std::string &file : chunk)
        {
          if (!scanner.IsKey (file.c_str ()))
            continue;
          Slice s;
          s.file = file;
          s.rows = parse_int (scanner.GetValue (file.c_str (), kRows), 0);
          s.columns = parse_int (scanner.GetValue (file.c_str (), kColumns), 0);
          if (s.rows <= 0 || s.columns <= 0)
            continue;                      // reports, plans, DICOMDIR: no image in them
          s.uid = trimmed (scanner.GetValue (file.c_str (), kSeriesUid));
          s.description = trimmed (scanner.GetValue (file.c_str (), kSeriesDescription));
          s.modality = trimmed (scanner.GetValue (file.c_str (), kModality));
          s.frames = std::max (1, parse_int (scanner.GetValue (file.c_str (), kFrames), 1));
          s.instance = parse_int (scanner.GetValue (file.c_str (), kInstanceNumber), 0);
          s.has_position = parse_ds (scanner.GetValue (file.c_str (), kPosition), s.position, 3);
          s.has_orientation = parse_ds (scanner.GetValue (file.c_str (), kOrientation), s.orientation, 6);
          double tilt = 0.0;
          if (parse_ds (scanner.GetValue (file.c_str (), kGantryTilt), &tilt, 1))
            s.gantry_tilt_deg = tilt;
          slices.push_back (std::move (s));
        }
      if (progress)
        progress ((double) std::min (files.size (), start + kScanChunk) / (double) files.size (),
                  "Looking for DICOM series", progress_data);
    }

  if (slices.empty ())
    {
      if (is_dir)
        g_set_error (error, CUSP_ERROR, CUSP_ERROR_NOT_FOUND,
                     "No DICOM image series in the folder “%s” (%zu files looked at)", path, files.size ());
      else
        g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                     "“%s” is not a DICOM image (no image rows and columns in it)", path);
      return nullptr;
    }

  // Group by series UID, then split a UID whose slices differ in orientation or matrix size.
  std::vector<std::string> keys;
  std::map<std::string, std::vector<Slice>> groups;
  std::map<std::string, int> groups_per_uid;
  for (Slice &s : slices)
    {
      char key[512];
      g_snprintf (key, sizeof key, "%s|%dx%d|%.3f %.3f %.3f %.3f %.3f %.3f|%d", s.uid.c_str (), s.columns, s.rows,
                  s.orientation[0], s.orientation[1], s.orientation[2], s.orientation[3], s.orientation[4],
                  s.orientation[5], s.frames > 1 ? 1 : 0);
      auto found = groups.find (key);
      if (found == groups.end ())
        {
          keys.emplace_back (key);
          groups_per_uid[s.uid]++;
          groups[key].push_back (std::move (s));
        }
      else
        found->second.push_back (std::move (s));
    }

  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) cusp_dicom_series_free);
  std::map<std::string, int> seen_per_uid;
  for (const std::string &key : keys)
    {
      std::vector<Slice> &group = groups[key];
      std::string uid = group.front ().uid;
      CuspDicomSeries *series = series_new ();
      int index = ++seen_per_uid[uid];
      if (uid.empty ())
        {
          g_autofree char *base = g_path_get_basename (path);
          uid = is_dir ? "(no series UID)" : base;
        }
      if (groups_per_uid[group.front ().uid] > 1)
        series->info.uid = g_strdup_printf ("%s#%d", uid.c_str (), index);
      else
        series->info.uid = g_strdup (uid.c_str ());
      describe_group (group, series);
      g_ptr_array_add (result, series);
    }

  g_ptr_array_sort (result, [] (gconstpointer a, gconstpointer b) -> gint {
    const CuspDicomSeries *sa = *(CuspDicomSeries *const *) a, *sb = *(CuspDicomSeries *const *) b;
    double va = (double) sa->info.dims[0] * sa->info.dims[1] * sa->info.dims[2];
    double vb = (double) sb->info.dims[0] * sb->info.dims[1] * sb->info.dims[2];
    return va < vb ? 1 : va > vb ? -1 : g_strcmp0 (sa->info.uid, sb->info.uid);
  });
  return result;
}

} // namespace

extern "C" void
cusp_dicom_series_free (CuspDicomSeries *series)
{
  if (series == nullptr)
    return;
  g_free (series->info.uid);
  g_free (series->info.description);
  g_free (series->info.modality);
  g_ptr_array_unref (series->files);
  g_ptr_array_unref (series->warnings);
  g_free (series);
}

extern "C" GPtrArray *
cusp_dicom_scan (const char *path, CuspImageProgressFunc progress, void *progress_data, GError **error)
{
  g_return_val_if_fail (path != nullptr, nullptr);
  try
    {
      return scan (path, progress, progress_data, error);
    }
  catch (const std::bad_alloc &)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_OUT_OF_MEMORY, "Not enough memory to scan “%s”", path);
    }
  catch (const std::exception &e)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "Could not scan “%s” for DICOM series: %s",
                   path, e.what ());
    }
  catch (...)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "Could not scan “%s” for DICOM series", path);
    }
  return nullptr;
}
