# SPDX-License-Identifier: Apache-2.0
# bench/match: python jellyfish's Jaro-Winkler on the same pairs as bench jw,
# timed the same way (best of 5), and the largest difference from custodia's
# results. Usage: /usr/bin/python3 jellyfish_rate.py PAIRS.tsv CU_RESULTS.txt
import sys
import time
import warnings

warnings.simplefilter("ignore")
import jellyfish

pairs = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
cu = [float(l) for l in open(sys.argv[2])]
jw = getattr(jellyfish, "jaro_winkler_similarity", None) or jellyfish.jaro_winkler
diff = max(abs(jw(a, b) - c) for (a, b), c in zip(pairs, cu))
best = 0.0
for _ in range(5):
    t0 = time.perf_counter()
    for a, b in pairs:
        jw(a, b)
    best = max(best, len(pairs) / (time.perf_counter() - t0))
print("jf_rate=%.0f" % best)
print("jf_maxdiff=%.3g" % diff)
print("jf_version=%s" % getattr(jellyfish, "__version__", "0.8.9 (Debian)"))
