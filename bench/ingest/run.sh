#!/bin/bash
# bench/ingest: evidence ingest throughput against what this machine's crypto
# can do, measured in the same run:
#   baselines  single-core SHA-256 (openssl speed -evp sha256, 16 KiB blocks),
#              single-core secretstream push (64 KiB chunks, bench/ingest/secretstream.c),
#              the disk's durable write speed (dd ... conv=fsync) and a fresh
#              write to /dev/shm (dd, no sync)
#   (a) one 1 GiB file, `custodia evidence add`     target >= 0.8 x the slower baseline
#   (b) the same file over HTTP (8 MiB chunks, one keep-alive connection,
#       bench/ingest/upload.c)                      target >= 0.5 x the slower baseline
#   (c) 10,000 files of 4-64 KiB, random sizes and content, one `evidence add`
#                                                   target >= 2,000 files/s durable
#   peak RSS of the CLI (/usr/bin/time) and of the server (VmHWM during the
#   upload; its whole-life peak, login included, is reported too) < 64 MiB.
# Each ingest runs with its data directory on the disk (durable: what (c) is
# judged on) and on /dev/shm (the CPU pipeline: what (a) and (b) are judged on,
# since the disk cannot keep up with the crypto). Every run starts from a fresh
# `custodia demo` data directory; times are the best of REPS runs, RSS the
# largest. Usage: bench/ingest/run.sh [REPS, default 3]. Env: CU_BIN (default
# ./build/custodia), CU_BENCH_DISK (a directory on the disk to test, default
# $TMPDIR or /tmp). Needs cc, pkg-config, libsodium, libcurl, openssl, curl,
# jq and /usr/bin/time (Debian package "time").
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${CU_BIN:-./build/custodia}
BIN=$(realpath "$BIN")
REPS=${1:-3}
BIG=$((1 << 30))
NSMALL=10000
CASE=2026/0001
RSS_MAX_KB=$((64 * 1024))
export LC_ALL=C

for t in cc pkg-config openssl curl jq /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench/ingest: $t is missing"; exit 1; }
done
for p in libsodium libcurl; do
	pkg-config --exists "$p" || { echo "bench/ingest: $p (pkg-config) is missing"; exit 1; }
done
[ -x "$BIN" ] || { echo "bench/ingest: no $BIN (build first, or set CU_BIN)"; exit 1; }

diskroot=${CU_BENCH_DISK:-${TMPDIR:-/tmp}}
shm="" disk="" srv=""
cleanup() { # the 1 GiB files and data directories go, whatever happened
	if [ -n "$srv" ]; then kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; fi
	[ -z "$shm" ] || rm -rf "$shm"
	[ -z "$disk" ] || rm -rf "$disk"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
shm=$(mktemp -d /dev/shm/cu-bench-ingest.XXXXXX)
disk=$(mktemp -d "$diskroot/cu-bench-ingest.XXXXXX")

# Room: the 1 GiB file, the small files and one data directory at a time.
avail_gib() { df -P -k "$1" | awk 'NR == 2 { printf "%d", $4 / 1048576 }'; }
[ "$(avail_gib "$shm")" -ge 4 ] || { echo "bench/ingest: /dev/shm needs 4 GiB free"; df -h /dev/shm; exit 1; }
[ "$(avail_gib "$disk")" -ge 3 ] || { echo "bench/ingest: $diskroot needs 3 GiB free"; exit 1; }
[ "$(stat -f -c %T "$disk")" = tmpfs ] && echo "bench/ingest: warning: $diskroot is tmpfs, not a disk"

echo "building the helpers..."
mkdir -p "$shm/bin"
read -r -a sodium <<<"$(pkg-config --cflags --libs libsodium)"
read -r -a libcurl <<<"$(pkg-config --cflags --libs libcurl)"
for h in secretstream mkdata; do
	cc -O2 -std=c17 -Wall -Wextra -o "$shm/bin/$h" "bench/ingest/$h.c" "${sodium[@]}"
done
cc -O2 -std=c17 -Wall -Wextra -o "$shm/bin/upload" bench/ingest/upload.c "${libcurl[@]}"

# CPU time the hypervisor gave to others ("steal"): a shared machine shows here.
cpustat() { awk '$1 == "cpu" { print $2+$3+$4+$5+$6+$7+$8+$9, $9 }' /proc/stat; }
read -r tot0 steal0 <<<"$(cpustat)"
load0=$(cut -d' ' -f1 /proc/loadavg)

# ---- baselines ---------------------------------------------------------

echo "baselines: SHA-256, secretstream, disk, /dev/shm..."
sha_bps=$(openssl speed -evp sha256 -bytes 16384 -seconds 3 2>/dev/null |
	awk '$1 == "sha256" { v = $NF; sub(/k$/, "", v); printf "%.0f", v * 1000 }')
read -r ss_bps _ <<<"$("$shm/bin/secretstream" 65536 3)"
read -r ss4_bps _ <<<"$("$shm/bin/secretstream" 4096 1.5)"
dd_secs() { dd if=/dev/zero of="$1" bs=1M count=1024 "${@:2}" 2>&1 | awk '/copied/ { print $(NF-3) }'; }
sync
dd_disk=$(dd_secs "$disk/dd.bin" conv=fsync); rm -f "$disk/dd.bin"
dd_shm=$(dd_secs "$shm/dd.bin"); rm -f "$shm/dd.bin"
sync
min_bps=$(( sha_bps < ss_bps ? sha_bps : ss_bps ))
slower=$([ "$sha_bps" -lt "$ss_bps" ] && echo SHA-256 || echo secretstream)

echo "generating 1 GiB and $NSMALL files of 4-64 KiB..."
"$shm/bin/mkdata" big "$shm/big.bin" "$BIG" >/dev/null
mkdir "$shm/small"
small_bytes=$("$shm/bin/mkdata" small "$shm/small" "$NSMALL" 4096 65536)
big_sha=$(openssl dgst -sha256 -r "$shm/big.bin" | cut -d' ' -f1)

newdata() { # newdata DIR: a fresh demo data directory
	rm -rf "$1"
	"$BIN" demo --data "$1" --no-serve >/dev/null
	sync
}

# Results: res[test.where] = "best_seconds max_rss_kb cpu_seconds_of_best"
declare -A res
keep() { # keep KEY SECONDS RSS_KB CPU
	local k=$1 s=$2 m=$3 c=$4 old
	old=${res[$k]:-}
	if [ -z "$old" ]; then res[$k]="$s $m $c"; return; fi
	read -r os om oc <<<"$old"
	awk -v s="$s" -v os="$os" 'BEGIN { exit !(s < os) }' && { os=$s; oc=$c; }
	[ "$m" -gt "$om" ] && om=$m
	res[$k]="$os $om $oc"
}

# (a) one large file through the CLI.
cli_big() { # cli_big WHERE DIR
	local d=$2/data
	newdata "$d"
	/usr/bin/time -f "%e %M %U %S" -o "$shm/time" \
		"$BIN" evidence add --data "$d" --case "$CASE" --as se "$shm/big.bin" >"$shm/out"
	read -r _ sha _ <"$shm/out"
	[ "$sha" = "$big_sha" ] || { echo "cli: SHA-256 $sha, expected $big_sha"; exit 1; }
	read -r e m u s <"$shm/time"
	keep "cli.$1" "$e" "$m" "$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')"
	rm -rf "$d"
}

# (b) the same file over HTTP.
ticks() { read -r -a f <"/proc/$1/stat"; echo $((f[13] + f[14])); }
http_big() { # http_big WHERE DIR
	local d=$2/data url token t0 t1 out
	newdata "$d"
	rm -f "$shm/url"
	"$BIN" serve --data "$d" --listen 127.0.0.1:0 --workers 0 --ready-file "$shm/url" >/dev/null 2>"$shm/serve.log" &
	srv=$!
	for _ in $(seq 100); do [ -s "$shm/url" ] && break; sleep 0.1; done
	url=$(cat "$shm/url")
	token=$(curl -sf -XPOST "$url/api/v1/session" -H 'content-type: application/json' \
		-d '{"username":"se","password":"demo"}' | jq -r .token)
	# The login's password hash (Argon2id) has its own peak: note it, then
	# reset the high-water mark so that the upload's is measured alone.
	life=$(awk '/^VmHWM/ { print $2 }' "/proc/$srv/status")
	echo 5 >"/proc/$srv/clear_refs"
	t0=$(ticks "$srv")
	out=$("$shm/bin/upload" "$url" "$token" "$CASE" "$shm/big.bin" "$big_sha")
	t1=$(ticks "$srv")
	read -r e _ conn <<<"$out"
	[ "$conn" = keep-alive ] || echo "http: warning: the connection was not kept alive"
	m=$(awk '/^VmHWM/ { print $2 }' "/proc/$srv/status")
	kill "$srv"; wait "$srv" 2>/dev/null || true; srv=""
	keep "http.$1" "$e" "$m" "$(awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { print t / hz }')"
	keep "login.$1" 0 "$((life > m ? life : m))" 0
	rm -rf "$d"
}

# (c) many small files, one invocation (names relative to keep argv short).
cli_small() { # cli_small WHERE DIR
	local d=$2/data n
	newdata "$d"
	(cd "$shm/small" && /usr/bin/time -f "%e %M %U %S" -o "$shm/time" \
		"$BIN" evidence add --data "$d" --case "$CASE" --as se -- * >"$shm/out")
	n=$(wc -l <"$shm/out")
	[ "$n" -eq "$NSMALL" ] || { echo "small: $n items registered, expected $NSMALL"; exit 1; }
	read -r e m u s <"$shm/time"
	keep "small.$1" "$e" "$m" "$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')"
	rm -rf "$d"
}

for test in cli_big http_big cli_small; do
	for rep in $(seq "$REPS"); do
		for where in disk shm; do
			echo "$test on $where, run $rep/$REPS..."
			if [ $where = disk ]; then $test disk "$disk"; else $test shm "$shm"; fi
		done
	done
done

# ---- report ------------------------------------------------------------

read -r tot1 steal1 <<<"$(cpustat)"
steal=$(awk -v s=$((steal1 - steal0)) -v t=$((tot1 - tot0)) 'BEGIN { printf "%.0f", t ? 100 * s / t : 0 }')

mbs() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1e6 }'; }
field() { read -r -a f <<<"${res[$1]}"; echo "${f[$2]}"; }
rate() { awk -v b="$1" -v s="$(field "$2" 0)" 'BEGIN { printf "%.0f", b / s }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
okge() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "met" : "MISSED" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rssok() { [ "$(field "$1" 1)" -lt "$RSS_MAX_KB" ] && echo met || echo MISSED; }

dd_disk_bps=$(awk -v s="$dd_disk" -v b="$BIG" 'BEGIN { printf "%.0f", b / s }')
dd_shm_bps=$(awk -v s="$dd_shm" -v b="$BIG" 'BEGIN { printf "%.0f", b / s }')
row_big() { # row_big KEY LABEL FACTOR WHERE
	local k=$1 bps r
	bps=$(rate "$BIG" "$k")
	if [ "$4" = shm ]; then
		r=$(ratio "$bps" "$min_bps")
		printf '| %s | %s s | %s MB/s | %s s | %s MiB | %s × %s (target ≥ %s) | %s | %s |\n' "$2" \
			"$(field "$k" 0)" "$(mbs "$bps")" "$(field "$k" 2)" "$(mib "$(field "$k" 1)")" \
			"$r" "$slower" "$3" "$(okge "$r" "$3")" "$(rssok "$k")"
	else
		printf '| %s | %s s | %s MB/s | %s s | %s MiB | %s × dd conv=fsync (no target) | – | %s |\n' "$2" \
			"$(field "$k" 0)" "$(mbs "$bps")" "$(field "$k" 2)" "$(mib "$(field "$k" 1)")" \
			"$(ratio "$bps" "$dd_disk_bps")" "$(rssok "$k")"
	fi
}
row_small() { # row_small KEY LABEL JUDGED
	local k=$1 fps
	fps=$(rate "$NSMALL" "$k")
	printf '| %s | %s s | %s files/s (%s MB/s) | %s s | %s MiB | %s × 2,000 files/s%s | %s | %s |\n' "$2" \
		"$(field "$k" 0)" "$fps" "$(mbs "$(rate "$small_bytes" "$k")")" "$(field "$k" 2)" \
		"$(mib "$(field "$k" 1)")" "$(ratio "$fps" 2000)" "$([ "$3" = yes ] || echo " (not judged)")" \
		"$([ "$3" = yes ] && okge "$fps" 2000 || echo –)" "$(rssok "$k")"
}

cat <<REPORT

## bench/ingest — $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
$("$BIN" --version) (${BIN}; repository at $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src 2>/dev/null || echo ', src modified')), best of ${REPS} runs each from a fresh demo data directory; disk: $(df -P "$disk" | awk 'NR == 2 { print $1 }') ($(stat -f -c %T "$disk")). Load average at the start ${load0}; CPU time stolen by the hypervisor during the run: ${steal}%.

| baseline (same run) | figure |
| --- | ---: |
| SHA-256, one core (openssl speed -evp sha256, 16 KiB blocks) | $(mbs "$sha_bps") MB/s |
| secretstream push, one core, 64 KiB chunks | $(mbs "$ss_bps") MB/s |
| secretstream push, one core, 4 KiB chunks (for reference) | $(mbs "$ss4_bps") MB/s |
| the slower of SHA-256 and secretstream (64 KiB) | $(mbs "$min_bps") MB/s ($slower) |
| disk: dd 1 GiB bs=1M conv=fsync | $(mbs "$dd_disk_bps") MB/s |
| /dev/shm: dd 1 GiB bs=1M into a new file | $(mbs "$dd_shm_bps") MB/s |

| run | wall | throughput | CPU (user+sys) | peak RSS | vs target | result | RSS < 64 MiB |
| --- | ---: | ---: | ---: | ---: | --- | --- | --- |
$(row_big cli.shm "(a) CLI, 1 GiB file, data on /dev/shm" 0.8 shm)
$(row_big cli.disk "(a) CLI, 1 GiB file, data on disk (durable)" 0.8 disk)
$(row_big http.shm "(b) HTTP, 1 GiB in 8 MiB chunks, data on /dev/shm" 0.5 shm)
$(row_big http.disk "(b) HTTP, 1 GiB in 8 MiB chunks, data on disk (durable)" 0.5 disk)
$(row_small small.disk "(c) CLI, ${NSMALL} files of 4–64 KiB, data on disk (durable)" yes)
$(row_small small.shm "(c) CLI, ${NSMALL} files of 4–64 KiB, data on /dev/shm" no)

CPU for HTTP is the server's alone (during the upload). Peak RSS is the CLI's (/usr/bin/time) or, for HTTP, the server's VmHWM during the upload (reset after the login). The server's whole-life peak, start + login + upload: $(mib "$(field login.disk 1)") MiB (disk), $(mib "$(field login.shm 1)") MiB (/dev/shm) — < 64 MiB: $( [ "$(rssok login.disk)" = met ] && [ "$(rssok login.shm)" = met ] && echo met || echo MISSED).
REPORT
