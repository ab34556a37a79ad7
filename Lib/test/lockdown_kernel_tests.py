"""Scenarios of test_lockdown_kernel, one fresh interpreter each.

Run as ``python lockdown_kernel_tests.py NAME [ARG...]``, as test_audit runs
audit-tests.py.  Lockdown cannot be undone, so each scenario locks its own
process.  A scenario prints what it saw as lines of "key value" and exits
0; an assertion that fails exits non-zero.
"""

import errno
import os
import socket
import subprocess
import sys
import threading
import time

import lockdownlib

try:
    import _testinternalcapi
except ImportError:
    _testinternalcapi = None

REFUSED_BY_KERNEL = (errno.EPERM, errno.EACCES)


def say(key, value):
    print(key, value, flush=True)


def os_error(call):
    """The errno CALL failed with, "ok", or the name of what it raised."""
    try:
        call()
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))
    except lockdownlib.LockdownError:
        return "LockdownError"
    return "ok"


def kernel_layer():
    say("before", lockdownlib.kernel_layer())
    lockdownlib.lockdown()
    say("after", lockdownlib.kernel_layer())


def kernel_false():
    lockdownlib.lockdown(kernel=False)
    say("layer", lockdownlib.kernel_layer())
    # Nothing in the kernel: a raw fork still works.
    say("fork", _testinternalcapi.lockdown_raw_syscall("fork"))


def escape_after_flags_cleared(workdir):
    """What an exploit that cleared every flag in memory could still do.

    The kernel layer is installed alone, with no flag set: the in-process
    guards let everything through, as they would once a memory-corruption
    bug had cleared them, so each call below reaches the kernel."""
    # Its output goes nowhere: the test waits for this process's to end.
    victim = subprocess.Popen([sys.executable, "-c",
                               "import time; time.sleep(60)"],
                              stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    client = socket.socket()
    target = os.path.join(workdir, "created")
    secret = os.path.join(workdir, "secret")
    with open(secret, "w") as f:
        f.write("secret")

    assert _testinternalcapi.lockdown_install_kernel_layer()
    assert not lockdownlib.is_locked()
    say("layer", lockdownlib.kernel_layer())
    say("open", os_error(lambda: open(secret).read()))
    say("os.open", os_error(lambda: os.open(target, os.O_CREAT | os.O_WRONLY)))
    say("mkdir", os_error(lambda: os.mkdir(target + ".d")))
    say("os.system", os.system("true") != 0)
    say("subprocess", os_error(lambda: subprocess.run(["true"])))
    say("fork", os_error(os.fork))
    say("socket", os_error(socket.socket))
    say("connect", os_error(lambda: client.connect(("127.0.0.1", port))))
    say("kill", os_error(lambda: os.kill(victim.pid, 9)))
    # Evidence, gathered with the kernel layer still on.
    try:
        listener.accept()
        say("accepted", True)
    except TimeoutError:
        say("accepted", False)
    say("victim_alive", victim.poll() is None)
    # The kernel's side of what still works: pre-lockdown descriptors.
    r, w = os.pipe()
    os.write(w, b"x")
    say("pipe", os.read(r, 1) == b"x")
    # The test checks the file system; it also kills the victim.
    say("victim", victim.pid)


def raw_syscalls(workdir, port):
    """System calls made from C, past every guard, in this thread and in
    one that was started before lockdown."""
    port = int(port)
    listener = socket.create_server(("127.0.0.1", port or 0))
    port = listener.getsockname()[1]
    unconnected = socket.socket()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    pid = os.getpid()
    # A System V message queue of the host, used by its id once locked.
    queue = _testinternalcapi.lockdown_raw_syscall("msgget")
    say("queue", queue)
    calls = [
        ("open", "/etc/passwd"),
        ("creat", os.path.join(workdir, "raw-created")),
        ("mkdir", os.path.join(workdir, "raw-dir")),
        ("unlink", os.path.join(workdir, "keep")),
        ("socket",),
        ("connect", unconnected.fileno(), port),
        ("bind", udp.fileno(), 0),
        ("sendto", udp.fileno(), port),
        ("fork",),
        ("execve", "/bin/true"),
        ("kill", 1, 0),
        ("kill", pid, 0),
        ("socketpair",),
        ("mprotect_sealed",),
        ("munmap_sealed",),
        ("msgsnd", queue),
    ]
    started = threading.Event()
    go = threading.Event()
    results = {}

    def in_thread():
        started.set()
        go.wait()
        for call in calls:
            results[call] = _testinternalcapi.lockdown_raw_syscall(*call)

    thread = threading.Thread(target=in_thread)
    thread.start()
    started.wait()
    lockdownlib.lockdown()
    for call in calls:
        err = _testinternalcapi.lockdown_raw_syscall(*call)
        say("main:" + call[0] + ("" if call[1:] != (pid, 0) else ":self"),
            errno.errorcode.get(err, "ok"))
    go.set()
    thread.join()
    for call in calls:
        say("thread:" + call[0] + ("" if call[1:] != (pid, 0) else ":self"),
            errno.errorcode.get(results[call], "ok"))


def flag_cleared():
    """The flag in the interpreter state, cleared as an exploit would:
    the sealed page still says locked."""
    lockdownlib.lockdown()
    _testinternalcapi.lockdown_clear_flag()
    say("open", os_error(lambda: open(__file__)))
    say("system", os_error(lambda: os.system("true")))


def write_sealed_flag():
    lockdownlib.lockdown()
    say("writing", True)
    _testinternalcapi.lockdown_write_sealed_flag()
    say("survived", True)


def concurrent_lockdown():
    """Threads that lock at once agree on every id()."""
    obj = object()
    barrier = threading.Barrier(8)
    ids = []

    def lock():
        barrier.wait()
        lockdownlib.lockdown()
        ids.append(id(obj))

    threads = [threading.Thread(target=lock) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids.append(id(obj))
    say("distinct", len(set(ids)))


def retry_after_failure():
    """A lockdown() that fails part-way leaves the interpreter locked, and
    the next call finishes hiding the paths."""
    import _testcapi
    # What lockdown() imports first (_lockdown_forget and its PRELOAD),
    # imported here: this scenario fails the allocations of lockdown's own
    # work, not those of an import from disk.
    import _lockdown_forget
    for name in _lockdown_forget.PRELOAD:
        __import__(name)
    path_before = list(sys.path)
    assert any("/" in p for p in path_before)
    for start in range(1, 2000):
        _testcapi.set_nomemory(start)
        try:
            lockdownlib.lockdown(kernel=False)
        except MemoryError:
            _testcapi.remove_mem_hooks()
            if lockdownlib.is_locked():
                break
        else:
            _testcapi.remove_mem_hooks()
            say("no_partial_failure", start)
            return
    say("locked_after_failure", lockdownlib.is_locked())
    lockdownlib.lockdown(kernel=False)
    say("path_hidden", not any("/" in p for p in sys.path))
    say("file_hidden", "/" not in __file__)


class Finalized:
    def __init__(self, where):
        self.where = where

    def __del__(self, write=os.write):
        # os.write, bound now: late in finalization os may be gone.
        line = f"finalizer {self.where} {self.show.__code__.co_filename}\n"
        write(1, line.encode())

    def show(self):
        pass


def filename_at_exit():
    """Finalizers run at exit, by module teardown or by the interpreter's
    last collection, see "<hidden>", not the path of their code."""
    import builtins
    in_cycle = Finalized("cycle")
    in_cycle.cycle = in_cycle
    globals()["_in_cycle"] = in_cycle
    builtins._ldp_finalized = Finalized("builtins")
    sys._ldp_finalized = Finalized("sys")
    del in_cycle
    lockdownlib.lockdown(kernel=False)


def audit_without_hook():
    """sys.audit() from Python reaches the deny layer with no hook, and a
    name built at run time cannot borrow another's cached verdict."""
    lockdownlib.lockdown(kernel=False)
    refused = 0
    for i in range(200):
        harmless = "".join(["harmless.", str(i)])
        sys.audit(harmless)
        forbidden = "".join(["os.", "system"])
        try:
            sys.audit(forbidden, b"true")
        except lockdownlib.LockdownError as exc:
            refused += exc.operation == "os.system"
        del harmless, forbidden
    say("refused", refused)


def subinterpreter_kernel():
    import _interpreters
    interp = _interpreters.create()
    _interpreters.run_string(interp, "\n".join([
        "import lockdownlib, warnings",
        "with warnings.catch_warnings(record=True) as w:",
        "    warnings.simplefilter('always')",
        "    lockdownlib.lockdown()",
        "assert lockdownlib.kernel_layer().startswith('none: a sub-'), "
        "lockdownlib.kernel_layer()",
        "assert 'kernel layer' in str(w[0].message), w",
    ]))
    # The main interpreter is neither locked nor filtered.
    say("main_locked", lockdownlib.is_locked())
    say("main_layer", lockdownlib.kernel_layer())
    say("fork", _testinternalcapi.lockdown_raw_syscall("fork"))


def asyncio_streams():
    """asyncio runs locked, kernel layer and all: the loop's self-pipe is
    a unix socket pair and its transports write with send()."""
    import asyncio
    lockdownlib.lockdown()
    say("layer", lockdownlib.kernel_layer())

    async def main():
        a, b = socket.socketpair()
        _, writer = await asyncio.open_connection(sock=a)
        reader, other = await asyncio.open_connection(sock=b)
        writer.write(b"hello\n")
        writer.write(b"world\n")
        await writer.drain()
        lines = [await reader.readline(), await reader.readline()]
        writer.close()
        other.close()
        return b"".join(lines).decode().split()

    say("lines", ",".join(asyncio.run(main())))
    loop = asyncio.new_event_loop()
    say("new_loop", loop.run_until_complete(asyncio.sleep(0, "slept")))
    loop.close()


def exit_allowed(allow):
    lockdownlib.lockdown(allow_exit=(allow == "yes"))
    # A later call cannot change the choice.
    lockdownlib.lockdown(allow_exit=(allow != "yes"))
    say("exiting", True)
    try:
        os._exit(7)
    except lockdownlib.LockdownError as exc:
        say("refused", exc.operation)


if __name__ == "__main__":
    globals()[sys.argv[1]](*sys.argv[2:])
