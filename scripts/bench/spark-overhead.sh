#!/usr/bin/env bash
# What Spark costs per training step, side by side on this machine: one run config (a random model of --preset's
# geometry written to disk, the first --lines examples of --data, batch --batch, --steps steps, LoRA q/v r 4,
# dropout 0.1) trained by `lora train` in one process, by `lora train --spark local[1]` (the same compute in one
# task: what is left is Spark's own cost per step: a job, shipping the adapter and the gradient, the driver's sum)
# and by `lora train --spark local[N]` with one native thread per task (N data-parallel tasks on N cores).
# Prints per-step throughput (median over the steps after the first) and the ratios. Timings on a shared machine
# are noisy: compare the ratios of one run. Needs `mvn -DskipTests package` (target/spark-lib).
#
# Usage: scripts/bench/spark-overhead.sh [--preset gpt2] [--data data/e2e-sample/train.txt] [--lines 96]
#                                        [--batch 8] [--steps 12] [--tasks 2] [--out DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
preset=gpt2 data="$root/data/e2e-sample/train.txt" lines=96 batch=8 steps=12 tasks=2 out="$root/target/bench-spark"
while [ $# -gt 0 ]; do
  case "$1" in
    --preset) preset="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --lines) lines="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --tasks) tasks="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "spark-overhead.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[ -f "$data" ] || { echo "spark-overhead.sh: $data not found; give --data FILE (context||completion lines)" >&2; exit 2; }
[ -d "$root/target/spark-lib" ] || (cd "$root" && mvn -q -DskipTests package)
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
rm -rf "$out" && mkdir -p "$out"
"$root/lora" bench --preset "$preset" --write-model "$out/model" 2>/dev/null
head -n "$lines" "$data" > "$out/train.txt"
run() { # name, then lora train's extra arguments
  local name="$1"; shift
  cat > "$out/$name.yaml" <<YAML
model: $out/model
output: $out/$name
data: {train: $out/train.txt, max_seq_len: 256}
lora: {r: 4, alpha: 32, dropout: 0.1, targets: [q, v]}
train: {batch_size: $batch, max_steps: $steps, lr: 2.0e-4, warmup_steps: 0, shuffle: false, log_every: 1, save_every: 0}
YAML
  "$root/lora" train "$out/$name.yaml" "$@" > "$out/$name.log" 2>&1 || { echo "spark-overhead.sh: $name failed; see $out/$name.log" >&2; exit 1; }
}
echo "spark-overhead.sh: $preset, first $lines examples of $data, batch $batch, $steps steps; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
run one
run spark1 --spark "local[1]"
OMP_NUM_THREADS=1 run spark"$tasks" --spark "local[$tasks]"
python3 - "$out" "$tasks" <<'PY'
import json, os, statistics, sys
out, tasks = sys.argv[1], sys.argv[2]
def rates(name):
    rows = [json.loads(l) for l in open(os.path.join(out, name, "metrics.jsonl"))]
    return [r["tokens_per_s"] for r in rows][1:]   # the first step includes loading and JIT warm-up
def losses(name):
    return [json.loads(l)["loss"] for l in open(os.path.join(out, name, "metrics.jsonl"))]
one = rates("one")
print("| run | real tokens/s (median) | step time / one process's (median over steps) |")
print("|---|---|---|")
for name, label in [("one", "one process"), ("spark1", "Spark local[1]: one task, 2 native threads"),
                    ("spark" + tasks, f"Spark local[{tasks}]: {tasks} tasks, 1 native thread each")]:
    r = rates(name)
    ratio = statistics.median([a / b for a, b in zip(one, r)])
    print(f"| {label} | {statistics.median(r):.1f} | {ratio:.3f} |")
worst = max(abs(a - b) / abs(b) for name in ("spark1", "spark" + tasks) for a, b in zip(losses(name), losses("one")))
print(f"\nper-step losses of the Spark runs vs one process: at most {worst:.1e} relative apart (float32, dropout 0.1)")
PY
