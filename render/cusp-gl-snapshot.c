/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-gl-snapshot.c: GL textures in a view's render nodes swapped for memory copies made once
 * (see the header). */
#include "cusp-gl-snapshot.h"

/* One GL texture seen and its copy; a view has one or two GL areas. The texture is watched, not
 * held: GtkGLArea reuses its GL textures once GTK lets them go, and a copy never delays that. */
typedef struct {
  GdkTexture *gl;           /* NULL once finalized; till then its address names only it */
  cairo_surface_t *copy;    /* ARGB32, the texture's rows in its own order */
} Entry;

struct _CuspGlSnapshotCache {
  GPtrArray *entries;       /* (element-type Entry) what the last call saw */
  GPtrArray *seen;          /* (element-type Entry) this call's, becoming entries at its end */
  cairo_surface_t *next_copy;
};

static void
texture_gone (gpointer data, GObject *where_the_object_was)
{
  ((Entry *) data)->gl = NULL;
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  if (entry->gl != NULL)
    g_object_weak_unref (G_OBJECT (entry->gl), texture_gone, entry);
  g_clear_pointer (&entry->copy, cairo_surface_destroy);
  g_free (entry);
}

CuspGlSnapshotCache *
cusp_gl_snapshot_cache_new (void)
{
  CuspGlSnapshotCache *cache = g_new0 (CuspGlSnapshotCache, 1);

  cache->entries = g_ptr_array_new_with_free_func (entry_free);
  cache->seen = g_ptr_array_new_with_free_func (entry_free);
  return cache;
}

void
cusp_gl_snapshot_cache_free (CuspGlSnapshotCache *cache)
{
  if (cache == NULL)
    return;
  g_ptr_array_unref (cache->entries);
  g_ptr_array_unref (cache->seen);
  g_clear_pointer (&cache->next_copy, cairo_surface_destroy);
  g_free (cache);
}

void
cusp_gl_snapshot_cache_set_next_copy (CuspGlSnapshotCache *cache,
                                      cairo_surface_t     *copy)
{
  g_return_if_fail (cache != NULL);
  g_clear_pointer (&cache->next_copy, cairo_surface_destroy);
  cache->next_copy = copy;
}

/* The copy of a GL texture as a cairo image surface; read back only the first time the texture
 * is seen. */
static cairo_surface_t *
copy_of (CuspGlSnapshotCache *cache, GdkTexture *gl)
{
  int width = gdk_texture_get_width (gl), height = gdk_texture_get_height (gl);
  Entry *entry = NULL;

  for (guint i = 0; i < cache->seen->len; i++)
    if (((Entry *) g_ptr_array_index (cache->seen, i))->gl == gl)
      return ((Entry *) g_ptr_array_index (cache->seen, i))->copy;
  for (guint i = 0; i < cache->entries->len && entry == NULL; i++)
    if (((Entry *) g_ptr_array_index (cache->entries, i))->gl == gl)
      entry = g_ptr_array_steal_index (cache->entries, i);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      if (cache->next_copy != NULL && cairo_image_surface_get_width (cache->next_copy) == width
          && cairo_image_surface_get_height (cache->next_copy) == height)
        entry->copy = g_steal_pointer (&cache->next_copy);
      else
        {
          entry->copy = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
          cairo_surface_flush (entry->copy);
          gdk_texture_download (gl, cairo_image_surface_get_data (entry->copy),
                                cairo_image_surface_get_stride (entry->copy));
          cairo_surface_mark_dirty (entry->copy);
        }
      entry->gl = gl;
      g_object_weak_ref (G_OBJECT (gl), texture_gone, entry);
    }
  g_ptr_array_add (cache->seen, entry);
  return entry->copy;
}

/* A texture node's picture as a cairo node: GTK 4.8's cairo renderer draws a texture node by
 * converting every pixel through floats (gdk_memory_convert), even from a texture already in
 * cairo's format, where a cairo node is one paint of its surface. */
static GskRenderNode *
cairo_node_for (cairo_surface_t *copy, const graphene_rect_t *bounds)
{
  GskRenderNode *node = gsk_cairo_node_new (bounds);
  cairo_t *cr = gsk_cairo_node_get_draw_context (node);

  cairo_translate (cr, bounds->origin.x, bounds->origin.y);
  cairo_scale (cr, bounds->size.width / cairo_image_surface_get_width (copy),
               bounds->size.height / cairo_image_surface_get_height (copy));
  cairo_set_source_surface (cr, copy, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  return node;
}

/* The node with its GL textures swapped, through the node types a view's children produce
 * (containers, transforms, clips, opacity, debug); others are kept as they are. A new
 * reference: the node itself when nothing inside changed. */
static GskRenderNode *
swap_textures (CuspGlSnapshotCache *cache, GskRenderNode *node)
{
  GskRenderNode *child, *result;
  graphene_rect_t bounds;

  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_TEXTURE_NODE:
      {
        GdkTexture *texture = gsk_texture_node_get_texture (node);

        if (!GDK_IS_GL_TEXTURE (texture))
          return gsk_render_node_ref (node);
        gsk_render_node_get_bounds (node, &bounds);
        return cairo_node_for (copy_of (cache, texture), &bounds);
      }
    case GSK_CONTAINER_NODE:
      {
        guint n = gsk_container_node_get_n_children (node);
        g_autofree GskRenderNode **children = g_new (GskRenderNode *, MAX (n, 1));
        gboolean changed = FALSE;

        for (guint i = 0; i < n; i++)
          {
            children[i] = swap_textures (cache, gsk_container_node_get_child (node, i));
            changed |= children[i] != gsk_container_node_get_child (node, i);
          }
        result = changed ? gsk_container_node_new (children, n) : gsk_render_node_ref (node);
        for (guint i = 0; i < n; i++)
          gsk_render_node_unref (children[i]);
        return result;
      }
    case GSK_TRANSFORM_NODE:
      child = swap_textures (cache, gsk_transform_node_get_child (node));
      result = child == gsk_transform_node_get_child (node)
        ? gsk_render_node_ref (node) : gsk_transform_node_new (child, gsk_transform_node_get_transform (node));
      break;
    case GSK_CLIP_NODE:
      child = swap_textures (cache, gsk_clip_node_get_child (node));
      result = child == gsk_clip_node_get_child (node)
        ? gsk_render_node_ref (node) : gsk_clip_node_new (child, gsk_clip_node_get_clip (node));
      break;
    case GSK_ROUNDED_CLIP_NODE:
      child = swap_textures (cache, gsk_rounded_clip_node_get_child (node));
      result = child == gsk_rounded_clip_node_get_child (node)
        ? gsk_render_node_ref (node) : gsk_rounded_clip_node_new (child, gsk_rounded_clip_node_get_clip (node));
      break;
    case GSK_OPACITY_NODE:
      child = swap_textures (cache, gsk_opacity_node_get_child (node));
      result = child == gsk_opacity_node_get_child (node)
        ? gsk_render_node_ref (node) : gsk_opacity_node_new (child, gsk_opacity_node_get_opacity (node));
      break;
    case GSK_DEBUG_NODE:
      child = swap_textures (cache, gsk_debug_node_get_child (node));
      result = child == gsk_debug_node_get_child (node)
        ? gsk_render_node_ref (node) : gsk_debug_node_new (child, g_strdup (gsk_debug_node_get_message (node)));
      break;
    default:
      return gsk_render_node_ref (node);
    }
  gsk_render_node_unref (child);
  return result;
}

gboolean
cusp_gl_snapshot_uses_cairo (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;

  return renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer);
}

static void
snapshot_children (GtkWidget *widget, GtkSnapshot *snapshot)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_snapshot_child (widget, child, snapshot);
}

void
cusp_gl_snapshot_children (GtkWidget           *widget,
                           GtkSnapshot         *snapshot,
                           CuspGlSnapshotCache *cache)
{
  cusp_gl_snapshot_with (widget, snapshot, cache, snapshot_children);
}

void
cusp_gl_snapshot_with (GtkWidget           *widget,
                       GtkSnapshot         *snapshot,
                       CuspGlSnapshotCache *cache,
                       CuspGlSnapshotFunc   func)
{
  GtkSnapshot *inner;
  GskRenderNode *node, *swapped;
  GPtrArray *kept;

  g_return_if_fail (GTK_IS_WIDGET (widget) && cache != NULL && func != NULL);

  if (!cusp_gl_snapshot_uses_cairo (widget))
    {
      func (widget, snapshot);
      g_ptr_array_set_size (cache->entries, 0);
      g_clear_pointer (&cache->next_copy, cairo_surface_destroy);
      return;
    }
  inner = gtk_snapshot_new ();
  func (widget, inner);
  node = gtk_snapshot_free_to_node (inner);
  if (node != NULL)
    {
      swapped = swap_textures (cache, node);
      gtk_snapshot_append_node (snapshot, swapped);
      gsk_render_node_unref (swapped);
      gsk_render_node_unref (node);
    }
  /* what this call saw is kept; textures GL has since replaced are let go */
  g_ptr_array_set_size (cache->entries, 0);
  kept = cache->entries;
  cache->entries = cache->seen;
  cache->seen = kept;
  /* a copy no texture took (the render failed, or drew nothing) is stale by the next one */
  g_clear_pointer (&cache->next_copy, cairo_surface_destroy);
}
