"""Training pieces of train.py: learning rate, head-dropout masks, one optimiser step."""
import math

import torch
import torch.nn.functional as F


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


def train_step(model, opt, params, ids, keep, lr, emb_const, weights=None):
    """One next-token step on ids [B, S+1] with head multipliers keep [B, L, H]; returns the loss.
    weights [B, S]: per-position loss weights (None: plain mean).
    Embedding dim 0 is set back to emb_const afterwards: layer 0's previous-token heads read it."""
    for g in opt.param_groups:
        g["lr"] = lr
    logits = model(ids[:, :-1], keep=keep)  # [B, S, V]
    if weights is None:
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))
    else:
        ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1), reduction="none")
        loss = (ce * weights.reshape(-1)).sum() / weights.sum()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)  # frozen weights have no grad: same as all params
    opt.step()
    with torch.no_grad():
        model.model.embed_tokens.weight[:, 0] = emb_const
    return loss.item()
