#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
#
# Build pktgen 23.06.1 with Lua against Debian 12's DPDK 22.11, from a
# checkout the caller gives (none of pktgen's code is in this repository):
#
#   scripts/build-pktgen.sh SRC_DIR [BUILD_DIR]
#
# SRC_DIR is a checkout of https://github.com/pktgen/Pktgen-DPDK at tag
# pktgen-23.06.1; BUILD_DIR defaults to SRC_DIR/build. The script
#   1. checks SRC_DIR's VERSION file says 23.06.1;
#   2. installs from Debian what the build needs, when missing (as
#      scripts/install-deps.sh does: apt-get, as root or through sudo);
#   3. applies config/pktgen/patches/*.patch to SRC_DIR, each once: a
#      patch already applied is left alone, one that fits neither way
#      stops the script (the source is not pktgen 23.06.1 as released);
#   4. configures with meson (-Denable_lua=true, which syn-flood.lua needs)
#      and builds with ninja (JOBS, default: the number of CPUs);
#   5. prints the binary's path as a shell line to stdout, and everything
#      else to stderr, so that
#
#        eval "$(scripts/build-pktgen.sh ~/Pktgen-DPDK)"
#
#      leaves SF_PKTGEN set for the commands of docs/pktgen.md and for
#      test/py/test_pktgen.py.
#
# pktgen compiles with -march=native: the binary runs on the machine
# (or CPU model) that built it.
set -euo pipefail

want_version="23.06.1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
patch_dir="$(cd "$here/../config/pktgen/patches" && pwd)"

say() { echo "build-pktgen: $*" >&2; }
die() { echo "build-pktgen: $*" >&2; exit 1; }

if [ $# -lt 1 ] || [ $# -gt 2 ] || [ "${1:-}" = "-h" ] ||
	[ "${1:-}" = "--help" ]; then
	echo "usage: $0 SRC_DIR [BUILD_DIR]" >&2
	echo "  SRC_DIR: a Pktgen-DPDK checkout at tag pktgen-$want_version" >&2
	exit 2
fi
[ -d "$1" ] || die "SRC_DIR '$1' is not a directory"
src="$(cd "$1" && pwd)"
build="${2:-$src/build}"
case "$build" in
/*) ;;
*) build="$PWD/$build" ;;
esac

# 1. The version. The patches are written for this release's lines; a
# later release has other APIs (it needs a newer DPDK than Debian's).
[ -f "$src/VERSION" ] ||
	die "'$src' has no VERSION file: not a Pktgen-DPDK checkout"
got_version="$(tr -d ' \t\r\n' < "$src/VERSION")"
[ "$got_version" = "$want_version" ] ||
	die "'$src' is pktgen '$got_version', expected '$want_version'" \
		"(git -C '$src' checkout pktgen-$want_version)"

# 2. Build dependencies, from Debian 12. pktgen's meson file looks for
# lua, lua-5.3, lua5.3, lua-5.4, lua5.4 in that order; its documentation
# names Lua 5.3, Debian's liblua5.3-dev provides lua5.3.pc.
pkgs=(build-essential pkg-config meson ninja-build patch
	libdpdk-dev libnuma-dev libpcap-dev liblua5.3-dev)
missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -gt 0 ]; then
	say "installing ${missing[*]}"
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null ||
			die "need root (or sudo) to install: ${missing[*]}"
		sudo="sudo"
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -q >&2
	$sudo apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >&2
fi

# 3. The fixes, each once. A reverse dry run that succeeds means the
# patch is already in; a forward one that succeeds means it applies. All
# are checked before any is applied, so a mismatch changes nothing.
shopt -s nullglob
patches=("$patch_dir"/*.patch)
[ ${#patches[@]} -gt 0 ] || die "no patches in $patch_dir"
to_apply=()
for p in "${patches[@]}"; do
	name="$(basename "$p")"
	if patch -d "$src" -p1 -R --dry-run -s -f < "$p" >/dev/null 2>&1; then
		say "$name: already applied"
	elif patch -d "$src" -p1 -N --dry-run -s -f < "$p" >/dev/null 2>&1
	then
		to_apply+=("$p")
	else
		patch -d "$src" -p1 -N --dry-run -f < "$p" >&2 || true
		die "$name does not apply to '$src' (above): its files are" \
			"not those of pktgen $want_version as released; nothing" \
			"was changed"
	fi
done
for p in "${to_apply[@]}"; do
	patch -d "$src" -p1 -N -s -f --no-backup-if-mismatch < "$p" >&2
	say "$(basename "$p"): applied"
done

# 4. Configure (or reconfigure an existing build with Lua on) and build.
if [ -f "$build/build.ninja" ]; then
	meson configure "$build" -Denable_lua=true >&2
else
	meson setup "$build" "$src" -Denable_lua=true >&2
fi
ninja -C "$build" -j "${JOBS:-$(nproc)}" >&2

bin="$build/app/pktgen"
[ -x "$bin" ] || die "ninja finished but '$bin' is missing"

# 5. The one line on stdout.
say "pktgen $want_version built: $bin"
printf 'export SF_PKTGEN=%q\n' "$bin"
