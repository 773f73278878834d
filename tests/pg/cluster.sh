#!/bin/sh
# A throwaway PostgreSQL 15 cluster for the tests, in a temporary directory,
# on a free loopback port.
#   cluster.sh start DIR   initdb + start; prints the server's URL (no database
#                          named: each `custodia init` makes its own)
#   cluster.sh stop DIR    stops it and removes DIR
# As root, the server runs as the user postgres (initdb refuses root).
set -eu
bin=/usr/lib/postgresql/15/bin
cmd=$1 dir=$2
as() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $cmd in
start)
	mkdir -p "$dir"
	[ "$(id -u)" -ne 0 ] || chown postgres "$dir"
	as "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
		>"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
	# A free port: ask the kernel for one, then hope nobody takes it in between
	# (pg_ctl fails clearly if someone did, and we try again).
	for try in 1 2 3 4 5; do
		port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
		# fsync off: a test cluster holds nothing worth a sync. Benchmarks
		# (CU_PG_DURABLE=1) keep PostgreSQL's durable defaults.
		if [ "${CU_PG_DURABLE:-0}" = 1 ]; then
			opts=""
		else
			opts="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
		fi
		if as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
			-o "-p $port -k $dir -c listen_addresses=127.0.0.1 $opts -c max_connections=400" \
			start >/dev/null 2>&1; then
			echo "postgresql://postgres@127.0.0.1:$port/"
			exit 0
		fi
	done
	cat "$dir/server.log" >&2
	exit 1
	;;
stop)
	if [ -d "$dir/data" ]; then
		as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start|stop DIR" >&2
	exit 2
	;;
esac
