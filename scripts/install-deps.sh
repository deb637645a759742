#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what synfront builds and tests with, from Debian 12's archive.
# Idempotent: when every package is present it does nothing at all.
set -euo pipefail

pkgs=(
	build-essential pkg-config meson ninja-build
	dpdk dpdk-dev libdpdk-dev libnuma-dev libpcap-dev
	python3 python3-scapy python3-pytest
	iproute2 iputils-ping iputils-arping procps netcat-openbsd ethtool
	clang libclang-rt-14-dev
	valgrind netsniff-ng gnuplot-nox iptables
	curl wrk nginx-light tcpdump apache2-utils nghttp2-client
	libnetfilter-queue-dev
)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null; then
		sudo="sudo"
	else
		echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
