# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
The SYN proxy end to end (issue 18, lib/proxy/sf_pair.c):

    client ns --- tap0 --- synfront --- tap1 --- backend ns
    10.10.0.2            10.10.0.1  10.20.0.1          10.20.0.2
    fd00:10:10::2                                      fd00:10:20::2

synfront runs in a namespace of its own with both taps; each tap's
kernel side is moved to the client's or the backend's namespace, so the
two kernels reach each other only through synfront. The backend runs
real servers: a Python HTTP server (GET a file, POST bytes back as their
sha256) and nginx with proxy_protocol for the PROXY header tests.

Checked: curl gets the backend's page over IPv4 and IPv6; 10 MB down and
10 MB up byte-exact (sha256) with timestamps on and off, without window
scaling on the client, and with 2 % random loss on the client leg
(iptables statistic: this kernel has no netem) so that SACK blocks cross
the splice; the backend's TcpExtTSEcrRejected and PAWS counters stay 0;
a request sent with the third ACK (scapy, once) is answered; a backend
that is stopped gets clients a RST (refused at once, then taken out by
the health checks), and comes back; under a spoofed SYN flood of well
over 100 x syn_backlog, 1,000 of 1,000 curl requests succeed and every
SYN the backend saw is one of synfront's own (a client's connection, a
health check or a retransmission of theirs); wrk from one address with
Connection: close and a small port range reuses ports that synfront
holds in TIME-WAIT and is served; PROXY v1 and v2 headers are read by
nginx, also after a change at run time over /synfront/listen. At the
end every mbuf is back in its pool and every namespace is gone.
"""

import hashlib
import re
import shutil
import subprocess
import time

import pytest

from conftest import (BUILD, PYTHON, Synfront, _pdeathsig, delete_netns,
                      netns_exists, needs_root, run, stop_proc,
                      unique_name)

pytestmark = needs_root

F4, F6 = "10.10.0.1", "fd00:10:10::1"      # synfront, client side
C4, C6 = "10.10.0.2", "fd00:10:10::2"      # the client
S4, S6 = "10.20.0.1", "fd00:10:20::1"      # synfront, backend side
B4, B6 = "10.20.0.2", "fd00:10:20::2"      # the backend
HTTP_PORT = 8080                           # srv.py
PP_PORT = 8081                             # nginx, proxy_protocol
SYN_BACKLOG = 64
SF_FLOOD = BUILD / "test" / "tools" / "sf_flood"
# curl's exits for a connection reset right after the handshake: 7 when
# the RST came before curl saw its connect() complete, 52 empty reply, 55
# send failure, 56 receive failure.
RESET = (7, 52, 55, 56)

SERVER = r"""
import hashlib, http.server, socket, sys
class H(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        h = hashlib.sha256()
        while n > 0:
            b = self.rfile.read(min(n, 65536))
            if not b:
                break
            h.update(b)
            n -= len(b)
        body = h.hexdigest().encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
class S(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True
    request_queue_size = 1024
    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()
srv = S(("::", int(sys.argv[1])), H)
print("up", flush=True)
srv.serve_forever()
"""

NGINX = """
worker_processes 1;
daemon off;
pid %(dir)s/nginx.pid;
error_log %(dir)s/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %(dir)s/body;
  proxy_temp_path %(dir)s/proxy;
  fastcgi_temp_path %(dir)s/fcgi;
  uwsgi_temp_path %(dir)s/uwsgi;
  scgi_temp_path %(dir)s/scgi;
  server {
    listen %(port)d proxy_protocol;
    listen [::]:%(port)d proxy_protocol;
    location / {
      return 200 "$proxy_protocol_addr $proxy_protocol_port $remote_addr\\n";
    }
  }
}
"""


class Topo:
    """synfront between a client and a backend namespace (two taps)."""

    def __init__(self, tmp, backends, extra=(), sections=""):
        self.tmp = tmp
        self.sns = unique_name("n")
        self.cns = unique_name("n")
        self.bns = unique_name("n")
        self.ctap = unique_name("t")
        self.btap = unique_name("t")
        self.procs = []
        ini = tmp / "proxy.ini"
        ini.write_text(
            "[synfront]\napp = proxy\nbackend = %s\n"
            "backend_check_ms = 200\nbackend_check_timeout_ms = 150\n"
            "syn_backlog = %d\n\n"
            "[port0]\naddr = %s/24\naddr = %s/64\n\n"
            "[port1]\naddr = %s/24\naddr = %s/64\n\n"
            "[listener web]\nlisten = 80\n%s" % (
                backends, SYN_BACKLOG, F4, F6, S4, S6, sections))
        self.sf = Synfront(vdev="net_tap0,iface=" + self.ctap,
                           more_vdevs=["net_tap1,iface=" + self.btap],
                           netns=self.sns, lcores="0", tmpdir=tmp,
                           app_args=["-c", str(ini)] + list(extra))

    def start(self):
        for ns in (self.sns, self.cns, self.bns):
            run(["ip", "netns", "add", ns], timeout=10, check=True)
        self.sf.start()
        for tap, ns, a4, a6 in ((self.ctap, self.cns, C4, C6),
                                (self.btap, self.bns, B4, B6)):
            run(["ip", "link", "set", tap, "netns", ns], ns=self.sns,
                timeout=10, check=True)
            for cmd in (["ip", "addr", "add", a4 + "/24", "dev", tap],
                        ["ip", "-6", "addr", "add", a6 + "/64", "dev", tap,
                         "nodad"],
                        ["ip", "link", "set", tap, "up"],
                        ["ip", "link", "set", "lo", "up"]):
                run(cmd, ns=ns, timeout=10, check=True)
        return self

    def spawn(self, ns, argv, ready=None):
        # The HTTP server serves its working directory: the test's.
        p = subprocess.Popen(["ip", "netns", "exec", ns] + argv,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, text=True,
                             cwd=str(self.tmp), preexec_fn=_pdeathsig)
        self.procs.append(p)
        if ready is not None:
            line = p.stdout.readline().strip()
            assert line == ready, (line, p.stderr.read())
        return p

    def server(self):
        return self.spawn(self.bns, [PYTHON, "-c", SERVER, str(HTTP_PORT)],
                          ready="up")

    def nginx(self, port):
        (self.tmp / "ngx").mkdir(exist_ok=True)
        conf = self.tmp / "nginx.conf"
        conf.write_text(NGINX % {"dir": self.tmp / "ngx", "port": port})
        p = self.spawn(self.bns, ["nginx", "-c", str(conf)])
        deadline = time.monotonic() + 10
        while not (self.tmp / "ngx" / "nginx.pid").exists():
            assert p.poll() is None, p.stderr.read()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
        return p

    def backend_up(self, want="up", timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            pool = self.sf.telemetry("/synfront/backends,0")
            st = [pool[k]["state"] for k in pool if k.startswith("backend")
                  and isinstance(pool[k], dict)]
            if st and all(s == want for s in st):
                return pool
            assert time.monotonic() < deadline, pool
            time.sleep(0.05)

    def curl(self, url, *args, timeout=30):
        return run(["curl", "-s", "-g", "-m", str(timeout)] + list(args) +
                   [url], ns=self.cns, timeout=timeout + 10)

    def nstat(self, ns, *names):
        out = run(["nstat", "-az"] + list(names), ns=ns, timeout=10).stdout
        got = {}
        for line in out.splitlines():
            f = line.split()
            if len(f) >= 2 and f[0] in names:
                got[f[0]] = int(f[1])
        return {n: got.get(n, 0) for n in names}

    def cleanup(self):
        for p in self.procs:
            stop_proc(p)
        try:
            self.sf.cleanup()
        finally:
            for ns in (self.cns, self.bns, self.sns):
                delete_netns(ns)


def counters(topo):
    return topo.sf.stats()


@pytest.fixture(scope="module")
def topo(tmp_path_factory):
    t = Topo(tmp_path_factory.mktemp("proxy"),
             "%s:%d,[%s]:%d" % (B4, HTTP_PORT, B6, HTTP_PORT))
    try:
        t.start()
        t.srv = t.server()
        t.backend_up()
        (t.tmp / "hello.txt").write_text("hello through synfront\n")
        blob = bytes(range(256)) * (10 * 1000 * 1000 // 256)
        (t.tmp / "big.bin").write_bytes(blob)
        t.big_sha = hashlib.sha256(blob).hexdigest()
        yield t
        c = counters(t)
        js = t.sf.stop_and_check()
        # Every pair ended: the exit JSON's pool check saw no mbuf held.
        assert js["counters"]["proxy_spliced"] == c["proxy_spliced"]
    finally:
        t.cleanup()
    for ns in (t.sns, t.cns, t.bns):
        assert not netns_exists(ns)


def test_get_v4_v6(topo):
    for host in (F4, "[%s]" % F6):
        r = topo.curl("http://%s/hello.txt" % host, "-w", "%{http_code}")
        assert r.returncode == 0, r.stderr
        assert r.stdout == "hello through synfront\n200", r.stdout
    c = counters(topo)
    assert c["proxy_spliced"] >= 2 and c["proxy_backend_up"] >= 2, c
    pool = topo.sf.telemetry("/synfront/backends,0")
    assert pool["backend0"]["conns"] >= 1 and \
        pool["backend1"]["conns"] >= 1, pool
    px = topo.sf.telemetry("/synfront/proxy")
    assert px["proxy_spliced"] >= 2, px
    assert px["syn_received"] >= 2 and px["cookie_invalid"] == 0, px
    # Both requests closed: no pair is waiting for its backend.
    assert px["pairs_connecting"] == 0, px


@pytest.mark.parametrize("variant", ["default", "no_timestamps",
                                     "no_wscale", "loss", "backend_no_ts"])
def test_10mb_both_ways(topo, variant):
    """10 MB down and 10 MB up, byte-exact, in several client setups."""
    before = topo.nstat(topo.bns, "TcpExtTSEcrRejected", "TcpExtPAWSEstab")
    c0 = counters(topo)
    undo = []
    if variant == "no_timestamps":
        run(["sysctl", "-qw", "net.ipv4.tcp_timestamps=0"], ns=topo.cns,
            check=True)
    elif variant == "no_wscale":
        run(["sysctl", "-qw", "net.ipv4.tcp_window_scaling=0"],
            ns=topo.cns, check=True)
    elif variant == "backend_no_ts":
        run(["sysctl", "-qw", "net.ipv4.tcp_timestamps=0"], ns=topo.bns,
            check=True)
        undo.append((topo.bns, ["sysctl", "-qw",
                                "net.ipv4.tcp_timestamps=1"]))
    elif variant == "loss":
        for chain, opt in (("INPUT", "--sport"), ("OUTPUT", "--dport")):
            run(["iptables", "-A", chain, "-p", "tcp", opt, "80", "-m",
                 "statistic", "--mode", "random", "--probability", "0.02",
                 "-j", "DROP"], ns=topo.cns, check=True)
        undo.append((topo.cns, ["iptables", "-F"]))
    try:
        out = topo.tmp / "down.bin"
        r = topo.curl("http://%s/big.bin" % F4, "-o", str(out), timeout=60)
        assert r.returncode == 0, r.stderr
        assert hashlib.sha256(out.read_bytes()).hexdigest() == topo.big_sha
        r = topo.curl("http://%s/up" % F4, "--data-binary",
                      "@" + str(topo.tmp / "big.bin"), timeout=60)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == topo.big_sha
    finally:
        for ns, cmd in undo:
            run(cmd, ns=ns)
        run(["sysctl", "-qw", "net.ipv4.tcp_timestamps=1"], ns=topo.cns)
        run(["sysctl", "-qw", "net.ipv4.tcp_window_scaling=1"], ns=topo.cns)
    c = counters(topo)
    assert c["proxy_fwd_c2b"] - c0["proxy_fwd_c2b"] > 5000, c
    assert c["proxy_fwd_b2c"] - c0["proxy_fwd_b2c"] > 5000, c
    if variant == "loss":
        # Losses on the client leg make both ends SACK across the splice.
        assert c["proxy_sack_blocks"] > c0["proxy_sack_blocks"], c
    if variant == "backend_no_ts":
        # The client has timestamps, the backend not: synfront gives the
        # backend's segments theirs (the client verified every checksum).
        assert c["proxy_ts_inserted"] - c0["proxy_ts_inserted"] > 5000, c
    else:
        assert c["proxy_ts_inserted"] == c0["proxy_ts_inserted"], c
    after = topo.nstat(topo.bns, "TcpExtTSEcrRejected", "TcpExtPAWSEstab")
    assert after == before, (before, after)


def test_request_with_third_ack(topo):
    """One segment with the third ACK and the request, sent once: answered."""
    script = r"""
import sys, time
from scapy.all import IP, TCP, Raw, sr1, send, sniff, conf, AsyncSniffer
conf.verb = 0
dst, sport = sys.argv[1], int(sys.argv[2])
syn = IP(dst=dst) / TCP(sport=sport, dport=80, flags="S", seq=1000,
                       options=[("MSS", 1460), ("SAckOK", b""),
                                ("Timestamp", (12345, 0)), ("NOP", None),
                                ("WScale", 7)])
sa = sr1(syn, timeout=3)
assert sa is not None and sa[TCP].flags == "SA", sa
tsval = dict(sa[TCP].options)["Timestamp"][0]
sn = AsyncSniffer(iface=conf.route.route(dst)[0],
                  filter="tcp and src host %s and src port 80" % dst,
                  lfilter=lambda p: p.haslayer(Raw), count=1, timeout=5)
sn.start()
time.sleep(0.3)
req = b"GET /nothing-here HTTP/1.0\r\n\r\n"
send(IP(dst=dst) / TCP(sport=sport, dport=80, flags="PA", seq=1001,
                       ack=sa[TCP].seq + 1,
                       options=[("NOP", None), ("NOP", None),
                                ("Timestamp", (12346, tsval))]) / Raw(req))
sn.join()
got = sn.results
print(len(got), bytes(got[0][Raw].load[:12]) if got else b"")
"""
    sport = 41234
    rule = ["OUTPUT", "-p", "tcp", "--tcp-flags", "RST", "RST", "--sport",
            str(sport), "-j", "DROP"]
    run(["iptables", "-A"] + rule, ns=topo.cns, check=True)
    c0 = counters(topo)
    try:
        r = run([PYTHON, "-c", script, F4, str(sport)], ns=topo.cns,
                timeout=30)
    finally:
        run(["iptables", "-D"] + rule, ns=topo.cns)
    assert r.returncode == 0, r.stderr
    n, head = r.stdout.split(" ", 1)
    assert int(n) == 1 and "HTTP/1." in head, r.stdout
    c = counters(topo)
    assert c["proxy_held_segs"] > c0["proxy_held_segs"], c


def test_backend_down_and_back(topo):
    topo.backend_up()
    stop_proc(topo.srv)
    c0 = counters(topo)
    # Refused before the checks noticed (or no backend once they did):
    # either way the client's connection is reset, never left hanging.
    r = topo.curl("http://%s/" % F4, timeout=10)
    assert r.returncode in RESET, (r.returncode, r.stderr)
    topo.backend_up("down")
    r = topo.curl("http://%s/" % F4, timeout=10)
    assert r.returncode in RESET, (r.returncode, r.stderr)
    c = counters(topo)
    assert c["proxy_no_backend"] > c0["proxy_no_backend"], c
    assert c["proxy_backend_refused"] + c["proxy_no_backend"] >= \
        c0["proxy_backend_refused"] + c0["proxy_no_backend"] + 2, c
    topo.srv = topo.server()
    topo.backend_up()
    r = topo.curl("http://%s/big.bin" % F4, "-o", "/dev/null", "-w",
                  "%{http_code}")
    assert r.stdout == "200", (r.stdout, r.stderr)
    # A refusal counts against the backend that refused.
    if c["proxy_backend_refused"] > c0["proxy_backend_refused"]:
        pool = topo.sf.telemetry("/synfront/backends,0")
        assert pool["backend0"]["errors"] >= 1, pool


def test_flood_legit_all_served(topo):
    """Spoofed flood, 1,000 curl requests: all served, no flood SYN behind."""
    topo.backend_up()
    # Count every SYN the backend's kernel gets, and those from the
    # flood's sources (which FULLNAT would not show anyway).
    run(["iptables", "-A", "INPUT", "-p", "tcp", "--syn", "-j", "ACCEPT"],
        ns=topo.bns, check=True)
    cfg = topo.tmp / "curl.cfg"
    cfg.write_text("".join('url = "http://%s/hello.txt?%d"\noutput = '
                           '"/dev/null"\n' % (F4, i) for i in range(1000)))
    c0 = counters(topo)
    px0 = topo.sf.telemetry("/synfront/proxy")
    flood = subprocess.Popen(
        ["ip", "netns", "exec", topo.cns, str(SF_FLOOD), "--dst", F4,
         "--dport", "80", "--src", "10.99.0.0/16", "--count", "200000",
         "--seconds", "60", "--rate", "10000", "--opts",
         "mss=1460,sack,ts,ws=7", "--seed", "4242", "--quiet"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, preexec_fn=_pdeathsig)
    try:
        topo.sf.wait_counters(
            lambda s: s["syncookies_sent"] - c0["syncookies_sent"] >= 2000,
            timeout=20, what="the flood")
        r = run(["curl", "-s", "-Z", "--parallel-max", "20", "-m", "20",
                 "-w", "%{http_code}\n", "-H", "Connection: close",
                 "-K", str(cfg)], ns=topo.cns, timeout=300)
        during = counters(topo)
    finally:
        stop_proc(flood)
    codes = r.stdout.split()
    assert len(codes) == 1000 and set(codes) == {"200"}, (
        len(codes), sorted(set(codes)), r.stderr[-500:])
    c = counters(topo)
    # Well over 100 x syn_backlog spoofed SYNs reached synfront meanwhile.
    flood_syns = during["syncookies_sent"] - c0["syncookies_sent"]
    assert flood_syns >= 100 * SYN_BACKLOG, (flood_syns, during)
    out = run(["iptables", "-nvxL", "INPUT"], ns=topo.bns,
              timeout=10).stdout
    syns = int([l for l in out.splitlines() if "flags:" in l][0].split()[0])
    run(["iptables", "-F"], ns=topo.bns)
    own = (c["proxy_backend_connects"] - c0["proxy_backend_connects"]) + \
        (c["backend_checks"] - c0["backend_checks"]) + \
        (c["connect_syn_retrans"] - c0["connect_syn_retrans"])
    legit = c["proxy_accepts"] - c0["proxy_accepts"]
    assert legit == 1000, (legit, c)
    # Every SYN the backend saw is synfront's own: the legitimate
    # clients' (one each), the health checks', their retransmissions.
    assert 1000 <= syns <= own, (syns, own)
    # The legitimate clients came through cookies while the flood filled
    # the SYN queue (SYNPROXY's cookie_valid).
    px = topo.sf.telemetry("/synfront/proxy")
    assert px["cookie_valid"] > px0["cookie_valid"], (px0, px)


def test_port_reuse_served(topo):
    """wrk, one address, Connection: close, a small port range: ports
    that synfront holds in TIME-WAIT are taken again and served."""
    names = ("TcpExtTSEcrRejected", "TcpExtPAWSEstab", "TcpExtPAWSActive",
             "TcpExtListenOverflows")
    before = topo.nstat(topo.bns, *names)
    run(["sysctl", "-qw", "net.ipv4.ip_local_port_range=50000 50999"],
        ns=topo.cns, check=True)
    run(["sysctl", "-qw", "net.ipv4.tcp_tw_reuse=1"], ns=topo.cns,
        check=True)
    c0 = counters(topo)
    try:
        r = run(["wrk", "-t1", "-c16", "-d4", "-H", "Connection: close",
                 "http://%s/nothing" % F4], ns=topo.cns, timeout=60)
    finally:
        run(["sysctl", "-qw", "net.ipv4.ip_local_port_range=32768 60999"],
            ns=topo.cns)
    assert r.returncode == 0, r.stderr
    m = re.search(r"(\d+) requests in", r.stdout)
    assert m and int(m.group(1)) > 1000, r.stdout
    errs = re.search(r"Socket errors: connect (\d+), read (\d+), write "
                     r"(\d+), timeout (\d+)", r.stdout)
    # Connect errors are the client's own (its TIME-WAIT when it closed
    # first); nothing may fail once connected.
    if errs:
        assert errs.group(2, 3, 4) == ("0", "0", "0"), r.stdout
    c = counters(topo)
    assert c["tw_recycled"] > c0["tw_recycled"], c
    after = topo.nstat(topo.bns, *names)
    assert after == before, (before, after)


@pytest.mark.skipif(shutil.which("nginx") is None,
                    reason="nginx not installed (scripts/install-deps.sh "
                    "installs nginx-light)")
def test_proxy_protocol_nginx(tmp_path):
    """A listener with a pool of its own ([listener] backend lines) and a
    PROXY header, beside one on the [synfront] pool without."""
    t = Topo(tmp_path, "%s:%d,[%s]:%d" % (B4, HTTP_PORT, B6, HTTP_PORT),
             sections="\n[listener pp]\nlisten = 81\napp = proxy\n"
             "proxy_protocol = 1\nbackend = %s:%d\nbackend = [%s]:%d\n" % (
                 B4, PP_PORT, B6, PP_PORT))
    try:
        t.start()
        t.srv = t.server()
        (t.tmp / "hello.txt").write_text("no header here\n")
        t.nginx(PP_PORT)
        pools = t.sf.telemetry("/synfront/backends")
        assert set(pools) >= {"pool0", "pool1"}, pools
        deadline = time.monotonic() + 15
        while any(t.sf.telemetry("/synfront/backends,%d" % i)["up"] != 2
                  for i in (0, 1)):
            assert time.monotonic() < deadline, \
                t.sf.telemetry("/synfront/backends")
            time.sleep(0.05)
        # Port 80 goes to the Python server, which would choke on a
        # PROXY header: none is sent there.
        r = t.curl("http://%s/hello.txt" % F4)
        assert r.stdout == "no header here\n", (r.stdout, r.stderr)
        # The first 4 payload bytes of a PROXY header: "PROX" (v1) or
        # the v2 signature's "\r\n\r\n".
        first = {1: "0x50524f58", 2: "0x0d0a0d0a"}
        for version in (1, 2):
            if version == 2:
                got = t.sf.telemetry("/synfront/listen,81,proxy_protocol=2")
                assert got["action"] == "changed", got
            for host, client, ours in ((F4, C4, S4),
                                       ("[%s]" % F6, C6, S6)):
                cap = t.spawn(t.bns, [
                    "timeout", "10", "tcpdump", "-l", "-n", "-c", "1",
                    "-i", t.btap,
                    "tcp dst port %d and tcp[((tcp[12:1] & 0xf0) >> 2):4]"
                    " = %s" % (PP_PORT, first[version]) if host == F4 else
                    "tcp dst port %d and ip6[(40 + ((ip6[52] & 0xf0) >> "
                    "2)):4] = %s" % (PP_PORT, first[version])])
                time.sleep(1.0)
                r = t.curl("http://%s:81/" % host)
                assert r.returncode == 0, r.stderr
                # tcpdump saw the header of this version go to the backend.
                assert cap.wait(timeout=15) == 0, cap.stderr.read()
                assert "1 packet captured" in cap.stderr.read()
                addr, port, remote = r.stdout.split()
                # nginx read the client's address from the header, and
                # saw synfront's backend-side address as the peer.
                assert (addr, remote) == (client, ours), r.stdout
                assert 1024 <= int(port) <= 65535, r.stdout
        c = t.sf.stats()
        assert c["proxy_pp_headers"] == 4, c
        t.sf.stop_and_check()
    finally:
        t.cleanup()
    for ns in (t.sns, t.cns, t.bns):
        assert not netns_exists(ns)


def test_one_port(tmp_path):
    """One port for both sides (a one-armed proxy): the listener's address
    and the backend on the same tap; the client's and the backend's kernel
    are one, reached only through synfront (10.10.0.1:80 -> 10.10.0.2)."""
    from conftest import PEER_V4, SF_ADDR_ARGS, SF_V4
    sf = Synfront(vdev="tap", lcores="0", tmpdir=tmp_path,
                  app_args=SF_ADDR_ARGS + [
                      "--listen", "80", "--app", "proxy",
                      "--backend", "%s:%d" % (PEER_V4, HTTP_PORT),
                      "--backend-check-ms", "200",
                      "--backend-check-timeout-ms", "150"])
    srv = None
    try:
        sf.start()
        (tmp_path / "hello.txt").write_text("one arm\n")
        srv = subprocess.Popen(
            ["ip", "netns", "exec", sf.ns, PYTHON, "-c", SERVER,
             str(HTTP_PORT)], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
            cwd=str(tmp_path), preexec_fn=_pdeathsig)
        assert srv.stdout.readline().strip() == "up", srv.stderr.read()
        deadline = time.monotonic() + 15
        while sf.telemetry("/synfront/backends,0")["up"] != 1:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        r = run(["curl", "-s", "-m", "10", "http://%s/hello.txt" % SF_V4],
                ns=sf.ns, timeout=20)
        assert r.stdout == "one arm\n", (r.stdout, r.stderr)
        # curl's FIN, the server's, their ACKs: the pair ends.
        c = sf.wait_counters(lambda c: c["proxy_closed"] == 1,
                             what="the pair's close")
        assert c["proxy_spliced"] == 1, c
        sf.stop_and_check()
    finally:
        stop_proc(srv)
        sf.cleanup()
    assert not netns_exists(sf.ns)
