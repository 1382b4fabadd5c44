"""jlremote's jupyter_server extension: re-adopt the kernels a crashed Jupyter left running; serve the instance's view;
end a stopped server without the interpreter's heap teardown (fast_exit.py).

Loaded through the config file jlremote writes (ServerApp.jpserver_extensions), which also puts this package's
directory on the server's sys.path: no environment variable is involved, so kernels and terminals (which copy the
server's environment) gain nothing. Should the directory arrive through PYTHONPATH all the same (set by hand), it is
removed from os.environ on import.
"""
import os

_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _strip_own_path():
    """Remove this package's directory from PYTHONPATH (and drop the variable if nothing else was in it)."""
    parts = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    kept = [p for p in parts if os.path.abspath(p) != _HERE]
    if kept:
        os.environ["PYTHONPATH"] = os.pathsep.join(kept)
    else:
        os.environ.pop("PYTHONPATH", None)


_strip_own_path()

# jupyter_server majors whose private attributes this extension was written and tested against.
SUPPORTED_MAJORS = (1, 2)


def _jupyter_server_extension_points():
    return [{"module": "jlremote_adopt"}]


# jupyter_server 1.x looks for this older name too.
_jupyter_server_extension_paths = _jupyter_server_extension_points


def _load_jupyter_server_extension(serverapp):
    from .adopt import load
    from .fast_exit import install
    from .status import setup

    try:
        install(serverapp)
    except Exception:  # only a speed-up of the stop: the normal exit stays
        serverapp.log.debug("jlremote: the fast exit after a stop is not installed", exc_info=True)

    try:
        setup(serverapp)
    except Exception:  # the status view is a nicety: never keep the server (or kernel adoption) from starting
        serverapp.log.exception("jlremote: the status view for the lab extension could not be set up")
    load(serverapp, SUPPORTED_MAJORS)


load_jupyter_server_extension = _load_jupyter_server_extension
