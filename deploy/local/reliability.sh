#!/usr/bin/env bash
# The reliability suite at full size: installs what is missing, builds, and runs every fault test
# against real processes (the four services, Tansu, aiosmtpd). The main run's figures are written
# to reliability-results/latest.json. Usage: reliability.sh [commands] (default 10000).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$TENANCY_ROOT"

"$TENANCY_ROOT/deploy/local/setup.sh"
export TANSU_BIN="$(tansu_binary)"
export TENANCY_PYTHON="$TENANCY_VENV/bin/python"
export TENANCY_RELIABILITY_COMMANDS="${1:-10000}"
export TENANCY_RELIABILITY_OUTPUT="$TENANCY_ROOT/reliability-results/latest.json"

# On a terminal, the run says how far it is (a line per phase and per fault, with the time).
if [ -t 2 ]; then export TENANCY_PROGRESS=1; fi

swift build --build-tests
exec swift test --skip-build --filter 'Reliability|BrokerRestart|CrashRecovery|NotificationFault|DatabaseFull|DatabaseLock|undecodableMessages'
