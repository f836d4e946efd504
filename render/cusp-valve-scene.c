/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cusp-valve-scene.c: the rehearsed valve as the views see it (see the header). */
#include "cusp-valve-scene.h"
#include "cusp-valve-overlay.h"

#include <math.h>
#include <string.h>

struct _CuspValveScene {
  GObject parent_instance;

  gboolean has_root;
  CuspSceneFrame frame;
  gboolean has_valve;
  CuspSimPose pose;
  double nominal_diameter_mm;
  double height_mm;
  CuspMesh *frame_mesh;
  gboolean frame_converged;
  guint frame_serial;
  CuspValveOverlay *overlay;
  gboolean has_carm;
  CuspCarmAngles coplanar, cusp_overlap;
  guint interactions;           /* handle drags in progress */
};

G_DEFINE_FINAL_TYPE (CuspValveScene, cusp_valve_scene, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, SIGNAL_POSE_REQUESTED, SIGNAL_INTERACTION_ENDED, N_SIGNALS };
static guint signals[N_SIGNALS];

void
cusp_scene_frame_to_lps (const CuspSceneFrame *frame, const double root_mm[3], double lps_mm[3])
{
  for (int i = 0; i < 3; i++)
    lps_mm[i] = frame->origin_mm[i] + root_mm[0] * frame->axis_x[i] + root_mm[1] * frame->axis_y[i]
                + root_mm[2] * frame->axis_z[i];
}

void
cusp_scene_frame_from_lps (const CuspSceneFrame *frame, const double lps_mm[3], double root_mm[3])
{
  double d[3];

  for (int i = 0; i < 3; i++)
    d[i] = lps_mm[i] - frame->origin_mm[i];
  root_mm[0] = d[0] * frame->axis_x[0] + d[1] * frame->axis_x[1] + d[2] * frame->axis_x[2];
  root_mm[1] = d[0] * frame->axis_y[0] + d[1] * frame->axis_y[1] + d[2] * frame->axis_y[2];
  root_mm[2] = d[0] * frame->axis_z[0] + d[1] * frame->axis_z[1] + d[2] * frame->axis_z[2];
}

/* The solver poses the frame as root = Rx(tilt) (local + (0, 0, -depth)) with the spin about the
 * local z axis first (cusp-sim-world.c), so the valve axis is Rx(tilt) z and the inflow centre is
 * Rx(tilt) (0, 0, -depth); the spin moves neither. */
void
cusp_scene_frame_valve_axis (const CuspSceneFrame *frame, const CuspSimPose *pose,
                             double inflow_centre_lps[3], double axis_lps[3])
{
  double t = pose->tilt_deg * G_PI / 180.0;
  double centre_root[3] = { 0.0, pose->depth_mm * sin (t), -pose->depth_mm * cos (t) };
  double axis_root[3] = { 0.0, -sin (t), cos (t) };

  cusp_scene_frame_to_lps (frame, centre_root, inflow_centre_lps);
  for (int i = 0; i < 3; i++)
    axis_lps[i] = axis_root[0] * frame->axis_x[i] + axis_root[1] * frame->axis_y[i]
                  + axis_root[2] * frame->axis_z[i];
}

CuspValveScene *
cusp_valve_scene_new (void)
{
  return g_object_new (CUSP_TYPE_VALVE_SCENE, NULL);
}

void
cusp_valve_scene_set_root (CuspValveScene *self, const CuspSceneFrame *frame)
{
  g_return_if_fail (CUSP_IS_VALVE_SCENE (self));

  self->has_root = frame != NULL;
  if (frame != NULL)
    self->frame = *frame;
  g_clear_pointer (&self->frame_mesh, cusp_mesh_free);
  self->frame_serial++;
  g_clear_pointer (&self->overlay, cusp_valve_overlay_unref);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
cusp_valve_scene_get_root (CuspValveScene *self, CuspSceneFrame *frame)
{
  g_return_val_if_fail (CUSP_IS_VALVE_SCENE (self), FALSE);

  if (self->has_root && frame != NULL)
    *frame = self->frame;
  return self->has_root;
}

void
cusp_valve_scene_set_valve (CuspValveScene    *self,
                            gboolean           has_valve,
                            const CuspSimPose *pose,
                            double             nominal_diameter_mm,
                            double             height_mm)
{
  g_return_if_fail (CUSP_IS_VALVE_SCENE (self));
  g_return_if_fail (!has_valve || pose != NULL);

  self->has_valve = has_valve;
  if (has_valve)
    {
      self->pose = *pose;
      self->nominal_diameter_mm = nominal_diameter_mm;
      self->height_mm = height_mm;
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
cusp_valve_scene_get_valve (CuspValveScene *self,
                            CuspSimPose    *pose,
                            double         *nominal_diameter_mm,
                            double         *height_mm)
{
  g_return_val_if_fail (CUSP_IS_VALVE_SCENE (self), FALSE);

  if (!self->has_root || !self->has_valve)
    return FALSE;
  if (pose != NULL)
    *pose = self->pose;
  if (nominal_diameter_mm != NULL)
    *nominal_diameter_mm = self->nominal_diameter_mm;
  if (height_mm != NULL)
    *height_mm = self->height_mm;
  return TRUE;
}

void
cusp_valve_scene_set_frame_mesh (CuspValveScene *self, const CuspMesh *mesh, gboolean converged)
{
  g_return_if_fail (CUSP_IS_VALVE_SCENE (self));

  g_clear_pointer (&self->frame_mesh, cusp_mesh_free);
  self->frame_mesh = cusp_mesh_copy (mesh);
  self->frame_converged = converged;
  self->frame_serial++;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

const CuspMesh *
cusp_valve_scene_get_frame_mesh (CuspValveScene *self, gboolean *converged)
{
  g_return_val_if_fail (CUSP_IS_VALVE_SCENE (self), NULL);

  if (converged != NULL)
    *converged = self->frame_converged;
  return self->frame_mesh;
}

void
cusp_valve_scene_set_overlay (CuspValveScene *self, CuspValveOverlay *overlay)
{
  g_return_if_fail (CUSP_IS_VALVE_SCENE (self));

  if (overlay != NULL)
    cusp_valve_overlay_ref (overlay);
  g_clear_pointer (&self->overlay, cusp_valve_overlay_unref);
  self->overlay = overlay;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

CuspValveOverlay *
cusp_valve_scene_get_overlay (CuspValveScene *self)
{
  g_return_val_if_fail (CUSP_IS_VALVE_SCENE (self), NULL);
  return self->overlay;
}

void
cusp_valve_scene_set_carm (CuspValveScene *self, const CuspCarmAngles *coplanar,
                           const CuspCarmAngles *cusp_overlap)
{
  g_return_if_fail (CUSP_IS_VALVE_SCENE (self));

  self->has_carm = coplanar != NULL && cusp_overlap != NULL
                   && isfinite (coplanar->lao_deg) && isfinite (coplanar->cra_deg)
                   && isfinite (cusp_overlap->lao_deg) && isfinite (cusp_overlap->cra_deg);
  if (self->has_carm)
    {
      self->coplanar = *coplanar;
      self->cusp_overlap = *cusp_overlap;
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
cusp_valve_scene_get_carm (CuspValveScene *self, CuspCarmAngles *coplanar,
                           CuspCarmAngles *cusp_overlap)
{
  g_return_val_if_fail (CUSP_IS_VALVE_SCENE (self), FALSE);

  if (!self->has_carm)
    return FALSE;
  if (coplanar != NULL)
    *coplanar = self->coplanar;
  if (cusp_overlap != NULL)
    *cusp_overlap = self->cusp_overlap;
  return TRUE;
}

guint
cusp_valve_scene_get_frame_serial (CuspValveScene *self)
{
  g_return_val_if_fail (CUSP_IS_VALVE_SCENE (self), 0);
  return self->frame_serial;
}

void
cusp_valve_scene_request_pose (CuspValveScene *self, const CuspSimPose *pose)
{
  CuspSimPose copy;

  g_return_if_fail (CUSP_IS_VALVE_SCENE (self));
  g_return_if_fail (pose != NULL);

  if (!self->has_root || !self->has_valve)
    return;
  if (!isfinite (pose->depth_mm) || !isfinite (pose->tilt_deg) || !isfinite (pose->rotation_deg))
    return;
  copy = *pose;
  g_signal_emit (self, signals[SIGNAL_POSE_REQUESTED], 0, &copy);
}

void
cusp_valve_scene_begin_interaction (CuspValveScene *self)
{
  g_return_if_fail (CUSP_IS_VALVE_SCENE (self));
  self->interactions++;
}

void
cusp_valve_scene_end_interaction (CuspValveScene *self)
{
  g_return_if_fail (CUSP_IS_VALVE_SCENE (self));
  if (self->interactions == 0)
    return;
  if (--self->interactions == 0)
    g_signal_emit (self, signals[SIGNAL_INTERACTION_ENDED], 0);
}

gboolean
cusp_valve_scene_is_interacting (CuspValveScene *self)
{
  g_return_val_if_fail (CUSP_IS_VALVE_SCENE (self), FALSE);
  return self->interactions > 0;
}

static void
cusp_valve_scene_finalize (GObject *object)
{
  CuspValveScene *self = CUSP_VALVE_SCENE (object);

  cusp_mesh_free (self->frame_mesh);
  cusp_valve_overlay_unref (self->overlay);
  G_OBJECT_CLASS (cusp_valve_scene_parent_class)->finalize (object);
}

static void
cusp_valve_scene_class_init (CuspValveSceneClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cusp_valve_scene_finalize;

  /* Anything drawn changed: root, pose, size or deployed frame. */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A view asks for a pose: the argument is a `const CuspSimPose *` valid during emission. */
  signals[SIGNAL_POSE_REQUESTED] = g_signal_new ("pose-requested", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* The last handle drag in progress ended (released or cancelled). */
  signals[SIGNAL_INTERACTION_ENDED] = g_signal_new ("interaction-ended", G_TYPE_FROM_CLASS (klass),
                                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                    G_TYPE_NONE, 0);
}

static void
cusp_valve_scene_init (CuspValveScene *self)
{
}
