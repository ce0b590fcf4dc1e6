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
built=$(date +%s)
echo "build: $((built - started)) s"
swift test
echo "build $((built - started)) s, tests $(( $(date +%s) - built )) s"
