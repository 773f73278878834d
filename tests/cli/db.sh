# SPDX-License-Identifier: Apache-2.0
# Sourced by the command-line tests: SQL on a data directory's database, whichever
# engine holds it.

# The suite runs on SQLite, and again on PostgreSQL with CUSTODIA_DB naming a
# server (each init then makes its own database). DBFILE is what holds a data
# directory's records locally: the SQLite file, or the file naming the database.
if [ -n "${CUSTODIA_DB:-}" ]; then DBFILE=database; else DBFILE=custodia.db; fi

# dbq DIR SQL: runs SQL on the data directory's database; prints the rows
# (columns separated by |), whichever engine holds it.
dbq() {
	if [ -f "$1/database" ]; then
		psql "$(cat "$1/database")" -X -q -A -t -v ON_ERROR_STOP=1 -c "$2"
	else
		sqlite3 "$1/custodia.db" "$2"
	fi
}

# tamper DIR SQL: what an insider with the database can do: SQL with the
# append-only guards off (SQLite's triggers dropped, PostgreSQL's skipped).
tamper() {
	if [ -f "$1/database" ]; then
		psql "$(cat "$1/database")" -X -q -v ON_ERROR_STOP=1 \
			-c "SET session_replication_role = replica" -c "$2"
	else
		sqlite3 "$1/custodia.db" "$(sqlite3 "$1/custodia.db" \
			"SELECT group_concat('DROP TRIGGER ' || name, ';') FROM sqlite_master
			 WHERE type = 'trigger'"); $2"
	fi
}

# dbdump DIR: every byte the database holds, as text (for greps for secrets).
dbdump() {
	if [ -f "$1/database" ]; then
		pg_dump "$(cat "$1/database")"
	else
		cat "$1"/custodia.db*
	fi
}

# no_dump_match DIR GREP-ARGS...: the database holds nothing grep finds.
no_dump_match() {
	d=$1
	shift
	! dbdump "$d" | grep -a -q "$@"
}

