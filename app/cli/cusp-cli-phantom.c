/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-cli-phantom.c: `cusp-cli phantom` writes a synthetic aortic-root CT and its ground truth. */
#include "cusp-cli.h"
#include "cusp-cli-number.h"
#include "cusp-image-io.h"
#include "cusp-phantom.h"

#include <errno.h>

#define NAME "phantom"

int
cusp_cli_phantom (int argc, char **argv)
{
  g_autofree char *out_path = NULL, *truth_path = NULL, *seed = NULL, *area = NULL;
  g_autofree char *eccentricity = NULL, *left = NULL, *right = NULL, *calcium = NULL;
  g_autofree char *spacing = NULL, *noise = NULL;
  GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path, "Image to write (.nii.gz, .nii, .mha, .nrrd)", "FILE" },
    { "truth", 0, 0, G_OPTION_ARG_FILENAME, &truth_path, "Ground-truth JSON to write", "FILE" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed, "Random seed (noise, calcium placement)", "N" },
    { "annulus-area-mm2", 0, 0, G_OPTION_ARG_STRING, &area, "Annulus area (default 450)", "A" },
    { "eccentricity", 0, 0, G_OPTION_ARG_STRING, &eccentricity, "1 - Dmin/Dmax (default 0.2)", "E" },
    { "left-coronary-height-mm", 0, 0, G_OPTION_ARG_STRING, &left, "Left ostium height (default 13)", "H" },
    { "right-coronary-height-mm", 0, 0, G_OPTION_ARG_STRING, &right, "Right ostium height (default 16)", "H" },
    { "calcium-mm3", 0, 0, G_OPTION_ARG_STRING, &calcium, "Total calcium volume (default 300)", "V" },
    { "spacing-mm", 0, 0, G_OPTION_ARG_STRING, &spacing, "Isotropic voxel size (default 0.5)", "S" },
    { "noise-hu", 0, 0, G_OPTION_ARG_STRING, &noise, "Gaussian noise sigma (default 20)", "SIGMA" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("--out FILE --truth FILE.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(CuspVolume) volume = NULL;
  g_autoptr(CuspPhantomTruth) truth = NULL;
  g_autofree char *json = NULL;
  CuspPhantomDef def = cusp_phantom_default_def ();

  g_option_context_set_summary (context,
    "Writes a synthetic contrast CT of the aortic root and a JSON file with its exact geometry.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cusp_cli_fail_error (NAME, error);
  if (argc > 1)
    return cusp_cli_fail (NAME, "unexpected argument '%s'", argv[1]);
  if (out_path == NULL || truth_path == NULL)
    return cusp_cli_fail (NAME, "both --out FILE and --truth FILE.json are required");

  if (seed != NULL)
    {
      char *end = NULL;
      errno = 0;
      def.seed = g_ascii_strtoull (seed, &end, 10);
      if (end == seed || *end != '\0' || errno != 0 || seed[0] == '-')
        return cusp_cli_fail (NAME, "--seed needs a whole number from 0 to 18446744073709551615, not '%s'", seed);
    }
  if (!cusp_cli_parse_number ("--annulus-area-mm2", area, &def.annulus_area_mm2, &error) ||
      !cusp_cli_parse_number ("--eccentricity", eccentricity, &def.eccentricity, &error) ||
      !cusp_cli_parse_number ("--left-coronary-height-mm", left, &def.left_coronary_height_mm, &error) ||
      !cusp_cli_parse_number ("--right-coronary-height-mm", right, &def.right_coronary_height_mm, &error) ||
      !cusp_cli_parse_number ("--calcium-mm3", calcium, &def.calcium_mm3, &error) ||
      !cusp_cli_parse_number ("--spacing-mm", spacing, &def.spacing_mm, &error) ||
      !cusp_cli_parse_number ("--noise-hu", noise, &def.noise_hu, &error))
    return cusp_cli_fail_error (NAME, error);

  volume = cusp_phantom_generate (&def, &truth, NULL, &error);
  if (volume == NULL)
    return cusp_cli_fail_error (NAME, error);
  if (!cusp_image_write (volume, out_path, &error))
    return cusp_cli_fail_error (NAME, error);
  json = cusp_phantom_truth_to_json (truth);
  if (!g_file_set_contents (truth_path, json, -1, &error))
    return cusp_cli_fail_error (NAME, error);
  return 0;
}
