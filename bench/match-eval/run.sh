#!/bin/bash
# bench/match-eval: precision, recall and F1 of cu_match_score on labelled name
# pairs from ../shared/testdata/names (docs/match.md), at the configured
# threshold (CU_MATCH_THRESHOLD_DEFAULT, or THRESHOLD=x), with the plain
# baseline (ICU Any-Latin, best-assignment Jaro-Winkler) computed in the same
# run. Prints a markdown section for bench/RESULTS.md.
#
# Usage: bench/match-eval/run.sh [--learn] (--learn: print norm.c's learned
# cross-script letter costs, bench/match-eval/learn_costs.py). Env: CU_BUILD (build directory with the
# static libraries, default ./build), CU_SHARED (default ../shared),
# THRESHOLD, EVAL_VERBOSE=1 (each error on stderr).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=$(realpath "${CU_BUILD:-./build}")
SHARED=$(realpath "${CU_SHARED:-../shared}")
export LC_ALL=C
for l in match util; do
	[ -f "$BUILD/libcu_$l.a" ] || { echo "bench/match-eval: no $BUILD/libcu_$l.a (build first, or set CU_BUILD)"; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/cu-match-eval.XXXXXX")
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2046
cc -O2 -g -std=c17 -D_GNU_SOURCE -Wall -Wextra -Isrc $(pkg-config --cflags icu-uc icu-i18n jansson) \
	bench/match-eval/eval.c -o "$work/eval" "$BUILD/libcu_match.a" "$BUILD/libcu_util.a" \
	$(pkg-config --libs icu-uc icu-i18n jansson) -lm -lpthread
if [ "${1:-}" = --learn ]; then
	# norm.c's XS_TABLE from the even Wikidata rows (learn_costs.py): C on
	# stdout, held-out figures of the distance alone on stderr
	"$work/eval" "$SHARED/testdata/names" --dump-wd | python3 bench/match-eval/learn_costs.py
	exit 0
fi
"$work/eval" "$SHARED/testdata/names" ${THRESHOLD:-} >"$work/out"
v() { awk -F= -v k="$1" '$1 == k { print $2 }' "$work/out"; }
row() { echo "| $1 | $(v "$2_n") | $(v "$2_precision") | $(v "$2_recall") | $(v "$2_f1") | $(v "$2_cm") | $3 |"; }
ge() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "met" : "MISSED" }'; }
cat <<REPORT

## bench/match-eval — $(date -u +%Y-%m-%d), $(nproc) cores, $(lscpu | grep 'Model name' | cut -d: -f2 | sed 's/^ *//')
Threshold $(v threshold) (CU_MATCH_THRESHOLD_DEFAULT). nomenklatura Person cases split by a hash of name1:
the best threshold on split A is $(v nk_threshold_a) (F1 $(v nk_best_f1_a) there).

| set | pairs | precision | recall | F1 | TP/FP/FN/TN | target |
| --- | ---: | ---: | ---: | ---: | --- | --- |
$(row "nomenklatura Person, all" nk_all "≥ 0.90: $(ge "$(v nk_all_f1)" 0.90)")
$(row "nomenklatura Person, split A (tuning)" nk_a "")
$(row "nomenklatura Person, split B (held out)" nk_b "")
$(row "nomenklatura Person, split B at split A's best threshold $(v nk_threshold_a)" nk_b_at_a "")
$(row "baseline: ICU Any-Latin + best-assignment JW, all, at its best threshold $(v nk_base_threshold)" nk_base "(issue: 0.62)")
$(row "Wikidata Russian (positives + hard negatives)" wd_russian "≥ 0.95: $(ge "$(v wd_russian_f1)" 0.95)")
$(row "Wikidata Arabic" wd_arabic "≥ 0.95: $(ge "$(v wd_arabic_f1)" 0.95)")
$(row "Wikidata Hebrew" wd_hebrew "≥ 0.95: $(ge "$(v wd_hebrew_f1)" 0.95)")
$(row "Wikidata Russian, odd rows (held out from learn_costs.py)" wd_russian_odd "")
$(row "Wikidata Arabic, odd rows (held out)" wd_arabic_odd "")
$(row "Wikidata Hebrew, odd rows (held out)" wd_hebrew_odd "")

nomenklatura Person cases by category (cases.csv's category column) at threshold $(v threshold):

| category | TP | FP | FN | TN |
| --- | ---: | ---: | ---: | ---: |
$(awk -F= '$1 == "nk_cat" { print $2 }' "$work/out" | sort -t'|' -k4,4nr -k1,1 | awk -F'|' '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }')

- yente synthetic negatives screened against $(v yente_list) US congress names, names only:
  global $(v yente_fp_queries_global)/$(v yente_queries_global) queries with a false positive ($(v yente_fp_pairs_global) pairs),
  US $(v yente_fp_queries_us)/$(v yente_queries_us) ($(v yente_fp_pairs_us) pairs); with dates of birth:
  global $(v yente_fp_queries_global_dob) ($(v yente_fp_pairs_global_dob) pairs), US $(v yente_fp_queries_us_dob) ($(v yente_fp_pairs_us_dob) pairs).
- putin_names.txt: $(v putin_names) names ($(v putin_refused) refused), $(v putin_pair_fraction) of all pairs match,
  $(v putin_linked) names match at least one other.
- cu_match_score per comparison, prepared records, one core, median of 7 rounds:
  $(v time_list_ns) ns for US congress names against each other ($(v time_list_comps) comparisons a round),
  $(v time_nk_ns) ns for the nomenklatura Person pairs (similar names, $(v time_nk_comps) a round);
  $(v score_ns) ns in the yente screening loop above (with and without dates).
REPORT
