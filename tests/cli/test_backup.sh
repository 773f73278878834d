#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end: custodia backup and restore on a quiet data directory. Every table's
# rows and every blob's bytes come back; a second backup copies only the new blob;
# an older backup restores as it was; a wrong passphrase, a tampered records object,
# manifest or seal, and a non-empty target are refused and leave nothing behind; and
# (under tests/s3/run_s3_test.sh) one round trip through S3.
#
# On PostgreSQL (tests/pg/run.sh sets CUSTODIA_DB) the source's records are there,
# and restore puts them into a new database of that server; one restore also goes
# to SQLite (the engines cross).
# Usage: CU_BIN=build/custodia [tests/s3/run_s3_test.sh] sh test_backup.sh

NAME=backup
TOOLS="jq sqlite3 cmp sha256sum"
. "$(dirname "$0")/lib.sh"

PG=${CUSTODIA_DB:-}
[ -n "$PG" ] && command -v psql >/dev/null 2>&1 || PG=
if [ -n "$PG" ]; then echo "engine: PostgreSQL $PG"; else echo "engine: SQLite"; fi

D=$T/d
export CUSTODIA_DATA="$D"
echo "correct horse battery staple" >"$T/pass"
echo "wrong horse" >"$T/wrong"
P="--passphrase-file $T/pass"

# tables DIR: the data directory's tables the copy keeps (the search index aside).
tables() {
	if [ -f "$1/database" ]; then
		dbq "$1" "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND
			tablename NOT LIKE 'search%' AND tablename <> 'schema_version' ORDER BY 1"
	else
		dbq "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE
			'sqlite%' AND name NOT LIKE 'search%' ORDER BY 1"
	fi
}
# dump DIR: every row of every table, as text, sorted per table.
dump() {
	for t in $(tables "$1"); do
		echo "== $t"
		dbq "$1" "SELECT * FROM \"$t\"" | sort
	done
}
# counts DIR: "table rows" lines.
counts() {
	for t in $(tables "$1"); do echo "$t $(dbq "$1" "SELECT count(*) FROM \"$t\"")"; done
}
# same_records A B: every table's rows equal.
same_records() {
	dump "$1" >"$T/dump.a" && dump "$2" >"$T/dump.b" && [ -s "$T/dump.a" ] &&
		cmp -s "$T/dump.a" "$T/dump.b"
}
# same_blobs A B: the two blob directories hold the same files, byte for byte.
same_blobs() {
	(cd "$1" && find . -type f ! -name .lock ! -path './tmp/*' | sort) >"$T/blobs.a"
	(cd "$2" && find . -type f ! -name .lock ! -path './tmp/*' | sort) >"$T/blobs.b"
	cmp -s "$T/blobs.a" "$T/blobs.b" && [ -s "$T/blobs.a" ] || return 1
	while read -r f; do cmp -s "$1/$f" "$2/$f" || return 1; done <"$T/blobs.a"
}
# nblobs DIR: placed blobs in a blob directory.
nblobs() { (cd "$1" && find . -type f ! -name .lock ! -path './tmp/*' | wc -l); }
nothing_left() { [ ! -e "$1" ] && [ -z "$(find "$(dirname "$1")" -maxdepth 1 -name '.*.restore.tmp')" ]; }

# ---- usage ------------------------------------------------------------------------------

expect 0 "backup --help" "$B" backup --help
check "... names the passphrase's sources" has_out "CUSTODIA_BACKUP_PASSPHRASE"
expect 0 "restore --help" "$B" restore --help
check "... says it verifies" has_out "ledger verify"
expect 1 "backup without --to" "$B" backup $P
expect 1 "backup without a passphrase" "$B" backup --to "$T/tgt"
check "... says where one comes from" has_err "passphrase-file"
check "... and made nothing" test ! -e "$T/tgt"
expect 1 "restore without --to" "$B" restore --from "$T/tgt" $P
expect 2 "backup --list of nothing" "$B" backup --list --from "$T/nothing"

# ---- a source ---------------------------------------------------------------------------

expect 0 "demo --no-serve" "$B" demo --no-serve
expect 0 "jobs run: extracted texts (blobs of their own)" "$B" jobs run --json
expect 0 "an item erased (a tombstone, its blob gone)" "$B" evidence erase 1 --as se \
	--reason "registered by mistake"
expect 0 "ledger checkpoint (the latest covers the tree: nothing to sign into the snapshot)" \
	"$B" ledger checkpoint --json
SIZE1=$(jq .size "$OUT")
NBLOBS=$(nblobs "$D/blobs")
expect 0 "search in the source" "$B" search Djordjevic --as se --json
HITS=$(jq .total "$OUT")
echo "source: $SIZE1 ledger entries, $NBLOBS blobs"

# ---- backup and restore -------------------------------------------------------------------

export CUSTODIA_BACKUP_PASSPHRASE="correct horse battery staple"
expect 0 "backup --to DIR (passphrase from the environment)" "$B" backup --to "$T/tgt" --json
jqt "... every blob the records keep, copied" ".blobs.count == $NBLOBS and
	.blobs.copied == $NBLOBS and .blobs.already_there == 0 and .blobs.missing == []"
jqt "... the ledger at the snapshot" ".ledger.size == $SIZE1 and (.ledger.checkpoint | length) > 0"
jqt "... records encrypted, hashed" '.records.size > .records.plain_size and
	(.records.sha256 | length) == 64'
ID1=$(jq -r .id "$OUT")
unset CUSTODIA_BACKUP_PASSPHRASE
check "... no plaintext of the records in the target" sh -c \
	"! grep -rqa 'SQLite format 3' '$T/tgt'"
check "... keys sealed: no master key in the clear" sh -c \
	"! grep -rqaF \"\$(base64 -w0 <'$D/master.key')\" '$T/tgt'"
check "... the blobs are the vault's ciphertext, byte for byte" same_blobs "$D/blobs" "$T/tgt/blobs"
check "... the target and its objects are not world-readable" test \
	"$(stat -c %a "$T/tgt")" = 700

expect 0 "restore --from DIR --to R1" "$B" restore --from "$T/tgt" --to "$T/r1" $P --json
jqt "... the backup's id" ".backup == \"$ID1\""
jqt "... ledger verified, same size" ".ledger.ok and .ledger.size == $SIZE1"
jqt "... evidence verified" '.evidence.ok and .evidence.items > 0 and .evidence.texts > 0 and
	.evidence.problems == []'
jqt "... blobs copied, each read back" ".blobs.copied == $NBLOBS"
check "every table: the same rows ($(tables "$D" | wc -l) tables)" same_records "$D" "$T/r1"
check "every blob: the same bytes" same_blobs "$D/blobs" "$T/r1/blobs"
check "keys 0600" test "$(stat -c %a "$T/r1/master.key")" = 600 -a \
	"$(stat -c %a "$T/r1/node.key")" = 600
check "... the same keys" cmp "$D/master.key" "$T/r1/master.key"
[ -n "$PG" ] && check "... records in a new PostgreSQL database" sh -c \
	"grep -q '^postgresql://' '$T/r1/database' && ! cmp -s '$D/database' '$T/r1/database'"
expect 0 "the restored installation: ledger verify" "$B" ledger verify --data "$T/r1" --json
jqt "... ok" ".ok and .size == $SIZE1"
expect 0 "... evidence verify" "$B" evidence verify --data "$T/r1"
expect 0 "... search works (index there or rebuilt)" "$B" search Djordjevic \
	--data "$T/r1" --as se --json
jqt "... the same hits as the source" ".total == $HITS and $HITS > 0"
expect 0 "... and takes new records" "$B" case create --data "$T/r1" --as se \
	--title "After the restore" --crime-type drug_trafficking

# ---- incremental --------------------------------------------------------------------------

echo "a new statement $(date +%s%N)" >"$T/new.txt"
expect 0 "new evidence in the source" "$B" evidence add --as se --case 2026/0001 "$T/new.txt"
expect 0 "ledger checkpoint" "$B" ledger checkpoint --json
SIZE2=$(jq .size "$OUT")
# What a crashed backup leaves (its staging directory: the records in the clear) goes at the
# next backup; while another backup runs, a second one is refused.
mkdir -p "$D/backup-20260101T000000.000Z-deadbeef.tmp" && echo records >"$D/backup-20260101T000000.000Z-deadbeef.tmp/custodia.db"
flock "$D/backup.lock" sleep 2 &
FL=$!
sleep 0.3
expect 2 "a backup while another runs is refused" "$B" backup --to "$T/tgt" $P
check "... saying so" has_err "another backup"
wait "$FL" 2>/dev/null # the lock goes with its holder
expect 0 "a second backup" "$B" backup --to "$T/tgt" $P --json
check "... removes a crashed backup's staging directory" test ! -e "$D/backup-20260101T000000.000Z-deadbeef.tmp"
jqt "... copies only the new blob" ".blobs.count == $((NBLOBS + 1)) and .blobs.copied == 1 and
	.blobs.already_there == $NBLOBS"
ID2=$(jq -r .id "$OUT")
check "... the blobs are shared: one more file" test "$(nblobs "$T/tgt/blobs")" -eq $((NBLOBS + 1))
expect 0 "backup --list" "$B" backup --list --from "$T/tgt" --json
jqt "... two backups, oldest first" "length == 2 and .[0].id == \"$ID1\" and .[1].id == \"$ID2\"
	and .[0].ledger_size == $SIZE1 and .[1].ledger_size == $SIZE2"
expect 0 "backup --list (text)" "$B" backup --list --from "$T/tgt"
check "... names both" sh -c "grep -q '$ID1' '$OUT' && grep -q '$ID2' '$OUT'"
expect 0 "restore (the latest)" "$B" restore --from "$T/tgt" --to "$T/r2" $P --json
jqt "... is the second" ".backup == \"$ID2\" and .ledger.size == $SIZE2"
check "every table: the same rows" same_records "$D" "$T/r2"
check "every blob: the same bytes" same_blobs "$D/blobs" "$T/r2/blobs"
mkdir "$T/r3"
expect 0 "restore --backup ID1 into an empty directory" "$B" restore --from "$T/tgt" \
	--backup "$ID1" --to "$T/r3" $P --json
jqt "... as it was" ".backup == \"$ID1\" and .ledger.size == $SIZE1"
check "... one blob fewer than now" test "$(nblobs "$T/r3/blobs")" -eq "$NBLOBS"
if [ -n "$PG" ]; then
	expect 0 "restore from PostgreSQL's backup into SQLite (CUSTODIA_DB unset)" env -u \
		CUSTODIA_DB "$B" restore --from "$T/tgt" --to "$T/r4" $P --json
	jqt "... the search index rebuilt" '.records == "sqlite" and .search.cases > 0'
	check "... an SQLite file" test -f "$T/r4/custodia.db" -a ! -e "$T/r4/database"
	counts "$D" >"$T/counts.a"
	counts "$T/r4" >"$T/counts.b"
	check "... every table as many rows" cmp "$T/counts.a" "$T/counts.b"
fi

# ---- refusals ----------------------------------------------------------------------------

expect 2 "a wrong passphrase: refused" "$B" restore --from "$T/tgt" --to "$T/bad" \
	--passphrase-file "$T/wrong"
check "... saying so" has_err "wrong passphrase"
check "... nothing left" nothing_left "$T/bad"
expect 2 "restore into a non-empty directory: refused" "$B" restore --from "$T/tgt" \
	--to "$T/r1" $P
check "... saying so" has_err "not empty"
expect 2 "an unknown backup id: refused" "$B" restore --from "$T/tgt" --backup 20200101T000000.000Z-00000000 \
	--to "$T/bad" $P
check "... nothing left" nothing_left "$T/bad"

# Forged objects, each in a copy of the target.
obj() { find "$1/backups" -name "$2" -type f; }
flip() { # flip FILE OFFSET: one byte changed
	b=$(dd if="$1" bs=1 skip="$2" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	printf "$(printf '\\%03o' $(((b ^ 1) & 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
cp -a "$T/tgt" "$T/t1"
R=$(obj "$T/t1" "$ID2.records")
flip "$R" 5000
expect 2 "a byte of the records flipped: refused" "$B" restore --from "$T/t1" --to "$T/bad" $P
check "... naming the records" has_err "records"
check "... nothing left" nothing_left "$T/bad"
cp -a "$T/tgt" "$T/t2"
M=$(obj "$T/t2" "$ID2.manifest")
sed -i "s/\"size\":$SIZE2/\"size\":$((SIZE2 - 1))/" "$M"
check "... (the manifest's ledger size edited)" grep -q "\"size\":$((SIZE2 - 1))" "$M"
expect 2 "an edited manifest: refused" "$B" restore --from "$T/t2" --to "$T/bad" $P
check "... its signature does not hold" has_err "not signed"
check "... nothing left" nothing_left "$T/bad"
cp -a "$T/tgt" "$T/t3"
cp "$(obj "$T/t3" "$ID1.keys")" "$(obj "$T/t3" "$ID2.keys")"
expect 2 "another backup's sealed keys: refused" "$B" restore --from "$T/t3" --to "$T/bad" $P
check "... nothing left" nothing_left "$T/bad"
cp -a "$T/tgt" "$T/t4"
rm "$T/t4/blobs/$(cd "$T/t4/blobs" && find . -type f ! -name .lock ! -path './tmp/*' | head -1)"
expect 2 "a blob missing from the target: refused" "$B" restore --from "$T/t4" --to "$T/bad" $P
check "... naming it" has_err "missing from the backup"
check "... nothing left" nothing_left "$T/bad"
cp -a "$T/tgt" "$T/t5"
rm "$(obj "$T/t5" "$ID2.records")"
cp "$(obj "$T/t5" "$ID1.records")" "$(dirname "$(obj "$T/t5" "$ID2.manifest")")/$ID2.records"
expect 2 "another backup's records under this one's name: refused" "$B" restore --from "$T/t5" \
	--to "$T/bad" $P
check "... nothing left" nothing_left "$T/bad"

# ---- a target apart from the data directory; --list creates nothing ---------------------

expect 1 "backup --to DATA (the data directory itself): refused" "$B" backup --to "$D" $P
check "... saying why" has_err "is the data directory"
expect 1 "backup --to a directory inside DATA: refused" "$B" backup --to "$D/blobs/x" $P
check "... saying so" has_err "lies inside the data directory"
check "... and made nothing there" test ! -e "$D/blobs/x"
expect 1 "backup --to a directory containing DATA: refused" "$B" backup --to "$T" $P
check "... saying so" has_err "contains the data directory"
ln -s "$D" "$T/dlink"
expect 1 "backup --to DATA through a symbolic link: refused" "$B" backup --to "$T/dlink/bk" $P
check "... nothing left in DATA" test ! -e "$D/backups" -a ! -e "$D/bk"
expect 2 "backup --list --from DATA: no backups there" "$B" backup --list --from "$D"
check "... and it created nothing (no DATA/backups)" test ! -e "$D/backups"

# ---- damaged blobs: named, at backup and at restore -------------------------------------

expect 0 "the manifest records each blob's ciphertext size and SHA-256" \
	"$B" backup --to "$T/tgt" $P --json
jqt "... one record per blob" '(.blobs.objects | length) == .blobs.count and
	all(.blobs.objects[]; length == 2 and (.[1] | length) == 64)'
# the largest blob of a target (the first item's content, most likely).
largest() { echo "$1/blobs/$(cd "$1/blobs" && find . -type f ! -name .lock ! -path './tmp/*' \
	-printf '%s %P\n' | sort -n | tail -1 | cut -d' ' -f2)"; }
cp -a "$T/tgt" "$T/t6"
BL=$(largest "$T/t6")
BN=$(basename "$BL")
flip "$BL" 40
expect 0 "a flipped byte in a target blob: a backup checks sizes only (cheap)" \
	"$B" backup --to "$T/t6" $P
expect 2 "... backup --verify reads it back and refuses" "$B" backup --to "$T/t6" $P --verify --json
check "... naming the blob" has_err "$BN"
check "... its item and case" has_err "(item [0-9]* of case 20[0-9][0-9]/[0-9]*, its content)"
check "... and the remedy" has_err "Remove each from"
jqt "... --json lists it" ".ok == false and (.damaged | length) == 1 and
	.damaged[0].blob_name == \"$BN\" and .damaged[0].item > 0 and
	.damaged[0].recorded.size == .damaged[0].found.size and
	.damaged[0].recorded.sha256 != .damaged[0].found.sha256"
expect 2 "restore from it: refused (no evidence dropped)" "$B" restore --from "$T/t6" --to "$T/bad" $P
check "... naming the blob, its item and where the damage is" has_err \
	"blob $BN (item [0-9]* of case [^)]*, its content), failed: altered in the backup location"
check "... nothing left" nothing_left "$T/bad"
expect 2 "restore --json on failure prints the report" "$B" restore --from "$T/t6" --to "$T/bad" \
	$P --json
jqt "... with the problem, its blob and case" ".ok == false and (.error | length) > 0 and
	.evidence.problems[0].blob_name == \"$BN\" and (.evidence.problems[0].case | length) > 0
	and (.evidence.problems[0].where | test(\"backup location\"))"
truncate -s -16 "$BL"
expect 2 "a truncated target blob: the next backup refuses (its size)" "$B" backup --to "$T/t6" $P
check "... naming it" has_err "$BN.*another size"
check "... writing no manifest" test "$(find "$T/t6/backups" -name "*.manifest" | wc -l)" -eq 4
rm "$BL"
expect 0 "the remedy: remove it and back up again (copied anew)" "$B" backup --to "$T/t6" $P --json
jqt "... one blob copied" '.blobs.copied == 1'
expect 0 "... and the target restores" "$B" restore --from "$T/t6" --to "$T/r6" $P --json
jqt "... verified" '.ok and .evidence.ok'
# Damaged in the data directory itself: copied as it is, and restore says so.
LB=$(largest "$D")
cp "$LB" "$T/live.save"
flip "$LB" 40
expect 0 "a blob damaged in the data directory is backed up as it is" "$B" backup --to "$T/t7" $P
expect 2 "... restore refuses it" "$B" restore --from "$T/t7" --to "$T/bad" $P
check "... saying it was damaged before the backup" has_err \
	"already damaged in the data directory when it was backed up"
cp "$T/live.save" "$LB"

# ---- S3 (under run_s3_test.sh) -----------------------------------------------------------

if [ -n "${CU_TEST_S3_ENDPOINT:-}" ]; then
	S3="s3://custodia/backups?endpoint=$CU_TEST_S3_ENDPOINT&region=us-east-1"
	expect 0 "backup --to s3://" "$B" backup --to "$S3" $P --json
	jqt "... every blob copied" ".blobs.copied == $((NBLOBS + 1))"
	IDS=$(jq -r .id "$OUT")
	expect 0 "a second backup to S3" "$B" backup --to "$S3" $P --json
	jqt "... incremental" ".blobs.copied == 0 and .blobs.already_there == $((NBLOBS + 1))"
	expect 0 "backup --list --from s3://" "$B" backup --list --from "$S3" --json
	jqt "... both" "length == 2 and .[0].id == \"$IDS\""
	expect 0 "restore --from s3://" "$B" restore --from "$S3" --to "$T/r5" $P --json
	jqt "... verified" '.ledger.ok and .evidence.ok'
	check "every table: the same rows" same_records "$D" "$T/r5"
	check "every blob: the same bytes" same_blobs "$D/blobs" "$T/r5/blobs"
	check "the bucket holds no plaintext records" sh -c \
		"! grep -rqa 'SQLite format 3' '$CU_TEST_S3_DATA'"
else
	echo "skip S3 (not under tests/s3/run_s3_test.sh)"
fi

finish
