#!/usr/bin/env bash
# Runs the numerical parity tests under every OpenBLAS kernel family this CPU can run, so a bound that holds
# for one family's float32 rounding only (as once on AMD) fails here, not on a user's machine. Families are
# chosen from the CPU's flags; one the CPU lacks would crash. OpenBLAS 0.3.19 falls back to its own choice
# for a name it does not know (and then computes wrong float64 products), so each run checks from
# OPENBLAS_VERBOSE's "Core:" line that the family asked for is the one that ran.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tests='ForwardParityTest,GradientCheckTest,TrainParityTest,GenerationParityTest,MergeLogitsTest,CachedDecodingTest,ResumeTest,SparkTrainingTest,BothKernelsTest'
# The same parity suites on the nd4j kernels (LORA_KERNELS=nd4j: ND4J ops only, the GPU path), whose float32 sums
# also run in each family's own order.
nd4j_tests='ForwardParityTest,GradientCheckTest,TrainParityTest,GenerationParityTest,MergeLogitsTest,CachedDecodingTest,ResumeTest'
flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
vendor=$(grep -m1 '^vendor_id' /proc/cpuinfo || true)
has() { for f in "$@"; do [[ " $flags " == *" $f "* ]] || return 1; done; }
families=()
has avx && families+=(Sandybridge)
has avx2 fma && families+=(Haswell)
has avx2 fma && [[ "$vendor" == *AuthenticAMD* ]] && families+=(Zen)
has avx512f avx512dq avx512bw avx512vl && families+=(SkylakeX)
if [ ${#families[@]} -eq 0 ]; then echo "ci-kernels: no AVX on this CPU; the default run of the test suite is the only family"; exit 0; fi
mvn -q -B test-compile
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for family in "${families[@]}"; do
  for kernels in host nd4j; do
    echo "ci-kernels: $family, $kernels kernels"
    list=$tests; [ "$kernels" = nd4j ] && list=$nd4j_tests
    if ! LORA_KERNELS=$kernels OPENBLAS_CORETYPE=$family OPENBLAS_VERBOSE=2 mvn -B -q surefire:test -Dtest="$list" >"$log" 2>&1; then
      cat "$log"; echo "ci-kernels: parity tests FAILED under OPENBLAS_CORETYPE=$family with the $kernels kernels"; exit 1
    fi
    ran=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -o 'Core: [A-Za-z0-9_]*' | sort -u | tr '\n' ' ')
    if [ "$ran" != "Core: $family " ]; then
      cat "$log"; echo "ci-kernels: asked for $family, OpenBLAS ran: ${ran:-nothing reported}"; exit 1
    fi
  done
done
echo "ci-kernels: parity tests passed under ${families[*]}, with the host and the nd4j kernels"
# bfloat16 products take one of three paths by CPU: oneDNN's native kernels (AVX512_BF16, AMX), oneDNN's emulation
# (AVX-512 without BF16) or, where oneDNN 2.5 has no bfloat16 matmul (below AVX-512), our own emulation. Capping
# oneDNN's ISA (DNNL_MAX_CPU_ISA) shows each path this CPU can reach; the products line Bf16ForwardTest prints
# names the ISA that ran, which must be the one asked for.
bf16_tests='OneDnnMatmulTest,Bf16OperandsTest,Bf16ForwardTest,TrainParityTest,KernelsTest,ResumeTest'
isas=("AVX2:avx2")
has avx512f avx512dq avx512bw avx512vl && isas+=("AVX512_CORE:avx512_core")
has avx512f avx512dq avx512bw avx512vl avx512_vnni avx512_bf16 && isas+=("AVX512_CORE_BF16:avx512_core_bf16")
for pair in "${isas[@]}"; do
  cap=${pair%%:*} want=${pair#*:}
  echo "ci-kernels: bfloat16 with oneDNN capped at $cap"
  if ! DNNL_MAX_CPU_ISA=$cap mvn -B -q surefire:test -Dtest="$bf16_tests" >"$log" 2>&1; then
    cat "$log"; echo "ci-kernels: bfloat16 tests FAILED with DNNL_MAX_CPU_ISA=$cap"; exit 1
  fi
  ran=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -o 'bf16 products: .*' | sort -u)
  if [[ "$ran" != *"ISA $want"* ]]; then
    cat "$log"; echo "ci-kernels: asked oneDNN for $cap, the products ran as: ${ran:-nothing reported}"; exit 1
  fi
  echo "ci-kernels: $ran"
done
echo "ci-kernels: bfloat16 tests passed with oneDNN capped at ${isas[*]%%:*}"
# float32 products by oneDNN (LORA_FLOAT32_PRODUCTS=onednn): the parity suites' float32 bounds come from PyTorch's own
# float32 error and hold for any order of summation, so they must hold for oneDNN's too.
echo "ci-kernels: float32 products by oneDNN"
if ! LORA_FLOAT32_PRODUCTS=onednn mvn -B -q surefire:test -Dtest="$tests" >"$log" 2>&1; then
  cat "$log"; echo "ci-kernels: parity tests FAILED with LORA_FLOAT32_PRODUCTS=onednn"; exit 1
fi
echo "ci-kernels: parity tests passed with float32 products by oneDNN"
