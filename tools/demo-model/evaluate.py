"""The probe targets, measured in PyTorch the way the app measures them (closed-form head controls)."""
import numpy as np
import torch

from data import N_SPECIAL, induction_prompts, probe_prompts


@torch.no_grad()
def probe_probs(model, prompts, keep=None, uniform=None, bs=10):
    """[n, S] softmax(logits at the last position) gathered at every prompt token."""
    out = []
    for i in range(0, len(prompts), bs):
        ids = torch.from_numpy(prompts[i:i + bs])
        kw = {}
        if keep is not None:
            kw["keep"] = keep.expand(len(ids), -1, -1)
        if uniform is not None:
            kw["uniform"] = uniform.expand(len(ids), -1, -1)
        p = model(ids, **kw)[:, -1].float().softmax(-1)  # [b, V]
        out.append(p.gather(1, ids))
    return torch.cat(out).double().numpy()


@torch.no_grad()
def induction_scores(model, T=50, n_seqs=10, seed=42):
    """[L, H] mean attention from i in the second copy to i - T + 1 (the app's definition)."""
    c = model.c
    ids = torch.from_numpy(induction_prompts(n_seqs, T, c.vocab_size - N_SPECIAL, seed))
    _, attns = model(ids, want_attn=True)
    i = torch.arange(T, 2 * T)
    return torch.stack([a[:, :, i, i - T + 1].mean((0, 2)) for a in attns]).numpy()


def evaluate(model, token_set, n_trials=100, n_draws=10, seed=42):
    c = model.c
    L, H = c.num_hidden_layers, c.num_attention_heads
    prompts = probe_prompts(token_set[:500], n_trials, seed)  # [n, 501]
    mid = prompts.shape[1] // 2  # position 250; lag = pos - mid

    def p_plus1(heads, mode="zero"):
        keep, uni = torch.ones(1, L, H), torch.zeros(1, L, H)
        for layer, h in heads:
            keep[0, layer, h] = 0.0
            uni[0, layer, h] = 1.0 if mode == "mean" else 0.0
        probs = probe_probs(model, prompts, keep, uni)
        return probs[:, mid + 1].mean(), probs

    base, probs = p_plus1([])
    curve = probs.mean(0)
    lags = {int(s - mid): float(curve[s]) for s in range(len(curve))}
    peak = max(lags, key=lags.get)
    scores = induction_scores(model)
    order = [divmod(int(k), H) for k in np.argsort(-scores.ravel())]
    top4, top8 = order[:4], set(order[:8])
    res = {"n_trials": n_trials, "token_set": "tokens.json[:500]", "seed": seed,
           "baseline_p_plus1": float(base), "peak_lag": peak,
           "baseline_lags": {k: lags[k] for k in range(-3, 4)},
           "induction_scores": scores.round(4).tolist(),
           "top8_heads": [list(x) for x in order[:8]]}
    for mode in ("zero", "mean"):
        p, _ = p_plus1(top4, mode)
        res[f"top4_{mode}_p_plus1"] = float(p)
        res[f"top4_{mode}_rel_drop"] = float(1 - p / base)
    rng = np.random.default_rng(seed)
    cands = [(layer, h) for layer in range(L) for h in range(H) if (layer, h) not in top8]
    draws = []
    for _ in range(n_draws):
        heads = [cands[i] for i in rng.choice(len(cands), 4, replace=False)]
        p, _ = p_plus1(heads, "zero")
        draws.append({"heads": [list(x) for x in heads], "p_plus1": float(p),
                      "rel_drop": float(1 - p / base)})
    res["random4_zero_draws"] = draws
    res["random4_zero_mean_rel_drop"] = float(np.mean([d["rel_drop"] for d in draws]))
    res["random4_zero_max_rel_drop"] = float(np.max([d["rel_drop"] for d in draws]))
    res["pass"] = bool(base >= 0.3 and peak == 1 and res["top4_zero_rel_drop"] >= 0.5
                       and res["random4_zero_mean_rel_drop"] <= 0.2)
    return res
