# SPDX-License-Identifier: Apache-2.0
"""Frames in and out of the kernel router: one packet socket per host-side veth, which sends
what arrives on that port and captures what the router sends out of it.

The kernel forwards asynchronously (a veth hands the frame to the receiving CPU's backlog and
a softirq forwards it), so after each frame the runner waits until the kernel is quiet: the
CPU backlogs are empty and the namespaces' interface counters have stopped moving. The
process is pinned to one CPU, so every frame it sends is queued on the same backlog and the
kernel processes them in the order sent."""

import os
import socket
import struct
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_STATISTICS = 6
PACKET_IGNORE_OUTGOING = 23
SO_RCVBUFFORCE = 33
RCVBUF = 64 << 20
SETTLE_TIMEOUT_S = 10.0
QUIET_S = 0.002     # without backlog lengths: counters unchanged for this long = quiet


class WireError(Exception):
    pass


def pin_to_one_cpu():
    cpus = sorted(os.sched_getaffinity(0))
    here = os.sched_getcpu() if hasattr(os, "sched_getcpu") else cpus[0]
    os.sched_setaffinity(0, {here if here in cpus else cpus[0]})


class _Counters:
    """/proc/net/dev of one namespace, opened inside it (the file stays bound to it)."""

    def __init__(self):
        self.f = open("/proc/net/dev", "rb", buffering=0)

    def read(self):
        self.f.seek(0)
        return self.f.read()

    def close(self):
        self.f.close()


class _Backlog:
    """Frames waiting in the CPUs' receive backlogs: softnet_stat column 12 (Linux 6.x);
    None where the kernel does not print it."""

    def __init__(self):
        self.f = open("/proc/net/softnet_stat", "rb", buffering=0)

    def read(self):
        self.f.seek(0)
        total = 0
        for line in self.f.read().splitlines():
            cols = line.split()
            if len(cols) < 12:
                return None
            total += int(cols[11], 16)
        return total

    def close(self):
        self.f.close()


class Wire:
    def __init__(self, lab):
        self.lab = lab
        self.socks = {}
        self.counters = []
        for port, ns in lab.hosts.items():
            with lab.inside(ns):
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
                s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
                s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RCVBUF)
                s.bind((port, ETH_P_ALL))
                s.setblocking(False)
                self.socks[port] = s
                self.counters.append(_Counters())
        with lab.inside(lab.router):
            self.counters.append(_Counters())
        self.backlog = _Backlog()

    def close(self):
        for s in self.socks.values():
            s.close()
        for c in self.counters:
            c.close()
        self.backlog.close()
        self.socks, self.counters = {}, []

    def send(self, port, frame):
        try:
            n = self.socks[port].send(frame)
        except OSError as e:
            raise WireError(f"sending {len(frame)} bytes on {port}: {e.strerror}") from e
        if n != len(frame):
            raise WireError(f"sent {n} of {len(frame)} bytes on {port}")

    def _snapshot(self):
        return tuple(c.read() for c in self.counters)

    def settle(self):
        """Returns once the kernel has finished with everything sent so far.

        A packet socket's send runs the veth's transmit, which queues the frame on this CPU's
        backlog, and usually the softirq that forwards it before the call returns; if the
        softirq was deferred (ksoftirqd), the frame is still in the backlog, and so is every
        frame the router sends on to a host side. With the process pinned to one CPU, an
        empty backlog means everything sent has been forwarded and captured. Kernels that do
        not show backlog lengths fall back to waiting until the interface counters of every
        namespace have stopped moving."""
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        last, quiet_since = None, None
        while True:
            backlog = self.backlog.read()
            now = time.monotonic()
            if backlog == 0:
                return
            if backlog is None:
                snap = self._snapshot()
                if snap == last:
                    quiet_since = quiet_since or now
                    if now - quiet_since >= QUIET_S:
                        return
                else:
                    quiet_since = None
                last = snap
            if now > deadline:
                raise WireError(f"the kernel did not settle within {SETTLE_TIMEOUT_S} s (backlog {backlog})")
            time.sleep(0.00005)

    def drain(self):
        """{port: [frames]} received since the last drain, in arrival order."""
        out = {}
        for port, s in self.socks.items():
            got = []
            while True:
                try:
                    got.append(s.recv(65536))
                except BlockingIOError:
                    break
            out[port] = got
        return out

    def dropped(self):
        """Frames a capture socket had to drop (a full receive buffer): none may be lost."""
        lost = {}
        for port, s in self.socks.items():
            _, drops = struct.unpack("II", s.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
            if drops:
                lost[port] = drops
        return lost

    def wait_quiet(self, min_s=0.05, max_s=3.0):
        """After bringing the ports up: waits until nothing has arrived on any port for
        `min_s` (the router's MLD reports for its new addresses) and returns what came."""
        start = time.monotonic()
        seen = {p: [] for p in self.socks}
        last_frame = start
        while True:
            got = self.drain()
            now = time.monotonic()
            for p, fr in got.items():
                if fr:
                    seen[p] += fr
                    last_frame = now
            if now - last_frame >= min_s:
                return seen
            if now - start > max_s:
                raise WireError(f"the router kept sending for {max_s} s after start-up: "
                                f"{ {p: len(f) for p, f in seen.items()} } frames")
            time.sleep(0.005)
