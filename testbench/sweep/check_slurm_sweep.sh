#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A real cluster: starts a private single-node Slurm cluster (Debian's slurm-wlm and munge;
# own key, socket, ports, state and logs in a temporary folder), submits a sweep of the
# matrix as a job array with the merge as a dependent job (flowsim sweep --backend slurm
# --submit --wait), and checks that every cell ran as an array task and that the merged
# report is byte-identical to the local backend's. Every daemon it started is stopped by its
# pid, on success and on failure. Exit 77 (CTest: skipped) with the reason where it cannot
# run: not root, or the packages are missing.
# usage: check_slurm_sweep.sh FLOWSIM MATRIX WORKDIR
set -euo pipefail
FLOWSIM=$(realpath "$1") MATRIX=$(realpath "$2") WORK=$3
skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "a Slurm cluster needs root (slurmctld and slurmd run as root, munged as munge)"
for p in munged munge unmunge slurmctld slurmd sbatch sinfo squeue scancel; do
  command -v "$p" > /dev/null || skip "$p not found: apt-get install --no-install-recommends slurm-wlm munge"
done
id munge > /dev/null 2>&1 || skip "no user 'munge' (apt-get install munge)"

rm -rf "$WORK" && mkdir -p "$WORK"
T=$(mktemp -d /tmp/flowsim-slurm.XXXXXX)
chmod 755 "$T"
export SLURM_CONF=$T/slurm.conf
HOST=$(hostname -s)

stop_pid() {  # pid file, name: SIGTERM, up to 10 s, then SIGKILL
  [ -s "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  kill "$pid" 2> /dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2> /dev/null || return 0; sleep 0.1; done
  echo "$2 ($pid) did not stop; killing it" >&2
  kill -9 "$pid" 2> /dev/null || true
}
cleanup() {
  local rc=$?
  if [ -s "$T/slurmctld.pid" ]; then
    scancel --full "--clusters=flowsimtest" --user=root > /dev/null 2>&1 || scancel --user=root > /dev/null 2>&1 || true
  fi
  stop_pid "$T/slurmd.pid" slurmd
  stop_pid "$T/slurmctld.pid" slurmctld
  stop_pid "$T/munge/munged.pid" munged
  if [ $rc != 0 ]; then
    for log in slurmctld.log slurmd.log munge/munged.log; do
      [ -f "$T/$log" ] && { echo "--- $log (last lines)"; tail -n 20 "$T/$log"; } >&2
    done
  fi
  cp -r "$T"/*.log "$WORK/" 2> /dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT

# munge: a private daemon with its own key and socket, as user munge.
# munged wants its socket's folder open to all and its key readable by itself alone.
mkdir -p "$T/munge/key"
dd if=/dev/urandom of="$T/munge/key/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$T/munge"
chmod 755 "$T/munge"
chmod 700 "$T/munge/key"
chmod 400 "$T/munge/key/munge.key"
SOCKET=$T/munge/munge.socket
su -s /bin/sh munge -c "munged --key-file=$T/munge/key/munge.key --socket=$SOCKET --pid-file=$T/munge/munged.pid \
  --log-file=$T/munge/munged.log --seed-file=$T/munge/key/munged.seed" || fail "munged did not start"
munge -S "$SOCKET" -n | unmunge -S "$SOCKET" | grep -q "STATUS: *Success" || fail "munge round trip failed"

# Two free TCP ports for slurmctld and slurmd.
read -r CTLD_PORT SLURMD_PORT < <(/usr/bin/python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
mkdir -p "$T/state" "$T/spool"
cat > "$SLURM_CONF" << CONF
ClusterName=flowsimtest
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=60
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1,batch_sched_delay=0
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=main Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF" -i || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" || fail "slurmd did not start"
for _ in $(seq 300); do
  [ "$(sinfo -h -o %T 2> /dev/null)" = idle ] && break
  sleep 0.1
done
[ "$(sinfo -h -o %T)" = idle ] || fail "the node is not idle: $(sinfo 2>&1)"

# The sweep on the cluster: an array of one task per cell, then the merge after it.
"$FLOWSIM" sweep "$MATRIX" --out "$WORK/slurm" --backend slurm --submit --wait > "$WORK/slurm.txt" 2>&1 \
  || fail "slurm sweep exited $?: $(cat "$WORK/slurm.txt")"
cells=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["cells"]))' "$WORK/slurm/plan.json")
[ "$cells" -ge 12 ] || fail "the matrix has $cells cells, fewer than 12"
grep -q "^submitted array job [0-9]* ($cells cells)" "$WORK/slurm.txt" || fail "$(cat "$WORK/slurm.txt")"
grep -q "$cells cells: $cells passed, 0 failed, 0 errors, 0 missing" "$WORK/slurm.txt" || fail "$(cat "$WORK/slurm.txt")"
[ "$(ls "$WORK"/slurm/slurm/cell-*.log | wc -l)" = "$cells" ] || fail "not one array task log per cell"
grep -l "^cell [0-9]* (.*): passed (exit 0)" "$WORK"/slurm/slurm/cell-*.log | wc -l | grep -qx "$cells" \
  || fail "an array task did not run its cell"
[ -s "$WORK/slurm/slurm/merge.log" ] || fail "the merge job wrote no log"

# The same matrix on the local backend merges to the same bytes.
"$FLOWSIM" sweep "$MATRIX" --out "$WORK/local" > "$WORK/local.txt" || fail "local sweep exited $?"
cmp "$WORK/slurm/merged.json" "$WORK/local/merged.json" || fail "Slurm and local merged reports differ"
cmp "$WORK/slurm/merged.txt" "$WORK/local/merged.txt" || fail "Slurm and local merged tables differ"
cat "$WORK/slurm.txt"
echo "slurm sweep: OK ($cells cells on a single-node cluster, merged report identical to the local backend's)"
