#!/usr/bin/env bash
# Stops what run.sh started, by pid: services with SIGTERM (they finish their batch, drain the
# outbox and leave their group), then the broker with SIGKILL (Tansu ignores SIGTERM; it keeps
# everything in memory, so nothing is lost that a restart would keep).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

stop_pid_file() {
  local file=$1 signal=$2 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "-$signal" "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "stopped $(basename "$file" .pid)"
  fi
  rm -f "$file"
}

for service in deactivation notifications sharing lifecycle; do
  stop_pid_file "$TENANCY_RUN_DIR/$service.pid" TERM
done
stop_pid_file "$TENANCY_RUN_DIR/mail.pid" TERM
stop_pid_file "$TENANCY_RUN_DIR/prometheus.pid" TERM
stop_pid_file "$TENANCY_RUN_DIR/tansu.pid" KILL
