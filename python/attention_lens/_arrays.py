"""Per-layer attention and q/k/v/o as Hugging Face, PyTorch and TransformerLens return them, as numpy."""
import numpy as np


def to_numpy(value, what):
    """A torch tensor (any device, any float dtype) or array-like as a float32 numpy array."""
    if value is None:
        raise ValueError(
            f"{what} is None. Hugging Face models return no attention unless loaded with "
            "attn_implementation='eager' and called with output_attentions=True."
        )
    if hasattr(value, "detach"):  # torch.Tensor, without importing torch
        value = value.detach()
        if hasattr(value, "float"):
            value = value.float()  # bfloat16 has no numpy dtype
        value = value.cpu().numpy()
    array = np.asarray(value)
    if not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{what} holds {array.dtype} values, not numbers.")
    return np.ascontiguousarray(array, dtype=np.float32)


def split_layers(values, what):
    """A list/tuple of per-layer tensors, or one stacked tensor [layers, (batch=1,) heads, rows, cols]."""
    if isinstance(values, (list, tuple)):
        return list(values)
    array = to_numpy(values, what)
    if array.ndim in (4, 5):
        return [array[i] for i in range(array.shape[0])]
    raise ValueError(
        f"{what}: a single tensor must be stacked per layer, [layers, heads, T_q, T_k] or "
        f"[layers, 1, heads, T_q, T_k]; got shape {list(array.shape)}. Pass a list of per-layer tensors instead."
    )


def per_head(value, what):
    """One layer as [heads, rows, cols].

    Accepts [batch=1, heads, rows, cols] (Hugging Face output_attentions, TransformerLens hook_pattern),
    [heads, rows, cols] (nn.MultiheadAttention with average_attn_weights=False, unbatched), and
    [rows, cols] (one head, or nn.MultiheadAttention's head average).
    """
    array = to_numpy(value, what)
    if array.ndim == 4:
        if array.shape[0] != 1:
            raise ValueError(
                f"{what} has a batch of {array.shape[0]} (shape {list(array.shape)}); save one example: "
                "[a[i:i+1] for a in attentions]."
            )
        array = array[0]
    elif array.ndim == 2:
        array = array[np.newaxis]
    elif array.ndim != 3:
        raise ValueError(f"{what} has shape {list(array.shape)}; expected [1, heads, T_q, T_k], [heads, T_q, T_k] or [T_q, T_k].")
    return np.ascontiguousarray(array)


def layer_stack(values, what):
    """Every layer as [heads, rows, cols], all with the same shape."""
    layers = [per_head(v, f"{what}[{i}]") for i, v in enumerate(split_layers(values, what))]
    if not layers:
        raise ValueError(f"{what} is empty: give at least one layer.")
    first = layers[0].shape
    for i, layer in enumerate(layers):
        if layer.shape != first:
            raise ValueError(f"{what}[{i}] has shape {list(layer.shape)} but {what}[0] has {list(first)}; all layers must match.")
    return layers
