#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A long trace sharded: the generated edge-router trace (thousands of overlapping flows, a
# flow table too small for them) replayed as 4 conversation shards by a sweep, merged, and
# compared with the same trace replayed whole. Exact: every conversation leaves with the
# same frames in the same order, every packet is accounted for once (same packets in, same
# drops by reason, same router-generated packets), the merged pcaps hold every frame in
# timestamp order. Approximate, and printed as measured: hardware vs software per
# conversation (each shard has the whole table to itself), timestamps, punts.
# usage: check_sharded_replay.sh FLOWSIM MAKE_TRACE SCENARIO WORKDIR [FLOWS]
set -euo pipefail
FLOWSIM=$(realpath "$1") MAKE_TRACE=$(realpath "$2") SCENARIO=$(realpath "$3") WORK=$4 FLOWS=${5:-2000}
PY=/usr/bin/python3
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK"

"$MAKE_TRACE" "$WORK/trace" --flows "$FLOWS" --seconds 1 --seed 7 > "$WORK/trace.txt"
cat > "$WORK/matrix.yaml" << EOF2
name: long_sharded
scenarios: [$SCENARIO]
traffic:
  - {name: long, ports: {lan: trace/lan.pcap, wan: trace/wan.pcap}}
shards: 4
EOF2
"$FLOWSIM" sweep "$WORK/matrix.yaml" --out "$WORK/sharded" -j 2 > "$WORK/sweep.txt" || fail "sharded sweep: $(cat "$WORK/sweep.txt")"
grep -q "4 cells: 4 passed" "$WORK/sweep.txt" || fail "$(cat "$WORK/sweep.txt")"
GROUP=edge_router_long_shards=4
CELL=edge_router_long_shard
[ -s "$WORK/sharded/merged/$GROUP/report.json" ] || fail "no merged report for $GROUP"
"$FLOWSIM" replay "$WORK/sharded/cells/${CELL}=0of4/scenario.yaml" --out "$WORK/whole" --quiet \
  || fail "unsharded replay exited $?"

set +e
"$FLOWSIM" compare "$WORK/sharded/merged/$GROUP" "$WORK/whole" --json "$WORK/compare.json" > "$WORK/compare.txt"
rc=$?
set -e
cat "$WORK/trace.txt" "$WORK/compare.txt"
[ $rc = 0 ] || fail "a conversation left with other frames when sharded (compare exited $rc)"

$PY - "$WORK" "$GROUP" "$CELL" << 'PYEOF'
import json, struct, sys, os
work, group, cell = sys.argv[1], sys.argv[2], sys.argv[3]
merged = json.load(open(f"{work}/sharded/merged/{group}/report.json"))
whole = json.load(open(f"{work}/whole/report.json"))
cmp = json.load(open(f"{work}/compare.json"))
shards = [json.load(open(f"{work}/sharded/cells/{cell}={k}of4/report.json")) for k in range(4)]
# Exact: every packet once, the same fates that do not depend on shared resources.
assert merged["packets_in"] == whole["packets_in"] == sum(s["packets_in"] for s in shards), (merged["packets_in"], whole["packets_in"])
assert all(s["packets_in"] > 0 for s in shards)
assert merged["accounted"] and whole["accounted"]
assert merged["dropped"] == whole["dropped"] and merged["drops"] == whole["drops"], (merged["drops"], whole["drops"])
assert merged["generated_sw"] == whole["generated_sw"]
assert merged["forwarded_hw"] + merged["forwarded_sw"] == whole["forwarded_hw"] + whole["forwarded_sw"]
assert cmp["frames_identical"] and cmp["conversations"] > 1000, cmp
for p, q in zip(merged["ports"], whole["ports"]):
    assert p["name"] == q["name"] and p["tx_packets"] == q["tx_packets"] and p["tx_bytes"] == q["tx_bytes"], (p, q)
    assert p["rx_packets"] == q["rx_packets"]
# The merged pcaps: every frame, timestamps never going back.
def records(path):
    with open(path, "rb") as f:
        data = f.read()
    off, ts, n = 24, [], 0
    while off < len(data):
        sec, frac, incl, orig = struct.unpack_from("<IIII", data, off)
        ts.append(sec * 10**9 + frac)
        off += 16 + incl
    return ts
for port in ("lan", "wan"):
    ts = records(f"{work}/sharded/merged/{group}/{port}.pcap")
    assert ts == sorted(ts), f"{port}.pcap is not in timestamp order"
    assert len(ts) == len(records(f"{work}/whole/{port}.pcap"))
# The table filled in the whole replay: this is the case sharding makes approximate.
refused = sum(whole.get("offload_refused", {}).values())
assert refused > 0, "the trace did not fill the table"
print(f"measured: hit rate whole {100*whole['offload_hit_rate']:.1f} %, sharded {100*merged['offload_hit_rate']:.1f} %; "
      f"offload refusals whole {refused}, sharded {sum(merged.get('offload_refused', {}).values())}; "
      f"conversations with identical timestamps {cmp['same_times']}/{cmp['conversations']}, "
      f"punted as often {cmp['same_punts']}/{cmp['punted_conversations']}")
PYEOF
echo "sharded replay: OK"
