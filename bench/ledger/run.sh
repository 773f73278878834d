#!/bin/bash
# bench/ledger: the tamper-evident ledger (docs/ledger.md) against baselines
# measured in the same run:
#   (a) sequencing in memory: N entries (~200-byte event-shaped JSON) through
#       cu_merkle_leaf + cu_merkle_append into an in-memory stored-hash array
#       (bench/ledger/seq.c), vs the same tree by a minimal loop over OpenSSL's
#       EVP SHA-256 and vs Go's golang.org/x/mod/sumdb/tlog StoredHashes
#       (bench/ledger/tlog, Debian golang-golang-x-mod-dev) on the same
#       entries; roots compared.        target >= 0.8 x OpenSSL loop, >= 2 x Go
#   (b) durable appends through the real store (WAL, synchronous=FULL) on the
#       disk (bench/ledger/append.c): cu_core_event in transactions of 1,000,
#       each followed by a signed checkpoint    target >= 100,000 entries/s
#       and one event per transaction  target >= 0.8 x SQLite's single-row
#       FULL commit rate (plain INSERTs into a fresh WAL database, same disk);
#       also SQLite's own 1,000-row-transaction rate, SQLite writing the
#       rows custodia writes per event (its ceiling with this schema), and the
#       ledger append path alone (entries given, no records).
#   (c) proofs at PROOF_N (default 10^7) entries (bench/ledger/proofs.c):
#       median and p99 of cu_merkle_inclusion / cu_merkle_consistency over the
#       in-memory array (every hash cached), then over a data directory whose
#       ledger tables hold the same tree (inserted directly with SQL): warm via
#       the store reader and via cu_ledger_prove_* (the API's call), and cold
#       (a new connection each: tiles read from the OS page cache, from the
#       disk after posix_fadvise dropped the file, and as a new process that
#       also builds its tree edge; proofs.c says how), with the disk's own
#       random read time.          target median <= 5 µs cached, <= 50 µs cold
#   (d) `custodia ledger verify` on the data directory of (b) (APPEND_N
#       entries, one checkpoint per 1,000) and on `custodia demo --extra-cases 20000`, with the
#       time the binary takes to start and open the data directory
#       (`ledger key`); the default mode (records checked against their
#       entries) and, beside it, `ledger verify --log-only` (no records)
#                                              target >= 1,000,000 entries/s
# Prints a markdown section for bench/RESULTS.md.
#
# Usage: bench/ledger/run.sh. Env: CU_BUILD (build directory with custodia
# and the static libraries, default ./build), CU_BENCH_DISK (a directory on
# the disk, default $TMPDIR or /tmp), SEQ_N (default 1000000), PROOF_N
# (default 10000000), APPEND_N (default 1000000), SINGLE_N (default 1000).
# Needs cc, pkg-config and the build's -dev packages; Go 1.19+ and
# golang-golang-x-mod-dev for the Go baseline (skipped, and said so, without
# them). Room: PROOF_N=10^7 needs ~1 GiB of memory and ~2 GiB on the disk.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=$(realpath "${CU_BUILD:-./build}")
BIN=$BUILD/custodia
SEQ_N=${SEQ_N:-1000000}
PROOF_N=${PROOF_N:-10000000}
APPEND_N=${APPEND_N:-1000000}
SINGLE_N=${SINGLE_N:-1000}
BATCH=1000
export LC_ALL=C

for t in cc pkg-config jq sqlite3 openssl; do
	command -v "$t" >/dev/null || { echo "bench/ledger: $t is missing"; exit 1; }
done
[ -x "$BIN" ] || { echo "bench/ledger: no $BIN (build first, or set CU_BUILD)"; exit 1; }
for l in core store vault ledger match extract crypto util; do
	[ -f "$BUILD/libcu_$l.a" ] || { echo "bench/ledger: no $BUILD/libcu_$l.a"; exit 1; }
done

load0=$(cut -d' ' -f1-3 /proc/loadavg)
diskroot=${CU_BENCH_DISK:-${TMPDIR:-/tmp}}
work=$(mktemp -d "$diskroot/cu-bench-ledger.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
[ "$(stat -f -c %T "$work")" = tmpfs ] && echo "bench/ledger: warning: $diskroot is tmpfs, not a disk"

echo "building the helpers..."
mkdir -p "$work/bin"
CFLAGS="-O2 -g -std=c17 -D_GNU_SOURCE -Wall -Wextra -Isrc $(pkg-config --cflags jansson)"
LIBS="-Wl,--start-group"
for l in core store vault ledger match extract crypto util; do LIBS="$LIBS $BUILD/libcu_$l.a"; done
# core links match (ICU) and extract (poppler, Tesseract, libxml2, GMime, CLD2: C++).
LIBS="$LIBS -Wl,--end-group $(pkg-config --libs sqlite3 libpq libsodium libcrypto jansson libmagic \
	libarchive libcurl icu-uc icu-i18n poppler-glib cairo tesseract lept libxml-2.0 gmime-3.0) \
	-lcld2 -lstdc++ -lm -lpthread"
for p in seq proofs append; do
	# shellcheck disable=SC2086
	cc $CFLAGS "bench/ledger/$p.c" -o "$work/bin/$p" $LIBS
done
have_go=0
if command -v go >/dev/null && [ -d /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog ]; then
	GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$work/gocache" GOFLAGS='' \
		go build -o "$work/bin/tlog" bench/ledger/tlog/main.go && have_go=1
fi
[ "$have_go" = 1 ] || echo "bench/ledger: no Go or no golang.org/x/mod in /usr/share/gocode: the Go baseline is skipped"

val() { awk -F= -v k="$2" '$1 == k { print $2 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ge() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "met" : "MISSED" }'; }
le() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "met" : "MISSED" }'; }
us() { awk -v v="$1" 'BEGIN { printf (v < 10000 ? "%.2f" : "%.0f"), v / 1000 }'; }
k() { awk -v v="$1" 'BEGIN { printf "%.0f\n", v }' | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; }

echo "(a) sequencing $SEQ_N entries in memory..."
"$work/bin/seq" "$SEQ_N" 3 "$work/entries.txt" >"$work/a.out"
go_rate="" go_ok=0
if [ "$have_go" = 1 ]; then
	"$work/bin/tlog" "$work/entries.txt" 3 >"$work/g.out"
	go_rate=$(val "$work/g.out" go_rate)
	[ "$(val "$work/g.out" go_root)" = "$(val "$work/a.out" root)" ] && go_ok=1
	[ "$go_ok" = 1 ] || { echo "bench/ledger: Go's root differs from custodia's!"; exit 1; }
fi
rm -f "$work/entries.txt"

echo "(b) durable appends ($APPEND_N in transactions of $BATCH, $SINGLE_N one per transaction)..."
for d in cu raw; do
	CUSTODIA_PASSWORD=bench-ledger-password "$BIN" init --data "$work/$d" >/dev/null
done
"$work/bin/append" "$work/cu" "$work/raw" "$work/sqlite.db" "$APPEND_N" "$BATCH" "$SINGLE_N" >"$work/b.out"
rm -rf "$work/raw" "$work/sqlite.db"*

# verify_rate DIR: "entries/s entries startup_ms logonly_entries/s" of `custodia ledger
# verify` (the default mode, best of 2), the time of `custodia ledger key` on DIR
# (starting the process and opening the data directory, no verification; best
# of 3) and of `ledger verify --log-only` (best of 2).
verify_rate() {
	local best=0 t0 t1 out r vsize=0 st=999999 s
	for _ in 1 2 3; do
		t0=$(date +%s.%N)
		"$BIN" ledger key --data "$1" >/dev/null
		t1=$(date +%s.%N)
		s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
		[ "$s" -lt "$st" ] && st=$s
	done
	local lo=0
	for _ in 1 2; do
		t0=$(date +%s.%N)
		out=$("$BIN" ledger verify --log-only --data "$1" --json)
		t1=$(date +%s.%N)
		[ "$(jq -r .ok <<<"$out")" = true ] || { echo "bench/ledger: verify --log-only failed on $1: $out" >&2; exit 1; }
		r=$(awk -v n="$(jq -r .size <<<"$out")" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
		[ "$r" -gt "$lo" ] && lo=$r
	done
	for _ in 1 2; do
		t0=$(date +%s.%N)
		out=$("$BIN" ledger verify --data "$1" --json)
		t1=$(date +%s.%N)
		[ "$(jq -r .ok <<<"$out")" = true ] && [ "$(jq -r .mode <<<"$out")" = records ] ||
			{ echo "bench/ledger: verify failed on $1: $out" >&2; exit 1; }
		vsize=$(jq -r .size <<<"$out")
		r=$(awk -v n="$vsize" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
		[ "$r" -gt "$best" ] && best=$r
	done
	echo "$best $vsize $st $lo"
}
echo "(d) ledger verify..."
read -r vb_rate vb_size vb_st vb_lo <<<"$(verify_rate "$work/cu")"
vb_cps=$(sqlite3 "$work/cu/custodia.db" "SELECT count(*) FROM checkpoints")
rm -rf "$work/cu"
"$BIN" demo --data "$work/demo" --no-serve --extra-cases 20000 >/dev/null
read -r vd_rate vd_size vd_st vd_lo <<<"$(verify_rate "$work/demo")"
rm -rf "$work/demo"

echo "(c) proofs at $PROOF_N entries (building the tree and its data directory)..."
CUSTODIA_PASSWORD=bench-ledger-password "$BIN" init --data "$work/proofs" >/dev/null
"$work/bin/proofs" "$PROOF_N" 100000 "$work/proofs" 300 >"$work/c.out"
rm -rf "$work/proofs"

A=$work/a.out B=$work/b.out C=$work/c.out
cu_rate=$(val "$A" cu_rate) base_rate=$(val "$A" base_rate)
ra=$(ratio "$cu_rate" "$base_rate")
if [ "$have_go" = 1 ]; then
	rg=$(ratio "$cu_rate" "$go_rate")
	go_row="| Go sumdb/tlog StoredHashes ($(go version | awk '{print $3}')) | $(k "$go_rate") | same root: yes |"
	go_line="${rg} × Go (target ≥ 2: $(ge "$rg" 2))"
else
	go_row="| Go sumdb/tlog StoredHashes | not measured (no Go or golang.org/x/mod) | |"
	go_line="Go not measured"
fi
sq1=$(val "$B" sqlite_single_rate) cu1=$(val "$B" cu_single_rate)
sqb=$(val "$B" sqlite_batch_rate) sqr=$(val "$B" sqlite_rows_rate) cub=$(val "$B" cu_batch_rate) rawb=$(val "$B" raw_batch_rate)
r1=$(ratio "$cu1" "$sq1")
cshare=$(awk -v v="$(val "$B" cu_batch_checkpoint_share)" 'BEGIN { printf "%.0f", v * 100 }')
rshare=$(awk -v v="$(val "$B" raw_batch_checkpoint_share)" 'BEGIN { printf "%.0f", v * 100 }')
row() { # row LABEL PREFIX TARGET_NS
	local m p
	if [ "$(val "$C" "$2_n")" = 0 ]; then
		echo "| $1 | 0 | – | – | $(us "$3") µs: not measured |"
		return
	fi
	m=$(val "$C" "$2_median") p=$(val "$C" "$2_p99")
	echo "| $1 | $(val "$C" "$2_n") | $(us "$m") µs | $(us "$p") µs | $(us "$3") µs: $(le "$m" "$3") |"
}
fsname=$(df -P "$diskroot" | awk 'NR == 2 { print $1 }')
fstype=$(findmnt -n -o FSTYPE -T "$diskroot" 2>/dev/null || stat -f -c %T "$diskroot")

cat <<REPORT

## bench/ledger — $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')$(grep -qw sha_ni /proc/cpuinfo && echo " (SHA-NI)")
$(openssl version | cut -d' ' -f1-2), SQLite $(sqlite3 --version | cut -d' ' -f1); durable runs on ${fsname} (${fstype}); load average before the run: ${load0}, after: $(cut -d' ' -f1-3 /proc/loadavg).

(a) Sequencing in memory, ${SEQ_N} entries of $(val "$A" entry_bytes_avg) bytes on average, best of 3:

| run | entries/s | |
| --- | ---: | --- |
| custodia cu_merkle_leaf + cu_merkle_append | $(k "$cu_rate") | $(val "$A" cu_ns_per_leaf) ns/entry, of which cu_merkle_leaf $(val "$A" cu_leafhash_ns) ns |
| minimal loop over OpenSSL EVP SHA-256 | $(k "$base_rate") | $(val "$A" base_ns_per_leaf) ns/entry, same stored hashes and root |
${go_row}

- ${ra} × the OpenSSL loop (target ≥ 0.8: $(ge "$ra" 0.8)); ${go_line}

(b) Durable appends (WAL, synchronous=FULL):

| run | entries/s |
| --- | ---: |
| SQLite, one INSERT per transaction | $(k "$sq1") |
| custodia, one cu_core_event per transaction | $(k "$cu1") |
| SQLite, ${BATCH} INSERTs per transaction | $(k "$sqb") |
| SQLite, the rows custodia writes per event (event, entry + UNIQUE index, a 16 KiB tile row per 256 events), ${BATCH} events per transaction, no hashing or JSON | $(k "$sqr") |
| custodia, ${BATCH} cu_core_event per transaction + signed checkpoint | $(k "$cub") (checkpoints ${cshare}% of the time) |
| ledger append path alone (entry given, no record), ${BATCH} per transaction + checkpoint | $(k "$rawb") (checkpoints ${rshare}%) |

- batches: $(k "$cub") entries/s (target ≥ 100,000: $(ge "$cub" 100000))
- one per transaction: ${r1} × SQLite (target ≥ 0.8: $(ge "$r1" 0.8))

(c) Proofs in a tree of $(k "$(val "$C" n)") entries (index / first size uniform, tree size = all):

| proof | samples | median | p99 | target |
| --- | ---: | ---: | ---: | --- |
$(row "inclusion, every hash in memory" mem_incl 5000)
$(row "consistency, every hash in memory" mem_cons 5000)
$(row "inclusion, store reader, tiles cached (the newest 16,384 entries)" store_cached_incl 5000)
$(row "consistency, store reader, tiles cached (from the newest 16,384)" store_cached_cons 5000)
$(row "inclusion, cu_ledger_prove_inclusion, tiles cached" api_cached_incl 5000)
$(row "consistency, cu_ledger_prove_consistency, tiles cached" api_cached_cons 5000)
$(row "inclusion, store reader, whole tree: level-0 tile not cached (from SQLite, page cache)" store_incl 50000)
$(row "consistency, store reader, whole tree: level-0 tile not cached" store_cons 50000)
$(row "inclusion, cu_ledger_prove_inclusion, whole tree: level-0 tile not cached" api_incl 50000)
$(row "consistency, cu_ledger_prove_consistency, whole tree: level-0 tile not cached" api_cons 50000)
$(row "inclusion, store reader, cold: tiles from the page cache" cold_page_store_incl 50000)
$(row "consistency, store reader, cold: tiles from the page cache" cold_page_store_cons 50000)
$(row "inclusion, cu_ledger_prove_inclusion, cold: tiles from the page cache" cold_page_api_incl 50000)
$(row "consistency, cu_ledger_prove_consistency, cold: tiles from the page cache" cold_page_api_cons 50000)
$(row "inclusion, store reader, cold: tiles from the disk" cold_disk_store_incl 50000)
$(row "consistency, store reader, cold: tiles from the disk" cold_disk_store_cons 50000)
$(row "inclusion, cu_ledger_prove_inclusion, cold: tiles from the disk" cold_disk_api_incl 50000)
$(row "consistency, cu_ledger_prove_consistency, cold: tiles from the disk" cold_disk_api_cons 50000)
$(row "inclusion, store reader, new process: edge built, from the disk" cold_new_store_incl 50000)
$(row "inclusion, cu_ledger_prove_inclusion, new process: edge built, from the disk" cold_new_api_incl 50000)

The store's ledger tables were filled with SQL (not by appends) for (c). Every cold sample is a new
connection (opening not timed) whose own tile cache is empty. "Tiles from the page cache": the
connection's tree edge built first, as in a running server, the database file in the OS page cache.
"Tiles from the disk": the same with the file dropped from the page cache (resident after the drop:
$(val "$C" resident_after_drop)); one random 4 KiB O_DIRECT read of this disk takes
$(us "$(val "$C" disk_read_median)") µs (median), and a virtual disk may still be served from the
host's cache. "New process": the edge is built inside the timed proof too, from the disk.

(d) \`custodia ledger verify\` (the default mode: every record checked against its entry), best of 2:

| data | entries | entries/s | target ≥ 1,000,000 | start + open (ledger key) | --log-only (no records), entries/s |
| --- | ---: | ---: | --- | ---: | ---: |
| the data directory of (b) (${vb_cps} checkpoints) | $(k "$vb_size") | $(k "$vb_rate") | $(ge "$vb_rate" 1000000) | ${vb_st} ms | $(k "$vb_lo") |
| custodia demo --extra-cases 20000 | $(k "$vd_size") | $(k "$vd_rate") | $(ge "$vd_rate" 1000000) | ${vd_st} ms | $(k "$vd_lo") |

Wall-clock rates of the whole command, as the target is stated; "start + open" is what the same
binary spends before any verification (loading its libraries, opening the store).
REPORT
