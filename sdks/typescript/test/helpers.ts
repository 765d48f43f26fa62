import { inject } from "vitest";
import { PlystraClient, type PlystraClientOptions } from "../src/index";

export const ALICE = { email: "alice@example.com", password: "plystra-demo" } as const;
/** Alice acting as the Finance Reviewer: what an API-key caller names in managed mode. */
export const DEMO_ALICE_ACTOR = {
  user_id: "user_alice",
  member_id: "member_finance_reviewer",
  user_member_id: "um_alice_finance_reviewer",
  space_id: "space_acme",
} as const;
export const BOB = { email: "bob@example.com", password: "plystra-demo" } as const;

/** Base URL of the Core started by test/global-setup.ts. */
export function baseUrl(): string {
  return inject("plystraBaseUrl");
}

export function newClient(options: Partial<PlystraClientOptions> = {}): PlystraClient {
  return new PlystraClient({ baseUrl: baseUrl(), ...options });
}

/** A client logged in as Alice (the demo's instance super admin). */
export async function aliceClient(options: Partial<PlystraClientOptions> = {}): Promise<PlystraClient> {
  const client = newClient(options);
  await client.auth.login(ALICE);
  return client;
}

export interface RecordedCall {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  status: number | null;
}

/** Wraps the global fetch and records every request it forwards. */
export function recordingFetch(inner: typeof fetch = fetch) {
  const calls: RecordedCall[] = [];
  const impl: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const call: RecordedCall = {
      method: (init?.method ?? "GET").toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers: new Headers(init?.headers),
      status: null,
    };
    calls.push(call);
    const res = await inner(input, init);
    call.status = res.status;
    return res;
  };
  return { impl, calls, count: (path: string) => calls.filter((c) => c.path === path).length };
}

let seq = 0;
/** A short unique suffix for ids and names created by a test. */
export function unique(prefix: string): string {
  seq += 1;
  return `${prefix}_${Date.now().toString(36)}${seq}${Math.random().toString(36).slice(2, 6)}`;
}
