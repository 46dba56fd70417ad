#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, from the Debian packages (postgresql 15 or newer).
#
#   scripts/postgres-for-tests.sh start        creates a cluster in a new temporary folder, starts it on
#                                              127.0.0.1 on a free port, creates a role and a database;
#                                              prints the folder, then TEST_DATABASE_URL=… as its last line
#   scripts/postgres-for-tests.sh stop FOLDER  stops that server and deletes the folder
#
# The server runs as the user calling the script, or as "postgres" when that is root (PostgreSQL
# refuses to run as root). The role may create databases: each test file makes its own and drops it.
set -euo pipefail

ROLE=guidebot
PASSWORD=guidebot-tests
DATABASE=guidebot_tests
START_TIMEOUT_SECONDS=30

find_bindir() {
  if [[ -n "${PG_BINDIR:-}" ]]; then echo "$PG_BINDIR"; return; fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then echo "$dir"; return; fi
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then dirname "$(command -v initdb)"; return; fi
  echo "PostgreSQL's server programs (initdb, pg_ctl) are not installed: apt-get install postgresql, or set PG_BINDIR." >&2
  exit 1
}

# Runs a command as the server's user.
as_server_user() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e "const s = require('node:net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"
}

start() {
  local bindir dir port
  bindir="$(find_bindir)"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/guidebot-postgres-XXXXXX")"
  if [[ "$(id -u)" == 0 ]]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  local pwfile="$dir/superuser-password"
  printf '%s\n' "$PASSWORD" >"$pwfile"
  if [[ "$(id -u)" == 0 ]]; then chown postgres: "$pwfile"; fi
  as_server_user "$bindir/initdb" --pgdata="$dir/data" --username=postgres --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$pwfile"
  port="$(free_port)"
  # Throwaway data: no fsync, no autovacuum (a vacuum worker in a test's database would stop the
  # test from dropping it). Sockets in the cluster's folder, TCP on loopback only.
  as_server_user "$bindir/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout="$START_TIMEOUT_SECONDS" \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  as_server_user "$bindir/psql" --host="$dir" --port="$port" --username=postgres --dbname=postgres --quiet --no-psqlrc --set=ON_ERROR_STOP=1 \
    --command="CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'" \
    --command="GRANT pg_signal_backend TO $ROLE" \
    --command="CREATE DATABASE $DATABASE OWNER $ROLE" >/dev/null
  echo "$port" >"$dir/port"
  echo "$dir"
  echo "TEST_DATABASE_URL=postgres://$ROLE:$PASSWORD@127.0.0.1:$port/$DATABASE"
}

stop() {
  local dir="${1:?usage: $0 stop FOLDER}"
  [[ -d "$dir/data" ]] || { echo "$dir is not a cluster made by this script" >&2; exit 1; }
  local bindir
  bindir="$(find_bindir)"
  as_server_user "$bindir/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *)
    echo "usage: $0 start | stop FOLDER" >&2
    exit 2
    ;;
esac
