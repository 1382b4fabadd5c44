"""Registers still-running kernels in the server's MappingKernelManager under their own ids.

The candidates come from jlremote (config section JlremoteAdopt: kernels = [{id, pid, startTime, connectionFile}],
report = path). Each must answer kernel_info on its control channel (the shell may be busy with a cell or waiting
in input()); the outcome is written to the report file for the supervisor.
"""
import json
import os
import time
from concurrent.futures import Future

from .nudge import adopted_ids, speed_up_nudges
from .provisioner import AdoptedProvisioner, proc_start_time

VERIFY_TIMEOUT_S = 5.0
# An idle kernel answers kernel_info on its shell about as fast as on its control channel; one running a cell (or in
# input()) does not. The shell gets twice the slowest control reply's time (at least SHELL_GRACE_MIN_S, at most
# SHELL_GRACE_S): no fixed wait for busy kernels, and a loaded machine slows both replies alike.
SHELL_GRACE_MIN_S = 0.02
SHELL_GRACE_S = 0.5


def load(serverapp, majors):
    import jupyter_server

    cfg = serverapp.config.get("JlremoteAdopt") or {}
    report_path = cfg.get("report")
    version = jupyter_server.__version__
    report = {"schema": 1, "pid": os.getpid(), "jupyterServer": version, "supported": False, "reason": None, "adopted": [], "failed": []}
    major = int(version.split(".")[0])
    if major not in majors:
        report["reason"] = "jupyter_server %s is not supported (jlremote knows %s.x); kernels end with the server" % (version, ".x, ".join(str(m) for m in majors))
        serverapp.log.warning("jlremote_adopt: %s", report["reason"])
        _write(report_path, report)
        return
    _keep_kernels_alive()
    try:
        speed_up_nudges()
    except Exception:  # only a speed-up
        serverapp.log.debug("jlremote_adopt: nudges not sped up", exc_info=True)
    report["supported"] = True
    try:
        _adopt_all(serverapp, list(cfg.get("kernels") or []), report)
    except Exception as err:  # never keep the server from starting
        serverapp.log.exception("jlremote_adopt: adoption failed")
        report["reason"] = "adoption failed: %s" % err
    _write(report_path, report)


def _keep_kernels_alive():
    """Kernels survive their server: parent handle -1 (ipykernel >= 7 then exits only when re-parented to PID 1)."""
    from jupyter_client.provisioning import local_provisioner

    original = local_provisioner.launch_kernel
    if getattr(original, "_jlremote", False):
        return

    def launch_kernel(cmd, **kwargs):
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = "-1"
        kwargs["env"] = env
        kwargs["independent"] = True  # else the launcher overwrites JPY_PARENT_PID with the server's PID
        return original(cmd, **kwargs)

    launch_kernel._jlremote = True
    local_provisioner.launch_kernel = launch_kernel


def _adopt_all(serverapp, kernels, report):
    mkm = serverapp.kernel_manager
    pending = []
    for entry in kernels:
        kid = str(entry.get("id"))
        pid = int(entry.get("pid", 0))
        try:
            km = _register(mkm, entry)
            pending.append((kid, pid, km))
        except Exception as err:
            report["failed"].append({"id": kid, "pid": pid, "reason": str(err) or type(err).__name__})
    answered, idle = _kernel_info_over_control([km for _, _, km in pending])
    for kid, pid, km in pending:
        info = answered.get(id(km))
        if info is None:
            report["failed"].append({"id": kid, "pid": pid, "reason": "no kernel_info reply on the control channel within %d s" % VERIFY_TIMEOUT_S})
            continue
        fut = Future()
        fut.set_result(info)
        km._kernel_info_future = fut  # the websocket asks the shell otherwise, which a busy kernel answers late
        km.execution_state = "idle" if id(km) in idle else "busy"
        mkm._kernels[kid] = km
        mkm._kernel_connections[kid] = 0
        mkm._kernel_ports[kid] = km.ports
        adopted_ids.add(kid)
        report["adopted"].append({"id": kid, "pid": pid})
        serverapp.io_loop.add_callback(_watch, serverapp, mkm, kid, km)
        serverapp.log.info("jlremote_adopt: re-adopted kernel %s (pid %d)", kid, pid)
    for f in report["failed"]:
        serverapp.log.warning("jlremote_adopt: kernel %s (pid %s) not adopted: %s", f["id"], f["pid"], f["reason"])


MAX_CONNECTION_FILE = 64 * 1024


def _read_connection_file(path):
    """The kernel's connection file, only when it is ours: a regular file (no symlink, FIFO), our uid, 0600-ish, small.

    Checked on the descriptor it is read from; a planted file in a shared runtime dir is refused with the reason."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as err:
        if err.errno == 40:  # ELOOP
            raise RuntimeError("connection file %s is a symbolic link" % path)
        raise RuntimeError("connection file %s: %s" % (path, err.strerror))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise RuntimeError("connection file %s is not a regular file" % path)
        if st.st_uid != os.getuid():
            raise RuntimeError("connection file %s belongs to uid %d, not to us" % (path, st.st_uid))
        if st.st_mode & 0o077:
            raise RuntimeError("connection file %s is open to group or others (mode %o)" % (path, st.st_mode & 0o777))
        if st.st_size > MAX_CONNECTION_FILE:
            raise RuntimeError("connection file %s is too large (%d bytes)" % (path, st.st_size))
        data = os.read(fd, MAX_CONNECTION_FILE + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_CONNECTION_FILE:
        raise RuntimeError("connection file %s is too large" % path)
    return json.loads(data.decode("utf-8"))


def _register(mkm, entry):
    kid = str(entry["id"])
    pid = int(entry["pid"])
    cf = str(entry["connectionFile"])
    st = proc_start_time(pid)
    if st is None or st[0] in ("Z", "X", "x") or (entry.get("startTime") is not None and st[1] != int(entry["startTime"])):
        raise RuntimeError("process %d is gone" % pid)
    if kid in mkm._kernels:
        raise RuntimeError("kernel id already in use")
    info = _read_connection_file(cf)
    kwargs = {}
    if getattr(mkm, "kernel_spec_manager", None) is not None:
        kwargs["kernel_spec_manager"] = mkm.kernel_spec_manager
    km = mkm.kernel_manager_factory(connection_file=cf, parent=mkm, log=mkm.log, kernel_name=info.get("kernel_name") or "python3", **kwargs)
    km.load_connection_info(info)  # the checked content: the path is not opened a second time
    km.kernel_id = kid
    # No kernel spec yet: for python3 its look-up imports ipykernel (and debugpy), ~0.4 s before the server could
    # listen; the provisioner looks it up on a restart, the manager on an interrupt or a cull.
    prov = AdoptedProvisioner(kernel_id=kid, kernel_spec=None, parent=km)
    prov.connection_info = km.get_connection_info()
    prov.adopt(pid, st[1])
    _reserve_ports(prov, km)
    km.provisioner = prov
    try:
        cwd = os.readlink("/proc/%d/cwd" % pid)
    except OSError:
        cwd = None
    km._launch_args = {"env": dict(os.environ), "cwd": cwd} if cwd else {"env": dict(os.environ)}
    ready = Future()
    ready.set_result(None)
    km._ready = ready
    km._attempted_start = True  # later shutdown/restart calls get fresh ready futures, as after a real start
    for attr, value in (("execution_state", "idle"), ("reason", ""), ("last_activity", _utcnow())):
        try:
            setattr(km, attr, value)
        except Exception:
            pass
    return km


def _reserve_ports(prov, km):
    """New kernels must not be given an adopted kernel's ports."""
    try:
        from jupyter_client.connect import LocalPortCache
    except ImportError:
        return
    lpc = LocalPortCache.instance()
    for port in km.ports:
        lpc.currently_used_ports.add(port)
    prov.ports_cached = True  # cleanup() returns them when the kernel goes


def _kernel_info_over_control(kms):
    """kernel_info_request on each kernel's control and shell channels.

    Returns ({id(km): control reply content} for the kernels that answered, {id(km)} of those whose shell answered
    within SHELL_GRACE_S, i.e. idle ones).
    """
    if not kms:
        return {}, set()
    import zmq

    ctx = zmq.Context()
    socks = {}
    poller = zmq.Poller()
    try:
        for km in kms:
            for channel in ("control", "shell"):
                s = ctx.socket(zmq.DEALER)
                s.linger = 0
                port = km.control_port if channel == "control" else km.shell_port
                if km.transport == "tcp":
                    s.connect("tcp://%s:%d" % (km.ip, port))
                else:
                    s.connect("ipc://%s-%d" % (km.ip, port))
                km.session.send(s, "kernel_info_request")
                socks[s] = (km, channel)
                poller.register(s, zmq.POLLIN)
        answered = {}
        idle = set()
        start = time.monotonic()
        deadline = start + VERIFY_TIMEOUT_S
        shell_until = None  # set once every control reply is in
        while True:
            now = time.monotonic()
            if shell_until is None and len(answered) == len(kms):
                shell_until = now + min(SHELL_GRACE_S, max(SHELL_GRACE_MIN_S, 2 * (now - start)))
            if now >= deadline or (shell_until is not None and (len(idle) == len(kms) or now >= shell_until)):
                break
            wait = deadline - now if shell_until is None else shell_until - now
            for s, _ in poller.poll(max(wait, 0.01) * 1000):
                km, channel = socks[s]
                _, msg = km.session.recv(s, mode=zmq.NOBLOCK)
                if msg is None or msg["msg_type"] != "kernel_info_reply":
                    continue
                if channel == "control":
                    answered[id(km)] = msg["content"]
                else:
                    idle.add(id(km))
                poller.unregister(s)
        return answered, idle
    finally:
        for s in socks:
            s.close(0)
        ctx.term()


async def _watch(serverapp, mkm, kid, km):
    """What jupyter_server does once a kernel it started is ready: activity, auto-restart, control socket, culling."""
    try:
        state = km.execution_state
        mkm.start_watching_activity(kid)
        km.execution_state = state  # jupyter_server 1.x marks a watched kernel "starting" until its next status
        km.start_restarter()
        km._connect_control_socket()
        mkm.add_restart_callback(kid, lambda: mkm._handle_kernel_died(kid), "dead")
        if not getattr(mkm, "_initialized_culler", True):
            mkm.initialize_culler()
    except Exception:
        serverapp.log.exception("jlremote_adopt: watching adopted kernel %s", kid)


def _utcnow():
    try:
        from jupyter_server._tz import utcnow

        return utcnow()
    except ImportError:
        import datetime

        return datetime.datetime.now(datetime.timezone.utc)


def _write(path, report):
    if not path:
        return
    tmp = "%s.%d.tmp" % (path, os.getpid())
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(report, f)
        os.replace(tmp, path)
    except OSError:
        # A full state disk: the supervisor then sees no report and stops the kernels it handed over.
        try:
            os.unlink(tmp)
        except OSError:
            pass
