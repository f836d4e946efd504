/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: `cusp [PATH...]`: opens the studies given, or the built-in demo case. */
#include "cusp-config.h"
#include "cusp-application.h"

#include <glib/gi18n.h>
#include <locale.h>

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CuspApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Cusp"));
  app = cusp_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
