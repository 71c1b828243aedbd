#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""flowsim against the real Linux kernel: replays a scenario through flowsim and through the
same router built from network namespaces, and compares what leaves each port, frame by
frame and byte for byte (README.md in this folder).

  kernel_diff.py list
  kernel_diff.py run CASE... | --default | --all | --scenario FILE [--mask l4.port] [--exclude PORT:N]
                 [--flowsim build/tools/flowsim] [--work DIR] [-v] [--kernel-only]

Exit status: 0 identical, 1 different, 2 error (bad case, setup failed), 77 skipped (no
network namespaces here: not root, or no CAP_SYS_ADMIN)."""

import argparse
import pathlib
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from kdiff import cases, lab, pcapio, ruleset, runner, scenario, wire  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    ls = sub.add_parser("list", help="the committed cases, and which are pending")
    ls.add_argument("--cmake", action="store_true", help="NAME:0|1 (1: pending) per line, for CMake")
    r = sub.add_parser("run", help="run cases")
    r.add_argument("names", nargs="*", help="cases of cases.yaml")
    r.add_argument("--default", action="store_true", help="every case that is not pending")
    r.add_argument("--all", action="store_true", help="every case, pending ones too")
    r.add_argument("--scenario", help="a scenario file that is not a committed case")
    r.add_argument("--mask", action="append", default=[], help="an extra mask (l4.port) for --scenario")
    r.add_argument("--exclude", action="append", default=[], help="PORT:N, an input frame to leave out")
    r.add_argument("--flowsim", default=str(cases.REPO / "build" / "tools" / "flowsim"))
    r.add_argument("--work", default=None, help="output folder (default: build/kernel-diff/<case>)")
    r.add_argument("-v", "--verbose", action="store_true", help="show every port, also identical ones")
    r.add_argument("--kernel-only", action="store_true",
                   help="only the kernel's side: list what it sends (no flowsim, no comparison)")
    args = ap.parse_args()

    try:
        all_cases = cases.load()
    except (cases.CaseError, OSError) as e:
        print(f"kernel_diff: {e}", file=sys.stderr)
        return runner.ERROR
    if args.cmd == "list":
        for c in all_cases:
            if args.cmake:
                print(f"{c.name}:{int(bool(c.pending))}")
            else:
                print(f"{c.name:24} {'PENDING ' + c.pending if c.pending else c.about}")
        return 0

    try:
        if args.scenario:
            chosen = [cases.ad_hoc(args.scenario, args.mask, args.exclude)]
        elif args.all or args.default:
            chosen = [c for c in all_cases if args.all or not c.pending]
        else:
            by_name = {c.name: c for c in all_cases}
            unknown = [n for n in args.names if n not in by_name]
            if unknown or not args.names:
                print(f"kernel_diff: unknown case {', '.join(unknown)}; known: {', '.join(by_name)}"
                      if unknown else "kernel_diff: name a case, or --default, --all, --scenario", file=sys.stderr)
                return runner.ERROR
            chosen = [by_name[n] for n in args.names]
    except cases.CaseError as e:
        print(f"kernel_diff: {e}", file=sys.stderr)
        return runner.ERROR
    if not pathlib.Path(args.flowsim).exists():
        print(f"kernel_diff: {args.flowsim} does not exist (build it: cmake --build build --target flowsim)",
              file=sys.stderr)
        return runner.ERROR

    worst = 0
    for c in chosen:
        work = pathlib.Path(args.work) / c.name if args.work and len(chosen) > 1 else \
            pathlib.Path(args.work or cases.REPO / "build" / "kernel-diff" / c.name)
        if c.pending:
            print(f"case {c.name} is pending: {c.pending}")
        try:
            status = runner.Runner(c, args.flowsim, work, verbose=args.verbose, kernel_only=args.kernel_only).run()
        except lab.Unavailable as e:
            print(f"SKIPPED: the kernel differential needs network namespaces: {e}")
            return runner.SKIP
        except (runner.CaseFailure, lab.LabError, wire.WireError, scenario.ScenarioError, pcapio.PcapError,
                ruleset.RulesetError, OSError) as e:
            print(f"kernel_diff: case {c.name}: {e}", file=sys.stderr)
            status = runner.ERROR
        except KeyboardInterrupt as e:
            print(f"kernel_diff: interrupted ({e or 'SIGINT'}); namespaces removed", file=sys.stderr)
            return 130
        worst = max(worst, status)
    return worst


if __name__ == "__main__":
    sys.exit(main())
