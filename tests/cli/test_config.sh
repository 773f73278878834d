#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The configuration file: validation naming lines, unknown keys refused, and the order of
# precedence flag > environment > file > default, seen through init and serve.
NAME=config
TOOLS="jq curl"
. "$(dirname "$0")/lib.sh"
unset CUSTODIA_CONFIG CUSTODIA_LISTEN CUSTODIA_THREADS CUSTODIA_WORKERS CUSTODIA_MAX_BODY \
	CUSTODIA_MAX_UPLOAD CUSTODIA_LOG_AUTH
export CUSTODIA_PASSWORD=config-test-pw

# ---- config check ---------------------------------------------------------------
cat >"$T/good.conf" <<CONF
# a desk's node
data = $T/from-file

listen = "127.0.0.2:0"
threads = 2
max_upload = 4G
log_auth = yes
CONF
expect 0 "config check accepts a valid file" "$B" config check "$T/good.conf"
check "... and says so" has_out "good.conf: valid"

cat >"$T/bad.conf" <<CONF
data = $T/x
threads = 65
colour = blue
data = $T/y
just words
max_body = 0
listen = nowhere
log_auth = perhaps
CONF
expect 1 "config check refuses an invalid file (exit 1)" "$B" config check "$T/bad.conf"
check "... naming line 2: a value out of range" has_err "bad.conf:2: threads must be a whole number from 1 to 64"
check "... line 3: an unknown key is an error" has_err 'bad.conf:3: unknown key "colour"'
check "... line 4: a repeated key" has_err 'bad.conf:4: "data" is already set on line 1'
check "... line 5: not key = value" has_err 'bad.conf:5: expected "key = value"'
check "... line 6: a size of 0" has_err "bad.conf:6: max_body must be a size"
check "... line 7: an address without a port" has_err "bad.conf:7: listen must be ADDR:PORT"
check "... line 8: not a boolean" has_err "bad.conf:8: log_auth must be true or false"
check "... and nothing about the valid line 1" sh -c "! grep -q 'bad.conf:1:' '$ERR'"
expect 1 "config check --json on it" "$B" config check --json "$T/bad.conf"
jqt "... reports 7 errors" '.valid == false and .errors == 7'
expect 1 "a command under an invalid --config refuses to run" "$B" --config "$T/bad.conf" org list
check "... pointing at config check" has_err "config check"
check "... and creates no data directory" test ! -e "$T/x"
expect 1 "a missing --config file is an error" "$B" --config "$T/none.conf" org list
check "... naming it" has_err "none.conf: cannot read"

# ---- trailing comments, quotes --------------------------------------------------
cat >"$T/comments.conf" <<CONF
data = $T/commented # the data directory
threads = 4	# a tab, then a comment
listen = "127.0.0.2:0"  # quoted, then a comment
master_passphrase_file = "$T/a #b"
pkcs11_pin_file = $T/pin#1
CONF
expect 0 "config check: a '#' after a blank starts a comment" "$B" config check "$T/comments.conf"
expect 0 "config show --json under it" "$B" config show --json --config "$T/comments.conf"
jqt "... data is the path alone" "any(.[]; .key == \"data\" and .value == \"$T/commented\")"
jqt "... threads is 4" 'any(.[]; .key == "threads" and .value == "4")'
jqt "... a quoted value ends at its quote" 'any(.[]; .key == "listen" and .value == "127.0.0.2:0")'
jqt "... and keeps a '#' inside the quotes" "any(.[]; .key == \"master_passphrase_file\" and .value == \"$T/a #b\")"
jqt "... a '#' inside a word is kept" "any(.[]; .key == \"pkcs11_pin_file\" and .value == \"$T/pin#1\")"
expect 0 "init under it" "$B" --config "$T/comments.conf" init
check "... makes the directory the file means" test -d "$T/commented"
check "... and none named after the comment" sh -c "! ls '$T' | grep -q 'the data'"
printf 'data = "%s" extra\nlisten = "127.0.0.1:0\n' "$T/q" >"$T/quotes.conf"
expect 1 "config check refuses text after a closing quote, and an unclosed quote" \
	"$B" config check "$T/quotes.conf"
check "... line 1" has_err "quotes.conf:1: data: text after the closing quote"
check "... line 2" has_err "quotes.conf:2: listen: the value's opening quote is never closed"

# ---- listen: one strict rule for the port, in the file and the environment ----------
printf 'listen = 127.0.0.1:99999\n' >"$T/port.conf"
expect 1 "listen = 127.0.0.1:99999 in the file is refused" "$B" config check "$T/port.conf"
check "... naming the port" has_err 'port.conf:1: listen must end in a port from 1 to 65535.*"99999"'
for bad in 127.0.0.1:65536 127.0.0.1:+80 127.0.0.1:08x nowhere:80; do
	expect 1 "CUSTODIA_LISTEN=$bad is refused" env CUSTODIA_LISTEN="$bad" "$B" org list
	check "... naming the variable" has_err "CUSTODIA_LISTEN: listen must"
done
expect 0 "CUSTODIA_LISTEN=[::1]:65535 is accepted" env CUSTODIA_LISTEN="[::1]:65535" \
	"$B" config show --json
printf 'shutdown_grace = 3601\n' >"$T/grace.conf"
expect 1 "shutdown_grace above 3600 is refused" "$B" config check "$T/grace.conf"

# ---- a database open to group or others: config check names it --------------------
# (SQLite's file; on PostgreSQL (db.sh) the records are not in the data directory.)
if [ -f "$T/commented/custodia.db" ]; then
	chmod 644 "$T/commented/custodia.db"
	expect 1 "config check names a data directory's database readable by others" \
		"$B" config check "$T/comments.conf"
	check "... with the file's line and the fix" has_err \
		"comments.conf:1: data: $T/commented/custodia.db is open to group or others (mode 644).*chmod 600"
	chmod 600 "$T/commented/custodia.db"
	expect 0 "... and passes once it is 0600" "$B" config check "$T/comments.conf"
fi

# ---- precedence through init: flag > environment > file --------------------------
expect 0 "init under --config uses the file's data directory" "$B" --config "$T/good.conf" init
check "... $T/from-file exists" test -f "$T/from-file/custodia.db" -o -f "$T/from-file/database"
expect 0 "the environment beats the file" env CUSTODIA_DATA="$T/from-env" \
	"$B" init --config "$T/good.conf"
check "... $T/from-env exists" test -d "$T/from-env"
expect 0 "a flag beats both" env CUSTODIA_DATA="$T/from-env2" \
	"$B" init --config "$T/good.conf" --data "$T/from-flag"
check "... $T/from-flag exists" test -d "$T/from-flag"
check "... and not the environment's" test ! -e "$T/from-env2"
expect 0 "CUSTODIA_CONFIG names the file too" env CUSTODIA_CONFIG="$T/good.conf" "$B" org list --json
jqt "... and the command reads the file's data directory" 'length > 10'
expect 1 "an invalid value in the environment is refused" env CUSTODIA_THREADS=many "$B" org list
check "... naming the variable" has_err "CUSTODIA_THREADS: threads must be"

# ---- config show: values in force, their source, no password ---------------------
cat >"$T/pg.conf" <<CONF
data = $T/from-file
db = postgresql://custodia:s3cret-pw@db.example:5432/custodia
CONF
expect 0 "config show" env -u CUSTODIA_DB CUSTODIA_WORKERS=3 "$B" config show --json --config "$T/pg.conf"
jqt "... the file's data with its line" 'any(.[]; .key == "data" and .source == "file:1")'
jqt "... the environment's workers" 'any(.[]; .key == "workers" and .value == "3" and .source == "env")'
jqt "... defaults as such" 'any(.[]; .key == "listen" and .value == null and .source == "default")'
jqt "... the database URL without its password" 'any(.[]; .key == "db" and .value == "postgresql://custodia:***@db.example:5432/custodia")'
check "... which appears nowhere" lacks_out "s3cret-pw"
# Every form libpq takes a password in: userinfo (an '@' in it too), password= and
# sslpassword= parameters, a percent-encoded parameter name.
cat >"$T/pg2.conf" <<CONF
db = postgresql://cu:pw-one@x@db.example/custodia?sslmode=require&password=pw-two&sslpassword=pw-three&pass%77ord=pw-four&application_name=cu
CONF
expect 0 "config show with passwords in every form" env -u CUSTODIA_DB "$B" config show --config "$T/pg2.conf"
check "... userinfo masked" has_out "postgresql://cu:\*\*\*@db.example/custodia?"
check "... password= masked" has_out "&password=\*\*\*&"
check "... sslpassword= masked" has_out "&sslpassword=\*\*\*&"
check "... pass%77ord= masked" has_out "&pass%77ord=\*\*\*&"
check "... other parameters kept" has_out "sslmode=require&.*application_name=cu"
for pw in pw-one pw-two pw-three pw-four; do check "... $pw appears nowhere" lacks_out "$pw"; done
expect 0 "config show --json, the same" env -u CUSTODIA_DB "$B" config show --json --config "$T/pg2.conf"
check "... no password in the JSON" sh -c "! grep -q 'pw-' '$OUT'"
expect 0 "a password only in the query (no userinfo)" env -u CUSTODIA_DB \
	CUSTODIA_DB="postgresql://db.example/custodia?user=cu&password=pw-five" "$B" config show --json
jqt "... masked" 'any(.[]; .key == "db" and .value == "postgresql://db.example/custodia?user=cu&password=***")'


# ---- every key has a variable and a flag that the commands take -------------------
expect 0 "config keys --json" "$B" config keys --json
jqt "... each key with CUSTODIA_ variable and a flag" 'length >= 9 and all(.[]; (.env | startswith("CUSTODIA_")) and (.flag | startswith("--")))'
"$B" serve --help >"$T/serve-help" 2>&1
for flag in $(jq -r '.[].flag' "$OUT"); do
	check "serve --help documents $flag" grep -q -e "$flag" "$T/serve-help"
done

# ---- a sealed master key's passphrase file, from the file, the environment or a flag --
S=$T/sealed
"$B" init --data "$S" >/dev/null 2>&1
printf 'long master passphrase\n' >"$T/mpw"
chmod 600 "$T/mpw"
expect 0 "keys seal the master key" "$B" keys seal --data "$S" --passphrase-file "$T/mpw"
expect 2 "without its passphrase the data directory does not open" \
	env -u CUSTODIA_MASTER_PASSPHRASE_FILE "$B" evidence verify --data "$S"
printf 'data = %s\nmaster_passphrase_file = %s\n' "$S" "$T/mpw" >"$T/sealed.conf"
expect 0 "master_passphrase_file in the configuration opens it" "$B" evidence verify --config "$T/sealed.conf"
expect 0 "... --master-passphrase-file too" "$B" evidence verify --data "$S" --master-passphrase-file "$T/mpw"

# ---- precedence through serve: the address it listens on --------------------------
# serve_on: starts serve with the arguments, prints the base URL it wrote, stops it.
serve_on() {
	rm -f "$T/url"
	"$@" --ready-file "$T/url" --workers 0 >"$T/serve.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do [ -s "$T/url" ] && break; sleep 0.1; done
	cat "$T/url" 2>/dev/null
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
U=$(serve_on "$B" serve --config "$T/good.conf")
check "serve listens where the file says (127.0.0.2)" sh -c "echo '$U' | grep -q '^http://127.0.0.2:'"
U=$(CUSTODIA_LISTEN=127.0.0.3:0 serve_on "$B" serve --config "$T/good.conf")
check "CUSTODIA_LISTEN beats the file (127.0.0.3)" sh -c "echo '$U' | grep -q '^http://127.0.0.3:'"
U=$(CUSTODIA_LISTEN=127.0.0.3:0 serve_on "$B" serve --config "$T/good.conf" --listen 127.0.0.1:0)
check "--listen beats both (127.0.0.1)" sh -c "echo '$U' | grep -q '^http://127.0.0.1:'"

finish
