import { AdminModule, ApiKeysModule, AuditModule } from "./modules/admin";
import { AuthzModule } from "./modules/authz";
import {
  GroupsModule,
  MembersModule,
  SpacesModule,
  UserMembersModule,
  UsersModule,
} from "./modules/identity";
import { MemberRolesModule, PermissionsModule, RolePermissionsModule, RolesModule } from "./modules/rbac";
import { DataModule, ResourcesModule, ResourceTypesModule } from "./modules/resources";
import { ActorModule, AuthModule, SystemModule } from "./modules/session";
import { type PlystraClientOptions, Transport } from "./transport";
import type { OperationId, RequestOptions, ResponseBody, Tokens } from "./types";
import type { CallInput } from "./transport";

/**
 * The Plystra Core client. API areas are properties (`client.authz`, `client.users`, …); every
 * method takes an optional last {@link RequestOptions} argument.
 *
 * Token mode (a person's session):
 * ```ts
 * const client = new PlystraClient({ baseUrl: "http://localhost:8080", onTokenChange: persist });
 * await client.auth.login({ email: "alice@example.com", password: "plystra-demo" });
 * const decision = await client.authz.check({ resource_type: "invoice", resource_id: "invoice_001", action: "approve" });
 * ```
 * API-key mode (a backend service):
 * ```ts
 * const client = new PlystraClient({ baseUrl, apiKey: process.env.PLYSTRA_API_KEY });
 * ```
 */
export class PlystraClient {
  declare readonly system: SystemModule;
  declare readonly auth: AuthModule;
  declare readonly actor: ActorModule;
  declare readonly admin: AdminModule;
  declare readonly apiKeys: ApiKeysModule;
  declare readonly authz: AuthzModule;
  declare readonly audit: AuditModule;
  declare readonly users: UsersModule;
  declare readonly spaces: SpacesModule;
  declare readonly groups: GroupsModule;
  declare readonly members: MembersModule;
  declare readonly userMembers: UserMembersModule;
  declare readonly roles: RolesModule;
  declare readonly memberRoles: MemberRolesModule;
  declare readonly permissions: PermissionsModule;
  declare readonly rolePermissions: RolePermissionsModule;
  declare readonly resourceTypes: ResourceTypesModule;
  declare readonly resources: ResourcesModule;
  declare readonly data: DataModule;
  declare private readonly _transport: Transport;

  constructor(options: PlystraClientOptions) {
    bind(this, Transport.create(options));
  }

  /**
   * A client that shares this one's credentials and token state but sends `requestId` as
   * `X-Request-ID` on every call (handy to correlate one incoming request with its checks).
   *
   * @example
   * ```ts
   * const scoped = client.withRequestId("req_checkout_42");
   * await scoped.authz.check(input); // audit row carries request_id "req_checkout_42"
   * ```
   */
  withRequestId(requestId: string): PlystraClient {
    const scoped = Object.create(PlystraClient.prototype) as PlystraClient;
    bind(scoped, this._transport.withRequestId(requestId));
    return scoped;
  }

  /** The session tokens currently held (token mode). */
  tokens(): Tokens {
    return this._transport.tokens();
  }

  /**
   * Replaces the held session tokens, e.g. with ones restored from storage. Does not call
   * `onTokenChange`.
   */
  setTokens(tokens: Partial<Tokens>): void {
    this._transport.setTokens(tokens);
  }

  /** Switches to (or, with `null`, away from) API-key mode. */
  setApiKey(apiKey: string | null): void {
    this._transport.setApiKey(apiKey);
  }

  /**
   * Calls any operation of the contract by operationId and returns the whole envelope
   * (`{data, request_id}` or `{data, pagination, request_id}`).
   *
   * @example
   * ```ts
   * const env = await client.requestEnvelope("getVersion", {}, { requestId: "req_probe" });
   * console.log(env.request_id, env.data.version);
   * ```
   */
  requestEnvelope<Op extends OperationId>(
    operationId: Op,
    input: CallInput<Op> = {},
    options?: RequestOptions,
  ): Promise<ResponseBody<Op>> {
    return this._transport.call(operationId, input, options);
  }
}

function bind(client: PlystraClient, transport: Transport): void {
  const set = (name: string, value: unknown) =>
    Object.defineProperty(client, name, { value, enumerable: name !== "_transport" });
  set("_transport", transport);
  set("system", new SystemModule(transport));
  set("auth", new AuthModule(transport));
  set("actor", new ActorModule(transport));
  set("admin", new AdminModule(transport));
  set("apiKeys", new ApiKeysModule(transport));
  set("authz", new AuthzModule(transport));
  set("audit", new AuditModule(transport));
  set("users", new UsersModule(transport));
  set("spaces", new SpacesModule(transport));
  set("groups", new GroupsModule(transport));
  set("members", new MembersModule(transport));
  set("userMembers", new UserMembersModule(transport));
  set("roles", new RolesModule(transport));
  set("memberRoles", new MemberRolesModule(transport));
  set("permissions", new PermissionsModule(transport));
  set("rolePermissions", new RolePermissionsModule(transport));
  set("resourceTypes", new ResourceTypesModule(transport));
  set("resources", new ResourcesModule(transport));
  set("data", new DataModule(transport));
}
