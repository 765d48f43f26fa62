import type { Deps } from "../deps.ts";
import type { OperationRegistry } from "../http/operations.ts";
import { MANAGEMENT_FEATURES } from "./_crud/features.ts";
import { auditFeature } from "./audit/audit.routes.ts";
import { authzFeature } from "./authz/authz.routes.ts";
import { registryFeature } from "./registry/registry.routes.ts";
import { resourcesFeature } from "./resources/resources.routes.ts";
import { systemFeature } from "./system/system.routes.ts";
import { CONTROL_PLANE_FEATURES } from "./control-plane.ts";

/**
 * A feature registers the handlers of its operations by operationId (method, path and permission
 * come from the spec) and starts any background services it needs.
 */
export interface Feature {
  name: string;
  install(ops: OperationRegistry, deps: Deps): void;
}

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
