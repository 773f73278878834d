#!/bin/sh
# tests: witnessing between two nodes over real HTTP — a witness cosigns a
# log's checkpoints while they extend each other, the log publishes the
# cosignature, and a rewritten history is refused.
set -u
. "$(cd "$(dirname "$0")" && pwd)/db.sh"
BIN=${CU_BIN:?set CU_BIN to the custodia binary}
T=$(mktemp -d /tmp/cu-witness.XXXXXX)
SRV=""
cleanup() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); echo "ok - $1"; else fail=$((fail + 1)); echo "FAIL - $1"; fi; }

A="$T/log" B="$T/witness"
"$BIN" demo --data "$A" --no-serve >/dev/null
CUSTODIA_PASSWORD=witness-pw "$BIN" init --data "$B" >/dev/null
KA=$("$BIN" ledger key --data "$A")
start() {
	rm -f "$T/url"
	# No extraction workers: their custody events would grow the log under the
	# test's exact sizes.
	"$BIN" serve --data "$A" --listen 127.0.0.1:0 --ready-file "$T/url" --threads 1 --workers 0 \
		>"$T/serve.log" 2>&1 &
	SRV=$!
	for _ in $(seq 50); do [ -s "$T/url" ] && break; sleep 0.1; done
	U=$(cat "$T/url")
	for _ in $(seq 50); do curl -sf "$U/log/checkpoint" >/dev/null && break; sleep 0.1; done
}
stop() { kill "$SRV"; wait "$SRV" 2>/dev/null; SRV=""; }
# Waits until the published checkpoint is of at least $1 entries.
wait_size() {
	for _ in $(seq 50); do
		n=$(curl -sf "$U/log/checkpoint" | sed -n 2p)
		[ -n "$n" ] && [ "$n" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

start
WN=$("$BIN" ledger witness-key --data "$B" | cut -d+ -f1)
check "the witness cosigns the log's checkpoint" \
	"'$BIN' ledger witness --log '$U' --key '$KA' --data '$B' >'$T/w1.txt'"
check "the log publishes the cosignature with its checkpoint" \
	"curl -sf '$U/log/checkpoint' | grep -q \"^— $WN \""
N1=$(curl -sf "$U/log/checkpoint" | sed -n 2p)
"$BIN" case create --as se --title "Witnessed case" --crime-type cybercrime --data "$A" >/dev/null
check "the log signs a bigger checkpoint" "wait_size $((N1 + 1))"
check "the witness checks consistency and cosigns again" \
	"'$BIN' ledger witness --log '$U' --key '$KA' --data '$B' --json | jq -e '.size > $N1' >/dev/null"
check "a wrong log key is refused" \
	"! '$BIN' ledger witness --log '$U' --key \$('$BIN' ledger key --data '$B') --data '$B' 2>/dev/null"
check "a forged cosignature is refused by the log" \
	"[ \$(curl -s -o /dev/null -w '%{http_code}' -XPOST -H 'content-type: application/json' \
	  -d '{\"size\":$N1,\"cosignature\":\"— x AAAA\\n\",\"witness_key\":\"x+00000000+BAAA\"}' \
	  '$U/api/v1/ledger/cosignatures') -ge 400 ]"
# The operator rewrites history: the ledger is cut back to N1 entries (the
# node then re-sequences the records it finds, with new salts), and signed
# with the same key.
stop
tamper "$A" "UPDATE events SET actor = 'someone-else' WHERE seq = (SELECT max(seq) FROM events);
	DELETE FROM ledger_entries WHERE idx >= $N1;
	DELETE FROM ledger_tiles WHERE ((n + 1) << CAST(8 * level + 8 AS INTEGER)) > $N1;"
"$BIN" case create --as se --title "After the rewrite" --crime-type cybercrime --data "$A" >/dev/null
start
check "the rewritten log signs a checkpoint with the new entry" "wait_size $((N1 + 2))"
check "the witness refuses the rewritten history" \
	"! '$BIN' ledger witness --log '$U' --key '$KA' --data '$B' 2>'$T/err.txt' && grep -q 'rewritten history\\|fork' '$T/err.txt'"
check "and ledger verify on the log finds it" "! '$BIN' ledger verify --data '$A' >/dev/null 2>&1"
stop
# Configured for auditors only: the log's public routes then need a token.
"$BIN" serve --data "$A" --listen 127.0.0.1:0 --ready-file "$T/url2" --threads 1 --workers 0 --log-auth \
	>/dev/null 2>&1 &
SRV=$!
for _ in $(seq 50); do [ -s "$T/url2" ] && break; sleep 0.1; done
U2=$(cat "$T/url2")
check "with --log-auth the checkpoint needs a token" \
	"[ \$(curl -s -o /dev/null -w '%{http_code}' '$U2/log/checkpoint') = 401 ]"
TOK=$("$BIN" token create --as se --label auditor --data "$A" | head -1)
check "and an auditor's token reads it" \
	"curl -sf -H 'Authorization: Bearer $TOK' '$U2/log/checkpoint' | grep -q custodia.local"
stop
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
