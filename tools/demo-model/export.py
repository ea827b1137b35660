"""Write the HF checkpoint files, and the cross-implementation fixture from the written files.

The fixture's forward is deliberately independent of model.py: it reads model.safetensors with
its own reader and applies ablations by LITERAL score manipulation (as the seed script's hooks
do), not by the closed form model.py uses.
"""
import json
import math
import os

import numpy as np
import torch

SPECIALS = ["<unk>", "<s>", "</s>"]


# ---------------------------------------------------------------- tokenizer / config
def write_tokenizer(out, words):
    vocab = {t: i for i, t in enumerate(SPECIALS + words)}
    added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i, t in enumerate(SPECIALS)]
    tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
           "normalizer": None, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": None,
           # WordPiece decoder with no "##" pieces in the vocab = join words with single spaces
           "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": False},
           "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "<unk>"}}
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False)
    tcfg = {"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<s>", "eos_token": "</s>",
            "unk_token": "<unk>", "add_bos_token": False, "add_eos_token": False,
            "model_max_length": 1024, "clean_up_tokenization_spaces": False}
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump(tcfg, f, indent=1)


def hf_config(c):
    return {"architectures": ["LlamaForCausalLM"], "model_type": "llama",
            "vocab_size": c.vocab_size, "hidden_size": c.hidden_size,
            "intermediate_size": c.intermediate_size, "num_hidden_layers": c.num_hidden_layers,
            "num_attention_heads": c.num_attention_heads,
            "num_key_value_heads": c.num_key_value_heads, "head_dim": c.head_dim,
            "hidden_act": "silu", "max_position_embeddings": c.max_position_embeddings,
            "rms_norm_eps": c.rms_norm_eps, "rope_theta": c.rope_theta, "rope_scaling": None,
            "attention_bias": False, "attention_dropout": 0.0, "mlp_bias": False,
            "initializer_range": 0.02, "pretraining_tp": 1, "bos_token_id": 1, "eos_token_id": 2,
            "tie_word_embeddings": True, "torch_dtype": "float32", "use_cache": True,
            # an explicit head_dim other than hidden/heads is read by transformers >= 4.45
            "transformers_version": "4.44.0" if c.head_dim * c.num_attention_heads == c.hidden_size else "4.45.0"}


# ---------------------------------------------------------------- safetensors
def write_safetensors(path, tensors):
    """tensors: name -> float32 array. Header: u64 LE length, JSON, then raw LE data."""
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
        blobs.append(a.tobytes())
        off += a.nbytes
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)  # pad so the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(len(h).to_bytes(8, "little"))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        buf = f.read()
    n = int.from_bytes(buf[:8], "little")
    header = json.loads(buf[8:8 + n])
    out = {}
    for name, m in header.items():
        if name == "__metadata__":
            continue
        assert m["dtype"] == "F32"
        a, b = m["data_offsets"]
        out[name] = torch.from_numpy(
            np.frombuffer(buf, dtype="<f4", count=(b - a) // 4, offset=8 + n + a)
            .reshape(m["shape"]).copy())
    return out


def write_model(out, model, c):
    tensors = {k: v.detach().cpu().float().numpy() for k, v in model.state_dict().items()}
    write_safetensors(os.path.join(out, "model.safetensors"), tensors)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(hf_config(c), f, indent=1)


# ---------------------------------------------------------------- literal reference forward
def literal_forward(W, cfg, ids, heads=(), mode="none"):
    """ids [B, S] -> logits [B, S, V], fp32. Ablation on scores (after causal mask, pre-softmax)."""
    L, H, K, d = (cfg["num_hidden_layers"], cfg["num_attention_heads"],
                  cfg["num_key_value_heads"], cfg["head_dim"])
    eps, B, S = cfg["rms_norm_eps"], ids.shape[0], ids.shape[1]

    def rms(x, w):
        return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))

    inv = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, d, 2, dtype=torch.float32) / d))
    ang = torch.arange(S, dtype=torch.float32)[:, None] * inv[None]  # [S, d/2]
    cos, sin = torch.cat([ang, ang], -1).cos(), torch.cat([ang, ang], -1).sin()

    def rope(x):  # rotate-half
        x1, x2 = x[..., :d // 2], x[..., d // 2:]
        return x * cos + torch.cat([-x2, x1], -1) * sin

    causal = torch.tril(torch.ones(S, S, dtype=torch.bool))
    x = W["model.embed_tokens.weight"][ids]
    for i in range(L):
        p = f"model.layers.{i}."
        hN = rms(x, W[p + "input_layernorm.weight"])
        q = (hN @ W[p + "self_attn.q_proj.weight"].T).view(B, S, H, d).transpose(1, 2)
        k = (hN @ W[p + "self_attn.k_proj.weight"].T).view(B, S, K, d).transpose(1, 2)
        v = (hN @ W[p + "self_attn.v_proj.weight"].T).view(B, S, K, d).transpose(1, 2)
        q, k = rope(q), rope(k)
        zs = []
        for h in range(H):
            kv = h // (H // K)  # GQA
            s = (q[:, h] @ k[:, kv].transpose(-1, -2)) / math.sqrt(d)  # [B, S, S]
            s = s.masked_fill(~causal, float("-inf"))
            if (i, h) in heads and mode == "zero":
                s = torch.full_like(s, float("-inf"))
            elif (i, h) in heads and mode == "mean":
                s = s.masked_fill(~causal, 0.0)
                m = s.sum(-1, keepdim=True) / causal.sum(-1, keepdim=True)  # row mean of unmasked
                s = m.expand(B, S, S).masked_fill(~causal, float("-inf"))
            a = torch.nan_to_num(s.softmax(-1), nan=0.0)  # all -inf rows -> 0
            zs.append(a @ v[:, kv])  # [B, S, d]
        z = torch.stack(zs, 2).reshape(B, S, H * d)
        x = x + z @ W[p + "self_attn.o_proj.weight"].T
        hN = rms(x, W[p + "post_attention_layernorm.weight"])
        g = hN @ W[p + "mlp.gate_proj.weight"].T
        u = hN @ W[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(g) * u) @ W[p + "mlp.down_proj.weight"].T
    lm = W.get("lm_head.weight", W["model.embed_tokens.weight"])
    return rms(x, W["model.norm.weight"]) @ lm.T


def write_fixture(model_dir, path, token_set, top_head):
    """PyTorch probabilities of the WRITTEN checkpoint in model_dir; ablated cases include
    top_head (layer, head), the strongest induction head."""
    from data import probe_prompts
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    W = read_safetensors(os.path.join(model_dir, "model.safetensors"))
    top = tuple(top_head)
    heads = [(0, 2), top, (cfg["num_hidden_layers"] - 1, 7)]
    if top[0] in (0, cfg["num_hidden_layers"] - 1):
        heads[0 if top[0] == 0 else 2] = (1, 4)
    rng = np.random.default_rng(7)
    ts = np.asarray(token_set)
    prompts = {"random64_a": rng.choice(ts, 64, replace=False),
               "random64_b": rng.choice(ts, 64, replace=False),
               "probe501": probe_prompts(token_set[:500], 1, 42)[0],
               "short17": rng.choice(ts, 17, replace=False)}
    cases = []
    for name, p in prompts.items():
        ids = torch.from_numpy(np.asarray(p, dtype=np.int64))[None]
        for mode in ("none", "zero", "mean"):
            hs = [] if mode == "none" else heads
            with torch.no_grad():
                pr = literal_forward(W, cfg, ids, set(hs), mode)[:, -1].softmax(-1).gather(1, ids)
            cases.append({"name": f"{name}_{mode}", "input_ids": ids.tolist(),
                          "heads": [list(h) for h in hs], "mode": mode,
                          "token_probs": pr.double().tolist()})
    fx = {"model": "resources/models/demo-induction",
          "note": "token_probs[b][s] = softmax(logits[b, -1])[input_ids[b][s]]; fp32 compute, "
                  "literal score ablation; written by tools/demo-model/export.py",
          "cases": cases}
    with open(path, "w") as f:
        json.dump(fx, f)
    print(f"fixture: {len(cases)} cases -> {path}")
