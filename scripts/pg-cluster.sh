#!/usr/bin/env bash
# Throw-away PostgreSQL cluster for tests.
#
#   bash scripts/pg-cluster.sh start [dir]   → initdb + start on a free 127.0.0.1 port;
#                                              prints DATABASE_URL on stdout (only that)
#   bash scripts/pg-cluster.sh stop  <dir>   → stop the cluster and delete <dir>
#                                              (set PG_KEEP=1 to keep the directory)
#
# Without [dir] a fresh `mktemp -d /tmp/careline-pg.XXXXXX` is used and its path printed on
# stderr. Keep the cluster outside the repo: when run as root, the server runs as the
# unprivileged `postgres` user (PostgreSQL refuses root), which must be able to reach the
# directory — a clone under /root would not be traversable.
# Files in <dir>: data/ (cluster), log (server log), port, url, socket files.
set -euo pipefail

log() { echo "pg-cluster: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

find_bindir() {
  # the highest installed major version wins
  local best
  best="$(for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && echo "$d"
  done | sort -V | tail -n 1)"
  [[ -n "$best" ]] ||
    die "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (apt-get install -y postgresql)"
  echo "$best"
}

# Run a command as the unprivileged postgres user when we are root, else as ourselves.
as_pg() {
  if [[ "$(id -u)" == "0" ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_in_use() {
  # a successful TCP connect means someone listens there
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
  local p i
  for i in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 30000 ))
    if ! port_in_use "$p"; then echo "$p"; return 0; fi
  done
  die "no free local port found"
}

cmd_start() {
  local dir="${1:-}"
  if [[ -z "$dir" ]]; then
    dir="$(mktemp -d /tmp/careline-pg.XXXXXX)"
    log "cluster directory: $dir"
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  [[ -e "$dir/data" ]] && die "$dir/data already exists (stop it first)"

  local bin; bin="$(find_bindir)"
  if [[ "$(id -u)" == "0" ]]; then
    id postgres >/dev/null 2>&1 || die "user 'postgres' does not exist (install the postgresql package)"
    chown postgres: "$dir"
    chmod 700 "$dir"
  fi

  # Run the PostgreSQL tools from inside the cluster dir: the postgres user may not be
  # allowed into our current directory (e.g. a clone under /root).
  cd "$dir"

  local locale_args=(--no-locale)
  if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then locale_args=(--locale=C.UTF-8); fi

  log "initdb ($bin) …"
  as_pg "$bin/initdb" -D "$dir/data" -A trust -U careline -E UTF8 "${locale_args[@]}" \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

  local port attempt started=0
  for attempt in 1 2 3 4 5; do
    port="$(pick_port)"
    log "starting on 127.0.0.1:$port (attempt $attempt) …"
    local opts="-p $port -k $dir -c listen_addresses=127.0.0.1"
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if as_pg "$bin/pg_ctl" -D "$dir/data" -o "$opts" \
        -l "$dir/log" -w -t 60 start >&2; then
      started=1
      break
    fi
    tail -n 20 "$dir/log" >&2 || true
  done
  [[ "$started" == "1" ]] || die "pg_ctl start failed (log: $dir/log)"
  echo "$port" >"$dir/port"

  local psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U careline)
  # pg_trgm in template1 so every database created later (tests may create their own) has it
  if "${psql[@]}" -d template1 -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm' >/dev/null 2>&1; then
    log "pg_trgm enabled"
  else
    log "warning: pg_trgm not available (postgresql-contrib missing?)"
  fi
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U careline careline || die "createdb failed"

  local url="postgres://careline@127.0.0.1:$port/careline"
  echo "$url" >"$dir/url"
  log "ready: $url"
  echo "$url"
}

cmd_stop() {
  local dir="${1:-}"
  [[ -n "$dir" ]] || die "usage: pg-cluster.sh stop <dir>"
  [[ -d "$dir" ]] || { log "$dir does not exist — nothing to stop"; return 0; }
  dir="$(cd "$dir" && pwd)"
  cd "$dir"
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    local bin; bin="$(find_bindir)"
    as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >&2 || log "warning: pg_ctl stop failed"
  fi
  cd /
  if [[ "${PG_KEEP:-}" == "1" ]]; then
    log "kept $dir"
  else
    # refuse to delete anything that does not look like one of our clusters
    if [[ -d "$dir/data" || -f "$dir/port" || -f "$dir/initdb.log" ]] || [[ -z "$(ls -A "$dir")" ]]; then
      rm -rf -- "$dir"
      log "stopped and removed $dir"
    else
      log "warning: $dir does not look like a cluster directory; not removed"
    fi
  fi
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  *) echo "usage: $0 start [dir] | stop <dir>" >&2; exit 2 ;;
esac
