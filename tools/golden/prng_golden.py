"""Golden values of test/shared-study/prng.test.ts and test/shared-study/trials.test.ts, from an independent Python
transcription of the study generator (src/shared/study/prng.ts, trials.ts): MurmurHash3_x86_32 over
32-bit words, xoshiro128** 1.1 (https://prng.di.unimi.it/xoshiro128starstar.c), the four-lane
seeding, rejection-sampled randomInt and the forward Fisher-Yates shuffle.

Run:    /usr/bin/python3 tools/golden/prng_golden.py           prints every golden value
        /usr/bin/python3 tools/golden/prng_golden.py --check   also checks that the test files
                                                                hold exactly these values (exit 1 if not)
Written and last run with CPython 3.11.2 (Debian 12), standard library only.
"""
import os
import sys

MASK = 0xFFFFFFFF
TWO_32 = 1 << 32
LANE_SEEDS = (0x9E3779B9, 0x7F4A7C15, 0xF39CC060, 0x5CED1A6F)
TRIAL_DOMAIN = 0x74726961  # 'tria', RNG_DOMAIN.trial


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & MASK


def fmix32(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & MASK
    h ^= h >> 16
    return h


def murmur3_words(words, seed=0):
    """MurmurHash3_x86_32 of 32-bit words (each word = 4 little-endian bytes)."""
    h = seed & MASK
    for word in words:
        k = (word * 0xCC9E2D51) & MASK
        k = rotl(k, 15)
        k = (k * 0x1B873593) & MASK
        h ^= k
        h = rotl(h, 13)
        h = (h * 5 + 0xE6546B64) & MASK
    h ^= len(words) * 4
    return fmix32(h)


def seed_words(parts):
    words = []
    for part in parts:
        assert isinstance(part, int) and 0 <= part < 2**53
        words += [part % TWO_32, part // TWO_32]
    return words


class Xoshiro128StarStar:
    def __init__(self, state):
        self.s = [w & MASK for w in state]
        if not any(self.s):
            self.s[0] = 1  # the all-zero state is the generator's one fixed point

    def next_uint32(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 9) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result


def create_rng(*parts):
    words = seed_words(parts)
    return Xoshiro128StarStar([murmur3_words(words, lane) for lane in LANE_SEEDS])


def random_int(rng, n):
    limit = TWO_32 - (TWO_32 % n)
    while True:
        x = rng.next_uint32()
        if x < limit:
            return x % n


def shuffle(rng, items):
    out = list(items)
    n = len(out)
    for i in range(min(n, n - 1)):
        j = i + random_int(rng, n - i)
        out[i], out[j] = out[j], out[i]
    return out


def trial_prompt(seed, trial_index, tokens):
    permutation = shuffle(create_rng(seed, TRIAL_DOMAIN, trial_index), tokens)
    return permutation + [permutation[len(tokens) // 2]]


def take(rng, n):
    return [rng.next_uint32() for _ in range(n)]


def golden():
    """(test file, what, value) for every generated value the tests pin."""
    prng = "test/shared-study/prng.test.ts"
    trials = "test/shared-study/trials.test.ts"
    return [
        # Published MurmurHash3_x86_32 vectors: a check of this transcription, not generated values.
        (prng, "murmur3Words([], 1)", murmur3_words([], 1)),
        (prng, "murmur3Words([0], 0)", murmur3_words([0], 0)),
        (prng, "murmur3Words([0x61616161], 0x9747b28c)", murmur3_words([0x61616161], 0x9747B28C)),
        (prng, "murmur3Words([0x64636261], 0x9747b28c)", murmur3_words([0x64636261], 0x9747B28C)),
        (prng, "take(createRngFromState([1, 2, 3, 4]), 6)", take(Xoshiro128StarStar([1, 2, 3, 4]), 6)),
        (prng, "take(createRngFromState([0x12345678, 0x9abcdef0, 0xdeadbeef, 0x0badf00d]), 6)",
         take(Xoshiro128StarStar([0x12345678, 0x9ABCDEF0, 0xDEADBEEF, 0x0BADF00D]), 6)),
        (prng, "take(createRng(42), 4)", take(create_rng(42), 4)),
        (prng, "take(createRng(42, 0x74726961, 137), 4)", take(create_rng(42, 0x74726961, 137), 4)),
        (prng, "take(createRng(2 ** 40 + 3, 7), 4)", take(create_rng(2**40 + 3, 7), 4)),
        (trials, "trialPrompt(42, 137, [100..111])", trial_prompt(42, 137, list(range(100, 112)))),
        (trials, "trialPrompt(7, 0, [5, 9, 11, 20, 31])", trial_prompt(7, 0, [5, 9, 11, 20, 31])),
    ]


def as_ts(value):
    """How the test files write the value: hex for the published hash vectors, else decimal lists."""
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return "0x%08x" % value


def check(root):
    """Every value must appear verbatim (ignoring white space) in its test file."""
    missing = []
    for path, what, value in golden():
        with open(os.path.join(root, path), encoding="utf-8") as f:
            text = "".join(f.read().split())
        wanted = as_ts(value).replace(" ", "")
        # A list may end with a trailing comma where the test file wraps it over several lines.
        found = wanted in text.lower() or (wanted.endswith("]") and wanted[:-1] + ",]" in text)
        if not found:
            missing.append(f"{path}: {what} = {as_ts(value)}")
    return missing


def main():
    for path, what, value in golden():
        print(f"{path}  {what} = {as_ts(value)}")
    if "--check" in sys.argv[1:]:
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        missing = check(root)
        for line in missing:
            print(f"NOT IN THE TEST FILE: {line}", file=sys.stderr)
        print("check: " + ("every value matches the test files" if not missing else f"{len(missing)} mismatches"))
        sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
