# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
Command line and config file: bad input exits 2 with one clear line on
stderr that names the culprit; --help exits 0. synfront checks its own
options before EAL starts, so most cases here start no EAL at all; those
that do use net_null0 and a unique --file-prefix, removed afterwards.
"""

import pytest

from conftest import (BINARY, REPO, Synfront, needs_root, remove_dpdk_dir,
                      run, unique_name, DPDK_RUN_DIR)

EAL_NULL = ["--no-huge", "-m", "256", "--no-pci", "--vdev", "net_null0"]


def synfront(args, timeout=20):
    """Run synfront to completion; returns the CompletedProcess."""
    return run([str(BINARY)] + args, timeout=timeout)


def synfront_eal(args, timeout=20, lcores="0"):
    """Run synfront with EAL options and a unique prefix; clean the dir."""
    prefix = unique_name("c")
    try:
        r = run([str(BINARY), "-l", lcores] + EAL_NULL +
                ["--file-prefix", prefix] + args, timeout=timeout)
    finally:
        remove_dpdk_dir(prefix)
    assert not (DPDK_RUN_DIR / prefix).exists()
    return r


def one_error_line(r):
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, "expected one line on stderr, got:\n" + r.stderr
    assert lines[0].startswith("synfront: "), lines[0]
    return lines[0]


@pytest.fixture(autouse=True)
def _built():
    if not BINARY.exists():
        pytest.fail("%s not built" % BINARY)


@needs_root
def test_unknown_eal_option():
    """An unknown option before '--' is EAL's: exit 2, named, no usage."""
    r = synfront_eal(["--bogus"])
    assert r.returncode == 2, r.stderr
    assert "unrecognized option '--bogus'" in r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("synfront: EAL initialisation failed"), last
    assert "'--'" in last and "--help" in last
    # EAL's 130-line usage is kept off stdout unless asked for.
    assert r.stdout == ""


def test_unknown_synfront_option():
    r = synfront(["--", "--bogus"])
    assert r.returncode == 2
    line = one_error_line(r)
    assert "--bogus" in line and "unknown option" in line
    assert r.stdout == ""


def test_bad_stats_interval():
    r = synfront(["--", "--stats-interval", "x"])
    assert r.returncode == 2
    line = one_error_line(r)
    assert "--stats-interval" in line and "'x'" in line
    assert "0..86400" in line


@pytest.mark.parametrize("value", ["-1", "86401", "1.5", ""])
def test_bad_stats_interval_values(value):
    r = synfront(["--", "--stats-interval", value])
    assert r.returncode == 2
    line = one_error_line(r)
    assert "--stats-interval" in line and "'%s'" % value in line


def test_missing_value():
    r = synfront(["--", "--stats-interval"])
    assert r.returncode == 2
    line = one_error_line(r)
    assert "--stats-interval" in line and "needs a value" in line


def test_help():
    for args in (["--", "--help"], ["--", "-h"]):
        r = synfront(args)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("Usage: ")
        assert "[EAL options] -- [options]" in r.stdout
        for opt in ("--addr", "--config", "--stats-interval",
                    "--stats-file", "--help"):
            assert opt in r.stdout, opt
        assert r.stderr == ""


@pytest.mark.parametrize("opt,value,rng", [
    ("--sndbuf", "4095", "4096..1073741824"),
    ("--sndbuf", "1073741825", "4096..1073741824"),
    ("--tcp-retries2", "0", "1..255"),
    ("--tcp-retries2", "256", "1..255"),
    ("--keepalive-ms", "999", "1000..2073600000"),
    ("--keepalive-intvl-ms", "999", "1000..2073600000"),
    ("--keepalive-probes", "128", "1..127"),
    ("--idle-timeout-ms", "10", "1000..2073600000"),
    ("--synack-timeout-ms", "0", "1..120000"),
    ("--syn-retries", "0", "1..20"),
    ("--syn-retries", "21", "1..20"),
    ("--connect-parallel", "0", "1..1048576"),
])
def test_bad_engine_tcp_values(opt, value, rng):
    """Engine-wide and listener TCP settings name the value and the
    range they take."""
    r = synfront(["--", opt, value])
    assert r.returncode == 2
    line = one_error_line(r)
    assert opt in line and "'%s'" % value in line and rng in line, line


def test_echo_refused_on_app_lcores():
    """echo on an application lcore could be refused room for bytes the
    worker's window let in: synfront says so and does not start."""
    r = synfront_eal(["--", "--app", "echo", "--app-lcores", "1"],
                     lcores="0-1")
    assert r.returncode != 0
    assert "--app-lcores with echo" in r.stderr, r.stderr


def test_missing_config_file(tmp_path):
    path = tmp_path / "nonexistent.ini"
    r = synfront(["--", "-c", str(path)])
    assert r.returncode == 2
    line = one_error_line(r)
    assert str(path) in line and "No such file" in line


def test_unknown_ini_key(tmp_path):
    ini = tmp_path / "u.ini"
    ini.write_text("[synfront]\nstats_interval = 1\nbogus_key = 1\n")
    r = synfront(["--", "-c", str(ini)])
    assert r.returncode == 2
    line = one_error_line(r)
    assert str(ini) in line and "'bogus_key'" in line
    assert "unknown key" in line


def test_unknown_ini_section(tmp_path):
    ini = tmp_path / "s.ini"
    ini.write_text("[synfornt]\nstats_interval = 1\n")
    r = synfront(["--", "--config", str(ini)])
    assert r.returncode == 2
    line = one_error_line(r)
    assert str(ini) in line and "[synfornt]" in line


def test_bad_ini_value(tmp_path):
    """Same parser as the option: the message names file, key and value."""
    ini = tmp_path / "v.ini"
    ini.write_text("[synfront]\nstats_interval = soon\n")
    r = synfront(["--", "-c", str(ini)])
    assert r.returncode == 2
    line = one_error_line(r)
    assert str(ini) in line and "stats_interval" in line
    assert "'soon'" in line and "0..86400" in line


def test_bad_ini_port_addr(tmp_path):
    ini = tmp_path / "a.ini"
    ini.write_text("[port0]\naddr = 10.10.0.1/24\naddr = nonsense\n")
    r = synfront(["--", "-c", str(ini)])
    assert r.returncode == 2
    line = one_error_line(r)
    assert str(ini) in line and "[port0] addr" in line
    assert "'nonsense'" in line


@pytest.mark.parametrize("addr,why", [
    ("10.10.0.300/24", "invalid address"),
    ("10.10.0.1/33", "invalid prefix"),
    ("fd00::1/129", "invalid prefix"),
    ("10.10.0.1/", "invalid address"),
    ("banana", "invalid address"),
])
def test_bad_addr_syntax(addr, why):
    r = synfront(["--", "--addr", addr])
    assert r.returncode == 2
    line = one_error_line(r)
    assert "--addr" in line and "'%s'" % addr in line and why in line


def test_addr_given_twice():
    r = synfront(["--", "--addr", "10.10.0.1/24", "--addr", "10.10.0.1/16"])
    assert r.returncode == 2
    line = one_error_line(r)
    assert "--addr" in line and "given twice" in line


@needs_root
@pytest.mark.parametrize("addr", ["224.0.0.1/24", "127.0.0.1/8",
                                  "0.0.0.0/0", "ff02::1/64", "::/0"])
def test_addr_not_unicast(addr):
    """Well-formed but not a host address: a bad value, so exit 2 too."""
    r = synfront_eal(["--", "--addr", addr])
    assert r.returncode == 2, r.stderr
    assert [l for l in r.stderr.splitlines()
            if addr in l and "not a unicast host address" in l], r.stderr


@needs_root
def test_addr_for_missing_port(tmp_path):
    ini = tmp_path / "p.ini"
    ini.write_text("[port3]\naddr = 10.10.0.1/24\n")
    r = synfront_eal(["--", "-c", str(ini)])
    assert r.returncode == 2, r.stderr
    assert [l for l in r.stderr.splitlines()
            if "port 3" in l and "1 port(s)" in l], r.stderr


@needs_root
def test_default_config_runs(tmp_path):
    """config/synfront.ini is accepted; net_null floods zero-MAC frames,
    which are all dropped and all go back to the pool. Without the
    start-up announcements (--announce no): net_null hands back mbufs as
    it finds them, and a freed gratuitous ARP or unsolicited NA would come
    back in as a frame of its own."""
    sf = Synfront(vdev="net_null0", lcores="0", mem=256, tmpdir=tmp_path,
                  app_args=["-c", str(REPO / "config" / "synfront.ini"),
                            "--announce", "no"])
    try:
        sf.start()
        port = sf.telemetry("/synfront/ports,0")
        assert port["name"] == "net_null0"
        assert port["addresses"] == ["10.10.0.1/24", "fd00:10:10::1/64"]
        st = sf.wait_counters(lambda s: s["rx_packets"] > 0,
                              what="net_null frames")
        assert st["drop_l2_not_for_us"] > 0
        js = sf.stop_and_check()
        c = js["counters"]
        assert c["drop_l2_not_for_us"] == c["rx_packets"], {k: v for k, v in c.items() if v}
        assert c["tx_packets"] == 0
    finally:
        sf.cleanup()
    assert not (DPDK_RUN_DIR / sf.prefix).exists()


# Static routes: syntax is checked before EAL starts; whether the gateway
# is on a port address's prefix once the ports have their addresses.

@pytest.mark.parametrize("route,why", [
    ("10.1.0.0/16", "missing 'via GATEWAY'"),
    ("10.1.0.0/16 gw 10.10.0.254", "missing 'via GATEWAY'"),
    ("10.1.0.300/16 via 10.10.0.254", "invalid prefix '10.1.0.300/16'"),
    ("10.1.0.0/33 via 10.10.0.254", "invalid prefix length"),
    ("10.1.2.3/16 via 10.10.0.254", "host bits set: expected 10.1.0.0/16"),
    ("10.1.0.0/16 via banana", "invalid gateway 'banana'"),
    ("10.1.0.0/16 via fd00::1", "not of the prefix's family"),
    ("10.1.0.0/16 via 10.10.0.254 dev eth0", "invalid port 'eth0'"),
    ("10.1.0.0/16 via 10.10.0.254 dev", "missing port after 'dev'"),
    ("10.1.0.0/16 via 10.10.0.254 metric 5", "unexpected 'metric'"),
])
def test_bad_route_syntax(route, why):
    r = synfront(["--", "--addr", "10.10.0.1/24", "--route", route])
    assert r.returncode == 2, r.stderr
    line = one_error_line(r)
    assert "--route" in line and why in line, line
    assert "'%s'" % route in line or why.startswith("invalid prefix '"), line


def test_bad_ini_route(tmp_path):
    """[route] lines are repeatable; the bad one is named with its file."""
    ini = tmp_path / "r.ini"
    ini.write_text("[port0]\naddr = 10.10.0.1/24\n[route]\n"
                   "route = 10.1.0.0/16 via 10.10.0.254\n"
                   "route = 10.2.0.0/16 10.10.0.254\n")
    r = synfront(["--", "-c", str(ini)])
    assert r.returncode == 2
    line = one_error_line(r)
    assert str(ini) in line and "[route] route" in line
    assert "'10.2.0.0/16 10.10.0.254'" in line and "via" in line
    ini.write_text("[route]\ngateway = 10.10.0.254\n")
    r = synfront(["--", "-c", str(ini)])
    assert r.returncode == 2
    assert "'gateway'" in one_error_line(r)


@needs_root
def test_proxy_without_backends():
    """app proxy with no pool: refused at start, naming what is missing."""
    r = synfront_eal(["--", "--addr", "10.10.0.1/24", "--listen", "80",
                      "--app", "proxy"])
    assert r.returncode == 2, r.stderr
    assert [l for l in r.stderr.splitlines()
            if "app proxy needs a backend pool" in l and "--backend" in l], \
        r.stderr


@pytest.mark.parametrize("route,why", [
    ("10.1.0.0/16 via 10.99.0.254", "on no port address's prefix"),
    ("10.1.0.0/16 via 10.10.0.254 dev 3", "no port 3"),
    ("10.1.0.0/16 via 10.10.0.1", "our own"),
    ("10.10.0.0/24 via 10.10.0.254", "has a route already"),
    ("::/0 via fe80::1", "link-local without 'dev PORT'"),
])
def test_route_refused(route, why):
    """Well-formed but unusable: a bad value, exit 2, route and reason."""
    r = synfront_eal(["--", "--addr", "10.10.0.1/24", "--addr",
                      "fd00:10:10::1/64", "--route", route])
    assert r.returncode == 2, r.stderr
    assert [l for l in r.stderr.splitlines()
            if "route '%s'" % route in l and why in l], r.stderr


@pytest.mark.parametrize("opt,value,want", [
    ("--local-port-range", "60999-32768", "LO-HI"),
    ("--local-port-range", "0-100", "LO-HI"),
    ("--local-port-range", "1000", "LO-HI"),
    ("--local-port-range", "1000-70000", "LO-HI"),
    ("--connect", "10.10.0.2", "ADDR:PORT"),
    ("--connect", "10.10.0.2:0", "ADDR:PORT"),
    ("--connect", "fd00::2:80", "[V6ADDR]:PORT"),
    ("--connect", "[10.10.0.2]:80", "ADDR:PORT"),
    ("--tw-reuse", "maybe", "yes"),
    ("--backend", "10.0.0.1:80@0", "1..256"),
    ("--backend", "10.0.0.1", "ADDR:PORT[@WEIGHT]"),
    ("--backend", "10.0.0.1:80,,10.0.0.2:80", "ADDR:PORT[@WEIGHT]"),
    ("--backend-sched", "lc", "rr, hash"),
    ("--backend-rise", "0", "1..100"),
    ("--backend-check-timeout-ms", "2", "3..3600000"),
    ("--proxy-protocol", "3", "0..2"),
    ("--backend-retries", "17", "0..16"),
    ("--proxy-idle-ms", "999", "1000..86400000"),
    ("--proxy-fin-idle-ms", "x", "1000..86400000"),
    ("--app", "proxi", "proxy"),
])
def test_bad_active_open_values(opt, value, want):
    """The active open's and the backends' options name the bad value and
    the form they take."""
    r = synfront(["--", opt, value])
    assert r.returncode == 2
    line = one_error_line(r)
    assert opt in line and value in line and want in line, line


def test_listener_backend_lines(tmp_path):
    """backend lines in a [listener] section: parsed as --backend's (a bad
    one names the file, section, value and form), counted per listener
    (64 each, not added to [synfront]'s)."""
    bad = tmp_path / "bad.ini"
    bad.write_text("[synfront]\nbackend = 10.0.0.1:80\n"
                   "[listener db]\nlisten = 5432\napp = proxy\n"
                   "backend = 10.0.0.9\n")
    r = synfront(["--", "-c", str(bad)])
    assert r.returncode == 2
    line = one_error_line(r)
    assert "[listener db] backend" in line and "10.0.0.9" in line and \
        "ADDR:PORT[@WEIGHT]" in line, line
    # 60 in [synfront] and 14 in the listener: fine (the error that ends
    # the run is the next line's, not "too many backends").
    many = tmp_path / "many.ini"
    lines = ["[synfront]"] + ["backend = 10.0.1.%d:80" % i
                              for i in range(1, 61)]
    lines += ["[listener db]", "listen = 5432", "app = proxy"] + [
        "backend = 10.0.2.%d:80,10.0.3.%d:80" % (i, i) for i in range(1, 8)]
    many.write_text("\n".join(lines + ["mss = 1"]) + "\n")
    r = synfront(["--", "-c", str(many)])
    assert r.returncode == 2
    line = one_error_line(r)
    assert "[listener db] mss" in line, line


@pytest.mark.parametrize("ini,where,what", [
    ("[http]\nmax_header_bytes = 100\n", "[http] max_header_bytes",
     "256..1048576"),
    ("[http]\nkeepalive = 5\n", "[http] keepalive",
     "server, max_header_bytes"),
    ("[route nope]\nbody = x\n", "[route nope]", "expected /PATH"),
    ("[route /a]\nstatus = 99\n", "[route /a] status", "200..599"),
    ("[route /a]\nheader = Content-Length: 5\n", "[route /a] header",
     "written by the responder"),
    ("[route /a]\nheader = no colon\n", "[route /a] header",
     "'Name: value'"),
    ("[route /a]\nbody = @/nonexistent/file\n", "[route /a] body",
     "/nonexistent/file"),
    ("[route /a]\ncolor = red\n", "[route /a] color",
     "status, content_type, body"),
])
def test_bad_http_config(tmp_path, ini, where, what):
    """[http] and [route /PATH]: a bad value exits 2 with one line naming
    the file, the section and key, and what was expected."""
    f = tmp_path / "http.ini"
    f.write_text("[synfront]\napp = http\n" + ini)
    r = synfront(["--", "-c", str(f)])
    assert r.returncode == 2, r.stderr
    line = one_error_line(r)
    assert str(f) in line and where in line and what in line, line


@needs_root
def test_http_refused_on_app_lcores():
    """The responder keeps its state in the connection, which only the
    owning worker may touch: app http with --app-lcores is refused."""
    r = synfront_eal(["--", "--app", "http", "--app-lcores", "1"],
                     lcores="0-1")
    assert r.returncode != 0
    assert "--app-lcores with http" in r.stderr, r.stderr
