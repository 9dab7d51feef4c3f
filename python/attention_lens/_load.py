"""Reading attention files back into numpy, to check what was saved or to reuse it."""
import os

from . import _json, _safetensors


class AttentionFile:
    """A read attention file.

    header: the model, tokens and sources as in docs/FORMAT.md.
    attention: per layer a float32 array [heads, T_q, T_k].
    parts: {"q"|"k"|"v"|"o": per layer [heads, rows, dim]} for what the file holds.
    """

    def __init__(self, header, tensors):
        self.header = header
        self.attention = []
        while f"attention.{len(self.attention)}" in tensors:
            self.attention.append(tensors[f"attention.{len(self.attention)}"])
        self.parts = {}
        for name in ("q", "k", "v", "o"):
            stack = [tensors[f"{name}.{i}"] for i in range(len(self.attention)) if f"{name}.{i}" in tensors]
            if stack:
                self.parts[name] = stack

    @property
    def tokens(self):
        return [t if isinstance(t, str) else t["text"] for t in self.header["tokens"]]

    @property
    def key_tokens(self):
        keys = self.header.get("keyTokens")
        return None if keys is None else [t if isinstance(t, str) else t["text"] for t in keys]

    def __repr__(self):
        t_q, t_k = self.attention[0].shape[1:]
        return f"<AttentionFile {self.header['model']['name']!r}: {len(self.attention)} layers x {self.attention[0].shape[0]} heads, {t_q} x {t_k} tokens>"


def load(path):
    """Reads a .attention.json or .attention.safetensors file (told apart by content). Raises ValueError when malformed."""
    with open(os.fspath(path), "rb") as f:
        data = f.read()
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        header, tensors = _json.read(data.decode("utf-8-sig"))
    else:
        header, tensors = _safetensors.read(data)
    return AttentionFile(header, tensors)
