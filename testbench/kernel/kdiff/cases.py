# SPDX-License-Identifier: Apache-2.0
"""The committed cases of the differential (testbench/kernel/cases.yaml): a scenario, the
input frames left out (with why), extra masks, and whether the case is pending (flowsim and
the kernel still differ on something another issue owns)."""

import pathlib
from dataclasses import dataclass, field

import yaml

from . import compare

REPO = pathlib.Path(__file__).resolve().parents[3]
CASES_FILE = pathlib.Path(__file__).resolve().parents[1] / "cases.yaml"
KNOWN = {"name", "scenario", "traffic", "about", "exclude", "masks", "pending", "timing", "frames"}


class CaseError(Exception):
    pass


@dataclass
class Exclusion:
    port: str
    index: int      # 1-based, in that port's pcap
    why: str


@dataclass
class Case:
    name: str
    scenario: pathlib.Path
    about: str = ""
    exclude: list = field(default_factory=list)
    masks: tuple = compare.DEFAULT_MASKS
    pending: str = ""
    timing: str = "order"   # order: as fast as the kernel settles; recorded: also wait for timestamps
    traffic: str = ""       # instead of the scenario's: a path pattern with {port}, from the repository root
    frames: dict = field(default_factory=dict)   # port -> frames the kernel sends there (guards the trace)


def _case(entry, where):
    if not isinstance(entry, dict) or "name" not in entry or "scenario" not in entry:
        raise CaseError(f"{where}: a case needs a name and a scenario")
    extra = set(entry) - KNOWN
    if extra:
        raise CaseError(f"{where}: unknown keys {', '.join(sorted(extra))} (known: {', '.join(sorted(KNOWN))})")
    exclude = []
    for x in entry.get("exclude") or []:
        if not {"port", "index", "why"} <= set(x):
            raise CaseError(f"{where}: an exclusion needs port, index and why")
        exclude.append(Exclusion(str(x["port"]), int(x["index"]), str(x["why"])))
    timing = str(entry.get("timing", "order"))
    if timing not in ("order", "recorded"):
        raise CaseError(f"{where}: timing is order or recorded, not {timing}")
    try:
        masks = compare.check_masks(list(compare.DEFAULT_MASKS) + list(entry.get("masks") or []))
    except ValueError as e:
        raise CaseError(f"{where}: {e}") from e
    traffic = str(entry.get("traffic") or "")
    if traffic and "{port}" not in traffic:
        raise CaseError(f"{where}: traffic is a path with {{port}} in it, like traces/kernel/dnat_{{port}}.pcap")
    frames = entry.get("frames") or {}
    if not isinstance(frames, dict) or not all(isinstance(v, int) for v in frames.values()):
        raise CaseError(f"{where}: frames maps a port to how many frames the kernel sends there")
    return Case(str(entry["name"]), (REPO / str(entry["scenario"])).resolve(), str(entry.get("about", "")).strip(),
                exclude, masks, str(entry.get("pending") or "").strip(), timing, traffic,
                {str(k): int(v) for k, v in frames.items()})


def load(path=CASES_FILE):
    doc = yaml.safe_load(pathlib.Path(path).read_text())
    out = []
    for i, entry in enumerate(doc.get("cases") or []):
        c = _case(entry, f"{path}: case {i + 1}")
        if any(x.name == c.name for x in out):
            raise CaseError(f"{path}: case {c.name} twice")
        out.append(c)
    return out


def ad_hoc(scenario, masks=(), exclude=()):
    """A case for a scenario that is not in cases.yaml (`--scenario`)."""
    exclusions = []
    for text in exclude:
        port, _, index = text.partition(":")
        if not index.isdigit():
            raise CaseError(f"--exclude {text}: write PORT:INDEX (1-based)")
        exclusions.append(Exclusion(port, int(index), "excluded on the command line"))
    try:
        m = compare.check_masks(list(compare.DEFAULT_MASKS) + list(masks))
    except ValueError as e:
        raise CaseError(str(e)) from e
    path = pathlib.Path(scenario).resolve()
    return Case(path.stem, path, "", exclusions, m)
