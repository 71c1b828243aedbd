# SPDX-License-Identifier: Apache-2.0
"""Frame-by-frame comparison of flowsim's egress with the kernel's, with masks only for what
the kernel randomises.

Mask names (the vocabulary of flowsim's expectation files, issue 15):
  ipv4.id         the IPv4 ID of a packet the router generates (an ICMP error or echo reply
                  sent from one of its own addresses): Linux draws it from a keyed hash and a
                  random increment.
  ipv6.flowlabel  the flow label of an ICMPv6 error or echo reply the router generates
                  (net.ipv6.auto_flowlabels hashes the flow with a random key).
  l4.port         TCP/UDP ports and ICMP echo ids, wherever they appear (outer headers and the
                  packet quoted by an ICMP error), may differ if they map one to one over the
                  whole run: NAT's choice of a free port on a clash is random in Linux.
  ipv6.fragid     the Identification of IPv6 fragments may differ if it maps one to one per
                  address pair: a packet nf_defrag_ipv6 reassembled leaves in fragments with
                  an ID ip6_fragment draws at random.
A masked field is a don't-care, never a licence for a bad checksum: every checksum that covers
it is carried over from the kernel's frame by RFC 1624 (so the kernel's must have been right
for its own value) and must then equal flowsim's. Nothing else is masked."""

import bisect
import difflib
from dataclasses import dataclass, field

from . import frames

VOCABULARY = ("ipv4.id", "ipv6.flowlabel", "l4.port", "ipv6.fragid")
DEFAULT_MASKS = ("ipv4.id", "ipv6.flowlabel")
MIN_FRAME = 60  # Ethernet's minimum without FCS: what a capture on the wire shows


def pad(frame):
    """A frame as it is on the wire: a veth hands over short frames unpadded, a NIC pads them
    to 60 bytes with zeros (flowsim's egress pcaps show the wire)."""
    return frame + bytes(max(0, MIN_FRAME - len(frame)))


def check_masks(names):
    bad = [n for n in names if n not in VOCABULARY]
    if bad:
        raise ValueError(f"unknown mask {', '.join(bad)}; known: {', '.join(VOCABULARY)}")
    return tuple(names)


def router_generated(decoded, router_addresses):
    """An ICMP/ICMPv6 error or echo reply sent from one of the router's addresses."""
    l3, l4 = decoded.l3, frames.l4_of(decoded)
    if l3 is None or l4 is None or "src" not in l3.fields or "type" not in l4.fields:
        return False
    if l3.fields["src"].text(decoded.frame) not in router_addresses:
        return False
    typ = l4.fields["type"].raw(decoded.frame)
    if l4.kind == "icmp":
        return typ in frames.ICMP_ERRORS or typ == 0
    if l4.kind == "icmpv6":
        return typ in frames.ICMPV6_ERRORS or typ == 129
    return False


class PortMap:
    """The one-to-one map between the L4 ports (and ICMP ids) flowsim chose and those the
    kernel chose, per protocol and address, learned over a whole run. The runner also uses it
    to re-address what the far side sends back, as a real host would."""

    def __init__(self):
        self.f2k = {}
        self.k2f = {}

    def learn(self, key, port_f, port_k):
        """Records that flowsim's `port_f` is the kernel's `port_k` for `key` = (protocol,
        address); returns an error text if that contradicts what was learned before."""
        known_k = self.f2k.get((key, port_f))
        known_f = self.k2f.get((key, port_k))
        if known_k is not None and known_k != port_k:
            return f"{key[0]} {key[1]} port {port_f} was the kernel's {known_k} earlier, now {port_k}"
        if known_f is not None and known_f != port_f:
            return f"the kernel's {key[0]} {key[1]} port {port_k} was flowsim's {known_f} earlier, now {port_f}"
        self.f2k[(key, port_f)] = port_k
        self.k2f[(key, port_k)] = port_f
        return None

    def to_kernel(self, key, port_f):
        return self.f2k.get((key, port_f), port_f)


def port_fields(decoded):
    """(field, (protocol, address)) for every L4 port and ICMP echo id, outer and quoted."""
    fr, out = decoded.frame, []
    for layer in decoded.layers:
        ip = layer.parent_ip
        if ip is None or "dst" not in ip.fields:
            continue
        src, dst = ip.fields["src"].text(fr), ip.fields["dst"].text(fr)
        g = layer.fields
        if layer.kind in ("tcp", "udp"):
            if "sport" in g:
                out.append((g["sport"], (layer.kind, src)))
            if "dport" in g:
                out.append((g["dport"], (layer.kind, dst)))
        elif layer.kind in ("icmp", "icmpv6") and "id" in g:
            request = g["type"].raw(fr) in (8, 128)
            out.append((g["id"], (layer.kind, src if request else dst)))
    return out


def fragid_fields(decoded):
    """(field, ("ipv6-fragment", source, destination)) for an outer IPv6 fragment header."""
    fr, out = decoded.frame, []
    l3 = decoded.l3
    if l3 is None or l3.kind != "ipv6" or "dst" not in l3.fields:
        return out
    for f in decoded.fields:
        if f.name == "ipv6.fragment.ident":
            out.append((f, ("ipv6-fragment", l3.fields["src"].text(fr), l3.fields["dst"].text(fr))))
    return out


def _covering_checksums(decoded, fld):
    """The checksum fields whose value depends on `fld`, innermost first."""
    out = []
    for layer in decoded.layers:
        if layer.kind not in ("ipv4", "tcp", "udp", "icmp", "icmpv6") or "checksum" not in layer.fields:
            continue
        if layer.off <= fld.off < layer.end:
            out.append(layer)
    out.sort(key=lambda layer: -layer.off)
    return out


def _ones_sum(data):
    if len(data) % 2:
        data = bytes(data) + b"\0"
    s = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def _carry_checksum(old, new, layer):
    """Updates `layer`'s checksum in `new` for every change between `old` and `new` in the
    bytes it covers (RFC 1624: HC' = ~(~HC + ~m + m')). A UDP checksum of 0 ("none") stays 0."""
    c = layer.fields["checksum"]
    hc = int.from_bytes(old[c.off:c.off + 2], "big")
    if layer.kind == "udp" and hc == 0:
        return
    lo, hi = layer.off, max(layer.end, c.off + 2)
    region_old = bytearray(old[lo:hi])
    region_new = bytearray(new[lo:hi])
    region_old[c.off - lo:c.off - lo + 2] = b"\0\0"
    region_new[c.off - lo:c.off - lo + 2] = b"\0\0"
    s = (~hc & 0xFFFF) + (~_ones_sum(region_old) & 0xFFFF) + _ones_sum(region_new)
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    hc_new = ~s & 0xFFFF
    if layer.kind == "udp" and hc_new == 0:
        hc_new = 0xFFFF
    new[c.off:c.off + 2] = hc_new.to_bytes(2, "big")


@dataclass
class FieldDiff:
    name: str
    flowsim: str
    kernel: str


def _field_diffs(df, dk):
    """Fields whose bytes differ, by name (decoded structures may differ)."""
    out = []
    fk = {}
    for fl in dk.fields:
        fk.setdefault(fl.name, fl)
    seen = set()
    for fl in df.fields:
        seen.add(fl.name)
        other = fk.get(fl.name)
        vf = fl.text(df.frame)
        if other is None:
            out.append(FieldDiff(fl.name, vf, "(absent)"))
            continue
        if df.frame[fl.off:fl.off + fl.size] != dk.frame[other.off:other.off + other.size] or \
                (fl.bits and fl.raw(df.frame) != other.raw(dk.frame)):
            vk = other.text(dk.frame)
            if vf != vk or fl.fmt == "bytes":
                if fl.fmt == "bytes":
                    a, b = df.frame[fl.off:fl.off + fl.size], dk.frame[other.off:other.off + other.size]
                    at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
                    vf, vk = f"{vf} (first difference at byte {at})", vk
                out.append(FieldDiff(fl.name, vf, vk))
    for fl in dk.fields:
        if fl.name not in seen:
            seen.add(fl.name)
            out.append(FieldDiff(fl.name, "(absent)", fl.text(dk.frame)))
    if not out and df.frame != dk.frame:
        out.append(FieldDiff("frame", f"{len(df.frame)} B", f"{len(dk.frame)} B"))
    return out


class Comparator:
    def __init__(self, masks, router_addresses, portmap=None):
        self.masks = check_masks(masks)
        self.router_addresses = set(router_addresses)
        self.portmap = portmap if portmap is not None else PortMap()

    def normalise(self, frame):
        """A key for aligning two frame sequences: the frame with every masked field, and
        every checksum covering one, zeroed."""
        d = frames.decode(frame)
        out = bytearray(d.frame)
        zero = []
        if router_generated(d, self.router_addresses):
            if "ipv4.id" in self.masks and d.l3 is not None and d.l3.kind == "ipv4" and "id" in d.l3.fields:
                zero.append(d.l3.fields["id"])
            if "ipv6.flowlabel" in self.masks and d.l3 is not None and d.l3.kind == "ipv6":
                fl = d.l3.fields.get("flowlabel")
                if fl:
                    v = int.from_bytes(out[fl.off:fl.off + 4], "big") & ~fl.bits
                    out[fl.off:fl.off + 4] = v.to_bytes(4, "big")
        if "l4.port" in self.masks:
            zero += [f for f, _ in port_fields(d)]
        if "ipv6.fragid" in self.masks:
            zero += [f for f, _ in fragid_fields(d)]
        for f in zero:
            out[f.off:f.off + f.size] = bytes(f.size)
            for layer in _covering_checksums(d, f):
                c = layer.fields["checksum"]
                out[c.off:c.off + 2] = b"\0\0"
        return bytes(out)

    def compare(self, f_frame, k_frame):
        """[] if the frames are the same but for masked fields, else the fields that differ.
        Learns port mappings as a side effect (l4.port)."""
        if f_frame == k_frame and "l4.port" not in self.masks:
            return []
        df, dk = frames.decode(f_frame), frames.decode(k_frame)
        if df.names() != dk.names() or len(f_frame) != len(k_frame):
            return _field_diffs(df, dk)
        new = bytearray(k_frame)
        touched = []   # fields of the kernel's frame replaced by flowsim's value
        problems = []
        if router_generated(df, self.router_addresses) and router_generated(dk, self.router_addresses):
            l3k = dk.l3
            if "ipv4.id" in self.masks and l3k.kind == "ipv4":
                touched.append(l3k.fields["id"])
            if "ipv6.flowlabel" in self.masks and l3k.kind == "ipv6":
                fl = l3k.fields["flowlabel"]
                v = (int.from_bytes(new[fl.off:fl.off + 4], "big") & ~fl.bits) | \
                    (int.from_bytes(f_frame[fl.off:fl.off + 4], "big") & fl.bits)
                new[fl.off:fl.off + 4] = v.to_bytes(4, "big")
        if "l4.port" in self.masks:
            for (ff, key_f), (fk, key_k) in zip(port_fields(df), port_fields(dk)):
                if key_f != key_k:
                    continue  # the address differs: that difference is reported below
                err = self.portmap.learn(key_f, ff.raw(f_frame), fk.raw(k_frame))
                if err:
                    problems.append(FieldDiff(ff.name, str(ff.raw(f_frame)), f"{fk.raw(k_frame)} ({err})"))
                touched.append(fk)
        if "ipv6.fragid" in self.masks:
            for (ff, key_f), (fk, key_k) in zip(fragid_fields(df), fragid_fields(dk)):
                if key_f != key_k:
                    continue
                err = self.portmap.learn(key_f, ff.raw(f_frame), fk.raw(k_frame))
                if err:
                    problems.append(FieldDiff(ff.name, ff.text(f_frame), f"{fk.text(k_frame)} ({err})"))
                touched.append(fk)
        carried = set()
        for fld in touched:
            if new[fld.off:fld.off + fld.size] == f_frame[fld.off:fld.off + fld.size]:
                continue
            new[fld.off:fld.off + fld.size] = f_frame[fld.off:fld.off + fld.size]
            for layer in _covering_checksums(dk, fld):
                carried.add(layer.off)
        # Innermost first: an outer checksum (the ICMP error's) sees the inner ones' new values.
        for layer in sorted((x for x in dk.layers if x.off in carried and "checksum" in x.fields),
                            key=lambda x: -x.off):
            _carry_checksum(k_frame, new, layer)
        # One's complement has two zeros: a checksum the kernel computed as 0xffff where the
        # other side has 0x0000 (or back) is the same sum, not a difference.
        for layer in dk.layers:
            if layer.off in carried and "checksum" in layer.fields and layer.kind != "udp":
                c = layer.fields["checksum"]
                pair = {bytes(new[c.off:c.off + 2]), f_frame[c.off:c.off + 2]}
                if pair == {b"\0\0", b"\xff\xff"}:
                    new[c.off:c.off + 2] = f_frame[c.off:c.off + 2]
        if bytes(new) == f_frame:
            return problems
        return problems + _field_diffs(df, frames.decode(bytes(new)))


@dataclass
class Difference:
    kind: str            # "differ", "flowsim_only", "kernel_only"
    index_f: int = -1    # 0-based in flowsim's sequence
    index_k: int = -1    # 0-based in the kernel's
    fields: list = field(default_factory=list)


@dataclass
class PortResult:
    port: str
    flowsim: list
    kernel: list
    identical: int = 0
    reordered: int = 0   # pairs the kernel sent in another order across flows
    differences: list = field(default_factory=list)

    @property
    def total(self):
        """Frames in the union: pairs plus frames only one side sent."""
        return self.identical + len(self.differences)


def flow_key(frame, masks):
    """What a frame belongs to, for ordering: its addresses, protocol and ports (ports left
    out under l4.port, ICMP errors and echoes by type and id), or its EtherType."""
    d = frames.decode(frame)
    if d.l3 is None or "dst" not in d.l3.fields:
        etype = d.layers[0].fields.get("type")
        return ("eth", etype.raw(frame) if etype else None)
    src, dst = d.l3.fields["src"].text(frame), d.l3.fields["dst"].text(frame)
    l4 = frames.l4_of(d)
    if l4 is None:
        return (d.l3.kind, src, dst)
    g = l4.fields
    if l4.kind in ("tcp", "udp") and "dport" in g:
        ports = (0, 0) if "l4.port" in masks else (g["sport"].raw(frame), g["dport"].raw(frame))
        return (l4.kind, src, dst) + ports
    if "type" in g:
        ident = g["id"].raw(frame) if "id" in g and "l4.port" not in masks else 0
        return (l4.kind, src, dst, g["type"].raw(frame), ident)
    return (l4.kind, src, dst)


def compare_port(port, f_frames, k_frames, comparator):
    """Compares what left one port. Frames are paired flow by flow (same addresses,
    protocol and ports), in order within each flow: flowsim models the hardware path's and
    the CPU path's latencies, so frames of different flows may leave in another order than
    from the kernel, which forwards one frame at a time; within a flow the order must be the
    same. Within a flow the sequences are aligned on their masked forms, so that a missing
    frame does not turn every later one into a difference; each pair is then compared
    exactly."""
    res = PortResult(port, f_frames, k_frames)
    groups = {}
    for side, seq in ((0, f_frames), (1, k_frames)):
        for idx, fr in enumerate(seq):
            groups.setdefault(flow_key(fr, comparator.masks), ([], []))[side].append(idx)
    pairs_all = []
    for f_idx, k_idx in groups.values():
        kf = [comparator.normalise(f_frames[i]) for i in f_idx]
        kk = [comparator.normalise(k_frames[j]) for j in k_idx]
        sm = difflib.SequenceMatcher(None, kf, kk, autojunk=False)
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            pairs = list(zip(range(i1, i2), range(j1, j2))) if op in ("equal", "replace") else []
            pairs_all += [(f_idx[i], k_idx[j]) for i, j in pairs]
            for i in range(i1 + len(pairs), i2):
                res.differences.append(Difference("flowsim_only", f_idx[i], -1))
            for j in range(j1 + len(pairs), j2):
                res.differences.append(Difference("kernel_only", -1, k_idx[j]))
    # Compare in flowsim's order, so that port mappings are learned as the frames left.
    pairs_all.sort()
    for i, j in pairs_all:
        diffs = comparator.compare(f_frames[i], k_frames[j])
        if diffs:
            res.differences.append(Difference("differ", i, j, diffs))
        else:
            res.identical += 1
    # Frames outside the longest run the kernel sent in flowsim's order were reordered.
    tails = []
    for _, j in pairs_all:
        at = bisect.bisect_left(tails, j)
        tails[at:at + 1] = [j]
    res.reordered = len(pairs_all) - len(tails)
    res.differences.sort(key=lambda d: (d.index_f if d.index_f >= 0 else d.index_k, d.index_k))
    return res


def render(result, limit=20):
    """The report of one port: counts, one line per difference, the first differing pair
    decoded field by field."""
    r = result
    lines = [f"  {r.port}: flowsim sent {len(r.flowsim)}, the kernel {len(r.kernel)}; "
             f"{r.identical} of {r.total} identical" +
             (f" ({r.reordered} left in another order across flows)" if r.reordered else "")]
    for d in r.differences[:limit]:
        if d.kind == "differ":
            names = ", ".join(x.name for x in d.fields[:6]) + (" ..." if len(d.fields) > 6 else "")
            lines.append(f"    flowsim #{d.index_f + 1} vs kernel #{d.index_k + 1} differ in {names}: "
                         f"{frames.summary(r.flowsim[d.index_f])}")
        elif d.kind == "flowsim_only":
            lines.append(f"    flowsim #{d.index_f + 1} only: {frames.summary(r.flowsim[d.index_f])}")
        else:
            lines.append(f"    kernel #{d.index_k + 1} only: {frames.summary(r.kernel[d.index_k])}")
    if len(r.differences) > limit:
        lines.append(f"    ... and {len(r.differences) - limit} more")
    first = next((d for d in r.differences if d.kind == "differ"), None)
    if first is not None:
        lines.append(f"    first differing frame, field by field (flowsim #{first.index_f + 1}, "
                     f"kernel #{first.index_k + 1}):")
        lines += ["      " + x for x in side_by_side(r.flowsim[first.index_f], r.kernel[first.index_k],
                                                  {x.name for x in first.fields})]
    return lines


def side_by_side(f_frame, k_frame, differing=None):
    """Every field of both frames, flowsim's value and the kernel's; `<<` marks a difference,
    `(masked)` a field that differs only where a mask allows it (or a checksum covering one).
    Without `differing` every unequal field is marked `<<`."""
    df, dk = frames.decode(f_frame), frames.decode(k_frame)
    kmap = {}
    for fl in dk.fields:
        kmap.setdefault(fl.name, fl)
    rows = [("field", "flowsim", "kernel", "")]
    names_done = set()
    for fl in df.fields:
        names_done.add(fl.name)
        vf = fl.text(df.frame)
        other = kmap.get(fl.name)
        vk = other.text(dk.frame) if other else "(absent)"
        same = other is not None and df.frame[fl.off:fl.off + fl.size] == dk.frame[other.off:other.off + other.size]
        mark = "" if same else ("<<" if differing is None or fl.name in differing else "(masked)")
        rows.append((fl.name, vf, vk, mark))
    for fl in dk.fields:
        if fl.name not in names_done:
            rows.append((fl.name, "(absent)", fl.text(dk.frame), "<<"))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    return [f"{a:<{w0}}  {b:<{w1}}  {c}  {m}".rstrip() for a, b, c, m in rows]


def readdress(frame, portmap, router_addresses):
    """What a host on the far side sends once it has seen the kernel's NAT choice: `frame` (an
    input written for flowsim's choice) with every port or echo id at a router address
    replaced by the kernel's one (l4.port), checksums carried (RFC 1624)."""
    d = frames.decode(frame)
    new = bytearray(frame)
    carried = set()
    for fld, key in port_fields(d):
        if key[1] not in router_addresses:
            continue
        port_f = fld.raw(frame)
        port_k = portmap.to_kernel(key, port_f)
        if port_k != port_f:
            new[fld.off:fld.off + 2] = port_k.to_bytes(2, "big")
            carried.update(layer.off for layer in _covering_checksums(d, fld))
    if not carried:
        return frame
    for layer in sorted((x for x in d.layers if x.off in carried and "checksum" in x.fields), key=lambda x: -x.off):
        _carry_checksum(frame, new, layer)
    return bytes(new)
