#!/usr/bin/env bash
# Azurite for the LocalHost and the tests: install (pinned, npm ci), start on 127.0.0.1, stop by PID.
#   scripts/azurite.sh start   # idempotent: reuses a running Azurite it started
#   scripts/azurite.sh stop
#   scripts/azurite.sh running # exit 0 when the Azurite this script started is running
#   scripts/azurite.sh reset   # stop and delete its data
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$root/.azurite"
pidfile="$state/azurite.pid"
ports=(10000 10001 10002)

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

install() {
  if [ ! -x "$root/node_modules/.bin/azurite" ]; then
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

# An Azurite started some other way (another clone, by hand) answers with "Server: Azurite-Blob/…".
azurite_answers() {
  (exec 3<>/dev/tcp/127.0.0.1/10000 && printf 'HEAD / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && timeout 2 cat <&3) 2>/dev/null | grep -qi '^Server: Azurite'
}

start() {
  install
  if running; then echo "azurite: already running (pid $(cat "$pidfile"))"; return 0; fi
  if azurite_answers && port_open 10001 && port_open 10002; then
    echo "azurite: reusing the Azurite already listening on 127.0.0.1:10000-10002 (not started here, so not stopped here)"
    return 0
  fi
  for p in "${ports[@]}"; do
    if port_open "$p"; then echo "azurite: port $p is taken by another process; stop it first" >&2; exit 1; fi
  done
  mkdir -p "$state/data"
  # The binary itself, not npx: npx does not pass SIGTERM on, which would leave Azurite running.
  "$root/node_modules/.bin/azurite" --silent --skipApiVersionCheck --loose \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --location "$state/data" >"$state/azurite.log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 150); do
    if port_open 10000 && port_open 10001 && port_open 10002; then
      echo "azurite: listening on 127.0.0.1:10000-10002 (pid $(cat "$pidfile"))"; return 0
    fi
    if ! running; then echo "azurite: exited at start; see $state/azurite.log" >&2; cat "$state/azurite.log" >&2; exit 1; fi
    sleep 0.2
  done
  echo "azurite: ports did not open within 30 s" >&2; stop; exit 1
}

stop() {
  if running; then
    pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    echo "azurite: stopped (pid $pid)"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  running) running && echo "azurite: running (pid $(cat "$pidfile"))" ;;
  reset) stop; rm -rf "$state/data"; echo "azurite: data deleted" ;;
  install) install ;;
  *) echo "usage: $0 start|stop|running|reset|install" >&2; exit 2 ;;
esac
