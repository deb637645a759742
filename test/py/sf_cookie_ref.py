# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
An independent reference of synfront's SYN cookies, in pure Python, for
the golden tests (test_golden_cookie.py). It is written from the prose of
lib/tcp/sf_cookie.h and docs/syncookies.md, and SipHash-2-4 from the paper
(Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012), not
from the C: a test that compares synfront with this module then checks
the implementation against its specification.

The specification, as this module reads it:

  H    = SipHash-2-4(K(t), laddr | lport | 00 00 | raddr | irs | rport |
                     fields)
         addresses 4 or 16 bytes, ports 2 bytes, the rest 4 bytes, all in
         network byte order; r = the peer (the client), l = us; fields =
         T | MSS << 1 | WS << 4 | SACK << 8 | ECN << 9, with bit 31 set in
         the timestamp layout (the option bits whichever layout carries
         them). The MAC is the high 32 bits of H, the bits below the MAC
         field (4 with timestamps, 10 without) cleared and replaced by
         the ISN's fields; the low 32 bits of H are the flow's TSval
         offset: the TSval is our ms clock plus that offset, its low 6
         bits replaced by the options.
  K(t) = (SipHash-2-4(master, "sfcookie" | t | 00 00 00 00),
          SipHash-2-4(master, "sfcookie" | t | 00 00 00 01)) as (k0, k1),
         t as 4 bytes in network byte order.
  t    = floor(UTC wall clock in ms / 60000).
  master: the 16 bytes b0..b15 of --cookie-secret; k0 = little-endian
         b0..b7, k1 = little-endian b8..b15 (the paper's key convention).

  ISN with timestamps:    MAC[31:4] | MSS[3:1] | T[0]
  ISN without timestamps: MAC[31:10] | ECN[9] | SACK[8] | WS[7:4] |
                          MSS[3:1] | T[0]
  TSval with timestamps:  (clock + H[31:0])[31:6] | ECN[5] | SACK[4] |
                          WS[3:0], never ahead of clock + H[31:0] (64
                          taken off when the option bits would put it
                          ahead, in sequence-number arithmetic)
  T = t & 1; MSS = index in the family's table (the largest entry not
  above the client's MSS, entry 0 when all are above it); WS = the
  client's shift 0..14, 15 when it sent no window scale option.

  Validation: the T bit names t when it equals t & 1, otherwise t - 1
  (and also t + 1 in the last 2 s of period t, the "skew" window).

Run `python3 sf_cookie_ref.py` for the self-check (the paper's vectors).
"""

import socket
import struct

M32 = 0xffffffff
M64 = 0xffffffffffffffff

PERIOD_MS = 60000
SKEW_MS = 2000
WS_NONE = 15

# docs/syncookies.md "MSS tables" (also in lib/tcp/sf_cookie.c's comment).
MSS_TABLE = {
    4: (536, 1220, 1300, 1360, 1400, 1440, 1452, 1460),
    6: (1220, 1280, 1340, 1380, 1400, 1420, 1432, 1440),
}
# RFC 9293 3.7.1 (IPv4) and RFC 8200 5 (IPv6): the MSS of a SYN without
# the option (or with MSS 0, which reads as none).
MSS_DEFAULT = {4: 536, 6: 1220}

LOW_BITS_TS = 4
LOW_BITS_NOTS = 10
TS_OPT_BITS = 6
LAYOUT_TS = 1 << 31

# --------------------------------------------------------------------------
# SipHash-2-4, from the paper's description

# The initialisation constants: "somepseudorandomlygeneratedbytes".
_C0 = 0x736f6d6570736575
_C1 = 0x646f72616e646f6d
_C2 = 0x6c7967656e657261
_C3 = 0x7465646279746573


def _rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & M64


def _sipround(v0, v1, v2, v3):
    # The paper's Figure 2.1 (ARX network), half-round by half-round.
    v0 = (v0 + v1) & M64
    v2 = (v2 + v3) & M64
    v1 = _rotl(v1, 13)
    v3 = _rotl(v3, 16)
    v1 ^= v0
    v3 ^= v2
    v0 = _rotl(v0, 32)
    v2 = (v2 + v1) & M64
    v0 = (v0 + v3) & M64
    v1 = _rotl(v1, 17)
    v3 = _rotl(v3, 21)
    v1 ^= v2
    v3 ^= v0
    v2 = _rotl(v2, 32)
    return v0, v1, v2, v3


def siphash24(k0, k1, msg, c=2, d=4):
    """SipHash-c-d of the bytes msg under the key (k0, k1); a 64-bit int.

    The message is cut into 8-byte little-endian words; the last word
    holds the remaining bytes and, in its top byte, the length mod 256.

    >>> k0, k1 = key_from_bytes(bytes(range(16)))
    >>> hex(siphash24(k0, k1, bytes(range(15))))   # the paper's App. A
    '0xa129ca6149be45e5'
    """
    v0, v1, v2, v3 = k0 ^ _C0, k1 ^ _C1, k0 ^ _C2, k1 ^ _C3
    n = len(msg)
    tail = n - n % 8
    words = [int.from_bytes(msg[i:i + 8], "little")
             for i in range(0, tail, 8)]
    words.append(int.from_bytes(msg[tail:], "little") | (n & 0xff) << 56)
    for m in words:
        v3 ^= m
        for _ in range(c):
            v0, v1, v2, v3 = _sipround(v0, v1, v2, v3)
        v0 ^= m
    v2 ^= 0xff
    for _ in range(d):
        v0, v1, v2, v3 = _sipround(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


def key_from_bytes(b):
    """The paper's key convention: k0, k1 little-endian from 16 bytes."""
    assert len(b) == 16
    return int.from_bytes(b[:8], "little"), int.from_bytes(b[8:], "little")


def key_from_hex(h):
    return key_from_bytes(bytes.fromhex(h))


# The paper's reference test vectors ("vectors.h" of the reference code):
# key 00 01 .. 0f, message 00 01 .. (n - 1), the 64-bit output as the 8
# bytes of its little-endian encoding; here for the lengths that reach
# every branch (empty, partial word, full word, word + tail, long).
SIPHASH_VECTORS = {
    0: "310e0edd47db6f72",
    1: "fd67dc93c539f874",
    2: "5a4fa9d909806c0d",
    7: "37d1018bf50002ab",
    8: "6224939a79f5f593",
    15: "e545be4961ca29a1",
    16: "db9bc2577fcc2a3f",
    31: "42c341d8fa92d832",
    32: "ce7cf2722f512771",
    63: "724506eb4c328a95",
}


def siphash_selftest():
    """Raise AssertionError unless every reference vector matches."""
    k0, k1 = key_from_bytes(bytes(range(16)))
    for n, want in SIPHASH_VECTORS.items():
        got = siphash24(k0, k1, bytes(range(n))).to_bytes(8, "little")
        assert got.hex() == want, "SipHash-2-4 of %d bytes: %s, want %s" % (
            n, got.hex(), want)
    # The paper's Appendix A, printed there as a 64-bit number.
    assert siphash24(k0, k1, bytes(range(15))) == 0xa129ca6149be45e5


# --------------------------------------------------------------------------
# The cookie

def period(wall_ms):
    """t: the number of the 60 s period of the UTC wall clock in ms."""
    return wall_ms // PERIOD_MS


def in_skew(wall_ms):
    """Within SKEW_MS of the next period: t + 1 validates too."""
    return wall_ms % PERIOD_MS >= PERIOD_MS - SKEW_MS


def period_key(master, t):
    """K(t) = (k0, k1) for the master key (k0, k1) and period t."""
    k0, k1 = master
    base = b"sfcookie" + struct.pack("!I", t & M32)
    return (siphash24(k0, k1, base + b"\0\0\0\0"),
            siphash24(k0, k1, base + b"\0\0\0\1"))


def mss_index(family, mss):
    """Largest table entry not above mss; entry 0 when all are above."""
    tab = MSS_TABLE[family]
    idx = 0
    for i, v in enumerate(tab):
        if v <= mss:
            idx = i
    return idx


def mss_value(family, idx):
    return MSS_TABLE[family][idx]


def _addr(family, a):
    if isinstance(a, (bytes, bytearray)):
        assert len(a) == (4 if family == 4 else 16)
        return bytes(a)
    return socket.inet_pton(socket.AF_INET if family == 4 else
                            socket.AF_INET6, a)


def cookie_hash(key, family, raddr, laddr, rport, lport, irs, fields):
    """
    H: the 64-bit SipHash of the cookie input under key: our address,
    our port, two zero bytes, the peer's address, the client ISN, the
    peer's port, the fields word (22 bytes for IPv4, 46 for IPv6).
    """
    msg = (_addr(family, laddr) + struct.pack("!H", lport) + b"\0\0" +
           _addr(family, raddr) +
           struct.pack("!IHI", irs & M32, rport, fields & M32))
    return siphash24(key[0], key[1], msg)


def _seq_gt(a, b):
    d = (a - b) & M32
    return d != 0 and d < 0x80000000


def _master(secret):
    return key_from_hex(secret) if isinstance(secret, str) else \
        tuple(secret)


def make_cookie(secret, t, family, raddr, laddr, rport, lport, irs, mss,
                wscale, sack, ecn, ts, clock=0):
    """
    The cookie for a SYN from raddr:rport to laddr:lport with client ISN
    irs and the options as granted: mss the client's MSS (None or 0: the
    family's default), wscale 0..14 or None (no option), sack, ecn, ts
    (bools). clock: our ms clock when the SYN-ACK is built (ts only).

    Returns (isn, tsval): tsval None without timestamps.
    """
    if not mss:
        mss = MSS_DEFAULT[family]
    ws = WS_NONE if wscale is None else wscale
    assert 0 <= ws <= 15
    opt = ws | (0x10 if sack else 0) | (0x20 if ecn else 0)
    fields = (t & 1) | mss_index(family, mss) << 1 | opt << 4
    h = cookie_hash(period_key(_master(secret), t), family, raddr, laddr,
                    rport, lport, irs, fields | (LAYOUT_TS if ts else 0))
    low = LOW_BITS_TS if ts else LOW_BITS_NOTS
    isn = (h >> 32 & ~((1 << low) - 1) & M32) | (fields & ((1 << low) - 1))
    if not ts:
        return isn, None
    clk = (clock + h) & M32          # the flow's clock: offset H[31:0]
    tsval = (clk & ~((1 << TS_OPT_BITS) - 1) & M32) | opt
    if _seq_gt(tsval, clk):
        tsval = (tsval - (1 << TS_OPT_BITS)) & M32
    return isn, tsval


def ts_offset(secret, t, family, raddr, laddr, rport, lport, irs, iss, ts,
              tsecr=0):
    """The TSval offset (H[31:0]) a valid cookie's SYN-ACK was built with."""
    opt = (tsecr if ts else iss >> 4) & 0x3f
    fields = (iss & 0xf) | opt << 4 | (LAYOUT_TS if ts else 0)
    return cookie_hash(period_key(_master(secret), t), family, raddr,
                       laddr, rport, lport, irs, fields) & M32


def cookie_periods(iss, t, skew=False):
    """The periods whose key a cookie with this T bit is checked under."""
    if (iss & 1) == (t & 1):
        return [t]
    return [t - 1, t + 1] if skew else [t - 1]


def check_cookie(secret, t, family, raddr, laddr, rport, lport, irs, iss,
                 ts, tsecr=0, skew=False):
    """
    Validate the cookie iss (SEG.ACK - 1) for client ISN irs (SEG.SEQ - 1)
    at period t; ts: the ACK carries timestamps, tsecr its TSecr.

    Returns None (invalid) or a dict: t (the period that signed it),
    mss_idx, mss, wscale (None: no option), sack, ecn, ts.
    """
    low = LOW_BITS_TS if ts else LOW_BITS_NOTS
    lowmask = (1 << low) - 1
    # The options: in the TSecr (our TSval) or in the ISN.
    opt = (tsecr if ts else iss >> 4) & 0x3f
    fields = (iss & 0xf) | opt << 4 | (LAYOUT_TS if ts else 0)
    for tc in cookie_periods(iss, t, skew):
        key = period_key(_master(secret), tc)
        mac = cookie_hash(key, family, raddr, laddr, rport, lport, irs,
                          fields) >> 32
        if (mac ^ iss) & ~lowmask & M32 == 0:
            break
    else:
        return None
    idx = (iss >> 1) & 7
    ws = opt & 0xf
    return {"t": tc, "mss_idx": idx, "mss": mss_value(family, idx),
            "wscale": None if ws == WS_NONE else ws,
            "sack": bool(opt & 0x10), "ecn": bool(opt & 0x20),
            "ts": bool(ts)}


if __name__ == "__main__":
    siphash_selftest()
    import doctest
    doctest.testmod()
    print("sf_cookie_ref: SipHash-2-4 reference vectors OK")
