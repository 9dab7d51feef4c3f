"""The JSON form, attention-lens/result@1 (docs/FORMAT.md): the header fields at the top level and
attention as nested lists [layer][head][query][key], numbers to float32 precision (7 significant digits)."""
import json

import numpy as np

JSON_FORMAT = "attention-lens/result@1"


def _nested(array):
    """JSON text of an n-d float array, each number with 7 significant digits."""
    if array.ndim == 1:
        return "[" + ",".join(np.char.mod("%.7g", array.astype(np.float64))) + "]"
    return "[" + ",".join(_nested(part) for part in array) + "]"


def dumps(result):
    """The whole file as a str."""
    head = json.dumps({"format": JSON_FORMAT, **result.header}, ensure_ascii=False, separators=(",", ":"))
    pieces = [head[:-1], ',"attention":[', ",".join(_nested(layer) for layer in result.attention), "]"]
    if result.parts:
        parts = ",".join(f'"{name}":[' + ",".join(_nested(layer) for layer in stack) + "]" for name, stack in result.parts.items())
        pieces.append(',"parts":{' + parts + "}")
    pieces.append("}")
    return "".join(pieces)


def write(path, result):
    with open(path, "w", encoding="utf-8") as f:
        f.write(dumps(result))


def read(text):
    """(header dict, {name: float32 array}) from the JSON text."""
    value = json.loads(text)
    if value.get("format") != JSON_FORMAT:
        raise ValueError(f"format is {value.get('format')!r}, expected {JSON_FORMAT!r}")
    tensors = {f"attention.{i}": np.asarray(layer, dtype=np.float32) for i, layer in enumerate(value.pop("attention"))}
    for name, stack in (value.pop("parts", None) or {}).items():
        tensors.update({f"{name}.{i}": np.asarray(layer, dtype=np.float32) for i, layer in enumerate(stack)})
    return value, tensors
