"""Minimal safetensors reader for the reference scripts (the `safetensors` package is not in Debian)."""
import json
import struct

import numpy as np
import torch

_NP = {"F32": np.float32, "F64": np.float64, "F16": np.float16}


def read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        if info["dtype"] == "BF16":
            raw = np.frombuffer(data[a:b], dtype=np.uint16).astype(np.uint32) << 16
            arr = raw.view(np.float32)
        else:
            arr = np.frombuffer(data[a:b], dtype=_NP[info["dtype"]])
        out[name] = torch.from_numpy(arr.copy()).reshape(info["shape"])
    return out
