#!/usr/bin/env python3
"""Reads the java-N.json / torch-N.json files compare.sh wrote and prints the comparison table.

The ceiling: a dense layer costs 2 FLOPs per weight per token forward, 2 for the input gradient and 2
for the weight gradient, ~6 x params per token; LoRA freezes the base weights, so their gradient (a third)
is skipped: ~4 x params per token. At CEILING_GFLOPS (default 140, issue #6's figure: what sgemm reaches
on the project's 2 cores while libgomp's workers spin; ~300 with OMP_WAIT_POLICY=PASSIVE, see
docs/performance.md) that gives ~281 tokens/s for GPT-2 small. "Step GFLOP/s" counts the step's matmul FLOPs exactly instead: 48 C^2 per token per layer
(forward + input gradient of c_attn, c_proj, c_fc, mlp c_proj), 12 T C per token per layer of attention
(QK^T and PV, forward and backward, causal half not skipped), and 4 C V per loss token for the tied LM
head (only completion rows go through it).
"""
import json
import os
import statistics
import sys

CEILING = float(os.environ.get("CEILING_GFLOPS", "140"))


def load(folder, impl, rounds):
    runs = []
    for r in range(1, rounds + 1):
        with open(os.path.join(folder, f"{impl}-{r}.json")) as f:
            runs.append(json.load(f))
    return runs


def median(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def step_gflop(r):
    c, t, n = r["n_embd"], r["seq"], r["batch"] * r["seq"]
    return (n * r["n_layer"] * (48 * c * c + 12 * t * c) + r["loss_tokens"] * 4 * c * r["vocab_size"]) / 1e9


def main():
    folder, rounds = sys.argv[1], int(sys.argv[2])
    java, torch = load(folder, "java", rounds), load(folder, "torch", rounds)
    first = java[0]
    ceiling_tps = CEILING * 1e9 / (4 * first["params"])
    gflop = step_gflop(first)

    def row(label, j, t, fmt="{:.1f}", ratio=True):
        cell = lambda v: "n/a" if v is None else fmt.format(v)
        rt = "{:.2f}".format(j / t) if ratio and j is not None and t not in (None, 0) else ""
        print(f"| {label} | {cell(j)} | {cell(t)} | {rt} |")

    # Tokens/s from the median step time, so the two rows agree whatever the number of rounds.
    jm, tm = median(java, "ms_per_step"), median(torch, "ms_per_step")
    jt, tt = first["batch"] * first["seq"] / (jm / 1e3), first["batch"] * first["seq"] / (tm / 1e3)
    print(f"{first['preset']}: {first['n_layer']} layers, n_embd {first['n_embd']}, {first['params'] / 1e6:.1f}M params; "
          f"LoRA r={first['r']} on {','.join(first['targets'])}; batch {first['batch']} x seq {first['seq']} "
          f"({first['loss_tokens']} loss tokens); {first['dtype']}; {first['threads']} threads, "
          f"OMP_WAIT_POLICY={first.get('omp_wait_policy') or 'unset'}; "
          f"median of {first['steps']} steps x {rounds} round(s)")
    print()
    print("| metric | Java (ND4J) | PyTorch | Java/PyTorch |")
    print("|---|---|---|---|")
    row("training tokens/s", jt, tt)
    row("ms per step", jm, tm, "{:.0f}")
    row("peak RSS MB", median(java, "peak_rss_mb"), median(torch, "peak_rss_mb"), "{:.0f}")
    row("decoding tokens/s (beam 10, 64 new)", median(java, "gen_tokens_per_s"), median(torch, "gen_tokens_per_s"), "{:.2f}")
    row(f"fraction of the {ceiling_tps:.0f} tokens/s ceiling", jt / ceiling_tps, tt / ceiling_tps, "{:.1%}")
    row(f"step GFLOP/s ({gflop:.0f} GFLOP per step)", gflop / (jm / 1e3), gflop / (tm / 1e3))
    jg, tg = median(java, "matmul_gflops"), median(torch, "matmul_gflops")
    row("sgemm probe GFLOP/s (1024x768x3072)", jg, tg)
    row("step GFLOP/s / own sgemm probe", gflop / (jm / 1e3) / jg, gflop / (tm / 1e3) / tg, "{:.0%}")
    row("CPU seconds per step", median(java, "cpu_s_per_step"), median(torch, "cpu_s_per_step"), "{:.1f}")
    row("cores busy (CPU time / wall time)", median(java, "cpu_per_wall"), median(torch, "cpu_per_wall"), "{:.2f}")
    row("loss at the last step (sanity, ~ln V)", median(java, "loss"), median(torch, "loss"), "{:.3f}", ratio=False)
    installed = os.path.join(folder, "torch-as-installed-1.json")
    if os.path.exists(installed):
        plain = load(folder, "torch-as-installed", rounds)
        pm = median(plain, "ms_per_step")
        pt = first["batch"] * first["seq"] / (pm / 1e3)
        print()
        print("Against PyTorch as installed (OMP_WAIT_POLICY unset: libgomp's spin-waiting, a plain `python3` run):")
        print()
        print("| metric | Java (ND4J) | PyTorch as installed | Java/PyTorch |")
        print("|---|---|---|---|")
        row("training tokens/s", jt, pt)
        row("peak RSS MB", median(java, "peak_rss_mb"), median(plain, "peak_rss_mb"), "{:.0f}")
        row("decoding tokens/s (beam 10, 64 new)", median(java, "gen_tokens_per_s"), median(plain, "gen_tokens_per_s"), "{:.2f}")
    print()
    print(f"Ceiling: 4 x {first['params'] / 1e6:.1f}M params = {4 * first['params'] / 1e6:.0f} MFLOP per token "
          f"(6 per weight for forward + backward, minus the 2 of the frozen weights' gradient) at {CEILING:.0f} GFLOP/s.")


if __name__ == "__main__":
    main()
