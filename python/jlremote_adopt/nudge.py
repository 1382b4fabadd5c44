"""A websocket's first connection to a re-adopted kernel without jupyter_server's 0.5 s retry.

On a new kernel websocket jupyter_server "nudges" the kernel: kernel_info requests until a reply and one IOPub
message arrived, so the websocket's fresh IOPub subscription is known to work; it retries every 0.5 s, and the first
IOPub status is usually published before the subscription reached the kernel. For re-adopted kernels this module adds
kernel_info requests on a transient control channel (which an idle or busy ipykernel answers with IOPub status
messages) a few ms apart until the nudge is done, so the websocket opens once the subscription works, not 0.5 s later.
"""

# Seconds after the nudge starts at which an extra request goes out (then the server's own 0.5 s retries go on).
POKES_S = (0.005, 0.015, 0.03, 0.05, 0.08, 0.12, 0.18, 0.26, 0.36)

adopted_ids = set()


def speed_up_nudges():
    """Wrap the nudge of jupyter_server 1.x (ZMQChannelsHandler) and 2.x (ZMQChannelsWebsocketConnection)."""
    classes = []
    try:
        from jupyter_server.services.kernels.handlers import ZMQChannelsHandler

        classes.append(ZMQChannelsHandler)
    except ImportError:
        pass
    try:
        from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

        classes.append(ZMQChannelsWebsocketConnection)
    except ImportError:
        pass
    for cls in classes:
        original = cls.__dict__.get("nudge")
        if original is None or getattr(original, "_jlremote", False):
            continue
        cls.nudge = _wrap(original)


def _wrap(original):
    def nudge(self):
        done = original(self)
        if getattr(self, "kernel_id", None) in adopted_ids:
            try:
                _poke(self, done)
            except Exception:  # the server's own retries still work
                self.log.debug("jlremote_adopt: no extra nudges for %s", self.kernel_id, exc_info=True)
        return done

    nudge._jlremote = True
    return nudge


def _kernel_of(conn):
    km = conn.kernel_manager
    # 1.x: the handler holds the MultiKernelManager; 2.x: the connection holds the kernel's own manager.
    return km.get_kernel(conn.kernel_id) if hasattr(km, "get_kernel") else km


def _poke(conn, done):
    if done.done():
        return
    from tornado.ioloop import IOLoop

    loop = IOLoop.current()
    control = _kernel_of(conn).connect_control()
    start = loop.time()

    def close(_=None):
        if not control.closed():
            control.close()

    def poke(i):
        if done.done() or control.closed():
            close()
            return
        conn.session.send(control, "kernel_info_request")
        if i + 1 < len(POKES_S):
            loop.call_at(start + POKES_S[i + 1], poke, i + 1)
        else:
            loop.call_later(0.5, close)

    loop.call_at(start + POKES_S[0], poke, 0)
    done.add_done_callback(lambda _: loop.add_callback(close))
