#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end: custodia backup of a busy server. While `custodia serve` runs and a
# writer adds cases, evidence, custody events and entities, two backups are taken;
# the latest restores elsewhere and verifies (ledger verify, evidence verify, the
# checkpoint the manifest names). Then the writer stops, a third backup copies only
# the new evidence, and its restore holds every record and blob of the quiet source.
# Runs on SQLite and, under tests/pg/run.sh (CUSTODIA_DB), on PostgreSQL.
# Usage: CU_BIN=build/custodia sh test_backup_busy.sh

NAME=backup-busy
TOOLS="jq sqlite3 cmp"
. "$(dirname "$0")/lib.sh"

D=$T/d
export CUSTODIA_DATA="$D"
export CUSTODIA_BACKUP_PASSPHRASE="busy but consistent"
tables() {
	if [ -f "$1/database" ]; then
		dbq "$1" "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND
			tablename NOT LIKE 'search%' AND tablename <> 'schema_version' ORDER BY 1"
	else
		dbq "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE
			'sqlite%' AND name NOT LIKE 'search%' ORDER BY 1"
	fi
}
dump() { for t in $(tables "$1"); do echo "== $t"; dbq "$1" "SELECT * FROM \"$t\"" | sort; done; }
same_records() {
	dump "$1" >"$T/dump.a" && dump "$2" >"$T/dump.b" && [ -s "$T/dump.a" ] &&
		cmp -s "$T/dump.a" "$T/dump.b"
}
same_blobs() {
	(cd "$1" && find . -type f ! -name .lock ! -path './tmp/*' | sort) >"$T/blobs.a"
	(cd "$2" && find . -type f ! -name .lock ! -path './tmp/*' | sort) >"$T/blobs.b"
	cmp -s "$T/blobs.a" "$T/blobs.b" && [ -s "$T/blobs.a" ] || return 1
	while read -r f; do cmp -s "$1/$f" "$2/$f" || return 1; done <"$T/blobs.a"
}

expect 0 "demo --no-serve" "$B" demo --no-serve
"$B" serve --listen 127.0.0.1:0 --ready-file "$T/url" --threads 2 --workers 0 \
	>"$T/serve.log" 2>&1 &
SRV=$!
for _ in $(seq 100); do [ -s "$T/url" ] && break; sleep 0.1; done
check "custodia serve is up" test -s "$T/url"

# The writer: each round a case, two files, a custody event and an entity, each its
# own process and transaction, until told to stop.
(
	i=0
	while [ ! -e "$T/stop" ]; do
		i=$((i + 1))
		"$B" case create --as se --title "Busy case $i" --crime-type drug_trafficking \
			>/dev/null 2>>"$T/writer.err" || echo "case $i failed" >>"$T/writer.fail"
		head -c $((1000 + i * 37)) /dev/urandom >"$T/w$i.bin"
		echo "statement $i of a busy day" >"$T/w$i.txt"
		id=$("$B" evidence add --as se --case 2026/0001 "$T/w$i.bin" "$T/w$i.txt" \
			2>>"$T/writer.err" | head -1 | cut -d' ' -f1)
		[ -n "$id" ] || echo "evidence $i failed" >>"$T/writer.fail"
		[ -n "$id" ] && { "$B" evidence custody "$id" --as se --record analysed \
			--reason "round $i" >/dev/null 2>>"$T/writer.err" ||
			echo "custody $i failed" >>"$T/writer.fail"; }
		"$B" entity add --as se --case 2026/0001 --kind person --name "Busy Person$i" \
			>/dev/null 2>>"$T/writer.err" || echo "entity $i failed" >>"$T/writer.fail"
		# renamed into place: a reader never finds it empty, between truncation and write
		echo "$i" >"$T/rounds.tmp" && mv "$T/rounds.tmp" "$T/rounds"
	done
) &
WR=$!
for _ in $(seq 100); do [ -s "$T/rounds" ] && break; sleep 0.1; done
expect 0 "backup while the server serves and the writer writes" "$B" backup --to "$T/tgt" --json
jqt "... a snapshot, its blobs copied" '.blobs.copied == .blobs.count and .blobs.count > 0'
R1=$(cat "$T/rounds")
sleep 1
expect 0 "a second backup, still busy" "$B" backup --to "$T/tgt" --json
jqt "... incremental: only what came since" '.blobs.already_there > 0 and
	.blobs.copied + .blobs.already_there == .blobs.count'
SIZE=$(jq .ledger.size "$OUT")
check "... the writer went on meanwhile ($R1 rounds, then $(cat "$T/rounds"))" \
	test "$(cat "$T/rounds")" -gt "$R1"
expect 0 "restore the busy backup elsewhere" "$B" restore --from "$T/tgt" --to "$T/r1" --json
jqt "... ledger verify: ok, the manifest's size" ".ledger.ok and .ledger.size == $SIZE"
jqt "... evidence verify: every item authenticates" '.evidence.ok and .evidence.problems == []'
expect 0 "... ledger verify on the result" "$B" ledger verify --data "$T/r1" --json
jqt "... ok" ".ok and .size == $SIZE"
expect 0 "... its latest checkpoint is the manifest's" "$B" ledger checkpoint --data "$T/r1" \
	--json
jqt "... same size" ".size == $SIZE"
expect 0 "... evidence verify" "$B" evidence verify --data "$T/r1"

: >"$T/stop"
wait "$WR"
check "the writer never failed ($(cat "$T/rounds") rounds)" test ! -e "$T/writer.fail"
kill "$SRV"
wait "$SRV" 2>/dev/null
expect 0 "quiet now: ledger checkpoint" "$B" ledger checkpoint --json
expect 0 "a third backup of the quiet source" "$B" backup --to "$T/tgt" --json
jqt "... copies only the blobs written since the second" '.blobs.copied > 0 and
	.blobs.already_there > 0 and .blobs.copied + .blobs.already_there == .blobs.count'
expect 0 "backup --list" "$B" backup --list --from "$T/tgt" --json
jqt "... three backups" 'length == 3'
expect 0 "restore it" "$B" restore --from "$T/tgt" --to "$T/r2" --json
jqt "... verified" '.ledger.ok and .evidence.ok'
check "every table: the same rows as the quiet source" same_records "$D" "$T/r2"
check "every blob: the same bytes" same_blobs "$D/blobs" "$T/r2/blobs"

finish
