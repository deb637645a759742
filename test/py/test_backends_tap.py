# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
Backend health checks end to end on net_tap (lib/proxy/sf_hcheck.c,
issue 18): synfront checks two backends on the kernel side of its tap
(a TCP connect every 200 ms, then a reset). One has a server and comes
up (it starts up, may go down while the kernel side is not configured
yet, and comes back after rise = 2 good checks); the other has none:
the kernel refuses it (RST) and it goes down after fall = 3. A server
started on it brings it up; both servers stopped take both down.
/synfront/backends shows each backend's state and checks; the counters
add up; every mbuf goes home at exit.
"""

import subprocess
import time

import pytest

from conftest import (PYTHON, SF_ADDR_ARGS, PEER_V4, Synfront, _pdeathsig,
                      netns_exists, needs_root, stop_proc)

pytestmark = needs_root

UP_PORT, DOWN_PORT = 7021, 7022
LISTEN = r"""
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(64)
print("up", flush=True)
while True:
    c, _ = s.accept()
    c.close()
"""


def server(ns, port):
    p = subprocess.Popen(["ip", "netns", "exec", ns, PYTHON, "-c", LISTEN,
                          str(port)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                         text=True, preexec_fn=_pdeathsig)
    assert p.stdout.readline().strip() == "up", p.stderr.read()
    return p


def states(sf):
    pool = sf.telemetry("/synfront/backends,0")
    return {pool[k]["addr"]: pool[k]["state"] for k in pool
            if k.startswith("backend") and isinstance(pool[k], dict)}, pool


def wait_states(sf, want, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        got, pool = states(sf)
        if got == want:
            return pool
        assert time.monotonic() < deadline, (want, pool)
        time.sleep(0.1)


def test_health_checks(tmp_path):
    up = "%s:%d" % (PEER_V4, UP_PORT)
    down = "%s:%d" % (PEER_V4, DOWN_PORT)
    sf = Synfront(vdev="tap", lcores="0", tmpdir=tmp_path,
                  app_args=SF_ADDR_ARGS + [
                      "--backend", "%s,%s@3" % (up, down),
                      "--backend-check-ms", "200",
                      "--backend-check-timeout-ms", "150"])
    s1 = s2 = None
    try:
        sf.start()
        s1 = server(sf.ns, UP_PORT)
        pool = wait_states(sf, {up: "up", down: "down"})
        assert pool["backends"] == 2 and pool["up"] == 1, pool
        assert pool["backend1"]["weight"] == 3, pool
        assert (pool["rise"], pool["fall"], pool["check_ms"]) == \
            (2, 3, 200), pool
        summary = sf.telemetry("/synfront/backends")
        assert summary["pool0"]["up"] == 1, summary
        s2 = server(sf.ns, DOWN_PORT)
        wait_states(sf, {up: "up", down: "up"})
        stop_proc(s1)
        stop_proc(s2)
        s1 = s2 = None
        pool = wait_states(sf, {up: "down", down: "down"})
        c = sf.stats()
        assert c["backend_checks"] >= 10, c
        assert c["backend_ups"] >= 1 and c["backend_downs"] >= 2, c
        assert c["backend_check_fails"] <= c["backend_checks"], c
        # Read after the pool: the counter has every check the pool had.
        assert c["backend_checks"] >= sum(
            pool[k]["checks"] for k in ("backend0", "backend1")), c
        sf.stop_and_check()
    finally:
        stop_proc(s1)
        stop_proc(s2)
        sf.cleanup()
    assert not netns_exists(sf.ns)
