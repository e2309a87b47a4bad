#!/usr/bin/env bash
# End-to-end through the launcher on the tiny fixture model: train (stopping half-way and resuming, as a
# time-limited job would), evaluate the adapter, score a system output. Run after `mvn package`.
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
# The launcher refuses a kernel family the bundled OpenBLAS does not know (it would compute wrong float64 products)
# and lets the ones it knows, in any case, through.
status=0; OPENBLAS_CORETYPE=Cooperlake ./lora --version > /dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || { echo "smoke: OPENBLAS_CORETYPE=Cooperlake should exit 2, got $status"; exit 1; }
OPENBLAS_CORETYPE=penryn ./lora --version > /dev/null
echo "smoke: ok"
