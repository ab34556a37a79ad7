"""The zygote and the worker of lockdownrun.

The zygote is a separate interpreter started by a Pool.  It imports the
preload list once, stays single-threaded, and forks one worker per run.
The worker sets its limits, closes every descriptor it must not keep,
locks the interpreter, runs the guest and reports through its control
socket.  The zygote only ever sees descriptors and limits: the guest's
code, input and output travel between the pool and the worker, so that no
guest's data is left in the zygote's memory for the next guest to find.

Everything this module imports is in sys.modules of every worker, so guests
can import it once locked; keep the list short.
"""

import builtins
import gc
import json
import linecache
import os
import resource
import select
import signal
import socket
import sys
import time
import traceback

import _lockdown_forget
import lockdownlib

# Messages between the pool and the zygote, one datagram each: a type byte
# followed by a JSON object.
MSG_INIT = b"I"       # pool -> zygote: {"path", "preload", "limits"}
MSG_READY = b"Y"      # zygote -> pool: {"pid", "early"}
MSG_FAILED = b"E"     # zygote -> pool: {"message": ...}, then the zygote exits
# pool -> zygote, with a run's 4 descriptors: {"t"}.  Fork a worker with the
# pool's limits and hand it the descriptors now; its guest comes later,
# written straight to its control socket by the pool, which then says
# MSG_START.  This keeps forking, locking and passing descriptors off the
# time a run takes.
MSG_PRIME = b"P"
MSG_START = b"S"      # pool -> zygote: {"t", "wall"}: a primed run began
# pool -> zygote, with 4 descriptors: {"t", "cpu", "memory", "wall"}: fork a
# worker with these limits for a run that begins now.
MSG_RUN = b"R"
MSG_KILL = b"K"       # pool -> zygote: {"t": ...}
MSG_FORKED = b"F"     # zygote -> pool: {"t", "pid"}: a run's worker
MSG_EXIT = b"X"       # zygote -> pool: {"t", "status", "cpu", "rss", ...}

MAX_MESSAGE = 1 << 20
# How many times the zygote looks for a worker it stopped before it leaves
# it to SIGCHLD.
STOP_SPINS = 200
# The largest message the pool sends the zygote (a run or a kill).
MAX_REQUEST = 4096

# The worker's descriptors once it has moved them into place: the run's
# four, then the worker's own socket to the zygote.
STDIN, STDOUT, STDERR, CTL, ZYGOTE = 0, 1, 2, 3, 4
# What a worker sends the zygote, in this order: it is locked and waits for
# its guest (the run's CPU time counts from here); it has its guest and
# starts it (before this, a death loses no run); it has reported: stop me.
WAITING = b"W"
STARTING = b"S"
DONE = b"D"
# Enough for the guest's own pipes and for lockdown()'s kernel layer, few
# enough that a guest cannot pin much kernel memory in filled pipes, which
# no memory limit counts.
NOFILE = 64
# The frame that ends a report: the JSON document, then its length as
# REPORT_DIGITS decimal digits.  The pool reads it from the end, so that
# whatever a guest wrote to the control socket before does not matter.
REPORT_DIGITS = 10
# A guest's exception message and traceback are cut to this many characters.
TEXT_MAX = 64 * 1024
# The exit code of a worker that failed before the guest could run.
EXIT_INTERNAL = 120
GUEST_FILENAME = "<guest>"


def frame_report(report):
    data = json.dumps(report).encode("utf-8")
    return data + b"%0*d" % (REPORT_DIGITS, len(data))


# Prepared before any guest runs: a worker that is out of memory can still
# say so.
_MEMORY_FRAME = frame_report({"status": "memory", "error": None,
                              "refused": None, "exit_code": 1})


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _clip(text):
    if len(text) > TEXT_MAX:
        return text[:TEXT_MAX] + "\n[... cut by lockdownrun]\n"
    return text


def _type_name(exc_type):
    module = getattr(exc_type, "__module__", None)
    name = getattr(exc_type, "__qualname__", None) or exc_type.__name__
    if not isinstance(module, str) or module == "builtins":
        return str(name)
    return f"{module}.{name}"


def _describe(exc, tb):
    """Return the report's "error" object for exc, whose traceback is tb.

    Called in the locked worker, so that the traceback hides paths exactly
    as the locked interpreter hides them."""
    try:
        message = str(exc)
    except BaseException:
        message = "<exception str() failed>"
    try:
        text = "".join(traceback.format_exception(type(exc), exc, tb))
    except BaseException:
        text = f"{_type_name(type(exc))}: {message}\n"
    return {"type": _type_name(type(exc)), "message": _clip(message),
            "traceback": _clip(text)}


def _set_limits(limits):
    # A core dump would write the guest's memory to disk.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # No file may grow: the worker has none, and should never have one.
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (NOFILE, NOFILE))
    # RLIMIT_CPU counts whole seconds; the profiling timer below ends the
    # guest at the limit itself, and the rlimit stays as a backstop.
    cpu = limits["cpu"]
    soft = int(cpu) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))
    signal.signal(signal.SIGPROF, signal.SIG_DFL)
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_PROF, cpu)
    # The memory limit is what the guest may add to the address space the
    # worker starts with, so that it does not depend on the preload list.
    # RLIMIT_NPROC is not set: it counts every process of the user, not
    # those of the worker, and lockdown already refuses fork.
    size = limits["memory"] * 1024 * 1024 + _address_space()
    resource.setrlimit(resource.RLIMIT_AS, (size, size))


def _address_space():
    try:
        fd = os.open("/proc/self/statm", os.O_RDONLY)
    except OSError:
        return 0
    try:
        pages = int(os.read(fd, 256).split()[0])
    finally:
        os.close(fd)
    return pages * resource.getpagesize()


def _lock():
    # The kernel layer where the interpreter offers it; and os._exit()
    # stays allowed, since this process is thrown away after one run and
    # finalizing an interpreter instead would cost milliseconds (it writes
    # to every page shared with the zygote).
    lockdownlib.lockdown(kernel=True, allow_exit=True)
    if not lockdownlib.is_locked():
        raise RuntimeError("lockdown() returned but the interpreter is "
                           "not locked")


def _keep_only(fd):
    # Move fd (the socket to the zygote) to ZYGOTE and close every
    # descriptor but 0-2 and ZYGOTE.  0-2 are the zygote's (/dev/null and
    # its stderr) until the run's own replace them.
    if fd != ZYGOTE:
        os.dup2(fd, ZYGOTE)
    os.closerange(CTL, ZYGOTE)
    os.closerange(ZYGOTE + 1, max(fd + 1, os.sysconf("SC_OPEN_MAX")))


def _place_descriptors(fds):
    # Move the run's four descriptors to 0-3, replacing what was there.
    # Going through numbers above all of them (and above ZYGOTE) first
    # means no move overwrites one that is still to be moved.
    high = max(*fds, ZYGOTE) + 1
    for i, fd in enumerate(fds):
        os.dup2(fd, high + i)
        os.close(fd)
    for i in range(len(fds)):
        os.dup2(high + i, i)
        os.close(high + i)


def _read_code(fd):
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def _receive_run():
    # The zygote sends the run's descriptors as soon as it has forked the
    # worker; its guest comes later, on CTL.
    sock = socket.socket(fileno=ZYGOTE)
    try:
        data, fds, _, _ = socket.recv_fds(sock, 16, 4)
    finally:
        sock.detach()
    if len(fds) != 4:
        raise ConnectionError("the zygote is gone")
    _place_descriptors(fds)


def worker(sock_fd, limits, early):
    """Run one guest in this freshly forked process; return the exit code.

    With early true, the worker locks before it receives the run's
    descriptors; otherwise just after."""
    exit_code = EXIT_INTERNAL
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _keep_only(sock_fd)
        # The stdio objects must be made before locking; they name
        # descriptors 0-2, whatever those hold when the guest runs.
        stdin = open(STDIN, "r", encoding="utf-8", closefd=False)
        stdout = open(STDOUT, "w", encoding="utf-8",
                      errors="backslashreplace", closefd=False,
                      buffering=1)
        stderr = open(STDERR, "w", encoding="utf-8",
                      errors="backslashreplace", closefd=False,
                      buffering=1)
        sys.stdin = sys.__stdin__ = stdin
        sys.stdout = sys.__stdout__ = stdout
        sys.stderr = sys.__stderr__ = stderr
        sys.argv = [""]
        _set_limits(limits)
        if early:
            _lock()
            _receive_run()
        else:
            _receive_run()
            _lock()
        _warm_worker()
        os.write(ZYGOTE, WAITING)
        code = _read_code(CTL)
        os.write(ZYGOTE, STARTING)
    except BaseException as exc:
        # No traceback: it would name the host's paths.
        report = {"status": "internal", "refused": None,
                  "error": _describe(exc, None)}
        _quietly(_write_all, CTL, frame_report(report))
        return EXIT_INTERNAL
    try:
        report, exit_code = _run_guest(code, stdout, stderr)
        report["exit_code"] = exit_code
        frame = frame_report(report)
    except MemoryError:
        frame = _MEMORY_FRAME
        exit_code = 1
    _quietly(_write_all, CTL, frame)
    _await_stop()
    return exit_code


def _await_stop():
    # Ask the zygote to stop this process, read its resource use and kill
    # it: the run is over, and an exit would tear the address space down
    # (most of it shared with the zygote, about a millisecond) before the
    # zygote could learn the process's resource use.  Stopped, the process
    # cannot use more; killed, it is torn down after the result.  The read
    # returns only if the zygote is gone or the guest closed or replaced
    # ZYGOTE; then this process exits.
    try:
        os.write(ZYGOTE, DONE)
        os.read(ZYGOTE, 1)
    except OSError:
        pass


def _run_guest(code, stdout, stderr):
    """Compile and run the guest in the locked worker.

    Return the report and the process exit code."""
    # Lockdown emptied linecache; the guest's own lines make its
    # tracebacks readable.
    lines = code.decode("utf-8", "replace").splitlines(True)
    linecache.cache[GUEST_FILENAME] = (len(code), None, lines,
                                       GUEST_FILENAME)
    main = type(sys)("__main__")
    main.__builtins__ = builtins
    # inspect finds a class's source through its module's __file__.
    main.__file__ = GUEST_FILENAME
    sys.modules["__main__"] = main
    report = {"status": "ok", "error": None, "refused": None}
    exit_code = 0
    try:
        try:
            compiled = compile(code, GUEST_FILENAME, "exec",
                               dont_inherit=True)
        except SyntaxError as exc:
            # As Python shows a script that does not compile: no frames.
            exc.__traceback__ = None
            raise
        exec(compiled, main.__dict__)
    except SystemExit as exc:
        exit_code = _exit_code(exc, stderr)
    except BaseException as exc:
        exit_code = 1
        # Skip this function's frame: the traceback starts in the guest.
        tb = exc.__traceback__
        if tb is not None and tb.tb_frame.f_code is _run_guest.__code__:
            tb = tb.tb_next
        report["error"] = _describe(exc, tb)
        if isinstance(exc, MemoryError):
            report["status"] = "memory"
        elif isinstance(exc, lockdownlib.LockdownError):
            report["status"] = "refused"
            report["refused"] = {"operation": exc.operation,
                                 "kind": exc.kind}
        else:
            report["status"] = "error"
        _quietly(stderr.write, report["error"]["traceback"])
    del main
    _wait_for_threads()
    _quietly(stdout.flush)
    _quietly(stderr.flush)
    return report, exit_code


def _exit_code(exc, stderr):
    # What the interpreter does with an uncaught SystemExit.
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xff
    _quietly(stderr.write, f"{code}\n")
    return 1


def _wait_for_threads():
    # As the interpreter does at exit: wait for the guest's non-daemon
    # threads (the wall clock bounds the wait).
    threading = sys.modules.get("threading")
    if threading is not None:
        _quietly(threading._shutdown)


def _quietly(func, *args):
    try:
        func(*args)
    except Exception:
        pass


def _warm_up():
    # Import now what formatting a traceback may import lazily, since the
    # locked worker cannot import it.
    def fail(kind):
        if kind == 0:
            return undefined_name  # noqa: F821
        if kind == 1:
            return sys.no_such_attribute
        if kind == 2:
            return compile("1 +\n", GUEST_FILENAME, "exec")
        raise ImportError("warm-up", name="x")

    for kind in range(4):
        try:
            fail(kind)
        except BaseException as exc:
            traceback.format_exception(exc)
    json.dumps({"a": [1.5, None, "\u20ac"]})


def _warm_worker():
    # The worker's pages are the zygote's until it writes them, and the
    # first write copies each one: make the copies the compiler, the
    # evaluation loop and the report need now, while the worker waits, not
    # once its guest has come.
    compiled = compile("x = [str(i) for i in range(3)]\n", GUEST_FILENAME,
                       "exec", dont_inherit=True)
    exec(compiled, {"__builtins__": builtins})
    frame_report({"status": "ok", "error": None, "refused": None,
                  "exit_code": 0})


class _WorkerExit(BaseException):
    """Ends a worker that may not call os._exit(): main() exits with code."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


_in_worker = False


def _exit(code):
    os._exit(code)


class _Job:
    """A worker the zygote has forked for a run (or a primed one)."""

    def __init__(self, token, sock):
        self.token = token
        self.sock = sock
        self.started = None      # time.monotonic() when the run began
        self.deadline = None
        self.killed = None       # why the zygote killed it: "wall", "kill"
        self.cpu = None          # its CPU time when it said WAITING
        self.starting = False    # it said STARTING


class _Zygote:
    def __init__(self, sock, limits):
        self.sock = sock
        self.limits = limits     # the pool's, those of primed workers
        self.jobs = {}           # pid -> _Job
        self.by_token = {}       # token -> pid
        self.by_socket = {}      # descriptor of a worker's socket -> pid
        self.poller = select.poll()
        self.early = self.self_test()

    def send(self, kind, obj):
        try:
            self.sock.send(kind + json.dumps(obj).encode())
        except OSError:
            # The pool is gone; receive() sees it next.
            pass

    def fork_worker(self, limits, early):
        mine, theirs = socket.socketpair(socket.AF_UNIX,
                                         socket.SOCK_SEQPACKET)
        try:
            pid = os.fork()
        except BaseException:
            mine.close()
            theirs.close()
            raise
        if pid == 0:
            # Nothing between here and main() may clean up: this is the
            # worker, and those descriptors are not its own any more.
            global _in_worker
            _in_worker = True
            _exit(worker(theirs.fileno(), limits, early))
        theirs.close()
        return pid, mine

    def self_test(self):
        """Return True if a worker can receive its run once locked.

        Locking before the run arrives takes lockdown() off the critical
        path, but needs descriptor calls that a stricter lockdown may
        refuse; the answer decides the order for this zygote's life."""
        pid, sock = self.fork_worker(self.limits, True)
        fds = [*os.pipe(), *os.pipe(), *os.pipe()]
        ctl, theirs = socket.socketpair()
        try:
            socket.send_fds(sock, [b"go"], [fds[0], fds[3], fds[5],
                                            theirs.fileno()])
            ctl.sendall(b"print(1)")
            ctl.shutdown(socket.SHUT_WR)
            theirs.close()
            for fd in (fds[0], fds[3], fds[5]):
                os.close(fd)
            # The worker says WAITING, STARTING, then DONE once it has
            # reported and waits to be stopped; closing its socket instead
            # lets it exit.
            sock.settimeout(30)
            said = [sock.recv(16), sock.recv(16), sock.recv(16)]
            sock.close()
            ctl.settimeout(30)
            report = b""
            while data := ctl.recv(1 << 16):
                report += data
            out = os.read(fds[2], 100)
        except OSError:
            return False
        finally:
            sock.close()
            ctl.close()
            for fd in (fds[1], fds[2], fds[4]):
                os.close(fd)
            os.waitpid(pid, 0)
        return (said == [WAITING, STARTING, DONE] and out == b"1\n"
                and report.startswith(b'{"status": "ok"'))

    def serve(self):
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_r, False)
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
        # A handler (rather than the default, ignore) makes SIGCHLD write
        # to the wake-up pipe.
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        self.poller.register(self.sock, select.POLLIN)
        self.poller.register(wake_r, select.POLLIN)
        sock_fd = self.sock.fileno()
        self.send(MSG_READY, {"pid": os.getpid(), "early": self.early})
        while True:
            timeout = None
            deadlines = [job.deadline for job in self.jobs.values()
                         if job.deadline is not None and not job.killed]
            if deadlines:
                timeout = max(0, (min(deadlines) - time.monotonic()) * 1000)
            for fd, _ in self.poller.poll(timeout):
                if fd == wake_r:
                    try:
                        while os.read(wake_r, 4096):
                            pass
                    except BlockingIOError:
                        pass
                elif fd == sock_fd:
                    if not self.receive():
                        self.shut_down()
                        return
                elif fd in self.by_socket:
                    self.from_worker(fd)
            self.reap()
            self.enforce_wall()

    def receive(self):
        try:
            data, fds, _, _ = socket.recv_fds(self.sock, MAX_REQUEST, 4)
        except ConnectionError:
            return False
        if not data:
            return False
        kind, body = data[:1], json.loads(data[1:])
        if kind in (MSG_PRIME, MSG_RUN):
            try:
                if kind == MSG_PRIME:
                    self.fork_job(body["t"], self.limits, fds)
                    self.warm()
                else:
                    limits = {"cpu": body["cpu"], "memory": body["memory"]}
                    self.begin(self.fork_job(body["t"], limits, fds),
                               body["wall"])
            finally:
                if not _in_worker:
                    for fd in fds:
                        os.close(fd)
        elif kind in (MSG_START, MSG_KILL):
            # The run may be over already: then there is nothing to do.
            pid = self.by_token.get(body["t"])
            if pid is not None and kind == MSG_START:
                self.begin(self.jobs[pid], body["wall"])
            elif pid is not None:
                job = self.jobs[pid]
                job.killed = job.killed or "kill"
                os.kill(pid, signal.SIGKILL)
        return True

    def fork_job(self, token, limits, fds):
        pid, sock = self.fork_worker(limits, self.early)
        job = self.jobs[pid] = _Job(token, sock)
        self.by_token[token] = pid
        try:
            socket.send_fds(sock, [b"go"], fds)
        except OSError:
            pass        # the worker died at once; reap() reports it
        sock.setblocking(False)
        self.by_socket[sock.fileno()] = pid
        self.poller.register(sock, select.POLLIN)
        self.send(MSG_FORKED, {"t": token, "pid": pid})
        return job

    def warm(self):
        # A fork shares every page of this process with the new worker,
        # and the first write to each copies it.  Write the pages that
        # ending a run writes now, while nothing runs, rather than when a
        # run ends and a client waits.
        job = _Job(0, None)
        job.starting = True
        self.reap()
        json.dumps({"t": job.token, "status": 0, "cpu": 0.0, "wall": 0.0,
                    "rss": 0, "killed": job.killed, "ready": job.starting})
        json.loads(b'{"t": 0, "wall": 1.0}')
        _process_cpu(os.getpid())
        self.begin(job, 1.0)

    @staticmethod
    def begin(job, wall):
        job.started = time.monotonic()
        job.deadline = job.started + wall

    def from_worker(self, fd):
        pid = self.by_socket[fd]
        job = self.jobs[pid]
        try:
            data = job.sock.recv(16)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data == WAITING and job.cpu is None:
            job.cpu = _process_cpu(pid) or 0.0
        elif data == STARTING and not job.starting:
            job.starting = True
        elif data:
            # DONE, or whatever a guest that has ZYGOTE wrote in its
            # stead: either way the run is over (a guest may end its own
            # run, as os._exit() does; it cannot say WAITING again to hide
            # its time, nor keep this loop busy).  The worker has reported
            # and waits (see _await_stop).
            os.kill(pid, signal.SIGSTOP)
            self.forget_socket(fd)
            self.await_stop(pid)
        else:
            # The worker is gone, and its exit follows.
            self.forget_socket(fd)

    def await_stop(self, pid):
        # The worker waits in a read and stops within microseconds: wait
        # for it here rather than for SIGCHLD to wake this loop, briefly
        # (a thread of the guest's may hold it up); reap() does the rest.
        for _ in range(STOP_SPINS):
            try:
                stopped, status, usage = os.wait4(
                    pid, os.WNOHANG | os.WUNTRACED)
            except ChildProcessError:
                return
            if stopped:
                self.ended(pid, status, usage)
                return
            os.sched_yield()

    def forget_socket(self, fd):
        if self.by_socket.pop(fd, None) is not None:
            self.poller.unregister(fd)

    def reap(self):
        while True:
            try:
                pid, status, usage = os.wait4(-1,
                                              os.WNOHANG | os.WUNTRACED)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.ended(pid, status, usage)

    def ended(self, pid, status, usage):
        job = self.jobs.pop(pid, None)
        if os.WIFSTOPPED(status):
            # A worker that has reported, or a guest that stopped itself:
            # either way the run is over, and the use of a stopped process
            # is final.  Its exit comes back to reap() with no job.
            os.kill(pid, signal.SIGKILL)
        if job is not None:
            self.finish(job, status, usage)

    def finish(self, job, status, usage):
        del self.by_token[job.token]
        # Whether the worker said STARTING (perhaps still unread): if it
        # did not, its guest never ran, and the pool may run it elsewhere.
        ready = job.starting
        while not ready:
            try:
                data = job.sock.recv(16)
            except OSError:
                break
            if not data:
                break
            ready = data == STARTING
        self.forget_socket(job.sock.fileno())
        job.sock.close()
        rss = usage.ru_maxrss
        if sys.platform != "darwin":
            rss *= 1024      # kilobytes everywhere but macOS
        cpu = usage.ru_utime + usage.ru_stime - (job.cpu or 0.0)
        wall = 0.0 if job.started is None else time.monotonic() - job.started
        self.send(MSG_EXIT, {
            "t": job.token, "status": status, "cpu": max(0.0, cpu),
            "wall": wall, "rss": rss, "killed": job.killed, "ready": ready})

    def enforce_wall(self):
        now = time.monotonic()
        for pid, job in self.jobs.items():
            if (job.deadline is not None and job.deadline <= now
                    and job.killed is None):
                job.killed = "wall"
                os.kill(pid, signal.SIGKILL)

    def shut_down(self):
        # The pool is gone: nobody will read these workers' results.
        for pid, job in self.jobs.items():
            os.kill(pid, signal.SIGKILL)
            job.sock.close()
        while True:
            try:
                os.wait()
            except ChildProcessError:
                return


def _process_cpu(pid):
    """Return the CPU time process pid has used so far, or None.

    Read from the process's CPU-time clock, which Linux names by the pid
    as clock_getcpuclockid() does; any process may read it."""
    if sys.platform != "linux":
        return None
    try:
        return time.clock_gettime((~pid << 3) | 2)
    except OSError:
        return None


def _peak_rss(pid):
    """Return the peak resident set size of process pid in bytes, or None.

    The kernel's VmHWM, what wait4() reports as ru_maxrss."""
    try:
        fd = os.open(f"/proc/{pid}/status", os.O_RDONLY)
    except OSError:
        return None
    try:
        data = os.read(fd, 4096)
    except OSError:
        return None
    finally:
        os.close(fd)
    start = data.find(b"\nVmHWM:")
    if start < 0:
        return None
    fields = data[start + 7:data.find(b"\n", start + 1)].split()
    if len(fields) != 2 or fields[1] != b"kB" or not fields[0].isdigit():
        return None
    return int(fields[0]) * 1024


def main():
    try:
        _main()
    except _WorkerExit as exc:
        if not _in_worker:
            raise
        sys.exit(exc.code)


def _main():
    sock = socket.socket(fileno=int(sys.argv[1]))
    init = json.loads(sock.recv(MAX_MESSAGE)[1:])
    sys.path[:] = init["path"]
    # The terminal's Ctrl-C is for the pool, which closes the zygote.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The modules reviewed as safe to import before locking are imported
    # once here (a locked worker could import them, but each run would pay
    # for it), with what lockdown() itself imports, then the host's list.
    for name in (sorted(lockdownlib.SAFE_MODULES) + ["_lockdown_forget"]
                 + list(init["preload"])):
        try:
            __import__(name)
        except BaseException as exc:
            message = (f"cannot preload {name!r}: "
                       f"{_type_name(type(exc))}: {exc}")
            sock.send(MSG_FAILED + json.dumps({"message": message}).encode())
            return
    _warm_up()
    # What lockdown() would load in every worker, loaded once.
    _lockdown_forget.prepare()
    # Objects made so far live as long as the zygote: freezing them keeps
    # the collector from touching (and so copying) their pages in every
    # worker.
    gc.collect()
    gc.freeze()
    _Zygote(sock, init["limits"]).serve()
