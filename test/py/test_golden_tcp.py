# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
Golden packet tests of the passive-open engine on net_pcap: the LISTEN
rules, the SYN-ACK option layouts and the SYN-RECEIVED rules that a fixed
input pcap can exercise (the third ACK cannot be written in advance: our
ISN is random, RFC 6528).

Each group is one synfront run per address family over a pcap made here
with scapy. Every reply is parsed from its raw bytes and checked field by
field: L2 (destination = the segment's source MAC, VLAN tags kept), IPv4
(DF, ID 0, TTL 64, header checksum) or IPv6 (hop limit 64), TCP (ports,
flags, seq, ack, window, data offset, options byte for byte in Linux's
order, no payload, checksum). Fields that depend on our ISN or on the
random timestamp offset are checked relationally: a retransmitted SYN-ACK
carries the ISN of the first, an ACK in SYN-RECEIVED has seq = ISN + 1,
TSecr echoes the client's TSval, TSval only moves forward, by milliseconds.

Counters from the exit JSON are checked exactly (every drop_* counter and
the TCP engine's counters, zero or the expected value), the identity
tcp_segments = tcp_replied + tcp_absorbed + sum(drop_tcp_*) (the two
bounds checks excluded) is asserted, and every mbuf must be back in its
pool.

The runs use --synack-retries 0 so that no timer retransmission can reach
the output however slowly a run stops (a request then expires after 1 s,
which is why req_timeouts is not checked). The rate limit of duplicate-SYN
SYN-ACKs and out-of-window ACKs (500 ms per request) is certainly in force
between two frames of one pcap, which net_pcap delivers back to back.

Options being added to synfront (--no-listener, --mss, --window, --wscale,
--timestamps, --sack, --ecn) are tested only when `synfront -- --help`
lists them; otherwise those tests skip and say why.
"""

import collections
import functools
import itertools
import socket
import struct
import time

import pytest

from conftest import (BINARY, PEER_V4, PEER_V6, SF_ADDR_ARGS, SF_V4, SF_V6,
                      Synfront, needs_root, nonzero, remove_dpdk_dir, run,
                      unique_name)

scapy = pytest.importorskip("scapy.all")
from scapy.all import (ARP, IP, Dot1Q, Ether, IPOption_Router_Alert,  # noqa
                       IPv6, IPv6ExtHdrHopByHop, PadN, Raw, rdpcap, wrpcap)
from scapy.layers.inet import in4_chksum  # noqa: E402
from scapy.layers.inet6 import in6_chksum  # noqa: E402

pytestmark = needs_root

PEER_MAC = "02:00:00:00:00:02"
BCAST = "ff:ff:ff:ff:ff:ff"
M32 = 0xffffffff

# TCP flag bits
FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = (0x01, 0x02, 0x04, 0x08, 0x10,
                                          0x20, 0x40, 0x80)
FLAG_NAMES = "FSRPAUEC"

LPORT = 80              # --listen 80: both families, every address
CLOSED = 81             # nobody listens here
V4_ONLY = 8080          # --listen 10.10.0.1:8080
V6_ONLY = 8443          # --listen [fd00:10:10::1]:8443
LISTEN_ARGS = ["--listen", str(LPORT),
               "--listen", "%s:%d" % (SF_V4, V4_ONLY),
               "--listen", "[%s]:%d" % (SF_V6, V6_ONLY)]
BASE_ARGS = ["--synack-retries", "0"]

WINDOW = 65535          # listener default: the unscaled SYN-ACK window
WSCALE = 7              # listener default shift
MSS = {4: 1460, 6: 1440}  # MTU 1500 less 40 / 60 bytes of headers
TS_STEP_MAX_MS = 5000   # how far our TSval may move within one run

# SYN-ACK option layouts, Linux's tcp_options_write() order.
ALL = ("mss", "sack", "ts", "nop", "ws")
NO_SACK = ("mss", "nop", "nop", "ts", "nop", "ws")
NO_TS = ("mss", "nop", "nop", "sack", "nop", "ws")
NOTHING = ("mss",)
ONLY_WS = ("mss", "nop", "ws")
ONLY_SACK = ("mss", "nop", "nop", "sack")
ONLY_TS = ("mss", "nop", "nop", "ts")
# The options of a bare ACK (nothing, or timestamps).
ACK_TS = ("nop", "nop", "ts")
NONE = ()

# Counters checked exactly in every run, besides every drop_* counter.
TRACKED = ("rx_packets", "tx_packets", "tx_dropped", "tcp_segments",
           "tcp_replied", "tcp_absorbed", "tcp_bad_opts", "syn_recv",
           "synack_sent", "synack_retrans", "passive_opens", "accepted",
           "third_ack_data", "third_ack_fin", "listen_overflows",
           "listen_drops", "reqq_full_drop", "embryonic_rsts", "out_rsts",
           "in_errs", "in_csum_errors", "defer_accept_drops",
           "paws_rejected", "challenge_acks", "tx_nombuf")
# Counted before tcp_segments: not part of the TCP outcome identity.
TCP_BOUNDS_DROPS = ("drop_tcp_truncated", "drop_tcp_bad_doff")


# --------------------------------------------------------------------------
# Building segments

def o_mss(v):
    return bytes([2, 4]) + struct.pack("!H", v)


def o_ws(v):
    return bytes([3, 3, v])


def o_ts(val, ecr=0):
    return bytes([8, 10]) + struct.pack("!II", val & M32, ecr & M32)


O_NOP = b"\x01"
O_EOL = b"\x00"
O_SACK = b"\x04\x02"


def pad4(b):
    """Pad an option list to a 4-byte multiple with EOL bytes."""
    return b + O_EOL * (-len(b) % 4)


def linux_syn_opts(tsval, mss=1460, ws=7):
    """What a Linux client offers: <mss, sackOK, TS, nop, wscale>."""
    return o_mss(mss) + O_SACK + o_ts(tsval) + O_NOP + o_ws(ws)


def tcp_header(sport, dport, seq, ack, flags, opts=b"", data=b"",
               win=64240):
    assert len(opts) % 4 == 0 and len(opts) <= 40
    doff = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq & M32, ack & M32,
                       doff << 4, flags, win, 0, 0) + opts + data


def ip_layer(fam):
    if fam == 4:
        return IP(src=PEER_V4, dst=SF_V4, ttl=61, id=0x1234, flags="DF",
                  proto=6)
    return IPv6(src=PEER_V6, dst=SF_V6, hlim=61, nh=6)


def with_csum(fam, ip, tcp, bad=False):
    ip = ip.__class__(bytes(ip / Raw(tcp)))      # lengths filled in
    cs = (in4_chksum if fam == 4 else in6_chksum)(6, ip, tcp)
    if bad:
        cs ^= 0x5a5a
    return tcp[:16] + struct.pack("!H", cs) + tcp[18:]


def l2_layer(mac, vlans, src_mac):
    """Ether (+ tags): vlans is a list of (tpid, vid, pcp)."""
    if not vlans:
        return Ether(dst=mac, src=src_mac)
    e = Ether(dst=mac, src=src_mac, type=vlans[0][0])
    for i, (_, vid, pcp) in enumerate(vlans):
        nxt = vlans[i + 1][0] if i + 1 < len(vlans) else None
        tag = Dot1Q(vlan=vid, prio=pcp)
        if nxt is not None:
            tag.type = nxt
        e = e / tag
    return e


# --------------------------------------------------------------------------
# Expected replies

class Reply:
    """
    What a reply must be. seq/ack are ints, or (for seq) one of:
      "isn_new"   a SYN-ACK of a new request: record its ISN
      "isn_new_any"  the same, for a new request of a 4-tuple seen before
      "isn_same"  a SYN-ACK resent for the request: the recorded ISN
      "isn+1"     a bare ACK of the request: recorded ISN + 1
    layout: the option layout (a tuple of tokens), NONE for no options.
    """

    def __init__(self, flags, seq, ack, win, layout=NONE, tsecr=None,
                 mss=None, ws=WSCALE):
        self.flags = flags
        self.seq = seq
        self.ack = ack & M32
        self.win = win
        self.layout = layout
        self.tsecr = tsecr
        self.mss = mss
        self.ws = ws


def synack(ack, layout, isn="isn_new", tsecr=None, ecn=False, win=WINDOW,
           mss=None, ws=WSCALE):
    return Reply(SYN | ACK | (ECE if ecn else 0), isn, ack, win, layout,
                 tsecr, mss, ws)


def rst(seq):
    """<SEQ=SEG.ACK><CTL=RST>: for a segment with ACK."""
    return Reply(RST, seq & M32, 0, 0)


def rst_ack(ack):
    """<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>: for one without ACK."""
    return Reply(RST | ACK, 0, ack, 0)


def req_ack(ack, win, tsecr=None):
    """tcp_v4_reqsk_send_ack(): seq = ISN + 1, ack = client ISN + 1."""
    return Reply(ACK, "isn+1", ack, win, ACK_TS if tsecr is not None
                 else NONE, tsecr)


# Counters a reply kind raises besides tcp_replied.
NEW_REQ = ("syn_recv", "synack_sent")
RESENT = ("synack_sent", "synack_retrans")


class Seg:
    """One input segment, its outcome counter and its reply, if any."""

    def __init__(self, name, flow, fam, sport, dport, seq, ack=0, flags=0,
                 opts=b"", data=b"", outcome=None, reply=None, extra=(),
                 vlans=(), l3=None, pad=b"", raw=None):
        self.name = name
        self.flow = flow
        self.fam = fam
        self.sport, self.dport = sport, dport
        self.seq, self.ack, self.flags = seq & M32, ack & M32, flags
        self.vlans = list(vlans)
        self.reply = reply
        if outcome is None:
            outcome = "tcp_replied" if reply is not None else None
        assert outcome is not None, name
        assert (outcome == "tcp_replied") == (reply is not None), name
        self.outcome = outcome
        self.extra = tuple(extra)
        self.tcp = tcp_header(sport, dport, seq, ack, flags, opts, data)
        self.l3 = l3            # the L3 headers, when not ip_layer()'s
        self.pad = pad          # Ethernet padding after the IP packet
        self.raw = raw          # L4 bytes sent as they are, if given
        self.frame = None

    def build(self, mac):
        ip = self.l3 if self.l3 is not None else ip_layer(self.fam)
        tcp = self.raw if self.raw is not None else \
            with_csum(self.fam, ip, self.tcp,
                      bad=self.outcome == "drop_tcp_bad_csum")
        self.frame = l2_layer(mac, self.vlans, PEER_MAC) / ip / Raw(tcp)
        if self.pad:
            self.frame = Ether(bytes(self.frame) + self.pad)
        return self.frame


class Flows:
    """Hands out one source port per flow; builds the flow's segments."""

    def __init__(self, fam, base):
        self.fam = fam
        self.ports = itertools.count(base)
        self.segs = []

    def flow(self, dport=LPORT):
        sport = next(self.ports)
        fam, segs = self.fam, self.segs

        def seg(name, seq, **kw):
            s = Seg("%s/%d" % (name, sport), sport, fam, sport,
                    kw.pop("dport", dport), seq, **kw)
            segs.append(s)
            return s
        return seg


# --------------------------------------------------------------------------
# Parsing and checking replies (raw bytes, no dissector in between)

def ones_sum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def flag_str(f):
    return "".join(n for i, n in enumerate(FLAG_NAMES) if f & (1 << i)) or \
        "-"


def mac_str(b):
    return ":".join("%02x" % x for x in b)


def parse_reply(raw):
    r = {"dst": mac_str(raw[0:6]), "src": mac_str(raw[6:12]), "vlans": []}
    et = struct.unpack("!H", raw[12:14])[0]
    off = 14
    while et in (0x8100, 0x88a8):
        tci, nxt = struct.unpack("!HH", raw[off:off + 4])
        r["vlans"].append((et, tci & 0xfff, tci >> 13))
        et = nxt
        off += 4
    r["ethertype"] = et
    r["l2"] = off
    return r


class Checker:
    """Checks replies against Seg.reply; keeps ISNs and TSvals per flow."""

    def __init__(self, mac):
        self.mac = mac
        self.isn = {}
        self.tsval = {}
        self.all_isns = []

    def check(self, seg, raw):
        e = seg.reply
        r = parse_reply(raw)
        assert r["dst"] == PEER_MAC, "dst MAC %s" % r["dst"]
        assert r["src"] == self.mac, "src MAC %s" % r["src"]
        assert r["vlans"] == seg.vlans, "VLAN tags %r, want %r" % (
            r["vlans"], seg.vlans)
        off = r["l2"]
        tcp_len = 20 + optlen(e.layout)
        if seg.fam == 4:
            assert r["ethertype"] == 0x0800
            ip = raw[off:off + 20]
            (vhl, tos, tot, ipid, frag, ttl, proto, _, src, dst) = \
                struct.unpack("!BBHHHBBH4s4s", ip)
            assert vhl == 0x45, "version/IHL 0x%02x" % vhl
            assert tos == 0, "TOS 0x%02x" % tos
            assert tot == 20 + tcp_len, "IP total length %d" % tot
            assert ipid == 0, "IP ID %d" % ipid
            assert frag == 0x4000, "DF/fragment 0x%04x" % frag
            assert ttl == 64, "TTL %d" % ttl
            assert proto == 6
            assert src == socket.inet_aton(SF_V4), "IP src"
            assert dst == socket.inet_aton(PEER_V4), "IP dst"
            assert ones_sum(ip) == 0xffff, "bad IPv4 header checksum"
            pseudo = src + dst + struct.pack("!BBH", 0, 6, tcp_len)
            off += 20
        else:
            assert r["ethertype"] == 0x86dd
            ip6 = raw[off:off + 40]
            vtf, plen, nh, hlim = struct.unpack("!IHBB", ip6[:8])
            assert vtf == 6 << 28, "version/class/flow 0x%08x" % vtf
            assert plen == tcp_len, "payload length %d" % plen
            assert nh == 6 and hlim == 64, "next header %d hlim %d" % (
                nh, hlim)
            src, dst = ip6[8:24], ip6[24:40]
            assert src == socket.inet_pton(socket.AF_INET6, SF_V6), "src"
            assert dst == socket.inet_pton(socket.AF_INET6, PEER_V6), "dst"
            pseudo = src + dst + struct.pack("!IxxxB", tcp_len, 6)
            off += 40
        assert len(raw) == off + tcp_len, (
            "frame %d bytes, want %d (payload or padding sent)" % (
                len(raw), off + tcp_len))
        tcp = raw[off:]
        assert ones_sum(pseudo + tcp) == 0xffff, "bad TCP checksum"
        (sport, dport, seq, ack, doff, flags, win, _, urp) = \
            struct.unpack("!HHIIBBHHH", tcp[:20])
        assert (sport, dport) == (seg.dport, seg.sport), "ports"
        assert flags == e.flags, "flags %s, want %s" % (
            flag_str(flags), flag_str(e.flags))
        assert doff == (tcp_len // 4) << 4, "data offset 0x%02x" % doff
        assert ack == e.ack, "ack %d, want %d" % (ack, e.ack)
        assert win == e.win, "window %d, want %d" % (win, e.win)
        assert urp == 0, "urgent pointer"
        flow = seg.flow
        if e.seq in ("isn_new", "isn_new_any"):
            # A new request of the same 4-tuple a moment later may well
            # get the same ISN (RFC 6528's clock ticks every 4 us).
            if e.seq == "isn_new":
                assert seq not in self.all_isns, "ISN %#x reused" % seq
            self.isn[flow] = seq
            self.all_isns.append(seq)
            self.tsval.pop(flow, None)
        elif e.seq == "isn_same":
            assert seq == self.isn[flow], "ISN %#x, first SYN-ACK had %#x" % (
                seq, self.isn[flow])
        elif e.seq == "isn+1":
            assert seq == (self.isn[flow] + 1) & M32, (
                "seq %#x, want ISN+1 = %#x" % (seq, self.isn[flow] + 1))
        else:
            assert seq == e.seq, "seq %d, want %d" % (seq, e.seq)
        tsval = check_opts(tcp[20:], e, seg.fam)
        if tsval is not None:
            prev = self.tsval.get(flow)
            if prev is not None:
                assert (tsval - prev) & M32 < TS_STEP_MAX_MS, (
                    "TSval %d after %d" % (tsval, prev))
            self.tsval[flow] = tsval


def optlen(layout):
    n = {"mss": 4, "sack": 2, "ts": 10, "nop": 1, "ws": 3}
    return sum(n[t] for t in layout)


def check_opts(opts, e, fam):
    """The option bytes exactly, TSval masked; returns TSval or None."""
    want = b""
    ts_at = None
    for t in e.layout:
        if t == "mss":
            want += o_mss(e.mss if e.mss is not None else MSS[fam])
        elif t == "sack":
            want += O_SACK
        elif t == "nop":
            want += O_NOP
        elif t == "ws":
            want += o_ws(e.ws)
        elif t == "ts":
            ts_at = len(want) + 2
            want += o_ts(0, e.tsecr)
    got = opts
    tsval = None
    if ts_at is not None and len(got) == len(want):
        tsval = struct.unpack("!I", got[ts_at:ts_at + 4])[0]
        got = got[:ts_at] + b"\0\0\0\0" + got[ts_at + 4:]
    assert got == want, "options %s, want %s (%s)" % (
        opts.hex(), want.hex(), ",".join(e.layout) or "none")
    return tsval


# --------------------------------------------------------------------------
# Running synfront

def pcap_vdev(rx, tx):
    return "net_pcap0,rx_pcap=%s,tx_pcap=%s" % (rx, tx)


def run_pcap(tmp, name, frames, args, nb_replies=None):
    """synfront over frames; returns (port MAC, output frames, exit JSON)."""
    rx, tx = tmp / (name + "-in.pcap"), tmp / (name + "-out.pcap")
    wrpcap(str(rx), frames)
    # One worker: replies leave in input order. With two, software
    # steering would share the flows out and interleave their replies.
    sf = Synfront(vdev=pcap_vdev(rx, tx), lcores="0", mem=512, tmpdir=tmp,
                  app_args=list(SF_ADDR_ARGS) + list(args))
    try:
        sf.start()
        mac = sf.port_mac()
        sf.wait_counters(lambda s: s["rx_packets"] >= len(frames),
                         what="%d frames read" % len(frames))
        # Replies missing after a while are reported by the frame-by-frame
        # comparison, which says which ones: no failure here.
        deadline = time.monotonic() + 2
        while nb_replies and sf.stats()["tx_packets"] < nb_replies and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.1)
        rc = sf.stop()
        assert rc == 0, "synfront exit %r\nstderr:\n%s" % (rc, sf.stderr())
        js = sf.exit_json()
    finally:
        sf.cleanup()
    return mac, [bytes(p) for p in rdpcap(str(tx))], js


@functools.lru_cache(maxsize=None)
def help_text():
    prefix = unique_name("h")
    try:
        r = run([str(BINARY), "-l", "0", "--no-huge", "-m", "64",
                 "--no-pci", "--file-prefix", prefix, "--", "--help"],
                timeout=20)
    finally:
        remove_dpdk_dir(prefix)
    return r.stdout + r.stderr


def need_options(*opts):
    """Skip unless synfront's --help lists every option."""
    missing = [o for o in opts if o not in help_text()]
    if missing:
        pytest.skip("synfront does not offer %s yet" % ", ".join(missing))


@pytest.fixture(scope="module")
def mac(tmp_path_factory):
    """The net_pcap port's MAC, learnt from a probe run (an ARP request)."""
    tmp = tmp_path_factory.mktemp("tcp-probe")
    probe = Ether(dst=BCAST, src=PEER_MAC) / ARP(
        op=1, hwsrc=PEER_MAC, psrc=PEER_V4, pdst=SF_V4)
    m, out, _ = run_pcap(tmp, "probe", [probe], [], nb_replies=1)
    assert len(out) == 1
    return m


def run_group(tmp, mac, name, segs, args):
    frames = [s.build(mac) for s in segs]
    nb = sum(s.reply is not None for s in segs)
    mac2, out, js = run_pcap(tmp, name, frames, BASE_ARGS + list(args),
                             nb_replies=nb)
    assert mac2 == mac, "net_pcap MAC changed between runs"
    return dict(mac=mac, segs=segs, out=out, js=js)


def check_replies(g):
    segs, out = g["segs"], g["out"]
    expected = [s for s in segs if s.reply is not None]
    if len(out) != len(expected):
        # Say which flows got how many replies, and which they should get.
        got = collections.Counter(
            struct.unpack("!H", raw[parse_reply(raw)["l2"] +
                                    (20 if parse_reply(raw)["ethertype"] ==
                                     0x0800 else 40) + 2:][:2])[0]
            for raw in out)
        want = collections.Counter(s.sport for s in expected)
        diff = ["flow %d: %d replies, want %d (%s)" % (
            p, got[p], want[p], ", ".join(s.name for s in expected
                                          if s.sport == p))
            for p in sorted(set(got) | set(want)) if got[p] != want[p]]
        raise AssertionError("%d frames out, want %d replies:\n%s" % (
            len(out), len(expected), "\n".join(diff)))
    chk = Checker(g["mac"])
    for seg, raw in zip(expected, out):
        try:
            chk.check(seg, raw)
        except AssertionError as e:
            raise AssertionError("reply to %s: %s\n%s" % (
                seg.name, e, Ether(raw).show2(dump=True))) from None
        except KeyError as e:
            raise AssertionError("reply to %s: no ISN known for flow %s" % (
                seg.name, e)) from None


def expected_counters(segs):
    want = collections.Counter()
    for s in segs:
        want["rx_packets"] += 1
        if s.outcome not in TCP_BOUNDS_DROPS:
            want["tcp_segments"] += 1
        want[s.outcome] += 1
        if s.reply is not None:
            want["tx_packets"] += 1
        for n in s.extra:
            want[n] += 1
    return want


def check_counters(g):
    segs, js = g["segs"], g["js"]
    c = js["counters"]
    want = expected_counters(segs)
    names = list(TRACKED) + [n for n in c if n.startswith("drop_")]
    bad = ["%s = %d, want %d" % (n, c[n], want.get(n, 0)) for n in names
           if c[n] != want.get(n, 0)]
    assert not bad, "%s\nnon-zero: %r" % ("\n".join(bad), nonzero(c))
    unknown = [n for n in want if n not in c]
    assert not unknown, "counters missing from the JSON: %r" % unknown


def check_identity_and_mempool(g):
    js = g["js"]
    c = js["counters"]
    drops = sum(v for n, v in c.items() if n.startswith("drop_tcp_") and
                n not in TCP_BOUNDS_DROPS)
    assert c["tcp_segments"] == c["tcp_replied"] + c["tcp_absorbed"] + \
        drops, "tcp_segments %d != replied %d + absorbed %d + drops %d" % (
            c["tcp_segments"], c["tcp_replied"], c["tcp_absorbed"], drops)
    pool = js["mempool"]
    assert pool["in_use"] == 0, "mbuf leak: %r" % pool
    assert pool["available"] == pool["size"], pool
    port = js["ports"][0]
    assert port["rx_packets"] == len(g["segs"])
    assert port["tx_packets"] == len(g["out"])


def check_group(g):
    check_replies(g)
    check_counters(g)
    check_identity_and_mempool(g)


# --------------------------------------------------------------------------
# LISTEN

def listen_segs(fam):
    f = Flows(fam, 10000)
    all_opts = linux_syn_opts(0x11223344)

    # SYN -> SYN-ACK: the full reply checked, all options offered.
    f.flow()("syn", 1000, flags=SYN, opts=all_opts,
             reply=synack(1001, ALL, tsecr=0x11223344), extra=NEW_REQ)
    f.flow()("syn_vlan", 2000, flags=SYN, vlans=[(0x8100, 100, 3)],
             reply=synack(2001, NOTHING), extra=NEW_REQ)
    f.flow()("syn_qinq", 3000, flags=SYN,
             vlans=[(0x88a8, 10, 1), (0x8100, 20, 5)],
             reply=synack(3001, NOTHING), extra=NEW_REQ)
    # The listener bound to this family's address only.
    f.flow(dport=V4_ONLY if fam == 4 else V6_ONLY)(
        "syn_addr_listener", 0xfffffffe, flags=SYN,
        reply=synack(0xffffffff, NOTHING), extra=NEW_REQ)
    # Ethernet padding is no data: ack = seq + 1 (the IP length counts).
    f.flow()("syn_padded", 0x7ffffff0, flags=SYN, pad=b"\0" * 6,
             reply=synack(0x7ffffff1, NOTHING), extra=NEW_REQ)
    f.flow(CLOSED)("closed_syn_padded", 1000, flags=SYN, pad=b"\xee" * 6,
                   reply=rst_ack(1001), extra=("out_rsts",))
    # IPv4 options / an IPv6 hop-by-hop header: answered without them.
    if fam == 4:
        l3 = IP(src=PEER_V4, dst=SF_V4, ttl=61, proto=6,
                options=[IPOption_Router_Alert()])
    else:
        l3 = IPv6(src=PEER_V6, dst=SF_V6, hlim=61, nh=0) / \
            IPv6ExtHdrHopByHop(nh=6, options=[PadN(optdata=b"\0" * 4)])
    f.flow()("syn_l3_options", 4000, flags=SYN, l3=l3,
             opts=pad4(O_NOP + o_ws(9)), reply=synack(4001, ONLY_WS),
             extra=NEW_REQ)
    # ACK (with or without SYN, FIN, data) -> <SEQ=SEG.ACK><CTL=RST>.
    f.flow()("ack", 5000, ack=0x12345678, flags=ACK,
             reply=rst(0x12345678), extra=("out_rsts",))
    f.flow()("syn_ack", 5000, ack=0x9abcdef0, flags=SYN | ACK,
             reply=rst(0x9abcdef0), extra=("out_rsts",))
    f.flow()("fin_ack", 5000, ack=77, flags=FIN | ACK,
             reply=rst(77), extra=("out_rsts",))
    f.flow()("ack_data", 5000, ack=0, flags=PSH | ACK, data=b"x" * 10,
             reply=rst(0), extra=("out_rsts",))
    # RST, RST+ACK, SYN+RST: never answered.
    f.flow()("rst", 6000, flags=RST, outcome="drop_tcp_listen_rst")
    f.flow()("rst_ack", 6000, ack=1, flags=RST | ACK,
             outcome="drop_tcp_listen_rst")
    f.flow()("syn_rst", 6000, flags=SYN | RST,
             outcome="drop_tcp_listen_rst")
    f.flow()("syn_fin", 6000, flags=SYN | FIN, outcome="drop_tcp_syn_fin")
    f.flow()("syn_fin_psh_urg", 6000, flags=SYN | FIN | PSH | URG,
             outcome="drop_tcp_syn_fin")
    # None of SYN, ACK, RST.
    f.flow()("no_flags", 7000, flags=0, outcome="drop_tcp_listen_noflags")
    f.flow()("fin", 7000, flags=FIN, outcome="drop_tcp_listen_noflags")
    f.flow()("psh_data", 7000, flags=PSH, data=b"y" * 5,
             outcome="drop_tcp_listen_noflags")
    f.flow()("ece_cwr_urg", 7000, flags=ECE | CWR | URG,
             outcome="drop_tcp_listen_noflags")
    # Port 0 either side.
    f.flow()("syn_dport0", 8000, flags=SYN, dport=0,
             outcome="drop_tcp_port0")
    s = f.flow()("syn_sport0", 8000, flags=SYN, outcome="drop_tcp_port0")
    s.sport = 0
    s.tcp = b"\0\0" + s.tcp[2:]
    # Header bounds: dropped before tcp_segments counts them.
    good = with_csum(fam, ip_layer(fam), tcp_header(10999, LPORT, 1, 0, SYN))
    f.flow()("truncated", 1, flags=SYN, raw=good[:12],
             outcome="drop_tcp_truncated")
    f.flow()("doff_4", 1, flags=SYN, raw=good[:12] + b"\x40" + good[13:],
             outcome="drop_tcp_bad_doff")
    f.flow()("doff_beyond", 1, flags=SYN, raw=good[:12] + b"\x60" +
             good[13:], outcome="drop_tcp_bad_doff")
    # Bad checksum: InCsumErrors and InErrs.
    f.flow()("syn_bad_csum", 9000, flags=SYN, opts=all_opts,
             outcome="drop_tcp_bad_csum",
             extra=("in_csum_errors", "in_errs"))
    # No listener: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, SYN and FIN
    # counting one each, or <SEQ=SEG.ACK><CTL=RST> for a segment with ACK.
    rsts = ("out_rsts",)
    f.flow(CLOSED)("closed_syn", 1000, flags=SYN, opts=all_opts,
                   reply=rst_ack(1001), extra=rsts)
    f.flow(CLOSED)("closed_syn_data_wrap", 0xfffffff0, flags=SYN,
                   data=b"z" * 20, reply=rst_ack(5), extra=rsts)
    f.flow(CLOSED)("closed_syn_ecn", 1000, flags=SYN | ECE | CWR,
                   reply=rst_ack(1001), extra=rsts)
    f.flow(CLOSED)("closed_syn_vlan", 1000, flags=SYN,
                   vlans=[(0x8100, 7, 0)], reply=rst_ack(1001), extra=rsts)
    f.flow(CLOSED)("closed_fin", 3000, flags=FIN, reply=rst_ack(3001),
                   extra=rsts)
    f.flow(CLOSED)("closed_fin_data", 3000, flags=FIN | PSH, data=b"f" * 7,
                   reply=rst_ack(3008), extra=rsts)
    f.flow(CLOSED)("closed_data", 4000, flags=PSH, data=b"d" * 12,
                   reply=rst_ack(4012), extra=rsts)
    f.flow(CLOSED)("closed_no_flags", 4500, flags=0, reply=rst_ack(4500),
                   extra=rsts)
    f.flow(CLOSED)("closed_ack", 5000, ack=0x7777, flags=ACK,
                   reply=rst(0x7777), extra=rsts)
    f.flow(CLOSED)("closed_fin_ack_data", 5000, ack=0x8888,
                   flags=FIN | PSH | ACK, data=b"q" * 3, reply=rst(0x8888),
                   extra=rsts)
    f.flow(CLOSED)("closed_rst", 6000, flags=RST,
                   outcome="drop_tcp_no_listener")
    f.flow(CLOSED)("closed_rst_ack", 6000, ack=9, flags=RST | ACK,
                   outcome="drop_tcp_no_listener")
    # The other family's address-bound listener is not ours.
    f.flow(dport=V6_ONLY if fam == 4 else V4_ONLY)(
        "syn_other_family_listener", 1000, flags=SYN, reply=rst_ack(1001),
        extra=rsts)
    return f.segs


@pytest.fixture(scope="module", params=[4, 6], ids=["v4", "v6"])
def listen_run(request, mac, tmp_path_factory):
    fam = request.param
    tmp = tmp_path_factory.mktemp("tcp-listen-v%d" % fam)
    return run_group(tmp, mac, "listen", listen_segs(fam), LISTEN_ARGS)


def test_listen_replies(listen_run):
    check_replies(listen_run)


def test_listen_counters(listen_run):
    check_counters(listen_run)
    check_identity_and_mempool(listen_run)


# --------------------------------------------------------------------------
# SYN-ACK options

def options_segs(fam):
    f = Flows(fam, 20000)
    new = NEW_REQ
    bad = NEW_REQ + ("tcp_bad_opts",)

    def syn(name, opts, layout, tsecr=None, flags=SYN, data=b"", seq=1000,
            extra=new):
        f.flow()(name, seq, flags=flags, opts=pad4(opts), data=data,
                 reply=synack(seq + 1, layout, tsecr=tsecr,
                              ecn=(flags & (ECE | CWR)) == (ECE | CWR)),
                 extra=extra)

    ts = 0x01020304
    # Every combination of the three options besides MSS.
    syn("all", linux_syn_opts(ts), ALL, ts)
    syn("all_reversed", o_ws(2) + O_NOP + o_ts(ts) + O_SACK + o_mss(1400),
        ALL, ts)
    syn("no_sack", o_mss(1460) + O_NOP + O_NOP + o_ts(ts) + O_NOP + o_ws(7),
        NO_SACK, ts)
    syn("no_ts", o_mss(1460) + O_NOP + O_NOP + O_SACK + O_NOP + o_ws(7),
        NO_TS)
    syn("nothing", b"", NOTHING)
    syn("only_mss", o_mss(1460), NOTHING)
    syn("only_ws", O_NOP + o_ws(7), ONLY_WS)
    syn("only_sack", O_NOP + O_NOP + O_SACK, ONLY_SACK)
    syn("only_ts", O_NOP + O_NOP + o_ts(ts), ONLY_TS, ts)
    syn("sack_ws", O_SACK + O_NOP + o_ws(0), NO_TS)
    syn("ts_ws", o_ts(ts) + O_NOP + o_ws(14), NO_SACK, ts)
    syn("sack_ts", O_SACK + o_ts(ts), ("mss", "sack", "ts"), ts)
    # Our MSS, whatever the client's; our shift, whatever the client's.
    syn("client_mss_536", o_mss(536) + O_NOP + o_ws(1), ONLY_WS)
    syn("client_mss_9000", o_mss(9000), NOTHING)
    syn("client_mss_0", o_mss(0) + O_NOP + o_ws(7), ONLY_WS)
    syn("client_ws_15", O_NOP + o_ws(15), ONLY_WS)
    # TSecr echoes the client's TSval; the client's TSecr means nothing.
    syn("ts_max", O_NOP + O_NOP + o_ts(M32, 0x55667788), ONLY_TS, M32)
    syn("ts_zero", O_NOP + O_NOP + o_ts(0), ONLY_TS, 0)
    # ECN: ECE+CWR is an ECN-setup SYN; either alone is not.
    syn("ecn_setup", linux_syn_opts(ts), ALL, ts, flags=SYN | ECE | CWR)
    syn("ece_only", linux_syn_opts(ts), ALL, ts, flags=SYN | ECE)
    syn("cwr_only", b"", NOTHING, flags=SYN | CWR)
    # Unknown options skipped, wrong-size known ones ignored, EOL ends.
    syn("unknown_option", bytes([254, 6, 0xf9, 0x89, 0, 0]) + O_NOP +
        O_NOP + o_ts(ts), ONLY_TS, ts)
    syn("mss_wrong_size", bytes([2, 6, 5, 0xb4, 0, 0]) + O_NOP + o_ws(7),
        ONLY_WS)
    syn("ts_wrong_size", bytes([8, 6, 0, 0, 0, 1]) + O_NOP + O_NOP,
        NOTHING)
    syn("eol_ends_list", o_mss(1460) + O_EOL + O_NOP + o_ws(3), NOTHING)
    # A malformed length ends the walk; what came before stands.
    syn("bad_len_1", o_mss(1460) + O_SACK + bytes([8, 1]), ONLY_SACK,
        extra=bad)
    syn("bad_len_beyond", O_NOP + o_ws(5) + bytes([8, 40, 0, 0]), ONLY_WS,
        extra=bad)
    syn("bad_len_0_first", bytes([30, 0]) + O_NOP + o_ws(5), NOTHING,
        extra=bad)
    syn("bad_kind_last_byte", O_SACK + O_NOP + bytes([3]), ONLY_SACK,
        extra=bad)
    # Data on a SYN: not acknowledged (ack = seq + 1).
    syn("syn_data", O_NOP + O_NOP + o_ts(ts), ONLY_TS, ts,
        data=bytes(range(30)))
    syn("syn_data_no_opts", b"", NOTHING, data=b"D" * 100, seq=0xffffffff)
    return f.segs


@pytest.fixture(scope="module", params=[4, 6], ids=["v4", "v6"])
def options_run(request, mac, tmp_path_factory):
    fam = request.param
    tmp = tmp_path_factory.mktemp("tcp-opts-v%d" % fam)
    return run_group(tmp, mac, "opts", options_segs(fam), LISTEN_ARGS)


def test_synack_options(options_run):
    check_replies(options_run)


def test_synack_options_counters(options_run):
    check_counters(options_run)
    check_identity_and_mempool(options_run)


# --------------------------------------------------------------------------
# SYN-RECEIVED

def synrecv_segs(fam):
    f = Flows(fam, 30000)
    W = WINDOW
    ws_win = WINDOW >> WSCALE       # the scaled window of a bare ACK

    # Duplicate SYN, same ISN: the same SYN-ACK once, then rate limited
    # (500 ms, shared with out-of-window ACKs). TSecr stays the first
    # SYN's TSval: a retransmitted SYN does not update TS.Recent.
    a = f.flow()
    A = 0x10000000
    a("syn", A, flags=SYN, opts=linux_syn_opts(111),
      reply=synack(A + 1, ALL, tsecr=111), extra=NEW_REQ)
    a("dup_syn", A, flags=SYN, opts=linux_syn_opts(112),
      reply=synack(A + 1, ALL, "isn_same", tsecr=111), extra=RESENT)
    a("dup_syn_again", A, flags=SYN, opts=linux_syn_opts(113),
      outcome="drop_tcp_dup_syn_limited")
    a("oow_after_dup_syn", A + 1 + 200000, flags=0,
      opts=pad4(O_NOP + O_NOP + o_ts(114)), outcome="drop_tcp_req_oow")

    # ACK with a wrong ack number: <SEQ=SEG.ACK><CTL=RST>, the request
    # stays (a duplicate SYN after it gets the same ISN back).
    b = f.flow()
    B = 0x20000000
    b("syn", B, flags=SYN, reply=synack(B + 1, NOTHING), extra=NEW_REQ)
    b("bad_ack", B + 1, ack=0xdeadbeef, flags=ACK, reply=rst(0xdeadbeef),
      extra=("out_rsts",))
    b("bad_ack_data", B + 1, ack=0, flags=ACK | PSH, data=b"x" * 8,
      reply=rst(0), extra=("out_rsts",))
    b("bad_ack_rst", B + 1, ack=0xdeadbeef, flags=RST | ACK,
      outcome="drop_tcp_req_bad_ack")
    b("dup_syn", B, flags=SYN, reply=synack(B + 1, NOTHING, "isn_same"),
      extra=RESENT)

    # Out of window: <SEQ=ISN+1><ACK=RCV.NXT><CTL=ACK> with the scaled
    # window and timestamps, then rate limited; a RST is never answered.
    c = f.flow()
    C = 0x30000000
    c("syn", C, flags=SYN, opts=linux_syn_opts(5000),
      reply=synack(C + 1, ALL, tsecr=5000), extra=NEW_REQ)
    c("oow", C + 1 + 100000, flags=0, opts=pad4(O_NOP + O_NOP + o_ts(5001)),
      reply=req_ack(C + 1, ws_win, tsecr=5000))
    c("oow_again", C + 1 + 100000, flags=0,
      opts=pad4(O_NOP + O_NOP + o_ts(5002)), outcome="drop_tcp_req_oow")
    c("oow_rst", C - 50000, flags=RST, outcome="drop_tcp_req_oow")
    c("oow_syn_other_isn", C - 70000, flags=SYN,
      opts=linux_syn_opts(5003), outcome="drop_tcp_req_oow")
    c("dup_syn_limited", C, flags=SYN, opts=linux_syn_opts(5004),
      outcome="drop_tcp_dup_syn_limited")

    # Out of window without options: unscaled window, no timestamps. A
    # SYN with another ISN below the window is just out of window.
    c2 = f.flow()
    C2 = 0x38000000
    c2("syn", C2, flags=SYN, reply=synack(C2 + 1, NOTHING), extra=NEW_REQ)
    c2("oow_syn_other_isn", C2 - 100000, flags=SYN,
       reply=req_ack(C2 + 1, W))
    c2("oow_again", C2 + 1 + 70000, flags=PSH, outcome="drop_tcp_req_oow")
    c2("oow_rst_at_isn", C2, flags=RST, outcome="drop_tcp_req_oow")

    # The right edge of the window (tcp_in_window): an empty segment at
    # RCV.NXT + RCV.WND is in, one byte there is out, one byte just
    # before it is in. In-window segments without ACK are dropped.
    e1 = f.flow()
    E1 = 0x40000000
    e1("syn", E1, flags=SYN, reply=synack(E1 + 1, NOTHING), extra=NEW_REQ)
    e1("empty_at_right_edge", E1 + 1 + W, flags=0,
       outcome="drop_tcp_req_noack")
    e1("byte_before_right_edge", E1 + W, flags=PSH, data=b"1",
       outcome="drop_tcp_req_noack")
    e1("byte_at_right_edge", E1 + 1 + W, flags=PSH, data=b"1",
       reply=req_ack(E1 + 1, W))
    e2 = f.flow()
    E2 = 0x48000000
    e2("syn", E2, flags=SYN, reply=synack(E2 + 1, NOTHING), extra=NEW_REQ)
    e2("empty_at_isn", E2, flags=PSH, reply=req_ack(E2 + 1, W))

    # RST in the window (at RCV.NXT or inside): the request ends
    # (EmbryonicRsts, no reply); an ACK after it meets the listener
    # (RST), and the same SYN again starts a new request.
    d = f.flow()
    D = 0x50000000
    d("syn", D, flags=SYN, opts=linux_syn_opts(700),
      reply=synack(D + 1, ALL, tsecr=700), extra=NEW_REQ)
    d("rst_in_window", D + 1, flags=RST, outcome="tcp_absorbed",
      extra=("embryonic_rsts",))
    d("ack_after_reset", D + 1, ack=0x01020304, flags=ACK,
      reply=rst(0x01020304), extra=("out_rsts",))
    d("syn_again", D, flags=SYN, opts=linux_syn_opts(701),
      reply=synack(D + 1, ALL, "isn_new_any", tsecr=701), extra=NEW_REQ)
    d2 = f.flow()
    D2 = 0x58000000
    d2("syn", D2, flags=SYN, reply=synack(D2 + 1, NOTHING), extra=NEW_REQ)
    d2("rst_inside_window", D2 + 1 + 30000, flags=RST,
       outcome="tcp_absorbed", extra=("embryonic_rsts",))
    d2("syn_again", D2, flags=SYN,
       reply=synack(D2 + 1, NOTHING, "isn_new_any"), extra=NEW_REQ)

    # SYN with another ISN inside the window: the request ends with a
    # RST (<SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>), EmbryonicRsts.
    g = f.flow()
    G = 0x60000000
    g("syn", G, flags=SYN, reply=synack(G + 1, NOTHING), extra=NEW_REQ)
    g("syn_other_isn_in_window", G + 1000, flags=SYN,
      reply=rst_ack(G + 1001), extra=("embryonic_rsts", "out_rsts"))
    g("syn_again", G, flags=SYN,
      reply=synack(G + 1, NOTHING, "isn_new_any"), extra=NEW_REQ)

    # In-window segment without ACK: dropped, but its TSval becomes
    # TS.Recent; PAWS then rejects an older TSval with an ACK (rate
    # limited after the first).
    h = f.flow()
    H = 0x70000000
    h("syn", H, flags=SYN, opts=linux_syn_opts(9000),
      reply=synack(H + 1, ALL, tsecr=9000), extra=NEW_REQ)
    h("noack_data", H + 1, flags=PSH, data=b"n" * 10,
      opts=pad4(O_NOP + O_NOP + o_ts(9001)), outcome="drop_tcp_req_noack")
    h("paws_old_tsval", H + 1, flags=PSH,
      opts=pad4(O_NOP + O_NOP + o_ts(8000)),
      reply=req_ack(H + 1, ws_win, tsecr=9001), extra=("paws_rejected",))
    h("paws_again", H + 1, flags=PSH, opts=pad4(O_NOP + O_NOP + o_ts(8001)),
      outcome="drop_tcp_req_oow", extra=("paws_rejected",))

    # PAWS: a duplicate SYN with an older TSval is no retransmission:
    # out of window (PAWS), an ACK, not a SYN-ACK.
    p = f.flow()
    P = 0x78000000
    p("syn", P, flags=SYN, opts=linux_syn_opts(7000),
      reply=synack(P + 1, ALL, tsecr=7000), extra=NEW_REQ)
    p("dup_syn_old_tsval", P, flags=SYN, opts=linux_syn_opts(6000),
      reply=req_ack(P + 1, ws_win, tsecr=7000), extra=("paws_rejected",))

    # RFC 7323 5.3 R1: PAWS never rejects a RST (a young Linux request
    # would): an in-window RST with an older TSval ends the request, and
    # the duplicate SYN that the limiter would have dropped starts a new
    # one.
    h2 = f.flow()
    H2 = 0x74000000
    h2("syn", H2, flags=SYN, opts=linux_syn_opts(4000),
       reply=synack(H2 + 1, ALL, tsecr=4000), extra=NEW_REQ)
    h2("dup_syn", H2, flags=SYN, opts=linux_syn_opts(4000),
       reply=synack(H2 + 1, ALL, "isn_same", tsecr=4000), extra=RESENT)
    h2("old_tsval_rst", H2 + 1, flags=RST,
       opts=pad4(O_NOP + O_NOP + o_ts(3000)), outcome="tcp_absorbed",
       extra=("embryonic_rsts",))
    h2("syn_again", H2, flags=SYN, opts=linux_syn_opts(4001),
       reply=synack(H2 + 1, ALL, "isn_new_any", tsecr=4001), extra=NEW_REQ)

    # ECN setup is remembered: the resent SYN-ACK has ECE too.
    n = f.flow()
    N = 0x7a000000
    n("syn_ecn", N, flags=SYN | ECE | CWR, reply=synack(N + 1, NOTHING,
                                                        ecn=True),
      extra=NEW_REQ)
    n("dup_syn_ecn", N, flags=SYN | ECE | CWR,
      reply=synack(N + 1, NOTHING, "isn_same", ecn=True), extra=RESENT)

    # TS.Recent 0 proves nothing (Linux): no PAWS against it.
    z = f.flow()
    Z = 0x7c000000
    z("syn", Z, flags=SYN, opts=linux_syn_opts(0),
      reply=synack(Z + 1, ALL, tsecr=0), extra=NEW_REQ)
    z("any_tsval", Z + 1, flags=PSH, opts=pad4(O_NOP + O_NOP +
                                                o_ts(0x80000001)),
      outcome="drop_tcp_req_noack")
    return f.segs


@pytest.fixture(scope="module", params=[4, 6], ids=["v4", "v6"])
def synrecv_run(request, mac, tmp_path_factory):
    fam = request.param
    tmp = tmp_path_factory.mktemp("tcp-synrecv-v%d" % fam)
    return run_group(tmp, mac, "synrecv", synrecv_segs(fam), LISTEN_ARGS)


def test_syn_received_replies(synrecv_run):
    check_replies(synrecv_run)


def test_syn_received_counters(synrecv_run):
    check_counters(synrecv_run)
    check_identity_and_mempool(synrecv_run)


# --------------------------------------------------------------------------
# Deviations from Linux these tests found (fixed)

# Linux's tcp_oow_rate_limited() exempts segments that carry data (or FIN)
# without SYN: "Data packets without SYNs are not likely part of an ACK
# loop", so such a segment is always answered.
def test_oow_data_ack_not_rate_limited(mac, tmp_path):
    segs = []
    for fam in (4, 6):
        f = Flows(fam, 41000 + 100 * fam)
        a = f.flow()
        A = 0x11000000
        a("syn", A, flags=SYN, opts=linux_syn_opts(300),
          reply=synack(A + 1, ALL, tsecr=300), extra=NEW_REQ)
        # The duplicate SYN's SYN-ACK arms the 500 ms limiter ...
        a("dup_syn", A, flags=SYN, opts=linux_syn_opts(300),
          reply=synack(A + 1, ALL, "isn_same", tsecr=300), extra=RESENT)
        # ... which must not silence the ACK for out-of-window data.
        a("oow_data", A + 1 + 100000, flags=PSH, data=b"d" * 10,
          opts=pad4(O_NOP + O_NOP + o_ts(301)),
          reply=req_ack(A + 1, WINDOW >> WSCALE, tsecr=300))
        segs += f.segs
    check_group(run_group(tmp_path, mac, "oow-data", segs, LISTEN_ARGS))


# Linux's tcp_ecn_create_request() does not negotiate ECN when the SYN
# carries ECT (RFC 3168 6.1.1: a host MUST NOT set ECT on a SYN) unless
# reserved TCP header bits are set.
def test_ect_marked_syn_gets_no_ecn(mac, tmp_path):
    segs = []
    for fam in (4, 6):
        f = Flows(fam, 42000 + 100 * fam)
        for name, ecn_bits in (("ect0", 2), ("ect1", 1), ("ce", 3)):
            if fam == 4:
                l3 = IP(src=PEER_V4, dst=SF_V4, ttl=61, flags="DF",
                        proto=6, tos=ecn_bits)
            else:
                l3 = IPv6(src=PEER_V6, dst=SF_V6, hlim=61, nh=6,
                          tc=ecn_bits)
            f.flow()("syn_ecn_" + name, 1000, flags=SYN | ECE | CWR, l3=l3,
                     reply=synack(1001, NOTHING, ecn=False), extra=NEW_REQ)
        segs += f.segs
    check_group(run_group(tmp_path, mac, "ect-syn", segs, LISTEN_ARGS))


# --------------------------------------------------------------------------
# Listener options being added to synfront: tested once --help lists them

def both_families(build):
    segs = []
    for fam in (4, 6):
        segs += build(fam, Flows(fam, 50000 + 1000 * fam))
    return segs


def test_no_listener_drop(mac, tmp_path):
    need_options("--no-listener")

    def build(fam, f):
        drop = "drop_tcp_no_listener"
        f.flow(CLOSED)("closed_syn", 1000, flags=SYN, outcome=drop)
        f.flow(CLOSED)("closed_ack", 1000, ack=5, flags=ACK, outcome=drop)
        f.flow(CLOSED)("closed_fin", 1000, flags=FIN, outcome=drop)
        f.flow(CLOSED)("closed_rst", 1000, flags=RST, outcome=drop)
        # A listener still answers; LISTEN's ACK rule still resets.
        f.flow()("syn", 1000, flags=SYN, reply=synack(1001, NOTHING),
                 extra=NEW_REQ)
        f.flow()("ack", 1000, ack=99, flags=ACK, reply=rst(99),
                 extra=("out_rsts",))
        return f.segs
    check_group(run_group(tmp_path, mac, "nolisten-drop",
                          both_families(build),
                          LISTEN_ARGS + ["--no-listener", "drop"]))


def test_no_listener_rst_explicit(mac, tmp_path):
    need_options("--no-listener")

    def build(fam, f):
        f.flow(CLOSED)("closed_syn", 1000, flags=SYN, reply=rst_ack(1001),
                       extra=("out_rsts",))
        f.flow(CLOSED)("closed_rst", 1000, flags=RST,
                       outcome="drop_tcp_no_listener")
        return f.segs
    check_group(run_group(tmp_path, mac, "nolisten-rst",
                          both_families(build),
                          LISTEN_ARGS + ["--no-listener", "rst"]))


@pytest.mark.parametrize("clamp", [1200, 1450])
def test_mss_clamp(mac, tmp_path, clamp):
    """--mss lowers the advertised MSS; it never raises it past the MTU's."""
    need_options("--mss")

    def build(fam, f):
        mss = min(MSS[fam], clamp)
        f.flow()("syn_all", 1000, flags=SYN, opts=linux_syn_opts(5),
                 reply=synack(1001, ALL, tsecr=5, mss=mss), extra=NEW_REQ)
        f.flow()("syn_nothing", 1000, flags=SYN,
                 reply=synack(1001, NOTHING, mss=mss), extra=NEW_REQ)
        return f.segs
    check_group(run_group(tmp_path, mac, "mss%d" % clamp,
                          both_families(build),
                          LISTEN_ARGS + ["--mss", str(clamp)]))


def test_window_and_wscale(mac, tmp_path):
    need_options("--window", "--wscale")
    win, ws = 20000, 9

    def build(fam, f):
        a = f.flow()
        a("syn_all", 1000, flags=SYN, opts=linux_syn_opts(5),
          reply=synack(1001, ALL, tsecr=5, win=win, ws=ws), extra=NEW_REQ)
        # The bare ACK of a request: the window scaled by our shift.
        a("oow", 1001 + 100000, flags=0, opts=pad4(O_NOP + O_NOP + o_ts(6)),
          reply=req_ack(1001, win >> ws, tsecr=5))
        b = f.flow()
        b("syn_nothing", 1000, flags=SYN,
          reply=synack(1001, NOTHING, win=win), extra=NEW_REQ)
        b("oow", 1001 + 100000, flags=0, reply=req_ack(1001, win))
        return f.segs
    check_group(run_group(tmp_path, mac, "window",
                          both_families(build),
                          LISTEN_ARGS + ["--window", str(win),
                                         "--wscale", str(ws)]))


def test_timestamps_off(mac, tmp_path):
    need_options("--timestamps")

    def build(fam, f):
        a = f.flow()
        a("syn_all", 1000, flags=SYN, opts=linux_syn_opts(5),
          reply=synack(1001, NO_TS), extra=NEW_REQ)
        # No timestamps on the request: its ACK has none either.
        a("oow", 1001 + 100000, flags=0, opts=pad4(O_NOP + O_NOP + o_ts(6)),
          reply=req_ack(1001, WINDOW >> WSCALE))
        f.flow()("syn_only_ts", 1000, flags=SYN,
                 opts=pad4(O_NOP + O_NOP + o_ts(5)),
                 reply=synack(1001, NOTHING), extra=NEW_REQ)
        return f.segs
    check_group(run_group(tmp_path, mac, "ts-off", both_families(build),
                          LISTEN_ARGS + ["--timestamps", "no"]))


def test_sack_off(mac, tmp_path):
    need_options("--sack")

    def build(fam, f):
        f.flow()("syn_all", 1000, flags=SYN, opts=linux_syn_opts(5),
                 reply=synack(1001, NO_SACK, tsecr=5), extra=NEW_REQ)
        f.flow()("syn_only_sack", 1000, flags=SYN, opts=pad4(O_SACK),
                 reply=synack(1001, NOTHING), extra=NEW_REQ)
        f.flow()("syn_sack_ws", 1000, flags=SYN,
                 opts=pad4(O_SACK + O_NOP + o_ws(7)),
                 reply=synack(1001, ONLY_WS), extra=NEW_REQ)
        return f.segs
    check_group(run_group(tmp_path, mac, "sack-off", both_families(build),
                          LISTEN_ARGS + ["--sack", "no"]))


def test_ecn_off(mac, tmp_path):
    need_options("--ecn")

    def build(fam, f):
        f.flow()("syn_ecn_setup", 1000, flags=SYN | ECE | CWR,
                 reply=synack(1001, NOTHING, ecn=False), extra=NEW_REQ)
        f.flow()("syn_ecn_setup_opts", 1000, flags=SYN | ECE | CWR,
                 opts=linux_syn_opts(5),
                 reply=synack(1001, ALL, tsecr=5, ecn=False), extra=NEW_REQ)
        return f.segs
    check_group(run_group(tmp_path, mac, "ecn-off", both_families(build),
                          LISTEN_ARGS + ["--ecn", "no"]))


def test_ecn_on_explicit(mac, tmp_path):
    need_options("--ecn")

    def build(fam, f):
        f.flow()("syn_ecn_setup", 1000, flags=SYN | ECE | CWR,
                 reply=synack(1001, NOTHING, ecn=True), extra=NEW_REQ)
        f.flow()("syn_ece_only", 1000, flags=SYN | ECE,
                 reply=synack(1001, NOTHING), extra=NEW_REQ)
        return f.segs
    check_group(run_group(tmp_path, mac, "ecn-on", both_families(build),
                          LISTEN_ARGS + ["--ecn", "yes"]))
