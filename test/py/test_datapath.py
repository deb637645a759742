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
dropped for a full ring, and every connection ended cleanly. Once on the
worker (inline), once with an application lcore (the bytes travel over
the accept ring).
"""

import json

import pytest

from conftest import SF_ADDR_ARGS, SF_V4, SF_V6, needs_root, nonzero, run, \
    PYTHON

pytestmark = needs_root

PORT = 9
CONNS = 4
SIZE = 1 << 20

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
    c = js["counters"]
    assert js["received"]["bytes"] == sent, (js["received"], nonzero(c))
    assert c["data_delivered_bytes"] + c["third_ack_data_bytes"] == sent, \
        nonzero(c)
    assert js["received"]["on_data"] == c["data_delivered"], nonzero(c)
    assert c["drop_tcp_data_ring_full"] == 0, nonzero(c)
    assert c["passive_opens"] == CONNS and c["conn_closed"] == CONNS, \
        nonzero(c)
    assert c["conn_resets"] == 0 and c["out_rsts"] == 0, nonzero(c)
    if apps:
        # Every data segment went over the accept ring.
        assert js["lcores"][1]["role"] == "app", js["lcores"]
        assert c["app_handoffs"] == CONNS, nonzero(c)
