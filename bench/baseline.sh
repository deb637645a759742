#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
#
# bench/baseline.sh REV DIR: build sf_bench as it was at commit REV, in
# DIR (DIR/src from `git archive`, DIR/build by that tree's meson files,
# set up as its Makefile did), for make bench's old-against-new table. Prints
# the binary's path; builds nothing when DIR already holds REV's.
set -euo pipefail

rev=${1:?usage: baseline.sh REV DIR}
dir=${2:?usage: baseline.sh REV DIR}
cd "$(dirname "$0")/.."
if ! want=$(git rev-parse --verify "$rev^{commit}"); then
	echo "baseline.sh: $rev is not a commit of this clone (on a shallow" \
		"clone: git fetch --unshallow)" >&2
	exit 2
fi
bin=$dir/build/bench/sf_bench
if [ -x "$bin" ] && [ "$(cat "$dir/rev" 2>/dev/null)" = "$want" ]; then
	echo "$bin"
	exit 0
fi
rm -rf "$dir"
mkdir -p "$dir/src"
git archive "$want" | tar -x -C "$dir/src"
# As that commit's own Makefile set its build up: with LTO from 504da0f.
lto=
if git show "$want:Makefile" 2>/dev/null | grep -q 'b_lto=true'; then
	lto=-Db_lto=true
fi
meson setup $lto "$dir/build" "$dir/src" >"$dir/setup.log" 2>&1 ||
	{ tail -20 "$dir/setup.log" >&2; exit 1; }
ninja -C "$dir/build" bench/sf_bench >"$dir/build.log" 2>&1 ||
	{ tail -20 "$dir/build.log" >&2; exit 1; }
echo "$want" >"$dir/rev"
echo "$bin"
