# SPDX-License-Identifier: BSD-3-Clause
# Thin wrapper: the build is meson's. `make run` and `make test` also
# install what they need (scripts/install-deps.sh) on a fresh Debian 12.

BUILD     ?= build
ASAN      ?= build-asan
FUZZ      ?= build-fuzz
PYTHON    ?= /usr/bin/python3
FUZZ_SECONDS ?= 60

.PHONY: all deps build run run-huge test unit pytest example asan fuzz bench \
	bench-synproxy bench-http \
	clean

all: build

deps:
	@scripts/install-deps.sh

# Link-time optimisation: the layers are separate archives, and inlining
# across them saves 3-7 % of the instructions per handshake packet
# (docs/benchmarks.md). Sanitizer and fuzzing builds go without it.
$(BUILD)/build.ninja:
	meson setup $(BUILD) -Db_lto=true

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	scripts/run.sh

# The same on hugepages (reserved, and hugetlbfs mounted, for the run),
# so that dpdk-dumpcap can attach and capture its ports.
run-huge: build
	scripts/run.sh --huge

# Unit tests (meson), then the packet-level suites (pytest), which also run
# the example built against the installed tree.
test: build example
	meson test -C $(BUILD) --print-errorlogs
	SF_BUILD=$(BUILD) $(PYTHON) -m pytest -v test/py

unit: build
	meson test -C $(BUILD) --print-errorlogs

pytest: build
	SF_BUILD=$(BUILD) $(PYTHON) -m pytest -v test/py

# examples/embed built as a user would: `meson install` into a fresh
# DESTDIR, then the example's own Makefile, which finds synfront there
# through pkg-config alone (libsynfront.pc is relocatable: meson.build;
# a build folder set up before that default gets it set here). The
# binary is $(BUILD)/examples/embed/embed, run by test/py/test_example.py.
EXAMPLE_DESTDIR = $(abspath $(BUILD))/destdir

example: build
	@meson configure $(BUILD) | grep -Eq '^ *pkgconfig\.relocatable +true' || \
		{ set -x; meson configure $(BUILD) -Dpkgconfig.relocatable=true; }
	rm -rf $(EXAMPLE_DESTDIR)
	meson install -C $(BUILD) --destdir $(EXAMPLE_DESTDIR) --quiet
	PKG_CONFIG_PATH=$$(dirname $$(find $(EXAMPLE_DESTDIR) -name libsynfront.pc)) \
		$(MAKE) -B -C examples/embed O=$(abspath $(BUILD))/examples/embed

# The commit that make bench compares this tree with (old against new,
# callgrind and timed pairs; bench/baseline.sh builds its sf_bench in
# build-base/): the last one before issue 20's changes. BENCH_BASE= to skip.
BENCH_BASE ?= e68ffea

# The benchmark (docs/benchmarks.md): engine alone, synfront-gen over
# memif, Linux side by side on veth, latency, callgrind; regenerates the
# table in docs/benchmarks.md and the plots in docs/img/. Root, ~15 min.
bench: build
	@if [ -n "$(BENCH_BASE)" ] && \
	    base=$$(bash bench/baseline.sh $(BENCH_BASE) build-base); then \
		set -x; $(PYTHON) bench/run.py --build $(BUILD) --baseline "$$base" \
			--baseline-rev $(BENCH_BASE) $(BENCH_ARGS); \
	else \
		[ -z "$(BENCH_BASE)" ] || echo "bench: no old sf_bench of" \
			"$(BENCH_BASE) (above): the run goes without the" \
			"old-against-new table" >&2; \
		set -x; $(PYTHON) bench/run.py --build $(BUILD) $(BENCH_ARGS); \
	fi
	$(PYTHON) bench/synproxy.py --build $(BUILD) --pmd af_xdp \
		--rates 20000,50000,100000,150000
	$(PYTHON) bench/http.py --build $(BUILD) --pmd af_xdp

# The SYN proxy against Linux's SYNPROXY alone (docs/benchmarks.md), ~4 min.
bench-synproxy: build
	$(PYTHON) bench/synproxy.py --build $(BUILD) --pmd af_xdp \
		--rates 20000,50000,100000,150000

# The HTTP responder against nginx on Linux alone (docs/benchmarks.md),
# about 2 minutes.
bench-http: build
	$(PYTHON) bench/http.py --build $(BUILD) --pmd af_xdp

# The C unit tests under AddressSanitizer and UBSan.
$(ASAN)/build.ninja:
	meson setup $(ASAN) -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug

asan: deps $(ASAN)/build.ninja
	ninja -C $(ASAN)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C $(ASAN) --print-errorlogs

# libFuzzer: fuzz_rx (one frame per input), then fuzz_flows (a program of
# frames of a few flows per input), sharing FUZZ_SECONDS; a crash fails.
$(FUZZ)/build.ninja:
	CC=clang meson setup $(FUZZ) -Dfuzz=true -Dtests=false \
		-Db_sanitize=address,undefined -Db_lundef=false

fuzz: deps $(FUZZ)/build.ninja
	ninja -C $(FUZZ)
	scripts/fuzz.sh $(FUZZ) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ) build-base
