# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The synfront authors
"""Commands and processes in the benchmarks' namespaces (bench/synproxy.py,
bench/http.py): each script names its namespaces once, runs commands in
them, starts processes it can stop, and removes all of it on exit."""

import os
import shutil
import signal
import subprocess


class Namespaces:
    """Namespaces by short name (ns: {"c": "hb123c", ...})."""

    def __init__(self, ns, tag):
        self.ns = ns
        self.tag = tag
        self.procs = []

    def sh(self, cmd, ns=None, check=True, timeout=30, both=False):
        """Run cmd (in namespace ns); its stdout (and stderr: both)."""
        if ns is not None:
            cmd = ["ip", "netns", "exec", self.ns[ns]] + cmd
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True,
                           timeout=timeout)
        if check and p.returncode != 0:
            raise RuntimeError("%s: %s" % (" ".join(cmd),
                                           p.stderr.strip()[:300]))
        return p.stdout + p.stderr if both else p.stdout

    def spawn(self, cmd, ns, logf, cpu=None):
        """Start cmd in ns (on cpu), its output in logf; stop() ends it."""
        if cpu is not None:
            cmd = ["taskset", "-c", str(cpu)] + cmd
        f = open(logf, "w")
        p = subprocess.Popen(["ip", "netns", "exec", self.ns[ns]] + cmd,
                             stdout=f, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL,
                             start_new_session=True)
        f.close()
        self.procs.append(p)
        return p

    def stop(self, p, sig=signal.SIGINT):
        """sig to p's process group; SIGKILL after 10 s."""
        if p.poll() is None:
            try:
                os.killpg(p.pid, sig)
                p.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait(timeout=5)
        if p in self.procs:
            self.procs.remove(p)

    def cleanup(self, tmp):
        """Every process, namespace, DPDK runtime dir and tmp removed."""
        for p in list(self.procs):
            self.stop(p, signal.SIGKILL)
        for ns in self.ns.values():
            subprocess.run(["ip", "netns", "del", ns],
                           stderr=subprocess.DEVNULL)
        shutil.rmtree("/var/run/dpdk/" + self.tag, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
