#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of cooperation requests and statistics on the demo data: the demo's
# requests, the status table (valid and invalid transitions), deadlines computed with
# their article, extensions (refused without reasons, capped, refused once the limit has
# passed), judicial acts (issuing, sending, deciding) refused to analysts, due and overdue lists,
# need-to-know (a desk neither in the case nor executing sees nothing, not even in
# counts), and statistics reproduced with --as-of after further changes, in CSV too.
#
# Usage: CU_BIN=/path/to/custodia sh test_requests.sh

NAME=cli-requests
TOOLS="jq"
. "$(dirname "$0")/lib.sh"

D=$T/demo
expect 0 "demo --no-serve loads the scenario with its requests" "$B" demo --data "$D" --no-serve
export CUSTODIA_DATA="$D"
q() { "$B" requests "$@"; }
day() { date -u -d "$TODAY $1 days" +%Y-%m-%d; }

# ---- the demo's requests -----------------------------------------------------------

expect 0 "requests list as se" q list --as se --json
jqt "... IAW, two MLA requests and the extradition, in their order and states" \
	'length == 4 and (sort_by(.id) | map(.kind)) == ["international_arrest_warrant", "mla", "mla",
	 "extradition"] and (sort_by(.id) | map(.status)) == ["executed", "executed", "executed",
	 "received"]'
expect 0 "requests due as rs: the extradition decision is due soon" q due --as rs --json
jqt "... one deadline, in five days, set by hand" \
	'(.due_soon | length) == 1 and .due_soon[0].kind == "extradition" and .due_soon[0].days_left == 5
	 and (.overdue | length) == 0'
expect 0 "requests list --country ME: the MLA request executed in Montenegro" q list --as se --country ME --json
jqt "... only it" 'length == 1 and .[0].kind == "mla" and .[0].executing_country == "ME"'
expect 0 "requests list --country SE: every request issued from Sweden" q list --as se --country SE --json
jqt "... all four" 'length == 4'
expect 1 "requests list --country Sweden: not a country code" q list --as se --country Sweden
expect 0 "requests list --limit 2: the two newest" q list --as se --limit 2 --json
jqt "... 4 and 3" 'map(.id) == [4, 3]'
expect 0 "requests list --limit 2 --before 3: the page after" q list --as se --limit 2 --before 3 --json
jqt "... 2 and 1" 'map(.id) == [2, 1]'
expect 1 "requests list --limit 0 is refused" q list --as se --limit 0
expect 0 "requests list as lt (neither in the case nor executing)" q list --as lt --json
jqt "... nothing" 'length == 0'
expect 2 "requests show 1 as lt: not found" q show 1 --as lt
check "... refused as not found" has_err "no request 1"
expect 0 "requests due as lt: nothing" q due --as lt --within 365d --json
jqt "... empty" '(.overdue | length) == 0 and (.due_soon | length) == 0'

# ---- an EIO: deadlines from Directive 2014/41/EU -----------------------------------

expect 0 "se drafts an EIO to LT in its case" q add --as se --case 2026/0001 --kind eio \
	--title "Bank records" --to LT --legal-basis "Directive 2014/41/EU" --issued-on "$(day -45)" --json
jqt "... a draft, no deadline yet" '.status == "draft" and (.deadlines | length) == 0
	 and .next == ["sent", "withdrawn"] and .issuing_org == "SE" and .executing_country == "LT"'
EIO=$(jq .id "$OUT")
expect 2 "lt does not see SE's draft (nothing was sent)" q show "$EIO" --as lt --json
expect 0 "lt's list" q list --as lt --json
jqt "... without the draft" 'map(select(.id == '"$EIO"')) | length == 0'
expect 2 "lt cannot act on the draft either" q status "$EIO" sent --as lt
expect 2 "a deadline on a draft is refused" q deadline "$EIO" --due "$(day +20)" --as se
check "... until it is sent" has_err "once the request is sent"
expect 1 "requests due takes no --case (refused, not ignored)" q due --case 2024/0001 --as se
check "... naming the option" has_err "requests due takes no --case"
expect 1 "requests show takes no --kind" q show "$EIO" --kind eio --as se
expect 1 "--within is for due only" q list --within 3d --as se
expect 2 "draft -> executed is refused" q status "$EIO" executed --as se
check "... listing the allowed ones" has_err "a request draft can become sent or withdrawn"
expect 1 "an unknown status is refused" q status "$EIO" lost --as se
expect 1 "a day in the future is refused" q status "$EIO" sent --as se --on "$(day +3)"
S=$(day -40)
R=$(day -35)
expect 0 "se sends it 40 days ago" q status "$EIO" sent --as se --on "$S"
expect 0 "lt sees the request it executes now, not the case" q show "$EIO" --as lt --json
jqt "... no case reference" '.case_visible == false and has("case_reference") == false'
expect 2 "lt may not withdraw it (issuing side)" q status "$EIO" withdrawn --as lt
check "... says who may" has_err "only the issuing organisation (SE)"
expect 0 "lt receives it 35 days ago" q status "$EIO" received --as lt --on "$R" --json
jqt "... the recognition limit: 30 days, art. 12(3), overdue by 5 days" \
	'.deadlines | length == 1 and .[0].rule == "eio.recognition"
	 and .[0].article == "Directive 2014/41/EU art. 12(3)" and .[0].due_on == "'"$(day -5)"'"
	 and .[0].overdue and .[0].days_left == -5'
expect 0 "requests due as se lists it as overdue" q due --as se --json
jqt "... overdue" '.overdue | map(select(.request_id == '"$EIO"')) | length == 1'
expect 0 "due as text" q due --as se
check "... marked OVERDUE" has_out "OVERDUE"
expect 1 "an extension without reasons is refused" q extend "$EIO" --days 10 --as lt
check "... naming the article" has_err "reasons.*art. 12(5)"
expect 1 "... and with blank reasons" q extend "$EIO" --days 10 --reason "  " --as lt
expect 0 "... nothing changed" q show "$EIO" --as lt --json
jqt "... due day unchanged" '.deadlines[0].due_on == "'"$(day -5)"'" and .deadlines[0].extended_days == 0'
expect 2 "more than art. 12(5)'s 30 days is refused" q extend "$EIO" --days 31 --reason "x" --as lt
expect 2 "se may not extend the executing side's limit" q extend "$EIO" --days 10 --reason "x" --as se
# Its 30 days ended five days ago: the limit is missed, too late to extend.
expect 1 "an extension after the limit has passed is refused" q extend "$EIO" --days 20 \
	--reason "The bank needs a court order" --as lt
check "... saying it ended and is missed" has_err "ended on $(day -5): a limit that has passed is missed"
expect 0 "... nothing changed" q show "$EIO" --as lt --json
jqt "... due day unchanged, no extension" '.deadlines[0].due_on == "'"$(day -5)"'"
	 and .deadlines[0].extended_days == 0 and (.deadlines[0].extensions | length) == 0'
# An EIO to BE received 25 days ago: five of its 30 days left, it may be extended.
expect 0 "an EIO to BE, received 25 days ago" q add --as se --case 2026/0001 --kind eio \
	--title "Bank records, second bank" --to BE --issued-on "$(day -30)" --json
EIX=$(jq .id "$OUT")
q status "$EIX" sent --as se --on "$(day -26)" >/dev/null 2>&1
q status "$EIX" received --as be --on "$(day -25)" >/dev/null 2>&1
expect 0 "be extends by 20 days with reasons" q extend "$EIX" --days 20 \
	--reason "The bank needs a court order" --as be --json
jqt "... due moved, the extension recorded with its article" \
	'.deadlines[0].due_on == "'"$(day 25)"'" and .deadlines[0].extensions[0].article ==
	 "Directive 2014/41/EU art. 12(5)" and .deadlines[0].extensions[0].days == 20'
expect 2 "a further 11 days would exceed 30" q extend "$EIX" --days 11 --reason "again" --as be
expect 0 "be recognises it in time" q status "$EIX" recognised --as be --json
jqt "... recognition met" '.deadlines[0].state == "met"'
# An extension on the due day itself is in time: the limit runs to the end of the day.
expect 0 "an EIO to BE, received 30 days ago" q add --as se --case 2026/0001 --kind eio \
	--title "Bank records, third bank" --to BE --issued-on "$(day -31)" --json
EIT=$(jq .id "$OUT")
q status "$EIT" sent --as se --on "$(day -31)" >/dev/null 2>&1
q status "$EIT" received --as be --on "$(day -30)" >/dev/null 2>&1
expect 0 "be extends it on its due day" q extend "$EIT" --days 5 --reason "Translation" --as be --json
jqt "... due in 5 days" '.deadlines[0].due_on == "'"$(day 5)"'"'
expect 2 "a hand-set deadline is refused for an EIO's decision" \
	q deadline "$EIO" --step decision --due "$(day 20)" --as se
check "... the limit is fixed by the directive" has_err "fixed by Directive 2014/41/EU art. 12(3)"
expect 0 "lt recognises it today, after its limit" q status "$EIO" recognised --as lt --json
jqt "... recognition missed, execution 90 days (art. 12(4)) opens" \
	'.deadlines[0].state == "missed" and .deadlines[1].rule == "eio.execution"
	 and .deadlines[1].article == "Directive 2014/41/EU art. 12(4)"
	 and .deadlines[1].due_on == "'"$(day 90)"'"
	 and .next == ["in_execution", "executed", "refused", "withdrawn"]'
expect 2 "art. 12(4) has no extension" q extend "$EIO" --days 5 --reason "x" --as lt
expect 0 "lt starts execution" q status "$EIO" in_execution --as lt
expect 2 "in_execution -> sent is refused" q status "$EIO" sent --as se
check "... listing the allowed ones" has_err "a request in_execution can become executed, refused or withdrawn"
expect 0 "lt executes it" q status "$EIO" executed --as lt --json
jqt "... execution met, final" '.deadlines[1].state == "met" and .next == [] and .closed_on == "'"$TODAY"'"'
expect 2 "a final request cannot change" q status "$EIO" withdrawn --as se
check "... says so" has_err "is final"

# ---- an EAW: art. 17 and 23 ---------------------------------------------------------

expect 0 "se issues an EAW to FR" q add --as se --case 2026/0001 --kind eaw --title "Surrender" --to FR --issued-on "$(day -25)" --json
EAW=$(jq .id "$OUT")
q status "$EAW" sent --as se --on "$(day -20)" >/dev/null 2>&1
q status "$EAW" received --as fr --on "$(day -20)" >/dev/null 2>&1
expect 0 "fr records the arrest" q milestone "$EAW" arrested --as fr --on "$(day -15)" --json
jqt "... 60 days, art. 17(3)" '.deadlines[0].rule == "eaw.decision" and .deadlines[0].due_on == "'"$(day 45)"'"
	 and .deadlines[0].article == "Framework Decision 2002/584/JHA art. 17(3)"'
expect 0 "the person consents" q milestone "$EAW" consented --as fr --on "$(day -12)" --json
jqt "... 10 days after consent, art. 17(2), replaces art. 17(3)" \
	'.deadlines[0].state == "cancelled" and .deadlines[1].rule == "eaw.decision_consent"
	 and .deadlines[1].due_on == "'"$(day -2)"'" and .deadlines[1].overdue'
expect 0 "fr decides today: the decision came late" q status "$EAW" recognised --as fr --json
jqt "... art. 17(2) missed; surrender within 10 days, art. 23(2)" \
	'.deadlines[1].state == "missed" and .deadlines[2].rule == "eaw.surrender"
	 and .deadlines[2].article == "Framework Decision 2002/584/JHA art. 23(2)"
	 and .deadlines[2].due_on == "'"$(day 10)"'"'
expect 1 "a milestone an MLA request has not" q milestone 2 consented --as rs

# ---- hand-set deadlines --------------------------------------------------------------

expect 0 "an MLA request to RS, sent" q add --as se --case 2026/0001 --kind mla --title "Witness" --to RS --json
MLA=$(jq .id "$OUT")
q status "$MLA" sent --as se >/dev/null 2>&1
expect 0 "se sets its execution deadline by hand" q deadline "$MLA" --due "$(day 3)" --as se --json
jqt "... manual, starts at sending" '.deadlines[0].rule == "manual.execution" and .deadlines[0].days_left == 3'
expect 2 "a second one for the same step is refused" q deadline "$MLA" --due "$(day 9)" --as se
expect 1 "an extension of a hand-set deadline needs reasons too" q extend "$MLA" --days 5 --as se
expect 0 "an MLA request to ME whose hand-set deadline passed yesterday" q add --as se \
	--case 2026/0001 --kind mla --title "Records" --to ME --issued-on "$(day -20)" --json
MLP=$(jq .id "$OUT")
q status "$MLP" sent --as se --on "$(day -20)" >/dev/null 2>&1
q deadline "$MLP" --due "$(day -1)" --as se >/dev/null 2>&1
expect 1 "its extension is refused too" q extend "$MLP" --days 5 --reason "late answer" --as se
check "... it ended yesterday" has_err "ended on $(day -1)"
expect 0 "due --within 2d leaves it out" q due --as se --within 2d --json
jqt "... not listed" '[.due_soon[] | select(.request_id == '"$MLA"')] | length == 0'
expect 0 "due --within 3d lists it" q due --as se --within 3d --json
jqt "... listed" '[.due_soon[] | select(.request_id == '"$MLA"')] | length == 1'
expect 1 "--within must be days" q due --as se --within soon

# ---- judicial acts: a prosecutor's (or an administrator's), not an analyst's ---------------

expect 2 "an analyst may not issue an EAW" q add --as se-analyst --case 2026/0001 --kind eaw \
	--title "Arrest" --to RS
check "... a prosecutor's act" has_err "role analyst may not issue, send, decide on or withdraw a request"
expect 0 "the desk's administrator may" q add --as se-admin --case 2026/0001 --kind eaw \
	--title "Arrest" --to RS --json
AW=$(jq .id "$OUT")
expect 2 "the analyst may not send it" q status "$AW" sent --as se-analyst
check "... a prosecutor's act" has_err "role analyst may not issue, send"
expect 2 "... nor withdraw it" q status "$AW" withdrawn --as se-analyst
expect 0 "... but reads it" q show "$AW" --as se-analyst --json
jqt "... still a draft" '.status == "draft"'
expect 0 "the prosecutor sends it" q status "$AW" sent --as se
expect 0 "rs records its receipt" q status "$AW" received --as rs
expect 0 "an MLA request the analyst's desk executes" q add --as rs --case 2026/0001 --kind mla \
	--title "Hearing in Sweden" --to SE --json
AM=$(jq .id "$OUT")
q status "$AM" sent --as rs >/dev/null 2>&1
expect 0 "the analyst of the executing desk records its receipt" q status "$AM" received --as se-analyst
expect 2 "... but may not recognise it" q status "$AM" recognised --as se-analyst
check "... a prosecutor's act" has_err "role analyst may not issue, send, decide on or withdraw a request"
expect 2 "... nor refuse it" q status "$AM" refused --as se-analyst
expect 0 "the prosecutor recognises it" q status "$AM" recognised --as se --json
jqt "... recognised" '.status == "recognised"'
expect 0 "the analyst records its execution" q status "$AM" executed --as se-analyst

expect 1 "an unknown kind is refused" q add --as se --case 2026/0001 --kind letter --title x --to RS
expect 1 "a request to oneself is refused" q add --as se --case 2026/0001 --kind mla --title x --to SE
expect 2 "lt cannot add a request in a case it does not see" \
	q add --as lt --case 2026/0001 --kind mla --title x --to RS
expect 1 "a subject from another case is refused" \
	q add --as se --case 2026/0001 --kind mla --title x --to RS --subject 999999
expect 0 "the rules table" q rules --json
jqt "... articles of the three instruments" \
	'map(.article) | index("Regulation (EU) 2018/1805 art. 20(1)") != null
	 and index("Framework Decision 2002/584/JHA art. 17(3)") != null'
expect 0 "the rules table as text" q rules
check "... says each limit in words, under its article and its extension" sh -c \
	'grep -q "eio.recognition *30 days from receipt to decide on recognition" "$0" &&
	 grep -q "extendable by up to 30 days: Directive 2014/41/EU art. 12(5)" "$0" &&
	 grep -q "48 hours after receipt to decide (urgent orders)" "$0"' "$OUT"
expect 0 "events on the case timeline" "$B" case show 2026/0001 --as se --json

# ---- clocks after a decision; breaches that stay breaches ---------------------------

# to_be ID SENT RECEIVED: SE sends request ID, BE receives it, on those days (from today).
to_be() {
	q status "$1" sent --as se --on "$(day "$2")" >/dev/null 2>&1
	q status "$1" received --as be --on "$(day "$3")" >/dev/null 2>&1
}

expect 0 "an EAW to BE" q add --as se --case 2026/0001 --kind eaw --title "Late arrest" --to BE \
	--issued-on "$(day -60)" --json
E2=$(jq .id "$OUT")
to_be "$E2" -60 -59
expect 0 "be decides before any arrest" q status "$E2" recognised --as be --on "$(day -50)" --json
expect 0 "the arrest recorded after the decision" q milestone "$E2" arrested --as be --on "$(day -45)" --json
jqt "... opens no limit to decide (art. 17(3)): the decision is taken" \
	'[.deadlines[] | select(.step == "decision")] | length == 0'
expect 0 "the consent recorded after it" q milestone "$E2" consented --as be --on "$(day -44)" --json
jqt "... opens none either (art. 17(2))" '[.deadlines[] | select(.step == "decision")] | length == 0'

expect 0 "an EIO to BE" q add --as se --case 2026/0001 --kind eio --title "Withdrawn late" --to BE \
	--issued-on "$(day -100)" --json
E3=$(jq .id "$OUT")
to_be "$E3" -100 -99
expect 0 "se withdraws it after BE's 30 days to decide ran out" q status "$E3" withdrawn --as se --on "$(day -10)" --json
jqt "... the limit stays missed, not cancelled" '.deadlines[0].rule == "eio.recognition" and .deadlines[0].state == "missed"'

expect 0 "another EIO to BE" q add --as se --case 2026/0001 --kind eio --title "Refused late" --to BE \
	--issued-on "$(day -100)" --json
E4=$(jq .id "$OUT")
to_be "$E4" -100 -99
q status "$E4" recognised --as be --on "$(day -95)" >/dev/null 2>&1
expect 0 "be refuses it in execution, after its 90 days ran out" q status "$E4" refused --as be --json
jqt "... the day of recognition kept; the execution limit missed" \
	'.decided_on == "'"$(day -95)"'" and ([.deadlines[] | select(.rule == "eio.execution")][0].state == "missed")'

expect 1 "a deadline in 2199 is refused" q deadline "$MLA" --step decision --due 2199-01-01 --as se
check "... as out of reach" has_err "at most 3650 days"
expect 1 "a surrender deadline on an MLA request is refused" q deadline "$MLA" --step surrender --due "$(day 5)" --as se
expect 1 "a request to the platform's operator is refused" q add --as se --case 2026/0001 --kind mla --title x --to HUB
check "... saying why" has_err "runs the platform"
expect 1 "a title of spaces is refused" q add --as se --case 2026/0001 --kind mla --title "   " --to RS
check "... as empty" has_err 'field "title" must not be empty (it is only spaces)'
expect 1 "a date out of range is refused" q add --as se --case 2026/0001 --kind mla --title x --to RS --issued-on 1850-01-01
check "... naming the years" has_err "not a date between 1900 and 2200"

# ---- a closed case takes nothing new ------------------------------------------------

expect 1 "an unknown crime type is refused" "$B" case create --as se --title "To close" --crime-type fraud
check "... suggesting the codes that contain it" has_err 'unknown crime type "fraud"; did you mean swindling_fraud, tax_fraud?'
expect 0 "se opens a case" "$B" case create --as se --title "To close" --crime-type swindling_fraud --json
CL=$(jq -r .reference "$OUT")
expect 0 "... with an entity" "$B" entity add --as se --case "$CL" --kind person --name "Jan Closed" --json
ENT=$(jq .id "$OUT")
expect 0 "... and closes it" "$B" case close "$CL" --as se
expect 2 "a request in the closed case is refused" q add --as se --case "$CL" --kind mla --title x --to RS
check "... saying so" has_err "is closed: no new requests"
expect 2 "an entity too" "$B" entity add --as se --case "$CL" --kind person --name "Late Entry"
check "... saying so" has_err "is closed: no new entities"
expect 2 "an interview too" "$B" interviews add --as se --case "$CL" --entity "$ENT" --role witness --on "$TODAY" --status planned
check "... saying so" has_err "is closed: no new interviews"
expect 1 "a case opened in the future is refused" "$B" case create --as se --title x --crime-type other --opened "$(day 30)"
check "... saying so" has_err "is in the future"
expect 1 "a JIT signed in the future is refused (membership would open its cases at once)" \
	"$B" jit create --as se --name J --signed "$(day 30)" --expires "$(day 400)"
check "... saying so" has_err "record the JIT once its agreement is signed"

# ---- statistics ---------------------------------------------------------------------

Y=${TODAY%%-*}
expect 0 "stats as se" "$B" stats --year "$Y" --as se --json
jqt "... names its snapshot" '.snapshot.ledger_size > 0 and (.snapshot.root | length) == 64
	 and .snapshot.checkpoint.size == .snapshot.ledger_size and .scope == "organisation SE"'
cp "$OUT" "$T/se1.json"
N=$(jq .snapshot.ledger_size "$OUT")
expect 0 "stats as lt: the EIO it executes, not the case" "$B" stats --year "$Y" --as lt --json
jqt "... no case of 2026/0001 and only its own request" '.cases.by_country.SE == null
	 and .requests.issued == 1 and .requests.by_kind == {"eio": 1}'
expect 0 "stats as ua (sees nothing of the first case)" "$B" stats --year "$Y" --as ua --json
jqt "... no requests, no deadlines" '.requests.issued == 0 and .deadlines.met == 0
	 and .deadlines.missed == 0 and .deadlines.open == 0'
expect 0 "stats as the operator: the hub's totals" "$B" stats --year "$Y" --as admin --json
jqt "... every request" '.scope == "hub" and .requests.issued >= 7'
# further changes after the snapshot
q status "$MLA" withdrawn --as se >/dev/null 2>&1
q add --as se --case 2026/0001 --kind mla --title "Later" --to ME >/dev/null 2>&1
expect 0 "stats now differ" "$B" stats --year "$Y" --as se --json
jqt "... one more request" '.requests.issued == '"$(jq .requests.issued "$T/se1.json")"' + 1'
expect 0 "stats --as-of the earlier size reproduce the earlier figures" \
	"$B" stats --year "$Y" --as se --json --as-of "$N"
jq -S 'del(.snapshot.current_size, .snapshot.as_of)' "$OUT" >"$T/se2.json"
jq -S 'del(.snapshot.current_size, .snapshot.as_of)' "$T/se1.json" >"$T/se1s.json"
check "... identical, snapshot included" cmp "$T/se1s.json" "$T/se2.json"
expect 0 "stats --csv" "$B" stats --year "$Y" --as se --csv --as-of "$N"
check "... a header" sh -c "head -1 '$OUT' | grep -qx 'year,metric,key,value'"
check "... the snapshot's size" grep -q "^$Y,snapshot.ledger_size,,$N\$" "$OUT"
check "... requests by kind" grep -q "^$Y,requests.by_kind,mla," "$OUT"
check "... deadlines met" grep -q "^$Y,deadlines.met,," "$OUT"
check "... every row has four fields" sh -c "awk -F, 'NF != 4 && !/\"/ {exit 1}' '$OUT'"

# A legal basis runs long and holds "/" and ",": each state of its deadlines is a row of its
# own, the article whole in the key, the state in the metric (never "<article>/met").
LB="Treaty between the Kingdom of Sweden and the Republic of Serbia on mutual legal assistance in criminal matters, art. 12/3, read with the European Convention on Mutual Assistance in Criminal Matters (1959), its Additional Protocol (1978) and its Second Additional Protocol (2001), ETS No. 182, and Directive 2014/41/EU where it applies"
for n in 1 2; do
	q add --as se --case 2026/0001 --kind mla --title "Long basis $n" --to RS --legal-basis "$LB" \
		--json >"$T/long.json" 2>&1
	L=$(jq .id "$T/long.json")
	q status "$L" sent --as se >/dev/null 2>&1
	expect 0 "a deadline set by hand under a ${#LB}-character basis ($n)" \
		q deadline "$L" --due "$TODAY" --as se
done
q status "$L" withdrawn --as se >/dev/null 2>&1
expect 0 "stats --json: one open, one cancelled under the long article" \
	"$B" stats --year "$Y" --as se --json
jqt "... counted under the article whole" \
	".deadlines.by_article[\"set by hand: $LB\"] == {\"open\": 1, \"cancelled\": 1}"
expect 0 "stats --csv with the long article" "$B" stats --year "$Y" --as se --csv
check "... its open row, whole and quoted" grep -qxF \
	"$Y,deadlines.by_article.open,\"set by hand: $LB\",1" "$OUT"
check "... its cancelled row, whole and quoted" grep -qxF \
	"$Y,deadlines.by_article.cancelled,\"set by hand: $LB\",1" "$OUT"
check "... requests by kind and status: the status in the metric" \
	grep -q "^$Y,requests.by_kind_and_status.withdrawn,mla,[1-9]" "$OUT"
check "... no key joins two levels with /" sh -c '! grep -q "^[0-9]*,[a-z_.]*,[a-z_]*/" "$0"' "$OUT"
expect 0 "stats as text" "$B" stats --year "$Y" --as se
check "... deadlines by article, the long one whole, its states beneath" sh -c \
	'grep -qxF "    set by hand: $1" "$0" && grep -A1 -xF "    set by hand: $1" "$0" |
	 grep -qx "      open 1, cancelled 1"' "$OUT" "$LB"
check "... requests by kind and status" sh -c \
	'grep -q "^  by kind and status:" "$0" && grep -A1 -x "    mla" "$0" | grep -q "executed [1-9]"' \
	"$OUT"
check "... meetings and action days" sh -c \
	'grep -q "^meetings held: [1-9][0-9]* (coordination meetings of cases: [1-9]" "$0" &&
	 grep -q "^action days held: [1-9][0-9]*; completed: [1-9][0-9]* arrests" "$0" &&
	 grep -q "^  actions by kind and status:" "$0"' "$OUT"
expect 1 "--as-of beyond the ledger is refused" "$B" stats --as se --as-of 99999999
expect 1 "--json and --csv together are refused" "$B" stats --as se --json --csv
expect 0 "stats --help" "$B" stats --help
check "... names meetings and action days" sh -c 'grep -q "meetings held" "$0" && grep -q "action days" "$0"' "$OUT"
expect 0 "requests --help" "$B" requests --help

finish
