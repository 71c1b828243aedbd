#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The conformance decoder (C++, testbench/expect/frame_decoder.cpp) and the kernel
differential's (Python, testbench/kernel/kdiff/frames.py) are twins: for every frame of the
captures given, both must name the same fields at the same places with the same value texts
and give the same one-line summary, so that a field named in a conformance failure is the
field the differential names.  Usage: check_decoder_twin.py DECODE_DUMP PCAP..."""

import json
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "kernel"))
from kdiff import frames, pcapio  # noqa: E402


def main():
    dump, pcaps = sys.argv[1], sys.argv[2:]
    out = subprocess.run([dump] + pcaps, check=True, capture_output=True, text=True).stdout.splitlines()
    cpp = [json.loads(line) for line in out]
    py = []
    for p in pcaps:
        for i, record in enumerate(pcapio.read(p), start=1):
            frame = record.frame
            d = frames.decode(frame)
            py.append({"file": p, "index": i,
                       "fields": [[f.name, f.off, f.size, f.text(d.frame)] for f in d.fields],
                       "summary": frames.summary(frame)})
    if len(cpp) != len(py):
        print(f"C++ decoded {len(cpp)} frames, Python {len(py)}")
        return 1
    bad = 0
    for c, p in zip(cpp, py):
        if c["fields"] != p["fields"] or c["summary"] != p["summary"]:
            bad += 1
            if bad <= 3:
                print(f"{p['file']} #{p['index']} differs:")
                print(f"  C++:    {c['summary']}")
                print(f"  Python: {p['summary']}")
                for a, b in zip(c["fields"], p["fields"]):
                    if a != b:
                        print(f"    C++ {a}  Python {b}")
                if len(c["fields"]) != len(p["fields"]):
                    print(f"    {len(c['fields'])} fields in C++, {len(p['fields'])} in Python")
    print(f"{len(py)} frames from {len(pcaps)} captures, {len(py) - bad} decoded identically")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
