/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-gl-snapshot.h: a view's children snapshotted with their GL pictures copied to memory once,
 * for GTK's cairo renderer.
 *
 * The cairo renderer (what the app uses on a software rasteriser) draws a GtkGLArea's texture by
 * reading it back from GL and converting its pixels, every time the region it covers is redrawn:
 * each frame of a valve drag, for every slice view whose valve outline moves, although their
 * images did not change. Here each GL texture is read back once, when it is new, and the copy
 * (a cairo image surface) is drawn in its place, as a cairo node, until GL renders a new one.
 * With any other renderer the children are snapshotted as GTK would. */
#pragma once
#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _CuspGlSnapshotCache CuspGlSnapshotCache;

CuspGlSnapshotCache *cusp_gl_snapshot_cache_new  (void);
void                 cusp_gl_snapshot_cache_free (CuspGlSnapshotCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CuspGlSnapshotCache, cusp_gl_snapshot_cache_free)

/* A copy its owner made at the end of its GL render (an ARGB32 image surface filled by
 * glReadPixels as GL_BGRA, in GL's row order): taken, and used for the next GL texture not seen
 * before instead of reading that back again. */
void cusp_gl_snapshot_cache_set_next_copy (CuspGlSnapshotCache *cache,
                                           cairo_surface_t     *copy);

/* Whether the widget is drawn by GTK's cairo renderer (the swap is done only then). */
gboolean cusp_gl_snapshot_uses_cairo (GtkWidget *widget);

typedef void (*CuspGlSnapshotFunc) (GtkWidget *widget, GtkSnapshot *snapshot);

/* func's snapshot of the widget with the swap above; the cache keeps the copies of the textures
 * this call saw and drops the others. */
void cusp_gl_snapshot_with     (GtkWidget           *widget,
                                GtkSnapshot         *snapshot,
                                CuspGlSnapshotCache *cache,
                                CuspGlSnapshotFunc   func);
/* The same with what GtkWidget's default snapshot does: each child in order. */
void cusp_gl_snapshot_children (GtkWidget           *widget,
                                GtkSnapshot         *snapshot,
                                CuspGlSnapshotCache *cache);

G_END_DECLS
