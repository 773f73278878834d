# custodia: the two commands of the README, and the steps behind them.
#   make demo   install what is missing, build, serve the demo scenario
#   make check  install what is missing, build, run every test (also under ASan+UBSan,
#               and again on PostgreSQL)
JOBS  ?= $(shell nproc)
DATA  ?= ./custodia-data
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps build build-asan check test test-asan test-pg demo bench \
	fuzz fuzz-build fuzz-merge install package clean

all: build

deps:
	@./scripts/deps.sh

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j $(JOBS)

build-asan: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCU_SANITIZE="address;undefined" >/dev/null
	@cmake --build build-asan -j $(JOBS)

test: build
	cd build && ctest --output-on-failure -j $(JOBS)

# Unit and API tests again with AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: build-asan
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -L 'unit|api|cli'

# Every test again with the records in PostgreSQL 15 (a throwaway cluster).
test-pg: build
	./tests/pg/run.sh build --output-on-failure -j $(JOBS) -LE pgself

check: test test-asan test-pg

demo: build
	./build/custodia demo --data $(DATA) --listen $(LISTEN)

bench: deps
	@./scripts/deps.sh bench
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j $(JOBS)
	./bench/api/run.sh
	./bench/ingest/run.sh
	./bench/ledger/run.sh
	./bench/actionday/run.sh
	./bench/match-eval/run.sh
	./bench/match/run.sh
	./bench/search/run.sh
	./bench/scale/run.sh

# The libFuzzer targets (fuzz/), built with clang, ASan and UBSan into build-fuzz/, each
# run for FUZZ_SECONDS on its work corpus build-fuzz/corpora/NAME (FUZZ_TARGETS: some only).
# make fuzz-merge adds what reaches new coverage to the committed seeds in fuzz/corpora/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz-build: deps
	@./scripts/deps.sh fuzz
	@CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCU_BUILD_FUZZERS=ON -DCU_BUILD_TESTS=OFF -DCU_SANITIZE="address;undefined" >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzzers

fuzz: fuzz-build
	./fuzz/run.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)
	@./fuzz/run.sh --summary build-fuzz

fuzz-merge: fuzz-build
	./fuzz/run.sh --merge build-fuzz $(FUZZ_TARGETS)

# make install [PREFIX=/usr] [DESTDIR=...]: the binary, manual pages, bash completion,
# systemd unit and /etc/custodia/custodia.conf.
PREFIX ?= /usr/local
install: build
	cmake --install build --prefix $(PREFIX)

# build/custodia_<version>_amd64.deb (CPack; dependencies from dpkg-shlibdeps).
package: build
	cd build && cpack

clean:
	rm -rf build build-asan build-fuzz
