"""Export a trained TransformerLM to ONNX (opset 17).

Input:  input_ids int64 [1, T]
Outputs: logits [1, T, vocab]; per layer l: attn_l [1, H, T, T] (the softmax output the model
multiplies with V), q_l, k_l, v_l [1, H, T, d_k] and o_l = attn_l . v_l [1, H, T, d_k], so the
math view can show the model's own numbers. Callers fetch only the outputs they need.

The shipped file stores its weight matrices as float16, each read through a Cast to float32
(`store_float16`): half the bytes in the package, and the same float32 arithmetic, on weights
rounded once to float16 (relative error at most 2^-11). onnxruntime folds the casts when it
creates the session, so a run computes exactly what the float32 model with those weights would.
"""
import onnx
import torch
from onnx import numpy_helper
from torch import nn

from model import TransformerLM


class ExportWrapper(nn.Module):
    def __init__(self, model: TransformerLM):
        super().__init__()
        self.model = model

    def forward(self, input_ids):
        logits, parts = self.model(input_ids, with_parts=True)
        outs = [logits]
        for p in parts:
            outs += [p["attn"], p["q"], p["k"], p["v"], p["o"]]
        return tuple(outs)


def output_names(layers: int):
    names = ["logits"]
    for l in range(layers):
        names += [f"attn_{l}", f"q_{l}", f"k_{l}", f"v_{l}", f"o_{l}"]
    return names


# Initializers of at least this many elements are stored as float16: the weight matrices, the
# embedding table and the decoder bias (4,096 values, which only the logits read). The other
# biases and the norms (128 or 512 values each, under 1% of the bytes) stay float32.
FLOAT16_MIN_ELEMENTS = 1024


def store_float16(path: str):
    """Rewrites the ONNX file at `path`: float32 initializers of FLOAT16_MIN_ELEMENTS or more
    become float16 under the same name, read by the graph through a Cast (to float32) named
    NAME.float32. Initializer names stay PyTorch's, so readers of the weights find them."""
    import numpy as np
    m = onnx.load(path)
    casts = {}
    for i, init in enumerate(m.graph.initializer):
        if init.data_type != onnx.TensorProto.FLOAT or int(np.prod(init.dims)) < FLOAT16_MIN_ELEMENTS:
            continue
        values = numpy_helper.to_array(init).astype(np.float16)
        if not np.isfinite(values).all():
            raise SystemExit(f"{init.name} has values beyond float16's range (65504): store it as float32")
        half = numpy_helper.from_array(values, init.name)
        m.graph.initializer[i].CopyFrom(half)
        casts[init.name] = init.name + ".float32"
    for node in m.graph.node:
        for k, name in enumerate(node.input):
            if name in casts:
                node.input[k] = casts[name]
    nodes = [onnx.helper.make_node("Cast", [name], [out], name=f"{name}.cast", to=onnx.TensorProto.FLOAT)
             for name, out in casts.items()]
    rest = list(m.graph.node)
    del m.graph.node[:]
    m.graph.node.extend(nodes + rest)
    onnx.checker.check_model(m)
    onnx.save(m, path)


@torch.no_grad()
def float16_attention_change(model: TransformerLM, seed: int = 0) -> float:
    """Largest change of any attention weight when the matrices store_float16 converts are
    rounded to float16, on one full-context sequence of random token ids."""
    import copy
    rounded = copy.deepcopy(model).eval()
    for p in rounded.parameters():
        if p.numel() >= FLOAT16_MIN_ELEMENTS:
            p.copy_(p.half().float())
    ids = torch.randint(0, model.cfg.vocab, (1, model.cfg.context), generator=torch.Generator().manual_seed(seed))
    _, a = model.eval()(ids, with_parts=True)
    _, b = rounded(ids, with_parts=True)
    return max((x["attn"] - y["attn"]).abs().max().item() for x, y in zip(a, b))


def export(model: TransformerLM, path: str, float16_weights: bool = False):
    model.eval()
    names = output_names(model.cfg.layers)
    dynamic = {"input_ids": {1: "T"}}
    for n in names:
        dynamic[n] = {1: "T"} if n == "logits" else {2: "T", 3: "T"} if n.startswith("attn") else {2: "T"}
    example = torch.randint(0, model.cfg.vocab, (1, 16))
    with torch.no_grad():
        torch.onnx.export(ExportWrapper(model), (example,), path, input_names=["input_ids"],
                          output_names=names, dynamic_axes=dynamic, opset_version=17,
                          do_constant_folding=False)
    if float16_weights:
        store_float16(path)


def main(argv=None):
    """Export a run's checkpoint.pt (the folder given, by default work/) into media/model/ with the
    tokenizer and config."""
    import argparse
    import json
    import os
    import shutil
    import sys

    from model import Config

    here = os.path.dirname(os.path.abspath(__file__))
    work = os.path.join(here, "work")
    p = argparse.ArgumentParser(description="Export a trained run into media/model/.")
    p.add_argument("run", nargs="?", default=work, help="folder with the run's checkpoint.pt and train-log.json")
    run = p.parse_args(argv).run
    out = os.path.join(os.path.dirname(here), "media", "model")
    # The training log holds the trained model's Config (size, tying, positional scale).
    with open(os.path.join(run, "train-log.json")) as f:
        cfg = Config(**json.load(f)["config"])
    model = TransformerLM(cfg)
    model.load_state_dict(torch.load(os.path.join(run, "checkpoint.pt")))
    os.makedirs(out, exist_ok=True)
    export(model, os.path.join(out, "model.onnx"), float16_weights=True)
    print(f"float16 weights move attention by at most {float16_attention_change(model):.4f} at {cfg.context} tokens",
          file=sys.stderr)
    shutil.copyfile(os.path.join(work, "tokenizer.json"), os.path.join(out, "tokenizer.json"))
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({"name": "attention-lens-code-4x4", "context": cfg.context, "causal": True}, f, indent=2)
        f.write("\n")
    print(f"exported to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
