# SPDX-License-Identifier: Apache-2.0
# Shared by tools/upgrade-fixtures.sh (with an old binary) and
# tests/upgrade/test_upgrade.sh (with the current one): what a data
# directory's records look like through the custodia command, reduced to
# what every version prints the same way.

# schema_count FILE: the number of SQLite migrations a schema.c lists (the
# entries of cu_schema_migrations[]), i.e. the schema version it builds.
schema_count() {
	awk '/cu_schema_migrations\[\] *= *\{/ { on = 1 }
		on { n += gsub(/m[0-9]+/, "&") }
		on && /\}/ { exit }
		END { print n + 0 }' "$1"
}

# jarr CMD...: the command's JSON output as an array of items (lists print an
# array, or an object with "items"), or null if the command fails (a command
# or option that this version lacks).
jarr() {
	if "$@" >"$SNAP_TMP" 2>/dev/null </dev/null; then
		jq -c 'if type == "object" then (.items // []) else . end' "$SNAP_TMP" 2>/dev/null ||
			echo null
	else
		echo null
	fi
}

# snapshot BIN DATA USERS: the records as the users named (space separated;
# the owners of the demo's cases) list them, as one JSON object: the
# organisations and users, and per user the references of the cases they see,
# with each case's evidence (SHA-256s) and entities (ids). A list a version
# cannot print is null, and compares only with another null.
snapshot() {
	sb=$1 sd=$2 susers=$3
	SNAP_TMP=$(mktemp) || return 1
	{
		printf '{"orgs":%s,' "$(jarr "$sb" org list --data "$sd" --json | jq -c 'if . then map(.code) | sort else . end')"
		printf '"users":%s,' "$(jarr "$sb" user list --data "$sd" --json | jq -c 'if . then map(.username) | sort else . end')"
		printf '"by_user":{'
		sep=
		for u in $susers; do
			refs=$(jarr "$sb" case list --data "$sd" --as "$u" --json | jq -c 'if . then map(.reference) | sort else . end')
			printf '%s"%s":{"cases":%s,"evidence":{' "$sep" "$u" "$refs"
			sep2=
			for ref in $(echo "$refs" | jq -r '.[]?'); do
				ev=$(jarr "$sb" evidence list --data "$sd" --as "$u" --case "$ref" --json | jq -c 'if . then map(.sha256) | sort else . end')
				printf '%s"%s":%s' "$sep2" "$ref" "$ev"
				sep2=,
			done
			printf '},"entities":{'
			sep2=
			for ref in $(echo "$refs" | jq -r '.[]?'); do
				en=$(jarr "$sb" entity list --data "$sd" --as "$u" --case "$ref" --json | jq -c 'if . then map(.id) | sort else . end')
				printf '%s"%s":%s' "$sep2" "$ref" "$en"
				sep2=,
			done
			printf '}}'
			sep=,
		done
		printf '}}\n'
	} | jq -S -c .
	rc=$?
	rm -f "$SNAP_TMP"
	return $rc
}
