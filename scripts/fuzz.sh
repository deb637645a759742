#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run the fuzzers for a bounded time: fuzz.sh BUILD_DIR SECONDS.
# fuzz_rx (one frame per input), fuzz_flows (a program of frames of a
# few flows per input) and fuzz_http (what a client sends to the HTTP
# responder) share the time, one after the other. Each corpus grows in
# BUILD_DIR/corpus (fuzz_rx), BUILD_DIR/corpus_flows or
# BUILD_DIR/corpus_http (seeded from test/fuzz/regress/fuzz_http); crashes
# land in BUILD_DIR/crashes/<harness>-crash-* and fail the run, after both
# have run. The whole log of each is BUILD_DIR/fuzz_<harness>.log; on
# failure its first sanitizer report is printed too.
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-60}
mkdir -p "$build/corpus" "$build/corpus_flows" "$build/corpus_http" \
	"$build/crashes"
cp -n test/fuzz/regress/fuzz_http/* "$build/corpus_http/"
/usr/bin/python3 test/fuzz/seeds.py "$build/corpus"
/usr/bin/python3 test/fuzz/seeds_flows.py "$build/corpus_flows"

# run HARNESS CORPUS SECONDS MAX_LEN
run() {
	local h=$1 corpus=$2 secs=$3 max_len=$4 log=$build/fuzz_$1.log rc=0
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	"$build/test/fuzz/$h" -max_total_time="$secs" -max_len="$max_len" \
		-artifact_prefix="$build/crashes/$h-" -print_final_stats=1 \
		"$corpus" >"$log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		grep -m1 -A12 -E 'runtime error|ERROR: |fuzz_flows: |fuzz_http: |mbuf leak' \
			"$log" || true
	fi
	grep -E '^(#[0-9]+ +DONE|stat::|artifact_prefix|SUMMARY)' "$log" || true
	echo "fuzz: $h exit $rc after up to ${secs}s;" \
		"corpus $(ls "$corpus" | wc -l) inputs; log $log"
	return "$rc"
}

rx=$((seconds / 3))
flows=$((seconds / 3))
http=$((seconds - rx - flows))
rc=0
run fuzz_rx "$build/corpus" "$((rx > 0 ? rx : 1))" 1600 || rc=$?
run fuzz_flows "$build/corpus_flows" "$((flows > 0 ? flows : 1))" 1024 ||
	rc=$?
run fuzz_http "$build/corpus_http" "$((http > 0 ? http : 1))" 4096 ||
	rc=$?
exit "$rc"
