#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Several nodes as one system: three `custodia serve` processes, each with a
# data directory of its own (the same keys, as copies), over one PostgreSQL
# and one S3 server (s3rver). Writes on one node are read on another; a
# session opened on one is valid on all; an action day's live stream on one
# node carries an update posted on another; and the node that signs the
# ledger's checkpoints is killed with SIGKILL in the middle of a stream of
# writes: another takes over, no acknowledged write is lost, and the ledger
# verifies with one history.
#
# Usage: tests/s3/run_s3_test.sh sh tests/pg/test_nodes.sh (CU_BIN set; ctest does it).
# Starts its own PostgreSQL cluster (tests/pg/cluster.sh).
set -u
B=${CU_BIN:?set CU_BIN to the custodia binary}
: "${CU_TEST_S3_ENDPOINT:?run under tests/s3/run_s3_test.sh}"
here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/cu-nodes-XXXXXX)
chmod 755 "$T" # the PostgreSQL server runs as postgres
PIDS=""
cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	"$here/cluster.sh" stop "$T/pg"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
pass=0 fail=0
check() {
	if eval "$2"; then pass=$((pass + 1)); echo "ok - $1"
	else fail=$((fail + 1)); echo "FAIL - $1"; fi
}

PG=$("$here/cluster.sh" start "$T/pg") || { echo "no PostgreSQL"; exit 1; }
S3="s3://custodia/nodes?endpoint=$CU_TEST_S3_ENDPOINT&region=us-east-1"
CUSTODIA_DB=$PG "$B" demo --data "$T/n1" --blobs "$S3" --no-serve >/dev/null ||
	{ echo "demo failed"; exit 1; }
# The other nodes: the same keys and the same records and blobs (the files
# naming them), on machines of their own.
cp -a "$T/n1" "$T/n2"
cp -a "$T/n1" "$T/n3"

start() { # start N: serve node N; its URL in U<N>
	rm -f "$T/url$1"
	"$B" serve --data "$T/n$1" --listen 127.0.0.1:0 --ready-file "$T/url$1" --workers 0 \
		>>"$T/log$1" 2>&1 &
	eval "P$1=$!"
	PIDS="$PIDS $!"
	for _ in $(seq 200); do [ -s "$T/url$1" ] && break; sleep 0.05; done
	eval "U$1=\$(cat '$T/url$1')"
}
start 1
start 2
start 3
check "three nodes are up" "[ -n '$U1' ] && [ -n '$U2' ] && [ -n '$U3' ]"
# A copy of a data directory that has served carries its node id: refused while the
# original serves, and fine once the copy's node-id is removed.
cp -a "$T/n1" "$T/n4"
"$B" serve --data "$T/n4" --listen 127.0.0.1:0 --workers 0 >"$T/log4" 2>&1 &
P4=$!
PIDS="$PIDS $P4"
for _ in $(seq 100); do kill -0 "$P4" 2>/dev/null || break; sleep 0.1; done
wait "$P4" 2>/dev/null
rc4=$?
check "a copy of node 1's directory does not start beside it (exit $rc4)" \
	"[ $rc4 != 0 ] && grep -q 'was copied from it' '$T/log4'"
rm -rf "$T/n4"

login() { curl -sf -XPOST -H 'content-type: application/json' "$1/api/v1/session" \
	-d "{\"username\":\"$2\",\"password\":\"demo\"}" | jq -r .token; }
get() { curl -sf -H "Authorization: Bearer $TOK" "$1$2"; }
post() { curl -sf -XPOST -H "Authorization: Bearer $TOK" -H 'content-type: application/json' \
	"$1$2" -d "$3"; }

TOK=$(login "$U1" se)
check "a session opened on node 1 is valid on nodes 2 and 3" \
	"get '$U2' /api/v1/cases >/dev/null && get '$U3' /api/v1/cases >/dev/null"
post "$U1" /api/v1/cases '{"title":"Written on node 1","crime_types":["cybercrime"]}' >"$T/case"
ID=$(jq .id "$T/case")
REF=$(jq -r .reference "$T/case")
check "a case created on node 1" "[ -n '$ID' ] && [ '$ID' != null ]"
check "is read on node 3" \
	"[ \"\$(get '$U3' /api/v1/cases/$ID | jq -r .title)\" = 'Written on node 1' ]"
curl -sf -XDELETE -H "Authorization: Bearer $TOK" "$U2/api/v1/session" >/dev/null
check "a session ended on node 2 is refused on node 1" \
	"[ \$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $TOK' \
	  '$U1/api/v1/cases') = 401 ]"
TOK=$(login "$U2" se)

# Evidence uploaded through node 2 (its blob in the one S3 store), read on node 3.
head -c 200000 /dev/urandom >"$T/item.bin"
SUM=$(sha256sum "$T/item.bin" | cut -d' ' -f1)
UP=$(post "$U2" "/api/v1/cases/$ID/uploads" '{"title":"from node 2","original_name":"i.bin"}' |
	jq -r .id)
curl -sf -XPUT -H "Authorization: Bearer $TOK" --data-binary @"$T/item.bin" \
	"$U2/api/v1/uploads/$UP?offset=0" >/dev/null
ITEM=$(post "$U2" "/api/v1/uploads/$UP/complete" "{\"sha256\":\"$SUM\"}" | jq .id)
check "an item uploaded through node 2" "[ -n '$ITEM' ] && [ '$ITEM' != null ]"
curl -sf -H "Authorization: Bearer $TOK" "$U3/api/v1/evidence/$ITEM/content" -o "$T/got.bin"
check "is downloaded through node 3, byte for byte" "cmp -s '$T/item.bin' '$T/got.bin'"

# Hit/no-hit when entities arrive on two nodes at once: ten pairs of the same phone
# number, each written at the same moment to a case of SE through node 1 and to a case of
# LT through node 2; every pair must meet (the one write lock orders them).
TOKL=$(login "$U2" lt)
CB=$(curl -sf -XPOST -H "Authorization: Bearer $TOKL" -H 'content-type: application/json' \
	"$U2/api/v1/cases" -d '{"title":"LT case for hits","crime_types":["cybercrime"]}' | jq .id)
W=""
for i in 0 1 2 3 4 5 6 7 8 9; do
	curl -sf -o /dev/null -XPOST -H "Authorization: Bearer $TOK" -H 'content-type: application/json' \
		"$U1/api/v1/cases/$ID/entities" -d "{\"kind\":\"phone\",\"number\":\"+46 70 555 00 0$i\"}" &
	W="$W $!"
	curl -sf -o /dev/null -XPOST -H "Authorization: Bearer $TOKL" -H 'content-type: application/json' \
		"$U2/api/v1/cases/$CB/entities" -d "{\"kind\":\"phone\",\"number\":\"004670555000$i\"}" &
	W="$W $!"
done
for w in $W; do wait "$w"; done
hits=$(get "$U3" "/api/v1/hits?case=$ID" | jq '[.[] | select(.attr == "phone")] | length')
check "entities written on two nodes at once all meet: 10 hits ($hits)" "[ '$hits' = 10 ]"

# An upload started on node 1 goes on through node 2 and ends through node 3: the nodes
# that do not hold it send its requests to the one that does.
head -c 300000 /dev/urandom >"$T/split.bin"
SUM2=$(sha256sum "$T/split.bin" | cut -d' ' -f1)
head -c 100000 "$T/split.bin" >"$T/part1"
tail -c +100001 "$T/split.bin" >"$T/part2"
UP2=$(post "$U1" "/api/v1/cases/$ID/uploads" '{"title":"across nodes","original_name":"s.bin"}' |
	jq -r .id)
check "an upload starts on node 1" "[ -n '$UP2' ] && [ '$UP2' != null ]"
off=$(curl -sf -XPUT -H "Authorization: Bearer $TOK" --data-binary @"$T/part1" \
	"$U2/api/v1/uploads/$UP2?offset=0" | jq .offset)
check "its first chunk is taken through node 2 ($off)" "[ '$off' = 100000 ]"
off=$(get "$U3" "/api/v1/uploads/$UP2" | jq .offset)
check "node 3 reports its offset ($off)" "[ '$off' = 100000 ]"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" \
	-H 'X-Custodia-Forwarded: 1' "$U2/api/v1/uploads/$UP2")
check "a request already forwarded is not forwarded again ($code)" "[ '$code' = 404 ]"
code=$(curl -s -o /dev/null -w '%{http_code}' -XPUT -H "Authorization: Bearer $TOK" \
	--data-binary @"$T/part1" "$U3/api/v1/uploads/$UP2?offset=0")
check "a chunk at a wrong offset through node 3 gets node 1's 409 ($code)" "[ '$code' = 409 ]"
curl -sf -XPUT -H "Authorization: Bearer $TOK" --data-binary @"$T/part2" \
	"$U3/api/v1/uploads/$UP2?offset=100000" >/dev/null
ITEM2=$(post "$U2" "/api/v1/uploads/$UP2/complete" "{\"sha256\":\"$SUM2\"}" | jq .id)
check "it completes through node 2" "[ -n '$ITEM2' ] && [ '$ITEM2' != null ]"
curl -sf -H "Authorization: Bearer $TOK" "$U3/api/v1/evidence/$ITEM2/content" -o "$T/got2.bin"
check "and its content is whole, byte for byte" "cmp -s '$T/split.bin' '$T/got2.bin'"
TOKO=$(login "$U3" rs)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKO" "$U2/api/v1/uploads/$UP2")
check "another user's request for it, forwarded, is refused by node 1 ($code)" "[ '$code' = 404 ]"
# A bundle exported on node 1 is downloaded through node 2 and verifies.
BID=$(post "$U1" "/api/v1/cases/$ID/bundles" "{\"for\":\"ICC\",\"items\":[$ITEM2]}" | jq -r .id)
curl -sf -H "Authorization: Bearer $TOK" "$U2/api/v1/bundles/$BID" -o "$T/b.tar"
check "a bundle exported on node 1 downloads through node 2" "[ -s '$T/b.tar' ]"
check "... and verifies offline" "'$B' bundle verify '$T/b.tar' --key \"\$('$B' ledger key --data '$T/n1' | sed -n 1p)\" >/dev/null"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" "$U3/api/v1/bundles/$BID")
check "... once: a second download through node 3 is 404 ($code)" "[ '$code' = 404 ]"

# An action day's live stream on node 3 carries an update posted on node 1.
AD=$(post "$U1" /api/v1/actiondays "{\"case\":\"$REF\",\"title\":\"Nodes day\",\"day\":\"2026-12-01\",
	\"timezones\":{\"SE\":\"Europe/Stockholm\"},\"actions\":[{\"kind\":\"seizure\",
	\"country\":\"SE\",\"org\":\"SE\",\"planned_time\":\"06:00\"}]}")
ADID=$(echo "$AD" | jq .id)
ACT=$(echo "$AD" | jq '.actions[0].id')
curl -sN -H "Authorization: Bearer $TOK" "$U3/api/v1/actiondays/$ADID/stream" >"$T/sse" &
SSE=$!
PIDS="$PIDS $SSE"
sleep 0.3
post "$U1" "/api/v1/actions/$ACT/updates" '{"status":"started","result":"doors open"}' \
	>/dev/null
for _ in $(seq 50); do grep -q 'doors open' "$T/sse" && break; sleep 0.1; done
kill "$SSE" 2>/dev/null
check "node 3's live stream shows node 1's update" "grep -q 'doors open' '$T/sse'"

# ---- the sequencer dies mid-stream ------------------------------------------------
seqnode() { for n in 1 2 3; do
	grep -q 'sequencer role taken' "$T/log$n" && { echo "$n"; return; }; done; }
for _ in $(seq 50); do S=$(seqnode); [ -n "$S" ] && break; sleep 0.1; done
check "exactly one node is the sequencer" \
	"[ -n '$S' ] && [ \$(grep -l 'sequencer role taken' '$T'/log? | wc -l) = 1 ]"
others=$(echo 1 2 3 | tr ' ' '\n' | grep -v "^$S$" | tr '\n' ' ')
# Writers on the two other nodes, each noting what was acknowledged.
for n in $others; do
	(
		eval "u=\$U$n"
		tok=$(login "$u" se)
		i=0
		while [ $i -lt 60 ]; do
			id=$(curl -sf -XPOST -H "Authorization: Bearer $tok" -H 'content-type: application/json' \
				"$u/api/v1/cases" -d "{\"title\":\"stream $n-$i\",\"crime_types\":[\"cybercrime\"]}" |
				jq -r .id)
			[ -n "$id" ] && [ "$id" != null ] && echo "$id" >>"$T/acked$n"
			i=$((i + 1))
		done
	) &
	PIDS="$PIDS $!"
	eval "W$n=$!"
done
sleep 1
eval "kill -9 \$P$S"
for n in $others; do eval "wait \$W$n"; done
new=""
for _ in $(seq 100); do
	for n in $others; do grep -q 'sequencer role taken' "$T/log$n" && new=$n; done
	[ -n "$new" ] && break
	sleep 0.1
done
check "another node takes over as sequencer" "[ -n '$new' ]"
acked=$(cat "$T"/acked* | wc -l)
check "writes were acknowledged during the kill ($acked)" "[ $acked -gt 20 ]"
for n in $others; do eval "u=\$U$n"; break; done
missing=0
for id in $(cat "$T"/acked*); do
	get "$u" "/api/v1/cases/$id" >/dev/null || missing=$((missing + 1))
done
check "no acknowledged write is lost" "[ $missing = 0 ]"
# The new sequencer signs a checkpoint covering everything within seconds.
size() { "$B" ledger verify --data "$T/n$new" --log-only --json | jq .size; }
want=$(size)
for _ in $(seq 50); do
	have=$(curl -sf "$u/log/checkpoint" | sed -n 2p)
	[ "$have" = "$want" ] && break
	sleep 0.1
done
check "the new sequencer's checkpoint covers the whole log ($have of $want)" "[ '$have' = '$want' ]"
check "the ledger verifies with one history" \
	"'$B' ledger verify --data '$T/n$new' --json | jq -e .ok >/dev/null"
check "every checkpoint any node signed is of that one history" \
	"'$B' ledger verify --data '$T/n$new' --json | jq -e '.checkpoints >= 2' >/dev/null"
check "and the evidence verifies" \
	"'$B' evidence verify --data '$T/n$new' --case $ID --as se >/dev/null"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
