#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""RTL line and toggle coverage of the datapath blocks on the conformance suite and the
committed scenarios (README, "RTL datapath"): runs every conformance file and every scenario
with every block as RTL and --rtl-coverage, merges the coverage files with verilator_coverage,
writes sources annotated with their counts, and prints the figures per block.

    rtl_coverage.py --flowsim build/tools/flowsim --source . --out build/rtl_coverage
"""
import argparse
import collections
import glob
import os
import subprocess
import sys


def run(cmd, log):
    print("  " + " ".join(cmd), file=log, flush=True)
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(done.stdout, file=log, flush=True)
    return done.returncode


def points(dat_path):
    """(kind, module, hierarchy/file/line/column key) -> count, from a coverage file."""
    out = {}
    with open(dat_path, encoding="latin-1") as f:
        for line in f:
            if not line.startswith("C '"):
                continue
            key, _, count = line.rstrip("\n").rpartition("' ")
            fields = {}
            for item in key[3:].split("\x01"):
                if "\x02" in item:
                    k, v = item.split("\x02", 1)
                    fields[k] = v
            page = fields.get("page", "")
            kind, _, module = page.partition("/")
            module = module.split("__")[0]  # foe_sram__R2000: a parameterised module
            out[(kind, module, key)] = int(count)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--flowsim", required=True)
    ap.add_argument("--source", required=True, help="the repository")
    ap.add_argument("--out", required=True)
    ap.add_argument("--verilator-coverage", default="verilator_coverage")
    ap.add_argument("--quick", action="store_true",
                    help="the scenarios only (CTest's smoke run of this command)")
    args = ap.parse_args()

    out = os.path.abspath(args.out)
    runs = os.path.join(out, "runs")
    os.makedirs(runs, exist_ok=True)
    for old in glob.glob(os.path.join(runs, "*.dat")):
        os.remove(old)
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    os.environ.update(env)
    log_path = os.path.join(out, "runs.log")
    failed = []
    with open(log_path, "w") as log:
        conformance = [] if args.quick else sorted(
            glob.glob(os.path.join(args.source, "testbench/conformance/suite/*.expect")))
        scenarios = sorted(glob.glob(os.path.join(args.source, "scenarios/*.yaml")))
        for path in conformance:
            name = os.path.splitext(os.path.basename(path))[0]
            cmd = [args.flowsim, "conformance", path, "--quiet", "--rtl", "all", "--out",
                   os.path.join(runs, "conformance_" + name), "--rtl-coverage",
                   os.path.join(runs, "conformance_" + name + ".dat")]
            if run(cmd, log) != 0:
                failed.append(name)
        for path in scenarios:
            name = os.path.splitext(os.path.basename(path))[0]
            cmd = [args.flowsim, "replay", path, "--quiet", "--rtl", "all", "--out",
                   os.path.join(runs, "scenario_" + name), "--rtl-coverage",
                   os.path.join(runs, "scenario_" + name + ".dat")]
            if run(cmd, log) != 0:
                failed.append(name)
    if failed:
        print(f"rtl_coverage: these runs failed (see {log_path}): {', '.join(failed)}", file=sys.stderr)
        return 1

    dats = sorted(glob.glob(os.path.join(runs, "*.dat")))
    merged = os.path.join(out, "merged.dat")
    annotated = os.path.join(out, "annotated")
    subprocess.run([args.verilator_coverage, "--write", merged] + dats, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([args.verilator_coverage, "--annotate", annotated, "--annotate-min", "1", merged], check=True,
                   stdout=subprocess.DEVNULL)

    # Line coverage is Verilator's line and branch points (--coverage-line), toggle its
    # toggle points (--coverage-toggle: every bit of every signal up to 256 bits wide, both
    # directions).
    hit = collections.Counter()
    total = collections.Counter()
    for (kind, module, _), count in points(merged).items():
        group = {"v_line": "line", "v_branch": "line", "v_toggle": "toggle"}.get(kind)
        if group is None:
            continue
        total[(group, module)] += 1
        hit[(group, module)] += count > 0
    modules = sorted({m for (_, m) in total})
    blocks = ["foe_hash", "foe_lookup", "foe_parser", "foe_rewrite"]
    missing = [b for b in blocks if not (hit[("line", b)] and hit[("toggle", b)])]
    if missing:
        print(f"rtl_coverage: no line or toggle point hit in {', '.join(missing)} ({merged})", file=sys.stderr)
        return 1
    lines = [f"RTL coverage: {len(conformance)} conformance files and {len(scenarios)} scenarios with --rtl all",
             f"{'block':<14}{'line':>22}{'toggle':>24}"]
    for m in modules + ["all"]:
        cells = []
        for group in ("line", "toggle"):
            h = sum(v for (g, mm), v in hit.items() if g == group and (m == "all" or mm == m))
            t = sum(v for (g, mm), v in total.items() if g == group and (m == "all" or mm == m))
            cells.append(f"{100.0 * h / t:6.1f} % ({h}/{t})" if t else "-")
        lines.append(f"{m:<14}{cells[0]:>22}{cells[1]:>24}")
    lines.append(f"annotated sources: {annotated} (lines with a count below 1 marked %000000)")
    report = "\n".join(lines) + "\n"
    with open(os.path.join(out, "summary.txt"), "w") as f:
        f.write(report)
    print(report, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
