#!/usr/bin/env bash
# Mutation testing with Stryker.NET (the tool version is pinned in .config/dotnet-tools.json).
#
#   bash bench/mutation.sh [block|sync|merge|pack|all] [extra stryker options...]
#
# Each target has a config in bench/mutation/<target>.json naming the project to mutate, the
# files mutated and the tests left out (see "Mutation testing" in docs/testing.md). Stryker runs
# from the target's test project; its reports land in StrykerOutput/<target>/reports/ (each run
# replaces the last).
# Extra options go to every stryker run, e.g. `--since:main` to mutate only what changed since
# main, or `--with-baseline:main` to reuse a stored baseline.
# Prints one line per target:
#   mutation <target>: score S% (killed K, survived S, timeout T, no coverage N)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-all}"
shift || true

declare -A tests=(
  [block]=tests/IrminSharp.Backends.Block.Tests
  [sync]=tests/IrminSharp.Sync.Tests
  [merge]=tests/IrminSharp.Merge.Tests
  [pack]=tests/IrminSharp.Backends.Pack.Tests
)

case "$target" in
  all) targets=(block sync merge pack) ;;
  block|sync|merge|pack) targets=("$target") ;;
  *) echo "usage: bash bench/mutation.sh [block|sync|merge|pack|all] [stryker options...]" >&2; exit 2 ;;
esac

cd "$root"
dotnet tool restore >/dev/null

summaries=()
for t in "${targets[@]}"; do
  out="$root/StrykerOutput/$t"
  rm -rf "$out"
  start=$SECONDS
  (cd "$root/${tests[$t]}" && dotnet stryker --config-file "$root/bench/mutation/$t.json" --output "$out" "$@")
  json="$out/reports/mutation-report.json"
  if [[ ! -f "$json" ]]; then
    echo "mutation $t: no report produced" >&2
    exit 1
  fi
  line="$(jq -r --arg t "$t" '
    [.files[].mutants[].status] as $s
    | ($s | map(select(. == "Killed")) | length) as $k
    | ($s | map(select(. == "Survived")) | length) as $sv
    | ($s | map(select(. == "Timeout")) | length) as $to
    | ($s | map(select(. == "NoCoverage")) | length) as $nc
    | (if ($k + $sv + $to + $nc) == 0 then 0 else (($k + $to) * 1000 / ($k + $sv + $to + $nc) | floor) / 10 end) as $score
    | "mutation \($t): score \($score)% (killed \($k), survived \($sv), timeout \($to), no coverage \($nc))"' "$json")"
  summaries+=("$line ; $((SECONDS - start)) s ; report $out/reports/mutation-report.html")
done

printf '%s\n' "${summaries[@]}"
