#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Seed programs for fuzz_flows (test/fuzz/fuzz_flows.c has the format):
# one file per scenario, each a handshake or more followed by what needs
# its state (data, FIN, closes, resets, ICMP errors, cookies, timers), so
# the fuzzer mutates from deep inside the state machines. Only the
# standard library: the replay test in the unit build runs it.
# Usage: seeds_flows.py DIR
import os
import sys


def flow_seeds():
    """Programs for fuzz_flows (its header comment has the format): a
    4-byte header, then records whose op byte is kind | flow << 3 | a << 5.
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

    F, S, R, P, A = 0x01, 0x02, 0x04, 0x08, 0x10
    hold = 0x00                 # header[1]: backlog 0, SYN backlog 4
    # header[0]: 0x08 TS, 0x10 SACK+wscale, 0x01 IPv6 flows, 0x02/0x04
    # cookies 1/2, 0x20 defer, 0x40 abort on overflow, 0x80 no options.
    return {
        "hs4": bytes([0x18, hold, 2, 1]) + syn() + ack() + ack(a=2) +
        ack(a=4) + clock(3, 1) + app(),
        "hs6": bytes([0x19, hold, 2, 1]) + syn() + ack() + ack(a=1) +
        app() + ack(a=4) + clock(4, 3),
        "hs4_plain": bytes([0x80, hold, 1, 0]) + syn(a=6) + ack(a=3) +
        ack(a=4) + clock(4, 1),
        # on_close closes on the peer's FIN: LAST_ACK, then its ACK.
        "fin_close": bytes([0x18, 0x80, 2, 1]) + syn() + ack() +
        ack(a=6) + ack() + clock(4, 2),
        # on_close holds: CLOSE_WAIT until the application closes.
        "fin_hold": bytes([0x08, 0xc0, 2, 1]) + syn() + ack() + ack(a=4) +
        clock(2, 3) + app() + ack() + clock(4, 5),
        # Our close first: FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT.
        "close_first": bytes([0x18, hold, 2, 5]) + syn() + ack() + app() +
        ack() + ack(a=4) + clock(3, 3) + syn(a=3) + ack(),
        "reset": bytes([0x18, hold, 2, 1]) + syn() + ack() + ack(a=2) +
        seg(0, R) + syn(a=3) + seg(0, R | A),
        "app_reset": bytes([0x19, hold, 2, 1]) + syn() + ack() +
        app(reset=True) + ack(a=1),
        "cookie_always": bytes([0x1c, hold, 2, 1]) + syn() + ack(a=2) +
        app() + ack() + ack(a=4) + clock(4, 1),
        "cookie_always6": bytes([0x05, hold, 2, 1]) + syn() + ack() +
        ack(a=1) + clock(5, 1),
        "cookie_when_full": bytes([0x1a, hold, 2, 1]) + flood(1, 3) +
        syn() + ack(a=2) + clock(2, 9) + app(),
        "cookie_old": bytes([0x1c, hold, 2, 1]) + syn() + clock(7, 1) +
        ack(),
        "listener81": bytes([0x18, hold, 2, 1]) + syn(2) + ack(2) +
        clock(2, 4) + ack(2, 2) + ack(2, 4) + clock(4, 2),
        "defer": bytes([0x38, hold, 2, 1]) + syn() + ack() + clock(2, 4) +
        ack(a=1) + syn(1) + ack(1) + clock(4, 3),
        "synack_rtx": bytes([0x18, hold, 3, 1]) + syn() + clock(3, 3) +
        clock(4, 2) + ack() + syn(1) + clock(6, 1) + ack(1),
        "icmp_syn4": bytes([0x18, hold, 2, 1]) + syn() + icmp(code=1) +
        syn(1) + icmp(1, a=1) + syn(3) + icmp(3, code=4) + ack(),
        "icmp_syn6": bytes([0x19, hold, 2, 1]) + syn() + icmp(code=4) +
        syn(1) + icmp(1, a=1) + syn(2) + icmp(2, a=2) + ack(2),
        "icmp_conn": bytes([0x18, hold, 2, 1]) + syn() + ack() +
        icmp(a=1, dseq=1) + icmp(a=3) + ack(a=3),
        # Accept queue overflow: never accepted, backlog 0, then reset.
        "overflow": bytes([0x58, 0x30, 2, 1]) + syn() + ack() + syn(1) +
        ack(1) + syn(3) + ack(3) + clock(4, 9),
        "four_flows": bytes([0x18, 0x05, 2, 2]) + syn() + syn(1) + syn(2) +
        syn(3) + ack(3) + ack(2) + ack(1) + ack() + ack(a=2) + ack(1, 4) +
        ack(2, 1) + app(3) + clock(4, 3),
        "segs": bytes([0x18, hold, 2, 1]) + syn() + ack() +
        seg(0, A | P, dlen=10, opts=0x0c) + seg(0, A, dseq=-5, dlen=20) +
        seg(0, A, dack=1) + seg(0, S | A) + seg(0, A | P, dlen=10,
                                                opts=0x44) +
        seg(0, A | F, dseq=100),
        "small_tables": bytes([0x18, 0x00, 2, 0]) + flood(0, 1) + syn() +
        ack() + syn(1) + ack(1) + flood(1, 7) + clock(4, 5),
        "raw": bytes([0x18, hold, 2, 1]) + syn() + op(7) + bytes([14]) +
        bytes(12) + b"\x08\x06" + ack(),
    }



def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, prog in flow_seeds().items():
        with open(os.path.join(out, "seed_" + name), "wb") as fh:
            fh.write(prog)


if __name__ == "__main__":
    main()
