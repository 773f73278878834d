#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Makes the upgrade test's fixtures (tests/upgrade/fixtures/): for each schema
# version a data directory with real records, written by the custodia binary
# of the commit that last had that version, so that tests/upgrade/test_upgrade.sh
# can upgrade it with the current binary.
#
#   tools/upgrade-fixtures.sh [--force] [--list] [FIXTURE...]
#
# FIXTURE is sqlite-vK or pg-vK; without any, every fixture that is missing
# (--force: every one, again). --list prints each fixture with its commit and
# builds nothing. Needs git, cmake, the build's Debian packages (scripts/deps.sh
# of the old commit), node/npm (the web application, from npm's cache), sqlite3,
# jq, xz, tar, and for pg-* PostgreSQL 15 (tests/pg/cluster.sh).
#
# Which commit:
#   sqlite-vK  the newest commit (committer date) of this branch's history whose
#              src/store/schema.c lists K migrations; for the current latest
#              version that is HEAD. Version 8 was never anyone's latest (7
#              went to 9 in one commit), so it has no fixture.
#   pg-v10     the first commit whose binary writes the demo to PostgreSQL
#              (7e07f5b: --db came with 555710a, but until 7e07f5b every write
#              that indexes for search failed on PostgreSQL; 7e07f5b changed
#              search_fts in place, which migration 11 repairs for databases
#              made before it)
#   pg-vK      (K > 10) as sqlite-vK.
# The script checks that the old commit's migrations 1..K are the current ones
# text for text (a released migration is never edited) and says so if not.
#
# How: a detached worktree of the commit in a temporary directory, its
# `custodia` target only (-DCU_BUILD_TESTS=OFF, -j2; -DCU_WERROR=OFF: a few
# commits warned with a later compiler or flag, e.g. dcda9ad's missing prototype; binaries are kept in
# ${XDG_CACHE_HOME:-~/.cache}/custodia-upgrade/COMMIT), then with that binary
# `custodia demo --no-serve` (the demo is small: ~80 KB of blobs, ~30 KB of
# compressed SQL, and touches every table of its version), and its own outputs:
#   dump.sql.xz   SQLite: `sqlite3 .dump` plus the PRAGMA user_version it
#                 leaves out; PostgreSQL: `pg_dump` (plain, no owners)
#   data/         the rest of the data directory: keys, blobs
#   expect.json   what the old binary printed: `ledger verify` (size, root),
#                 `evidence verify` (items ok), and the records (lib.sh
#                 snapshot) as the owners of the demo's cases list them
#
# A release runs this script once: it adds the fixtures of the new version
# (sqlite-vN and pg-vN), which are committed with the release.
set -eu

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
. "$repo/tests/upgrade/lib.sh"
fixtures=$repo/tests/upgrade/fixtures
cache=${XDG_CACHE_HOME:-$HOME/.cache}/custodia-upgrade
force=0
list=0
while [ $# -gt 0 ]; do
	case $1 in
	--force) force=1 ;;
	--list) list=1 ;;
	-h | --help) sed -n '3,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "usage: $0 [--force] [--list] [sqlite-vK|pg-vK ...]" >&2; exit 1 ;;
	*) break ;;
	esac
	shift
done

work=$(mktemp -d "${TMPDIR:-/tmp}/cu-upgrade-fixtures-XXXXXX")
chmod 755 "$work" # the PostgreSQL server (user postgres) lives below it
pgdir=
cleanup() {
	[ -z "$pgdir" ] || "$repo/tests/pg/cluster.sh" stop "$pgdir"
	for w in "$work"/src-*; do
		[ -d "$w" ] && git -C "$repo" worktree remove --force "$w" >/dev/null 2>&1
	done
	git -C "$repo" worktree prune
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# count_at COMMIT: the schema version COMMIT's schema.c builds (0 if none).
count_at() {
	for p in src/store/schema.c src/store/sqlite_schema.c; do
		if git -C "$repo" cat-file -e "$1:$p" 2>/dev/null; then
			git -C "$repo" show "$1:$p" >"$work/schema.c"
			schema_count "$work/schema.c"
			return
		fi
	done
	echo 0
}

# Every commit of the history with its schema version, newest first.
git -C "$repo" log --format='%ct %H' HEAD | sort -rn | while read -r _ c; do
	echo "$(count_at "$c") $c"
done >"$work/versions"
latest=$(head -1 "$work/versions" | cut -d' ' -f1)
# PostgreSQL: --db came with 555710a, but indexing for search on PostgreSQL only
# with 7e07f5b (before it every write that indexes failed there, the demo too):
# the first commit with both.
pg_commit=$(git -C "$repo" log --reverse --format=%H -S'INSERT INTO search_fts(id, part' HEAD -- src/store/search.c | head -1)

commit_of() { # FIXTURE
	case $1 in
	pg-v10) echo "$pg_commit" ;;
	sqlite-v* | pg-v*) awk -v k="${1##*-v}" '$1 == k { print $2; exit }' "$work/versions" ;;
	esac
}

if [ $# -eq 0 ]; then
	set --
	for k in $(seq 1 "$latest"); do
		[ -z "$(commit_of "sqlite-v$k")" ] || set -- "$@" "sqlite-v$k"
	done
	for k in $(seq 10 "$latest"); do
		[ -z "$(commit_of "pg-v$k")" ] || set -- "$@" "pg-v$k"
	done
fi

if [ $list = 1 ]; then
	for f; do
		c=$(commit_of "$f")
		echo "$f ${c:-(none)} $(git -C "$repo" log -1 --format='%cd %s' --date=short "$c" 2>/dev/null | cut -c1-70)"
	done
	exit 0
fi

# migration_text FILE N: migration N's array in a schema.c.
migration_text() {
	awk -v n="$2" '$0 ~ "^static const char \\*const m" n "\\[\\]" { on = 1 }
		on { print } on && /^};/ { exit }' "$1"
}

# same_migrations COMMIT K: warns if COMMIT's migrations 1..K are not HEAD's.
same_migrations() {
	git -C "$repo" show "HEAD:src/store/schema.c" >"$work/now.c"
	git -C "$repo" show "$1:src/store/schema.c" >"$work/old.c"
	for n in $(seq 1 "$2"); do
		if [ "$(migration_text "$work/now.c" "$n")" != "$(migration_text "$work/old.c" "$n")" ]; then
			echo "WARNING: migration $n at $1 is not today's" >&2
		fi
	done
}

# build COMMIT: prints the path of COMMIT's custodia binary, building it first.
build() {
	bin=$cache/$1/custodia
	if [ ! -x "$bin" ]; then
		src=$work/src-$1
		echo "building custodia at $(git -C "$repo" log -1 --format='%h %s' "$1" | cut -c1-70)" >&2
		git -C "$repo" worktree add --detach "$src" "$1" >/dev/null 2>&1
		# The old commit's own packages (installs nothing when they are all here;
		# it also installs the web application's npm packages).
		if [ -x "$src/scripts/deps.sh" ]; then
			"$src/scripts/deps.sh" >&2
		elif [ -f "$src/web/package-lock.json" ]; then
			(cd "$src/web" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2
		fi
		cmake -S "$src" -B "$work/build-$1" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
			-DCU_BUILD_TESTS=OFF -DCU_WERROR=OFF >"$work/cmake.log" 2>&1 || { cat "$work/cmake.log" >&2; exit 1; }
		cmake --build "$work/build-$1" -j2 --target custodia >"$work/build.log" 2>&1 ||
			{ tail -40 "$work/build.log" >&2; exit 1; }
		mkdir -p "$cache/$1"
		cp "$work/build-$1/custodia" "$bin.tmp" && mv "$bin.tmp" "$bin"
		git -C "$repo" worktree remove --force "$src"
		rm -rf "$work/build-$1"
	fi
	echo "$bin"
}

# dbsql DATA SQL: one query on the data directory's database (either engine).
dbsql() {
	if [ -f "$1/database" ]; then
		psql "$(cat "$1/database")" -X -q -A -t -v ON_ERROR_STOP=1 -c "$2"
	else
		sqlite3 "$1/custodia.db" "$2"
	fi
}

unset CUSTODIA_DATA CUSTODIA_USER CUSTODIA_PASSWORD CUSTODIA_DB CUSTODIA_BLOBS
for f; do
	out=$fixtures/$f
	if [ -d "$out" ] && [ $force = 0 ]; then
		echo "$f: exists (--force to make it again)"
		continue
	fi
	c=$(commit_of "$f")
	[ -n "$c" ] || { echo "$f: no commit of this history has that schema version" >&2; exit 1; }
	k=${f##*-v}
	same_migrations "$c" "$k"
	bin=$(build "$c")
	d=$work/data-$f
	rm -rf "$d"
	case $f in
	pg-*)
		if [ -z "$pgdir" ]; then
			pgdir=$work/pg
			url=$("$repo/tests/pg/cluster.sh" start "$pgdir")
		fi
		"$bin" demo --data "$d" --no-serve --db "$url" >"$work/demo.log" 2>&1 ||
			{ cat "$work/demo.log" >&2; exit 1; }
		v=$(dbsql "$d" "SELECT version FROM schema_version")
		;;
	*)
		"$bin" demo --data "$d" --no-serve >"$work/demo.log" 2>&1 ||
			{ cat "$work/demo.log" >&2; exit 1; }
		v=$(dbsql "$d" "PRAGMA user_version")
		;;
	esac
	[ "$v" = "$k" ] || { echo "$f: $c made schema version $v, not $k" >&2; exit 1; }

	# The ledger as the old binary saw it, before anything else reads (some
	# reads are recorded, e.g. evidence verify's custody events).
	if "$bin" ledger verify --data "$d" --json >"$work/ledger.json" 2>/dev/null; then
		ledger=$(jq -c '{size, root}' "$work/ledger.json")
	else
		ledger=null
	fi
	rm -rf "$out.tmp"
	mkdir -p "$out.tmp/data"
	case $f in
	pg-*) pg_dump "$(cat "$d/database")" --no-owner --no-privileges | xz -9e >"$out.tmp/dump.sql.xz" ;;
	*) { sqlite3 "$d/custodia.db" .dump && echo "PRAGMA user_version = $k;"; } | xz -9e >"$out.tmp/dump.sql.xz" ;;
	esac
	(cd "$d" && tar cf - --exclude='./custodia.db*' --exclude=./database --exclude=.lock .) |
		(cd "$out.tmp/data" && tar xf -)

	owners=$(dbsql "$d" "SELECT DISTINCT lower(o.code) FROM participants p JOIN orgs o ON o.id = p.org_id
		WHERE p.access = 'owner' ORDER BY 1" | tr '\n' ' ')
	records=$(snapshot "$bin" "$d" "$owners")
	if "$bin" evidence verify --data "$d" --json >"$work/ev.json" 2>/dev/null; then
		verified=$(jq '[.[] | select(.status == "ok")] | length' "$work/ev.json")
	else
		verified=null
	fi
	jq -n -S --arg engine "${f%%-*}" --argjson schema "$k" --arg commit "$c" \
		--arg subject "$(git -C "$repo" log -1 --format=%s "$c" | cut -c1-100)" \
		--argjson ledger "$ledger" --arg owners "$owners" --argjson verified "$verified" \
		--argjson records "$records" \
		'{engine: $engine, schema: $schema, commit: $commit, subject: $subject,
		  made_by: "custodia demo --no-serve", ledger: $ledger,
		  owners: ($owners | split(" ") | map(select(. != ""))),
		  evidence_verified: $verified, records: $records}' >"$out.tmp/expect.json"
	rm -rf "$out"
	mv "$out.tmp" "$out"
	echo "$f: from $(git -C "$repo" log -1 --format=%h "$c"), $(du -sk "$out" | cut -f1) KB"
done
