# SPDX-License-Identifier: Apache-2.0
# Shared by the command-line tests: a temporary working directory and the check helpers.
# A test sets NAME (for messages) and TOOLS (the commands it needs besides the binary),
# sources this file, then runs its checks and ends with `finish`.
#
# Each check prints one line ("ok   ..." or "FAIL ..." with the command's output beneath)
# and `finish` prints "N passed, M failed" and fails if any check failed.

set -u
CLI_TESTS=${CLI_TESTS:-$(cd "$(dirname "$0")" && pwd)} # tests/cli (a test elsewhere sets it)

B=${CU_BIN:?CU_BIN must name the custodia binary}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
for tool in $TOOLS; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "$NAME: $tool is required" >&2
		exit 2
	fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/cu-$NAME-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP
cd "$T" || exit 2
unset CUSTODIA_DATA CUSTODIA_USER CUSTODIA_PASSWORD
umask 022

. "$CLI_TESTS/db.sh"

passed=0
failed=0
OUT=$T/out
ERR=$T/err
TODAY=$(date -u +%Y-%m-%d)

pass() {
	passed=$((passed + 1))
	echo "ok   $*"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL $*"
}

# Shows the last command's output under a failed check.
show() {
	sed -n '1,8s/^/     | out: /p' "$OUT"
	sed -n '1,8s/^/     | err: /p' "$ERR"
}

# run COMMAND ARGS...: runs with stdin from /dev/null; sets rc, $OUT, $ERR.
run() {
	"$@" >"$OUT" 2>"$ERR" </dev/null
	rc=$?
}

# expect RC DESCRIPTION COMMAND ARGS...: runs and checks the exit code.
expect() {
	want=$1 desc=$2
	shift 2
	run "$@"
	if [ "$rc" = "$want" ]; then
		pass "$desc"
	else
		fail "$desc (exit $rc, want $want)"
		show
	fi
}

# check DESCRIPTION COMMAND ARGS...: passes if the command succeeds.
check() {
	desc=$1
	shift
	if "$@" >/dev/null 2>&1; then
		pass "$desc"
	else
		fail "$desc"
		show
	fi
}

# jqt DESCRIPTION FILTER: passes if $OUT holds one JSON value and FILTER is true of it.
# (jq 1.6 -e exits 0 on empty input, hence the count.)
jqt() {
	if [ "$(jq -s length "$OUT" 2>/dev/null)" = 1 ] && jq -e "$2" "$OUT" >/dev/null 2>&1; then
		pass "$1"
	else
		fail "$1 (jq: $2)"
		show
	fi
}

has_out() { grep -q -e "$1" "$OUT"; }
has_err() { grep -q -e "$1" "$ERR"; }
lacks_out() { ! grep -q -F -e "$1" "$OUT"; }
lacks_err() { ! grep -q -F -e "$1" "$ERR"; }
err_empty() { [ ! -s "$ERR" ]; }
out_lines() { [ "$(wc -l <"$OUT")" -eq "$1" ]; }
mode_is() { [ "$(stat -c %a "$1")" = "$2" ]; }

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
