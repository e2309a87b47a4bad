"""Writes src/test/resources/fixtures/generation/: reference beam search and greedy outputs, in PyTorch.

The search is written from the algorithm's definition (BeamSearch's class comment in
dev.lora.eval.generate), not from the Java code, and without a key/value cache: every step recomputes the
full forward pass of gpt2_ref.py over prompt + generated tokens, in float64. Nor does it take the Java
search's early stop: it runs every hypothesis to a stop token or the budget, so it also checks that the
early stop never changes the result.

Models: small-gpt2/ (written here) is a GPT-2 with a 48-token vocabulary and a scaled-up final LayerNorm, so
distributions are peaked, hypotheses finish at many lengths and repeated n-grams come up: length penalty,
n-gram ban, stop tokens and the n_positions budget all decide outputs. The full-vocabulary tiny-gpt2 fixture
(make_model_fixtures.py) checks the GPT-2 vocabulary with the paper's stop tokens. Each model gets a random
q/v adapter with non-zero B (small-adapter/, tiny-adapter/, the adapter folder format of train-parity/).
expected.json lists cases: model, adapter, decoding settings, prompts and the generated ids (stop token cut).

Run: /usr/bin/python3 scripts/reference/make_generation_fixtures.py (after make_model_fixtures.py).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import gpt2_ref as ref  # noqa: E402
from make_model_fixtures import CFG as TINY_CFG, OUT  # noqa: E402

GEN = os.path.join(OUT, "generation")
SMALL_CFG = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": 48, "n_positions": 32,
             "n_ctx": 32, "n_embd": 16, "n_layer": 2, "n_head": 2, "layer_norm_epsilon": 1e-5,
             "activation_function": "gelu_new", "bos_token_id": 47, "eos_token_id": 47}
R, ALPHA = 2, 4
NEG_INF = float("-inf")
MARGINS = []  # smallest score gaps that decided something: a fixture whose gaps are ~1e-12 would be fragile


# ---------------------------------------------------------------- the searches


def banned_tokens(generated, n):
    """Tokens that would complete an n-gram already among the generated tokens (none when n == 0)."""
    if n == 0 or len(generated) < n - 1:
        return set()
    grams = {tuple(generated[i:i + n]) for i in range(len(generated) - n + 1)}
    prefix = tuple(generated[len(generated) - (n - 1):]) if n > 1 else ()
    return {g[-1] for g in grams if g[:-1] == prefix}


def beam_search(next_logprobs, budget, beams, length_penalty, ngram, stops):
    """next_logprobs(list of generated-token lists, all of one length) -> float64 [n, V] log-probabilities."""
    live = [([], 0.0)]  # (generated tokens, summed log-probability), best first
    finished = []  # (final score, tokens), in finishing order
    while live:
        logp = next_logprobs([toks for toks, _ in live])
        for i, (toks, _) in enumerate(live):
            for t in banned_tokens(toks, ngram):
                logp[i, t] = NEG_INF
        vocab = logp.shape[1]
        cand = (torch.tensor([s for _, s in live], dtype=torch.float64)[:, None] + logp).flatten()
        # A stable descending sort over the (hypothesis, token)-major flattening breaks ties towards the
        # better-ranked hypothesis, then the lower token id.
        ranked, order = torch.sort(cand, descending=True, stable=True)
        kept = [j for j in order[:beams].tolist() if cand[j].item() != NEG_INF]
        if len(ranked) > beams and ranked[beams].item() != NEG_INF:
            MARGINS.append(ranked[beams - 1].item() - ranked[beams].item())
        if not kept:
            finished += [(s / len(toks) ** length_penalty, toks) for toks, s in live if toks]
            break
        nxt = []
        for j in kept:
            h, tok = divmod(j, vocab)
            toks, score = live[h][0] + [tok], cand[j].item()
            if tok in stops or len(toks) >= budget:
                finished.append((score / len(toks) ** length_penalty, toks))
            else:
                nxt.append((toks, score))
        live = nxt
    ranked = sorted(s for s, _ in finished)
    if len(ranked) > 1:
        MARGINS.append(ranked[-1] - ranked[-2])
    best = None
    for score, toks in finished:
        if best is None or score > best[0]:
            best = (score, toks)
    if best is None:
        return [], None
    toks = best[1][:-1] if best[1][-1] in stops else best[1]
    return toks, best[0]


def greedy(next_logprobs, budget, ngram, stops):
    toks = []
    while len(toks) < budget:
        logp = next_logprobs([toks])[0]
        for t in banned_tokens(toks, ngram):
            logp[t] = NEG_INF
        top = logp.max().item()
        if top == NEG_INF:
            break
        tok = min(i for i in range(len(logp)) if logp[i].item() == top)
        if tok in stops:
            break
        toks.append(tok)
    return toks


def scorer(sd, cfg, lora, lora_cfg, prompt):
    def next_logprobs(gens):
        ids = torch.tensor([prompt + g for g in gens])
        lg = ref.logits(sd, cfg, ids, lora=lora, lora_cfg=lora_cfg)[:, -1, :]
        return torch.log_softmax(lg, dim=-1)
    return next_logprobs


# ---------------------------------------------------------------- models and adapters


def small_model():
    sd = ref.random_gpt2(SMALL_CFG, seed=77)
    # Sharper logits: scaling the final LayerNorm scales every logit, peaking the next-token distributions.
    sd["transformer.ln_f.weight"] = sd["transformer.ln_f.weight"] * 3
    sd["transformer.ln_f.bias"] = sd["transformer.ln_f.bias"] * 3
    return sd


def save_small(sd):
    folder = os.path.join(GEN, "small-gpt2")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(SMALL_CFG, f, indent=2)
    hub = {k[len("transformer."):]: v for k, v in sd.items()}
    ref.write_safetensors(os.path.join(folder, "model.safetensors"), hub, {"format": "pt"})


def load_tiny():
    from safetensors_reader import read
    hub = read(os.path.join(OUT, "tiny-gpt2", "model.safetensors"))
    return {"transformer." + k: v for k, v in hub.items() if not k.endswith(".attn.bias")}


def qv_adapter(cfg, seed, std):
    g = torch.Generator().manual_seed(seed)
    C = cfg["n_embd"]
    out = {}
    for i in range(cfg["n_layer"]):
        p = f"transformer.h.{i}.attn.c_attn."
        out[p + "lora_A"] = torch.randn(2 * R, C, generator=g) * std
        out[p + "lora_B"] = torch.randn(2 * C, R, generator=g) * std
    return out


def save_adapter(name, tensors, cfg, base):
    folder = os.path.join(GEN, name)
    os.makedirs(folder, exist_ok=True)
    ref.write_safetensors(os.path.join(folder, "adapter_model.safetensors"), tensors)
    conf = {"format": "loralib", "r": R, "lora_alpha": ALPHA, "lora_dropout": 0.0, "targets": ["q", "v"],
            "bias": "none", "base_model": base, "n_embd": cfg["n_embd"], "n_layer": cfg["n_layer"],
            "n_head": cfg["n_head"], "vocab_size": cfg["vocab_size"], "n_positions": cfg["n_positions"]}
    with open(os.path.join(folder, "adapter_config.json"), "w") as f:
        json.dump(conf, f, indent=2)


# ---------------------------------------------------------------- cases


def run_case(sd, cfg, lora, prompts, settings):
    sd64 = {k: v.double() for k, v in sd.items()}
    lora64 = {k: v.double() for k, v in lora.items()}
    lcfg = {"alpha": ALPHA, "r": R, "enable": [True, False, True]}
    stops = set(settings["stop_tokens"])
    outputs, scores = [], []
    for prompt in prompts:
        budget = min(settings["max_new_tokens"], cfg["n_positions"] - len(prompt))
        nl = scorer(sd64, cfg, lora64, lcfg, prompt)
        if settings["decoding"] == "beam":
            toks, score = beam_search(nl, budget, settings["beams"], settings["length_penalty"],
                                      settings["no_repeat_ngram"], stops)
            scores.append(score)
        else:
            toks = greedy(nl, budget, settings["no_repeat_ngram"], stops)
        outputs.append(toks)
    return outputs, scores


def main():
    os.makedirs(GEN, exist_ok=True)
    small = small_model()
    save_small(small)
    small_lora = qv_adapter(SMALL_CFG, seed=3, std=0.5)
    save_adapter("small-adapter", small_lora, SMALL_CFG, "small-gpt2")
    tiny = load_tiny()
    tiny_lora = qv_adapter(TINY_CFG, seed=4, std=0.3)
    save_adapter("tiny-adapter", tiny_lora, TINY_CFG, "tiny-gpt2")

    g = torch.Generator().manual_seed(11)
    # Lengths 27 and 29 leave budgets of 5 and 3 within n_positions 32.
    small_prompts = [torch.randint(0, 46, (n,), generator=g).tolist() + [47] for n in (4, 9, 1, 14, 26, 28)]
    tiny_prompts = [torch.randint(0, 50256, (n,), generator=g).tolist() + [50256] for n in (6, 19, 2)]
    stops = [47, 46]

    def beam(beams, lp, ngram, max_new, stop):
        return {"decoding": "beam", "beams": beams, "length_penalty": lp, "no_repeat_ngram": ngram,
                "max_new_tokens": max_new, "stop_tokens": stop}

    cases = [
        ("small-paper", "small-gpt2", "small-adapter", small_prompts, beam(10, 0.8, 4, 24, stops)),
        ("small-lp0", "small-gpt2", "small-adapter", small_prompts, beam(10, 0.0, 4, 24, stops)),
        ("small-lp2", "small-gpt2", "small-adapter", small_prompts, beam(10, 2.0, 4, 24, stops)),
        ("small-no-ban", "small-gpt2", "small-adapter", small_prompts, beam(10, 0.8, 0, 24, stops)),
        ("small-ban2-beam3", "small-gpt2", "small-adapter", small_prompts, beam(3, 0.8, 2, 24, stops)),
        ("small-greedy", "small-gpt2", "small-adapter", small_prompts,
         {"decoding": "greedy", "beams": 1, "length_penalty": 0.8, "no_repeat_ngram": 2, "max_new_tokens": 24,
          "stop_tokens": stops}),
        ("tiny-paper", "tiny-gpt2", "tiny-adapter", tiny_prompts, beam(10, 0.8, 4, 6, [50256, 628])),
    ]
    models = {"small-gpt2": (small, SMALL_CFG, small_lora), "tiny-gpt2": (tiny, TINY_CFG, tiny_lora)}
    out = []
    for name, model, adapter, prompts, settings in cases:
        sd, cfg, lora = models[model]
        expected, scores = run_case(sd, cfg, lora, prompts, settings)
        out.append({"name": name, "model": model, "adapter": adapter, "settings": settings, "prompts": prompts,
                    "expected": expected, "scores": scores})
        print(name, [len(e) for e in expected], expected)
        print("   smallest deciding score gap", min(MARGINS, default=None))
        MARGINS.clear()
    with open(os.path.join(GEN, "expected.json"), "w") as f:
        json.dump({"cases": out}, f, indent=1)


if __name__ == "__main__":
    main()
