# SPDX-License-Identifier: Apache-2.0
"""One case of the differential, end to end: flowsim's replay (with hardware offload as the
scenario says, and with software flowtables only), the same frames through the kernel's
router, and the comparison of every egress port."""

import pathlib
import shutil
import subprocess
import time

import yaml

from . import cases, compare, frames, lab, pcapio, ruleset, scenario, wire

SKIP = 77      # CTest SKIP_RETURN_CODE: no namespaces here
DIFFER = 1
ERROR = 2
# A veth refuses frames longer than the receiving device's MTU + Ethernet header + one VLAN
# tag (is_skb_forwardable).
VETH_SLACK = 14 + 4


class CaseFailure(Exception):
    pass


class Runner:
    def __init__(self, case, flowsim, work, log=print, verbose=False, kernel_only=False):
        self.kernel_only = kernel_only
        self.case = case
        self.flowsim = pathlib.Path(flowsim)
        self.work = pathlib.Path(work)
        self.log = log
        self.verbose = verbose

    # -- inputs ---------------------------------------------------------------------------------
    def _inputs(self, sc):
        """The case's input frames per port (exclusions applied), written for flowsim too."""
        by_port = {}
        left_out = {(x.port, x.index): x.why for x in self.case.exclude}
        for port, path in sc.traffic.items():
            records = pcapio.read(path)
            for (p, idx), why in left_out.items():
                if p == port and not 1 <= idx <= len(records):
                    raise CaseFailure(f"exclusion {port}:{idx}: {path} has {len(records)} packets")
            by_port[port] = [r for i, r in enumerate(records, 1) if (port, i) not in left_out]
        for (p, idx), why in sorted(left_out.items()):
            if p not in by_port:
                raise CaseFailure(f"exclusion {p}:{idx}: the scenario has no traffic on port {p}")
            self.log(f"  left out: {p} #{idx} ({why})")
        indir = self.work / "input"
        indir.mkdir(parents=True, exist_ok=True)
        for port, records in by_port.items():
            for i, r in enumerate(records, 1):
                if len(r.frame) < r.wire_len:
                    raise CaseFailure(f"{sc.traffic[port]}: packet {i} is truncated ({len(r.frame)} of "
                                      f"{r.wire_len} bytes captured): it cannot be sent to the kernel")
            pcapio.write(indir / f"{port}.pcap", records)
        return by_port

    def _derived_scenario(self, sc, name, ruleset_path):
        doc = dict(sc.raw)
        doc["traffic"] = [{"port": p, "pcap": str(self.work / "input" / f"{p}.pcap")} for p in sc.traffic]
        if ruleset_path is not None:
            doc["ruleset"] = str(ruleset_path)
        path = self.work / f"{name}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
        return path

    # -- flowsim ------------------------------------------------------------------------------
    def _flowsim(self, sc):
        """{variant: {port: [frames]}}: "hw" as the scenario says; "sw" with the flowtables'
        `flags offload` removed (when there was one to remove)."""
        variants = {"hw": sc.ruleset}
        if sc.ruleset is not None:
            text = sc.ruleset.read_text()
            sw_text, changed = ruleset.software_only(text)
            if changed:
                path = self.work / ("ruleset-sw" + sc.ruleset.suffix)
                path.write_text(sw_text)
                variants["sw"] = path
        out = {}
        for name, rs in variants.items():
            scen = self._derived_scenario(sc, f"scenario-{name}", rs)
            outdir = self.work / f"flowsim-{name}"
            shutil.rmtree(outdir, ignore_errors=True)
            p = subprocess.run([str(self.flowsim), "replay", str(scen), "--out", str(outdir), "--quiet"],
                               capture_output=True, text=True)
            if p.returncode != 0:
                raise CaseFailure(f"flowsim replay {scen} failed (exit {p.returncode}):\n{p.stderr.strip()}")
            out[name] = {}
            for port in sc.ports:
                f = outdir / f"{port.name}.pcap"
                out[name][port.name] = [r.frame for r in pcapio.read(f)] if f.exists() else []
        return out

    # -- the kernel -----------------------------------------------------------------------------
    def _kernel(self, sc, inputs, expected):
        """{port: [frames]} the kernel sent, each padded to the Ethernet minimum."""
        rs_path, rs_json = None, False
        if sc.ruleset is not None:
            text = sc.ruleset.read_text()
            rs_json = ruleset.is_json(text)
            stripped, removed = ruleset.for_kernel(text)
            rs_path = self.work / ("ruleset-kernel" + (".json" if rs_json else ".nft"))
            rs_path.write_text(stripped)
            if removed:
                self.log(f"  kernel ruleset without flowtables: removed {'; '.join(removed)}")
        # In timestamp order; frames with the same timestamp in port order, then file order.
        order = {p.name: n for n, p in enumerate(sc.ports)}
        sequence = sorted(((r.t_ns, i, port, r.frame) for port, recs in inputs.items()
                           for i, r in enumerate(recs)), key=lambda x: (x[0], order[x[2]], x[1]))
        mtu = {p.name: p.mtu for p in sc.ports}
        for t, i, port, fr in sequence:
            if len(fr) > mtu[port] + VETH_SLACK:
                raise CaseFailure(f"{port} #{i + 1}: a {len(fr)}-byte frame cannot enter a veth of MTU "
                                  f"{mtu[port]} (at most {mtu[port] + VETH_SLACK} bytes); exclude it")
        comparator = compare.Comparator(self.case.masks, sc.addresses())
        learn = "l4.port" in self.case.masks
        got = {p.name: [] for p in sc.ports}
        with lab.Lock(log=self.log), lab.signals_raise():
            lab.remove_stale(self.log)
            with lab.Lab(sc, self.log) as lb:
                lb.build(rs_path, rs_json)
                supported, why = lb.flowtable_supported()
                self.log("  kernel: nf_flow_table " + ("present (flowtables stripped all the same)" if supported
                                                       else f"absent ({why.splitlines()[0] if why else 'refused'})"))
                w = wire.Wire(lb)
                try:
                    chatter = w.wait_quiet()
                    n = sum(len(v) for v in chatter.values())
                    if n:
                        kinds = sorted({frames.summary(f).split(",")[0] for v in chatter.values() for f in v})
                        self.log(f"  router start-up frames before any input, not compared: {n} "
                                 f"({'; '.join(kinds)[:200]})")
                    wire.pin_to_one_cpu()
                    start = time.monotonic()
                    t0 = sequence[0][0] if sequence else 0
                    for t, i, port, fr in sequence:
                        if self.case.timing == "recorded":
                            delay = start + (t - t0) / 1e9 - time.monotonic()
                            if delay > 0:
                                time.sleep(delay)
                        if learn:
                            fr = compare.readdress(fr, comparator.portmap, sc.addresses())
                        w.send(port, fr)
                        w.settle()
                        for p, new in w.drain().items():
                            for k in new:
                                k = compare.pad(k)
                                j = len(got[p])
                                got[p].append(k)
                                exp = expected.get(p, [])
                                if learn and j < len(exp) and comparator.normalise(exp[j]) == comparator.normalise(k):
                                    comparator.compare(exp[j], k)
                    time.sleep(0.05)
                    w.settle()
                    for p, new in w.drain().items():
                        got[p] += [compare.pad(k) for k in new]
                    lost = w.dropped()
                    if lost:
                        raise CaseFailure(f"capture sockets dropped frames: {lost}")
                    self.log(f"  kernel: {len(sequence)} frames injected in {time.monotonic() - start:.2f} s")
                finally:
                    w.close()
                for what in ("conntrack", "ruleset", "links"):
                    (self.work / f"kernel-{what}.txt").write_text(lb.dump(what))
        kdir = self.work / "kernel"
        kdir.mkdir(exist_ok=True)
        for p, frs in got.items():
            pcapio.write(kdir / f"{p}.pcap", [pcapio.Record(0, f, len(f)) for f in frs])
        return got

    # -- all of it ------------------------------------------------------------------------------
    def run(self):
        """0 when every port of every flowsim variant matches the kernel, DIFFER otherwise."""
        lab.check_available()
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        sc = scenario.load(self.case.scenario)
        self.log(f"case {self.case.name}: {sc.file}")
        if self.case.traffic:
            sc.traffic = {}
            for p in sc.ports:
                path = cases.REPO / self.case.traffic.format(port=p.name)
                if path.exists():
                    sc.traffic[p.name] = path
            if not sc.traffic:
                raise CaseFailure(f"no file matches {self.case.traffic}")
        inputs = self._inputs(sc)
        if self.kernel_only:
            kernel_out = self._kernel(sc, inputs, {})
            for p in sc.ports:
                self.log(f"  {p.name}: the kernel sent {len(kernel_out[p.name])}")
                for n, fr in enumerate(kernel_out[p.name], 1):
                    self.log(f"    #{n} {frames.summary(fr)}")
            self.log(f"  outputs in {self.work}")
            return 0
        flowsim_out = self._flowsim(sc)
        kernel_out = self._kernel(sc, inputs, flowsim_out["hw"])
        status = 0
        for port, want in sorted(self.case.frames.items()):
            if len(kernel_out.get(port, [])) != want:
                self.log(f"  the kernel sent {len(kernel_out.get(port, []))} frames on {port}, the case says {want}: "
                         "the trace or the kernel changed")
                status = DIFFER
        for variant, per_port in flowsim_out.items():
            label = {"hw": "flowsim (hardware offload as in the scenario)",
                     "sw": "flowsim (flowtables without flags offload)"}[variant]
            comparator = compare.Comparator(self.case.masks, sc.addresses())
            results = [compare.compare_port(p.name, per_port[p.name], kernel_out[p.name], comparator)
                       for p in sc.ports]
            same = sum(r.identical for r in results)
            total = sum(r.total for r in results)
            verdict = "IDENTICAL" if same == total else "DIFFERENT"
            self.log(f"  {label} vs kernel: {same} of {total} frames identical "
                     f"(masks: {', '.join(self.case.masks)}) {verdict}")
            for r in results:
                lines = compare.render(r)
                self.log("\n".join(lines if r.differences or self.verbose else lines[:1]))
            if same != total:
                status = DIFFER
        self.log(f"  outputs in {self.work}")
        return status
