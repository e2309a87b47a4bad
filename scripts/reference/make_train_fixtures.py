"""Writes src/test/resources/fixtures/train-parity/: a few AdamW steps of LoRA training on the tiny GPT-2, in PyTorch.

For each case (q/v-only adapters; every target type with all biases trained) it writes an initial adapter
with non-zero B (init-<case>/), and for float32 and float64 the per-step loss, learning rate and gradient norm
and the final trainable tensors (expected-<case>-<dtype>.json). Training as torch.optim.AdamW, Hugging Face's
linear warmup/decay schedule, token-mean label-smoothed cross-entropy over completion positions, gradient
accumulation (micro-batch losses averaged; an epoch's last step may have fewer micro-batches) and
clip_grad_norm_. Dropout 0, no shuffling. Run: /usr/bin/python3 scripts/reference/make_train_fixtures.py
(after make_model_fixtures.py).
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import gpt2_ref as ref  # noqa: E402
from make_model_fixtures import CFG, OUT  # noqa: E402

TRAIN = {"batch_size": 2, "grad_accum": 2, "epochs": 2, "lr": 0.01, "weight_decay": 0.01, "betas": [0.9, 0.999],
         "eps": 1e-8, "warmup_steps": 2, "label_smoothing": 0.1, "clip_norm": 0.05}
ALL = ["q", "k", "v", "attn_proj", "mlp_fc", "mlp_proj", "wte"]
CASES = {"qv": {"targets": ["q", "v"], "bias": "none"}, "all": {"targets": ALL, "bias": "all"}}
R, ALPHA = 4, 8


def load_base():
    from safetensors_reader import read
    hub = read(os.path.join(OUT, "tiny-gpt2", "model.safetensors"))
    return {"transformer." + k: v for k, v in hub.items() if not k.endswith(".attn.bias")}


def init_adapter(targets, g):
    C, V = CFG["n_embd"], CFG["vocab_size"]
    qkv = [t for t in ("q", "k", "v") if t in targets]
    out = {}
    for i in range(CFG["n_layer"]):
        p = f"transformer.h.{i}."
        if qkv:
            out[p + "attn.c_attn.lora_A"] = torch.randn(R * len(qkv), C, generator=g) * 0.2
            out[p + "attn.c_attn.lora_B"] = torch.randn(C * len(qkv), R, generator=g) * 0.2
        for t, mod, fin, fout in (("attn_proj", "attn.c_proj", C, C), ("mlp_fc", "mlp.c_fc", C, 4 * C),
                                  ("mlp_proj", "mlp.c_proj", 4 * C, C)):
            if t in targets:
                out[p + mod + ".lora_A"] = torch.randn(R, fin, generator=g) * 0.2
                out[p + mod + ".lora_B"] = torch.randn(fout, R, generator=g) * 0.2
    if "wte" in targets:
        out["transformer.wte.lora_A"] = torch.randn(R, V, generator=g) * 0.2
        out["transformer.wte.lora_B"] = torch.randn(C, R, generator=g) * 0.2
    return out


def data(g):
    rows = []
    for n_ctx, n_comp in [(4, 3), (9, 5), (2, 6), (7, 2), (5, 5), (11, 4), (3, 3), (6, 7), (8, 2), (1, 4)]:
        ctx = torch.randint(0, 50256, (n_ctx,), generator=g).tolist()
        comp = torch.randint(0, 50256, (n_comp - 1,), generator=g).tolist() + [50256]
        rows.append((ctx, comp))
    return rows


def run(base, adapter, case, rows, dtype):
    sd = {k: v.to(dtype) for k, v in base.items()}
    lora = {k: v.to(dtype).clone().requires_grad_(True) for k, v in adapter.items()}
    trainable = list(lora.values())
    if case["bias"] == "all":
        for k in sd:
            if k.endswith(".bias"):
                sd[k] = sd[k].clone().requires_grad_(True)
                trainable.append(sd[k])
    enable = [t in case["targets"] for t in ("q", "k", "v")]
    lcfg = {"alpha": ALPHA, "r": R, "enable": enable}
    bs, accum = TRAIN["batch_size"], TRAIN["grad_accum"]
    batches = [rows[i:i + bs] for i in range(0, len(rows), bs)]
    groups = [batches[i:i + accum] for i in range(0, len(batches), accum)] * TRAIN["epochs"]
    total, warmup = len(groups), TRAIN["warmup_steps"]
    opt = torch.optim.AdamW(trainable, lr=TRAIN["lr"], betas=tuple(TRAIN["betas"]), eps=TRAIN["eps"],
                            weight_decay=TRAIN["weight_decay"])
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: s / max(1, warmup) if s < warmup else max(0.0, (total - s) / max(1, total - warmup)))
    steps = []
    for group in groups:
        opt.zero_grad()
        lr = opt.param_groups[0]["lr"]
        losses = []
        for batch in group:
            nll, count = 0, 0
            for ctx, comp in batch:
                ids = torch.tensor(ctx + comp)
                lg = ref.logits(sd, CFG, ids[:-1], lora=lora, lora_cfg=lcfg)[len(ctx) - 1:]
                nll = nll + F.cross_entropy(lg, ids[len(ctx):], label_smoothing=TRAIN["label_smoothing"],
                                            reduction="sum")
                count += len(comp)
            loss = nll / count
            (loss / len(group)).backward()
            losses.append(loss.item())
        norm = torch.nn.utils.clip_grad_norm_(trainable, TRAIN["clip_norm"]).item()
        opt.step()
        sched.step()
        steps.append({"loss": sum(losses) / len(losses), "lr": lr, "grad_norm": norm})
    final = {k: v.detach() for k, v in lora.items()}
    if case["bias"] == "all":
        final.update({k: v.detach() for k, v in sd.items() if k.endswith(".bias")})
    return steps, {k: sample(v, rows) for k, v in final.items()}


def sample(t, rows):
    """Small tensors whole; a large one (the embedding adapter's A) at every entry of the tokens the data uses
    plus 500 random others, so the fixture stays small."""
    flat = t.flatten()
    if flat.numel() <= 4096:
        return {"shape": list(t.shape), "values": flat.tolist()}
    tokens = sorted({tok for ctx, comp in rows for tok in ctx + comp})
    cols = t.shape[1]
    idx = {r * cols + c for r in range(t.shape[0]) for c in tokens}
    idx |= set(torch.randint(0, flat.numel(), (500,), generator=torch.Generator().manual_seed(5)).tolist())
    idx = sorted(idx)
    return {"shape": list(t.shape), "indices": idx, "values": flat[idx].tolist()}


def main():
    folder = os.path.join(OUT, "train-parity")
    os.makedirs(folder, exist_ok=True)
    base = load_base()
    g = torch.Generator().manual_seed(2024)
    rows = data(g)
    with open(os.path.join(folder, "data.jsonl"), "w") as f:
        for ctx, comp in rows:
            f.write(json.dumps({"context": ctx, "completion": comp}) + "\n")
    for name, case in CASES.items():
        adapter = init_adapter(case["targets"], g)
        init = os.path.join(folder, "init-" + name)
        os.makedirs(init, exist_ok=True)
        ref.write_safetensors(os.path.join(init, "adapter_model.safetensors"), adapter)
        with open(os.path.join(init, "adapter_config.json"), "w") as f:
            json.dump({"format": "loralib", "r": R, "lora_alpha": ALPHA, "lora_dropout": 0.0,
                       "targets": case["targets"], "bias": case["bias"], "base_model": "tiny-gpt2",
                       "n_embd": CFG["n_embd"], "n_layer": CFG["n_layer"], "n_head": CFG["n_head"],
                       "vocab_size": CFG["vocab_size"], "n_positions": CFG["n_positions"]}, f, indent=2)
        for dtype, dname in ((torch.float32, "float32"), (torch.float64, "float64")):
            steps, final = run(base, adapter, case, rows, dtype)
            with open(os.path.join(folder, f"expected-{name}-{dname}.json"), "w") as f:
                json.dump({"train": TRAIN, "lora": {"r": R, "alpha": ALPHA, **case}, "steps": steps,
                           "final": final}, f)
            print(name, dname, [round(s["loss"], 6) for s in steps])


if __name__ == "__main__":
    main()
