# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
Routes end to end: synfront starts with static routes from the command
line and the config file, and /synfront/routes lists them with the
connected routes of its addresses, and says where a destination goes.
net_null0: nothing is sent, the table is what is checked.
"""

from conftest import needs_root

ADDRS = ["--addr", "10.10.0.1/24", "--addr", "fd00:10:10::1/64"]


def routes(sf):
    t = sf.telemetry("/synfront/routes")
    n = t.pop("count")
    assert n == len(t), t
    return [t[str(i)] for i in range(n)]


@needs_root
def test_routes_listed(synfront_factory):
    sf = synfront_factory(vdev="net_null0", lcores="0", mem=512, app_args=ADDRS + [
        "--route", "10.1.0.0/16 via 10.10.0.254",
        "--route", "0.0.0.0/0 via 10.10.0.253 dev 0",
        "--route", "2001:db8::/32 via fd00:10:10::fe dev 0"])
    sf.start()
    assert routes(sf) == [
        {"prefix": "10.10.0.0/24", "dev": 0, "src": "10.10.0.1",
         "proto": "connected"},
        {"prefix": "fd00:10:10::/64", "dev": 0, "src": "fd00:10:10::1",
         "proto": "connected"},
        {"prefix": "10.1.0.0/16", "via": "10.10.0.254", "dev": 0,
         "src": "10.10.0.1", "proto": "static"},
        {"prefix": "0.0.0.0/0", "via": "10.10.0.253", "dev": 0,
         "src": "10.10.0.1", "proto": "static"},
        {"prefix": "2001:db8::/32", "via": "fd00:10:10::fe", "dev": 0,
         "src": "fd00:10:10::1", "proto": "static"},
    ]
    # `ip route get`: longest prefix, the default, on-link, none.
    get = lambda a: sf.telemetry("/synfront/routes," + a)
    assert get("10.1.2.3") == {"dst": "10.1.2.3", "via": "10.10.0.254",
                               "dev": 0, "src": "10.10.0.1"}
    assert get("8.8.8.8")["via"] == "10.10.0.253"
    assert get("10.10.0.9") == {"dst": "10.10.0.9", "nexthop": "10.10.0.9",
                                "dev": 0, "src": "10.10.0.1"}
    assert get("2001:db8::1")["via"] == "fd00:10:10::fe"
    assert get("2a00::1") == {"dst": "2a00::1", "error": "no route"}
    assert "route 10.1.0.0/16 via 10.10.0.254 dev 0 src 10.10.0.1" in \
        sf.stderr() + sf.stdout_file.read_text()
    sf.stop_and_check()


@needs_root
def test_routes_from_config(synfront_factory, tmp_path):
    """[route] lines; --route would replace them all."""
    ini = tmp_path / "routes.ini"
    ini.write_text("[port0]\naddr = 10.10.0.1/24\n[route]\n"
                   "route = 10.1.0.0/16 via 10.10.0.254 dev 0\n"
                   "route = 10.2.0.0/16 via 10.10.0.254\n")
    sf = synfront_factory(vdev="net_null0", lcores="0", mem=512,
                          app_args=["-c", str(ini)])
    sf.start()
    got = [(r["prefix"], r.get("via"), r["proto"]) for r in routes(sf)]
    assert got == [("10.10.0.0/24", None, "connected"),
                   ("10.1.0.0/16", "10.10.0.254", "static"),
                   ("10.2.0.0/16", "10.10.0.254", "static")]
    sf.stop_and_check()
