#!/usr/bin/env bash
# oneDNN 2.5.2's float32 matmul against ND4J's OpenBLAS gemm on our products' shapes (issue #21: use oneDNN for
# float32 too where it is faster). Fetches org.bytedeco:dnnl 2.5.2-1.5.7 (+ opencl, which it links) with Maven and
# runs scripts/bench/dnnl/DnnlF32Probe.java beside the project's class path. A benchmark: ratios from one run only.
# Usage: scripts/bench/dnnl-f32.sh [REPS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[ -d "$root/target/lib" ] || (cd "$root" && mvn -q -DskipTests package)
lib="$root/target/dnnl-lib"
mkdir -p "$lib"
for a in org.bytedeco:dnnl:2.5.2-1.5.7 org.bytedeco:dnnl:2.5.2-1.5.7:jar:linux-x86_64 \
         org.bytedeco:opencl:3.0-1.5.7 org.bytedeco:opencl:3.0-1.5.7:jar:linux-x86_64; do
  mvn -q dependency:copy -Dartifact="$a" -DoutputDirectory="$lib" > /dev/null
done
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
java -cp "$lib/*:$root/target/lib/*" "$root/scripts/bench/dnnl/DnnlF32Probe.java" "${1:-20}"
