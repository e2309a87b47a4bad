#!/usr/bin/env bash
# A Spark standalone cluster on this machine (a master and one worker, started from target/spark-lib, with
# executors in JVMs of their own that fetch lora's jars from the driver), and `lora train` and `lora eval` run on
# it against the same commands in one process: the adapter must agree within float32 roundoff and eval's files
# must be identical. Training runs twice on the cluster: through the lora launcher (--spark), and as
# docs/distributed.md's spark-submit command runs it (here `java ... org.apache.spark.deploy.SparkSubmit`, which is
# what bin/spark-submit starts; this machine has no Spark distribution). Checks the spark://HOST:PORT path end to end (task serialisation, jar shipping, the
# executors' own model cache) where no real cluster is at hand. Stops the cluster when done.
#
# Usage: scripts/spark-standalone.sh [--out DIR] [--port 7077]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/target/spark-standalone" port=7077
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "spark-standalone.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[ -d "$root/target/spark-lib" ] || (cd "$root" && mvn -q -DskipTests package)
rm -rf "$out" && mkdir -p "$out/spark-home/jars" "$out/work"
# A Spark distribution's layout: jars/ (Spark and the libraries it ships with), RELEASE. lora's own jars are not
# in it: the executors must get them from the driver (spark.jars).
ln -s "$root"/target/spark-lib/*.jar "$out/spark-home/jars/"
for lib in commons-io commons-codec commons-compress commons-collections4 commons-lang3 commons-math3 jackson-core \
           jackson-databind jackson-annotations slf4j-api; do
  ln -s "$root"/target/lib/"$lib"-[0-9]*.jar "$out/spark-home/jars/"
done
touch "$out/spark-home/RELEASE"
. "$root/scripts/lib/spark-java-options.sh"
export SPARK_HOME="$out/spark-home" SPARK_SCALA_VERSION=2.13 OMP_WAIT_POLICY=PASSIVE
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
java $spark_java_options -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
  --webui-port 0 > "$out/master.log" 2>&1 & pids+=($!)
for _ in $(seq 60); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.5; done
java $spark_java_options -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$port" --host 127.0.0.1 \
  --cores 2 --memory 6g --webui-port 0 --work-dir "$out/work" > "$out/worker.log" 2>&1 & pids+=($!)
sleep 5
model="$root/src/test/resources/fixtures/tiny-gpt2"
for name in one cluster submit; do
  cat > "$out/$name.yaml" <<YAML
model: $model
output: $out/$name
data: {train: $root/data/e2e-sample/train.txt, max_seq_len: 64}
lora: {r: 4, alpha: 32, dropout: 0.1, targets: [q, v]}
train: {batch_size: 8, grad_accum: 2, max_steps: 6, lr: 2.0e-3, warmup_steps: 1, seed: 3}
YAML
done
"$root/lora" train "$out/one.yaml" > "$out/one.log" 2>&1
"$root/lora" train "$out/cluster.yaml" --spark "spark://127.0.0.1:$port" > "$out/cluster.log" 2>&1 \
  || { echo "spark-standalone.sh: training on the cluster failed; see $out/cluster.log, master.log, worker.log" >&2; exit 1; }
# spark-submit in client mode: --driver-class-path puts lora's class path on the driver's (spark-class prepends it),
# --jars ships lora's jars to the executors.
java $spark_java_options -cp "$SPARK_HOME/jars/*:$root/target/lora.jar:$root/target/lib/*" org.apache.spark.deploy.SparkSubmit \
  --master "spark://127.0.0.1:$port" --deploy-mode client --class dev.lora.cli.Main \
  --jars "$(ls "$root"/target/lib/*.jar | tr '\n' ',' | sed 's/,$//')" \
  "$root/target/lora.jar" train "$out/submit.yaml" --spark "spark://127.0.0.1:$port" > "$out/submit.log" 2>&1 \
  || { echo "spark-standalone.sh: training through spark-submit failed; see $out/submit.log" >&2; exit 1; }
eval_args=(eval --model "$model" --adapter "$out/one/adapter" --data "$root/data/e2e-sample/valid.txt" --metrics loss,e2e
           --limit 6 --beam 3 --max-new-tokens 8 --contexts-per-batch 2)
"$root/lora" "${eval_args[@]}" --out "$out/eval-one" > /dev/null 2> "$out/eval-one.log"
"$root/lora" "${eval_args[@]}" --out "$out/eval-cluster" --spark "spark://127.0.0.1:$port" > /dev/null 2> "$out/eval-cluster.log" \
  || { echo "spark-standalone.sh: evaluation on the cluster failed; see $out/eval-cluster.log" >&2; exit 1; }
grep -h 'Steps run in' "$out/cluster.log"
python3 - "$out" <<'PY'
import json, struct, sys
out = sys.argv[1]
def tensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    return {k: struct.unpack(f"<{(v['data_offsets'][1] - v['data_offsets'][0]) // 4}f", data[v["data_offsets"][0]:v["data_offsets"][1]])
            for k, v in header.items() if k != "__metadata__"}
a = tensors(f"{out}/one/adapter/adapter_model.safetensors")
losses = lambda n: [json.loads(l)["loss"] for l in open(f"{out}/{n}/metrics.jsonl")]
worst = 0
for run, label in (("cluster", "lora train --spark"), ("submit", "spark-submit")):
    b = tensors(f"{out}/{run}/adapter/adapter_model.safetensors")
    gap = max(max(abs(x - y) for x, y in zip(a[k], b[k])) / max(abs(x) for x in a[k]) for k in a)
    loss_gap = max(abs(x - y) / abs(x) for x, y in zip(losses("one"), losses(run)))
    worst = max(worst, gap)
    print(f"training ({label}): adapter within {gap:.1e} of one process's (max |diff| / max |value| per tensor), per-step losses within {loss_gap:.1e}")
same = all(open(f"{out}/eval-one/{f}").read() == open(f"{out}/eval-cluster/{f}").read() for f in ("predictions.txt", "references.txt", "metrics.json"))
print("evaluation: predictions.txt, references.txt and metrics.json " + ("identical" if same else "DIFFER"))
sys.exit(0 if worst <= 1e-5 and same else 1)
PY
