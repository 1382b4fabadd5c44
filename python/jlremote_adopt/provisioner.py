"""A kernel provisioner that wraps a kernel process started by an earlier (crashed) Jupyter server.

The process is not our child: it is polled through /proc (PID plus start time, so a reused PID is never taken for
it), signalled by its process group, and reaped by jlremote's keeper. A restart launches a fresh kernel the usual way.
"""
import asyncio
import os
import signal

from jupyter_client.provisioning.local_provisioner import LocalProvisioner


def proc_start_time(pid):
    """(state, start time) of a PID from /proc/PID/stat, or None when it does not exist."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            text = f.read()
    except OSError:
        return None
    rest = text[text.rindex(")") + 2:].split(" ")
    return rest[0], int(rest[19])


class AdoptedProvisioner(LocalProvisioner):
    """LocalProvisioner for a kernel that is already running (poll, signal, kill, wait by PID)."""

    adopted_pid = None
    adopted_start = None

    def adopt(self, pid, start_time):
        self.adopted_pid = pid
        self.adopted_start = start_time
        self.pid = pid
        try:
            self.pgid = os.getpgid(pid)
        except OSError:
            self.pgid = None

    def _adopted_alive(self):
        if self.adopted_pid is None:
            return False
        st = proc_start_time(self.adopted_pid)
        return st is not None and st[0] not in ("Z", "X", "x") and st[1] == self.adopted_start

    @property
    def has_process(self):
        return self.process is not None or self.adopted_pid is not None

    async def poll(self):
        if self.process is not None or self.adopted_pid is None:
            return await super().poll()
        # Not our child: its exit code is the keeper's to collect; 0 only says "gone".
        return None if self._adopted_alive() else 0

    async def wait(self):
        if self.process is not None or self.adopted_pid is None:
            return await super().wait()
        while self._adopted_alive():
            await asyncio.sleep(0.1)
        self.adopted_pid = None
        return 0

    async def send_signal(self, signum):
        if self.process is not None or self.adopted_pid is None:
            return await super().send_signal(signum)
        if not self._adopted_alive():
            return
        if self.pgid:
            try:
                os.killpg(self.pgid, signum)
                return
            except OSError:
                pass
        os.kill(self.adopted_pid, signum)

    async def kill(self, restart=False):
        if self.process is not None or self.adopted_pid is None:
            return await super().kill(restart=restart)
        try:
            await self.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass

    async def terminate(self, restart=False):
        if self.process is not None or self.adopted_pid is None:
            return await super().terminate(restart=restart)
        try:
            await self.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass

    async def pre_launch(self, **kwargs):
        # A restart: the kernel spec was left out at adoption (its look-up is slow); the kernel manager finds it now.
        if self.kernel_spec is None:
            self.kernel_spec = self.parent.kernel_spec
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd, **kwargs):
        # A restart of an adopted kernel: from now on a kernel of this server, like any other.
        self.adopted_pid = None
        return await super().launch_kernel(cmd, **kwargs)
