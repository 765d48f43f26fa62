import type { Deps } from "../deps.ts";
import type { OperationRegistry } from "../http/operations.ts";

/**
 * A feature registers the handlers of its operations by operationId (method, path and permission
 * come from the spec) and starts any background services it needs. Its own module, so a
 * feature's routes can name the type without importing the list that imports them.
 */
export interface Feature {
  name: string;
  install(ops: OperationRegistry, deps: Deps): void;
}
