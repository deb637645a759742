#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Seed corpus for fuzz_rx: one valid frame of each kind the receive path
# answers or parses, so the fuzzer starts deep in every handler. The last
# byte of each file is fuzz_rx's control byte (0: one segment, no offload).
import os
import sys

from scapy.all import (ARP, Dot1Q, Ether, ICMP, ICMPv6EchoRequest,
                       ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, IP, IPOption,
                       IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, TCP, UDP, raw)

MAC = "02:00:00:00:00:01"
PEER = "02:00:00:00:00:02"
e = Ether(dst=MAC, src=PEER)
frames = {
    "arp": Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER) /
    ARP(op=1, hwsrc=PEER, psrc="10.10.0.2", pdst="10.10.0.1"),
    "icmp": e / IP(src="10.10.0.2", dst="10.10.0.1") / ICMP() / b"ping",
    "icmp_opts": e / IP(src="10.10.0.2", dst="10.10.0.1",
                        options=[IPOption(b"\x94\x04\x00\x00")]) / ICMP(),
    "vlan": e / Dot1Q(vlan=5) / Dot1Q(vlan=6) /
    IP(src="10.10.0.2", dst="10.10.0.1") / ICMP(),
    "tcp4": e / IP(src="10.10.0.2", dst="10.10.0.1") /
    TCP(sport=1234, dport=80, flags="S", options=[("MSS", 1460)]),
    "udp4": e / IP(src="10.10.0.2", dst="10.10.0.1") / UDP(),
    "echo6": e / IPv6(src="fd00:10:10::2", dst="fd00:10:10::1") /
    ICMPv6EchoRequest(data=b"ping"),
    "ext6": e / IPv6(src="fd00:10:10::2", dst="fd00:10:10::1") /
    IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() /
    IPv6ExtHdrRouting(segleft=0) / IPv6ExtHdrFragment() /
    ICMPv6EchoRequest(),
    "ns": Ether(dst="33:33:ff:00:00:01", src=PEER) /
    IPv6(src="fd00:10:10::2", dst="ff02::1:ff00:1", hlim=255) /
    ICMPv6ND_NS(tgt="fd00:10:10::1") / ICMPv6NDOptSrcLLAddr(lladdr=PEER),
    "dad": Ether(dst="33:33:ff:00:00:01", src=PEER) /
    IPv6(src="::", dst="ff02::1:ff00:1", hlim=255) /
    ICMPv6ND_NS(tgt="fd00:10:10::1"),
    "tcp6": e / IPv6(src="fd00:10:10::2", dst="fd00:10:10::1") /
    TCP(sport=1234, dport=80, flags="S"),
}
# TCP seeds for the offload engine with the L4 checksum marked good
# (control byte 0x32), so mutations reach the TCP state machines.
OPTS = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0)), ("NOP", None),
        ("WScale", 7)]
tcp_good = {
    "syn_opts4": e / IP(src="10.10.0.2", dst="10.10.0.1") /
    TCP(sport=1234, dport=80, flags="SEC", seq=1000, options=OPTS),
    "syn_opts6": e / IPv6(src="fd00:10:10::2", dst="fd00:10:10::1") /
    TCP(sport=1235, dport=81, flags="S", seq=1000, options=OPTS),
    "ack4": e / IP(src="10.10.0.2", dst="10.10.0.1") /
    TCP(sport=1234, dport=80, flags="A", seq=1001, ack=1,
        options=[("NOP", None), ("NOP", None), ("Timestamp", (2, 1))]),
    "data4": e / IP(src="10.10.0.2", dst="10.10.0.1") /
    TCP(sport=1236, dport=83, flags="PA", seq=1001, ack=1) / b"GET /",
    "fin6": e / IPv6(src="fd00:10:10::2", dst="fd00:10:10::1") /
    TCP(sport=1237, dport=84, flags="FA", seq=1001, ack=1),
    "rst4": e / IP(src="10.10.0.2", dst="10.10.0.1") /
    TCP(sport=1234, dport=85, flags="R", seq=1001),
    # Cookie listener 86 (mode 2; the offload engine validates any cookie):
    # a SYN, a bare third ACK (deferred), a third ACK with data.
    "cookie_syn4": e / IP(src="10.10.0.2", dst="10.10.0.1") /
    TCP(sport=1240, dport=86, flags="S", seq=5000, options=OPTS),
    "cookie_ack6": e / IPv6(src="fd00:10:10::2", dst="fd00:10:10::1") /
    TCP(sport=1241, dport=86, flags="A", seq=5001, ack=77,
        options=[("NOP", None), ("NOP", None), ("Timestamp", (9, 0x47))]),
    "cookie_data4": e / IP(src="10.10.0.2", dst="10.10.0.1") /
    TCP(sport=1242, dport=86, flags="PA", seq=5001, ack=0x12345679) /
    b"GET /",
    # Mode-0 listener 87.
    "syn_mode0": e / IP(src="10.10.0.3", dst="10.10.0.1") /
    TCP(sport=1243, dport=87, flags="S", seq=6000),
}
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, f in frames.items():
    with open(os.path.join(out, "seed_" + name), "wb") as fh:
        fh.write(raw(f) + b"\x00")
for name, f in tcp_good.items():
    with open(os.path.join(out, "seed_" + name), "wb") as fh:
        fh.write(raw(f) + b"\x32")
