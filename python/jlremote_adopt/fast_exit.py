"""A stopped server ends once its cleanup is done, without the interpreter's heap teardown.

After its last atexit handler, a stopped Jupyter spends ~200 ms (2 vCPU, jupyter_server 1.23 with one kernel) tearing
down its heap: module dicts cleared, full collections, every object deallocated. Nothing waits for that but `stop`,
and Python does not promise the __del__ calls it makes then. Once the server's own cleanup has finished (extensions,
kernels, terminals, its server info file) and its loop has returned, this does what Python's exit does promise, in the
same order: the threading atexit calls and the join of every non-daemon thread, the atexit handlers (logging flushes
and closes its handlers there), stdout and stderr flushed; then os._exit(0), the code the server's return gives.
A cleanup that failed, or a loop that stopped without one, takes the normal exit.
"""
import atexit
import inspect
import os
import sys
import threading


def install(serverapp):
    """Wrap the server's cleanup (to know it finished) and its loop (to exit after it); False when not possible."""
    cleanup = getattr(serverapp, "_cleanup", None)
    start_ioloop = getattr(serverapp, "start_ioloop", None)
    if not inspect.iscoroutinefunction(cleanup) or not callable(start_ioloop) or not _exit_duties_known():
        return False
    finished = False

    async def _cleanup(*args, **kwargs):
        nonlocal finished
        await cleanup(*args, **kwargs)
        finished = True

    def _start_ioloop(*args, **kwargs):
        start_ioloop(*args, **kwargs)
        if finished and threading.current_thread() is threading.main_thread():
            _exit_now()

    serverapp._cleanup = _cleanup
    serverapp.start_ioloop = _start_ioloop
    return True


def _exit_duties_known():
    return callable(getattr(threading, "_shutdown", None)) and callable(getattr(atexit, "_run_exitfuncs", None))


def _exit_now():
    """Python's exit duties (threads, atexit, std streams), then the process ends with status 0."""
    threading._shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # a closed or broken stream: as at a normal exit, nothing more to write
            pass
    os._exit(0)
