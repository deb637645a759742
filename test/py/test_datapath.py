# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
The established data path with the Linux kernel as the peer (issue 16,
first part: receiving). Kernel clients in the test's namespace send
random bytes to the discard application (RFC 863), which reads every one
through on_data and drops it; synfront closes when the client does. Every
byte the clients sent reaches on_data exactly once: the exit JSON's
"received" bytes (what on_data and on_accept were handed) and the
data_delivered_bytes counter both equal the bytes sent, nothing was
dropped for a full ring, every connection ended cleanly, and delayed
ACKs kept synfront's frames under three for every four data segments. Once on the
worker (inline), once with an application lcore (the bytes travel over
the accept ring).
"""

import hashlib
import json
import random

import pytest

from conftest import SF_ADDR_ARGS, SF_V4, SF_V6, needs_root, nonzero, run, \
    received_check, routed_client_ns, PYTHON

pytestmark = needs_root

PORT = 9
CONNS = 4
SIZE = 1 << 20
# The lossy path's client network, routed through the tap's namespace.
ROUTER_V4 = "10.10.7.1"
CLIENT_V4 = "10.10.7.2"

# Kernel clients: each connects, sends SIZE random bytes, half-closes and
# waits for synfront's FIN (the engine closes after the peer: discard has
# no on_close); bounded by socket timeouts.
SENDER = r"""
import json, os, socket, sys
addr, port, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    int(sys.argv[4])
sent = 0
for i in range(n):
    s = socket.create_connection((addr, port), timeout=15)
    s.sendall(os.urandom(size))
    sent += size
    s.shutdown(socket.SHUT_WR)
    assert s.recv(1) == b"", "synfront sent data"
    s.close()
print(json.dumps({"sent": sent}))
"""


@pytest.mark.parametrize("v6", [False, True], ids=["ipv4", "ipv6"])
@pytest.mark.parametrize("apps", [False, True], ids=["inline", "app_lcore"])
def test_discard_reads_every_byte(synfront_factory, v6, apps):
    args = list(SF_ADDR_ARGS) + ["--listen", str(PORT), "--app", "discard"]
    kw = {}
    if apps:
        # Worker on lcore 0, the application context on lcore 1.
        args += ["--app-lcores", "1"]
        kw["lcores"] = "0-1"
    else:
        kw["lcores"] = "0"
    sf = synfront_factory(vdev="tap", app_args=args, **kw)
    sf.start()
    r = run([PYTHON, "-c", SENDER, SF_V6 if v6 else SF_V4, str(PORT),
             str(CONNS), str(SIZE)], ns=sf.ns, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    sent = json.loads(r.stdout)["sent"]
    assert sent == CONNS * SIZE
    sf.wait_counters(lambda s: s["conn_closed"] >= CONNS, timeout=15,
                     what="%d connections closed" % CONNS)
    js = sf.stop_and_check()
    c = received_check(js, sent)
    assert js["received"]["on_data"] == c["data_delivered"], nonzero(c)
    assert c["drop_tcp_data_ring_full"] == 0, nonzero(c)
    assert c["passive_opens"] == CONNS and c["conn_closed"] == CONNS, \
        nonzero(c)
    assert c["conn_resets"] == 0 and c["out_rsts"] == 0, nonzero(c)
    # Delayed ACKs: about one ACK per two full-sized segments.
    assert c["tx_packets"] < 0.75 * c["data_delivered"], nonzero(c)
    if apps:
        # Every data segment went over the accept ring.
        assert js["lcores"][1]["role"] == "app", js["lcores"]
        assert c["app_handoffs"] == CONNS, nonzero(c)


def test_discard_with_losses(synfront_factory):
    """The same with losses the sender cannot see. The client lives in a
    namespace of its own, routed through the tap's namespace, which drops
    every 23rd full-sized segment it forwards (an iptables statistic rule
    on FORWARD: a drop on the client's own output path would be reported
    back to its TCP and never leave a gap; tc netem is not in every
    kernel). The segments after a lost one arrive beyond a gap: they wait
    in the out-of-order queue (ofo_queue moves), SACK blocks tell the
    client what arrived, and its retransmission fills the gap. Every byte
    still reaches on_data once, in order, and the queues end empty (the
    exit JSON's mbuf audit). IPv4 only: the queue is the same for both
    families (test_conn runs it over both)."""
    args = list(SF_ADDR_ARGS) + ["--listen", str(PORT), "--app", "discard"]
    sf = synfront_factory(vdev="tap", app_args=args, lcores="0")
    sf.start()
    drop = ["-p", "tcp", "--dport", str(PORT), "-m", "length", "--length",
            "1000:65535", "-m", "statistic", "--mode", "nth", "--every",
            "23", "--packet", "11"]
    with routed_client_ns(sf, ROUTER_V4, CLIENT_V4, [drop]) as \
            (cns, rules, _):
        r = run([PYTHON, "-c", SENDER, SF_V4, str(PORT), str(CONNS),
                 str(SIZE)], ns=cns, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        sent = json.loads(r.stdout)["sent"]
        dropped = rules()
    sf.wait_counters(lambda s: s["conn_closed"] >= CONNS, timeout=30,
                     what="%d connections closed" % CONNS)
    js = sf.stop_and_check()
    c = received_check(js, sent)
    assert c["ofo_queue"] > 0, (nonzero(c), dropped)
    assert c["ofo_drop"] == 0, nonzero(c)
    assert c["conn_resets"] == 0, nonzero(c)


# Kernel clients that read a greeting to the end: each connects (all at
# once), reads until synfront's FIN, and reports the sha256 of what came.
GREETED = r"""
import hashlib, json, socket, sys, threading
addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
res = []
def one():
    s = socket.create_connection((addr, port), timeout=20)
    h, got = hashlib.sha256(), 0
    while True:
        b = s.recv(65536)
        if not b:
            break
        h.update(b)
        got += len(b)
    s.close()
    res.append((got, h.hexdigest()))
ts = [threading.Thread(target=one) for i in range(n)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(json.dumps(res))
"""


@pytest.mark.parametrize("v6", [False, True], ids=["ipv4", "ipv6"])
def test_greeting_from_app_lcore(synfront_factory, tmp_path, v6):
    """Sends from an application lcore (issue 16, point 1): the close
    application greets each connection with 64 KiB of random bytes from
    the application lcore and closes; the bytes travel to the worker in
    SEND commands, the FIN after them on the same ring. Every kernel
    client gets the greeting byte-exact and then the FIN, no connection
    is reset, and the worker took every send it was sent; the
    connections end after TIME-WAIT (1 s here)."""
    greeting = bytes(random.getrandbits(8) for _ in range(65536))
    gfile = tmp_path / "greeting.bin"
    gfile.write_bytes(greeting)
    conns = 20
    args = list(SF_ADDR_ARGS) + ["--listen", str(PORT), "--app", "close",
                                 "--greeting", "@%s" % gfile,
                                 "--app-lcores", "1", "--time-wait-ms",
                                 "1000"]
    sf = synfront_factory(vdev="tap", app_args=args, lcores="0-1")
    sf.start()
    r = run([PYTHON, "-c", GREETED, SF_V6 if v6 else SF_V4, str(PORT),
             str(conns)], ns=sf.ns, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    res = json.loads(r.stdout)
    want = (len(greeting), hashlib.sha256(greeting).hexdigest())
    assert [tuple(x) for x in res] == [want] * conns
    sf.wait_counters(lambda s: s["conn_closed"] >= conns, timeout=15,
                     what="%d connections closed" % conns)
    js = sf.stop_and_check()
    c = js["counters"]
    assert js["lcores"][1]["role"] == "app", js["lcores"]
    assert js["sent"] == {"bytes": conns * len(greeting),
                          "reset_on_refusal": 0}, js["sent"]
    assert c["snd_queued_bytes"] == conns * len(greeting), nonzero(c)
    assert c["app_cmds_stale"] == 0 and c["app_sends_dropped"] == 0, \
        nonzero(c)
    assert c["app_cmds_ring_full"] == 0, nonzero(c)
    assert c["conn_resets"] == 0 and c["out_rsts"] == 0, nonzero(c)



# A kernel client that connects, stays silent for argv[3] seconds, then
# tries to read: "reset" when synfront reset the connection meanwhile,
# "alive" when a byte sent then comes back (echo).
SILENT = r"""
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
time.sleep(float(sys.argv[3]))
try:
    s.sendall(b"x")
    print("alive" if s.recv(1) == b"x" else "eof")
except ConnectionResetError:
    print("reset")
s.close()
"""


def test_keepalive_and_idle_timeout(synfront_factory, tmp_path):
    """Keepalive probes of a silent kernel peer are answered by its
    TCP: the connection lives on (probes counted, none given up); the
    idle timeout resets a silent peer (the kernel sees ECONNRESET), on
    another listener, and that connection ends with a timeout."""
    conf = [
        "[synfront]", "app = echo",
        "[listener ka]", "listen = 7", "keepalive_ms = 1000",
        "keepalive_intvl_ms = 1000", "keepalive_probes = 3",
        "[listener idle]", "listen = 8", "idle_timeout_ms = 1500",
    ]
    ini = tmp_path / "keep.ini"
    ini.write_text("\n".join(conf) + "\n")
    sf = synfront_factory(vdev="tap", lcores="0",
                          app_args=list(SF_ADDR_ARGS) + ["-c", str(ini)])
    sf.start()
    r = run([PYTHON, "-c", SILENT, SF_V4, "7", "4.5"], ns=sf.ns, timeout=30)
    assert r.returncode == 0 and r.stdout.strip() == "alive", \
        r.stdout + r.stderr
    st = sf.stats()
    assert st["keepalive_probes"] >= 3, nonzero(st)
    assert st["keepalive_aborts"] == 0, nonzero(st)
    r = run([PYTHON, "-c", SILENT, SF_V4, "8", "3"], ns=sf.ns, timeout=30)
    assert r.returncode == 0 and r.stdout.strip() == "reset", \
        r.stdout + r.stderr
    js = sf.stop_and_check()
    c = js["counters"]
    assert c["idle_timeouts"] == 1 and c["conn_timeouts"] == 1, nonzero(c)
