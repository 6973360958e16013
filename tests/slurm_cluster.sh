#!/usr/bin/env bash
# A real SLURM run of a sweep, checked against a one-machine run.
#   usage: tests/slurm_cluster.sh PATH/TO/spikegym          (ctest runs it: make test)
# Inside its own network namespace (unshare -n: nothing can leave the machine), starts a one-node
# cluster on loopback from a temporary directory (munged, slurmctld, slurmd as plain processes,
# no systemd, nothing in /etc), submits a 6-run sweep with `spikegym submit --slurm --shards 3`,
# waits for the array, stops every daemon by its PID, and checks that every episodes.csv (the
# wall_s column aside), config.yaml and the manifest equal those of `spikegym run -j 1`. The
# results folder has a space and a '%' in its path and --partition/--time/--mem are given, so
# sbatch's reading of the quoted #SBATCH lines is checked for real (the logs must land there); a
# --partition holding a newline and a command must be refused (exit 2) and run nothing.
# Needs root (unshare -n, daemons) and Debian's slurmctld slurmd slurm-client munge.
set -euo pipefail
BIN=$(readlink -f "$1")
for tool in unshare ip slurmctld slurmd munged mungekey sbatch squeue scontrol sinfo; do
  command -v "$tool" >/dev/null || { echo "slurm test: missing $tool (make test installs it)"; exit 1; }
done
if [ -z "${SPIKEGYM_IN_NETNS:-}" ]; then
  exec unshare -n env SPIKEGYM_IN_NETNS=1 bash "$0" "$@"
fi
# Loopback only; 127.0.0.2 too, or glibc's AI_ADDRCONFIG resolves nothing and the daemons die.
ip link set lo up
ip addr add 127.0.0.2/8 dev lo

DIR=$(mktemp -d)
chmod go+x "$DIR"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$DIR"
}
trap cleanup EXIT
fail() { echo "slurm test: $*"; for f in "$DIR"/log/*; do echo "--- $f"; tail -5 "$f"; done; exit 1; }
alive() { kill -0 "$1" 2>/dev/null; }

mkdir -p "$DIR/munge" "$DIR/run" "$DIR/state" "$DIR/spool" "$DIR/log" "$DIR/work"
chmod 0700 "$DIR/munge"
chmod 0755 "$DIR/run"
mungekey --create --keyfile="$DIR/munge/munge.key" >/dev/null 2>&1
munged -F --socket="$DIR/run/munge.socket" --key-file="$DIR/munge/munge.key" \
  --pid-file="$DIR/run/munged.pid" --log-file="$DIR/log/munged.log" \
  --seed-file="$DIR/munge/seed" 2>>"$DIR/log/munged.stderr" &
PIDS+=($!)
for _ in $(seq 100); do [ -S "$DIR/run/munge.socket" ] && break; sleep 0.05; done
[ -S "$DIR/run/munge.socket" ] || fail "munged did not start"

USER_NAME=$(id -un)
CPUS=$(nproc)
MEM_MB=$(( $(free -m | awk '/^Mem:/ {print $2}') - 1000 ))
: > "$DIR/plugstack.conf"
cat > "$DIR/slurm.conf" <<CONF
ClusterName=ci
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=6817
SlurmdPort=6818
CommunicationParameters=NoInAddrAny
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/run/munge.socket,cred_expire=10
SlurmUser=$USER_NAME
SlurmdUser=$USER_NAME
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
PlugStackConfig=$DIR/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=1
EnforcePartLimits=ALL
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS Boards=1 SocketsPerBoard=1 CoresPerSocket=$CPUS ThreadsPerCore=1 RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$DIR/slurm.conf"
# Never call a Slurm client without a readable config (it would go looking on the network).
[ -r "$SLURM_CONF" ] || fail "no readable SLURM_CONF"

slurmctld -D -f "$SLURM_CONF" >/dev/null 2>&1 &
CTLD=$!
PIDS+=($CTLD)
for _ in $(seq 100); do
  alive "$CTLD" || fail "slurmctld died"
  timeout 5 scontrol ping 2>/dev/null | grep -q UP && break
  sleep 0.1
done
slurmd -D -f "$SLURM_CONF" -N localhost >/dev/null 2>&1 &
SLURMD=$!
PIDS+=($SLURMD)
for _ in $(seq 200); do
  alive "$CTLD" || fail "slurmctld died"
  alive "$SLURMD" || fail "slurmd died"
  [ "$(timeout 5 sinfo -h -N -o %T 2>/dev/null)" = idle ] && break
  sleep 0.1
done
[ "$(timeout 5 sinfo -h -N -o %T)" = idle ] || fail "the node never became idle"

cd "$DIR/work"
cat > sweep.yaml <<'YAML'
name: slurm_check
env: {id: CartPole-v1}
agent: {type: snn, output_size: 8}
train: {episodes: 8}
seeds: 3
sweep:
  grid:
    agent.learning_rule: [rstdp, mstdp]
YAML
# A hostile value must be refused before anything reaches sbatch: a newline would start a shell
# line of the job script. The marker is checked again once the real job has run.
MARKER="$DIR/work/pwned"
rc=0
"$BIN" submit sweep.yaml --slurm --partition "debug
touch $MARKER" --out "$DIR/work/hostile" > hostile.out 2> hostile.err || rc=$?
[ "$rc" -eq 2 ] || fail "a partition with a newline gave exit code $rc, expected 2"
[ "$(wc -l < hostile.err)" -eq 1 ] && grep -qF -- "--partition 'debug\\ntouch " hostile.err \
  || fail "expected a one-line error naming --partition, got: $(cat hostile.err)"
[ ! -e "$MARKER" ] && [ ! -e "$DIR/work/hostile" ] || fail "the hostile submit left files behind"
[ -z "$(timeout 5 squeue -h -o %i)" ] || fail "the hostile submit queued a job"

# The results folder has a space and a '%' in its path (#SBATCH --output is double-quoted, '%'
# written as %%), and the scheduler options are given, so sbatch reads all of them for real.
OUT="$DIR/work/cluster out 100%"
"$BIN" submit sweep.yaml --slurm --shards 3 --cpus-per-task 1 --partition debug --time 10 \
  --mem 100M --out "$OUT" > submit.out || fail "submit failed: $(cat submit.out)"
JOB=$(awk '/^submitted job/ {print $3}' submit.out | tr -d ':')
[ -n "$JOB" ] || fail "no job id in: $(cat submit.out)"
for _ in $(seq 1200); do
  [ -z "$(timeout 5 squeue -h -j "$JOB" -o %i 2>/dev/null)" ] && break
  sleep 0.25
done
[ -z "$(timeout 5 squeue -h -j "$JOB" -o %i 2>/dev/null)" ] || fail "job $JOB did not finish in 300 s"
STATES=$(timeout 5 scontrol -o show job "$JOB" | grep -o 'JobState=[A-Z]*' | sort | uniq -c)
echo "array tasks: $STATES"
[ "$(echo "$STATES" | grep -c COMPLETED)" -eq 1 ] && echo "$STATES" | grep -q " 3 JobState=COMPLETED" \
  || fail "not every task completed: $STATES"
timeout 5 scontrol -o show job "$JOB" | grep -q 'TimeLimit=00:10:00 .*MinMemoryNode=100M' \
  || fail "--time 10 or --mem 100M did not reach the job: $(timeout 5 scontrol -o show job "$JOB")"
# Every task's log where the script says, in the folder with the space (nothing truncated at it).
for k in 0 1 2; do
  [ -s "$OUT/slurm_check/slurm/${JOB}_$k.out" ] || fail "no log of task $k in $OUT/slurm_check/slurm"
done
[ "$(find "$DIR/work" -name "${JOB}_*.out" | wc -l)" -eq 3 ] || fail "logs elsewhere too"
[ ! -e "$MARKER" ] || fail "the hostile partition value ran a command"
"$BIN" status "$OUT/slurm_check"

"$BIN" run sweep.yaml -j 1 --out "$DIR/work/local" > /dev/null 2>&1 || fail "local run failed"
local_root="$DIR/work/local/slurm_check"
cluster_root="$OUT/slurm_check"
cmp "$local_root/manifest.csv" "$cluster_root/manifest.csv" || fail "manifests differ"
n=0
for d in "$local_root"/*/; do
  id=$(basename "$d")
  cmp "$d/config.yaml" "$cluster_root/$id/config.yaml" || fail "config.yaml of $id differs"
  cmp <(cut -d, -f1-5,7- "$d/episodes.csv") <(cut -d, -f1-5,7- "$cluster_root/$id/episodes.csv") \
    || fail "episodes.csv of $id differs"
  n=$((n + 1))
done
[ "$n" -eq 6 ] || fail "expected 6 runs, compared $n"
echo "slurm test: 6 runs from 3 array tasks (logs in a folder with a space) equal the one-machine run;"
echo "slurm test: a partition holding a newline was refused with exit 2 and ran nothing"
