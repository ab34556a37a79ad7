"""Run untrusted Python code in locked, limited worker processes.

A Pool starts a zygote interpreter that imports the preload list once; each
run forks a worker from it, which sets its resource limits, locks itself
with lockdownlib.lockdown(), runs the guest and reports a Result.
"""

import collections
import concurrent.futures
import dataclasses
import json
import math
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time

from . import _zygote

__all__ = ["Limits", "Pool", "PoolError", "Result", "STATUSES"]

STATUSES = ("ok", "error", "refused", "timeout", "memory", "output",
            "crashed", "invalid")

# The largest guest source and guest input a run accepts, in bytes.
MAX_CODE = 16 * 1024 * 1024
MAX_STDIN = 16 * 1024 * 1024
# The most a worker may write to its control socket: its report.
MAX_REPORT = 1024 * 1024
MAX_WORKERS = 1024
# How long a starting zygote may take to import its preload list.
START_TIMEOUT = 60.0
# A zygote that dies is restarted, MAX_RESTARTS times in RESTART_WINDOW
# seconds at most; then the pool is broken.
MAX_RESTARTS = 3
RESTART_WINDOW = 60.0

_READ = selectors.EVENT_READ
_WRITE = selectors.EVENT_WRITE
_CHUNK = 1 << 16
# How often a run is started again whose worker died before it could read
# the guest.
MAX_ATTEMPTS = 3
# The largest message the zygote sends once started (a run's end).
_ZYGOTE_REPLY = 1 << 16


class PoolError(RuntimeError):
    """The pool cannot run guests: closed, or its zygote failed."""


# name: (unit, type, lowest, highest, lowest allowed)
_LIMITS = {
    "cpu": ("seconds", float, 0, 3600, False),
    "wall": ("seconds", float, 0, 86400, False),
    "memory": ("MiB", int, 16, 1024 * 1024, True),
    "output": ("KiB", int, 0, 1024 * 1024, True),
}


@dataclasses.dataclass(frozen=True)
class Limits:
    """The limits of one run.

    cpu: CPU time, in seconds; wall: elapsed time, in seconds; memory:
    address space the guest may add to the worker's, in MiB; output: bytes
    written to stdout and stderr together, in KiB.
    """

    cpu: float = 2.0
    wall: float = 5.0
    memory: int = 256
    output: int = 64

    def __post_init__(self):
        for name, (unit, kind, low, high, closed) in _LIMITS.items():
            value = getattr(self, name)
            ok = (isinstance(value, (int, float))
                  and not isinstance(value, bool)
                  and (kind is float or isinstance(value, int))
                  and math.isfinite(value)
                  and (low <= value if closed else low < value)
                  and value <= high)
            if not ok:
                opening = "[" if closed else "("
                what = "a number" if kind is float else "an integer"
                raise ValueError(
                    f"limit {name!r} must be {what} of {unit} in "
                    f"{opening}{low}, {high}], not {value!r}")

    @classmethod
    def from_dict(cls, data, base=None):
        """Return the limits of data (a mapping), the others from base."""
        if not isinstance(data, dict):
            raise ValueError(f"limits must be an object, not {data!r}")
        unknown = set(data) - set(_LIMITS)
        if unknown:
            raise ValueError(f"unknown limit {sorted(unknown)[0]!r}; "
                             f"limits are {', '.join(_LIMITS)}")
        return dataclasses.replace(base or cls(), **data)

    def to_dict(self):
        return dataclasses.asdict(self)

    def exceeding(self, ceiling):
        """Return the name of the first limit above ceiling's, or None."""
        for name in _LIMITS:
            if getattr(self, name) > getattr(ceiling, name):
                return name
        return None


@dataclasses.dataclass
class Result:
    """What became of one run; see the module documentation."""

    status: str
    timeout: str | None = None
    exit_code: int | None = None
    signal: int | None = None
    stdout: str = ""
    stderr: str = ""
    truncated: bool = False
    cpu_s: float = 0.0
    wall_s: float = 0.0
    max_rss_bytes: int = 0
    refused: dict | None = None
    error: dict | None = None

    def to_dict(self):
        # dataclasses.asdict() deep-copies, at a cost every served run
        # pays; only the two mappings need a copy.
        data = {name: getattr(self, name) for name in _RESULT_FIELDS}
        for name in ("refused", "error"):
            if data[name] is not None:
                data[name] = dict(data[name])
        return data

    def to_json(self, **kwargs):
        return json.dumps(self.to_dict(), **kwargs)


_RESULT_FIELDS = tuple(field.name for field in dataclasses.fields(Result))


def _invalid(message, exc_type="ValueError"):
    return Result("invalid", error={"type": exc_type, "message": message,
                                    "traceback": ""})


def _as_bytes(value, what, limit):
    if isinstance(value, str):
        # Lone surrogates pass through as the invalid UTF-8 they stand
        # for: the guest's compile() then reports a SyntaxError, as the
        # interpreter does for such a file.
        value = value.encode("utf-8", "surrogatepass")
    elif isinstance(value, (bytes, bytearray, memoryview)):
        value = bytes(value)
    else:
        raise TypeError(f"{what} must be str or bytes, "
                        f"not {type(value).__name__}")
    if len(value) > limit:
        raise ValueError(f"{what} is {len(value)} bytes; the most is {limit}")
    return value


def _parse_report(data):
    # The report is the last frame of what the worker wrote; see
    # _zygote.frame_report.
    digits = _zygote.REPORT_DIGITS
    try:
        size = int(data[-digits:])
        if size < 0 or size + digits > len(data):
            return None
        report = json.loads(data[-digits - size:-digits])
    except ValueError:
        return None
    if not isinstance(report, dict) or report.get("status") not in (
            "ok", "error", "refused", "memory", "internal"):
        return None
    return report


class _Run:
    def __init__(self, code, stdin, limits, future):
        self.source = code
        self.stdin = stdin
        self.limits = limits
        self.future = future
        self.attempts = 0
        self.reset()

    def reset(self):
        self.code = self.source  # what is still to send, or None
        self.token = None
        # The worker's pid and CPU time when the run began, if known and
        # readable: then the run ends when its report is whole (see
        # Pool._report_whole).
        self.pid = None
        self.cpu = None
        self.started = None
        self.out = bytearray()
        self.err = bytearray()
        self.report = bytearray()
        self.truncated = False
        self.kill_reason = None
        self.exit = None
        self.fds = {}            # descriptor -> role, while open
        self.ctl = None
        self.code_sent = 0
        self.stdin_sent = 0


class _Slot:
    """The pool's ends of a run's descriptors."""

    def __init__(self, token, in_w, out_r, err_r, ctl):
        self.token = token
        self.in_w = in_w
        self.out_r = out_r
        self.err_r = err_r
        self.ctl = ctl

    def close(self):
        for fd in (self.in_w, self.out_r, self.err_r):
            os.close(fd)
        self.ctl.close()


class Pool:
    """A zygote and up to `workers` locked workers forked from it."""

    def __init__(self, workers=None, limits=None, preload=(), *,
                 _primed=None):
        if workers is None:
            workers = os.process_cpu_count() or 1
        if (not isinstance(workers, int) or isinstance(workers, bool)
                or not 1 <= workers <= MAX_WORKERS):
            raise ValueError(f"workers must be an integer in "
                             f"[1, {MAX_WORKERS}], not {workers!r}")
        if limits is None:
            limits = Limits()
        elif isinstance(limits, dict):
            limits = Limits.from_dict(limits)
        elif not isinstance(limits, Limits):
            raise TypeError("limits must be a Limits or a dict")
        if isinstance(preload, str):
            preload = [preload]
        preload = list(preload)
        for name in preload:
            if not isinstance(name, str) or not name:
                raise ValueError(f"bad module name in preload: {name!r}")
        self.workers = workers
        self.limits = limits
        self.preload = tuple(preload)
        self._lock = threading.Lock()
        self._queue = collections.deque()
        self._closing = False
        self._cancel = False
        self._broken = None
        self._active = {}        # token -> _Run
        self._next_token = 0
        self._deaths = []        # when zygotes died (monotonic)
        # Runs made ready ahead of need (see _zygote.MSG_PRIME), for runs
        # with the pool's limits: _Slot, oldest first.  One more than can
        # run at once, so that one is ready while the next is primed.
        self._primed = collections.deque()
        self._prime_target = workers + 1 if _primed is None else _primed
        self._prime_failures = 0
        self._pids = {}          # token -> pid of its worker
        self._calls = collections.deque()
        self._start_zygote()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._wake_r, _READ, None)
        self._selector.register(self._zsock, _READ, None)
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name="lockdownrun-pool")
        self._thread.start()

    # -- the zygote ---------------------------------------------------------

    def _start_zygote(self):
        mine, theirs = socket.socketpair(socket.AF_UNIX,
                                         socket.SOCK_SEQPACKET)
        try:
            # -I -S: the zygote's sys.path is the pool's (sent below), and
            # no site hook runs in it.
            self._process = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c",
                 "from lockdownrun._zygote import main; main()",
                 str(theirs.fileno())],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, start_new_session=True)
        except BaseException:
            mine.close()
            raise
        finally:
            theirs.close()
        self._zsock = mine
        try:
            mine.send(_zygote.MSG_INIT + json.dumps(
                {"path": sys.path, "preload": self.preload,
                 "limits": {"cpu": self.limits.cpu,
                            "memory": self.limits.memory}}).encode())
            mine.settimeout(START_TIMEOUT)
            data = mine.recv(_zygote.MAX_MESSAGE)
            mine.settimeout(None)
            if data[:1] == _zygote.MSG_READY:
                ready = json.loads(data[1:])
                self.zygote_pid = ready["pid"]
                self._early_lock = ready["early"]
                return
            if data[:1] == _zygote.MSG_FAILED:
                raise PoolError(json.loads(data[1:])["message"])
            raise PoolError("the zygote exited while starting")
        except BaseException:
            self._stop_zygote()
            raise

    def _zygote_died(self):
        self._pids.clear()
        # Killed, or out of memory: the runs it had are lost (their workers
        # go with it: they share its process group), and a new zygote
        # serves the runs still queued, unless zygotes keep dying.
        try:
            os.killpg(self.zygote_pid, signal.SIGKILL)
        except OSError:
            pass
        now = time.monotonic()
        self._deaths = [t for t in self._deaths
                        if now - t < RESTART_WINDOW] + [now]
        with self._lock:
            self._fail_all("the zygote exited during this run")
        self._drop_primed()
        self._stop_zygote()
        if len(self._deaths) > MAX_RESTARTS:
            reason = (f"the zygote exited {len(self._deaths)} times in "
                      f"{RESTART_WINDOW:.0f} s")
        else:
            try:
                self._start_zygote()
            except BaseException as exc:
                reason = f"the zygote exited and could not restart: {exc}"
            else:
                self._selector.register(self._zsock, _READ, None)
                return
        with self._lock:
            self._broken = reason
            self._fail_all(reason)

    def _stop_zygote(self):
        # The zygote kills its workers and exits when its socket closes.
        self._zsock.close()
        try:
            self._process.wait(5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    # -- the public interface -------------------------------------------------

    def submit(self, code, stdin=b"", limits=None):
        """Start running code (str or bytes); return a Future of its Result.

        limits is None (the pool's), a Limits, or a dict of the limits that
        differ from the pool's."""
        code = _as_bytes(code, "code", MAX_CODE)
        stdin = _as_bytes(stdin, "stdin", MAX_STDIN)
        if limits is None:
            limits = self.limits
        elif isinstance(limits, dict):
            limits = Limits.from_dict(limits, self.limits)
        elif not isinstance(limits, Limits):
            raise TypeError("limits must be a Limits or a dict")
        future = concurrent.futures.Future()
        with self._lock:
            if self._closing:
                raise PoolError("the pool is closed")
            if self._broken:
                raise PoolError(self._broken)
            self._queue.append(_Run(code, stdin, limits, future))
        self._wake()
        return future

    def run(self, code, stdin=b"", limits=None):
        """Run code in a new worker and return its Result."""
        return self.submit(code, stdin, limits).result()

    async def run_async(self, code, stdin=b"", limits=None):
        """Like run(), for asyncio: await pool.run_async(code)."""
        import asyncio
        return await asyncio.wrap_future(self.submit(code, stdin, limits))

    def close(self, cancel=False):
        """Stop the pool once the runs submitted have finished.

        With cancel true, runs not yet started are cancelled and the workers
        that are running are killed; their futures raise PoolError."""
        with self._lock:
            self._closing = True
            self._cancel = self._cancel or cancel
        self._wake()
        if self._thread is not threading.current_thread():
            self._thread.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _wake(self):
        try:
            os.write(self._wake_w, b"\0")
        except (BlockingIOError, OSError):
            pass  # full: the loop is awake already; closed: it is over

    # -- the loop, in the pool's own thread ---------------------------------

    def _loop(self):
        try:
            while True:
                for key, events in self._selector.select():
                    data = key.data
                    if key.fd == self._wake_r:
                        self._drain_wake()
                    elif key.fd == self._zsock.fileno():
                        self._from_zygote()
                    elif not isinstance(data, _Run):
                        data()      # see _watch()
                    elif key.fd in data.fds:
                        # (An earlier event of this batch may have closed
                        # it: no descriptor is made before the batch ends.)
                        self._on_event(data, key.fd, events)
                self._run_calls()
                if self._take_new() and not self._active:
                    break
                self._prime()
        except BaseException as exc:
            with self._lock:
                self._broken = f"the pool failed: {exc!r}"
                self._fail_all(self._broken)
            raise
        finally:
            self._shut_down()

    def _drain_wake(self):
        try:
            while os.read(self._wake_r, 4096):
                pass
        except BlockingIOError:
            pass

    # -- running code in the pool's thread (lockdownrun serve) --------------

    def _call_soon(self, func):
        """Call func() in the pool's thread, soon."""
        with self._lock:
            self._calls.append(func)
        self._wake()

    def _run_calls(self):
        while True:
            with self._lock:
                if not self._calls:
                    return
                func = self._calls.popleft()
            func()

    def _watch(self, fd, callback):
        """Call callback() in the pool's thread whenever fd is readable;
        call this in the pool's thread (from a _call_soon() function)."""
        self._selector.register(fd, _READ, callback)

    def _unwatch(self, fd):
        self._selector.unregister(fd)

    # -- starting runs ------------------------------------------------------

    def _take_new(self):
        """Start queued runs while workers are free; return True once closing
        and nothing is left to start."""
        with self._lock:
            if self._cancel:
                while self._queue:
                    self._queue.popleft().future.cancel()
                if self._active:
                    self._fail_all("the pool was closed")
            while (self._queue and not self._broken
                   and len(self._active) < self.workers):
                self._start(self._queue.popleft())
            return self._closing and not self._queue

    def _make_slot(self, kind, request):
        """Make a run's pipes and control socket and send the worker's ends
        to the zygote with message kind; return the pool's ends."""
        self._next_token += 1
        token = request["t"] = self._next_token
        in_r, in_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        ctl, ctl_theirs = socket.socketpair()
        try:
            socket.send_fds(self._zsock,
                            [kind + json.dumps(request).encode()],
                            [in_r, out_w, err_w, ctl_theirs.fileno()])
        except OSError as exc:
            for fd in (in_w, out_r, err_r):
                os.close(fd)
            ctl.close()
            self._broken = "the zygote is gone"
            raise PoolError(f"the zygote is gone: {exc}") from None
        finally:
            for fd in (in_r, out_w, err_w):
                os.close(fd)
            ctl_theirs.close()
        return _Slot(token, in_w, out_r, err_r, ctl)

    def _prime(self):
        # Forking and locking a worker takes far longer than a run: keep
        # workers ready.  Priming one makes the zygote fork, so while runs
        # are active it waits until none is ready.
        while (len(self._primed) < self._prime_target and not self._closing
               and not self._broken and self._prime_failures < 3
               and (not self._active or not self._primed)):
            try:
                self._primed.append(self._make_slot(_zygote.MSG_PRIME, {}))
            except PoolError:
                return

    def _drop_primed(self, token=None):
        """Close the slots primed (only token's, if given)."""
        for slot in list(self._primed):
            if token is None or slot.token == token:
                self._primed.remove(slot)
                slot.close()

    def _start(self, run):
        if run.attempts == 0 and not run.future.set_running_or_notify_cancel():
            return
        try:
            if run.limits == self.limits and self._primed:
                slot = self._primed.popleft()
                self._zsock.send(_zygote.MSG_START + json.dumps(
                    {"t": slot.token, "wall": run.limits.wall}).encode())
            else:
                slot = self._make_slot(_zygote.MSG_RUN, {
                    "cpu": run.limits.cpu, "wall": run.limits.wall,
                    "memory": run.limits.memory})
        except OSError as exc:
            run.future.set_exception(PoolError(f"the zygote is gone: {exc}"))
            self._broken = "the zygote is gone"
            return
        run.token = slot.token
        run.started = time.monotonic()
        run.pid = self._pids.get(run.token)
        if run.pid is not None:
            run.cpu = _zygote._process_cpu(run.pid)
        self._active[run.token] = run
        run.ctl = slot.ctl
        for fd in (slot.in_w, slot.out_r, slot.err_r):
            os.set_blocking(fd, False)
        slot.ctl.setblocking(False)
        run.fds = {slot.out_r: "out", slot.err_r: "err",
                   slot.ctl.fileno(): "ctl", slot.in_w: "in"}
        # Most code and input fit in the buffers: write them now rather
        # than wait for the selector.
        self._send_code(run)
        self._send_stdin(run)
        for fd, role in run.fds.items():
            events = _READ
            if role == "in" or (role == "ctl" and run.code is not None):
                events = _WRITE if role == "in" else _READ | _WRITE
            self._selector.register(fd, events, run)

    def _send_code(self, run):
        try:
            while run.code_sent < len(run.code):
                run.code_sent += run.ctl.send(
                    memoryview(run.code)[run.code_sent:][:1 << 20])
        except BlockingIOError:
            return
        except OSError:
            pass  # the worker is gone; its exit tells why
        run.code = None
        try:
            run.ctl.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        if run.ctl.fileno() in self._selector.get_map():
            self._selector.modify(run.ctl, _READ, run)

    def _send_stdin(self, run):
        fd = next(fd for fd, role in run.fds.items() if role == "in")
        try:
            while run.stdin_sent < len(run.stdin):
                run.stdin_sent += os.write(
                    fd, memoryview(run.stdin)[run.stdin_sent:][:_CHUNK])
        except BlockingIOError:
            return
        except OSError:
            pass  # the guest closed its input or is gone
        self._close_fd(run, fd)

    def _close_fd(self, run, fd):
        role = run.fds.pop(fd)
        if fd in self._selector.get_map():
            self._selector.unregister(fd)
        if role == "ctl":
            run.ctl.close()
        else:
            os.close(fd)

    def _on_event(self, run, fd, events):
        role = run.fds[fd]
        if role == "in":
            self._send_stdin(run)
        elif role == "ctl":
            if events & _WRITE and run.code is not None:
                self._send_code(run)
            if events & _READ:
                self._read(run, fd, role)
        else:
            self._read(run, fd, role)
        self._maybe_finish(run)

    def _read(self, run, fd, role):
        """Read what fd has; return False if it had nothing yet."""
        if role == "ctl":
            return self._read_report(run, fd)
        return self._read_output(run, fd,
                                 run.out if role == "out" else run.err)

    def _read_output(self, run, fd, buffer):
        try:
            data = os.read(fd, _CHUNK)
        except BlockingIOError:
            return False
        if not data:
            self._close_fd(run, fd)
            return True
        room = run.limits.output * 1024 - len(run.out) - len(run.err)
        if len(data) <= room:
            buffer += data
            return True
        buffer += data[:room]
        run.truncated = True
        self._kill(run, "output")
        # Nothing more of its output will be kept.
        for other, role in list(run.fds.items()):
            if role in ("out", "err"):
                self._close_fd(run, other)
        return True

    def _read_report(self, run, fd):
        try:
            data = run.ctl.recv(_CHUNK)
        except BlockingIOError:
            return False
        except OSError:
            data = b""
        if not data:
            self._close_fd(run, fd)
            return True
        run.report += data
        if len(run.report) > MAX_REPORT:
            self._kill(run, "report")
            self._close_fd(run, fd)
        elif run.cpu is not None and run.exit is None:
            self._report_whole(run)
        return True

    def _report_whole(self, run):
        # Once the worker's report is whole, the run is over: the worker
        # asks the zygote to stop it, which reads its resource use from
        # wait4() and tells this pool.  Where the pool can read the same
        # figures itself (the worker's CPU-time clock, its peak memory in
        # /proc), it ends the run now, a wake-up of the zygote and a
        # message sooner; the zygote's message then finds no run.  A guest
        # that writes a whole report of its own ends its run early, as it
        # could with os._exit().
        report = _parse_report(bytes(run.report))
        if report is None or run.kill_reason:
            return
        cpu = _zygote._process_cpu(run.pid)
        rss = _zygote._peak_rss(run.pid)
        if cpu is None or rss is None:
            run.cpu = None      # the zygote's figures, then
            return
        run.exit = {"t": run.token, "status": None,
                    "cpu": max(0.0, cpu - run.cpu),
                    "wall": time.monotonic() - run.started, "rss": rss,
                    "killed": None, "ready": True}
        self._prime_failures = 0
        self._drain(run)
        self._maybe_finish(run)

    def _kill(self, run, reason):
        # The reason counts even when the worker has already exited: its
        # output may be read after its exit is (a guest that printed past
        # the cap and ended at once).  Only a live worker is killed.
        if run.kill_reason is None:
            run.kill_reason = reason
            if run.exit is None:
                self._zsock.send(_zygote.MSG_KILL
                                 + json.dumps({"t": run.token}).encode())

    def _from_zygote(self):
        try:
            data = self._zsock.recv(_ZYGOTE_REPLY)
        except OSError:
            data = b""
        if data[:1] == _zygote.MSG_FORKED:
            body = json.loads(data[1:])
            self._pids[body["t"]] = body["pid"]
            return
        if data[:1] != _zygote.MSG_EXIT:
            self._selector.unregister(self._zsock)
            self._zygote_died()
            return
        body = json.loads(data[1:])
        self._pids.pop(body["t"], None)
        run = self._active.get(body["t"])
        if (run is not None and not body["ready"] and not body["killed"]
                and not run.kill_reason and run.attempts < MAX_ATTEMPTS):
            # Its worker died before it could read the guest (a primed
            # worker killed from outside): nothing ran; run it again.
            self._release(run)
            run.attempts += 1
            run.reset()
            with self._lock:
                self._queue.appendleft(run)
        elif run is not None:
            run.exit = body
            self._drain(run)
            self._maybe_finish(run)
            if os.WIFSTOPPED(body["status"]):
                self._prime_failures = 0    # a worker locked and ran
        elif any(slot.token == body["t"] for slot in self._primed):
            # A primed worker died before its run: killed from outside
            # (another is primed), or it failed to lock.  After a few such
            # failures in a row, runs fork their own workers, and report
            # why they fail.
            self._drop_primed(body["t"])
            status = body["status"]
            if (os.WIFEXITED(status)
                    and os.WEXITSTATUS(status) == _zygote.EXIT_INTERNAL):
                self._prime_failures += 1

    def _drain(self, run):
        # The worker is stopped or dead: what it wrote is all in the
        # buffers, and a stopped worker's descriptors stay open until the
        # zygote's kill has torn it down, so read to the end of the
        # buffers rather than wait for their end of file.
        for fd, role in list(run.fds.items()):
            if role == "in":
                continue
            while fd in run.fds and self._read(run, fd, role):
                pass
            if fd in run.fds:
                self._close_fd(run, fd)

    def _maybe_finish(self, run):
        if (run.exit is None or run.future.done()
                or any(role != "in" for role in run.fds.values())):
            return
        self._release(run)
        try:
            result = self._result(run)
        except Exception as exc:
            run.future.set_exception(exc)
        else:
            run.future.set_result(result)

    def _release(self, run):
        for fd in list(run.fds):
            self._close_fd(run, fd)
        self._active.pop(run.token, None)

    def _fail_all(self, message):
        for run in list(self._active.values()):
            self._release(run)
            if not run.future.done():
                run.future.set_exception(PoolError(message))
        if self._broken:
            while self._queue:
                run = self._queue.popleft()
                if run.future.set_running_or_notify_cancel():
                    run.future.set_exception(PoolError(message))

    def _shut_down(self):
        self._selector.close()
        os.close(self._wake_r)
        with self._lock:
            os.close(self._wake_w)
            self._wake_w = -1
        # The zygote first: the primed workers must not see their guest's
        # end of file and run nothing.
        self._stop_zygote()
        self._drop_primed()

    @staticmethod
    def _result(run):
        body = run.exit
        status = body["status"]
        exit_code = sig = None
        report = None if run.kill_reason else _parse_report(bytes(run.report))
        if status is None or os.WIFSTOPPED(status):
            # Stopped once it had reported, at its own request; a worker
            # that stopped with no report was stopped by its guest.
            if report is None:
                sig = os.WSTOPSIG(status)
            else:
                exit_code = report.get("exit_code")
                if not isinstance(exit_code, int) or isinstance(
                        exit_code, bool):
                    exit_code = None
                    report = None
        elif os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
        else:
            exit_code = os.waitstatus_to_exitcode(status)
        cpu = body["cpu"]
        result = Result(
            status="ok", exit_code=exit_code, signal=sig,
            stdout=run.out.decode("utf-8", "replace"),
            stderr=run.err.decode("utf-8", "replace"),
            truncated=run.truncated, cpu_s=round(cpu, 6),
            wall_s=round(body["wall"], 6), max_rss_bytes=body["rss"])
        if report is not None:
            result.error = report["error"]
        if body["killed"] == "wall":
            result.status, result.timeout = "timeout", "wall"
        elif run.kill_reason == "output":
            result.status = "output"
        elif (sig in (signal.SIGPROF, signal.SIGXCPU)
              or (sig == signal.SIGKILL and not body["killed"]
                  and cpu >= run.limits.cpu)):
            result.status, result.timeout = "timeout", "cpu"
        elif sig == signal.SIGKILL and not body["killed"]:
            # Nothing of ours sent it: on Linux, the out-of-memory killer.
            result.status = "memory"
        elif sig is not None:
            result.status = "crashed"
        elif report is None:
            # The guest ended the process itself (os._exit()), or the
            # worker failed before it could report.
            if exit_code == _zygote.EXIT_INTERNAL:
                result.status = "crashed"
        elif report["status"] == "internal":
            result.status = "crashed"
        else:
            result.status = report["status"]
            if result.status == "refused":
                result.refused = report["refused"]
        return result
