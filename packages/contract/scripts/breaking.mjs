#!/usr/bin/env node
// Breaking-change gate: openapi/plystra.yaml must not break a client written against the released
// contract, openapi/baseline/v1.0.yaml. oasdiff (pinned, from the Go module proxy) finds the changes;
// ERR-level ones fail the gate unless openapi/breaking-allowlist.md (oasdiff's err-ignore file) lists
// them. See openapi/README.md for the allowlist policy.
//
//   node scripts/breaking.mjs                     the gate, then a self-test proving it still fails on real breaks
//   node scripts/breaking.mjs --update-allowlist  rewrite the allowlist's entries from today's spec
//                                                 (request-side tightening only; anything else is refused)
//   --spec FILE                                   check FILE instead of openapi/plystra.yaml (e.g. another branch's)
//   OASDIFF=/path/to/oasdiff                      use that binary instead of the pinned install

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";

const OASDIFF_VERSION = "v1.37.0";
const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(pkgDir, "..", "..");
const BASELINE = join(repoRoot, "openapi", "baseline", "v1.0.yaml");
const specArg = process.argv.indexOf("--spec");
const SPEC = specArg > 0 ? resolve(process.argv[specArg + 1]) : join(repoRoot, "openapi", "plystra.yaml");
const ALLOWLIST = join(repoRoot, "openapi", "breaking-allowlist.md");
const MARKER = "<!-- entries below are written by `pnpm contract:breaking --update-allowlist` -->";

/**
 * The only kinds of ERR change the allowlist may hold: a request gains a declared limit. They are
 * breaking only for a client that sent values outside the limit, which is allowed when the server
 * already refused those values (4xx, or a 500 that was a bug) before the limit was written down.
 */
const TIGHTENING = {
  "request-property-pattern-added": "a request body property gained the pattern the server already checks",
  "request-parameter-pattern-added": "a path or query parameter gained the pattern the server already checks",
  "request-property-max-length-set":
    "a request body string gained the maximum length the server already enforces",
  "request-property-min-length-set":
    "a request body string gained the minimum length the server already enforces",
  "request-parameter-max-length-set": "a parameter gained the maximum length the server already enforces",
  "request-parameter-min-length-set":
    "a parameter gained the minimum length (no empty value) the server already enforces",
  "request-property-max-items-set": "a request array gained the maximum size the server already enforces",
  "request-property-min-items-set": "a request array gained the minimum size the server already enforces",
  "request-property-max-set": "a request number gained the maximum the server already enforces",
  "request-property-min-set": "a request number gained the minimum the server already enforces",
  "request-parameter-max-set": "a parameter gained the maximum the server already enforces",
  "request-parameter-min-set": "a parameter gained the minimum the server already enforces",
  "request-property-became-enum":
    "a request property was restricted to the values the server already accepts",
  "request-parameter-became-enum": "a parameter was restricted to the values the server already accepts",
  "request-property-enum-value-removed": "a request enum lost a value the server always refused",
  "request-parameter-enum-value-removed": "a parameter enum lost a value the server always refused",
};

/** The pinned oasdiff: $OASDIFF, else `go install` into node_modules/.cache once. */
function oasdiffBinary() {
  if (process.env.OASDIFF) return process.env.OASDIFF;
  const bin = join(repoRoot, "node_modules", ".cache", `oasdiff-${OASDIFF_VERSION}`);
  const exe = join(bin, "oasdiff");
  if (!existsSync(exe)) {
    console.error(`installing oasdiff ${OASDIFF_VERSION} from the Go module proxy…`);
    execFileSync("go", ["install", `github.com/oasdiff/oasdiff@${OASDIFF_VERSION}`], {
      env: { ...process.env, GOBIN: bin },
      stdio: "inherit",
    });
  }
  return exe;
}

const OASDIFF = oasdiffBinary();

/** Runs `oasdiff breaking`; returns exit status and output. */
function breaking(base, revision, extra = []) {
  const r = spawnSync(OASDIFF, ["breaking", base, revision, "--fail-on", "ERR", ...extra], {
    encoding: "utf8",
  });
  if (r.error) throw r.error;
  if (r.status !== 0 && r.status !== 1) throw new Error(`oasdiff failed (${r.status}): ${r.stderr}`);
  return { failed: r.status === 1, out: r.stdout + r.stderr };
}

const gate = (revision) =>
  breaking(BASELINE, revision, ["--err-ignore", ALLOWLIST, "--format", "singleline", "--color", "never"]);

function updateAllowlist() {
  const r = spawnSync(OASDIFF, ["breaking", BASELINE, SPEC, "--format", "json"], { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new Error(`oasdiff failed: ${r.stderr}`);
  const changes = JSON.parse(r.stdout || "[]").filter((c) => c.level === 3); // 3 = ERR
  const allowed = changes.filter((c) => c.section === "paths" && c.id in TIGHTENING);
  const text = readFileSync(ALLOWLIST, "utf8");
  const at = text.indexOf(MARKER);
  if (at < 0) throw new Error(`${relative(repoRoot, ALLOWLIST)} lost its marker line: ${MARKER}`);
  const byHand = text.slice(0, at).toLowerCase();
  const entry = (c) => `${c.operation} ${c.path} ${c.text}`;
  const refused = changes.filter((c) => !allowed.includes(c) && !byHand.includes(entry(c).toLowerCase()));
  let out = `${text.slice(0, at + MARKER.length)}\n`;
  for (const [id, why] of Object.entries(TIGHTENING)) {
    const entries = allowed.filter((c) => c.id === id);
    if (!entries.length) continue;
    out += `\n## ${id}: ${why}\n\n`;
    const lines = entries.map((c) => `- ${entry(c)}`);
    out += `${[...new Set(lines)].sort().join("\n")}\n`;
  }
  writeFileSync(ALLOWLIST, out);
  console.log(`${relative(repoRoot, ALLOWLIST)}: ${allowed.length} request-side tightening change(s) listed`);
  if (refused.length) {
    console.error(`${refused.length} breaking change(s) cannot be allowlisted; fix the spec instead:`);
    for (const c of refused) console.error(`  [${c.id}] ${c.operation ?? ""} ${c.path ?? ""} ${c.text}`);
    process.exit(1);
  }
}

/**
 * Proves the gate still bites: each mutation of today's spec is a real break a v1.0 client would
 * feel, and the gate must fail on it (while passing on the spec itself).
 */
function selfTest() {
  const spec = parse(readFileSync(SPEC, "utf8"));
  const schemas = spec.components.schemas;
  const need = (cond, what) => {
    if (!cond) throw new Error(`self-test: today's spec no longer has ${what}; pick another target`);
  };
  need(spec.paths["/api/v1/authz/check"]?.post, "POST /api/v1/authz/check");
  need(schemas.ApiOpenAPIAuthzCheckResponse?.properties?.audit_log_id, "AuthzCheckResponse.audit_log_id");
  need(schemas.ApiAuthLoginRequest?.properties?.password, "AuthLoginRequest.password");
  need(schemas.ApiOpenAPIGroup?.properties?.path, "Group.path");
  const mutations = {
    "an operation removed": (s) => delete s.paths["/api/v1/authz/check"].post,
    "a response field removed": (s) => {
      const r = s.components.schemas.ApiOpenAPIAuthzCheckResponse;
      delete r.properties.audit_log_id;
      r.required = (r.required ?? []).filter((k) => k !== "audit_log_id");
    },
    "a response field's type changed": (s) => {
      s.components.schemas.ApiOpenAPIGroup.properties.path = { type: "integer" };
    },
    "a request limit not on the allowlist": (s) => {
      s.components.schemas.ApiAuthLoginRequest.properties.password.maxLength = 7;
    },
    "a new required request field": (s) => {
      const r = s.components.schemas.ApiAuthLoginRequest;
      r.properties.otp = { type: "string" };
      r.required = [...(r.required ?? []), "otp"];
    },
  };
  const dir = mkdtempSync(join(tmpdir(), "plystra-breaking-"));
  let bad = 0;
  try {
    // Control: the spec itself, written the same way, passes (so a failure below is the mutation's).
    const control = join(dir, "control.yaml");
    writeFileSync(control, stringify(spec));
    if (gate(control).failed) throw new Error("self-test: the unmutated spec fails after a YAML round trip");
    for (const [name, mutate] of Object.entries(mutations)) {
      const copy = structuredClone(spec);
      mutate(copy);
      const file = join(dir, "mutated.yaml");
      writeFileSync(file, stringify(copy));
      const r = gate(file);
      console.log(`  ${r.failed ? "ok  " : "MISS"} gate fails on ${name}`);
      if (!r.failed) bad++;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (bad) {
    console.error(`self-test: the gate let ${bad} real break(s) through`);
    process.exit(1);
  }
}

if (process.argv.includes("--update-allowlist")) {
  updateAllowlist();
} else {
  const r = gate(SPEC);
  if (r.failed) {
    console.error(r.out);
    console.error(
      "Breaking change against openapi/baseline/v1.0.yaml. Restore compatibility; only a request-side " +
        "limit the server already enforced may be allowlisted (openapi/README.md).",
    );
    process.exit(1);
  }
  console.log(`no breaking change against ${relative(repoRoot, BASELINE)} (oasdiff ${OASDIFF_VERSION})`);
  console.log("self-test:");
  selfTest();
}
