"""A small, independent Llama / Qwen2 / Mistral forward with transformers' tensor names and eager
attention (additive finfo.min mask, softmax over [B, H, S, S] via nn.functional.softmax), used by
selftest.py in place of transformers on machines without it. Reads safetensors (F32/BF16/F16,
sharded or not) with its own reader. Follows modeling_llama.py: rotate-half rope with the `llama3`
frequency scaling, GQA by repeating kv heads, RMSNorm in fp32, SwiGLU, tied or separate lm_head.
"""
import json
import math
import os
import types

import numpy as np
import torch
import torch.nn as nn


def read_safetensors(path):
    with open(path, "rb") as f:
        buf = f.read()
    n = int.from_bytes(buf[:8], "little")
    header = json.loads(buf[8:8 + n])
    out = {}
    for name, m in header.items():
        if name == "__metadata__":
            continue
        a, b = m["data_offsets"]
        raw = buf[8 + n + a:8 + n + b]
        if m["dtype"] == "F32":
            arr = np.frombuffer(raw, dtype="<f4")
        elif m["dtype"] == "BF16":
            arr = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        elif m["dtype"] == "F16":
            arr = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        else:
            raise ValueError(f"{path}: {name} has dtype {m['dtype']}")
        out[name] = torch.from_numpy(arr.copy().reshape(m["shape"]))
    return out


def read_weights(model_dir):
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if not os.path.exists(index):
        return read_safetensors(os.path.join(model_dir, "model.safetensors"))
    with open(index) as f:
        files = sorted(set(json.load(f)["weight_map"].values()))
    w = {}
    for name in files:
        w.update(read_safetensors(os.path.join(model_dir, name)))
    return w


def inv_frequencies(c, dh):
    inv = 1.0 / (c.get("rope_theta", 10000.0) ** (torch.arange(0, dh, 2, dtype=torch.float32) / dh))
    rs = c.get("rope_scaling")
    if not rs or rs.get("rope_type", rs.get("type")) == "default":
        return inv
    assert rs.get("rope_type", rs.get("type")) == "llama3", rs
    factor, lo, hi, old = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"], rs["original_max_position_embeddings"]
    wavelen = 2 * math.pi / inv
    scaled = torch.where(wavelen > old / lo, inv / factor, inv)
    smooth = (old / wavelen - lo) / (hi - lo)
    smoothed = (1 - smooth) * scaled / factor + smooth * scaled
    medium = (wavelen >= old / hi) & (wavelen <= old / lo)
    return torch.where(medium, smoothed, scaled)


def rms(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat([-b, a], dim=-1)


class MiniLlamaAttention(nn.Module):
    def __init__(self, layer_idx, w, c, window):
        super().__init__()
        self.layer_idx, self.w, self.window = layer_idx, w, window
        self.h, self.kv = c["num_attention_heads"], c.get("num_key_value_heads", c["num_attention_heads"])
        self.dh = c.get("head_dim") or c["hidden_size"] // self.h

    def proj(self, x, name):
        y = x @ self.w[name + ".weight"].T
        return y + self.w[name + ".bias"] if name + ".bias" in self.w else y

    def forward(self, x, cos, sin):
        B, S, _ = x.shape
        p = f"model.layers.{self.layer_idx}.self_attn."
        q = self.proj(x, p + "q_proj").view(B, S, self.h, self.dh).transpose(1, 2)  # [B, H, S, Dh]
        k = self.proj(x, p + "k_proj").view(B, S, self.kv, self.dh).transpose(1, 2)  # [B, KV, S, Dh]
        v = self.proj(x, p + "v_proj").view(B, S, self.kv, self.dh).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = k.repeat_interleave(self.h // self.kv, 1), v.repeat_interleave(self.h // self.kv, 1)
        scores = q @ k.transpose(2, 3) * self.dh ** -0.5  # [B, H, S, S]
        qi, ki = torch.arange(S)[:, None], torch.arange(S)[None, :]
        allowed = (ki <= qi) & ((ki > qi - self.window) if self.window else torch.ones_like(ki, dtype=torch.bool))
        scores = scores + torch.where(allowed, 0.0, torch.finfo(torch.float32).min)[None, None]
        probs = nn.functional.softmax(scores, dim=-1, dtype=torch.float32)
        z = (probs @ v).transpose(1, 2).reshape(B, S, -1)  # [B, S, H*Dh]
        return self.proj(z, p + "o_proj"), probs


class MiniLlama(nn.Module):
    def __init__(self, w, c):
        super().__init__()
        self.w, self.c = w, c
        L = c["num_hidden_layers"]
        self.config = types.SimpleNamespace(num_hidden_layers=L, num_attention_heads=c["num_attention_heads"])
        mt = c["model_type"]
        window = c.get("sliding_window") if mt == "mistral" or (mt == "qwen2" and c.get("use_sliding_window")) else None
        assert mt != "qwen2" or not window, "qwen2 sliding-window layers are not modelled here"
        self.attn = nn.ModuleList([MiniLlamaAttention(i, w, c, window) for i in range(L)])
        self.dh = self.attn[0].dh

    def forward(self, input_ids, use_cache=False, output_attentions=False):
        w, c, eps = self.w, self.c, self.c.get("rms_norm_eps", 1e-6)
        S = input_ids.shape[1]
        freqs = torch.outer(torch.arange(S, dtype=torch.float32), inv_frequencies(c, self.dh))
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos(), emb.sin()
        x = w["model.embed_tokens.weight"][input_ids]  # [B, S, D]
        atts = []
        for i, attn in enumerate(self.attn):
            p = f"model.layers.{i}."
            y, probs = attn(rms(x, w[p + "input_layernorm.weight"], eps), cos, sin)
            x = x + y
            h = rms(x, w[p + "post_attention_layernorm.weight"], eps)
            g = nn.functional.silu(h @ w[p + "mlp.gate_proj.weight"].T) * (h @ w[p + "mlp.up_proj.weight"].T)
            x = x + g @ w[p + "mlp.down_proj.weight"].T
            atts.append(probs)
        x = rms(x, w["model.norm.weight"], eps)
        head = w["model.embed_tokens.weight"] if c.get("tie_word_embeddings") else w["lm_head.weight"]
        return types.SimpleNamespace(logits=x @ head.T, attentions=tuple(atts) if output_attentions else None)


def load(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        c = json.load(f)
    assert c["model_type"] in ("llama", "qwen2", "mistral"), c["model_type"]
    return MiniLlama(read_weights(model_dir), c)
