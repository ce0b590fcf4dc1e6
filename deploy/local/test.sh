#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test (unit, Kafka wrapper,
# pipeline and end-to-end against real Tansu brokers the tests start on free loopback ports).
#
# A run that goes on past TENANCY_TEST_LIMIT_MINUTES (default 40; a full run takes about 2) is
# stopped with everything it started, after printing the threads' stacks (when gdb is installed)
# and, last, the tests that had started and not finished: a hang fails with what hung.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$TENANCY_ROOT"

"$TENANCY_ROOT/deploy/local/setup.sh"
export TANSU_BIN="$(tansu_binary)"
export TENANCY_PYTHON="$TENANCY_VENV/bin/python"

# The code is formatted as .swift-format says (`swift format -i -r -p Package.swift Shared Services Clients Tools Tests` fixes it).
swift format lint --strict -r -p Package.swift Shared Services Clients Tools Tests

started=$(date +%s)
swift build --build-tests
echo "build: $(( $(date +%s) - started )) s"

limit=$(( ${TENANCY_TEST_LIMIT_MINUTES:-40} * 60 ))
output="$TENANCY_ROOT/.build/test-output.log"
# A session of its own, so that the test runner and every process it started stop together.
setsid swift test > >(tee "$output") 2>&1 &
runner=$!
deadline=$(( $(date +%s) + limit ))
while kill -0 "$runner" 2>/dev/null && (( $(date +%s) < deadline )); do sleep 2; done
if kill -0 "$runner" 2>/dev/null; then
  echo "the tests ran past $(( limit / 60 )) minutes: stopping them"
  if command -v gdb >/dev/null; then
    for pid in $(pgrep -s "$runner" -f xctest); do
      gdb -p "$pid" -batch -ex "thread apply all bt 12" 2>/dev/null | grep -E '^(Thread|#)' || true
    done
  fi
  # By session: the test runner puts the test process into a process group of its own.
  pkill -KILL -s "$runner" || true
  wait "$runner" || true
  echo "tests started and not finished:"
  awk '/◇ Test .* started\./ && !/◇ Test (case|run) / { name = $0; sub(/.*◇ Test /, "", name); sub(/ started\..*/, "", name); running[name] = 1 }
       /(✔|✘) Test .* (passed|failed)/ { name = $0; sub(/.*(✔|✘) Test /, "", name); sub(/ (passed|failed).*/, "", name); sub(/ with .*/, "", name); delete running[name] }
       END { for (name in running) print "  " name }' "$output"
  exit 1
fi
# The test runner's summary closes the output.
wait "$runner"
