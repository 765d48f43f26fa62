#!/usr/bin/env bash
# Contract fuzzer (`pnpm fuzz`): schemathesis, pinned, in its own venv (.venv-ci/), over every
# operation of openapi/plystra.yaml against a real Core; see scripts/fuzz.mjs for the passes.
# Core runs on a fresh database of $DATABASE_URL's server when set, else on embedded PGlite.
# Knobs: FUZZ_SEED, FUZZ_MAX_EXAMPLES (per operation and phase), FUZZ_PHASES, FUZZ_ONLY=pass,…
set -euo pipefail
cd "$(dirname "$0")/.."
SCHEMATHESIS_VERSION=4.32.5
VENV=.venv-ci
if [[ ! -x "$VENV/bin/schemathesis" ]] || [[ "$("$VENV/bin/schemathesis" --version 2>/dev/null)" != *"$SCHEMATHESIS_VERSION"* ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
exec node scripts/fuzz.mjs "$@"
