"""Attention in Jupyter and VS Code notebooks: an output whose MIME type the Attention Lens
notebook renderer draws offline, with a plain-text fallback elsewhere."""
import json

from . import _json

MIME_TYPE = "application/vnd.attention-lens.result+json"


class AttentionDisplay:
    """What display() returns; IPython shows it through _repr_mimebundle_."""

    def __init__(self, result):
        self._result = result

    def to_json(self):
        """The JSON form as a dict (numbers with float32 precision)."""
        return json.loads(_json.dumps(self._result))

    def _summary(self):
        result = self._result
        heads, t_q, t_k = result.attention[0].shape
        kind = f"{t_q} query x {t_k} key tokens (cross-attention)" if "keyTokens" in result.header else f"{t_q} tokens"
        return (
            f"Attention Lens: {result.header['model']['name']}, {result.layers} layers x {heads} heads, {kind}. "
            "Install the Attention Lens extension in VS Code to see it drawn here."
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {MIME_TYPE: self.to_json(), "text/plain": self._summary()}
        if include:
            bundle = {k: v for k, v in bundle.items() if k in include}
        if exclude:
            bundle = {k: v for k, v in bundle.items() if k not in exclude}
        return bundle

    def __repr__(self):
        return self._summary()
