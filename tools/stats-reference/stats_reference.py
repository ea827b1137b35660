"""Independent reference for Ablation Studio's statistics (README "Statistics"), in numpy + scipy.

Written from the README's description of each method, not from the TypeScript: t quantiles and
tails come from scipy, covariances from np.cov, bootstrap means from a matrix product, and the
seeded generator (xoshiro128** seeded by MurmurHash3, src/shared/study/prng.ts) is re-implemented
in tools/golden/prng_golden.py. Each table is returned as rows keyed by the exported CSV's column
names, so the same code checks the test fixture and a real export.
"""

import os
import sys

import numpy as np
from scipy import stats as sps

# The study generator's independent Python transcription (xoshiro128** seeded by MurmurHash3, as
# src/shared/study/prng.ts), shared with the golden values of the generator's own tests.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden"))
from prng_golden import create_rng, random_int  # noqa: E402

BOOTSTRAP_DOMAIN = 0x626F6F74  # 'boot', RNG_DOMAIN.bootstrap


def resample_counts(seed, resamples, n):
    """[B, n]: how often trial t is drawn in resample b (n draws with replacement)."""
    out = np.zeros((resamples, n))
    for b in range(resamples):
        rng = create_rng(seed, BOOTSTRAP_DOMAIN, b)
        out[b] = np.bincount([random_int(rng, n) for _ in range(n)], minlength=n)
    return out


def t_quantile(level, df):
    return sps.t.ppf(0.5 + level / 2, df)


def mean_ci(x, level):
    n = len(x)
    m = np.mean(x)
    se = np.std(x, ddof=1) / np.sqrt(n)
    q = t_quantile(level, n - 1)
    return m, m - q * se, m + q * se


def difference_ci(d, level):
    """Mean, CI and two-sided one-sample t-test p of mean = 0."""
    m, lo, hi = mean_ci(d, level)
    se = np.std(d, ddof=1) / np.sqrt(len(d))
    p = 1.0 if se == 0 and m == 0 else (0.0 if se == 0 else 2 * sps.t.sf(abs(m / se), len(d) - 1))
    return m, lo, hi, p


def log_ratio_ci(a, b, level):
    """ln(mean a / mean b) with the first-order delta-method SE (paired covariance), t quantile."""
    n = len(a)
    ma, mb = np.mean(a), np.mean(b)
    cov = np.cov(np.vstack([a, b]), ddof=1)
    g = np.array([1 / ma, -1 / mb])
    se = np.sqrt(max(0.0, g @ cov @ g / n))
    q = t_quantile(level, n - 1)
    lr = np.log(ma / mb)
    return lr, lr - q * se, lr + q * se


def triple(name, values):
    return {name: values[0], f"{name}_ci_low": values[1], f"{name}_ci_high": values[2]}


def difference_columns(name, a, b, level):
    m, lo, hi, p = difference_ci(a - b, level)
    return {**triple(name, (m, lo, hi)), f"{name}_p": p}


def rel_se(a, b):
    """max over the two means of SE / mean (the delta method's accuracy diagnostic)."""
    return max(np.std(x, ddof=1) / np.sqrt(len(x)) / abs(np.mean(x)) for x in (a, b))


def ratio_columns(name, a, b, level):
    """`{name}_ratio` (exponentiated interval), `{name}_log_ratio` and `{name}_ratio_rel_se`."""
    lr = log_ratio_ci(a, b, level)
    return {**triple(f"{name}_ratio", np.exp(lr)), **triple(f"{name}_log_ratio", lr), f"{name}_ratio_rel_se": rel_se(a, b)}


def lag_position(lag, S):
    return lag + (S - 1) // 2


def peak(rows, level, resamples, seed, exclude_lag0, counts):
    """Point peak, shares and confidence set; brute force over every eligible position."""
    S = rows.shape[1]
    eligible = [s for s in range(S - 1) if not (exclude_lag0 and s == lag_position(0, S))]
    X = rows[:, eligible]
    lags = np.array(eligible) - (S - 1) // 2
    point = int(np.argmax(X.mean(axis=0)))
    winners = np.argmax(counts @ X / rows.shape[0], axis=1)
    wins = np.bincount(winners, minlength=len(eligible))
    ranked = sorted([e for e in range(len(eligible)) if wins[e] > 0], key=lambda e: (-wins[e], e))
    need = int(np.ceil(level * resamples - 1e-9))
    conf, covered = [], 0
    for e in ranked:
        if covered >= need:
            break
        conf.append(int(lags[e]))
        covered += wins[e]
    shares = [(int(lags[e]), wins[e] / resamples) for e in ranked]
    return int(lags[point]), wins[point] / resamples, conf, shares


def contiguity_columns(k, fwd, bwd, level):
    """k = 0: the prompts are too short for any contiguity lag; the columns stay empty."""
    if k == 0:
        return {"contiguity_lags": None}
    return {"contiguity_lags": k, **triple("forward_mass", mean_ci(fwd, level)), **triple("backward_mass", mean_ci(bwd, level)),
            **difference_columns("contiguity_diff", fwd, bwd, level), **ratio_columns("contiguity", fwd, bwd, level)}


def _at(rows, lag):
    return rows[:, lag_position(lag, rows.shape[1])]


def _lag_sum(rows, first, last):
    S = rows.shape[1]
    return rows[:, lag_position(first, S) : lag_position(last, S) + 1].sum(axis=1)


def tables(conditions, rows, options):
    """All four tables. conditions: dicts with key, label, headType, mode, layerRange, count, draw;
    rows: key -> float64 array [trials, S] (trials 0..n-1); options: the export's statistics options."""
    level, k = options["level"], options["contiguityLags"]
    B, seed, excl = options["bootstrapResamples"], options["bootstrapSeed"], options["peakExcludesLagZero"]
    counts_for = {}
    base = next((c for c in conditions if c["headType"] == "none" and len(rows.get(c["key"], [])) > 0), None)
    base_p1 = _at(rows[base["key"]], 1) if base else None
    summary, shares = [], []
    for c in conditions:
        R = rows.get(c["key"])
        if R is None or len(R) == 0:
            continue
        n, S = R.shape
        none = c["headType"] == "none"
        p1, m1 = _at(R, 1), _at(R, -1)
        fwd, bwd = (_lag_sum(R, 1, k), _lag_sum(R, -k, -1)) if k > 0 else (None, None)
        if n not in counts_for:
            counts_for[n] = resample_counts(seed, B, n)
        lag, share, conf, lag_shares = peak(R, level, B, seed, excl, counts_for[n])
        row = {
            "condition": c["key"], "label": c["label"], "head_type": c["headType"],
            "mode": "none" if none else c["mode"], "layer_abl": "none" if none else c["layerRange"],
            "n_heads": c["count"], "draw": c["draw"], "n_trials": n, "ci_level": level,
            **triple("p_plus1", mean_ci(p1, level)), **triple("p_minus1", mean_ci(m1, level)),
            **triple("p_lag0", mean_ci(_at(R, 0), level)), **triple("prompt_mass", mean_ci(R[:, : S - 1].sum(axis=1), level)),
            **difference_columns("asym_diff", p1, m1, level), **ratio_columns("asym", p1, m1, level),
            **contiguity_columns(k, fwd, bwd, level),
            "peak_lag": lag, "peak_lag_share": share, "peak_lag_set": ";".join(map(str, conf)), "peak_lag_set_size": len(conf),
            "peak_excludes_lag0": int(excl), "bootstrap_resamples": B, "bootstrap_seed": seed,
        }
        if base is not None and c is not base:
            m = min(n, len(base_p1))
            lr = log_ratio_ci(p1[:m], base_p1[:m], level)
            row.update({"n_paired": m, **difference_columns("delta_p_plus1", p1[:m], base_p1[:m], level)})
            row.update(triple("relative_change", np.exp(lr) - 1))
            row["relative_change_rel_se"] = rel_se(p1[:m], base_p1[:m])
        summary.append(row)
        for l, sh in lag_shares:
            shares.append({"condition": c["key"], "lag": l, "share": sh, "is_peak": int(l == lag), "in_set": int(l in conf), "resamples": B})
    random_tables = _random_tables(conditions, rows, base_p1, level)
    for row in summary:
        pooled = next((g for g in random_tables["comparisons"] if g["scope"] == "pooled" and g["induction_condition"] == row["condition"]), None)
        if pooled:
            row["vs_random_draws"] = len(pooled["random_conditions"].split(";"))
            row.update({f"vs_random_{k}": v for k, v in pooled.items() if k.startswith("difference") or (k.startswith("ratio") and k != "ratio_rel_se")})
    return {"summary": summary, "peak_lag_shares": shares, **random_tables}


def _cells(conditions, head_type):
    seen = []
    for c in conditions:
        cell = (c["mode"], c["layerRange"], c["count"])
        if c["headType"] == head_type and cell not in seen:
            seen.append(cell)
    return seen


def _members(conditions, rows, head_type, cell):
    own = [c for c in conditions if c["headType"] == head_type and (c["mode"], c["layerRange"], c["count"]) == cell]
    return sorted([c for c in own if len(rows.get(c["key"], [])) > 0], key=lambda c: c["draw"])


def _holm(ps):
    idx = sorted([i for i, p in enumerate(ps) if p is not None and not np.isnan(p)], key=lambda i: (ps[i], i))
    out, running = [None] * len(ps), 0.0
    for rank, i in enumerate(idx):
        running = max(running, min(1.0, (len(idx) - rank) * ps[i]))
        out[i] = running
    return out


def _random_tables(conditions, rows, base_p1, level):
    draws_rows = []
    for cell in _cells(conditions, "random"):
        ds = _members(conditions, rows, "random", cell)
        if not ds:
            continue
        means = [np.mean(_at(rows[d["key"]], 1)) for d in ds]
        row = {"mode": cell[0], "layer_abl": cell[1], "n_heads": cell[2], "n_draws": len(ds),
               "conditions": ";".join(d["key"] for d in ds), "ci_level": level, **triple("p_plus1", mean_ci(np.array(means), level))}
        if base_p1 is not None:
            logs = []
            for d in ds:
                p = _at(rows[d["key"]], 1)
                m = min(len(p), len(base_p1))
                logs.append(np.log(np.mean(p[:m]) / np.mean(base_p1[:m])))
            row.update(triple("relative_change", np.exp(mean_ci(np.array(logs), level)) - 1))
        draws_rows.append(row)
    comparisons = []
    for cell in _cells(conditions, "induction"):
        ind, ds = _members(conditions, rows, "induction", cell), _members(conditions, rows, "random", cell)
        if not ind or not ds:
            continue
        n = min([len(rows[ind[0]["key"]])] + [len(rows[d["key"]]) for d in ds])
        a = _at(rows[ind[0]["key"]], 1)[:n]
        rs = [_at(rows[d["key"]], 1)[:n] for d in ds]
        common = {"mode": cell[0], "layer_abl": cell[1], "n_heads": cell[2], "induction_condition": ind[0]["key"], "ci_level": level}
        group = []
        for d, r in zip(ds, rs):
            group.append(_comparison(common, "draw", d["draw"], [d["key"]], a, r, level))
        pooled = _comparison(common, "pooled", None, [d["key"] for d in ds], a, np.mean(rs, axis=0), level)
        group.append(pooled)
        if len(ds) >= 2:
            diffs = np.array([g["difference"] for g in group[:-1]])
            logs = np.array([g["log_ratio"] for g in group[:-1]])
            m, lo, hi, p = difference_ci(diffs, level)
            lr = mean_ci(logs, level)
            group.append({**common, "scope": "between_draws", "draw": None, "random_conditions": pooled["random_conditions"],
                          "n": len(ds), "df": len(ds) - 1, "induction_p_plus1": pooled["induction_p_plus1"],
                          "random_p_plus1": pooled["random_p_plus1"], **triple("difference", (m, lo, hi)), "difference_p": p,
                          **triple("ratio", np.exp(lr)), **triple("log_ratio", lr), "ratio_rel_se": None})
        comparisons.append(group)
    for scope in ("pooled", "between_draws"):
        picked = [next((g for g in group if g["scope"] == scope), None) for group in comparisons]
        adjusted = _holm([g["difference_p"] if g else None for g in picked])
        for g, h in zip(picked, adjusted):
            if g:
                g["difference_p_holm"] = h
    return {"random_draws": draws_rows, "comparisons": [g for group in comparisons for g in group]}


def _comparison(common, scope, draw, keys, a, b, level):
    m, lo, hi, p = difference_ci(a - b, level)
    lr = log_ratio_ci(a, b, level)
    return {**common, "scope": scope, "draw": draw, "random_conditions": ";".join(keys), "n": len(a), "df": len(a) - 1,
            "induction_p_plus1": np.mean(a), "random_p_plus1": np.mean(b), **triple("difference", (m, lo, hi)),
            "difference_p": p, **triple("ratio", np.exp(lr)), **triple("log_ratio", lr), "ratio_rel_se": rel_se(a, b)}
