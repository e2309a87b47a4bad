#!/usr/bin/env python3
"""Summarises a JFR recording of `lora bench`: where the main thread's samples in the training steps fall.

ND4J does its work in native code, which JFR's jdk.ExecutionSample never sees; jdk.NativeMethodSample
does, with the Java stack that called into native code. Both are counted here and each sample is charged
(a) to the innermost dev.lora frame, which names the layer and operation (Conv1D.forward:NN, Gelu...;
model.Gemm, which only calls BLAS, is skipped for its caller),
and (b) to the innermost frame outside dev.lora, which names the ND4J entry point (gemm, exec of a
transform, a dup, an allocation, a deallocation). GC pauses are added from jdk.GarbageCollection.

Record with -XX:FlightRecorderOptions:stackdepth=256 (ND4J's stacks are deep) and settings=profile.
Usage: jfr_top.py RECORDING.jfr [TOP]
"""
import collections
import json
import subprocess
import sys


NOT_STEP = ("dev.lora.bench.MatmulProbe", "dev.lora.model.Gpt2Weights", "dev.lora.adapter.LoraAdapters",
            "dev.lora.adapter.LoraModel.create")


def frames(event):
    trace = event["values"].get("stackTrace") or {}
    for f in trace.get("frames") or []:
        m = f["method"]
        yield f"{m['type']['name'].replace('/', '.')}.{m['name']}", f.get("lineNumber")


def kind(mine, stack):
    """'Conv1D: gemm', 'Attention: batched matmul', 'Gelu: other ops'...: robust to line-number changes."""
    cls = mine.split(":")[0].rsplit(".", 2)[-2].split("$")[0]
    names = {name for name, _ in stack}
    if cls == "StepUpdater":
        return "StepUpdater: workspace open/close (mostly the first step, which sizes it)"
    if any(n.startswith("org.bytedeco.openblas.global.openblas.cblas_") for n in names):
        return f"{cls}: batched matmul" if "dev.lora.model.kernels.host.Blas.batchedInto" in names else f"{cls}: gemm"
    if "org.nd4j.linalg.factory.Nd4j.gemm" in names:
        return f"{cls}: gemm"
    if "org.nd4j.linalg.factory.Nd4j.matmul" in names:
        return f"{cls}: batched matmul"
    if any(n.startswith("java.util.SplittableRandom") for n in names) or stack[0][0].startswith("dev.lora."):
        return f"{cls}: Java code"
    return f"{cls}: other ops (elementwise, reductions, copies)"


def main():
    path, top = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25
    raw = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events",
                          "jdk.ExecutionSample,jdk.NativeMethodSample,jdk.GarbageCollection", path],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(raw)["recording"]["events"]
    ours, entry, alloc, kinds = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
    gc_ms, n = 0.0, 0
    for e in events:
        if e["type"] == "jdk.GarbageCollection":
            d = e["values"]["duration"]  # ISO-8601, e.g. PT0.0123S
            gc_ms += float(d[2:-1]) * 1000 if d.startswith("PT") and d.endswith("S") else 0
            continue
        thread = (e["values"].get("sampledThread") or {}).get("javaName")
        if thread != "main":
            continue
        stack = list(frames(e))
        # The kernels compute for a layer: charge their samples to the layer that called them.
        mine = next((f"{name}:{line}" for name, line in stack
                     if name.startswith("dev.lora.") and not name.startswith("dev.lora.model.kernels.")), None)
        # Only the optimiser steps: not model building, not the gemm probe. JFR keeps the innermost frames
        # of a deep stack, so a step's sample may have lost StepUpdater.step; look for what is not a step.
        if mine is None or mine.startswith(("dev.lora.bench", "dev.lora.cli")) \
                or any(name.startswith(NOT_STEP) for name, _ in stack):
            continue
        n += 1
        ours[mine] += 1
        outside = next((name for name, _ in stack if not name.startswith("dev.lora.")), "(java)")
        leaf = stack[0][0] if stack else "?"
        kinds[kind(mine, stack)] += 1
        if outside.endswith("allocateDataBuffer"):
            alloc[mine] += 1
        entry[f"{outside}  [leaf {leaf.rsplit('.', 2)[-2]}.{leaf.rsplit('.', 1)[-1]}]" if outside != leaf else outside] += 1
    print(f"{n} main-thread samples in dev.lora code; GC pauses {gc_ms:.0f} ms in all")
    print("\nBy layer class and kind of work:")
    for k, c in kinds.most_common(top):
        print(f"{100 * c / n:6.1f}%  {k}")
    print("\nBy innermost dev.lora frame:")
    for k, c in ours.most_common(top):
        print(f"{100 * c / n:6.1f}%  {k}")
    print("\nAllocation (Nd4jCpu.allocateDataBuffer) by innermost dev.lora frame, % of all samples:")
    for k, c in alloc.most_common(top):
        print(f"{100 * c / n:6.1f}%  {k}")
    print("\nBy ND4J entry point (innermost frame outside dev.lora):")
    for k, c in entry.most_common(top):
        print(f"{100 * c / n:6.1f}%  {k}")


if __name__ == "__main__":
    main()
