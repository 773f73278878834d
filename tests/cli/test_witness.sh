#!/bin/sh
# tests: witnessing between two nodes over real HTTP — the log accepts and
# publishes the cosignatures of the witnesses its operator trusts only (403 for
# any other), one per witness and checkpoint; a trusted witness cosigns the
# log's checkpoints while they extend each other, and a rewritten history is
# refused.
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

# post BODY: POSTs a cosignature request to the log; prints the HTTP status,
# the answer's body in $T/post.txt.
post() {
	curl -s -o "$T/post.txt" -w '%{http_code}' -XPOST -H 'content-type: application/json' \
		-d "$1" "$U/api/v1/ledger/cosignatures"
}
# body JSON: the request the witness would have sent, from its --no-submit --json output.
body() { jq -c '{size, cosignature, witness_key}' "$1"; }
size_of() { dbq "$1" "SELECT count(*) FROM ledger_entries"; }

start
WK=$("$BIN" ledger witness-key --data "$B")
WN=${WK%%+*}
# Nobody the operator configured: a witness's cosignature, however well
# signed, is refused and never published.
check "the log trusts no witness at first" \
	"'$BIN' ledger witnesses --data '$A' --json | jq -e 'length == 0' >/dev/null"
check "an untrusted witness's cosignature is refused by the log" \
	"! '$BIN' ledger witness --log '$U' --key '$KA' --data '$B' 2>'$T/err.txt' &&
	 grep -q 'answered 403' '$T/err.txt' && grep -q 'not one this log trusts' '$T/err.txt'"
"$BIN" ledger witness --log "$U" --key "$KA" --data "$B" --no-submit --json >"$T/c0.json"
check "... posted directly: 403, saying why" \
	"[ \$(post \"\$(body '$T/c0.json')\") = 403 ] && grep -q 'not one this log trusts' '$T/post.txt'"
check "... and the checkpoint publishes no cosignature" \
	"! curl -sf '$U/log/checkpoint' | grep -q '^— $WN '"
check "trusting a witness is for an administrator of the operator" \
	"! '$BIN' ledger witnesses --add '$WK' --as se --data '$A' 2>/dev/null"
check "the operator trusts the witness" \
	"'$BIN' ledger witnesses --add '$WK' --data '$A' | grep -q 'trusting witness $WN'"
check "... once" "! '$BIN' ledger witnesses --add '$WK' --data '$A' 2>/dev/null"
check "... listed" "'$BIN' ledger witnesses --data '$A' | grep -qF '$WK'"
check "... recorded as an event" \
	"[ \$(dbq '$A' \"SELECT count(*) FROM events WHERE action = 'ledger.witness_add'\") = 1 ]"
# The event grew the log: the checkpoint the witness cosigns is the one published.
check "the log signs a checkpoint with the event" "wait_size $(size_of "$A")"
check "the witness cosigns the log's checkpoint" \
	"'$BIN' ledger witness --log '$U' --key '$KA' --data '$B' >'$T/w1.txt'"
check "the log publishes the cosignature with its checkpoint" \
	"curl -sf '$U/log/checkpoint' | grep -q \"^— $WN \""
# One cosignature per witness and checkpoint: a later one replaces it, an
# earlier one is refused, the same one again changes nothing.
"$BIN" ledger witness --log "$U" --key "$KA" --data "$B" --no-submit --json >"$T/c1.json"
sleep 1.1
"$BIN" ledger witness --log "$U" --key "$KA" --data "$B" --no-submit --json >"$T/c2.json"
check "a later cosignature of the same checkpoint replaces the one kept" \
	"[ \$(post \"\$(body '$T/c2.json')\") = 201 ] && jq -e '.replaced == true' '$T/post.txt' >/dev/null"
check "an earlier one is refused (409)" "[ \$(post \"\$(body '$T/c1.json')\") = 409 ]"
check "the same one again changes nothing" "[ \$(post \"\$(body '$T/c2.json')\") = 201 ]"
check "the checkpoint carries the witness's cosignature once, the later one" \
	"[ \$(curl -sf '$U/log/checkpoint' | grep -c '^— $WN ') = 1 ] &&
	 curl -sf '$U/log/checkpoint' | grep -qF \"\$(jq -r .cosignature '$T/c2.json')\""
N1=$(curl -sf "$U/log/checkpoint" | sed -n 2p)
"$BIN" case create --as se --title "Witnessed case" --crime-type cybercrime --data "$A" >/dev/null
check "the log signs a bigger checkpoint" "wait_size $((N1 + 1))"
check "the witness checks consistency and cosigns again" \
	"'$BIN' ledger witness --log '$U' --key '$KA' --data '$B' --json >'$T/w2.json' && jq -e '.size > $N1' '$T/w2.json' >/dev/null"
N2=$(jq .size "$T/w2.json")
check "a wrong log key is refused" \
	"! '$BIN' ledger witness --log '$U' --key \$('$BIN' ledger key --data '$B') --data '$B' 2>/dev/null"
check "a forged cosignature is refused by the log" \
	"[ \$(curl -s -o /dev/null -w '%{http_code}' -XPOST -H 'content-type: application/json' \
	  -d '{\"size\":$N1,\"cosignature\":\"— x AAAA\\n\",\"witness_key\":\"x+00000000+BAAA\"}' \
	  '$U/api/v1/ledger/cosignatures') -ge 400 ]"
# The operator rewrites history: the ledger is cut back to N1 entries (their
# records stay, now without entries: no open of the store gives them new
# ones), new records are appended from there past the size the witness saw,
# and signed with the same key.
stop
tamper "$A" "DELETE FROM ledger_entries WHERE idx >= $N1;
	DELETE FROM ledger_tiles WHERE ((n + 1) << CAST(8 * level + 8 AS INTEGER)) > $N1;"
check "opening the store does not re-sequence the cut records" \
	"'$BIN' case list --as se --data '$A' >/dev/null && [ \$(size_of '$A') = $N1 ]"
i=0
while [ "$(size_of "$A")" -le "$N2" ] && [ $i -lt 20 ]; do
	"$BIN" case create --as se --title "After the rewrite $i" --crime-type cybercrime --data "$A" >/dev/null
	i=$((i + 1))
done
start
check "the rewritten log signs a checkpoint past the witness's" "wait_size $((N2 + 1))"
check "the witness refuses the rewritten history" \
	"! '$BIN' ledger witness --log '$U' --key '$KA' --data '$B' 2>'$T/err.txt' && grep -q 'rewritten history\\|fork' '$T/err.txt'"
check "and ledger verify on the log finds it, naming the records without an entry" \
	"! '$BIN' ledger verify --data '$A' >'$T/verify.txt' 2>&1 && grep -q '^record event [0-9]* .*has no ledger entry' '$T/verify.txt'"
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
