# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
End to end on net_af_xdp: a veth pair between two network namespaces the
test creates. The client namespace holds one end with the kernel's
addresses (10.10.0.2, fd00:10:10::2) and its TCP stack as the client;
synfront runs in the other namespace (`ip netns exec`) with an AF_XDP
socket on the other end (net_af_xdp0,iface=...,start_queue=0,
queue_count=1). This is how synfront runs beside the kernel on a NIC the
kernel keeps (README, "On a kernel NIC with AF_XDP").

Two things the tests pin down:
- net_af_xdp keeps 2048 mbufs of synfront's pool per rx queue in its fill
  ring and never frees them (app/sf_port.c): the exit JSON accounts for
  exactly those (mempool.pmd_kept), and nothing else may be missing;
- the client end's TX checksum offload must be off (ethtool -K tx off):
  a veth hands partial checksums to XDP, which synfront counts as
  drop_tcp_bad_csum.

Everything made here (namespaces, hence the veths and the XDP program,
the synfront process, the EAL directory, files) is removed also on
failure.
"""

import errno
import shutil
import socket

import pytest

from conftest import (PEER_V4, PEER_V6, SF_ADDR_ARGS, SF_V4, SF_V6,
                      Synfront, delete_netns, needs_root, netns_exists,
                      nonzero, run, unique_name)
from test_handshake import Client

pytestmark = needs_root

PORT = 80
# What net_af_xdp puts in each rx queue's fill ring (SF_AF_XDP_FILL_MBUFS).
AF_XDP_FILL = 2048
AF_XDP_FAMILY = getattr(socket, "AF_XDP", 44)


def af_xdp_unavailable():
    """Why AF_XDP cannot work here, or None."""
    try:
        socket.socket(AF_XDP_FAMILY, socket.SOCK_RAW, 0).close()
    except OSError as e:
        return "cannot open an AF_XDP socket: %s (kernel without " \
            "CONFIG_XDP_SOCKETS, or a sandbox that forbids it)" % (
                errno.errorcode.get(e.errno, e))
    if shutil.which("ethtool") is None:
        return "ethtool not installed (scripts/install-deps.sh installs it)"
    return None


class Veth:
    """Two namespaces joined by a veth pair."""

    def __init__(self):
        self.client_ns = unique_name("c")
        self.sf_ns = unique_name("x")
        self.client_if = unique_name("a")
        self.sf_if = unique_name("b")

    def setup(self):
        for ns in (self.client_ns, self.sf_ns):
            run(["ip", "netns", "add", ns], timeout=10, check=True)
        r = run(["ip", "link", "add", self.client_if, "netns",
                 self.client_ns, "type", "veth", "peer", "name", self.sf_if,
                 "netns", self.sf_ns], timeout=10)
        if r.returncode != 0:
            pytest.skip("cannot create a veth pair: %s" % r.stderr.strip())
        for cmd in (["ip", "addr", "add", PEER_V4 + "/24", "dev",
                     self.client_if],
                    ["ip", "-6", "addr", "add", PEER_V6 + "/64", "dev",
                     self.client_if, "nodad"],
                    ["ip", "link", "set", self.client_if, "up"],
                    ["ip", "link", "set", "lo", "up"]):
            run(cmd, ns=self.client_ns, timeout=10, check=True)
        run(["ip", "link", "set", self.sf_if, "up"], ns=self.sf_ns,
            timeout=10, check=True)
        self.tx_csum(False)

    def tx_csum(self, on):
        """The client end's TX checksum offload."""
        run(["ethtool", "-K", self.client_if, "tx", "on" if on else "off"],
            ns=self.client_ns, timeout=10, check=True)

    def cleanup(self):
        # The veths, and the XDP program on synfront's end, go with them.
        for ns in (self.client_ns, self.sf_ns):
            delete_netns(ns)


@pytest.fixture
def veth():
    why = af_xdp_unavailable()
    if why:
        pytest.skip(why)
    v = Veth()
    try:
        v.setup()
        yield v
    finally:
        v.cleanup()
    assert not netns_exists(v.client_ns) and not netns_exists(v.sf_ns)


@pytest.fixture
def af_xdp(veth, tmp_path):
    """synfront on net_af_xdp on the veth's far end, and a client."""
    sf = Synfront(vdev="net_af_xdp0,iface=%s,start_queue=0,queue_count=1" %
                  veth.sf_if, netns=veth.sf_ns, tmpdir=tmp_path,
                  app_args=list(SF_ADDR_ARGS) + ["--listen", str(PORT)])
    cl = None
    try:
        sf.start()
        cl = Client(veth.client_ns)
        yield sf, cl
    finally:
        if cl is not None:
            cl.close()
        sf.cleanup()


def test_af_xdp_handshakes(veth, af_xdp):
    """2,000 sequential connect()s over IPv4, 500 over IPv6 and 200
    concurrent ones complete through net_af_xdp; every handshake is
    counted once; SIGINT: exit 0, no mbuf missing beyond the PMD's fill
    ring, which is accounted for exactly."""
    sf, cl = af_xdp
    p0 = sf.telemetry("/synfront/ports,0")
    assert p0["name"] == "net_af_xdp0" and p0["link_up"] == 1, p0
    runs = [("v4 sequential", SF_V4, 2000, 1),
            ("v6 sequential", SF_V6, 500, 1),
            ("v4 concurrent", SF_V4, 200, 200)]
    for what, addr, n, conc in runs:
        r = cl("many", addr=addr, port=PORT, n=n, conc=conc, timeout=10,
               wait=60)
        assert r["ok"] == n, "%s: %r; synfront: %r" % (
            what, r, nonzero(sf.stats()))
    n = sum(n for _, _, n, _ in runs)
    sf.wait_counters(lambda s: s["accepted"] >= n, timeout=10,
                     what="%d accepted" % n)

    js = sf.stop_and_check()
    c = js["counters"]
    got = {k: c[k] for k in ("syn_recv", "passive_opens", "accepted",
                             "drop_tcp_bad_csum", "reqq_full_drop",
                             "listen_overflows", "req_timeouts")}
    assert got == dict(syn_recv=n, passive_opens=n, accepted=n,
                       drop_tcp_bad_csum=0, reqq_full_drop=0,
                       listen_overflows=0, req_timeouts=0), nonzero(c)
    # No SYN was answered twice (a loose check: it needs a lost segment).
    assert c["synack_sent"] - c["synack_retrans"] == n, nonzero(c)
    assert js["ports"][0]["name"] == "net_af_xdp0"
    # At least each SYN and third ACK (the clients' FINs may still be on
    # their way when synfront stops).
    assert js["ports"][0]["rx_packets"] >= 2 * n
    # Exactly the fill ring of the one rx queue is outside the pool, and
    # the audit checked each of those mbufs.
    pool = js["mempool"]
    assert pool["pmd_kept"] == AF_XDP_FILL, pool
    assert pool["available"] == pool["size"] - AF_XDP_FILL, pool
    err = sf.stderr()
    assert "mbuf leak" not in err, err
    assert "%d kept by net_af_xdp in its fill rings" % AF_XDP_FILL in err, err


def test_af_xdp_peer_checksum_offload(veth, af_xdp):
    """With the client end's TX checksum offload on, the kernel's TCP
    segments cross the veth with partial checksums: synfront drops them
    (drop_tcp_bad_csum) and connect() times out; once it is off, the same
    connect() completes."""
    sf, cl = af_xdp
    veth.tx_csum(True)
    before = sf.stats()
    r = cl("many", addr=SF_V4, port=PORT, n=1, conc=1, timeout=1.5)
    assert r["ok"] == 0, r
    after = sf.wait_counters(
        lambda s: s["drop_tcp_bad_csum"] > before["drop_tcp_bad_csum"],
        timeout=5, what="drop_tcp_bad_csum")
    assert after["syn_recv"] == before["syn_recv"], nonzero(after)

    veth.tx_csum(False)
    r = cl("many", addr=SF_V4, port=PORT, n=1, conc=1, timeout=5)
    assert r["ok"] == 1, r
    # connect() returns once the third ACK is sent, maybe before it is in.
    sf.wait_counters(lambda s: s["accepted"] == 1, timeout=5,
                     what="the connection accepted")
    js = sf.stop_and_check()
    assert js["counters"]["accepted"] == 1, nonzero(js["counters"])
    assert js["mempool"]["pmd_kept"] == AF_XDP_FILL, js["mempool"]
