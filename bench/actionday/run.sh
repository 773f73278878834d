#!/bin/bash
# bench/actionday: the coordination centre under load (docs/http.md, "Event
# streams"). A fresh demo data directory served on loopback; CLIENTS (50)
# Server-Sent Events clients follow one action day of the first case while
# TEAMS (20) teams, each an action of RS, ME or SE posted by a user of that
# organisation, post RATE (10) updates a second each for SECS (60) seconds
# (bench/actionday/load.c, libcurl).
#   every client receives every update, in order, none lost
#   delivery latency (from just before the POST to the client): median < 100 ms,
#   p99 < 1 s
# Prints a markdown section for bench/RESULTS.md.
#
# Usage: bench/actionday/run.sh. Env: CU_BUILD (build directory with custodia,
# default ./build), CLIENTS, TEAMS, RATE, SECS, CU_BENCH_DISK (default $TMPDIR
# or /tmp). Needs cc, pkg-config, libcurl and jansson -dev packages, jq.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=$(realpath "${CU_BUILD:-./build}")
BIN=$BUILD/custodia
export CLIENTS=${CLIENTS:-50} TEAMS=${TEAMS:-20} RATE=${RATE:-10} SECS=${SECS:-60}
export LC_ALL=C
for t in cc pkg-config jq; do
	command -v "$t" >/dev/null || { echo "bench/actionday: $t is missing"; exit 1; }
done
[ -x "$BIN" ] || { echo "bench/actionday: no $BIN (build first, or set CU_BUILD)"; exit 1; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d "${CU_BENCH_DISK:-${TMPDIR:-/tmp}}/cu-bench-actionday.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

cc -O2 -g -std=c17 -D_GNU_SOURCE -Wall -Wextra bench/actionday/load.c -o "$work/load" \
	$(pkg-config --cflags --libs libcurl jansson) -lpthread
"$BIN" demo --data "$work/d" --no-serve >/dev/null
"$BIN" serve --data "$work/d" --listen 127.0.0.1:0 --ready-file "$work/ready" --workers 0 \
	>"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.05; done
url=$(cat "$work/ready")
set +e
"$work/load" "$url" >"$work/out.json"
rc=$?
set -e
r=$(cat "$work/out.json")
load1=$(cut -d' ' -f1-3 /proc/loadavg)
j() { jq -r "$1" <<<"$r"; }
ok() { [ "$1" = true ] && echo met || echo MISSED; }
p50=$(j .latency_ms.p50); p99=$(j .latency_ms.p99)
complete=$(j ".clients_complete == .clients and .out_of_order == 0 and .lost == 0 and .post_errors == 0")
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo "## bench/actionday — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $cpu"
echo
echo "$CLIENTS SSE clients, $TEAMS teams x $RATE updates/s for $SECS s on one server"
echo "(\`custodia serve\`, $(nproc) threads; clients, teams and server share the machine;"
echo "load average before $load0, after $load1)."
echo
echo "| figure | value | target | |"
echo "|---|---|---|---|"
echo "| updates posted (errors) | $(j .posted) ($(j .post_errors)) | $((TEAMS * RATE * SECS)) | |"
echo "| clients connected | $(j .connected) | $CLIENTS | |"
echo "| clients with every update, in order | $(j .clients_complete) / $(j .clients) | all | $(ok "$complete") |"
echo "| deliveries (out of order, lost) | $(j .deliveries) ($(j .out_of_order), $(j .lost)) | posted x clients | |"
echo "| delivery latency median | $p50 ms | < 100 ms | $(ok "$(jq -n "$p50 < 100")") |"
echo "| delivery latency p99 | $p99 ms | < 1000 ms | $(ok "$(jq -n "$p99 < 1000")") |"
echo "| delivery latency max | $(j .latency_ms.max) ms | | |"
exit $rc
