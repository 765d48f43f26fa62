import { MANAGEMENT_FEATURES } from "./management-features.ts";
import { auditFeature } from "./audit/audit.routes.ts";
import { authzFeature } from "./authz/authz.routes.ts";
import { registryFeature } from "./registry/registry.routes.ts";
import { resourcesFeature } from "./resources/resources.routes.ts";
import { systemFeature } from "./system/system.routes.ts";
import { CONTROL_PLANE_FEATURES } from "./control-plane-features.ts";
import type { Feature } from "./feature.ts";

/** Every feature serving the contract; together they handle each operation exactly once. */
export const FEATURES: Feature[] = [
  systemFeature,
  ...CONTROL_PLANE_FEATURES,
  ...MANAGEMENT_FEATURES,
  authzFeature,
  auditFeature,
  registryFeature,
  resourcesFeature,
];
