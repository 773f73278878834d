#!/bin/bash
# bench/soak: the server under a mixed workload for a long time (issue 9,
# "Load and soak"). A fresh demo data directory served on loopback; CONNS (64)
# keep-alive connections, 80% reads, 15% small writes, 5% evidence uploads of
# 1-50 MiB (bench/soak/soak.c, libcurl), for SECS (1800) seconds after a
# BASE (60) second reads-only baseline. Targets, after the warm-up (the first
# tenth of the run):
#   zero errors
#   RSS grows by at most 10% (median of the last five minutes against the
#   first five after warm-up: single samples swing with the uploads in flight)
#   open file descriptors do not grow (quiet server before and after)
#   p99 latency of reads < 50 ms
# Prints the samples, then a markdown section for bench/RESULTS.md.
#
# Usage: bench/soak/run.sh. Env: CU_BUILD (build directory with custodia,
# default ./build), SERVE_ARGS (more `custodia serve` options), CONNS, SECS, WARMUP, BASE, SAMPLE, SEED, CU_BENCH_DISK
# (default $TMPDIR or /tmp; the uploads need about 2 GB there). Needs cc,
# pkg-config, libcurl and jansson -dev packages, jq.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=$(realpath "${CU_BUILD:-./build}")
BIN=$BUILD/custodia
export CONNS=${CONNS:-64} SECS=${SECS:-1800} BASE=${BASE:-60} SAMPLE=${SAMPLE:-10}
export LC_ALL=C
for t in cc pkg-config jq; do
	command -v "$t" >/dev/null || { echo "bench/soak: $t is missing"; exit 1; }
done
[ -x "$BIN" ] || { echo "bench/soak: no $BIN (build first, or set CU_BUILD)"; exit 1; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d "${CU_BENCH_DISK:-${TMPDIR:-/tmp}}/cu-bench-soak.XXXXXX")
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	# A failed run shows the end of the server's log (a crash's report, say).
	[ "${rc:-0}" = 0 ] || grep -v '^{' "$work/server.log" | tail -n 60 >&2 || true
	# A crash leaves a core in the server's directory (core_pattern "core"): its
	# stacks, and the core kept with the binary that made it, for a closer look.
	for c in "$work"/srv/core*; do
		[ -f "$c" ] || continue
		keep=$(mktemp -d "${TMPDIR:-/tmp}/cu-soak-crash.XXXXXX")
		mv "$c" "$work/custodia" "$work/server.log" "$keep/"
		echo "bench/soak: the server crashed; core, binary and log kept in $keep" >&2
		command -v gdb >/dev/null &&
			gdb -batch -ex 'thread apply all bt' "$keep/custodia" "$keep/$(basename "$c")" >&2 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The server runs from a copy: a rebuild during the run must not change what a core
# dump is read against.
cp "$BIN" "$work/custodia"
cc -O2 -g -std=c17 -Wall -Wextra bench/soak/soak.c -o "$work/soak" \
	$(pkg-config --cflags --libs libcurl jansson) -lpthread -lm
# Upload files of 1 to 50 MiB, random bytes (nothing to compress or extract).
mkdir "$work/files"
i=0
for mib in 1 2 4 7 12 20 33 50; do
	i=$((i + 1))
	f=$(printf '%s/files/up-%02d.bin' "$work" "$i")
	head -c $((mib << 20)) /dev/urandom >"$f"
	sha256sum "$f" | cut -d' ' -f1 >"$f.sha256"
done
"$work/custodia" demo --data "$work/d" --no-serve >/dev/null
ulimit -c unlimited 2>/dev/null || true
mkdir "$work/srv"
# shellcheck disable=SC2086 # SERVE_ARGS: more serve options, word-split on purpose
(cd "$work/srv" && exec "$work/custodia" serve --data "$work/d" --listen 127.0.0.1:0 \
	--ready-file "$work/ready" ${SERVE_ARGS:-} >"$work/server.log" 2>&1) &
pid=$!
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.05; done
url=$(cat "$work/ready")
set +e
SOAK_WAL="$work/d/custodia.db-wal" "$work/soak" "$url" "$pid" "$work/files" | tee "$work/out.txt"
rc=${PIPESTATUS[0]}
set -e
r=$(tail -n 1 "$work/out.txt")
# No figures line: the run ended early (the server died); cleanup says why.
jq -e .connections <<<"$r" >/dev/null 2>&1 || exit "$rc"
load1=$(cut -d' ' -f1-3 /proc/loadavg)
j() { jq -r "$1" <<<"$r"; }
ok() { [ "$1" = true ] && echo met || echo MISSED; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo
echo "## bench/soak — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $cpu"
echo
echo "$CONNS keep-alive connections for $(j .seconds) s measured after $(j .warmup) s of warm-up"
echo "(80% reads, 15% small writes, 5% uploads of 1-50 MiB; seed $(j .seed)); one"
echo "\`custodia serve\` with its defaults; client and server share the machine (load average"
echo "before $load0, after $load1). Baseline: the same reads alone for $BASE s, same run."
echo
echo "| figure | value | target | |"
echo "|---|---|---|---|"
echo "| requests read / write / upload | $(j .requests.read) / $(j .requests.write) / $(j .requests.upload) | | |"
echo "| throughput | $(j .reads_per_s) reads/s, $(j .writes_per_s) writes/s, $(j .uploads_per_s) uploads/s | | |"
echo "| errors | $(j .errors) | 0 | $(ok "$(j '.errors == 0')") |"
echo "| read latency p50 / p99 | $(j .read_ms.p50) / $(j .read_ms.p99) ms | p99 < 50 ms | $(ok "$(j '.read_ms.p99 < 50')") |"
echo "| read p99 by kind (histogram, 10% buckets) | $(j '.read_p99_ms_by_kind | to_entries | map("\(.key) \(.value)") | join(", ")') ms | | |"
echo "| the store's write-ahead log, largest sample | $(j .wal_max_mib) MiB | | |"
echo "| baseline (reads alone) p50 / p99 | $(j .baseline_read_ms.p50) / $(j .baseline_read_ms.p99) ms | | |"
echo "| small write p99 | $(j .write_p99_ms) ms | | |"
echo "| upload median (whole file) | $(j .upload_p50_ms) ms | | |"
echo "| RSS median of the first / last 5 min after warm-up | $(j .rss_median_first) / $(j .rss_median_last) KiB (growth $(j .rss_growth)) | <= 10% | $(ok "$(j '.rss_growth <= 0.10')") |"
echo "| RSS after warm-up / max / end (single samples) | $(j .rss_kib.after_warmup) / $(j .rss_kib.max) / $(j .rss_kib.end) KiB | | |"
echo "| open descriptors before the clients / after warm-up / max / after the clients | $(j .fds.before) / $(j .fds.after_warmup) / $(j .fds.max) / $(j .fds.after) | no growth | $(ok "$(j '.fds.after <= .fds.before')") |"
exit "$rc"
