"""The induction-circuit checkpoint's induction scores in PyTorch: the values behind
tools/fixtures/induction-circuit.ts ("L1H0 score 1.000, others < 0.1 at T = 8") and the bounds
test/engine/induction.test.ts asserts, computed by an independent forward pass
(tools/hf-check/mini_llama.py: transformers' Llama with eager attention, its own safetensors reader)
on the sequences the test uses, and compared with the app's scores for the same sequences.

Run:    npx tsx tools/golden/write-induction-circuit.ts --out /tmp/induction-circuit
        /usr/bin/python3 tools/golden/induction_circuit.py /tmp/induction-circuit
Exit 0 when every statement holds. Written and last run with CPython 3.11.2, torch 1.13.1 and
numpy 1.24.2 (Debian 12: apt-get install -y python3-torch python3-numpy), on the CPU in float32.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hf-check"))
import mini_llama  # noqa: E402

INDUCTION_HEAD = (1, 0)
PREVIOUS_TOKEN_HEAD = (0, 0)
APP_TOLERANCE = 1e-5  # float32 engines that differ only in summation order


def induction_scores(model, sequences):
    """score[l, h] = mean over sequences b and positions i in [T, 2T) of attention(i -> i - T + 1)."""
    T = len(sequences[0])
    ids = torch.tensor([seq + seq for seq in sequences])  # [B, 2T]
    with torch.no_grad():
        attentions = model(ids, output_attentions=True).attentions  # L x [B, H, 2T, 2T]
    scores = {}
    for layer, att in enumerate(attentions):
        rows = torch.arange(T, 2 * T)
        picked = att[:, :, rows, rows - T + 1]  # [B, H, T]
        for head in range(att.shape[1]):
            scores[(layer, head)] = picked[:, head, :].double().mean().item()
    return scores


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    model = mini_llama.load(os.path.join(out, "model"))
    with open(os.path.join(out, "sequences.json")) as f:
        sequences = json.load(f)
    scores = induction_scores(model, sequences)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    print(f"PyTorch induction scores, T = {len(sequences[0])}, {len(sequences)} sequences:")
    print("  " + " ".join(f"L{l}H{h}={s:.6f}" for (l, h), s in ranked))

    others = [s for head, s in scores.items() if head != INDUCTION_HEAD]
    statements = [
        ("L1H0 ranks first", ranked[0][0] == INDUCTION_HEAD),
        ("L1H0 score 1.000 (to 3 decimals)", round(scores[INDUCTION_HEAD], 3) == 1.0),
        ("every other head < 0.1", max(others) < 0.1),
        ("the previous-token head L0H0 < 0.01", scores[PREVIOUS_TOKEN_HEAD] < 0.01),
    ]
    app_path = os.path.join(out, "app-scores.json")
    if os.path.exists(app_path):
        with open(app_path) as f:
            app = {(s["layer"], s["head"]): s["score"] for s in json.load(f)}
        diff = max(abs(app[head] - s) for head, s in scores.items())
        print(f"app vs PyTorch: max |diff| {diff:.3e}")
        statements.append((f"the app's scores agree within {APP_TOLERANCE:g}", diff <= APP_TOLERANCE))
    for text, holds in statements:
        print(f"  [{'holds' if holds else 'FAILS'}] {text}")
    sys.exit(0 if all(holds for _, holds in statements) else 1)


if __name__ == "__main__":
    main()
