#!/usr/bin/env bash
# Builds the tool, trains GPT-2 small with LoRA on E2E for a few hundred steps, then evaluates the adapter.
#   LORA_MODEL   model folder or hub id (default gpt2; taken from the Hugging Face cache when present)
#   E2E_DIR      folder with train.txt and valid.txt (default data/e2e; fetched by scripts/download-e2e.sh if absent)
#   LORA_OUT     output folder (default runs/quickstart)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
model="${LORA_MODEL:-gpt2}"
e2e="${E2E_DIR:-data/e2e}"
out="${LORA_OUT:-runs/quickstart}"
mvn -q -B -DskipTests package
[ -s "$e2e/train.txt" ] || scripts/download-e2e.sh "$e2e"
./lora train configs/quickstart.yaml --set "model=$model" --set "output=$out" \
  --set "data.train=$e2e/train.txt" --set "data.valid=$e2e/valid.txt"
./lora eval --model "$model" --adapter "$out/adapter" --data "$e2e/valid.txt" --max-seq-len 128 --out "$out/eval"
