# custodia: the two commands of the README, and the steps behind them.
#   make demo   install what is missing, build, serve the demo scenario
#   make check  install what is missing, build, run every test (also under ASan+UBSan,
#               under ThreadSanitizer, and again on PostgreSQL)
JOBS  ?= $(shell nproc)
DATA  ?= ./custodia-data
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps build build-asan build-tsan check test test-asan test-tsan test-pg memcheck lint \
	demo bench fuzz fuzz-build fuzz-merge install package clean

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

build-tsan: deps
	@cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCU_SANITIZE=thread >/dev/null
	@cmake --build build-tsan -j $(JOBS)

# The server's tests, and the unit tests that run threads of their own, with
# ThreadSanitizer (the servers they start are build-tsan's binary: CU_BIN). Each
# report goes to a file of its own; a run passes only with none (suppressions:
# tests/tsan.supp, third-party libraries only). test_core_ledger is here for
# `ledger verify`, which reads on one thread while another checks (9 s under TSan).
# TSAN_TESTS=. runs every unit, API and CLI test (slower: test_extract's parallel
# OCR and the CLI tests' extraction workers take minutes each under TSan on two cores).
TSAN_TESTS ?= ^(test_api_.*|test_util_err|test_vault|test_core_evidence|test_core_ledger|test_match_index)$$
# Left out by default: the access-control matrix (26,000 requests one at a time, 85 s under
# TSan) and the login throttle (mostly waiting for its windows) exercise no threads the
# other API tests do not; they run in the three other passes. TSAN_SKIP= runs them too.
TSAN_SKIP ?= ^test_api_(acl|throttle)$$
test-tsan: build-tsan
	rm -rf build-tsan/tsan-reports && mkdir -p build-tsan/tsan-reports
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(CURDIR)/tests/tsan.supp:log_path=$(CURDIR)/build-tsan/tsan-reports/tsan \
	  ctest --output-on-failure -j $(JOBS) -L 'unit|api|cli' -R '$(TSAN_TESTS)' \
	  $(if $(TSAN_SKIP),-E '$(TSAN_SKIP)')
	@if [ -n "$$(ls build-tsan/tsan-reports)" ]; then cat build-tsan/tsan-reports/*; \
	  echo "test-tsan: ThreadSanitizer reported (above)"; exit 1; fi

# Every test again with the records in PostgreSQL 15 (a throwaway cluster).
test-pg: build
	./tests/pg/run.sh build --output-on-failure -j $(JOBS) -LE pgself

# The unit tests under valgrind's memcheck (RelWithDebInfo build): no invalid access, no
# use of uninitialised memory, no definite or indirect leak. Slow (tens of minutes: every
# OCR and Argon2id run is emulated): not part of make check. MEMCHECK_TESTS=REGEX for some.
MEMCHECK_TESTS ?= .
memcheck: build
	@./scripts/deps.sh lint
	JOBS=$(JOBS) ./tools/memcheck.sh build '$(MEMCHECK_TESTS)'

# cppcheck and clang-tidy over src/ (.clang-tidy, tools/cppcheck.cfg): both report nothing
# (bench/RESULTS.md, "Memory safety and threads"). About 5 CPU-minutes: not in make check.
lint: build
	@./scripts/deps.sh lint
	JOBS=$(JOBS) ./tools/lint.sh build

check: test test-asan test-tsan test-pg

demo: build
	./build/custodia demo --data $(DATA) --listen $(LISTEN)

bench: deps
	@./scripts/deps.sh bench
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j $(JOBS)
	./bench/startup/run.sh
	./bench/api/run.sh
	./bench/ingest/run.sh
	./bench/ledger/run.sh
	./bench/actionday/run.sh
	./bench/acl/run.sh
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
	rm -rf build build-asan build-tsan build-fuzz
