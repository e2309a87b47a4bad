#!/usr/bin/env bash
# Runs `lora bench` (Java/ND4J) and scripts/bench/bench_torch.py (PyTorch) in turn on this machine and
# prints one table: training tokens/s, step time, peak memory, decoding tokens/s, and the fraction of
# the matmul ceiling each reaches. Only the ratios mean much on a shared machine: each round runs both
# back to back, and with --rounds N the medians over the rounds are compared.
#
# --as-installed also runs PyTorch with OMP_WAIT_POLICY unset, as a plain `python3` run of Debian's torch
# has it (libgomp spin-waits), and adds the ratios against that run.
#
# Usage: scripts/bench/compare.sh [--preset gpt2] [--batch 8] [--seq 128] [--steps 5] [--warmup 2]
#                                 [--threads N] [--rounds 1] [--generate] [--as-installed] [--out DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
preset=gpt2 batch=8 seq=128 steps=5 warmup=2 threads="$(nproc)" rounds=1 generate="" as_installed="" out="$root/target/bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --preset) preset="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --seq) seq="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --generate) generate="--generate"; shift ;;
    --as-installed) as_installed=1; shift ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
torch_python="${TORCH_PYTHON:-/usr/bin/python3}"
if ! "$torch_python" -c 'import torch' 2>/dev/null; then
  echo "compare.sh: $torch_python cannot import torch (Debian: apt-get install python3-torch; or set TORCH_PYTHON)" >&2
  exit 2
fi
if [ ! -f "$root/target/lora.jar" ]; then
  echo "compare.sh: building target/lora.jar" >&2
  (cd "$root" && mvn -q -DskipTests package)
fi
mkdir -p "$out"
rm -f "$out"/torch-as-installed-*.json
# libgomp spin-waits by default; both ND4J (libnd4j) and Debian's torch run an OpenMP pool beside a separate
# OpenBLAS pool, and the spinning workers starve the other pool: on 2 cores a training step costs ~1.7x the
# CPU time and decoding gets several times slower. Passive waiting on both sides; override to compare.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
common=(--preset "$preset" --batch "$batch" --seq "$seq" --steps "$steps" --warmup "$warmup" --threads "$threads")

run_java() {  # round number
  # OMP_NUM_THREADS as well as --threads: the native pools then start at that size, not just capped.
  OMP_NUM_THREADS="$threads" "$root/lora" bench "${common[@]}" $generate > "$out/java-$1.json"
}

echo "compare.sh: $preset, batch $batch x seq $seq, $warmup warm-up + $steps timed steps, $threads threads, OMP_WAIT_POLICY=$OMP_WAIT_POLICY, $rounds round(s); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for r in $(seq 1 "$rounds"); do
  echo "compare.sh: round $r: Java" >&2
  run_java "$r"
  echo "compare.sh: round $r: PyTorch" >&2
  "$torch_python" "$root/scripts/bench/bench_torch.py" "${common[@]}" $generate > "$out/torch-$r.json"
  if [ -n "$as_installed" ]; then
    echo "compare.sh: round $r: PyTorch as installed (OMP_WAIT_POLICY unset)" >&2
    env -u OMP_WAIT_POLICY "$torch_python" "$root/scripts/bench/bench_torch.py" "${common[@]}" $generate --as-installed \
      > "$out/torch-as-installed-$r.json"
  fi
done
echo "compare.sh: load average after: $(cut -d' ' -f1-3 /proc/loadavg); raw results in $out" >&2
python3 "$root/scripts/bench/table.py" "$out" "$rounds"
