#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `make run`: synfront on a net_tap device with config/synfront.ini. Once
# the tap appears, its kernel side gets 10.10.0.2/24 and fd00:10:10::2/64 so
# that `ping 10.10.0.1` and `ping -6 fd00:10:10::1` work from this host.
# Ctrl-C stops synfront cleanly (final counters, exit 0).
set -u

BUILD=${BUILD:-build}
IFACE=${SF_IFACE:-sf0}
CONFIG=${SF_CONFIG:-config/synfront.ini}
LCORES=${SF_LCORES:-0-1}
HOST4=${SF_HOST4:-10.10.0.2/24}
HOST6=${SF_HOST6:-fd00:10:10::2/64}

if [ "$(id -u)" -ne 0 ]; then
	echo "run: synfront needs root for the tap device (try: sudo make run)" >&2
	exit 1
fi
if ip link show "$IFACE" >/dev/null 2>&1; then
	echo "run: interface $IFACE already exists; set SF_IFACE=name" >&2
	exit 1
fi

"$BUILD/app/synfront" -l "$LCORES" --no-huge -m 1024 --no-pci \
	--file-prefix "synfront-$IFACE" --vdev "net_tap0,iface=$IFACE" \
	-- -c "$CONFIG" "$@" &
pid=$!
# Ctrl-C reaches synfront through the terminal's process group; TERM from
# elsewhere is passed on. Either way we wait for its clean exit.
trap 'kill -INT $pid 2>/dev/null' INT TERM

for _ in $(seq 1 100); do
	ip link show "$IFACE" >/dev/null 2>&1 && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.1
done
if ip link show "$IFACE" >/dev/null 2>&1; then
	ip addr add "$HOST4" dev "$IFACE"
	ip -6 addr add "$HOST6" dev "$IFACE" nodad
	ip link set "$IFACE" up
	echo "run: $IFACE is up on the host side ($HOST4, $HOST6); try:"
	echo "       ping 10.10.0.1; ping -6 fd00:10:10::1; Ctrl-C to stop"
fi
while kill -0 $pid 2>/dev/null; do
	wait $pid
	rc=$?
done
# EAL leaves its runtime directory behind; nothing else of ours remains.
rm -rf "/var/run/dpdk/synfront-$IFACE"
exit "${rc:-1}"
