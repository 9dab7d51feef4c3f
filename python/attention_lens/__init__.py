"""Save attention computed by PyTorch or Hugging Face models as Attention Lens files, and show it in notebooks.

    import attention_lens
    out = model(**enc, output_attentions=True)
    attention_lens.save("run.attention.safetensors", tokens, out.attentions,
                        offsets=enc["offset_mapping"], source=text, model="gpt2")
    attention_lens.display(tokens, out.attentions)  # in a notebook cell

The format is described in docs/FORMAT.md of the Attention Lens repository.
"""
import os

from . import _json, _safetensors
from ._load import AttentionFile, load
from ._result import ROW_SUM_TOLERANCE, build
from .notebook import MIME_TYPE, AttentionDisplay

__all__ = ["save", "display", "load", "AttentionFile", "AttentionDisplay", "MIME_TYPE", "ROW_SUM_TOLERANCE"]
__version__ = "0.1.0"


def save(path, tokens, attentions, offsets=None, source=None, model=None, key_tokens=None, *, dtype="float32", **options):
    """Writes an attention file: JSON when path ends in .json, the binary (safetensors) form otherwise.

    tokens: the query tokens' strings (for self-attention, the only sequence), T_q of them.
    attentions: per layer the softmax weights, as Hugging Face returns them with output_attentions=True
        (a tuple of [batch=1, heads, T_q, T_k]), nn.MultiheadAttention ([heads, T_q, T_k] with
        average_attn_weights=False, or [T_q, T_k]), or stacked [layers, (1,) heads, T_q, T_k];
        torch tensors (any device or float dtype) or numpy arrays.
    offsets: per token (start, end) into source, e.g. a fast tokenizer's offset_mapping; Python str
        indices (code points) unless offsets_unit="utf16". Stored as UTF-16 code units.
    source: the text the tokens came from (needed with offsets).
    model: a name, a dict {"name", "layout", "causal", "context"}, or a Hugging Face model.
    key_tokens: for cross-attention, the keys' tokens (the encoder's sequence), T_k of them.
    dtype: "float32" (default; read without a copy) or "float16" (half the size).
    options: token_ids, special (a special_tokens_mask), source_file (where source sits, for the
        editor), source_start (UTF-16 offset of source in that file), key_offsets, key_source,
        key_token_ids, key_special, key_source_file, key_source_start, offsets_unit, layout
        ("decoder" | "encoder" | "encoder-decoder"), causal (inferred when omitted),
        q, k, v, o (per layer [heads, rows, dim]).
    Raises ValueError naming what does not fit (shapes, offsets, rows that do not sum to 1, NaN).
    """
    result = build(tokens, attentions, offsets, source, model, key_tokens, **options)
    path = os.fspath(path)
    if path.endswith(".json"):
        _json.write(path, result)
    else:
        _safetensors.write(path, result, dtype)
    return path


def display(tokens, attentions=None, offsets=None, source=None, model=None, key_tokens=None, **options):
    """An object a notebook shows as the Attention Lens views (MIME type application/vnd.attention-lens.result+json).

    Takes save()'s arguments without the path, or a path to an attention file:
    display("run.attention.safetensors").
    """
    if attentions is None and isinstance(tokens, (str, os.PathLike)):
        file = load(tokens)
        result = _from_file(file)
    else:
        result = build(tokens, attentions, offsets, source, model, key_tokens, **options)
    return AttentionDisplay(result)


def _from_file(file):
    from ._result import Result

    return Result({k: v for k, v in file.header.items() if k != "format"}, file.attention, file.parts)
