"""The content of an attention file, checked, before it is written in either form (docs/FORMAT.md)."""
import numpy as np

from ._arrays import layer_stack
from ._offsets import to_utf16

#: |sum of a row - 1| allowed, as the reader checks it (docs/FORMAT.md, "Checks").
ROW_SUM_TOLERANCE = 1e-2
LAYOUTS = ("decoder", "encoder", "encoder-decoder")
PARTS = ("q", "k", "v", "o")


class Result:
    """Header fields (JSON-ready) and tensors: attention[layer] [heads, T_q, T_k], parts[name][layer]."""

    def __init__(self, header, attention, parts):
        self.header = header
        self.attention = attention
        self.parts = parts

    @property
    def layers(self):
        return len(self.attention)

    @property
    def heads(self):
        return self.attention[0].shape[0]


def _model(model, layers, heads, causal, layout):
    if model is None:
        info = {"name": "unnamed model"}
    elif isinstance(model, str):
        info = {"name": model}
    elif isinstance(model, dict):
        info = dict(model)
    elif hasattr(model, "config"):  # a Hugging Face model
        config = model.config
        info = {"name": getattr(config, "name_or_path", None) or getattr(config, "_name_or_path", None) or type(model).__name__}
        if getattr(config, "is_encoder_decoder", False):
            info["layout"] = "encoder-decoder"
    else:
        raise ValueError(f"model must be a name, a dict or a Hugging Face model, not {type(model).__name__}.")
    if not isinstance(info.get("name"), str) or not info["name"]:
        raise ValueError('model needs a non-empty "name".')
    if layout is not None:
        info["layout"] = layout
    if info.get("layout") is not None and info["layout"] not in LAYOUTS:
        raise ValueError(f"model layout must be one of {', '.join(LAYOUTS)}, not {info['layout']!r}.")
    info["layers"] = layers
    info["heads"] = heads
    if "causal" not in info:
        info["causal"] = causal
    return info


def _sequence(tokens, ids, special, offsets, text, source_file, source_start, unit, label):
    if isinstance(tokens, str) or not hasattr(tokens, "__len__"):
        raise ValueError(f"{label} must be a list of token strings.")
    tokens = [str(t) for t in tokens]
    if not tokens:
        raise ValueError(f"{label} is empty.")
    if ids is not None:
        ids = [int(i) for i in np.asarray(ids.detach().cpu().numpy() if hasattr(ids, "detach") else ids).reshape(-1)]
        if len(ids) != len(tokens):
            raise ValueError(f"{label}: {len(ids)} ids for {len(tokens)} tokens.")
    if special is not None:
        special = [bool(s) for s in np.asarray(special.detach().cpu().numpy() if hasattr(special, "detach") else special).reshape(-1)]
        if len(special) != len(tokens):
            raise ValueError(f"{label}: {len(special)} special flags for {len(tokens)} tokens.")
    pairs = None if offsets is None else to_utf16(offsets, text, len(tokens), unit, f"{label} offsets")
    entries = []
    for i, text_i in enumerate(tokens):
        entry = {"index": i, "text": text_i, "special": bool(special[i]) if special is not None else False}
        if ids is not None:
            entry["id"] = ids[i]
        if pairs is not None:
            entry["start"] = int(pairs[i][0])
            entry["end"] = int(pairs[i][1])
        entries.append(entry)
    source = None
    if text is not None:
        if not isinstance(text, str):
            raise ValueError(f"the source of {label} must be the text as a str.")
        source = {"startOffset": int(source_start), "text": text}
        if source_file is not None:
            source["file"] = str(source_file)
    return entries, source


def check_rows(layer, index):
    """Raises ValueError unless every row of [heads, T_q, T_k] is a finite probability distribution."""
    if not np.all(np.isfinite(layer)):
        head, query, key = (int(x[0]) for x in np.nonzero(~np.isfinite(layer)))
        raise ValueError(f"attention layer {index}, head {head}: query {query} on key {key} is {layer[head, query, key]}; check the masking.")
    if np.any(layer < 0):
        head, query, key = (int(x[0]) for x in np.nonzero(layer < 0))
        raise ValueError(f"attention layer {index}, head {head}: query {query} on key {key} is negative; save the softmax output, not scores.")
    sums = layer.sum(axis=-1, dtype=np.float64)
    bad = np.abs(sums - 1) > ROW_SUM_TOLERANCE
    if np.any(bad):
        head, query = (int(x[0]) for x in np.nonzero(bad))
        raise ValueError(
            f"attention layer {index}, head {head}: the weights of query {query} sum to {sums[head, query]:.6g}, not 1. "
            "Save the softmax output with keys on the last axis: [heads, queries, keys]."
        )


def build(tokens, attentions, offsets=None, source=None, model=None, key_tokens=None, *,
          token_ids=None, special=None, source_file=None, source_start=0,
          key_offsets=None, key_source=None, key_token_ids=None, key_special=None, key_source_file=None, key_source_start=0,
          offsets_unit="code_points", layout=None, causal=None, q=None, k=None, v=None, o=None):
    """Checks and gathers everything save() and display() write. See save() for the arguments."""
    attention = layer_stack(attentions, "attentions")
    heads, t_q, t_k = attention[0].shape
    query_entries, query_source = _sequence(tokens, token_ids, special, offsets, source, source_file, source_start, offsets_unit, "tokens")
    if len(query_entries) != t_q:
        raise ValueError(f"attentions have {t_q} queries but there are {len(query_entries)} tokens.")
    header = {}
    if key_tokens is not None:
        key_entries, key_source_entry = _sequence(key_tokens, key_token_ids, key_special, key_offsets, key_source, key_source_file, key_source_start, offsets_unit, "key_tokens")
        if len(key_entries) != t_k:
            raise ValueError(f"attentions have {t_k} keys but there are {len(key_entries)} key_tokens.")
    elif t_k != t_q:
        raise ValueError(f"attentions are {t_q} x {t_k}: for cross-attention pass key_tokens (the keys' sequence).")
    for i, layer in enumerate(attention):
        check_rows(layer, i)
    if causal is None:
        causal = key_tokens is None and t_q > 1 and all(not np.any(np.triu(layer, 1)) for layer in attention)
    header["model"] = _model(model, len(attention), int(heads), bool(causal), layout)
    if query_source is not None:
        header["source"] = query_source
    header["tokens"] = query_entries
    if key_tokens is not None:
        if key_source_entry is not None:
            header["keySource"] = key_source_entry
        header["keyTokens"] = key_entries

    parts = {}
    dims = {}
    for name, values in zip(PARTS, (q, k, v, o)):
        if values is None:
            continue
        stack = layer_stack(values, name)
        rows = t_q if name in ("q", "o") else t_k
        if len(stack) != len(attention) or stack[0].shape[:2] != (heads, rows):
            raise ValueError(f"{name} must be per layer [heads={heads}, {rows}, dim] for {len(attention)} layers; got {len(stack)} of {list(stack[0].shape)}.")
        group = "key" if name in ("q", "k") else "value"
        if dims.setdefault(group, stack[0].shape[2]) != stack[0].shape[2]:
            raise ValueError(f"{name} has {stack[0].shape[2]} dims per head, its partner has {dims[group]}.")
        if not all(np.all(np.isfinite(x)) for x in stack):
            raise ValueError(f"{name} holds NaN or infinite values.")
        parts[name] = stack
    return Result(header, attention, parts)
