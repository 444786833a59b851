#!/usr/bin/env python3
"""Average safetensors weight files of one network (a "model soup": Wortsman et al., 2022).

    scripts/average-weights.py OUT IN[:WEIGHT] IN[:WEIGHT] ...

Every input must hold the same F32 tensors (names, shapes); OUT keeps the first one's header
(metadata included). Only the Python standard library: no numpy on the project's machines.
"""
import array
import json
import struct
import sys


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    size = struct.unpack("<Q", raw[:8])[0]
    return raw[: 8 + size], json.loads(raw[8 : 8 + size]), raw[8 + size :]


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: average-weights.py OUT IN[:WEIGHT] IN[:WEIGHT] ...")
    inputs = []
    for arg in argv[2:]:
        path, _, weight = arg.partition(":")
        inputs.append((read(path), float(weight) if weight else 1.0))
    total = sum(w for _, w in inputs)
    inputs = [(f, w / total) for f, w in inputs]
    (prefix, header, data), _ = inputs[0]
    out = bytearray(data)
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        if meta["dtype"] != "F32":
            sys.exit(f"average-weights.py: {name} is {meta['dtype']}, only F32 is averaged")
        acc = None
        for (_, h, d), w in inputs:
            if name not in h or h[name]["shape"] != meta["shape"]:
                sys.exit(f"average-weights.py: the inputs differ in {name}")
            begin, end = h[name]["data_offsets"]
            values = array.array("f")
            values.frombytes(d[begin:end])
            scaled = [v * w for v in values]
            acc = scaled if acc is None else [a + s for a, s in zip(acc, scaled)]
        begin, end = meta["data_offsets"]
        out[begin:end] = array.array("f", acc).tobytes()
    with open(argv[1], "wb") as f:
        f.write(prefix + bytes(out))


if __name__ == "__main__":
    main(sys.argv)
