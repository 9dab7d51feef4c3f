"""PyTorch eager reference for the inference benchmark.

Rebuilds training/model.py's TransformerLM from an ONNX file exported by training/export.py
(the initializers carry the PyTorch parameter names, prefixed "model."), loads those weights,
and times forward passes. It loads the model once, then answers one JSON request per stdin line,
{"ids": [...], "threads": n, "warmup": w, "repeats": r}, with one JSON line on stdout, so the
benchmark can interleave it with the other runtimes.

usage: python3 bench/torch_forward.py MODEL.onnx
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "training"))

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402
import torch  # noqa: E402

from model import Config, TransformerLM  # noqa: E402


def load(path):
    graph = onnx.load(path).graph
    weights = {}
    for init in graph.initializer:
        if init.name.startswith("model."):
            weights[init.name[len("model."):]] = torch.from_numpy(np.array(numpy_helper.to_array(init)))
    vocab, d_model = weights["embed.weight"].shape
    layers = 1 + max(int(k.split(".")[1]) for k in weights if k.startswith("layers."))
    d_ff = weights["layers.0.ff1.weight"].shape[0]
    # Heads are not a weight shape: read them from the q_0 output's declared shape, else config.json.
    heads = None
    for o in graph.output:
        if o.name == "q_0":
            dim = o.type.tensor_type.shape.dim[1]
            heads = dim.dim_value or None
    if heads is None:
        config = json.load(open(os.path.join(os.path.dirname(path), "config.json")))
        heads = config.get("config", {}).get("heads", 4)
    cfg = Config(vocab=vocab, d_model=d_model, heads=heads, layers=layers, d_ff=d_ff, context=512)
    model = TransformerLM(cfg)
    missing, unexpected = model.load_state_dict(weights, strict=False)
    # decoder.weight is tied to embed.weight; decoder.bias may be folded away by the exporter.
    missing = [m for m in missing if m not in ("decoder.weight", "decoder.bias")]
    if missing or unexpected:
        raise SystemExit(f"weights do not match: missing {missing}, unexpected {unexpected}")
    if "decoder.bias" in weights:
        model.decoder.bias.data.copy_(weights["decoder.bias"])
    model.eval()
    return model, cfg


def blas_libraries():
    """The OpenBLAS libraries this process has loaded (Debian's PyTorch calls BLAS through
    libblas.so.3, which is OpenBLAS where libopenblas0-pthread provides it)."""
    import ctypes
    found = []
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line and line.split()[-1].startswith("/")}
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_set_num_threads  # noqa: B018 (raises AttributeError where absent)
            found.append(lib)
        except (OSError, AttributeError):
            continue
    return found


def set_threads(n, blas):
    """torch.set_num_threads does not reach OpenBLAS's own thread pool: with OPENBLAS_NUM_THREADS=2
    a "1-thread" forward pass kept both cores busy (CPU time / wall time 1.99 on BERT-base size at
    512 tokens, 1.00 once OpenBLAS is told too), so both are set."""
    torch.set_num_threads(n)
    for lib in blas:
        lib.openblas_set_num_threads(n)


def time_forward(model, ids, warmup, repeats):
    times = []
    with torch.inference_mode():
        for i in range(warmup + repeats):
            t0 = time.perf_counter()
            logits, parts = model(ids, with_parts=True)
            dt = (time.perf_counter() - t0) * 1000
            if i >= warmup:
                times.append(dt)
    return times, parts[0]["attn"][0, 0, -1, :4].tolist()


def main():
    model, cfg = load(sys.argv[1])
    blas = blas_libraries()
    print(json.dumps({"ready": True, "torch": torch.__version__, "config": cfg.to_dict()}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        set_threads(int(request["threads"]), blas)
        ids = torch.tensor([request["ids"]], dtype=torch.int64)
        times, check = time_forward(model, ids, int(request["warmup"]), int(request["repeats"]))
        print(json.dumps({"times": times, "threads": torch.get_num_threads(),
                          "blas_threads": [lib.openblas_get_num_threads() for lib in blas], "check": check}), flush=True)


if __name__ == "__main__":
    main()
