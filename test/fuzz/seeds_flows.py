#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Seed programs for fuzz_flows (test/fuzz/fuzz_flows.c has the format):
# one file per scenario, each a handshake or more followed by what needs
# its state (data, FIN, closes, resets, ICMP errors, cookies, timers), so
# the fuzzer mutates from deep inside the state machines; the act_* ones
# open connections of ours (active flows) and answer their SYNs. Only the
# standard library: the replay test in the unit build runs it.
# Usage: seeds_flows.py DIR
import os
import sys


def flow_seeds():
    """Programs for fuzz_flows (its header comment has the format): a
    5-byte header, then records whose op byte is kind | flow << 3 | a << 5.
    Each plays a scenario whose later records need the state the earlier
    ones made."""
    def op(kind, k=0, a=0):
        return bytes([kind | k << 3 | a << 5])

    def syn(k=0, a=2):          # a=2: MSS 1460
        return op(1, k, a)

    def ack(k=0, a=0):          # a bits 0-1: 0/1/536/1400 bytes, bit 2: FIN
        return op(2, k, a)

    # (b + 1) * [1, 10, 100, 250, 1000, 5000, 20000, 65000][unit] ms
    def clock(unit, b):
        return op(3, 0, unit) + bytes([b])

    def app(k=0, reset=False):
        return op(4, k, int(reset))

    def icmp(k=0, a=0, code=1, dseq=0):
        return op(5, k, a) + bytes([code, dseq & 0xff])

    def flood(k=0, a=0):        # (a + 1) * 4 SYNs
        return op(6, k, a)

    def seg(k, flags, dseq=0, dack=0, dlen=0, opts=0, a=0):
        return op(0, k, a) + bytes([flags, dseq & 0xff, dack & 0xff, dlen,
                                    opts])

    # Active flows (header[4] bits 0-1: n, flows 4 - n to 3): the server's
    # SYN-ACK to our SYN, its ISS and TSval echoed; a bits 1-2: options
    # all, MSS 536 + TS (window 0), none, all + ECE (MSS 9000, WS 14,
    # window 1000); a bit 0: a TSecr none of ours.
    def synack(k=3, a=0):
        return op(1, k, a)

    def more(k=3, a=0):         # a + 1 more opens on active flow k
        return op(6, k, a)

    F, S, R, P, A, E = 0x01, 0x02, 0x04, 0x08, 0x10, 0x40
    hold = 0x00                 # header[1]: backlog 0, SYN backlog 4
    # header[0]: 0x08 TS, 0x10 SACK+wscale, 0x01 IPv6 flows, 0x02/0x04
    # cookies 1/2, 0x20 defer, 0x40 abort on overflow, 0x80 no options.
    return {
        "hs4": bytes([0x18, hold, 2, 1, 0]) + syn() + ack() + ack(a=2) +
        ack(a=4) + clock(3, 1) + app(),
        "hs6": bytes([0x19, hold, 2, 1, 0]) + syn() + ack() + ack(a=1) +
        app() + ack(a=4) + clock(4, 3),
        "hs4_plain": bytes([0x80, hold, 1, 0, 0]) + syn(a=6) + ack(a=3) +
        ack(a=4) + clock(4, 1),
        # on_close closes on the peer's FIN: LAST_ACK, then its ACK.
        "fin_close": bytes([0x18, 0x80, 2, 1, 0]) + syn() + ack() +
        ack(a=6) + ack() + clock(4, 2),
        # on_close holds: CLOSE_WAIT until the application closes.
        "fin_hold": bytes([0x08, 0xc0, 2, 1, 0]) + syn() + ack() + ack(a=4) +
        clock(2, 3) + app() + ack() + clock(4, 5),
        # Our close first: FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT.
        "close_first": bytes([0x18, hold, 2, 5, 0]) + syn() + ack() + app() +
        ack() + ack(a=4) + clock(3, 3) + syn(a=3) + ack(),
        "reset": bytes([0x18, hold, 2, 1, 0]) + syn() + ack() + ack(a=2) +
        seg(0, R) + syn(a=3) + seg(0, R | A),
        "app_reset": bytes([0x19, hold, 2, 1, 0]) + syn() + ack() +
        app(reset=True) + ack(a=1),
        "cookie_always": bytes([0x1c, hold, 2, 1, 0]) + syn() + ack(a=2) +
        app() + ack() + ack(a=4) + clock(4, 1),
        "cookie_always6": bytes([0x05, hold, 2, 1, 0]) + syn() + ack() +
        ack(a=1) + clock(5, 1),
        "cookie_when_full": bytes([0x1a, hold, 2, 1, 0]) + flood(1, 3) +
        syn() + ack(a=2) + clock(2, 9) + app(),
        "cookie_old": bytes([0x1c, hold, 2, 1, 0]) + syn() + clock(7, 1) +
        ack(),
        "listener81": bytes([0x18, hold, 2, 1, 0]) + syn(2) + ack(2) +
        clock(2, 4) + ack(2, 2) + ack(2, 4) + clock(4, 2),
        "defer": bytes([0x38, hold, 2, 1, 0]) + syn() + ack() + clock(2, 4) +
        ack(a=1) + syn(1) + ack(1) + clock(4, 3),
        "synack_rtx": bytes([0x18, hold, 3, 1, 0]) + syn() + clock(3, 3) +
        clock(4, 2) + ack() + syn(1) + clock(6, 1) + ack(1),
        "icmp_syn4": bytes([0x18, hold, 2, 1, 0]) + syn() + icmp(code=1) +
        syn(1) + icmp(1, a=1) + syn(3) + icmp(3, code=4) + ack(),
        "icmp_syn6": bytes([0x19, hold, 2, 1, 0]) + syn() + icmp(code=4) +
        syn(1) + icmp(1, a=1) + syn(2) + icmp(2, a=2) + ack(2),
        "icmp_conn": bytes([0x18, hold, 2, 1, 0]) + syn() + ack() +
        icmp(a=1, dseq=1) + icmp(a=3) + ack(a=3),
        # Accept queue overflow: never accepted, backlog 0, then reset.
        "overflow": bytes([0x58, 0x30, 2, 1, 0]) + syn() + ack() + syn(1) +
        ack(1) + syn(3) + ack(3) + clock(4, 9),
        "four_flows": bytes([0x18, 0x05, 2, 2, 0]) + syn() + syn(1) + syn(2) +
        syn(3) + ack(3) + ack(2) + ack(1) + ack() + ack(a=2) + ack(1, 4) +
        ack(2, 1) + app(3) + clock(4, 3),
        "segs": bytes([0x18, hold, 2, 1, 0]) + syn() + ack() +
        seg(0, A | P, dlen=10, opts=0x0c) + seg(0, A, dseq=-5, dlen=20) +
        seg(0, A, dack=1) + seg(0, S | A) + seg(0, A | P, dlen=10,
                                                opts=0x44) +
        seg(0, A | F, dseq=100),
        "small_tables": bytes([0x18, 0x00, 2, 0, 0]) + flood(0, 1) + syn() +
        ack() + syn(1) + ack(1) + flood(1, 7) + clock(4, 5),
        "raw": bytes([0x18, hold, 2, 1, 0]) + syn() + op(7) + bytes([14]) +
        bytes(12) + b"\x08\x06" + ack(),
        # Active opens. header[4]: 0x01-0x03 flows 3, 2-3, 1-3 ours;
        # 0x04/0x08/0x0c on_connected hold/close/reset (0: hold and send
        # 5000 bytes); 0x10 no TS; 0x20 no SACK, WS 0; 0x40 ECN; 0x80 a
        # failed open opens again. header[2]: 0x08-0x18 syn_retries 1-3,
        # 0x20 first SYN timeout 100 ms, 0x40 local ports 50000-50003 and
        # TIME-WAIT reuse, 0x80 the peer's MAC unknown until the first
        # SYN-ACK record. header[3]: 0x40 a fixed local port per flow,
        # 0x80 our address named. Flow 3 is IPv4 when header[0] bit 0 is
        # set.
        "act_hs4": bytes([0x19, hold, 2, 1, 0x01]) + synack() + ack(3) +
        ack(3, 2) + ack(3, 4) + clock(3, 1) + app(3),
        "act_hs6": bytes([0x18, hold, 2, 1, 0x01]) + synack() + ack(3) +
        ack(3, 1) + app(3) + ack(3, 4) + clock(4, 3),
        "act_noopts": bytes([0x19, hold, 2, 1, 0x31]) + synack(a=4) +
        ack(3, 3) + ack(3) + app(3, reset=True),
        "act_mss_ts": bytes([0x19, hold, 2, 1, 0x05]) + synack(a=2) +
        ack(3, 3) + ack(3, 3) + clock(2, 2) + ack(3, 4),
        "act_ecn": bytes([0x18, hold, 2, 1, 0x41]) + synack(a=6) +
        ack(3, 2) + seg(3, A | E, dlen=10) + ack(3),
        "act_refused": bytes([0x19, hold, 2, 1, 0x81]) + seg(3, R | A) +
        synack() + ack(3),
        "act_bad_ack": bytes([0x19, hold, 2, 1, 0x01]) +
        seg(3, S | A, dack=5, opts=0x17) + clock(0, 5) + synack() + ack(3),
        "act_paws": bytes([0x18, hold, 2, 1, 0x01]) + synack(a=1) +
        clock(0, 3) + synack() + ack(3, 1),
        "act_seg_synack": bytes([0x19, hold, 2, 1, 0x01]) +
        seg(3, S | A, opts=0x17) + ack(3) + seg(3, A | P, dlen=20) +
        seg(3, A, opts=0x44),
        "act_timeout": bytes([0x19, hold, 0x2a, 1, 0x81]) + clock(3, 0) +
        clock(4, 1) + clock(4, 3) + synack() + ack(3),
        "act_icmp": bytes([0x19, hold, 2, 1, 0x81]) + icmp(3, code=1) +
        synack() + icmp(3, a=1, dseq=1) + ack(3, 3),
        "act_neigh_wait": bytes([0x18, hold, 0x82, 1, 0x01]) + clock(2, 4) +
        synack() + ack(3) + ack(3, 1),
        "act_neigh_fail": bytes([0x19, hold, 0x82, 1, 0x81]) +
        clock(4, 0) * 5 + synack() + ack(3),
        "act_three": bytes([0x18, 0x05, 2, 2, 0x03]) + syn() + synack(1) +
        synack(2) + synack(3) + ack() + ack(1, 1) + ack(2, 2) + ack(3, 4) +
        app(1) + seg(2, R | A) + clock(4, 3),
        "act_more": bytes([0x19, hold, 2, 1, 0x01]) + more(a=3) + synack() +
        ack(3) + more(a=7) + clock(4, 9),
        "act_ports": bytes([0x19, hold, 0x42, 1, 0x01]) + synack() + ack(3) +
        app(3) + ack(3) + ack(3, 4) + clock(4, 1) + more(a=4) + synack() +
        ack(3),
        "act_echo": bytes([0x19, hold, 2, 0x11, 0x05]) + synack() +
        ack(3, 1) + ack(3, 3) + ack(3) + ack(3, 4),
        "act_peer_fin": bytes([0x19, 0xc0, 2, 1, 0x05]) + synack() +
        ack(3, 4) + clock(2, 3) + app(3) + ack(3) + clock(4, 5),
        "act_close_first": bytes([0x19, hold, 2, 5, 0x09]) + synack() +
        ack(3) + ack(3, 4) + clock(3, 3),
        "act_reset": bytes([0x18, hold, 2, 1, 0x0d]) + synack() + ack(3),
        "act_rexmt": bytes([0x19, hold, 2, 1, 0x01]) + synack() +
        clock(3, 1) + seg(3, A, dack=-100, opts=0x44) + clock(4, 1) +
        ack(3) + ack(3, 4),
        "act_abandon": bytes([0x19, hold, 2, 1, 0x02]) + app(2) +
        app(3, reset=True) + synack(2) + synack() + clock(4, 9),
        # A zero window: our 5000 bytes wait, the persist timer probes.
        "act_zero_wnd": bytes([0x19, hold, 2, 1, 0x01]) + synack(a=2) +
        clock(4, 1) + clock(4, 3) + ack(3) + ack(3, 4),
        "act_small_wnd": bytes([0x18, hold, 2, 1, 0x41]) + synack(a=6) +
        ack(3) + clock(3, 3) + ack(3),
        # A fixed local port and address: the second open finds the tuple
        # taken, the third (after our close) in TIME-WAIT.
        "act_fixed": bytes([0x19, hold, 0x42, 0xc1, 0x01]) + synack() +
        more() + ack(3) + app(3) + ack(3) + ack(3, 4) + clock(4, 1) +
        more() + synack() + ack(3),
    }



def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, prog in flow_seeds().items():
        with open(os.path.join(out, "seed_" + name), "wb") as fh:
            fh.write(prog)


if __name__ == "__main__":
    main()
