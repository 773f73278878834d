#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The Debian package: built with CPack, its dependencies declared, unpacked into a
# throwaway root (dpkg -x), and its systemd unit's own command lines run there (the test
# machines do not boot systemd): the first start creates the data directory, the server
# answers /readyz, stops cleanly on SIGTERM, and starts again on the same data. Also the
# unit's sandbox, the manual pages, bash completion and make install.
NAME=package
TOOLS="jq curl dpkg-deb cpack groff bash"
CLI_TESTS=$(cd "$(dirname "$0")/../cli" && pwd)
. "$CLI_TESTS/lib.sh"
unset CUSTODIA_DB CUSTODIA_BLOBS CUSTODIA_CONFIG
BUILD=${CU_BUILD_DIR:?CU_BUILD_DIR must name the build directory}
VERSION=$("$B" --version | awk '{ print $2 }')
umask 022

# ---- the package ------------------------------------------------------------------
expect 0 "cpack builds the package" cpack --config "$BUILD/CPackConfig.cmake" -B "$T/pkg"
DEB=$T/pkg/custodia_${VERSION}_amd64.deb
check "... named custodia_${VERSION}_amd64.deb" test -f "$DEB"
run dpkg-deb -f "$DEB" Depends
for lib in libsqlite3-0 libpq5 libcurl4 libsodium23 libssl3 libjansson4 libh2o-evloop libicu libmagic1 \
	libarchive13 libtesseract5 libpoppler-glib8 libgmime-3.0; do
	check "... depends on $lib" has_out "$lib"
done
run dpkg-deb -I "$DEB" conffiles
check "... /etc/custodia/custodia.conf is a conffile" has_out '^/etc/custodia/custodia.conf$'

R=$T/root
expect 0 "dpkg -x unpacks it into a throwaway root" dpkg -x "$DEB" "$R"
for f in usr/bin/custodia usr/lib/custodia/custodia-extract.so \
	usr/lib/systemd/system/custodia.service etc/custodia/custodia.conf \
	usr/share/bash-completion/completions/custodia usr/share/man/man1/custodia.1 \
	usr/share/doc/custodia/copyright; do
	check "... /$f" test -s "$R/$f"
done
CU=$R/usr/bin/custodia
expect 0 "the packaged configuration is valid" "$CU" config check "$R/etc/custodia/custodia.conf"
# The binary loads the extraction engines from /usr/lib/custodia on first use (module.h).
expect 0 "the packaged binary loads the demo" "$CU" demo --data "$T/pkgdemo" --no-serve
expect 0 "... and extracts its text with the packaged module" "$CU" jobs run --data "$T/pkgdemo" --json
expect 0 "... jobs" "$CU" jobs --data "$T/pkgdemo" --as se --json
jqt "... all done" '(.items | length) >= 3 and all(.items[]; .state == "done")'

# ---- the unit's sandbox ------------------------------------------------------------
UNIT=$R/usr/lib/systemd/system/custodia.service
for line in 'DynamicUser=yes' 'StateDirectory=custodia' 'ProtectSystem=strict' 'PrivateTmp=yes' \
	'NoNewPrivileges=yes' 'ProtectHome=yes' 'UMask=0077'; do
	check "the unit has $line" grep -qx "$line" "$UNIT"
done
check "... and no ReadWritePaths (only its StateDirectory is writable)" sh -c "! grep -q '^ReadWritePaths' '$UNIT'"
if command -v systemd-analyze >/dev/null 2>&1; then
	sed "s|/usr/bin/custodia|$CU|g" "$UNIT" >"$T/custodia.service"
	expect 0 "systemd-analyze verify accepts the unit" systemd-analyze verify --man=no "$T/custodia.service"
	run systemd-analyze security --offline=yes --no-pager "$T/custodia.service"
	score=$(sed -n 's/.*Overall exposure level for custodia.service: \([0-9.]*\).*/\1/p' "$OUT")
	check "systemd-analyze security rates its exposure at most 2.0 (got $score)" \
		awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }'
fi

# ---- the unit's command lines, run in the root ---------------------------------------
# unit_cmd KEY: the unit's KEY= line, its paths moved into $R.
unit_cmd() {
	sed -n "s/^$1=//p" "$UNIT" | sed -e "s|/usr/bin/custodia|$CU|g" \
		-e "s|/var/lib/custodia|$R/var/lib/custodia|g" -e "s|/etc/custodia|$R/etc/custodia|g"
}
PRE=$(unit_cmd ExecStartPre)
START=$(unit_cmd ExecStart)
ENVS=$(unit_cmd Environment)
check "the unit starts custodia serve" sh -c "echo '$START' | grep -q ' serve'"
# The packaged file names /var/lib/custodia; in the root it is $R/var/lib/custodia.
sed -i "s|/var/lib/custodia|$R/var/lib/custodia|g" "$R/etc/custodia/custodia.conf"
mkdir -m 0700 -p "$R/var/lib/custodia" # systemd makes the StateDirectory

# start: runs ExecStartPre then ExecStart as systemd would (UMask=0077), on a free port
# (CUSTODIA_LISTEN beats the file's 127.0.0.1:8080); sets SRV and U once /readyz answers.
start() {
	for try in 1 2 3 4 5; do
		port=$((20000 + ($$ * 7 + try * 131) % 30000))
		# shellcheck disable=SC2086
		(umask 077; env $ENVS CUSTODIA_LISTEN=127.0.0.1:$port sh -c "$PRE") >"$T/pre.log" 2>&1 || return 1
		# shellcheck disable=SC2086
		(umask 077; exec env $ENVS CUSTODIA_LISTEN=127.0.0.1:$port CUSTODIA_WORKERS=0 $START) \
			>"$T/serve.log" 2>&1 &
		SRV=$!
		U=http://127.0.0.1:$port
		for _ in $(seq 100); do
			if curl -sf "$U/readyz" >/dev/null 2>&1; then return 0; fi
			kill -0 "$SRV" 2>/dev/null || break
			sleep 0.1
		done
		kill "$SRV" 2>/dev/null
		wait "$SRV" 2>/dev/null
	done
	return 1
}
check "first start: ExecStartPre initialises, ExecStart serves, /readyz answers" start
check "... the data directory is the root's /var/lib/custodia" test -f "$R/var/lib/custodia/master.key"
check "... its keys are 0600" sh -c "[ \$(stat -c %a '$R/var/lib/custodia/master.key') = 600 ]"
PWF=$R/var/lib/custodia/initial-admin-password
check "... the administrator's password is in initial-admin-password (0600)" mode_is "$PWF" 600
check "... and not in the log" sh -c "! grep -qF \"\$(cat '$PWF')\" '$T/pre.log' '$T/serve.log'"
login() {
	curl -sf -XPOST -H 'content-type: application/json' "$U/api/v1/session" \
		-d "{\"username\":\"admin\",\"password\":\"$(cat "$PWF")\"}" | jq -e .token >/dev/null
}
check "... and it logs in" login
kill -TERM "$SRV"
wait "$SRV"
rc=$?
check "SIGTERM stops it cleanly (exit 0, got $rc)" test "$rc" = 0
check "... and the port is closed" sh -c "! curl -s '$U/healthz' >/dev/null 2>&1"
check "second start: the data directory is kept" start
check "... ExecStartPre says so" grep -q "already initialised" "$T/pre.log"
check "... the same password logs in" login
kill -TERM "$SRV"
wait "$SRV"
check "... and it stops cleanly again" test "$?" = 0

# ---- manual pages ------------------------------------------------------------------
"$CU" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' >"$T/commands"
check "custodia --help lists commands" test -s "$T/commands"
for c in $(cat "$T/commands"); do
	page=$R/usr/share/man/man1/custodia-$c.1
	if [ -f "$page" ] && LC_ALL=C.UTF-8 groff -k -Tutf8 -ww -man "$page" 2>"$T/groff.err" |
		grep -q "custodia-$c" && [ ! -s "$T/groff.err" ]; then
		pass "man page custodia-$c(1) renders without warnings"
	else
		fail "man page custodia-$c(1)"
		sed 's/^/     | /' "$T/groff.err" | head -5
	fi
done
check "custodia-serve(1) documents --listen from serve --help" sh -c \
	"LC_ALL=C.UTF-8 groff -k -Tutf8 -man '$R/usr/share/man/man1/custodia-serve.1' | grep -q 'listen ADDR:PORT'"

# ---- bash completion -----------------------------------------------------------------
# complete WORDS...: what the packaged completion offers for the last word.
complete_words() {
	PATH=$R/usr/bin:$PATH bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _custodia
		printf "%s\n" "${COMPREPLY[@]}"' "$R/usr/share/bash-completion/completions/custodia" "$@"
}
complete_words custodia ca >"$OUT"
check "completion: 'custodia ca' offers case" grep -qx case "$OUT"
complete_words custodia ledger "" >"$OUT"
check "completion: 'custodia ledger ' offers verify and prove" sh -c "grep -qx verify '$OUT' && grep -qx prove '$OUT'"
complete_words custodia serve --li >"$OUT"
check "completion: 'custodia serve --li' offers --listen" grep -qx -e --listen "$OUT"

# ---- make install ------------------------------------------------------------------------
expect 0 "cmake --install (make install) into a DESTDIR" env DESTDIR="$T/inst" \
	cmake --install "$BUILD" --prefix /usr
check "... installs the binary, its extraction module, unit, configuration and pages" sh -c "test -x '$T/inst/usr/bin/custodia' &&
	test -f '$T/inst/usr/lib/custodia/custodia-extract.so' &&
	test -f '$T/inst/usr/lib/systemd/system/custodia.service' && test -f '$T/inst/etc/custodia/custodia.conf' &&
	test -f '$T/inst/usr/share/man/man1/custodia-case.1'"

finish
