# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
End to end on net_tap: synfront owns a tap inside a network namespace the
test creates; the namespace's kernel (10.10.0.2, fd00:10:10::2) is the
peer. The kernel sends traffic of its own (MLD, router solicitations), so
counter checks compare only the counters a test targets, before and after.
Spoofed sources stay inside 10.10.0.0/24 and fd00:10:10::/64 and are never
the kernel's own address.
"""

import json
import re
import time
from pathlib import Path

import pytest

from conftest import (DPDK_RUN_DIR, PYTHON, REPO, SF_V4, SF_V6, Synfront,
                      needs_root, netns_exists, run, telemetry_script)

scapy = pytest.importorskip("scapy.all")
from scapy.all import (ICMP, IP, TCP, Ether, ICMPv6ND_NS,  # noqa: E402
                       ICMPv6NDOptSrcLLAddr, IPv6, Raw)

pytestmark = needs_root

HERE = Path(__file__).resolve().parent
SPOOF_MAC = "02:00:00:00:00:77"
SPOOF_V4 = "10.10.0.77"
SPOOF_V6 = "fd00:10:10::77"


def counter_names():
    """The counter list, in order, from lib/include/sf_counters.h."""
    text = (REPO / "lib" / "include" / "sf_counters.h").read_text()
    body = text.split("#define SF_COUNTER_LIST(X)", 1)[1]
    body = body.split("#define", 1)[0]
    return re.findall(r"\bX\((\w+),", body)



def delta(before, after, names):
    return {n: after[n] - before[n] for n in names}


def ping(sf, addr, count, v6=False, timeout=15):
    cmd = ["ping"] + (["-6"] if v6 else []) + [
        "-c", str(count), "-i", "0.2", "-W", "2", "-w", "10", addr]
    return run(cmd, ns=sf.ns, timeout=timeout)


@pytest.mark.parametrize("v6", [False, True], ids=["ipv4", "ipv6"])
def test_ping(tap, v6):
    name = "icmp6_echo_replies" if v6 else "icmp_echo_replies"
    before = tap.stats()
    r = ping(tap, SF_V6 if v6 else SF_V4, 3, v6=v6)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "3 packets transmitted, 3 received" in r.stdout, r.stdout
    after = tap.wait_counters(lambda s: s[name] - before[name] >= 3,
                              timeout=5, what=name)
    assert after[name] - before[name] >= 3


def test_neighbours_resolved(tap):
    """The kernel learnt synfront's MAC by ARP and by ND."""
    for addr, v6 in ((SF_V4, False), (SF_V6, True)):
        r = ping(tap, addr, 1, v6=v6)
        assert r.returncode == 0, r.stdout + r.stderr
    r = run(["ip", "-j", "neigh", "show", "dev", tap.iface], ns=tap.ns,
            timeout=10, check=True)
    neigh = {n["dst"]: n for n in json.loads(r.stdout)}
    for addr in (SF_V4, SF_V6):
        assert addr in neigh, r.stdout
        n = neigh[addr]
        assert n.get("lladdr", "").lower() == tap.mac, n
        assert not set(n.get("state", [])) & {"FAILED", "INCOMPLETE"}, n


def test_arping(tap):
    before = tap.stats()
    r = run(["arping", "-c", "2", "-w", "5", "-I", tap.iface, SF_V4],
            ns=tap.ns, timeout=15)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Received 2 response(s)" in r.stdout, r.stdout
    assert "[%s]" % tap.mac.upper() in r.stdout, r.stdout
    after = tap.wait_counters(
        lambda s: s["arp_replies"] - before["arp_replies"] >= 2,
        timeout=5, what="arp_replies")
    assert after["arp_replies"] - before["arp_replies"] >= 2


def inject(sf, frames, sniff_s=1.0, timeout=25):
    """sendp frames on the kernel side; return synfront's replies seen."""
    req = {"iface": sf.iface, "src_mac": sf.mac, "sniff_s": sniff_s,
           "frames": [bytes(f).hex() for f in frames]}
    r = run([PYTHON, str(HERE / "sf_inject.py")], ns=sf.ns, timeout=timeout,
            input=json.dumps(req))
    assert r.returncode == 0, r.stderr
    return [Ether(bytes.fromhex(h)) for h in json.loads(r.stdout)]


def to_spoofed(p):
    return (IP in p and p[IP].dst == SPOOF_V4) or \
        (IPv6 in p and p[IPv6].dst == SPOOF_V6)


def test_malformed_frames(tap):
    """Bad frames get no reply and raise exactly their counter; a good
    echo from the same spoofed source, sent alongside, is answered."""
    mac = tap.mac
    e = Ether(dst=mac, src=SPOOF_MAC)
    ip4 = IP(src=SPOOF_V4, dst=SF_V4)
    echo = e / ip4 / ICMP(id=0x5151, seq=1) / Raw(b"x" * 32)
    good = Ether(bytes(echo))
    bad_ipsum = e / IP(src=SPOOF_V4, dst=SF_V4,
                       chksum=good[IP].chksum ^ 0x0101) / \
        ICMP(id=0x5151, seq=2) / Raw(b"x" * 32)
    truncated = Ether(dst=mac, src=SPOOF_MAC, type=0x0800) / \
        Raw(bytes(ip4 / ICMP())[:12])
    bad_icmpsum = e / ip4 / ICMP(id=0x5151, seq=3,
                                 chksum=good[ICMP].chksum ^ 0x0101) / \
        Raw(b"x" * 32)
    ns_hlim64 = Ether(dst="33:33:ff:00:00:01", src=SPOOF_MAC) / \
        IPv6(src=SPOOF_V6, dst="ff02::1:ff00:1", hlim=64) / \
        ICMPv6ND_NS(tgt=SF_V6) / ICMPv6NDOptSrcLLAddr(lladdr=SPOOF_MAC)
    # No listener here: a good SYN is answered with RST+ACK (below).
    syn = e / ip4 / TCP(sport=40777, dport=80, flags="S", seq=77)
    good_syn = Ether(bytes(syn))
    bad_tcpsum = e / ip4 / TCP(sport=40778, dport=80, flags="S", seq=78,
                               chksum=good_syn[TCP].chksum ^ 0x0101)
    bad = {"drop_ip4_bad_csum": bad_ipsum, "drop_ip4_truncated": truncated,
           "drop_icmp_bad_csum": bad_icmpsum,
           "drop_nd_bad_hop_limit": ns_hlim64,
           "drop_tcp_bad_csum": bad_tcpsum}
    frames = []
    for f in bad.values():
        frames += [f, f]                 # two of each
    frames += [echo, syn]
    names = list(bad) + ["icmp_echo_replies", "tcp_segments",
                         "nd_na_sent", "tcp_replied", "out_rsts",
                         "in_csum_errors", "syn_recv"]
    want = {n: 2 for n in bad}
    want.update(icmp_echo_replies=1, tcp_segments=3, nd_na_sent=0,
                tcp_replied=1, out_rsts=1, in_csum_errors=2, syn_recv=0)

    before = tap.stats()
    replies = [p for p in inject(tap, frames) if to_spoofed(p)]
    after = tap.wait_counters(
        lambda s: all(s[n] - before[n] >= want[n] for n in want),
        timeout=5, what="the injected frames' counters")
    time.sleep(0.3)                      # nothing more may arrive
    after = tap.stats()
    assert delta(before, after, names) == want
    # Only the good echo and the good SYN were answered.
    assert len(replies) == 2, [p.summary() for p in replies]
    rep = [p for p in replies if ICMP in p]
    assert len(rep) == 1, [p.summary() for p in replies]
    rep = rep[0]
    assert rep[Ether].dst == SPOOF_MAC
    assert rep[IP].src == SF_V4 and rep[ICMP].type == 0
    assert rep[ICMP].id == 0x5151 and rep[ICMP].seq == 1
    rst = [p for p in replies if TCP in p]
    assert len(rst) == 1, [p.summary() for p in replies]
    rst = rst[0]
    assert rst[Ether].dst == SPOOF_MAC and rst[IP].src == SF_V4
    assert (rst[TCP].sport, rst[TCP].dport) == (80, 40777)
    assert str(rst[TCP].flags) == "RA"
    assert (rst[TCP].seq, rst[TCP].ack) == (0, 78)


def test_telemetry(tap):
    """Both readers: the raw v2 socket and dpdk-telemetry.py."""
    names = counter_names()
    cmds = ["/synfront/stats", "/synfront/lcores", "/synfront/ports",
            "/synfront/ports,0"]
    before = tap.stats()
    raw = {c: tap.telemetry(c) for c in cmds}
    script = dict(zip(cmds, [list(j.values())[0] for j in
                             telemetry_script(tap.prefix, cmds)]))
    after = tap.stats()

    for src in (raw, script):
        st = src["/synfront/stats"]
        assert list(st) == names
        for n in names:
            assert before[n] <= st[n] <= after[n], n

        lc = src["/synfront/lcores"]
        assert lc["lcore"] == [0, 1]
        assert lc["role"] == ["worker", "worker"]
        assert list(lc)[2:] == names
        for n in names:
            assert len(lc[n]) == 2
            assert before[n] <= sum(lc[n]) <= after[n], n

        ports = src["/synfront/ports"]
        assert ports["port_id"] == [0]
        assert ports["name"] == ["net_tap0"]
        assert ports["link_up"] == [1]
        assert len(ports["rx_packets"]) == len(ports["tx_packets"]) == 1

        p0 = src["/synfront/ports,0"]
        assert p0["port_id"] == 0 and p0["name"] == "net_tap0"
        assert p0["mac"].lower() == tap.mac
        assert p0["link_up"] == 1
        assert p0["addresses"] == [SF_V4 + "/24", SF_V6 + "/64"]
        assert p0["rx_packets"] >= before["rx_packets"]

    # The tap's kernel side carries the PMD's MAC.
    r = run(["ip", "-j", "link", "show", tap.iface], ns=tap.ns, timeout=10,
            check=True)
    assert json.loads(r.stdout)[0]["address"].lower() == tap.mac
    # Bad parameters are refused, not answered with another port.
    assert tap.telemetry("/synfront/ports,7") is None
    assert tap.telemetry("/synfront/ports,x") is None


def test_lifecycle(tmp_path):
    """SIGINT: exit 0, final counters on stdout, stats JSON without a
    leak; the namespace and the EAL runtime directory are gone after."""
    sf = Synfront(vdev="tap", tmpdir=tmp_path)
    try:
        sf.start()
        assert netns_exists(sf.ns)
        assert (DPDK_RUN_DIR / sf.prefix).is_dir()
        r = ping(sf, SF_V4, 2)
        assert r.returncode == 0, r.stdout + r.stderr
        r = ping(sf, SF_V6, 1, v6=True)
        assert r.returncode == 0, r.stdout + r.stderr
        js = sf.stop_and_check()
        out = sf.stdout()
        assert "final counters" in out
        printed = dict((m.group(1), int(m.group(2))) for m in re.finditer(
            r"^  (\w+)\s+(\d+)", out, re.M))
        c = js["counters"]
        assert printed == {k: v for k, v in c.items() if v}
        assert c["icmp_echo_replies"] >= 2
        assert c["icmp6_echo_replies"] >= 1
        assert c["tx_packets"] >= 3
        assert js["ports"][0]["name"] == "net_tap0"
        assert "all %d mbufs back in the pool" % js["mempool"]["size"] in \
            sf.stderr()
    finally:
        sf.cleanup()
    assert not netns_exists(sf.ns)
    assert not (DPDK_RUN_DIR / sf.prefix).exists()
    assert sf.proc.poll() is not None
    r = run(["pgrep", "-f", "--", "file-prefix " + sf.prefix], timeout=10)
    assert r.stdout == ""
