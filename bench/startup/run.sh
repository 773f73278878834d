#!/bin/bash
# bench/startup: what a custodia command costs before it does anything, against
# baselines measured in the same run:
#   empty        an empty C program (the floor: fork, exec, the C library)
#   libs         the empty program linked with exactly the binary's libraries
#                (its DT_NEEDED entries): what loading and resolving them costs
#   libs+module  the same with the extraction module's libraries as well: the
#                binary as it was when it linked the extraction engines itself
#   custodia --version, case list (as se, on a fresh demo) and ledger verify
#                (the demo's ledger; issue 4 counts its wall clock), and the
#                same commands of BASE_BIN if given (e.g. an older build)
# Each of RUNS (50) rounds runs every command once, in turn; medians in ms.
# Prints a markdown section for bench/RESULTS.md.
#
# Usage: bench/startup/run.sh. Env: CU_BUILD (default ./build), RUNS, BASE_BIN.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=$(realpath "${CU_BUILD:-./build}")
BIN=$BUILD/custodia
MOD=$BUILD/custodia-extract.so
RUNS=${RUNS:-50}
export LC_ALL=C
for t in cc readelf; do
	command -v "$t" >/dev/null || { echo "bench/startup: $t is missing"; exit 1; }
done
if [ ! -x "$BIN" ] || [ ! -f "$MOD" ]; then echo "bench/startup: no $BIN or $MOD (build first)"; exit 1; fi

load0=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d "${TMPDIR:-/tmp}/cu-bench-startup.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# The sonames a file needs, and where the dynamic loader finds them.
needed_so() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u; }
libflags() {
	for so in "$@"; do
		path=$(ldconfig -p | awk -v s="$so" '$1 == s && /x86-64/ { print $NF; exit }')
		[ -n "$path" ] && echo "$path"
	done
}
echo 'int main(void) { return 0; }' >"$work/empty.c"
cc -O2 "$work/empty.c" -o "$work/empty"
# shellcheck disable=SC2046
cc -O2 "$work/empty.c" -o "$work/libs" -Wl,--no-as-needed $(libflags $(needed_so "$BIN"))
# shellcheck disable=SC2046
cc -O2 "$work/empty.c" -o "$work/libs_module" -Wl,--no-as-needed \
	$(libflags $(needed_so "$BIN") $(needed_so "$MOD"))
nlibs=$(ldd "$work/libs" | grep -c '=>' || true)
nlibs_mod=$(ldd "$work/libs_module" | grep -c '=>' || true)
nbin=$(ldd "$BIN" | grep -c '=>' || true)

"$BIN" demo --data "$work/d" --no-serve >/dev/null
export CUSTODIA_DATA=$work/d
names=(empty libs libs+module "custodia --version" "custodia case list" "custodia ledger verify")
cmds=("$work/empty" "$work/libs" "$work/libs_module" "$BIN --version"
	"$BIN case list --as se" "$BIN ledger verify")
if [ -n "${BASE_BIN:-}" ]; then
	names+=("BASE --version" "BASE case list" "BASE ledger verify")
	cmds+=("$BASE_BIN --version" "$BASE_BIN case list --as se" "$BASE_BIN ledger verify")
fi
n=${#cmds[@]}
for ((i = 0; i < n; i++)); do : >"$work/t$i"; done
for ((r = 0; r < RUNS; r++)); do
	for ((i = 0; i < n; i++)); do
		a=$(date +%s%N)
		${cmds[$i]} >/dev/null 2>&1 || { echo "bench/startup: ${cmds[$i]} failed"; exit 1; }
		b=$(date +%s%N)
		echo $(((b - a) / 1000)) >>"$work/t$i"
	done
done
med() { sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'; }
load1=$(cut -d' ' -f1-3 /proc/loadavg)

echo "## bench/startup — $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "Load average before: $load0, after: $load1. Median of $RUNS rounds, each command once per round in turn."
echo
echo "| run | median ms | |"
echo "| --- | ---: | --- |"
for ((i = 0; i < n; i++)); do
	note=
	case $i in
	1) note="the binary's $nlibs libraries (ldd)" ;;
	2) note="$nlibs_mod libraries: the binary's and the extraction module's" ;;
	3) note="the binary loads $nbin libraries" ;;
	esac
	echo "| ${names[$i]} | $(med "$work/t$i") | $note |"
done
