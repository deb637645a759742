# SPDX-License-Identifier: BSD-3-Clause
# Thin wrapper: the build is meson's. `make run` and `make test` also
# install what they need (scripts/install-deps.sh) on a fresh Debian 12.

BUILD     ?= build
ASAN      ?= build-asan
FUZZ      ?= build-fuzz
PYTHON    ?= /usr/bin/python3
FUZZ_SECONDS ?= 60

.PHONY: all deps build run run-huge test unit pytest asan fuzz bench clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	scripts/run.sh

# The same on hugepages (reserved, and hugetlbfs mounted, for the run),
# so that dpdk-dumpcap can attach and capture its ports.
run-huge: build
	scripts/run.sh --huge

# Unit tests (meson), then the packet-level suites (pytest).
test: build
	meson test -C $(BUILD) --print-errorlogs
	SF_BUILD=$(BUILD) $(PYTHON) -m pytest -v test/py

unit: build
	meson test -C $(BUILD) --print-errorlogs

pytest: build
	SF_BUILD=$(BUILD) $(PYTHON) -m pytest -v test/py

# The benchmark (docs/benchmarks.md): engine alone, synfront-gen over
# memif, Linux side by side on veth, latency, callgrind; regenerates the
# table in docs/benchmarks.md and the plots in docs/img/. Root, ~10 min.
bench: build
	$(PYTHON) bench/run.py --build $(BUILD) $(BENCH_ARGS)

# The C unit tests under AddressSanitizer and UBSan.
$(ASAN)/build.ninja:
	meson setup $(ASAN) -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug

asan: deps $(ASAN)/build.ninja
	ninja -C $(ASAN)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C $(ASAN) --print-errorlogs

# libFuzzer over the receive path, bounded by FUZZ_SECONDS.
$(FUZZ)/build.ninja:
	CC=clang meson setup $(FUZZ) -Dfuzz=true -Dtests=false \
		-Db_sanitize=address,undefined -Db_lundef=false

fuzz: deps $(FUZZ)/build.ninja
	ninja -C $(FUZZ)
	scripts/fuzz.sh $(FUZZ) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)
