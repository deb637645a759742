# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
Helper of test_tap.py, run inside the test's namespace:
    ip netns exec NS /usr/bin/python3 sf_inject.py < request.json
request: {"iface": IF, "frames": [hex, ...], "sniff_s": seconds,
          "src_mac": MAC, "times": false}
Sniffs IF, sends the frames with sendp on the kernel side of the tap,
sniffs sniff_s more seconds, then prints a JSON list (hex) of the frames
seen whose Ethernet source is src_mac (synfront's replies); with "times",
a list of [seconds since the first frame was sent, hex] instead.
"""

import json
import sys
import threading
import time

from scapy.all import AsyncSniffer, Ether, conf, sendp  # noqa: E402


def main():
    req = json.load(sys.stdin)
    iface, src = req["iface"], req["src_mac"].lower()
    frames = [Ether(bytes.fromhex(h)) for h in req["frames"]]
    conf.verb = 0
    started = threading.Event()
    sniffer = AsyncSniffer(iface=iface, store=True,
                           lfilter=lambda p: Ether in p and
                           p[Ether].src.lower() == src,
                           started_callback=started.set)
    sniffer.start()
    if not started.wait(5):
        print("sniffer did not start", file=sys.stderr)
        sys.exit(2)
    time.sleep(0.2)
    t0 = time.time()
    for f in frames:
        sendp(f, iface=iface, verbose=False)
    time.sleep(float(req.get("sniff_s", 1.0)))
    got = sniffer.stop() or []
    if req.get("times"):
        json.dump([[float(p.time) - t0, bytes(p).hex()] for p in got],
                  sys.stdout)
    else:
        json.dump([bytes(p).hex() for p in got], sys.stdout)


if __name__ == "__main__":
    main()
