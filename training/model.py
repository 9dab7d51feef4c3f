"""The textbook Transformer language model, with self-attention written out explicitly.

Token embedding scaled by sqrt(d_model), sinusoidal positional encoding, N post-norm encoder
layers (as nn.TransformerEncoderLayer lays them out), each with multi-head self-attention
softmax(Q K^T / sqrt(d_k) + causal mask) V and a ReLU feed-forward, then a linear decoder to the
vocabulary (tied to the embedding by default). Attention is not fused, so each layer has one Softmax whose
output [B, H, T, T] is returned and exported as the graph output attn_<layer>.
"""
import math
from dataclasses import dataclass, asdict

import torch
from torch import nn


@dataclass
class Config:
    vocab: int = 4096
    d_model: int = 128
    heads: int = 4
    layers: int = 4
    d_ff: int = 512
    context: int = 512
    # Ablation levers; the defaults are the textbook model the extension's reference forward pass
    # (test/reference/transformerForward.ts) reproduces. An untied decoder or a scaled table
    # changes the exported graph's math, so only the defaults may be shipped without changing it.
    tied: bool = True
    pos_scale: float = 1.0

    def to_dict(self):
        return asdict(self)


def sinusoidal_table(context: int, d_model: int) -> torch.Tensor:
    position = torch.arange(context, dtype=torch.float32).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / d_model))
    table = torch.zeros(context, d_model)
    table[:, 0::2] = torch.sin(position * div_term)
    table[:, 1::2] = torch.cos(position * div_term)
    return table


class SelfAttention(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.heads = cfg.heads
        self.d_k = cfg.d_model // cfg.heads
        self.q = nn.Linear(cfg.d_model, cfg.d_model)
        self.k = nn.Linear(cfg.d_model, cfg.d_model)
        self.v = nn.Linear(cfg.d_model, cfg.d_model)
        self.out = nn.Linear(cfg.d_model, cfg.d_model)

    def split(self, x):  # [B, T, D] -> [B, H, T, d_k]
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.d_k).transpose(1, 2)

    def forward(self, x, mask):
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.d_k) + mask
        attn = torch.softmax(scores, dim=-1)
        o = torch.matmul(attn, v)  # [B, H, T, d_k]
        b, h, t, d = o.shape
        y = self.out(o.transpose(1, 2).reshape(b, t, h * d))
        return y, {"attn": attn, "q": q, "k": k, "v": v, "o": o}


class EncoderLayer(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.attn = SelfAttention(cfg)
        self.ff1 = nn.Linear(cfg.d_model, cfg.d_ff)
        self.ff2 = nn.Linear(cfg.d_ff, cfg.d_model)
        self.norm1 = nn.LayerNorm(cfg.d_model)
        self.norm2 = nn.LayerNorm(cfg.d_model)

    def forward(self, x, mask):
        a, parts = self.attn(x, mask)
        x = self.norm1(x + a)
        x = self.norm2(x + self.ff2(torch.relu(self.ff1(x))))
        return x, parts


class TransformerLM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab, cfg.d_model)
        self.layers = nn.ModuleList(EncoderLayer(cfg) for _ in range(cfg.layers))
        self.decoder = nn.Linear(cfg.d_model, cfg.vocab)
        if cfg.tied:
            self.decoder.weight = self.embed.weight
        self.register_buffer("pos", sinusoidal_table(cfg.context, cfg.d_model), persistent=False)
        # generate_square_subsequent_mask: -inf above the diagonal, 0 elsewhere.
        causal = torch.triu(torch.full((cfg.context, cfg.context), float("-inf")), diagonal=1)
        self.register_buffer("causal", causal, persistent=False)
        self.reset_parameters()

    def reset_parameters(self):
        for name, p in self.named_parameters():
            if p.dim() > 1:
                nn.init.normal_(p, 0.0, 0.02)
            elif "norm" not in name:
                nn.init.zeros_(p)

    def causal_mask(self, t):
        """The [t, t] causal mask: -inf above the diagonal, 0 elsewhere."""
        return self.causal[:t, :t]

    def forward(self, ids, with_parts=False):
        t = ids.shape[1]
        pos = self.pos[:t] if self.cfg.pos_scale == 1.0 else self.pos[:t] * self.cfg.pos_scale
        x = self.embed(ids) * math.sqrt(self.cfg.d_model) + pos
        mask = self.causal_mask(t)
        parts = []
        for layer in self.layers:
            x, p = layer(x, mask)
            parts.append(p)
        logits = self.decoder(x)
        return (logits, parts) if with_parts else logits
