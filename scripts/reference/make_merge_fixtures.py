"""Writes src/test/resources/fixtures/merge/: adapters in other tools' formats and the merged weights PyTorch computes.

ms-lora-e2e.pt: a checkpoint as microsoft/LoRA's examples/NLG/src/gpt2_ft.py saves it from a
DistributedDataParallel model, torch.save({"model_state_dict": state}) with `module.`-prefixed keys: the
loralib MergedLinear c_attn of each layer (enable_lora=[True, False, True], r=4, fan_in_fan_out: weight
[in, out], lora_A [2r, C], lora_B [2C, r]) next to its base weight and bias; the other base weights are left
out to keep the file small. ms-lora-e2e-expected.safetensors: the merged c_attn weights, computed as loralib's
MergedLinear.merge does (grouped conv1d of A and B, zero_pad into the enabled rows, transpose,
times lora_alpha / r), for alpha 32 (the paper's E2E value, which the file does not store) and alpha 8.

peft-mixed/: a PEFT LoRA folder (adapter_config.json + adapter_model.safetensors, keys
base_model.model.<module>.lora_A.weight / lora_B.weight) on the tiny GPT-2 with target_modules
["c_attn", "c_proj"] (PEFT matches by suffix: c_attn, attn.c_proj and mlp.c_proj), r 8, lora_alpha 16 and
rank_pattern / alpha_pattern giving mlp.c_proj r 4, alpha 12; dense random A and B (c_attn's B has no block
structure). peft-mixed-expected.safetensors: W + (B A)^T * alpha / r for each adapted weight (PEFT's
get_delta_weight with fan_in_fan_out), under the base file's key names.

Run: /usr/bin/python3 scripts/reference/make_merge_fixtures.py (after make_model_fixtures.py).
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import gpt2_ref as ref  # noqa: E402
from make_model_fixtures import CFG, OUT  # noqa: E402
from safetensors_reader import read  # noqa: E402

R = 4
ENABLE = [True, False, True]


def loralib_merged_c_attn(w, a, b, scaling, enable):
    """loralib MergedLinear.merge for fan_in_fan_out weights: w [in, 3C] + T(zero_pad(conv1d(A, B))) * scaling."""
    k = sum(enable)
    out_features = w.shape[1]
    delta = F.conv1d(a.unsqueeze(0), b.unsqueeze(-1), groups=k).squeeze(0)  # [k*C, in]
    lora_ind = torch.tensor(enable).repeat_interleave(out_features // len(enable))
    padded = delta.new_zeros((out_features, *delta.shape[1:]))
    padded[lora_ind] = delta
    return w + padded.transpose(0, 1) * scaling


def microsoft(base, folder, g):
    C = CFG["n_embd"]
    k = sum(ENABLE)
    state, expected = {}, {}
    for i in range(CFG["n_layer"]):
        p = f"h.{i}.attn.c_attn."
        a = torch.randn(R * k, C, generator=g) * 0.2
        b = torch.randn(C * k, R, generator=g) * 0.2
        for key, v in (("weight", base[p + "weight"]), ("bias", base[p + "bias"]), ("lora_A", a), ("lora_B", b)):
            state["module.transformer." + p + key] = v.clone()
        for alpha in (32, 8):
            expected[f"alpha{alpha}." + p + "weight"] = loralib_merged_c_attn(base[p + "weight"], a, b, alpha / R, ENABLE)
    torch.save({"model_state_dict": state}, os.path.join(folder, "ms-lora-e2e.pt"))
    ref.write_safetensors(os.path.join(folder, "ms-lora-e2e-expected.safetensors"),
                          {k: v.contiguous() for k, v in expected.items()})


def peft(base, folder, g):
    C = CFG["n_embd"]
    cfg = {"peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": "tiny-gpt2", "revision": None,
           "inference_mode": True, "r": 8, "lora_alpha": 16, "lora_dropout": 0.05, "target_modules": ["c_attn", "c_proj"],
           "fan_in_fan_out": True, "bias": "none", "modules_to_save": None, "init_lora_weights": True,
           "layers_to_transform": None, "layers_pattern": None, "rank_pattern": {"mlp.c_proj": 4},
           "alpha_pattern": {"mlp.c_proj": 12}}
    adapter_dir = os.path.join(folder, "peft-mixed")
    os.makedirs(adapter_dir, exist_ok=True)
    tensors, expected = {}, {}
    for i in range(CFG["n_layer"]):
        for module, fin, fout in (("attn.c_attn", C, 3 * C), ("attn.c_proj", C, C), ("mlp.c_proj", 4 * C, C)):
            r = cfg["rank_pattern"].get(module, cfg["r"])
            alpha = cfg["alpha_pattern"].get(module, cfg["lora_alpha"])
            a = torch.randn(r, fin, generator=g) * 0.2
            b = torch.randn(fout, r, generator=g) * 0.2
            key = f"base_model.model.transformer.h.{i}.{module}"
            tensors[key + ".lora_A.weight"] = a
            tensors[key + ".lora_B.weight"] = b
            w = base[f"h.{i}.{module}.weight"]
            expected[f"h.{i}.{module}.weight"] = w + (b @ a).transpose(0, 1) * (alpha / r)
    ref.write_safetensors(os.path.join(adapter_dir, "adapter_model.safetensors"), tensors, {"format": "pt"})
    with open(os.path.join(adapter_dir, "adapter_config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    ref.write_safetensors(os.path.join(folder, "peft-mixed-expected.safetensors"),
                          {k: v.contiguous() for k, v in expected.items()})


def main():
    folder = os.path.join(OUT, "merge")
    os.makedirs(folder, exist_ok=True)
    base = read(os.path.join(OUT, "tiny-gpt2", "model.safetensors"))
    g = torch.Generator().manual_seed(44)
    microsoft(base, folder, g)
    peft(base, folder, g)


if __name__ == "__main__":
    main()
