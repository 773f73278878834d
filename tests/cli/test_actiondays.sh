#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of action days on the demo data: the first case's completed day and
# today's planned one; a new plan with its time zones (unknown ones and path tricks
# refused); actions (a country without a time zone, an organisation outside the case
# refused, a country's zone given twice too); status updates from the executing organisation
# only, outcomes not before the day has begun, corrections with their reason; evidence linked
# to an action; need-to-know; 'watch' following updates written by another process; no new
# day, action or update in a closed case; local times skipped or repeated by a change of
# offset; statistics counting the seizures of house searches (text, JSON, CSV).
#
# Usage: CU_BIN=/path/to/custodia sh test_actiondays.sh

NAME=cli-actiondays
TOOLS="jq"
. "$(dirname "$0")/lib.sh"

D=$T/demo
expect 0 "demo --no-serve loads the scenario with its action days" "$B" demo --data "$D" --no-serve
export CUSTODIA_DATA="$D"
q() { "$B" actiondays "$@"; }

# ---- the demo's days ---------------------------------------------------------------

expect 0 "actiondays list as se" q list --as se --json
jqt "... the completed day of 14 April and one planned for today" \
	"length == 2 and (map(.day) | sort) == [\"2026-04-14\", \"$TODAY\"]"
expect 0 "actiondays show 1 as rs" q show 1 --as rs --json
jqt "... the arrest and both house searches completed, with their results" \
	'(.actions | map(select(.kind == "arrest"))[0] | .status == "completed" and .result == "arrested"
	  and .org == "RS" and .entity == "Marko Djordjevic")
	 and (.actions | map(select(.kind == "house_search")) | map(.org) | sort) == ["ME", "RS"]
	 and (.actions | all(.status == "completed")) and .timezones.RS == "Europe/Belgrade"'
expect 0 "watch --once: the day's updates in order" q watch 1 --once --as se --json
check "... seven updates numbered 1 to 7" sh -c "jq -s 'map(.seq) == [1,2,3,4,5,6,7]' '$OUT' | grep -qx true"
check "... the seizure linked to the report as evidence" \
	sh -c "jq -s 'map(select(.evidence_id != null)) | length == 1' '$OUT' | grep -qx true"
# The demo's day of 14 April 2026: RS's house search seized phones, laptops and documents,
# its seizure report linked as evidence: a seizure, counted in every form of the statistics.
expect 0 "stats --year 2026 as se, the demo as loaded" "$B" stats --year 2026 --as se --json
jqt "... RS's search that seized counts as a seizure, its report as an item" \
	'.action_days.house_searches == 2 and .action_days.seizures == 1
	 and .action_days.evidence_items == 1 and .action_days.corrections == 0'
expect 0 "... as CSV" "$B" stats --year 2026 --as se --csv
check "... the seizure's row" has_out '^2026,action_days.seizures,,1$'
check "... the linked item's row" has_out '^2026,action_days.evidence_items,,1$'
expect 0 "... as text" "$B" stats --year 2026 --as se
check "... the seizure and the item" sh -c \
	'grep -q "completed: 1 arrests, 2 house searches, 1 seizures" "$0" &&
	 grep -q "evidence items linked by completed actions: 1; outcomes corrected: 0" "$0"' "$OUT"
expect 2 "show 1 as lt (not in the case): not found" q show 1 --as lt
check "... refused as not found" has_err "no action day 1"
expect 0 "list as lt: nothing" q list --as lt --json
jqt "... empty" 'length == 0'

# ---- a new plan --------------------------------------------------------------------

expect 1 "an unknown time zone is refused" q add --case 2026/0001 --title X --day 2026-12-01 \
	--tz RS=Europe/Atlantis --as se
check "... naming it" has_err "\"Europe/Atlantis\" (for RS) is not a known IANA time zone"
expect 1 "a path out of zoneinfo is refused" q add --case 2026/0001 --title X --day 2026-12-01 \
	--tz RS=../../../etc/passwd --as se
expect 1 "--tz without a zone is a usage error" q add --case 2026/0001 --title X \
	--day 2026-12-01 --tz RS --as se
expect 1 "a country's time zone given twice is refused" q add --case 2026/0001 --title X \
	--day 2026-12-01 --tz RS=Europe/Belgrade --tz RS=Europe/Lisbon --as se
check "... naming the country, nothing recorded" sh -c \
	'grep -q -- "--tz RS is given twice" "$0" && ! grep -q "Europe/Lisbon" "$0"' "$ERR"
expect 1 "--tz with an overlong country is a usage error" q add --case 2026/0001 --title X \
	--day 2026-12-01 --tz RSRSRSRSRS=Europe/Belgrade --as se
# Begun in every zone of the plan: its outcomes may be posted.
YESTERDAY=$(date -u -d "$TODAY -1 day" +%Y-%m-%d)
expect 0 "add a day with two time zones" q add --case 2026/0001 --title "Third day" \
	--day "$YESTERDAY" --tz RS=Europe/Belgrade --tz SE=Europe/Stockholm --as se --json
ID=$(jq -r .id "$OUT")
expect 1 "an action in a country without a time zone is refused" q action "$ID" --kind arrest \
	--country ME --org ME --at 06:00 --as se
check "... saying so" has_err "the plan has no time zone for ME"
expect 1 "an organisation outside the case is refused" q action "$ID" --kind arrest \
	--country RS --org LT --at 06:00 --as se
expect 1 "an unknown kind is refused" q action "$ID" --kind raid --country RS --org RS \
	--at 06:00 --as se
expect 1 "a bad time is refused" q action "$ID" --kind arrest --country RS --org RS \
	--at 25:00 --as se
expect 0 "add an RS seizure" q action "$ID" --kind seizure --country RS --org RS --at 06:00 \
	--place Belgrade --as se --json
A=$(jq -r '.actions[0].id' "$OUT")
expect 2 "an update from SE on RS's action is refused" q update "$A" started --as se
check "... naming who may post" has_err "only RS may post its updates, not SE"
expect 0 "RS starts it" q update "$A" started --as rs --json
jqt "... update 1" '.seq == 1 and .status == "started" and .org == "RS"'
expect 0 "add an action SE executes" q action "$ID" --kind hearing --country RS --org SE --at 09:00 --as se --json
SA=$(jq -r '.actions | map(select(.org == "SE"))[0].id' "$OUT")
expect 2 "an observer of SE reports nothing on it" q update "$SA" started --as se-observer
check "... refused for its role" has_err "role observer may not contribute"
expect 0 "the operator's administrator lists action days" q list --as admin --json
jqt "... none of a case HUB does not take part in" 'length == 0'

# One timeline across time zones: each action's local time as an instant in UTC, the
# actions in that order. 2026-03-29 is the night Europe moves to summer time (Belgrade
# 02:00 -> 03:00, Lisbon 01:00 -> 02:00); New York is on summer time since 8 March.
expect 0 "add a day in three time zones" q add --case 2026/0001 --title "Three zones" \
	--day 2026-03-29 --tz RS=Europe/Belgrade --tz PT=Europe/Lisbon --tz US=America/New_York \
	--as se --json
Z=$(jq -r .id "$OUT")
for a in PT@06:00 RS@06:00 US@00:30 US@21:30 RS@02:30; do
	expect 0 "plan an action in ${a%@*} at ${a#*@}" q action "$Z" --kind seizure \
		--country "${a%@*}" --org SE --at "${a#*@}" --as se
done
expect 0 "show it" q show "$Z" --as se --json
jqt "... each action at its instant, in their order" \
	'[.actions[] | [.country, .planned_time, .planned_at]] == [
	  ["RS", "02:30", "2026-03-29T01:30:00Z"], ["RS", "06:00", "2026-03-29T04:00:00Z"],
	  ["US", "00:30", "2026-03-29T04:30:00Z"], ["PT", "06:00", "2026-03-29T05:00:00Z"],
	  ["US", "21:30", "2026-03-30T01:30:00Z"]]'
expect 0 "show it as text" q show "$Z" --as se
check "... with the UTC time beside the local one, dated when it is another day" sh -c \
	'grep -q "00:30 US  04:30 UTC " "$0" && grep -q "21:30 US  2026-03-30 01:30 UTC  seizure" "$0"' \
	"$OUT"
# 2026-10-25 Europe moves back to winter time (Stockholm 03:00 CEST -> 02:00 CET): 02:00 to
# 02:59 happen twice. A planned 02:30 is its first occurrence, in summer time, as a skipped
# time is read with the offset before the change: the 02:30 the teams' clocks reach first.
expect 0 "add a day on the night clocks go back" q add --case 2026/0001 --title "Autumn" \
	--day 2026-10-25 --tz SE=Europe/Stockholm --tz PT=Europe/Lisbon --as se --json
AU=$(jq -r .id "$OUT")
for a in SE@03:30 SE@02:30 SE@01:30 PT@01:30; do
	expect 0 "plan an action in ${a%@*} at ${a#*@}" q action "$AU" --kind arrest \
		--country "${a%@*}" --org SE --at "${a#*@}" --as se
done
expect 0 "show it" q show "$AU" --as se --json
jqt "... 02:30 in Stockholm is its first occurrence (00:30 UTC), not the second (01:30 UTC)" \
	'[.actions[] | [.country, .planned_time, .planned_at]] == [
	  ["SE", "01:30", "2026-10-24T23:30:00Z"], ["SE", "02:30", "2026-10-25T00:30:00Z"],
	  ["PT", "01:30", "2026-10-25T00:30:00Z"], ["SE", "03:30", "2026-10-25T02:30:00Z"]]'

# A sequence number or an id past 64 bits, or with a sign, is a usage error, not the largest one.
expect 1 "--after past 64 bits is refused" q watch "$ID" --after 99999999999999999999 --once --as se
expect 1 "--after with a sign is refused" q watch "$ID" --after +1 --once --as se
expect 1 "an action id past 64 bits is refused" q update 99999999999999999999 started --as rs

# watch in the background while another process posts: it sees the update.
"$B" actiondays watch "$ID" --after 1 --as se --json >"$T/watch.out" 2>&1 &
W=$!
sleep 0.3
expect 0 "RS completes it, with a result" q update "$A" completed --result "3 phones seized" --as rs
n=0
while [ $n -lt 50 ] && ! grep -q "3 phones seized" "$T/watch.out"; do sleep 0.1; n=$((n + 1)); done
kill "$W" 2>/dev/null
wait "$W" 2>/dev/null
check "watch saw the update written by another process" grep -q '"seq":2.*3 phones seized' "$T/watch.out"
expect 2 "a completed action cannot start again" q update "$A" started --as rs
expect 0 "show: the latest status" q show "$ID" --as se --json
jqt "... completed, 3 phones seized, two updates" \
	'.actions[0].status == "completed" and .actions[0].result == "3 phones seized" and .last_seq == 2'

# A correction of an outcome says why; the reason is recorded with it.
expect 1 "completed -> failed without a reason is refused" q update "$A" failed --as rs
check "... asking for one" has_err "changing it to failed is a correction; give its reason"
expect 0 "completed -> failed with --correction" q update "$A" failed \
	--correction "the phones were the neighbour's" --as rs --json
jqt "... recorded with the outcome it replaces" '.seq == 3 and .status == "failed"
	and .result == "correction: the phones were the neighbour'"'"'s"
	and .correction.reason == "the phones were the neighbour'"'"'s"
	and .correction.replaces == {"status": "completed", "result": "3 phones seized"}'
expect 1 "--correction on an update that changes no outcome is refused" q update "$A" failed \
	--correction "again" --as rs
expect 0 "the case's timeline keeps the correction" "$B" case events 2026/0001 --as se --json
jqt "... its event, before and after" 'map(select(.action == "action.update"
	and .after.correction.reason != null)) | length == 1'

# An outcome is taken once the day has begun in the action's country; "started" before.
expect 0 "a day planned for 2099" q add --case 2026/0001 --title "Later" --day 2099-06-01 \
	--tz RS=Europe/Belgrade --as se --json
F=$(jq -r .id "$OUT")
expect 0 "... with an RS arrest" q action "$F" --kind arrest --country RS --org RS --at 06:00 \
	--as se --json
FA=$(jq -r '.actions[0].id' "$OUT")
expect 0 "RS may report it started" q update "$FA" started --as rs
expect 2 "RS may not report it completed before the day" q update "$FA" completed \
	--result arrested --as rs
check "... saying from when" has_err "takes place on 2099-06-01: its outcome can be posted once that day has begun in RS (2099-05-31T22:00:00Z)"
expect 2 "nor failed" q update "$FA" failed --as rs
expect 0 "show: still started" q show "$F" --as se --json
jqt "... one update" '.actions[0].status == "started" and .last_seq == 1'

# A closed case plans nothing more and takes no more updates.
expect 0 "a case of SE with RS" "$B" case create --title "Closing" --crime-type drug_trafficking \
	--participant RS:participant --as se --json
K=$(jq -r .reference "$OUT")
expect 0 "... its day" q add --case "$K" --title "Closing day" --day "$YESTERDAY" \
	--tz RS=Europe/Belgrade --as se --json
KD=$(jq -r .id "$OUT")
expect 0 "... an action" q action "$KD" --kind seizure --country RS --org RS --at 06:00 --as se --json
KA=$(jq -r '.actions[0].id' "$OUT")
expect 0 "the case is closed" "$B" case close "$K" --as se
expect 2 "a new day in the closed case is refused" q add --case "$K" --title "After" \
	--day "$TODAY" --tz RS=Europe/Belgrade --as se
check "... saying why" has_err "case $K is closed: no new action days"
expect 2 "a new action is refused" q action "$KD" --kind arrest --country RS --org RS \
	--at 07:00 --as se
check "... saying why" has_err "case $K is closed: no new actions"
expect 2 "an update is refused" q update "$KA" completed --as rs
check "... saying why" has_err "case $K is closed: no new action updates"
expect 0 "the day is unchanged" q show "$KD" --as se --json
jqt "... one action, planned, no update" '(.actions | length) == 1 and .actions[0].status == "planned"
	and .last_seq == 0'

expect 0 "actiondays --help" q --help
check "... says when outcomes are taken and how to correct one" sh -c \
	'grep -q "once the" "$0" && grep -q -- "--correction REASON" "$0"' "$OUT"

# ---- statistics: action days and what they achieved ------------------------------
Y=$(date -u +%Y)
expect 0 "stats --year $Y as se" "$B" stats --year "$Y" --as se --json
jqt "... the days held this year, the completed arrest and searches" \
	'.action_days.days >= 1 and .action_days.arrests >= 1 and .action_days.house_searches >= 1
	 and .action_days.actions.arrest.completed >= 1'
# A house search that seizes links what it seized; further results need not link again.
YY=${YESTERDAY%%-*}
"$B" stats --year "$YY" --as se --json >"$T/ad0.json"
REPORT=$(q watch 1 --once --as se --json | jq -s 'map(select(.evidence_id != null))[0].evidence_id')
hs() { q action "$ID" --kind house_search --country RS --org RS --at "$1" --as se --json |
	jq '[.actions[] | select(.kind == "house_search") | .id] | max'; }
H1=$(hs 07:00)
expect 0 "RS completes a search, linking the seizure report" q update "$H1" completed \
	--result "2 phones seized" --evidence "$REPORT" --as rs
expect 0 "... and adds a result without a link" q update "$H1" completed \
	--result "1 more phone seized" --as rs
H2=$(hs 08:00)
expect 0 "RS completes a search that seized nothing" q update "$H2" completed --result "nothing found" --as rs
expect 0 "stats --year $YY as se" "$B" stats --year "$YY" --as se --json
jq -n --slurpfile a "$T/ad0.json" --slurpfile b "$OUT" \
	'[$b[0].action_days.house_searches - $a[0].action_days.house_searches,
	  $b[0].action_days.seizures - $a[0].action_days.seizures,
	  $b[0].action_days.evidence_items - $a[0].action_days.evidence_items,
	  $b[0].action_days.corrections]' >"$T/ad.diff"
check "... two more searches, one more seizure (the one that linked), the same item, a correction" \
	sh -c 'jq -c . "$0" | grep -qx "\[2,1,0,1\]"' "$T/ad.diff"
expect 0 "stats as lt, who sees none of these cases" "$B" stats --year "$Y" --as lt --json
jqt "... no action days" '.action_days.days == 0 and .action_days.actions == {}'
expect 0 "stats --csv" "$B" stats --year "$Y" --as se --csv
check "... has the action days' rows" has_out '^[0-9]*,action_days.arrests,,[1-9]'

finish
