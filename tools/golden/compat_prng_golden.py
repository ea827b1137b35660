"""Golden values of test/shared-study/compat-prng.test.ts: what the real numpy and CPython generators
produce for the calls the seed script (run_ablations.py) makes, written to
test/fixtures/compat-prng.json with the numpy and Python versions that produced them.

- numpy SeedSequence(seed).generate_state, PCG64 raw outputs and state after seeding;
- np.random.default_rng(seed).choice(pop, size, replace=False) for populations and sizes on both
  sides of numpy's switch between Floyd's algorithm and the tail shuffle (pop > 10000 and
  size > pop // 50);
- np.random.seed(seed): MT19937 raw outputs, then several np.random.permutation(array) in a row;
- random.seed(seed): getrandbits(32) outputs, and random.sample(range(n), k) on both sides of
  sample's pool / set switch (n <= 21 + 4 ** ceil(log(3k, 4)) for k > 5, else n <= 21).

Run:    /usr/bin/python3 tools/golden/compat_prng_golden.py [--out test/fixtures/compat-prng.json]
"""
import argparse
import json
import random
import sys

import numpy as np

SEEDS = [0, 1, 7, 42, 1234, 2**31 - 1, 2**32 - 1]
# random.seed and SeedSequence take any size; np.random.seed stops at 2**32 - 1.
BIG_SEEDS = [2**32, 2**40 + 5, 2**53 - 1]

CHOICE_CASES = [
    (1, 1), (5, 5), (501, 500), (600, 500), (1000, 500), (2000, 1), (10000, 500), (10000, 1200),
    (10001, 200), (10001, 201), (10001, 500), (20000, 400), (20000, 401), (128000, 500), (128000, 2560),
    (128000, 2561),
]
PERMUTATION_SIZES = [1, 2, 3, 10, 255, 256, 257, 500, 1000]
SAMPLE_CASES = [
    (5, 0), (21, 5), (22, 5), (85, 6), (86, 6), (85, 21), (86, 21), (277, 22), (278, 22), (277, 50),
    (278, 50), (1000, 50), (1024, 50), (4096, 500),
]


def seed_sequence_case(seed):
    ss = np.random.SeedSequence(seed)
    gen = np.random.PCG64(ss)
    st = gen.state["state"]
    raw = np.random.PCG64(np.random.SeedSequence(seed)).random_raw(6)
    return {
        "seed": str(seed),
        "pool": [int(x) for x in ss.pool],
        "state32": [int(x) for x in ss.generate_state(8)],
        "pcg64_state": str(st["state"]),
        "pcg64_inc": str(st["inc"]),
        "pcg64_raw": [str(int(x)) for x in raw],
    }


def choice_cases(seed):
    out = []
    for pop, size in CHOICE_CASES:
        rng = np.random.default_rng(seed)
        out.append({"seed": str(seed), "pop": pop, "size": size,
                    "idx": [int(x) for x in rng.choice(pop, size=size, replace=False)]})
    return out


def legacy_case(seed):
    raw = np.random.RandomState(seed)._bit_generator.random_raw(8)
    np.random.seed(seed)
    perms = []
    for size in PERMUTATION_SIZES:
        arr = np.arange(100, 100 + size, dtype=np.int64)
        perms.append([int(x) for x in np.random.permutation(arr)])
    return {"seed": seed, "raw": [int(x) for x in raw], "sizes": PERMUTATION_SIZES, "permutations": perms}


def cpython_case(seed):
    random.seed(seed)
    bits = [random.getrandbits(32) for _ in range(8)]
    samples = []
    for n, k in SAMPLE_CASES:
        random.seed(seed)
        samples.append({"n": n, "k": k, "sample": random.sample(list(range(n)), k)})
    return {"seed": str(seed), "getrandbits32": bits, "samples": samples}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="test/fixtures/compat-prng.json")
    args = parser.parse_args()
    fixture = {
        "generator": "tools/golden/compat_prng_golden.py",
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "seedSequence": [seed_sequence_case(s) for s in SEEDS + BIG_SEEDS],
        "choice": [c for s in [0, 42, 2**32 - 1, 2**40 + 5] for c in choice_cases(s)],
        "legacy": [legacy_case(s) for s in SEEDS],
        "cpython": [cpython_case(s) for s in SEEDS + BIG_SEEDS + [-42]],
    }
    with open(args.out, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {args.out} (numpy {np.__version__}, Python {fixture['python']})")


if __name__ == "__main__":
    main()
