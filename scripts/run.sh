#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `make run`: synfront on a net_tap device with config/synfront.ini. Once
# the tap appears, its kernel side gets 10.10.0.2/24 and fd00:10:10::2/64 so
# that `ping 10.10.0.1` and `ping -6 fd00:10:10::1` work from this host.
# Ctrl-C stops synfront cleanly (final counters, exit 0).
#
# `make run-huge` (run.sh --huge): the same on hugepages, so that DPDK's
# secondary processes (dpdk-dumpcap, dpdk-pdump, dpdk-proc-info) can attach;
# a --no-huge primary refuses them ("Cannot get hugepage information").
# It makes sure SF_HUGEPAGES (default 512) 2 MiB pages are free, mounts
# hugetlbfs on /dev/hugepages if none is mounted, and puts both back as
# they were when synfront exits.
set -u

BUILD=${BUILD:-build}
IFACE=${SF_IFACE:-sf0}
CONFIG=${SF_CONFIG:-config/synfront.ini}
LCORES=${SF_LCORES:-0-1}
HOST4=${SF_HOST4:-10.10.0.2/24}
HOST6=${SF_HOST6:-fd00:10:10::2/64}
HUGEPAGES=${SF_HUGEPAGES:-512}
NR_HUGE=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
FREE_HUGE=/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages
PREFIX="synfront-$IFACE"

huge=0
if [ "${1:-}" = "--huge" ]; then
	huge=1
	shift
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "run: synfront needs root for the tap device (try: sudo make run)" >&2
	exit 1
fi
if ip link show "$IFACE" >/dev/null 2>&1; then
	echo "run: interface $IFACE already exists; set SF_IFACE=name" >&2
	exit 1
fi
case "$HUGEPAGES" in
''|*[!0-9]*)
	echo "run: SF_HUGEPAGES '$HUGEPAGES' is not a number of 2 MiB pages" >&2
	exit 2 ;;
esac

# What --huge changed, undone on exit.
huge_nr_before=""
huge_mounted=""
huge_restore() {
	# A synfront that did not exit cleanly leaves its page files.
	for d in $(awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts); do
		rm -f "$d/${PREFIX}map_"*
	done
	if [ -n "$huge_mounted" ]; then
		umount "$huge_mounted" && rmdir "$huge_mounted" 2>/dev/null
		huge_mounted=""
	fi
	if [ -n "$huge_nr_before" ]; then
		echo "$huge_nr_before" >"$NR_HUGE"
		huge_nr_before=""
	fi
}

mem_args=(--no-huge -m 1024)
if [ "$huge" -eq 1 ]; then
	if [ ! -w "$NR_HUGE" ]; then
		echo "run: $NR_HUGE is missing or not writable: no 2 MiB hugepages here" >&2
		exit 1
	fi
	trap huge_restore EXIT
	free=$(cat "$FREE_HUGE")
	if [ "$free" -lt "$HUGEPAGES" ]; then
		huge_nr_before=$(cat "$NR_HUGE")
		echo $((huge_nr_before + HUGEPAGES - free)) >"$NR_HUGE"
		free=$(cat "$FREE_HUGE")
		if [ "$free" -lt "$HUGEPAGES" ]; then
			echo "run: asked the kernel for $HUGEPAGES free 2 MiB hugepages, got $free (memory too fragmented? try SF_HUGEPAGES=256)" >&2
			exit 1
		fi
	fi
	if ! awk '$3 == "hugetlbfs" { found = 1 } END { exit !found }' /proc/mounts; then
		mkdir -p /dev/hugepages
		mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages || exit 1
		huge_mounted=/dev/hugepages
	fi
	# No -m: EAL takes pages as synfront (and dumpcap's pool) need them.
	mem_args=()
	echo "run: on hugepages ($free free 2 MiB pages); capture with:"
	echo "       dpdk-dumpcap --file-prefix=$PREFIX -i net_tap0 -w /tmp/$IFACE.pcapng"
fi

"$BUILD/app/synfront" -l "$LCORES" "${mem_args[@]}" --no-pci \
	--file-prefix "$PREFIX" --vdev "net_tap0,iface=$IFACE" \
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
# EAL leaves its runtime directory behind; nothing else of ours remains
# (the EXIT trap puts the hugepages back).
rm -rf "/var/run/dpdk/$PREFIX"
exit "${rc:-1}"
