"""One-off: derive resources/word-lists/english-words.txt from Debian's wamerican list.

Run once: /usr/bin/python3 tools/demo-model/make_word_list.py
Training reads the committed output, never /usr/share/dict, so the model is reproducible
on machines without wamerican.
"""
import os
import random
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = "/usr/share/dict/words"
OUT = os.path.join(ROOT, "resources", "word-lists", "english-words.txt")
N_WORDS = 2000
SEED = 20240501

with open(SRC, encoding="utf-8") as f:
    # plain lowercase alphabetic words only: drops proper nouns, possessives, accents
    pool = sorted({w.strip() for w in f if re.fullmatch(r"[a-z]{3,9}", w.strip())})
words = sorted(random.Random(SEED).sample(pool, N_WORDS))
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w", encoding="utf-8") as f:
    f.write("\n".join(words) + "\n")
print(f"{len(pool)} candidates -> {len(words)} words -> {OUT}")
