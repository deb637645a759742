#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""synfront against the Linux kernel on the same medium: a veth pair.

Two network namespaces joined by a veth pair; trafgen in the client
namespace floods SYNs (random sources in 10.98.0.0/16, random ports, to
10.99.0.1:80) pinned to cpu0.  The receive side of the server veth is put
on cpu1 with RPS.  Each run is one of:

  linux     the kernel answers: 10.99.0.1 on the server veth, a python
            listener on :80 with a large backlog, net.ipv4.tcp_syncookies=2
            in the server namespace (every SYN gets a cookie SYN-ACK)
  synfront  the kernel address is removed and synfront (lcore 1, i.e. cpu1)
            answers through net_af_xdp (--pmd af_xdp, the default: XDP
            redirects the frames before the kernel's IP layer sees them;
            the client veth's tx checksum offload is off, as AF_XDP on a
            veth needs) or net_af_packet (--pmd af_packet) on the same
            veth, --syncookies 2

Runs alternate L, S, L, S, ...  SYN-ACKs/s are read from the same counter
in both modes, the server veth's tx_packets over a fixed window after a
warm-up, and cross-checked against the protocol counters (nstat in the
server namespace for Linux, synfront's /synfront/stats over telemetry).
cpu1's busy and softirq shares come from /proc/stat over the same window.
The cost per SYN-ACK on the server core: for Linux its busy time over the
window per SYN-ACK; for synfront its busy polls (poll_busy_cycles against
poll_cycles, counted by the engine) per SYN-ACK, and with cpu1's kernel
time for the medium added (the AF_XDP or af_packet copy, the PMD's
syscalls; an upper bound, as busy polls' syscalls are in both).

Everything happens in namespaces this script creates, and it removes them,
its processes, its temporary files and its DPDK runtime directory on exit,
on failure and on Ctrl-C.  Only per-namespace sysctls are written; the
host's are read before and after to show they did not change.

Usage: bench/linux_veth.py --synfront ./build/app/synfront --runs 3 \
           --seconds 5 --warmup 1 --rate 0 --out results.json
"""

import argparse
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN_CPU = 0       # trafgen pins its worker i to CPU i: with -P 1 that is cpu0
SRV_CPU = 1       # the server's receive softirq (RPS) and synfront's lcore
SRV_IP = "10.99.0.1"
CLI_IP = "10.99.0.2"
SPOOF_NET = "10.98.0.0/16"
PORT = 80
DPDK_RUN_DIR = Path("/var/run/dpdk")
FRAME_LEN = 60    # bytes, 64 on a wire with the FCS
CMD_TIMEOUT = 15  # seconds, for every short command
# host sysctls we never write; read before and after to show it
HOST_SYSCTLS = [
    "net/core/somaxconn", "net/core/wmem_default", "net/core/wmem_max",
    "net/core/rmem_default", "net/core/rmem_max",
    "net/core/netdev_max_backlog", "net/ipv4/tcp_syncookies",
    "net/ipv4/tcp_max_syn_backlog", "net/ipv4/ip_forward",
    "net/ipv4/conf/all/rp_filter",
]
NSTAT_KEYS = [
    "TcpInSegs", "TcpOutSegs", "TcpOutRsts", "TcpRetransSegs", "TcpInErrs",
    "TcpInCsumErrors", "TcpPassiveOpens", "TcpExtSyncookiesSent",
    "TcpExtSyncookiesRecv", "TcpExtSyncookiesFailed", "TcpExtListenDrops",
    "TcpExtListenOverflows", "TcpExtTCPReqQFullDoCookies",
    "TcpExtTCPReqQFullDrop", "IpInReceives", "IpInAddrErrors",
    "IpInNoRoutes", "IpInDiscards", "IpOutRequests", "IpOutNoRoutes",
    "IcmpOutMsgs", "IcmpOutDestUnreachs", "IcmpInMsgs",
]
SF_KEYS = [
    "rx_packets", "tx_packets", "tx_dropped", "tcp_segments",
    "tcp_replied", "synack_sent", "syncookies_sent", "syn_recv",
    "out_rsts", "listen_drops", "listen_overflows", "reqq_full_drop",
    "arp_replies", "poll_cycles", "poll_busy_cycles",
]
LINK_KEYS = ["rx_packets", "tx_packets", "rx_dropped", "tx_dropped",
             "rx_missed_errors", "rx_errors", "tx_errors"]

LISTENER = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(int(sys.argv[3]))
print("ready", flush=True)
end = time.monotonic() + float(sys.argv[4])
while time.monotonic() < end:
    time.sleep(0.2)
"""


class Abort(Exception):
    """A signal asked us to stop."""


class Failure(Exception):
    """Setup or a run failed in a way that stops the benchmark."""


def _on_signal(signum, _frame):
    raise Abort(f"signal {signal.Signals(signum).name}")


# ---------------------------------------------------------------- helpers

def run(cmd, check=True, timeout=CMD_TIMEOUT, env=None):
    """Run a short command with a hard timeout; return stdout."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=timeout, env=env)
    if check and p.returncode != 0:
        raise Failure(f"{' '.join(cmd)}: exit {p.returncode}: "
                      f"{p.stderr.strip()[:400]}")
    return p.stdout


def nsx(ns, *cmd):
    return ["ip", "netns", "exec", ns, *cmd]


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def read_proc_stat():
    """Per-CPU time counters, and the fork count under key "forks"."""
    cpus = {}
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("cpu") and line[3].isdigit():
                fl = line.split()
                cpus[int(fl[0][3:])] = [int(x) for x in fl[1:]]
            elif line.startswith("processes "):
                cpus["forks"] = int(line.split()[1])
    return cpus


def cpu_shares(a, b):
    """Shares of one CPU's time between two /proc/stat readings."""
    d = [y - x for x, y in zip(a, b)]
    # user nice system idle iowait irq softirq steal (guest is in user)
    total = sum(d[:8])
    if total <= 0:
        return None
    return {
        "busy": round(1 - (d[3] + d[4]) / total, 4),
        "user": round((d[0] + d[1]) / total, 4),
        "system": round(d[2] / total, 4),
        "irq": round(d[5] / total, 4),
        "softirq": round(d[6] / total, 4),
        "steal": round(d[7] / total, 4),
    }


def read_softnet():
    """Per-CPU (processed, dropped, time_squeeze) from softnet_stat."""
    out = {}
    with open("/proc/net/softnet_stat") as f:
        for i, line in enumerate(f):
            fl = [int(x, 16) for x in line.split()]
            cpu = fl[12] if len(fl) > 12 else i
            out[cpu] = (fl[0], fl[1], fl[2])
    return out


def read_procs():
    """{pid: (comm, session, ppid, utime+stime ticks, last cpu)}."""
    procs = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        r = s.rfind(")")
        comm = s[s.find("(") + 1:r]
        fl = s[r + 2:].split()
        try:
            procs[int(d)] = (comm, int(fl[3]), int(fl[1]),
                             int(fl[11]) + int(fl[12]), int(fl[36]))
        except (IndexError, ValueError):
            continue
    return procs


def host_sysctls():
    out = {}
    for k in HOST_SYSCTLS:
        try:
            out[k] = Path("/proc/sys", k).read_text().strip()
        except OSError:
            out[k] = None
    return out


def telemetry(sock_path, cmd, timeout=2.0):
    """One DPDK telemetry v2 query; returns the reply's value."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(timeout)
    try:
        s.connect(str(sock_path))
        greeting = json.loads(s.recv(65536).decode())
        s.send(cmd.encode())
        reply = s.recv(max(65536, int(greeting.get("max_output_len", 0))))
        d = json.loads(reply.decode())
        return d.get(cmd.split(",")[0])
    finally:
        s.close()


# -------------------------------------------------------------- the bench

class Bench:
    def __init__(self, args):
        self.args = args
        tag = f"{os.getpid()}{random.randrange(16**3):03x}"
        self.ns_srv = f"sfb-srv-{tag}"
        self.ns_cli = f"sfb-cli-{tag}"
        self.if_srv = f"sfbs{tag}"[:15]
        self.if_cli = f"sfbc{tag}"[:15]
        self.prefix = f"sfb-{tag}"
        self.tmp = None
        self.procs = []          # Popen objects we started (own sessions)
        self.started_pids = set()
        self.ns_made = []
        self.mac_srv = self.mac_cli = None
        self.notes = []

    # ------------------------------------------------------------ setup
    def setup(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="sfb-veth-"))
        for ns in (self.ns_srv, self.ns_cli):
            run(["ip", "netns", "add", ns])
            self.ns_made.append(ns)
        # created directly inside the namespaces: nothing in the root one
        run(["ip", "link", "add", self.if_srv, "netns", self.ns_srv,
             "type", "veth", "peer", "name", self.if_cli,
             "netns", self.ns_cli])
        common = ["net.ipv4.ip_forward=0",
                  "net.ipv4.conf.all.rp_filter=0",
                  "net.ipv4.conf.default.rp_filter=0",
                  "net.ipv6.conf.all.disable_ipv6=1",
                  "net.ipv6.conf.default.disable_ipv6=1"]
        for ns, dev in ((self.ns_srv, self.if_srv),
                        (self.ns_cli, self.if_cli)):
            run(nsx(ns, "sysctl", "-qw", *common,
                    f"net.ipv4.conf.{dev}.rp_filter=0",
                    f"net.ipv6.conf.{dev}.disable_ipv6=1"))
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
            run(["ip", "-n", ns, "link", "set", dev, "up"])
        run(nsx(self.ns_srv, "sysctl", "-qw",
                "net.ipv4.tcp_syncookies=2",
                "net.core.somaxconn=65535",
                "net.ipv4.tcp_max_syn_backlog=65535"))
        run(["ip", "-n", self.ns_cli, "addr", "add", f"{CLI_IP}/24",
             "dev", self.if_cli])
        self.mac_srv = self._mac(self.ns_srv, self.if_srv)
        self.mac_cli = self._mac(self.ns_cli, self.if_cli)
        # AF_XDP on a veth takes frames with full checksums only: the
        # sending side computes them (both kinds of run, one medium).
        if self.args.pmd == "af_xdp":
            run(nsx(self.ns_cli, "ethtool", "-K", self.if_cli, "tx", "off"))
        # server receive softirq on cpu1; the SYN-ACKs the client drops
        # are processed on cpu0 (the generator's), so cpu1 is the server's
        run(nsx(self.ns_srv, "sh", "-c",
                f"echo {1 << SRV_CPU:x} > /sys/class/net/{self.if_srv}"
                "/queues/rx-0/rps_cpus"))
        run(nsx(self.ns_cli, "sh", "-c",
                f"echo {1 << GEN_CPU:x} > /sys/class/net/{self.if_cli}"
                "/queues/rx-0/rps_cpus"))
        self.rps = {
            "srv": run(nsx(self.ns_srv, "cat", f"/sys/class/net/{self.if_srv}"
                           "/queues/rx-0/rps_cpus")).strip(),
            "cli": run(nsx(self.ns_cli, "cat", f"/sys/class/net/{self.if_cli}"
                           "/queues/rx-0/rps_cpus")).strip(),
        }
        self.start_holders()
        self.shaper = self.setup_shaper()
        self.cfg = self.tmp / "syn.cfg"
        self.cfg.write_text(self._trafgen_cfg())

    def _mac(self, ns, dev):
        j = json.loads(run(["ip", "-n", ns, "-j", "link", "show", dev]))
        return j[0]["address"]

    def _trafgen_cfg(self):
        def macb(m):
            return ", ".join(f"0x{b}" for b in m.split(":"))
        s = [int(x) for x in SRV_IP.split(".")]
        # 60-byte frame (64 on a wire with the FCS): 14 Ethernet + 20 IPv4
        # + 24 TCP (SYN with an MSS option) + 2 bytes of Ethernet padding.
        # trafgen's csumtcp sums the pseudo-header with the frame's length
        # from the TCP header on (26, not 24) and the pad word; the pad
        # word 0xfffd (-2 in ones' complement) cancels the +2, so the
        # checksum is the correct one for a 24-byte segment.
        return f"""/* generated by bench/linux_veth.py */
{{
  {macb(self.mac_srv)},
  {macb(self.mac_cli)},
  c16(0x0800),
  0x45, 0x00, c16(44), drnd(2), 0x40, 0x00, 64, 6, csumip(14, 33),
  10, 98, drnd(2),
  {s[0]}, {s[1]}, {s[2]}, {s[3]},
  drnd(2), c16({PORT}), drnd(4), c32(0), c16((6 << 12) | 0x02),
  c16(65535), csumtcp(14, 34), c16(0),
  0x02, 0x04, c16(1460),
  0xff, 0xfd,
}}
"""

    # -------------------------------------------------------- processes
    def spawn(self, cmd, log):
        f = open(log, "w")
        try:
            p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL,
                                 start_new_session=True)
        finally:
            f.close()
        self.procs.append(p)
        self.started_pids.add(p.pid)
        return p

    def stop(self, p, sig=signal.SIGINT, wait=5.0):
        """Stop one process group we started; return its exit status."""
        if p.poll() is None:
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait(timeout=5)
                self.notes.append(f"pid {p.pid} needed SIGKILL")
        else:
            # the leader is gone; its group may not be (trafgen's worker)
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if p in self.procs:
            self.procs.remove(p)
        return p.returncode

    def trafgen_cmd(self):
        """trafgen in the client namespace, its worker on cpu0.

        trafgen's fast path (TX_RING, MSG_DONTWAIT) dies with EAGAIN on a
        veth once its socket's send buffer is full of frames queued at the
        receiver, and we may not raise the host's net.core.wmem_default.
        Its slow path (one blocking sendto() per frame, chosen by -b) waits
        instead; -b far above what one core can send means "as fast as it
        goes".  trafgen's own pacing is no use for a steady rate (-b sends
        a second's packets in a burst, -t sleeps per frame and tops out
        near 20,000/s here), so --rate shapes with a tbf qdisc on the
        client veth and trafgen goes through the qdisc (-q), blocking on
        its send buffer when tbf's queue is full."""
        a = self.args
        span = a.warmup + a.seconds + 3
        extra = []
        if a.rate > 0:
            num = int(a.rate * span) + 1000
            extra = ["-q"]
        else:
            num = int(4_000_000 * span)
        # timeout(1) bounds it even if this script dies without cleaning
        life = str(int(a.warmup + a.seconds + 10))
        return nsx(self.ns_cli, "timeout", "-k", "3", "-s", "INT", life,
                   "taskset", "-c", str(GEN_CPU), "trafgen",
                   "-o", self.if_cli, "-i", str(self.cfg), "-P", "1",
                   "--no-sock-mem", "-Q", "-n", str(num),
                   "-b", "1000000000pps", *extra)

    def setup_shaper(self):
        if self.args.rate <= 0:
            return None
        # 60-byte frames; tbf counts skb->len (no FCS on a veth)
        # a bucket of 5 ms of frames: tbf's timer may fire late on a
        # busy cpu0, and tokens beyond the bucket are lost
        bits = self.args.rate * FRAME_LEN * 8
        burst = FRAME_LEN * max(32, self.args.rate // 200)
        cmd = ["tc", "-n", self.ns_cli, "qdisc", "replace", "dev",
               self.if_cli, "root", "tbf", "rate", f"{bits}bit",
               "burst", str(burst), "limit", str(2 * burst)]
        run(cmd)
        return " ".join(cmd[3:])

    def start_holders(self):
        """A sleeping process in each namespace: reading /proc/PID/net/*
        of it gives that namespace's device and SNMP counters from this
        process, in microseconds and with no subprocess per reading."""
        life = str(int(self.args.max_seconds + 60))
        self.holder = {}
        for ns in (self.ns_srv, self.ns_cli):
            p = self.spawn(nsx(ns, "sleep", life), os.devnull)
            want = os.stat(f"/var/run/netns/{ns}").st_ino
            end = time.monotonic() + 5
            while True:
                try:
                    if os.stat(f"/proc/{p.pid}/ns/net").st_ino == want:
                        break
                except OSError:
                    pass
                if p.poll() is not None or time.monotonic() > end:
                    raise Failure(f"no holder process in {ns}")
                time.sleep(0.01)
            self.holder[ns] = p.pid

    def link_stats(self, ns, dev):
        """The device's counters from /proc/PID/net/dev (as ip -s link)."""
        with open(f"/proc/{self.holder[ns]}/net/dev") as f:
            for line in f:
                name, sep, rest = line.partition(":")
                if sep and name.strip() == dev:
                    v = [int(x) for x in rest.split()]
                    # rx: bytes packets errs drop fifo frame compressed
                    # multicast; tx: bytes packets errs drop fifo colls
                    # carrier compressed
                    return {"rx_packets": v[1], "rx_errors": v[2],
                            "rx_dropped": v[3], "rx_missed_errors": v[4],
                            "tx_packets": v[9], "tx_errors": v[10],
                            "tx_dropped": v[11]}
        raise Failure(f"{dev} not in /proc/{self.holder[ns]}/net/dev")

    def nstat(self, ns):
        """The namespace's SNMP counters under nstat's names, read from
        /proc/PID/net/snmp and netstat as nstat reads them."""
        out = {}
        for fn in ("snmp", "netstat"):
            with open(f"/proc/{self.holder[ns]}/net/{fn}") as f:
                lines = f.read().splitlines()
            for hdr, val in zip(lines[0::2], lines[1::2]):
                pfx, names = hdr.split(":", 1)
                _, vals = val.split(":", 1)
                for n, v in zip(names.split(), vals.split()):
                    out[pfx + n] = int(v)
        return {n: out.get(n, 0) for n in NSTAT_KEYS}

    def snapshot(self, sf_sock=None):
        snap = {}
        t0 = time.monotonic()
        snap["stat"] = read_proc_stat()
        snap["softnet"] = read_softnet()
        snap["t_stat"] = t0
        t = time.monotonic()
        snap["srv_link"] = self.link_stats(self.ns_srv, self.if_srv)
        snap["srv_nstat"] = self.nstat(self.ns_srv)
        snap["t_srv_link"] = (t + time.monotonic()) / 2
        t = time.monotonic()
        snap["cli_link"] = self.link_stats(self.ns_cli, self.if_cli)
        snap["cli_nstat"] = self.nstat(self.ns_cli)
        snap["t_cli_link"] = (t + time.monotonic()) / 2
        if sf_sock is not None:
            t = time.monotonic()
            try:
                st = telemetry(sf_sock, "/synfront/stats")
                snap["sf"] = {k: int(st.get(k, 0)) for k in SF_KEYS}
            except (OSError, ValueError) as e:
                snap["sf"] = None
                snap["sf_error"] = str(e)
            snap["t_sf"] = (t + time.monotonic()) / 2
        snap["procs"] = read_procs()
        snap["t_procs"] = time.monotonic()
        return snap

    def foreign_load(self, a, b, ours):
        """CPU share of the window taken by processes that are not ours."""
        hz = os.sysconf("SC_CLK_TCK")
        dt = b["t_procs"] - a["t_procs"]
        per_cpu = {GEN_CPU: 0.0, SRV_CPU: 0.0}
        top = []
        me = os.getpid()
        my_sid = os.getsid(0)
        for pid, (comm, sid, ppid, ticks, cpu) in b["procs"].items():
            if pid == me or sid in ours or sid == my_sid or pid == 2 \
                    or ppid == 2:
                continue           # ours, or a kernel thread
            # a process born in the window counts whole; one that was
            # born and died in it is not seen (see forks_in_window)
            before = a["procs"][pid][3] if pid in a["procs"] else 0
            d = (ticks - before) / hz
            if d <= 0:
                continue
            share = d / dt
            per_cpu[cpu] = per_cpu.get(cpu, 0.0) + share
            top.append((share, comm, pid, cpu))
        top.sort(reverse=True)
        return {"share_by_last_cpu": {f"cpu{c}": round(v, 3)
                                      for c, v in per_cpu.items()},
                "top": [{"comm": c, "pid": p, "last_cpu": cpu,
                         "share": round(s, 3)} for s, c, p, cpu in top[:4]
                        if s >= 0.01]}

    def wait_quiet(self, timeout):
        """Wait until other processes leave cpu0 and cpu1 (almost) idle;
        give up after timeout seconds.  Returns (seconds waited, the last
        foreign shares)."""
        start = time.monotonic()
        ours = set(self.holder.values())
        while True:
            a = {"procs": read_procs(), "t_procs": time.monotonic()}
            time.sleep(0.5)
            b = {"procs": read_procs(), "t_procs": time.monotonic()}
            fl = self.foreign_load(a, b, ours)["share_by_last_cpu"]
            waited = time.monotonic() - start
            if max(fl.values()) < 0.05 or waited >= timeout:
                return round(waited, 2), fl

    def window(self, sf_sock=None, guards=()):
        """Warm up, then read everything at the window's start and end."""
        a = self.args
        time.sleep(a.warmup)
        for p, what in guards:
            if p.poll() is not None:
                raise Failure(f"{what} exited during warm-up "
                              f"(status {p.returncode})")
        s0 = self.snapshot(sf_sock)
        time.sleep(max(0.0, a.seconds - (time.monotonic() - s0["t_stat"])))
        s1 = self.snapshot(sf_sock)
        alive = {what: p.poll() is None for p, what in guards}
        return s0, s1, alive

    def figures(self, s0, s1, ours):
        def rate(key, sub, tkey):
            dt = s1[tkey] - s0[tkey]
            d = s1[key][sub] - s0[key][sub]
            return d, d / dt
        r = {}
        dt = s1["t_srv_link"] - s0["t_srv_link"]
        r["window_s"] = round(dt, 4)
        n, pps = rate("srv_link", "tx_packets", "t_srv_link")
        r["synack_pps"] = round(pps, 1)
        r["srv_veth_tx_packets"] = n
        n, pps = rate("cli_link", "tx_packets", "t_cli_link")
        r["offered_pps"] = round(pps, 1)
        r["cli_veth_tx_packets"] = n
        n, pps = rate("srv_link", "rx_packets", "t_srv_link")
        r["srv_veth_rx_pps"] = round(pps, 1)
        r["srv_link_delta"] = {k: s1["srv_link"][k] - s0["srv_link"][k]
                               for k in LINK_KEYS
                               if s1["srv_link"][k] is not None}
        r["cli_link_delta"] = {k: s1["cli_link"][k] - s0["cli_link"][k]
                               for k in LINK_KEYS
                               if s1["cli_link"][k] is not None}
        for cpu, name in ((SRV_CPU, "cpu1"), (GEN_CPU, "cpu0")):
            sh = cpu_shares(s0["stat"][cpu], s1["stat"][cpu])
            r[name] = sh
        r["cpu1_busy"] = r["cpu1"]["busy"] if r["cpu1"] else None
        r["cpu1_softirq"] = r["cpu1"]["softirq"] if r["cpu1"] else None
        sn = {}
        for cpu, name in ((SRV_CPU, "cpu1"), (GEN_CPU, "cpu0")):
            if cpu in s0["softnet"] and cpu in s1["softnet"]:
                p0, d0, q0 = s0["softnet"][cpu]
                p1, d1, q1 = s1["softnet"][cpu]
                sn[name] = {"processed": p1 - p0, "dropped": d1 - d0,
                            "time_squeeze": q1 - q0}
        r["softnet"] = sn
        r["nstat_srv"] = {k: s1["srv_nstat"][k] - s0["srv_nstat"][k]
                          for k in NSTAT_KEYS}
        r["nstat_cli"] = {k: s1["cli_nstat"][k] - s0["cli_nstat"][k]
                          for k in NSTAT_KEYS}
        r["foreign_load"] = self.foreign_load(s0, s1, ours)
        # processes forked anywhere during the window (none of them ours):
        # short-lived ones are otherwise invisible to foreign_load
        r["foreign_load"]["forks_in_window"] = (s1["stat"].get("forks", 0)
                                                - s0["stat"].get("forks", 0))
        return r

    # ------------------------------------------------------------- runs
    def run_linux(self, i):
        ns, dev = self.ns_srv, self.if_srv
        run(["ip", "-n", ns, "addr", "add", f"{SRV_IP}/24", "dev", dev])
        run(["ip", "-n", ns, "route", "replace", SPOOF_NET, "via", CLI_IP,
             "dev", dev])
        run(["ip", "-n", ns, "neigh", "replace", CLI_IP, "lladdr",
             self.mac_cli, "dev", dev, "nud", "permanent"])
        life = self.args.warmup + self.args.seconds + 20
        lst = self.spawn(nsx(ns, "/usr/bin/python3", "-c", LISTENER, SRV_IP,
                             str(PORT), "65535", str(life)),
                         self.tmp / f"listener-{i}.log")
        tg = None
        try:
            self._wait_file_line(self.tmp / f"listener-{i}.log", "ready",
                                 lst, 5.0, "listener")
            tg = self.spawn(self.trafgen_cmd(), self.tmp / f"trafgen-L{i}.log")
            s0, s1, alive = self.window(
                guards=[(tg, "trafgen"), (lst, "listener")])
            r = self.figures(s0, s1, {tg.pid, lst.pid,
                                      *self.holder.values()})
        finally:
            if tg is not None:
                self.stop(tg)
            self.stop(lst, signal.SIGTERM)
            run(["ip", "-n", ns, "addr", "flush", "dev", dev], check=False)
            run(["ip", "-n", ns, "neigh", "flush", "dev", dev], check=False)
        r["trafgen"] = self._trafgen_summary(self.tmp / f"trafgen-L{i}.log")
        nst = r["nstat_srv"]
        r["nstat"] = {k: nst[k] for k in (
            "TcpExtSyncookiesSent", "TcpOutSegs", "TcpOutRsts",
            "TcpExtListenDrops", "TcpExtListenOverflows",
            "TcpExtTCPReqQFullDoCookies", "TcpExtTCPReqQFullDrop",
            "TcpInSegs", "TcpInErrs", "TcpInCsumErrors")}
        r["protocol_synack_pps"] = round(
            nst["TcpExtSyncookiesSent"] / r["window_s"], 1)
        # The kernel's whole time on cpu1 (softirq, system, user) per
        # SYN-ACK: all of it is the server's work in this run.
        if r.get("cpu1_busy") is not None and r["synack_pps"] > 0:
            r["us_per_synack"] = round(
                r["cpu1_busy"] / r["synack_pps"] * 1e6, 4)
        r["linux_listener"] = "python3 socket, listen(65535), " \
            "somaxconn and tcp_max_syn_backlog 65535, tcp_syncookies=2"
        problems = []
        if not alive.get("trafgen"):
            problems.append("trafgen stopped before the window ended")
        if r["srv_veth_tx_packets"] <= 0:
            problems.append("no SYN-ACKs left the server veth")
        if nst["TcpInCsumErrors"]:
            problems.append(f"{nst['TcpInCsumErrors']} SYNs had a bad "
                            "TCP checksum")
        if nst["TcpOutRsts"]:
            problems.append(f"the server kernel sent {nst['TcpOutRsts']} "
                            "RSTs")
        self._common_checks(r, r["protocol_synack_pps"], problems)
        return r

    def run_synfront(self, i):
        ns, dev = self.ns_srv, self.if_srv
        a = self.args
        run(["ip", "-n", ns, "addr", "flush", "dev", dev], check=False)
        left = run(["ip", "-n", ns, "-4", "-j", "addr", "show", "dev", dev])
        if json.loads(left or "[]") and json.loads(left)[0].get("addr_info"):
            raise Failure(f"the server veth still has an address: {left}")
        stats_file = self.tmp / f"sf-{i}.json"
        vdev = f"net_{a.pmd}0,iface={dev}"
        if a.afp_devargs and a.pmd == "af_packet":
            vdev += "," + a.afp_devargs
        life = str(int(a.warmup + a.seconds + 40))
        cmd = nsx(ns, "timeout", "-k", "5", "-s", "INT", life,
                  str(a.synfront), "-l", str(SRV_CPU), "--no-huge",
                  "-m", str(a.mem), "--no-pci", "--file-prefix", self.prefix,
                  "--vdev", vdev, "--",
                  "--addr", f"{SRV_IP}/24", "--listen", str(PORT),
                  "--syncookies", "2", "--stats-file", str(stats_file),
                  "--stats-interval", "0")
        self.sf_cmd = cmd
        sock = DPDK_RUN_DIR / self.prefix / "dpdk_telemetry.v2"
        tg = sf = None
        rc = None
        try:
            sf = self.spawn(cmd, self.tmp / f"synfront-{i}.log")
            self._wait_telemetry(sf, sock, 20.0)
            tg = self.spawn(self.trafgen_cmd(), self.tmp / f"trafgen-S{i}.log")
            s0, s1, alive = self.window(
                sf_sock=sock, guards=[(tg, "trafgen"), (sf, "synfront")])
            r = self.figures(s0, s1, {tg.pid, sf.pid,
                                      *self.holder.values()})
        finally:
            if tg is not None:
                self.stop(tg)
            if sf is not None:
                rc = self.stop(sf, signal.SIGINT, wait=15.0)
            shutil.rmtree(DPDK_RUN_DIR / self.prefix, ignore_errors=True)
        r["trafgen"] = self._trafgen_summary(self.tmp / f"trafgen-S{i}.log")
        r["synfront_exit_status"] = rc
        log = (self.tmp / f"synfront-{i}.log").read_text(errors="replace")
        r["synfront_log_tail"] = log.strip().splitlines()[-3:]
        problems = []
        if rc != 0:
            problems.append(f"synfront exited with status {rc}")
        nst = r["nstat_srv"]
        r["nstat"] = {k: nst[k] for k in (
            "TcpInSegs", "TcpOutSegs", "TcpOutRsts", "IpInReceives",
            "IpInAddrErrors", "IcmpOutMsgs")}
        if nst["TcpOutRsts"] or nst["TcpOutSegs"] or nst["TcpInSegs"]:
            problems.append("the server kernel's TCP saw or sent segments "
                            f"(in {nst['TcpInSegs']}, out "
                            f"{nst['TcpOutSegs']}, RSTs {nst['TcpOutRsts']})")
        if s0.get("sf") and s1.get("sf"):
            d = {k: s1["sf"][k] - s0["sf"][k] for k in SF_KEYS}
            dt = s1["t_sf"] - s0["t_sf"]
            r["synfront_counters"] = d
            r["protocol_synack_pps"] = round(d["synack_sent"] / dt, 1)
            r["synfront_rx_pps"] = round(d["rx_packets"] / dt, 1)
            busy = d["poll_busy_cycles"] / max(1, d["poll_cycles"])
            r["poll_busy_share"] = round(busy, 4)
            if d["synack_sent"] > 0:
                r["us_per_synack"] = round(
                    busy * dt / d["synack_sent"] * 1e6, 4)
                # cpu1's kernel time as bench/http.py and synproxy.py
                # count it: the XDP or af_packet copy (softirq) and the
                # PMD's syscalls (system). An upper bound: the syscalls
                # of busy polls are in the busy share too.
                c1 = r.get("cpu1") or {}
                kern = sum(c1.get(k, 0.0) for k in
                           ("system", "softirq", "irq"))
                r["us_per_synack_all"] = round(
                    (busy + kern) * dt / d["synack_sent"] * 1e6, 4)
            # frames the veth received that never reached synfront:
            # dropped at the PMD's ring (not in its stats)
            r["not_reached_synfront"] = (r["srv_link_delta"]["rx_packets"]
                                         - d["rx_packets"])
            proto = r["protocol_synack_pps"]
        else:
            r["synfront_counters"] = None
            r["protocol_synack_pps"] = None
            problems.append("no telemetry reading of synfront's counters: "
                            + str(s0.get("sf_error") or s1.get("sf_error")))
            proto = None
        try:
            ex = json.loads(stats_file.read_text())
            r["exit_json"] = {
                "counters": {k: ex["counters"].get(k) for k in SF_KEYS},
                "ports": ex.get("ports"), "mempool": ex.get("mempool")}
        except (OSError, ValueError, KeyError) as e:
            r["exit_json"] = None
            problems.append(f"no exit JSON: {e}")
        if not alive.get("trafgen"):
            problems.append("trafgen stopped before the window ended")
        if not alive.get("synfront"):
            problems.append("synfront stopped before the window ended")
        if r["srv_veth_tx_packets"] <= 0:
            problems.append("no SYN-ACKs left the server veth")
        self._common_checks(r, proto, problems)
        return r

    def _common_checks(self, r, proto, problems):
        nc = r["nstat_cli"]
        if nc["TcpOutRsts"] or nc["IcmpOutMsgs"]:
            problems.append(f"the client namespace answered: RSTs "
                            f"{nc['TcpOutRsts']}, ICMP {nc['IcmpOutMsgs']}")
        if proto is not None and r["synack_pps"] > 0:
            dev = abs(proto - r["synack_pps"]) / r["synack_pps"]
            r["protocol_vs_veth_diff"] = round(dev, 4)
            if dev > 0.02:
                r.setdefault("warnings", []).append(
                    f"protocol SYN-ACK rate {proto:.0f}/s and veth tx rate "
                    f"{r['synack_pps']:.0f}/s differ by {dev:.1%}")
        if self.args.rate > 0 and r["offered_pps"] < 0.9 * self.args.rate:
            r.setdefault("warnings", []).append(
                f"offered {r['offered_pps']:.0f} pps, below the "
                f"{self.args.rate} pps asked for")
        # what limited the SYN-ACK rate (a heuristic, stated as such)
        c1 = (r.get("cpu1") or {}).get("busy") or 0
        c0 = (r.get("cpu0") or {}).get("busy") or 0
        answered = r["synack_pps"] / r["offered_pps"] if r["offered_pps"] \
            else 0
        r["answered_share"] = round(answered, 4)
        if answered < 0.98:
            r["limited_by"] = "server (SYNs offered but not answered)"
        elif c1 >= 0.95:
            r["limited_by"] = ("server (cpu1 saturated; the generator is "
                               "held back by its socket's send buffer)")
        elif self.args.rate > 0 and r["offered_pps"] >= 0.97 * self.args.rate:
            r["limited_by"] = "offered rate (every SYN answered)"
        else:
            r["limited_by"] = (f"generator or medium (cpu1 {c1:.0%} busy, "
                               f"cpu0 {c0:.0%}; every SYN answered)")
        fl = r["foreign_load"]["share_by_last_cpu"]
        if max(fl.values(), default=0) > 0.05:
            r.setdefault("warnings", []).append(
                "other processes used the benchmark's CPUs during the "
                f"window: {fl} (top: {r['foreign_load']['top']})")
        forks = r["foreign_load"]["forks_in_window"]
        if forks > 20:
            r.setdefault("warnings", []).append(
                f"{forks} processes were started on the machine during the "
                "window (short-lived ones may have taken CPU time)")
        r["problems"] = problems
        r["valid"] = not problems
        if not r["valid"]:
            r["invalid_reason"] = "; ".join(problems)

    @staticmethod
    def _trafgen_summary(log):
        out = {"packets_total": None}
        try:
            text = log.read_text(errors="replace")
        except OSError:
            return out
        for line in text.splitlines():
            fl = line.strip().split()
            if len(fl) >= 3 and fl[1:3] == ["packets", "outgoing"]:
                out["packets_total"] = int(fl[0])
        bad = [ln.strip() for ln in text.splitlines()
               if "fail" in ln.lower() or "error" in ln.lower()]
        if bad:
            out["errors"] = bad[:3]
        return out

    @staticmethod
    def _wait_file_line(path, word, p, timeout, what):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if word in path.read_text(errors="replace"):
                return
            if p.poll() is not None:
                raise Failure(f"{what} exited: "
                              + path.read_text(errors="replace")[-400:])
            time.sleep(0.05)
        raise Failure(f"{what} not ready after {timeout} s")

    def _wait_telemetry(self, p, sock, timeout):
        end = time.monotonic() + timeout
        last = None
        while time.monotonic() < end:
            if p.poll() is not None:
                raise Failure(f"synfront exited with {p.returncode} before "
                              "it was ready")
            if sock.exists():
                try:
                    port = telemetry(sock, "/synfront/ports,0")
                    if port and port.get("link_up"):
                        return
                except (OSError, ValueError) as e:
                    last = e
            time.sleep(0.1)
        raise Failure(f"synfront not ready after {timeout} s ({last})")

    # ---------------------------------------------------------- cleanup
    def cleanup(self):
        for p in list(self.procs):
            try:
                self.stop(p, signal.SIGTERM, wait=3.0)
            except Exception as e:  # keep cleaning
                self.notes.append(f"stopping pid {p.pid}: {e}")
        for ns in self.ns_made:
            try:
                run(["ip", "netns", "del", ns], check=False)
            except Exception as e:
                self.notes.append(f"deleting {ns}: {e}")
        shutil.rmtree(DPDK_RUN_DIR / self.prefix, ignore_errors=True)
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def leftovers(self, pids):
        left = {}
        try:
            nsl = run(["ip", "netns", "list"], check=False)
        except Exception:
            nsl = ""
        ours = [n for n in (self.ns_srv, self.ns_cli) if n in nsl]
        if ours:
            left["netns"] = ours
        alive = []
        for pid in pids:
            try:
                st = Path(f"/proc/{pid}/stat").read_text()
                if st[st.rfind(")") + 2] != "Z":
                    alive.append(pid)
            except OSError:
                pass
        # any process still in one of our sessions (trafgen's worker ...)
        for pid, (comm, sid, _pp, _t, _c) in read_procs().items():
            if sid in pids and pid not in alive:
                alive.append(pid)
        if alive:
            left["processes"] = alive
        if (DPDK_RUN_DIR / self.prefix).exists():
            left["dpdk_dir"] = str(DPDK_RUN_DIR / self.prefix)
        if self.tmp is not None and self.tmp.exists():
            left["tmp"] = str(self.tmp)
        return left


# ------------------------------------------------------------------ main

def machine_info():
    model = None
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    try:
        tg = run(["trafgen", "-v"], check=False).splitlines()[0]
    except Exception:
        tg = None
    try:
        commit = run(["git", "-C", str(REPO), "rev-parse", "--short",
                      "HEAD"], check=False).strip() or None
    except Exception:
        commit = None
    return {"nproc": os.cpu_count(), "cpu_model": model,
            "kernel": platform.release(), "trafgen": tg,
            "synfront_commit": commit,
            "loadavg": Path("/proc/loadavg").read_text().split()[:3]}


def summarise(res):
    lin = [r for r in res["linux"] if r.get("valid")]
    sfr = [r for r in res["synfront_veth"] if r.get("valid")]
    pairs = []
    for i in range(min(len(res["linux"]), len(res["synfront_veth"]))):
        lr, sr = res["linux"][i], res["synfront_veth"][i]
        ok = lr.get("valid") and sr.get("valid") and lr["synack_pps"] > 0
        pairs.append({
            "linux_synack_pps": lr.get("synack_pps"),
            "synfront_synack_pps": sr.get("synack_pps"),
            "ratio": round(sr["synack_pps"] / lr["synack_pps"], 4)
            if ok else None,
            "reason": None if ok else "a run of this pair is invalid"})
    res["pairs"] = pairs

    def med(rows, key):
        v = median([r.get(key) for r in rows])
        return round(v, 4) if v is not None else None
    res["median"] = {
        "linux_synack_pps": med(lin, "synack_pps"),
        "synfront_synack_pps": med(sfr, "synack_pps"),
        "ratio": med(pairs, "ratio"),
        "linux_offered_pps": med(lin, "offered_pps"),
        "synfront_offered_pps": med(sfr, "offered_pps"),
        "linux_protocol_synack_pps": med(lin, "protocol_synack_pps"),
        "synfront_protocol_synack_pps": med(sfr, "protocol_synack_pps"),
        "linux_cpu1_busy": med(lin, "cpu1_busy"),
        "linux_cpu1_softirq": med(lin, "cpu1_softirq"),
        "synfront_cpu1_busy": med(sfr, "cpu1_busy"),
        "synfront_cpu1_softirq": med(sfr, "cpu1_softirq"),
        "linux_us_per_synack": med(lin, "us_per_synack"),
        "synfront_us_per_synack": med(sfr, "us_per_synack"),
        "synfront_us_per_synack_all": med(sfr, "us_per_synack_all"),
        "synfront_poll_busy_share": med(sfr, "poll_busy_share"),
        "valid_runs": {"linux": len(lin), "synfront": len(sfr)},
    }
    if not lin or not sfr:
        res["median"]["reason"] = "no valid runs of one kind"


def print_summary(res):
    m = res.get("median") or {}

    def f(x, fmt="{:,.0f}"):
        return "n/a" if x is None else fmt.format(x)
    p = res["params"]
    print(f"linux_veth: {p['runs']} pair(s), {p['seconds']} s windows after "
          f"{p['warmup']} s warm-up, rate "
          f"{'max' if not p['rate'] else p['rate']}, cpu{GEN_CPU} trafgen, "
          f"cpu{SRV_CPU} server")
    for kind in ("linux", "synfront_veth"):
        for i, r in enumerate(res.get(kind, [])):
            if "synack_pps" not in r:
                print(f"  {kind:18s} #{i}: failed: {r.get('invalid_reason')}")
                continue
            print(f"  {kind:18s} #{i}: SYN-ACK {f(r['synack_pps'])}/s "
                  f"(proto {f(r.get('protocol_synack_pps'))}/s), offered "
                  f"{f(r['offered_pps'])}/s, cpu1 busy "
                  f"{f(r['cpu1_busy'], '{:.0%}')} softirq "
                  f"{f(r['cpu1_softirq'], '{:.0%}')}; limited by "
                  f"{r.get('limited_by')}"
                  + ("" if r.get("valid") else
                     f"  INVALID: {r.get('invalid_reason')}"))
            for w in r.get("warnings", []):
                print(f"      warning: {w}")
    print(f"  median: Linux {f(m.get('linux_synack_pps'))} SYN-ACK/s, "
          f"synfront({res['params']['pmd']}) "
          f"{f(m.get('synfront_synack_pps'))} SYN-ACK/s, "
          f"ratio {f(m.get('ratio'), '{:.2f}')}; server core per SYN-ACK: "
          f"Linux {f(m.get('linux_us_per_synack'), '{:.3f}')} us, "
          f"synfront {f(m.get('synfront_us_per_synack'), '{:.3f}')} us "
          f"({f(m.get('synfront_us_per_synack_all'), '{:.3f}')} us with "
          f"the kernel's work for the medium)")
    if res.get("error"):
        print(f"  error: {res['error']}")
    if res.get("leftovers"):
        print(f"  LEFT BEHIND: {res['leftovers']}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--synfront", default=str(REPO / "build/app/synfront"))
    ap.add_argument("--runs", type=int, default=3,
                    help="pairs of runs, Linux then synfront (default 3)")
    ap.add_argument("--seconds", type=float, default=5.0,
                    help="measurement window per run (default 5)")
    ap.add_argument("--warmup", type=float, default=1.0,
                    help="load before the window opens (default 1)")
    ap.add_argument("--rate", type=int, default=0,
                    help="offered SYNs/s, 0 = as fast as trafgen goes")
    ap.add_argument("--mem", type=int, default=1024,
                    help="synfront's -m (MB, default 1024)")
    ap.add_argument("--pmd", default="af_xdp",
                    choices=["af_xdp", "af_packet"],
                    help="synfront's PMD on the server veth (default "
                    "af_xdp: the frames never reach the kernel's IP layer)")
    ap.add_argument("--afp-devargs", default="",
                    help="extra net_af_packet devargs, e.g. framecnt=4096")
    ap.add_argument("--wait-quiet", type=float, default=0.0,
                    help="before each run wait up to this many seconds for "
                    "other processes to leave cpu0/cpu1 idle (default 0)")
    ap.add_argument("--max-seconds", type=float, default=110.0,
                    help="start no new run after this (default 110)")
    ap.add_argument("--out", help="write the JSON here")
    args = ap.parse_args()

    if os.geteuid() != 0:
        sys.exit("linux_veth.py: needs root (namespaces, trafgen)")
    if (os.cpu_count() or 1) <= max(GEN_CPU, SRV_CPU):
        sys.exit(f"linux_veth.py: needs cpu{GEN_CPU} and cpu{SRV_CPU}")
    for tool in ("trafgen", "nstat", "taskset", "ip", "sysctl", "ethtool"):
        if not shutil.which(tool):
            sys.exit(f"linux_veth.py: {tool} not found")
    if args.afp_devargs and args.pmd != "af_packet":
        sys.exit(f"linux_veth.py: --afp-devargs {args.afp_devargs!r} is "
                 f"for --pmd af_packet, not {args.pmd}")
    args.synfront = Path(args.synfront).resolve()
    if not os.access(args.synfront, os.X_OK):
        sys.exit(f"linux_veth.py: {args.synfront} is not executable")
    if args.runs < 1 or args.seconds <= 0 or args.warmup < 0:
        sys.exit("linux_veth.py: --runs >= 1, --seconds > 0, --warmup >= 0")

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, _on_signal)

    start = time.monotonic()
    host_before = host_sysctls()
    b = Bench(args)
    res = {"machine": machine_info(),
           "params": {"runs": args.runs, "seconds": args.seconds,
                      "warmup": args.warmup, "rate": args.rate,
                      "gen_cpu": GEN_CPU, "server_cpu": SRV_CPU,
                      "frame_bytes": FRAME_LEN, "syncookies": 2,
                      "afp_devargs": args.afp_devargs or None,
                      "pmd": args.pmd,
                      "synack_counter": "server veth tx_packets",
                      "method_notes": [
                          "--rate 0: trafgen's slow path, one blocking "
                          "sendto() per frame; for Linux the generator is "
                          "held back by its socket send buffer while the "
                          "SYNs wait in cpu1's backlog (closed loop), for "
                          "synfront frames the af_packet ring cannot take "
                          "are dropped, so the generator is not held back "
                          "and cpu1's softirq handles every offered frame",
                          "synfront runs with af_packet: the kernel's IP "
                          "input still sees every SYN on the address-less "
                          "veth and drops it (IpInAddrErrors), on cpu1; "
                          "with af_xdp the XDP program redirects the frames "
                          "to synfront's socket first (copy mode on veth, "
                          "cpu1's softirq does the copy)",
                          "client veth RPS on cpu0: the client's drop of "
                          "the SYN-ACKs is charged to the generator's CPU",
                          "limited_by is a heuristic from the answered "
                          "share and the CPU shares"],
                      "netns": [b.ns_srv, b.ns_cli],
                      "veth": [b.if_srv, b.if_cli]},
           "linux": [], "synfront_veth": []}
    rc = 0
    try:
        b.setup()
        res["params"]["rps_cpus"] = b.rps
        res["params"]["trafgen_cmd"] = " ".join(b.trafgen_cmd())
        res["params"]["shaper"] = b.shaper
        for i in range(args.runs):
            for kind, fn in (("linux", b.run_linux),
                             ("synfront_veth", b.run_synfront)):
                need = args.warmup + args.seconds + 8
                if time.monotonic() - start + need > args.max_seconds:
                    res.setdefault("notes", []).append(
                        f"stopped before {kind} run {i}: --max-seconds "
                        f"{args.max_seconds} would be exceeded")
                    raise StopIteration
                quiet = None
                if args.wait_quiet > 0:
                    quiet = b.wait_quiet(min(
                        args.wait_quiet,
                        args.max_seconds - need - (time.monotonic() - start)))
                try:
                    r = fn(i)
                    if quiet is not None:
                        r["quiet_wait"] = {"waited_s": quiet[0],
                                           "foreign_share_before": quiet[1]}
                except Failure as e:
                    r = {"valid": False, "invalid_reason": str(e)}
                res[kind].append(r)
    except StopIteration:
        pass
    except Abort as e:
        res["error"] = f"aborted by {e}"
        rc = 130
    except Failure as e:
        res["error"] = f"setup failed: {e}"
        rc = 1
    except Exception as e:  # report, clean up, fail
        res["error"] = f"{type(e).__name__}: {e}"
        rc = 1
    finally:
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        b.cleanup()
        res["leftovers"] = b.leftovers(b.started_pids)
        if b.notes:
            res.setdefault("notes", []).extend(b.notes)
        host_after = host_sysctls()
        res["host_sysctls_unchanged"] = host_before == host_after
        if host_before != host_after:
            res["host_sysctls"] = {"before": host_before,
                                   "after": host_after}
    if hasattr(b, "sf_cmd"):
        res["params"]["synfront_cmd"] = " ".join(b.sf_cmd)
    summarise(res)
    res["elapsed_s"] = round(time.monotonic() - start, 2)
    if args.out:
        Path(args.out).write_text(json.dumps(res, indent=2) + "\n")
    print_summary(res)
    if res["leftovers"]:
        rc = rc or 1
    if res["median"]["ratio"] is None:
        rc = rc or 2          # the JSON says why
    return rc


if __name__ == "__main__":
    sys.exit(main())
