#!/usr/bin/env bash
# The benchmark: installs what is missing, builds the release executables, and runs tenancy-bench
# against a Tansu broker it starts on a free port. Arguments go to tenancy-bench (see --help);
# the defaults are the full run docs/performance.md's figures come from.
#
#   deploy/local/bench.sh --against REV [--rounds N] [tenancy-bench options]
# builds REV in a worktree (.build-against/tree) and runs, N times in turn (default 2), REV's own
# bench.sh on its own binaries and this tree's bench on this tree's, with the same options (so they
# must be options both know), then prints how this tree compares with REV
# (bench-results/against-REV/comparison.json).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$TENANCY_ROOT"

against="" rounds=2 args=()
while (($#)); do
    case "$1" in
        --against) against="${2:?--against needs a revision}"; shift 2 ;;
        --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done

"$TENANCY_ROOT/deploy/local/setup.sh"
export TANSU_BIN="$(tansu_binary)"

swift build -c release
bin="$(swift build -c release --show-bin-path)"
[[ -n $against ]] || exec "$bin/tenancy-bench" --bin-dir "$bin" "${args[@]}"

[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "--rounds takes a number of rounds, got '$rounds'" >&2; exit 2; }
for arg in "${args[@]}"; do
    [[ $arg != --output* ]] || { echo "--against writes its reports under bench-results/against-REV; leave out --output" >&2; exit 2; }
done
rev="$(git rev-parse --verify "$against^{commit}")"
# One worktree, moved to each revision asked for, so that its build stays incremental.
tree="$TENANCY_ROOT/.build-against/tree"
if [[ -d $tree ]]; then
    [[ -z $(git -C "$tree" status --porcelain) ]] || { echo "$tree has local changes; remove it or clean it" >&2; exit 2; }
    git -C "$tree" checkout --quiet --detach "$rev"
else
    git worktree add --detach "$tree" "$rev"
fi
[[ -x $tree/deploy/local/bench.sh ]] || { echo "$against has no deploy/local/bench.sh to run" >&2; exit 2; }
out="$TENANCY_ROOT/bench-results/against-${rev:0:7}"
mkdir -p "$out"
before=() after=()
for round in $(seq "$rounds"); do
    echo "== round $round of $rounds: $against (${rev:0:7}), its own bench on its own binaries"
    (cd "$tree" && deploy/local/bench.sh "${args[@]}" --output "$out/before-$round.json")
    echo "== round $round of $rounds: this tree"
    "$bin/tenancy-bench" --bin-dir "$bin" "${args[@]}" --output "$out/after-$round.json"
    before+=("$out/before-$round.json") after+=("$out/after-$round.json")
done
exec "$bin/tenancy-bench" --compare-before "${before[@]}" --compare-after "${after[@]}" --output "$out/comparison.json"
