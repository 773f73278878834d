#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tools/memcheck.sh BUILD [REGEX]: the unit tests of BUILD (ctest label "unit", their names
# matching REGEX if given) under valgrind's memcheck, two at a time, each with the command,
# environment and directory CTest gives it. Fails if any test fails or valgrind reports an
# invalid access, a use of uninitialised memory or a definite or indirect leak (possible and
# reachable leaks are the libraries' caches: ICU, libmagic, Tesseract, fontconfig).
# Each test's report: BUILD/memcheck/NAME.log.
set -eu
if [ "${1:-}" = --one ]; then
	# One test (run by xargs below): NAME DIR ENV(comma-separated) COMMAND...
	out=$2 supp=$3 name=$4 dir=$5 env=$(echo "$6" | tr ',' ' ')
	shift 6
	log="$out/$name.log"
	start=$(date +%s)
	# valgrind goes before the first word that is a program of the build: a test run
	# through a wrapper (tests/s3/run_s3_test.sh starts an S3 server first) is checked
	# itself, not its wrapper. No word has a space in it (paths under the build).
	cmd="" found=""
	for a; do
		if [ -z "$found" ] && [ "${a#"${out%/memcheck}"/}" != "$a" ]; then
			cmd="$cmd valgrind --quiet --leak-check=full --error-exitcode=99"
			cmd="$cmd --errors-for-leak-kinds=definite,indirect"
			cmd="$cmd --show-leak-kinds=definite,indirect --track-origins=yes"
			cmd="$cmd --suppressions=$supp --log-file=$log"
			found=1
		fi
		cmd="$cmd $a"
	done
	# shellcheck disable=SC2086
	# CU_MEMCHECK: a test's speed assertions only print (valgrind emulates every instruction).
	if (cd "$dir" && env CU_MEMCHECK=1 $env $cmd >"$out/$name.out" 2>&1); then
		echo "memcheck: $name ok ($(($(date +%s) - start)) s)"
		exit 0
	fi
	echo "memcheck: $name FAILED ($(($(date +%s) - start)) s): $log, $out/$name.out"
	exit 1
fi
build=$(cd "${1:?usage: memcheck.sh BUILD [REGEX]}" && pwd)
regex=${2:-.}
supp="$(cd "$(dirname "$0")/.." && pwd)/tests/valgrind.supp"
out="$build/memcheck"
rm -rf "$out" && mkdir -p "$out"

# One line per test: name, directory, environment (comma-separated), command.
(cd "$build" && ctest --show-only=json-v1 -L unit -R "$regex") | jq -r '.tests[] |
  [.name,
   (.properties[] | select(.name == "WORKING_DIRECTORY") | .value),
   ([.properties[] | select(.name == "ENVIRONMENT") | .value[]] | join(","))] +
  .command | join(" ")' > "$out/tests.txt"

# Two at a time: the machine's two cores (valgrind runs a program on one).
if xargs -P "${JOBS:-2}" -L 1 sh "$0" --one "$out" "$supp" < "$out/tests.txt"; then
	echo "memcheck: no errors"
	exit 0
fi
echo "memcheck: errors (above)"
exit 1
