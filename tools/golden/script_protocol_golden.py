"""Inputs and expected selections of test/cli/run-compat-script.test.ts: what run_ablations.py (the
seed script) selects for them, computed with the same numpy and CPython calls the script makes.

Writes under test/fixtures/script-compat/:
  tokens.pkl    the token pickle (a list of lists of ids, as the script's data/*.pkl), with repeats,
                BOS (id 1) and more than 500 unique ids, so numpy's choice runs
  scores.csv    induction scores (layer,head,scores) of a 4-layer, 4-head model, distinct values
                in shuffled rows, the strongest in layer 2 (= int(L/2): "top" for induction heads
                but outside the script's random pool for top)
  expected.json for --seed 7 --permutations 3 --max_heads_abl 5 --to_abl 1-2-8 --layer_abl top:
                the token ids, every prompt in the script's order (count by count), and the heads
                the script selects for --head_type induction and for --head_type random; once with
                the script's n_unique = 500, once with 60 (prompts short enough for the test to
                check the tables against the float64 reference forward)

The script sorts scores with pandas (not installed here); with distinct scores its order is the one
numpy's stable argsort gives below. Run:
    /usr/bin/python3 tools/golden/script_protocol_golden.py
"""
import json
import os
import pickle
import random
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "fixtures", "script-compat")

L, H, VOCAB = 4, 4, 1100
SEED, PERMS, MAX_HEADS, TO_ABL, LAYER_ABL = 7, 3, 5, "1-2-8", "top"


def write_inputs():
    gen = np.random.default_rng(2024)  # only makes the inputs; not part of the script's calls
    ids = [int(x) for x in gen.integers(0, VOCAB, size=900)]
    ids += [1, 1, 0]  # BOS (bos_token_id 1) and id 0 appear, with repeats
    nested = [ids[i:i + 3] for i in range(0, len(ids), 3)]
    with open(os.path.join(OUT, "tokens.pkl"), "wb") as f:
        pickle.dump(nested, f, protocol=4)
    rows = [(l, h, round(float(gen.random()) * 0.5, 6)) for l in range(L) for h in range(H)]
    rows = [(l, h, s + (0.5 if l == 2 else 0.0) + (0.3 if (l, h) == (1, 3) else 0.0)) for l, h, s in rows]
    order = gen.permutation(len(rows))
    with open(os.path.join(OUT, "scores.csv"), "w") as f:
        f.write("layer,head,scores\n")
        for i in order:
            l, h, s = rows[i]
            f.write(f"{l},{h},{s!r}\n")


def get_tokens(path, n_unique=500, seed=42):  # the script's get_tokens, call for call
    rng = np.random.default_rng(seed)
    with open(path, "rb") as f:
        nested = pickle.load(f)
    uniq = np.unique([t for sub in nested for t in sub])
    if len(uniq) > n_unique:
        uniq = uniq[rng.choice(len(uniq), size=n_unique, replace=False)]
    return uniq


def induction_heads_top(path, top, num_layers, layer_abl):  # get_induction_heads_top without pandas
    rows = [line.strip().split(",") for line in open(path).read().splitlines()[1:] if line.strip()]
    layer = np.array([int(r[0]) for r in rows])
    head = np.array([int(r[1]) for r in rows])
    score = np.array([float(r[2]) for r in rows])
    assert len(set(score.tolist())) == len(score), "scores must be distinct for an unambiguous order"
    order = np.argsort(-score, kind="stable")
    thresh = int(0.5 * num_layers)
    keep = [i for i in order if layer_abl == "full" or (layer[i] <= thresh if layer_abl == "top" else layer[i] > thresh)]
    return [(int(layer[i]), int(head[i])) for i in keep[:top]]


def script_run(n_unique):
    """run_experiment's selections, in its order of calls."""
    np.random.seed(SEED)
    random.seed(SEED)
    tokens = get_tokens(os.path.join(OUT, "tokens.pkl"), n_unique, SEED)
    induction = induction_heads_top(os.path.join(OUT, "scores.csv"), MAX_HEADS, L, LAYER_ABL)
    thresh = int(0.5 * L)
    req = range(0, L) if LAYER_ABL == "full" else (range(0, thresh) if LAYER_ABL == "top" else range(L - thresh, L))
    nonind = [(l, h) for l in req for h in range(H) if (l, h) not in induction]
    random_heads = random.sample(nonind, k=MAX_HEADS)
    trials = []
    for _ in [int(v) for v in TO_ABL.split("-")]:
        block = []
        for _ in range(PERMS):
            permuted = np.random.permutation(tokens)
            block.append([int(x) for x in np.append(permuted, permuted[len(permuted) // 2])])
        trials.append(block)
    print(f"n_unique {n_unique}: {len(tokens)} tokens, induction {induction}, random {random_heads}")
    return {
        "n_unique": n_unique,
        "tokens": [int(x) for x in tokens],
        "trials": trials,
        "heads": {"induction": [list(h) for h in induction], "random": [list(h) for h in random_heads]},
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    write_inputs()
    expected = {
        "generator": "tools/golden/script_protocol_golden.py",
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "flags": {"seed": SEED, "permutations": PERMS, "max_heads_abl": MAX_HEADS, "to_abl": TO_ABL, "layer_abl": LAYER_ABL},
        "model": {"layers": L, "heads": H, "vocab": VOCAB},
        "runs": [script_run(500), script_run(60)],
    }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT} (numpy {np.__version__}, Python {expected['python']})")


if __name__ == "__main__":
    main()
