"""Where a checkpoint's P(+1) comes from: the diagnosis that led to train.py's calibration phase.

  /usr/bin/python3 tools/demo-model/diagnose.py [MODEL_DIR]     # default: the shipped model; ~2 min

Prints, on the probe (a permutation of the first N words of tokens.json, then the word at N//2):
P(+1) by prompt length; per layer and head, the attention of the last position on the lag +1 token
(an induction head puts it there); and P(+1) with each single head zeroed (a head whose removal
RAISES P(+1) works against the copy).
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export  # noqa: E402
from data import probe_prompts  # noqa: E402
from evaluate import probe_probs  # noqa: E402
from model import Cfg, LlamaForCausalLM  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHIPPED = os.path.join(ROOT, "resources", "models", "demo-induction")
N_TRIALS, SEED = 30, 42


def load(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    c = Cfg(**{k: cfg[k] for k in Cfg.__dataclass_fields__})
    model = LlamaForCausalLM(c)
    weights = export.read_safetensors(os.path.join(model_dir, "model.safetensors"))
    model.load_state_dict({k: torch.as_tensor(np.asarray(v)) for k, v in weights.items()})
    return model.eval()


def main():
    model_dir = sys.argv[1] if len(sys.argv) > 1 else SHIPPED
    torch.set_num_threads(2)
    torch.set_flush_denormal(True)
    model = load(model_dir)
    L, H = model.c.num_hidden_layers, model.c.num_attention_heads
    with open(os.path.join(model_dir, "tokens.json")) as f:
        token_set = json.load(f)

    for n in (60, 120, 250, 500):
        prompts = probe_prompts(token_set[:n], N_TRIALS, SEED)
        mid = prompts.shape[1] // 2
        print(f"{n} tokens: P(+1) {probe_probs(model, prompts)[:, mid + 1].mean():.3f}")

    prompts = probe_prompts(token_set[:500], N_TRIALS, SEED)
    mid = prompts.shape[1] // 2
    with torch.no_grad():
        _, attns = model(torch.from_numpy(prompts), want_attn=True)
    print("attention of the last position on the lag +1 token, per head:")
    for layer, a in enumerate(attns):
        print(f"  layer {layer}: " + " ".join(f"{x:.3f}" for x in a[:, :, -1, mid + 1].mean(0).tolist()))
    base = probe_probs(model, prompts)[:, mid + 1].mean()
    print(f"P(+1) with one head zeroed (baseline {base:.3f}):")
    for layer in range(L):
        row = []
        for h in range(H):
            keep = torch.ones(1, L, H)
            keep[0, layer, h] = 0.0
            row.append(probe_probs(model, prompts, keep)[:, mid + 1].mean())
        print(f"  layer {layer}: " + " ".join(f"{x:.3f}" for x in row))


if __name__ == "__main__":
    main()
