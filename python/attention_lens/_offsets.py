"""Token offsets in UTF-16 code units, the unit of the file format (and of JavaScript strings and VS Code).

Hugging Face fast tokenizers give offset_mapping in Python str indices (code points); a character
outside the Basic Multilingual Plane (an emoji, for instance) is one code point but two UTF-16 code units.
"""
import numpy as np


def utf16_prefix(text):
    """prefix[i] = UTF-16 code units in text[:i], for i in 0..len(text)."""
    widths = np.fromiter((2 if ord(c) > 0xFFFF else 1 for c in text), dtype=np.int64, count=len(text))
    return np.concatenate([[0], np.cumsum(widths)])


def offset_pairs(offsets, count, what):
    """offset_mapping as a [count, 2] int array; accepts lists of pairs, arrays, tensors, [1, T, 2] batches."""
    if hasattr(offsets, "detach"):
        offsets = offsets.detach().cpu().numpy()
    pairs = np.asarray(offsets)
    if pairs.ndim == 3 and pairs.shape[0] == 1:
        pairs = pairs[0]
    if pairs.ndim != 2 or pairs.shape[1] != 2:
        raise ValueError(f"{what} has shape {list(pairs.shape)}; expected one (start, end) pair per token.")
    if pairs.shape[0] != count:
        raise ValueError(f"{what} has {pairs.shape[0]} pairs for {count} tokens.")
    if not np.issubdtype(pairs.dtype, np.integer):
        if not np.all(np.equal(np.mod(pairs, 1), 0)):
            raise ValueError(f"{what} must hold integer offsets.")
        pairs = pairs.astype(np.int64)
    return pairs.astype(np.int64)


def to_utf16(offsets, text, count, unit, what):
    """(start, end) per token in UTF-16 code units into text.

    unit: "code_points" (Python str indices, as Hugging Face offset_mapping) or "utf16" (already converted).
    Raises ValueError naming the first token whose offsets do not fit the text.
    """
    if text is None:
        raise ValueError(f"{what} need the source text they index: pass source=<the text you tokenized>.")
    pairs = offset_pairs(offsets, count, what)
    if unit == "code_points":
        limit = len(text)
    elif unit == "utf16":
        limit = len(text.encode("utf-16-le")) // 2
    else:
        raise ValueError(f'offsets_unit must be "code_points" or "utf16", not {unit!r}.')
    for i, (start, end) in enumerate(pairs):
        if not 0 <= start <= end <= limit:
            raise ValueError(f"{what}[{i}] = ({start}, {end}) does not fit the source text of {limit} {unit.replace('_', ' ')}.")
    if unit == "utf16":
        return pairs
    return utf16_prefix(text)[pairs]
