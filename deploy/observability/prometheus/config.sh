#!/usr/bin/env bash
# Prints a Prometheus configuration that scrapes Tenancy's services on their ops ports, labels each
# target with its service (what the dashboards and rules select on) and loads the alert rules:
#   config.sh [--interval 5s] lifecycle=127.0.0.1:9181 sharing=127.0.0.1:9182 ...
# `run.sh --observability` and the end-to-end test use it; docs/operations.md shows the same for Kubernetes.
set -euo pipefail
rules="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/rules.yml"
interval=15s
if [ "${1:-}" = "--interval" ]; then interval=$2; shift 2; fi
[ $# -gt 0 ] || { echo "usage: $0 [--interval 5s] service=host:port ..." >&2; exit 2; }

printf 'global: {scrape_interval: %s, evaluation_interval: %s}\n' "$interval" "$interval"
printf 'rule_files: ["%s"]\n' "$rules"
printf 'scrape_configs:\n  - job_name: tenancy\n    static_configs:\n'
for target in "$@"; do
  service=${target%%=*} address=${target#*=}
  case "$service" in lifecycle | sharing | notifications | deactivation) ;; *) echo "unknown service: $service" >&2; exit 2 ;; esac
  printf '      - {targets: ["%s"], labels: {service: %s}}\n' "$address" "$service"
done
