#!/usr/bin/env bash
# `make test-systemd` (and the last step of `make test`, with --or-skip): runs test/systemd/*.test.ts against a real
# `systemd --user` manager in a temp dir.
# Where PID 1 is not systemd (containers, this CI), the manager only starts while /run/systemd/system exists:
# the manager gets its own mount namespace with a private /run holding that marker, so no other program on the
# machine ever sees it. Without unshare, we create the marker for the moment the manager starts and remove it
# again (also on failure), and only if we made it.
# --or-skip: where the suite cannot run, print why and exit 0 instead of failing.
set -euo pipefail
cd "$(dirname "$0")/.."
or_skip=0
[ "${1:-}" = "--or-skip" ] && or_skip=1
cannot_run() {
  if [ "$or_skip" = 1 ]; then
    echo "test-systemd: skipped, $1" >&2
    exit 0
  fi
  echo "test-systemd: $1" >&2
  exit 1
}
if [ "$(id -u)" -ne 0 ] && [ ! -d /run/systemd/system ]; then
  cannot_run "needs root here (to give the user manager a /run/systemd/system) or a host booted with systemd"
fi
if [ ! -x /lib/systemd/systemd ] || ! command -v systemctl >/dev/null; then
  cannot_run "no /lib/systemd/systemd or systemctl (apt-get install systemd; make test-debs installs it as root)"
fi
D=$(mktemp -d /tmp/jlr-systemd-XXXXXX)
MARKER=/run/systemd/system
created_marker=0
manager_pid=
cleanup() {
  if [ "$created_marker" = 1 ]; then rmdir "$MARKER" 2>/dev/null || true; created_marker=0; fi
  if [ -n "$manager_pid" ] && kill -0 "$manager_pid" 2>/dev/null; then
    # Stop our units first: a killed manager in a container leaves its services' processes running.
    timeout 60 systemctl --user stop 'jlremote@*' 2>/dev/null || true
    kill -TERM "$manager_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$manager_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$manager_pid" 2>/dev/null || true
  fi
  rm -rf "$D"
}
trap cleanup EXIT INT TERM
mkdir -m 700 "$D/xdg"
mkdir -p "$D/config" "$D/state" "$D/jupyter-runtime" "$D/jupyter-config" "$D/jupyter-data" "$D/ipython"
export HOME="$D" XDG_RUNTIME_DIR="$D/xdg" XDG_CONFIG_HOME="$D/config" XDG_STATE_HOME="$D/state" \
  JUPYTER_RUNTIME_DIR="$D/jupyter-runtime" JUPYTER_CONFIG_DIR="$D/jupyter-config" JUPYTER_DATA_DIR="$D/jupyter-data" \
  IPYTHONDIR="$D/ipython" LANG=C.UTF-8
manager_env=(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$HOME" XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR"
  XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_STATE_HOME="$XDG_STATE_HOME" LANG=C.UTF-8)
if [ -d "$MARKER" ]; then
  "${manager_env[@]}" setsid /lib/systemd/systemd --user >"$D/manager.log" 2>&1 &
elif command -v unshare >/dev/null && unshare --mount --propagation private true 2>/dev/null; then
  # unshare and sh exec, and setsid execs (not a group leader here): $! is the manager's PID.
  "${manager_env[@]}" unshare --mount --propagation private \
    sh -c 'mount -t tmpfs -o mode=755 jlr-run /run && mkdir -p /run/systemd/system && exec setsid /lib/systemd/systemd --user' \
    >"$D/manager.log" 2>&1 &
else
  mkdir "$MARKER"; created_marker=1
  "${manager_env[@]}" setsid /lib/systemd/systemd --user >"$D/manager.log" 2>&1 &
fi
manager_pid=$!
for _ in $(seq 100); do [ -S "$XDG_RUNTIME_DIR/systemd/private" ] && break; sleep 0.1; done
# The manager only looks at the marker when it starts: keep the window in which other programs see it short.
if [ "$created_marker" = 1 ]; then rmdir "$MARKER"; created_marker=0; fi
if ! systemctl --user show --property=Version >/dev/null; then
  echo "test-systemd: the user manager did not come up; its log:" >&2
  cat "$D/manager.log" >&2
  # As root (CI) the manager must come up; another account may lack what it needs (cgroups, a session).
  [ "$(id -u)" -ne 0 ] && cannot_run "the user manager did not come up for uid $(id -u) (its log is above)"
  exit 1
fi
JLREMOTE_TEST_SYSTEMD=1 node --import tsx --test --test-concurrency=1 $(find test/systemd -name "*.test.ts" | sort)
