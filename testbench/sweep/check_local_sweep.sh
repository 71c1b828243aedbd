#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# flowsim sweep with the local backend, end to end: every cell is one replay (its report is
# byte-identical to `flowsim replay` of the cell's scenario), finished cells are skipped on a
# rerun, a removed marker runs exactly that cell again, cells run one by one as job-array
# tasks (index from SLURM_ARRAY_TASK_ID / JOB_COMPLETION_INDEX) merge to the same report, a
# partial sweep merges with the missing cells named, and a bad matrix names file:line:col.
# usage: check_local_sweep.sh FLOWSIM MATRIX WORKDIR
set -euo pipefail
FLOWSIM=$(realpath "$1") MATRIX=$(realpath "$2") WORK=$3
PY=/usr/bin/python3
rm -rf "$WORK" && mkdir -p "$WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. The whole matrix, two at a time.
"$FLOWSIM" sweep "$MATRIX" --out "$WORK/local" -j 2 > "$WORK/local.txt" || fail "local sweep exited $?"
grep -q "12 cells: 12 passed, 0 failed, 0 errors, 0 missing" "$WORK/local.txt" || fail "not 12 passed: $(cat "$WORK/local.txt")"
for f in plan.json merged.json merged.txt junit.xml plot.svg; do [ -s "$WORK/local/$f" ] || fail "no $f"; done
[ "$(grep -c '<testcase ' "$WORK/local/junit.xml")" = 12 ] || fail "junit.xml has not 12 test cases"
$PY - "$WORK/local/merged.json" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["cells"] == 12 and m["passed"] == 12 and len(m["rows"]) == 12, m
ids = [r["id"] for r in m["rows"]]
assert len(set(ids)) == 12
for r in m["rows"]:
    rep = r["report"]
    assert r["status"] == "passed" and rep["accounted"] is True
    # The bundled trace: 58 packets in, every one accounted for in every cell.
    assert rep["packets_in"] == 58 and rep["forwarded_hw"] + rep["forwarded_sw"] + rep["dropped"] == 58, rep
    assert abs(r["hit_rate"] - rep["forwarded_hw"] / 58) < 1e-12
PYEOF

# 2. A cell is exactly one replay of its generated scenario.
cell=$(ls "$WORK/local/cells" | head -n 1)
"$FLOWSIM" replay "$WORK/local/cells/$cell/scenario.yaml" --out "$WORK/direct" --quiet || fail "direct replay"
cmp "$WORK/direct/report.json" "$WORK/local/cells/$cell/report.json" || fail "cell report differs from a direct replay"
cmp "$WORK/direct/lan.pcap" "$WORK/local/cells/$cell/lan.pcap" || fail "cell pcap differs from a direct replay"

# 3. A rerun skips every finished cell; a removed marker reruns exactly that cell.
stamp=$(stat -c %Y.%N "$WORK/local/cells/$cell/cell.json")
"$FLOWSIM" sweep "$MATRIX" --out "$WORK/local" > "$WORK/rerun.txt" || fail "rerun exited $?"
grep -q "^12 of 12 cells already finished, skipped" "$WORK/rerun.txt" || fail "rerun did not skip: $(cat "$WORK/rerun.txt")"
[ "$(stat -c %Y.%N "$WORK/local/cells/$cell/cell.json")" = "$stamp" ] || fail "a finished cell was rewritten"
rm "$WORK/local/cells/$cell/cell.json"
"$FLOWSIM" sweep "$MATRIX" --out "$WORK/local" > "$WORK/rerun2.txt" || fail "second rerun exited $?"
grep -q "^11 of 12 cells already finished, skipped" "$WORK/rerun2.txt" || fail "$(cat "$WORK/rerun2.txt")"
[ "$(grep -c "^\[1/1\] cell [0-9]* $cell: passed" "$WORK/rerun2.txt")" = 1 ] || fail "not exactly $cell rerun: $(cat "$WORK/rerun2.txt")"

# 4. Cells one by one, as array tasks would run them, then a merge: the same report.
SLURM_ARRAY_TASK_ID=7 "$FLOWSIM" sweep "$MATRIX" --out "$WORK/tasks" --cell > /dev/null || fail "cell from SLURM_ARRAY_TASK_ID"
[ "$(ls "$WORK"/tasks/cells/*/cell.json | wc -l)" = 1 ] || fail "--cell ran more than one cell"
"$FLOWSIM" merge "$WORK/tasks" > "$WORK/partial.txt" && fail "a partial merge exited 0"
grep -q "12 cells: 1 passed, 0 failed, 0 errors, 11 missing" "$WORK/partial.txt" || fail "$(cat "$WORK/partial.txt")"
[ "$(grep -c '<error ' "$WORK/tasks/junit.xml")" = 11 ] || fail "missing cells are not JUnit errors"
for i in 0 1 2 3 4 5 6 8 9 10 11; do
  if [ $((i % 2)) = 0 ]; then
    JOB_COMPLETION_INDEX=$i "$FLOWSIM" sweep "$MATRIX" --out "$WORK/tasks" --cell > /dev/null || fail "cell $i"
  else
    "$FLOWSIM" sweep "$MATRIX" --out "$WORK/tasks" --cell $i > /dev/null || fail "cell $i"
  fi
done
SLURM_ARRAY_TASK_ID=7 "$FLOWSIM" sweep "$MATRIX" --out "$WORK/tasks" --cell | grep -q "already finished" || fail "finished cell rerun"
"$FLOWSIM" merge "$WORK/tasks" > /dev/null || fail "merge of all tasks exited $?"
cmp "$WORK/tasks/merged.json" "$WORK/local/merged.json" || fail "cells run one by one merge to another report"
cmp "$WORK/tasks/merged.txt" "$WORK/local/merged.txt" || fail "merged tables differ"
cmp "$WORK/tasks/plot.svg" "$WORK/local/plot.svg" || fail "plots differ"

# 5. Mistakes are named with their place.
"$FLOWSIM" sweep "$MATRIX" --out "$WORK/x" --cell 12 2> "$WORK/err.txt" && fail "cell 12 of 12 accepted"
grep -q "cell 12 does not exist (the matrix has 12 cells, 0..11)" "$WORK/err.txt" || fail "$(cat "$WORK/err.txt")"
printf 'scenarios: [%s]\nasic:\n  - {table_ways: 3}\n' "$(dirname "$MATRIX")/../home_router.yaml" > "$WORK/bad.yaml"
set +e
"$FLOWSIM" sweep "$WORK/bad.yaml" --out "$WORK/bad" 2> "$WORK/err.txt"; rc=$?
set -e
[ $rc = 2 ] || fail "bad matrix exited $rc"
grep -q "^flowsim: $WORK/bad.yaml:3:5: cell home_router_table_ways=3: asic.table_ways: must be 1, 2 or 4, not 3" "$WORK/err.txt" \
  || fail "$(cat "$WORK/err.txt")"

# 6. The Kubernetes manifest is written (its shape is checked by sweep_test).
"$FLOWSIM" sweep "$MATRIX" --out "$WORK/local" --backend kubernetes -j 3 > /dev/null || fail "kubernetes backend"
grep -q "completionMode: Indexed" "$WORK/local/kubernetes/job.yaml" || fail "no Indexed Job"
echo "local sweep: OK"
