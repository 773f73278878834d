#!/bin/bash
# bench/scale: custodia on PostgreSQL 15, with its baselines measured in the
# same run on the same machine:
#   (a) durable ledger appends (bench/ledger/append.c on a data directory whose
#       records are in PostgreSQL: cu_core_event in transactions of BATCH, then
#       a signed checkpoint; and one event per transaction), beside pgbench's
#       own rates on the same server: one single-row INSERT per transaction
#       with 1 and 8 clients, and BATCH single-row INSERTs per transaction
#       (one statement per round trip, as the store sends them) and as one
#       multi-row statement; and beside the SQLite figures of the same binary.
#                         target: cu batched >= 0.8 x pgbench's one BATCH-row INSERT per
#                         transaction (its multi-row rate; the round-trip-per-row rate is
#                         printed beside it, not judged)
#   (b) API reads (GET /api/v1/cases?limit=50, bearer token) with 1, 2 and 3
#       `custodia serve` nodes (one server thread each) over the one
#       PostgreSQL, each node loaded by its own wrk, and one SQLite node:
#       requests/s summed over nodes.
#                         target: reads scale with nodes until the 2 cores are saturated
# The PostgreSQL cluster is a throwaway one (tests/pg/cluster.sh) with its
# durability settings left at their defaults (fsync on, synchronous_commit on).
# Usage: bench/scale/run.sh [seconds per wrk run, default 8]. Needs pgbench
# (postgresql-contrib, with postgresql-15), wrk, jq, curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD=${CU_BUILD:-./build}
BIN=$BUILD/custodia
SECS=${1:-8}
APPEND_N=${APPEND_N:-20000}
BATCH=${BATCH:-1000}
SINGLE_N=${SINGLE_N:-2000}
PGBIN=/usr/lib/postgresql/15/bin
for t in cc pkg-config jq curl wrk "$PGBIN/pgbench"; do
	command -v "$t" >/dev/null || { echo "bench/scale: $t is missing (make bench installs it)"; exit 1; }
done
diskroot=${CU_BENCH_DISK:-${TMPDIR:-/tmp}}
work=$(mktemp -d "$diskroot/cu-bench-scale.XXXXXX")
chmod 755 "$work"
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	"$ROOT/tests/pg/cluster.sh" stop "$work/pg" || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
load0=$(cut -d' ' -f1-3 /proc/loadavg)

echo "starting PostgreSQL 15 (durable settings)..."
PG=$(CU_PG_DURABLE=1 "$ROOT/tests/pg/cluster.sh" start "$work/pg")
port=${PG##*:}
port=${port%%/*}
psqlc() { "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres "$@"; }
psqlc -c "CREATE DATABASE pgbench" postgres

echo "building the append helper..."
mkdir -p "$work/bin"
CFLAGS="-O2 -g -std=c17 -D_GNU_SOURCE -Wall -Wextra -Isrc $(pkg-config --cflags jansson)"
LIBS="-Wl,--start-group"
for l in core store vault ledger match extract crypto util; do LIBS="$LIBS $BUILD/libcu_$l.a"; done
LIBS="$LIBS -Wl,--end-group $(pkg-config --libs sqlite3 libpq libsodium libcrypto jansson libmagic \
	libarchive libcurl icu-uc icu-i18n poppler-glib cairo tesseract lept libxml-2.0 gmime-3.0) \
	-lcld2 -lstdc++ -lm -lpthread"
# shellcheck disable=SC2086
cc $CFLAGS bench/ledger/append.c -o "$work/bin/append" $LIBS

val() { awk -F= -v k="$2" '$1 == k { print $2 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ge() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "met" : "MISSED" }'; }
k() { awk -v v="$1" 'BEGIN { printf "%.0f\n", v }' | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; }

# ---- (a) pgbench baselines ---------------------------------------------------------
echo "(a) pgbench baselines..."
psqlc -c "CREATE TABLE t (id bigserial PRIMARY KEY, v text NOT NULL)" pgbench
entry='{"action":"case.update","actor":"admin","actor_org":"HUB","after":{"n":1,"status":"open","title":"Benchmark case"},"at":"2026-11-27T00:00:00Z","object_id":"42","object_type":"case","seq":1,"v":1}'
printf "INSERT INTO t(v) VALUES ('%s');\n" "$entry" >"$work/single.sql"
{
	echo "BEGIN;"
	for _ in $(seq "$BATCH"); do printf "INSERT INTO t(v) VALUES ('%s');\n" "$entry"; done
	echo "COMMIT;"
} >"$work/batch.sql"
printf "INSERT INTO t(v) SELECT '%s' FROM generate_series(1, %d);\n" "$entry" "$BATCH" \
	>"$work/multirow.sql"
pgb() { # pgb SCRIPT CLIENTS: transactions/s
	"$PGBIN/pgbench" -n -h 127.0.0.1 -p "$port" -U postgres -M prepared -f "$1" -c "$2" -j "$2" \
		-T "$SECS" pgbench 2>/dev/null | awk '/^tps = / { print $3 }'
}
pg_single1=$(pgb "$work/single.sql" 1)
pg_single8=$(pgb "$work/single.sql" 8)
pg_batch=$(awk -v t="$(pgb "$work/batch.sql" 1)" -v b="$BATCH" 'BEGIN { printf "%.0f", t * b }')
pg_multirow=$(awk -v t="$(pgb "$work/multirow.sql" 1)" -v b="$BATCH" 'BEGIN { printf "%.0f", t * b }')

# ---- (a) custodia's durable appends on PostgreSQL and on SQLite --------------------
echo "(a) custodia durable appends: $APPEND_N in transactions of $BATCH, $SINGLE_N one per transaction..."
for e in pg sq; do
	for d in cu raw; do
		if [ $e = pg ]; then
			CUSTODIA_DB=$PG CUSTODIA_PASSWORD=bench-scale-password "$BIN" init --data "$work/$e-$d" >/dev/null
		else
			CUSTODIA_PASSWORD=bench-scale-password "$BIN" init --data "$work/$e-$d" >/dev/null
		fi
	done
	"$work/bin/append" "$work/$e-cu" "$work/$e-raw" "$work/$e-sqlite.db" "$APPEND_N" "$BATCH" \
		"$SINGLE_N" >"$work/$e.out"
	rm -rf "$work/$e-raw" "$work/$e-sqlite.db"*
done
cu_pg_batch=$(val "$work/pg.out" cu_batch_rate)
cu_pg_single=$(val "$work/pg.out" cu_single_rate)
raw_pg_batch=$(val "$work/pg.out" raw_batch_rate)
cu_sq_batch=$(val "$work/sq.out" cu_batch_rate)
cu_sq_single=$(val "$work/sq.out" cu_single_rate)
sq_single=$(val "$work/sq.out" sqlite_single_rate)
ra=$(ratio "$cu_pg_batch" "$pg_multirow")
rb=$(ratio "$cu_pg_batch" "$pg_batch")

# ---- (b) API reads with 1, 2, 3 nodes ------------------------------------------------
echo "(b) API reads: demo + 5000 cases on PostgreSQL, 1 to 3 nodes..."
CUSTODIA_DB=$PG "$BIN" demo --data "$work/n1" --no-serve --extra-cases 5000 >/dev/null
cp -a "$work/n1" "$work/n2"
cp -a "$work/n1" "$work/n3"
"$BIN" demo --data "$work/sqn" --no-serve --extra-cases 5000 >/dev/null
serve() { # serve DIR: starts a node with one server thread; its URL in $URL
	rm -f "$1.url"
	"$BIN" serve --data "$1" --listen 127.0.0.1:0 --ready-file "$1.url" --threads 1 \
		--workers 0 >/dev/null 2>"$1.log" &
	PIDS="$PIDS $!" # (not in a subshell: the trap kills them)
	for _ in $(seq 200); do [ -s "$1.url" ] && break; sleep 0.05; done
	URL=$(cat "$1.url")
}
serve "$work/n1"; U1=$URL
serve "$work/n2"; U2=$URL
serve "$work/n3"; U3=$URL
serve "$work/sqn"; US=$URL
TOK=$(curl -sf -XPOST "$U1/api/v1/session" -H 'content-type: application/json' \
	-d '{"username":"se","password":"demo"}' | jq -r .token)
STOK=$(curl -sf -XPOST "$US/api/v1/session" -H 'content-type: application/json' \
	-d '{"username":"se","password":"demo"}' | jq -r .token)
reads() { # reads TOKEN URL...: the summed requests/s of one wrk per node, run together
	local tok=$1 u i=0
	shift
	for u in "$@"; do
		wrk -t 1 -c 16 -d "${SECS}s" -H "Authorization: Bearer $tok" "$u/api/v1/cases?limit=50" \
			>"$work/wrk.$i" 2>&1 &
		i=$((i + 1))
	done
	wait $(jobs -p | tail -n "$#")
	cat "$work"/wrk.* | awk '/^Requests\/sec/ { s += $2 } /Non-2xx/ { bad = 1 }
		END { if (bad) print "non-2xx"; else printf "%.0f\n", s }'
	rm -f "$work"/wrk.*
}
for u in "$U1" "$U2" "$U3"; do
	wrk -t 1 -c 16 -d 1s -H "Authorization: Bearer $TOK" "$u/api/v1/cases?limit=50" >/dev/null
done
r_sq=$(reads "$STOK" "$US")
r1=$(reads "$TOK" "$U1")
r2=$(reads "$TOK" "$U1" "$U2")
r3=$(reads "$TOK" "$U1" "$U2" "$U3")

cat <<REPORT

## bench/scale — $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
PostgreSQL 15 on loopback (fsync on, synchronous_commit on), the same disk as SQLite; load before: ${load0}.

(a) Durable appends

| what | rows or entries/s |
| --- | ---: |
| pgbench: 1 single-row INSERT per transaction, 1 client | $(k "$pg_single1") |
| pgbench: 1 single-row INSERT per transaction, 8 clients | $(k "$pg_single8") |
| pgbench: ${BATCH} single-row INSERTs per transaction (a round trip each), 1 client | $(k "$pg_batch") |
| pgbench: one ${BATCH}-row INSERT per transaction, 1 client | $(k "$pg_multirow") |
| custodia on PostgreSQL: one event per transaction | $(k "$cu_pg_single") |
| custodia on PostgreSQL: ${BATCH} events per transaction + checkpoint | $(k "$cu_pg_batch") |
| custodia on PostgreSQL: ledger append path alone, ${BATCH} per transaction | $(k "$raw_pg_batch") |
| SQLite (same run): one single-row INSERT per transaction (FULL) | $(k "$sq_single") |
| custodia on SQLite: one event per transaction | $(k "$cu_sq_single") |
| custodia on SQLite: ${BATCH} events per transaction + checkpoint | $(k "$cu_sq_batch") |

- custodia batched on PostgreSQL: ${ra} × pgbench's one ${BATCH}-row INSERT per transaction (target ≥ 0.8: $(ge "$ra" 0.8))
- the same: ${rb} × pgbench's ${BATCH} single-row INSERTs per transaction (a round trip each; not the target)

(b) API reads, GET /api/v1/cases?limit=50, one server thread per node, one wrk (1 thread, 16 connections) per node

| nodes | requests/s (sum) | × one node |
| ---: | ---: | ---: |
| 1 (SQLite) | $(k "$r_sq") | |
| 1 (PostgreSQL) | $(k "$r1") | 1.00 |
| 2 (PostgreSQL) | $(k "$r2") | $(ratio "$r2" "$r1") |
| 3 (PostgreSQL) | $(k "$r3") | $(ratio "$r3" "$r1") |

The machine has $(nproc) cores for PostgreSQL, the nodes and wrk together.
REPORT
