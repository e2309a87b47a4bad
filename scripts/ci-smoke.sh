#!/usr/bin/env bash
# End-to-end through the launcher on the tiny fixture model: train (stopping half-way and resuming, as a
# time-limited job would), evaluate the adapter, the same on Spark (local[2]). Run after `mvn package`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rm -rf runs/tiny-ci
./lora train configs/tiny-ci.yaml --stop-after 4
./lora train configs/tiny-ci.yaml --resume
test -s runs/tiny-ci/adapter/adapter_model.safetensors
test -s runs/tiny-ci/loss.png
./lora eval --model src/test/resources/fixtures/tiny-gpt2 --adapter runs/tiny-ci/adapter \
  --data src/test/resources/fixtures/loss.jsonl --out runs/tiny-ci/eval
cat runs/tiny-ci/eval/metrics.json
./lora --help > /dev/null
# Through the launcher on Spark (it adds target/spark-lib and Spark's JVM options only for --spark): resume the
# one-process run's checkpoint under Spark, and evaluate the adapter on Spark.
rm -rf runs/tiny-ci-spark && mkdir -p runs/tiny-ci-spark
./lora train configs/tiny-ci.yaml --set output=runs/tiny-ci-spark/run --stop-after 2
./lora train configs/tiny-ci.yaml --set output=runs/tiny-ci-spark/run --resume --spark 'local[2]'
test -s runs/tiny-ci-spark/run/adapter/adapter_model.safetensors
./lora eval --model src/test/resources/fixtures/tiny-gpt2 --adapter runs/tiny-ci/adapter \
  --data src/test/resources/fixtures/loss.jsonl --out runs/tiny-ci-spark/eval --spark 'local[2]' > /dev/null
cmp runs/tiny-ci/eval/metrics.json runs/tiny-ci-spark/eval/metrics.json
# The launcher refuses a kernel family the bundled OpenBLAS does not know (it would compute wrong float64 products)
# and lets the ones it knows, in any case, through.
status=0; OPENBLAS_CORETYPE=Cooperlake ./lora --version > /dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || { echo "smoke: OPENBLAS_CORETYPE=Cooperlake should exit 2, got $status"; exit 1; }
OPENBLAS_CORETYPE=penryn ./lora --version > /dev/null
echo "smoke: ok"
