#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of search on the demo data: records and extracted text found
# across scripts, under need-to-know (results, counts and facets), the job queue
# that extracts text, the chain of custody it leaves, and bad queries.
#
# Usage: CU_BIN=/path/to/custodia sh test_search.sh

NAME=cli-search
TOOLS="jq"
. "$(dirname "$0")/lib.sh"

D=$T/demo
expect 0 "demo --no-serve" "$B" demo --data "$D" --no-serve
export CUSTODIA_DATA="$D"
s() { "$B" search "$@"; }

# ---- records ----------------------------------------------------------------------

expect 0 "search Djordjevic as se" s Djordjevic --as se --json
jqt "... finds the suspect written in Latin and in Cyrillic" \
	'[.items[] | select(.kind == "entity") | .title] | index("Marko Djordjevic") != null
	 and index("Марко Ђорђевић") != null'
expect 0 "search Ђорђевић (Cyrillic) as se" s "Ђорђевић" --as se --json
jqt "... finds the Latin spelling too" \
	'[.items[] | .title] | index("Marko Djordjevic") != null'
jqt "... the snippet shows the original script, marked" \
	'[.items[] | select(.title == "Марко Ђорђевић") | .snippet_html] | .[0] | test("<mark>")'
expect 0 "search Djordjevic as lt (not in that case)" s Djordjevic --as lt --json
jqt "... nothing, and counts and facets say nothing either" \
	'.total == 0 and (.items | length) == 0 and .facets == {"kind": {}, "lang": {}}'
expect 0 "search Djordjevic as me: the Montenegrin case's own entity as well" \
	s Djordjevic --as me --json
jqt "... from 2025/0001 and 2026/0001" \
	'[.items[].case_reference] | unique == ["2025/0001", "2026/0001"]'
expect 0 "search Yezidi as se" s Yezidi --as se --json
jqt "... the JIT's case" '.items[0].kind == "case" and .items[0].case_reference == "2024/0001"'
expect 0 "search Yezidi as rs" s Yezidi --as rs --json
jqt "... nothing" '.total == 0'
expect 0 "search explosives (a crime type, in words) as se" s explosives --kind case --as se --json
jqt "... finds the arrest case, its crime types in words" '.items | length == 1 and .[0].case_reference == "2026/0001"
	and (.[0].snippet | contains("Trafficking in firearms and explosives"))
	and (.[0].snippet | contains("firearms_trafficking") | not)'
expect 0 "search lorry --kind evidence as se" s lorry --kind evidence --as se --json
jqt "... the photograph's description" '.total == 1 and (.items[0].title | test("lorry"))'
expect 0 "search Kharkiv as lt (the Ukraine case's owner)" s Kharkiv --as lt --json
jqt "... the testimony" '[.items[] | select(.kind == "evidence")] | length == 1'
expect 0 "search Kharkiv as icc (a JIT participant: its granted item only)" s Kharkiv --as icc --json
jqt "... not the testimony it was not given" '[.items[] | select(.kind == "evidence")] | length == 0'
expect 0 "search imagery as icc" s imagery --as icc --json
jqt "... the item shared with the ICC" '[.items[] | select(.kind == "evidence")] | length == 1'
expect 0 "search Jubouri as be: the name in Arabic script and as the Belgian file spells it" \
	s "Jubouri" --as be --json
jqt "... both cases' entities" '[.items[] | select(.kind == "entity")] | length == 2'
expect 0 "search الجبوري (Arabic) as be" s "الجبوري" --as be --json
jqt "... finds the Latin spellings too" \
	'[.items[] | .title] | index("Abdallah Mohammed Al Jabouri") != null'
expect 0 "search Jubouri as fr: the Belgian file stays hidden" s "Jubouri" --as fr --json
jqt "... one entity, of the Yezidi case" '.total == 1 and .items[0].case_reference == "2024/0001"'
# Skeletons (vowels left out, as Arabic writes) are indexed for words that may be
# names only: capitalised, or in a script without capitals.
expect 0 "a case whose title names Al Jaburi" "$B" case create --as se --crime-type drug_trafficking \
	--title "Statement of Al Jaburi" --json
expect 0 "a case whose title has the lower-case word jabouri" "$B" case create --as se \
	--crime-type drug_trafficking --title "Notes on the jabouri shipment" --json
expect 0 "search Jubouri --kind case as se" s Jubouri --kind case --as se --json
jqt "... the name, spelt otherwise; not the lower-case word" \
	'[.items[].title] == ["Statement of Al Jaburi"]'
expect 0 "search الجبوري --kind case as se (Arabic script)" s "الجبوري" --kind case --as se --json
jqt "... the name in Latin letters; not the lower-case word" \
	'[.items[].title] == ["Statement of Al Jaburi"]'
expect 0 "search jabouri --kind case as se" s jabouri --kind case --as se --json
jqt "... the word itself, and the name by its skeleton" \
	'[.items[].title] | sort == ["Notes on the jabouri shipment", "Statement of Al Jaburi"]'
# Khmer and Lao write no spaces between words: a title is one run of letters, cut into its
# words by ICU's dictionaries, so that one word of it finds the case.
expect 0 "a case whose title is a Khmer sentence (suspect arrested in Phnom Penh)" "$B" case create \
	--as se --crime-type drug_trafficking --title "ជនសង្ស័យត្រូវបានចាប់ខ្លួននៅភ្នំពេញ" --json
expect 0 "a case whose title is a Lao sentence (suspect arrested in Vientiane)" "$B" case create \
	--as se --crime-type drug_trafficking --title "ຜູ້ຕ້ອງສົງໄສຖືກຈັບຢູ່ວຽງຈັນ" --json
expect 0 "search ភ្នំពេញ (Phnom Penh, a word inside the Khmer title)" s "ភ្នំពេញ" --kind case --as se --json
jqt "... the Khmer case" '[.items[].title] == ["ជនសង្ស័យត្រូវបានចាប់ខ្លួននៅភ្នំពេញ"]'
expect 0 "search ວຽງຈັນ (Vientiane, a word inside the Lao title)" s "ວຽງຈັນ" --kind case --as se --json
jqt "... the Lao case" '[.items[].title] == ["ຜູ້ຕ້ອງສົງໄສຖືກຈັບຢູ່ວຽງຈັນ"]'
expect 0 "search Viangchan (its Latin form)" s Viangchan --kind case --as se --json
jqt "... the Lao case too" '[.items[].title] == ["ຜູ້ຕ້ອງສົງໄສຖືກຈັບຢູ່ວຽງຈັນ"]'
expect 0 "search with a filter on the case" s Djordjevic --case 2026/0001 --as me --json
jqt "... only that case" '[.items[].case_reference] | unique == ["2026/0001"]'
expect 2 "a case filter on a case lt cannot see" s Djordjevic --case 2026/0001 --as lt

# ---- text extracted in the background ---------------------------------------------

expect 0 "jobs as se: the demo's items wait for extraction" "$B" jobs --as se --json
jqt "... queued" '[.items[].state] | all(. == "queued") and length >= 3'
expect 0 "search Architect in texts before extraction" s Architect --kind text --as se --json
jqt "... nothing yet" '.total == 0'
# Chinese, Khmer and Myanmar text: runs without spaces, whose words are marked one by one.
printf '证人说，嫌疑人于三月在北京被逮捕了。\nសាក្សីបាននិយាយថាជនសង្ស័យត្រូវបានចាប់ខ្លួននៅភ្នំពេញ។\nသက်သေက သံသယရှိသူကို ရန်ကုန်မြို့တွင် ဖမ်းဆီးခဲ့သည်။\n' \
	>"$T/asian-statement.txt"
expect 0 "se adds a statement in Chinese, Khmer and Myanmar" "$B" evidence add --case 2026/0001 \
	--as se "$T/asian-statement.txt"
expect 0 "jobs run" "$B" jobs run --json
jqt "... ran every job" '.ran >= 10'
expect 0 "search 北京 (Beijing) in texts" s "北京" --kind text --as se --json
jqt "... the word is marked, not its whole clause" \
	'.total == 1 and (.items[0].snippet_html | test("在<mark>北京</mark>被"))'
expect 0 "search ភ្នំពេញ (Phnom Penh) in texts" s "ភ្នំពេញ" --kind text --as se --json
jqt "... the word is marked, not the Khmer sentence" \
	'.total == 1 and (.items[0].snippet_html | test("នៅ<mark>ភ្នំពេញ</mark>។"))'
expect 0 "search ရန်ကုန် (Yangon) in texts" s "ရန်ကုန်" --kind text --as se --json
jqt "... the word is marked" '.total == 1 and (.items[0].snippet_html | test("<mark>ရန်ကုန်</mark>မြို့"))'
# Thai is written in RTGS: the Latin spelling of a name finds it in Thai script.
printf 'ผู้ต้องสงสัยชื่อสมชาย ถูกจับกุมที่กรุงเทพ\n' >"$T/thai-statement.txt"
expect 0 "se adds a statement in Thai" "$B" evidence add --case 2026/0001 --as se \
	"$T/thai-statement.txt"
expect 0 "jobs run" "$B" jobs run
expect 0 "search somchai in texts" s somchai --kind text --as se --json
jqt "... finds สมชาย, marked" \
	'.total == 1 and (.items[0].snippet_html | test("ชื่อ<mark>สมชาย</mark> ")) and .items[0].lang == "th"'
expect 0 "the same as text" s somchai --kind text --as se
check "... its title and language on one line, the snippet on the next" sh -c \
	'grep -q "^text  *2026/0001  *thai-statement.txt  \[th\]$" "$0" && grep -q "^  *.*>>สมชาย<<" "$0"' "$OUT"
expect 0 "jobs as se" "$B" jobs --state done --as se --json
jqt "... done, text by a named tool and version" \
	'[.items[] | select(.method == "text")] | length >= 1 and all(.tool != null and .tool_version != null)'
expect 0 "search Ђорђевић in texts as me: the scanned Serbian record, read by OCR" \
	s "Ђорђевић" --kind text --as me --json
jqt "... found, in Serbian" '.total == 1 and (.items[0].title | test("scan")) and .items[0].lang == "sr"'
expect 0 "the same in Latin letters" s Djordjevic --kind text --as me --json
jqt "... found" '.total == 1 and (.items[0].snippet_html | test("<mark>Ђорђевић</mark>"))'
expect 0 "... not by se, who does not see the Montenegrin case" s Djordjevic --kind text --as se --json
jqt "... nothing" '.total == 0'
expect 0 "search الجبوري in texts as be: the scanned Arabic statement" \
	s "الجبوري" --kind text --as be --json
jqt "... found" '.total == 1 and (.items[0].title | test("Arabic"))'
expect 0 "search Jubouri in texts as be (a Latin query, Arabic text)" s Jubouri --kind text --as be --json
jqt "... found" '.total == 1'
expect 0 "search Architect in texts as se" s Architect --kind text --as se --json
jqt "... the witness statement's text, the match marked" \
	'.total == 1 and (.items[0].title | test("Witness statement"))
	 and (.items[0].snippet_html | test("the <mark>Architect</mark>"))'
expect 0 "search Architect as rs (a participant: sees all evidence)" s Architect --kind text --as rs --json
jqt "... found" '.total == 1'
expect 0 "search Architect as interpol (an observer of the case)" s Architect --kind text --as interpol --json
jqt "... found" '.total == 1'
expect 0 "search Architect as lt" s Architect --as lt --json
jqt "... nothing" '.total == 0'
expect 0 "a phrase" s '"encrypted phone"' --kind text --as se --json
jqt "... found" '.total == 1'
expect 0 "a prefix" s 'Archit*' --kind text --as se --json
jqt "... found" '.total == 1'
expect 0 "AND NOT" s 'Architect NOT Belgrade' --kind text --as se --json
jqt "... the statement names Belgrade: nothing" '.total == 0'
expect 0 "the custody of the statement records the extraction" \
	"$B" evidence custody 1 --as se --json
jqt "... analysed, by custodia, with the tool" \
	'[.[] | select(.event == "analysed")] | length == 1 and (.[-1].reason | test("extracted"))'
expect 0 "evidence show says where the extraction stands" "$B" evidence show 1 --as se --json
jqt "... done, with the tool" '.extraction.state == "done" and .extraction.tool == "custodia"'
expect 0 "the original is unchanged" "$B" evidence verify --case 2026/0001 --as se --json

# ---- an e-mail: its text, and its attachments as items of their own -----------------

cat >"$T/tip.eml" <<'EOF2'
From: Liaison Officer <officer@example.org>
To: desk@example.org
Subject: Tip about the Bar harbour shipments
Date: Tue, 10 Nov 2026 09:30:00 +0100
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

The containers leave Bar every second Thursday.
--b1
Content-Type: text/plain; charset=utf-8; name="manifest.txt"
Content-Disposition: attachment; filename="manifest.txt"

Container MSCU7654321 declared as furniture; consignee Lukic Trading.
--b1--
EOF2
expect 0 "me adds an e-mail to its case" "$B" evidence add --case 2025/0001 --as me \
	--kind document "$T/tip.eml" --json
MAIL=$(jq '.[0].id // .id' "$OUT")
expect 0 "jobs run" "$B" jobs run --json
expect 0 "the message's text is found" s '"second Thursday"' --kind text --as me --json
jqt "... in the e-mail" '.total == 1 and .items[0].item_id == '"$MAIL"
expect 0 "its attachment is an item of its own" "$B" evidence list --case 2025/0001 --as me --json
jqt "... registered as an attachment of the e-mail" \
	'map(select(.title | test("manifest.txt \\(attachment 1 of item '"$MAIL"'\\)"))) | length == 1'
expect 0 "... and its text is found after its own job" s MSCU7654321 --kind text --as me --json
jqt "... found" '.total == 1 and .items[0].item_id != '"$MAIL"
expect 0 "running the queue again adds nothing" "$B" jobs run --json
jqt "... nothing to run" '.ran == 0'

# ---- erasure takes the text out of the index and the vault ---------------------------

SCAN=$("$B" evidence list --case 2025/0001 --as me --json | jq '.[0].id')
NBLOBS=$(find "$D/blobs" -mindepth 2 -type f ! -path "$D/blobs/tmp/*" | wc -l)
expect 0 "me erases the scanned record" "$B" evidence erase "$SCAN" --as me \
	--reason "returned to the Serbian authorities"
expect 0 "... its text is no longer found" s "Ђорђевић" --kind text --as me --json
jqt "... nothing" '.total == 0'
NBLOBS2=$(find "$D/blobs" -mindepth 2 -type f ! -path "$D/blobs/tmp/*" | wc -l)
check "... the scan and its text are gone from the vault" [ "$NBLOBS2" -eq $((NBLOBS - 2)) ]

# ---- the extraction module ---------------------------------------------------------
# The binary does not link the engines; it loads them from custodia-extract.so beside it
# (or in ../lib/custodia) on its first extraction. Without the module, or with a file
# that is not this build's module, extraction fails with the reason and can be retried.

run ldd "$B"
check "the binary does not link the extraction engines" \
	sh -c "! grep -qE 'libtesseract|libpoppler|libgmime|liblept|libcairo' '$OUT'"
check "... which are in the module beside it" test -f "$(dirname "$B")/custodia-extract.so"
A=$T/alone
mkdir -p "$A"
cp "$B" "$A/custodia"
D2=$T/demo2
expect 0 "a binary without its module loads the demo" "$A/custodia" demo --data "$D2" --no-serve
expect 0 "... and runs the jobs" "$A/custodia" jobs run --data "$D2" --json
expect 0 "... which failed" "$A/custodia" jobs --state failed --data "$D2" --as se --json
jqt "... saying why" '(.items | length) >= 3 and all(.items[]; .error |
	test("text extraction is not available: custodia-extract.so is in none of"))'
JOB=$(jq '.items[0].id' "$OUT")
LIBJ=$(ldd "$B" | awk '/libjansson/ { print $3 }')
cp "$LIBJ" "$A/custodia-extract.so"
expect 0 "a library that is not the module in its place" "$A/custodia" jobs retry "$JOB" --data "$D2" --as se
expect 0 "... the job runs again" "$A/custodia" jobs run --data "$D2" --json
expect 0 "... and fails" "$A/custodia" jobs --state failed --data "$D2" --as se --json
jqt "... saying so" \
	".items[] | select(.id == $JOB) | .error | test(\"is not the extraction module of this build\")"
cp "$(dirname "$B")/custodia-extract.so" "$A/"
expect 0 "with the module in place, the job is retried" "$A/custodia" jobs retry "$JOB" --data "$D2" --as se
expect 0 "... and runs" "$A/custodia" jobs run --data "$D2" --json
expect 0 "... done" "$A/custodia" jobs --state done --data "$D2" --as se --json
jqt "... with its tool" ".items[] | select(.id == $JOB) | .tool != null"

# An item by its SHA-256, whole or as lists show it (12 digits): "do we hold this file?"
expect 0 "the lorry photograph's hash" "$B" evidence show 2 --as se --json
SHA=$(jq -r .sha256 "$OUT")
expect 0 "search its SHA-256" s "$SHA" --as se --json
jqt "... finds the item" '[.items[] | select(.kind == "evidence") | .item_id] == [2]'
expect 0 "search the 12 digits a list shows" s "$(printf %.12s "$SHA")" --as se --json
jqt "... finds it too, marked" \
	'[.items[] | select(.kind == "evidence") | .item_id] == [2] and (.items[0].snippet_html | test("<mark>"))'
expect 0 "search lorry" s lorry --kind evidence --as se --json
jqt "... the item's snippet does not show its hash" \
	"[.items[] | .snippet | test(\"$(printf %.12s "$SHA")\")] == [false]"
expect 0 "search the hash as lt, which is not in the case" s "$SHA" --as lt --json
jqt "... nothing" '.total == 0'

# ---- what users type into a search box -------------------------------------------
# References, national numbers and "Surname, Given" are not FTS5 syntax: FTS5
# refuses them ("syntax error near /", "no such column: 48213"). They are read
# as words; the output says how the query was read.

expect 0 "search a case reference, 2026/0001" s 2026/0001 --kind case --as se --json
jqt "... finds the case" '[.items[].case_reference] == ["2026/0001"] and .query == "\"2026/0001\""'
expect 0 "search a national case number, AM-48213-26" s AM-48213-26 --kind case --as se --json
jqt "... finds the case it belongs to" '[.items[].case_reference] == ["2026/0001"]'
expect 0 "search \"Djordjevic, Marko\" (surname first, with a comma)" s "Djordjevic, Marko" --as se --json
jqt "... finds him" '[.items[] | select(.kind == "entity") | .title] | index("Marko Djordjevic") != null'
expect 0 "search a file name" s "statement-W1.txt" --as se --json
jqt "... read as a phrase of its words" '.query == "\"statement-W1.txt\""'
expect 0 "an unterminated phrase is closed at the end" s '"protected witness' --as se --json
jqt "... and found" '.query == "\"protected witness\"" and .total > 0'
expect 0 "unbalanced parentheses are separators" s '(Djordjevic' --as se --json
jqt "... the word is found" '.query == "Djordjevic" and .total > 0'
expect 0 "an operator with nothing after it is left out" s 'Djordjevic AND' --as se --json
jqt "... the rest read as words" '.query == "\"Djordjevic\"" and .total > 0'
expect 1 "an operator alone" s 'NOT' --as se
check "... has no word to search for" has_err "no word"
expect 0 "operators still work" s '(Djordjevic OR Yezidi) NOT nothing' --as se --json
jqt "... as operators" '.query == "( Djordjevic OR Yezidi ) NOT nothing" and .total > 0'
expect 0 "a column and a prefix still work" s 'title:Djordj*' --as se --json
jqt "... as FTS5 reads them" '.query == "title:Djordj*" and .total > 0'
expect 0 "a word with a dash before it, after another" s 'Djordjevic -Architect' --kind entity --as se --json
jqt "... is left out, as search boxes read it" \
	'.query == "Djordjevic NOT Architect" and ([.items[].title] | index("Marko Djordjevic") == null)
	 and ([.items[].title] | index("Марко Ђорђевић") != null)'
expect 0 "AND NOT is NOT (it was read as words, finding what it was to leave out)" \
	s 'Djordjevic AND NOT Architect' --kind entity --as se --json
jqt "... left out" '.query == "Djordjevic NOT Architect" and
	([.items[].title] | index("Marko Djordjevic") == null) and .total > 0'
expect 1 "an exclusion with nothing before it is refused" s --as se -- '-Architect'
check "... saying what NOT and -word do" has_err 'leave out what follows them'
expect 1 "... NOT first, too" s 'NOT Architect' --as se
expect 0 "a column before a phrase" s 'title:"Coordinated arrest"' --kind case --as se --json
jqt "... filters that phrase" '.query == "title: \"Coordinated arrest\"" and .total == 1'

# ---- bad queries -------------------------------------------------------------------

expect 1 "a query without a word" s '"" ()' --as se
check "... says so" has_err "no word"
expect 1 "an empty query" s '' --as se
expect 1 "a query of 501 characters" s "$(head -c 501 /dev/zero | tr '\0' a)" --as se
expect 1 "an unknown kind" s x --kind planet --as se
expect 1 "a bad date" s x --from 2026-02-30 --as se
expect 1 "a limit of 0" s x --limit 0 --as se
expect 0 "search --help" s --help
expect 0 "jobs --help" "$B" jobs --help
expect 2 "reindex is for operator administrators" s --reindex --as se
expect 0 "reindex as admin" s --reindex --as admin --json
jqt "... every record again, texts included" '.cases >= 5 and .items >= 9 and .texts >= 4'

# An index an older version built says so, until it is rebuilt.
expect 0 "search on the demo's index" s Djordjevic --as se --json
jqt "... built by this version" '.index_outdated == false'
check "an index from before the version marker" dbq "$D" "DELETE FROM meta WHERE key = 'search_normaliser'"
expect 0 "search" s Djordjevic --as se --json
jqt "... says the index is outdated, and still answers" '.index_outdated == true and .total > 0'
expect 0 "search in text" s Djordjevic --as se
check "... with a note on how to rebuild it" has_err "search --reindex"
expect 0 "reindex as admin" s --reindex --as admin --json
expect 0 "search" s Djordjevic --as se --json
jqt "... up to date again" '.index_outdated == false'
expect 0 "search in text" s Djordjevic --as se
check "... without the note" err_empty
expect 0 "... and the text is still found" s Architect --kind text --as se --json
jqt "... found" '.total == 1'
finish
