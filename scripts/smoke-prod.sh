#!/usr/bin/env bash
# Production smoke: runs exactly what infra/Dockerfile and infra/docker-compose.yml run, without a
# container engine. Builds dist/, deploys Core with production dependencies only (the image's
# `pnpm deploy --prod` step), then on a fresh PostgreSQL database with strong secrets:
#   plystractl migrate up → plystractl migrate verify   (Compose's one-shot `migrate` service)
#   plystractl doctor                                     (all ok)
#   node dist/main.js (SERVER_MODE=production)           (the image's CMD)
#   bootstrap the first admin, log in, check allow/deny  (scripts/smoke-prod-http.mjs)
#   SIGTERM → drained, exit 0
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bash scripts/smoke-prod.sh
#   SMOKE_NODE=/path/to/node   run Core and plystractl on that Node binary (CI: Node 24)
#   SKIP_BUILD=1               reuse apps/core/dist
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL server the smoke may create a database on}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_BIN="${SMOKE_NODE:-node}"
ADMIN_URL="$DATABASE_URL"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/plystra-smoke.XXXXXX")"
DB="plystra_smoke_$$"
ROLE="plystra_smoke_$$"
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
  psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB" -c "DROP ROLE IF EXISTS $ROLE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
say() { echo "smoke: $*"; }
PSQL="$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)"
psql() { "$PSQL" "$@"; }
secret() { "$NODE_BIN" -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("base64url"))'; }

say "node $("$NODE_BIN" --version)"
cd "$ROOT"
if [[ "${SKIP_BUILD:-}" != "1" ]]; then pnpm --filter @plystra/core build >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }; fi
pnpm --filter @plystra/core deploy --legacy --prod "$WORK/app" >"$WORK/deploy.log" 2>&1 || { cat "$WORK/deploy.log"; exit 1; }
for dev in tsx vitest typescript tsup @plystra; do
  [[ ! -e "$WORK/app/node_modules/$dev" ]] || { say "FAIL: dev dependency $dev in the production deploy"; exit 1; }
done
say "deployed production dependencies only ($(du -sh "$WORK/app" | cut -f1))"

# A dedicated role with a strong password owns a fresh database.
DB_PASSWORD="$(secret)"
psql -q -v ON_ERROR_STOP=1 "$ADMIN_URL" \
  -c "CREATE ROLE $ROLE LOGIN PASSWORD '$DB_PASSWORD'" -c "CREATE DATABASE $DB OWNER $ROLE" >/dev/null
HOSTPORT="$(node -e 'const u=new URL(process.argv[1]);process.stdout.write(u.host)' "$ADMIN_URL")"
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})')"

export SERVER_MODE=production
export DATABASE_URL="postgres://$ROLE:$DB_PASSWORD@$HOSTPORT/$DB"
export PLYSTRA_SESSION_SECRET="$(secret)" PLYSTRA_API_KEY_SECRET="$(secret)"
export PLYSTRA_BOOTSTRAP_REGISTRATION_ENABLED=true PLYSTRA_BOOTSTRAP_REGISTRATION_TOKEN="$(secret)"
export CORS_ALLOWED_ORIGINS=https://admin.example.test SERVER_PUBLIC_URL=https://authz.example.test
export SERVER_HOST=127.0.0.1 SERVER_PORT="$PORT"

cd "$WORK/app"
plystractl() { "$NODE_BIN" dist/plystractl.js "$@"; }
plystractl migrate up
plystractl migrate verify
plystractl doctor

"$NODE_BIN" dist/main.js >"$WORK/core.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$PORT/api/v1/ready" >/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/core.log"; say "FAIL: Core exited"; exit 1; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/api/v1/ready" >/dev/null || { cat "$WORK/core.log"; say "FAIL: not ready"; exit 1; }
if grep -q "$DB_PASSWORD" "$WORK/core.log"; then say "FAIL: the database password is in the log"; exit 1; fi
say "ready: $(head -c 400 "$WORK/core.log" | grep -o '"msg":"[^"]*listening[^"]*"' || true)"

PLYSTRA_BASE_URL="http://127.0.0.1:$PORT" "$NODE_BIN" "$ROOT/scripts/smoke-prod-http.mjs"

kill -TERM "$SERVER_PID"
status=0
wait "$SERVER_PID" || status=$?
SERVER_PID=""
[[ $status -eq 0 ]] || { cat "$WORK/core.log"; say "FAIL: Core exited $status after SIGTERM"; exit 1; }
grep -q '"msg":"stopped"' "$WORK/core.log" || { say "FAIL: no drain log"; exit 1; }
say "SIGTERM: drained and exited 0"

# `pnpm start` (root script) runs the same dist/ and must hand SIGTERM to it, not swallow it.
cd "$ROOT"
# This run also opts in to the API reference, whose browser bundle must ship inside dist/.
API_DOCS_ENABLED=true pnpm start >"$WORK/pnpm-start.log" 2>&1 &
WRAPPER_PID=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/api/v1/ready" >/dev/null && break; sleep 0.5; done
for path in /docs /docs/scalar.js /api/v1/openapi.json /api/v1/openapi.yaml; do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT$path" || { say "FAIL: $path with API_DOCS_ENABLED=true"; exit 1; }
done
say "API_DOCS_ENABLED=true: /docs, its bundle and the contract are served from dist/"
kill -TERM "$WRAPPER_PID"
wait "$WRAPPER_PID" || true
sleep 1
if curl -s "http://127.0.0.1:$PORT/api/v1/health" >/dev/null; then say "FAIL: pnpm start left Core running after SIGTERM"; exit 1; fi
grep -q '"msg":"stopped"' "$WORK/pnpm-start.log" || { cat "$WORK/pnpm-start.log"; say "FAIL: pnpm start did not drain"; exit 1; }
say "pnpm start: SIGTERM reached Core"
say "passed"
