#!/usr/bin/env bash
# Release smoke for the published artefact: build, `pnpm pack`, install the tarball into a scratch
# Node project (offline: the SDK has no dependencies), then run an ESM and a CJS script and type-check
# both entry points against a running Core.
#
#   PLYSTRA_BASE_URL=http://127.0.0.1:8080 bash scripts/pack-smoke.sh
#   SKIP_BUILD=1 ...   reuse an existing dist/
set -euo pipefail

: "${PLYSTRA_BASE_URL:?set PLYSTRA_BASE_URL to a running Core (demo seed on)}"
SDK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/plystra-sdk-pack.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

cd "$SDK_DIR"
if [[ "${SKIP_BUILD:-}" != "1" ]]; then
  pnpm run --silent build >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
fi
pnpm pack --pack-destination "$WORK" >"$WORK/pack.log" 2>&1 || { cat "$WORK/pack.log"; exit 1; }
TARBALL="$(ls "$WORK"/plystra-sdk-*.tgz)"

# The tarball ships the build and nothing else of the source tree.
CONTENTS="$(tar -tzf "$TARBALL" | sort)"
for required in package/package.json package/README.md package/dist/index.js package/dist/index.cjs \
  package/dist/index.d.ts package/dist/index.d.cts; do
  grep -qx "$required" <<<"$CONTENTS" || { echo "pack-smoke: $required missing from tarball"; exit 1; }
done
if grep -Eq '^package/(src|test|examples|scripts)/' <<<"$CONTENTS"; then
  echo "pack-smoke: tarball contains source files:"; echo "$CONTENTS"; exit 1
fi

APP="$WORK/app"
mkdir -p "$APP"
cat >"$APP/package.json" <<'JSON'
{ "name": "plystra-sdk-pack-smoke", "version": "0.0.0", "private": true }
JSON
(cd "$APP" && npm install --offline --no-audit --no-fund --no-package-lock --loglevel=error "$TARBALL" \
  >"$WORK/npm.log" 2>&1) || { cat "$WORK/npm.log"; exit 1; }
if [[ -n "$(ls "$APP/node_modules" | grep -v '^@plystra$' | grep -v '^\.' || true)" ]]; then
  echo "pack-smoke: installing the SDK pulled in dependencies:"; ls "$APP/node_modules"; exit 1
fi

cat >"$APP/esm.mjs" <<'JS'
import { PlystraClient, PlystraValidationError } from "@plystra/sdk";

const client = new PlystraClient({ baseUrl: process.env.PLYSTRA_BASE_URL });
await client.auth.login({ email: "alice@example.com", password: "plystra-demo" });
const d = await client.authz.check({ resource_type: "invoice", resource_id: "invoice_001", action: "approve" });
if (d.decision !== "allow") throw new Error(`esm: expected allow, got ${d.decision} ${d.deny_code}`);
const err = await client.users.create({ email: "not-an-email" }).catch((e) => e);
if (!(err instanceof PlystraValidationError)) throw new Error(`esm: expected PlystraValidationError, got ${err}`);
console.log("esm ok: alice may approve invoice_001");
JS

cat >"$APP/cjs.cjs" <<'JS'
const { PlystraClient, PlystraAuthError } = require("@plystra/sdk");

(async () => {
  const client = new PlystraClient({ baseUrl: process.env.PLYSTRA_BASE_URL });
  await client.auth.login({ email: "alice@example.com", password: "plystra-demo" });
  const allowed = await client.authz.isAllowed({
    resource_type: "invoice",
    resource_id: "invoice_001",
    action: "approve",
  });
  if (allowed !== true) throw new Error("cjs: expected alice to be allowed on invoice_001");
  const anon = new PlystraClient({ baseUrl: process.env.PLYSTRA_BASE_URL });
  const err = await anon.admin.me().catch((e) => e);
  if (!(err instanceof PlystraAuthError)) throw new Error(`cjs: expected PlystraAuthError, got ${err}`);
  console.log("cjs ok: alice may approve invoice_001");
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
JS

(cd "$APP" && node esm.mjs && node cjs.cjs)

# The published declarations resolve through `exports` for both module systems.
TSC="$SDK_DIR/node_modules/.bin/tsc"
if [[ -x "$TSC" ]]; then
  cat >"$APP/types.mts" <<'TS'
import { PlystraClient, type AuthzCheckResult } from "@plystra/sdk";
const c = new PlystraClient({ baseUrl: "http://localhost:8080" });
export const d: Promise<AuthzCheckResult> = c.authz.check({ resource_type: "invoice", resource_id: "i", action: "a" });
TS
  cat >"$APP/types.cts" <<'TS'
import sdk = require("@plystra/sdk");
export const ok: Promise<boolean> = new sdk.PlystraClient({ baseUrl: "x" }).authz.isAllowed({ action: "a" });
TS
  cat >"$APP/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "strict": true,
    "noEmit": true,
    "skipLibCheck": false,
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "target": "es2022",
    "lib": ["es2022", "dom"],
    "types": []
  },
  "files": ["types.mts", "types.cts"]
}
JSON
  "$TSC" -p "$APP/tsconfig.json"
  echo "types ok: ESM and CJS declarations resolve"
fi
echo "pack-smoke ok: $(basename "$TARBALL")"
