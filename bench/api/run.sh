#!/bin/bash
# bench/api: custodia's HTTP API against nginx serving the same bytes, measured
# in the same run with wrk (keep-alive). Figures: requests/s, p99 latency and
# server CPU per request for
#   (a) GET /healthz                               target >= 0.7 x nginx
#   (b) GET /api/v1/cases?limit=50 (authenticated) target >= 1/3 x nginx, p99 < 20 ms
# over the demo data plus 10,000 generated cases. Usage: bench/api/run.sh
# [seconds per run, default 10]. Needs wrk and nginx (make bench installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${CU_BIN:-./build/custodia}
SECS=${1:-10}
CONNS=64
THREADS=$(nproc)
work=$(mktemp -d /tmp/cu-bench-api.XXXXXX)
srv=""; ngx=""
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null || true
	[ -n "$ngx" ] && kill "$(cat "$work/nginx.pid" 2>/dev/null)" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

for t in wrk nginx curl jq; do
	command -v "$t" >/dev/null || { echo "bench/api: $t is missing (make bench installs it)"; exit 1; }
done

echo "loading demo data + 10000 generated cases..."
"$BIN" demo --data "$work/data" --no-serve --extra-cases 10000 >/dev/null
"$BIN" serve --data "$work/data" --listen 127.0.0.1:0 --ready-file "$work/url" \
	--threads "$THREADS" --workers 0 --json >/dev/null 2>"$work/serve.log" &
srv=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(cat "$work/url")
token=$(curl -sf -XPOST "$url/api/v1/session" -H 'content-type: application/json' \
	-d '{"username":"se","password":"demo"}' | jq -r .token)

# nginx serves the very bytes custodia answers, as static files.
mkdir -p "$work/www/api/v1"
chmod 755 "$work"  # nginx workers run as www-data
curl -sf "$url/healthz" >"$work/www/healthz"
curl -sf -H "Authorization: Bearer $token" "$url/api/v1/cases?limit=50" >"$work/www/api/v1/cases"
nport=$((20000 + RANDOM % 20000))
cat >"$work/nginx.conf" <<NGX
worker_processes $THREADS;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
	access_log off;
	keepalive_requests 100000000;
	default_type application/json;
	client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
	uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
	server { listen 127.0.0.1:$nport; root $work/www; }
}
NGX
mkdir -p "$work/tmp"
chmod -R a+rX "$work/www"
nginx -c "$work/nginx.conf" -p "$work"
ngx=1
sleep 0.3

ticks() { # CPU ticks used so far by the given pids (utime + stime)
	local t=0 p
	for p in "$@"; do
		read -r -a f <"/proc/$p/stat"
		t=$((t + f[13] + f[14]))
	done
	echo $t
}
hz=$(getconf CLK_TCK)
ngx_pids() { pgrep -P "$(cat "$work/nginx.pid")" | tr '\n' ' '; }

# run NAME PIDS URL [wrk args...]: prints "rps p99_ms cpu_us_per_req"
run() {
	local name=$1 pids=$2 target=$3; shift 3
	local t0 t1 out rps p99 reqs
	t0=$(ticks $pids)
	out=$(wrk -t "$THREADS" -c "$CONNS" -d "${SECS}s" --latency "$@" "$target")
	t1=$(ticks $pids)
	rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
	reqs=$(awk '/requests in/ {print $1}' <<<"$out")
	p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' <<<"$out")
	if grep -q "Non-2xx" <<<"$out"; then echo "$name: non-2xx answers!" >&2; echo "$out" >&2; exit 1; fi
	awk -v r="$rps" -v p="$p99" -v d=$((t1 - t0)) -v hz="$hz" -v n="$reqs" \
		'BEGIN { printf "%.0f %.2f %.1f\n", r, p, d / hz * 1e6 / n }'
}

spid=$srv
npids=$(ngx_pids)
echo "warming up..."
wrk -t "$THREADS" -c "$CONNS" -d 2s "$url/healthz" >/dev/null
wrk -t "$THREADS" -c "$CONNS" -d 2s -H "Authorization: Bearer $token" "$url/api/v1/cases?limit=50" >/dev/null
wrk -t "$THREADS" -c "$CONNS" -d 2s "http://127.0.0.1:$nport/healthz" >/dev/null

read -r n_h n_h99 n_hcpu <<<"$(run nginx-healthz "$npids" "http://127.0.0.1:$nport/healthz")"
read -r c_h c_h99 c_hcpu <<<"$(run custodia-healthz "$spid" "$url/healthz")"
read -r n_l n_l99 n_lcpu <<<"$(run nginx-cases "$npids" "http://127.0.0.1:$nport/api/v1/cases" -H "Authorization: Bearer $token")"
read -r c_l c_l99 c_lcpu <<<"$(run custodia-cases "$spid" "$url/api/v1/cases?limit=50" -H "Authorization: Bearer $token")"

hbytes=$(stat -c %s "$work/www/healthz")
lbytes=$(stat -c %s "$work/www/api/v1/cases")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rh=$(ratio "$c_h" "$n_h"); rl=$(ratio "$c_l" "$n_l")
ok() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "met" : "MISSED" }'; }
p99ok=$(awk -v v="$c_l99" 'BEGIN { print (v < 20) ? "met" : "MISSED" }')

cat <<REPORT

## bench/api — $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
wrk ${THREADS} threads, ${CONNS} connections, ${SECS} s per run, keep-alive; custodia ${THREADS} threads, nginx ${THREADS} workers; data: demo + 10,000 generated cases.

| run | body | requests/s | p99 | server CPU/request |
| --- | ---: | ---: | ---: | ---: |
| nginx static /healthz | ${hbytes} B | ${n_h} | ${n_h99} ms | ${n_hcpu} µs |
| custodia GET /healthz | ${hbytes} B | ${c_h} | ${c_h99} ms | ${c_hcpu} µs |
| nginx static, same body as the case page | ${lbytes} B | ${n_l} | ${n_l99} ms | ${n_lcpu} µs |
| custodia GET /api/v1/cases?limit=50 (bearer token) | ${lbytes} B | ${c_l} | ${c_l99} ms | ${c_lcpu} µs |

- (a) /healthz: ${rh} × nginx (target ≥ 0.70: $(ok "$rh" 0.70))
- (b) case page: ${rl} × nginx (target ≥ 0.33: $(ok "$rl" 0.333)); p99 ${c_l99} ms (target < 20 ms: ${p99ok})
REPORT
