# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
The HTTP/1.1 responder (--app http, issue 19) with real clients on a tap:
curl (IPv4 and IPv6, keep-alive across URLs, HEAD, 404, Connection:
close, a chunked upload answered 405), ab (with and without keep-alive),
wrk (keep-alive, and a pipelining script), h2load's HTTP/1.1 mode (with
pipelining); every one with zero errors and the bodies byte-exact; the
routes come from a config file with an inline body, one read from a file
at start, extra headers and a status of their own. The responder's
statistics in the exit JSON and /synfront/http agree with what was sent.
Each client is bounded in requests and time.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import REPO, SF_ADDR_ARGS, SF_V4, SF_V6, needs_root, run

pytestmark = needs_root

PORT = 8080


def have(tool):
    return shutil.which(tool) is not None


@pytest.fixture
def site(tmp_path):
    """A config with routes; the file body is 100,000 random bytes."""
    big = os.urandom(100000)
    (tmp_path / "big.bin").write_bytes(big)
    ini = tmp_path / "http.ini"
    ini.write_text(f"""
[synfront]
listen = {PORT}
app = http
stats_interval = 0

[http]
server = sf-test
keepalive_timeout_ms = 5000

[route /]
content_type = text/plain
body = hello from synfront\\n

[route /big]
content_type = application/octet-stream
body = @{tmp_path / "big.bin"}

[route /moved]
status = 301
header = Location: /
header = Cache-Control: no-store
body = moved\\n
""")
    return ini, big


def start(synfront_factory, ini, extra=()):
    sf = synfront_factory(app_args=SF_ADDR_ARGS + ["-c", str(ini)] +
                          list(extra))
    sf.start()
    return sf


class Out:
    def __init__(self, r):
        self.returncode = r.returncode
        # CRLF kept: text mode would turn it into LF.
        self.stdout = r.stdout.decode("latin-1")
        self.stderr = r.stderr.decode("latin-1")


def curl(sf, *args, timeout=20):
    """curl in the tap's namespace, its output as bytes were sent."""
    r = subprocess.run(["ip", "netns", "exec", sf.ns, "curl", "-sS",
                        "--max-time", "10"] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=timeout)
    return Out(r)


def test_curl(synfront_factory, site, tmp_path):
    """curl over IPv4 and IPv6: the routes' bodies byte-exact, headers,
    HEAD, 404, 301, keep-alive across URLs on one connection, Connection:
    close, a chunked upload answered 405 and closed."""
    if not have("curl"):
        pytest.skip("curl missing (scripts/install-deps.sh)")
    ini, big = site
    sf = start(synfront_factory, ini)
    for host in (SF_V4, f"[{SF_V6}]"):
        base = f"http://{host}:{PORT}"
        r = curl(sf, "-i", base + "/")
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("HTTP/1.1 200 OK\r\n"), r.stdout
        assert "\r\nServer: sf-test\r\n" in r.stdout
        assert re.search(r"\r\nDate: \w{3}, \d\d \w{3} \d{4} "
                         r"\d\d:\d\d:\d\d GMT\r\n", r.stdout), r.stdout
        assert r.stdout.endswith("\r\n\r\nhello from synfront\n")
        out = tmp_path / "big.out"
        r = curl(sf, "-o", str(out), "-w", "%{http_code} %{size_download}",
                 base + "/big")
        assert r.stdout == "200 100000", (r.stdout, r.stderr)
        assert hashlib.sha256(out.read_bytes()).digest() == \
            hashlib.sha256(big).digest()
        r = curl(sf, "-I", base + "/big")
        assert "HTTP/1.1 200 OK" in r.stdout
        assert "Content-Length: 100000" in r.stdout
        r = curl(sf, "-i", base + "/moved")
        assert r.stdout.startswith("HTTP/1.1 301 Moved Permanently\r\n")
        assert "\r\nLocation: /\r\n" in r.stdout
        assert "\r\nCache-Control: no-store\r\n" in r.stdout
        r = curl(sf, "-o", "/dev/null", "-w", "%{http_code}",
                 base + "/nope")
        assert r.stdout == "404"
        # Three URLs, one connection (curl reuses it: num_connects).
        r = curl(sf, "-o", "/dev/null", "-o", "/dev/null", "-o",
                 "/dev/null", "-w", "%{num_connects} ",
                 base + "/", base + "/moved", base + "/big")
        assert r.stdout.split() == ["1", "0", "0"], r.stdout
        r = curl(sf, "-i", "-H", "Connection: close", base + "/")
        assert "\r\nConnection: close\r\n" in r.stdout
        # A chunked upload: 405, then the close.
        r = curl(sf, "-i", "-X", "POST", "-H", "Transfer-Encoding: chunked",
                 "--data-binary", "abc", base + "/")
        assert r.stdout.startswith("HTTP/1.1 405 Method Not Allowed"), \
            r.stdout
        assert "\r\nAllow: GET, HEAD\r\n" in r.stdout
    js = sf.telemetry("/synfront/http")
    assert js["requests"] == js["resp_2xx"] + js["resp_3xx"] + \
        js["resp_4xx"] + js["resp_5xx"]
    assert js["resp_4xx"] == 4 and js["keepalive_reuse"] >= 4
    assert js["send_fail"] == 0 and js["no_state"] == 0
    assert sf.stop() == 0
    ex = sf.exit_json()
    assert ex["http"]["requests"] == js["requests"]
    assert ex["mempool"]["in_use"] == 0


def ab_ok(out, n, length):
    """ab's summary: n complete, none failed, no non-2xx, the length."""
    def num(name):
        m = re.search(name + r":\s+(\d+)", out)
        return int(m.group(1)) if m else None
    return num("Complete requests") == n and \
        num("Failed requests") == 0 and \
        num("Non-2xx responses") in (None, 0) and \
        num("Document Length") == length


def test_ab(synfront_factory, site):
    """ab with and without keep-alive, IPv4 and IPv6: every request
    answered, no failure, the body's length as configured."""
    if not have("ab"):
        pytest.skip("ab missing (apache2-utils, scripts/install-deps.sh)")
    ini, _ = site
    sf = start(synfront_factory, ini)
    for url in (f"http://{SF_V4}:{PORT}/", f"http://[{SF_V6}]:{PORT}/"):
        for ka in ([], ["-k"]):
            r = run(["ab", "-q", "-n", "2000", "-c", "8", "-s", "10"] + ka +
                    [url], ns=sf.ns, timeout=60)
            assert r.returncode == 0, r.stderr
            assert ab_ok(r.stdout, 2000, 20), r.stdout
            if ka:
                m = re.search(r"Keep-Alive requests:\s+(\d+)", r.stdout)
                assert m and int(m.group(1)) == 2000, r.stdout
    js = sf.telemetry("/synfront/http")
    assert js["resp_2xx"] == 8000 and js["resp_4xx"] == 0
    assert js["send_fail"] == 0
    assert sf.stop() == 0


WRK_PIPELINE = r"""
init = function(args)
   local r = {}
   for i = 1, 8 do r[i] = wrk.format(nil, "/") end
   req = table.concat(r)
end
request = function() return req end
"""


def wrk_summary(out):
    m = re.search(r"(\d+) requests in", out)
    errs = re.search(r"Socket errors: (.*)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (int(m.group(1)) if m else 0, errs.group(1) if errs else None,
            int(non2xx.group(1)) if non2xx else 0)


def test_wrk(synfront_factory, site, tmp_path):
    """wrk for a second with keep-alive, then with 8 requests pipelined
    per write, over IPv4 and IPv6: requests answered, no socket error,
    no non-2xx."""
    if not have("wrk"):
        pytest.skip("wrk missing (scripts/install-deps.sh)")
    ini, _ = site
    script = tmp_path / "pipe.lua"
    script.write_text(WRK_PIPELINE)
    sf = start(synfront_factory, ini)
    for host in (SF_V4, f"[{SF_V6}]"):
        for extra in ([], ["-s", str(script)]):
            r = run(["wrk", "-t", "1", "-c", "8", "-d", "1s", "--timeout",
                     "5s"] + extra + [f"http://{host}:{PORT}/"], ns=sf.ns,
                    timeout=60)
            assert r.returncode == 0, r.stderr
            n, errs, non2xx = wrk_summary(r.stdout)
            assert n > 100 and errs is None and non2xx == 0, r.stdout
    js = sf.telemetry("/synfront/http")
    assert js["pipelined"] > 0 and js["send_fail"] == 0
    assert js["resp_4xx"] == 0 and js["parse_errors"] == 0
    assert sf.stop() == 0


def test_h2load(synfront_factory, site):
    """h2load's HTTP/1.1 mode, IPv4 and IPv6, 4 requests in flight per
    connection (pipelined): all succeed, the bytes as configured."""
    if not have("h2load"):
        pytest.skip("h2load missing (nghttp2-client, "
                    "scripts/install-deps.sh)")
    ini, big = site
    sf = start(synfront_factory, ini)
    for host in (SF_V4, f"[{SF_V6}]"):
        r = run(["h2load", "--h1", "-n", "400", "-c", "4", "-m", "4",
                 "-T", "10", f"http://{host}:{PORT}/big"], ns=sf.ns,
                timeout=60)
        assert r.returncode == 0, r.stderr + r.stdout
        m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, "
                      r"(\d+) succeeded, (\d+) failed, (\d+) errored, "
                      r"(\d+) timeout", r.stdout)
        assert m, r.stdout
        assert [int(x) for x in m.groups()] == [400, 400, 400, 400, 0, 0,
                                               0], r.stdout
        m = re.search(r"status codes: (\d+) 2xx", r.stdout)
        assert m and int(m.group(1)) == 400, r.stdout
        m = re.search(r"traffic: .*\((\d+)\) total.*\((\d+)\) data",
                      r.stdout)
        assert m and int(m.group(2)) == 400 * len(big), r.stdout
    js = sf.telemetry("/synfront/http")
    assert js["pipelined"] > 0 and js["resp_2xx"] == 800
    assert sf.stop() == 0


def test_raw_errors(synfront_factory, site):
    """Malformed and oversized requests from a kernel socket: 400, 431,
    505, and the connection closed after each."""
    ini, _ = site
    sf = start(synfront_factory, ini)
    client = r"""
import socket, sys, json
out = []
for req in sys.argv[2:]:
    s = socket.create_connection((sys.argv[1], 8080), timeout=10)
    s.sendall(req.encode().decode("unicode_escape").encode("latin-1"))
    got = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
    s.close()
    out.append(got.split(b"\r\n", 1)[0].decode())
print(json.dumps(out))
"""
    reqs = [r"GET / HTTP/1.1\r\n\r\n",
            r"GET / HTTP/1.1\r\nHost: x\r\nX: " + "a" * 9000 + r"\r\n\r\n",
            r"GET / HTTP/3.0\r\nHost: x\r\n\r\n",
            r"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n"]
    r = run(["/usr/bin/python3", "-c", client, SF_V4] + reqs, ns=sf.ns,
            timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [
        "HTTP/1.1 400 Bad Request",
        "HTTP/1.1 431 Request Header Fields Too Large",
        "HTTP/1.1 505 HTTP Version Not Supported",
        "HTTP/1.1 400 Bad Request"]
    js = sf.telemetry("/synfront/http")
    assert js["parse_errors"] == 4
    assert sf.stop() == 0


def test_default_config(synfront_factory):
    """make run's config/synfront.ini: port 8080 answers HTTP (the
    default page at /, "ok" at /health) over IPv4 and IPv6, beside the
    sink on port 80."""
    if not have("curl"):
        pytest.skip("curl missing (scripts/install-deps.sh)")
    sf = synfront_factory(app_args=["-c", str(REPO / "config" /
                                              "synfront.ini"),
                                    "--stats-interval", "0"])
    sf.start()
    for host in (SF_V4, f"[{SF_V6}]"):
        r = curl(sf, "-i", f"http://{host}:8080/")
        assert r.stdout.startswith("HTTP/1.1 200 OK\r\n"), r.stdout
        assert "<h1>synfront</h1>" in r.stdout
        r = curl(sf, f"http://{host}:8080/health")
        assert r.stdout == "ok\n", r.stdout
    assert sf.stop() == 0
    assert sf.exit_json()["http"]["resp_2xx"] == 4


def test_listen_at_run_time(synfront_factory, site):
    """/synfront/listen,8081,app=http adds a listener answered by the
    responder the configuration made; without a responder (app sink, no
    http listener) app=http is refused."""
    if not have("curl"):
        pytest.skip("curl missing (scripts/install-deps.sh)")
    ini, _ = site
    sf = start(synfront_factory, ini)
    r = sf.telemetry("/synfront/listen,8081,app=http")
    assert r.get("action") == "added", r
    r = curl(sf, f"http://{SF_V4}:8081/")
    assert r.stdout == "hello from synfront\n", r.stdout
    assert sf.stop() == 0
    sf = synfront_factory(app_args=SF_ADDR_ARGS + ["--listen", "80"])
    sf.start()
    r = sf.telemetry("/synfront/listen,8081,app=http")
    assert set(r) == {"error"}, r
    assert sf.stop() == 0
