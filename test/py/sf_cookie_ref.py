# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
An independent reference of synfront's SYN cookies, in pure Python, for
the golden tests (test_golden_cookie.py). It is written from the prose of
lib/tcp/sf_cookie.h and docs/syncookies.md, SipHash-2-4 from the paper
(Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012) and
AES-128 from FIPS-197, not from the C: a test that compares synfront with
this module then checks the implementation against its specification.

The specification, as this module reads it:

  M    = tag | 00 | lport | laddr | Z | raddr | irs | rport | 00 00 |
         fields
         tag 04 (IPv4) or 06 (IPv6), Z 8 zero bytes for IPv4 and none
         for IPv6 (32 or 48 bytes: two or three AES blocks); addresses 4
         or 16 bytes, ports 2 bytes, irs and fields 4 bytes, all in
         network byte order; r = the peer (the client), l = us; fields =
         T | MSS << 1 | WS << 4 | SACK << 8 | ECN << 9, with bit 31 set in
         the timestamp layout (the option bits whichever layout carries
         them).
  H    = the first 8 bytes, as a little-endian number, of the AES-128
         CBC-MAC of M under K(t): X0 = 0, Xi = AES(K(t), Xi-1 ^ Mi) over
         the 16-byte blocks Mi, the last Xi. The MAC is the high 32 bits
         of H, the bits below the MAC field (4 with timestamps, 10
         without) cleared and replaced by the ISN's fields; the low 32
         bits of H are the flow's TSval offset: the TSval is our ms clock
         plus that offset, its low 6 bits replaced by the options.
  K(t) = SipHash-2-4(master, "sfcookie" | t | 00 00 00 00) and
         SipHash-2-4(master, "sfcookie" | t | 00 00 00 01), t as 4 bytes
         in network byte order: the AES key is the first output's 8 bytes
         little-endian, then the second's.
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

Run `python3 sf_cookie_ref.py` for the self-check (the SipHash paper's
vectors and FIPS-197's AES examples).
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
# AES-128 encryption, from FIPS-197


def _xtime(a):
    """Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1."""
    a <<= 1
    return (a ^ 0x11b) if a & 0x100 else a


def _gmul(a, b):
    r = 0
    while b:
        if b & 1:
            r ^= a
        a = _xtime(a)
        b >>= 1
    return r


def _make_sbox():
    """5.1.1: the inverse in GF(2^8) (0 for 0), then the affine map."""
    inv = [0] * 256
    for a in range(1, 256):
        for b in range(1, 256):
            if _gmul(a, b) == 1:
                inv[a] = b
                break
    box = []
    for x in inv:
        r = 0x63
        for i in range(8):
            r ^= (((x >> i) ^ (x >> ((i + 4) % 8)) ^ (x >> ((i + 5) % 8)) ^
                   (x >> ((i + 6) % 8)) ^ (x >> ((i + 7) % 8))) & 1) << i
        box.append(r)
    return box


_SBOX = _make_sbox()


def aes128_expand(key):
    """5.2: the 11 round keys (16 bytes each) of a 16-byte key."""
    assert len(key) == 16
    w = [list(key[i:i + 4]) for i in range(0, 16, 4)]
    rcon = 1
    for i in range(4, 44):
        t = list(w[i - 1])
        if i % 4 == 0:
            t = t[1:] + t[:1]
            t = [_SBOX[b] for b in t]
            t[0] ^= rcon
            rcon = _xtime(rcon)
        w.append([a ^ b for a, b in zip(w[i - 4], t)])
    return [bytes(sum(w[4 * r:4 * r + 4], [])) for r in range(11)]


def aes128_encrypt(rk, block):
    """5.1: the cipher; the state's byte r + 4c is row r, column c."""
    s = [a ^ b for a, b in zip(block, rk[0])]
    for rnd in range(1, 11):
        s = [_SBOX[b] for b in s]
        s = [s[r + 4 * ((c + r) % 4)] for c in range(4) for r in range(4)]
        if rnd != 10:
            m = []
            for c in range(4):
                a = s[4 * c:4 * c + 4]
                m += [_gmul(a[0], 2) ^ _gmul(a[1], 3) ^ a[2] ^ a[3],
                      a[0] ^ _gmul(a[1], 2) ^ _gmul(a[2], 3) ^ a[3],
                      a[0] ^ a[1] ^ _gmul(a[2], 2) ^ _gmul(a[3], 3),
                      _gmul(a[0], 3) ^ a[1] ^ a[2] ^ _gmul(a[3], 2)]
            s = m
        s = [a ^ b for a, b in zip(s, rk[rnd])]
    return bytes(s)


def aes_cbc_mac(key, msg):
    """X0 = 0, Xi = AES(key, Xi-1 ^ Mi); the last X (msg in blocks)."""
    assert len(msg) % 16 == 0
    rk = aes128_expand(key)
    x = bytes(16)
    for i in range(0, len(msg), 16):
        x = aes128_encrypt(rk, bytes(a ^ b for a, b in
                                     zip(x, msg[i:i + 16])))
    return x


# FIPS-197 Appendix B and C.1: (key, plaintext, ciphertext).
AES_VECTORS = (
    ("2b7e151628aed2a6abf7158809cf4f3c", "3243f6a8885a308d313198a2e0370734",
     "3925841d02dc09fbdc118597196a0b32"),
    ("000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff",
     "69c4e0d86a7b0430d8cdb78070b4c55a"),
)


def aes_selftest():
    """Raise AssertionError unless FIPS-197's examples come out."""
    for key, pt, ct in AES_VECTORS:
        got = aes128_encrypt(aes128_expand(bytes.fromhex(key)),
                             bytes.fromhex(pt))
        assert got.hex() == ct, "AES-128 of %s: %s, want %s" % (
            pt, got.hex(), ct)
    # Appendix A.1: the last round key.
    rk = aes128_expand(bytes.fromhex(AES_VECTORS[0][0]))
    assert rk[10].hex() == "d014f9a8c9ee2589e13f0cc8b6630ca6"


# --------------------------------------------------------------------------
# The cookie

def period(wall_ms):
    """t: the number of the 60 s period of the UTC wall clock in ms."""
    return wall_ms // PERIOD_MS


def in_skew(wall_ms):
    """Within SKEW_MS of the next period: t + 1 validates too."""
    return wall_ms % PERIOD_MS >= PERIOD_MS - SKEW_MS


def period_key(master, t):
    """K(t): the 16-byte AES key for the master key (k0, k1), period t."""
    k0, k1 = master
    base = b"sfcookie" + struct.pack("!I", t & M32)
    return (siphash24(k0, k1, base + b"\0\0\0\0").to_bytes(8, "little") +
            siphash24(k0, k1, base + b"\0\0\0\1").to_bytes(8, "little"))


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
    H: the first 8 bytes (little-endian) of the AES CBC-MAC under key of
    the cookie input: the family's tag, a zero byte, our port, our
    address (then 8 zero bytes for IPv4), the peer's address, the client
    ISN, the peer's port, two zero bytes, the fields word (32 bytes for
    IPv4, 48 for IPv6).
    """
    msg = (bytes((family, 0)) + struct.pack("!H", lport) +
           _addr(family, laddr) + (bytes(8) if family == 4 else b"") +
           _addr(family, raddr) +
           struct.pack("!IHHI", irs & M32, rport, 0, fields & M32))
    assert len(msg) == (32 if family == 4 else 48)
    return int.from_bytes(aes_cbc_mac(key, msg)[:8], "little")


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
    aes_selftest()
    import doctest
    doctest.testmod()
    print("sf_cookie_ref: SipHash-2-4 and AES-128 reference vectors OK")
