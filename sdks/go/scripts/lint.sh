#!/usr/bin/env bash
# gofmt, go vet and staticcheck (pinned; fetched from the Go module proxy on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2
unformatted=$(gofmt -l .)
if [[ -n "$unformatted" ]]; then
  echo "gofmt: these files need formatting (run gofmt -w):"; echo "$unformatted"; exit 1
fi
go vet ./...
go run "$STATICCHECK" ./...
echo "go lint ok: gofmt, go vet, staticcheck"
