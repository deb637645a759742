# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
Fixtures and helpers of the packet-level suites.

A test starts synfront through Synfront: a unique EAL --file-prefix and,
for net_tap, a network namespace and tap name of its own, all derived from
the pytest pid and a counter. Synfront.stop() sends SIGINT, waits a bounded
time, then SIGKILLs; cleanup() removes the namespace, /var/run/dpdk/<prefix>
and the temporary files. Every instance is also registered so that a
session finalizer (and atexit) cleans up whatever a failing test left.
Every external command runs with a timeout.

Run with the Debian interpreter (scapy and pytest are installed for it):
    SF_BUILD=build /usr/bin/python3 -m pytest -v test/py
"""

import atexit
import contextlib
import ctypes
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_BUILD = Path(os.environ.get("SF_BUILD", "build"))
BUILD = _BUILD if _BUILD.is_absolute() else REPO / _BUILD
BINARY = BUILD / "app" / "synfront"
PYTHON = "/usr/bin/python3"
TELEMETRY_PY = "/usr/bin/dpdk-telemetry.py"
DPDK_RUN_DIR = Path("/var/run/dpdk")

# Addresses the suites give synfront, and the peer (kernel) side.
SF_V4 = "10.10.0.1"
SF_V6 = "fd00:10:10::1"
PEER_V4 = "10.10.0.2"
PEER_V6 = "fd00:10:10::2"
SF_ADDR_ARGS = ["--addr", SF_V4 + "/24", "--addr", SF_V6 + "/64"]

# Counters that end a frame's life without a reply (besides drop_*):
# tcp_absorbed is a TCP segment taken in by a request or a connection
# (a third ACK, an ACK, data, a RST) that needs no answer of its own.
# nd_na_received a neighbour advertisement taken into the neighbour
# table (the answer to our solicitation, or unsolicited).
# icmp_err_req_drops is an ICMP error that ended a request (no answer);
# icmp_err_pmtu one that lowered a connection's MSS (no answer either).
IGNORE_COUNTERS = ("arp_ignored", "nd_na_received", "tcp_absorbed",
                   "icmp_err_req_drops", "icmp_err_pmtu")
# Counters that end a frame's life with one reply frame built in place;
# tcp_replied covers the SYN-ACK, RST and ACK answers of the TCP engine.
REPLY_COUNTERS = ("arp_replies", "icmp_echo_replies", "icmp6_echo_replies",
                  "nd_na_sent", "tcp_replied")
# Not an outcome: every TCP segment that passes the header bounds is
# counted in tcp_segments and then ends in tcp_replied, tcp_absorbed or
# a drop_* counter.
INFO_COUNTERS = ("rx_packets", "tx_packets", "tx_dropped", "tcp_segments")

CMD_TIMEOUT = 20      # default bound of one external command, seconds
START_TIMEOUT = 15    # synfront start-up until telemetry answers
STOP_TIMEOUT = 10     # SIGINT until exit, then SIGKILL

_seq = itertools.count()
_live = []            # Synfront instances not yet cleaned up


def is_root():
    return os.geteuid() == 0


needs_root = pytest.mark.skipif(
    not is_root(), reason="needs root: EAL, network namespaces and taps")


def unique_name(kind):
    """A short unique name (fits IFNAMSIZ 15): sf<pid><kind><n>."""
    return "sf%d%s%d" % (os.getpid(), kind, next(_seq))


def run(cmd, timeout=CMD_TIMEOUT, check=False, ns=None, **kw):
    """subprocess.run with a timeout, text output, captured by default."""
    if ns is not None:
        cmd = ["ip", "netns", "exec", ns] + list(cmd)
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    if "input" not in kw:
        kw.setdefault("stdin", subprocess.DEVNULL)
    r = subprocess.run(cmd, timeout=timeout, text=True, **kw)
    if check and r.returncode != 0:
        raise AssertionError("%s exited %d\nstdout: %s\nstderr: %s" % (
            " ".join(map(str, cmd)), r.returncode, r.stdout, r.stderr))
    return r


def remove_dpdk_dir(prefix):
    shutil.rmtree(DPDK_RUN_DIR / prefix, ignore_errors=True)


def netns_exists(ns):
    r = run(["ip", "netns", "list"], timeout=10)
    return any(line.split()[0] == ns for line in r.stdout.splitlines()
               if line.strip())


def delete_netns(ns):
    if ns is None:
        return
    for _ in range(3):
        run(["ip", "netns", "delete", ns], timeout=10)
        if not netns_exists(ns):
            return
        time.sleep(0.2)


def _pdeathsig():
    """Child: SIGTERM (a clean stop) if the pytest process dies."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except OSError:
        pass


# --------------------------------------------------------------------------
# Telemetry

class TelemetryError(Exception):
    pass


def stop_proc(p):
    """Terminate a helper process (a server) and reap it; kill after 10 s."""
    if p is not None and p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)


def telemetry(prefix, cmd, timeout=3.0):
    """One command over the v2 socket; returns the reply's value."""
    path = str(DPDK_RUN_DIR / prefix / "dpdk_telemetry.v2")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        s.settimeout(timeout)
        try:
            s.connect(path)
        except OSError as e:
            raise TelemetryError("connect %s: %s" % (path, e))
        info = json.loads(s.recv(16384).decode())
        max_len = int(info.get("max_output_len", 16384))
        s.send(cmd.encode())
        reply = json.loads(s.recv(max_len).decode())
    except (OSError, ValueError) as e:
        raise TelemetryError("%s: %s" % (cmd, e))
    finally:
        s.close()
    key = cmd.split(",", 1)[0]
    if key not in reply:
        raise TelemetryError("%s: unexpected reply %r" % (cmd, reply))
    return reply[key]


def telemetry_script(prefix, cmds, timeout=15):
    """The same commands through /usr/bin/dpdk-telemetry.py -f PREFIX."""
    r = run([PYTHON, TELEMETRY_PY, "-f", prefix], timeout=timeout,
            input="".join(c + "\n" for c in cmds))
    assert r.returncode == 0, r.stderr
    out = [json.loads(line) for line in r.stdout.splitlines()
           if line.startswith("{")]
    assert len(out) == len(cmds), r.stdout
    return out


# --------------------------------------------------------------------------
# The synfront process

class Synfront:
    """
    One synfront process. vdev is "tap" (a tap in a new namespace) or a
    full --vdev string (net_pcap, net_null, net_af_xdp) run in the current
    namespace, or in netns, a namespace the caller made and removes.
    """

    def __init__(self, vdev="tap", app_args=None, lcores="0-1", mem=1024,
                 tmpdir=None, eal_lcores=None, netns=None, huge_dir=None,
                 more_vdevs=()):
        self.prefix = unique_name("p")
        self.ns = netns
        self._own_ns = False
        self.iface = None
        self.proc = None
        self.returncode = None
        self._own_tmp = tmpdir is None
        self.tmp = Path(tmpdir or tempfile.mkdtemp(prefix="sfpy-"))
        self.stats_file = self.tmp / (self.prefix + "-stats.json")
        self.stdout_file = self.tmp / (self.prefix + ".out")
        self.stderr_file = self.tmp / (self.prefix + ".err")
        if vdev == "tap":
            self.ns = unique_name("n")
            self._own_ns = True
            self.iface = unique_name("t")
            vdev = "net_tap0,iface=" + self.iface
        if app_args is None:
            app_args = list(SF_ADDR_ARGS)
        # Golden pcaps hold the replies only: no announcements at start
        # (gratuitous ARP, unsolicited NA) unless a test asks for them.
        if vdev.startswith("net_pcap") and "--announce" not in app_args:
            app_args = list(app_args) + ["--announce", "no"]
        # eal_lcores: an EAL --lcores map instead of -l, for more lcores
        # than CPUs (e.g. "0@0,1@1,2@1": lcore 2 shares CPU 1).
        lc = ["--lcores", eal_lcores] if eal_lcores else ["-l", lcores]
        # huge_dir: a hugetlbfs mount, for a synfront that secondary
        # processes (dpdk-dumpcap) can attach to; memory grows on demand.
        memargs = ["--huge-dir", str(huge_dir)] if huge_dir else \
            ["--no-huge", "-m", str(mem)]
        self.argv = [str(BINARY)] + lc + memargs + [
                     "--no-pci", "--file-prefix", self.prefix,
                     "--vdev", vdev] + [a for v in more_vdevs
                                        for a in ("--vdev", v)] + [
                     "--", "--stats-file",
                     str(self.stats_file)] + list(app_args)
        _live.append(self)

    # -- lifecycle --

    def start(self, timeout=START_TIMEOUT):
        if not BINARY.exists():
            pytest.fail("%s not built (ninja -C %s)" % (BINARY, BUILD))
        argv = self.argv
        if self._own_ns:
            run(["ip", "netns", "add", self.ns], timeout=10, check=True)
        if self.ns is not None:
            argv = ["ip", "netns", "exec", self.ns] + argv
        with open(self.stdout_file, "w") as out, \
                open(self.stderr_file, "w") as err:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL,
                                         preexec_fn=_pdeathsig)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                pytest.fail("synfront exited %d at start-up:\n%s" % (
                    self.proc.returncode, self.stderr()))
            try:
                if isinstance(self.telemetry("/synfront/stats"), dict):
                    break
            except TelemetryError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("synfront telemetry not up after %ss:\n%s" % (
                    timeout, self.stderr()))
            time.sleep(0.1)
        if self._own_ns:
            self.setup_kernel_side()
        return self

    def setup_kernel_side(self):
        for cmd in (["ip", "addr", "add", PEER_V4 + "/24", "dev", self.iface],
                    ["ip", "-6", "addr", "add", PEER_V6 + "/64", "dev",
                     self.iface, "nodad"],
                    ["ip", "link", "set", self.iface, "up"],
                    ["ip", "link", "set", "lo", "up"]):
            run(cmd, ns=self.ns, timeout=10, check=True)

    def stop(self, sig=signal.SIGINT, timeout=STOP_TIMEOUT):
        """Stop with sig; SIGKILL after timeout. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
                self.returncode = "killed after %ss" % timeout
                return self.returncode
        if self.returncode is None:
            self.returncode = self.proc.returncode
        return self.returncode

    def cleanup(self):
        """Idempotent: stop, remove the namespace, EAL dir, temp files."""
        try:
            self.stop()
        finally:
            try:
                if self._own_ns:
                    delete_netns(self.ns)
            finally:
                remove_dpdk_dir(self.prefix)
                if self._own_tmp:
                    shutil.rmtree(self.tmp, ignore_errors=True)
                if self in _live:
                    _live.remove(self)

    # -- observation --

    def telemetry(self, cmd):
        return telemetry(self.prefix, cmd)

    def stats(self):
        return self.telemetry("/synfront/stats")

    def port_mac(self, port=0):
        return self.telemetry("/synfront/ports,%d" % port)["mac"].lower()

    def wait_counters(self, pred, timeout=10, what="counters"):
        """Poll /synfront/stats until pred(stats) holds; return stats."""
        deadline = time.monotonic() + timeout
        while True:
            st = self.stats()
            if pred(st):
                return st
            if self.proc.poll() is not None:
                pytest.fail("synfront exited while waiting for %s" % what)
            if time.monotonic() > deadline:
                pytest.fail("timeout waiting for %s; stats: %s" % (
                    what, {k: v for k, v in st.items() if v}))
            time.sleep(0.05)

    def stdout(self):
        try:
            return self.stdout_file.read_text()
        except OSError:
            return ""

    def stderr(self):
        try:
            return self.stderr_file.read_text()
        except OSError:
            return ""

    def exit_json(self):
        return json.loads(self.stats_file.read_text())

    def stop_and_check(self, listeners_removed=False):
        """SIGINT; assert exit 0, a sane stats JSON, no mbuf in use.
        listeners_removed: see check_exit_json."""
        rc = self.stop()
        assert rc == 0, "synfront exit %r\nstderr:\n%s" % (rc, self.stderr())
        js = self.exit_json()
        check_exit_json(js, listeners_removed=listeners_removed)
        return js


def check_exit_json(js, listeners_removed=False):
    """The stats JSON's own invariants: no leak, every frame accounted.
    With listeners_removed (/synfront/unlisten was used), the listeners
    left account for no more than the totals: a removed listener's
    counters went with it."""
    pool = js["mempool"]
    assert pool["in_use"] == 0, "mbuf leak: %r" % pool
    # pmd_kept: what net_af_xdp keeps in its fill rings (app/sf_pool.c).
    assert pool["available"] + pool.get("pmd_kept", 0) == pool["size"], pool
    c = js["counters"]
    assert outcome_sum(c) == c["rx_packets"], (
        "rx_packets %d != replies + drops %d: %r" % (
            c["rx_packets"], outcome_sum(c), nonzero(c)))
    # Every TCP segment that passed the header bounds has one outcome:
    # tcp_replied, tcp_absorbed or a drop_tcp_* counter other than the
    # two bounds checks (a reply too long for its mbuf, drop_reply_no_room,
    # is shared with the other responders: slack, zero in practice).
    tcp_done = c["tcp_replied"] + c["tcp_absorbed"] + sum(
        v for n, v in c.items() if n.startswith("drop_tcp_") and
        n not in ("drop_tcp_truncated", "drop_tcp_bad_doff"))
    assert tcp_done <= c["tcp_segments"] <= \
        tcp_done + c["drop_reply_no_room"], (
            "tcp_segments %d != tcp_replied + tcp_absorbed + drop_tcp_* "
            "%d: %r" % (c["tcp_segments"], tcp_done, nonzero(c)))
    # The per-lcore split adds up to the totals.
    for name, v in c.items():
        assert sum(l["counters"][name] for l in js["lcores"]) == v, name
    # Listener counters (where the build reports listeners) add up to the
    # totals: every SYN and third ACK they count reached a listener.
    ls = js.get("listeners")
    if ls:
        for name in ls[0]["counters"]:
            got = sum(l["counters"][name] for l in ls)
            assert got <= c[name] if listeners_removed else got == c[name], (
                "listeners' %s %r %s total %d" % (
                    name, [l["counters"][name] for l in ls],
                    "above" if listeners_removed else "!=", c[name]))
    ports = js["ports"]
    assert ports and ports[0]["port_id"] == 0
    assert sum(p["rx_packets"] for p in ports) >= c["rx_packets"]


def drop_names(counters):
    """Outcomes without a reply: the drop_* counters and IGNORE_COUNTERS."""
    return [n for n in counters if n.startswith("drop_")] + \
        list(IGNORE_COUNTERS)


def outcome_sum(c):
    return sum(c[n] for n in REPLY_COUNTERS) + \
        sum(c[n] for n in drop_names(c))


def nonzero(c):
    return {k: v for k, v in c.items() if v}


@pytest.fixture
def synfront_factory(tmp_path):
    """Start synfront instances; each is stopped and cleaned up after."""
    made = []

    def make(**kw):
        kw.setdefault("tmpdir", tmp_path)
        sf = Synfront(**kw)
        made.append(sf)
        return sf

    yield make
    for sf in made:
        sf.cleanup()


def received_check(js, sent):
    """Every byte sent reached on_data (or on_accept) once: the exit
    JSON's "received" and the delivery counters. Returns the counters."""
    c = js["counters"]
    assert js["received"]["bytes"] == sent, (js["received"], nonzero(c))
    assert c["data_delivered_bytes"] + c["third_ack_data_bytes"] == sent, \
        nonzero(c)
    return c


# The NFQUEUE reorderer (test/tools/sf_reorder.c), built only where
# libnetfilter_queue is found.
SF_REORDER = BUILD / "test" / "tools" / "sf_reorder"
# Its default behaviour in routed_client_ns(): every 23rd packet a rule
# matches leaves 3 places late (or after 20 ms when fewer follow).
REORDER_OPTS = ("--every", "23", "--after", "3", "--hold-ms", "20")
REORDER_QUEUE = 100     # the first queue number; one per reorder rule
REORDER_TIMEOUT = 600   # the tool's own bound, seconds


def reorder_skip_reason():
    """None when sf_reorder is built, else why reordering is not tested."""
    if SF_REORDER.exists():
        return None
    return ("%s not built: libnetfilter_queue (libnetfilter-queue-dev, "
            "scripts/install-deps.sh) was not found at meson setup; after "
            "installing it, meson setup --reconfigure" %
            SF_REORDER)


class Reorderers:
    """sf_reorder processes in a namespace, one per NFQUEUE queue. stop()
    sends SIGTERM, collects each one's JSON summary (in summaries, in the
    order of the queues), SIGKILLs whatever does not stop in time, and is
    idempotent."""

    def __init__(self, ns, opts=REORDER_OPTS):
        self.ns = ns
        self.opts = list(opts)
        self.procs = []         # (queue, Popen)
        self.summaries = []
        self._stopped = False

    def start(self, queue, timeout=5):
        argv = ["ip", "netns", "exec", self.ns, str(SF_REORDER),
                "--queue", str(queue), "--timeout", str(REORDER_TIMEOUT)] + \
            self.opts
        # `ip netns exec` execs the command: the pid is sf_reorder's.
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, preexec_fn=_pdeathsig)
        self.procs.append((queue, p))
        # Bound when the namespace's nfnetlink_queue lists the queue.
        deadline = time.monotonic() + timeout
        while True:
            if p.poll() is not None:
                out, err = p.communicate(timeout=10)
                self.procs.pop()
                raise AssertionError("sf_reorder --queue %d exited %d: %s%s"
                                     % (queue, p.returncode, out, err))
            r = run(["cat", "/proc/net/netfilter/nfnetlink_queue"],
                    ns=self.ns, timeout=10)
            if any(line.split()[:1] == [str(queue)]
                   for line in r.stdout.splitlines()):
                return
            if time.monotonic() > deadline:
                raise AssertionError("sf_reorder did not bind queue %d in "
                                     "%ss" % (queue, timeout))
            time.sleep(0.05)

    def stop(self, timeout=10):
        if self._stopped:
            return self.summaries
        self._stopped = True
        for _, p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        errors = []
        for queue, p in self.procs:
            try:
                out, err = p.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.communicate(timeout=10)
                errors.append("queue %d: killed after %ss" % (queue, timeout))
                continue
            if p.returncode != 0:
                errors.append("queue %d: exit %d: %s" % (
                    queue, p.returncode, err))
                continue
            try:
                self.summaries.append(json.loads(
                    out.strip().splitlines()[-1]))
            except (ValueError, IndexError):
                errors.append("queue %d: no JSON summary: %r %r" % (
                    queue, out, err))
        if errors:
            raise AssertionError("sf_reorder: " + "; ".join(errors))
        return self.summaries


@pytest.fixture(scope="module")
def tap(tmp_path_factory):
    """One synfront on a tap for the module; checked clean at teardown."""
    sf = Synfront(vdev="tap", tmpdir=tmp_path_factory.mktemp("tap"))
    try:
        sf.start()
        sf.mac = sf.port_mac()
        yield sf
        sf.stop_and_check()
    finally:
        sf.cleanup()
    assert not netns_exists(sf.ns)
    assert not (DPDK_RUN_DIR / sf.prefix).exists()


@contextlib.contextmanager
def routed_client_ns(sf, router, client, drops, dups=(), reorder=(),
                     reorder_opts=REORDER_OPTS):
    """A client namespace of its own, routed through synfront's tap
    namespace (router and client: IPv4 addresses of a /24 on a veth),
    whose FORWARD chain applies drops: lists of iptables match arguments,
    each rule ending in DROP (tc netem is not in every kernel; a drop on
    the client's own output path would be reported to its TCP). dups:
    (match arguments, next hop) pairs, each a mangle-table rule that
    sends a copy of what it matches to that next hop (iptables TEE), so
    the packet arrives twice. reorder: lists of match arguments, each a
    filter FORWARD rule after the drops that sends what it matches to an
    NFQUEUE queue of its own (--queue-bypass: traffic flows when nothing
    listens) and an sf_reorder on that queue in synfront's namespace
    (reorder_opts: its --every, --after, --hold-ms); pytest.skip when
    sf_reorder is not built. Yields the namespace's name, a function that
    lists the rules' counts, and a list that receives the sf_reorder JSON
    summaries, one per reorder rule in order, once the tools are stopped
    (SIGTERM) on the way out. On the way out, also on failure, stops the
    tools (SIGKILL when one does not stop) and removes the namespace (and
    with it the veth)."""
    if reorder:
        why = reorder_skip_reason()
        if why:
            pytest.skip(why)
    cns, veth = unique_name("c"), unique_name("v")
    tools = Reorderers(sf.ns, reorder_opts)
    summaries = []
    ok = False
    try:
        cmds = [(["ip", "netns", "add", cns], None),
                (["ip", "link", "add", veth, "type", "veth", "peer",
                  "name", veth + "p", "netns", cns], sf.ns),
                (["ip", "addr", "add", router + "/24", "dev", veth],
                 sf.ns),
                (["ip", "link", "set", veth, "up"], sf.ns),
                (["sysctl", "-qw", "net.ipv4.ip_forward=1"], sf.ns)]
        cmds += [(["iptables", "-A", "FORWARD"] + d + ["-j", "DROP"], sf.ns)
                 for d in drops]
        cmds += [(["iptables", "-t", "mangle", "-A", "FORWARD"] + d +
                  ["-j", "TEE", "--gateway", gw], sf.ns) for d, gw in dups]
        cmds += [(["iptables", "-A", "FORWARD"] + d +
                  ["-j", "NFQUEUE", "--queue-num", str(REORDER_QUEUE + i),
                   "--queue-bypass"], sf.ns) for i, d in enumerate(reorder)]
        cmds += [(["ip", "link", "set", "lo", "up"], cns),
                 (["ip", "addr", "add", client + "/24", "dev",
                   veth + "p"], cns),
                 (["ip", "link", "set", veth + "p", "up"], cns),
                 (["ip", "route", "add", "default", "via", router], cns)]
        for cmd, ns in cmds:
            run(cmd, ns=ns, timeout=10, check=True)
        for i in range(len(reorder)):
            tools.start(REORDER_QUEUE + i)
        yield cns, lambda: "".join(
            run(["iptables", "-t", t, "-L", "FORWARD", "-v", "-n", "-x"],
                ns=sf.ns, timeout=10, check=True).stdout
            for t in ("filter", "mangle")), summaries
        ok = True
    finally:
        try:
            try:
                summaries.extend(tools.stop())
            except AssertionError:
                if ok:          # else keep the body's own exception
                    raise
        finally:
            run(["ip", "netns", "del", cns], timeout=10)


def _cleanup_all():
    for sf in list(_live):
        try:
            sf.cleanup()
        except Exception:       # keep cleaning the others
            pass


atexit.register(_cleanup_all)


def _sigterm(signum, frame):
    # `timeout make test` and CI cancellations send SIGTERM: turn it into
    # an interrupt so that pytest still runs the finalizers.
    raise KeyboardInterrupt("SIGTERM")


def pytest_configure(config):
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _sigterm)


@pytest.fixture(scope="session", autouse=True)
def _session_cleanup():
    yield
    _cleanup_all()
