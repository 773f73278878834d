#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests: runs a command with a local S3 server (s3rver, web/node_modules) on a
# free loopback port: CU_TEST_S3_ENDPOINT, AWS_* and CUSTODIA_BLOBS_GRACE set.
# Usage: run_s3_test.sh COMMAND [ARGS...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/cu-s3-XXXXXX)
node "$here/s3rver.mjs" custodia "$dir/data" >"$dir/port" 2>"$dir/log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
i=0
while [ ! -s "$dir/port" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $pid 2>/dev/null; then
		echo "s3rver did not start:" >&2
		cat "$dir/log" >&2
		exit 1
	fi
	sleep 0.1
done
CU_TEST_S3_ENDPOINT="http://127.0.0.1:$(cat "$dir/port")"
CU_TEST_S3_DATA="$dir/data"
AWS_ACCESS_KEY_ID=S3RVER
AWS_SECRET_ACCESS_KEY=S3RVER
export CU_TEST_S3_ENDPOINT CU_TEST_S3_DATA AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
"$@"
