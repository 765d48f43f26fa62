import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./harness.ts";

/**
 * Loads the interactive reference in Debian's headless Chromium (never a downloaded browser) and
 * checks it renders the check operation while loading nothing from another host. CI installs the
 * `chromium` package; elsewhere the test is skipped when the binary is absent.
 */
const CHROMIUM = process.env.PLYSTRA_CHROMIUM ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is required in CI (apt-get install chromium)`);

describe.skipIf(!available)("/docs in headless Chromium", () => {
  let t: TestApp;
  let server: ReturnType<typeof serve>;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp();
    await new Promise<void>((resolve) => {
      server = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.close();
  });

  it("renders the check operation from same-origin resources only", async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage();
      const foreign: string[] = [];
      const errors: string[] = [];
      page.on("request", (req) => {
        const url = req.url();
        if (!url.startsWith(base) && !url.startsWith("data:") && !url.startsWith("blob:")) foreign.push(url);
      });
      page.on("console", (msg) => {
        if (msg.type() === "error") errors.push(msg.text());
      });
      page.on("pageerror", (err) => errors.push(err.message));
      const res = await page.goto(`${base}/docs`, { waitUntil: "load" });
      expect(res?.status()).toBe(200);
      // The sidebar lists the spec's tag groups; opening Authorization shows its operations.
      await page.getByText("Open Group - Authorization").first().click({ timeout: 30_000 });
      await page.getByText("Run authorization check").first().waitFor({ state: "visible", timeout: 15_000 });
      expect(await page.title()).toContain("Plystra");
      expect(foreign).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
