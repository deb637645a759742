# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
examples/embed, the program that embeds the engine through the public API
only, as `make test` builds it: against synfront installed into a DESTDIR
($SF_BUILD/destdir), found with pkg-config (`make example`).

- the installed headers compile alone, each in a TU of its own, with the
  flags `pkg-config --cflags libsynfront` gives, in C and C++;
- the example runs on a net_tap in a namespace of its own, and the
  namespace's kernel connects to it N times over IPv4 and N over IPv6:
  every connection is accepted and closed by the example (the client reads
  EOF); SIGINT then stops it with exit code 0, and the counters it prints
  say what the client saw, every frame has its outcome, and every mbuf
  went back to its pool;
- a bad argument exits 2.

Every run removes its namespace, EAL directory and process, also on
failure; the whole file takes a few seconds.
"""

import collections
import json
import os
import re
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import conftest
from conftest import (BUILD, PEER_V4, PEER_V6, PYTHON, SF_V4, SF_V6,
                      TelemetryError, delete_netns, needs_root, nonzero,
                      outcome_sum, remove_dpdk_dir, run, telemetry,
                      unique_name)

EXAMPLE = BUILD / "examples" / "embed" / "embed"
DESTDIR = BUILD / "destdir"
N = 50              # connections per family
PORT = 8080
HEADERS = ("sf_counters.h", "sf_engine.h", "sf_proxy.h", "sf_tcp.h")

not_built = pytest.mark.skipif(
    not EXAMPLE.exists(),
    reason="%s not built: `make example` (make test does) installs "
           "synfront into %s and builds it there" % (EXAMPLE, DESTDIR))

# The client: n sequential connections; each must be closed by the
# server (EOF) without a byte, then the client closes too.
CLIENT = r'''
import json, socket, sys, time
addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
res = {"eof": 0, "errors": []}
t0 = time.monotonic()
for i in range(n):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect((addr, port))
        d = s.recv(100)
        if d == b"":
            res["eof"] += 1
        else:
            res["errors"].append("data %r" % d)
    except OSError as e:
        res["errors"].append("%s: %s" % (type(e).__name__, e))
    finally:
        s.close()
res["elapsed"] = time.monotonic() - t0
print(json.dumps(res))
'''


def pc_dir():
    """The pkgconfig folder of the DESTDIR install (libdir is multiarch)."""
    found = list(DESTDIR.rglob("libsynfront.pc"))
    if not found:
        pytest.skip("no libsynfront.pc under %s: run `make example`" %
                    DESTDIR)
    return found[0].parent


@not_built
@pytest.mark.parametrize("lang", ["c", "c++"])
def test_headers_self_contained(lang, tmp_path):
    env = dict(os.environ, PKG_CONFIG_PATH=str(pc_dir()))
    r = run(["pkg-config", "--cflags", "libsynfront"], env=env, check=True)
    cflags = r.stdout.split()
    inc = [f for f in cflags if f.endswith("include/synfront")]
    assert inc and Path(inc[0][2:]).resolve().is_relative_to(
        DESTDIR.resolve()), "include dir not in the DESTDIR: %r" % cflags
    if lang == "c":
        cc = ["gcc", "-x", "c", "-std=gnu11", "-Wpedantic"]
    else:
        cc = ["g++", "-x", "c++", "-std=gnu++17"]
    for h in HEADERS:
        src = tmp_path / ("tu_" + h.replace(".", "_"))
        src.write_text("#include <%s>\n" % h)
        run(cc + ["-Wall", "-Wextra", "-Werror", "-c", str(src), "-o",
                  str(tmp_path / "tu.o")] + cflags, env=env, timeout=60,
            check=True)


class Embed:
    """The example on a tap in a namespace of its own. Registered with
    conftest's instances, so that its session finalizer and atexit also
    clean up after an interrupted run."""

    def __init__(self, args):
        self.prefix = unique_name("e")
        self.ns = unique_name("n")
        self.iface = unique_name("t")
        self.proc = None
        self.out = tempfile.TemporaryFile(mode="w+")
        self.err = tempfile.TemporaryFile(mode="w+")
        self.argv = ["ip", "netns", "exec", self.ns, str(EXAMPLE),
                     "-l", "0", "--no-huge", "-m", "512", "--no-pci",
                     "--file-prefix", self.prefix,
                     "--vdev", "net_tap0,iface=" + self.iface, "--"] + args
        conftest._live.append(self)

    def start(self, timeout=15):
        run(["ip", "netns", "add", self.ns], timeout=10, check=True)
        self.proc = subprocess.Popen(self.argv, stdout=self.out,
                                     stderr=self.err,
                                     stdin=subprocess.DEVNULL,
                                     preexec_fn=conftest._pdeathsig)
        # It registers telemetry last: an answer means it is listening.
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                pytest.fail("embed exited %d at start-up:\n%s" % (
                    self.proc.returncode, self.stderr()))
            try:
                self.stats()
                break
            except TelemetryError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("embed not up after %ss:\n%s" % (
                    timeout, self.stderr()))
            time.sleep(0.1)
        for cmd in (["ip", "addr", "add", PEER_V4 + "/24", "dev", self.iface],
                    ["ip", "-6", "addr", "add", PEER_V6 + "/64", "dev",
                     self.iface, "nodad"],
                    ["ip", "link", "set", self.iface, "up"]):
            run(cmd, ns=self.ns, timeout=10, check=True)

    def stats(self):
        return telemetry(self.prefix, "/synfront/stats")

    def stop(self, timeout=10):
        """SIGINT, then SIGKILL after timeout; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
                return "killed after %ss" % timeout
        return self.proc.returncode

    def cleanup(self):
        try:
            if self.proc is not None and self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=10)
        finally:
            delete_netns(self.ns)
            remove_dpdk_dir(self.prefix)
            self.out.close()
            self.err.close()
            if self in conftest._live:
                conftest._live.remove(self)

    def _read(self, f):
        f.flush()
        f.seek(0)
        return f.read()

    def stdout(self):
        return self._read(self.out)

    def stderr(self):
        return self._read(self.err)


@pytest.fixture
def embed():
    made = []

    def make(args):
        e = Embed(args)
        made.append(e)
        return e

    yield make
    for e in made:
        e.cleanup()


def parse_output(out):
    """The counters the example printed (name -> value; 0 when not
    printed, as it prints only those that moved) and its own tallies."""
    counters = collections.defaultdict(int)
    for m in re.finditer(r"^  (\w+) (\d+)$", out, re.M):
        counters[m.group(1)] = int(m.group(2))
    tallies = {}
    for pat in (r"^accepted: ipv4 (?P<ipv4>\d+) ipv6 (?P<ipv6>\d+) "
                r"\(close refused (?P<refused>\d+)\)$",
                r"^closed: done (?P<done>\d+) reset (?P<reset>\d+) "
                r"abort (?P<abort>\d+) peer_fin (?P<peer_fin>\d+)$",
                r"^mbufs in use: (?P<in_use>\d+) of (?P<size>\d+)$"):
        m = re.search(pat, out, re.M)
        assert m, "no line matching %r in:\n%s" % (pat, out)
        tallies.update({k: int(v) for k, v in m.groupdict().items()})
    return counters, tallies


@needs_root
@not_built
@pytest.mark.parametrize("linger", [True, False],
                         ids=["after-time-wait", "during-time-wait"])
def test_example_accepts_and_closes(embed, linger):
    """linger: SIGINT once every connection has ended (TIME-WAIT, set to
    2 s with -t, is over); without it, at once: the connections still in
    TIME-WAIT hear SF_CLOSE_ABORT when the engine is freed."""
    t0 = time.monotonic()
    e = embed(["-a", SF_V4 + "/24", "-a", SF_V6 + "/64", "-p", str(PORT),
               "-t", "2000"])
    e.start()
    for addr in (SF_V4, SF_V6):
        r = run([PYTHON, "-c", CLIENT, addr, str(PORT), str(N)], ns=e.ns,
                timeout=30, check=True)
        res = json.loads(r.stdout)
        assert res["eof"] == N and not res["errors"], (
            "%s: %d of %d connections closed by the example; errors %r\n%s"
            % (addr, res["eof"], N, res["errors"][:5], e.stderr()))
    # Our FIN, then the client's: each connection ends after TIME-WAIT
    # (2 s here; the engine's default is Linux's 60 s).
    deadline = time.monotonic() + 10
    while linger and e.stats()["conn_closed"] < 2 * N:
        assert time.monotonic() < deadline, (
            "conn_closed %d of %d after 10 s: %r" % (
                e.stats()["conn_closed"], 2 * N, nonzero(e.stats())))
        time.sleep(0.1)
    rc = e.stop()
    out = e.stdout()
    assert rc == 0, "embed exit %r\nstdout:\n%s\nstderr:\n%s" % (
        rc, out, e.stderr())
    c, t = parse_output(out)
    done = 2 * N if linger else c["conn_closed"]
    assert t == {"ipv4": N, "ipv6": N, "refused": 0, "done": done,
                 "reset": 0, "abort": 2 * N - done, "peer_fin": 0,
                 "in_use": 0, "size": t["size"]}, out
    # The last connection entered TIME-WAIT just before the client
    # returned: at least it was still there.
    assert linger or t["abort"] > 0, out
    for name in ("syn_recv", "passive_opens", "accepted", "app_closes"):
        assert c[name] == 2 * N, "%s %d, expected %d\n%s" % (
            name, c[name], 2 * N, out)
    assert c["conn_resets"] == 0 and c["out_rsts"] == 0, out
    # Every frame received ended in a reply or a named drop.
    assert outcome_sum(c) == c["rx_packets"], (
        "rx_packets %d != replies + drops %d\n%s" % (
            c["rx_packets"], outcome_sum(c), out))
    assert time.monotonic() - t0 < 30


@needs_root
@not_built
@pytest.mark.parametrize("args,msg", [
    (["-p", "80"], "no address"),
    (["-a", "10.10.0.1/33"], "-a '10.10.0.1/33'"),
    (["-a", "10.10.0.1/24", "-p", "0"], "-p '0'"),
])
def test_example_bad_argument(args, msg):
    prefix = unique_name("e")
    try:
        r = run([str(EXAMPLE), "-l", "0", "--no-huge", "-m", "256",
                 "--no-pci", "--no-telemetry", "--file-prefix", prefix,
                 "--"] + args, timeout=20)
    finally:
        remove_dpdk_dir(prefix)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert msg in r.stderr, r.stderr
