#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""synfront's HTTP responder against nginx on Linux, side by side (issue 19).

One topology for both, two namespaces joined by a veth pair:

    client ns (C)                     server ns (S)
    10.10.0.2  c0 ================== s0  10.10.0.1
    wrk, cpu0                         cpu1 only

  nginx     S's kernel owns 10.10.0.1; nginx (Debian nginx-light), one
            worker pinned to cpu1, access_log off, `return 200` of the
            64-byte body; s0's receive work on cpu1 (RPS).
  synfront  S's kernel has no address; synfront (lcore 1 = cpu1) owns s0
            through net_af_xdp (or --pmd af_packet), app http, route /
            answering the same 64 bytes.

Per round, the two alternate; each runs wrk for --seconds with
`Connection: close` (one request per connection: connections/s) and with
keep-alive (requests/s), 1 thread on cpu0 and --conns connections, and
records wrk's requests/s, p50/p99 latency and errors, and cpu1's busy
share: for nginx the kernel's and nginx's time on cpu1 (/proc/stat);
for synfront the share of its poll cycles that received frames
(poll_busy_cycles / poll_cycles) beside the kernel's time on cpu1 (the
AF_XDP syscalls and the veth's XDP work: the medium's price). The cost
per connection and per request is cpu1's busy time over what was done:
synfront's own (us_per_unit), and with the kernel's work for the medium
added (us_per_unit_all).

Medians over the rounds and the ratios (round by round) go to a JSON
file. Every namespace, process and file made here is removed on exit,
also on failure and Ctrl-C. Root; about 2 minutes with the defaults.

Usage: bench/http.py --build build [--rounds 3] [--seconds 5]
       [--out bench/results/http.json] [--smoke]
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from linux_veth import cpu_shares, read_proc_stat, telemetry  # noqa: E402
from nsrun import Namespaces  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TAG = "hb%d" % os.getpid()
NS = {"c": TAG + "c", "s": TAG + "s"}
N = Namespaces(NS, TAG)
sh, spawn, stop = N.sh, N.spawn, N.stop
SERVER_CPU, GEN_CPU = 1, 0
BODY = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!\n"
NGINX = """worker_processes 1;
worker_cpu_affinity %(mask)s;
daemon off;
pid %(d)s/nginx.pid;
error_log %(d)s/nginx.err;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path %(d)s/b; proxy_temp_path %(d)s/p;
  fastcgi_temp_path %(d)s/f; uwsgi_temp_path %(d)s/u; scgi_temp_path %(d)s/s;
  server { listen 80 backlog=4096;
           location / { default_type text/plain; return 200 "%(body)s"; } }
}
"""


def log(msg):
    print("http-bench: " + msg, flush=True)










def setup():
    for ns in NS.values():
        sh(["ip", "netns", "add", ns])
    sh(["ip", "link", "add", "c0", "netns", NS["c"], "type", "veth",
        "peer", "s0", "netns", NS["s"]])
    sh(["ip", "addr", "add", "10.10.0.2/24", "dev", "c0"], ns="c")
    for ns, dev in (("c", "c0"), ("s", "s0")):
        sh(["ip", "link", "set", dev, "up"], ns=ns)
        sh(["ip", "link", "set", "lo", "up"], ns=ns)
        cpu = GEN_CPU if ns == "c" else SERVER_CPU
        sh(["sh", "-c", "echo %x > /sys/class/net/%s/queues/rx-0/rps_cpus"
            % (1 << cpu, dev)], ns=ns)
    # The AF_XDP and af_packet PMDs take frames as the peer sent them.
    sh(["ethtool", "-K", "c0", "tx", "off"], ns="c")
    sh(["sysctl", "-qw", "net.ipv4.ip_local_port_range=10000 60999"],
       ns="c")
    sh(["sysctl", "-qw", "net.ipv4.tcp_tw_reuse=1"], ns="c")


def start_nginx(tmp):
    sh(["ip", "addr", "add", "10.10.0.1/24", "dev", "s0"], ns="s")
    d = tmp / "ngx"
    d.mkdir(exist_ok=True)
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX % {"d": d, "body": BODY.replace("\n", "\\n"),
                             "mask": format(1 << SERVER_CPU, "b")})
    p = spawn(["nginx", "-c", str(conf)], "s", tmp / "nginx.log")
    for _ in range(50):
        if sh(["ss", "-ltn", "sport", "= :80"], ns="s").count("LISTEN"):
            return p, None
        time.sleep(0.1)
    raise RuntimeError("nginx did not start: " +
                       (tmp / "nginx.log").read_text()[-500:])


def start_synfront(args, tmp):
    sh(["ip", "addr", "flush", "dev", "s0"], ns="s")
    ini = tmp / "sf.ini"
    ini.write_text("[synfront]\nstats_interval = 0\n"
                   "[port0]\naddr = 10.10.0.1/24\n"
                   "[listener web]\nlisten = 80\napp = http\n"
                   "[route /]\nbody = %s\n" % BODY.replace("\n", "\\n"))
    p = spawn([str(args.build / "app" / "synfront"), "-l", str(SERVER_CPU),
               "--no-huge", "-m", "1024", "--no-pci", "--file-prefix", TAG,
               "--vdev", "net_%s0,iface=s0" % args.pmd, "--", "-c",
               str(ini)], "s", tmp / "synfront.log")
    sock = Path("/var/run/dpdk") / TAG / "dpdk_telemetry.v2"
    deadline = time.monotonic() + 20
    while True:
        try:
            if telemetry(sock, "/synfront/http") is not None:
                break
        except (OSError, ValueError):
            pass
        if p.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("synfront did not start: " +
                               (tmp / "synfront.log").read_text()[-800:])
        time.sleep(0.2)
    # The first ARP exchange, so that wrk's first SYNs are not lost.
    sh(["ping", "-c", "1", "-W", "2", "10.10.0.1"], ns="c", check=False)
    return p, sock


def wrk_parse(out):
    def unit_us(v, u):
        return float(v) * {"us": 1, "ms": 1e3, "s": 1e6}[u]
    r = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    r["rps"] = float(m.group(1)) if m else 0.0
    m = re.search(r"(\d+) requests in", out)
    r["requests"] = int(m.group(1)) if m else 0
    for pct in ("50", "99"):
        m = re.search(r"\s%s(?:\.000)?%%\s+([\d.]+)(us|ms|s)\b" % pct, out)
        r["p%s_us" % pct] = unit_us(*m.groups()) if m else None
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                  r"timeout (\d+)", out)
    r["errors"] = sum(int(x) for x in m.groups()) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    r["non2xx"] = int(m.group(1)) if m else 0
    return r


def run_wrk(args, close, sock):
    c0 = telemetry(sock, "/synfront/stats") if sock else None
    p0 = read_proc_stat()
    t0 = time.monotonic()
    cmd = ["taskset", "-c", str(GEN_CPU), "wrk", "-t", "1", "-c",
           str(args.conns), "-d", "%ds" % args.seconds, "--timeout", "5s",
           "--latency"]
    if close:
        cmd += ["-H", "Connection: close"]
    out = sh(cmd + ["http://10.10.0.1/"], ns="c", timeout=args.seconds + 60)
    secs = time.monotonic() - t0
    p1 = read_proc_stat()
    c1 = telemetry(sock, "/synfront/stats") if sock else None
    r = wrk_parse(out)
    r["seconds"] = round(secs, 2)
    shares = cpu_shares(p0[SERVER_CPU], p1[SERVER_CPU])
    r["cpu1"] = shares
    kernel = shares["system"] + shares["softirq"] + shares["irq"]
    if sock is not None:
        busy = (c1["poll_busy_cycles"] - c0["poll_busy_cycles"]) / \
            max(1, c1["poll_cycles"] - c0["poll_cycles"])
        r["poll_busy_share"] = round(busy, 4)
        r["kernel_share"] = round(kernel, 4)
        work = busy
    else:
        work = shares["user"] + kernel
    r["server_busy_share"] = round(work, 4)
    done = max(1, r["requests"])
    r["us_per_unit"] = round(work * secs / done * 1e6, 3)
    # With the kernel's work for the medium (AF_XDP on veth) counted too.
    total = work + (kernel if sock is not None else 0.0)
    r["us_per_unit_all"] = round(total * secs / done * 1e6, 3)
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", type=Path, default=REPO / "build")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--conns", type=int, default=32)
    ap.add_argument("--pmd", default="af_xdp",
                    choices=["af_packet", "af_xdp"])
    ap.add_argument("--out", type=Path,
                    default=REPO / "bench" / "results" / "http.json")
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    args.build = args.build.resolve()
    if args.smoke:
        args.rounds, args.seconds, args.conns = 1, 1, 4
    for tool in ("nginx", "wrk", "ethtool", "ss"):
        if shutil.which(tool) is None:
            sys.exit("http-bench: %s is missing (scripts/install-deps.sh)"
                     % tool)
    tmp = Path(tempfile.mkdtemp(prefix="sfhb-"))
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    runs = []
    try:
        setup()
        for rnd in range(args.rounds):
            for mode in ("nginx", "synfront"):
                srv, sock = (start_nginx(tmp) if mode == "nginx" else
                             start_synfront(args, tmp))
                for close in (True, False):
                    r = run_wrk(args, close, sock)
                    r.update(round=rnd, mode=mode,
                             kind="close" if close else "keepalive")
                    runs.append(r)
                    log("round %d %s %s: %.0f/s p50 %s us p99 %s us, "
                        "errors %d, server busy %.0f %%, %.2f us each" % (
                            rnd, mode, r["kind"], r["rps"], r["p50_us"],
                            r["p99_us"], r["errors"] + r["non2xx"],
                            100 * r["server_busy_share"],
                            r["us_per_unit"]))
                stop(srv)
                if mode == "nginx":
                    sh(["ip", "addr", "flush", "dev", "s0"], ns="s")
                time.sleep(0.5)
    finally:
        N.cleanup(tmp)
    summary = {}
    for mode in ("nginx", "synfront"):
        for kind in ("close", "keepalive"):
            rs = [r for r in runs if r["mode"] == mode and r["kind"] == kind]
            summary["%s_%s" % (mode, kind)] = {
                k: round(statistics.median(r[k] for r in rs), 3)
                for k in ("rps", "p50_us", "p99_us", "server_busy_share",
                          "us_per_unit", "us_per_unit_all")
                if all(r[k] is not None for r in rs)}
            summary["%s_%s" % (mode, kind)]["errors"] = sum(
                r["errors"] + r["non2xx"] for r in rs)
    for kind in ("close", "keepalive"):
        ratios, cost, cost_all = [], [], []
        for rnd in range(args.rounds):
            n = [r for r in runs if r["round"] == rnd and r["kind"] == kind
                 and r["mode"] == "nginx"][0]
            s = [r for r in runs if r["round"] == rnd and r["kind"] == kind
                 and r["mode"] == "synfront"][0]
            ratios.append(s["rps"] / max(n["rps"], 1e-9))
            cost.append(n["us_per_unit"] / max(s["us_per_unit"], 1e-9))
            cost_all.append(n["us_per_unit_all"] /
                            max(s["us_per_unit_all"], 1e-9))
        summary["ratio_%s_rate" % kind] = round(statistics.median(ratios), 2)
        summary["ratio_%s_cost" % kind] = round(statistics.median(cost), 2)
        summary["ratio_%s_cost_with_kernel" % kind] = round(
            statistics.median(cost_all), 2)
    res = {"params": {k: str(v) for k, v in vars(args).items()},
           "cpu": sh(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo"]),
           "kernel": os.uname().release, "body_bytes": len(BODY),
           "runs": runs, "summary": summary}
    if not args.smoke:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(res, indent=1) + "\n")
    print(json.dumps(summary, indent=1))
    bad = [k for k, v in summary.items()
           if isinstance(v, dict) and v.get("errors")]
    if bad:
        sys.exit("http-bench: errors in " + ", ".join(bad))


if __name__ == "__main__":
    main()
