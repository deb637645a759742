# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
Golden packet tests of the ESTABLISHED data path (issue 16) on net_pcap:
retransmission timing (data and FIN), fast retransmit (NewReno, SACK after
three duplicate ACKs, SACK after one ACK SACKing more than three
segments), zero-window probing, the FIN in every state (ESTABLISHED ->
CLOSE-WAIT -> LAST-ACK, CLOSE-WAIT held, FIN-WAIT-1 -> FIN-WAIT-2 ->
TIME-WAIT, FIN-WAIT-1 -> CLOSING -> TIME-WAIT, FIN-WAIT-1 -> TIME-WAIT,
retransmitted FINs in LAST-ACK, CLOSE-WAIT and TIME-WAIT, RSTs in
TIME-WAIT), and the RFC 5961 checks (challenge ACKs for an in-window RST
and a SYN, their shared rate limit, a RST at RCV.NXT, ACKs of data never
sent).

The third ACK is written in advance: every listener has syncookies 2 and
the run a fixed --cookie-secret, and the client offers no timestamps, so
our ISN is the cookie that sf_cookie_ref.py computes for the current
period t (a run never starts within a few seconds of a period boundary:
the test waits past it; the SYN-ACK's ISN is checked against the
reference). Each scenario is one connection (its own source port): SYN,
third ACK, then the peer's data, ACKs, FINs, RSTs, SYNs in order, all in
one input pcap that net_pcap delivers back to back at start; what
synfront answers is read from the output pcap WITH its timestamps.

Three listeners (a config file): 80 echo, 81 close (our FIN at accept),
82 sink (never sends, never closes). One synfront run per address family
lasts until the last expected segment (the third retransmission, 7 s
after the first transmission at the initial RTO of 1 s, the listener's
synack_timeout, which the config file cannot change) and half a second
more, so a segment too many shows.

Every segment synfront sends is parsed from its raw bytes and checked
field by field: L2, IPv4 (DF, ID 0, TTL 64, header checksum) or IPv6
(hop limit 64), TCP (ports, seq, ack, flags, window, data offset, no
options beyond the SYN-ACK's, checksum) and the payload byte for byte.
Replies are compared per connection in order (one worker: one flow's
segments leave in order). Timer-driven segments are checked against the
tx pcap's timestamps: retransmissions and window probes at RTO, 2 RTO,
4 RTO after the previous one (1, 3, 7 s after the first), each within
25 % + 20 ms; a fast retransmission within 300 ms of the segment before
it (well before any RTO).

Counters from the exit JSON are checked exactly (the TCP engine's, every
drop_* counter), the TCP outcome identity, the echo application's byte
totals, and that every mbuf is back in its pool.

Two deviations these tests found are fixed and checked here: the
window after our FIN was acknowledged stays the listener's (it shrank by
every byte taken), and RFC 5961 5.2 (an ACK below SND.UNA - MAX.SND.WND
draws a challenge ACK and its data is dropped, as Linux's tcp_ack()
does; synfront took the data).
"""

import collections
import itertools
import socket
import struct
import time

import pytest

import sf_cookie_ref as ref
from conftest import (PEER_V4, PEER_V6, SF_ADDR_ARGS, SF_V4, SF_V6,
                      Synfront, needs_root, nonzero)

scapy = pytest.importorskip("scapy.all")
from scapy.all import ARP, Ether, Raw, rdpcap, wrpcap  # noqa: E402
from test_golden_cookie import syn_opts, synack_layout  # noqa: E402
from test_golden_tcp import (  # noqa: E402
    ACK, BCAST, FIN, M32, O_NOP, PEER_MAC, PSH, RST, SYN, TCP_BOUNDS_DROPS,
    WINDOW, WSCALE, Reply, check_identity_and_mempool, check_opts,
    flag_str, ip_layer, l2_layer, ones_sum, optlen, pad4, parse_reply,
    pcap_vdev, run_pcap, tcp_header, with_csum)

pytestmark = needs_root

SECRET = "00112233445566778899aabbccddeeff"
ECHO, CLOSE, SINK = 80, 81, 82

CONFIG = """\
[listener echo]
listen = %d
app = echo
syncookies = 2

[listener close]
listen = %d
app = close
syncookies = 2

[listener sink]
listen = %d
app = sink
syncookies = 2
""" % (ECHO, CLOSE, SINK)

RTO_MS = 1000           # the listener's synack_timeout: RTO before a sample
PEER_WIN = 64240        # the window the peer advertises (unscaled)
# The client's MSS: the first entry of the family's cookie table, so the
# cookie gives it back exactly; small segments keep the pcaps small.
CLIENT_MSS = {4: 536, 6: 1220}
BOUNDARY_GUARD_S = 8    # no run starts closer than this to a new period
SETTLE_S = 0.5          # after the last expected segment: extras show
FAST_MS = 300           # "at once": well before the 1 s RTO

# Counters checked exactly besides every drop_* counter.
TRACKED = (
    "rx_packets", "tx_packets", "tx_dropped", "tcp_segments", "tcp_replied",
    "tcp_absorbed", "tcp_bad_opts", "syn_recv", "synack_sent",
    "synack_retrans", "passive_opens", "accepted", "third_ack_data",
    "third_ack_fin", "syncookies_sent", "syncookies_recv",
    "syncookies_failed", "embryonic_rsts", "out_rsts", "in_errs",
    "in_csum_errors", "paws_rejected", "challenge_acks", "tx_nombuf",
    "data_delivered", "data_delivered_bytes", "delayed_acks", "ofo_queue",
    "ofo_drop", "ofo_merge", "paws_estab", "snd_queued_bytes",
    "snd_pool_limit", "data_segs_out", "data_bytes_out", "retrans_segs",
    "fast_retrans", "tcp_timeouts", "sack_recovery", "reno_recovery",
    "window_probes", "abort_on_timeout", "tw_overflow", "tw_recycled",
    "conn_resets", "conn_closed", "conn_timeouts", "fin_retrans",
    "app_closes", "app_shutdowns", "auto_closes", "app_resets")

COOKIE_SYNACK = ("synack_sent", "syncookies_sent")
COOKIE_OK = ("syncookies_recv", "passive_opens", "accepted")
COOKIE_BAD = ("syncookies_failed", "out_rsts")


def wall_ms():
    return time.time_ns() // 1000000


def addrs(fam):
    """(peer, synfront) addresses of a family."""
    return (PEER_V4, SF_V4) if fam == 4 else (PEER_V6, SF_V6)


def o_sack(blocks):
    """<nop, nop, SACK> with blocks [(left, right), ...]."""
    b = bytes([5, 2 + 8 * len(blocks)])
    for left, right in blocks:
        b += struct.pack("!II", left & M32, right & M32)
    return pad4(O_NOP + O_NOP + b)


def payload(tag, n):
    """n bytes that say where they belong."""
    return (tag.encode() * (n // len(tag) + 1))[:n]


# --------------------------------------------------------------------------
# What goes in, what must come out

class Out:
    """
    One segment synfront must send. after=(name, ms): sent ms after the
    segment named name of the same connection (a timer: RTO, 2 RTO, ...);
    soon=(name, ms): at most ms after it (sent at once, on input).
    """

    def __init__(self, name, flags, seq, ack, win, data=b"", after=None,
                 soon=None, synack=None):
        self.name = name
        self.flags = flags
        self.seq = seq & M32
        self.ack = ack & M32
        self.win = win
        self.data = data
        self.after = after
        self.soon = soon
        self.synack = synack        # the SYN-ACK's option layout


class In:
    """One input segment, its outcome counter and the counters it adds."""

    def __init__(self, conn, name, seq, ack, flags, data=b"", win=None,
                 opts=b"", outcome="tcp_absorbed", extra=()):
        self.conn = conn
        self.name = "%s/%s" % (conn.name, name)
        self.fam = conn.fam
        self.outcome = outcome
        self.extra = tuple(extra)
        self.data = data
        self.tcp = tcp_header(conn.sport, conn.dport, seq, ack, flags, opts,
                              data, win=conn.peer_win if win is None
                              else win)

    def build(self, mac):
        ip = ip_layer(self.fam)
        return l2_layer(mac, [], PEER_MAC) / ip / Raw(
            with_csum(self.fam, ip, self.tcp))


class Plan:
    """The input segments of a run, the connections, the counters."""

    def __init__(self, fam, t):
        self.fam = fam
        self.t = t                  # the cookie period
        self.ins = []
        self.conns = []
        self.want = collections.Counter()   # counters beyond the inputs
        self.ports = itertools.count(41000 + 1000 * fam)

    def conn(self, name, dport, **kw):
        c = Conn(self, name, dport, next(self.ports), **kw)
        self.conns.append(c)
        return c

    def nb_out(self):
        return sum(len(c.outs) for c in self.conns)


class Conn:
    """
    A connection through a cookie listener: the SYN and third ACK are
    made at once; iss and irs are the two initial sequence numbers,
    m the MSS both sides use, win our window field.
    """

    def __init__(self, plan, name, dport, sport, sack=False, ws=None,
                 third_ack_win=None):
        self.plan = plan
        self.name = name
        self.fam = fam = plan.fam
        self.dport, self.sport = dport, sport
        self.sack, self.ws = sack, ws
        self.m = CLIENT_MSS[fam]
        self.irs = (0x10000000 * (1 + sport % 15) + 0x1234 * fam) & M32
        raddr, laddr = addrs(fam)
        self.iss, _ = ref.make_cookie(SECRET, plan.t, fam, raddr, laddr,
                                      sport, dport, self.irs, self.m, ws,
                                      sack, False, False)
        # Our window field: the listener's 65535, scaled when the client
        # offered window scaling (the room in the send queue is larger).
        self.win = WINDOW >> WSCALE if ws is not None else WINDOW
        # The peer's window: PEER_WIN bytes, in its own scale.
        self.peer_win = PEER_WIN >> ws if ws is not None else PEER_WIN
        self.outs = []
        self.inp("syn", self.irs, 0, SYN,
                 opts=syn_opts(mss=self.m, ws=ws, sack=sack),
                 outcome="tcp_replied", extra=COOKIE_SYNACK,
                 outs=[Out("synack", SYN | ACK, self.iss, self.irs + 1,
                           WINDOW, synack=synack_layout(ws, sack, False))])
        self.inp("third_ack", self.irs + 1, self.iss + 1, ACK,
                 win=third_ack_win, extra=COOKIE_OK)

    def inp(self, name, seq, ack, flags, outs=(), **kw):
        """An input segment; outs: what synfront sends in answer."""
        s = In(self, name, seq, ack, flags, **kw)
        self.plan.ins.append(s)
        self.outs.extend(outs)
        return s

    def out(self, name, flags, seq, ack, data=b"", **kw):
        """A segment of ours, our window (seq, ack absolute)."""
        return Out(name, flags, seq, ack, self.win, data, **kw)

    def timed(self, *outs):
        """Segments a timer sends, after every answer to input."""
        self.outs.extend(outs)

    def echo_data(self, name, off, data, sent_off=0, flags=PSH | ACK):
        """Peer data at irs + 1 + off (acknowledging nothing of ours);
        echo sends it back at iss + 1 + sent_off in one segment."""
        e = self.out("echo_" + name, PSH | ACK, self.iss + 1 + sent_off,
                     self.irs + 1 + off + len(data), data)
        self.inp(name, self.irs + 1 + off, self.iss + 1, flags,
                 data=data, outs=[e],
                 extra=("data_delivered",) + ("data_delivered_bytes",) *
                 len(data) + ("snd_queued_bytes",) * len(data) +
                 ("data_segs_out",) + ("data_bytes_out",) * len(data))
        return e

    def listener_rst(self, name, seq, ack):
        """A segment after the connection ended: the listener checks its
        ACK as a cookie (one for another client ISN: it fails) and
        answers <SEQ=SEG.ACK><CTL=RST>."""
        self.inp(name, seq, ack, ACK, outcome="tcp_replied",
                 extra=COOKIE_BAD, outs=[Out(name, RST, ack, 0, 0)])


def retransmissions(conn, first, n):
    """first again at RTO, 2 RTO, ... after the previous one; counted."""
    outs, prev = [], first.name
    for i in range(n):
        o = Out("%s_rexmt%d" % (first.name, i + 1), first.flags,
                first.seq, first.ack, first.win, first.data,
                after=(prev, RTO_MS << i))
        outs.append(o)
        prev = o.name
    conn.timed(*outs)
    w = conn.plan.want
    w["retrans_segs"] += n
    w["tcp_timeouts"] += n
    if first.data:
        w["data_segs_out"] += n
        w["data_bytes_out"] += n * len(first.data)
    else:
        w["fin_retrans"] += n


# --------------------------------------------------------------------------
# The scenarios

def rto_scenario(p):
    """Echo's answer never acknowledged: the same segment (seq, bytes,
    flags) at RTO, then doubling (RFC 6298 5.5)."""
    c = p.conn("rto", ECHO)
    e = c.echo_data("data", 0, payload("rto-", 100))
    retransmissions(c, e, 3)


def fast_rexmit_scenario(p, sack):
    """Six segments echoed; the peer acknowledges the first, then three
    duplicate ACKs (SACK blocks growing over segments 3 to 5 when SACK
    was negotiated): segment 2 alone goes again at once, without PSH
    (that marks the segment that emptied the queue); a full ACK ends
    recovery."""
    c = p.conn("fastrx_sack" if sack else "fastrx_reno", ECHO, sack=sack,
               ws=7 if sack else None)
    m = c.m
    es = [c.echo_data("data%d" % k, k * m, payload("seg%d." % k, m),
                      sent_off=k * m) for k in range(6)]
    una = c.iss + 1 + m
    c.inp("ack_seg1", c.irs + 1 + 6 * m, una, ACK)
    for k in range(3):
        opts = o_sack([(una + m, una + m * (k + 2))]) if sack else b""
        outs = []
        if k == 2:
            outs = [c.out("fast_rexmit", ACK, es[1].seq, es[5].ack,
                          es[1].data, soon=(es[5].name, FAST_MS))]
        c.inp("dupack%d" % (k + 1), c.irs + 1 + 6 * m, una, ACK, opts=opts,
              outs=outs)
    c.inp("ack_all", c.irs + 1 + 6 * m, c.iss + 1 + 6 * m, ACK)
    w = p.want
    w["retrans_segs"] += 1
    w["fast_retrans"] += 1
    w["sack_recovery" if sack else "reno_recovery"] += 1
    w["data_segs_out"] += 1
    w["data_bytes_out"] += m


def sack_lost_scenario(p):
    """RFC 6675 5: one duplicate ACK whose SACK blocks cover more than
    three segments' worth above the hole starts recovery: the hole goes
    at once."""
    c = p.conn("sack_many", ECHO, sack=True)
    m = c.m
    es = [c.echo_data("data%d" % k, k * m, payload("s%d-" % k, m),
                      sent_off=k * m) for k in range(7)]
    una = c.iss + 1 + m
    c.inp("ack_seg1", c.irs + 1 + 7 * m, una, ACK)
    c.inp("dupack_sack4", c.irs + 1 + 7 * m, una, ACK,
          opts=o_sack([(una + m, una + 6 * m)]),
          outs=[c.out("fast_rexmit", ACK, es[1].seq, es[6].ack, es[1].data,
                      soon=(es[6].name, FAST_MS))])
    c.inp("ack_all", c.irs + 1 + 7 * m, c.iss + 1 + 7 * m, ACK)
    w = p.want
    w["retrans_segs"] += 1
    w["fast_retrans"] += 1
    w["sack_recovery"] += 1
    w["data_segs_out"] += 1
    w["data_bytes_out"] += m


def zero_window_scenario(p):
    """The peer's window is shut (third ACK and data with window 0):
    echo's bytes wait; the data is ACKed at once; probes <SEQ=SND.UNA-1>
    <ACK>, no data, at RTO and doubling (Linux's tcp_probe_timer())."""
    c = p.conn("zero_window", ECHO, third_ack_win=0)
    data = payload("zwnd", 40)
    ack = c.out("ack", ACK, c.iss + 1, c.irs + 1 + len(data))
    c.inp("data_win0", c.irs + 1, c.iss + 1, PSH | ACK, data=data, win=0,
          outcome="tcp_replied", outs=[ack],
          extra=("data_delivered",) + ("data_delivered_bytes",) * len(data)
          + ("snd_queued_bytes",) * len(data))
    prev = ack.name
    for i in range(3):
        o = c.out("probe%d" % (i + 1), ACK, c.iss, ack.ack,
                  after=(prev, RTO_MS << i))
        c.timed(o)
        prev = o.name
    p.want["window_probes"] += 3


def fin_scenarios(p):
    """The FIN in every state, seq and ack of every answer exact."""
    # ESTABLISHED -> CLOSE-WAIT: echo has no on_close, the engine closes
    # (LAST-ACK): its FIN acknowledges the peer's. The peer's ACK ends
    # the connection, with no RST; a segment after it meets the listener.
    c = p.conn("fin_estab", ECHO)
    i, r = c.iss, c.irs
    c.inp("fin", r + 1, i + 1, FIN | ACK, extra=("auto_closes",),
          outs=[c.out("fin", FIN | ACK, i + 1, r + 2)])
    # LAST-ACK: the peer's FIN again (our FIN not seen): a duplicate ACK.
    c.inp("fin_again", r + 1, i + 1, FIN | ACK, outcome="tcp_replied",
          outs=[c.out("ack_fin_again", ACK, i + 2, r + 2)])
    c.inp("ack_of_fin", r + 2, i + 2, ACK, extra=("conn_closed",))
    c.listener_rst("ack_after_close", r + 2, i + 2)

    # Data and FIN in one segment: the bytes echoed (acknowledging them),
    # then our FIN (acknowledging the peer's).
    c = p.conn("data_fin", ECHO)
    i, r = c.iss, c.irs
    e = c.echo_data("data_fin", 0, b"bye", flags=FIN | PSH | ACK)
    c.outs.append(c.out("fin", FIN | ACK, i + 4, r + 5))
    p.want["auto_closes"] += 1
    c.inp("ack_of_fin", r + 5, i + 5, ACK, extra=("conn_closed",))
    assert e.ack == (r + 4) & M32

    # Our FIN first (close at accept): FIN-WAIT-1; its ACK: FIN-WAIT-2,
    # where data is still taken and ACKed; the peer's FIN: TIME-WAIT and
    # an ACK, again for a retransmitted FIN; data there is not taken but
    # answered with an ACK of where we are (tcp_timewait_state_process(),
    # never rate limited: it has data); an inexact RST is dropped, a RST
    # exactly at RCV.NXT ends it (tcp_rfc1337 = 0).
    c = p.conn("close_first", CLOSE)
    i, r = c.iss, c.irs
    c.outs.append(c.out("fin", FIN | ACK, i + 1, r + 1))
    p.want["app_closes"] += 1
    c.inp("ack_of_fin", r + 1, i + 2, ACK)
    c.inp("data_fw2", r + 1, i + 2, PSH | ACK, data=b"late",
          outcome="tcp_replied",
          outs=[c.out("ack_data", ACK, i + 2, r + 5)])
    c.inp("fin", r + 5, i + 2, FIN | ACK, outcome="tcp_replied",
          outs=[c.out("ack_fin", ACK, i + 2, r + 6)])
    c.inp("fin_again", r + 5, i + 2, FIN | ACK, outcome="tcp_replied",
          outs=[c.out("ack_fin_again", ACK, i + 2, r + 6)])
    c.inp("data_tw", r + 6, i + 2, PSH | ACK, data=b"x",
          outcome="tcp_replied",
          outs=[c.out("ack_data_tw", ACK, i + 2, r + 6)])
    c.inp("rst_inexact_tw", r + 100, 0, RST, outcome="drop_tcp_timewait")
    c.inp("rst_tw", r + 6, 0, RST, extra=("conn_closed",))
    c.listener_rst("ack_after_tw", r + 6, i + 2)

    # Our FIN never acknowledged: FIN-WAIT-1 sends it again at RTO,
    # then doubling (fin_retrans).
    c = p.conn("fin_rexmit", CLOSE)
    fin = c.out("fin", FIN | ACK, c.iss + 1, c.irs + 1)
    c.outs.append(fin)
    p.want["app_closes"] += 1
    retransmissions(c, fin, 3)

    # Simultaneous close: the peer's FIN does not acknowledge ours:
    # CLOSING, an ACK with SEQ = SND.NXT; its ACK of our FIN: TIME-WAIT;
    # the FIN again: ACKed again.
    c = p.conn("simultaneous", CLOSE)
    i, r = c.iss, c.irs
    c.outs.append(c.out("fin", FIN | ACK, i + 1, r + 1))
    p.want["app_closes"] += 1
    c.inp("fin_crossing", r + 1, i + 1, FIN | ACK, outcome="tcp_replied",
          outs=[c.out("ack_closing", ACK, i + 2, r + 2)])
    c.inp("ack_of_fin", r + 2, i + 2, ACK)
    c.inp("fin_again", r + 1, i + 2, FIN | ACK, outcome="tcp_replied",
          outs=[c.out("ack_tw", ACK, i + 2, r + 2)])

    # FIN-WAIT-1, the peer's FIN acknowledging ours: TIME-WAIT at once.
    c = p.conn("fin_ack_fw1", CLOSE)
    i, r = c.iss, c.irs
    c.outs.append(c.out("fin", FIN | ACK, i + 1, r + 1))
    p.want["app_closes"] += 1
    c.inp("fin_ack", r + 1, i + 2, FIN | ACK, outcome="tcp_replied",
          outs=[c.out("ack_tw", ACK, i + 2, r + 2)])

    # CLOSE-WAIT held (sink never closes): the FIN ACKed, again when
    # retransmitted; a RST at RCV.NXT - 1 ends it (tcp_reset_check()).
    c = p.conn("close_wait", SINK)
    i, r = c.iss, c.irs
    c.inp("fin", r + 1, i + 1, FIN | ACK, outcome="tcp_replied",
          outs=[c.out("ack_fin", ACK, i + 1, r + 2)])
    c.inp("fin_again", r + 1, i + 1, FIN | ACK, outcome="tcp_replied",
          outs=[c.out("ack_fin_again", ACK, i + 1, r + 2)])
    c.inp("rst_before_fin", r + 1, 0, RST, extra=("conn_resets",))
    c.listener_rst("ack_after_rst", r + 2, i + 1)


def rfc5961_scenarios(p):
    """Challenge ACKs <SEQ=SND.NXT><ACK=RCV.NXT>, one per 500 ms per
    connection (shared by RST and SYN), and the ACK of data never
    sent."""
    # An in-window RST not at RCV.NXT: a challenge ACK; then rate
    # limited, a SYN too; a RST past the window: dropped; the connection
    # lives (data ACKed); a RST at RCV.NXT ends it.
    c = p.conn("rst_challenge", SINK)
    i, r = c.iss, c.irs
    c.inp("rst_in_window", r + 1 + 1000, 0, RST, outcome="tcp_replied",
          extra=("challenge_acks",),
          outs=[c.out("challenge", ACK, i + 1, r + 1)])
    c.inp("rst_ack_in_window", r + 1 + 2000, i + 1, RST | ACK,
          outcome="drop_tcp_challenge_limited")
    c.inp("syn_limited", r + 1 + 3000, 0, SYN,
          outcome="drop_tcp_challenge_limited")
    c.inp("rst_past_window", r + 1 + 100000, 0, RST,
          outcome="drop_tcp_conn_oow")
    c.inp("data_alive", r + 1, i + 1, PSH | ACK, data=b"alive",
          outcome="tcp_replied", outs=[c.out("ack_data", ACK, i + 1, r + 6)])
    c.inp("rst_exact", r + 6, 0, RST, extra=("conn_resets",))
    c.listener_rst("ack_after_rst", r + 6, i + 1)

    # A SYN on the connection (the handshake's SYN again): challenged.
    c = p.conn("syn_challenge", SINK)
    i, r = c.iss, c.irs
    c.inp("syn", r, 0, SYN, opts=syn_opts(mss=c.m), outcome="tcp_replied",
          extra=("challenge_acks",),
          outs=[c.out("challenge", ACK, i + 1, r + 1)])
    c.inp("data_alive", r + 1, i + 1, PSH | ACK, data=b"still",
          outcome="tcp_replied", outs=[c.out("ack_data", ACK, i + 1, r + 6)])

    # SEG.ACK > SND.NXT: an ACK, the segment (its data) dropped; with
    # data it is not rate limited (tcp_oow_rate_limited()), a pure ACK
    # right after is.
    c = p.conn("ack_unsent", SINK)
    i, r = c.iss, c.irs
    for k in (1, 2):
        c.inp("data_ack_unsent%d" % k, r + 1, i + 1 + 1000, PSH | ACK,
              data=b"zz", outcome="tcp_replied",
              outs=[c.out("ack%d" % k, ACK, i + 1, r + 1)])
    c.inp("pure_ack_unsent", r + 1, i + 5000, ACK,
          outcome="drop_tcp_conn_oow")
    c.inp("data_ok", r + 1, i + 1, PSH | ACK, data=b"ok",
          outcome="tcp_replied", outs=[c.out("ack_data", ACK, i + 1, r + 3)])


def estab_plan(fam, t):
    p = Plan(fam, t)
    rto_scenario(p)
    fast_rexmit_scenario(p, sack=False)
    fast_rexmit_scenario(p, sack=True)
    sack_lost_scenario(p)
    zero_window_scenario(p)
    fin_scenarios(p)
    rfc5961_scenarios(p)
    return p


# --------------------------------------------------------------------------
# Running synfront

def cookie_period():
    """The current cookie period, at least BOUNDARY_GUARD_S from its end
    (a run never sees two periods: its SYN-ACKs carry the cookies that
    its third ACKs were made with)."""
    left = ref.PERIOD_MS - wall_ms() % ref.PERIOD_MS
    if left < BOUNDARY_GUARD_S * 1000:
        time.sleep(left / 1000 + 0.05)
    return ref.period(wall_ms())


def run_timed(tmp, name, frames, args, nb_out, timeout):
    """synfront over frames until nb_out segments left (or timeout s),
    then SETTLE_S more. Returns (port MAC, [(time s, frame bytes)] of the
    tx pcap, exit JSON)."""
    rx, tx = tmp / (name + "-in.pcap"), tmp / (name + "-out.pcap")
    wrpcap(str(rx), frames)
    sf = Synfront(vdev=pcap_vdev(rx, tx), lcores="0", mem=512, tmpdir=tmp,
                  app_args=list(SF_ADDR_ARGS) + list(args))
    try:
        sf.start()
        pmac = sf.port_mac()
        sf.wait_counters(lambda s: s["rx_packets"] >= len(frames),
                         what="%d frames read" % len(frames))
        # Missing segments are reported by the comparison, by name.
        deadline = time.monotonic() + timeout
        while sf.stats()["tx_packets"] < nb_out and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(SETTLE_S)
        rc = sf.stop()
        assert rc == 0, "synfront exit %r\nstderr:\n%s" % (rc, sf.stderr())
        js = sf.exit_json()
    finally:
        sf.cleanup()
    return pmac, [(float(p.time), bytes(p)) for p in rdpcap(str(tx))], js


def run_plan(tmp, mac, p, timeout):
    conf = tmp / "estab.ini"
    conf.write_text(CONFIG)
    frames = [s.build(mac) for s in p.ins]
    args = ["-c", str(conf), "--cookie-secret", SECRET]
    mac2, out, js = run_timed(tmp, "estab", frames, args, p.nb_out(),
                              timeout)
    assert mac2 == mac, "net_pcap MAC changed between runs"
    return dict(mac=mac, plan=p, segs=p.ins, out=[raw for _, raw in out],
                timed=out, js=js)


# --------------------------------------------------------------------------
# Checking

def tcp_of(raw, fam):
    """(IP source, IP destination, TCP bytes) of a frame."""
    off = parse_reply(raw)["l2"]
    if fam == 4:
        return raw[off + 12:off + 16], raw[off + 16:off + 20], \
            raw[off + 20:]
    return raw[off + 8:off + 24], raw[off + 24:off + 40], raw[off + 40:]


def flow_of(raw):
    """(family, our port, peer port) of a frame synfront sent."""
    r = parse_reply(raw)
    fam = 4 if r["ethertype"] == 0x0800 else 6
    tcp = tcp_of(raw, fam)[2]
    sport, dport = struct.unpack("!HH", tcp[:4])
    return fam, sport, dport


def check_segment(c, o, raw, mac):
    """One segment of ours, field by field, against Out o."""
    fam = c.fam
    r = parse_reply(raw)
    assert r["dst"] == PEER_MAC, "dst MAC %s" % r["dst"]
    assert r["src"] == mac, "src MAC %s" % r["src"]
    assert r["vlans"] == [], "VLAN tags %r" % r["vlans"]
    layout = o.synack if o.synack is not None else ()
    tcp_len = 20 + optlen(layout) + len(o.data)
    off = r["l2"]
    peer, ours = addrs(fam)
    af = socket.AF_INET if fam == 4 else socket.AF_INET6
    if fam == 4:
        assert r["ethertype"] == 0x0800
        ip = raw[off:off + 20]
        (vhl, tos, tot, ipid, frag, ttl, proto, _, src, dst) = \
            struct.unpack("!BBHHHBBH4s4s", ip)
        assert (vhl, tos) == (0x45, 0), "version/IHL/TOS"
        assert tot == 20 + tcp_len, "IP total length %d, want %d" % (
            tot, 20 + tcp_len)
        assert ipid == 0, "IP ID %d" % ipid
        assert frag == 0x4000, "DF/fragment 0x%04x" % frag
        assert (ttl, proto) == (64, 6), "TTL %d proto %d" % (ttl, proto)
        assert ones_sum(ip) == 0xffff, "bad IPv4 header checksum"
        pseudo = src + dst + struct.pack("!BBH", 0, 6, tcp_len)
        off += 20
    else:
        assert r["ethertype"] == 0x86dd
        vtf, plen, nh, hlim = struct.unpack("!IHBB", raw[off:off + 8])
        assert vtf == 6 << 28, "version/class/flow 0x%08x" % vtf
        assert plen == tcp_len, "payload length %d, want %d" % (plen,
                                                                tcp_len)
        assert (nh, hlim) == (6, 64), "next header %d hlim %d" % (nh, hlim)
        src, dst = raw[off + 8:off + 24], raw[off + 24:off + 40]
        pseudo = src + dst + struct.pack("!IxxxB", tcp_len, 6)
        off += 40
    assert src == socket.inet_pton(af, ours), "IP source"
    assert dst == socket.inet_pton(af, peer), "IP destination"
    assert len(raw) == off + tcp_len, "frame %d bytes, want %d" % (
        len(raw), off + tcp_len)
    tcp = raw[off:]
    assert ones_sum(pseudo + tcp) == 0xffff, "bad TCP checksum"
    (sport, dport, seq, ack, doff, flags, win, _, urp) = \
        struct.unpack("!HHIIBBHHH", tcp[:20])
    assert (sport, dport) == (c.dport, c.sport), "ports"
    assert flags == o.flags, "flags %s, want %s" % (
        flag_str(flags), flag_str(o.flags))
    assert seq == o.seq, "seq ISS%+d, want ISS%+d" % (
        (seq - c.iss) & M32, (o.seq - c.iss) & M32)
    assert ack == o.ack, "ack %s, want %s" % (
        "IRS%+d" % ((ack - c.irs) & M32) if ack else "0",
        "IRS%+d" % ((o.ack - c.irs) & M32) if o.ack else "0")
    assert win == o.win, "window %d, want %d" % (win, o.win)
    assert urp == 0, "urgent pointer"
    hl = 20 + optlen(layout)
    assert doff == (hl // 4) << 4, "data offset 0x%02x" % doff
    if o.synack is not None:
        check_opts(tcp[20:hl], Reply(o.flags, seq, ack, win, layout),
                   fam)
    assert tcp[hl:] == o.data, "payload %r, want %r" % (tcp[hl:], o.data)


def check_timing(o, at, t):
    """o left at time t; at: the times of the segments before it."""
    if o.after is not None:
        ref_name, ms = o.after
        got = (t - at[ref_name]) * 1000
        assert abs(got - ms) <= ms * 0.25 + 20, (
            "sent %.0f ms after %s, want %d ms (+-25 %% + 20 ms)" % (
                got, ref_name, ms))
    if o.soon is not None:
        ref_name, ms = o.soon
        got = (t - at[ref_name]) * 1000
        assert 0 <= got <= ms, "sent %.0f ms after %s, want at most %d" % (
            got, ref_name, ms)


def check_conns(g):
    """Every connection's segments, in order, fields and timing."""
    p = g["plan"]
    by_flow = collections.defaultdict(list)
    for t, raw in g["timed"]:
        by_flow[flow_of(raw)].append((t, raw))
    known = set()
    errors = []
    for c in p.conns:
        key = (c.fam, c.dport, c.sport)
        known.add(key)
        got = by_flow.get(key, [])
        t0 = got[0][0] if got else 0
        names = [o.name for o in c.outs]
        if len(got) != len(c.outs):
            errors.append("%s: %d segments, want %d (%s); got: %s" % (
                c.name, len(got), len(c.outs), ", ".join(names),
                "; ".join("%+.3fs %s" % (t - t0, summary(c, raw))
                          for t, raw in got)))
            continue
        at = {}
        for o, (t, raw) in zip(c.outs, got):
            try:
                check_segment(c, o, raw, g["mac"])
                check_timing(o, at, t)
            except AssertionError as e:
                errors.append("%s, segment %s: %s\n%s" % (
                    c.name, o.name, e, Ether(raw).show2(dump=True)))
                break
            at[o.name] = t
    extra = [k for k in by_flow if k not in known]
    if extra:
        errors.append("segments of unknown flows: %r" % extra)
    assert not errors, "\n".join(errors)


def summary(c, raw):
    """A segment in a line: flags, seq and ack relative, window, length."""
    _, _, tcp = tcp_of(raw, c.fam)
    seq, ack, doff, flags, win = struct.unpack("!IIBBH", tcp[4:16])
    return "%s seq ISS%+d ack IRS%+d win %d len %d" % (
        flag_str(flags), (seq - c.iss) & M32, (ack - c.irs) & M32, win,
        len(tcp) - (doff >> 4) * 4)


def expected_counters(p):
    want = collections.Counter(p.want)
    for s in p.ins:
        want["rx_packets"] += 1
        want["tcp_segments"] += 1
        want[s.outcome] += 1
        for n in s.extra:
            want[n] += 1
    want["tx_packets"] = p.nb_out()
    return want


def check_counters(g):
    c = g["js"]["counters"]
    want = expected_counters(g["plan"])
    names = list(TRACKED) + [n for n in c if n.startswith("drop_")]
    bad = ["%s = %d, want %d" % (n, c[n], want.get(n, 0)) for n in names
           if c[n] != want.get(n, 0)]
    assert not bad, "%s\nnon-zero: %r" % ("\n".join(bad), nonzero(c))
    unknown = [n for n in want if n not in c]
    assert not unknown, "counters missing from the JSON: %r" % unknown
    assert not [n for n in want if n in TCP_BOUNDS_DROPS]


# --------------------------------------------------------------------------
# The tests

@pytest.fixture(scope="module")
def port_mac(tmp_path_factory):
    """The net_pcap port's MAC, learnt from a probe run (an ARP request)."""
    tmp = tmp_path_factory.mktemp("estab-probe")
    probe = Ether(dst=BCAST, src=PEER_MAC) / ARP(
        op=1, hwsrc=PEER_MAC, psrc=PEER_V4, pdst=SF_V4)
    m, out, _ = run_pcap(tmp, "probe", [probe], [], nb_replies=1)
    assert len(out) == 1
    return m


@pytest.fixture(scope="module", params=[4, 6], ids=["v4", "v6"])
def estab_run(request, port_mac, tmp_path_factory):
    fam = request.param
    tmp = tmp_path_factory.mktemp("estab-v%d" % fam)
    p = estab_plan(fam, cookie_period())
    # The last timed segment leaves 7 RTO after the first transmission.
    return run_plan(tmp, port_mac, p, timeout=7 * RTO_MS / 1000 * 1.25 + 5)


def conn_of(g, name):
    return next(c for c in g["plan"].conns if c.name == name)


def test_estab_segments(estab_run):
    """Every segment of every connection: fields, payload, timing."""
    check_conns(estab_run)


def test_estab_counters(estab_run):
    check_counters(estab_run)
    check_identity_and_mempool(estab_run)


def test_estab_echo_totals(estab_run):
    """What the echo application was handed and queued: every byte the
    peers sent it, once (the zero-window connection's bytes wait)."""
    p = estab_run["plan"]
    js = estab_run["js"]
    sent = sum(len(s.data) for s in p.ins if s.conn.dport == ECHO)
    assert js["received"]["bytes"] == sent, js["received"]
    assert js["sent"]["bytes"] == sent, js["sent"]
    assert js["sent"]["reset_on_refusal"] == 0, js["sent"]


# --------------------------------------------------------------------------
# RFC 5961 5.2, in a short run of its own

def test_old_ack_challenged(port_mac, tmp_path):
    """RFC 5961 5.2 (RFC 9293 3.10.7.4 MAY-12, which Linux implements):
    SEG.ACK < SND.UNA - MAX.SND.WND is a blind injection: a challenge ACK
    <SEQ=SND.NXT><ACK=RCV.NXT>, the data dropped; the connection lives."""
    p = Plan(4, cookie_period())
    c = p.conn("old_ack", SINK)
    i, r = c.iss, c.irs
    c.inp("data_old_ack", r + 1, i + 1 - 200000, PSH | ACK, data=b"inj",
          outcome="tcp_replied", extra=("challenge_acks",),
          outs=[c.out("challenge", ACK, i + 1, r + 1)])
    c.inp("data_ok", r + 1, i + 1, PSH | ACK, data=b"ok",
          outcome="tcp_replied", outs=[c.out("ack_data", ACK, i + 1, r + 3)])
    g = run_plan(tmp_path, port_mac, p, timeout=2)
    check_conns(g)
    check_counters(g)
    check_identity_and_mempool(g)
