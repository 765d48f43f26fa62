/**
 * `@plystra/sdk` — the official TypeScript/JavaScript client for Plystra Core.
 *
 * @example
 * ```ts
 * import { PlystraClient } from "@plystra/sdk";
 *
 * const client = new PlystraClient({ baseUrl: "http://localhost:8080" });
 * await client.auth.login({ email: "alice@example.com", password: "plystra-demo" });
 * const d = await client.authz.check({ resource_type: "invoice", resource_id: "invoice_001", action: "approve" });
 * console.log(d.decision); // "allow"
 * ```
 */
export { PlystraClient } from "./client";
export {
  PlystraApiError,
  type PlystraApiErrorInit,
  PlystraAuthError,
  PlystraAuthorizationError,
  PlystraConflictError,
  PlystraError,
  PlystraNetworkError,
  PlystraNotFoundError,
  PlystraRateLimitError,
  PlystraServerError,
  PlystraTimeoutError,
  PlystraValidationError,
} from "./errors";
export { type ListEnvelope, Page, PagePromise } from "./pagination";
export type { CallInput, PlystraClientOptions } from "./transport";
export type {
  AuthzCheckInput,
  AuthzCheckResult,
  AuthzExplainResult,
  components,
  DenyCode,
  ErrorCode,
  ListItem,
  LoginInput,
  LoginResult,
  OperationId,
  operations,
  Pagination,
  PathParams,
  paths,
  QueryParams,
  RefreshResult,
  RequestBody,
  RequestOptions,
  ResponseBody,
  ResponseData,
  Schemas,
  Tokens,
} from "./types";
export type {
  ActorModule,
  AuthModule,
  SystemModule,
} from "./modules/session";
export type { AdminModule, ApiKeysModule, AuditModule } from "./modules/admin";
export type { AuthzModule } from "./modules/authz";
export type {
  GroupsModule,
  MembersModule,
  SpacesModule,
  UserMembersModule,
  UsersModule,
} from "./modules/identity";
export type {
  MemberRolesModule,
  PermissionsModule,
  RolePermissionsModule,
  RolesModule,
} from "./modules/rbac";
export type { DataModule, ResourcesModule, ResourceTypesModule } from "./modules/resources";
