"""Tests for lockdownrun: every scenario runs real guests in real workers."""

import asyncio
import concurrent.futures
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from unittest import mock
from test import support
from test.support import script_helper

if not hasattr(os, "fork") or sys.platform == "win32":
    raise unittest.SkipTest("lockdownrun needs os.fork")
support.requires_subprocess()

import lockdownrun
from lockdownrun import Limits, Pool, PoolError, Result, _zygote

# Generous wall limits: the machine may be busy, and these tests must not
# fail for want of time on a slow run that does finish.
SLOW = Limits(cpu=10, wall=30)


def _proc_children(pid):
    """Return [(pid, state)] of the processes whose parent is pid."""
    children = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name, in parentheses, may hold spaces.
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            children.append((int(name), fields[0]))
    return children


def _cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])    # utime + stime


def _kill_busy_worker(pool, signum):
    """Send signum to the worker of pool that spins on a CPU.

    Spare workers wait without using any; the guest that spins is the
    child of the zygote that has used a fifth of a second."""
    threshold = os.sysconf("SC_CLK_TCK") // 5
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for pid, _ in _proc_children(pool.zygote_pid):
            try:
                if _cpu_ticks(pid) >= threshold:
                    os.kill(pid, signum)
                    return
            except OSError:
                pass
        time.sleep(0.02)
    raise AssertionError("no worker spins")


def _settle(pool):
    """Wait until the zygote has forked all its spare workers (one socket
    each in the zygote) and nothing runs."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = _proc_children(pool.zygote_pid)
        if len(children) == pool.workers + 1 and all(
                state == "S" for _, state in children):
            return
        time.sleep(0.02)
    raise AssertionError(f"the zygote's children: {children}")


def _fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def _rss_bytes(pid):
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PoolTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pool = Pool(workers=2, limits=SLOW)

    @classmethod
    def tearDownClass(cls):
        cls.pool.close()
        del cls.pool    # and its thread, which regrtest looks for

    def run_guest(self, code, stdin=b"", **limits):
        result = self.pool.run(code, stdin, limits or None)
        self.assertIsInstance(result, Result)
        self.assertIn(result.status, lockdownrun.STATUSES)
        return result


class StatusTests(PoolTestCase):
    def test_ok(self):
        r = self.run_guest("print(6 * 7)")
        self.assertEqual(r.status, "ok")
        self.assertEqual(r.stdout, "42\n")
        self.assertEqual(r.stderr, "")
        self.assertEqual(r.exit_code, 0)
        self.assertIsNone(r.signal)
        self.assertIsNone(r.timeout)
        self.assertIsNone(r.error)
        self.assertIsNone(r.refused)
        self.assertFalse(r.truncated)
        self.assertGreater(r.cpu_s, 0)
        self.assertGreater(r.wall_s, 0)
        self.assertGreater(r.max_rss_bytes, 1024 * 1024)

    def test_guest_is_locked_and_main(self):
        r = self.run_guest("import lockdownlib\n"
                           "print(lockdownlib.is_locked(), __name__)")
        self.assertEqual(r.stdout, "True __main__\n")

    def test_guest_source_for_inspect(self):
        code = ("import inspect\n"
                "def f():\n    return 1\n"
                "class A:\n    pass\n"
                "print(inspect.getsource(f) + inspect.getsource(A), end='')\n")
        r = self.run_guest(code)
        self.assertEqual(r.status, "ok", r.stderr)
        self.assertEqual(r.stdout, "def f():\n    return 1\nclass A:\n    pass\n")

    def test_guest_imports_the_standard_library_it_needs(self):
        # Modules the zygote imported, and one it had not (all of
        # SAFE_MODULES are imported there; the guest drops one first).
        code = ("import sys, json, asyncio, sqlite3\n"
                "sys.modules.pop('fractions')\n"
                "import fractions\n"
                "async def main(): return fractions.Fraction(1, 3)\n"
                "db = sqlite3.connect(':memory:')\n"
                "print(asyncio.run(main()), json.dumps(db.execute('select 1').fetchone()))\n")
        r = self.run_guest(code)
        self.assertEqual(r.status, "ok", r.stderr)
        self.assertEqual(r.stdout, "1/3 [1]\n")

    def test_stdin(self):
        code = "import sys; print(sys.stdin.read().upper(), end='')"
        self.assertEqual(self.run_guest(code, "h\u00e9").stdout, "H\u00c9")
        self.assertEqual(self.run_guest(code, b"abc\n").stdout, "ABC\n")
        big = b"x" * (1024 * 1024)
        r = self.run_guest("import sys; print(len(sys.stdin.buffer.read()))",
                           big)
        self.assertEqual(r.stdout, f"{len(big)}\n")

    def test_stdin_not_read(self):
        # The worker ends without reading a big input: no hang.
        r = self.run_guest("print('done')", b"x" * (4 * 1024 * 1024))
        self.assertEqual((r.status, r.stdout), ("ok", "done\n"))

    def test_sys_exit(self):
        r = self.run_guest("import sys; print('a'); sys.exit(3)")
        self.assertEqual((r.status, r.exit_code, r.stdout), ("ok", 3, "a\n"))
        r = self.run_guest("import sys; sys.exit('bye')")
        self.assertEqual((r.status, r.exit_code, r.stderr), ("ok", 1, "bye\n"))

    def test_error(self):
        r = self.run_guest("def f():\n    return 1 / 0\nf()\n")
        self.assertEqual(r.status, "error")
        self.assertEqual(r.exit_code, 1)
        self.assertEqual(r.error["type"], "ZeroDivisionError")
        self.assertEqual(r.error["message"], "division by zero")
        tb = r.error["traceback"]
        self.assertTrue(tb.startswith("Traceback (most recent call last):"))
        self.assertIn('File "<guest>", line 3, in <module>', tb)
        self.assertIn('File "<guest>", line 2, in f', tb)
        self.assertIn("return 1 / 0", tb)
        self.assertNotIn("lockdownrun", tb)   # no frame of the runner
        # As the interpreter would, the traceback went to stderr too.
        self.assertEqual(r.stderr, tb)

    def test_error_hides_paths(self):
        import json as json_module
        r = self.run_guest("import json\njson.loads('{')\n")
        self.assertEqual(r.status, "error")
        self.assertEqual(r.error["type"], "json.decoder.JSONDecodeError")
        tb = r.error["traceback"]
        self.assertIn('File "<hidden>"', tb)
        self.assertNotIn(os.path.dirname(json_module.__file__), tb)
        self.assertNotIn(os.path.dirname(os.__file__), tb)

    def test_syntax_error(self):
        r = self.run_guest("x = (1 +\n")
        self.assertEqual(r.status, "error")
        self.assertEqual(r.error["type"], "SyntaxError")
        self.assertIn('File "<guest>", line 1', r.error["traceback"])
        self.assertNotIn("Traceback", r.error["traceback"])

    def test_code_not_utf8(self):
        for code in (b"x = '\xff'\n", "x = '\udcff'\n"):
            with self.subTest(code=code):
                r = self.run_guest(code)
                self.assertEqual(r.status, "error")
                self.assertEqual(r.error["type"], "SyntaxError")
                self.assertIn("utf-8", r.error["message"])
        r = self.run_guest(b"x = 1\0\n")
        self.assertEqual(r.error["type"], "SyntaxError")

    def test_refused(self):
        r = self.run_guest("open('/etc/hostname')")
        self.assertEqual(r.status, "refused")
        self.assertEqual(r.refused, {"operation": "open",
                                     "kind": "file system"})
        self.assertEqual(r.error["type"], "lockdownlib.LockdownError")
        self.assertEqual(r.error["message"], "lockdown is enabled")
        self.assertEqual(r.exit_code, 1)
        r = self.run_guest("import os\nos.listdir('.')\n")
        self.assertEqual(r.refused, {"operation": "os.listdir",
                                     "kind": "file system"})
        # A module outside SAFE_MODULES, which the zygote did not import,
        # cannot be imported.
        r = self.run_guest("import ftplib")
        self.assertEqual(r.status, "refused")
        self.assertEqual(r.refused["kind"], "import")

    def test_refusal_caught_is_ok(self):
        r = self.run_guest("try:\n    open('x')\n"
                           "except RuntimeError as e:\n    print(e)\n")
        self.assertEqual((r.status, r.stdout), ("ok", "lockdown is enabled\n"))
        self.assertIsNone(r.refused)

    def test_timeout_cpu(self):
        r = self.run_guest("while True: pass", cpu=0.2, wall=30)
        self.assertEqual((r.status, r.timeout), ("timeout", "cpu"))
        # The limit counts the worker's locking too (a few milliseconds);
        # cpu_s only the guest's time.
        self.assertGreaterEqual(r.cpu_s, 0.15)
        self.assertLess(r.cpu_s, 5)
        self.assertIsNotNone(r.signal)
        self.assertIsNone(r.exit_code)

    def test_timeout_wall(self):
        r = self.run_guest("import time\nprint('start')\ntime.sleep(60)",
                           wall=0.3)
        self.assertEqual((r.status, r.timeout), ("timeout", "wall"))
        self.assertEqual(r.stdout, "start\n")   # printed before: kept
        self.assertGreaterEqual(r.wall_s, 0.3)
        self.assertLess(r.wall_s, 20)
        self.assertLess(r.cpu_s, 0.3)
        self.assertEqual(r.signal, signal.SIGKILL)

    def test_memory(self):
        r = self.run_guest("x = bytearray(200 * 1024 * 1024)", memory=64)
        self.assertEqual(r.status, "memory")
        self.assertEqual(r.error["type"], "MemoryError")
        self.assertEqual(r.exit_code, 1)
        # Within the limit, the same allocation works.
        r = self.run_guest("x = bytearray(20 * 1024 * 1024); print(len(x))",
                           memory=64)
        self.assertEqual((r.status, r.stdout), ("ok", f"{20 << 20}\n"))
        self.assertGreater(r.max_rss_bytes, 20 << 20)

    def test_memory_growing(self):
        r = self.run_guest("a = []\nwhile True: a.append(' ' * 100000)\n",
                           memory=32)
        self.assertEqual(r.status, "memory")

    def test_output(self):
        r = self.run_guest("print('x' * 5000)", output=1)
        self.assertEqual(r.status, "output")
        self.assertTrue(r.truncated)
        self.assertEqual(r.stdout, "x" * 1024)
        # A guest that would print for ever is stopped.
        r = self.run_guest("import sys\nwhile True:\n"
                           "    print('o'); print('e', file=sys.stderr)\n",
                           output=2)
        self.assertEqual(r.status, "output")
        self.assertTrue(r.truncated)
        self.assertEqual(len(r.stdout) + len(r.stderr), 2048)
        # Killed, or ended by the broken pipe first: the pool closes the
        # guest's output as soon as the cap is reached.
        self.assertIn(r.signal, (signal.SIGKILL, None))

    def test_output_at_limit(self):
        r = self.run_guest("import sys; sys.stdout.write('y' * 1024)",
                           output=1)
        self.assertEqual((r.status, r.truncated), ("ok", False))
        self.assertEqual(len(r.stdout), 1024)

    @unittest.skipUnless(os.path.isdir("/proc/self/fd"), "needs /proc")
    def test_crashed(self):
        # Nothing a locked guest may call crashes the interpreter (ctypes,
        # os.abort() and signals are refused), so the test plays the bug:
        # it sends the worker a SIGSEGV.
        future = self.pool.submit("print('before')\nwhile True: pass\n")
        _kill_busy_worker(self.pool, signal.SIGSEGV)
        r = future.result()
        self.assertEqual(r.status, "crashed")
        self.assertEqual(r.signal, signal.SIGSEGV)
        self.assertIsNone(r.exit_code)
        self.assertIsNone(r.error)
        self.assertEqual(r.stdout, "before\n")
        # The pool keeps serving.
        self.assertEqual(self.run_guest("print(1)").stdout, "1\n")

    @unittest.skipUnless(os.path.isdir("/proc/self/fd"), "needs /proc")
    def test_dies_mid_write(self):
        # Half a report on the control socket, then death by a signal.
        future = self.pool.submit("import os\nos.write(3, b'{\"status\": \"o')"
                                  "\nwhile True: pass\n")
        _kill_busy_worker(self.pool, signal.SIGSEGV)
        r = future.result()
        self.assertEqual(r.status, "crashed")
        self.assertIsNone(r.error)
        # Garbage before the worker's own report does not hide it.
        r = self.run_guest("import os\nos.write(3, b'{\"stat00')\n1 / 0\n")
        self.assertEqual(r.status, "error")
        self.assertEqual(r.error["type"], "ZeroDivisionError")

    def test_guest_writes_to_the_zygote(self):
        # Descriptor 4, the worker's socket to the zygote, can only end the
        # guest's own run: the zygote stops the worker at any message after
        # the worker's first.
        r = self.run_guest("import os, time\nprint('before', flush=True)\n"
                           "for _ in range(3):\n    os.write(4, b'R')\n"
                           "time.sleep(30)\n", wall=20)
        self.assertEqual((r.status, r.signal), ("crashed", signal.SIGSTOP))
        self.assertIsNone(r.exit_code)
        self.assertLess(r.wall_s, 10)
        self.assertEqual(r.stdout, "before\n")
        self.assertEqual(self.run_guest("print(1)").stdout, "1\n")

    def test_whole_report_ends_the_run(self):
        # The run is over once the worker's report is whole; a guest that
        # writes one of its own ends its run there, as os._exit() would.
        # (With the pool's limits: a primed worker, whose figures the pool
        # reads itself.)
        report = _zygote.frame_report({"status": "ok", "error": None,
                                       "refused": None, "exit_code": 7})
        r = self.run_guest(f"import os, time\nos.write(3, {report!r})\n"
                           "time.sleep(60)\n")
        self.assertEqual((r.status, r.exit_code), ("ok", 7))
        self.assertLess(r.wall_s, 10)
        self.assertEqual(self.run_guest("print(1)").stdout, "1\n")

    def test_figures_from_the_zygote(self):
        # Where the pool cannot read the worker's figures itself, the
        # zygote's (from wait4() on the stopped worker) make the result.
        with mock.patch.object(_zygote, "_peak_rss", return_value=None):
            r = self.run_guest("x = bytearray(32 << 20)\nprint(len(x))")
        self.assertEqual((r.status, r.exit_code), ("ok", 0))
        self.assertEqual(r.stdout, f"{32 << 20}\n")
        self.assertGreater(r.max_rss_bytes, 32 << 20)
        self.assertGreater(r.cpu_s, 0)

    def test_to_json(self):
        r = self.run_guest("print('\u20ac')")
        data = json.loads(r.to_json())
        self.assertEqual(list(data), [
            "status", "timeout", "exit_code", "signal", "stdout", "stderr",
            "truncated", "cpu_s", "wall_s", "max_rss_bytes", "refused",
            "error"])
        self.assertEqual(data["stdout"], "\u20ac\n")
        self.assertEqual(Result(**data), r)


class IsolationTests(PoolTestCase):
    def test_state_does_not_leak(self):
        first = self.run_guest(
            "import builtins, json, sys, linecache\n"
            "json.dumps = None\n"
            "builtins.leaked = 1\n"
            "sys.modules['leaked'] = sys\n"
            "linecache.cache['leaked'] = (1, None, ['x'], 'leaked')\n"
            "secret = 'first guest'\n")
        self.assertEqual(first.status, "ok")
        for _ in range(3):  # whichever worker runs it
            r = self.run_guest(
                "import builtins, json, sys, linecache\n"
                "print(callable(json.dumps), hasattr(builtins, 'leaked'),\n"
                "      'leaked' in sys.modules, 'leaked' in linecache.cache,\n"
                "      'secret' in globals())\n")
            self.assertEqual(r.stdout, "True False False False False\n")

    def test_descriptors(self):
        # The guest has its three pipes, its control socket and its
        # socket to the zygote (which can only end its run), nothing else
        # of the zygote's or the pool's.
        r = self.run_guest(
            "import os\nopen_fds = []\nfor fd in range(64):\n"
            "    try:\n        os.fstat(fd)\n    except OSError:\n"
            "        continue\n    open_fds.append(fd)\nprint(open_fds)\n")
        self.assertEqual((r.status, r.stdout), ("ok", "[0, 1, 2, 3, 4]\n"),
                         r.error)

    @unittest.skipUnless(os.path.isdir("/proc/self/fd"), "needs /proc")
    def test_no_growth(self):
        pool = self.pool
        pool.run("pass")
        _settle(pool)
        host_fds = _fd_count(os.getpid())
        zygote_fds = _fd_count(pool.zygote_pid)
        futures = [pool.submit(f"print({i})") for i in range(100)]
        futures += [pool.submit("open('x')") for _ in range(25)]
        futures += [pool.submit("1 / 0") for _ in range(25)]
        futures += [pool.submit("while 1: print('x' * 999)",
                                limits={"output": 10})
                    for _ in range(10)]
        futures += [pool.submit("print('x' * 5000)", limits={"output": 1})
                    for _ in range(25)]
        futures += [pool.submit("while 1: pass", limits={"cpu": 0.01})
                    for _ in range(25)]
        statuses = [f.result().status for f in futures]
        self.assertEqual(statuses.count("ok"), 100)
        self.assertEqual(statuses.count("refused"), 25)
        self.assertEqual(statuses.count("output"), 35)
        self.assertEqual(statuses.count("timeout"), 25)
        # No zombie, no worker left but the spares, no descriptor more.
        _settle(pool)
        self.assertEqual(_fd_count(os.getpid()), host_fds)
        self.assertEqual(_fd_count(pool.zygote_pid), zygote_fds)


    @unittest.skipUnless(os.path.isdir("/proc/self/fd"), "needs /proc")
    def test_primed_workers_killed(self):
        # Workers waiting for a run die (the OOM killer, an operator): the
        # pool runs the next guest anyway and primes new ones.
        pool = self.pool
        pool.run("pass")
        _settle(pool)
        for pid, _ in _proc_children(pool.zygote_pid):
            os.kill(pid, signal.SIGKILL)
        for _ in range(3):
            self.assertEqual(self.run_guest("print(1)").stdout, "1\n")
        _settle(pool)

    @unittest.skipUnless(os.path.isdir("/proc/self/fd"), "needs /proc")
    def test_a_thousand_runs(self):
        # After a warm-up, 1,000 runs leave no descriptor, no zombie and
        # no memory growth, in the host or in the zygote.
        pool = self.pool
        for _ in range(2):
            for f in [pool.submit("print(1)") for _ in range(100)]:
                f.result()
        _settle(pool)
        before = (_fd_count(os.getpid()), _fd_count(pool.zygote_pid),
                  _rss_bytes(os.getpid()), _rss_bytes(pool.zygote_pid))
        futures = [pool.submit(f"print({i})") for i in range(1000)]
        outputs = [f.result().stdout for f in futures]
        self.assertEqual(outputs, [f"{i}\n" for i in range(1000)])
        _settle(pool)      # and so: no zombie, only the spare workers
        after = (_fd_count(os.getpid()), _fd_count(pool.zygote_pid),
                 _rss_bytes(os.getpid()), _rss_bytes(pool.zygote_pid))
        self.assertEqual(after[:2], before[:2])
        # The zygote forks; it does not run guests: its memory stays put.
        # The host keeps results it was handed, so some slack.
        self.assertLess(after[3] - before[3], 1 << 20, (before, after))
        self.assertLess(after[2] - before[2], 8 << 20, (before, after))


class PoolTests(unittest.TestCase):
    @unittest.skipUnless(os.path.isdir("/proc/self"), "needs /proc")
    def test_a_dead_zygote_is_restarted(self):
        def group(pgid):
            members = []
            for name in os.listdir("/proc"):
                try:
                    with open(f"/proc/{name}/stat") as f:
                        fields = f.read().rpartition(")")[2].split()
                except OSError:
                    continue
                if int(fields[2]) == pgid and fields[0] != "Z":
                    members.append((int(name), fields[0]))
            return members

        def kill_zygote_and_wait(pool):
            old = pool.zygote_pid
            os.kill(old, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while pool.zygote_pid == old and time.monotonic() < deadline:
                time.sleep(0.02)
            return old

        with Pool(workers=1, limits=SLOW) as pool:
            self.assertEqual(pool.run("print(1)").stdout, "1\n")
            busy = pool.submit("import time; time.sleep(60)")
            time.sleep(0.5)
            first = kill_zygote_and_wait(pool)
            with self.assertRaisesRegex(PoolError, "zygote exited"):
                busy.result(timeout=30)
            # A new zygote serves the next run; the lost run's worker is
            # gone with the old one's process group.
            self.assertNotEqual(pool.zygote_pid, first)
            self.assertEqual(pool.run("print(2)").stdout, "2\n")
            self.assertEqual(group(first), [])
            # A zygote that keeps dying breaks the pool, with a reason.
            for _ in range(lockdownrun.MAX_RESTARTS - 1):
                kill_zygote_and_wait(pool)
                self.assertEqual(pool.run("print(3)").stdout, "3\n")
            os.kill(pool.zygote_pid, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    pool.run("print(4)")
                except PoolError as exc:
                    # A run sent as the zygote died is lost; then the pool
                    # is broken.
                    if "times in" in str(exc):
                        break
                time.sleep(0.02)
            else:
                self.fail("the pool did not break")

    def test_parallel_runs_meet_their_own_limits(self):
        with Pool(workers=3, limits=SLOW) as pool:
            start = time.monotonic()
            spin = pool.submit("while True: pass", limits={"cpu": 0.3})
            sleep = pool.submit("import time; time.sleep(60)",
                                limits={"wall": 0.5})
            quick = pool.submit("print('quick')")
            quick_result = quick.result()
            spin_result, sleep_result = spin.result(), sleep.result()
            elapsed = time.monotonic() - start
        self.assertEqual((quick_result.status, quick_result.stdout),
                         ("ok", "quick\n"))
        self.assertEqual((spin_result.status, spin_result.timeout),
                         ("timeout", "cpu"))
        self.assertEqual((sleep_result.status, sleep_result.timeout),
                         ("timeout", "wall"))
        self.assertLess(sleep_result.cpu_s, 0.3)
        self.assertLess(elapsed, 20)

    def test_threads_and_asyncio(self):
        with Pool(workers=2, limits=SLOW) as pool:
            code = "import sys; print(int(sys.stdin.read()) * 2)"
            with concurrent.futures.ThreadPoolExecutor(4) as executor:
                results = list(executor.map(
                    lambda n: pool.run(code, str(n)), range(12)))
            self.assertEqual([r.stdout for r in results],
                             [f"{n * 2}\n" for n in range(12)])

            async def main():
                return await asyncio.gather(
                    *(pool.run_async(code, str(n)) for n in range(6)))
            results = asyncio.run(main())
            self.assertEqual([r.stdout for r in results],
                             [f"{n * 2}\n" for n in range(6)])

    def test_close(self):
        pool = Pool(workers=1, limits=SLOW)
        running = pool.submit("import time; time.sleep(60)")
        queued = pool.submit("print(1)")
        time.sleep(0.2)
        start = time.monotonic()
        pool.close(cancel=True)
        self.assertLess(time.monotonic() - start, 10)
        with self.assertRaises(PoolError):
            running.result()
        self.assertTrue(queued.cancelled())
        with self.assertRaises(PoolError):
            pool.submit("print(1)")
        pool.close()    # a second close does nothing

    def test_close_waits_for_runs(self):
        pool = Pool(workers=1, limits=SLOW)
        futures = [pool.submit(f"print({i})") for i in range(3)]
        pool.close()
        self.assertEqual([f.result().stdout for f in futures],
                         ["0\n", "1\n", "2\n"])

    def test_preload(self):
        # ftplib: outside SAFE_MODULES, so only there if preloaded.
        code = "import ftplib; print(ftplib.FTP_PORT)"
        with Pool(workers=1, limits=SLOW, preload=["ftplib"]) as pool:
            r = pool.run(code)
        self.assertEqual((r.status, r.stdout), ("ok", "21\n"))
        with Pool(workers=1, limits=SLOW) as pool:
            r = pool.run(code)
        self.assertEqual((r.status, r.refused["kind"]), ("refused", "import"))
        with self.assertRaisesRegex(PoolError, "no_such_module"):
            Pool(workers=1, preload=["no_such_module"])

    def test_bad_arguments(self):
        for bad in ({"cpu": 0}, {"cpu": -1}, {"wall": float("inf")},
                    {"memory": 1.5}, {"memory": 8}, {"output": -1},
                    {"cpu": True}, {"cpu": "1"}):
            with self.subTest(limits=bad):
                with self.assertRaisesRegex(ValueError, "limit"):
                    Limits(**bad)
        with self.assertRaisesRegex(ValueError, "unknown limit 'disk'"):
            Limits.from_dict({"disk": 1})
        self.assertEqual(Limits.from_dict({"cpu": 1}, Limits(wall=9)),
                         Limits(cpu=1, wall=9))
        with self.assertRaises(ValueError):
            Pool(workers=0)
        with Pool(workers=1) as pool:
            with self.assertRaises(TypeError):
                pool.run(42)
            with self.assertRaises(ValueError):
                pool.run("pass", limits={"cpu": 0})
            with self.assertRaises(ValueError):
                pool.run("x" * (lockdownrun.MAX_CODE + 1))


class CommandLineTests(unittest.TestCase):
    def write(self, text, suffix=".py"):
        fd, path = tempfile.mkstemp(suffix=suffix)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.addCleanup(os.unlink, path)
        return path

    def test_help_states_defaults(self):
        for command in ("run", "serve"):
            rc, out, _ = script_helper.assert_python_ok(
                "-m", "lockdownrun", command, "--help")
            text = " ".join(out.decode().split())
            for default in ("(default: 2.0)", "(default: 5.0)",
                            "(default: 256)", "(default: 64)"):
                self.assertIn(default, text)

    def test_run(self):
        path = self.write("import sys\nprint('hi', sys.stdin.read())\n")
        data = self.write("there")
        rc, out, err = script_helper.assert_python_ok(
            "-m", "lockdownrun", "run", "--stdin", data, path)
        self.assertEqual(out, b"hi there\n")
        self.assertEqual(err, b"")

    def test_run_json(self):
        path = self.write("print('a')\nopen('/etc/hostname')\n")
        rc, out, _ = script_helper.assert_python_failure(
            "-m", "lockdownrun", "run", "--json", path)
        self.assertEqual(rc, 1)
        result = json.loads(out)
        self.assertEqual(result["status"], "refused")
        self.assertEqual(result["stdout"], "a\n")
        self.assertEqual(result["refused"]["operation"], "open")

    def test_run_from_stdin_with_limits(self):
        proc = subprocess.run(
            [sys.executable, "-m", "lockdownrun", "run", "--cpu", "0.2",
             "--wall", "30", "-"],
            input=b"while True: pass\n", capture_output=True)
        self.assertEqual(proc.returncode, 128 + signal.SIGPROF)
        self.assertIn(b"timeout: cpu time limit", proc.stderr)

    def test_run_bad_limit(self):
        path = self.write("pass")
        rc, _, err = script_helper.assert_python_failure(
            "-m", "lockdownrun", "run", "--memory", "0", path)
        self.assertEqual(rc, 2)
        self.assertIn(b"limit 'memory'", err)


class ServeTests(unittest.TestCase):
    def serve(self, *args):
        proc = subprocess.Popen(
            [sys.executable, "-m", "lockdownrun", "serve", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        self.addCleanup(proc.kill)
        self.addCleanup(proc.stderr.close)
        self.addCleanup(proc.stdout.close)
        return proc

    def test_requests(self):
        proc = self.serve("--workers", "2", "--cpu", "5", "--wall", "30")
        lines = [
            {"id": "ok", "code": "import sys; print(sys.stdin.read())",
             "stdin": "in"},
            {"id": 2, "code": "1 +"},
            {"id": "cpu", "code": "while 1: pass", "limits": {"cpu": 0.1}},
            {"id": "above", "code": "pass", "limits": {"cpu": 6}},
            {"id": "range", "code": "pass", "limits": {"memory": -5}},
            {"id": "type", "code": 5},
            {"id": "field", "code": "pass", "color": "red"},
            {"id": "utf8", "code": "x = '\udcff'"},
        ]
        data = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
        data += b"{not json\n\n[1, 2]\n\xff\xfe\n"
        out, err = proc.communicate(data, timeout=60)
        self.assertEqual(proc.returncode, 0, err)
        self.assertNotIn(b"Traceback", err)
        results = [json.loads(line) for line in out.splitlines()]
        self.assertEqual(len(results), len(lines) + 3)
        by_id = {r["id"]: r for r in results if r["id"] is not None}
        self.assertEqual(by_id["ok"]["status"], "ok")
        self.assertEqual(by_id["ok"]["stdout"], "in\n")
        self.assertEqual(by_id[2]["status"], "error")
        self.assertEqual(by_id[2]["error"]["type"], "SyntaxError")
        self.assertEqual((by_id["cpu"]["status"], by_id["cpu"]["timeout"]),
                         ("timeout", "cpu"))
        for rid, text in (("above", "above this server's"),
                          ("range", "limit 'memory'"),
                          ("type", "code must be a string"),
                          ("field", "unknown field 'color'")):
            with self.subTest(rid=rid):
                self.assertEqual(by_id[rid]["status"], "invalid")
                self.assertIn(text, by_id[rid]["error"]["message"])
        self.assertEqual(by_id["utf8"]["error"]["type"], "SyntaxError")
        anonymous = [r for r in results if r["id"] is None]
        self.assertEqual(len(anonymous), 3)
        for r in anonymous:
            self.assertEqual(r["status"], "invalid")

    def test_parallel(self):
        proc = self.serve("--workers", "4", "--wall", "30")
        start = time.monotonic()
        data = b"".join(
            json.dumps({"id": i, "code": "import time; time.sleep(1)"})
            .encode() + b"\n" for i in range(4))
        out, err = proc.communicate(data, timeout=60)
        elapsed = time.monotonic() - start
        results = [json.loads(line) for line in out.splitlines()]
        self.assertEqual(sorted(r["id"] for r in results), [0, 1, 2, 3])
        self.assertTrue(all(r["status"] == "ok" for r in results), results)
        self.assertLess(elapsed, 3.5)   # four seconds one after another

    def test_client_disconnects(self):
        proc = self.serve("--workers", "1")
        proc.stdout.close()     # nobody reads the results
        proc.stdin.write(b'{"id": 1, "code": "print(1)"}\n' * 3)
        proc.stdin.close()
        self.assertEqual(proc.wait(timeout=60), 0)
        self.assertEqual(proc.stderr.read(), b"")

    def test_eof_waits_for_runs(self):
        proc = self.serve("--workers", "1")
        out, err = proc.communicate(
            b'{"id": 1, "code": "import time; time.sleep(0.5); print(1)"}',
            timeout=60)   # no final newline: still a request
        self.assertEqual(proc.returncode, 0, err)
        result = json.loads(out)
        self.assertEqual((result["id"], result["stdout"]), (1, "1\n"))


if __name__ == "__main__":
    unittest.main()
