#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of custodia keys on the demo data (docs/keys.md): the master key
# sealed with a passphrase and held by a PKCS#11 token (SoftHSM2), served and read;
# master key rotation (blobs untouched, evidence still reads and verifies, the old key
# useless, a crash between the transaction and the rename repaired); signing key
# rotation (the ledger follows the chain, checkpoints per key, bundles before and after,
# forged and altered transitions refused). Works on SQLite and PostgreSQL (db.sh).
#
# Usage: CU_BIN=/path/to/custodia sh test_keys.sh

NAME=keys
TOOLS="jq sha256sum curl base64 od"
. "$(dirname "$0")/lib.sh"

SOFTHSM=/usr/lib/softhsm/libsofthsm2.so
D=$T/data
k() { "$B" keys "$@"; }
expect 0 "demo --no-serve" "$B" demo --data "$D" --no-serve
export CUSTODIA_DATA="$D"

# sha256 of item N's content as the vault gives it.
content() { "$B" evidence get "$1" --out - --as "${2:-se}" 2>/dev/null | sha256sum | cut -c1-64; }
registered() { "$B" evidence show "$1" --as "${2:-se}" --json | jq -r .sha256; }
# Every blob file: name, size, modification time (ns) and SHA-256 of its bytes.
blobs() {
	find "$D/blobs" -mindepth 2 -type f ! -path "$D/blobs/tmp/*" | sort | while read -r f; do
		echo "$f $(stat -c '%s %.9Y' "$f") $(sha256sum <"$f" | cut -c1-64)"
	done
}
serve() { # starts custodia serve on a free loopback port: $SRV, $U
	rm -f "$T/url"
	"$B" serve --listen 127.0.0.1:0 --ready-file "$T/url" --threads 1 --workers 0 \
		>"$T/serve.log" 2>&1 &
	SRV=$!
	for _ in $(seq 100); do [ -s "$T/url" ] && break; sleep 0.1; done
	U=$(cat "$T/url" 2>/dev/null)
}
stop() { kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null; SRV=""; }
trap '[ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null; rm -rf "$T"' EXIT

SHA1=$(registered 1)
check "item 1 reads before anything changes" [ "$(content 1)" = "$SHA1" ]

# ---- a key file gone missing is never replaced --------------------------------------

L=$T/lost
expect 0 "another demo, to lose its keys" "$B" demo --data "$L" --no-serve
mv "$L/master.key" "$T/master.key.real"
expect 2 "a command with master.key missing is refused" "$B" case list --data "$L" --as se
check "... naming it and how to put it back" has_err "master.key is missing.*restore"
check "... and no new master key was made" test ! -e "$L/master.key"
mv "$T/master.key.real" "$L/master.key"
expect 0 "... the real one back, all is read again" "$B" evidence get 1 --data "$L" --as se --out "$T/one"
cp "$L/node.pub" "$T/node.pub.before"
mv "$L/node.key" "$T/node.key.real"
expect 2 "init over the installation with node.key missing" "$B" init --data "$L" --admin x
check "... says it is initialised" has_err "already initialised"
check "... made no signing key" test ! -e "$L/node.key"
check "... and left node.pub as it was" cmp "$L/node.pub" "$T/node.pub.before"
mv "$T/node.key.real" "$L/node.key"

# ---- sealed with a passphrase ------------------------------------------------------

(umask 077 && printf 'correct horse battery staple\n' >"$T/pass" && printf 'wrong\n' >"$T/wrong")
cp "$D/master.key" "$T/master.plain"
expect 0 "keys status --json" k status --json
jqt "... the master key is plain, one signing key" \
	'.master.form == "plain" and (.signing_keys | length) == 1'
ID0=$(jq -r .master.id "$OUT")
expect 0 "keys seal --passphrase-file" k seal --passphrase-file "$T/pass"
check "... master.key is a seal of purpose master, 0600" \
	sh -c 'head -c 26 "$1" | grep -q "^custodia-sealed-v1 master $" && [ "$(stat -c %a "$1")" = 600 ]' \
	sh "$D/master.key"
check "... the plain key's bytes are gone from it" \
	sh -c '! grep -qF "$(sed -n 2p "$1")" "$2"' sh "$T/master.plain" "$D/master.key"
check "... and no master.key.tmp is left" [ ! -e "$D/master.key.tmp" ]
expect 2 "without the passphrase the vault does not open" "$B" evidence list --case 2026/0001 --as se
check "... and the message names what to set" has_err CUSTODIA_MASTER_PASSPHRASE_FILE
CUSTODIA_MASTER_PASSPHRASE_FILE=$T/wrong expect 2 "a wrong passphrase is refused" \
	"$B" evidence list --case 2026/0001 --as se
check "... saying so" has_err "wrong passphrase"
chmod 644 "$T/pass"
CUSTODIA_MASTER_PASSPHRASE_FILE=$T/pass expect 3 "a passphrase file others can read is refused" \
	"$B" evidence list --case 2026/0001 --as se
check "... saying so" has_err "readable by others"
chmod 600 "$T/pass"
export CUSTODIA_MASTER_PASSPHRASE_FILE="$T/pass"
check "with the passphrase item 1 reads" [ "$(content 1)" = "$SHA1" ]
expect 0 "keys status --json (sealed)" k status --json
jqt "... sealed, the same key" ".master.form == \"sealed\" and .master.id == \"$ID0\""
unset CUSTODIA_MASTER_PASSPHRASE_FILE
mkdir -m 700 "$T/creds" && cp "$T/pass" "$T/creds/master-passphrase"
CREDENTIALS_DIRECTORY=$T/creds expect 0 "the systemd credential master-passphrase opens it" \
	"$B" evidence list --case 2026/0001 --as se
expect 2 "keys unseal without the passphrase is refused" k unseal
expect 0 "keys unseal --passphrase-file" k unseal --passphrase-file "$T/pass"
expect 0 "keys status --json (unsealed)" k status --json
jqt "... plain again, the same key" ".master.form == \"plain\" and .master.id == \"$ID0\""
check "item 1 reads without a passphrase" [ "$(content 1)" = "$SHA1" ]

# ---- held by a PKCS#11 token (SoftHSM2) -----------------------------------------------

if [ -r "$SOFTHSM" ] && command -v softhsm2-util >/dev/null 2>&1; then
	mkdir -m 700 "$T/tokens"
	printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
		"$T/tokens" >"$T/softhsm2.conf"
	export SOFTHSM2_CONF="$T/softhsm2.conf"
	expect 0 "softhsm2-util initialises a throwaway token" \
		softhsm2-util --init-token --free --label custodia-test --pin 4321 --so-pin 8765
	(umask 077 && printf '4321\n' >"$T/pin" && printf '0000\n' >"$T/badpin")
	expect 0 "keys seal --pkcs11 (the token's key is made)" \
		k seal --pkcs11 "$SOFTHSM" --token custodia-test --pin-file "$T/pin"
	check "... master.key names the module, token and key, with the wrapped key" \
		sh -c 'head -1 "$1" | grep -qx custodia-master-key-pkcs11-v1 &&
			grep -qx "module $2" "$1" && grep -qx "token custodia-test" "$1" &&
			grep -qx "key custodia-master" "$1" && grep -q "^wrapped [A-Za-z0-9+/=]*$" "$1"' \
		sh "$D/master.key" "$SOFTHSM"
	expect 2 "without a PIN the vault does not open" "$B" evidence list --case 2026/0001 --as se
	check "... and the message names what to set" has_err CUSTODIA_PKCS11_PIN_FILE
	CUSTODIA_PKCS11_PIN_FILE=$T/badpin expect 2 "a wrong PIN is refused" \
		"$B" evidence list --case 2026/0001 --as se
	check "... by the token" has_err "refused the PIN"
	export CUSTODIA_PKCS11_PIN_FILE="$T/pin"
	check "with the PIN item 1 reads" [ "$(content 1)" = "$SHA1" ]
	expect 0 "keys status --json (pkcs11)" k status --json
	jqt "... pkcs11, token and key named, the same key" \
		".master.form == \"pkcs11\" and .master.token == \"custodia-test\" and
		 .master.key == \"custodia-master\" and .master.id == \"$ID0\""
	TOK=$("$B" token create --as se --label keys-test | head -1)
	serve
	check "custodia serve starts with the token's key" [ -n "$U" ]
	check "... and serves item 1's content over HTTP" \
		sh -c '[ "$(curl -sf -H "Authorization: Bearer $1" "$2/api/v1/evidence/1/content" |
			sha256sum | cut -c1-64)" = "$3" ]' sh "$TOK" "$U" "$SHA1"
	# A rotation while the server holds the data directory is refused.
	expect 2 "keys rotate-master while custodia serve runs is refused" k rotate-master
	check "... naming the server" sh -c 'grep -q "serve" "$1"' sh "$ERR"
	stop
	FORM=pkcs11
else
	echo "skip PKCS#11: $SOFTHSM or softhsm2-util is missing (scripts/deps.sh installs softhsm2)"
	failed=$((failed + 1))
	FORM=plain
fi

# ---- rotate-master -------------------------------------------------------------------

blobs >"$T/blobs.before"
check "there are blobs to keep" [ -s "$T/blobs.before" ]
cp "$D/master.key" "$T/master.old"
N_KEYS=$(dbq "$D" "SELECT count(*) FROM case_keys")
expect 0 "keys rotate-master --json" k rotate-master --json
jqt "... keeps the form and re-wraps every case key" \
	".form == \"$FORM\" and .case_keys == $N_KEYS and .previous == \"$ID0\" and .master_id != \"$ID0\""
ID1=$(jq -r .master_id "$OUT")
check "... master.key changed, in the same form, 0600" \
	sh -c '! cmp -s "$1" "$2" && [ "$(head -c 8 "$1")" = "$(head -c 8 "$2")" ] &&
		[ "$(stat -c %a "$1")" = 600 ]' sh "$D/master.key" "$T/master.old"
check "... nothing left beside it" [ ! -e "$D/master.key.next" ] && [ ! -e "$D/master.key.tmp" ]
blobs >"$T/blobs.after"
check "every blob file is unchanged: name, size, mtime and bytes" cmp -s "$T/blobs.before" "$T/blobs.after"
check "item 1 still reads" [ "$(content 1)" = "$SHA1" ]
check "item 5 (another case) still reads" [ "$(content 5 lt)" = "$(registered 5 lt)" ]
expect 0 "evidence verify --case 2026/0001" "$B" evidence verify --case 2026/0001 --as se
expect 0 "evidence verify --case 2022/0001" "$B" evidence verify --case 2022/0001 --as lt
expect 0 "ledger verify after rotate-master" "$B" ledger verify
check "the rotation is an event of the ledger" \
	[ "$(dbq "$D" "SELECT count(*) FROM events WHERE action = 'keys.master_rotate'")" = 1 ]
expect 0 "keys status --json" k status --json
jqt "... the new key's id" ".master.id == \"$ID1\" and .master.form == \"$FORM\""
# The old key no longer opens the data keys.
cp "$D/master.key" "$T/master.new"
cp "$T/master.old" "$D/master.key"
expect 3 "the old master key no longer opens a data key" \
	"$B" evidence get 1 --out "$T/x" --as se
check "... and the error says the master key may have been rotated" has_err "does not unwrap"
cp "$T/master.new" "$D/master.key"
check "the new key opens it again" [ "$(content 1)" = "$SHA1" ]
# A crash after the transaction, before the rename: master.key.next holds the
# key the data keys are wrapped with, master.key the old one. The next open repairs it.
cp "$D/master.key" "$T/master.r1"
expect 0 "a second rotate-master" k rotate-master --json
ID2=$(jq -r .master_id "$OUT")
mv "$D/master.key" "$D/master.key.next"
cp "$T/master.r1" "$D/master.key"
check "after a crash before the rename, the next command reads item 1" [ "$(content 1)" = "$SHA1" ]
check "... having put master.key.next in place" \
	sh -c '[ ! -e "$1.next" ] && "$2" keys status --json | jq -e ".master.id == \"$3\"" >/dev/null' \
	sh "$D/master.key" "$B" "$ID2"
# A crash before the transaction committed: the leftover is removed, the key kept.
cp "$D/master.key" "$D/master.key.next"
printf 'custodia-master-key-v1\nAAAA\n' >"$D/master.key.next"
chmod 600 "$D/master.key.next"
check "a leftover master.key.next the data keys do not need is removed" \
	sh -c '[ "$("$2" keys status --json | jq -r .master.id)" = "$3" ] && [ ! -e "$1.next" ]' \
	sh "$D/master.key" "$B" "$ID2"

# ---- rotate-signing --------------------------------------------------------------------

K0=$("$B" ledger key)
expect 0 "ledger checkpoint before the rotation" "$B" ledger checkpoint --force
cp "$OUT" "$T/cp0"
expect 0 "bundle export before the rotation" \
	"$B" bundle export --case 2022/0001 --evidence 5 --for ICC --out "$T/before.tar" --as lt
expect 0 "keys rotate-signing --json" k rotate-signing --json
K1=$(jq -r .new "$OUT")
IDX=$(jq -r .index "$OUT")
jqt "... from the old key to a new one of the same name" \
	".old == \"$K0\" and .new != .old and (.new | split(\"+\")[0]) == (.old | split(\"+\")[0]) and .since == .index + 1"
jqt "... and a checkpoint signed by the new key" '.checkpoint.size == .since'
check "node.key.next is gone; the old public key is kept in keys/" \
	sh -c '[ ! -e "$1/node.key.next" ] && [ -f "$1/keys/node-1.pub" ] &&
		[ "$(stat -c %a "$1/node.key")" = 600 ]' sh "$D"
dbq "$D" "SELECT entry FROM ledger_entries WHERE idx = $IDX" >"$T/entry"
check "the transition entry carries both keys and signatures" \
	jq -e --arg o "$K0" --arg n "$K1" '.type == "ledger.key_transition" and .kind == "event" and
		.key_old == $o and .key_new == $n and (.sig_old | length) > 80 and (.sig_new | length) > 80' \
	"$T/entry"
expect 0 "ledger key" "$B" ledger key
check "... shows the new key first, then the previous one" \
	sh -c '[ "$(sed -n 1p "$1")" = "$2" ] && sed -n 2p "$1" | grep -qF "previous: $3"' sh "$OUT" "$K1" "$K0"
expect 0 "ledger key --json" "$B" ledger key --json
jqt "... lists both with the tree size each signs from" \
	".vkey == \"$K1\" and (.keys | length) == 2 and .keys[0].vkey == \"$K0\" and .keys[0].since == 0
	 and .keys[1].vkey == \"$K1\" and .keys[1].since == $IDX + 1 and .keys[1].index == $IDX"
expect 0 "ledger verify follows the chain" "$B" ledger verify --json
jqt "... every checkpoint, before and after, under its key" '.ok and .signing_keys == 2 and .checkpoints >= 3'
expect 0 "ledger verify --log-only too" "$B" ledger verify --log-only
expect 0 "ledger checkpoint --force after the rotation" "$B" ledger checkpoint --force
cp "$OUT" "$T/cp1"
# The key id in a note's signature line: the first 4 bytes of its base64.
sigid() { tail -1 "$1" | awk '{print $NF}' | base64 -d 2>/dev/null | od -An -tx1 -N4 | tr -d ' \n'; }
vkid() { echo "$1" | cut -d+ -f2; }
check "the new checkpoint is signed by the new key, not the old" \
	sh -c '[ "$1" = "$2" ] && [ "$1" != "$3" ]' sh "$(sigid "$T/cp1")" "$(vkid "$K1")" "$(vkid "$K0")"
check "the old checkpoint was signed by the old key" [ "$(sigid "$T/cp0")" = "$(vkid "$K0")" ]
expect 0 "bundle export after the rotation" \
	"$B" bundle export --case 2022/0001 --evidence 5 --for ICC --out "$T/after.tar" --as lt
cd "$T" || exit 2
expect 0 "the bundle from before verifies with the old key" "$B" bundle verify before.tar --key "$K0"
expect 0 "the bundle from after verifies with the new key" "$B" bundle verify after.tar --key "$K1"
expect 0 "... and with only the first key, following the signed transition" \
	"$B" bundle verify after.tar --key "$K0"
check "... saying so" has_out "followed a signed key transition to $K1"
check "the bundle carries the transition with its proof" \
	sh -c 'tar xf after.tar -O ledger/keys.jsonl | jq -e --argjson i "$1" ".index == \$i and
		(.proof | length) > 0" >/dev/null' sh "$IDX"
# Forged or altered chains are refused.
repack() { # $1 source, $2 output, $3 command run inside the unpacked tree
	rm -rf "$T/x" && mkdir "$T/x" && tar xf "$1" -C "$T/x" && (cd "$T/x" && eval "$3") &&
		(cd "$T/x" && tar cf "$2" manifest.jsonld bundle.json ledger evidence)
}
repack after.tar "$T/nokeys.tar" "rm ledger/keys.jsonl"
expect 2 "without its transition the bundle does not verify with the first key" \
	"$B" bundle verify "$T/nokeys.tar" --key "$K0"
check "... the checkpoint is not signed by it" has_out "not signed by"
repack after.tar "$T/badsig.tar" \
	"jq -c '.entry |= (fromjson | .sig_old = .sig_new | tojson)' ledger/keys.jsonl > k && mv k ledger/keys.jsonl"
expect 2 "a transition not signed by the old key is refused" "$B" bundle verify "$T/badsig.tar" --key "$K0"
check "... naming it" has_out "not signed by the old key"
repack after.tar "$T/badproof.tar" \
	"jq -c '.index += 1' ledger/keys.jsonl > k && mv k ledger/keys.jsonl"
expect 2 "a transition moved to another index is refused" "$B" bundle verify "$T/badproof.tar" --key "$K0"
cd "$D/.." || exit 2
expect 0 "keys status lists both signing keys" k status
check "... the new one current" sh -c 'grep -qF "$2" "$1" && grep -q "(current)" "$1"' sh "$OUT" "$K1"
# A leftover node.key.next that the chain does not end in is removed.
"$B" init --data "$T/other" --admin root >/dev/null 2>&1
cp "$T/other/node.key" "$D/node.key.next"
expect 0 "a leftover node.key.next is dropped at the next open" "$B" ledger key
check "... the key unchanged" sh -c '[ "$(sed -n 1p "$1")" = "$2" ] && [ ! -e "$3/node.key.next" ]' \
	sh "$OUT" "$K1" "$D"
# After both rotations, a backup restores elsewhere and verifies: the chain of signing
# keys travels with the records, the rotated master key (and its blob-name key) with the keys.
printf 'backup passphrase\n' >"$T/bpw"
expect 0 "backup after both rotations" "$B" backup --to "$T/bk" --passphrase-file "$T/bpw"
expect 0 "... restores elsewhere, its ledger and evidence verified" \
	env -u CUSTODIA_DB "$B" restore --from "$T/bk" --to "$T/restored" --passphrase-file "$T/bpw" --json
jqt "... with both signing keys' checkpoints" '.ledger.ok == true and .evidence.ok == true'
expect 0 "... and the restored copy lists the key chain" \
	env -u CUSTODIA_DB "$B" ledger key --data "$T/restored" --json
check "... ending in the current key" grep -qF "$K1" "$OUT"
# An altered transition record, and a checkpoint signed by the old key after it.
tamper "$D" "UPDATE events SET after = replace(after, 'sig_old', 'sig_olx')
	WHERE action = 'ledger.key_transition'"
expect 2 "ledger verify refuses an altered transition record" "$B" ledger verify
check "... at the transition's index" has_err "first bad index $IDX"
finish
