"""Writes the tiny GPT-2 fixtures of src/test/resources/fixtures/ (run: /usr/bin/python3 scripts/reference/make_model_fixtures.py).

tiny-gpt2/: config.json, model.safetensors (hub-style keys without `transformer.`, with the attn.bias
buffers) and pytorch_model.bin (torch.save, `transformer.` prefix, tied lm_head.weight, attn.masked_bias);
forward.json: reference logits of fixed token sequences in float32 and float64;
loss.jsonl + loss.json: a token-id data file and its mean completion cross-entropy.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import gpt2_ref as ref  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "test", "resources", "fixtures")
CFG = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": 50257, "n_positions": 64,
       "n_ctx": 64, "n_embd": 32, "n_layer": 2, "n_head": 4, "layer_norm_epsilon": 1e-5,
       "activation_function": "gelu_new", "bos_token_id": 50256, "eos_token_id": 50256}


def save_model(folder, sd):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(CFG, f, indent=2)
    P = CFG["n_positions"]
    causal = torch.tril(torch.ones(P, P, dtype=torch.uint8)).view(1, 1, P, P).to(torch.float32)
    hub = {k[len("transformer."):]: v for k, v in sd.items()}
    for i in range(CFG["n_layer"]):
        hub[f"h.{i}.attn.bias"] = causal
    ref.write_safetensors(os.path.join(folder, "model.safetensors"), hub, {"format": "pt"})
    pt = dict(sd)
    pt["lm_head.weight"] = sd["transformer.wte.weight"]  # tied: same storage, as transformers saves it
    for i in range(CFG["n_layer"]):
        pt[f"transformer.h.{i}.attn.bias"] = causal
        pt[f"transformer.h.{i}.attn.masked_bias"] = torch.tensor(-1e4)
    torch.save(pt, os.path.join(folder, "pytorch_model.bin"))


def main():
    sd = ref.random_gpt2(CFG, seed=1234)
    save_model(os.path.join(OUT, "tiny-gpt2"), sd)
    sd64 = {k: v.double() for k, v in sd.items()}

    g = torch.Generator().manual_seed(7)
    lengths = [17, 9, 1, 64]
    seqs = [torch.randint(0, CFG["vocab_size"], (n,), generator=g) for n in lengths]
    cols = sorted(set(torch.randint(0, CFG["vocab_size"], (48,), generator=g).tolist()) | {0, 50256, 11, 13})
    out = {"vocab_columns": cols, "sequences": []}
    for s in seqs:
        entry = {"ids": s.tolist()}
        for name, weights in (("float32", sd), ("float64", sd64)):
            lg = ref.logits(weights, CFG, s)
            entry[name] = {"logits": lg[:, cols].tolist(), "logsumexp": torch.logsumexp(lg, dim=-1).tolist()}
        out["sequences"].append(entry)
    with open(os.path.join(OUT, "forward.json"), "w") as f:
        json.dump(out, f)

    # Token-id data: loss = mean over all completion positions of the file (the final eos included).
    lines, nll32, nll64, count = [], 0.0, 0.0, 0
    for n_ctx, n_comp in [(5, 4), (12, 7), (1, 1), (20, 10), (3, 15)]:
        ctx = torch.randint(0, 50256, (n_ctx,), generator=g).tolist()
        comp = torch.randint(0, 50256, (n_comp - 1,), generator=g).tolist() + [50256]
        lines.append(json.dumps({"context": ctx, "completion": comp}))
        ids = torch.tensor(ctx + comp)
        targets = ids[n_ctx:]
        for name, weights in (("float32", sd), ("float64", sd64)):
            lg = ref.logits(weights, CFG, ids[:-1])[n_ctx - 1:]
            loss = F.cross_entropy(lg, targets, reduction="sum").item()
            if name == "float32":
                nll32 += loss
            else:
                nll64 += loss
        count += n_comp
    with open(os.path.join(OUT, "loss.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(OUT, "loss.json"), "w") as f:
        json.dump({"tokens": count, "examples": len(lines), "float32": {"loss": nll32 / count},
                   "float64": {"loss": nll64 / count}}, f, indent=2)


if __name__ == "__main__":
    main()
