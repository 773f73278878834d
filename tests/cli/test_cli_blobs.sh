#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end: custodia with its evidence in object storage (--blobs s3://...)
# against s3rver, and in a shared directory (--blobs file:///...): add, get,
# verify, an upload over HTTP to `serve`, and only ciphertext in the store.
#
# Usage: tests/s3/run_s3_test.sh sh test_cli_blobs.sh (CU_BIN set; ctest does both)

NAME=cli-blobs
TOOLS="jq sha256sum curl"
. "$(dirname "$0")/lib.sh"

: "${CU_TEST_S3_ENDPOINT:?run under tests/s3/run_s3_test.sh}"
S3="s3://custodia/e2e?endpoint=$CU_TEST_S3_ENDPOINT&region=us-east-1&part=1048576"
MARK="CUSTODIA-PLAINTEXT-MARKER-7f3a"
sha() { sha256sum "$1" | cut -d' ' -f1; }

mkdir -p "$T/files"
i=0
while [ $i -lt 2000 ]; do echo "$MARK line $i of a witness statement"; i=$((i + 1)); done \
	>"$T/files/statement.txt"
head -c 3000000 /dev/urandom >"$T/files/big.bin"
cat "$T/files/statement.txt" >>"$T/files/big.bin" # plaintext inside a multipart blob too

for STORE in "$S3" "file://$T/shared"; do
	D=$T/data-$(echo "$STORE" | cut -c1-2)
	export CUSTODIA_DATA="$D"
	expect 0 "[$STORE] demo --no-serve with --blobs" "$B" demo --data "$D" --blobs "$STORE" --no-serve
	export CUSTODIA_BLOBS="$STORE"
	expect 0 "... evidence add of a statement and a 3 MB file" "$B" evidence add --as se \
		--case 2026/0001 --json "$T/files/statement.txt" "$T/files/big.bin"
	SMALL=$(jq '.[0].id' "$OUT")
	BIG=$(jq '.[1].id' "$OUT")
	expect 0 "... evidence get returns the statement" "$B" evidence get "$SMALL" --as se \
		--out "$T/small.out"
	check "... byte for byte" cmp "$T/files/statement.txt" "$T/small.out"
	expect 0 "... evidence get returns the 3 MB file" "$B" evidence get "$BIG" --as se \
		--out "$T/big.out"
	check "... byte for byte" cmp "$T/files/big.bin" "$T/big.out"
	expect 0 "... evidence verify" "$B" evidence verify --case 2026/0001 --item "$SMALL" --as se
	expect 0 "... evidence verify of the large one" "$B" evidence verify --case 2026/0001 --item "$BIG" --as se
	check "... no blob in the data directory's own blobs/" \
		sh -c "[ -z \"\$(find '$D/blobs' -mindepth 2 -type f ! -path '*/tmp/*' 2>/dev/null)\" ]"
	case $STORE in
	s3:*) STOREDIR=$CU_TEST_S3_DATA ;;
	*) STOREDIR=$T/shared ;;
	esac
	check "... the store holds the blobs" sh -c "[ \$(find '$STOREDIR' -type f | wc -l) -gt 2 ]"
	check "... and no plaintext" sh -c "! grep -rqF '$MARK' '$STOREDIR'"
	unset CUSTODIA_BLOBS
	# The data directory remembers its store: without --blobs it is used, another is refused.
	expect 0 "... evidence get without --blobs uses the recorded store" "$B" evidence get "$SMALL" \
		--as se --out "$T/small2.out"
	check "... byte for byte" cmp "$T/files/statement.txt" "$T/small2.out"
	expect 1 "... another --blobs is refused" "$B" evidence get "$SMALL" --as se \
		--blobs "file://$T/elsewhere" --out "$T/nothing.out"
	check "... naming the store it keeps" has_err "keeps its evidence in"
done
# A data directory with its own blobs cannot be pointed at object storage.
D=$T/data-local
expect 0 "demo --no-serve with the default store" "$B" demo --data "$D" --no-serve
expect 1 "... then --blobs s3:// is refused" "$B" evidence list --data "$D" --case 2026/0001 \
	--as se --blobs "$S3"
check "... as a migration" has_err "cannot switch"
expect 0 "... and without it all is as before" "$B" evidence verify --data "$D" --case 2026/0001 --as se

# ---- serve --blobs s3://...: an upload over HTTP --------------------------------
D=$T/data-s3
"$B" serve --data "$D" --blobs "$S3" --listen 127.0.0.1:0 --ready-file "$T/url" --workers 0 \
	>"$T/serve.log" 2>&1 &
SRV=$!
for _ in $(seq 100); do [ -s "$T/url" ] && break; sleep 0.1; done
U=$(cat "$T/url")
TOK=$(curl -sf -XPOST -H 'content-type: application/json' "$U/api/v1/session" \
	-d '{"username":"se","password":"demo"}' | jq -r .token)
CASE=$(curl -sf -H "Authorization: Bearer $TOK" "$U/api/v1/cases" |
	jq '[.items[] | select(.reference == "2026/0001")][0].id')
UP=$(curl -sf -XPOST -H "Authorization: Bearer $TOK" -H 'content-type: application/json' \
	"$U/api/v1/cases/$CASE/uploads" -d '{"title":"uploaded","original_name":"up.txt"}' | jq -r .id)
check "serve: an upload session starts" test -n "$UP" -a "$UP" != null
check "serve: a chunk is accepted" sh -c "curl -sf -XPUT -H 'Authorization: Bearer $TOK' \
	--data-binary @'$T/files/statement.txt' '$U/api/v1/uploads/$UP?offset=0' >/dev/null"
ITEM=$(curl -sf -XPOST -H "Authorization: Bearer $TOK" -H 'content-type: application/json' \
	"$U/api/v1/uploads/$UP/complete" -d "{\"sha256\":\"$(sha "$T/files/statement.txt")\"}" |
	jq -r '.id')
check "serve: the upload is registered" test -n "$ITEM" -a "$ITEM" != null
check "serve: its content comes back" sh -c "curl -sf -H 'Authorization: Bearer $TOK' \
	'$U/api/v1/evidence/$ITEM/content' | cmp - '$T/files/statement.txt'"
kill "$SRV"
wait "$SRV" 2>/dev/null
check "... still no plaintext in object storage" sh -c "! grep -rqF '$MARK' '$CU_TEST_S3_DATA'"

finish
