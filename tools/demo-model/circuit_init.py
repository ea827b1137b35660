"""Constructed initialisation of the demo model's induction circuit (then trained like every other weight).

Why: trained from a random init, this 4-layer model sits on the loss plateau for thousands of steps
(previous-token and induction heads must form together), which a 2-core CPU cannot afford. So the
circuit's two hard-to-find parts are written in at init, and SGD does the rest (the copying OV,
calibration, everything else):

* layer 0 -- every head is a previous-token head: embedding dim 0 is a constant, q/k read only that
  dim, q = a and k = R(1) a with rope, so the score q . R(j-i) k = sum_p a_p^2 cos((j-i+1) th_p)
  peaks at j = i-1 for every distance up to 1024. These q/k (and the layer's input norm) stay
  frozen. Their values copy 32 token-content dims into a "slot" (residual dims 1..32).
* layer 1, heads 0-3 (kv head 0) -- induction QK: the key reads the slot (the previous token's
  content), the query reads the current token's content, in the slowest rope pairs only, so the
  match does not depend on distance. Their value/output projections start random.
"""
import numpy as np
import torch

EMB_CONST = 1.0      # embedding dim 0: the constant every layer-0 q/k reads
PREV_SCALE = 2.5     # layer-0 q/k gain: score gap ~17 at init (attention ~1.0 on the previous token)
EMB_STD = 0.1        # content dims' init scale (comparable to the constant after RMSNorm)
SLOT, CONTENT = 1, 33  # residual dims: slot 1..32, token content 33..127 (at init)
INDUCTION_QK_GAIN = 3.0  # layer-1 induction attention ~0.8 on the right key at init


def prev_token_weights(theta, d, max_dist=1024, iters=3000):
    """Weights (summing to 1) per rope pair maximising the worst gap 1 - sum_p w_p cos(r th_p) over
    key offsets r = +1, -1, ..., -(max_dist-1) from the previous token (exponentiated gradient on a
    soft minimum; deterministic)."""
    th = theta ** (-np.arange(0, d, 2) / d)
    r = np.concatenate([[1], -np.arange(1, max_dist)])
    gap = 1 - np.cos(np.outer(r, th))  # [offsets, pairs]
    w = np.full(len(th), 1 / len(th))
    best, best_w = -1.0, w
    for _ in range(iters):
        g = gap @ w
        if g.min() > best:
            best, best_w = g.min(), w.copy()
        soft = np.exp(-(g - g.min()) / 0.01)
        w = w * np.exp(0.5 * gap.T @ (soft / soft.sum()))
        w /= w.sum()
    return best_w, best


def slow_rope_dims(d):
    """Head dims of the slowest half of the rope pairs (rotate-half layout: pair p = dims p, p+d/2)."""
    half = d // 2
    return list(range(half // 2, half)) + list(range(half + half // 2, d))


@torch.no_grad()
def init_embeddings(model, gen):
    E = model.model.embed_tokens.weight
    E.zero_()
    E[:, 0] = EMB_CONST
    E[:, CONTENT:] = torch.randn(E.shape[0], E.shape[1] - CONTENT, generator=gen) * EMB_STD


@torch.no_grad()
def init_prev_token_heads(model, c):
    d, H, K = c.head_dim, c.num_attention_heads, c.num_key_value_heads
    attn = model.model.layers[0].self_attn
    w, _ = prev_token_weights(c.rope_theta, d)
    th = torch.tensor(c.rope_theta ** (-np.arange(0, d, 2) / d), dtype=torch.float32)
    a = PREV_SCALE * torch.tensor(w, dtype=torch.float32).sqrt()
    q = torch.cat([a, torch.zeros(d // 2)])
    k = torch.cat([a * th.cos(), a * th.sin()])  # R(1) q in the rotate-half layout
    for p in (attn.q_proj.weight, attn.k_proj.weight, attn.v_proj.weight, attn.o_proj.weight):
        p.zero_()
    attn.q_proj.weight[:, 0] = q.repeat(H)
    attn.k_proj.weight[:, 0] = k.repeat(K)
    for kv in range(K):  # every kv head carries the same content dims into the slot
        attn.v_proj.weight[kv * d:(kv + 1) * d, CONTENT:CONTENT + d] = torch.eye(d)
    for h in range(H):  # each head writes 1/H: any subset of heads still fills the slot partly
        attn.o_proj.weight[SLOT:SLOT + d, h * d:(h + 1) * d] = torch.eye(d) * EMB_STD / H


@torch.no_grad()
def init_induction_heads(model, c):
    d, G = c.head_dim, c.num_attention_heads // c.num_key_value_heads
    attn = model.model.layers[1].self_attn  # query heads 0..G-1 read kv head 0
    attn.k_proj.weight[:d].zero_()
    attn.q_proj.weight[:G * d].zero_()
    for n, dim in enumerate(slow_rope_dims(d)):
        attn.k_proj.weight[dim, SLOT + n] = INDUCTION_QK_GAIN
        for h in range(G):
            attn.q_proj.weight[h * d + dim, CONTENT + n] = INDUCTION_QK_GAIN


def frozen_params(model):
    """Layer 0's q/k and input norm: they keep the previous-token pattern exact."""
    layer0 = model.model.layers[0]
    return [layer0.self_attn.q_proj.weight, layer0.self_attn.k_proj.weight, layer0.input_layernorm.weight]


def init_circuit(model, c, seed):
    assert c.hidden_size >= CONTENT + c.head_dim, "no room for the slot and the content dims"
    init_embeddings(model, torch.Generator().manual_seed(seed))
    init_prev_token_heads(model, c)
    init_induction_heads(model, c)
    for p in frozen_params(model):
        p.requires_grad_(False)
