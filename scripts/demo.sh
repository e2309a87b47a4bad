#!/usr/bin/env bash
# The whole product offline, on a fresh clone: build, train an adapter on the shipped E2E sample with the tiny
# GPT-2 fixture (no download of any kind), evaluate its loss and its E2E metrics with beam search, merge it
# into the base weights, export it for PEFT, evaluate the PEFT copy, and score the generated text.
# Outputs go to runs/demo/ (LORA_OUT overrides); a couple of minutes on 2 cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${LORA_OUT:-runs/demo}"
model=src/test/resources/fixtures/tiny-gpt2
sample=data/e2e-sample
[ -f target/lora.jar ] || { echo "demo: building (mvn package) ..."; mvn -q -B -DskipTests package; }
rm -rf "$out"
step() { echo; echo "== demo: $*"; }

step "train a LoRA adapter (q, v; r 4) on $sample/train.txt"
./lora train configs/demo.yaml --set "output=$out/train"

step "loss and perplexity of the adapter on $sample/valid.txt"
./lora eval --model "$model" --adapter "$out/train/adapter" --data "$sample/valid.txt" --out "$out/eval-loss"

step "E2E metrics with beam search (beam 4, 16 new tokens, first 5 contexts)"
./lora eval --model "$model" --adapter "$out/train/adapter" --data "$sample/valid.txt" --metrics e2e \
  --beam 4 --max-new-tokens 16 --limit 5 --out "$out/eval-e2e"

step "merge the adapter into the base weights (a plain Hugging Face GPT-2 folder)"
./lora merge --model "$model" --adapter "$out/train/adapter" --out "$out/merged"

step "export the adapter for PEFT, then evaluate the PEFT copy (same loss as above)"
./lora export --adapter "$out/train/adapter" --format peft --out "$out/peft"
./lora eval --model "$model" --adapter "$out/peft" --data "$sample/valid.txt" --out "$out/eval-peft"

step "generate for contexts without references (the first 3 of the sample), as a test-set submission"
./lora generate --model "$model" --adapter "$out/train/adapter" --data "$sample/valid.txt" --limit 3 \
  --beam 4 --max-new-tokens 16 --out "$out/generate"

step "score the generated text against the references"
./lora score --references "$out/eval-e2e/references.txt" --predictions "$out/eval-e2e/predictions.txt"

cat <<EOM

demo: done. Where everything is:
  $out/train/adapter/      the trained adapter (adapter_model.safetensors, adapter_config.json)
  $out/train/checkpoints/  resumable checkpoints;  $out/train/metrics.jsonl, loss.png: the training curve
  $out/eval-loss/metrics.json          loss and perplexity
  $out/eval-e2e/metrics.json           BLEU, NIST, METEOR, ROUGE_L, CIDEr;  predictions.txt, references.txt
  $out/merged/             GPT-2 with the adapter folded in (config.json, model.safetensors)
  $out/peft/               the adapter in PEFT's format;  $out/eval-peft/metrics.json: its loss
  $out/generate/           predictions.txt and predictions.tsv (MR<TAB>output) from lora generate
For the real thing (GPT-2 from the hub, the full E2E data; needs the network): scripts/quickstart.sh
EOM
