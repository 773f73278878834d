#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A node outlives its PostgreSQL server's restart: the requests after a restart are
# served (each connection opens a new session on its next transaction), the sequencer
# takes its lock again and checkpoints follow new writes; while the server is down,
# requests fail cleanly and the node stays up; when it is back, everything works and
# the ledger verifies. Starts its own PostgreSQL cluster (tests/pg/cluster.sh).
set -u
B=${CU_BIN:?set CU_BIN to the custodia binary}
here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/cu-reconnect-XXXXXX)
chmod 755 "$T" # the PostgreSQL server runs as postgres
SRV=""
cleanup() {
	[ "$fail" = 0 ] || tail -20 "$T/serve.log"
	[ -z "$SRV" ] || kill -9 "$SRV" 2>/dev/null
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
pgctl() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$T/pg/data" "$@"
	else
		/usr/lib/postgresql/15/bin/pg_ctl -D "$T/pg/data" "$@"
	fi
}

PG=$("$here/cluster.sh" start "$T/pg") || { echo "no PostgreSQL"; exit 1; }
PORT=$(echo "$PG" | sed 's|.*:\([0-9]*\)/$|\1|')
D=$T/data
CUSTODIA_DB=$PG "$B" demo --data "$D" --no-serve >/dev/null || { echo "demo failed"; exit 1; }
"$B" serve --data "$D" --listen 127.0.0.1:0 --ready-file "$T/url" --threads 2 --workers 0 \
	>"$T/serve.log" 2>&1 &
SRV=$!
for _ in $(seq 200); do [ -s "$T/url" ] && break; sleep 0.05; done
U=$(cat "$T/url")
TOK=$(curl -sf -XPOST -H 'content-type: application/json' "$U/api/v1/session" \
	-d '{"username":"se","password":"demo"}' | jq -r .token)
status() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" "$U$1"; }
create() {
	curl -s -o /dev/null -w '%{http_code}' -XPOST -H "Authorization: Bearer $TOK" \
		-H 'content-type: application/json' "$U/api/v1/cases" \
		-d "{\"title\":\"after $1\",\"crime_types\":[\"drug_trafficking\"]}"
}
size() { curl -sf "$U/api/v1/ledger" | jq -r '.size // .tree_size'; }
cp_size() { curl -sf "$U/log/checkpoint" | sed -n 2p; }
check "the node serves" "[ \"\$(status /api/v1/cases)\" = 200 ]"

pgctl -m fast -w restart >/dev/null 2>&1
check "PostgreSQL restarted" "pgctl status >/dev/null 2>&1"
ok=0
for i in 1 2 3 4 5 6; do [ "$(status /api/v1/cases)" = 200 ] && ok=$((ok + 1)); done
check "every request after the restart is served (6 of 6 on 2 threads: $ok)" "[ $ok = 6 ]"
check "the session made before the restart is still valid" "[ \"\$(status /api/v1/me)\" = 200 ]"
check "a write after the restart is acknowledged" "[ \"\$(create restart)\" = 201 ]"
# The sequencer lost its lock with its session; it must take it again and sign.
want=$("$B" ledger verify --data "$D" --json 2>/dev/null | jq -r '.size // .tree_size // empty')
got=""
for _ in $(seq 50); do
	got=$(cp_size)
	[ -n "$want" ] && [ "$got" = "$want" ] && break
	sleep 0.1
done
check "the sequencer signs a checkpoint of the new size ($got of $want)" "[ -n '$want' ] && [ '$got' = '$want' ]"

pgctl -m immediate -w stop >/dev/null 2>&1
code=$(status /api/v1/cases)
check "PostgreSQL down: a request fails cleanly (HTTP $code)" "[ '$code' -ge 500 ] && [ '$code' -le 503 ]"
curl -s -D "$T/h" -o "$T/b" -H "Authorization: Bearer $TOK" "$U/api/v1/cases"
check "... saying unavailable, with Retry-After" "grep -qi '^retry-after: 1' '$T/h' && jq -e '.error.code == \"unavailable\"' '$T/b' >/dev/null"
check "... and nothing of the server's address" "! grep -q '127.0.0.1' '$T/b'"
code=$(create down)
check "... a write too, and is not acknowledged (HTTP $code)" "[ '$code' -ge 500 ] && [ '$code' -le 503 ]"
check "... and the node stays up" "kill -0 $SRV"
check "... /healthz still answers" "curl -sf '$U/healthz' >/dev/null"
code=$(curl -s -o "$T/b" -w '%{http_code}' "$U/readyz")
check "... /readyz says not ready, naming the store (HTTP $code)" "[ '$code' = 503 ] && jq -e '.ready == false and .checks.store != \"ok\"' '$T/b' >/dev/null"

pgctl -w -l "$T/pg/server.log" -o "-p $PORT -k $T/pg -c listen_addresses=127.0.0.1 -c fsync=off" \
	start >/dev/null 2>&1
check "PostgreSQL is back" "pgctl status >/dev/null 2>&1"
ok=0
for i in 1 2 3 4; do [ "$(status /api/v1/cases)" = 200 ] && ok=$((ok + 1)); done
check "requests are served again (4 of 4: $ok)" "[ $ok = 4 ]"
check "writes are acknowledged again" "[ \"\$(create back)\" = 201 ]"
ready=""
for _ in $(seq 30); do
	ready=$(curl -s -o /dev/null -w '%{http_code}' "$U/readyz")
	[ "$ready" = 200 ] && break
	sleep 0.1
done
check "/readyz is ready again, the sequencer's lock taken again (HTTP $ready)" "[ '$ready' = 200 ]"
n=$(curl -sf -H "Authorization: Bearer $TOK" "$U/api/v1/cases?limit=100" |
	jq '[.items[] | select(.title | startswith("after "))] | map(.title) | sort | join(",")')
check "the acknowledged writes are there, the refused one is not ($n)" "[ '$n' = '\"after back,after restart\"' ]"
kill "$SRV"
wait "$SRV"
rc=$?
SRV=""
check "the node stops cleanly (exit $rc)" "[ $rc = 0 ]"
check "the ledger verifies" "'$B' ledger verify --data '$D' >/dev/null 2>&1"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
