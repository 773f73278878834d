#!/bin/bash
# bench/acl: whether the time of a 404 tells an object of a case one may not
# see from an id that exists nowhere (issue 9: guessing ids reveals nothing).
# A fresh demo served on loopback; user mt (whose organisation sees no case)
# asks ROUNDS (3000) times for each of a case, an item, an entity, a request,
# an action day and a meeting of the Swedish case, and for two ids that do
# not exist (bench/acl/timing.c, libcurl, one keep-alive connection, the
# order shuffled each round). The second absent id gives the noise floor of
# the same run. Prints a markdown section for bench/RESULTS.md.
#
# Usage: bench/acl/run.sh. Env: CU_BUILD (default ./build), ROUNDS.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=$(realpath "${CU_BUILD:-./build}")
BIN=$BUILD/custodia
ROUNDS=${ROUNDS:-3000}
export LC_ALL=C
for t in cc pkg-config jq curl; do
	command -v "$t" >/dev/null || { echo "bench/acl: $t is missing"; exit 1; }
done
[ -x "$BIN" ] || { echo "bench/acl: no $BIN (build first, or set CU_BUILD)"; exit 1; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d "${TMPDIR:-/tmp}/cu-bench-acl.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

cc -O2 -g -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror bench/acl/timing.c -o "$work/timing" \
	$(pkg-config --cflags --libs libcurl) -lm
"$BIN" demo --data "$work/d" --no-serve >/dev/null
"$BIN" serve --data "$work/d" --listen 127.0.0.1:0 --ready-file "$work/ready" --workers 0 \
	>"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.05; done
url=$(cat "$work/ready")
login() {
	curl -sf -XPOST "$url/api/v1/session" -H 'content-type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"demo\"}" | jq -r .token
}
se=$(login se)
mt=$(login mt)
get() { curl -sf -H "Authorization: Bearer $se" "$url$1"; }
case=$(get '/api/v1/cases?limit=100' | jq -r '(if type == "array" then . else .items end)[] | select(.reference == "2026/0001") | .id')
item=$(get "/api/v1/cases/$case/evidence" | jq -r '.[0].id')
entity=$(get "/api/v1/cases/$case/entities" | jq -r '(if type == "array" then . else .items end)[0].id')
request=$(get "/api/v1/requests?case=$case" | jq -r '(if type == "array" then . else .items end)[0].id')
day=$(get "/api/v1/actiondays?case=$case" | jq -r '(if type == "array" then . else .items end)[0].id')
meeting=$(get "/api/v1/meetings?case=$case" | jq -r '(if type == "array" then . else .items end)[0].id')
g() { echo "$1:/api/v1/$2/$3:/api/v1/$2/987654321:/api/v1/$2/987654322"; }
"$work/timing" "$url" "$mt" "$ROUNDS" "$(g case cases "$case")" "$(g item evidence "$item")" \
	"$(g entity entities "$entity")" "$(g request requests "$request")" \
	"$(g 'action day' actiondays "$day")" "$(g meeting meetings "$meeting")" >"$work/out.md"
load1=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo "## bench/acl — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $cpu"
echo
echo "User mt (no case) asks for objects of the Swedish case and for two absent ids, over one"
echo "keep-alive connection to \`custodia serve\` on loopback; every answer is 404. Load average"
echo "before $load0, after $load1."
echo
cat "$work/out.md"
