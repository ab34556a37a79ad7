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
MSG_INIT = b"I"       # pool -> zygote: {"path", "preload", "limits", "spares"}
MSG_READY = b"Y"      # zygote -> pool: {"pid", "early"}
MSG_FAILED = b"F"     # zygote -> pool: {"message": ...}, then the zygote exits
MSG_RUN = b"R"        # pool -> zygote, with 4 descriptors: {"t", "cpu", ...}
MSG_KILL = b"K"       # pool -> zygote: {"t": ...}
MSG_EXIT = b"X"       # zygote -> pool: {"t", "status", "cpu", "rss", ...}

MAX_MESSAGE = 1 << 20

# The worker's descriptors once it has moved them into place.
STDIN, STDOUT, STDERR, CTL = 0, 1, 2, 3
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
    # Move fd (the socket to the zygote) to CTL and close every descriptor
    # but 0-2 and CTL.  0-2 are the zygote's (/dev/null and its stderr)
    # until the run's own replace them.
    if fd != CTL:
        os.dup2(fd, CTL)
    os.closerange(CTL + 1, max(fd + 1, os.sysconf("SC_OPEN_MAX")))


def _place_descriptors(fds):
    # Move the run's four descriptors to 0-3, replacing what was there.
    # Going through numbers above all of them first means no move
    # overwrites one that is still to be moved.
    high = max(fds) + 1
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
    # The zygote sends the run's descriptors once it has a run for this
    # worker; a worker forked ahead of need (a spare) waits here.
    sock = socket.socket(fileno=CTL)
    try:
        data, fds, _, _ = socket.recv_fds(sock, 16, 4)
    finally:
        sock.detach()   # the descriptor number is reused just below
    if len(fds) != 4:
        raise ConnectionError("the zygote is gone")
    _place_descriptors(fds)


def worker(sock_fd, limits, early):
    """Run one guest in this freshly forked process; return the exit code.

    With early true, the worker locks before it receives the run (so a
    spare worker has locked before the run arrives); otherwise just
    after."""
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
        code = _read_code(CTL)
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
    return exit_code


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


class _WorkerExit(BaseException):
    """Ends a worker that may not call os._exit(): main() exits with code."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


_in_worker = False


def _exit(code):
    os._exit(code)


class _Zygote:
    def __init__(self, sock, spare_limits, spares):
        self.sock = sock
        self.running = {}        # pid -> [token, started, deadline, killed]
        self.by_token = {}       # token -> pid
        # Workers forked and locked ahead of need, for runs with the
        # pool's limits: (pid, socket), oldest first.
        self.spares = []
        self.spare_limits = spare_limits
        self.spare_target = spares
        self.early = self.self_test()

    def send(self, kind, obj):
        self.sock.send(kind + json.dumps(obj).encode())

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
        pid, sock = self.fork_worker(self.spare_limits, True)
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
            ctl.settimeout(30)
            report = b""
            while data := ctl.recv(1 << 16):
                report += data
            out = os.read(fds[2], 100)
            _, status = os.waitpid(pid, 0)
        except OSError:
            return False
        finally:
            sock.close()
            ctl.close()
            for fd in (fds[1], fds[2], fds[4]):
                os.close(fd)
        del status  # the worker ends with os._exit(); its report has the code
        return out == b"1\n" and report.startswith(b'{"status": "ok"')

    def serve(self):
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_r, False)
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
        # A handler (rather than the default, ignore) makes SIGCHLD write
        # to the wake-up pipe.
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        poller = select.poll()
        poller.register(self.sock, select.POLLIN)
        poller.register(wake_r, select.POLLIN)
        sock_fd = self.sock.fileno()
        self.send(MSG_READY, {"pid": os.getpid(), "early": self.early})
        while True:
            timeout = None
            if self.running:
                first = min(job[2] for job in self.running.values())
                timeout = max(0, (first - time.monotonic()) * 1000)
            elif len(self.spares) < self.spare_target:
                timeout = 0
            for fd, _ in poller.poll(timeout):
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
            self.reap()
            self.enforce_wall()
            # Forking blocks this loop for a while: fork a spare when no
            # worker waits for it to be reaped, or when none is left.
            if len(self.spares) < self.spare_target and (
                    not self.running or not self.spares):
                self.spares.append(self.fork_worker(self.spare_limits,
                                                    self.early))

    def receive(self):
        try:
            data, fds, _, _ = socket.recv_fds(self.sock, MAX_MESSAGE, 4)
        except ConnectionError:
            return False
        if not data:
            return False
        kind, body = data[:1], json.loads(data[1:])
        if kind == MSG_RUN:
            try:
                self.start(body, fds)
            finally:
                if not _in_worker:
                    for fd in fds:
                        os.close(fd)
        elif kind == MSG_KILL:
            pid = self.by_token.get(body["t"])
            if pid is not None:
                job = self.running[pid]
                job[3] = job[3] or "kill"
                os.kill(pid, signal.SIGKILL)
        return True

    def start(self, body, fds):
        limits = {"cpu": body["cpu"], "memory": body["memory"]}
        while True:
            if limits == self.spare_limits and self.spares:
                pid, sock = self.spares.pop(0)
            else:
                pid, sock = self.fork_worker(limits, self.early)
            started = time.monotonic()
            try:
                socket.send_fds(sock, [b"go"], fds)
            except OSError:
                continue        # a spare that died; reap() collects it
            finally:
                sock.close()
            break
        self.running[pid] = [body["t"], started, started + body["wall"],
                             None]
        self.by_token[body["t"]] = pid

    def reap(self):
        while True:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            job = self.running.pop(pid, None)
            if job is None:
                # A spare that died before it had a run.
                for i, (spare, sock) in enumerate(self.spares):
                    if spare == pid:
                        sock.close()
                        del self.spares[i]
                        break
                continue
            token, started, _, killed = job
            del self.by_token[token]
            rss = usage.ru_maxrss
            if sys.platform != "darwin":
                rss *= 1024      # kilobytes everywhere but macOS
            self.send(MSG_EXIT, {
                "t": token, "status": status,
                "cpu": usage.ru_utime + usage.ru_stime,
                "wall": time.monotonic() - started,
                "rss": rss, "killed": killed})

    def enforce_wall(self):
        now = time.monotonic()
        for pid, job in self.running.items():
            if job[2] <= now and job[3] is None:
                job[3] = "wall"
                os.kill(pid, signal.SIGKILL)

    def shut_down(self):
        # The pool is gone: nobody will read these workers' results, and
        # the spares see their socket close and exit.
        for pid in self.running:
            os.kill(pid, signal.SIGKILL)
        for _, sock in self.spares:
            sock.close()
        while True:
            try:
                os.wait()
            except ChildProcessError:
                return


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
    _Zygote(sock, init["limits"], init["spares"]).serve()
