// parseBody reads the Node request directly when served by @hono/node-server (the harness's
// in-process requests never take that path), so these tests go through a real socket.
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { parseBody, setMaxBodyBytes } from "./body.ts";
import type { AppError } from "./errors.ts";
import type { AppEnv } from "./types.ts";

const LIMIT = 64 * 1024;
let server: ReturnType<typeof serve>;
let port: number;

beforeAll(async () => {
  setMaxBodyBytes(LIMIT);
  const app = new Hono<AppEnv>();
  app.post("/echo", async (c) => c.json(await parseBody(c, z.strictObject({ text: z.string() }))));
  // Render the real status so a 500-class failure cannot pass as a 400.
  app.onError((err, c) =>
    c.json(
      { code: (err as AppError).code ?? "INTERNAL", message: err.message },
      ((err as AppError).status ?? 500) as 400,
    ),
  );
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  setMaxBodyBytes(1_048_576);
  await new Promise((r) => server.close(r));
});

/** Sends raw bytes; chunked (no content-length) when `chunks` has more than one part. */
function post(chunks: (string | Buffer)[]): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const single = chunks.length === 1;
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path: "/echo",
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(single ? { "content-length": Buffer.byteLength(chunks[0]) } : {}),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe("parseBody over a real socket", () => {
  it("parses a body sent in many chunks, including multi-byte characters split across chunks", async () => {
    const json = Buffer.from(JSON.stringify({ text: `${"x".repeat(20_000)}€ü` }));
    const cut = json.length - 6; // inside the three-byte "€"
    const res = await post([json.subarray(0, 10), json.subarray(10, cut), json.subarray(cut)]);
    expect(res.status).toBe(200);
    expect(res.body.text.endsWith("€ü")).toBe(true);
    expect(res.body.text).toHaveLength(20_002);
  });

  it("accepts a leading byte-order mark, as Request.text() does", async () => {
    const res = await post([`\uFEFF${JSON.stringify({ text: "bom" })}`]);
    expect(res.status).toBe(200);
    expect(res.body.text).toBe("bom");
  });

  it("refuses invalid JSON, an empty body and unknown fields with a 400 naming the problem", async () => {
    expect((await post(["{nope"])).body.message).toBe("Request body is invalid JSON.");
    expect((await post([""])).body.message).toBe("Request body is required.");
    const unknown = await post([JSON.stringify({ text: "a", extra: 1 })]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain("extra");
  });

  it("refuses a chunked body over the limit without buffering it all, and keeps serving", async () => {
    const big = await post([`{"text":"`, "y".repeat(LIMIT), `"}`]);
    expect(big.status).toBe(400);
    expect(big.body.message).toBe(`Request body exceeds ${LIMIT} bytes.`);
    const declared = await post([JSON.stringify({ text: "z".repeat(LIMIT) })]);
    expect(declared.body.message).toBe(`Request body exceeds ${LIMIT} bytes.`);
    expect((await post([JSON.stringify({ text: "after" })])).body.text).toBe("after");
  });
});
