import {
  apiErrorFor,
  PlystraApiError,
  PlystraError,
  PlystraNetworkError,
  PlystraTimeoutError,
} from "./errors";
import { OPERATIONS } from "./generated/operations";
import type {
  OperationId,
  PathParams,
  QueryParams,
  RefreshResult,
  RequestBody,
  RequestOptions,
  ResponseBody,
  Tokens,
} from "./types";

/** Options of {@link PlystraClient}. */
export interface PlystraClientOptions {
  /** Core base URL, e.g. `http://localhost:8080` (a trailing slash is fine). */
  baseUrl: string;
  /** Token mode: a session access token from `auth.login`. */
  accessToken?: string | null;
  /** Token mode: the refresh token; enables transparent refresh on an expired access token. */
  refreshToken?: string | null;
  /** API-key mode: sent as `X-Plystra-API-Key`; takes precedence over session tokens. */
  apiKey?: string | null;
  /** Called after login, refresh (explicit or transparent) and logout so callers can persist tokens. */
  onTokenChange?: (tokens: Tokens) => void | Promise<void>;
  /** A `fetch` implementation; defaults to the global `fetch`. */
  fetchImpl?: typeof fetch;
  /** Deadline of one call including retries; default 30 000 ms. `0` disables it. */
  timeoutMs?: number;
  /** Retries of a failed attempt (see README for which failures retry); default 2. */
  maxRetries?: number;
  /** Base of the exponential backoff (full jitter); default 300 ms. */
  retryBaseDelayMs?: number;
  /** Cap of one backoff delay; default 8 000 ms. */
  retryMaxDelayMs?: number;
  /** Headers sent on every request. */
  defaultHeaders?: Record<string, string>;
}

/** Credentials and settings shared by a client and every scoped copy of it. */
interface SharedState {
  baseUrl: string;
  fetchImpl: typeof fetch;
  timeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  defaultHeaders: Record<string, string>;
  apiKey: string | null;
  tokens: Tokens;
  onTokenChange?: (tokens: Tokens) => void | Promise<void>;
  refreshing: Promise<RefreshResult> | null;
}

/** Typed input of one operation call. */
export interface CallInput<Op extends OperationId> {
  path?: PathParams<Op>;
  query?: QueryParams<Op> | Record<string, unknown>;
  body?: RequestBody<Op>;
  /** `none`: send no credential (login, refresh). */
  auth?: "default" | "none";
}

// Idempotent by HTTP semantics, so safe to resend after a network error or a gateway failure.
const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
// Only these statuses promise the request was not processed when the server names a Retry-After.
const RETRY_AFTER_STATUS = new Set([429, 503]);
// A server asking for a longer pause than this is better surfaced to the caller than slept on.
const MAX_RETRY_AFTER_MS = 60_000;

export class Transport {
  constructor(
    private readonly state: SharedState,
    private readonly requestId: string | undefined,
  ) {}

  static create(options: PlystraClientOptions): Transport {
    if (!options || typeof options.baseUrl !== "string" || options.baseUrl.trim() === "") {
      throw new PlystraError("PlystraClient: `baseUrl` is required.");
    }
    const fetchImpl = options.fetchImpl ?? (globalThis.fetch as typeof fetch | undefined);
    if (!fetchImpl) throw new PlystraError("PlystraClient: no global fetch; pass `fetchImpl`.");
    return new Transport(
      {
        baseUrl: options.baseUrl.replace(/\/+$/, ""),
        fetchImpl,
        timeoutMs: options.timeoutMs ?? 30_000,
        maxRetries: Math.max(0, options.maxRetries ?? 2),
        retryBaseDelayMs: Math.max(0, options.retryBaseDelayMs ?? 300),
        retryMaxDelayMs: Math.max(0, options.retryMaxDelayMs ?? 8_000),
        defaultHeaders: { ...options.defaultHeaders },
        apiKey: options.apiKey ?? null,
        tokens: { accessToken: options.accessToken ?? null, refreshToken: options.refreshToken ?? null },
        onTokenChange: options.onTokenChange,
        refreshing: null,
      },
      undefined,
    );
  }

  /** A transport sharing credentials but sending `requestId` on every call. */
  withRequestId(requestId: string): Transport {
    return new Transport(this.state, requestId);
  }

  tokens(): Tokens {
    return { ...this.state.tokens };
  }

  setTokens(tokens: Partial<Tokens>): void {
    this.state.tokens = {
      accessToken: tokens.accessToken ?? null,
      refreshToken: tokens.refreshToken ?? null,
      expiresAt: tokens.expiresAt ?? null,
      refreshExpiresAt: tokens.refreshExpiresAt ?? null,
    };
  }

  setApiKey(apiKey: string | null): void {
    this.state.apiKey = apiKey;
  }

  /** Stores new tokens and tells the owner (errors of the callback are the owner's to handle). */
  async storeTokens(tokens: Tokens): Promise<void> {
    this.setTokens(tokens);
    await this.state.onTokenChange?.(this.tokens());
  }

  /**
   * Rotates the session tokens. Concurrent callers (and transparent refreshes) share one request:
   * the server rotates refresh tokens and treats a replayed one as theft, so two parallel refreshes
   * with the same token would end the session.
   */
  refresh(options?: RequestOptions, explicitToken?: string): Promise<RefreshResult> {
    const token = explicitToken ?? this.state.tokens.refreshToken;
    if (!token) {
      return Promise.reject(
        new PlystraError("No refresh token: log in first or pass one to auth.refresh()."),
      );
    }
    if (explicitToken && explicitToken !== this.state.tokens.refreshToken) {
      return this.performRefresh(token, options);
    }
    if (!this.state.refreshing) {
      const run = this.performRefresh(token, options);
      this.state.refreshing = run;
      const clear = () => {
        if (this.state.refreshing === run) this.state.refreshing = null;
      };
      run.then(clear, clear);
    }
    return this.state.refreshing;
  }

  private async performRefresh(token: string, options?: RequestOptions): Promise<RefreshResult> {
    let body: ResponseBody<"refreshSession">;
    try {
      body = await this.call("refreshSession", { body: { refresh_token: token }, auth: "none" }, options);
    } catch (err) {
      // A refused refresh token is final (expired, revoked, or replayed): forget the session.
      if (err instanceof PlystraApiError && err.status === 401) {
        if (this.state.tokens.refreshToken === token) {
          await this.storeTokens({ accessToken: null, refreshToken: null });
        }
      }
      throw err;
    }
    const data = body.data;
    await this.storeTokens({
      accessToken: data.access_token,
      refreshToken: data.refresh_token,
      expiresAt: data.expires_at,
      refreshExpiresAt: data.refresh_expires_at,
    });
    return data;
  }

  /** Calls one contract operation and returns its parsed success body (the whole envelope). */
  async call<Op extends OperationId>(
    op: Op,
    input: CallInput<Op>,
    options: RequestOptions = {},
  ): Promise<ResponseBody<Op>> {
    const { method, path } = OPERATIONS[op];
    const url =
      this.state.baseUrl + expandPath(path, input.path as Record<string, unknown>) + query(input.query);
    const deadline = new Deadline(options.signal, options.timeoutMs ?? this.state.timeoutMs);
    const maxRetries = Math.max(0, options.maxRetries ?? this.state.maxRetries);
    try {
      let refreshed = false;
      for (;;) {
        const credential = input.auth === "none" ? null : this.credential();
        const headers = this.headers(options, credential, input.body !== undefined);
        const init: RequestInit = { method, headers };
        if (input.body !== undefined) init.body = JSON.stringify(input.body);
        const res = await this.send(url, init, deadline, maxRetries);
        const payload = await readJson(res, deadline);
        if (res.ok) return payload as ResponseBody<Op>;
        if (
          res.status === 401 &&
          !refreshed &&
          credential?.kind === "session" &&
          this.state.tokens.refreshToken !== null
        ) {
          refreshed = true;
          await this.refreshAfterUnauthorized(credential.value, deadline);
          continue;
        }
        throw toApiError(res, payload);
      }
    } finally {
      deadline.dispose();
    }
  }

  private credential(): { kind: "api_key" | "session"; value: string } | null {
    if (this.state.apiKey) return { kind: "api_key", value: this.state.apiKey };
    if (this.state.tokens.accessToken) return { kind: "session", value: this.state.tokens.accessToken };
    return null;
  }

  private async refreshAfterUnauthorized(rejectedAccessToken: string, deadline: Deadline): Promise<void> {
    // Another caller already rotated the tokens while this request was in flight: just retry.
    const current = this.state.tokens.accessToken;
    if (current && current !== rejectedAccessToken) return;
    // The shared refresh runs on the client's own deadline so one impatient caller cannot abort it
    // for everyone; each caller still stops waiting at its own deadline.
    await raceAbort(this.refresh(), deadline.signal);
  }

  private headers(
    options: RequestOptions,
    credential: { kind: "api_key" | "session"; value: string } | null,
    hasBody: boolean,
  ): Record<string, string> {
    const h: Record<string, string> = { accept: "application/json" };
    for (const [k, v] of Object.entries(this.state.defaultHeaders)) h[k.toLowerCase()] = v;
    if (hasBody) h["content-type"] = "application/json";
    const requestId = options.requestId ?? this.requestId;
    if (requestId) h["x-request-id"] = requestId;
    if (credential?.kind === "api_key") h["x-plystra-api-key"] = credential.value;
    else if (credential?.kind === "session") h.authorization = `Bearer ${credential.value}`;
    for (const [k, v] of Object.entries(options.headers ?? {})) h[k.toLowerCase()] = v;
    return h;
  }

  /** One logical request: attempts, backoff and Retry-After handling. */
  private async send(
    url: string,
    init: RequestInit,
    deadline: Deadline,
    maxRetries: number,
  ): Promise<Response> {
    const method = (init.method ?? "GET").toUpperCase();
    const idempotent = IDEMPOTENT.has(method);
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await raceAbort(
          this.state.fetchImpl(url, { ...init, signal: deadline.signal }),
          deadline.signal,
        );
      } catch (err) {
        if (deadline.signal.aborted) throw deadline.signal.reason;
        // A non-idempotent request may have reached the server; resending could apply it twice.
        if (idempotent && attempt < maxRetries) {
          await sleep(this.backoff(attempt), deadline.signal);
          continue;
        }
        throw new PlystraNetworkError(`${method} ${url} failed: ${(err as Error)?.message ?? String(err)}`, {
          cause: err,
        });
      }
      if (attempt >= maxRetries) return res;
      const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
      const retryable =
        (idempotent && RETRYABLE_STATUS.has(res.status)) ||
        (RETRY_AFTER_STATUS.has(res.status) && retryAfter !== null);
      if (!retryable) return res;
      const delay = retryAfter ?? this.backoff(attempt);
      if (delay > MAX_RETRY_AFTER_MS || !deadline.allows(delay)) return res;
      await res.body?.cancel().catch(() => undefined);
      await sleep(delay, deadline.signal);
    }
  }

  /** Exponential backoff with full jitter: uniform in [0, min(cap, base · 2^attempt)). */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.state.retryMaxDelayMs, this.state.retryBaseDelayMs * 2 ** attempt);
    return Math.floor(Math.random() * ceiling);
  }
}

/** Aborts on the caller's signal or at the call's deadline, whichever comes first. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private readonly endsAt: number;
  private readonly onAbort: () => void;

  constructor(
    private readonly user: AbortSignal | undefined,
    timeoutMs: number,
  ) {
    this.onAbort = () => this.controller.abort(user?.reason);
    if (user?.aborted) this.controller.abort(user.reason);
    else user?.addEventListener("abort", this.onAbort, { once: true });
    const finite = Number.isFinite(timeoutMs) && timeoutMs > 0;
    this.endsAt = finite ? Date.now() + timeoutMs : Number.POSITIVE_INFINITY;
    if (finite) {
      this.timer = setTimeout(() => this.controller.abort(new PlystraTimeoutError(timeoutMs)), timeoutMs);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  allows(delayMs: number): boolean {
    return Date.now() + delayMs < this.endsAt;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.user?.removeEventListener("abort", this.onAbort);
  }
}

/** Settles with `promise`, or rejects with the signal's reason once it aborts (even if a custom fetch ignores it). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return signal.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  return raceAbort(new Promise<void>((resolve) => setTimeout(resolve, ms)), signal);
}

/** `Retry-After` as delta-seconds or an HTTP date, in milliseconds; null when absent or unparsable. */
export function parseRetryAfter(value: string | null): number | null {
  if (value === null || value.trim() === "") return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

async function readJson(res: Response, deadline: Deadline): Promise<unknown> {
  const text = await raceAbort(res.text(), deadline.signal);
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    if (res.ok) throw new PlystraError(`Expected a JSON body from the server (HTTP ${res.status}).`);
    return { raw: text };
  }
}

function toApiError(res: Response, payload: unknown) {
  const err = (payload as { error?: Record<string, unknown> } | null)?.error;
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  return apiErrorFor({
    status: res.status,
    code: str(err?.code) ?? `HTTP_${res.status}`,
    message: str(err?.message) ?? `HTTP ${res.status} ${res.statusText}`.trim(),
    details: err?.details ?? null,
    requestId:
      str(err?.request_id) ??
      str((payload as { request_id?: unknown } | null)?.request_id) ??
      res.headers.get("x-request-id"),
    traceId: str(err?.trace_id),
    auditLogId: str(err?.audit_log_id),
    denyCode: str(err?.deny_code) as never,
    retryAfterMs: parseRetryAfter(res.headers.get("retry-after")),
    headers: res.headers,
  });
}

function expandPath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null || value === "") {
      throw new PlystraError(`Missing path parameter \`${name}\` for ${template}.`);
    }
    return encodeURIComponent(String(value));
  });
}

function query(params: object | undefined): string {
  if (!params) return "";
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) qs.append(k, String(item));
    else qs.append(k, String(v));
  }
  const s = qs.toString();
  return s ? `?${s}` : "";
}
