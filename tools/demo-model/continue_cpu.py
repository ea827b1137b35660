"""Stages 2-4 of the demo model, on CPU: continue training the stage-1 checkpoint with head dropout
in the upper layers too, so the read-out of the copied token is spread over several heads (a
random 4-head ablation then rarely removes it) and P(lag +1) keeps rising on long probe-like data.

  /usr/bin/python3 tools/demo-model/continue_cpu.py --steps 220               # stage 2 (seed 5678)
  /usr/bin/python3 tools/demo-model/continue_cpu.py --steps 250 --seed 6789   # stage 3
  /usr/bin/python3 tools/demo-model/continue_cpu.py --steps 280 --seed 7890   # stage 4

Reads and rewrites resources/models/demo-induction/model.safetensors (or --src/--out). Seeded.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export  # noqa: E402
import train as stage1  # noqa: E402
from data import N_SPECIAL, make_batch, zipf_weights  # noqa: E402
from model import LlamaForCausalLM  # noqa: E402
from training import head_dropout_keep, train_step  # noqa: E402

SEED = 5678
# layer -> head-dropout probability. Layer 1 holds the induction heads: no dropout there, so
# induction stays concentrated in few heads (top-k ablation must still hurt).
# Layer 0 keeps stage 1's unscaled dropout (the model is calibrated to it); the new dropout in
# layers 2-3 is rescaled by 1/(1-p) so the full model at evaluation sees the same scale.
HEAD_DROP = {0: (0.3, False), 2: (0.15, True), 3: (0.15, True)}
S, B, LR, WARMUP = 512, 8, 3e-4, 20


def head_keep(gen, cfg):
    return head_dropout_keep(B, cfg.num_hidden_layers, cfg.num_attention_heads, HEAD_DROP, gen)


def main():
    ap = argparse.ArgumentParser()
    default_dir = os.path.join(stage1.ROOT, "resources", "models", "demo-induction")
    ap.add_argument("--src", default=default_dir)
    ap.add_argument("--out", default=default_dir)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--seed", type=int, default=SEED, help="data/dropout seed (a new one per continuation)")
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    cfg = stage1.CFG
    model = LlamaForCausalLM(cfg)
    model.load_state_dict(export.read_safetensors(os.path.join(args.src, "model.safetensors")))
    attn0 = model.model.layers[0].self_attn  # stage 1's frozen previous-token q/k stay frozen
    for p in (attn0.q_proj.weight, attn0.k_proj.weight, model.model.layers[0].input_layernorm.weight):
        p.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=LR, betas=(0.9, 0.98), weight_decay=0.01)
    rng, gen = np.random.default_rng(args.seed), torch.Generator().manual_seed(args.seed)
    n_words = cfg.vocab_size - N_SPECIAL
    zipf = zipf_weights(n_words, np.random.default_rng(SEED + 1))  # the same Zipf ranks every stage
    t0, hist = time.time(), []
    for step in range(args.steps):
        lr = LR * min(1.0, (step + 1) / WARMUP) * (0.1 + 0.45 * (1 + math.cos(math.pi * step / args.steps)))
        ids = torch.from_numpy(make_batch(rng, B, S + 1, n_words, zipf))  # [B, S+1]
        hist.append(train_step(model, opt, params, ids, head_keep(gen, cfg), lr, stage1.EMB_CONST))
        if (step + 1) % 25 == 0:
            print(f"step {step + 1}/{args.steps} loss {np.mean(hist[-25:]):.3f} {time.time() - t0:.0f}s", flush=True)
    secs = time.time() - t0
    model.eval()
    os.makedirs(args.out, exist_ok=True)
    export.write_model(args.out, model, cfg)
    with open(os.path.join(args.src, "tokens.json")) as f:
        token_set = json.load(f)
    res = stage1.evaluate(model, token_set, n_trials=100, n_draws=10)
    res.update({"stage2": {"seed": args.seed, "src": os.path.relpath(args.src, stage1.ROOT), "steps": args.steps, "seq": S, "batch": B, "lr": LR,
                           "head_drop": HEAD_DROP, "seconds": round(secs), "device": "cpu",
                           "final_loss": float(np.mean(hist[-25:]))}})
    print(json.dumps({k: v for k, v in res.items() if k not in ("induction_scores", "random4_zero_draws")}, indent=1))
    with open(os.path.join(args.out, f"train-eval-continue-seed{args.seed}.json"), "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
