#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# CTest rtl/spec_generator_rejects: runs gen_hw.py --check on each bad_*.yaml here and checks
# that it exits 1 with the error its first line names ("# expect: LINE: TEXT" = an error at
# file:LINE containing TEXT), and that the real spec passes, so that a generator that rejects
# everything cannot pass this test.
"""Usage: run_rejects.py GEN_HW_PY GOOD_SPEC_YAML TESTS_DIR"""

import subprocess
import sys
from pathlib import Path


def run(generator, spec):
    return subprocess.run([sys.executable, str(generator), str(spec), "--check"],
                          capture_output=True, text=True, check=False)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    generator, good, tests = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    failures = []
    result = run(generator, good)
    if result.returncode != 0:
        failures.append(f"{good}: expected success, got {result.returncode}:\n{result.stderr}")
    cases = sorted(tests.glob("bad_*.yaml"))
    if not cases:
        failures.append(f"no bad_*.yaml in {tests}")
    for case in cases:
        first = case.read_text(encoding="utf-8").splitlines()[0]
        if not first.startswith("# expect: "):
            failures.append(f"{case}: first line must be '# expect: LINE: TEXT'")
            continue
        line, text = first[len("# expect: "):].split(": ", 1)
        want = f"{case}:{line}: error: "
        result = run(generator, case)
        hit = any(l.startswith(want) and text in l for l in result.stderr.splitlines())
        if result.returncode != 1 or not hit or "Traceback" in result.stderr:
            failures.append(f"{case.name}: expected exit 1 and '{want}...{text}', got exit "
                            f"{result.returncode}:\n{result.stderr}")
        else:
            print(f"ok  {case.name}: {text}")
    for f in failures:
        print(f"FAIL {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
