"""Export a trained TransformerLM to ONNX (opset 17).

Input:  input_ids int64 [1, T]
Outputs: logits [1, T, vocab]; per layer l: attn_l [1, H, T, T] (the softmax output the model
multiplies with V), q_l, k_l, v_l [1, H, T, d_k] and o_l = attn_l . v_l [1, H, T, d_k], so the
math view can show the model's own numbers. Callers fetch only the outputs they need.
"""
import torch
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


def export(model: TransformerLM, path: str):
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


def main():
    """Export work/checkpoint.pt into media/model/ with the tokenizer and config."""
    import json
    import os
    import shutil
    import sys

    from model import Config

    here = os.path.dirname(os.path.abspath(__file__))
    work = os.path.join(here, "work")
    out = os.path.join(os.path.dirname(here), "media", "model")
    # The training log holds the trained model's Config (size, tying, positional scale).
    with open(os.path.join(work, "train-log.json")) as f:
        cfg = Config(**json.load(f)["config"])
    model = TransformerLM(cfg)
    model.load_state_dict(torch.load(os.path.join(work, "checkpoint.pt")))
    os.makedirs(out, exist_ok=True)
    export(model, os.path.join(out, "model.onnx"))
    shutil.copyfile(os.path.join(work, "tokenizer.json"), os.path.join(out, "tokenizer.json"))
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({"name": "attention-lens-code-4x4", "context": cfg.context, "causal": True}, f, indent=2)
        f.write("\n")
    print(f"exported to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
