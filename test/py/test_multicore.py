# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
Many cores end to end (issue 5): flows spread over worker lcores by the
tap's RSS or by synfront's software steering, connections handed to an
application lcore over accept rings, and listeners added, changed and
removed over telemetry while clients connect.

Every test starts synfront on net_tap in a namespace of its own
(conftest's synfront_factory), with 2 worker lcores; the application-lcore
tests add a third lcore mapped onto CPU 1 with EAL's --lcores (this VM has
2 CPUs). The namespace's kernel is the client (test_handshake's CLIENT,
with one more operation below, `flows`). Each test is bounded in
connections and time, and stops synfront with stop_and_check: exit code
0, every mbuf back in the pool, every frame accounted for.

What proves that a flow stayed on one lcore: the worker that answered a
SYN keeps the request; a third ACK that reached the other worker would
find no request there and be answered with a RST (as for a stray ACK to a
listener), and its data and FIN likewise. So per worker
syn_recv == passive_opens == conn_closed, out_rsts == 0 and no drop_tcp_*
counter, with every client connection completed through the peer's FIN,
mean that every segment of every flow met its own request or connection.

Measured on the 2-core development VM: 2,200 connections (2,000 v4 and
200 v6, 50 at a time, each with a little data and a FIN exchange) take
0.3 to 0.6 s through either steering, with or without the application
lcore, so every test makes all of them; the file runs in about 11 s
(20 s with both CPUs busy with something else), most of it starting and
stopping synfront and, where synfront closes first, its TIME-WAIT (set to
2 s there: the default is Linux's 60 s).
"""

import subprocess
import threading
import time

import pytest

from conftest import (PYTHON, SF_ADDR_ARGS, SF_V4, SF_V6, needs_root,
                      nonzero, run)
from test_handshake import (CLIENT, SPOOF_MAC, SPOOF_V4, Client,
                            sniff_and_send)

scapy = pytest.importorskip("scapy.all")
from scapy.all import IP, TCP, Ether  # noqa: E402

pytestmark = needs_root

PORT = 80
DATA = b"GET / HTTP/1.0\r\n\r\n"
# The 2,000 v4 connections, and some v6 on the side.
N_V4 = 2000
N_V6 = 200
CONC = 50
# Two workers and an application lcore on a 2-CPU machine: EAL lcore 2
# runs on CPU 1 with worker 1 (the OS shares the CPU between them).
APP_LCORES = "0@0,1@1,2@1"

# --------------------------------------------------------------------------
# The client: test_handshake's, plus `flows`.

FLOWS_OP = r'''
def flows(c):
    """
    n connections to addr:port, conc in flight at a time. Each one, once
    connected, sends c["data"]; then with close="fin" it shuts its side
    down and waits for the peer's FIN (EOF), with close="eof" it waits for
    the peer's FIN first; then it closes. Counts: ok (connect() done),
    eof (the peer's FIN came), refused (RST to the SYN), reset (RST after
    connect()), errors (anything else, and what the timeout cut short).
    """
    n, conc, fam = c["n"], c["conc"], family(c["addr"])
    data = bytes.fromhex(c.get("data", ""))
    mode = c.get("close", "fin")
    res = {"ok": 0, "eof": 0, "refused": 0, "reset": 0}
    errors = []
    sel = selectors.DefaultSelector()
    started = inflight = 0
    t0 = time.monotonic()
    deadline = t0 + c.get("timeout", 20)

    def end(s):
        nonlocal inflight
        sel.unregister(s)
        s.close()
        inflight -= 1

    while (started < n or inflight) and time.monotonic() < deadline:
        while started < n and inflight < conc:
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setblocking(False)
            r = s.connect_ex((c["addr"], c["port"]))
            started += 1
            if r not in (0, errno.EINPROGRESS):
                errors.append(errno.errorcode.get(r, r))
                s.close()
                continue
            sel.register(s, selectors.EVENT_WRITE, "connect")
            inflight += 1
        for key, _ in sel.select(0.2):
            s = key.fileobj
            if key.data == "connect":
                e = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if e != 0:
                    if e == errno.ECONNREFUSED:
                        res["refused"] += 1
                    elif e == errno.ECONNRESET:
                        res["reset"] += 1
                    else:
                        errors.append(errno.errorcode.get(e, e))
                    end(s)
                    continue
                res["ok"] += 1
                try:
                    if data:
                        s.send(data)
                    if mode == "fin":
                        s.shutdown(socket.SHUT_WR)
                except ConnectionResetError:
                    res["reset"] += 1
                    end(s)
                    continue
                except OSError as e:
                    # A RST between send() and shutdown(): the socket is
                    # CLOSE with its error already gone, and shutdown()
                    # says ENOTCONN. A reset all the same.
                    if e.errno == errno.ENOTCONN:
                        res["reset"] += 1
                    else:
                        errors.append("send: %s" % e)
                    end(s)
                    continue
                sel.modify(s, selectors.EVENT_READ, "wait")
            else:
                try:
                    d = s.recv(65536)
                except ConnectionResetError:
                    res["reset"] += 1
                    end(s)
                    continue
                except OSError as e:
                    errors.append("recv: %s" % e)
                    end(s)
                    continue
                if d == b"":
                    res["eof"] += 1
                    end(s)
    if started < n or inflight:
        errors.append("timed out: %d not started, %d in flight" % (
            n - started, inflight))
        for key in list(sel.get_map().values()):
            end(key.fileobj)
    sel.close()
    res.update(errors=errors[:10], nb_errors=len(errors),
               elapsed=time.monotonic() - t0)
    return res

OPS["flows"] = flows
'''

_LOOP = "\nfor line in sys.stdin:"
assert CLIENT.count(_LOOP) == 1
MC_CLIENT = CLIENT.replace(_LOOP, "\n" + FLOWS_OP + _LOOP)


class MCClient(Client):
    """test_handshake's client process, with the `flows` operation."""

    def __init__(self, ns):
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", ns, PYTHON, "-c", MC_CLIENT],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)


@pytest.fixture
def mc(synfront_factory):
    """start(args, eal_lcores) -> (synfront, client): synfront on a tap
    in its own namespace, listening on PORT with the discard application
    (closes when the peer does) unless args say otherwise; both cleaned
    up after."""
    clients = []

    def start(args=(), eal_lcores=None, listen=True):
        app_args = list(SF_ADDR_ARGS) + \
            (["--listen", str(PORT)] if listen else []) + \
            ["--app", "discard"] + list(args)
        sf = synfront_factory(vdev="tap", app_args=app_args,
                              eal_lcores=eal_lcores)
        sf.start()
        sf.mac = sf.port_mac()
        cl = MCClient(sf.ns)
        clients.append(cl)
        return sf, cl

    yield start
    for cl in clients:
        cl.close()


# --------------------------------------------------------------------------
# Helpers

def exact(c, **want):
    got = {k: c[k] for k in want}
    assert got == want, "counters %r, want %r; non-zero: %r" % (
        got, want, nonzero(c))


def contexts(sf):
    """/synfront/lcores as one dict per context (workers first, then
    application contexts): every counter, plus "lcore" and "role"."""
    t = sf.telemetry("/synfront/lcores")
    return [{k: v[i] for k, v in t.items()} for i in range(len(t["lcore"]))]


def run_flows(cl, close="fin", port=PORT):
    """N_V4 + N_V6 connections, CONC at a time, each sending DATA; every
    one must connect and see synfront's FIN, none refused or reset.
    Returns how many."""
    total = 0
    for addr, n in ((SF_V4, N_V4), (SF_V6, N_V6)):
        r = cl("flows", addr=addr, port=port, n=n, conc=CONC,
               data=DATA.hex(), close=close, timeout=60, wait=90)
        assert r["ok"] == n and r["eof"] == n, (addr, r)
        assert r["refused"] == 0 and r["reset"] == 0 and \
            r["nb_errors"] == 0, (addr, r)
        print("%s: %d connections in %.2f s" % (addr, n, r["elapsed"]))
        total += n
    return total


# Counters that would show a segment meeting the wrong worker, or a frame
# lost between workers (every drop_tcp_* counter is checked too).
STRAY = ("out_rsts", "embryonic_rsts", "conn_resets", "syncookies_sent",
         "syncookies_recv", "syncookies_failed", "req_timeouts",
         "listen_drops", "in_errs", "tx_dropped", "drop_steer_ring_full",
         "tx_handoff_dropped", "drop_tcp_accept_ring_full")


def check_flows_stayed(workers, n):
    """Per worker: every SYN it answered became a connection there and
    every one of those closed there, with no RST and no drop of a TCP
    segment; both workers took a real share of the n flows."""
    opens = [w["passive_opens"] for w in workers]
    assert sum(opens) == n, opens
    for i, w in enumerate(workers):
        assert w["syn_recv"] == w["passive_opens"] == w["conn_closed"], (
            "worker %d: syn_recv %d, passive_opens %d, conn_closed %d: %r"
            % (i, w["syn_recv"], w["passive_opens"], w["conn_closed"],
               nonzero(w)))
        bad = {k: w[k] for k in STRAY if w[k]}
        bad.update({k: v for k, v in w.items()
                    if k.startswith("drop_tcp_") and v})
        assert not bad, "worker %d: %r; non-zero: %r" % (i, bad, nonzero(w))
    # An even split is 50 %; 10 % is far below what a random spread of
    # 2,200 flows gives, and far above "one worker got a stray few".
    assert min(opens) >= n // 10, "flows per worker: %r" % opens


def check_sw_steering(workers, c, ports):
    """Software steering with one queue pair: worker 0 polls it and
    passes worker 1's frames over the steering ring; worker 1 has no tx
    queue and hands every frame it sends to worker 0."""
    w0, w1 = workers
    assert w0["steer_out"] > 0 and w0["steer_out"] == w1["steer_in"], (
        w0["steer_out"], w1["steer_in"])
    assert w0["steer_in"] == 0 and w1["steer_out"] == 0
    # Worker 1 receives nothing but what worker 0 passes it...
    assert w1["rx_packets"] == w1["steer_in"], nonzero(w1)
    # ... and sends nothing itself: worker 0 sends for both.
    assert w1["tx_handoff"] > 0 and w0["tx_handoff"] == 0
    assert w1["tx_packets"] == 0, nonzero(w1)
    assert w0["tx_packets"] == c["tx_packets"] == ports[0]["tx_packets"], (
        w0["tx_packets"], c["tx_packets"], ports[0])
    # ARP, ICMP and ND belong to no flow: worker 0's.
    exact(w1, arp_replies=0, icmp_echo_replies=0, icmp6_echo_replies=0,
          nd_na_sent=0, arp_ignored=0)


def ping(sf, addr, count=3):
    r = run(["ping"] + (["-6"] if ":" in addr else []) +
            ["-c", str(count), "-i", "0.2", "-W", "2", "-w", "10", addr],
            ns=sf.ns, timeout=15)
    assert r.returncode == 0, (addr, r.stdout, r.stderr)


# --------------------------------------------------------------------------
# Two queues, two workers: RSS

def test_rss_flows_stay_on_their_worker(mc):
    """
    net_tap with a queue pair per worker (-l 0-1, --steering rss: auto
    takes software steering on net_tap, whose queue choice synfront
    cannot predict for active opens): RSS, each worker polls its own
    queue and nothing crosses between workers.
    2,000 v4 and 200 v6 connections from as many source ports, each
    sending a little data and closing, all complete with the peer's FIN;
    on each worker every SYN, third ACK, data segment and FIN met its own
    request or connection (check_flows_stayed), and both workers took a
    share: the kernel's tun driver keeps a flow on one queue and spreads
    flows over both.
    """
    sf, cl = mc(["--steering", "rss"])
    assert "RSS on the TCP/IP 4-tuple" in sf.stderr(), sf.stderr()
    n = run_flows(cl)
    sf.wait_counters(lambda s: s["conn_closed"] >= n, timeout=15,
                     what="%d connections closed" % n)
    ctx = contexts(sf)
    assert [x["role"] for x in ctx] == ["worker", "worker"], ctx
    assert sorted(x["lcore"] for x in ctx) == [0, 1], ctx
    js = sf.stop_and_check()
    c = js["counters"]
    workers = [l["counters"] for l in js["lcores"]]
    assert len(workers) == 2, js["lcores"]
    check_flows_stayed(workers, n)
    exact(c, passive_opens=n, accepted=n, auto_closes=n, app_closes=0,
          steer_out=0, steer_in=0, tx_handoff=0, app_handoffs=0)
    for w in workers:
        assert w["accepted"] == w["passive_opens"], nonzero(w)
        assert w["tx_packets"] > 0, nonzero(w)     # its own tx queue


# --------------------------------------------------------------------------
# One queue, two workers: software steering

def test_sw_steering_one_queue(mc):
    """
    --rx-queues 1 --steering sw with 2 workers: worker 0 polls the only
    queue, hashes each TCP segment's 4-tuple and passes worker 1's flows
    over a ring; worker 1's replies go back to worker 0's tx queue over
    the tx hand-off ring. The same 2,200 connections all complete, every
    flow stays with its owner (check_flows_stayed: a segment processed by
    the wrong worker would be reset), no ring overflowed, and pings (ICMP,
    ICMPv6) are answered by worker 0 alone.
    """
    sf, cl = mc(["--rx-queues", "1", "--steering", "sw"])
    assert "software steering: 1 rx queue(s) feed 2 workers" in \
        sf.stderr(), sf.stderr()
    n = run_flows(cl)
    ping(sf, SF_V4)
    ping(sf, SF_V6)
    sf.wait_counters(lambda s: s["conn_closed"] >= n, timeout=15,
                     what="%d connections closed" % n)
    js = sf.stop_and_check()
    c = js["counters"]
    workers = [l["counters"] for l in js["lcores"]]
    assert len(workers) == 2, js["lcores"]
    check_flows_stayed(workers, n)
    check_sw_steering(workers, c, js["ports"])
    exact(c, passive_opens=n, accepted=n, auto_closes=n,
          icmp_echo_replies=3, icmp6_echo_replies=3)
    assert workers[0]["icmp_echo_replies"] == 3
    assert workers[0]["icmp6_echo_replies"] == 3


# --------------------------------------------------------------------------
# Two workers and an application lcore

@pytest.mark.parametrize("steering", ["rss", "sw"])
def test_app_lcore_accepts(mc, steering):
    """
    2 workers and an application lcore (--app-lcores 2, EAL lcore 2 on
    CPU 1), --app close, with RSS (a queue pair per worker) or software
    steering (one queue). The same 2,200 connections: every worker hands
    each connection it establishes to the application context over the
    accept ring (app_handoffs == its passive_opens, accepted 0 on the
    workers), the application context runs on_accept for all of them
    (accepted == passive_opens), its close comes back over the command
    ring and is applied by the owning worker (app_cmds == app_closes ==
    passive_opens, none stale, none lost), each connection's end is told
    to the application context even though close has no on_close (it
    holds the handle: app_events == passive_opens), and the client sees
    synfront's FIN on every connection before it closes its own side.
    """
    args = ["--app", "close", "--app-lcores", "2", "--time-wait-ms", "2000"]
    args += ["--rx-queues", "1", "--steering", "sw"] if steering == "sw" \
        else ["--steering", "rss"]
    sf, cl = mc(args, eal_lcores=APP_LCORES)
    assert "2 worker lcore(s), 1 application lcore(s)" in sf.stderr()
    n = run_flows(cl, close="eof")
    # synfront closed first: its side ends after its 2 s TIME-WAIT.
    sf.wait_counters(lambda s: s["conn_closed"] >= n, timeout=15,
                     what="%d connections closed" % n)
    ctx = contexts(sf)
    assert [x["role"] for x in ctx] == ["worker", "worker", "app"], ctx
    assert ctx[2]["lcore"] == 2, ctx
    js = sf.stop_and_check()
    c = js["counters"]
    # The exit JSON lists the application context after the workers (its
    # counters are part of the totals check_exit_json adds up).
    assert [(l["role"], l["lcore"]) for l in js["lcores"]] == \
        [(x["role"], x["lcore"]) for x in ctx], js["lcores"]
    workers = [l["counters"] for l in js["lcores"][:2]]
    app = js["lcores"][2]["counters"]
    check_flows_stayed(workers, n)
    for i, w in enumerate(workers):
        po = w["passive_opens"]
        want = dict(app_handoffs=po, accepted=0, app_cmds=po, app_closes=po,
                    auto_closes=0, app_cmds_stale=0, app_events=po,
                    app_events_lost=0, drop_tcp_accept_ring_full=0)
        got = {k: w[k] for k in want}
        assert got == want, "worker %d: %r, want %r; non-zero: %r" % (
            i, got, want, nonzero(w))
    exact(app, accepted=n, rx_packets=0, tx_packets=0, app_handoffs=0,
          app_cmds_ring_full=0, accept_listener_gone=0, passive_opens=0)
    exact(c, passive_opens=n, accepted=n, app_handoffs=n, app_cmds=n,
          app_closes=n, app_cmds_stale=0, drop_tcp_accept_ring_full=0)
    if steering == "sw":
        check_sw_steering(workers, c, js["ports"])
    else:
        exact(c, steer_out=0, steer_in=0, tx_handoff=0)


# --------------------------------------------------------------------------
# Listeners added, changed and removed at run time

OTHER_PORT = 81
ROUND = 20            # connections per round of the Connector
MAX_ROUNDS = 1500     # its hard bound: 30,000 connections
CYCLES = 5            # removals and re-adds after the first


def listeners(sf):
    """/synfront/listeners by "ADDR:PORT" ("*:80")."""
    return {l["listen"]: l for l in sf.telemetry("/synfront/listeners")
            .values()}


class Connector:
    """
    A thread that keeps connecting to SF_V4:port through its own client,
    ROUND connections (10 at a time) per round, each sending DATA and
    closing, until stopped (at most MAX_ROUNDS rounds). Sums the rounds'
    outcomes: eof (connected, and synfront's FIN came), refused (RST to
    the SYN), reset (RST after the SYN-ACK), errors (anything else,
    timeouts included).
    """

    def __init__(self, sf, port):
        self.cl = MCClient(sf.ns)
        self.port = port
        self.tot = dict(rounds=0, started=0, ok=0, eof=0, refused=0,
                        reset=0, nb_errors=0)
        self.errors = []
        self.exc = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        self.cl.close()

    def _run(self):
        try:
            while not self._stop.is_set() and \
                    self.tot["rounds"] < MAX_ROUNDS:
                r = self.cl("flows", addr=SF_V4, port=self.port, n=ROUND,
                            conc=10, data=DATA.hex(), close="fin",
                            timeout=10, wait=30)
                with self._lock:
                    self.tot["rounds"] += 1
                    self.tot["started"] += ROUND
                    for k in ("ok", "eof", "refused", "reset", "nb_errors"):
                        self.tot[k] += r[k]
                    self.errors += r["errors"]
        except Exception as e:      # reported by wait() and stop()
            self.exc = e

    def snapshot(self):
        with self._lock:
            return dict(self.tot)

    def wait(self, pred, what, timeout=15):
        """Until pred(totals) holds; the totals then."""
        deadline = time.monotonic() + timeout
        while True:
            t = self.snapshot()
            if pred(t):
                return t
            assert self.exc is None, "connector: %r" % self.exc
            assert self._t.is_alive(), "connector ended: %r" % t
            assert time.monotonic() < deadline, \
                "timeout waiting for %s: %r" % (what, t)
            time.sleep(0.02)

    def stop(self):
        self._stop.set()
        self._t.join(timeout=40)
        assert not self._t.is_alive(), "connector did not stop"
        assert self.exc is None, "connector: %r" % self.exc
        return self.snapshot()


def test_listen_unlisten_while_connecting(mc):
    """
    A listener on port 80 added, changed and removed over telemetry, then
    added again, while a client keeps connecting to port 80 (rounds of 20
    connections that each send data and close) and another listener
    (port 81) stays: before the first add every SYN is refused (RST);
    once /synfront/listen,80 has answered "added", connections complete;
    backlog=5 changes the listener in place ("changed", same id, seen in
    /synfront/listeners) and connections go on completing; after
    /synfront/unlisten,80 ("removed", gone from /synfront/listeners) new
    SYNs are refused again; re-added, it serves again, with the default
    settings of a new listener. Five more removals and re-adds follow
    under the same load.
    What is exact across the changes: every connection the client
    completed through synfront's FIN is one synfront established and
    accepted (passive_opens == accepted == the client's eof count, plus
    port 81's), and closed (conn_closed); a handshake synfront answered
    but never completed is a request the removal dropped
    (listener_purged_reqs), and its client saw a RST after the SYN-ACK
    (the client's reset count). Every connect ends in one of eof, refused
    or reset, none times out, and synfront exits cleanly.
    """
    sf, cl = mc(["--listen", str(OTHER_PORT)], listen=False)
    assert list(listeners(sf)) == ["*:%d" % OTHER_PORT]
    r = cl("flows", addr=SF_V4, port=OTHER_PORT, n=ROUND, conc=10,
           data=DATA.hex(), close="fin", timeout=10)
    assert r["eof"] == ROUND and r["nb_errors"] == 0, r
    # Bad requests are answered with an error and change nothing.
    for cmd in ("/synfront/listen,80,bogus=1", "/synfront/listen,80,mss=1",
                "/synfront/listen,0", "/synfront/unlisten,80"):
        r = sf.telemetry(cmd)
        assert set(r) == {"error"}, (cmd, r)
    assert list(listeners(sf)) == ["*:%d" % OTHER_PORT]

    with Connector(sf, PORT) as con:
        # No listener on 80 yet: refused.
        con.wait(lambda t: t["refused"] >= ROUND, "refusals before the add")
        r = sf.telemetry("/synfront/listen,%d" % PORT)
        assert r["action"] == "added" and r["listen"] == "*:%d" % PORT, r
        lid = r["id"]
        ls = listeners(sf)
        assert ls["*:%d" % PORT]["id"] == lid, ls
        default_backlog = ls["*:%d" % PORT]["backlog"]
        assert default_backlog == ls["*:%d" % OTHER_PORT]["backlog"] != 5
        t = con.snapshot()
        con.wait(lambda u: u["eof"] >= t["eof"] + 200, "200 connections")

        r = sf.telemetry("/synfront/listen,%d,backlog=5" % PORT)
        assert r == {"id": lid, "listen": "*:%d" % PORT,
                     "action": "changed"}, r
        ls = listeners(sf)
        assert ls["*:%d" % PORT]["backlog"] == 5, ls
        assert ls["*:%d" % OTHER_PORT]["backlog"] == default_backlog
        t = con.snapshot()
        con.wait(lambda u: u["eof"] >= t["eof"] + 200,
                 "200 connections after the change")

        r = sf.telemetry("/synfront/unlisten,%d" % PORT)
        assert r == {"id": lid, "listen": "*:%d" % PORT,
                     "action": "removed"}, r
        assert list(listeners(sf)) == ["*:%d" % OTHER_PORT]
        t = con.snapshot()
        con.wait(lambda u: u["refused"] >= t["refused"] + 2 * ROUND,
                 "refusals after the removal")

        r = sf.telemetry("/synfront/listen,%d" % PORT)
        assert r["action"] == "added", r
        ls = listeners(sf)
        assert ls["*:%d" % PORT]["backlog"] == default_backlog, ls
        t = con.snapshot()
        con.wait(lambda u: u["eof"] >= t["eof"] + 200,
                 "200 connections after the re-add")
        # More removals and re-adds under the same load: requests and
        # connections of one incarnation meet the next (ids are reused
        # once nothing counts on the old one).
        for k in range(CYCLES):
            r = sf.telemetry("/synfront/unlisten,%d" % PORT)
            assert r["action"] == "removed", (k, r)
            t = con.snapshot()
            con.wait(lambda u: u["refused"] >= t["refused"] + ROUND,
                     "refusals, cycle %d" % k)
            r = sf.telemetry("/synfront/listen,%d" % PORT)
            assert r["action"] == "added", (k, r)
            t = con.snapshot()
            con.wait(lambda u: u["eof"] >= t["eof"] + 100,
                     "connections, cycle %d" % k)
        tot = con.stop()
    print("connector: %r" % tot)
    assert tot["nb_errors"] == 0, (tot, con.errors)
    assert tot["eof"] + tot["refused"] + tot["reset"] == tot["started"], tot
    # The other listener was never disturbed.
    r = cl("flows", addr=SF_V4, port=OTHER_PORT, n=ROUND, conc=10,
           data=DATA.hex(), close="fin", timeout=10)
    assert r["eof"] == ROUND and r["nb_errors"] == 0, r
    n = tot["eof"] + 2 * ROUND
    st = sf.wait_counters(
        lambda s: s["passive_opens"] >= n and s["conn_closed"] >= n,
        timeout=15, what="%d connections closed" % n)
    assert listeners(sf)["*:%d" % OTHER_PORT]["passive_opens"] == 2 * ROUND
    js = sf.stop_and_check(listeners_removed=True)
    c = js["counters"]
    exact(c, passive_opens=n, accepted=n, conn_closed=n,
          listener_purged_reqs=tot["reset"], listener_purged_conns=0,
          syn_recv=n + tot["reset"], accept_listener_gone=0)
    # Refused SYNs and the ACKs of dropped requests were reset.
    assert c["out_rsts"] >= tot["refused"] + tot["reset"], nonzero(c)
    assert [l["listen"] for l in js["listeners"]] == \
        ["*:%d" % OTHER_PORT, "*:%d" % PORT], js["listeners"]
    assert st["passive_opens"] == n


def test_unlisten_resets_accept_queue(mc):
    """
    --app none: five kernel connections wait in the accept queue of port
    80 and a spoofed SYN's request waits in its SYN queue. /synfront/
    unlisten,80 resets the queued connections (the client reads
    ECONNRESET on each, listener_purged_conns == 5, each worker resets
    those it holds) and drops the request silently
    (listener_purged_reqs == 1); a new connect is refused.
    """
    sf, cl = mc(["--app", "none"])
    for i in range(5):
        r = cl("connect", name="c%d" % i, addr=SF_V4, port=PORT)
        assert r["ok"], (i, r)
    syn = Ether(dst=sf.mac, src=SPOOF_MAC) / IP(src=SPOOF_V4, dst=SF_V4) / \
        TCP(sport=43000, dport=PORT, flags="S", seq=777)
    got = [p for _, p in sniff_and_send(sf, [syn], sniff_s=0.3)
           if TCP in p and p[TCP].dport == 43000]
    assert [str(p[TCP].flags) for p in got] == ["SA"], \
        [p.summary() for p in got]
    sf.wait_counters(lambda s: s["passive_opens"] >= 5, timeout=5,
                     what="5 passive_opens")
    ls = listeners(sf)["*:%d" % PORT]
    assert ls["acceptq"] == 5 and ls["synq"] == 1, ls
    r = sf.telemetry("/synfront/unlisten,%d" % PORT)
    assert r["action"] == "removed", r
    for i in range(5):
        r = cl("recv", name="c%d" % i, timeout=5)
        assert r["result"] == "reset", (i, r)
        cl("close", name="c%d" % i)
    r = cl("connect", name="x", addr=SF_V4, port=PORT, timeout=3)
    assert not r["ok"] and r["error"] == "ConnectionRefusedError", r
    sf.wait_counters(lambda s: s["listener_purged_reqs"] >= 1, timeout=5,
                     what="listener_purged_reqs")
    assert listeners(sf) == {}
    js = sf.stop_and_check(listeners_removed=True)
    c = js["counters"]
    exact(c, syn_recv=6, passive_opens=5, accepted=0,
          listener_purged_conns=5, listener_purged_reqs=1)
    for l in js["lcores"]:
        w = l["counters"]
        assert w["listener_purged_conns"] == w["passive_opens"], nonzero(w)
