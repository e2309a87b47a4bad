#!/usr/bin/env python3
"""PyTorch counterpart of `lora bench`: the same LoRA training step (and optionally beam-search decoding)
on a randomly initialised GPT-2, printing the same JSON fields, so scripts/bench/compare.sh can set the two
side by side.

The model is written as nn.Modules the way Hugging Face GPT2LMHeadModel + loralib (microsoft/LoRA) run it:
Conv1D weights [in, out] applied with addmm, one fused c_attn with a MergedLinear-style LoRA branch on the
q and v column blocks, masked softmax attention (torch 1.13 has no scaled_dot_product_attention), the
unfused tanh GELU of HF's gelu_new, frozen base weights (so autograd computes no weight gradient for them).
Like `lora train`, only the completion rows go through the tied LM head, with label-smoothed cross-entropy.

With --data FILE (token-id JSONL, as `lora bench --data ... --write-tokens FILE` writes it) it trains on those
examples in file order, batch after batch, padding each batch as a PyTorch recipe does: --padding longest (to the
batch's longest example: Hugging Face Trainer + PEFT with a padding collator) or --padding 512 (every example to
512 positions: microsoft/LoRA's gpt2_ft.py). It reports real (unpadded) tokens per second.

With --dtype bfloat16 the forward pass and the loss run under torch.autocast("cpu", dtype=torch.bfloat16), what
Hugging Face Trainer's bf16=True does on a CPU (the backward follows autocast's casts), and so does decoding; the
weights, their gradients and AdamW stay float32, as autocast leaves them.

Usage: bench_torch.py [--preset gpt2] [--batch 8] [--seq 128] [--steps 5] [--warmup 2] [--threads 2] [--generate]
                      [--data FILE --padding longest|512] [--dtype float32|float64|bfloat16]
"""
import argparse
import contextlib
import json
import math
import os
import resource
import statistics
import sys
import time

PRESETS = {"tiny": (2, 32, 4), "gpt2": (12, 768, 12), "gpt2-medium": (24, 1024, 16)}  # layers, n_embd, heads
VOCAB, POSITIONS = 50257, 1024
RANK, ALPHA, DROPOUT = 4, 32.0, 0.1
LR, WEIGHT_DECAY, BETAS, EPS, LABEL_SMOOTHING, CLIP_NORM = 2e-4, 0.01, (0.9, 0.999), 1e-6, 0.1, 1.0
SEED = 110
BEAMS, NEW_TOKENS, PROMPT = 10, 64, 32


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--preset", choices=sorted(PRESETS), default="gpt2")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--seq", type=int, default=128)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--targets", default="q,v", help="comma-separated: q, k, v, attn_proj, mlp_fc, mlp_proj")
    p.add_argument("--dtype", choices=["float32", "float64", "bfloat16"], default="float32",
                   help="bfloat16: float32 weights under CPU autocast (HF Trainer's bf16=True)")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--generate", action="store_true", help="also time beam search (beam 10, 64 new tokens)")
    p.add_argument("--data", help="token-id JSONL of examples to train on (see above)")
    p.add_argument("--padding", choices=["longest", "512"], default="longest")
    p.add_argument("--prompts", help="with --generate: decode these prompts (one JSON array of ids per line, as `lora bench"
                   " --data ... --generate --write-prompts FILE` writes them) one at a time, as microsoft/LoRA does")
    p.add_argument("--as-installed", action="store_true",
                   help="leave OMP_WAIT_POLICY unset (libgomp's default spin-waiting), as a plain `python3` run has it")
    a = p.parse_args()
    if a.batch < 1 or a.seq < 2 or a.seq > POSITIONS or a.steps < 1 or a.warmup < 0 or a.threads < 1:
        p.error("need batch >= 1, 2 <= seq <= 1024, steps >= 1, warmup >= 0, threads >= 1")
    return a


ARGS = parse_args()
# Debian's torch does its matmuls in the system OpenBLAS (pthreads), whose pool is sized from the
# environment when the library loads and which torch.set_num_threads does not touch: set both first.
os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads)
# Two pools then share the cores, torch's OpenMP one and OpenBLAS's; with libgomp's default spin-waiting,
# OpenMP workers spin while OpenBLAS wants the core, and small ops (decoding) get up to 8x slower. Wheels
# built on MKL share one pool and never see this; passive waiting gives Debian's build the same speed.
if ARGS.as_installed:
    os.environ.pop("OMP_WAIT_POLICY", None)
else:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def frozen(t):
    return nn.Parameter(t, requires_grad=False)


class Conv1D(nn.Module):
    """HF Conv1D: y = x W + b with W [in, out]."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = frozen(torch.randn(n_in, n_out) * 0.02)
        self.bias = frozen(torch.zeros(n_out))

    def forward(self, x):
        return torch.addmm(self.bias, x.reshape(-1, x.size(-1)), self.weight).view(*x.shape[:-1], -1)


def lora_a(rows, n_in):
    a = torch.empty(rows, n_in)
    nn.init.kaiming_uniform_(a, a=math.sqrt(5))  # loralib's A init; B starts at zero
    return nn.Parameter(a)


class LoraConv1D(nn.Module):
    """loralib Linear (fan_in_fan_out): base(x) + scaling * dropout(x) A^T B^T."""

    def __init__(self, base):
        super().__init__()
        self.base = base
        n_in, n_out = base.weight.shape
        self.lora_A = lora_a(RANK, n_in)
        self.lora_B = nn.Parameter(torch.zeros(n_out, RANK))
        self.dropout = nn.Dropout(DROPOUT)

    def forward(self, x):
        return self.base(x) + (self.dropout(x) @ self.lora_A.t() @ self.lora_B.t()) * (ALPHA / RANK)


class MergedLoraConv1D(nn.Module):
    """loralib MergedLinear on the fused c_attn: enabled block s of (q, k, v) gets scaling * x A_g^T B_g^T."""

    def __init__(self, base, slices):
        super().__init__()
        self.base, self.slices = base, slices
        n_in, n_out = base.weight.shape
        self.width = n_out // 3
        self.lora_A = lora_a(RANK * len(slices), n_in)
        self.lora_B = nn.Parameter(torch.zeros(self.width * len(slices), RANK))
        self.dropout = nn.Dropout(DROPOUT)

    def forward(self, x):
        y = self.base(x)
        down = self.dropout(x) @ self.lora_A.t()
        w, s = self.width, ALPHA / RANK
        for g, block in enumerate(self.slices):
            # In place on addmm's output (autograd keeps addmm's inputs, not its output), which saves
            # loralib's zero-padded [N, 3C] delta.
            y[..., block * w:(block + 1) * w] += down[..., g * RANK:(g + 1) * RANK] @ self.lora_B[g * w:(g + 1) * w].t() * s
        return y


def wrap(base, name, targets):
    return LoraConv1D(base) if name in targets else base


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Attention(nn.Module):
    def __init__(self, c, heads, targets):
        super().__init__()
        self.heads, self.dim = heads, c // heads
        slices = [i for i, t in enumerate("qkv") if t in targets]
        base = Conv1D(c, 3 * c)
        self.c_attn = MergedLoraConv1D(base, slices) if slices else base
        self.c_proj = wrap(Conv1D(c, c), "attn_proj", targets)
        self.register_buffer("causal", torch.tril(torch.ones(POSITIONS, POSITIONS, dtype=torch.bool)), persistent=False)

    def split(self, t):
        b, n, _ = t.shape
        return t.view(b, n, self.heads, self.dim).permute(0, 2, 1, 3)

    def forward(self, x, cache=None):
        q, k, v = map(self.split, self.c_attn(x).split(x.size(-1), dim=2))
        if cache is not None:  # [past k, past v] of this layer, grown in place of the list
            if cache:
                k, v = torch.cat([cache[0], k], dim=2), torch.cat([cache[1], v], dim=2)
            cache[:] = [k, v]
        w = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.dim)
        n_q, n_k = q.size(-2), k.size(-2)
        mask = self.causal[n_k - n_q:n_k, :n_k]
        w = torch.where(mask, w, torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype))
        y = torch.matmul(torch.softmax(w, dim=-1), v)
        y = y.permute(0, 2, 1, 3).reshape(x.shape)
        return self.c_proj(y)


class Block(nn.Module):
    def __init__(self, c, heads, targets):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(c, eps=1e-5), nn.LayerNorm(c, eps=1e-5)
        self.attn = Attention(c, heads, targets)
        self.c_fc = wrap(Conv1D(c, 4 * c), "mlp_fc", targets)
        self.mlp_proj = wrap(Conv1D(4 * c, c), "mlp_proj", targets)

    def forward(self, x, cache=None):
        x = x + self.attn(self.ln_1(x), cache)
        return x + self.mlp_proj(gelu_new(self.c_fc(self.ln_2(x))))


class Gpt2(nn.Module):
    def __init__(self, layers, c, heads, targets):
        super().__init__()
        self.wte = nn.Embedding(VOCAB, c)
        self.wpe = nn.Embedding(POSITIONS, c)
        nn.init.normal_(self.wte.weight, std=0.02)
        nn.init.normal_(self.wpe.weight, std=0.02)
        self.h = nn.ModuleList(Block(c, heads, targets) for _ in range(layers))
        self.ln_f = nn.LayerNorm(c, eps=1e-5)
        for name, p in self.named_parameters():
            p.requires_grad_("lora_" in name)

    def hidden(self, ids, caches=None):
        start = caches[0][0].size(2) if caches and caches[0] else 0
        pos = torch.arange(start, start + ids.size(1))
        x = self.wte(ids) + self.wpe(pos)
        for i, block in enumerate(self.h):
            x = block(x, None if caches is None else caches[i])
        return self.ln_f(x)

    def logits(self, h):
        return h @ self.wte.weight.t()  # tied LM head


def random_batch(batch, seq):
    """Random tokens; the second half of each row is the completion, as `lora bench` builds it."""
    g = torch.Generator().manual_seed(SEED)
    ids = torch.randint(0, VOCAB - 1, (batch, seq), generator=g)
    first = max(1, seq // 2) - 1  # the last prompt position predicts the first completion token
    rows = torch.cat([b * seq + torch.arange(first, seq - 1) for b in range(batch)])
    targets = ids.reshape(-1)[rows + 1]
    return ids, rows, targets


def data_batches(path, batch, padding):
    """Batches of the file's examples in order, right-padded as the recipe pads: (ids, loss rows, targets, real tokens)."""
    with open(path) as f:
        examples = [json.loads(line) for line in f if line.strip()]
    out = []
    for start in range(0, len(examples), batch):
        part = [e["context"] + e["completion"] for e in examples[start:start + batch]]
        firsts = [len(e["context"]) for e in examples[start:start + batch]]
        width = max(map(len, part)) if padding == "longest" else 512
        ids = torch.full((len(part), width), VOCAB - 1, dtype=torch.long)
        rows, targets = [], []
        for b, (seq, first) in enumerate(zip(part, firsts)):
            ids[b, :len(seq)] = torch.tensor(seq)
            rows += [b * width + t for t in range(first - 1, len(seq) - 1)]
            targets += seq[first:]
        out.append((ids, torch.tensor(rows), torch.tensor(targets), sum(map(len, part))))
    return out


def autocast():
    """The compute context of --dtype: CPU autocast to bfloat16 (HF Trainer's bf16=True), or nothing."""
    return torch.autocast("cpu", dtype=torch.bfloat16) if ARGS.dtype == "bfloat16" else contextlib.nullcontext()


def train_step(model, opt, params, ids, rows, targets):
    with autocast():  # as HF Trainer's compute_loss: forward and loss under autocast, backward outside it
        h = model.hidden(ids).reshape(-1, model.ln_f.normalized_shape[0])[rows]
        loss = F.cross_entropy(model.logits(h), targets, label_smoothing=LABEL_SMOOTHING)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, CLIP_NORM)
    opt.step()
    opt.zero_grad(set_to_none=True)
    return loss.item()


@torch.no_grad()
def beam_search(model, prompt, new_tokens=NEW_TOKENS):
    """Beam 10 with a key/value cache, as `lora bench --generate` runs it: no stop token and no n-gram ban, so
    every run does all the steps. Scores are summed log-probabilities (no length penalty is needed without stops)."""
    caches = [[] for _ in model.h]
    logp = torch.log_softmax(model.logits(model.hidden(prompt[None, :], caches)[:, -1]), dim=-1)
    scores, tokens = logp[0].topk(BEAMS)
    for c in caches:
        c[:] = [t.expand(BEAMS, -1, -1, -1).contiguous() for t in c]
    out = tokens[:, None]
    for _ in range(new_tokens - 1):
        logp = torch.log_softmax(model.logits(model.hidden(out[:, -1:], caches)[:, -1]), dim=-1)
        scores, flat = (scores[:, None] + logp).view(-1).topk(BEAMS)
        beam, token = flat // VOCAB, flat % VOCAB
        out = torch.cat([out[beam], token[:, None]], dim=1)
        for c in caches:
            c[:] = [t.index_select(0, beam) for t in c]
    return out[0]


STOPS, LENGTH_PENALTY, NO_REPEAT = (VOCAB - 1, 628), 0.8, 4


@torch.no_grad()
def beam_search_e2e(model, prompt, new_tokens=NEW_TOKENS):
    """One context as `lora eval --metrics e2e` decodes it (the LoRA paper's setting): beam 10, a finished hypothesis
    scores its summed log-probabilities / length^0.8 (the length counting the end token), no repeated 4-gram among
    generated tokens, stop at end of text or "\n\n", and the search ends once no live hypothesis can beat the best
    finished one (the same bound as lora's BeamSearch). Returns (hypothesis-steps run, tokens of the output)."""
    caches = [[] for _ in model.h]
    logp = torch.log_softmax(model.logits(model.hidden(torch.tensor(prompt)[None, :], caches)[:, -1]), dim=-1).double()
    live, best, best_score, steps = [([], 0.0)], None, None, 0
    for step in range(new_tokens):
        if step > 0:
            for c in caches:
                c[:] = [t.index_select(0, parents) for t in c]
            logp = torch.log_softmax(model.logits(model.hidden(last[:, None], caches)[:, -1]), dim=-1).double()
        steps += len(live)
        for h, (tokens, _) in enumerate(live):  # ban the tokens that would repeat a 4-gram of this hypothesis
            if len(tokens) >= NO_REPEAT - 1:
                prefix = tuple(tokens[len(tokens) - NO_REPEAT + 1:])
                for i in range(len(tokens) - NO_REPEAT + 1):
                    if tuple(tokens[i:i + NO_REPEAT - 1]) == prefix:
                        logp[h, tokens[i + NO_REPEAT - 1]] = float("-inf")
        scores = torch.tensor([s for _, s in live], dtype=torch.float64)[:, None] + logp
        top, flat = scores.view(-1).topk(BEAMS)
        nxt, parent_rows = [], []
        for score, f in zip(top.tolist(), flat.tolist()):
            h, t = divmod(f, VOCAB)
            tokens = live[h][0] + [t]
            if t in STOPS or len(tokens) >= new_tokens:
                final = score / len(tokens) ** LENGTH_PENALTY
                if best is None or final > best_score:
                    best, best_score = tokens, final
            else:
                nxt.append((tokens, score))
                parent_rows.append(h)
        if not nxt or (best is not None and all(best_score >= s / max((len(t) + 1) ** LENGTH_PENALTY,
                                                                          new_tokens ** LENGTH_PENALTY) for t, s in nxt)):
            break
        live, parents = nxt, torch.tensor(parent_rows)
        last = torch.tensor([t[-1] for t, _ in live])
    output = best if best is not None else []
    return steps, len(output) - (1 if output and output[-1] in STOPS else 0)


def matmul_gflops():
    """The same fixed gemm `lora bench` probes: 1024 x 768 times 768 x 3072."""
    a, b = torch.rand(1024, 768), torch.rand(768, 3072)
    c = a @ b
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        torch.mm(a, b, out=c)
        times.append(time.perf_counter() - t0)
    return 2 * 1024 * 768 * 3072 / statistics.median(times) / 1e9


def main():
    torch.set_num_threads(ARGS.threads)
    torch.manual_seed(SEED)
    dtype = torch.float64 if ARGS.dtype == "float64" else torch.float32  # bfloat16: float32 weights, autocast
    torch.set_default_dtype(dtype)
    layers, c, heads = PRESETS[ARGS.preset]
    targets = [t.strip() for t in ARGS.targets.split(",") if t.strip()]
    model = Gpt2(layers, c, heads, targets).train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=LR, betas=BETAS, eps=EPS, weight_decay=WEIGHT_DECAY)
    if ARGS.data:
        batches = data_batches(ARGS.data, ARGS.batch, ARGS.padding)
    else:
        ids, rows, targets_t = random_batch(ARGS.batch, ARGS.seq)
        batches = [(ids, rows, targets_t, ARGS.batch * ARGS.seq)]

    # Warm-up on the largest batches first, timed steps in file order: as `lora bench` does.
    by_size = sorted(batches, key=lambda b: -b[3])
    for i in range(ARGS.warmup):
        train_step(model, opt, params, *by_size[i % len(by_size)][:3])
    seconds, cpu, loss, real = [], [], None, 0
    for i in range(ARGS.steps):
        ids, rows, targets_t, tokens = batches[i % len(batches)]
        t0, c0 = time.perf_counter(), time.process_time()
        loss = train_step(model, opt, params, ids, rows, targets_t)
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        real += tokens
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux

    gen, gen_real = None, {}
    if ARGS.generate and ARGS.prompts:
        model.eval()
        with open(ARGS.prompts) as f:
            prompts = [json.loads(line) for line in f if line.strip()]
        with autocast():
            beam_search_e2e(model, prompts[0], new_tokens=4)  # warm-up
            t0, steps, tokens = time.perf_counter(), 0, 0
            for p in prompts:
                s, n = beam_search_e2e(model, p)
                steps, tokens = steps + s, tokens + n
        decode_seconds = time.perf_counter() - t0
        gen_real = {"gen_contexts": len(prompts), "gen_contexts_per_s": len(prompts) / decode_seconds, "gen_beam_steps": steps,
                    "gen_generated_tokens": tokens}
    elif ARGS.generate:
        model.eval()
        prompt = torch.randint(0, VOCAB - 1, (PROMPT,), generator=torch.Generator().manual_seed(SEED))
        with autocast():
            beam_search(model, prompt, new_tokens=4)  # warm-up
            runs = []
            for _ in range(3):
                t0 = time.perf_counter()
                beam_search(model, prompt)
                runs.append(time.perf_counter() - t0)
        gen = NEW_TOKENS / statistics.median(runs)

    median = statistics.median(seconds)
    print(json.dumps({
        "impl": "pytorch", "torch": torch.__version__, "preset": ARGS.preset, "n_layer": layers, "n_embd": c,
        "n_head": heads, "vocab_size": VOCAB,
        "params": sum(p.numel() for p in model.parameters() if not p.requires_grad),
        "trainable_params": sum(p.numel() for p in params), "targets": targets, "r": RANK, "dtype": ARGS.dtype,
        "batch": ARGS.batch, "seq": ARGS.seq, "loss_tokens": len(batches[0][1]), "warmup": ARGS.warmup, "steps": ARGS.steps,
        "threads": torch.get_num_threads(), "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", ""),
        "train_tokens_per_s": real / sum(seconds) if ARGS.data else ARGS.batch * ARGS.seq / median,
        "data": ARGS.data, "padding": ARGS.padding if ARGS.data else None, "real_tokens": real if ARGS.data else None,
        "ms_per_step": median * 1e3,
        "ms_per_step_min": min(seconds) * 1e3, "ms_per_step_max": max(seconds) * 1e3,
        "cpu_per_wall": sum(cpu) / sum(seconds), "cpu_s_per_step": statistics.median(cpu), "loss": loss, "peak_rss_mb": peak_rss,
        "matmul_gflops": matmul_gflops(), "gen_tokens_per_s": gen, **gen_real,
    }))


if __name__ == "__main__":
    sys.exit(main())
