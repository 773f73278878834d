#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of custodia evidence on the demo data: ingest, read, custody, integrity,
# sharing with the originator's consent, erasure, retention and legal holds.
#
# Usage: CU_BIN=/path/to/custodia sh test_cli_evidence.sh
# Prints one line per check and ends with "N passed, M failed"; exits 1 if any check failed.
# Needs jq and sha256sum. Everything happens in a temporary directory removed on exit.

NAME=cli-ev
TOOLS="jq sha256sum"
. "$(dirname "$0")/lib.sh"

# ev [ARGS...]: custodia evidence on the demo data.
ev() { "$B" evidence "$@"; }

# count REF USER: how many items USER sees in case REF (a value equal to no other if unknown).
count() {
	_c=$("$B" evidence list --case "$1" --as "$2" --json 2>/dev/null | jq length 2>/dev/null)
	case $_c in
	'' | *[!0-9]*) echo "unknown-$(date +%s%N)" ;;
	*) echo "$_c" ;;
	esac
}

# blobs: the blob files of the vault (not the temporary ones), sorted.
blobs() { find "$D/blobs" -mindepth 2 -type f ! -path "$D/blobs/tmp/*" | sort; }

# ---- the demo data ---------------------------------------------------------------

D=$T/demo
expect 0 "demo --no-serve loads the scenario with its evidence" "$B" demo --data "$D" --no-serve
export CUSTODIA_DATA="$D"
expect 0 "evidence list --case 2026/0001 as se" ev list --case 2026/0001 --as se --json
jqt "... the three items of the Swedish case" 'map(.id) == [1, 2, 3]'
jqt "... item 3 came from RS" '.[2].originator == "RS" and .[2].registered_by == "rs"'
expect 0 "evidence list as icc (what was shared with the ICC)" ev list --as icc --json
jqt "... exactly item 5, of 2022/0001" 'map(.id) == [5] and .[0].case_reference == "2022/0001"'
# The originator decides: EE, a participant, may not carry UA's item to the US, which takes
# no part in the case, without UA's consent; within the case (UA, LT, EE) it may.
expect 2 "bundle export of UA's item for the US by EE is refused" "$B" bundle export \
	--case 2022/0001 --evidence 4 --for US --out "$T/ee-us.tar" --as ee
check "... saying whose consent it needs" has_err "contributed by UA: a bundle for US.*UA's consent"
check "... and no bundle is written" test ! -e "$T/ee-us.tar"
expect 0 "... for LT, which owns the case, it goes" "$B" bundle export --case 2022/0001 \
	--evidence 4 --for LT --out "$T/ee-lt.tar" --as ee
expect 0 "... and UA may take its own item anywhere" "$B" bundle export --case 2022/0001 \
	--evidence 4 --for US --out "$T/ua-us.tar" --as ua
expect 0 "evidence list --limit 2" ev list --case 2026/0001 --as se --limit 2 --json
jqt "... the first two" 'map(.id) == [1, 2]'
expect 0 "evidence list --after 2" ev list --case 2026/0001 --as se --after 2 --json
jqt "... the rest" 'map(.id) == [3]'
expect 1 "evidence list --limit 0" ev list --case 2026/0001 --as se --limit 0
expect 1 "evidence list --after -1" ev list --case 2026/0001 --as se --after -1

expect 0 "custodia evidence --help exits 0" ev --help
check "... listing every subcommand" sh -c 'for s in add list show get custody share grants consent revoke erase verify retention hold trigger; do grep -q "custodia evidence $s" "$1" || exit 1; done' sh "$OUT"
expect 1 "evidence without a subcommand exits 1" ev
expect 1 "evidence with an unknown subcommand exits 1" ev frobnicate --as se
expect 1 "evidence add without --case exits 1" ev add --as se "$T"

# ---- add -------------------------------------------------------------------------

mkdir "$T/files"
printf 'Witness statement W-7\n' >"$T/files/statement.txt"
printf 'Seizure report RS-4480\n' >"$T/files/seizure report.txt"
head -c 3000 /dev/urandom >"$T/files/phone-dump.bin"
head -c 5000000 /dev/urandom >"$T/files/device-image.dd" # > 4 MiB: ingested alone
: >"$T/files/empty.bin"
sha() { sha256sum "$1" | cut -d' ' -f1; }

n0=$(count 2026/0001 se)
expect 0 "add three small files, one large and an empty one" ev add --as se --case 2026/0001 \
	"$T/files/statement.txt" "$T/files/seizure report.txt" "$T/files/phone-dump.bin" \
	"$T/files/device-image.dd" "$T/files/empty.bin"
cp "$OUT" "$T/added"
check "... one line per file" out_lines 5
check "... each line ID SHA256 NAME" sh -c '! grep -v -E "^[0-9]+ [0-9a-f]{64} .+$" "$1"' sh "$OUT"
for f in statement.txt "seizure report.txt" phone-dump.bin device-image.dd empty.bin; do
	check "... $f: its line has sha256sum's SHA-256" sh -c \
		'grep -q -E "^[0-9]+ $2 $3\$" "$1"' sh "$T/added" "$(sha "$T/files/$f")" "$f"
done
check "... the empty file has the SHA-256 of nothing" grep -q \
	' e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 empty.bin$' "$T/added"
check "... ids are new and distinct" sh -c \
	'[ "$(cut -d" " -f1 "$1" | sort -u | wc -l)" = 5 ] && [ "$(cut -d" " -f1 "$1" | sort -n | head -1)" -gt 7 ]' \
	sh "$T/added"
check "... nothing on stderr (not a terminal: no progress bar)" err_empty
check "... the case has five more items" test "$(count 2026/0001 se)" = $((n0 + 5))
BIG=$(grep ' device-image.dd$' "$T/added" | cut -d' ' -f1)
SMALL=$(grep ' statement.txt$' "$T/added" | cut -d' ' -f1)
EMPTY=$(grep ' empty.bin$' "$T/added" | cut -d' ' -f1)

expect 0 "add --json with metadata" ev add --as se --case 2026/0001 --json --kind testimony \
	--meta title="Statement of W-7" --meta collected_by="Inspector A. Berg" \
	--meta collected_by_org=SE --meta collected_at=2026-03-05 --meta language=sv \
	--meta source_place=Malmo --meta latitude=55.6 --meta longitude=13.0 \
	--meta tag=witness --meta tag=protected "$T/files/statement.txt"
jqt "... an array of one item" 'type == "array" and length == 1'
jqt "... its SHA-256, size and name" ".[0].sha256 == \"$(sha "$T/files/statement.txt")\" and .[0].size == $(wc -c <"$T/files/statement.txt") and .[0].original_name == \"statement.txt\""
jqt "... the metadata and provenance given" '.[0].title == "Statement of W-7" and .[0].kind == "testimony" and .[0].provenance.collected_by.person == "Inspector A. Berg" and .[0].provenance.collected_by.org == "SE" and .[0].provenance.source.place == "Malmo" and .[0].provenance.source.latitude == 55.6 and .[0].tags == ["witness", "protected"]'
jqt "... registered by se in 2026/0001, integrity ok" '.[0].registered_by == "se" and .[0].case_reference == "2026/0001" and .[0].integrity == "ok" and .[0].originator == "SE"'
check "... nothing on stderr" err_empty
W7=$(jq -r '.[0].id' "$OUT")
expect 0 "show it as text" ev show "$W7" --as se
check "... its provenance in words, not as JSON" sh -c \
	'grep -q "^  file: *statement.txt$" "$0" && grep -q "^  collected by: *Inspector A. Berg (SE)$" "$0" &&
	 grep -q "^  collected at: *2026-03-05$" "$0" && grep -q "^  source: *Malmo$" "$0" &&
	 grep -q "^  coordinates: *55.600000, 13.000000$" "$0" && grep -q "^  language: *sv$" "$0" &&
	 grep -q "^  tags: *witness, protected$" "$0" && ! grep -q "{" "$0"' "$OUT"
check "... its size in whole bytes" has_out "^  kind: *testimony (text/plain), $(wc -c <"$T/files/statement.txt") B$"
expect 0 "tags as a list, and one more" ev add --as se --case 2026/0001 --json \
	--meta tags=seized,phone --meta tag=urgent "$T/files/statement.txt"
jqt "... three tags" '.[0].tags == ["seized", "phone", "urgent"]'
expect 0 "the same file twice is two items" ev add --as se --case 2026/0001 --json \
	"$T/files/statement.txt" "$T/files/statement.txt"
jqt "... with the same SHA-256" 'length == 2 and .[0].id != .[1].id and .[0].sha256 == .[1].sha256'

# refused COMMAND ARGS...: expects exit 1 and no new item in 2026/0001.
refused() {
	desc=$1
	shift
	before=$(count 2026/0001 se)
	expect 1 "$desc exits 1" "$@"
	check "... and registers nothing" test "$(count 2026/0001 se)" = "$before"
}
refused "add of a directory" ev add --as se --case 2026/0001 "$T/files"
check "... saying it is not a regular file" has_err 'not a regular file'
refused "add of /dev/null" ev add --as se --case 2026/0001 /dev/null
check "... saying it is not a regular file" has_err 'not a regular file'
refused "add of a missing path" ev add --as se --case 2026/0001 "$T/nope"
check "... naming it" has_err "$T/nope"
if [ "$(id -u)" != 0 ]; then # root reads whatever the mode says
	cp "$T/files/statement.txt" "$T/files/locked.txt" && chmod 000 "$T/files/locked.txt"
	refused "add of an unreadable file" ev add --as se --case 2026/0001 "$T/files/locked.txt"
	rm -f "$T/files/locked.txt"
fi
refused "add of small files then a missing path" ev add --as se --case 2026/0001 \
	"$T/files/statement.txt" "$T/files/phone-dump.bin" "$T/nope"
# A refused path anywhere refuses the whole command, large files before it included.
refused "add of a large file then a directory" ev add --as se --case 2026/0001 \
	"$T/files/device-image.dd" "$T/files"
refused "--kind painting" ev add --as se --case 2026/0001 --kind painting "$T/files/statement.txt"
refused "--meta without =" ev add --as se --case 2026/0001 --meta title "$T/files/statement.txt"
refused "--meta with an unknown key" ev add --as se --case 2026/0001 --meta colour=red "$T/files/statement.txt"
refused "--meta latitude=north" ev add --as se --case 2026/0001 --meta latitude=north "$T/files/statement.txt"
refused "--meta latitude=nan (no place on Earth)" ev add --as se --case 2026/0001 --meta latitude=nan --meta longitude=1 "$T/files/statement.txt"
refused "--meta latitude=1e999" ev add --as se --case 2026/0001 --meta latitude=1e999 --meta longitude=1 "$T/files/statement.txt"
refused "a longitude without its latitude" ev add --as se --case 2026/0001 --meta longitude=13.0 "$T/files/statement.txt"
refused "collected_at: a day followed by anything" ev add --as se --case 2026/0001 --meta "collected_at=2022-01-01Tgarbage" "$T/files/statement.txt"
refused "collected_at at 25 o'clock" ev add --as se --case 2026/0001 --meta "collected_at=2026-03-02T25:00:00Z" "$T/files/statement.txt"
refused "an empty title" ev add --as se --case 2026/0001 --meta "title=" "$T/files/statement.txt"
refused "--meta with invalid UTF-8" ev add --as se --case 2026/0001 --meta "title=$(printf 'Caf\351')" "$T/files/statement.txt"
n1=$(count 2026/0001 se)
expect 2 "an observer organisation cannot add (interpol on 2026/0001)" ev add --as interpol --case 2026/0001 "$T/files/statement.txt"
expect 2 "an observer user cannot add (se-observer)" ev add --as se-observer --case 2026/0001 "$T/files/statement.txt"
expect 2 "an outsider cannot add (de)" ev add --as de --case 2026/0001 "$T/files/statement.txt"
check "... none of them registered anything" test "$(count 2026/0001 se)" = "$n1"
expect 0 "a participant adds (rs)" ev add --as rs --case 2026/0001 "$T/files/seizure report.txt"
check "... one line" out_lines 1

if command -v script >/dev/null 2>&1; then
	expect 0 "on a terminal, a large file shows a progress bar" script -q -e -c \
		"$B evidence add --as se --case 2026/0001 '$T/files/device-image.dd' 2>&1" /dev/null
	check "... reaching 100%" has_out '100%'
fi

# ---- show, get, custody ------------------------------------------------------------

expect 0 "show the large item" ev show "$BIG" --as se
check "... its SHA-256" has_out "sha256: *$(sha "$T/files/device-image.dd")"
check "... its integrity" has_out 'integrity: *ok'
expect 0 "get --out writes the large item" ev get "$BIG" --as se --out "$T/big.out"
check "... the identical bytes" cmp "$T/files/device-image.dd" "$T/big.out"
check "... printing the SHA-256 and the file" has_out "^$(sha "$T/files/device-image.dd") $T/big.out\$"
check "... nothing on stderr" err_empty
check "... no partial file left" test ! -e "$T/big.out.part"
expect 0 "get --out - writes the small item to stdout" ev get "$SMALL" --as se --out -
check "... the identical bytes" cmp "$T/files/statement.txt" "$OUT"
expect 0 "get of the empty item" ev get "$EMPTY" --as se --out "$T/empty.out"
check "... an empty file" sh -c '[ -f "$1" ] && [ ! -s "$1" ]' sh "$T/empty.out"
expect 1 "get without --out exits 1" ev get "$SMALL" --as se
expect 2 "get by an outsider exits 2" ev get "$SMALL" --as de --out "$T/de.out"
check "... and writes nothing" test ! -e "$T/de.out"
expect 0 "rs (a participant) reads the SE item 1" ev get 1 --as rs --out "$T/one.out"
expect 0 "custody of the large item" ev custody "$BIG" --as se --json
jqt "... registered first, by se" '.[0].event == "registered" and .[0].actor == "se" and .[0].actor_org == "SE"'
jqt "... then accessed by the get" 'any(.[]; .event == "accessed" and .actor == "se" and .reason == "copied to a file")'
expect 0 "custody --record sealed" ev custody "$BIG" --as se --record sealed --reason "bag 4471"
check "... listed" has_out 'sealed .*bag 4471'
expect 0 "custody --limit 1" ev custody "$BIG" --as se --limit 1 --json
jqt "... its registration" 'length == 1 and .[0].event == "registered"'
SEQ=$(jq '.[0].seq' "$OUT")
expect 0 "custody --after SEQ --limit 1" ev custody "$BIG" --as se --after "$SEQ" --limit 1 --json
jqt "... the next event" "length == 1 and .[0].seq > $SEQ and .[0].event == \"accessed\""
expect 0 "custody --after SEQ" ev custody "$BIG" --as se --after "$SEQ" --json
jqt "... the rest, the seal last" "length >= 2 and all(.[]; .seq > $SEQ) and .[-1].event == \"sealed\""
expect 1 "custody --record erased (recorded by custodia only) exits 1" ev custody "$BIG" --as se --record erased --reason x

# ---- verify and a corrupted blob ---------------------------------------------------

expect 0 "case create for the integrity checks" "$B" case create --as se --title "Integrity" --crime-type other --json
C=$(jq -r .reference "$OUT")
head -c 200000 /dev/urandom >"$T/files/altered.bin"
head -c 1000 /dev/urandom >"$T/files/lost.bin"
printf 'kept intact\n' >"$T/files/intact.txt"
blobs >"$T/b0"
expect 0 "add a file to be altered" ev add --as se --case "$C" "$T/files/altered.bin"
ALT=$(cut -d' ' -f1 "$OUT")
blobs >"$T/b1"
expect 0 "add a file to be lost" ev add --as se --case "$C" "$T/files/lost.bin"
LOST=$(cut -d' ' -f1 "$OUT")
blobs >"$T/b2"
expect 0 "add a file that stays intact" ev add --as se --case "$C" "$T/files/intact.txt"
ALTBLOB=$(comm -13 "$T/b0" "$T/b1")
LOSTBLOB=$(comm -13 "$T/b1" "$T/b2")
check "each add made one blob" sh -c '[ "$(printf "%s\n" "$1" | wc -l)" = 1 ] && [ -f "$1" ] && [ "$(printf "%s\n" "$2" | wc -l)" = 1 ] && [ -f "$2" ]' sh "$ALTBLOB" "$LOSTBLOB"
check "blobs are encrypted at rest (the plaintext is nowhere in the vault)" sh -c '! grep -r -q -F "kept intact" "$1/blobs"' sh "$D"
expect 0 "verify --case exits 0 while all is well" ev verify --as se --case "$C"
check "... 3 item(s) checked, 0 failed" has_out '^3 item(s) checked, 0 failed$'
printf 'X' | dd of="$ALTBLOB" bs=1 seek=100000 conv=notrunc 2>/dev/null
rm -f "$LOSTBLOB"
expect 2 "verify --case exits 2 after a blob was altered and one removed" ev verify --as se --case "$C"
check "... naming the altered item as failed" has_out "^$ALT  *failed "
check "... naming the removed item as missing" has_out "^$LOST  *missing "
check "... 3 checked, 2 failed" has_out '^3 item(s) checked, 2 failed$'
expect 2 "verify --item of the altered item exits 2" ev verify --as se --case "$C" --item "$ALT"
check "... one item checked" has_out '^1 item(s) checked, 1 failed$'
expect 2 "verify --json exits 2 too" ev verify --as se --case "$C" --json
jqt "... reporting each status" "length == 3 and any(.[]; .id == $ALT and .status == \"failed\") and any(.[]; .id == $LOST and .status == \"missing\") and any(.[]; .status == \"ok\")"
expect 2 "get of the altered item exits 2" ev get "$ALT" --as se --out "$T/alt.out"
check "... leaving no file" sh -c '[ ! -e "$1" ] && [ ! -e "$1.part" ]' sh "$T/alt.out"
expect 0 "list shows the integrity failure" ev list --as se --case "$C"
check "... flagged" has_out "^$ALT .*INTEGRITY FAILED"
expect 0 "show says failed" ev show "$ALT" --as se
check "... integrity: failed" has_out 'integrity: *failed'
expect 0 "verify of another case is unaffected" ev verify --as fr --case 2024/0001
expect 2 "verify of every case needs an operator administrator" ev verify --as se
expect 2 "verify of every case, by admin, exits 2 (the damage above)" ev verify --as admin
check "... naming the altered item" has_out "^$ALT  *failed "
expect 0 "verify --item alone, by the ICC, of the item granted to it" ev verify --item 5 --as icc
check "... one item checked" has_out "^1 item(s) checked, 0 failed$"
expect 0 "verify --case as the ICC (a JIT participant there)" ev verify --case 2022/0001 --as icc --json
jqt "... only the item it may see" 'map(.id) == [5]'
expect 2 "verify --item with another case" ev verify --item 5 --case 2026/0001 --as se

# ---- sharing: grants, consent, revocation -----------------------------------------

expect 0 "lt gets item 4 (originator UA)" ev get 4 --as lt --out "$T/four.lt"
expect 1 "share without --legal-basis exits 1" ev share --as lt --case 2022/0001 --item 4 --org IIIM
expect 1 "share with an empty legal basis exits 1" ev share --as lt --case 2022/0001 --item 4 --org IIIM --legal-basis ""
expect 0 "lt shares item 4 with IIIM" ev share --as lt --case 2022/0001 --item 4 --org IIIM \
	--legal-basis "Request for assistance of 2026-05-02"
check "... grant N: 1 item(s) of 2022/0001 for IIIM" has_out '^grant [0-9][0-9]*: 1 item(s) of 2022/0001 for IIIM$'
G=$(sed -n 's/^grant \([0-9]*\):.*/\1/p' "$OUT")
expect 0 "iiim's list while consent is pending" ev list --as iiim --json
jqt "... is empty" 'length == 0'
expect 2 "iiim cannot show item 4 yet" ev show 4 --as iiim
expect 2 "iiim cannot get item 4 yet" ev get 4 --as iiim --out "$T/four.iiim"
expect 0 "ua (the originator) lists the grant" ev grants --as ua
check "... naming IIIM" has_out "^grant $G .*LT -> IIIM *in force, no expiry$"
check "... waiting for its consent" has_out "^  item 4 .*(waiting for the consent of UA, its originator)$"
expect 0 "iiim (the receiver) lists the grant" ev grants --as iiim
check "... in force" has_out "^grant $G .*LT -> IIIM"
check "... without item 4 (no title of an item not consented to)" lacks_out "item 4"
expect 0 "pl (another member of the case) lists grants" ev grants --as pl
check "... without this one" sh -c '! grep -q "^grant $2 " "$1"' sh "$OUT" "$G"
check "... and without IIIM" lacks_out IIIM
expect 0 "lt's custody of item 4 while UA's consent is pending" ev custody 4 --as lt --json
jqt "... has no shared event yet (nothing left the case)" 'any(.[]; .event == "shared") | not'
expect 2 "pl cannot consent for UA" ev consent "$G" --as pl
expect 2 "lt (the grantor) cannot consent for UA" ev consent "$G" --as lt
expect 0 "ua consents" ev consent "$G" --as ua
check "... grant N: consent given" has_out "^grant $G: consent given$"
expect 2 "consent twice exits 2" ev consent "$G" --as ua
expect 0 "lt's custody of item 4 after the consent" ev custody 4 --as lt --json
jqt "... shared now, by ua under the grant" "any(.[]; .event == \"shared\" and .actor == \"ua\" and .details.grant_id == $G)"
expect 0 "pl's custody of item 4" ev custody 4 --as pl --json
jqt "... hides who the grant names" 'any(.[]; .event == "shared" and .actor == "(restricted)" and .actor_org == "(restricted)") and (tostring | contains("IIIM") | not)'
expect 0 "iiim now lists item 4" ev list --as iiim --json
jqt "... exactly item 4" 'map(.id) == [4]'
expect 0 "iiim gets item 4" ev get 4 --as iiim --out "$T/four.iiim"
check "... the same bytes as lt's copy" cmp "$T/four.lt" "$T/four.iiim"
expect 0 "lt sees iiim's access in the custody" ev custody 4 --as lt --json
jqt "... accessed by IIIM under the grant" "any(.[]; .event == \"accessed\" and .actor_org == \"IIIM\" and .details.grant_id == $G)"
expect 2 "iiim (the receiver) cannot revoke" ev revoke "$G" --as iiim
expect 0 "lt revokes" ev revoke "$G" --as lt --reason "cooperation concluded"
check "... grant N revoked" has_out "^grant $G revoked$"
expect 0 "iiim's list after the revocation" ev list --as iiim --json
jqt "... is empty at once" 'length == 0'
expect 2 "iiim cannot get item 4 any more" ev get 4 --as iiim --out "$T/four.again"
expect 2 "revoke twice exits 2" ev revoke "$G" --as lt
expect 0 "grants as lt" ev grants --as lt
check "... shows it revoked" has_out "^grant $G .*revoked 20[0-9-]* by lt$"
expect 0 "lt shares item 4 with IIMM" ev share --as lt --case 2022/0001 --item 4 --org IIMM --legal-basis "Exchange of 2026-06-01"
G2=$(sed -n 's/^grant \([0-9]*\):.*/\1/p' "$OUT")
expect 0 "ua refuses" ev consent "$G2" --as ua --refuse
check "... grant N: consent refused" has_out "^grant $G2: consent refused$"
expect 0 "lt's grants" ev grants --as lt
check "... say UA refused item 4" has_out "^  item 4 .*(consent refused by UA: not shared)$"
expect 2 "ua has no consent left to withdraw there" ev revoke "$G2" --as ua
check "... saying so" has_err "already withdrawn or refused"
expect 0 "lt's custody of item 4" ev custody 4 --as lt --json
jqt "... records nothing for the refused grant (the item never went)" "any(.[]; .details.grant_id == $G2) | not"
expect 0 "iimm's list" ev list --as iimm --json
jqt "... stays empty" 'length == 0'
expect 0 "lt revokes the ICC's grant 1" ev revoke 1 --as lt
expect 0 "icc's list" ev list --as icc --json
jqt "... is empty at once" 'length == 0'
expect 2 "icc cannot show item 5 any more" ev show 5 --as icc
expect 1 "sharing an item twice in one grant exits 1" ev share --as lt --case 2022/0001 --item 5 --item 5 --org IIMM --legal-basis x
check "... naming it" has_err 'names item 5 twice'
expect 1 "sharing with a participant of the case exits 1" ev share --as lt --case 2022/0001 --item 5 --org PL --legal-basis x
check "... saying it takes part already" has_err 'already takes part'

# ---- erasure, legal holds, retention ------------------------------------------------

expect 0 "case create for erasure" "$B" case create --as se --title "Erasure" --crime-type other --participant RS --json
E=$(jq -r .reference "$OUT")
printf 'to be erased\n' >"$T/files/erase-me.txt"
blobs >"$T/e0"
expect 0 "add an item to erase" ev add --as se --case "$E" "$T/files/erase-me.txt"
X=$(cut -d' ' -f1 "$OUT")
XSHA=$(sha "$T/files/erase-me.txt")
expect 1 "erase without --reason exits 1" ev erase "$X" --as se
expect 0 "hold --case places a legal hold" ev hold --case "$E" --as se --reason "appeal pending" --json
H=$(jq '.holds[0].id' "$OUT")
jqt "... listed with its reason" '.holds | length == 1 and .[0].reason == "appeal pending" and .[0].placed_by == "se"'
expect 2 "erase under a legal hold exits 2" ev erase "$X" --as se --reason "final acquittal"
check "... naming the hold" has_err 'appeal pending'
expect 0 "the content is still there" ev get "$X" --as se --out "$T/x.out"
expect 2 "rs (not an owner) cannot place a hold" ev hold --case "$E" --as rs --reason x
expect 1 "hold without --reason or --release exits 1" ev hold --case "$E" --as se
expect 2 "rs cannot release the hold" ev hold --case "$E" --as rs --release "$H"
expect 2 "a hold named with another case is not found" ev hold --case 2026/0001 --as se --release "$H"
expect 0 "se releases the hold by its id alone (as the help says)" ev hold --as se --release "$H"
check "... hold released" has_out '^hold released$'
expect 2 "releasing it again exits 2" ev hold --case "$E" --as se --release "$H"
expect 2 "rs (not an owner) cannot erase" ev erase "$X" --as rs --reason "x"
expect 0 "se erases with a reason" ev erase "$X" --as se --reason "final acquittal; storage no longer lawful"
check "... the tombstone keeps the SHA-256" has_out "^evidence $X erased; tombstone keeps SHA-256 $XSHA\$"
blobs >"$T/e1"
check "... and the blob is destroyed" cmp "$T/e0" "$T/e1" || diff "$T/e0" "$T/e1"
expect 2 "get of an erased item exits 2" ev get "$X" --as se --out "$T/x2.out"
expect 0 "show of an erased item" ev show "$X" --as se
check "... ERASED, by whom and why" has_out "ERASED: .* by se: final acquittal; storage no longer lawful"
expect 0 "custody of an erased item" ev custody "$X" --as se --json
jqt "... registered, then erased with the hash, reason and decider" ".[0].event == \"registered\" and (.[-1] | .event == \"erased\" and .details.sha256 == \"$XSHA\" and .details.decided_by == \"se\" and .reason == \"final acquittal; storage no longer lawful\")"
expect 2 "erase twice exits 2" ev erase "$X" --as se --reason again
expect 0 "verify skips the erased item" ev verify --as se --case "$E"
check "... 0 item(s) checked" has_out '^0 item(s) checked, 0 failed$'

expect 0 "retention with nothing due" ev retention --as rs
check "... says so" has_out 'nothing due within 30 days'
expect 1 "trigger without --on exits 1" ev trigger --case "$E" --as se --trigger final_acquittal
expect 1 "trigger with an unknown trigger exits 1" ev trigger --case "$E" --as se --trigger bored --on "$TODAY"
expect 1 "trigger with a bad date exits 1" ev trigger --case "$E" --as se --trigger final_acquittal --on 2026-02-30
expect 2 "rs (not an owner) cannot record a trigger" ev trigger --case "$E" --as rs --trigger final_acquittal --on "$TODAY"
expect 1 "a final acquittal dated in the future is refused" ev trigger --case "$E" --as se --trigger final_acquittal --on 2099-01-01
expect 0 "trigger final_acquittal today" ev trigger --case "$E" --as se --trigger final_acquittal --on "$TODAY" --note "Svea hovratt B 99-26"
check "... recorded" has_out "^recorded final_acquittal on $TODAY\$"
expect 2 "a second final decision is refused" ev trigger --case "$E" --as se --trigger final_judgment --on "$TODAY"
check "... naming the first" has_err "already has its final decision (final_acquittal on $TODAY)"
expect 0 "a limitation date ahead is taken" ev trigger --case "$E" --as se --trigger statute_barred --on 2040-01-01
expect 0 "hold on the acquitted case" ev hold --case "$E" --as se --reason "victim's civil claim pending"
expect 0 "retention lists the case" ev retention --as se
check "... by reference" has_out "^$E  Erasure\$"
check "... deletion due today after the acquittal" has_out "^  delete due $TODAY: final acquittal\$"
check "... and its legal hold" has_out "^  on legal hold: victim's civil claim pending\$"
expect 0 "retention --json" ev retention --as se --json
jqt "... the case with a delete action" "any(.[]; .reference == \"$E\" and any(.due[]; .action == \"delete\" and .due_on == \"$TODAY\"))"
expect 1 "retention --within soon exits 1" ev retention --as se --within soon

# ---- the data directory after all of the above ------------------------------------

check "no temporary upload files are left" sh -c '[ -z "$(find "$1/blobs/tmp" -type f)" ]' sh "$D"
check "blob files are 0600" sh -c '[ -z "$(find "$1/blobs" -type f ! -perm 600)" ]' sh "$D"

finish
