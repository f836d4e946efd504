/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-volume.c: the shared image model; see cusp-volume.h for the coordinate convention. */
#include "cusp-volume.h"
#include "cusp-error.h"

#include <math.h>
#include <string.h>

G_DEFINE_BOXED_TYPE (CuspVolume, cusp_volume, cusp_volume_ref, cusp_volume_unref)

gsize
cusp_voxel_type_size (CuspVoxelType voxel_type)
{
  return voxel_type == CUSP_VOXEL_INT16 ? sizeof (int16_t) : sizeof (float);
}

static gboolean
checked_voxel_count (const int dims[3], CuspVoxelType voxel_type, gsize *byte_count, GError **error)
{
  gsize count = 1;

  for (int a = 0; a < 3; a++)
    {
      if (dims[a] <= 0)
        {
          g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                       "The image size %d × %d × %d is not a valid volume",
                       dims[0], dims[1], dims[2]);
          return FALSE;
        }
      if (!g_size_checked_mul (&count, count, (gsize) dims[a]))
        goto overflow;
    }
  if (!g_size_checked_mul (byte_count, count, cusp_voxel_type_size (voxel_type)))
    goto overflow;
  return TRUE;

overflow:
  g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
               "The image size %d × %d × %d is too large to hold in memory",
               dims[0], dims[1], dims[2]);
  return FALSE;
}

static void
cusp_volume_clear (gpointer data)
{
  CuspVolume *volume = data;

  g_clear_pointer (&volume->voxel_bytes, g_bytes_unref);
  g_clear_pointer (&volume->warnings, g_ptr_array_unref);
  g_clear_pointer (&volume->description, g_free);
}

CuspVolume *
cusp_volume_new_for_bytes (CuspVoxelType  voxel_type,
                           const int      dims[3],
                           GBytes        *voxel_bytes,
                           GError       **error)
{
  CuspVolume *volume;
  gsize byte_count;

  g_return_val_if_fail (voxel_bytes != NULL, NULL);

  if (!checked_voxel_count (dims, voxel_type, &byte_count, error))
    return NULL;
  if (g_bytes_get_size (voxel_bytes) != byte_count)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_INVALID_INPUT,
                   "The image holds %" G_GSIZE_FORMAT " bytes of voxels but its size needs %" G_GSIZE_FORMAT,
                   g_bytes_get_size (voxel_bytes), byte_count);
      return NULL;
    }

  volume = g_atomic_rc_box_new0 (CuspVolume);
  memcpy (volume->dims, dims, sizeof volume->dims);
  for (int a = 0; a < 3; a++)
    {
      volume->spacing_mm[a] = 1.0;
      volume->direction[a * 3 + a] = 1.0;
    }
  volume->voxel_type = voxel_type;
  volume->orientation_known = TRUE;
  volume->warnings = g_ptr_array_new_with_free_func (g_free);
  volume->voxel_bytes = g_bytes_ref (voxel_bytes);
  /* GBytes is immutable by contract; volumes are filled before they are shared (see header). */
  volume->voxels = (void *) g_bytes_get_data (voxel_bytes, NULL);
  return volume;
}

CuspVolume *
cusp_volume_new (CuspVoxelType voxel_type, const int dims[3], GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize byte_count;
  void *voxels;

  if (!checked_voxel_count (dims, voxel_type, &byte_count, error))
    return NULL;
  voxels = g_try_malloc0 (byte_count);
  if (voxels == NULL)
    {
      g_set_error (error, CUSP_ERROR, CUSP_ERROR_OUT_OF_MEMORY,
                   "Not enough memory for a %d × %d × %d image (%.0f MB)",
                   dims[0], dims[1], dims[2], byte_count / 1e6);
      return NULL;
    }
  bytes = g_bytes_new_take (voxels, byte_count);
  return cusp_volume_new_for_bytes (voxel_type, dims, bytes, error);
}

CuspVolume *
cusp_volume_ref (CuspVolume *volume)
{
  g_return_val_if_fail (volume != NULL, NULL);
  return g_atomic_rc_box_acquire (volume);
}

void
cusp_volume_unref (CuspVolume *volume)
{
  if (volume != NULL)
    g_atomic_rc_box_release_full (volume, cusp_volume_clear);
}

gsize
cusp_volume_voxel_count (const CuspVolume *volume)
{
  return (gsize) volume->dims[0] * volume->dims[1] * volume->dims[2];
}

gsize
cusp_volume_byte_count (const CuspVolume *volume)
{
  return cusp_volume_voxel_count (volume) * cusp_voxel_type_size (volume->voxel_type);
}

const char *
cusp_modality_to_string (CuspModality modality)
{
  switch (modality)
    {
    case CUSP_MODALITY_CT: return "CT";
    case CUSP_MODALITY_MR: return "MR";
    case CUSP_MODALITY_OTHER:
    default: return "OT";
    }
}

static inline double
value_at (const CuspVolume *volume, gsize offset)
{
  if (volume->voxel_type == CUSP_VOXEL_INT16)
    return ((const int16_t *) volume->voxels)[offset];
  return ((const float *) volume->voxels)[offset];
}

double
cusp_volume_get_value (const CuspVolume *volume, int i, int j, int k)
{
  g_return_val_if_fail (i >= 0 && j >= 0 && k >= 0, 0.0);
  g_return_val_if_fail (i < volume->dims[0] && j < volume->dims[1] && k < volume->dims[2], 0.0);
  return value_at (volume, ((gsize) k * volume->dims[1] + j) * volume->dims[0] + i);
}

double
cusp_volume_sample_index (const CuspVolume *volume, const double ijk[3], double outside)
{
  int base[3];
  double frac[3];
  double result = 0.0;
  const int nx = volume->dims[0], ny = volume->dims[1];

  for (int a = 0; a < 3; a++)
    {
      if (!(ijk[a] >= 0.0 && ijk[a] <= volume->dims[a] - 1))  /* also rejects NaN */
        return outside;
      base[a] = (int) floor (ijk[a]);
      if (base[a] >= volume->dims[a] - 1)
        base[a] = MAX (volume->dims[a] - 2, 0);
      frac[a] = ijk[a] - base[a];
    }

  for (int corner = 0; corner < 8; corner++)
    {
      int c[3] = { corner & 1, (corner >> 1) & 1, (corner >> 2) & 1 };
      double weight = 1.0;
      int idx[3];

      for (int a = 0; a < 3; a++)
        {
          weight *= c[a] ? frac[a] : 1.0 - frac[a];
          idx[a] = MIN (base[a] + c[a], volume->dims[a] - 1);
        }
      if (weight != 0.0)
        result += weight * value_at (volume, ((gsize) idx[2] * ny + idx[1]) * nx + idx[0]);
    }
  return result;
}

void
cusp_volume_index_to_lps (const CuspVolume *volume, const double ijk[3], double lps_mm[3])
{
  for (int r = 0; r < 3; r++)
    {
      lps_mm[r] = volume->origin_mm[r];
      for (int c = 0; c < 3; c++)
        lps_mm[r] += volume->direction[r * 3 + c] * volume->spacing_mm[c] * ijk[c];
    }
}

void
cusp_volume_lps_to_index (const CuspVolume *volume, const double lps_mm[3], double ijk[3])
{
  /* direction is orthonormal (ITK and the loaders guarantee it), so its inverse is its transpose. */
  double d[3];

  for (int r = 0; r < 3; r++)
    d[r] = lps_mm[r] - volume->origin_mm[r];
  for (int c = 0; c < 3; c++)
    {
      double along = 0.0;
      for (int r = 0; r < 3; r++)
        along += volume->direction[r * 3 + c] * d[r];
      ijk[c] = along / volume->spacing_mm[c];
    }
}

double
cusp_volume_sample_lps (const CuspVolume *volume, const double lps_mm[3], double outside)
{
  double ijk[3];

  cusp_volume_lps_to_index (volume, lps_mm, ijk);
  return cusp_volume_sample_index (volume, ijk, outside);
}

void
cusp_volume_get_range (const CuspVolume *volume, double *min_value, double *max_value)
{
  gsize n = cusp_volume_voxel_count (volume);
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;

  if (volume->voxel_type == CUSP_VOXEL_INT16)
    {
      const int16_t *v = volume->voxels;
      int ilo = G_MAXINT16, ihi = G_MININT16;
      for (gsize i = 0; i < n; i++)
        {
          ilo = MIN (ilo, v[i]);
          ihi = MAX (ihi, v[i]);
        }
      lo = ilo;
      hi = ihi;
    }
  else
    {
      const float *v = volume->voxels;
      for (gsize i = 0; i < n; i++)
        if (isfinite (v[i]))
          {
            lo = MIN (lo, v[i]);
            hi = MAX (hi, v[i]);
          }
      if (lo > hi)
        lo = hi = 0.0;
    }
  if (min_value)
    *min_value = lo;
  if (max_value)
    *max_value = hi;
}

void
cusp_volume_copy_geometry (CuspVolume *dest, const CuspVolume *src)
{
  memcpy (dest->spacing_mm, src->spacing_mm, sizeof dest->spacing_mm);
  memcpy (dest->origin_mm, src->origin_mm, sizeof dest->origin_mm);
  memcpy (dest->direction, src->direction, sizeof dest->direction);
  dest->modality = src->modality;
  dest->hounsfield = src->hounsfield;
  dest->orientation_known = src->orientation_known;
  g_free (dest->description);
  dest->description = g_strdup (src->description);
}

void
cusp_volume_add_warning (CuspVolume *volume, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (volume->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}
