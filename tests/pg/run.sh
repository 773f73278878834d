#!/bin/sh
# Runs the test suite again with every data directory's records in PostgreSQL:
# starts a throwaway PostgreSQL 15 cluster (cluster.sh), runs ctest in the
# build directory with CUSTODIA_DB naming the server (each `custodia init`
# then makes a database of its own), and removes the cluster, pass or fail.
#   run.sh BUILD_DIR [CTEST ARGS...]
set -eu
build=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/custodia-pg-XXXXXX")
trap '"$here/cluster.sh" stop "$dir"' EXIT INT TERM
url=$("$here/cluster.sh" start "$dir")
echo "PostgreSQL test cluster: $url"
cd "$build"
CUSTODIA_DB=$url ctest "$@"
