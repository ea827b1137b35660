"""Training schedule pieces shared by the training scripts: learning rate and head-dropout masks."""
import math

import torch


def warmup_cosine_lr(step, total, lr, warmup, floor=0.1):
    """Linear warmup, then cosine from lr down to floor * lr at the last step."""
    if step < warmup:
        return lr * (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return lr * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * t)))


def head_dropout_keep(batch, n_layers, n_heads, drop, gen):
    """[batch, L, H] per-sequence head multipliers. drop: layer -> (p, rescale by 1/(1-p))."""
    keep = torch.ones(batch, n_layers, n_heads)
    for layer, (p, rescale) in drop.items():
        kept = (torch.rand(batch, n_heads, generator=gen) >= p).float()
        keep[:, layer] = kept / (1 - p) if rescale else kept
    return keep
