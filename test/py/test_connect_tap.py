# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
The active open end to end on net_tap (lib/tcp/sf_connect.c, issue 17):
synfront connects to kernel servers in the tap's namespace.

- the built-in client (--connect, /synfront/client,run): 10,000
  connections with 200 in flight to a kernel echo server, IPv4 and IPv6,
  each sending a few bytes and checking they come back, then closing;
- a server behind a gateway: a second namespace routed through the first
  (--route);
- /synfront/connect: connected (handshake time, local endpoint), refused
  (the kernel's RST), unreachable (no ARP answer: the neighbour's queue
  stays bounded, the open ends with "unreachable"), and timeout with the
  SYN retransmitted (SYN-ACKs withheld by iptables in the namespace; the
  two SYNs seen on the wire with scapy: same ISN and port; given up 1 + 2 s
  after the first);
- two workers with software steering (asked, or auto's choice on a
  two-queue tap): every reply reaches the worker that opened its
  connection (each worker completes the handshakes it started, no segment
  meets an unknown flow: no RST, tcp_not_owner 0); and the control: with
  --steering rss on net_tap, whose queues the kernel picks, replies do
  miss their worker, and tcp_not_owner says so.

Every synfront exits clean (exit JSON: no mbuf in use, every frame
accounted); every namespace, process and rule goes with the test.
"""

import json
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import (PEER_V4, PEER_V6, PYTHON, SF_ADDR_ARGS, Synfront,
                      _pdeathsig, delete_netns, netns_exists, run, telemetry,
                      unique_name, needs_root)

pytestmark = needs_root

HERE = Path(__file__).resolve().parent
ECHO_PORT = 7007
CLOSED_PORT = 7008       # nothing listens: the kernel answers RST
DROP_PORT = 7009         # iptables drops the SYNs: no SYN-ACK ever
MSG = "hello synfront\\n"   # --connect-send TEXT (escapes as --greeting)
MSG_LEN = len("hello synfront\n")

ECHO_SERVER = r"""
import asyncio, sys
async def echo(r, w):
    try:
        while True:
            d = await r.read(65536)
            if not d:
                break
            w.write(d)
            await w.drain()
    except OSError:
        pass
    w.close()
async def main():
    srv = await asyncio.start_server(echo, host=["0.0.0.0", "::"],
                                     port=int(sys.argv[1]), backlog=4096)
    print("up", flush=True)
    async with srv:
        await srv.serve_forever()
asyncio.run(main())
"""


class EchoServer:
    """A kernel TCP echo server (Python asyncio) in namespace ns."""

    def __init__(self, ns, port=ECHO_PORT):
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", ns, PYTHON, "-c", ECHO_SERVER,
             str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL, text=True, preexec_fn=_pdeathsig)
        line = self.proc.stdout.readline()
        assert line.strip() == "up", self.proc.stderr.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@pytest.fixture
def client_sf(request, tmp_path):
    """synfront on a tap with the client idle (--connect-conns 0) and an
    echo server on the kernel side; params: extra args, lcores."""
    extra, lcores = getattr(request, "param", ([], "0"))
    sf = Synfront(vdev="tap", lcores=lcores, tmpdir=tmp_path,
                  app_args=SF_ADDR_ARGS + [
                      "--connect", "%s:%d" % (PEER_V4, ECHO_PORT),
                      "--connect-conns", "0", "--connect-parallel", "200",
                      "--connect-send", MSG] + extra)
    srv = None
    try:
        sf.start()
        srv = EchoServer(sf.ns)
        yield sf
        js = sf.stop_and_check()
        sf.js = js
    finally:
        if srv is not None:
            srv.stop()
        sf.cleanup()
    assert not netns_exists(sf.ns)


def client_run(sf, n, par, timeout=60):
    """A run of the built-in client; returns its tally once over."""
    assert sf.telemetry("/synfront/client,run,%d,%d" % (n, par)) == \
        {"started": "yes"}
    deadline = time.monotonic() + timeout
    while True:
        t = sf.telemetry("/synfront/client")
        if t["target"] == n and t["launched"] == n and t["inflight"] == 0:
            return t
        assert time.monotonic() < deadline, t
        time.sleep(0.1)


def probe(sf, target, timeout_ms=3000):
    """/synfront/connect,TARGET,TIMEOUT_MS."""
    return telemetry(sf.prefix, "/synfront/connect,%s,%d" % (
        target, timeout_ms), timeout=timeout_ms / 1000.0 + 5)


def check_clean_run(t, n):
    assert (t["completed"], t["failed"], t["connected"]) == (n, 0, n), t
    assert t["mismatch"] == 0 and t["start_errors"] == 0, t
    assert t["tx_bytes"] == t["rx_bytes"] == n * MSG_LEN, t


def test_client_10000_v4_v6(client_sf):
    sf = client_sf
    check_clean_run(client_run(sf, 10000, 200), 10000)
    # The same over IPv6: a run to the server's v6 address needs its own
    # --connect, so a probe of each family shows the v6 path first.
    r = probe(sf, "[%s]:%d" % (PEER_V6, ECHO_PORT))
    assert r["result"] == "connected", r
    assert r["local"].startswith("[fd00:10:10::1]:"), r
    s = sf.stats()
    assert s["connect_established"] == 10001, s
    assert s["active_opens"] == 10001 and s["connect_syn_retrans"] < 200, s
    # SYNs waiting for the first ARP answer: at most 3 per neighbour.
    assert s["neigh_queue_overflow"] == s["neigh_queued"] - \
        s["neigh_queue_sent"] - s["neigh_queue_failed"], s


@pytest.mark.parametrize("client_sf", [(
    ["--connect", "[%s]:%d" % (PEER_V6, ECHO_PORT)], "0")],
    indirect=True)
def test_client_10000_v6(client_sf):
    check_clean_run(client_run(client_sf, 10000, 200), 10000)


def test_probe_results(client_sf):
    sf = client_sf
    r = probe(sf, "%s:%d" % (PEER_V4, ECHO_PORT))
    assert r["result"] == "connected", r
    assert r["local"].startswith("10.10.0.1:"), r
    port = int(r["local"].rsplit(":", 1)[1])
    assert 32768 <= port <= 60999, r
    assert 0 < r["handshake_us"] < 3000000, r
    assert r["mss"] == 1448 and r["timestamps"] == 1 and r["sack"] == 1, r
    r = probe(sf, "%s:%d" % (PEER_V4, CLOSED_PORT))
    assert r["result"] == "refused", r
    assert sf.stats()["connect_refused"] == 1
    # Unknown endpoint text: an error, no connection.
    r = sf.telemetry("/synfront/connect,10.10.0.2")
    assert "error" in r, r


def test_probe_unreachable(client_sf):
    """Nobody answers ARP for 10.10.0.99: the SYN waits in the neighbour's
    queue, the resolution fails after 3 probes (about 3 s), and the open
    ends with "unreachable"."""
    sf = client_sf
    t0 = time.monotonic()
    r = probe(sf, "10.10.0.99:80", timeout_ms=10000)
    took = time.monotonic() - t0
    assert r["result"] == "unreachable", r
    assert 2.5 < took < 6.0, took
    s = sf.stats()
    assert s["connect_unreach"] == 1 and s["neigh_failed"] == 1, s
    assert s["neigh_queue_failed"] == 1, s


def test_unreachable_queue_bounded(tmp_path):
    """Ten opens at once to a next hop that never answers: the
    neighbour's queue keeps the newest 3 SYNs (Linux's unres_qlen), the
    7 older ones are dropped and counted, all ten opens end with
    "unreachable", and every queued mbuf goes back to the pool (the exit
    JSON's check)."""
    sf = Synfront(vdev="tap", lcores="0", tmpdir=tmp_path,
                  app_args=SF_ADDR_ARGS + [
                      "--connect", "10.10.0.99:80", "--connect-conns", "0"])
    try:
        sf.start()
        t = client_run(sf, 10, 10, timeout=20)
        assert (t["failed"], t["completed"]) == (10, 0), t
        tally = sf.telemetry("/synfront/client")
        assert tally.get("unreachable") == 10, tally
        s = sf.stats()
        assert (s["neigh_queued"], s["neigh_queue_overflow"],
                s["neigh_queue_failed"]) == (10, 7, 3), s
        assert s["connect_unreach"] == 10 and s["neigh_failed"] == 1, s
        sf.stop_and_check()
    finally:
        sf.cleanup()


def test_probe_timeout_syn_retransmitted(client_sf):
    """SYNs to DROP_PORT are dropped by the kernel side: the probe's open
    (3.5 s: one retransmission) sends its SYN, retransmits it after 1 s
    (same ISN, same port), and gives up 2 s later; scapy sees both SYNs."""
    sf = client_sf
    run(["iptables", "-A", "INPUT", "-p", "tcp", "--dport", str(DROP_PORT),
         "-j", "DROP"], ns=sf.ns, timeout=10, check=True)
    req = {"iface": sf.iface, "src_mac": sf.port_mac(), "sniff_s": 6.0,
           "frames": []}
    res = []
    sniffer = threading.Thread(target=lambda: res.append(run(
        [PYTHON, str(HERE / "sf_inject.py")], ns=sf.ns, timeout=30,
        input=json.dumps(req))))
    sniffer.start()
    try:
        time.sleep(2.5)           # scapy imported, the sniffer runs
        r = probe(sf, "%s:%d" % (PEER_V4, DROP_PORT), timeout_ms=3500)
        assert r["result"] == "timeout", r
        assert r["remote"] == "%s:%d" % (PEER_V4, DROP_PORT), r
        # SYN at 0, again at 1 s, given up 2 s later.
        assert 2900000 < r["after_us"] < 4000000, r
    finally:
        sniffer.join()
    assert res and res[0].returncode == 0, res and res[0].stderr
    got = json.loads(res[0].stdout)
    from scapy.all import Ether, TCP  # noqa: E402
    syns = [Ether(bytes.fromhex(h)) for h in got]
    syns = [p for p in syns if TCP in p and p[TCP].dport == DROP_PORT]
    assert len(syns) == 2, [p.summary() for p in syns]
    assert syns[0][TCP].flags == "S" and syns[1][TCP].flags == "S"
    assert syns[0][TCP].seq == syns[1][TCP].seq
    assert syns[0][TCP].sport == syns[1][TCP].sport
    s = sf.stats()
    assert s["connect_timeouts"] == 1 and s["connect_syn_retrans"] >= 1, s


def test_gateway_route(tmp_path):
    """A server two hops away: 10.20.0.2 in a second namespace, routed
    through the tap's namespace (10.10.0.2 forwards), reached over
    --route 10.20.0.0/24 via 10.10.0.2."""
    sf = Synfront(vdev="tap", lcores="0", tmpdir=tmp_path,
                  app_args=SF_ADDR_ARGS + [
                      "--route", "10.20.0.0/24 via %s" % PEER_V4,
                      "--connect", "10.20.0.2:%d" % ECHO_PORT,
                      "--connect-conns", "0", "--connect-parallel", "50",
                      "--connect-send", MSG])
    sns, veth = unique_name("s"), unique_name("v")
    srv = None
    try:
        sf.start()
        for cmd, ns in (
                (["ip", "netns", "add", sns], None),
                (["ip", "link", "add", veth, "type", "veth", "peer",
                  "name", veth + "p", "netns", sns], sf.ns),
                (["ip", "addr", "add", "10.20.0.1/24", "dev", veth], sf.ns),
                (["ip", "link", "set", veth, "up"], sf.ns),
                (["sysctl", "-qw", "net.ipv4.ip_forward=1"], sf.ns),
                (["ip", "link", "set", "lo", "up"], sns),
                (["ip", "addr", "add", "10.20.0.2/24", "dev", veth + "p"],
                 sns),
                (["ip", "link", "set", veth + "p", "up"], sns),
                (["ip", "route", "add", "default", "via", "10.20.0.1"],
                 sns)):
            run(cmd, ns=ns, timeout=10, check=True)
        srv = EchoServer(sns)
        check_clean_run(client_run(sf, 500, 50), 500)
        r = sf.telemetry("/synfront/routes,10.20.0.2")
        assert r["via"] == PEER_V4, r
        sf.stop_and_check()
    finally:
        if srv is not None:
            srv.stop()
        sf.cleanup()
        delete_netns(sns)
    assert not netns_exists(sns)


@pytest.mark.parametrize("client_sf", [(["--steering", "sw"], "0-1")],
                         indirect=True)
def test_two_workers_sw_steering(client_sf):
    """Each worker takes only local ports whose replies steer to it: both
    open connections, each completes the handshakes it started, and no
    reply meets a worker that does not know its flow (it would be
    answered with a RST, or dropped as for no listener)."""
    sf = client_sf
    check_clean_run(client_run(sf, 4000, 200), 4000)
    lc = sf.telemetry("/synfront/lcores")
    opens, est = lc["active_opens"], lc["connect_established"]
    assert len(opens) == 2 and min(opens) > 1000, lc
    assert opens == est, (opens, est)
    s = sf.stats()
    assert s["out_rsts"] == 0 and s["drop_tcp_no_listener"] == 0, s
    assert s["tcp_not_owner"] == 0, s


@pytest.mark.parametrize("client_sf", [([], "0-1")], indirect=True)
def test_two_workers_auto_steers_tap(client_sf):
    """--steering auto on a two-queue tap: net_tap's queues are the
    kernel's choice, so synfront steers in software and every open
    completes, as above."""
    sf = client_sf
    assert "software steering" in sf.stderr(), sf.stderr()
    check_clean_run(client_run(sf, 1000, 100), 1000)
    assert sf.stats()["tcp_not_owner"] == 0


@pytest.mark.parametrize("client_sf", [(
    ["--steering", "rss", "--syn-retries", "1"], "0-1")], indirect=True)
def test_two_workers_rss_on_tap_misses(client_sf):
    """The control: --steering rss on net_tap (a warning says so): the
    kernel picks each reply's queue, about half the SYN-ACKs reach the
    worker that did not open the connection, which counts tcp_not_owner
    and answers RST (the server refuses; the open then ends refused or
    by a RST). The counter is what tells an operator."""
    sf = client_sf
    assert "PMD's own hash" in sf.stderr(), sf.stderr()
    t = client_run(sf, 200, 50, timeout=60)
    assert t["failed"] > 0 and t["timeout"] > 0, t
    s = sf.stats()
    assert s["tcp_not_owner"] > 0, s
