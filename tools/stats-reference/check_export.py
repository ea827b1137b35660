"""Recomputes Ablation Studio's statistics independently (stats_reference.py) and compares.

  python3 tools/stats-reference/check_export.py export <export dir>
      reads trials_long.csv.gz and provenance.json of an export (`npm run demo`, `studies export`),
      recomputes summary.csv, comparisons.csv, random_draws.csv and peak_lag_shares.csv, and prints
      the largest differences; exit 0 when every value agrees (relative 1e-9, or absolute 1e-12).
  python3 tools/stats-reference/check_export.py fixture <out.json>
      writes a small synthetic study with the tables this reference computes for it: the fixture
      test/study/stats-reference.test.ts checks the TypeScript against (needs numpy and scipy).
"""

import csv
import gzip
import json
import math
import os
import sys
from collections import defaultdict

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stats_reference import tables  # noqa: E402

REL_TOL, ABS_TOL = 1e-9, 1e-12
KEYS = {
    "summary": ("condition",),
    "comparisons": ("mode", "layer_abl", "n_heads", "scope", "draw"),
    "random_draws": ("mode", "layer_abl", "n_heads"),
    "peak_lag_shares": ("condition", "lag"),
}


def read_trials_long(path):
    probs = defaultdict(dict)
    with gzip.open(path, "rt", newline="") as f:
        for r in csv.DictReader(f):
            probs[r["condition"]].setdefault(int(r["trial"]), {})[int(r["position"])] = np.float32(r["probability"])
    rows = {}
    for key, trials in probs.items():
        n, S = len(trials), len(trials[0])
        rows[key] = np.array([[trials[t][s] for s in range(S)] for t in range(n)], dtype=np.float64)
    return rows


def as_text(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def compare(name, expected, exported):
    """Max |Δ| and max relative Δ over every numeric cell; a list of mismatches."""
    key = KEYS[name]
    by_key = {tuple(as_text(r[k]) for k in key): r for r in exported}
    worst_abs, worst_rel, problems = 0.0, 0.0, []
    for e in expected:
        k = tuple(as_text(e[c]) if not isinstance(e[c], float) else as_text(int(e[c])) for c in key)
        got = by_key.get(k)
        if got is None:
            problems.append(f"{name}: no row {k}")
            continue
        for col, want in e.items():
            text = got.get(col)
            if text is None:
                problems.append(f"{name}: no column {col}")
                continue
            if isinstance(want, str) or want is None:
                if as_text(want) != text:
                    problems.append(f"{name} {k} {col}: {text!r} != {want!r}")
                continue
            want = float(want)
            have = float(text) if text not in ("", "inf", "-inf") else {"": math.nan, "inf": math.inf, "-inf": -math.inf}[text]
            if math.isnan(want) or math.isnan(have) or math.isinf(want) or math.isinf(have):
                if not (want == have or (math.isnan(want) and math.isnan(have))):
                    problems.append(f"{name} {k} {col}: {text} != {want}")
                continue
            d = abs(have - want)
            rel = d / abs(want) if want != 0 else (0.0 if d == 0 else math.inf)
            worst_abs = max(worst_abs, d)
            if d > ABS_TOL:
                worst_rel = max(worst_rel, rel)
            if d > ABS_TOL and rel > REL_TOL:
                problems.append(f"{name} {k} {col}: {have} vs reference {want} (rel {rel:.2e})")
    if len(exported) != len(expected):
        problems.append(f"{name}: {len(exported)} rows exported, {len(expected)} recomputed")
    return worst_abs, worst_rel, problems


def check_export(folder):
    with open(os.path.join(folder, "provenance.json")) as f:
        prov = json.load(f)
    conditions = [{**c, "label": c["label"]} for c in prov["conditions"]]
    rows = read_trials_long(os.path.join(folder, "trials_long.csv.gz"))
    expected = tables(conditions, rows, prov["statistics"])
    failed = False
    for name in KEYS:
        with open(os.path.join(folder, f"{name}.csv"), newline="") as f:
            exported = list(csv.DictReader(f))
        worst_abs, worst_rel, problems = compare(name, expected[name], exported)
        print(f"{name}.csv: {len(exported)} rows, max |Δ| {worst_abs:.2e}, max relative Δ {worst_rel:.2e}, {len(problems)} mismatches")
        for p in problems[:20]:
            print("  " + p)
        failed = failed or bool(problems)
    return 1 if failed else 0


def synthetic_study():
    """9 conditions x 32 trials x S = 21, float32: a sharp +1 peak, weakened and flat curves, random
    draws near the baseline, a draw with fewer trials (a paused study), and tiny P(-1) values."""
    rng = np.random.default_rng(20240607)
    S, n = 21, 32
    specs = [("baseline", "none", 0, 0, 4.0), ("induction-zero-full-k1", "induction", 1, 0, 1.5), ("induction-zero-full-k2", "induction", 2, 0, 0.0)]
    specs += [(f"random-zero-full-k{k}-d{d}", "random", k, d, 4.0 - 0.2 * k + 0.15 * d) for k in (1, 2) for d in range(3)]
    conditions, probs = [], {}
    base_noise = rng.normal(0, 1, (n, S))
    for key, head_type, count, draw, boost in specs:
        logits = 0.6 * base_noise + 0.4 * rng.normal(0, 1, (n, S))
        logits[:, (S - 1) // 2 + 1] += boost + 0.5 * rng.normal(0, 1, n)
        logits[:, (S - 1) // 2 - 1] -= 6.0  # P(-1) around 1e-4 of the peak
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True) * 0.9
        p[:, -1] = p[:, (S - 1) // 2]  # the last position is the lag-0 token again
        trials = 24 if key.endswith("k2-d2") else n
        probs[key] = p[:trials].astype(np.float32).astype(np.float64)
        label = "baseline" if head_type == "none" else f"{count} {head_type} head{'s' if count > 1 else ''}"
        conditions.append({"key": key, "label": label, "headType": head_type, "mode": "zero", "layerRange": "full", "count": count, "draw": draw})
    return conditions, probs


def write_fixture(path):
    conditions, probs = synthetic_study()
    options = {"level": 0.95, "contiguityLags": 3, "bootstrapResamples": 500, "bootstrapSeed": 1234, "peakExcludesLagZero": True}
    expected = tables(conditions, probs, options)
    clean = lambda v: None if isinstance(v, float) and math.isnan(v) else (float(v) if isinstance(v, (np.floating, float)) else (int(v) if isinstance(v, np.integer) else v))  # noqa: E731
    out = {
        "options": options,
        "conditions": [{**c, "probs": probs[c["key"]].tolist()} for c in conditions],
        "expected": {name: [{k: clean(v) for k, v in r.items()} for r in rows] for name, rows in expected.items()},
    }
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}: {len(conditions)} conditions, " + ", ".join(f"{k} {len(v)} rows" for k, v in expected.items()))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("export", "fixture"):
        print(__doc__)
        sys.exit(2)
    if sys.argv[1] == "export":
        sys.exit(check_export(sys.argv[2]))
    write_fixture(sys.argv[2])
