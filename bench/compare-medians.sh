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
python3 - "$results" <<'PY'
import statistics, sys
rows = [dict(f.split("=", 1) for f in line.split()[1:]) for line in open(sys.argv[1]) if line.strip()]
out = []
for key in rows[0]:
    values = [r.get(key, "") for r in rows]
    try:
        out.append(f"{key}={statistics.median(float(v) for v in values):g}")
    except ValueError:
        out.append(f"{key}={values[0]}")
print("MEDIAN " + " ".join(out))
PY
rm -f "$results"
