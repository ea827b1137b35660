"""Reference pickles for the token-set pickle writer (src/main/tokens/pickle-writer.ts).

Writes test/fixtures/pickle-writer-cases.json: for each case, the length and sha256 of what
CPython's pickle.dumps(lists, protocol=4) produces. test/tokens/pickle-writer.test.ts rebuilds the
same lists (same generator) and requires byte-identical output. Run after changing the cases:

    /usr/bin/python3 tools/pickle-fixtures/write_fixtures.py
"""
import hashlib
import json
import os
import pickle
import platform

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "fixtures", "pickle-writer-cases.json")


def lcg(seed):
    # the test's generator: x <- (1103515245 x + 12345) mod 2^31
    x = seed
    while True:
        x = (1103515245 * x + 12345) % 2**31
        yield x


def singletons(n, bound, seed):
    g = lcg(seed)
    return [[next(g) % bound] for _ in range(n)]


def word_lists(n, seed):
    # like the seed's file: [BOS, piece, ...] per word, 1-3 pieces
    g = lcg(seed)
    return [[128000] + [next(g) % 128000 for _ in range(1 + next(g) % 3)] for _ in range(n)]


CASES = {
    "empty": [],
    "one": [[5]],
    "three": [[1], [2], [3]],
    "int-widths": [[0], [255], [256], [65535], [65536], [2147483647]],
    "empty-inner": [[], [7], []],
    "batch-1000": singletons(1000, 50000, 1),
    "batch-1001": singletons(1001, 50000, 2),
    "frames-20000": singletons(20000, 128256, 3),
    "words-1216": word_lists(1216, 4),
    "long-inner": [list(range(2500)), [9]] + singletons(70000, 300, 5),
}

cases = []
for name, lists in CASES.items():
    data = pickle.dumps(lists, protocol=4)
    cases.append({"name": name, "length": len(data), "sha256": hashlib.sha256(data).hexdigest()})
with open(OUT, "w", encoding="utf-8") as f:
    json.dump({"python": platform.python_version(), "protocol": 4, "cases": cases}, f, indent=1)
    f.write("\n")
print(f"{len(cases)} cases -> {OUT}")
