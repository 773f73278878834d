#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Learns the letter substitution costs of cross-script token pairs (norm.c's
XS_TABLE) from the Wikidata transliteration pairs (CC0,
../shared/testdata/names/wikidata-transliteration, from
github.com/steveash/NETransliteration-COLING2018, Wikidata person labels).

Input (stdin): the rows `eval DATA_DIR --dump-wd` prints, each a Latin token
and its Russian, Arabic or Hebrew form, both already through our normaliser
(cu_name_normalise: the target-script token transliterated by our rules), the
target's script tag and a hard negative (see eval.c). Run it with
`bench/match-eval/run.sh --learn`.

Only rows with an EVEN row number are learned from; the odd rows are held out
(eval.c reports F1 on them as wd_*_odd). Two tables: "other" (a target in a
non-Latin alphabet: learned on the Russian rows) and "abjad" (Arabic and
Hebrew rows, tag 3).

Method: each Latin token is aligned with its target by a plain weighted edit
distance (start: unit costs, vowel for vowel 0.5); the substitutions,
deletions and insertions of the alignments are counted; the cost of an
operation x -> y becomes -log P(y | x) / -log P0 (P smoothed, clamped to
[0.05, 1]; x -> x is 0), and the pairs are aligned again with the new costs,
three rounds. Output: the C array on stdout (costs in hundredths), and on
stderr recall and false-positive rate of the distance alone on the held-out
odd rows.
"""
import math
import os
import sys

LETTERS = "abcdefghijklmnopqrstuvwxyz"
EPS = 26  # the empty letter: x -> EPS deletes x, EPS -> y inserts y
P0 = float(os.environ.get("LEARN_P0", "0.002"))  # an operation this rare or rarer costs 1
ROUNDS = 3


def idx(c):
    return LETTERS.index(c)


def clean(s):
    return "".join(c for c in s if c in LETTERS)


def dp(a, b, cost):
    la, lb = len(a), len(b)
    d = [[0.0] * (lb + 1) for _ in range(la + 1)]
    for i in range(1, la + 1):
        d[i][0] = d[i - 1][0] + cost[idx(a[i - 1])][EPS]
    for j in range(1, lb + 1):
        d[0][j] = d[0][j - 1] + cost[EPS][idx(b[j - 1])]
    for i in range(1, la + 1):
        x = idx(a[i - 1])
        for j in range(1, lb + 1):
            y = idx(b[j - 1])
            d[i][j] = min(d[i - 1][j - 1] + cost[x][y], d[i - 1][j] + cost[x][EPS],
                          d[i][j - 1] + cost[EPS][y])
    return d


def alignment(a, b, cost):
    d = dp(a, b, cost)
    i, j, ops = len(a), len(b), []
    while i or j:
        if i and j and abs(d[i][j] - d[i - 1][j - 1] - cost[idx(a[i - 1])][idx(b[j - 1])]) < 1e-9:
            ops.append((idx(a[i - 1]), idx(b[j - 1])))
            i, j = i - 1, j - 1
        elif i and abs(d[i][j] - d[i - 1][j] - cost[idx(a[i - 1])][EPS]) < 1e-9:
            ops.append((idx(a[i - 1]), EPS))
            i -= 1
        else:
            ops.append((EPS, idx(b[j - 1])))
            j -= 1
    return ops


def start_costs():
    vowels = {idx(c) for c in "aeiouy"}
    c = [[1.0] * 27 for _ in range(27)]
    for x in range(27):
        for y in range(27):
            if x == y:
                c[x][y] = 0.0
            elif x in vowels and y in vowels:
                c[x][y] = 0.5
    return c


def learn(pairs):
    cost = start_costs()
    for _ in range(ROUNDS):
        n = [[0] * 27 for _ in range(27)]
        for a, b in pairs:
            for x, y in alignment(a, b, cost):
                n[x][y] += 1
        new = [[1.0] * 27 for _ in range(27)]
        for x in range(27):
            tot = sum(n[x])
            for y in range(27):
                if x == y and x != EPS:
                    new[x][y] = 0.0
                    continue
                p = (n[x][y] + 0.1) / (tot + 2.7)
                new[x][y] = min(1.0, max(0.05, math.log(p) / math.log(P0)))
        cost = new
    return [[round(100 * v) for v in row] for row in cost]


def sim(a, b, cost):
    return 1 - dp(a, b, cost)[len(a)][len(b)] / 100 / max(len(a), len(b))


def main():
    rows = [l.rstrip("\n").split("\t") for l in sys.stdin if l.count("\t") == 5]
    fam = lambda r: 1 if r[4] == "3" else 0
    tables = []
    for f in (0, 1):
        pairs = [(clean(r[2]), clean(r[3])) for r in rows
                 if int(r[1]) % 2 == 0 and fam(r) == f and len(r[2]) < 40]
        pairs = [p for p in pairs if p[0] and p[1]]
        print(f"table {f}: {len(pairs)} even rows", file=sys.stderr)
        tables.append(learn(pairs))
    for lang in ("russian", "arabic", "hebrew"):
        pos, neg = [], []
        for r in rows:
            if r[0] != lang or int(r[1]) % 2 == 0:
                continue
            a, b, c = clean(r[2]), clean(r[3]), clean(r[5])
            if a and b and c:
                pos.append(sim(a, b, tables[fam(r)]))
                neg.append(sim(a, c, tables[fam(r)]))
        for t in (0.7, 0.75, 0.8):
            tp, fp = sum(s >= t for s in pos), sum(s >= t for s in neg)
            print(f"{lang} odd rows, distance alone at {t}: recall {tp / len(pos):.3f}, "
                  f"false positives {fp / len(neg):.4f}", file=sys.stderr)
    print("/* generated by bench/match-eval/learn_costs.py: [other, abjad][latin letter or"
          " none][target letter or none], hundredths */")
    print("static const uint8_t XS_TABLE[2][27][27] = {")
    for t in tables:
        print("\t{")
        for row in t:
            print("\t\t{" + ", ".join(str(v) for v in row) + "},")
        print("\t},")
    print("};")


if __name__ == "__main__":
    main()
