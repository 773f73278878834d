#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of meetings and the interview register on the demo data: the first
# case's coordination meeting with follow-up actions linked to its requests; the Genocide
# Network plenary whose closed session only the invited organisations see (checked in the
# raw output); outcomes; bad input (unknown organisations, dates, an organisation not
# invited, a request of another case, an action for an organisation that could not see the
# meeting) refused with nothing changed; no new meeting or outcome in a closed case; the
# interview planned by DE that reports FR's earlier interview of the same witness with the
# organisation and the month only; statistics of coordination meetings; the help texts.
#
# Usage: CU_BIN=/path/to/custodia sh test_meetings.sh

NAME=cli-meetings
TOOLS="jq"
. "$(dirname "$0")/lib.sh"

D=$T/demo
expect 0 "demo --no-serve loads the scenario with its meetings" "$B" demo --data "$D" --no-serve
export CUSTODIA_DATA="$D"
m() { "$B" meetings "$@"; }
iv() { "$B" interviews "$@"; }
day() { date -u -d "$TODAY $1 days" +%Y-%m-%d; }

# ---- the first case's coordination meeting ---------------------------------------------

expect 0 "meetings list --case 2026/0001 as rs" m list --as rs --case 2026/0001 --json
jqt "... the coordination meeting of 25 March, with its outcome and three actions" \
	'length == 1 and .[0].kind == "coordination" and .[0].held_on == "2026-03-25"
	 and (.[0].outcome | test("14 April")) and (.[0].actions | length) == 3
	 and ([.[0].actions[].request_id | numbers] | length) == 3
	 and ([.[0].participants[].org] | sort) == ["INTERPOL", "ME", "RS", "SE"]'
CM=$(jq '.[0].id' "$OUT")
expect 0 "meetings show as interpol (an observer of the case)" m show "$CM" --as interpol
check "... lists the actions with their requests" has_out "request #"
expect 2 "meetings show as lt (not in the case): not found" m show "$CM" --as lt
check "... as if absent" has_err "no meeting $CM"
expect 0 "meetings list --limit 1 as se" m list --as se --limit 1 --json
jqt "... the latest one" 'length == 1'
FIRST=$(jq '.[0].id' "$OUT")
expect 0 "meetings list --before it: the rest" m list --as se --before "$FIRST" --json
jqt "... without it" "length >= 1 and all(.[]; .id != $FIRST)"
expect 1 "meetings list --limit 0 is refused" m list --as se --limit 0
expect 0 "meetings list as lt" m list --as lt --json
check "... has nothing of the case" lacks_out "2026/0001"
expect 2 "meetings add as interpol (observer of the case): refused" m add --as interpol \
	--kind coordination --case 2026/0001 --title "Observer meeting" --on 2026-05-01

expect 0 "se adds a second coordination meeting with an action on the extradition" \
	m add --as se --kind coordination --case 2026/0001 --title "Extradition follow-up" \
	--on "$(day -2)" --participant RS --agenda "Extradition decision" \
	--action "Decide on the extradition" --by RS --request 4 --due "$(day 5)" --json
jqt "... recorded with the request linked" '.actions[0].request_id == 4 and .actions[0].org == "RS"
	 and ([.participants[].org] | sort) == ["RS", "SE"]'
M2=$(jq .id "$OUT")
expect 0 "rs records the outcome" m outcome "$M2" --as rs --text "RS court to decide within 5 days" --json
jqt "... the outcome is kept" '.outcome == "RS court to decide within 5 days"'
expect 0 "the case timeline has the meeting's events" "$B" case show 2026/0001 --as se --json

# ---- bad input: refused, nothing changed -----------------------------------------------

N0=$(m list --as se --json | jq length)
expect 1 "an unknown organisation is refused" m add --as se --kind coordination \
	--case 2026/0001 --title X --on 2026-05-01 --participant XX
check "... naming it" has_err "XX"
expect 1 "an impossible date is refused" m add --as se --kind coordination \
	--case 2026/0001 --title X --on 2026-02-30
expect 1 "an organisation outside the case is refused" m add --as se --kind coordination \
	--case 2026/0001 --title X --on 2026-05-01 --participant LT
check "... saying so" has_err "does not take part in the case"
expect 1 "a closed session inviting an organisation not at the meeting is refused" \
	m add --as se --kind other --title X --on 2026-05-01 \
	--participant RS --closed-session "Prosecutors only=SE,ME"
check "... naming it" has_err "organisation ME is not invited to the meeting"
expect 1 "a closed session in a case's meeting is refused (its timeline is every reader's)" \
	m add --as se --kind coordination --case 2026/0001 --title X --on 2026-05-01 \
	--participant RS --closed-session "Prosecutors only=SE,RS"
check "... saying why" has_err "no closed sessions"
expect 1 "an action on a request of another case is refused" m add --as se --kind coordination \
	--case 2026/0001 --title X --on 2026-05-01 --action "x" --request 99999
expect 1 "an action for an organisation outside the case is refused" m add --as se \
	--kind coordination --case 2026/0001 --title X --on 2026-05-01 \
	--action "Check the accounts" --by LT
check "... saying it could not see the meeting" has_err \
	"organisation LT does not take part in the case, so it could not see the meeting"
expect 1 "... also when added with an outcome" m outcome "$M2" --as se --text "Later" \
	--action "Check the accounts" --by LT
expect 0 "... whose meeting is unchanged" m show "$M2" --as se --json
jqt "... its outcome and one action" '.outcome == "RS court to decide within 5 days"
	 and (.actions | length) == 1'
expect 0 "an action for the case's observer (it sees the meeting)" m outcome "$M2" --as se \
	--text "RS court to decide within 5 days" --action "Circulate the red notice" --by INTERPOL --json
jqt "... recorded" '.actions[1].org == "INTERPOL"'
expect 1 "an event's action for an organisation not at it is refused" m add --as ejn \
	--kind conference --title X --on 2026-06-03 --participant SE --action "Report" --by RS
check "... saying so" has_err "organisation RS is not at the meeting"
expect 1 "a plenary tied to a case is refused" m add --as se --kind plenary \
	--case 2026/0001 --title X --on 2026-05-01
expect 1 "an unknown kind is refused" m add --as se --kind picnic --title X --on 2026-05-01
expect 1 "--by without --action is a usage error" m add --as se --kind other --title X \
	--on 2026-05-01 --by RS
check "... nothing was added" sh -c "[ \"\$('$B' meetings list --as se --json | jq length)\" = $N0 ]"

# ---- a closed case holds no more meetings -----------------------------------------------

expect 0 "a case of SE with RS" "$B" case create --title "Closing" --crime-type drug_trafficking \
	--participant RS:participant --as se --json
K=$(jq -r .reference "$OUT")
expect 0 "... its coordination meeting" m add --as se --kind coordination --case "$K" \
	--title "Before closing" --on "$(day -1)" --participant RS --json
KM=$(jq .id "$OUT")
expect 0 "the case is closed" "$B" case close "$K" --as se
expect 2 "a new meeting in the closed case is refused" m add --as se --kind coordination \
	--case "$K" --title "After closing" --on "$TODAY" --participant RS
check "... saying why" has_err "case $K is closed: no new coordination meetings"
expect 2 "so is an outcome of its meeting" m outcome "$KM" --as rs --text "Late"
check "... saying why" has_err "case $K is closed: no new meeting outcomes or actions"
expect 0 "meetings list --case $K" m list --as se --case "$K" --json
jqt "... the one meeting, without an outcome" 'length == 1 and .[0].outcome == null'

# ---- the Genocide Network plenary and its closed session -------------------------------

expect 0 "meetings list --kind plenary as genocide" m list --as genocide --kind plenary --json
PL=$(jq '.[0].id' "$OUT")
jqt "... the plenary, organised by the network" '.[0].organiser == "GENOCIDE"'
expect 0 "meetings show as fr (invited to the closed session)" m show "$PL" --as fr --json
jqt "... both sessions, the closed one with its invited organisations" \
	'(.sessions | length) == 2 and ([.sessions[] | select(.closed)][0].participants
	 | map(.org) | index("UNITAD") != null and index("ICC") == null)'
CS=$(jq '[.sessions[] | select(.closed)][0].id' "$OUT")
expect 0 "meetings show as icc (at the plenary, not invited)" m show "$PL" --as icc --json
check "... no closed session in the raw answer" lacks_out "Closed session"
check "... nor its agenda" lacks_out "Yezidis"
jqt "... the open session only" '(.sessions | length) == 1 and (.sessions[0].closed | not)'
expect 2 "meetings show as rs (not at the plenary): not found" m show "$PL" --as rs
expect 0 "meetings list as rs" m list --as rs --kind plenary --json
jqt "... empty" 'length == 0'
expect 2 "icc may not record the closed session's outcome (not invited)" \
	m outcome "$PL" --as icc --session "$CS" --text "Leak"
check "... as if absent" has_err "no session $CS"
expect 0 "unitad (invited) records it" m outcome "$PL" --as unitad --session "$CS" \
	--text "Evidence sharing on two suspects agreed"
expect 0 "icc still sees nothing of it" m show "$PL" --as icc --json
check "... not the outcome" lacks_out "two suspects"
expect 2 "fr may not record the plenary's outcome (the organiser's)" m outcome "$PL" --as fr \
	--text "x"
expect 0 "a network event with a closed session from the command line" m add --as ejn \
	--kind conference --title "EJN regional meeting" --on 2026-06-03 --participant SE \
	--participant FR --participant ICC --session "Opening" --closed-session "Contact points=SE,FR" --json
jqt "... the organiser, not invited to its closed session, sees the open one only" \
	'(.sessions | length) == 1'
EV=$(jq .id "$OUT")
expect 0 "shown to fr (invited)" m show "$EV" --as fr --json
jqt "... both sessions" '(.sessions | length) == 2'
expect 0 "shown to icc" m show "$EV" --as icc --json
jqt "... without the closed session" '(.sessions | length) == 1 and .sessions[0].title == "Opening"'

# ---- the interview register ------------------------------------------------------------

expect 0 "interviews list as de" iv list --as de --json
jqt "... DE's planned interview of the victim" 'length == 1 and .[0].status == "planned"'
PI=$(jq '.[0].id' "$OUT")
expect 0 "interviews show as de" iv show "$PI" --as de --json
jqt "... reports FR's earlier interview: organisation and month only" \
	'.earlier_interviews == [{"visible": false, "org": "FR", "month": "2024-02", "via": "hit"}]'
check "... not the Yezidi case's reference" lacks_out "2024/0001"
check "... not the day" lacks_out "2024-02-20"
check "... not the other spelling of the name" lacks_out "Khidir"
check "... not the record" lacks_out "T-12"
expect 0 "the same as text" iv show "$PI" --as de
check "... says the case cannot be seen" has_out "in a case you cannot see"
expect 0 "interviews list as fr" iv list --as fr --json
jqt "... FR's interview only, with its record" 'length == 1 and .[0].status == "held"
	 and (.[0].record_title | test("T-12")) and .[0].org == "FR"'
W=$(jq '.[0].entity_id' "$OUT")
check "... nothing of DE's case" lacks_out "2025/0002"
expect 2 "interviews show $PI as fr: not found" iv show "$PI" --as fr
expect 0 "be plans another interview of the witness in the Yezidi case" iv add --as be \
	--case 2024/0001 --entity "$W" --role witness --status planned --on "$(day 10)" --json
jqt "... the earlier one in full (BE sees the case)" \
	'.earlier_interviews[0].visible and .earlier_interviews[0].on == "2024-02-20"
	 and .earlier_interviews[0].via == "same_entity"'
expect 1 "a held interview in the future is refused" iv add --as be --case 2024/0001 \
	--entity "$W" --role witness --on "$(day 3)"
check "... suggesting to plan it" has_err "status planned"
expect 1 "an interview planned in the past is refused" iv add --as be --case 2024/0001 \
	--entity "$W" --role witness --status planned --on "$(day -1)"
check "... saying so, pointing to held" has_err "planned for $(day -1) is in the past"
check "... record it as held" has_err "status held"
expect 0 "one planned for today is taken" iv add --as be --case 2024/0001 \
	--entity "$W" --role witness --status planned --on "$TODAY" --json
jqt "... planned" '.status == "planned" and .on == "'"$TODAY"'"'
expect 0 "one held yesterday is recorded as held" iv add --as be --case 2024/0001 \
	--entity "$W" --role witness --on "$(day -1)" --json
jqt "... held" '.status == "held"'
expect 1 "a role other than victim or witness is refused" iv add --as be --case 2024/0001 \
	--entity "$W" --role suspect --on 2024-05-01
expect 1 "an entity of another case is refused" iv add --as se --case 2026/0001 \
	--entity "$W" --role witness --on 2024-05-01
expect 2 "de may not register an interview in a case it cannot see" iv add --as de \
	--case 2024/0001 --entity "$W" --role witness --on 2024-05-01
expect 1 "an impossible date is refused" iv add --as be --case 2024/0001 --entity "$W" \
	--role witness --on 2024-13-01

# ---- statistics, help --------------------------------------------------------------------

expect 0 "stats --year 2026 as se" "$B" stats --year 2026 --as se --json
jqt "... coordination meetings counted" '.meetings.coordination >= 1'
expect 0 "stats --year 2026 as lt" "$B" stats --year 2026 --as lt --json
jqt "... none it cannot see" '.meetings.coordination == 0'
expect 0 "stats --csv as admin" "$B" stats --year 2026 --as admin --csv
check "... a meetings row" grep -q "^2026,meetings.coordination,," "$OUT"
expect 0 "meetings --help" m --help
expect 0 "interviews --help" iv --help
expect 1 "meetings without a subcommand" m

finish
