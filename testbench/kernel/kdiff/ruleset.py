# SPDX-License-Identifier: Apache-2.0
"""Ruleset rewrites for the two sides of the differential.

The kernel here has no nf_flow_table (`nft add flowtable` fails with ENOENT), so its copy of
the ruleset loses every flowtable object and every `flow add|offload @ft` statement; what a
flowtable changes is where a packet is forwarded (fast or slow path), not the bytes that leave,
so the comparison still holds. flowsim runs the ruleset as written, and once more with the
flowtables' `flags offload` removed (software flowtable only), so both of its paths are
compared with the kernel.

Text rulesets are rewritten token by token (comments, strings, braces and line continuations
respected); removed text is blanked, not deleted, so that line and column numbers in nft's
error messages still point into the original file. JSON rulesets (`nft -j list ruleset`) are
rewritten as data."""

import json
import re

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|\\\n|\n|[{};]|[^\s{};"#]+|[ \t\r]+')


class RulesetError(Exception):
    pass


def _tokens(text):
    """(kind, start, end, value): kind is word, string, open, close, sep (newline or ;)."""
    out = []
    for m in _TOKEN.finditer(text):
        v = m.group(0)
        if v.startswith("#") or v == "\\\n" or v.isspace() and v != "\n":
            continue
        kind = {"{": "open", "}": "close", ";": "sep", "\n": "sep"}.get(v)
        if kind is None:
            kind = "string" if v.startswith('"') else "word"
        out.append((kind, m.start(), m.end(), v))
    return out


def _matching_close(toks, i):
    """Index of the `}` closing the `{` at toks[i]."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j][0] == "open":
            depth += 1
        elif toks[j][0] == "close":
            depth -= 1
            if depth == 0:
                return j
    raise RulesetError("unbalanced braces")


def _blank(text, spans):
    chars = list(text)
    for a, b in spans:
        for i in range(a, b):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def _statement_end(toks, i):
    """The index after the last token of the statement starting at toks[i] (its braces
    included)."""
    j = i
    while j < len(toks) and toks[j][0] != "sep":
        if toks[j][0] == "open":
            j = _matching_close(toks, j)
        elif toks[j][0] == "close":
            return j
        j += 1
    return j


def strip_flowtables_text(text):
    """The ruleset without flowtables; returns (text, what was removed as readable lines)."""
    toks = _tokens(text)
    spans, removed = [], []
    depth = 0
    i = 0
    while i < len(toks):
        kind, start, _, v = toks[i]
        words = [t[3] for t in toks[i:i + 3]]
        at_statement_start = i == 0 or toks[i - 1][0] in ("sep", "open", "close")
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif at_statement_start and depth == 0 and len(words) >= 2 and \
                words[0] in ("add", "create", "delete", "destroy") and words[1] == "flowtable":
            j = _statement_end(toks, i)
            spans.append((start, toks[j - 1][2]))
            removed.append(f"line {text.count(chr(10), 0, start) + 1}: {v} flowtable command")
            i = j
            continue
        elif at_statement_start and v == "flowtable" and depth >= 1:
            j = _statement_end(toks, i)
            spans.append((start, toks[j - 1][2]))
            name = toks[i + 1][3] if i + 1 < len(toks) else "?"
            removed.append(f"line {text.count(chr(10), 0, start) + 1}: flowtable {name}")
            i = j
            continue
        elif v == "flow" and len(words) == 3 and words[1] in ("add", "offload") and words[2].startswith("@"):
            spans.append((start, toks[i + 2][2]))
            removed.append(f"line {text.count(chr(10), 0, start) + 1}: flow {words[1]} {words[2]}")
            i += 3
            continue
        i += 1
    out = _blank(text, spans)
    # A top-level `add rule ...` left without any expression would be a syntax error.
    for m in re.finditer(r"(?m)^[ \t]*(?:add|insert)[ \t]+rule[ \t]+\S+[ \t]+\S+[ \t]+\S+[ \t]*$", out):
        if m.group(0).split()[3] not in ("{",):
            removed.append(f"line {out.count(chr(10), 0, m.start()) + 1}: empty rule left by the above")
            out = out[:m.start()] + " " * (m.end() - m.start()) + out[m.end():]
    return out, removed


def drop_offload_flag_text(text):
    """The ruleset with `flags offload` removed from every flowtable: flowsim's software-only
    flowtable."""
    toks = _tokens(text)
    spans = []
    i = 0
    while i < len(toks):
        if toks[i][3] == "flowtable" and (i == 0 or toks[i - 1][0] in ("sep", "open", "close")):
            j = i
            while j < len(toks) and toks[j][0] != "open" and toks[j][0] != "sep":
                j += 1
            if j < len(toks) and toks[j][0] == "open":
                end = _matching_close(toks, j)
                for k in range(j, end):
                    if toks[k][3] == "flags" and k + 1 < end and toks[k + 1][3].rstrip(",") == "offload":
                        spans.append((toks[k][1], toks[k + 1][2]))
                i = end
        i += 1
    return _blank(text, spans), len(spans)


def strip_flowtables_json(text):
    doc = json.loads(text)
    items = doc.get("nftables") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise RulesetError('not an nft JSON ruleset (no "nftables" list)')
    removed, out = [], []
    for item in items:
        cmd = next(iter(item), None) if isinstance(item, dict) else None
        body = item.get(cmd) if cmd else None
        if cmd == "flowtable" or (cmd in ("add", "create", "delete", "destroy") and isinstance(body, dict)
                                  and "flowtable" in body):
            ft = body.get("flowtable", body) if isinstance(body, dict) else {}
            removed.append(f"flowtable {ft.get('name', '?')}")
            continue
        rule = body.get("rule") if cmd in ("add", "insert", "replace") and isinstance(body, dict) else \
            (body if cmd == "rule" else None)
        if isinstance(rule, dict) and isinstance(rule.get("expr"), list):
            kept = [e for e in rule["expr"] if not (isinstance(e, dict) and "flow" in e)]
            for e in rule["expr"]:
                if isinstance(e, dict) and "flow" in e:
                    removed.append(f"flow {e['flow'].get('op', '?')} {e['flow'].get('flowtable', '?')}")
            if not kept:
                removed.append("a rule left empty")
                continue
            rule["expr"] = kept
        out.append(item)
    doc["nftables"] = out
    return json.dumps(doc, indent=1), removed


def drop_offload_flag_json(text):
    doc = json.loads(text)
    n = 0
    for item in doc.get("nftables", []):
        for cmd, body in item.items():
            ft = body if cmd == "flowtable" else (body.get("flowtable") if isinstance(body, dict) else None)
            if isinstance(ft, dict) and "offload" in (ft.get("flags") or []):
                ft["flags"] = [f for f in ft["flags"] if f != "offload"]
                if not ft["flags"]:
                    del ft["flags"]
                n += 1
    return json.dumps(doc, indent=1), n


def is_json(text):
    return text.lstrip().startswith("{")


def for_kernel(text):
    """(ruleset text, removed) for the kernel side."""
    return strip_flowtables_json(text) if is_json(text) else strip_flowtables_text(text)


def software_only(text):
    """(ruleset text, flowtables changed) for flowsim without hardware offload."""
    return drop_offload_flag_json(text) if is_json(text) else drop_offload_flag_text(text)
