#!/usr/bin/env bash
# What bfloat16 costs in accuracy, bf16 against float32 on the same work (issue #21's convergence and decoding
# checks; a benchmark, not a test): a random model of the preset's geometry (no pretrained weights offline), LoRA
# q/v r4 trained for --steps steps on the E2E sample (data/e2e-sample, real text), dropout 0, once per dtype, then
# the random base model decoding the first --contexts contexts of --decode-data (the E2E test set in ../shared when it
# is there, else the sample's validation file) under each dtype with the paper's beam search, --max-new-tokens tokens
# (the briefly trained adapter ends every output at once, which compares nothing; the base model's outputs run to
# the limit). Prints the per-step training-loss gap (largest absolute and
# relative), both final validation losses and how many decoded outputs are identical. bf16 here is the products'
# semantics (bf16 operands, float32 accumulation), whichever kernel computes them.
#
# Usage: scripts/bench/bf16-accuracy.sh [--preset gpt2] [--steps 40] [--contexts 20] [--max-new-tokens 24]
#                                       [--decode-data FILE] [--out DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
preset=gpt2 steps=40 contexts=20 new=24 out="$root/target/bench-bf16-accuracy"
decode_data="$root/../shared/data/e2e/test.txt"
[ -f "$decode_data" ] || decode_data="$root/data/e2e-sample/valid.txt"
while [ $# -gt 0 ]; do
  case "$1" in
    --preset) preset="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --contexts) contexts="$2"; shift 2 ;;
    --max-new-tokens) new="$2"; shift 2 ;;
    --decode-data) decode_data="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bf16-accuracy.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[ -f "$root/target/lora.jar" ] || (cd "$root" && mvn -q -DskipTests package)
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
rm -rf "$out" && mkdir -p "$out"
lora() { "$root/lora" "$@"; }
lora bench --preset "$preset" --steps 1 --warmup 0 --write-model "$out/model" > /dev/null
cat > "$out/run.yaml" <<YAML
model: $out/model
output: $out/float32
data:
  train: $root/data/e2e-sample/train.txt
  valid: $root/data/e2e-sample/valid.txt
  max_seq_len: 128
lora: {r: 4, alpha: 32, dropout: 0.0, targets: [q, v]}
train: {batch_size: 8, max_steps: $steps, lr: 1.0e-3, warmup_steps: 4, label_smoothing: 0.0, log_every: 1, eval_every: 0, seed: 7}
YAML
for dtype in float32 bfloat16; do
  echo "bf16-accuracy: training, $dtype" >&2
  lora train "$out/run.yaml" --set "output=$out/$dtype" --set "train.dtype=$dtype" > "$out/$dtype.log" 2>&1
done
for dtype in float32 bfloat16; do
  echo "bf16-accuracy: decoding, $dtype" >&2
  lora eval --model "$out/model" --data "$decode_data" --max-new-tokens "$new" \
    --metrics e2e --limit "$contexts" --dtype "$dtype" --out "$out/decode-$dtype" > /dev/null 2>> "$out/decode.log"
done
python3 - "$out" "$decode_data" <<'PY'
import json, sys
out, decode_data = sys.argv[1], sys.argv[2]
def rows(d):
    return [json.loads(l) for l in open(f'{out}/{d}/metrics.jsonl')]
f, b = rows('float32'), rows('bfloat16')
fl = {r['step']: r['loss'] for r in f if 'loss' in r and 'step' in r}
bl = {r['step']: r['loss'] for r in b if 'loss' in r and 'step' in r}
steps = sorted(set(fl) & set(bl))
gaps = [(abs(fl[s] - bl[s]), abs(fl[s] - bl[s]) / abs(fl[s]), s) for s in steps]
worst = max(gaps)
worst_rel = max(gaps, key=lambda g: g[1])
fv = [r['valid_loss'] for r in f if 'valid_loss' in r][-1]
bv = [r['valid_loss'] for r in b if 'valid_loss' in r][-1]
pf = open(f'{out}/decode-float32/predictions.txt', encoding='utf8').read().splitlines()
pb = open(f'{out}/decode-bfloat16/predictions.txt', encoding='utf8').read().splitlines()
same = sum(1 for x, y in zip(pf, pb) if x == y)
words = sum(len(x.split()) for x in pf) / max(1, len(pf))
print(f'training loss over {len(steps)} steps: first {fl[steps[0]]:.4f} (float32) / {bl[steps[0]]:.4f} (bfloat16), '
      f'last {fl[steps[-1]]:.4f} / {bl[steps[-1]]:.4f}')
print(f'largest gap {worst[0]:.5f} at step {worst[2]}; largest relative gap {worst_rel[1]:.2e} at step {worst_rel[2]}')
print(f'final validation loss {fv:.5f} (float32) / {bv:.5f} (bfloat16), gap {abs(fv - bv):.5f}')
print(f'beam search (beam 10, the base model, {words:.1f} words per output) on the first {len(pf)} contexts of {decode_data}: '
      f'{same} of {len(pf)} outputs identical under bfloat16')
PY
