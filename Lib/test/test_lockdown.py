"""Tests for lockdownlib.

Lockdown cannot be undone, so, as in test_audit, every scenario runs in a
fresh interpreter.  Each guard is checked twice in that interpreter: the
call must work before lockdown() and must raise LockdownError after it, so
that every test fails if its guard is removed.
"""

import json
import os
import re
import subprocess
import sys
import textwrap
import unittest
from test import support
from test.support import import_helper, os_helper, script_helper

if not support.has_subprocess_support:
    raise unittest.SkipTest("test requires subprocess support")

import_helper.import_module("lockdownlib")


# Code every scenario starts with.  attempt() runs a call and describes its
# outcome as JSON-friendly data.
PRELUDE = '''
import json, lockdownlib, os, sys

def attempt(call):
    try:
        call()
    except lockdownlib.LockdownError as exc:
        return {"refused": True, "type": type(exc).__name__,
                "args": list(exc.args), "operation": exc.operation,
                "kind": exc.kind, "runtime": isinstance(exc, RuntimeError)}
    except BaseException as exc:
        return {"refused": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"refused": False, "error": None}

def report(**results):
    print("RESULT " + json.dumps(results), flush=True)
'''


class LockdownTestCase(unittest.TestCase):

    def run_scenario(self, code, *args):
        """Run PRELUDE + code in a fresh interpreter; return its report."""
        source = PRELUDE + "\n" + textwrap.dedent(code)
        res = script_helper.assert_python_ok("-c", source, *args)
        # A line of its own, though a prompt (pdb's, say) may precede it.
        lines = [line.partition("RESULT ")[2]
                 for line in res.out.decode().splitlines()
                 if "RESULT {" in line]
        self.assertEqual(len(lines), 1, msg=res.out.decode() + res.err.decode())
        return json.loads(lines[0])

    def check_refused(self, call, operation, kind, *, setup="",
                      unlocked=None, error_type="LockdownError"):
        """CALL (an expression) works unlocked and is refused when locked.

        An OPERATION of None accepts any refusal, for Python wrappers whose
        first refused step may change between releases.

        SETUP runs first.  UNLOCKED, if given, is the expression to try
        before lockdown instead of CALL (for calls such as exec that would
        not return)."""
        result = self.run_scenario(textwrap.dedent(setup) + f'''
before = attempt(lambda: {unlocked or call})
lockdownlib.lockdown()
after = attempt(lambda: {call})
report(before=before, after=after)
''')
        self.assertEqual(result["before"], {"refused": False, "error": None},
                         "the call must work before lockdown")
        after = result["after"]
        if operation is None:
            # A Python wrapper: any refusal on its way will do.
            after = dict(after, operation=None, kind=None, type=error_type)
            kind = None
        self.assertEqual(after, {
            "refused": True, "type": error_type,
            "args": ["lockdown is enabled"], "operation": operation,
            "kind": kind, "runtime": True})
        return result


class LockdownlibTests(LockdownTestCase):

    def test_builtin_module(self):
        self.assertIn("lockdownlib", sys.builtin_module_names)

    def test_identity(self):
        # The fork says what it is without breaking what parses sys.version.
        import lockdownlib
        import platform
        self.assertIn("Locked Down Python", sys.version)
        self.assertEqual(platform.python_version(),
                         lockdownlib.UPSTREAM_VERSION)
        self.assertEqual(lockdownlib.UPSTREAM_VERSION, "3.13.15")
        self.assertIn("Locked Down Python", platform.python_build()[0])
        res = script_helper.assert_python_ok("-VV")
        self.assertIn(b"Locked Down Python", res.out)
        fixes = lockdownlib.UPSTREAM_FIXES
        self.assertIsInstance(fixes, tuple)
        self.assertEqual(len(fixes), len(set(fixes)))
        self.assertTrue(all(isinstance(name, str) for name in fixes))

    def test_error_type(self):
        result = self.run_scenario('''
            E = lockdownlib.LockdownError
            I = lockdownlib.LockdownImportError
            try:
                E.__init__ = None
            except TypeError:
                frozen = True
            else:
                frozen = False
            report(runtime=issubclass(E, RuntimeError),
                   import_runtime=issubclass(I, E),
                   import_import=issubclass(I, ImportError),
                   name=E.__module__ + "." + E.__qualname__,
                   frozen=frozen)
        ''')
        self.assertEqual(result, {
            "runtime": True, "import_runtime": True, "import_import": True,
            "name": "lockdownlib.LockdownError", "frozen": True})

    def test_one_way(self):
        result = self.run_scenario('''
            before = lockdownlib.is_locked()
            lockdownlib.lockdown()
            lockdownlib.lockdown()        # harmless
            names = sorted(n for n in dir(lockdownlib) if not n.startswith("_"))
            report(before=before, after=lockdownlib.is_locked(), names=names,
                   open=attempt(lambda: open(__file__ if "__file__" in globals()
                                             else os.devnull)))
        ''')
        self.assertFalse(result["before"])
        self.assertTrue(result["after"])
        # Nothing in the module could switch lockdown off.
        self.assertEqual(result["names"], [
            "DENIED_AUDIT_EVENTS", "HIDDEN_PATH", "LockdownError", "LockdownImportError",
            "SAFE_MODULES", "UPSTREAM_FIXES", "UPSTREAM_VERSION", "is_locked",
            "kernel_layer", "lockdown"])
        self.assertTrue(result["open"]["refused"])

    def test_except_runtime_error(self):
        result = self.run_scenario('''
            lockdownlib.lockdown()
            try:
                open(os.devnull)
            except RuntimeError as exc:
                caught = str(exc)
            report(caught=caught)
        ''')
        self.assertEqual(result["caught"], "lockdown is enabled")

    def test_command_line(self):
        # The check from the user's description, verbatim.
        res = script_helper.assert_python_failure(
            "-c", "import lockdownlib; lockdownlib.lockdown(); "
                  "open('/etc/hostname')")
        self.assertIn(b"lockdownlib.LockdownError: lockdown is enabled",
                      res.err)

    def test_safe_modules_are_closed(self):
        # Importing the safe modules brings in no module outside them.
        result = self.run_scenario('''
            import importlib
            before = set(sys.modules)
            for name in sorted(lockdownlib.SAFE_MODULES):
                importlib.import_module(name)
            report(safe=sorted(lockdownlib.SAFE_MODULES),
                   new=sorted(set(sys.modules) - before),
                   frozen=type(lockdownlib.SAFE_MODULES).__name__)
        ''')
        self.assertEqual(result["frozen"], "frozenset")
        self.assertLessEqual(set(result["new"]), set(result["safe"]))
        self.assertNotIn("_ctypes", result["safe"])

    def test_objects_made_before_keep_working(self):
        with os_helper.temp_dir() as tmp:
            path = os.path.join(tmp, "data")
            result = self.run_scenario(f'''
                f = open({path!r}, "w+")
                lockdownlib.lockdown()
                f.write("kept")
                f.seek(0)
                text = f.read()
                f.close()
                print("stdout works")
                report(text=text)
            ''')
            self.assertEqual(result["text"], "kept")
            with open(path) as f:
                self.assertEqual(f.read(), "kept")

    def test_logging_keeps_working(self):
        # A log record asks for the process id, which a locked interpreter
        # may not learn: the record gets the stand-in os.getpid() gives.
        result = self.run_scenario('''
            import logging, threading
            records = []
            class Keep(logging.Handler):
                def emit(self, record):
                    records.append(record)
            logging.getLogger().addHandler(Keep())
            logging.warning("before")
            lockdownlib.lockdown()
            logged = attempt(lambda: logging.warning("after"))
            report(logged=logged, messages=[r.getMessage() for r in records],
                   process=[r.process for r in records],
                   stand_in=threading.main_thread().native_id)
        ''')
        self.assertEqual(result["logged"], {"refused": False, "error": None})
        self.assertEqual(result["messages"], ["before", "after"])
        self.assertIsInstance(result["process"][0], int)
        self.assertNotEqual(result["process"][1], result["process"][0])
        self.assertEqual(result["process"][1], result["stand_in"])

    def test_getpid_stand_in(self):
        # Locked, os.getpid() is stable and equals the main thread's native
        # id as lockdown permutes it, so code that compares pids to detect
        # a fork keeps working; it is not the host's pid.
        result = self.run_scenario('''
            import threading
            real = os.getpid()
            lockdownlib.lockdown(kernel=False)
            report(real=real, locked=[os.getpid(), os.getpid()],
                   main=threading.main_thread().native_id)
        ''')
        self.assertNotEqual(result["locked"][0], result["real"])
        self.assertEqual(result["locked"][0], result["locked"][1])
        self.assertEqual(result["locked"][0], result["main"])

    def test_threads_see_lockdown_at_once(self):
        # Threads keep opening files while the main thread locks: once
        # lockdown() has returned, no call started after it may succeed.
        result = self.run_scenario('''
            import threading
            done = False
            stop = False
            escapes = []
            refusals = []
            def worker():
                while not stop:
                    started_after = done
                    try:
                        open(os.devnull).close()
                    except RuntimeError:
                        refusals.append(1)
                    else:
                        if started_after:
                            escapes.append(1)
            threads = [threading.Thread(target=worker) for _ in range(4)]
            for t in threads:
                t.start()
            import time
            time.sleep(0.05)
            lockdownlib.lockdown()
            done = True
            time.sleep(0.05)
            stop = True
            for t in threads:
                t.join()
            report(escapes=len(escapes), refusals=len(refusals))
        ''')
        self.assertEqual(result["escapes"], 0)
        self.assertGreater(result["refusals"], 0)


class FileTests(LockdownTestCase):

    def test_open_read(self):
        self.check_refused("open(os.devnull)", "open", "file system")

    def test_io_open(self):
        self.check_refused("io.open(os.devnull)", "open", "file system",
                           setup="import io")

    def test_open_fd(self):
        self.check_refused("open(fd, closefd=False)", "open", "file system",
                           setup="fd = os.open(os.devnull, os.O_RDONLY)")

    def test_fileio(self):
        self.check_refused("_io.FileIO(os.devnull)", "io.FileIO",
                           "file system", setup="import _io")

    def test_fileio_fd(self):
        self.check_refused("_io.FileIO(fd, closefd=False)", "io.FileIO",
                           "file system", setup="import _io\n"
                           "fd = os.open(os.devnull, os.O_RDONLY)")

    def test_fdopen(self):
        self.check_refused("os.fdopen(fd, closefd=False)", "open",
                           "file system",
                           setup="fd = os.open(os.devnull, os.O_RDONLY)")

    def test_open_code(self):
        self.check_refused("io.open_code(os.devnull)", "io.open_code",
                           "file system", setup="import io")

    def test_os_open(self):
        self.check_refused("os.close(os.open(os.devnull, os.O_RDONLY))",
                           "os.open", "file system")

    def test_create_has_no_side_effect(self):
        with os_helper.temp_dir() as tmp:
            path = os.path.join(tmp, "new")
            result = self.run_scenario(f'''
                lockdownlib.lockdown()
                report(open=attempt(lambda: open({path!r}, "w")),
                       os_open=attempt(lambda: os.open({path!r},
                                       os.O_WRONLY | os.O_CREAT)))
            ''')
            self.assertTrue(result["open"]["refused"])
            self.assertTrue(result["os_open"]["refused"])
            self.assertFalse(os.path.exists(path))

    def test_path_finder_lookups(self):
        for call, operation in [("os.stat(os.curdir)", "os.stat"),
                                ("os.lstat(os.curdir)", "os.lstat"),
                                ("os.access(os.curdir, os.F_OK)", "os.access"),
                                ("os.listdir(os.curdir)", "os.listdir"),
                                ("list(os.scandir(os.curdir))", "os.scandir")]:
            with self.subTest(call=call):
                self.check_refused(call, operation, "file system")

    def test_working_directory_is_a_placeholder(self):
        result = self.run_scenario('''
            import os
            real = os.getcwd()
            lockdownlib.lockdown()
            report(cwd=os.getcwd(), cwdb=os.getcwdb().decode(),
                   abspath=os.path.abspath("data.txt"), real=real)
            ''')
        self.assertNotEqual(result["real"], "/")
        self.assertEqual(result["cwd"], "/")
        self.assertEqual(result["cwdb"], "/")
        self.assertEqual(result["abspath"], "/data.txt")

    def test_traceback_and_warnings_still_work(self):
        # linecache must not turn formatting into a LockdownError.
        result = self.run_scenario('''
            import traceback, warnings, linecache
            lockdownlib.lockdown()
            try:
                1/0
            except ZeroDivisionError:
                text = traceback.format_exc()
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                warnings.warn("still printed")
            report(text=text.splitlines()[-1],
                   warning=str(w[0].message),
                   lines=linecache.getlines(os.__file__))
        ''')
        self.assertEqual(result["text"], "ZeroDivisionError: division by zero")
        self.assertEqual(result["warning"], "still printed")
        self.assertEqual(result["lines"], [])

    def test_linecache_reads_no_source_once_locked(self):
        # Also when code has blocked linecache's own import of lockdownlib.
        result = self.run_scenario('''
            import linecache
            path = os.__file__
            unlocked = len(linecache.getlines(path))
            linecache.clearcache()
            lockdownlib.lockdown()
            locked = linecache.getlines(path)
            sys.modules["lockdownlib"] = None
            linecache.clearcache()
            report(unlocked=unlocked, locked=locked,
                   blocked=linecache.getlines(path))
        ''')
        self.assertGreater(result["unlocked"], 100)
        self.assertEqual(result["locked"], [])
        self.assertEqual(result["blocked"], [])


class FileSystemChangeTests(LockdownTestCase):
    """Changes to the file system: each refused call leaves no trace."""

    # (call, operation): each call runs in a fresh directory holding a file
    # "f", a directory "d" and a link "l" to "f"; fd is open on "f".
    CALLS = [
        ("os.mkdir('new')", "os.mkdir"),
        ("os.rmdir('d')", "os.rmdir"),
        ("os.unlink('f')", "os.unlink"),
        ("os.remove('f')", "os.remove"),
        ("os.rename('f', 'new')", "os.rename"),
        ("os.replace('f', 'new')", "os.replace"),
        ("os.chmod('f', 0o600)", "os.chmod"),
        ("os.chown('f', -1, -1)", "os.chown"),
        ("os.lchown('l', -1, -1)", "os.lchown"),
        ("os.link('f', 'new')", "os.link"),
        ("os.symlink('f', 'new')", "os.symlink"),
        ("os.truncate('f', 0)", "os.truncate"),
        ("os.utime('f', (0, 0))", "os.utime"),
        ("os.mkfifo('new')", "os.mkfifo"),
        ("os.mknod('new')", "os.mknod"),
        ("os.readlink('l')", "os.readlink"),
        ("os.fchmod(fd, 0o600)", "os.fchmod"),
        ("os.fchown(fd, -1, -1)", "os.fchown"),
        ("os.ftruncate(fd, 0)", "os.ftruncate"),
    ]

    def make_tree(self, top):
        os.mkdir(top)
        with open(os.path.join(top, "f"), "w") as f:
            f.write("content")
        os.chmod(os.path.join(top, "f"), 0o644)
        os.mkdir(os.path.join(top, "d"))
        os.symlink("f", os.path.join(top, "l"))

    def snapshot(self, top):
        state = {}
        for name in sorted(os.listdir(top)):
            st = os.lstat(os.path.join(top, name))
            state[name] = (st.st_mode, st.st_size, st.st_mtime_ns)
        return state

    def test_changes(self):
        for call, operation in self.CALLS:
            with self.subTest(call=call), os_helper.temp_dir() as tmp:
                unlocked_dir = os.path.join(tmp, "unlocked")
                locked_dir = os.path.join(tmp, "locked")
                self.make_tree(unlocked_dir)
                self.make_tree(locked_dir)
                before = self.snapshot(locked_dir)
                result = self.run_scenario(f"""
                    os.chdir({unlocked_dir!r})
                    fd = os.open("f", os.O_RDWR)
                    unlocked = attempt(lambda: {call})
                    os.chdir({locked_dir!r})
                    fd = os.open("f", os.O_RDWR)
                    lockdownlib.lockdown()
                    report(unlocked=unlocked, locked=attempt(lambda: {call}))
                """)
                self.assertEqual(result["unlocked"],
                                 {"refused": False, "error": None})
                self.assertEqual(result["locked"]["operation"], operation)
                self.assertEqual(result["locked"]["kind"], "file system")
                self.assertEqual(self.snapshot(locked_dir), before)

    def test_os_state(self):
        calls = [("os.chdir('/')", "os.chdir"),
                 ("os.fchdir(fd)", "os.fchdir"),
                 ("os.umask(0o022)", "os.umask"),
                 ("os.putenv('LDP_TEST', '1')", "os.putenv"),
                 ("os.unsetenv('LDP_TEST')", "os.unsetenv")]
        if os.geteuid() == 0:
            calls.append(("os.chroot('/')", "os.chroot"))   # root only
        for call, operation in calls:
            with self.subTest(call=call):
                self.check_refused(call, operation, "OS state",
                                   setup="fd = os.open('/', os.O_RDONLY)")

    SIGNAL_SETUP = """
import signal, subprocess
def child():
    # It exits when we do: its stdin closes.
    return subprocess.Popen([sys.executable, "-c",
                             "import sys; sys.stdin.read()"],
                            stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            start_new_session=True)
p1 = child()
p2 = child()
"""

    def test_signal_processes(self):
        for func in ["kill", "killpg"]:
            with self.subTest(func=func):
                self.check_refused(
                    f"os.{func}(p2.pid, signal.SIGKILL)", f"os.{func}",
                    "process", setup=self.SIGNAL_SETUP,
                    unlocked=f"(os.{func}(p1.pid, signal.SIGKILL), "
                             "p1.wait())")


class CodeForgingTests(LockdownTestCase):
    """Hand-made code objects are a memory-corruption primitive."""

    SETUP = """
import copy, marshal
def sample(a, b=1):
    return a + b
c = sample.__code__
"""

    def test_code_constructor(self):
        self.check_refused(
            "type(c)(c.co_argcount, c.co_posonlyargcount, c.co_kwonlyargcount,"
            " c.co_nlocals, c.co_stacksize, c.co_flags, c.co_code,"
            " c.co_consts, c.co_names, c.co_varnames, c.co_filename,"
            " c.co_name, c.co_qualname, c.co_firstlineno, c.co_linetable,"
            " c.co_exceptiontable, c.co_freevars, c.co_cellvars)",
            "code.__new__", "code", setup=self.SETUP)

    def test_replace_refused(self):
        for change in ["co_code=c.co_code", "co_consts=(None, 2)",
                       "co_names=('x',)", "co_stacksize=1000",
                       "co_argcount=0", "co_flags=0",
                       "co_varnames=('a', 'b')", "co_linetable=b''",
                       "co_exceptiontable=b'\\x00'"]:
            with self.subTest(change=change):
                self.check_refused(f"c.replace({change})", "code.replace",
                                   "code", setup=self.SETUP)

    def test_copy_replace_refused(self):
        self.check_refused("copy.replace(c, co_consts=(None, 2))",
                           "code.replace", "code", setup=self.SETUP)

    def test_replace_names_allowed(self):
        result = self.run_scenario(self.SETUP + """
lockdownlib.lockdown()
renamed = c.replace(co_name="other", co_qualname="other",
                    co_firstlineno=7)
sample.__code__ = renamed
report(name=renamed.co_name, result=sample(2))
""")
        self.assertEqual(result, {"name": "other", "result": 3})

    def test_marshal_code(self):
        for call in ["marshal.loads(data)",
                     "marshal.load(io.BytesIO(data))"]:
            with self.subTest(call=call):
                self.check_refused(call, "marshal.loads", "code",
                                   setup=self.SETUP + "import io\n"
                                         "data = marshal.dumps(c)")

    def test_marshal_data_still_loads(self):
        result = self.run_scenario("""
import marshal
data = marshal.dumps({"a": [1, 2.5, "x", b"y", None, (True,)]})
lockdownlib.lockdown()
report(value=repr(marshal.loads(data)))
""")
        self.assertEqual(result["value"],
                         repr({"a": [1, 2.5, "x", b"y", None, (True,)]}))

    def test_compiling_still_works(self):
        result = self.run_scenario("""
import ast
lockdownlib.lockdown()
namespace = {}
exec(compile("def f(x):\\n    return x * 2\\n", "<guest>", "exec"), namespace)
tree = ast.parse("40 + 2", mode="eval")
report(exec=namespace["f"](21), eval=eval("6 * 7"),
       ast=eval(compile(tree, "<ast>", "eval")))
""")
        self.assertEqual(result, {"exec": 42, "eval": 42, "ast": 42})

    def test_code_swap_must_match_free_variables(self):
        result = self.run_scenario("""
def outer():
    x = 1
    def inner():
        return x
    return inner
def plain():
    return 0
lockdownlib.lockdown()
try:
    plain.__code__ = outer().__code__
except ValueError as exc:
    outcome = "ValueError"
else:
    outcome = "accepted"
report(outcome=outcome)
""")
        self.assertEqual(result["outcome"], "ValueError")


class AddressTests(LockdownTestCase):
    """Once locked, no object's address can be learned."""

    def test_id(self):
        result = self.run_scenario("""
class Thing:
    pass
thing = Thing()
statics = [None, True, 1, (), len, int, sys]
before = [id(o) for o in [thing] + statics]
lockdownlib.lockdown()
after = [id(o) for o in [thing] + statics]
live = [Thing() for _ in range(20000)]
report(before=before, after=after, again=[id(o) for o in [thing] + statics],
       live_unique=len({id(o) for o in live}) == len(live))
""")
        for old, new in zip(result["before"], result["after"]):
            self.assertNotEqual(old, new)
        self.assertEqual(result["after"], result["again"])
        self.assertTrue(result["live_unique"])

    def test_id_is_not_a_linear_map_of_the_address(self):
        # Objects of one size sit at equal distances in a pool.  A map the
        # size of a few samples could undo (adding or XORing a key, or any
        # affine map) turns equal distances into equal distances.
        result = self.run_scenario("""
class Thing:
    pass
things = [Thing() for _ in range(2000)]
real = [id(t) for t in things]
lockdownlib.lockdown()
report(real=real, masked=[id(t) for t in things])
""")
        real, masked = result["real"], result["masked"]
        by_sum, by_xor = {}, {}
        for i in range(len(real) - 1):
            by_sum.setdefault(real[i + 1] - real[i], set()).add(
                masked[i + 1] - masked[i])
            by_xor.setdefault(real[i + 1] ^ real[i], set()).add(
                masked[i + 1] ^ masked[i])
        for name, table in (("difference", by_sum), ("xor", by_xor)):
            with self.subTest(name):
                delta, images = max(table.items(), key=lambda kv: len(kv[1]))
                self.assertGreater(len(images), 100,
                                   f"equal {name} {delta:#x} stays equal")

    def test_thread_idents_are_not_addresses(self):
        # A thread identifier is permuted from the thread's pthread_t, the
        # address of its control block: unlike id(), from startup, since
        # the identifiers of running threads are kept (threading._active).
        # The C library must still get the pthread_t back.
        result = self.run_scenario("""
import ctypes, faulthandler, signal, tempfile, threading, time
libc = ctypes.CDLL(None)
libc.pthread_self.restype = ctypes.c_ulong
def observe():
    ident = threading.get_ident()
    signal.pthread_kill(ident, 0)
    with tempfile.TemporaryFile() as f:
        faulthandler.dump_traceback(f)
        f.seek(0)
        dump = f.read().decode()
    return {"ident": ident, "raw": libc.pthread_self(),
            "clock": time.pthread_getcpuclockid(ident),
            "native": threading.get_native_id(), "dump": dump,
            "in_frames": ident in sys._current_frames()}
main = observe()
seen = []
worker = threading.Thread(target=lambda: seen.append(observe()))
worker.start()
worker.join()
report(main=main, worker=seen[0], worker_ident=worker.ident,
       main_ident=threading.main_thread().ident)
""")
        self.assertEqual(result["main_ident"], result["main"]["ident"])
        self.assertEqual(result["worker_ident"], result["worker"]["ident"])
        for name in ("main", "worker"):
            with self.subTest(name):
                seen = result[name]
                self.assertNotEqual(seen["ident"], seen["raw"])
                self.assertTrue(seen["in_frames"])
                self.assertIn(f"thread 0x{seen['ident']:016x}", seen["dump"])
                self.assertNotIn(f"{seen['raw']:x}", seen["dump"])
                # Linux makes a thread's CPU clock from its kernel id
                # (MAKE_THREAD_CPUCLOCK): the right pthread_t was found.
                self.assertEqual(seen["clock"], ~seen["native"] << 3 | 6)

    def test_native_thread_ids_hide_the_pid(self):
        # The kernel's id of the main thread is the process id: once
        # locked, get_native_id() and the ids threading recorded are
        # permuted, and agree with each other.
        result = self.run_scenario("""
import threading
pid = os.getpid()
before = threading.get_native_id()
main = threading.main_thread()
lockdownlib.lockdown()
after = threading.get_native_id()
seen = []
worker = threading.Thread(target=lambda: seen.append(threading.get_native_id()))
worker.start()
worker.join()
report(pid=pid, before=before, after=after, recorded=main.native_id,
       worker=seen[0], worker_recorded=worker.native_id)
""")
        self.assertEqual(result["before"], result["pid"])
        self.assertNotEqual(result["after"], result["pid"])
        self.assertEqual(result["recorded"], result["after"])
        self.assertEqual(result["worker_recorded"], result["worker"])
        self.assertNotEqual(result["worker"], result["after"])

    def test_reprs(self):
        result = self.run_scenario("""
import array
class Thing:
    pass
def func():
    pass
thing = Thing()
def make_closure(value):
    return lambda: value
cell = make_closure(thing).__closure__[0]
objects = {"object": thing, "function": func, "code": func.__code__,
           "memoryview": memoryview(b"x"), "cell": cell,
           "generator": (i for i in ()), "method": thing.__init__,
           "frame": sys._getframe()}
real = {name: hex(id(o)) for name, o in objects.items()}
arr = array.array("b", b"xyz")
real_buffer = arr.buffer_info()[0]
lockdownlib.lockdown()
shown = {name: repr(o) for name, o in objects.items()}
report(real=real, shown=shown,
       ids={name: hex(id(o)) for name, o in objects.items()},
       buffer_changed=arr.buffer_info()[0] != real_buffer)
""")
        for name, text in result["shown"].items():
            with self.subTest(name=name):
                self.assertNotIn(result["real"][name], text)
                # A method-wrapper shows the address of its object.
                owner = "object" if name == "method" else name
                self.assertIn(result["ids"][owner], text)
        self.assertTrue(result["buffer_changed"])

    def test_hash_hides_address_and_never_changes(self):
        result = self.run_scenario("""
class Thing:
    pass
things = [Thing() for _ in range(100)]
table = {t: i for i, t in enumerate(things)}
hashes = [hash(t) for t in things]
addresses = [id(t) for t in things]
def rotated(x):
    x = ((x >> 4) | ((x & 15) << 60)) & (2**64 - 1)
    return x - 2**64 if x >= 2**63 else x
lockdownlib.lockdown()
report(same=[hash(t) for t in things] == hashes,
       lookups=all(table[t] == i for i, t in enumerate(things)),
       leaks=sum(h == rotated(a) for h, a in zip(hashes, addresses)))
""")
        self.assertEqual(result, {"same": True, "lookups": True, "leaks": 0})


    def test_hash_key_is_not_the_hash_seed(self):
        # PYTHONHASHSEED=0 zeroes the string hash secret; were the object
        # hash keyed by it, hash() could be undone into the address.
        code = textwrap.dedent("""
            M = 2**64 - 1
            def mix(x, k0=0, k1=0):
                x ^= k0
                x = (x * 0xbf58476d1ce4e5b9) & M
                x ^= x >> 31
                x = (x + k1) & M
                x = (x * 0x94d049bb133111eb) & M
                x ^= x >> 29
                return x >> 4
            things = [object() for _ in range(50)]
            print(sum(hash(t) == mix(id(t)) for t in things))
            print(hash("seeded"))
        """)
        outputs = []
        for _ in range(2):
            res = script_helper.assert_python_ok("-c", code,
                                                 PYTHONHASHSEED="0")
            outputs.append(res.out.decode().split())
        self.assertEqual([out[0] for out in outputs], ["0", "0"])
        # The string hash still follows the seed.
        self.assertEqual(outputs[0][1], outputs[1][1])


class PathTests(LockdownTestCase):
    """Once locked, no file-system path can be learned."""

    def test_module_attributes(self):
        result = self.run_scenario("""
import wsgiref, wsgiref.handlers, importlib
lockdownlib.lockdown()
report(hidden=lockdownlib.HIDDEN_PATH,
       file=wsgiref.__file__, cached=wsgiref.__cached__,
       origin=wsgiref.__spec__.origin, cached_spec=wsgiref.__spec__.cached,
       locations=list(wsgiref.__spec__.submodule_search_locations),
       package_path=list(wsgiref.__path__), loader=wsgiref.__loader__.path,
       handlers=wsgiref.handlers.__file__, repr=repr(wsgiref))
""")
        # wsgiref: a package read from files (SAFE_MODULES are frozen).
        hidden = result.pop("hidden")
        self.assertEqual(hidden, "<hidden>")
        self.assertEqual(result, {
            "file": hidden, "cached": hidden, "origin": hidden,
            "cached_spec": hidden, "locations": [hidden],
            "package_path": [hidden], "loader": hidden,
            "handlers": hidden, "repr": f"<module 'wsgiref' from '{hidden}'>"})

    def test_sys(self):
        result = self.run_scenario("""
names = ["executable", "_base_executable", "prefix", "base_prefix",
         "exec_prefix", "base_exec_prefix", "platlibdir", "_stdlib_dir"]
before = {name: getattr(sys, name) for name in names}
lockdownlib.lockdown()
report(before=before, after={name: getattr(sys, name) for name in names},
       path=sys.path, cache=len(sys.path_importer_cache),
       argv0=sys.argv[0], orig=[a for a in sys.orig_argv if "/" in a])
""", "/some/where/arg")
        for name, value in result["after"].items():
            self.assertNotEqual(result["before"][name], "<hidden>", name)
            self.assertEqual(value, "<hidden>", name)
        self.assertEqual(result["path"], [])
        self.assertEqual(result["cache"], 0)
        self.assertEqual(result["argv0"], "<hidden>")
        self.assertEqual(result["orig"], [])

    def test_environment(self):
        result = self.run_scenario("""
import posix
before = len(os.environ)
lockdownlib.lockdown()
report(before=before, environ=dict(os.environ), environb=len(os.environb),
       posix=len(posix.environ), getenv=os.getenv("PATH"))
""")
        self.assertGreater(result["before"], 0)
        self.assertEqual(result["environ"], {})
        self.assertEqual(result["environb"], 0)
        self.assertEqual(result["posix"], 0)
        self.assertIsNone(result["getenv"])

    def test_sysconfig(self):
        result = self.run_scenario("""
import sysconfig
prefix = sysconfig.get_config_var("prefix")
sysconfig.get_config_vars()
lockdownlib.lockdown()
values = [v for v in sysconfig.get_config_vars().values()
          if isinstance(v, str)]
report(prefix=prefix, leaks=[v for v in values if v == prefix])
""")
        self.assertTrue(result["prefix"].startswith("/"))
        self.assertEqual(result["leaks"], [])

    MODULE = '''
import sys, warnings
def warn():
    warnings.warn("careful")
def fail():
    raise ValueError("in a module file")
def frame():
    return sys._getframe()
'''

    def test_code_frames_tracebacks_warnings(self):
        with os_helper.temp_dir() as tmp:
            script_helper.make_script(tmp, "guestmod", self.MODULE)
            result = self.run_scenario(f"""
import marshal, traceback, warnings
sys.path.insert(0, {tmp!r})
import guestmod
lockdownlib.lockdown()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    guestmod.warn()
try:
    guestmod.fail()
except ValueError:
    text = traceback.format_exc()
report(co_filename=guestmod.warn.__code__.co_filename,
       warning=caught[0].filename, traceback=text,
       frame=repr(guestmod.frame()), code=repr(guestmod.warn.__code__),
       marshal={tmp!r}.encode() in marshal.dumps(guestmod.warn.__code__),
       stack=[f.filename for f in traceback.extract_stack()])
""")
            self.assertEqual(result["co_filename"], "<hidden>")
            self.assertEqual(result["warning"], "<hidden>")
            for key in ("traceback", "frame", "code"):
                self.assertNotIn(tmp, result[key], key)
                self.assertIn("<hidden>", result[key], key)
            self.assertFalse(result["marshal"])
            self.assertNotIn(tmp, "".join(result["stack"]))

    def test_uncaught_traceback_names_no_file(self):
        # The interpreter's own traceback printing, for a script file.
        with os_helper.temp_dir() as tmp:
            script = script_helper.make_script(tmp, "guest", """
import lockdownlib
lockdownlib.lockdown()
def fail():
    raise ValueError("boom")
fail()
""")
            res = script_helper.assert_python_failure(script)
            err = res.err.decode()
            self.assertIn("ValueError: boom", err)
            self.assertIn('File "<hidden>"', err)
            self.assertNotIn(tmp, err)

    def test_crash_dump_names_no_file(self):
        # faulthandler, enabled by the host before locking, writes its dump
        # from a signal handler: the C code must hide the paths itself.
        with os_helper.temp_dir() as tmp:
            script = script_helper.make_script(tmp, "guest", """
import faulthandler, lockdownlib, _testinternalcapi
faulthandler.enable()
lockdownlib.lockdown()
def crash():
    _testinternalcapi.lockdown_write_sealed_flag()
crash()
""")
            res = script_helper.assert_python_failure(script)
            err = res.err.decode()
            self.assertIn("Segmentation fault", err)
            self.assertIn('File "<hidden>", line 6 in crash', err)
            self.assertNotIn(tmp, err)
            self.assertNotIn(".py", err)


class FuzzTests(unittest.TestCase):
    """The fuzz harness works, and the corpus of past failures stays fixed."""

    CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "fuzzcorpus")

    def test_corpus_replays(self):
        entries = sorted(name for name in os.listdir(self.CORPUS)
                         if name.endswith(".json"))
        self.assertTrue(entries, "the corpus holds no entry")
        for name in entries:
            with open(os.path.join(self.CORPUS, name), encoding="utf-8") as f:
                entry = json.load(f)
            with self.subTest(entry=name):
                res = script_helper.run_python_until_end(
                    "-m", entry["module"], "--seed", str(entry["seed"]),
                    "--iterations", str(entry["iterations"]), "--no-record")[0]
                self.assertEqual(res.rc, 0, res.out.decode() + res.err.decode())
                self.assertIn(f"seed {entry['seed']}", res.out.decode())

    def test_fuzz_run_prints_seed_and_replays(self):
        # Few calls: a fresh seed may draw a slow one (operator.pow of
        # huge numbers), which the harness would report as a hang.
        res = script_helper.assert_python_ok(
            "-m", "test.fuzz_operator", "--iterations", "30", "--no-record")
        out = res.out.decode()
        self.assertIn("30 calls", out)
        seed = int(out.split("seed ")[1].split(":")[0])
        res = script_helper.assert_python_ok(
            "-m", "test.fuzz_operator", "--seed", str(seed),
            "--iterations", "30", "--no-record")
        self.assertIn(f"seed {seed}: 30 calls", res.out.decode())

    def test_seed_sequence_repeats_the_runs(self):
        def seeds(sequence):
            res = script_helper.assert_python_ok(
                "-m", "test.fuzz_all", "--only", "operator,heapq",
                "--iterations", "400", "--run-calls", "100",
                "--seed-sequence", sequence, "--no-record")
            return re.findall(r"seed (\d+):", res.out.decode())
        first = seeds("7")
        self.assertEqual(len(first), 4)
        self.assertEqual(len(set(first)), 4)
        self.assertEqual(seeds("7"), first)
        self.assertNotEqual(seeds("8"), first)

    def test_seed_options_are_checked(self):
        for argv in (["--seed", "1", "--seed-sequence", "2"],
                     ["--seed-sequence", "-1"], ["--seed", str(2**32)]):
            with self.subTest(argv=argv):
                res = script_helper.assert_python_failure(
                    "-m", "test.fuzz_all", "--iterations", "10", *argv)
                self.assertIn(b"--seed", res.err)

    def test_fuzz_all_names_every_fuzz_test(self):
        res = script_helper.assert_python_ok(
            "-m", "test.fuzz_all", "--iterations", "50", "--seed-sequence",
            "1", "--no-record")
        out = res.out.decode()
        for name in ("fuzz_abc", "fuzz_builtins", "fuzz_compile",
                     "fuzz_threads", "fuzz_lockdownlib"):
            self.assertIn(name, out)

    def run_fuzz_test(self, name, source, *, timeout=120):
        """Write SOURCE as the fuzz test fuzzpkg.NAME and run it for five
        calls; return the completed process."""
        tmp = self.enterContext(os_helper.temp_dir())
        pkg = os.path.join(tmp, "fuzzpkg")
        os.mkdir(pkg)
        script_helper.make_script(pkg, "__init__", "")
        script_helper.make_script(pkg, name, source)
        # A timeout, so that a harness that never stops fails the test.
        return subprocess.run(
            [sys.executable, "-m", f"fuzzpkg.{name}", "--iterations", "5",
             "--no-record"],
            capture_output=True, text=True, timeout=timeout,
            env=dict(os.environ, PYTHONPATH=tmp))

    def test_escape_is_caught(self):
        # A fuzz test whose target does something forbidden must fail: the
        # harness must not take an escape for a pass.
        proc = self.run_fuzz_test("fuzz_escape", """
import sys
from test import fuzzhelper
def escape(*args):
    # As an import from disk would, if nothing refused it.
    sys.audit("import", "evil", None, [], [], [])
def targets(rng):
    return [escape]
if __name__ == "__main__":
    fuzzhelper.main(targets)
""")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("ESCAPE", proc.stdout)
        self.assertIn("import ('evil'", proc.stdout)

    def test_run_that_cannot_start_stops(self):
        # A run that fails before its first call makes no progress towards
        # --iterations: the harness must stop, not start runs without end.
        proc = self.run_fuzz_test("fuzz_broken", """
from test import fuzzhelper
def targets(rng):
    raise SystemExit(3)
if __name__ == "__main__":
    fuzzhelper.main(targets)
""")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("CRASH after 0 calls", proc.stdout)
        self.assertIn("the run made no call; stopping", proc.stdout)
        self.assertEqual(proc.stdout.count("CRASH"), 1)

    def test_crash_is_caught(self):
        proc = self.run_fuzz_test("fuzz_crash", """
import _testinternalcapi
from test import fuzzhelper
def crash(*args):
    # Locked, faulthandler's crash helpers are refused; the sealed flag
    # page is not writable.
    _testinternalcapi.lockdown_write_sealed_flag()
def targets(rng):
    return [crash]
if __name__ == "__main__":
    fuzzhelper.main(targets)
""")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("CRASH", proc.stdout)
        # "killed by SIGSEGV"; under AddressSanitizer, its "SEGV" report.
        self.assertIn("SEGV", proc.stdout)
        self.assertIn("crash(", proc.stdout)


class AuditLayerTests(LockdownTestCase):
    """The second layer: forbidden audit events are refused before hooks."""

    def test_deny_table(self):
        result = self.run_scenario("""
table = dict(lockdownlib.DENIED_AUDIT_EVENTS)
seen = []
def hook(event, args):
    if event in table:
        seen.append(event)
sys.addaudithook(hook)
before = {}
for event in table:
    seen.clear()
    sys.audit(event)
    before[event] = list(seen)
lockdownlib.lockdown()
after = {}
for event in table:
    seen.clear()
    outcome = attempt(lambda: sys.audit(event))
    after[event] = [outcome, list(seen)]
report(table=table, before=before, after=after)
""")
        table = result["table"]
        self.assertGreater(len(table), 100)
        for event, kind in table.items():
            with self.subTest(event=event):
                # Unlocked, the event reaches the hook.
                self.assertEqual(result["before"][event], [event])
                outcome, seen = result["after"][event]
                self.assertEqual(outcome, {
                    "refused": True, "type": "LockdownError",
                    "args": ["lockdown is enabled"], "operation": event,
                    "kind": kind, "runtime": True})
                # Refused before any hook ran.
                self.assertEqual(seen, [])

    def test_host_identity_through_existing_objects(self):
        # Objects made before lockdown must not give away who the host is.
        with os_helper.temp_dir() as tmp:
            result = self.run_scenario(f"""
import socket
path = os.path.join({tmp!r}, "owned")
with open(path, "w"):
    pass
if os.getuid() == 0:
    os.chown(path, 65534, 65534)   # owned by someone: root is uid 0 anyway
fd = os.open(path, os.O_RDONLY)
a, b = socket.socketpair()
before = [os.fstat(fd).st_uid, os.fstat(fd).st_gid]
lockdownlib.lockdown(kernel=False)
st = os.fstat(fd)
report(before=before, after=[st.st_uid, st.st_gid],
       peercred=attempt(lambda: a.getsockopt(
           socket.SOL_SOCKET, socket.SO_PEERCRED, 12)),
       fstatvfs=attempt(lambda: os.fstatvfs(fd)))
""")
        self.assertNotEqual(result["before"], [0, 0])
        self.assertEqual(result["after"], [0, 0])
        self.assertEqual(result["peercred"]["operation"],
                         "socket.getsockopt(SO_PEERCRED)")
        self.assertEqual(result["peercred"]["kind"], "host identity")
        self.assertEqual(result["fstatvfs"]["operation"], "os.fstatvfs")

    def test_addresses_handed_out_by_c_code(self):
        # The json encoder's markers and the pickler's memo are keyed by
        # address; once locked, by the same masked address id() gives.
        result = self.run_scenario("""
import io, json.encoder, pickle
obj = [object()]
lockdownlib.lockdown(kernel=False)
seen = []
def default(o):
    seen.extend(markers)
    return None
markers = {}
encode = json.encoder.c_make_encoder(
    markers, default, json.encoder.py_encode_basestring, None, ":", ",",
    False, False, True)
list(encode(obj, 0))
pickler = pickle.Pickler(io.BytesIO())
pickler.dump(obj)
report(json=id(obj) in seen, pickle=id(obj) in pickler.memo.copy())
""")
        self.assertEqual(result, {"json": True, "pickle": True})

    def test_semlock_address(self):
        # SemLock._rebuild() takes a semaphore's address: any integer is a
        # read and a decrement anywhere; .handle gives the address away.
        import_helper.import_module("_multiprocessing")
        result = self.run_scenario("""
import _multiprocessing
lock = _multiprocessing.SemLock(1, 1, 1, "/ldp-test-%d" % os.getpid(), True)
handle = lock.handle
before = attempt(lambda: _multiprocessing.SemLock._rebuild(
    handle, 1, 1, None))
lockdownlib.lockdown(kernel=False)
after = attempt(lambda: _multiprocessing.SemLock._rebuild(
    handle, 1, 1, None))
report(before=before, after=after, masked=lock.handle != handle)
""")
        self.assertEqual(result["before"], {"refused": False, "error": None})
        self.assertEqual(result["after"]["operation"],
                         "_multiprocessing.SemLock._rebuild")
        self.assertEqual(result["after"]["kind"], "native code")
        self.assertTrue(result["masked"])

    def test_addaudithook_refused(self):
        # A hook added by locked code would watch the host's later events.
        result = self.run_scenario("""
seen = []
lockdownlib.lockdown()
outcome = attempt(lambda: sys.addaudithook(
    lambda event, args: seen.append(event)))
id(1)
report(outcome=outcome, seen=seen)
""")
        self.assertEqual(result["outcome"]["operation"], "sys.addaudithook")
        self.assertEqual(result["seen"], [])

    def test_allowed_events_pass(self):
        result = self.run_scenario("""
seen = []
sys.addaudithook(lambda event, args: seen.append(event))
lockdownlib.lockdown()
seen.clear()            # lockdown() itself may import (_lockdown_forget)
for event in ("builtins.id", "exec", "compile", "object.__setattr__",
              "import", "socket.__new__", "marshal.loads", "code.__new__"):
    sys.audit(event)
report(seen=seen)
""")
        self.assertEqual(result["seen"], [
            "builtins.id", "exec", "compile", "object.__setattr__", "import",
            "socket.__new__", "marshal.loads", "code.__new__"])

    def test_backstop_stops_calls_without_a_guard(self):
        # These functions have no guard of their own yet; their audit
        # events stop them.
        for call, operation, kind, setup in [
                ("resource.setrlimit(resource.RLIMIT_CORE, limit)",
                 "resource.setrlimit", "OS state",
                 "import resource\n"
                 "limit = resource.getrlimit(resource.RLIMIT_CORE)"),
                ("fcntl.fcntl(0, fcntl.F_GETFD)", "fcntl.fcntl", "OS state",
                 "import fcntl"),
                ("socket.gethostname()", "socket.gethostname", "network",
                 "import socket"),
                ("socket.getaddrinfo('127.0.0.1', 80)", "socket.getaddrinfo",
                 "network", "import socket"),
                ("gc.get_objects()", "gc.get_objects", "interpreter",
                 "import gc"),
                ("gc.get_referrers(sys)", "gc.get_referrers", "interpreter",
                 "import gc"),
                ("sys.settrace(None)", "sys.settrace", "interpreter", ""),
                ("sys.setprofile(None)", "sys.setprofile", "interpreter", ""),
                ("sys._current_frames()", "sys._current_frames",
                 "interpreter", ""),
                ("syslog.openlog('ldp-test')", "syslog.openlog", "OS state",
                 "import syslog")]:
            with self.subTest(call=call):
                self.check_refused(call, operation, kind, setup=setup)


class StandardLibraryGuardTests(LockdownTestCase):
    """The guards of issue-3 scope: one table, each call run unlocked (it
    must reach the real function: a result or an OSError-like error) and
    locked (it must be refused with the guard's own operation)."""

    SETUP = """
import errno, signal, threading, time, _locale, mmap, socket, ssl, sys
import atexit, faulthandler, _tracemalloc, _multiprocessing, resource
scratch = SCRATCH
data_path = os.path.join(scratch, "data")
with open(data_path, "wb") as f:
    f.write(b"x" * 4096)
data_fd = os.open(data_path, os.O_RDWR)
null_fd = os.open(os.devnull, os.O_WRONLY)
master, slave = os.openpty()
prio = os.getpriority(os.PRIO_PROCESS, 0)
affinity = os.sched_getaffinity(0)
policy = os.sched_getscheduler(0)
param = os.sched_getparam(0)
groups = os.getgroups()
uid, euid, gid, egid = os.getuid(), os.geteuid(), os.getgid(), os.getegid()
pid, pgrp = os.getpid(), os.getpgrp()
pt = os.posix_openpt(os.O_RDWR | os.O_NOCTTY)
pidfd = os.pidfd_open(os.getpid())
ns_fd = os.open("/proc/self/ns/uts", os.O_RDONLY)
import termios
attrs = termios.tcgetattr(slave)
import pwd, grp
import _interpqueues, _interpchannels
qid, gone_qid = _interpqueues.create(2, 0, 3), _interpqueues.create(2, 0, 3)
cid, gone_cid = _interpchannels.create(3), _interpchannels.create(3)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
signal.signal(signal.SIGUSR1, signal.SIG_IGN)
def run(expr):
    try:
        eval(expr)
    except lockdownlib.LockdownError as exc:
        return {"refused": True, "operation": exc.operation,
                "kind": exc.kind}
    except BaseException as exc:
        return {"refused": False, "error": type(exc).__name__}
    return {"refused": False, "error": None}
"""

    CALLS = [
        # posix: who and where the host is
        ("os.getppid()", "os.getppid", "host identity"),
        ("os.getuid()", "os.getuid", "host identity"),
        ("os.geteuid()", "os.geteuid", "host identity"),
        ("os.getgid()", "os.getgid", "host identity"),
        ("os.getegid()", "os.getegid", "host identity"),
        ("os.getgroups()", "os.getgroups", "host identity"),
        ("os.getgrouplist('root', 0)", "os.getgrouplist", "host identity"),
        ("os.getlogin()", "os.getlogin", "host identity"),
        ("os.getresuid()", "os.getresuid", "host identity"),
        ("os.getresgid()", "os.getresgid", "host identity"),
        ("os.getpgrp()", "os.getpgrp", "host identity"),
        ("os.getpgid(0)", "os.getpgid", "host identity"),
        ("os.getsid(0)", "os.getsid", "host identity"),
        ("os.uname()", "os.uname", "host identity"),
        ("os.ctermid()", "os.ctermid", "host identity"),
        ("os.ttyname(slave)", "os.ttyname", "host identity"),
        ("os.getloadavg()", "os.getloadavg", "host identity"),
        ("os.getpriority(os.PRIO_PROCESS, 0)", "os.getpriority",
         "host identity"),
        ("os.sched_getaffinity(1)", "os.sched_getaffinity", "host identity"),
        ("os.sched_getscheduler(0)", "os.sched_getscheduler",
         "host identity"),
        ("os.sched_getparam(0)", "os.sched_getparam", "host identity"),
        ("os.tcgetpgrp(slave)", "os.tcgetpgrp", "host identity"),
        # posix: process state
        ("os.setsid()", "os.setsid", "OS state"),
        ("os.setpgid(0, 0)", "os.setpgid", "OS state"),
        ("os.setpgrp()", "os.setpgrp", "OS state"),
        ("os.setuid(uid)", "os.setuid", "OS state"),
        ("os.seteuid(euid)", "os.seteuid", "OS state"),
        ("os.setgid(gid)", "os.setgid", "OS state"),
        ("os.setegid(egid)", "os.setegid", "OS state"),
        ("os.setreuid(-1, -1)", "os.setreuid", "OS state"),
        ("os.setregid(-1, -1)", "os.setregid", "OS state"),
        ("os.setresuid(-1, -1, -1)", "os.setresuid", "OS state"),
        ("os.setresgid(-1, -1, -1)", "os.setresgid", "OS state"),
        ("os.setgroups(groups)", "os.setgroups", "OS state"),
        ("os.initgroups('root', 0)", "os.initgroups", "OS state"),
        ("os.nice(0)", "os.nice", "OS state"),
        ("os.setpriority(os.PRIO_PROCESS, 0, prio)", "os.setpriority",
         "OS state"),
        ("os.sched_setaffinity(0, affinity)", "os.sched_setaffinity",
         "OS state"),
        ("os.sched_setscheduler(0, policy, param)", "os.sched_setscheduler",
         "OS state"),
        ("os.sched_setparam(0, param)", "os.sched_setparam", "OS state"),
        ("os.tcsetpgrp(slave, pgrp)", "os.tcsetpgrp", "OS state"),
        ("os.unshare(0)", "os.unshare", "OS state"),
        # posix: the file system
        ("os.statvfs('/')", "os.statvfs", "file system"),
        ("os.sync()", "os.sync", "file system"),
        ("os.pathconf('/', 'PC_NAME_MAX')", "os.pathconf", "file system"),
        ("os.lockf(data_fd, os.F_TEST, 0)", "os.lockf", "file system"),
        ("os.getxattr(data_path, 'user.ldp')", "os.getxattr", "file system"),
        ("os.setxattr(data_path, 'user.ldp', b'1')", "os.setxattr",
         "file system"),
        ("os.listxattr(data_path)", "os.listxattr", "file system"),
        ("os.removexattr(data_path, 'user.ldp')", "os.removexattr",
         "file system"),
        ("os.openpty()", "os.openpty", "file system"),
        ("os.posix_openpt(os.O_RDWR)", "os.posix_openpt", "file system"),
        ("os.grantpt(pt)", "os.grantpt", "file system"),
        ("os.unlockpt(pt)", "os.unlockpt", "file system"),
        ("os.ptsname(pt)", "os.ptsname", "file system"),
        ("os.pidfd_open(pid)", "os.pidfd_open", "process"),
        # signal
        ("signal.signal(signal.SIGUSR1, signal.SIG_IGN)", "signal.signal",
         "OS state"),
        ("signal.setitimer(signal.ITIMER_REAL, 0)", "signal.setitimer",
         "OS state"),
        ("signal.alarm(0)", "signal.alarm", "OS state"),
        ("signal.pthread_sigmask(signal.SIG_BLOCK, [])",
         "signal.pthread_sigmask", "OS state"),
        ("signal.set_wakeup_fd(-1)", "signal.set_wakeup_fd", "OS state"),
        ("signal.siginterrupt(signal.SIGUSR1, False)", "signal.siginterrupt",
         "OS state"),
        ("signal.pthread_kill(threading.get_ident(), 0)",
         "signal.pthread_kill", "process"),
        ("signal.raise_signal(signal.SIGUSR1)", "signal.raise_signal",
         "process"),
        ("signal.pidfd_send_signal(pidfd, 0)", "signal.pidfd_send_signal",
         "process"),
        # termios
        ("termios.tcsetattr(slave, termios.TCSANOW, attrs)",
         "termios.tcsetattr", "OS state"),
        ("termios.tcsendbreak(slave, 0)", "termios.tcsendbreak", "OS state"),
        ("termios.tcdrain(slave)", "termios.tcdrain", "OS state"),
        ("termios.tcflush(slave, termios.TCIFLUSH)", "termios.tcflush",
         "OS state"),
        ("termios.tcflow(slave, termios.TCOON)", "termios.tcflow",
         "OS state"),
        ("termios.tcsetwinsize(slave, (24, 80))", "termios.tcsetwinsize",
         "OS state"),
        # user and group databases
        ("pwd.getpwuid(0)", "pwd.getpwuid", "host identity"),
        ("pwd.getpwnam('root')", "pwd.getpwnam", "host identity"),
        ("pwd.getpwall()", "pwd.getpwall", "host identity"),
        ("grp.getgrgid(0)", "grp.getgrgid", "host identity"),
        ("grp.getgrnam('root')", "grp.getgrnam", "host identity"),
        ("grp.getgrall()", "grp.getgrall", "host identity"),
        # time and locale
        ("time.tzset()", "time.tzset", "OS state"),
        ("time.clock_settime(time.CLOCK_MONOTONIC, 0.0)",
         "time.clock_settime", "OS state"),
        ("time.clock_settime_ns(time.CLOCK_MONOTONIC, 0)",
         "time.clock_settime_ns", "OS state"),
        ("time.pthread_getcpuclockid(threading.get_ident())",
         "time.pthread_getcpuclockid", "native code"),
        # queues and channels between interpreters, named by small ints
        ("_interpqueues.create(2, 0, 3)", "_interpqueues.create",
         "interpreter"),
        ("_interpqueues.put(qid, 1, 0, 3)", "_interpqueues.put",
         "interpreter"),
        ("_interpqueues.get(qid)", "_interpqueues.get", "interpreter"),
        ("_interpqueues.destroy(gone_qid)", "_interpqueues.destroy",
         "interpreter"),
        ("_interpchannels.create(3)", "_interpchannels.create",
         "interpreter"),
        ("_interpchannels.send(cid, b'x', blocking=False)",
         "_interpchannels.send", "interpreter"),
        ("_interpchannels.recv(cid)", "_interpchannels.recv", "interpreter"),
        ("_interpchannels.send_buffer(cid, b'x', blocking=False)",
         "_interpchannels.send_buffer", "interpreter"),
        ("_interpchannels.close(cid)", "_interpchannels.close",
         "interpreter"),
        ("_interpchannels.destroy(gone_cid)", "_interpchannels.destroy",
         "interpreter"),
        ("_locale.setlocale(_locale.LC_ALL, 'C')", "locale.setlocale",
         "OS state"),
        # files behind other modules
        ("context.load_cert_chain(data_path)",
         "ssl.SSLContext.load_cert_chain", "file system"),
        ("context.load_verify_locations(cafile=data_path)",
         "ssl.SSLContext.load_verify_locations", "file system"),
        ("context.set_default_verify_paths()",
         "ssl.SSLContext.set_default_verify_paths", "file system"),
        ("mmap.mmap(data_fd, 4096)", "mmap.mmap", "file system"),
        ("_multiprocessing.SemLock(1, 1, 1, '/ldp-test-sem', True)",
         "_multiprocessing.SemLock", "file system"),
        ("_multiprocessing.sem_unlink('/ldp-test-none')",
         "_multiprocessing.sem_unlink", "file system"),
        # network identity
        ("socket.if_nameindex()", "socket.if_nameindex", "host identity"),
        ("socket.if_nametoindex('lo')", "socket.if_nametoindex",
         "host identity"),
        ("socket.if_indextoname(1)", "socket.if_indextoname",
         "host identity"),
        ("socket.getprotobyname('tcp')", "socket.getprotobyname",
         "host identity"),
        # interpreter state
        ("sys.setrecursionlimit(1000)", "sys.setrecursionlimit",
         "interpreter"),
        ("sys.setswitchinterval(0.005)", "sys.setswitchinterval",
         "interpreter"),
        ("sys.set_int_max_str_digits(4300)", "sys.set_int_max_str_digits",
         "interpreter"),
        ("sys.setdlopenflags(sys.getdlopenflags())", "sys.setdlopenflags",
         "interpreter"),
        ("sys.activate_stack_trampoline('perf')",
         "sys.activate_stack_trampoline", "interpreter"),
        ("faulthandler.enable(null_fd)", "faulthandler.enable", "OS state"),
        ("faulthandler.dump_traceback_later(100, file=null_fd)",
         "faulthandler.dump_traceback_later", "OS state"),
        ("faulthandler.register(signal.SIGUSR2, null_fd)",
         "faulthandler.register", "OS state"),
        ("faulthandler.dump_traceback(null_fd)", "faulthandler.dump_traceback",
         "OS state"),
        ("atexit.register(len)", "atexit.register", "interpreter"),
        ("atexit.unregister(len)", "atexit.unregister", "interpreter"),
        ("atexit._run_exitfuncs()", "atexit._run_exitfuncs", "interpreter"),
        ("atexit._clear()", "atexit._clear", "interpreter"),
        ("_tracemalloc.start()", "tracemalloc.start", "interpreter"),
        ("_tracemalloc.reset_peak()", "tracemalloc.reset_peak",
         "interpreter"),
        ("_tracemalloc.clear_traces()", "tracemalloc.clear_traces",
         "interpreter"),
        ("_tracemalloc._get_traces()", "tracemalloc._get_traces",
         "interpreter"),
        ("_tracemalloc._get_object_traceback(sys)",
         "tracemalloc._get_object_traceback", "interpreter"),
        # Last: unlocked, setns() joins the namespace the child is in (or
        # fails with EPERM), and login_tty() starts a new session before
        # its data_fd, no terminal, makes it fail with ENOTTY.
        ("os.setns(ns_fd, 0)", "os.setns", "OS state"),
        ("os.login_tty(data_fd)", "os.login_tty", "OS state"),
    ]

    def test_guards(self):
        calls = [call for call, _, _ in self.CALLS]
        # Locked, the child cannot clean up: the test does.
        scratch = self.enterContext(os_helper.temp_dir())
        result = self.run_scenario(f"SCRATCH = {scratch!r}\n" + self.SETUP + f"""
calls = {calls!r}
before = [run(c) for c in calls]
faulthandler.disable()
faulthandler.cancel_dump_traceback_later()
lockdownlib.lockdown()
after = [run(c) for c in calls]
report(before=before, after=after)
""")
        for (call, operation, kind), before, after in zip(
                self.CALLS, result["before"], result["after"]):
            with self.subTest(call=call):
                # Unlocked, the call reaches the real function.
                self.assertFalse(before["refused"], before)
                self.assertEqual(after, {"refused": True,
                                         "operation": operation,
                                         "kind": kind})

    def test_what_stays_allowed(self):
        result = self.run_scenario("""
import _locale, mmap, signal
lockdownlib.lockdown()
report(query=attempt(lambda: _locale.setlocale(_locale.LC_ALL)),
       anonymous=attempt(lambda: mmap.mmap(-1, 4096)),
       getsignal=attempt(lambda: signal.getsignal(signal.SIGINT)),
       rw=attempt(lambda: os.write(1, b"")),
       cpu=attempt(os.cpu_count), urandom=attempt(lambda: os.urandom(8)))
""")
        for name, outcome in result.items():
            self.assertEqual(outcome, {"refused": False, "error": None}, name)


class KernelOracleTests(unittest.TestCase):
    """The kernel checks what the guards promise (seccomp, Linux x86-64)."""

    def run_oracle(self, *args):
        res = script_helper.run_python_until_end(
            "-m", "test.lockdown_oracle", *args)[0]
        out = res.out.decode()
        if res.rc == 2 and "skipped" in out:
            self.skipTest(out.strip())
        return res.rc, out + res.err.decode()

    def test_oracle_traps_a_forbidden_call(self):
        # Without this, a broken filter would let every test below pass.
        rc, out = self.run_oracle("--self-test", "--rounds", "0")
        self.assertEqual(rc, 1, out)
        self.assertIn("FORBIDDEN system call openat", out)
        self.assertIn("self-test", out)

    def test_safe_modules_make_no_forbidden_system_call(self):
        # A fixed seed: a regression check.  Fresh seeds explore (python -m
        # test.lockdown_oracle, and fuzz_all --oracle).
        rc, out = self.run_oracle("--rounds", "3", "--seed", "20261129")
        self.assertEqual(rc, 0, out)
        self.assertIn("no forbidden system call", out)
        exercised = int(out.split("exercised ")[1].split()[0])
        self.assertGreater(exercised, 1000)


class InventoryTests(LockdownTestCase):
    """Every public callable of the safe modules is classed, and checked."""

    TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        os.pardir, os.pardir, "Tools", "lockdown",
                        "inventory.py")
    DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "lockdown_inventory.json")

    def load(self):
        with open(self.DATA, encoding="utf-8") as f:
            return json.load(f)

    def test_inventory_lists_every_public_callable(self):
        if not os.path.exists(self.TOOL):
            self.skipTest("Tools/lockdown is not next to this test")
        res = script_helper.assert_python_ok(self.TOOL, "--check")
        self.assertIn(b", 0 problem(s)", res.out)

    def test_safe_modules_are_the_inventory(self):
        import lockdownlib
        self.assertEqual(lockdownlib.SAFE_MODULES,
                         frozenset(self.load()["modules"]))

    def test_entries(self):
        data = self.load()
        entries = {}
        for module, info in data["modules"].items():
            for name, entry in info["callables"].items():
                if isinstance(entry, str):
                    entry = {"class": entry}
                entries[name] = dict(entry, module=module,
                                     probe=info.get("probe", False))
        # The same script, unlocked and then locked, each in a fresh
        # interpreter (an example may import or cache what it uses).  The
        # callables of the modules marked "probe" are also called with
        # simple arguments, locked and not; every blocked example is run.
        script = f"""
import importlib, io, _io, builtins
entries = {{}}
with open({self.DATA!r}, encoding="utf-8") as f:
    for module, info in json.load(f)["modules"].items():
        for name, entry in info["callables"].items():
            if isinstance(entry, str):
                entry = {{"class": entry}}
            entries[name] = dict(entry, module=module,
                                 probe=info.get("probe", False))
# lockdown() locks; breakpoint() starts pdb unlocked and, its import
# refused, only warns once locked; license() pages through input().
SKIP = {{"lockdownlib.lockdown", "builtins.breakpoint", "builtins.license"}}
def simple():
    return [(), (1,), ("a",), (2, 3), ([3, 1, 2],), (b"xy",), (1.5,)]
def resolve(name):
    module = entries[name]["module"]
    return getattr(importlib.import_module(module), name[len(module) + 1:])
def outcomes(func):
    found = []
    for args in simple():
        try:
            func(*args)
        except lockdownlib.LockdownError:
            found.append("LockdownError")
        except BaseException as exc:
            found.append(type(exc).__name__)
        else:
            found.append("ok")
    return found
for name in entries:
    resolve(name)               # import every module before locking
# Examples name modules by their top-level package (xml.dom.minidom.parse).
namespace = {{e["module"].partition(".")[0]:
              importlib.import_module(e["module"].partition(".")[0])
              for e in entries.values()}}
if LOCK:
    lockdownlib.lockdown()
report(allowed={{n: outcomes(resolve(n)) for n, e in entries.items()
                if e["class"] == "allowed" and e["probe"] and n not in SKIP}},
       existing={{n: outcomes(resolve(n)) for n, e in entries.items()
                 if e["class"] == "existing-only" and e["probe"]
                 and n not in SKIP}},
       examples={{n: attempt(lambda e=e: eval(e["example"], dict(namespace)))
                 for n, e in entries.items() if e["class"] == "blocked"}})
"""
        unlocked = self.run_scenario("LOCK = False\n" + script)
        result = self.run_scenario("LOCK = True\n" + script)
        counts = {}
        for name, entry in entries.items():
            counts[entry["class"]] = counts.get(entry["class"], 0) + 1
            with self.subTest(callable=name, cls=entry["class"]):
                if entry["class"] == "blocked":
                    self.assertFalse(unlocked["examples"][name]["refused"])
                    self.assertTrue(result["examples"][name]["refused"],
                                    result["examples"][name])
                elif entry["class"] == "allowed" and name in result["allowed"]:
                    # Locked, it behaves exactly as it did unlocked.
                    self.assertEqual(result["allowed"][name],
                                     unlocked["allowed"][name])
                elif (entry["class"] == "existing-only"
                      and name in result["existing"]):
                    self.assertNotIn("LockdownError", result["existing"][name])
        self.assertGreater(counts["allowed"], 3000)
        self.assertGreater(counts["blocked"], 100)


class ImportTests(LockdownTestCase):

    def test_import_statement(self):
        # ftplib: a module outside SAFE_MODULES.
        self.check_refused("__import__('ftplib')", "import", "import",
                           setup="sys.modules.pop('ftplib', None)",
                           unlocked="(__import__('ftplib'), sys.modules.pop('ftplib'))",
                           error_type="LockdownImportError")

    def test_refused_import_is_import_error(self):
        result = self.run_scenario('''
            lockdownlib.lockdown()
            try:
                import ftplib
            except ModuleNotFoundError as exc:
                caught = isinstance(exc, RuntimeError)
            report(caught=caught)
        ''')
        self.assertTrue(result["caught"])

    def test_module_in_sys_modules(self):
        result = self.run_scenario('''
            import json
            lockdownlib.lockdown()
            report(json=attempt(lambda: __import__("json")),
                   os=attempt(lambda: __import__("os")))
        ''')
        self.assertEqual(result["json"], {"refused": False, "error": None})
        self.assertEqual(result["os"], {"refused": False, "error": None})

    def test_safe_builtin_module_still_imports(self):
        result = self.run_scenario('''
            lockdownlib.lockdown()
            sys.modules.pop("itertools", None)
            safe = attempt(lambda: __import__("itertools"))
            sys.modules.pop("_symtable", None)     # built in, not safe
            unsafe = attempt(lambda: __import__("_symtable"))
            report(safe=safe, unsafe=unsafe["refused"])
        ''')
        self.assertEqual(result["safe"], {"refused": False, "error": None})
        self.assertTrue(result["unsafe"])

    def test_import_module(self):
        # Lockdown empties sys.path; given one back, importlib's path
        # finder is refused when it stats its directories.
        self.check_refused("(sys.path.extend(paths), "
                           "importlib.import_module('ftplib'))", "os.stat",
                           "file system",
                           setup="import importlib\n"
                                 "paths = list(sys.path)\n"
                                 "sys.modules.pop('ftplib', None)",
                           unlocked="(importlib.import_module('ftplib'), "
                                    "sys.modules.pop('ftplib'))")

    def test_import_module_finds_nothing(self):
        result = self.run_scenario("""
import importlib
sys.modules.pop("ftplib", None)
lockdownlib.lockdown()
try:
    importlib.import_module("ftplib")
except ImportError as exc:
    outcome = type(exc).__name__
report(outcome=outcome)
""")
        self.assertEqual(result["outcome"], "ModuleNotFoundError")

    def test_extension_loading(self):
        self.check_refused("_imp.create_dynamic(spec)", "_imp.create_dynamic",
                           "import", error_type="LockdownImportError",
                           setup="import _imp, importlib.util\n"
                                 "spec = importlib.util.find_spec('_zoneinfo')")

    def test_builtin_creation(self):
        self.check_refused("_imp.create_builtin(spec)",
                           "_imp.create_builtin", "import",
                           error_type="LockdownImportError",
                           setup="import _imp, importlib.machinery\n"
                                 "spec = importlib.machinery.ModuleSpec("
                                 "'_symtable', None)")

    def test_extension_exec(self):
        self.check_refused("_imp.exec_dynamic(mod)", "_imp.exec_dynamic",
                           "import", error_type="LockdownImportError",
                           setup="import _imp, importlib.util\n"
                                 "spec = importlib.util.find_spec('_zoneinfo')\n"
                                 "mod = _imp.create_dynamic(spec)")

    def test_frozen_init(self):
        # A frozen module outside SAFE_MODULES is not found once locked.
        result = self.run_scenario('''
            import _imp
            before = _imp.init_frozen("__hello__") is not None
            lockdownlib.lockdown()
            report(before=before, after=_imp.init_frozen("__hello__"))
        ''')
        self.assertTrue(result["before"])
        self.assertIsNone(result["after"])

    def test_frozen_code(self):
        result = self.run_scenario('''
            import _imp
            before = attempt(lambda: _imp.get_frozen_object("__hello__"))
            lockdownlib.lockdown()
            report(before=before,
                   after=attempt(lambda: _imp.get_frozen_object("__hello__")))
        ''')
        self.assertEqual(result["before"], {"refused": False, "error": None})
        self.assertIn("ImportError", result["after"]["error"])

    def test_zipimport(self):
        with os_helper.temp_dir() as tmp:
            archive = os.path.join(tmp, "mods.zip")
            import zipfile
            with zipfile.ZipFile(archive, "w") as z:
                z.writestr("zipped_mod.py", "VALUE = 1\n")
            self.check_refused(f"zipimport.zipimporter({archive!r})",
                               "os.stat", "file system",
                               setup="import zipimport")
            result = self.run_scenario(f'''
                sys.path.insert(0, {archive!r})
                lockdownlib.lockdown()
                report(imp=attempt(lambda: __import__("zipped_mod")))
            ''')
            self.assertTrue(result["imp"]["refused"])


class ProcessTests(LockdownTestCase):

    def test_system(self):
        self.check_refused("os.system('true')", "os.system", "process")

    def test_fork(self):
        self.check_refused("fork_and_reap()", "os.fork", "process", setup='''
def fork_and_reap():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
''')

    @unittest.skipUnless(hasattr(os, "forkpty"), "needs os.forkpty")
    def test_forkpty(self):
        self.check_refused("forkpty_and_reap()", "os.forkpty", "process",
                           setup='''
def forkpty_and_reap():
    pid, fd = os.forkpty()
    if pid == 0:
        os._exit(0)
    os.close(fd)
    os.waitpid(pid, 0)
''')

    # exec would replace the process: try it unlocked in a forked child.
    EXEC_SETUP = '''
def in_child(call):
    pid = os.fork()
    if pid == 0:
        try:
            call()
        finally:
            os._exit(99)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise AssertionError("exec failed in the child")
TRUE = "/bin/true" if os.path.exists("/bin/true") else "/usr/bin/true"
'''

    def test_exec_family(self):
        for call, operation in [
                ("os.execv(TRUE, [TRUE])", "os.execv"),
                ("os.execve(TRUE, [TRUE], {})", "os.execve"),
                ("os.execl(TRUE, TRUE)", "os.execv"),
                ("os.execvp('true', ['true'])", None),
                ("os.execvpe('true', ['true'], {'PATH': '/bin:/usr/bin'})",
                 None)]:
            with self.subTest(call=call):
                self.check_refused(call, operation, "process",
                                   setup=self.EXEC_SETUP,
                                   unlocked=f"in_child(lambda: {call})")

    def test_spawn_family(self):
        for call in ["os.spawnv(os.P_WAIT, TRUE, [TRUE])",
                     "os.spawnlp(os.P_WAIT, 'true', 'true')"]:
            with self.subTest(call=call):
                self.check_refused(call, "os.fork", "process",
                                   setup=self.EXEC_SETUP)

    def test_posix_spawn(self):
        for func in ["posix_spawn", "posix_spawnp"]:
            with self.subTest(func=func):
                self.check_refused(
                    f"os.waitpid(os.{func}(TRUE, [TRUE], {{}}), 0)",
                    f"os.{func}", "process", setup=self.EXEC_SETUP)

    def test_subprocess(self):
        self.check_refused("subprocess.run([TRUE], check=True)",
                           None, None,
                           setup="import subprocess\n" + self.EXEC_SETUP)

    def test_popen(self):
        self.check_refused("os.popen('true').close()", None, None,
                           setup="import subprocess")

    def test_fork_exec(self):
        # subprocess prefers posix_spawn where it can; make it fork_exec.
        # Its audit event (raised by sys.audit() in Python code) is
        # refused before the C guard of _posixsubprocess.fork_exec runs.
        self.check_refused("subprocess.Popen([TRUE]).wait()",
                           "subprocess.Popen", "process",
                           setup="import subprocess\n"
                                 "subprocess._USE_POSIX_SPAWN = False\n"
                                 + self.EXEC_SETUP)


class SocketTests(LockdownTestCase):

    SETUP = "import socket"

    def test_create(self):
        self.check_refused("socket.socket().close()", "socket.socket",
                           "network", setup=self.SETUP)

    def test_create_udp(self):
        self.check_refused(
            "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()",
            "socket.socket", "network", setup=self.SETUP)

    def test_socketpair(self):
        # A unix pair reaches nothing outside the process (asyncio's
        # self-pipe is one); other families are refused before the OS,
        # which may not support them, is asked.
        result = self.run_scenario("""
import socket
lockdownlib.lockdown()
a, b = socket.socketpair()
a.send(b"x")
report(unix=b.recv(1).decode(),
       inet=attempt(lambda: socket.socketpair(socket.AF_INET)))
""")
        self.assertEqual(result["unix"], "x")
        self.assertEqual(result["inet"]["operation"], "socket.socketpair")

    def test_sendmsg_to_an_address(self):
        result = self.run_scenario("""
import socket
receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
receiver.bind(("127.0.0.1", 0))
receiver.settimeout(0.2)
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
address = receiver.getsockname()
before = attempt(lambda: sender.sendmsg([b"a"], [], 0, address))
got_before = receiver.recv(1).decode()
lockdownlib.lockdown(kernel=False)
after = attempt(lambda: sender.sendmsg([b"b"], [], 0, address))
try:
    got_after = receiver.recv(1).decode()
except TimeoutError:
    got_after = None
report(before=before, got_before=got_before, after=after,
       got_after=got_after)
""")
        self.assertEqual(result["before"], {"refused": False, "error": None})
        self.assertEqual(result["got_before"], "a")
        self.assertEqual(result["after"]["operation"], "socket.sendmsg")
        self.assertIsNone(result["got_after"])

    def test_bind(self):
        self.check_refused("s2.bind(('127.0.0.1', 0))",
                           "socket.bind", "network",
                           setup=self.SETUP + "\ns = socket.socket()\n"
                                 "s2 = socket.socket()",
                           unlocked="s.bind(('127.0.0.1', 0))")

    def test_bind_unix(self):
        with os_helper.temp_dir() as tmp:
            path = os.path.join(tmp, "sock")
            result = self.run_scenario(f'''
                import socket
                s = socket.socket(socket.AF_UNIX)
                lockdownlib.lockdown()
                report(bind=attempt(lambda: s.bind({path!r})))
            ''')
            self.assertEqual(result["bind"]["operation"], "socket.bind")
            self.assertFalse(os.path.exists(path))

    CONNECT_SETUP = SETUP + '''
server = socket.create_server(('127.0.0.1', 0))
addr = server.getsockname()
c1 = socket.socket()
c2 = socket.socket()
'''

    def test_connect(self):
        self.check_refused("c2.connect(addr)", "socket.connect", "network",
                           setup=self.CONNECT_SETUP,
                           unlocked="c1.connect(addr)")

    def test_connect_ex(self):
        self.check_refused("c2.connect_ex(addr)", "socket.connect_ex",
                           "network", setup=self.CONNECT_SETUP,
                           unlocked="c1.connect_ex(addr)")

    def test_listen(self):
        self.check_refused("s.listen()", "socket.listen", "network",
                           setup=self.SETUP + "\ns = socket.socket()\n"
                                 "s.bind(('127.0.0.1', 0))")

    def test_listening_socket_still_accepts(self):
        result = self.run_scenario('''
            import socket
            server = socket.create_server(("127.0.0.1", 0))
            client = socket.create_connection(server.getsockname())
            lockdownlib.lockdown()
            conn, _ = server.accept()
            client.sendall(b"ping")
            data = conn.recv(4)
            conn.sendall(b"pong")
            reply = client.recv(4)
            report(data=data.decode(), reply=reply.decode())
        ''')
        self.assertEqual(result, {"data": "ping", "reply": "pong"})


class InterpreterTests(LockdownTestCase):

    SETUP = "import _interpreters"

    def test_create(self):
        self.check_refused("_interpreters.destroy(_interpreters.create())",
                           "_interpreters.create", "interpreter",
                           setup=self.SETUP)

    def test_run_in_existing_interpreter(self):
        setup = self.SETUP + "\niid = _interpreters.create()\n" \
                             "def func(): pass"
        for call, operation in [
                ("_interpreters.exec(iid, 'pass')", "_interpreters.exec"),
                ("_interpreters.run_string(iid, 'pass')",
                 "_interpreters.run_string"),
                ("_interpreters.run_func(iid, func)",
                 "_interpreters.run_func"),
                ("_interpreters.call(iid, func)", "_interpreters.call"),
                ("_interpreters.incref(iid)", "_interpreters.incref"),
                ("_interpreters.decref(iid)", "_interpreters.decref"),
                ("_interpreters.set___main___attrs(iid, {'a': 1})",
                 "_interpreters.set___main___attrs")]:
            with self.subTest(call=call):
                self.check_refused(call, operation, "interpreter",
                                   setup=setup)

    def test_destroy(self):
        self.check_refused("_interpreters.destroy(iid)",
                           "_interpreters.destroy", "interpreter",
                           setup=self.SETUP + "\niid = _interpreters.create()",
                           unlocked="_interpreters.destroy("
                                    "_interpreters.create())")

    def test_queue_made_before_can_be_dropped(self):
        # Sending and receiving are refused (test_guards), but a queue
        # object's finalizer releases its reference: that must not fail.
        result = self.run_scenario("""
from test.support.interpreters import queues
queue = queues.create()
queue.put(1)
lockdownlib.lockdown()
put = attempt(lambda: queue.put(2))
unraisable = []
sys.unraisablehook = unraisable.append
del queue
report(put=put["refused"], unraisable=[repr(u.exc_value) for u in unraisable])
""")
        self.assertEqual(result, {"put": True, "unraisable": []})

    def test_c_api_refuses(self):
        # Py_NewInterpreterFromConfig, called with the thread state swapped
        # out, as _testinternalcapi (and _PyXI_NewInterpreter) do.
        _testinternalcapi = import_helper.import_module("_testinternalcapi")
        result = self.run_scenario('''
            import _testinternalcapi, _interpreters
            config = _interpreters.new_config("isolated")
            before = _testinternalcapi.run_in_subinterp_with_config(
                "pass", config)
            lockdownlib.lockdown()
            try:
                _testinternalcapi.run_in_subinterp_with_config(
                    "import os; os.system('true')", config)
            except Exception as exc:
                after = str(exc.__cause__ or exc.__context__)
            else:
                after = "created"
            report(before=before, after=after)
        ''')
        self.assertEqual(result["before"], 0)
        self.assertIn("lockdown is enabled", result["after"])

    def test_subinterpreter_locks_itself(self):
        # lockdownlib has multi-phase init: a sub-interpreter imports it
        # and locks itself without locking the main interpreter.
        result = self.run_scenario('''
            import _interpreters
            iid = _interpreters.create()
            excinfo = _interpreters.exec(iid, """if True:
                import lockdownlib, os
                lockdownlib.lockdown()
                try:
                    open(os.devnull)
                except lockdownlib.LockdownError:
                    pass
                else:
                    raise AssertionError("not refused")
            """)
            report(excinfo=None if excinfo is None else str(excinfo),
                   main_locked=lockdownlib.is_locked(),
                   main_open=attempt(lambda: open(os.devnull).close()))
        ''')
        self.assertEqual(result, {
            "excinfo": None, "main_locked": False,
            "main_open": {"refused": False, "error": None}})


if __name__ == "__main__":
    unittest.main()
