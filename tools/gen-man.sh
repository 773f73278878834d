#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Writes the manual pages from the --help texts the binary prints (the same
# source, so the two never disagree): custodia(1) from `custodia --help` and
# custodia-COMMAND(1) from `custodia COMMAND --help` for every command.
# Usage: gen-man.sh CUSTODIA_BINARY OUTDIR VERSION
# SOURCE_DATE_EPOCH, if set, dates the pages (reproducible builds).
set -eu
bin=$1 out=$2 version=$3
mkdir -p "$out"
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
	date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
else
	date=$(date -u +%Y-%m-%d)
fi

# roff PAGE_NAME SUMMARY: the --help text on stdin to a page on stdout.
# usage: lines (and those indented under them) are the SYNOPSIS, text up to
# the first option line the DESCRIPTION, "  --opt ARG   text" lines OPTIONS.
roff() {
	awk -v name="$1" -v summary="$2" -v version="$version" -v date="$date" '
	function esc(s) {
		gsub(/\\/, "\\e", s)
		if (s ~ /^[.\x27]/) s = "\\&" s
		return s
	}
	function optname(s) { s = esc(s); gsub(/-/, "\\-", s); return "\\fB" s "\\fR" }
	BEGIN {
		up = toupper(name)
		printf ".TH %s 1 \"%s\" \"custodia %s\" \"custodia manual\"\n", up, date, version
		printf ".SH NAME\n%s \\- %s\n", name, esc(summary)
		state = "start"
	}
	state == "start" && /^usage: / {
		print ".SH SYNOPSIS\n.nf"
		sub(/^usage: /, "")
		print esc($0)
		state = "synopsis"
		next
	}
	state == "synopsis" && /^ / { sub(/^ +/, ""); print esc($0); next }
	state == "synopsis" { print ".fi"; state = "text"; print ".SH DESCRIPTION" }
	/^  -/ {
		if (state != "options" && !opts) print ".SH OPTIONS"
		else if (state != "options") print ".PP"
		state = "options"; opts = 1
		line = substr($0, 3)
		n = match(line, /   */)
		if (n) {
			print ".TP\n" optname(substr(line, 1, n - 1))
			rest = substr(line, n); sub(/^ +/, "", rest)
			print esc(rest)
		} else {
			print ".TP\n" optname(line)
		}
		next
	}
	state == "options" && /^      / { sub(/^ +/, ""); print esc($0); next }
	state == "options" { print ".PP"; state = "text" }
	/^$/ { print ".PP"; next }
	/^[a-z]+:$/ { print ".SS " esc($0); next }
	/^  [a-z]/ && state == "text" {
		# "  word   text" lines: a list (commands of custodia(1))
		line = substr($0, 3); n = match(line, /  +/)
		if (n) {
			print ".TP\n\\fB" esc(substr(line, 1, n - 1)) "\\fR"
			rest = substr(line, n); sub(/^ +/, "", rest); print esc(rest)
			next
		}
	}
	{ sub(/^ +/, ""); print esc($0) }
	END { if (state == "synopsis") print ".fi" }
	'
}

# The commands and their one-line summaries, from custodia --help.
"$bin" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ {
	name = $1; sub(/^  [a-z-]+ +/, ""); print name "\t" $0 }' >"$out/.commands"

{
	"$bin" --help | roff custodia "cross-border criminal justice cooperation"
	cat <<'PAGE'
.SH CONFIGURATION
Every command reads the configuration file named by \fB\-\-config\fR, else by
\fBCUSTODIA_CONFIG\fR, else /etc/custodia/custodia.conf if it exists: one
"key = value" per line. Each key is also an environment variable and a flag;
a flag beats the environment, which beats the file.
\fBcustodia config keys\fR lists them; \fBcustodia config check\fR validates a file.
.SH FILES
.TP
/etc/custodia/custodia.conf
the configuration file
.TP
/var/lib/custodia
the data directory of the packaged service (keys, database, evidence)
.SH SEE ALSO
PAGE
	sep=""
	while IFS="	" read -r cmd _; do
		printf '%s\\fBcustodia\\-%s\\fR(1)' "$sep" "$cmd"
		sep=", "
	done <"$out/.commands"
	echo
} >"$out/custodia.1"

while IFS="	" read -r cmd summary; do
	{
		"$bin" "$cmd" --help | roff "custodia-$cmd" "$summary"
		printf '.SH EXIT STATUS\n0 success, 1 usage error, 2 refused or not found, 3 internal error.\n'
		printf '.SH SEE ALSO\n\\fBcustodia\\fR(1)\n'
	} >"$out/custodia-$cmd.1"
done <"$out/.commands"
rm -f "$out/.commands"
