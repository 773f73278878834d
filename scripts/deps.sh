#!/bin/sh
# Installs the Debian 12 packages custodia needs that are missing; installs
# nothing (and needs no network) when all are present. Usage: deps.sh [bench]
set -eu
pkgs="build-essential cmake pkg-config libsqlite3-dev libsodium-dev libssl-dev
libjansson-dev libicu-dev libcsv-dev
libxml2-dev libpoppler-glib-dev libtesseract-dev libgmime-3.0-dev libcld2-dev
tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-deu tesseract-ocr-ara tesseract-ocr-rus
tesseract-ocr-ukr tesseract-ocr-srp tesseract-ocr-srp-latn libpango1.0-dev libcairo2-dev
fonts-dejavu-core libh2o-evloop-dev libmagic-dev libarchive-dev libcmocka-dev libcurl4-openssl-dev curl jq sqlite3
golang-go golang-golang-x-mod-dev
iso-codes procps"
if [ "${1:-}" = bench ]; then
	pkgs="$pkgs wrk nginx-light time python3-jellyfish"
fi
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
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
