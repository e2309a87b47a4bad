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
# --dtype bfloat16 runs Java in bfloat16 (train.dtype: bfloat16) and also in float32, and PyTorch also under
# torch.autocast("cpu", dtype=torch.bfloat16) (HF Trainer's bf16=True), training and decoding; the ratios are the
# bfloat16 Java run's against every other row. The pad-to-512 recipe runs in float32 only.
#
# --rounds N repeats the whole set N times, alternating the runs, and the tables show each run's median. Warm-up
# (--warmup, default 6 steps) takes the largest batches first on both sides, so the timed steps (each batch once, in
# file order) measure the steady state of a long run; --warmup 2 was this script's setting before bfloat16.
#
# Usage: scripts/bench/compare-real.sh [--data ../shared/data/e2e/valid.txt] [--lines 96] [--batch 8]
#                                      [--preset gpt2] [--threads N] [--skip-512] [--generate [--contexts 10]]
#                                      [--dtype float32|bfloat16] [--rounds 1] [--warmup 6] [--out DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$root/../shared/data/e2e/valid.txt" lines=96 batch=8 preset=gpt2 threads="$(nproc)" skip512="" out="$root/target/bench-real"
generate="" contexts=10 dtype=float32 rounds=1 warmup=6
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
    --dtype) dtype="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare-real.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
case "$dtype" in
  float32) dtypes=(float32) ;;
  bfloat16|bf16) dtype=bfloat16; dtypes=(bfloat16 float32) ;;
  *) echo "compare-real.sh: --dtype $dtype: use float32 or bfloat16" >&2; exit 2 ;;
esac
torch_python="${TORCH_PYTHON:-/usr/bin/python3}"
"$torch_python" -c 'import torch' 2>/dev/null || { echo "compare-real.sh: $torch_python cannot import torch (apt-get install -y python3-torch libopenblas0-pthread, or set TORCH_PYTHON)" >&2; exit 2; }
[ -f "$data" ] || { echo "compare-real.sh: $data not found; give --data FILE (an E2E .txt)" >&2; exit 2; }
[ -f "$root/target/lora.jar" ] || (cd "$root" && mvn -q -DskipTests package)
mkdir -p "$out"
rm -f "$out"/*.json   # a skipped run's old figures must not be printed as this run's
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
steps=$(( (lines + batch - 1) / batch ))   # every batch once
common=(--preset "$preset" --batch "$batch" --steps "$steps" --warmup "$warmup" --threads "$threads")
echo "compare-real.sh: $preset, first $lines examples of $data, batch $batch, $warmup warm-up + $steps timed steps, $dtype, $rounds round(s); load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# Within a round the runs alternate Java and PyTorch, each dtype in turn, so the machine's drifting load falls on both.
for r in $(seq "$rounds"); do
  for d in "${dtypes[@]}"; do
    OMP_NUM_THREADS="$threads" "$root/lora" bench "${common[@]}" --dtype "$d" --data "$data" --lines "$lines" \
      --write-tokens "$out/tokens.jsonl" > "$out/java-$d-r$r.json"
    "$torch_python" "$root/scripts/bench/bench_torch.py" "${common[@]}" --dtype "$d" --data "$out/tokens.jsonl" \
      --padding longest > "$out/torch-longest-$d-r$r.json"
  done
  [ -n "$skip512" ] || "$torch_python" "$root/scripts/bench/bench_torch.py" "${common[@]}" --data "$out/tokens.jsonl" \
    --padding 512 > "$out/torch-512-float32-r$r.json"
  if [ -n "$generate" ]; then
    for d in "${dtypes[@]}"; do
      OMP_NUM_THREADS="$threads" "$root/lora" bench --preset "$preset" --steps 1 --warmup 0 --threads "$threads" --dtype "$d" \
        --data "$data" --lines "$lines" --generate --contexts "$contexts" --write-prompts "$out/prompts.jsonl" > "$out/java-decode-$d-r$r.json"
      "$torch_python" "$root/scripts/bench/bench_torch.py" --preset "$preset" --steps 1 --warmup 0 --threads "$threads" \
        --dtype "$d" --generate --prompts "$out/prompts.jsonl" > "$out/torch-decode-$d-r$r.json"
    done
  fi
done
python3 - "$out" "$dtype" <<'PY'
import glob, json, os, statistics, sys
out, dtype = sys.argv[1], sys.argv[2]
def load(name):
    """The run's rounds, as one record of per-field medians (None when the run did not happen)."""
    runs = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, name + "-r*.json")))]
    if not runs:
        return None
    merged = dict(runs[0])
    for k, v in runs[0].items():
        values = [r[k] for r in runs]
        if isinstance(v, (int, float)) and not isinstance(v, bool) and len(set(values)) > 1:
            merged[k] = statistics.median(values)
    merged["rounds"] = [r.get("train_tokens_per_s") if "gen_contexts_per_s" not in r else r["gen_contexts_per_s"] for r in runs]
    return merged
def each(t, key):
    return " / ".join(f"{x:.1f}" if key == "train" else f"{x:.3f}" for x in t["rounds"])
java = load(f"java-{dtype}")
names = {"float32": "float32", "bfloat16": "bfloat16 autocast"}
rows = [(f"Java {d} (padding-free)", f"java-{d}") for d in names if d != dtype]
rows += [(f"PyTorch {names[d]}, each batch padded to its longest", f"torch-longest-{d}") for d in names]
rows += [("PyTorch float32, padded to 512 (microsoft/LoRA)", "torch-512-float32")]
print(f"{java['preset']}: LoRA r {java['r']} on {','.join(java['targets'])}; first {java['lines']} examples of {java['data']}, batch {java['batch']}; {java['real_tokens']} real tokens")
if "bf16_products" in java:
    print(f"Java bfloat16 products: {java['bf16_products']}")
print(f"(medians of {len(java['rounds'])} round(s); each round's figure in the last column)")
print()
print(f"| run | real tokens/s | peak RSS MB | Java {dtype} / this (speed) | Java {dtype} / this (memory) | tokens/s by round |")
print("|---|---|---|---|---|---|")
print(f"| Java {dtype} (padding-free) | {java['train_tokens_per_s']:.1f} | {java['peak_rss_mb']:.0f} | | | {each(java, 'train')} |")
for name, f in rows:
    t = load(f)
    if t is None:
        continue
    print(f"| {name} | {t['train_tokens_per_s']:.1f} | {t['peak_rss_mb']:.0f} | {java['train_tokens_per_s'] / t['train_tokens_per_s']:.2f}"
          f" | {java['peak_rss_mb'] / t['peak_rss_mb']:.2f} | {each(t, 'train')} |")
j = load(f"java-decode-{dtype}")
if j is not None:
    print()
    print(f"Decoding the first {j['gen_contexts']} contexts: beam 10, length penalty 0.8, no repeated 4-gram, 64 new tokens, stops")
    print("(peak RSS: the whole process, one training step then the decoding)")
    print()
    print(f"| run | contexts/s | output tokens | peak RSS MB | Java {dtype} / this | contexts/s by round |")
    print("|---|---|---|---|---|---|")
    print(f"| Java {dtype} (lora eval's decoding, 10 contexts per batch) | {j['gen_contexts_per_s']:.3f} | {j['gen_generated_tokens']:.0f} | {j['gen_peak_rss_mb']:.0f} | | {each(j, 'gen')} |")
    peers = [(f"Java {d} (lora eval's decoding)", f"java-decode-{d}", "gen_peak_rss_mb") for d in names if d != dtype]
    peers += [(f"PyTorch {names[d]}, KV-cached beam search, one context at a time", f"torch-decode-{d}", "peak_rss_mb") for d in names]
    for name, f, rss in peers:
        t = load(f)
        if t is None:
            continue
        print(f"| {name} | {t['gen_contexts_per_s']:.3f} | {t['gen_generated_tokens']:.0f} | {t[rss]:.0f} | {j['gen_contexts_per_s'] / t['gen_contexts_per_s']:.2f} | {each(t, 'gen')} |")
PY
