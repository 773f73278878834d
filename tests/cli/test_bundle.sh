#!/bin/sh
# tests: evidence bundles end to end — export, offline verification with and
# without a data directory, and every tampering the issue names refused with
# a precise message.
set -u
. "$(cd "$(dirname "$0")" && pwd)/db.sh"
BIN=${CU_BIN:?set CU_BIN to the custodia binary}
T=$(mktemp -d /tmp/cu-bundle.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }

D="$T/data"
"$BIN" demo --data "$D" --no-serve >/dev/null || { echo "demo failed"; exit 1; }
K=$("$BIN" ledger key --data "$D")

# Export: one granted item for the ICC, and a whole case.
check "export of one item" \
	"'$BIN' bundle export --case 2022/0001 --evidence 5 --for ICC --out '$T/b1.tar' --data '$D' --as lt >/dev/null"
check "export of a whole case" \
	"'$BIN' bundle export --case 2026/0001 --for RS --out '$T/b2.tar' --data '$D' --as se >/dev/null"
check "the export is in the item's chain of custody" \
	"'$BIN' evidence custody 5 --data '$D' --as lt | grep -q exported"
check "a user who may not see the case cannot export it" \
	"! '$BIN' bundle export --case 2026/0001 --for ICC --out '$T/x.tar' --data '$D' --as fr 2>/dev/null && [ ! -e '$T/x.tar' ]"
check "no partial file is left on failure" "[ ! -e '$T/x.tar.part' ]"
check "a case without evidence says so, not that it is missing" \
	"! '$BIN' bundle export --case 2025/0002 --for ICC --out '$T/e.tar' --data '$D' --as de 2>'$T/e.err' && grep -q 'no evidence to export' '$T/e.err' && [ ! -e '$T/e.tar' ]"

# Verification needs no data directory.
cd "$T"
check "verify with the node key" "'$BIN' bundle verify b1.tar --key '$K' >out1.txt"
check "the report names the item, its hash and a complete chain" \
	"grep -q 'item 5' out1.txt && grep -q 'complete' out1.txt && grep -q 'bundle verified' out1.txt"
check "verify a whole case (3 items)" "'$BIN' bundle verify b2.tar --key '$K' --json | jq -e '.ok and (.items | length == 3)' >/dev/null"
check "without --key the report says whose key it trusted" \
	"'$BIN' bundle verify b1.tar | grep -q \"bundle's own\""
check "the evidence file in the bundle is the original" \
	"tar xf b1.tar -O evidence/5/imagery-note.txt | sha256sum | grep -q \$('$BIN' evidence show 5 --data '$D' --as lt --json | jq -r .sha256)"

# Tampering: unpack, change one thing, repack, verify with the node key.
repack() { # $1 source bundle, $2 output, $3 shell command run inside the unpacked tree
	rm -rf "$T/x" && mkdir "$T/x" && tar xf "$1" -C "$T/x" && (cd "$T/x" && eval "$3") &&
		(cd "$T/x" && tar cf "$2" manifest.jsonld bundle.json ledger evidence)
}
refused() { # $1 bundle, $2 expected message
	"$BIN" bundle verify "$1" --key "$K" >"$T/out.txt" 2>&1
	rc=$?
	[ $rc -eq 2 ] && grep -q "$2" "$T/out.txt"
}
repack b1.tar "$T/t1.tar" "printf 'x' | dd of=evidence/5/imagery-note.txt bs=1 seek=10 conv=notrunc 2>/dev/null"
check "a flipped byte in a file is refused" "refused '$T/t1.tar' 'does not match its SHA-256'"
repack b1.tar "$T/t2.tar" "sed -i 's/Satellite/Satellitx/' manifest.jsonld"
check "an edited manifest is refused" "refused '$T/t2.tar' 'commits to this manifest'"
# Line 1 is the registration, line 2 the first custody event ("registered").
repack b1.tar "$T/t3.tar" "awk 'NR!=2' ledger/entries.jsonl > e && mv e ledger/entries.jsonl"
check "a dropped custody event is refused" "refused '$T/t3.tar' 'is missing from the bundle'"
D2="$T/other"
"$BIN" demo --data "$D2" --no-serve >/dev/null
"$BIN" bundle export --case 2022/0001 --evidence 5 --for ICC --out "$T/o.tar" --data "$D2" --as lt >/dev/null
repack b1.tar "$T/t4.tar" "tar xf '$T/o.tar' ledger/checkpoint ledger/key"
check "a checkpoint signed with another key is refused" "refused '$T/t4.tar' 'not signed by the given key'"
# Proofs for a bigger tree: export again after more entries, keep the old checkpoint.
"$BIN" evidence custody 5 --record sealed --reason 'resealed' --data "$D" --as lt >/dev/null
"$BIN" bundle export --case 2022/0001 --evidence 5 --for ICC --out "$T/b3.tar" --data "$D" --as lt >/dev/null
repack b1.tar "$T/t5.tar" "tar xf '$T/b3.tar' ledger/entries.jsonl bundle.json manifest.jsonld"
check "proofs for another tree are refused" "refused '$T/t5.tar' 'inclusion proof does not lead'"
# Found by fuzz/fuzz_bundle.c: a line's "kind" is outside what the proofs cover, and
# without it the verifier passed NULL to strcmp (a crash, not a report).
repack b1.tar "$T/t6.tar" "jq -c 'del(.kind)' ledger/entries.jsonl > e && mv e ledger/entries.jsonl"
check "ledger lines without their kind are refused, not a crash" \
	"refused '$T/t6.tar' 'registration is not in the bundle'"
printf 'not a tar' > "$T/junk.tar"
check "a file that is not a bundle is refused clearly" \
	"! '$BIN' bundle verify '$T/junk.tar' --key '$K' 2>&1 | grep -q 'bundle verified'"
# ledger verify: the default checks the log and that every record still matches it;
# --log-only checks the log alone and says so.
check "ledger verify holds" "'$BIN' ledger verify --data '$D' | grep -q '^ok'"
check "ledger verify --log-only holds and says records were not checked" \
	"'$BIN' ledger verify --log-only --data '$D' | grep -q '^ok.*records NOT checked'"
check "ledger verify --deep (the default, kept for scripts) holds" \
	"'$BIN' ledger verify --deep --data '$D' | grep -q '^ok'"
idx=$(dbq "$D" "SELECT idx FROM ledger_entries WHERE kind = 'custody' AND
	ref = (SELECT max(seq) FROM custody)")
tamper "$D" "UPDATE custody SET reason = 'edited' WHERE seq = (SELECT max(seq) FROM custody)"
check "the default ledger verify finds an edited custody row at its index, exit 2" \
	"'$BIN' ledger verify --data '$D' >'$T/v.txt' 2>&1; [ \$? -eq 2 ] &&
	 grep -q \"^entry $idx: .*edited\" '$T/v.txt' && grep -q 'first bad index $idx' '$T/v.txt'"
check "--log-only does not claim to have checked it" \
	"'$BIN' ledger verify --log-only --data '$D' | grep -q '^ok.*records NOT checked'"
tamper "$D" "DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)"
check "the default ledger verify finds a deleted event, exit 2" \
	"'$BIN' ledger verify --data '$D' >'$T/v.txt' 2>&1; [ \$? -eq 2 ] && grep -q 'deleted' '$T/v.txt'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
