#!/usr/bin/env bash
# A throwaway Slurm cluster on this machine (root only): slurmctld on the "login" side (the root network
# namespace), slurmd as host node1 in its own network + UTS namespace, munged by hand; everything under DIR,
# nothing in /etc (a private mount namespace bind-mounts DIR/hosts over /etc/hosts for the daemons only).
#   slurm-cluster.sh up DIR     start it; writes DIR/cluster.env (SLURM_CONF, NODE_ADDR, LOGIN_ADDR, NETNS, ...)
#   slurm-cluster.sh down DIR   stop every daemon by PID, kill what is left in the netns, delete it, unmount
# Names carry a per-run suffix and the subnet is one of 10.77.X.0/24 unused here, so parallel runs don't collide.
set -euo pipefail
cmd=${1:-}; D=${2:-}
[ -n "$cmd" ] && [ -n "$D" ] || { echo "usage: $0 up|down DIR" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "error: the test cluster needs root (network namespaces, mounts)" >&2; exit 1; }
mkdir -p "$D"; D=$(cd "$D" && pwd)

down() {
  [ -f "$D/cluster.env" ] || return 0
  # shellcheck disable=SC1091
  . "$D/cluster.env"
  local pids="" f p left
  # Read once: a daemon removes its pid file as it exits.
  for f in slurmctld.pid slurmd.pid munged.pid; do [ -s "$D/$f" ] && pids="$pids $(cat "$D/$f" 2>/dev/null)"; done
  for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 50); do
    left=0
    for p in $pids; do kill -0 "$p" 2>/dev/null && left=1; done
    [ $left -eq 0 ] && break; sleep 0.1
  done
  for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done
  # Jobs and their steps live in node1's network namespace: whatever is left there goes too.
  if ip netns list | grep -qw "$NETNS"; then
    for p in $(ip netns pids "$NETNS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    for _ in $(seq 50); do [ -z "$(ip netns pids "$NETNS" 2>/dev/null)" ] && break; sleep 0.1; done
    ip netns delete "$NETNS" 2>/dev/null || true
  fi
  ip link delete "$VETH" 2>/dev/null || true
  for m in "$D/ns/mnt" "$D/uts" "$D/ns"; do mountpoint -q "$m" 2>/dev/null && umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  rm -f "$D/cluster.env"
}

up() {
  local suffix=$$ net="" i
  for i in $(seq 0 40); do
    local x=$(( (suffix + i) % 200 + 20 ))
    ip -4 addr | grep -q "inet 10\.77\.$x\." || ip route | grep -q "10\.77\.$x\." || { net="10.77.$x"; break; }
  done
  [ -n "$net" ] || { echo "error: no free 10.77.X.0/24 subnet" >&2; exit 1; }
  local NETNS="jlrnode$suffix" VETH="jlrv$suffix" LOGIN_HOST; LOGIN_HOST=$(hostname -s)
  cat >"$D/cluster.env" <<ENV
NETNS=$NETNS
VETH=$VETH
LOGIN_ADDR=$net.1
NODE_ADDR=$net.2
LOGIN_HOST=$LOGIN_HOST
SLURM_CONF=$D/slurm.conf
CLUSTER_DIR=$D
MNTNS=$D/ns/mnt
UTSNS=$D/uts
ENV
  trap 'down; exit 1' ERR
  # Network: a veth pair, login side in the root namespace, node side eth0 in node1's namespace.
  ip netns add "$NETNS"
  ip link add "$VETH" type veth peer name "${VETH}n"
  ip link set "${VETH}n" netns "$NETNS"
  sysctl -qw "net.ipv6.conf.$VETH.disable_ipv6=1" || true
  ip addr add "$net.1/24" dev "$VETH"; ip link set "$VETH" up
  ip -n "$NETNS" link set "${VETH}n" name eth0
  ip netns exec "$NETNS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 || true
  ip -n "$NETNS" addr add "$net.2/24" dev eth0; ip -n "$NETNS" link set eth0 up; ip -n "$NETNS" link set lo up
  # Host name node1 in a UTS namespace kept alive by a bind mount on DIR/uts.
  touch "$D/uts"; unshare --uts="$D/uts" hostname node1
  # Name resolution for the daemons only: a mount namespace whose one change is DIR/hosts over /etc/hosts.
  printf '%s %s login\n%s node1\n' "$net.1" "$LOGIN_HOST" "$net.2" >"$D/hosts"
  mkdir -p "$D/ns"; mount --bind "$D/ns" "$D/ns"; mount --make-private "$D/ns"; touch "$D/ns/mnt"
  unshare --mount="$D/ns/mnt" --propagation slave mount --bind "$D/hosts" /etc/hosts
  local ports; ports=$(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1",0)) for x in s]; print(" ".join(str(x.getsockname()[1]) for x in s))')
  local ctldport=${ports% *} dport=${ports#* }
  # munged by hand, its socket world-reachable (jobs of other users authenticate through it).
  mkdir -p "$D/munge" "$D/spool" "$D/state" "$D/log"; chmod 755 "$D" "$D/munge"
  head -c 1024 /dev/urandom >"$D/munge/munge.key"; chmod 400 "$D/munge/munge.key"
  munged --force --socket="$D/munge/munge.sock" --key-file="$D/munge/munge.key" --pid-file="$D/munged.pid" \
    --log-file="$D/log/munged.log" --seed-file="$D/munge/seed"
  cat >"$D/slurm.conf" <<CONF
ClusterName=jlrtest
SlurmctldHost=$LOGIN_HOST($net.1)
SlurmctldPort=$ctldport
SlurmdPort=$dport
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge/munge.sock,cred_expire=60
SlurmUser=root
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherParams=OverMemoryKill
JobAcctGatherFrequency=task=1
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$D/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
MailProg=/bin/true
SchedulerParameters=batch_sched_delay=0,sched_interval=2
KillWait=5
MinJobAge=300
NodeName=node1 NodeHostname=node1 NodeAddr=$net.2 CPUs=4 RealMemory=4096 State=UNKNOWN
PartitionName=debug Nodes=node1 Default=YES MaxTime=INFINITE State=UP
PartitionName=held Nodes=node1 MaxTime=INFINITE State=DOWN
CONF
  export SLURM_CONF="$D/slurm.conf"
  nsenter --mount="$D/ns/mnt" slurmctld -i
  nsenter --mount="$D/ns/mnt" --net="/run/netns/$NETNS" --uts="$D/uts" slurmd
  for _ in $(seq 200); do
    [ "$(sinfo -h -n node1 -p debug -o %T 2>/dev/null)" = "idle" ] && { trap - ERR; echo "cluster up in $D (node1 at $net.2)"; return 0; }
    sleep 0.1
  done
  echo "error: node1 did not become idle; see $D/log" >&2; tail -5 "$D"/log/*.log >&2 || true
  down; exit 1
}

case "$cmd" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down DIR" >&2; exit 2 ;;
esac
