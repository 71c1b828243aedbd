# SPDX-License-Identifier: Apache-2.0
"""A small Ethernet frame decoder: every header field with its name, place and value, so that
two frames can be compared and shown field by field, and masked fields found by name.

Names are dotted and stable (`eth.dst`, `vlan.tci`, `ipv4.id`, `ipv6.flowlabel`, `tcp.sport`,
`icmp.type`); headers quoted inside an ICMP/ICMPv6 error are prefixed with `quote.`
(`quote.ipv4.src`, `quote.udp.dport`). Bytes the headers do not explain are `<layer>.payload`;
bytes after the IP datagram are `eth.padding`. Truncated headers decode as far as they go."""

import ipaddress
import struct
from dataclasses import dataclass, field

ETH_P_IPV4, ETH_P_IPV6, ETH_P_8021Q, ETH_P_8021AD, ETH_P_PPPOE_SES = 0x0800, 0x86DD, 0x8100, 0x88A8, 0x8864
PROTO_ICMP, PROTO_TCP, PROTO_UDP, PROTO_ICMPV6 = 1, 6, 17, 58
IPV6_EXT_HEADERS = {0: "hopopts", 43: "routing", 60: "dstopts", 44: "fragment", 51: "ah"}
ICMP_ERRORS = {3, 4, 5, 11, 12}
ICMPV6_ERRORS = {1, 2, 3, 4}
ICMP_ECHO = {0, 8}
ICMPV6_ECHO = {128, 129}
TCP_FLAGS = "FSRPAUEC"


@dataclass
class Field:
    name: str
    off: int          # first byte in the frame
    size: int         # bytes
    bits: int = 0     # mask within the big-endian value of `size` bytes; 0: all of them
    fmt: str = "int"  # int, hex, mac, ipv4, ipv6, bytes, tcpflags, ipflags

    def raw(self, frame):
        v = int.from_bytes(frame[self.off:self.off + self.size], "big")
        if self.bits:
            v &= self.bits
            v >>= (self.bits & -self.bits).bit_length() - 1
        return v

    def text(self, frame):
        b = frame[self.off:self.off + self.size]
        if self.fmt == "mac":
            return ":".join(f"{x:02x}" for x in b)
        if self.fmt == "ipv4":
            return str(ipaddress.IPv4Address(b))
        if self.fmt == "ipv6":
            return str(ipaddress.IPv6Address(b))
        if self.fmt == "bytes":
            head = b[:24].hex()
            return f"{len(b)} bytes {head}{'...' if len(b) > 24 else ''}"
        v = self.raw(frame)
        if self.fmt == "hex":
            return f"0x{v:0{self.size * 2}x}"
        if self.fmt == "ipflags":
            return "+".join(n for bit, n in ((4, "evil"), (2, "DF"), (1, "MF")) if v & bit) or "none"
        if self.fmt == "tcpflags":
            return "".join(c for i, c in enumerate(TCP_FLAGS) if v & (1 << i)) or "."
        return str(v)


@dataclass
class Layer:
    """One decoded header (and what it covers): `kind` is eth, vlan, pppoe, ipv4, ipv6, tcp,
    udp, icmp, icmpv6; `quoted` for headers inside an ICMP error; `end` is where the bytes the
    layer's checksum covers end (captured bytes only)."""
    kind: str
    off: int
    end: int
    quoted: bool
    fields: dict = field(default_factory=dict)
    parent_ip: "Layer" = None       # the IP header an L4 layer belongs to (pseudo-header)
    enclosing: "Layer" = None       # the ICMP error a quoted layer sits in


@dataclass
class Decoded:
    frame: bytes
    fields: list = field(default_factory=list)   # every Field, in frame order
    layers: list = field(default_factory=list)   # every Layer, outermost first
    l3: Layer = None                                # the outer IPv4/IPv6 header, if any

    def names(self):
        return [f.name for f in self.fields]


class _Decoder:
    def __init__(self, frame):
        self.d = Decoded(frame)
        self.frame = frame

    def add(self, layer, name, off, size, fmt="int", bits=0, short=None):
        """Adds a field if all of its bytes were captured; returns it (or None)."""
        if off + size > len(self.frame) or size <= 0:
            return None
        f = Field(name, off, size, bits, fmt)
        self.d.fields.append(f)
        if layer is not None:
            layer.fields[short or name.rsplit(".", 1)[-1]] = f
        return f

    def rest(self, name, off, end=None):
        end = len(self.frame) if end is None else min(end, len(self.frame))
        if end > off:
            self.d.fields.append(Field(name, off, end - off, fmt="bytes"))

    def ethernet(self):
        fr = self.frame
        eth = Layer("eth", 0, len(fr), False)
        self.d.layers.append(eth)
        self.add(eth, "eth.dst", 0, 6, "mac")
        self.add(eth, "eth.src", 6, 6, "mac")
        if not self.add(eth, "eth.type", 12, 2, "hex"):
            self.rest("eth.payload", 12)
            return
        etype, off = struct.unpack_from("!H", fr, 12)[0], 14
        depth = 0
        while etype in (ETH_P_8021Q, ETH_P_8021AD) and depth < 2:
            depth += 1
            vlan = Layer("vlan", off, off + 4, False)
            self.d.layers.append(vlan)
            self.add(vlan, "vlan.tci", off, 2, "hex")
            if not self.add(vlan, "vlan.type", off + 2, 2, "hex"):
                self.rest("vlan.payload", off)
                return
            etype, off = struct.unpack_from("!H", fr, off + 2)[0], off + 4
        if etype == ETH_P_PPPOE_SES:
            pppoe = Layer("pppoe", off, off + 8, False)
            self.d.layers.append(pppoe)
            self.add(pppoe, "pppoe.vertype", off, 1, "hex")
            self.add(pppoe, "pppoe.code", off + 1, 1, "hex")
            self.add(pppoe, "pppoe.session", off + 2, 2, "hex")
            self.add(pppoe, "pppoe.length", off + 4, 2)
            if not self.add(pppoe, "pppoe.proto", off + 6, 2, "hex"):
                self.rest("pppoe.payload", off)
                return
            proto = struct.unpack_from("!H", fr, off + 6)[0]
            etype, off = {0x0021: ETH_P_IPV4, 0x0057: ETH_P_IPV6}.get(proto, 0), off + 8
        if etype == ETH_P_IPV4:
            end = self.ipv4(off, "", None)
        elif etype == ETH_P_IPV6:
            end = self.ipv6(off, "", None)
        else:
            self.rest("eth.payload", off)
            return
        self.rest("eth.padding", end)

    def ipv4(self, off, prefix, enclosing):
        """Decodes an IPv4 datagram at `off`; returns where it ends (its total length, or
        the end of the captured bytes)."""
        fr = self.frame
        p = prefix + "ipv4."
        ip = Layer("ipv4", off, off, bool(prefix), enclosing=enclosing)
        self.d.layers.append(ip)
        if not prefix:
            self.d.l3 = ip
        self.add(ip, p + "version", off, 1, bits=0xF0)
        self.add(ip, p + "ihl", off, 1, bits=0x0F)
        self.add(ip, p + "tos", off + 1, 1, "hex")
        self.add(ip, p + "len", off + 2, 2)
        self.add(ip, p + "id", off + 4, 2, "hex")
        self.add(ip, p + "flags", off + 6, 2, "ipflags", bits=0xE000)
        self.add(ip, p + "frag", off + 6, 2, bits=0x1FFF)
        self.add(ip, p + "ttl", off + 8, 1)
        self.add(ip, p + "proto", off + 9, 1)
        self.add(ip, p + "checksum", off + 10, 2, "hex")
        self.add(ip, p + "src", off + 12, 4, "ipv4")
        if not self.add(ip, p + "dst", off + 16, 4, "ipv4"):
            self.rest(p + "payload", off + 12)
            return len(fr)
        ihl = (fr[off] & 0x0F) * 4
        total = struct.unpack_from("!H", fr, off + 2)[0]
        end = min(off + total, len(fr)) if total >= 20 else len(fr)
        ip.end = min(off + ihl, len(fr))
        if ihl > 20:
            self.rest(p + "options", off + 20, off + ihl)
        frag_off = struct.unpack_from("!H", fr, off + 6)[0] & 0x1FFF
        proto = fr[off + 9]
        if frag_off:
            self.rest(p + "payload", off + ihl, end)
        else:
            self.l4(proto, off + ihl, end, prefix, ip)
        return end

    def ipv6(self, off, prefix, enclosing):
        fr = self.frame
        p = prefix + "ipv6."
        ip = Layer("ipv6", off, off, bool(prefix), enclosing=enclosing)
        self.d.layers.append(ip)
        if not prefix:
            self.d.l3 = ip
        self.add(ip, p + "version", off, 4, bits=0xF0000000)
        self.add(ip, p + "tclass", off, 4, "hex", bits=0x0FF00000)
        self.add(ip, p + "flowlabel", off, 4, "hex", bits=0x000FFFFF)
        self.add(ip, p + "plen", off + 4, 2)
        self.add(ip, p + "nxt", off + 6, 1)
        self.add(ip, p + "hlim", off + 7, 1)
        self.add(ip, p + "src", off + 8, 16, "ipv6")
        if not self.add(ip, p + "dst", off + 24, 16, "ipv6"):
            self.rest(p + "payload", off + 8)
            return len(fr)
        plen = struct.unpack_from("!H", fr, off + 4)[0]
        end = min(off + 40 + plen, len(fr))
        nxt, at = fr[off + 6], off + 40
        while nxt in IPV6_EXT_HEADERS and at + 8 <= end:
            name = p + IPV6_EXT_HEADERS[nxt]
            if nxt == 44:
                hlen = 8
                self.add(None, name + ".nxt", at, 1)
                self.add(None, name + ".offset", at + 2, 2, bits=0xFFF8)
                self.add(None, name + ".m", at + 2, 2, bits=0x0001)
                self.add(None, name + ".ident", at + 4, 4, "hex")
                if struct.unpack_from("!H", fr, at + 2)[0] & 0xFFF8:
                    self.rest(p + "payload", at + hlen, end)
                    return end
            else:
                hlen = (fr[at + 1] + 2) * 4 if nxt == 51 else (fr[at + 1] + 1) * 8
                self.add(None, name + ".nxt", at, 1)
                self.rest(name + ".body", at + 1, at + hlen)
            nxt, at = fr[at], at + hlen
        ip.end = at
        self.l4(nxt, at, end, prefix, ip)
        return end

    def l4(self, proto, off, end, prefix, ip):
        quoted = bool(prefix)
        if proto == PROTO_TCP:
            t = Layer("tcp", off, end, quoted, parent_ip=ip, enclosing=ip.enclosing)
            self.d.layers.append(t)
            p = prefix + "tcp."
            self.add(t, p + "sport", off, 2)
            self.add(t, p + "dport", off + 2, 2)
            self.add(t, p + "seq", off + 4, 4)
            self.add(t, p + "ack", off + 8, 4)
            self.add(t, p + "doff", off + 12, 1, bits=0xF0)
            self.add(t, p + "flags", off + 12, 2, "tcpflags", bits=0x00FF)
            self.add(t, p + "window", off + 14, 2)
            self.add(t, p + "checksum", off + 16, 2, "hex")
            if self.add(t, p + "urgptr", off + 18, 2):
                doff = (self.frame[off + 12] >> 4) * 4
                if doff > 20:
                    self.rest(p + "options", off + 20, min(off + doff, end))
                self.rest(p + "payload", off + max(doff, 20), end)
        elif proto == PROTO_UDP:
            u = Layer("udp", off, end, quoted, parent_ip=ip, enclosing=ip.enclosing)
            self.d.layers.append(u)
            p = prefix + "udp."
            self.add(u, p + "sport", off, 2)
            self.add(u, p + "dport", off + 2, 2)
            self.add(u, p + "len", off + 4, 2)
            if self.add(u, p + "checksum", off + 6, 2, "hex"):
                self.rest(p + "payload", off + 8, end)
        elif proto in (PROTO_ICMP, PROTO_ICMPV6):
            kind = "icmp" if proto == PROTO_ICMP else "icmpv6"
            c = Layer(kind, off, end, quoted, parent_ip=ip, enclosing=ip.enclosing)
            self.d.layers.append(c)
            p = prefix + kind + "."
            self.add(c, p + "type", off, 1)
            self.add(c, p + "code", off + 1, 1)
            if not self.add(c, p + "checksum", off + 2, 2, "hex"):
                self.rest(p + "payload", off, end)
            else:
                typ = self.frame[off]
                echo = ICMP_ECHO if kind == "icmp" else ICMPV6_ECHO
                errors = ICMP_ERRORS if kind == "icmp" else ICMPV6_ERRORS
                if typ in echo:
                    self.add(c, p + "id", off + 4, 2, "hex")
                    self.add(c, p + "seq", off + 6, 2)
                    self.rest(p + "payload", off + 8, end)
                elif typ in errors and not quoted:
                    self.add(c, p + "rest", off + 4, 4, "hex")   # unused / next-hop MTU / pointer
                    if off + 8 < end:
                        if kind == "icmp":
                            self.ipv4(off + 8, "quote.", c)
                        else:
                            self.ipv6(off + 8, "quote.", c)
                else:
                    self.rest(p + "payload", off + 4, end)
        else:
            self.rest(prefix + ip.kind + ".payload", off, end)


def decode(frame):
    dec = _Decoder(bytes(frame))
    dec.ethernet()
    return dec.d


def l4_of(decoded):
    """The outer L4 layer (TCP/UDP/ICMP/ICMPv6), not one quoted in an ICMP error."""
    for layer in decoded.layers:
        if layer.kind in ("tcp", "udp", "icmp", "icmpv6") and not layer.quoted:
            return layer
    return None


def summary(frame):
    """One line: addresses, protocol, ports or ICMP type, flags, length."""
    d = decode(frame)
    fr = d.frame
    ip = d.l3
    if ip is None:
        etype = d.layers[0].fields.get("type")
        return f"{len(fr)} B, ethertype {etype.text(fr) if etype else '?'}"
    f = ip.fields
    if "dst" not in f:
        return f"{len(fr)} B, truncated {ip.kind}"
    out = f"{ip.kind} {f['src'].text(fr)} > {f['dst'].text(fr)}"
    out += f" ttl {f['ttl'].text(fr)} id {f['id'].text(fr)}" if ip.kind == "ipv4" else f" hlim {f['hlim'].text(fr)}"
    if ip.kind == "ipv4" and (f["frag"].raw(fr) or f["flags"].raw(fr) & 1):
        out += f" frag {f['frag'].raw(fr) * 8}{'+' if f['flags'].raw(fr) & 1 else ''}"
    l4 = l4_of(d)
    if l4 is not None:
        g = l4.fields
        if l4.kind in ("tcp", "udp") and "dport" in g:
            out += f" {l4.kind} {g['sport'].text(fr)} > {g['dport'].text(fr)}"
            if l4.kind == "tcp" and "flags" in g:
                out += f" [{g['flags'].text(fr)}]"
        elif l4.kind in ("icmp", "icmpv6") and "code" in g:
            out += f" {l4.kind} type {g['type'].text(fr)} code {g['code'].text(fr)}"
            if "id" in g:
                out += f" id {g['id'].text(fr)} seq {g['seq'].text(fr)}"
    return out + f", {len(fr)} B"
