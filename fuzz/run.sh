#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs the libFuzzer targets of a CU_BUILD_FUZZERS build (make fuzz), one at a
# time, each for SECONDS, on a work corpus kept in BUILD/corpora/NAME (seeded
# from fuzz/corpora/NAME, which stays small). Crashes, leaks and timeouts land
# in BUILD/artifacts/NAME/. Each run appends a line to BUILD/fuzz-log.tsv:
#   date  target  cpu_seconds  result  work_corpus_files  commit
# so that CPU time without a crash adds up over runs (--summary).
#
#   run.sh BUILD SECONDS [NAME...]   fuzz (all targets if none named)
#   run.sh --merge BUILD [NAME...]   add the work corpus's inputs that reach new
#                                    coverage to fuzz/corpora/NAME (-merge=1)
#   run.sh --summary BUILD           CPU minutes per target since its last crash
set -eu
src=$(cd "$(dirname "$0")" && pwd)
mode=fuzz
case "${1:-}" in
--merge) mode=merge; shift ;;
--summary) mode=summary; shift ;;
esac
build=${1:?usage: run.sh [--merge|--summary] BUILD [SECONDS] [NAME...]}
shift
log="$build/fuzz-log.tsv"

if [ "$mode" = summary ]; then
	[ -f "$log" ] || { echo "no runs yet ($log)"; exit 0; }
	# A crash resets the target's count: what counts is the time the
	# current code has run without one. A run marked "void" by hand counts
	# neither way: libFuzzer's -timeout is wall-clock time, so a fuzzer
	# stopped with SIGSTOP for longer than that reports a timeout on resuming
	# that is no finding (replay the input to tell; bench/RESULTS.md says
	# which runs were voided and why).
	awk -F'\t' '
		{ if (!($2 in cpu)) order[n++] = $2
		  if ($4 == "ok") { cpu[$2] += $3 }
		  else if ($4 != "void") { cpu[$2] = 0; crashes[$2]++ }
		  runs[$2]++; last[$2] = $1 }
		END { printf "%-12s %10s %6s %8s  %s\n", "target", "cpu-min", "runs", "crashes", "last run"
		      for (i = 0; i < n; i++) { t = order[i]
		        printf "%-12s %10.1f %6d %8d  %s\n", t, cpu[t] / 60, runs[t], crashes[t],
		               last[t] } }' "$log"
	exit 0
fi

seconds=60
if [ "$mode" = fuzz ]; then
	seconds=${1:?usage: run.sh BUILD SECONDS [NAME...]}
	shift
fi
if [ $# -eq 0 ]; then
	set -- $(cd "$src/corpora" && for d in *; do [ -d "$d" ] && echo "$d"; done)
fi
commit=$(git -C "$src" describe --always --dirty 2>/dev/null || echo unknown)
status=0
for name in "$@"; do
	bin="$build/fuzz/fuzz_$name"
	[ -x "$bin" ] || { echo "$name: no $bin (make fuzz builds it)" >&2; exit 1; }
	work="$build/corpora/$name"
	mkdir -p "$work" "$build/artifacts/$name"
	if [ "$mode" = merge ]; then
		# Only inputs that add coverage to the committed corpus.
		before=$(ls "$src/corpora/$name" | wc -l)
		"$bin" -merge=1 "$src/corpora/$name" "$work" >"$build/artifacts/$name/merge.log" 2>&1
		echo "$name: $before -> $(ls "$src/corpora/$name" | wc -l) seed files"
		continue
	fi
	# The seeds join the work corpus; what libFuzzer adds stays there.
	cp -n "$src/corpora/$name"/* "$work"/ 2>/dev/null || true
	out="$build/artifacts/$name/last.log"
	t0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	rc=0
	# Input size and time limits keep a run honest: a hang is a finding.
	nice -n 19 "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -artifact_prefix="$build/artifacts/$name/" -print_final_stats=1 \
		"$work" >"$out" 2>&1 || rc=$?
	# CPU time of the fuzzer (a waited-for child): this shell's children total.
	cpu=$(awk -v t0="$t0" -v hz="$(getconf CLK_TCK)" \
		'{ printf "%d", ($14 + $15 + $16 + $17 - t0) / hz }' /proc/$$/stat)
	if [ $rc -eq 0 ]; then
		result=ok
	else
		result=crash
		status=1
	fi
	files=$(ls "$work" | wc -l)
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$name" "$cpu" \
		"$result" "$files" "$commit" >>"$log"
	printf '%-12s %6s CPU-s  %-5s corpus %s' "$name" "$cpu" "$result" "$files"
	if [ $result = crash ]; then
		printf '  (%s; see %s)' "$(ls -t "$build/artifacts/$name" | grep -E \
			'^(crash|leak|timeout|oom|slow-unit)-' | head -1)" "$out"
	fi
	echo
done
exit $status
