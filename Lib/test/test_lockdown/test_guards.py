"""The guards: once locked, no file, change to the file system or the OS
state, code object made from parts, process, network access or
sub-interpreter."""

import os
import unittest
from test.support import import_helper, os_helper
from test.test_lockdown.util import LockdownTestCase


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
            result = self.run_named_scenario("create_has_no_side_effect", path)
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
        result = self.run_named_scenario("working_directory_is_a_placeholder")
        self.assertNotEqual(result["real"], "/")
        self.assertEqual(result["cwd"], "/")
        self.assertEqual(result["cwdb"], "/")
        self.assertEqual(result["abspath"], "/data.txt")

    def test_traceback_and_warnings_still_work(self):
        # linecache must not turn formatting into a LockdownError.
        result = self.run_named_scenario("traceback_and_warnings_still_work")
        self.assertEqual(result["text"], "ZeroDivisionError: division by zero")
        self.assertEqual(result["warning"], "still printed")
        self.assertEqual(result["lines"], [])

    def test_linecache_reads_no_source_once_locked(self):
        # Also when code has blocked linecache's own import of lockdownlib.
        result = self.run_named_scenario(
            "linecache_reads_no_source_once_locked")
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
        result = self.run_named_scenario("replace_names_allowed")
        self.assertEqual(result, {"name": "other", "result": 3})

    def test_marshal_code(self):
        for call in ["marshal.loads(data)",
                     "marshal.load(io.BytesIO(data))"]:
            with self.subTest(call=call):
                self.check_refused(call, "marshal.loads", "code",
                                   setup=self.SETUP + "import io\n"
                                         "data = marshal.dumps(c)")

    def test_marshal_data_still_loads(self):
        result = self.run_named_scenario("marshal_data_still_loads")
        self.assertEqual(result["value"],
                         repr({"a": [1, 2.5, "x", b"y", None, (True,)]}))

    def test_compiling_still_works(self):
        result = self.run_named_scenario("compiling_still_works")
        self.assertEqual(result, {"exec": 42, "eval": 42, "ast": 42})

    def test_code_swap_must_match_free_variables(self):
        result = self.run_named_scenario("code_swap_must_match_free_variables")
        self.assertEqual(result["outcome"], "ValueError")


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
        result = self.run_named_scenario("socketpair")
        self.assertEqual(result["unix"], "x")
        self.assertEqual(result["inet"]["operation"], "socket.socketpair")

    def test_sendmsg_to_an_address(self):
        result = self.run_named_scenario("sendmsg_to_an_address")
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
            result = self.run_named_scenario("bind_unix", path)
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
        result = self.run_named_scenario("listening_socket_still_accepts")
        self.assertEqual(result, {"data": "ping", "reply": "pong"})


class InterpreterTests(LockdownTestCase):

    SETUP = "import _interpreters"

    def test_create(self):
        self.check_refused("_interpreters.destroy(_interpreters.create())",
                           "_interpreters.create", "interpreters",
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
                self.check_refused(call, operation, "interpreters",
                                   setup=setup)

    def test_destroy(self):
        self.check_refused("_interpreters.destroy(iid)",
                           "_interpreters.destroy", "interpreters",
                           setup=self.SETUP + "\niid = _interpreters.create()",
                           unlocked="_interpreters.destroy("
                                    "_interpreters.create())")

    def test_queue_made_before_can_be_dropped(self):
        # Sending and receiving are refused (test_guards), but a queue
        # object's finalizer releases its reference: that must not fail.
        result = self.run_named_scenario("queue_made_before_can_be_dropped")
        self.assertEqual(result, {"put": True, "unraisable": []})

    def test_c_api_refuses(self):
        # Py_NewInterpreterFromConfig, called with the thread state swapped
        # out, as _testinternalcapi (and _PyXI_NewInterpreter) do.
        _testinternalcapi = import_helper.import_module("_testinternalcapi")
        result = self.run_named_scenario("c_api_refuses")
        self.assertEqual(result["before"], 0)
        self.assertIn("lockdown is enabled", result["after"])

    def test_subinterpreter_locks_itself(self):
        # lockdownlib has multi-phase init: a sub-interpreter imports it
        # and locks itself without locking the main interpreter.
        result = self.run_named_scenario("subinterpreter_locks_itself")
        self.assertEqual(result, {
            "excinfo": None, "main_locked": False,
            "main_open": {"refused": False, "error": None}})


if __name__ == "__main__":
    unittest.main()
