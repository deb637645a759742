# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
The neighbour table end to end on net_tap (lib/net/sf_neigh.c): synfront
announces its addresses (gratuitous ARP, unsolicited NA) at start and on
/synfront/announce, and /synfront/neigh lists the kernel peer once the
kernel has resolved synfront's addresses (its ARP request and NS taught
synfront its MAC, RFC 826 merge and RFC 4861 7.2.3).
"""

import json
import threading
import time
from pathlib import Path

import pytest

from conftest import PEER_V4, PEER_V6, PYTHON, SF_V4, SF_V6, needs_root, run

scapy = pytest.importorskip("scapy.all")
from scapy.all import ARP, ICMPv6ND_NA, ICMPv6NDOptDstLLAddr, Ether, IPv6  # noqa: E402,E501

pytestmark = needs_root

HERE = Path(__file__).resolve().parent



def sniff_from(sf, seconds):
    """Frames from synfront's MAC seen on the kernel side for seconds."""
    req = {"iface": sf.iface, "src_mac": sf.mac, "sniff_s": seconds,
           "frames": []}
    r = run([PYTHON, str(HERE / "sf_inject.py")], ns=sf.ns,
            timeout=seconds + 20, input=json.dumps(req))
    assert r.returncode == 0, r.stderr
    return [Ether(bytes.fromhex(h)) for h in json.loads(r.stdout)]


def test_announce(tap):
    # At start: one per address, before the kernel side was even up.
    assert tap.stats()["neigh_announce"] == 2
    got = []
    t = threading.Thread(target=lambda: got.extend(sniff_from(tap, 5.0)))
    t.start()
    time.sleep(3.0)               # scapy imported, the sniffer runs
    assert tap.telemetry("/synfront/announce") == {"ports": 1}
    t.join()
    garp = [p for p in got if ARP in p]
    assert len(garp) == 1, [p.summary() for p in got]
    a = garp[0]
    assert a[Ether].dst == "ff:ff:ff:ff:ff:ff"
    assert (a[ARP].op, a[ARP].psrc, a[ARP].pdst) == (1, SF_V4, SF_V4)
    assert a[ARP].hwsrc == tap.mac
    na = [p for p in got if ICMPv6ND_NA in p]
    assert len(na) == 1, [p.summary() for p in got]
    n = na[0]
    assert n[Ether].dst == "33:33:00:00:00:01"
    assert (n[IPv6].dst, n[IPv6].hlim) == ("ff02::1", 255)
    assert n[ICMPv6ND_NA].tgt == SF_V6
    assert (n[ICMPv6ND_NA].R, n[ICMPv6ND_NA].S, n[ICMPv6ND_NA].O) == \
        (0, 0, 1)
    assert n[ICMPv6NDOptDstLLAddr].lladdr == tap.mac
    assert tap.stats()["neigh_announce"] == 4


def test_neigh_lists_peer(tap):
    r = run(["ip", "-j", "link", "show", "dev", tap.iface], ns=tap.ns,
            timeout=10, check=True)
    peer_mac = json.loads(r.stdout)[0]["address"].lower()
    # The kernel asks for our addresses (ARP request, NS with its SLLA).
    run(["ip", "neigh", "flush", "dev", tap.iface], ns=tap.ns, timeout=10)
    for addr, v6 in ((SF_V4, False), (SF_V6, True)):
        r = run(["ping"] + (["-6"] if v6 else []) +
                ["-c", "1", "-W", "2", addr], ns=tap.ns, timeout=15)
        assert r.returncode == 0, r.stdout + r.stderr
    deadline = time.monotonic() + 5
    while True:
        lines = tap.telemetry("/synfront/neigh")
        byaddr = {ln.split()[0]: ln for ln in lines}
        if PEER_V4 in byaddr and PEER_V6 in byaddr or \
                time.monotonic() > deadline:
            break
        time.sleep(0.2)
    for addr in (PEER_V4, PEER_V6):
        assert addr in byaddr, lines
        f = byaddr[addr].split()
        # "ADDR port 0 lladdr MAC STATE age_ms A used_ms U probes N ..."
        assert f[1:5] == ["port", "0", "lladdr", peer_mac], byaddr[addr]
        assert f[5] in ("STALE", "REACHABLE", "DELAY"), byaddr[addr]
    s = tap.stats()
    assert s["neigh_created"] >= 2 and s["neigh_learnt"] >= 2, s
    assert s["neigh_failed"] == 0 and s["neigh_table_full"] == 0, s
