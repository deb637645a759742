#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""synfront's SYN proxy against Linux's SYNPROXY, side by side (issue 18).

One topology for both, three namespaces joined by two veth pairs:

    client ns (C)            router ns (R)              backend ns (B)
    10.10.0.2  c0 ======== r0  [proxy]  r1 ======== b0  10.20.0.2
    sf_flood, ab, curl       cpu1 only                   nginx :80

  direct    R forwards (ip_forward, no rules): the baseline of the first
            byte; clients connect to 10.20.0.2:80.
  linux     R forwards with iptables' SYNPROXY target on the SYNs to :80
            (raw CT --notrack, SYNPROXY --sack-perm --timestamp --wscale 7
            --mss 1460, INVALID dropped: the documented recipe), cookies
            always; clients connect to 10.20.0.2:80.
  synfront  R's kernel has no address; synfront (lcore 1 = cpu1) owns r0
            and r1 through net_af_packet, --app proxy to 10.20.0.2:80
            (FULLNAT); clients connect to 10.10.0.1:80.

The receive work of r0 and r1 goes to cpu1 (RPS), that of c0 and b0 to
cpu0, where the flood, the clients and nginx also run: cpu1 is the proxy
core. Per round, runs alternate direct/linux/synfront:

  first byte  200 requests one after another (curl, Connection: close,
              time_starttransfer: connect + request + first byte)
  flood       sf_flood at each rate (spoofed sources 10.99.0.0/16, paced)
              while ab sends requests 8 at a time for 5 s (Connection:
              close); legitimate success, requests/s, the SYNs the proxy
              answered, cpu1's busy and softirq shares; the cost per SYN:
              Linux's cpu1 kernel time per SYN; synfront's busy poll
              cycles per SYN (poll_busy_cycles / poll_cycles of the
              window), beside the kernel's own af_packet time on cpu1.

Medians over the rounds go to a JSON file and a markdown table. Every
namespace, process and file this script makes is removed on exit, also on
failure and Ctrl-C. Root; about 3 minutes with the defaults.

Usage: bench/synproxy.py --build build [--rounds 3] [--rates 20000,50000]
       [--out bench/results/synproxy.json] [--smoke]
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
TAG = "sp%d" % os.getpid()
NS = {"c": TAG + "c", "r": TAG + "r", "b": TAG + "b"}
N = Namespaces(NS, TAG)
sh, spawn, stop = N.sh, N.spawn, N.stop
PROXY_CPU, GEN_CPU = 1, 0
VIP = {"direct": "10.20.0.2", "linux": "10.20.0.2", "synfront": "10.10.0.1"}
NGINX = """worker_processes 1;
daemon off;
pid %(d)s/nginx.pid;
error_log %(d)s/nginx.err;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path %(d)s/b; proxy_temp_path %(d)s/p;
  fastcgi_temp_path %(d)s/f; uwsgi_temp_path %(d)s/u; scgi_temp_path %(d)s/s;
  server { listen 80 backlog=4096; location / { return 200 "hello\\n"; } }
}
"""


def log(msg):
    print("synproxy-bench: " + msg, flush=True)










def rps(ns, dev, mask):
    sh(["sh", "-c", "echo %x > /sys/class/net/%s/queues/rx-0/rps_cpus" %
        (mask, dev)], ns=ns)


def setup(tmp):
    for ns in NS.values():
        sh(["ip", "netns", "add", ns])
    sh(["ip", "link", "add", "c0", "netns", NS["c"], "type", "veth",
        "peer", "r0", "netns", NS["r"]])
    sh(["ip", "link", "add", "b0", "netns", NS["b"], "type", "veth",
        "peer", "r1", "netns", NS["r"]])
    for ns, dev, addr, gw in (("c", "c0", "10.10.0.2/24", "10.10.0.1"),
                              ("b", "b0", "10.20.0.2/24", "10.20.0.1")):
        sh(["ip", "addr", "add", addr, "dev", dev], ns=ns)
        sh(["ip", "link", "set", dev, "up"], ns=ns)
        sh(["ip", "link", "set", "lo", "up"], ns=ns)
        sh(["ip", "route", "add", "default", "via", gw], ns=ns)
        # af_packet takes frames as the peer sent them: whole checksums.
        sh(["ethtool", "-K", dev, "tx", "off"], ns=ns)
        rps(ns, dev, 1 << GEN_CPU)
    for dev in ("r0", "r1"):
        sh(["ip", "link", "set", dev, "up"], ns="r")
        rps("r", dev, 1 << PROXY_CPU)
    sh(["sysctl", "-qw", "net.ipv4.ip_local_port_range=10000 60999"],
       ns="c")
    (tmp / "ngx").mkdir()
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX % {"d": tmp / "ngx"})
    spawn(["nginx", "-c", str(conf)], "b", tmp / "nginx.log", cpu=GEN_CPU)
    time.sleep(0.5)


def router_mode(mode):
    """The kernel router for direct and linux; an empty R for synfront."""
    sh(["iptables", "-F"], ns="r")
    sh(["iptables", "-t", "raw", "-F"], ns="r")
    sh(["ip", "addr", "flush", "dev", "r0"], ns="r")
    sh(["ip", "addr", "flush", "dev", "r1"], ns="r")
    if mode == "synfront":
        sh(["sysctl", "-qw", "net.ipv4.ip_forward=0"], ns="r")
        return
    sh(["ip", "addr", "add", "10.10.0.1/24", "dev", "r0"], ns="r")
    sh(["ip", "addr", "add", "10.20.0.1/24", "dev", "r1"], ns="r")
    # SYN-ACKs to the flood's sources go back to the client side and die.
    sh(["ip", "route", "replace", "10.99.0.0/16", "via", "10.10.0.2"],
       ns="r")
    for k in ("net.ipv4.ip_forward=1", "net.ipv4.tcp_syncookies=2",
              "net.ipv4.tcp_timestamps=1",
              "net.netfilter.nf_conntrack_tcp_loose=0"):
        sh(["sysctl", "-qw", k], ns="r", check=False)
    if mode == "linux":
        sh(["iptables", "-t", "raw", "-A", "PREROUTING", "-i", "r0", "-p",
            "tcp", "--dport", "80", "--syn", "-j", "CT", "--notrack"],
           ns="r")
        sh(["iptables", "-A", "FORWARD", "-i", "r0", "-p", "tcp",
            "--dport", "80", "-m", "conntrack", "--ctstate",
            "INVALID,UNTRACKED", "-j", "SYNPROXY", "--sack-perm",
            "--timestamp", "--wscale", "7", "--mss", "1460"], ns="r")
        sh(["iptables", "-A", "FORWARD", "-m", "conntrack", "--ctstate",
            "INVALID", "-j", "DROP"], ns="r")


def start_synfront(args, tmp):
    ini = tmp / "sf.ini"
    ini.write_text("[synfront]\napp = proxy\nbackend = 10.20.0.2:80\n"
                   "backend_check_ms = 1000\nsyncookies = 2\n"
                   "[port0]\naddr = 10.10.0.1/24\n"
                   "[port1]\naddr = 10.20.0.1/24\n"
                   "[listener web]\nlisten = 80\n")
    p = spawn([str(args.build / "app" / "synfront"), "-l", str(PROXY_CPU),
               "--no-huge", "-m", "1024", "--no-pci", "--file-prefix", TAG,
               "--vdev", "net_%s0,iface=r0" % args.pmd,
               "--vdev", "net_%s1,iface=r1" % args.pmd, "--", "-c", str(ini)],
              "r", tmp / "synfront.log")
    sock = Path("/var/run/dpdk") / TAG / "dpdk_telemetry.v2"
    deadline = time.monotonic() + 20
    while True:
        try:
            pool = telemetry(sock, "/synfront/backends,0")
            if pool and pool.get("up") == 1:
                return p, sock
        except (OSError, ValueError):
            pass
        if p.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("synfront did not start: " +
                               (tmp / "synfront.log").read_text()[-800:])
        time.sleep(0.2)


def first_byte(vip, n, tmp):
    cfg = tmp / "fb.cfg"
    cfg.write_text("".join('url = "http://%s/%d"\noutput = "/dev/null"\n' %
                           (vip, i) for i in range(n)))
    out = sh(["taskset", "-c", str(GEN_CPU), "curl", "-s", "-m", "5",
              "-H", "Connection: close", "-w", "%{time_starttransfer}\n",
              "-K", str(cfg)], ns="c", timeout=120)
    t = [float(x) * 1e6 for x in out.split()]
    return statistics.median(t) if len(t) == n else None, len(t)


def proxy_syns(mode, sock):
    if mode == "synfront":
        c = telemetry(sock, "/synfront/stats")
        return c["syncookies_sent"] + c["syn_recv"], c
    # /proc/net/stat/synproxy: one line per CPU, hex, syn_received first
    tot = 0
    for line in sh(["cat", "/proc/net/stat/synproxy"],
                   ns="r").splitlines()[1:]:
        tot += int(line.split()[1], 16)
    return tot, None


def flood_run(args, mode, rate, sock, tmp):
    vip = VIP[mode]
    flood = spawn([str(args.build / "test" / "tools" / "sf_flood"), "--dst",
                   vip, "--dport", "80", "--src", "10.99.0.0/16", "--count",
                   str(rate * (args.seconds + 20)), "--seconds",
                   str(args.seconds + 20), "--rate", str(rate), "--opts",
                   "mss=1460,sack,ts,ws=7", "--quiet"], "c",
                  tmp / "flood.log", cpu=GEN_CPU)
    time.sleep(1.0)
    s0, c0 = proxy_syns(mode, sock)
    p0 = read_proc_stat()
    t0 = time.monotonic()
    ab = sh(["taskset", "-c", str(GEN_CPU), "ab", "-q", "-s", "10", "-t",
             str(args.seconds), "-n", "10000000", "-c", "8", "-H",
             "Connection: close", "http://%s/" % vip], ns="c", check=False,
            timeout=args.seconds + 60, both=True)
    t1 = time.monotonic()
    p1 = read_proc_stat()
    s1, c1 = proxy_syns(mode, sock)
    stop(flood)
    done = re.search(r"Complete requests:\s+(\d+)", ab)
    failed = re.search(r"Failed requests:\s+(\d+)", ab)
    non2xx = re.search(r"Non-2xx responses:\s+(\d+)", ab)
    # ab gives up on the whole run when one connection stays silent for
    # -s (10 s): a legitimate client left hanging. Counted as one failure
    # beside those that completed.
    cut = re.search(r"Total of (\d+) requests completed", ab)
    if done and failed:
        total = int(done.group(1))
        ok = total - int(failed.group(1)) - \
            (int(non2xx.group(1)) if non2xx else 0)
    elif cut:
        total = int(cut.group(1)) + 1
        ok = total - 1
    else:
        total = ok = 0
    sh_ = cpu_shares(p0[PROXY_CPU], p1[PROXY_CPU])
    secs = t1 - t0
    syns = s1 - s0
    r = {"mode": mode, "rate": rate, "legit_ok": ok, "legit_of": total,
         "ab_gave_up": bool(cut) and not done,
         "legit_pct": round(100.0 * ok / total, 2) if total else 0.0,
         # what completed over the window, also when ab gave up early
         "legit_rps": round(ok / secs, 1),
         "syn_pps": round(syns / secs), "seconds": round(secs, 2),
         "cpu1": sh_}
    kern = (sh_["system"] + sh_["softirq"] + sh_["irq"]) * secs
    if mode == "synfront":
        busy = (c1["poll_busy_cycles"] - c0["poll_busy_cycles"]) / \
            max(1, c1["poll_cycles"] - c0["poll_cycles"])
        r["poll_busy_share"] = round(busy, 4)
        r["us_per_syn"] = round(busy * secs / max(syns, 1) * 1e6, 3)
        r["kernel_us_per_syn"] = round(kern / max(syns, 1) * 1e6, 3)
    else:
        r["us_per_syn"] = round(kern / max(syns, 1) * 1e6, 3)
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", type=Path, default=REPO / "build")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rates", default="20000,50000")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--fb", type=int, default=200)
    ap.add_argument("--out", type=Path,
                    default=REPO / "bench" / "results" / "synproxy.json")
    ap.add_argument("--pmd", default="af_packet",
                    choices=["af_packet", "af_xdp"])
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    args.build = args.build.resolve()
    if args.smoke:
        args.rounds, args.rates, args.seconds, args.fb = 1, "2000", 1, 10
    rates = [int(x) for x in args.rates.split(",")]
    for tool in ("nginx", "ab", "curl", "iptables", "ethtool"):
        if shutil.which(tool) is None:
            sys.exit("synproxy-bench: %s is missing "
                     "(scripts/install-deps.sh)" % tool)
    tmp = Path(tempfile.mkdtemp(prefix="sfsp-"))
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    runs = []
    try:
        setup(tmp)
        for rnd in range(args.rounds):
            for mode in ("direct", "linux", "synfront"):
                router_mode(mode)
                sf, sock = (start_synfront(args, tmp) if mode == "synfront"
                            else (None, None))
                fb, n = first_byte(VIP[mode], args.fb, tmp)
                runs.append({"round": rnd, "mode": mode, "first_byte_us": fb,
                             "fb_requests": n})
                log("round %d %s: first byte %.0f us (%d requests)" % (
                    rnd, mode, fb or -1, n))
                if mode != "direct":
                    for rate in rates:
                        r = flood_run(args, mode, rate, sock, tmp)
                        r["round"] = rnd
                        runs.append(r)
                        log("round %d %s flood %d pps: legit %d/%d, %.0f "
                            "req/s, SYNs %d/s, %.3f us/SYN, cpu1 %s" % (
                                rnd, mode, rate, r["legit_ok"],
                                r["legit_of"], r["legit_rps"], r["syn_pps"],
                                r["us_per_syn"], r["cpu1"]))
                if sf is not None:
                    stop(sf)
    finally:
        N.cleanup(tmp)
    summary = {}
    for mode in ("direct", "linux", "synfront"):
        fbs = [r["first_byte_us"] for r in runs if r["mode"] == mode and
               "first_byte_us" in r and r["first_byte_us"] is not None]
        summary[mode] = {"first_byte_us": round(statistics.median(fbs), 1)
                         if fbs else None}
        for rate in rates:
            rs = [r for r in runs if r["mode"] == mode and
                  r.get("rate") == rate]
            if not rs:
                continue
            summary[mode][str(rate)] = {
                k: round(statistics.median(r[k] for r in rs), 3)
                for k in ("legit_pct", "legit_rps", "syn_pps", "us_per_syn")}
            if mode == "synfront":
                summary[mode][str(rate)]["poll_busy_share"] = round(
                    statistics.median(r["poll_busy_share"] for r in rs), 4)
                summary[mode][str(rate)]["kernel_us_per_syn"] = round(
                    statistics.median(r["kernel_us_per_syn"] for r in rs), 3)
    res = {"params": {k: str(v) for k, v in vars(args).items()},
           "cpu": sh(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo"]),
           "kernel": os.uname().release, "runs": runs, "summary": summary}
    if not args.smoke:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(res, indent=1) + "\n")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
