#!/bin/sh
# Installs the Debian 12 packages custodia needs that are missing, and the web
# application's npm packages as web/package-lock.json pins them; installs
# nothing (and needs no network) when all are present. Usage: deps.sh [bench|fuzz|lint]
set -eu
pkgs="build-essential cmake pkg-config libsqlite3-dev libsodium-dev libssl-dev
libjansson-dev libicu-dev libcsv-dev
libxml2-dev libpq-dev postgresql-15 libpoppler-glib-dev libtesseract-dev libgmime-3.0-dev libcld2-dev
tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-deu tesseract-ocr-ara tesseract-ocr-rus
tesseract-ocr-ukr tesseract-ocr-srp tesseract-ocr-srp-latn libpango1.0-dev libcairo2-dev
fonts-dejavu-core libh2o-evloop-dev libmagic-dev libarchive-dev libcmocka-dev libcurl4-openssl-dev curl jq sqlite3
golang-go golang-golang-x-mod-dev softhsm2 libp11-kit-dev
iso-codes procps chromium dpkg-dev groff-base"
# Node.js builds the web application (esbuild) and drives the browser tests:
# the machine's own if it has one, else Debian's.
command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
# make lint and make memcheck: the static analysers and valgrind.
if [ "${1:-}" = lint ]; then
	pkgs="$pkgs cppcheck clang-tidy valgrind"
fi
if [ "${1:-}" = bench ]; then
	pkgs="$pkgs wrk nginx-light time python3-jellyfish postgresql-contrib"
fi
# make fuzz: clang with libFuzzer and the sanitizers' runtimes.
if [ "${1:-}" = fuzz ]; then
	pkgs="$pkgs clang libclang-rt-14-dev"
fi
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	if [ "$(id -u)" -ne 0 ]; then
		SUDO=sudo
	else
		SUDO=
	fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -q
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -q --no-install-recommends $missing
fi

# The web application's packages, exactly as locked (npm ci), when the lock
# file is newer than the last install. No install scripts run: esbuild's
# binary comes as its own package (@esbuild/linux-x64), and playwright-core
# drives Debian's Chromium instead of downloading a browser.
web="$(dirname "$0")/../web"
if [ ! -f "$web/node_modules/.package-lock.json" ] ||
   [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
	(cd "$web" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
