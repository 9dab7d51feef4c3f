"""The binary form: a safetensors file (https://github.com/huggingface/safetensors, "Format"), written
and read with numpy and the standard library only.

Layout: 8-byte little-endian header length N; N bytes of JSON (padded with spaces to a multiple of 8);
the tensors' bytes, row-major little-endian, each tensor's [begin, end) given relative to the data start.
"""
import json
import struct

import numpy as np

BINARY_FORMAT = "attention-lens/safetensors@1"
METADATA_KEY = "attention-lens"
_DTYPES = {"float32": ("F32", np.dtype("<f4")), "float16": ("F16", np.dtype("<f2"))}
_READ_DTYPES = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "F64": np.dtype("<f8")}
#: Refuse headers past this size when reading, as the extension does by default.
MAX_HEADER_BYTES = 16 * 1024 * 1024


def write(path, result, dtype="float32"):
    if dtype not in _DTYPES:
        raise ValueError(f'dtype must be "float32" or "float16", not {dtype!r}.')
    code, np_dtype = _DTYPES[dtype]
    tensors = [(f"attention.{i}", layer) for i, layer in enumerate(result.attention)]
    for name, stack in result.parts.items():
        tensors += [(f"{name}.{i}", layer) for i, layer in enumerate(stack)]
    table = {"__metadata__": {METADATA_KEY: json.dumps({"format": BINARY_FORMAT, **result.header}, ensure_ascii=False, separators=(",", ":"))}}
    blobs = []
    offset = 0
    for name, array in tensors:
        blob = np.ascontiguousarray(array, dtype=np_dtype).tobytes()
        table[name] = {"dtype": code, "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    header = json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # Padding keeps every tensor 4-byte aligned (all have the same dtype), so JavaScript reads
    # float32 tensors as Float32Array views on the file without a copy.
    header += b" " * (-len(header) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)))
        f.write(header)
        for blob in blobs:
            f.write(blob)


def read(data):
    """(header dict, {name: float32 array}) from a file's bytes; raises ValueError on a malformed file."""
    if len(data) < 8:
        raise ValueError("file too short for a safetensors header")
    (length,) = struct.unpack("<Q", data[:8])
    if length > min(MAX_HEADER_BYTES, len(data) - 8):
        raise ValueError(f"safetensors header of {length} bytes does not fit the file or the limit")
    table = json.loads(data[8 : 8 + length].decode("utf-8"))
    start = 8 + length
    metadata = table.pop("__metadata__", {})
    if METADATA_KEY not in metadata:
        raise ValueError(f'no __metadata__["{METADATA_KEY}"]: not an attention file')
    header = json.loads(metadata[METADATA_KEY])
    tensors = {}
    for name, info in table.items():
        if info["dtype"] not in _READ_DTYPES:
            continue
        begin, end = info["data_offsets"]
        if start + end > len(data):
            raise ValueError(f"tensor {name} is cut short")
        array = np.frombuffer(data, dtype=_READ_DTYPES[info["dtype"]], count=(end - begin) // _READ_DTYPES[info["dtype"]].itemsize, offset=start + begin)
        tensors[name] = array.reshape(info["shape"]).astype(np.float32)
    return header, tensors
