#!/usr/bin/env python3
"""Writes the fixtures for the dev.lora.io tests (src/test/resources/io/) with PyTorch 1.13+.

Everything the Java tests compare against comes from here, computed by PyTorch, never by the Java
code under test: tensors are saved with torch.save and by a hand-written safetensors writer (the
`safetensors` package is not needed), and the values PyTorch holds for them are stored beside them
in expected.json files as float32 bit patterns, so comparisons are exact and NaN-safe.

Usage: python3 scripts/reference/make_io_fixtures.py [output folder, default src/test/resources/io]
"""
import argparse
import collections
import io
import json
import os
import struct
import sys

import numpy as np
import torch

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "src", "test", "resources", "io")

SAFETENSORS_DTYPE = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64"}


def f32_bits(t):
    """The float32 bit patterns of t's values in row-major order, as Python ints."""
    return t.detach().to(torch.float32).contiguous().view(-1).view(torch.int32).numpy().astype(np.uint32).tolist()


def u16_bits(t):
    return t.contiguous().view(-1).view(torch.int16).numpy().astype(np.uint16).tolist()


def raw_bytes(t):
    """Little-endian bytes of t as stored (bf16 via its 16-bit pattern: numpy has no bfloat16)."""
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


def describe(t):
    return {"dtype": SAFETENSORS_DTYPE.get(t.dtype, str(t.dtype)), "shape": list(t.shape), "bits": f32_bits(t)}


def write_safetensors(path, tensors, metadata=None):
    """The safetensors layout: u64 LE header size, compact JSON header padded with spaces to 8 bytes, data."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        data = raw_bytes(t)
        header[name] = {"dtype": SAFETENSORS_DTYPE[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)


def conversion_inputs():
    """float32 values whose F16 / BF16 rounding is worth checking: ties, subnormals, overflow, random."""
    f = lambda v: float(np.float32(v))
    edge = [0.0, -0.0, 1.0, -1.0, 0.1, 1 / 3, 65504.0, 65519.0, 65519.996, 65520.0, 65536.0, 1e6, -1e6,
            float("inf"), float("-inf"), 3.4028234663852886e38, -3.4028234663852886e38,
            2.0 ** -14, 2.0 ** -14 * (1 - 2 ** -11), 2.0 ** -24, 2.0 ** -25, f(2.0 ** -25 * 1.0000002),
            2.0 ** -24 * 1.5, 2.0 ** -24 * 2.5, 2.0 ** -24 * 3.5, 1e-8, -1e-8, 1e-40, -1e-45, 1.17549435e-38,
            1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -11 + 2 ** -23, 1 + 2 ** -8, 1 + 3 * 2 ** -8,
            1 + 2 ** -8 + 2 ** -23, 255.5, 256.5, 2049.0, 2051.0, 3.14159265, -2.71828182, 1e-3, 6e-5, 6.1e-5]
    rng = np.random.default_rng(1234)
    mags = np.exp2(rng.uniform(-30, 20, 400)) * rng.uniform(1, 2, 400) * rng.choice([-1, 1], 400)
    patterns = rng.integers(0, 2 ** 32, 200, dtype=np.uint64).astype(np.uint32).view(np.float32)
    values = np.concatenate([np.array(edge, dtype=np.float32), mags.astype(np.float32), patterns])
    # NaN rounding differs between PyTorch's scalar and vectorised paths, so NaNs are checked in Java only.
    return torch.from_numpy(values[~np.isnan(values)].copy())


def make_safetensors(folder):
    torch.manual_seed(0)
    tensors = collections.OrderedDict()
    tensors["f32"] = torch.randn(3, 4)
    tensors["f16"] = (torch.randn(2, 5) * 1000).half()
    tensors["bf16"] = (torch.randn(7) * 1e-3).bfloat16()
    tensors["f64"] = torch.randn(2, 2, 2, dtype=torch.float64) * 1e5 + 1 / 3
    tensors["scalar"] = torch.tensor(2.5)
    tensors["empty"] = torch.zeros(0, 3)
    metadata = {"format": "pt", "note": "written by make_io_fixtures.py"}
    write_safetensors(os.path.join(folder, "dtypes.safetensors"), tensors, metadata)

    x = conversion_inputs()
    expected = {
        "metadata": metadata,
        "tensors": {k: describe(v) for k, v in tensors.items()},
        "conversion": {
            "f32_bits": f32_bits(x),
            "f16_bits": u16_bits(x.half()),
            "bf16_bits": u16_bits(x.bfloat16()),
            "f16_as_f32_bits": f32_bits(x.half().float()),
            "bf16_as_f32_bits": f32_bits(x.bfloat16().float()),
        },
    }
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


def leaves(obj, path=()):
    """(dotted path, value) for every leaf, keys as str(), list items by index: the naming the Java reader uses."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from leaves(v, path + (str(k),))
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from leaves(v, path + (str(i),))
    else:
        yield ".".join(path), obj


def expectations(obj):
    readable = (torch.float32, torch.float16, torch.bfloat16, torch.float64)
    out = {"tensors": {}, "skipped": {}, "scalars": {}}
    for name, v in leaves(obj):
        if isinstance(v, torch.Tensor) and v.dtype in readable:
            out["tensors"][name] = describe(v)
        elif isinstance(v, torch.Tensor):
            out["skipped"][name] = {"dtype": str(v.dtype), "shape": list(v.shape)}
        elif isinstance(v, (bool, int, float, str)):
            out["scalars"][name] = v
    return out


def make_torch(folder):
    torch.manual_seed(1)
    expected = {}

    basic = collections.OrderedDict()
    basic["weight"] = torch.randn(4, 3)
    basic["bias"] = torch.randn(4)
    basic["half"] = torch.randn(2, 3).half()
    basic["bfloat"] = torch.randn(3, 2).bfloat16()
    basic["double"] = torch.randn(5, dtype=torch.float64)
    basic["scalar"] = torch.tensor(-1.25)
    basic["empty"] = torch.zeros(0, 2)
    torch.save(basic, os.path.join(folder, "basic.pt"))  # torch 1.13 names the zip's top folder "basic"
    expected["basic.pt"] = expectations(basic)

    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 8
    big = torch.randn(100)
    views = collections.OrderedDict()
    views["base"] = base
    views["row"] = base[1]                       # offset 6, shares base's storage
    views["column"] = base[:, 2]                 # offset 2, stride 6
    views["transposed"] = base.t()               # strides (1, 6), saved as-is
    views["block"] = base[1:3, 2:5]              # offset 8, strides (6, 1)
    views["flat_tail"] = base.view(-1)[10:20]
    views["slice"] = big[10:14]                  # the whole 100-element storage is saved
    views["expanded"] = torch.arange(3, dtype=torch.float32).expand(2, 3)  # stride 0
    views["half_transposed"] = torch.randn(3, 5).half().t()
    views["bf16_column"] = torch.randn(4, 3).bfloat16()[:, 1]
    buffer = io.BytesIO()
    torch.save(views, buffer)                    # file-like target: top folder "archive", as torch 2 writes
    with open(os.path.join(folder, "views.pt"), "wb") as f:
        f.write(buffer.getvalue())
    expected["views.pt"] = expectations(views)

    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.LayerNorm(4))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model(torch.randn(2, 3)).sum().backward()
    optimizer.step()
    checkpoint = {
        "model_state_dict": model.state_dict(),
        "optimizer_state_dict": optimizer.state_dict(),
        "epoch": 3,
        "lr": 1e-4,
        "note": "hello",
        "flag": True,
        "parameter": torch.nn.Parameter(torch.randn(2, 2)),
        "token_ids": torch.arange(5),
        "nested": {"inner": {"w": torch.randn(2, 3).t()}, "list": [torch.ones(2), 7]},
        # Things training scripts put beside the weights, which a reader must get past.
        "extras": {"device": torch.device("cpu"), "dtype": torch.float16, "np_scalar": np.float32(0.5),
                   "args": argparse.Namespace(lr=0.1, name="run"), "ids": {1, 2}, "none": None},
    }
    torch.save(checkpoint, os.path.join(folder, "checkpoint.pt"))
    expected["checkpoint.pt"] = expectations(checkpoint)
    expected["checkpoint.pt"]["model_state_dict_keys"] = list(checkpoint["model_state_dict"].keys())

    torch.save(basic, os.path.join(folder, "legacy.pt"), _use_new_zipfile_serialization=False)

    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


def main():
    for sub, make in (("safetensors", make_safetensors), ("torch", make_torch)):
        folder = os.path.join(OUT, sub)
        os.makedirs(folder, exist_ok=True)
        make(folder)
    print("wrote fixtures under", os.path.normpath(OUT), "with torch", torch.__version__)


if __name__ == "__main__":
    main()
