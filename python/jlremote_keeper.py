"""jlremote's keeper: a child subreaper between the supervisor and Jupyter, so kernels outlive a crashed Jupyter.

Kernels orphaned by Jupyter are re-parented here (not to init or a Node process, which never reaps non-children),
stay alive for the next Jupyter to re-adopt, and are reaped when they end: no zombie is left.
Protocol: JSON lines. stdin: {"op": "spawn", "argv", "cwd", "env", "log"} | {"op": "quit"}. stdout: {"event": "ready"},
{"event": "spawned", "pid"} | {"event": "spawn-error", "message"}, {"event": "exit", "pid", "code", "signal"}.
Jupyter's stdout/stderr are appended to the spawn's "log" file, opened here for each spawn (the keeper may be started
before that file's path is known); the keeper's own stderr goes there too from then on. Exits on "quit", SIGTERM, or
once stdin is closed (supervisor gone) and no child is left. Standard library only: it runs on any Python 3.
"""
import ctypes
import errno
import os
import select
import sys

# The C module under `signal`: its enum wrappers cost ~10 ms of imports before the ready line (names are looked up
# with the full module, imported once ready is said).
import _signal as signal

PR_SET_CHILD_SUBREAPER = 36


def emit(obj):
    # json is imported once ready is said (see main): its ~12 ms of imports overlap the supervisor's work.
    import json

    try:
        os.write(1, (json.dumps(obj) + "\n").encode())
    except OSError:
        pass  # the supervisor is gone; keep reaping


def signal_name(number):
    """SIGKILL for 9 (the full signal module is loaded after the ready line)."""
    import signal as full

    try:
        return full.Signals(number).name
    except ValueError:
        return "SIG%d" % number


def open_log(path):
    """Jupyter's log (in the instance's private dir), appended to; also the keeper's own stderr from now on."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    os.dup2(fd, 2)
    return fd


# Reset to their defaults in Jupyter: ignored or handled here (Python ignores SIGPIPE and SIGXFSZ itself).
CHILD_DEFAULT_SIGNALS = (signal.SIGINT, signal.SIGHUP, signal.SIGTERM, signal.SIGPIPE, signal.SIGCHLD, signal.SIGXFSZ)


def spawn(argv, cwd, env, log_fd):
    """Start argv in cwd with env, stdin /dev/null, stdout and stderr on log_fd: (pid, None) or (None, why)."""
    if not hasattr(os, "posix_spawn"):
        return fork_exec(argv, cwd, env, log_fd)
    # posix_spawn returns once the exec is done (glibc: vfork) and raises its error: ~10 ms less than fork + exec
    # from Python. It has no chdir action before Python 3.13: the keeper changes its own directory around it.
    null = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
    try:
        if cwd:
            try:
                os.chdir(cwd)
            except OSError as e:
                return None, "cannot enter %s: %s: %s" % (cwd, errno.errorcode.get(e.errno, "E?"), e.strerror)
        # Searched as execvpe does, from the child's directory; a bare name found nowhere is never run from cwd.
        path = argv[0] if "/" in argv[0] else which(argv[0], env.get("PATH", os.defpath))
        if path is None:
            return None, "ENOENT: %s not found on the PATH" % argv[0]
        actions = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, log_fd, 1), (os.POSIX_SPAWN_DUP2, log_fd, 2)]
        return os.posix_spawn(path, argv, env, file_actions=actions, setsigdef=CHILD_DEFAULT_SIGNALS), None
    except OSError as e:
        return None, "%s: %s" % (errno.errorcode.get(e.errno, "E?"), e.strerror)
    finally:
        os.close(null)
        os.chdir("/")


def which(name, path):
    """name on path (execvpe's search, with the child's PATH: an empty entry is the directory); None when not found."""
    for d in path.split(os.pathsep):
        candidate = os.path.join(d or ".", name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def fork_exec(argv, cwd, env, log_fd):
    """spawn() without posix_spawn: fork + exec; an exec failure comes back through a close-on-exec pipe."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            for s in CHILD_DEFAULT_SIGNALS:
                signal.signal(s, signal.SIG_DFL)
            signal.set_wakeup_fd(-1)
            if cwd:
                try:
                    os.chdir(cwd)
                except OSError as e:
                    why = "cannot enter %s: %s: %s" % (cwd, errno.errorcode.get(e.errno, "E?"), e.strerror)
                    os.write(w, why.encode())
                    os._exit(127)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(log_fd, 1)
            os.dup2(log_fd, 2)
            os.execvpe(argv[0], argv, env)
        except OSError as e:
            os.write(w, ("%s: %s" % (errno.errorcode.get(e.errno, "E?"), e.strerror)).encode())
        finally:
            os._exit(127)
    os.close(w)
    err = b""
    while True:
        chunk = os.read(r, 512)
        if not chunk:
            break
        err += chunk
    os.close(r)
    if err:
        os.waitpid(pid, 0)
        return None, err.decode(errors="replace")
    return pid, None


def main():
    # Nothing here needs a working directory: the keeper holds none of the user's (it may outlive a mount of it).
    os.chdir("/")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        emit({"event": "spawn-error", "message": "prctl(PR_SET_CHILD_SUBREAPER) failed"})
        return 3
    # SIGINT (a Ctrl-C to the foreground `jlremote run` group) and SIGHUP are the supervisor's to handle.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    quitting = []
    signal.signal(signal.SIGTERM, lambda *_: quitting.append(True))
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    jupyters = set()
    stdin_open = True
    buf = b""
    # Written by hand: the supervisor waits for this line, and the json module is not loaded yet.
    os.write(1, b'{"event": "ready", "pid": %d}\n' % os.getpid())
    import json
    import signal as _names  # noqa: F401  (loaded now: signal_name() needs it when Jupyter dies by a signal)

    while True:
        has_children = reap(jupyters)
        if quitting or (not stdin_open and not has_children):
            return 0
        fds = [wake_r] + ([0] if stdin_open else [])
        try:
            readable, _, _ = select.select(fds, [], [], 5.0)
        except InterruptedError:
            continue
        if wake_r in readable:
            try:
                os.read(wake_r, 512)
            except BlockingIOError:
                pass
        if 0 in readable:
            chunk = os.read(0, 65536)
            if not chunk:
                stdin_open = False
                continue
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if not line.strip():
                    continue
                msg = json.loads(line)
                if msg.get("op") == "quit":
                    # Nothing to flush (every write is os.write): skip the interpreter's teardown, ~20 ms of a stop.
                    os._exit(0)
                if msg.get("op") == "spawn":
                    try:
                        log_fd = open_log(msg["log"])
                    except (OSError, KeyError, TypeError) as e:
                        emit({"event": "spawn-error", "message": "cannot open the log: %s" % e})
                        continue
                    try:
                        pid, err = spawn(msg["argv"], msg.get("cwd"), msg.get("env") or {}, log_fd)
                    finally:
                        os.close(log_fd)
                    if pid is None:
                        emit({"event": "spawn-error", "message": err})
                    else:
                        jupyters.add(pid)
                        emit({"event": "spawned", "pid": pid})


def reap(jupyters):
    """Reap every ended child (Jupyter or an orphan re-parented here); True while any child is left."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return False
        except InterruptedError:
            continue
        if pid == 0:
            return True
        if pid in jupyters:
            jupyters.discard(pid)
            code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
            sig = signal_name(os.WTERMSIG(status)) if os.WIFSIGNALED(status) else None
            emit({"event": "exit", "pid": pid, "code": code, "signal": sig})


if __name__ == "__main__":
    sys.exit(main())
