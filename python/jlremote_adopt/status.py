"""The instance's view for jlremote's JupyterLab extension: GET {base_url}jlremote/status, POST {base_url}jlremote/stop.

Config section JlremoteStatus: state = the instance's state.json (the supervisor rewrites it on every change, USR1's
walltime warning included), backend = detached | systemd | the scheduler's name (slurm, sge). Both handlers need the
server's authentication; the token in state.json is never sent. Polling the view does not count as activity (idle
shutdown still happens).
"""
import json
import os
import signal
import time

VIEW_SCHEMA = 1


def setup(serverapp):
    """Register the handlers (any jupyter_server major: they use only APIHandler and tornado)."""
    cfg = serverapp.config.get("JlremoteStatus") or {}
    state_path = cfg.get("state")
    if not state_path:
        return
    from jupyter_server.base.handlers import APIHandler
    from jupyter_server.utils import url_path_join
    from tornado import web

    backend = str(cfg.get("backend") or "detached")

    class StatusHandler(APIHandler):
        _track_activity = False

        @web.authenticated
        def get(self):
            self.set_header("Cache-Control", "no-store")
            self.finish(json.dumps(view(serverapp, _read(state_path), backend, time.time())))

    class StopHandler(APIHandler):
        @web.authenticated
        def post(self):
            record = _read(state_path)
            sup = (record or {}).get("supervisor") or {}
            if not _same_process(sup):
                raise web.HTTPError(409, "the supervisor is not running")
            os.kill(int(sup["pid"]), signal.SIGTERM)
            self.finish(json.dumps({"stopping": True}))

    base = serverapp.web_app.settings.get("base_url", "/")
    serverapp.web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base, "jlremote", "status"), StatusHandler),
            (url_path_join(base, "jlremote", "stop"), StopHandler),
        ],
    )


def view(serverapp, record, backend, now):
    """What the front end shows: never the token, only what the status bar, notices and panel need."""
    record = record or {}
    options = record.get("options") or {}
    job = record.get("job") or None
    if job is not None:
        ends = _epoch(job.get("endsAt"))
        job = {
            "id": job.get("id"),
            "node": job.get("node"),
            "endsAt": job.get("endsAt"),
            "warningAt": job.get("warningAt"),
            "secondsLeft": None if ends is None else max(0, int(round(ends - now))),
        }
    last = record.get("lastExit") or None
    return {
        "schema": VIEW_SCHEMA,
        "name": record.get("name"),
        "backend": backend,
        "state": record.get("state"),
        "startedAt": record.get("startedAt"),
        "serverPid": os.getpid(),
        "upSeconds": None if _epoch(record.get("startedAt")) is None else max(0, int(now - _epoch(record.get("startedAt")))),
        "restarts": record.get("restarts") or 0,
        "lastRestart": None if last is None else {"at": last.get("at"), "reason": last.get("reason"), "signal": last.get("signal"), "code": last.get("code")},
        "adoption": record.get("adoption"),
        "job": job,
        "idle": _idle(serverapp, options, now),
    }


def _idle(serverapp, options, now):
    """The idle timeout and, when nothing keeps the server busy, the seconds until it shuts itself down."""
    minutes = options.get("idleTimeoutMin")
    if not minutes:
        return None
    timeout = int(getattr(serverapp, "shutdown_no_activity_timeout", 0) or minutes * 60)
    shutdown_in = None
    try:
        km = serverapp.kernel_manager
        if len(km) == 0:
            since = now - serverapp.web_app.last_activity().timestamp()
            shutdown_in = max(0, int(timeout - since))
        else:
            cull = int(getattr(km, "cull_idle_timeout", 0) or 0)
            ends = []
            for kid in list(km):
                k = km.get_kernel(kid)
                busy = getattr(k, "execution_state", "idle") == "busy" or km._kernel_connections.get(kid, 0) > 0
                if cull <= 0 or busy:
                    ends = None
                    break
                ends.append(k.last_activity.timestamp() + cull)
            if ends:
                shutdown_in = max(0, int(max(ends) + timeout - now))
    except Exception:
        shutdown_in = None
    return {"timeoutSeconds": timeout, "shutdownInSeconds": shutdown_in}


def _read(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _epoch(iso):
    if not iso:
        return None
    try:
        from datetime import datetime

        return datetime.fromisoformat(str(iso).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _same_process(identity):
    """The recorded supervisor is alive with the recorded start time (a reused PID is never signalled)."""
    from .provisioner import proc_start_time

    try:
        st = proc_start_time(int(identity.get("pid")))
        return st is not None and st[0] not in ("Z", "X", "x") and st[1] == int(identity.get("startTime"))
    except (ValueError, TypeError):
        return False
