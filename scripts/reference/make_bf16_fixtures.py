"""Writes PyTorch's bfloat16 mixed-precision references beside the float32/float64 ones:

- src/test/resources/fixtures/train-parity/expected-<case>-bfloat16.json: the train-parity run (same data, same
  committed initial adapters, same schedule) with every forward under torch.autocast("cpu", dtype=torch.bfloat16),
  as Hugging Face Trainer's bf16=True does on a CPU: parameters, gradients and AdamW state in float32, the
  autocast ops (every matmul, LoRA's and attention's included) on bfloat16 operands.
- src/test/resources/fixtures/forward-bfloat16.json: forward.json's sequences' logits under the same autocast.

Tests hold lora's bfloat16 run to PyTorch's float64 numbers within a multiple of how far these land from them.
Run: /usr/bin/python3 scripts/reference/make_bf16_fixtures.py (Debian's python3-torch 1.13; after the other
fixtures, whose files it reads and leaves alone).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import gpt2_ref as ref  # noqa: E402
from make_model_fixtures import CFG, OUT  # noqa: E402
from make_train_fixtures import CASES, load_base, run  # noqa: E402
from safetensors_reader import read  # noqa: E402


def autocast_run(base, adapter, case, rows):
    with torch.autocast("cpu", dtype=torch.bfloat16):
        return run(base, adapter, case, rows, torch.float32)


def main():
    folder = os.path.join(OUT, "train-parity")
    base = load_base()
    rows = []
    with open(os.path.join(folder, "data.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            rows.append((r["context"], r["completion"]))
    for name, case in CASES.items():
        adapter = read(os.path.join(folder, "init-" + name, "adapter_model.safetensors"))
        steps, final = autocast_run(base, adapter, case, rows)
        with open(os.path.join(folder, f"expected-{name}-bfloat16.json"), "w") as f:
            json.dump({"train": json.load(open(os.path.join(folder, f"expected-{name}-float32.json")))["train"],
                       "lora": {"r": 4, "alpha": 8, **case}, "autocast": "cpu bfloat16, torch " + torch.__version__,
                       "steps": steps, "final": final}, f)
        print(name, "bfloat16", [round(s["loss"], 6) for s in steps])

    fwd = json.load(open(os.path.join(OUT, "forward.json")))
    cols = fwd["vocab_columns"]
    out = {"vocab_columns": cols, "autocast": "cpu bfloat16, torch " + torch.__version__, "sequences": []}
    for entry in fwd["sequences"]:
        ids = torch.tensor(entry["ids"])
        with torch.autocast("cpu", dtype=torch.bfloat16):
            lg = ref.logits(base, CFG, ids).float()
        out["sequences"].append({"ids": entry["ids"], "bfloat16": {"logits": lg[:, cols].tolist(),
                                                                    "logsumexp": torch.logsumexp(lg, dim=-1).tolist()}})
    with open(os.path.join(OUT, "forward-bfloat16.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
