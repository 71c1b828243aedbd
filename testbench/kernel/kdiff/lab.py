# SPDX-License-Identifier: Apache-2.0
"""The router of a scenario, built from Linux network namespaces.

One namespace is the router: one veth per scenario port, named like the port (rulesets say
`iifname "wan"`), with the port's MAC, MTU and addresses, the scenario's routes and static
neighbours, its netfilter sysctls and its ruleset. Each port's peer lives in a namespace of
its own that plays the hosts on that side: it has no addresses and IPv6 disabled, so it
never speaks; the runner sends and captures frames on it with packet sockets. Nothing is
connected to the machine's own network: no route leaves the router namespace but through
its ports, and no port leads anywhere but to a host namespace.

Everything created is registered before it exists and removed on exit, on error and on
SIGINT/SIGTERM/SIGHUP; a run that was killed outright (SIGKILL) leaves namespaces named
`fsk<pid>...` that the next run removes once it holds the lock (only one run at a time)."""

import ctypes
import fcntl
import os
import signal
import subprocess
import time
from contextlib import contextmanager

CLONE_NEWNET = 0x40000000
PREFIX = "fsk"
LOCK_FILE = "/run/lock/flowsim-kernel-diff.lock"
# Offloads that would make what the kernel hands to a capture differ from the wire: partial
# checksums (tx), merged segments (gro/gso/tso), VLAN tags as metadata (rxvlan/txvlan).
OFFLOADS = ("rx", "tx", "sg", "tso", "gso", "gro", "rxvlan", "txvlan")

_libc = ctypes.CDLL(None, use_errno=True)


class LabError(Exception):
    pass


class Unavailable(Exception):
    """Namespaces cannot be made here (not root, no CONFIG_NET_NS, a container without
    CAP_SYS_ADMIN): the differential is skipped, not failed."""


def run(cmd, stdin=None, check=True):
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise LabError(f"{' '.join(cmd)}: exit {p.returncode}: {(p.stderr or p.stdout).strip()}")
    return p


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


class Lock:
    """One differential at a time on this machine: the namespaces, the CPU pinning and the
    timing all assume nobody else is injecting."""

    def __init__(self, path=LOCK_FILE, wait_s=900, log=print):
        self.path, self.wait_s, self.log = path, wait_s, log
        self.fd = None

    def __enter__(self):
        directory = os.path.dirname(self.path)
        if not os.access(directory, os.W_OK):
            self.path = os.path.join("/tmp", os.path.basename(self.path))
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait_s
        told = False
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    self.log(f"waiting for another kernel differential run ({self.path})")
                    told = True
                if time.monotonic() > deadline:
                    raise LabError(f"{self.path}: still locked after {self.wait_s} s")
                time.sleep(0.2)
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"{os.getpid()}\n".encode())
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


@contextmanager
def signals_raise():
    """SIGTERM/SIGHUP behave like Ctrl-C, so that `finally` blocks remove what was made."""
    def handler(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    old = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def check_available():
    """Raises Unavailable with the reason if this process cannot make network namespaces."""
    if os.geteuid() != 0:
        raise Unavailable("not root: creating network namespaces and veths needs root (CI runs as root)")
    if not os.path.exists("/proc/self/ns/net"):
        raise Unavailable("this kernel has no network namespaces (CONFIG_NET_NS)")
    probe = f"{PREFIX}{os.getpid()}probe"
    p = run(["ip", "netns", "add", probe], check=False)
    if p.returncode != 0:
        raise Unavailable(f"cannot create a network namespace: {p.stderr.strip()}")
    run(["ip", "netns", "del", probe], check=False)


def remove_stale(log=print):
    """Removes namespaces a killed run left behind (the caller holds the lock, so no live run
    owns any)."""
    p = run(["ip", "netns", "list"], check=False)
    for line in p.stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        if name.startswith(PREFIX):
            log(f"removing namespace {name} left by an earlier run")
            run(["ip", "netns", "del", name], check=False)


class Lab:
    """The namespaces of one run. Use as a context manager: leaving it removes them all."""

    def __init__(self, scenario, log=print):
        self.scenario = scenario
        self.log = log
        tag = f"{PREFIX}{os.getpid()}"
        self.router = f"{tag}r"
        self.hosts = {p.name: f"{tag}h{i}" for i, p in enumerate(scenario.ports)}
        self.created = []
        self.home_fd = None
        self.ns_fds = {}

    # -- namespaces --------------------------------------------------------------------------
    def __enter__(self):
        self.home_fd = os.open("/proc/self/ns/net", os.O_RDONLY)
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Removes every namespace of this run (their veths go with them). A second signal
        during the removal waits until it is done."""
        blocked = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
        old = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
        try:
            for fd in self.ns_fds.values():
                os.close(fd)
            self.ns_fds = {}
            if self.home_fd is not None:
                _setns(self.home_fd)
            for name in reversed(self.created):
                p = run(["ip", "netns", "del", name], check=False)
                if p.returncode != 0 and "No such file" not in p.stderr:
                    self.log(f"warning: could not remove namespace {name}: {p.stderr.strip()}")
            left = [n for n in run(["ip", "netns", "list"], check=False).stdout.split() if n in self.created]
            self.created = []
            if self.home_fd is not None:
                os.close(self.home_fd)
                self.home_fd = None
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        if left:
            raise LabError(f"namespaces still there after the run: {', '.join(left)}")

    def _add_ns(self, name):
        self.created.append(name)
        run(["ip", "netns", "add", name])
        self.ns_fds[name] = os.open(f"/run/netns/{name}", os.O_RDONLY)

    @contextmanager
    def inside(self, name):
        """Runs the block with this process in namespace `name` (sockets and /proc/sys opened
        there stay there)."""
        _setns(self.ns_fds[name])
        try:
            yield
        finally:
            _setns(self.home_fd)

    def sysctl(self, ns, settings):
        with self.inside(ns):
            for key, value in settings.items():
                path = "/proc/sys/" + key.replace(".", "/")
                try:
                    with open(path, "w") as f:
                        f.write(f"{value}\n")
                except OSError as e:
                    raise LabError(f"sysctl {key}={value} in {ns}: {e.strerror}") from e

    def ip_batch(self, ns, commands):
        run(["ip", "-n", ns, "-batch", "-"], stdin="\n".join(commands) + "\n")

    # -- the router --------------------------------------------------------------------------
    def build(self, ruleset_path, ruleset_is_json):
        sc = self.scenario
        self._add_ns(self.router)
        for ns in self.hosts.values():
            self._add_ns(ns)
            # The hosts' side never speaks: no addresses, no IPv6 (no DAD, RS or MLD).
            self.sysctl(ns, {"net.ipv6.conf.all.disable_ipv6": 1, "net.ipv6.conf.default.disable_ipv6": 1})
        self.sysctl(self.router, self.router_sysctls_before_links())
        for i, port in enumerate(sc.ports):
            host_mac = f"02:6b:64:69:66:{i:02x}"
            run(["ip", "link", "add", port.name, "netns", self.router, "address", port.mac, "mtu", str(port.mtu),
                 "type", "veth", "peer", "name", port.name, "netns", self.hosts[port.name],
                 "address", host_mac, "mtu", "65535"])
        for port in sc.ports:
            for ns in (self.router, self.hosts[port.name]):
                p = run(["ip", "netns", "exec", ns, "ethtool", "-K", port.name] +
                        [x for o in OFFLOADS for x in (o, "off")], check=False)
                if p.returncode not in (0, 80):   # 80: some features are fixed (reported below)
                    raise LabError(f"ethtool -K {port.name} in {ns}: {p.stderr.strip()}")
                self._check_offloads(ns, port.name)
        for port in sc.ports:
            self.sysctl(self.router, self.port_sysctls(port.name))
        cmds = ["link set lo up"]
        for port in sc.ports:
            cmds.append(f"link set {port.name} up")
            cmds += [f"addr add {a} dev {port.name}" for a in port.ipv4]
            cmds += [f"addr add {a} dev {port.name} nodad" for a in port.ipv6]
        for prefix, via, dev in sc.routes:
            cmds.append(f"route add {prefix}" + (f" via {via}" if via else "") + f" dev {dev}")
        for ip, mac, dev in sc.neighbours:
            cmds.append(f"neigh replace {ip} lladdr {mac} dev {dev} nud permanent")
        self.ip_batch(self.router, cmds)
        for port in sc.ports:
            self.ip_batch(self.hosts[port.name], [f"link set {port.name} up"])
        self.sysctl(self.router, {f"net.netfilter.{k}": v for k, v in sc.netfilter_sysctls.items()})
        self.load_ruleset(ruleset_path, ruleset_is_json)

    def router_sysctls_before_links(self):
        """The router's settings, in place before its ports exist so that every port
        inherits them (the `default` entries)."""
        return {
            "net.ipv4.ip_forward": 1,
            "net.ipv6.conf.all.forwarding": 1,
            "net.ipv6.conf.default.forwarding": 1,
            # The scenario's addresses only: no link-local address, no DAD, no SLAAC; MLD
            # reports for the solicited-node groups go out at once (the runner waits for them
            # to end before it injects anything).
            "net.ipv6.conf.default.addr_gen_mode": 1,
            "net.ipv6.conf.default.accept_dad": 0,
            "net.ipv6.conf.default.accept_ra": 0,
            "net.ipv6.conf.default.autoconf": 0,
            "net.ipv6.conf.default.mldv1_unsolicited_report_interval": 1,
            "net.ipv6.conf.default.mldv2_unsolicited_report_interval": 1,
            # No ICMP rate limits (flowsim has none): every error the kernel would send is sent.
            "net.ipv4.icmp_ratemask": 0,
            "net.ipv4.icmp_ratelimit": 0,
            "net.ipv6.icmp.ratelimit": 0,
            "net.ipv6.icmp.ratemask": "",
        }

    @staticmethod
    def port_sysctls(dev):
        """Per port (a new namespace has no neigh `default` entries of its own): neighbours
        are static in a scenario (flowsim has no ARP/ND yet), so a next hop without an entry
        fails at once and silently, as flowsim's no_neighbour does, instead of three ARP
        probes and an ICMP host unreachable seconds later."""
        out = {}
        for family in ("ipv4", "ipv6"):
            for knob in ("mcast_solicit", "ucast_solicit", "app_solicit"):
                out[f"net.{family}.neigh.{dev}.{knob}"] = 0
        return out

    def _check_offloads(self, ns, dev):
        p = run(["ip", "netns", "exec", ns, "ethtool", "-k", dev])
        on = []
        for line in p.stdout.splitlines():
            name, _, state = line.strip().partition(": ")
            if name in ("tx-checksumming", "generic-receive-offload", "tcp-segmentation-offload",
                        "generic-segmentation-offload", "rx-vlan-offload", "tx-vlan-offload",
                        "rx-checksumming") and state.startswith("on"):
                on.append(name)
        if on:
            raise LabError(f"{dev} in {ns}: offloads still on after ethtool -K: {', '.join(on)}")

    def load_ruleset(self, path, is_json):
        if path is None:
            return
        cmd = ["ip", "netns", "exec", self.router, "nft"] + (["-j"] if is_json else []) + ["-f", str(path)]
        p = run(cmd, check=False)
        if p.returncode != 0:
            raise LabError(f"the kernel's nft refused {path} (the ruleset without flowtables):\n{p.stderr.strip()}")

    def flowtable_supported(self):
        """Whether this kernel has nf_flow_table (`nft add flowtable` succeeds)."""
        script = "add table inet fsk_probe\nadd flowtable inet fsk_probe ft { hook ingress priority 0; devices = { lo }; }\n"
        p = run(["ip", "netns", "exec", self.router, "nft", "-f", "-"], stdin=script, check=False)
        run(["ip", "netns", "exec", self.router, "nft", "delete", "table", "inet", "fsk_probe"], check=False)
        return p.returncode == 0, p.stderr.strip()

    def dump(self, what):
        """Diagnostics after a run: conntrack table, ruleset with counters, link counters."""
        cmds = {
            "conntrack": ["conntrack", "-L"],
            "ruleset": ["nft", "list", "ruleset"],
            "links": ["ip", "-s", "link"],
            "neighbours": ["ip", "neigh"],
        }
        p = run(["ip", "netns", "exec", self.router] + cmds[what], check=False)
        return p.stdout + (p.stderr if p.returncode else "")

