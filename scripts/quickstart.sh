#!/usr/bin/env bash
# Builds the tool, trains GPT-2 small with LoRA on E2E for a few hundred steps, then evaluates the adapter.
# Needs the network for GPT-2 (unless it is in the Hugging Face cache or LORA_MODEL is a folder) and for the
# E2E data (unless E2E_DIR holds it); scripts/demo.sh runs the same commands offline on a tiny model.
#   LORA_MODEL   model folder or hub id (default gpt2; taken from the Hugging Face cache when present)
#   E2E_DIR      folder with train.txt and valid.txt (default data/e2e; fetched by scripts/download-e2e.sh if absent)
#   LORA_OUT     output folder (default runs/quickstart)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
model="${LORA_MODEL:-gpt2}"
e2e="${E2E_DIR:-data/e2e}"
out="${LORA_OUT:-runs/quickstart}"
offline() {
  echo "quickstart: $1; without the network, set LORA_MODEL to a local GPT-2 folder and E2E_DIR to a folder with train.txt and valid.txt, or run scripts/demo.sh (no network needed)" >&2
  exit 2
}
mvn -q -B -DskipTests package
[ -s "$e2e/train.txt" ] || scripts/download-e2e.sh "$e2e" || offline "the E2E data could not be downloaded (above)"
status=0
./lora train configs/quickstart.yaml --set "model=$model" --set "output=$out" \
  --set "data.train=$e2e/train.txt" --set "data.valid=$e2e/valid.txt" || status=$?
if [ "$status" -ne 0 ]; then
  [ "$status" -eq 2 ] && [ ! -d "$model" ] && offline "training stopped (above); GPT-2 '$model' comes from the Hugging Face hub unless it is cached"
  exit "$status"
fi
./lora eval --model "$model" --adapter "$out/adapter" --data "$e2e/valid.txt" --max-seq-len 128 --out "$out/eval"
