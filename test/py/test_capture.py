# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
Packet capture with DPDK's own tool: dpdk-dumpcap attaches to a running
synfront as a secondary process (synfront initialises rte_pdump) and
writes what its port receives and sends to a pcapng file.

A secondary cannot attach to a --no-huge primary, so this test reserves
2 MiB hugepages and mounts a hugetlbfs of its own for the run, and puts
both back as they were afterwards (nr_hugepages to its previous value,
its own mount only), also on failure. synfront runs on net_tap in a
namespace with the kernel as the client (conftest's Synfront); the test
captures IPv4 and IPv6 handshakes and checks that the pcapng holds each
SYN, SYN-ACK and third ACK with the right flags, ports and numbers, and
that dumpcap dropped nothing.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import (PEER_V4, PEER_V6, PYTHON, SF_ADDR_ARGS, SF_V4, SF_V6,
                      Synfront, _pdeathsig, needs_root, run)

scapy = pytest.importorskip("scapy.all")
from scapy.all import ARP, IP, TCP, IPv6, rdpcap  # noqa: E402

pytestmark = needs_root

DUMPCAP = "/usr/bin/dpdk-dumpcap"
PORT = 80
HUGE_SYSFS = Path("/sys/kernel/mm/hugepages/hugepages-2048kB")
# synfront on a tap with its default tables takes about 31 pages (62 MiB)
# and dumpcap's ring and pool a few more: 128 leaves room.
HUGE_PAGES = 128
ATTACH_TIMEOUT = 15   # dumpcap start until it says it captures
STOP_TIMEOUT = 10     # SIGINT to dumpcap until it exits

# One handshake from the namespace's kernel: connect, then close.
CONNECT = r'''
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
print(s.getsockname()[1])
s.close()
'''


def read_int(path):
    return int(path.read_text().strip())


@pytest.fixture
def hugepages():
    """HUGE_PAGES free 2 MiB pages and a hugetlbfs mount of our own;
    yields the mount point. nr_hugepages goes back to its old value."""
    nr = HUGE_SYSFS / "nr_hugepages"
    if not nr.exists():
        pytest.skip("no 2 MiB hugepages in this kernel (%s missing)" % nr)
    before = read_int(nr)
    changed = False
    mnt = Path(tempfile.mkdtemp(prefix="sfhuge-"))
    mounted = False
    try:
        free = read_int(HUGE_SYSFS / "free_hugepages")
        if free < HUGE_PAGES:
            nr.write_text(str(before + HUGE_PAGES - free))
            changed = True
            free = read_int(HUGE_SYSFS / "free_hugepages")
            if free < HUGE_PAGES:
                pytest.skip("asked for %d free 2 MiB hugepages, the kernel "
                            "gave %d (memory fragmented?)" % (
                                HUGE_PAGES, free))
        r = run(["mount", "-t", "hugetlbfs", "-o", "pagesize=2M", "nodev",
                 str(mnt)], timeout=10)
        if r.returncode != 0:
            pytest.skip("cannot mount hugetlbfs: %s" % r.stderr.strip())
        mounted = True
        yield mnt
    finally:
        try:
            if mounted:
                # Page files a killed synfront left go with the mount.
                run(["umount", str(mnt)], timeout=10, check=True)
        finally:
            shutil.rmtree(mnt, ignore_errors=True)
            if changed:
                nr.write_text(str(before))
    assert read_int(nr) == before


class Dumpcap:
    """dpdk-dumpcap on synfront's port 0 until stop()."""

    def __init__(self, prefix, out):
        self.out = out
        self.err = Path(str(out) + ".err")
        with open(self.err, "w") as err:
            self.proc = subprocess.Popen(
                [DUMPCAP, "--file-prefix=" + prefix, "-i", "net_tap0",
                 "-w", str(out)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=err, preexec_fn=_pdeathsig)

    def stderr(self):
        return self.err.read_text()

    def wait_attached(self):
        # dumpcap prints this once rte_pdump_enable() has returned, that
        # is once synfront has added its rx and tx callbacks.
        deadline = time.monotonic() + ATTACH_TIMEOUT
        while "Packets captured:" not in self.stderr():
            if self.proc.poll() is not None:
                pytest.fail("dpdk-dumpcap exited %d:\n%s" % (
                    self.proc.returncode, self.stderr()))
            if time.monotonic() > deadline:
                pytest.fail("dpdk-dumpcap not capturing after %ss:\n%s" % (
                    ATTACH_TIMEOUT, self.stderr()))
            time.sleep(0.1)

    def stop(self):
        """SIGINT, as Ctrl-C; SIGKILL after STOP_TIMEOUT. Exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
                return "killed after %ss" % STOP_TIMEOUT
        return self.proc.returncode


def handshake(sf, addr):
    """One kernel connect() to addr; returns the client's port."""
    r = run([PYTHON, "-c", CONNECT, addr, str(PORT)], ns=sf.ns, timeout=15)
    assert r.returncode == 0, r.stderr
    return int(r.stdout)


def from_synfront(p):
    """Whether synfront sent p (its tap's kernel side has the same MAC,
    and 22.11's pcapng direction flag is not read back by scapy 2.5)."""
    if ARP in p:
        return p[ARP].psrc == SF_V4
    for L3 in (IP, IPv6):
        if L3 in p:
            return p[L3].src in (SF_V4, SF_V6)
    return False


def find(pkts, what, pred):
    got = [p for p in pkts if TCP in p and pred(p)]
    assert len(got) == 1, "%s: %d in the capture:\n%s" % (
        what, len(got), "\n".join(p.summary() for p in pkts))
    return got[0]


def check_handshake(pkts, v6, cport):
    """The SYN, SYN-ACK and ACK of the client port cport, in order."""
    L3 = IPv6 if v6 else IP
    sf_addr, peer = (SF_V6, PEER_V6) if v6 else (SF_V4, PEER_V4)

    def c2s(p):
        return L3 in p and p[L3].src == peer and p[L3].dst == sf_addr and \
            p[TCP].sport == cport and p[TCP].dport == PORT

    def s2c(p):
        return L3 in p and p[L3].src == sf_addr and p[L3].dst == peer and \
            p[TCP].sport == PORT and p[TCP].dport == cport

    syn = find(pkts, "SYN", lambda p: c2s(p) and str(p[TCP].flags) == "S")
    synack = find(pkts, "SYN-ACK",
                  lambda p: s2c(p) and str(p[TCP].flags) == "SA")
    ack = find(pkts, "third ACK",
               lambda p: c2s(p) and str(p[TCP].flags) == "A" and
               p[TCP].seq == syn[TCP].seq + 1)
    assert synack[TCP].ack == syn[TCP].seq + 1
    assert ack[TCP].ack == synack[TCP].seq + 1
    # The capture keeps the order the frames crossed the port in.
    assert pkts.index(syn) < pkts.index(synack) < pkts.index(ack)


def test_dumpcap_captures_handshakes(hugepages, tmp_path):
    """dpdk-dumpcap attached to synfront captures a kernel client's IPv4
    and IPv6 handshakes: every frame synfront received or sent while it
    ran is in the pcapng, none dropped; synfront exits 0 without a leak."""
    if not os.access(DUMPCAP, os.X_OK):
        pytest.skip("%s missing (Debian package dpdk)" % DUMPCAP)
    sf = Synfront(vdev="tap", tmpdir=tmp_path, huge_dir=hugepages,
                  app_args=list(SF_ADDR_ARGS) + ["--listen", str(PORT)])
    cap = None
    pcap = tmp_path / "synfront.pcapng"
    try:
        sf.start()
        assert "packet capture on" in sf.stderr(), sf.stderr()
        cap = Dumpcap(sf.prefix, pcap)
        cap.wait_attached()
        before = sf.stats()
        ports = [(False, handshake(sf, SF_V4)), (True, handshake(sf, SF_V6))]
        after = sf.wait_counters(lambda s: s["accepted"] == 2, timeout=5,
                                 what="both connections accepted")

        rc = cap.stop()
        err = cap.stderr()
        assert rc == 0, "dpdk-dumpcap exit %r:\n%s" % (rc, err)
        # dumpcap's own tally: frames taken, and frames dropped because
        # its pool was empty or its ring full.
        line = [l for l in err.splitlines()
                if l.startswith("Packets received/dropped")]
        assert len(line) == 1, err
        recv, drop = line[0].split(": ", 1)[1].split()[0].split("/")
        pkts = rdpcap(str(pcap))
        assert int(recv) == len(pkts), (line[0], len(pkts))
        # Every frame synfront received or sent between the attach and
        # the last handshake is in the file (more may have come after).
        sent = sum(1 for p in pkts if from_synfront(p))
        assert len(pkts) - sent >= after["rx_packets"] - \
            before["rx_packets"], (len(pkts), sent, before, after)
        assert sent >= after["tx_packets"] - before["tx_packets"] >= 2
        for v6, cport in ports:
            check_handshake(pkts, v6, cport)

        js = sf.stop_and_check()
        assert js["counters"]["accepted"] == 2
        # synfront's side of the tally (rte_pdump's counts, logged at
        # exit), which says why a frame was lost: dumpcap's pool empty
        # or its ring full.
        report = [l for l in sf.stderr().splitlines()
                  if "capture: port" in l]
        assert int(drop) == 0, (line[0], report)
        assert len(report) == 1 and report[0].endswith(
            " 0 lost to its empty pool, 0 to its full ring"), report
    finally:
        if cap is not None:
            cap.stop()
        sf.cleanup()
        for f in (pcap, cap.err if cap is not None else None):
            if f is not None and f.exists():
                f.unlink()


def test_dumpcap_refused_without_hugepages(tmp_path):
    """The usual --no-huge synfront says capture is off and why, and a
    dumpcap pointed at it fails at once with EAL's reason."""
    if not os.access(DUMPCAP, os.X_OK):
        pytest.skip("%s missing (Debian package dpdk)" % DUMPCAP)
    sf = Synfront(vdev="tap", tmpdir=tmp_path)
    pcap = tmp_path / "refused.pcapng"
    try:
        sf.start()
        assert "packet capture (dpdk-dumpcap) off: it attaches as a " \
            "secondary process, which needs hugepages" in sf.stderr(), \
            sf.stderr()
        r = run([DUMPCAP, "--file-prefix=" + sf.prefix, "-i", "net_tap0",
                 "-w", str(pcap)], timeout=20)
        assert r.returncode != 0, r.stderr
        assert "Cannot get hugepage information" in r.stderr, r.stderr
        sf.stop_and_check()
    finally:
        sf.cleanup()
        if pcap.exists():
            pcap.unlink()
