"""Generate the BERT-base-size benchmark model: random weights (seeded), 12 layers x 12 heads,
d_model 768, d_ff 3072, vocab 30522, context 512, exported to ONNX opset 17 with attention
(and q/k/v/o) outputs exposed exactly as the bundled model exports them.

It reuses training/model.py's TransformerLM (explicit attention, one Softmax per layer) and
training/export.py, so only the size differs from the bundled model. Written to a git-ignored
cache folder; never committed (about 440 MB).

usage: python3 bench/make_bert_model.py OUT_DIR [CONTEXT]
CONTEXT (default 512) sets the positions: the `long` group uses 2048, the 12 x 12 model whose
2048-token run would produce 2.4 GB of float32 attention.
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "training"))

import torch  # noqa: E402

from export import export  # noqa: E402
from model import Config, TransformerLM  # noqa: E402

CONFIG = Config(vocab=30522, d_model=768, heads=12, layers=12, d_ff=3072, context=512)
SEED = 1234


def main():
    out = sys.argv[1]
    context = int(sys.argv[2]) if len(sys.argv) > 2 else CONFIG.context
    config = Config(**{**CONFIG.to_dict(), "context": context})
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(SEED)
    started = time.time()
    model = TransformerLM(config)
    # reset_parameters() leaves biases at 0 and norm weights at 1; the ONNX exporter would merge
    # those identical initializers into one name. Small random values keep every parameter (and
    # its PyTorch name) distinct, so bench/torch_forward.py can load the weights back by name.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1:
                p.add_(torch.randn_like(p) * 0.02)
    path = os.path.join(out, "model.onnx")
    export(model, path + ".tmp")
    os.replace(path + ".tmp", path)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({"name": "bert-base-size-random", "context": config.context, "causal": True,
                   "seed": SEED, "config": config.to_dict()}, f, indent=2)
        f.write("\n")
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"path": path, "params": params, "seconds": round(time.time() - started, 1)}))


if __name__ == "__main__":
    main()
