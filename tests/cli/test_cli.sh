#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of the custodia command line: help and exit codes, init, data directory and
# acting-user selection, and the demo scenario driven through case, jit, user, token and org.
#
# Usage: CU_BIN=/path/to/custodia sh test_cli.sh
# Prints one line per check and ends with "N passed, M failed"; exits 1 if any check failed.
# Needs jq. Everything happens in a temporary directory removed on exit.

NAME=cli
TOOLS="jq curl python3"
. "$(dirname "$0")/lib.sh"

# run [NAME=VALUE ...] COMMAND ARGS...: as lib.sh's, with variables set for the command.
run() {
	env "$@" >"$OUT" 2>"$ERR" </dev/null
	rc=$?
}

# ---- help, unknown commands and options ----------------------------------

expect 0 "custodia --help exits 0" "$B" --help
check "custodia --help prints usage and every command" \
	sh -c 'grep -q "^usage: custodia COMMAND" "$1" && for c in init serve demo user token org case jit; do grep -q "^  $c " "$1" || exit 1; done' sh "$OUT"
expect 0 "custodia -h exits 0" "$B" -h
expect 0 "custodia help exits 0" "$B" help
expect 0 "custodia --version exits 0" "$B" --version
check "--version names the program" has_out '^custodia [0-9]'
expect 1 "custodia without a command exits 1" "$B"
check "... and prints usage on stderr" has_err '^usage: custodia'
for c in init serve demo user token org case jit; do
	expect 0 "custodia $c --help exits 0" "$B" "$c" --help
	check "custodia $c --help prints its usage" has_out "^usage: custodia $c"
	check "custodia $c --help lists the common options" has_out '--data DIR'
done
for c in user token org case jit; do
	expect 0 "custodia $c list --help exits 0" "$B" "$c" list --help
	check "custodia $c list --help prints usage on stdout" has_out "usage: custodia $c"
	expect 1 "custodia $c without a subcommand exits 1" "$B" "$c"
	expect 1 "custodia $c with an unknown subcommand exits 1" "$B" "$c" frobnicate
	expect 1 "custodia $c list --bogus exits 1" "$B" "$c" list --bogus
done
for c in init serve demo; do
	expect 1 "custodia $c --bogus exits 1" "$B" "$c" --bogus
done
expect 1 "unknown command exits 1" "$B" frobnicate
check "... naming it" has_err 'unknown command "frobnicate"'
expect 1 "unknown option as a command exits 1" "$B" --bogus
expect 1 "an option without its argument exits 1" "$B" init --admin
expect 1 "an unexpected operand exits 1" "$B" case list extra

# ---- init ------------------------------------------------------------------

I1=$T/i1
expect 0 "init creates a data directory" "$B" init --data "$I1"
check "init: data directory is 0700" mode_is "$I1" 700
check "init: node.key is 0600" mode_is "$I1/node.key" 600
check "init: $DBFILE is 0600" mode_is "$I1/$DBFILE" 600
check "init: node.pub exists" test -s "$I1/node.pub"
check "init: names the administrator" has_out '^administrator: admin (organisation HUB)'
pw=$(sed -n 's/^password: //p' "$OUT")
check "init: prints a generated password" test "${#pw}" -ge 12
check "init: prints the password exactly once" test "$(grep -c -F -e "$pw" "$OUT")" = 1
cp "$OUT" "$T/init.out"
expect 2 "init again on the same directory exits 2" "$B" init --data "$I1"
check "... saying it is already initialised" has_err 'already initialised'
check "... and prints no password" test ! -s "$OUT"

expect 0 "init with a permissive umask" sh -c 'umask 0; exec "$0" "$@"' "$B" init --data "$T/i0"
check "umask 0: data directory is still 0700" mode_is "$T/i0" 700
check "umask 0: node.key is still 0600" mode_is "$T/i0/node.key" 600
check "umask 0: $DBFILE is still 0600" mode_is "$T/i0/$DBFILE" 600

expect 0 "init --json" "$B" init --data "$T/i2" --json
jqt "init --json: data, admin and the generated password" \
	'.data and .admin == "admin" and (.password | type == "string" and length >= 12)'

printf 'correct-horse-1\n' >"$T/pw"
expect 0 "init --password-file with --admin" "$B" init --data "$T/i3" --admin boss \
	--password-file "$T/pw" --json
jqt "init --password-file: the administrator is boss" '.admin == "boss"'
jqt "init --password-file: no password is shown" '.password == null'
check "init --password-file: the password is not echoed" lacks_out correct-horse-1

expect 0 "init with CUSTODIA_PASSWORD" CUSTODIA_PASSWORD=env-pass-1 "$B" init --data "$T/i4"
check "init with CUSTODIA_PASSWORD prints no password" sh -c '! grep -q "^password:" "$1"' sh "$OUT"

expect 1 "init with an invalid administrator name exits 1" "$B" init --data "$T/i5" --admin "Bad Name"
check "... and creates no data directory" test ! -e "$T/i5"
: >"$T/empty"
expect 1 "init with an empty password file exits 1" "$B" init --data "$T/i5" --password-file "$T/empty"
expect 1 "init with a missing password file exits 1" "$B" init --data "$T/i5" --password-file "$T/nope"
printf 'abc\n' >"$T/short"
expect 1 "init with a 3-byte password exits 1" "$B" init --data "$T/i6" --password-file "$T/short"
check "... saying why" has_err 'at least 8 characters'
printf 'Ђорђе-1\n' >"$T/short7"
expect 1 "init with a 7-character password exits 1" "$B" init --data "$T/i6" --password-file "$T/short7"
printf 'Ђорђе-12\n' >"$T/ok8"
expect 0 "... 8 characters (in Cyrillic, more than 8 bytes) will do" "$B" init --data "$T/i8" \
	--password-file "$T/ok8"
expect 0 "a refused init leaves a directory that demo can still use" "$B" demo --data "$T/i6" --no-serve
expect 1 "init --password (no such option) exits 1" "$B" init --data "$T/i7" --password Sup3r-S3cret-init
check "... and never echoes the would-be password" lacks_err Sup3r-S3cret-init

# ---- data directory and acting user ---------------------------------------

expect 0 "CUSTODIA_DATA selects the data directory" CUSTODIA_DATA="$I1" "$B" user list --json
jqt "... listing the init administrator" 'any(.[]; .username == "admin" and .org == "HUB")'
expect 0 "--data overrides CUSTODIA_DATA" CUSTODIA_DATA="$T/nowhere" "$B" user list --data "$I1"
expect 2 "an uninitialised data directory exits 2" "$B" user list --data "$T/nowhere"
check "... suggesting custodia init" has_err 'custodia init'
check "... without creating it" test ! -e "$T/nowhere"
mkdir "$T/cwd"
expect 0 "init without --data uses ./custodia-data" sh -c 'cd "$1" && shift && exec "$@"' sh \
	"$T/cwd" "$B" init
check "... which is created 0700" mode_is "$T/cwd/custodia-data" 700
expect 0 "commands without --data use ./custodia-data" sh -c 'cd "$1" && shift && exec "$@"' sh \
	"$T/cwd" "$B" user list
expect 0 "the default user is the init administrator" "$B" token create --data "$T/i3" --json
jqt "... boss, made by init --admin boss" '.user == "boss"'
expect 2 "--as an unknown user exits 2" "$B" user list --data "$I1" --as nobody
check "... naming the user" has_err 'no user "nobody"'

# ---- the demo scenario --------------------------------------------------------

D=$T/demo
expect 0 "demo --no-serve loads the scenario" "$B" demo --data "$D" --no-serve
check "demo prints the demo logins" has_out 'logins (password "demo")'
check "demo: data directory is 0700" mode_is "$D" 700
check "demo: $DBFILE is 0600" mode_is "$D/$DBFILE" 600
check "demo: node.key is 0600" mode_is "$D/node.key" 600
expect 0 "demo --no-serve again (loads once)" "$B" demo --data "$D" --no-serve
expect 1 "demo refuses a non-loopback address" "$B" demo --data "$D" --no-serve --listen 0.0.0.0:8080
check "... saying loopback" has_err 'loopback'
export CUSTODIA_DATA="$D"

expect 0 "--as selects the user" "$B" token create --as se --json
jqt "... the token belongs to se" '.user == "se"'
expect 0 "CUSTODIA_USER selects the user" CUSTODIA_USER=rs "$B" token create --json
jqt "... the token belongs to rs" '.user == "rs"'
expect 0 "--as overrides CUSTODIA_USER" CUSTODIA_USER=rs "$B" token create --as me --json
jqt "... the token belongs to me" '.user == "me"'
expect 0 "demo: the default user is the operator administrator" "$B" token create --json
jqt "... admin" '.user == "admin"'

# ---- case list and show ----------------------------------------------------------

expect 0 "case list --as se" "$B" case list --as se
check "... shows 2026/0001 (SE's own case)" has_out '^2026/0001 '
check "... shows 2024/0001 (SE participates)" has_out '^2024/0001 '
check "... does not show 2022/0001 (SE not involved)" lacks_out '2022/0001'
expect 0 "case list --as se --json" "$B" case list --as se --json
jqt "... is an object with items, count and next" '(.items | type == "array") and .count == 2 and .next == null'
jqt "... items are 2024/0001 and 2026/0001" '[.items[].reference] | sort == ["2024/0001", "2026/0001"]'
expect 0 "case list --as fr" "$B" case list --as fr --json
jqt "... FR sees its own case, not SE's" '[.items[].reference] == ["2024/0001"]'
expect 0 "case list --crime-type terrorism --as se" "$B" case list --as se --crime-type terrorism --json
jqt "... filters to 2024/0001" '[.items[].reference] == ["2024/0001"]'
expect 0 "case list --limit 1 --as se" "$B" case list --as se --limit 1 --json
jqt "... one item and a next cursor" '(.items | length) == 1 and (.next | type == "number")'
expect 1 "case list --limit 501 exits 1" "$B" case list --as se --limit 501
expect 1 "case list --status bogus exits 1" "$B" case list --as se --status bogus
expect 1 "case list --country EL exits 1" "$B" case list --as se --country EL
check "... explaining GR" has_err 'uses GR'

expect 0 "case show 2026/0001 --as rs (participant)" "$B" case show 2026/0001 --as rs
check "... prints reference and title" has_out '^2026/0001  Coordinated arrest of a Swedish high-value target'
check "... lists RS with its national number" has_out 'RS .*participant KTO-112/26'
expect 2 "case show 2026/0001 --as fr exits 2 (not found)" "$B" case show 2026/0001 --as fr
check "... as if it did not exist" has_err 'no case "2026/0001"'
expect 2 "case show 1 --as fr exits 2" "$B" case show 1 --as fr
expect 2 "case show 9999/0001 exits 2" "$B" case show 9999/0001 --as se
expect 0 "case show by national number AM-48213-26 --as se" "$B" case show AM-48213-26 --as se --json
jqt "... is 2026/0001" '.reference == "2026/0001"'
expect 0 "case show by national number KTO-112/26 --as rs" "$B" case show KTO-112/26 --as rs --json
jqt "... is 2026/0001" '.reference == "2026/0001"'
expect 0 "case show by another participant's number Ktr-87/26 --as rs" "$B" case show Ktr-87/26 --as rs --json
jqt "... is 2026/0001" '.reference == "2026/0001"'
expect 2 "case show AM-48213-26 --as fr exits 2" "$B" case show AM-48213-26 --as fr
expect 0 "case show by a numeric national number 12022000000000187 --as lt" \
	"$B" case show 12022000000000187 --as lt --json
jqt "... is 2022/0001" '.reference == "2022/0001"'
expect 0 "case show 2026/0001 --json --as se" "$B" case show 2026/0001 --as se --json
jqt "case JSON: id, reference, title, status" \
	'(.id | type == "number") and .reference == "2026/0001" and .status == "open" and
	 .title == "Coordinated arrest of a Swedish high-value target"'
jqt "case JSON: requesting org, dates" \
	'.requesting_org == "SE" and .opened_on == "2026-03-02" and .closed_on == null and
	 (.retention_review_on | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))'
jqt "case JSON: crime types" '.crime_types == ["drug_trafficking", "firearms_trafficking"]'
jqt "case JSON: participants with access and national numbers" \
	'([.participants[] | {org, access, national_ref}] | sort_by(.org)) == [
	  {"org": "INTERPOL", "access": "observer", "national_ref": null},
	  {"org": "ME", "access": "participant", "national_ref": "Ktr-87/26"},
	  {"org": "RS", "access": "participant", "national_ref": "KTO-112/26"},
	  {"org": "SE", "access": "owner", "national_ref": "AM-48213-26"}]'
jqt "case JSON: jits is an array" '.jits | type == "array"'
expect 1 "case show without a reference exits 1" "$B" case show --as se

# ---- case create, join, close ------------------------------------------------------

expect 0 "case create with crime types and participants" "$B" case create --as se \
	--title "Cross-border cyber fraud" --crime-type cybercrime --crime-type money_laundering \
	--opened 2026-05-01 --national-ref AM-777-26 --participant DE:observer:DE-1 \
	--participant FR --json
jqt "... reference 2026/0002, open, owned by SE" \
	'.reference == "2026/0002" and .status == "open" and .requesting_org == "SE"'
jqt "... crime types as given" '.crime_types == ["cybercrime", "money_laundering"]'
jqt "... participants as given (ORG:ACCESS:REF, ORG)" \
	'([.participants[] | {org, access, national_ref}] | sort_by(.org)) == [
	  {"org": "DE", "access": "observer", "national_ref": "DE-1"},
	  {"org": "FR", "access": "participant", "national_ref": null},
	  {"org": "SE", "access": "owner", "national_ref": "AM-777-26"}]'
jqt "... retention review three years after opening (2029-05-01)" '.retention_review_on == "2029-05-01"'
expect 0 "case create, human output" "$B" case create --as se --title "Second" \
	--crime-type terrorism --opened 2026-05-02
check "... prints the reference and id" has_out '^2026/0003  opened (id [0-9]*)'
expect 0 "the new case shows to a participant" "$B" case show 2026/0002 --as de --json
jqt "... DE sees it" '.title == "Cross-border cyber fraud"'
expect 1 "case create with a bad crime type exits 1" "$B" case create --as se --title x --crime-type piracy
check "... naming the crime type" has_err 'unknown crime type "piracy"'
expect 1 "case create with 2026-02-30 exits 1" "$B" case create --as se --title x --crime-type cybercrime --opened 2026-02-30
check "... naming the field" has_err 'opened_on'
expect 1 "case create with a malformed date exits 1" "$B" case create --as se --title x --crime-type cybercrime --opened 1/5/2026
expect 1 "case create with an unknown participant org exits 1" "$B" case create --as se --title x --crime-type cybercrime --participant XX
check "... naming the organisation" has_err 'unknown organisation "XX"'
expect 1 "case create with EL as participant exits 1" "$B" case create --as se --title x --crime-type cybercrime --participant EL
expect 1 "case create with a bad access level exits 1" "$B" case create --as se --title x --crime-type cybercrime --participant DE:boss
check "... listing the access levels" has_err 'owner, participant or observer'
expect 1 "case create with its own org as participant exits 1" "$B" case create --as se --title x --crime-type cybercrime --participant SE
expect 1 "case create without --title exits 1" "$B" case create --as se --crime-type cybercrime
expect 1 "case create without a crime type exits 1" "$B" case create --as se --title x
expect 1 "case create with an empty title exits 1" "$B" case create --as se --title "" --crime-type cybercrime
expect 1 "case create with an ESC in the title exits 1" "$B" case create --as se --title "$(printf 'a\033[2Jb')" --crime-type cybercrime
expect 2 "se-observer cannot create a case (exit 2)" "$B" case create --as se-observer --title x --crime-type cybercrime
check "... because of the role" has_err 'observer'
expect 2 "se-analyst cannot create a case (exit 2)" "$B" case create --as se-analyst --title x --crime-type cybercrime
expect 0 "case list --as se now shows four cases" "$B" case list --as se --json
jqt "... 2024/0001, 2026/0001-0003" '[.items[].reference] | sort == ["2024/0001", "2026/0001", "2026/0002", "2026/0003"]'

expect 0 "case join --org NL --access observer --national-ref" "$B" case join 2026/0002 --as se \
	--org NL --access observer --national-ref NL-9
check "... confirms" has_out '^NL joined 2026/0002 as observer'
expect 0 "NL now sees the case" "$B" case show 2026/0002 --as nl --json
jqt "... as observer with its number" 'any(.participants[]; .org == "NL" and .access == "observer" and .national_ref == "NL-9")'
expect 0 "case join by national number, default access" "$B" case join AM-777-26 --as se --org BE --json
jqt "... BE joined as participant" 'any(.participants[]; .org == "BE" and .access == "participant")'
expect 2 "joining twice exits 2" "$B" case join 2026/0002 --as se --org NL
check "... already participates" has_err 'already participates'
expect 1 "joining an unknown organisation exits 1" "$B" case join 2026/0002 --as se --org UK
expect 1 "case join without --org exits 1" "$B" case join 2026/0002 --as se
expect 2 "a participant cannot add organisations (exit 2)" "$B" case join 2026/0001 --as rs --org DE
expect 2 "an invisible case cannot be joined (exit 2)" "$B" case join 2026/0001 --as fr --org FR

expect 2 "a participant cannot close the case (exit 2)" "$B" case close 2026/0002 --as fr --reason x
expect 0 "case close --reason" "$B" case close 2026/0002 --as se --reason "Judgment delivered"
check "... prints the closing date" has_out "^2026/0002 closed on $TODAY"
expect 0 "the closed case shows closed" "$B" case show 2026/0002 --as se --json
jqt "... status closed, closed today" ".status == \"closed\" and .closed_on == \"$TODAY\""
expect 2 "closing a closed case exits 2" "$B" case close 2026/0002 --as se
check "... saying it already is, since when" has_err "case 2026/0002 is already closed (since $TODAY)"
expect 2 "joining a closed case exits 2" "$B" case join 2026/0002 --as se --org IT
check "... because it is closed" has_err 'is closed'
expect 0 "case list --status closed" "$B" case list --as se --status closed --json
jqt "... only 2026/0002" '[.items[].reference] == ["2026/0002"]'
expect 0 "case close without --reason" "$B" case close 2026/0003 --as se --json
jqt "... JSON of the closed case" '.reference == "2026/0003" and .status == "closed"'
expect 0 "case reopen with its reason" "$B" case reopen 2026/0003 --as se --reason "new evidence from RS"
check "... open again" has_out "^2026/0003 is open again$"
expect 0 "... on the timeline, with the reason" "$B" case events 2026/0003 --as se --json
jqt "... the last event" '.[-1].action == "case.update" and .[-1].after.status == "open"
	and .[-1].after.reason == "new evidence from RS" and .[-1].after.closed_on == null'
expect 2 "reopening an open case exits 2" "$B" case reopen 2026/0003 --as se
check "... saying it is open" has_err "is already open"
expect 0 "... and closes again" "$B" case close 2026/0003 --as se

# ---- jit --------------------------------------------------------------------------

expect 0 "jit list --as se" "$B" jit list --as se --json
jqt "... SE is in the Yezidi JIT only" '[.[].name] == ["JIT on ISIL crimes against Yezidis"]'
expect 0 "jit create with cases and members" "$B" jit create --as se --name "JIT Balkan route" \
	--signed 2026-06-01 --expires 2027-06-01 --case 2026/0001 --member RS \
	--member EUROPOL:participant --json
jqt "... name and dates" '.name == "JIT Balkan route" and .signed_on == "2026-06-01" and .expires_on == "2027-06-01"'
jqt "... members: SE and RS members, Europol participant" \
	'([.members[] | {org, role}] | sort_by(.org)) == [
	  {"org": "EUROPOL", "role": "participant"}, {"org": "RS", "role": "member"},
	  {"org": "SE", "role": "member"}]'
jqt "... linked to 2026/0001" '[.cases[].reference] == ["2026/0001"]'
jqt "... no extensions yet" '.extensions == []'
JIT=$(jq -r .id "$OUT")
check "... has a numeric id" test "$JIT" -gt 0
expect 0 "jit show as a member (rs)" "$B" jit show "$JIT" --as rs
check "... prints the name" has_out "^JIT #$JIT  JIT Balkan route"
check "... lists the linked case" has_out '2026/0001  Coordinated arrest'
expect 0 "jit list --as rs includes it" "$B" jit list --as rs
check "... by id" has_out "^#$JIT "
check "... with its end" has_out "^#$JIT *expires [0-9-]\{10\} .*JIT Balkan route"
# The demo's Yezidi JIT ends on 2026-12-15: the list says how far that is.
LEFT=$(( ($(date -u -d 2026-12-15 +%s) - $(date -u -d "$TODAY" +%s)) / 86400 ))
if [ "$LEFT" -lt 0 ]; then WHEN=EXPIRED
elif [ "$LEFT" -le 30 ]; then WHEN="in $LEFT day"; [ "$LEFT" = 1 ] || WHEN="${WHEN}s"
else WHEN=""; fi
expect 0 "jit list --as se" "$B" jit list --as se
check "... says when the Yezidi JIT ends (${WHEN:-not within 30 days})" \
	has_out "expires 2026-12-15 $(printf '%-11s' "$WHEN") JIT on ISIL"
expect 2 "jit show as a non-member exits 2" "$B" jit show "$JIT" --as fr
expect 1 "jit show with a non-numeric id exits 1" "$B" jit show abc --as se
expect 0 "the case now lists its JIT" "$B" case show 2026/0001 --as se --json
jqt "... jits holds the new JIT" "any(.jits[]; .id == $JIT)"
expect 1 "jit extend without --reason exits 1" "$B" jit extend "$JIT" --as se --until 2028-01-01
expect 1 "jit extend without --until exits 1" "$B" jit extend "$JIT" --as se --reason x
expect 1 "jit extend to an earlier date exits 1" "$B" jit extend "$JIT" --as se --until 2027-01-01 --reason "shorter"
check "... saying the expiry must move later" has_err 'after 2027-06-01'
expect 1 "jit extend to the same date exits 1" "$B" jit extend "$JIT" --as se --until 2027-06-01 --reason same
expect 1 "jit extend to 2027-02-30 exits 1" "$B" jit extend "$JIT" --as se --until 2027-02-30 --reason x
expect 2 "a participant organisation cannot extend (exit 2)" "$B" jit extend "$JIT" --as europol --until 2028-01-01 --reason x
expect 2 "a non-member cannot extend (exit 2)" "$B" jit extend "$JIT" --as fr --until 2028-01-01 --reason x
expect 0 "jit extend --until --reason" "$B" jit extend "$JIT" --as se --until 2028-01-01 --reason "More time needed" --json
jqt "... new expiry and the extension recorded" \
	'.expires_on == "2028-01-01" and (.extensions | length) == 1 and
	 .extensions[0].from == "2027-06-01" and .extensions[0].to == "2028-01-01" and
	 .extensions[0].reason == "More time needed" and .extensions[0].by == "se"'
expect 0 "jit show after the extension" "$B" jit show "$JIT" --as rs
check "... prints the extension" has_out 'extended 2027-06-01 -> 2028-01-01 by se: More time needed'
expect 1 "jit create without --expires exits 1" "$B" jit create --as se --name x --signed 2026-06-01
expect 1 "jit create expiring before signature exits 1" "$B" jit create --as se --name x --signed 2026-06-01 --expires 2026-05-01
expect 1 "jit create with an unknown member exits 1" "$B" jit create --as se --name x --signed 2026-06-01 --expires 2027-06-01 --member XX
expect 1 "jit create with a bad member role exits 1" "$B" jit create --as se --name x --signed 2026-06-01 --expires 2027-06-01 --member RS:boss
expect 2 "jit create linking a case SE does not own exits 2" "$B" jit create --as se --name x --signed 2026-06-01 --expires 2027-06-01 --case 2024/0001
expect 2 "jit create as an observer exits 2" "$B" jit create --as se-observer --name x --signed 2026-06-01 --expires 2027-06-01
expect 0 "refused JIT creations left nothing behind" "$B" jit list --as se --json
jqt "... still two JITs for SE" 'length == 2'

# ---- user --------------------------------------------------------------------------

expect 0 "user add with CUSTODIA_PASSWORD" CUSTODIA_PASSWORD=anna-pass-1 "$B" user add se-anna \
	--role analyst --name "Anna Andersson" --as se-admin
check "... confirms" has_out '^se-anna analyst (SE)'
printf 'bo-pass-123\n' >"$T/bo.pw"
expect 0 "user add with --password-file" "$B" user add se-bo --role observer \
	--password-file "$T/bo.pw" --as se-admin --json
jqt "... JSON of the new user" '.username == "se-bo" and .org == "SE" and .role == "observer" and .disabled == false'
check "... the password is not printed" lacks_out bo-pass-123
check "... nor a hash" lacks_out argon2
run sh -c 'printf "stdin-pass-1\n" | "$0" user add se-cy --role analyst --as se-admin' "$B"
check "user add reads the password from standard input" test "$rc" = 0
expect 1 "user add --password (no such option) exits 1" "$B" user add se-x --role analyst \
	--password Sup3r-S3cret-cli --as se-admin
check "... and never echoes the would-be password" lacks_err Sup3r-S3cret-cli
expect 1 "user add without any password exits 1" "$B" user add se-x --role analyst --as se-admin
check "... no password given" has_err 'no password given'
expect 1 "user add with a 3-byte password exits 1" CUSTODIA_PASSWORD=abc "$B" user add se-x --role analyst --as se-admin
expect 1 "user add with a 7-character password exits 1" CUSTODIA_PASSWORD=seven-7 "$B" user add se-x \
	--role analyst --as se-admin
check "... saying how long it must be" has_err 'at least 8 characters'
expect 1 "user add with a bad role exits 1" CUSTODIA_PASSWORD=abcdefgh "$B" user add se-x --role chief --as se-admin
expect 1 "user add without --role exits 1" CUSTODIA_PASSWORD=abcdefgh "$B" user add se-x --as se-admin
expect 1 "user add with a bad username exits 1" CUSTODIA_PASSWORD=abcdefgh "$B" user add "Se X" --role analyst --as se-admin
expect 1 "user add with invalid UTF-8 in --name exits 1" CUSTODIA_PASSWORD=abcdefgh "$B" user add se-x \
	--role analyst --name "$(printf 'Anna \377')" --as se-admin
check "... saying it is not valid UTF-8" has_err 'UTF-8'
expect 2 "user add of an existing user exits 2" CUSTODIA_PASSWORD=abcdefgh "$B" user add se-anna --role analyst --as se-admin
check "... already exists" has_err 'already exists'
expect 2 "a prosecutor cannot add users (exit 2)" CUSTODIA_PASSWORD=abcdefgh "$B" user add se-x --role analyst --as se
expect 2 "se-admin cannot add a DE user (exit 2)" CUSTODIA_PASSWORD=abcdefgh "$B" user add de-x --role analyst --org DE --as se-admin
expect 0 "user list --as se-admin" "$B" user list --as se-admin --json
jqt "... only SE users" 'length > 0 and all(.[]; .org == "SE")'
jqt "... including the new ones, not the refused one" \
	'(["se-anna", "se-bo", "se-cy", "se", "se-admin"] - [.[].username]) == [] and all(.[]; .username != "se-x")'
jqt "... no password hashes" 'all(.[]; has("password") | not) and (tostring | test("argon2") | not)'
expect 0 "user list --as se-admin, human output" "$B" user list --as se-admin
check "... a line for se-anna" has_out '^se-anna  *SE  *analyst  *Anna Andersson'
expect 2 "user list --as se exits 2" "$B" user list --as se
expect 2 "user list --org DE --as se-admin exits 2" "$B" user list --org DE --as se-admin
expect 0 "user list --as admin (operator) shows every organisation" "$B" user list --as admin --json
jqt "... SE and FR users" 'any(.[]; .org == "SE") and any(.[]; .org == "FR")'
expect 0 "user passwd by the organisation's admin" CUSTODIA_PASSWORD=anna-pass-2 "$B" user passwd se-anna --as se-admin
check "... confirms" has_out '^password of se-anna changed'
expect 0 "user passwd of oneself" CUSTODIA_PASSWORD=anna-pass-3 "$B" user passwd se-anna --as se-anna
expect 0 "user passwd with --password-file" "$B" user passwd se-anna --password-file "$T/bo.pw" --as se-anna
expect 2 "user passwd of another user by a non-admin exits 2" CUSTODIA_PASSWORD=abcdefgh "$B" user passwd se --as se-anna
expect 2 "user passwd of another organisation's user exits 2" CUSTODIA_PASSWORD=abcdefgh "$B" user passwd fr --as se-admin
expect 1 "user passwd with a 3-byte password exits 1" CUSTODIA_PASSWORD=abc "$B" user passwd se-anna --as se-anna
expect 2 "user passwd of an unknown user exits 2" CUSTODIA_PASSWORD=abcdefgh "$B" user passwd nobody --as se-admin
expect 0 "the new analyst acts: reads SE's case" "$B" case show 2026/0001 --as se-anna
expect 2 "the new analyst cannot close it" "$B" case close 2026/0001 --as se-anna

# ---- token -------------------------------------------------------------------------

expect 0 "token create --label --days" "$B" token create --as se --label ci-runner --days 30
check "... prints a cu_ token" has_out '^cu_[0-9a-f]\{16\}\.[A-Za-z0-9_-]\{43\}$'
TOK=$(sed -n 1p "$OUT")
TID=$(echo "$TOK" | cut -c4-19)
check "... and its id, shown once" has_out "^(id $TID; shown once)\$"
check "... the token appears once" test "$(grep -c -F -e "$TOK" "$OUT")" = 1
expect 0 "token list --as se" "$B" token list --as se --json
jqt "... lists it with its label and expiry" \
	"any(.[]; .id == \"$TID\" and .label == \"ci-runner\" and .user == \"se\" and (.expires_at | type == \"string\") and .revoked_at == null)"
check "... never shows the secret" lacks_out "$TOK"
jqt "... nor any token field" 'all(.[]; has("token") | not)'
expect 0 "token list --as se, human output" "$B" token list --as se
check "... the label is a separate word" has_out "^$TID .* ci-runner\$"
check "... with the day it runs until" has_out "^$TID se  *api  *[0-9T:-]\{16\}  until [0-9T:-]\{16\}  *ci-runner\$"
expect 0 "token list --as se-admin sees SE users' tokens" "$B" token list --as se-admin --json
jqt "... including se's" "any(.[]; .id == \"$TID\")"
expect 0 "token list --as fr" "$B" token list --as fr --json
jqt "... does not see se's" "all(.[]; .id != \"$TID\")"
expect 2 "token revoke by another organisation exits 2" "$B" token revoke "$TID" --as fr
expect 0 "token revoke" "$B" token revoke "$TID" --as se
check "... confirms" has_out "^revoked $TID"
expect 0 "token list after revoking" "$B" token list --as se --json
jqt "... shows it revoked" "any(.[]; .id == \"$TID\" and (.revoked_at | type == \"string\"))"
expect 0 "token list after revoking, human output" "$B" token list --as se
check "... says revoked, and when" has_out "^$TID .* revoked [0-9T:-]\{16\} *ci-runner\$"
expect 2 "revoking twice exits 2" "$B" token revoke "$TID" --as se
expect 2 "revoking an unknown token exits 2" "$B" token revoke 0123456789abcdef --as se
expect 0 "token create --json" "$B" token create --as se --json
jqt "... holds the token once, for se" '(.token | test("^cu_[0-9a-f]{16}[.][A-Za-z0-9_-]{43}$")) and .user == "se" and .revoked_at == null'
expect 1 "token create --days 0 exits 1" "$B" token create --as se --days 0
expect 1 "token create --days 3651 exits 1" "$B" token create --as se --days 3651
expect 1 "token create with invalid UTF-8 in --label exits 1" "$B" token create --as se --label "$(printf '\300\200')"
check "... saying it is not valid UTF-8" has_err 'UTF-8'

# ---- org -----------------------------------------------------------------------------

expect 0 "org list" "$B" org list --as se
check "... includes SE" has_out '^SE '
check "... includes GR for Greece" has_out '^GR  *GR '
check "... does not use EL" sh -c '! grep -q "^EL " "$1"' sh "$OUT"
expect 0 "org list --json" "$B" org list --as se --json
jqt "... includes SE, GR, ICC, UNITAD, GENOCIDE" \
	'(["SE", "GR", "ICC", "UNITAD", "GENOCIDE"] - [.[].code]) == []'
jqt "... not EL or UK" 'all(.[]; .code != "EL" and .code != "UK")'
jqt "... the 27 national desks" '[.[] | select(.kind == "national_member")] | length == 27'
jqt "... GR is Greece's desk with country GR" 'any(.[]; .code == "GR" and .country == "GR" and .kind == "national_member")'
jqt "... ICC is an international organisation without a country" 'any(.[]; .code == "ICC" and .kind == "international_organisation" and .country == null)'

# ---- invalid UTF-8 and other malformed arguments ----------------------------------

expect 1 "invalid UTF-8 in --title exits 1" "$B" case create --as se --title "$(printf 'Caf\351')" --crime-type cybercrime
check "... saying so" has_err 'not valid UTF-8'
expect 1 "an overlong encoding in --title exits 1" "$B" case create --as se --title "$(printf '\300\257etc')" --crime-type cybercrime
expect 1 "a surrogate in --title exits 1" "$B" case create --as se --title "$(printf '\355\240\200')" --crime-type cybercrime
expect 1 "invalid UTF-8 in --search exits 1" "$B" case list --as se --search "$(printf '\377')"
expect 1 "invalid UTF-8 in jit --name exits 1" "$B" jit create --as se --name "$(printf '\377')" --signed 2026-06-01 --expires 2027-06-01
expect 0 "valid non-ASCII title is accepted" "$B" case create --as se --title "Łódź – Київ" --crime-type cybercrime --opened 2026-06-01 --json
jqt "... and kept as given" '.title == "Łódź – Київ"'
expect 0 "refused creations left no cases behind" "$B" case list --as se --json
jqt "... five cases for SE" '.count == 5'

# ---- serve: the listening port, one strict rule ----------------------------------

for bad in 127.0.0.1:99999 127.0.0.1:65536 127.0.0.1:+80 '127.0.0.1: 80' 127.0.0.1:-1 \
	localhost:8080 127.0.0.1; do
	expect 1 "serve --listen $bad is refused (exit 1)" "$B" serve --data "$D" --listen "$bad"
	check "... naming --listen" has_err "^custodia: --listen must"
done
check "... a port out of range says which (not 34463, its low 16 bits)" sh -c \
	"'$B' serve --data '$D' --listen 127.0.0.1:99999 2>&1 | grep -q '1 to 65535.*\"99999\"'"
expect 1 "serve --shutdown-grace -1 is refused" "$B" serve --data "$D" --shutdown-grace -1
expect 1 "serve --shutdown-grace 3601 is refused" "$B" serve --data "$D" --shutdown-grace 3601

# ---- serve: SIGTERM lets a download in flight finish, within the grace -----------

# ready FILE: waits (10 s at most) for a server started in the background to write its URL.
ready() { for _ in $(seq 100); do [ -s "$1" ] && break; sleep 0.1; done; }

# serve_dl GRACE RATE [cut]: serves $D, downloads the large item at RATE, stops the server
# (SIGTERM) once the download is under way; sets SRV_RC, SRV_S (seconds it took to stop), DL
# (curl's code and bytes) and LOG. cut: the client (slow_get) reads through a 64 KiB
# receive buffer, so that most of the item is still the server's to send (loopback's
# autotuned buffers could otherwise take all 12 MB at once: tcp_rmem's maximum is often
# 32 MiB), and is stopped once the server is gone.
slow_get() {
	python3 -c '
import socket, sys, time
host, port = sys.argv[1].split("//")[1].split(":")
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
s.connect((host, int(port)))
s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n"
           % (sys.argv[2], sys.argv[3])).encode())
with open(sys.argv[4], "wb", buffering=0) as out:
    while True:
        b = s.recv(8192)
        if not b:
            break
        out.write(b)
        time.sleep(0.08)' "$@"
}
head -c 12000000 /dev/urandom >"$T/large.bin"
"$B" evidence add --data "$D" --as se --case 2026/0001 "$T/large.bin" --json >"$OUT" 2>&1
LARGE=$(jq -r 'if type == "array" then .[0].id else .id end' "$OUT")
serve_dl() {
	rm -f "$T/url" "$T/dl.bin"
	"$B" serve --data "$D" --listen 127.0.0.1:0 --ready-file "$T/url" --workers 0 \
		--threads 2 --shutdown-grace "$1" >"$T/serve.log" 2>&1 &
	spid=$!
	ready "$T/url"
	u=$(cat "$T/url")
	tok=$(curl -s -X POST "$u/api/v1/session" -H 'Content-Type: application/json' \
		-d '{"username":"se","password":"demo"}' | jq -r .token)
	if [ "${3:-}" = cut ]; then
		slow_get "$u" "/api/v1/evidence/$LARGE/content" "$tok" "$T/dl.bin" >"$T/dl.out" 2>&1 &
	else
		curl -s -o "$T/dl.bin" -w '%{http_code} %{size_download}' --limit-rate "$2" \
			-H "Authorization: Bearer $tok" "$u/api/v1/evidence/$LARGE/content" >"$T/dl.out" &
	fi
	cpid=$!
	# The server is stopped once the download is under way (its first bytes are in), not
	# after a fixed time a loaded machine may not have started it in.
	for _ in $(seq 100); do [ -s "$T/dl.bin" ] && break; sleep 0.1; done
	sleep 0.2
	t0=$(date +%s)
	kill -TERM "$spid"
	wait "$spid"
	SRV_RC=$?
	SRV_S=$(($(date +%s) - t0))
	[ "${3:-}" = cut ] && kill "$cpid" 2>/dev/null
	wait "$cpid"
	DL=$(cat "$T/dl.out")
	LOG=$T/serve.log
	# what a failing check shows: the download's result and the server's log
	cp "$T/dl.out" "$OUT"
	cp "$LOG" "$ERR"
}
serve_dl 30 4M
check "SIGTERM during a download (3 s at 4 MB/s): the server exits 0" test "$SRV_RC" = 0
check "... after the download finished whole (200, every byte)" test "$DL" = "200 12000000"
check "... the same bytes" cmp -s "$T/dl.bin" "$T/large.bin"
check "... nothing logged as cut off" sh -c "! grep -q 'cut off' '$LOG'"
serve_dl 1 100K cut
check "with --shutdown-grace 1 a 2-minute download is cut off: the server exits 0" \
	test "$SRV_RC" = 0
# (1 s of grace, 2 minutes of download: the margin is for a loaded CI machine)
check "... within the grace (under 8 s, not the download's 2 minutes)" test "$SRV_S" -lt 8
check "... and the log says what was cut off" grep -q \
	'"msg":"shutdown: the grace period ended, connections cut off","connections":1' "$LOG"
# An idle keep-alive connection (a browser's) does not hold the shutdown for h2o's 10 s.
rm -f "$T/url"
"$B" serve --data "$D" --listen 127.0.0.1:0 --ready-file "$T/url" --workers 0 >"$T/serve.log" 2>&1 &
spid=$!
ready "$T/url"
python3 -c '
import socket, sys, time
host, port = sys.argv[1].split("//")[1].split(":")
s = socket.create_connection((host, int(port)))
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
s.recv(4096)
time.sleep(20)' "$(cat "$T/url")" &
ppid_idle=$!
sleep 0.5
start=$(date +%s)
kill -TERM "$spid"
wait "$spid"
SRV_RC=$?
# (h2o alone would hold it for its 10 s request timeout; the margin is for a loaded machine)
check "an idle keep-alive connection: the server still stops at once (exit 0, < 9 s)" \
	test "$SRV_RC" = 0 -a $(($(date +%s) - start)) -lt 9
kill "$ppid_idle" 2>/dev/null
wait "$ppid_idle" 2>/dev/null

# ---- serve: one server per data directory, one process per port -----------------

rm -f "$T/url"
"$B" serve --data "$D" --listen 127.0.0.1:0 --ready-file "$T/url" --workers 0 >/dev/null 2>&1 &
spid=$!
ready "$T/url"
PORT=$(sed 's/.*://' "$T/url")
expect 2 "a second serve of the same data directory is refused" "$B" serve --data "$D" \
	--listen 127.0.0.1:0 --workers 0
check "... naming the one serving" has_err "another custodia serve (pid $spid) already serves"
"$B" demo --data "$T/other" --no-serve >/dev/null 2>&1
expect 2 "another data directory on the port in use is refused" "$B" serve --data "$T/other" \
	--listen "127.0.0.1:$PORT" --workers 0
check "... saying the port is in use" has_err "127.0.0.1:$PORT is in use by another process"
kill "$spid"
wait "$spid"
# A full disk: every write would answer 507, so /readyz says not ready (asked here for more
# room than any disk has, as a full one would answer).
rm -f "$T/url"
CUSTODIA_READY_DISK_MIN_MB=1000000000 "$B" serve --data "$D" --listen 127.0.0.1:0 \
	--ready-file "$T/url" --workers 0 >"$T/serve.log" 2>&1 &
spid=$!
ready "$T/url"
code=$(curl -s -o "$T/ready.json" -w '%{http_code}' "$(cat "$T/url")/readyz")
check "/readyz on a disk without room: 503, naming the disk check ($code)" sh -c \
	"[ '$code' = 503 ] && jq -e '.ready == false and .checks.disk == \"failed\"' '$T/ready.json'"
kill "$spid"
wait "$spid"
check "... and the log says how much is free" grep -q '"check":"disk","error":".*MiB free' \
	"$T/serve.log"

# ---- the data directory after all of the above ----------------------------------

check "the demo data directory is still 0700" mode_is "$D" 700
check "no file in it but node.pub is open to group or others (db, WAL, key)" \
	sh -c 'test -z "$(find "$1" -type f ! -name node.pub -perm /077)"' sh "$D"
check "node.key is still 0600" mode_is "$D/node.key" 600
expect 0 "evidence get --out under the caller's umask 022" "$B" evidence get "$LARGE" --data "$D" \
	--as se --out "$T/copy.bin"
check "... the copy is 0600 (custodia's umask is 077)" mode_is "$T/copy.bin" 600
if [ ! -f "$D/database" ]; then
	# The caller's umask is 022 (lib.sh): custodia's is 077, SQLite's -wal and -shm included.
	"$B" serve --data "$D" --listen 127.0.0.1:0 --ready-file "$T/url2" --workers 0 \
		>/dev/null 2>&1 &
	spid=$!
	ready "$T/url2"
	check "while serving, the -wal and -shm files exist and are 0600" sh -c \
		'test "$(stat -c %a "$1/custodia.db-wal")" = 600 -a \
		"$(stat -c %a "$1/custodia.db-shm")" = 600' sh "$D"
	kill "$spid"
	wait "$spid"
	chmod 644 "$D/custodia.db"
	expect 2 "a database readable by others is refused (exit 2)" "$B" org list --data "$D"
	check "... saying how to fix it" has_err "custodia.db is open to group or others (mode 644).*chmod 600"
	expect 2 "... serve refuses it too" "$B" serve --data "$D" --listen 127.0.0.1:0
	chmod 600 "$D/custodia.db"
	expect 0 "... and opens it again once 0600" "$B" org list --data "$D"
fi
check "the database holds no password in clear" \
	no_dump_match "$D" -e anna-pass -e bo-pass-123 -e stdin-pass-1
check "the database holds no token secret" no_dump_match "$D" -F -e "${TOK#*.}"

finish
