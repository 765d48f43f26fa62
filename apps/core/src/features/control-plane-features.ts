import { actorFeature } from "./actor/actor.routes.ts";
import { adminFeature } from "./admin/admin.routes.ts";
import { apiKeysFeature } from "./api-keys/api-keys.routes.ts";
import { authFeature } from "./auth/auth.routes.ts";
import type { Feature } from "./feature.ts";
import { metricsFeature } from "./metrics/metrics.routes.ts";

/** Authentication and the admin control plane (sessions, actor, grants, API keys, metrics). */
export const CONTROL_PLANE_FEATURES: Feature[] = [
  authFeature,
  actorFeature,
  adminFeature,
  apiKeysFeature,
  metricsFeature,
];
