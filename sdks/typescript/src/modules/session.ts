import type {
  LoginInput,
  LoginResult,
  RefreshResult,
  RequestBody,
  RequestOptions,
  ResponseData,
} from "../types";
import { ApiModule } from "./base";

/**
 * Liveness, readiness and version.
 *
 * @example
 * ```ts
 * const { version } = await client.system.version();
 * ```
 */
export class SystemModule extends ApiModule {
  /** `GET /api/v1/version`. */
  version(options?: RequestOptions): Promise<ResponseData<"getVersion">> {
    return this._data("getVersion", {}, options);
  }
  /** `GET /api/v1/health`. */
  health(options?: RequestOptions): Promise<ResponseData<"getHealth">> {
    return this._data("getHealth", {}, options);
  }
  /** `GET /api/v1/ready`; a not-ready server answers 503 (`PlystraServerError`, code `NOT_READY`). */
  ready(options?: RequestOptions): Promise<ResponseData<"getReadiness">> {
    return this._data("getReadiness", {}, options);
  }
}

/**
 * Sessions: login, refresh, logout. The client stores the tokens and reports every change to
 * `onTokenChange`.
 *
 * @example
 * ```ts
 * const client = new PlystraClient({ baseUrl, onTokenChange: (t) => save(t) });
 * await client.auth.login({ email: "alice@example.com", password: "plystra-demo" });
 * await client.auth.logout();
 * ```
 */
export class AuthModule extends ApiModule {
  /** Logs in and stores the session tokens on the client. */
  async login(input: LoginInput, options?: RequestOptions): Promise<LoginResult> {
    const data = await this._data("login", { body: input, auth: "none" }, options);
    await this._transport.storeTokens({
      accessToken: data.access_token,
      refreshToken: data.refresh_token,
      expiresAt: data.expires_at,
      refreshExpiresAt: data.refresh_expires_at,
    });
    return data;
  }

  /**
   * Rotates both tokens (the old refresh token stops working) and stores the new pair. Uses the
   * stored refresh token unless one is given. Concurrent calls share one request.
   */
  refresh(refreshToken?: string, options?: RequestOptions): Promise<RefreshResult> {
    return this._transport.refresh(options, refreshToken);
  }

  /**
   * Ends the session (by the stored refresh token, else the access token) and clears the stored
   * tokens. Idempotent on the server.
   */
  async logout(body?: RequestBody<"logout">, options?: RequestOptions): Promise<ResponseData<"logout">> {
    const stored = this._transport.tokens();
    const refresh_token = body?.refresh_token ?? stored.refreshToken ?? undefined;
    const data = refresh_token
      ? await this._data("logout", { body: { refresh_token }, auth: "none" }, options)
      : await this._data("logout", { body: {} }, options);
    await this._transport.storeTokens({ accessToken: null, refreshToken: null });
    return data;
  }

  /**
   * `GET /api/v1/auth/me`: the session's user, its active actor (null when the user has no live
   * Member binding) and the bindings it may switch to. Needs a bearer session (API keys get 401).
   */
  me(options?: RequestOptions): Promise<ResponseData<"getAuthMe">> {
    return this._data("getAuthMe", {}, options);
  }

  /** Self-registration (only when the server enables it; otherwise 403 `REGISTRATION_DISABLED`). */
  register(body: RequestBody<"register">, options?: RequestOptions): Promise<ResponseData<"register">> {
    return this._data("register", { body, auth: "none" }, options);
  }
}

/**
 * The session's active actor (User acting as a Member through a binding).
 *
 * @example
 * ```ts
 * const ctx = await client.actor.context();
 * await client.actor.switchMember({ user_member_id: ctx.available_members[0].user_member_id });
 * ```
 */
export class ActorModule extends ApiModule {
  context(options?: RequestOptions): Promise<ResponseData<"getActorContext">> {
    return this._data("getActorContext", {}, options);
  }
  switchMember(
    body: RequestBody<"switchMember">,
    options?: RequestOptions,
  ): Promise<ResponseData<"switchMember">> {
    return this._data("switchMember", { body }, options);
  }
}
