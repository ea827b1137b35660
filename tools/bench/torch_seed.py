#!/usr/bin/python3
"""The seed script's algorithm in PyTorch eager, as the side-by-side bench's alternative.

What run_ablations.py does per (condition, permutation), written out the way TransformerLens runs it:
batch 1, every layer's attention scores materialised [H, S, S] after the causal mask, a hook on
them (zero: the ablated heads' scores set to -inf, their NaN softmax rows replaced by 0; mean: every
unmasked score of the head replaced by the mean of that query's unmasked scores), grouped-query
keys and values repeated per query head, logits at EVERY position [S, V], then the softmax of the
last position gathered at the prompt's tokens.

Families: llama (incl. the llama3 rope scaling, grouped-query attention) and gpt2, float32
safetensors only (the bench's checkpoints).

The weight matmuls go through oneDNN (torch's mkldnn linear), the fastest fp32 path of a torch
build whose BLAS is the generic reference one (Debian's python3-torch: ~5 GFLOP/s through BLAS,
~40-75 through oneDNN on a 2-core x86 machine); a pip build would use MKL at a similar rate.
`"matmul": "blas"` in the load request keeps torch's default path instead. Weights are read through
a memory map; the oneDNN copies are the only resident copy of the matmul weights.

A long-lived worker: one JSON request per stdin line, one JSON reply per stdout line.
  {"cmd": "load", "model": dir, "threads": n, "matmul": "onednn"|"blas"}
                                                -> {"ok": true, "loadSeconds", "threads", "torch", "matmul", "blas"}
  {"cmd": "run", "rows": [{"tokens": [...], "heads": [[layer, head], ...], "mode": "zero"|"mean"|"none"}]}
                                                -> {"ok": true, "seconds": [per row], "probs": [[S floats per row]]}
  {"cmd": "memory"}                             -> {"ok": true, "peakRssMB", "rssMB"}
Errors reply {"ok": false, "error": message}.
"""

import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_safetensors(path):
    """name -> torch tensor over a copy-on-write memory map of the file (no copy of the weights)."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
    raw = np.memmap(path, dtype=np.uint8, mode="c")
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        if meta["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {meta['dtype']}; this script reads F32 checkpoints only")
        start, end = meta["data_offsets"]
        arr = raw[8 + n + start: 8 + n + end].view(np.float32).reshape(meta["shape"])
        out[name] = torch.from_numpy(arr)
    return out


def load_weights(model_dir):
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    weights = {}
    for name in files:
        weights.update(read_safetensors(os.path.join(model_dir, name)))
    return weights


def llama3_inv_freq(config, dh):
    base = config.get("rope_theta", 10000.0)
    inv = 1.0 / (base ** (torch.arange(0, dh, 2, dtype=torch.float64) / dh))
    rs = config.get("rope_scaling")
    if rs and rs.get("rope_type", rs.get("type")) == "llama3":
        factor, lo, hi, old = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"], rs["original_max_position_embeddings"]
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > old / lo, inv / factor, inv)
        smooth = (old / wavelen - lo) / (hi - lo)
        mid = (1 - smooth) * scaled / factor + smooth * scaled
        is_mid = (wavelen >= old / hi) & (wavelen <= old / lo)
        inv = torch.where(is_mid, mid, scaled)
    return inv.float()


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    rot = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
    return x * cos + rot * sin


def attention_pattern(scores, mask, heads, mode):
    """TransformerLens: hook_attn_scores sees the masked scores [H, S, S]; softmax; NaN rows -> 0."""
    scores = scores.masked_fill(~mask, float("-inf"))
    if heads:
        idx = torch.tensor(heads, dtype=torch.long)
        if mode == "zero":
            scores[idx] = float("-inf")
        elif mode == "mean":
            sel = scores[idx]
            keep = mask.expand_as(sel)
            mean = torch.where(keep, sel, torch.zeros_like(sel)).sum(-1, keepdim=True) / keep.sum(-1, keepdim=True)
            scores[idx] = torch.where(keep, mean.expand_as(sel), sel)
    pattern = torch.softmax(scores, dim=-1)
    return torch.where(torch.isnan(pattern), torch.zeros_like(pattern), pattern)


class Model:
    def __init__(self, model_dir, matmul):
        with open(os.path.join(model_dir, "config.json")) as f:
            self.config = json.load(f)
        self.w = load_weights(model_dir)
        self.matmul = matmul
        c = self.config
        self.family = c["model_type"]
        if self.family == "llama":
            self.L, self.H = c["num_hidden_layers"], c["num_attention_heads"]
            self.KV = c.get("num_key_value_heads", self.H)
            self.D = c["hidden_size"]
            self.Dh = c.get("head_dim") or self.D // self.H
            self.inv_freq = llama3_inv_freq(c, self.Dh)
            torch_linear = {n: self.w[n] for n in self.w if n.endswith("_proj.weight")}
            torch_linear["lm_head"] = self.w.get("lm_head.weight", self.w["model.embed_tokens.weight"])
        elif self.family == "gpt2":
            self.L, self.H, self.D = c["n_layer"], c["n_head"], c["n_embd"]
            self.KV, self.Dh = self.H, self.D // self.H
            self.p = "transformer." if "transformer.wte.weight" in self.w else ""
            # Conv1D weights are stored [in, out]; a linear layer's weight is [out, in].
            torch_linear = {n: self.w[n].T for n in self.w if n.endswith(("c_attn.weight", "c_proj.weight", "c_fc.weight"))}
            torch_linear["lm_head"] = self.w[f"{self.p}wte.weight"]
        else:
            raise ValueError(f"model_type {self.family}: this script runs llama and gpt2 only")
        if matmul == "onednn":
            self.lin = {n: t.contiguous().to_mkldnn() for n, t in torch_linear.items()}
        elif matmul == "blas":
            self.lin = torch_linear
        else:
            raise ValueError(f"matmul {matmul!r}: use onednn or blas")

    def linear(self, x, name, bias=None):
        """x [S, in] @ W^T (+ bias) -> [S, out]."""
        w = self.lin[name]
        y = torch._C._nn.mkldnn_linear(x.contiguous().to_mkldnn(), w).to_dense() if self.matmul == "onednn" else F.linear(x, w)
        return y if bias is None else y + bias

    def bmm_t(self, a, b):
        """[H, M, K] x [H, N, K] -> a @ b^T [H, M, N], per head through oneDNN (torch's bmm goes to the BLAS)."""
        if self.matmul != "onednn":
            return a @ b.transpose(-1, -2)
        return torch.stack([torch._C._nn.mkldnn_linear(a[h].contiguous().to_mkldnn(), b[h].contiguous().to_mkldnn()).to_dense() for h in range(a.shape[0])])

    def rms(self, x, weight):
        eps = self.config.get("rms_norm_eps", 1e-6)
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight

    def forward(self, tokens, heads_by_layer, mode):
        """tokens: [S] int64; heads_by_layer: {layer: [heads]}. Returns the logits at every position [S, V]."""
        S = tokens.shape[0]
        mask = torch.tril(torch.ones(S, S, dtype=torch.bool))
        if self.family == "llama":
            return self.forward_llama(tokens, mask, heads_by_layer, mode)
        return self.forward_gpt2(tokens, mask, heads_by_layer, mode)

    def forward_llama(self, tokens, mask, heads_by_layer, mode):
        w, H, KV, Dh = self.w, self.H, self.KV, self.Dh
        S = tokens.shape[0]
        ang = torch.arange(S, dtype=torch.float32)[:, None] * self.inv_freq[None, :]
        cos = torch.cat([ang.cos(), ang.cos()], -1)
        sin = torch.cat([ang.sin(), ang.sin()], -1)
        x = w["model.embed_tokens.weight"][tokens]
        for l in range(self.L):
            p = f"model.layers.{l}."
            h = self.rms(x, w[f"{p}input_layernorm.weight"])
            q = self.linear(h, f"{p}self_attn.q_proj.weight").view(S, H, Dh).transpose(0, 1)
            k = self.linear(h, f"{p}self_attn.k_proj.weight").view(S, KV, Dh).transpose(0, 1)
            v = self.linear(h, f"{p}self_attn.v_proj.weight").view(S, KV, Dh).transpose(0, 1)
            q, k = rotate(q, cos, sin), rotate(k, cos, sin)
            k = k.repeat_interleave(H // KV, dim=0)
            v = v.repeat_interleave(H // KV, dim=0)
            scores = self.bmm_t(q, k) / math.sqrt(Dh)
            pattern = attention_pattern(scores, mask, heads_by_layer.get(l, []), mode)
            z = self.bmm_t(pattern, v.transpose(-1, -2)).transpose(0, 1).reshape(S, H * Dh)
            x = x + self.linear(z, f"{p}self_attn.o_proj.weight")
            h = self.rms(x, w[f"{p}post_attention_layernorm.weight"])
            gate = F.silu(self.linear(h, f"{p}mlp.gate_proj.weight"))
            x = x + self.linear(gate * self.linear(h, f"{p}mlp.up_proj.weight"), f"{p}mlp.down_proj.weight")
        return self.linear(self.rms(x, w["model.norm.weight"]), "lm_head")

    def forward_gpt2(self, tokens, mask, heads_by_layer, mode):
        w, p, H, Dh, D = self.w, self.p, self.H, self.Dh, self.D
        S = tokens.shape[0]
        eps = self.config.get("layer_norm_epsilon", 1e-5)
        x = w[f"{p}wte.weight"][tokens] + w[f"{p}wpe.weight"][:S]
        for l in range(self.L):
            b = f"{p}h.{l}."
            h = F.layer_norm(x, (D,), w[f"{b}ln_1.weight"], w[f"{b}ln_1.bias"], eps)
            qkv = self.linear(h, f"{b}attn.c_attn.weight", w[f"{b}attn.c_attn.bias"])
            q, k, v = (t.reshape(S, H, Dh).transpose(0, 1) for t in qkv.split(D, dim=-1))
            scores = self.bmm_t(q, k) / math.sqrt(Dh)
            pattern = attention_pattern(scores, mask, heads_by_layer.get(l, []), mode)
            z = self.bmm_t(pattern, v.transpose(-1, -2)).transpose(0, 1).reshape(S, D)
            x = x + self.linear(z, f"{b}attn.c_proj.weight", w[f"{b}attn.c_proj.bias"])
            h = F.layer_norm(x, (D,), w[f"{b}ln_2.weight"], w[f"{b}ln_2.bias"], eps)
            m = F.gelu(self.linear(h, f"{b}mlp.c_fc.weight", w[f"{b}mlp.c_fc.bias"]), approximate="tanh")
            x = x + self.linear(m, f"{b}mlp.c_proj.weight", w[f"{b}mlp.c_proj.bias"])
        x = F.layer_norm(x, (D,), w[f"{p}ln_f.weight"], w[f"{p}ln_f.bias"], eps)
        return self.linear(x, "lm_head")


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def run_rows(model, rows):
    seconds, probs = [], []
    for row in rows:
        tokens = torch.tensor(row["tokens"], dtype=torch.long)
        by_layer = {}
        for layer, head in row["heads"]:
            by_layer.setdefault(layer, []).append(head)
        t0 = time.perf_counter()
        with torch.inference_mode():
            logits = model.forward(tokens, by_layer, row["mode"])  # [S, V]
            p = torch.softmax(logits[-1], dim=-1)[tokens]
        seconds.append(time.perf_counter() - t0)
        probs.append(p.tolist())
    return {"ok": True, "seconds": seconds, "probs": probs}


def main():
    model = None
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            if req["cmd"] == "load":
                threads = int(req.get("threads") or 0) or os.cpu_count() or 1
                torch.set_num_threads(threads)
                t0 = time.perf_counter()
                model = Model(req["model"], req.get("matmul", "onednn"))
                blas = next((line.split("BLAS_INFO=")[1].split(",")[0] for line in torch.__config__.show().splitlines() if "BLAS_INFO=" in line), "unknown")
                reply = {"ok": True, "loadSeconds": time.perf_counter() - t0, "threads": torch.get_num_threads(), "torch": torch.__version__,
                         "matmul": model.matmul, "blas": blas}
            elif req["cmd"] == "run":
                if model is None:
                    raise ValueError("run before load")
                reply = run_rows(model, req["rows"])
            elif req["cmd"] == "memory":
                reply = {"ok": True, "peakRssMB": status_kb("VmHWM") / 1024, "rssMB": status_kb("VmRSS") / 1024}
            else:
                raise ValueError(f"unknown command {req['cmd']!r}")
        except Exception as err:  # one bad request must not kill the worker; the bench reports it
            reply = {"ok": False, "error": f"{type(err).__name__}: {err}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
