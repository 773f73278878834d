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

# A defence lawyer's attacks: every member of the archive is bound by the signed
# manifest (which the export records commit to) and the ledger, or verify fails.
repack b2.tar "$T/w.tar" "jq '.items |= map(select(.id != 2))' bundle.json > j && mv j bundle.json &&
	rm -r evidence/2 && jq -c 'select(.item != 2)' ledger/entries.jsonl > e && mv e ledger/entries.jsonl"
check "an exhibit withheld with its file and ledger lines is refused, naming it" \
	"refused '$T/w.tar' 'withholds it' && grep -q 'FAIL item 2  Photograph of the lorry' '$T/out.txt'"
repack b2.tar "$T/ft.tar" "jq '.items[0].title = \"Confession of the accused\"' bundle.json > j && mv j bundle.json"
check "a forged title in bundle.json is refused and never printed as the item's" \
	"refused '$T/ft.tar' 'not the signed manifest' && ! grep -q '^OK.*Confession' '$T/out.txt' &&
	 grep -q 'item 1  Witness statement' '$T/out.txt'"
repack b2.tar "$T/xf.tar" "echo x > evidence/1/notes.txt"
check "an evidence file no item lists is refused" "refused '$T/xf.tar' 'evidence/1/notes.txt is the file of no item'"
repack b2.tar "$T/xl.tar" "echo x > ledger/notes"
check "any other unlisted file is refused" "refused '$T/xl.tar' 'ledger/notes is not part of a custodia bundle'"
repack b2.tar "$T/sl.tar" "ln -s /etc/passwd evidence/1/passwd"
check "a link in the archive is refused" "refused '$T/sl.tar' 'not a regular file'"
repack b2.tar "$T/l2.tar" "jq '.items += [.items[0]]' bundle.json > j && mv j bundle.json"
check "an item listed twice is refused" "refused '$T/l2.tar' 'item 1 is listed twice'"
repack b2.tar "$T/dl.tar" "head -n 1 ledger/entries.jsonl >> ledger/entries.jsonl"
check "a ledger line given twice is refused" "refused '$T/dl.tar' 'in the bundle twice'"
# Two members of one name, the forged copy first: tar keeps the last, a viewer may show the first.
rm -rf "$T/f" "$T/x" && mkdir -p "$T/f/evidence/1" "$T/x" && echo forged > "$T/f/evidence/1/statement-W1.txt" &&
	(cd "$T/f" && tar cf "$T/dup.tar" evidence/1/statement-W1.txt) && tar xf b2.tar -C "$T/x" &&
	(cd "$T/x" && tar rf "$T/dup.tar" manifest.jsonld bundle.json ledger evidence)
check "a member given twice (the forged copy first) is refused" "refused '$T/dup.tar' 'in the archive twice'"

# Packed again from its directory (tar -C DIR -cf FILE .): every member is
# "./NAME" and the archive holds "./" itself. That one leading "./" is accepted,
# nothing more: a name given with and without it is given twice, and "././x",
# "/x" and "../x" are names no bundle has.
rm -rf "$T/x" && mkdir "$T/x" && tar xf b2.tar -C "$T/x" && tar -C "$T/x" -cf "$T/dot.tar" .
check "a bundle packed again with tar -C DIR -cf FILE . (members ./NAME) verifies" \
	"tar tf '$T/dot.tar' | grep -qx './manifest.jsonld' && tar tf '$T/dot.tar' | grep -qx './' &&
	 '$BIN' bundle verify '$T/dot.tar' --key '$K' --json >'$T/dot.json' &&
	 jq -e '.ok and (.items | length == 3)' '$T/dot.json' >/dev/null"
# with_member SRC DST NAME: SRC's members, then a file of that exact name.
with_member() {
	python3 - "$@" <<'EOF_PY'
import io, sys, tarfile
src, dst, name = sys.argv[1:4]
with tarfile.open(src) as a, tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as b:
    for m in a.getmembers():
        b.addfile(m, a.extractfile(m) if m.isfile() else None)
    data = open(sys.argv[4], "rb").read() if len(sys.argv) > 4 else b"x\n"
    m = tarfile.TarInfo(name)
    m.size = len(data)
    b.addfile(m, io.BytesIO(data))
EOF_PY
}
tar xf b2.tar -O bundle.json >"$T/bj"
with_member "$T/dot.tar" "$T/dot2.tar" bundle.json "$T/bj"
check "... but ./bundle.json and bundle.json both is a member given twice" \
	"refused '$T/dot2.tar' 'bundle.json is in the archive twice'"
for bad in ././bundle.json /ledger/notes ../ledger/notes ./../notes; do
	with_member "$T/dot.tar" "$T/dotbad.tar" "$bad"
	check "... and a member named $bad is refused" \
		"refused '$T/dotbad.tar' 'not part of a custodia bundle'"
done

# Custody hidden from the exporter stays hidden in its bundle: ee sees the ICC's
# grant and download of item 5 as (restricted), and so does its bundle.
"$BIN" evidence get 5 --out "$T/icc5" --data "$D" --as icc >/dev/null
check "the exporter's own view of the chain hides the grant's events" \
	"'$BIN' evidence custody 5 --data '$D' --as ee | grep -q '(restricted)'"
check "ee exports the item" \
	"'$BIN' bundle export --case 2022/0001 --evidence 5 --for ICC --out '$T/r.tar' --data '$D' --as ee >/dev/null"
rm -rf "$T/r" && mkdir "$T/r" && tar xf "$T/r.tar" -C "$T/r"
check "the grantor's bundle carries the grant's legal basis (so the grep below can fail)" \
	"tar xOf b1.tar ledger/entries.jsonl | grep -q 'art. 93'"
check "ee's bundle names neither the legal basis, the grant, nor who downloaded" \
	"! grep -q -e 'art. 93' -e 'grant_id' -e 'identity-ICC' -e 'copied to a file' -e '(restricted)' \
	   '$T/r/manifest.jsonld' '$T/r/ledger/entries.jsonl' '$T/r/bundle.json'"
check "the two restricted events are proven entries without record or salt" \
	"[ \$(jq -s 'map(select(.redacted == true and (has(\"record\") or has(\"salt\") | not))) | length' \
	   '$T/r/ledger/entries.jsonl') -eq 2 ]"
check "the bundle verifies and reports them as restricted" \
	"'$BIN' bundle verify '$T/r.tar' --key '$K' >'$T/r.txt' && grep -q '2 restricted' '$T/r.txt' &&
	 grep -q 'bundle verified' '$T/r.txt'"
repack "$T/r.tar" "$T/rr.tar" "jq -c 'if .kind == \"custody\" and (.record | fromjson | .event) == \"registered\"
	then del(.record, .salt) + {redacted: true} else . end' ledger/entries.jsonl > e && mv e ledger/entries.jsonl"
check "a record withheld that the manifest does not mark restricted is refused" \
	"refused '$T/rr.tar' 'does not mark custody event'"

# Exit codes: 1 for what names no bundle file or no key, 2 for what does not verify.
mkdir -p "$T/adir"
: >"$T/empty.tar"
head -c 2000 b1.tar >"$T/cut.tar"
exits() { # $1 expected exit, $2 expected message, then the command's arguments
	want=$1 msg=$2
	shift 2
	"$BIN" "$@" >"$T/x.out" 2>&1
	got=$?
	[ "$got" -eq "$want" ] && grep -q "$msg" "$T/x.out" && ! grep -q 'FAIL item' "$T/x.out"
}
check "verify of a missing file: exit 1" "exits 1 'cannot read' bundle verify '$T/nosuch.tar' --key '$K'"
check "verify of a directory: exit 1" "exits 1 'is a directory' bundle verify '$T/adir' --key '$K'"
check "verify of an empty file: exit 2" "exits 2 'is empty' bundle verify '$T/empty.tar' --key '$K'"
check "verify of a file that is no tar: exit 2" "exits 2 'not a custodia bundle' bundle verify '$T/junk.tar' --key '$K'"
check "verify of a truncated bundle: exit 2" "exits 2 'damaged' bundle verify '$T/cut.tar' --key '$K'"
check "a malformed --key is a usage error, not a report" \
	"exits 1 'not a verifier key' bundle verify b1.tar --key garbage"

# A failed export records nothing, and a bad --out is refused before any work.
exported() { "$BIN" evidence custody 1 --data "$1" --as se | grep -c exported; }
entries() { dbq "$1" "SELECT count(*) FROM ledger_entries"; }
n0=$(exported "$D") e0=$(entries "$D")
check "--out in a missing directory: exit 1" \
	"exits 1 'existing, writable directory' bundle export --case 2026/0001 --for RS --out /nonexistent/dir/x.tar --data '$D' --as se"
check "--out naming a directory: exit 1" \
	"exits 1 'is a directory' bundle export --case 2026/0001 --for RS --out '$T/adir' --data '$D' --as se"
check "an item given twice: exit 1, saying so" \
	"exits 1 'listed twice' bundle export --case 2026/0001 --evidence 1 --evidence 1 --for RS --out '$T/y.tar' --data '$D' --as se"
check "none of them recorded an export or a ledger entry" \
	"[ \$(exported '$D') -eq $n0 ] && [ \$(entries '$D') -eq $e0 ] && [ ! -e '$T/y.tar' ] && [ ! -e '$T/y.tar.part' ]"
# Item 3's content altered in the store (its blob is the only one of its size: one
# unit of docs/vault.md, 57 bytes over the content): it fails after item 1 is written.
size3=$("$BIN" evidence show 3 --data "$D2" --as se --json | jq .size)
blob=$(find "$D2/blobs" -type f -size "$((size3 + 57))c")
check "the altered blob is found" "[ \$(printf '%s\n' '$blob' | grep -c .) -eq 1 ]"
printf 'X' | dd of="$blob" bs=1 seek=100 conv=notrunc 2>/dev/null
n0=$(exported "$D2") e0=$(entries "$D2")
check "an item failing its integrity check mid-export fails the export" \
	"exits 2 'altered' bundle export --case 2026/0001 --evidence 1 --evidence 3 --for RS --out '$T/z.tar' --data '$D2' --as se"
check "and records no export, in any chain or the ledger, and leaves no file" \
	"[ \$(exported '$D2') -eq $n0 ] && [ \$(entries '$D2') -eq $e0 ] && [ ! -e '$T/z.tar' ] && [ ! -e '$T/z.tar.part' ]"

# Names are metadata: registration refuses one that names no file, and a bundle's
# member is always one safe component, whatever an older record holds.
echo x >"$T/n.txt"
for bad in '' . ..; do
	check "evidence add refuses original_name='$bad'" \
		"exits 1 'must name a file' evidence add --case 2026/0001 --kind document --meta 'original_name=$bad' '$T/n.txt' --data '$D2' --as se"
done
for name in "''" "'.'" "'..'" "'../../etc/x'" "'a<b>|c'"; do
	case $name in "''" | "'.'" | "'..'") want=evidence/1/content ;; "'../../etc/x'") want=evidence/1/.._.._etc_x ;; *) want=evidence/1/a_b__c ;; esac
	tamper "$D2" "UPDATE evidence SET original_name = $name WHERE id = 1"
	rm -rf "$T/nb.tar" "$T/nx" && mkdir "$T/nx"
	check "an original name $name exports as $want, verifies and extracts" \
		"'$BIN' bundle export --case 2026/0001 --evidence 1 --for RS --out '$T/nb.tar' --data '$D2' --as se >/dev/null &&
		 '$BIN' bundle verify '$T/nb.tar' --key \"\$('$BIN' ledger key --data '$D2' | head -n 1)\" >/dev/null &&
		 tar xf '$T/nb.tar' -C '$T/nx' && [ -f '$T/nx/$want' ] && [ \$(find '$T/nx/evidence' -type f | wc -l) -eq 1 ]"
done

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

# A record put in the database around custodia is never given an entry by a
# command that opens the store: ledger verify names it, exit 2.
check "ledger verify holds on the second data directory" "'$BIN' ledger verify --data '$D2' >/dev/null"
tamper "$D2" "INSERT INTO events(at, actor, actor_org, action, object_type, object_id, case_id,
	after, salt) VALUES ('2026-01-02T03:04:05.000Z', 'se', 'SE', 'case.participant_add', 'case',
	'1', 1, '{\"name\":\"Planted\"}', '00112233445566778899aabbccddeeff')"
planted=$(dbq "$D2" "SELECT max(seq) FROM events")
e0=$(entries "$D2")
"$BIN" case list --data "$D2" --as se >/dev/null
check "a planted record is not given an entry when the store is opened" "[ \$(entries '$D2') -eq $e0 ]"
check "ledger verify names it as a record without its entry, exit 2" \
	"'$BIN' ledger verify --data '$D2' >'$T/v.txt' 2>&1; [ \$? -eq 2 ] &&
	 grep -q '^record event $planted (case.participant_add .*has no ledger entry' '$T/v.txt'"
check "... so does --log-only" \
	"'$BIN' ledger verify --log-only --data '$D2' >'$T/v.txt' 2>&1; [ \$? -eq 2 ] &&
	 grep -q 'event $planted .*has no ledger entry' '$T/v.txt'"
check "... and still after verify itself opened the store" \
	"[ \$(entries '$D2') -eq $e0 ] && ! '$BIN' ledger verify --data '$D2' >/dev/null 2>&1"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
