#!/usr/bin/env bash
# go test -race against a real Core: TestMain starts one through scripts/test-core.mjs (embedded
# database, or a fresh database on $DATABASE_URL's server). Prints failing tests in full, go test's
# closing lines and a totals line.
set -euo pipefail
cd "$(dirname "$0")/.."
go test -race -count=1 -json ./... "$@" | node scripts/go-test-report.mjs
