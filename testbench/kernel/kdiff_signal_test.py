#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A kernel differential stopped by SIGTERM while it runs removes every namespace it made:
starts `kernel_diff.py run bulk`, waits until its namespaces exist, signals it, and checks
that it exits with 130 and leaves nothing behind. Exit 0 pass, 1 fail, 77 skipped (no
network namespaces here)."""

import argparse
import pathlib
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from kdiff import lab  # noqa: E402


def namespaces(prefix):
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.split() and line.split()[0].startswith(prefix)]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--flowsim", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    try:
        lab.check_available()
    except lab.Unavailable as e:
        print(f"SKIPPED: {e}")
        return 77
    child = subprocess.Popen([sys.executable, str(HERE / "kernel_diff.py"), "run", "bulk", "--flowsim", args.flowsim,
                              "--work", args.work], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    prefix = f"{lab.PREFIX}{child.pid}"
    deadline = time.monotonic() + 240
    made = []
    while time.monotonic() < deadline and child.poll() is None:
        made = namespaces(prefix)
        if len(made) >= 4:   # the router and the three host sides of router.yaml
            break
        time.sleep(0.02)
    if len(made) < 4:
        child.kill()
        print(f"FAIL: the run made no namespaces {prefix}* (exit {child.wait()}):\n{child.stdout.read()}")
        return 1
    time.sleep(0.2)
    child.send_signal(signal.SIGTERM)
    try:
        out, _ = child.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        child.kill()
        print("FAIL: the run did not stop within 60 s of SIGTERM")
        return 1
    left = namespaces(prefix)
    print(out)
    print(f"namespaces while running: {made}; after SIGTERM: {left}; exit status {child.returncode}")
    if left or child.returncode != 130:
        print("FAIL: expected exit status 130 and no namespaces left")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
