// Timeouts, cancellation and retries, with a fetch wrapper in front of the real Core.
import { describe, expect, it } from "vitest";
import {
  PlystraClient,
  PlystraNetworkError,
  PlystraRateLimitError,
  PlystraServerError,
  PlystraTimeoutError,
} from "../src/index";
import { parseRetryAfter } from "../src/transport";
import { ALICE, aliceClient, newClient } from "./helpers";

/** Answers the first `failures` attempts itself, then forwards to the real Core. */
function flaky(failures: number, respond: () => Response | Promise<Response>) {
  const attempts: { method: string; path: string }[] = [];
  const impl: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    attempts.push({ method: (init?.method ?? "GET").toUpperCase(), path: url.pathname });
    if (attempts.length <= failures) return respond();
    return fetch(input, init);
  };
  return { impl, attempts };
}

const unavailable = (headers: Record<string, string> = {}) =>
  new Response(
    JSON.stringify({ error: { code: "NOT_READY", message: "busy", details: null, request_id: "req_fake" } }),
    { status: 503, headers: { "content-type": "application/json", ...headers } },
  );

describe("timeouts and cancellation", () => {
  it("a fetch that never answers ends in PlystraTimeoutError at the deadline", async () => {
    const never: typeof fetch = () => new Promise<Response>(() => undefined);
    const client = newClient({ fetchImpl: never, timeoutMs: 100 });
    const started = Date.now();
    const err = await client.system.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlystraTimeoutError);
    expect((err as PlystraTimeoutError).timeoutMs).toBe(100);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("a per-call timeout shorter than a slow route (password hashing) times out against the real Core", async () => {
    const client = newClient();
    const err = await client.auth.login(ALICE, { timeoutMs: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlystraTimeoutError);
    expect(client.tokens().accessToken).toBeNull();
    // The same call without the tiny deadline succeeds.
    await expect(client.auth.login(ALICE)).resolves.toMatchObject({ token_type: "Bearer" });
  });

  it("a caller's AbortSignal cancels with the signal's reason, not a timeout", async () => {
    const never: typeof fetch = () => new Promise<Response>(() => undefined);
    const client = newClient({ fetchImpl: never });
    const ctl = new AbortController();
    const pending = client.system.version({ signal: ctl.signal }).catch((e: unknown) => e);
    ctl.abort(new Error("user cancelled"));
    const err = await pending;
    expect(err).not.toBeInstanceOf(PlystraTimeoutError);
    expect((err as Error).message).toBe("user cancelled");
  });
});

describe("retries", () => {
  it("a 503 with Retry-After: 0 is retried once and then succeeds (GET)", async () => {
    const f = flaky(1, () => unavailable({ "retry-after": "0" }));
    const v = await newClient({ fetchImpl: f.impl }).system.version();
    expect(v.version).toBeTruthy();
    expect(f.attempts).toHaveLength(2);
  });

  it("a POST is retried on 503 only because the server sent Retry-After", async () => {
    const admin = await aliceClient();
    const f = flaky(1, () => unavailable({ "retry-after": "0" }));
    const client = newClient({ fetchImpl: f.impl });
    client.setTokens(admin.tokens());
    const d = await client.authz.check({
      resource_type: "invoice",
      resource_id: "invoice_001",
      action: "approve",
    });
    expect(d.decision).toBe("allow");
    expect(f.attempts.map((a) => a.method)).toEqual(["POST", "POST"]);
  });

  it("a POST answered 503 without Retry-After is not retried", async () => {
    const f = flaky(1, () => unavailable());
    const client = newClient({ fetchImpl: f.impl, retryBaseDelayMs: 1 });
    const err = await client.auth.login(ALICE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlystraServerError);
    expect((err as PlystraServerError).status).toBe(503);
    expect(f.attempts).toHaveLength(1);
  });

  it("an idempotent GET is retried with backoff on 502 and on network errors", async () => {
    let n = 0;
    const f = flaky(2, () => {
      n += 1;
      if (n === 1) return new Response("bad gateway", { status: 502 });
      throw new TypeError("fetch failed: socket hang up");
    });
    const v = await newClient({ fetchImpl: f.impl, retryBaseDelayMs: 1 }).system.version();
    expect(v.version).toBeTruthy();
    expect(f.attempts).toHaveLength(3);
  });

  it("a POST that fails at the network is not resent", async () => {
    const f = flaky(1, () => {
      throw new TypeError("fetch failed: connection reset");
    });
    const err = await newClient({ fetchImpl: f.impl, retryBaseDelayMs: 1 })
      .auth.login(ALICE)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlystraNetworkError);
    expect(f.attempts).toHaveLength(1);
  });

  it("gives up after maxRetries and surfaces the last error", async () => {
    const f = flaky(100, () => unavailable());
    const err = await newClient({ fetchImpl: f.impl, maxRetries: 3, retryBaseDelayMs: 1 })
      .system.version()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlystraServerError);
    expect((err as PlystraServerError).code).toBe("NOT_READY");
    expect(f.attempts).toHaveLength(4);
  });

  it("a long Retry-After is not slept on: the caller gets PlystraRateLimitError with retryAfterMs", async () => {
    const f = flaky(
      1,
      () =>
        new Response(
          JSON.stringify({
            error: { code: "AUTH_RATE_LIMITED", message: "slow down", details: null, request_id: "req_x" },
          }),
          { status: 429, headers: { "content-type": "application/json", "retry-after": "120" } },
        ),
    );
    const err = await newClient({ fetchImpl: f.impl })
      .system.version()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlystraRateLimitError);
    expect((err as PlystraRateLimitError).retryAfterMs).toBe(120_000);
    expect(f.attempts).toHaveLength(1);
  });

  it("an unreachable server is PlystraNetworkError", async () => {
    const dead = new PlystraClient({ baseUrl: "http://127.0.0.1:9", maxRetries: 0 });
    await expect(dead.system.version()).rejects.toBeInstanceOf(PlystraNetworkError);
  });
});

describe("Retry-After parsing", () => {
  it("accepts delta-seconds and HTTP dates, ignores garbage", () => {
    expect(parseRetryAfter("0")).toBe(0);
    expect(parseRetryAfter("7")).toBe(7_000);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(parseRetryAfter(inTenSeconds)).toBeGreaterThan(8_000);
    expect(parseRetryAfter(new Date(Date.now() - 60_000).toUTCString())).toBe(0);
    expect(parseRetryAfter("soon")).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});
