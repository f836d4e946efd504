/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-image-io.c: series descriptions, and the header facts ITK does not report: NIfTI-2 (which
 * ITK 5.2 cannot read and reports only as "Could not create IO object"), whether a NIfTI,
 * MetaImage or NRRD file places the image in patient space, and a MetaImage's modality. */
#include "cusp-image-io-private.h"
#include "cusp-error.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <zlib.h>

void
cusp_series_info_free (CuspSeriesInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->uid);
  g_free (info->description);
  g_free (info->modality);
  g_free (info);
}

CuspSeriesInfo *
cusp_series_info_copy (const CuspSeriesInfo *info)
{
  CuspSeriesInfo *copy = g_new0 (CuspSeriesInfo, 1);

  *copy = *info;
  copy->uid = g_strdup (info->uid);
  copy->description = g_strdup (info->description);
  copy->modality = g_strdup (info->modality);
  return copy;
}

CuspImageFormat
cusp_image_format_from_name (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  static const struct { const char *suffix; CuspImageFormat format; } table[] = {
    { ".nii", CUSP_IMAGE_FORMAT_NIFTI }, { ".nii.gz", CUSP_IMAGE_FORMAT_NIFTI },
    { ".hdr", CUSP_IMAGE_FORMAT_NIFTI }, { ".img", CUSP_IMAGE_FORMAT_NIFTI },
    { ".img.gz", CUSP_IMAGE_FORMAT_NIFTI },
    { ".mha", CUSP_IMAGE_FORMAT_METAIMAGE }, { ".mhd", CUSP_IMAGE_FORMAT_METAIMAGE },
    { ".nrrd", CUSP_IMAGE_FORMAT_NRRD }, { ".nhdr", CUSP_IMAGE_FORMAT_NRRD },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_str_has_suffix (lower, table[i].suffix))
      return table[i].format;
  return CUSP_IMAGE_FORMAT_DICOM;
}

/* Reads up to `size` bytes from the start of `path`, through gzip when the name ends in .gz. */
static gssize
read_head (const char *path, guint8 *buffer, gsize size, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GInputStream) raw = NULL;
  g_autoptr(GInputStream) stream = NULL;
  gsize got = 0;

  raw = G_INPUT_STREAM (g_file_read (file, NULL, error));
  if (raw == NULL)
    return -1;
  if (g_str_has_suffix (path, ".gz") || g_str_has_suffix (path, ".GZ"))
    {
      g_autoptr(GZlibDecompressor) gunzip = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      stream = g_converter_input_stream_new (raw, G_CONVERTER (gunzip));
    }
  else
    stream = g_object_ref (raw);
  if (!g_input_stream_read_all (stream, buffer, size, &got, NULL, error))
    return -1;
  return (gssize) got;
}

/* Bytes a .nii.gz inflates to. The gzip trailer's ISIZE (size mod 2^32) answers at once when it
 * matches `expected`; otherwise (several gzip members, or a cut file whose last bytes are not a
 * trailer) inflate the whole stream and count, with zlib's gzread, which follows every member as
 * ITK's reader does. -1 when the stream ends early or is corrupt. */
static gint64
inflated_size (const char *path, guint64 expected)
{
  guint8 trailer[4];
  guint8 buffer[1 << 16];
  gint64 total = 0;
  int n, status = Z_OK;
  gboolean matches = FALSE;
  FILE *f = g_fopen (path, "rb");
  gzFile gz;

  if (f == NULL)
    return -1;
  if (fseek (f, -4, SEEK_END) == 0 && fread (trailer, 1, 4, f) == 4)
    matches = GUINT32_FROM_LE (*(guint32 *) trailer) == (guint32) expected;
  fclose (f);
  if (matches)
    return (gint64) expected;

  gz = gzopen (path, "rb");
  if (gz == NULL)
    return -1;
  while ((n = gzread (gz, buffer, sizeof buffer)) > 0)
    total += n;
  gzerror (gz, &status);
  gzclose (gz);
  return n < 0 || (status != Z_OK && status != Z_STREAM_END) ? -1 : total;
}

/* A .nii or .nii.gz must hold all the voxels its header announces: ITK reads past the end of
 * either without complaint and hands back zeros. */
static gboolean
check_nifti_size (const char *path, const guint8 *head, gboolean swapped, GError **error)
{
  gint16 dim[8], bitpix;
  float vox_offset;
  guint64 expected;
  GStatBuf st;
  gboolean gz = g_str_has_suffix (path, ".gz") || g_str_has_suffix (path, ".GZ");

  if (g_stat (path, &st) != 0)
    return TRUE;
  memcpy (dim, head + 40, sizeof dim);
  memcpy (&bitpix, head + 72, sizeof bitpix);
  memcpy (&vox_offset, head + 108, sizeof vox_offset);
  if (swapped)
    {
      guint32 bits;
      for (int i = 0; i < 8; i++)
        dim[i] = (gint16) GUINT16_SWAP_LE_BE ((guint16) dim[i]);
      bitpix = (gint16) GUINT16_SWAP_LE_BE ((guint16) bitpix);
      memcpy (&bits, &vox_offset, 4);
      bits = GUINT32_SWAP_LE_BE (bits);
      memcpy (&vox_offset, &bits, 4);
    }
  if (dim[0] < 1 || dim[0] > 7 || bitpix <= 0 || !(vox_offset >= 0.0f && vox_offset < 1e9f))
    return TRUE;                              /* malformed: let ITK word the error */
  expected = (guint64) bitpix / 8;
  for (int d = 1; d <= dim[0]; d++)
    expected *= (guint64) MAX (dim[d], 1);
  expected += (guint64) vox_offset;
  if (gz)
    {
      gint64 inflated = inflated_size (path, expected);
      if (inflated < 0 || (guint64) inflated < expected)
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                       "“%s” is truncated or corrupt: its compressed data does not hold the %" G_GUINT64_FORMAT
                       " bytes its header announces", path, expected);
          return FALSE;
        }
      return TRUE;
    }
  if ((guint64) st.st_size < expected)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "“%s” is truncated: it holds %" G_GUINT64_FORMAT " bytes of the %" G_GUINT64_FORMAT
                   " its header announces", path, (guint64) st.st_size, expected);
      return FALSE;
    }
  return TRUE;
}

static gboolean
sniff_nifti (const char *path, const guint8 *head, gssize got, CuspHeaderFacts *facts, GError **error)
{
  gint32 sizeof_hdr;
  gint16 qform_code, sform_code;
  gboolean swapped;

  if (got < 4)
    goto truncated;
  memcpy (&sizeof_hdr, head, 4);
  swapped = sizeof_hdr != 348 && sizeof_hdr != 540;
  if (swapped)
    sizeof_hdr = (gint32) GUINT32_SWAP_LE_BE ((guint32) sizeof_hdr);
  if (sizeof_hdr == 540)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_UNSUPPORTED,
                   "“%s” is a NIfTI-2 image, which Cusp cannot read yet; save it as NIfTI-1 "
                   "(for example with nibabel or 3D Slicer)", path);
      return FALSE;
    }
  if (sizeof_hdr != 348 || got < 348)
    goto truncated;
  memcpy (&qform_code, head + 252, 2);
  memcpy (&sform_code, head + 254, 2);
  if (swapped)
    {
      qform_code = (gint16) GUINT16_SWAP_LE_BE ((guint16) qform_code);
      sform_code = (gint16) GUINT16_SWAP_LE_BE ((guint16) sform_code);
    }
  if (memcmp (head + 344, "n+1", 4) == 0 && !check_nifti_size (path, head, swapped, error))
    return FALSE;
  /* An Analyze header (no "n+1"/"ni1" magic) has no orientation at all. */
  facts->orientation_known = (memcmp (head + 344, "n+1", 4) == 0 || memcmp (head + 344, "ni1", 4) == 0) &&
                             (qform_code > 0 || sform_code > 0);
  return TRUE;

truncated:
  g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
               "“%s” does not start with a NIfTI-1 or Analyze header (it may be truncated)", path);
  return FALSE;
}

/* MetaImage and NRRD headers are "key = value" / "key: value" text lines. */
static void
sniff_text_header (const guint8 *head, gssize got, CuspHeaderFacts *facts)
{
  g_autofree char *text = g_strndup ((const char *) head, got);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean identity = TRUE, zero_offset = TRUE, has_orientation = FALSE;

  for (char **line = lines; *line != NULL; line++)
    {
      char *l = g_strstrip (*line);

      if (facts->format == CUSP_IMAGE_FORMAT_NRRD)
        {
          if (*l == '\0')
            break;                                /* end of the NRRD header */
          if (g_str_has_prefix (l, "space:"))
            has_orientation = TRUE;
          continue;
        }
      if (g_str_has_prefix (l, "AnatomicalOrientation"))
        has_orientation = TRUE;
      else if (g_str_has_prefix (l, "TransformMatrix") || g_str_has_prefix (l, "Rotation") ||
               g_str_has_prefix (l, "Orientation ") || g_str_has_prefix (l, "Orientation="))
        {
          const char *p = strchr (l, '=');
          for (int n = 0; p != NULL && n < 9; n++)
            {
              char *end = NULL;
              double v = g_ascii_strtod (p + 1, &end);
              if (end == p + 1)
                break;
              if (v != ((n % 4 == 0) ? 1.0 : 0.0))
                identity = FALSE;
              p = end - 1;
            }
        }
      else if (g_str_has_prefix (l, "Offset") || g_str_has_prefix (l, "Position") || g_str_has_prefix (l, "Origin"))
        {
          const char *p = strchr (l, '=');
          for (int n = 0; p != NULL && n < 3; n++)
            {
              char *end = NULL;
              double v = g_ascii_strtod (p + 1, &end);
              if (end == p + 1)
                break;
              if (v != 0.0)
                zero_offset = FALSE;
              p = end - 1;
            }
        }
      else if (g_str_has_prefix (l, "Modality"))
        {
          facts->modality_known = strstr (l, "MET_MOD_CT") != NULL || strstr (l, "MET_MOD_MR") != NULL;
          facts->modality = strstr (l, "MET_MOD_CT") ? CUSP_MODALITY_CT
                          : strstr (l, "MET_MOD_MR") ? CUSP_MODALITY_MR : CUSP_MODALITY_OTHER;
        }
      if (g_str_has_prefix (l, "ElementDataFile"))
        break;                                    /* end of the MetaImage header */
    }
  /* A MetaImage without AnatomicalOrientation and with an identity matrix at the origin was
   * never placed in patient space (vtk.js samples, ct-chest-8bit): say we do not know. */
  facts->orientation_known = has_orientation ||
                             (facts->format == CUSP_IMAGE_FORMAT_METAIMAGE && !(identity && zero_offset));
}

/* Bytes a zlib stream starting at `offset` of `path` inflates to; -1 when it ends early. */
static gint64
zlib_inflated_size (const char *path, goffset offset)
{
  guint8 in[1 << 16], out[1 << 16];
  FILE *f = g_fopen (path, "rb");
  z_stream z = { 0 };
  gint64 total = 0;
  int status = Z_OK;

  if (f == NULL || fseek (f, (long) offset, SEEK_SET) != 0 || inflateInit (&z) != Z_OK)
    {
      if (f)
        fclose (f);
      return -1;
    }
  while (status == Z_OK)
    {
      z.avail_in = (uInt) fread (in, 1, sizeof in, f);
      z.next_in = in;
      if (z.avail_in == 0)
        break;                                   /* input ended before the stream did */
      while (z.avail_in > 0 && status == Z_OK)
        {
          z.next_out = out;
          z.avail_out = sizeof out;
          status = inflate (&z, Z_NO_FLUSH);
          total += (gint64) (sizeof out - z.avail_out);
          if (status == Z_BUF_ERROR && z.avail_in == 0)
            status = Z_OK;
        }
    }
  inflateEnd (&z);
  fclose (f);
  return status == Z_STREAM_END ? total : -1;
}

/* A MetaImage must hold the voxels its header announces: ITK's MetaIO reads a short raw or
 * compressed payload without complaint and hands back zeros. Only single data files (LOCAL or
 * one named file) are checked; lists and patterns are left to ITK. */
static gboolean
check_metaimage_size (const char *path, const guint8 *head, gssize got, GError **error)
{
  static const struct { const char *type; int bytes; } types[] = {
    { "MET_UCHAR", 1 }, { "MET_CHAR", 1 }, { "MET_USHORT", 2 }, { "MET_SHORT", 2 }, { "MET_UINT", 4 },
    { "MET_INT", 4 }, { "MET_ULONG", 4 }, { "MET_LONG", 4 }, { "MET_FLOAT", 4 }, { "MET_DOUBLE", 8 },
    { "MET_ULONG_LONG", 8 }, { "MET_LONG_LONG", 8 },
  };
  g_autofree char *text = g_strndup ((const char *) head, got);
  g_autofree char *data_file = NULL;
  guint64 expected = 0, dims = 1, channels = 1;
  gboolean compressed = FALSE, have_dims = FALSE;
  int element = 0;
  goffset data_offset = 0;
  const char *line = text;

  while (line && *line)
    {
      const char *end = strchr (line, '\n');
      g_autofree char *l = g_strstrip (g_strndup (line, end ? (gsize) (end - line) : strlen (line)));
      const char *value = strchr (l, '=');

      value = value ? value + 1 : "";
      while (*value == ' ')
        value++;
      if (g_str_has_prefix (l, "DimSize"))
        {
          g_auto(GStrv) parts = g_strsplit_set (value, " \t", -1);
          for (char **p = parts; *p; p++)
            if (**p)
              {
                guint64 n = g_ascii_strtoull (*p, NULL, 10);
                dims = n > 0 && dims <= G_MAXUINT64 / n ? dims * n : 0;
                have_dims = TRUE;
              }
        }
      else if (g_str_has_prefix (l, "ElementNumberOfChannels"))
        channels = MAX (g_ascii_strtoull (value, NULL, 10), 1);
      else if (g_str_has_prefix (l, "CompressedData ") || g_str_has_prefix (l, "CompressedData="))
        compressed = g_ascii_strncasecmp (value, "True", 4) == 0;
      else if (g_str_has_prefix (l, "ElementType"))
        for (gsize t = 0; t < G_N_ELEMENTS (types); t++)
          if (strcmp (value, types[t].type) == 0)
            element = types[t].bytes;
      if (g_str_has_prefix (l, "ElementDataFile"))
        {
          data_file = g_strdup (value);
          data_offset = end ? (goffset) (end - text + 1) : got;
          break;
        }
      line = end ? end + 1 : NULL;
    }
  if (!have_dims || dims == 0 || element == 0 || data_file == NULL || strchr (data_file, ' ') ||
      strchr (data_file, '%') || g_str_has_prefix (data_file, "LIST") || dims > G_MAXUINT64 / 8 / channels)
    return TRUE;                                   /* nothing simple to check: ITK decides */
  expected = dims * channels * (guint64) element;

  if (strcmp (data_file, "LOCAL") != 0)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *full = g_path_is_absolute (data_file) ? g_strdup (data_file)
                                                              : g_build_filename (dir, data_file, NULL);
      g_free (data_file);
      data_file = g_steal_pointer (&full);
      data_offset = 0;
    }
  else
    {
      g_free (data_file);
      data_file = g_strdup (path);
    }

  if (compressed)
    {
      gint64 inflated = zlib_inflated_size (data_file, data_offset);
      if (inflated >= 0 && (guint64) inflated >= expected)
        return TRUE;
    }
  else
    {
      GStatBuf st;
      if (g_stat (data_file, &st) != 0)
        return TRUE;                               /* ITK words a missing data file itself */
      if ((guint64) st.st_size >= (guint64) data_offset + expected)
        return TRUE;
    }
  g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
               "“%s” is truncated or corrupt: its voxel data does not hold the %" G_GUINT64_FORMAT
               " bytes its header announces", path, expected);
  return FALSE;
}

gboolean
cusp_image_sniff_header (const char *path, CuspHeaderFacts *facts, GError **error)
{
  guint8 head[4096];
  gssize got;

  memset (facts, 0, sizeof *facts);
  facts->format = cusp_image_format_from_name (path);
  facts->orientation_known = TRUE;
  if (facts->format == CUSP_IMAGE_FORMAT_DICOM)
    return TRUE;

  /* A NIfTI header is 348 bytes: asking for more would fail on a short, truncated .nii.gz. */
  got = read_head (path, head, facts->format == CUSP_IMAGE_FORMAT_NIFTI ? 348 : sizeof head, error);
  if (got < 0)
    {
      gboolean cut = error && *error && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
      g_clear_error (error);
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   cut ? "“%s” is truncated: its compressed data ends early" : "Could not read “%s”", path);
      return FALSE;
    }
  if (got == 0)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT, "“%s” is empty", path);
      return FALSE;
    }
  if (facts->format == CUSP_IMAGE_FORMAT_NIFTI)
    {
      g_autofree char *lower = g_ascii_strdown (path, -1);
      /* For an .img, the header lives in the .hdr beside it: ITK reports any problem there. */
      if (g_str_has_suffix (lower, ".img") || g_str_has_suffix (lower, ".img.gz"))
        return TRUE;
      return sniff_nifti (path, head, got, facts, error);
    }
  sniff_text_header (head, got, facts);
  if (facts->format == CUSP_IMAGE_FORMAT_METAIMAGE)
    return check_metaimage_size (path, head, got, error);
  return TRUE;
}

void
cusp_format_dicom_ds (double value, char out[17])
{
  /* The DS value representation allows 16 characters; keep the most digits that fit. */
  for (int digits = 17; digits > 0; digits--)
    {
      char format[8];
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (strlen (buffer) <= 16)
        {
          g_strlcpy (out, buffer, 17);
          return;
        }
    }
  g_strlcpy (out, "0", 17);
}
