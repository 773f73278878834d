#!/bin/bash
# bench/search: search and text extraction (docs/search.md, issue 10
# "Performance") against baselines measured in the same run:
#   (1) indexing N short documents (title + 20-60 words; English, French,
#       German, ~15% Russian/Serbian/Ukrainian Cyrillic, ~5% Arabic, names;
#       bench/search/corpus.h, deterministic in SEED) through
#       cu_store_search_put, spread over the cases of a data directory made
#       by cu_core_init + cu_demo_load(1000), in transactions of 10,000, vs
#       the same documents in a bare FTS5 table (unicode61) in a separate
#       database with the store's pragmas (WAL, synchronous FULL), same
#       transactions                         target >= 0.7 x bare docs/s
#   (2) NQ (1,000) terms of the vocabulary as cu_search for "se", "admin" and
#       the prosecutor of the other organisation that sees the most cases, vs
#       SELECT rowid, snippet(...) FROM bare WHERE bare MATCH ? ORDER BY rank
#       LIMIT 20              target median <= 1.5 x bare and <= 20 ms
#   (3) PDF text extraction: a PAGES-page PDF (cairo + pango, ~300 words a
#       page; its generation timed apart) through cu_extract on one thread
#                                              target >= 50 pages/s per core
#   (4) OCR: one page of 15 lines per language (DejaVu Sans, 300 dpi) through
#       cu_extract on 2 threads at once, limits.ocr_langs = the page's
#       language, then the default string of all eight: seconds per page
# Prints a markdown section for bench/RESULTS.md.
#
# Usage: bench/search/run.sh. Env: N (documents, default 1000000), PAGES
# (default 10000), NQ (default 1000), SEED (default 1), CU_BUILD (the build
# directory with the static libraries, default ./build), CU_BENCH_DISK (a
# directory on the disk, default $TMPDIR or /tmp), CT_DIAG=1 (also index into
# a bare FTS5 table with custodia's tokenizer: the tokenizer's share, without
# search_docs), KEEP=1 (keep the work directory). Room: ~2 GB on the disk at
# N = 10^6.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=$(realpath "${CU_BUILD:-./build}")
N=${N:-1000000}
PAGES=${PAGES:-10000}
NQ=${NQ:-1000}
SEED=${SEED:-1}
BATCH=10000
export LC_ALL=C.UTF-8

for t in cc pkg-config; do
	command -v "$t" >/dev/null || { echo "bench/search: $t is missing"; exit 1; }
done
LIBS="-Wl,--start-group"
for l in core store vault ledger match extract crypto util; do
	[ -f "$BUILD/libcu_$l.a" ] || { echo "bench/search: no $BUILD/libcu_$l.a (build first, or set CU_BUILD)"; exit 1; }
	LIBS="$LIBS $BUILD/libcu_$l.a"
done
LIBS="$LIBS -Wl,--end-group $(pkg-config --libs sqlite3 libpq libsodium libcrypto jansson icu-uc icu-i18n \
	poppler-glib cairo pangocairo tesseract lept libxml-2.0 gmime-3.0 libarchive libmagic libcurl) \
	-lcld2 -lcsv -lstdc++ -lm -lpthread"
CFLAGS="-O2 -g -std=c17 -D_GNU_SOURCE -Wall -Wextra -Isrc $(pkg-config --cflags jansson pangocairo)"

load0=$(cut -d' ' -f1-3 /proc/loadavg)
diskroot=${CU_BENCH_DISK:-${TMPDIR:-/tmp}}
work=$(mktemp -d "$diskroot/cu-bench-search.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
[ "$(stat -f -c %T "$work")" = tmpfs ] && echo "bench/search: warning: $diskroot is tmpfs, not a disk"

echo "building the helpers..."
mkdir -p "$work/bin" "$work/ocr"
for p in search render extract; do
	# shellcheck disable=SC2086
	cc $CFLAGS "bench/search/$p.c" -o "$work/bin/$p" $LIBS
done

val() { awk -F= -v k="$2" '$1 == k { sub(/^[^=]*=/, ""); print }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ge() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "met" : "MISSED" }'; }
le() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "met" : "MISSED" }'; }
ms() { awk -v v="$1" 'BEGIN { printf (v < 10000000 ? "%.2f" : "%.0f"), v / 1e6 }'; }
k() { awk -v v="$1" 'BEGIN { printf "%.0f\n", v }' | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; }

echo "(1, 2) indexing $N documents and $NQ term queries..."
"$work/bin/search" "$work/data" "$work/bare.db" "$N" "$BATCH" "$NQ" "$SEED" >"$work/s.out"
rm -rf "$work/data" "$work/bare.db"*

echo "(3) generating a $PAGES-page PDF..."
"$work/bin/render" pdf "$work/pages.pdf" "$PAGES" "$SEED" >"$work/g.out"
echo "(3) extracting its text..."
"$work/bin/extract" pdf "$work/pages.pdf" >"$work/p.out"
rm -f "$work/pages.pdf"

echo "(4) OCR..."
"$work/bin/render" png "$work/ocr" "$SEED" >>"$work/g.out"
"$work/bin/extract" ocr "$work/ocr" >"$work/o.out"
# Tesseract parallelises with OpenMP: two OCRs at once on two cores each
# start their own team. Diagnostic: one thread per OCR.
OMP_THREAD_LIMIT=1 "$work/bin/extract" ocr "$work/ocr" own >"$work/o1.out"

S=$work/s.out G=$work/g.out P=$work/p.out O=$work/o.out O1=$work/o1.out
cur=$(val "$S" cu_index_rate) bar=$(val "$S" bare_index_rate)
ri=$(ratio "$cur" "$bar")
bm=$(val "$S" bare_median)
qrow() { # qrow LABEL KEY
	local m p r
	m=$(val "$S" "$2_median") p=$(val "$S" "$2_p99")
	r=$(ratio "$m" "$bm")
	echo "| $1 | $(ms "$m") | $(ms "$p") | $r | $(val "$S" "$2_capped") |"
}
crow() { # crow CLASS: medians by kind of term
	echo "| $1 ($(val "$S" "q_$1_n") terms, $(k "$(val "$S" "q_$1_matches_avg")") matches on average) | $(ms "$(val "$S" "bare_$1_median")") | $(ms "$(val "$S" "cu_se_$1_median")") | $(ms "$(val "$S" "cu_admin_$1_median")") | $(ms "$(val "$S" "cu_many_$1_median")") | $(ms "$(val "$S" "raw_cu_index_$1_median")") | $(ms "$(val "$S" "count_cu_index_$1_median")") |"
}
tokrow() {
	local l
	for l in en fr de ru sr uk ar; do
		echo "| $l | $(k "$(val "$S" "docs_$l")") | $(val "$S" "tok_uni_us_$l") | $(val "$S" "tok_cu_us_$l") |"
	done
}
ocrrow() {
	local l
	for l in eng fra deu rus ukr srp srp_latn ara; do
		echo "| $l | $(val "$O" "ocr_own_${l}_s") | $(val "$O" "ocr_own_${l}_first_s") | $(val "$O" "ocr_own_${l}_recall") | $(val "$O1" "ocr_own_${l}_s") | $(val "$O" "ocr_all_${l}_s") | $(val "$O" "ocr_all_${l}_first_s") | $(val "$O" "ocr_all_${l}_recall") |"
	done
}
ocravg() { awk -F= -v s="$1" '$1 ~ "^ocr_" s "_" && $1 ~ /_s$/ && $1 !~ /(cpu|first|total)_s$/ { t += $2; n++ } END { printf "%.2f", t / n }' "$O"; }
se_m=$(val "$S" cu_se_median) many_m=$(val "$S" cu_many_median) adm_m=$(val "$S" cu_admin_median)
worst=$(printf '%s\n' "$se_m" "$many_m" "$adm_m" | sort -n | tail -1)
rq=$(ratio "$worst" "$bm")
pr=$(val "$P" pdf_rate)
ctline=""
[ -n "$(val "$S" ct_index_rate)" ] && ctline="
| bare FTS5 with custodia's tokenizer (no search_docs; diagnostic) | $(k "$(val "$S" ct_index_rate)") | $(val "$S" ct_index_s) s | $(k "$(val "$S" ct_db_bytes)") bytes |"

cat <<REPORT

## bench/search — $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
SQLite $(pkg-config --modversion sqlite3), $(val "$O" extract_versions); load average before the run: ${load0}, after: $(cut -d' ' -f1-3 /proc/loadavg).

| figure | measured | target | |
| --- | ---: | --- | --- |
| (1) indexing, custodia / bare FTS5 docs/s | ${ri} ($(k "$cur") / $(k "$bar")) | ≥ 0.7 | $(ge "$ri" 0.7) |
| (2) term query median, slowest user / bare | ${rq} ($(ms "$worst") / $(ms "$bm") ms) | ≤ 1.5 | $(le "$rq" 1.5) |
| (2) term query median, slowest user | $(ms "$worst") ms | ≤ 20 ms | $(le "$worst" 20000000) |
| (3) PDF text extraction, one thread | $(val "$P" pdf_rate) pages/s ($(val "$P" pdf_cpu_rate) per CPU second) | ≥ 50 pages/s per core | $(ge "$pr" 50) |
| (4) OCR, 2 threads, s/page: the page's language / all 8 (mean of the languages) | $(ocravg own) / $(ocravg all) s | reported | |

(1) Indexing $(k "$N") documents ($(val "$S" words_avg) words, $(val "$S" bytes_avg) bytes on average; en $(k "$(val "$S" docs_en)"), fr $(k "$(val "$S" docs_fr)"), de $(k "$(val "$S" docs_de)"), ru $(k "$(val "$S" docs_ru)"), sr $(k "$(val "$S" docs_sr)"), uk $(k "$(val "$S" docs_uk)"), ar $(k "$(val "$S" docs_ar)")) in transactions of $(k "$BATCH"), over $(val "$S" cases) cases ($(val "$S" setup_s) s to init and load the demo), turns taken batch by batch:

| run | docs/s | time | database |
| --- | ---: | ---: | ---: |
| custodia cu_store_search_put | $(k "$cur") | $(val "$S" cu_index_s) s | $(k "$(val "$S" cu_db_bytes)") bytes |
| bare FTS5 (unicode61) | $(k "$bar") | $(val "$S" bare_index_s) s | $(k "$(val "$S" bare_db_bytes)") bytes |${ctline}

Tokenizers alone (xTokenize with a counting callback, $(k "$(val "$S" tok_sample)") documents, one batch in ten): unicode61 $(val "$S" tok_uni_us) µs and $(val "$S" tokens_uni_per_doc) tokens per document, custodia $(val "$S" tok_cu_us) µs and $(val "$S" tokens_cu_per_doc) tokens (skeletons included):

| language | documents | unicode61 µs/doc | custodia µs/doc |
| --- | ---: | ---: | ---: |
$(tokrow)

(2) $(val "$S" nq) terms ("phrase" of one word; $(val "$S" q_zero_hits) without a match), each once per run in turns after 50 warm-up queries; queries past 1 s are cut and count as 1 s ("cut"). Users: $(val "$S" user0) (sees $(val "$S" user0_cases) cases, $(k "$(val "$S" user0_docs_visible)") of the documents' cases), $(val "$S" user1) ($(val "$S" user1_cases) cases), $(val "$S" user2) ($(val "$S" user2_cases) cases, $(k "$(val "$S" user2_docs_visible)") documents).

| run | median ms | p99 ms | median / bare | cut |
| --- | ---: | ---: | ---: | ---: |
$(qrow "bare FTS5: rowid + snippet, ORDER BY rank LIMIT 20" bare)
$(qrow "cu_search as $(val "$S" user0)" cu_se)
$(qrow "cu_search as $(val "$S" user1) (operator, no case)" cu_admin)
$(qrow "cu_search as $(val "$S" user2)" cu_many)
$(qrow "diagnostic: the bare query on custodia's search_fts" raw_cu_index)
$(qrow "diagnostic: count(*) of the matches in search_fts" count_cu_index)

Medians (ms) by kind of term:

| terms | bare | $(val "$S" user0) | $(val "$S" user1) | $(val "$S" user2) | bare query on search_fts | count in search_fts |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
$(crow head)
$(crow mid)
$(crow tail)
$(crow name)

(3) PDF: $(k "$PAGES") A4 pages of ~$(val "$G" pdf_words_per_page) words ($(k "$(val "$P" pdf_bytes)") bytes), generated in $(val "$G" pdf_gen_s) s (cairo + pango, not part of the figure); cu_extract: $(val "$P" pdf_pages) pages, $(k "$(val "$P" pdf_text_bytes)") bytes of text in $(val "$P" pdf_wall_s) s ($(val "$P" pdf_cpu_s) s of CPU) = $(val "$P" pdf_rate) pages/s on one thread.

(4) OCR of one A4 page of 15 lines (DejaVu Sans 12 at 300 dpi) per language, cu_extract on 2 threads at once (each thread every page, timed after a warm-up pass; seconds per page averaged over the threads). "first" is the warm-up call, which includes setting up the Tesseract engine for that language string on the thread; "words" is the share of the drawn words found in the text. Wall time for all the timed pages: $(val "$O" ocr_own_total_s) s (own language), $(val "$O" ocr_all_total_s) s (all languages), warm-ups included; with OMP_THREAD_LIMIT=1 (Tesseract's OpenMP team limited to one thread per OCR): $(val "$O1" ocr_own_total_s) s.

| language | s/page, ocr_langs = the page's | first | words | same, OMP_THREAD_LIMIT=1 (diagnostic) | s/page, default (all 8) | first | words |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
$(ocrrow)
REPORT
