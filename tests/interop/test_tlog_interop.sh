#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Interoperability of custodia's ledger with Go's golang.org/x/mod/sumdb/tlog and note packages:
# tlogcheck (tlogcheck/main.go) reads a running server's C2SP checkpoint and tiles and must verify
# the signature, every entry's inclusion and the consistency of successive checkpoints, and find
# custodia's own RFC 9162 proofs identical to the ones x/mod computes.
#
# Trees audited: the demo data's (every tile partial), one grown to a multiple of 256 entries
# (full level-0 tiles, a level-1 tile, no partial entry bundle), one past that after a login, and
# one signed by `custodia ledger checkpoint` while the server is down.
#
# Usage: CU_BIN=/path/to/custodia sh test_tlog_interop.sh
# Needs go (Debian golang-go) and the x/mod sources (golang-golang-x-mod-dev), curl and jq. The Go
# program is built in GOPATH mode (no network): GO111MODULE=off, GOPATH=/usr/share/gocode (or
# $CU_GOPATH), GOCACHE in the temporary directory (or $CU_GOCACHE, to reuse a build cache).
# Prints one line per check and ends with "N passed, M failed"; exits 1 if any check failed.

set -u

B=${CU_BIN:?CU_BIN must name the custodia binary}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
HERE=$(cd "$(dirname "$0")" && pwd) || exit 2
GOPATH_DIR=${CU_GOPATH:-/usr/share/gocode}

# No Go, no test: in CI this is a missing dependency, not a reason to skip.
GO=$(command -v go 2>/dev/null || true)
[ -n "$GO" ] || { [ -x /usr/lib/go/bin/go ] && GO=/usr/lib/go/bin/go; }
if [ -z "$GO" ]; then
	echo "test_tlog_interop.sh: FAIL: the go command is not installed; this test builds a Go" \
		"program against golang.org/x/mod/sumdb/tlog (apt-get install golang-go" \
		"golang-golang-x-mod-dev, as scripts/deps.sh does)" >&2
	exit 1
fi
for p in sumdb/tlog sumdb/note; do
	if [ ! -d "$GOPATH_DIR/src/golang.org/x/mod/$p" ]; then
		echo "test_tlog_interop.sh: FAIL: $GOPATH_DIR/src/golang.org/x/mod/$p is missing" \
			"(apt-get install golang-golang-x-mod-dev, as scripts/deps.sh does)" >&2
		exit 1
	fi
done
for c in curl jq; do
	if ! command -v $c >/dev/null 2>&1; then
		echo "test_tlog_interop.sh: FAIL: $c is required" >&2
		exit 1
	fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/cu-interop-XXXXXX") || exit 2
SRV=
stop_server() {
	if [ -n "$SRV" ]; then
		kill "$SRV" 2>/dev/null
		wait "$SRV" 2>/dev/null
		SRV=
	fi
}
trap 'stop_server; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP
cd "$T" || exit 2
unset CUSTODIA_DATA CUSTODIA_USER CUSTODIA_PASSWORD
D=$T/data

passed=0
failed=0
pass() {
	passed=$((passed + 1))
	echo "ok   $*"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL $*"
}
now() { date +%s.%N | cut -c1-14; }
elapsed() { echo "$1 $(now)" | awk '{printf "%.1f", $2 - $1}'; }
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ] && exit 0
	exit 1
}
# bail MESSAGE [FILE]: a failure the rest cannot do without; shows FILE's end.
bail() {
	fail "$1"
	[ -n "${2:-}" ] && [ -f "$2" ] && tail -n 20 "$2" | sed 's/^/     | /'
	finish
}

t0=$(now)

# ---- build tlogcheck ---------------------------------------------------------

t=$(now)
if (unset GOFLAGS && cd "$HERE/tlogcheck" && GO111MODULE=off GOPATH="$GOPATH_DIR" \
	GOCACHE="${CU_GOCACHE:-$T/gocache}" GOPROXY=off CGO_ENABLED=0 \
	"$GO" build -o "$T/tlogcheck" .) >"$T/build.log" 2>&1; then
	pass "go build tlogcheck ($("$GO" version | cut -d' ' -f3), x/mod from $GOPATH_DIR; $(elapsed "$t") s)"
else
	bail "go build tlogcheck" "$T/build.log"
fi

# ---- a server with the demo data -------------------------------------------

"$B" demo --data "$D" --no-serve >"$T/demo.log" 2>&1 || bail "custodia demo --no-serve" "$T/demo.log"
VKEY=$("$B" ledger key --data "$D" 2>"$T/key.err") || bail "custodia ledger key" "$T/key.err"
case $VKEY in
*+*+*) pass "custodia ledger key prints a verifier key ($VKEY)" ;;
*) bail "custodia ledger key printed \"$VKEY\", not name+hash+key" ;;
esac

start_server() {
	rm -f "$T/url"
	"$B" serve --data "$D" --listen 127.0.0.1:0 --threads 2 --ready-file "$T/url" \
		</dev/null >>"$T/server.log" 2>&1 &
	SRV=$!
	i=0
	while [ $i -lt 200 ]; do
		if [ -s "$T/url" ] && grep -q '^http://' "$T/url"; then
			U=$(head -n 1 "$T/url")
			return 0
		fi
		kill -0 "$SRV" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	SRV=
	bail "custodia serve did not become ready within 10 s" "$T/server.log"
}

# tlogcheck LABEL ARGS...: runs the Go program, shows its lines and adds up its checks.
tlogcheck() {
	label=$1
	shift
	t=$(now)
	"$T/tlogcheck" -url "$U" -vkey "$VKEY" "$@" >"$T/check.out" 2>&1
	rc=$?
	sed -e '/^tlogcheck: /d' "$T/check.out"
	p=$(grep -c '^ok ' "$T/check.out")
	f=$(grep -c '^FAIL ' "$T/check.out")
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		fail "tlogcheck $label exited $rc without naming a failed check"
		tail -n 5 "$T/check.out" | sed 's/^/     | /'
	fi
	echo "     ($label: $(grep '^tlogcheck: ' "$T/check.out" | cut -d' ' -f2-), $(elapsed "$t") s)"
}

# size: the ledger's current number of entries (a consistency proof from 1 names it).
size() { curl -sS "$U/api/v1/ledger/proof/consistency?from=1" | jq -e .to; }

start_server
pass "custodia serve is ready at $U"

# 1. The demo data's tree: every tile partial.
tlogcheck "demo tree" -save "$T/cp1"

# 2. Grow the tree to a multiple of 256 (at least 512): full level-0 tiles and entry bundles,
# a level-1 tile, and a consistency proof across tile boundaries.
TOKEN=$(curl -sS -X POST -H 'content-type: application/json' "$U/api/v1/session" \
	-d '{"username":"se","password":"demo"}' | jq -er .token) || bail "log in as se"
S=$(size) || bail "read the ledger size"
WANT=$(((S / 256 + 2) * 256))
: >"$T/grow.cfg"
i=$S
while [ $i -lt $WANT ]; do
	[ $i != "$S" ] && echo next >>"$T/grow.cfg"
	cat >>"$T/grow.cfg" <<EOF
url = "$U/api/v1/cases"
request = "POST"
header = "content-type: application/json"
header = "authorization: Bearer $TOKEN"
data = "{\"title\":\"interop $i\",\"crime_types\":[\"cybercrime\"]}"
output = "/dev/null"
write-out = "%{http_code}\n"
EOF
	i=$((i + 1))
done
t=$(now)
curl -sS -K "$T/grow.cfg" >"$T/grow.out" 2>&1
n201=$(grep -c '^201$' "$T/grow.out")
S2=$(size) || bail "read the ledger size"
if [ "$n201" = $((WANT - S)) ] && [ "$S2" -ge "$WANT" ]; then
	pass "$n201 cases created: the ledger has $S2 entries ($(elapsed "$t") s)"
else
	fail "creating $((WANT - S)) cases: $n201 answered 201, the ledger has $S2 entries, want $WANT"
	sort "$T/grow.out" | uniq -c | sed 's/^/     | /'
fi
tlogcheck "tree of $WANT" -old "$T/cp1" -want-size "$WANT" -save "$T/cp2"

# 3. One login more (a session.login entry): a new partial tile after full ones.
curl -sS -o /dev/null -X POST -H 'content-type: application/json' "$U/api/v1/session" \
	-d '{"username":"se","password":"demo"}' || fail "log in as se again"
W3=$(size) || bail "read the ledger size"
tlogcheck "after a login" -old "$T/cp2" -want-size "$W3" -save "$T/cp3"

# 4. With the server down, a write and a checkpoint signed by `custodia ledger checkpoint`,
# which the restarted server serves.
stop_server
if "$B" ledger verify --data "$D" >"$T/verify.out" 2>&1; then
	pass "custodia ledger verify: $(cat "$T/verify.out")"
else
	fail "custodia ledger verify" && sed 's/^/     | /' "$T/verify.out"
fi
if "$B" case create --data "$D" --as se --title "interop offline" --crime-type cybercrime \
	>"$T/case.out" 2>&1 &&
	"$B" ledger checkpoint --data "$D" >"$T/cp4" 2>"$T/cp4.err"; then
	pass "custodia ledger checkpoint signs the tree of $(sed -n 2p "$T/cp4") entries"
else
	cat "$T/case.out" "$T/cp4.err" >"$T/offline.log"
	bail "an offline write and custodia ledger checkpoint" "$T/offline.log"
fi
start_server
tlogcheck "CLI checkpoint" -old "$T/cp3" -want-size "$(sed -n 2p "$T/cp4")" -save "$T/cp5"
if cmp -s "$T/cp4" "$T/cp5"; then
	pass "the server serves the checkpoint the CLI signed, byte for byte"
else
	fail "the server's checkpoint differs from the one custodia ledger checkpoint printed"
	diff "$T/cp4" "$T/cp5" | sed 's/^/     | /'
fi

stop_server
echo "     (total $(elapsed "$t0") s)"
finish
