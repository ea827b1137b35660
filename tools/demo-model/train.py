"""Train the bundled demo model: a tiny HF-format Llama with real induction heads.

As shipped, it ran on one GPU (~2 min of training):
  /usr/bin/python3 tools/demo-model/train.py --device cuda --no-fixture
It also runs on CPU (2 threads, the default) but 5000 steps take hours on a 2-core machine.
  --pilot writes to /tmp/demo-pilot; --steps-scale scales every phase's step count.
Seeded. See tools/demo-model/README.md.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import N_SPECIAL, demo_token_set, make_batch, read_words, zipf_weights  # noqa: E402
from evaluate import evaluate as evaluate_on  # noqa: E402
from model import Cfg, LlamaForCausalLM  # noqa: E402
from training import head_dropout_keep, train_step, warmup_cosine_lr  # noqa: E402
import export  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORDS = os.path.join(ROOT, "resources", "word-lists", "english-words.txt")
SEED = 1234
CFG = Cfg(intermediate_size=256)
# (sequence length, batch, steps): short sequences first (cheap, induction forms),
# then long ones so positions/distances up to the probe's 501 are seen
PHASES = [(192, 16, 3000), (544, 8, 2000)]
LR, WARMUP, WD = 1e-3, 50, 0.01  # 3e-3 and above never left the plateau
# head dropout per layer: drop probability of each head's output (per sequence). Layer 0
# holds the previous-token heads; dropping them at random forces several redundant ones, so a
# random 4-head ablation cannot remove the model's only previous-token path.
HEAD_DROP = {0: 0.3}
# Layer 0 is initialised as previous-token heads and its q/k frozen: this removes the long
# plateau where the previous-token and induction circuits must form together (no induction
# at all after 8000 steps without it), and makes all 8 layer-0 heads redundant prev-token heads.
EMB_CONST = 1.0  # embedding dim 0 is this constant for every token (a "bias" direction)
PREV_W = [0.441, 0.086, 0.249, 0.091, 0.084, 0.044, 0.006, 0.0]  # weight per rope pair
PREV_SCALE = 2.5
DEV = "cpu"  # --device cuda only for quick sweeps; the shipped model is trained on CPU


def lr_at(step, total):
    return warmup_cosine_lr(step, total, LR, WARMUP)  # cosine to 10%


def head_keep(B, gen):
    """[B, L, H] 0/1 keep mask for head dropout (unscaled)."""
    drop = {layer: (p, False) for layer, p in HEAD_DROP.items()}
    return head_dropout_keep(B, CFG.num_hidden_layers, CFG.num_attention_heads, drop, gen)


def prev_token_init(model):
    """Layer 0 q/k read only the constant dim 0: q = c*a, k = c*R(1)a, so with rope the score
    q.R(j-i)k = c^2 sum_p a_p^2 cos((j-i+1) theta_p) peaks at j = i-1 (PREV_W found by a search
    maximising the margin over distances up to 1024)."""
    c, d = CFG, CFG.head_dim
    attn = model.model.layers[0].self_attn
    th = c.rope_theta ** (-torch.arange(0, d, 2, dtype=torch.float32) / d)  # [d/2]
    a = PREV_SCALE * torch.tensor(PREV_W).sqrt()
    q = torch.cat([a, torch.zeros(d // 2)])
    k = torch.cat([a * th.cos(), a * th.sin()])  # R(1) q in the rotate-half layout
    with torch.no_grad():
        model.model.embed_tokens.weight[:, 0] = EMB_CONST
        attn.q_proj.weight.zero_()
        attn.k_proj.weight.zero_()
        attn.q_proj.weight[:, 0] = q.repeat(c.num_attention_heads)
        attn.k_proj.weight[:, 0] = k.repeat(c.num_key_value_heads)
    for p in (attn.q_proj.weight, attn.k_proj.weight, model.model.layers[0].input_layernorm.weight):
        p.requires_grad_(False)


def train(model, phases, log_every=25):
    rng = np.random.default_rng(SEED)
    gen = torch.Generator().manual_seed(SEED)
    n_words = CFG.vocab_size - N_SPECIAL
    zipf = zipf_weights(n_words, np.random.default_rng(SEED + 1))
    prev_token_init(model)
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() == 2]
    no_decay = [p for p in params if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WD},
                             {"params": no_decay, "weight_decay": 0.0}], lr=LR, betas=(0.9, 0.98))
    total = sum(n for _, _, n in phases)
    step, t0, hist = 0, time.time(), []
    for S, B, n in phases:
        for _ in range(n):
            ids = torch.from_numpy(make_batch(rng, B, S + 1, n_words, zipf)).to(DEV)  # [B, S+1]
            hist.append(train_step(model, opt, params, ids, head_keep(B, gen).to(DEV),
                                   lr_at(step, total), EMB_CONST))
            step += 1
            if step % log_every == 0 or step == total:
                print(f"step {step}/{total} S={S} loss {np.mean(hist[-log_every:]):.3f} "
                      f"{time.time() - t0:.0f}s", flush=True)
    return time.time() - t0, hist


def evaluate(model, token_set, n_trials=100, n_draws=10, seed=42):
    """The probe targets (evaluate.py) on this script's device; continue_cpu.py calls it too."""
    return evaluate_on(model, token_set, n_trials=n_trials, n_draws=n_draws, seed=seed, dev=DEV)


def main():
    global DEV, LR
    ap = argparse.ArgumentParser()
    ap.add_argument("--pilot", action="store_true")
    ap.add_argument("--out", default=os.path.join(ROOT, "resources", "models", "demo-induction"))
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--lr", type=float, default=LR)
    ap.add_argument("--no-fixture", action="store_true")
    ap.add_argument("--steps-scale", type=float, default=1.0)
    args = ap.parse_args()
    DEV, LR = args.device, args.lr
    torch.set_num_threads(2)
    torch.manual_seed(SEED)
    out = "/tmp/demo-pilot" if args.pilot and "--out" not in sys.argv else args.out
    os.makedirs(out, exist_ok=True)

    words = read_words(WORDS, CFG.vocab_size - N_SPECIAL)
    token_set = demo_token_set(len(words))
    export.write_tokenizer(out, words)
    with open(os.path.join(out, "tokens.json"), "w") as f:
        json.dump(token_set, f)

    model = LlamaForCausalLM(CFG).to(DEV)
    phases = [(S, B, max(1, int(n * args.steps_scale))) for S, B, n in PHASES]
    secs, hist = train(model, phases, log_every=500)
    print(f"trained in {secs / 60:.1f} min", flush=True)
    model.eval()
    export.write_model(out, model, CFG)
    t0 = time.time()
    res = evaluate(model, token_set, n_trials=20 if args.pilot else 100,
                   n_draws=5 if args.pilot else 10)
    res.update({"train_seconds": round(secs), "eval_seconds": round(time.time() - t0),
                "seed": SEED, "phases": phases,
                "final_loss": float(np.mean(hist[-25:])), "head_drop": HEAD_DROP,
                "lr": LR, "device": DEV})
    print(json.dumps({k: v for k, v in res.items() if k != "induction_scores"}, indent=1))
    print("induction scores:\n" + "\n".join(" ".join(f"{x:.3f}" for x in r)
                                           for r in res["induction_scores"]))
    with open(os.path.join(out, "train-eval.json"), "w") as f:
        json.dump(res, f, indent=1)
    if not args.pilot and not args.no_fixture:
        export.write_fixture(out, os.path.join(ROOT, "test", "fixtures", "demo-model-torch.json"),
                             token_set)


if __name__ == "__main__":
    main()
