#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tools/lint.sh [BUILD]: cppcheck and clang-tidy over src/, as BUILD/compile_commands.json
# compiles it (default build/; CMAKE_EXPORT_COMPILE_COMMANDS is on). Prints every finding
# and fails if there is one. Configuration: .clang-tidy (its checks and why some are off),
# tools/cppcheck.cfg (library macros) and the options below; a finding that is wrong is
# silenced where it is, with a comment saying why (cppcheck-suppress, NOLINT).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
jobs=${JOBS:-2}
lint="$build/lint"
mkdir -p "$lint"

# Only src/: the tests and build helpers are not the product (and not held to it).
jq --arg src "$root/src/" '[.[] | select(.file | startswith($src))]' \
	"$build/compile_commands.json" > "$lint/compile_commands.json"

fail=0
# cppcheck: warnings (undefined behaviour, leaks, misuse of the C library), portability and
# performance. Not "style": its findings (variable scope, const parameters, ...) are matters
# the house style settles otherwise. No system headers: library macros it must expand are in
# tools/cppcheck.cfg.
echo "lint: cppcheck"
if ! cppcheck --project="$lint/compile_commands.json" --library="$root/tools/cppcheck.cfg" \
	--enable=warning,portability,performance --std=c11 --inline-suppr --quiet \
	--error-exitcode=1 -j "$jobs" --cppcheck-build-dir="$lint" \
	--template='{file}:{line}: {severity} ({id}): {message}'; then
	fail=1
fi

# clang-tidy: the checks of .clang-tidy, every warning an error.
echo "lint: clang-tidy"
if ! jq -r '.[].file' "$lint/compile_commands.json" |
	xargs -P "$jobs" -n 4 clang-tidy -p "$build" --quiet 2>/dev/null; then
	fail=1
fi
[ $fail -eq 0 ] && echo "lint: nothing to report" || echo "lint: findings (above)"
exit $fail
