#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster in a temp dir on a non-default port and prints
# `export DATABASE_URL=…` lines. Stop it with: scripts/pg-throwaway.sh stop <dir>
# The server binaries refuse to run as root, so the cluster runs as the `postgres` user.
# Tests get fsync/synchronous_commit off for speed. PG_DURABLE=1 keeps PostgreSQL's durable
# defaults (the benchmark measures durable commits); PG_EXTRA_OPTS appends server options.
set -euo pipefail
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
if [[ "${1:-}" == "stop" ]]; then
  dir="$2"
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  else "$PGBIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  exit 0
fi
# halt/resume <dir>: stop the server keeping its data, then start it again (fault tests).
if [[ "${1:-}" == "halt" || "${1:-}" == "resume" ]]; then
  dir="$2"
  as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  if [[ "$1" == "halt" ]]; then as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  else as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$(cat "$dir/options")" start >/dev/null; fi
  exit 0
fi
PORT="${PGPORT_THROWAWAY:-55432}"
dir="$(mktemp -d /tmp/plystra-pg.XXXXXX)"
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [[ $(id -u) -eq 0 ]]; then chown postgres "$dir"; fi
as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
SAFETY="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
if [[ "${PG_DURABLE:-0}" == "1" ]]; then SAFETY=""; fi
OPTIONS="-p $PORT -k $dir -c listen_addresses=127.0.0.1 $SAFETY -c max_connections=300 ${PG_EXTRA_OPTS:-}"
echo "$OPTIONS" > "$dir/options"
as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$OPTIONS" start >/dev/null
echo "export PLYSTRA_PG_DIR=$dir"
echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/postgres"
