#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Access control of the command line, as tests/api/test_api_acl.c does for the API.
#
# Every command `custodia --help` lists must be classed below: either it acts as a user
# (--as, CUSTODIA_USER) and need-to-know applies to it exactly as over HTTP, or it is the
# operator's (it runs with the data directory's keys, as the system account that holds
# them, and has no user to act for), with the reason. A new command without a class fails.
# The user commands are then tried by "mt" (whose organisation sees no case) on objects
# of cases it may not see: each must be refused (exit 2) with the message an absent id
# gets, but for the id; and a user who sees the object but lacks the right gets a
# refusal that says so. Then every command that reads an object is run by users of every
# relationship to the demo's cases and must decide as the API (whose answers
# tests/api/test_api_acl.c proves against the rules) decides for the same user and object.
#
# Usage: CU_BIN=/path/to/custodia sh test_acl.sh

NAME=cli-acl
TOOLS="jq curl"
. "$(dirname "$0")/lib.sh"

# ---- every command has a class -------------------------------------------------------

# command class reason
CLASSES='
init       operator creates a data directory and its first administrator
serve      operator serves the API; its users are checked there (test_api_acl)
demo       operator loads the demo scenario into a data directory
user       user     users of the actor organisation, by its admins (cu_access_users)
token      user     the actor own tokens (admins: their organisation)
org        user     reference data: anyone reads, operator administrators change
case       user     need-to-know
jit        user     need-to-know
evidence   user     need-to-know
ledger     operator the ledger holds hashes and signed checkpoints, no content
bundle     user     export: need-to-know; verify: offline, no data directory
entity     user     need-to-know
xref       user     need-to-know (without --case: operator administrators)
hits       user     need-to-know: of an invisible case only the organisation
match      user     scores names given; the threshold: operator administrators
search     user     need-to-know
jobs       user     jobs of visible items; run: the operator worker
requests   user     need-to-know and the issuing and executing organisations
stats      user     figures under need-to-know
actiondays user     need-to-know
meetings   user     need-to-know, closed sessions to those invited
interviews user     need-to-know
migrate    operator copies the records and blobs to PostgreSQL and shared storage
config     operator checks the configuration file
backup     operator copies records, evidence and keys, encrypted
restore    operator rebuilds an installation from a backup
keys       operator master key sealing and rotation
'

expect 0 "custodia --help lists the commands" "$B" --help
listed=$(sed -n '/^commands:/,/^$/p' "$OUT" | awk 'NR > 1 && NF { print $1 }')
[ -n "$listed" ] && pass "... $(echo "$listed" | wc -l) commands" || fail "... no commands found"
for cmd in $listed; do
	class=$(echo "$CLASSES" | awk -v c="$cmd" '$1 == c { print $2 }')
	case $class in
	user | operator) pass "$cmd: $class" ;;
	*) fail "$cmd has no access class in tests/cli/test_acl.sh" ;;
	esac
done
for cmd in $(echo "$CLASSES" | awk 'NF { print $1 }'); do
	echo "$listed" | grep -qx "$cmd" || fail "$cmd is classed but custodia --help does not list it"
done

# ---- the objects ---------------------------------------------------------------------

D=$T/demo
expect 0 "demo --no-serve loads the scenario" "$B" demo --data "$D" --no-serve
export CUSTODIA_DATA="$D"
json() { # json USER JQ COMMAND...: the first value of JQ in the command's --json output
	u=$1 q=$2
	shift 2
	"$B" "$@" --as "$u" --json 2>/dev/null | jq -r "$q" | head -n 1
}
first='if type == "array" then .[0].id else .items[0].id end'
ITEM=$(json fr '.[0].id' evidence list --case 2024/0001)
ENTITY=$(json fr '.[0].id' entity list --case 2024/0001)
JIT=$(json fr '.[] | select(.name | test("Yezidi")) | .id' jit list)
REQUEST=$(json se "$first" requests list --case 2026/0001)
DAY=$(json se "$first" actiondays list --case 2026/0001)
MEETING=$(json se "$first" meetings list --case 2026/0001)
INTERVIEW=$(json fr "$first" interviews list --case 2024/0001)
HIT=$(json me "$first" hits --case 2025/0001)
TOKEN=$(json se '.id' token create --label acl)
for v in ITEM ENTITY JIT REQUEST DAY MEETING INTERVIEW HIT TOKEN; do
	eval "val=\$$v"
	case $val in '' | null) fail "no $v in the demo data" ;; *) pass "$v is $val" ;; esac
done
NOPE=987654321

# ---- invisible reads exactly as absent -------------------------------------------------

# hidden DESCRIPTION ID ABSENT COMMAND...: the command, with @ replaced by ID and then by
# ABSENT, run as mt: both refused (exit 2) with the same message but for the id.
hidden() {
	desc=$1 id=$2 absent=$3
	shift 3
	a1=$(for x in "$@"; do [ "$x" = @ ] && printf '%s\n' "$id" || printf '%s\n' "$x"; done)
	a2=$(for x in "$@"; do [ "$x" = @ ] && printf '%s\n' "$absent" || printf '%s\n' "$x"; done)
	# (arguments hold no newline)
	old_ifs=$IFS
	IFS='
'
	# shellcheck disable=SC2086
	"$B" $a1 --as mt >"$OUT" 2>"$ERR" </dev/null
	rc1=$?
	m1=$(sed "s|$id|<>|g" "$ERR")
	# shellcheck disable=SC2086
	"$B" $a2 --as mt >"$T/out2" 2>"$T/err2" </dev/null
	rc2=$?
	IFS=$old_ifs
	m2=$(sed "s|$absent|<>|g" "$T/err2")
	if [ "$rc1" -eq 2 ] && [ "$rc2" -eq 2 ] && [ "$m1" = "$m2" ] && [ ! -s "$OUT" ]; then
		pass "$desc: as absent ($m1)"
	else
		fail "$desc: exit $rc1/$rc2, \"$m1\" vs absent \"$m2\""
		show
	fi
}

hidden "case show" 2024/0001 2099/0999 case show @
hidden "case events" 2024/0001 2099/0999 case events @
hidden "case join" 2024/0001 2099/0999 case join @ --org MT
hidden "case close" 2024/0001 2099/0999 case close @ --reason x
hidden "evidence list --case" 2024/0001 2099/0999 evidence list --case @
hidden "evidence add --case" 2024/0001 2099/0999 evidence add --case @ /dev/null
hidden "evidence show" "$ITEM" $NOPE evidence show @
hidden "evidence get" "$ITEM" $NOPE evidence get @ --out "$T/copy"
hidden "evidence custody" "$ITEM" $NOPE evidence custody @
hidden "evidence custody --record" "$ITEM" $NOPE evidence custody @ --record sealed --reason x
hidden "evidence share" 2024/0001 2099/0999 evidence share --case @ --item "$ITEM" --org MT \
	--legal-basis x
hidden "evidence erase" "$ITEM" $NOPE evidence erase @ --reason x
hidden "evidence verify --case" 2024/0001 2099/0999 evidence verify --case @
hidden "evidence verify --item" "$ITEM" $NOPE evidence verify --case 2024/0001 --item @
hidden "bundle export" 2024/0001 2099/0999 bundle export --case @ --for MT --out "$T/b.tar"
hidden "entity list" 2024/0001 2099/0999 entity list --case @
hidden "entity add" 2024/0001 2099/0999 entity add --case @ --kind person --name X
hidden "entity show" "$ENTITY" $NOPE entity show @
hidden "entity update" "$ENTITY" $NOPE entity update @ --born 1990
hidden "xref --case" 2024/0001 2099/0999 xref --case @
hidden "hits --case" 2025/0001 2099/0999 hits --case @
hidden "hits show" "$HIT" $NOPE hits show @
hidden "hits confirm" "$HIT" $NOPE hits confirm @
hidden "jit show" "$JIT" $NOPE jit show @
hidden "jit extend" "$JIT" $NOPE jit extend @ --until 2030-01-01 --reason x
hidden "search --case" 2024/0001 2099/0999 search Yezidi --case @
hidden "requests list --case" 2026/0001 2099/0999 requests list --case @
hidden "requests show" "$REQUEST" $NOPE requests show @
hidden "requests status" "$REQUEST" $NOPE requests status @ received
hidden "actiondays list --case" 2026/0001 2099/0999 actiondays list --case @
hidden "actiondays show" "$DAY" $NOPE actiondays show @
hidden "meetings show" "$MEETING" $NOPE meetings show @
hidden "interviews show" "$INTERVIEW" $NOPE interviews show @
hidden "interviews list --case" 2024/0001 2099/0999 interviews list --case @
hidden "token revoke (se's)" "$TOKEN" 0123456789abcdef token revoke @
echo "a new password" >"$T/pw"
hidden "user passwd (another organisation's)" fr-admin nosuchuser user passwd @ --password-file "$T/pw"

# And the same commands work for those who see the objects (the probes are not just wrong).
expect 0 "case show as fr" "$B" case show 2024/0001 --as fr
expect 0 "evidence show as fr" "$B" evidence show "$ITEM" --as fr
expect 0 "entity show as fr" "$B" entity show "$ENTITY" --as fr
expect 0 "jit show as fr" "$B" jit show "$JIT" --as fr
expect 0 "requests show as se" "$B" requests show "$REQUEST" --as se
expect 0 "actiondays show as se" "$B" actiondays show "$DAY" --as se
expect 0 "meetings show as se" "$B" meetings show "$MEETING" --as se
expect 0 "interviews show as fr" "$B" interviews show "$INTERVIEW" --as fr
expect 0 "hits show as me" "$B" hits show "$HIT" --as me

# ---- the command line decides as the API does -------------------------------------------

# tests/api/test_api_acl.c proves the API's answers against the rules for every demo user.
# Here the commands that read an object are run by users of every relationship to the
# demo's cases and compared with the API's answer to the same user for the same object,
# from a server on the same data directory: the command succeeds exactly when the API
# answers 2xx, fails (exit 2) with the API's error message otherwise, and a list holds
# the same ids.
"$B" serve --data "$D" --listen 127.0.0.1:0 --ready-file "$T/url" --threads 2 --workers 0 \
	>"$T/serve.log" 2>&1 &
SRV=$!
trap 'kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do [ -s "$T/url" ] && break; sleep 0.1; done
URL=$(cat "$T/url")
# Owners, participants, observers, JIT members and participants, another desk, an
# organisation in no case, the three roles below prosecutor, and the operator.
USERS="se se-analyst se-observer rs interpol lt ua icc fr unitad de mt admin"
for u in $USERS; do
	tok=$(curl -sf -XPOST "$URL/api/v1/session" -H 'content-type: application/json' \
		-d "{\"username\":\"$u\",\"password\":\"demo\"}" | jq -r .token)
	[ -n "$tok" ] && [ "$tok" != null ] || fail "$u cannot log in to the API"
	eval "TOK_$(echo "$u" | tr -- - _)=\$tok"
done
case_id() { json "$1" '.id' case show "$2"; }
C_SWE=$(case_id se 2026/0001) C_UKR=$(case_id lt 2022/0001) C_YEZ=$(case_id fr 2024/0001)
C_GER=$(case_id de 2025/0002)
GRANTED=$(json icc '.[] | select(.title | test("Satellite")) | .id' evidence list --case 2022/0001)
ITEMS="$(json se "$first" evidence list --case 2026/0001) $(json lt "$first" evidence list --case 2022/0001) $GRANTED $ITEM"
ENTITIES="$(json se "$first" entity list --case 2026/0001) $ENTITY $(json de "$first" entity list --case 2025/0002)"
INTERVIEWS="$INTERVIEW $(json de "$first" interviews list --case 2025/0002)"
JITS="$JIT $(json lt '.[] | select(.name | test("Ukraine")) | .id' jit list)"
ids='[(if type == "array" then . else .items end)[].id] | sort'
same=0 differ=0 ok0=0 no404=0
# cell USER PATH OPERAND ABSENT COMMAND...: the command (naming the object by OPERAND) as
# USER against GET PATH as USER. A refusal says what the API says; an object the user
# may not see reads as an absent one (ABSENT in OPERAND's place), but for the id.
cell() {
	u=$1 path=$2 opnd=$3 absent=$4
	shift 4
	eval "tok=\$TOK_$(echo "$u" | tr -- - _)"
	"$B" "$@" --as "$u" --json >"$OUT" 2>"$ERR" </dev/null
	rc=$?
	st=$(curl -s -o "$T/api" -w '%{http_code}' -H "Authorization: Bearer $tok" "$URL$path")
	why=""
	case $rc:$st in
	0:2??)
		ok0=$((ok0 + 1))
		# A list: the same ids.
		if jq -e 'type == "array" or has("items")' "$T/api" >/dev/null 2>&1 &&
			[ "$(jq -c "$ids" "$OUT")" != "$(jq -c "$ids" "$T/api")" ]; then
			why="lists $(jq -c "$ids" "$OUT"), the API $(jq -c "$ids" "$T/api")"
		fi ;;
	2:403)
		msg="custodia: $(jq -r .error.message "$T/api")"
		[ "$(cat "$ERR")" = "$msg" ] || why="says \"$(cat "$ERR")\", the API \"$msg\"" ;;
	2:404)
		no404=$((no404 + 1))
		m1=$(sed "s|$opnd|<>|g" "$ERR")
		# (what the user is told of an absent one, once per user and command)
		key=$(echo "$u $1 $2" | tr -c 'a-z0-9\n' _)
		if [ ! -f "$T/absent.$key" ]; then
			for a; do shift; [ "$a" = "$opnd" ] && set -- "$@" "$absent" || set -- "$@" "$a"; done
			"$B" "$@" --as "$u" --json 2>&1 >/dev/null </dev/null |
				sed "s|$absent|<>|g" >"$T/absent.$key"
		fi
		m2=$(cat "$T/absent.$key")
		[ "$m1" = "$m2" ] || why="says \"$m1\", for an absent one \"$m2\"" ;;
	*) why="exit $rc, the API $st" ;;
	esac
	if [ -z "$why" ]; then
		same=$((same + 1))
	else
		differ=$((differ + 1))
		fail "$* as $u: $why"
	fi
}
for u in $USERS; do
	for c in "2026/0001 $C_SWE" "2022/0001 $C_UKR" "2024/0001 $C_YEZ" "2025/0002 $C_GER"; do
		set -- $c
		cell "$u" "/api/v1/cases/$2" "$1" 2099/0999 case show "$1"
		cell "$u" "/api/v1/cases/$2/events" "$1" 2099/0999 case events "$1"
		cell "$u" "/api/v1/cases/$2/evidence" "$1" 2099/0999 evidence list --case "$1"
		cell "$u" "/api/v1/cases/$2/entities" "$1" 2099/0999 entity list --case "$1"
	done
	for i in $ITEMS; do
		cell "$u" "/api/v1/evidence/$i" "$i" $NOPE evidence show "$i"
		cell "$u" "/api/v1/evidence/$i/custody" "$i" $NOPE evidence custody "$i"
	done
	for i in $ENTITIES; do cell "$u" "/api/v1/entities/$i" "$i" $NOPE entity show "$i"; done
	for i in $JITS; do cell "$u" "/api/v1/jits/$i" "$i" $NOPE jit show "$i"; done
	for i in $INTERVIEWS; do
		cell "$u" "/api/v1/interviews/$i" "$i" $NOPE interviews show "$i"
	done
	cell "$u" "/api/v1/requests/$REQUEST" "$REQUEST" $NOPE requests show "$REQUEST"
	cell "$u" "/api/v1/actiondays/$DAY" "$DAY" $NOPE actiondays show "$DAY"
	cell "$u" "/api/v1/meetings/$MEETING" "$MEETING" $NOPE meetings show "$MEETING"
	cell "$u" "/api/v1/hits/$HIT" "$HIT" $NOPE hits show "$HIT"
done
echo "# $same commands decided as the API ($ok0 allowed, $no404 not found), $differ not"
# (A read is allowed or not found: a 403 is for changes, tried below and in test_api_acl.)
if [ $differ -eq 0 ] && [ $ok0 -gt 0 ] && [ $no404 -gt 0 ]; then
	pass "the command line decides as the API for $(echo $USERS | wc -w) users"
else
	fail "the command line decides as the API for $(echo $USERS | wc -w) users"
fi

# ---- lists count only the visible ------------------------------------------------------

expect 0 "case list as mt" "$B" case list --as mt --json
jqt "... is empty" '(if type == "array" then . else .items end) | length == 0'
expect 0 "search Yezidi as mt" "$B" search Yezidi --as mt --json
jqt "... finds nothing, and says so in its total" '(.total // 0) == 0 and (.items // []) == []'
expect 0 "requests list as mt" "$B" requests list --as mt --json
jqt "... is empty" '(if type == "array" then . else .items end) | length == 0'

# ---- seen but not allowed: a refusal that says so ----------------------------------------

expect 2 "case close as se-observer (sees the case, may not manage it)" \
	"$B" case close 2026/0001 --reason x --as se-observer
check "... refused for its role, not as absent" has_err "may not"
expect 2 "match threshold 0.9 as se (operator administrators only)" \
	"$B" match threshold 0.9 --as se
check "... refused, not absent" lacks_err "not found"

finish
