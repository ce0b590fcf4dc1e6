#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test (unit, Kafka wrapper,
# pipeline and end-to-end against real Tansu brokers the tests start on free loopback ports).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$TENANCY_ROOT"

"$TENANCY_ROOT/deploy/local/setup.sh"
export TANSU_BIN="$(tansu_binary)"
export TENANCY_PYTHON="$TENANCY_VENV/bin/python"

started=$(date +%s)
swift build --build-tests
echo "build: $(( $(date +%s) - started )) s"
# Last, so that the test runner's summary closes the output.
exec swift test
