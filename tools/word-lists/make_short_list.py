"""One-off: resources/word-lists/english-short-words.txt from Debian's wamerican (SCOWL) list.

Every plain lower-case word of 2 to 6 letters (no proper nouns, possessives or accents), sorted.
Short words are the ones tokenizers keep whole: on Llama-2/Mistral's 32k vocabulary about a quarter
of them are a single token, against 14% of the 2,000-word list the demo model was trained on, so
token sets of 500+ words can be built for every supported model. Needs `apt-get install wamerican`;
the app reads the committed output only.

    /usr/bin/python3 tools/word-lists/make_short_list.py
"""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = "/usr/share/dict/american-english"
OUT = os.path.join(ROOT, "resources", "word-lists", "english-short-words.txt")

with open(SRC, encoding="utf-8") as f:
    words = sorted({w.strip() for w in f if re.fullmatch(r"[a-z]{2,6}", w.strip())})
with open(OUT, "w", encoding="utf-8") as f:
    f.write("\n".join(words) + "\n")
print(f"{len(words)} words -> {OUT}")
