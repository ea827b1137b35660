"""Minimal Hugging Face Llama (LlamaForCausalLM) forward in PyTorch, parameter names identical
to HF so state_dict() keys are the safetensors tensor names.

Head controls (used for training-time head dropout and for evaluation):
  keep[B, L, H]    multiplies each head's output z (before o_proj); 0 = zero ablation
  uniform[B, L, H] adds uniform * (running mean of v over the causal prefix); 1 with keep 0 = mean
This is the app's closed form; export.py checks literal score manipulation separately.
"""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Cfg:
    """Defaults: the shipped demo model."""
    vocab_size: int = 2003
    hidden_size: int = 128
    intermediate_size: int = 128
    num_hidden_layers: int = 4
    num_attention_heads: int = 8
    num_key_value_heads: int = 2
    # head_dim 32 (> hidden/heads) and rope_theta 1e6: the slowest 8 rope pairs of each head barely
    # turn over 1024 positions, so an induction match can use 16 distance-free dims
    head_dim: int = 32
    rms_norm_eps: float = 1e-5
    rope_theta: float = 1e6
    max_position_embeddings: int = 1024


class RMSNorm(nn.Module):
    def __init__(self, n, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        x32 = x.float()  # HF computes the norm in fp32
        return self.weight * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps))


def rope_cos_sin(S, d, theta):
    """cos, sin [S, d] with HF's cat(freqs, freqs) layout (rotate-half convention)."""
    inv_freq = 1.0 / (theta ** (torch.arange(0, d, 2, dtype=torch.float32) / d))
    freqs = torch.outer(torch.arange(S, dtype=torch.float32), inv_freq)  # [S, d/2]
    emb = torch.cat([freqs, freqs], dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([-x2, x1], dim=-1)


def apply_rope(x, cos, sin):  # x [B, H, S, d]
    return x * cos + rotate_half(x) * sin


class Attention(nn.Module):
    def __init__(self, c: Cfg):
        super().__init__()
        self.c = c
        H, K, d, D = c.num_attention_heads, c.num_key_value_heads, c.head_dim, c.hidden_size
        self.q_proj = nn.Linear(D, H * d, bias=False)
        self.k_proj = nn.Linear(D, K * d, bias=False)
        self.v_proj = nn.Linear(D, K * d, bias=False)
        self.o_proj = nn.Linear(H * d, D, bias=False)

    def forward(self, x, cos, sin, keep=None, uniform=None, want_attn=False):
        B, S, _ = x.shape
        H, K, d = self.c.num_attention_heads, self.c.num_key_value_heads, self.c.head_dim
        q = self.q_proj(x).view(B, S, H, d).transpose(1, 2)  # [B, H, S, d]
        k = self.k_proj(x).view(B, S, K, d).transpose(1, 2)  # [B, K, S, d]
        v = self.v_proj(x).view(B, S, K, d).transpose(1, 2)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        # GQA: query head h reads kv head h // (H / K)
        k = k.repeat_interleave(H // K, dim=1)
        v = v.repeat_interleave(H // K, dim=1)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d)  # [B, H, S, S]
        mask = torch.ones(S, S, dtype=torch.bool, device=x.device).triu(1)
        attn = scores.masked_fill(mask, float("-inf")).softmax(-1)
        z = attn @ v  # [B, H, S, d]
        if keep is not None:
            z = z * keep[:, :, None, None]
        if uniform is not None:
            # mean ablation closed form: uniform attention over the causal prefix
            vmean = v.cumsum(2) / torch.arange(1, S + 1, device=x.device)[None, None, :, None]
            z = z + uniform[:, :, None, None] * vmean
        out = self.o_proj(z.transpose(1, 2).reshape(B, S, H * d))
        return out, (attn if want_attn else None)


class MLP(nn.Module):
    def __init__(self, c: Cfg):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x):  # SwiGLU
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, c: Cfg):
        super().__init__()
        self.self_attn = Attention(c)
        self.mlp = MLP(c)
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)


class Inner(nn.Module):
    def __init__(self, c: Cfg):
        super().__init__()
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList([Layer(c) for _ in range(c.num_hidden_layers)])
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)


class LlamaForCausalLM(nn.Module):
    """Tied embeddings: logits = norm(h) @ embed_tokens.weight.T (no lm_head.weight)."""

    def __init__(self, c: Cfg):
        super().__init__()
        self.c = c
        self.model = Inner(c)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)
        for layer in self.model.layers:  # GPT-2 style: shrink residual writes
            for w in (layer.self_attn.o_proj.weight, layer.mlp.down_proj.weight):
                nn.init.normal_(w, std=0.02 / math.sqrt(2 * c.num_hidden_layers))

    def forward(self, ids, keep=None, uniform=None, want_attn=False):
        """ids [B, S] -> logits [B, S, V]; keep/uniform [B, L, H]; attns: list of [B, H, S, S]."""
        c = self.c
        cos, sin = (t.to(ids.device) for t in rope_cos_sin(ids.shape[1], c.head_dim, c.rope_theta))
        h = self.model.embed_tokens(ids)
        attns = []
        for i, layer in enumerate(self.model.layers):
            a, attn = layer.self_attn(
                layer.input_layernorm(h), cos, sin,
                None if keep is None else keep[:, i],
                None if uniform is None else uniform[:, i], want_attn)
            h = h + a
            h = h + layer.mlp(layer.post_attention_layernorm(h))
            attns.append(attn)
        logits = self.model.norm(h) @ self.model.embed_tokens.weight.T
        return (logits, attns) if want_attn else logits
