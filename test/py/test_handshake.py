# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
End-to-end handshakes on net_tap: synfront owns a tap inside a network
namespace the test creates, and the Linux kernel of that namespace
(10.10.0.2, fd00:10:10::2) is a real, independent TCP client. A small
client process (CLIENT below, run with `ip netns exec`) keeps sockets open
across commands so that a test can interleave client actions with
synfront's counters. Edge cases the kernel will not produce (a SYN whose
third ACK never comes) are crafted with scapy from a spoofed source inside
the subnet that is not the kernel's own address (10.10.0.77, MAC
02:00:00:00:00:77): synfront answers it at L2, the kernel drops frames
for a MAC that is not its own, so nothing resets the request.

Every test starts its own synfront (conftest's synfront_factory removes
the namespace, EAL directory, files and processes, also on failure), is
bounded in connections and time, and checks at exit that every mbuf went
back to the pool and every frame is accounted for.
"""

import json
import re
import selectors
import subprocess
import time
from pathlib import Path

import pytest

from conftest import (BINARY, PYTHON, REPO, SF_ADDR_ARGS, SF_V4, SF_V6,
                      TelemetryError, needs_root, nonzero, run)

scapy = pytest.importorskip("scapy.all")
from scapy.all import IP, TCP, Ether, IPv6  # noqa: E402

pytestmark = needs_root

HERE = Path(__file__).resolve().parent
PORT = 80
SPOOF_MAC = "02:00:00:00:00:77"
SPOOF_V4 = "10.10.0.77"
SPOOF_V6 = "fd00:10:10::77"
FAMILIES = [("ipv4", SF_V4), ("ipv6", SF_V6)]

# The client: one JSON command per stdin line, one JSON answer per stdout
# line. Sockets are kept by name between commands.
CLIENT = r'''
import errno, json, selectors, socket, struct, sys, time

TCP_STATES = {1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV",
              4: "FIN_WAIT1", 5: "FIN_WAIT2", 6: "TIME_WAIT", 7: "CLOSE",
              8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN", 11: "CLOSING"}
socks = {}

def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET

def info(s):
    # struct tcp_info: u8 state, ...; u32 from offset 8: rto, ato,
    # snd_mss, rcv_mss, unacked, sacked, lost, retrans, fackets, 4 times,
    # pmtu, rcv_ssthresh, rtt, rttvar, snd_ssthresh, snd_cwnd, advmss,
    # reordering, rcv_rtt, rcv_space, total_retrans.
    b = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    u = struct.unpack_from("24I", b, 8)
    return {"state": TCP_STATES.get(b[0], b[0]), "unacked": u[4],
            "retrans": u[7], "total_retrans": u[23], "snd_mss": u[2],
            "options": b[5], "snd_wscale": b[6] & 15,
            "rcv_wscale": b[6] >> 4}

def connect(c):
    s = socket.socket(family(c["addr"]), socket.SOCK_STREAM)
    if c.get("defer"):
        # A connecting socket with TCP_DEFER_ACCEPT holds the handshake's
        # ACK back (tcp_rcv_synsent_state_process) so that the first
        # data segment carries it: data on the third ACK.
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 5)
    s.settimeout(c.get("timeout", 5))
    t0 = time.monotonic()
    try:
        s.connect((c["addr"], c["port"]))
    except OSError as e:
        s.close()
        return {"ok": False, "error": type(e).__name__,
                "errno": e.errno, "elapsed": time.monotonic() - t0}
    if c.get("data"):
        s.sendall(bytes.fromhex(c["data"]))
    socks[c["name"]] = s
    return {"ok": True, "elapsed": time.monotonic() - t0,
            "local": list(s.getsockname()[:2])}

def recv(c):
    s = socks[c["name"]]
    s.settimeout(c.get("timeout", 5))
    try:
        d = s.recv(65536)
    except ConnectionResetError:
        return {"result": "reset"}
    except socket.timeout:
        return {"result": "timeout"}
    return {"result": "eof" if d == b"" else "data", "data": d.hex()}

def wait_state(c):
    """Poll TCP_INFO until state and unacked are as wanted."""
    s = socks[c["name"]]
    deadline = time.monotonic() + c.get("timeout", 5)
    while True:
        i = info(s)
        if i["state"] in c["states"] and \
                ("unacked" not in c or i["unacked"] == c["unacked"]):
            i["ok"] = True
            return i
        if time.monotonic() > deadline:
            i["ok"] = False
            return i
        time.sleep(0.01)

def shutdown(c):
    socks[c["name"]].shutdown(socket.SHUT_WR)
    return {"ok": True}

def close(c):
    s = socks.pop(c["name"])
    if c.get("rst"):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
    s.close()
    return {"ok": True}

def many(c):
    """n connections, conc at a time (1: sequential), each closed with a
    FIN once its batch is up; returns how many completed."""
    n, conc, fam = c["n"], c["conc"], family(c["addr"])
    ok, errors, t0 = 0, [], time.monotonic()
    done = 0
    while done < n:
        batch = min(conc, n - done)
        ss = []
        sel = selectors.DefaultSelector()
        for _ in range(batch):
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setblocking(False)
            r = s.connect_ex((c["addr"], c["port"]))
            if r not in (0, errno.EINPROGRESS):
                errors.append(errno.errorcode.get(r, r))
                s.close()
                continue
            ss.append(s)
            sel.register(s, selectors.EVENT_WRITE)
        pending = len(ss)
        deadline = time.monotonic() + c.get("timeout", 10)
        while pending and time.monotonic() < deadline:
            for key, _ in sel.select(0.2):
                sel.unregister(key.fileobj)
                pending -= 1
                e = key.fileobj.getsockopt(socket.SOL_SOCKET,
                                           socket.SO_ERROR)
                if e == 0:
                    ok += 1
                else:
                    errors.append(errno.errorcode.get(e, e))
        if pending:
            errors.append("%d timed out" % pending)
        sel.close()
        for s in ss:
            s.close()
        done += batch
    return {"ok": ok, "errors": errors[:10], "nb_errors": len(errors),
            "elapsed": time.monotonic() - t0}

def count_states(c):
    """Sockets of ours to the peer, by TCP state (from /proc)."""
    res = {}
    for f in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(f) as fh:
            next(fh)
            for line in fh:
                st = TCP_STATES.get(int(line.split()[3], 16), "?")
                res[st] = res.get(st, 0) + 1
    return res

OPS = dict(connect=connect, recv=recv, wait_state=wait_state,
           shutdown=shutdown, close=close, many=many,
           count_states=count_states,
           info=lambda c: info(socks[c["name"]]))

for line in sys.stdin:
    c = json.loads(line)
    try:
        r = OPS[c["op"]](c)
    except Exception as e:
        r = {"exception": "%s: %s" % (type(e).__name__, e)}
    sys.stdout.write(json.dumps(r) + "\n")
    sys.stdout.flush()
'''


class Client:
    """The client process in synfront's namespace."""

    def __init__(self, ns):
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", ns, PYTHON, "-c", CLIENT],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)

    def __call__(self, op, wait=30, **kw):
        kw["op"] = op
        self.proc.stdin.write(json.dumps(kw) + "\n")
        self.proc.stdin.flush()
        # Every op bounds itself; this is the safety net.
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        try:
            if not sel.select(wait):
                raise AssertionError("client: no answer to %r in %ss" % (
                    kw, wait))
        finally:
            sel.close()
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError("client died: %s" % self.proc.stderr.read())
        r = json.loads(line)
        assert "exception" not in r, "client %r: %s" % (kw, r["exception"])
        return r

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(timeout=5)
        for f in (self.proc.stdout, self.proc.stderr):
            f.close()


@pytest.fixture
def handshake(synfront_factory):
    """start(args, lcores) -> (synfront, client); both cleaned up after."""
    clients = []

    def start(args=(), lcores="0-1", listen=True, addr=True):
        app_args = (list(SF_ADDR_ARGS) if addr else []) + \
            (["--listen", str(PORT)] if listen else []) + list(args)
        sf = synfront_factory(vdev="tap", app_args=app_args, lcores=lcores)
        sf.start()
        sf.mac = sf.port_mac()
        cl = Client(sf.ns)
        clients.append(cl)
        return sf, cl

    yield start
    for cl in clients:
        cl.close()


def exact(c, **want):
    got = {k: c[k] for k in want}
    assert got == want, "counters %r, want %r; non-zero: %r" % (
        got, want, nonzero(c))


def listener(sf, i=0):
    """Listener i from /synfront/listeners, or None on a build without
    that command."""
    try:
        ls = sf.telemetry("/synfront/listeners")
    except TelemetryError:
        return None
    if not isinstance(ls, dict):
        return None
    return ls.get(str(i))


_HELP = None


def has_option(opt):
    """Whether this synfront build knows a command-line option."""
    global _HELP
    if _HELP is None:
        r = run([str(BINARY), "--", "--help"], timeout=10)
        _HELP = r.stdout + r.stderr
    return (opt + " ") in _HELP


# --------------------------------------------------------------------------
# Many connections

@pytest.mark.parametrize("fam,addr", FAMILIES, ids=[f for f, _ in FAMILIES])
def test_many_connections(handshake, fam, addr):
    """1,000 sequential then 200 concurrent connect()s complete; every
    handshake is counted once, every connection reaches the discard
    application and is closed when the client closes it."""
    sf, cl = handshake(["--app", "discard"])
    seq = cl("many", addr=addr, port=PORT, n=1000, conc=1, timeout=5)
    assert seq["ok"] == 1000, seq
    conc = cl("many", addr=addr, port=PORT, n=200, conc=200, timeout=10)
    assert conc["ok"] == 200, conc
    n = 1200
    # The client closed every socket with a FIN: discard closes too.
    sf.wait_counters(lambda s: s["conn_closed"] >= n, timeout=15,
                     what="%d connections closed" % n)
    c = sf.stop_and_check()["counters"]
    # Discard has no on_close: the engine closes for it (auto_closes),
    # never the application.
    exact(c, passive_opens=n, accepted=n, syn_recv=n, conn_closed=n,
          auto_closes=n, app_closes=0,
          third_ack_data=0, conn_resets=0, app_resets=0,
          req_timeouts=0, listen_overflows=0, listen_drops=0,
          reqq_full_drop=0, embryonic_rsts=0, in_errs=0)
    # No SYN was answered twice: the kernel never had to retransmit one
    # (a loose check: a SYN-ACK retransmission needs a lost segment).
    assert c["synack_sent"] - c["synack_retrans"] == n
    # Both worker lcores took part (RSS over the tap's two queues).
    js = sf.exit_json()
    per_lcore = [l["counters"]["passive_opens"] for l in js["lcores"]]
    assert sum(per_lcore) == n and len(per_lcore) == 2, per_lcore
    assert min(per_lcore) > 0, per_lcore


# --------------------------------------------------------------------------
# Built-in applications seen from the client

@pytest.mark.parametrize("fam,addr", FAMILIES, ids=[f for f, _ in FAMILIES])
def test_app_rst(handshake, fam, addr):
    sf, cl = handshake(["--app", "rst"])
    # With a plain connect(), synfront's RST can reach the socket before
    # the connecting thread runs again, and connect() itself then fails
    # with ECONNRESET (inet_wait_for_connect sees TCP_CLOSE). TCP_DEFER_
    # ACCEPT on the client holds the third ACK back (a delayed ACK, at most
    # 200 ms): connect() returns first, then the bare ACK goes out, then
    # the application's RST comes.
    r = cl("connect", name="a", addr=addr, port=PORT, defer=True)
    assert r["ok"], r
    r = cl("recv", name="a", timeout=5)
    assert r["result"] == "reset", r
    cl("close", name="a")
    # A connection the client never reaches: reset before connect()
    # returns is still a completed handshake, never a refusal.
    r = cl("connect", name="b", addr=addr, port=PORT)
    assert r["ok"] or r["error"] == "ConnectionResetError", r
    if r["ok"]:
        r = cl("recv", name="b", timeout=5)
        assert r["result"] == "reset", r
        cl("close", name="b")
    sf.wait_counters(lambda s: s["app_resets"] >= 2, timeout=5,
                     what="app_resets")
    c = sf.stop_and_check()["counters"]
    exact(c, passive_opens=2, accepted=2, app_resets=2, app_closes=0,
          conn_resets=0, third_ack_data=0, out_rsts=2)


@pytest.mark.parametrize("fam,addr", FAMILIES, ids=[f for f, _ in FAMILIES])
def test_app_close(handshake, fam, addr):
    # TIME-WAIT 2 s, not the 60 s default, so the close is seen ending.
    sf, cl = handshake(["--app", "close", "--time-wait-ms", "2000"])
    r = cl("connect", name="a", addr=addr, port=PORT)
    assert r["ok"], r
    r = cl("recv", name="a", timeout=5)
    assert r["result"] == "eof", r          # synfront's FIN, in order
    r = cl("info", name="a")
    assert r["state"] == "CLOSE_WAIT", r
    # The client closes in turn: LAST_ACK until synfront ACKs its FIN.
    cl("shutdown", name="a")
    r = cl("wait_state", name="a", states=["CLOSE"], timeout=5)
    assert r["ok"], "the client's FIN was not acknowledged: %r" % r
    assert r["total_retrans"] == 0, r
    cl("close", name="a")
    st = sf.wait_counters(lambda s: s["conn_closed"] >= 1, timeout=5,
                          what="conn_closed")
    c = sf.stop_and_check()["counters"]
    exact(c, passive_opens=1, accepted=1, app_closes=1, app_resets=0,
          auto_closes=0, conn_closed=1, conn_resets=0, out_rsts=0)
    assert st["conn_closed"] == 1


# --------------------------------------------------------------------------
# The sink holds

@pytest.mark.parametrize("fam,addr", FAMILIES, ids=[f for f, _ in FAMILIES])
def test_sink_holds_close_wait(handshake, fam, addr):
    """--app sink (the default) accepts and holds: data acknowledged,
    nothing sent, and after the peer's FIN the connection stays in
    CLOSE-WAIT (the FIN acknowledged, no FIN back), as under a server that
    never calls close(). Only the peer's RST ends it."""
    sf, cl = handshake()
    for name in ("a", "b"):
        r = cl("connect", name=name, addr=addr, port=PORT, data="6869")
        assert r["ok"], r
        r = cl("wait_state", name=name, states=["ESTABLISHED"], unacked=0,
               timeout=5)
        assert r["ok"], "data not acknowledged: %r" % r
        cl("shutdown", name=name)
        # Our ACK of the FIN moves the client to FIN-WAIT-2 ...
        r = cl("wait_state", name=name, states=["FIN_WAIT2"], unacked=0,
               timeout=5)
        assert r["ok"], "FIN not acknowledged: %r" % r
    # ... and no FIN (nor anything else) ever comes back.
    r = cl("recv", name="a", timeout=1.5)
    assert r["result"] == "timeout", r
    r = cl("wait_state", name="a", states=["FIN_WAIT2"], timeout=1)
    assert r["ok"], r
    st = sf.stats()
    exact(st, passive_opens=2, accepted=2, conn_closed=0, auto_closes=0,
          app_closes=0, conn_resets=0, out_rsts=0)
    # The peer's RST (SO_LINGER 0) at RCV.NXT ends one of them.
    cl("close", name="b", rst=True)
    sf.wait_counters(lambda s: s["conn_resets"] >= 1, timeout=5,
                     what="conn_resets")
    c = sf.stop_and_check()["counters"]
    exact(c, passive_opens=2, accepted=2, conn_resets=1, conn_closed=0,
          auto_closes=0, app_closes=0, app_resets=0, out_rsts=0,
          drop_tcp_conn_oow=0, challenge_acks=0)


# --------------------------------------------------------------------------
# Data on the third ACK

@pytest.mark.parametrize("fam,addr", FAMILIES, ids=[f for f, _ in FAMILIES])
def test_third_ack_data(handshake, fam, addr):
    data = b"GET / HTTP/1.0\r\n\r\n" * 3
    sf, cl = handshake(["--app", "discard"])
    r = cl("connect", name="a", addr=addr, port=PORT, defer=True,
           data=data.hex())
    assert r["ok"], r
    # The data is acknowledged at once: nothing left unacked, and no
    # retransmission was needed.
    r = cl("wait_state", name="a", states=["ESTABLISHED"], unacked=0,
           timeout=5)
    assert r["ok"], "data not acknowledged: %r" % r
    assert r["total_retrans"] == 0, r
    st = sf.stats()
    exact(st, passive_opens=1, third_ack_data=1,
          third_ack_data_bytes=len(data), defer_accept_drops=0)
    # A clean close: our FIN, discard's FIN (it closes when the peer
    # does), the client ends in TIME_WAIT.
    cl("shutdown", name="a")
    r = cl("recv", name="a", timeout=5)
    assert r["result"] == "eof", r
    r = cl("wait_state", name="a", states=["TIME_WAIT", "CLOSE"], timeout=5)
    assert r["ok"], r
    cl("close", name="a")
    sf.wait_counters(lambda s: s["conn_closed"] >= 1, timeout=5,
                     what="conn_closed")
    c = sf.stop_and_check()["counters"]
    exact(c, passive_opens=1, accepted=1, third_ack_data=1,
          third_ack_data_bytes=len(data), third_ack_fin=0, conn_closed=1,
          auto_closes=1, app_closes=0, conn_resets=0, out_rsts=0)


# --------------------------------------------------------------------------
# SYN-ACK retransmission (scapy: a client that never sends the third ACK)

def sniff_and_send(sf, frames, sniff_s, timeout=30):
    """sf_inject.py with times: [(seconds since the send, Ether), ...]."""
    req = {"iface": sf.iface, "src_mac": sf.mac, "sniff_s": sniff_s,
           "frames": [bytes(f).hex() for f in frames], "times": True}
    r = run([PYTHON, str(HERE / "sf_inject.py")], ns=sf.ns, timeout=timeout,
            input=json.dumps(req))
    assert r.returncode == 0, r.stderr
    return [(t, Ether(bytes.fromhex(h))) for t, h in json.loads(r.stdout)]


@pytest.mark.parametrize("fam", ["ipv4", "ipv6"])
def test_synack_retransmission(handshake, fam):
    sf, cl = handshake(["--synack-retries", "2"])
    e = Ether(dst=sf.mac, src=SPOOF_MAC)
    if fam == "ipv4":
        l3 = IP(src=SPOOF_V4, dst=SF_V4)
    else:
        l3 = IPv6(src=SPOOF_V6, dst=SF_V6)
    syn = e / l3 / TCP(sport=41000, dport=PORT, flags="S", seq=123456,
                       options=[("MSS", 1400)])
    # SYN-ACKs at about 0, 1 and 3 s (1 s doubling); sniff up to 5 s.
    got = sniff_and_send(sf, [syn], sniff_s=5.0)
    ls = listener(sf)
    if ls is not None:
        assert ls["synq"] == 1 and ls["acceptq"] == 0, ls
    synacks = [(t, p) for t, p in got if TCP in p and
               p[TCP].dport == 41000]
    assert len(synacks) == 3, [(t, p.summary()) for t, p in got]
    times = [t for t, _ in synacks]
    for t, p in synacks:
        assert str(p[TCP].flags) == "SA", p.summary()
        assert p[TCP].ack == 123457
        assert p[Ether].dst == SPOOF_MAC
    assert len({p[TCP].seq for _, p in synacks}) == 1, "ISN changed"
    gap1, gap2 = times[1] - times[0], times[2] - times[1]
    assert gap1 > 0.5 and gap2 > gap1, times      # backoff, loosely
    # After the last retry's timeout (about 4 s more) the request goes.
    sf.wait_counters(lambda s: s["req_timeouts"] >= 1, timeout=8,
                     what="req_timeouts")
    ls = listener(sf)
    if ls is not None:
        assert ls["synq"] == 0 and ls["req_timeouts"] == 1, ls
    c = sf.stop_and_check()["counters"]
    exact(c, syn_recv=1, synack_sent=3, synack_retrans=2, req_timeouts=1,
          passive_opens=0, accepted=0)


# --------------------------------------------------------------------------
# Accept queue overflow

def test_backlog_overflow(handshake):
    """--app none --backlog 2: the accept queue holds 3 (listen(2) holds
    backlog + 1); a 4th client's SYNs are dropped and its connect() times
    out."""
    sf, cl = handshake(["--app", "none", "--backlog", "2"])
    for i in range(3):
        r = cl("connect", name="c%d" % i, addr=SF_V4, port=PORT)
        assert r["ok"], (i, r)
        sf.wait_counters(lambda s, i=i: s["passive_opens"] >= i + 1,
                         timeout=5, what="passive_opens %d" % (i + 1))
    # The kernel retransmits the SYN after 1 s: two SYNs before 2.5 s.
    r = cl("connect", name="c3", addr=SF_V4, port=PORT, timeout=2.5)
    assert not r["ok"] and r["error"] == "TimeoutError", r
    st = sf.stats()
    assert st["listen_overflows"] >= 1 and st["listen_drops"] >= 1, \
        nonzero(st)
    ls = listener(sf)
    if ls is not None:
        assert ls["acceptq"] == 3 and ls["synq"] == 0, ls
        assert ls["passive_opens"] == 3 and ls["accepted"] == 0, ls
        assert ls["listen_overflows"] >= 1, ls
    for i in range(3):
        cl("close", name="c%d" % i, rst=True)
    c = sf.stop_and_check()["counters"]
    exact(c, passive_opens=3, accepted=0, syn_recv=3)
    assert c["drop_tcp_syn_overflow"] >= 1


@pytest.mark.parametrize("abort", [False, True],
                         ids=["drop", "abort_on_overflow"])
def test_third_ack_overflow(handshake, abort):
    """A request made while the accept queue had room whose third ACK
    comes once it is full: dropped, the request kept (Linux sets
    acked and waits), or with --abort-on-overflow answered with a RST
    and the request freed."""
    args = ["--app", "none", "--backlog", "2"] + \
        (["--abort-on-overflow"] if abort else [])
    sf, cl = handshake(args)
    e = Ether(dst=sf.mac, src=SPOOF_MAC)
    l3 = IP(src=SPOOF_V4, dst=SF_V4)
    syn = e / l3 / TCP(sport=42000, dport=PORT, flags="S", seq=1000)
    got = [p for _, p in sniff_and_send(sf, [syn], sniff_s=0.3)
           if TCP in p and p[TCP].dport == 42000]
    assert len(got) == 1 and str(got[0][TCP].flags) == "SA", \
        [p.summary() for p in got]
    isn = got[0][TCP].seq
    # Fill the accept queue (backlog + 1) with the kernel's connections.
    for i in range(3):
        r = cl("connect", name="c%d" % i, addr=SF_V4, port=PORT)
        assert r["ok"], (i, r)
    sf.wait_counters(lambda s: s["passive_opens"] >= 3, timeout=5,
                     what="passive_opens")
    before = sf.stats()
    ack = e / l3 / TCP(sport=42000, dport=PORT, flags="A", seq=1001,
                       ack=(isn + 1) & 0xffffffff)
    got = [p for _, p in sniff_and_send(sf, [ack], sniff_s=0.3)
           if TCP in p and p[TCP].dport == 42000 and
           str(p[TCP].flags) != "SA"]      # not a SYN-ACK retransmission
    after = sf.wait_counters(
        lambda s: s["listen_overflows"] > before["listen_overflows"],
        timeout=5, what="listen_overflows")
    assert after["passive_opens"] == 3, nonzero(after)
    ls = listener(sf)
    if abort:
        assert len(got) == 1, [p.summary() for p in got]
        rst = got[0][TCP]
        assert "R" in str(rst.flags) and rst.seq == (isn + 1) & 0xffffffff, \
            got[0].summary()
        assert after["out_rsts"] == before["out_rsts"] + 1
        if ls is not None:
            assert ls["synq"] == 0 and ls["acceptq"] == 3, ls
    else:
        assert got == [], [p.summary() for p in got]
        assert after["drop_tcp_ack_overflow"] == \
            before["drop_tcp_ack_overflow"] + 1, nonzero(after)
        assert after["out_rsts"] == before["out_rsts"]
        if ls is not None:
            assert ls["synq"] == 1 and ls["acceptq"] == 3, ls
    for i in range(3):
        cl("close", name="c%d" % i, rst=True)
    c = sf.stop_and_check()["counters"]
    exact(c, passive_opens=3, accepted=0, syn_recv=4)


# --------------------------------------------------------------------------
# defer_accept

def test_defer_accept(handshake):
    """--defer-accept 1: a bare third ACK is held back; a connection that
    sends data right away is established."""
    sf, cl = handshake(["--defer-accept", "1"])
    r = cl("connect", name="bare", addr=SF_V4, port=PORT)
    assert r["ok"], r
    st = sf.wait_counters(lambda s: s["defer_accept_drops"] >= 1,
                          timeout=2, what="defer_accept_drops")
    assert st["passive_opens"] == 0 and st["accepted"] == 0, nonzero(st)
    data = b"hello, defer"
    r = cl("connect", name="data", addr=SF_V4, port=PORT, data=data.hex())
    assert r["ok"], r
    r = cl("wait_state", name="data", states=["ESTABLISHED"], unacked=0,
           timeout=3)
    assert r["ok"], "data not acknowledged: %r" % r
    st = sf.stats()
    assert st["accepted"] >= 1 and st["third_ack_data_bytes"] >= len(data), \
        nonzero(st)
    for n in ("bare", "data"):
        cl("close", name=n, rst=True)
    c = sf.stop_and_check()["counters"]
    assert c["defer_accept_drops"] >= 1
    assert c["drop_tcp_deferred"] == c["defer_accept_drops"]


# --------------------------------------------------------------------------
# `make run`'s configuration

def test_default_config(handshake):
    """config/synfront.ini (port 80, app sink): nc -z and connect()."""
    sf, cl = handshake(["-c", str(REPO / "config" / "synfront.ini"),
                        "--stats-interval", "0"], listen=False, addr=False)
    n = 0
    for addr in (SF_V4, SF_V6):
        r = run(["nc", "-z", "-w", "3", addr, str(PORT)], ns=sf.ns,
                timeout=10)
        assert r.returncode == 0, (addr, r.stdout, r.stderr)
        r = cl("connect", name=addr, addr=addr, port=PORT)
        assert r["ok"], (addr, r)
        cl("close", name=addr)
        n += 2
    sf.wait_counters(lambda s: s["passive_opens"] >= n, timeout=5,
                     what="passive_opens")
    c = sf.stop_and_check()["counters"]
    exact(c, passive_opens=n, accepted=n)
    # The port runs with net_tap's IPv4 and TCP checksum offloads (0x2 |
    # 0x8), so these handshakes went through the engine's offload path
    # (test_syncache's test_tx_offload: the sums are left to the PMD) and
    # the kernel accepted what the PMD sent. Were the offloads not
    # enabled, the tap tests would cover the software sums only.
    m = re.search(r"net_tap.*tx offloads 0x([0-9a-f]+)",
                  sf.stdout() + sf.stderr())
    assert m, "no port line in the log"
    assert int(m.group(1), 16) & 0xa == 0xa, m.group(0)


# --------------------------------------------------------------------------
# Closed ports

def test_no_listener_refused(handshake):
    """A port nobody listens on: the kernel's SYN gets RST+ACK, connect()
    fails with ECONNREFUSED at once (no retransmission)."""
    sf, cl = handshake()
    for addr in (SF_V4, SF_V6):
        r = cl("connect", name="x", addr=addr, port=PORT + 1, timeout=3)
        assert not r["ok"] and r["error"] == "ConnectionRefusedError", r
    c = sf.stop_and_check()["counters"]
    exact(c, out_rsts=2, syn_recv=0, passive_opens=0,
          drop_tcp_no_listener=0)


def test_no_listener_drop(handshake):
    if not has_option("--no-listener"):
        pytest.skip("this synfront has no --no-listener option")
    sf, cl = handshake(["--no-listener", "drop"])
    r = cl("connect", name="x", addr=SF_V4, port=PORT + 1, timeout=1.5)
    assert not r["ok"] and r["error"] == "TimeoutError", r
    r = cl("connect", name="y", addr=SF_V4, port=PORT)
    assert r["ok"], r                       # the listener still answers
    sf.wait_counters(lambda s: s["passive_opens"] >= 1, timeout=5,
                     what="passive_opens")
    cl("close", name="y", rst=True)
    c = sf.stop_and_check()["counters"]
    assert c["drop_tcp_no_listener"] >= 1
    exact(c, out_rsts=0, passive_opens=1)


# --------------------------------------------------------------------------
# Negotiated options, seen by the kernel

@pytest.mark.parametrize("fam,addr", FAMILIES, ids=[f for f, _ in FAMILIES])
def test_mss_clamp(handshake, fam, addr):
    """--mss 1000: the kernel client's send MSS follows the SYN-ACK (1000,
    less 12 bytes of timestamps when they were negotiated)."""
    if not has_option("--mss"):
        pytest.skip("this synfront has no --mss option")
    sf, cl = handshake(["--mss", "1000"])
    r = cl("connect", name="a", addr=addr, port=PORT)
    assert r["ok"], r
    r = cl("info", name="a")
    assert r["snd_mss"] in (1000, 988), r
    r = cl("connect", name="b", addr=addr, port=PORT, data=(b"m" * 3000).hex())
    assert r["ok"], r
    r = cl("wait_state", name="b", states=["ESTABLISHED"], unacked=0,
           timeout=5)
    assert r["ok"] and r["total_retrans"] == 0, r
    sf.wait_counters(lambda s: s["passive_opens"] >= 2, timeout=5,
                     what="passive_opens")
    for n in ("a", "b"):
        cl("close", name=n, rst=True)
    c = sf.stop_and_check()["counters"]
    exact(c, passive_opens=2)


# tcp_info.tcpi_options bits (linux/tcp.h)
TCPI_OPT_TIMESTAMPS, TCPI_OPT_SACK, TCPI_OPT_WSCALE, TCPI_OPT_ECN = 1, 2, 4, 8


@pytest.mark.parametrize("on", [True, False], ids=["offered", "refused"])
def test_options_negotiated(handshake, on):
    """What the kernel client negotiated, from its TCP_INFO: timestamps,
    SACK, window scale (our shift) and ECN (the client asks for ECN with
    net.ipv4.tcp_ecn = 1, set in the test's namespace only)."""
    for opt in ("--timestamps", "--sack", "--wscale", "--ecn"):
        if not has_option(opt):
            pytest.skip("this synfront has no %s option" % opt)
    yn = "yes" if on else "no"
    sf, cl = handshake(["--timestamps", yn, "--sack", yn, "--ecn", yn] +
                       (["--wscale", "5"] if on else []))
    run(["sysctl", "-qw", "net.ipv4.tcp_ecn=1"], ns=sf.ns, timeout=10,
        check=True)
    for addr in (SF_V4, SF_V6):
        r = cl("connect", name=addr, addr=addr, port=PORT)
        assert r["ok"], r
        i = cl("info", name=addr)
        o = i["options"]
        if on:
            assert o & TCPI_OPT_TIMESTAMPS and o & TCPI_OPT_SACK, i
            assert o & TCPI_OPT_WSCALE and i["snd_wscale"] == 5, i
            assert o & TCPI_OPT_ECN, i
        else:
            assert not o & (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK |
                            TCPI_OPT_ECN), i
    sf.wait_counters(lambda s: s["passive_opens"] >= 2, timeout=5,
                     what="passive_opens")
    for addr in (SF_V4, SF_V6):
        cl("close", name=addr, rst=True)
    c = sf.stop_and_check()["counters"]
    exact(c, passive_opens=2, accepted=2)
