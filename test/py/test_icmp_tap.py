# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
ICMP errors with the Linux kernel on the other end of a tap (issue 14):

- the kernel's UDP sockets get ECONNREFUSED from synfront's port
  unreachable (IPv4 and IPv6), within Linux's rate limit of six at once
  per peer;
- the kernel answers our SYN-ACKs with ICMP errors of its own (an
  iptables / ip6tables REJECT rule in the test's namespace), and each one
  ends the request it quotes (icmp_err_req_drops), so no connection is
  made and no SYN-ACK is retransmitted to a peer that said it cannot be
  reached; a TCP port-unreachable-style soft error would not.

Every rule lives in the namespace synfront's test fixture made, and goes
with it.
"""

import json
import socket
import struct

import pytest

from conftest import (PEER_V4, PEER_V6, PYTHON, SF_V4, SF_V6, needs_root,
                      nonzero, run)

pytestmark = needs_root

PORT = 80

# A UDP client in the namespace: n datagrams, each answered or not.
UDP_CLIENT = r"""
import json, socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
socks = []
for i in range(int(sys.argv[3])):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.connect((sys.argv[1], int(sys.argv[2])))
    socks.append(s)
# All sent at once, then read: the limit sees one burst.
for i, s in enumerate(socks):
    s.send(b"hello %d" % i)
res = []
for s in socks:
    s.settimeout(1.0)
    try:
        s.recv(100)
        res.append("data")
    except ConnectionRefusedError:
        res.append("refused")
    except socket.timeout:
        res.append("timeout")
    s.close()
print(json.dumps(res))
"""

# A TCP client in the namespace: concurrent connect()s from the given
# source ports, each bounded in time; what became of each.
TCP_CLIENT = r"""
import json, socket, sys, threading
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
res = []
def one(sport):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", sport))
    s.settimeout(float(sys.argv[3]))
    try:
        s.connect((sys.argv[1], int(sys.argv[2])))
        r = "connected"
    except socket.timeout:
        r = "timeout"
    except OSError as e:
        r = "error %d" % e.errno
    s.close()
    res.append(r)
ts = [threading.Thread(target=one, args=(int(p),)) for p in sys.argv[4:]]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(json.dumps(res))
"""


# synfront's steering: Toeplitz over the 4-tuple with sf_rss_key (lib/
# sf_steer.c), a table of 512 entries, entry i owned by worker i % 2.
RSS_KEY = bytes([0x6d, 0x5a] * 20)


def toeplitz(data, key=RSS_KEY):
    k, klen, h = int.from_bytes(key, "big"), len(key) * 8, 0
    for i in range(len(data) * 8):
        if data[i // 8] & (0x80 >> (i % 8)):
            h ^= (k >> (klen - 32 - i)) & 0xffffffff
    return h


def owner(src, dst, sport, dport, workers=2):
    fam = socket.AF_INET6 if ":" in src else socket.AF_INET
    t = socket.inet_pton(fam, src) + socket.inet_pton(fam, dst) + \
        struct.pack("!HH", sport, dport)
    return (toeplitz(t) & 511) % workers


def ports_for(src, dst, dport, per_worker, workers=2):
    """Source ports whose flows two of each worker own."""
    got = {w: [] for w in range(workers)}
    for p in range(40000, 50000):
        w = owner(src, dst, p, dport, workers)
        if len(got[w]) < per_worker:
            got[w].append(p)
        if all(len(v) == per_worker for v in got.values()):
            return got
    raise AssertionError("no ports found")


def py(sf, code, *args, timeout=30):
    r = run([PYTHON, "-c", code] + [str(a) for a in args], ns=sf.ns,
            timeout=timeout)
    assert r.returncode == 0, r.stdout + r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("v6", [False, True], ids=["ipv4", "ipv6"])
def test_udp_port_unreachable(synfront_factory, v6):
    """A kernel UDP socket sees ECONNREFUSED: synfront answered with a
    port unreachable it accepted (quote, checksum, addresses right). Of
    eight datagrams at once, six are answered (Linux's burst per peer;
    one worker, as the limit is per worker). Which six is the kernel's
    choice: datagrams queued while it resolves our address can leave
    after one sent once it has, so the test counts, not positions."""
    sf = synfront_factory(vdev="tap", lcores="0")
    sf.start()
    addr = SF_V6 if v6 else SF_V4
    res = py(sf, UDP_CLIENT, addr, 53, 8)
    assert sorted(res) == ["refused"] * 6 + ["timeout"] * 2, res
    st = sf.stats()
    sent = "icmp6_out_dest_unreachs" if v6 else "icmp_out_dest_unreachs"
    assert st[sent] == 6, st
    assert st["drop_udp_no_port"] == 8, st
    assert st["icmp_out_ratelimited"] == 2, st
    sf.stop_and_check()


@pytest.mark.parametrize("steer", ["one_worker", "sw_steering"])
@pytest.mark.parametrize("v6", [False, True], ids=["ipv4", "ipv6"])
def test_kernel_icmp_ends_requests(synfront_factory, v6, steer):
    """The namespace's kernel rejects our SYN-ACKs with a host
    unreachable (ICMPv6: address unreachable): every request it is about
    is freed at once, so a connect() never completes and synfront sends
    no SYN-ACK retransmission; the counters say why. With two workers and
    software steering the error reaches the worker that owns the flow it
    quotes, not the one that received it. (With hardware RSS it may not:
    docs/handshake.md.)"""
    args = ["--addr", SF_V4 + "/24", "--addr", SF_V6 + "/64",
            "--listen", str(PORT), "--syncookies", "0"]
    if steer == "sw_steering":
        args += ["--rx-queues", "1", "--steering", "sw"]
    sf = synfront_factory(vdev="tap", app_args=args,
                          lcores="0" if steer == "one_worker" else "0-1")
    sf.start()
    if v6:
        rule = ["ip6tables", "-A", "INPUT", "-p", "tcp", "-s", SF_V6,
                "--sport", str(PORT), "--tcp-flags", "SYN,ACK", "SYN,ACK",
                "-j", "REJECT", "--reject-with", "icmp6-addr-unreachable"]
    else:
        rule = ["iptables", "-A", "INPUT", "-p", "tcp", "-s", SF_V4,
                "--sport", str(PORT), "--tcp-flags", "SYN,ACK", "SYN,ACK",
                "-j", "REJECT", "--reject-with", "icmp-host-unreachable"]
    # The kernel limits its own ICMP errors too (six at once per peer):
    # off in this namespace, so that each SYN-ACK draws one.
    for knob in ("net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0"):
        run(["sysctl", "-q", "-w", knob], ns=sf.ns, timeout=10)
    r = run(rule, ns=sf.ns, timeout=10)
    if r.returncode != 0:
        pytest.skip("cannot add a REJECT rule in the namespace: %s" %
                    (r.stdout + r.stderr).strip())
    # The kernel retransmits its SYN at 1 s, 3 s: three SYNs in 4.5 s.
    addr, peer = (SF_V6, PEER_V6) if v6 else (SF_V4, PEER_V4)
    ports = ports_for(peer, addr, PORT, 2)
    res = py(sf, TCP_CLIENT, addr, PORT, 4.5, *(ports[0] + ports[1]))
    assert len(res) == 4 and "connected" not in res, res
    st = sf.wait_counters(
        lambda s: s["icmp_err_req_drops"] >= s["syn_recv"] > 0,
        timeout=5, what="every request ended by an ICMP error")
    assert st["passive_opens"] == 0, st
    # The requests went at the error, before any timer fired.
    assert st["synack_retrans"] == 0, st
    assert st["synack_sent"] == st["syn_recv"], st
    assert st["listen_drops"] == st["icmp_err_req_drops"], st
    for name in ("drop_icmp_err_oow", "drop_icmp_err_bad",
                 "drop_icmp_err_no_flow", "drop_icmp_err_soft"):
        assert st[name] == 0, (name, st)
    js = sf.stop_and_check()
    ls = js["listeners"]
    assert sum(l["counters"]["listen_drops"] for l in ls) == \
        st["icmp_err_req_drops"], ls
    # Each worker ended the requests it held: the errors met their flows.
    # With two workers, both own flows (the ports were chosen so), and
    # worker 1's errors came over the steering ring from worker 0, the
    # only one polling the queue.
    for lc in js["lcores"]:
        c = lc["counters"]
        assert c["icmp_err_req_drops"] == c["syn_recv"], (
            c["icmp_err_req_drops"], c["syn_recv"], lc["role"], nonzero(c))
    if steer == "sw_steering":
        w0, w1 = (lc["counters"] for lc in js["lcores"])
        assert w0["syn_recv"] > 0 and w1["syn_recv"] > 0, (
            nonzero(w0), nonzero(w1))
        assert w1["steer_in"] >= w1["syn_recv"] + w1["icmp_err_req_drops"], (
            nonzero(w1))
