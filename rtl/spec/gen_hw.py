#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Validates rtl/spec/flowsim_hw.yaml strictly (every error names file:line) and generates the
# hardware interface from it: hw/flowsim_hw.hpp (constexpr C++ for the model and the driver),
# hw/flowsim_hw_pkg.sv (the RTL's package), hw/registers.md and hw/foe_hash_vectors.hex.
# It also holds the Python reference of the FOE hash and checks every shared vector with it.
"""Usage: gen_hw.py SPEC.yaml [--out-dir DIR] [--check]"""

import argparse
import ipaddress
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

MASK32 = 0xFFFFFFFF
ACCESS = ("ro", "rw", "w1c", "wo")
# Field access allowed inside a register of a given access.
FIELD_ACCESS = {"ro": {"ro"}, "rw": set(ACCESS), "w1c": {"w1c", "ro"}, "wo": {"wo"}}
WRITERS = ("driver", "hardware")
REASON_SOURCES = ("mediatek", "flowsim")

UPPER_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
LOWER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
VALUE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.]*$")
BITS = re.compile(r"^\s*(\d+)\s*(?::\s*(\d+)\s*)?$")


# ---------------------------------------------------------------------------------------------
# The reference hash (hardware.md §1.3). net/foe_hash.hpp and rtl/foe_hash.sv must agree with it.
# ---------------------------------------------------------------------------------------------
def foe_hash(hv1, hv2, hv3):
    h = ((hv1 & hv2) | (~hv1 & hv3)) & MASK32
    h = ((h << 8) | (h >> 24)) & MASK32
    h ^= hv1 ^ hv2 ^ hv3
    h ^= h >> 16
    return h


def foe_hash_words(family, src, dst, src_port, dst_port, seed):
    """hv1..hv3 of a tuple; src/dst are 4 (IPv4) or 16 (IPv6) network-order bytes."""
    ports = (src_port << 16) | dst_port
    if family == 4:
        return (ports ^ seed, int.from_bytes(dst, "big"), int.from_bytes(src, "big"))
    s = [int.from_bytes(src[4 * i:4 * i + 4], "big") for i in range(4)]
    d = [int.from_bytes(dst[4 * i:4 * i + 4], "big") for i in range(4)]
    return (s[3] ^ d[3] ^ ports ^ seed, s[2] ^ d[2] ^ d[0], s[1] ^ d[1] ^ s[0])


# ---------------------------------------------------------------------------------------------
# The model of the spec, after validation.
# ---------------------------------------------------------------------------------------------
@dataclass
class Value:
    name: str
    value: int
    desc: str


@dataclass
class Field:
    name: str
    lsb: int
    width: int
    desc: str
    access: str = ""          # registers only
    writer: str = ""          # descriptor words only
    enum: str = ""            # enum type name, if the values form a typed enum
    values: list = field(default_factory=list)
    line: int = 0

    @property
    def msb(self):
        return self.lsb + self.width - 1

    @property
    def mask(self):
        return ((1 << self.width) - 1) << self.lsb

    @property
    def bits(self):
        return f"{self.msb}:{self.lsb}" if self.width > 1 else f"{self.lsb}"


@dataclass
class Register:
    name: str
    offset: int               # of instance 0
    desc: str
    access: str
    reset: int
    fields: list
    count: int = 1
    stride: int = 0
    group: str = ""
    line: int = 0
    volatile: bool = False    # the hardware changes it without a bus write (IP-XACT <volatile>)

    def offsets(self):
        return [self.offset + i * self.stride for i in range(self.count)]

    def instance_name(self, i):
        return f"{self.name}[{i}]" if self.count > 1 else self.name


@dataclass
class Group:
    name: str
    offset: int
    count: int
    stride: int
    desc: str
    registers: list
    line: int = 0


@dataclass
class Word:
    name: str
    index: int
    desc: str
    writer: str
    fields: list


@dataclass
class Descriptor:
    name: str
    size: int
    desc: str
    words: list
    line: int = 0


@dataclass
class Reason:
    name: str
    code: int
    source: str
    desc: str


@dataclass
class Tuple:
    family: int
    src: bytes                # 16 bytes, IPv4 in the first four
    dst: bytes
    src_port: int
    dst_port: int
    proto: int
    text: str                 # for the docs


@dataclass
class Vector:
    name: str
    hv1: int
    hv2: int
    hv3: int
    hash: int
    tuple: Tuple = None
    seed: int = 0


@dataclass
class Block:
    name: str
    latency: int
    ii: int
    desc: str


@dataclass
class Datapath:
    desc: str
    blocks: list              # Block, in file order
    parser_window_bytes: int
    table_min_entries: int
    table_max_entries: int
    sram_banks: int


@dataclass
class Spec:
    name: str
    desc: str
    items: list               # Register and Group, in file order
    descriptors: list
    reason_width: int
    reason_desc: str
    reasons: list
    hash_name: str = ""
    hash_desc: str = ""
    default_seed: int = 0
    latency: int = 0
    vectors: list = field(default_factory=list)
    datapath: Datapath = None

    def registers(self):
        """Every register (array registers once), sorted by offset."""
        regs = []
        for item in self.items:
            regs.extend(item.registers if isinstance(item, Group) else [item])
        return sorted(regs, key=lambda r: r.offset)

    def enums(self):
        """(type name, field) of every field that declares a typed enum."""
        out = []
        for reg in self.registers():
            out.extend((f.enum, f) for f in reg.fields if f.enum)
        for d in self.descriptors:
            for w in d.words:
                out.extend((f.enum, f) for f in w.fields if f.enum)
        return out


# ---------------------------------------------------------------------------------------------
# Reading: YAML nodes (which carry line numbers) are interpreted by hand, so that scalars are
# never subject to YAML 1.1's implicit typing (31:16 as base 60, NO as false, ...).
# ---------------------------------------------------------------------------------------------
class Reader:
    def __init__(self, path):
        self.path = path
        self.errors = []

    def error(self, where, msg):
        line = where if isinstance(where, int) else where.start_mark.line + 1
        self.errors.append((line, msg))

    def mapping(self, node, what, required, optional=()):
        """The keys of a mapping node as {key: value node}; None if it is unusable."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping")
            return None
        out, ok = {}, True
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, f"{what}: keys must be plain names")
                ok = False
                continue
            key = key_node.value
            if key == "<<":
                self.error(key_node, f"{what}: merge keys (<<) are not supported")
                ok = False
            elif key in out:
                self.error(key_node, f"{what}: duplicate key '{key}'")
                ok = False
            elif key not in required and key not in optional:
                allowed = ", ".join(list(required) + list(optional))
                self.error(key_node, f"{what}: unknown key '{key}' (allowed: {allowed})")
                ok = False
            else:
                out[key] = value_node
        for key in required:
            if key not in out:
                self.error(node, f"{what}: missing required key '{key}'")
                ok = False
        return out if ok else None

    def sequence(self, node, what):
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list")
            return []
        return node.value

    def string(self, node, what, pattern=None):
        if not isinstance(node, yaml.ScalarNode) or node.value.strip() == "":
            self.error(node, f"{what} must be a non-empty string")
            return None
        text = " ".join(node.value.split())
        if pattern and not pattern.match(text):
            self.error(node, f"{what} '{text}' does not match {pattern.pattern}")
            return None
        return text

    def integer(self, node, what, lo=0, hi=MASK32):
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"{what} must be an integer")
            return None
        try:
            value = int(node.value.strip(), 0)
        except ValueError:
            self.error(node, f"{what} '{node.value}' is not an integer (decimal, 0x.., 0b..)")
            return None
        if not lo <= value <= hi:
            self.error(node, f"{what} {node.value} is outside {lo:#x}..{hi:#x}")
            return None
        return value

    def choice(self, node, what, choices):
        text = self.string(node, what)
        if text is not None and text not in choices:
            self.error(node, f"{what} '{text}' is not one of {', '.join(choices)}")
            return None
        return text


def check_unique(reader, items, what):
    """items: (name, node) pairs; reports every repeated name."""
    seen = {}
    for name, node in items:
        if name in seen:
            reader.error(node, f"duplicate {what} '{name}' (first at line {seen[name]})")
        else:
            seen[name] = node.start_mark.line + 1


def read_values(r, node, what, width):
    values, names = [], []
    for vnode in r.sequence(node, f"{what}.values"):
        m = r.mapping(vnode, f"{what} value", ("name", "value", "desc"))
        if m is None:
            continue
        name = r.string(m["name"], f"{what} value name", VALUE_NAME)
        value = r.integer(m["value"], f"{what} value", 0, (1 << width) - 1)
        desc = r.string(m["desc"], f"{what} value desc")
        if None in (name, value, desc):
            continue
        names.append((name, m["name"]))
        values.append((Value(name, value, desc), m["value"]))
    check_unique(r, names, f"value name in {what}")
    check_unique(r, [(f"{v.value:#x}", n) for v, n in values], f"value in {what}")
    return [v for v, _ in values]


def read_fields(r, node, owner, owner_access=None, owner_writer=None):
    """Fields of a register (owner_access given) or of a descriptor word (owner_writer)."""
    fields, names = [], []
    optional = ("values", "enum") + (("access",) if owner_access else ("writer",))
    for fnode in r.sequence(node, f"{owner}.fields"):
        m = r.mapping(fnode, f"field of {owner}", ("name", "bits", "desc"), optional)
        if m is None:
            continue
        name = r.string(m["name"], f"field name in {owner}", UPPER_NAME)
        what = f"{owner}.{name}"
        desc = r.string(m["desc"], f"{what} desc")
        bits = r.string(m["bits"], f"{what} bits")
        if None in (name, desc, bits):
            continue
        names.append((name, m["name"]))
        match = BITS.match(bits)
        if not match:
            r.error(m["bits"], f"{what} bits '{bits}' must be \"msb:lsb\" or \"n\"")
            continue
        msb = int(match.group(1))
        lsb = int(match.group(2)) if match.group(2) is not None else msb
        if msb < lsb:
            r.error(m["bits"], f"{what} bits '{bits}': msb is below lsb")
            continue
        if msb > 31:
            r.error(m["bits"], f"{what} bits '{bits}' lie outside the 32-bit word")
            continue
        f = Field(name, lsb, msb - lsb + 1, desc, line=fnode.start_mark.line + 1)
        if owner_access:
            f.access = owner_access
            if "access" in m:
                f.access = r.choice(m["access"], f"{what} access", ACCESS) or owner_access
                if f.access not in FIELD_ACCESS[owner_access]:
                    r.error(m["access"], f"{what} access '{f.access}' is not possible in a "
                                         f"'{owner_access}' register")
        else:
            f.writer = owner_writer
            if "writer" in m:
                f.writer = r.choice(m["writer"], f"{what} writer", WRITERS) or owner_writer
        if "values" in m:
            f.values = read_values(r, m["values"], what, f.width)
        if "enum" in m:
            f.enum = r.string(m["enum"], f"{what} enum", UPPER_NAME) or ""
            if "values" not in m:
                r.error(m["enum"], f"{what}: 'enum' needs 'values'")
            if f.width > 8:
                r.error(m["enum"], f"{what}: an enum field is at most 8 bits wide (std::uint8_t)")
        fields.append((f, fnode))
    check_unique(r, names, f"field name in {owner}")
    # Overlaps: report each pair once, at the later field.
    for i, (f, fnode) in enumerate(fields):
        for g, _ in fields[:i]:
            if f.mask & g.mask:
                r.error(fnode, f"{owner}.{f.name} (bits {f.bits}) overlaps "
                               f"{owner}.{g.name} (bits {g.bits})")
    return [f for f, _ in fields]


def read_register(r, node, group=None):
    what = "register" if group is None else f"register of group {group.name}"
    m = r.mapping(node, what, ("name", "offset", "desc", "access", "reset"), ("fields", "volatile"))
    if m is None:
        return None
    name = r.string(m["name"], f"{what} name", UPPER_NAME)
    volatile = "volatile" in m and r.choice(m["volatile"], f"{name} volatile", ("true", "false")) == "true"
    offset = r.integer(m["offset"], f"{name} offset", 0, 0xFFFC)
    if group and offset is not None and offset + 4 > group.stride:
        r.error(m["offset"], f"{name} offset {offset:#x} (relative to group {group.name}) "
                             f"does not fit in the group's stride {group.stride:#x}")
        return None
    desc = r.string(m["desc"], f"{name} desc")
    access = r.choice(m["access"], f"{name} access", ACCESS)
    reset = r.integer(m["reset"], f"{name} reset")
    if None in (name, offset, desc, access, reset):
        return None
    if offset % 4:
        r.error(m["offset"], f"{name} offset {offset:#x} is not 4-byte aligned")
    fields = read_fields(r, m["fields"], name, owner_access=access) if "fields" in m else []
    if fields:
        defined = 0
        for f in fields:
            defined |= f.mask
        if reset & ~defined:
            r.error(m["reset"], f"{name} reset {reset:#010x} sets bits outside its fields "
                                f"({reset & ~defined:#010x})")
    reg = Register(name, offset, desc, access, reset, fields, line=node.start_mark.line + 1, volatile=volatile)
    if group:
        reg.offset += group.offset
        reg.count, reg.stride, reg.group = group.count, group.stride, group.name
    return reg


def read_group(r, node):
    m = r.mapping(node, "register group", ("group", "offset", "count", "stride", "desc", "registers"))
    if m is None:
        return None
    name = r.string(m["group"], "group name", UPPER_NAME)
    offset = r.integer(m["offset"], f"group {name} offset", 0, 0xFFFC)
    count = r.integer(m["count"], f"group {name} count", 1, 256)
    stride = r.integer(m["stride"], f"group {name} stride", 4, 0x1000)
    desc = r.string(m["desc"], f"group {name} desc")
    if None in (name, offset, count, stride, desc):
        return None
    if stride % 4:
        r.error(m["stride"], f"group {name} stride {stride:#x} is not a multiple of 4")
        return None
    group = Group(name, offset, count, stride, desc, [])
    for rnode in r.sequence(m["registers"], f"group {name} registers"):
        reg = read_register(r, rnode, group)
        if reg:
            group.registers.append(reg)
    return group


def read_descriptor(r, node):
    m = r.mapping(node, "descriptor", ("name", "size", "desc", "words"))
    if m is None:
        return None
    name = r.string(m["name"], "descriptor name", UPPER_NAME)
    size = r.integer(m["size"], f"{name} size", 4, 4096)
    desc = r.string(m["desc"], f"{name} desc")
    if None in (name, size, desc):
        return None
    if size % 4:
        r.error(m["size"], f"{name} size {size} is not a multiple of 4")
        return None
    words, names, indices = [], [], []
    for wnode in r.sequence(m["words"], f"{name} words"):
        wm = r.mapping(wnode, f"word of {name}", ("name", "word", "desc", "writer"), ("fields",))
        if wm is None:
            continue
        wname = r.string(wm["name"], f"word name in {name}", UPPER_NAME)
        index = r.integer(wm["word"], f"{name}.{wname} word", 0, size // 4 - 1)
        wdesc = r.string(wm["desc"], f"{name}.{wname} desc")
        writer = r.choice(wm["writer"], f"{name}.{wname} writer", WRITERS)
        if None in (wname, index, wdesc, writer):
            continue
        names.append((wname, wm["name"]))
        indices.append((str(index), wm["word"]))
        fields = (read_fields(r, wm["fields"], f"{name}.{wname}", owner_writer=writer)
                  if "fields" in wm else [])
        words.append(Word(wname, index, wdesc, writer, fields))
    check_unique(r, names, f"word name in {name}")
    check_unique(r, indices, f"word index in {name}")
    return Descriptor(name, size, desc, sorted(words, key=lambda w: w.index))


def read_reasons(r, node):
    m = r.mapping(node, "punt_reasons", ("width", "desc", "reasons"))
    if m is None:
        return 0, "", []
    width = r.integer(m["width"], "punt_reasons width", 1, 8)
    desc = r.string(m["desc"], "punt_reasons desc") or ""
    if width is None:
        return 0, desc, []
    reasons, names, codes = [], [], []
    for rnode in r.sequence(m["reasons"], "punt_reasons reasons"):
        rm = r.mapping(rnode, "punt reason", ("name", "code", "source", "desc"))
        if rm is None:
            continue
        name = r.string(rm["name"], "punt reason name", LOWER_NAME)
        code = r.integer(rm["code"], f"punt reason {name} code", 0, (1 << width) - 1)
        source = r.choice(rm["source"], f"punt reason {name} source", REASON_SOURCES)
        rdesc = r.string(rm["desc"], f"punt reason {name} desc")
        if None in (name, code, source, rdesc):
            continue
        names.append((name, rm["name"]))
        codes.append((f"{code:#04x}", rm["code"]))
        reasons.append(Reason(name, code, source, rdesc))
    check_unique(r, names, "punt reason name")
    check_unique(r, codes, "punt reason code")
    return width, desc, sorted(reasons, key=lambda x: x.code)


def read_tuple(r, node, what):
    m = r.mapping(node, f"{what} tuple", ("family", "src", "dst", "proto", "src_port", "dst_port"))
    if m is None:
        return None
    family = r.integer(m["family"], f"{what} family", 4, 6)
    proto = r.integer(m["proto"], f"{what} proto", 0, 255)
    sport = r.integer(m["src_port"], f"{what} src_port", 0, 0xFFFF)
    dport = r.integer(m["dst_port"], f"{what} dst_port", 0, 0xFFFF)
    if None in (family, proto, sport, dport):
        return None
    if family == 5:
        r.error(m["family"], f"{what} family must be 4 or 6")
        return None
    addrs = []
    for key in ("src", "dst"):
        text = r.string(m[key], f"{what} {key}")
        if text is None:
            return None
        try:
            addr = ipaddress.ip_address(text)
        except ValueError:
            r.error(m[key], f"{what} {key} '{text}' is not an IP address")
            return None
        if addr.version != family:
            r.error(m[key], f"{what} {key} '{text}' is not an IPv{family} address")
            return None
        addrs.append(addr)
    src, dst = (a.packed.ljust(16, b"\0") for a in addrs)
    text = f"{addrs[0]}:{sport} > {addrs[1]}:{dport} proto {proto}"
    if family == 6:
        text = f"[{addrs[0]}]:{sport} > [{addrs[1]}]:{dport} proto {proto}"
    return Tuple(family, src, dst, sport, dport, proto, text)


def read_hash(r, node, spec):
    m = r.mapping(node, "hash", ("name", "desc", "default_seed", "latency_cycles", "vectors"))
    if m is None:
        return
    spec.hash_name = r.string(m["name"], "hash name", LOWER_NAME) or ""
    spec.hash_desc = r.string(m["desc"], "hash desc") or ""
    spec.default_seed = r.integer(m["default_seed"], "hash default_seed") or 0
    spec.latency = r.integer(m["latency_cycles"], "hash latency_cycles", 1, 64) or 0
    names = []
    for vnode in r.sequence(m["vectors"], "hash vectors"):
        vm = r.mapping(vnode, "hash vector", ("name", "hash"), ("hv1", "hv2", "hv3", "tuple", "seed"))
        if vm is None:
            continue
        name = r.string(vm["name"], "hash vector name", LOWER_NAME)
        expected = r.integer(vm["hash"], f"hash vector {name} hash")
        if None in (name, expected):
            continue
        names.append((name, vm["name"]))
        words = [k for k in ("hv1", "hv2", "hv3") if k in vm]
        if "tuple" in vm:
            if words:
                r.error(vnode, f"hash vector {name}: give either hv1/hv2/hv3 or a tuple, not both")
                continue
            tup = read_tuple(r, vm["tuple"], f"hash vector {name}")
            seed = r.integer(vm["seed"], f"hash vector {name} seed") if "seed" in vm else 0
            if tup is None or seed is None:
                continue
            hv = foe_hash_words(tup.family, tup.src[:4] if tup.family == 4 else tup.src,
                                tup.dst[:4] if tup.family == 4 else tup.dst,
                                tup.src_port, tup.dst_port, seed)
            vector = Vector(name, *hv, expected, tup, seed)
        else:
            if len(words) != 3:
                r.error(vnode, f"hash vector {name}: needs hv1, hv2 and hv3 (or a tuple)")
                continue
            if "seed" in vm:
                r.error(vm["seed"], f"hash vector {name}: 'seed' belongs to tuple vectors "
                                    f"(hv1 already includes it)")
                continue
            hv = [r.integer(vm[k], f"hash vector {name} {k}") for k in ("hv1", "hv2", "hv3")]
            if None in hv:
                continue
            vector = Vector(name, *hv, expected)
        actual = foe_hash(vector.hv1, vector.hv2, vector.hv3)
        if actual != expected:
            r.error(vm["hash"], f"hash vector {name}: hash is {expected:#010x} but the "
                                f"reference computes {actual:#010x}")
            continue
        spec.vectors.append(vector)
    check_unique(r, names, "hash vector name")


def power_of_two(value):
    return value > 0 and value & (value - 1) == 0


def read_datapath(r, node):
    """The ingress blocks' pipelining and the flow table's geometry limits."""
    m = r.mapping(node, "datapath", ("desc", "blocks", "parser_window_bytes", "flow_table"))
    if m is None:
        return None
    desc = r.string(m["desc"], "datapath desc")
    blocks, names = [], []
    for bnode in r.sequence(m["blocks"], "datapath blocks"):
        bm = r.mapping(bnode, "datapath block", ("name", "latency_cycles", "ii_cycles", "desc"))
        if bm is None:
            continue
        name = r.string(bm["name"], "datapath block name", LOWER_NAME)
        latency = r.integer(bm["latency_cycles"], f"block {name} latency_cycles", 1, 64)
        ii = r.integer(bm["ii_cycles"], f"block {name} ii_cycles", 1, 16)
        bdesc = r.string(bm["desc"], f"block {name} desc")
        if None in (name, latency, ii, bdesc):
            continue
        if name == "hash":
            r.error(bm["name"], "block hash: its latency is hash.latency_cycles (one input per cycle)")
            continue
        names.append((name, bm["name"]))
        blocks.append(Block(name, latency, ii, bdesc))
    check_unique(r, names, "datapath block name")
    window = r.integer(m["parser_window_bytes"], "datapath parser_window_bytes", 64, 256)
    if window is not None and window % 4:
        r.error(m["parser_window_bytes"], f"datapath parser_window_bytes {window} is not a multiple of 4")
        window = None
    tm = r.mapping(m["flow_table"], "datapath flow_table", ("min_entries", "max_entries", "sram_banks"))
    if tm is None:
        return None
    lo = r.integer(tm["min_entries"], "flow_table min_entries", 1, 1 << 20)
    hi = r.integer(tm["max_entries"], "flow_table max_entries", 1, 1 << 20)
    banks = r.integer(tm["sram_banks"], "flow_table sram_banks", 1, 16)
    for key, value in (("min_entries", lo), ("max_entries", hi), ("sram_banks", banks)):
        if value is not None and not power_of_two(value):
            r.error(tm[key], f"flow_table {key} {value} is not a power of two")
            return None
    if lo is not None and hi is not None and lo > hi:
        r.error(tm["min_entries"], f"flow_table min_entries {lo} is above max_entries {hi}")
        return None
    if None in (desc, window, lo, hi, banks):
        return None
    return Datapath(desc, blocks, window, lo, hi, banks)


def read_spec(path):
    """The validated Spec, or exits with every error as file:line."""
    r = Reader(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except OSError as e:
        fail(r, [(0, f"cannot read: {e.strerror}")])
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        fail(r, [(mark.line + 1 if mark else 0, f"YAML syntax: {e.problem or e.context}")])
    if root is None:
        fail(r, [(1, "the file is empty")])
    m = r.mapping(root, "top level", ("name", "desc", "registers"),
                  ("descriptors", "punt_reasons", "hash", "datapath"))
    if m is None:
        fail(r, r.errors)
    spec = Spec(r.string(m["name"], "name", LOWER_NAME), r.string(m["desc"], "desc"),
                [], [], 0, "", [])
    for node in r.sequence(m["registers"], "registers"):
        is_group = isinstance(node, yaml.MappingNode) and any(k.value == "group" for k, _ in node.value)
        item = read_group(r, node) if is_group else read_register(r, node)
        if item:
            item.line = node.start_mark.line + 1
            spec.items.append(item)
    for node in r.sequence(m.get("descriptors", yaml.SequenceNode("", [])), "descriptors"):
        d = read_descriptor(r, node)
        if d:
            d.line = node.start_mark.line + 1
            spec.descriptors.append(d)
    if "punt_reasons" in m:
        spec.reason_width, spec.reason_desc, spec.reasons = read_reasons(r, m["punt_reasons"])
    if "hash" in m:
        read_hash(r, m["hash"], spec)
    if "datapath" in m:
        spec.datapath = read_datapath(r, m["datapath"])
    check_spec(r, spec)
    if r.errors:
        fail(r, r.errors)
    return spec


def check_spec(r, spec):
    """Whole-map rules: register overlaps, name clashes across registers, enums."""
    regs = spec.registers()
    by_offset = {}
    for reg in regs:
        for i, off in enumerate(reg.offsets()):
            if off in by_offset:
                other = by_offset[off]
                r.error(reg.line, f"{reg.instance_name(i)} at {off:#05x} overlaps "
                                  f"{other[0]} (line {other[1]})")
            else:
                by_offset[off] = (reg.instance_name(i), reg.line)
    # A generated struct named like a type of the header would hide that type.
    reserved = {"Field", "Access", "RegisterInfo", "PuntReason"}
    for name, line in ([(x.name, x.line) for x in regs] + [(d.name, d.line) for d in spec.descriptors]
                       + [(w.name, d.line) for d in spec.descriptors for w in d.words]):
        if pascal(name) in reserved:
            r.error(line, f"name '{name}' is reserved (its C++ name {pascal(name)} is a type of the header)")
    names = {}
    for item in spec.items:
        members = item.registers if isinstance(item, Group) else []
        own = [(item.name, item.line)]
        # A group of one register may share that register's name (ENTRY_DATA[i]): the group
        # itself generates no C++ struct, so there is nothing to clash with.
        if len(members) == 1 and members[0].name == item.name:
            own = []
        for name, line in own + [(x.name, x.line) for x in members]:
            key = pascal(name)
            if key in names:
                r.error(line, f"duplicate register or group name '{name}' (first at line {names[key]})")
            else:
                names[key] = line
    desc_names = {}
    for d in spec.descriptors:
        if d.name in desc_names:
            r.error(d.line, f"duplicate descriptor name '{d.name}' (first at line {desc_names[d.name]})")
        desc_names.setdefault(d.name, d.line)
    # Generated C++ members must not clash with the fixed ones or each other.
    fixed = {"kCount", "kStride", "kResetValue", "kAccess", "kName", "kWord", "kByteOffset"}
    owners = [(reg.name, reg.fields, reg.line) for reg in regs]
    owners += [(f"{d.name}.{w.name}", w.fields, d.line) for d in spec.descriptors for w in d.words]
    for owner, fields, line in owners:
        members = set(fixed)
        for f in fields:
            for member in [k_name(f.name)] + ([] if f.enum else
                                               [k_name(f.name) + pascal(v.name) for v in f.values]):
                if member in members:
                    r.error(f.line or line, f"{owner}.{f.name}: generated name '{member}' "
                                            f"clashes with another member")
                members.add(member)
    enums = {}
    for name, f in spec.enums():
        if name in enums:
            r.error(f.line, f"enum {name} is declared twice (first at line {enums[name]})")
        enums.setdefault(name, f.line)
    if "PUNT_REASON" in enums:
        r.error(enums["PUNT_REASON"], "enum name PUNT_REASON is reserved for punt_reasons")


def fail(r, errors):
    for line, msg in sorted(errors, key=lambda e: e[0]):
        print(f"{r.path}:{line}: error: {msg}", file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------------------------------------
# Naming.
# ---------------------------------------------------------------------------------------------
def pascal(name):
    """GLO_CFG -> GloCfg, hit_ttl_1 -> HitTtl1, 2.5G -> 2_5G (digits keep the underscore)."""
    parts = [p for p in re.split(r"[_.]", name) if p]
    out = ""
    for p in parts:
        if out and out[-1].isdigit() and p[0].isdigit():
            out += "_"
        out += p[0].upper() + p[1:].lower() if p[0].isalpha() else p.upper()
    return out


def k_name(name):
    return "k" + pascal(name)


def snake(name):
    return name.lower().replace(".", "_")


def hex32(v):
    return f"0x{v:08x}"


# ---------------------------------------------------------------------------------------------
# C++ header.
# ---------------------------------------------------------------------------------------------
ACCESS_CPP = {"ro": "Access::kRo", "rw": "Access::kRw", "w1c": "Access::kW1c", "wo": "Access::kWo"}


def comment(text, indent, width=100):
    """A // comment block wrapped to width."""
    prefix = " " * indent + "// "
    lines, line = [], ""
    for word in text.split():
        if line and len(prefix) + len(line) + 1 + len(word) > width:
            lines.append(prefix + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(prefix + line)
    return lines


def cpp_field(f, indent):
    out = comment(f"{f.name} [{f.bits}]" + (f" ({f.access})" if f.access else "") + f": {f.desc}", indent)
    out.append(" " * indent + f"static constexpr Field {k_name(f.name)}{{{f.lsb}, {f.width}}};")
    if not f.enum:
        for v in f.values:
            out += comment(v.desc, indent)
            out.append(" " * indent + f"static constexpr std::uint32_t {k_name(f.name)}{pascal(v.name)} = "
                       f"{v.value:#x};")
    return out


def cpp_bytes(b):
    return "{" + ", ".join(f"{x:#04x}" for x in b) + "}"


def gen_cpp(spec, source):
    regs = spec.registers()
    instances = sorted(((off, reg.instance_name(i), reg) for reg in regs
                        for i, off in enumerate(reg.offsets())), key=lambda x: x[0])
    o = [f"// Generated by rtl/spec/gen_hw.py from {source}; do not edit.",
         "// SPDX-License-Identifier: Apache-2.0",
         "// The hardware interface of the flowsim ASIC as constexpr C++: register map, DMA",
         "// descriptor layouts, punt reason codes and the FOE hash's shared test vectors. The model",
         "// and the driver both use these names, so that no offset or bit is written twice.",
         "#pragma once",
         "",
         "#include <algorithm>",
         "#include <array>",
         "#include <cstddef>",
         "#include <cstdint>",
         "#include <optional>",
         "#include <string_view>",
         "",
         "namespace flowsim::hw {",
         "",
         "enum class Access : std::uint8_t { kRo, kRw, kW1c, kWo };",
         "",
         "// A bit field of a 32-bit register or descriptor word.",
         "struct Field {",
         "  unsigned lsb;",
         "  unsigned width;",
         "",
         "  // The field's bits, in place.",
         "  constexpr std::uint32_t mask() const {",
         "    return (width >= 32 ? ~std::uint32_t{0} : ((std::uint32_t{1} << width) - 1)) << lsb;",
         "  }",
         "  // The field's value, extracted from word.",
         "  constexpr std::uint32_t get(std::uint32_t word) const { return (word & mask()) >> lsb; }",
         "  // value shifted into place; bits beyond the field's width are dropped.",
         "  constexpr std::uint32_t make(std::uint32_t value) const { return (value << lsb) & mask(); }",
         "  // word with the field replaced by value.",
         "  constexpr std::uint32_t set(std::uint32_t word, std::uint32_t value) const {",
         "    return (word & ~mask()) | make(value);",
         "  }",
         "};",
         "",
         "struct RegisterInfo {",
         "  std::string_view name;  // \"GLO_CFG\", or \"RING_TAIL[1]\" for an array element",
         "  std::uint32_t offset;",
         "  std::uint32_t reset;",
         "  Access access;",
         "  // The hardware changes it without a bus write (counters, status, ring heads): a",
         "  // loosely-timed host lets the device catch up with its own time before reading it.",
         "  bool is_volatile;",
         "};",
         ""]
    # Enums first: register structs may mention them in comments only, but users want them near.
    for name, f in spec.enums():
        o += comment(f"Values of the {f.name} field: {f.desc}", 0)
        o.append(f"enum class {pascal(name)} : std::uint8_t {{")
        for v in f.values:
            o.append(f"  {k_name(v.name)} = {v.value},  // {v.desc}")
        o.append("};")
        o.append(f"constexpr std::string_view to_string({pascal(name)} v) {{")
        o.append("  switch (v) {")
        for v in f.values:
            o.append(f"    case {pascal(name)}::{k_name(v.name)}: return \"{v.name}\";")
        o.append("  }")
        o.append("  return \"unknown\";")
        o.append("}")
        o.append("")
    o += ["// Register map. Offsets are bytes from the CSR block base; every register is 32 bits.",
          "// Array registers (a group repeated kCount times) take an index: offset(i), i < kCount.",
          "namespace reg {",
          ""]
    group = None
    for reg in regs:
        if reg.group != group and reg.group:
            grp = next(g for g in spec.items if isinstance(g, Group) and g.name == reg.group)
            o += comment(f"---- Group {grp.name}[{grp.count}] at {grp.offset:#05x}, stride "
                         f"{grp.stride:#x}: {grp.desc}", 0)
            o.append("")
        group = reg.group
        o += comment(f"{reg.name} ({reg.access}): {reg.desc}", 0)
        o.append(f"struct {pascal(reg.name)} {{")
        o.append(f"  static constexpr std::string_view kName = \"{reg.name}\";")
        o.append(f"  static constexpr std::uint32_t kCount = {reg.count}, kStride = {reg.stride:#x};")
        if reg.count > 1:
            o.append(f"  static constexpr std::uint32_t offset(unsigned i = 0) {{ "
                     f"return {reg.offset:#05x} + i * kStride; }}")
        else:
            o.append(f"  static constexpr std::uint32_t offset(unsigned = 0) {{ return {reg.offset:#05x}; }}")
        o.append(f"  static constexpr std::uint32_t kResetValue = {hex32(reg.reset)};")
        o.append(f"  static constexpr Access kAccess = {ACCESS_CPP[reg.access]};")
        o.append(f"  static constexpr bool kVolatile = {'true' if reg.volatile else 'false'};")
        for f in reg.fields:
            o += cpp_field(f, 2)
        o.append("};")
        o.append("")
    o += ["}  // namespace reg", "",
          "// Every register, arrays expanded, sorted by offset.",
          f"inline constexpr std::array<RegisterInfo, {len(instances)}> kRegisters = {{{{"]
    for off, name, reg in instances:
        o.append(f"    {{\"{name}\", {off:#05x}, {hex32(reg.reset)}, {ACCESS_CPP[reg.access]}, "
                 f"{'true' if reg.volatile else 'false'}}},")
    o += ["}};",
          "",
          "// The register at a byte offset; nullopt for a hole or an offset inside a register.",
          "constexpr std::optional<RegisterInfo> find_register(std::uint32_t offset) {",
          "  const auto* it = std::lower_bound(",
          "      kRegisters.begin(), kRegisters.end(), offset,",
          "      [](const RegisterInfo& r, std::uint32_t o) { return r.offset < o; });",
          "  if (it == kRegisters.end() || it->offset != offset) {",
          "    return std::nullopt;",
          "  }",
          "  return *it;",
          "}",
          "",
          "// DMA descriptors: little-endian 32-bit words; Word::kWord is the word index.",
          "namespace desc {",
          ""]
    for d in spec.descriptors:
        o += comment(f"{d.name}: {d.desc}", 0)
        o.append(f"struct {pascal(d.name)} {{")
        o.append(f"  static constexpr std::size_t kSize = {d.size};")
        for w in d.words:
            o += comment(f"{w.name} (word {w.index}, written by the {w.writer}): {w.desc}", 2)
            o.append(f"  struct {pascal(w.name)} {{")
            o.append(f"    static constexpr unsigned kWord = {w.index};")
            o.append(f"    static constexpr std::size_t kByteOffset = {4 * w.index};")
            for f in w.fields:
                o += cpp_field(f, 4)
            o.append("  };")
        o.append("};")
        o.append("")
    o += ["}  // namespace desc", ""]
    if spec.reasons:
        o += comment(f"Punt reasons ({spec.reason_width}-bit codes): {spec.reason_desc}", 0)
        o.append("enum class PuntReason : std::uint8_t {")
        for x in spec.reasons:
            o += comment(f"{x.source}: {x.desc}", 2)
            o.append(f"  {k_name(x.name)} = {x.code:#04x},")
        o += ["};", "",
              "// The reason's name in the spec (\"no_flow\"); \"unknown\" for a code it does not define.",
              "constexpr std::string_view to_string(PuntReason r) {",
              "  switch (r) {"]
        for x in spec.reasons:
            o.append(f"    case PuntReason::{k_name(x.name)}: return \"{x.name}\";")
        o += ["  }", "  return \"unknown\";", "}", "",
              "// Every defined reason, by code.",
              f"inline constexpr std::array<PuntReason, {len(spec.reasons)}> kPuntReasons = {{"]
        for x in spec.reasons:
            o.append(f"    PuntReason::{k_name(x.name)},")
        o += ["};", ""]
    o += comment(f"The hash unit ({spec.hash_name}): {spec.hash_desc}", 0)
    o += ["namespace hash {",
          "",
          f"inline constexpr std::uint32_t kDefaultSeed = {hex32(spec.default_seed)};",
          "// Cycles from an input to its output in the pipelined hash unit (one input per cycle).",
          f"inline constexpr unsigned kLatencyCycles = {spec.latency};",
          "",
          "// A flow tuple as the driver sees it: addresses in network order, IPv4 in the first",
          "// four bytes (net::FiveTuple's layout). family 0 = the vector has no tuple.",
          "struct Tuple {",
          "  std::uint8_t family;",
          "  std::array<std::uint8_t, 16> src;",
          "  std::array<std::uint8_t, 16> dst;",
          "  std::uint16_t src_port;",
          "  std::uint16_t dst_port;",
          "  std::uint8_t proto;",
          "};",
          "",
          "// One shared test vector: hash(hv1, hv2, hv3) == hash. Tuple vectors also state that the",
          "// tuple with seed gives exactly these hv words.",
          "struct Vector {",
          "  std::string_view name;",
          "  std::uint32_t hv1;",
          "  std::uint32_t hv2;",
          "  std::uint32_t hv3;",
          "  std::uint32_t hash;",
          "  Tuple tuple;",
          "  std::uint32_t seed;",
          "};",
          "",
          f"inline constexpr std::array<Vector, {len(spec.vectors)}> kVectors = {{{{"]
    for v in spec.vectors:
        head = f"    {{\"{v.name}\", {hex32(v.hv1)}, {hex32(v.hv2)}, {hex32(v.hv3)}, {hex32(v.hash)},"
        if not v.tuple:
            o.append(f"{head} {{}}, {hex32(v.seed)}}},")
            continue
        t = v.tuple
        o.append(head)
        o.append(f"     // {t.text}")
        o.append(f"     {{{t.family}, {cpp_bytes(t.src)},")
        o.append(f"      {cpp_bytes(t.dst)},")
        o.append(f"      {t.src_port}, {t.dst_port}, {t.proto}}},")
        o.append(f"     {hex32(v.seed)}}},")
    o += ["}};", "", "}  // namespace hash", ""]
    o += cpp_datapath(spec.datapath)
    o += ["}  // namespace flowsim::hw", ""]
    return "\n".join(o)


def cpp_datapath(dp):
    if dp is None:
        return []
    o = comment(f"The ingress datapath: {dp.desc}", 0)
    o += ["namespace datapath {", ""]
    for b in dp.blocks:
        o += comment(f"{b.name}: {b.desc}", 0)
        o.append(f"inline constexpr unsigned k{pascal(b.name)}LatencyCycles = {b.latency};")
        o.append(f"inline constexpr unsigned k{pascal(b.name)}IiCycles = {b.ii};")
    o += ["// Bytes of a frame the parser sees (and the rewrite unit edits); the rest streams past.",
          f"inline constexpr unsigned kParserWindowBytes = {dp.parser_window_bytes};",
          "// Flow table sizes the hardware supports (powers of two), and its SRAM banks: entry",
          "// index i lives in bank i % kSramBanks, so the ways of a bucket are read in parallel.",
          f"inline constexpr unsigned kTableMinEntries = {dp.table_min_entries};",
          f"inline constexpr unsigned kTableMaxEntries = {dp.table_max_entries};",
          f"inline constexpr unsigned kSramBanks = {dp.sram_banks};",
          "", "}  // namespace datapath", ""]
    return o


def sv_datapath(dp):
    if dp is None:
        return []
    o = ["  // ---- Ingress datapath ----", ""]
    for b in dp.blocks:
        o.append(f"  localparam int unsigned {pascal(b.name)}Latency = {b.latency};")
        o.append(f"  localparam int unsigned {pascal(b.name)}Ii = {b.ii};")
    o += [f"  localparam int unsigned ParserWindowBytes = {dp.parser_window_bytes};",
          f"  localparam int unsigned TableMinEntries = {dp.table_min_entries};",
          f"  localparam int unsigned TableMaxEntries = {dp.table_max_entries};",
          f"  localparam int unsigned SramBanks = {dp.sram_banks};",
          ""]
    return o


def md_datapath(dp):
    if dp is None:
        return []
    o = ["## Ingress datapath", "", dp.desc, "",
         "| Block | Latency (cycles) | Initiation interval (cycles) | Description |", "|---|---|---|---|"]
    for b in dp.blocks:
        o.append(f"| {b.name} | {b.latency} | {b.ii} | {md_escape(b.desc)} |")
    o += ["", f"The parser sees the first {dp.parser_window_bytes} bytes of a frame. The flow table holds "
              f"{dp.table_min_entries} to {dp.table_max_entries} entries (a power of two) in "
              f"{dp.sram_banks} SRAM banks; entry i is in bank i mod {dp.sram_banks}.", ""]
    return o


# ---------------------------------------------------------------------------------------------
# SystemVerilog package.
# ---------------------------------------------------------------------------------------------
# SystemVerilog keywords a snake_case field or word name may collide with (IEEE 1800-2017
# Annex B, the lower-case words a register field could plausibly be called).
SV_KEYWORDS = {
    "alias", "always", "and", "assert", "assign", "assume", "automatic", "before", "begin",
    "bind", "bins", "bit", "break", "buf", "byte", "case", "cell", "chandle", "checker",
    "class", "clocking", "config", "const", "constraint", "context", "continue", "cover",
    "cross", "deassign", "default", "design", "disable", "dist", "do", "edge", "else", "end",
    "enum", "event", "expect", "export", "extends", "extern", "final", "first_match", "for",
    "force", "foreach", "forever", "fork", "function", "generate", "genvar", "global",
    "highz0", "highz1", "if", "iff", "ifnone", "implies", "import", "include", "initial",
    "inout", "input", "inside", "instance", "int", "integer", "interface", "intersect",
    "join", "large", "let", "liblist", "library", "local", "localparam", "logic", "longint",
    "macromodule", "matches", "medium", "modport", "module", "nand", "negedge", "new",
    "nexttime", "nor", "not", "null", "or", "output", "package", "packed", "parameter",
    "posedge", "priority", "program", "property", "protected", "pull0", "pull1", "pulldown",
    "pullup", "pure", "rand", "randc", "randcase", "randsequence", "real", "realtime", "ref",
    "reg", "reject_on", "release", "repeat", "restrict", "return", "scalared", "sequence",
    "shortint", "shortreal", "showcancelled", "signed", "small", "soft", "solve", "specify",
    "specparam", "static", "string", "strong", "struct", "super", "supply0", "supply1",
    "table", "tagged", "task", "this", "throughout", "time", "timeprecision", "timeunit",
    "tri", "type", "typedef", "union", "unique", "unique0", "unsigned", "until", "untyped",
    "use", "uwire", "var", "vectored", "virtual", "void", "wait", "wand", "weak", "while",
    "wildcard", "wire", "with", "within", "wor", "xnor", "xor",
}


def sv_member(name):
    """snake_case member name, with `_f` appended where it would be a SystemVerilog keyword
    (FOE_ENTRY.IB1.TYPE -> type_f, BIND_RATE.BIND -> bind_f)."""
    s = snake(name)
    return s + "_f" if s in SV_KEYWORDS else s


def sv_struct(name, fields, width, typed):
    """A packed struct of `width` bits, msb first, with gaps as unused_<msb>_<lsb>."""
    members, pos = [], width - 1
    for f in sorted(fields, key=lambda f: -f.lsb):
        if f.msb < pos:
            members.append((f"logic [{pos}:{f.msb + 1}]", f"unused_{pos}_{f.msb + 1}"))
        kind = typed.get(id(f)) or ("logic" if f.width == 1 else f"logic [{f.width - 1}:0]")
        members.append((kind, sv_member(f.name)))
        pos = f.lsb - 1
    if pos >= 0:
        members.append((f"logic [{pos}:0]", f"unused_{pos}_0"))
    out = ["  typedef struct packed {"]
    out += [f"    {kind} {member};" for kind, member in members]
    out.append(f"  }} {name};")
    return out


def gen_sv(spec, source):
    regs = spec.registers()
    top = max((max(r.offsets()) for r in regs), default=0)
    aw = max(top.bit_length(), 1)
    typed = {id(f): f"{snake(name)}_e" for name, f in spec.enums()}
    o = [f"// Generated by rtl/spec/gen_hw.py from {source}; do not edit.",
         "// SPDX-License-Identifier: Apache-2.0",
         "// The hardware interface of the flowsim ASIC for the RTL: register offsets, fields and",
         "// resets, descriptor layouts as packed structs, punt reasons and the hash parameters.",
         "",
         "package flowsim_hw_pkg;",
         "",
         "  // A package of constants: each module uses a few, so unused ones are expected here.",
         "  /* verilator lint_off UNUSEDPARAM */",
         "",
         "  // ---- Enums ----",
         ""]
    for name, f in spec.enums():
        o.append(f"  typedef enum logic [{f.width - 1}:0] {{")
        items = [f"    {pascal(name)}{pascal(v.name)} = {f.width}'d{v.value}" for v in f.values]
        o.append(",\n".join(items))
        o.append(f"  }} {snake(name)}_e;")
        o.append("")
    if spec.reasons:
        w = spec.reason_width
        o.append(f"  typedef enum logic [{w - 1}:0] {{")
        o.append(",\n".join(f"    Punt{pascal(x.name)} = {w}'h{x.code:02x}" for x in spec.reasons))
        o.append("  } punt_reason_e;")
        o.append("")
    o += ["  // ---- Registers ----", "",
          f"  localparam int unsigned BlockAw = {aw};", ""]
    for item in spec.items:
        if isinstance(item, Group):
            o.append(f"  // {item.name}[{item.count}] at {item.offset:#05x}, stride {item.stride:#x}")
            o.append(f"  localparam int unsigned {pascal(item.name)}Count = {item.count};")
            o.append(f"  localparam logic [BlockAw-1:0] {pascal(item.name)}Stride = {aw}'h{item.stride:x};")
        for reg in (item.registers if isinstance(item, Group) else [item]):
            p = pascal(reg.name)
            o.append(f"  localparam logic [BlockAw-1:0] {p}Offset = {aw}'h{reg.offset:x};")
            o.append(f"  localparam logic [31:0] {p}Resval = 32'h{reg.reset:08x};")
            for f in reg.fields:
                o.append(f"  localparam int unsigned {p}{pascal(f.name)}Lsb = {f.lsb};")
                o.append(f"  localparam int unsigned {p}{pascal(f.name)}Width = {f.width};")
                if not f.enum:
                    for v in f.values:
                        o.append(f"  localparam logic [{f.width - 1}:0] "
                                 f"{p}{pascal(f.name)}{pascal(v.name)} = {f.width}'h{v.value:x};")
            if reg.fields:
                o += sv_struct(f"{snake(reg.name)}_reg_t", reg.fields, 32, typed)
        o.append("")
    o += ["  // ---- Descriptors (word 0 in bits 31:0) ----", ""]
    for d in spec.descriptors:
        p = pascal(d.name)
        o.append(f"  localparam int unsigned {p}Size = {d.size};")
        words = {w.index: w for w in d.words}
        for w in d.words:
            o.append(f"  localparam int unsigned {p}{pascal(w.name)}Word = {w.index};")
            for f in w.fields:
                if not f.enum:
                    for v in f.values:
                        o.append(f"  localparam logic [{f.width - 1}:0] {p}{pascal(w.name)}{pascal(f.name)}"
                                 f"{pascal(v.name)} = {f.width}'h{v.value:x};")
            if w.fields:
                o += sv_struct(f"{snake(d.name)}_{snake(w.name)}_t", w.fields, 32, typed)
        o.append("  typedef struct packed {")
        for i in reversed(range(d.size // 4)):
            w = words.get(i)
            if w is None:
                o.append(f"    logic [31:0] rsvd{i};")
            elif w.fields:
                o.append(f"    {snake(d.name)}_{snake(w.name)}_t {sv_member(w.name)};")
            else:
                o.append(f"    logic [31:0] {sv_member(w.name)};")
        o.append(f"  }} {snake(d.name)}_t;")
        o.append("")
    o += ["  // ---- Hash unit ----", "",
          f"  localparam logic [31:0] FoeHashDefaultSeed = 32'h{spec.default_seed:08x};",
          f"  localparam int unsigned FoeHashLatency = {spec.latency};",
          ""]
    o += sv_datapath(spec.datapath)
    o += ["  /* verilator lint_on UNUSEDPARAM */",
          "",
          "endpackage",
          ""]
    return "\n".join(o)


# ---------------------------------------------------------------------------------------------
# Markdown and the vector file.
# ---------------------------------------------------------------------------------------------
def md_escape(text):
    return text.replace("|", "\\|")


def gen_md(spec, source):
    o = [f"<!-- Generated by rtl/spec/gen_hw.py from {source}; do not edit. -->",
         f"# {spec.name}: hardware interface", "", spec.desc, "",
         "Access: `ro` read-only, `rw` read/write, `w1c` write 1 to clear, `wo` write-only "
         "(reads as 0). Offsets are bytes from the CSR block base; registers are 32 bits. A "
         "*volatile* register changes without a bus write (counters, status, ring heads).", "",
         "## Register map", "",
         "| Offset | Name | Access | Reset | Description |",
         "|---|---|---|---|---|"]
    for reg in spec.registers():
        off = f"`{reg.offset:#05x}`" if reg.count == 1 else \
            f"`{reg.offset:#05x}` + i·`{reg.stride:#x}`, i < {reg.count}"
        name = reg.name if reg.count == 1 else f"{reg.name}[i]"
        o.append(f"| {off} | [{name}](#{reg.name.lower()}) | {reg.access} | `{hex32(reg.reset)}` | "
                 f"{md_escape(reg.desc)} |")
    o.append("")
    for item in spec.items:
        if isinstance(item, Group):
            o += [f"### Group {item.name}[{item.count}]", "",
                  f"Base `{item.offset:#05x}`, stride `{item.stride:#x}`. {item.desc}", ""]
        for reg in (item.registers if isinstance(item, Group) else [item]):
            where = f"Offset `{reg.offset:#05x}`"
            if reg.count > 1:
                where += f" + i·`{reg.stride:#x}` (i < {reg.count})"
            o += [f"### {reg.name}", "",
                  f"{where}, {reg.access}{', volatile' if reg.volatile else ''}, reset `{hex32(reg.reset)}`. "
                  f"{reg.desc}", ""]
            if reg.fields:
                o += ["| Bits | Field | Access | Reset | Description |", "|---|---|---|---|---|"]
                for f in sorted(reg.fields, key=lambda f: -f.lsb):
                    desc = f.desc + "".join(f"<br>`{v.value}` = {v.name}: {v.desc}" for v in f.values)
                    o.append(f"| {f.bits} | {f.name} | {f.access} | `{(reg.reset & f.mask) >> f.lsb:#x}` | "
                             f"{md_escape(desc)} |")
                o.append("")
    o += ["## Descriptors", "", "Little-endian 32-bit words in host memory.", ""]
    for d in spec.descriptors:
        words = {w.index: w for w in d.words}
        o += [f"### {d.name} ({d.size} bytes)", "", d.desc, "",
              "| Word | Bits | Name | Written by | Description |", "|---|---|---|---|---|"]
        for i in range(d.size // 4):
            w = words.get(i)
            if w is None:
                o.append(f"| {i} | 31:0 | — | driver | Reserved, write 0. |")
                continue
            o.append(f"| {i} | 31:0 | {w.name} | {w.writer} | {md_escape(w.desc)} |")
            for f in sorted(w.fields, key=lambda f: -f.lsb):
                desc = f.desc + "".join(f"<br>`{v.value:#x}` = {v.name}: {v.desc}" for v in f.values)
                o.append(f"| | {f.bits} | {w.name}.{f.name} | {f.writer} | {md_escape(desc)} |")
        o.append("")
    if spec.reasons:
        o += ["## Punt reasons", "", spec.reason_desc, "",
              "| Code | Name | Source | Description |", "|---|---|---|---|"]
        for x in spec.reasons:
            o.append(f"| `{x.code:#04x}` | {x.name} | {x.source} | {md_escape(x.desc)} |")
        o.append("")
    o += [f"## Hash unit: {spec.hash_name}", "", spec.hash_desc, "",
          f"Default seed `{hex32(spec.default_seed)}`; pipelined, one input per cycle, "
          f"latency {spec.latency} cycles.", "",
          f"### Test vectors ({len(spec.vectors)})", "",
          "| Name | Tuple, seed | hv1 | hv2 | hv3 | Hash |", "|---|---|---|---|---|---|"]
    for v in spec.vectors:
        tup = f"{v.tuple.text}, seed `{hex32(v.seed)}`" if v.tuple else ""
        o.append(f"| {v.name} | {tup} | `{hex32(v.hv1)}` | `{hex32(v.hv2)}` | `{hex32(v.hv3)}` | "
                 f"`{hex32(v.hash)}` |")
    o.append("")
    o += md_datapath(spec.datapath)
    return "\n".join(o)


def gen_hex(spec, source):
    o = [f"// Generated by rtl/spec/gen_hw.py from {source}; do not edit.",
         "// FOE hash vectors for $readmemh: one 128-bit word per line, {hv1, hv2, hv3, hash}."]
    o += [f"{v.hv1:08x}{v.hv2:08x}{v.hv3:08x}{v.hash:08x}  // {v.name}" for v in spec.vectors]
    return "\n".join(o) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("spec", help="the hardware description (flowsim_hw.yaml)")
    ap.add_argument("--out-dir", help="writes hw/flowsim_hw.hpp, hw/flowsim_hw_pkg.sv, "
                                      "hw/registers.md and hw/foe_hash_vectors.hex under it")
    ap.add_argument("--check", action="store_true", help="validate only")
    args = ap.parse_args()
    if not args.check and not args.out_dir:
        ap.error("--out-dir is required unless --check is given")
    spec = read_spec(args.spec)
    if args.check:
        return 0
    source = "rtl/spec/" + Path(args.spec).name
    out = Path(args.out_dir) / "hw"
    out.mkdir(parents=True, exist_ok=True)
    outputs = {"flowsim_hw.hpp": gen_cpp, "flowsim_hw_pkg.sv": gen_sv,
               "registers.md": gen_md, "foe_hash_vectors.hex": gen_hex}
    for name, gen in outputs.items():
        (out / name).write_text(gen(spec, source), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
