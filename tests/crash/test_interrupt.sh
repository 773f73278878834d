#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# An operator's Ctrl-C or SIGTERM in the middle of a backup or a restore: the command
# stops with 128+N and removes what it began (the backup's snapshot of the records, in
# the clear, in the data directory; the restore's staging directory, with the keys,
# beside the target). failio (CU_FAILIO_HOLD) holds the process at a write of the step
# to interrupt, so that the signal comes mid-way every time, not by luck of timing.
# Usage: CU_BIN=build/custodia CU_FAILIO=build/tests/crash/libcu_failio.so sh test_interrupt.sh

NAME=interrupt
TOOLS="jq"
CLI_TESTS=$(cd "$(dirname "$0")/../cli" && pwd)
. "$CLI_TESTS/lib.sh"
F=${CU_FAILIO:?CU_FAILIO must name the failio shim}

D=$T/d
echo "correct horse battery staple" >"$T/pass"
P="--passphrase-file $T/pass"
"$B" demo --data "$D" --no-serve >/dev/null 2>&1 || { echo "demo failed"; exit 2; }

# held LOG: waits (10 s at most) until failio holds the process.
held() { for _ in $(seq 200); do grep -q '^held ' "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }

# interrupted SIGNAL DIR COMMAND...: runs COMMAND under failio, held at its first write
# under DIR, sends SIGNAL there, lets it go on; sets rc, $OUT, $ERR.
interrupted() {
	sig=$1 dir=$2
	shift 2
	: >"$T/hold"
	rm -f "$T/failio.log"
	LD_PRELOAD=$F CU_FAILIO_DIR=$dir CU_FAILIO_HOLD=$T/hold CU_FAILIO_LOG=$T/failio.log \
		"$@" >"$OUT" 2>"$ERR" </dev/null &
	pid=$!
	if held "$T/failio.log"; then
		kill "-$sig" "$pid"
		sleep 0.2
	else
		echo "     | the process was never held at a write under $dir"
	fi
	rm -f "$T/hold"
	wait "$pid"
	rc=$?
}

# ---- backup ------------------------------------------------------------------------------

interrupted TERM "$T/tgt" "$B" backup --data "$D" --to "$T/tgt" $P
check "SIGTERM during a backup's copy of the evidence: exit 143 (128+15) ($rc)" [ "$rc" = 143 ]
check "... saying it was interrupted" has_err 'interrupted (SIGTERM)'
check "... the snapshot of the records is gone from the data directory" \
	sh -c '[ -z "$(find "$1" -maxdepth 1 -name "backup-*.tmp")" ]' sh "$D"
expect 0 "... the target lists no backup" "$B" backup --list --from "$T/tgt" --json
jqt "... (none)" 'length == 0'
expect 0 "a backup afterwards goes through" "$B" backup --data "$D" --to "$T/tgt" $P --json
ID=$(jq -r .id "$OUT")
# Later, while its records go to the target: the objects it placed there go too.
interrupted TERM "$T/tgt/backups" "$B" backup --data "$D" --to "$T/tgt" $P
find "$T/tgt/backups" -type f >>"$ERR" # shown if a check fails
check "SIGTERM while a backup writes its records: exit 143 ($rc)" [ "$rc" = 143 ]
check "... the target keeps only the earlier backup's objects (records, keys, manifest)" \
	sh -c '[ "$(find "$1/backups" -type f ! -path "$1/backups/tmp/*" ! -name .lock | wc -l)" = 3 ]' \
	sh "$T/tgt"

# ---- restore ------------------------------------------------------------------------------

interrupted INT "$T/.r.restore.tmp" "$B" restore --from "$T/tgt" --to "$T/r" $P
check "Ctrl-C during a restore: exit 130 (128+2) ($rc)" [ "$rc" = 130 ]
check "... saying it was interrupted" has_err 'interrupted (SIGINT)'
check "... the staging directory (keys, records) is removed" [ ! -e "$T/.r.restore.tmp" ]
check "... and no installation made" [ ! -e "$T/r" ]
expect 0 "a restore afterwards goes through" "$B" restore --from "$T/tgt" --to "$T/r" $P --json
jqt "... of that backup" ".backup == \"$ID\" and .ok == true"

finish
