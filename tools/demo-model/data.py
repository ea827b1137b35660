"""Synthetic training data and probe prompts (word ids; specials 0-2 never appear).

A training sequence is a stream of *fresh* words drawn without replacement (so they are unique,
like the probe's permutation), into which, at random points, a copy of an earlier span
(length 1-20, start uniform over the past) is inserted. The first token of a copy is exactly the
probe situation: it repeats an earlier token, and the next token is the one that followed the
earlier occurrence. Loss is on every position; fresh words are unpredictable, copies are not.
"""
import numpy as np

N_SPECIAL = 3  # <unk>=0, <s>=1, </s>=2; words start at id 3
# share of sequences that are one random segment repeated over and over: the densest
# induction signal there is, which makes the induction circuit form within few steps
REPEAT_FRAC = 0.5


def zipf_weights(n_words, rng, a=1.0):
    # Zipf over a seeded random rank order, so frequent words are not alphabetical
    w = 1.0 / np.arange(1, n_words + 1) ** a
    return w[rng.permutation(n_words)] / w.sum()


def make_sequence(rng, S, n_words, zipf):
    """One sequence of S word ids."""
    return sequence_with_copy_starts(rng, S, n_words, zipf)[0]


def sequence_with_copy_starts(rng, S, n_words, zipf):
    """One sequence of S word ids, and the positions where a copy begins: there the current word
    is a repeat of an earlier one and the next word is (95%) the one that followed it -- exactly
    the probe's situation."""
    if rng.random() < REPEAT_FRAC:
        m = int(rng.integers(8, S // 2))
        seg = rng.choice(n_words, size=m, replace=False) + N_SPECIAL
        return np.tile(seg, S // m + 1)[:S].tolist(), [m]
    # half the sequences mimic the probe (uniform, long unique runs), half are Zipf-weighted
    if rng.random() < 0.5:
        fresh = rng.choice(n_words, size=S, replace=False)
        q = rng.uniform(0.005, 0.05)  # sparse copies: long stretches of unique words
    else:
        fresh = rng.choice(n_words, size=S, replace=False, p=zipf)
        q = rng.uniform(0.03, 0.15)
    fresh = fresh + N_SPECIAL
    out, fi, starts = [], 0, []
    while len(out) < S:
        if len(out) >= 2 and rng.random() < q:
            L = 1 if rng.random() < 0.05 else int(rng.integers(2, 21))
            j = int(rng.integers(0, len(out) - 1))
            starts.append(len(out))
            out.extend(out[j:j + L])
        else:
            out.append(int(fresh[fi]))
            fi += 1
    return out[:S], starts  # every start is < S: a copy begins only while the sequence is short of S


def make_batch(rng, B, S, n_words, zipf):
    return np.array([make_sequence(rng, S, n_words, zipf) for _ in range(B)], dtype=np.int64)


def make_weighted_batch(rng, B, S, n_words, zipf, copy_start_weight):
    """ids [B, S] and per-position loss weights [B, S-1] (weight of predicting token t+1 at t):
    copy_start_weight where t begins a copy, 1 elsewhere."""
    ids, w = np.zeros((B, S), dtype=np.int64), np.ones((B, S - 1), dtype=np.float32)
    for b in range(B):
        seq, starts = sequence_with_copy_starts(rng, S, n_words, zipf)
        ids[b] = seq
        w[b, [t for t in starts if t < S - 1]] = copy_start_weight
    return ids, w


def probe_prompts(token_set, n_trials, seed):
    """The app's trials: permute the token set, append the token at index N//2. [n, N+1]."""
    rng = np.random.default_rng(seed)
    ts = np.asarray(token_set, dtype=np.int64)
    rows = []
    for _ in range(n_trials):
        p = rng.permutation(ts)
        rows.append(np.concatenate([p, p[len(p) // 2:len(p) // 2 + 1]]))
    return np.stack(rows)


def induction_prompts(n_seqs, T, n_words, seed):
    """Random words of length T repeated twice, no BOS. [n, 2T]."""
    rng = np.random.default_rng(seed)
    x = rng.integers(N_SPECIAL, N_SPECIAL + n_words, size=(n_seqs, T))
    return np.concatenate([x, x], axis=1)


def read_words(path, n_words):
    """The committed word list (vocab ids N_SPECIAL.. in file order)."""
    with open(path, encoding="utf-8") as f:
        words = [w.strip() for w in f if w.strip()]
    assert len(words) == n_words, f"{path}: {len(words)} words, expected {n_words}"
    return words


def demo_token_set(n_words):
    """600 unique word ids (specials excluded), in a seeded order; probes use the first 500."""
    ids = sorted(np.random.default_rng(42).choice(n_words, 600, replace=False) + N_SPECIAL)
    return [int(t) for t in np.random.default_rng(43).permutation(ids)]
