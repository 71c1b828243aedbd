#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# The instruction-count gate: wall-clock time on a shared machine measures the neighbours,
# instructions do not. Replays a fixed trace (traces/flows/make_flows_trace.py, 200 flows,
# 100000 bound 64-byte packets after their setup, counters only) through `flowsim replay`
# under `valgrind --tool=callgrind` and compares the instructions executed with the
# committed baseline (benchmarks/baseline/instructions.json): more than TOLERANCE above it
# fails (exit 1). Far below it, it says so: update the baseline with --update (and say why in
# the commit). .ci/run calls it after the test suite. Callgrind's count is exact (the same
# binary gives the same count to within 0.01 %), so 3 % catches a regression of a few
# percent of the per-packet cost (start-up, bring-up and the 200 flows' setup are about an
# eighth of the total).
#
#   benchmarks/instruction_gate.py --flowsim build/tools/flowsim --work build/gate
#   benchmarks/instruction_gate.py ... --update     # write the measured count as the baseline
"""Fail when a fixed replay executes more instructions than the committed baseline allows."""

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys

SOURCE = pathlib.Path(__file__).resolve().parent.parent
BASELINE = SOURCE / "benchmarks" / "baseline" / "instructions.json"
TRACE = {"flows": 200, "packets": 100000, "sizes": "64"}
NAME = "flowsim_replay_flows200_packets100000"

SCENARIO = """\
# Written by benchmarks/instruction_gate.py: the home router of scenarios/home_router.yaml
# with the gate's trace.
name: instruction_gate
ports:
  - {{name: lan, mac: "02:00:00:00:01:01", ipv4: 192.168.1.1/24, speed: 10G}}
  - {{name: wan, mac: "02:00:00:00:02:01", ipv4: 203.0.113.2/24, speed: 10G}}
routes:
  - {{prefix: 0.0.0.0/0, via: 203.0.113.1, dev: wan}}
neighbours:
  - {{ip: 203.0.113.1, mac: "02:00:00:00:02:fe", dev: wan}}
  - {{ip: 192.168.1.100, mac: "02:00:00:00:01:64", dev: lan}}
ruleset: {ruleset}
timing: recorded
traffic:
  - {{port: lan, pcap: {trace}/lan.pcap}}
  - {{port: wan, pcap: {trace}/wan.pcap}}
"""


def instructions(callgrind_out: pathlib.Path) -> int:
    for line in callgrind_out.read_text().splitlines():
        m = re.match(r"^(summary|totals):\s*(\d+)", line)
        if m:
            return int(m.group(2))
    raise RuntimeError(f"{callgrind_out}: no instruction total")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--flowsim", required=True, type=pathlib.Path, help="the flowsim executable")
    parser.add_argument("--work", required=True, type=pathlib.Path, help="a scratch directory")
    parser.add_argument("--baseline", type=pathlib.Path, default=BASELINE)
    parser.add_argument("--update", action="store_true", help="write the measured count into the baseline")
    args = parser.parse_args()

    work = args.work.resolve()
    trace = work / f"trace_flows{TRACE['flows']}_packets{TRACE['packets']}_{TRACE['sizes']}"
    work.mkdir(parents=True, exist_ok=True)
    if not (trace / "wan.pcap").exists():
        subprocess.run(["/usr/bin/python3", str(SOURCE / "traces/flows/make_flows_trace.py"), "--out", str(trace),
                        "--flows", str(TRACE["flows"]), "--packets", str(TRACE["packets"]),
                        "--sizes", TRACE["sizes"]], check=True)
    scenario = work / "gate.yaml"
    scenario.write_text(SCENARIO.format(ruleset=SOURCE / "scenarios/home_router.nft", trace=trace))
    out = work / "callgrind.out"
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", str(args.flowsim.resolve()), "replay",
           str(scenario), "--out", str(work / "out"), "--no-pcap", "--quiet"]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        print(f"instruction gate: the replay failed ({result.returncode})")
        return 1
    measured = instructions(out)

    if args.update:
        args.baseline.parent.mkdir(parents=True, exist_ok=True)
        doc = {"comment": "benchmarks/instruction_gate.py: instructions of one fixed replay (callgrind Ir)",
               "tolerance": 0.03, NAME: measured}
        if args.baseline.exists():
            doc = json.loads(args.baseline.read_text())
            doc[NAME] = measured
        args.baseline.write_text(json.dumps(doc, indent=2) + "\n")
        print(f"instruction gate: baseline {NAME} = {measured:,}")
        return 0

    doc = json.loads(args.baseline.read_text())
    base, tolerance = doc[NAME], doc["tolerance"]
    change = (measured - base) / base
    print(f"instruction gate: {measured:,} instructions, baseline {base:,} ({100 * change:+.2f} %, "
          f"allowed +{100 * tolerance:.0f} %); profile: callgrind_annotate {out}")
    if change > tolerance:
        print("instruction gate: FAILED: the replay got slower than the baseline allows")
        return 1
    if change < -tolerance:
        print("instruction gate: much faster than the baseline: consider --update")
    return 0


if __name__ == "__main__":
    sys.exit(main())
