#!/usr/bin/env bash
# A throwaway Grid Engine (SGE 8.1.9) cell on this machine (root only): sge_qmaster as host "sgemaster" (the root
# network namespace, its own UTS + mount namespace), sge_execd as host "sgenode" in its own network + UTS + mount + PID
# namespaces over a veth; everything under DIR, nothing in /etc (each host bind-mounts DIR/hosts over /etc/hosts in
# its own mount namespace). A `useradd -m` account submits (SGE refuses uid 0).
#   sge-cell.sh up DIR     start it; writes DIR/cell.env (SGE_*, SUBMIT_USER, MASTER_*, NODE_*, NETNS, ...)
#   sge-cell.sh down DIR   stop qmaster by PID, kill the node's PID namespace (its init), delete netns, veth, account
# Client commands (qsub, qstat, ...) run on the submit host: `nsenter --uts=DIR/master-uts --mount=DIR/ns/master`.
# Names carry a per-run suffix and the subnet is one of 10.78.X.0/24 unused here, so parallel runs don't collide.
set -euo pipefail
cmd=${1:-}; D=${2:-}
[ -n "$cmd" ] && [ -n "$D" ] || { echo "usage: $0 up|down DIR" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "error: the test cell needs root (network namespaces, mounts, useradd)" >&2; exit 1; }
mkdir -p "$D"; D=$(cd "$D" && pwd)
SGE_BIN=/usr/lib/gridengine
SGE_DATA=/var/lib/gridengine

down() {
  [ -f "$D/cell.env" ] || return 0
  # shellcheck disable=SC1091
  . "$D/cell.env"
  local p qm="" init="" left
  [ -s "$D/spool/qmaster/qmaster.pid" ] && qm=$(cat "$D/spool/qmaster/qmaster.pid" 2>/dev/null || true)
  [ -s "$D/node-init.pid" ] && init=$(cat "$D/node-init.pid")
  # The node's init (PID 1 of its namespace) takes execd, the jobs and everything they started with it.
  [ -n "$init" ] && kill -KILL "$init" 2>/dev/null || true
  [ -n "$qm" ] && kill -TERM "$qm" 2>/dev/null || true
  for _ in $(seq 100); do
    left=0
    for p in $qm $init; do [ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null && left=1; done
    [ $left -eq 0 ] && break; sleep 0.1
  done
  [ -n "$qm" ] && kill -KILL "$qm" 2>/dev/null || true
  if ip netns list | grep -qw "$NETNS"; then
    for p in $(ip netns pids "$NETNS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    for _ in $(seq 50); do [ -z "$(ip netns pids "$NETNS" 2>/dev/null)" ] && break; sleep 0.1; done
    ip netns delete "$NETNS" 2>/dev/null || true
  fi
  ip link delete "$VETH" 2>/dev/null || true
  for m in "$D/ns/master" "$D/master-uts" "$D/ns"; do
    mountpoint -q "$m" 2>/dev/null && { umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; }
  done
  if [ -n "${SUBMIT_USER:-}" ] && id "$SUBMIT_USER" >/dev/null 2>&1; then
    # Whatever the account still runs on the submit side (a test's leftovers) goes, by PID, before the account.
    for p in $(pgrep -u "$SUBMIT_USER" 2>/dev/null || true); do kill -KILL "$p" 2>/dev/null || true; done
    userdel -r "$SUBMIT_USER" 2>/dev/null || userdel "$SUBMIT_USER" 2>/dev/null || true
  fi
  rm -f "$D/cell.env"
}

free_ports() {
  python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("0.0.0.0",0)) for x in s]; print(" ".join(str(x.getsockname()[1]) for x in s))'
}

up() {
  local suffix=$$ net="" i
  for i in $(seq 0 40); do
    local x=$(( (suffix + i) % 200 + 20 ))
    ip -4 addr | grep -q "inet 10\.78\.$x\." || ip route | grep -q "10\.78\.$x\." || { net="10.78.$x"; break; }
  done
  [ -n "$net" ] || { echo "error: no free 10.78.X.0/24 subnet" >&2; exit 1; }
  local NETNS="jlrsgen$suffix" VETH="jlrsv$suffix" USER_="jlrsge$suffix" ports qport eport
  ports=$(free_ports); qport=${ports% *}; eport=${ports#* }
  local R="$D/root" S="$D/spool"
  cat >"$D/cell.env" <<ENV
NETNS=$NETNS
VETH=$VETH
SUBMIT_USER=$USER_
MASTER_HOST=sgemaster
MASTER_ADDR=$net.1
NODE_HOST=sgenode
NODE_ADDR=$net.2
SGE_ROOT=$R
SGE_CELL=default
SGE_QMASTER_PORT=$qport
SGE_EXECD_PORT=$eport
SGE_BIN=$SGE_BIN
CELL_DIR=$D
MASTER_UTS=$D/master-uts
MASTER_MNT=$D/ns/master
ENV
  trap 'down; exit 1' ERR
  export SGE_ROOT="$R" SGE_CELL=default SGE_QMASTER_PORT="$qport" SGE_EXECD_PORT="$eport"
  export PATH="$SGE_BIN:$PATH" LD_LIBRARY_PATH="$SGE_BIN${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  chmod 755 "$D"
  # The submitting account (uid >= 1000; its home is the "shared home" both hosts see).
  useradd -m -s /bin/bash "$USER_"
  # Network: a veth pair, master side in the root namespace, node side eth0 in the node's namespace.
  ip netns add "$NETNS"
  ip link add "$VETH" type veth peer name "${VETH}n"
  ip link set "${VETH}n" netns "$NETNS"
  sysctl -qw "net.ipv6.conf.$VETH.disable_ipv6=1" || true
  ip addr add "$net.1/24" dev "$VETH"; ip link set "$VETH" up
  ip -n "$NETNS" link set "${VETH}n" name eth0
  ip netns exec "$NETNS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 || true
  ip -n "$NETNS" addr add "$net.2/24" dev eth0; ip -n "$NETNS" link set eth0 up; ip -n "$NETNS" link set lo up
  printf '127.0.0.1 localhost\n%s sgemaster\n%s sgenode\n' "$net.1" "$net.2" >"$D/hosts"
  # Master: host name sgemaster and DIR/hosts over /etc/hosts, in namespaces kept alive by bind mounts.
  mkdir -p "$D/ns"; mount --bind "$D/ns" "$D/ns"; mount --make-private "$D/ns"; touch "$D/ns/master" "$D/master-uts"
  unshare --uts="$D/master-uts" --mount="$D/ns/master" --propagation slave \
    sh -c "hostname sgemaster && mount --bind '$D/hosts' /etc/hosts"
  local M=(nsenter --uts="$D/master-uts" --mount="$D/ns/master")
  # Node: net + UTS + mount + PID namespaces; its init is a sleep whose death takes everything on the node with it.
  nsenter --net="/run/netns/$NETNS" unshare --uts --mount --pid --fork --propagation slave --mount-proc \
    sh -c "hostname sgenode && mount --bind '$D/hosts' /etc/hosts && exec sleep infinity" </dev/null >/dev/null 2>&1 &
  local unsharepid=$! init=""
  for _ in $(seq 100); do
    init=$(pgrep -P "$unsharepid" 2>/dev/null | head -1 || true)
    [ -n "$init" ] && [ "$(readlink "/proc/$init/exe" 2>/dev/null)" = "$(readlink -f "$(command -v sleep)")" ] && break
    sleep 0.05
  done
  [ -n "$init" ] || { echo "error: the node's namespaces did not come up" >&2; false; }
  echo "$init" >"$D/node-init.pid"
  local N=(nsenter -t "$init" --net --uts --mount --pid)
  # SGE_ROOT of our own: the package's binaries, a cell "default" whose spool and config live under DIR.
  mkdir -p "$R/default/common" "$S/qmaster" "$S/execd"
  for l in bin lib utilbin util; do ln -s "$SGE_DATA/$l" "$R/$l"; done
  cat >"$R/default/common/bootstrap" <<BOOT
# Version: 8.1.9
admin_user              none
default_domain          none
ignore_fqdn             true
spooling_method         classic
spooling_lib            libspoolc
spooling_params         $R/default/common;$S/qmaster
binary_path             $R/bin
qmaster_spool_dir       $S/qmaster
security_mode           none
listener_threads        2
worker_threads          2
scheduler_threads       1
BOOT
  echo sgemaster >"$R/default/common/act_qmaster"
  "$SGE_BIN/spoolinit" classic libspoolc "$R/default/common;$S/qmaster" init >/dev/null
  sed -e "s|^execd_spool_dir .*|execd_spool_dir        $S/execd|" \
    -e 's|^min_uid .*|min_uid                100|' -e 's|^min_gid .*|min_gid                100|' \
    -e 's|^mailer .*|mailer                 /bin/true|' \
    -e 's|^reporting_params .*|reporting_params       accounting=true reporting=false flush_time=00:00:01 joblog=false sharelog=00:00:00|' \
    /usr/share/gridengine/default-configuration >"$D/configuration"
  local sd=("$SGE_BIN/spooldefaults")
  "${sd[@]}" configuration "$D/configuration"
  "${sd[@]}" complexes "$SGE_DATA/util/resources/centry"
  "${sd[@]}" usersets "$SGE_DATA/util/resources/usersets"
  "${sd[@]}" managers root
  "${M[@]}" "$SGE_BIN/sge_qmaster" </dev/null >>"$D/daemons.log" 2>&1
  for _ in $(seq 200); do "${M[@]}" qconf -sh >/dev/null 2>&1 && break; sleep 0.1; done
  "${M[@]}" qconf -sh >/dev/null
  "${M[@]}" qconf -as sgemaster >/dev/null 2>&1
  "${M[@]}" qconf -as sgenode >/dev/null 2>&1
  printf 'hostname sgenode\nload_scaling NONE\ncomplex_values NONE\nuser_lists NONE\nxuser_lists NONE\nprojects NONE\nxprojects NONE\nusage_scaling NONE\nreport_variables NONE\n' >"$D/exechost"
  "${M[@]}" qconf -Ae "$D/exechost" >/dev/null 2>&1
  cat >"$D/queue" <<'QUEUE'
qname                 all.q
hostlist              sgenode
seq_no                0
load_thresholds       NONE
suspend_thresholds    NONE
nsuspend              1
suspend_interval      00:05:00
priority              0
min_cpu_interval      00:05:00
processors            UNDEFINED
qtype                 BATCH INTERACTIVE
ckpt_list             NONE
pe_list               NONE
rerun                 FALSE
slots                 2
tmpdir                /tmp
shell                 /bin/sh
prolog                NONE
epilog                NONE
shell_start_mode      posix_compliant
starter_method        NONE
suspend_method        NONE
resume_method         NONE
terminate_method      NONE
notify                00:00:10
owner_list            NONE
user_lists            NONE
xuser_lists           NONE
subordinate_list      NONE
complex_values        NONE
projects              NONE
xprojects             NONE
calendar              NONE
initial_state         default
s_rt                  INFINITY
h_rt                  INFINITY
s_cpu                 INFINITY
h_cpu                 INFINITY
s_fsize               INFINITY
h_fsize               INFINITY
s_data                INFINITY
h_data                INFINITY
s_stack               INFINITY
h_stack               INFINITY
s_core                INFINITY
h_core                INFINITY
s_rss                 INFINITY
h_rss                 INFINITY
s_vmem                INFINITY
h_vmem                INFINITY
QUEUE
  "${M[@]}" qconf -Aq "$D/queue" >/dev/null 2>&1
  "${M[@]}" qconf -ssconf | sed -e 's|^schedule_interval .*|schedule_interval                 0:0:1|' \
    -e 's|^flush_submit_sec .*|flush_submit_sec                  1|' \
    -e 's|^flush_finish_sec .*|flush_finish_sec                  1|' >"$D/sconf"
  "${M[@]}" qconf -Msconf "$D/sconf" >/dev/null 2>&1
  "${N[@]}" "$SGE_BIN/sge_execd" </dev/null >>"$D/daemons.log" 2>&1
  for _ in $(seq 300); do
    "${M[@]}" qstat -f 2>/dev/null | grep -q 'all.q@sgenode .*lx-amd64' && {
      "${M[@]}" qstat -f 2>/dev/null | grep -q 'all.q@sgenode .*lx-amd64 *[a-zA-Z]*u' || {
        trap - ERR; echo "cell up in $D (sgenode at $net.2, submit as $USER_)"; return 0; }
    }
    sleep 0.1
  done
  echo "error: sgenode did not come up; see $S" >&2
  "${M[@]}" qstat -f >&2 || true
  down; exit 1
}

case "$cmd" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down DIR" >&2; exit 2 ;;
esac
