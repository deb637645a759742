# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
/synfront/conns (issue 16): per-connection state in telemetry, what
`ss -ti` shows. Kernel clients in the tap's namespace hold echo
connections open over IPv4 and IPv6 after a round of bytes; the summary
lists them by state, and each one's dictionary has the right 4-tuple,
sequence numbers that account for every byte each way, the negotiated
options and the send side's estimators. After the clients close, the
slots are empty again. Malformed or out-of-range parameters are refused.
"""

import json
import subprocess
import time

from conftest import PEER_V4, PEER_V6, SF_ADDR_ARGS, SF_V4, SF_V6, \
    needs_root, PYTHON

pytestmark = needs_root

PORT = 7
SIZE = 100000

# One echo connection held open: SIZE random bytes there and back, then
# its local port on stdout; a line on stdin half-closes it, and the
# client reads to the end.
CLIENT = r"""
import json, os, socket, sys
addr, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection((addr, port), timeout=30)
data = os.urandom(size)
s.sendall(data)
got = b""
while len(got) < size:
    b = s.recv(65536)
    if not b:
        break
    got += b
print(json.dumps({"port": s.getsockname()[1], "ok": got == data}),
      flush=True)
sys.stdin.readline()
s.shutdown(socket.SHUT_WR)
while s.recv(65536):
    pass
s.close()
print("closed", flush=True)
"""

STATES = ["ESTABLISHED", "CLOSE_WAIT", "FIN_WAIT_1", "FIN_WAIT_2",
          "CLOSING", "LAST_ACK", "TIME_WAIT"]


def seq_diff(a, b):
    return (a - b) & 0xffffffff


def wait_for(fn, pred, timeout=10, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if pred(v):
            return v
        assert time.monotonic() < deadline, "timeout: %s: %r" % (what, v)
        time.sleep(0.05)


def find_conn(summary, local, lport, remote, rport):
    """The listed "W:N STATE LOCAL PEER" line with this 4-tuple."""
    fmt = "[%s]:%d" if ":" in local else "%s:%d"
    want = "%s %s" % (fmt % (local, lport), fmt % (remote, rport))
    lines = [v for v in summary["list"] if v.endswith(" " + want)]
    assert len(lines) == 1, (want, summary["list"])
    return lines[0]


def test_conns(synfront_factory):
    args = list(SF_ADDR_ARGS) + ["--listen", str(PORT), "--app", "echo"]
    sf = synfront_factory(vdev="tap", app_args=args, lcores="0-1")
    sf.start()

    # Nothing yet: every count 0, one column per worker, an empty list.
    s0 = sf.telemetry("/synfront/conns")
    assert s0["workers"] == 2 and s0["max_conns"] > 0, s0
    assert s0["conns"] == 0 and all(s0[st] == 0 for st in STATES), s0
    assert s0["per_worker"]["conns"] == [0, 0], s0
    assert s0["listed"] == 0 and not s0["list"], s0

    clients = []
    try:
        for addr in (SF_V4, SF_V6):
            p = subprocess.Popen(
                ["ip", "netns", "exec", sf.ns, PYTHON, "-c", CLIENT, addr,
                 str(PORT), str(SIZE)], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            clients.append(p)
        ports = []
        for p in clients:
            line = p.stdout.readline()
            assert line, p.stderr.read()
            out = json.loads(line)
            assert out["ok"], out
            ports.append(out["port"])

        summ = wait_for(lambda: sf.telemetry("/synfront/conns"),
                        lambda s: s["ESTABLISHED"] == 2, what="2 listed")
        assert summ["conns"] == 2 and summ["listed"] == 2, summ
        assert sum(summ["per_worker"]["conns"]) == 2, summ
        assert sum(summ["per_worker"]["ESTABLISHED"]) == 2, summ

        peers = ((SF_V4, PEER_V4), (SF_V6, PEER_V6))
        for (local, remote), rport in zip(peers, ports):
            line = find_conn(summ, local, PORT, remote, rport)
            key, state = line.split()[:2]
            assert state == "ESTABLISHED", summ
            w, n = (int(x) for x in key.split(":"))
            # The worker's own listing has it too.
            sw = sf.telemetry("/synfront/conns,%d" % w)
            assert sw["worker"] == w and sw["workers"] == 1, sw
            assert line in sw["list"] and "per_worker" not in sw, sw

            # Every echoed byte acknowledged: nothing in flight.
            c = wait_for(lambda: sf.telemetry("/synfront/conns," + key),
                         lambda c: c["unacked"] == 0, what="echo acked")
            assert c["conn"] == key and c["worker"] == w and c["id"] == n
            assert c["gen"] >= 1, c
            assert c["state"] == "ESTABLISHED", c
            assert (c["local"], c["local_port"]) == (local, PORT), c
            assert (c["remote"], c["remote_port"]) == (remote, rport), c
            assert c["port_id"] == 0 and c["listener"] == 0, c
            assert c["accepted"] == 1 and c["peer_fin"] == 0, c
            assert c["fin_queued"] == 0 and c["app"] == -1, c
            # Linux offers timestamps, SACK and window scaling.
            assert (c["ts"], c["sack"], c["wscale"]) == (1, 1, 1), c
            assert c["rcv_wscale"] > 0 and c["snd_wscale"] > 0, c
            # MTU 1500 less headers and the timestamp option.
            assert c["mss"] == (1448 if local == SF_V4 else 1428), c
            # Every byte each way: SYN, then SIZE bytes.
            assert seq_diff(c["rcv_nxt"], c["irs"]) == SIZE + 1, c
            assert seq_diff(c["snd_nxt"], c["iss"]) == SIZE + 1, c
            assert c["snd_una"] == c["snd_nxt"], c
            assert c["snd_wnd"] > 0 and c["rcv_wnd"] > 0, c
            assert c["ofo_segs"] == 0, c
            # The send side, set up by echo's first send.
            assert c["send_side"] == 1, c
            assert c["snd_queue"] == 0 and c["notsent"] == 0, c
            assert c["rto_ms"] >= 200 and c["backoff"] == 0, c
            assert c["cwnd"] >= 10 * c["mss"], c   # IW10, then growth
            assert c["ca_state"] == "open", c
            assert c["retrans"] == 0 and c["sacked"] == 0, c
            assert c["probes"] == 0 and c["dupacks"] == 0, c
            # Nothing in flight, nothing out of order: no retransmission
            # or probe timer; 2MSL only after a close.
            assert c["timer_rexmt_ms"] == -1, c
            assert c["timer_persist_ms"] == -1, c
            assert c["timer_2msl_ms"] == -1, c
            assert c["timer_delack_ms"] >= -1, c

        # Bad parameters are refused (null), as for /synfront/ports.
        cap = summ["max_conns"]
        for bad in ("x", "2", "-1", "0:", ":1", "0:1:2", "0:x", "0,1",
                    "0:%d" % cap, "1:99999999999", " 0"):
            assert sf.telemetry("/synfront/conns," + bad) is None, bad
        # A free slot in range is no error: CLOSED.
        keys = set(v.split()[0] for v in summ["list"])
        free = next("0:%d" % i for i in range(cap) if "0:%d" % i not in keys)
        assert sf.telemetry("/synfront/conns," + free) == {
            "conn": free, "worker": 0, "id": int(free[2:]),
            "state": "CLOSED"}

        # The clients close: echo closes behind them (LAST-ACK), the
        # slots are freed.
        for p in clients:
            p.stdin.write("\n")
            p.stdin.flush()
        for p in clients:
            assert p.stdout.readline().strip() == "closed", p.stderr.read()
            assert p.wait(30) == 0
        end = wait_for(lambda: sf.telemetry("/synfront/conns"),
                       lambda s: s["conns"] == 0, what="all closed")
        assert end["listed"] == 0, end
        for key in keys:
            c = sf.telemetry("/synfront/conns," + key)
            assert c["state"] == "CLOSED", c
    finally:
        for p in clients:
            if p.poll() is None:
                p.kill()
                p.wait()
    sf.stop_and_check()
