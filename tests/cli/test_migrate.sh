#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end: custodia migrate moves a single-machine data directory (SQLite,
# DATA/blobs) to PostgreSQL, and its evidence to a shared directory or S3: every
# table row for row, the same ledger root and checkpoint, evidence verify and
# downloads giving the same bytes, the web-visible data unchanged, the old file
# kept; refusals (a target with records, a directory in use, already migrated) and
# a failure midway leave the source working on SQLite.
#
# The target server: CUSTODIA_DB when the suite runs on PostgreSQL
# (tests/pg/run.sh), else a throwaway cluster of our own (tests/pg/cluster.sh).
# Run under tests/s3/run_s3_test.sh (ctest does), it also moves evidence to S3.
# Usage: CU_BIN=build/custodia [tests/s3/run_s3_test.sh] sh test_migrate.sh

NAME=migrate
TOOLS="jq sqlite3 psql cmp"
. "$(dirname "$0")/lib.sh"

PGDIR=
if [ -n "${CUSTODIA_DB:-}" ]; then
	PG=$CUSTODIA_DB
elif [ -x /usr/lib/postgresql/15/bin/initdb ]; then
	# Outside $T: the server runs as postgres, which cannot enter $T (0700).
	PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/cu-migrate-pg-XXXXXX") || exit 2
	trap '"$CLI_TESTS/../pg/cluster.sh" stop "$PGDIR"; rm -rf "$T"' EXIT
	PG=$("$CLI_TESTS/../pg/cluster.sh" start "$PGDIR") || exit 2
else
	echo "$NAME: needs PostgreSQL 15 (CUSTODIA_DB or /usr/lib/postgresql/15): skipped" >&2
	exit 77
fi
# The sources are single-machine installations: every command names its data
# directory, whose own files say which engine it uses.
unset CUSTODIA_DB CUSTODIA_BLOBS
echo "PostgreSQL: $PG"

sha() { sha256sum "$1" | cut -d' ' -f1; }
# Rows of every table SQLite and PostgreSQL both keep (the search index aside):
# "table count" lines, sorted.
sqlite_counts() {
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name
		NOT LIKE 'sqlite%' AND name NOT LIKE 'search%' ORDER BY name"); do
		echo "$t $(sqlite3 "$1" "SELECT count(*) FROM \"$t\"")"
	done
}
pg_counts() {
	for t in $(psql "$1" -X -q -A -t -c "SELECT tablename FROM pg_tables WHERE schemaname =
		current_schema() AND tablename NOT LIKE 'search%' AND tablename <> 'schema_version'
		ORDER BY tablename"); do
		echo "$t $(psql "$1" -X -q -A -t -c "SELECT count(*) FROM \"$t\"")"
	done
}
# same_blobs A B: the two blob stores hold the same files, byte for byte.
same_blobs() {
	(cd "$1" && find . -type f ! -name .lock ! -path './tmp/*' | sort) >"$T/blobs.a"
	(cd "$2" && find . -type f ! -name .lock ! -path './tmp/*' | sort) >"$T/blobs.b"
	cmp -s "$T/blobs.a" "$T/blobs.b" && [ -s "$T/blobs.a" ] || return 1
	while read -r f; do cmp -s "$1/$f" "$2/$f" || return 1; done <"$T/blobs.a"
}
custodia_dbs() {
	psql "${PG%/}/postgres" -X -q -A -t -c "SELECT count(*) FROM pg_database
		WHERE datname LIKE 'custodia\_%'"
}

# ---- usage ------------------------------------------------------------------------------

expect 0 "migrate --help" "$B" migrate --help
check "... says what it does" has_out "custodia.db.migrated"
expect 1 "migrate without --to" "$B" migrate --from "$T/nothing"
expect 1 "migrate --to a URL that is not PostgreSQL's" "$B" migrate --from "$T/nothing" \
	--to mysql://localhost/x
expect 1 "migrate --blobs that is no blob store" "$B" migrate --from "$T/nothing" --to "$PG" \
	--blobs /tmp/x
expect 2 "migrate a directory that is no installation" "$B" migrate --from "$T/nothing" --to "$PG"

# ---- a realistic source -----------------------------------------------------------------

D=$T/d
export CUSTODIA_DATA="$D"
expect 0 "demo --no-serve (SQLite)" "$B" demo --data "$D" --no-serve
check "... on SQLite" test -f "$D/custodia.db" -a ! -e "$D/database"
expect 0 "jobs run: text extracted from the items (blobs of their own)" "$B" jobs run --json
i=0
{
	echo "kind,names,born,nationalities"
	while [ $i -lt 200 ]; do
		echo "person,Witness$i Testović;Свједок$i Тестовић,19$((50 + i % 40)),RS"
		i=$((i + 1))
	done
} >"$T/people.csv"
expect 0 "200 entities imported (a full tile of ledger hashes)" "$B" entity import --as se \
	--case 2026/0001 "$T/people.csv" --json
i=0
while [ $i -lt 3000 ]; do echo "line $i of a witness statement in Ђорђевић's case"; i=$((i + 1)); done \
	>"$T/statement.txt"
head -c 3000000 /dev/urandom >"$T/big.bin"
expect 0 "evidence add: a statement and a 3 MB file" "$B" evidence add --as se --case 2026/0001 \
	--json "$T/statement.txt" "$T/big.bin"
ITEM=$(jq '.[0].id' "$OUT")
BIG=$(jq '.[1].id' "$OUT")
expect 0 "an item erased (its blob gone, its record a tombstone)" "$B" evidence erase 1 --as se \
	--reason "registered by mistake"
expect 0 "ledger checkpoint" "$B" ledger checkpoint --json
check "... the ledger has a full tile and an edge" test \
	"$(sqlite3 "$D/custodia.db" "SELECT count(*) FROM ledger_tiles")" -ge 1
expect 0 "ledger verify" "$B" ledger verify --json
jqt "... ok" '.ok'
ROOT=$(jq -r .root "$OUT")
SIZE=$(jq .size "$OUT")
CPS=$(jq .checkpoints "$OUT")
expect 0 "ledger checkpoint (the latest)" "$B" ledger checkpoint --json
CPROOT=$(jq -r .root "$OUT")
expect 0 "case list --json" "$B" case list --as se --json
cp "$OUT" "$T/cases.before"
expect 0 "evidence list --json" "$B" evidence list --as se --case 2026/0001 --json
cp "$OUT" "$T/items.before"
expect 0 "search in extracted text" "$B" search Architect --kind text --as se --json
jq -c '[.total, [.items[] | .ref_id]]' "$OUT" >"$T/search.before"
expect 0 "search across scripts" "$B" search Testovic --as se --json
jq -c '.total' "$OUT" >"$T/search2.before"
sqlite_counts "$D/custodia.db" >"$T/counts.before"
ITEMS=$(sqlite3 "$D/custodia.db" "SELECT count(*) FROM evidence WHERE erased_at IS NULL")
TEXTS=$(sqlite3 "$D/custodia.db" "SELECT count(*) FROM extracts")
# Copies for the other cases below, taken while nothing runs.
for x in 2 3 4 5 6 7; do cp -a "$D" "$T/d$x"; done

# ---- the migration ----------------------------------------------------------------------

expect 0 "migrate --from D --to PostgreSQL" "$B" migrate --from "$D" --to "$PG" --json
jqt "... every table, by name" '.rows > 1000 and .tables.events > 0 and .tables.ledger_tiles >= 1
	and .tables.crime_types > 0 and (.tables | has("search_docs") | not)'
jqt "... the same ledger" ".ledger.root == \"$ROOT\" and .ledger.size == $SIZE and
	.ledger.checkpoints == $CPS and .ledger.checkpoint.root == \"$CPROOT\""
jqt "... every item and text authenticated" ".evidence.ok and .evidence.items == $ITEMS and
	.evidence.texts == $TEXTS and .evidence.problems == [] and $TEXTS >= 8"
jqt "... the search index rebuilt, texts included" ".search.texts == $TEXTS and .search.cases >= 6"
jqt "... the evidence stays" '.blobs.moved == false'
jqt "... the old file kept" '.kept == ["custodia.db.migrated"]'
check "D records its database" grep -q '^postgresql://.*dbname=custodia_' "$D/database"
check "... custodia.db is kept as custodia.db.migrated" test -f "$D/custodia.db.migrated"
check "... and custodia.db is gone" test ! -e "$D/custodia.db"
check "... no staging directory left" test ! -e "$D/migrate.tmp"
DB=$(cat "$D/database")
pg_counts "$DB" >"$T/counts.after"
sqlite_counts "$D/custodia.db.migrated" >"$T/counts.kept"
check "every table: as many rows in PostgreSQL as in SQLite ($(wc -l <"$T/counts.before") tables)" \
	cmp "$T/counts.before" "$T/counts.after"
check "... the kept file unchanged" cmp "$T/counts.before" "$T/counts.kept"
check "ids kept: events' and custody's sequence numbers the same" test \
	"$(sqlite3 "$D/custodia.db.migrated" "SELECT group_concat(seq) FROM (SELECT seq FROM custody ORDER BY seq)")" = \
	"$(psql "$DB" -X -A -t -c "SELECT string_agg(seq::text, ',' ORDER BY seq) FROM custody")"
check "ledger entries byte for byte" test \
	"$(sqlite3 "$D/custodia.db.migrated" "SELECT hex(group_concat(entry, '|')) FROM (SELECT entry FROM ledger_entries ORDER BY idx)")" = \
	"$(psql "$DB" -X -A -t -c "SELECT upper(encode(convert_to(string_agg(entry, '|' ORDER BY idx), 'UTF8'), 'hex')) FROM ledger_entries")"
check "crime types in SQLite's order" test \
	"$(sqlite3 "$D/custodia.db.migrated" "SELECT group_concat(code) FROM (SELECT code FROM crime_types ORDER BY rowid)")" = \
	"$(psql "$DB" -X -A -t -c "SELECT string_agg(code, ',' ORDER BY ord) FROM crime_types")"

expect 0 "ledger verify on PostgreSQL" "$B" ledger verify --json
jqt "... the same size, root and checkpoints" ".ok and .size == $SIZE and .root == \"$ROOT\" and
	.checkpoints == $CPS"
expect 0 "ledger checkpoint: the latest is the source's" "$B" ledger checkpoint --json
jqt "... the same root" ".root == \"$CPROOT\""
expect 0 "case list --json" "$B" case list --as se --json
check "... the same as before" cmp "$T/cases.before" "$OUT"
expect 0 "evidence list --json" "$B" evidence list --as se --case 2026/0001 --json
check "... the same as before" cmp "$T/items.before" "$OUT"
expect 0 "search in extracted text" "$B" search Architect --kind text --as se --json
check "... the same hits" sh -c "jq -c '[.total, [.items[] | .ref_id]]' '$OUT' | cmp - '$T/search.before'"
expect 0 "search across scripts" "$B" search Testovic --as se --json
check "... the same count" sh -c "jq -c .total '$OUT' | cmp - '$T/search2.before'"
expect 0 "evidence verify" "$B" evidence verify
expect 0 "evidence get" "$B" evidence get "$ITEM" --as se --out "$T/item.out"
check "... the same bytes" cmp "$T/statement.txt" "$T/item.out"
expect 0 "a new case after the migration" "$B" case create --as se --title "After the move" \
	--crime-type drug_trafficking --json
jqt "... takes the next id" ".id == $(sqlite3 "$D/custodia.db.migrated" "SELECT max(id) + 1 FROM cases")"
expect 0 "... and the next reference" "$B" case list --as se --json
jqt "... listed first" '.items[0].title == "After the move"'
expect 0 "ledger verify after new records" "$B" ledger verify --json
jqt "... ok, grown" ".ok and .size > $SIZE"
expect 0 "with CUSTODIA_DB naming the server, D opens as before" env CUSTODIA_DB="$PG" \
	"$B" case list --as se --json
expect 2 "migrating D again: refused" "$B" migrate --from "$D" --to "$PG"
check "... already on PostgreSQL" has_err "already keeps its records in PostgreSQL"

# ---- refused: a target with records --------------------------------------------------------

D3=$T/d3
expect 2 "migrating into D's database (it holds records): refused" "$B" migrate --from "$D3" \
	--to "$DB"
check "... naming why" has_err "already holds records"
check "... D3 stays on SQLite" test -f "$D3/custodia.db" -a ! -e "$D3/database" -a \
	! -e "$D3/custodia.db.migrated" -a ! -e "$D3/migrate.tmp"
expect 0 "... and works" "$B" case list --data "$D3" --as se --json
check "... as before" cmp "$T/cases.before" "$OUT"
check "... D's database unchanged" test "$(psql "$DB" -X -A -t -c "SELECT count(*) FROM cases")" \
	-eq $(($(sqlite3 "$D/custodia.db.migrated" "SELECT count(*) FROM cases") + 1))

# ---- refused: in use ----------------------------------------------------------------------

D4=$T/d4
"$B" serve --data "$D4" --listen 127.0.0.1:0 --ready-file "$T/url4" --threads 1 --workers 0 \
	>"$T/serve4.log" 2>&1 &
SRV=$!
for _ in $(seq 100); do [ -s "$T/url4" ] && break; sleep 0.1; done
check "custodia serve on D4" test -s "$T/url4"
expect 2 "migrating D4 while custodia serve has it open: refused" "$B" migrate --from "$D4" \
	--to "$PG"
check "... naming the process" has_err "open in another process (pid $SRV)"
kill "$SRV"
wait "$SRV" 2>/dev/null
check "... D4 stays on SQLite" test -f "$D4/custodia.db" -a ! -e "$D4/database"
expect 0 "... and verifies" "$B" ledger verify --data "$D4"

# ---- a failure midway ----------------------------------------------------------------------

# A value PostgreSQL would keep differently (bytes in a text column) stops the copy
# inside its transaction: rolled back, the database made for it dropped.
D5=$T/d5
sqlite3 "$D5/custodia.db" "UPDATE orgs SET name = CAST('Lietuva' AS BLOB) WHERE code = 'LT'"
[ -n "$PGDIR" ] && N0=$(custodia_dbs)
expect 2 "a value the copy cannot keep: refused midway" "$B" migrate --from "$D5" --to "$PG"
check "... naming table and column" has_err "orgs.name holds a blob"
check "... D5 stays on SQLite" test -f "$D5/custodia.db" -a ! -e "$D5/database" -a \
	! -e "$D5/custodia.db.migrated" -a ! -e "$D5/migrate.tmp"
[ -n "$PGDIR" ] && check "... the database made for it dropped" test "$(custodia_dbs)" = "$N0"
expect 0 "... and works" "$B" ledger verify --data "$D5"
# After the records are committed: the blobs cannot go where --blobs says.
D6=$T/d6
: >"$T/not-a-directory"
expect 3 "a blob store that cannot be made: fails after the copy" "$B" migrate --from "$D6" \
	--to "$PG" --blobs "file://$T/not-a-directory/blobs"
check "... D6 stays on SQLite with its blobs" test -f "$D6/custodia.db" -a ! -e "$D6/database" \
	-a ! -e "$D6/blobstore" -a -d "$D6/blobs" -a ! -e "$D6/migrate.tmp"
[ -n "$PGDIR" ] && check "... the database made for it dropped" test "$(custodia_dbs)" = "$N0"
expect 0 "... evidence verify" "$B" evidence verify --data "$D6"

# ---- with the evidence: a shared directory -------------------------------------------------

D2=$T/d2
SHARED=$T/shared
expect 1 "--blobs inside D2's own blobs/ (renamed at the end): refused" "$B" migrate \
	--from "$D2" --to "$PG" --blobs "file://$D2/blobs/shared"
check "... D2 untouched" test -f "$D2/custodia.db" -a ! -e "$D2/database" -a ! -e "$D2/migrate.tmp"
expect 0 "migrate --blobs file:///shared" "$B" migrate --from "$D2" --to "$PG" \
	--blobs "file://$SHARED" --json
jqt "... the blobs copied, each read back" '.blobs.moved and .blobs.copy.copied >= 12 and
	.blobs.copy.bytes > 3000000 and .evidence.ok'
jqt "... blobs/ kept too" '.kept == ["custodia.db.migrated", "blobs.migrated"]'
jqt "... the same ledger" ".ledger.root == \"$ROOT\""
check "D2 records the shared store" test "$(cat "$D2/blobstore")" = "file://$SHARED"
check "... its blobs/ kept as blobs.migrated" test -d "$D2/blobs.migrated" -a ! -e "$D2/blobs"
check "... the ciphertext byte for byte" same_blobs "$D2/blobs.migrated" "$SHARED"
expect 0 "evidence verify" "$B" evidence verify --data "$D2"
expect 0 "evidence get" "$B" evidence get "$ITEM" --data "$D2" --as se --out "$T/item2.out"
check "... the same bytes" cmp "$T/statement.txt" "$T/item2.out"
expect 0 "evidence get of the 3 MB file" "$B" evidence get "$BIG" --data "$D2" --as se \
	--out "$T/big2.out"
check "... the same bytes" cmp "$T/big.bin" "$T/big2.out"
expect 0 "search in extracted text (read from the shared store)" "$B" search Architect \
	--kind text --data "$D2" --as se --json
check "... the same hits" sh -c "jq -c '[.total, [.items[] | .ref_id]]' '$OUT' | cmp - '$T/search.before'"
n=$(find "$SHARED" -type f ! -path "$SHARED/tmp/*" | wc -l)
echo "new evidence after the move" >"$T/new.txt"
expect 0 "new evidence after the move" "$B" evidence add --data "$D2" --as se --case 2026/0001 \
	"$T/new.txt"
check "... goes to the shared store" test "$(find "$SHARED" -type f ! -path "$SHARED/tmp/*" | wc -l)" \
	-eq $((n + 1))

# ---- with the evidence: S3 (under run_s3_test.sh) -----------------------------------------

if [ -n "${CU_TEST_S3_ENDPOINT:-}" ]; then
	D7=$T/d7
	S3="s3://custodia/migrate?endpoint=$CU_TEST_S3_ENDPOINT&region=us-east-1&part=1048576"
	expect 0 "migrate --blobs s3://" "$B" migrate --from "$D7" --to "$PG" --blobs "$S3" --json
	jqt "... the blobs copied, each read back" '.blobs.moved and .blobs.copy.copied >= 12 and
		.evidence.ok'
	expect 0 "ledger verify" "$B" ledger verify --data "$D7" --json
	jqt "... the same root" ".ok and .root == \"$ROOT\""
	expect 0 "evidence verify" "$B" evidence verify --data "$D7"
	expect 0 "evidence get of the 3 MB file (a multipart object)" "$B" evidence get "$BIG" \
		--data "$D7" --as se --out "$T/big7.out"
	check "... the same bytes" cmp "$T/big.bin" "$T/big7.out"
else
	echo "skip S3 (not under tests/s3/run_s3_test.sh)"
fi

finish
