# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
synfront-gen against synfront over net_memif (two processes on one
machine, nothing leaves it), and a smoke run of the engine benchmark and
of the whole benchmark driver, so that both keep working.

Counts, not timings: the generator's JSON must agree with synfront's
counters frame for frame; rates are the benchmark's business.
"""

import json
import os
import shutil
import subprocess
import time

import pytest

from conftest import BUILD, PYTHON, REPO, SF_ADDR_ARGS, is_root, \
    received_check, remove_dpdk_dir, unique_name

GEN = BUILD / "app" / "gen" / "synfront-gen"
SF_BENCH = BUILD / "bench" / "sf_bench"

pytestmark = pytest.mark.skipif(not is_root(),
                                reason="DPDK vdevs need root here")


def memif_pair(synfront_factory, tmp_path, sf_args, gen_args,
               timeout=60):
    """synfront (memif server, lcore 1) and one bounded synfront-gen run
    (memif client, lcore 0). Returns (gen JSON, synfront exit JSON)."""
    sock = tmp_path / "memif.sock"
    dev = "net_memif0,socket=%s,socket-abstract=no" % sock
    sf = synfront_factory(vdev=dev + ",role=server", lcores="1",
                          app_args=list(SF_ADDR_ARGS) + sf_args)
    sf.start()
    prefix = unique_name("g")
    gj = tmp_path / "gen.json"
    argv = [str(GEN), "-l", "0", "--no-huge", "-m", "512", "--no-pci",
            "--file-prefix", prefix, "--vdev", dev + ",role=client", "--",
            "--stats-interval", "0", "--wait-peer-close", "20",
            "--json", str(gj)] + gen_args
    gp = subprocess.Popen(argv, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    try:
        # synfront stops first, once the generator's summary is out: the
        # memif side that disconnects while the other polls can crash
        # the poller (a DPDK 22.11 memif race; docs/generator.md).
        g = None
        deadline = time.monotonic() + timeout
        while g is None and gp.poll() is None and \
                time.monotonic() < deadline:
            try:
                g = json.loads(gj.read_text())
            except (OSError, ValueError):
                time.sleep(0.05)
        js = sf.stop_and_check()
        out, err = gp.communicate(timeout=30)
    finally:
        if gp.poll() is None:
            gp.kill()
            gp.wait()
        remove_dpdk_dir(prefix)
    assert gp.returncode == 0 and g is not None, \
        "synfront-gen exit %d:\n%s" % (gp.returncode, err[-2000:])
    # The same JSON is the last line of stdout.
    assert json.loads(out.strip().splitlines()[-1]) == g
    return g, js


@pytest.mark.parametrize("family,dst", [("ipv4", "10.10.0.1"),
                                        ("ipv6", "fd00:10:10::1")])
def test_gen_handshake_memif(synfront_factory, tmp_path, family, dst):
    """Every SYN answered, every SYN-ACK answered with the third ACK and
    data, every connection accepted; latency sampled for each SYN-ACK."""
    n = 3000
    listen = "80" if family == "ipv4" else "[::]:80"
    g, js = memif_pair(synfront_factory, tmp_path,
                       ["--listen", listen, "--syncookies", "0",
                        "--app", "discard"],
                       ["--mode", "handshake", "--dst", dst, "--count",
                        str(n), "--rate", "20000", "--ack-data", "10",
                        "--after", "fin", "--drain-ms", "500"])
    c = js["counters"]
    assert g["family"] == family
    assert g["tx_syn"] == n and g["rx_synack"] == n
    # The ACK with data and the FIN after it, for each.
    assert g["tx_after"] == n
    assert g["tx_answers"] >= 2 * n
    assert g["rx_rst"] == 0 and g["answers_lost"] == 0
    assert g["latency_ns"]["count"] == n
    assert 0 < g["latency_ns"]["p50"] <= g["latency_ns"]["p99"] <= \
        g["latency_ns"]["max"]
    assert c["syn_recv"] == n and c["synack_sent"] == n
    assert c["passive_opens"] == n and c["accepted"] == n
    assert c["third_ack_data_bytes"] == 10 * n
    assert not [k for k, v in c.items() if k.startswith("drop_") and v]


@pytest.mark.parametrize("family,dst", [("ipv4", "10.10.0.1"),
                                        ("ipv6", "fd00:10:10::1")])
def test_gen_http_memif(synfront_factory, tmp_path, family, dst):
    """synfront-gen --http / against app http: each of 2,000 connections
    carries GET / on its third ACK, gets a 2xx response and synfront's
    FIN, answered by the generator's; the two sides count the same
    responses, the request -> response latency is sampled for each, no
    reset, nothing dropped."""
    n = 2000
    listen = "80" if family == "ipv4" else "[::]:80"
    g, js = memif_pair(synfront_factory, tmp_path,
                       ["--listen", listen, "--syncookies", "2",
                        "--app", "http"],
                       ["--mode", "handshake", "--dst", dst, "--count",
                        str(n), "--rate", "20000", "--http", "/",
                        "--drain-ms", "500"])
    c, h = js["counters"], js["http"]
    assert g["tx_syn"] == n and g["rx_synack"] == n
    assert g["http"]["resp_2xx"] == n and g["http"]["data_other"] == 0
    assert g["http"]["latency_ns"]["count"] == n
    assert g["rx_fin"] == n and g["rx_rst"] == 0
    assert h["requests"] == n and h["resp_2xx"] == n
    assert h["parse_errors"] == 0
    assert c["passive_opens"] == n
    assert not [k for k, v in c.items() if k.startswith("drop_") and v]


def test_gen_flood_cookies_memif(synfront_factory, tmp_path):
    """A spoofed flood at a set rate: each SYN gets a cookie SYN-ACK, the
    generator counts them and answers none."""
    n = 20000
    g, js = memif_pair(synfront_factory, tmp_path,
                       ["--listen", "80", "--syncookies", "2"],
                       ["--mode", "syn-flood", "--dst", "10.10.0.1",
                        "--count", str(n), "--rate", "100000",
                        "--src", "10.30.0.0/12", "--sport", "2000-2999",
                        "--ecn", "yes", "--wscale", "-1"])
    c = js["counters"]
    assert g["tx_syn"] == n and g["rx_synack"] == n
    assert g["tx_answers"] == 0
    assert c["syncookies_sent"] == n and c["passive_opens"] == 0
    # The rate is a ceiling the pacing holds to within a few percent.
    assert g["tx_syn_pps"] <= 100000 * 1.05
    assert g["rate_target_pps"] == 100000


@pytest.mark.parametrize("family,dst", [("ipv4", "10.10.0.1"),
                                        ("ipv6", "fd00:10:10::1")])
def test_gen_transfer_discard_memif(synfront_factory, tmp_path, family,
                                    dst):
    """--mode transfer: 4 connections of 1 MiB each to discard. synfront
    received exactly those bytes, the generator saw all of them
    acknowledged, segments of the SYN-ACK's MSS less the timestamps,
    every connection closed both ways, every mbuf back (stop_and_check)."""
    conns, per = 4, 1 << 20
    listen = "80" if family == "ipv4" else "[::]:80"
    g, js = memif_pair(synfront_factory, tmp_path,
                       ["--listen", listen, "--app", "discard"],
                       ["--mode", "transfer", "--dst", dst, "--conns",
                        str(conns), "--bytes", str(per), "--duration",
                        "20"])
    c = received_check(js, conns * per)
    assert g["mode"] == "transfer" and g["family"] == family
    assert g["bytes"] == conns * per and g["all_acked"]
    assert g["established"] == conns and g["closed"] == conns
    assert g["rx_rst"] == 0 and g["tx_fin"] >= conns
    assert g["ts"] and g["seg_bytes"] == g["peer_mss"] - 12
    # Full segments but the last of each connection.
    full = -(-per // g["seg_bytes"])
    assert conns * full <= g["segs"] <= conns * full + g["retrans_segs"]
    assert g["bytes_tx"] >= g["bytes"]
    assert g["echo_bytes"] == 0 and g["rx_data_segs"] == 0
    assert c["passive_opens"] == conns and c["accepted"] == conns
    assert js["sent"]["bytes"] == 0


def test_gen_transfer_echo_memif(synfront_factory, tmp_path):
    """--mode transfer --echo yes against echo: every byte comes back,
    in order, matching the generator's pattern (checked by it:
    echo_bad), and synfront sent exactly what it received."""
    conns, per = 4, 1 << 20
    g, js = memif_pair(synfront_factory, tmp_path,
                       ["--listen", "80", "--app", "echo"],
                       ["--mode", "transfer", "--dst", "10.10.0.1",
                        "--conns", str(conns), "--bytes", str(per),
                        "--echo", "yes", "--duration", "20"])
    received_check(js, conns * per)
    assert js["sent"]["bytes"] == conns * per
    assert js["sent"]["reset_on_refusal"] == 0
    assert g["bytes"] == conns * per and g["all_acked"]
    assert g["echo_bytes"] == conns * per and g["echo_bad"] == 0
    assert g["closed"] == conns and g["rx_rst"] == 0


def test_gen_transfer_duration_memif(synfront_factory, tmp_path):
    """Without --bytes the connections send until --duration, then
    close: synfront received what the generator saw acknowledged."""
    g, js = memif_pair(synfront_factory, tmp_path,
                       ["--listen", "80", "--app", "discard"],
                       ["--mode", "transfer", "--dst", "10.10.0.1",
                        "--conns", "2", "--duration", "0.3",
                        "--inflight", "65536"])
    assert g["bytes"] > 0 and g["closed"] == 2
    received_check(js, g["bytes"])


@pytest.mark.parametrize("args,msg", [
    (["--dst", "10.10.0.1", "--mode", "storm"], "--mode 'storm'"),
    (["--mode", "syn-flood"], "--dst ADDR is required"),
    (["--dst", "10.10.0.1", "--src", "fd00::/64"], "same family"),
    (["--dst", "fd00::1", "--src", "fd00::/64"], "at most 32 bits"),
    (["--dst", "10.10.0.1", "--sport", "9-3"], "--sport '3'"),
    (["--dst", "10.10.0.1", "--after", "fin"], "handshake only"),
    (["--dst", "10.10.0.1", "--rate", "fast"], "--rate 'fast'"),
    (["--dst", "10.10.0.1", "--mode", "transfer", "--count", "5"],
     "do not apply to --mode transfer"),
    (["--dst", "10.10.0.1", "--mode", "transfer", "--sport", "2000-2001",
      "--conns", "3"], "--conns 3"),
    (["--dst", "10.10.0.1", "--echo", "maybe"], "--echo 'maybe'"),
    (["--dst", "10.10.0.1", "--mode", "handshake", "--http", "/",
      "--ack-data", "5"], "not with --ack-data or --after"),
    (["--dst", "10.10.0.1", "--mode", "handshake", "--http", "nope"],
     "--http 'nope'"),
    (["--dst", "10.10.0.1", "--http", "/"], "handshake only"),
])
def test_gen_bad_args(args, msg):
    prefix = unique_name("g")
    try:
        p = subprocess.run([str(GEN), "-l", "0", "--no-huge", "-m", "256",
                            "--no-pci", "--file-prefix", prefix,
                            "--vdev", "net_null0", "--"] + args,
                           capture_output=True, text=True, timeout=30)
    finally:
        remove_dpdk_dir(prefix)
    assert p.returncode == 2, p.stderr
    assert msg in p.stderr, p.stderr


def sf_bench(tmp_path, args, timeout=120):
    """sf_bench on 2 lcores, 512 MB, its own prefix (removed after);
    returns the process and its JSON (None unless it exited 0)."""
    prefix = unique_name("b")
    out = tmp_path / "b.json"
    try:
        p = subprocess.run([str(SF_BENCH), "-l", "0-1", "--no-huge", "-m",
                            "512", "--no-pci", "--file-prefix", prefix,
                            "--"] + args + ["--json", str(out)],
                           capture_output=True, text=True, timeout=timeout)
    finally:
        remove_dpdk_dir(prefix)
    return p, json.loads(out.read_text()) if p.returncode == 0 else None


def test_sf_bench_smoke(tmp_path):
    """The engine benchmark at a tiny size: every phase valid (counters,
    SYN-ACKs and checksums checked inside), every mbuf back."""
    p, r = sf_bench(tmp_path, ["--workers", "2", "--n", "4096", "--runs",
                               "2", "--batch", "256"])
    assert p.returncode == 0, p.stderr
    assert r["workers"] == 2 and r["n"] == 4096
    for name, ph in r["phases"].items():
        assert ph["valid"], (name, ph)
        assert len(ph["runs"]) == 2
        assert all(x["mpps"] > 0 and x["cycles_per_pkt"] > 0
                   for x in ph["runs"])
    assert r["mbufs_in_use_at_end"] == 0
    m = r["memory"]
    assert m["request_struct_bytes"] <= m["request_total_bytes"]
    assert m["conn_struct_bytes"] <= m["conn_total_bytes"]


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_sf_bench_echo_smoke(tmp_path, family):
    """The echo phases at a tiny size, 2 workers: every byte echoed and
    checked inside (payload, order, counters, checksums), every mbuf
    back."""
    p, r = sf_bench(tmp_path, ["--workers", "2", "--n", "2048", "--runs",
                               "1", "--batch", "256", "--phases",
                               "echo64,echo1460", "--echo-conns", "100"] +
                    (["--ipv6"] if family == "ipv6" else []))
    assert p.returncode == 0, p.stderr
    assert set(r["phases"]) == {"echo64", "echo1460"}
    for name, ph in r["phases"].items():
        assert ph["valid"], (name, ph)
        x = ph["runs"][0]
        assert x["bytes"] == 2048 * ph["payload"]
        assert x["segs_out"] >= 2048 and x["mpps"] > 0 and x["gbps"] > 0
    assert r["mbufs_in_use_at_end"] == 0
    assert r["memory"]["data_mbuf_room"] >= 2048


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_sf_bench_proxy_smoke(tmp_path, family):
    """The SYN proxy phases at a tiny size, 2 workers: every pair opened
    through the proxy listener to the backend the generator plays, every
    segment spliced both ways with its sequence, ACK and TSecr as
    translated and its bytes checked inside, the proxy counters as
    expected, every mbuf back."""
    p, r = sf_bench(tmp_path, ["--workers", "2", "--n", "3000", "--runs",
                               "1", "--batch", "256", "--phases",
                               "proxy_fwd", "--proxy-conns", "300",
                               "--no-memory"] +
                    (["--ipv6"] if family == "ipv6" else []))
    assert p.returncode == 0, p.stderr
    # proxy_fwd needs the pairs of proxy_open: both ran.
    assert set(r["phases"]) == {"proxy_open", "proxy_fwd"}
    for name, ph in r["phases"].items():
        assert ph["valid"], (name, ph)
        assert ph["pairs_per_worker"] == 300
        assert ph["runs"][0]["mpps"] > 0
    f = r["phases"]["proxy_fwd"]
    assert f["runs"][0]["bytes"] == 3000 * f["payload"]
    assert r["mbufs_in_use_at_end"] == 0


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_sf_bench_http_smoke(tmp_path, family):
    """The HTTP phases at a tiny size, 2 workers: every connection
    through SYN, request, response and FINs, every keep-alive request
    answered in order, each response's status, length and body checked
    inside, the responder's counts as expected, every mbuf back."""
    p, r = sf_bench(tmp_path, ["--workers", "2", "--n", "2000", "--runs",
                               "1", "--batch", "256", "--phases",
                               "http_close,http_keepalive", "--echo-conns",
                               "100", "--no-memory"] +
                    (["--ipv6"] if family == "ipv6" else []))
    assert p.returncode == 0, p.stderr
    assert set(r["phases"]) == {"http_close", "http_keepalive"}
    for name, ph in r["phases"].items():
        assert ph["valid"], (name, ph)
        assert ph["runs"][0]["mpps"] > 0
    assert r["phases"]["http_close"]["unit"] == "connections"
    assert r["phases"]["http_keepalive"]["unit"] == "requests"
    assert r["mbufs_in_use_at_end"] == 0


def test_sf_bench_proxy_bad_conns():
    """More pairs than the backend leg has local ports: refused, named."""
    prefix = unique_name("b")
    try:
        p = subprocess.run([str(SF_BENCH), "-l", "0-1", "--no-huge", "-m",
                            "512", "--no-pci", "--file-prefix", prefix,
                            "--", "--workers", "2", "--phases",
                            "proxy_open", "--proxy-conns", "40000"],
                           capture_output=True, text=True, timeout=30)
    finally:
        remove_dpdk_dir(prefix)
    assert p.returncode == 2, p.stderr
    assert "--proxy-conns 40000 x 2 workers" in p.stderr, p.stderr


def test_bench_driver_smoke():
    """bench/run.py --smoke: every part of make bench, tiny, its results
    checked by report.check(); it writes nothing into the tree."""
    before = subprocess.run(["git", "status", "--porcelain"], cwd=REPO,
                            capture_output=True, text=True).stdout
    env = dict(os.environ)
    # This build's sf_bench stands in for an old one: the old-against-new
    # part runs (make bench builds a real one with bench/baseline.sh).
    p = subprocess.run([PYTHON, str(REPO / "bench" / "run.py"), "--smoke",
                        "--build", str(BUILD), "--baseline",
                        str(BUILD / "bench" / "sf_bench")],
                       capture_output=True, text=True, timeout=400, env=env)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    assert "results in" in p.stdout
    for mode in ("stateful", "cookies_on_overflow", "cookies"):
        assert f"sweep {mode} at unpaced" in p.stdout, p.stdout[-3000:]
    assert "old against new: 1 timed pairs" in p.stdout, p.stdout[-3000:]
    after = subprocess.run(["git", "status", "--porcelain"], cwd=REPO,
                           capture_output=True, text=True).stdout
    assert before == after


def test_synproxy_bench_smoke():
    """bench/synproxy.py --smoke: the SYN proxy against Linux's SYNPROXY,
    tiny (one round, a 2 kpps flood for a second): every mode ran, every
    legitimate request through synfront succeeded, nothing is left
    behind."""
    if not is_root():
        pytest.skip("needs root (namespaces, iptables)")
    if shutil.which("nginx") is None or shutil.which("ab") is None:
        pytest.skip("nginx or ab missing (scripts/install-deps.sh)")
    before = subprocess.run(["ip", "netns", "list"], capture_output=True,
                            text=True).stdout
    p = subprocess.run([PYTHON, str(REPO / "bench" / "synproxy.py"),
                        "--smoke", "--pmd", "af_xdp", "--build", str(BUILD)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    summary = json.loads(p.stdout[p.stdout.index("\n{\n") + 1:])
    assert set(summary) == {"direct", "linux", "synfront"}, summary
    for mode in summary:
        assert summary[mode]["first_byte_us"] > 0, summary
    sf = summary["synfront"]["2000"]
    assert sf["legit_pct"] == 100.0 and sf["syn_pps"] > 0, summary
    assert "2000" in summary["linux"], summary
    after = subprocess.run(["ip", "netns", "list"], capture_output=True,
                           text=True).stdout
    assert before == after


def test_http_bench_smoke():
    """bench/http.py --smoke: the HTTP responder against nginx, tiny (one
    round, a second of wrk each way): both servers answered every request
    without an error, synfront's own cost per request was measured,
    nothing is left behind."""
    if not is_root():
        pytest.skip("needs root (namespaces)")
    if shutil.which("nginx") is None or shutil.which("wrk") is None:
        pytest.skip("nginx or wrk missing (scripts/install-deps.sh)")
    before = subprocess.run(["ip", "netns", "list"], capture_output=True,
                            text=True).stdout
    p = subprocess.run([PYTHON, str(REPO / "bench" / "http.py"),
                        "--smoke", "--pmd", "af_xdp", "--build", str(BUILD)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    summary = json.loads(p.stdout[p.stdout.index("\n{\n") + 1:])
    for key in ("nginx_close", "nginx_keepalive", "synfront_close",
                "synfront_keepalive"):
        assert summary[key]["rps"] > 0 and summary[key]["errors"] == 0, \
            summary
    assert summary["synfront_keepalive"]["us_per_unit"] > 0, summary
    after = subprocess.run(["ip", "netns", "list"], capture_output=True,
                           text=True).stdout
    assert before == after
