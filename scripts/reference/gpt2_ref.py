"""Plain-PyTorch GPT-2 with loralib-style LoRA: the independent reference for the Java tests.

Written from the definitions (Hugging Face GPT2LMHeadModel semantics: pre-LayerNorm blocks, fused
c_attn in Conv1D [in, out] layout, tanh GELU, tied LM head; loralib MergedLinear / Linear /
Embedding for the adapters), not from the Java code. Keys follow Hugging Face naming with the
`transformer.` prefix.
"""
import json
import math
import struct

import torch
import torch.nn.functional as F


def random_gpt2(cfg, seed, dtype=torch.float32):
    """A random GPT-2 state dict in Hugging Face layout (non-trivial LayerNorm and bias values)."""
    g = torch.Generator().manual_seed(seed)
    C, V, P, L = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"], cfg["n_layer"]

    def rnd(*shape, std):
        return (torch.randn(*shape, generator=g) * std).to(dtype)

    sd = {"transformer.wte.weight": rnd(V, C, std=0.1), "transformer.wpe.weight": rnd(P, C, std=0.05)}
    for i in range(L):
        p = f"transformer.h.{i}."
        sd[p + "ln_1.weight"] = 1 + rnd(C, std=0.1)
        sd[p + "ln_1.bias"] = rnd(C, std=0.1)
        sd[p + "attn.c_attn.weight"] = rnd(C, 3 * C, std=0.15)
        sd[p + "attn.c_attn.bias"] = rnd(3 * C, std=0.05)
        sd[p + "attn.c_proj.weight"] = rnd(C, C, std=0.1)
        sd[p + "attn.c_proj.bias"] = rnd(C, std=0.05)
        sd[p + "ln_2.weight"] = 1 + rnd(C, std=0.1)
        sd[p + "ln_2.bias"] = rnd(C, std=0.1)
        sd[p + "mlp.c_fc.weight"] = rnd(C, 4 * C, std=0.1)
        sd[p + "mlp.c_fc.bias"] = rnd(4 * C, std=0.05)
        sd[p + "mlp.c_proj.weight"] = rnd(4 * C, C, std=0.05)
        sd[p + "mlp.c_proj.bias"] = rnd(C, std=0.05)
    sd["transformer.ln_f.weight"] = 1 + rnd(C, std=0.1)
    sd["transformer.ln_f.bias"] = rnd(C, std=0.1)
    return sd


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def layer_norm(x, w, b, eps):
    return F.layer_norm(x, (x.shape[-1],), w, b, eps)


def lora_delta_out(x, lora, key, enable, n_embd, scaling, dropout_fn):
    """loralib MergedLinear's extra output for the fused c_attn: slice g adds scaling * x A_g^T B_g^T."""
    a, b = lora.get(key + ".lora_A"), lora.get(key + ".lora_B")
    if a is None:
        return 0
    k = sum(enable)
    r = a.shape[0] // k
    xa = dropout_fn(x) @ a.t()  # [.., r*k]
    out = torch.zeros(*x.shape[:-1], 3 * n_embd, dtype=x.dtype)
    slot = 0
    for s in range(3):
        if not enable[s]:
            continue
        xa_s = xa[..., slot * r:(slot + 1) * r]
        b_s = b[slot * n_embd:(slot + 1) * n_embd]
        out[..., s * n_embd:(s + 1) * n_embd] = xa_s @ b_s.t() * scaling
        slot += 1
    return out


def linear_lora(x, w, bias, lora, key, scaling, dropout_fn):
    """Conv1D (y = x W + b) plus a loralib Linear LoRA branch when the adapter has one."""
    y = x @ w + bias
    a = lora.get(key + ".lora_A")
    if a is not None:
        y = y + (dropout_fn(x) @ a.t() @ lora[key + ".lora_B"].t()) * scaling
    return y


def forward(sd, cfg, ids, lora=None, lora_cfg=None, dropout_fn=lambda x: x):
    """Hidden states after ln_f for one unpadded sequence or a [B, T] batch (no padding)."""
    lora = lora or {}
    lora_cfg = lora_cfg or {"alpha": 1, "r": 1, "enable": [True, False, True]}
    scaling = lora_cfg["alpha"] / lora_cfg["r"]
    C, H, eps = cfg["n_embd"], cfg["n_head"], cfg["layer_norm_epsilon"]
    D = C // H
    T = ids.shape[-1]
    wte = sd["transformer.wte.weight"]
    x = F.embedding(ids, wte)
    if "transformer.wte.lora_A" in lora:  # loralib Embedding: x += (A^T[ids] @ B^T) * scaling
        x = x + F.embedding(ids, lora["transformer.wte.lora_A"].t()) @ lora["transformer.wte.lora_B"].t() * scaling
    x = x + sd["transformer.wpe.weight"][:T]
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    for i in range(cfg["n_layer"]):
        p = f"transformer.h.{i}."
        h = layer_norm(x, sd[p + "ln_1.weight"], sd[p + "ln_1.bias"], eps)
        qkv = h @ sd[p + "attn.c_attn.weight"] + sd[p + "attn.c_attn.bias"]
        qkv = qkv + lora_delta_out(h, lora, p + "attn.c_attn", lora_cfg["enable"], C, scaling, dropout_fn)
        q, k, v = qkv.split(C, dim=-1)
        q = q.view(*q.shape[:-1], H, D).transpose(-3, -2)
        k = k.view(*k.shape[:-1], H, D).transpose(-3, -2)
        v = v.view(*v.shape[:-1], H, D).transpose(-3, -2)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(D)
        att = att.masked_fill(~mask, torch.finfo(att.dtype).min)
        y = torch.softmax(att, dim=-1) @ v
        y = y.transpose(-3, -2).reshape(*x.shape)
        y = linear_lora(y, sd[p + "attn.c_proj.weight"], sd[p + "attn.c_proj.bias"], lora, p + "attn.c_proj",
                        scaling, dropout_fn)
        x = x + y
        h = layer_norm(x, sd[p + "ln_2.weight"], sd[p + "ln_2.bias"], eps)
        h = linear_lora(h, sd[p + "mlp.c_fc.weight"], sd[p + "mlp.c_fc.bias"], lora, p + "mlp.c_fc", scaling,
                        dropout_fn)
        h = gelu_new(h)
        h = linear_lora(h, sd[p + "mlp.c_proj.weight"], sd[p + "mlp.c_proj.bias"], lora, p + "mlp.c_proj",
                        scaling, dropout_fn)
        x = x + h
    return layer_norm(x, sd["transformer.ln_f.weight"], sd["transformer.ln_f.bias"], eps)


def logits(sd, cfg, ids, **kw):
    # The LM head is tied to the base wte (an embedding adapter does not change the head, as in PEFT/loralib training).
    return forward(sd, cfg, ids, **kw) @ sd["transformer.wte.weight"].t()


def write_safetensors(path, tensors, metadata=None):
    """Minimal safetensors writer (the format is an 8-byte header length, a JSON header, raw bytes)."""
    names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64"}
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.contiguous()
        raw = t.view(torch.uint8).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
