#!/usr/bin/env bash
# The benchmark: installs what is missing, builds the release executables, and runs tenancy-bench
# against a Tansu broker it starts on a free port. Arguments go to tenancy-bench (see --help);
# the defaults are the full run docs/performance.md's figures come from.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$TENANCY_ROOT"

"$TENANCY_ROOT/deploy/local/setup.sh"
export TANSU_BIN="$(tansu_binary)"

swift build -c release
exec "$(swift build -c release --show-bin-path)/tenancy-bench" --bin-dir "$(swift build -c release --show-bin-path)" "$@"
