#!/bin/bash
# bench/match: cross-matching (issue 5, "Performance") on a generated population.
#   (a) name scoring: cu_jaro_winkler on 20,000 name pairs (half full names,
#       half single tokens, normalised, from the population) vs python
#       jellyfish (Debian python3-jellyfish, /usr/bin/python3) on the same
#       pairs in the same run; results compared.
#                                   target >= 20M/s per core and >= 10 x jellyfish
#   (b) index build of N person entities (default 1,000,000) across 10,000
#       cases, names normalised into match records (cu_mrec_add_name) and
#       added to the blocking index on THREADS threads (default 2).
#                                   target <= 60 s and <= 2 GiB peak RSS
#   (c) matching one new entity against the population (QUERIES, default
#       10,000; most are another spelling of a known person): latency of
#       cu_mindex_query and candidates examined. target median <= 1 ms, p99 <= 5 ms
#   (d) the population against itself: cu_mindex_selfjoin on THREADS threads.
#                                   target <= 60 s
#       The generator knows who each entity is, so hits of the queries and
#       of the self-join are checked against that ground truth: precision
#       (hits that are one person) and recall (pairs of one person in two
#       cases that are hits); each true pair is also scored directly, so
#       the recall of the scorer and that of the blocking are told apart.
#   (e) the recall of the blocking: the fraction of positive pairs sharing at
#       least one blocking key, on nomenklatura's Person cases and the
#       Wikidata transliteration pairs (Russian, Arabic, Hebrew).
#                                   target >= 90% on each set, with
#                                   candidates per query median <= 200, p99 <= 1000
# The population: Latin European, Serbian (Latin and Cyrillic), Russian,
# Ukrainian, Greek and Arabic names, in their script or transliterated three
# ways, with typos, swapped order, missing given names, initials, aliases,
# patronymics, partial dates of birth and some phone numbers; family names
# composed from parts drawn with a Zipf-like skew, so that a few full names
# are common and most are rare; a fifth of the entities are another
# appearance of one of N/20 persons in another case. Deterministic.
#
# Usage: bench/match/run.sh [N]. Env: CU_BUILD (build directory with the
# static libraries, default ./build), N (population, default 1000000; 100000
# for a quick run), QUERIES (default 10000), THREADS (default 2), CU_SHARED
# (default ../shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=$(realpath "${CU_BUILD:-./build}")
N=${1:-${N:-1000000}}
QUERIES=${QUERIES:-10000}
THREADS=${THREADS:-2}
SHARED=$(realpath "${CU_SHARED:-../shared}")
PY=/usr/bin/python3
export LC_ALL=C

for t in cc pkg-config; do
	command -v "$t" >/dev/null || { echo "bench/match: $t is missing"; exit 1; }
done
for l in match util; do
	[ -f "$BUILD/libcu_$l.a" ] || { echo "bench/match: no $BUILD/libcu_$l.a (build first, or set CU_BUILD)"; exit 1; }
done
$PY -c 'import jellyfish' 2>/dev/null || { echo "bench/match: $PY has no jellyfish (apt install python3-jellyfish)"; exit 1; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
date0=$(date -u '+%Y-%m-%d %H:%M UTC')
t_start=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/cu-bench-match.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

echo "building..."
# shellcheck disable=SC2046
cc -O2 -g -std=c17 -D_GNU_SOURCE -Wall -Wextra -Isrc $(pkg-config --cflags jansson) \
	bench/match/bench.c -o "$work/bench" "$BUILD/libcu_match.a" "$BUILD/libcu_util.a" \
	$(pkg-config --libs icu-uc icu-i18n jansson) -lpthread -lm

echo "(a) name scoring..."
(cd "$work" && ./bench jw pairs.tsv cu.txt >a.out && $PY "$OLDPWD/bench/match/jellyfish_rate.py" pairs.tsv cu.txt >>a.out)
echo "(e) blocking recall on labelled pairs..."
"$work/bench" recall "$SHARED" >"$work/e.out"
echo "(b-d) population of $N: build, $QUERIES queries, self-join on $THREADS threads..."
"$work/bench" run "$N" "$QUERIES" "$THREADS" >"$work/r.out"

val() { awk -F= -v k="$2" '$1 == k { print $2 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0) ? a / b : 0 }'; }
ge() { awk -v v="$1" -v t="$2" 'BEGIN { print (v != "" && v >= t) ? "met" : "MISSED" }'; }
le() { awk -v v="$1" -v t="$2" 'BEGIN { print (v != "" && v <= t) ? "met" : "MISSED" }'; }
k() { awk -v v="$1" 'BEGIN { printf "%.0f\n", v }' | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; }
pct() { awk -v v="$1" 'BEGIN { printf "%.1f%%", v * 100 }'; }
frac() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }'; }
A=$work/a.out R=$work/r.out E=$work/e.out
jw=$(val "$A" jw_rate) jf=$(val "$A" jf_rate)
rj=$(ratio "$jw" "$jf")
rss=$(val "$R" build_rss_mib)
q_prec=$(frac "$(val "$R" query_tp)" "$(val "$R" query_hits)")
q_rec=$(frac "$(val "$R" query_tp)" "$(val "$R" query_expected)")
j_prec=$(frac "$(val "$R" selfjoin_tp)" "$(val "$R" selfjoin_hits)")
j_rec=$(frac "$(val "$R" selfjoin_tp)" "$(val "$R" true_pairs)")
recall_row() { # label key
	echo "| $1 | $(val "$E" "${2}_pairs") | $(pct "$(val "$E" "$2")") | ≥ 90%: $(ge "$(val "$E" "$2")" 0.9) |"
}

cat <<REPORT

## bench/match — ${date0}, N = $(k "$N")
Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); shared with others: load average at start ${load0}, at end $(cut -d' ' -f1-3 /proc/loadavg) ($(( $(date +%s) - t_start )) s).
Population $(k "$(val "$R" n)") person entities in 10,000 cases ($(val "$R" build_failed) generated names refused by the normaliser), $(k "$(val "$R" true_pairs)") true pairs (one person in two cases), $THREADS threads.

| measure | value | target |
| --- | ---: | --- |
| cu_jaro_winkler, $(val "$A" jw_pairs) pairs (avg $(val "$A" jw_avg_len) bytes), one core | $(k "$jw")/s wall ($(k "$(val "$A" jw_rate_cpu)")/s of CPU time) | ≥ 20M/s: $(ge "$jw" 20000000) |
| python jellyfish $(val "$A" jf_version), same pairs | $(k "$jf")/s (largest difference $(val "$A" jf_maxdiff)) | |
| ratio | ${rj} × | ≥ 10 ×: $(ge "$rj" 10) |
| index build (normalise + add) | $(val "$R" build_s) s | ≤ 60 s: $(le "$(val "$R" build_s)" 60) |
| peak RSS after build | ${rss} MiB | ≤ 2048 MiB: $(le "$rss" 2048) |
| query latency median / p99 / max ($(k "$(val "$R" queries)") queries) | $(val "$R" query_median_ms) / $(val "$R" query_p99_ms) / $(val "$R" query_max_ms) ms | median ≤ 1 ms: $(le "$(val "$R" query_median_ms)" 1), p99 ≤ 5 ms: $(le "$(val "$R" query_p99_ms)" 5) |
| candidates examined per query median / p99 / max | $(val "$R" cand_median) / $(val "$R" cand_p99) / $(val "$R" cand_max) | median ≤ 200: $(le "$(val "$R" cand_median)" 200), p99 ≤ 1000: $(le "$(val "$R" cand_p99)" 1000) |
| query hits: precision / recall against the ground truth | ${q_prec} / ${q_rec} ($(k "$(val "$R" query_tp)") of $(k "$(val "$R" query_hits)") hits true, $(k "$(val "$R" query_expected)") to find) | |
| normalising the query entity (not in the latency) | $(val "$R" query_normalise_ms) ms | |
| self-join | $(val "$R" selfjoin_s) s ($(val "$R" selfjoin_cpu_s) s CPU, $(val "$R" selfjoin_us_per_pair) µs CPU per pair), $(k "$(val "$R" selfjoin_examined)") pairs scored, $(k "$(val "$R" selfjoin_hits)") hits | ≤ 60 s: $(le "$(val "$R" selfjoin_s)" 60) |
| self-join hits: precision / recall against the ground truth | ${j_prec} / ${j_rec} ($(k "$(val "$R" selfjoin_tp)") true of $(k "$(val "$R" true_pairs)")) | |
| of which the scorer reaches (each true pair scored directly) / the blocking keeps | $(k "$(val "$R" true_pairs_reachable)") / $(frac "$(val "$R" selfjoin_tp)" "$(val "$R" true_pairs_reachable)") | |
| cu_match_score, one person pair | $(val "$R" score_us) µs | |

Blocking recall (positive pairs sharing at least one key):

| set | pairs | recall | target |
| --- | ---: | ---: | --- |
$(recall_row "nomenklatura cases.csv, Person, is_match true" recall_nomenklatura)
$(recall_row "Wikidata transliteration, Russian" recall_wd_russian)
$(recall_row "Wikidata transliteration, Arabic" recall_wd_arabic)
$(recall_row "Wikidata transliteration, Hebrew" recall_wd_hebrew)
REPORT
