#!/usr/bin/env bash
# Spark, for real: runs examples/spark_clean.py with PySpark in local mode
# over generated JSON lines and checks that every input record came back
# exactly once (scripts/spark_check.py), equal to what `husk stream` makes
# of it directly. Prints each mode's runtime and records/s.
#
#   scripts/spark-smoke.sh                 # RECORDS=20000 MASTER='local[2]' MODES='pipe python'
#
# Needs Java 17+ and Python 3.9+ with venv; downloads PySpark (~400 MB) into
# target/spark-smoke/venv once (kept between runs). Not part of .ci/run
# unless HUSK_CI_SPARK=1. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
python=${PYTHON:-python3}
records=${RECORDS:-20000}
master=${MASTER:-local[2]}
modes=${MODES:-pipe python}
work=$root/target/spark-smoke
venv=$work/venv

command -v java >/dev/null || { echo "spark-smoke: java is required (PySpark 4 needs Java 17+)" >&2; exit 1; }
mkdir -p "$work"
if ! "$venv/bin/python" -c 'import pyspark' 2>/dev/null; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet 'pyspark>=4,<5'
fi
echo "spark-smoke: pyspark $("$venv/bin/python" -c 'import pyspark; print(pyspark.__version__)'), $(java -version 2>&1 | head -1)"

cargo build --release --quiet --bin husk
husk=$root/target/release/husk

if [[ " $modes " == *" python "* ]]; then
  "$venv/bin/python" -m pip install --quiet 'maturin>=1.9.4,<2'
  rm -rf "$work/wheels"
  "$venv/bin/maturin" build --release --quiet --manifest-path python/Cargo.toml --out "$work/wheels"
  "$venv/bin/python" -m pip install --quiet --force-reinstall "$work"/wheels/husk-*.whl
fi

input=$work/input-$records
if [ ! -d "$input" ]; then
  "$venv/bin/python" scripts/spark_data.py "$input.tmp" --records "$records" --shards 4
  mv "$input.tmp" "$input"
fi
total=$(cat "$input"/*.jsonl | wc -l)
reference=$work/reference-$records.jsonl
start=$(date +%s.%N)
"$husk" stream < <(cat "$input"/*.jsonl) > "$reference"
end=$(date +%s.%N)
awk -v n="$total" -v s="$start" -v e="$end" 'BEGIN {
  printf "spark-smoke: husk stream alone (no Spark, all cores): %d records in %.1f s (%.0f records/s)\n", n, e - s, n / (e - s) }'

# Executors run the venv's Python (it has pyspark and, for python mode, husk).
export PYSPARK_PYTHON=$venv/bin/python PYSPARK_DRIVER_PYTHON=$venv/bin/python
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
status=0
for mode in $modes; do
  out=$work/out-$mode
  rm -rf "$out"
  start=$(date +%s.%N)
  if ! "$venv/bin/python" examples/spark_clean.py "$input" "$out" --mode "$mode" \
      --master "$master" --husk "$husk" 2> "$work/spark-$mode.log"; then
    echo "spark-smoke: $mode mode failed; the end of its log ($work/spark-$mode.log):" >&2
    tail -40 "$work/spark-$mode.log" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  job=$(sed -n 's/.* in \([0-9.]*\)s$/\1/p' "$work/spark-$mode.log" | tail -1)
  if "$venv/bin/python" scripts/spark_check.py "$input" "$out" --reference "$reference"; then
    awk -v m="$mode" -v n="$total" -v s="$start" -v e="$end" -v j="$job" -v master="$master" 'BEGIN {
      printf "spark-smoke: %s mode, %s: %d records in %.1f s wall (%.0f records/s), Spark job %.1f s (%.0f records/s)\n",
        m, master, n, e - s, n / (e - s), j, n / j }'
  else
    status=1
  fi
done
exit $status
