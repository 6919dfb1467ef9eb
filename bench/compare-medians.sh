#!/usr/bin/env bash
# Runs one harness scenario several times and prints each RESULT line, then the medians of the
# numeric fields. Usage: bench/compare-medians.sh RUNS SCENARIO [harness options...]
set -euo pipefail
runs=${1:?runs}; shift
cd "$(dirname "$0")/.."
dotnet build bench/IrminSharp.Compare -c Release -v quiet -nologo >/dev/null
results=$(mktemp)
for _ in $(seq 1 "$runs"); do
  dotnet bench/IrminSharp.Compare/bin/Release/net10.0/IrminSharp.Compare.dll "$@" | grep '^RESULT' | tee -a "$results"
done
# Median of every field that is numeric in every run (the scenario name and "none" pass through).
# A scenario that prints several RESULT lines per run (sync: one per layout and K) gets one MEDIAN
# line per position: line j of every run together.
python3 - "$results" "$runs" <<'PY'
import statistics, sys
rows = [dict(f.split("=", 1) for f in line.split()[1:]) for line in open(sys.argv[1]) if line.strip()]
runs = int(sys.argv[2])
if len(rows) % runs != 0:
    sys.exit(f"the runs printed different numbers of RESULT lines ({len(rows)} in {runs} runs)")
per_run = len(rows) // runs
for j in range(per_run):
    group = rows[j::per_run]
    out = []
    for key in group[0]:
        values = [r.get(key, "") for r in group]
        try:
            median = statistics.median(float(v) for v in values)
        except ValueError:
            out.append(f"{key}={values[0]}")
            continue
        # Whole numbers (byte counts, K) in full; others as before.
        out.append(f"{key}={int(median)}" if median.is_integer() else f"{key}={median:g}")
    print("MEDIAN " + " ".join(out))
PY
rm -f "$results"
