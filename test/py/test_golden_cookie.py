# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
Golden packet tests of SYN cookies, checked against sf_cookie_ref.py, a
pure-Python reference written from lib/tcp/sf_cookie.h's prose (SipHash-2-4
from the paper, AES-128 from FIPS-197, K(t) from the master secret, the
MAC, the ISN and TSval layouts, the MSS tables), not from the C.

1. The reference itself (no synfront, no root): the paper's SipHash-2-4
   vectors, FIPS-197's AES-128 examples, round trips of both layouts,
   every bit covered by the MAC,
   the periods a cookie validates for, the TSval rules.

2. net_pcap, one synfront run with a fixed --cookie-secret and three
   kinds of listener (a config file):
     80  syncookies 2: every SYN gets a cookie
     81  syncookies 1 (the default) with room: stateful SYN-ACKs, no
         cookie ever sent, so any ACK draws a plain RST, even one with a
         valid cookie (Linux's tcp_synq_no_recent_overflow())
     82  syncookies 1, syn_backlog 1, one listener per family: an ACK
         before any cookie draws a plain RST; the first SYN gets a
         request, the second a cookie; then ACKs are checked as cookies
   For both families, SYNs with many option mixes (MSS below, between,
   on and above the table entries, window scale none/0/7/14/15, SACK,
   timestamps, ECN setup or ECE alone) go to port 80 and, as a twin with
   the same source port and ISN, to port 81. Every SYN-ACK is checked
   field by field and option byte by option byte as test_golden_tcp.py
   checks a stateful one; the cookie one must equal its stateful twin
   byte for byte but for the port, the sequence number, the TSval and the
   checksum; its ISN must be the reference's make_cookie() for a period t
   between the wall clock read before and after the run (with timestamps:
   the TSval's low 6 bits must carry the options, and the TSval less the
   reference's offset for the cookie must read as a clock of this run).
   Without timestamps the whole cookie is known in advance, so the third
   ACKs are in the same pcap: valid ones complete (syncookies_recv,
   passive_opens, accepted, the exit JSON's accepted_with; a third ACK
   with data draws an ACK whose window shows whether window scaling was
   decoded), tampered ones (ack + 1, seq + 1, another source port, a
   timestamp option added) draw <SEQ=SEG.ACK><CTL=RST> and count in
   syncookies_failed. A cookie made with the reference at period t
   completes also if synfront sees it at t + 1 (t - 1 is live), so
   a period boundary during the run breaks nothing. Before any cookie
   went out, an ACK to port 80 draws a plain RST, unchecked (mode 2
   asks tcp_synq_no_recent_overflow() too). One more cookie connection
   per family then meets segments at the edges of its receive window
   (tcp_sequence(): zero-length at the right edge taken silently, one
   past it and data past it answered, an ACK advertising the scaled
   window moving the edge in, all-old data answered, a RST past the
   edge and segments without ACK, SYN or RST dropped silently).

3. net_tap, with timestamps: our TSval is our clock (from an unknown
   start) plus the cookie's offset, so the third ACK is built from the SYN-ACK read back
   (sf_inject.py in the test's namespace, from a spoofed address the
   kernel ignores): the valid one completes (with data: the ACK's TSval
   continues from the cookie's and its window shows the decoded shift),
   tampered ones (ack + 1, seq + 1, another source port, TSecr with an
   option bit flipped, no timestamp option) draw a RST and count in
   syncookies_failed. (The TSecr's clock bits are not MAC input.)

Disagreements between synfront and the reference fail with the inputs,
the expected and the received values.
"""

import collections
import json
import random
import socket
import struct
import time
from pathlib import Path

import pytest

import sf_cookie_ref as ref
from conftest import (PEER_V4, PEER_V6, PYTHON, SF_ADDR_ARGS, SF_V4, SF_V6,
                      needs_root, nonzero, run)

scapy = pytest.importorskip("scapy.all")
from scapy.all import IP, Ether, IPv6  # noqa: E402
from test_golden_tcp import (  # noqa: E402,F401  (mac is a fixture)
    ACK, ALL, CWR, ECE, FIN, M32, NO_SACK, NO_TS, NONE, NOTHING, O_NOP,
    O_SACK, ONLY_SACK, ONLY_TS, ONLY_WS, PSH, RST, SYN, WINDOW, WSCALE,
    Checker, Flows, Reply, check_identity_and_mempool, check_opts,
    check_replies, expected_counters, flag_str, mac, o_mss, o_ts, o_ws,
    ones_sum, optlen, pad4, parse_reply, rst, run_pcap, synack, tcp_header,
    with_csum)

HERE = Path(__file__).resolve().parent

# The master secret of every run: bytes b0..b15.
SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"

COOKIE_PORT = 80        # syncookies 2
PLAIN_PORT = 81         # syncookies 1, never full
SMALL_PORT = 82         # syncookies 1, syn_backlog 1

SACK_TS = ("mss", "sack", "ts")
TS_STEP_MAX_MS = 5000   # how far our TSval may move within one test

# Counters checked exactly in the pcap run, besides every drop_* counter.
TRACKED = ("rx_packets", "tx_packets", "tx_dropped", "tcp_segments",
           "tcp_replied", "tcp_absorbed", "tcp_bad_opts", "syn_recv",
           "synack_sent", "synack_retrans", "passive_opens", "accepted",
           "third_ack_data", "third_ack_fin", "listen_overflows",
           "listen_drops", "reqq_full_drop", "reqq_full_do_cookies",
           "syncookies_sent", "syncookies_recv", "syncookies_failed",
           "embryonic_rsts", "out_rsts", "in_errs", "in_csum_errors",
           "defer_accept_drops", "paws_rejected", "challenge_acks",
           "tx_nombuf")
LISTENER_TRACKED = ("syn_recv", "passive_opens", "accepted",
                    "listen_overflows", "listen_drops", "reqq_full_drop",
                    "reqq_full_do_cookies", "syncookies_sent",
                    "syncookies_recv", "syncookies_failed",
                    "embryonic_rsts", "defer_accept_drops")

# Counters a segment raises besides its outcome.
COOKIE_SYNACK = ("synack_sent", "syncookies_sent")
STATEFUL_SYNACK = ("syn_recv", "synack_sent")
FULL_COOKIE = ("synack_sent", "syncookies_sent", "reqq_full_do_cookies")
COOKIE_OK = ("syncookies_recv", "passive_opens", "accepted")
COOKIE_OK_DATA = COOKIE_OK + ("third_ack_data",)
COOKIE_BAD = ("syncookies_failed", "out_rsts")
PLAIN_RST = ("out_rsts",)


def wall_ms():
    return time.time_ns() // 1000000


def addrs(fam, spoof=False):
    """(client, synfront) addresses of a family."""
    if fam == 4:
        return (SPOOF_V4 if spoof else PEER_V4), SF_V4
    return (SPOOF_V6 if spoof else PEER_V6), SF_V6


# --------------------------------------------------------------------------
# 1. The reference

def test_siphash_reference_vectors():
    """The paper's SipHash-2-4 vectors: key 00..0f, message 00..(n-1)."""
    ref.siphash_selftest()
    k0, k1 = ref.key_from_bytes(bytes(range(16)))
    assert (k0, k1) == (0x0706050403020100, 0x0f0e0d0c0b0a0908)
    for n in (0, 1, 7, 8, 15, 63):
        got = ref.siphash24(k0, k1, bytes(range(n))).to_bytes(8, "little")
        assert got.hex() == ref.SIPHASH_VECTORS[n], n


def test_aes_reference_vectors():
    """FIPS-197's examples (Appendix B, C.1; A.1's last round key)."""
    ref.aes_selftest()
    # A CBC-MAC of two blocks is the cipher of the second block XORed
    # with the first's ciphertext: C.1's example again.
    key = bytes(range(16))
    rk = ref.aes128_expand(key)
    e0 = ref.aes128_encrypt(rk, bytes(16))
    pt = bytes.fromhex("00112233445566778899aabbccddeeff")
    b2 = bytes(a ^ b for a, b in zip(e0, pt))
    assert ref.aes_cbc_mac(key, bytes(16) + b2).hex() == \
        "69c4e0d86a7b0430d8cdb78070b4c55a"


def test_reference_mss_tables():
    for fam, tab in ref.MSS_TABLE.items():
        assert len(tab) == 8 and list(tab) == sorted(tab)
        assert ref.mss_index(fam, 0) == 0
        assert ref.mss_index(fam, tab[0] - 1) == 0
        assert ref.mss_index(fam, 65535) == 7
        for i, v in enumerate(tab):
            assert ref.mss_index(fam, v) == i
            if i:
                assert ref.mss_index(fam, v - 1) == i - 1


def _rand_flow(rnd, fam):
    if fam == 4:
        ra = bytes(rnd.randrange(256) for _ in range(4))
        la = bytes(rnd.randrange(256) for _ in range(4))
    else:
        ra = bytes(rnd.randrange(256) for _ in range(16))
        la = bytes(rnd.randrange(256) for _ in range(16))
    return ra, la, rnd.randrange(1, 65536), rnd.randrange(1, 65536)


def test_reference_round_trip_and_tamper():
    """make_cookie() then check_cookie() gives the options back, in both
    layouts; one flipped bit of any MAC input makes it fail; the MAC
    bits are not stuck."""
    rnd = random.Random(4)
    ored, anded = 0, M32
    for i in range(400):
        fam = 4 if i % 2 else 6
        ra, la, rp, lp = _rand_flow(rnd, fam)
        irs = rnd.getrandbits(32)
        t = 29000000 + rnd.randrange(1000)
        ts = bool(i & 2)
        ws = rnd.choice([None, 0, 1, 7, 13, 14])
        sack, ecn = bool(rnd.getrandbits(1)), bool(rnd.getrandbits(1))
        mss = rnd.choice([None, 0, 100, 536, 1219, 1300, 1399, 1452, 9000])
        clk = rnd.getrandbits(32)
        isn, tsval = ref.make_cookie(SECRET, t, fam, ra, la, rp, lp, irs,
                                     mss, ws, sack, ecn, ts, clk)
        want_mss = ref.MSS_TABLE[fam][ref.mss_index(
            fam, mss or ref.MSS_DEFAULT[fam])]
        assert isn & 1 == t & 1
        if ts:
            assert tsval & 0x3f == (15 if ws is None else ws) | \
                sack << 4 | ecn << 5
            # The flow's clock: ours plus the low half of the cookie's H.
            fc = (clk + ref.ts_offset(SECRET, t, fam, ra, la, rp, lp, irs,
                                      isn, ts, tsval)) & M32
            assert tsval >> 6 in (fc >> 6, ((fc >> 6) - 1) & 0x3ffffff)
            assert (fc - tsval) & M32 < 64      # never ahead, < 64 behind
        else:
            assert tsval is None
            tsval = 0
        for tc in (t, t + 1):
            out = ref.check_cookie(SECRET, tc, fam, ra, la, rp, lp, irs,
                                   isn, ts, tsval)
            assert out == {"t": t, "mss_idx": ref.mss_index(
                fam, want_mss), "mss": want_mss, "wscale": ws,
                "sack": sack, "ecn": ecn, "ts": ts}, (tc, out)
        # Forgotten two periods on; the other period key fails.
        assert ref.check_cookie(SECRET, t + 2, fam, ra, la, rp, lp, irs,
                                isn, ts, tsval) is None
        assert ref.check_cookie(SECRET, t + 2, fam, ra, la, rp, lp, irs,
                                isn, ts, tsval, skew=True) is None
        # Any bit of the cookie, the client ISN, the ports, the TSecr's
        # options; its clock bits are not MAC input (only the option
        # bits are, as in Linux): they validate.
        bit = 1 << rnd.randrange(32)
        obit = 1 << rnd.randrange(6)
        for args in ((irs, isn ^ bit, tsval), (irs ^ bit, isn, tsval),
                     (irs, isn, tsval ^ obit if ts else tsval)):
            if args == (irs, isn, tsval):
                continue
            assert ref.check_cookie(SECRET, t, fam, ra, la, rp, lp, *args[:2],
                                    ts, args[2]) is None, (i, hex(bit))
        assert ref.check_cookie(SECRET, t, fam, ra, la, rp ^ 1, lp, irs,
                                isn, ts, tsval) is None
        if ts:
            hbit = 1 << rnd.randrange(6, 32)
            assert ref.check_cookie(SECRET, t, fam, ra, la, rp, lp, irs,
                                    isn, ts, tsval ^ hbit) is not None
        # The other layout never validates the same cookie.
        assert ref.check_cookie(SECRET, t, fam, ra, la, rp, lp, irs, isn,
                                not ts, tsval) is None
        macbits = isn & ~((1 << (4 if ts else 10)) - 1) & M32
        ored |= macbits
        anded &= macbits | ((1 << (4 if ts else 10)) - 1)
    assert ored == 0xfffffff0 and anded & 0xfffffc00 == 0


def test_reference_periods():
    """t - 1 validates; t + 1 only in the skew window; K(t) differs."""
    master = ref.key_from_hex(SECRET)
    assert ref.period_key(master, 5) != ref.period_key(master, 7)
    assert ref.period(59999) == 0 and ref.period(60000) == 1
    assert not ref.in_skew(57999) and ref.in_skew(58000)
    args = (4, PEER_V4, SF_V4, 40000, 80, 12345)
    t = 28000001
    isn, _ = ref.make_cookie(SECRET, t, *args, 1460, 7, True, False, False)
    assert ref.check_cookie(SECRET, t - 1, *args, isn, False) is None
    assert ref.check_cookie(SECRET, t - 1, *args, isn, False,
                            skew=True)["t"] == t
    assert ref.check_cookie(SECRET, t + 1, *args, isn, False)["t"] == t
    # Another master secret: nothing validates.
    other = "f0" + SECRET[2:]
    assert ref.check_cookie(other, t, *args, isn, False) is None


def test_reference_tsval_never_ahead():
    """The option bits replace the low 6 bits of the flow's clock (ours
    plus the cookie's offset), 64 ms back when that would put the TSval
    ahead (sequence-number arithmetic, across the 32-bit wrap too)."""
    args = (SECRET, 7, 4, PEER_V4, SF_V4, 1, 2, 3, 1460)
    # (flow clock, window shift, TSval); SACK and ECN set: bits 0x3w.
    for fc, ws, want in ((0x1000, 7, 0x0ff7), (0x1037, 7, 0x1037),
                         (0x103f, 14, 0x103e), (0x0, 1, 0xfffffff1),
                         (0xffffffff, 15, 0xffffffff),
                         (0x7fffffc0, 0, 0x7fffffb0),
                         (0x80000005, 3, 0x7ffffff3)):
        isn, ts0 = ref.make_cookie(*args, ws, True, True, True, 0)
        off = ref.ts_offset(SECRET, 7, 4, PEER_V4, SF_V4, 1, 2, 3, isn,
                            True, ts0)
        assert off == ref.cookie_hash(
            ref.period_key(ref.key_from_hex(SECRET), 7), 4, PEER_V4, SF_V4,
            1, 2, 3, 1 | 7 << 1 | (ws | 0x30) << 4 | 1 << 31) & M32
        _, tsval = ref.make_cookie(*args, ws, True, True, True,
                                   (fc - off) & M32)
        assert tsval == want, (hex(fc), hex(tsval), hex(want))
        assert (fc - tsval) & M32 < 64


# --------------------------------------------------------------------------
# Building SYNs and what they are granted

def syn_opts(mss=None, ws=None, sack=False, tsval=None):
    """Client options in Linux's order: mss, sackOK, TS, nop, wscale."""
    o = b""
    if mss is not None:
        o += o_mss(mss)
    if sack and tsval is not None:
        o += O_SACK + o_ts(tsval)
    elif sack:
        o += O_NOP + O_NOP + O_SACK
    elif tsval is not None:
        o += O_NOP + O_NOP + o_ts(tsval)
    if ws is not None:
        o += O_NOP + o_ws(ws)
    return pad4(o)


def synack_layout(ws, sack, ts):
    """The option layout of our SYN-ACK (test_golden_tcp's names)."""
    return {(True, True, True): ALL, (True, False, True): NO_SACK,
            (True, True, False): NO_TS, (False, False, False): NOTHING,
            (True, False, False): ONLY_WS, (False, True, False): ONLY_SACK,
            (False, False, True): ONLY_TS,
            (False, True, True): SACK_TS}[(ws is not None, sack, ts)]


class Want:
    """A SYN, and what its cookie must carry (listener defaults: SACK,
    timestamps and ECN answered)."""

    def __init__(self, fam, mss=None, ws=None, sack=False, tsval=None,
                 flags=SYN):
        self.fam = fam
        self.mss = mss                  # the option sent, None: none
        self.ws_sent = ws
        self.sack = sack
        self.tsval = tsval              # the client's TSval, None: no TS
        self.flags = flags
        self.ts = tsval is not None
        # RFC 7323 2.3: a shift above 14 is used as 14.
        self.ws = None if ws is None else min(ws, 14)
        self.ecn = flags & (ECE | CWR) == (ECE | CWR)
        self.mss_used = mss or ref.MSS_DEFAULT[fam]
        self.mss_idx = ref.mss_index(fam, self.mss_used)

    def opts(self):
        return syn_opts(self.mss, self.ws_sent, self.sack, self.tsval)

    def layout(self):
        return synack_layout(self.ws_sent, self.sack, self.ts)

    def decoded(self):
        """What check_cookie() must give back."""
        return {"mss_idx": self.mss_idx,
                "mss": ref.mss_value(self.fam, self.mss_idx),
                "wscale": self.ws, "sack": self.sack, "ecn": self.ecn,
                "ts": self.ts}

    def opt_bits(self):
        """The 6 option bits: WS (15: none), SACK, ECN."""
        return (15 if self.ws is None else self.ws) | self.sack << 4 | \
            self.ecn << 5

    def describe(self):
        return "fam %d mss %s ws %s sack %s ts %s ecn %s (flags %s)" % (
            self.fam, self.mss, self.ws_sent, self.sack, self.tsval,
            self.ecn, flag_str(self.flags))

    def cookie(self, t, raddr, laddr, rport, lport, irs, clock=0):
        return ref.make_cookie(SECRET, t, self.fam, raddr, laddr, rport,
                               lport, irs, self.mss, self.ws, self.sack,
                               self.ecn, self.ts, clock)


def tcp_fields(raw):
    """(family, src, dst, tcp bytes) of a frame, raw bytes."""
    r = parse_reply(raw)
    off = r["l2"]
    if r["ethertype"] == 0x0800:
        ihl = (raw[off] & 0xf) * 4
        return 4, raw[off + 12:off + 16], raw[off + 16:off + 20], \
            raw[off + ihl:]
    assert r["ethertype"] == 0x86dd
    return 6, raw[off + 8:off + 24], raw[off + 24:off + 40], raw[off + 40:]


def ts_option(opts):
    """(TSval, TSecr, offset in opts) of a timestamp option, or None."""
    i = 0
    while i < len(opts):
        k = opts[i]
        if k == 0:
            break
        if k == 1:
            i += 1
            continue
        n = opts[i + 1]
        if k == 8 and n == 10:
            v, e = struct.unpack("!II", opts[i + 2:i + 10])
            return v, e, i + 2
        i += n
    return None


def check_cookie_synack(w, raw, t_lo, t_hi, raddr, laddr, rport, lport,
                        irs):
    """The SYN-ACK's ISN (and TSval) against the reference, for some
    period t_lo..t_hi. Returns (cookie, TSval or None, t)."""
    _, _, _, tcp = tcp_fields(raw)
    seq = struct.unpack("!I", tcp[4:8])[0]
    doff = (tcp[12] >> 4) * 4
    tso = ts_option(tcp[20:doff])
    assert (tso is not None) == w.ts, "timestamps in the SYN-ACK"
    tsval = tso[0] if tso else None
    where = "%s, %s:%d -> %s:%d, client ISN %#x, periods %d..%d" % (
        w.describe(), raddr, rport, laddr, lport, irs, t_lo, t_hi)
    if w.ts:
        # Linux's layout: the options in the TSval's low 6 bits.
        assert tsval & 0x3f == w.opt_bits(), (
            "TSval %#x: option bits %#x, want %#x (%s)" % (
                tsval, tsval & 0x3f, w.opt_bits(), where))
    assert (seq >> 1) & 7 == w.mss_idx, (
        "ISN %#x: MSS index %d, want %d (%s)" % (
            seq, (seq >> 1) & 7, w.mss_idx, where))
    if not w.ts:
        fields = (seq >> 4) & 0x3f
        assert fields == w.opt_bits(), (
            "ISN %#x: WS/SACK/ECN bits %#x, want %#x (%s)" % (
                seq, fields, w.opt_bits(), where))
    tried = {}
    for t in range(t_lo, t_hi + 1):
        isn, _ = w.cookie(t, raddr, laddr, rport, lport, irs, 0)
        tried[t] = isn
        if isn == seq:
            break
    else:
        raise AssertionError(
            "cookie ISN %#x is not the reference's (%s) for %s" % (
                seq, ", ".join("t %d: %#x" % kv for kv in tried.items()),
                where))
    if w.ts:
        # The TSval is synfront's ms clock (from its start) plus the
        # low half of the cookie MAC's output, the options in its low bits:
        # less that offset, it must read as a clock of this run.
        off = ref.ts_offset(SECRET, t, w.fam, raddr, laddr, rport, lport,
                            irs, seq, True, tsval)
        clk = ((tsval - off + (1 << 31)) & M32) - (1 << 31)
        assert -64 < clk < 600000, (
            "TSval %#x less the cookie's offset %#x is %d, not a clock "
            "of this run (%s)" % (tsval, off, clk, where))
        assert any(w.cookie(t, raddr, laddr, rport, lport, irs,
                            (clk + d) & M32)[1] == tsval
                   for d in range(64)), (
            "TSval %#x is no reference TSval near clock %d (%s)" % (
                tsval, clk, where))
    assert seq & 1 == t & 1
    dec = ref.check_cookie(SECRET, t, w.fam, raddr, laddr, rport, lport,
                           irs, seq, w.ts, tsval or 0)
    assert dec is not None and dec["t"] == t
    dec.pop("t")
    assert dec == w.decoded(), "decoded %r, want %r (%s)" % (
        dec, w.decoded(), where)
    return seq, tsval, t


def assert_twin(cookie_raw, plain_raw):
    """The cookie SYN-ACK is the stateful one but for the source port,
    the sequence number, the TSval and the checksum."""
    def masked(raw):
        fam, _, _, tcp = tcp_fields(raw)
        head = raw[:len(raw) - len(tcp)]
        doff = (tcp[12] >> 4) * 4
        opts = tcp[20:doff]
        tso = ts_option(opts)
        if tso:
            opts = opts[:tso[2]] + b"\0" * 4 + opts[tso[2] + 4:]
        return head + tcp[2:4] + tcp[8:16] + tcp[18:20] + opts + \
            tcp[doff:]
    a, b = masked(cookie_raw), masked(plain_raw)
    assert len(cookie_raw) == len(plain_raw) and a == b, (
        "cookie SYN-ACK differs from the stateful one:\n%s\n%s" % (
            cookie_raw.hex(), plain_raw.hex()))


# --------------------------------------------------------------------------
# 2. net_pcap: cookie SYN-ACKs, third ACKs without timestamps, mode 1

CONFIG = """\
[listener cookies]
listen = %d
syncookies = 2

[listener plain]
listen = %d

[listener small4]
listen = %s:%d
syncookies = 1
syn_backlog = 1

[listener small6]
listen = [%s]:%d
syncookies = 1
syn_backlog = 1
""" % (COOKIE_PORT, PLAIN_PORT, SF_V4, SMALL_PORT, SF_V6, SMALL_PORT)


def syn_cases(fam):
    """(name, Want, plan): plan is what follows the SYN, for SYNs
    without timestamps: "ack", "data", "tamper+data" or None."""
    tab = ref.MSS_TABLE[fam]
    E = SYN | ECE | CWR
    ts = 0x10000000 * fam
    c = [
        ("nothing", Want(fam), "ack"),
        ("mss_below_ws0", Want(fam, mss=tab[0] - 36, ws=0),
         "tamper+data"),
        ("mss_between_ws7_sack", Want(fam, mss=tab[2] + 59, ws=7,
                                      sack=True), "data"),
        ("mss_entry_ws14_sack_ecn", Want(fam, mss=tab[4], ws=14,
                                         sack=True, flags=E), "ack"),
        ("mss_jumbo_sack_ecn", Want(fam, mss=9000, sack=True, flags=E),
         "data"),
        ("mss_top_ws15", Want(fam, mss=tab[7], ws=15), "ack"),
        ("mss_0_ws3", Want(fam, mss=0, ws=3), None),
        ("mss_below_top_ece_only", Want(fam, mss=tab[7] - 1, ws=1,
                                        flags=SYN | ECE), "ack"),
        ("cwr_only_sack", Want(fam, mss=tab[1], sack=True,
                               flags=SYN | CWR), None),
        # Timestamps: the TSval is not known in advance (tap tests).
        ("ts_all", Want(fam, mss=1460, ws=7, sack=True, tsval=ts + 1),
         None),
        ("ts_only_mss536", Want(fam, mss=536, tsval=ts + 2), None),
        ("ts_ws0_ecn_mss1220", Want(fam, mss=1220, ws=0, tsval=ts + 3,
                                    flags=E), None),
        ("ts_sack_ws14_ecn_mss1300", Want(fam, mss=1300, ws=14, sack=True,
                                          tsval=ts + 4, flags=E), None),
        ("ts_sack_mss1452", Want(fam, mss=1452, sack=True, tsval=ts + 5),
         None),
        ("ts_nothing_else", Want(fam, tsval=0), None),
        ("ts_ws15_mss_between", Want(fam, mss=tab[5] + 1, ws=15,
                                     tsval=M32), None),
    ]
    return c


class PcapPlan:
    """The pcap's segments and what each reply must be."""

    def __init__(self, t0):
        self.t0 = t0
        self.segs = []
        self.conns = collections.Counter()   # accepted_with expected

    def flows(self, fam, base):
        """Flows from port base up, their segments in self.segs."""
        f = Flows(fam, base)
        f.segs = self.segs
        return f

    def add_family(self, fam):
        raddr, laddr = addrs(fam)
        if fam == 4:
            # First in the pcap, before any cookie went out: in mode 2
            # too an ACK is not checked as a cookie (Linux's
            # tcp_synq_no_recent_overflow() in every mode): a plain RST,
            # no syncookies_failed.
            self.flows(4, 19000).flow(COOKIE_PORT)(
                "mode2_ack_before_any_cookie", 0x1001, ack=0x2222,
                flags=ACK, reply=rst(0x2222), extra=PLAIN_RST)
        f = self.flows(fam, 20000 + 1000 * fam)
        other = self.flows(fam, 30000 + 1000 * fam)   # tampered sports
        win = {True: WINDOW >> WSCALE, False: WINDOW}
        for i, (name, w, plan) in enumerate(syn_cases(fam)):
            seg = f.flow(COOKIE_PORT)
            irs = (0x01000000 * (i + 1) + 0x777 * fam) & M32
            s = seg("syn_" + name, irs, flags=w.flags, opts=w.opts(),
                    reply=synack(irs + 1, w.layout(), "isn_new_any",
                                 tsecr=w.tsval, ecn=w.ecn),
                    extra=COOKIE_SYNACK)
            s.want, s.irs = w, irs
            # The same SYN to the stateful listener.
            twin = seg("twin_" + name, irs, dport=PLAIN_PORT,
                       flags=w.flags, opts=w.opts(),
                       reply=synack(irs + 1, w.layout(), "isn_new_any",
                                    tsecr=w.tsval, ecn=w.ecn),
                       extra=STATEFUL_SYNACK)
            twin.twin_of = s
            if plan is None:
                continue
            assert not w.ts
            isn, _ = w.cookie(self.t0, raddr, laddr, s.sport, COOKIE_PORT,
                              irs)
            s.predicted = isn
            if plan.startswith("tamper"):
                seg("ack_plus_1", irs + 1, ack=isn + 2, flags=ACK,
                    reply=rst(isn + 2), extra=COOKIE_BAD)
                seg("seq_plus_1", irs + 2, ack=isn + 1, flags=ACK,
                    reply=rst(isn + 1), extra=COOKIE_BAD)
                seg("ack_minus_1", irs + 1, ack=isn, flags=ACK,
                    reply=rst(isn), extra=COOKIE_BAD)
                # The layout (timestamps or not) is MAC input too.
                seg("ts_added", irs + 1, ack=isn + 1, flags=ACK,
                    opts=pad4(O_NOP + O_NOP + o_ts(5, 0)),
                    reply=rst(isn + 1), extra=COOKIE_BAD)
                other.flow(COOKIE_PORT)("other_sport", irs + 1,
                                        ack=isn + 1, flags=ACK,
                                        reply=rst(isn + 1),
                                        extra=COOKIE_BAD)
            if plan.endswith("data"):
                # The connection's ACK of the data: its window is scaled
                # only if the cookie gave window scaling back.
                data = b"cookie" * 3
                seg("third_ack_data", irs + 1, ack=isn + 1,
                    flags=ACK | PSH, data=data,
                    reply=Reply(ACK, isn + 1, irs + 1 + len(data),
                                win[w.ws is not None]),
                    extra=COOKIE_OK_DATA)
                self.conns["data"] += 1
            else:
                seg("third_ack", irs + 1, ack=isn + 1, flags=ACK,
                    outcome="tcp_absorbed", extra=COOKIE_OK)
            self.accepted(w)

        # Mode 1, no cookie sent for the listener: an ACK is not checked,
        # even one carrying a cookie that would validate (made for port
        # 81 with the reference): a plain RST, no syncookies_failed.
        base = 40000 + 1000 * fam
        w = Want(fam, mss=1460, ws=7, sack=True)
        isn, _ = w.cookie(self.t0, raddr, laddr, base, PLAIN_PORT, 0x5000)
        a = self.flows(fam, base).flow(PLAIN_PORT)     # source port base
        a("valid_cookie_not_checked", 0x5001, ack=isn + 1, flags=ACK,
          reply=rst(isn + 1), extra=PLAIN_RST)
        g = self.flows(fam, base + 1)
        g.flow(PLAIN_PORT)("ack_not_checked", 0x6001, ack=0xabcdef01,
                           flags=ACK, reply=rst(0xabcdef01),
                           extra=PLAIN_RST)

        # Mode 1 with syn_backlog 1 (a listener per family): before any
        # cookie an ACK draws a plain RST; the first SYN gets a request,
        # the second a cookie; then ACKs are checked as cookies.
        g.flow(SMALL_PORT)("small_ack_before", 0x7001, ack=0x1111,
                           flags=ACK, reply=rst(0x1111), extra=PLAIN_RST)
        g.flow(SMALL_PORT)("small_syn_request", 0x7100, flags=SYN,
                           reply=synack(0x7101, NOTHING),
                           extra=STATEFUL_SYNACK)
        c = g.flow(SMALL_PORT)
        w = Want(fam, mss=ref.MSS_TABLE[fam][3], ws=9, sack=True,
                 flags=SYN | ECE | CWR)
        s = c("small_syn_cookie", 0x7200, flags=w.flags, opts=w.opts(),
              reply=synack(0x7201, w.layout(), "isn_new_any", ecn=True),
              extra=FULL_COOKIE)
        s.want, s.irs = w, 0x7200
        isn, _ = w.cookie(self.t0, raddr, laddr, s.sport, SMALL_PORT,
                          0x7200)
        s.predicted = isn
        g.flow(SMALL_PORT)("small_ack_bad_cookie", 0x7301, ack=isn + 1,
                           flags=ACK, reply=rst(isn + 1), extra=COOKIE_BAD)
        c("small_third_ack", 0x7201, ack=isn + 1, flags=ACK,
          outcome="tcp_absorbed", extra=COOKIE_OK)
        self.accepted(w)

    def add_window_edges(self, fam):
        """A cookie connection (window scale 7, no timestamps), then
        segments at the edges of its receive window, as Linux's
        tcp_sequence() and tcp_validate_incoming() take them (the
        unit tests go through every edge; docs/handshake.md has the
        table). None of these replies is rate limited."""
        raddr, laddr = addrs(fam)
        c = self.flows(fam, 50000 + 1000 * fam).flow(COOKIE_PORT)
        w = Want(fam, mss=1460, ws=7)
        irs = (0x0a000000 + 0x101 * fam) & M32
        s = c("edge_syn", irs, flags=SYN, opts=w.opts(),
              reply=synack(irs + 1, w.layout(), "isn_new_any"),
              extra=COOKIE_SYNACK)
        s.want, s.irs = w, irs
        isn, _ = w.cookie(self.t0, raddr, laddr, s.sport, COOKIE_PORT, irs)
        s.predicted = isn
        c("edge_third_ack", irs + 1, ack=isn + 1, flags=ACK,
          outcome="tcp_absorbed", extra=COOKIE_OK)
        self.accepted(w)
        rcv = irs + 1
        # Until our first ACK the window is the SYN-ACK's, unscaled.
        edge = rcv + WINDOW
        c("edge_ack_at_right_edge", edge, ack=isn + 1, flags=ACK,
          outcome="tcp_absorbed")
        ack = Reply(ACK, isn + 1, rcv, WINDOW >> WSCALE)
        c("edge_ack_past_right_edge", edge + 1, ack=isn + 1, flags=ACK,
          reply=ack)
        # That ACK advertised 511 << 7: the edge moved in.
        edge = rcv + (WINDOW >> WSCALE << WSCALE)
        c("edge_ack_at_new_edge", edge, ack=isn + 1, flags=ACK,
          outcome="tcp_absorbed")
        c("edge_rst_past_edge", edge + 1, flags=RST,
          outcome="drop_tcp_conn_oow")
        c("edge_fin_without_ack", rcv, flags=FIN,
          outcome="drop_tcp_conn_noack")
        c("edge_no_flags", edge + 100000, flags=0,
          outcome="drop_tcp_conn_noack")
        # Data that ends at RCV.NXT: acceptable (Linux), all old: an ACK.
        c("edge_old_data", rcv - 3, ack=isn + 1, flags=ACK | PSH,
          data=b"abc", reply=ack)
        # Data past the edge: unacceptable, answered (data is exempt from
        # the rate limit).
        c("edge_data_past_edge", edge + 1, ack=isn + 1, flags=ACK | PSH,
          data=b"xyz", reply=ack)

    def accepted(self, w):
        self.conns["conns"] += 1
        self.conns["wscale"] += w.ws is not None
        self.conns["sack"] += w.sack
        self.conns["ecn"] += w.ecn
        self.conns["ts"] += w.ts


@pytest.fixture(scope="module")
def pcap_run(mac, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cookie-pcap")
    conf = tmp / "cookie.ini"
    conf.write_text(CONFIG)
    t_lo = ref.period(wall_ms())
    plan = PcapPlan(t_lo)
    plan.add_family(4)
    plan.add_family(6)
    plan.add_window_edges(4)
    plan.add_window_edges(6)
    frames = [s.build(mac) for s in plan.segs]
    nb = sum(s.reply is not None for s in plan.segs)
    args = ["-c", str(conf), "--cookie-secret", SECRET,
            "--synack-retries", "0"]
    mac2, out, js = run_pcap(tmp, "cookie", frames, args, nb_replies=nb)
    t_hi = ref.period(wall_ms())
    assert mac2 == mac
    return dict(mac=mac, segs=plan.segs, out=out, js=js, plan=plan,
                t_lo=t_lo, t_hi=t_hi)


@needs_root
def test_cookie_synacks_pcap(pcap_run):
    """Every reply field by field; cookie ISNs (and TSvals) against the
    reference; each cookie SYN-ACK equal to its stateful twin."""
    g = pcap_run
    segs, out = g["segs"], g["out"]
    expected = [s for s in segs if s.reply is not None]
    if len(out) != len(expected):
        check_replies(g)        # raises, saying which flows differ
    chk = Checker(g["mac"])
    raw_of = {}
    ncookies = 0
    for seg, raw in zip(expected, out):
        try:
            chk.check(seg, raw)
            raw_of[id(seg)] = raw
            w = getattr(seg, "want", None)
            if w is not None:
                raddr, laddr = addrs(seg.fam)
                isn, _, t = check_cookie_synack(
                    w, raw, g["t_lo"], g["t_hi"], raddr, laddr, seg.sport,
                    seg.dport, seg.irs)
                ncookies += 1
                if t == g["plan"].t0 and hasattr(seg, "predicted"):
                    assert isn == seg.predicted
            twin = getattr(seg, "twin_of", None)
            if twin is not None:
                assert_twin(raw_of[id(twin)], raw)
        except AssertionError as e:
            raise AssertionError("reply to %s: %s\n%s" % (
                seg.name, e, Ether(raw).show2(dump=True))) from None
    # Per family: the SYN cases, the small listener's, the window edges'.
    assert ncookies == 2 * (len(syn_cases(4)) + 2)


@needs_root
def test_cookie_counters_pcap(pcap_run):
    """Every counter exactly, totals and per listener; accepted_with;
    the TCP outcome identity; no mbuf left out."""
    g = pcap_run
    segs, js = g["segs"], g["js"]
    c = js["counters"]
    want = expected_counters(segs)
    names = list(TRACKED) + [n for n in c if n.startswith("drop_")]
    bad = ["%s = %d, want %d" % (n, c[n], want.get(n, 0)) for n in names
           if c[n] != want.get(n, 0)]
    assert not bad, "%s\nnon-zero: %r" % ("\n".join(bad), nonzero(c))
    for ls in js["listeners"]:
        where, port = ls["listen"].rsplit(":", 1)
        fams = (6,) if where.startswith("[") else \
            (4, 6) if where in ("*", "") else (4,)
        lw = expected_counters([s for s in segs if s.dport == int(port)
                                and s.fam in fams])
        got = {n: ls["counters"][n] for n in LISTENER_TRACKED}
        exp = {n: lw.get(n, 0) for n in LISTENER_TRACKED}
        assert got == exp, "listener %s: %r, want %r" % (
            ls["listen"], got, exp)
        if int(port) == PLAIN_PORT:
            assert ls["syncookies"] == 1        # the default
            assert got["syncookies_failed"] == 0
    aw = js["accepted_with"]
    conns = g["plan"].conns
    assert aw == {"conns": conns["conns"], "wscale": conns["wscale"],
                  "sack": conns["sack"], "ts": conns["ts"],
                  "ecn": conns["ecn"], "data": conns["data"]}, aw
    check_identity_and_mempool(g)


# --------------------------------------------------------------------------
# 3. net_tap: the timestamp layout, SYN-ACK read back, third ACK built

SPOOF_MAC = "02:00:00:00:00:77"
SPOOF_V4 = "10.10.0.77"
SPOOF_V6 = "fd00:10:10::77"


def inject(sf, frames, sniff_s=1.0, timeout=40):
    """sf_inject.py: send frames in the namespace, return the replies
    (raw bytes) synfront sent to the spoofed addresses."""
    req = {"iface": sf.iface, "src_mac": sf.mac, "sniff_s": sniff_s,
           "frames": [bytes(f).hex() for f in frames]}
    r = run([PYTHON, str(HERE / "sf_inject.py")], ns=sf.ns, timeout=timeout,
            input=json.dumps(req))
    assert r.returncode == 0, r.stderr
    out = []
    for h in json.loads(r.stdout):
        raw = bytes.fromhex(h)
        if raw[12:14] not in (b"\x08\x00", b"\x86\xdd"):
            continue
        fam, _, dst, _ = tcp_fields(raw)
        af = socket.AF_INET if fam == 4 else socket.AF_INET6
        if dst == socket.inet_pton(af, addrs(fam, spoof=True)[0]):
            out.append(raw)
    return out


def exchange(sf, frames, nb_replies):
    """inject() once the counters show every frame was handled; say
    what synfront counted when the replies seen are not nb_replies."""
    names = ("tcp_segments", "tcp_replied", "tx_packets", "tx_dropped",
             "synack_sent", "out_rsts", "tx_nombuf")
    before = sf.stats()
    replies = inject(sf, frames)
    after = sf.wait_counters(
        lambda s: s["tcp_segments"] - before["tcp_segments"] >= len(frames),
        timeout=10, what="%d segments handled" % len(frames))
    assert len(replies) == nb_replies, (
        "%d replies seen, want %d; synfront counted %r; seen: %s" % (
            len(replies), nb_replies,
            {n: after[n] - before[n] for n in names},
            [r.hex() for r in replies]))
    return replies


def by_flow(replies):
    """Replies per destination port, in order: flows may be on different
    workers (RSS), whose replies interleave, but one flow's are ordered."""
    d = collections.defaultdict(list)
    for raw in replies:
        tcp = tcp_fields(raw)[3]
        d[struct.unpack("!H", tcp[2:4])[0]].append(raw)
    return d


def tap_frame(dst_mac, fam, sport, seq, ack, flags, opts=b"", data=b""):
    raddr, laddr = addrs(fam, spoof=True)
    ip = IP(src=raddr, dst=laddr, ttl=64, flags="DF", proto=6) if fam == 4 \
        else IPv6(src=raddr, dst=laddr, hlim=64, nh=6)
    tcp = with_csum(fam, ip, tcp_header(sport, COOKIE_PORT, seq, ack, flags,
                                        opts, data))
    return Ether(dst=dst_mac, src=SPOOF_MAC) / ip / scapy.Raw(tcp)


def check_tap_reply(raw, fam, sport, flags, ack, win, layout, tsecr=None,
                    seq=None, mss=None):
    """A reply to a spoofed flow, field by field; returns (seq, TSval)."""
    f, src, dst, tcp = tcp_fields(raw)
    raddr, laddr = addrs(fam, spoof=True)
    af = socket.AF_INET if fam == 4 else socket.AF_INET6
    assert f == fam
    assert src == socket.inet_pton(af, laddr) and \
        dst == socket.inet_pton(af, raddr), "addresses"
    assert raw[0:6] == bytes.fromhex(SPOOF_MAC.replace(":", ""))
    tcp_len = 20 + optlen(layout)
    assert len(tcp) == tcp_len, "TCP length %d, want %d" % (len(tcp),
                                                           tcp_len)
    pseudo = src + dst + (struct.pack("!BBH", 0, 6, tcp_len) if fam == 4
                          else struct.pack("!IxxxB", tcp_len, 6))
    assert ones_sum(pseudo + tcp) == 0xffff, "bad TCP checksum"
    (sp, dp, s, a, doff, fl, w, _, urp) = struct.unpack("!HHIIBBHHH",
                                                        tcp[:20])
    assert (sp, dp) == (COOKIE_PORT, sport), "ports %d -> %d" % (sp, dp)
    assert fl == flags, "flags %s, want %s" % (flag_str(fl),
                                               flag_str(flags))
    assert a == ack & M32, "ack %#x, want %#x" % (a, ack & M32)
    assert w == win, "window %d, want %d" % (w, win)
    assert urp == 0
    if seq is not None:
        assert s == seq & M32, "seq %#x, want %#x" % (s, seq & M32)
    e = Reply(fl, s, a, w, layout, tsecr, mss)
    tsval = check_opts(tcp[20:], e, fam)
    return s, tsval


def tap_cases():
    """(family, Want) of the timestamp-layout flows."""
    E = SYN | ECE | CWR
    return [
        (4, Want(4, mss=1460, ws=7, sack=True, tsval=1000, flags=E)),
        (6, Want(6, mss=1300, tsval=0x80000000)),
        (4, Want(4, mss=1219, ws=14, tsval=M32)),
        (6, Want(6, mss=9000, ws=0, sack=True, tsval=7, flags=E)),
    ]


@needs_root
def test_cookie_timestamps_tap(synfront_factory):
    sf = synfront_factory(vdev="tap", app_args=list(SF_ADDR_ARGS) + [
        "--listen", str(COOKIE_PORT), "--syncookies", "2",
        "--cookie-secret", SECRET])
    sf.start()
    sf.mac = sf.port_mac()
    cases = tap_cases()
    flows = []
    for i, (fam, w) in enumerate(cases):
        sport = 45000 + i
        irs = (0x9e3779b9 * (i + 1)) & M32
        flows.append(dict(fam=fam, w=w, sport=sport, irs=irs))

    # The SYNs: one cookie SYN-ACK each.
    t_lo = ref.period(wall_ms())
    got = by_flow(exchange(sf, [tap_frame(sf.mac, fl["fam"], fl["sport"],
                                          fl["irs"], 0, fl["w"].flags,
                                          fl["w"].opts())
                                for fl in flows], len(flows)))
    t_hi = ref.period(wall_ms())
    for fl in flows:
        w, fam = fl["w"], fl["fam"]
        assert len(got[fl["sport"]]) == 1, "SYN-ACKs for %s: %s" % (
            w.describe(), [r.hex() for r in got[fl["sport"]]])
        raw = got[fl["sport"]][0]
        try:
            check_tap_reply(raw, fam, fl["sport"],
                            SYN | ACK | (ECE if w.ecn else 0),
                            fl["irs"] + 1, WINDOW, w.layout(), w.tsval)
            raddr, laddr = addrs(fam, spoof=True)
            fl["isn"], fl["tsval"], _ = check_cookie_synack(
                w, raw, t_lo, t_hi, raddr, laddr, fl["sport"], COOKIE_PORT,
                fl["irs"])
        except AssertionError as e:
            raise AssertionError("SYN-ACK for %s: %s\n%s" % (
                w.describe(), e, raw.hex())) from None

    # The third ACKs: tampered ones first (each a RST <SEQ=SEG.ACK>),
    # then the valid one, with data for half of the flows.
    frames, want = [], []
    conns = collections.Counter()
    for i, fl in enumerate(flows):
        fam, sport, irs, isn, tv = (fl["fam"], fl["sport"], fl["irs"],
                                    fl["isn"], fl["tsval"])
        w = fl["w"]
        cts = w.tsval + 1

        def ts_opt(ecr):
            return pad4(O_NOP + O_NOP + o_ts(cts, ecr))
        for name, sp, seq, ack, opts in (
                ("ack+1", sport, irs + 1, isn + 2, ts_opt(tv)),
                ("seq+1", sport, irs + 2, isn + 1, ts_opt(tv)),
                ("other sport", sport + 100, irs + 1, isn + 1, ts_opt(tv)),
                ("TSecr bit 0", sport, irs + 1, isn + 1, ts_opt(tv ^ 1)),
                ("TSecr bit 5", sport, irs + 1, isn + 1, ts_opt(tv ^ 32)),
                ("TSecr bit 4", sport, irs + 1, isn + 1, ts_opt(tv ^ 16)),
                ("no timestamps", sport, irs + 1, isn + 1, b"")):
            frames.append(tap_frame(sf.mac, fam, sp, seq, ack, ACK, opts))
            want.append((name, fam, sp, RST, 0, 0, NONE, None, ack))
        data = b"hello" if i % 2 == 0 else b""
        frames.append(tap_frame(sf.mac, fam, sport, irs + 1, isn + 1,
                                ACK | (PSH if data else 0), ts_opt(tv),
                                data))
        if data:
            # The connection's first ACK: window scaled only when the
            # cookie gave window scaling back, timestamps continuing
            # from the cookie's TSval.
            want.append(("data ACK", fam, sport, ACK, irs + 1 + len(data),
                         WINDOW >> WSCALE if w.ws is not None else WINDOW,
                         ("nop", "nop", "ts"), cts, isn + 1))
            conns["data"] += 1
        conns["conns"] += 1
        conns["wscale"] += w.ws is not None
        conns["sack"] += w.sack
        conns["ecn"] += w.ecn
        conns["ts"] += 1
    before = sf.stats()
    got = by_flow(exchange(sf, frames, len(want)))
    nbad = 7 * len(flows)
    delta_want = {"syncookies_failed": nbad, "out_rsts": nbad,
                  "syncookies_recv": len(flows),
                  "passive_opens": len(flows), "accepted": len(flows),
                  "third_ack_data": conns["data"], "syn_recv": 0,
                  "syncookies_sent": 0, "drop_tcp_cookie_rst_limited": 0}
    after = sf.wait_counters(
        lambda s: s["syncookies_recv"] - before["syncookies_recv"] >=
        len(flows) and s["syncookies_failed"] -
        before["syncookies_failed"] >= nbad, timeout=10,
        what="cookie ACK counters")
    time.sleep(0.2)
    after = sf.stats()
    assert {n: after[n] - before[n] for n in delta_want} == delta_want
    for name, fam, sp, flags, ack, win, layout, tsecr, seq in want:
        # In order within a flow (one worker); flows may interleave.
        assert got[sp], "no reply to %s (port %d)" % (name, sp)
        raw = got[sp].pop(0)
        try:
            _, tsval = check_tap_reply(raw, fam, sp, flags, ack, win,
                                       layout, tsecr, seq=seq)
            if name == "data ACK":
                fl = next(x for x in flows if x["sport"] == sp)
                assert (tsval - fl["tsval"]) & M32 < TS_STEP_MAX_MS, (
                    "TSval %#x does not continue from the cookie's %#x" % (
                        tsval, fl["tsval"]))
        except AssertionError as e:
            raise AssertionError("reply to %s (port %d): %s\n%s" % (
                name, sp, e, raw.hex())) from None

    js = sf.stop_and_check()
    assert js["accepted_with"] == {
        "conns": conns["conns"], "wscale": conns["wscale"],
        "sack": conns["sack"], "ts": conns["ts"], "ecn": conns["ecn"],
        "data": conns["data"]}, js["accepted_with"]
    c = js["counters"]
    assert c["syn_recv"] == 0
    assert c["syncookies_sent"] == len(flows)
