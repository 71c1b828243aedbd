# SPDX-License-Identifier: Apache-2.0
"""A flowsim scenario read for the kernel side: the router's ports, addresses, routes,
neighbours, MTUs, ruleset, netfilter settings and traffic.

flowsim's own loader (testbench/scenario/) checks every value, and the runner replays the
scenario through flowsim first, so this reader trusts values and only refuses what the
kernel side cannot build: a key it does not know means the scenario describes something
(a VLAN or PPPoE port, a bridge, an event mid-run) that this runner would silently leave
out, so it says so instead."""

import pathlib
from dataclasses import dataclass, field

import yaml

# Keys with no meaning for a Linux router in namespaces: the ASIC, the CPU cost model, line
# speeds, the timing of flowsim's replay.
IGNORED_TOP = {"name", "description", "asic", "cpu", "timing"}
KNOWN_TOP = IGNORED_TOP | {"ports", "routes", "neighbours", "ruleset", "engine", "traffic"}
KNOWN_PORT = {"name", "mac", "ipv4", "ipv6", "speed", "mtu"}
KNOWN_ENGINE = {"flowtable", "nat_seed", "conntrack_acct", "conntrack_checksum", "tcp_loose", "tcp_be_liberal",
                "timeouts"}

# engine.timeouts key -> net.netfilter sysctl. The flowtable's own timeouts have no kernel
# counterpart here (no nf_flow_table).
TIMEOUT_SYSCTLS = {
    "tcp_syn_sent": "nf_conntrack_tcp_timeout_syn_sent",
    "tcp_syn_recv": "nf_conntrack_tcp_timeout_syn_recv",
    "tcp_established": "nf_conntrack_tcp_timeout_established",
    "tcp_fin_wait": "nf_conntrack_tcp_timeout_fin_wait",
    "tcp_close_wait": "nf_conntrack_tcp_timeout_close_wait",
    "tcp_last_ack": "nf_conntrack_tcp_timeout_last_ack",
    "tcp_time_wait": "nf_conntrack_tcp_timeout_time_wait",
    "tcp_close": "nf_conntrack_tcp_timeout_close",
    "tcp_max_retrans": "nf_conntrack_tcp_timeout_max_retrans",
    "tcp_unacknowledged": "nf_conntrack_tcp_timeout_unacknowledged",
    "udp": "nf_conntrack_udp_timeout",
    "udp_stream": "nf_conntrack_udp_timeout_stream",
    "icmp": "nf_conntrack_icmp_timeout",
    "icmpv6": "nf_conntrack_icmpv6_timeout",
    "generic": "nf_conntrack_generic_timeout",
}
FLOWTABLE_ONLY_TIMEOUTS = {"flowtable_tcp", "flowtable_udp"}
BOOL_SYSCTLS = {
    "conntrack_acct": "nf_conntrack_acct",
    "conntrack_checksum": "nf_conntrack_checksum",
    "tcp_loose": "nf_conntrack_tcp_loose",
    "tcp_be_liberal": "nf_conntrack_tcp_be_liberal",
}


class ScenarioError(Exception):
    pass


@dataclass
class Port:
    name: str
    mac: str
    ipv4: list
    ipv6: list
    mtu: int


@dataclass
class Scenario:
    file: pathlib.Path
    name: str
    ports: list
    routes: list                      # (prefix, via or None, dev)
    neighbours: list                  # (ip, mac, dev)
    ruleset: pathlib.Path = None
    netfilter_sysctls: dict = field(default_factory=dict)   # net.netfilter.* name -> value
    traffic: dict = field(default_factory=dict)             # port name -> pcap path
    raw: dict = field(default_factory=dict)                 # the YAML document

    def port(self, name):
        return next(p for p in self.ports if p.name == name)

    def addresses(self):
        """The router's own addresses, without prefix lengths."""
        return {a.split("/")[0] for p in self.ports for a in p.ipv4 + p.ipv6}


def _as_list(v):
    if v is None:
        return []
    return [str(x) for x in v] if isinstance(v, list) else [str(v)]


def _unknown(where, d, known):
    extra = sorted(set(d) - known)
    if extra:
        raise ScenarioError(f"{where}: {', '.join(extra)}: the kernel runner cannot build this "
                            f"(it knows {', '.join(sorted(known))})")


def load(path):
    path = pathlib.Path(path).resolve()
    try:
        doc = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as e:
        raise ScenarioError(f"{path}: {e}") from e
    if not isinstance(doc, dict):
        raise ScenarioError(f"{path}: not a scenario (a YAML map)")
    _unknown(str(path), doc, KNOWN_TOP)
    base = path.parent
    ports = []
    for p in doc.get("ports") or []:
        _unknown(f"{path}: port {p.get('name')}", p, KNOWN_PORT)
        ports.append(Port(str(p["name"]), str(p["mac"]).lower(), _as_list(p.get("ipv4")), _as_list(p.get("ipv6")),
                          int(p.get("mtu", 1500))))
    routes = [(str(r["prefix"]), str(r["via"]) if r.get("via") is not None else None, str(r["dev"]))
              for r in doc.get("routes") or []]
    neighbours = [(str(n["ip"]), str(n["mac"]).lower(), str(n["dev"])) for n in doc.get("neighbours") or []]
    sysctls = {}
    engine = doc.get("engine") or {}
    _unknown(f"{path}: engine", engine, KNOWN_ENGINE)
    for key, name in BOOL_SYSCTLS.items():
        if key in engine:
            sysctls[name] = 1 if engine[key] else 0
    timeouts = engine.get("timeouts") or {}
    _unknown(f"{path}: engine.timeouts", timeouts, set(TIMEOUT_SYSCTLS) | FLOWTABLE_ONLY_TIMEOUTS)
    for key, seconds in timeouts.items():
        if key in TIMEOUT_SYSCTLS:
            sysctls[TIMEOUT_SYSCTLS[key]] = int(seconds)
    traffic = {str(t["port"]): (base / str(t["pcap"])).resolve() for t in doc.get("traffic") or []}
    ruleset = (base / str(doc["ruleset"])).resolve() if doc.get("ruleset") else None
    return Scenario(path, str(doc.get("name", path.stem)), ports, routes, neighbours, ruleset, sysctls, traffic,
                    doc)
