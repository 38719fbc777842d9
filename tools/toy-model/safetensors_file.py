"""Reads and writes safetensors files (an 8-byte little-endian header length, a JSON header, raw tensor bytes),
without the safetensors package, which Debian does not ship.

Tensors are numpy arrays (float16, float32); the header lists them sorted by name, data packed in that order,
and `__metadata__` holds string values only, as the format requires.
"""
import json
import struct

import numpy as np

DTYPES = {"F16": np.float16, "F32": np.float32, "I64": np.int64, "I32": np.int32}
NAMES = {np.dtype(v): k for k, v in DTYPES.items()}


def write(path, tensors, metadata=None):
    header = {}
    offset = 0
    blobs = []
    for name in sorted(tensors):
        array = np.array(tensors[name], order="C")  # (ascontiguousarray would make a 0-dim alpha 1-dim)
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": NAMES[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read(path):
    """(tensors: name -> numpy array, metadata: dict)."""
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + length])
    metadata = header.pop("__metadata__", {})
    base = 8 + length
    tensors = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        array = np.frombuffer(raw[base + start : base + end], dtype=np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<"))
        tensors[name] = array.reshape(entry["shape"]).astype(DTYPES[entry["dtype"]])
    return tensors, metadata
