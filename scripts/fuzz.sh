#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run the receive-path fuzzer for a bounded time: fuzz.sh BUILD_DIR SECONDS.
# The corpus grows in BUILD_DIR/corpus; crashes land in BUILD_DIR/crashes
# and fail the run.
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-60}
mkdir -p "$build/corpus" "$build/crashes"
/usr/bin/python3 test/fuzz/seeds.py "$build/corpus"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
"$build/test/fuzz/fuzz_rx" -max_total_time="$seconds" -max_len=1600 \
	-artifact_prefix="$build/crashes/" -print_final_stats=1 \
	"$build/corpus" 2>&1 | tail -25
rc=${PIPESTATUS[0]}
echo "fuzz: exit $rc after up to ${seconds}s; corpus $(ls "$build/corpus" | wc -l) inputs"
exit "$rc"
