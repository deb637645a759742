# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""
pktgen against synfront over net_memif, as docs/pktgen.md runs it: opt-in.

pktgen is not in this repository. Build it with
    eval "$(scripts/build-pktgen.sh PATH/TO/Pktgen-DPDK)"
which sets SF_PKTGEN to the binary; without SF_PKTGEN (or with a path that
is not an executable file) every test here is skipped and says why.

Each test runs config/pktgen/syn-flood.lua with one of the ranged command
files, bounded by a packet count, against synfront in --syncookies 2 (one
cookie SYN-ACK per SYN and no retransmission timer, so both sides' counts
are fixed once pktgen stops) and checks that pktgen's port counters and
synfront's agree, frame for frame where memif allows it.
"""

import ctypes
import errno
import fcntl
import os
import re
import signal
import struct
import subprocess
import termios
import threading
import time

import pytest

from conftest import REPO, SF_ADDR_ARGS, is_root, nonzero, \
    remove_dpdk_dir, unique_name

PKTGEN = os.environ.get("SF_PKTGEN", "")
if PKTGEN:
    # pktgen runs from the top directory (the scripts' paths are relative).
    PKTGEN = os.path.abspath(PKTGEN)


def _skip_reason():
    if not PKTGEN:
        return ("SF_PKTGEN not set: build pktgen 23.06.1 with "
                "scripts/build-pktgen.sh SRC_DIR and set SF_PKTGEN to the "
                "binary it prints (docs/pktgen.md)")
    if not (os.path.isfile(PKTGEN) and os.access(PKTGEN, os.X_OK)):
        return "SF_PKTGEN=%s is not an executable file" % PKTGEN
    if not is_root():
        return "DPDK vdevs need root here"
    return None


SKIP_REASON = _skip_reason()
pytestmark = pytest.mark.skipif(SKIP_REASON is not None,
                                reason=str(SKIP_REASON))

SF_MAC = "02:00:00:00:00:01"    # the .pkt files' destination MAC
PG_MAC = "02:00:00:00:00:02"
COUNT = 100000
# 0.1 % of memif's 100 Gb/s is about 149 kpps of 64-byte frames: 100,000
# SYNs in under a second. Slow enough that pktgen's one lcore drains the
# SYN-ACKs as they come on an idle 2-CPU machine (docs/pktgen.md).
RATE = "0.1"
# synfront refuses a SYN-ACK (tx_dropped) when memif's 1024-slot ring to
# pktgen is full, i.e. when pktgen's lcore, which also sends, has not
# polled for a while. Measured on the 2-CPU machine: none idle; 0.16 % and
# 0.29 % with two busy loops competing for both CPUs; 0.4 % with the
# fixed-source files, which pktgen sends in denser bursts. 1 % leaves room
# for a loaded machine and still fails a receive path that starves (rx and
# tx lcores on one CPU: pktgen received ~9 % of the SYN-ACKs, the rest
# refused).
TX_DROP_MAX = 0.01
PKTGEN_TIMEOUT = 90     # start-up + LINK_WAIT + sending + 2 s, generous
FREEZE_TIMEOUT = 10


def _pktgen_child():
    """pktgen's pre-exec: SIGKILL if pytest dies (it may be frozen)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except OSError:
        pass


class Pktgen:
    """
    One pktgen process on a pseudo-terminal of its own (it draws a screen
    and reads a prompt, so it needs one; docs/pktgen.md uses script(1),
    here the pid must be pktgen's own to freeze it). Its output goes to
    log_path as it comes.
    """

    def __init__(self, argv, env, log_path):
        self.log_path = log_path
        self.buf = bytearray()
        self.lock = threading.Lock()
        master, slave = os.openpty()
        try:
            # A size, so that pktgen's screen code has rows and columns.
            fcntl.ioctl(slave, termios.TIOCSWINSZ,
                        struct.pack("HHHH", 50, 132, 0, 0))
            self.proc = subprocess.Popen(
                argv, cwd=REPO, env=env, stdin=slave, stdout=slave,
                stderr=slave, start_new_session=True,
                preexec_fn=_pktgen_child)
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self.master = master
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        with open(self.log_path, "wb") as log:
            while True:
                try:
                    data = os.read(self.master, 65536)
                except OSError as e:    # EIO: the terminal's last user left
                    if e.errno != errno.EIO:
                        raise
                    break
                if not data:
                    break
                log.write(data)
                log.flush()
                with self.lock:
                    self.buf += data

    def text(self):
        with self.lock:
            return self.buf.decode(errors="replace")

    def tail(self, n=3000):
        # The screen's escape sequences make the log hard to read; the
        # script's own lines start with "synflood:".
        t = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", " ", self.text())
        return t[-n:]

    def wait_for(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.text())
            if m:
                return m
            if self.proc.poll() is not None:
                time.sleep(0.2)     # let the reader drain the terminal
                m = re.search(pattern, self.text())
                if m:
                    return m
                pytest.fail("pktgen exited %d before %r:\n%s" % (
                    self.proc.returncode, pattern, self.tail()))
            if time.monotonic() > deadline:
                pytest.fail("pktgen: no %r after %ss:\n%s" % (
                    pattern, timeout, self.tail()))
            time.sleep(0.1)

    def signal(self, sig):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass

    def kill(self):
        """SIGKILL (works on a frozen process too), reap, close the pty."""
        self.signal(signal.SIGKILL)
        try:
            self.proc.wait(timeout=10)
        finally:
            self.reader.join(timeout=5)
            try:
                os.close(self.master)
            except OSError:
                pass


TOTALS = (r"port 0 totals: opackets (\d+) \(SYNs sent\), ipackets (\d+)")
BYTES = (r"port 0 totals: obytes (\d+), ibytes (\d+), oerrors (\d+), "
         r"ierrors (\d+), imissed (\d+), rx_nombuf (\d+)")


@pytest.mark.parametrize("config,syn_len,synack_len", [
    # Frame lengths without the FCS, as DPDK counts bytes: the 64-byte
    # IPv4 SYN is 60 (with 6 bytes of pktgen's pattern as data), its
    # SYN-ACK 14 + 20 + 20 + MSS 4 = 58; IPv6 74 and 14 + 40 + 20 + 4 = 78.
    ("syn-range-v4.pkt", 60, 58),
    ("syn-range-v6.pkt", 74, 78),
])
def test_pktgen_syn_flood_memif(synfront_factory, tmp_path, config, syn_len,
                                synack_len):
    sock = tmp_path / "memif.sock"
    dev = "net_memif0,socket=%s,socket-abstract=no" % sock
    # 2 CPUs: synfront's one lcore on CPU 0 beside pktgen's main lcore,
    # which sleeps while syn-flood.lua runs; pktgen's one port lcore
    # receives and sends on CPU 1 (-m 1.0), as docs/pktgen.md runs them.
    sf = synfront_factory(
        vdev=dev + ",role=server,mac=" + SF_MAC, lcores="0",
        app_args=list(SF_ADDR_ARGS) + ["--listen", "80",
                                       "--syncookies", "2"])
    sf.start()
    prefix = unique_name("k")
    env = dict(os.environ)
    env.update({
        "SYNFLOOD_CONFIG": "config/pktgen/" + config,
        "SYNFLOOD_RATE": RATE,
        "SYNFLOOD_COUNT": str(COUNT),
        "SYNFLOOD_DURATION": "20",
        "SYNFLOOD_LINK_WAIT": "10",
        # Hold pktgen after its totals: it is frozen there, below.
        "SYNFLOOD_WAIT_PEER_CLOSE": "60",
        "TERM": "xterm",
    })
    argv = [PKTGEN, "-l", "0-1", "--no-huge", "-m", "1536", "--no-pci",
            "--file-prefix", prefix,
            "--vdev", dev + ",role=client,mac=" + PG_MAC, "--",
            "-P", "-m", "1.0", "-f", "config/pktgen/syn-flood.lua"]
    t0 = time.monotonic()
    pg = Pktgen(argv, env, tmp_path / "pktgen.log")
    try:
        tot = pg.wait_for(TOTALS, PKTGEN_TIMEOUT)
        byt = pg.wait_for(BYTES, 10)
        pg.wait_for(r"waiting up to \d+ s for the peer", 10)
        # DPDK 22.11's net_memif handles a peer's disconnect in its
        # interrupt thread and unmaps the shared rings while the lcore may
        # still be polling them: whichever side keeps polling when the
        # other leaves can crash (synfront did in 1 of 8 runs where pktgen
        # quit first; docs/generator.md). pktgen has no command to stop
        # polling short of quitting, so freeze it (all its threads), stop
        # synfront cleanly, then kill pktgen: its counters are read above.
        pg.signal(signal.SIGSTOP)
        js = sf.stop_and_check()
        elapsed = time.monotonic() - t0
    finally:
        pg.kill()
        remove_dpdk_dir(prefix)
    # synfront removes its socket file at exit (a crash leaves it).
    assert not sock.exists(), "memif socket %s left behind" % sock

    opackets, ipackets = int(tot.group(1)), int(tot.group(2))
    obytes, ibytes, oerrors, ierrors, imissed, rx_nombuf = \
        (int(x) for x in byt.groups())
    c = js["counters"]
    port = js["ports"][0]
    print("\n%s: pktgen tx %d rx %d | synfront rx %d syncookies_sent %d "
          "synack_sent %d tx %d tx_dropped %d | %.1f s" % (
              config, opackets, ipackets, c["rx_packets"],
              c["syncookies_sent"], c["synack_sent"], c["tx_packets"],
              c["tx_dropped"], elapsed))

    # pktgen sent exactly COUNT SYNs of the file's length, all accepted by
    # memif (a full ring makes pktgen flush the rest again, no loss).
    assert opackets == COUNT, "pktgen opackets %d, COUNT %d" % (
        opackets, COUNT)
    assert obytes == opackets * syn_len, (obytes, opackets)
    assert (oerrors, ierrors, imissed, rx_nombuf) == (0, 0, 0, 0), \
        byt.group(0)
    # Exact: memif copy mode loses nothing between the rings, and
    # pktgen sends nothing else (no ARP or ND: the MACs are given).
    assert c["rx_packets"] == c["tcp_segments"] == opackets, nonzero(c)
    assert port["rx_packets"] == opackets, port
    # --syncookies 2: one cookie SYN-ACK for each SYN, nothing dropped.
    assert c["syncookies_sent"] == c["synack_sent"] == opackets, nonzero(c)
    assert not [k for k, v in c.items() if k.startswith("drop_") and v], \
        nonzero(c)
    # Every SYN-ACK either went into memif's ring or was refused there.
    assert c["synack_sent"] == c["tx_packets"] + c["tx_dropped"], nonzero(c)
    # What went into the ring is what pktgen received, exactly: its
    # totals were read 2 s after the last SYN-ACK could have been sent
    # (and synfront's port counters are intact: pktgen never left).
    assert ipackets == c["tx_packets"] == port["tx_packets"], (
        ipackets, nonzero(c), port)
    assert ibytes == ipackets * synack_len, (ibytes, ipackets)
    # The refused ones: see TX_DROP_MAX.
    assert c["tx_dropped"] <= TX_DROP_MAX * c["synack_sent"], (
        "synfront refused %d of %d SYN-ACKs (pktgen did not drain the "
        "ring)" % (c["tx_dropped"], c["synack_sent"]))

