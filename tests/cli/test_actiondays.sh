#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of action days on the demo data: the first case's completed day and
# today's planned one; a new plan with its time zones (unknown ones and path tricks
# refused); actions (a country without a time zone, an organisation outside the case
# refused); status updates from the executing organisation only; evidence linked to an
# action; need-to-know; 'watch' following updates written by another process.
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
expect 0 "add a day with two time zones" q add --case 2026/0001 --title "Third day" \
	--day 2026-12-01 --tz RS=Europe/Belgrade --tz SE=Europe/Stockholm --as se --json
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
expect 0 "actiondays --help" q --help

# ---- statistics: action days and what they achieved ------------------------------
Y=$(date -u +%Y)
expect 0 "stats --year $Y as se" "$B" stats --year "$Y" --as se --json
jqt "... the days held this year, the completed arrest and searches" \
	'.action_days.days >= 1 and .action_days.arrests >= 1 and .action_days.house_searches >= 1
	 and .action_days.actions.arrest.completed >= 1'
expect 0 "stats as lt, who sees none of these cases" "$B" stats --year "$Y" --as lt --json
jqt "... no action days" '.action_days.days == 0 and .action_days.actions == {}'
expect 0 "stats --csv" "$B" stats --year "$Y" --as se --csv
check "... has the action days' rows" has_out '^[0-9]*,action_days.arrests,,[1-9]'

finish
