#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of cross-matching on the demo data: entities added, changed and
# imported (CSV and FollowTheMoney), hits found across cases under need-to-know,
# reviews, access requests, `xref`, `match pairs` and bad input of every kind.
#
# Usage: CU_BIN=/path/to/custodia [CU_SHARED=../shared] sh test_entity.sh
# Prints one line per check and ends with "N passed, M failed"; exits 1 if any check failed.

NAME=cli-entity
TOOLS="jq"
. "$(dirname "$0")/lib.sh"
SHARED=${CU_SHARED:-$(dirname "$0")/../../../shared}
case $SHARED in /*) ;; *) SHARED=$(cd "$OLDPWD" 2>/dev/null && cd "$SHARED" && pwd) ;; esac

D=$T/demo
expect 0 "demo --no-serve loads the scenario with its entities" "$B" demo --data "$D" --no-serve
export CUSTODIA_DATA="$D"
e() { "$B" entity "$@"; }
h() { "$B" hits "$@"; }

# ---- the demo's hits ---------------------------------------------------------------

expect 0 "entity list --case 2026/0001 as se" e list --case 2026/0001 --as se --json
jqt "... the suspect in Latin and in Cyrillic, and the lorry" \
	'length == 3 and .[0].label == "Marko Djordjevic" and .[1].label == "Марко Ђорђевић"
	 and .[2].attrs.plate == "BG123AB"'
expect 0 "hits as me (who sees both cases)" h --as me --json
jqt "... name hits on both spellings and the phone hit, in full" \
	'length == 3 and all(.[]; .full and .score >= 0.8 and (.explanation | length) > 0)
	 and (map(.attr) | sort) == ["name", "name", "phone"]'
expect 0 "hits as se (who does not see the Montenegrin case)" h --as se --json
jqt "... only the organisation and the attribute of the other side" \
	'map(select(.b.org == "ME")) | length == 3 and all(.[]; .full == false
	 and .b == {"visible": false, "org": "ME"} and has("score") == false
	 and has("explanation") == false)'
lacks() { ! grep -q -F -e "$1" "$OUT"; }
check "... nothing of ME's entities reaches se" lacks "Đorđević Marko"
check "... not even its case reference" lacks "2025/0001"
expect 0 "hits as be: the Arabic name in the Yezidi JIT and the Belgian file" h --as be --json
jqt "... one name hit between 2024/0001 and 2023/0001 (and the witness heard in DE's case)" \
	'length == 2 and ([.[] | select(.b.case == "2023/0001")] | length == 1
	 and .[0].attr == "name" and .[0].a.case == "2024/0001" and .[0].full)
	 and ([.[] | select(.b == {"visible": false, "org": "DE"})] | length == 1)'
expect 2 "hits --case 2023/0001 as fr: FR cannot see that case" h --case 2023/0001 --as fr
check "... refused as not found" has_err "no case"
expect 0 "hits as unitad (a JIT participant) sees the hit with BE" h --as unitad --json
jqt "... limited to BE and name (and DE for the witness)" 'length == 2
	 and ([.[] | select(.b == {"visible": false, "org": "BE"})] | length == 1)
	 and ([.[] | select(.b == {"visible": false, "org": "DE"})] | length == 1)'
expect 0 "hits as lt (no entity matched): no hits" h --as lt --json
jqt "... empty" 'length == 0'

# ---- what matching tells: only of cases the user sees --------------------------------

# AT takes part in none of the demo's cases; "Rasho" is a name only FR's and DE's cases hold.
expect 0 "at opens a case of its own" "$B" case create --as at --title "AT only" \
	--crime-type swindling_fraud
expect 0 "at adds a person named like one of the FR and DE cases" \
	e add --case 2026/0002 --as at --kind person --name "Zzyzx Rasho" --json
jqt "... the answer tells nothing of the cases at cannot see" \
	'.hits_found == {"examined": 0, "found": 0, "reopened": 0, "lapsed": 0}'
expect 0 "... nor in text" e add --case 2026/0002 --as at --kind person --name "Zzyzx Rasho"
check "... 0 candidates examined" has_out "matching: 0 candidates examined"
expect 0 "xref --case 2026/0002 as at" "$B" xref --case 2026/0002 --as at --json
jqt "... examines nothing it could count" '.examined == 0 and .found == 0'
expect 0 "... in text" "$B" xref --case 2026/0002 --as at
check "... 0 candidates examined" has_out ": 0 candidates examined"
expect 0 "me (who sees the Swedish case) adds the suspect's name to its case" \
	e add --case 2025/0001 --as me --kind person --name "Marko Djordjevic" --json
jqt "... the candidates of the cases me sees are counted" '.hits_found.examined >= 1'

# ---- adding, changing, reviewing ---------------------------------------------------

expect 0 "entity add in the Swedish case: a person in Cyrillic" \
	e add --as se --case 2026/0001 --kind person --name "Ђорђе Петровић" \
	--name "Djordje Petrovic" --born 1985 --nationality RS --json
jqt "... stored with scripts detected and matched at once" \
	'.attrs.names[0].script == "Cyrl" and .attrs.names[1].script == "Latn"
	 and .hits_found.found == 0'
P1=$(jq .id "$OUT")
expect 0 "the same person in the Belgian case, Latin with diacritics and a partial date" \
	e add --as be --case 2023/0001 --kind person --name "Đorđe Petrović" --born 1985-03 --json
jqt "... one new hit" '.hits_found.found == 1'
P2=$(jq .id "$OUT")
expect 0 "hits --case 2023/0001 as be" h --case 2023/0001 --as be --json
HIT=$(jq "map(select(.b.entity.id == $P2 or .a.entity.id == $P2))[0].id" "$OUT")
jqt "... the new hit, on name, hidden side SE" \
	"map(select(.id == $HIT))[0] | .attr == \"name\" and .a == {\"visible\": false, \"org\": \"SE\"}"
expect 2 "se-observer may not review it" h dismiss "$HIT" --as se-observer
check "... its role says why" has_err "a user with role observer may not review hits"
IH=$(h --as interpol --json | jq '.[0].id')
expect 2 "interpol (an observer of the Swedish case) may not review its hits" \
	h confirm "$IH" --as interpol
check "... its organisation's observer access says why, not its role" \
	has_err "organisation INTERPOL observes this hit's case (observer access): it may not review hits"
expect 0 "be dismisses it for its side" h dismiss "$HIT" --as be --note "different father" --json
jqt "... dismissed by be, with the note" '.review == "dismissed" and .b.reviewed_by == "be"
	and .b.note == "different father"'
expect 0 "se still sees it new on its side" h show "$HIT" --as se --json
jqt "... review new" '.review == "new"'
expect 0 "xref --case 2023/0001 does not bring the dismissed hit back" \
	"$B" xref --case 2023/0001 --as be --json
expect 0 "... hits --review dismissed as be" h --review dismissed --as be --json
jqt "... still dismissed" "map(.id) | index($HIT) != null"
expect 0 "be changes the entity (a full date of birth)" \
	e update "$P2" --born 1985-03-14 --as be --json
jqt "... version 2" '.version == 2'
expect 0 "... the hit is back for review" h show "$HIT" --as be --json
jqt "... review new again" '.review == "new"'
expect 0 "be confirms it" h confirm "$HIT" --as be --json
jqt "... confirmed" '.review == "confirmed"'
expect 0 "se dismisses its side" h dismiss "$HIT" --as se --json
upd_events() {
	"$B" case events 2023/0001 --as be --json |
		jq "[.[] | select(.action == \"entity.update\" and .object_id == \"$P2\")] | length"
}
U0=$(upd_events)
expect 0 "be restates the entity as it is (a change of nothing)" \
	e update "$P2" --born 1985-03-14 --as be --json
jqt "... no new version, no matching" '.version == 2 and has("hits_found") == false'
check "... no entity.update event" [ "$(upd_events)" = "$U0" ]
expect 0 "... se's side stays dismissed" h show "$HIT" --as se --json
jqt "... dismissed" '.review == "dismissed"'
expect 0 "be changes the entity (a note)" e update "$P2" --notes "seen in Antwerp" --as be --json
jqt "... version 3; SE's dismissed side, which be cannot see, is not counted" \
	'.version == 3 and .hits_found.reopened == 0'
expect 0 "... the same note again changes nothing" \
	e update "$P2" --notes "seen in Antwerp" --as be --json
jqt "... version 3 still" '.version == 3 and has("hits_found") == false'
expect 0 "... se's side is new again (an entity changed)" h show "$HIT" --as se --json
jqt "... new" '.review == "new"'
expect 0 "be dismisses its side" h dismiss "$HIT" --as be --json
expect 0 "be changes the entity again" e update "$P2" --notes "seen in Ghent" --as be --json
jqt "... its own dismissed side is counted" '.hits_found.reopened == 1'
expect 0 "be confirms it again" h confirm "$HIT" --as be --json
expect 0 "be asks SE for access to the Swedish case" \
	h request-access "$HIT" --as be --message "same suspect?" --json
jqt "... recorded, pending" '.access_requests | length == 1 and .[0].status == "pending"'
expect 2 "... asking twice is refused" h request-access "$HIT" --as be
expect 0 "se sees the request" h show "$HIT" --as se --json
jqt "... from BE" '.access_requests[0].from_org == "BE"'
expect 0 "the request is on the Swedish case's timeline" "$B" case events 2026/0001 --as se --json
jqt "... hit.access_request by be" 'map(select(.action == "hit.access_request")) | length == 1'
expect 0 "se answers by bringing BE into the case" \
	"$B" case join 2026/0001 --org BE --access observer --as se
expect 0 "be now sees the whole hit" h show "$HIT" --as be --json
jqt "... full, with the score and the request granted" \
	'.full and .score > 0.8 and .access_requests[0].status == "granted"'
expect 2 "an entity of a case be cannot change" e update "$P1" --born 1986 --as be
expect 1 "a date of birth in the future is refused" e update "$P2" --born 2099 --as be
check "... saying so" has_err 'field "born": 2099 is in the future'
expect 2 "an unknown entity" e show 999999 --as se
expect 2 "an entity of a case lt cannot see" e show "$P1" --as lt

# ---- identifiers (refusals of bad input exit 1, refusals of access 2) ---------------------------------------------------------------------

expect 0 "a phone in national form with its country" \
	e add --as se --case 2026/0001 --kind phone --number "070-123 45 67" --country SE --json
jqt "... E.164, as written kept" '.attrs.number == "+46701234567"
	and .attrs.number_as_written == "070-123 45 67"'
expect 0 "an IBAN with spaces" e add --as se --case 2026/0001 --kind bank_account \
	--iban "de89 3704 0044 0532 0130 00" --json
jqt "... normalised" '.attrs.iban == "DE89370400440532013000"'
expect 1 "an IBAN with a wrong check" e add --as se --case 2026/0001 --kind bank_account \
	--iban DE89370400440532013001
check "... says so" has_err "check digits"
expect 1 "a phone whose country contradicts its calling code" \
	e add --as se --case 2026/0001 --kind phone --number "+381641234567" --country SE
check "... says so" has_err '+381641234567 is not a number of country SE (calling code +46)'
expect 1 "... also as a person's identifier" e add --as se --case 2026/0001 --kind person \
	--name "Ana Test" --id "phone:+381641234567:SE"
expect 0 "a phone in international form with its own country" \
	e add --as se --case 2026/0001 --kind phone --number "+381 64 123 4599" --country RS --json
jqt "... taken" '.attrs.number == "+381641234599"'
expect 0 "a nationality named twice" e add --as se --case 2026/0001 --kind person \
	--name "Ana Twice" --nationality RS --nationality SE --nationality RS --json
jqt "... stored once" '.attrs.nationalities == ["RS", "SE"]'
expect 1 "a phone number in national form without a country" \
	e add --as se --case 2026/0001 --kind phone --number "070-123 45 67"
check "... says it needs a country" has_err "needs a country"
expect 0 "a name in mixed scripts is taken as written" e add --as se --case 2026/0001 \
	--kind person --name "Marko Ђорђевић" --json
jqt "... and matches the suspect of the Montenegrin case (a hit, hidden from se)" \
	'.hits_found.found >= 1'
expect 0 "a person in Khmer script (ICU has no Khmer transliterator: our rules)" \
	e add --as se --case 2026/0001 --kind person --name "ហ៊ុន សុខា" --born 1979 --json
jqt "... stored as written" '.attrs.names[0].name == "ហ៊ុន សុខា" and .attrs.names[0].script == "Khmr"'
expect 0 "... found by the Latin spelling in the Belgian case" \
	e add --as be --case 2023/0001 --kind person --name "Hun Sokha" --born 1979 --json
jqt "... a hit" '.hits_found.found == 1'
expect 1 "a name in a script nothing here transliterates" e add --as se --case 2026/0001 \
	--kind person --name "ཀུན་དགའ"
check "... names the script" has_err "Tibetan script has no transliteration"
expect 1 "an impossible date of birth" e add --as se --case 2026/0001 --kind person \
	--name "Ana Test" --born 1985-02-30
expect 1 "an empty name" e add --as se --case 2026/0001 --kind person --name ""
expect 1 "a name of control characters" e add --as se --case 2026/0001 --kind person \
	--name "$(printf 'A\001B')"
expect 1 "a 10,000-character name" e add --as se --case 2026/0001 --kind person \
	--name "$(head -c 10000 /dev/zero | tr '\0' a)"
check "... refused as too long" has_err "longer than"
expect 1 "a field that does not apply to the kind" e add --as se --case 2026/0001 \
	--kind phone --number "+46701234567" --iban DE89370400440532013000
expect 1 "an unknown kind" e add --as se --case 2026/0001 --kind spaceship --name X
expect 1 "no --kind" e add --as se --case 2026/0001 --name X
expect 2 "rs may not add entities to the Belgian case" e add --as rs --case 2023/0001 \
	--kind person --name "Ana Test"
expect 1 "a person with a passport on a document identifier" e add --as se \
	--case 2026/0001 --kind person --name "Ana Test" --id doc:P12:XX
check "... unknown country refused" has_err "country"

# ---- imports --------------------------------------------------------------------------

cat >"$T/good.csv" <<'EOF'
kind,names,born,nationalities,number,country
person,Jovan Jovanović;Јован Јовановић,1990,RS,,
phone,,,,+382 67 123 456,
EOF
expect 0 "a CSV import" e import --as me --case 2025/0001 "$T/good.csv" --json
jqt "... two entities" '.imported == 2 and .invalid == 0'
cat >"$T/bad.csv" <<'EOF'
kind,names,born,iban
person,Petar Petrović,1970,
bank_account,,,DE00370400440532013000
person,,1980,
person,"Ana ""Quoted"" Test",1999-13,
EOF
N0=$(e list --as me --case 2025/0001 --json | jq length)
printf 'kind,name,born,born\nperson,A B,1980,1981\n' >"$T/twice.csv"
expect 1 "a CSV header naming a column twice is refused" e import --as me --case 2025/0001 "$T/twice.csv"
check "... naming it" has_err 'names the column "born" twice'
expect 1 "a CSV import with bad rows" e import --as me --case 2025/0001 "$T/bad.csv" --json
jqt "... each bad row with its reason, nothing imported" \
	'.imported == 0 and .invalid == 3 and (.errors | map(.row)) == [3, 4, 5]'
N1=$(e list --as me --case 2025/0001 --json | jq length)
check "... the case has no new entity" [ "$N0" = "$N1" ]
expect 0 "the same with --skip-invalid" e import --as me --case 2025/0001 "$T/bad.csv" \
	--skip-invalid --json
jqt "... the good row only" '.imported == 1 and .invalid == 3'
printf 'kind,names\nperson,"unterminated\n' >"$T/broken.csv"
expect 1 "a malformed CSV file" e import --as me --case 2025/0001 "$T/broken.csv"
printf 'kind,names\nperson,\377\376bad\n' >"$T/utf8.csv"
expect 1 "invalid UTF-8 in a CSV field" e import --as me --case 2025/0001 "$T/utf8.csv" --json
jqt "... reported on its row" '.errors[0].row == 2 and (.errors[0].error | test("UTF-8"))'
: >"$T/empty.csv"
expect 1 "an empty CSV file is refused (the wrong file, not an import of nothing)" \
	e import --as me --case 2025/0001 "$T/empty.csv"
check "... saying it is empty" has_err 'the CSV file is empty'
printf 'kind,names\n' >"$T/header.csv"
expect 0 "a CSV file with its header and no rows imports nothing" \
	e import --as me --case 2025/0001 "$T/header.csv" --json
jqt "... 0 entities" '.imported == 0 and .invalid == 0'
printf '\n\n' >"$T/empty.ftm"
expect 1 "an FtM file without a line of JSON is refused" \
	e import --as me --case 2025/0001 --format ftm "$T/empty.ftm"
check "... saying it is empty" has_err 'holds no FollowTheMoney entity'

FTM=$SHARED/testdata/ftm/entities/nomenklatura-donations.ijson
if [ -f "$FTM" ]; then
	expect 0 "a FollowTheMoney import (nomenklatura donations)" \
		e import --as be --case 2023/0001 --format ftm "$FTM" --json
	jqt "... persons, companies, organisations and addresses; payments reported" \
		'.imported == 184 and .invalid == 0 and .unsupported == {"Payment": 290}'
else
	fail "FollowTheMoney test data missing: $FTM"
fi
cat >"$T/gaps.ftm" <<'EOF'
{"id":"p1","schema":"Person","properties":{"name":["Ivo Dokumentic"],"nationality":["rs"],"citizenship":["rs"],"passportNumber":["P1234567"],"idNumber":["ID998877"]}}
{"id":"p2","schema":"Person","properties":{"name":["Ivo Bezdrzavni"],"passportNumber":["P7654321"]}}
{"id":"b1","schema":"BankAccount","properties":{"accountNumber":["DE89 3704 0044 0532 0130 00"]}}
{"id":"b2","schema":"BankAccount","properties":{"accountNumber":["12345678"]}}
EOF
expect 0 "an FtM import of document numbers and account numbers" \
	e import --as be --case 2023/0001 --format ftm "$T/gaps.ftm" --json
jqt "... an IBAN accountNumber imported, the others reported, none refused" \
	'.imported == 3 and .invalid == 0 and .unsupported == {"BankAccount without an IBAN": 1,
	 "Person.passportNumber without a single nationality": 1}'
expect 0 "the person's documents" e list --as be --case 2023/0001 --json
jqt "... as doc identifiers issued by the nationality, RS once" \
	'map(select(.source == "ftm p1"))[0].attrs | .nationalities == ["RS"]
	 and ([.identifiers[] | "\(.type):\(.country):\(.value)"] == ["doc:RS:P1234567", "doc:RS:ID998877"])'
jqt "... the account by its IBAN" \
	'map(select(.source == "ftm b1"))[0].attrs.iban == "DE89370400440532013000"'
printf '{"schema":"Person","properties":{"name":["Ana Test"],"birthDate":["1980-02-31"]}}\nnot json\n' >"$T/bad.ftm"
expect 1 "an FtM file with bad lines" e import --as be --case 2023/0001 --format ftm "$T/bad.ftm" --json
jqt "... both reported" '.invalid == 2 and (.errors | map(.row)) == [1, 2]'

# ---- xref, threshold, match pairs ----------------------------------------------------

expect 2 "xref of every case is for operator administrators" "$B" xref --as se
expect 0 "xref of every case as admin" "$B" xref --as admin --json
jqt "... every entity, the demo's hits still there" '.entities > 190 and .lapsed == 0'
jqt "... every match record built again from its attributes is the one stored" '.renormalised == 0'

# The event of a rebuild of match records: by admin, from the matcher "old", one record.
renorm_recorded() {
	[ "$(dbq "$D" "SELECT count(*) FROM events WHERE action = 'match.renormalise'")" = 1 ] &&
	[ "$(dbq "$D" "SELECT actor FROM events WHERE action = 'match.renormalise'")" = admin ] &&
	dbq "$D" "SELECT before FROM events WHERE action = 'match.renormalise'" |
		jq -e '.matcher == "old"' >/dev/null &&
	dbq "$D" "SELECT after FROM events WHERE action = 'match.renormalise'" |
		jq -e '.records_rebuilt == 1 and .entities > 190 and (.matcher | length) > 0' >/dev/null
}

# A name an older matcher normalised otherwise: a Hangul name stored with the Latin
# form ICU gave it before our Korean rules (the record of a Latin "gimjeong eun"),
# and the store marked as matched by that older matcher.
expect 0 "se adds 김정은" e add --as se --case 2026/0001 --kind person --name "김정은" --json
K=$(jq -r .id "$OUT")
expect 0 "se adds gimjeong eun" e add --as se --case 2026/0001 --kind person --name "gimjeong eun" --json
G=$(jq -r .id "$OUT")
check "the Korean name's record is made an old one" dbq "$D" \
	"UPDATE entities SET mrec = (SELECT mrec FROM entities WHERE id = $G) WHERE id = $K"
check "... by an older matcher" dbq "$D" "UPDATE meta SET value = 'old' WHERE key = 'match_normaliser'"
expect 0 "me adds Kim Jong Un to its case" e add --as me --case 2025/0001 --kind person \
	--name "Kim Jong Un" --json
J=$(jq -r .id "$OUT")
expect 0 "hits of 2025/0001 as me" h --case 2025/0001 --as me --json
jqt "... none with 김정은: its record is the old one" \
	"[.[] | select(.a.entity.id == $K or .b.entity.id == $K)] | length == 0"
expect 0 "xref of every case as admin, after the upgrade" "$B" xref --as admin --json
jqt "... normalises the old record again, and only it" '.renormalised == 1'
check "... on the record: who, the matchers before and after, the records rebuilt" renorm_recorded
expect 0 "hits of 2025/0001 as me" h --case 2025/0001 --as me --json
jqt "... Kim Jong Un meets 김정은" \
	"[.[] | select([.a.entity.id, .b.entity.id] | sort == ([$K, $J] | sort))] | length == 1"
expect 0 "xref again" "$B" xref --as admin --json
jqt "... normalises nothing: the store says which matcher built its records" '.renormalised == 0'
expect 0 "xref of every case in text" "$B" xref --as admin
check "... says nothing of normalising" lacks_out "normalised again"

# Hits that lapse at a higher threshold (most of them at 0.96) and come back at the old
# one are reported.
T0=$("$B" match threshold --as admin)
expect 0 "threshold 0.96" "$B" match threshold 0.96 --as admin
expect 0 "xref of every case at 0.96" "$B" xref --as admin --json
L=$(jq .lapsed "$OUT")
check "... some hits lapse" [ "$L" -gt 0 ]
expect 0 "the threshold back to $T0" "$B" match threshold "$T0" --as admin
expect 0 "xref of every case again" "$B" xref --as admin --json
jqt "... every lapsed hit is reported back, as reopened" ".reopened == $L and .found == 0"
expect 0 "xref once more" "$B" xref --as admin --json
jqt "... nothing to report" '.reopened == 0 and .found == 0 and .lapsed == 0'

# A draft request is the issuing side's own, in the statistics too.
expect 0 "de's statistics" "$B" stats --year 2026 --as de --json
DE0=$(jq .requests.issued "$OUT")
expect 0 "se drafts an EIO to DE" "$B" requests add --case 2026/0001 --kind eio --to DE \
	--title "Draft to DE" --as se --json
expect 0 "de's statistics again" "$B" stats --year 2026 --as de --json
jqt "... do not count se's draft" ".requests.issued == $DE0 and (.requests.by_status.draft // 0) == 0"
expect 0 "se's statistics" "$B" stats --year 2026 --as se --json
jqt "... count it" '.requests.by_kind_and_status.eio.draft >= 1'

# A change keeps the record of what was before it whole.
expect 0 "se adds a person with a phone as written" e add --as se --case 2026/0001 --kind person \
	--name "Ana Phoneholder" --id "phone:070-123 45 98:SE" --json
P=$(jq -r .id "$OUT")
expect 0 "... and changes the year of birth" "$B" entity update "$P" --as se --born 1980 --json
expect 0 "the case's events" "$B" case events 2026/0001 --as se --json
jqt "... the change's before keeps the phone as written" \
	"[.[] | select(.action == \"entity.update\" and .object_id == \"$P\")] | last
	 | .before.attrs.identifiers == [{\"as_written\": \"070-123 45 98\", \"country\": \"SE\",
	   \"type\": \"phone\", \"value\": \"+46701234598\"}]"
expect 0 "match threshold" "$B" match threshold --as se
check "... the default" has_out "^0\.[0-9]"
expect 2 "se may not set it" "$B" match threshold 0.9 --as se
expect 1 "a threshold out of range" "$B" match threshold 0.2 --as admin
cat >"$T/pairs.csv" <<'EOF'
name_a,name_b,label
Đorđević,Djordjevic,1
Ђорђевић,Djordjevic,1
Djordje Petrovic,Ђорђе Петровић,1
Octavian Scholz,Olaf Scholz,0
Marko Jovanovic,Stefan Nikolic,0
EOF
expect 0 "match pairs with labels" "$B" match pairs "$T/pairs.csv" --json
jqt "... every verdict right, precision recall F1 1" \
	'.evaluation == {"tp": 3, "fp": 0, "fn": 0, "tn": 2, "precision": 1, "recall": 1, "f1": 1}'
expect 0 "match pairs at a threshold of 1" "$B" match pairs "$T/pairs.csv" --threshold 1 --json
jqt "... nothing matches" '.evaluation.tp == 0 and .evaluation.fn == 3'
expect 0 "match pairs in text" "$B" match pairs "$T/pairs.csv"
check "... prints F1" has_out "F1 1.000"
# A name no rule reads (Cherokee) does not stop the others: its row says why, the
# evaluation leaves it out and counts it, and the exit says some were not scored.
printf 'a,b,label\nᏌᏊ,Sequoyah,1\nĐorđević,Djordjevic,1\nOctavian Scholz,Olaf Scholz,0\n' \
	>"$T/unscored.csv"
expect 1 "match pairs with a name no rule reads" "$B" match pairs "$T/unscored.csv" --json
jqt "... the others scored, that one said why and left out" \
	'.unscored == 1 and (.pairs | length) == 3 and .pairs[0].score == null
	 and (.pairs[0].error | test("Cherokee")) and .evaluation.tp == 1 and .evaluation.tn == 1
	 and .evaluation.fn == 0'
check "... and the exit says so" has_err "1 pair could not be scored"
expect 1 "the same in text" "$B" match pairs "$T/unscored.csv"
check "... each pair on its line" has_out "^-	unscored	ᏌᏊ	Sequoyah	(.*Cherokee"
printf 'a,b\n,x\n' >"$T/emptyname.csv"
expect 1 "match pairs with an empty name" "$B" match pairs "$T/emptyname.csv"
expect 1 "match pairs without a file" "$B" match pairs
expect 0 "entity --help" e --help
expect 0 "hits --help" h --help
expect 0 "xref --help" "$B" xref --help
expect 0 "match --help" "$B" match --help
finish
