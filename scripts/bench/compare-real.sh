#!/usr/bin/env bash
# Training on real E2E examples, side by side: `lora bench --data` (padding-free batches) and the same examples,
# the same tokens, in PyTorch under the two recipes users run: each batch padded to its longest example (Hugging
# Face Trainer + PEFT with a padding collator) and every example padded to 512 (microsoft/LoRA's gpt2_ft.py).
# Prints one table of real (unpadded) tokens per second and peak memory, with the ratios. Ratios from one run on
# one machine are what mean anything; OMP_WAIT_POLICY=PASSIVE on both sides, as the launcher sets it.
#
# --generate adds decoding: the first --contexts unique contexts (default 10) with the LoRA paper's settings, as
# `lora eval --metrics e2e` decodes them (several contexts per batch), against a KV-cached PyTorch beam search with
# the same settings, one context at a time (microsoft/LoRA's recipe), in contexts per second.
#
# Usage: scripts/bench/compare-real.sh [--data ../shared/data/e2e/valid.txt] [--lines 96] [--batch 8]
#                                      [--preset gpt2] [--threads N] [--skip-512] [--generate [--contexts 10]] [--out DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$root/../shared/data/e2e/valid.txt" lines=96 batch=8 preset=gpt2 threads="$(nproc)" skip512="" out="$root/target/bench-real"
generate="" contexts=10
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --lines) lines="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --preset) preset="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --skip-512) skip512=1; shift ;;
    --generate) generate=1; shift ;;
    --contexts) contexts="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare-real.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
torch_python="${TORCH_PYTHON:-/usr/bin/python3}"
"$torch_python" -c 'import torch' 2>/dev/null || { echo "compare-real.sh: $torch_python cannot import torch (apt-get install -y python3-torch libopenblas0-pthread, or set TORCH_PYTHON)" >&2; exit 2; }
[ -f "$data" ] || { echo "compare-real.sh: $data not found; give --data FILE (an E2E .txt)" >&2; exit 2; }
[ -f "$root/target/lora.jar" ] || (cd "$root" && mvn -q -DskipTests package)
mkdir -p "$out"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
steps=$(( (lines + batch - 1) / batch ))   # every batch once
common=(--preset "$preset" --batch "$batch" --steps "$steps" --warmup 2 --threads "$threads")
echo "compare-real.sh: $preset, first $lines examples of $data, batch $batch, $steps timed steps; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
OMP_NUM_THREADS="$threads" "$root/lora" bench "${common[@]}" --data "$data" --lines "$lines" --write-tokens "$out/tokens.jsonl" > "$out/java.json"
"$torch_python" "$root/scripts/bench/bench_torch.py" "${common[@]}" --data "$out/tokens.jsonl" --padding longest > "$out/torch-longest.json"
[ -n "$skip512" ] || "$torch_python" "$root/scripts/bench/bench_torch.py" "${common[@]}" --data "$out/tokens.jsonl" --padding 512 > "$out/torch-512.json"
rm -f "$out/java-decode.json" "$out/torch-decode.json"
[ -z "$skip512" ] || rm -f "$out/torch-512.json"   # a skipped run's old figures must not be printed as this run's
if [ -n "$generate" ]; then
  OMP_NUM_THREADS="$threads" "$root/lora" bench --preset "$preset" --steps 1 --warmup 0 --threads "$threads" --data "$data" \
    --lines "$lines" --generate --contexts "$contexts" --write-prompts "$out/prompts.jsonl" > "$out/java-decode.json"
  "$torch_python" "$root/scripts/bench/bench_torch.py" --preset "$preset" --steps 1 --warmup 0 --threads "$threads" --generate \
    --prompts "$out/prompts.jsonl" > "$out/torch-decode.json"
fi
python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
java = json.load(open(os.path.join(out, "java.json")))
rows = [("PyTorch, each batch padded to its longest", "torch-longest.json"), ("PyTorch, padded to 512 (microsoft/LoRA)", "torch-512.json")]
print(f"{java['preset']}: LoRA r {java['r']} on {','.join(java['targets'])}; first {java['lines']} examples of {java['data']}, batch {java['batch']}; {java['real_tokens']} real tokens")
print()
print("| run | real tokens/s | peak RSS MB | Java / this |")
print("|---|---|---|---|")
print(f"| Java (padding-free) | {java['train_tokens_per_s']:.1f} | {java['peak_rss_mb']:.0f} | |")
for name, f in rows:
    p = os.path.join(out, f)
    if not os.path.exists(p):
        continue
    t = json.load(open(p))
    print(f"| {name} | {t['train_tokens_per_s']:.1f} | {t['peak_rss_mb']:.0f} | {java['train_tokens_per_s'] / t['train_tokens_per_s']:.2f} |")
jd, td = os.path.join(out, "java-decode.json"), os.path.join(out, "torch-decode.json")
if os.path.exists(jd) and os.path.exists(td):
    j, t = json.load(open(jd)), json.load(open(td))
    print()
    print(f"Decoding the first {j['gen_contexts']} contexts: beam 10, length penalty 0.8, no repeated 4-gram, 64 new tokens, stops")
    print()
    print("(peak RSS: the whole process, one training step then the decoding)")
    print()
    print("| run | contexts/s | output tokens | peak RSS MB | Java / this |")
    print("|---|---|---|---|---|")
    print(f"| Java (lora eval's decoding, {10} contexts per batch) | {j['gen_contexts_per_s']:.3f} | {j['gen_generated_tokens']} | {j['gen_peak_rss_mb']:.0f} | |")
    print(f"| PyTorch, KV-cached beam search, one context at a time | {t['gen_contexts_per_s']:.3f} | {t['gen_generated_tokens']} | {t['peak_rss_mb']:.0f} | {j['gen_contexts_per_s'] / t['gen_contexts_per_s']:.2f} |")
PY
